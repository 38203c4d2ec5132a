"""Charts, drawn on the server as inline SVG (no script, no CDN): actions per year by theme,
partners by country, partnerships by kind and status. Twin: `GET /api/charts` (the counts).
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from typing_extensions import TypedDict

from jumelage.atlas import Atlas, stats
from jumelage.records import PARTNERSHIP_KINDS, PARTNERSHIP_STATUSES, THEMES
from jumelage.web.deps import AtlasDep
from jumelage.web.render import render

router = APIRouter()
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39",
           "#7b4173", "#3182bd", "#e6550d", "#31a354")
COLOURS = dict(zip(THEMES, PALETTE)) | {"": "#aaaaaa"}
TOP_COUNTRIES = 20


class CountryCount(TypedDict):
    country: str
    count: int


class Charts(TypedDict):
    """`actions_by_year_theme` {year: {theme: n}} (an action counts once per theme, `""` for
    none), `partners_by_country` [{country: ISO code, count: partnership ends}] (top 20), and
    `partnerships_by_kind_status` {kind: {status: n}}."""

    actions_by_year_theme: dict[str, dict[str, int]]
    partners_by_country: list[CountryCount]
    partnerships_by_kind_status: dict[str, dict[str, int]]


def charts_data(atlas: Atlas) -> dict[str, Any]:
    """The counts behind the three charts (see `Charts`), each one grouped query."""
    return {
        "actions_by_year_theme": atlas.read(stats.actions_by_year_theme),
        "partners_by_country": [{"country": c, "count": n} for c, n in atlas.read(
            stats.partners_by_country, TOP_COUNTRIES)],
        "partnerships_by_kind_status": atlas.read(stats.partnerships_by_kind_status),
    }


def _year_bars(by_year: dict[str, dict[str, int]]) -> dict[str, Any]:
    """Stacked bars, one per year, in a 640×240 frame (coordinates in SVG user units)."""
    width, height, left, bottom = 640, 240, 30, 20
    years = list(by_year)
    top = max((sum(v.values()) for v in by_year.values()), default=0) or 1
    step = (width - left) / max(len(years), 1)
    bars = []
    for i, year in enumerate(years):
        y = height - bottom
        for theme, n in sorted(by_year[year].items()):
            h = n / top * (height - bottom - 10)
            y -= h
            bars.append({"x": left + i * step + 2, "y": round(y, 1), "w": max(step - 4, 1),
                         "h": round(h, 1), "fill": COLOURS.get(theme, "#aaa"), "theme": theme,
                         "year": year, "n": n})
    labels = [{"x": left + i * step + step / 2, "year": y} for i, y in enumerate(years)]
    themes = sorted({t for v in by_year.values() for t in v})
    return {"width": width, "height": height, "bars": bars, "labels": labels, "top": top,
            "legend": [{"theme": t, "fill": COLOURS.get(t, "#aaa")} for t in themes]}


def _country_bars(rows: list[dict[str, Any]]) -> dict[str, Any]:
    top = max((r["count"] for r in rows), default=0) or 1
    return {"height": 22 * len(rows) + 10,
            "bars": [{"y": 22 * i + 5, "w": round(r["count"] / top * 480, 1),
                      "country": r["country"], "n": r["count"]} for i, r in enumerate(rows)]}


@router.get("/charts", response_class=HTMLResponse, include_in_schema=False)
def charts_page(request: Request, atlas: AtlasDep) -> HTMLResponse:
    data = charts_data(atlas)
    return render(request, "charts.html", {
        **data, "years_svg": _year_bars(data["actions_by_year_theme"]),
        "country_svg": _country_bars(data["partners_by_country"]),
        "kinds": PARTNERSHIP_KINDS, "statuses": PARTNERSHIP_STATUSES})


@router.get("/api/charts", tags=["charts"], summary="The counts behind the charts",
            response_model=Charts)
def charts_json(atlas: AtlasDep) -> dict[str, Any]:
    return charts_data(atlas)
