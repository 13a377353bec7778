"""Newsboat's filter expressions (query feeds) turned into reader's search language."""

from __future__ import annotations

import re

_TOKEN = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|(!=|=~|!~|!#|<=|>=|[=#<>()])|([^\s"=!#<>()~]+))')
_PLAIN = re.compile(r"[\w-]+")


def translate(expression: str) -> tuple[str, str]:
    """(reader query, "") for an expression reader can search; ("", why not) otherwise.

    Understood: `unread = "yes"/"no"`, `tags # "x"`, `tags !# "x"`, `flags # "x"` (any
    flag: reader calls a flagged item bookmarked), `title =~ "word"`, `content =~ "word"`,
    each joined by `and`.
    """
    tokens = _tokens(expression)
    if tokens is None or not tokens:
        return "", f"cannot read the filter expression {expression!r}"
    terms: list[list[str]] = [[]]
    for token in tokens:
        if token == "and":
            terms.append([])
        elif token in ("or", "(", ")"):
            return "", f"uses {token!r}, which a saved search cannot express yet"
        else:
            terms[-1].append(token)
    parts = []
    for term in terms:
        part = _term(term)
        if part.startswith("!"):
            return "", part[1:]
        parts.append(part)
    return " ".join(parts), ""


def _tokens(expression: str) -> list[str] | None:
    tokens: list[str] = []
    position = 0
    text = expression.strip()
    while position < len(text):
        found = _TOKEN.match(text, position)
        if found is None or found.end() == position:
            return None
        quoted, operator, word = found.groups()
        if quoted is not None:
            tokens.append("\0" + re.sub(r"\\(.)", r"\1", quoted))
        else:
            tokens.append(operator or word)
        position = found.end()
        while position < len(text) and text[position].isspace():
            position += 1
    return tokens


def _term(term: list[str]) -> str:
    """One `attribute operator value` as a query word, or "!reason" when it has none."""
    if len(term) != 3:
        return f"!cannot read {' '.join(t.lstrip(chr(0)) for t in term)!r}"
    attribute, operator, value = term[0], term[1], term[2].lstrip("\0")
    shown = f"{attribute} {operator} {value!r}"
    if attribute == "unread" and operator in ("=", "!="):
        unread = (value == "yes") == (operator == "=")
        return "is:unread" if unread else "is:read"
    if attribute == "tags" and operator in ("#", "!#") and _PLAIN.fullmatch(value):
        return ("-" if operator == "!#" else "") + f"tag:{value}"
    if attribute == "flags" and operator == "#" and value:
        return "is:bookmarked"
    if attribute in ("title", "content") and operator == "=~" and _PLAIN.fullmatch(value):
        return f"title:{value}" if attribute == "title" else value
    return f"!{shown} has no equivalent in reader's search"
