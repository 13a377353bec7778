"""OPML subscription lists: reading them (forgiving clear mistakes) and writing them."""

from __future__ import annotations

import dataclasses
import html.entities
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.feeds.common import (
    ENTITY_REFUSAL,
    FeedError,
    declares_entities,
    is_web_url,
    normalize_url,
)

if TYPE_CHECKING:
    from reader.feeds.registry import Subscription

__all__ = ["Outline", "importable", "read_opml", "write_opml"]

MAX_FOLDER_TAGS = 8
"""Folders deeper than this add no more tags: the tag lists stay short, and a list nested
thousands deep is read in linear time."""
_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})
_AMPERSAND = re.compile(r"&(#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)?")
_QUOTED = re.compile(r'(=\s*)(?:"([^"]*)"|\'([^\']*)\')')


@dataclass(frozen=True, slots=True)
class Outline:
    """One feed of an OPML list: its URL, its title, and the folders it sits in as tags."""

    url: str
    title: str
    tags: tuple[str, ...] = ()


def read_opml(data: bytes) -> list[Outline]:
    """The feeds an OPML document lists, in order, each URL once (its tags merged).

    FeedError with a one-line reason when the bytes are not OPML.
    """
    if declares_entities(data):
        raise FeedError(ENTITY_REFUSAL)
    root = _parse(data)
    if _local(root.tag) != "opml":
        raise FeedError(f"not an OPML file: the document is <{_local(root.tag)}>")
    body = next((child for child in root if _local(child.tag) == "body"), None)
    found: dict[str, Outline] = {}
    if body is not None:
        for outline in _walk(body, ()):
            key = normalize_url(outline.url)
            known = found.get(key)
            if known is None:
                found[key] = outline
            else:
                merged = known.tags + tuple(t for t in outline.tags if t not in known.tags)
                found[key] = Outline(known.url, known.title, merged)
    return list(found.values())


def importable(
    outlines: Iterable[Outline], base: Path
) -> tuple[list[Outline], list[tuple[str, str]]]:
    """The outlines `reader feeds add` would take, and (address, reason) for the others.

    As with `feeds add`, a feed is an http(s) URL or a local file; a file's path is made
    absolute, a relative one read from `base` (the list's own folder), so a list written
    by `feeds export` comes back whole.
    """
    from reader.web.fetch import FetchError, check_url

    taken: list[Outline] = []
    refused: list[tuple[str, str]] = []
    for outline in outlines:
        address = outline.url.strip()
        try:
            if is_web_url(address):
                taken.append(dataclasses.replace(outline, url=check_url(address)))
            else:
                taken.append(dataclasses.replace(outline, url=_local_feed(address, base)))
        except (FeedError, FetchError) as error:
            refused.append((address, str(error)))
    return taken, refused


def _local_feed(address: str, base: Path) -> str:
    if "://" in address or address.lower().startswith(("file:", "data:", "javascript:")):
        raise FeedError("only http(s) URLs and local files can be feeds")
    try:
        path = Path(address).expanduser()
    except RuntimeError:  # ~user naming nobody
        path = Path(address)
    path = path if path.is_absolute() else base / path
    try:
        if not path.is_file():
            raise FeedError("no such file" if not path.exists() else "not a file")
        return str(path.resolve())
    except OSError as error:  # a name too long for the file system
        raise FeedError(f"cannot read: {error.strerror or error}") from None


def _walk(parent: Any, folders: tuple[str, ...]) -> Iterable[Outline]:
    # A stack rather than recursion: folders nested thousands deep must not overflow.
    stack: list[tuple[Iterator[Any], tuple[str, ...]]] = [(iter(parent), folders)]
    while stack:
        nodes, folders = stack[-1]
        node = next(nodes, None)
        if node is None:
            stack.pop()
            continue
        if _local(node.tag) != "outline":
            continue
        label = _label(node)
        url = (node.get("xmlUrl") or node.get("xmlurl") or "").strip()
        if url:
            tags = folders + _categories(node.get("category"))
            yield Outline(url, label or url, tuple(dict.fromkeys(tags)))
        elif label and label not in folders and len(folders) < MAX_FOLDER_TAGS:
            stack.append((iter(node), folders + (label,)))
        else:
            stack.append((iter(node), folders))


