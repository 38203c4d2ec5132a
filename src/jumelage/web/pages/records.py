"""Actions, initiatives and organisations: the lists and one record's page with its evidence.

A record's page shows its fields, its review state and every evidence span, each linking back to
the exact place in its source (`/sources/{id}#ev-{evidence id}`). Twins: `GET /api/actions`,
`GET /api/initiatives` (filtered, paginated), `GET /api/records/{kind}/{id}`.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jumelage.atlas import Atlas, Filters, lookups
from jumelage.atlas.shapes import ActionRow, InitiativeRow, Page
from jumelage.errors import NotFound
from jumelage.records import ACTION_STATUSES
from jumelage.web.deps import AtlasDep, Id
from jumelage.web.pages.common import (
    After, Country, Limit, PlaceId, Text, Theme, Year, clean, linked,
)
from jumelage.web.render import render

router = APIRouter()
RecordKind = Literal["place", "partnership", "action", "initiative", "organisation"]
PageKind = Literal["place", "partnership", "status", "action", "initiative", "organisation"]
ActionStatus = Annotated[Literal[ACTION_STATUSES] | None, Query()]  # type: ignore[valid-type]


def actions_data(request: Request, atlas: Atlas, filters: Filters, after: str | None,
                 limit: int) -> dict[str, Any]:
    """A page of actions in timeline order, filtered by theme, status, place, country, years."""
    return linked(request, atlas.actions(filters, after=after, limit=limit))


def initiatives_data(request: Request, atlas: Atlas, filters: Filters, after: str | None,
                     limit: int) -> dict[str, Any]:
    """A page of initiatives in timeline order, filtered by theme, context, place, country."""
    return linked(request, atlas.initiatives(filters, after=after, limit=limit))


def record_data(atlas: Atlas, kind: str, record_id: int) -> dict[str, Any]:
    """One record with all its evidence (raises NotFound)."""
    return {"kind": kind, "record": atlas.get(kind, record_id)}


def _timeline_filters(theme: Theme = None, place: PlaceId = None, country: Country = None,
                      year_from: Year = None, year_to: Year = None) -> Filters:
    """The filters actions and initiatives share, read from the query string."""
    return Filters(theme=theme, place=place, country=country, year_from=year_from,
                   year_to=year_to)


Shared = Annotated[Filters, Depends(_timeline_filters)]


def _action_filters(shared: Shared, status: ActionStatus = None) -> Filters:
    return replace(shared, status=status)


def _initiative_filters(shared: Shared, context: Text = None) -> Filters:
    return replace(shared, context=clean(context))


ActionFilters = Annotated[Filters, Depends(_action_filters)]
InitiativeFilters = Annotated[Filters, Depends(_initiative_filters)]


@router.get("/api/actions", tags=["records"], summary="Actions by date, filtered, paginated",
            response_model=Page[ActionRow])
def actions_json(request: Request, atlas: AtlasDep, filters: ActionFilters, after: After = None,
                 limit: Limit = 50) -> dict[str, Any]:
    return actions_data(request, atlas, filters, after, limit)


@router.get("/api/initiatives", tags=["records"], summary="Initiatives, filtered, paginated",
            response_model=Page[InitiativeRow])
def initiatives_json(request: Request, atlas: AtlasDep, filters: InitiativeFilters,
                     after: After = None, limit: Limit = 50) -> dict[str, Any]:
    return initiatives_data(request, atlas, filters, after, limit)


@router.get("/records/{kind}/{record_id}", response_class=HTMLResponse, include_in_schema=False)
def record_page(request: Request, kind: PageKind, record_id: Id, atlas: AtlasDep) -> Response:
    if kind == "place":
        return RedirectResponse(f"/places/{record_id}", status_code=303)
    if kind == "partnership":
        return RedirectResponse(f"/partnerships/{record_id}", status_code=303)
    if kind == "status":
        owner = atlas.read(lookups.status_partnership, record_id)
        if owner is None:
            raise NotFound("status", record_id)
        return RedirectResponse(f"/partnerships/{owner}#status-{record_id}", status_code=303)
    return render(request, "record.html", record_data(atlas, kind, record_id))


@router.get("/api/records/{kind}/{record_id}", tags=["records"],
            summary="One record with its evidence",
            responses={404: {"description": "no such record"}})
def record_json(kind: RecordKind, record_id: Id, atlas: AtlasDep) -> dict[str, Any]:
    return record_data(atlas, kind, record_id)
