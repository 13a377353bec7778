"""Feed XML as feedparser reads it: element names, text with its repairs, HTML it keeps.

Helpers of `reader.feeds.fastparse`; each raises `Decline` where feedparser's result is not
certain (markup inside text, HTML its sanitiser would rewrite, unknown namespaces).
"""

from __future__ import annotations

import contextlib
import re
from html.entities import name2codepoint
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.sanitizer import _HTMLSanitizer, _sanitize_html
from lxml import etree

ATOM = "http://www.w3.org/2005/Atom"
RSS10 = "http://purl.org/rss/1.0/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
NETSCAPE = "http://my.netscape.com/rdf/simple/0.9/"

# Namespaces whose elements are read or known to be harmless, by feedparser's prefix.
_PREFIXES = {
    "": "",
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
    "http://purl.org/rss/1.0/modules/slash/": "slash",
    "http://purl.org/rss/1.0/modules/syndication/": "sy",
    "http://search.yahoo.com/mrss/": "media",
    "http://rssnamespace.org/feedburner/ext/1.0": "feedburner",
    RDF: "rdf",
}

_XHTML_NS = "{http://www.w3.org/1999/xhtml}"
_XHTML_DIV = _XHTML_NS + "div"
# Elements without an end tag: an HTML parser reads "</br>" as a second <br>.
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "keygen",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_KEPT_TAGS = frozenset(_HTMLSanitizer.acceptable_elements)

_TAG = re.compile(r"<(/?)([^\s/>]*)")
_REFERENCE_START = re.compile(r"&(?=[#A-Za-z])")
_REFERENCE = re.compile(r"&(?:([A-Za-z][A-Za-z0-9]*)|#([0-9]{1,7}|[xX][0-9a-fA-F]{1,6}));")

_PERSON = frozenset({"name", "email", "uri"})


Dict = dict[str, Any]


class Decline(Exception):
    """The fast path is not sure to give feedparser's result."""


def key_of(element: etree._Element) -> str:
    """feedparser's name for an element: "title", "dc:creator", "atom:link"."""
    tag = element.tag
    try:
        return _KEYS[tag]
    except (KeyError, TypeError):
        pass
    if not isinstance(tag, str):
        raise Decline
    key = _tag_key(tag)
    if len(_KEYS) < 4096:  # tag names come from the feed: keep the cache bounded
        _KEYS[tag] = key
    return key


_KEYS: dict[str, str] = {}


def _tag_key(tag: str) -> str:
    if tag[0] != "{":
        return tag.lower()
    uri, local = tag[1:].split("}", 1)
    if uri in (ATOM, RSS10):
        return ("atom:" if uri == ATOM else "") + local.lower()
    prefix = _PREFIXES.get(uri)
    if not prefix:
        raise Decline
    return f"{prefix}:{local.lower()}"


def text_of(element: etree._Element) -> str:
    """The element's text as feedparser's `pop` leaves it: stripped, then its two repairs."""
    if len(element):
        raise Decline  # markup inside a text element: feedparser reads it as XHTML
    return repair((element.text or "").strip())


def repair(text: str) -> str:
    # feedparser re-reads text that decodes as UTF-8 once encoded as Latin-1 (text
    # encoded twice), then maps C1 controls to the Windows-1252 characters they stand for.
    if text.isascii():
        return text  # both repairs leave ASCII as it is
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        text = text.encode("iso-8859-1").decode("utf-8")
    return text.translate(_cp1252)


def plain_text(element: etree._Element) -> str:
    """RSS text as feedparser gives it: as it is, or sanitised when it looks like HTML."""
    text = raw_text(element)
    if _FeedParserMixin.looks_like_html(text):
        text = sanitised(text)
    return repair(text)


def sanitised(text: str) -> str:
    """A title in HTML through feedparser's own sanitiser (short, so cheap; entry bodies are
    left as they are, see the module's docstring)."""
    if "<" not in text and "&" not in text and "\r" not in text:
        return text  # the sanitiser gives such text back as it is, stripped
    clean: str = _sanitize_html(text, "utf-8", "text/html")
    return clean


