"""Why a place is proposed: component scores and reasons people can read, from the signals that
actually ranked it.

The ranking is learned (`model.py`); its first stage is a linear combination of the signals, and
the second stage re-ranks with that combination as its strongest input. So the part each family
of signals (`FAMILIES`) plays for a candidate is read from the first stage: the weight of each
signal times how far the candidate's value lies from the average candidate's, summed over the
family (over every place but the asking one and its partners, before filters). The components
are those parts, positive ones as shares of their sum (0..1), others 0;
None when every fact of the family is unknown for the candidate (never guessed).

Reasons are sentences in French and English (words in `data/reasons.json`, numbers written
the way each language writes them: « 18 000 », "18,000"; in French, places named as French
writes them where `data/fr_place_names.tsv` knows it, « Vienne », « Le Caire », and joined to
their preposition by one helper, `fr_with`, whose rules are `data/fr_prepositions.json`:
« d'Odessa », « du Havre », « au Mans », « des Herbiers »), one family at a time, the family
that lifted the candidate most first, each sentence a fact of the graph (counts, names,
distances) and never a guess: « taille comparable » only when both populations are known and
within `SIZE_RATIO` of each other, « capitale » only for towns, no sentence that assumes the
places are towns when they may be regions. Every proposal gets at least one: when no lifting
family can say anything, the strongest family that can speak does. Distance is never the only
reason: when nothing but distance is said, the strongest other family that can speak is added
(at worst, that the candidate has no partner yet). A proposal kept by a theme filter first
says that it works on the theme asked for (« travaille aussi sur l'eau » when the asking place
does too, « travaille sur l'eau » when it does not).
"""
from __future__ import annotations

import gettext
import json
import math
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np

from jumelage.match.graph import THEME_INDEX
from jumelage.match.model import linear_inputs
from jumelage.match.signals import COLUMN, FEATURES, Signals
from jumelage.names import name_key
from jumelage.records import PLACE_KINDS, THEMES, Reason

DATA = Path(__file__).with_name("data") / "reasons.json"
FR_PLACE_NAMES = DATA.with_name("fr_place_names.tsv")
FR_PREPOSITIONS = DATA.with_name("fr_prepositions.json")
SIZE_RATIO = 1.6          # "comparable size": populations within this ratio of each other
POPULATED_KINDS = frozenset({"city", "camp"})   # place kinds that are towns, not units
NEAR_KM = 100.0           # a partner of the candidate "near you", or the candidate near yours
MAX_NAMES = 3
MAX_REASONS = 5           # sentences per proposal, the strongest families first

# Families of signals: a component score each, and the reasons that speak for it.
FAMILIES: dict[str, tuple[str, ...]] = {
    "network": ("common", "adamic_adar", "resource"),
    "paths": ("paths3", "paths3_damped", "paths4_damped", "katz", "ppr"),
    "community": ("embedding", "same_community", "same_community_fine"),
    "country_habits": ("country_habit", "country_lift", "partner_country_share", "same_country",
                       "partners_country_habit", "partners_in_your_country"),
    "area_habits": ("twinned_near_you", "near_your_partners", "regional", "area_pairs",
                    "area_pairs_wide", "area_lift", "area_lift_wide", "partners_in_your_area",
                    "partners_in_your_area_wide", "your_partners_in_their_area",
                    "your_partners_in_their_area_wide"),
    "distance": ("log_distance",),
    "size": ("log_pop", "pop_gap", "query_log_pop"),
    "partners": ("log_degree", "query_log_degree"),
    "capital": ("capital", "both_capital"),
    "language": ("same_language",),
    "coast": ("same_coast",),
    "themes": ("themes",),
}
_FAMILY_OF = np.array([next(i for i, cols in enumerate(FAMILIES.values()) if f in cols)
                       for f in FEATURES])
