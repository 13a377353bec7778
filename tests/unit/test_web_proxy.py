"""Fetching through a proxy from the environment, against a real proxy on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from reader.web.fetch import FetchError, Limits, fetch
from reader.web.proxy import ProxyError, proxy_for
from tests.http_server import LoopbackServer, Route

FAST = Limits(timeout=2.0)
PAGE = b"<html><body><p>Through the proxy.</p></body></html>"


class ForwardProxy:
    """A proxy that answers plain requests itself and refuses or grants CONNECT tunnels."""

    def __init__(self, tunnel_status: int = 407) -> None:
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        proxy = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # named as http.server calls it
                proxy.requests.append(("GET", self.path, dict(self.headers.items())))
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(PAGE)))
                self.end_headers()
                self.wfile.write(PAGE)

            def do_CONNECT(self) -> None:
                proxy.requests.append(("CONNECT", self.path, dict(self.headers.items())))
                self.send_response(tunnel_status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                self.close_connection = True

            def log_message(self, *_args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def address(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"{host!s}:{port}"


@pytest.fixture
def forward_proxy() -> Iterator[ForwardProxy]:
    proxy = ForwardProxy()
    proxy.thread.start()
    try:
        yield proxy
    finally:
        proxy.httpd.shutdown()
        proxy.httpd.server_close()


def test_plain_http_goes_through_the_proxy(forward_proxy, monkeypatch) -> None:
    monkeypatch.setenv("http_proxy", f"http://reader:s3cret@{forward_proxy.address}")
    # The site's name is never looked up: only the proxy is connected to.
    response = fetch("http://news.invalid:8080/story?id=7", limits=FAST)
    assert response.body == PAGE
    [(method, target, headers)] = forward_proxy.requests
    assert (method, target) == ("GET", "http://news.invalid:8080/story?id=7")
    assert headers["Host"] == "news.invalid:8080"
    assert headers["Proxy-Authorization"] == "Basic cmVhZGVyOnMzY3JldA=="


def test_https_asks_the_proxy_for_a_tunnel_and_reports_a_refusal(
    forward_proxy, monkeypatch
) -> None:
    monkeypatch.setenv("https_proxy", f"http://{forward_proxy.address}")
    with pytest.raises(FetchError, match=r"refused the tunnel to news\.invalid: 407"):
        fetch("https://news.invalid/story", limits=FAST)
    [(method, target, _)] = forward_proxy.requests
    assert (method, target) == ("CONNECT", "news.invalid:443")


def test_no_proxy_hosts_are_fetched_directly(
    forward_proxy, monkeypatch, http_server: LoopbackServer
) -> None:
    http_server.routes["/page"] = Route(PAGE)
    monkeypatch.setenv("http_proxy", f"http://{forward_proxy.address}")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    assert fetch(http_server.url("/page"), limits=FAST).body == PAGE
    assert forward_proxy.requests == [] and http_server.hits("/page") == 1


def test_a_proxy_that_does_not_answer_is_one_line(monkeypatch) -> None:
    import socket

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{port}")
    with pytest.raises(FetchError, match=rf"cannot connect to proxy 127\.0\.0\.1:{port}"):
        fetch("http://news.invalid/", limits=FAST)


def test_only_http_proxies_are_used(monkeypatch) -> None:
    monkeypatch.setenv("https_proxy", "socks5://127.0.0.1:1080")
    with pytest.raises(ProxyError, match="only http:// proxies"):
        proxy_for("https://news.invalid/")
    with pytest.raises(FetchError, match="only http:// proxies"):
        fetch("https://news.invalid/", limits=FAST)


def test_without_a_setting_there_is_no_proxy() -> None:
    assert proxy_for("https://news.invalid/") is None
