"""What several pages share: the pagination envelope with its `next` link, clean query text.

A paginated JSON answer is `{"items": [...], "count": N, "next": URL | None}`: `next` is the
same request with the cursor `after` moved on, None on the last page.
"""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request

from jumelage.web.render import with_query

Limit = Annotated[int | None, Query(ge=1, le=500, description="items per page (default 50)")]
After = Annotated[str | None, Query(max_length=64, description="cursor from a previous `next`")]
Text = Annotated[str | None, Query(max_length=200)]


def clean(text: str | None) -> str | None:
    """Query text without control characters (NUL and the like), trimmed; None when empty."""
    if text is None:
        return None
    text = "".join(c for c in text if c.isprintable() or c == " ").strip()
    return text or None


def position(after: str | None) -> int:
    """The offset a cursor stands for (a cursor is the decimal offset of the next item)."""
    return int(after) if after and after.isdigit() and len(after) < 10 else 0


def page(request: Request, items: list[Any], after: str | None, limit: int | None,
         default: int = 50) -> dict[str, Any]:
    """One page of `items` from the cursor `after`, with the link to the next one."""
    size = limit or default
    start = position(after)
    chunk = items[start:start + size]
    more = start + size < len(items)
    return {"items": chunk, "count": len(items),
            "next": with_query(request, after=start + size) if more else None}
