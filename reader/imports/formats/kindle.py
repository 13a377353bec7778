"""Kindle's `My Clippings.txt`, every device and language variant, as one item per book."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from reader.imports.formats._common import decode, head_text, key, one_line
from reader.imports.items import ImportedHighlight, ImportedItem, ImportSource, Parsed, SkippedItem

SEPARATOR = re.compile(r"={10}[ \t]*(?:\n|$)")
_KINDS = (
    # Checked in this order: "Notiz" holds no "bookmark", but a German bookmark line
    # ("Ihr Lesezeichen") must win before a note is guessed.
    (
        "bookmark",
        (
            "bookmark",
            "lesezeichen",
            "书签",
            "書籤",
            "signet",
            "marcador",
            "segnalibro",
            "ブックマーク",
        ),
    ),
    ("note", ("note", "notiz", "笔记", "筆記", "nota", "メモ")),
    (
        "highlight",
        (
            "highlight",
            "markierung",
            "标注",
            "標註",
            "surlignement",
            "subrayado",
            "evidenziazione",
            "destaque",
            "ハイライト",
            "clip",
        ),
    ),
)
_LOCATION = re.compile(
    r"(?:location|loc\.|position|posición|emplacement|posizione|posição|位置|位置No\.)"
    r"\s*#?\s*(\d+)(?:\s*-\s*(\d+))?",
    re.IGNORECASE,
)
_PAGE = re.compile(
    r"(?:page|seite|página|pagina|第|ページ)\s*#?\s*(\d+|[ivxlcdm]+\b)(?:\s*-\s*(\d+))?",
    re.IGNORECASE,
)
_CJK_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
_PM = re.compile(r"\bp\.?\s?m\.?(?!\w)|下午|午後|晚上", re.IGNORECASE)
_AM = re.compile(r"\ba\.?\s?m\.?(?!\w)|上午|午前|凌晨", re.IGNORECASE)
_MONTH_NAMES = (
    "january february march april may june july august september october november december",
    "jan feb mar apr may jun jul aug sep oct nov dec",
    "januar februar märz april mai juni juli august september oktober november dezember",
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
)
MONTHS = {
    name: number for names in _MONTH_NAMES for number, name in enumerate(names.split(), start=1)
}
MONTHS.update({"sept": 9, "maerz": 3, "jän": 1, "jänner": 1})
_CLIPPING_LIMIT = re.compile(r"^<.*(clipping limit|Clip-Limit|剪贴限制|limite).*>$", re.I)
_BUCKET_SPAN = 30
"""How many location cells a highlight is filed under when looking for re-highlights."""


@dataclass(slots=True)
class _Clip:
    number: int
    kind: str
    text: str
    page: str = ""
    start: int | None = None
    end: int | None = None
    created: datetime | None = None
    note: str = ""

    @property
    def location(self) -> str:
        parts = [f"page {self.page}"] if self.page else []
        if self.start is not None:
            span = f"{self.start}" if self.end in (None, self.start) else f"{self.start}-{self.end}"
            parts.append(f"location {span}")
        return ", ".join(parts)


@dataclass(slots=True)
class _Book:
    title: str
    author: str
    first: int
    highlights: list[_Clip] = field(default_factory=list)
    notes: list[_Clip] = field(default_factory=list)
    merged: int = 0
    by_text: dict[str, int] = field(default_factory=dict)
    by_cell: dict[str, list[int]] = field(default_factory=dict)


class KindleFormat:
    """Kindle `My Clippings.txt`: books (no URL) with their highlights and notes."""

    name = "kindle"

    def detect(self, source: ImportSource) -> bool:
        """A clippings file: one of its first entries ends with `==========` after a `- ... |`
        metadata line."""
        if not source.data:
            return False
        entries = SEPARATOR.split(head_text(source.data))[:-1][:5]
        for entry in entries:
            lines = entry.strip("\n").split("\n")
            if len(lines) >= 2 and _is_meta(lines[1]):
                return True
        return False

    def parse(self, source: ImportSource) -> Iterator[Parsed]:
        """Skipped clippings as they come, then one item per book in order of appearance."""
        books: dict[tuple[str, str], _Book] = {}
        for number, entry in enumerate(entries(decode(source.data)), start=1):
            if not entry.strip():
                continue
            parsed = _clip(number, entry)
            if isinstance(parsed, SkippedItem):
                yield parsed
                continue
            clip, title, author = parsed
            book_key = (key(title), key(author))
            book = books.get(book_key)
            if book is None:
                book = books[book_key] = _Book(title, author, number)
            if clip.kind == "note":
                book.notes.append(clip)
            else:
                _add_highlight(book, clip)
        for book in books.values():
            yield _item(book)


FORMAT = KindleFormat()


def entries(text: str) -> Iterator[str]:
    """The clippings of a file one at a time (a list of them all would double its memory)."""
    start = 0
    for found in SEPARATOR.finditer(text):
        yield text[start : found.start()]
        start = found.end()
    yield text[start:]


def _is_meta(line: str) -> bool:
    line = line.strip()
    return line.startswith("-") and ("|" in line or _kind(line) is not None)


def _kind(meta: str) -> str | None:
    folded = meta.casefold()
    for kind, words in _KINDS:
        if any(word in folded for word in words):
            return kind
    return None


def _clip(number: int, entry: str) -> tuple[_Clip, str, str] | SkippedItem:
    where = f"clipping {number}"
    lines = entry.strip("\n").split("\n")
    heading = lines[0].strip()
    if len(lines) < 2 or not _is_meta(lines[1]):
        return SkippedItem(where, f"not a clipping (no metadata line after {one_line(heading)!r})")
    title, author = title_author(heading)
    meta = lines[1].strip()
    kind = _kind(meta)
    text = "\n".join(lines[2:]).strip()
    if kind is None:
        return SkippedItem(where, f"unknown kind of clipping: {one_line(meta)!r}")
    clip = _Clip(number, kind, text)
    _locate(clip, meta)
    clip.created = kindle_date(meta.rsplit("|", 1)[-1]) if "|" in meta else None
    if kind == "bookmark":
        return SkippedItem(
            where,
            f"a bookmark ({clip.location or 'no location'}) in "
            f"{one_line(title)!r}: bookmarks hold no text",
        )
    if not text:
        return SkippedItem(where, f"an empty {kind} in {one_line(title)!r}")
    if _CLIPPING_LIMIT.match(text):
        return SkippedItem(
            where,
            f"no text in {one_line(title)!r}: the publisher's "
            "clipping limit was reached on the Kindle",
        )
    return clip, title, author


@functools.lru_cache(maxsize=4096)
def title_author(line: str) -> tuple[str, str]:
    """`Title (Author)` split at its last balanced parenthesis; no author when it has none."""
    line = line.strip()
    if line.endswith(")"):
        depth = 0
        for index in range(len(line) - 1, -1, -1):
            char = line[index]
            depth += char == ")"
            depth -= char == "("
            if depth == 0:
                title, author = line[:index].strip(), line[index + 1 : -1].strip()
                if title:
                    return title, author
                break
    return line or "Untitled", ""


def _locate(clip: _Clip, meta: str) -> None:
    segments = meta.split("|")
    # The last segment is the date; the page and the location come before it, in either order.
    where = " ".join(segments[:-1]) if len(segments) > 1 else meta
    page = _PAGE.search(where)
    if page is not None:
        clip.page = page.group(1) + (f"-{page.group(2)}" if page.group(2) else "")
    found = _LOCATION.search(where)
    if found is not None:
        clip.start = int(found.group(1))
        clip.end = _expand(found.group(1), found.group(2)) if found.group(2) else clip.start


def _expand(start: str, end: str) -> int:
    """`563-64` means 563-564: Kindle shortens the end of a range to its changed digits."""
    if len(end) < len(start) and int(end) < int(start):
        return int(start[: len(start) - len(end)] + end)
    return int(end)


def kindle_date(text: str) -> datetime | None:
    """The time of `Added on ...` in any of the devices' languages (local time, no zone)."""
    found = _CJK_DATE.search(text) or _ISO_DATE.search(text)
    rest = _TIME.sub(" ", text)
    if found is not None:
        year, month, day = (int(part) for part in found.groups())
    else:
        words = re.findall(r"[^\W\d_]+", rest.casefold())
        month = next((MONTHS[word] for word in words if word in MONTHS), 0)
        years = re.findall(r"(?<!\d)\d{4}(?!\d)", rest)
        days = re.findall(r"(?<!\d)\d{1,2}(?!\d)", rest)
        if not (month and years and days):
            return None
        year, day = int(years[0]), int(days[0])
    hour = minute = second = 0
    clock = _TIME.search(text)
    if clock is not None:
        hour, minute, second = int(clock.group(1)), int(clock.group(2)), int(clock.group(3) or 0)
        if _PM.search(text) and hour < 12:
            hour += 12
        elif _AM.search(text) and hour == 12:
            hour = 0
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def _cells(clip: _Clip) -> list[str]:
    """Where a clip is filed: its first locations and its last (a note sits at the end)."""
    if clip.start is not None:
        end = clip.end if clip.end is not None and clip.end >= clip.start else clip.start
        span = range(clip.start, min(end, clip.start + _BUCKET_SPAN) + 1)
        return list(dict.fromkeys([*(f"l{cell}" for cell in span), f"l{end}"]))
    return [f"p{clip.page}"] if clip.page else []


