"""The `add` command: save web pages and local files into the user's library."""

from __future__ import annotations

import argparse
import sys

from reader.cli.common import EXIT_OK, sync_default_library
from reader.web.fetch import Limits
from reader.web.save import SaveError, add_item

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
        "your library folder, ready to read and search.",
    )
    add.add_argument("items", nargs="+", metavar="URL|FILE", help="web addresses and files")
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
    failed = created = 0
    for item in args.items:
        try:
            saved = add_item(item, limits=limits)
        except SaveError as error:
            print(f"reader: {item}: {error}", file=sys.stderr)
            failed += 1
            continue
        created += saved.created
        verb = "saved" if saved.created else "already saved"
        print(f"{verb}: {saved.title} → {saved.path}", flush=True)
    if created:
        sync_default_library()
    return EXIT_SOME_FAILED if failed else EXIT_OK
