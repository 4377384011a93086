"""When a paper was added to the list, read from the many ways tools write a moment.

Zotero exports (Better BibTeX's `dateAdded`, JabRef's `timestamp`, BibDesk's `date-added`,
BibSonomy's `added-at`), a note's `added:` and `git log --format=%aI` all write dates, but no
two alike: `2025-03-10`, `2025-03-10T09:30:00Z`, `2025-03-10 09:30:00 +0000`, `2025.03.10`.
A moment without a time zone is read as UTC, a date alone as its midnight UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

# Fields of a .bib entry that say when the entry was added, in the order they are trusted.
ADDED_FIELDS = ("dateadded", "date-added", "added-at", "timestamp")

_MOMENT = re.compile(
    r"""^\s*(\d{4})[-./](\d{1,2})[-./](\d{1,2})        # the date
    (?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)? # a time, seconds optional
    \s*(Z|[+-]\d{2}:?\d{2}|UTC|GMT)?\s*$""",
    re.VERBOSE | re.IGNORECASE,
)


def parse_moment(value: object) -> datetime | None:
    """`value` (text, or a date YAML already read) as an aware datetime; None when it is not
    a date."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if not isinstance(value, str):
        return None
    match = _MOMENT.match(value.strip().strip("{}"))
    if match is None:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=_zone(zone),
        )
    except ValueError:  # 2025-02-30, 25:00, +99:00
        return None


def _zone(text: str | None) -> timezone:
    if not text or text.upper() in ("Z", "UTC", "GMT"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
