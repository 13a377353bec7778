"""Local and private addresses: refused after every redirect and lookup, unless the person
named that host and port themselves. Two real servers on two ports of 127.0.0.1 stand for a
site the person asked for and a private service they did not."""

from __future__ import annotations

import ipaddress
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader import paths
from reader.feeds.refresh import subscribe
from reader.feeds.registry import FeedRegistry
from reader.web.addresses import host_is_public, is_public, parse_address, place
from reader.web.fetch import FetchError, Limits, _Exchange, _Private, fetch
from reader.web.save import SaveError, add_url
from tests.http_server import LoopbackServer, Route

FAST = Limits(timeout=3.0)
PAGE = (
    b"<html><head><title>Page</title></head><body><p>"
    + b"Words here. " * 40
    + b"</p></body></html>"
)
SECRET = b"<html><head><title>Secret</title></head><body><p>the router password</p></body></html>"
RSS = "application/rss+xml"


@pytest.fixture
def private() -> Iterator[LoopbackServer]:
    """A second server on another port: a service on the machine nobody asked for."""
    server = LoopbackServer().start()
    server.routes["/secret"] = Route(SECRET)
    server.routes["/feed"] = Route(b"<rss version='2.0'><channel><title>S</title></channel></rss>")
    try:
        yield server
    finally:
        server.stop()


def port_of(server: LoopbackServer) -> int:
    return int(server.base.rsplit(":", 1)[1])


# Which addresses are public ------------------------------------------------------------

PRIVATE = [
    "127.0.0.1",
    "127.8.9.10",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "240.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::127.0.0.1",
    "::10.0.0.1",
    "2002:7f00:1::1",
    "2002:c0a8:101::1",
    "64:ff9b::7f00:1",
    "64:ff9b::a9fe:a9fe",
    "[::1]",
    "fe80::1%lo",
    "2130706433",
    "0x7f000001",
    "0177.0.0.1",
    "127.1",
    "0",
]
PUBLIC = ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "2002:808:808::1"]


@pytest.mark.parametrize("text", PRIVATE)
def test_local_and_private_addresses_in_any_spelling_are_not_public(text: str) -> None:
    address = parse_address(text)
    assert address is not None and not is_public(address)
    assert host_is_public(text) is False


@pytest.mark.parametrize("text", PUBLIC)
def test_public_addresses_are_public(text: str) -> None:
    assert host_is_public(text) is True


@pytest.mark.parametrize("name", ["localhost", "LOCALHOST.", "app.localhost", "ip6-localhost"])
def test_local_names_are_not_public(name: str) -> None:
    assert host_is_public(name) is False


@pytest.mark.parametrize("name", ["example.org", "news.invalid", "1.example", "x1"])
def test_other_names_need_a_lookup(name: str) -> None:
    assert host_is_public(name) is None


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_every_ipv4_address_is_judged_the_same_in_its_ipv6_forms(value: int) -> None:
    four = ipaddress.IPv4Address(value)
    mapped = ipaddress.IPv6Address((0xFFFF << 32) | value)
    sixtofour = ipaddress.IPv6Address((0x2002 << 112) | (value << 80) | 1)
    if not is_public(four):
        assert not is_public(mapped) and not is_public(sixtofour)
    assert parse_address(str(value)) == four  # the decimal spelling resolvers accept


def test_a_permission_covers_one_host_and_port() -> None:
    assert place("http://127.0.0.1:8080/a") == ("127.0.0.1", 8080)
    assert place("https://LocalHost./b") == ("localhost", 443)
    assert place("http://[::1]/") == ("::1", 80)


# Fetching ------------------------------------------------------------------------------


def test_the_address_the_person_gives_may_be_local(http_server) -> None:
    http_server.routes["/page"] = Route(PAGE)
    assert fetch(http_server.url("/page"), limits=FAST).body == PAGE


