"""`reader feeds` end to end: add, list, refresh, remove, import, export and set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader import paths
from reader.cli import main
from reader.store import Store
from tests.http_server import LoopbackServer, Route

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"
RSS = "application/rss+xml"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def served(http_server: LoopbackServer) -> LoopbackServer:
    for route, name in (("/lantern", "rss20_content.xml"), ("/moor", "atom10.xml")):
        body = (FIXTURES / name).read_bytes()
        http_server.routes[route] = Route(body, content_type=RSS, etag=f'"{name}"')
    return http_server


def test_add_list_and_search_at_once(capsys, served: LoopbackServer) -> None:
    code, out, _ = run(capsys, "feeds", "add", served.url("/lantern"), "--tag", "towns")
    assert code == 0
    assert out == "Subscribed to Lantern Street Review as lantern-street-review: 2 new entries\n"
    code, out, _ = run(capsys, "feeds", "add", served.url("/lantern"))
    assert code == 0 and out.startswith("Already subscribed: lantern-street-review")
    code, out, _ = run(capsys, "feeds", "list")
    assert (
        out == f"lantern-street-review  {served.url('/lantern')}  [towns]  2 unread of 2 entries\n"
    )
    # The entries are in the catalog and the index already: search finds them.
    code, out, _ = run(capsys, "search", "lamplighter", "--json")
    [hit] = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and hit["source"] == "Lantern Street Review"
    # Reading one shows in the list's unread count.
    with Store.open(paths.data_dir() / "store.json") as store:
        store.set_read(hit["id"], hit["path"], hit["title"])
    code, out, _ = run(capsys, "feeds", "list")
    assert out.endswith("[towns]  1 unread of 2 entries\n")
    assert hit["path"].startswith(str(paths.user_library_dir() / "feeds" / "lantern-street-review"))


def test_add_refuses_a_page_with_the_reason(capsys, http_server: LoopbackServer) -> None:
    http_server.routes["/page"] = Route((FIXTURES / "webpage.html").read_bytes())
    code, out, err = run(capsys, "feeds", "add", http_server.url("/page"))
    assert code == 2 and out == ""
    assert (
        err == f"reader: cannot add {http_server.url('/page')}: not a feed: looks like a web page\n"
    )
    code, _, err = run(capsys, "feeds", "list")
    assert code == 1 and "No feeds yet" in err


def test_refresh_prints_progress_and_fails_when_a_feed_fails(capsys, served) -> None:
    run(capsys, "feeds", "add", served.url("/lantern"))
    run(capsys, "feeds", "add", served.url("/moor"))
    code, out, _ = run(capsys, "feeds", "refresh")
    lines = out.splitlines()
    assert code == 0
    assert {line.split("] ", 1)[1] for line in lines[:2]} == {
        "field-notes-from-kettle-moor: not modified",
        "lantern-street-review: not modified",
    }
    assert [line[:5] for line in lines[:2]] == ["[1/2]", "[2/2]"]
    assert lines[2] == "Refreshed 2 feeds: 0 new, 2 not modified, 0 failed"
    served.routes["/moor"] = Route(b"down", status=503, content_type="text/plain")
    code, out, _ = run(capsys, "feeds", "refresh", "field-notes-from-kettle-moor")
    assert code == 1
    assert out.splitlines()[0].startswith("[1/1] field-notes-from-kettle-moor: failed: ")
    assert "503" in out and out.splitlines()[-1].endswith("1 failed")
    code, out, _ = run(capsys, "feeds", "list")
    assert "error: " in out.splitlines()[0] and "503" in out.splitlines()[0]
    code, _, err = run(capsys, "feeds", "refresh", "nobody")
    assert code == 2 and "no feed named nobody" in err


def test_remove_keeps_the_saved_entries(capsys, served) -> None:
    run(capsys, "feeds", "add", served.url("/moor"))
    code, out, _ = run(capsys, "feeds", "remove", "field-notes-from-kettle-moor")
    folder = paths.user_library_dir() / "feeds" / "field-notes-from-kettle-moor"
    assert (
        code == 0
        and out == f"Removed field-notes-from-kettle-moor; its saved entries stay in {folder}\n"
    )
    assert len(list(folder.glob("*.md"))) == 2
    code, _, err = run(capsys, "feeds", "remove", "field-notes-from-kettle-moor")
    assert code == 2 and "no feed named" in err


def test_import_without_fetching_then_export(capsys, tmp_path: Path, http_server) -> None:
    lists = FIXTURES / "duplicates.opml"
    code, out, _ = run(capsys, "feeds", "import", str(FIXTURES / "folders.opml"))
    assert (
        code == 0
        and out == f"Imported {FIXTURES / 'folders.opml'}: 5 added, 0 already subscribed\n"
    )
    code, out, _ = run(capsys, "feeds", "import", str(lists))
    assert out == f"Imported {lists}: 1 added, 1 already subscribed\n"
    assert http_server.requests == []
    code, out, _ = run(capsys, "feeds", "list")
    assert len(out.splitlines()) == 6 and "[News, Regional]" in out
    code, stdout_text, _ = run(capsys, "feeds", "export")
    assert code == 0 and stdout_text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    target = tmp_path / "out" / "feeds.opml"
    code, _, err = run(capsys, "feeds", "export", "-o", str(target))
    assert code == 0 and target.read_text(encoding="utf-8") == stdout_text
    # A feed is listed in each of its tags' folders: two feeds have two tags.
    assert stdout_text.count("xmlUrl=") == 8


def test_import_refuses_what_is_not_opml(capsys, tmp_path: Path) -> None:
    bad = tmp_path / "bad.opml"
    bad.write_bytes(b"<rss/>")
    code, _, err = run(capsys, "feeds", "import", str(bad))
    assert code == 2 and "not an OPML file" in err
    code, _, err = run(capsys, "feeds", "import", str(tmp_path / "none.opml"))
    assert code == 2 and "cannot read" in err


def test_set_full_text(capsys, served) -> None:
    run(capsys, "feeds", "add", served.url("/moor"))
    code, out, _ = run(capsys, "feeds", "set", "field-notes-from-kettle-moor", "--full-text")
    assert code == 0 and out == "field-notes-from-kettle-moor: full text on\n"
    _, out, _ = run(capsys, "feeds", "list")
    assert "full text" in out
    _, out, _ = run(capsys, "feeds", "set", "field-notes-from-kettle-moor", "--no-full-text")
    assert out.endswith("full text off\n")


def test_a_long_opml_list_is_imported_in_one_go(capsys, tmp_path: Path) -> None:
    count = 5_000
    outlines = "".join(
        f'<outline type="rss" text="Feed {i}" xmlUrl="http://f{i}.example/rss"/>'
        for i in range(count)
    )
    big = tmp_path / "big.opml"
    big.write_text(f'<opml version="2.0"><body>{outlines}</body></opml>', encoding="utf-8")
    code, out, _ = run(capsys, "feeds", "import", str(big))
    assert code == 0 and out == f"Imported {big}: {count} added, 0 already subscribed\n"
    code, out, _ = run(capsys, "feeds", "import", str(big))
    assert out == f"Imported {big}: 0 added, {count} already subscribed\n"


def test_entries_that_cannot_be_written_are_one_line_and_refresh_retries(
    capsys, served: LoopbackServer
) -> None:
    feeds = paths.user_library_dir() / "feeds"
    feeds.parent.mkdir(parents=True, exist_ok=True)
    feeds.write_text("a file where the feeds folder should be", encoding="utf-8")
    code, out, err = run(capsys, "feeds", "add", served.url("/moor"))
    assert code == 1 and out.startswith("Subscribed to Field Notes from Kettle Moor as ")
    assert err.startswith("reader: field-notes-from-kettle-moor: entries not saved: cannot write ")
    assert len(err.splitlines()) == 1
    feeds.unlink()
    code, out, _ = run(capsys, "feeds", "refresh")
    assert code == 0 and "field-notes-from-kettle-moor: 2 new" in out  # not "not modified"


def test_a_name_too_long_for_a_file_is_refused_in_one_line(capsys) -> None:
    code, _, err = run(capsys, "feeds", "add", "y" * 300)
    assert code == 2 and err.startswith("reader: cannot add ") and len(err.splitlines()) == 1


@pytest.mark.parametrize(
    "argv",
    [
        ("feeds", "add", "~no-such-user-here/feed.xml"),
        ("feeds", "import", "~no-such-user-here/list.opml"),
    ],
)
def test_a_home_of_nobody_is_one_line(capsys, argv: tuple[str, ...]) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2 and len(err.splitlines()) == 1 and "no-such-user-here" in err


def test_list_hides_a_password_in_a_feed_address(capsys) -> None:
    from reader.feeds.registry import FeedRegistry

    with FeedRegistry.open() as registry:
        registry.add("https://reader:s3cret@private.example/feed.xml", "Private")
    code, out, _ = run(capsys, "feeds", "list")
    assert code == 0 and "private.example/feed.xml" in out and "s3cret" not in out


def test_export_then_import_keeps_local_file_feeds(capsys, tmp_path: Path, served) -> None:
    local = tmp_path / "feeds" / "moor.xml"
    local.parent.mkdir()
    local.write_bytes((FIXTURES / "atom10.xml").read_bytes())
    assert run(capsys, "feeds", "add", str(local))[0] == 0
    assert run(capsys, "feeds", "add", served.url("/lantern"))[0] == 0
    listing = tmp_path / "list.opml"
    assert run(capsys, "feeds", "export", "-o", str(listing))[0] == 0
    # Already subscribed, both: said so, not "not an http(s) URL".
    code, out, err = run(capsys, "feeds", "import", str(listing))
    assert (code, err) == (0, "")
    assert out == f"Imported {listing}: 0 added, 2 already subscribed\n"
    for name in ("field-notes-from-kettle-moor", "lantern-street-review"):
        run(capsys, "feeds", "remove", name)
    code, out, err = run(capsys, "feeds", "import", str(listing))
    assert (code, err) == (0, "")
    assert out == f"Imported {listing}: 2 added, 0 already subscribed\n"
    _, out, _ = run(capsys, "feeds", "list")
    assert str(local) in out and served.url("/lantern") in out


def test_import_reads_relative_paths_from_the_list_folder_and_says_what_it_skips(
    capsys, tmp_path: Path
) -> None:
    folder = tmp_path / "lists"
    folder.mkdir()
    (folder / "moor.xml").write_bytes((FIXTURES / "atom10.xml").read_bytes())
    listing = folder / "mine.opml"
    outlines = "".join(
        f'<outline text="{n}" type="rss" xmlUrl="{url}"/>'
        for n, url in enumerate(["moor.xml", "gone.xml", "ftp://x.example/f", "http://a b/"])
    )
    listing.write_text(f'<opml version="2.0"><body>{outlines}</body></opml>', encoding="utf-8")
    code, out, err = run(capsys, "feeds", "import", str(listing))
    assert code == 1
    assert out == f"Imported {listing}: 1 added, 0 already subscribed, 3 skipped\n"
    lines = err.splitlines()
    assert len(lines) == 3 and "gone.xml: no such file" in lines[0]
    assert "only http(s) URLs and local files" in lines[1] and "bad address" in lines[2]
    _, out, _ = run(capsys, "feeds", "list")
    assert str((folder / "moor.xml").resolve()) in out
