"""Possible partners of a place: the matcher's proposals (`jumelage.match.propose`), each with
its score, distance and the reasons in plain words, in the page's language.

`GET /places/{id}/partners` and its twin `GET /api/places/{id}/partners` (`country`, `theme`,
`top`). The routes are mounted only when the installed jumelage has the matcher (`available()`),
so the web atlas runs the same with or without it. The matcher is built once per atlas object
(`match.matcher_for`) and ranks per request; it never writes.
"""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from jumelage.atlas import Atlas
from jumelage.errors import InvalidChange, JumelageError
from jumelage.web.deps import AtlasDep, Id
from jumelage.web.pages.common import Country, Theme
from jumelage.web.render import render

router = APIRouter()
Top = Annotated[int, Query(ge=1, le=50)]


def available() -> bool:
    """Whether this jumelage has the partner matcher."""
    try:
        from jumelage.match import propose  # noqa: F401
    except ImportError:
        return False
    return True


def partners_data(atlas: Atlas, place_id: int, country: str | None, theme: str | None,
                  top: int) -> dict[str, Any]:
    """`MatchResult.to_dict()`: the place, its proposals best first, the filters applied.

    Raises NotFound for an unknown place, InvalidChange for a filter the matcher refuses."""
    from jumelage.match import propose

    atlas.get("place", place_id)
    try:
        return propose(atlas, place_id, country=country, theme=theme, top=top).to_dict()
    except JumelageError as exc:
        if isinstance(exc, InvalidChange) or type(exc).__name__ == "MatchError":
            raise InvalidChange(str(exc)) from None
        raise


@router.get("/places/{place_id}/partners", response_class=HTMLResponse, include_in_schema=False)
def partners_page(request: Request, place_id: Id, atlas: AtlasDep, country: Country = None,
                  theme: Theme = None, top: Top = 10) -> HTMLResponse:
    return render(request, "partners.html", partners_data(atlas, place_id, country, theme, top))


@router.get("/api/places/{place_id}/partners", tags=["places"],
            summary="Possible partners of a place, with reasons",
            responses={404: {"description": "no such place"}})
def partners_json(place_id: Id, atlas: AtlasDep, country: Country = None, theme: Theme = None,
                  top: Top = 10) -> dict[str, Any]:
    return partners_data(atlas, place_id, country, theme, top)
