"""Reading a file as an article: size cap, binary check, decoding, the format's loader."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from reader.models import Article, ArticleMeta
from reader.sources import MAX_BYTES, LoadError
from reader.sources.common import Parsed, body_digest
from reader.sources.decode import cut_at_paragraph, decode
from reader.sources.files import BINARY, RawFile, looks_binary, read_capped
from reader.sources.text import load_text

if TYPE_CHECKING:
    from reader.sources.frontmatter import WrittenFront

TextLoader = Callable[[str, Path], Parsed]
"""A format loader: decoded, sanitised text and the file's path in, findings out."""

BytesLoader = Callable[[bytes, Path], Parsed]
"""A format loader that decodes for itself: the file's (capped) bytes and path in."""


# Formats read from decoded text, by lower-case suffix. Formats that must see the raw
# bytes (a page's <meta charset>; feedparser is given bytes) are in `_BYTES_LOADERS`,
# consulted before decoding in `load_file`.
def load_markdown(text: str, path: Path, written: WrittenFront | None = None) -> Parsed:
    """Read Markdown; its parser is imported on first use to keep start-up quick."""
    from reader.sources.markdown import load_markdown as load

    return load(text, path, written)


_TEXT_LOADERS: dict[str, TextLoader] = {
    ".txt": load_text,
    ".text": load_text,
    ".md": load_markdown,
    ".markdown": load_markdown,
}


def load_html(data: bytes, path: Path) -> Parsed:
    """Read an HTML page; its extractor is imported on first use (it is slow to import)."""
    from reader.sources.html import load_html as load

    return load(data, path)


_BYTES_LOADERS: dict[str, BytesLoader] = {
    ".html": load_html,
    ".htm": load_html,
}


def load_file(path: Path) -> Article:
    """Read one file as an article, or raise LoadError with a one-line reason."""
    _loaders(path)  # an unsupported file is refused before it is read
    return load_raw(path, read_capped(path, MAX_BYTES))


def load_raw(path: Path, raw: RawFile, written: WrittenFront | None = None) -> Article:
    """Read an article from a file's bytes already in hand (a file just written, say):
    what `load_file` gives for that file, without reading it again. `written` is the
    front matter the writer put in a Markdown file (see `WrittenFront`)."""
    bytes_loader, loader = _loaders(path)
    if not raw.data.strip():
        raise LoadError("empty file")
    if looks_binary(raw.data):
        raise LoadError(BINARY)
    if bytes_loader is not None:
        parsed = bytes_loader(raw.data, path)
    elif written is not None and loader is load_markdown:
        parsed = load_markdown(_text(raw), path, written)
    else:
        assert loader is not None
        parsed = loader(_text(raw), path)
    if not parsed.blocks:
        raise LoadError("no article text in file")
    return _article(parsed, path, raw)


def _loaders(path: Path) -> tuple[BytesLoader | None, TextLoader | None]:
    suffix = path.suffix.lower()
    bytes_loader = _BYTES_LOADERS.get(suffix)
    loader = _TEXT_LOADERS.get(suffix)
    if loader is None and bytes_loader is None:
        raise LoadError(f"unsupported file type: {path.suffix or 'no suffix'}")
    return bytes_loader, loader


def _text(raw: RawFile) -> str:
    text = decode(raw.data, truncated=raw.truncated)
    if raw.truncated:
        text = cut_at_paragraph(text)
    if not text.strip():
        raise LoadError("empty file")
    return text


def _article(parsed: Parsed, path: Path, raw: RawFile) -> Article:
    digest, words = body_digest(parsed.blocks)
    meta = ArticleMeta(
        id=digest,
        path=_absolute(path),
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
    return Article(
        meta,
        parsed.blocks,
        truncated=raw.truncated,
        content_hash=digest,
        date_saved=parsed.date_saved,
    )


def _absolute(path: Path) -> str:
    """`os.path.abspath` of the path, which is most often absolute and normal already."""
    text = str(path)
    # Such a path is left as it is by abspath: no need to pay for its normalising.
    if os.sep == "/" and text.startswith("/") and "//" not in text and "/." not in text:
        return text
    return os.path.abspath(text)
