"""A child process running `reader note` many times (run with `python -m`).

    python -m tests.unit.cli_note_worker LIBRARY ID TAG COUNT GO_FILE

Waits until GO_FILE exists, so that two workers start appending together, then appends
the notes `TAG-0` .. `TAG-(COUNT-1)` to article ID through the command line's own code.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from reader.cli import main


def run(argv: list[str]) -> int:
    """Append COUNT notes; return the number of commands that did not exit 0."""
    library, article_id, tag, count, go = argv
    while not Path(go).exists():
        time.sleep(0.001)
    failed = 0
    for n in range(int(count)):
        failed += main(["note", article_id, f"{tag}-{n}", "-l", library]) != 0
    return failed


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
