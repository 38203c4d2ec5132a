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
from typing import Annotated, Any, NoReturn, Optional, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperCommand

from jumelage import __version__
from jumelage.errors import JumelageError, ReadError
from jumelage.records import (ACTION_STATUSES, EXPORT_FORMATS, PARTNERSHIP_KINDS,
                              PARTNERSHIP_STATUSES, PLACE_KINDS, THEMES)

try:        # typer 0.2x carries its own copy of click; older ones use click itself
    from typer._click import exceptions as _click_errors
except ImportError:                                                    # pragma: no cover
    from click import exceptions as _click_errors  # type: ignore[no-redef]

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

CountryOpt = Annotated[
    Optional[str], typer.Option("--country", metavar="XX", help="ISO country code.")]
AfterOpt = Annotated[Optional[str], typer.Option(
    "--after", metavar="CURSOR", help="Start after this cursor (printed under a full page).")]

F = TypeVar("F", bound=Callable[..., Any])
_PLURALS = {"city": "cities"}


def _one_of(choices: Iterable[str]) -> str:
    """Help text listing the allowed values, from the one tuple that defines them."""
    return "One of: " + ", ".join(choices) + "."


def _other_names(name: str, aliases: list[str]) -> list[str]:
    """The aliases a reader would call other names: one per name key, none that only writes the
    name itself in other capitals or accents (« ANGERS » for Angers; --json keeps them all)."""
    from jumelage.names import name_key

    seen = {name_key(name)}
    out = []
    for alias in aliases:
        if name_key(alias) not in seen:
            seen.add(name_key(alias))
            out.append(alias)
    return out


def _count(n: int, noun: str) -> str:
    """`1 row`, `2 rows`, `0 cities`: a number and its noun, agreeing."""
    return f"{n} {noun if n == 1 else _PLURALS.get(noun, noun + 's')}"
T = TypeVar("T")


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


def _open_atlas(db: str | None, create: bool = False):  # -> Atlas (imported late)
    """The atlas at `db`; only `ingest`, `import`, `import-pairs` and `demo` pass `create` (the others say
    « no atlas at … » instead of creating an empty one)."""
    from jumelage.atlas import Atlas

    return Atlas.open(db, create=create)


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

OwnerHint = Annotated[
    Optional[str], typer.Option("--owner", metavar="PLACE",
                                help="The place that speaks in the documents (\"Les Herbiers\", "
                                     "\"Département de la Creuse\"), when the text does not say.")
]


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
    owner: OwnerHint = None,
    exclude: Annotated[Optional[list[str]], typer.Option(
        "--exclude", metavar="PATTERN",
        help="Leave out of folders the files matching this shell pattern (repeatable; a "
             "folder's .jumelageignore file lists more).")] = None,
    max_text_size: Annotated[Optional[float], typer.Option(
        "--max-text-size", metavar="MB", min=0.001,
        help="Longest text extracted from one document, in MB of characters "
             "(default: $JUMELAGE_MAX_TEXT_MB, else 20).")] = None,
) -> None:
    """Read, extract and store documents; already ingested content is skipped.

    Ctrl-C stops the run: what was saved stays (each document whole), and running the same
    command again does the rest (exit status 130).
    """
    report, totals, _ = _ingest(paths, db, batch_size, exclude=exclude or [], owner=owner,
                                 max_text_mb=max_text_size)
    if as_json:
        _print_json({"ingest": report.to_dict(), "atlas": totals})
    else:
        _print_report(report, totals)
    if report.total == 0:
        _error("no documents found in " + ", ".join(str(p) for p in paths))
        raise typer.Exit(1)
    if report.all_failed:
        _error("the file could not be ingested" if report.total == 1
               else f"none of the {report.total} files could be ingested")
        raise typer.Exit(1)


@app.command()
@_reports_errors
def demo(db: DbUrl = None) -> None:
    """Ingest the sample documents that ship with jumelage and show how to explore the atlas."""
    from jumelage.demo import sample_folder

    report, totals, example = _ingest([sample_folder()], db, suggest=True)
    _print_report(report, totals)
    prog, db_opt = _prog(), f" --db {_quote_arg(db)}" if db else ""
    out.print("\nExplore it:")
    out.print(f"  {prog} places{db_opt}")
    if example:
        out.print(f"  {prog} show {_quote_arg(example)}{db_opt}")
    out.print(f"  {prog} export --format geojson{db_opt} > atlas.geojson")
    out.print(f"  {prog} export --format csv --out atlas-csv{db_opt}")
    out.print(f"\nOpen it in a browser: {prog} serve{db_opt}   then http://127.0.0.1:8000/")
    if report.all_failed:
        raise typer.Exit(1)


