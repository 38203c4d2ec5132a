"""Practices: the initiatives of every place, filtered by theme and crisis context, on a map.

The practice repository city networks keep by hand ("housing in covid-19", "shelters in war"):
theme and context facets with counts, the matching initiatives (a page at a time) with their
evidence, and the places of that page on a map. Twin: `GET /api/practices`.
"""
from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from typing_extensions import TypedDict

from jumelage.atlas import Atlas, Filters
from jumelage.atlas.shapes import InitiativeRow
from jumelage.web.deps import AtlasDep
from jumelage.web.pages.common import After, Country, Limit, Text, Theme, clean, linked
from jumelage.web.pages.places import with_evidence
from jumelage.web.render import render

router = APIRouter()
FACET_SCAN = 5000  # initiatives counted for the facets (they are far fewer than actions)


class LocatedPlace(TypedDict):
    id: int
    name: str
    lat: float
    lon: float
    country: str | None


class PracticesPage(TypedDict):
    """A page of initiatives, the `next` link, the facets (`theme`, `context`: value -> count
    over the initiatives matching the other filter) and the located places of this page."""

    items: list[InitiativeRow]
    next: str | None
    theme: str | None
    context: str | None
    facets: dict[str, dict[str, int]]
    places: list[LocatedPlace]


def _facets(atlas: Atlas, theme: str | None, context: str | None,
            country: str | None) -> dict[str, dict[str, int]]:
    themes: Counter[str] = Counter()
    contexts: Counter[str] = Counter()
    after, seen = None, 0
    while seen < FACET_SCAN:
        found = atlas.initiatives(Filters(country=country), after=after, limit=500)
        for item in found["items"]:
            if context is None or item["context"] == context:
                themes.update(item["themes"])
            if item["context"] and (theme is None or theme in item["themes"]):
                contexts[item["context"]] += 1
        seen += len(found["items"])
        after = found["next"]
        if after is None:
            break
    return {"theme": dict(themes.most_common()), "context": dict(contexts.most_common())}


def practices_data(request: Request, atlas: Atlas, theme: str | None, context: str | None,
                   country: str | None, after: str | None, limit: int) -> dict[str, Any]:
    """Initiatives matching `theme`, `context` and `country`, facets, located places."""
    context = clean(context)
    found = atlas.initiatives(Filters(theme=theme, context=context, country=country),
                              after=after, limit=limit)
    located: dict[int, LocatedPlace] = {}
    for item in found["items"]:
        ref = item["place"]
        if ref and ref["id"] not in located:
            place = atlas.find_place(ref["id"])
            if place and place["lat"] is not None and place["lon"] is not None:
                located[ref["id"]] = {"id": place["id"], "name": place["name"], "lat": place["lat"],
                                      "lon": place["lon"], "country": place["country"]}
    return {**linked(request, found), "theme": theme, "context": context,
            "facets": _facets(atlas, theme, context, country), "places": list(located.values())}


def practices_view(atlas: Atlas, data: dict[str, Any]) -> dict[str, Any]:
    """For the template: each initiative beside its first evidence span."""
    return {**data, "items": with_evidence(atlas, data["items"], "initiative")}


@router.get("/practices", response_class=HTMLResponse, include_in_schema=False)
def practices_page(request: Request, atlas: AtlasDep, theme: Theme = None, context: Text = None,
                   country: Country = None, after: After = None,
                   limit: Limit = 50) -> HTMLResponse:
    data = practices_data(request, atlas, theme, context, country, after, limit)
    return render(request, "practices.html", practices_view(atlas, data))


@router.get("/api/practices", tags=["records"], response_model=PracticesPage,
            summary="Initiatives by theme and crisis context, with facets and places")
def practices_json(request: Request, atlas: AtlasDep, theme: Theme = None, context: Text = None,
                   country: Country = None, after: After = None,
                   limit: Limit = 50) -> dict[str, Any]:
    return practices_data(request, atlas, theme, context, country, after, limit)
