"""Turn the dates that file metadata carries into ISO partial dates (`2022`, `2022-07-05`).

Metadata dates come as ISO timestamps (`2022-07-05T10:39:00+02:00`), compact forms
(`20220705`), French day-first dates (`05/07/2022`), PDF dates
(`D:20220705103900+02'00'`) or `datetime` objects. Implausible
values (before 1900, after next year, impossible days) are dropped rather than guessed.
"""
from __future__ import annotations

import datetime as dt
import re

from jumelage.partial_dates import format_parts, parse

_ISO = re.compile(
    r"^\s*(?:D:)?(?P<y>\d{4})"
    r"(?:(?P<sep>-?)(?P<m>\d{2})(?:(?P=sep)(?P<d>\d{2}))?)?"
    r"(?=$|[T\s_:+\-Z.'\d])"
)


_DAY_FIRST = re.compile(r"^\s*(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4})\b")


def _valid(year: int, month: int | None, day: int | None) -> bool:
    """A plausible metadata date: a real day, month or year from 1900 to next year."""
    return 1900 <= year <= dt.date.today().year + 1 and parse(format_parts(year, month, day)) is not None


def iso_partial(value: object) -> str | None:
    """The ISO partial date that `value` states, or None when it states none we trust."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat() if _valid(value.year, value.month, value.day) else None
    if not isinstance(value, str):
        return None
    match = _ISO.match(value)
    if not match:
        french = _DAY_FIRST.match(value)             # 05/07/2022: day first, as in France
        if french and _valid(int(french["y"]), int(french["m"]), int(french["d"])):
            return format_parts(int(french["y"]), int(french["m"]), int(french["d"]))
        return None
    if match["m"] is None and value[match.end():match.end() + 1].isdigit():
        return None                # five digits or more: not a year
    year = int(match["y"])
    month = int(match["m"]) if match["m"] else None
    day = int(match["d"]) if match["d"] else None
    if not _valid(year, month, day):
        return None
    return format_parts(year, month, day)
