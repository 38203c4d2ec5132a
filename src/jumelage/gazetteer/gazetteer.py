"""Look up and resolve place mentions of French text against the GeoNames index.

`Gazetteer.resolve("Padoue")` gives Padova (IT, 3171728) with a score; `resolve("Halle",
countries=["DE"])` chooses Halle (Saale) among the Halles; `resolve("Mairie")` gives None. The
index (see `index.py`) is a SQLite file queried by indexed lookups, with LRU caches in front, so a
process holds a few megabytes of it at most. `get_gazetteer()` returns the process-wide instance.

Choosing among homonyms, from strongest to weakest evidence: a country named near the mention
(`countries`, or a parenthesis: "Friedberg (Hesse)", "Nouna (Burkina)"); the distance to a place
the text is about (`near`); a preferred country (`prefer_country`, e.g. the document's own);
then the population, with a bonus for a match on the place's own name rather than an alternate
name and a small bonus for capitals. Regions, French departments and intercommunalities only
win when no city carries the name, or when the mention says so ("Région de Mopti", "Département
de la Creuse", "Rennes Métropole"). With `known=KnownPartners(...)` and `partner_of=` the ids of
the document's other places, a homonym that is their known partner is preferred.

When no name matches as written, the spelling variants are tried (`spelling_variants`:
abbreviations of `data/abbreviations.tsv`, slash qualifiers, Cyrillic transliterations of
`data/transliterations.tsv`), then near-spellings (rapidfuzz ratio >= 90). Helpers read the words
around a mention: `article_form` ("les Herbiers", "du Mans"), `kind_before` ("département de la"),
`prefix_end`, `country_after` ("Ndiob (Sénégal)"), `city_not_country` ("à Québec").
"""
from __future__ import annotations

import math
import re
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz

from jumelage.gazetteer.countries import country_code, country_names, is_demonym
from jumelage.gazetteer.france import PlaceFields
from jumelage.gazetteer.french import (
    ARTICLE_BEFORE, ARTICLE_FORMS, ARTICLES, BODY_WORDS, CONTRACTIONS, COUNTRY_AFTER, COUNTRY_ARTICLE,
    LOWER_LEADING,
)
from jumelage.gazetteer.partners import KnownPartners
from jumelage.gazetteer.index import (
    DATA,
    SOURCE_ALTERNATE,
    SOURCE_CURATED,
    SOURCE_MAIN,
    SOURCE_MAIN_PART,
    ensure_index,
    read_tsv,
)
from jumelage.gazetteer.spelling import looks_capitalised
from jumelage.geo import distance_km
from jumelage.names import name_key
from jumelage.records import Place

MIN_LENGTH = 3          # folded names shorter than this never resolve
MAX_TOKENS = 5          # longest name find_candidates looks for, in words

_SOURCE_BONUS = {SOURCE_MAIN: 0.8, SOURCE_MAIN_PART: 0.6, SOURCE_CURATED: 1.2,
                 SOURCE_ALTERNATE: 0.0}
_SOURCE_QUALITY = {SOURCE_MAIN: 1.0, SOURCE_MAIN_PART: 0.95, SOURCE_CURATED: 1.0,
                   SOURCE_ALTERNATE: 0.85}
# Index features (see index.py) -> record kinds (`records.PLACE_KINDS`). French departments are
# the second level of administration but the first that acts abroad beside regions.
_KIND_OF_FEATURE = {"capital": "city", "department": "region", "epci": "district"}
ADMIN_FEATURES = frozenset({"region", "department", "epci"})
# The French around names (articles, contractions, the words of administrative bodies, a
# country written after a town) is data: `french.py` and data/fr_grammar.json.
COUNTRY_BONUS = 4.0     # a country named in the text: decisive
ADMIN1_BONUS = 2.0      # a region named in the mention: "Friedberg (Hesse)"
PREFER_BONUS = 1.0      # the document's country
NEAR_BONUS = 1.5        # at the `near` point, fading to nothing at NEAR_KM
NEAR_KM = 400.0
CAPITAL_BONUS = 0.3
SPELLING_BONUS = 0.4    # written exactly as GeoNames writes it: "Saint-Cloud", not "Saint Cloud"
REGION_PENALTY = 2.5    # a region competing with cities of the same name
OTHER_KIND_PENALTY = 3.0
FUZZY_PENALTY = 0.5
SMALL_COMMUNE = 2000    # inhabitants: below, an INSEE-only commune never comes from upper-case text
PARTNER_BONUS = 3.0     # a known partner of another place of the document (below a named country)
USUAL_BONUS = 1.5       # no named country has the name: a town where French twinnings usually are
USUAL_COUNTRIES = frozenset(
    code for line in (DATA / "usual_partner_countries.txt").read_text(encoding="utf-8").splitlines()
    if not line.startswith("#") for code in line.split())

