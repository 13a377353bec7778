"""The user's annotations joined to the library: re-linking after scans, grouping per article.

Records in the store point at an article id and remember the article's last known path
and title. The library keeps ids stable across renames, moves and edits within one
catalog; `relink_annotations` covers the rest (a catalog built afresh gives an edited
file a new id) and keeps the remembered paths and titles current. A record whose article
is gone is never dropped: it stays, orphaned, until its article comes back.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from reader.library import Claim, Library
from reader.models import ArticleMeta, Block, UserText
from reader.sources import LoadError
from reader.store import Bookmark, Highlight, Note, ReadingState, Relink, Store
from reader.store.anchoring import Span, reanchor
from reader.store.records import ArticleIdentity

__all__ = [
    "Annotated",
    "annotated_articles",
    "locate_highlights",
    "relink_annotations",
    "user_texts",
]


@dataclass
class _Seen:
    """What the store remembers of one article id: its (path, title) pairs."""

    pairs: set[tuple[str, str]] = field(default_factory=set)

    @property
    def paths(self) -> set[str]:
        return {path for path, _ in self.pairs if path}

    @property
    def titles(self) -> set[str]:
        return {title for _, title in self.pairs if title}


def relink_annotations(library: Library, store: Store) -> int:
    """Point records at their articles' current ids, paths and titles; return records changed.

    Call it after a scan. An article id the library no longer has is matched, in order,
    by a remembered path that now holds an article, then (when the remembered files are
    gone from inside the library's folders) by a title only one article has.
    """
    seen = _remembered(store)
    if not seen:
        return 0  # nothing of the user's to keep on its article: no write at all
    live = set(library.ids())
    links: list[Relink] = []
    orphans: dict[str, _Seen] = {}
    owned: list[str] = []
    for article_id, known in seen.items():
        if article_id in live:
            meta = library.get(article_id)
            if meta is None or not belongs(meta.path, known.paths):
                continue  # another file with the same id holds these records
            owned.append(article_id)
            if known.pairs != {(meta.path, meta.title)} and not _elsewhere(meta.path, known):
                links.append(Relink(article_id, article_id, meta.path, meta.title))
        elif any(_inside(path, library.roots) for path in known.paths):
            orphans[article_id] = known
    if orphans:
        links += _found_again(library, orphans)
    changed = store.relink_many(links) if links else 0
    record_identities(store, library.claims([*owned, *(link.new_id for link in links)]))
    return changed


def belongs(path: str, remembered: Iterable[str]) -> bool:
    """Whether records remembering these paths are about the article at `path`.

    They are when one of them is that path, or when none of them is another file that
    still exists (the article was moved, renamed, or the records came from another
    machine). Records about another existing file that shares the id are not.
    """
    paths = list(remembered)
    others = [p for p in paths if p and p != path]
    return len(others) < len(paths) or not any(os.path.exists(p) for p in others)


def _elsewhere(path: str, known: _Seen) -> bool:
    return any(p != path and os.path.exists(p) for p in known.paths)


def record_identities(store: Store, claims: Iterable[Claim]) -> int:
    """Keep in the store which file each id belongs to; an id held by another existing file
    keeps its first holder. Returns how many identities were written."""
    stored = {item.article_id: item for item in store.article_identities()}
    changes = []
    for claim in claims:
        new = ArticleIdentity(
            claim.article_id, claim.path, claim.key, claim.content_hash, claim.url
        )
        old = stored.get(claim.article_id)
        if old == new:
            continue
        if old is not None and old.path != new.path and os.path.exists(old.path):
            continue
        changes.append(new)
    return store.record_identities(changes) if changes else 0


def stored_claims(store: Store) -> list[Claim]:
    """The identities the store keeps, as the library's scan takes them."""
    return [
        Claim(item.article_id, item.path, item.key, item.content_hash, item.url)
        for item in store.article_identities()
    ]


def _remembered(store: Store) -> dict[str, _Seen]:
    seen: dict[str, _Seen] = {}
    records: list[Bookmark | Note | Highlight | ReadingState] = [
        *store.bookmarks(),
        *store.notes(),
        *store.highlights(),
        *store.reading_states(),
    ]
    for record in records:
        if record.article_id:
            pair = (record.path, record.title)
            seen.setdefault(record.article_id, _Seen()).pairs.add(pair)
    return seen


def _inside(path: str, roots: Sequence[Path]) -> bool:
    candidate = Path(path)
    return any(candidate == root or candidate.is_relative_to(root) for root in roots)


def _found_again(library: Library, orphans: dict[str, _Seen]) -> list[Relink]:
    """Re-links for orphaned ids whose article is in the library under a new id."""
    by_path: dict[str, ArticleMeta] = {}
    by_title: dict[str, list[ArticleMeta]] = {}
    rows = library.rows("title")
    for index in range(len(rows)):
        meta = rows[index]
        by_path[meta.path] = meta
        by_title.setdefault(meta.title, []).append(meta)
    chosen: dict[str, ArticleMeta] = {}
    by_title_claims: dict[str, list[str]] = {}
    for old_id, known in orphans.items():
        at_path = next((by_path[p] for p in sorted(known.paths) if p in by_path), None)
        if at_path is not None:
            chosen[old_id] = at_path
            continue
        if any(Path(p).exists() for p in known.paths):
            continue  # the file is still there but unreadable: not this article's twin
        unique = [by_title[t][0] for t in known.titles if len(by_title.get(t, ())) == 1]
        matches = {meta.id: meta for meta in unique}
        if len(matches) == 1:
            meta = next(iter(matches.values()))
            chosen[old_id] = meta
            by_title_claims.setdefault(meta.id, []).append(old_id)
    for claimants in by_title_claims.values():
        if len(claimants) > 1:  # two lost articles, one candidate: leave both orphaned
            for old_id in claimants:
                del chosen[old_id]
    return [Relink(old, meta.id, meta.path, meta.title) for old, meta in chosen.items()]


@dataclass(frozen=True, slots=True)
class Annotated:
    """One article with everything the user stored about it."""

    article_id: str
    title: str
    path: str
    meta: ArticleMeta | None
    """The article's catalog entry; None when the article is not in the library."""
    bookmark: Bookmark | None
    note: Note | None
    highlights: tuple[Highlight, ...]

    @property
    def orphaned(self) -> bool:
        """True when the article these records point at is not in the library."""
        return self.meta is None


def annotated_articles(library: Library, store: Store) -> list[Annotated]:
    """Every article with a bookmark, note or highlight, by title."""
    bookmarks = {b.article_id: b for b in store.bookmarks()}
    notes = {n.article_id: n for n in store.notes()}
    highlights: dict[str, list[Highlight]] = {}
    for item in store.highlights():
        highlights.setdefault(item.article_id, []).append(item)
    out = []
    for article_id in {*bookmarks, *notes, *highlights}:
        meta = library.get(article_id)
        record = bookmarks.get(article_id) or notes.get(article_id) or highlights[article_id][0]
        remembered = [
            r.path for r in (bookmarks.get(article_id), notes.get(article_id)) if r is not None
        ] + [h.path for h in highlights.get(article_id, ())]
        if meta is not None and not belongs(meta.path, remembered):
            meta = None  # another file that shares the id: these records are not about it
        marks = sorted(highlights.get(article_id, []), key=lambda h: (h.block, h.created))
        out.append(
            Annotated(
                article_id=article_id,
                title=meta.title if meta else record.title,
                path=meta.path if meta else record.path,
                meta=meta,
                bookmark=bookmarks.get(article_id),
                note=notes.get(article_id),
                highlights=tuple(marks),
            )
        )
    return sorted(out, key=lambda a: (a.title.casefold(), a.article_id))


def locate_highlights(library: Library, item: Annotated) -> dict[str, Span | None]:
    """Where each of the article's highlights is in its current text (None: orphaned)."""
    if not item.highlights:
        return {}
    blocks: tuple[Block, ...] = ()
    if item.meta is not None:
        # An article unreadable now shows every highlight as orphaned.
        with suppress(LoadError, LookupError):
            blocks = library.load(item.article_id).blocks
    return {h.uuid: reanchor(h, blocks) for h in item.highlights}


def user_texts(store: Store) -> dict[str, UserText]:
    """By article id, what search should find with the article: notes, highlight notes, tags."""
    notes: dict[str, list[str]] = {}
    for note in store.notes():
        notes.setdefault(note.article_id, []).insert(0, note.text)
    for highlight in reversed(store.highlights()):  # oldest first, in the order they were made
        if highlight.note:
            notes.setdefault(highlight.article_id, []).append(highlight.note)
    tags = {mark.article_id: mark.tags for mark in store.bookmarks() if mark.tags}
    return {
        article_id: UserText("\n\n".join(notes.get(article_id, ())), tags.get(article_id, ()))
        for article_id in notes.keys() | tags.keys()
    }
