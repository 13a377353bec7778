"""The `bookmark`, `bookmarks`, `note`, `notes` and `export` commands (`import`: cli/imports)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from reader.annotations import Annotated, annotated_articles, locate_highlights
from reader.cli.common import EXIT_NO_RESULTS, EXIT_OK, UsageError
from reader.cli.userdata import read_stdin_text, resolve, session, text_arg
from reader.library import Library
from reader.sanitize import safe_json, safe_line
from reader.store import Bookmark


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """Add the annotation commands to the command parser."""
    mark = commands.add_parser("bookmark", parents=[common], help="bookmark an article")
    mark.add_argument("id", metavar="ID", help="an article id or an unambiguous id prefix")
    mark.add_argument(
        "--tag", action="append", default=[], metavar="T", help="a tag to add (repeatable)"
    )
    mark.add_argument(
        "--untag", action="append", default=[], metavar="T", help="a tag to remove (repeatable)"
    )
    mark.add_argument(
        "--remove",
        action="store_true",
        help="remove the bookmark (with --tag: remove only those tags)",
    )
    mark.set_defaults(handler=command_bookmark)
    marks = commands.add_parser("bookmarks", parents=[common], help="print the bookmarks")
    marks.add_argument("--json", action="store_true", help="print JSON Lines")
    marks.set_defaults(handler=command_bookmarks)
    note = commands.add_parser("note", parents=[common], help="add text to an article's note")
    note.add_argument("id", metavar="ID", help="an article id or an unambiguous id prefix")
    note.add_argument(
        "text", metavar="TEXT", nargs="*", help="the text to append (- reads it from stdin)"
    )
    note.add_argument("--delete", action="store_true", help="delete the article's note")
    note.set_defaults(handler=command_note)
    notes = commands.add_parser("notes", parents=[common], help="print notes and highlights")
    notes.add_argument("--json", action="store_true", help="print JSON Lines")
    notes.set_defaults(handler=command_notes)
    export = commands.add_parser("export", parents=[common], help="export your annotations")
    export.add_argument("--format", required=True, choices=("markdown", "json"))
    export.add_argument(
        "--out", required=True, metavar="PATH", help="a folder (markdown), a file or - (json)"
    )
    export.set_defaults(handler=command_export)


# Bookmarks -----------------------------------------------------------------------------


def command_bookmark(args: argparse.Namespace) -> int:
    """Bookmark an article (adding tags), or remove its bookmark or some of its tags."""
    adding, dropping = _clean_args(args.tag), _clean_args(args.untag)
    if args.remove and args.tag:
        adding, dropping = [], [*dropping, *adding]
    with session(args.library) as (library, store):
        target = resolve(library, store, args.id)
        label = f"{target.id[:8]}  {safe_line(target.title)}"
        if args.remove and not dropping:
            if not store.remove_bookmark(target.id):
                print(f"Not bookmarked: {label}", file=sys.stderr)
                return EXIT_NO_RESULTS
            print(f"Removed the bookmark on {label}")
            return EXIT_OK
        if dropping and not adding:
            # Removing tags never bookmarks an article that was not bookmarked.
            updated = store.remove_bookmark_tags(target.id, dropping)
            if updated is None:
                print(f"Not bookmarked: {label}", file=sys.stderr)
                return EXIT_NO_RESULTS
            print(f"Updated {label}{_tag_text(updated.tags)}")
            return EXIT_OK
        mark = store.add_bookmark_tags(target.id, target.path, target.title, adding)
        if dropping:
            mark = store.remove_bookmark_tags(target.id, dropping) or mark
        print(f"Bookmarked {label}{_tag_text(mark.tags)}")
    return EXIT_OK


def _clean_args(values: Iterable[str]) -> list[str]:
    """Command-line text with undecodable bytes shown as U+FFFD, so it can be stored."""
    return [text_arg(value) for value in values]


def command_bookmarks(args: argparse.Namespace) -> int:
    """Print every bookmark, newest first."""
    with session(args.library) as (library, store):
        for mark in store.bookmarks():
            meta = library.get(mark.article_id)
            title = meta.title if meta else mark.title
            path = meta.path if meta else mark.path
            if args.json:
                _json_line(_bookmark_record(mark, title, path, meta is not None))
            else:
                gone = "" if meta else "  (not in the library)"
                print(f"{mark.article_id[:8]}  {safe_line(title)}{_tag_text(mark.tags)}{gone}")
    return EXIT_OK


def _bookmark_record(mark: Bookmark, title: str, path: str, present: bool) -> dict[str, Any]:
    return {
        "type": "bookmark",
        "id": mark.article_id,
        "title": title,
        "path": path,
        "tags": list(mark.tags),
        "created": mark.created.isoformat(),
        "uuid": mark.uuid,
        "in_library": present,
    }


def _tag_text(tags: Iterable[str]) -> str:
    listed = safe_line(", ".join(tags))
    return f"  [{listed}]" if listed else ""


# Notes and highlights ------------------------------------------------------------------


def command_note(args: argparse.Namespace) -> int:
    """Append text to an article's note (creating the note), or delete the note."""
    if args.delete:
        if args.text:
            raise UsageError("--delete takes no note text")
        return _delete_note(args)
    if not args.text:
        raise UsageError("give the note text, or - to read it from stdin")
    text = read_stdin_text() if args.text == ["-"] else " ".join(_clean_args(args.text))
    if not text.strip():
        raise UsageError("the note text is empty")
    with session(args.library) as (library, store):
        target = resolve(library, store, args.id)
        # One transaction: another `reader note` running now cannot lose this append.
        store.append_note(target.id, target.path, target.title, text.strip("\n"))
    print(f"Noted {target.id[:8]}  {safe_line(target.title)}")
    return EXIT_OK


