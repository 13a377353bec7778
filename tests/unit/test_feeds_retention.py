"""Retention: a feed's `keep` removes old untouched entries, with real files and a real store,
and never one the user read, opened, bookmarked, noted or highlighted."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader import paths
from reader.cli import main
from reader.feeds.common import FeedError
from reader.feeds.refresh import subscribe
from reader.feeds.registry import FeedRegistry, feed_folder
from reader.feeds.retention import Keep, expired, parse_keep, prune
from reader.library import Library
from reader.models import ArticleMeta
from reader.store import Position, Store
from tests.http_server import LoopbackServer, Route

TODAY = date(2026, 3, 20)


def rss(count: int) -> bytes:
    """A feed of `count` entries, entry n dated n days before 2026-03-20 (0 is the newest)."""
    items = "".join(
        f"<item><guid>e-{n}</guid><title>Entry {n}</title><link>http://127.0.0.1/e{n}</link>"
        f"<pubDate>{date.fromordinal(TODAY.toordinal() - n).strftime('%a, %d %b %Y')} "
        f"08:00:00 GMT</pubDate><description>&lt;p&gt;Entry {n} of the harbour log.&lt;/p&gt;"
        "</description></item>"
        for n in range(count)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Harbour Log</title><link>http://127.0.0.1/</link>{items}</channel></rss>"
    ).encode()


@pytest.mark.parametrize(
    ("text", "keep"),
    [("30d", Keep(days=30)), ("7 days", Keep(days=7)), ("200", Keep(count=200)),
     (" 1D ", Keep(days=1)), ("off", None), ("", None), ("0", None)],
)  # fmt: skip
def test_parse_keep(text: str, keep: Keep | None) -> None:
    assert parse_keep(text) == keep


@given(st.text(max_size=20))
def test_parse_keep_takes_any_text_or_says_why(text: str) -> None:
    try:
        keep = parse_keep(text)
    except FeedError as error:
        assert "30d" in str(error)
    else:
        assert keep is None or str(parse_keep(str(keep))) == str(keep)


def meta(n: int) -> ArticleMeta:
    return ArticleMeta(id=f"id{n}", path=f"/f/{n}.md", title=f"Entry {n}",
                       date=date.fromordinal(TODAY.toordinal() - n))  # fmt: skip


def test_expired_by_count_and_by_age_spares_the_protected() -> None:
    entries = [meta(n) for n in range(6)]
    by_count = expired(Keep(count=2), entries, {"id4"}, TODAY)
    assert [m.id for m in by_count] == ["id2", "id3", "id5"]
    by_age = expired(Keep(days=3), entries, {"id5"}, TODAY)
    assert [m.id for m in by_age] == ["id4"]


@pytest.fixture
def registry() -> Iterator[FeedRegistry]:
    with FeedRegistry.open() as opened:
        yield opened


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "store.json") as opened:
        yield opened


def test_prune_removes_only_untouched_old_entries_with_real_files(
    registry: FeedRegistry, store: Store, tmp_path: Path
) -> None:
    source = tmp_path / "log.xml"
    source.write_bytes(rss(8))
    sub, _ = subscribe(registry, str(source))
    with Library([paths.user_library_dir()], processes=0) as library:
        library.scan()
        by_title = {m.title: m for m in library.metas(library.ids()).values()}
        assert len(by_title) == 8

        def mark(n: int) -> ArticleMeta:
            return by_title[f"Entry {n}"]

        store.set_read(mark(2).id, mark(2).path, "Entry 2")
        store.mark_opened(mark(3).id, mark(3).path, "Entry 3", Position.at(0, "x"))
        store.add_bookmark(mark(4).id, mark(4).path, "Entry 4")
        store.set_note(mark(5).id, mark(5).path, "Entry 5", "Keep this one")
        store.add_highlight(mark(6).id, mark(6).path, "Entry 6", "harbour log")
        subs = [registry.update(sub.name, keep="1")]
        removed = prune(library, subs, store, today=TODAY)
        assert sorted(path.name for path in removed) == sorted(
            Path(mark(n).path).name for n in (1, 7)
        )
        left = sorted(p.name for p in feed_folder(sub.name).glob("*.md"))
        assert left == sorted(Path(mark(n).path).name for n in (0, 2, 3, 4, 5, 6))
        assert prune(library, subs, store, today=TODAY) == []  # gone already: nothing twice
        library.scan()
        subs = [registry.update(sub.name, keep="4d")]
        assert prune(library, subs, store, today=TODAY) == []  # 0 is new, the rest touched
        # Something marked in an app but not written yet is protected too.
        store.set_read(mark(2).id, mark(2).path, "Entry 2", read=False)
        subs = [registry.update(sub.name, keep="1")]
        assert prune(library, subs, store, today=TODAY, also={mark(2).id}) == []


def test_a_feed_without_keep_keeps_everything(
    registry: FeedRegistry, store: Store, tmp_path: Path
) -> None:
    source = tmp_path / "log.xml"
    source.write_bytes(rss(3))
    sub, _ = subscribe(registry, str(source))
    with Library([paths.user_library_dir()], processes=0) as library:
        library.scan()
        assert prune(library, [sub], store, today=TODAY) == []
    assert len(list(feed_folder(sub.name).glob("*.md"))) == 3


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_sets_keep_and_refresh_applies_it(
    capsys: pytest.CaptureFixture[str], http_server: LoopbackServer
) -> None:
    http_server.routes["/log"] = Route(rss(5), content_type="application/rss+xml")
    assert run(capsys, "feeds", "add", http_server.url("/log"))[0] == 0
    code, out, _ = run(capsys, "feeds", "set", "harbour-log", "--keep", "2")
    assert code == 0 and out == "harbour-log: keep 2\n"
    code, _, err = run(capsys, "feeds", "set", "harbour-log", "--keep", "banana")
    assert code == 2 and err.count("\n") == 1 and "30d" in err
    assert "keep 2" in run(capsys, "feeds", "list")[1]
    with Store.open() as user_store:  # the user's own store: one entry bookmarked
        with Library([paths.user_library_dir()], processes=0) as library:
            library.scan()
            oldest = min(library.metas(library.ids()).values(), key=lambda m: m.date or TODAY)
        user_store.add_bookmark(oldest.id, oldest.path, oldest.title)
    code, out, _ = run(capsys, "feeds", "refresh")
    assert code == 0 and "Removed 2 old entries" in out
    left = {p.name for p in feed_folder("harbour-log").glob("*.md")}
    assert len(left) == 3 and Path(oldest.path).name in left
    code, out, _ = run(capsys, "search", "harbour", "--json")
    found = [json.loads(line) for line in out.splitlines()]
    # The catalog and the index forgot the removed ones.
    assert sum(hit["source"] == "Harbour Log" for hit in found) == 3
