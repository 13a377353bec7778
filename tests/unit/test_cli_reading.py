"""`reader review` (list and grade today's highlights) and `reader stats` (text and JSON)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from reader.cli import main
from reader.store import Store
from reader.store.reading_log import record_progress
from reader.store.review import review_states
from tests.conftest import SAMPLE_DATA

SAMPLE = str(SAMPLE_DATA)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def highlights(count: int) -> list[str]:
    with Store.open() as store:
        return [
            store.add_highlight(
                f"a{n}", f"/a{n}.txt", f"Article [{n}]", f"quote number {n}", note="why\x1b[31m"
            ).uuid
            for n in range(count)
        ]


def test_review_lists_five_a_day(capsys) -> None:
    uuids = highlights(7)
    code, out, _ = run(capsys, "review")
    assert code == 0
    assert out.count("“quote number") == 5
    assert "1. Article [0]  [" + uuids[0][:8] + "]" in out
    assert "\x1b" not in out and "— why\n" in out


def test_review_json_and_per_day_setting(capsys) -> None:
    from reader import config, paths

    paths.config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.config_file().write_text("review_per_day = 2\n", encoding="utf-8")
    assert config.load().config.review_per_day == 2
    uuids = highlights(4)
    code, out, _ = run(capsys, "review", "--json")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in records] == uuids[:2]
    assert records[0]["quote"] == "quote number 0"


def test_review_grades_by_id_prefix(capsys) -> None:
    uuids = highlights(3)
    code, out, _ = run(capsys, "review", "keep", uuids[1][:8])
    assert code == 0
    assert out.startswith("keep: quote number 1 (next on ")
    with Store.open() as store:
        state = review_states(store)[uuids[1]]
    assert state.due == date.today() + timedelta(days=3)
    code, out, _ = run(capsys, "review", "--json")
    assert [json.loads(line)["id"] for line in out.splitlines()] == [uuids[0], uuids[2]]


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["review", "keep"], "which highlight?"),
        (["review", "done", "ab"], "too short"),
        (["review", "done", "ffffffff"], "no highlight"),
    ],
)
def test_review_mistakes_are_one_line(capsys, argv: list[str], says: str) -> None:
    highlights(1)
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert says in err and err.count("\n") == 1


def test_an_unknown_grade_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["review", "later", "abcd"])
    assert exit_.value.code == 2


def test_stats_text_and_json(capsys) -> None:
    from reader.library import Library

    with Library([SAMPLE_DATA]) as library:
        library.scan()
        rows = library.rows()
        first, second = rows[0], rows[1]
    today = date.today()
    with Store.open() as store:
        record_progress(store, first.id, 400, 1.0, today)
        record_progress(store, second.id, 1000, 0.5, today - timedelta(days=1))
        store.set_read(first.id, first.path, first.title)
        store.add_bookmark(first.id, first.path, first.title, tags=["Ports"])
    code, out, _ = run(capsys, "stats", "-l", SAMPLE, "--json")
    assert code == 0
    stats = json.loads(out)
    assert stats["days"][-1] == {"day": today.isoformat(), "words": 400}
    assert stats["days"][-2]["words"] == 500
    assert len(stats["days"]) == 28
    assert (stats["streak"], stats["finished"], stats["words"]) == (2, 1, 900)
    assert {"name": "ports", "articles": 1} in stats["tags"]
    assert sum(source["articles"] for source in stats["sources"]) == 2
    code, out, _ = run(capsys, "stats", "-l", SAMPLE)
    lines = out.splitlines()
    assert lines[0] == "Words read a day, last 28 days: 900 words, about 4 min"
    assert lines[1] == "·" * 26 + "█▇"  # 500 words yesterday, 400 today
    assert "Streak: 2 days" in lines and "Finished: 1 article" in lines


def test_stats_with_nothing_read(capsys) -> None:
    code, out, _ = run(capsys, "stats", "-l", SAMPLE)
    assert code == 0
    assert "Streak: 0 days" in out and "none yet" in out


def test_review_shows_the_article_title_of_today(capsys) -> None:
    from reader.library import Library

    with Library([SAMPLE_DATA]) as library:
        library.scan()
        first = library.rows()[0]
    with Store.open() as store:
        store.add_highlight(first.id, first.path, "An old title", "a quote")
    code, out, _ = run(capsys, "review", "-l", SAMPLE, "--json")
    assert code == 0
    assert json.loads(out)["title"] == first.title
