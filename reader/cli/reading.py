"""The `review` and `stats` commands: the daily highlights review, and a picture of the
reader's reading."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from reader import config
from reader.cli.common import EXIT_OK, UsageError, open_library
from reader.review import GRADES, todays
from reader.sanitize import safe_json, safe_line
from reader.store import Highlight, Store

MIN_ID = 4
"""The shortest highlight id prefix `reader review GRADE ID` takes."""


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """Add `review` and `stats` to the command parser."""
    review = commands.add_parser(
        "review",
        parents=[common],
        help="today's highlights to review; `review again|keep|done ID` grades one",
    )
    review.add_argument("grade", nargs="?", choices=GRADES, help="grade a highlight")
    review.add_argument("id", nargs="?", metavar="ID", help="the highlight's id (or a prefix)")
    review.add_argument("--json", action="store_true", help="print JSON Lines")
    review.set_defaults(handler=command_review)
    stats = commands.add_parser("stats", parents=[common], help="print your reading stats")
    stats.add_argument("--json", action="store_true", help="print one JSON object")
    stats.set_defaults(handler=command_stats)


def _store() -> Store:
    from reader.cli.userdata import open_store

    return open_store()


def command_review(args: argparse.Namespace) -> int:
    """List today's highlights to review, or grade one of them."""
    from reader.store.review import grade_highlight, review_states

    if args.grade and not args.id:
        raise UsageError(f"which highlight? `reader review {args.grade} ID`")
    today = date.today()
    # The library gives the highlights' articles their current titles, as the app shows them.
    with open_library(args.library) as library, _store() as store:
        if args.grade:
            highlight = _find(store.highlights(), args.id)
            state = grade_highlight(store, highlight.uuid, args.grade, today)
            when = "retired" if state.retired else f"next on {state.due.isoformat()}"
            print(f"{args.grade}: {safe_line(highlight.quote[:60])} ({when})")
            return EXIT_OK
        per_day = config.load().config.review_per_day
        chosen = todays(store.highlights(), review_states(store), today, per_day)
        titles = {h.uuid: meta.title for h in chosen if (meta := library.get(h.article_id))}
    for number, highlight in enumerate(chosen, 1):
        title = titles.get(highlight.uuid, highlight.title)
        if args.json:
            record = json.dumps({**_record(highlight), "title": title}, ensure_ascii=False)
            sys.stdout.write(safe_json(record) + "\n")
        else:
            _print(number, highlight, title)
    if not chosen and not args.json:
        print("reader: nothing to review today", file=sys.stderr)
    return EXIT_OK


def _find(highlights: list[Highlight], wanted: str) -> Highlight:
    """The highlight with this id or unambiguous prefix; UsageError otherwise."""
    key = wanted.strip().lower()
    if len(key) < MIN_ID:
        raise UsageError(f"highlight id {wanted!r} is too short (use at least {MIN_ID} characters)")
    found = [h for h in highlights if h.uuid.lower().startswith(key)]
    if len(found) != 1:
        reason = "no highlight" if not found else "more than one highlight"
        raise UsageError(f"{reason} with id {wanted!r}")
    return found[0]


def _record(highlight: Highlight) -> dict[str, object]:
    return {
        "id": highlight.uuid,
        "article_id": highlight.article_id,
        "title": highlight.title,
        "quote": highlight.quote,
        "note": highlight.note,
        "path": highlight.path,
    }


def _print(number: int, highlight: Highlight, title: str) -> None:
    out = sys.stdout
    out.write(f"{number}. {safe_line(title)}  [{highlight.uuid[:8]}]\n")
    out.write(f"   “{safe_line(' '.join(highlight.quote.split()))}”\n")
    for line in (highlight.note or "").strip().splitlines():
        out.write(f"   — {safe_line(line)}\n")
    out.write("\n")


def command_stats(args: argparse.Namespace) -> int:
    """Print words read a day, the streak, finished articles, top sources and tags."""
    from reader.stats import compute

    with open_library(args.library) as library, _store() as store:
        library.scan()
        stats = compute(store, library.get, date.today())
    if args.json:
        print(safe_json(json.dumps(stats.as_json(), ensure_ascii=False)))
        return EXIT_OK
    from reader.stats import headline, sparkline, summary_lines

    for line in (headline(stats), sparkline(words for _, words in stats.days)):
        print(line)
    for line in summary_lines(stats):
        print(safe_line(line))
    return EXIT_OK