def _ingest(paths: list[Path], db: str | None, batch_size: int = 16, suggest: bool = False,
            exclude: list[str] | None = None, owner: str | None = None,
            max_text_mb: float | None = None):
    """Run an ingest; print one line per failed, skipped or noted file; the report, atlas
    totals, a place to show. Ctrl-C: says what was saved and how to resume, exit 130."""
    from jumelage.demo import busiest_place
    from jumelage.ingest import Interrupted
    from jumelage.ingest import ingest as run_ingest

    with _open_atlas(db, create=True) as atlas:
        try:
            report = run_ingest(paths, atlas, batch_size=batch_size, exclude=exclude or (),
                               owner=owner, max_text_mb=max_text_mb)
        except Interrupted as stop:
            _print_file_lines(stop.report)
            r = stop.report
            _error(f"interrupted after {_count(r.total, 'file')}: "
                   f"{_count(r.saved, 'document')} saved "
                   f"({len(r.new)} new, {len(r.updated)} updated), {len(r.unchanged)} "
                   f"unchanged, {r.failed} failed; each saved document is complete. Run the "
                   "same command again to ingest the rest.")
            raise typer.Exit(130) from None
        totals = {"url": atlas.url, **atlas.summary()}
        example = busiest_place(atlas) if suggest else None
    _print_file_lines(report)
    return report, totals, example


def _print_file_lines(report: Any) -> None:
    """One line on stderr per failed file, skipped file and file read with a note."""
    for failure in report.failures:
        typer.echo(str(failure), err=True)
    for skipped in report.skipped:
        typer.echo(f"{skipped.path}: skipped, {skipped.problem}", err=True)
    for note in report.notes:
        typer.echo(f"{note.path}: note: {note.problem}", err=True)


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
    n = len(report.skipped)
    skipped = (f" {_count(n, 'file')} in the folders {'was' if n == 1 else 'were'} skipped "
               "(each named with its reason).") if n else ""
    out.print(
        f"Ingested {_count(c['total'], 'file')} in {report.seconds:.1f} s: {c['new']} new, "
        f"{c['unchanged']} unchanged, {c['updated']} updated, {c['failed']} failed.{skipped}"
    )
    out.print(_totals_line(totals))


TOTALS = ("place", "partnership", "action", "initiative", "organisation", "source")


def _totals_line(totals: dict[str, Any]) -> str:
    """`Atlas URL: N places, …` from a summary that carries the atlas URL."""
    counts = ", ".join(_count(totals.get(f"{key}s", 0), key) for key in TOTALS)
    return f"Atlas {totals['url']}: {counts}."


# -- extract --------------------------------------------------------------------------------------

@app.command()
@_reports_errors
def extract(
    paths: Annotated[
        list[Path], typer.Argument(metavar="PATH...", help="Documents, or folders of documents.")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the interchange format (one object per line "
                                          "for a folder or several paths).")
    ] = False,
    text: Annotated[
        bool, typer.Option("--text", help="Print the text as read (the text spans refer to).")
    ] = False,
    out_dir: Annotated[
        Optional[Path], typer.Option("--out", metavar="DIR",
                                     help="Write NAME.json per document into DIR (the layout "
                                          "score.py reads) instead of printing.")
    ] = None,
    owner: OwnerHint = None,
    known_partners: Annotated[
        Optional[Path], typer.Option("--known-partners", metavar="DIR",
                                     help="A twin-city list (twin_cities_nodes.csv and "
                                          "twin_city_pairs.csv) whose partnerships tell "
                                          "homonyms apart.")
    ] = None,
) -> None:
    """Extract places, partnerships, actions and initiatives from documents (atlas untouched)."""
    from jumelage.read import scan

    # several paths or a folder: one line per document, each file once, a bad or skipped file
    # named on stderr with its reason
    folder = len(paths) > 1 or any(p.is_dir() for p in paths)
    found = scan(paths)
    files: list = list(found.files)
    for path, why in found.skipped:
        typer.echo(f"{path}: skipped, {why}", err=True)
    if not files:
        if len(paths) == 1 and paths[0].is_dir():
            raise ReadError(paths[0], "no documents in this folder")
        raise JumelageError("no documents to extract in the paths given")
    if out_dir is not None:
        _make_folder(out_dir)
    done = 0
    prior = None
    if known_partners is not None:
        from jumelage.gazetteer import KnownPartners

        prior = KnownPartners.from_twin_cities(known_partners)
    from jumelage.ingest import extract_files

    for doc, result in extract_files(files, text_only=text, owner=owner, known_partners=prior):
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
        if folder:
            raise JumelageError("the one file could not be extracted" if len(files) == 1
                                else f"none of the {len(files)} files could be extracted")
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
    """One line; cut to `width` with an ellipsis on a terminal, whole when piped."""
    text = " ".join((text or "").split())
    if not out.is_terminal:
        return text
    return text if len(text) <= width else text[: width - 1] + "…"


# -- queries --------------------------------------------------------------------------------------

