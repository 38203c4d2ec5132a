"""Partnerships: the list (filter by kind, status, place, country, years) and a partnership's page.

A partnership's page shows both places, its kind, since when, the dated status history
(proposed, active, suspended, ended) with the evidence of each change, the dormant flag, and every
action between the two places over time. Twins: `GET /api/partnerships`,
`GET /api/partnerships/{id}`.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from jumelage.atlas import Atlas, Filters
from jumelage.atlas.shapes import Page, PartnershipDetail, PartnershipRow
from jumelage.errors import NotFound
from jumelage.records import PARTNERSHIP_KINDS, PARTNERSHIP_STATUSES
from jumelage.web.deps import AtlasDep, Id
from jumelage.web.pages.common import After, Country, Limit, PlaceId, Year, linked
from jumelage.web.pages.places import with_evidence
from jumelage.web.render import render

router = APIRouter()
Kind = Annotated[Literal[PARTNERSHIP_KINDS] | None, Query()]          # type: ignore[valid-type]
Status = Annotated[Literal[PARTNERSHIP_STATUSES] | None, Query()]     # type: ignore[valid-type]


def partnerships_data(request: Request, atlas: Atlas, filters: Filters, after: str | None,
                      limit: int) -> dict[str, Any]:
    """A page of partnerships (each with `dormant`), filtered, in id order."""
    found = atlas.partnerships(filters, after=after, limit=limit)
    return {**linked(request, found), "kind": filters.kind, "status": filters.status,
            "place": filters.place}


def partnership_data(atlas: Atlas, partnership_id: int) -> dict[str, Any]:
    """The partnership with its history, evidence, dormant flag and the actions between its places."""
    detail = atlas.partnership_detail(partnership_id)
    if detail is None:
        raise NotFound("partnership", partnership_id)
    return detail  # type: ignore[return-value]


def partnership_view(atlas: Atlas, data: dict[str, Any]) -> dict[str, Any]:
    """For the template: each action beside its first evidence span."""
    return {**data, "actions": with_evidence(atlas, data["actions"], "action")}


def _filters(kind: Kind = None, status: Status = None, place: PlaceId = None,
             country: Country = None, year_from: Year = None, year_to: Year = None) -> Filters:
    """The list's filters, read from the query string (one dependency for page and twin)."""
    return Filters(kind=kind, status=status, place=place, country=country,
                   year_from=year_from, year_to=year_to)


ShipFilters = Annotated[Filters, Depends(_filters)]


@router.get("/partnerships", response_class=HTMLResponse, include_in_schema=False)
def partnerships_page(request: Request, atlas: AtlasDep, filters: ShipFilters,
                      after: After = None, limit: Limit = 50) -> HTMLResponse:
    return render(request, "partnerships.html",
                  partnerships_data(request, atlas, filters, after, limit))


@router.get("/api/partnerships", tags=["partnerships"], summary="Partnerships, paginated",
            response_model=Page[PartnershipRow])
def partnerships_json(request: Request, atlas: AtlasDep, filters: ShipFilters,
                      after: After = None, limit: Limit = 50) -> dict[str, Any]:
    return partnerships_data(request, atlas, filters, after, limit)


@router.get("/partnerships/{partnership_id}", response_class=HTMLResponse,
            include_in_schema=False)
def partnership_page(request: Request, partnership_id: Id, atlas: AtlasDep) -> HTMLResponse:
    return render(request, "partnership.html",
                  partnership_view(atlas, partnership_data(atlas, partnership_id)))


@router.get("/api/partnerships/{partnership_id}", tags=["partnerships"],
            summary="A partnership, its history and the actions between its places",
            response_model=PartnershipDetail,
            responses={404: {"description": "no such partnership"}})
def partnership_json(partnership_id: Id, atlas: AtlasDep) -> dict[str, Any]:
    return partnership_data(atlas, partnership_id)
