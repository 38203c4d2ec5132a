"""Check an extraction before anything of it is written: bad values fail the document, cleanly.

The atlas's columns have fixed vocabularies and sizes (the same on SQLite and PostgreSQL); an
extraction that breaks them is refused with one line naming the document and the problem, and the
atlas stays as it was.
"""
from __future__ import annotations

import math
from typing import Any

import pycountry

from jumelage.partial_dates import is_partial_date
from jumelage.errors import InvalidChange
from jumelage.records import (
    ACTION_STATUSES, PARTNERSHIP_KINDS, PARTNERSHIP_STATUSES, PLACE_KINDS, THEMES, Amount,
    Document, Extraction,
)

NAME_MAX = 300
ORGANISATION_MAX = 500
CONTEXT_MAX = 100
MAX_INT = 2_147_483_647
"""The largest id, GeoNames id, population or span offset the atlas stores: its integer columns
are 32-bit on PostgreSQL, and SQLite keeps to the same range so an export moves between them."""
OTHER_COUNTRIES = ("XK",)
"""Country codes GeoNames uses that ISO 3166-1 leaves to users (XK: Kosovo)."""


# -- the rules, one definition each: extraction (`check`), hand edits (`review`), import --------
def is_id(value: Any) -> bool:
    """True when `value` can be a record id: a whole number 1..MAX_INT (a bigger one names no
    record: callers answer « no <kind> with id N » instead of letting the database overflow)."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_INT


def whole_problem(value: Any, lo: int = 0, hi: int = MAX_INT) -> str | None:
    """Why `value` is not a whole number in lo..hi, or None if it is one."""
    if isinstance(value, bool) or not isinstance(value, int):
        return f"{value!r} is not a whole number"
    if not lo <= value <= hi:
        return f"{value!r} is out of range ({lo}..{hi})"
    return None


def text_problem(value: Any, limit: int) -> str | None:
    """Why `value` is not a text the atlas stores (a string of at most `limit` characters
    without NUL bytes, which PostgreSQL refuses), or None."""
    if not isinstance(value, str):
        return f"{value!r} is not a text"
    if "\x00" in value:
        return "contains a NUL byte"
    if len(value) > limit:
        return f"longer than {limit} characters"
    return None


def country_problem(value: Any) -> str | None:
    """Why `value` is not a country code, or None: an ISO 3166-1 alpha-2 code known to pycountry
    (current or historic, as GeoNames still uses some: AN, CS), or XK."""
    if not isinstance(value, str) or len(value) != 2 or not (value.isascii()
                                                              and value.isupper()):
        return f"{value!r} is not an ISO 3166-1 alpha-2 code"
    if value not in OTHER_COUNTRIES and pycountry.countries.get(alpha_2=value) is None and not any(
            getattr(c, "alpha_2", None) == value for c in pycountry.historic_countries):
        return f"{value!r} is not an ISO 3166-1 alpha-2 code"
    return None


def theme_problem(value: Any) -> str | None:
    """Why `value` is not one of the atlas's themes, or None."""
    if value not in THEMES:
        return f"{value!r} is not one of {', '.join(THEMES)}"
    return None


def span_problem(start: Any, end: Any) -> str | None:
    """Why (`start`, `end`) is not an evidence span (character offsets, start <= end), or None."""
    for what, value in (("start", start), ("end", end)):
        problem = None if value is None else whole_problem(value)
        if problem:
            return f"span {what} {problem}"
    if start is not None and end is not None and start > end:
        return f"span start {start} is after its end {end}"
    return None


def date_problem(value: Any) -> str | None:
    """Why `value` is not a partial date the atlas stores, or None: `YYYY`, `YYYY-MM` or
    `YYYY-MM-DD` naming a real day, month or year from 0001 to 9999
    (`jumelage.partial_dates.is_partial_date`)."""
    if is_partial_date(value):
        return None
    return f"{value!r} is not YYYY, YYYY-MM or YYYY-MM-DD (years 0001-9999)"


def _date(doc: Document, what: str, value: str | None) -> None:
    problem = None if value is None else date_problem(value)
    if problem:
        raise InvalidChange(f"{doc.name}: {what}: date {problem}")


