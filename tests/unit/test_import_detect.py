"""Each detector claims its own fixtures only, whoever wrote the rest; no input breaks a parser."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.imports.formats.hypothesis import HYPOTHESIS
from reader.imports.formats.kindle import FORMAT as KINDLE
from reader.imports.formats.matter import MATTER
from reader.imports.formats.newsboat import NEWSBOAT, looks_like_urls, read_urls
from reader.imports.formats.newsboat_query import translate
from reader.imports.formats.readwise import READWISE, READWISE_READER
from reader.imports.items import ImportedItem, ImportFormat, ImportSource, SkippedItem
from reader.sanitize import safe_line
from tests.unit.import_sources import FIXTURES, every_fixture, source_of

FORMATS: list[ImportFormat] = [KINDLE, READWISE, READWISE_READER, MATTER, HYPOTHESIS, NEWSBOAT]
OWNERS: dict[str, ImportFormat] = {
    "kindle_": KINDLE,
    "readwise_export": READWISE,
    "readwise_reader": READWISE_READER,
    "readwise_template": READWISE,
    "matter_": MATTER,
    "hypothesis_": HYPOTHESIS,
    "newsboat_cache": NEWSBOAT,
}
TEXT_FIXTURES = [path for path in every_fixture() if path.suffix not in (".zip", ".db")]


def _owner(path: Path) -> ImportFormat | None:
    return next((fmt for prefix, fmt in OWNERS.items() if path.name.startswith(prefix)), None)


@pytest.mark.parametrize("path", every_fixture(), ids=lambda path: path.name)
def test_each_detector_claims_only_its_own_fixtures(path: Path) -> None:
    source = source_of(path)
    owner = _owner(path)
    assert [fmt.name for fmt in FORMATS if fmt.detect(source)] == ([owner.name] if owner else [])
    assert looks_like_urls(source.data) == (path.name == "newsboat_urls")


def test_the_folder_holds_a_fixture_for_each_of_these_formats() -> None:
    owned = {_owner(path) for path in every_fixture()}
    assert all(fmt in owned for fmt in FORMATS)


def _check(parsed: list[object]) -> None:
    for one in parsed:
        assert isinstance(one, ImportedItem | SkippedItem)
        assert one.source
        if isinstance(one, SkippedItem):
            # What the user is told is one line that is safe on a terminal.
            assert safe_line(one.reason) == one.reason and safe_line(one.source) == one.source


def _all_parse(source: ImportSource) -> None:
    for fmt in FORMATS:
        assert fmt.detect(source) in (True, False)
        _check(list(fmt.parse(source)))


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_break_a_format(data: bytes) -> None:
    _all_parse(ImportSource("random", data))


def _mutate(data: bytes, cuts: list[tuple[int, int, bytes]]) -> bytes:
    for position, length, inserted in cuts:
        at = position % (len(data) + 1)
        data = data[:at] + inserted + data[at + length :]
    return data


_CUTS = st.lists(
    st.tuples(
        st.integers(0, 1 << 20),
        st.integers(0, 40),
        st.sampled_from(
            [
                b"",
                b'"',
                b"\n",
                b"\r\n",
                b"==========",
                b"\xef\xbb\xbf",
                b"|",
                b"(",
                b")",
                b",",
                b"[",
                b"{",
                b"\xff\xfe",
                b"\x00",
                b"=?utf-8?q?",
                b"- Your Note on Location 1",
                b"\x1b[31m",
                b"\xe2\x80\xae",
            ]
        )
        | st.binary(max_size=8),
    ),
    max_size=6,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(TEXT_FIXTURES), _CUTS)
def test_mutated_fixtures_never_break_a_format(
    path: Path, cuts: list[tuple[int, int, bytes]]
) -> None:
    _all_parse(ImportSource(path.name, _mutate(path.read_bytes(), cuts)))


@settings(max_examples=40, deadline=None)
@given(_CUTS)
def test_a_damaged_newsboat_cache_gives_skips_not_errors(
    cuts: list[tuple[int, int, bytes]],
) -> None:
    data = _mutate((FIXTURES / "newsboat_cache.db").read_bytes(), cuts)
    _check(list(NEWSBOAT.parse(ImportSource("cache.db", data))))


_MEMBERS = st.dictionaries(
    st.sampled_from(
        [
            "_matter_history.csv",
            "_matter_highlights.csv",
            "content_1.html",
            "content_.html",
            "a/content_2.htm",
            "other.csv",
            "__MACOSX/._x.csv",
        ]
    ),
    st.binary(max_size=300)
    | st.sampled_from(
        [
            b"Title,Author,Publisher,URL\nT,A,P,https://x.example/\n",
            b"Text,Highlighted Date,Title\nq,2020-01-01,T\n",
            b"<title>T</title>",
        ]
    ),
)


@settings(max_examples=100, deadline=None)
@given(_MEMBERS, st.booleans())
def test_arbitrary_zip_members_never_break_matter(members: dict[str, bytes], fail: bool) -> None:
    def read(name: str) -> bytes:
        if fail and name.endswith(".html"):
            raise OSError("damaged member")
        return members[name]

    reader: Callable[[str], bytes] = read
    source = ImportSource("z.zip", members=tuple(members), read_member=reader)
    assert MATTER.detect(source) in (True, False)
    _check(list(MATTER.parse(source)))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_urls_text_and_filter_expression_reads(text: str) -> None:
    found = read_urls(text)
    assert all(one.source.startswith("line ") for one in found.skipped)
    query, problem = translate(text)
    assert bool(query) != bool(problem) or (not query and not problem and not text.strip())
    assert looks_like_urls(text.encode("utf-8", "surrogatepass")) in (True, False)