def _add_highlight(book: _Book, clip: _Clip) -> None:
    """File a highlight, or let it replace the shorter one it re-highlights."""
    text_key, cells = key(clip.text), _cells(clip)
    candidates = [book.by_text[text_key]] if text_key in book.by_text else []
    for cell in cells:
        candidates.extend(book.by_cell.get(cell, ()))
    index = len(book.highlights)
    for known in dict.fromkeys(candidates):
        old = book.highlights[known]
        old_key = key(old.text)
        if _overlap(old, clip) and _same_passage(old_key, text_key):
            book.merged += 1
            if len(text_key) <= len(old_key):
                return
            index = known
            break
    if index == len(book.highlights):
        book.highlights.append(clip)
    else:
        book.highlights[index] = clip
    book.by_text[text_key] = index
    for cell in cells:
        book.by_cell.setdefault(cell, []).append(index)


def _overlap(old: _Clip, new: _Clip) -> bool:
    """Whether two clips are at one place (the same words elsewhere are another highlight)."""
    if old.start is not None and new.start is not None:
        old_end = max(old.end or old.start, old.start)
        new_end = max(new.end or new.start, new.start)
        return old.start <= new_end and new.start <= old_end
    if old.page and new.page:
        return old.page == new.page
    return True


def _same_passage(old: str, new: str) -> bool:
    """Whether two highlights at the same place are one passage marked twice."""
    if old in new or new in old:
        return True
    shorter = min(len(old), len(new))
    prefix = len(os.path.commonprefix([old, new]))
    suffix = len(os.path.commonprefix([old[::-1], new[::-1]]))
    return max(prefix, suffix) >= 0.6 * shorter


