"""A one-line description of the machine a benchmark ran on."""

from __future__ import annotations

import os
import platform


def describe() -> str:
    """CPU model, core count, memory and Python version, on one line."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            names = [
                line.split(":", 1)[1].strip() for line in info if line.startswith("model name")
            ]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    memory = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f", {pages / 2**30:.0f} GiB"
    except (ValueError, OSError):
        pass
    return (
        f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} cores{memory}, "
        f"Python {platform.python_version()}"
    )


def file_creation_ms(folder: str, files: int = 2000) -> float:
    """Milliseconds to create, write and close one small file in `folder`, over `files`.

    A library is files, so its ingest and import times follow this machine state, which
    swings tenfold on a shared virtual disk: see `settle_disk`.
    """
    import shutil
    import tempfile
    import time

    scratch = tempfile.mkdtemp(dir=folder)
    try:
        start = time.perf_counter()
        for n in range(files):
            with open(os.path.join(scratch, f"f{n}.md"), "xb") as out:
                out.write(b"x" * 300)
        return (time.perf_counter() - start) * 1000 / files
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


RECENTLY_FREED_S = 65
"""How long ext4 without a journal passes over a freed inode whose table is written out
(60 seconds), with a margin."""


def settle_disk(folder: str) -> str:
    """Wait until creating files is as cheap as it will be; the cost of one then.

    On ext4 without a journal (this machine's virtual disk), creating a file passes over
    every inode freed in the last 60 seconds, or 6 minutes while its inode table block is
    unwritten: after a library of 10,000 files is deleted (the last benchmark's clean-up, a
    test run's temp folders), each new file costs its creator up to half a millisecond of
    kernel time, 5 to 10 times the usual. A program that writes one file per article pays
    it, one that writes a single database does not, and a probe in a new folder may not
    (new folders go to other block groups). So each timed run starts from the same state:
    everything written out (`os.sync`), then a wait past the 60 seconds.
    """
    import time

    os.sync()
    time.sleep(RECENTLY_FREED_S)
    os.sync()
    cost = file_creation_ms(folder, files=200)
    return f"disk: {cost:.3f} ms to create a small file (settled for {RECENTLY_FREED_S} s)"
