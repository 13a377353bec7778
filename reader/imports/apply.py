"""Applying imported items: new files in the user's library, then marks in the store.

An item whose address the library already holds (by `normal_url`, whichever format or file
brought it) is a duplicate: no second file, but its read state, bookmark, note and any new
highlights still join the article it matches. A highlight whose quote the article already
has is not added again, so importing a file twice changes nothing the second time.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from reader import collector
from reader.files import read_text
from reader.imports import drafts, fetching
from reader.imports.fetching import pending_at
from reader.imports.items import ImportedHighlight, ImportedItem, Parsed, SkippedItem
from reader.imports.marks import MarkWriter, fold_quote, needs_records
from reader.imports.writer import ImportWriter
from reader.library import Library
from reader.sources.html_markdown import html_to_markdown
from reader.store import Store
from reader.web.save import Draft, file_name, render_draft, saved_keys, with_saved_date
from reader.web.urls import url_key

BATCH = 500
"""Files made durable together (one flush per batch, not per file)."""
BOOK_LIMIT = 32 * 1024 * 1024


@dataclass
class Report:
    """What one file gave: every item is imported, a duplicate or skipped with a reason."""

    file: str
    format: str
    items: int = 0
    imported: int = 0
    duplicates: int = 0
    skipped: list[SkippedItem] = field(default_factory=list)
    articles: int = 0
    links: int = 0
    books: int = 0
    highlights: int = 0
    notes: int = 0
    tags: int = 0

    def record(self) -> dict[str, Any]:
        """The JSON form `reader import --json` prints."""
        return {
            "file": self.file,
            "format": self.format,
            "items": self.items,
            "imported": self.imported,
            "duplicates": self.duplicates,
            "skipped": [{"item": s.source, "reason": s.reason} for s in self.skipped],
            "articles": self.articles,
            "links": self.links,
            "books": self.books,
            "highlights": self.highlights,
            "notes": self.notes,
            "tags": self.tags,
        }


@dataclass
class Target:
    """An article an import adds to or marks: its file, and what the items ask of it."""

    path: Path
    title: str
    has_text: bool
    article_id: str | None = None
    items: list[ImportedItem] = field(default_factory=list)
    highlights: list[ImportedHighlight] = field(default_factory=list)
    quotes: set[str] | None = None
    """Folded quotes the article has (None until first needed)."""
    text: str = ""
    """A book document's folded text: a quote found in it is there already."""
    checked: bool = False
    """Whether the file was read to tell if it is still a link-only article."""
    created: bool = False
    """Whether this run wrote the article's file (from `items[0]`)."""


@dataclass
class _Book:
    item: ImportedItem
    path: Path | None
    marks: list[ImportedHighlight] = field(default_factory=list)