_PAREN = re.compile(r"^(?P<base>.*?)\s*[(\[](?P<hint>[^)\]]*)[)\]]\s*$")
_EDGE = re.compile(r"^[^\w(]+|[^\w)\]]+$")
_WORD = re.compile(r"[^\W\d_]+")
_JOIN = re.compile(r"^(?:[ \t\u00a0\u202f]+|[-‐‑'’ʼ]|-[ \t]*\n[ \t]*|[ \t]*\n[ \t]*)$")
_DOT_JOIN = re.compile(r"^\.[ \t\u00a0]?$")
# GeoNames gives overseas France its own country codes; a French text says "France" for them.
_OVERSEAS = {"FR": frozenset("GP MQ GF RE YT PM BL MF PF NC WF".split())}
_SENTENCE_END = frozenset(".!?:;…\n»\"")
# Short words that may sit inside a name: "Villiers-sur-Marne", "Halle an der Saale".
_CONNECTORS = frozenset("""
de du des d la le les l sur sous en lès lez et aux au am an der dem den im in bei ob upon on the
under di del della dello dei degli da do dos das y el al los las s sul sull op aan ter van von zu
zum zur sankt nad pod na
""".split())


@dataclass(frozen=True)
class PlaceMatch:
    """One GeoNames place a mention may name, and how well it fits."""

    geonames_id: int | None     # None for places GeoNames lacks (some refugee camps)
    name: str                   # the GeoNames main name ("Padua" for "Padoue")
    country: str                # ISO 3166-1 alpha-2
    admin1: str                 # GeoNames first-level division code ("" if unknown)
    lat: float
    lon: float
    population: int
    kind: str                   # "city", "region", "district" or "camp"
    matched: str                # the folded name that matched
    score: float                # 0..1: how sure we are this is the place meant
    capital: bool = False
    exact: bool = False         # matched the place's own name, not an alternate name
    kind_named: bool = False    # the mention says what it is: "Région Bretagne", "Rennes Métropole"

    def to_place(self, ref: str, name: str | None = None) -> Place:
        """A `records.Place` for this match, named as the text names it (default: GeoNames)."""
        shown = name or self.name
        return Place(
            ref=ref, name=shown, country=self.country, geonames_id=self.geonames_id,
            lat=self.lat, lon=self.lon, kind=self.kind, population=self.population or None,
            aliases=[self.name] if self.name != shown else [],
        )


MERGED_MIN_LENGTH = 6    # a merged town's first part, folded, at least this long
MERGED_MIN_POPULATION = 5000   # and the merged town this large (« Quatre » is no Quatre-Champs)


@dataclass(frozen=True)
class _Row(PlaceFields):
    source: int


@dataclass(frozen=True)
class _Hint:
    """What a parenthesis after a name says about the place."""

    country: str | None = None
    admin1: frozenset[tuple[str, str]] = frozenset()
    near: tuple[float, float] | None = None


def _read_words(path: Path) -> frozenset[str]:
    """Comma-separated entries, "#" comments: folded."""
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        for entry in line.split("#", 1)[0].split(","):
            if entry.strip():
                words.add(name_key(entry))
    return frozenset(words)


def _read_abbreviations(path: Path) -> dict[tuple[str, ...], tuple[tuple[str, ...], str]]:
    """abbreviations.tsv: folded abbreviation tokens -> (expansions, "word" or "suffix")."""
    table = {}
    for abbreviation, expansions, match, *_ in read_tsv(path):
        table[tuple(abbreviation.split())] = (tuple(expansions.split("|")), match)
    return table


_QUALIFIER_JOINS = ("an der", "am", "an", "in der", "im", "in", "bei", "ob der", "")
MAX_VARIANTS = 64
# Countries whose names French transliterates from Cyrillic ("Tchernihiv", "Jytomyr"): the only
# ones data/transliterations.tsv applies to.
CYRILLIC_COUNTRIES = frozenset("UA RU BY BG KZ UZ KG TJ MD MN RS MK ME BA".split())


def _with_overseas(codes: frozenset[str]) -> frozenset[str]:
    extra = [_OVERSEAS[c] for c in codes if c in _OVERSEAS]
    return codes.union(*extra) if extra else codes


def country_and_territories(code: str) -> frozenset[str]:
    """The GeoNames country codes of places a text (or a list) may file under country `code`:
    `"FR"` -> FR and the overseas codes GeoNames gives (GP, MQ, RE, ...); others: themselves."""
    return _with_overseas(frozenset({code.upper()}))


