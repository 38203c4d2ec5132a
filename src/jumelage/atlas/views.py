"""Atlas rows as plain JSON-ready dicts, the shape queries, exports and the web API share."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from jumelage.atlas.models import (
    Action, Evidence, Initiative, Organisation, Partnership, PartnershipStatus, Place, Source,
)


def iso(moment: datetime | None) -> str | None:
    """A timestamp as ISO 8601 in UTC (SQLite gives it back without zone; it was stored in UTC)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat()


def parse_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def review(record: Any) -> dict[str, Any]:
    return {"review_state": record.review_state, "review_note": record.review_note,
            "reviewed_at": iso(record.reviewed_at)}


def place(p: Place) -> dict[str, Any]:
    return {"id": p.id, "name": p.name, "aliases": p.aliases, "country": p.country,
            "geonames_id": p.geonames_id, "lat": p.lat, "lon": p.lon, "kind": p.kind,
            "population": p.population, **review(p)}


def place_brief(p: Place) -> dict[str, Any]:
    return {"id": p.id, "name": p.name, "country": p.country, "geonames_id": p.geonames_id,
            "lat": p.lat, "lon": p.lon, "kind": p.kind}


def organisation(o: Organisation) -> dict[str, Any]:
    return {"id": o.id, "name": o.name, **review(o)}


def partnership(s: Partnership) -> dict[str, Any]:
    return {"id": s.id, "places": [place_brief(s.place_a), place_brief(s.place_b)],
            "kind": s.kind, "since": s.since, "status": s.status, **review(s)}


def status(row: PartnershipStatus) -> dict[str, Any]:
    return {"id": row.id, "status": row.status, "date": row.date,
            "review_state": row.review_state}


def action(a: Action, names: dict[int, str], organisations: dict[int, str]) -> dict[str, Any]:
    return {
        "id": a.id,
        "actors": [{"id": pid, "name": names.get(pid)} for pid in a.place_ids("actor")],
        "partners": [{"id": pid, "name": names.get(pid)} for pid in a.place_ids("partner")],
        "start": a.start, "end": a.end, "status": a.status, "themes": list(a.themes or []),
        "amounts": list(a.amounts or []),
        "organisations": [{"id": o.organisation_id, "name": organisations.get(o.organisation_id)}
                          for o in a.organisations],
        **review(a),
    }


def initiative(i: Initiative, names: dict[int, str],
               organisations: dict[int, str]) -> dict[str, Any]:
    return {
        "id": i.id,
        "place": None if i.place_id is None else {"id": i.place_id, "name": names.get(i.place_id)},
        "themes": list(i.themes or []), "context": i.context, "start": i.start, "end": i.end,
        "amounts": list(i.amounts or []),
        "organisations": [{"id": o.organisation_id, "name": organisations.get(o.organisation_id)}
                          for o in i.organisations],
        **review(i),
    }


def evidence(ev: Evidence, source_name: str | None = None) -> dict[str, Any]:
    kind, rid = ev.record
    return {"id": ev.id, "source_id": ev.source_id, "source": source_name, "record": kind,
            "record_id": rid, "start": ev.start, "end": ev.end, "quote": ev.quote}


def source(s: Source, evidence_count: int | None = None) -> dict[str, Any]:
    d = {"id": s.id, "name": s.name, "content_hash": s.content_hash, "media_type": s.media_type,
         "language": s.language, "date": s.date, "title": s.title, "path": s.path,
         "length": len(s.text), "ingested_at": iso(s.ingested_at), "updated_at": iso(s.updated_at)}
    if evidence_count is not None:
        d["evidence_count"] = evidence_count
    return d
