"""A child process for the store's crash and concurrency tests (run with `python -m`).

    python -m tests.unit.store_worker mixed PATH SEED
    python -m tests.unit.store_worker bookmarks PATH TAG COUNT

Prints `ready` once the store is open, then one line per acknowledged write, flushed as
soon as the store call returns: `+ UUID` for a record created, `- UUID` for one removed
(announced by `? UUID` just before the removal starts).
`mixed` runs until killed; `bookmarks` adds COUNT bookmarks and exits.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from reader.store import Position, Store


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _article(rng: random.Random) -> tuple[str, str, str]:
    article_id = f"{rng.getrandbits(64):016x}"
    return article_id, f"/news/{article_id}.txt", f"Article {article_id}"


def mixed(store: Store, seed: int) -> None:
    """Create, edit and remove records of every kind until killed."""
    rng = random.Random(seed)
    highlights: list[str] = []
    noted: list[tuple[str, str, str]] = []
    while True:
        choice = rng.randrange(6)
        article = _article(rng)
        if choice == 0:
            _say(f"+ {store.add_bookmark(*article, tags=['t']).uuid}")
        elif choice == 1:
            note = store.set_note(*article, f"note {rng.random()}")
            assert note is not None
            noted.append(article)
            _say(f"+ {note.uuid}")
        elif choice == 2:
            quote = store.add_highlight(*article, "a quote", prefix="before", suffix="after")
            highlights.append(quote.uuid)
            _say(f"+ {quote.uuid}")
        elif choice == 3:
            _say(f"+ {store.mark_opened(*article, Position.at(rng.randrange(9), 'text')).uuid}")
        elif choice == 4 and highlights:
            gone = highlights.pop(rng.randrange(len(highlights)))
            _say(f"? {gone}")  # a kill from here on may or may not have removed it
            if store.remove_highlight(gone):
                _say(f"- {gone}")
        elif choice == 5 and noted:
            store.set_note(*rng.choice(noted), f"edited {rng.random()}")


def bookmarks(store: Store, tag: str, count: int) -> None:
    """Add `count` bookmarks with ids unique to this worker."""
    for n in range(count):
        article_id = f"{tag}{n:012x}"[-16:]
        _say(f"+ {store.add_bookmark(article_id, f'/{tag}/{n}.txt', f'{tag} {n}').uuid}")


def main(argv: list[str]) -> None:
    """Open the store named on the command line and run the chosen workload."""
    mode, path = argv[0], Path(argv[1])
    store = Store.open(path, lock_timeout=30.0)
    _say("ready")
    if mode == "mixed":
        mixed(store, int(argv[2]))
    else:
        bookmarks(store, argv[2], int(argv[3]))
    store.close()


if __name__ == "__main__":
    main(sys.argv[1:])
