"""The `related` command: the articles most like one, from the search index."""

from __future__ import annotations

import argparse
import json
import sys

from reader.cli.common import (
    EXIT_NO_RESULTS,
    EXIT_OK,
    meta_record,
    open_library,
)
from reader.cli.progress import Notices
from reader.cli.progress import progress_bar as _progress_bar
from reader.cli.search import _limit, _open_store
from reader.refresh import refresh
from reader.sanitize import safe_json, safe_line
from reader.search.sync import open_index

RELATED_LIMIT = 10
"""Related articles printed unless --limit says otherwise."""


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """Add `related` to the command parser."""
    related = commands.add_parser(
        "related", parents=[common], help="print the articles most like one article"
    )
    related.add_argument("id", metavar="ID", help="an article id or an unambiguous id prefix")
    related.add_argument("--json", action="store_true", help="print JSON Lines")
    related.add_argument("--limit", type=_limit, metavar="N", help="print at most N articles")
    related.set_defaults(handler=command_related)


def command_related(args: argparse.Namespace) -> int:
    """Print the articles most like one, best first (never the article itself)."""
    notices = Notices()
    with open_library(args.library) as library, _progress_bar(sys.stderr) as bar:
        refreshed = refresh(
            library,
            store=_open_store,
            index=lambda: open_index(library),
            progress=bar("scanning") if bar else None,
            index_progress=bar("indexing") if bar else None,
        )
        assert refreshed.index is not None
        with refreshed.index as index:
            meta = library.resolve(args.id)
            notices.add(index.notice)
            hits = index.related(meta.id, args.limit or RELATED_LIMIT)
        records = [(hit, library.get(hit.id)) for hit in hits]
    notices.say()
    printed = 0
    for hit, found in records:
        if found is None:  # removed since the index was read
            continue
        if args.json:
            extra = {"score": round(hit.score, 4)}
            record = json.dumps({**meta_record(found), **extra}, ensure_ascii=False)
            sys.stdout.write(safe_json(record) + "\n")
        else:
            when = found.date.isoformat() if found.date else "----------"
            title, origin = safe_line(found.title), safe_line(found.origin or found.format)
            sys.stdout.write(f"{found.id[:8]}  {when}  {title}  ({origin})\n")
        printed += 1
    if not printed:
        print(f"reader: no article is like {safe_line(meta.title)} yet", file=sys.stderr)
    return EXIT_OK if printed else EXIT_NO_RESULTS
