"""Partnerships: the list (filter by kind, status, place) and a partnership's page.

A partnership's page shows both places, its kind, since when, the dated status history
(proposed, active, suspended, ended) with the evidence of each change, the dormant flag, and every
action between the two places over time. Twins: `GET /api/partnerships`,
`GET /api/partnerships/{id}`.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from jumelage.atlas import Atlas
from jumelage.web.deps import MAX_ID, AtlasDep, Id
from jumelage.web.kinds import NotFound
from jumelage.web.pages.common import After, Limit, page
from jumelage.web.pages.places import _first_evidence
from jumelage.web.render import render

router = APIRouter()
Kind = Annotated[Literal["twinning", "cooperation", "partnership", "friendship"] | None, Query()]
Status = Annotated[Literal["proposed", "active", "suspended", "ended"] | None, Query()]
PlaceId = Annotated[int | None, Query(ge=1, le=MAX_ID, description="partnerships of this place")]


def partnerships_data(request: Request, atlas: Atlas, kind: str | None, status: str | None,
                      place: int | None, after: str | None, limit: int | None) -> dict[str, Any]:
    """A page of partnerships (each with `dormant`), filtered, in id order."""
    items = [s for s in atlas.partnerships(place_id=place)
             if (kind is None or s["kind"] == kind) and (status is None or s["status"] == status)]
    return {**page(request, items, after, limit), "kind": kind, "status": status, "place": place}


def partnership_data(atlas: Atlas, partnership_id: int) -> dict[str, Any]:
    """The partnership with its history, evidence, dormant flag and the actions between its places."""
    rec = atlas.record("partnership", partnership_id)
    if rec is None:
        raise NotFound(f"no partnership with id {partnership_id}")
    a, b = (p["id"] for p in rec["places"])
    listed = {s["id"]: s for s in atlas.partnerships(place_id=a, include_rejected=True)}
    rec["dormant"] = listed.get(partnership_id, {}).get("dormant", False)
    detail = atlas.place_detail(a, include_rejected=False) or {"timeline": [], "sources": []}
    evidence = _first_evidence(detail)
    actions = []
    for action in detail["timeline"]:
        ids = {p["id"] for p in action["actors"] + action["partners"]}
        if b in ids:
            actions.append({**action, "evidence": evidence.get(("action", action["id"]))})
    return {**rec, "actions": actions}


@router.get("/partnerships", response_class=HTMLResponse, include_in_schema=False)
def partnerships_page(request: Request, atlas: AtlasDep, kind: Kind = None, status: Status = None,
                      place: PlaceId = None, after: After = None,
                      limit: Limit = None) -> HTMLResponse:
    data = partnerships_data(request, atlas, kind, status, place, after, limit)
    return render(request, "partnerships.html", data)


@router.get("/api/partnerships", tags=["partnerships"], summary="Partnerships, paginated")
def partnerships_json(request: Request, atlas: AtlasDep, kind: Kind = None, status: Status = None,
                      place: PlaceId = None, after: After = None,
                      limit: Limit = None) -> dict[str, Any]:
    return partnerships_data(request, atlas, kind, status, place, after, limit)


@router.get("/partnerships/{partnership_id}", response_class=HTMLResponse,
            include_in_schema=False)
def partnership_page(request: Request, partnership_id: Id, atlas: AtlasDep) -> HTMLResponse:
    return render(request, "partnership.html", partnership_data(atlas, partnership_id))


@router.get("/api/partnerships/{partnership_id}", tags=["partnerships"],
            summary="A partnership, its history and the actions between its places",
            responses={404: {"description": "no such partnership"}})
def partnership_json(partnership_id: Id, atlas: AtlasDep) -> dict[str, Any]:
    return partnership_data(atlas, partnership_id)
