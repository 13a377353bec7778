"""A progress bar on stderr for long commands, shown only when stderr is a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from reader.models import ScanProgress

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
