"""Search: one box over places, partnerships, actions, initiatives and sources, with facets.

French full text in the database's own engine (see `jumelage.atlas.search`): accents, case and
word endings ignored, so `ecole`, `Écoles` and `école` find each other. Facets (record type,
theme, country, kind, status, year) count every hit and narrow the search when clicked; each hit
links to its record and to the evidence span that shows the words. Twin: `GET /api/search`.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from jumelage.atlas import Atlas, Filters
from jumelage.atlas.shapes import SearchPage
from jumelage.records import (ACTION_STATUSES, PARTNERSHIP_KINDS, PARTNERSHIP_STATUSES,
                              PLACE_KINDS)
from jumelage.web.deps import AtlasDep
from jumelage.web.pages.common import After, Country, Text, Theme, Year, clean, linked
from jumelage.web.render import record_url, render

router = APIRouter()
Record = Annotated[
    Literal["place", "partnership", "action", "initiative", "source"] | None, Query()]
# kinds and statuses as records.py orders them (one definition)
Kind = Annotated[Literal[PARTNERSHIP_KINDS + PLACE_KINDS] | None,   # type: ignore[valid-type]
                 Query()]
Status = Annotated[Literal[PARTNERSHIP_STATUSES + ACTION_STATUSES] | None,  # type: ignore[valid-type]
                   Query()]
SearchLimit = Annotated[int, Query(ge=1, le=100)]


def search_data(request: Request, atlas: Atlas, q: str | None, filters: Filters,
                after: str | None, limit: int) -> dict[str, Any]:
    """A page of hits for `q` (best first) with facets; an empty page without a query."""
    q = clean(q)
    if not q:
        empty = {k: [] for k in ("record", "theme", "country", "kind", "status", "year")}
        return {"query": "", "items": [], "next": None, "total": 0, "facets": empty}
    return linked(request, atlas.search(q, filters, after=after, limit=limit))


def search_view(data: dict[str, Any]) -> dict[str, Any]:
    """For the template: each hit's page and the link to its evidence span."""
    items = []
    for hit in data["items"]:
        url = f"/sources/{hit['id']}" if hit["record"] == "source" else record_url(hit["record"],
                                                                                   hit["id"])
        ev = hit.get("evidence")
        ev_url = f"/sources/{ev['source_id']}?mark={ev['start']}-{ev['end']}#hit" if ev and ev.get(
            "start") is not None else (f"/sources/{ev['source_id']}" if ev else None)
        items.append({**hit, "url": url, "evidence_url": ev_url})
    return {**data, "items": items}


@router.get("/search", response_class=HTMLResponse, include_in_schema=False)
def search_page(request: Request, atlas: AtlasDep, q: Text = None, record: Record = None,
                theme: Theme = None, country: Country = None, kind: Kind = None,
                status: Status = None, year_from: Year = None, year_to: Year = None,
                after: After = None, limit: SearchLimit = 20) -> HTMLResponse:
    filters = Filters(record=record, theme=theme, country=country, kind=kind, status=status,
                      year_from=year_from, year_to=year_to)
    return render(request, "search.html",
                  search_view(search_data(request, atlas, q, filters, after, limit)))


@router.get("/api/search", tags=["search"], response_model=SearchPage,
            summary="French full-text search with facets")
def search_json(request: Request, atlas: AtlasDep, q: Text = None, record: Record = None,
                theme: Theme = None, country: Country = None, kind: Kind = None,
                status: Status = None, year_from: Year = None, year_to: Year = None,
                after: After = None, limit: SearchLimit = 20) -> dict[str, Any]:
    filters = Filters(record=record, theme=theme, country=country, kind=kind, status=status,
                      year_from=year_from, year_to=year_to)
    return search_data(request, atlas, q, filters, after, limit)
