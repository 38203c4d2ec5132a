"""Import a twin-city list into the atlas: each row a twinning whose evidence is that file and row.

`import_pairs(path, atlas)` reads the list (`table.py`), resolves both cities of every row to
GeoNames with the gazetteer of extraction (`resolve.py`), and stores each row through the atlas's
one save path as a tiny document of its own:
- the document is named `FILE#rowN` (N: the row's line in the file, the header being line 1),
  its text is the header and the row as written, so the evidence quotes the row exactly;
- its extraction holds the two places (GeoNames name, id, country, coordinates and population;
  the list's spelling as an alias) and one `twinning` between them.
The atlas then merges as it merges any document: places by GeoNames id (or by name key and
country), partnerships by unordered pair, so a pair listed in both directions, listed twice, or
already known from documents becomes one partnership with one more piece of evidence, and what
documents said stays (in their evidence, and in reviewed records).

A city the gazetteer cannot resolve is still stored, as the list gives it (name, country,
coordinates, and the place kind "district" for an administrative unit or a part of a city,
`resolve.py`), and the reason goes to the report; a row that cannot be stored at all (no name,
the same place on both sides, a value the atlas refuses) is reported and skipped. A row whose
country is missing or not an ISO 3166 country (`ZZ`, « Northern Cyprus », which has no code)
is not stored either: a place with no country would be a guess, so it is reported `skipped`,
« unknown country 'ZZ'; the row is not stored », and a corrected list imports it on the next
run. Nothing is
dropped silently: the report file (CSV: row, city_a, city_b, outcome, reason) lists every row
that is not a clean import.

Rows are saved in batches, one transaction each (`Atlas.save_extractions`). Before each batch
the atlas is asked which rows it already holds, unchanged: they are skipped, so a second run
changes nothing and a run that was killed resumes where its last committed batch ended. A row's
content hash also carries `RESOLUTION`, so that a list imported before a change to how names are
resolved is resolved afresh, once, when it is imported again.
"""
from __future__ import annotations

import csv
import hashlib
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jumelage.atlas.validate import check
from jumelage.errors import AtlasError, JumelageError
from jumelage.gazetteer import Gazetteer, get_gazetteer
from jumelage.names import name_key
from jumelage.pairs.resolve import CityResolver, Resolution
from jumelage.pairs.table import City, PairRow, header_text, read_pairs
from jumelage.records import Document, Extraction, Partnership, Place

if TYPE_CHECKING:
    from jumelage.atlas import Atlas

BATCH_SIZE = 250
# How rows are resolved, in the content hash of each row's document: a list imported by an
# older resolution is re-resolved when imported again (its rows are `updated`, the places it no
# longer names lose their evidence and go), then a further run changes nothing. 2: towns before
# administrative units of the same name (`resolve.POPULATED_KINDS`). 3: no homonym farther than
# `resolve.MAX_KM` from the list's coordinates, « A – B » and « B (A) » as one place (never A),
# districts and administrative units stored with the place kind "district".
RESOLUTION = 3
REPORT_COLUMNS = ("row", "city_a", "country_a", "city_b", "country_b", "outcome", "reason")

Progress = Callable[[int, int], None]
"""Called after each batch with the number of rows done and the total."""


@dataclass
class Problem:
    """A row of the list that was not a clean import, and why (a line of the report file)."""

    row: int
    city_a: str
    country_a: str
    city_b: str
    country_b: str
    outcome: str      # "unresolved" (a city stored as the list gives it), "doubtful",
    #                   "skipped" (the row not stored: unknown country, no name, ...)
    reason: str

    def as_row(self) -> list[str]:
        return [str(self.row), self.city_a, self.country_a, self.city_b, self.country_b,
                self.outcome, self.reason]


