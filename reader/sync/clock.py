"""A hybrid logical clock: wall time in ms, a counter, and the machine that ticked."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

Stamp = tuple[int, int, str]
"""(milliseconds, counter, machine id): ordered as a tuple, unique per change."""


def wall_ms() -> int:
    """The wall clock in milliseconds."""
    return time.time_ns() // 1_000_000


class Clock:
    """Stamps that always exceed every stamp seen, whatever the wall clocks say.

    A machine whose clock runs behind still stamps an edit made after it saw another
    machine's change later than that change, so a later edit is never lost to skew.
    """

    def __init__(self, machine: str, last: Stamp | None = None, wall: Callable[[], int] = wall_ms):
        self.machine = machine
        self.last: Stamp = last or (0, 0, machine)
        self._wall = wall

    def see(self, stamp: Stamp) -> None:
        """Move past a stamp read from another machine."""
        if stamp[:2] > self.last[:2]:
            self.last = (stamp[0], stamp[1], self.machine)

    def tick(self) -> Stamp:
        """A new stamp, later than every stamp made or seen before."""
        now = self._wall()
        if now > self.last[0]:
            self.last = (now, 0, self.machine)
        else:
            self.last = (self.last[0], self.last[1] + 1, self.machine)
        return self.last


def stamp_of(value: Any) -> Stamp | None:
    """A stamp from its JSON form [ms, counter, machine]; None when it is not one."""
    if not (isinstance(value, list | tuple) and len(value) == 3):
        return None
    ms, counter, machine = value
    if type(ms) is not int or type(counter) is not int or not isinstance(machine, str):
        return None
    if not (0 <= ms < 2**53 and 0 <= counter < 2**53 and 0 < len(machine) <= 64):
        return None
    return (ms, counter, machine)
