"""Counts for the web's charts, computed by the database (group by), rejected records left out.

- `actions_by_year_theme`: {year: {theme: n}}, an action counted once per theme (`""` when it has
  none), by the year of its start (else its end); undated actions are not counted.
- `partners_by_country`: [(ISO alpha-2 or "?", n)], how many partnership ends are in each country,
  most first.
- `partnerships_by_kind_status`: {kind: {status: n}}.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session

from jumelage.atlas.models import Action, Partnership, Place


def actions_by_year_theme(session: Session) -> dict[str, dict[str, int]]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    rows = session.execute(select(Action.start, Action.end, Action.themes)
                           .where(Action.review_state != "rejected"))
    for start, end, themes in rows:
        year = (start or end or "")[:4]
        if year:
            for theme in themes or [""]:
                counts[year][theme] += 1
    return {y: dict(counts[y]) for y in sorted(counts)}


def partners_by_country(session: Session, top: int = 20) -> list[tuple[str, int]]:
    live = Partnership.review_state != "rejected"
    ends = union_all(select(Partnership.place_a_id.label("pid")).where(live),
                     select(Partnership.place_b_id.label("pid")).where(live)).subquery()
    rows = session.execute(
        select(Place.country, func.count()).join(ends, ends.c.pid == Place.id)
        .group_by(Place.country).order_by(func.count().desc(), Place.country).limit(top))
    return [(country or "?", n) for country, n in rows]


def partnerships_by_kind_status(session: Session) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, Any]] = defaultdict(dict)
    rows = session.execute(select(Partnership.kind, Partnership.status, func.count())
                           .where(Partnership.review_state != "rejected")
                           .group_by(Partnership.kind, Partnership.status))
    for kind, status, n in rows:
        out[kind][status] = n
    return dict(out)