def test_a_redirect_to_another_local_port_is_refused(http_server, private) -> None:
    http_server.routes["/go"] = Route(status=302, headers={"Location": private.url("/secret")})
    with pytest.raises(FetchError, match="redirect from 127.0.0.1 refused: .*private"):
        fetch(http_server.url("/go"), limits=FAST)
    assert private.hits("/secret") == 0


@pytest.mark.parametrize(
    "spelling",
    ["http://2130706433:{port}/secret", "http://0x7f.1:{port}/secret", "http://[::1]:{port}/s"],
)
def test_a_redirect_to_a_disguised_local_address_is_refused(
    http_server, private, spelling: str
) -> None:
    target = spelling.format(port=port_of(private))
    http_server.routes["/go"] = Route(status=302, headers={"Location": target})
    with pytest.raises(FetchError, match="refused"):
        fetch(http_server.url("/go"), limits=FAST)
    assert private.requests == []


def test_a_redirect_carrying_credentials_is_refused(http_server, private) -> None:
    target = private.url("/secret").replace("http://", "http://public.example@")
    http_server.routes["/go"] = Route(status=302, headers={"Location": target})
    with pytest.raises(FetchError, match="user name or password refused") as caught:
        fetch(http_server.url("/go"), limits=FAST)
    assert private.requests == [] and "public.example" not in str(caught.value)


def test_a_relative_redirect_keeps_the_credentials_the_person_gave(http_server) -> None:
    http_server.routes["/old"] = Route(status=301, headers={"Location": "/new"})
    http_server.routes["/new"] = Route(PAGE)
    address = http_server.url("/old").replace("http://", "http://ann:s3cret@")
    assert fetch(address, limits=FAST).body == PAGE
    assert http_server.requests[-1][1]["Authorization"].startswith("Basic ")


def test_an_address_from_a_document_may_not_be_local(http_server) -> None:
    http_server.routes["/page"] = Route(PAGE)
    with pytest.raises(FetchError, match="refused to fetch from 127.0.0.1"):
        fetch(http_server.url("/page"), limits=FAST, typed=False)
    assert http_server.requests == []


def test_an_explicit_allowance_lets_a_document_address_be_local(http_server) -> None:
    http_server.routes["/page"] = Route(PAGE)
    allowed = Limits(timeout=3.0, allow=frozenset({place(http_server.base)}))
    assert fetch(http_server.url("/page"), limits=allowed, typed=False).body == PAGE


def test_a_name_that_resolves_to_a_local_address_is_refused_when_not_given(private) -> None:
    name = socket.gethostname()
    try:
        found = {info[4][0] for info in socket.getaddrinfo(name, 80, type=socket.SOCK_STREAM)}
    except OSError:
        pytest.skip("this machine's own name does not resolve")
    if not all(host_is_public(address) is False for address in found):
        pytest.skip("this machine's own name resolves to a public address")
    with pytest.raises(FetchError, match="refused to fetch from"):
        fetch(f"http://{name}:{port_of(private)}/secret", limits=FAST, typed=False)
    assert private.requests == []


def test_the_connected_peer_is_checked_not_only_the_name(private) -> None:
    exchange = _Exchange(private.url("/secret"), {}, float("inf"), FAST, private_ok=False)
    with socket.create_connection(("127.0.0.1", port_of(private))) as sock:
        with pytest.raises(_Private):
            exchange._check_peer(sock)
        exchange.private_ok = True
        exchange._check_peer(sock)  # the person's own address: allowed


# Through a proxy: the "public" site is the first server, acting as the proxy -------------


def test_through_a_proxy_a_public_site_is_fetched(http_server, monkeypatch) -> None:
    monkeypatch.setenv("http_proxy", http_server.base)
    http_server.routes["http://news.example/story"] = Route(PAGE)
    assert fetch("http://news.example/story", limits=FAST, typed=False).body == PAGE


