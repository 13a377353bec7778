"""One browser tab's app: a `reader` process driven over textual-serve's protocol.

Built on textual-serve's AppService (the packet format and the messages the app sends), with
what a shared server needs on top: the process is started without a shell, in its own session
so a Ctrl+C in the server's terminal reaches the server alone (which then ends every app in
order); its stderr is kept, sanitised, to report a crash in the page rather than leave the tab
hanging; it is always reaped, killed if it will not quit; and the app may only open web pages
in the browser, never a `javascript:` address that would run in the page.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Sequence
from urllib.parse import urlsplit

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from reader.sanitize import safe_line

log = logging.getLogger("reader.serve")

QUIT_GRACE = 5.0
"""Seconds an app has to quit when asked before it is terminated, then killed."""

STDERR_KEPT = 16 * 1024
"""The tail of an app's stderr kept to explain a crash."""

PRELUDE = b"__GANGLION__\n"
"""What the app's web driver writes before its first packet."""

PRELUDE_LINES = 200
"""Lines read while waiting for the prelude (an app that fails prints a few first)."""


class Session(AppService):
    """A `reader` app process serving one websocket."""

    def __init__(self, argv: Sequence[str], ws: web.WebSocketResponse) -> None:
        async def close() -> None:
            await ws.close()

        super().__init__(
            " ".join(argv),
            write_bytes=ws.send_bytes,
            write_str=ws.send_str,
            close=close,
            download_manager=DownloadManager(),  # one each: no session sees another's
        )
        self.argv = list(argv)
        self.stderr_tail = bytearray()
        self.stopping = False
        self.exit_code: int | None = None

    async def _open_app_process(
        self, width: int = 80, height: int = 24
    ) -> asyncio.subprocess.Process:
        """Start the app without a shell, in a session of its own."""
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width=width, height=height),
            start_new_session=True,
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    @property
    def pid(self) -> int | None:
        """The app process's id, once started."""
        return None if self._process is None else self._process.pid

    async def run(self) -> None:
        """Relay the app's packets to the browser until it ends, then say how it ended."""
        process = self._process
        assert process is not None and process.stdout is not None
        reading = asyncio.create_task(self._keep_stderr())
        try:
            if await self._prelude(process.stdout):
                await self._relay(process.stdout)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self.exit_code = await self._reap(process)
            await reading
        if not self.stopping:
            await self._report_end()

    async def _prelude(self, stdout: asyncio.StreamReader) -> bool:
        """Wait for the web driver's prelude; False when the app ended before it."""
        for _ in range(PRELUDE_LINES):
            line = await stdout.readline()
            if not line:
                return False
            if line == PRELUDE:
                return True
            self._keep(line)
        return False

    async def _relay(self, stdout: asyncio.StreamReader) -> None:
        """Hand each packet on: D(ata) to the terminal, M(eta) and P(acked) to their handlers."""
        while True:
            kind = await stdout.readexactly(1)
            size = int.from_bytes(await stdout.readexactly(4), "big")
            payload = await stdout.readexactly(size)
            if kind == b"D":
                await self.on_data(payload)
            elif kind == b"M":
                await self.on_meta(payload)
            # P(acked) packets carry file deliveries, which this server does not offer.

    async def _keep_stderr(self) -> None:
        process = self._process
        assert process is not None and process.stderr is not None
        while chunk := await process.stderr.read(4096):
            self._keep(chunk)

    def _keep(self, data: bytes) -> None:
        self.stderr_tail += data
        del self.stderr_tail[:-STDERR_KEPT]

    async def _reap(self, process: asyncio.subprocess.Process) -> int:
        """Wait for the process to end, ending it when it will not; its exit status."""
        for ask in (None, process.terminate, process.kill):
            if ask is not None:
                with contextlib.suppress(ProcessLookupError):
                    ask()
            try:
                return await asyncio.wait_for(process.wait(), QUIT_GRACE)
            except TimeoutError:
                continue
        return await process.wait()

    async def _report_end(self) -> None:
        """Tell the page an app that ended by itself failed, then close its websocket."""
        if self.exit_code:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await self.remote_write_bytes(crash_text(self.exit_code, self.stderr_tail))
            log.warning("reader: an app process ended with status %s", self.exit_code)
        with contextlib.suppress(ConnectionError, RuntimeError):
            await self.remote_close()

    async def on_data(self, payload: bytes) -> None:
        """Pass screen updates on; a tab already gone is no error."""
        with contextlib.suppress(ConnectionError, RuntimeError):
            await self.remote_write_bytes(payload)

    async def on_meta(self, data: bytes) -> None:
        """Handle the app's messages; only http(s) pages are opened in the browser."""
        try:
            meta = json.loads(data)
        except ValueError:
            return
        kind = meta.get("type") if isinstance(meta, dict) else None
        if kind == "exit":
            await self.remote_close()
        elif kind == "open_url" and opens_safely(meta.get("url")):
            message = ["open_url", {"url": meta["url"], "new_tab": True}]
            with contextlib.suppress(ConnectionError, RuntimeError):
                await self.remote_write_str(json.dumps(message))

    async def stop(self) -> None:
        """Ask the app to quit and wait until its process is gone (ended by force if need be)."""
        self.stopping = True
        if self._task is None:
            return
        task, process = self._task, self._process
        assert process is not None
        await self.send_meta({"type": "quit"})
        try:
            for ask in (None, process.terminate, process.kill):
                if ask is not None and process.returncode is None:
                    with contextlib.suppress(ProcessLookupError):
                        ask()
                done, _ = await asyncio.wait({task}, timeout=QUIT_GRACE)
                if done:
                    break
            await task
        finally:
            self._task = None

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width, height)
        environment.pop("TEXTUAL", None)  # never devtools, whatever the server's terminal has
        environment["READER_SERVED"] = "1"
        return environment


def opens_safely(url: object) -> bool:
    """Whether the app may open `url` in the browser: web pages only."""
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def crash_text(code: int, stderr: bytes | bytearray) -> bytes:
    """What the page shows when an app failed: the status and the last lines it printed."""
    lines = [safe_line(line) for line in stderr.decode("utf-8", "replace").splitlines()]
    said = [line for line in lines if line.strip()][-8:]
    status = f"signal {-code}" if code < 0 else f"status {code}"
    text = [
        "",
        f"reader stopped unexpectedly ({status}).",
        *(f"  {line}" for line in said),
        "",
        "Reload the page to start it again.",
    ]
    # Reset colours, clear the screen, home the cursor, then plain lines.
    body = "\x1b[0m\x1b[2J\x1b[H" + "\r\n".join(text) + "\r\n"
    return body.encode("utf-8")
