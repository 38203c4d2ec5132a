"""Actions, initiatives and organisations: the lists and one record's page with its evidence.

A record's page shows its fields, its review state and every evidence span, each linking back to
the exact place in its source (`/sources/{id}#ev-{evidence id}`). Twins: `GET /api/actions`,
`GET /api/initiatives` (filtered, paginated), `GET /api/records/{kind}/{id}`.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jumelage.atlas import Atlas, lookups
from jumelage.records import THEMES
from jumelage.web.deps import MAX_ID, AtlasDep, Id
from jumelage.web.kinds import NotFound
from jumelage.web.pages.common import After, Limit, Text, clean, page
from jumelage.web.render import render

router = APIRouter()
RecordKind = Literal["place", "partnership", "action", "initiative", "organisation"]
PageKind = Literal["place", "partnership", "status", "action", "initiative", "organisation"]
Theme = Annotated[Literal[THEMES] | None, Query(description="one theme")]  # type: ignore[valid-type]
ActionStatus = Annotated[
    Literal["done", "ongoing", "planned", "cancelled", "abandoned"] | None, Query()]
PlaceId = Annotated[int | None, Query(ge=1, le=MAX_ID, description="records of this place")]
Year = Annotated[int | None, Query(ge=1, le=9999)]


def _in_years(record: dict[str, Any], year_from: int | None, year_to: int | None) -> bool:
    if year_from is None and year_to is None:
        return True
    start, end = record.get("start") or record.get("end"), record.get("end") or record.get("start")
    if not start:
        return False
    return ((year_to is None or int(start[:4]) <= year_to)
            and (year_from is None or int(end[:4]) >= year_from))


def actions_data(request: Request, atlas: Atlas, theme: str | None, status: str | None,
                 place: int | None, year_from: int | None, year_to: int | None,
                 after: str | None, limit: int | None) -> dict[str, Any]:
    """A page of actions by start date, filtered by theme, status, place and years."""
    items = [a for a in atlas.actions(place_id=place)
             if (theme is None or theme in a["themes"]) and (status is None or a["status"] == status)
             and _in_years(a, year_from, year_to)]
    return page(request, items, after, limit)


def initiatives_data(request: Request, atlas: Atlas, theme: str | None, context: str | None,
                     place: int | None, after: str | None, limit: int | None) -> dict[str, Any]:
    """A page of initiatives by start date, filtered by theme, crisis context and place."""
    context = clean(context)
    items = [i for i in atlas.initiatives(place_id=place)
             if (theme is None or theme in i["themes"])
             and (context is None or (i["context"] or "").casefold() == context.casefold())]
    return page(request, items, after, limit)


def record_data(atlas: Atlas, kind: str, record_id: int) -> dict[str, Any]:
    """One record with all its evidence (raises NotFound)."""
    rec = atlas.record(kind, record_id)
    if rec is None:
        raise NotFound(f"no {kind} with id {record_id}")
    return {"kind": kind, "record": rec}


@router.get("/api/actions", tags=["records"], summary="Actions by date, filtered, paginated")
def actions_json(request: Request, atlas: AtlasDep, theme: Theme = None,
                 status: ActionStatus = None, place: PlaceId = None, year_from: Year = None,
                 year_to: Year = None, after: After = None, limit: Limit = None) -> dict[str, Any]:
    return actions_data(request, atlas, theme, status, place, year_from, year_to, after, limit)


@router.get("/api/initiatives", tags=["records"], summary="Initiatives, filtered, paginated")
def initiatives_json(request: Request, atlas: AtlasDep, theme: Theme = None, context: Text = None,
                     place: PlaceId = None, after: After = None,
                     limit: Limit = None) -> dict[str, Any]:
    return initiatives_data(request, atlas, theme, context, place, after, limit)


@router.get("/records/{kind}/{record_id}", response_class=HTMLResponse, include_in_schema=False)
def record_page(request: Request, kind: PageKind, record_id: Id, atlas: AtlasDep) -> Response:
    if kind == "place":
        return RedirectResponse(f"/places/{record_id}", status_code=303)
    if kind == "partnership":
        return RedirectResponse(f"/partnerships/{record_id}", status_code=303)
    if kind == "status":
        owner = atlas._read(lookups.status_partnership, record_id)
        if owner is None:
            raise NotFound(f"no status with id {record_id}")
        return RedirectResponse(f"/partnerships/{owner}#status-{record_id}", status_code=303)
    return render(request, "record.html", record_data(atlas, kind, record_id))


@router.get("/api/records/{kind}/{record_id}", tags=["records"],
            summary="One record with its evidence",
            responses={404: {"description": "no such record"}})
def record_json(kind: RecordKind, record_id: Id, atlas: AtlasDep) -> dict[str, Any]:
    return record_data(atlas, kind, record_id)
