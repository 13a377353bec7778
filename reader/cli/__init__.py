"""Command line and composition root: parse arguments, build services, run the app or a command.

Each command group lives in its own module with a `register(commands, common)` function that
adds its subparsers and sets `handler` on them.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from reader import __version__
from reader.cli.common import EXIT_OK, EXIT_USAGE, UsageError, open_library, resolve_roots
from reader.library import UnknownArticle
from reader.sanitize import safe_line
from reader.sources import LoadError

COMMAND_GROUPS: dict[str, tuple[str, ...]] = {
    "reader.cli.articles": ("list", "show"),
    "reader.cli.annotations": ("bookmark", "bookmarks", "note", "notes", "export"),
    "reader.cli.imports": ("import", "fetch"),
    "reader.cli.doctor": ("doctor",),
    "reader.cli.feeds": ("feeds",),
    "reader.cli.insights": ("related",),
    "reader.cli.reading": ("review", "stats"),
    "reader.cli.search": ("search", "index"),
    "reader.cli.serve": ("serve",),
    "reader.cli.sync": ("sync",),
    "reader.cli.web": ("add",),
}
"""Command modules and the commands each registers. They are imported only to run a command,
so opening the app does not pay for them; a test checks the names match the parsers."""


NO_LIBRARY = frozenset({"add", "feeds", "fetch", "sync"})
"""Commands that always work on the user's own library folder, so -l has no meaning there."""

AFTER = "library_after"
"""Where -l given after the command word is kept, so it adds to -l given before it.

A subcommand parser writes its defaults over the main parser's values: with one shared name,
`reader -l DIR list` would list the default library."""


def _columns() -> int:
    """The terminal's width as `shutil.get_terminal_size` tells it: $COLUMNS when it is a
    positive number, else the terminal on standard output, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    stdout = sys.__stdout__
    try:
        return (os.get_terminal_size(stdout.fileno()).columns if stdout else 0) or 80
    except (ValueError, OSError):  # closed, detached or not a terminal
        return 80


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's help layout, given the width argparse would choose itself.

    argparse makes a formatter for every option added, and its own asks `shutil` for the
    width: importing shutil (with bz2, lzma and fnmatch) cost each command ~3 ms.
    """

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        width = _columns() - 2 if width is None else width  # argparse keeps 2 columns spare
        super().__init__(prog, indent_increment, max_help_position, width)


class _Parser(argparse.ArgumentParser):
    """An argument parser using `_HelpFormatter`; subcommand parsers are of its class too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)


def _library_option(dest: str = "library") -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument(
        "-l",
        "--library",
        action="append",
        type=Path,
        default=[],
        dest=dest,
        metavar="PATH",
        help="a folder or file to use as the library instead of the default (repeatable)",
    )
    return common


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser for every command (or for `command` alone); the app takes PATH arguments.

    Given the command word, only its module is imported: `reader search` does not pay for
    the modules of `show` or `add` (rich, the web fetcher), about a third of its start-up.
    """
    common = _library_option(AFTER)
    parser = _Parser(
        prog="reader",
        description="Read, search and annotate articles in the terminal.",
        epilog="Run `reader` alone to open the default library, or `reader FOLDER...`.",
        parents=[_library_option()],
    )
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module, names in COMMAND_GROUPS.items():
        if command is None or command in names:
            importlib.import_module(module).register(commands, common)
    return parser


def command_names() -> set[str]:
    """Every command word, so that other first arguments are taken as paths to open."""
    return {name for names in COMMAND_GROUPS.values() for name in names}


def parse_command(argv: Sequence[str]) -> argparse.Namespace:
    """The parsed command line, with -l given before and after the command word together."""
    word = _first_positional(argv)
    # Help asked before the command word lists every command; otherwise one module will do.
    only = word if word in command_names() and not _help_before(argv, word) else None
    args = build_parser(only).parse_args(argv)
    args.library = [*args.library, *getattr(args, AFTER, [])]
    if args.library and args.command in NO_LIBRARY:
        raise UsageError(
            f"-l/--library does not apply to `{args.command}`: it uses your library folder"
        )
    return args


