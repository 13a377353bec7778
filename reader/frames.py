"""Helper processes spoken to in length-prefixed frames over their pipes: started, talked
to and stopped the same way by the feeds refresh and the import."""

from __future__ import annotations

import contextlib
import struct
import subprocess
import sys
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


def start_helper(module: str, *args: str) -> subprocess.Popen[bytes]:
    """`python -m module args...` with pipes for frames (its stderr discarded: it shares
    the terminal a full-screen app paints); OSError when it cannot be started."""
    from reader.library.parse_pool import helper_environment

    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=helper_environment(),
    )


def close_input(helper: subprocess.Popen[bytes]) -> None:
    """Close the helper's input: it finishes what it was given, then ends."""
    with contextlib.suppress(OSError):
        if helper.stdin is not None:
            helper.stdin.close()


def stop_helper(helper: subprocess.Popen[bytes], wait: float) -> None:
    """End a helper: its input closed, `wait` seconds to finish, then killed."""
    close_input(helper)
    try:
        helper.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        helper.kill()
        helper.wait()
    with contextlib.suppress(OSError):
        if helper.stdout is not None:
            helper.stdout.close()
