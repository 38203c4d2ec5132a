"""Partial ISO dates, the one way jumelage writes a date as precise as its text allows.

A date is `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (« en 1963 », « en mai 2025 », « le 6 juin 2025 »).
Reading (`read`), extraction (`extract`) and the store (`atlas`) all parse, bound, compare and choose
among such dates with the functions below, so that one rule holds everywhere: of several dates of the
same year, the more precise one wins (« depuis 1974 … le serment signé le 12 mai 1974 » founds the
twinning on 1974-05-12).
"""
from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from datetime import MAXYEAR, MINYEAR, date

Parts = tuple[int, int | None, int | None]          # year, month or None, day or None

_LOOSE = re.compile(r"\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:T.*)?\s*")
_STRICT = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def _valid(year: int, month: int | None, day: int | None) -> bool:
    if not MINYEAR <= year <= MAXYEAR:               # years 0001..9999, what `date` holds
        return False
    if month is not None and not 1 <= month <= 12:
        return False
    if day is not None:
        if month is None or day < 1:
            return False
        return day <= calendar.monthrange(year, month)[1]
    return True


def parse(value: str | None, strict: bool = False) -> Parts | None:
    """(year, month, day) of a partial date, or None when `value` is not one naming a real day.

    Years run from 0001 to 9999 (those `datetime.date` holds, so `bounds` of any partial date
    is defined): `0000` is no year.

    Loose by default: surrounding spaces, one-digit months and days and a time part
    (`2014-5-29T10:00`) are accepted; `strict=True` accepts only the stored forms
    `YYYY`, `YYYY-MM`, `YYYY-MM-DD`.
    """
    if not isinstance(value, str) or not value:
        return None
    m = (_STRICT if strict else _LOOSE).fullmatch(value)
    if not m:
        return None
    y, mo, d = int(m[1]), int(m[2]) if m[2] else None, int(m[3]) if m[3] else None
    return (y, mo, d) if _valid(y, mo, d) else None


def format_parts(year: int, month: int | None = None, day: int | None = None) -> str:
    """The partial date of these parts: (2014,) -> "2014", (2014, 5) -> "2014-05"."""
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def normalise(value: str | None) -> str | None:
    """The stored form of a loosely written partial date (`2014-5` -> `2014-05`), or None."""
    parts = parse(value)
    return format_parts(*parts) if parts else None


def is_partial_date(value: object) -> bool:
    """True for `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (stored form) naming a real day, month or year."""
    return isinstance(value, str) and parse(value, strict=True) is not None


def bounds(value: str | None) -> tuple[date, date] | None:
    """The first and last day a stored partial date may mean: `2019` -> 2019-01-01 .. 2019-12-31.

    None for anything else, including a bad value an older atlas may hold (`0000`): a read
    treats it as no date rather than failing.
    """
    parts = parse(value, strict=True)
    if parts is None:
        return None
    y, m, d = parts
    if d is not None:
        return date(y, m, d), date(y, m, d)          # type: ignore[arg-type]
    if m is not None:
        return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])
    return date(y, 1, 1), date(y, 12, 31)


def period_bounds(start: str | None, end: str | None = None) -> tuple[date, date] | None:
    """The days a period from `start` to `end` (partial dates; `end` None: the start's own
    extent) may cover: the first day of `start` to the last day of `end`. `("2022", None)` ->
    2022-01-01 .. 2022-12-31; `("2021-05", "2022")` -> 2021-05-01 .. 2022-12-31. None when
    either is not a partial date."""
    first, last = bounds(start), bounds(end or start)
    if first is None or last is None:
        return None
    return first[0], last[1]


def year_of(value: str | None) -> int | None:
    """The year of a partial date (`"1974-05-12"` -> 1974), None when it is not one."""
    parts = parse(value, strict=True) if value else None
    return parts[0] if parts else None


def compare(a: str, b: str) -> int:
    """Compare two partial dates at their common precision: -1, 0 or 1 (`2014` vs `2014-05`: 0)."""
    n = min(len(a), len(b))
    return (a[:n] > b[:n]) - (a[:n] < b[:n])


def earliest(values: Iterable[str | None]) -> str | None:
    """The earliest of several partial dates; within one year the most precise one wins.

    `earliest(["1970", "1963", "1963-05"])` is `"1963-05"`: both say 1963, one says more.
    Values that are not partial dates sort last; None and "" are ignored.
    """
    def key(v: str) -> tuple[str, str]:
        return (v[:4], v.ljust(10, "~")) if bounds(v) else ("~", v)

    known = [v for v in values if v]
    return min(known, key=key) if known else None


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
