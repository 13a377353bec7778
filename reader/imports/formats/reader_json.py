"""The app's own JSON export (`reader export --format json`), restored by the store's import."""

from __future__ import annotations

from collections.abc import Iterator

from reader.imports.formats.common import json_start, load_json
from reader.imports.items import ImportSource, Parsed

name = "reader"

FORMAT_MARK = b'"reader-store"'


def detect(source: ImportSource) -> bool:
    """A JSON object whose `format` is `reader-store`."""
    if json_start(source) != "{" or FORMAT_MARK not in source.data:
        return False
    data = load_json(source.data)
    return isinstance(data, dict) and data.get("format") == "reader-store"


def parse(source: ImportSource) -> Iterator[Parsed]:
    """Nothing item by item: the export is merged into the store as a whole (see the CLI)."""
    return iter(())
