"""HTML to Markdown: a small converter that keeps every piece of text, escaped as text."""

from __future__ import annotations

import re
import threading
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml.html import HtmlElement, HTMLParser

from reader.sources.decode import strip_controls
from reader.sources.md_inline import InlineBuilder, escape_line

MAX_DEPTH = 120
"""Elements nested deeper than this are read as plain text (keeps recursion bounded)."""

_DEPTH_ERROR = "Excessive depth"
"""libxml2 stops parsing (and loses the rest of the page) past 256 levels of nesting."""

# Tags kept when a too-deep page is flattened: those that carry the text's shape and do
# not nest; every other tag (div, span, table, lists, inline styles) is removed.
_NOT_KEPT_WHEN_FLAT = re.compile(
    rb"</?(?!(?:p|h[1-6]|br|hr|pre|img|script|style|noscript|template|head|title|meta|link"
    rb"|html|body)[\s/>])[a-zA-Z][^>]*>"
)

# Text and everything inside it goes: not part of what a reader reads.
_DROPPED_TAGS = (
    "script style iframe frame frameset form noscript template object embed svg math "
    "canvas button input select textarea head title meta link audio video source track "
    "map area dialog"
)
_DROPPED = frozenset(_DROPPED_TAGS.split())
_CONTAINER_TAGS = (
    "html body div section article main header footer aside nav address center figure "
    "figcaption details summary fieldset legend hgroup dl dt dd caption thead tbody tfoot "
    "tr td th search"
)
_CONTAINERS = frozenset(_CONTAINER_TAGS.split())
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_LISTS = frozenset({"ul", "ol", "menu", "dir"})
# Emphasis is written `_x_`, not `*x*`: a `*` next to `**` would make one run of stars
# that Markdown splits differently from the page's nesting.
_WRAPPERS = {
    "em": "_",
    "i": "_",
    "cite": "_",
    "dfn": "_",
    "var": "_",
    "strong": "**",
    "b": "**",
    "s": "~~",
    "strike": "~~",
    "del": "~~",
}
_CODE = frozenset({"code", "kbd", "samp", "tt"})
_LINK_SCHEMES = frozenset({"http", "https", "mailto", "ftp"})
_URL_DROPPED = str.maketrans(dict.fromkeys("\t\n\r"))

_BACKTICKS = re.compile(r"`+")
_QUOTE_TAG = re.compile(rb"<[qQ][\s/>]")
_NONCHARACTERS_TEXT = ("\ufffe", "\uffff")
_NONCHARACTERS = tuple(char.encode() for char in _NONCHARACTERS_TEXT)
_SIMPLE_PARAGRAPHS = re.compile(r"[ \t\n\r\f]*(?:<p>[^<]*</p>[ \t\n\r\f]*)+")
_SIMPLE_PARAGRAPH = re.compile(r"<p>([^<]*)</p>")


def parse_html(data: bytes) -> HtmlElement | None:
    """Parse UTF-8 HTML bytes safely; None for an empty document.

    A page nested deeper than libxml2 allows is flattened to its paragraphs and parsed
    again, so its text is not lost; raises ValueError if even that is too deep.
    """
    # lxml keeps these in the text it parses but refuses them in text set later on.
    data = data.replace(_NONCHARACTERS[0], b"").replace(_NONCHARACTERS[1], b"")
    parser = _parser()
    root = etree.fromstring(data, parser)
    if _too_deep(parser):
        flat = _NOT_KEPT_WHEN_FLAT.sub(b" ", data)
        root = etree.fromstring(flat, parser)
        if _too_deep(parser):
            raise ValueError("page is nested too deeply to read")
    return root if isinstance(root, HtmlElement) else None


_PARSERS = threading.local()


