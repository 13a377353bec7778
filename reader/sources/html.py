"""HTML pages as articles: charset detection, main-content extraction, Markdown conversion."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from reader.sources import LoadError
from reader.sources.common import (
    Parsed,
    collapse,
    date_from_filename,
    parse_date,
    title_from_filename,
)
from reader.sources.decode import decode, strip_controls, wide_bom
from reader.sources.html_markdown import (
    html_to_markdown,
    markdown_from_tree,
    parse_html,
    quote_inline,
)

__all__ = ["Page", "decode_html", "extract_page", "html_to_markdown", "load_html"]

NO_ARTICLE = "no article text found on the page"
"""The reason given for pages with no main text (a login page, an empty shell)."""

_META_SCAN = 64 * 1024
"""Bytes at the start of a page searched for a <meta> charset declaration: browsers act
on one found after the first kilobytes too (a head of inline scripts and styles)."""

# `[^<>]` keeps the search linear on a page of unclosed `<meta` tags.
_META_CHARSET = re.compile(rb"<meta\b[^<>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]{1,40})", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")

# Labels browsers read as a wider encoding than they name (pages labelled Latin-1 are
# written in windows-1252, and so on); keys are Python's canonical codec names.
_BROWSER_CODECS = {
    "ascii": "cp1252",
    "latin-1": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_kr": "cp949",
    "shift_jis": "cp932",
    # A page whose <meta> could be read as ASCII is not UTF-16 or UTF-32.
    "utf-16": "utf-8",
    "utf-16-le": "utf-8",
    "utf-16-be": "utf-8",
    "utf-32": "utf-8",
    "utf-32-le": "utf-8",
    "utf-32-be": "utf-8",
}
# Codecs that would turn text into something else (escapes, markup smuggled in UTF-7).
_REFUSED_CODECS = frozenset({"utf-7", "unicode-escape", "raw-unicode-escape", "idna", "punycode"})

# A page yields an article when some line has this many words or all lines this many.
_LINE_WORDS = 7
_TOTAL_WORDS = 40
_SIGN_IN_WORDS = 80
"""A page with a password field and fewer words than this is a sign-in form."""

_CROWDED = 300
"""Child elements above which an element's inline wrappers are removed (`_unwrap_crowded`)."""
# Inline wrappers that extraction removes, keeping their text.
_UNWRAPPED_TAGS = "span font small big abbr acronym bdi bdo data dfn ins mark nobr ruby wbr img"
_UNWRAPPED = tuple(_UNWRAPPED_TAGS.split())

MAX_EXTRACT_ELEMENTS = 20_000
"""Pages with more elements skip main-content extraction (about 0.1 ms an element) for a
plain conversion of their main element (see `html_large`)."""
MAX_ELEMENTS = 150_000
"""Pages with more elements are refused: no article needs them, and even the plain
conversion would take seconds."""


@dataclass(frozen=True, slots=True)
class Page:
    """What extraction found on a web page: its metadata and its main text as Markdown."""

    title: str | None
    markdown: str
    """The article body as Markdown (headings, lists, quotes, links, code); no title heading."""
    author: str | None = None
    date: date | None = None
    site: str | None = None
    """The site's name (og:site_name) or, failing that, its host name."""
    url: str | None = None
    """The page's canonical URL when it declares one, else the URL it was fetched from."""
    description: str | None = None
    language: str | None = None


def decode_html(data: bytes, declared: str | None = None) -> str:
    """Decode page bytes: BOM, then the HTTP charset `declared`, then <meta charset>, a guess."""
    if wide_bom(data) is not None or data.startswith(codecs.BOM_UTF8):
        return decode(data)
    for label in (declared, _meta_charset(data)):
        codec = _codec(label)
        if codec == "utf-8":
            break  # decode() reads UTF-8, and copes with the stray bytes of a mislabelled page
        if codec is not None:
            try:
                return strip_controls(data.decode(codec, errors="replace"))
            except (LookupError, ValueError, TypeError):
                continue
    return decode(data)


def _meta_charset(data: bytes) -> str | None:
    found = _META_CHARSET.search(data[:_META_SCAN])
    return found.group(1).decode("ascii") if found else None


