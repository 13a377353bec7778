"""Article ids in list order, held as one string of fixed-width ids."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import overload

ID_WIDTH = 16
"""Every catalog id is 16 lowercase hex characters."""


class IdOrder(Sequence[str]):
    """A list order of ids without a Python object per id.

    A 100k-article library lists its order from one stored string (1.6 MB) instead of
    100k strings read row by row, which is most of what opening a big library costs.
    """

    __slots__ = ("_text",)

    def __init__(self, text: str) -> None:
        if len(text) % ID_WIDTH:
            raise ValueError("an id order must be whole ids of 16 characters")
        self._text = text

    @classmethod
    def of(cls, ids: Sequence[str]) -> IdOrder | None:
        """The order of `ids`, or None when some id is not 16 characters long."""
        if any(len(id_) != ID_WIDTH for id_ in ids):
            return None
        return cls("".join(ids))

    @property
    def text(self) -> str:
        """The ids joined, as stored."""
        return self._text

    def __len__(self) -> int:
        return len(self._text) // ID_WIDTH

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        count = len(self)
        if index < 0:
            index += count
        if not 0 <= index < count:
            raise IndexError(f"id {index} out of range")
        return self._text[index * ID_WIDTH : (index + 1) * ID_WIDTH]

    def __iter__(self) -> Iterator[str]:
        text = self._text
        return (text[start : start + ID_WIDTH] for start in range(0, len(text), ID_WIDTH))

    def position(self, article_id: str) -> int | None:
        """Where an id stands in the order, or None (a search in C, no index to build)."""
        if len(article_id) != ID_WIDTH:
            return None
        start = 0
        while (found := self._text.find(article_id, start)) >= 0:
            if found % ID_WIDTH == 0:
                return found // ID_WIDTH
            start = found + 1
        return None
