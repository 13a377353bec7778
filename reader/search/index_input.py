"""Reading articles for the index: what the scan already parsed, else parsed now.

Inside `reader.library.spool.parse_once`, the scan that ran just before kept what the index
needs of every file it parsed, so those files are not read again. The rest are parsed by the
same pool of helper processes a scan uses (reader.library.parse_pool), so a big (re)build keeps
this process free to feed the index writer.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from reader.library.parse_pool import PARALLEL_MIN, Parsed, parse, read_parsed
from reader.library.spool import LOOKUP, Fields, current_spool

__all__ = ["Fields", "PARALLEL_MIN", "Wanted", "read_fields", "read_indexed"]


@dataclass(frozen=True, slots=True)
class Wanted:
    """An article to index: its catalog id and its file."""

    id: str
    path: str
    stamp: tuple[int, int] | None = None
    """The file's size and mtime as the catalog has them: a parse the scan kept of that
    version is taken without looking at the file again."""


def read_fields(path: str) -> Fields | None:
    """The indexed fields of one file, or None when it cannot be read."""
    parsed = parse(path)
    return parsed.fields if isinstance(parsed, Parsed) else None


def read_indexed(
    wanted: Sequence[Wanted],
    processes: int | None = None,
    parallel_min: int = PARALLEL_MIN,
) -> Iterator[tuple[Wanted, Fields | None]]:
    """Each wanted article once, with its indexed fields (None when its file cannot be
    read): first those the scan kept, then the others in the order given."""
    spool = current_spool()
    rest: Sequence[Wanted] = wanted
    if spool is not None:
        rest = []
        for start in range(0, len(wanted), LOOKUP):
            chunk = wanted[start : start + LOOKUP]
            stamps = {item.path: item.stamp for item in chunk if item.stamp is not None}
            kept = dict(spool.take([item.path for item in chunk], stamps.get))
            for item in chunk:
                fields = kept.get(item.path)
                if fields is None:
                    rest.append(item)
                else:
                    yield item, fields
    paths = [item.path for item in rest]
    outcomes = read_parsed(paths, processes, parallel_min)
    for item, (_, parsed) in zip(rest, outcomes, strict=True):
        yield item, parsed.fields if isinstance(parsed, Parsed) else None
