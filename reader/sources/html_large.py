"""Pages too large for main-content extraction: their main element converted as it is.

Extraction costs about 0.1 ms per element, so a page of a few hundred thousand elements
would take most of a minute; this path is linear and ten times cheaper, at the price of
keeping more of the page's furniture.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from lxml import etree

from reader.sources.common import collapse, parse_date
from reader.sources.decode import strip_controls
from reader.sources.html_markdown import markdown_from_tree

# Containers that hold a page's article, best first.
_MAIN = ("//article", "//main", "//*[@role='main']", "//body")
# Page furniture and machinery, dropped with everything inside them.
_FURNITURE = (
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "svg",
    "canvas",
    "button",
)


def main_markdown(tree: Any, base_url: str | None) -> str:
    """The Markdown of a page's main element, without menus, forms and scripts."""
    container = _main_element(tree)
    etree.strip_elements(container, *_FURNITURE, with_tail=False)
    return markdown_from_tree(container, base_url=base_url)


def _main_element(tree: Any) -> Any:
    for path in _MAIN:
        found = tree.xpath(path)
        if found:
            return found[0]
    return tree


def head_facts(tree: Any) -> dict[str, Any]:
    """Title, author, date, site name, canonical URL and language from a page's <head>."""
    metas: dict[str, str] = {}
    for meta in tree.iterfind(".//meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        content = meta.get("content")
        if key and content and key not in metas:
            metas[key] = content
    canonical = next(
        (link.get("href") for link in tree.iterfind(".//link") if link.get("rel") == "canonical"),
        None,
    )
    published = metas.get("article:published_time") or metas.get("date") or ""
    return {
        "title": _text(metas.get("og:title") or tree.findtext(".//title")),
        "author": _text(metas.get("author") or metas.get("article:author")),
        "date": _plausible(parse_date(published)) if published else None,
        "site": _text(metas.get("og:site_name")),
        "url": _text(canonical),
        "description": _text(metas.get("description") or metas.get("og:description")),
        "language": _text(tree.get("lang")),
    }


def _plausible(found: date | None) -> date | None:
    """A publication date, unless it is in the future or before 1900 (a placeholder)."""
    # A day's grace: the page's time zone may be ahead of ours.
    if found is None or not date(1900, 1, 1) <= found <= date.today() + timedelta(days=1):
        return None
    return found


def _text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return collapse(strip_controls(value)) or None
