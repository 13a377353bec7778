"""The `list` and `show` commands: print the library and single articles."""

from __future__ import annotations

import argparse
import json
import os
import sys

from reader import config, paths
from reader.cli.common import EXIT_OK, meta_record, open_library, report_problems
from reader.models import ArticleMeta
from reader.render import article_as_text, print_article
from reader.sanitize import safe_json, safe_line, safe_text
from reader.store import Highlight, Note, StoreError


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """Add `list` and `show` to the command parser."""
    listing = commands.add_parser("list", parents=[common], help="print the library")
    listing.add_argument("--json", action="store_true", help="print JSON Lines")
    listing.set_defaults(handler=command_list)
    show = commands.add_parser("show", parents=[common], help="print one article")
    show.add_argument("id", metavar="ID", help="an article id or an unambiguous id prefix")
    show.add_argument("--plain", action="store_true", help="plain text, no colour")
    show.set_defaults(handler=command_show)


def command_list(args: argparse.Namespace) -> int:
    """Print every article in the configured order (newest first by default)."""
    with open_library(args.library) as library:
        result = library.scan()
        rows = library.rows(config.load().config.sort)
        out = sys.stdout
        for index in range(len(rows)):
            meta = rows[index]
            if args.json:
                out.write(safe_json(json.dumps(meta_record(meta), ensure_ascii=False)) + "\n")
            else:
                when = _listed_date(meta)
                title, origin = safe_line(meta.title), safe_line(meta.origin or meta.format)
                out.write(f"{meta.id[:8]}  {when}  {title}  ({origin})\n")
    report_problems(result.problems)
    return EXIT_OK


def _listed_date(meta: ArticleMeta) -> str:
    """The list's date column; a date that is only the day the page was saved says so."""
    if meta.date is None:
        return "----------"
    return f"saved {meta.date.isoformat()}" if meta.date_saved else meta.date.isoformat()


def command_show(args: argparse.Namespace) -> int:
    """Print one article with the reader's note and highlights, styled or as plain text."""
    with open_library(args.library) as library:
        library.scan()
        article = library.load(library.resolve(args.id).id)
    note, highlights = _annotations(article.id)
    if args.plain:
        sys.stdout.write(safe_text(article_as_text(article, note, highlights)))
    else:
        from rich.console import Console

        console = Console(highlight=False, emoji=False, markup=False)
        print_article(article, console, note=note, highlights=highlights)
    return EXIT_OK


def _annotations(article_id: str) -> tuple[Note | None, list[Highlight]]:
    """The article's note and highlights; none, said in one line, when the store is busy."""
    from reader.cli.userdata import open_store

    if not os.path.lexists(paths.data_dir() / "store.json"):
        return None, []  # nothing written yet: showing an article creates no store
    try:
        with open_store() as store:
            return store.note_for(article_id), store.highlights_for(article_id)
    except StoreError as error:
        print(f"reader: showing the article without your notes: {error}", file=sys.stderr)
        return None, []