# which family each reason code speaks for (tests check reasons against components with it)
REASON_FAMILY = {
    "common": "network", "paths3": "paths", "paths4": "paths", "community": "community",
    "neighbourhood": "community",
    "country_pairs": "country_habits", "same_country": "country_habits",
    "partners_in_your_country": "country_habits", "your_partners_there": "country_habits",
    "twinned_near_you": "area_habits", "near_your_partner": "area_habits",
    "area_habit": "area_habits", "area_habit_wide": "area_habits", "distance": "distance",
    "size": "size", "partners": "partners", "partners_none": "partners", "capital": "capital",
    "capital_only": "capital", "language": "language", "coast": "coast", "inland": "coast",
    "theme": "themes",
}


@lru_cache(maxsize=1)
def _words() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _prepositions() -> dict:
    return json.loads(FR_PREPOSITIONS.read_text(encoding="utf-8"))


def fr_with(preposition: str, name: str) -> str:
    """`name` after the French `preposition`, as French writes it (rules in
    `data/fr_prepositions.json`): `fr_with("de", "Odessa")` -> "d'Odessa", `("de", "Le
    Havre")` -> "du Havre", `("à", "Le Mans")` -> "au Mans", `("de", "Les Herbiers")` -> "des
    Herbiers", `("de", "Lyon")` -> "de Lyon"; any other preposition is only put before."""
    rules = _prepositions()
    name = name.strip()
    first, _, rest = name.partition(" ")
    contract = rules["contractions"].get(preposition, {})
    article = first.lower()
    if rest and article in contract and first == rules["articles"].get(article):
        return f"{contract[article]} {rest}"
    elided = rules["elisions"].get(preposition)
    if elided and name[:1].lower() in rules["vowels"]:
        return f"{elided}{name}"
    return f"{preposition} {name}"


class FrPlace(str):
    """A place name in a French sentence: `"{name:de}"` formats as `fr_with("de", name)`, so
    every French reason joins names to prepositions through the one helper."""

    def __format__(self, spec: str) -> str:
        return fr_with(spec, str(self)) if spec else str(self)


@lru_cache(maxsize=1)
def _fr_names() -> dict[tuple[str, str], str]:
    from jumelage.gazetteer.index import read_tsv

    return {(name_key(name), country.upper()): french
            for name, country, french, *_ in read_tsv(FR_PLACE_NAMES)}


def fr_place_name(name: str, country: str | None) -> str:
    """The French name of a place (`data/fr_place_names.tsv`: « Vienna », AT -> « Vienne »),
    or its own name."""
    if not country:
        return name
    return _fr_names().get((name_key(name), country.upper()), name)


def _place_fields(fields: dict[str, object]) -> tuple[dict[str, object], dict[str, object]]:
    """The fields of a sentence for French and English: numbers written as each language
    writes them (`fr_number`, `en_number`); in French, place names (`Named`) in French
    (`fr_place_name`) and ready for their preposition (`FrPlace`)."""
    fr: dict[str, object] = {}
    en: dict[str, object] = {}
    for k, v in fields.items():
        if _is_number(v):
            fr[k], en[k] = fr_number(v), en_number(v)  # type: ignore[arg-type]
        elif isinstance(v, Named):
            fr[k], en[k] = FrPlace(v.french()), v.english()
        else:
            fr[k] = en[k] = v
    return fr, en


class Named:
    """Places named in a sentence: one, or a list (« Lyon, Odessa, Vienne… »), with their
    countries, so each language writes them its own way."""

    def __init__(self, places: Iterable[tuple[str, str | None]], more: bool = False) -> None:
        self.places = list(places)
        self.more = more

    def english(self) -> str:
        return ", ".join(n for n, _ in self.places) + ("…" if self.more else "")

    def french(self) -> str:
        return ", ".join(fr_place_name(n, c) for n, c in self.places) + ("…" if self.more
                                                                        else "")


def _say(code: str, **fields: object) -> Reason:
    """The sentence `code` in both languages (`_place_fields`)."""
    w = _words()[code]
    fr, en = _place_fields(fields)
    return Reason(code=code.removesuffix("_one").removesuffix("_asked"),
                  fr=w["fr"].format(**fr), en=w["en"].format(**en))


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value,
                                                                                       bool)


