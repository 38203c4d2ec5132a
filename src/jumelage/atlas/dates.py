"""Partial ISO dates as the atlas stores them (`1963`, `2025-05`, `2025-06-06`).

Records keep dates as the text gives them, as precise as it allows; comparing them needs the
first and last day each one may mean.
"""
from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from datetime import date

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def is_partial_date(value: object) -> bool:
    """True for `YYYY`, `YYYY-MM` or `YYYY-MM-DD` naming a real day, month or year."""
    return isinstance(value, str) and bounds(value) is not None


def bounds(value: str | None) -> tuple[date, date] | None:
    """The first and last day a partial date may mean: `2019` -> 2019-01-01 .. 2019-12-31."""
    if not value:
        return None
    m = _PARTIAL.match(value)
    if not m:
        return None
    year = int(m.group(1))
    try:
        if m.group(3):
            day = date(year, int(m.group(2)), int(m.group(3)))
            return day, day
        if m.group(2):
            month = int(m.group(2))
            last = calendar.monthrange(year, month)[1]
            return date(year, month, 1), date(year, month, last)
        return date(year, 1, 1), date(year, 12, 31)
    except ValueError:
        return None


def earliest(values: Iterable[str | None]) -> str | None:
    """The earliest of several partial dates; within one year the most precise one wins.

    `earliest(["1970", "1963", "1963-05"])` is `"1963-05"`: both say 1963, one says more.
    """
    def key(v: str) -> tuple[str, str]:
        b = bounds(v)
        return (v[:4], v.ljust(10, "~")) if b else ("~", v)

    known = [v for v in values if v]
    return min(known, key=key) if known else None


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
