"""An article's links, the addresses a browser may be given, and which browsers take the
terminal (a real BROWSER script is run)."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import pytest

from reader.links import (
    Link,
    OpenError,
    article_links,
    browser_takes_the_terminal,
    checked_url,
    open_in_browser,
)
from reader.models import Article, ArticleMeta, Block, BlockKind, Mark, MarkKind


def article(url: str | None, *blocks: Block) -> Article:
    return Article(ArticleMeta(id="a", path="/a.md", title="A", url=url), blocks)


def linked(text: str, *spans: tuple[str, str | None]) -> Block:
    marks = []
    for word, href in spans:
        start = text.index(word)
        marks.append(Mark(start, start + len(word), MarkKind.LINK, href))
    return Block(BlockKind.PARAGRAPH, text, marks=tuple(marks))


def test_links_in_reading_order_made_absolute_and_once() -> None:
    found = article_links(
        article(
            "https://news.example/2025/story",
            linked("See the tides and the ferry.", ("tides", "/tides"), ("ferry", "ferry#x")),
            Block(BlockKind.HEADING, "No links here"),
            linked("Again the  tide\ntables.", ("tide\ntables", "/tides")),
            linked("A mail link and none.", ("mail", "mailto:a@b.example"), ("none", None)),
        )
    )
    assert found == [
        Link("tides", "https://news.example/tides", 0),
        Link("ferry", "https://news.example/2025/ferry#x", 0),
        Link("mail", "mailto:a@b.example", 3),
    ]


def test_relative_links_without_a_page_address_stay_as_written() -> None:
    found = article_links(article(None, linked("a b", ("a", "/x"))))
    assert found == [Link("a", "/x", 0)]


@pytest.mark.parametrize(
    ("url", "says"),
    [
        (None, "no web address"),
        ("", "no web address"),
        ("javascript:alert(1)", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("/relative/path", "only http and https"),
        ("https://a.example/\x1b[31m", "control characters"),
        ("http://[::1", "not a usable web address"),
    ],
)
def test_only_web_addresses_go_to_a_browser(url: str | None, says: str) -> None:
    with pytest.raises(OpenError, match=says.replace("[", r"\[")):
        checked_url(url)


@pytest.fixture
def browser_script(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    record = tmp_path / "opened.txt"
    script = tmp_path / "browser.sh"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> "{record}"\n', encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("BROWSER", str(script))
    monkeypatch.setattr(webbrowser, "_tryorder", None)
    monkeypatch.setattr(webbrowser, "_browsers", {})
    return record


def test_a_browser_named_by_BROWSER_runs_and_takes_the_terminal(browser_script: Path) -> None:
    assert browser_takes_the_terminal()
    assert open_in_browser("https://example.org/a?b=1") == "https://example.org/a?b=1"
    assert browser_script.read_text(encoding="utf-8") == "https://example.org/a?b=1\n"


def test_a_refused_address_never_reaches_the_browser(browser_script: Path) -> None:
    with pytest.raises(OpenError):
        open_in_browser("javascript:alert(1)")
    assert not browser_script.exists()


def test_a_browser_that_fails_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = tmp_path / "broken.sh"
    script.write_text("#!/bin/sh\nexit 3\n", encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("BROWSER", str(script))
    monkeypatch.setattr(webbrowser, "_tryorder", None)
    monkeypatch.setattr(webbrowser, "_browsers", {})
    with pytest.raises(OpenError, match="no browser could be started"):
        open_in_browser("https://example.org/")