def _codec(label: str | None) -> str | None:
    """The codec to read a declared charset label with, or None if it names none."""
    label = (label or "").strip().strip("\"'").lower()
    if not label:
        return None
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name in _REFUSED_CODECS:
        return None
    return _BROWSER_CODECS.get(name, name)


def extract_page(data: bytes, *, url: str | None = None, charset: str | None = None) -> Page:
    """Extract a page's main article; LoadError with a one-line reason when it has none."""
    text = _XML_DECLARATION.sub("", decode_html(data, charset), count=1)
    try:
        tree = parse_html(text.encode("utf-8", errors="replace"))
    except ValueError as error:
        raise LoadError(str(error) or NO_ARTICLE) from None
    if tree is None:
        raise LoadError(NO_ARTICLE)
    quote_inline(tree)  # extraction would make a <q> a block quotation, or drop its marks
    elements = sum(1 for _ in tree.iter())
    if elements > MAX_ELEMENTS:
        raise LoadError(f"page too large to read: {elements:,} HTML elements")
    if elements > MAX_EXTRACT_ELEMENTS:
        return _large_page(tree, url)
    _keep_preformatted(tree)
    _unwrap_crowded(tree)
    document = _extract(tree, url)
    if document is None or document.body is None:
        raise LoadError(NO_ARTICLE)
    page_url = _text(document.url) or url
    title = _text(document.title)
    title, body = _drop_title_heading(title, document.body)
    try:
        markdown = markdown_from_tree(_as_html(body), base_url=page_url)
    except RecursionError:
        raise LoadError("page is nested too deeply to read") from None
    if not markdown or _too_thin(str(document.text or ""), _has_password_field(tree)):
        raise LoadError(NO_ARTICLE)
    return Page(
        title=title,
        markdown=markdown,
        author=_text(document.author),
        date=parse_date(document.date) if isinstance(document.date, str) else None,
        site=_text(document.sitename) or _host(page_url),
        url=page_url,
        description=_text(document.description),
        language=_text(document.language) or _text(tree.get("lang")),
    )


def _large_page(tree: Any, url: str | None) -> Page:
    """A page too large to extract from, converted from its main element."""
    from reader.sources.html_large import head_facts, main_markdown

    facts = head_facts(tree)
    page_url = facts.pop("url") or url
    try:
        markdown = main_markdown(tree, page_url)
    except RecursionError:
        raise LoadError("page is nested too deeply to read") from None
    if not markdown:
        raise LoadError(NO_ARTICLE)
    site = facts.pop("site") or _host(page_url)
    return Page(markdown=markdown, url=page_url, site=site, **facts)


def _keep_preformatted(tree: Any) -> None:
    """Wrap the content of each multi-line <pre> without <code> in a <code> element.

    Extraction reads a <pre> that does not look like code as a quotation, whose lines and
    spaces are then lost; as code its layout (a poem, a table drawn in text) is kept.
    """
    for pre in tree.iter("pre"):
        if "\n" not in "".join(pre.itertext()).strip() or pre.find(".//code") is not None:
            continue
        code = pre.makeelement("code", {})
        code.text, pre.text = pre.text, None
        code.extend(list(pre))
        pre.append(code)


def _unwrap_crowded(tree: Any) -> None:
    """Remove the wrappers extraction would remove from elements with very many children.

    Removing them leaves a run of separate text nodes, which lxml reads back in quadratic
    time: a paragraph of a few thousand <span>-wrapped words would take many seconds.
    Done here, each run is joined into one node before extraction sees it.
    """
    for element in [element for element in tree.iter() if len(element) > _CROWDED]:
        etree.strip_tags(element, *_UNWRAPPED)
        for inner in element.iter():
            inner.text = inner.text  # assigning joins a run of text nodes into one
            if inner is not element:
                inner.tail = inner.tail


def _extract(tree: Any, url: str | None) -> Any:
    """Trafilatura's findings for a parsed page: metadata and the main text as a tree."""
    # Imported here: it takes about 0.3 s, paid only by processes that read pages.
    from trafilatura import bare_extraction
    from trafilatura.settings import set_date_params

    try:
        return bare_extraction(
            tree,
            url=url,
            # Dates come from the page's metadata, <time> elements and address. The
            # "extensive" search tries every locale's date words on the text: seconds of
            # regex compilation in each new process, for dates metadata rarely misses.
            date_extraction_params=set_date_params(extensive=False),
            output_format="python",
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_formatting=True,
            include_links=True,
            with_metadata=True,
        )
    except RecursionError:
        raise LoadError("page is nested too deeply to read") from None
    # Third-party code fed an untrusted page: any failure is this page's problem only.
    except Exception as error:
        raise LoadError(f"could not extract the page ({type(error).__name__})") from None


