"""Fetching with limits against a real loopback server: redirects, 304, errors, caps, deadlines."""

from __future__ import annotations

import gzip
import socket
import threading

import pytest

from reader import __version__
from reader.web.fetch import FEED_ACCEPT, FetchError, Limits, check_url, fetch
from tests.http_server import LoopbackServer, Route

PAGE = (
    b"<!doctype html><html><head><title>Tide tables</title></head>"
    b"<body><p>Low water at six.</p></body></html>"
)
QUICK = Limits(timeout=0.5)


def test_fetch_returns_body_type_charset_and_sends_our_headers(http_server) -> None:
    http_server.routes["/page"] = Route(PAGE, content_type="text/html; charset=ISO-8859-1")
    response = fetch(http_server.url("/page"))
    assert response.status == 200
    assert response.body == PAGE
    assert response.content_type == "text/html"
    assert response.charset == "iso-8859-1"
    assert response.url == http_server.url("/page")
    assert not response.not_modified
    _, headers = http_server.requests[-1]
    assert headers["User-Agent"] == f"reader/{__version__}"
    assert headers["Accept"].startswith("text/html")
    assert "If-None-Match" not in headers


def test_fetch_sends_the_accept_it_is_given(http_server) -> None:
    http_server.routes["/feed"] = Route(b"<rss/>", content_type="application/rss+xml")
    fetch(http_server.url("/feed"), accept=FEED_ACCEPT)
    assert http_server.requests[-1][1]["Accept"] == FEED_ACCEPT


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_each_redirect_status_is_followed(http_server, status: int) -> None:
    http_server.routes["/old"] = Route(status=status, headers={"Location": "/new"})
    http_server.routes["/new"] = Route(PAGE)
    response = fetch(http_server.url("/old"))
    assert (response.status, response.url, response.body) == (200, http_server.url("/new"), PAGE)


def test_a_chain_of_relative_and_absolute_redirects_is_followed(http_server) -> None:
    http_server.routes["/a"] = Route(status=301, headers={"Location": "b"})
    http_server.routes["/b"] = Route(status=302, headers={"Location": http_server.url("/c/d")})
    http_server.routes["/c/d"] = Route(status=307, headers={"Location": "../e#part"})
    http_server.routes["/e"] = Route(PAGE)
    response = fetch(http_server.url("/a"))
    assert response.body == PAGE
    assert response.url.startswith(http_server.url("/e"))
    assert [path for path, _ in http_server.requests] == ["/a", "/b", "/c/d", "/e"]


def test_redirects_beyond_the_limit_fail(http_server) -> None:
    for n in range(10):
        http_server.routes[f"/hop{n}"] = Route(status=302, headers={"Location": f"/hop{n + 1}"})
    http_server.routes["/hop10"] = Route(PAGE)
    with pytest.raises(FetchError, match=r"too many redirects \(more than 3\)"):
        fetch(http_server.url("/hop0"), limits=Limits(max_redirects=3))
    assert http_server.hits("/hop4") == 0
    assert fetch(http_server.url("/hop0"), limits=Limits(max_redirects=10)).body == PAGE


def test_a_redirect_loop_is_reported(http_server) -> None:
    http_server.routes["/ping"] = Route(status=302, headers={"Location": "/pong"})
    http_server.routes["/pong"] = Route(status=302, headers={"Location": "/ping"})
    with pytest.raises(FetchError, match="redirect loop at 127.0.0.1"):
        fetch(http_server.url("/ping"))
    assert http_server.hits("/ping") == 1


@pytest.mark.parametrize(
    "target", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/", "data:,hi"]
)
def test_a_redirect_to_another_scheme_is_refused(http_server, target: str) -> None:
    http_server.routes["/sneaky"] = Route(status=302, headers={"Location": target})
    with pytest.raises(FetchError, match=r"redirect from 127.0.0.1 refused: unsupported address"):
        fetch(http_server.url("/sneaky"))


def test_a_redirect_without_location_is_an_error(http_server) -> None:
    http_server.routes["/nowhere"] = Route(status=301)
    with pytest.raises(FetchError, match="301 redirect without a Location from 127.0.0.1"):
        fetch(http_server.url("/nowhere"))