def html_text(text: str) -> str:
    """HTML feedparser's sanitiser keeps as markup: every tag one it allows, every
    reference one it passes on (it rewrites "&bogus;" as "&amp;bogus")."""
    if "\r" in text or "<!" in text or "<?" in text:
        raise Decline
    for _slash, name in _TAG.findall(text):
        if name.lower() not in _KEPT_TAGS:
            raise Decline
    if "&" in text:
        for start in _REFERENCE_START.finditer(text):
            if not _plain_reference(_REFERENCE.match(text, start.start())):
                raise Decline
    return text


def _plain_reference(found: re.Match[str] | None) -> bool:
    if found is None:
        return False
    name, number = found.group(1), found.group(2)
    if name is not None:
        return name in name2codepoint
    value = int(number[1:], 16) if number[0] in "xX" else int(number)
    return 0x20 <= value < 0xD800 or 0xE000 <= value <= 0x10FFFF and value not in (0xFFFE, 0xFFFF)


def attributes(element: etree._Element) -> dict[str, str]:
    """Attributes by lowercased local name, as feedparser reads them."""
    out: dict[str, str] = {}
    for name, value in element.attrib.items():
        key = str(name).rsplit("}", 1)[-1].lower()
        out[key] = str(value)
    return out


def raw_text(element: etree._Element) -> str:
    if len(element):
        raise Decline
    return (element.text or "").strip()


def no_attrs(element: etree._Element) -> etree._Element:
    if element.attrib:
        raise Decline
    return element


def atom_text(element: etree._Element, *, html_ok: bool) -> str:
    """An Atom text construct: plain text as it is, HTML when allowed and kept as markup."""
    attrs = attributes(element)
    if attrs.keys() - {"type", "base"}:  # xml:base as _check_bases allows it
        raise Decline
    kind = _FeedParserMixin.map_content_type(attrs.get("type", "text").lower())
    if kind == "application/xhtml+xml" and html_ok:
        return html_text(repair(xhtml_markup(element).strip()))
    if kind == "text/plain":
        return text_of(element)
    if kind != "text/html":
        raise Decline  # XHTML titles, base64 and other media types
    if html_ok:
        return html_text(text_of(element))
    # A title in HTML: feedparser gives its sanitised markup.
    return repair(sanitised(raw_text(element)))


def xhtml_markup(element: etree._Element) -> str:
    """Inline XHTML as the markup feedparser rebuilds from it, without the wrapping <div>."""
    children = list(element)
    if len(children) != 1 or (element.text or "").strip() or (children[0].tail or "").strip():
        raise Decline
    div = children[0]
    if div.tag != _XHTML_DIV:
        raise Decline
    out = [escape(div.text or "")]
    for event, node in etree.iterwalk(div, events=("start", "end")):
        if node is div:
            continue
        tag = node.tag
        if not isinstance(tag, str) or not tag.startswith(_XHTML_NS):
            raise Decline
        name = tag[len(_XHTML_NS) :]
        if event == "start":
            out.append(f"<{name}{_xhtml_attrs(node)}>{escape(node.text or '')}")
        else:
            if name not in _VOID:
                out.append(f"</{name}>")
            out.append(escape(node.tail or ""))
    return "".join(out)


def _xhtml_attrs(node: etree._Element) -> str:
    parts = []
    for name, value in node.attrib.items():
        if "}" in str(name):
            raise Decline
        parts.append(f" {name}={quoteattr(str(value))}")
    return "".join(parts)


def person(element: etree._Element) -> tuple[str, Dict]:
    """An Atom author's `author` and `author_detail` as feedparser sets them."""
    if element.attrib or (element.text or "").strip():
        raise Decline
    detail: Dict = {}
    for child in element:
        key = key_of(child)
        if not key.startswith("atom:") or key[5:] not in _PERSON or key[5:] in detail:
            raise Decline
        if child.attrib or len(child) or (child.tail or "").strip():
            raise Decline
        # Names and e-mail addresses skip the repairs feedparser gives other text.
        detail[key[5:]] = (child.text or "").strip()
    name, email = detail.get("name"), detail.get("email")
    if name and email:
        return f"{name} ({email})", detail
    return name or email or "", detail
