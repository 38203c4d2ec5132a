"""Rank possible partners for one place: the `Matcher` built once over a `Graph`.

    matcher = Matcher(graph)                       # signals precomputed, model fitted on graph
    result = matcher.propose("Lutsk", country="FR", top=10)
    result.proposals[0].reasons[0].fr              # « 3 de vos partenaires sont déjà jumelés … »

Every other place is a candidate except the place itself and its partners (of any kind).
Filters narrow the candidates before ranking, so the best `top` of what is left come out:
`country` (ISO 3166-1 alpha-2, one or several), `population` (min, max inhabitants; either may
be None; places of unknown population are left out when a range is asked), `theme` (one of
`records.THEMES`: the candidate has actions or initiatives on it), `kind` (one of
`records.PARTNERSHIP_KINDS`: the candidate holds at least one partnership of that kind).
"""
from __future__ import annotations

import math
from collections.abc import Hashable, Iterable

import numpy as np

from jumelage.errors import JumelageError
from jumelage.names import name_key
from jumelage.match.explain import components, reasons
from jumelage.match.graph import THEME_INDEX, Graph
from jumelage.match.model import LearnedModel, PriorModel, fit
from jumelage.match.signals import Signals
from jumelage.records import PARTNERSHIP_KINDS, MatchPlace, MatchResult, Proposal

MAX_TOP = 200


class MatchError(JumelageError):
    """A match request that cannot be answered: unknown place, bad filter."""


def parse_population(text: str) -> tuple[int | None, int | None]:
    """"10000:50000" -> (10000, 50000); "10000:" and ":50000" leave a bound open (None).

    Raises MatchError for anything else (a clear line naming the text)."""
    low, sep, high = text.replace(" ", "").replace("_", "").partition(":")
    try:
        if not sep or not (low or high):
            raise ValueError
        span = (int(low) if low else None, int(high) if high else None)
    except ValueError:
        raise MatchError(f"population range {text!r}: expected MIN:MAX in inhabitants, "
                         "e.g. 10000:50000, 10000: or :50000") from None
    if span[0] is not None and span[1] is not None and span[0] > span[1]:
        raise MatchError(f"population range {text!r} is empty")
    return span


class Matcher:
    """Signals and model over one graph; `propose` ranks one place in milliseconds.

    `model`: a fitted model to reuse; default: `model.fit(graph, seed)` (a few seconds to a
    minute on 17,000 places; `PriorModel` on small graphs). `signals`: `Signals(graph)` already
    built, to reuse.
    """

    def __init__(self, graph: Graph, model: PriorModel | LearnedModel | None = None,
                 seed: int = 0, signals: Signals | None = None) -> None:
        self.graph = graph
        self.signals = signals if signals is not None else Signals(graph, seed=seed)
        self.model = model if model is not None else fit(graph, seed=seed)
        self._by_name: dict[str, list[int]] = {}
        for i, name in enumerate(graph.names):
            self._by_name.setdefault(name_key(name), []).append(i)

    # -- finding the asking place -----------------------------------------------------------
    def find(self, place: Hashable) -> int:
        """Row index of a place given by key (atlas id) or name; MatchError when unknown.

        A name several places share gives the one with most partners.
        """
        g = self.graph
        if place in g.index:
            return g.index[place]
        text = str(place).strip()
        if text.isdigit() and int(text) in g.index:
            return g.index[int(text)]
        rows = self._by_name.get(name_key(text))
        if not rows:
            raise MatchError(f"no place named {text!r} in the atlas")
        return max(rows, key=lambda i: (g.degree[i], -i))

    def place(self, i: int) -> MatchPlace:
        g = self.graph
        return MatchPlace(
            id=g.keys[i], name=g.names[i],
            country=g.countries[g.country[i]] if g.country[i] >= 0 else None,
            lat=None if math.isnan(g.lat[i]) else float(g.lat[i]),
            lon=None if math.isnan(g.lon[i]) else float(g.lon[i]),
            population=int(g.population[i]) or None, capital=bool(g.capital[i]),
            partner_count=int(g.degree[i]))

    # -- candidates ---------------------------------------------------------------------------
    def candidates(self, q: int, country: str | Iterable[str] | None = None,
                   population: tuple[int | None, int | None] | None = None,
                   theme: str | None = None, kind: str | None = None) -> np.ndarray:
        """Boolean mask of the places that may be proposed to place q under these filters."""
        g = self.graph
        ok = np.ones(g.n, bool)
        ok[q] = False
        ok[g.partners(q)] = False
        if country:
            wanted = {country} if isinstance(country, str) else set(country)
            codes = [g.countries.index(c.upper()) for c in wanted if c.upper() in g.countries]
            ok &= np.isin(g.country, codes)
        if population is not None:
            low, high = population
            if low is not None and high is not None and low > high:
                raise MatchError(f"population range {low}:{high} is empty")
            known = g.population > 0
            ok &= known
            if low is not None:
                ok &= g.population >= low
            if high is not None:
                ok &= g.population <= high
        if theme:
            if theme not in THEME_INDEX:
                raise MatchError(f"unknown theme {theme!r} (one of: {', '.join(THEME_INDEX)})")
            ok &= g.themes[:, THEME_INDEX[theme]] > 0
        if kind:
            if kind not in PARTNERSHIP_KINDS:
                raise MatchError(f"unknown kind {kind!r} (one of: {', '.join(PARTNERSHIP_KINDS)})")
            m = g.kinds.get(kind)
            ok &= (np.diff(m.indptr) > 0) if m is not None else False
        return ok

    def scores(self, q: int, allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(signals (n, features), scores (n,)) of every place for place q; higher is better."""
        x = self.signals.compute(q)
        return x, self.model.score(x, allowed)

    # -- the answer -------------------------------------------------------------------------------
    def propose(self, place: Hashable, *, country: str | Iterable[str] | None = None,
                population: tuple[int | None, int | None] | None = None,
                theme: str | None = None, kind: str | None = None,
                top: int = 10) -> MatchResult:
        """The `top` best partners for `place` (key or name) under the filters, best first.

        Raises MatchError for an unknown place, theme or kind, an empty population range or
        `top` outside 1..MAX_TOP.
        """
        if not 1 <= top <= MAX_TOP:
            raise MatchError(f"top must be between 1 and {MAX_TOP}, not {top}")
        q = self.find(place)
        allowed = self.candidates(q, country, population, theme, kind)
        filters = {"country": country, "population": list(population) if population else None,
                   "theme": theme, "kind": kind, "top": top}
        result = MatchResult(place=self.place(q), filters=filters)
        if not allowed.any():
            return result
        x, s = self.scores(q, allowed)
        s = np.where(allowed, s, -np.inf)
        k = min(top, int(allowed.sum()))
        best = np.argpartition(-s, k - 1)[:k]
        best = best[np.lexsort((best, -s[best]))]          # score, then row: a stable order
        dist = self.signals.distance_km(q)
        for rank, c in enumerate(best.tolist(), 1):
            d = float(dist[c])
            score = float(s[c] - 1.0 if s[c] >= 1.0 else s[c])
            result.proposals.append(Proposal(
                place=self.place(c), score=round(score, 4), rank=rank,
                distance_km=None if math.isnan(d) else round(d, 1),
                components=components(x[c], d), reasons=reasons(self.signals, q, c, x[c], d)))
        return result
