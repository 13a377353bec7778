"""`reader serve` sessions, with real servers and real app processes: one app per websocket on
the same library and store, quitting ends the app, Ctrl+C ends them all, and a crash is told
in the page instead of leaving it hanging."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
from aiohttp import web

from reader.serve.guard import Guard, new_token
from reader.serve.server import ReaderServer
from tests.unit.serve_peers import (
    STARTUP,
    Served,
    keys,
    library,
    running,
    screen_until,
    serve,
    until_closed,
)


def browser() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


@asynccontextmanager
async def tab(
    client: aiohttp.ClientSession, served_url: str
) -> AsyncIterator[aiohttp.ClientWebSocketResponse]:
    """A browser tab: the page (which sets the cookie), then its websocket."""
    base = served_url.split("/?token=")[0]
    async with client.get(served_url) as page:
        assert page.status == 200
    async with client.ws_connect(base + "/ws?width=100&height=30", headers={"Origin": base}) as ws:
        yield ws


@asynccontextmanager
async def in_process(argv: Sequence[str]) -> AsyncIterator[str]:
    """A server in this test's event loop whose tabs run `argv`; yields the tokenised address."""
    sock = socket.create_server(("127.0.0.1", 0))
    port, token = sock.getsockname()[1], new_token()
    server = ReaderServer(argv, Guard(token=token, port=port, loopback_only=True))
    runner = web.AppRunner(server.application(), access_log=None)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    try:
        yield f"http://127.0.0.1:{port}/?token={token}"
    finally:
        await runner.cleanup()


async def wait_gone(pids: Sequence[int]) -> None:
    async with asyncio.timeout(STARTUP):
        while any(running(pid) for pid in pids):
            await asyncio.sleep(0.05)


async def reaped(served: Served) -> None:
    """Until the server has collected every app process it started (zombies included)."""
    async with asyncio.timeout(STARTUP):
        while served.app_pids():
            await asyncio.sleep(0.05)


async def bookmarked(folder: Path, count: int) -> list[str]:
    """The titles bookmarked in the store, once there are `count` of them."""
    command = [sys.executable, "-m", "reader", "bookmarks", "--json", "-l", str(folder)]
    async with asyncio.timeout(STARTUP):
        while True:
            out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
            titles = sorted(json.loads(line)["title"] for line in out.splitlines())
            if len(titles) >= count:
                return titles
            await asyncio.sleep(0.2)


async def test_each_tab_has_its_own_app_and_both_write_to_one_store(tmp_path: Path) -> None:
    folder = library(tmp_path)
    with serve("-l", str(folder)) as served:
        async with (
            browser() as client,
            tab(client, served.url) as one,
            tab(client, served.url) as two,
        ):
            await screen_until(one, "Alpha Lighthouse")
            await screen_until(two, "Alpha Lighthouse")
            apps = served.app_pids()
            assert len(apps) == 2  # a process per tab
            await keys(one, "b")  # the first article
            await keys(two, "j")
            await keys(two, "b")  # the second
            assert await bookmarked(folder, 2) == ["Alpha Lighthouse", "Bravo Orchard"]
            await keys(one, "q")
            await until_closed(one)
            await wait_gone(apps[:1])
            assert running(apps[1])  # the other tab's app goes on
            await keys(two, "q")
            await until_closed(two)
            await wait_gone(apps)
        await reaped(served)  # the server waited for its apps: no zombie is left


async def test_ctrl_c_ends_the_server_and_every_app(tmp_path: Path) -> None:
    with serve("-l", str(library(tmp_path))) as served:
        async with (
            browser() as client,
            tab(client, served.url) as one,
            tab(client, served.url) as two,
        ):
            await screen_until(one, "Alpha Lighthouse")
            await screen_until(two, "Alpha Lighthouse")
            apps = served.app_pids()
            assert len(apps) == 2 and all(running(pid) for pid in apps)
            code = await asyncio.to_thread(served.interrupt)
            await until_closed(one)
        assert code == 0
        assert not [pid for pid in apps if running(pid)]  # no orphans left behind
        assert served.process.stderr is not None
        assert "Traceback" not in served.process.stderr.read()


async def test_a_crash_before_the_app_starts_is_told_in_the_page() -> None:
    crash = (
        "import sys; print('reader: the library \\x1b[31mvanished', file=sys.stderr); sys.exit(3)"
    )
    command = [sys.executable, "-c", crash]
    async with in_process(command) as url, browser() as client, tab(client, url) as ws:
        screen = await until_closed(ws)
    assert "reader stopped unexpectedly (status 3)" in screen
    assert "reader: the library vanished" in screen  # sanitised: no escape reached the page
    assert "Reload the page" in screen


async def test_a_crash_of_a_running_app_is_told_in_the_page() -> None:
    # The app has spoken the protocol (the prelude), then dies of a signal.
    crash = (
        "import os, signal, sys; sys.stdout.write('__GANGLION__\\n'); sys.stdout.flush(); "
        "print('Traceback: boom', file=sys.stderr); sys.stderr.flush(); "
        "os.kill(os.getpid(), signal.SIGKILL)"
    )
    command = [sys.executable, "-c", crash]
    async with in_process(command) as url, browser() as client, tab(client, url) as ws:
        screen = await until_closed(ws)
    assert "reader stopped unexpectedly (signal 9)" in screen and "Traceback: boom" in screen


async def test_an_app_that_quits_cleanly_just_closes_the_tab() -> None:
    ok = "import sys; sys.stdout.write('__GANGLION__\\n'); sys.stdout.flush()"
    command = [sys.executable, "-c", ok]
    async with in_process(command) as url, browser() as client, tab(client, url) as ws:
        screen = await until_closed(ws)
    assert "stopped unexpectedly" not in screen


def test_listening_beyond_this_machine_warns_to_use_tls_or_a_tunnel(tmp_path: Path) -> None:
    with serve("--host", "0.0.0.0", "-l", str(library(tmp_path))) as served:
        code = served.interrupt()
        assert served.process.stderr is not None
        err = served.process.stderr.read()
    assert code == 0
    assert "warning" in err and "TLS proxy" in err and "SSH tunnel" in err


def test_a_busy_port_is_one_line(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = str(taken.getsockname()[1])
        command = [sys.executable, "-m", "reader", "serve", "--port", port]
        result = subprocess.run(command, capture_output=True, text=True, timeout=STARTUP)
    assert result.returncode == 2
    assert result.stderr.startswith(f"reader: cannot listen on 127.0.0.1:{port}")
    assert len(result.stderr.splitlines()) == 1 and result.stdout == ""


def test_the_default_listens_on_127_0_0_1_only(tmp_path: Path) -> None:
    with serve("-l", str(library(tmp_path))) as served:
        assert served.url.startswith("http://127.0.0.1:")
        socket.create_connection(("127.0.0.1", served.port), timeout=STARTUP).close()
        # Another address of this machine finds nothing listening there.
        try:
            socket.create_connection(("127.0.0.2", served.port), timeout=STARTUP).close()
        except ConnectionRefusedError:
            pass
        else:
            raise AssertionError("the server listens beyond 127.0.0.1")
