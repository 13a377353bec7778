"""Remembering a function's answers about short texts, and only short ones."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Protocol, TypeVar, cast

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class ShortMemo(Protocol[T_co]):
    """A function of a text whose answers for texts up to `longest` characters are kept
    (the last `size` of them): longer texts are answered afresh, so whatever a feed or an
    export brings, the memory held stays small."""

    def __call__(self, text: str) -> T_co: ...

    def kept(self) -> int:
        """How many answers are kept now."""
        ...


def remembered_when_short(longest: int, size: int) -> Callable[[Callable[[str], T]], ShortMemo[T]]:
    """Decorate a function of a text as a `ShortMemo`."""

    def decorate(function: Callable[[str], T]) -> ShortMemo[T]:
        remembered = functools.lru_cache(maxsize=size)(function)

        # A plain function, not an object with a __call__ method: called for each field
        # of each feed entry, that costs half as much.
        @functools.wraps(function)
        def answer(text: str) -> T:
            return remembered(text) if len(text) <= longest else function(text)

        answer.kept = lambda: remembered.cache_info().currsize  # type: ignore[attr-defined]
        return cast(ShortMemo[T], answer)

    return decorate
