"""A fast path for well-formed RSS and Atom feeds: lxml builds feedparser's result, or declines.

`fast_result` returns the parts of feedparser's result that `reader.feeds.parse` reads
(`version`, `feed`, `entries` with the same keys and values), so both paths share the
code that turns them into entries. It declines (returns None) whenever it is not sure to
give the same values: anything not well-formed, a DOCTYPE, an encoding other than UTF-8,
xml:base (but on an entry's content), an element it does not know, repeated fields,
content with markup feedparser's sanitiser would rewrite. Wrong-but-fast is worse than
slow, so the rules below follow feedparser 6.0's own, which the tests check them against.

Entry HTML is given as the feed wrote it, where feedparser gives it sanitised (that costs
a fifth of feedparser's time): it is only accepted when every tag and character reference
is one the sanitiser keeps, so the one reader of it (`html_to_markdown`, which drops
scripts, styles and event attributes itself) makes the same Markdown. Titles in HTML do go
through the sanitiser, as they are shown as they are.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from urllib.parse import urljoin

from feedparser.mixin import _FeedParserMixin
from feedparser.urls import _urljoin, make_safe_absolute_uri
from lxml import etree

from reader.feeds.dates import feed_date
from reader.feeds.fastxml import (
    ATOM,
    HTML_TYPES,
    NETSCAPE,
    RDF,
    RSS10,
    Decline,
    Dict,
    atom_text,
    attributes,
    html_text,
    key_of,
    no_attrs,
    person,
    plain_text,
    raw_text,
    repair,
    text_of,
)

__all__ = ["fast_result"]

_RSS_VERSIONS = {"0.91": "rss091u", "0.92": "rss092", "0.93": "rss093", "0.94": "rss094"}
_DECLARED = re.compile(rb"\s*<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9._-]{1,40})[\"']")
_VERSION_10 = re.compile(rb"<\?xml\s+version\s*=\s*[\"']1\.0[\"']")
_XMLNS = re.compile(rb"xmlns(?::[^\s=]*)?\s*=\s*[\"']([^\"']*)[\"']")
# xml:base or base= (a literal start keeps the scan fast; text that matches only declines).
_BASE = re.compile(rb"base\s*=")
_BASE_OK = frozenset({f"{{{ATOM}}}content", f"{{{ATOM}}}summary"})
_LINK_ENTITY = re.compile(r"&([A-Za-z0-9_]+);")

_CHANNEL_LEAVES = frozenset(
    [
        "description",
        "language",
        "copyright",
        "managingeditor",
        "webmaster",
        "pubdate",
        "lastbuilddate",
        "category",
        "generator",
        "docs",
        "cloud",
        "ttl",
        "rating",
        "sy:updateperiod",
        "sy:updatefrequency",
        "sy:updatebase",
    ]
)
_CHANNEL_TREES = {
    "image": frozenset(["title", "url", "link", "width", "height", "description"]),
    "textinput": frozenset(["title", "description", "name", "link"]),
    "skiphours": frozenset({"hour"}),
    "skipdays": frozenset({"day"}),
}
_ITEM_LEAVES = frozenset(
    [
        "category",
        "comments",
        "enclosure",
        "source",
        "wfw:commentrss",
        "wfw:comment",
        "slash:comments",
        "dc:subject",
    ]
)
_ATOM_FEED_LEAVES = frozenset(
    ["subtitle", "rights", "generator", "icon", "logo", "updated", "category"]
)
_ATOM_ENTRY_LEAVES = frozenset(["rights", "category"])
# Leaves of other vocabularies in items and entries that feedparser files under keys of
# their own (a thumbnail's address, the original link of a FeedBurner copy).
_MEDIA_LEAVES = frozenset(["media:content", "media:thumbnail", "feedburner:origlink"])


def fast_result(data: bytes, url: str | None) -> Dict | None:
    """feedparser's `version`, `feed` and `entries` for a plain, well-formed feed, else None."""
    try:
        return _result(data, url)
    except Decline:
        return None


