"""Partner matching: possible partners for a place, with the reasons for each.

    from jumelage.atlas import Atlas
    from jumelage.match import matcher_for, propose

    with Atlas.open() as atlas:
        result = propose(atlas, "Lutsk", country="FR", top=10)   # records.MatchResult
        for p in result.proposals:
            print(p.rank, p.place.name, p.score, [r.fr for r in p.reasons])

`propose(source, place, ...)` takes an open `Atlas` or a `Matcher`. With an atlas, the place is
looked up first (an unknown place fails at once, with close names); the matcher (graph, signals,
fitted model) is then taken from the on-disk cache of that atlas version (`cache.py`), or built
and saved there, and kept for the atlas object's life: ranking then takes milliseconds. The web
keeps `matcher_for(atlas)` and calls `propose` per request. Signals: `signals.py`; learned
combination: `model.py`; reasons and components: `explain.py`, words in `data/reasons.json`.
"""
from __future__ import annotations

import weakref
from collections.abc import Hashable, Iterable
from typing import TYPE_CHECKING

from jumelage.match.cache import cached_matcher
from jumelage.match.graph import Edge, Graph, PlaceFacts
from jumelage.match.load import close_names, graph_from_atlas
from jumelage.match.matcher import (MAX_TOP, BadFilter, Matcher, MatchError, check_filters,
                                    parse_population)
from jumelage.records import MatchPlace, MatchResult, Proposal, Reason

if TYPE_CHECKING:
    from jumelage.atlas import Atlas

_MATCHERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def matcher_for(atlas: Atlas) -> Matcher:
    """The `Matcher` over `atlas` as it is now: from the on-disk cache of this atlas version or
    built (and cached), then kept for this atlas object (a new atlas object, or `refresh=True` of
    `propose`, looks again)."""
    m = _MATCHERS.get(atlas)
    if m is None:
        m = _MATCHERS[atlas] = cached_matcher(atlas)
    return m


def find(atlas: Atlas, place: Hashable) -> int:
    """The atlas id of `place`, without building the matcher: a number is an atlas id (or else
    a GeoNames id); a name is found by `Atlas.find_place`, the one lookup of every door (a town
    before a region of the same name, then the one with most partners, then the lowest id, else
    the closest spelling).

    Raises `BadFilter` (a usage error) for an empty name, `MatchError` « no place with id N »
    for a number no place has, and `MatchError` naming the place and up to five close names
    when the atlas has no such place."""
    text = str(place).strip()
    if not text:
        raise BadFilter("no place given: PLACE is a place name or an atlas id")
    if text.isdigit():
        found = atlas.find_place(text)
        if found is None or int(text) not in (found["id"], found["geonames_id"]):
            raise MatchError(f"no place with id {text}")
        return found["id"]
    found = atlas.find_place(text)
    if found is None:
        close = close_names(atlas, text)
        hint = f"; close names: {', '.join(close)}" if close else ""
        raise MatchError(f"no place named {text!r} in the atlas{hint}")
    return found["id"]


def propose(source: Atlas | Matcher, place: Hashable, *,
            country: str | Iterable[str] | None = None,
            population: tuple[int | None, int | None] | None = None,
            theme: str | Iterable[str] | None = None,
            kind: str | Iterable[str] | None = None,
            partnership: str | Iterable[str] | None = None, top: int = 10,
            refresh: bool = False) -> MatchResult:
    """The `top` possible partners of `place` (atlas id or name), best first, with scores,
    component scores and reasons in French and English. See `Matcher.propose` for the filters
    (`kind`: place kinds; `partnership`: partnership kinds the candidate holds).

    Raises `BadFilter` (a `MatchError`) for a bad filter or an empty place name, `MatchError`
    (a `JumelageError`) for an unknown place, `AtlasError` when the atlas cannot be read.
    Never writes to the atlas.
    """
    check_filters(country, population, theme, kind, top, partnership=partnership)
    if isinstance(source, Matcher):
        matcher = source
    else:
        place = find(source, place)
        if refresh:
            _MATCHERS.pop(source, None)
        matcher = matcher_for(source)
    return matcher.propose(place, country=country, population=population, theme=theme,
                           kind=kind, partnership=partnership, top=top)


__all__ = ["BadFilter", "Edge", "Graph", "MAX_TOP", "MatchError", "MatchPlace", "MatchResult",
           "Matcher", "PlaceFacts", "Proposal", "Reason", "cached_matcher", "check_filters", "find",
           "graph_from_atlas", "matcher_for", "parse_population", "propose"]
