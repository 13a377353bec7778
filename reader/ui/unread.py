"""The unread flow: open the next unread article (`u`), mark a whole list read (`A`), undo (`U`).

Marks change the app's copy of the user's data at once and are written to the store by the
Annotator's write queue in one transaction, so marking thousands never blocks a key.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.ui.screens.main import MainScreen


def listed_ids(rows: object) -> Sequence[str]:
    """The ids a list shows, in order, without reading every row's metadata when it can."""
    ids = getattr(rows, "ids", None)
    if callable(ids):
        return list(ids())
    count = len(rows)  # type: ignore[arg-type]
    return [rows[index].id for index in range(count)]  # type: ignore[index]


class UnreadFlow:
    """Moves through unread articles and marks lists read, with one step of undo."""

    def __init__(self, screen: MainScreen) -> None:
        self._screen = screen
        self.undo_ids: list[str] = []
        """The articles the last "mark read" changed, to mark unread again on undo."""

    def next_unread(self) -> None:
        """Open the next unread article after the open one (or the cursor), wrapping round."""
        screen = self._screen
        user = screen.annotator.user
        ids = listed_ids(screen.article_list.rows)
        here = screen.article_list.rows.index_of(screen.opened_id) if screen.opened_id else None
        # From the open article on; with none open in this list, from the cursor's row itself.
        start = screen.article_list.cursor - 1 if here is None else here
        for step in range(1, len(ids) + 1):
            index = (start + step) % len(ids)
            if ids[index] != screen.opened_id and not user.is_read(ids[index]):
                screen.article_list.cursor = index
                screen.open_article(ids[index])
                return
        if not screen.feed_after_unread():
            screen.notify("No unread articles in this list", timeout=3)

    def mark_all_read(self) -> None:
        """Ask, then mark every article in the list shown read."""
        screen = self._screen
        user = screen.annotator.user
        unread = [id_ for id_ in listed_ids(screen.article_list.rows) if not user.is_read(id_)]
        if not unread:
            screen.notify("Every article here is read already", timeout=3)
            return
        from reader.ui.screens.dialogs import ConfirmScreen

        count = len(unread)
        question = f"Mark {count} unread article{'' if count == 1 else 's'} in this list read?"

        def answered(yes: bool | None) -> None:
            if yes:
                self.mark_read(unread, "this list")

        screen.app.push_screen(ConfirmScreen(question), answered)

    def mark_read(self, ids: Collection[str], what: str) -> None:
        """Mark these articles read now; `U` marks them unread again (once)."""
        user = self._screen.annotator.user
        changed = [id_ for id_ in ids if not user.is_read(id_)]
        if not changed:
            self._screen.notify(f"Every article of {what} is read already", timeout=3)
            return
        self._write(changed, read=True)
        self.undo_ids = changed
        count = len(changed)
        self._screen.notify(
            f"Marked {count} article{'' if count == 1 else 's'} read · U undoes", timeout=5
        )

    def undo(self) -> None:
        """Mark unread again what the last "mark read" changed."""
        if not self.undo_ids:
            self._screen.notify("Nothing to undo", timeout=2)
            return
        ids, self.undo_ids = self.undo_ids, []
        self._write(ids, read=False)
        self._screen.notify(f"Marked {len(ids)} unread again", timeout=3)

    def _write(self, ids: list[str], *, read: bool) -> None:
        screen = self._screen
        annotator = screen.annotator
        for article_id in ids:
            annotator.user.set_read(article_id, read)
        library, store = screen.library, annotator.store

        def save() -> None:
            metas = library.metas(ids)
            items = [(id_, meta.path, meta.title) for id_, meta in metas.items()]
            store.set_read_many(items, read)

        annotator.writes.put(save)
        screen.read_state_changed()
