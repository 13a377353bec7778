"""Fetching a URL with limits: http(s) only, a deadline, a size cap, bounded redirects.

Built on http.client rather than urllib so that every part of a fetch answers to one
deadline: the name lookup runs in a helper thread, each socket wait gets only the time
left, and a watchdog shuts the socket at the deadline, so a server that sends a byte a
second still fails on time. Proxies come from the environment (see `proxy`).
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass
from typing import TypeGuard
from urllib.parse import SplitResult, quote, unquote, urljoin, urlsplit, urlunsplit

from reader import __version__
from reader.web.addresses import host_is_public, lookup, place, private_refusal, public_text
from reader.web.inflate import Inflater, UnsupportedEncoding, size_text
from reader.web.proxy import Proxy, ProxyError, open_tunnel, proxy_for

HTML_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
FEED_ACCEPT = (
    "application/atom+xml,application/rss+xml,application/rdf+xml;q=0.9,"
    "application/xml;q=0.8,text/xml;q=0.8,*/*;q=0.1"
)
USER_AGENT = f"reader/{__version__}"

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
# Characters left as they are when a path or query with spaces or non-ASCII is quoted.
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"
_NOT_IN_HOST = frozenset(" \t\\/?#@<>\"'`{}|^")


class FetchError(Exception):
    """A fetch that failed; str(error) is one line naming the URL's host and the reason."""


class AddressRefused(FetchError):
    """A local or private address the fetch was not allowed to reach (nothing was sent)."""


@dataclass(frozen=True, slots=True)
class Limits:
    """How far a fetch may go before it gives up."""

    timeout: float = 20.0
    """Seconds for the whole fetch, connection to last byte, redirects included."""
    max_bytes: int = 8 * 1024 * 1024
    max_redirects: int = 5
    allow: frozenset[tuple[str, int]] = frozenset()
    """(host, port) places the person allows even when local or private (see `fetch`)."""


@dataclass(frozen=True, slots=True)
class Response:
    """A fetched resource. `url` is the final URL after redirects."""

    url: str
    status: int
    body: bytes
    content_type: str = ""
    """The media type, lower-case, without parameters ("text/html")."""
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        """True for a 304 answer to a conditional request (the body is empty)."""
        return self.status == 304


