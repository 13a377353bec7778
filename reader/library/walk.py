"""Walking the library's folders: supported files with their size and mtime."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from reader.models import Problem
from reader.sources import is_supported

FileStat = tuple[int, int, int]
"""(root index, size, mtime_ns) of a file found by a walk."""


def walk(roots: Sequence[Path]) -> tuple[dict[str, FileStat], list[Problem]]:
    """Every supported file under the roots (hidden names skipped), and folder problems.

    Folder symlinks are followed once each, so a link loop ends; file symlinks are
    followed and listed under the link's own path.
    """
    found: dict[str, FileStat] = {}
    problems: list[Problem] = []
    seen: set[tuple[int, int]] = set()
    supported = _SuffixCheck()
    for index, root in enumerate(roots):
        try:
            info = os.stat(root)
        except OSError:
            problems.append(Problem(str(root), "folder not found"))
            continue
        if os.path.isdir(root):
            _walk_dir(str(root), index, found, problems, seen, supported)
        elif is_supported(root):
            found.setdefault(str(root), (index, info.st_size, info.st_mtime_ns))
        else:
            problems.append(Problem(str(root), "not a folder or a supported file"))
    return found, problems


def _walk_dir(
    top: str,
    root: int,
    found: dict[str, FileStat],
    problems: list[Problem],
    seen: set[tuple[int, int]],
    supported: _SuffixCheck,
) -> None:
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            info = os.stat(folder)
            key = (info.st_dev, info.st_ino)
            if key in seen:
                continue  # a symlink loop, or a folder already walked from another root
            seen.add(key)
            with os.scandir(folder) as entries:
                listing = list(entries)
        except OSError as error:
            problems.append(Problem(folder, f"cannot read folder: {error.strerror or error}"))
            continue
        # This loop runs once per file of the library: keep it lean.
        for entry in listing:
            name = entry.name
            if name[0] == ".":
                continue
            dot = name.rfind(".")
            try:
                if dot > 0 and supported[name[dot:].lower()] and entry.is_file():
                    stat = entry.stat()
                    if entry.path not in found:
                        found[entry.path] = (root, stat.st_size, stat.st_mtime_ns)
                elif entry.is_dir():
                    stack.append(entry.path)
            except OSError:
                continue  # vanished or unreadable between listing and stat: skip it


class _SuffixCheck(dict[str, bool]):
    """`is_supported` remembered per suffix: building a Path per file doubles a rescan."""

    def __missing__(self, suffix: str) -> bool:
        answer = self[suffix] = is_supported(Path("file" + suffix))
        return answer
