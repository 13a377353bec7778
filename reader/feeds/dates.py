"""Feed dates read as feedparser reads them, the common RFC 822 form without its detour."""

from __future__ import annotations

import re
import time
from datetime import date

from feedparser.datetimes import _parse_date

# The form nearly every RSS feed writes: "Wed, 02 Oct 2002 13:00:00 +0200" (or GMT). Any
# other text goes to feedparser, which tries several readings of it in turn.
_RFC822 = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?([0-9]{1,2}) "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([0-9]{4}) "
    r"([0-9]{2}):([0-9]{2}):([0-9]{2}) (?:([+-])([0-9]{2})([0-9]{2})|GMT|UT|Z)"
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}


_EPOCH = date(1970, 1, 1).toordinal()


def feed_date(text: str) -> time.struct_time | None:
    """A feed's date as a UTC time tuple, exactly as feedparser gives it; None if none."""
    found = _RFC822.fullmatch(text)
    if found is not None:
        quick = _rfc822(found)
        if quick is not None:
            return quick
    parsed: time.struct_time | None = _parse_date(text)
    return parsed


def _rfc822(found: re.Match[str]) -> time.struct_time | None:
    """The time tuple of a date in the common form; None to leave it to feedparser."""
    texts = found.groups()
    day, year, hour, minute, second = (int(texts[i]) for i in (0, 2, 3, 4, 5))
    month, sign, zone_hours, zone_minutes = _MONTHS[texts[1]], texts[6], texts[7], texts[8]
    # What feedparser's datetime takes (no leap second, no 30 February); years far from the
    # ends of its range, so moving by the offset never leaves it.
    if not (1900 <= year <= 9000 and 1 <= day <= _days_in(year, month)):
        return None
    if hour > 23 or minute > 59 or second > 59:
        return None
    offset = 0 if sign is None else (int(zone_hours) * 60 + int(zone_minutes)) * 60
    if sign == "-":
        offset = -offset
    days = _days_before(year, month) + day - 1
    return time.gmtime(days * 86400 + hour * 3600 + minute * 60 + second - offset)


def _days_in(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _days_before(year: int, month: int) -> int:
    """Days from 1970-01-01 to the first of the month (negative before it)."""
    return date(year, month, 1).toordinal() - _EPOCH
