"""Read the atlas: summaries, place lists and details, partnerships, actions, sources.

Everything returns plain JSON-ready dicts typed in `shapes.py` (built by `views.py`). Rejected
records are left out unless `include_rejected=True` (review screens want them; maps and lists do
not). Every read costs one page: lists are keyset-paginated (`after`, `limit` -> `next`, see
`cursor.py`) and counts and dormancy are computed for the rows shown, never over the whole atlas.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import (
    String, cast, func, intersect, literal_column, or_, select, true, tuple_,
)
from sqlalchemy.orm import Session, selectinload

from jumelage.atlas import cursor, search, views
from jumelage.atlas.dormancy import activity
from jumelage.atlas.models import (
    Action, ActionPlace, Evidence, Initiative, Organisation, Partnership, PartnershipStatus,
    Place, PlaceName, Source,
)
from jumelage.atlas.names import sort_key
from jumelage.atlas.validate import is_id
from jumelage.names import name_key
from jumelage.atlas.shapes import (
    ActionRow, EvidenceRow, Filters, InitiativeRow, OrganisationRow, Page, Partner,
    PartnershipDetail, PartnershipRow, PlaceDetail, PlacePage, PlaceRow, SourceEvidence,
    SourceRow, StatusRow,
)
from jumelage.errors import InvalidChange
from jumelage.records import (
    ACTION_STATUSES, PARTNERSHIP_KINDS, PARTNERSHIP_STATUSES, PLACE_KINDS, REVIEW_STATES, THEMES,
)

FUZZY_CUTOFF = 85
UNDATED = "9999-99-99"  # sort key of an undated action or initiative: after every real date
TIMELINE_PAGE = 100     # actions shown on a place or partnership page before "more"


def _live(model: Any, include_rejected: bool) -> Any:
    """Records not rejected. The state is written into the SQL as a literal, not a parameter: a
    generic plan cannot then misjudge its selectivity (PostgreSQL estimated one row for
    `review_state != $1` and chose a plan that took seconds)."""
    return true() if include_rejected else model.review_state != literal_column("'rejected'")


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


def _validate(f: Filters, allowed: set[str], listing: str) -> None:
    """`InvalidChange` for a filter this listing does not know or a value out of its vocabulary."""
    for name in ("q", "theme", "country", "kind", "status", "year_from", "year_to", "place",
                 "context", "record"):
        if getattr(f, name) is not None and name not in allowed:
            raise InvalidChange(f"{listing}: cannot be filtered by {name}")
    if f.theme is not None and f.theme not in THEMES:
        raise InvalidChange(f"theme: {f.theme!r} is not one of {', '.join(THEMES)}")
    if f.country is not None and not (len(f.country) == 2 and f.country.isalpha()):
        raise InvalidChange(f"country: {f.country!r} is not an ISO 3166 alpha-2 code")
    for name in ("year_from", "year_to"):
        value = getattr(f, name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or not 1 <= value <= 9999):
            raise InvalidChange(f"{name}: {value!r} is not a year")
    if f.place is not None and (isinstance(f.place, bool) or not isinstance(f.place, int)):
        raise InvalidChange(f"place: {f.place!r} is not a place id")


def _check_choice(name: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        raise InvalidChange(f"{name}: {value!r} is not one of {', '.join(allowed)}")


def _year_range(column: Any, f: Filters) -> list[Any]:
    """Conditions keeping partial dates whose year is within [year_from, year_to].

    `column` may be a timeline key (`_timeline`): undated rows, keyed `UNDATED`, are left out by
    the upper bound, and the database walks the timeline index for both the range and the order.
    """
    out = []
    if f.year_from is not None or f.year_to is not None:
        out.append(column >= f"{f.year_from or 0:04d}")
        out.append(column < (f"{f.year_to + 1:04d}" if f.year_to is not None else UNDATED))
    return out


def _has_theme(column: Any, theme: str) -> Any:
    # themes are JSON lists of codes from records.THEMES (checked: no quote, no wildcard)
    return cast(column, String).like(f'%"{theme}"%')


def _timeline(model: Any) -> Any:
    """The timeline sort key: start date, undated last (the same on SQLite and PostgreSQL)."""
    # a literal, not a parameter: the expression indexes of migration 0003 match it exactly
    return func.coalesce(model.start, literal_column(f"'{UNDATED}'"))


def partner_counts(session: Session, include_rejected: bool = False,
                   ids: Iterable[int] | None = None) -> dict[int, int]:
    """Place id -> number of partnerships (not rejected), for the places `ids` (all if None)."""
    counts: dict[int, int] = defaultdict(int)
    wanted = None if ids is None else sorted(set(ids))
    if wanted == []:
        return counts
    for column in (Partnership.place_a_id, Partnership.place_b_id):
        stmt = (select(column, func.count(Partnership.id))
                .where(_live(Partnership, include_rejected)).group_by(column))
        if wanted is not None:
            stmt = stmt.where(column.in_(wanted))
        for pid, n in session.execute(stmt):
            counts[pid] += n
    return counts


def _action_counts(session: Session, ids: Iterable[int] | None = None) -> dict[int, int]:
    wanted = None if ids is None else sorted(set(ids))
    if wanted == []:
        return {}
    stmt = (select(ActionPlace.place_id, func.count(ActionPlace.action_id))
            .join(Action, Action.id == ActionPlace.action_id)
            .where(Action.review_state != "rejected").group_by(ActionPlace.place_id))
    if wanted is not None:
        stmt = stmt.where(ActionPlace.place_id.in_(wanted))
    return dict(session.execute(stmt).all())  # type: ignore[arg-type]


def _place_rows(session: Session, found: list[Place]) -> list[PlaceRow]:
    ids = [p.id for p in found]
    partners, actions_n = partner_counts(session, ids=ids), _action_counts(session, ids)
    return [_place_row(p, partners, actions_n) for p in found]


def _place_row(p: Place, partners: dict[int, int], actions: dict[int, int]) -> PlaceRow:
    return {**views.place(p), "partner_count": partners.get(p.id, 0),  # type: ignore[typeddict-item]
            "action_count": actions.get(p.id, 0)}


def places(session: Session, filters: Filters | None = None, after: str | None = None,
           limit: int | None = 50, include_rejected: bool = False) -> Page[PlaceRow]:
    """Places by name (`atlas.names.sort_key`: French order, accents aside) then id, with
    partner and action counts.

    Filters: `q` (a folded substring of any of the place's names), `country`, `kind`.
    """
    f = filters or Filters()
    _validate(f, {"q", "country", "kind"}, "places")
    _check_choice("kind", f.kind, PLACE_KINDS)
    size = cursor.limit(limit)
    stmt = select(Place).options(selectinload(Place.names)).where(_live(Place, include_rejected))
    if f.q and name_key(f.q):
        stmt = stmt.where(Place.id.in_(
            select(PlaceName.place_id).where(PlaceName.folded.contains(name_key(f.q),
                                                                       autoescape=True))))
    if f.country:
        stmt = stmt.where(Place.country == f.country.upper())
    if f.kind:
        stmt = stmt.where(Place.kind == f.kind)
    found, nxt = _keyset(session, "places", stmt, (Place.sort_name, Place.id), after, size,
                         lambda p: [p.sort_name, p.id])
    return {"items": _place_rows(session, found), "next": nxt}


def _key(key: list[Any], *types: type) -> list[Any]:
    if len(key) != len(types) or not all(isinstance(v, t) and not isinstance(v, bool)
                                         for v, t in zip(key, types)):
        raise InvalidChange("after: the cursor does not fit this list")
    return key


TOWN_KINDS = (None, "city", "camp")  # the kinds a name given alone means first


_WITH_COUNTRY = re.compile(r"^(?P<name>.+?)\s*\(\s*(?P<country>[A-Za-z]{2})\s*\)$")


def find_place(session: Session, name_or_id: str | int) -> PlaceRow | None:
    """The place `name_or_id` means, the one lookup behind `show`, `review --place`, the
    matcher and the web. In this order:

    1. a number is an atlas id, else a GeoNames id;
    2. a name or alias with the same name key (`name_key`: accents, case and punctuation
       ignored); when several places carry it, the preferred one (`_preferred`); a name
       followed by a country code, as close names are suggested (« Córdoba (ES) »), the one
       of that country;
    3. else the closest names (rapidfuzz ratio >= `FUZZY_CUTOFF`), the preferred of the best
       scored.

    The preference: a live place before a rejected one, a town (`city`, `camp`) before a region
    or district, then the one with most live partnerships, then the lowest id."""
    text = str(name_or_id).strip()
    place: Place | None = None
    if text.isdigit() and is_id(int(text)):  # a bigger number names no place
        place = session.get(Place, int(text)) or session.scalar(
            select(Place).where(Place.geonames_id == int(text)))
    key = name_key(text)
    if place is None and key:
        ids = set(session.scalars(select(PlaceName.place_id).where(PlaceName.folded == key)))
        place = _preferred(session, ids)
    qualified = _WITH_COUNTRY.match(text)
    if place is None and qualified:      # « Córdoba (ES) »: the name in that country
        ids = set(session.scalars(
            select(PlaceName.place_id).join(Place, Place.id == PlaceName.place_id)
            .where(PlaceName.folded == name_key(qualified["name"]),
                   Place.country == qualified["country"].upper())))
        place = _preferred(session, ids)
    if place is None and key:
        names = session.execute(
            select(PlaceName.folded, PlaceName.place_id).join(Place, Place.id == PlaceName.place_id)
            .where(Place.review_state != "rejected")).all()
        hits = process.extract(key, [n for n, _ in names], scorer=fuzz.ratio,
                               score_cutoff=FUZZY_CUTOFF, limit=None)
        top = max((h[1] for h in hits), default=None)
        place = _preferred(session, {names[h[2]][1] for h in hits if h[1] == top})
    if place is None:
        return None
    return _place_rows(session, [place])[0]


def _preferred(session: Session, ids: set[int]) -> Place | None:
    """Of the places `ids`, the one a name given alone means (see `find_place`)."""
    if not ids:
        return None
    places = session.scalars(select(Place).where(Place.id.in_(ids))).all()
    degree = dict(session.execute(
        select(Place.id, func.count(Partnership.id))
        .join(Partnership, or_(Partnership.place_a_id == Place.id,
                               Partnership.place_b_id == Place.id))
        .where(Place.id.in_(ids), Partnership.review_state != "rejected")
        .group_by(Place.id)).all())
    return min(places, key=lambda p: (p.review_state == "rejected", p.kind not in TOWN_KINDS,
                                      -degree.get(p.id, 0), p.id))


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(Place.id, Place.name).where(Place.id.in_(ids))).all())


def _org_names(session: Session, ids: Iterable[int] | None = None) -> dict[int, str]:
    stmt = select(Organisation.id, Organisation.name)
    if ids is not None:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        stmt = stmt.where(Organisation.id.in_(wanted))
    return dict(session.execute(stmt).all())  # type: ignore[arg-type]


def _partnership_rows(session: Session, ships: list[Partnership],
                      as_of: date | None) -> list[PartnershipRow]:
    flags = activity(session, ships, as_of)
    ids = [s.id for s in ships]
    counts = dict(session.execute(
        select(Evidence.partnership_id, func.count(Evidence.id))
        .where(Evidence.partnership_id.in_(ids)).group_by(Evidence.partnership_id)).all()
    ) if ids else {}
    return [{**views.partnership(s),  # type: ignore[typeddict-item]
             "dormant": flags[s.id] == "dormant", "activity": flags[s.id],
             "evidence_count": counts.get(s.id, 0)} for s in ships]


def _ships_of_place(place_id: int) -> Any:
    return or_(Partnership.place_a_id == place_id, Partnership.place_b_id == place_id)


def partnerships(session: Session, filters: Filters | None = None, after: str | None = None,
                 limit: int | None = 50, as_of: date | None = None,
                 include_rejected: bool = False) -> Page[PartnershipRow]:
    """Partnerships by id, each with its `dormant` flag as of `as_of` (default today).

    Filters: `place` (either place), `country` (either place's), `kind`, `status`,
    `year_from`/`year_to` (on `since`).
    """
    f = filters or Filters()
    _validate(f, {"place", "country", "kind", "status", "year_from", "year_to"}, "partnerships")
    _check_choice("kind", f.kind, PARTNERSHIP_KINDS)
    _check_choice("status", f.status, PARTNERSHIP_STATUSES)
    size = cursor.limit(limit)
    stmt = select(Partnership).options(selectinload(Partnership.place_a),
                                       selectinload(Partnership.place_b))
    stmt = stmt.where(_live(Partnership, include_rejected), *_year_range(Partnership.since, f))
    if f.place is not None:
        stmt = stmt.where(_ships_of_place(f.place))
    if f.country:
        in_country = select(Place.id).where(Place.country == f.country.upper())
        stmt = stmt.where(or_(Partnership.place_a_id.in_(in_country),
                              Partnership.place_b_id.in_(in_country)))
    if f.kind:
        stmt = stmt.where(Partnership.kind == f.kind)
    if f.status:
        stmt = stmt.where(Partnership.status == f.status)
    key = cursor.decode("partnerships", after)
    if key is not None:
        stmt = stmt.where(Partnership.id > _key(key, int)[0])
    ships = list(session.scalars(stmt.order_by(Partnership.id).limit(size + 1)))
    more = len(ships) > size
    ships = ships[:size]
    nxt = cursor.encode("partnerships", [ships[-1].id]) if more else None
    return {"items": _partnership_rows(session, ships, as_of), "next": nxt}


def _evidence(session: Session, column: Any, ids: list[int]) -> list[EvidenceRow]:
    if not ids:
        return []
    rows = session.execute(
        select(Evidence, Source.name).join(Source, Source.id == Evidence.source_id)
        .where(column.in_(ids)).order_by(Evidence.id)).all()
    return [views.evidence(ev, name) for ev, name in rows]  # type: ignore[misc]


def _histories(session: Session, ship_ids: list[int]) -> dict[int, list[StatusRow]]:
    """Partnership id -> its dated status history, oldest first, each with its evidence."""
    if not ship_ids:
        return {}
    rows = sorted(session.scalars(select(PartnershipStatus).where(
        PartnershipStatus.partnership_id.in_(ship_ids))),
        key=lambda r: (r.date is None, r.date or "", r.id))
    evidence: dict[int, list[EvidenceRow]] = defaultdict(list)
    for ev in _evidence(session, Evidence.status_id, [r.id for r in rows]):
        evidence[ev["record_id"]].append(ev)
    out: dict[int, list[StatusRow]] = defaultdict(list)
    for r in rows:
        out[r.partnership_id].append(
            {**views.status(r), "evidence": evidence.get(r.id, [])})  # type: ignore[typeddict-item]
    return out


def partnership_history(session: Session, partnership_id: int) -> list[StatusRow]:
    """The dated status history of a partnership, oldest first, each change with its evidence."""
    if not is_id(partnership_id):
        return []
    return _histories(session, [partnership_id]).get(partnership_id, [])


def _timeline_key(d: Any) -> tuple[bool, str, int]:
    return (d["start"] is None, d["start"] or "", d["id"])


def _page(listing: str, rows: list[Any], size: int, key: Any) -> tuple[list[Any], str | None]:
    more = len(rows) > size
    rows = rows[:size]
    return rows, (cursor.encode(listing, key(rows[-1])) if more else None)


def _keyset(session: Session, listing: str, stmt: Any, order: tuple[Any, Any],
            after: str | None, size: int, key: Any) -> tuple[list[Any], str | None]:
    """One page of `stmt` in `order` (a text sort key, then the id), after the cursor `after`;
    returns the rows and the `next` cursor (`key(row)`: the row's [sort key, id])."""
    at = cursor.decode(listing, after)
    if at is not None:
        stmt = stmt.where(tuple_(*order) > tuple_(*_key(at, str, int)))
    found = list(session.scalars(stmt.order_by(*order).limit(size + 1)))
    return _page(listing, found, size, key)


def actions(session: Session, filters: Filters | None = None, after: str | None = None,
            limit: int | None = 50, include_rejected: bool = False) -> Page[ActionRow]:
    """Actions in timeline order (start date, undated last, then id).

    Filters: `place` (taking part as actor or partner), `country` (of any place taking part),
    `theme`, `status`, `year_from`/`year_to` (on the start date).
    """
    f = filters or Filters()
    _validate(f, {"place", "country", "theme", "status", "year_from", "year_to"}, "actions")
    _check_choice("status", f.status, ACTION_STATUSES)
    size = cursor.limit(limit)
    order = _timeline(Action)
    stmt = select(Action).options(selectinload(Action.places), selectinload(Action.organisations))
    stmt = stmt.where(_live(Action, include_rejected), *_year_range(order, f))
    sets = []  # ids each filter keeps, from indexes; the database intersects them first
    if f.place is not None:
        sets.append(select(ActionPlace.action_id).where(ActionPlace.place_id == f.place))
    if f.country:
        sets.append(
            search.records_with("action", "country", f.country.upper()) if not include_rejected
            else select(ActionPlace.action_id).join(Place, Place.id == ActionPlace.place_id)
            .where(Place.country == f.country.upper()))
    if f.theme:
        if include_rejected:  # rejected actions are not in the search index
            stmt = stmt.where(_has_theme(Action.themes, f.theme))
        else:
            sets.append(search.records_with("action", "theme", f.theme))
    if sets:
        stmt = stmt.where(Action.id.in_(sets[0] if len(sets) == 1 else intersect(*sets)))
    if f.status:
        stmt = stmt.where(Action.status == f.status)
    found, nxt = _keyset(session, "actions", stmt, (order, Action.id), after, size,
                         lambda a: [a.start or UNDATED, a.id])
    names = _names(session, {p.place_id for a in found for p in a.places})
    orgs = _org_names(session, {o.organisation_id for a in found for o in a.organisations})
    return {"items": [views.action(a, names, orgs) for a in found],  # type: ignore[misc]
            "next": nxt}


def initiatives(session: Session, filters: Filters | None = None, after: str | None = None,
                limit: int | None = 50, include_rejected: bool = False) -> Page[InitiativeRow]:
    """Initiatives in timeline order (start date, undated last, then id).

    Filters: `place`, `country` (of its place), `theme`, `context`, `year_from`/`year_to`.
    """
    f = filters or Filters()
    _validate(f, {"place", "country", "theme", "context", "year_from", "year_to"},
              "initiatives")
    size = cursor.limit(limit)
    order = _timeline(Initiative)
    stmt = select(Initiative).options(selectinload(Initiative.organisations))
    stmt = stmt.where(_live(Initiative, include_rejected), *_year_range(order, f))
    if f.place is not None:
        stmt = stmt.where(Initiative.place_id == f.place)
    if f.country:
        stmt = stmt.where(Initiative.place_id.in_(
            select(Place.id).where(Place.country == f.country.upper())))
    if f.theme:
        stmt = stmt.where(Initiative.id.in_(search.records_with("initiative", "theme", f.theme))
                          if not include_rejected else _has_theme(Initiative.themes, f.theme))
    if f.context:
        stmt = stmt.where(Initiative.context == f.context)
    found, nxt = _keyset(session, "initiatives", stmt, (order, Initiative.id), after, size,
                         lambda i: [i.start or UNDATED, i.id])
    names = _names(session, {i.place_id for i in found if i.place_id is not None})
    orgs = _org_names(session, {o.organisation_id for i in found for o in i.organisations})
    return {"items": [views.initiative(i, names, orgs) for i in found],  # type: ignore[misc]
            "next": nxt}


def organisations(session: Session, include_rejected: bool = False) -> list[OrganisationRow]:
    stmt = select(Organisation).where(_live(Organisation, include_rejected))
    found = sorted(session.scalars(stmt), key=lambda o: (sort_key(o.name), o.id))
    return [views.organisation(o) for o in found]  # type: ignore[misc]


def _sources_of(session: Session, evidence: list[EvidenceRow]) -> list[SourceEvidence]:
    by_source: dict[int, list[EvidenceRow]] = defaultdict(list)
    for ev in evidence:
        by_source[ev["source_id"]].append(ev)
    out: list[SourceEvidence] = []
    if not by_source:
        return out
    for src in session.scalars(select(Source).where(Source.id.in_(by_source)).order_by(Source.id)):
        items = sorted(by_source[src.id], key=lambda e: (e["start"] is None, e["start"] or 0))
        out.append({**views.source(src), "evidence": items})  # type: ignore[typeddict-item]
    return out


def place_detail(session: Session, place_id: int, as_of: date | None = None,
                 include_rejected: bool = False,
                 timeline_limit: int = TIMELINE_PAGE) -> PlaceDetail | None:
    """A place with its partners (history, dormancy), the first `timeline_limit` actions of its
    timeline, its initiatives and the sources telling them; None if unknown.

    Everything read is about this place: its partnerships, the actions it takes part in, their
    evidence. Nothing is counted over the whole atlas.
    """
    place = session.get(Place, place_id) if is_id(place_id) else None
    if place is None:
        return None
    stmt = (select(Partnership).options(selectinload(Partnership.place_a),
                                        selectinload(Partnership.place_b))
            .where(_live(Partnership, include_rejected), _ships_of_place(place_id))
            .order_by(Partnership.id))
    ships = _partnership_rows(session, list(session.scalars(stmt)), as_of)
    histories = _histories(session, [s["id"] for s in ships])
    partners: list[Partner] = []
    for s in ships:
        other = s["places"][1] if s["places"][0]["id"] == place_id else s["places"][0]
        partners.append({"partnership_id": s["id"], "place": other, "kind": s["kind"],
                         "since": s["since"], "status": s["status"], "dormant": s["dormant"],
                         "activity": s["activity"],
                         "review_state": s["review_state"],
                         "history": histories.get(s["id"], [])})
    timeline = actions(session, Filters(place=place_id), None, timeline_limit, include_rejected)
    local = initiatives(session, Filters(place=place_id), None, cursor.MAX_LIMIT,
                        include_rejected)["items"]
    evidence = (
        _evidence(session, Evidence.place_id, [place_id])
        + _evidence(session, Evidence.partnership_id, [s["id"] for s in ships])
        + [ev for h in histories.values() for row in h for ev in row["evidence"]]
        + _evidence(session, Evidence.action_id, [a["id"] for a in timeline["items"]])
        + _evidence(session, Evidence.initiative_id, [i["id"] for i in local])
    )
    return {"place": _place_rows(session, [place])[0], "partners": partners,
            "timeline": timeline["items"], "timeline_next": timeline["next"],
            "initiatives": local, "sources": _sources_of(session, evidence)}


PARTNER_INITIATIVES = 50  # per partner, on a place page


def place_page(session: Session, place_id: int, as_of: date | None = None) -> PlacePage | None:
    """The page of a place, as `jumelage show --json` and `GET /api/places/{id}` give it: its
    `place_detail`, the place and each partnership, action and initiative with its `ref` (the
    `kind:id` that `review` takes), each action and initiative with its `evidence` (every span
    of it among the page's sources), the `themes` of its actions and initiatives, and the
    initiatives of its partners (up to `PARTNER_INITIATIVES` each) grouped by crisis context
    (`partners_did`, contexts by name, none last). None for an unknown place."""
    detail = place_detail(session, place_id, as_of)
    if detail is None:
        return None
    spans: dict[tuple[str, int], list[EvidenceRow]] = defaultdict(list)
    for src in detail["sources"]:
        for ev in src["evidence"]:
            spans[(ev["record"], ev["record_id"])].append(ev)
    page: dict[str, Any] = dict(detail)
    page["place"] = {**detail["place"], "ref": f"place:{place_id}"}
    page["partners"] = [{**p, "ref": f"partnership:{p['partnership_id']}"}
                        for p in detail["partners"]]
    for kind, key in (("action", "timeline"), ("initiative", "initiatives")):
        page[key] = [{**r, "ref": f"{kind}:{r['id']}", "evidence": spans.get((kind, r["id"]), [])}
                     for r in detail[key]]  # type: ignore[attr-defined]
    by_context: dict[str, list[InitiativeRow]] = defaultdict(list)
    for partner in detail["partners"]:
        found = initiatives(session, Filters(place=partner["place"]["id"]), None,
                            PARTNER_INITIATIVES, False)
        for item in found["items"]:
            by_context[item["context"] or ""].append(item)
    page["themes"] = sorted({t for a in detail["timeline"] for t in a["themes"]}
                            | {t for i in detail["initiatives"] for t in i["themes"]})
    page["partners_did"] = [{"context": c or None, "initiatives": by_context[c]}
                            for c in sorted(by_context, key=lambda c: (c == "", c))]
    return page  # type: ignore[return-value]


def partnership_detail(session: Session, partnership_id: int, as_of: date | None = None,
                       actions_limit: int = TIMELINE_PAGE) -> PartnershipDetail | None:
    """A partnership with both places, its dated history, its evidence and the first
    `actions_limit` actions both places take part in (timeline order); None if unknown."""
    ship = session.get(Partnership, partnership_id) if is_id(partnership_id) else None
    if ship is None:
        return None
    row = _partnership_rows(session, [ship], as_of)[0]
    both = (select(ActionPlace.action_id).where(ActionPlace.place_id == ship.place_a_id)
            .intersect(select(ActionPlace.action_id).where(ActionPlace.place_id == ship.place_b_id)))
    order = _timeline(Action)
    found = list(session.scalars(
        select(Action).options(selectinload(Action.places), selectinload(Action.organisations))
        .where(Action.id.in_(both), Action.review_state != "rejected")
        .order_by(order, Action.id).limit(actions_limit + 1)))
    found, nxt = _page("actions", found, actions_limit, lambda a: [a.start or UNDATED, a.id])
    names = _names(session, {p.place_id for a in found for p in a.places})
    orgs = _org_names(session, {o.organisation_id for a in found for o in a.organisations})
    return {**row, "history": partnership_history(session, partnership_id),  # type: ignore[typeddict-item]
            "evidence": _evidence(session, Evidence.partnership_id, [partnership_id]),
            "actions": [views.action(a, names, orgs) for a in found], "actions_next": nxt}


def map_version(session: Session) -> str:
    """A short text that changes whenever the map's records (places, partnerships) change: their
    counts and latest `updated_at` (a review, a correction, an ingest or a removal moves one)."""
    parts = []
    for model in (Place, Partnership):
        n, latest = session.execute(select(func.count(model.id), func.max(model.updated_at))).one()
        parts.append(f"{n}-{latest.timestamp() if latest is not None else 0:.6f}")
    return "-".join(parts)


def busiest_place(session: Session) -> str | None:
    """The name of the place with the most partnerships, then actions, then the lowest id."""
    partners = partner_counts(session)
    if not partners:
        first = session.scalar(select(Place.name).where(Place.review_state != "rejected")
                               .order_by(Place.id).limit(1))
        return first
    top = max(partners.values())
    tied = [pid for pid, n in partners.items() if n == top]
    acts = _action_counts(session, tied)
    best = min(tied, key=lambda pid: (-acts.get(pid, 0), pid))
    return session.scalar(select(Place.name).where(Place.id == best))


def latest_sources(session: Session, limit: int = 10) -> list[SourceRow]:
    """The `limit` sources ingested or updated last, newest first (home page)."""
    found = list(session.scalars(select(Source).order_by(Source.updated_at.desc(), Source.id.desc())
                                 .limit(cursor.limit(limit))))
    counts = dict(session.execute(
        select(Evidence.source_id, func.count(Evidence.id))
        .where(Evidence.source_id.in_([s.id for s in found])).group_by(Evidence.source_id)).all()
    ) if found else {}
    return [views.source(s, counts.get(s.id, 0)) for s in found]  # type: ignore[misc]


def sources(session: Session, filters: Filters | None = None, after: str | None = None,
            limit: int | None = 50) -> Page[SourceRow]:
    """Sources by name then id, each with its evidence count (counted for the page shown).

    Filters: `q` (a substring of the file name or the title, case ignored).
    """
    f = filters or Filters()
    _validate(f, {"q"}, "sources")
    size = cursor.limit(limit)
    stmt = select(Source)
    if f.q and f.q.strip():
        needle = f.q.strip().lower()
        stmt = stmt.where(or_(func.lower(Source.name).contains(needle, autoescape=True),
                              func.lower(func.coalesce(Source.title, "")).contains(
                                  needle, autoescape=True)))
    found, nxt = _keyset(session, "sources", stmt, (Source.name, Source.id), after, size,
                         lambda s: [s.name, s.id])
    counts = dict(session.execute(
        select(Evidence.source_id, func.count(Evidence.id))
        .where(Evidence.source_id.in_([s.id for s in found])).group_by(Evidence.source_id)).all()
    ) if found else {}
    return {"items": [views.source(s, counts.get(s.id, 0)) for s in found],  # type: ignore[misc]
            "next": nxt}


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
    src = session.get(Source, source_id) if is_id(source_id) else None
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
    obj = session.get(model, record_id) if model is not None and is_id(record_id) else None
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
                         _org_names(session, {o.organisation_id for o in obj.organisations}))
    else:
        d = views.initiative(obj, _names(session, {obj.place_id} - {None}),
                             _org_names(session, {o.organisation_id for o in obj.organisations}))
    d["evidence"] = _evidence(session, getattr(Evidence, f"{kind}_id"), [record_id])
    return d