def check_url(url: str) -> str:
    """The URL, trimmed, when it is http(s) with a host; FetchError naming the problem otherwise."""
    url = url.strip()
    shown = safe_url(url)
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in url):
        raise FetchError(f"bad address {shown!r}: it contains control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise FetchError(f"bad address {shown!r}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(f"unsupported address {shown!r} (only http and https)")
    if not parts.hostname:
        raise FetchError(f"bad address {shown!r}: no host name")
    if any(char in _NOT_IN_HOST for char in parts.hostname):
        raise FetchError(f"bad address {shown!r}: bad host name")
    if port == 0:
        raise FetchError(f"bad address {shown!r}: port 0")
    return url


def safe_url(url: str) -> str:
    """The URL without any user name or password it carries (for messages and records)."""
    if "@" not in url:
        return url  # nothing to take out, and no parse of the URL
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def fetch(
    url: str,
    *,
    limits: Limits = Limits(),
    accept: str = HTML_ACCEPT,
    etag: str | None = None,
    last_modified: str | None = None,
    typed: bool = True,
) -> Response:
    """GET a URL within the limits; FetchError for every failure (DNS, refused, 4xx/5xx, ...).

    `typed`: the person gave this URL (typed it, or subscribed to it), so its own host and
    port may be a local or private address. Anywhere else (a redirect, a URL from a
    document: `typed=False`) must be public and may not add credentials.
    """
    current = check_url(url)
    if not typed:
        _refuse_credentials(current)
    deadline = time.monotonic() + limits.timeout
    origin = _origin(current)
    allowed = limits.allow | {place(current)} if typed else limits.allow
    seen = {_without_fragment(current)}
    previous: str | None = None
    conditions = {"If-None-Match": etag, "If-Modified-Since": last_modified}
    for _hop in range(limits.max_redirects + 1):
        headers = {"Accept": accept}
        headers.update((name, value) for name, value in conditions.items() if _sendable(value))
        if _origin(current) == origin:
            headers.update(_credentials(current))
        private_ok = place(current) in allowed
        if not private_ok and host_is_public(_host(current)) is False:
            raise AddressRefused(private_refusal(current, previous))
        try:
            outcome = _Exchange(current, headers, deadline, limits, private_ok).run()
        except _Private:
            raise AddressRefused(private_refusal(current, previous)) from None
        if isinstance(outcome, Response):
            return outcome
        target = _redirect_target(current, outcome)
        key = _without_fragment(target)
        if key in seen:
            raise FetchError(f"redirect loop at {_host(target)}")
        seen.add(key)
        previous, current = current, target
    raise FetchError(f"too many redirects (more than {limits.max_redirects}) from {_host(url)}")


class _Private(Exception):
    """The host resolved to, or connected to, a private address it may not reach."""


class _Exchange:
    """One request and its answer: a Response, or the Location of a redirect."""

    def __init__(
        self, url: str, headers: dict[str, str], deadline: float, limits: Limits, private_ok: bool
    ) -> None:
        self.url = url
        self.private_ok = private_ok
        """Whether this host may be a private address (the person named it themselves)."""
        self.parts = urlsplit(url)
        self.host = self.parts.hostname or ""
        self.headers = headers
        self.deadline = deadline
        self.limits = limits
        self.sock: socket.socket | None = None
        self.lock = threading.Lock()
        self.proxy: Proxy | None = None
        """The proxy an http request goes through (https tunnels through it instead)."""

    def run(self) -> Response | str:
        watchdog = threading.Timer(max(0.0, self.remaining()), self._abort)
        watchdog.daemon = True
        watchdog.start()
        try:
            return self._exchange()
        except FetchError:
            raise
        except (OSError, http.client.HTTPException, zlib.error) as error:
            raise self._failure(error) from None
        finally:
            watchdog.cancel()
            self._abort()

    def remaining(self) -> float:
        """Seconds left before the deadline (raises FetchError when there are none)."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise self._timeout()
        return left

    def _exchange(self) -> Response | str:
        conn = self._connection()
        target = _request_target(self.parts)
        if self.proxy is not None:
            target = f"http://{conn.host}" + (f":{self.parts.port}" if self.parts.port else "")
            target += _request_target(self.parts)
        conn.putrequest("GET", target, skip_accept_encoding=True)
        for name, value in self._all_headers().items():
            conn.putheader(name, value)
        conn.endheaders()
        self._settimeout()
        answer = conn.getresponse()
        status = answer.status
        if status in _REDIRECTS:
            location = answer.getheader("Location")
            if not location:
                raise FetchError(f"{status} redirect without a Location from {self.host}")
            return location.strip()
        if status == 304:
            return self._response(answer, b"")
        if status >= 300:
            reason = " ".join(answer.reason.split()) or "error"
            raise FetchError(f"{status} {reason} from {self.host}")
        return self._response(answer, self._body(answer))

    def _all_headers(self) -> dict[str, str]:
        headers = {
            "User-Agent": USER_AGENT,
            "Accept-Encoding": "gzip, identity;q=0.5",
            "Connection": "close",
            **self.headers,
        }
        if self.proxy is not None and self.proxy.authorization:
            headers["Proxy-Authorization"] = self.proxy.authorization
        return headers

    def _connection(self) -> http.client.HTTPConnection:
        host = _ascii_host(self.host)
        https = self.parts.scheme.lower() == "https"
        port = self.parts.port or (443 if https else 80)
        proxy = self._proxy()
        if proxy is None:
            sock = self._connect(self._allowed(_resolve(host, port, self.remaining(), self.host)))
            self._check_peer(sock)
        else:
            sock = self._connect_proxy(proxy)
            if https:
                self._tunnel(sock, host, port, proxy)
            else:
                self.proxy = proxy  # the request goes to the proxy in absolute form
        if https:
            context = ssl.create_default_context()
            sock = context.wrap_socket(sock, server_hostname=host)
            with self.lock:
                self.sock = sock
        conn = http.client.HTTPConnection(host, port, timeout=self.remaining())
        if https:
            conn.default_port = 443  # so the Host header leaves out the usual port
        conn.sock = sock  # already connected: http.client only writes and reads on it
        return conn

    def _allowed(
        self, addresses: list[tuple[int, tuple[str, int]]]
    ) -> list[tuple[int, tuple[str, int]]]:
        """The addresses this fetch may connect to: all of them, or only the public ones."""
        if self.private_ok:
            return addresses
        public = [item for item in addresses if public_text(item[1][0])]
        if not public:
            raise _Private
        return public

    def _check_peer(self, sock: socket.socket) -> None:
        """Refuse when the address actually connected to is private (a name can resolve one
        way when checked and another when used)."""
        if self.private_ok:
            return
        try:
            peer = str(sock.getpeername()[0])
        except OSError:
            return  # not connected after all: the request itself will fail
        if not public_text(peer):
            raise _Private

    def _proxy(self) -> Proxy | None:
        try:
            return proxy_for(self.url)
        except ProxyError as error:
            raise FetchError(str(error)) from None

    def _connect_proxy(self, proxy: Proxy) -> socket.socket:
        addresses = _resolve(proxy.host, proxy.port, self.remaining(), f"proxy {proxy.host}")
        try:
            return self._connect(addresses)
        except OSError as error:
            if time.monotonic() >= self.deadline or isinstance(error, TimeoutError):
                raise self._timeout() from None
            reason = error.strerror or type(error).__name__
            raise FetchError(f"cannot connect to proxy {proxy.name}: {reason}") from None

    def _tunnel(self, sock: socket.socket, host: str, port: int, proxy: Proxy) -> None:
        try:
            open_tunnel(sock, host, port, proxy, self.remaining)
        except ProxyError as error:
            raise FetchError(str(error)) from None

    def _connect(self, addresses: list[tuple[int, tuple[str, int]]]) -> socket.socket:
        """A socket connected to the first address that answers."""
        error: OSError = OSError("no address")
        for family, address in addresses:
            sock = socket.socket(family, socket.SOCK_STREAM)
            with self.lock:
                self.sock = sock
            try:
                sock.settimeout(self.remaining())
                sock.connect(address)
                return sock
            except OSError as failed:
                sock.close()
                error = failed
        raise error

    def _settimeout(self) -> None:
        with self.lock:
            if self.sock is not None:
                self.sock.settimeout(self.remaining())

    def _body(self, answer: http.client.HTTPResponse) -> bytes:
        cap = self.limits.max_bytes
        length = (answer.getheader("Content-Length") or "").strip()
        declared = int(length) if length.isdigit() else None
        if declared is not None and declared > cap:
            raise self._too_large()
        try:
            inflate = Inflater(answer.getheader("Content-Encoding"), cap)
        except UnsupportedEncoding as error:
            raise FetchError(f"unsupported content encoding {error} from {self.host}") from None
        received = 0
        while True:
            self._settimeout()
            chunk = answer.read1(_CHUNK)
            if not chunk:
                break
            received += len(chunk)
            if not inflate.feed(chunk):
                raise self._too_large()
        self.remaining()  # a body cut short by the watchdog is a timeout, not a page
        if declared is not None and received < declared:
            raise FetchError(f"bad answer from {self.host}: the body was cut short")
        body = inflate.finish()
        if body is None:
            raise self._too_large()
        return body

    def _response(self, answer: http.client.HTTPResponse, body: bytes) -> Response:
        content = answer.getheader("Content-Type") or ""
        media = content.split(";", 1)[0].strip().lower()
        charset = answer.headers.get_content_charset() if content else None
        return Response(
            url=safe_url(self.url),
            status=answer.status,
            body=body,
            content_type=media,
            charset=charset,
            etag=answer.getheader("ETag"),
            last_modified=answer.getheader("Last-Modified"),
        )

    def _abort(self) -> None:
        """Shut the socket, waking any read blocked on it (the watchdog calls this)."""
        with self.lock:
            sock = self.sock
        if sock is None:
            return
        with contextlib.suppress(OSError):  # never connected, or already closed
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()

    def _failure(self, error: Exception) -> FetchError:
        """The one-line FetchError for a low-level failure."""
        host = self.host
        if time.monotonic() >= self.deadline or isinstance(error, TimeoutError):
            return self._timeout()
        if isinstance(error, ssl.SSLCertVerificationError):
            return FetchError(f"secure connection to {host} failed: {error.verify_message}")
        if isinstance(error, ssl.SSLError):
            reason = error.reason or str(error)
            return FetchError(f"secure connection to {host} failed: {reason}")
        if isinstance(error, ConnectionRefusedError):
            return FetchError(f"connection refused by {host}")
        if isinstance(error, ConnectionResetError | BrokenPipeError):
            return FetchError(f"connection closed by {host}")
        if isinstance(error, http.client.HTTPException | zlib.error):
            detail = " ".join(str(error).split())[:80] or type(error).__name__
            return FetchError(f"bad answer from {host}: {detail}")
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        return FetchError(f"cannot connect to {host}: {reason}")

    def _timeout(self) -> FetchError:
        return FetchError(f"timed out after {self.limits.timeout:g} s fetching from {self.host}")

    def _too_large(self) -> FetchError:
        cap = size_text(self.limits.max_bytes)
        return FetchError(f"too large: more than {cap} from {self.host}")


def _sendable(value: str | None) -> TypeGuard[str]:
    """Whether a remembered header value can be sent back as it is (no line breaks, Latin-1)."""
    if not value or not value.isprintable():
        return False
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def _redirect_target(current: str, location: str) -> str:
    """Where a redirect leads, checked like any address the person gives, and without
    credentials (a server may not make the app log in somewhere, nor disguise a host)."""
    try:
        target = check_url(urljoin(current, location))
        _refuse_credentials(target, current)
        return target
    except FetchError as error:
        raise FetchError(f"redirect from {_host(current)} refused: {error}") from None


def _refuse_credentials(url: str, current: str | None = None) -> None:
    netloc = urlsplit(url).netloc
    # A relative redirect keeps the credentials of the address it came from: those are fine.
    if "@" in netloc and (current is None or netloc != urlsplit(current).netloc):
        raise FetchError(f"address with a user name or password refused: {safe_url(url)!r}")


def _resolve(host: str, port: int, timeout: float, shown: str) -> list[tuple[int, tuple[str, int]]]:
    """The addresses of a host within the time left (see `lookup`); FetchError when none."""
    found = lookup(host, port, timeout)
    if not found:
        raise FetchError(f"cannot find host {shown}")
    return found


def _request_target(parts: SplitResult) -> str:
    """The path and query to request, quoted where the URL held spaces or non-ASCII."""
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    return f"{path}?{quote(parts.query, safe=_QUERY_SAFE)}" if parts.query else path


def _ascii_host(host: str) -> str:
    try:
        host.encode("ascii")
        return host
    except UnicodeEncodeError:
        pass
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        raise FetchError(f"bad host name {host!r}") from None


def _credentials(url: str) -> dict[str, str]:
    """Basic authentication for a URL that names a user (sent to its own host only)."""
    parts = urlsplit(url)
    if parts.username is None:
        return {}
    pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
    token = base64.b64encode(pair.encode("utf-8")).decode("ascii")
    return {"Authorization": f"Basic {token}"}


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port


def _host(url: str) -> str:
    return urlsplit(url).hostname or "?"


def _without_fragment(url: str) -> str:
    return safe_url(url).partition("#")[0]