@dataclass
class PairsReport:
    """What an import did: rows new, updated, unchanged (already in the atlas) and skipped, and
    every problem row. `cities_unresolved` counts distinct (name, country) left unresolved."""

    path: str
    rows: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    cities: int = 0
    cities_unresolved: int = 0
    problems: list[Problem] = field(default_factory=list)
    report_path: str | None = None
    seconds: float = 0.0

    def counts(self) -> dict[str, int]:
        return {"rows": self.rows, "new": self.new, "updated": self.updated,
                "unchanged": self.unchanged, "skipped": self.skipped, "cities": self.cities,
                "cities_unresolved": self.cities_unresolved,
                "rows_unresolved": sum(p.outcome == "unresolved" for p in self.problems),
                "rows_doubtful": sum(p.outcome == "doubtful" for p in self.problems)}

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.path, **self.counts(), "seconds": round(self.seconds, 3),
                "report": self.report_path}


def source_name(path: Path, line: int) -> str:
    """The atlas name of one row's document: `twin_city_pairs.csv#row2`."""
    return f"{path.name}#row{line}"


def _place(ref: str, city: City, found: Resolution) -> Place:
    if found.match is not None:
        place = found.match.to_place(ref)
        for alias in (found.alias, city.name):   # GeoNames' name of a region named as listed
            if alias and alias != place.name and alias not in place.aliases:
                place.aliases.append(alias)
        if found.kind:
            place.kind = found.kind
        return place
    lat, lon = city.coords if city.coords else (None, None)
    return Place(ref=ref, name=city.name, country=city.country, lat=lat, lon=lon,
                 kind=found.kind or "city")


def _same_place(a: Place, b: Place) -> bool:
    if a.geonames_id is not None or b.geonames_id is not None:
        return a.geonames_id == b.geonames_id
    return name_key(a.name) == name_key(b.name) and a.country == b.country


class _Rows:
    """Turns rows into (document, extraction) pairs, noting every problem on the way."""

    def __init__(self, path: Path, resolver: CityResolver, report: PairsReport) -> None:
        self.path = path
        self.header = header_text(path)
        self.resolver = resolver
        self.report = report
        self.seen: dict[tuple[str, str | None], bool] = {}

    def _problem(self, row: PairRow, outcome: str, reason: str) -> None:
        self.report.problems.append(Problem(row.line, row.a.name, row.a.country or "",
                                            row.b.name, row.b.country or "", outcome, reason))

    def _resolve(self, city: City) -> Resolution:
        found = self.resolver.resolve(city.name, city.country, city.coords)
        key = (city.name, city.country)
        if key not in self.seen:
            self.seen[key] = found.match is not None
        return found

    def item(self, row: PairRow) -> tuple[Document, Extraction] | None:
        """The document and extraction of one row; None (and a problem) when it is skipped."""
        if not row.a.name or not row.b.name:
            self._problem(row, "skipped", "a city name is missing")
            return None
        unknown = [f"city_{side} {city.name}: "
                   f"{city.problem if city.country_unknown else 'no country given'}; the row is "
                   "not stored" for side, city in (("a", row.a), ("b", row.b))
                   if city.country_unknown or not city.country]
        if unknown:  # a place with no country would be a guess: the row waits for a fix
            self._problem(row, "skipped", "; ".join(unknown))
            return None
        found = {side: self._resolve(city) for side, city in (("a", row.a), ("b", row.b))}
        places = [_place("p1", row.a, found["a"]), _place("p2", row.b, found["b"])]
        if _same_place(*places):
            self._problem(row, "skipped", f"both cities are the same place ({places[0].name}"
                          + (f", GeoNames {places[0].geonames_id}" if places[0].geonames_id
                             else "") + ")")
            return None
        unresolved, doubts = [], []
        for side, city in (("a", row.a), ("b", row.b)):
            res = found[side]
            if city.problem:
                doubts.append(f"city_{side} {city.name}: {city.problem}")
            if res.match is None:
                unresolved.append(f"city_{side} {city.name}: {res.reason}; stored as the file"
                                  " gives it")
            elif res.doubt:
                doubts.append(f"city_{side} {city.name}: resolved to {res.match.name} (GeoNames"
                              f" {res.match.geonames_id}), {res.doubt}")
        text = f"{self.header}\n{row.text}"
        start = len(self.header) + 1
        name = source_name(self.path, row.line)
        doc = Document(
            name=name, text=text, media_type="text/csv", path=str(self.path),
            content_hash=hashlib.sha256(f"{name}\n{text}\n{RESOLUTION}".encode()).hexdigest(),
            title=f"{row.a.name} – {row.b.name}")
        ext = Extraction(source=name, places=places, partnerships=[Partnership(
            ("p1", "p2"), kind="twinning", span=(start, len(text)), quote=row.text)])
        try:
            check(doc, ext)
        except AtlasError as exc:
            self._problem(row, "skipped", str(exc).removeprefix(f"{name}: "))
            return None
        if unresolved:
            self._problem(row, "unresolved", "; ".join(unresolved + doubts))
        elif doubts:
            self._problem(row, "doubtful", "; ".join(doubts))
        return doc, ext


