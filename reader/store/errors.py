"""The errors the store raises, each with a one-line message fit to show a user."""

from __future__ import annotations


class StoreError(Exception):
    """Something went wrong reading or saving the user's data."""


class StoreLocked(StoreError):
    """Another process held the store's lock for longer than the timeout."""

    def __init__(self, pid: int | None) -> None:
        who = f" (pid {pid})" if pid else ""
        super().__init__(f"the store is locked by another reader process{who}")
        self.pid = pid


class StoreWriteError(StoreError):
    """The store file could not be saved; the file on disk is left as it was or fully new."""


class StoreTooNew(StoreError):
    """The store file was written by a newer reader with a schema this one does not know."""
