"""Exports and imports of the whole atlas: JSON (complete, versioned), CSV tables and GeoJSON.

- `export_json(atlas)` holds everything: sources with their text, places with names, records with
  their review state and note, partnerships with their status history, every evidence row with
  its span, quote and claim, and all ids. `import_json(atlas, data)` restores it into an empty
  atlas with nothing lost: `export_json(import_json(export_json(x)))` equals `export_json(x)`.
- `export_csv(atlas, folder)` writes one table per kind (lists joined with `;`).
- `export_geojson(atlas)` gives places as points and partnerships as lines between them.
CSV and GeoJSON are views for maps and spreadsheets: they leave out rejected records.
"""
from __future__ import annotations

import csv
import json
import logging
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from jumelage.atlas import connect, queries, schema, search, views
from jumelage.atlas.import_check import check_export
from jumelage.atlas.dormancy import dormant
from jumelage.atlas.models import (
    RECORD_COLUMNS, Action, ActionOrganisation, ActionPlace, Evidence, Initiative,
    InitiativeOrganisation, LostEvidence, Organisation, Partnership, PartnershipStatus, Place,
    PlaceName, Source,
)
from jumelage.atlas.names import sort_key
from jumelage.names import name_key
from jumelage.errors import AtlasError, InvalidChange

if TYPE_CHECKING:
    from jumelage.atlas.store import Atlas

FORMAT = "jumelage-atlas"
VERSION = 1
LIST_SEPARATOR = ";"


# -- JSON ----------------------------------------------------------------------------------
def _review(record: Any) -> dict[str, Any]:
    return {**views.review(record), "created_at": views.iso(record.created_at),
            "updated_at": views.iso(record.updated_at)}


def _evidence_by_record(session: Session) -> dict[tuple[str, int], list[dict[str, Any]]]:
    out: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for ev in session.scalars(select(Evidence).order_by(Evidence.id)):
        out[ev.record].append({
            "id": ev.id, "source": ev.source_id, "start": ev.start, "end": ev.end,
            "quote": ev.quote, "claim": ev.claim, "created_at": views.iso(ev.created_at),
        })
    return out


def _dump(session: Session) -> dict[str, Any]:
    ev = _evidence_by_record(session)
    sources = [{
        "id": s.id, "name": s.name, "content_hash": s.content_hash, "media_type": s.media_type,
        "language": s.language, "date": s.date, "metadata_date": s.metadata_date,
        "title": s.title, "path": s.path,
        "ingested_at": views.iso(s.ingested_at), "updated_at": views.iso(s.updated_at),
        "text": s.text,
    } for s in session.scalars(select(Source).order_by(Source.id))]
    places = [{
        "id": p.id, "name": p.name, "aliases": p.aliases, "country": p.country,
        "geonames_id": p.geonames_id, "lat": p.lat, "lon": p.lon, "kind": p.kind,
        "population": p.population, **_review(p), "evidence": ev.get(("place", p.id), []),
    } for p in session.scalars(
        select(Place).options(selectinload(Place.names)).order_by(Place.id))]
    organisations = [{
        "id": o.id, "name": o.name, **_review(o), "evidence": ev.get(("organisation", o.id), []),
    } for o in session.scalars(select(Organisation).order_by(Organisation.id))]
    partnerships = [{
        "id": s.id, "places": [s.place_a_id, s.place_b_id], "kind": s.kind, "since": s.since,
        "status": s.status, **_review(s), "evidence": ev.get(("partnership", s.id), []),
        "history": [{
            "id": r.id, "status": r.status, "date": r.date, "review_state": r.review_state,
            "created_at": views.iso(r.created_at), "evidence": ev.get(("status", r.id), []),
        } for r in s.history],
    } for s in session.scalars(select(Partnership).options(selectinload(Partnership.history))
                               .order_by(Partnership.id))]
    actions = [{
        "id": a.id, "actors": a.place_ids("actor"), "partners": a.place_ids("partner"),
        "start": a.start, "end": a.end, "status": a.status, "themes": list(a.themes or []),
        "amounts": list(a.amounts or []),
        "organisations": [o.organisation_id for o in a.organisations],
        **_review(a), "evidence": ev.get(("action", a.id), []),
    } for a in session.scalars(select(Action).options(
        selectinload(Action.places), selectinload(Action.organisations)).order_by(Action.id))]
    initiatives = [{
        "id": i.id, "place": i.place_id, "themes": list(i.themes or []), "context": i.context,
        "start": i.start, "end": i.end, "amounts": list(i.amounts or []),
        "organisations": [o.organisation_id for o in i.organisations],
        **_review(i), "evidence": ev.get(("initiative", i.id), []),
    } for i in session.scalars(select(Initiative).options(
        selectinload(Initiative.organisations)).order_by(Initiative.id))]
    lost = [{"id": r.id, "source_name": r.source_name, "record": r.record_kind,
             "record_id": r.record_id, "quote": r.quote, "removed_at": views.iso(r.removed_at)}
            for r in session.scalars(select(LostEvidence).order_by(LostEvidence.id))]
    return {"format": FORMAT, "version": VERSION, "schema": schema.head(), "sources": sources,
            "places": places, "organisations": organisations, "partnerships": partnerships,
            "actions": actions, "initiatives": initiatives, "lost_evidence": lost}