@app.command()
@_reports_errors
def places(
    country: CountryOpt = None,
    q: Annotated[Optional[str], typer.Option("--q", help="Part of a place name.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 100,
    after: AfterOpt = None,
    db: DbUrl = None,
    as_json: AsJson = False,
) -> None:
    """List the places of the atlas, by name, a page at a time."""
    from jumelage.atlas import Filters
    with _open_atlas(db) as atlas:
        page = atlas.places(Filters(q=q, country=country.upper() if country else None),
                            after=after, limit=limit)
    rows = page["items"]
    if page["next"]:
        err.print(f"more: --after {page['next']}")
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
    _print_table(table, rows, count="place")


@app.command()
@_reports_errors
def search(
    query: Annotated[str, typer.Argument(metavar="QUERY", help="Words to find (French).")],
    record: Annotated[Optional[str], typer.Option(
        "--record", help="place, partnership, action, initiative or source.")] = None,
    theme: Annotated[Optional[str], typer.Option("--theme", help="A theme code.")] = None,
    country: CountryOpt = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 20,
    after: AfterOpt = None,
    db: DbUrl = None,
    as_json: AsJson = False,
) -> None:
    """Search the atlas in French: accents, case and word endings do not matter."""
    from jumelage.atlas import Filters
    with _open_atlas(db) as atlas:
        page = atlas.search(query, Filters(record=record, theme=theme, country=country),
                            after=after, limit=limit)
    if as_json:
        _print_json(page)
        return
    if not page["items"]:
        err.print(f"nothing matches {query!r}")
        return
    table = _table(_count(page["total"], "result"), "record", "id", "what", "year", "evidence")
    for h in page["items"]:
        ev = h["evidence"]
        where = f"{ev['source']} [{ev['start']}:{ev['end']}]" if ev else ""
        table.add_row(h["record"], str(h["id"]), h["label"], str(h["year"] or ""), where)
    _print_table(table, page["items"])
    facets = out if out.is_terminal else err     # piped: stdout holds only the TSV
    for name in ("record", "theme", "country", "year"):
        counts = page["facets"][name]  # type: ignore[literal-required]
        if counts:
            facets.print(f"{name}: " + ", ".join(f"{c['value']} {c['count']}" for c in counts[:12]))
    if page["next"]:
        err.print(f"more: --after {page['next']}")


@app.command()
@_reports_errors
def show(
    place: Annotated[str, typer.Argument(metavar="PLACE", help="A place name or id.")],
    db: DbUrl = None,
    as_json: AsJson = False,
) -> None:
    """A place with its partners (and their status history), actions, initiatives and sources."""
    if not place.strip():
        raise typer.BadParameter("give a place name or id", param_hint="PLACE")
    with _open_atlas(db) as atlas:
        found = atlas.find_place(place)
        if found is None and place.strip().isdigit():
            raise JumelageError(f"no place with id {place.strip()}")
        if found is None:
            raise JumelageError(f"no place matching {place!r} in the atlas "
                                "(list them with `jumelage places --q TEXT`)")
        detail = atlas.place_page(found["id"])  # the shape of GET /api/places/{id}
    if as_json:
        _print_json(detail)
    else:
        _print_place(detail)


def _first_quote(record: dict[str, Any]) -> str:
    return next((e["quote"] for e in record.get("evidence", []) if e["quote"]), "")


def _with_state(status: str, review_state: str) -> str:
    return status if review_state == "extracted" else f"{status} ({review_state})"


def _print_place(detail: dict[str, Any]) -> None:
    place = detail["place"]
    out.print(f"{place['name']} ({place['country'] or '?'}, {place['kind']})  id {place['id']}  "
              f"geonames {place['geonames_id'] or '—'}  {_latlon(place) or 'no coordinates'}",
              style="bold")
    other_names = _other_names(place["name"], place.get("aliases") or [])
    if other_names:
        out.print("also: " + ", ".join(other_names))

    table = _table("Partners", "id", "partner", "kind", "since", "status", "history", "activity")
    for p in detail["partners"]:
        history = " → ".join(f"{h['status']} {h['date'] or ''}".strip() for h in p["history"])
        table.add_row(p["ref"], _place_label(p["place"]), p["kind"],
                      p["since"] or "", _with_state(p["status"], p["review_state"]), history,
                      _ACTIVITY[p["activity"]])
    _print_table(table, detail["partners"])

    table = _table("Timeline of actions", "id", "period", "status", "actors → partners",
                   "themes", "amounts", "organisations", "evidence")
    for a in detail["timeline"]:
        table.add_row(a["ref"], _period(a["start"], a["end"]),
                      _with_state(a["status"], a["review_state"]),
                      f"{_names(a['actors'])} → {_names(a['partners'])}", ", ".join(a["themes"]),
                      _amounts(a["amounts"]), _names(a["organisations"]),
                      _short(_first_quote(a)))
    _print_table(table, detail["timeline"])

    table = _table("Initiatives", "id", "period", "context", "themes", "amounts",
                   "organisations", "evidence")
    for i in detail["initiatives"]:
        table.add_row(i["ref"], _period(i["start"], i["end"]),
                      i["context"] or "", ", ".join(i["themes"]), _amounts(i["amounts"]),
                      _names(i["organisations"]), _short(_first_quote(i)))
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


def _print_table(table: Table, rows: list[Any], count: str | None = None) -> None:
    """A Rich table on a terminal; tab-separated values (a `# title` line, a header, one row per
    line, nothing cut) when the output is a pipe or a file. `count` (a noun, e.g. "place") ends
    a list with its count (`1 place`, `2 places`): below the table on a terminal, on stderr
    when piped."""
    if not out.is_terminal:
        _print_tsv(table, rows, count is None)
    elif rows:
        for column in table.columns:  # ids are never cut: `review` needs them whole
            if column.header == "id":
                column.no_wrap, column.overflow = True, "fold"
                column.min_width = max(len(str(c)) for c in column.cells)
        out.print(table)
    elif count is None:
        out.print(f"{table.title}: none", style="dim")
    if count is not None:
        line = _count(len(rows), count)
        if out.is_terminal:
            out.print(line, style="dim")
        else:
            err.print(line)


def _print_tsv(table: Table, rows: list[Any], titled: bool) -> None:
    def cell(value: Any) -> str:
        return " ".join(str(value).split())

    lines = []
    if titled:
        lines.append(f"# {table.title} ({len(rows)})")
    if rows:
        columns = [list(c.cells) for c in table.columns]
        lines.append("\t".join(cell(c.header) for c in table.columns))
        lines += ["\t".join(cell(v) for v in row) for row in zip(*columns, strict=True)]
    sys.stdout.write("\n".join(lines) + ("\n\n" if titled else "\n"))
    sys.stdout.flush()


# a partnership's activity (`atlas/dormancy.py`) as `show` prints it; recent needs no word
_ACTIVITY = {"recent": "", "dormant": "dormant", "unrecorded": "no recorded action"}


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
    format: Annotated[str, typer.Option("--format", "-f", help=_one_of(EXPORT_FORMATS))] = "json",
    out_path: Annotated[
        Optional[Path], typer.Option("--out", "-o", help="File (json, geojson) or folder (csv).")
    ] = None,
    db: DbUrl = None,
    excel: Annotated[bool, typer.Option(
        "--excel", help="CSV for a spreadsheet set to French: UTF-8 with a BOM, fields "
                        "separated by ';', decimal comma (46,16).")] = False,
    bom: Annotated[bool, typer.Option("--bom", help="CSV: start each file with a UTF-8 "
                                                    "BOM.")] = False,
    delimiter: Annotated[Optional[str], typer.Option(
        "--delimiter", metavar="CHAR", help="CSV field separator (default ',').")] = None,
) -> None:
    """Export the atlas: JSON (everything, re-importable), CSV tables or GeoJSON (map)."""
    from jumelage.atlas import exchange

    fmt = format.lower()
    if fmt not in EXPORT_FORMATS:
        raise typer.BadParameter(f"{format!r} is not one of {', '.join(EXPORT_FORMATS)}",
                                 param_hint="--format")
    if fmt == "csv" and out_path is None:
        raise typer.BadParameter("csv export writes several files: give a folder",
                                 param_hint="--out")
    with _open_atlas(db) as atlas:
        if fmt == "csv":
            options = exchange.csv_options(excel=excel, bom=bom, delimiter=delimiter)
            for written in exchange.export_csv(atlas, out_path, **options):
                typer.echo(str(written))
            return
        data = exchange.export_json(atlas) if fmt == "json" else exchange.export_geojson(atlas)
    if fmt == "geojson" and data["places_without_coordinates"]:
        n = data["places_without_coordinates"]
        err.print(f"{_count(n, 'place')} without coordinates kept with a null geometry")
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
    exchange.check_export(data)  # before the target atlas is even created
    with _open_atlas(db, create=True) as atlas:
        counts = exchange.import_json(atlas, data)
        totals = {"url": atlas.url, **atlas.summary()}
    out.print(f"Imported {file}: " + ", ".join(_count(n, k.removesuffix("s"))
                                               for k, n in counts.items()) + ".")
    out.print(_totals_line(totals))


class _PlainUsage(TyperCommand):
    """A command whose usage errors (a missing argument, an unknown option, a value of the wrong
    type) come out as one `error: ...` line with exit status 2, like its own errors, instead of
    Rich's box; and where an option that takes one value may not be given twice (click would
    keep the last one silently). Options that may be repeated say so and combine."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            self._refuse_repeats(args)
            return super().parse_args(ctx, args)
        except _click_errors.UsageError as e:
            message = " ".join(e.format_message().split()).rstrip(".")
            _error(f"{message} (see `{ctx.command_path} -h`)")
            raise typer.Exit(2) from None

    def _refuse_repeats(self, args: list[str]) -> None:
        single = {name: p for p in self.params if p.param_type_name == "option"
                  and not p.multiple and not getattr(p, "is_flag", False)
                  and not getattr(p, "count", False)
                  for name in p.opts + p.secondary_opts}
        seen: set[str] = set()
        takes_value = False
        for arg in args:
            if arg == "--":
                break
            if takes_value:          # the value of the option before, even if it looks like one
                takes_value = False
                continue
            name = arg.split("=", 1)[0]
            option = single.get(name)
            if option is None:
                continue
            if option.name in seen:
                raise _click_errors.UsageError(f"{name} given twice: give it once")
            seen.add(option.name or name)
            takes_value = "=" not in arg


def _usage(message: str) -> NoReturn:
    """A wrong option or argument value: one `error: ...` line and exit status 2."""
    _error(message)
    raise typer.Exit(2)


_THEMES_HELP = ("Only partners working on this theme (repeat for any of several): "
                + ", ".join(THEMES) + ".")


@app.command(cls=_PlainUsage)
@_reports_errors
def match(
    place: Annotated[str, typer.Argument(metavar="PLACE", help="A place name or atlas id.")],
    country: Annotated[
        Optional[list[str]],
        typer.Option("--country", metavar="XX", help="Only partners in this country (ISO "
                     "code; repeat for several)."),
    ] = None,
    theme: Annotated[
        Optional[list[str]], typer.Option("--theme", metavar="THEME", help=_THEMES_HELP)] = None,
    population: Annotated[
        Optional[str], typer.Option("--population", metavar="MIN:MAX",
                                    help="Only partners of this size (inhabitants; either "
                                         "bound may be left out: 10000: or :50000).")] = None,
    kind: Annotated[
        Optional[list[str]], typer.Option(
            "--kind", metavar="KIND", help="Place kind of the partners: "
            f"{', '.join(PLACE_KINDS)}, or any (default: the place's own kind: a town is offered "
            "towns, a region or department regions and departments; repeat for several).")
    ] = None,
    partnership: Annotated[
        Optional[list[str]], typer.Option(
            "--partnership", metavar="KIND", help="Only partners that already hold a "
            f"partnership of this kind: {', '.join(PARTNERSHIP_KINDS)} (repeat for any of "
            "several).")
    ] = None,
    top: Annotated[int, typer.Option("--top", help="How many (1 to 200).")] = 10,
    lang: Annotated[str, typer.Option("--lang", help="Language of the reasons: fr or en.")] = "fr",
    db: DbUrl = None,
    as_json: AsJson = False,
) -> None:
    """Possible partners for a place, best first, with the reasons for each."""
    # on a terminal a line per proposal and its reasons below it; piped, TSV (_print_proposals)
    from jumelage.match import BadFilter, check_filters, parse_population, propose

    try:
        if lang not in ("fr", "en"):
            raise BadFilter(f"--lang {lang!r}: expected fr or en")
        if not place.strip():
            raise BadFilter("PLACE is empty: give a place name or an atlas id")
        span = parse_population(population) if population else None
        check_filters(country, span, theme, kind, top, partnership=partnership)
    except BadFilter as e:          # a wrong option value: usage error, status 2
        _usage(str(e))
    with _open_atlas(db) as atlas:
        try:
            result = propose(atlas, place, country=country or None, population=span,
                             theme=theme or None, kind=kind or None,
                             partnership=partnership or None, top=top)
        except BadFilter as e:
            _usage(str(e))
    if as_json:
        _print_json(result.to_dict())
        return
    _print_proposals(result, lang)


def _print_proposals(result: Any, lang: str) -> None:
    """The proposals of `match`: on a terminal, a line per proposal (rank, place, score,
    distance) and its reasons below it, wrapped to the terminal's width; piped, TSV."""
    import textwrap

    here = result.place
    title = (f"Possible partners for {here.name} ({here.country or '?'}, {here.kind}; "
             f"{_count(here.partner_count, 'partner')} known)")
    said = [[r.en if lang == "en" else r.fr for r in p.reasons] for p in result.proposals]
    if not out.is_terminal:
        table = _table(title, "rank", "place", "country", "kind", "population", "score", "km",
                       "reasons")
        for p, words in zip(result.proposals, said):
            table.add_row(str(p.rank), p.place.name, p.place.country or "", p.place.kind,
                          "" if p.place.population is None else str(p.place.population),
                          f"{p.score:.4f}",
                          "" if p.distance_km is None else f"{p.distance_km:.0f}",
                          " ; ".join(words))
        _print_tsv(table, result.proposals, titled=True)
    else:
        out.print(title + ":")
        width = max(40, min(out.width, 100))
        for p, words in zip(result.proposals, said):
            facts = [f"score {p.score:.4f}"]
            if p.distance_km is not None:
                facts.append(f"{p.distance_km:,.0f} km")
            if p.place.kind != here.kind:
                facts.append(p.place.kind)
            out.print(f"{p.rank:>3}. {p.place.name} ({p.place.country or '?'})  "
                      + " · ".join(facts))
            for line in words:
                out.print(textwrap.fill(line, width, initial_indent="       - ",
                                        subsequent_indent="         "), style="dim")
    for note in result.notes:       # what to know about the answer (why it is empty)
        err.print(note.en if lang == "en" else note.fr)
    if not result.proposals and not result.notes:
        err.print("no place matches these filters")


@app.command("import-pairs", cls=_PlainUsage)
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
    """Load a twin-city list into the atlas, each row a twinning with its row as evidence.

    Resumable; running it again changes nothing."""
    from jumelage.pairs import import_pairs as run_import
    from jumelage.pairs.table import check_header

    check_header(file)  # a file that is not a twin-city list fails before the atlas is opened
    report_path = report or Path(f"{file.stem}-report.csv")
    with _open_atlas(db, create=True) as atlas:
        result = run_import(file, atlas, report=report_path, batch_size=batch_size)
        totals = {"url": atlas.url, **atlas.summary()}
    c = result.counts()
    if as_json:
        _print_json({"import_pairs": result.to_dict(), "atlas": totals})
        return
    out.print(
        f"Imported {_count(c['rows'], 'row')} of {file} in {result.seconds:.1f} s: "
        f"{c['new']} new, {c['unchanged']} already in the atlas, {c['updated']} updated, "
        f"{c['skipped']} skipped.")
    out.print(f"{_count(c['cities'], 'city')}, {c['cities_unresolved']} not resolved to GeoNames "
              f"(stored as the file gives them); {_count(c['rows_unresolved'], 'row')} with such "
              f"a city, {c['rows_doubtful']} doubtful, {c['skipped']} skipped (unknown country, "
              f"no name, ...): see {result.report_path}.")
    out.print(_totals_line(totals))
# -- web ------------------------------------------------------------------------------------------

@app.command()
@_reports_errors
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    db: DbUrl = None,
    private: Annotated[
        bool, typer.Option("--private", help="Only signed-in accounts may read the atlas.")
    ] = False,
    tiles: Annotated[
        Optional[str],
        typer.Option(metavar="URL", help="Online map tiles ({z}/{x}/{y}), opt-in; the offline "
                                         "world outline stays beneath them."),
    ] = None,
    secure_cookies: Annotated[
        Optional[bool],
        typer.Option("--secure-cookies/--no-secure-cookies",
                     help="Session cookie over HTTPS only (default: on unless on loopback)."),
    ] = None,
) -> None:
    """Serve the web atlas (map, pages, JSON API at /api/, review) until Ctrl-C."""
    import uvicorn

    from jumelage.web import Settings, create_app

    loopback = host in ("127.0.0.1", "localhost", "::1")
    settings = Settings(private=private, tiles_url=tiles,
                        secure_cookies=(not loopback) if secure_cookies is None else secure_cookies)
    web = create_app(db, settings, create=False)
    out.print(f"Serving the atlas {web.state.atlas.url} on http://{_url_host(host)}:{port}/ "
              "(Ctrl-C to stop)")
    uvicorn.run(web, host=host, port=port, log_level="warning")


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