def _text(value: object) -> str | None:
    """A metadata string cleaned of controls and extra spaces, or None."""
    if not isinstance(value, str):
        return None
    return collapse(strip_controls(value)) or None


def _host(url: str | None) -> str | None:
    try:
        host = urlsplit(url or "").hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def _drop_title_heading(title: str | None, body: Any) -> tuple[str | None, Any]:
    """The title, and the body without an opening heading that only repeats it."""
    first = body[0] if len(body) else None
    if first is None or first.tag != "head":
        return title, body
    heading = collapse(strip_controls("".join(first.itertext())))
    if not heading:
        return title, body
    if title is None or heading.casefold() == title.casefold():
        if first.tail and first.tail.strip():
            return title or heading, body  # text follows it unwrapped: keep the heading
        body.remove(first)
        return title or heading, body
    return title, body


# Trafilatura's own element names and the HTML elements they stand for.
_RENAMES = {
    "item": "li",
    "quote": "blockquote",
    "lb": "br",
    "graphic": "img",
    "row": "tr",
    "del": "s",
}
_HIGHLIGHTS = {"#b": "b", "#i": "i", "#u": "u", "#t": "code", "#sub": "sub", "#sup": "sup"}
# Elements (already renamed: the walk is top-down) in which a one-line <code> is inline.
_INLINE_PARENT_TAGS = "p h1 h2 h3 h4 h5 h6 b i u sub sup span a li td th s blockquote code"
_INLINE_PARENTS = frozenset(_INLINE_PARENT_TAGS.split())


def _as_html(body: Any) -> Any:
    """Trafilatura's result tree renamed in place to the HTML it stands for."""
    for element in body.iter():
        tag = element.tag
        if not isinstance(tag, str):
            continue
        if tag in _RENAMES:
            element.tag = _RENAMES[tag]
        elif tag == "head":
            rend = str(element.get("rend") or "h2")
            element.tag = rend if rend in ("h1", "h2", "h3", "h4", "h5", "h6") else "h2"
        elif tag == "list":
            element.tag = "ol" if element.get("rend") == "ol" else "ul"
        elif tag == "hi":
            element.tag = _HIGHLIGHTS.get(str(element.get("rend")), "span")
        elif tag == "ref":
            element.tag = "a"
            element.set("href", str(element.get("target") or ""))
        elif tag == "cell":
            element.tag = "th" if element.get("role") == "head" else "td"
        elif tag == "code":
            element.tag = "pre" if _is_code_block(element) else "code"
    body.tag = "div"
    return body


def _is_code_block(element: Any) -> bool:
    parent = element.getparent()
    if parent is not None and parent.tag in ("code", "pre"):
        return False
    text = "".join(element.itertext())
    return "\n" in text.strip() or parent is None or parent.tag not in _INLINE_PARENTS


def _too_thin(text: str, password: bool) -> bool:
    """Whether extracted text is only labels and buttons (a login form), not an article."""
    lines = [len(line.split()) for line in text.splitlines()]
    if password and sum(lines) < _SIGN_IN_WORDS:
        return True
    return max(lines, default=0) < _LINE_WORDS and sum(lines) < _TOTAL_WORDS


def _has_password_field(tree: Any) -> bool:
    return bool(tree.xpath("//input[translate(@type, 'PASWORD', 'pasword')='password']"))


def load_html(data: bytes, path: Path) -> Parsed:
    """The library's loader for .html/.htm files: extraction, then the Markdown parsed to blocks."""
    from reader.sources.markdown import parse_blocks

    page = extract_page(data)
    blocks = parse_blocks(page.markdown)
    if not blocks:
        raise LoadError(NO_ARTICLE)
    return Parsed(
        format="html",
        title=page.title or title_from_filename(path),
        blocks=blocks,
        date=page.date or date_from_filename(path),
        source=page.site,
        author=page.author,
        url=page.url,
    )
