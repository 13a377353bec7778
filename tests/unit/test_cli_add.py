"""`reader add`: saving pages and files end to end, one line per item, exit codes, and the
catalog and index brought up to date at once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader import paths
from reader.cli import main
from reader.cli.common import open_library
from reader.samples import is_sample
from reader.search import parse
from reader.search.sync import open_index
from tests.http_server import Route

ARTICLE = (
    b"<!doctype html><html><head><meta charset='utf-8'><title>The lamplighter of Vell</title>"
    b"<meta property='og:site_name' content='Harbour Gazette'></head><body>"
    b"<nav><a href='/'>Front page</a> <a href='/weather'>Weather</a></nav><main><article>"
    b"<h1>The lamplighter of Vell</h1>"
    b"<p>Every evening for thirty-one years, Osric Penhallow has climbed the iron stair of the"
    b" Vell lighthouse with a can of paraffin and a brass wick trimmer.</p>"
    b"<p>The lamp was automated long ago, but the harbour board still pays him a retainer,"
    b" because, as the chair put it, somebody ought to look at the sea.</p>"
    b"</article></main><footer>Harbour Gazette. Letters to the editor.</footer></body></html>"
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_add_saves_a_page_and_it_is_listed_and_indexed_at_once(capsys, http_server) -> None:
    http_server.routes["/lamplighter"] = Route(ARTICLE)
    code, out, err = run(capsys, "add", http_server.url("/lamplighter"))
    assert (code, err) == (0, "")
    saved = paths.user_library_dir() / "web"
    [path] = saved.iterdir()
    assert out == f"saved: The lamplighter of Vell → {path}\n"
    with open_library([]) as library:  # no scan: what `add` left behind
        rows = library.rows()
        # the bundled samples stay beside the user's own articles
        own = [rows[i].title for i in range(len(rows)) if not is_sample(rows[i].path)]
        assert own == ["The lamplighter of Vell"]
        with open_index(library) as index:
            hits = index.search(parse("paraffin"), limit=5).hits
        assert "The lamplighter of Vell" in [hit.title for hit in hits]
    code, out, _ = run(capsys, "list", "--json")
    records = [json.loads(line) for line in out.splitlines()]
    [record] = [record for record in records if not is_sample(record["path"])]
    assert record["url"] == http_server.url("/lamplighter")
    assert record["source"] == "Harbour Gazette"
    code, out, _ = run(capsys, "search", "source:harbour", "lighthouse")
    assert code == 0 and out.startswith("The lamplighter of Vell\n")


def test_adding_again_says_already_saved(capsys, http_server) -> None:
    http_server.routes["/lamplighter"] = Route(ARTICLE)
    run(capsys, "add", http_server.url("/lamplighter"))
    code, out, err = run(capsys, "add", http_server.url("/lamplighter#top"))
    assert (code, err) == (0, "")
    assert out.startswith("already saved: The lamplighter of Vell → ")
    assert len(list((paths.user_library_dir() / "web").iterdir())) == 1


def test_failures_are_one_line_each_and_the_rest_is_saved(capsys, http_server, tmp_path) -> None:
    http_server.routes["/lamplighter"] = Route(ARTICLE)
    http_server.routes["/report.pdf"] = Route(b"%PDF-1.7", content_type="application/pdf")
    note = tmp_path / "harbour-note.md"
    note.write_text("# Harbour note\n\nThe tide turned at four.\n", encoding="utf-8")
    items = [
        http_server.url("/missing"),
        "file:///etc/passwd",
        http_server.url("/report.pdf"),
        "http://example.invalid/page",
        str(tmp_path / "absent.md"),
        http_server.url("/lamplighter"),
        str(note),
    ]
    code, out, err = run(capsys, "add", *items)
    assert code == 1
    assert err.splitlines() == [
        f"reader: {items[0]}: 404 Not Found from 127.0.0.1",
        "reader: file:///etc/passwd: unsupported address 'file:///etc/passwd'"
        " (only http and https)",
        f"reader: {items[2]}: not a web page: application/pdf",
        "reader: http://example.invalid/page: cannot find host example.invalid",
        f"reader: {items[4]}: no such file (web addresses start with http:// or https://)",
    ]
    lines = out.splitlines()
    assert lines[0].startswith("saved: The lamplighter of Vell → ")
    assert lines[1] == f"saved: Harbour note → {paths.user_library_dir() / 'files' / note.name}"


def test_timeout_and_size_options(capsys, http_server) -> None:
    http_server.routes["/slow"] = Route(ARTICLE, delay=3)
    http_server.routes["/big"] = Route(ARTICLE * 2000)
    code, _, err = run(capsys, "add", "--timeout", "0.3", http_server.url("/slow"))
    assert code == 1 and err.endswith("timed out after 0.3 s fetching from 127.0.0.1\n")
    code, _, err = run(capsys, "add", "--max-size", "0.5", http_server.url("/big"))
    assert code == 1 and err.endswith("too large: more than 512 KB from 127.0.0.1\n")
    assert not (paths.user_library_dir() / "web").exists()


@pytest.mark.parametrize("value", ["0", "-1", "soon", "inf"])
def test_bad_option_values_are_usage_errors(capsys, value: str) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["add", "--timeout", value, "http://127.0.0.1/"])
    assert caught.value.code == 2
    assert "--timeout" in capsys.readouterr().err


def test_add_a_feed_file_points_to_feeds(capsys, tmp_path: Path) -> None:
    feed = tmp_path / "news.rss"
    feed.write_text("<rss version='2.0'><channel></channel></rss>", encoding="utf-8")
    code, out, err = run(capsys, "add", str(feed))
    assert (code, out) == (1, "")
    assert err == f"reader: {feed}: looks like a feed: use `reader feeds add`\n"


def test_a_name_too_long_for_a_file_is_one_line(capsys) -> None:
    name = "x" * 300
    code, out, err = run(capsys, "add", name)
    assert (code, out) == (1, "")
    assert err.startswith(f"reader: {name}: ") and len(err.splitlines()) == 1


def test_a_home_of_nobody_is_not_found_in_one_line(capsys) -> None:
    code, _, err = run(capsys, "add", "~no-such-user-here/notes.md")
    assert (
        code == 1
        and err
        == "reader: ~no-such-user-here/notes.md: no such file (web addresses start with http:// or https://)\n"
    )


def test_a_feed_address_points_to_feeds(capsys, http_server) -> None:
    feed = b"<?xml version='1.0'?><rss version='2.0'><channel><title>T</title></channel></rss>"
    http_server.routes["/feed"] = Route(feed, content_type="application/rss+xml")
    code, out, err = run(capsys, "add", http_server.url("/feed"))
    assert code == 1 and out == ""
    assert (
        f"this is a feed, not a page: subscribe with `reader feeds add {http_server.url('/feed')}`"
        in err
    )


def write_folder(root: Path) -> Path:
    folder = root / "notes"
    (folder / "deeper" / "deepest").mkdir(parents=True)
    (folder / "one.md").write_text("# The first note\n\nAbout tides.\n", encoding="utf-8")
    (folder / "deeper" / "two.txt").write_text("The second note\n\nAbout ropes.\n", "utf-8")
    (folder / "deeper" / "deepest" / "page.html").write_bytes(ARTICLE)
    (folder / "deeper" / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return folder


def test_add_a_folder_saves_every_article_file_in_it(capsys, tmp_path: Path) -> None:
    folder = write_folder(tmp_path)
    code, out, err = run(capsys, "add", str(folder))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert len(lines) == 4 and all(line.startswith("saved: ") for line in lines[:3])
    assert (
        lines[3]
        == f"{folder}: 3 saved, 0 already saved, 0 could not be saved, 1 other file left out"
    )
    _, listed, _ = run(capsys, "list", "--json")
    titles = {json.loads(line)["title"] for line in listed.splitlines()}
    assert {"The first note", "The second note", "The lamplighter of Vell"} <= titles
    code, out, _ = run(capsys, "add", str(folder))
    assert code == 0 and out.splitlines()[-1].startswith(f"{folder}: 0 saved, 3 already saved")


def test_a_folder_without_article_files_says_what_add_wants(capsys, tmp_path: Path) -> None:
    (tmp_path / "pictures").mkdir()
    (tmp_path / "pictures" / "a.png").write_bytes(b"\x89PNG")
    code, out, err = run(capsys, "add", str(tmp_path / "pictures"))
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and "wants .md" in err


def test_the_library_folder_is_not_added_into_itself(capsys, tmp_path: Path) -> None:
    assert run(capsys, "add", str(write_folder(tmp_path)))[0] == 0
    library = paths.user_library_dir()
    before = sorted(library.rglob("*"))
    code, out, err = run(capsys, "add", str(library))
    assert (code, out) == (1, "") and "in your library already" in err
    code, out, _ = run(capsys, "add", str(paths.data_dir()))  # a folder around the library
    assert sorted(library.rglob("*")) == before


def test_with_progress_on_a_terminal_the_saved_lines_stay_on_stdout(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys
    import threading

    folder = write_folder(tmp_path)
    leader, follower = os.openpty()
    drained: list[bytes] = []

    def drain() -> None:  # the terminal side: read what the progress bar draws
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                return
            if not chunk:
                return
            drained.append(chunk)

    reader_thread = threading.Thread(target=drain, daemon=True)
    reader_thread.start()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "reader", "add", str(folder)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=follower,
            timeout=120,
        )
    finally:
        os.close(follower)
        reader_thread.join(timeout=5)
        os.close(leader)
    assert done.returncode == 0
    lines = done.stdout.decode().splitlines()
    assert [line.split(":")[0] for line in lines[:3]] == ["saved"] * 3
    assert b"saved:" not in b"".join(drained)