def test_etag_gives_304_not_an_error(http_server) -> None:
    http_server.routes["/feed"] = Route(PAGE, etag='"v1"')
    first = fetch(http_server.url("/feed"))
    assert first.etag == '"v1"'
    again = fetch(http_server.url("/feed"), etag=first.etag)
    assert again.not_modified and again.status == 304 and again.body == b""
    assert http_server.requests[-1][1]["If-None-Match"] == '"v1"'
    changed = fetch(http_server.url("/feed"), etag='"v0"')
    assert changed.status == 200 and changed.body == PAGE


def test_last_modified_gives_304(http_server) -> None:
    stamp = "Tue, 04 Jun 2024 10:00:00 GMT"
    http_server.routes["/feed"] = Route(PAGE, last_modified=stamp)
    first = fetch(http_server.url("/feed"))
    assert first.last_modified == stamp
    again = fetch(http_server.url("/feed"), last_modified=stamp)
    assert again.not_modified
    assert http_server.requests[-1][1]["If-Modified-Since"] == stamp


@pytest.mark.parametrize(
    ("status", "message"),
    [(404, "404 Not Found"), (500, "500 Internal Server Error"), (410, "410")],
)
def test_http_errors_name_status_and_host(http_server, status: int, message: str) -> None:
    http_server.routes["/broken"] = Route(b"oops", status=status, content_type="text/plain")
    with pytest.raises(FetchError, match=f"^{message}.* from 127.0.0.1$"):
        fetch(http_server.url("/broken"))


def test_a_missing_path_is_404(http_server) -> None:
    with pytest.raises(FetchError) as caught:
        fetch(http_server.url("/not-there"))
    assert str(caught.value) == "404 Not Found from 127.0.0.1"


def test_a_server_that_never_answers_times_out(http_server) -> None:
    http_server.routes["/slow"] = Route(PAGE, delay=5)
    with pytest.raises(FetchError, match=r"timed out after 0.5 s fetching from 127.0.0.1"):
        fetch(http_server.url("/slow"), limits=QUICK)


def test_a_server_dripping_bytes_still_times_out(http_server) -> None:
    # 64 bytes every 0.1 s: each read succeeds quickly, only the deadline stops it.
    http_server.routes["/drip"] = Route(b"x" * 4096, drip=0.1)
    with pytest.raises(FetchError, match="timed out"):
        fetch(http_server.url("/drip"), limits=QUICK)


def test_a_dripping_body_without_length_times_out(http_server) -> None:
    http_server.routes["/drip"] = Route(b"y" * 4096, drip=0.1, send_length=False)
    with pytest.raises(FetchError, match="timed out"):
        fetch(http_server.url("/drip"), limits=QUICK)


def test_a_redirect_chain_shares_one_deadline(http_server) -> None:
    http_server.routes["/a"] = Route(status=302, headers={"Location": "/b"}, delay=0.3)
    http_server.routes["/b"] = Route(PAGE, delay=0.3)
    with pytest.raises(FetchError, match="timed out"):
        fetch(http_server.url("/a"), limits=QUICK)


def test_a_declared_length_over_the_cap_is_refused_before_reading(http_server) -> None:
    http_server.routes["/big"] = Route(b"z" * 5000)
    with pytest.raises(FetchError, match="too large: more than 4 KB from 127.0.0.1"):
        fetch(http_server.url("/big"), limits=Limits(max_bytes=4096))


def test_a_body_without_length_is_cut_at_the_cap(http_server) -> None:
    http_server.routes["/big"] = Route(b"z" * 300_000, send_length=False)
    with pytest.raises(FetchError, match="too large: more than 100 KB"):
        fetch(http_server.url("/big"), limits=Limits(max_bytes=100 * 1024))


def test_the_default_cap_is_8_mb(http_server) -> None:
    http_server.routes["/huge"] = Route(b"z" * (8 * 1024 * 1024 + 1), send_length=False)
    with pytest.raises(FetchError, match="too large: more than 8 MB"):
        fetch(http_server.url("/huge"))


def test_a_body_at_the_cap_is_accepted(http_server) -> None:
    http_server.routes["/fits"] = Route(b"z" * 4096, send_length=False)
    assert len(fetch(http_server.url("/fits"), limits=Limits(max_bytes=4096)).body) == 4096


def test_gzip_bodies_are_inflated_within_the_cap(http_server) -> None:
    http_server.routes["/zipped"] = Route(gzip.compress(PAGE), headers={"Content-Encoding": "gzip"})
    assert fetch(http_server.url("/zipped")).body == PAGE
    bomb = gzip.compress(b"\0" * 2_000_000)  # about 2 KB that inflates to 2 MB
    http_server.routes["/bomb"] = Route(bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match="too large"):
        fetch(http_server.url("/bomb"), limits=Limits(max_bytes=64 * 1024))


