"""A real HTTP server on 127.0.0.1 for fetching tests: routes are set per test."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Route:
    """One canned answer. `drip` sends the body in chunks with a pause between them;
    `delay` waits before answering (to trigger timeouts); `etag`/`last_modified` make the
    route answer 304 to a matching conditional request."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drip: float = 0.0
    etag: str | None = None
    last_modified: str | None = None
    send_length: bool = True


Handler = Callable[[BaseHTTPRequestHandler], Route]


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1; `routes` maps a path to a Route or a function."""

    def __init__(self) -> None:
        self.routes: dict[str, Route | Handler] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self
        self._stop = threading.Event()

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # named as http.server calls it
                server.requests.append((self.path, dict(self.headers.items())))
                found = server.routes.get(self.path)
                route = found(self) if callable(found) else found
                if route is None:
                    route = Route(b"not here", status=404, content_type="text/plain")
                server._answer(self, route)

            def log_message(self, *_args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        # A short poll makes shutdown quick: every fetching test stops a server.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base(self) -> str:
        """The server's root URL, without a trailing slash."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        """The full URL of a path on this server."""
        return self.base + path

    def hits(self, path: str) -> int:
        """How many requests a path has had."""
        return sum(1 for requested, _ in self.requests if requested == path)

    def _answer(self, handler: BaseHTTPRequestHandler, route: Route) -> None:
        if route.delay and self._stop.wait(route.delay):
            return
        if _not_modified(handler, route):
            handler.send_response(304)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        handler.send_response(route.status)
        handler.send_header("Content-Type", route.content_type)
        if route.send_length:
            handler.send_header("Content-Length", str(len(route.body)))
        else:
            handler.send_header("Connection", "close")
            handler.close_connection = True
        if route.etag:
            handler.send_header("ETag", route.etag)
        if route.last_modified:
            handler.send_header("Last-Modified", route.last_modified)
        for name, value in route.headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        # The client may give up mid-body, as a size cap or a timeout should make it.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._send_body(handler, route)

    def _send_body(self, handler: BaseHTTPRequestHandler, route: Route) -> None:
        if not route.drip:
            handler.wfile.write(route.body)
            return
        for start in range(0, len(route.body), 64):
            if self._stop.is_set():
                return
            handler.wfile.write(route.body[start : start + 64])
            handler.wfile.flush()
            time.sleep(route.drip)

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()


def _not_modified(handler: BaseHTTPRequestHandler, route: Route) -> bool:
    if route.etag and handler.headers.get("If-None-Match") == route.etag:
        return True
    since = handler.headers.get("If-Modified-Since")
    return bool(route.last_modified and since == route.last_modified)


@pytest.fixture
def http_server() -> Iterator[LoopbackServer]:
    """A started loopback server, stopped after the test."""
    server = LoopbackServer().start()
    try:
        yield server
    finally:
        server.stop()
