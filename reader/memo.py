"""Remembering a function's answers about short texts, and only short ones."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class ShortMemo(Generic[T]):
    """A function of a text whose answers for texts up to `longest` characters are kept
    (the last `size` of them): longer texts are answered afresh, so whatever a feed or an
    export brings, the memory held stays small."""

    def __init__(self, function: Callable[[str], T], longest: int, size: int) -> None:
        self._function = function
        self._longest = longest
        self._kept = functools.lru_cache(maxsize=size)(function)
        functools.update_wrapper(self, function)

    def __call__(self, text: str) -> T:
        return self._kept(text) if len(text) <= self._longest else self._function(text)

    def kept(self) -> int:
        """How many answers are kept now."""
        return self._kept.cache_info().currsize


def remembered_when_short(longest: int, size: int) -> Callable[[Callable[[str], T]], ShortMemo[T]]:
    """Decorate a function of a text as a `ShortMemo`."""

    def decorate(function: Callable[[str], T]) -> ShortMemo[T]:
        return ShortMemo(function, longest, size)

    return decorate
