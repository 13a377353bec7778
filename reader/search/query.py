"""The search query language: any string parses into a small tree, never raising."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache

MAX_LENGTH = 1000
"""Longer queries are cut to this many characters (with a hint)."""

MAX_DEPTH = 8
"""Parentheses nested deeper than this are ignored, which bounds recursion."""

TEXT_FIELDS = frozenset({"title", "tag", "source", "place"})
DATE_FIELDS = frozenset({"after", "before", "date"})
STATE_WORDS: dict[str, dict[str, str]] = {
    "is": {
        "bookmarked": "bookmarked",
        "bookmark": "bookmarked",
        "unread": "unread",
        "read": "read",
    },
    "has": {
        "note": "note",
        "notes": "note",
        "highlight": "highlight",
        "highlights": "highlight",
    },
}
FILTER_NAMES = TEXT_FIELDS | DATE_FIELDS | frozenset(STATE_WORDS)

HINT_QUOTE = "unclosed quote: searching for the words"
HINT_OPEN_PAREN = "unclosed parenthesis: closed at the end"
HINT_CLOSE_PAREN = "unmatched ')' ignored"
HINT_OR = "OR needs a word on each side, like summit OR forum"
HINT_NOT = "NOT needs a word after it, like NOT football"
HINT_PREFIX = "a prefix needs two letters or more, like sum*"
HINT_DEPTH = f"parentheses nested deeper than {MAX_DEPTH} are ignored"
HINT_LONG = f"query too long: using its first {MAX_LENGTH} characters"
HINT_STATE = {
    "is": "is: takes bookmarked, unread or read",
    "has": "has: takes note or highlight",
}


class Mistake(str):
    """A hint saying part of the query was left out: the query cannot run as typed."""

    __slots__ = ()


def fold(text: str) -> str:
    """Fold text for matching: compatibility-decompose, drop accents, casefold."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


def _has_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


@dataclass(frozen=True, slots=True)
class Term:
    """A word that must appear, in any inflected form; `text` is folded."""

    text: str


@dataclass(frozen=True, slots=True)
class Phrase:
    """Words that must appear together in this order; `text` is folded."""

    text: str


@dataclass(frozen=True, slots=True)
class Prefix:
    """Any word starting with `text` (folded, not stemmed)."""

    text: str


@dataclass(frozen=True, slots=True)
class FieldFilter:
    """`field:value`: the value's words appear in that field (title, tag, source, place)."""

    field: str
    value: str
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class DateFilter:
    """Articles dated on or after `start` and before `end` (either may be open)."""

    start: date | None
    end: date | None


@dataclass(frozen=True, slots=True)
class StateFilter:
    """A reading-state filter: bookmarked, unread, read, note or highlight."""

    state: str


@dataclass(frozen=True, slots=True)
class Not:
    """Articles that do not match `child`."""

    child: Node


@dataclass(frozen=True, slots=True)
class And:
    """Articles that match every child."""

    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """Articles that match at least one child."""

    children: tuple[Node, ...]


