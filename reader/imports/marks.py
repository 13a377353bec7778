"""The store side of an import: read state, bookmarks, notes and highlights, in one merge.

Records are merged through the store's own import (`Store.import_all`), in one transaction:
a per-article record (bookmark, note, reading state) joins the one the article has, and a
highlight has a UUID derived from its article and quote, so merging twice adds nothing.
"""

from __future__ import annotations

import bisect
import itertools
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.imports.items import ImportedHighlight, ImportedItem
from reader.library import Library, UnknownArticle
from reader.sources import LoadError
from reader.store import Store
from reader.store.anchoring import fold, reanchor
from reader.store.schema import CURRENT_VERSION

if TYPE_CHECKING:
    from reader.imports.apply import Target

CONTEXT = 32
"""Characters kept before and after a quote, to find it again after edits."""
_SEPARATOR = "\x00"
"""Between an article's blocks joined for searching."""
_NAMESPACE = uuid.UUID("5d0c3e0a-6a43-4b83-9a59-0a8f3b8e1c11")


def fold_quote(text: str) -> str:
    """A quote as compared for duplicates: case, spacing, curly quotes and dashes ignored."""
    if text.isascii():
        # What `fold` gives for ASCII (it unifies only non-ASCII quotes and dashes), without
        # its loop over every character: an import folds each of thousands of quotes.
        return " ".join(text.lower().split())
    return fold(text)[0].strip()


class MarkWriter:
    """Tells which quotes are new for an article, and writes every mark at the end."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._stored: dict[str, set[str]] | None = None
        self._notes: dict[str, str] | None = None

    def _stored_quotes(self, article_id: str) -> set[str]:
        if self._stored is None:
            self._stored = {}
            for mark in self.store.highlights():
                self._stored.setdefault(mark.article_id, set()).add(fold_quote(mark.quote))
        return self._stored.get(article_id, set())

    def new_quotes(
        self, target: Target, marks: Sequence[ImportedHighlight]
    ) -> list[ImportedHighlight]:
        """The highlights whose quote the target does not have yet (now counted as had)."""
        if not marks:
            return []
        if target.quotes is None:
            target.quotes = set(self._stored_quotes(target.article_id or ""))
        fresh = []
        for mark in marks:
            key = fold_quote(mark.quote)
            if not key or key in target.quotes or (target.text and key in target.text):
                continue
            target.quotes.add(key)
            fresh.append(mark)
        return fresh

    def count(self, targets: Iterable[Target]) -> tuple[int, int]:
        """(highlights, notes) the targets would add: what a dry run reports."""
        listed = list(targets)
        notes = sum(1 for t in listed for item in t.items if item.note.strip())
        return sum(len(t.highlights) for t in listed), notes

    def write(
        self,
        library: Library,
        targets: Iterable[Target],
        texts: Mapping[Path, list[str]] | None = None,
    ) -> tuple[int, int]:
        """Record every target's marks in one merge; (highlights, notes) added. `texts`
        holds the block texts of files already parsed, by path (others are loaded)."""
        tables: dict[str, list[dict[str, Any]]] = {
            "bookmarks": [],
            "notes": [],
            "highlights": [],
            "reading": [],
        }
        notes = 0
        for target in targets:
            if target.article_id is None or not needs_records(target):
                continue
            base = {"article_id": target.article_id, "path": str(target.path)}
            base["title"] = _title(library, target)
            for item in target.items:
                notes += _item_records(tables, base, item, self._note_known(target, item))
            known = texts.get(target.path) if texts is not None else None
            tables["highlights"] += _highlights(library, base, target, known)
        if any(tables.values()):
            self.store.import_all(
                {"format": "reader-store", "schema_version": CURRENT_VERSION, **tables}
            )
        return len(tables["highlights"]), notes

    def _note_known(self, target: Target, item: ImportedItem) -> bool:
        if not item.note.strip() or target.article_id is None:
            return True
        if self._notes is None:  # read once: an export can carry a note on every row
            self._notes = {note.article_id: note.text for note in self.store.notes()}
        had = self._notes.get(target.article_id, "")
        if item.note.strip() in had:
            return True
        self._notes[target.article_id] = f"{had}\n\n{item.note.strip()}"  # now it is known
        return False


def needs_records(target: Target) -> bool:
    """Whether an article's items ask anything of the store (most links ask nothing)."""
    if target.highlights:
        return True
    return any(item.read or item.starred or item.note.strip() for item in target.items)


