"""Command line and composition root: parse arguments, build services, run the app or a command."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from reader import __version__, config, paths
from reader.library import Library, UnknownArticle
from reader.models import ArticleMeta, Problem
from reader.sources import LoadError, is_supported

if TYPE_CHECKING:
    from rich.console import Console

EXIT_OK = 0
EXIT_USAGE = 2

COMMANDS = ("list", "show")
"""Words that name a command; any other first argument is a path to open."""


class UsageError(Exception):
    """A mistake on the command line; str() is the one line shown to the user."""


def build_parser() -> argparse.ArgumentParser:
    """The parser for every command; the app itself takes PATH arguments."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-l",
        "--library",
        action="append",
        type=Path,
        default=[],
        metavar="PATH",
        help="a folder or file to use as the library instead of the default (repeatable)",
    )
    parser = argparse.ArgumentParser(
        prog="reader",
        description="Read, search and annotate articles in the terminal.",
        epilog="Run `reader` alone to open the default library, or `reader FOLDER...`.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    listing = commands.add_parser("list", parents=[common], help="print the library")
    listing.add_argument("--json", action="store_true", help="print JSON Lines")
    show = commands.add_parser("show", parents=[common], help="print one article")
    show.add_argument("id", metavar="ID", help="an article id or an unambiguous id prefix")
    show.add_argument("--plain", action="store_true", help="plain text, no colour")
    return parser


def build_open_parser() -> argparse.ArgumentParser:
    """The parser for `reader [PATH...]`, which opens the app."""
    parser = argparse.ArgumentParser(prog="reader", add_help=False)
    parser.add_argument("-l", "--library", action="append", type=Path, default=[])
    parser.add_argument("paths", nargs="*", type=Path)
    return parser


def default_roots() -> list[Path]:
    """The user's library folder, or the bundled samples while it holds no article."""
    user_library = paths.user_library_dir()
    if any(is_supported(path) for path in user_library.rglob("*") if path.is_file()):
        return [user_library]
    return [paths.sample_data_dir()]


def resolve_roots(chosen: Sequence[Path]) -> list[Path]:
    """Check the paths a user named; an empty choice means the default library."""
    if not chosen:
        return default_roots()
    roots = []
    for path in chosen:
        path = path.expanduser()
        if not path.exists():
            raise UsageError(f"no such file or folder: {path}")
        if not (path.is_dir() or path.is_file()):
            raise UsageError(f"not a file or folder: {path}")
        roots.append(path.resolve())
    return roots


def open_library(chosen: Sequence[Path]) -> Library:
    """Build the library service for the chosen paths (or the default library)."""
    return Library(resolve_roots(chosen))


def report_problems(problems: Sequence[Problem]) -> None:
    """Tell the user, one line each on stderr, which files could not be read."""
    for problem in problems:
        print(f"reader: {problem.path}: {problem.reason}", file=sys.stderr)


def meta_record(meta: ArticleMeta) -> dict[str, object]:
    """The JSON form of an article's metadata, as `reader list --json` prints it."""
    return {
        "id": meta.id,
        "title": meta.title,
        "date": meta.date.isoformat() if meta.date else None,
        "place": meta.place,
        "source": meta.source,
        "author": meta.author,
        "url": meta.url,
        "path": meta.path,
        "words": meta.words,
        "minutes": meta.reading_minutes,
        "tags": list(meta.tags),
        "format": meta.format,
    }


def command_list(library: Library, as_json: bool) -> int:
    """Print every article, newest first."""
    result = library.scan()
    rows = library.rows(config.load().config.sort)
    out = sys.stdout
    for index in range(len(rows)):
        meta = rows[index]
        if as_json:
            out.write(json.dumps(meta_record(meta), ensure_ascii=False) + "\n")
        else:
            when = meta.date.isoformat() if meta.date else "----------"
            out.write(f"{meta.id[:8]}  {when}  {meta.title}  ({meta.origin or meta.format})\n")
    report_problems(result.problems)
    return EXIT_OK


def command_show(library: Library, article_id: str, plain: bool) -> int:
    """Print one article, styled for the terminal or as plain text."""
    library.scan()
    meta = library.resolve(article_id)
    article = library.load(meta.id)
    from reader.render import article_as_text, print_article

    if plain:
        sys.stdout.write(article_as_text(article))
    else:
        print_article(article, _console())
    return EXIT_OK


def _console() -> Console:
    from rich.console import Console

    return Console(highlight=False, emoji=False, markup=False)


def run_app(library: Library) -> int:
    """Open the TUI on a library."""
    from reader.ui.app import ReaderApp

    loaded = config.load()
    app = ReaderApp(library=library, config=loaded)
    app.run()
    return app.return_code or EXIT_OK


def _first_positional(argv: Sequence[str]) -> str | None:
    """The first argument that is neither an option nor an option's value."""
    skip_next = False
    for arg in argv:
        if skip_next:
            skip_next = False
        elif arg in ("-l", "--library"):
            skip_next = True
        elif arg == "--":
            return None
        elif not arg.startswith("-"):
            return arg
    return None


def dispatch(argv: Sequence[str]) -> int:
    """Run the command the arguments name, or open the app."""
    first = _first_positional(argv)
    wants_help = any(arg in ("-h", "--help", "--version") for arg in argv)
    if first in COMMANDS or wants_help:
        args = build_parser().parse_args(argv)
        library = open_library(args.library)
        try:
            if args.command == "list":
                return command_list(library, args.json)
            return command_show(library, args.id, args.plain)
        finally:
            library.close()
    args = build_open_parser().parse_args(argv)
    library = open_library([*args.library, *args.paths])
    try:
        return run_app(library)
    finally:
        library.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `reader` command: one clear line and exit code 2 on user errors."""
    try:
        return dispatch(sys.argv[1:] if argv is None else argv)
    except (UsageError, UnknownArticle, LoadError) as error:
        print(f"reader: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into `head` and closed early: nothing to report.
        sys.stderr.close()
        return EXIT_OK