user_app = typer.Typer(help="Accounts of the web atlas (viewer, editor, admin).",
                       no_args_is_help=True)
app.add_typer(user_app, name="user")


@user_app.command("add")
@_reports_errors
def user_add(
    name: Annotated[str, typer.Argument(help="Account name (no spaces).")],
    role: Annotated[str, typer.Option(help="viewer, editor or admin.")] = "viewer",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    replace: Annotated[
        bool, typer.Option("--replace", help="Reset the password and role of an existing account.")
    ] = False,
    db: DbUrl = None,
) -> None:
    """Create an account; the password is asked for (or read from stdin), never an argument."""
    from jumelage.atlas import accounts

    if role not in accounts.ROLES:
        raise typer.BadParameter(f"{role!r} is not one of {', '.join(accounts.ROLES)}",
                                 param_hint="--role")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with _open_atlas(db) as atlas:
        made = accounts.add_user(atlas, name, password, role, replace=replace)
    out.print(f"{'Updated' if replace else 'Created'} account {made['name']} ({made['role']}).")


UserName = Annotated[str, typer.Argument(help="Account name.")]


def _accounts(db: str | None, call: Callable[[Any, Any], T]) -> T:
    """`call(accounts module, atlas)` on the atlas at `db`: the account commands' one door."""
    from jumelage.atlas import accounts

    with _open_atlas(db) as atlas:
        return call(accounts, atlas)


