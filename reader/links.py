"""The links of an article (from its parsed link marks) and opening one in the system browser."""

from __future__ import annotations

import webbrowser
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from reader.models import Article, MarkKind

OPENABLE_SCHEMES = frozenset({"http", "https"})
"""Only web addresses go to the browser: a `javascript:` or `file:` link in a page is refused."""


class OpenError(Exception):
    """A link that cannot be opened; str() is one line for the user."""


@dataclass(frozen=True, slots=True)
class Link:
    """One link of an article: its text, its address (made absolute) and its paragraph."""

    text: str
    url: str
    block: int


def article_links(article: Article) -> list[Link]:
    """The article's links in reading order, each address once (relative ones made absolute)."""
    base = article.meta.url or ""
    seen: set[str] = set()
    links: list[Link] = []
    for number, block in enumerate(article.blocks):
        for mark in block.marks:
            if mark.kind is not MarkKind.LINK or not mark.href:
                continue
            url = absolute(mark.href.strip(), base)
            if not url or url in seen:
                continue
            seen.add(url)
            text = " ".join(block.text[mark.start : mark.end].split())
            links.append(Link(text or url, url, number))
    return links


def absolute(href: str, base: str) -> str:
    """`href` made absolute against the page's own address (unchanged without one)."""
    if not base or urlsplit(href).scheme:
        return href
    try:
        return urljoin(base, href)
    except ValueError:  # a base that is not a usable address
        return href


def checked_url(url: str | None) -> str:
    """The address if a browser may be given it; OpenError saying why not otherwise."""
    if not url:
        raise OpenError("this article has no web address")
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        raise OpenError("the address holds control characters: not opened")
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        raise OpenError("not a usable web address") from None
    if scheme not in OPENABLE_SCHEMES:
        raise OpenError(f"only http and https addresses are opened, not {scheme or 'this'}:")
    return url


def browser_takes_the_terminal() -> bool:
    """Whether the browser `open_in_browser` would start runs in this terminal (lynx, w3m, or
    a command named by BROWSER) rather than in a window of its own, and waits until closed."""
    try:
        controller = webbrowser.get()
    except webbrowser.Error:
        return False
    if isinstance(controller, webbrowser.BackgroundBrowser):
        return False
    if isinstance(controller, webbrowser.UnixBrowser):
        return not controller.background
    return isinstance(controller, webbrowser.GenericBrowser)


def open_in_browser(url: str | None) -> str:
    """Open a web address in the system browser (the BROWSER variable names one); the url.

    Blocks until a browser given by BROWSER exits, so the app calls it from a thread.
    """
    target = checked_url(url)
    try:
        opened = webbrowser.open(target)
    except (webbrowser.Error, OSError) as error:
        raise OpenError(f"could not start a browser: {error}") from None
    if not opened:
        raise OpenError("no browser could be started (set BROWSER to name one)")
    return target
