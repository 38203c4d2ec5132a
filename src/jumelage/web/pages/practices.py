"""Practices: the initiatives of every place, filtered by theme and crisis context, on a map.

The practice repository city networks keep by hand ("housing in covid-19", "shelters in war"):
facets with counts for themes and contexts, the matching initiatives with their evidence, and the
places they happened in. Twin: `GET /api/practices`.
"""
from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from jumelage.atlas import Atlas
from jumelage.web.deps import AtlasDep
from jumelage.web.pages.common import After, Limit, Text, clean, page
from jumelage.web.pages.records import Theme
from jumelage.web.render import render

router = APIRouter()


def practices_data(request: Request, atlas: Atlas, theme: str | None, context: str | None,
                   after: str | None, limit: int | None) -> dict[str, Any]:
    """Initiatives matching `theme` and `context`, facets over all of them, located places."""
    context = clean(context)
    everything = atlas.initiatives()
    themes = Counter(t for i in everything for t in i["themes"])
    contexts = Counter(i["context"] for i in everything if i["context"])
    chosen = [i for i in everything
              if (theme is None or theme in i["themes"])
              and (context is None or (i["context"] or "").casefold() == context.casefold())]
    for item in chosen:
        rec = atlas.record("initiative", item["id"])
        item["evidence"] = rec["evidence"][0] if rec and rec["evidence"] else None
    wanted = {i["place"]["id"] for i in chosen if i["place"]}
    located = [{"id": p["id"], "name": p["name"], "lat": p["lat"], "lon": p["lon"],
                "country": p["country"]}
               for p in atlas.places(limit=None) if p["id"] in wanted and p["lat"] is not None]
    return {**page(request, chosen, after, limit), "theme": theme, "context": context,
            "facets": {"theme": dict(themes.most_common()), "context": dict(contexts.most_common())},
            "places": located}


@router.get("/practices", response_class=HTMLResponse, include_in_schema=False)
def practices_page(request: Request, atlas: AtlasDep, theme: Theme = None, context: Text = None,
                   after: After = None, limit: Limit = None) -> HTMLResponse:
    return render(request, "practices.html",
                  practices_data(request, atlas, theme, context, after, limit))


@router.get("/api/practices", tags=["records"],
            summary="Initiatives by theme and crisis context, with facets and places")
def practices_json(request: Request, atlas: AtlasDep, theme: Theme = None, context: Text = None,
                   after: After = None, limit: Limit = None) -> dict[str, Any]:
    return practices_data(request, atlas, theme, context, after, limit)
