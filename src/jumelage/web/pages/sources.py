"""Sources: the list of documents and a document's page with every evidence span highlighted.

The text is cut at every span boundary into segments; a segment inside one or more spans is a link
to the record of the innermost one, coloured by record type (place, partnership, status change,
action, initiative, organisation), and each span's start carries the anchor `ev-{evidence id}`
that record pages link back to. Twins: `GET /api/sources`, `GET /api/sources/{id}` (the text and
the evidence spans with their labels).
"""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from jumelage.atlas import Atlas, Filters
from jumelage.web.deps import AtlasDep, Id
from jumelage.atlas.shapes import Page, SourceDetail, SourceRow
from jumelage.web.pages.common import After, Limit, Text, clean, linked
from jumelage.errors import NotFound
from jumelage.web.render import record_url, render

router = APIRouter()


def sources_data(request: Request, atlas: Atlas, q: str | None, after: str | None,
                 limit: int) -> dict[str, Any]:
    """A page of sources by name (file name or title containing `q`, case ignored), each with
    its number of evidence spans; `next` is the URL of the following page."""
    found = atlas.sources(Filters(q=clean(q)), after=after, limit=limit)
    return {**linked(request, found), "q": q}


def source_data(atlas: Atlas, source_id: int) -> dict[str, Any]:
    """The source, its text and its evidence spans by position (raises NotFound)."""
    detail = atlas.source_detail(source_id)
    if detail is None:
        raise NotFound("source", source_id)
    return detail


def segments(text: str, evidence: list[dict[str, Any]],
             mark: tuple[int, int] | None = None) -> list[dict[str, Any]]:
    """The text cut at every span boundary: `{"text", "kind", "url", "title", "anchors"}` each.

    `kind`/`url` are those of the innermost (shortest) span covering the segment (None outside
    any span); `anchors` are the ids of the evidence starting there. `mark` is one more span to
    highlight (a search hit's words), anchored as `hit`.
    """
    n = len(text)
    evidence = list(evidence)
    if mark is not None:
        evidence.append({"id": "hit", "record": "hit", "record_id": None, "start": mark[0],
                         "end": mark[1], "label": None})
    spans = [e for e in evidence if isinstance(e.get("start"), int) and isinstance(e.get("end"), int)
             and 0 <= e["start"] < e["end"] <= n]
    cuts = sorted({0, n} | {e["start"] for e in spans} | {e["end"] for e in spans})
    out = []
    for lo, hi in zip(cuts, cuts[1:]):
        covering = [e for e in spans if e["start"] <= lo and e["end"] >= hi]
        inner = min(covering, key=lambda e: (e["end"] - e["start"], e["id"])) if covering else None
        out.append({
            "text": text[lo:hi],
            "kind": inner["record"] if inner else None,
            "url": (record_url(inner["record"], inner["record_id"])
                    if inner and inner["record_id"] is not None else None),
            "title": " · ".join(dict.fromkeys(e.get("label") or e["record"] for e in covering)),
            "anchors": [e["id"] for e in spans if e["start"] == lo],
        })
    return out


@router.get("/sources", response_class=HTMLResponse, include_in_schema=False)
def sources_page(request: Request, atlas: AtlasDep, q: Text = None, after: After = None,
                 limit: Limit = 50) -> HTMLResponse:
    return render(request, "sources.html", sources_data(request, atlas, q, after, limit))


@router.get("/api/sources", tags=["sources"], summary="Sources, by name, paginated",
            response_model=Page[SourceRow])
def sources_json(request: Request, atlas: AtlasDep, q: Text = None, after: After = None,
                 limit: Limit = 50) -> dict[str, Any]:
    return sources_data(request, atlas, q, after, limit)


@router.get("/sources/{source_id}", response_class=HTMLResponse, include_in_schema=False)
def source_page(request: Request, source_id: Id, atlas: AtlasDep,
                mark: Annotated[str | None, Query(pattern=r"^\d{1,9}-\d{1,9}$")] = None
                ) -> HTMLResponse:
    data = source_data(atlas, source_id)
    span = tuple(int(x) for x in mark.split("-")) if mark else None
    kinds = sorted({e["record"] for e in data["evidence"]})
    return render(request, "source.html", {**data, "segments": segments(data["text"],
                                                                          data["evidence"],
                                                                          span),  # type: ignore[arg-type]
                                           "kinds": kinds})


@router.get("/api/sources/{source_id}", tags=["sources"],
            summary="A source's text and every evidence span in it",
            response_model=SourceDetail, responses={404: {"description": "no such source"}})
def source_json(source_id: Id, atlas: AtlasDep) -> dict[str, Any]:
    return source_data(atlas, source_id)
