"""Per-record merge state: folding change entries in any order gives the same records.

A change entry (one line of a machine's log) says, for one record, at one clock stamp:
created (`c`), deleted (`d`), these fields set (`f`) or removed (`r`), these set elements
added or removed (`g`), a new version of its text (`x`) superseding the versions named
in `p`. Plain fields go to the latest stamp; set elements each to their latest stamp;
text versions are all kept until an edit that saw them supersedes them, so two notes
written at once on two machines are both kept. Every rule is commutative, associative and
idempotent, so machines that saw the same entries hold the same records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from reader.sync.clock import Stamp

Entry = dict[str, Any]
Key = tuple[str, str, str]
"""(source, table, record key)."""

ABSENT = object()
"""A field's value once the field was removed."""


class Record:
    """What every entry seen says about one record."""

    __slots__ = ("made", "gone", "fields", "elements", "texts", "superseded")

    def __init__(self) -> None:
        self.made: Stamp | None = None
        self.gone: Stamp | None = None
        self.fields: dict[str, tuple[Stamp, Any]] = {}
        self.elements: dict[tuple[str, str], tuple[Stamp, bool]] = {}
        self.texts: dict[Stamp, str] = {}
        self.superseded: set[Stamp] = set()

    def take(self, stamp: Stamp, entry: Entry) -> None:
        """Fold one entry in (the order of calls does not matter)."""
        if entry.get("c") and (self.made is None or stamp > self.made):
            self.made = stamp
        if entry.get("d") and (self.gone is None or stamp > self.gone):
            self.gone = stamp
        for name, value in (entry.get("f") or {}).items():
            self._set(name, stamp, value)
        for name in entry.get("r") or ():
            self._set(name, stamp, ABSENT)
        for name, changes in (entry.get("g") or {}).items():
            self._set(name, stamp, [])  # the field exists, as a list
            for element, present in changes.items():
                known = self.elements.get((name, element))
                if known is None or stamp > known[0]:
                    self.elements[(name, element)] = (stamp, bool(present))
        if "x" in entry:
            self.texts[stamp] = entry["x"]
        self.superseded.update(entry.get("p") or ())

    def _set(self, name: str, stamp: Stamp, value: Any) -> None:
        known = self.fields.get(name)
        if known is None or stamp > known[0] or (stamp == known[0] and value is not ABSENT):
            self.fields[name] = (stamp, value)

    def live_texts(self) -> list[Stamp]:
        """Versions of the text no edit has superseded yet, oldest first."""
        return sorted(s for s in self.texts if s not in self.superseded)

    def visible(self, text_field: str | None) -> bool:
        """Whether the record exists now."""
        if text_field is not None:
            return any(self.texts[s].strip() for s in self.live_texts())
        return self.made is not None and (self.gone is None or self.made > self.gone)

    def shown(self, stamp: Stamp, text_field: str | None) -> bool:
        """Whether a value stamped so is still part of the record (not before its removal)."""
        return text_field is not None or self.gone is None or stamp > self.gone

    def document(self, text_field: str | None) -> dict[str, Any]:
        """The record as a stored document."""
        doc = {
            name: value
            for name, (stamp, value) in self.fields.items()
            if value is not ABSENT and self.shown(stamp, text_field)
        }
        ordered = sorted(
            (stamp, element, name)
            for (name, element), (stamp, present) in self.elements.items()
            if present and self.shown(stamp, text_field)
        )
        for _, element, name in ordered:
            if isinstance(doc.get(name), list):
                doc[name] = [*doc[name], element]
        if text_field is not None:
            doc[text_field] = joined(self.texts[s] for s in self.live_texts())
        return doc


def joined(texts: Iterable[str]) -> str:
    """Texts written at once, in stamp order, each kept once (one containing another wins)."""
    out = ""
    for text in texts:
        if not text.strip() or text in out:
            continue
        out = text if out in text else f"{out.rstrip()}\n\n{text.strip(chr(10))}"
    return out


class Merged:
    """Every record that entries were seen for, by (source, table, key)."""

    def __init__(self) -> None:
        self.records: dict[Key, Record] = {}
        self.latest: Stamp | None = None

    def take(self, stamp: Stamp, entry: Entry) -> None:
        """Fold one entry in."""
        key = (entry["s"], entry["t"], entry["k"])
        record = self.records.get(key)
        if record is None:
            record = self.records[key] = Record()
        record.take(stamp, entry)
        if self.latest is None or stamp > self.latest:
            self.latest = stamp

    def tables(self, source: str) -> dict[str, dict[str, Record]]:
        """The records of one source file, by table and key."""
        out: dict[str, dict[str, Record]] = {}
        for (s, table, key), record in self.records.items():
            if s == source:
                out.setdefault(table, {})[key] = record
        return out


def compacted(records: dict[Key, Record], text_fields: dict[tuple[str, str], str]) -> list[Entry]:
    """Entries that fold to the same records, without those later ones made redundant."""
    out: list[Entry] = []
    for (source, table, key), record in records.items():
        text_field = text_fields.get((source, table))
        by_stamp: dict[Stamp, Entry] = {}
        at = _grouper(by_stamp, {"s": source, "t": table, "k": key})
        if record.made is not None and record.shown(record.made, None):
            at(record.made)["c"] = 1
        if record.gone is not None:
            at(record.gone)["d"] = 1
        for name, (stamp, value) in record.fields.items():
            if record.shown(stamp, text_field) or stamp == record.gone:
                entry = at(stamp)
                if value is ABSENT:
                    entry.setdefault("r", []).append(name)
                else:
                    entry.setdefault("f", {})[name] = value
        for (name, element), (stamp, present) in record.elements.items():
            if record.shown(stamp, text_field):
                at(stamp).setdefault("g", {}).setdefault(name, {})[element] = int(present)
        for stamp in record.live_texts():
            at(stamp)["x"] = record.texts[stamp]
        if record.superseded:
            last = max(by_stamp) if by_stamp else None
            if last is not None:
                by_stamp[last]["p"] = [list(s) for s in sorted(record.superseded)]
        for stamp, entry in sorted(by_stamp.items()):
            entry["h"] = list(stamp)
            out.append(entry)
    return out


def _grouper(by_stamp: dict[Stamp, Entry], head: Entry) -> Callable[[Stamp], Entry]:
    """A function giving the compacted entry for a stamp, made on first use."""

    def at(stamp: Stamp) -> Entry:
        found = by_stamp.get(stamp)
        if found is None:
            found = by_stamp[stamp] = dict(head)
        return found

    return at
