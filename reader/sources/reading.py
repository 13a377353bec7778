"""Reading a file as an article: size cap, binary check, decoding, the format's loader."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from reader.models import Article, ArticleMeta
from reader.sources import MAX_BYTES
from reader.sources.common import Parsed, body_digest
from reader.sources.decode import cut_at_paragraph, decode
from reader.sources.files import BINARY, LoadError, RawFile, looks_binary, read_capped
from reader.sources.text import load_text

TextLoader = Callable[[str, Path], Parsed]
"""A format loader: decoded, sanitised text and the file's path in, findings out."""


# Formats read from decoded text, by lower-case suffix. HTML (.html, .htm) and feeds
# (.xml, .rss, .atom) join here; they will take the raw bytes instead (a page's
# <meta charset>, and feedparser must be given bytes), so they get a map of their own
# consulted before decoding in `load_file`.
def load_markdown(text: str, path: Path) -> Parsed:
    """Read Markdown; its parser is imported on first use to keep start-up quick."""
    from reader.sources.markdown import load_markdown as load

    return load(text, path)


_TEXT_LOADERS: dict[str, TextLoader] = {
    ".txt": load_text,
    ".text": load_text,
    ".md": load_markdown,
    ".markdown": load_markdown,
}


def load_file(path: Path) -> Article:
    """Read one file as an article, or raise LoadError with a one-line reason."""
    loader = _TEXT_LOADERS.get(path.suffix.lower())
    if loader is None:
        raise LoadError(f"unsupported file type: {path.suffix or 'no suffix'}")
    raw = read_capped(path, MAX_BYTES)
    if not raw.data.strip():
        raise LoadError("empty file")
    if looks_binary(raw.data):
        raise LoadError(BINARY)
    text = decode(raw.data, truncated=raw.truncated)
    if raw.truncated:
        text = cut_at_paragraph(text)
    if not text.strip():
        raise LoadError("empty file")
    parsed = loader(text, path)
    if not parsed.blocks:
        raise LoadError("no article text in file")
    return _article(parsed, path, raw)


def _article(parsed: Parsed, path: Path, raw: RawFile) -> Article:
    digest, words = body_digest(parsed.blocks)
    meta = ArticleMeta(
        id=digest,
        path=os.path.abspath(path),
        title=parsed.title,
        date=parsed.date,
        place=parsed.place,
        source=parsed.source,
        author=parsed.author,
        url=parsed.url,
        tags=parsed.tags,
        words=words,
        format=parsed.format,
        size=raw.size,
        mtime_ns=raw.mtime_ns,
    )
    return Article(meta, parsed.blocks, truncated=raw.truncated, content_hash=digest)