class Importer:
    """Takes parsed items one by one, writes files in batches, and records marks at the end."""

    def __init__(
        self, library: Library, store: Store, folder: Path, form: str, *, dry_run: bool = False
    ) -> None:
        self.library, self.store, self.form, self.dry_run = library, store, form, dry_run
        self.web, self.books_dir = folder / drafts.WEB_FOLDER, folder / drafts.BOOKS_FOLDER
        self.known: dict[str, Target] = {}
        self.pages: dict[str, Path] = saved_keys(self.web)
        self.ids: dict[Path, str] = {}
        for article_id, path, url in library.addresses():
            self.pages.setdefault(url_key(url), Path(path))
            self.ids[Path(path)] = article_id
        self.book_files = saved_keys(self.books_dir)
        self.books: dict[str, _Book] = {}
        # Each batch's link-only files go to the scan with their parse made from the bytes
        # written: the scan that gives them ids reads none of them back.
        self.texts: dict[Path, list[str]] = {}
        """The block texts of the book documents written, for anchoring their highlights."""
        self.batch = ImportWriter(self.texts, helper=not dry_run)
        self.tags: set[str] = set()
        self.marks = MarkWriter(store)

    def run(
        self, parsed: Iterable[Parsed], report: Report, progress: Callable[[int], None] | None
    ) -> Report:
        """Import every item into `report` (see the module's docstring); the report back."""
        try:
            # An import keeps what it reads to the end (the targets, their items): the
            # collector's scheduled passes walked it all again and again, for nothing,
            # about a tenth of a 10,000-row import's time.
            with collector.paused(collect_after=True):
                for count, entry in enumerate(_guarded(parsed), 1):
                    report.items += 1
                    self._one(entry, report)
                    if len(self.batch) >= BATCH:
                        self.batch.hand_off()
                        gc.collect(1)
                    if progress is not None and count % 100 == 0:
                        progress(count)
                self._write_books(report)
                self.batch.commit()
        except BaseException:
            self.batch.abort()
            raise
        finally:
            self.batch.close()
        report.tags = len(self.tags)
        if not self.dry_run:
            self._record(report)
        else:
            report.highlights, report.notes = self.marks.count(self.known.values())
        return report

    # Items --------------------------------------------------------------------------

    def _one(self, entry: Parsed, report: Report) -> None:
        if isinstance(entry, SkippedItem):
            report.skipped.append(entry)
        elif entry.url:
            self._page(entry, report)
        elif entry.highlights:
            self._book(entry, report)
        else:
            report.skipped.append(SkippedItem(entry.source, "no web address and no highlights"))

    def _page(self, item: ImportedItem, report: Report) -> None:
        key = url_key(item.url)
        target = self.known.get(key)
        if target is None and key in self.pages:
            path = self.pages[key]
            target = Target(path, item.title, True, self.ids.get(path))
            self.known[key] = target
        if target is not None:
            fresh = self.marks.new_quotes(target, item.highlights)
            filled = self._fill(target, item)
            tagged = not filled and self._retag(target, item)
            if fresh or filled or tagged:
                report.imported += 1
            else:
                report.duplicates += 1
            report.articles += filled
            target.items.append(item)
            target.highlights += fresh
            return
        draft = self._draft(item)
        saved = self._write(draft, self.web, key, self.pages)
        target = Target(saved, draft.title, not _is_link(draft), quotes=set(), created=True)
        target.items.append(item)
        target.highlights += self.marks.new_quotes(target, item.highlights)
        self.known[key] = target
        self.tags.update(tag.lower() for tag in item.tags)
        report.imported += 1
        if target.has_text:
            report.articles += 1
        else:
            report.links += 1

    def _draft(self, item: ImportedItem) -> Draft:
        markdown = _markdown(item)
        if markdown:
            return drafts.article_draft(item, markdown, self.form)
        return drafts.link_draft(item, self.form)

    def _retag(self, target: Target, item: ImportedItem) -> bool:
        """Add the item's new tags to a link-only article's file; True if it had new ones.

        Only a link-only article, a placeholder the import wrote, is rewritten: a page with
        its text is the user's file, and keeps its tags as they are.
        """
        if not item.tags or not self._is_link_only(target):
            return False
        text: str | None
        if target.created:  # written in this run: written again, whole, with every tag
            had = {tag.lower() for known in target.items for tag in known.tags}
            if not {tag.lower() for tag in item.tags} - had:
                return False
            tags = tuple(dict.fromkeys([*(t for i in target.items for t in i.tags), *item.tags]))
            text = render_draft(drafts.link_draft(replace(target.items[0], tags=tags), self.form))
        else:
            self.batch.commit()  # the file as this run last wrote it
            found = pending_at(target.path)
            text = fetching.with_tags(found, item.tags) if found is not None else None
            if text is None:
                return False
        if not self.dry_run:
            self.batch.add(target.path, text.encode("utf-8", "replace"))
        self.tags.update(tag.lower() for tag in item.tags)
        return True

    def _is_link_only(self, target: Target) -> bool:
        if target.has_text and not target.checked:
            target.checked = True
            target.has_text = target.path.parent != self.web or pending_at(target.path) is None
        return not target.has_text

    def _fill(self, target: Target, item: ImportedItem) -> bool:
        """Give a link-only article the text another export brought; True if it did."""
        if not (item.content_markdown.strip() or item.content_html.strip()):
            return False
        if not self._is_link_only(target):
            return False
        markdown = _markdown(item)
        if not markdown:
            return False
        tags = [tag for known in target.items for tag in known.tags]
        whole = replace(item, tags=tuple(dict.fromkeys([*tags, *item.tags])))
        draft = drafts.article_draft(whole, markdown, self.form)
        if not self.dry_run:
            self.batch.add(target.path, render_draft(draft).encode("utf-8", "replace"))
        target.has_text = True
        return True

    def _write(self, draft: Draft, folder: Path, key: str, known: dict[str, Path]) -> Path:
        """Add a new file for `draft` (its key not in `known`, the folder's files) to the
        batch; its path."""
        if self.dry_run:
            return folder / file_name(draft, key)
        stamped = with_saved_date(draft)
        path = known[key] = folder / file_name(stamped, key)
        self.batch.add_draft(path, stamped)
        return path

    # Books --------------------------------------------------------------------------

    def _book(self, item: ImportedItem, report: Report) -> None:
        key = drafts.book_key(item)
        book = self.books.get(key)
        if book is None:
            book = self.books[key] = _Book(item, self.book_files.get(key))
            self.tags.update(tag.lower() for tag in item.tags)
        target = self._book_target(key, book)
        fresh = self.marks.new_quotes(target, item.highlights)
        target.items.append(item)
        target.highlights += fresh
        book.marks += fresh
        if fresh:
            report.imported += 1
        else:
            report.duplicates += 1

    def _book_target(self, key: str, book: _Book) -> Target:
        found = self.known.get(f"book:{key}")
        if found is not None:
            return found
        path = book.path or self.books_dir / file_name(
            drafts.book_draft(book.item, [], self.form), key
        )
        target = Target(path, book.item.title, True, self.ids.get(path))
        target.quotes = set()
        if book.path is not None:
            target.text = _folded_file(book.path)
        self.known[f"book:{key}"] = target
        return target

    def _write_books(self, report: Report) -> None:
        for key, book in self.books.items():
            if not book.marks:
                continue
            target = self.known[f"book:{key}"]
            if book.path is None:
                report.books += 1
                report.articles += 1
                draft = drafts.book_draft(book.item, book.marks, self.form)
                if not self.dry_run:
                    target.path = self._write(draft, self.books_dir, key, self.book_files)
            elif not self.dry_run:
                # Unreadable now: the document stays as it was; its new quotes are still stored.
                with contextlib.suppress(OSError, ValueError):
                    self.batch.add(book.path, _appended(book.path, book.marks))

    # The store ----------------------------------------------------------------------

    def _record(self, report: Report) -> None:
        """Scan the new files for their ids, then write every mark in one transaction."""
        from reader.refresh import refresh

        targets = [target for target in self.known.values() if needs_records(target)]
        if not targets:
            return  # nothing for the store: the command's index refresh lists the files
        refresh(self.library, store=self.store)
        found = self.library.ids_at([t.path for t in targets if t.article_id is None])
        for target in targets:
            target.article_id = target.article_id or found.get(target.path)
        report.highlights, report.notes = self.marks.write(self.library, targets, self.texts)


