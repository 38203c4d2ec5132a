"""Partner matching: possible partners for a place, with the reasons for each.

    from jumelage.atlas import Atlas
    from jumelage.match import matcher_for, propose

    with Atlas.open() as atlas:
        result = propose(atlas, "Lutsk", country="FR", top=10)   # records.MatchResult
        for p in result.proposals:
            print(p.rank, p.place.name, p.score, [r.fr for r in p.reasons])

`propose(source, place, ...)` takes an open `Atlas` (its graph and model are built on first use
and kept for the atlas object's life: build once per process, rank in milliseconds) or a
`Matcher`. The web keeps `matcher_for(atlas)` and calls `propose` per request. Signals:
`signals.py`; learned combination: `model.py`; words of the reasons: `data/reasons.json`.
"""
from __future__ import annotations

import weakref
from collections.abc import Hashable, Iterable
from typing import TYPE_CHECKING

from jumelage.match.graph import Edge, Graph, PlaceFacts
from jumelage.match.load import graph_from_atlas
from jumelage.match.matcher import MAX_TOP, Matcher, MatchError, parse_population
from jumelage.records import MatchPlace, MatchResult, Proposal, Reason

if TYPE_CHECKING:
    from jumelage.atlas import Atlas

_MATCHERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def matcher_for(atlas: Atlas) -> Matcher:
    """The `Matcher` over `atlas` as it is now, built on first call and kept for this atlas
    object (a new atlas object, or `refresh=True` of `propose`, rebuilds it)."""
    m = _MATCHERS.get(atlas)
    if m is None:
        m = _MATCHERS[atlas] = Matcher(graph_from_atlas(atlas))
    return m


def propose(source: Atlas | Matcher, place: Hashable, *,
            country: str | Iterable[str] | None = None,
            population: tuple[int | None, int | None] | None = None,
            theme: str | None = None, kind: str | None = None, top: int = 10,
            refresh: bool = False) -> MatchResult:
    """The `top` possible partners of `place` (atlas id or name), best first, with scores,
    component scores and reasons in French and English. See `Matcher.propose` for the filters.

    Raises `MatchError` (a `JumelageError`) for an unknown place or a bad filter, `AtlasError`
    when the atlas cannot be read. Never writes to the atlas.
    """
    if isinstance(source, Matcher):
        matcher = source
    else:
        if refresh:
            _MATCHERS.pop(source, None)
        matcher = matcher_for(source)
    return matcher.propose(place, country=country, population=population, theme=theme,
                           kind=kind, top=top)


__all__ = ["Edge", "Graph", "MAX_TOP", "MatchError", "MatchPlace", "MatchResult", "Matcher",
           "PlaceFacts", "Proposal", "Reason", "graph_from_atlas", "matcher_for",
           "parse_population", "propose"]
