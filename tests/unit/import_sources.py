"""Import sources for tests: a fixture file (or zip) as `reader import` hands it to a format."""

from __future__ import annotations

import zipfile
from pathlib import Path

from reader.imports.items import ImportedItem, ImportSource, Parsed, SkippedItem

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"


def source_of(path: Path) -> ImportSource:
    """The file's bytes, or for a zip its member names and a reader of them."""
    if zipfile.is_zipfile(path):
        archive = zipfile.ZipFile(path)
        names = tuple(name for name in archive.namelist() if not name.startswith("__MACOSX/"))
        return ImportSource(path.name, members=names, read_member=archive.read)
    return ImportSource(path.name, path.read_bytes())


def fixture(name: str) -> ImportSource:
    """A fixture of tests/fixtures/imports by file name."""
    return source_of(FIXTURES / name)


def every_fixture() -> list[Path]:
    """Every file in tests/fixtures/imports, whichever format it holds."""
    return sorted(path for path in FIXTURES.iterdir() if path.is_file())


def split(parsed: list[Parsed]) -> tuple[list[ImportedItem], list[SkippedItem]]:
    """The items and the skipped entries of a parse, each in order."""
    items = [one for one in parsed if isinstance(one, ImportedItem)]
    skipped = [one for one in parsed if isinstance(one, SkippedItem)]
    assert len(items) + len(skipped) == len(parsed)
    return items, skipped
