"""The `jumelage` command: parses arguments, calls the library, prints for people or for pipes.

Every command that touches the atlas takes `--db URL` (or `JUMELAGE_DATABASE_URL`); without it the
atlas is a SQLite file in the user's data directory. Errors meant for people (`JumelageError`) come
out as one `error: ...` line on stderr with exit status 1 (a database that does not answer, no
file that could be ingested, no such place); a wrong option or argument exits with status 2. JSON
output (`--json`, exports) goes to stdout alone, so it can be piped.
"""
from __future__ import annotations

import functools
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any, Optional, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from jumelage import __version__
from jumelage.errors import JumelageError, ReadError

app = typer.Typer(
    name="jumelage",
    help="Turn what cities publish about their twinnings and cooperations into a living atlas.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# no markup: names and quotes from documents are printed as they are; no wrapping of plain lines
out = Console(highlight=False, markup=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, markup=False, soft_wrap=True)

DbUrl = Annotated[
    Optional[str],
    typer.Option(
        "--db", envvar="JUMELAGE_DATABASE_URL", show_envvar=True, metavar="URL",
        help="Atlas database: sqlite:///FILE or postgresql+psycopg://USER@HOST/DB "
             "(default: a SQLite file in your data directory).",
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON (for pipes and scripts).")]

SAMPLES = Path(__file__).resolve().parents[2] / "samples"

F = TypeVar("F", bound=Callable[..., Any])


def _reports_errors(command: F) -> F:
    """Turn a user-facing error into one `error: ...` line and an exit status, never a traceback."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except JumelageError as e:
            _error(str(e))
            raise typer.Exit(1) from None

    return run  # type: ignore[return-value]


def _error(message: str) -> None:
    typer.echo(f"error: {message}", err=True)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _open_atlas(db: str | None):  # -> Atlas (imported late: SQLAlchemy is not needed by --help)
    from jumelage.atlas import Atlas

    return Atlas.open(db)


@app.callback(invoke_without_command=True)
def _root(
    version: Annotated[
        bool, typer.Option("--version", help="Print the version and exit.", is_eager=True)
    ] = False,
) -> None:
    if version:
        typer.echo(f"jumelage {__version__}")
        raise typer.Exit()


# -- ingest and demo ------------------------------------------------------------------------------

@app.command()
@_reports_errors
def ingest(
    paths: Annotated[
        list[Path],
        typer.Argument(metavar="PATH...", help="Files or folders (.txt .html .pdf .docx)."),
    ],
    db: DbUrl = None,
    as_json: AsJson = False,
    batch_size: Annotated[int, typer.Option(min=1, help="Documents per model pass.")] = 16,
) -> None:
    """Read, extract and store documents; already ingested content is skipped."""
    report, totals, _ = _ingest(paths, db, batch_size)
    if as_json:
        _print_json({"ingest": report.to_dict(), "atlas": totals})
    else:
        _print_report(report, totals)
    if report.total == 0:
        _error("no documents found in " + ", ".join(str(p) for p in paths))
        raise typer.Exit(1)
    if report.all_failed:
        _error(f"none of the {report.total} files could be ingested")
        raise typer.Exit(1)


@app.command()
@_reports_errors
def demo(db: DbUrl = None) -> None:
    """Ingest the sample documents that ship with jumelage and show how to explore the atlas."""
    if not SAMPLES.is_dir():
        raise JumelageError(f"{SAMPLES}: sample folder not found (run demo from a source checkout)")
    report, totals, example = _ingest([SAMPLES], db, suggest=True)
    _print_report(report, totals)
    prog, db_opt = _prog(), f" --db {_quote_arg(db)}" if db else ""
    out.print("\nExplore it:")
    out.print(f"  {prog} places{db_opt}")
    if example:
        out.print(f"  {prog} show {_quote_arg(example)}{db_opt}")
    out.print(f"  {prog} export --format geojson{db_opt} > atlas.geojson")
    out.print(f"  {prog} export --format csv --out atlas-csv{db_opt}")
    if report.all_failed:
        raise typer.Exit(1)


def _ingest(paths: list[Path], db: str | None, batch_size: int = 16, suggest: bool = False):
    """Run an ingest; print one line per failed file; the report, atlas totals, a place to show."""
    from jumelage.ingest import ingest as run_ingest

    with _open_atlas(db) as atlas:
        report = run_ingest(paths, atlas, batch_size=batch_size)
        totals = {"url": atlas.url, **atlas.summary()}
        example = _busiest_place(atlas) if suggest else None
    for failure in report.failures:
        typer.echo(str(failure), err=True)
    return report, totals, example


def _busiest_place(atlas: Any) -> str | None:
    """The name of the place with the most partners, to suggest a first `jumelage show`."""
    places = atlas.places(limit=None)
    if not places:
        return None
    best = max(places, key=lambda p: (p["partner_count"], p["action_count"]))
    return best["name"]


def _prog() -> str:
    """How this command was called, so that the suggested commands can be pasted as they are."""
    argv0 = Path(sys.argv[0]) if sys.argv and sys.argv[0] else Path()
    if argv0.name != "jumelage":
        return "python -m jumelage"
    return "jumelage" if shutil.which("jumelage") == str(argv0.absolute()) else str(argv0)


def _quote_arg(text: str) -> str:
    return f'"{text}"' if any(c in text for c in " '\"") else text


def _print_report(report: Any, totals: dict[str, Any]) -> None:
    c = report.counts()
    out.print(
        f"Ingested {c['total']} files in {report.seconds:.1f} s: {c['new']} new, "
        f"{c['unchanged']} unchanged, {c['updated']} updated, {c['failed']} failed."
    )
    out.print(_totals_line(totals))


TOTALS = ("places", "partnerships", "actions", "initiatives", "organisations", "sources")


def _totals_line(totals: dict[str, Any]) -> str:
    """`Atlas URL: N places, …` from a summary that carries the atlas URL."""
    counts = ", ".join(f"{totals.get(key, 0)} {key}" for key in TOTALS)
    return f"Atlas {totals['url']}: {counts}."


# -- extract --------------------------------------------------------------------------------------

@app.command()
@_reports_errors
def extract(
    path: Annotated[
        Path, typer.Argument(metavar="PATH", help="A document, or a folder of documents.")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the interchange format (one object per line "
                                          "for a folder).")
    ] = False,
    text: Annotated[
        bool, typer.Option("--text", help="Print the text as read (the text spans refer to).")
    ] = False,
    out_dir: Annotated[
        Optional[Path], typer.Option("--out", metavar="DIR",
                                     help="Write NAME.json per document into DIR (the layout "
                                          "score.py reads) instead of printing.")
    ] = None,
) -> None:
    """Extract places, partnerships, actions and initiatives from documents (atlas untouched)."""
    from jumelage.read import iter_documents

    folder = path.is_dir()
    files = sorted(iter_documents([path]), key=str) if folder else [path]
    if not files:
        raise ReadError(path, "no documents in this folder")
    if out_dir is not None:
        _make_folder(out_dir)
    done = 0
    for doc, result in _extract_stream(files, skip_extraction=text):
        if isinstance(result, str):
            where = doc if isinstance(doc, Path) else (doc.path or doc.name)
            if not folder:
                raise JumelageError(f"{where}: {result}")
            typer.echo(f"{where}: {result}", err=True)
            continue
        done += 1
        if text:
            body = doc.text if doc.text.endswith("\n") else doc.text + "\n"
            sys.stdout.write(f"==> {doc.name} <==\n{body}\n" if folder else body)
        elif out_dir is not None:
            target = out_dir / f"{Path(doc.name).stem}.json"
            _write(target, json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
            typer.echo(str(target))
        elif as_json and folder:
            sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
            sys.stdout.flush()
        elif as_json:
            _print_json(result.to_dict())
        else:
            _print_extraction(doc, result)
    if not done:
        raise typer.Exit(1)


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise JumelageError(f"{folder}: cannot create folder ({e.strerror or e})") from None


def _write(path: Path, payload: str) -> None:
    try:
        path.write_text(payload, encoding="utf-8")
    except OSError as e:
        raise JumelageError(f"{path}: cannot write ({e.strerror or e})") from None


def _extract_stream(files: list[Path], skip_extraction: bool, batch_size: int = 16) -> Iterator:
    """(document, extraction or problem) per file in order; (path, problem) for unreadable files."""
    from jumelage.ingest import extract_batch
    from jumelage.read import read_document

    extractor = None
    batch: list[Any] = []

    def flush() -> Iterator:
        nonlocal extractor
        if extractor is None:
            from jumelage.extract import default_extractor

            extractor = default_extractor()
        yield from zip(batch, extract_batch(batch, extractor), strict=True)
        batch.clear()

    for path in files:
        try:
            doc = read_document(path)
        except ReadError as e:
            yield path, e.problem
            continue
        if skip_extraction:
            yield doc, None
            continue
        batch.append(doc)
        if len(batch) >= batch_size:
            yield from flush()
    if batch:
        yield from flush()


def _print_extraction(doc: Any, ext: Any) -> None:
    """A readable summary of one document's extraction (the JSON form, in tables)."""
    data = ext.to_dict()
    names = {p["ref"]: p["name"] for p in data["places"]}

    def refs(items: Iterable[str | None]) -> str:
        return ", ".join(names.get(r, r) for r in items if r) or "—"

    out.print(f"{doc.name}  date: {data['date'] or '—'}  owner: {refs([data['owner']])}",
              style="bold")
    if doc.title:
        out.print(doc.title, style="dim")
    table = _table("Places", "ref", "place", "country", "kind", "geonames", "lat, lon")
    for p in data["places"]:
        table.add_row(p["ref"], p["name"], p["country"] or "", p["kind"],
                      str(p["geonames_id"] or ""), _latlon(p))
    _print_table(table, data["places"])
    table = _table("Partnerships", "places", "kind", "since", "status", "evidence")
    for p in data["partnerships"]:
        table.add_row(refs(p["places"]), p["kind"], p["since"] or "", p["status"],
                      _short(p["quote"]))
    _print_table(table, data["partnerships"])
    table = _table("Actions", "period", "status", "actors → partners", "themes", "amounts",
                   "evidence")
    for a in data["actions"]:
        table.add_row(_period(a["start"], a["end"]), a["status"],
                      f"{refs(a['actors'])} → {refs(a['partners'])}", ", ".join(a["themes"]),
                      _amounts(a["amounts"]), _short(a["quote"]))
    _print_table(table, data["actions"])
    table = _table("Initiatives", "place", "context", "themes", "amounts", "evidence")
    for i in data["initiatives"]:
        table.add_row(refs([i["place"]]), i["context"] or "", ", ".join(i["themes"]),
                      _amounts(i["amounts"]), _short(i["quote"]))
    _print_table(table, data["initiatives"])
    if data["organizations"]:
        out.print("Organisations: " + "; ".join(data["organizations"]))


def _short(text: str | None, width: int = 70) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


# -- queries --------------------------------------------------------------------------------------

@app.command()
@_reports_errors
def places(
    country: Annotated[
        Optional[str], typer.Option("--country", metavar="XX", help="ISO country code.")
    ] = None,
    q: Annotated[Optional[str], typer.Option("--q", help="Part of a place name.")] = None,
    limit: Annotated[int, typer.Option(min=1)] = 100,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    db: DbUrl = None,
    as_json: AsJson = False,
) -> None:
    """List the places of the atlas."""
    with _open_atlas(db) as atlas:
        rows = atlas.places(q=q, country=country.upper() if country else None, limit=limit,
                            offset=offset)
    if as_json:
        _print_json(rows)
        return
    if not rows:
        err.print("no places match" if (q or country) else "the atlas has no places yet "
                  "(try `jumelage demo` or `jumelage ingest FOLDER`)")
        return
    table = _table("Places", "id", "place", "country", "kind", "partners", "actions", "lat, lon")
    for p in rows:
        table.add_row(str(p["id"]), p["name"], p["country"] or "", p["kind"],
                      str(p["partner_count"]), str(p["action_count"]), _latlon(p))
    out.print(table)


@app.command()
@_reports_errors
def show(
    place: Annotated[str, typer.Argument(metavar="PLACE", help="A place name or id.")],
    db: DbUrl = None,
    as_json: AsJson = False,
) -> None:
    """A place with its partners (and their status history), actions, initiatives and sources."""
    with _open_atlas(db) as atlas:
        found = atlas.find_place(place)
        if found is None:
            raise JumelageError(f"no place matching {place!r} in the atlas "
                                "(list them with `jumelage places --q TEXT`)")
        detail = atlas.place_detail(found["id"])
        for partner in detail["partners"]:
            partner["history"] = atlas.partnership_history(partner["partnership_id"])
    if as_json:
        _print_json(detail)
    else:
        _print_place(detail)


def _print_place(detail: dict[str, Any]) -> None:
    place = detail["place"]
    out.print(f"{place['name']} ({place['country'] or '?'}, {place['kind']})  id {place['id']}  "
              f"geonames {place['geonames_id'] or '—'}  {_latlon(place) or 'no coordinates'}",
              style="bold")
    if place.get("aliases"):
        out.print("also: " + ", ".join(place["aliases"]))

    table = _table("Partners", "partner", "kind", "since", "status", "history", "dormant")
    for p in detail["partners"]:
        history = " → ".join(f"{h['status']} {h['date'] or ''}".strip() for h in p["history"])
        status = p["status"] if p["review_state"] == "extracted" else \
            f"{p['status']} ({p['review_state']})"
        table.add_row(_place_label(p["place"]), p["kind"], p["since"] or "", status, history,
                      "dormant" if p["dormant"] else "")
    _print_table(table, detail["partners"])

    table = _table("Timeline of actions", "period", "status", "actors → partners", "themes",
                   "amounts", "organisations")
    for a in detail["timeline"]:
        table.add_row(_period(a["start"], a["end"]), a["status"],
                      f"{_names(a['actors'])} → {_names(a['partners'])}", ", ".join(a["themes"]),
                      _amounts(a["amounts"]), _names(a["organisations"]))
    _print_table(table, detail["timeline"])

    table = _table("Initiatives", "period", "context", "themes", "amounts", "organisations")
    for i in detail["initiatives"]:
        table.add_row(_period(i["start"], i["end"]), i["context"] or "", ", ".join(i["themes"]),
                      _amounts(i["amounts"]), _names(i["organisations"]))
    _print_table(table, detail["initiatives"])

    table = _table("Sources", "source", "date", "title", "spans")
    for src in detail["sources"]:
        table.add_row(src["name"], src["date"] or "", _short(src["title"], 60),
                      str(len(src["evidence"])))
    _print_table(table, detail["sources"])


def _table(title: str, *columns: str) -> Table:
    """A table whose names never wrap and whose quotes keep to one line, cut with an ellipsis."""
    table = Table(title=title, title_justify="left")
    for name in columns:
        if name == "evidence":
            table.add_column(name, max_width=40)
        elif name in ("place", "partner", "source", "actors → partners"):
            table.add_column(name, no_wrap=name != "actors → partners", min_width=8)
        else:
            table.add_column(name)
    return table


def _print_table(table: Table, rows: list[Any]) -> None:
    if rows:
        out.print(table)
    else:
        out.print(f"{table.title}: none", style="dim")


def _place_label(p: dict[str, Any]) -> str:
    return f"{p['name']} ({p['country']})" if p.get("country") else p["name"]


def _names(items: list[dict[str, Any]]) -> str:
    return ", ".join(i["name"] or f"#{i['id']}" for i in items) or "—"


def _amounts(items: list[dict[str, Any]]) -> str:
    return "; ".join(
        f"{a['value']:g} {a['currency']}" + (f" per {a['per']}" if a.get("per") else "")
        for a in items
    )


def _period(start: str | None, end: str | None) -> str:
    if start and end and start != end:
        return f"{start} – {end}"
    if start:
        return start if end else f"{start} →"
    return f"→ {end}" if end else "—"


def _latlon(p: dict[str, Any]) -> str:
    if p["lat"] is None or p["lon"] is None:
        return ""
    return f"{p['lat']:.3f}, {p['lon']:.3f}"


@app.command()
@_reports_errors
def summary(db: DbUrl = None, as_json: AsJson = False) -> None:
    """Counts of what the atlas holds."""
    with _open_atlas(db) as atlas:
        totals = {"url": atlas.url, **atlas.summary()}
    if as_json:
        _print_json(totals)
    else:
        out.print(_totals_line(totals))


# -- exchange -------------------------------------------------------------------------------------

@app.command("export")
@_reports_errors
def export(
    format: Annotated[str, typer.Option("--format", "-f", help="json, csv or geojson.")] = "json",
    out_path: Annotated[
        Optional[Path], typer.Option("--out", "-o", help="File (json, geojson) or folder (csv).")
    ] = None,
    db: DbUrl = None,
) -> None:
    """Export the atlas: JSON (everything, re-importable), CSV tables or GeoJSON (map)."""
    from jumelage.atlas import exchange

    fmt = format.lower()
    if fmt not in ("json", "csv", "geojson"):
        raise typer.BadParameter(f"{format!r} is not one of json, csv, geojson",
                                 param_hint="--format")
    if fmt == "csv" and out_path is None:
        raise typer.BadParameter("csv export writes several files: give a folder",
                                 param_hint="--out")
    with _open_atlas(db) as atlas:
        if fmt == "csv":
            for written in exchange.export_csv(atlas, out_path):
                typer.echo(str(written))
            return
        data = exchange.export_json(atlas) if fmt == "json" else exchange.export_geojson(atlas)
    payload = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if out_path is None:
        sys.stdout.write(payload)
        return
    _write(out_path, payload)
    err.print(f"wrote {out_path}")


@app.command("import")
@_reports_errors
def import_(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A JSON export of an atlas.")],
    db: DbUrl = None,
) -> None:
    """Restore a JSON export (`jumelage export --format json`) into an empty atlas."""
    from jumelage.atlas import exchange

    data = exchange.read_export(file)
    with _open_atlas(db) as atlas:
        counts = exchange.import_json(atlas, data)
        totals = {"url": atlas.url, **atlas.summary()}
    out.print(f"Imported {file}: " + ", ".join(f"{n} {k}" for k, n in counts.items()) + ".")
    out.print(_totals_line(totals))


@app.command()
@_reports_errors
def match(
    place: Annotated[str, typer.Argument(metavar="PLACE", help="A place name or atlas id.")],
    country: Annotated[
        Optional[list[str]],
        typer.Option("--country", metavar="XX", help="Only partners in this country (ISO "
                     "code; repeat for several)."),
    ] = None,
    theme: Annotated[
        Optional[str], typer.Option("--theme", help="Only partners working on this theme "
                                    "(e.g. water_sanitation).")] = None,
    population: Annotated[
        Optional[str], typer.Option("--population", metavar="MIN:MAX",
                                    help="Only partners of this size (inhabitants; either "
                                         "bound may be left out: 10000: or :50000).")] = None,
    kind: Annotated[
        Optional[str], typer.Option("--kind", help="Only partners already holding a "
                                    "partnership of this kind (twinning, cooperation, ...).")
    ] = None,
    top: Annotated[int, typer.Option("--top", min=1, max=200, help="How many.")] = 10,
    lang: Annotated[str, typer.Option("--lang", help="Language of the reasons: fr or en.")] = "fr",
    db: DbUrl = None,
    as_json: AsJson = False,
) -> None:
    """Possible partners for a place, best first, with the reasons for each."""
    from jumelage.match import parse_population, propose

    span = parse_population(population) if population else None
    with _open_atlas(db) as atlas:
        result = propose(atlas, place, country=country or None, population=span, theme=theme,
                         kind=kind, top=top)
    if as_json:
        _print_json(result.to_dict())
        return
    here = result.place
    out.print(f"Possible partners for {here.name} ({here.country or '?'}), "
              f"{here.partner_count} partner(s) known:")
    if not result.proposals:
        err.print("no place matches these filters")
        return
    table = _table("Proposals", "#", "place", "country", "score", "km", "reasons")
    for p in result.proposals:
        words = "; ".join(r.en if lang == "en" else r.fr for r in p.reasons)
        table.add_row(str(p.rank), p.place.name, p.place.country or "", f"{p.score:.3f}",
                      "" if p.distance_km is None else f"{p.distance_km:,.0f}", words)
    out.print(table)


@app.command("import-pairs")
@_reports_errors
def import_pairs(
    file: Annotated[Path, typer.Argument(
        metavar="FILE.csv", help="A twin-city list: city_a, country_a_iso2, city_b, "
                                 "country_b_iso2 (lat_a, lng_a, lat_b, lng_b optional).")],
    db: DbUrl = None,
    report: Annotated[Optional[Path], typer.Option(
        "--report", metavar="FILE",
        help="Where to write the rows not imported cleanly (CSV: row, names, outcome, reason); "
             "default: FILE-report.csv in the current folder.")] = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Rows per transaction.")] = 250,
    as_json: AsJson = False,
) -> None:
    """Load a twin-city list into the atlas: each row a twinning with that file and row as
    evidence. Resumable; running it again changes nothing."""
    from jumelage.pairs import import_pairs as run_import
    from jumelage.pairs.table import check_header

    check_header(file)  # a file that is not a twin-city list fails before the atlas is opened
    report_path = report or Path(f"{file.stem}-report.csv")
    with _open_atlas(db) as atlas:
        result = run_import(file, atlas, report=report_path, batch_size=batch_size)
        totals = {"url": atlas.url, **atlas.summary()}
    c = result.counts()
    if as_json:
        _print_json({"import_pairs": result.to_dict(), "atlas": totals})
        return
    out.print(
        f"Imported {c['rows']} rows of {file} in {result.seconds:.1f} s: {c['new']} new, "
        f"{c['unchanged']} already in the atlas, {c['updated']} updated, {c['skipped']} "
        f"skipped.")
    out.print(f"{c['cities']} cities, {c['cities_unresolved']} not resolved to GeoNames (stored "
              f"as the file gives them); {c['rows_unresolved']} rows with such a city, "
              f"{c['rows_doubtful']} doubtful: see {result.report_path}.")
    out.print(_totals_line(totals))


# -- entry point ----------------------------------------------------------------------------------

def main() -> None:
    """The `jumelage` console script (and `python -m jumelage`)."""
    try:
        app()
    except BrokenPipeError:  # `jumelage export | head`: the reader left, nothing more to say
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
    except KeyboardInterrupt:
        _error("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
