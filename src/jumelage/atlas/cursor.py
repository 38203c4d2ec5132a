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
from typing import Any

from jumelage.errors import InvalidChange

MAX_LIMIT = 500


def encode(listing: str, key: list[Any]) -> str:
    """The cursor after the row whose sort key is `key`, in `listing`."""
    raw = json.dumps([listing, *key], separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def decode(listing: str, cursor: str | None) -> list[Any] | None:
    """The sort key in `cursor` (None for the first page); `InvalidChange` if it is not one of
    `listing`'s cursors."""
    if cursor is None or cursor == "":
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8"))
    except (ValueError, UnicodeError, binascii.Error):
        raise InvalidChange(f"after: {cursor[:40]!r} is not a page cursor") from None
    if not isinstance(data, list) or len(data) < 2 or data[0] != listing:
        raise InvalidChange(f"after: {cursor[:40]!r} is not a cursor of the {listing} list")
    return data[1:]


def limit(value: int | None, default: int = 50) -> int:
    """A page size between 1 and `MAX_LIMIT`; `InvalidChange` otherwise."""
    if value is None:
        return default
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_LIMIT:
        raise InvalidChange(f"limit: {value!r} is not a number from 1 to {MAX_LIMIT}")
    return value