def export_json(atlas: Atlas) -> dict[str, Any]:
    """Everything the atlas holds, as one JSON-ready dict (`{"format": "jumelage-atlas", …}`)."""
    return atlas.read(_dump)


def read_export(path: Path | str) -> dict[str, Any]:
    """Load a JSON export from a file; AtlasError naming the file when it cannot be one."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise AtlasError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AtlasError(f"{path}: not a JSON file ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise AtlasError(f"{path}: not a jumelage atlas export (no \"format\": \"{FORMAT}\")")
    return data


def _is_empty(session: Session) -> bool:
    for model in (Source, Place, Organisation, Partnership, Action, Initiative):
        if session.scalar(select(func.count()).select_from(model)):
            return False
    return True


def _when(value: Any) -> Any:
    return views.parse_iso(value) if isinstance(value, str) else value


def _restore(session: Session, data: dict[str, Any]) -> None:
    evidence: list[dict[str, Any]] = []

    def rows(key: str) -> list[dict[str, Any]]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise AtlasError(f"invalid atlas export: {key!r} must be a list of objects")
        return value

    def record_fields(r: dict[str, Any]) -> dict[str, Any]:
        return {"review_state": r["review_state"], "review_note": r.get("review_note"),
                "reviewed_at": _when(r.get("reviewed_at")), "created_at": _when(r["created_at"]),
                "updated_at": _when(r["updated_at"])}

    def keep(kind: str, rid: int, items: list[dict[str, Any]]) -> None:
        for e in items:
            evidence.append({
                "id": e["id"], "source_id": e["source"], RECORD_COLUMNS[kind]: rid,
                "start": e.get("start"), "end": e.get("end"), "quote": e.get("quote"),
                "claim": e.get("claim"), "created_at": _when(e["created_at"]),
            })

    def add(model: Any, items: list[dict[str, Any]]) -> None:
        if items:
            session.execute(insert(model), items)

    add(Source, [{
        "id": s["id"], "name": s["name"], "content_hash": s["content_hash"],
        "media_type": s["media_type"], "text": s["text"], "text_length": len(s["text"]),
        "language": s.get("language"),
        "date": s.get("date"), "metadata_date": s.get("metadata_date"),
        "title": s.get("title"), "path": s.get("path"),
        "ingested_at": _when(s["ingested_at"]), "updated_at": _when(s["updated_at"]),
    } for s in rows("sources")])
    names = []
    places = rows("places")
    for p in places:
        keep("place", p["id"], p.get("evidence", []))
        for name in dict.fromkeys([p["name"], *p.get("aliases", [])]):
            names.append({"place_id": p["id"], "name": name, "folded": name_key(name)})
    add(Place, [{
        "id": p["id"], "name": p["name"], "sort_name": sort_key(p["name"]),
        "country": p.get("country"),
        "geonames_id": p.get("geonames_id"), "lat": p.get("lat"), "lon": p.get("lon"),
        "kind": p.get("kind", "city"), "population": p.get("population"), **record_fields(p),
    } for p in places])
    add(PlaceName, names)
    orgs = rows("organisations")
    for o in orgs:
        keep("organisation", o["id"], o.get("evidence", []))
    add(Organisation, [{"id": o["id"], "name": o["name"], "folded": name_key(o["name"]),
                        **record_fields(o)} for o in orgs])
    ships, statuses = rows("partnerships"), []
    for s in ships:
        keep("partnership", s["id"], s.get("evidence", []))
        for r in s.get("history", []):
            keep("status", r["id"], r.get("evidence", []))
            statuses.append({"id": r["id"], "partnership_id": s["id"], "status": r["status"],
                             "date": r.get("date"), "review_state": r["review_state"],
                             "created_at": _when(r["created_at"])})
    add(Partnership, [{
        "id": s["id"], "place_a_id": min(s["places"]), "place_b_id": max(s["places"]),
        "kind": s["kind"], "since": s.get("since"), "status": s["status"], **record_fields(s),
    } for s in ships])
    add(PartnershipStatus, statuses)
    acts, links, org_links = rows("actions"), [], []
    for a in acts:
        keep("action", a["id"], a.get("evidence", []))
        roles = [(pid, "actor") for pid in a.get("actors", [])] + [
            (pid, "partner") for pid in a.get("partners", [])]
        links += [{"action_id": a["id"], "place_id": pid, "role": role, "position": n}
                  for n, (pid, role) in enumerate(roles)]
        org_links += [{"action_id": a["id"], "organisation_id": oid, "position": n}
                      for n, oid in enumerate(a.get("organisations", []))]
    add(Action, [{
        "id": a["id"], "start": a.get("start"), "end": a.get("end"), "status": a["status"],
        "themes": a.get("themes", []), "amounts": a.get("amounts", []), **record_fields(a),
    } for a in acts])
    add(ActionPlace, links)
    add(ActionOrganisation, org_links)
    inits, init_orgs = rows("initiatives"), []
    for i in inits:
        keep("initiative", i["id"], i.get("evidence", []))
        init_orgs += [{"initiative_id": i["id"], "organisation_id": oid, "position": n}
                      for n, oid in enumerate(i.get("organisations", []))]
    add(Initiative, [{
        "id": i["id"], "place_id": i.get("place"), "themes": i.get("themes", []),
        "context": i.get("context"), "start": i.get("start"), "end": i.get("end"),
        "amounts": i.get("amounts", []), **record_fields(i),
    } for i in inits])
    add(InitiativeOrganisation, init_orgs)
    add(Evidence, sorted(evidence, key=lambda e: e["id"]))
    add(LostEvidence, [{"id": r["id"], "source_name": r["source_name"],
                        "record_kind": r["record"], "record_id": r["record_id"],
                        "quote": r.get("quote"), "removed_at": _when(r["removed_at"])}
                       for r in rows("lost_evidence")])


def _reset_sequences(session: Session) -> None:
    """After inserting explicit ids, PostgreSQL's id sequences must start past them."""
    for model in (Source, Place, PlaceName, Organisation, Partnership, PartnershipStatus, Action,
                  Initiative, Evidence, LostEvidence):
        table = model.__tablename__
        session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"))