def _is_title_case(surface: str) -> bool:
    """ "Sens" or "Saint-Dié", not "SENS" nor "sens"."""
    letters = [ch for ch in surface if ch.isalpha()]
    return bool(letters) and letters[0].isupper() and not all(ch.isupper() for ch in letters)


def _starts_sentence(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t\u00a0\"«“(")
    return not before or before[-1] in _SENTENCE_END


class Gazetteer:
    """GeoNames places and their names, for French text. Thread-safe; cheap to query."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = ensure_index(Path(path) if path else None)
        self._con = sqlite3.connect(
            f"file:{self.path}?mode=ro&immutable=1", uri=True, check_same_thread=False
        )
        self._lock = threading.Lock()
        self.stop_words = _read_words(DATA / "fr_stopwords.txt")
        self.title_case_only = _read_words(DATA / "fr_title_case_only.txt")
        self._prefix_kinds = {
            name_key(prefix): kind for prefix, kind, *_ in read_tsv(DATA / "fr_place_prefixes.tsv")
        }
        self._countries = country_names()
        self._abbreviations = _read_abbreviations(DATA / "abbreviations.tsv")
        self._transliterations = sorted(
            ((fr, en) for fr, en, *_ in read_tsv(DATA / "transliterations.tsv")),
            key=lambda rule: -len(rule[0]))
        # Per-instance caches (functools caches on methods would keep instances alive).
        self._rows = lru_cache(maxsize=32768)(self._rows_uncached)
        self._has = lru_cache(maxsize=131072)(self._has_uncached)
        self._merged = lru_cache(maxsize=32768)(self._merged_rows)
        self._resolve_cached = lru_cache(maxsize=16384)(self._resolve)
        self._regions_near = lru_cache(maxsize=8192)(self._regions_near_uncached)

    def close(self) -> None:
        with self._lock:
            self._con.close()

    # -- raw access to the index -------------------------------------------------------------
    def _query(self, sql: str, params: tuple[object, ...]) -> list[tuple]:
        with self._lock:
            return self._con.execute(sql, params).fetchall()

    def _rows_uncached(self, key: str) -> tuple[_Row, ...]:
        rows = self._query(
            "SELECT p.geonames_id, p.name, p.country, p.admin1, p.lat, p.lon, p.population,"
            " p.feature, n.source FROM names n JOIN places p ON p.geonames_id = n.geonames_id"
            " WHERE n.folded_name = ?", (key,))
        return tuple(_Row(*row) for row in rows)

    def _has_uncached(self, key: str) -> int:
        """Best source of any place with this folded name, or -1 when there is none."""
        row = self._query("SELECT min(source) FROM names WHERE folded_name = ?", (key,))
        return -1 if row[0][0] is None else int(row[0][0])

    def _merged_rows(self, key: str) -> tuple[_Row, ...]:
        """A town formed by merging two, named in the text by its first part only (« Mörfelden »
        for Mörfelden-Walldorf, « Villingen » for Villingen-Schwenningen): the one town of the
        index whose own name is the mention, a hyphen, and one more capitalised name, of
        `MERGED_MIN_POPULATION` or more. Nothing when the first part is a name of its own, when
        several towns qualify, or for a short name."""
        if len(key) < MERGED_MIN_LENGTH or " " in key:
            return ()
        found = self._query(
            "SELECT DISTINCT n.geonames_id FROM names n JOIN places p ON p.geonames_id = n.geonames_id"
            " WHERE n.folded_name > ? AND n.folded_name < ? AND p.feature IN ('city', 'capital')"
            " LIMIT 20", (key + " ", key + " \uffff"))
        rows = []
        for (gid,) in found:
            place = self._query("SELECT p.geonames_id, p.name, p.country, p.admin1, p.lat, p.lon,"
                                " p.population, p.feature FROM places p WHERE p.geonames_id = ?", (gid,))
            if not place:
                continue
            name = place[0][1]
            first, _, second = name.partition("-")
            if name_key(first) == key and second[:1].isupper() and "-" not in second and " " not in second \
                    and place[0][6] >= MERGED_MIN_POPULATION:
                rows.append(_Row(*place[0], SOURCE_ALTERNATE))
        return tuple(rows) if len(rows) == 1 else ()

    def _similar_keys(self, key: str, limit: int = 3) -> list[str]:
        """Folded names spelled almost like `key` ("florstad" -> "florstadt")."""
        if len(key) < 6:
            return []
        prefix = key[:4]
        rows = self._query(
            "SELECT DISTINCT folded_name FROM names WHERE folded_name >= ? AND folded_name < ?"
            " LIMIT 5000", (prefix, prefix + "\uffff"))
        scored = [(fuzz.ratio(key, name), name) for (name,) in rows
                  if abs(len(name) - len(key)) <= 2]
        scored.sort(reverse=True)
        return [name for score, name in scored[:limit] if score >= 90]

    def _to_match(self, row: _Row, matched: str, score: float,
                  kind_named: bool = False) -> PlaceMatch:
        kind = _KIND_OF_FEATURE.get(row.feature, row.feature)
        return PlaceMatch(
            geonames_id=row.geonames_id if row.geonames_id > 0 else None, name=row.name,
            country=row.country, admin1=row.admin1, lat=row.lat, lon=row.lon,
            population=row.population, kind=kind, matched=matched, score=round(score, 3),
            capital=row.feature == "capital", exact=row.source in (SOURCE_MAIN, SOURCE_CURATED),
            kind_named=kind_named or (row.feature in ADMIN_FEATURES
                                      and not BODY_WORDS.isdisjoint(matched.split())),
        )

    # -- public API ----------------------------------------------------------------------------
    def lookup(self, name: str) -> list[PlaceMatch]:
        """Every place carrying this name (folded), largest first; no filtering, no context."""
        key = name_key(name)
        rows = sorted(self._rows(key), key=lambda r: (-r.population, r.source))
        return [self._to_match(r, key, 0.0) for r in rows]

    def by_id(self, geonames_id: int) -> PlaceMatch | None:
        """The place with this GeoNames id, if the index has it."""
        rows = self._query(
            "SELECT geonames_id, name, country, admin1, lat, lon, population, feature, 0"
            " FROM places WHERE geonames_id = ?", (int(geonames_id),))
        if not rows:
            return None
        row = _Row(*rows[0])
        return self._to_match(row, name_key(row.name), 1.0)

    def countries_near(self, lat: float, lon: float, km: float) -> frozenset[str]:
        """The countries (ISO alpha-2) of the places within `km` of the point (lat, lon): where a
        point lies, as far as the gazetteer's places tell. Empty far from any place (at sea)."""
        return frozenset(country for country, _ in self.regions_near(lat, lon, km))

    def regions_near(self, lat: float, lon: float, km: float) -> frozenset[tuple[str, str]]:
        """(country, GeoNames admin1 code) of the places within `km` of the point (lat, lon):
        the first-level regions the point lies in or beside."""
        return self._regions_near(round(lat, 2), round(lon, 2), km)

    def _regions_near_uncached(self, lat: float, lon: float,
                               km: float) -> frozenset[tuple[str, str]]:
        dlat = km / 111.0
        dlon = km / max(1.0, 111.0 * math.cos(math.radians(min(89.0, abs(lat)))))
        rows = self._query(
            "SELECT country, admin1, lat, lon FROM places WHERE lat BETWEEN ? AND ? AND lon"
            " BETWEEN ? AND ?", (lat - dlat, lat + dlat, lon - dlon, lon + dlon))
        return frozenset((c, a) for c, a, plat, plon in rows
                         if distance_km((lat, lon), (plat, plon)) <= km)

    def is_place_name(self, name: str) -> bool:
        """Could this capitalised mention name a place? Fast (cached), for every candidate token."""
        if not looks_capitalised(name):
            return False
        return self._key_usable(name_key(name), name)

    def _only_small_insee(self, key: str) -> bool:
        """Every place of this name is a small French commune GeoNames lacks (a synthetic id):
        such names are taken from mixed-case text only, never from an upper-case heading."""
        rows = self._rows(key)
        return bool(rows) and all(r.geonames_id < 0 and r.feature == "city"
                                  and r.population < SMALL_COMMUNE for r in rows)

    def _is_stop(self, key: str) -> bool:
        """A common word, title or adjective, also after an article ("La Ville", "Les Marchés")."""
        if key in self.stop_words or is_demonym(key):
            return True
        head, _, rest = key.partition(" ")
        return head in ARTICLES and (rest in self.stop_words or is_demonym(rest))

    def _key_usable(self, key: str, surface: str) -> bool:
        if len(key) < MIN_LENGTH or self._is_stop(key):
            return False
        if key in self.title_case_only and not _is_title_case(surface):
            return False
        best = self._has(key)
        if best < 0:   # « Mörfelden », written in title case, for Mörfelden-Walldorf
            return _is_title_case(surface) and bool(self._merged(key))
        letters = [ch for ch in surface if ch.isalpha()]
        if len(letters) <= 4 and all(ch.isupper() for ch in letters) and best > SOURCE_MAIN_PART:
            return False  # "ONG", "CGLU": acronyms, unless a place is really called so
        if letters and all(ch.isupper() for ch in letters) and self._only_small_insee(key):
            return False  # "COÛTS LIÉS": a heading's word, not the hamlet of Liés
        code = self._countries.get(key)
        if code is not None:  # "Allemagne" is a country, not Allemagne-en-Provence
            return any(row.country == code or row.source == SOURCE_CURATED
                       for row in self._rows(key))
        return True

    def resolve(
        self,
        name: str,
        countries: Iterable[str] = (),
        near: tuple[float, float] | None = None,
        prefer_country: str | None = None,
        kind: str | None = None,
        fuzzy: bool = True,
        min_score: float = 0.1,
        partner_of: Iterable[int] = (),
        known: KnownPartners | None = None,
    ) -> PlaceMatch | None:
        """The place a mention most likely names, or None when nothing plausible does.

        `countries`: ISO codes (or French names) of countries named near the mention;
        `near`: (lat, lon) of a place the text is about; `prefer_country`: a weaker preference
        (the document's country); `kind`: "city", "region", "district" or "camp" when the text
        says which; `fuzzy`: allow near-spellings ("Florstad") when no name matches exactly;
        `partner_of`: GeoNames ids of the document's other places, and `known`: partnerships
        already known (see `partners.py`): a homonym that is a known partner of one of them wins
        over its namesakes unless a named country says otherwise.
        """
        codes = _with_overseas(frozenset(filter(None, (
            c.upper() if len(c) == 2 and c.isalpha() else country_code(c) for c in countries))))
        near_key = (round(near[0], 2), round(near[1], 2)) if near else None
        others = frozenset(partner_of) if known is not None else frozenset()
        return self._resolve_cached(name.strip(), codes, near_key,
                                    prefer_country.upper() if prefer_country else None,
                                    kind, fuzzy, min_score, others, known if others else None)

    def _resolve(self, mention: str, codes: frozenset[str], near: tuple[float, float] | None,
                 prefer: str | None, kind: str | None, fuzzy: bool,
                 min_score: float, others: frozenset[int] = frozenset(),
                 known: KnownPartners | None = None) -> PlaceMatch | None:
        mention = _EDGE.sub("", mention)
        prefix_kind = None
        hint = _Hint()
        key = name_key(mention)
        if self._has(key) < 0 or not looks_capitalised(mention):
            mention, prefix_kind = self._split_prefix(mention)
            mention, hint = self._split_hint(mention)
            key = name_key(mention)
        if not looks_capitalised(mention):
            return None
        kind = kind or prefix_kind
        near = near or hint.near
        if len(key) < MIN_LENGTH or self._is_stop(key):
            return None
        if key in self.title_case_only and not prefix_kind and not _is_title_case(mention):
            return None
        if not prefix_kind and mention.isupper() and self._only_small_insee(key):
            return None
        rows = self._rows(key)
        fuzzy_match = False
        if not rows and key not in self._countries:
            expanded = set(self.spelling_variants(mention, transliterate=False))
            for variant in self.spelling_variants(mention):   # "Weil a. Rh.", "Tchernihiv"
                if self._is_stop(variant) or self._has(variant) < 0:
                    continue
                found = tuple(r for r in self._rows(variant)
                              if (variant in expanded or r.country in CYRILLIC_COUNTRIES)
                              and (not codes or r.country in codes or r.country == hint.country))
                if found:   # "Kouré" is no transliteration of Kure (Japan)
                    rows, key = found, variant
                    break
        if not rows and key not in self._countries:
            merged = self._merged(key)   # "Mörfelden" for Mörfelden-Walldorf
            if merged:
                rows, key = merged, name_key(merged[0].name)
        if not rows and fuzzy and key not in self._countries:
            for similar in self._similar_keys(key):
                if not self._is_stop(similar):
                    rows, key, fuzzy_match = self._rows(similar), similar, True
                    break
            if codes or hint.country:  # a near-spelling must at least be in the right country
                rows = tuple(r for r in rows if r.country in codes or r.country == hint.country)
        country_of_name = self._countries.get(key)
        if country_of_name is not None:  # "Luxembourg" the city, not Luxembourg in Belgium
            rows = tuple(r for r in rows
                         if r.country == country_of_name or r.source == SOURCE_CURATED)
        if hint.country:  # "Nouna (Burkina Faso)": only there
            rows = tuple(r for r in rows if r.country == hint.country)
        if not rows:
            return None
        spelled = mention.strip().casefold()
        # a named country decides over the prior, when one of the homonyms lies in it
        open_prior = not codes or not any(r.country in codes for r in rows)
        scored = sorted(
            ((self._score(r, codes, near, prefer, kind, hint.admin1, fuzzy_match)
              + (SPELLING_BONUS if r.name.casefold() == spelled else 0.0)
              # « Valencia » where no named country has one: Spain's, not Venezuela's; a name
              # written with accents (« Covè ») is not a usual country's unaccented namesake
              + (USUAL_BONUS if open_prior and not near and r.country in USUAL_COUNTRIES
                 and (spelled.isascii() or r.name.casefold() == spelled) else 0.0)
              + (PARTNER_BONUS if known is not None and (open_prior or r.country in codes)
                 and known.partner_of_any(r.geonames_id, others) else 0.0), r)
             for r in rows),
            key=lambda item: (-item[0], -item[1].population, item[1].geonames_id),
        )
        best_score, best = scored[0]
        total = sum(10 ** (s - best_score) for s, _ in scored)
        confidence = _SOURCE_QUALITY[best.source] / total
        if fuzzy_match:
            confidence *= 0.8
        if best.source == SOURCE_ALTERNATE and best.population < 2000 and best.country not in codes:
            confidence *= 0.7
        if codes and best.country not in codes:  # none in the countries the text names
            confidence *= 0.5
        if confidence < min_score:
            return None
        return self._to_match(best, key, confidence, kind_named=prefix_kind is not None)

    def _score(self, row: _Row, codes: frozenset[str], near: tuple[float, float] | None,
               prefer: str | None, kind: str | None, admin1_hints: frozenset[tuple[str, str]],
               fuzzy_match: bool) -> float:
        score = math.log10(row.population + 10) + _SOURCE_BONUS[row.source]
        row_kind = _KIND_OF_FEATURE.get(row.feature, row.feature)
        if kind and row_kind != kind:
            score -= OTHER_KIND_PENALTY
        elif not kind and row.feature in ADMIN_FEATURES:
            score -= REGION_PENALTY
        if row.feature == "capital":
            score += CAPITAL_BONUS
        if row.country in codes:
            score += COUNTRY_BONUS
        if (row.country, row.admin1) in admin1_hints:
            score += ADMIN1_BONUS
        if prefer and (row.country == prefer or row.country in _OVERSEAS.get(prefer, ())):
            score += PREFER_BONUS
        if near:
            distance = distance_km(near, (row.lat, row.lon))
            score += NEAR_BONUS * max(0.0, 1.0 - distance / NEAR_KM)
        if fuzzy_match:
            score -= FUZZY_PENALTY
        return score

    def _split_hint(self, mention: str) -> tuple[str, _Hint]:
        """Read a parenthesis after the name: a country ("Nouna (Burkina Faso)"), a region
        ("Friedberg (Hesse)") or a larger place nearby ("Keqiao (Shaoxing)")."""
        found = _PAREN.match(mention)
        if not found or self._has(name_key(mention)) >= 0:
            return mention, _Hint()
        base, text = found.group("base"), found.group("hint")
        code = country_code(text)
        if code:
            return base, _Hint(country=code)
        rows = self._rows(name_key(text))
        regions = frozenset((r.country, r.admin1) for r in rows if r.feature == "region")
        if regions:
            return base, _Hint(admin1=regions)
        if rows:
            largest = max(rows, key=lambda r: r.population)
            return base, _Hint(near=(largest.lat, largest.lon))
        return base, _Hint()

    def _split_prefix(self, mention: str) -> tuple[str, str | None]:
        """"la commune rurale de Dianguirdé" -> ("Dianguirdé", "city"); "Région de Mopti" ->
        ("Mopti", "region"). A leading article goes too; names that are whole stay whole."""
        words = list(_WORD.finditer(mention))
        first = 1 if len(words) > 1 and words[0].group().lower() in ARTICLES else 0
        for last in range(min(first + 5, len(words) - 1), first, -1):
            head = name_key(mention[words[first].start():words[last - 1].end()])
            if head in self._prefix_kinds:
                rest = mention[words[last].start():]
                article = CONTRACTIONS.get(head.rsplit(" ", 1)[-1])
                if article and self._has(name_key(article + rest)) >= 0:
                    rest = article + rest   # "commune des Molières" -> "Les Molières"
                return rest, self._prefix_kinds[head]
        if first:
            return mention[words[first].start():], None
        return mention, None

    # -- spelling variants ----------------------------------------------------------------------
    def spelling_variants(self, mention: str, transliterate: bool = True) -> list[str]:
        """Folded keys the mention may be written for, most likely first: abbreviations expanded
        ("Weil a. Rh." -> "weil am rhein"), a qualifier after a slash joined as German names
        join it ("Neustadt/Weinstr." -> "neustadt an der weinstrasse"), French transliterations
        turned into GeoNames' English ones ("Tchernihiv" -> "chernihiv"). At most MAX_VARIANTS."""
        base, slash, qualifier = mention.partition("/")
        heads = self._expand(name_key(base).split())
        out: list[str] = []
        if slash and qualifier.strip():
            tails = self._expand(name_key(qualifier).split())
            for head in heads:
                for tail in tails:
                    for join in _QUALIFIER_JOINS:
                        out.append(" ".join(filter(None, (head, join, tail))))
        else:
            out.extend(heads)
        key = name_key(mention)
        if transliterate:
            out.extend(self._transliterated(key))
        return [v for v in dict.fromkeys(out) if v != key][:MAX_VARIANTS]

    def _variant_usable(self, surface: str) -> bool:
        """An abbreviated or qualified name ("Weil a. Rh", "Neustadt/Weinstr") whose expansion
        is in the index (transliterations are not tried: they are for resolving, not scanning)."""
        return any(self._has(v) >= 0 and not self._is_stop(v)
                   for v in self.spelling_variants(surface, transliterate=False))

    def _expand(self, tokens: list[str]) -> list[str]:
        """Every reading of the abbreviations among `tokens` (the unexpanded one first)."""
        readings: list[list[str]] = [[]]
        i = 0
        while i < len(tokens):
            options = [[tokens[i]]]
            step = 1
            for size in (2, 1):
                entry = self._abbreviations.get(tuple(tokens[i:i + size]))
                if entry and entry[1] == "word" and i + size <= len(tokens):
                    options = [e.split() for e in entry[0]] + [tokens[i:i + size]]
                    step = size
                    break
            else:
                for (abbreviation,), (expansions, match) in (
                        (k, v) for k, v in self._abbreviations.items() if v[1] == "suffix"):
                    word = tokens[i]
                    if word.endswith(abbreviation) and len(word) > len(abbreviation):
                        options = [[word[:-len(abbreviation)] + e] for e in expansions] + options
                        break
            readings = [r + o for r in readings for o in options][:MAX_VARIANTS]
            i += step
        readings.sort(key=lambda r: r == tokens[:len(r)])   # expanded readings first
        return [" ".join(r) for r in readings]

    def _transliterated(self, key: str) -> list[str]:
        """`key` with any subset of the transliteration rules applied (all of them first)."""
        pieces: list[tuple[str, str | None]] = []   # (text, its English form or None)
        i = 0
        while i < len(key):
            for french, english in self._transliterations:
                if key.startswith(french, i):
                    pieces.append((french, english))
                    i += len(french)
                    break
            else:
                pieces.append((key[i], None))
                i += 1
        variants = [""]
        for text, english in pieces:
            if english is None:
                variants = [v + text for v in variants]
            else:
                variants = [v + e for v in variants for e in (english, text)][:MAX_VARIANTS]
        return variants

    # -- reading the words around a mention ---------------------------------------------------
    def article_form(self, text: str, start: int, end: int) -> str | None:
        """The name with the lower-case article or contraction written before it, when that
        makes a name of the index: "les Herbiers" -> "Les Herbiers", "la ville du Mans" ->
        "Le Mans", "la commune des Molières" -> "Les Molières". None otherwise."""
        found = ARTICLE_BEFORE.search(text, max(0, start - 6), start)
        if not found or found.end() != start:
            return None
        article = ARTICLE_FORMS[name_key(found.group("article"))]
        name = article + text[start:end]
        return name if self._has(name_key(name)) >= 0 else None

    def article_belongs(self, name: str) -> bool:
        """Is the article of `name` (an `article_form`) part of the place's own name? Yes for
        a commune (« Les Herbiers », « Le Mans »); no for a department or region the index knows
        with its article only as a variant (« le Finistère », « la Vienne »: Finistère, Vienne)."""
        match = self.resolve(name, fuzzy=False)
        return match is None or match.kind == "city" or name_key(match.name) == name_key(name)

    def prefix_end(self, mention: str) -> int:
        """Where the name starts after a kind word of `data/fr_place_prefixes.tsv` or a
        lower-case article: "district de Vatomandry" -> 12, "la commune des Molières" -> 16,
        "du Havre" -> 3; 0 when none."""
        words = list(_WORD.finditer(mention))
        first = 1 if len(words) > 1 and words[0].group().lower() in ARTICLES else 0
        for last in range(min(first + 5, len(words) - 1), first, -1):
            if name_key(mention[words[first].start():words[last - 1].end()]) in self._prefix_kinds:
                return words[last].start()
        if len(words) > 1 and words[0].group() in LOWER_LEADING:
            return words[1].start()
        return 0

    def country_after(self, text: str, end: int) -> str | None:
        """The country the text gives a name right after it: "Ndiob (Sénégal)", "Ndiob, au
        Sénégal", "Ndiob en Mauritanie", "Ndiob – Sénégal". The code, or None."""
        found = COUNTRY_AFTER.match(text, end)
        if not found:
            return None
        words = found.group("words").split()
        for size in range(len(words), 0, -1):   # "Burkina Faso et le Mali" -> "Burkina Faso"
            code = country_code(" ".join(words[:size]).rstrip(",.;:"))
            if code:
                return code
        return None

    def city_not_country(self, text: str, start: int, end: int) -> bool:
        """A country's (or province's) name used for its city of the same name: "à Québec",
        "le jumelage Québec-Namur", "la ville de Luxembourg" - not "au Québec", "le
        Luxembourg". True only when that country has a town of 10,000 or more of this name
        and no article or "au", "en", "du" stands before it."""
        name = text[start:end]
        code = self._countries.get(name_key(name))
        if code is None or COUNTRY_ARTICLE.search(text, max(0, start - 5), start):
            return False
        return any(r.country == code and r.population >= 10_000 and r.feature in ("city", "capital")
                   for r in self._rows(name_key(name)))

    def kind_before(self, text: str, start: int) -> str | None:
        """The kind a word before the mention gives it ("département de la Creuse",
        "région Bretagne", "la commune des Molières"), from `data/fr_place_prefixes.tsv`."""
        words = name_key(text[max(0, start - 45):start]).split()
        while words and words[-1] in ARTICLES:       # "département de la" -> "département de"
            words.pop()
        for size in range(min(5, len(words)), 0, -1):
            kind = self._prefix_kinds.get(" ".join(words[-size:]))
            if kind:
                return kind
        return None

    # -- scanning text -------------------------------------------------------------------------
    def find_candidates(self, text: str) -> list[tuple[int, int, str]]:
        """Capitalised word sequences of `text` (up to 5 words) that name a place in the index.

        Returns `(start, end, surface)` spans, longest match first, without overlaps:
        "Villiers-sur-Marne", "Brandebourg-sur-la-Havel", "Bishop’s Stortford" come out whole.
        """
        words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
        found: list[tuple[int, int, str]] = []
        i = 0
        while i < len(words):
            start = words[i][0]
            if not text[start].isupper():
                i += 1
                continue
            ends = self._sequence_ends(text, words, i)
            hit: tuple[int, str | None] | None = None
            for j in reversed(ends):
                surface = text[start:words[j][1]]
                key = name_key(surface)
                if j > i and (key in self._countries or is_demonym(key)):
                    hit = (j, None)  # "Grande-Bretagne": a country, not the region Bretagne
                    break
                if key in self.title_case_only and _starts_sentence(text, start):
                    continue
                if self._key_usable(key, surface) or (
                        j > i and ("." in surface or "/" in surface)
                        and self._variant_usable(surface)):
                    hit = (j, surface)
                    break
            if hit is None:
                i += 1
                continue
            j, name = hit
            if name is not None:
                found.append((start, words[j][1], name))
            i = j + 1
        return found

    def _sequence_ends(self, text: str, words: list[tuple[int, int]], i: int) -> list[int]:
        """Indexes j >= i such that words i..j may form one name: joined by spaces, hyphens or
        apostrophes; each word capitalised, or hyphenated, or a short connector ("sur", "an")
        that cannot end the name."""
        ends = [i]
        for j in range(i + 1, min(i + MAX_TOKENS, len(words))):
            gap = text[words[j - 1][1]:words[j][0]]
            previous = name_key(text[words[j - 1][0]:words[j - 1][1]])
            abbreviation = _DOT_JOIN.match(gap) and (  # "St. Gallen", "Weil a. Rh."
                previous in ("saint", "sainte") or (previous,) in self._abbreviations)
            qualifier = gap == "/"                     # "Neustadt/Weinstr.", "Halle/Saale"
            if not (_JOIN.match(gap) or abbreviation or qualifier):
                break
            word = text[words[j][0]:words[j][1]]
            hyphenated = gap[:1] in ("-", "‐", "‑")
            if word[0].isupper() or hyphenated:  # "Pléneuf Val-andré" as some sites write it
                ends.append(j)
            elif word.lower() not in _CONNECTORS and (name_key(word),) not in self._abbreviations:
                break
        return ends


_INSTANCE: Gazetteer | None = None
_INSTANCE_LOCK = threading.Lock()


def get_gazetteer() -> Gazetteer:
    """The process-wide gazetteer (its index is built on first use, about ten seconds)."""
    global _INSTANCE
    if _INSTANCE is None:
        with _INSTANCE_LOCK:
            if _INSTANCE is None:
                _INSTANCE = Gazetteer()
    return _INSTANCE