@user_app.command("list")
@_reports_errors
def user_list(db: DbUrl = None, as_json: AsJson = False) -> None:
    """List the accounts and their roles."""
    found = _accounts(db, lambda accounts, atlas: accounts.users(atlas))
    if as_json:
        _print_json(found)
        return
    for u in found:
        out.print(f"{u['name']}\t{u['role']}")


@user_app.command("remove")
@_reports_errors
def user_remove(name: UserName, db: DbUrl = None) -> None:
    """Delete an account and its API tokens."""
    if not _accounts(db, lambda accounts, atlas: accounts.remove_user(atlas, name)):
        raise JumelageError(f"no user {name}")
    out.print(f"Removed account {name}.")


@user_app.command("token")
@_reports_errors
def user_token(name: UserName, db: DbUrl = None) -> None:
    """Make an API token for an account (`Authorization: Bearer TOKEN`); shown only once."""
    sys.stdout.write(_accounts(db, lambda accounts, atlas: accounts.new_token(atlas, name)) + "\n")


# -- curating: sources, review, add ----------------------------------------------------------------

sources_app = typer.Typer(help="List the sources of the atlas, or remove one with its claims.",
                          no_args_is_help=False)
review_app = typer.Typer(help="List records to check; confirm, correct or reject them by id.")
add_app = typer.Typer(help="Add a record a person knows: place, partnership, action, initiative.",
                      no_args_is_help=True)
