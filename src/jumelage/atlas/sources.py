"""The sources of an atlas as people manage them: list them, and remove one with its claims.

`listing(session)` gives each source with its date and how many records of each kind it
supports; `forget(session, ref, now)` removes a source by name, path or id through the store's
one write path (`save.remove`): the extracted records only it supported go, in the caller's
transaction; records a person confirmed, corrected, rejected or added stay, and their review note
says that this source is gone. The web atlas and the CLI both call these.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from jumelage.atlas import save as saving
from jumelage.atlas import views
from jumelage.atlas.models import RECORD_COLUMNS, RECORD_MODELS, Evidence, LostEvidence, Source
from jumelage.atlas.validate import is_id
from jumelage.errors import AtlasError, NotFound

KINDS = ("place", "partnership", "action", "initiative", "organisation")
"""The record kinds counted per source (status changes are part of their partnership)."""


def lost(session: Session, kind: str, record_id: int) -> list[dict[str, Any]]:
    """The removed sources a record lost evidence from: [{"source", "removed_at"}]."""
    rows = session.execute(select(LostEvidence.source_name, LostEvidence.removed_at)
                           .where(LostEvidence.record_kind == kind,
                                  LostEvidence.record_id == record_id)
                           .distinct().order_by(LostEvidence.source_name)).all()
    return [{"source": name, "removed_at": views.iso(when)} for name, when in rows]


def gone_note(name: str, when: datetime) -> str:
    """The line added to a reviewed record's note when a source it came from is removed."""
    return f"source {name} removed on {when.date().isoformat()}"


def listing(session: Session) -> list[dict[str, Any]]:
    """Every source, by name: id, name, date, title, path, media type, ingest time, and
    `records` (kind -> number of distinct records it gives evidence for) and `records_total`."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for kind in KINDS:
        column = getattr(Evidence, RECORD_COLUMNS[kind])
        for sid, n in session.execute(
                select(Evidence.source_id, func.count(func.distinct(column)))
                .where(column.is_not(None)).group_by(Evidence.source_id)):
            counts[sid][kind] = n
    out = []
    for s in session.scalars(select(Source).order_by(Source.name)):
        records = {kind: counts[s.id].get(kind, 0) for kind in KINDS}
        out.append({"id": s.id, "name": s.name, "date": s.date, "title": s.title,
                    "path": s.path, "media_type": s.media_type,
                    "ingested_at": views.iso(s.ingested_at), "records": records,
                    "records_total": sum(records.values())})
    return out


def find(session: Session, ref: str | int) -> Source:
    """The source `ref` names: its name, its stored path, its file name, or its id.

    A file name two sources share (the same `note.txt` ingested from two folders) is ambiguous:
    AtlasError « 2 sources named note.txt: give the path: /a/note.txt, /b/note.txt ». NotFound
    (« no source with id N ») for an id no source has, AtlasError for a name none has.
    """
    text = str(ref).strip()
    found = list(session.scalars(select(Source).where(or_(Source.name == text,
                                                          Source.path == text))
                                 .order_by(Source.id)))
    if text and "/" not in text and "\\" not in text:  # a bare file name: any folder's
        for tail in ("/" + text, "\\" + text):
            found += session.scalars(select(Source).where(or_(Source.name.endswith(
                tail, autoescape=True), Source.path.endswith(tail, autoescape=True)))
                .order_by(Source.id))
    found = list({s.id: s for s in found}.values())
    if len(found) > 1:
        paths = ", ".join(s.path or s.name for s in sorted(found, key=lambda s: s.path or s.name))
        raise AtlasError(f"{len(found)} sources named {text}: give the path: {paths} "
                         "(or the id `jumelage sources` prints)")
    if found:
        return found[0]
    if text.isdigit():
        source = session.get(Source, int(text)) if is_id(int(text)) else None
        if source is None:
            raise NotFound("source", int(text))
        return source
    raise AtlasError(f"no source {text!r} in the atlas (list them with `jumelage sources`)")


def forget(session: Session, ref: str | int, now: datetime) -> dict[str, Any]:
    """Remove source `ref` and the extracted records only it supported (one transaction: the
    caller's). Returns {"source": name, "id", "removed": {kind: n}, "kept": [{"kind", "id",
    "review_state"}…]} — `kept` are the reviewed or hand-made records it had evidence on."""
    source = find(session, ref)
    name, source_id = source.name, source.id
    supported: dict[str, set[int]] = defaultdict(set)
    quotes: dict[tuple[str, int], list[str | None]] = defaultdict(list)
    columns = [getattr(Evidence, RECORD_COLUMNS[k]) for k in KINDS]
    for row in session.execute(select(Evidence.quote, *columns)
                               .where(Evidence.source_id == source_id).order_by(Evidence.id)):
        for kind, rid in zip(KINDS, row[1:], strict=True):
            if rid is not None:
                supported[kind].add(rid)
                quotes[(kind, rid)].append(row[0])
    session.expunge_all()
    removed = saving.remove(session, name, now)
    assert removed
    report: dict[str, Any] = {"source": name, "id": source_id,
                              "removed": dict.fromkeys(KINDS, 0), "kept": []}
    for kind in KINDS:
        model: Any = RECORD_MODELS[kind]
        for rid in sorted(supported[kind]):
            record = session.get(model, rid)
            if record is None:
                report["removed"][kind] += 1
            elif record.review_state != "extracted":
                note = gone_note(name, now)
                record.review_note = f"{record.review_note}\n{note}" if record.review_note \
                    else note
                report["kept"].append({"kind": kind, "id": rid,
                                       "review_state": record.review_state})
                session.add_all(LostEvidence(source_name=name, record_kind=kind, record_id=rid,
                                             quote=quote, removed_at=now)
                                for quote in dict.fromkeys(quotes[(kind, rid)]))
    session.flush()
    return report