def _parser() -> HTMLParser:
    """This thread's HTML parser, made once: a refresh parses thousands of entries, and
    making a parser costs about as much as parsing a short one. (Its error log holds the
    last parse's errors only; a parser must not be shared between threads.)"""
    parser: HTMLParser | None = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = HTMLParser(
            encoding="utf-8",
            remove_comments=True,
            remove_pis=True,
            no_network=True,
            collect_ids=False,
            default_doctype=False,
        )
    return parser


def quote_inline(root: etree._Element) -> None:
    """Turn each <q> into its text between quotation marks, as browsers show it."""
    for quote in list(root.iter("q")):
        quote.text = "“" + (quote.text or "")
        if len(quote):
            quote[-1].tail = (quote[-1].tail or "") + "”"
        else:
            quote.text += "”"
        quote.tag = "span"


def _too_deep(parser: HTMLParser) -> bool:
    return any(_DEPTH_ERROR in entry.message for entry in parser.error_log)


def html_to_markdown(fragment: str, *, base_url: str | None = None) -> str:
    """Convert a whole HTML fragment (a feed entry's content) to Markdown, keeping everything."""
    text = strip_controls(fragment)
    data = text.encode("utf-8", errors="replace")
    if not data.strip():
        return ""
    simple = _simple_paragraphs(text if text.isascii() else data.decode("utf-8"))
    if simple is not None:
        return simple
    try:
        root = parse_html(data)
        if root is None:
            return ""
        if _QUOTE_TAG.search(data):  # most entries have no <q>: their tree is not walked
            quote_inline(root)
        return markdown_from_tree(root, base_url=base_url)
    # The parser and the walk are fed untrusted markup: whatever goes wrong, the text
    # is still worth having, as escaped plain paragraphs.
    except (ValueError, RecursionError, etree.LxmlError):
        return _plain(data)


def _simple_paragraphs(text: str) -> str | None:
    """The Markdown for a fragment that is only text, or only `<p>` elements of text (no
    markup or character references in them), as the parse and the walk would make it;
    None for any other fragment. Many feeds' entries are such, and this is twice as quick."""
    if "&" in text or _NONCHARACTERS_TEXT[0] in text or _NONCHARACTERS_TEXT[1] in text:
        return None
    if "<" not in text:
        paragraphs = [text]
    elif _SIMPLE_PARAGRAPHS.fullmatch(text):
        paragraphs = _SIMPLE_PARAGRAPH.findall(text)
    else:
        return None
    blocks: list[str] = []
    for paragraph in paragraphs:
        line = InlineBuilder()
        line.text(paragraph)
        _flush(line, blocks)
    return "\n\n".join(blocks).strip()


def _plain(data: bytes) -> str:
    from reader.sources.markdown import html_text

    text = html_text(data.decode("utf-8", errors="replace"))
    paragraphs = (" ".join(chunk.split()) for chunk in text.split("\n\n"))
    return "\n\n".join(escape_line(chunk) for chunk in paragraphs if chunk)


def markdown_from_tree(root: etree._Element, *, base_url: str | None = None) -> str:
    """Markdown for a parsed HTML tree (its <body> when it has one)."""
    # Children looked at by tag: `find` goes through lxml's path language, which costs a
    # tenth of a short entry's whole conversion.
    start = next((child for child in root if child.tag == "body"), root)
    return "\n\n".join(_Converter(base_url).blocks(start, 0)).strip()


def _tag(element: etree._Element) -> str | None:
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else None