def _delete_note(args: argparse.Namespace) -> int:
    with session(args.library) as (library, store):
        target = resolve(library, store, args.id)
        if not store.delete_note(target.id):
            print(f"No note on {target.id[:8]}  {safe_line(target.title)}", file=sys.stderr)
            return EXIT_NO_RESULTS
    print(f"Deleted the note on {target.id[:8]}  {safe_line(target.title)}")
    return EXIT_OK


def command_notes(args: argparse.Namespace) -> int:
    """Print every note and highlight, article by article."""
    with session(args.library) as (library, store):
        for item in annotated_articles(library, store):
            if item.note is None and not item.highlights:
                continue
            if args.json:
                for record in _note_records(library, item):
                    _json_line(record)
            else:
                _print_notes(library, item)
    return EXIT_OK


def _note_records(library: Library, item: Annotated) -> list[dict[str, Any]]:
    base = {"id": item.article_id, "title": item.title, "path": item.path}
    present = not item.orphaned
    out: list[dict[str, Any]] = []
    if item.note is not None:
        note = item.note
        out.append(
            {
                "type": "note",
                **base,
                "text": note.text,
                "created": note.created.isoformat(),
                "updated": note.updated.isoformat(),
                "uuid": note.uuid,
                "in_library": present,
            }
        )
    places = locate_highlights(library, item)
    for mark in item.highlights:
        out.append(
            {
                "type": "highlight",
                **base,
                "quote": mark.quote,
                "note": mark.note,
                "block": mark.block,
                "created": mark.created.isoformat(),
                "uuid": mark.uuid,
                "in_library": present,
                "orphaned": places.get(mark.uuid) is None,
            }
        )
    return out


def _print_notes(library: Library, item: Annotated) -> None:
    gone = "  (not in the library)" if item.orphaned else ""
    print(f"{item.article_id[:8]}  {safe_line(item.title)}{gone}")
    if item.note is not None:
        for line in item.note.text.strip().splitlines():
            print(f"    {safe_line(line)}".rstrip())
    places = locate_highlights(library, item)
    for mark in item.highlights:
        orphan = "  (orphaned)" if places.get(mark.uuid) is None else ""
        print(f"  > {safe_line(' '.join(mark.quote.split()))}{orphan}")
        if mark.note:
            print(f"    {safe_line(' '.join(mark.note.split()))}")
    print()


def _json_line(record: dict[str, Any]) -> None:
    sys.stdout.write(safe_json(json.dumps(record, ensure_ascii=False)) + "\n")


# Export ---------------------------------------------------------------------


def command_export(args: argparse.Namespace) -> int:
    """Write the annotations as Markdown files in a folder, or as one JSON document."""
    # Imported here: its YAML writer is not needed to start the app or run other commands.
    from reader.export import export_json, export_markdown

    out = Path(args.out).expanduser() if args.out != "-" else None
    if args.format == "markdown":
        if out is None:
            raise UsageError("--format markdown needs a folder for --out")
        if out.exists() and not out.is_dir():
            raise UsageError(f"not a folder: {out}")
    elif out is not None and out.is_dir():
        raise UsageError(f"--format json needs a file for --out, and {out} is a folder")
    with session(args.library) as (library, store):
        if out is not None and args.format == "markdown":
            written = export_markdown(library, store, out)
            print(f"Wrote {len(written)} Markdown files to {safe_line(out)}", file=sys.stderr)
            return EXIT_OK
        text = json.dumps(export_json(store, library), ensure_ascii=False, indent=1) + "\n"
    if out is None:
        sys.stdout.write(safe_json(text))
    else:
        _write_atomically(out, text)
        print(f"Wrote {safe_line(out)}", file=sys.stderr)
    return EXIT_OK


def _write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` through a temp file, so a failed write leaves the old file."""
    from reader.files import DOCUMENT, atomic_write

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, text.encode("utf-8"), mode=DOCUMENT)
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from error
