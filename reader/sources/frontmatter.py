"""Front matter at the top of a Markdown file: YAML between `---` lines or TOML between `+++`."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import yaml

from reader.sources.common import collapse, parse_date
from reader.sources.decode import strip_controls
from reader.sources.simpleyaml import load_mapping

MAX_FRONT_MATTER = 64 * 1024
"""Front matter longer than this is not looked for (no article needs more)."""

_YAML = re.compile(r"---[ \t]*\n(?P<body>.*?)^(?:---|\.\.\.)[ \t]*$\n?", re.DOTALL | re.MULTILINE)
_TOML = re.compile(r"\+\+\+[ \t]*\n(?P<body>.*?)^\+\+\+[ \t]*$\n?", re.DOTALL | re.MULTILINE)

_Scalar = str | int | float | date
_Day = date  # the field named `date` hides the type inside FrontMatter

# libyaml's loader reads front matter about eight times faster than the pure-Python one
# (0.035 ms against 0.30 ms); both build the same values with the same safe constructor.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """The known keys of an article's front matter; unknown keys are ignored."""

    title: str | None = None
    date: date | None = None
    tags: tuple[str, ...] = ()
    author: str | None = None
    url: str | None = None
    source: str | None = None
    saved: _Day | None = None
    """The day the page was saved into the library (written by `reader add` and feeds)."""


@dataclass(frozen=True, slots=True)
class WrittenFront:
    """Front matter a writer has just put at the top of a file, as a reader will find it:
    the text up to the end of its closing `---` line, and what that holds. A parse of the
    bytes written can take it instead of reading the YAML back (see `split_written`)."""

    prefix: str
    front: FrontMatter


def written_front(header: str, data: dict[str, object]) -> WrittenFront | None:
    """What a reader finds in `---`, the YAML `header` written for `data`, `---`; None
    when that is not sure: a header over the length a reader looks at, or text the writer
    had to repair."""
    prefix = f"---\n{header}---\n"
    if len(prefix) > MAX_FRONT_MATTER or not _encodable(data):
        return None
    return WrittenFront(prefix, _front_matter(_string_keys(data)))


def _encodable(data: dict[str, object]) -> bool:
    """Whether every text in `data` is valid Unicode: a lone surrogate is written as U+FFFD,
    so the value read back is not the one given."""
    texts = [value for value in data.values() if isinstance(value, str)]
    texts += [item for value in data.values() if isinstance(value, list) for item in value]
    try:
        "".join(texts).encode("utf-8")
    except (UnicodeEncodeError, TypeError):
        return False
    return True


def split_written(text: str, written: WrittenFront | None) -> tuple[FrontMatter | None, str]:
    """`split_front_matter`, taking the front matter from `written` when the text starts
    with it (the bytes just written, decoded)."""
    if written is not None and text.startswith(written.prefix):
        return written.front, text[len(written.prefix) :]
    return split_front_matter(text)


def split_front_matter(text: str) -> tuple[FrontMatter | None, str]:
    """Front matter and the Markdown after it; (None, text) when there is none or it is bad."""
    if text.startswith("---"):
        pattern, parse = _YAML, parse_yaml_mapping
    elif text.startswith("+++"):
        pattern, parse = _TOML, _parse_toml
    else:
        return None, text
    found = pattern.match(text[: MAX_FRONT_MATTER + 8])
    if found is None:
        return None, text
    data = parse(found["body"])
    if data is None:
        return None, text
    return _front_matter(data), text[found.end() :]


def parse_yaml_mapping(block: str) -> dict[str, Any] | None:
    """A YAML front matter block as a mapping with string keys; None when it is not one."""
    # Simple lines (the ones the app writes) are read without PyYAML's Python constructor.
    simple = load_mapping(block)
    if simple is not None:
        return _string_keys(simple)
    return _load_yaml(block)


def _load_yaml(block: str) -> dict[str, Any] | None:
    try:
        data = yaml.load(block, Loader=_LOADER)
    # PyYAML raises more than YAMLError on hostile input (ValueError for a timestamp
    # out of range, RecursionError for deep nesting); any of them means "bad".
    except Exception:
        return None
    return _string_keys(data) if isinstance(data, dict) else None


def _parse_toml(block: str) -> dict[str, Any] | None:
    try:
        data = tomllib.loads(block)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        return None
    return _string_keys(data)


def _string_keys(data: dict[Any, Any]) -> dict[str, Any]:
    return {key.lower(): value for key, value in data.items() if isinstance(key, str)}


def _front_matter(data: dict[str, Any]) -> FrontMatter:
    return FrontMatter(
        title=_text(data.get("title")),
        date=_date(data.get("date")),
        tags=_tags(data.get("tags")),
        author=_author(data.get("author")),
        url=_text(data.get("url")),
        source=_text(data.get("source")),
        saved=_date(data.get("saved")),
    )


def _text(value: object) -> str | None:
    # Only scalars: a nested structure (maybe a YAML alias bomb) is never stringified.
    if isinstance(value, bool) or not isinstance(value, _Scalar):
        return None
    text = value.isoformat() if isinstance(value, date) else str(value)
    # YAML escapes such as "\e" or "\0" can put control characters in a value.
    return collapse(strip_controls(text)) or None


def _date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return parse_date(value) if isinstance(value, str) else None


def _tags(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        items: list[object] = list(value.split(","))
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        return ()
    tags = (_text(item) for item in items)
    unique = dict.fromkeys(tag.lower().lstrip("#") for tag in tags if tag)
    return tuple(tag for tag in unique if tag)


def _author(value: object) -> str | None:
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, list | tuple):
        names = [name for name in (_text(item) for item in value) if name]
        return ", ".join(names) or None
    return _text(value)