app.add_typer(sources_app, name="sources")
app.add_typer(review_app, name="review")
app.add_typer(add_app, name="add")

Note = Annotated[Optional[str], typer.Option("--note", help="Why (kept with the record).")]
RecordRef = Annotated[str, typer.Argument(metavar="KIND:ID",
                                          help="A record id as `show` and `review` print it, "
                                               "e.g. action:12.")]


@sources_app.callback(invoke_without_command=True)
@_reports_errors
def sources_list(ctx: typer.Context, db: DbUrl = None, as_json: AsJson = False) -> None:
    """List the sources: name, date and the records each supports."""
    if ctx.invoked_subcommand is not None:
        return
    with _open_atlas(db) as atlas:
        rows = atlas.source_list()
    if as_json:
        _print_json(rows)
        return
    table = _table("Sources", "id", "source", "date", "places", "partnerships", "actions",
                   "initiatives", "organisations")
    for r in rows:
        n = r["records"]
        table.add_row(str(r["id"]), r["name"], r["date"] or "", str(n["place"]),
                      str(n["partnership"]), str(n["action"]), str(n["initiative"]),
                      str(n["organisation"]))
    _print_table(table, rows, count="source")


@sources_app.command("remove")
@_reports_errors
def sources_remove(
    source: Annotated[str, typer.Argument(metavar="SOURCE", help="A source name, path or id.")],
    db: DbUrl = None,
    as_json: AsJson = False,
) -> None:
    """Remove a source and every extracted record only it supported (one transaction)."""
    with _open_atlas(db) as atlas:
        report = atlas.forget_source(source)
    if as_json:
        _print_json(report)
        return
    removed = ", ".join(_count(n, kind) for kind, n in report["removed"].items() if n) \
        or "no records"
    out.print(f"Removed source {report['source']} and {removed} only it supported.")
    if report["kept"]:
        kept = ", ".join(f"{k['kind']}:{k['id']} ({k['review_state']})" for k in report["kept"])
        out.print(f"Kept {_count(len(report['kept']), 'reviewed record')}, noted as having "
                  f"lost this source: {kept}")


