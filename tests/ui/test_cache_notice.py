"""A cache that cannot be written: the app says so in a notification, not on a hidden stderr."""

from __future__ import annotations

from pathlib import Path

from reader.library import Library
from reader.ui.app import ReaderApp
from reader.ui.widgets.article_list import ArticleList
from tests.ui.conftest import settle

SIZE = (100, 30)


def cache_notices(app: ReaderApp) -> list[str]:
    return [str(note.message) for note in app._notifications if note.title == "Cache"]


async def test_a_file_in_the_way_of_the_cache_is_one_notification(
    news_dir: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache-file"
    cache.write_text("in the way", encoding="utf-8")
    told: list[str] = []
    with Library([news_dir], cache_dir=cache / "inside") as library:
        app = ReaderApp(library=library)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            [notice] = cache_notices(app)
            assert "cache" in notice
            assert len(app.screen_stack[0].query_one(ArticleList).rows) == 4
        library.listen(told.append)  # the app gone, a later listener still hears it once
    assert told == [notice]
    assert cache.read_text(encoding="utf-8") == "in the way"
