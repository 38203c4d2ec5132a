"""What people do to the atlas: confirm, correct or reject a record, or add one by hand.

A reviewed record (`confirmed`, `corrected`, `rejected`) or a hand-made one (`manual`) is never
rewritten or deleted by ingestion again; a rejected one stays rejected even when a document says it
anew. Reviewing a record back to `extracted` hands it back to its sources: it is recomputed by
the same set-based `recompute.recompute` that ends every ingest, so it comes out as a fresh
ingest would make it. Organisations a person names are found or made by the one
`organisations.Organisations` (review state `manual`).
Every change is checked first; a bad one is one InvalidChange line (an AtlasError) and nothing
is written.
"""
from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jumelage import partial_dates
from jumelage.atlas import merge
from jumelage.atlas.organisations import Organisations
from jumelage.atlas.recompute import recompute
from jumelage.atlas.models import (
    Action, ActionOrganisation, ActionPlace, Evidence, Initiative, InitiativeOrganisation,
    Organisation, Partnership, PartnershipStatus, Place, PlaceName,
)
from jumelage.geo import distance_km
from jumelage.names import name_key
from jumelage.atlas.validate import (
    CONTEXT_MAX, MAX_INT, NAME_MAX, ORGANISATION_MAX, amount_problem, country_problem, date_problem,
    is_id,
    text_problem, theme_problem, whole_problem,
)
from jumelage.errors import InvalidChange, NotFound
from jumelage.records import (
    ACTION_STATUSES, PARTNERSHIP_KINDS, PARTNERSHIP_STATUSES, PLACE_KINDS,
)

KINDS: dict[str, Any] = {
    "place": Place, "partnership": Partnership, "action": Action, "initiative": Initiative,
    "organisation": Organisation,
}
FIELDS = {
    "place": ("name", "aliases", "country", "geonames_id", "lat", "lon", "kind", "population"),
    "partnership": ("places", "kind", "since", "status", "status_date"),
    "action": ("actors", "partners", "start", "end", "status", "themes", "amounts",
               "organisations"),
    "initiative": ("place", "themes", "context", "start", "end", "amounts", "organisations"),
    "organisation": ("name",),
}
REVIEW_TO = ("confirmed", "corrected", "rejected", "extracted")


