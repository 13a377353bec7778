"""Helpers every loader shares: titles, dates, paragraphs, word counts and content hashes."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reader.models import Block, BlockKind

TITLE_LIMIT = 80
"""Derived titles are cut on a word boundary near this many characters."""

_TITLE_SCAN = 600
"""Characters of text searched for a first sentence; enough for any title."""


@dataclass(frozen=True, slots=True)
class Parsed:
    """What a format loader found in a file's text, before ids and file facts are added."""

    format: str
    title: str
    blocks: tuple[Block, ...]
    date: date | None = None
    place: str | None = None
    source: str | None = None
    author: str | None = None
    url: str | None = None
    tags: tuple[str, ...] = ()
    date_saved: bool = False
    """True when the file gives no date of its own and `date` is the day it was saved."""


_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")
_LINE_BREAK = re.compile(r"(?<![ \t])[ \t]*\n[ \t]*")
_ISO_DATE = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})(?![\d])")
_FILE_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})[-_ ]")
_NAME_SEPARATORS = re.compile(r"[-_\s]+")

# A run of sentence-ending punctuation, maybe closed by quotes or brackets, then a space.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s|$)")
_INITIALS = re.compile(r"(?:[^\W\d_]\.)*[^\W\d_]")
_ABBREVIATION_WORDS = (
    "mr mrs ms dr prof sr jr st mt ft gen col lt capt sgt cmdr adm gov sen rep pres rev hon "
    "inc ltd co corp bros no nos vs approx dept est fig vol ca cf al "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
_ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())


def make_date(year: str, month: str, day: str) -> date | None:
    """A date from its digits, or None when the calendar has no such day."""
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def parse_date(value: str) -> date | None:
    """The date at the start of a string such as "2024-06-01" or "2024-06-01T10:00:00Z"."""
    found = _ISO_DATE.match(value)
    return make_date(*found.groups()) if found else None


def date_from_filename(path: Path) -> date | None:
    """The date of a `YYYY-MM-DD-` file-name prefix, if any."""
    found = _FILE_DATE.match(path.name)
    return make_date(*found.groups()) if found else None


def title_from_filename(path: Path) -> str:
    """A title from a file name: `2024-06-01-the-lighthouse_log.txt` -> "The lighthouse log"."""
    stem = path.stem
    found = _FILE_DATE.match(stem)
    if found:
        stem = stem[found.end() :]
    words = _NAME_SEPARATORS.sub(" ", stem).strip()
    if not words:
        return path.stem or "Untitled"
    return words[:1].upper() + words[1:]


_ODD_SPACE_BYTES = bytes([*range(0x09, 0x0E), *range(0x1C, 0x20)])
"""The ASCII whitespace but the space: `str.split` parts words at these too."""


def collapse(text: str) -> str:
    """Text with every run of whitespace turned into one space, trimmed."""
    plain_ends = text[:1] != " " and text[-1:] != " "
    if plain_ends and "  " not in text and ascii_without(text, _ODD_SPACE_BYTES):
        return text  # already so: most titles, names and a page's runs of text
    return " ".join(text.split())


def ascii_without(text: str, chars: bytes) -> bool:
    """Whether the text is ASCII and holds none of the (ASCII) `chars`.

    Deleting bytes through a table is four to six times quicker than a regular expression
    finding nothing in the same text: the quick answer for most of a feed entry's text."""
    if not text.isascii():
        return False
    data = text.encode("ascii")
    return len(data.translate(None, chars)) == len(data)


def paragraph_texts(body: str) -> list[str]:
    """Paragraphs split on blank lines, each with its line breaks joined by a space."""
    texts = []
    for chunk in _BLANK_LINES.split(body):
        chunk = chunk.strip()
        if chunk:
            texts.append(_LINE_BREAK.sub(" ", chunk) if "\n" in chunk else chunk)
    return texts


