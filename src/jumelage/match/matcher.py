"""Rank possible partners for one place: the `Matcher` built once over a `Graph`.

    matcher = Matcher(graph)                       # signals precomputed, model fitted on graph
    result = matcher.propose("Lutsk", country="FR", top=10)
    result.proposals[0].reasons[0].fr              # « 3 de vos partenaires sont déjà jumelés … »

Every other place is a candidate except the place itself and its partners (of any kind), and
places of another kind (`records.PLACE_KINDS`: a town is offered towns, a region regions) unless
`kind` asks otherwise. Filters narrow the candidates before ranking, so the best `top` of what
is left come out: `country` (ISO 3166-1 alpha-2, one or several), `population` (min, max
inhabitants; either may be None; places of unknown population are left out when a range is
asked), `theme` (one of `records.THEMES`: the candidate has actions or initiatives on it),
`kind`: a place kind (`city`, `region`, `district`, `camp`) or `any` to take candidates of that
kind or of every kind, or a partnership kind (`records.PARTNERSHIP_KINDS`: the candidate holds
at least one partnership of that kind, and is of the asking place's kind).

The ranking re-ranks the best of all places but the asking one and its partners (as the model
learned), then applies the filters. The score shown is the model's log-odds mapped to 0..1 by
`display_score`: it orders the proposals as the ranking does and keeps them apart where a
probability would round to 1.000 (see `display_score`).
"""
from __future__ import annotations

import math
from collections.abc import Hashable, Iterable

import numpy as np

from jumelage.errors import JumelageError
from jumelage.names import name_key
from jumelage.match.explain import components, contributions, reasons
from jumelage.match.graph import THEME_INDEX, Graph
from jumelage.match.model import LearnedModel, PriorModel, fit, log_odds
from jumelage.match.signals import Signals
from jumelage.records import (PARTNERSHIP_KINDS, PLACE_KINDS, THEMES, MatchPlace, MatchResult,
                              Proposal)

MAX_TOP = 200
SCORE_SCALE = 4.0   # log-odds per unit of the shown score's logit (see display_score)


class MatchError(JumelageError):
    """A match request that cannot be answered: unknown place, bad filter."""


class BadFilter(MatchError):
    """A filter value that is not one (a population that is not MIN:MAX, an unknown theme or
    kind, a country that is not a two-letter code, `top` out of range): a usage error, which
    the command line reports with exit status 2."""


def split_kind(kind: str | None) -> tuple[str | None, str | None]:
    """The `kind` filter as (place kind or "any" or None, partnership kind or None).

    Place kinds (`records.PLACE_KINDS`) and partnership kinds (`records.PARTNERSHIP_KINDS`)
    share no word, so one option serves both. Raises MatchError for any other word."""
    if not kind:
        return None, None
    k = kind.strip().lower()
    if k == "any" or k in PLACE_KINDS:
        return k, None
    if k in PARTNERSHIP_KINDS:
        return None, k
    raise BadFilter(f"unknown kind {kind!r} (a place kind: {', '.join(PLACE_KINDS)}, any; or "
                     f"a partnership kind: {', '.join(PARTNERSHIP_KINDS)})")


def display_score(scores: np.ndarray) -> np.ndarray:
    """The score a proposal shows, from the model's ranking scores: 1 / (1 + exp(-L / 4)),
    L the model's log-odds that the candidate is a partner (`model.log_odds`), rounded to 6
    decimals (the command line shows 4). Monotone in the ranking, 0.5 at even odds; dividing
    by `SCORE_SCALE` keeps the most likely places apart (log-odds 8, 12, 16 show 0.8808,
    0.9526, 0.982) where the probability itself would show 1.000 for all of them."""
    z = log_odds(scores) / SCORE_SCALE
    return np.round(1.0 / (1.0 + np.exp(-np.clip(z, -50, 50))), 6)


def parse_population(text: str) -> tuple[int | None, int | None]:
    """"10000:50000" -> (10000, 50000); "10000:" and ":50000" leave a bound open (None).

    Raises MatchError for anything else (a clear line naming the text)."""
    low, sep, high = text.replace(" ", "").replace("_", "").partition(":")
    try:
        if not sep or not (low or high):
            raise ValueError
        span = (int(low) if low else None, int(high) if high else None)
    except ValueError:
        raise BadFilter(f"population range {text!r}: expected MIN:MAX in inhabitants, "
                         "e.g. 10000:50000, 10000: or :50000") from None
    if span[0] is not None and span[1] is not None and span[0] > span[1]:
        raise BadFilter(f"population range {text!r} is empty")
    return span


