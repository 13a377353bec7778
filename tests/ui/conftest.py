"""Fixtures for the UI tests: a small library of house-format articles with fixed dates."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from reader import config
from reader.library import Library
from reader.ui.app import ReaderApp

ARTICLES = {
    "railway.txt": (
        "2025-03-01",
        "BAKU, Azerbaijan, March 1. Ministers opened talks on a new railway link across "
        "the Caspian region on Saturday. The line would join two ports.",
    ),
    "water.txt": (
        "2025-02-14",
        "ASTANA, Kazakhstan, February 14. Five Central Asian states signed a water-sharing "
        "agreement for the Syr Darya basin. Negotiators worked through the night.",
    ),
    "bridge.txt": (
        "2025-01-20",
        "TBILISI, Georgia, January 20. A new bridge over the Kura river opened to traffic "
        "after three years of work. Drivers queued from dawn.",
    ),
    "apricots.txt": (
        "2024-12-05",
        "YEREVAN, Armenia, December 5. Apricot growers reported the largest harvest in a "
        "decade this autumn. Prices fell at every market.",
    ),
}
"""File name -> (date, body) of the fixture articles; newest first."""


def house_text(day: str, body: str, paragraphs: int = 12) -> str:
    """An article in the house format: a leading space, the date, the body, more paragraphs."""
    more = "\n\n".join(
        f"Paragraph {n} goes on about the story with enough words to need scrolling."
        for n in range(2, paragraphs + 2)
    )
    return f" date {day} {body}\n\n{more}\n"


def write_articles(folder: Path, articles: dict[str, tuple[str, str]]) -> Path:
    """Write house-format files into `folder` (created) and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, (day, body) in articles.items():
        (folder / name).write_text(house_text(day, body), encoding="utf-8")
    return folder


@pytest.fixture
def news_dir(tmp_path: Path) -> Path:
    """A folder named "news" (the name shows in the header) with four articles."""
    return write_articles(tmp_path / "news", ARTICLES)


@pytest.fixture
def library(news_dir: Path) -> Iterator[Library]:
    """A scanned library on `news_dir`, so the app lists it at once."""
    with Library([news_dir]) as lib:
        lib.scan()
        yield lib


@pytest.fixture
def make_app(library: Library) -> Callable[..., ReaderApp]:
    """Build a ReaderApp on the fixture library (or another one) with the saved config."""

    def make(lib: Library | None = None, **kwargs: object) -> ReaderApp:
        return ReaderApp(
            library=lib if lib is not None else library, config=config.load(), **kwargs
        )  # type: ignore[arg-type]

    return make


async def settle(pilot: Pilot[None]) -> None:
    """Let workers (scan, load, settings) finish and their messages be handled."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type into the focused input: the first key pressed, the rest pasted at the cursor
    (a temporary path typed key by key takes seconds of a test's time)."""
    await pilot.press(text[0])
    field = pilot.app.focused
    assert isinstance(field, Input)
    field.insert_text_at_cursor(text[1:])
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture(autouse=True)
def no_timed_feed_refresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """The refresh of feeds a moment after start is off unless a test turns it on: it
    would otherwise fetch in the middle of tests about other things."""
    monkeypatch.setattr("reader.ui.screens.main.START_REFRESH_DELAY", 10_000.0)
