"""Export the user's annotations as Markdown notes (Obsidian-friendly) or lossless JSON."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from reader.annotations import Annotated, annotated_articles, locate_highlights
from reader.files import DOCUMENT, atomic_write_text
from reader.library import Library
from reader.sources.common import slugify
from reader.store import Highlight, ImportResult, Store

__all__ = ["export_json", "export_markdown", "import_json"]

SLUG_CHARS = 80
"""The longest file-name stem an export writes."""

"""Longest file-name stem a title gives, before `.md`."""

ORPHANED_ARTICLE = "The article is no longer in the library; this is its last known state."
ORPHANED_HIGHLIGHT = "*(orphaned: this passage is no longer in the article)*"

# Names Windows refuses for files, whatever the extension: such slugs get the id added.
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10))}
_RESERVED |= {f"lpt{i}" for i in range(10)}


def export_markdown(library: Library, store: Store, out_dir: Path) -> list[Path]:
    """Write one Markdown file per annotated article into `out_dir`; return the files.

    Exporting again into the same folder rewrites the same files (names are stable).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    taken: set[str] = set()
    for item in annotated_articles(library, store):
        target = out_dir / f"{_file_stem(item, taken)}.md"
        atomic_write_text(target, article_markdown(library, item), DOCUMENT)
        written.append(target)
    return written


def _file_stem(item: Annotated, taken: set[str]) -> str:
    stem = slugify(item.title, SLUG_CHARS)
    if not stem or stem in taken or stem in _RESERVED:
        stem = f"{stem}-{item.article_id[:8]}" if stem else f"article-{item.article_id[:8]}"
    while stem in taken:
        stem = f"{stem}-{item.article_id}"
    taken.add(stem)
    return stem


def article_markdown(library: Library, item: Annotated) -> str:
    """The Markdown note for one annotated article: front matter, note, highlights."""
    places = locate_highlights(library, item)
    parts = [_front_matter(item), f"# {_one_line(item.title) or item.article_id}\n"]
    if item.orphaned:
        parts.append(f"*{ORPHANED_ARTICLE}*\n")
    if item.note is not None:
        parts.append(f"## Note\n\n{item.note.text.strip()}\n")
    if item.highlights:
        quotes = [_highlight(h, places.get(h.uuid) is None) for h in item.highlights]
        parts.append("## Highlights\n\n" + "\n".join(quotes))
    return "\n".join(parts)


def _front_matter(item: Annotated) -> str:
    meta = item.meta
    tags = list(item.bookmark.tags) if item.bookmark else []
    tags += [t for t in (meta.tags if meta else ()) if t not in tags]
    fields: dict[str, Any] = {
        "title": item.title,
        "date": meta.date.isoformat() if meta and meta.date else None,
        "source": meta.source if meta else None,
        "place": meta.place if meta else None,
        "author": meta.author if meta else None,
        "url": meta.url if meta else None,
        "tags": tags,
        "path": item.path,
        "id": item.article_id,
        "bookmarked": item.bookmark is not None,
    }
    if item.orphaned:
        fields["orphaned"] = True
    fields = {key: value for key, value in fields.items() if value is not None}
    dumped = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{dumped}---\n"


def _highlight(highlight: Highlight, orphaned: bool) -> str:
    lines = [f"> {line}".rstrip() for line in highlight.quote.strip().splitlines()] or [">"]
    if orphaned:
        lines += [">", f"> {ORPHANED_HIGHLIGHT}"]
    text = "\n".join(lines) + "\n"
    if highlight.note and highlight.note.strip():
        text += f"\n{highlight.note.strip()}\n"
    return text


def _one_line(text: str) -> str:
    return " ".join(text.split())


def export_json(store: Store, library: Library) -> dict[str, Any]:
    """Everything in the store, losslessly, plus each annotated article's title and path."""
    data = store.export_all()
    data["articles"] = [
        {
            "id": item.article_id,
            "title": item.title,
            "path": item.path,
            "date": item.meta.date.isoformat() if item.meta and item.meta.date else None,
            "in_library": not item.orphaned,
        }
        for item in annotated_articles(library, store)
    ]
    return data


def import_json(store: Store, data: Mapping[str, Any]) -> ImportResult:
    """Merge an export back in; importing the same export twice adds nothing the second time."""
    return store.import_all(data)
