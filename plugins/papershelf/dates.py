"""Dates: an entry's own (`year`, `date` and `month`, with BibTeX's month macros and ranges
of months: `month = jan # "--" # feb`, which BibTeX reads as valid), and when a paper was
added to the list, read from the many ways tools write a moment.

Zotero exports (Better BibTeX's `dateAdded`, JabRef's `timestamp`, BibDesk's `date-added`,
BibSonomy's `added-at`), a note's `added:` and `git log --format=%aI` all write dates, but no
two alike: `2025-03-10`, `2025-03-10T09:30:00Z`, `2025-03-10 09:30:00 +0000`, `2025.03.10`.
A moment without a time zone is read as UTC, a date alone as its midnight UTC.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, timezone

from .bibvalues import MONTH_MACROS
from .model import Report

_MONTHS = {name: int(num) for name, num in MONTH_MACROS.items()} | {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "sept": 9,
    "october": 10,
    "november": 11,
    "december": 12,
}

# Possessive, so that `2020/` and a long run of spaces is not split in every possible way.
_DATE = re.compile(r"^\s*+(\d{4})(?:-(\d{1,2}))?(?:-\d{1,2})?(?:/.*+)?\s*+$")
_YEAR = re.compile(r"^\s*+\{?(\d{4})\}?[a-z]?\s*+$")


def read_date(f: Mapping[str, str], problem: Report) -> tuple[int | None, int | None, int | None]:
    """(year, month, last month of a range such as `jan # "--" # feb`, or None) of an
    entry's fields."""
    year: int | None = None
    month: int | None = None
    if f.get("date"):
        m = _DATE.match(f["date"])
        if m and m.group(2) and not 1 <= int(m.group(2)) <= 12:
            m = None  # `2021-13` would otherwise be shown as a 13th month
        if m:
            year = int(m.group(1))
            month = int(m.group(2)) if m.group(2) else None
        else:
            problem(
                "date",
                f"unparseable date '{f['date']}'",
                "use YYYY, YYYY-MM or YYYY-MM-DD",
                "bad-date",
            )
    if f.get("year", "").strip():
        m = _YEAR.match(f["year"])
        if m:
            year = int(m.group(1))
        else:
            problem(
                "year",
                f"unparseable year '{f['year'].strip()}'",
                "write the year as four digits, e.g. year = {2024}",
                "bad-date",
            )
    elif year is None:
        problem(
            None,
            "missing field 'year'; the paper is listed without a date",
            "add year = {YYYY} (or date = {YYYY-MM-DD})",
            "missing-year",
        )
    month_end = None
    if f.get("month", "").strip():
        months = read_month(f["month"])
        if months is None:
            problem(
                "month",
                f"unknown month '{f['month'].strip()[:60]}'",
                'use a number 1-12 or jan, feb, ... dec; a range as jan # "--" # feb',
                "bad-month",
            )
        else:
            month, month_end = months
    return year, month, month_end


def parse_month(text: str) -> int | None:
    word = text.strip().strip("{}").strip().rstrip(".").lower()
    if word.isdecimal():  # not isdigit(): "²" is a digit that int() refuses
        number = int(word)
        return number if 1 <= number <= 12 else None
    return _MONTHS.get(word) or _MONTHS.get(word[:3]) if len(word) >= 3 else None


# Two months: `jan # "/" # feb` (evaluated to `1/2`), `{January--February}`, `Jul.-Aug.`.
_MONTH_RANGE = re.compile(
    r"^\s*+\{?([A-Za-z]{3,9}+\.?|\d{1,2})\s*+(?:/|-{1,3}|–|—|\\textendash|to|&)\s*+"
    r"([A-Za-z]{3,9}+\.?|\d{1,2})\}?\s*+$"
)


def parse_month_range(text: str) -> tuple[int, int | None] | None:
    """(first, last) months of a range, None when `text` is not one."""
    m = _MONTH_RANGE.match(text)
    if m is None:
        return None
    first, last = parse_month(m.group(1)), parse_month(m.group(2))
    if first is None or last is None:
        return None
    return first, (last if last != first else None)


def read_month(text: str) -> tuple[int, int | None] | None:
    """(month, last month of a range or None), None when `text` is neither."""
    months = parse_month_range(text)  # first: `September--October` starts like a month
    if months is None and (single := parse_month(text)):
        months = (single, None)
    return months


def month_bibtex(text: str) -> str:
    """A month (or range of months) as BibTeX macros (`jan # "--" # feb`); "" if unreadable."""
    months = read_month(text)
    if months is None:
        return ""
    names = list(MONTH_MACROS)
    first, last = months
    return names[first - 1] + (f' # "--" # {names[last - 1]}' if last else "")


# ---------------------------------------------------------------- when a paper was added
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
