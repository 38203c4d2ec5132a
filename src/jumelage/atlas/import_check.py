"""Check a JSON export before anything of it is written: one line naming the record and the problem.

The database would refuse a bad export too, but with its own words (« FOREIGN KEY constraint
failed », « places.id », a 20 KB traceback on a text latitude) and without saying which record;
`check_export(data)` finds the first problem itself: a field of the wrong type, a value outside
its vocabulary, an id used twice, a reference to a record or source the export does not hold.
Values follow the same rules (`atlas/validate.py`, one definition each) as `review correct` and
`add`: whole numbers within the atlas's 32-bit columns, texts without NUL bytes and within their
column's length, amounts with a number and an ISO 4217 currency, themes of the atlas's list,
real country codes, evidence spans whose start is not after their end.
"""
from __future__ import annotations

from typing import Any

from jumelage.atlas import views
from jumelage.atlas.validate import (
    CONTEXT_MAX, MAX_INT, NAME_MAX, ORGANISATION_MAX, amount_problem, country_problem, date_problem,
    is_id,
    span_problem, text_problem, theme_problem, whole_problem,
)
from jumelage.errors import AtlasError
from jumelage.records import (
    ACTION_STATUSES, PARTNERSHIP_KINDS, PARTNERSHIP_STATUSES, PLACE_KINDS, REVIEW_STATES,
)

SECTIONS = ("sources", "places", "organisations", "partnerships", "actions", "initiatives")
SINGULAR = {"sources": "source", "places": "place", "organisations": "organisation",
            "partnerships": "partnership", "actions": "action", "initiatives": "initiative"}


