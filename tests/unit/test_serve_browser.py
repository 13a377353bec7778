"""`reader serve` in a real browser (Debian's Chromium, driven by Playwright): the tokenised
address paints the library, `/` and a word show the results, the page asks nothing of any
other host, and the address without the token is refused.

Skipped when Chromium is not installed, unless READER_REQUIRE_BROWSER=1 (CI sets it once it
has installed Chromium), when its absence is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.unit.serve_peers import STARTUP, Served, library, serve

CHROMIUM = next(
    (found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))), None
)
READER_REQUIRE_BROWSER = os.environ.get("READER_REQUIRE_BROWSER") == "1"

TERMINAL_OPTIONS = "allowProposedApi:!0,"
"""Where textual.js creates its xterm.js terminal; the test turns xterm's screen-reader mode on
there, so the text drawn on the canvas is also in the page as an accessibility tree to read."""


@pytest.fixture
def chromium() -> str:
    if CHROMIUM is None:
        if READER_REQUIRE_BROWSER:
            pytest.fail("READER_REQUIRE_BROWSER=1 but no chromium is installed")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    with serve("-l", str(library(tmp_path))) as running:
        yield running


def readable(route: Any) -> None:
    """Serve textual.js with xterm's accessibility tree switched on."""
    reply = route.fetch()
    script = reply.text()
    assert TERMINAL_OPTIONS in script, "textual.js no longer creates its terminal as expected"
    script = script.replace(TERMINAL_OPTIONS, TERMINAL_OPTIONS + "screenReaderMode:!0,", 1)
    route.fulfill(response=reply, body=script)


def test_the_library_paints_and_searches_in_a_real_browser(chromium: str, served: Served) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 700})
            asked: list[str] = []
            page.on("request", lambda request: asked.append(request.url))
            page.route("**/static/js/textual.js", readable)
            page.goto(served.url)
            screen = page.locator(".xterm-accessibility-tree")
            expect(screen).to_contain_text("Alpha Lighthouse", timeout=STARTUP * 1000)
            expect(screen).to_contain_text("Bravo Orchard")
            assert "token" not in page.url  # kept in the cookie, out of the address bar

            page.focus("textarea.xterm-helper-textarea")
            page.keyboard.type("/")
            page.keyboard.type("orchard")
            # The results: the matching article stays, the other goes.
            expect(screen).to_contain_text("orchard", timeout=STARTUP * 1000)
            expect(screen).not_to_contain_text("Alpha Lighthouse", timeout=STARTUP * 1000)
            expect(screen).to_contain_text("Bravo Orchard")
            assert asked and all(url.startswith(served.base + "/") for url in asked), asked

            stranger = browser.new_page()  # no cookie: a browser that never had the token
            refused = stranger.goto(served.base + "/")
            assert refused is not None and refused.status == 401
            assert "needs the token" in stranger.content()
        finally:
            browser.close()
