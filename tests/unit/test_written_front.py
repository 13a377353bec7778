"""The front matter a writer knows it wrote is what a reader finds in the bytes: the parse
of a file just written takes it instead of reading the YAML back, and gives the same."""

from __future__ import annotations

import string
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.feeds.entries import save_entries
from reader.feeds.parse import parse_feed
from reader.feeds.registry import FeedRegistry
from reader.files import BatchWriter
from reader.imports import handoff
from reader.imports.drafts import NOT_FETCHED
from reader.library import parse_pool
from reader.sources import frontmatter
from reader.sources.decode import decode
from reader.sources.frontmatter import MAX_FRONT_MATTER, split_front_matter, split_written
from reader.web.fetch import Limits
from reader.web.save import Draft, render_draft, render_written, write_draft
from tests.unit.test_feeds_batch import write_feed

# Any text a feed or an export may carry: controls, line breaks, quotes, YAML indicators,
# words YAML reads as booleans or numbers, lone surrogates (written as "?").
_WILD = st.text(st.characters(), max_size=40)
_YAMLISH = st.sampled_from(
    [
        "yes",
        "No",
        "null",
        "~",
        "12",
        "1e3",
        "2024-01-02",
        "- a",
        "a: b",
        "#x",
        "'q'",
        '"d"',
        "...",
        "\ud800",
        "a\udfffb",
    ]
)
_FIELD = _WILD | _YAMLISH


def drafts() -> st.SearchStrategy[Draft]:
    return st.builds(
        Draft,
        title=_FIELD,
        markdown=_WILD,
        url=st.none() | st.just("https://example.org/a?b=1#c") | _FIELD,
        author=st.none() | _FIELD,
        date=st.none() | st.dates(date(1, 1, 1), date(9999, 12, 31)),
        site=st.none() | _FIELD,
        source=st.none() | _FIELD,
        saved=st.none()
        | st.datetimes(datetime(1970, 1, 2), datetime(2100, 1, 1), timezones=st.just(UTC)),
        tags=st.lists(_FIELD, max_size=3).map(tuple),
        extra=st.dictionaries(st.text(string.ascii_letters + "_-", max_size=8), _FIELD, max_size=3),
    )


@settings(max_examples=400, deadline=None)
@given(draft=drafts())
def test_the_front_matter_written_is_the_one_read_back(draft: Draft) -> None:
    data, written = render_written(draft)
    assert data == render_draft(draft).encode("utf-8", "replace")
    text = decode(data)
    assert split_written(text, written) == split_front_matter(text)


@settings(max_examples=100, deadline=None)
@given(
    title=st.text(string.ascii_letters + " ", max_size=30),
    tags=st.lists(st.text(string.ascii_letters, min_size=1, max_size=8), max_size=3),
)
def test_plain_drafts_say_what_they_wrote(title: str, tags: list[str]) -> None:
    """Without this, a writer that never knew its front matter would pass the tests above."""
    draft = Draft(title=title, markdown="Words.", url="https://example.org/", tags=tuple(tags))
    _, written = render_written(draft)
    assert written is not None
    assert written.front.title == (title.strip() and " ".join(title.split()) or "Untitled")


def test_a_header_too_long_to_be_looked_at_is_read_back() -> None:
    draft = Draft(title="long " * (MAX_FRONT_MATTER // 4), markdown="Words.")
    data, written = render_written(draft)
    assert written is None
    assert split_front_matter(decode(data))[0] is None  # a reader does not see it either


def test_a_repaired_text_is_read_back() -> None:
    data, written = render_written(Draft(title="half \ud800 pair", markdown="Words."))
    assert written is None and "half \ufffd pair".encode() in data


@pytest.fixture
def no_yaml_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading front matter back fails from here on: only what the writer knew is used."""

    def refuse(block: str) -> None:
        raise AssertionError(f"front matter read back: {block[:40]!r}")

    monkeypatch.setattr(frontmatter, "parse_yaml_mapping", refuse)


def test_a_written_file_is_parsed_without_reading_its_yaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = Draft(title="Harbour", markdown="Boats at dawn.", url="https://e.org/", tags=("sea",))
    written: list[tuple[Path, bytes]] = []
    batch = BatchWriter(written.extend)
    saved = write_draft(draft, tmp_path, "k0123456789abcdef", batch=batch)
    batch.commit()
    [(path, data)] = written
    from_file = parse_pool.parse(str(path))
    assert saved.front is not None
    refuse = pytest.MonkeyPatch()
    refuse.setattr(frontmatter, "parse_yaml_mapping", lambda block: 1 / 0)
    try:
        assert parse_pool.parse_written(str(path), data, saved.front) == from_file
        # Reading the YAML back fails now (the parse gives up and leaves the file to a scan):
        # the check above would fail if the front matter written were not used.
        assert parse_pool.parse_written(str(path), data) is None
    finally:
        refuse.undo()


def test_a_feeds_entries_are_parsed_without_reading_their_yaml(
    tmp_path: Path, no_yaml_reading: None
) -> None:
    feed_file = write_feed(tmp_path, 0, 5)
    with FeedRegistry.open() as registry:
        sub, _ = registry.add(str(feed_file), "Feed 0")
    feed = parse_feed(feed_file.read_bytes())
    parsed: list[tuple[str, parse_pool.Parsed]] = []
    folder = tmp_path / "feed"
    saved = list(save_entries(sub, feed, feed.entries, folder, Limits(), parsed))
    assert len(saved) == len(parsed) == 5
    assert sorted(path for path, _ in parsed) == sorted(str(p) for _, p in saved if p)


def test_an_imports_links_are_handed_over_without_reading_their_yaml(
    tmp_path: Path, no_yaml_reading: None
) -> None:
    draft = Draft(
        title="A link", markdown=f"{NOT_FETCHED}\n\n<https://e.org/a>", url="https://e.org/a"
    )
    written: list[tuple[Path, bytes]] = []
    batch = BatchWriter(written.extend)
    saved = write_draft(draft, tmp_path, "k0123456789abcdef", batch=batch)
    batch.commit()
    [(path, data)] = written
    assert saved.front is not None
    parsed = handoff.link_parsed(path, data, saved.front)
    assert parsed is not None and parsed.summary.title == "A link"
