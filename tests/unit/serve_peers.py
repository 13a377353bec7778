"""Helpers for the `reader serve` tests: a real server process, a library, a websocket peer."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from aiohttp import ClientWebSocketResponse, WSMsgType

STARTUP = 60.0
"""Seconds a server or an app has to come up: a bound, not a measurement (busy CI)."""

ANSI = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]")


@dataclass
class Served:
    """A running `reader serve` process and the address it printed."""

    process: subprocess.Popen[str]
    url: str

    @property
    def base(self) -> str:
        return self.url.split("/?token=")[0]

    @property
    def token(self) -> str:
        return self.url.split("?token=")[1]

    @property
    def port(self) -> int:
        return int(self.base.rsplit(":", 1)[1])

    def app_pids(self) -> list[int]:
        """The app processes the server started (its children)."""
        return children(self.process.pid)

    def interrupt(self) -> int:
        """Ctrl+C: SIGINT, then the exit status once it has stopped."""
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=STARTUP)


def library(root: Path) -> Path:
    """Two short Markdown articles with titles easy to spot on screen."""
    folder = root / "lib"
    folder.mkdir()
    for name, title, date in (
        ("alpha", "Alpha Lighthouse", "2025-03-01"),
        ("bravo", "Bravo Orchard", "2025-01-01"),
    ):
        text = f"---\ntitle: {title}\ndate: {date}\n---\n\nA quiet {name} day.\n"
        (folder / f"{name}.md").write_text(text, encoding="utf-8")
    return folder


@contextmanager
def serve(*args: str) -> Iterator[Served]:
    """Start `reader serve --port 0 ARGS`, yield it once it listens, stop it with SIGINT."""
    command = [sys.executable, "-m", "reader", "serve", "--port", "0", *args]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy()
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"http://\S+", line)
        assert found, (
            f"no address printed: {line!r} {process.stderr.read() if process.stderr else ''}"
        )
        yield Served(process, found.group(0))
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=STARTUP)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def children(pid: int) -> list[int]:
    """The direct children of a process, from /proc."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(n) for n in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def running(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


async def screen_until(ws: ClientWebSocketResponse, *texts: str) -> str:
    """What the app drew, as plain text, once every one of `texts` is in it."""
    seen = ""
    async with asyncio.timeout(STARTUP):
        while not all(text in seen for text in texts):
            message = await ws.receive()
            if message.type == WSMsgType.BINARY:
                seen += ANSI.sub("", message.data.decode("utf-8", "replace"))
            elif message.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING):
                raise AssertionError(f"closed before {texts!r} showed: {seen[-500:]!r}")
    return seen


async def until_closed(ws: ClientWebSocketResponse) -> str:
    """Everything drawn until the server closes the websocket, as plain text."""
    seen = ""
    async with asyncio.timeout(STARTUP):
        while True:
            message = await ws.receive()
            if message.type == WSMsgType.BINARY:
                seen += ANSI.sub("", message.data.decode("utf-8", "replace"))
            elif message.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING):
                return seen


async def keys(ws: ClientWebSocketResponse, text: str) -> None:
    """Type `text` as the browser's terminal would send it."""
    await ws.send_json(["stdin", text])
