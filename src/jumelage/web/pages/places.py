"""Places: the list (filter by name and country) and a place's page.

A place's page shows its partners (kind, since, status history with evidence, dormant flag), the
timeline of its actions by year (status, themes, amounts, organisations, the evidence sentence of
each), its initiatives, what its partners did (their initiatives by crisis context: the "our
twin cities in the crisis" page), its sources and a small map. Twins: `GET /api/places`,
`GET /api/places/{id}`.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from jumelage.atlas import Atlas
from jumelage.web.deps import AtlasDep, Id
from jumelage.web.kinds import NotFound
from jumelage.web.pages.common import After, Limit, Text, clean, page
from jumelage.web.render import render

router = APIRouter()
Country = Annotated[str | None, Query(pattern="^[A-Za-z]{2}$", description="ISO 3166 alpha-2")]


def places_data(request: Request, atlas: Atlas, q: str | None, country: str | None,
                after: str | None, limit: int | None) -> dict[str, Any]:
    """A page of places (name or alias containing `q`, accents and case ignored) by name."""
    items = atlas.places(q=clean(q), country=country, limit=None)
    return {**page(request, items, after, limit), "q": q, "country": country}


def _first_evidence(detail: dict[str, Any]) -> dict[tuple[str, int], dict[str, Any]]:
    found: dict[tuple[str, int], dict[str, Any]] = {}
    for src in detail["sources"]:
        for ev in src["evidence"]:
            found.setdefault((ev["record"], ev["record_id"]), ev)
    return found


def _year(record: dict[str, Any]) -> str:
    start = record.get("start") or record.get("end")
    return start[:4] if start else ""


def _evidence_of(atlas: Atlas, kind: str, rid: int) -> dict[str, Any] | None:
    rec = atlas.record(kind, rid)
    return rec["evidence"][0] if rec and rec.get("evidence") else None


def place_data(atlas: Atlas, place_id: int) -> dict[str, Any]:
    """Everything the place page shows (raises NotFound for an unknown id)."""
    detail = atlas.place_detail(place_id)
    if detail is None:
        raise NotFound(f"no place with id {place_id}")
    evidence = _first_evidence(detail)
    for partner in detail["partners"]:
        partner["history"] = atlas.partnership_history(partner["partnership_id"])
        partner["evidence"] = evidence.get(("partnership", partner["partnership_id"]))
    years: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for action in detail["timeline"]:
        action["evidence"] = evidence.get(("action", action["id"]))
        years[_year(action)].append(action)
    for item in detail["initiatives"]:
        item["evidence"] = evidence.get(("initiative", item["id"]))
    by_context: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for partner in detail["partners"]:
        for item in atlas.initiatives(place_id=partner["place"]["id"]):
            item["evidence"] = _evidence_of(atlas, "initiative", item["id"])
            by_context[item["context"] or ""].append(item)
    themes = sorted({t for a in detail["timeline"] for t in a["themes"]}
                    | {t for i in detail["initiatives"] for t in i["themes"]})
    return {
        **detail,
        "timeline_by_year": [{"year": y or None, "actions": years[y]}
                             for y in sorted(years, key=lambda y: (y == "", y))],
        "partners_did": [{"context": c or None, "initiatives": by_context[c]}
                         for c in sorted(by_context, key=lambda c: (c == "", c))],
        "themes": themes,
    }


@router.get("/places", response_class=HTMLResponse, include_in_schema=False)
def places_page(request: Request, atlas: AtlasDep, q: Text = None, country: Country = None,
                after: After = None, limit: Limit = None) -> HTMLResponse:
    return render(request, "places.html", places_data(request, atlas, q, country, after, limit))


@router.get("/api/places", tags=["places"], summary="Places, by name, paginated")
def places_json(request: Request, atlas: AtlasDep, q: Text = None, country: Country = None,
                after: After = None, limit: Limit = None) -> dict[str, Any]:
    return places_data(request, atlas, q, country, after, limit)


@router.get("/places/{place_id}", response_class=HTMLResponse, include_in_schema=False)
def place_page(request: Request, place_id: Id, atlas: AtlasDep) -> HTMLResponse:
    return render(request, "place.html", place_data(atlas, place_id))


@router.get("/api/places/{place_id}", tags=["places"], summary="A place and all it did",
            responses={404: {"description": "no such place"}})
def place_json(place_id: Id, atlas: AtlasDep) -> dict[str, Any]:
    return place_data(atlas, place_id)
