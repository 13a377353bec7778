"""The web server: the page, textual-serve's browser client, and one app process per websocket.

The page and its script are this package's own (in page/); the terminal emulator in the
browser (textual.js with xterm.js, its stylesheet and font) comes from the textual-serve
package. Every request passes the token guard first (guard.py). Ctrl+C or SIGTERM stops
accepting connections, asks every app to quit, ends those that do not, then returns.
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import socket
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import textual_serve
from aiohttp import WSMsgType, web

from reader.serve.guard import Guard, is_loopback, middleware
from reader.serve.session import Session

log = logging.getLogger("reader.serve")

CLIENT = Path(textual_serve.__file__).resolve().parent / "static"
"""textual-serve's browser client: textual.js, xterm.css and the Roboto Mono font."""

PAGE = Path(__file__).resolve().parent / "page"

MAX_MESSAGE = 1024 * 1024
"""The largest websocket message taken from a browser (a big paste fits)."""


def _cells(value: object, default: int) -> int:
    """A terminal dimension from the browser, kept within sane bounds."""
    try:
        number = int(str(value))
    except ValueError:
        return default
    return min(max(number, 1), 1000)


class ReaderServer:
    """Serves the app: the routes, the live sessions, and their end."""

    def __init__(self, argv: Sequence[str], guard: Guard) -> None:
        self.argv = list(argv)
        self.guard = guard
        self.sessions: set[Session] = set()
        self.closing = False

    def application(self) -> web.Application:
        """The aiohttp application, every route behind the token guard."""
        app = web.Application(middlewares=[middleware(self.guard)])
        app.router.add_get("/", self.index)
        app.router.add_get("/ws", self.websocket)
        app.router.add_static("/static", CLIENT, follow_symlinks=False)
        app.router.add_static("/page", PAGE, follow_symlinks=False)
        app.on_shutdown.append(self.shutdown)
        return app

    async def index(self, request: web.Request) -> web.StreamResponse:
        """The page that runs the terminal in the browser."""
        return web.FileResponse(PAGE / "index.html")

    async def websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One browser tab: start its own app and pass keys and screens between them."""
        ws = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_MESSAGE)
        await ws.prepare(request)
        if self.closing:
            await ws.close()
            return ws
        session = Session(self.argv, ws)
        self.sessions.add(session)
        try:
            width = _cells(request.query.get("width"), 80)
            height = _cells(request.query.get("height"), 24)
            await session.start(width, height)
            await self._from_browser(ws, session)
        except OSError as error:
            log.error("reader: cannot start the app: %s", error)
        finally:
            await session.stop()
            self.sessions.discard(session)
            await ws.close()
        return ws

    async def _from_browser(self, ws: web.WebSocketResponse, session: Session) -> None:
        """Hand what the browser sends to the app, until either side closes."""
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
            except ValueError:
                continue
            if isinstance(envelope, list) and envelope and isinstance(envelope[0], str):
                await self._dispatch(ws, session, envelope[0], envelope[1:])

    async def _dispatch(
        self, ws: web.WebSocketResponse, session: Session, kind: str, args: list[Any]
    ) -> None:
        data = args[0] if args else None
        if kind == "stdin" and isinstance(data, str):
            await session.send_bytes(data.encode("utf-8", "replace"))
        elif kind == "resize" and isinstance(data, dict):
            width, height = _cells(data.get("width"), 80), _cells(data.get("height"), 24)
            await session.set_terminal_size(width, height)
        elif kind == "ping":
            await ws.send_json(["pong", data])
        elif kind == "blur":
            await session.blur()
        elif kind == "focus":
            await session.focus()

    async def shutdown(self, app: web.Application) -> None:
        """End every app (asked to quit, then ended by force) before the server goes."""
        self.closing = True
        await asyncio.gather(*(session.stop() for session in list(self.sessions)))


def listen(host: str, port: int) -> socket.socket:
    """The listening socket (port 0 picks a free one); OSError when it cannot be had."""
    return socket.create_server((host.strip("[]"), port), reuse_port=False)


async def serve(
    argv: Sequence[str],
    sock: socket.socket,
    token: str,
    host: str,
    ready: Callable[[], None] = lambda: None,
) -> None:
    """Serve on `sock` until SIGINT or SIGTERM, then end every app and return."""
    port = sock.getsockname()[1]
    guard = Guard(token=token, port=port, loopback_only=is_loopback(host))
    runner = web.AppRunner(ReaderServer(argv, guard).application(), access_log=None)
    await runner.setup()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await web.SockSite(runner, sock).start()
        ready()
        await stop.wait()
    finally:
        # A second Ctrl+C while the apps are asked to quit must not cut that short.
        await runner.cleanup()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
