"""Load the language data files of `extract/data/<lang>/` (cached) and fold text for matching.

Cue words, month names, currency names and theme lexicons live in data files, not in code.
This module reads them once: `load_json("dates.json")`, `load_tsv("themes.tsv")`.
`fold_same_length` turns text into a same-length, lower-case, accent-free, apostrophe- and
dash-normalised copy, so a match in the folded text has the same offsets in the original.
"""
from __future__ import annotations

import json
import unicodedata
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from jumelage.errors import JumelageError
from jumelage.names import SPECIAL_LETTERS

DEFAULT_LANG = "fr"

# One character in, one character out: typographic variants that must match their plain form.
_SAME_LENGTH = {
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'", "`": "'",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ",
    "\u0153": "\u0153", "\u00e6": "\u00e6",
}

_ONE_LETTER = {k: v for k, v in SPECIAL_LETTERS.items() if len(v) == 1}


def _data_dir(lang: str) -> Any:
    return resources.files("jumelage.extract").joinpath("data", lang)


def read_text(name: str, lang: str = DEFAULT_LANG) -> str:
    """The text of data file `name` for language `lang`; JumelageError if it is missing."""
    path = _data_dir(lang).joinpath(name)
    try:
        return path.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError) as exc:
        raise JumelageError(f"extract data file {lang}/{name} is missing") from exc


@cache
def load_json(name: str, lang: str = DEFAULT_LANG) -> Any:
    """The parsed content of JSON data file `name` (cached: do not mutate it)."""
    try:
        return json.loads(read_text(name, lang))
    except json.JSONDecodeError as exc:
        raise JumelageError(f"extract data file {lang}/{name} is not valid JSON: {exc}") from exc


@cache
def load_tsv(name: str, lang: str = DEFAULT_LANG) -> tuple[tuple[str, ...], ...]:
    """The rows of TSV data file `name`: tab-separated, stripped cells; `#` lines and blanks skipped."""
    rows = []
    for line in read_text(name, lang).splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        rows.append(tuple(cell.strip() for cell in line.split("\t")))
    return tuple(rows)


@lru_cache(maxsize=8192)
def _fold_char(c: str, keep_accents: bool) -> str:
    if c in _SAME_LENGTH:
        return _SAME_LENGTH[c]
    low = c.lower()
    if len(low) != 1:                # « İ » lowers to two characters: its base letter, lowered
        low = unicodedata.normalize("NFD", c)[0].lower()
        low = low if len(low) == 1 else c
    if keep_accents:
        return low
    # a special Latin letter that is one letter of the name key too (ł, ø, đ, ħ, ı): the same
    # letter here as there (`jumelage.names`), so « Łukovac » is found where « Lukovac » is written
    plain = _ONE_LETTER.get(low)
    return plain if plain is not None else unicodedata.normalize("NFD", low)[0]


def fold_same_length(text: str, keep_accents: bool = False) -> str:
    """Lower case, accents removed, ’ as ', dashes as -, odd spaces as space; same length as `text`.

    With `keep_accents`, only case, apostrophes, dashes and spaces are normalised (`dès` stays
    `dès`, so it is not confused with `des`).
    """
    if text.isascii():
        return text.lower()
    # one C-level pass over a table of every character seen so far, then per-character for new ones
    table = _TABLES[keep_accents]
    missing = set(text).difference(_KNOWN[keep_accents])
    for c in missing:
        folded = _fold_char(c, keep_accents)
        if folded != c:
            table[ord(c)] = folded
        _KNOWN[keep_accents].add(c)
    return text.translate(table)


_TABLES: dict[bool, dict[int, str]] = {False: {}, True: {}}
_KNOWN: dict[bool, set[str]] = {False: set(), True: set()}


def fold_word(word: str) -> str:
    """`fold_same_length` for a lexicon entry: also trims it and squeezes inner spaces."""
    return " ".join(fold_same_length(word).split())
