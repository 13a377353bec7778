"""A child process for the sync crash tests (run with `python -m`, READER_HOME set).

    python -m tests.unit.sync_worker write START    bookmark and note articles until killed
    python -m tests.unit.sync_worker sync FOLDER     sync into FOLDER again and again until killed

Prints `ready`, then one line per acknowledged step, flushed as soon as it returned:
`+ ARTICLE` once a bookmark and note of ARTICLE are saved, `synced` after each sync.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from reader.store import Store
from reader.sync import sync


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def write(start: int) -> None:
    with Store.open() as store:
        _say("ready")
        number = start
        while True:
            article = f"art-{number}"
            store.add_bookmark(article, f"/news/{article}.txt", article, tags=[f"t{number % 3}"])
            store.set_note(article, f"/news/{article}.txt", article, f"note {number}")
            _say(f"+ {article}")
            number += 1
            time.sleep(0.01)  # as a person would: the lock is not held all the time


def sync_forever(folder: Path) -> None:
    _say("ready")
    while True:
        sync(folder)
        _say("synced")


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(int(sys.argv[2]))
    else:
        sync_forever(Path(sys.argv[2]))