def test_through_a_proxy_a_redirect_to_a_local_address_is_refused(
    http_server, private, monkeypatch
) -> None:
    monkeypatch.setenv("http_proxy", http_server.base)
    for target in (private.url("/secret"), "http://localhost/secret", "http://10.0.0.1/"):
        http_server.routes["http://news.example/go"] = Route(
            status=302, headers={"Location": target}
        )
        with pytest.raises(FetchError, match="redirect from news.example refused"):
            fetch("http://news.example/go", limits=FAST)
    assert private.requests == []
    assert [path for path, _ in http_server.requests] == ["http://news.example/go"] * 3


# Saving pages and feeds ----------------------------------------------------------------


def test_reader_add_refuses_a_public_site_redirecting_to_a_local_port(
    http_server, private, tmp_path: Path
) -> None:
    http_server.routes["http://news.example/story"] = Route(
        status=302, headers={"Location": private.url("/secret")}
    )
    env = {**os.environ, "http_proxy": http_server.base}
    done = subprocess.run(
        [sys.executable, "-m", "reader", "add", "http://news.example/story"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode != 0 and "refused" in done.stderr
    assert "Traceback" not in done.stderr
    assert private.requests == []
    web = paths.user_library_dir() / "web"
    assert not web.exists() or list(web.iterdir()) == []


def test_add_url_saves_from_the_address_given_but_not_from_a_redirect(
    http_server, private, tmp_path: Path
) -> None:
    http_server.routes["/page"] = Route(PAGE)
    http_server.routes["/go"] = Route(status=302, headers={"Location": private.url("/secret")})
    assert add_url(http_server.url("/page"), folder=tmp_path, limits=FAST).created
    with pytest.raises(SaveError, match="refused"):
        add_url(http_server.url("/go"), folder=tmp_path, limits=FAST)
    assert private.requests == []


def test_a_feed_redirecting_to_a_local_port_is_not_followed(http_server, private) -> None:
    http_server.routes["/feed"] = Route(status=301, headers={"Location": private.url("/feed")})
    with FeedRegistry.open() as registry, pytest.raises(FetchError, match="refused"):
        subscribe(registry, http_server.url("/feed"), limits=FAST)
    assert private.requests == []


def test_full_text_never_fetches_local_entry_links(http_server, private) -> None:
    http_server.routes["/page"] = Route(PAGE)
    items = "".join(
        f"<item><title>T{n}</title><link>{link}</link><guid>g{n}</guid>"
        f"<description>Summary {n}.</description></item>"
        for n, link in enumerate([private.url("/secret"), http_server.url("/page")])
    )
    feed = f'<rss version="2.0"><channel><title>F</title>{items}</channel></rss>'.encode()
    http_server.routes["/feed"] = Route(feed, content_type=RSS)
    with FeedRegistry.open() as registry:
        _, result = subscribe(registry, http_server.url("/feed"), full_text=True, limits=FAST)
    assert result.new == 2 and result.error is None
    # Even the feed's own server: the person named the feed, not the links inside it.
    assert private.requests == [] and http_server.hits("/page") == 0
    texts = " ".join(path.read_text(encoding="utf-8") for path in result.paths)
    assert "router password" not in texts and "Summary 0." in texts


def test_refused_links_do_not_stop_full_text_for_the_rest(http_server, private) -> None:
    # A feed cannot switch full text off by listing local links first: a refusal is
    # immediate, unlike a slow site, so it does not count towards giving up.
    http_server.routes["/page"] = Route(PAGE)
    links = [private.url("/secret")] * 3 + [http_server.url("/page")]
    items = "".join(
        f"<item><title>T{n}</title><link>{link}</link><guid isPermaLink='false'>g{n}</guid>"
        f"<description>Summary {n}.</description></item>"
        for n, link in enumerate(links)
    )
    feed = f'<rss version="2.0"><channel><title>F</title>{items}</channel></rss>'.encode()
    http_server.routes["/feed"] = Route(feed, content_type=RSS)
    allowed = Limits(timeout=3.0, allow=frozenset({place(http_server.base)}))
    with FeedRegistry.open() as registry:
        _, result = subscribe(registry, http_server.url("/feed"), full_text=True, limits=allowed)
    assert result.new == 4 and private.requests == [] and http_server.hits("/page") == 1