def test_a_non_html_body_is_returned_with_its_type(http_server) -> None:
    http_server.routes["/doc.pdf"] = Route(b"%PDF-1.4", content_type="application/pdf")
    response = fetch(http_server.url("/doc.pdf"))
    assert (response.content_type, response.charset) == ("application/pdf", None)


def test_a_dns_failure_names_the_host() -> None:
    with pytest.raises(FetchError) as caught:
        fetch("http://example.invalid/page", limits=Limits(timeout=5))
    assert str(caught.value) == "cannot find host example.invalid"


@pytest.mark.parametrize("host", ["a..invalid", "x" * 70 + ".invalid"])
def test_a_host_name_the_resolver_cannot_encode_is_not_found(host, monkeypatch) -> None:
    crashed: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda info: crashed.append(info.exc_value))
    with pytest.raises(FetchError) as caught:
        fetch(f"http://{host}/page", limits=Limits(timeout=5))
    assert str(caught.value) == f"cannot find host {host}"
    assert crashed == []  # no traceback from the lookup thread


def test_a_closed_port_is_connection_refused() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # free now, and nothing listens on it once closed
    with pytest.raises(FetchError, match="^connection refused by 127.0.0.1$"):
        fetch(f"http://127.0.0.1:{port}/")


def test_tls_to_a_plain_http_server_fails_clearly(http_server) -> None:
    address = http_server.base.replace("http://", "https://")
    with pytest.raises(FetchError, match="^secure connection to 127.0.0.1 failed: "):
        fetch(address + "/", limits=Limits(timeout=5))


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://127.0.0.1/file",
        "data:text/html,<p>hi</p>",
        "javascript:alert(1)",
        "gopher://127.0.0.1/",
        "127.0.0.1/page",
        "//127.0.0.1/page",
        "mailto:someone@example.org",
    ],
)
def test_other_schemes_are_refused(url: str) -> None:
    with pytest.raises(FetchError, match=r"unsupported address .* \(only http and https\)"):
        check_url(url)
    with pytest.raises(FetchError, match="unsupported address"):
        fetch(url)


@pytest.mark.parametrize("url", ["http://", "https:///path", "http://host:99999/", "http://a b/"])
def test_malformed_addresses_are_refused(url: str) -> None:
    with pytest.raises(FetchError, match="bad address"):
        check_url(url)


def test_check_url_trims_and_accepts_upper_case_schemes() -> None:
    assert check_url("  HTTPS://Example.org/a?b=1 \n") == "HTTPS://Example.org/a?b=1"


def test_credentials_are_sent_but_never_shown(http_server) -> None:
    http_server.routes["/private"] = Route(PAGE)
    address = http_server.url("/private").replace("http://", "http://ann:s3cret@")
    response = fetch(address)
    assert "s3cret" not in response.url
    assert http_server.requests[-1][1]["Authorization"].startswith("Basic ")
    with pytest.raises(FetchError) as caught:
        fetch(address.replace("/private", "/missing"))
    assert "s3cret" not in str(caught.value)
    with pytest.raises(FetchError) as refused:
        check_url("ftp://ann:s3cret@127.0.0.1/")
    assert "s3cret" not in str(refused.value)


def test_non_ascii_paths_are_quoted(http_server) -> None:
    http_server.routes["/caf%C3%A9%20menu"] = Route(PAGE)
    assert fetch(http_server.url("/café menu")).body == PAGE


def test_a_body_cut_short_is_an_error(http_server) -> None:
    http_server.routes["/cut"] = Route(
        b"partial", headers={"Content-Length": "1000"}, send_length=False
    )
    with pytest.raises(FetchError, match="^bad answer from 127.0.0.1: "):
        fetch(http_server.url("/cut"), limits=Limits(timeout=5))


def test_the_server_fixture_is_loopback(http_server: LoopbackServer) -> None:
    assert http_server.base.startswith("http://127.0.0.1:")


def test_a_remembered_validator_with_line_breaks_is_not_sent(http_server) -> None:
    http_server.routes["/feed"] = Route(PAGE, etag='"v1"')
    response = fetch(http_server.url("/feed"), etag='"v1"\r\nX-Injected: yes')
    assert response.status == 200
    assert "X-Injected" not in http_server.requests[-1][1]
    assert "If-None-Match" not in http_server.requests[-1][1]