class _Fields:
    """Checks and normalises the fields a person gives for one kind of record."""

    def __init__(self, session: Session, kind: str, data: dict[str, Any]) -> None:
        self.s, self.kind, self.data = session, kind, dict(data)
        unknown = sorted(set(self.data) - set(FIELDS[kind]))
        if unknown:
            raise InvalidChange(f"{kind}: unknown field {unknown[0]!r} "
                             f"(known: {', '.join(FIELDS[kind])})")

    def fail(self, field: str, problem: str) -> InvalidChange:
        return InvalidChange(f"{self.kind} {field}: {problem}")

    def has(self, field: str) -> bool:
        return field in self.data

    def text(self, field: str, limit: int, required: bool = False) -> str | None:
        value = self.data.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.fail(field, "is required")
            return None
        problem = text_problem(value.strip() if isinstance(value, str) else value, limit)
        if problem:
            raise self.fail(field, problem)
        return value.strip()

    def texts(self, field: str, limit: int) -> list[str]:
        value = self.data.get(field) or []
        if not isinstance(value, (list, tuple)) or not all(
                isinstance(v, str) and v.strip() for v in value):
            raise self.fail(field, "must be a list of names")
        for v in value:
            problem = text_problem(v.strip(), limit)
            if problem:
                raise self.fail(field, f"{v.strip()[:40]!r}: {problem}")
        return list(dict.fromkeys(v.strip() for v in value))

    def choice(self, field: str, allowed: tuple[str, ...], default: str) -> str:
        value = self.data.get(field, default)
        if value not in allowed:
            raise self.fail(field, f"{value!r} is not one of {', '.join(allowed)}")
        return value

    def date(self, field: str) -> str | None:
        value = self.data.get(field)
        problem = None if value is None else date_problem(value)
        if problem:
            raise self.fail(field, problem)
        return value

    def number(self, field: str, kind: type, lo: float | None = None,
               hi: float | None = None) -> Any:
        value = self.data.get(field)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (
                kind is int and not float(value).is_integer()):
            raise self.fail(field, f"{value!r} is not a number")
        if kind is int:
            problem = whole_problem(int(value), int(lo or 0), int(MAX_INT if hi is None else hi))
            if problem:
                raise self.fail(field, problem)
        elif not math.isfinite(value) or (lo is not None and value < lo) or (
                hi is not None and value > hi):
            raise self.fail(field, f"{value!r} is out of range")
        return kind(value)

    def country(self) -> str | None:
        value = self.data.get("country")
        if value is None:
            return None
        code = value.upper() if isinstance(value, str) else value
        problem = country_problem(code)
        if problem:
            raise self.fail("country", problem)
        return code

    def place_ids(self, field: str) -> list[int]:
        value = self.data.get(field) or []
        if not isinstance(value, (list, tuple)):
            raise self.fail(field, "must be a list of place ids")
        ids = [self.place_id(field, v) for v in value]
        return list(dict.fromkeys(i for i in ids if i is not None))

    def place_id(self, field: str, value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(field, f"{value!r} is not a place id")
        if not is_id(value) or self.s.get(Place, value) is None:
            raise self.fail(field, f"no place with id {value}")
        return value

    def themes(self) -> list[str]:
        value = self.data.get("themes") or []
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise self.fail("themes", "must be a list of theme names")
        for v in value:
            problem = theme_problem(v)
            if problem:
                raise self.fail("themes", problem)
        return list(dict.fromkeys(value))

    def amounts(self) -> list[dict[str, Any]]:
        value = self.data.get("amounts") or []
        out = []
        for m in value if isinstance(value, (list, tuple)) else [None]:
            if not isinstance(m, dict) or isinstance(m.get("value"), bool) or not isinstance(
                    m.get("value"), (int, float)) or not isinstance(m.get("currency"), str):
                raise self.fail("amounts", "each amount needs a number `value` and a `currency`")
            problem = amount_problem(m["value"], m["currency"])
            if problem:
                raise self.fail("amounts", problem)
            d: dict[str, Any] = {"value": float(m["value"]), "currency": m["currency"]}
            if m.get("per"):
                problem = text_problem(str(m["per"]), NAME_MAX)
                if problem:
                    raise self.fail("amounts", f"per {problem}")
                d["per"] = str(m["per"])
            out.append(d)
        return out


def _record(session: Session, kind: str, record_id: int) -> Any:
    if kind not in KINDS:
        raise InvalidChange(f"unknown record kind {kind!r} (known: {', '.join(KINDS)})")
    record = session.get(KINDS[kind], record_id) if is_id(record_id) else None
    if record is None:
        raise NotFound(kind, record_id)
    return record


def review(session: Session, kind: str, record_id: int, state: str,
           changes: dict[str, Any] | None, note: str | None, now: datetime) -> Any:
    """Set a record's review state (applying `changes` for `corrected`); returns the record."""
    record = _record(session, kind, record_id)
    if state not in REVIEW_TO:
        raise InvalidChange(f"cannot review to {state!r} (use one of {', '.join(REVIEW_TO)})")
    if state == "corrected" and not changes:
        raise InvalidChange(f"correcting {kind} {record_id} needs the changes to make")
    if state != "corrected" and changes:
        raise InvalidChange(f"changes to {kind} {record_id} need the state 'corrected'")
    if state == "extracted":
        column = getattr(Evidence, f"{kind}_id")
        if session.scalar(select(Evidence.id).where(column == record_id).limit(1)) is None:
            raise InvalidChange(f"{kind} {record_id} has no source to fall back on")
    if changes:
        _APPLY[kind](session, record, _Fields(session, kind, changes), now)
    record.review_state = state
    record.review_note = note
    record.reviewed_at = None if state == "extracted" else now
    record.updated_at = now
    session.flush()
    if state == "extracted":
        # the one recompute (set-based, as on ingest); the ORM copy of the record is stale after
        recompute(session.connection(), kind, [record.id], now)
        session.expire_all()
    return record


def add_manual(session: Session, kind: str, data: dict[str, Any], now: datetime) -> int:
    """Add a record by hand (review state `manual`); returns its id."""
    if kind not in KINDS:
        raise InvalidChange(f"unknown record kind {kind!r} (known: {', '.join(KINDS)})")
    model = KINDS[kind]
    fields = _Fields(session, kind, data)
    record = model(review_state="manual", created_at=now, updated_at=now)
    if kind == "place":
        record.kind = "city"
    if kind == "partnership":
        record.kind, record.status = "twinning", "active"
        if not fields.has("places"):
            raise InvalidChange("partnership places: is required (two place ids)")
    if kind == "action":
        record.status, record.themes, record.amounts = "done", [], []
    if kind == "initiative":
        record.themes, record.amounts = [], []
    _APPLY[kind](session, record, fields, now, new=True)
    session.add(record)
    session.flush()
    return record.id


# -- applying fields -----------------------------------------------------------------------
def _place(session: Session, p: Place, f: _Fields, now: datetime, new: bool = False) -> None:
    known = [] if new else [n.name for n in p.names]  # a corrected name stays as an alias
    if new or f.has("name"):
        p.name = f.text("name", NAME_MAX, required=True)  # type: ignore[assignment]
    if f.has("geonames_id"):
        gid = f.number("geonames_id", int, 1)
        other = session.scalar(select(Place.id).where(Place.geonames_id == gid)) if gid else None
        if other is not None and other != p.id:
            raise InvalidChange(f"place geonames_id: {gid} is already place {other}")
        p.geonames_id = gid
    if f.has("country"):
        p.country = f.country()
    if f.has("lat") or f.has("lon"):
        p.lat, p.lon = f.number("lat", float, -90, 90), f.number("lon", float, -180, 180)
    if f.has("kind"):
        p.kind = f.choice("kind", PLACE_KINDS, "city")
    if f.has("population"):
        p.population = f.number("population", int, 0)
    aliases = f.texts("aliases", NAME_MAX) if f.has("aliases") else known
    if new or f.has("name") or f.has("country"):
        _not_twice(session, p)
    if new:
        session.add(p)
        session.flush()
    _set_names(session, p, [p.name, *aliases])


def _not_twice(session: Session, p: Place) -> None:
    """Refuse a place a person adds (or renames) when the atlas already holds one of that name
    (any of its names, accents and case ignored) in the same country, unless something tells the
    two apart: both have GeoNames ids (one id is one place), or both have coordinates more than
    10 km apart. Rejected places do not count."""
    key = name_key(p.name or "")
    same = select(Place).join(PlaceName, PlaceName.place_id == Place.id).where(
        PlaceName.folded == key, Place.review_state != "rejected",
        Place.country == p.country if p.country else Place.country.is_(None))
    if p.id is not None:
        same = same.where(Place.id != p.id)
    for other in session.scalars(same.distinct().order_by(Place.id)):
        if p.geonames_id is not None and other.geonames_id is not None:
            continue
        if None not in (p.lat, p.lon, other.lat, other.lon) and distance_km(
                (p.lat, p.lon), (other.lat, other.lon)) > 10:
            continue
        where = f" ({p.country})" if p.country else ""
        raise InvalidChange(f"place {p.name}{where} already in the atlas: place:{other.id} "
                            "(give a --geonames-id or coordinates if it is another place)")


def _organisation(session: Session, o: Organisation, f: _Fields, now: datetime,
                  new: bool = False) -> None:
    name = f.text("name", ORGANISATION_MAX, required=True)
    assert name is not None
    other = session.scalar(select(Organisation.id).where(Organisation.folded == name_key(name)))
    if other is not None and other != o.id:
        raise InvalidChange(f"organisation name: {name!r} is already organisation {other}")
    o.name, o.folded = name, name_key(name)


def _partnership(session: Session, s: Partnership, f: _Fields, now: datetime,
                 new: bool = False) -> None:
    if f.has("places"):
        ids = f.place_ids("places")
        if len(ids) != 2:
            raise InvalidChange("partnership places: needs two different place ids")
        lo, hi = sorted(ids)
        other = session.scalar(select(Partnership.id).where(
            Partnership.place_a_id == lo, Partnership.place_b_id == hi))
        if other is not None and other != s.id:
            raise InvalidChange(f"partnership places: these places already have partnership {other}")
        s.place_a_id, s.place_b_id = lo, hi
    if f.has("kind"):
        s.kind = f.choice("kind", PARTNERSHIP_KINDS, "twinning")
    if f.has("since"):
        s.since = f.date("since")
    status_date = f.date("status_date")
    if status_date and not f.has("status"):
        raise InvalidChange("partnership status_date: goes with a status")
    if new:
        session.add(s)
        session.flush()
        if s.since:
            s.history.append(PartnershipStatus(status="active", date=s.since,
                                               review_state="manual", created_at=now))
    if f.has("status"):
        status = f.choice("status", PARTNERSHIP_STATUSES, "active")
        latest = max(s.history, key=merge.status_key) if s.history else None
        moved = status_date is not None and latest is not None and latest.date != status_date
        if latest is None or latest.status != status or moved:
            s.history.append(PartnershipStatus(status=status, date=status_date,
                                               review_state="manual", created_at=now))
        s.status = status


def _organisations(session: Session, f: _Fields, now: datetime) -> list[int]:
    """The ids of the organisations a person named, created (`manual`) when missing."""
    names = f.texts("organisations", ORGANISATION_MAX)
    session.flush()
    return Organisations(session.connection(), now, state="manual").ids(names)


def _action(session: Session, a: Action, f: _Fields, now: datetime, new: bool = False) -> None:
    if f.has("status"):
        a.status = f.choice("status", ACTION_STATUSES, "done")
    _dated(session, a, f, new)
    actors = f.place_ids("actors") if f.has("actors") else a.place_ids("actor")
    partners = f.place_ids("partners") if f.has("partners") else a.place_ids("partner")
    if not actors and (new or f.has("actors")):
        raise f.fail("actors", "an action needs at least one actor (a place id)")
    both = sorted(set(actors) & set(partners))
    if both:
        raise f.fail("partners", f"place {both[0]} cannot be both an actor and a partner")
    orgs = (_organisations(session, f, now) if f.has("organisations")
            else [o.organisation_id for o in a.organisations])
    _set_action_links(session, a, actors, [p for p in partners if p not in actors], orgs)


def _initiative(session: Session, i: Initiative, f: _Fields, now: datetime,
                new: bool = False) -> None:
    if f.has("place"):
        i.place_id = f.place_id("place", f.data["place"])
    if f.has("context"):
        i.context = f.text("context", CONTEXT_MAX)
    _dated(session, i, f, new)
    if f.has("organisations"):
        _set_initiative_organisations(session, i, _organisations(session, f, now))


def _dated(session: Session, record: Action | Initiative, f: _Fields, new: bool) -> None:
    """The fields actions and initiatives share: period, themes, amounts (a new record is
    added to the session once they are set, so its links can name it)."""
    for field in ("start", "end"):
        if f.has(field):
            setattr(record, field, f.date(field))
    if f.has("themes"):
        record.themes = f.themes()
    if f.has("amounts"):
        record.amounts = f.amounts()
    _in_order(f, record.start, record.end)
    if new:
        session.add(record)
        session.flush()


def _in_order(f: _Fields, start: str | None, end: str | None) -> None:
    """A period must not end before it starts (partial dates compare as their prefixes)."""
    if start and end and partial_dates.compare(end, start) < 0:
        raise f.fail("end", f"{end} is before the start {start}")


# -- a person's links and names (what `recompute` writes for `extracted` records) ------------
def _set_names(session: Session, place: Place, names: list[str]) -> None:
    """Make `names` (main name first) exactly the names of `place`, keeping existing rows."""
    wanted = merge.wanted_names(names)
    for row in list(place.names):
        if row.name not in wanted:
            place.names.remove(row)
    have = {row.name for row in place.names}
    for name in wanted:
        if name not in have:
            place.names.append(PlaceName(name=name, folded=name_key(name)))
    session.flush()


def _relink(session: Session, links: Any, wanted: list[Any], make: Any) -> None:
    """Replace an ORM list of link rows by `make(value, position)` for each wanted value."""
    links.clear()
    session.flush()
    links.extend(make(value, n) for n, value in enumerate(wanted))


def _set_action_links(session: Session, record: Action, actors: list[int],
                      partners: list[int], organisations: list[int]) -> None:
    """Replace an action's places and organisations where they differ."""
    places = merge.action_places(actors, partners)
    if [(p.place_id, p.role) for p in record.places] != places:
        _relink(session, record.places, places,
                lambda pr, n: ActionPlace(place_id=pr[0], role=pr[1], position=n))
    if [o.organisation_id for o in record.organisations] != organisations:
        _relink(session, record.organisations, organisations,
                lambda oid, n: ActionOrganisation(organisation_id=oid, position=n))


def _set_initiative_organisations(session: Session, record: Initiative,
                                  organisations: list[int]) -> None:
    if [o.organisation_id for o in record.organisations] != organisations:
        _relink(session, record.organisations, organisations,
                lambda oid, n: InitiativeOrganisation(organisation_id=oid, position=n))


_APPLY: dict[str, Any] = {
    "place": _place, "organisation": _organisation, "partnership": _partnership,
    "action": _action, "initiative": _initiative,
}
