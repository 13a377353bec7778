"""Pilot tests: the background scan, its progress, the refreshed list and problem notices."""

from __future__ import annotations

from pathlib import Path

from reader.library import Library
from reader.ui.library_keeper import LibraryKeeper
from reader.ui.screens.main import MainScreen

from ..conftest import SAMPLE_DATA
from .conftest import ARTICLES, house_text, settle, write_articles


async def test_first_run_scan_fills_the_list(make_app, tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "fresh", ARTICLES)
    progress: list[object] = []
    with Library([folder]) as lib:
        app = make_app(lib)
        async with app.run_test(size=(100, 30), message_hook=progress.append) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, MainScreen)
            assert len(screen.article_list.rows) == len(ARTICLES)
            assert screen.sub_title == f"{len(ARTICLES)} articles"
    assert any(isinstance(m, LibraryKeeper.ScanProgressed) for m in progress)
    assert any(isinstance(m, LibraryKeeper.ScanFinished) for m in progress)


async def test_rescan_shows_a_new_file_and_keeps_the_cursor(
    make_app, news_dir: Path, library: Library
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("j", "j")
        before = screen.article_list.current
        (news_dir / "newest.txt").write_text(
            house_text("2025-06-30", "OSLO, Norway, June 30. A ferry line reopened. It ran."),
            encoding="utf-8",
        )
        await pilot.press("R")
        await settle(pilot)
        assert len(screen.article_list.rows) == len(ARTICLES) + 1
        assert screen.sub_title == f"{len(ARTICLES) + 1} articles"
        assert screen.article_list.current == before
        assert screen.article_list.cursor == 3  # the new file is the newest, listed first


async def test_scan_problems_are_notified_once(make_app, news_dir: Path, tmp_path: Path) -> None:
    with Library([news_dir, tmp_path / "missing"]) as lib:
        app = make_app(lib)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await pilot.press("R")
            await settle(pilot)
            messages = [n.message for n in app._notifications]
            assert messages == ["1 file could not be read: see `reader list`"]


async def test_bundled_sample_articles_list_and_open(make_app) -> None:
    seen: list[object] = []
    with Library([SAMPLE_DATA]) as lib:
        app = make_app(lib)
        async with app.run_test(size=(100, 30), message_hook=seen.append) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, MainScreen)
            count = len(screen.article_list.rows)
            assert count >= 10
            for _ in range(count):
                await pilot.press("right_square_bracket")
                await settle(pilot)
            assert screen.opened_id == screen.article_list.rows[count - 1].id
    assert not any(isinstance(m, MainScreen.LoadFailed) for m in seen)
    assert not [m for m in seen if isinstance(m, LibraryKeeper.ScanFinished) and m.result is None]


async def test_a_file_shown_in_part_is_not_counted_as_unreadable(make_app, news_dir: Path) -> None:
    from reader.sources import MAX_BYTES

    paragraph = "Word " * 200 + "\n\n"
    huge = house_text("2025-01-02", "OSLO, Norway, Jan. 2. A huge story. ") + paragraph * (
        MAX_BYTES // len(paragraph) + 50
    )
    (news_dir / "huge.txt").write_text(huge, encoding="utf-8")
    (news_dir / "empty.txt").write_text("", encoding="utf-8")
    with Library([news_dir]) as lib:
        app = make_app(lib)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            messages = [n.message for n in app._notifications]
            assert messages == ["1 file could not be read: see `reader list`"]
            assert [Path(p.path).name for p in lib.partial()] == ["huge.txt"]
