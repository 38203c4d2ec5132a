"""Merged fields of a record from the claims of its evidence, one claim per source mention.

A record still in review state `extracted` shows what its sources say together:
- place: the first source's name and kind; the first known GeoNames id, country, coordinates and
  population; every name any source used (`Padoue`, `Padova`) as its names;
- partnership: the most specific kind any source gives (`records.best_kind`: twinning >
  cooperation > friendship > partnership; the others stay in their sources' claims), the earliest `since`, and the status of
  the latest row of its status history (or, with no history, the most recent source's status);
- action / initiative: places, dates and context from the first source; status from the most
  recent source (by document date); themes, amounts and organisations gathered from all.
Records a person reviewed or added are never recomputed.

The `*_fields(claims)` functions compute the merged fields from the claims alone; `save.py` uses
them on rows it loads in bulk, and the ORM functions below (used by review) on one record.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jumelage.atlas.dates import earliest
from jumelage.atlas.models import (
    Action, ActionOrganisation, ActionPlace, Evidence, Initiative, InitiativeOrganisation,
    Organisation, Partnership, PartnershipStatus, Place, PlaceName,
)
from jumelage.names import name_key
from jumelage.records import best_kind


def claims(session: Session, column: Any, record_id: int) -> list[dict[str, Any]]:
    """The claims of a record's evidence, oldest evidence first."""
    rows = session.scalars(select(Evidence.claim).where(column == record_id).order_by(Evidence.id))
    return [c for c in rows if c]


def assign(obj: Any, now: datetime, **fields: Any) -> bool:
    """Set the fields that differ; bump `updated_at` when something changed."""
    changed = False
    for name, value in fields.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    if changed and hasattr(obj, "updated_at"):
        obj.updated_at = now
    return changed


def _first(items: list[dict[str, Any]], key: str) -> Any:
    return next((c[key] for c in items if c.get(key) is not None), None)


def _union(lists: list[list[Any]]) -> list[Any]:
    out: list[Any] = []
    for items in lists:
        for item in items or []:
            if item not in out:
                out.append(item)
    return out


def _latest(items: list[dict[str, Any]]) -> dict[str, Any]:
    """The claim from the most recent document (ties: the most recently stored)."""
    ranked = sorted(enumerate(items), key=lambda ic: (ic[1].get("date") or "", ic[0]))
    return ranked[-1][1]


def status_key(row: PartnershipStatus) -> tuple[str, int]:
    """Order of a status history: by date; an undated status counts as the latest news."""
    return (row.date or "9999", row.id or 0)


def wanted_names(names: list[str]) -> list[str]:
    """The names a place ends with (main name first), without blanks or repeats."""
    return list(dict.fromkeys(n for n in names if n))


def set_names(session: Session, place: Place, names: list[str]) -> None:
    """Make `names` (main name first) exactly the names of `place`, keeping existing rows."""
    wanted = wanted_names(names)
    for row in list(place.names):
        if row.name not in wanted:
            place.names.remove(row)
    have = {row.name for row in place.names}
    for name in wanted:
        if name not in have:
            place.names.append(PlaceName(name=name, folded=name_key(name)))
    session.flush()


def place_fields(items: list[dict[str, Any]]) -> dict[str, Any]:
    """A place's merged fields and names; `geonames_id` is the one claimed (it may be taken)."""
    coords = next(((c["lat"], c["lon"]) for c in items
                   if c.get("lat") is not None and c.get("lon") is not None), (None, None))
    name = items[0]["name"]
    return {
        "name": name, "kind": items[0].get("kind") or "city",
        "geonames_id": _first(items, "geonames_id"), "country": _first(items, "country"),
        "lat": coords[0], "lon": coords[1], "population": _first(items, "population"),
        "names": [name] + _union([[c["name"]] + list(c.get("aliases") or []) for c in items]),
    }


def place(session: Session, record: Place, now: datetime) -> None:
    items = claims(session, Evidence.place_id, record.id)
    if not items:
        return
    fields = place_fields(items)
    names = fields.pop("names")
    geonames_id = fields["geonames_id"]
    if geonames_id is not None and geonames_id != record.geonames_id:
        taken = session.scalar(select(Place.id).where(Place.geonames_id == geonames_id))
        if taken is not None and taken != record.id:
            fields["geonames_id"] = record.geonames_id
    assign(record, now, **fields)
    before = [n.name for n in record.names]
    set_names(session, record, names)
    if [n.name for n in record.names] != before:
        record.updated_at = now


def organisation_fields(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"name": items[0]["name"]}


def organisation(session: Session, record: Organisation, now: datetime) -> None:
    items = claims(session, Evidence.organisation_id, record.id)
    if items:
        assign(record, now, **organisation_fields(items))


