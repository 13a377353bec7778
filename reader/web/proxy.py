"""HTTP proxies from the environment (`http_proxy`, `https_proxy`, `no_proxy`).

Plain http goes through the proxy as an absolute-form request; https goes through a
CONNECT tunnel, inside which TLS is made with the site itself, so the proxy never sees
the page. Only `http://` proxies are used: anything else is reported, not guessed at.
"""

from __future__ import annotations

import base64
import socket
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

MAX_ANSWER = 16 * 1024
"""Bytes a proxy may send in answer to CONNECT before its blank line."""


class ProxyError(Exception):
    """A proxy that cannot be used or refused the connection; str() is one line."""


@dataclass(frozen=True, slots=True)
class Proxy:
    """Where to connect instead of the site, and the credentials the proxy asks for."""

    host: str
    port: int
    authorization: str | None = None

    @property
    def name(self) -> str:
        """The proxy as messages show it: host and port, never its credentials."""
        return f"{self.host}:{self.port}"


def proxy_for(url: str) -> Proxy | None:
    """The proxy the environment sets for this URL, or None to connect directly."""
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), parts.hostname or ""
    address = urllib.request.getproxies_environment().get(scheme)
    if not address or _bypass(host):
        return None
    if "://" not in address:
        address = f"http://{address}"
    proxy = urlsplit(address)
    if proxy.scheme.lower() != "http" or not proxy.hostname:
        raise ProxyError(f"unsupported proxy setting for {scheme}: only http:// proxies")
    try:
        port = proxy.port or 80
    except ValueError:
        raise ProxyError(f"bad proxy port in the {scheme} proxy setting") from None
    return Proxy(proxy.hostname, port, _authorization(proxy.username, proxy.password))


def _bypass(host: str) -> bool:
    """Whether `no_proxy` names this host (the standard library's own reading of it)."""
    # Not in the type stubs, but part of urllib.request since Python 3.0.
    check = getattr(urllib.request, "proxy_bypass_environment", None)
    return bool(check(host)) if check is not None else False


def _authorization(user: str | None, password: str | None) -> str | None:
    if user is None:
        return None
    pair = f"{unquote(user)}:{unquote(password or '')}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")


def open_tunnel(
    sock: socket.socket, host: str, port: int, proxy: Proxy, remaining: Callable[[], float]
) -> None:
    """Ask the proxy on `sock` for a tunnel to host:port; ProxyError unless it says 200."""
    lines = [f"CONNECT {host}:{port} HTTP/1.1", f"Host: {host}:{port}"]
    if proxy.authorization:
        lines.append(f"Proxy-Authorization: {proxy.authorization}")
    sock.settimeout(remaining())
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("ascii"))
    answer = _read_head(sock, remaining)
    status_line = answer.split(b"\r\n", 1)[0].decode("latin-1")
    fields = status_line.split(" ", 2)
    if len(fields) < 2 or not fields[1].isdigit():
        raise ProxyError(f"proxy {proxy.name} gave a bad answer to CONNECT")
    if fields[1] != "200":
        reason = " ".join(fields[1:])
        raise ProxyError(f"proxy {proxy.name} refused the tunnel to {host}: {reason}")


def _read_head(sock: socket.socket, remaining: Callable[[], float]) -> bytes:
    """The proxy's answer up to its blank line, read a byte at a time (nothing of the
    tunnel that follows may be taken from the socket)."""
    head = bytearray()
    while not head.endswith(b"\r\n\r\n"):
        sock.settimeout(remaining())
        byte = sock.recv(1)
        if not byte:
            raise ProxyError("the proxy closed the connection during CONNECT")
        head += byte
        if len(head) > MAX_ANSWER:
            raise ProxyError("the proxy's answer to CONNECT is too long")
    return bytes(head)
