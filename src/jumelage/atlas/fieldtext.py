"""Record fields written as text (`start=2021-05`, `themes=eau,santé`, `actors=Padoue,12`) turned
into the values `review.review` and `review.add_manual` check and store.

A command line (or a plain web form) gives every value as text; this module knows each field's
type: lists are comma-separated, places are given by atlas id or name (resolved by the caller's
`find_place`), amounts as `5000 EUR` (`5000 EUR per year`), numbers as numbers, and an empty value
(`since=`) clears a field. Problems are one AtlasError line naming the field.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from jumelage.errors import AtlasError

LISTS = {"aliases", "themes", "organisations"}
PLACE_LISTS = {"actors", "partners", "places"}
PLACES = {"place"}
INTS = {"geonames_id", "population"}
FLOATS = {"lat", "lon"}
AMOUNTS = {"amounts"}

FindPlace = Callable[[str], "int | None"]


def split_pairs(pairs: Iterable[str]) -> dict[str, str]:
    """`["start=2021", "themes=eau,santé"]` -> {"start": "2021", "themes": "eau,santé"}."""
    out: dict[str, str] = {}
    for pair in pairs:
        field, sep, value = pair.partition("=")
        field = field.strip().lower().replace("-", "_")
        if not sep or not field:
            raise AtlasError(f"{pair!r}: write changes as FIELD=VALUE (e.g. start=2021-05)")
        out[field] = value.strip()
    return out


def _items(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def place_id(field: str, text: str, find_place: FindPlace) -> int:
    """The id `find_place` gives for `text`; AtlasError naming the field when none."""
    found = find_place(text)
    if found is None:
        raise AtlasError(f"{field}: no place matching {text!r} in the atlas "
                         "(add it with `jumelage add place`)")
    return found


def _number(field: str, text: str, kind: type) -> Any:
    try:
        return kind(text.replace(",", ".") if kind is float else text)
    except ValueError:
        raise AtlasError(f"{field}: {text!r} is not a number") from None


def _amount(text: str) -> dict[str, Any]:
    words = text.split()
    if len(words) < 2:
        raise AtlasError(f"amounts: {text!r} needs a number and a currency (e.g. 5000 EUR)")
    value = _number("amounts", words[0], float)
    amount: dict[str, Any] = {"value": value, "currency": words[1].upper()}
    if len(words) >= 4 and words[2].lower() == "per":
        amount["per"] = " ".join(words[3:])
    return amount


def parse(fields: dict[str, str], find_place: FindPlace) -> dict[str, Any]:
    """Typed values for `fields` (field -> text); unknown fields pass as text, for
    `review` to name them."""
    out: dict[str, Any] = {}
    for field, text in fields.items():
        if text == "":
            out[field] = [] if field in LISTS | PLACE_LISTS | AMOUNTS else None
        elif field in LISTS:
            out[field] = _items(text)
        elif field in PLACE_LISTS:
            out[field] = [place_id(field, t, find_place) for t in _items(text)]
        elif field in PLACES:
            out[field] = place_id(field, text, find_place)
        elif field in INTS:
            out[field] = _number(field, text, int)
        elif field in FLOATS:
            out[field] = _number(field, text, float)
        elif field in AMOUNTS:
            out[field] = [_amount(t) for t in text.split(";") if t.strip()]
        else:
            out[field] = text
    return out
