"""Saving pages and files as Markdown articles: front matter round trips, keys, dedupe."""

from __future__ import annotations

import html
import os
import stat
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml

from reader import paths
from reader.sources import load_file
from reader.web.fetch import Limits
from reader.web.save import (
    Draft,
    SaveError,
    add_file,
    add_url,
    find_saved,
    render_draft,
    saved_keys,
    slugify,
    url_key,
    write_draft,
)
from tests.http_server import Route

BODY = (
    "<p>For the first time in a decade, harbour seals have been counted on the sandbanks at"
    " the mouth of the estuary, and the volunteers who keep the tally say the numbers climb.</p>"
    "<p>The count, taken at low tide each month, found forty-two animals in April, against"
    " nine the year before. Counters credit cleaner water upstream.</p>"
    "<h2>How the count works</h2><ul><li>Two teams walk the dunes at low water.</li>"
    "<li>Each team photographs the banks from fixed points.</li></ul>"
)


def page(title: str = "Harbour seals return", *, canonical: str | None = None) -> bytes:
    """A small original article page with the usual furniture around it."""
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>{link}"
        "<meta name='author' content='Mira Okafor'>"
        "<meta property='og:site_name' content='Coastal Notes'>"
        "<meta property='article:published_time' content='2024-05-17T08:00:00Z'></head>"
        "<body><nav><a href='/'>Home</a> <a href='/about'>About us</a></nav>"
        f"<article><h1>{html.escape(title)}</h1>{BODY}</article>"
        "<footer>Subscribe to our newsletter. All rights reserved.</footer></body></html>"
    ).encode()


# Keys ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "variant",
    [
        "https://Example.org/a/b?x=1",
        "HTTPS://EXAMPLE.ORG:443/a/b?x=1",
        "https://example.org/a/b?x=1#section-2",
        "https://example.org/a/b?utm_source=feed&x=1&utm_medium=rss",
        "http://example.org/a/b?x=1",
        "  https://user:pw@example.org/a/b?x=1  ",
    ],
)
def test_url_key_ignores_what_does_not_name_a_different_page(variant: str) -> None:
    assert url_key(variant) == url_key("https://example.org/a/b?x=1")


@pytest.mark.parametrize(
    "other",
    [
        "https://example.org/a/c?x=1",
        "https://example.org/a/b?x=2",
        "https://example.org:8443/a/b?x=1",
        "https://example.net/a/b?x=1",
        "https://example.org/A/b?x=1",
    ],
)
def test_url_key_tells_different_pages_apart(other: str) -> None:
    assert url_key(other) != url_key("https://example.org/a/b?x=1")


def test_url_key_takes_any_text() -> None:
    assert url_key("tag:example.org,2024:entry-7") == url_key(" tag:example.org,2024:entry-7 ")
    assert url_key("urn:uuid:1") != url_key("urn:uuid:2")
    assert url_key("http://[::1") != ""


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Harbour Seals Return!", "harbour-seals-return"),
        ("  --a -- b--  ", "a-b"),
        ("Ночь на море", "ночь-на-море"),
        ("???", "article"),
        ("word " * 40, "word-" * 11 + "word"),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug
    assert "--" not in slugify(title)


# Writing drafts ------------------------------------------------------------------------


