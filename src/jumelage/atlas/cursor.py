"""Opaque keyset cursors: the `next` of one page is the `after` of the following one.

A cursor is the sort key of the last row shown (for example `["Padoue", 42]`) as URL-safe base64
JSON, tagged with the listing it belongs to, so that a cursor of the places list given to the
actions list is refused instead of silently skipping rows. Keyset pagination costs the same for the
thousandth page as for the first, and a row added or removed between two pages neither repeats nor
hides another (OFFSET does both).
"""
from __future__ import annotations

import base64
import binascii
import json
import math
from typing import Any

from jumelage.errors import InvalidChange

MAX_LIMIT = 500
INT_MIN, INT_MAX = -(2 ** 63), 2 ** 63 - 1  # what both SQLite and PostgreSQL BIGINT hold
TEXT_MAX = 1000                             # longer than any sort key the atlas writes


def encode(listing: str, key: list[Any]) -> str:
    """The cursor after the row whose sort key is `key`, in `listing`."""
    raw = json.dumps([listing, *key], separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def decode(listing: str, cursor: str | None) -> list[Any] | None:
    """The sort key in `cursor` (None for the first page); `InvalidChange` if it is not one of
    `listing`'s cursors or holds anything but 64-bit integers, finite numbers and short texts."""
    if cursor is None or cursor == "":
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8"))
    except (ValueError, UnicodeError, binascii.Error):
        raise InvalidChange(f"after: {cursor[:40]!r} is not a page cursor") from None
    if not isinstance(data, list) or len(data) < 2 or data[0] != listing:
        raise InvalidChange(f"after: {cursor[:40]!r} is not a cursor of the {listing} list")
    for value in data[1:]:
        if not _scalar(value):
            raise InvalidChange(f"after: {cursor[:40]!r} holds a value no {listing} key has")
    return data[1:]


def _scalar(value: Any) -> bool:
    """True for what a sort key holds: a 64-bit signed integer, a finite number, a short text.
    Anything else in a crafted cursor (a huge integer, NaN, a list, null) would reach the
    database driver and fail there (SQLite: OverflowError), so it is refused here."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return INT_MIN <= value <= INT_MAX
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, str) and len(value) <= TEXT_MAX


def limit(value: int | None, default: int = 50) -> int:
    """A page size between 1 and `MAX_LIMIT`; `InvalidChange` otherwise."""
    if value is None:
        return default
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_LIMIT:
        raise InvalidChange(f"limit: {value!r} is not a number from 1 to {MAX_LIMIT}")
    return value
