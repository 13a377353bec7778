"""Plain-text articles: the dated house format and titled text."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from reader.sources.common import (
    Parsed,
    date_from_filename,
    derive_title,
    make_date,
    paragraph_blocks,
    paragraph_texts,
    title_from_filename,
)

TITLE_MAX = 100
"""A titled text's first line is its title only when it is at most this long."""

# House format: optional leading blanks, `date YYYY-MM-DD`, then the body on the same line.
_HOUSE = re.compile(r"\s*date[ \t]+(\d{4})-(\d{2})-(\d{2})(?=\s|$)[ \t]*", re.IGNORECASE)

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
# "BAKU, Azerbaijan, July 3." / "VALPARAÍSO, Chile, Feb. 3.": a city (capitals are
# checked in code, since `re` has no upper-case letter class), comma parts, month, day.
_DATELINE = re.compile(
    r"(?P<city>[^\W\d_][^,\n]{0,39}),"
    r"(?P<parts>(?:[ \t]*[^,\n]{1,40},){0,3})"
    r"[ \t]*" + _MONTH + r"\.?[ \t]+\d{1,2}\.(?=\s|$)"
)
_CITY_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

# Titled text: an optional `Date: YYYY-MM-DD` line right after the title.
_DATE_LINE = re.compile(
    r"(?:[ \t]*\n)*[ \t]*date:[ \t]*(\d{4})-(\d{2})-(\d{2})[ \t]*(?:\n|$)", re.IGNORECASE
)
_BLANK_LINE = re.compile(r"[ \t]*(?:\n|$)")


def load_text(text: str, path: Path) -> Parsed:
    """Read a `.txt` file's text: the house format when it opens with `date`, else titled."""
    return _load_house(text, path) or _load_titled(text, path)


def _load_house(text: str, path: Path) -> Parsed | None:
    opening = _HOUSE.match(text)
    if opening is None:
        return None
    texts = paragraph_texts(text[opening.end() :])
    place, after_dateline = _split_dateline(texts[0]) if texts else (None, "")
    if not after_dateline and len(texts) > 1:
        after_dateline = texts[1]
    return Parsed(
        format="house",
        title=derive_title(after_dateline) or title_from_filename(path),
        blocks=paragraph_blocks(texts),
        date=make_date(*opening.groups()),
        place=place,
    )


def _split_dateline(paragraph: str) -> tuple[str | None, str]:
    """The readable place of a leading dateline and the paragraph text after it."""
    found = _DATELINE.match(paragraph)
    if found is None:
        return None, paragraph
    city = found["city"].strip()
    if city.upper() != city:
        return None, paragraph
    parts = [part.strip() for part in found["parts"].split(",")]
    place = ", ".join([_CITY_WORD.sub(_capitalise, city), *filter(None, parts)])
    return place, paragraph[found.end() :].lstrip()


def _capitalise(word: re.Match[str]) -> str:
    text = word.group()
    return text[:1].upper() + text[1:].lower()


def _load_titled(text: str, path: Path) -> Parsed:
    title, when, body = _split_title(text)
    return Parsed(
        format="text",
        title=title or title_from_filename(path),
        blocks=paragraph_blocks(paragraph_texts(body)),
        date=when or date_from_filename(path),
    )


def _split_title(text: str) -> tuple[str, date | None, str]:
    """Title, explicit date and body of a titled text; no title when the text has none."""
    stripped = text.lstrip()
    first, _, after = stripped.partition("\n")
    title = first.strip()
    if not _looks_like_title(title):
        return "", None, text
    dated = _DATE_LINE.match(after)
    if dated is not None:
        when, after = make_date(*dated.groups()), after[dated.end() :]
    elif _BLANK_LINE.match(after) is not None:
        when = None
    else:
        return "", None, text
    if not after.strip():
        # A lone line is the article's text, not a title over nothing.
        return "", None, text
    return title, when, after


def _looks_like_title(line: str) -> bool:
    if not line or len(line) > TITLE_MAX:
        return False
    return not (line.endswith(".") and not line.endswith(".."))
