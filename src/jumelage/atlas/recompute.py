"""The one write path of merged fields: recompute records from their claims, set-based.

Every door that can leave a record `extracted` ends here: ingest and import-pairs (`save.py`,
through `finish`), and review handing a record back to its sources (`review.py`, through
`recompute`); the library, the CLI and the web all call those. So a record looks the same
whichever door last touched it, and after a re-ingest.

The last step of saving a document: put kept evidence back, clear orphans, recompute records.

`finish(conn, text, pending, touched, took_back, now)` works on the records a document touched:
1. evidence kept aside on reviewed records (`pending`) is found again in the new text by its quote;
2. when the document took evidence back (`took_back`: a changed or removed source), the
   `extracted` records it left without evidence are deleted: status rows, actions, initiatives,
   partnerships, then organisations and places nothing refers to any more;
3. every touched record still `extracted` gets its merged fields from all its claims
   (`merge.*_fields`), and is written only when something changed (`updated_at` moves with it);
4. the search index of every record touched or deleted (and of a source in `touched["source"]`)
   is rewritten (`search.refresh`), in the same transaction.
Each kind is loaded, computed and written in a few set-based statements, in id order.
`recompute(conn, kind, ids, now)` is step 3 alone. Organisations named by claims are found or
created by `organisations.Organisations`, the one find-or-create.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Connection, exists, or_, select

from jumelage.atlas import merge, search
from jumelage.atlas import statements as q
from jumelage.atlas.models import (
    Action, ActionOrganisation, ActionPlace, Evidence, Initiative, InitiativeOrganisation,
    Organisation, Partnership, PartnershipStatus, Place, PlaceName,
)
from jumelage.atlas.names import sort_key
from jumelage.atlas.organisations import Organisations
from jumelage.names import name_key

Touched = defaultdict[str, set[int]]
CHUNK = 500
# what keeps an organisation or a place that lost its last evidence: something refers to it
_ORGANISATION_USED = or_(exists().where(ActionOrganisation.organisation_id == Organisation.id),
                         exists().where(InitiativeOrganisation.organisation_id == Organisation.id))
_PLACE_USED = or_(
    exists().where(or_(Partnership.place_a_id == Place.id, Partnership.place_b_id == Place.id)),
    exists().where(ActionPlace.place_id == Place.id),
    exists().where(Initiative.place_id == Place.id))


class Kept(Protocol):
    id: int
    start: int | None
    end: int | None
    quote: str | None


def finish(conn: Connection, text: str, pending: dict[tuple[str, int], list[Any]],
           touched: Touched, took_back: bool, now: datetime) -> dict[str, set[int]]:
    """Steps 1-3 of the module docstring; returns the ids of the records deleted, by kind
    (they leave `touched`; the search index still has to forget them)."""
    _relocate(conn, text, [ev for evs in pending.values() for ev in evs])
    t = touched
    removed: dict[str, set[int]] = defaultdict(set)
    if took_back:
        statuses = conn.execute(select(PartnershipStatus.id, PartnershipStatus.partnership_id)
                                .where(*_orphan(PartnershipStatus, Evidence.status_id,
                                                t["status"]))).all()
        t["partnership"].update(pid for _, pid in statuses)
        _delete(conn, PartnershipStatus, [sid for sid, _ in statuses])
        removed["status"].update(sid for sid, _ in statuses)
    for kind, model, column, redo in (
        ("action", Action, Evidence.action_id, _actions),
        ("initiative", Initiative, Evidence.initiative_id, _initiatives),
        ("partnership", Partnership, Evidence.partnership_id, _partnerships),
    ):
        if took_back and t[kind]:
            if kind == "partnership":
                rows = conn.execute(select(Partnership.id, Partnership.place_a_id,
                                           Partnership.place_b_id)
                                    .where(*_orphan(model, column, t[kind]))).all()
                for _, a, b in rows:
                    t["place"].update((a, b))
                gone = [r[0] for r in rows]
            else:
                gone = list(conn.scalars(select(model.id).where(*_orphan(model, column, t[kind]))))
            _delete(conn, model, gone)
            t[kind].difference_update(gone)
            removed[kind].update(gone)
        if t[kind]:
            redo(conn, sorted(t[kind]), now)
    _drop_orphans(conn, t, removed, "organisation", Organisation, Evidence.organisation_id,
                  took_back, _ORGANISATION_USED)
    if t["organisation"]:
        _organisations(conn, sorted(t["organisation"]), now)
    _drop_orphans(conn, t, removed, "place", Place, Evidence.place_id, took_back, _PLACE_USED)
    if t["place"]:
        _places(conn, sorted(t["place"]), now)
    changed = {kind: set(ids) for kind, ids in t.items()}
    for kind, ids in removed.items():
        changed.setdefault(kind, set()).update(ids)
    search.refresh(conn, changed)
    return removed


def recompute(conn: Connection, kind: str, ids: Iterable[int], now: datetime) -> None:
    """Step 3 alone, for records of one `kind` (place, partnership, action, initiative,
    organisation): the `extracted` ones among `ids` get their merged fields from their claims,
    written only where something changed. The one recompute: ingest, import-pairs (through
    `finish`) and review (a record handed back to its sources) all run it. It does not touch
    the search index (`finish` and `Atlas.review` refresh it)."""
    wanted = sorted(set(ids))
    if wanted:
        _RECOMPUTE[kind](conn, wanted, now)


def _drop_orphans(conn: Connection, t: Touched, removed: dict[str, set[int]], kind: str,
                  model: Any, column: Any, took_back: bool, used: Any) -> None:
    """Delete the touched `extracted` records of `kind` that lost their last evidence and that
    nothing refers to (`used`, a condition on `model`)."""
    if not (took_back and t[kind]):
        return
    gone = list(conn.scalars(select(model.id).where(*_orphan(model, column, t[kind]), ~used)))
    _delete(conn, model, gone)
    t[kind].difference_update(gone)
    removed[kind].update(gone)


# -- helpers ------------------------------------------------------------------------------------
def _chunks(items: list[Any]) -> Iterable[list[Any]]:
    for at in range(0, len(items), CHUNK):
        yield items[at:at + CHUNK]


def _orphan(model: Any, column: Any, ids: set[int]) -> list[Any]:
    """Conditions: among `ids`, `extracted`, and no evidence supports it any more."""
    return [model.id.in_(sorted(ids)), model.review_state == "extracted",
            ~exists().where(column == model.id)]


def _delete(conn: Connection, model: Any, ids: list[int]) -> None:
    for part in _chunks(ids):
        conn.execute(q.delete_by(model), {"ids": part})


def _relocate(conn: Connection, text: str, kept: list[Kept]) -> None:
    """Put evidence kept on reviewed records back on the new text, found by its quote."""
    moved = []
    for ev in kept:
        start: int | None = None
        end: int | None = None
        if ev.quote:
            spots, at = [], text.find(ev.quote)
            while at >= 0:
                spots.append(at)
                at = text.find(ev.quote, at + 1)
            if spots:
                start = min(spots, key=lambda s: abs(s - (ev.start or 0)))
                end = start + len(ev.quote)
        if (start, end) != (ev.start, ev.end):
            moved.append({"_id": ev.id, "_start": start, "_end": end})
    if moved:
        conn.execute(q.update_by_id(Evidence, ("start", "end")), moved)


def _fetch(conn: Connection, statement: Any, ids: Iterable[Any]) -> list[Any]:
    """All rows of `statement` for `ids`, a chunk at a time."""
    out: list[Any] = []
    for part in _chunks(list(ids)):
        out += conn.execute(statement, {"ids": part}).all()
    return out


def _rows(conn: Connection, model: Any, fields: tuple[str, ...], ids: list[int],
          column: str) -> tuple[list[Any], list[int], dict[int, list[dict[str, Any]]]]:
    """The `extracted` records among `ids`, in id order, with `fields` by attribute name; their
    ids; and their claims (`column`: the evidence column naming them)."""
    rows = _fetch(conn, q.extracted(model, fields), ids)
    found = [r.id for r in rows]
    return rows, found, (_claims(conn, column, found) if rows else {})


def _claims(conn: Connection, column: str, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each record's claims, oldest evidence first."""
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for rid, claim in _fetch(conn, q.claims(column), ids):
        if claim:
            out[rid].append(claim)
    return out