@review_app.callback(invoke_without_command=True)
@_reports_errors
def review_list(
    ctx: typer.Context,
    place: Annotated[Optional[str], typer.Option("--place", help="Records involving this place "
                                                                 "(name or id).")] = None,
    source: Annotated[Optional[str], typer.Option("--source", help="Records this source gives "
                                                                   "evidence for.")] = None,
    kind: Annotated[Optional[str], typer.Option(
        "--kind", help="place, partnership, action, initiative or organisation.")] = None,
    state: Annotated[str, typer.Option(
        "--state", help="extracted (not yet checked), confirmed, corrected, rejected, manual, "
                        "or all.")] = "extracted",
    limit: Annotated[int, typer.Option(min=1)] = 100,
    db: DbUrl = None,
    as_json: AsJson = False,
) -> None:
    """List records to check, with their evidence; act on them with confirm/correct/reject."""
    if ctx.invoked_subcommand is not None:
        return
    with _open_atlas(db) as atlas:
        rows = atlas.to_review(place=place, source=source, kind=kind, state=state, limit=limit)
    if as_json:
        _print_json(rows)
        return
    table = _table("Records to review", "id", "record", "state", "sources", "evidence")
    for r in rows:
        sources = ", ".join(dict.fromkeys(e["source"] for e in r["evidence"] if e["source"]))
        note = f" [{r['review_note']}]" if r.get("review_note") else ""
        quote = next((e["quote"] for e in r["evidence"] if e["quote"]), "")
        table.add_row(r["ref"], r["label"] + note, r["review_state"], sources or "—",
                      _short(quote))
    _print_table(table, rows, count="record")


def _review(ref: str, state: str, db: str | None, note: str | None,
            changes: dict[str, Any] | None = None, as_json: bool = False) -> None:
    from jumelage.atlas import checklist

    kind, rid = checklist.parse_ref(ref)
    with _open_atlas(db) as atlas:
        if changes is not None:
            from jumelage.atlas import fieldtext

            changes = fieldtext.parse(changes, fieldtext.finder(atlas))
        record = atlas.review(kind, rid, state, changes=changes, note=note)
    if as_json:
        _print_json(record)
    else:
        out.print(f"{kind}:{rid} {state}: {checklist.label(kind, record)}")


@review_app.command("confirm")
@_reports_errors
def review_confirm(ref: RecordRef, note: Note = None, db: DbUrl = None,
                   as_json: AsJson = False) -> None:
    """Confirm a record: ingestion never changes or removes it again."""
    _review(ref, "confirmed", db, note, as_json=as_json)


@review_app.command("reject")
@_reports_errors
def review_reject(ref: RecordRef, note: Note = None, db: DbUrl = None,
                  as_json: AsJson = False) -> None:
    """Reject a record: it leaves lists, maps and exports, and stays rejected on re-ingest."""
    _review(ref, "rejected", db, note, as_json=as_json)


@review_app.command("correct")
@_reports_errors
def review_correct(
    ref: RecordRef,
    changes: Annotated[list[str], typer.Argument(
        metavar="FIELD=VALUE...",
        help="e.g. start=2021-05 status=done themes=water_sanitation,health actors=Padoue partners=12 "
             "amounts='5000 EUR'; an empty value clears the field.")],
    note: Note = None,
    db: DbUrl = None,
    as_json: AsJson = False,
) -> None:
    """Correct fields of a record; the corrected record is never rewritten by ingestion."""
    from jumelage.atlas import fieldtext

    _review(ref, "corrected", db, note, fieldtext.split_pairs(changes), as_json)