def partnership_fields(items: list[dict[str, Any]],
                       history: list[PartnershipStatus] | list[Any]) -> dict[str, Any]:
    """A partnership's kind, since and status (`history`: its status rows, by `status_key`)."""
    kind = best_kind(c["kind"] for c in items) or items[0]["kind"]
    status = history[-1].status if history else _latest(items).get("status") or "active"
    return {"kind": kind, "since": earliest(c.get("since") for c in items), "status": status}


def partnership(session: Session, record: Partnership, now: datetime) -> None:
    items = claims(session, Evidence.partnership_id, record.id)
    if not items:
        return
    history = sorted(session.scalars(select(PartnershipStatus).where(
        PartnershipStatus.partnership_id == record.id)), key=status_key)
    assign(record, now, **partnership_fields(items, history))


def organisation_ids(session: Session, names: list[str], now: datetime,
                     state: str = "extracted") -> list[int]:
    """Ids of the organisations named (created in review `state` when missing), in order."""
    ids: list[int] = []
    for name in names:
        key = name_key(name)
        if not key:
            continue
        org = session.scalar(select(Organisation).where(Organisation.folded == key))
        if org is None:
            org = Organisation(name=name, folded=key, review_state=state,
                               created_at=now, updated_at=now)
            session.add(org)
            session.flush()
        if org.id not in ids:
            ids.append(org.id)
    return ids


def action_places(actors: list[int], partners: list[int]) -> list[tuple[int, str]]:
    """An action's (place id, role) rows in order: actors, then partners that are not actors."""
    places = [(pid, "actor") for pid in actors] + [
        (pid, "partner") for pid in partners if pid not in actors]
    return list(dict.fromkeys(places))


def set_action_links(session: Session, record: Action, actors: list[int], partners: list[int],
                     organisations: list[int]) -> bool:
    """Replace an action's places and organisations when they differ; True if they did."""
    places = action_places(actors, partners)
    changed = False
    if [(p.place_id, p.role) for p in record.places] != places:
        record.places.clear()
        session.flush()
        record.places.extend(
            ActionPlace(place_id=pid, role=role, position=i) for i, (pid, role) in enumerate(places)
        )
        changed = True
    if [o.organisation_id for o in record.organisations] != organisations:
        record.organisations.clear()
        session.flush()
        record.organisations.extend(
            ActionOrganisation(organisation_id=oid, position=n)
            for n, oid in enumerate(organisations))
        changed = True
    return changed


def set_initiative_organisations(session: Session, record: Initiative,
                                 organisations: list[int]) -> bool:
    if [o.organisation_id for o in record.organisations] == organisations:
        return False
    record.organisations.clear()
    session.flush()
    record.organisations.extend(
        InitiativeOrganisation(organisation_id=oid, position=n)
        for n, oid in enumerate(organisations))
    return True


def _existing(session: Session, ids: list[int]) -> list[int]:
    if not ids:
        return []
    found = set(session.scalars(select(Place.id).where(Place.id.in_(ids))))
    return [i for i in ids if i in found]


def action_fields(items: list[dict[str, Any]]) -> dict[str, Any]:
    """An action's merged fields; `actors`/`partners` are the first source's (ids may be gone)."""
    first = items[0]
    return {
        "start": first.get("start"), "end": first.get("end"),
        "status": _latest(items).get("status") or "done",
        "themes": _union([c.get("themes") or [] for c in items]),
        "amounts": _union([c.get("amounts") or [] for c in items]),
        "organisations": _union([c.get("organisations") or [] for c in items]),
        "actors": first.get("actors") or [], "partners": first.get("partners") or [],
    }


def initiative_fields(items: list[dict[str, Any]]) -> dict[str, Any]:
    """An initiative's merged fields; `place_id` is the first source's (it may be gone)."""
    first = items[0]
    return {
        "place_id": first.get("place"), "start": first.get("start"), "end": first.get("end"),
        "context": _first(items, "context"),
        "themes": _union([c.get("themes") or [] for c in items]),
        "amounts": _union([c.get("amounts") or [] for c in items]),
        "organisations": _union([c.get("organisations") or [] for c in items]),
    }


def action(session: Session, record: Action, now: datetime) -> None:
    items = claims(session, Evidence.action_id, record.id)
    if not items:
        return
    fields = action_fields(items)
    names, actors, partners = (fields.pop(k) for k in ("organisations", "actors", "partners"))
    changed = assign(record, now, **fields)
    orgs = organisation_ids(session, names, now)
    if set_action_links(session, record, _existing(session, actors),
                        _existing(session, partners), orgs) and not changed:
        record.updated_at = now


def initiative(session: Session, record: Initiative, now: datetime) -> None:
    items = claims(session, Evidence.initiative_id, record.id)
    if not items:
        return
    fields = initiative_fields(items)
    names = fields.pop("organisations")
    place_id = fields["place_id"]
    if place_id is not None and not _existing(session, [place_id]):
        fields["place_id"] = record.place_id
    changed = assign(record, now, **fields)
    orgs = organisation_ids(session, names, now)
    if set_initiative_organisations(session, record, orgs) and not changed:
        record.updated_at = now
