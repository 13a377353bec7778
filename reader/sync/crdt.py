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

from collections.abc import Iterable
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
        for superseded in entry.get("p") or ():
            self.superseded.add(tuple(superseded))

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
        gone = None if text_field is not None else self.gone
        if gone is None:
            doc = {n: v for n, (_, v) in self.fields.items() if v is not ABSENT}
        else:
            doc = {n: v for n, (s, v) in self.fields.items() if v is not ABSENT and s > gone}
        ordered = sorted(
            (stamp, element, name)
            for (name, element), (stamp, present) in self.elements.items()
            if present and (gone is None or stamp > gone)
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
    """Records by (source, table, key): those saved by the last sync, and those changed since.

    Saved records stay in their compact saved form until an entry touches them, so a sync
    costs in proportion to what changed, not to everything ever synced.
    """

    def __init__(self, saved: dict[str, Any] | None = None) -> None:
        self.saved: dict[str, Any] = saved or {}
        self.records: dict[Key, Record] = {}
        self.latest: Stamp | None = None

    def record(self, key: Key) -> Record:
        """The record with this key, as every entry seen so far makes it."""
        found = self.records.get(key)
        if found is None:
            found = self.records[key] = Record()
            for entry in self.saved.get(key[0], {}).get(key[1], {}).get(key[2], ()):
                found.take(tuple(entry["h"]), entry)
        return found

    def take(self, stamp: Stamp, entry: Entry) -> None:
        """Fold one entry in."""
        self.record((entry["s"], entry["t"], entry["k"])).take(stamp, entry)
        if self.latest is None or stamp > self.latest:
            self.latest = stamp

    def changed(self, source: str) -> dict[str, dict[str, Record]]:
        """The records of one source file touched since the last sync, by table and key."""
        out: dict[str, dict[str, Record]] = {}
        for (s, table, key), record in self.records.items():
            if s == source:
                out.setdefault(table, {})[key] = record
        return out

    def to_save(self, text_fields: dict[tuple[str, str], str]) -> dict[str, Any]:
        """Every record in its compact saved form, for the next sync."""
        saved = {source: dict(tables) for source, tables in self.saved.items()}
        copied: set[tuple[str, str]] = set()
        for (source, table, key), record in self.records.items():
            tables = saved.setdefault(source, {})
            if (source, table) not in copied:  # copied once, not once per record
                tables[table] = dict(tables.get(table, {}))
                copied.add((source, table))
            tables[table][key] = record_entries(record, text_fields.get((source, table)))
        return saved


def compacted(records: dict[Key, Record], text_fields: dict[tuple[str, str], str]) -> list[Entry]:
    """Entries that fold to the same records, without those later ones made redundant."""
    out: list[Entry] = []
    for (source, table, key), record in records.items():
        head = {"s": source, "t": table, "k": key}
        out.extend({**head, **e} for e in record_entries(record, text_fields.get((source, table))))
    return out


def record_entries(record: Record, text_field: str | None) -> list[Entry]:
    """The fewest entries (without their record key) that fold to this record."""
    by_stamp: dict[Stamp, Entry] = {}
    gone = None if text_field is not None else record.gone
    if record.made is not None and (record.gone is None or record.made > record.gone):
        by_stamp[record.made] = {"c": 1}
    if record.gone is not None:
        by_stamp.setdefault(record.gone, {})["d"] = 1
    for name, (stamp, value) in record.fields.items():
        if gone is None or stamp >= gone:
            entry = by_stamp.get(stamp)
            if entry is None:
                entry = by_stamp[stamp] = {}
            if value is ABSENT:
                entry.setdefault("r", []).append(name)
            else:
                entry.setdefault("f", {})[name] = value
    for (name, element), (stamp, present) in record.elements.items():
        if gone is None or stamp > gone:
            groups = by_stamp.setdefault(stamp, {}).setdefault("g", {})
            groups.setdefault(name, {})[element] = int(present)
    for stamp in record.live_texts():
        by_stamp.setdefault(stamp, {})["x"] = record.texts[stamp]
    if record.superseded and by_stamp:
        by_stamp[max(by_stamp)]["p"] = [list(s) for s in sorted(record.superseded)]
    out = []
    for stamp, entry in sorted(by_stamp.items()):
        entry["h"] = list(stamp)
        out.append(entry)
    return out
