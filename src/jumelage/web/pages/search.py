"""Search: one box over places, partnerships, actions, initiatives and sources, with facets.

Twin: `GET /api/search?q=…`. Each hit links to its record and to the evidence that says it.
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from jumelage.atlas import Atlas
from jumelage.atlas.names import fold
from jumelage.web.deps import AtlasDep
from jumelage.web.pages.common import After, Limit, Text, clean, page
from jumelage.web.render import render

router = APIRouter()
SNIPPET = 80


def _snippet(text: str, folded: str, key: str) -> str:
    at = folded.find(key)
    lo, hi = max(0, at - SNIPPET), min(len(text), at + len(key) + SNIPPET)
    return ("…" if lo else "") + text[lo:hi] + ("…" if hi < len(text) else "")


def search_data(request: Request, atlas: Atlas, q: str | None, after: str | None,
                limit: int | None) -> dict[str, Any]:
    """Hits `{"record", "id", "label", "snippet", "url"}` for `q` (accents and case ignored)."""
    q = clean(q)
    hits: list[dict[str, Any]] = []
    key = fold(q) if q else ""
    if key:
        for p in atlas.places(q=q, limit=None):
            hits.append({"record": "place", "id": p["id"], "label": p["name"],
                         "snippet": p["country"] or "", "url": f"/places/{p['id']}"})
        for s in atlas.sources():
            detail = atlas.source_detail(s["id"]) or {"text": ""}
            folded = fold(detail["text"])
            if key in folded:
                hits.append({"record": "source", "id": s["id"], "label": s["title"] or s["name"],
                             "snippet": _snippet(detail["text"], folded, key),
                             "url": f"/sources/{s['id']}"})
    facets: dict[str, dict[str, int]] = {"record": {}}
    for h in hits:
        facets["record"][h["record"]] = facets["record"].get(h["record"], 0) + 1
    return {**page(request, hits, after, limit), "q": q, "facets": facets}


@router.get("/search", response_class=HTMLResponse, include_in_schema=False)
def search_page(request: Request, atlas: AtlasDep, q: Text = None, after: After = None,
                limit: Limit = None) -> HTMLResponse:
    return render(request, "search.html", search_data(request, atlas, q, after, limit))


@router.get("/api/search", tags=["search"], summary="Full-text search with facets")
def search_json(request: Request, atlas: AtlasDep, q: Text = None, after: After = None,
                limit: Limit = None) -> dict[str, Any]:
    return search_data(request, atlas, q, after, limit)
