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
    swings tenfold on a shared virtual disk after heavy writes (the journal waits on it).
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
