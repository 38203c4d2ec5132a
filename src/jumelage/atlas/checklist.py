"""The records a person has to check, with the evidence that supports each one.

`to_review(session, place, source, kind, state, limit)` lists records (places, partnerships,
actions, initiatives, organisations) filtered by a place they involve, a source that gives
evidence for them, their kind and their review state (`extracted` by default: nobody has looked
at them yet; None or `all`: every state). Each item is the record as `queries.record` gives it,
with `kind`, `ref` (`action:12`, what `jumelage review confirm` takes) and a one-line `label`.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jumelage.atlas import queries
from jumelage.atlas import sources as sourcing
from jumelage.atlas.models import (
    RECORD_COLUMNS, RECORD_MODELS, ActionPlace, Evidence, Initiative, Partnership,
)
from jumelage.errors import AtlasError
from jumelage.records import REVIEW_STATES

KINDS = ("place", "partnership", "action", "initiative", "organisation")


def parse_ref(text: str) -> tuple[str, int]:
    """`action:12` (or `action/12`, `action 12`) -> ("action", 12); AtlasError otherwise."""
    cleaned = str(text).strip().replace("/", ":").replace(" ", ":")
    kind, _, number = cleaned.partition(":")
    kind = kind.lower()
    if kind not in KINDS or not number.isdigit():
        raise AtlasError(f"{text!r} is not a record id like action:12 "
                         f"(kinds: {', '.join(KINDS)})")
    return kind, int(number)


def label(kind: str, r: dict[str, Any]) -> str:
    """One line saying what a record (as `queries.record` gives it) is."""
    def names(items: list[dict[str, Any]]) -> str:
        return ", ".join(i.get("name") or f"#{i['id']}" for i in items) or "?"

    if kind == "place":
        return f"{r['name']} ({r['country'] or '?'}, {r['kind']})"
    if kind == "organisation":
        return r["name"]
    if kind == "partnership":
        since = f" since {r['since']}" if r["since"] else ""
        return f"{r['kind']} {names(r['places'])}{since} ({r['status']})"
    when = r["start"] or "undated"
    if r.get("end") and r["end"] != r["start"]:
        when += f" – {r['end']}"
    if kind == "action":
        return f"{when} {r['status']}: {names(r['actors'])} → {names(r['partners'])}"
    place = r["place"]["name"] if r.get("place") else "?"
    return f"{when} {place}: {r.get('context') or ', '.join(r['themes']) or 'initiative'}"


def _place_ids(session: Session, place: str | int) -> int:
    found = queries.find_place(session, place)
    if found is None:
        raise AtlasError(f"no place matching {str(place)!r} in the atlas")
    return int(found["id"])


def _ids(session: Session, kind: str, place_id: int | None, source_id: int | None,
         state: str | None) -> list[int]:
    model: Any = RECORD_MODELS[kind]
    stmt = select(model.id)
    if state is not None:
        stmt = stmt.where(model.review_state == state)
    if source_id is not None:
        column = getattr(Evidence, RECORD_COLUMNS[kind])
        stmt = stmt.where(model.id.in_(select(column).where(Evidence.source_id == source_id)))
    if place_id is not None:
        if kind == "place":
            stmt = stmt.where(model.id == place_id)
        elif kind == "partnership":
            stmt = stmt.where(or_(Partnership.place_a_id == place_id,
                                  Partnership.place_b_id == place_id))
        elif kind == "action":
            stmt = stmt.where(model.id.in_(select(ActionPlace.action_id)
                                           .where(ActionPlace.place_id == place_id)))
        elif kind == "initiative":
            stmt = stmt.where(Initiative.place_id == place_id)
        else:
            return []
    return list(session.scalars(stmt.order_by(model.id)))


def to_review(session: Session, place: str | int | None = None,
              source: str | int | None = None, kind: str | None = None,
              state: str | None = "extracted", limit: int | None = 100) -> list[dict[str, Any]]:
    """Records to check (see the module docstring), places first, then partnerships, actions,
    initiatives, organisations, each by id; at most `limit` (None: all)."""
    if kind is not None and kind not in KINDS:
        raise AtlasError(f"unknown record kind {kind!r} (known: {', '.join(KINDS)})")
    if state == "all":
        state = None
    if state is not None and state not in REVIEW_STATES:
        raise AtlasError(f"unknown review state {state!r} "
                         f"(known: {', '.join(REVIEW_STATES)}, all)")
    place_id = _place_ids(session, place) if place is not None else None
    source_id = sourcing.find(session, source).id if source is not None else None
    out: list[dict[str, Any]] = []
    for k in (kind,) if kind else KINDS:
        for rid in _ids(session, k, place_id, source_id, state):
            if limit is not None and len(out) >= limit:
                return out
            record = queries.record(session, k, rid)
            if record is not None:
                out.append({"kind": k, "ref": f"{k}:{rid}", "label": label(k, record),
                            **record, "lost_sources": sourcing.lost(session, k, rid)})
    return out

