"""Which network addresses a fetch may reach: public ones, and private ones only when asked.

A page or feed from elsewhere must not make the app fetch from the person's own machine or
network (a router's admin page, a local service): such a fetch is refused after every
redirect and name lookup, and again on the address actually connected to, so a name that
resolves differently the second time (DNS rebinding) gains nothing.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# IPv6 prefixes that carry an IPv4 address in their last 32 bits (NAT64, RFC 6052).
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


def parse_address(text: str) -> Address | None:
    """The IP address a host or address text stands for, in any form a resolver accepts
    (dotted, bracketed IPv6, `2130706433`, `0x7f.1`, `0177.0.0.1`); None for a name."""
    bare = text.strip().strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(bare)
    except ValueError:
        pass
    if not bare or not all(char.isalnum() or char == "." for char in bare):
        return None
    if not bare[0].isdigit():
        return None  # a name: inet_aton only reads numbers
    try:
        return ipaddress.IPv4Address(socket.inet_aton(bare))
    except OSError:
        return None


def is_public(address: Address) -> bool:
    """False for loopback, private, link-local, multicast, unspecified, reserved and shared
    addresses, and for IPv6 forms of such IPv4 addresses (mapped, compatible, 6to4, NAT64)."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = _embedded(address)
        if inner is not None and not is_public(inner):
            return False
        if address.ipv4_mapped is not None:
            return inner is not None and is_public(inner)
    return not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_unspecified
        or address.is_reserved
        or not address.is_global
    )


def _embedded(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries, if it is one of the forms that do."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    value = int(address)
    # IPv4-compatible (::a.b.c.d, deprecated but still routed by some stacks); :: and ::1
    # are themselves unspecified and loopback, and caught as such.
    if value >> 32 == 0 and value > 1:
        return ipaddress.IPv4Address(value & 0xFFFFFFFF)
    if address in _NAT64:
        return ipaddress.IPv4Address(value & 0xFFFFFFFF)
    return None


def is_local_name(host: str) -> bool:
    """True for names that always mean this machine (`localhost`, `*.localhost`)."""
    name = host.strip().lower().rstrip(".")
    return name in _LOCAL_NAMES or name.endswith(".localhost")


def host_is_public(host: str) -> bool | None:
    """Whether a host as written is public: False for a private address or local name,
    True for a public address, None for another name (only a lookup can tell)."""
    if is_local_name(host):
        return False
    address = parse_address(host)
    return None if address is None else is_public(address)


def public_text(text: str) -> bool:
    """Whether an address in text form (as a socket gives it) is a public one."""
    address = parse_address(text)
    return address is not None and is_public(address)


def private_refusal(url: str, referrer: str | None = None) -> str:
    """The one-line reason a fetch from a private or local address was refused."""
    host, port = place(url)
    shown = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    if referrer is not None:
        where = urlsplit(referrer).hostname or "?"
        return f"redirect from {where} refused: {shown} is a local or private network address"
    return (
        f"refused to fetch from {shown}: a local or private network address "
        "(allowed only when given directly)"
    )


def place(url: str) -> tuple[str, int]:
    """The host and port a URL reaches: what the person's permission for an address covers."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    return (parts.hostname or "").lower().rstrip("."), port


def lookup(host: str, port: int, timeout: float) -> list[tuple[int, tuple[str, int]]]:
    """The IPv4 and IPv6 addresses of a host (empty when it has none), looked up in a
    helper thread so a fetch's deadline holds; TimeoutError when the time runs out."""
    found: list[tuple[int, tuple[str, int]]] = []
    failure: list[Exception] = []

    def resolve() -> None:
        try:
            for family, _, _, _, address in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
                if family in (socket.AF_INET, socket.AF_INET6):
                    found.append((family, (str(address[0]), int(address[1]))))
        except (OSError, UnicodeError) as error:  # UnicodeError: an empty or 64+ letter label
            failure.append(error)

    worker = threading.Thread(target=resolve, daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise TimeoutError
    return [] if failure else found
