"""What several pages share: pages of a listing with their `next` link, clean query text.

The atlas pages its listings with opaque keyset cursors (`jumelage.atlas.shapes.Page`); the web
answers `{"items": [...], "next": URL | None}` where `next` is this same request with `after` set
to the atlas's cursor, so a client follows links and never builds one.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Query, Request

from jumelage.records import THEMES
from jumelage.web.deps import MAX_ID
from jumelage.web.render import with_query

Limit = Annotated[int, Query(ge=1, le=500, description="items per page")]
After = Annotated[str | None, Query(max_length=200, description="cursor from a `next` link")]
Text = Annotated[str | None, Query(max_length=200)]
Theme = Annotated[Literal[THEMES] | None, Query(description="one theme")]  # type: ignore[valid-type]
PlaceId = Annotated[int | None, Query(ge=1, le=MAX_ID, description="records of this place")]
Year = Annotated[int | None, Query(ge=1, le=9999)]
Country = Annotated[str | None, Query(pattern="^[A-Za-z]{2}$", description="ISO 3166 alpha-2")]


def clean(text: str | None) -> str | None:
    """Query text without control characters (NUL and the like), trimmed; None when empty."""
    if text is None:
        return None
    text = "".join(c for c in text if c.isprintable() or c == " ").strip()
    return text or None


def linked(request: Request, page: dict[str, Any]) -> dict[str, Any]:
    """`page` with its `next` cursor turned into the URL of the next page."""
    cursor = page.get("next")
    return {**page, "next": with_query(request, after=cursor) if cursor else None}