def _choice(doc: Document, what: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise InvalidChange(f"{doc.name}: {what}: {value!r} is not one of {', '.join(allowed)}")


def amount_problem(value: Any, currency: Any, iso: bool = True) -> str | None:
    """Why (`value`, `currency`) is not an amount the atlas stores, or None if it is one.

    `value` must be a finite number >= 0 (JSON has no infinity and PostgreSQL refuses one);
    `currency` an ISO 4217 code known to pycountry (`iso=False`: any three capital letters, for
    extractions, whose currency table may hold a code pycountry has since withdrawn).
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"{value!r} is not a number"
    if not math.isfinite(value):
        return f"{value!r} is not a finite number"
    if value < 0:
        return f"{value!r} is negative"
    if not isinstance(currency, str) or not (len(currency) == 3 and currency.isascii()
                                             and currency.isalpha() and currency.isupper()):
        return f"currency {currency!r} is not an ISO 4217 code"
    if iso and pycountry.currencies.get(alpha_3=currency) is None:
        return f"currency {currency!r} is not an ISO 4217 code"
    return None


def _amounts(doc: Document, what: str, amounts: list[Amount]) -> None:
    for m in amounts:
        problem = amount_problem(m.value, m.currency, iso=False)
        if problem:
            raise InvalidChange(f"{doc.name}: {what}: amount {problem}")


def _themes(doc: Document, what: str, themes: list[str]) -> None:
    for theme in themes:
        problem = theme_problem(theme)
        if problem:
            raise InvalidChange(f"{doc.name}: {what}: theme {problem}")


def _names(doc: Document, what: str, names: list[str], limit: int) -> None:
    for name in names:
        if not isinstance(name, str) or not name.strip():
            raise InvalidChange(f"{doc.name}: {what}: empty name")
        problem = text_problem(name, limit)
        if problem:
            raise InvalidChange(f"{doc.name}: {what}: name {problem}")


def _refs(doc: Document, what: str, refs: list[str | None], known: set[str]) -> None:
    for ref in refs:
        if ref is not None and ref not in known:
            raise InvalidChange(f"{doc.name}: {what}: unknown place ref {ref!r}")


def check(doc: Document, ext: Extraction) -> None:
    """Raise InvalidChange (an AtlasError) when `ext` cannot be stored as it is."""
    if not doc.name:
        raise InvalidChange("a document without a name cannot be stored")
    refs: set[str] = set()
    for p in ext.places:
        what = f"place {p.ref}"
        if p.ref in refs:
            raise InvalidChange(f"{doc.name}: {what}: the ref is used twice")
        refs.add(p.ref)
        _names(doc, what, [p.name, *p.aliases], NAME_MAX)
        _choice(doc, what, p.kind, PLACE_KINDS)
        problem = None if p.country is None else country_problem(p.country)
        if problem:
            raise InvalidChange(f"{doc.name}: {what}: country {problem}")
        problem = None if p.geonames_id is None else whole_problem(p.geonames_id, 1)
        if problem:
            raise InvalidChange(f"{doc.name}: {what}: geonames id {problem}")
    for i, s in enumerate(ext.partnerships, 1):
        what = f"partnership {i}"
        if len(s.places) != 2:
            raise InvalidChange(f"{doc.name}: {what}: needs two places")
        _refs(doc, what, list(s.places), refs)
        _choice(doc, what, s.kind, PARTNERSHIP_KINDS)
        _choice(doc, what, s.status, PARTNERSHIP_STATUSES)
        _date(doc, what, s.since)
        for h in s.history:
            _choice(doc, what, h.status, PARTNERSHIP_STATUSES)
            _date(doc, what, h.date)
    for i, a in enumerate(ext.actions, 1):
        what = f"action {i}"
        _refs(doc, what, [*a.actors, *a.partners], refs)
        _choice(doc, what, a.status, ACTION_STATUSES)
        _date(doc, what, a.start)
        _date(doc, what, a.end)
        _amounts(doc, what, a.amounts)
        _themes(doc, what, a.themes)
        _names(doc, what, a.organizations, ORGANISATION_MAX)
    for i, n in enumerate(ext.initiatives, 1):
        what = f"initiative {i}"
        _refs(doc, what, [n.place], refs)
        _date(doc, what, n.start)
        _date(doc, what, n.end)
        _amounts(doc, what, n.amounts)
        _themes(doc, what, n.themes)
        _names(doc, what, n.organizations, ORGANISATION_MAX)
        if n.context is not None and len(n.context) > CONTEXT_MAX:
            raise InvalidChange(f"{doc.name}: {what}: context longer than {CONTEXT_MAX} characters")
    _names(doc, "organisations", ext.organizations, ORGANISATION_MAX)