def _write(conn: Connection, model: Any, rows: list[dict[str, Any]]) -> None:
    """Update changed records; each row holds `id` and every field, by attribute name."""
    if not rows:
        return
    names = tuple(k for k in rows[0] if k != "id")
    conn.execute(q.update_by_id(model, names),
                 [{f"_{k}": v for k, v in row.items()} for row in rows])


def _existing_places(conn: Connection, ids: Iterable[int]) -> set[int]:
    return {row[0] for row in _fetch(conn, q.EXISTING_PLACES, sorted(set(ids)))}


def _replace_links(conn: Connection, model: Any, owner: str, wanted: dict[int, list[dict]]) -> None:
    """Replace the link rows of the records in `wanted` (record id -> new rows)."""
    if not wanted:
        return
    for part in _chunks(sorted(wanted)):
        conn.execute(q.delete_by(model, owner), {"ids": part})
    rows = [row for rid in sorted(wanted) for row in wanted[rid]]
    if rows:
        conn.execute(q.INSERT[model], rows)


# -- one function per kind ----------------------------------------------------------------------
_ACTION_FIELDS = ("start", "end", "status", "themes", "amounts")
_INITIATIVE_FIELDS = ("place_id", "start", "end", "context", "themes", "amounts")


def _actions(conn: Connection, ids: list[int], now: datetime) -> None:
    rows, found, claims = _rows(conn, Action, _ACTION_FIELDS, ids, "action_id")
    if not rows:
        return
    places: dict[int, list[tuple[int, str]]] = defaultdict(list)
    orgs: dict[int, list[int]] = defaultdict(list)
    for aid, pid, role in _fetch(conn, q.ACTION_PLACES, found):
        places[aid].append((pid, role))
    for aid, oid in _fetch(conn, q.ACTION_ORGANISATIONS, found):
        orgs[aid].append(oid)
    merged = {rid: merge.action_fields(items) for rid, items in claims.items()}
    existing = _existing_places(
        conn, (p for m in merged.values() for p in [*m["actors"], *m["partners"]]))
    organisations = Organisations(conn, now)
    organisations.load(n for m in merged.values() for n in m["organisations"])
    changed: list[dict[str, Any]] = []
    new_places: dict[int, list[dict]] = {}
    new_orgs: dict[int, list[dict]] = {}
    for row in rows:
        m = merged.get(row.id)
        if m is None:
            continue
        fields = {f: m[f] for f in _ACTION_FIELDS}
        differs = any(getattr(row, f) != v for f, v in fields.items())
        org_ids = organisations.ids(m["organisations"])
        roles = merge.action_places([p for p in m["actors"] if p in existing],
                                    [p for p in m["partners"] if p in existing])
        if places.get(row.id, []) != roles:
            new_places[row.id] = [{"action_id": row.id, "place_id": pid, "role": role,
                                   "position": n} for n, (pid, role) in enumerate(roles)]
        if orgs.get(row.id, []) != org_ids:
            new_orgs[row.id] = [{"action_id": row.id, "organisation_id": oid, "position": n}
                                for n, oid in enumerate(org_ids)]
        if differs or row.id in new_places or row.id in new_orgs:
            changed.append({"id": row.id, **fields, "updated_at": now})
    _replace_links(conn, ActionPlace, "action_id", new_places)
    _replace_links(conn, ActionOrganisation, "action_id", new_orgs)
    _write(conn, Action, changed)