def write_report(problems: list[Problem], path: str | Path) -> None:
    """Write the report file: one CSV line per problem row, in file order."""
    try:
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(REPORT_COLUMNS)
            writer.writerows(p.as_row() for p in sorted(problems, key=lambda p: p.row))
    except OSError as exc:
        raise JumelageError(f"{path}: cannot write the report ({exc.strerror or exc})") from None


def import_pairs(path: str | Path, atlas: Atlas, report: str | Path | None = None,
                 progress: bool | Progress = True, batch_size: int = BATCH_SIZE,
                 gazetteer: Gazetteer | None = None) -> PairsReport:
    """Import the twin-city list at `path` into `atlas` (see the module docstring).

    `report`: where to write the report file (CSV of the rows that are not a clean import;
    None: write none, `PairsReport.problems` still lists them). `progress=True` draws a Rich
    progress bar on stderr when it is a terminal; a callable `(rows done, total)` is called after
    each batch instead. `batch_size`: rows per transaction. Raises `ReadError` for a file that is
    not a readable twin-city list (before anything is written), `AtlasError` when the database
    fails (the batches committed before stay, and a new run resumes after them).
    """
    started = time.perf_counter()
    path = Path(path)
    result = PairsReport(path=str(path))
    rows = list(read_pairs(path))          # the whole file is checked before anything is stored
    result.rows = len(rows)
    maker = _Rows(path, CityResolver(gazetteer or get_gazetteer()), result)
    with _progress(progress, len(rows)) as notify:
        done = 0
        for batch in _batches(rows, max(1, batch_size)):
            items = [item for item in map(maker.item, batch) if item is not None]
            result.skipped += len(batch) - len(items)
            states = atlas.source_states([(d.name, d.content_hash) for d, _ in items])
            todo = [item for item, state in zip(items, states) if state != "unchanged"]
            result.unchanged += len(items) - len(todo)
            for state in atlas.save_extractions(todo):
                setattr(result, state, getattr(result, state) + 1)
            done += len(batch)
            notify(done)
    result.cities = len(maker.seen)
    result.cities_unresolved = sum(not ok for ok in maker.seen.values())
    if report is not None:
        write_report(result.problems, report)
        result.report_path = str(report)
    result.seconds = time.perf_counter() - started
    return result


def _batches(rows: list[PairRow], size: int) -> Iterator[list[PairRow]]:
    for at in range(0, len(rows), size):
        yield rows[at:at + size]


@contextmanager
def _progress(progress: bool | Progress, total: int) -> Iterator[Callable[[int], None]]:
    """A `notify(rows done)` function: the caller's callback, a Rich bar on a terminal, or
    nothing."""
    if callable(progress):
        yield lambda done: progress(done, total)
        return
    if not progress or not sys.stderr.isatty():
        yield lambda done: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn
    from rich.progress import TextColumn, TimeRemainingColumn

    columns = (TextColumn("[bold]import-pairs[/] rows"), BarColumn(), MofNCompleteColumn(),
               TaskProgressColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("", total=total)
        yield lambda done: bar.update(task, completed=done)
