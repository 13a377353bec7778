"""Pure helpers for the Store's edits: merging a note edited meanwhile, cleaning tags."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from reader.sanitize import valid_unicode


def merge_edit(stored: str, base: str, text: str) -> str:
    """The note after an edit from `base` to `text`, when the file now holds `stored`."""
    if stored == base:
        return text
    if stored.startswith(base):
        # Someone appended while the editor was open: keep their addition after the edit.
        return _join(text, stored[len(base) :])
    return _join(stored, text)


def _join(first: str, second: str) -> str:
    """Two pieces of a note, separated by one blank line; either may be empty."""
    first, second = first.rstrip(), second.strip("\n")
    if not first.strip():
        return second
    if not second.strip():
        return first
    return f"{first}\n\n{second}"


def tag_list(doc: Mapping[str, Any]) -> list[str]:
    tags = doc.get("tags")
    return [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []


def clean_tags(tags: Iterable[str]) -> list[str]:
    clean: list[str] = []
    for tag in tags:
        tag = valid_unicode(" ".join(str(tag).split()))
        if tag and tag not in clean:
            clean.append(tag)
    return clean