def _initiatives(conn: Connection, ids: list[int], now: datetime) -> None:
    rows, found, claims = _rows(conn, Initiative, _INITIATIVE_FIELDS, ids, "initiative_id")
    if not rows:
        return
    orgs: dict[int, list[int]] = defaultdict(list)
    for iid, oid in _fetch(conn, q.INITIATIVE_ORGANISATIONS, found):
        orgs[iid].append(oid)
    merged = {rid: merge.initiative_fields(items) for rid, items in claims.items()}
    existing = _existing_places(conn, (m["place_id"] for m in merged.values()
                                       if m["place_id"] is not None))
    organisations = Organisations(conn, now)
    organisations.load(n for m in merged.values() for n in m["organisations"])
    changed: list[dict[str, Any]] = []
    new_orgs: dict[int, list[dict]] = {}
    for row in rows:
        m = merged.get(row.id)
        if m is None:
            continue
        fields = {f: m[f] for f in _INITIATIVE_FIELDS}
        if fields["place_id"] is not None and fields["place_id"] not in existing:
            fields["place_id"] = row.place_id
        differs = any(getattr(row, f) != v for f, v in fields.items())
        org_ids = organisations.ids(m["organisations"])
        if orgs.get(row.id, []) != org_ids:
            new_orgs[row.id] = [{"initiative_id": row.id, "organisation_id": oid, "position": n}
                                for n, oid in enumerate(org_ids)]
        if differs or row.id in new_orgs:
            changed.append({"id": row.id, **fields, "updated_at": now})
    _replace_links(conn, InitiativeOrganisation, "initiative_id", new_orgs)
    _write(conn, Initiative, changed)


