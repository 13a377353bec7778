"""What the feed modules share: their error, the XML entity guard and URL normalising."""

from __future__ import annotations

import codecs
import re
from urllib.parse import urlsplit

from reader.memo import remembered_when_short
from reader.web.urls import normal_url


class FeedError(Exception):
    """A feed or OPML file that cannot be used; str(error) is a one-line reason."""


ENTITY_REFUSAL = (
    "the document declares XML entities in its DOCTYPE; refused, as entity expansion "
    "and external entities are unsafe"
)

_DOCTYPE = re.compile(rb"<!\s*DOCTYPE", re.IGNORECASE)
_ENTITY = re.compile(rb"<!\s*ENTITY", re.IGNORECASE)
_DECLARED = re.compile(rb"\s*<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9._-]{1,40})[\"']")

# Byte signatures of encodings where "<!ENTITY" is not plain ASCII bytes.
_WIDE_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\x00<", "utf-16-be"),
    (b"<\x00", "utf-16-le"),
    (b"\x4c\x6f\xa7\x94", "cp037"),
)


def _views(data: bytes) -> list[bytes]:
    """The document as ASCII-compatible bytes: as given, re-encoded from a wide encoding, and
    decoded as its XML declaration says (UTF-7 writes "<!" as "+ADwAIQ-", which parsers read)."""
    views = [data]
    for signature, codec in _WIDE_SIGNATURES:
        if data.startswith(signature):
            text = data.decode(codec, errors="ignore")
            views.append(text.encode("utf-8", errors="ignore"))
            break
    for view in list(views):
        declared = _DECLARED.match(view)
        name = _text_codec(declared.group(1).decode("ascii") if declared else "")
        if name is not None:
            views.append(data.decode(name, errors="ignore").encode("utf-8", errors="ignore"))
    return views


def _text_codec(name: str) -> str | None:
    """The codec an encoding name stands for, when decoding with it can change the markup."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    # ASCII-compatible encodings show "<!ENTITY" as it is; punycode and idna are slow on
    # long input and no parser takes them; bytes-to-bytes codecs are not text encodings.
    plain = {"utf-8", "ascii", "latin-1", "iso8859-1", "cp1252", "punycode", "idna"}
    if info.name in plain or not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


def declares_entities(data: bytes) -> bool:
    """True when a DOCTYPE is followed by an entity declaration.

    Refusing these outright is simpler and safer than stripping the internal subset: no
    real feed or OPML list needs its own entities, while they are exactly how the billion
    laughs (nested expansion) and XXE (SYSTEM entities reading files or URLs) attacks work.
    Parameter entities (`<!ENTITY % p SYSTEM ...>`) are caught the same way.
    """
    for view in _views(data):
        doctype = _DOCTYPE.search(view)
        if doctype and _ENTITY.search(view, doctype.end()):
            return True
    return False


def normalize_url(url: str) -> str:
    """A feed address in a form for comparing: the one normal form of web addresses
    (`reader.web.urls.normal_url`); a file path comes back trimmed."""
    return normal_url(url)


@remembered_when_short(longest=2048, size=4096)
def is_web_url(text: str) -> bool:
    """True for an http(s) URL with a host; false for text that is no URL at all (`http://[x`).

    Short ones are remembered: a feed entry's link is asked about several times while it
    is saved."""
    try:
        parts = urlsplit(text.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)