def _attach_notes(book: _Book) -> list[_Clip]:
    """Put each note on the highlight it was written at; the notes that match none."""
    loose: list[_Clip] = []
    for note in book.notes:
        target = _note_target(book, note)
        if target is None:
            loose.append(note)
        else:
            target.note = f"{target.note}\n\n{note.text}" if target.note else note.text
    return loose


def _note_target(book: _Book, note: _Clip) -> _Clip | None:
    """The highlight holding the note's location: the last one before it, else the next."""
    if note.start is not None:
        cell = f"l{note.start}"
    elif note.page:
        cell = f"p{note.page}"
    else:
        return None
    candidates = [book.highlights[index] for index in book.by_cell.get(cell, ())]

    def matches(clip: _Clip) -> bool:
        if note.start is not None and clip.start is not None:
            end = clip.end if clip.end is not None else clip.start
            return clip.start <= note.start <= max(end, clip.start)
        return note.start is None and clip.page == note.page

    found = [clip for clip in candidates if matches(clip)]
    before = [clip for clip in found if clip.number < note.number]
    if before:
        return max(before, key=lambda clip: clip.number)
    after = [clip for clip in found if clip.number > note.number]
    return min(after, key=lambda clip: clip.number) if after else None


def _item(book: _Book) -> ImportedItem:
    loose = _attach_notes(book)
    highlights = tuple(
        ImportedHighlight(clip.text, note=clip.note, created=clip.created, location=clip.location)
        for clip in sorted(book.highlights, key=lambda clip: clip.number)
    )
    note = "\n\n".join(
        f"{clip.location}: {clip.text}" if clip.location else clip.text for clip in loose
    )
    extra = {"format": "kindle"}
    if book.merged:
        extra["re_highlights_merged"] = str(book.merged)
    return ImportedItem(
        f"clipping {book.first}",
        title=book.title,
        author=book.author,
        highlights=highlights,
        note=note,
        extra=extra,
    )
