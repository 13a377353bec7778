"""Hypothes.is JSON: pages with quote selectors, notes, tags, page notes and replies."""

from __future__ import annotations

from datetime import UTC, datetime

from reader.imports.formats.hypothesis import HYPOTHESIS
from reader.imports.items import ImportedHighlight, ImportedItem, ImportSource, SkippedItem
from tests.unit.import_sources import fixture, split

WHEN = datetime(2021, 3, 4, 5, 6, 7, 123456, tzinfo=UTC)


def test_annotations_group_by_page_with_selectors_notes_and_replies() -> None:
    items, skipped = split(list(HYPOTHESIS.parse(fixture("hypothesis_annotations.json"))))

    assert items[0] == ImportedItem(
        "annotation 1",
        url="https://example.com/essay",
        title="An Essay",
        tags=("pagenote",),
        saved=WHEN,
        note="A page note with no quote",
        highlights=(
            ImportedHighlight(
                "the exact words",
                note="My note on it\n\nReply from bob: I agree!",
                created=WHEN,
                prefix="before ",
                suffix=" after",
                tags=("ideas", "to read"),
            ),
            ImportedHighlight("a plain highlight\nover two lines", created=WHEN),
        ),
        extra={"format": "hypothesis"},
    )
    pdf, untitled = items[1], items[2]
    assert (pdf.url, pdf.title, pdf.extra["uri"]) == ("", "paper.pdf", "urn:x-pdf:0123456789abcdef")
    assert (untitled.title, untitled.highlights[0].created, untitled.saved) == ("", None, None)
    assert len(items) == 3
    assert [(one.source, one.reason) for one in skipped] == [
        ("annotation 7", "an annotation on https://example.org/empty with no quote and no text"),
        ("annotation 8", "an annotation with no page (uri)"),
        ("annotation 9", "not an annotation object"),
        ("annotation 5", "a reply to an annotation that is not in this file"),
    ]


def test_the_api_search_answer_is_read_too() -> None:
    (item,) = list(HYPOTHESIS.parse(fixture("hypothesis_api.json")))
    assert isinstance(item, ImportedItem)
    assert item.url == "https://blog.example.net/post?id=3&x=y"
    assert [(h.quote, h.note) for h in item.highlights] == [
        ("API form quote", ""),
        ("Another quote", "second"),
    ]


def test_a_single_object_and_broken_json() -> None:
    one = b'{"uri": "https://x.example/", "text": "hi", "target": [{"source": "x"}]}'
    (item,) = list(HYPOTHESIS.parse(ImportSource("a.json", one)))
    assert isinstance(item, ImportedItem) and item.note == "hi"
    assert list(HYPOTHESIS.parse(ImportSource("a.json", b"[{"))) == [
        SkippedItem("a.json", "not valid JSON")
    ]
    deep = b"[" * 100_000 + b"]" * 100_000
    assert list(HYPOTHESIS.parse(ImportSource("d.json", deep))) == [
        SkippedItem("d.json", "not valid JSON")
    ]


def test_detect() -> None:
    assert HYPOTHESIS.detect(fixture("hypothesis_annotations.json"))
    assert not HYPOTHESIS.detect(ImportSource("x.json", b'[{"url": "https://a"}]'))
    assert not HYPOTHESIS.detect(ImportSource("x.json", b""))


def test_a_uri_urllib_cannot_split_is_kept_as_a_plain_uri() -> None:
    data = b'[{"uri": "http://[broken", "text": "n", "target": [{"source": "x"}]}]'
    (item,) = list(HYPOTHESIS.parse(ImportSource("a.json", data)))
    assert isinstance(item, ImportedItem)
    assert (item.url, item.extra["uri"]) == ("", "http://[broken")