def _count(code: str, n: int, **fields: object) -> Reason:
    """The sentence `code` for a count: its `_one` form when n is 1."""
    return _say(f"{code}_one" if n == 1 and f"{code}_one" in _words() else code, n=n, **fields)


def fr_number(n: float) -> str:
    """18000 -> "18 000" (French digit groups)."""
    return f"{round(n):,}".replace(",", " ")


def en_number(n: float) -> str:
    """18000 -> "18,000" (English digit groups)."""
    return f"{round(n):,}"


@lru_cache(maxsize=256)
def _language_names(code: str) -> tuple[str, str]:
    import pycountry

    lang = pycountry.languages.get(alpha_2=code)
    if lang is None:
        return code, code
    try:
        fr = gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=["fr"]).gettext(
            lang.name)
    except OSError:
        fr = lang.name
    return fr.lower(), lang.name


@lru_cache(maxsize=512)
def _country_names(code: str) -> tuple[str, str]:
    import pycountry

    from jumelage.gazetteer import country_name_fr

    c = pycountry.countries.get(alpha_2=code)
    return country_name_fr(code), (getattr(c, "common_name", None) or c.name) if c else code


def contributions(w: np.ndarray, x: np.ndarray, rows: np.ndarray,
                  others: np.ndarray) -> np.ndarray:
    """(len(rows), len(FAMILIES)): the part of each family in the first-stage score of each
    candidate of `rows`: weights `w` (on `linear_inputs`) times the distance of the candidate's
    inputs from their mean over `others` (bool mask over all rows of x: every place but the
    asking one and its partners, before filters, so a country asked for still counts)."""
    z = linear_inputs(x[rows])
    mean = linear_inputs(x[others]).mean(0) if others.any() else np.zeros(len(FEATURES))
    parts = (z - mean) * w
    out = np.zeros((len(rows), len(FAMILIES)))
    np.add.at(out.T, _FAMILY_OF, parts.T)
    return out


def components(part: np.ndarray, x: np.ndarray) -> dict[str, float | None]:
    """Component scores of one candidate from its family parts (a row of `contributions`) and
    signals (its row of `Signals.compute`): positive parts as shares of their sum, 0 for the
    others, None for a family whose facts are all unknown."""
    positive = np.maximum(part, 0.0)
    total = positive.sum()
    out: dict[str, float | None] = {}
    for j, (family, cols) in enumerate(FAMILIES.items()):
        unknown = all(math.isnan(float(x[COLUMN[c]])) for c in cols)
        out[family] = None if unknown else round(float(positive[j] / total) if total > 0
                                                 else 0.0, 3)
    return out


def _names(g, rows: list[int]) -> Named:
    shown = sorted(rows, key=lambda p: g.names[p])
    return Named(((g.names[p], _country_code(g, p)) for p in shown[:MAX_NAMES]),
                 more=len(shown) > MAX_NAMES)


def _name(g, p: int) -> Named:
    return Named([(g.names[p], _country_code(g, p))])


def _country_code(g, p: int) -> str | None:
    return g.countries[g.country[p]] if g.country[p] >= 0 else None


class _Facts:
    """What the reasons of one candidate c for the query q read, computed once."""

    def __init__(self, sig: Signals, q: int, c: int, x: np.ndarray, distance_km: float) -> None:
        g = self.g = sig.graph
        self.sig, self.q, self.c, self.x, self.km = sig, q, c, x, distance_km
        self.name = _name(g, c)
        self.mine = set(g.partners(q).tolist())
        self.theirs = g.partners(c).tolist()

    def val(self, name: str) -> float:
        return float(self.x[COLUMN[name]])


def _network(f: _Facts) -> list[Reason]:
    common = [p for p in f.theirs if p in f.mine]
    if not common:
        return []
    return [_count("common", len(common), name=f.name, names=_names(f.g, common))]


def _paths(f: _Facts) -> list[Reason]:
    g = f.g
    second = set()
    for p in f.mine:
        second.update(g.partners(p).tolist())
    second -= f.mine | {f.q}
    via = [p for p in f.theirs if p in second]
    if via:
        return [_count("paths3", len(via), name=f.name, names=_names(g, via))]
    if f.val("paths4_damped") > 0:
        return [_say("paths4", name=f.name)]
    return []


