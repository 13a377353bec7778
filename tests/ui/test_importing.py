"""Pilot tests: "Import from a file…" in the palette brings an export into the open library."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from reader import paths
from reader.library import Library
from reader.store import Store
from reader.ui.app import ReaderApp
from reader.ui.screens.dialogs import PromptScreen
from reader.ui.screens.main import MainScreen

from .conftest import settle, type_text

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"


@pytest.fixture
def user_library(news_dir: Path) -> Iterator[Library]:
    """The default library: the user's own folder beside a folder of articles, scanned."""
    paths.user_library_dir().mkdir(parents=True, exist_ok=True)
    with Library([paths.user_library_dir(), news_dir], processes=0) as lib:
        lib.scan()
        yield lib


async def import_from_palette(pilot: Pilot[None], path: str) -> None:
    await pilot.press("ctrl+p", *"import from a file")
    await pilot.pause(0.3)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, PromptScreen)
    await type_text(pilot, path)
    await pilot.press("enter")
    for _ in range(4):  # the import, the scan it starts, the store re-read
        await settle(pilot)


def notices(app: ReaderApp) -> list[str]:
    return [notice.message for notice in app._notifications]


async def test_an_export_imported_from_the_palette_is_listed_with_its_marks(
    user_library: Library,
) -> None:
    with Store.open(paths.data_dir() / "store.json") as store:
        app = ReaderApp(library=user_library, store=store)
        async with app.run_test(size=(110, 30)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, MainScreen)
            before = len(screen.article_list.rows)
            await import_from_palette(pilot, str(FIXTURES / "instapaper-export.csv"))
            assert any("(instapaper): 4 imported" in line for line in notices(app))
            assert len(screen.article_list.rows) == before + 4
            rows = [screen.article_list.rows[i] for i in range(len(screen.article_list.rows))]
            assert {"Archived one", "In a folder"} <= {row.title for row in rows}
            # A link-only article opens, and the pane says it is not fetched yet and how.
            link = next(i for i, row in enumerate(rows) if row.title == "In a folder")
            assert rows[link].source == "example.net · not fetched yet"
            screen.article_list.cursor = link
            await pilot.press("enter")
            await settle(pilot)
            shown = screen.reading_pane.article
            assert shown is not None and shown.title == "In a folder"
            assert shown.blocks[0].text.startswith("Not fetched yet.")
            assert "Fetch imported links" in shown.blocks[0].text
            archived = next(row.id for row in rows if row.title == "Archived one")
        # Read: the archived item, and the short link opened to its end just now.
        assert store.read_ids() == {archived, rows[link].id}
        assert len(store.bookmarked_ids()) == 1
        (note,) = store.notes()
        assert note.text == "A note\nover lines"


async def test_a_file_that_is_no_export_is_one_error(user_library: Library, tmp_path) -> None:
    mystery = tmp_path / "mystery.txt"
    mystery.write_text("what is this\n", encoding="utf-8")
    app = ReaderApp(library=user_library)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await import_from_palette(pilot, str(mystery))
        errors = [n for n in app._notifications if n.severity == "error"]
        assert len(errors) == 1 and "not an export reader knows" in errors[0].message
        assert isinstance(app.screen, MainScreen)


async def test_enter_pressed_twice_in_the_prompt_answers_once(user_library: Library) -> None:
    app = ReaderApp(library=user_library)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"import from a file")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        # Both keys reach the prompt before it is gone: the second must not pop the main screen.
        prompt.post_message(Input.Submitted(prompt.query_one(Input), "nowhere"))
        prompt.post_message(Input.Submitted(prompt.query_one(Input), "nowhere"))
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.return_code is None
