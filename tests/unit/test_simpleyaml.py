"""Front matter written and read without PyYAML gives exactly what PyYAML gives."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.sources import load_file
from reader.sources.frontmatter import _load_yaml, parse_yaml_mapping, split_front_matter
from reader.sources.simpleyaml import dump_mapping, load_mapping
from reader.web import save
from reader.web.save import Draft, render_draft

_LOADERS = [yaml.SafeLoader] + ([yaml.CSafeLoader] if hasattr(yaml, "CSafeLoader") else [])
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

# Texts that trip YAML: indicators, bool/null/number/date look-alikes, escapes, line breaks
# of every kind, characters PyYAML refuses raw, astral characters, odd spaces.
_AWKWARD = st.sampled_from(
    [
        "yes", "No", "NULL", "~", "on", "1.0", "1e3", "0x1F", "0o17", "012", "2024-01-01",
        "2024-01-01 10:00:00", "- a", "-", "? q", ": c", "a: b", "a #b", "#c", "&x", "*y",
        "!!str", "!t", "|", ">", "%p", "@a", "`b", "'", '"', "\\", "\\n", "[a]", "{b: 1}",
        ",", "a:", "---", "...", "<<", "=", " ", "  ", "\t", "\n", "\r\n", "\x85", "\u2028",
        "\u2029", "\x00", "\x07", "\x1b[31m", "\x7f", "\x9b", "\xa0", "\ufeff", "\ufffe",
        "\uffff", "\ue000", "\ufdd0", "\u200b", "\U0001f9ad", "\U0010fffd", "é", "海豹",
        "https://example.org/a?b=c#d", "tag:site.example,2024:7", "It's", "Mira Okafor",
    ]
)  # fmt: skip
_TEXT = st.lists(
    st.one_of(_AWKWARD, st.text(st.characters(blacklist_categories=("Cs",)), max_size=6)),
    max_size=5,
).map("".join)


def _same(left: Any, right: Any) -> bool:
    """Equal values of equal types (True == 1 and date == datetime are not the same here)."""
    return repr(left) == repr(right)


def _yaml_header(draft: Draft) -> str:
    """The front matter as it was written with PyYAML's dumper alone."""
    return yaml.dump(
        save.front_data(draft), Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=10_000
    )


def _header(text: str) -> str:
    """The front matter block: no value is written over more than one line."""
    return text[4 : text.index("\n---\n", 3) + 1]


_DRAFTS = st.builds(
    Draft,
    title=_TEXT,
    markdown=st.just("Body text."),
    url=st.none() | _TEXT,
    author=st.none() | _TEXT,
    date=st.none() | st.dates(),
    site=st.none() | _TEXT,
    source=st.none() | _TEXT,
    saved=st.none() | st.datetimes(timezones=st.just(UTC)),
    tags=st.lists(_TEXT, max_size=4).map(tuple),
    extra=st.dictionaries(
        st.sampled_from(["feed", "entry_id", "imported", "fetch", "yes", "null", "on", "x_1"]),
        _TEXT,
        max_size=4,
    ),
)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(draft=_DRAFTS)
def test_written_front_matter_reads_back_as_pyyaml_wrote_it(draft: Draft) -> None:
    header = _header(render_draft(draft))
    before = _yaml_header(draft)
    for loader in _LOADERS:
        assert _same(yaml.load(header, Loader=loader), yaml.load(before, Loader=loader))
    # The fast reader takes every block the app writes, and gives the same mapping.
    fast = load_mapping(header)
    assert fast is not None
    assert _same(fast, yaml.load(header, Loader=_LOADERS[-1]))


@settings(max_examples=150, deadline=None)
@given(draft=_DRAFTS)
def test_saved_files_load_as_before(tmp_path_factory: pytest.TempPathFactory, draft: Draft) -> None:
    folder = tmp_path_factory.mktemp("drafts")
    new, old = folder / "new.md", folder / "old.md"
    new.write_text(render_draft(draft), encoding="utf-8")
    body = save.strip_controls(draft.markdown).strip("\n")
    old.write_text(f"---\n{_yaml_header(draft)}---\n\n{body}\n", encoding="utf-8")
    # Everything read from the file is the same; only where it is and its size differ.
    fields = ("title", "date", "place", "source", "author", "url", "tags", "words", "date_saved")
    now, before = load_file(new), load_file(old)
    assert [getattr(now.meta, name) for name in fields] == [
        getattr(before.meta, name) for name in fields
    ]
    assert now.blocks == before.blocks