def _title(library: Library, target: Target) -> str:
    meta = library.get(target.article_id or "")
    return meta.title if meta is not None else target.title


def _stamp(moment: datetime | None) -> str:
    return (moment or datetime.now(UTC)).astimezone(UTC).isoformat()


def _id(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "\0".join(parts)))


def _item_records(
    tables: dict[str, list[dict[str, Any]]], base: dict[str, str], item: ImportedItem, known: bool
) -> int:
    """Reading state, bookmark and note for one item; 1 when it adds a note."""
    article = base["article_id"]
    created = _stamp(item.saved)
    if item.read:
        tables["reading"].append(
            {"uuid": _id("read", article), **base, "read": True, "created": created}
        )
    if item.starred:
        bookmark = {"uuid": _id("bookmark", article), **base, "tags": list(item.tags)}
        tables["bookmarks"].append({**bookmark, "created": created})
    if item.note.strip() and not known:
        text = item.note.strip()
        note = {"uuid": _id("note", article), **base, "text": text}
        tables["notes"].append({**note, "created": created, "updated": created})
        return 1
    return 0


def _highlights(
    library: Library, base: dict[str, str], target: Target, known: list[str] | None
) -> list[dict[str, Any]]:
    """The target's new highlights as records, anchored in its text when it has some."""
    if not target.highlights:
        return []
    texts: list[str] = known or []
    if target.has_text and known is None:
        try:
            texts = [block.text for block in library.load(base["article_id"]).blocks]
        except (UnknownArticle, LoadError, OSError):
            texts = []
    out = []
    joined = _Joined(texts)
    for mark in target.highlights:
        block, prefix, suffix = _anchor(mark, texts, joined)
        note = mark.note.strip()
        if mark.color:
            note = f"{note}\n\n#{mark.color}".strip()
        out.append(
            {
                "uuid": _id("highlight", base["article_id"], fold_quote(mark.quote)),
                **base,
                "quote": mark.quote.strip(),
                "prefix": prefix,
                "suffix": suffix,
                "block": block,
                "note": note or None,
                "created": _stamp(mark.created),
            }
        )
    return out


class _Joined:
    """An article's blocks joined into one text, to find where a quote is in one search."""

    def __init__(self, texts: list[str]) -> None:
        self.text = _SEPARATOR.join(texts)
        self.starts = list(itertools.accumulate((len(t) + 1 for t in texts[:-1]), initial=0))
        # A block holding the separator itself would confuse the block count: none used.
        self.usable = bool(texts) and self.text.count(_SEPARATOR) == len(texts) - 1

    def only_place(self, quote: str) -> tuple[int, int, int] | None:
        """Where `reanchor` finds a quote that occurs, as written, exactly once in all the
        blocks; None when it occurs more than once or not as written (`reanchor` decides)."""
        if not self.usable or not quote or _SEPARATOR in quote:
            return None
        start = self.text.find(quote)
        if start < 0 or self.text.find(quote, start + 1) >= 0:
            return None
        index = bisect.bisect_right(self.starts, start) - 1
        offset = start - self.starts[index]
        return index, offset, offset + len(quote)


def _anchor(mark: ImportedHighlight, texts: list[str], joined: _Joined) -> tuple[int, str, str]:
    """The block the quote is in, and the text around it there (else the export's own)."""

    class _Quote:
        quote, prefix, suffix, block = mark.quote.strip(), mark.prefix, mark.suffix, 0

    span = joined.only_place(_Quote.quote)
    if span is None and texts:
        span = reanchor(_Quote(), texts)
    if span is None:
        return 0, mark.prefix, mark.suffix
    index, start, end = span
    text = texts[index]
    return index, text[max(0, start - CONTEXT) : start], text[end : end + CONTEXT]
