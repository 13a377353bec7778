"""The C heap settings: one arena for a process's threads, when the C library has them."""

from __future__ import annotations

import ctypes
import subprocess
import sys
from pathlib import Path

import pytest

PROGRAM = """
import ctypes, sys, threading
from reader.native import give_back_memory, one_heap

if sys.argv[2] == "one":
    one_heap()

def work():
    held = [bytearray(200_000) for _ in range(20)]  # past the small-object allocator
    del held

threads = [threading.Thread(target=work) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
give_back_memory()
libc = ctypes.CDLL(None)
libc.fopen.restype = ctypes.c_void_p
libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fclose.argtypes = [ctypes.c_void_p]
handle = libc.fopen(sys.argv[1].encode(), b"w")
libc.malloc_info(0, handle)
libc.fclose(handle)
"""


def heaps(tmp_path: Path, mode: str) -> int:
    """How many malloc arenas a process made after four threads allocated."""
    report = tmp_path / f"{mode}.xml"
    subprocess.run([sys.executable, "-c", PROGRAM, str(report), mode], check=True, timeout=60)
    return report.read_text(encoding="utf-8").count("<heap nr=")


def test_one_heap_keeps_every_thread_on_one_arena(tmp_path: Path) -> None:
    libc = ctypes.CDLL(None)
    if not all(hasattr(libc, name) for name in ("mallopt", "malloc_info", "malloc_trim")):
        pytest.skip("not glibc: no arenas to limit")
    assert heaps(tmp_path, "default") > 1  # the threads got arenas of their own
    assert heaps(tmp_path, "one") == 1