def test_surrogates_are_written_as_replacement_characters() -> None:
    # PyYAML's dumper fails on a lone surrogate (a JSON feed can hold one); now it is U+FFFD.
    draft = Draft(title="a\ud800b", markdown="m", extra={"entry_id": "x\udfffy\n"})
    header = _header(render_draft(draft))
    assert yaml.safe_load(header) == {"title": "a\ufffdb", "entry_id": "x\ufffdy\n"}
    assert load_mapping(header) == yaml.safe_load(header)


def test_a_datetime_as_date_is_still_written_by_pyyaml() -> None:
    moment = datetime(2024, 5, 17, 10, 30, tzinfo=UTC)
    header = _header(render_draft(Draft(title="t", markdown="m", date=moment)))
    assert yaml.safe_load(header)["date"] == moment
    assert load_mapping(header) is None  # a timestamp with a time is PyYAML's to read


def test_the_usual_entry_is_written_for_people_to_read() -> None:
    draft = Draft(
        title="Harbour seals return",
        markdown="m",
        url="https://coastal.example/seals",
        date=date(2024, 5, 17),
        saved=datetime(2024, 6, 1, 9, 30, 15, tzinfo=UTC),
        tags=("wildlife", "yes"),
        extra={"feed": "coastal", "entry_id": "tag:coastal.example,2024:7", "note": 'a "b"\n'},
    )
    assert _header(render_draft(draft)) == (
        "title: Harbour seals return\n"
        "url: https://coastal.example/seals\n"
        "date: 2024-05-17\n"
        "saved: '2024-06-01T09:30:15Z'\n"
        "tags:\n- wildlife\n- 'yes'\n"
        "feed: coastal\n"
        "entry_id: tag:coastal.example,2024:7\n"
        'note: "a \\"b\\"\\n"\n'
    )


# Reading -------------------------------------------------------------------------------

_KEYS = st.sampled_from(["title", "Title", "tags", "date", "x-y", "a_1", "yes", "On", "n", "k"])
_CHARS = st.text(st.sampled_from("aZ09 .:-#'\"[]{},&*!|>%@`?/\\_é海\xa0"), max_size=12)
_PLAIN = st.one_of(
    _CHARS.filter(bool),
    st.tuples(st.sampled_from(["a", "Z", "On", "no", "é"]), _CHARS).map("".join),
)
_ESCAPES = st.sampled_from(
    ["\\n", "\\t", "\\\\", '\\"', "\\0", "\\e", "\\N", "\\L", "\\P", "\\_", "\\ ", "\\/", "\\x41",
     "\\x9b", "\\u00e9", "\\ud800", "\\U0001F9AD", "\\U00110000", "\\q", "\\x4", "\\"]
)  # fmt: skip
_QUOTED = st.one_of(
    st.lists(st.one_of(_PLAIN, _ESCAPES), max_size=4).map(lambda parts: f'"{"".join(parts)}"'),
    st.lists(st.one_of(_PLAIN, st.just("''")), max_size=4).map(lambda parts: f"'{''.join(parts)}'"),
)
_SCALAR = st.one_of(
    _PLAIN,
    _QUOTED,
    st.sampled_from(
        [
            "0",
            "-5",
            "12",
            "007",
            "1_000",
            "1.5",
            ".inf",
            "0x1f",
            "2024-05-17",
            "2024-13-45",
            "2024-5-17",
            "2024-05-17T10:00:00Z",
            "null",
            "~",
            "yes",
            "True",
            "OFF",
            "y",
            "&a x",
            "*a",
            "!!str x",
            "|",
            ">",
            "x # note",
            "x #",
            "{a: 1}",
        ]
    ),  # fmt: skip
)
_FLOW = st.lists(st.one_of(_PLAIN, _QUOTED, _SCALAR), max_size=4).map(
    lambda items: "[" + ", ".join(items) + "]"
)
_KEY_VALUE = st.tuples(_KEYS, st.sampled_from([": ", ":  ", ":"]), st.one_of(_SCALAR, _FLOW))
_LINE = st.one_of(
    _KEY_VALUE.map("".join),
    _KEY_VALUE.map("".join),
    st.tuples(_KEYS, st.just(":")).map("".join),
    st.tuples(st.sampled_from(["- ", "  - ", "-  ", "-"]), _SCALAR).map("".join),
    st.sampled_from(["", "  ", "# comment", "  title: x", "? k", "%YAML 1.1", "\tk: v", "k: v  "]),
)
_LINES = st.lists(_LINE, min_size=1, max_size=5).map(lambda lines: "\n".join(lines) + "\n")


def _entry(key: str, value: str | list[str], indent: str) -> str:
    if isinstance(value, str):
        return f"{key}: {value}\n"
    return f"{key}:\n" + "".join(f"{indent}- {item}\n" for item in value)


