"""Turn the signals of one proposed place into component scores and reasons people can read.

Components are each signal family squashed to 0..1 (None when a fact is unknown), so a page can
draw them as bars; they explain the score, they do not make it (the model does). Reasons are
sentences in French and English, worded in `data/reasons.json`, only for signals strong enough
to matter: partners in common, links of length three, partners near the asking place, the
habits of the two countries, comparable size, capitals, language, coast and shared themes.
"""
from __future__ import annotations

import gettext
import json
import math
from functools import lru_cache
from pathlib import Path

import numpy as np

from jumelage.match.graph import THEME_INDEX
from jumelage.match.signals import COLUMN, Signals
from jumelage.records import THEMES, Reason

DATA = Path(__file__).with_name("data") / "reasons.json"
SIZE_RATIO = 1.6          # "comparable size": populations within this ratio of each other
HABIT_SHARE = 0.05        # a country habit worth saying: this share of the country's twinnings
NEAR_KM = 100.0           # a partner of the candidate "near you", or the candidate near yours
SHOW_DISTANCE_KM = 1500.0
MAX_NAMES = 3


@lru_cache(maxsize=1)
def _words() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def _say(code: str, **fields: object) -> Reason:
    w = _words()[code]
    return Reason(code=code.removesuffix("_one"), fr=w["fr"].format(**fields),
                  en=w["en"].format(**fields))


def fr_number(n: float) -> str:
    """18000 -> "18 000" (French digit groups)."""
    return f"{round(n):,}".replace(",", " ")


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


def _val(x: np.ndarray, name: str) -> float:
    return float(x[COLUMN[name]])


def _known(v: float) -> float | None:
    return None if math.isnan(v) else round(v, 3)


def components(x: np.ndarray, distance_km: float) -> dict[str, float | None]:
    """Signal families of one candidate (its row of `Signals.compute`) squashed to 0..1."""
    v = lambda name: _val(x, name)  # noqa: E731
    network = 1 - math.exp(-(0.7 * v("common") + 0.05 * v("paths3")))
    area = np.nan_to_num([v("twinned_near_you"), v("partners_in_your_area_wide"),
                          v("area_pairs_wide")])
    return {
        "network": round(network, 3),
        "community": _known(v("same_community") * max(v("embedding"), 0.0)),
        "country_habits": _known(v("country_habit")),
        "area_habits": round(1 - math.exp(-(area[0] + 0.5 * area[1] + 0.05 * area[2])), 3),
        "distance": _known(math.exp(-distance_km / 1500.0)),
        "size": _known(math.exp(-2.0 * v("pop_gap"))),
        "capital": _known(v("both_capital")),
        "language": _known(v("same_language")),
        "coast": _known(v("same_coast")),
        "themes": round(v("themes"), 3),
    }


def reasons(sig: Signals, q: int, c: int, x: np.ndarray, distance_km: float) -> list[Reason]:
    """The reasons, strongest first, why place c is proposed to place q."""
    g = sig.graph
    name = g.names[c]
    out: list[Reason] = []
    mine = set(g.partners(q).tolist())
    theirs = g.partners(c).tolist()
    common = [g.names[p] for p in theirs if p in mine]
    if common:
        shown = ", ".join(sorted(common)[:MAX_NAMES]) + ("…" if len(common) > MAX_NAMES else "")
        out.append(_say("common_one" if len(common) == 1 else "common", n=len(common),
                        name=name, names=shown))
    elif _val(x, "paths3") >= 1:
        n = int(_val(x, "paths3"))
        out.append(_say("paths3_one" if n == 1 else "paths3", n=n, name=name))
    dist = sig.distance_km(q)
    near = sorted((dist[p], p) for p in theirs if dist[p] <= NEAR_KM)
    if near:
        out.append(_say("twinned_near_you", name=name, other=g.names[near[0][1]],
                        km=fr_number(near[0][0])))
    if mine and g.has_coords[c]:
        dc = sig.distance_km(c)
        close = sorted((dc[p], p) for p in mine if dc[p] <= NEAR_KM)
        if close:
            out.append(_say("near_your_partner", name=name, other=g.names[close[0][1]],
                            km=fr_number(close[0][0])))
    area = _val(x, "area_pairs")
    if not near and area >= 2:
        out.append(_say("area_habit", n=int(area), name=name))
    cq, cc = g.country[q], g.country[c]
    if cq >= 0 and cc >= 0:
        fr, en = _country_names(g.countries[cc])
        share = _val(x, "country_habit")
        if cq == cc:
            out.append(_say("same_country", country_fr=fr, country_en=en))
        elif share >= HABIT_SHARE:
            out.append(_say("country_habit", pct=round(100 * share), country_fr=fr,
                            country_en=en))
    if not common and _val(x, "same_community") == 1 and _val(x, "embedding") > 0.5:
        out.append(_say("community"))
    pq, pc = g.population[q], g.population[c]
    if pq > 0 and pc > 0 and max(pq, pc) / min(pq, pc) <= SIZE_RATIO:
        out.append(_say("size", population=fr_number(pc)))
    if g.capital[q] and g.capital[c]:
        out.append(_say("capital"))
    lq = g.language[q]
    if lq >= 0 and g.language[c] == lq and cq != cc:
        lfr, len_ = _language_names(g.languages[lq])
        out.append(_say("language", language_fr=lfr, language_en=len_))
    if not (np.isnan(g.coast[q]) or np.isnan(g.coast[c])) and g.coast[q] == g.coast[c]:
        out.append(_say("coast" if g.coast[c] else "inland"))
    both = np.minimum(g.themes[q], g.themes[c])
    shared = sorted((t for t in THEMES if both[THEME_INDEX[t]] > 0),
                    key=lambda t: -both[THEME_INDEX[t]])
    for t in shared[:MAX_NAMES]:
        w = _words()["themes"][t]
        out.append(_say("theme", theme_fr=w["fr"], theme_en=w["en"]))
    if not math.isnan(distance_km) and distance_km <= SHOW_DISTANCE_KM:
        out.append(_say("distance", km=fr_number(distance_km)))
    return out