class _Status:
    __slots__ = ("id", "status", "date")

    def __init__(self, sid: int, status: str, date: str | None) -> None:
        self.id, self.status, self.date = sid, status, date


def _partnerships(conn: Connection, ids: list[int], now: datetime) -> None:
    rows, found, claims = _rows(conn, Partnership, ("kind", "since", "status"), ids,
                                "partnership_id")
    if not rows:
        return
    history: dict[int, list[_Status]] = defaultdict(list)
    for sid, pid, status, date in _fetch(conn, q.HISTORIES, found):
        history[pid].append(_Status(sid, status, date))
    changed = []
    for row in rows:
        items = claims.get(row.id)
        if not items:
            continue
        steps = sorted(history.get(row.id, []), key=merge.status_key)  # type: ignore[arg-type]
        fields = merge.partnership_fields(items, steps)
        if any(getattr(row, f) != v for f, v in fields.items()):
            changed.append({"id": row.id, **fields, "updated_at": now})
    _write(conn, Partnership, changed)


def _organisations(conn: Connection, ids: list[int], now: datetime) -> None:
    rows, _, claims = _rows(conn, Organisation, ("name",), ids, "organisation_id")
    changed = []
    for row in rows:
        items = claims.get(row.id)
        if items:
            fields = merge.organisation_fields(items)
            if fields["name"] != row.name:
                changed.append({"id": row.id, **fields, "updated_at": now})
    _write(conn, Organisation, changed)


_PLACE_FIELDS = ("name", "kind", "geonames_id", "country", "lat", "lon", "population")


def _places(conn: Connection, ids: list[int], now: datetime) -> None:
    rows, found, claims = _rows(conn, Place, _PLACE_FIELDS, ids, "place_id")
    if not rows:
        return
    names: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for nid, pid, name in _fetch(conn, q.NAMES_OF_PLACES, found):
        names[pid].append((nid, name))
    merged = {rid: merge.place_fields(items) for rid, items in claims.items()}
    claimed = sorted({m["geonames_id"] for m in merged.values() if m["geonames_id"] is not None})
    owner: dict[int, int] = {}
    owner.update((gid, pid) for gid, pid in _fetch(conn, q.PLACE_OWNERS, claimed))
    changed = []
    dropped: list[int] = []
    added: list[dict[str, Any]] = []
    for row in rows:
        m = merged.get(row.id)
        if m is None:
            continue
        fields = {f: m[f] for f in _PLACE_FIELDS}
        gid = fields["geonames_id"]
        if gid is not None and gid != row.geonames_id:
            taken = owner.get(gid)
            if taken is not None and taken != row.id:
                fields["geonames_id"] = row.geonames_id
        wanted = merge.wanted_names(m["names"])
        have = names.get(row.id, [])
        gone = [nid for nid, name in have if name not in wanted]
        kept = {name for _, name in have if name in wanted}
        new = [n for n in wanted if n not in kept]
        differs = any(getattr(row, f) != v for f, v in fields.items())
        if not (differs or gone or new):
            continue
        dropped += gone
        added += [{"place_id": row.id, "name": n, "folded": name_key(n)} for n in new]
        update_row = {"id": row.id, **fields, "sort_name": sort_key(fields["name"]),
                      "updated_at": now}
        if fields["geonames_id"] != row.geonames_id:
            # one at a time, in order: a GeoNames id another place just gave up may be taken
            _write(conn, Place, [update_row])
            if row.geonames_id is not None and owner.get(row.geonames_id) == row.id:
                del owner[row.geonames_id]
            if fields["geonames_id"] is not None:
                owner[fields["geonames_id"]] = row.id
        else:
            changed.append(update_row)
    _write(conn, Place, changed)
    _delete(conn, PlaceName, dropped)
    if added:
        conn.execute(q.INSERT[PlaceName], added)


_RECOMPUTE: dict[str, Any] = {
    "action": _actions, "initiative": _initiatives, "partnership": _partnerships,
    "organisation": _organisations, "place": _places,
}
