"""Record fields written as text (`start=2021-05`, `themes=eau,santé`, `actors=Padoue,12`) turned
into the values `review.review` and `review.add_manual` check and store.

The command line (`review correct`, `add …`) and the web's forms give every value as text and
both parse it here, so the same typed text gives the same value through either door:

- numbers: digits may be grouped by threes with a space, a no-break space or a narrow no-break
  space (« 12 000 », « 12\u00a0000 », « 12\u202f000 » and « 12000 » are all 12000); the decimal
  mark is a comma or a point (« 45,19 »); « 12.000 » is refused for a whole number (it is 12 to an
  English reader and 12000 to a French one);
- lists are split on `;` and on new lines; lists whose items cannot hold a comma (themes, which
  are codes, and places, given by atlas id or town name) are split on `,` too. Names of
  organisations and aliases may hold a comma (« Comité de jumelage, section de Rennes »), so
  write `organisations=A; B`;
- places are given by atlas id or name, resolved by `Atlas.find_place` (`finder(atlas)`);
- amounts as `5000 EUR` or `12 000 EUR per year`, several separated by `;`;
- an empty value (`since=`) clears a field; other values are stripped of surrounding spaces.

Problems are one InvalidChange line naming the field (the web answers 422).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from jumelage.errors import InvalidChange

LISTS = {"aliases", "themes", "organisations"}
PLACE_LISTS = {"actors", "partners", "places"}
PLACES = {"place"}
INTS = {"geonames_id", "population"}
FLOATS = {"lat", "lon"}
AMOUNTS = {"amounts"}
#: lists whose items never hold a comma, so `,` separates them as well as `;`
COMMA_LISTS = {"themes"} | PLACE_LISTS

_SPACES = " \u00a0\u202f\u2009"  # space, no-break space, narrow no-break space, thin space
_NUMBER = re.compile(rf"([+-]?)(\d{{1,3}}(?:[{_SPACES}]\d{{3}})+|\d+)(?:[.,](\d+))?")
_AMOUNT = re.compile(rf"([+-]?\d[\d{_SPACES}]*(?:[.,]\d+)?)\s*(.*)", re.S)

FindPlace = Callable[[str], "int | None"]


def split_pairs(pairs: Iterable[str]) -> dict[str, str]:
    """`["start=2021", "themes=eau,santé"]` -> {"start": "2021", "themes": "eau,santé"}."""
    out: dict[str, str] = {}
    for pair in pairs:
        field, sep, value = pair.partition("=")
        field = field.strip().lower().replace("-", "_")
        if not sep or not field:
            raise InvalidChange(f"{pair!r}: write changes as FIELD=VALUE (e.g. start=2021-05)")
        out[field] = value.strip()
    return out


def items(field: str, text: str) -> list[str]:
    """The items of a list typed as text: split on `;` and new lines, and on `,` too for the
    lists whose items cannot hold a comma (`COMMA_LISTS`); blanks are dropped."""
    pattern = r"[;\n,]" if field in COMMA_LISTS else r"[;\n]"
    return [v.strip() for v in re.split(pattern, text) if v.strip()]


def finder(atlas: Any) -> FindPlace:
    """The `find_place` for `parse`: the id `atlas.find_place` gives for a typed id or name."""
    def find(text: str) -> int | None:
        found = atlas.find_place(text)
        return None if found is None else int(found["id"])
    return find


def place_id(field: str, text: str, find_place: FindPlace) -> int:
    """The id `find_place` gives for `text`; InvalidChange naming the field when none."""
    found = find_place(text)
    if found is None:
        raise InvalidChange(f"{field}: no place matching {text!r} in the atlas "
                         "(add it with `jumelage add place`)")
    return found


def number(field: str, text: str, kind: type = float) -> int | float:
    """`text` as a number of `kind` (int or float), written the French or the plain way:
    « 12 000 » (any space grouping digits by threes), « 45,19 » or « 45.19 »."""
    m = _NUMBER.fullmatch(text.strip())
    if m is None:
        raise InvalidChange(f"{field}: {text!r} is not a number")
    sign, whole, fraction = m.groups()
    whole = re.sub(f"[{_SPACES}]", "", whole)
    if kind is int:
        if fraction is not None:
            raise InvalidChange(f"{field}: {text!r} is not a whole number")
        return int(sign + whole)
    return float(f"{sign}{whole}.{fraction or 0}")


def _amount(text: str) -> dict[str, Any]:
    m = _AMOUNT.fullmatch(text.strip())
    words = m.group(2).split() if m else []
    if m is None or not words:
        raise InvalidChange(f"amounts: {text!r} needs a number and a currency (e.g. 5000 EUR)")
    value = number("amounts", m.group(1), float)
    amount: dict[str, Any] = {"value": value, "currency": words[0].upper()}
    if len(words) >= 3 and words[1].lower() == "per":
        amount["per"] = " ".join(words[2:])
    return amount


def parse(fields: Mapping[str, str | None], find_place: FindPlace) -> dict[str, Any]:
    """Typed values for `fields` (field -> text, None counting as empty); unknown fields pass as
    text, for `review` to name them. Used by the command line and by the web's forms."""
    out: dict[str, Any] = {}
    for field, raw in fields.items():
        text = (raw or "").strip()
        if text == "":
            out[field] = [] if field in LISTS | PLACE_LISTS | AMOUNTS else None
        elif field in LISTS:
            out[field] = items(field, text)
        elif field in PLACE_LISTS:
            out[field] = [place_id(field, t, find_place) for t in items(field, text)]
        elif field in PLACES:
            out[field] = place_id(field, text, find_place)
        elif field in INTS:
            out[field] = number(field, text, int)
        elif field in FLOATS:
            out[field] = number(field, text, float)
        elif field in AMOUNTS:
            out[field] = [_amount(t) for t in text.split(";") if t.strip()]
        else:
            out[field] = text
    return out
