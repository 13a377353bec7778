"""Length-prefixed frames over a pipe: how this process and its helper processes talk."""

from __future__ import annotations

import struct
from typing import IO

_FRAME = struct.Struct("<Q")


def send_frame(stream: IO[bytes], data: bytes) -> None:
    """Write one frame (its length, then `data`) and flush it."""
    stream.write(_FRAME.pack(len(data)))
    stream.write(data)
    stream.flush()


def receive_frame(stream: IO[bytes]) -> bytes | None:
    """One frame's bytes; None at the end of the stream. EOFError when it is cut short."""
    header = stream.read(_FRAME.size)
    if len(header) < _FRAME.size:
        return None
    (size,) = _FRAME.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("the helper's answer was cut short")
    return data
