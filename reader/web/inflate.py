"""Response bodies: gzip and deflate inflated within a size cap, and sizes as people say them."""

from __future__ import annotations

import zlib


class UnsupportedEncoding(ValueError):
    """A Content-Encoding that is not gzip, deflate or identity; str() is its quoted name."""


class Inflater:
    """Collects a body, inflating gzip or deflate; a compressed body may not expand past the cap."""

    def __init__(self, encoding: str | None, cap: int) -> None:
        name = (encoding or "").strip().lower()
        self.decoder: zlib._Decompress | None = None
        if name in ("gzip", "x-gzip"):
            self.decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif name == "deflate":
            self.decoder = zlib.decompressobj()
        elif name not in ("", "identity"):
            raise UnsupportedEncoding(repr(name))
        self.cap = cap
        self.size = 0
        self.chunks: list[bytes] = []

    def feed(self, chunk: bytes) -> bool:
        """Take the next chunk; False once the body is over the cap."""
        if self.decoder is not None:
            chunk = self.decoder.decompress(chunk, self.cap + 1 - self.size)
            if self.decoder.unconsumed_tail:
                return False
        self.size += len(chunk)
        self.chunks.append(chunk)
        return self.size <= self.cap

    def finish(self) -> bytes | None:
        """The whole body (None when its last part takes it over the cap)."""
        if self.decoder is not None and not self._feed_tail():
            return None
        return b"".join(self.chunks)

    def _feed_tail(self) -> bool:
        assert self.decoder is not None
        tail = self.decoder.flush()
        self.size += len(tail)
        self.chunks.append(tail)
        return self.size <= self.cap


def size_text(count: int) -> str:
    """A byte count as people say it: "8 MB", "512 KB", "100 bytes"."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if count >= scale:
            value = count / scale
            return f"{value:g} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{count} bytes"