def _help_before(argv: Sequence[str], word: str) -> bool:
    """Whether -h, --help or --version comes before the command word."""
    for arg in argv:
        if arg == word:
            return False
        if arg in ("-h", "--help", "--version"):
            return True
    return False


def run_app(chosen: Sequence[Path]) -> int:
    """Open the TUI on a library; refused, in one line, without a terminal to run it in."""
    resolve_roots(chosen)  # a bad path is the first thing to hear about
    # `reader serve` runs the app with its screen and keys on pipes, spoken by textual-serve.
    served = os.environ.get("READER_SERVED") == "1"
    if not served and not (_is_terminal(sys.stdin) and _is_terminal(sys.stdout)):
        raise UsageError(
            "the app needs a terminal for its input and output: run it in one, or use a "
            "command such as `reader list` (see `reader --help`)"
        )
    from reader import config
    from reader.cli.services import feeds_opener, index_opener
    from reader.cli.userdata import open_store
    from reader.ui.app import ReaderApp

    with open_library(chosen, quiet=True) as library, open_store() as store:
        index, feeds = index_opener(library), feeds_opener()
        try:
            app = ReaderApp(
                library=library, config=config.load(), store=store, index=index, feeds=feeds
            )
            app.run()
            failed = app.sync_keeper.at_quit()  # every write of the app is done by now
            if failed:
                print(f"reader: sync: {failed}", file=sys.stderr)
        finally:
            index.close()
            feeds.close()
    return app.return_code or EXIT_OK


def _is_terminal(stream: object) -> bool:
    """Whether a standard stream is a terminal (False when it is closed or missing)."""
    try:
        return bool(stream is not None and stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):
        return False


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


def dispatch(argv: Sequence[str], parsed: Callable[[], object] | None = None) -> int:
    """Run the command the arguments name, or open the app; `parsed` is called once the
    arguments are parsed (and the command's module imported), before the command runs."""
    wants_help = any(arg in ("-h", "--help", "--version") for arg in argv)
    if wants_help or _first_positional(argv) in command_names():
        args = parse_command(argv)
        if parsed is not None:
            parsed()
        if args.command is None:
            return run_app(args.library)
        handler: Callable[[argparse.Namespace], int] = args.handler
        return handler(args)
    opener = _Parser(prog="reader", parents=[_library_option()])
    opener.add_argument("paths", nargs="*", type=Path)
    args = opener.parse_args(argv)
    if parsed is not None:
        parsed()
    return run_app([*args.library, *args.paths])


def _from_store(error: Exception) -> bool:
    """Whether this is the store's error, said in one line like a usage mistake.

    Looked up rather than imported: a command that never opens the store (a search with
    nothing new to index) does not load it, and then cannot have raised its error.
    """
    errors = sys.modules.get("reader.store.errors")
    return errors is not None and isinstance(error, errors.StoreError)


def main(argv: Sequence[str] | None = None, parsed: Callable[[], object] | None = None) -> int:
    """Run reader's command line: one clear line and exit code 2 on user errors.

    `parsed` is called once the arguments are parsed (see `dispatch`)."""
    for stream in (sys.stdout, sys.stderr):
        # A file name that is not UTF-8 is shown escaped (\udcff), never a crash.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    try:
        return dispatch(sys.argv[1:] if argv is None else argv, parsed)
    except (UsageError, UnknownArticle, LoadError) as error:
        print(f"reader: {safe_line(error)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into `head` and closed early: nothing left to report.
        sys.stderr.close()
        return EXIT_OK
    except Exception as error:
        if not _from_store(error):
            raise
        print(f"reader: {safe_line(error)}", file=sys.stderr)
        return EXIT_USAGE