@contextmanager
def _quiet_pipeline() -> Iterator[None]:
    """psycopg logs « error ignored terminating <psycopg.Pipeline …>: pipeline aborted » when a
    batched insert fails; the failure itself becomes our one line, so that echo is not shown."""
    log = logging.getLogger("psycopg")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


def import_json(atlas: Atlas, data: dict[str, Any]) -> dict[str, int]:
    """Restore a JSON export into an empty atlas, ids and all; returns counts of what came in.

    Refuses (AtlasError) an atlas that already holds anything, and a file that is not a
    jumelage export of a known version. All or nothing: one transaction.
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InvalidChange(f"not a jumelage atlas export (no \"format\": \"{FORMAT}\")")
    if data.get("version") != VERSION:
        raise InvalidChange(f"atlas export version {data.get('version')!r} is not supported "
                         f"(this jumelage reads version {VERSION})")
    check_export(data)

    def restore(session: Session) -> dict[str, int]:
        if not _is_empty(session):
            raise InvalidChange(f"cannot import into {atlas.url}: the atlas is not empty "
                                "(import restores an export into a new, empty atlas)")
        try:
            with _quiet_pipeline():
                _restore(session, data)
                session.flush()
        except (KeyError, TypeError, ValueError, OverflowError) as exc:
            raise InvalidChange(f"invalid atlas export: {type(exc).__name__} {exc}") from None
        except SQLAlchemyError as exc:  # what `check_export` did not foresee: still one line
            raise InvalidChange(f"invalid atlas export: {connect.reason(exc)}") from None
        if atlas.backend == "postgresql":
            _reset_sequences(session)
        search.rebuild(session.connection())  # same transaction: all or nothing
        return {key: len(data.get(key) or []) for key in (
            "sources", "places", "organisations", "partnerships", "actions", "initiatives")}

    return atlas.write(restore)


# -- CSV -----------------------------------------------------------------------------------
def _join(items: list[Any]) -> str:
    return LIST_SEPARATOR.join(str(i) for i in items if i is not None and i != "")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _amount(m: dict[str, Any]) -> str:
    return f"{_number(m['value'])} {m['currency']}" + (f" per {m['per']}" if m.get("per") else "")


def _sources_of(session: Session) -> dict[tuple[str, int], list[str]]:
    names = dict(session.execute(select(Source.id, Source.name)).all())
    out: dict[tuple[str, int], list[str]] = defaultdict(list)
    for ev in session.scalars(select(Evidence).order_by(Evidence.id)):
        kind, rid = ev.record
        if names[ev.source_id] not in out[(kind, rid)]:
            out[(kind, rid)].append(names[ev.source_id])
    return out


def _first_quotes(session: Session) -> dict[tuple[str, int], str]:
    out: dict[tuple[str, int], str] = {}
    for ev in session.scalars(select(Evidence).where(Evidence.quote.is_not(None))
                              .order_by(Evidence.id)):
        out.setdefault(ev.record, ev.quote)  # type: ignore[arg-type]
    return out


def _write(path: Path, header: list[str], rows: list[list[Any]], bom: bool = False,
           delimiter: str = ",", decimal: str = ".") -> Path:
    """One CSV table; every field with a delimiter, quote or line break is quoted, so a
    multi-line quote stays in one cell. `bom`, `delimiter=";"` and `decimal=","`: what a French
    spreadsheet opens directly (Excel reads UTF-8 only with a BOM, `,` is its decimal mark, so
    « 46.16 » would be read as text)."""
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(header)
        for row in rows:
            writer.writerow([_cell(v, decimal) for v in row])
    return path


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any, decimal: str = ".") -> Any:
    """A CSV cell a spreadsheet shows as text: a string that would start a formula
    (« =HYPERLINK(…) » in a place name from a document or a twin-city list) gets a leading `'`,
    as OWASP advises against CSV injection; numbers are written as they are, a float with
    `decimal` as its decimal mark."""
    if value is None:
        return ""
    if isinstance(value, float) and decimal != ".":
        return repr(value).replace(".", decimal)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_options(excel: bool = False, bom: bool = False,
                delimiter: str | None = None) -> dict[str, Any]:
    """The `export_csv` keyword arguments for a CSV export: `excel` is the preset for a
    spreadsheet set to French (UTF-8 with a BOM, `;` between fields, decimal comma), which an
    explicit `bom` or `delimiter` completes or overrides; without it, plain CSV (`,`, `.`).
    The decimal comma is dropped when the delimiter is a comma. Shapes: {"bom": bool,
    "delimiter": str, "decimal": str}."""
    sep = delimiter or (";" if excel else ",")
    return {"bom": bom or excel, "delimiter": sep,
            "decimal": "," if excel and sep != "," else "."}


def export_csv(atlas: Atlas, out_dir: Path | str, as_of: date | None = None,
               bom: bool = False, delimiter: str = ",", decimal: str = ".") -> list[Path]:
    """Write places.csv, partnerships.csv, actions.csv, initiatives.csv, organisations.csv.

    `bom` starts each file with a UTF-8 byte order mark; `delimiter` separates fields (`;` for
    spreadsheets set to French; lists inside a cell are then quoted with it); `decimal` is the
    decimal mark of coordinates and other fractional numbers (`,` for those spreadsheets).
    AtlasError for a delimiter or decimal mark that cannot be one."""
    if len(delimiter) != 1 or delimiter in "\"\r\n":
        raise AtlasError(f"CSV delimiter {delimiter!r}: must be one character, not a quote or "
                         "a line break")
    if decimal not in (".", ",") or decimal == delimiter:
        raise AtlasError(f"CSV decimal mark {decimal!r}: must be . or , and differ from the "
                         f"delimiter {delimiter!r}")
    out = Path(out_dir)
    style = {"bom": bom, "delimiter": delimiter, "decimal": decimal}
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AtlasError(f"{out}: cannot create the folder ({exc.strerror or exc})") from None
    def csv_files(s: Session) -> list[Path]:
        src, quotes = _sources_of(s), _first_quotes(s)
        partners = queries.partner_counts(s)
        places = list(s.scalars(select(Place).where(Place.review_state != "rejected")
                                .order_by(Place.id)))
        names = dict(s.execute(select(Place.id, Place.name)).all())
        orgs = dict(s.execute(select(Organisation.id, Organisation.name)).all())
        ships = list(s.scalars(select(Partnership).where(Partnership.review_state != "rejected")
                               .order_by(Partnership.id)))
        flags = dormant(s, ships, as_of)
        acts = list(s.scalars(select(Action).where(Action.review_state != "rejected")
                              .order_by(Action.id)))
        inits = list(s.scalars(select(Initiative).where(Initiative.review_state != "rejected")
                               .order_by(Initiative.id)))
        organisations = list(s.scalars(select(Organisation)
                                       .where(Organisation.review_state != "rejected")
                                       .order_by(Organisation.id)))
        try:
            return [
                _write(out / "places.csv",
                       ["id", "name", "aliases", "country", "geonames_id", "lat", "lon", "kind",
                        "population", "partner_count", "review_state", "sources"],
                       [[p.id, p.name, _join(p.aliases), p.country, p.geonames_id, p.lat, p.lon,
                         p.kind, p.population, partners.get(p.id, 0), p.review_state,
                         _join(src[("place", p.id)])] for p in places], **style),
                _write(out / "partnerships.csv",
                       ["id", "place_a_id", "place_a", "place_b_id", "place_b", "kind", "since",
                        "status", "dormant", "review_state", "sources", "quote"],
                       [[r.id, r.place_a_id, names[r.place_a_id], r.place_b_id,
                         names[r.place_b_id], r.kind, r.since, r.status,
                         str(flags[r.id]).lower(), r.review_state,
                         _join(src[("partnership", r.id)]), quotes.get(("partnership", r.id))]
                        for r in ships], **style),
                _write(out / "actions.csv",
                       ["id", "start", "end", "status", "actor_ids", "actors", "partner_ids",
                        "partners", "themes", "amounts", "organisations", "review_state",
                        "sources", "quote"],
                       [[a.id, a.start, a.end, a.status, _join(a.place_ids("actor")),
                         _join([names[i] for i in a.place_ids("actor")]),
                         _join(a.place_ids("partner")),
                         _join([names[i] for i in a.place_ids("partner")]), _join(a.themes),
                         _join([_amount(m) for m in a.amounts]),
                         _join([orgs[o.organisation_id] for o in a.organisations]),
                         a.review_state, _join(src[("action", a.id)]),
                         quotes.get(("action", a.id))] for a in acts], **style),
                _write(out / "initiatives.csv",
                       ["id", "place_id", "place", "context", "start", "end", "themes",
                        "amounts", "organisations", "review_state", "sources", "quote"],
                       [[i.id, i.place_id, names.get(i.place_id) if i.place_id else None,
                         i.context, i.start, i.end, _join(i.themes),
                         _join([_amount(m) for m in i.amounts]),
                         _join([orgs[o.organisation_id] for o in i.organisations]),
                         i.review_state, _join(src[("initiative", i.id)]),
                         quotes.get(("initiative", i.id))] for i in inits], **style),
                _write(out / "organisations.csv", ["id", "name", "review_state", "sources"],
                       [[o.id, o.name, o.review_state, _join(src[("organisation", o.id)])]
                        for o in organisations], **style),
            ]
        except OSError as exc:
            raise AtlasError(f"{out}: cannot write ({exc.strerror or exc})") from None
    return atlas.read(csv_files)


# -- GeoJSON -------------------------------------------------------------------------------
def export_geojson(atlas: Atlas, as_of: date | None = None) -> dict[str, Any]:
    """Places as Point features, partnerships as LineStrings between them (with properties).

    Places without coordinates are features too, with a null geometry (GeoJSON's word for
    « not located »), counted in the collection's `places_without_coordinates`; partnerships
    touching one cannot be drawn and are left out.
    """
    features: list[dict[str, Any]] = []
    unlocated = 0

    def collect(s: Session) -> None:
        nonlocal unlocated
        partners = queries.partner_counts(s)
        located: dict[int, Place] = {}
        for p in s.scalars(select(Place).where(Place.review_state != "rejected")
                           .order_by(Place.id)):
            if p.lat is None or p.lon is None:
                unlocated += 1
            else:
                located[p.id] = p
            features.append({
                "type": "Feature", "id": f"place/{p.id}",
                "geometry": None if p.id not in located else {
                    "type": "Point", "coordinates": [p.lon, p.lat]},
                "properties": {"record": "place", "id": p.id, "name": p.name,
                               "aliases": p.aliases, "country": p.country,
                               "geonames_id": p.geonames_id, "kind": p.kind,
                               "partner_count": partners.get(p.id, 0),
                               "review_state": p.review_state},
            })
        ships = list(s.scalars(select(Partnership).where(Partnership.review_state != "rejected")
                               .order_by(Partnership.id)))
        flags = dormant(s, ships, as_of)
        for r in ships:
            a, b = located.get(r.place_a_id), located.get(r.place_b_id)
            if a is None or b is None:
                continue
            features.append({
                "type": "Feature", "id": f"partnership/{r.id}",
                "geometry": {"type": "LineString",
                             "coordinates": [[a.lon, a.lat], [b.lon, b.lat]]},
                "properties": {"record": "partnership", "id": r.id, "kind": r.kind,
                               "since": r.since, "status": r.status, "dormant": flags[r.id],
                               "places": [a.name, b.name], "place_ids": [a.id, b.id],
                               "review_state": r.review_state},
            })
    atlas.read(collect)
    return {"type": "FeatureCollection", "features": features,
            "places_without_coordinates": unlocated}
