"""The `add` command: save web pages and local files into the user's library."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from reader import paths
from reader.cli.common import EXIT_OK, sync_default_library
from reader.cli.progress import progress_bar
from reader.models import ScanProgress
from reader.sanitize import safe_line
from reader.web.fetch import Limits
from reader.web.save import (
    HTML_SUFFIXES,
    TEXT_SUFFIXES,
    Saved,
    SaveError,
    add_file,
    add_item,
    user_path,
)

EXIT_SOME_FAILED = 1
"""Some items could not be saved (the others were)."""

_DEFAULTS = Limits()


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """Add `add` to the command parser."""
    add = commands.add_parser(
        "add",
        parents=[common],
        help="save web pages or local files into your library",
        description="Save web pages (http/https) or local .md, .txt and .html files into "
        "your library folder, ready to read and search. A folder adds every such file in it.",
    )
    add.add_argument(
        "items", nargs="+", metavar="URL|FILE|FOLDER", help="web addresses, files and folders"
    )
    add.add_argument(
        "--timeout",
        type=_positive,
        default=_DEFAULTS.timeout,
        metavar="SECONDS",
        help=f"give up on a page after this long (default {_DEFAULTS.timeout:g})",
    )
    add.add_argument(
        "--max-size",
        type=_positive,
        default=_DEFAULTS.max_bytes / (1024 * 1024),
        metavar="MB",
        help="refuse pages larger than this (default 8)",
    )
    add.set_defaults(handler=command_add)


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError("must be a positive number")
    return value


def command_add(args: argparse.Namespace) -> int:
    """Save each item, one line each; then bring the library's catalog and index up to date."""
    limits = Limits(timeout=args.timeout, max_bytes=max(1, int(args.max_size * 1024 * 1024)))
    tally = Tally()
    for item in args.items:
        folder = _folder(item)
        if folder is not None:
            add_folder(folder, tally)
        else:
            _save(item, partial(add_item, item, limits=limits), tally)
    if tally.created:
        sync_default_library()
    return EXIT_SOME_FAILED if tally.failed else EXIT_OK


@dataclass
class Tally:
    """What one `reader add` did so far."""

    created: int = 0
    known: int = 0
    failed: int = 0


def _save(label: str, save: Callable[[], Saved], tally: Tally) -> None:
    """Run one save and print its line: what was saved on stdout, or why not on stderr."""
    try:
        saved = save()
    except SaveError as error:
        print(f"reader: {safe_line(label)}: {safe_line(error)}", file=sys.stderr)
        tally.failed += 1
        return
    tally.created += saved.created
    tally.known += not saved.created
    verb = "saved" if saved.created else "already saved"
    title, path = safe_line(saved.title), safe_line(saved.path)
    print(f"{verb}: {title} → {path}", flush=True)


def _folder(item: str) -> Path | None:
    """The folder `item` names, or None when it names something else (a file, an address)."""
    try:
        path = user_path(item)
        return path if path.is_dir() else None
    except OSError:
        return None  # a name the system cannot look up: add_item says why


def add_folder(folder: Path, tally: Tally) -> None:
    """Save every article file under `folder`, with progress on stderr and a summary line."""
    name = safe_line(folder)
    if folder.resolve().is_relative_to(paths.user_library_dir().resolve()):
        print(f"reader: {name}: this folder is in your library already", file=sys.stderr)
        tally.failed += 1
        return
    files, others = article_files(folder)
    if not files:
        print(f"reader: {name}: {NO_FILES}", file=sys.stderr)
        tally.failed += 1
        return
    before = Tally(tally.created, tally.known, tally.failed)
    with progress_bar(sys.stderr) as bar:
        report = bar("adding") if bar else None
        if report is not None:
            report(ScanProgress(0, len(files)))
        for done, path in enumerate(files, 1):
            _save(str(path), partial(add_file, path), tally)
            if report is not None:
                report(ScanProgress(done, len(files)))
    print(
        f"{name}: {tally.created - before.created} saved, {tally.known - before.known} already"
        f" saved, {tally.failed - before.failed} could not be saved"
        + (f", {others} other {'file' if others == 1 else 'files'} left out" if others else "")
    )


NO_FILES = (
    "no article files here: `reader add` wants .md, .markdown, .txt, .text, .html or .htm files"
)


def article_files(folder: Path) -> tuple[list[Path], int]:
    """The article files under `folder`, in order, and how many other files it holds.

    Links to folders are not followed (no loops), and the user's own library folder is left
    out: what is in it is in the library already, and adding it again would copy it into
    itself.
    """
    wanted = TEXT_SUFFIXES | HTML_SUFFIXES
    library = paths.user_library_dir().resolve()
    files: list[Path] = []
    others = 0
    for root, dirs, names in os.walk(folder):
        here = Path(root)
        dirs[:] = sorted(d for d in dirs if (here / d).resolve() != library)
        for file_name in sorted(names):
            path = here / file_name
            if path.suffix.lower() in wanted and path.is_file():
                files.append(path)
            else:
                others += 1
    return files, others