def _community(f: _Facts) -> list[Reason]:
    if f.val("same_community") == 1 or f.val("same_community_fine") == 1:
        return [_say("community", name=f.name)]
    if f.val("embedding") >= 0.5:
        return [_say("neighbourhood", name=f.name)]
    return []


def _country(f: _Facts) -> list[Reason]:
    g, out = f.g, []
    cq, cc = g.country[f.q], g.country[f.c]
    if cq < 0 or cc < 0:
        return []
    fr, en = _country_names(g.countries[cc])
    qfr, qen = _country_names(g.countries[cq])
    if cq == cc:
        out.append(_say("same_country", country_fr=fr, country_en=en))
    else:
        n = int(f.sig.country_pairs[cq, cc])
        if n >= 1:
            out.append(_count("country_pairs", n, country_fr=fr, country_en=en,
                              yours_fr=qfr, yours_en=qen))
    there = sum(1 for p in f.mine if g.country[p] == cc)
    if there and cq != cc:
        out.append(_count("your_partners_there", there, country_fr=fr, country_en=en))
    here = sum(1 for p in f.theirs if g.country[p] == cq)
    if here and cq != cc:
        out.append(_count("partners_in_your_country", here, name=f.name, country_fr=qfr,
                          country_en=qen))
    return out


def _area(f: _Facts) -> list[Reason]:
    g, sig, out = f.g, f.sig, []
    dist = sig.distance_km(f.q)
    near = sorted((dist[p], p) for p in f.theirs if dist[p] <= NEAR_KM)
    if near:
        out.append(_say("twinned_near_you", name=f.name, other=_name(g, near[0][1]),
                        km=_km(near[0][0])))
    if f.mine and g.has_coords[f.c]:
        dc = sig.distance_km(f.c)
        close = sorted((dc[p], p) for p in f.mine if dc[p] <= NEAR_KM)
        if close:
            out.append(_say("near_your_partner", name=f.name, other=_name(g, close[0][1]),
                            km=_km(close[0][0])))
    if not out:
        for code, col in (("area_habit", "area_pairs"), ("area_habit_wide", "area_pairs_wide")):
            n = f.val(col)
            if n >= 1:
                out.append(_count(code, int(n), name=f.name))
                break
    return out


def _km(d: float) -> int:
    """A distance as the proposal shows it: rounded to 0.1 km first, then to the km, so that a
    sentence and the table's column say the same number."""
    return round(round(float(d), 1))


def _distance(f: _Facts) -> list[Reason]:
    return [] if math.isnan(f.km) else [_say("distance", km=_km(f.km))]


def _size(f: _Facts) -> list[Reason]:
    """« taille comparable » when both populations are known and within SIZE_RATIO; nothing
    otherwise (a size that differs, or one unknown, is no reason)."""
    pq, pc = int(f.g.population[f.q]), int(f.g.population[f.c])
    if pq > 0 and pc > 0 and max(pq, pc) / min(pq, pc) <= SIZE_RATIO:
        return [_say("size", population=pc)]
    return []


def _partners(f: _Facts) -> list[Reason]:
    n = len(f.theirs)
    return [_count("partners", n, name=f.name)] if n else []


def _capital(f: _Facts) -> list[Reason]:
    """Capitals are towns: a region named like its capital is none."""
    g = f.g

    def capital(i: int) -> bool:
        return bool(g.capital[i]) and PLACE_KINDS[g.kind[i]] in POPULATED_KINDS

    if capital(f.c):
        return [_say("capital")] if capital(f.q) else [_say("capital_only", name=f.name)]
    return []


def _language(f: _Facts) -> list[Reason]:
    g = f.g
    lq = g.language[f.q]
    if lq >= 0 and g.language[f.c] == lq:
        lfr, len_ = _language_names(g.languages[lq])
        return [_say("language", language_fr=lfr, language_en=len_)]
    return []


