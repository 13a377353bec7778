"""What lies beyond the open article: its web page (`o`), its links (`L`), the articles like
it (`M`), and the reader's own notebook (`ctrl+n`), daily review (`D`) and stats (`S`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from reader.links import article_links
from reader.models import ArticleMeta
from reader.ui.browser import open_url

if TYPE_CHECKING:
    from reader.stats import ReadingStats
    from reader.store import Highlight
    from reader.ui.screens.main import MainScreen
    from reader.ui.screens.review import ReviewItem

RELATED_SHOWN = 20
"""Related articles listed by `M`."""


class Explorer:
    """Opens the screens and the browser that lead out of the open article.

    The screens it opens close with what to do next (an article to open, a link to save),
    and the explorer hands that back to the main screen's owners.
    """

    def __init__(self, screen: MainScreen) -> None:
        self._screen = screen

    def _meta(self) -> ArticleMeta | None:
        """The open article's catalog entry, else the one under the list's cursor."""
        screen = self._screen
        if screen.opened_id is not None and (meta := screen.library.get(screen.opened_id)):
            return meta
        return screen.article_list.current

    # The browser and the links

    def open_browser(self) -> None:
        """Open the article's web address in the system browser, in a thread."""
        meta = self._meta()
        if meta is None:
            self._screen.app.bell()
            return
        if not meta.url:
            self._screen.notify("This article has no web address", severity="warning")
            return
        open_url(self._screen, meta.url)

    def links(self) -> None:
        """List the open article's links: enter opens one, `a` saves it to the library."""
        from reader.ui.screens.links import LinksScreen

        article = self._screen.reading_pane.article
        if article is None:
            self._screen.notify("Open an article to list its links", timeout=3)
            return
        screen = LinksScreen(article.title, article_links(article))
        self._screen.app.push_screen(screen, self._link_chosen)

    def _link_chosen(self, url: str | None) -> None:
        if url:
            self._screen.incoming.add_link(url)

    # Related articles

    def related(self) -> None:
        """List the articles most like the open one (or the one under the cursor)."""
        from reader.ui.screens.related import RelatedScreen

        meta = self._meta()
        if meta is None:
            self._screen.app.bell()
            return
        article_id = meta.id
        self._screen.app.push_screen(
            RelatedScreen(meta.title, lambda: self.find_related(article_id)), self.open_article
        )

    def find_related(self, article_id: str) -> list[ArticleMeta]:
        """The catalog entries of the articles most like one (from a thread worker)."""
        screen = self._screen
        index = screen.keeper.index
        if index is None:
            return []
        hits = index.related(article_id, RELATED_SHOWN)
        return [meta for hit in hits if (meta := screen.library.get(hit.id)) is not None]

    def open_article(self, article_id: str | None) -> None:
        """Open an article chosen on another screen, with the list's cursor on it."""
        if not article_id:
            return
        screen = self._screen
        screen.action_view("")
        screen.article_list.set_rows(screen.article_list.rows, keep_id=article_id)
        screen.open_article(article_id)

    # The notebook, the daily review and the stats

    def notebook(self) -> None:
        """Show every note and highlight; enter opens one at its passage."""
        from reader.ui.screens.notebook import NotebookScreen

        screen = self._screen
        screen.app.push_screen(NotebookScreen(screen.annotator.user, screen.library), self.jump)

    def jump(self, target: tuple[str, int] | None) -> None:
        """Open the article an entry points at, with the cursor on its paragraph."""
        if target is None:
            return
        article_id, block = target
        screen = self._screen
        screen.action_view("")
        screen.article_list.set_rows(screen.article_list.rows, keep_id=article_id)
        if not screen.annotator.jump(article_id, block):
            screen.open_article(article_id)

    def _today(self) -> date:
        today: Callable[[], date] = getattr(self._screen.app, "today", date.today)
        return today()

    def review(self) -> None:
        """Show today's highlights to review; enter opens one at its passage."""
        from reader.ui.screens.review import ReviewScreen

        screen = ReviewScreen(self.review_items, self.grade)
        self._screen.app.push_screen(screen, self.jump)

    def review_items(self) -> list[ReviewItem]:
        """Today's highlights with their articles' titles (from a thread worker)."""
        from reader.review import todays
        from reader.store.review import review_states
        from reader.ui.screens.review import ReviewItem

        store, library = self._screen.annotator.store, self._screen.library
        per_day = getattr(getattr(self._screen.app, "settings", None), "review_per_day", 5)
        chosen = todays(store.highlights(), review_states(store), self._today(), per_day)
        items = []
        for highlight in chosen:
            meta = library.get(highlight.article_id)
            items.append(ReviewItem(highlight, meta.title if meta else highlight.title))
        return items

    def grade(self, highlight: Highlight, grade: str) -> None:
        """Store a grade given in the review, off the UI thread, in order with other writes."""
        from reader.store.review import grade_highlight

        store, today = self._screen.annotator.store, self._today()
        self._screen.annotator.writes.put(
            lambda: grade_highlight(store, highlight.uuid, grade, today)
        )

    def stats(self) -> None:
        """Show the reading stats: words a day, streak, finished articles, sources and tags."""
        from reader.ui.screens.stats import StatsScreen

        pending = self._screen.recorder.take_pending()

        def load() -> ReadingStats:
            if pending is not None:  # what was read just now counts too
                pending()
            return self.reading_stats()

        self._screen.app.push_screen(StatsScreen(load))

    def reading_stats(self) -> ReadingStats:
        """The reader's stats as of today (from a thread worker)."""
        from reader.stats import compute

        screen = self._screen
        return compute(screen.annotator.store, screen.library.get, self._today())
