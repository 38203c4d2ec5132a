"""Read a twin-city list: a CSV file with one pair of cities per row.

The columns are those of `shared/data/twin-cities/twin_city_pairs.csv` (see its README):
`city_a`, `city_b` (names, maybe qualified: « Friedberg, Hesse »), `country_a_iso2`,
`country_b_iso2` (ISO 3166-1 alpha-2) or, failing those (the columns, or a row's empty cell),
`country_a`, `country_b` (English country names or codes; one that is no ISO 3166 country,
« Northern Cyprus », is unknown), and optionally `lat_a`, `lng_a` (or `lon_a`), `lat_b`,
`lng_b` (WGS84 degrees). Other columns are kept in the row's text (its evidence) and otherwise
ignored.

`read_pairs(path)` checks the header first (`ReadError`, one line, when a column is missing or
the file is not a readable CSV; `,`, `;` or tab separated, UTF-8 with or without a BOM) and then
yields one `PairRow` per data row, keeping the row's own
text as it is written in the file so that the evidence quotes it exactly.
"""
from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pycountry

from jumelage.errors import ReadError
from jumelage.gazetteer import country_code
from jumelage.gazetteer.index import read_tsv
from jumelage.names import name_key

ENGLISH_NAMES = Path(__file__).with_name("data") / "en_country_names.tsv"
_ALIASES = {"UK": "GB", "EL": "GR"}  # codes the EU uses where ISO 3166 has GB and GR


@dataclass(frozen=True)
class City:
    """One side of a pair as the list gives it."""

    name: str
    country: str | None               # ISO 3166-1 alpha-2, upper case; None when unknown
    coords: tuple[float, float] | None  # (lat, lon) in degrees
    problem: str | None = None        # a value that could not be read (the row still counts)
    country_unknown: bool = False     # a country was given but is no ISO 3166 code or name


@dataclass(frozen=True)
class PairRow:
    """One data row: its line in the file (the header is line 1), its text, its two cities."""

    line: int
    text: str
    a: City
    b: City


class _Lines:
    """The lines of a file as `csv.reader` consumes them, so each record's raw text is known."""

    def __init__(self, handle: Iterator[str]) -> None:
        self.handle = handle
        self.taken: list[str] = []
        self.count = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self.handle)
        self.taken.append(line)
        self.count += 1
        return line

    def take(self) -> tuple[int, str]:
        """(first line number, text) of the lines consumed since the last call."""
        first = self.count - len(self.taken) + 1
        text = "".join(self.taken).rstrip("\r\n")
        self.taken.clear()
        return first, text


@lru_cache(maxsize=4096)
def country_of(value: str) -> str | None:
    """An ISO alpha-2 code for a code or an English (or French) country name; None if unknown."""
    value = value.strip()
    if not value:
        return None
    if len(value) == 2 and value.isalpha():
        code = _ALIASES.get(value.upper(), value.upper())
        return code if code == "XK" or pycountry.countries.get(alpha_2=code) else None
    code = _english_names().get(name_key(value))
    if code:
        return code
    try:
        return str(pycountry.countries.lookup(value).alpha_2)
    except LookupError:
        return country_code(value)


@lru_cache(maxsize=1)
def _english_names() -> dict[str, str]:
    return {name_key(name): code for name, code, *_ in read_tsv(ENGLISH_NAMES)}


def _coords(row: dict[str, str], side: str) -> tuple[tuple[float, float] | None, str | None]:
    lat = (row.get(f"lat_{side}") or "").strip()
    lon = (row.get(f"lng_{side}") or row.get(f"lon_{side}") or "").strip()
    if not lat and not lon:
        return None, None
    try:
        point = (float(lat), float(lon))
    except ValueError:
        return None, f"coordinates {lat!r}, {lon!r} are not numbers"
    if not all(math.isfinite(v) for v in point) or abs(point[0]) > 90 or abs(point[1]) > 180:
        return None, f"coordinates {lat}, {lon} are out of range"
    return point, None


def _city(row: dict[str, str], side: str, iso_column: bool) -> City:
    name = " ".join((row.get(f"city_{side}") or "").split())
    raw = row.get(f"country_{side}_iso2" if iso_column else f"country_{side}") or ""
    if iso_column and not raw.strip():   # no code: the country's name, if the list gives it
        raw = row.get(f"country_{side}") or ""
    country = country_of(raw)
    coords, problem = _coords(row, side)
    if raw.strip() and country is None:
        return City(name, None, coords, f"unknown country {raw.strip()!r}", True)
    return City(name, country, coords, problem)


def _header(path: Path, reader: csv.DictReader) -> bool:
    """Check the header; True when ISO country columns are there (else country names)."""
    fields = {f.strip() for f in reader.fieldnames or [] if f}
    if not fields:
        raise ReadError(path, "empty file: no header line")
    missing = [c for c in ("city_a", "city_b") if c not in fields]
    iso = {"country_a_iso2", "country_b_iso2"} <= fields
    if not iso and not {"country_a", "country_b"} <= fields:
        missing.append("country_a_iso2 and country_b_iso2 (or country_a and country_b)")
    if missing:
        raise ReadError(path, "not a twin-city list: missing column " + ", ".join(missing)
                        + " (columns: " + ", ".join(sorted(fields))[:200] + ")")
    return iso


def check_header(path: str | Path) -> None:
    """Raise `ReadError` (one line) unless `path` opens as a twin-city list with the needed
    columns; reads the header only."""
    for _ in read_pairs(path):
        break


def header_text(path: str | Path) -> str:
    """The header line of the list at `path`, as written (the evidence of every row shows it)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return handle.readline().rstrip("\r\n")


DELIMITERS = (",", ";", "\t")


def _delimiter(header: str) -> str:
    """The separator of a list, read off its header: `,` (the world list), `;` (what a French
    spreadsheet writes) or a tab, whichever splits the header into the most columns."""
    return max(DELIMITERS, key=lambda d: (header.count(d), d == ","))


def read_pairs(path: str | Path) -> Iterator[PairRow]:
    """The rows of the twin-city list at `path` (see the module docstring).

    Raises `ReadError` (one line naming the file) when the file cannot be opened or decoded as
    UTF-8, when its header lacks a needed column, or when the CSV is malformed.
    """
    path = Path(path)
    try:
        handle = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise ReadError(path, f"cannot open ({exc.strerror or exc})") from None
    try:
        delimiter = _delimiter(header_text(path))
    except (OSError, UnicodeDecodeError):
        delimiter = ","                    # the reading below says what is wrong
    with handle:
        lines = _Lines(handle)
        try:
            reader = csv.DictReader(lines, skipinitialspace=False, delimiter=delimiter)
            iso = _header(path, reader)
            lines.take()
            for row in reader:
                line, text = lines.take()
                if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
                    continue  # a blank line
                row = {(k or "").strip(): v for k, v in row.items() if isinstance(v, str)}
                yield PairRow(line, text, _city(row, "a", iso), _city(row, "b", iso))
        except UnicodeDecodeError as exc:
            raise ReadError(path, f"not UTF-8 text near line {lines.count + 1} (byte "
                                  f"{exc.start} of a block; save the list as UTF-8)") from None
        except csv.Error as exc:
            raise ReadError(path, f"malformed CSV near line {lines.count}: {exc}") from None
