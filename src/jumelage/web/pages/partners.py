"""Possible partners of a place: the matcher's proposals (`jumelage.match.propose`), each with
its score, distance and the reasons in plain words, in the page's language.

`GET /places/{id}/partners` and its twin `GET /api/places/{id}/partners` (`country`, `theme`,
`top`), and `GET /api/match/{place}` (an id or a name; also `population`, `kind`), as `jumelage
match` answers. The routes are mounted only when the installed jumelage has the matcher (`available()`),
so the web atlas runs the same with or without it. The matcher is kept in step with the atlas
people edit (`web/matching.py`: current partners never proposed, rebuilt in the background when
the atlas changed) and ranks per request; it never writes.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse

from jumelage.atlas import Atlas
from jumelage.errors import InvalidChange, NotFound
from jumelage.records import PARTNERSHIP_KINDS, PLACE_KINDS
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
    atlas.get("place", place_id)
    with _match_errors():
        return _current(atlas, place_id, country=country, theme=theme, top=top)


def _current(atlas: Atlas, place_id: int, **filters: Any) -> dict[str, Any]:
    from jumelage.web.matching import propose_current

    return propose_current(atlas, place_id, **filters).to_dict()


@contextmanager
def _match_errors() -> Iterator[None]:
    """A filter or place the matcher refuses (`MatchError`, `BadFilter` included) is the
    request's fault: InvalidChange, answered 422 with its one line."""
    from jumelage.match import MatchError

    try:
        yield
    except MatchError as exc:
        raise InvalidChange(str(exc)) from None


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


Population = Annotated[str | None, Query(max_length=40, pattern=r"^\d*:\d*$",
                                         description="MIN:MAX inhabitants (either may be empty)")]
Kind = Annotated[Literal[PLACE_KINDS + ("any",)] | None,  # type: ignore[valid-type]
                 Query(description="kind of the candidates (default: the place's own kind)")]
Partnership = Annotated[Literal[PARTNERSHIP_KINDS] | None,  # type: ignore[valid-type]
                        Query(description="only candidates already holding a partnership of "
                                          "this kind")]


@router.get("/api/match/{place}", tags=["places"],
            summary="Possible partners of a place named or numbered, with reasons",
            responses={404: {"description": "no such place"}, 422: {"description": "bad filter"}})
def match_json(place: Annotated[str, Path(max_length=200)], atlas: AtlasDep,
               country: Country = None, theme: Theme = None, population: Population = None,
               kind: Kind = None, partnership: Partnership = None,
               top: Top = 10) -> dict[str, Any]:
    """The matcher's proposals for a place given by atlas id or by name (`/api/match/Troyes`),
    with every filter of `jumelage match`: `country`, `theme`, `population` (`MIN:MAX`), `kind`
    (place kind), `partnership` (a partnership kind the candidates hold)."""
    from jumelage.match import parse_population

    found = atlas.find_place(place)
    if found is None:
        raise NotFound("place", place, f"no place matching {place!r} in the atlas")
    with _match_errors():
        span = parse_population(population) if population else None
        return _current(atlas, found["id"], country=country, theme=theme, population=span,
                        kind=kind, partnership=partnership, top=top)
