"""Flat YAML front matter written and read without PyYAML, for the forms both sides agree on.

The writer uses only forms every YAML 1.1 loader reads back to the same values: plain
scalars where no resolver can take them for anything but a string, single quotes where
nothing needs an escape, double quotes with YAML (not JSON) escapes otherwise, dates as
`YYYY-MM-DD` and lists in block style. The reader takes a block of simple lines and gives
what PyYAML's safe loader gives for it, or declines (None) so the caller asks PyYAML:
anything unusual (anchors, tags, comments, nulls, booleans, floats, multi-line scalars,
nested maps) is declined rather than guessed at.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from reader.memo import remembered_when_short

# Words the YAML 1.1 resolver reads as booleans or null (any case, and `y`/`n` to be sure).
_RESERVED = frozenset({"yes", "no", "true", "false", "on", "off", "null", "y", "n"})
_LONGEST_RESERVED = 5
# A letter, then anything but a `:` before a space or the end and a space before `#` or the
# end (those would start a value, a comment, or be cut off); non-ASCII is checked apart.
_PLAIN = re.compile(r"[A-Za-z](?:[!-9;-~\x80-\U0010ffff]|:(?! |\Z)| (?!#|\Z))*")

# What a loader must not see raw in a quoted scalar: controls (tab and LF fold or break the
# line), DEL and C1, the line breaks NEL/LS/PS, a byte-order mark, non-characters, surrogates.
_NEEDS_DOUBLE = re.compile(r"[\"\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")
_SHORT_ESCAPES = {"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r", "\x00": "\\0"}
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class _Decline(Exception):
    """The block holds something the fast reader leaves to PyYAML."""


# Writing -------------------------------------------------------------------------------


def dump_mapping(data: dict[str, object]) -> str | None:
    """The mapping as YAML lines, in order; None when a value is not a str, date or str list."""
    lines = []
    for key, value in data.items():
        name = key if key in _WORD_KEYS else scalar(key)
        if isinstance(value, str):
            lines.append(f"{name}: {scalar(value)}\n")
        elif type(value) is date:
            lines.append(f"{name}: {value.isoformat()}\n")
        elif isinstance(value, list) and value and all(isinstance(item, str) for item in value):
            lines.append(f"{name}:\n")
            lines.extend(f"- {scalar(item)}\n" for item in value)
        else:
            return None
    return "".join(lines)


_WORD_KEYS = frozenset(
    ("title", "url", "author", "date", "site", "source", "saved", "tags", "feed", "entry_id")
)
"""Keys every saved file has, plain as they are (`scalar` need not be asked, per entry)."""


@remembered_when_short(longest=256, size=1024)
def scalar(text: str) -> str:
    """A string as one line of YAML that every loader reads back as exactly that string.

    Short ones are remembered: a feed's entries repeat the keys, the feed's name and title,
    the site and the tags on every one of them."""
    if _plain_safe(text):
        return text
    if _NEEDS_DOUBLE.search(text) is None:
        return "'" + text.replace("'", "''") + "'"
    # A lone surrogate cannot be written as UTF-8 or escaped (libyaml refuses \ud800).
    text = _SURROGATE.sub("\ufffd", text)
    return '"' + _ESCAPE_ALL.sub(_escape, text) + '"'


_ESCAPE_ALL = re.compile(r"[\"\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def _escape(found: re.Match[str]) -> str:
    char = found[0]
    short = _SHORT_ESCAPES.get(char)
    if short is not None:
        return short
    code = ord(char)
    return f"\\x{code:02X}" if code < 0x100 else f"\\u{code:04X}"


def _plain_safe(text: str) -> bool:
    """Whether text can be written bare: it starts with an ASCII letter (so no indicator,
    number or date), is printable, holds no `: ` or ` #`, and is no boolean or null word."""
    if text.isascii():
        # What the pattern says of ASCII text, without running it over a whole title or URL.
        plain = (
            text[:1].isalpha()
            and text.isprintable()
            and ": " not in text
            and " #" not in text
            and text[-1] not in ": "
        )
    else:
        plain = _PLAIN.fullmatch(text) is not None and text.isprintable()
    return plain and (len(text) > _LONGEST_RESERVED or text.lower() not in _RESERVED)


# Reading -------------------------------------------------------------------------------

# Every character PyYAML's readers accept, minus tab, CR and the line breaks NEL/LS/PS (which
# fold inside scalars) and the byte-order mark: anything else goes to PyYAML.
_TAME = re.compile(
    r"[\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*"
)
_SIMPLE_KEY = re.compile(r"([A-Za-z][A-Za-z0-9_-]{0,63}):(?: +|\Z)")
_SINGLE_KEY = re.compile(r"'((?:[^']|'')*)':(?= |$)")
_DOUBLE_KEY = re.compile(r'"((?:[^"\\]|\\.)*)":(?= |$)')
_KEY_LIMIT = 512
_ITEM = re.compile(r"( *)- +(.*)")
_DOUBLE = re.compile(r'"((?:[^"\\]|\\.)*)" *')
_SINGLE = re.compile(r"'((?:[^']|'')*)' *")
_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_FLOW_ITEM = re.compile(
    r' *(?:"(?P<d>(?:[^"\\]|\\.)*)"|\'(?P<s>(?:[^\']|\'\')*)\'|(?P<p>[A-Za-z][A-Za-z0-9_./+-]*'
    r"(?: +[A-Za-z0-9_./+-]+)*)) *(?P<end>[,\]])"
)
_UNESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_NAMED = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r",
    "e": "\x1b", " ": " ", '"': '"', "\\": "\\", "N": "\x85", "_": "\xa0", "L": "\u2028",
    "P": "\u2029",
}  # fmt: skip


def load_mapping(block: str) -> dict[str, Any] | None:
    """What PyYAML's safe loader makes of a block of simple `key: value` lines; None when
    the block holds anything else (the caller then asks PyYAML)."""
    if _TAME.fullmatch(block) is None:
        return None
    try:
        return _mapping(block.split("\n"))
    except _Decline:
        return None


def _mapping(lines: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    items: list[Any] | None = None  # the block list after a bare `key:`
    indent: str | None = None
    for line in lines:
        key = _key_line(line)
        if key is not None:
            if items == []:
                raise _Decline  # `key:` with nothing under it is a null
            name, rest = key
            items = None if rest else []
            data[name] = _value(rest, flow_ok=True) if rest else items
            indent = None
            continue
        item = _ITEM.fullmatch(line)
        if item is not None and items is not None:
            if indent is not None and item[1] != indent:
                raise _Decline
            indent = item[1]
            items.append(_value(item[2].rstrip(" "), flow_ok=False))
        elif line.strip(" "):
            raise _Decline
    if not data or items == []:
        raise _Decline
    return data


def _key_line(line: str) -> tuple[str, str] | None:
    """The key and the value's text of a `key: value` or `key:` line; None for other lines."""
    simple = _SIMPLE_KEY.match(line)
    if simple is not None:  # the usual key: a word
        name = simple[1]
        if len(name) <= _LONGEST_RESERVED and name.lower() in _RESERVED:
            raise _Decline
        return name, line[simple.end() :].rstrip(" ")
    first = line[:1]
    if first == "'" or first == '"':
        quoted = (_SINGLE_KEY if first == "'" else _DOUBLE_KEY).match(line)
        if quoted is None:
            raise _Decline
        name = quoted[1].replace("''", "'") if first == "'" else _unescape(quoted[1])
        rest = line[quoted.end() :]
    elif first.isascii() and first.isalpha():
        cut = line.find(": ")
        if cut < 0:
            if not line.endswith(":"):
                raise _Decline
            cut = len(line) - 1
        name, rest = line[:cut], line[cut + 1 :]
        if not _plain_safe(name):
            raise _Decline
    else:
        return None
    # Longer keys are not simple keys to YAML; a key line holds no more than this anyway.
    if len(line) - len(rest) > _KEY_LIMIT:
        raise _Decline
    return name, rest.strip(" ")


