"""`reader serve` over HTTP, with a real server process on 127.0.0.1: nobody without the token
gets the page, a file or a websocket; the token is kept in a strict cookie; the websocket's
Origin must be the page's own; and the page loads nothing from elsewhere."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from tests.unit.serve_peers import Served, library, screen_until, serve

PROTECTED = (
    "/",
    "/static/js/textual.js",
    "/static/css/xterm.css",
    "/static/fonts/RobotoMono-VariableFont_wght.ttf",
    "/page/reader.js",
    "/page/reader.css",
)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    with serve("-l", str(library(tmp_path))) as running:
        yield running


def altered(token: str) -> str:
    """The token with its first character changed."""
    return ("a" if token[0] != "a" else "b") + token[1:]


def browser() -> aiohttp.ClientSession:
    """A client that keeps cookies from an IP address, as a browser does."""
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def status(url: str, **options: object) -> int:
    async with browser() as client, client.get(url, **options) as reply:  # type: ignore[arg-type]
        return reply.status


@pytest.mark.parametrize("path", PROTECTED)
async def test_nothing_is_served_without_the_token(served: Served, path: str) -> None:
    assert await status(served.base + path) == 401
    assert await status(served.base + path, params={"token": altered(served.token)}) == 403
    assert await status(served.base + path, params={"token": served.token}) == 200


async def test_the_token_is_kept_in_a_strict_http_only_cookie(served: Served) -> None:
    async with browser() as client:
        async with client.get(served.url) as reply:
            cookie = reply.headers["Set-Cookie"]
        assert served.token in cookie
        assert {"HttpOnly", "SameSite=Strict", "Path=/"} <= {
            part.strip() for part in cookie.split(";")
        }
        for path in PROTECTED:  # the cookie alone lets the page's own requests through
            async with client.get(served.base + path) as reply:
                assert reply.status == 200, path
    wrong = {f"reader-serve-{served.port}": served.token[::-1]}
    assert await status(served.base + "/", cookies=wrong) == 403


async def test_a_name_pointed_at_this_machine_from_elsewhere_is_refused(served: Served) -> None:
    # DNS rebinding: a page at evil.example whose name now resolves to 127.0.0.1.
    headers = {"Host": f"evil.example:{served.port}"}
    assert await status(served.url, headers=headers) == 403
    assert await status(served.url, headers={"Host": f"localhost:{served.port}"}) == 200


async def test_the_websocket_needs_the_token_and_the_page_s_own_origin(served: Served) -> None:
    origin = served.base
    refusals = [
        ({}, {"Origin": origin}, 401),  # no token at all
        ({"token": "nope"}, {"Origin": origin}, 403),
        ({"token": served.token}, {}, 403),  # no Origin
        ({"token": served.token}, {"Origin": "http://evil.example"}, 403),
        ({"token": served.token}, {"Origin": f"http://localhost.evil:{served.port}"}, 403),
        ({"token": served.token}, {"Origin": "null"}, 403),
    ]
    async with browser() as client:
        for params, headers, expected in refusals:
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await client.ws_connect(served.base + "/ws", params=params, headers=headers)
            assert refused.value.status == expected, (params, headers)
        async with client.get(served.url):  # the page sets the cookie; the websocket then
            pass  # needs none
        async with client.ws_connect(served.base + "/ws", headers={"Origin": origin}) as ws:
            await screen_until(ws, "Alpha Lighthouse")


async def test_the_page_loads_nothing_from_outside_the_server(served: Served) -> None:
    async with browser() as client:
        async with client.get(served.url) as reply:
            page = await reply.text()
            policy = reply.headers["Content-Security-Policy"]
        async with client.get(served.base + "/page/reader.css") as reply:
            style = await reply.text()
        async with client.get(served.base + "/page/reader.js") as reply:
            script = await reply.text()
    for text in (page, style, script):
        assert not re.search(r"(?i)(https?:)?//[a-z0-9.-]+", text.replace("://", ":/ /")), text
        assert "googleapis" not in text
    assert "https://" not in page and "http://" not in page
    references = re.findall(r'(?:src|href)="([^"]*)"', page) + re.findall(r'url\("([^"]*)"', style)
    assert references and all(not re.match(r"(?i)[a-z]+:|//", ref) for ref in references)
    # The browser itself is told to load nothing from elsewhere, and not to be framed.
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy


async def test_the_page_s_own_references_all_resolve(served: Served) -> None:
    # The font the page names is served here (so the page needs no font from the internet).
    async with browser() as client:
        async with client.get(served.url) as reply:
            page = await reply.text()
        async with client.get(served.base + "/page/reader.css") as reply:
            style = await reply.text()
        paths = ["/" + ref for ref in re.findall(r'(?:src|href)="([^"]*)"', page)]
        paths += ["/page/" + ref for ref in re.findall(r'url\("([^"]*)"', style)]
        for path in paths:
            async with client.get(served.base + path) as reply:
                assert reply.status == 200, path
    assert any(path.endswith(".ttf") for path in paths)