def _coast(f: _Facts) -> list[Reason]:
    g = f.g
    if not (np.isnan(g.coast[f.q]) or np.isnan(g.coast[f.c])) and g.coast[f.q] == g.coast[f.c]:
        return [_say("coast" if g.coast[f.c] else "inland")]
    return []


def _themes(f: _Facts) -> list[Reason]:
    both = np.minimum(f.g.themes[f.q], f.g.themes[f.c])
    shared = sorted((t for t in THEMES if both[THEME_INDEX[t]] > 0),
                    key=lambda t: -both[THEME_INDEX[t]])
    return [_theme(t, True) for t in shared[:MAX_NAMES]]


def _theme(theme: str, shared: bool) -> Reason:
    """« travaille aussi sur l'eau » (both places work on it) or « travaille sur l'eau » (the
    candidate does, the asking place has nothing recorded on it)."""
    w = _words()["themes"][theme]
    return _say("theme" if shared else "theme_asked", theme_fr=w["fr"], theme_en=w["en"])


def no_other_place(themes: list[str], code: str = "no_other_place") -> Reason:
    """The note of a theme filter no proposal can meet: `no_other_place` (only the asking place
    works on it: « aucun autre lieu ne travaille sur l'eau » / "no other place works on water"),
    `no_place_yet` (no place of the atlas does), `only_partners` (only the asking place's
    current partners do); several themes joined by « ni sur » / "or"."""
    w = _words()
    words = [w["themes"][t] for t in themes]
    join = w["no_other_place"]
    return _say(code,
                theme_fr=join["fr_join"].join(x["fr"] for x in words),
                theme_en=join["en_join"].join(x["en"] for x in words))


def _asked(f: _Facts, themes: list[str]) -> list[Reason]:
    """The themes a theme filter asked for that the candidate works on (the reason it is in
    the list at all)."""
    g = f.g
    return [_theme(t, g.themes[f.q, THEME_INDEX[t]] > 0) for t in themes
            if g.themes[f.c, THEME_INDEX[t]] > 0]


_SPEAKERS: dict[str, Callable[[_Facts], list[Reason]]] = {
    "network": _network, "paths": _paths, "community": _community, "country_habits": _country,
    "area_habits": _area, "distance": _distance, "size": _size, "partners": _partners,
    "capital": _capital, "language": _language, "coast": _coast, "themes": _themes,
}


def reasons(sig: Signals, q: int, c: int, x: np.ndarray, distance_km: float,
            part: np.ndarray, asked_themes: list[str] | tuple[str, ...] = ()) -> list[Reason]:
    """The reasons why place c is proposed to place q: the partners they share first, then the
    family that lifted it most: the sentences of every family with a positive part (`part`: c's
    row of `contributions`),
    or, when none of them can say anything, those of the strongest family that can. With
    `asked_themes` (a theme filter), the themes asked for that c works on come first, always."""
    f = _Facts(sig, q, c, x, distance_km)
    first = _asked(f, list(asked_themes))
    order = sorted(range(len(FAMILIES)), key=lambda j: -part[j])
    families = list(FAMILIES)
    # partners shared with the asking place are said first, whatever the sign of their part: a
    # learned model can weigh the overlapping network features below zero, yet « 2 de vos
    # partenaires sont déjà jumelés avec X » is what a person asks first, and it is true
    out: list[Reason] = _network(f)
    for j in order:
        if part[j] > 0 and families[j] != "network":
            out += _SPEAKERS[families[j]](f)
    for j in order:
        if out or first:
            break
        if families[j] != "distance":
            out += _SPEAKERS[families[j]](f)
    if not out and not first:
        out = _distance(f)
    if all(r.code == "distance" for r in first + out):
        # distance is never the only reason: the strongest other family that can speak too
        for j in order:
            more = [] if families[j] == "distance" else _SPEAKERS[families[j]](f)
            if more:
                out += more
                break
        else:
            if not f.theirs:           # all there is to say beside distance: no partner yet
                out.append(_say("partners_none", name=f.name))
    said = {r.en for r in first}
    return (first + [r for r in out if r.en not in said])[:max(MAX_REASONS, len(first))]