def _label(node: Any) -> str:
    text = node.get("title") or node.get("text") or ""
    return " ".join(str(text).split())


def _categories(value: str | None) -> tuple[str, ...]:
    """Tags from OPML's `category` attribute ("/News/Local,Tech")."""
    if not value:
        return ()
    parts = (piece.strip() for chunk in value.split(",") for piece in chunk.split("/"))
    return tuple(part for part in parts if part)


def _local(tag: object) -> str:
    return str(tag).rpartition("}")[2].lower() if isinstance(tag, str) else ""


# Parsing: strict first, then repaired, then lxml's recovering parser ------------------


def _parse(data: bytes) -> Any:
    try:
        return _strict(data)
    except ET.ParseError as error:
        first = error
    repaired = _repair(data)
    if repaired is not None:
        try:
            return _strict(repaired)
        except ET.ParseError:
            pass
    return _recover(data, first)


def _strict(data: bytes) -> ET.Element:
    # expat behind ElementTree never loads external entities or DTDs; internal entities
    # were already refused, so nothing here reads a file or the network.
    parser = ET.XMLParser()
    try:
        parser.feed(data)
        return parser.close()
    except (LookupError, ValueError) as error:  # an unknown or multi-byte encoding
        raise ET.ParseError(str(error)) from None


def _repair(data: bytes) -> bytes | None:
    """Fix clear-intent mistakes: a bare `&`, HTML entities, a `<` inside an attribute."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    text = _QUOTED.sub(_escape_lt, text)
    fixed = _AMPERSAND.sub(_fix_ampersand, text)
    fixed = re.sub(r'(<\?xml[^>]*encoding=)["\'][^"\']*["\']', r'\1"utf-8"', fixed, count=1)
    return fixed.encode("utf-8") if fixed != data.decode("utf-8") else None


def _fix_ampersand(match: re.Match[str]) -> str:
    reference = match.group(1)
    if reference is None:
        return "&amp;"  # a bare ampersand in a title or a URL's query
    if reference.startswith("#") or reference[:-1] in _XML_ENTITIES:
        return match.group(0)
    named = html.entities.html5.get(reference)
    if named is None:
        return "&amp;" + reference
    return named.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def _escape_lt(match: re.Match[str]) -> str:
    value = match.group(2) if match.group(2) is not None else match.group(3)
    if "<" not in value:
        return match.group(0)
    quote = '"' if match.group(2) is not None else "'"
    return f"{match.group(1)}{quote}{value.replace('<', '&lt;')}{quote}"


def _recover(data: bytes, first: ET.ParseError) -> Any:
    from lxml import etree

    parser = etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.Error:
        root = None
    if root is None:
        raise FeedError(f"not a readable OPML file: {_describe(first)}")
    return root


def _describe(error: ET.ParseError) -> str:
    reason = " ".join(str(error).split(":")[0].split())
    position = getattr(error, "position", None)
    if not position:
        return reason
    return f"{reason} (line {position[0]}, column {position[1] + 1})"


# Writing ---------------------------------------------------------------------------


def write_opml(subscriptions: Sequence[Subscription], title: str = "reader feeds") -> str:
    """An OPML 2.0 document listing the feeds, one folder per tag (untagged feeds at the top)."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(root, "body")
    folders: dict[str, ET.Element] = {}
    for sub in sorted(subscriptions, key=lambda s: s.name):
        if not sub.tags:
            body.append(_feed_outline(sub))
        for tag in sub.tags:
            folder = folders.get(tag)
            if folder is None:
                folder = folders[tag] = ET.Element("outline", text=tag, title=tag)
            folder.append(_feed_outline(sub))
    for tag in sorted(folders):
        body.append(folders[tag])
    ET.indent(root, space="  ")
    text = ET.tostring(root, encoding="unicode", xml_declaration=False)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n"


def _feed_outline(sub: Subscription) -> ET.Element:
    return ET.Element("outline", type="rss", text=sub.title, title=sub.title, xmlUrl=sub.url)