class _Check:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.ids: dict[str, set[int]] = {}
        self.evidence_ids: set[int] = set()
        self.status_ids: set[int] = set()

    def fail(self, where: str, problem: str) -> AtlasError:
        return AtlasError(f"invalid atlas export: {where}: {problem}")

    def rows(self, key: str) -> list[dict[str, Any]]:
        value = self.data.get(key, [])
        if not isinstance(value, list):
            raise self.fail(key, "must be a list")
        for n, row in enumerate(value, 1):
            if not isinstance(row, dict):
                raise self.fail(f"{key} item {n}", "must be an object")
        return value

    def record_id(self, key: str, n: int, row: dict[str, Any], seen: set[int]) -> str:
        rid = row.get("id")
        where = f"{SINGULAR.get(key, key)} {rid!r}" if "id" in row else f"{key} item {n}"
        if not is_id(rid):
            raise self.fail(where, f"id {rid!r} is not a whole number from 1 to {MAX_INT}")
        if rid in seen:
            raise self.fail(where, "the id is used twice")
        seen.add(rid)
        return where

    def text(self, where: str, row: dict[str, Any], field: str, required: bool = True,
             limit: int = 100_000_000) -> None:
        value = row.get(field)
        if value is None and not required:
            return
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(where, f"{field} {value!r} is not a text")
        problem = text_problem(value, limit)
        if problem:
            raise self.fail(where, f"{field} {problem}")

    def when(self, where: str, row: dict[str, Any], field: str, required: bool = True) -> None:
        self.text(where, row, field, required)
        value = row.get(field)
        if value is not None:
            try:
                views.parse_iso(value)
            except (TypeError, ValueError):
                raise self.fail(where, f"{field} {value!r} is not an ISO date and time") from None

    def names(self, where: str, field: str, values: Any, limit: int) -> None:
        if not isinstance(values, list):
            raise self.fail(where, f"{field} must be a list of names")
        for n, value in enumerate(values):
            problem = text_problem(value, limit)
            if problem or not value.strip():
                raise self.fail(where, f"{field}[{n}] {problem or 'is empty'}")

    def themes(self, where: str, row: dict[str, Any]) -> None:
        values = row.get("themes", [])
        if not isinstance(values, list):
            raise self.fail(where, "themes must be a list")
        for n, value in enumerate(values):
            problem = theme_problem(value)
            if problem:
                raise self.fail(where, f"themes[{n}] {problem}")

    def amounts(self, where: str, row: dict[str, Any]) -> None:
        values = row.get("amounts", [])
        if not isinstance(values, list):
            raise self.fail(where, "amounts must be a list")
        for n, m in enumerate(values):
            if not isinstance(m, dict):
                raise self.fail(where, f"amounts[{n}] must be an object")
            problem = amount_problem(m.get("value"), m.get("currency"), iso=False)
            if problem and not problem.startswith("currency"):
                problem = f"value {problem}"
            if problem is None and m.get("per") is not None:
                problem = text_problem(m["per"], NAME_MAX)
                problem = problem and f"per {problem}"
            if problem:
                raise self.fail(where, f"amounts[{n}].{problem}")

    def number(self, where: str, row: dict[str, Any], field: str, lo: float, hi: float) -> None:
        value = row.get(field)
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(where, f"{field} {value!r} is not a number")
        if not lo <= value <= hi:
            raise self.fail(where, f"{field} {value!r} is out of range")

    def whole(self, where: str, row: dict[str, Any], field: str, lo: int = 0) -> None:
        value = row.get(field)
        problem = None if value is None else whole_problem(value, lo)
        if problem:
            raise self.fail(where, f"{field} {problem}")

    def choice(self, where: str, row: dict[str, Any], field: str, allowed: tuple[str, ...],
               required: bool = True) -> None:
        value = row.get(field)
        if value is None and not required:
            return
        if value not in allowed:
            raise self.fail(where, f"{field} {value!r} is not one of {', '.join(allowed)}")

    def date(self, where: str, row: dict[str, Any], field: str) -> None:
        value = row.get(field)
        problem = None if value is None else date_problem(value)
        if problem:
            raise self.fail(where, f"{field} {problem}")

    def refs(self, where: str, field: str, values: Any, kind: str) -> None:
        items = values if isinstance(values, list) else [values]
        for value in items:
            if value is None and not isinstance(values, list):
                continue
            if isinstance(value, bool) or not isinstance(value, int) \
                    or value not in self.ids[kind]:
                raise self.fail(where, f"{field} refers to {SINGULAR[kind]} {value!r}, "
                                       "which the export does not hold")

    def review(self, where: str, row: dict[str, Any]) -> None:
        self.choice(where, row, "review_state", REVIEW_STATES)
        for field in ("created_at", "updated_at"):
            self.when(where, row, field)
        self.when(where, row, "reviewed_at", required=False)
        self.text(where, row, "review_note", required=False)

    def evidence(self, where: str, row: dict[str, Any]) -> None:
        items = row.get("evidence", [])
        if not isinstance(items, list):
            raise self.fail(where, "evidence must be a list")
        for e in items:
            if not isinstance(e, dict):
                raise self.fail(where, "each evidence item must be an object")
            eid = e.get("id")
            here = f"{where} evidence {eid!r}"
            if not is_id(eid) or eid in self.evidence_ids:
                raise self.fail(here, "the id is missing, not a number from 1 to "
                                      f"{MAX_INT} or used twice")
            self.evidence_ids.add(eid)
            self.refs(here, "source", e.get("source"), "sources")
            problem = span_problem(e.get("start"), e.get("end"))
            if problem:
                raise self.fail(here, problem)
            self.text(here, e, "quote", required=False)
            self.when(here, e, "created_at")

    def run(self) -> None:
        for key in SECTIONS:
            seen: set[int] = set()
            self.ids[key] = seen
            for n, row in enumerate(self.rows(key), 1):
                self.record_id(key, n, row, seen)
        for n, s in enumerate(self.rows("sources"), 1):
            where = f"source {s['id']}"
            for field, limit in (("name", 512), ("content_hash", 128), ("media_type", 100)):
                self.text(where, s, field, limit=limit)
            for field in ("ingested_at", "updated_at"):
                self.when(where, s, field)
            if not isinstance(s.get("text"), str):
                raise self.fail(where, "text is missing")
            self.text(where, s, "text", required=False)
            self.text(where, s, "language", required=False, limit=16)
            for field in ("title", "path"):
                self.text(where, s, field, required=False)
            self.date(where, s, "date")
            self.date(where, s, "metadata_date")
        names = [s["name"] for s in self.rows("sources")]
        if len(set(names)) != len(names):
            raise self.fail("sources", "two sources have the same name")
        for p in self.rows("places"):
            where = f"place {p['id']}"
            self.text(where, p, "name", limit=NAME_MAX)
            self.names(where, "aliases", p.get("aliases", []), NAME_MAX)
            if p.get("country") is not None:
                problem = country_problem(p["country"])
                if problem:
                    raise self.fail(where, f"country {problem}")
            self.number(where, p, "lat", -90, 90)
            self.number(where, p, "lon", -180, 180)
            self.whole(where, p, "geonames_id", lo=1)
            self.whole(where, p, "population")
            self.choice(where, p, "kind", PLACE_KINDS, required=False)
            self.review(where, p)
            self.evidence(where, p)
        gids = [p["geonames_id"] for p in self.rows("places") if p.get("geonames_id") is not None]
        if len(set(gids)) != len(gids):
            raise self.fail("places", "two places have the same geonames_id")
        for o in self.rows("organisations"):
            where = f"organisation {o['id']}"
            self.text(where, o, "name", limit=ORGANISATION_MAX)
            self.review(where, o)
            self.evidence(where, o)
        for s in self.rows("partnerships"):
            where = f"partnership {s['id']}"
            places = s.get("places")
            if not isinstance(places, list) or len(places) != 2 or places[0] == places[1]:
                raise self.fail(where, "places must be two different place ids")
            self.refs(where, "places", places, "places")
            self.choice(where, s, "kind", PARTNERSHIP_KINDS)
            self.choice(where, s, "status", PARTNERSHIP_STATUSES)
            self.date(where, s, "since")
            self.review(where, s)
            self.evidence(where, s)
            history = s.get("history", [])
            if not isinstance(history, list):
                raise self.fail(where, "history must be a list")
            for h in history:
                hid = h.get("id") if isinstance(h, dict) else None
                here = f"{where} status {hid!r}"
                if not is_id(hid) or hid in self.status_ids:
                    raise self.fail(here, "the id is missing, not a number from 1 to "
                                          f"{MAX_INT} or used twice")
                self.when(here, h, "created_at")
                self.status_ids.add(hid)
                self.choice(here, h, "status", PARTNERSHIP_STATUSES)
                self.date(here, h, "date")
                self.choice(here, h, "review_state", REVIEW_STATES)
                self.evidence(here, h)
        for a in self.rows("actions"):
            where = f"action {a['id']}"
            self.refs(where, "actors", a.get("actors", []), "places")
            self.refs(where, "partners", a.get("partners", []), "places")
            self.refs(where, "organisations", a.get("organisations", []), "organisations")
            self.choice(where, a, "status", ACTION_STATUSES)
            self.date(where, a, "start")
            self.date(where, a, "end")
            self.themes(where, a)
            self.amounts(where, a)
            self.review(where, a)
            self.evidence(where, a)
        for r in self.rows("lost_evidence"):
            where = f"lost evidence {r.get('id')!r}"
            if not is_id(r.get("id")):
                raise self.fail(where, f"id is not a whole number from 1 to {MAX_INT}")
            self.text(where, r, "source_name", limit=512)
            self.text(where, r, "quote", required=False)
            self.choice(where, r, "record", tuple(SINGULAR.values())[1:])
            self.refs(where, "record_id", r.get("record_id"), f"{r.get('record')}s")
            self.when(where, r, "removed_at")
        for i in self.rows("initiatives"):
            where = f"initiative {i['id']}"
            self.refs(where, "place", i.get("place"), "places")
            self.refs(where, "organisations", i.get("organisations", []), "organisations")
            self.date(where, i, "start")
            self.date(where, i, "end")
            self.themes(where, i)
            self.amounts(where, i)
            self.text(where, i, "context", required=False, limit=CONTEXT_MAX)
            self.review(where, i)
            self.evidence(where, i)


def check_export(data: dict[str, Any]) -> None:
    """Raise AtlasError « invalid atlas export: RECORD: problem » for the first problem found."""
    _Check(data).run()
