"""Countries in French: names and adjectives to ISO codes, and codes to French names.

`country_code("Allemagne")`, `country_code("allemande")` and `country_code("des États-Unis")`
give `"DE"`, `"DE"` and `"US"`. The names come from `data/fr_countries.tsv` (generated from
pycountry plus a hand-written list, see `gen_countries.py`), the adjectives and demonyms from
`data/fr_demonyms.tsv`. Both are small and loaded once per process.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from jumelage.gazetteer.french import COUNTRY_LEADING, INCLUSIVE_ENDING
from jumelage.names import name_key

DATA = Path(__file__).with_name("data")



def _rows(path: Path) -> list[list[str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


def _plural(word: str) -> str:
    return word if word.endswith(("s", "x")) else word + "s"


@lru_cache(maxsize=1)
def _names() -> tuple[dict[str, str], dict[str, str]]:
    """(folded country name -> code, code -> French name to display)."""
    by_name: dict[str, str] = {}
    display: dict[str, str] = {}
    for name, code, *_ in _rows(DATA / "fr_countries.tsv"):
        by_name.setdefault(name_key(name), code)
        display.setdefault(code, name)
    return by_name, display


@lru_cache(maxsize=1)
def _demonyms() -> dict[str, str]:
    """Folded adjective or demonym (all genders and numbers) -> code."""
    table: dict[str, str] = {}
    for masculine, feminine, code in _rows(DATA / "fr_demonyms.tsv"):
        forms = {masculine, _plural(masculine)}
        if feminine:
            forms |= {feminine, _plural(feminine)}
        for form in forms:
            table.setdefault(name_key(form), code)
    return table


def _strip_leading(key: str) -> str:
    tokens = key.split()
    while len(tokens) > 1 and tokens[0] in COUNTRY_LEADING:
        tokens = tokens[1:]
    return " ".join(tokens)


def country_code(name_or_adjective: str) -> str | None:
    """ISO 3166-1 alpha-2 code of a French country name, adjective or demonym; None if not one."""
    text = INCLUSIVE_ENDING.sub("", name_or_adjective.strip())
    key = name_key(text)
    if not key:
        return None
    by_name, _ = _names()
    demonyms = _demonyms()
    for candidate in (key, _strip_leading(key)):
        code = by_name.get(candidate) or demonyms.get(candidate)
        if code:
            return code
    return None


def is_demonym(folded: str) -> bool:
    """True when a folded word is a country adjective or demonym ("armenien", "allemandes")."""
    return folded in _demonyms()


def is_country_name(name: str) -> bool:
    """True when `name` (not an adjective) names a country: "Allemagne", "Etats-Unis"."""
    return name_key(name) in _names()[0]


def country_name_fr(code: str) -> str:
    """The French name of a country code ("DE" -> "Allemagne"); the code itself if unknown."""
    return _names()[1].get(code.upper(), code.upper())


def country_names() -> dict[str, str]:
    """Every folded French country name with its code (a copy: callers may keep it)."""
    return dict(_names()[0])
