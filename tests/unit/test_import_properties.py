"""Properties of an import whatever the file holds: every item is counted once, and a
second import of the same file brings nothing new."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.imports import formats
from reader.imports.pipeline import import_source
from reader.imports.source import source_from_bytes
from reader.library import Library
from reader.store import Store
from reader.web.urls import normal_url

ADDRESSES = st.sampled_from(
    [
        "https://example.com/a",
        "http://EXAMPLE.com/a#frag",
        "https://example.com/a?utm_source=x",
        "https://example.com/b",
        "https://example.com/c?q=1,2",
        "place:sort=8",
        "",
        "not an address",
    ]
)
ROWS = st.lists(
    st.tuples(
        st.text(max_size=30),
        ADDRESSES,
        st.sampled_from(["unread", "archive", ""]),
        st.lists(st.text(max_size=8), max_size=3),
    ),
    max_size=12,
)


def pocket_csv(rows: list[tuple[str, str, str, list[str]]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["title", "url", "time_added", "tags", "status"])
    for title, url, status, tags in rows:
        writer.writerow([title, url, "1700000000", "|".join(tags), status])
    return out.getvalue().encode("utf-8", "surrogatepass")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ROWS)
def test_items_are_imported_duplicates_or_skipped_and_twice_is_nothing(rows) -> None:
    source = source_from_bytes("part.csv", pocket_csv(rows))
    form = formats.by_name("pocket-csv")
    assert form is not None
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "library"
        folder.mkdir()
        with Library([folder]) as library, Store.open(Path(scratch) / "store.json") as store:
            first = import_source(source, form, library=library, store=store, folder=folder)
            again = import_source(source, form, library=library, store=store, folder=folder)
    for report in (first, again):
        assert report.items == report.imported + report.duplicates + len(report.skipped)
        assert report.items == len(rows)
    assert again.imported == 0 and again.links == 0
    pages = {normal_url(url) for _, url, _, _ in rows if url.startswith("http")}
    assert first.links == len(pages)


TEXTS = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.lists(
        st.sampled_from(
            [
                "title,url,time_added,tags,status\n",
                "URL,Title,Selection,Folder\n",
                '"a\nb",https://x.org/,1,t|u,archive\r\n',
                "<DT><A HREF='https://x.org' ADD_DATE='99999999999999999999'>x</A>",
                "<h1>Read Archive</h1><ul><li><a href='https://x.org' time_added='-1'>",
                '[{"url": "https://x.org", "is_archived": "maybe", "annotations": [{}]}]',
                '[{"slug": 1, "savedAt": [], "url": "https://x.org", "labels": {}}]',
                "\ufeff",
                "\x00",
                "<DL><p><DD>",
            ]
        ),
        max_size=6,
    ).map(lambda parts: "".join(parts).encode("utf-8", "surrogatepass")),
)


@settings(max_examples=60, deadline=None)
@given(TEXTS)
def test_every_format_reads_any_bytes_without_raising(data: bytes) -> None:
    from reader.imports.items import ImportedItem, SkippedItem

    source = source_from_bytes("any", data) if not data.startswith(b"PK") else None
    if source is None:
        return
    for form in formats.FORMATS:
        form.detect(source)
        for entry in form.parse(source):
            assert isinstance(entry, ImportedItem | SkippedItem)
