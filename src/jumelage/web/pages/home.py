"""Home: a map of every place and partnership, the atlas's counts, the latest sources, a search box.

`GET /` and its twin `GET /api/home` (counts and latest sources); the map reads `GET /api/map`,
GeoJSON of places (points) and partnerships (lines), drawn clustered and on a canvas; it carries
an ETag (the atlas's last change) so a return visit downloads it only when the atlas changed.
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from typing_extensions import TypedDict

from jumelage.atlas import Atlas
from jumelage.atlas.exchange import export_geojson
from jumelage.atlas.shapes import SourceRow, Summary
from jumelage.web.deps import AtlasDep
from jumelage.web.render import render

router = APIRouter()
LATEST = 8


class Home(TypedDict):
    """The atlas's counts and its latest sources, newest first."""

    summary: Summary
    latest_sources: list[SourceRow]


def home_data(atlas: Atlas) -> dict[str, Any]:
    """`{"summary": counts, "latest_sources": [source…]}`, newest ingested first."""
    return {"summary": atlas.summary(), "latest_sources": atlas.latest_sources(LATEST)}


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home_page(request: Request, atlas: AtlasDep) -> HTMLResponse:
    return render(request, "home.html", home_data(atlas))


@router.get("/api/home", tags=["home"], summary="Counts and the latest sources",
            response_model=Home)
def home_json(atlas: AtlasDep) -> dict[str, Any]:
    return home_data(atlas)


@router.get("/api/map", tags=["home"], summary="Places and partnerships as GeoJSON",
            responses={304: {"description": "unchanged since the ETag given in If-None-Match"}})
def map_json(request: Request, atlas: AtlasDep) -> Response:
    """The map, with an ETag from the atlas's last change to its places and partnerships: a
    browser revalidates (`no-cache`) and gets a 304 without the body while nothing changed."""
    tag = f'W/"map-{atlas.map_version()}"'
    headers = {"ETag": tag, "Cache-Control": "private, no-cache"}
    wanted = [t.strip() for t in request.headers.get("if-none-match", "").split(",")]
    if tag in wanted or "*" in wanted:
        return Response(status_code=304, headers=headers)
    return JSONResponse(export_geojson(atlas), headers=headers)
