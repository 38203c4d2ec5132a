"""Read the atlas: summaries, place lists and details, partnerships, actions, sources.

Everything returns plain JSON-ready dicts (see `views.py`). Rejected records are left out unless
`include_rejected=True` (review screens want them; maps and lists do not).
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import func, or_, select, true
from sqlalchemy.orm import Session, selectinload

from jumelage.atlas import views
from jumelage.atlas.dormancy import dormant
from jumelage.atlas.models import (
    Action, ActionPlace, Evidence, Initiative, Organisation, Partnership, PartnershipStatus,
    Place, PlaceName, Source,
)
from jumelage.names import name_key
from jumelage.records import REVIEW_STATES

FUZZY_CUTOFF = 85


def _live(model: Any, include_rejected: bool) -> Any:
    return true() if include_rejected else model.review_state != "rejected"


def summary(session: Session) -> dict[str, Any]:
    """How much the atlas holds (rejected records not counted) and how much is reviewed."""
    out: dict[str, Any] = {"sources": session.scalar(select(func.count(Source.id)))}
    review = dict.fromkeys(REVIEW_STATES, 0)
    for name, model in (("places", Place), ("partnerships", Partnership), ("actions", Action),
                        ("initiatives", Initiative), ("organisations", Organisation)):
        rows = dict(session.execute(
            select(model.review_state, func.count(model.id)).group_by(model.review_state)).all())
        out[name] = sum(n for state, n in rows.items() if state != "rejected")
        for state, n in rows.items():
            review[state] = review.get(state, 0) + n
    out["evidence"] = session.scalar(select(func.count(Evidence.id)))
    out["review"] = review
    return out


def partner_counts(session: Session, include_rejected: bool = False) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    for a, b in session.execute(select(Partnership.place_a_id, Partnership.place_b_id)
                                .where(_live(Partnership, include_rejected))):
        counts[a] += 1
        counts[b] += 1
    return counts


def _action_counts(session: Session) -> dict[int, int]:
    return dict(session.execute(
        select(ActionPlace.place_id, func.count(ActionPlace.action_id))
        .join(Action, Action.id == ActionPlace.action_id)
        .where(Action.review_state != "rejected").group_by(ActionPlace.place_id)).all())


def _place_row(p: Place, partners: dict[int, int], actions: dict[int, int]) -> dict[str, Any]:
    return {**views.place(p), "partner_count": partners.get(p.id, 0),
            "action_count": actions.get(p.id, 0)}


def places(session: Session, q: str | None = None, country: str | None = None,
           limit: int | None = 100, offset: int = 0,
           include_rejected: bool = False) -> list[dict[str, Any]]:
    """Places by name (a folded substring of any of their names), with partner counts."""
    stmt = select(Place).options(selectinload(Place.names))
    stmt = stmt.where(_live(Place, include_rejected))
    if q and name_key(q):
        stmt = stmt.where(Place.id.in_(
            select(PlaceName.place_id).where(PlaceName.folded.contains(name_key(q)))))
    if country:
        stmt = stmt.where(Place.country == country.upper())
    stmt = stmt.order_by(Place.name, Place.id).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    partners, actions = partner_counts(session), _action_counts(session)
    return [_place_row(p, partners, actions) for p in session.scalars(stmt)]


def find_place(session: Session, name_or_id: str | int) -> dict[str, Any] | None:
    """A place by atlas id, GeoNames id, name or alias (folded), or else the closest name."""
    text = str(name_or_id).strip()
    place: Place | None = None
    if text.isdigit():
        place = session.get(Place, int(text)) or session.scalar(
            select(Place).where(Place.geonames_id == int(text)))
    key = name_key(text)
    if place is None and key:
        place = session.scalar(
            select(Place).join(PlaceName, PlaceName.place_id == Place.id)
            .where(PlaceName.folded == key)
            .order_by((Place.review_state == "rejected"), Place.id).limit(1))
    if place is None and key:
        names = session.execute(
            select(PlaceName.folded, PlaceName.place_id).join(Place, Place.id == PlaceName.place_id)
            .where(Place.review_state != "rejected")).all()
        best = process.extractOne(key, [n for n, _ in names], scorer=fuzz.ratio,
                                  score_cutoff=FUZZY_CUTOFF)
        if best is not None:
            place = session.get(Place, names[best[2]][1])
    if place is None:
        return None
    return _place_row(place, partner_counts(session), _action_counts(session))


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(Place.id, Place.name).where(Place.id.in_(ids))).all())


def _org_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Organisation.id, Organisation.name)).all())


def partnerships(session: Session, place_id: int | None = None, as_of: date | None = None,
                 include_rejected: bool = False) -> list[dict[str, Any]]:
    """Partnerships (optionally of one place), each with its `dormant` flag as of `as_of`."""
    stmt = select(Partnership).options(selectinload(Partnership.place_a),
                                       selectinload(Partnership.place_b))
    stmt = stmt.where(_live(Partnership, include_rejected))
    if place_id is not None:
        stmt = stmt.where(or_(Partnership.place_a_id == place_id,
                              Partnership.place_b_id == place_id))
    ships = list(session.scalars(stmt.order_by(Partnership.id)))
    flags = dormant(session, ships, as_of)
    counts = dict(session.execute(
        select(Evidence.partnership_id, func.count(Evidence.id))
        .where(Evidence.partnership_id.is_not(None)).group_by(Evidence.partnership_id)).all())
    return [{**views.partnership(s), "dormant": flags[s.id], "evidence_count": counts.get(s.id, 0)}
            for s in ships]


def _evidence(session: Session, column: Any, ids: list[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    rows = session.execute(
        select(Evidence, Source.name).join(Source, Source.id == Evidence.source_id)
        .where(column.in_(ids)).order_by(Evidence.id)).all()
    return [views.evidence(ev, name) for ev, name in rows]


def partnership_history(session: Session, partnership_id: int) -> list[dict[str, Any]]:
    """The dated status history of a partnership, oldest first, each change with its evidence."""
    rows = sorted(session.scalars(select(PartnershipStatus).where(
        PartnershipStatus.partnership_id == partnership_id)), key=lambda r: (r.date is None,
                                                                          r.date or "", r.id))
    return [{**views.status(r), "evidence": _evidence(session, Evidence.status_id, [r.id])}
            for r in rows]


def _timeline_key(d: dict[str, Any]) -> tuple[bool, str, int]:
    return (d["start"] is None, d["start"] or "", d["id"])


def actions(session: Session, place_id: int | None = None,
            include_rejected: bool = False) -> list[dict[str, Any]]:
    """Actions (optionally those a place takes part in), sorted by start date."""
    stmt = select(Action).options(selectinload(Action.places),
                                  selectinload(Action.organisations))
    stmt = stmt.where(_live(Action, include_rejected))
    if place_id is not None:
        stmt = stmt.where(Action.id.in_(
            select(ActionPlace.action_id).where(ActionPlace.place_id == place_id)))
    found = list(session.scalars(stmt))
    names = _names(session, {p.place_id for a in found for p in a.places})
    orgs = _org_names(session)
    return sorted((views.action(a, names, orgs) for a in found), key=_timeline_key)


def initiatives(session: Session, place_id: int | None = None,
                include_rejected: bool = False) -> list[dict[str, Any]]:
    stmt = select(Initiative).options(selectinload(Initiative.organisations))
    stmt = stmt.where(_live(Initiative, include_rejected))
    if place_id is not None:
        stmt = stmt.where(Initiative.place_id == place_id)
    found = list(session.scalars(stmt))
    names = _names(session, {i.place_id for i in found if i.place_id is not None})
    orgs = _org_names(session)
    return sorted((views.initiative(i, names, orgs) for i in found), key=_timeline_key)


def organisations(session: Session, include_rejected: bool = False) -> list[dict[str, Any]]:
    stmt = select(Organisation).where(_live(Organisation, include_rejected))
    return [views.organisation(o) for o in session.scalars(stmt.order_by(Organisation.name))]


def place_detail(session: Session, place_id: int, as_of: date | None = None,
                 include_rejected: bool = False) -> dict[str, Any] | None:
    """A place with its partners, timeline of actions, initiatives and the sources telling them."""
    place = session.get(Place, place_id)
    if place is None:
        return None
    ships = partnerships(session, place_id, as_of, include_rejected)
    partners = []
    for s in ships:
        other = s["places"][1] if s["places"][0]["id"] == place_id else s["places"][0]
        partners.append({"partnership_id": s["id"], "place": other, "kind": s["kind"],
                         "since": s["since"], "status": s["status"], "dormant": s["dormant"],
                         "review_state": s["review_state"]})
    timeline = actions(session, place_id, include_rejected)
    local = initiatives(session, place_id, include_rejected)
    status_ids = list(session.scalars(select(PartnershipStatus.id).where(
        PartnershipStatus.partnership_id.in_([s["id"] for s in ships]))))
    evidence = (
        _evidence(session, Evidence.place_id, [place_id])
        + _evidence(session, Evidence.partnership_id, [s["id"] for s in ships])
        + _evidence(session, Evidence.status_id, status_ids)
        + _evidence(session, Evidence.action_id, [a["id"] for a in timeline])
        + _evidence(session, Evidence.initiative_id, [i["id"] for i in local])
    )
    by_source: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for ev in evidence:
        by_source[ev["source_id"]].append(ev)
    sources = []
    for src in session.scalars(select(Source).where(Source.id.in_(by_source)).order_by(Source.id)):
        items = sorted(by_source[src.id], key=lambda e: (e["start"] is None, e["start"] or 0))
        sources.append({**views.source(src), "evidence": items})
    partners_n = partner_counts(session)
    return {"place": _place_row(place, partners_n, _action_counts(session)),
            "partners": partners, "timeline": timeline, "initiatives": local,
            "sources": sources}


def sources(session: Session) -> list[dict[str, Any]]:
    counts = dict(session.execute(select(Evidence.source_id, func.count(Evidence.id))
                                  .group_by(Evidence.source_id)).all())
    return [views.source(s, counts.get(s.id, 0))
            for s in session.scalars(select(Source).order_by(Source.name))]


def _labels(session: Session, evidence: list[Evidence]) -> dict[tuple[str, int], str]:
    wanted: dict[str, set[int]] = defaultdict(set)
    for ev in evidence:
        kind, rid = ev.record
        wanted[kind].add(rid)
    names = _names(session, set(wanted["place"]))
    labels = {("place", i): n for i, n in names.items()}
    orgs = select(Organisation).where(Organisation.id.in_(wanted["organisation"]))
    for o in session.scalars(orgs):
        labels[("organisation", o.id)] = o.name
    statuses = list(session.scalars(select(PartnershipStatus).where(
        PartnershipStatus.id.in_(wanted["status"]))))
    ships = {s.id: s for s in session.scalars(select(Partnership).where(Partnership.id.in_(
        wanted["partnership"] | {r.partnership_id for r in statuses})))}
    for s in ships.values():
        labels[("partnership", s.id)] = f"{s.kind}: {s.place_a.name} – {s.place_b.name}"
    for r in statuses:
        when = f" ({r.date})" if r.date else ""
        labels[("status", r.id)] = f"{labels[('partnership', r.partnership_id)]}: {r.status}{when}"
    for a in session.scalars(select(Action).where(Action.id.in_(wanted["action"]))):
        labels[("action", a.id)] = f"action {a.start or '?'}" + (
            f"–{a.end}" if a.end and a.end != a.start else "")
    for i in session.scalars(select(Initiative).where(Initiative.id.in_(wanted["initiative"]))):
        labels[("initiative", i.id)] = f"initiative {i.context or ''}".strip()
    return labels


def source_detail(session: Session, source_id: int) -> dict[str, Any] | None:
    """A source with its text and every evidence span in it (for highlighting), by position."""
    src = session.get(Source, source_id)
    if src is None:
        return None
    rows = list(session.scalars(select(Evidence).where(Evidence.source_id == source_id)))
    labels = _labels(session, rows)
    items = [{**views.evidence(ev, src.name), "label": labels.get(ev.record)} for ev in rows]
    items.sort(key=lambda e: (e["start"] is None, e["start"] or 0, e["end"] or 0, e["id"]))
    return {**views.source(src, len(items)), "text": src.text, "evidence": items}


def record(session: Session, kind: str, record_id: int) -> dict[str, Any] | None:
    """One record as a dict, with all its evidence (`kind`: place, partnership, action, …)."""
    model: Any = {"place": Place, "partnership": Partnership, "action": Action,
                  "initiative": Initiative, "organisation": Organisation}.get(kind)
    obj = session.get(model, record_id) if model is not None else None
    if obj is None:
        return None
    if kind == "place":
        d = views.place(obj)
    elif kind == "partnership":
        d = {**views.partnership(obj), "history": partnership_history(session, record_id)}
    elif kind == "organisation":
        d = views.organisation(obj)
    elif kind == "action":
        d = views.action(obj, _names(session, {p.place_id for p in obj.places}),
                         _org_names(session))
    else:
        d = views.initiative(obj, _names(session, {obj.place_id} - {None}), _org_names(session))
    d["evidence"] = _evidence(session, getattr(Evidence, f"{kind}_id"), [record_id])
    return d