def check_filters(country: str | Iterable[str] | None = None,
                  population: tuple[int | None, int | None] | None = None,
                  theme: str | None = None, kind: str | None = None, top: int = 10) -> None:
    """Raise `BadFilter` (one line naming the value) for a filter value that cannot be one:
    a country that is not two letters, an empty population range, a theme not in
    `records.THEMES`, an unknown kind, `top` outside 1..MAX_TOP. Needs no graph: callers check
    before building one."""
    wanted = [country] if isinstance(country, str) else list(country or [])
    bad = [c for c in wanted if not (len(c) == 2 and c.isascii() and c.isalpha())]
    if bad:
        raise BadFilter(f"country {bad[0]!r}: expected a two-letter ISO 3166-1 code such as "
                        "FR or UA")
    low, high = population or (None, None)
    if low is not None and high is not None and low > high:
        raise BadFilter(f"population range {low}:{high} is empty")
    if theme and theme not in THEME_INDEX:
        raise BadFilter(f"unknown theme {theme!r} (one of: {', '.join(THEMES)})")
    split_kind(kind)
    if not 1 <= top <= MAX_TOP:
        raise BadFilter(f"top must be between 1 and {MAX_TOP}, not {top}")


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
            kind=PLACE_KINDS[g.kind[i]], partner_count=int(g.degree[i]))

    # -- candidates ---------------------------------------------------------------------------
    def candidates(self, q: int, country: str | Iterable[str] | None = None,
                   population: tuple[int | None, int | None] | None = None,
                   theme: str | None = None, kind: str | None = None) -> np.ndarray:
        """Boolean mask of the places that may be proposed to place q under these filters."""
        g = self.graph
        ok = np.ones(g.n, bool)
        ok[q] = False
        ok[g.partners(q)] = False
        check_filters(country, population, theme, kind)
        if country:
            wanted = {country} if isinstance(country, str) else set(country)
            codes = [g.countries.index(c.upper()) for c in wanted if c.upper() in g.countries]
            ok &= np.isin(g.country, codes)
        if population is not None:
            low, high = population
            known = g.population > 0
            ok &= known
            if low is not None:
                ok &= g.population >= low
            if high is not None:
                ok &= g.population <= high
        if theme:
            has = g.themes[:, THEME_INDEX[theme]] > 0
            has[q] = False
            if not has.any():
                known = [t for t in THEMES if (np.delete(g.themes, q, 0)[:, THEME_INDEX[t]]
                                               > 0).any()]
                raise MatchError(
                    f"the atlas has no place with recorded theme {theme!r} (themes come from "
                    "the actions and initiatives of ingested documents; "
                    + (f"themes recorded: {', '.join(known)})" if known else "none recorded)"))
            ok &= has
        place_kind, partnership_kind = split_kind(kind)
        if place_kind is None:
            ok &= g.kind == g.kind[q]
        elif place_kind != "any":
            ok &= g.kind == PLACE_KINDS.index(place_kind)
        if partnership_kind:
            m = g.kinds.get(partnership_kind)
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
        check_filters(top=top)
        q = self.find(place)
        allowed = self.candidates(q, country, population, theme, kind)
        place_kind = split_kind(kind)[0] or PLACE_KINDS[self.graph.kind[q]]
        filters = {"country": country, "population": list(population) if population else None,
                   "theme": theme, "kind": kind, "place_kind": place_kind, "top": top}
        result = MatchResult(place=self.place(q), filters=filters)
        if not allowed.any():
            return result
        others = np.ones(self.graph.n, bool)     # every place but q and its partners
        others[q] = False
        others[self.graph.partners(q)] = False
        # the second stage re-ranks the best of all these, as it learned to, then filters
        # apply: a pool drawn from the filtered places only would reach where it never learned
        x, s = self.scores(q, others)
        s = np.where(allowed, s, -np.inf)
        k = min(top, int(allowed.sum()))
        best = np.argpartition(-s, k - 1)[:k]
        best = best[np.lexsort((best, -s[best]))]          # score, then row: a stable order
        dist = self.signals.distance_km(q)
        shown = display_score(s[best])
        parts = contributions(self.model.w, x, best, others)
        for rank, (c, score, part) in enumerate(zip(best.tolist(), shown, parts), 1):
            d = float(dist[c])
            result.proposals.append(Proposal(
                place=self.place(c), score=float(score), rank=rank,
                distance_km=None if math.isnan(d) else round(d, 1),
                components=components(part, x[c]),
                reasons=reasons(self.signals, q, c, x[c], d, part)))
        return result
