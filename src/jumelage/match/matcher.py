"""Rank possible partners for one place: the `Matcher` built once over a `Graph`.

    matcher = Matcher(graph)                       # signals precomputed, model fitted on graph
    result = matcher.propose("Lutsk", country="FR", top=10)
    result.proposals[0].reasons[0].fr              # « 3 de vos partenaires sont déjà jumelés … »

Every other place is a candidate except the place itself and its partners (of any kind), and
places of another kind (`records.PLACE_KINDS`: a town is offered towns, a region or French
department regions and departments) unless `kind` asks otherwise. Filters narrow the candidates
before ranking, so the best `top` of what is left come out: `country` (ISO 3166-1 alpha-2, one
or several), `population` (min, max inhabitants, never negative; either may be None; places of
unknown population are left out when a range is asked), `theme` (one or several of
`records.THEMES`, the extraction's themes: the candidate has actions or initiatives on one of
them, and each proposal says so; when only the asking place works on them the list is empty
and the result's `notes` say so: « aucun autre lieu ne travaille sur l'eau »), `kind` (one or
several place kinds, or `any`: candidates of those kinds instead of the asking place's own),
`partnership` (one or several of `records.PARTNERSHIP_KINDS`: the candidate already holds a
partnership of one of those kinds). A partnership kind given as
`kind` (the older form, which the two share no word for) is read as `partnership`.

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
from jumelage.match.explain import (POPULATED_KINDS, components, contributions, no_other_place,
                                    reasons)
from jumelage.match.graph import THEME_INDEX, Graph
from jumelage.match.model import LearnedModel, PriorModel, fit, log_odds
from jumelage.match.signals import Signals
from jumelage.records import (PARTNERSHIP_KINDS, PLACE_KINDS, THEMES, MatchPlace, MatchResult,
                              Proposal, Reason)

MAX_TOP = 200
SCORE_SCALE = 4.0   # log-odds per unit of the shown score's logit (see display_score)


class MatchError(JumelageError):
    """A match request that cannot be answered: unknown place, bad filter."""


class BadFilter(MatchError):
    """A filter value that is not one (a population that is not MIN:MAX, an unknown theme or
    kind, a country that is not a two-letter code, `top` out of range): a usage error, which
    the command line reports with exit status 2."""


def _words(value: str | Iterable[str] | None) -> list[str]:
    """A filter given as one word or several, as a list of stripped lower-case words."""
    if value is None:
        return []
    items = [value] if isinstance(value, str) else list(value)
    return [str(v).strip().lower() for v in items]


def split_kind(kind: str | Iterable[str] | None,
               partnership: str | Iterable[str] | None = None
               ) -> tuple[frozenset[str] | None, frozenset[str]]:
    """The kind filters as (place kinds wanted, None for the asking place's own; partnership
    kinds wanted, empty for any). `kind` holds place kinds only (`any` means every place kind)
    and `partnership` partnership kinds only, the same rule for the command line, the web and
    the library. Raises `BadFilter` (one line listing the words allowed, and saying so when a
    partnership kind was given as a place kind) for any other word."""
    places: set[str] = set()
    ships: set[str] = set()
    for k in _words(kind):
        if k == "any":
            places.update(PLACE_KINDS)
        elif k in PLACE_KINDS:
            places.add(k)
        else:
            also = (f" ({k} is a partnership kind: filter on it as partnership)"
                    if k in PARTNERSHIP_KINDS else "")
            raise BadFilter(f"kind {k!r}: expected a place kind: {', '.join(PLACE_KINDS)} or "
                            f"any{also}")
    for k in _words(partnership):
        if k not in PARTNERSHIP_KINDS:
            raise BadFilter(f"unknown partnership kind {k!r} (one of: "
                            f"{', '.join(PARTNERSHIP_KINDS)})")
        ships.add(k)
    return (frozenset(places) or None), frozenset(ships)


def split_themes(theme: str | Iterable[str] | None) -> list[str]:
    """The theme filter as a list of `records.THEMES` (in that order). Raises `BadFilter`
    naming the themes for any other word."""
    wanted = _words(theme)
    bad = [t for t in wanted if t not in THEME_INDEX]
    if bad:
        raise BadFilter(f"unknown theme {bad[0]!r} (one of: {', '.join(THEMES)})")
    return [t for t in THEMES if t in wanted]


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
    if any(v is not None and v < 0 for v in span):
        raise BadFilter(f"population range {text!r}: inhabitants cannot be negative")
    if span[0] is not None and span[1] is not None and span[0] > span[1]:
        raise BadFilter(f"population range {text!r} is empty (MIN is above MAX)")
    return span


def is_country(code: str) -> bool:
    """Whether `code` is an ISO 3166-1 alpha-2 country code (any case), Kosovo's XK included
    (the code lists and GeoNames give it)."""
    import pycountry

    code = code.strip().upper()
    return len(code) == 2 and code.isascii() and code.isalpha() and (
        code == "XK" or pycountry.countries.get(alpha_2=code) is not None)


def check_filters(country: str | Iterable[str] | None = None,
                  population: tuple[int | None, int | None] | None = None,
                  theme: str | Iterable[str] | None = None,
                  kind: str | Iterable[str] | None = None, top: int = 10,
                  partnership: str | Iterable[str] | None = None) -> None:
    """Raise `BadFilter` (one line naming the value) for a filter value that cannot be one:
    a country that is not an ISO 3166-1 alpha-2 code (pycountry; XK for Kosovo), a negative or
    empty population range, a theme not in `records.THEMES`, an unknown place or partnership
    kind, `top` outside 1..MAX_TOP. Needs no graph: callers check before building one."""
    wanted = [country] if isinstance(country, str) else list(country or [])
    for c in wanted:
        if not (len(c) == 2 and c.isascii() and c.isalpha()):
            raise BadFilter(f"country {c!r}: expected a two-letter ISO 3166-1 code such as "
                            "FR or UA")
        if not is_country(c):
            raise BadFilter(f"country {c!r}: not an ISO 3166-1 country code (such as FR or UA)")
    low, high = population or (None, None)
    if (low is not None and low < 0) or (high is not None and high < 0):
        raise BadFilter(f"population range {'' if low is None else low}:"
                        f"{'' if high is None else high}: inhabitants cannot be negative")
    if low is not None and high is not None and low > high:
        raise BadFilter(f"population range {low}:{high} is empty (MIN is above MAX)")
    split_themes(theme)
    split_kind(kind, partnership)
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
        """Row index of a place given by key (atlas id) or name.

        A number is an id: `MatchError` « no place with id N » when no place has it. A name
        several places share gives a populated place (a town) before a region or district of
        the same name, then the one with most partners. An empty name is a `BadFilter` (a usage
        error); an unknown one a `MatchError`.
        """
        g = self.graph
        if place in g.index:
            return g.index[place]
        text = str(place).strip()
        if not text:
            raise BadFilter("no place given: PLACE is a place name or an atlas id")
        if text.isdigit():
            if int(text) in g.index:
                return g.index[int(text)]
            raise MatchError(f"no place with id {text}")
        rows = self._by_name.get(name_key(text))
        if not rows:
            raise MatchError(f"no place named {text!r} in the atlas")
        return max(rows, key=lambda i: (PLACE_KINDS[g.kind[i]] in POPULATED_KINDS,
                                        g.degree[i], -i))

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
                   theme: str | Iterable[str] | None = None,
                   kind: str | Iterable[str] | None = None,
                   partnership: str | Iterable[str] | None = None) -> np.ndarray:
        """Boolean mask of the places that may be proposed to place q under these filters.
        Raises `MatchError` when a theme or partnership kind asked for is held by no place
        (saying which are), since no filter value could then give an answer."""
        g = self.graph
        ok = np.ones(g.n, bool)
        ok[q] = False
        ok[g.partners(q)] = False
        check_filters(country, population, theme, kind, partnership=partnership)
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
        themes = split_themes(theme)
        if themes:
            has = (g.themes[:, [THEME_INDEX[t] for t in themes]] > 0).any(1)
            has[q] = False       # none left: an empty answer with a note (`_theme_notes`)
            ok &= has
        place_kinds, ships = split_kind(kind, partnership)
        if place_kinds is None:
            ok &= g.kind == g.kind[q]
        else:
            ok &= np.isin(g.kind, [PLACE_KINDS.index(k) for k in place_kinds])
        if ships:
            held = np.zeros(g.n, bool)
            for k in ships:
                m = g.kinds.get(k)
                if m is not None:
                    held |= np.diff(m.indptr) > 0
            if not held.any():
                known = [k for k in PARTNERSHIP_KINDS if k in g.kinds and g.kinds[k].nnz]
                raise MatchError(
                    f"the atlas has no {' or '.join(sorted(ships, key=PARTNERSHIP_KINDS.index))}"
                    " partnership (kinds recorded: "
                    + (", ".join(known) if known else "none") + ")")
            ok &= held
        return ok

    def _theme_notes(self, q: int, themes: list[str]) -> list[Reason]:
        """Why a theme filter leaves no one to propose, when it does: only the asking place q
        works on the themes (« aucun autre lieu ne travaille sur l'eau »), no place of the atlas
        does yet, or only q's current partners do. The empty list is an answer, not an error."""
        if not themes:
            return []
        has = (self.graph.themes[:, [THEME_INDEX[t] for t in themes]] > 0).any(1)
        others = has.copy()
        others[q] = False
        if not others.any():
            return [no_other_place(themes, "no_other_place" if has[q] else "no_place_yet")]
        partners = np.zeros(self.graph.n, bool)
        partners[self.graph.partners(q)] = True
        if not (others & ~partners).any():
            return [no_other_place(themes, "only_partners")]
        return []

    def scores(self, q: int, allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(signals (n, features), scores (n,)) of every place for place q; higher is better."""
        x = self.signals.compute(q)
        return x, self.model.score(x, allowed)

    # -- the answer -------------------------------------------------------------------------------
    def propose(self, place: Hashable, *, country: str | Iterable[str] | None = None,
                population: tuple[int | None, int | None] | None = None,
                theme: str | Iterable[str] | None = None,
                kind: str | Iterable[str] | None = None,
                partnership: str | Iterable[str] | None = None,
                top: int = 10) -> MatchResult:
        """The `top` best partners for `place` (key or name) under the filters, best first.

        Raises MatchError for an unknown place, theme or kind, an empty population range or
        `top` outside 1..MAX_TOP.
        """
        check_filters(top=top)
        q = self.find(place)
        allowed = self.candidates(q, country, population, theme, kind, partnership)
        place_kinds, ships = split_kind(kind, partnership)
        themes = split_themes(theme)
        shown_kind = (PLACE_KINDS[self.graph.kind[q]] if place_kinds is None
                      else "any" if place_kinds == set(PLACE_KINDS)
                      else ",".join(k for k in PLACE_KINDS if k in place_kinds))
        filters = {"country": country, "population": list(population) if population else None,
                   "theme": theme, "kind": kind, "place_kind": shown_kind,
                   "partnership": [k for k in PARTNERSHIP_KINDS if k in ships] or None,
                   "top": top}
        result = MatchResult(place=self.place(q), filters=filters,
                             notes=self._theme_notes(q, themes))
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
                reasons=reasons(self.signals, q, c, x[c], d, part, asked_themes=themes)))
        return result