def _add(kind: str, fields: dict[str, str | None], db: str | None, as_json: bool,
         places: dict[str, list[str]] | None = None) -> None:
    """Add a record from text fields (`places`: fields holding place names or ids, one each)."""
    from jumelage.atlas import checklist, fieldtext

    with _open_atlas(db) as atlas:
        find = fieldtext.finder(atlas)
        data = fieldtext.parse({k: v for k, v in fields.items() if v is not None}, find)
        for field, names in (places or {}).items():
            data[field] = [fieldtext.place_id(field, name, find) for name in names]
        rid = atlas.add_manual(kind, data)
        record = atlas.record(kind, rid)
    assert record is not None
    if as_json:
        _print_json(record)
    else:
        out.print(f"added {kind}:{rid}: {checklist.label(kind, record)}")


def _joined(items: list[str] | None) -> str | None:
    return ",".join(items) if items else None


Places = Annotated[Optional[list[str]], typer.Option(metavar="PLACE",
                                                    help="A place name or id (repeatable).")]
Themes = Annotated[Optional[list[str]], typer.Option("--theme", help="A theme (repeatable).")]
Amounts = Annotated[Optional[list[str]], typer.Option(
    "--amount", metavar="'VALUE CUR'", help="An amount, e.g. '5000 EUR' (repeatable).")]
Orgs = Annotated[Optional[list[str]], typer.Option("--organisation",
                                                  help="An organisation (repeatable).")]
Start = Annotated[Optional[str], typer.Option("--start", metavar="DATE",
                                              help="YYYY, YYYY-MM or YYYY-MM-DD.")]
End = Annotated[Optional[str], typer.Option("--end", metavar="DATE")]


@add_app.command("place")
@_reports_errors
def add_place(
    name: Annotated[str, typer.Argument(help="The place's name.")],
    country: Annotated[Optional[str], typer.Option(metavar="XX")] = None,
    kind: Annotated[Optional[str], typer.Option(help=_one_of(PLACE_KINDS))] = None,
    lat: Optional[float] = None,
    lon: Optional[float] = None,
    geonames_id: Annotated[Optional[int], typer.Option("--geonames-id")] = None,
    db: DbUrl = None,
    as_json: AsJson = False,
) -> None:
    """Add a place by hand."""
    fields = {"name": name, "country": country, "kind": kind,
              "lat": None if lat is None else str(lat), "lon": None if lon is None else str(lon),
              "geonames_id": None if geonames_id is None else str(geonames_id)}
    _add("place", fields, db, as_json)


@add_app.command("partnership")
@_reports_errors
def add_partnership(
    place_a: Annotated[str, typer.Argument(metavar="PLACE", help="A place name or id.")],
    place_b: Annotated[str, typer.Argument(metavar="PLACE", help="The other place.")],
    kind: Annotated[str, typer.Option(help=_one_of(PARTNERSHIP_KINDS))] = "twinning",
    since: Annotated[Optional[str], typer.Option(metavar="DATE")] = None,
    status: Annotated[Optional[str], typer.Option(
        help=_one_of(PARTNERSHIP_STATUSES))] = None,
    db: DbUrl = None,
    as_json: AsJson = False,
) -> None:
    """Add a partnership between two places of the atlas."""
    _add("partnership", {"kind": kind, "since": since, "status": status}, db, as_json,
         places={"places": [place_a, place_b]})


@add_app.command("action")
@_reports_errors
def add_action(
    actor: Places = None,
    partner: Places = None,
    start: Start = None,
    end: End = None,
    status: Annotated[Optional[str], typer.Option(
        help=_one_of(ACTION_STATUSES))] = None,
    theme: Themes = None,
    amount: Amounts = None,
    organisation: Orgs = None,
    db: DbUrl = None,
    as_json: AsJson = False,
) -> None:
    """Add an action: --actor places carry it out with --partner places."""
    if not actor:
        raise typer.BadParameter("an action needs at least one --actor", param_hint="--actor")
    _add("action", {"actors": _joined(actor), "partners": _joined(partner), "start": start,
                    "end": end, "status": status, "themes": _joined(theme),
                    "amounts": ";".join(amount) if amount else None,
                    "organisations": _joined(organisation)}, db, as_json)


@add_app.command("initiative")
@_reports_errors
def add_initiative(
    place: Annotated[str, typer.Argument(metavar="PLACE", help="The place that did it.")],
    context: Annotated[Optional[str], typer.Option(help="e.g. covid-19, war, heatwave.")] = None,
    start: Start = None,
    end: End = None,
    theme: Themes = None,
    amount: Amounts = None,
    organisation: Orgs = None,
    db: DbUrl = None,
    as_json: AsJson = False,
) -> None:
    """Add a local initiative of a place."""
    _add("initiative", {"place": place, "context": context, "start": start, "end": end,
                        "themes": _joined(theme),
                        "amounts": ";".join(amount) if amount else None,
                        "organisations": _joined(organisation)}, db, as_json)


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