def paragraph_blocks(texts: list[str]) -> tuple[Block, ...]:
    """Plain paragraph blocks for a list of paragraph texts."""
    return tuple(Block(BlockKind.PARAGRAPH, text) for text in texts)


def first_sentence(text: str) -> str:
    """The first sentence of a text: up to . ! ? and a space, skipping abbreviations."""
    text = text[:_TITLE_SCAN]
    for end in _SENTENCE_END.finditer(text):
        if _ends_sentence(text, end.start(), end.end()):
            return text[: end.end()]
    return text


def _ends_sentence(text: str, start: int, end: int) -> bool:
    if text[start] != ".":
        return True
    # "approx. five", "Feb. 3": what follows a real sentence end opens with a capital.
    following = text[end : end + 3].lstrip()
    if following and not following[0].isupper() and following[0] not in "\"'“‘«(":
        return False
    head = text[:start].rsplit(None, 1)
    word = head[-1].lstrip("\"'“‘«([") if head else ""
    if word.lower() in _ABBREVIATIONS:
        return False
    return _INITIALS.fullmatch(word) is None


def cut_title(sentence: str, limit: int = TITLE_LIMIT) -> str:
    """A sentence as a title: no final period, cut on a word boundary near `limit` with …."""
    sentence = collapse(sentence)
    if len(sentence) <= limit:
        if sentence.endswith(".") and not sentence.endswith(".."):
            sentence = sentence[:-1]
        return sentence
    cut = sentence.rfind(" ", 0, limit + 1)
    if cut < limit // 2:
        cut = limit
    return sentence[:cut].rstrip(" ,;:–—-") + "…"


def derive_title(text: str) -> str:
    """A title from the first sentence of a text, or "" when it has no words."""
    title = cut_title(first_sentence(text))
    return title if any(char.isalnum() for char in title) else ""


def word_count(blocks: tuple[Block, ...]) -> int:
    """Words in an article body (runs of non-space characters)."""
    return sum(len(block.text.split()) for block in blocks)


def content_hash(blocks: tuple[Block, ...]) -> str:
    """First 16 hex digits of sha256 over the body, normalised (NFC, casefold, spaces)."""
    return body_digest(blocks)[0]


# What str.split() takes for whitespace in ASCII text, each made a space.
_ASCII_SPACES = bytes.maketrans(b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f", b" " * 9)


def body_digest(blocks: tuple[Block, ...]) -> tuple[str, int]:
    """The body's content hash and word count, from one pass over its words."""
    body = "\n".join(block.text for block in blocks)
    if body.isascii():
        # NFC and casefolding leave ASCII text ASCII, as `lower` does. Once every space is
        # " ", most bodies have one between words: counted and hashed as they are, without
        # an object made for each word; runs of spaces (code, say) are joined again by one.
        spaced = body.lower().encode("ascii").translate(_ASCII_SPACES)
        if b"  " in spaced:
            pieces = spaced.split()
            spaced, count = b" ".join(pieces), len(pieces)
        else:
            spaced = spaced.strip(b" ")
            count = spaced.count(b" ") + 1 if spaced else 0
        return hashlib.sha256(spaced).hexdigest()[:16], count
    if not unicodedata.is_normalized("NFC", body):
        body = unicodedata.normalize("NFC", body)
    # Neither NFC nor casefolding adds or removes whitespace, so these are the body's words.
    words = body.casefold().split()
    normal = " ".join(words).encode("utf-8", errors="surrogatepass")
    return hashlib.sha256(normal).hexdigest()[:16], len(words)


def slugify(title: str, limit: int) -> str:
    """A file-name stem for a title: lower-case words of any script joined by single hyphens,
    cut on a word boundary within `limit` characters (empty when the title has no word)."""
    words = re.findall(r"\w+", unicodedata.normalize("NFKC", title).casefold())
    slug = ""
    for word in words:
        longer = f"{slug}-{word}" if slug else word
        if len(longer) > limit:
            break
        slug = longer
    return slug or "-".join(words)[:limit].strip("-_")