def _value(text: str, *, flow_ok: bool) -> Any:
    if not text:
        raise _Decline
    first = text[0]
    if first == '"':
        return _double(text)
    if first == "'":
        return _single(text)
    if first == "[" and flow_ok:
        return _flow(text)
    if first.isascii() and first.isalpha():
        if not _plain_safe(text):
            raise _Decline
        return text
    if _INT.fullmatch(text):
        return int(text)
    day = _DAY.fullmatch(text)
    if day is not None:
        try:
            return date(int(day[1]), int(day[2]), int(day[3]))
        except ValueError:
            raise _Decline from None
    raise _Decline


def _double(text: str) -> str:
    found = _DOUBLE.fullmatch(text)
    if found is None:
        raise _Decline
    return _unescape(found[1])


def _unescape(inner: str) -> str:
    return _UNESCAPE.sub(_unescaped, inner) if "\\" in inner else inner


def _unescaped(found: re.Match[str]) -> str:
    code = found[1]
    if len(code) == 1:
        if code not in _NAMED:
            raise _Decline
        return _NAMED[code]
    number = int(code[1:], 16)
    # Surrogates and numbers past Unicode: the C and Python loaders disagree; let PyYAML say.
    if 0xD800 <= number <= 0xDFFF or number > 0x10FFFF:
        raise _Decline
    return chr(number)


def _single(text: str) -> str:
    found = _SINGLE.fullmatch(text)
    if found is None:
        raise _Decline
    return found[1].replace("''", "'")


def _flow(text: str) -> list[str]:
    if text[1:].strip(" ") == "]":
        return []
    items: list[str] = []
    position = 1
    while True:
        found = _FLOW_ITEM.match(text, position)
        if found is None:
            raise _Decline
        if found["d"] is not None:
            items.append(_unescape(found["d"]))
        elif found["s"] is not None:
            items.append(found["s"].replace("''", "'"))
        else:
            if found["p"].lower() in _RESERVED:
                raise _Decline
            items.append(found["p"])
        position = found.end()
        if found["end"] == "]":
            if text[position:].strip(" "):
                raise _Decline
            return items