def _guarded(parsed: Iterable[Parsed]) -> Iterator[Parsed]:
    """The items, and where a reader trips on the file, one skipped item for the rest of it:
    what was read before stays imported, and the report still adds up."""
    items = iter(parsed)
    while True:
        try:
            entry = next(items)
        except StopIteration:
            return
        # A format reader meeting a file no one foresaw: said in one line, not a traceback.
        except Exception as error:
            reason = f"cannot be read: {error or type(error).__name__}"
            yield SkippedItem("the rest of the file", " ".join(reason.split())[:300])
            return
        yield entry


def _markdown(item: ImportedItem) -> str:
    """The item's text as Markdown ("" when it has none)."""
    markdown = item.content_markdown.strip()
    if not markdown and item.content_html.strip():
        markdown = html_to_markdown(item.content_html, base_url=item.url).strip()
    return markdown


def _is_link(draft: Draft) -> bool:
    return draft.extra.get(drafts.PENDING_KEY) == drafts.PENDING


def _folded_file(path: Path) -> str:
    """The folded text of a book document, to tell which quotes it already holds."""
    try:
        return fold_quote(read_text(path, BOOK_LIMIT).replace("\n>", " "))
    except (OSError, ValueError):
        return ""


def _appended(path: Path, marks: list[ImportedHighlight]) -> bytes:
    """A book document with new highlights added at its end."""
    text = read_text(path, BOOK_LIMIT).rstrip("\n")
    added = "\n".join(drafts.highlight_markdown(mark) for mark in marks)
    return f"{text}\n\n{added}".encode("utf-8", "replace")