def test_a_draft_reads_back_through_the_library_loader(tmp_path: Path) -> None:
    draft = Draft(
        title="Harbour seals return",
        markdown="The count found *forty-two* seals.\n\n## Method\n\n- walk the dunes\n",
        url="https://coastal.example/seals",
        author="Mira Okafor",
        date=date(2024, 5, 17),
        site="Coastal Notes",
        source="Coastal Notes",
        saved=datetime(2024, 6, 1, 9, 30, 15, 123456, tzinfo=UTC),
        tags=("Wildlife", "coast"),
        extra={"feed": "Coastal Notes feed", "entry_id": "tag:coastal.example,2024:7"},
    )
    saved = write_draft(draft, tmp_path, url_key(draft.url or ""))
    assert saved.created and saved.title == "Harbour seals return"
    assert saved.path.name == f"2024-05-17-harbour-seals-return--{url_key(draft.url or '')}.md"
    article = load_file(saved.path)
    meta = article.meta
    assert (meta.title, meta.date, meta.url) == (draft.title, draft.date, draft.url)
    assert (meta.author, meta.source, meta.tags) == (
        "Mira Okafor",
        "Coastal Notes",
        ("wildlife", "coast"),
    )
    assert [block.text for block in article.blocks][:2] == [
        "The count found forty-two seals.",
        "Method",
    ]
    front = yaml.safe_load(saved.path.read_text(encoding="utf-8").split("---\n")[1])
    assert list(front) == [
        "title", "url", "author", "date", "site", "source", "saved", "tags", "feed", "entry_id",
    ]  # fmt: skip
    assert front["saved"] == "2024-06-01T09:30:15Z"
    assert front["entry_id"] == "tag:coastal.example,2024:7"


@pytest.mark.parametrize(
    "title",
    [
        "Seals: a comeback",
        'The "quiet" return',
        "It's back",
        "- not a list",
        "yes",
        "null",
        "2024-05-17",
        "# not a comment",
        "{braces} & [brackets] | pipes > arrows *stars* %percent @at `tick`",
        "Line one\nLine two\n---\nthree",
        "Ünïcödé — 海豹 🦭",
    ],
)
def test_tricky_titles_round_trip(tmp_path: Path, title: str) -> None:
    draft = Draft(title=title, markdown="Body text about seals.", author=title, source=title)
    saved = write_draft(draft, tmp_path, url_key(title))
    meta = load_file(saved.path).meta
    expected = " ".join(title.split())
    assert (meta.title, meta.author, meta.source) == (expected, expected, expected)
    assert [block.text for block in load_file(saved.path).blocks] == ["Body text about seals."]


def test_a_body_opening_with_a_rule_is_kept_as_body(tmp_path: Path) -> None:
    draft = Draft(title="Rules", markdown="---\n\ntitle: fake\n\n---\n\nReal text.")
    meta = load_file(write_draft(draft, tmp_path, url_key("rules")).path).meta
    assert meta.title == "Rules"