class _Converter:
    """Walks a parsed tree, turning blocks into Markdown blocks and inline runs into text."""

    def __init__(self, base_url: str | None) -> None:
        self.base_url = base_url
        self.open: list[str] = []  # delimiters of the wrappers being built

    def blocks(self, element: etree._Element, depth: int) -> list[str]:
        """The Markdown blocks for an element's content."""
        out: list[str] = []
        line = InlineBuilder()
        if depth > MAX_DEPTH:
            line.text(" ".join(element.itertext()))
            return _flush(line, out)
        line.text(element.text or "")
        for child in element:
            tag = _tag(child)
            if tag is not None and tag not in _DROPPED:
                if _is_block(tag):
                    _flush(line, out)
                    line = InlineBuilder()
                    out.extend(self.block(child, tag, depth + 1))
                else:
                    self.inline(child, tag, line, depth + 1)
            line.text(child.tail or "")
        return _flush(line, out)

    def block(self, element: etree._Element, tag: str, depth: int) -> list[str]:
        """The Markdown blocks for one block-level element."""
        if tag in _HEADINGS:
            text = self.inline_text(element, depth, breaks=False)
            return [f"{'#' * _HEADINGS[tag]} {text}"] if text else []
        if tag in _LISTS:
            return self.list_blocks(element, tag, depth)
        if tag == "li":
            return self.list_blocks(element, "li", depth)
        if tag == "blockquote":
            inner = "\n\n".join(self.blocks(element, depth))
            return [_prefix_lines(inner, "> ", ">")] if inner else []
        if tag == "pre":
            return _code_block("".join(element.itertext()))
        if tag == "tr":
            return self.row(element, depth)
        if tag == "hr":
            return ["---"]
        return self.blocks(element, depth)

    def inline(self, element: etree._Element, tag: str, line: InlineBuilder, depth: int) -> None:
        """Add an inline element's Markdown to the line being built."""
        if depth > MAX_DEPTH:
            line.text(" ".join(element.itertext()))
            return
        if tag == "br":
            line.line_break()
        elif tag == "img":
            alt = " ".join(str(element.get("alt") or "").split())
            if alt:
                line.text(f"[{alt}]")
        elif tag in _CODE:
            line.code("".join(element.itertext()))
        elif tag in _WRAPPERS:
            self.wrapped(element, line, depth, _WRAPPERS[tag], _WRAPPERS[tag])
        elif tag == "a":
            href = self.link(element.get("href"))
            if href is None:
                self.content(element, line, depth)
            else:
                self.wrapped(element, line, depth, "[", f"]({href})")
        else:
            self.content(element, line, depth)

    def content(self, element: etree._Element, line: InlineBuilder, depth: int) -> None:
        """Add an element's text and children, inline, to the line being built."""
        line.text(element.text or "")
        for child in element:
            tag = _tag(child)
            if tag is not None and tag not in _DROPPED:
                if tag == "br" or not _is_block(tag):
                    self.inline(child, tag, line, depth + 1)
                else:
                    # A block inside an inline element (a <div> in a link): its words
                    # join the line rather than breaking the link apart.
                    line.text(" ")
                    self.content(child, line, depth + 1)
                    line.text(" ")
            line.text(child.tail or "")

    def wrapped(
        self, element: etree._Element, line: InlineBuilder, depth: int, opening: str, closing: str
    ) -> None:
        """Add content between Markdown delimiters, whitespace kept outside them."""
        if opening in self.open:
            self.content(element, line, depth)  # <b> in <b>: Markdown has no double strong
            return
        inner = line.inner()
        self.open.append(opening)
        try:
            self.content(element, inner, depth)
        finally:
            self.open.pop()
        raw = " ".join(element.itertext()) if len(element) else element.text or ""
        if raw[:1].isspace():
            line.text(" ")
        line.wrap(inner, opening, closing)
        if raw[-1:].isspace():
            line.text(" ")

    def inline_text(self, element: etree._Element, depth: int, *, breaks: bool) -> str:
        """An element's content as one run of inline Markdown."""
        line = InlineBuilder(breaks)
        self.content(element, line, depth)
        return line.result()

    def link(self, href: str | None) -> str | None:
        """A link target made absolute and safe to write in Markdown, or None to drop it."""
        # As browsers do: ends trimmed, tabs and newlines dropped, inner spaces kept.
        href = (href or "").strip().translate(_URL_DROPPED).replace(" ", "%20")
        if not href:
            return None
        if self.base_url:
            try:
                href = urljoin(self.base_url, href)
            except ValueError:
                return None
        try:
            scheme = urlsplit(href).scheme.lower()
        except ValueError:
            return None
        if scheme and scheme not in _LINK_SCHEMES:
            return None  # javascript:, data: and the like
        for char, code in (("\\", "%5C"), ("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E")):
            href = href.replace(char, code)
        return href

    def list_blocks(self, element: etree._Element, tag: str, depth: int) -> list[str]:
        """A list: each item's blocks, the first line marked, the rest indented under it."""
        items = [self.blocks(element, depth)] if tag == "li" else self.list_items(element, depth)
        start = _list_start(element) if tag == "ol" else 0
        rendered: list[str] = []
        for blocks in items:
            if not blocks:
                continue
            marker = f"{start + len(rendered)}." if tag == "ol" else "-"
            body = _prefix_lines("\n\n".join(blocks), " " * (len(marker) + 1), "")
            rendered.append(marker + " " + body[len(marker) + 1 :])
        return ["\n".join(rendered)] if rendered else []

    def list_items(self, element: etree._Element, depth: int) -> list[list[str]]:
        """The blocks of each item of a list; stray content joins the item before it."""
        items: list[list[str]] = []
        stray = InlineBuilder()
        stray.text(element.text or "")
        for child in element:
            tag = _tag(child)
            if tag == "li":
                _flush_item(stray, items)
                stray = InlineBuilder()
                items.append(self.blocks(child, depth + 1))
            elif tag is not None and tag not in _DROPPED:
                if _is_block(tag):
                    _flush_item(stray, items)
                    stray = InlineBuilder()
                    nested = self.block(child, tag, depth + 1)
                    if items:
                        items[-1].extend(nested)
                    else:
                        items.append(nested)
                else:
                    self.inline(child, tag, stray, depth + 1)
            stray.text(child.tail or "")
        _flush_item(stray, items)
        return items

    def row(self, element: etree._Element, depth: int) -> list[str]:
        """A table row as one paragraph, cells separated by a bar, header cells strong."""
        # Text and elements other than cells (stray in broken markup) are cells too.
        cells = [_text_cell(element.text)]
        for cell in element:
            tag = _tag(cell)
            if tag is not None and tag not in _DROPPED:
                text = self.inline_text(cell, depth + 1, breaks=False)
                cells.append(f"**{text}**" if tag == "th" and text else text)
            cells.append(_text_cell(cell.tail))
        cells = [cell for cell in cells if cell]
        return [" \\| ".join(cells)] if cells else []


def _is_block(tag: str) -> bool:
    return (
        tag in _CONTAINERS
        or tag in _HEADINGS
        or tag in _LISTS
        or tag in ("p", "li", "blockquote", "pre", "table", "hr")
    )


def _text_cell(raw: str | None) -> str:
    line = InlineBuilder(breaks=False)
    line.text(raw or "")
    return line.result()


def _flush(line: InlineBuilder, out: list[str]) -> list[str]:
    text = line.result()
    if text:
        out.append(text)
    return out


def _flush_item(line: InlineBuilder, items: list[list[str]]) -> None:
    text = line.result()
    if not text:
        return
    if items:
        items[-1].append(text)
    else:
        items.append([text])


def _list_start(element: etree._Element) -> int:
    value = str(element.get("start") or "1").strip()
    number = int(value) if value.isdigit() and len(value) <= 9 else 1
    return number


def _prefix_lines(text: str, prefix: str, blank: str) -> str:
    return "\n".join(prefix + line if line.strip() else blank for line in text.split("\n"))


def _code_block(code: str) -> list[str]:
    code = code.removeprefix("\n").rstrip()
    if not code.strip():
        return []
    longest = max((len(run) for run in _BACKTICKS.findall(code)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}\n{code}\n{fence}"]
