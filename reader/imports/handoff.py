"""The parse of the link-only articles an import writes, made from the bytes written.

A scan reads every new file, and an import of 10,000 links would otherwise have them all
read back and run through the Markdown parser for a body that is always the same sentence
and the page's address. What a scan would find in such a file is made here from the bytes
the import wrote, without reading the file or parsing its Markdown: the front matter is
read as a scan reads it, and the body's two paragraphs are known (the first is the one
Markdown parse of `NOT_FETCHED` per process, the second the address, for an address the
parser shows as written). A book document, one per book, is parsed from the bytes written
(its blocks then also serve to anchor its highlights). Anything else is left to the scan.

Handed over through the spool of the `parse_once` around the import (see
reader.library.spool), it serves the scan that gives the files their ids and the index.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from reader.imports.drafts import NOT_FETCHED, is_book_file
from reader.library.catalog import encode_tags
from reader.library.parse_pool import (
    Parsed,
    Summary,
    parse_written_article,
    stat_if_written,
)
from reader.models import Block, BlockKind
from reader.sources import MAX_BYTES
from reader.sources.common import body_digest, date_from_filename, title_from_filename
from reader.sources.decode import decode
from reader.sources.files import looks_binary
from reader.sources.frontmatter import WrittenFront, split_written

# An address the Markdown parser takes as an autolink and shows exactly as written: no
# percent escapes (shown decoded), no punycode host (shown in Unicode), nothing outside
# the characters a URL is written with.
_PLAIN_ADDRESS = re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]*", re.IGNORECASE)


def parsed_rows(
    written: Iterable[tuple[Path, bytes]],
    texts: dict[Path, list[str]] | None = None,
    fronts: Mapping[Path, WrittenFront] | None = None,
) -> list[tuple[str, Parsed]]:
    """The parse of each link-only file and book document just written, by path, for the
    spool; the other files are left out, for the scan to read. A book's block texts go into
    `texts` too: its highlights are anchored in them next, and it need not be read and
    parsed a second time for that. `fronts` has the front matter written in some of the
    files (`Saved.front`)."""
    rows = []
    for path, data in written:
        try:
            parsed = link_parsed(path, data, fronts.get(path) if fronts else None)
        except Exception:  # the files are written: the scan reads this one and tells
            parsed = None
        if parsed is None and is_book_file(path):
            read = parse_written_article(str(path), data)
            if read is not None:
                article, parsed = read
                if texts is not None:
                    texts[path] = [block.text for block in article.blocks]
        if parsed is not None:
            rows.append((str(path), parsed))
    return rows


def link_parsed(path: Path, data: bytes, written: WrittenFront | None = None) -> Parsed | None:
    """What a scan's parse gives for a link-only file just written with `data` (and the
    front matter `written`, when known); None when the bytes are not one, or the file is
    no longer those bytes."""
    if len(data) > MAX_BYTES or looks_binary(data):
        return None
    front, body = split_written(decode(data), written)
    address = _address(body)
    if front is None or address is None:
        return None
    info = stat_if_written(path, data)
    if info is None:
        return None
    blocks = (Block(BlockKind.PARAGRAPH, _opening()), Block(BlockKind.PARAGRAPH, address))
    day = front.date or date_from_filename(path)
    when = day.isoformat() if day else None
    title = front.title or title_from_filename(path)
    digest, words = body_digest(blocks)
    summary = Summary(
        digest,
        title,
        when,
        None,
        front.source,
        front.author,
        front.url,
        encode_tags(front.tags),
        words,
        "markdown",
        False,
        front.date is None and day is not None and day == front.saved,
    )
    text = "\n\n".join(block.text for block in blocks)
    fields = (title, when, None, front.source, front.tags, text)
    return Parsed(summary, fields, info.st_size, info.st_mtime_ns)


def _address(body: str) -> str | None:
    """The address in a link-only article's body; None for any other body."""
    start = f"{NOT_FETCHED}\n\n<"
    rest = body.strip("\n")
    if not rest.startswith(start) or not rest.endswith(">"):
        return None
    address = rest[len(start) : -1]
    if not _PLAIN_ADDRESS.fullmatch(address) or "xn--" in address.lower():
        return None
    return address


@functools.cache
def _opening() -> str:
    """The text of the body's first paragraph, as the Markdown parser gives it."""
    from reader.sources.markdown import parse_blocks

    (block,) = parse_blocks(NOT_FETCHED)
    if block.kind is not BlockKind.PARAGRAPH:
        raise AssertionError("NOT_FETCHED is one paragraph")
    return block.text
