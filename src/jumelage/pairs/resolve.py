"""Resolve a city of a twin-city list (English name, ISO country, maybe coordinates) to GeoNames.

Lists such as Wikipedia's write names with qualifiers: « Friedberg, Hesse », « Kętrzyn (rural
gmina) », « Laiwu (Jinan) », « Yerevan – Davtashen » (a district of a city), « Biel/Bienne ». The
gazetteer of extraction (`jumelage.gazetteer`, the same name key) is asked about each spelling
the name allows, in this order:
1. the name as written; a parenthesis is read by the gazetteer itself (a region, a larger place
   nearby, a country) and a word it does not know (« rural gmina ») is set aside;
2. « A, B » as « A (B) »; « A – B » as « B (A) », the district B near the city A (never the city
   A itself: a district's twinnings are not its city's); « A/B » as A, then B.
A qualifier naming an administrative unit (`data/en_admin_units.tsv`: « (rural gmina) »,
« County », « Province ») is read too: a first-level division is looked up as a region; a smaller
unit (a gmina, a county, a district) is not the town that shares its name, and the gazetteer does
not hold it, so it stays unresolved and is stored, as the list gives it, with the place kind
"district" (`records.PLACE_KINDS`: an administrative unit below a region, or a part of a city).
Only places in the given country (or, for France, its overseas territories) count. Among them:
- with coordinates: the nearest place within `NEAR_KM` wins, so homonyms (the Springfields of one
  country) are told apart by where the list puts them. When none is that near, the nearest is
  still taken, with a `doubt` noted, if it lies within `MAX_KM` and is the only place of that
  name in the country or every other one is `CLEAR_RATIO` times farther. A place farther than
  `MAX_KM` from the list's coordinates is a homonym, not the place meant (« Minami » is not the
  Hiwasaura of the other end of Japan): it is refused, with the reason, and the city is stored
  as the list gives it. Two things vouch for a far place all the same: a qualifier naming its
  region (« Friedberg, Bavaria »: lists sometimes give homonyms one point), and coordinates that
  are not in the given country at all (« Ipswich, Australia » placed in England), which then say
  nothing of which place is meant: the only place of that name is taken, with a doubt; and a
  town of `BIG_TOWN` inhabitants or more, the only place of the country with that name as its
  own (not an alternate) name (« Overland Park » placed 1,500 km off): the coordinates are
  wrong, not the name;
- a qualifier that tells homonyms apart (« Lengnau, Bern », « Lengnau, Aargau ») is trusted over
  coordinates: a region always; another qualifier (a town nearby), which the gazetteer weighs
  with populations, within `NEAR_KM`, or within `MAX_KM` when no homonym lies within `NEAR_KM`
  (« Doksy (Kladno District) » is the Doksy at the coordinates, not the larger one 66 km away);
- without coordinates: the gazetteer's choice (its weighing of population, capitals, names).
A cell may name one place two ways, the place and what contains it: « B (A) », « A – B »,
« Vienna 1 – Innere Stadt ». It resolves to one place: the spellings above, then, when a
qualifier rules every candidate out (« Koptevo (Moscow) »: GeoNames files Koptevo under the
city of Moscow, not the region), B alone if it lies within `NEAR_KM` of the list's coordinates.
It never resolves to its container A (« Gulou (Fuzhou) » is not Fuzhou, whose GeoNames entry
also carries the name Gulou). When A is a town of `DISTRICT_CITY_POP` inhabitants or more
within `NEAR_KM` of B, B is a district of it (kind "district": « Berlin – Mitte », « Setagaya
(Tokyo) »); a B the gazetteer does not hold is stored as the list gives it, as a district when
A is a town near the list's coordinates (« Stari Grad (Sarajevo) »; a trailing number of A,
« Budapest I – Budavár », « Vienna 23 – Liesing », is set aside to find the town).
A list names towns: unless the row's qualifier names an administrative unit, a populated place
(GeoNames feature class P: `POPULATED_KINDS`) is preferred to an administrative unit of the
same name (the region of Riga, the municipality of Novo Mesto, whose centres lie as close to
the list's coordinates as the town's): the towns are decided on first, as above, and a unit is
only taken when no town carries the name (« Val-de-Marne »), or when no town of that name is
taken and the unit is within `NEAR_KM` (« Jalisco », the state, beside the village of
Xalisco, far away). A town more than `MAX_KM` away is still taken, with a doubt, when the list's
coordinates lie in the first-level region that bears its name and holds it (« Amapá », put at
a point of Amapá state 185 km from the town): the list placed the region, it meant the town.
A region named with its unit word (« Lviv Oblast ») keeps the list's name, the GeoNames name
(« Lviv ») becoming an alias, so that it is not shown as a second « Lviv » beside the city.
An unresolved city gets a reason in plain words, for the import's report.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from jumelage.gazetteer import Gazetteer, PlaceMatch, country_and_territories
from jumelage.gazetteer.index import read_tsv
from jumelage.geo import distance_km
from jumelage.names import name_key

NEAR_KM = 50.0      # a place this close to the list's coordinates is the one meant
MAX_KM = 100.0      # farther, a place is a homonym, not the one meant (unless vouched for)
CLEAR_RATIO = 4.0   # between the two, the nearest is taken when all the others are this many
#                     times farther (or when it is the only one of the country)
DISTRICT_CITY_POP = 100_000  # « A – B », « B (A) »: B near a town A this big is a district of A
BIG_TOWN = 100_000  # the only place of a name (its own), this big: the one meant, however far
# place kinds (`records.PLACE_KINDS`) of populated places; "region" (regions, French
# departments) and "district" (French intercommunalities, counties, gminas, city districts)
# are administrative units
POPULATED_KINDS = frozenset({"city", "camp"})
DISTRICT = "district"
ADMIN_UNITS = Path(__file__).with_name("data") / "en_admin_units.tsv"

_COMMA = re.compile(r"^(?P<base>[^,()]+?)\s*,\s*(?P<hint>[^,()]+)$")
_DASH = re.compile(r"^(?P<city>.+?)\s+[–—-]\s+(?P<part>.+)$")
_PAREN = re.compile(r"\s*\([^)]*\)\s*$")
_QUALIFIED = re.compile(r"^(?P<base>[^,()]+?)\s*(?:\((?P<p>[^)]*)\)|,\s*(?P<c>[^,()]+))\s*$")
_NUMBERED = re.compile(r"^(?P<town>.*\S)\s+(?:\d+|[IVXLC]+)\.?$")   # « Vienna 23 », « Budapest XV »


@dataclass(frozen=True)
class Resolution:
    """The GeoNames place a listed city names (`match`), or None with the `reason`."""

    match: PlaceMatch | None
    reason: str | None = None          # why there is no match
    distance_km: float | None = None   # from the list's coordinates, when both are known
    doubt: str | None = None           # why a match may be wrong (far from the coordinates)
    alias: str | None = None           # the GeoNames name, when `match` carries the list's
    kind: str | None = None            # the place kind to store when it is not `match.kind`
    #                                    (a district), or that of a city stored unresolved


@lru_cache(maxsize=1)
def admin_units() -> dict[str, str]:
    """Name key of an administrative-unit word -> "region" or "unit" (see the data file)."""
    return {name_key(word): what for word, what, *_ in read_tsv(ADMIN_UNITS)}


def admin_unit(name: str) -> tuple[str, str, str] | None:
    """`(what, word, bare name)` when `name` carries an administrative-unit qualifier:
    `"Kętrzyn (rural gmina)"` -> `("unit", "rural gmina", "Kętrzyn")`, `"Chiba Prefecture"` ->
    `("region", "prefecture", "Chiba")`; None otherwise."""
    units = admin_units()
    qualified = _QUALIFIED.match(name)
    if qualified:
        word = name_key(qualified["p"] or qualified["c"] or "")
        if word in units:
            return units[word], word, qualified["base"].strip()
    words = _PAREN.sub("", name).split()   # « Doksy (Kladno District) » is the town Doksy
    for size in (3, 2, 1):
        if len(words) > size and name_key(" ".join(words[-size:])) in units:
            word = name_key(" ".join(words[-size:]))
            return units[word], word, " ".join(words[:-size])
    return None


def spellings(name: str) -> list[str]:
    """The forms of a listed name to look up, best first (see the module docstring)."""
    name = " ".join(name.split())
    forms = [name]
    comma = _COMMA.match(name)
    if comma:
        forms.append(f"{comma['base']} ({comma['hint']})")
    dash = _DASH.match(name)
    if dash:
        forms.append(f"{dash['part']} ({dash['city']})")
        forms.append(dash["part"])
    if "/" in name and "(" not in name:
        forms.extend(part.strip() for part in name.split("/") if part.strip())
    return list(dict.fromkeys(forms))


def parts(name: str) -> tuple[str, str] | None:
    """`(container, part)` when a listed name is a place and what contains it: « A – B » and
    « B (A) » -> (A, B); None otherwise (« A, B » names a region, « A/B » two spellings)."""
    name = " ".join(name.split())
    dash = _DASH.match(name)
    if dash:
        return dash["city"], dash["part"]
    qualified = _QUALIFIED.match(name)
    if qualified and qualified["p"]:
        return qualified["p"].strip(), qualified["base"].strip()
    return None


class CityResolver:
    """Resolves listed cities with one gazetteer; results are cached (lists repeat cities)."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gaz = gazetteer
        self.resolve = lru_cache(maxsize=65536)(self._resolve)  # type: ignore[method-assign]

    def _candidates(self, forms: list[str], allowed: frozenset[str],
                    near: tuple[float, float] | None,
                    kind: str | None
                    ) -> tuple[list[PlaceMatch], PlaceMatch | None, bool, bool]:
        """Places of the allowed countries (and of `kind`, if given) that the first fruitful
        spelling names, the gazetteer's own first choice among them, whether that spelling
        carried a qualifier (then the choice has read it: « Lengnau (Bern) »), and whether the
        qualifier named a region every candidate lies in (it vouches for them)."""
        for form in forms:
            found: dict[int | None, PlaceMatch] = {}
            qualified = "(" in form
            pick = self.gaz.resolve(form, countries=sorted(allowed), near=near, kind=kind,
                                    fuzzy=False, min_score=0.0)
            if pick is not None and pick.country in allowed and kind in (None, pick.kind):
                found[pick.geonames_id] = pick
            for m in self.gaz.lookup(_PAREN.sub("", form) or form):
                if m.country in allowed and kind in (None, m.kind):
                    found.setdefault(m.geonames_id, m)
            hinted = _QUALIFIED.match(form)
            regions = self._regions(hinted["p"] or hinted["c"], allowed) if hinted else set()
            if regions:  # « Lengnau (Aargau) »: only a Lengnau of Aargau will do
                found = {g: m for g, m in found.items() if (m.country, m.admin1) in regions}
            if found:
                choice = pick if pick and pick.geonames_id in found else None
                return list(found.values()), choice, qualified, bool(regions)
        return [], None, False, False

    def _regions(self, hint: str, allowed: frozenset[str]) -> set[tuple[str, str]]:
        """(country, admin1) of the first-level regions of the allowed countries named `hint`."""
        return {(m.country, m.admin1) for m in self.gaz.lookup(hint)
                if m.kind == "region" and m.country in allowed}

    def _resolve(self, name: str, country: str | None,
                 coords: tuple[float, float] | None) -> Resolution:
        name = " ".join(name.split())
        if not name:
            return Resolution(None, "no name")
        if not country:
            return Resolution(None, "no country given")
        unit = admin_unit(name)
        if unit is not None and unit[0] == "unit":
            return Resolution(None, f"an administrative unit ({unit[1]}), which the gazetteer"
                                    " does not hold", kind=DISTRICT)
        found = self._named(name, country, coords, unit)
        split = parts(name) if unit is None else None
        if split is None:
            return found
        return self._part_of(found, split, country, coords)

    def _named(self, name: str, country: str, coords: tuple[float, float] | None,
               unit: tuple[str, str, str] | None) -> Resolution:
        """The place the spellings of `name` name (the module docstring), before « A – B »
        and « B (A) » are read as a place and its container."""
        forms, kind = ([unit[2]], "region") if unit is not None else (spellings(name), None)
        allowed = country_and_territories(country)
        candidates, choice, qualified, vouched = self._candidates(forms, allowed, coords, kind)
        what = "region" if kind else "place"
        if not candidates:
            return Resolution(None, f"no {what} named so in {country} in the gazetteer")
        if kind is None:   # the row names a town: towns before units of the same name
            found = self._town_first(candidates, choice, qualified, vouched, coords, country)
        else:
            found = self._decide(candidates, choice, qualified, vouched, coords, country, what)
        if found.match is not None and unit is not None and found.match.kind not in \
                POPULATED_KINDS:   # « Lviv Oblast » stays so named, « Lviv » an alias
            found = replace(found, match=replace(found.match, name=name),
                            alias=found.match.name)
        return found

    def _container(self, container: str, country: str,
                   coords: tuple[float, float] | None) -> PlaceMatch | None:
        """The town A of « A – B » or « B (A) », if the gazetteer knows it as a town (« Vienna
        23 » as Vienna)."""
        numbered = _NUMBERED.match(container)
        for form in dict.fromkeys((container, numbered["town"] if numbered else container)):
            found = self.resolve(form, country, coords)
            if found.match is not None and found.match.kind in POPULATED_KINDS:
                return found.match
        return None

    def _part_of(self, found: Resolution, split: tuple[str, str], country: str,
                 coords: tuple[float, float] | None) -> Resolution:
        """One place for a cell that names a place B and its container A (the module
        docstring): never A itself, B alone when a qualifier ruled it out but it lies at the
        coordinates, and the kind "district" for a part of a large town."""
        container, part = split
        town = self._container(container, country, coords)
        if found.match is None and coords is not None and "(" not in part:
            alone = self.resolve(part, country, coords)
            if alone.match is not None and alone.distance_km is not None \
                    and alone.distance_km <= NEAR_KM:
                found = alone
        if found.match is not None and town is not None \
                and name_key(part) != name_key(container) \
                and (found.match.geonames_id == town.geonames_id
                     or name_key(found.match.name) == name_key(container)):
            found = Resolution(None, f"a part of {town.name} (GeoNames {town.geonames_id}),"
                                     " which the gazetteer does not hold as a place of its own",
                               kind=DISTRICT)
        if found.match is None:
            near = town is not None and (coords is None or distance_km(
                coords, (town.lat, town.lon)) <= NEAR_KM)
            return replace(found, kind=DISTRICT) if near else found
        if town is not None and town.geonames_id != found.match.geonames_id \
                and town.population >= DISTRICT_CITY_POP and found.match.kind in POPULATED_KINDS \
                and distance_km((town.lat, town.lon), (found.match.lat, found.match.lon)) \
                <= NEAR_KM:
            return replace(found, kind=DISTRICT)
        return found

    def _town_first(self, candidates: list[PlaceMatch], choice: PlaceMatch | None,
                    qualified: bool, vouched: bool, coords: tuple[float, float] | None,
                    country: str) -> Resolution:
        """A row that names no unit means a town: its populated places are decided on first
        (`_decide`), and an administrative unit of the same name is only taken when none of
        them is taken (or only one more than `MAX_KM` away) while the unit is within
        `NEAR_KM`."""
        towns = [m for m in candidates if m.kind in POPULATED_KINDS]
        units = [m for m in candidates if m.kind not in POPULATED_KINDS]
        if not towns or not units:
            return self._decide(candidates, choice, qualified, vouched, coords, country,
                                "place")
        found = self._decide(towns, choice if choice in towns else None, qualified, vouched,
                             coords, country, "place")
        if found.match is not None and (found.distance_km is None
                                        or found.distance_km <= MAX_KM):
            return found
        near = [m for m in units if coords is not None
                and distance_km(coords, (m.lat, m.lon)) <= NEAR_KM]
        if near:
            return self._decide(near, choice if choice in near else None, qualified, vouched,
                                coords, country, "region")
        if found.match is None and coords is not None:
            # the list put the town at a point of the region that bears its name (« Amapá »
            # placed in Amapá state, far from the town): the town of that region is meant
            named = {(u.country, u.admin1) for u in units if u.kind == "region" and u.admin1}
            inside = named & self.gaz.regions_near(coords[0], coords[1], NEAR_KM)
            mine = [t for t in towns if (t.country, t.admin1) in inside]
            if len(mine) == 1:
                gap = distance_km(coords, (mine[0].lat, mine[0].lon))
                return Resolution(mine[0], distance_km=round(gap, 1),
                                  doubt=f"{gap:.0f} km from the given coordinates, which lie in "
                                        "the region of the same name: the town of that region")
        return found

    def _decide(self, candidates: list[PlaceMatch], choice: PlaceMatch | None, qualified: bool,
                vouched: bool, coords: tuple[float, float] | None, country: str,
                what: str) -> Resolution:
        """The candidate the coordinates, the qualifier or the gazetteer point to, or none
        (a reason given): never one more than `MAX_KM` from the coordinates unless a region
        qualifier vouches for it or the coordinates lie outside the country."""
        if coords is None:
            return Resolution(choice or max(candidates, key=lambda m: (
                m.kind in POPULATED_KINDS, m.population)))
        ranked = sorted(((distance_km(coords, (m.lat, m.lon)), m) for m in candidates),
                        key=lambda dm: (dm[0], -dm[1].population))
        distance, nearest = ranked[0]
        if qualified and choice is not None and len(ranked) > 1:
            # the qualifier tells homonyms apart better than coordinates, which lists sometimes
            # share between them (« Lengnau, Bern » and « Lengnau, Aargau »)
            gap = distance_km(coords, (choice.lat, choice.lon))
            # a qualifier naming no region (« Doksy (Kladno District) », which the gazetteer
            # sets aside) does not beat a homonym at the coordinates
            if vouched or gap <= NEAR_KM or (gap <= MAX_KM and distance > NEAR_KM):
                return Resolution(choice, distance_km=round(gap, 1), doubt=None if gap <= NEAR_KM
                                  else f"chosen by its qualifier, {gap:.0f} km from the given "
                                       "coordinates")
        if distance <= NEAR_KM:
            return Resolution(nearest, distance_km=round(distance, 1))
        far = f"{distance:.0f} km from the given coordinates"
        if vouched:
            return Resolution(nearest, distance_km=round(distance, 1),
                              doubt=f"chosen by its qualifier, {far}")
        if distance > MAX_KM:
            elsewhere = self._elsewhere(coords, country)
            if elsewhere and len(ranked) == 1:
                return Resolution(nearest, distance_km=round(distance, 1),
                                  doubt=f"the only {what} named so in {country}, {far}, which "
                                        f"lie in {elsewhere}, not in {country}")
            if len(ranked) == 1 and nearest.exact and nearest.population >= BIG_TOWN:
                return Resolution(nearest, distance_km=round(distance, 1),
                                  doubt=f"the only {what} named so in {country}, a town of "
                                        f"{nearest.population:,} inhabitants, {far}: the "
                                        "coordinates are taken to be wrong")
            which = (f"the only {what} named so in {country}, " if len(ranked) == 1 else
                     f"{len(ranked)} {what}s named so in {country}, none within "
                     f"{NEAR_KM:.0f} km of the given coordinates: the nearest, ")
            return Resolution(None, f"{which}{nearest.name} (GeoNames {nearest.geonames_id}), "
                                    f"is {far}, more than {MAX_KM:.0f} km: a homonym, not the "
                                    "place meant", round(distance, 1))
        if len(ranked) == 1:
            return Resolution(nearest, distance_km=round(distance, 1),
                              doubt=f"the only {what} named so in {country}, but {far}")
        if ranked[1][0] >= CLEAR_RATIO * distance:
            return Resolution(nearest, distance_km=round(distance, 1),
                              doubt=f"the nearest of {len(ranked)} {what}s named so in "
                                    f"{country}, but {far}")
        return Resolution(None, f"{len(ranked)} {what}s named so in {country}, none within "
                                f"{NEAR_KM:.0f} km of the given coordinates (the nearest, "
                                f"{nearest.name}, GeoNames {nearest.geonames_id}, is {far})",
                          round(distance, 1))

    def _elsewhere(self, coords: tuple[float, float], country: str) -> str:
        """The countries the list's coordinates lie in when none is `country` (« GB » for an
        Australian Ipswich placed in England), else "": then they say nothing of which place
        of `country` is meant."""
        near = self.gaz.countries_near(coords[0], coords[1], MAX_KM)
        if not near or near & country_and_territories(country):
            return ""
        return ", ".join(sorted(near))