Node = Term | Phrase | Prefix | FieldFilter | DateFilter | StateFilter | Not | And | Or
TEXT_NODES = (Term, Phrase, Prefix)


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: the tree (None when nothing is searchable) and a hint for the user."""

    text: str
    root: Node | None
    hint: str | None = None
    mistake: str | None = None
    """The first hint about a part that was left out (a filter without a usable value, an
    operator without its word): what runs is not what was typed."""

    @property
    def is_empty(self) -> bool:
        """True when there is nothing to search for."""
        return self.root is None

    @property
    def ranked(self) -> bool:
        """True when the query has words to rank by (not only filters or exclusions)."""
        return any(isinstance(node, TEXT_NODES) for node in positive_nodes(self.root))

    def words(self) -> tuple[str, ...]:
        """Folded words and phrases to mark in results (excluded words left out)."""
        out: list[str] = []
        for node in positive_nodes(self.root):
            if isinstance(node, Term | Phrase):
                out.append(node.text)
            elif isinstance(node, FieldFilter) and node.field == "title" and not node.prefix:
                out.append(node.value)
        return tuple(out)

    def prefixes(self) -> tuple[str, ...]:
        """Folded prefixes to mark in results (excluded ones left out)."""
        out: list[str] = []
        for node in positive_nodes(self.root):
            if isinstance(node, Prefix):
                out.append(node.text)
            elif isinstance(node, FieldFilter) and node.field == "title" and node.prefix:
                out.append(node.value)
        return tuple(out)


def positive_nodes(root: Node | None) -> list[Node]:
    """Leaf nodes of the tree that are not under a NOT."""
    if root is None or isinstance(root, Not):
        return []
    if isinstance(root, And | Or):
        return [leaf for child in root.children for leaf in positive_nodes(child)]
    return [root]


# ---------------------------------------------------------------- lexing


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "(", ")", "OR", "AND", "NOT", "word", "phrase", "field"
    text: str = ""
    name: str = ""


_OPERATORS = {"OR": "OR", "|": "OR", "||": "OR", "AND": "AND", "&&": "AND", "NOT": "NOT"}
_STOP = frozenset(' ()"')
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\uff02": '"'})


@cache
def _control() -> re.Pattern[str]:
    """Characters a query drops: compiled on first use (~1 ms), by a query that is not
    printable ASCII."""
    # Lone surrogates too: bytes that were not UTF-8 (a shell argument) or a broken paste.
    return re.compile(
        r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ud800-\udfff]"
    )


class _Lexer:
    # A plain class: a dataclass costs every command that parses a query ~0.4 ms to build.
    __slots__ = ("text", "hints", "tokens", "pos", "depth", "dropped")

    def __init__(self, text: str, hints: list[str]) -> None:
        self.text, self.hints = text, hints
        self.tokens: list[_Token] = []
        self.pos = self.depth = self.dropped = 0

    def run(self) -> list[_Token]:
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch == " ":
                self.pos += 1
            elif ch in "()":
                self.pos += 1
                self._paren(ch)
            elif ch == '"':
                self._phrase()
            elif ch == "-" and self._negates():
                self.pos += 1
                self.tokens.append(_Token("NOT"))
            else:
                self._bare()
        return self.tokens

    def _negates(self) -> bool:
        following = self.text[self.pos + 1 : self.pos + 2]
        return following not in ("", " ", ")")

    def _paren(self, ch: str) -> None:
        if ch == "(":
            if self.depth >= MAX_DEPTH:
                self.dropped += 1
                self.hints.append(HINT_DEPTH)
                return
            self.depth += 1
        elif self.dropped:
            self.dropped -= 1
            return
        elif self.depth:
            self.depth -= 1
        self.tokens.append(_Token(ch))

    def _quoted(self) -> str | None:
        """Read a quoted string at pos; None (pos past the quote) when it is unclosed."""
        end = self.text.find('"', self.pos + 1)
        if end < 0:
            self.hints.append(HINT_QUOTE)
            self.pos += 1
            return None
        value = self.text[self.pos + 1 : end]
        self.pos = end + 1
        return value

    def _phrase(self) -> None:
        value = self._quoted()
        if value is not None and _has_word(value):
            self.tokens.append(_Token("phrase", value))

    def _bare(self) -> None:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in _STOP:
            self.pos += 1
        word = self.text[start : self.pos]
        if not word:  # unreachable by construction, but never loop forever
            self.pos += 1
            return
        if word in _OPERATORS:
            self.tokens.append(_Token(_OPERATORS[word]))
            return
        name, colon, value = word.partition(":")
        if colon and name.lower() in FILTER_NAMES:
            self._field(name.lower(), value)
        else:
            self.tokens.append(_Token("word", word))

    def _field(self, name: str, value: str) -> None:
        if not value and self.text[self.pos : self.pos + 1] == '"':
            quoted = self._quoted()
            if quoted is not None:
                self.tokens.append(_Token("field", quoted, name))
                return
        self.tokens.append(_Token("field", value, name))


# ---------------------------------------------------------------- parsing


class _Parser:
    __slots__ = ("tokens", "hints", "pos")  # a plain class, as _Lexer

    def __init__(self, tokens: list[_Token], hints: list[str]) -> None:
        self.tokens, self.hints, self.pos = tokens, hints, 0

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def sequence(self, depth: int) -> list[Node]:
        """Parse clauses up to a closing parenthesis (not consumed) or the end."""
        items: list[Node] = []
        pending_or = False
        while (token := self.peek()) is not None:
            if token.kind == ")":
                if depth:
                    break
                self.pos += 1
                self.hints.append(HINT_CLOSE_PAREN)
            elif token.kind == "OR":
                self.pos += 1
                if not items:
                    self.hints.append(Mistake(HINT_OR))
                pending_or = bool(items)
            elif token.kind == "AND":
                self.pos += 1
            elif (node := self.unary(depth)) is not None:
                if pending_or:
                    items[-1] = _either(items[-1], node)
                else:
                    items.append(node)
                pending_or = False
        if pending_or:
            self.hints.append(Mistake(HINT_OR))
        return items

    def unary(self, depth: int) -> Node | None:
        negations = 0
        while (token := self.peek()) is not None and token.kind == "NOT":
            self.pos += 1
            negations += 1
        node = self.atom(depth)
        if node is None:
            if negations:
                self.hints.append(Mistake(HINT_NOT))
            return None
        return Not(node) if negations % 2 else node

    def atom(self, depth: int) -> Node | None:
        token = self.peek()
        if token is None or token.kind in (")", "OR", "AND", "NOT"):
            return None
        self.pos += 1
        if token.kind == "(":
            return self.group(depth)
        if token.kind == "phrase":
            return _phrase(token.text)
        if token.kind == "field":
            return self.field(token)
        return _word(token.text, self.hints)

    def group(self, depth: int) -> Node | None:
        items = self.sequence(depth + 1)
        token = self.peek()
        if token is not None and token.kind == ")":
            self.pos += 1
        else:
            self.hints.append(HINT_OPEN_PAREN)
        return _all(items)

    def field(self, token: _Token) -> Node | None:
        value = token.text
        following = self.peek()
        if not value and following is not None and following.kind in ("word", "phrase"):
            # "title: summit" reads as title:summit
            self.pos += 1
            value = following.text
        return _filter(token.name, value.strip(), self.hints)


def _either(left: Node, right: Node) -> Or:
    children = left.children if isinstance(left, Or) else (left,)
    return Or((*children, right))


def _all(items: list[Node]) -> Node | None:
    if not items:
        return None
    return items[0] if len(items) == 1 else And(tuple(items))


def _phrase(text: str) -> Node:
    stripped = text.rstrip(" *")
    if text.rstrip(" ") != stripped and sum(ch.isalnum() for ch in stripped) >= 2:
        return Prefix(fold(stripped))  # "peace tal*": the last word is a prefix
    return Phrase(fold(text))


def _word(text: str, hints: list[str]) -> Node | None:
    if text.endswith("*"):
        stem = text.rstrip("*")
        if not _has_word(stem):
            return None
        if sum(ch.isalnum() for ch in stem) < 2:
            hints.append(HINT_PREFIX)
            return Term(fold(stem))
        return Prefix(fold(stem))
    if not _has_word(text):
        return None
    name, colon, value = text.partition(":")
    if colon and name.isalpha() and value and not value.startswith("/"):
        hints.append(f"{name}: is not a filter: searching for the words")
    return Term(fold(text))


def _filter(name: str, value: str, hints: list[str]) -> Node | None:
    if name in TEXT_FIELDS:
        return _text_filter(name, value, hints)
    if name in DATE_FIELDS:
        span = date_span(name, value)
        if span is None:
            hints.append(Mistake(f"{name}: needs a date like 2025, 2025-01 or 2025-01-31"))
            return None
        return DateFilter(*span)
    state = STATE_WORDS[name].get(fold(value))
    if state is None:
        hints.append(Mistake(HINT_STATE[name]))
        return None
    return StateFilter(state)


def _text_filter(name: str, value: str, hints: list[str]) -> Node | None:
    prefix = value.endswith("*")
    value = value.rstrip("*")
    if not _has_word(value):
        hints.append(Mistake(f"{name}: needs a word, like {name}:{_EXAMPLES[name]}"))
        return None
    return FieldFilter(name, fold(value), prefix)


_EXAMPLES = {"title": "summit", "tag": "politics", "source": "bbc", "place": "baku"}
_DATE = re.compile(r"(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?")


def date_span(name: str, value: str) -> tuple[date | None, date | None] | None:
    """The [start, end) span of `after:`, `before:` or `date:` with this value, or None."""
    match = _DATE.fullmatch(value)
    if match is None:
        return None
    year, month, day = (int(part) if part else 0 for part in match.groups())
    try:
        first = date(year, month or 1, day or 1)
    except ValueError:
        return None
    if name == "after":
        return first, None
    if name == "before":
        return None, first
    return first, _period_end(first, month, day)


def _period_end(first: date, month: int, day: int) -> date | None:
    """The first day after the year, month or day that `first` opens (None past 9999)."""
    try:
        if day:
            return date.fromordinal(first.toordinal() + 1)
        if month:
            year, month = divmod(first.year * 12 + first.month, 12)
            return date(year, month + 1, 1)
        return date(first.year + 1, 1, 1)
    except (ValueError, OverflowError):
        return None


def normalize_query(text: str) -> tuple[str, str | None]:
    """Make raw input safe to lex: control characters become spaces, length is capped."""
    hint = None
    if len(text) > MAX_LENGTH:
        text, hint = text[:MAX_LENGTH], HINT_LONG
    if not (text.isascii() and text.isprintable()):  # else it holds none of them
        text = _control().sub(" ", text).translate(_QUOTES)
    text = " ".join(text.split())
    return text, hint


def parse(text: str) -> Query:
    """Parse a query string; never raises. Unusable parts are dropped with a hint."""
    if not isinstance(text, str):
        text = str(text)
    cleaned, first_hint = normalize_query(text)
    hints = [first_hint] if first_hint else []
    tokens = _Lexer(cleaned, hints).run()
    parser = _Parser(tokens, hints)
    root = _all(parser.sequence(0))
    mistake = next((str(hint) for hint in hints if isinstance(hint, Mistake)), None)
    return Query(cleaned, root, str(hints[0]) if hints else None, mistake)