def test_saved_files_are_readable_like_any_file_the_user_makes(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        saved = write_draft(Draft(title="Mode", markdown="Body text."), tmp_path, "abcdef123456")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(saved.path.stat().st_mode) == 0o644
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind


def test_write_draft_reuses_a_file_with_the_same_key(tmp_path: Path) -> None:
    key = url_key("https://example.org/x")
    first = write_draft(Draft(title="First", markdown="one"), tmp_path, key)
    second = write_draft(Draft(title="Second", markdown="two"), tmp_path, key)
    assert (second.path, second.title, second.created) == (first.path, "First", False)
    assert find_saved(tmp_path, key) == first.path
    assert find_saved(tmp_path, url_key("https://example.org/y")) is None
    assert find_saved(tmp_path / "missing", key) is None
    assert [path.name for path in tmp_path.iterdir()] == [first.path.name]  # no temp files left


def test_saved_keys_lists_the_folder_once_for_many_drafts(tmp_path: Path) -> None:
    first = write_draft(Draft(title="First", markdown="one"), tmp_path, url_key("a"))
    (tmp_path / "notes--not-a-key!.md").write_text("mine", encoding="utf-8")
    known = saved_keys(tmp_path)
    assert known == {url_key("a"): first.path}
    again = write_draft(Draft(title="Again", markdown="two"), tmp_path, url_key("a"), known=known)
    assert (again.path, again.created) == (first.path, False)
    new = write_draft(Draft(title="New", markdown="three"), tmp_path, url_key("b"), known=known)
    assert new.created and known[url_key("b")] == new.path
    assert saved_keys(tmp_path / "missing") == {}


@pytest.mark.parametrize("char", ["\U00020000", "\u0939\u093f", "e\u0301", "\u00e9"])
def test_long_titles_in_any_script_make_names_the_file_system_takes(
    tmp_path: Path, char: str
) -> None:
    for title in (char * 100, " ".join([char * 7] * 40)):  # 4-byte letters for the first
        saved = write_draft(Draft(title=title, markdown="text"), tmp_path, url_key(title))
        assert saved.created and len(saved.path.name.encode("utf-8")) <= 200
        assert saved.path.name.split("-", 3)[3].startswith(slugify(char * 3))


def test_a_key_that_is_not_a_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_draft(Draft(title="x", markdown="y"), tmp_path, "../../evil")


def test_an_undated_draft_is_named_after_the_day_it_was_saved(tmp_path: Path) -> None:
    saved = write_draft(Draft(title="Undated", markdown="text"), tmp_path, url_key("u"))
    today = datetime.now(UTC).date().isoformat()
    assert saved.path.name.startswith(f"{today}-undated--")
    assert "saved: '" in render_draft(Draft(title="t", markdown="m", saved=datetime.now(UTC)))


# Saving web pages ----------------------------------------------------------------------


def test_add_url_saves_the_article_in_the_web_folder(http_server) -> None:
    http_server.routes["/seals"] = Route(page())
    saved = add_url(http_server.url("/seals"))
    assert saved.created and saved.title == "Harbour seals return"
    assert saved.path.parent == paths.user_library_dir() / "web"
    meta = load_file(saved.path).meta
    assert meta.url == http_server.url("/seals")
    assert (meta.author, meta.source, meta.date) == (
        "Mira Okafor",
        "Coastal Notes",
        date(2024, 5, 17),
    )
    text = saved.path.read_text(encoding="utf-8")
    assert "forty-two animals" in text and "- Two teams walk" in text
    assert "newsletter" not in text and "About us" not in text


def test_the_same_url_is_saved_once(http_server) -> None:
    http_server.routes["/seals"] = Route(page())
    first = add_url(http_server.url("/seals"))
    for variant in ("/seals#comments", "/seals?utm_source=rss&utm_campaign=x"):
        again = add_url(http_server.url(variant))
        assert (again.path, again.created) == (first.path, False)
    assert http_server.hits("/seals") == 1  # recognised before fetching
    assert len(list(first.path.parent.iterdir())) == 1


def test_a_url_redirecting_to_a_saved_page_is_recognised(http_server) -> None:
    http_server.routes["/seals"] = Route(page())
    http_server.routes["/s"] = Route(status=301, headers={"Location": "/seals"})
    first = add_url(http_server.url("/seals"))
    again = add_url(http_server.url("/s"))
    assert (again.path, again.created) == (first.path, False)
    assert len(list(first.path.parent.iterdir())) == 1


def test_the_canonical_url_is_recorded_and_recognised(http_server) -> None:
    canonical = http_server.url("/seals")
    http_server.routes["/print/seals"] = Route(page(canonical=canonical))
    http_server.routes["/seals"] = Route(page(canonical=canonical))
    first = add_url(http_server.url("/print/seals"))
    assert load_file(first.path).meta.url == canonical
    again = add_url(canonical)
    assert (again.path, again.created) == (first.path, False)
    assert http_server.hits("/seals") == 0  # its key was the saved file's


def test_a_canonical_home_page_or_other_host_is_not_trusted(http_server) -> None:
    http_server.routes["/a"] = Route(page("Alpha story", canonical=http_server.url("/")))
    http_server.routes["/b"] = Route(page("Beta story", canonical="https://elsewhere.example/b"))
    first, second = add_url(http_server.url("/a")), add_url(http_server.url("/b"))
    assert first.path != second.path
    assert load_file(second.path).meta.url == http_server.url("/b")


def test_a_non_html_body_is_refused(http_server) -> None:
    http_server.routes["/paper.pdf"] = Route(b"%PDF-1.7 ...", content_type="application/pdf")
    with pytest.raises(SaveError, match="^not a web page: application/pdf$"):
        add_url(http_server.url("/paper.pdf"))
    assert not (paths.user_library_dir() / "web").exists()


def test_fetch_failures_become_save_errors(http_server) -> None:
    http_server.routes["/slow"] = Route(page(), delay=5)
    with pytest.raises(SaveError, match="^404 Not Found from 127.0.0.1$"):
        add_url(http_server.url("/gone"))
    with pytest.raises(SaveError, match="timed out"):
        add_url(http_server.url("/slow"), limits=Limits(timeout=0.3))
    with pytest.raises(SaveError, match="only http and https"):
        add_url("file:///etc/passwd")


def test_a_page_without_an_article_is_refused(http_server) -> None:
    login = (
        b"<html><head><title>Sign in</title></head><body><form><input name=u></form></body></html>"
    )
    http_server.routes["/login"] = Route(login)
    with pytest.raises(SaveError):
        add_url(http_server.url("/login"))


# Adding local files --------------------------------------------------------------------


def test_markdown_and_text_files_are_copied_and_recognised(tmp_path: Path) -> None:
    note = tmp_path / "tide-notes.md"
    note.write_text("# Tide notes\n\nLow water at six.\n", encoding="utf-8")
    saved = add_file(note)
    assert saved.created and saved.title == "Tide notes"
    assert saved.path == paths.user_library_dir() / "files" / "tide-notes.md"
    assert saved.path.read_bytes() == note.read_bytes()
    again = add_file(note)
    assert (again.path, again.created) == (saved.path, False)


def test_a_different_file_with_the_same_name_gets_a_number(tmp_path: Path) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    first, second = tmp_path / "one" / "log.txt", tmp_path / "two" / "log.txt"
    first.write_text("The first log entry, written at dawn.\n", encoding="utf-8")
    second.write_text("The second log entry, written at dusk.\n", encoding="utf-8")
    a, b = add_file(first), add_file(second)
    assert (a.path.name, b.path.name) == ("log.txt", "log-2.txt")
    assert b.created and b.path.read_bytes() == second.read_bytes()
    assert add_file(second).path == b.path and not add_file(second).created


def test_html_files_are_converted_to_markdown(tmp_path: Path) -> None:
    source = tmp_path / "seals.html"
    source.write_bytes(page())
    saved = add_file(source)
    assert saved.created and saved.path.suffix == ".md"
    assert saved.path.parent == paths.user_library_dir() / "files"
    meta = load_file(saved.path).meta
    assert (meta.title, meta.author) == ("Harbour seals return", "Mira Okafor")
    assert not add_file(source).created


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("feed.xml", "looks like a feed: use `reader feeds add`"),
        ("news.rss", "looks like a feed: use `reader feeds add`"),
        ("news.atom", "looks like a feed: use `reader feeds add`"),
        ("paper.pdf", "cannot add a .pdf file: only .md, .markdown, .txt, .html and .htm"),
        ("README", "cannot add a file without a suffix"),
    ],
)
def test_other_files_are_refused_with_the_reason(tmp_path: Path, name: str, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"<rss></rss>")
    with pytest.raises(SaveError) as caught:
        add_file(path)
    assert str(caught.value).startswith(reason)


def test_missing_and_binary_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(SaveError, match="no such file"):
        add_file(tmp_path / "absent.md")
    with pytest.raises(SaveError, match="not a file"):
        add_file(tmp_path)
    binary = tmp_path / "image.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(SaveError):
        add_file(binary)
    assert not (paths.user_library_dir() / "files").exists()


def test_a_draft_saved_into_a_folder_not_made_yet_makes_it(tmp_path: Path) -> None:
    """The folder is made on the first write that needs it, batched or not."""
    from reader.files import BatchWriter

    draft = Draft(title="Harbour", markdown="Boats.", saved=datetime(2024, 5, 1, tzinfo=UTC))
    alone = write_draft(draft, tmp_path / "a" / "web", "0123456789ab")
    batch = BatchWriter()
    batched = write_draft(draft, tmp_path / "b" / "web", "0123456789ab", known={}, batch=batch)
    again = write_draft(draft, tmp_path / "b" / "web", "ba9876543210", known={}, batch=batch)
    assert batch.commit() == [batched.path, again.path]
    assert alone.path.read_text() == batched.path.read_text() == again.path.read_text()
    assert "title: Harbour" in alone.path.read_text()