# Well-formed mappings of scalars, flow lists and block lists: most are taken by the reader.
_MAPPINGS = st.builds(
    lambda entries, indent: "".join(_entry(key, value, indent) for key, value in entries),
    st.lists(
        st.tuples(_KEYS, st.one_of(_SCALAR, _FLOW, st.lists(_SCALAR, min_size=1, max_size=3))),
        min_size=1,
        max_size=4,
    ),
    st.sampled_from(["", "  "]),
)
_BLOCKS = st.one_of(_LINES, _MAPPINGS)


def _pyyaml(block: str, loader: type) -> tuple[bool, Any]:
    try:
        return True, yaml.load(block, Loader=loader)
    except Exception:  # any failure at all means "PyYAML refuses it"
        return False, None


@settings(max_examples=2000, deadline=None)
@given(block=_BLOCKS)
def test_the_fast_reader_gives_what_pyyaml_gives_or_declines(block: str) -> None:
    fast = load_mapping(block)
    if fast is None:
        return
    for loader in _LOADERS:
        ok, value = _pyyaml(block, loader)
        assert ok and _same(fast, value), (block, loader)


@settings(max_examples=300, deadline=None)
@given(
    data=st.dictionaries(
        _TEXT, st.one_of(_TEXT, st.dates(), st.lists(_TEXT, min_size=1)), min_size=1
    )
)
def test_the_fast_reader_takes_whatever_the_writer_writes(data: dict[str, Any]) -> None:
    header = dump_mapping(data)
    assert header is not None
    fast = load_mapping(header)
    assert fast is not None
    for loader in _LOADERS:
        assert _same(fast, yaml.load(header, Loader=loader))


@pytest.mark.parametrize(
    "block",
    [
        "",
        "\n",
        "title: &a x\nother: *a\n",
        "title: !!str 5\n",
        "? title\n: x\n",
        "title: {a: 1}\n",
        "title: x # note\n",
        "# a comment\ntitle: x\n",
        "title:\n",
        "title:\nauthor: x\n",
        "title: yes\n",
        "title: 1.5\n",
        "title: 2024-05-17 10:00:00\n",
        "title: 007\n",
        "title: >\n  folded\n",
        "title: first\n  second\n",
        "title: 'two\n  lines'\n",
        'title: "\\/"\n',
        "tags:\n- a\n  - b\n",
        "tags: [a, b,]\n",
        "yes: x\n",
        "title:\tx\n",
    ],
)
def test_anything_unusual_is_left_to_pyyaml(block: str) -> None:
    assert load_mapping(block) is None
    assert _same(parse_yaml_mapping(block), _load_yaml(block))


def test_the_app_s_own_files_take_the_fast_path(tmp_path: Path) -> None:
    draft = Draft(
        title="Seals: a comeback",
        markdown="Body.",
        url="https://coastal.example/seals",
        author="Mira Okafor",
        date=date(2024, 5, 17),
        site="coastal.example",
        source="Coastal Notes",
        saved=datetime(2024, 6, 1, tzinfo=UTC),
        tags=("Wildlife", "2024", "null"),
        extra={"feed": "coastal", "entry_id": "tag:coastal.example,2024:7"},
    )
    text = render_draft(draft)
    assert load_mapping(_header(text)) is not None
    front, body = split_front_matter(text)
    assert front is not None and body.strip() == "Body."
    assert (front.title, front.date, front.tags) == (
        "Seals: a comeback",
        date(2024, 5, 17),
        ("wildlife", "2024", "null"),
    )


@pytest.mark.parametrize(
    ("url", "written"),
    [
        (" https://user:pw@example.org/a ", "https://example.org/a"),
        ("https://example.org/@mira/post", "https://example.org/@mira/post"),
        ("https://example.org/a b", "https://example.org/a b"),
    ],
)
def test_a_url_is_written_without_its_password(url: str, written: str) -> None:
    header = _header(render_draft(Draft(title="t", markdown="m", url=url)))
    assert load_mapping(header) == yaml.safe_load(header) == {"title": "t", "url": written}


def test_the_keys_written_as_they_are_read_back_as_themselves() -> None:
    from reader.sources.simpleyaml import _WORD_KEYS

    data: dict[str, object] = {key: "x" for key in sorted(_WORD_KEYS)}
    header = dump_mapping(data)
    assert header is not None
    assert yaml.safe_load(header) == data


@given(st.text(alphabet=st.sampled_from("aZ :#-\t\x7f!9;~é\u2028\x85yesNo"), max_size=10))
def test_plain_scalars_are_judged_the_same_without_the_pattern(text: str) -> None:
    from reader.sources import simpleyaml

    by_pattern = (
        simpleyaml._PLAIN.fullmatch(text) is not None
        and (text.isascii() or text.isprintable())
        and (len(text) > 5 or text.lower() not in simpleyaml._RESERVED)
    )
    assert simpleyaml._plain_safe(text) == by_pattern
