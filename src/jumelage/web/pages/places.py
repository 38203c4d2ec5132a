"""Places: the list (filter by name and country) and a place's page.

A place's page shows its partners (kind, since, status history with evidence, dormant flag), the
timeline of its actions by year (status, themes, amounts, organisations, the evidence sentence of
each), its initiatives, what its partners did (their initiatives by crisis context: the "our
twin cities in the crisis" page), its sources and a small map. Twins: `GET /api/places`,
`GET /api/places/{id}`.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from jumelage.atlas import Atlas, Filters, lookups
from jumelage.atlas.shapes import EvidenceRow, Page, PlacePage, PlaceRow
from jumelage.errors import NotFound
from jumelage.web.deps import AtlasDep, Id
from jumelage.web.pages.common import After, Country, Limit, Text, clean, linked
from jumelage.web.render import render

router = APIRouter()


def places_data(request: Request, atlas: Atlas, q: str | None, country: str | None,
                after: str | None, limit: int) -> dict[str, Any]:
    """A page of places (name or alias containing `q`, accents and case ignored) by name."""
    found = atlas.places(Filters(q=clean(q), country=country), after=after, limit=limit)
    return {**linked(request, found), "q": q, "country": country}


def place_data(atlas: Atlas, place_id: int) -> PlacePage:
    """Everything the place page shows, `Atlas.place_page` (raises NotFound for an unknown id)."""
    page = atlas.place_page(place_id)
    if page is None:
        raise NotFound("place", place_id)
    return page


def first_evidence(detail: dict[str, Any]) -> dict[tuple[str, int], EvidenceRow]:
    """The first evidence span of each record a page's `sources` section holds."""
    found: dict[tuple[str, int], EvidenceRow] = {}
    for src in detail.get("sources", []):
        for ev in src["evidence"]:
            found.setdefault((ev["record"], ev["record_id"]), ev)
    return found


def _year(record: dict[str, Any]) -> str:
    start = record.get("start") or record.get("end")
    return start[:4] if start else ""


def with_evidence(atlas: Atlas, items: list[dict[str, Any]], kind: str,
                  known: dict[tuple[str, int], EvidenceRow] | None = None) -> list[dict[str, Any]]:
    """`items` (records of `kind`) each with `evidence`, its first evidence span or None; those
    not in `known` are looked up in one query."""
    known = known or {}
    missing = [i["id"] for i in items if (kind, i["id"]) not in known]
    found = atlas.read(lookups.first_evidence, kind, missing) if missing else {}
    return [{**i, "evidence": known.get((kind, i["id"])) or found.get(i["id"])} for i in items]


def place_view(atlas: Atlas, data: dict[str, Any]) -> dict[str, Any]:
    """The place page's data arranged for the template: evidence beside each record, actions
    grouped by year."""
    known = first_evidence(data)
    years: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for action in with_evidence(atlas, data["timeline"], "action", known):
        years[_year(action)].append(action)
    return {
        **data,
        "timeline_by_year": [{"year": y or None, "actions": years[y]}
                             for y in sorted(years, key=lambda y: (y == "", y))],
        "initiatives": with_evidence(atlas, data["initiatives"], "initiative", known),
        "partners_did": [{**g, "initiatives": with_evidence(atlas, g["initiatives"],
                                                               "initiative", known)}
                         for g in data["partners_did"]],
        "partner_evidence": {p["partnership_id"]: known.get(("partnership", p["partnership_id"]))
                             for p in data["partners"]},
    }


@router.get("/places", response_class=HTMLResponse, include_in_schema=False)
def places_page(request: Request, atlas: AtlasDep, q: Text = None, country: Country = None,
                after: After = None, limit: Limit = 50) -> HTMLResponse:
    return render(request, "places.html", places_data(request, atlas, q, country, after, limit))


@router.get("/api/places", tags=["places"], summary="Places, by name, paginated",
            response_model=Page[PlaceRow])
def places_json(request: Request, atlas: AtlasDep, q: Text = None, country: Country = None,
                after: After = None, limit: Limit = 50) -> dict[str, Any]:
    return places_data(request, atlas, q, country, after, limit)


@router.get("/places/{place_id}", response_class=HTMLResponse, include_in_schema=False)
def place_page(request: Request, place_id: Id, atlas: AtlasDep) -> HTMLResponse:
    return render(request, "place.html", place_view(atlas, place_data(atlas, place_id)))


@router.get("/api/places/{place_id}", tags=["places"], summary="A place and all it did",
            response_model=PlacePage, responses={404: {"description": "no such place"}})
def place_json(place_id: Id, atlas: AtlasDep) -> dict[str, Any]:
    return place_data(atlas, place_id)
