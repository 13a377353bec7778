"""Who may talk to the server: the secret token, the cookie that keeps it, Host and Origin checks.

Every request (the page, the static files, the websocket) passes `guard` first. The token is
a random secret printed once; a browser that showed it once keeps it in an HttpOnly,
SameSite=Strict cookie, so the websocket and the files the page loads need no token in their
address. Comparisons run in constant time so the token cannot be guessed a byte at a time.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.typedefs import Middleware

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

LOOPBACK_NAMES = frozenset({"localhost", "localhost.", "ip6-localhost"})
"""Host names taken as this machine, besides loopback addresses."""

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "font-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'"
)
"""The page may load nothing from elsewhere, and no other site may frame it."""

REFUSED = (
    "reader: this address needs the token that `reader serve` printed "
    "(open the whole address it showed, ending in ?token=...)\n"
)


def new_token() -> str:
    """A fresh secret: 256 random bits, safe in a URL."""
    return secrets.token_urlsafe(32)


def is_loopback(host: str) -> bool:
    """Whether a host name or address means this machine only."""
    name = host.strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name.split("%")[0]).is_loopback
    except ValueError:
        return False


def same_token(given: str | None, token: str) -> bool:
    """Whether `given` is the token, compared in constant time."""
    if not given:
        return False
    return hmac.compare_digest(given.encode("utf-8", "replace"), token.encode("utf-8"))


def host_name(netloc: str) -> str:
    """The host part of a Host header or URL authority, without port or brackets."""
    try:
        return (urlsplit(f"//{netloc}").hostname or "").lower()
    except ValueError:
        return ""


def origin_matches(origin: str | None, host: str | None) -> bool:
    """Whether a websocket's Origin names the very host and port the page came from."""
    if not origin or not host:
        return False
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    return hmac.compare_digest(parts.netloc.lower().encode(), host.lower().encode())


@dataclass(frozen=True)
class Guard:
    """The token of one server run and where it listens."""

    token: str
    port: int
    loopback_only: bool

    @property
    def cookie(self) -> str:
        """The cookie's name; cookies ignore ports, so two servers on one host keep apart."""
        return f"reader-serve-{self.port}"

    def verdict(self, request: web.Request) -> int:
        """0 when the request may go on, else the HTTP status that refuses it."""
        if self.loopback_only and not is_loopback(host_name(request.host)):
            # A page elsewhere whose name was pointed at 127.0.0.1 (DNS rebinding).
            return 403
        given = request.query.get("token")
        if given is None:
            given = request.cookies.get(self.cookie)
            if given is None:
                return 401
        if not same_token(given, self.token):
            return 403
        if request.path == "/ws" and not origin_matches(
            request.headers.get("Origin"), request.headers.get("Host")
        ):
            return 403
        return 0

    def keep(self, response: web.StreamResponse, request: web.Request) -> None:
        """Set the cookie when the token came in the address, so later requests need not."""
        if same_token(request.query.get("token"), self.token):
            response.set_cookie(self.cookie, self.token, httponly=True, samesite="Strict", path="/")


def headers(response: web.StreamResponse) -> None:
    """Headers every answer carries: nothing outside loads, nothing frames it, no referrer."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("Cache-Control", "no-store")


def middleware(guard: Guard) -> Middleware:
    """The aiohttp middleware that refuses every request `guard` does not let through."""

    @web.middleware
    async def check(request: web.Request, handler: Handler) -> web.StreamResponse:
        status = guard.verdict(request)
        if status:
            refused = web.Response(status=status, text=REFUSED)
            headers(refused)
            return refused
        response = await handler(request)
        if not response.prepared:  # a websocket has sent its headers already
            guard.keep(response, request)
            headers(response)
        return response

    return check
