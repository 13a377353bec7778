"""A child process for the file layer's crash tests (run with `python -m`).

    python -m tests.unit.files_worker atomic PATH
    python -m tests.unit.files_worker batch FOLDER

`atomic` rewrites PATH with generation after generation of `page(n)` until killed;
`batch` writes new files `n.md` holding `page(n)` in batches of five until killed.
Prints `ready` once the first write is durable.
"""

from __future__ import annotations

import sys
from pathlib import Path

from reader.files import BatchWriter, atomic_write, atomic_write_text

LINES = 20_000
"""Lines per page: big enough (about 300 kB) that a kill often lands mid-write."""


def page(number: int) -> bytes:
    """The whole bytes of generation `number`: every line names it, and the last says so."""
    line = f"generation {number:08d} of the file being replaced\n"
    return (line * LINES + f"end {number:08d}\n").encode("ascii")


def atomic(path: Path) -> None:
    """Replace the file again and again: bytes, text, in pieces, and without flushing."""
    number = 0
    while True:
        data = page(number)
        if number % 4 == 0:
            atomic_write(path, data)
        elif number % 4 == 1:
            atomic_write_text(path, data.decode("ascii"))
        elif number % 4 == 2:
            atomic_write(path, [data[:1000], data[1000:]])
        else:
            atomic_write(path, data, durable=False)  # derived files: no flush, still whole
        if number == 0:
            print("ready", flush=True)
        number += 1


def batch(folder: Path) -> None:
    """Write new files in batches of five, each committed at once."""
    writer = BatchWriter()
    number = 0
    while True:
        for _ in range(5):
            writer.add(folder / f"{number}.md", page(number))
            number += 1
        writer.commit()
        if number == 5:
            print("ready", flush=True)


if __name__ == "__main__":
    kind, where = sys.argv[1], Path(sys.argv[2])
    atomic(where) if kind == "atomic" else batch(where)
