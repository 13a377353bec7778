"""One normal form for web addresses, so the same page is recognised wherever it came from.

`reader add`, the app's `a`, a feed entry's link and a feed's own address all compare by
`normal_url`; saved files carry `url_key`, a short digest of it, in their names.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}
_TRACKING = ("utm_",)
_TRACKING_NAMES = frozenset({"fbclid", "gclid", "mc_cid", "mc_eid"})
# The common address, for which `normal_url` needs none of urllib's general parsing: an
# http(s) scheme, a plain host name (no credentials, port, brackets or percent signs), a path
# of printable ASCII, and a query whose names and values are left as they are by unquoting
# and quoting again (so no `%`, and at most one `=` in each part). Anything else, or
# anything doubtful, goes the general way.
_PLAIN = re.compile(
    r"(?i:(https?))://([A-Za-z0-9][A-Za-z0-9.-]*)((?:/[^?#\x00-\x20\x7f-\U0010ffff]*)?)"
    r"(?:\?([A-Za-z0-9_.~+=&-]*))?(?:#.*)?",
    re.DOTALL,
)


def normal_url(url: str) -> str:
    """An http(s) URL in the form for comparing: scheme and host case, a default port, the
    fragment, credentials and `utm_*`-style tracking ignored, the query sorted, and http
    and https counted as one. Anything else (a file path, a `tag:` id) comes back trimmed."""
    text = url.strip()
    plain = _PLAIN.fullmatch(text)
    if plain is not None:
        quick = _plain_normal(*plain.group(2, 3, 4))
        if quick is not None:
            return quick
    return general_normal(text)


def general_normal(text: str) -> str:
    """`normal_url` of a trimmed address by urllib's general parsing (any address)."""
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return text
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return text
    netloc = parts.hostname.lower().rstrip(".")
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    query = [(name, value) for name, value in parse_qsl(parts.query, True) if _kept(name)]
    return urlunsplit(("http", netloc, parts.path or "/", urlencode(sorted(query)), ""))


def _plain_normal(host: str, path: str, query: str | None) -> str | None:
    """`normal_url` of an address `_PLAIN` matched, as its general path gives it; None
    when a query part holds a second `=` (which quoting would change)."""
    netloc = host.lower().rstrip(".")
    if not netloc:
        return None
    kept = []
    for part in query.split("&") if query else ():
        if not part:
            continue
        name, _, value = part.partition("=")
        if "=" in value:
            return None
        # `+` is a space once unquoted: the order and the tracking names are of that form.
        pair = (name.replace("+", " "), value.replace("+", " "))
        if _kept(pair[0]):
            kept.append(pair)
    joined = "&".join(f"{name}={value}" for name, value in sorted(kept)).replace(" ", "+")
    return f"http://{netloc}{path or '/'}{'?' if joined else ''}{joined}"


def url_key(url: str) -> str:
    """A short stable key for a URL: a digest of its `normal_url` (see there)."""
    return digest(normal_url(url).encode("utf-8", "replace"))


def digest(data: bytes) -> str:
    """Twelve hex digits naming some bytes (file name keys)."""
    return hashlib.blake2b(data, digest_size=6).hexdigest()


def _kept(name: str) -> bool:
    lowered = name.lower()
    return not lowered.startswith(_TRACKING) and lowered not in _TRACKING_NAMES
