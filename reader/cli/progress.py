"""What long commands show on stderr: a progress bar on a terminal, and their notices, each
said once when the bar is gone."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from reader.models import ScanProgress
from reader.sanitize import safe_line

Bar = Callable[[str], Callable[[ScanProgress], None]]
"""Gives the progress callback of one labelled stage (scanning, indexing) of a bar."""


@contextmanager
def progress_bar(stream: TextIO) -> Iterator[Bar | None]:
    """A rich progress bar on `stream` when it is a terminal (else None); gone when done."""
    if not stream.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = Console(file=stream, highlight=False)
    columns = (TextColumn("{task.description:<9}"), BarColumn(), MofNCompleteColumn())
    # Lines printed to stdout go above the bar when stdout is this terminal too; otherwise
    # they must stay on stdout (a file or a pipe), not be drawn on the terminal.
    above = sys.stdout.isatty()
    with Progress(*columns, console=console, transient=True, redirect_stdout=above) as progress:
        task = progress.add_task("scanning", total=None)

        def stage(label: str) -> Callable[[ScanProgress], None]:
            def report(state: ScanProgress) -> None:
                total = state.total or None
                progress.update(task, description=label, completed=state.done, total=total)

            return report

        yield stage


class Notices:
    """One-line notices gathered while a command works, said once each, in order, at the end.

    Said after the progress bar is gone, so nothing is drawn over or repeated by it, and
    a notice met twice (the same index opened by two steps) is said once.
    """

    def __init__(self) -> None:
        self._lines: dict[str, None] = {}

    def add(self, line: str | None) -> None:
        """Keep `line` to say later (None or empty: nothing)."""
        if line:
            self._lines.setdefault(line, None)

    def say(self) -> None:
        """Print every line kept, prefixed `reader: `, on stderr; then forget them."""
        for line in self._lines:
            print(f"reader: {safe_line(line)}", file=sys.stderr)
        self._lines.clear()