def _result(data: bytes, url: str | None) -> Dict:
    uris, has_base = _check_bytes(data)
    if url and not _DECLARED.match(data.removeprefix(b"\xef\xbb\xbf")) and not data.isascii():
        # Given a URL (as an HTTP header without a content type), feedparser reads a
        # document that names no encoding as ISO-8859-1, which lxml does not.
        raise Decline
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError) as error:
        raise Decline from error
    reader = _Reader(_base(url))
    if has_base:
        _check_bases(root, reader.base)
    if root.tag == "rss" and not uris & {RSS10, NETSCAPE}:
        result = reader.rss(root)
    elif root.tag == f"{{{ATOM}}}feed" and not uris & {RSS10, NETSCAPE}:
        result = reader.atom(root)
    elif root.tag == f"{{{RDF}}}RDF" and not uris & {ATOM.lower(), NETSCAPE}:
        result = reader.rdf(root)
    else:
        raise Decline
    if not result["entries"]:
        raise Decline  # an empty feed is rare: feedparser tells it from a broken one
    return result


def _check_bytes(data: bytes) -> tuple[set[str], bool]:
    """The namespace URIs the document declares (lowercased) and whether it may hold an
    xml:base; Decline for what lxml and feedparser might read differently (other
    encodings, DOCTYPEs)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.lstrip().startswith(b"<"):
        raise Decline
    if data.startswith(b"<?xml") and not _VERSION_10.match(data):
        raise Decline  # XML 1.1, which expat (feedparser's strict parser) does not read
    declared = _DECLARED.match(data)
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        raise Decline
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Decline from error
    lowered = data.lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered:
        raise Decline
    return {uri.decode() for uri in _XMLNS.findall(lowered)}, bool(_BASE.search(lowered))


def _check_bases(root: etree._Element, base: str) -> None:
    """Decline any xml:base but one on an Atom entry's text content or summary, given a
    base of the feed's own: feedparser resolves nothing inside those, and puts the feed's
    base back after them (without one it keeps the element's for the rest of the feed)."""
    for element in root.iter():
        for name in element.attrib:
            if str(name).rsplit("}", 1)[-1].lower() != "base":
                continue
            parent = element.getparent()
            if not base or element.tag not in _BASE_OK or parent is None:
                raise Decline
            if parent.tag != f"{{{ATOM}}}entry" or len(element):
                raise Decline


def _base(url: str | None) -> str:
    """The base feedparser resolves relative links against (the feed's URL, when usable)."""
    base = make_safe_absolute_uri("", url or "") or make_safe_absolute_uri(url or "") or ""
    # feedparser re-derives its base at every element start, which can change it once
    # ("file:///a" becomes "file://a"); take it as the first element leaves it, if stable.
    base = _base_step(base)
    if _base_step(base) != base:
        raise Decline
    return base


def _base_step(base: str) -> str:
    step: str = make_safe_absolute_uri(base, base) or base if base else ""
    return step


def resolve_against(base: str, uri: str) -> str:
    """feedparser's `_urljoin`: it first drops slashes after a scheme's `://`, by a
    substitution that costs more than the join and, without `:///`, changes nothing."""
    if ":///" in uri:
        joined: str = _urljoin(base, uri)
        return joined
    try:
        return urljoin(base, uri)
    except ValueError:
        return ""


def _date(text: str) -> time.struct_time | None:
    return feed_date(text)


class _Reader:
    """Reads one document with feedparser's rules, relative links against `base`."""

    def __init__(self, base: str) -> None:
        self.base = base

    def resolve(self, uri: str) -> str:
        return resolve_against(self.base, uri)

    # RSS ---------------------------------------------------------------------------------

    def rss(self, root: etree._Element) -> Dict:
        attrs = attributes(root)
        version = attrs.get("version", "")
        kind = _RSS_VERSIONS.get(version) or ("rss20" if version.startswith("2.") else "rss")
        if set(attrs) - {"version"} or len(root) != 1 or key_of(root[0]) != "channel":
            raise Decline
        if root[0].attrib:
            raise Decline  # feedparser reads a channel's href= as its link
        feed: Dict = {}
        entries: list[Dict] = []
        seen: set[str] = set()
        for child in root[0]:
            key = key_of(child)
            if key == "item":
                entries.append(self.item(child))
            else:
                self.channel_child(child, key, feed, seen)
        return {"version": kind, "feed": feed, "entries": entries}

    def rdf(self, root: etree._Element) -> Dict:
        feed: Dict = {}
        entries: list[Dict] = []
        seen: set[str] = set()
        for child in root:
            key = key_of(child)
            if key == "channel" and not entries and not seen:
                self.rdf_channel(child, feed, seen)
            elif key == "item" and seen:
                entries.append(self.item(child, about=True))
            elif key in ("image", "textinput") and seen:
                _tree(child, _CHANNEL_TREES[key])
            else:
                raise Decline
        return {"version": "rss10", "feed": feed, "entries": entries}

    def rdf_channel(self, channel: etree._Element, feed: Dict, seen: set[str]) -> None:
        if set(attributes(channel)) - {"about"}:
            raise Decline
        seen.add("channel")
        for child in channel:
            key = key_of(child)
            if key == "items":
                continue  # the rdf:Seq of item addresses, which feedparser ignores
            if key in ("image", "textinput") and not len(child):
                continue  # a reference to the sibling element
            self.channel_child(child, key, feed, seen)

    def channel_child(self, child: etree._Element, key: str, feed: Dict, seen: set[str]) -> None:
        if key in seen and key not in ("category", "dc:subject"):
            raise Decline
        seen.add(key)
        if key == "title" or key == "link":
            if child.attrib:
                raise Decline
            if key == "title":
                feed["title"] = plain_text(child)
            else:
                text = raw_text(child)
                text = repair(self.resolve(text) if text else text)
                feed["link"] = _LINK_ENTITY.sub(r"&\g<1>", text)
        elif key == "atom:link":
            attrs = attributes(child)
            rel = attrs.get("rel", "alternate").lower()
            if rel == "alternate" or "href" not in attrs or attrs.keys() & {"url", "uri"}:
                raise Decline
            if len(child):
                raise Decline
        elif key in _CHANNEL_TREES:
            _tree(child, _CHANNEL_TREES[key])
        elif key not in _CHANNEL_LEAVES or len(child):
            raise Decline

    def item(self, item: etree._Element, *, about: bool = False) -> Dict:
        entry: Dict = {}
        attrs = attributes(item)
        if about:
            # feedparser takes rdf:about as the id as it stands (not stripped or resolved).
            if attrs.keys() - {"about"}:
                raise Decline
            if "about" in attrs:
                entry["id"] = attrs["about"]
        elif attrs:
            raise Decline
        seen: set[str] = set()
        for child in item:
            key = key_of(child)
            if key in seen and key not in ("category", "dc:subject"):
                raise Decline
            seen.add(key)
            handler = _ITEM_HANDLERS.get(key)
            if handler is not None:
                handler(self, child, entry)
            elif (key not in _ITEM_LEAVES and key not in _MEDIA_LEAVES) or len(child):
                raise Decline
        if len(seen & {"author", "dc:creator"}) > 1:
            raise Decline
        return entry

    def item_title(self, child: etree._Element, entry: Dict) -> None:
        if child.attrib:
            raise Decline
        entry["title"] = plain_text(child)

    def item_link(self, child: etree._Element, entry: Dict) -> None:
        if child.attrib:
            raise Decline
        text = raw_text(child)
        text = repair(self.resolve(text) if text else text)
        text = _LINK_ENTITY.sub(r"&\g<1>", text.replace("&amp;", "&"))
        entry["link"] = text

    def item_guid(self, child: etree._Element, entry: Dict) -> None:
        attrs = attributes(child)
        if attrs.keys() - {"ispermalink"}:
            raise Decline
        is_link = attrs.get("ispermalink", "true") == "true"
        text = raw_text(child)
        text = repair(self.resolve(text) if text and is_link else text)
        entry["id"] = text
        if is_link:
            entry.setdefault("link", text)

    def item_description(self, child: etree._Element, entry: Dict) -> None:
        if child.attrib:
            raise Decline
        entry["summary"] = html_text(text_of(child))

    def item_content(self, child: etree._Element, entry: Dict) -> None:
        if child.attrib:
            raise Decline
        value = html_text(text_of(child))
        entry.setdefault("content", []).append({"value": value})
        entry.setdefault("summary", value)

    def item_author(self, child: etree._Element, entry: Dict) -> None:
        if child.attrib:
            raise Decline
        entry["author"] = text_of(child)

    def item_published(self, child: etree._Element, entry: Dict) -> None:
        if child.attrib:
            raise Decline
        entry["published_parsed"] = _date(text_of(child))

    def item_updated(self, child: etree._Element, entry: Dict) -> None:
        if child.attrib:
            raise Decline
        entry["updated_parsed"] = _date(text_of(child))

    # Atom --------------------------------------------------------------------------------

    def atom(self, root: etree._Element) -> Dict:
        if set(root.attrib.keys()) - {"{http://www.w3.org/XML/1998/namespace}lang"}:
            raise Decline
        feed: Dict = {}
        entries: list[Dict] = []
        seen: set[str] = set()
        for child in root:
            key = key_of(child)
            if key == "atom:entry":
                entries.append(self.atom_entry(child))
                continue
            if key in seen and key not in ("atom:link", "atom:category", "atom:contributor"):
                raise Decline
            seen.add(key)
            if not self.atom_common(child, key, feed) and not _leaf(child, key, _ATOM_FEED_LEAVES):
                raise Decline
        return {"version": "atom10", "feed": feed, "entries": entries}

    def atom_entry(self, element: etree._Element) -> Dict:
        if element.attrib:
            raise Decline
        entry: Dict = {}
        seen: set[str] = set()
        for child in element:
            key = key_of(child)
            if key in seen and key not in ("atom:link", "atom:category", "atom:contributor"):
                raise Decline
            seen.add(key)
            if self.atom_common(child, key, entry):
                continue
            if key == "atom:summary":
                entry["summary"] = atom_text(child, html_ok=True)
            elif key == "atom:content":
                self.atom_content(child, entry)
            elif key == "atom:published":
                entry["published_parsed"] = _date(text_of(no_attrs(child)))
            elif not _leaf(child, key, _ATOM_ENTRY_LEAVES) and (
                key not in _MEDIA_LEAVES or len(child)
            ):
                raise Decline
        return entry

    def atom_common(self, child: etree._Element, key: str, context: Dict) -> bool:
        """Read what feed and entry share; False for an element that is not one of them."""
        if key == "atom:title":
            context["title"] = atom_text(child, html_ok=False)
        elif key == "atom:id":
            text = raw_text(no_attrs(child))
            # feedparser reads an Atom id as an RSS guid that is a permalink.
            text = repair(self.resolve(text) if text else text)
            context["id"] = text
            context.setdefault("link", text)
        elif key == "atom:link":
            self.atom_link(child, context)
        elif key == "atom:updated":
            context["updated_parsed"] = _date(text_of(no_attrs(child)))
        elif key == "atom:author":
            context["author"], context["author_detail"] = person(child)
        elif key == "atom:contributor":
            person(child)
        else:
            return False
        return True

    def atom_link(self, child: etree._Element, context: Dict) -> None:
        attrs = attributes(child)
        if len(child) or "href" not in attrs or attrs.keys() & {"url", "uri"}:
            raise Decline
        rel = attrs.get("rel", "alternate").lower()
        default = "application/atom+xml" if rel == "self" else "text/html"
        kind = _FeedParserMixin.map_content_type(attrs.get("type", default).lower())
        if rel == "alternate" and kind in HTML_TYPES:
            context["link"] = self.resolve(attrs["href"])

    def atom_content(self, child: etree._Element, entry: Dict) -> None:
        attrs = attributes(child)
        if attrs.keys() - {"type", "base"}:
            raise Decline
        value = atom_text(child, html_ok=True)
        entry.setdefault("content", []).append({"value": value})
        entry.setdefault("summary", value)


def _leaf(element: etree._Element, key: str, leaves: frozenset[str]) -> bool:
    """True for an Atom element among `leaves` without children (read by nothing here)."""
    return key.startswith("atom:") and key[5:] in leaves and not len(element)


def _tree(element: etree._Element, children: frozenset[str]) -> None:
    """Accept a channel element whose children are known leaves (an image, a text input)."""
    for child in element:
        if key_of(child) not in children or len(child):
            raise Decline


Handler = Callable[[_Reader, etree._Element, Dict], None]
_ITEM_HANDLERS: dict[str, Handler] = {
    "title": _Reader.item_title,
    "link": _Reader.item_link,
    "guid": _Reader.item_guid,
    "description": _Reader.item_description,
    "content:encoded": _Reader.item_content,
    "author": _Reader.item_author,
    "dc:creator": _Reader.item_author,
    "pubdate": _Reader.item_published,
    "dc:date": _Reader.item_updated,
}
