"""The import formats, in the order they are tried on a file's content.

A format is a module (or object) with `name`, `detect(source)` and `parse(source)` (see
`reader.imports.items.ImportFormat`). To add one, import it below and list it in FORMATS:
more specific formats (a zip's member names, a CSV's exact header) before looser ones
(an HTML page of links).
"""

from __future__ import annotations

from reader.imports.formats import (
    bookmarks,
    hypothesis,
    instapaper,
    kindle,
    matter,
    newsboat,
    omnivore,
    pocket_csv,
    pocket_html,
    reader_json,
    readwise,
    wallabag,
)
from reader.imports.items import ImportFormat, ImportSource

FORMATS: tuple[ImportFormat, ...] = (
    reader_json,
    newsboat.NEWSBOAT,
    omnivore,
    matter.MATTER,
    pocket_csv,
    instapaper,
    readwise.READWISE,
    readwise.READWISE_READER,
    kindle.FORMAT,
    hypothesis.HYPOTHESIS,
    wallabag,
    pocket_html,
    bookmarks,
)
"""Every format, in detection order."""


def names() -> list[str]:
    """The `--format` names."""
    return [form.name for form in FORMATS]


def by_name(name: str) -> ImportFormat | None:
    """The format called `name` (case ignored), if any."""
    wanted = name.strip().lower()
    return next((form for form in FORMATS if form.name == wanted), None)


def detect(source: ImportSource) -> ImportFormat | None:
    """The first format that recognises the file's content, if any."""
    for form in FORMATS:
        try:
            if form.detect(source):
                return form
        except Exception:
            continue
    return None
