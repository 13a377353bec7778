"""One file through an import: read it, recognise its format, apply its items."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reader.imports import formats
from reader.imports.apply import Importer, Report
from reader.imports.formats.common import json_start
from reader.imports.items import ImportFormat, ImportSource
from reader.imports.source import SourceError
from reader.library import Library
from reader.store import Store


def choose_format(source: ImportSource, name: str | None) -> ImportFormat:
    """The format named (`--format`), else the one the content shows; SourceError if none."""
    if name:
        form = formats.by_name(name)
        if form is None:
            known = ", ".join(formats.names())
            raise SourceError(f"no import format called {name!r} (known: {known})")
        return form
    form = formats.detect(source)
    if form is not None:
        return form
    raise SourceError(_unknown(source))


def _unknown(source: ImportSource) -> str:
    """Why a file is not recognised, in one line."""
    if source.members:
        return "a zip file that holds no export reader knows"
    start = json_start(source)
    if start:
        from reader.imports.formats.common import load_json

        if load_json(source.data) is None:
            return "not JSON that can be read (and not a known export)"
        return "not a reader export, nor another export reader knows"
    known = ", ".join(formats.names())
    return f"not an export reader knows (formats: {known}; --format names one)"


def import_source(
    source: ImportSource,
    form: ImportFormat,
    *,
    library: Library,
    store: Store,
    folder: Path,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Every item of the file into the library folder and the store (nothing, for a dry run)."""
    report = Report(file=source.name, format=form.name)
    importer = Importer(library, store, folder, form.name, dry_run=dry_run)
    return importer.run(form.parse(source), report, progress)
