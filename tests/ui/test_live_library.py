"""The library follows its folders: files written or edited on disk show without a key."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from reader.library import Library
from reader.ui.app import ReaderApp
from reader.ui.screens.main import MainScreen
from reader.watch import FolderWatcher, relevant

from .conftest import house_text, settle

SIZE = (100, 30)


def main_screen(app: ReaderApp) -> MainScreen:
    screen = app.screen_stack[0]
    assert isinstance(screen, MainScreen)
    return screen


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool]) -> None:
    """Let the app run (its watcher and scans included) until `condition` holds, or give up."""
    for _ in range(300):
        if condition():
            return
        await pilot.pause(0.1)
    assert condition()


async def watching(pilot: Pilot[None]) -> MainScreen:
    """Settle, then wait until the folder watcher is in place."""
    await settle(pilot)
    screen = main_screen(pilot.app)  # type: ignore[arg-type]
    await wait_for(
        pilot, lambda: screen.keeper.watcher is not None and screen.keeper.watcher.ready.is_set()
    )
    return screen


def titles(screen: MainScreen) -> list[str]:
    rows = screen.article_list.rows
    return [rows[i].title for i in range(len(rows))]


async def test_a_new_file_shows_in_the_list_without_a_key(
    make_app: Callable[..., ReaderApp], news_dir: Path
) -> None:
    app = make_app(scan_on_start=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await watching(pilot)
        assert len(screen.article_list.rows) == 4
        body = "OSLO, Norway, April 2. A new ferry line opened across the fjord."
        (news_dir / "ferry.txt").write_text(house_text("2025-04-02", body), encoding="utf-8")
        await wait_for(pilot, lambda: len(screen.article_list.rows) == 5)
        assert any("ferry line" in title for title in titles(screen))


async def test_a_file_in_a_new_folder_shows_without_a_key(
    make_app: Callable[..., ReaderApp], news_dir: Path
) -> None:
    app = make_app(scan_on_start=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await watching(pilot)
        folder = news_dir / "later"
        folder.mkdir()
        watcher = screen.keeper.watcher
        assert watcher is not None
        await wait_for(pilot, lambda: folder in watcher.watching)
        body = "RIGA, Latvia, May 3. A second ferry line opened in a folder made later."
        (folder / "ferry.txt").write_text(house_text("2025-05-03", body), encoding="utf-8")
        await wait_for(pilot, lambda: any("second ferry" in title for title in titles(screen)))


async def test_a_removed_file_leaves_the_list_without_a_key(
    make_app: Callable[..., ReaderApp], news_dir: Path
) -> None:
    app = make_app(scan_on_start=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await watching(pilot)
        (news_dir / "apricots.txt").unlink()
        await wait_for(pilot, lambda: len(screen.article_list.rows) == 3)


async def test_the_open_article_follows_an_edit_keeping_the_reading_position(
    make_app: Callable[..., ReaderApp], library: Library, news_dir: Path
) -> None:
    app = make_app(scan_on_start=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await watching(pilot)
        await pilot.press("enter")
        await settle(pilot)
        pane = screen.reading_pane
        article = pane.article
        assert article is not None
        target = next(n for n, b in enumerate(article.blocks) if b.text.startswith("Paragraph 5"))
        pane.scroll_to_block(target)
        await settle(pilot)
        before = pane.top_anchor()
        assert before is not None and before[0] >= 2
        reading = article.blocks[before[0]].text
        # A paragraph added near the top moves the one being read further down.
        path = news_dir / "railway.txt"
        text = path.read_text(encoding="utf-8")
        edited = text.replace("Paragraph 2 ", "An update came in overnight.\n\nParagraph 2 ", 1)
        path.write_text(edited, encoding="utf-8")

        def reloaded() -> bool:
            shown = pane.article
            return shown is not None and any("update came in" in b.text for b in shown.blocks)

        await wait_for(pilot, reloaded)
        await settle(pilot)
        shown = pane.article
        assert shown is not None
        anchor = pane.top_anchor()
        assert anchor is not None
        assert shown.blocks[anchor[0]].text == reading
        assert anchor == (before[0] + 1, before[1])


def test_the_watcher_reports_a_new_article_file(tmp_path: Path) -> None:
    seen: list[set[Path]] = []
    changed = threading.Event()

    def on_change(paths: set[Path]) -> None:
        seen.append(paths)
        changed.set()

    watcher = FolderWatcher([tmp_path], on_change, debounce_ms=50)
    watcher.start()
    try:
        assert watcher.ready.wait(30)
        (tmp_path / "new.md").write_text("# New\n\nText.\n", encoding="utf-8")
        assert changed.wait(30)
    finally:
        watcher.stop()
    assert any(tmp_path / "new.md" in paths for paths in seen)


def test_without_notifications_the_watcher_polls(tmp_path: Path) -> None:
    calls = threading.Event()
    watcher = FolderWatcher(
        [tmp_path], lambda paths: calls.set(), notifications=False, poll_interval=0.05
    )
    watcher.start()
    try:
        assert calls.wait(30)
        assert watcher.polling
    finally:
        watcher.stop()


def test_only_article_files_and_folders_count() -> None:
    assert relevant(Path("/lib/a.md")) and relevant(Path("/lib/b.txt"))
    assert relevant(Path("/lib/folder"))
    assert not relevant(Path("/lib/.a.md.tmp1234"))
    assert not relevant(Path("/lib/picture.png"))


async def test_the_open_articles_file_removed_keeps_it_shown_and_says_so(
    make_app: Callable[..., ReaderApp], news_dir: Path
) -> None:
    app = make_app(scan_on_start=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await watching(pilot)
        await pilot.press("enter")
        await settle(pilot)
        shown = screen.reading_pane.article
        assert shown is not None
        (news_dir / "railway.txt").unlink()
        await wait_for(pilot, lambda: len(screen.article_list.rows) == 3)
        await settle(pilot)
        assert screen.reading_pane.article is shown
        assert any("gone" in str(n.message) for n in app._notifications)


def test_a_file_root_replaced_by_a_rename_is_still_watched(tmp_path: Path) -> None:
    article = tmp_path / "mine.md"
    article.write_text("# Mine\n\nFirst.\n", encoding="utf-8")
    seen: list[set[Path]] = []
    changed = threading.Event()

    def on_change(paths: set[Path]) -> None:
        seen.append(paths)
        changed.set()

    watcher = FolderWatcher([article], on_change, debounce_ms=50)
    watcher.start()
    try:
        assert watcher.ready.wait(30)
        (tmp_path / "other.md").write_text("# Not in the library\n", encoding="utf-8")
        for round_ in range(2):  # an editor's save: a new file renamed over the old one
            changed.clear()
            temp = tmp_path / f"mine.md.new{round_}"
            temp.write_text(f"# Mine\n\nEdit {round_}.\n", encoding="utf-8")
            temp.replace(article)
            assert changed.wait(30)
    finally:
        watcher.stop()
    assert all(paths <= {article} for paths in seen)
