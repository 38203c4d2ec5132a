"""Which partnerships are dormant: no recorded activity between the two places for five years.

Activity, within the five years before the reference date (`as_of`, default today):
- an action (not rejected) whose places include both partners and whose period meets the window
  (an action's period runs from its start to its end; an `ongoing` action without end runs until
  `as_of`; a partial date covers its whole year or month; an undated action proves nothing);
- the partnership itself beginning in the window (`since`, or an `active` status dated in it):
  a twinning signed two years ago is young, not dormant.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from jumelage.partial_dates import bounds, years_before
from jumelage.atlas.models import Action, ActionPlace, Partnership, PartnershipStatus

YEARS = 5


def _period(start: str | None, end: str | None, status: str,
            as_of: date) -> tuple[date, date] | None:
    first, last = bounds(start), bounds(end)
    if first is None and last is None:
        return None
    lo = (first or last)[0]  # type: ignore[index]
    if last is not None:
        hi = last[1]
    elif status == "ongoing":
        hi = max(as_of, first[1])  # type: ignore[index]
    else:
        hi = first[1]  # type: ignore[index]
    return lo, hi


def _meets(period: tuple[date, date] | None, window: tuple[date, date]) -> bool:
    return period is not None and period[0] <= window[1] and period[1] >= window[0]


def dormant(session: Session, partnerships: Iterable[Partnership],
            as_of: date | None = None) -> dict[int, bool]:
    """Partnership id -> dormant, as of `as_of` (default today).

    Reads only what these partnerships can meet: the actions one of their places takes part in
    (and the places of those actions), and their own dated statuses, so a page of partnerships
    costs a page of reads, not the whole atlas.
    """
    as_of = as_of or date.today()
    window = (years_before(as_of, YEARS), as_of)
    ships = list(partnerships)
    if not ships:
        return {}
    firsts = sorted({s.place_a_id for s in ships})
    action_ids: set[int] = set()
    for part in _chunks(firsts):
        action_ids.update(session.scalars(
            select(ActionPlace.action_id).where(ActionPlace.place_id.in_(part))))
    places_of: dict[int, set[int]] = defaultdict(set)
    live: list[int] = []
    for part in _chunks(sorted(action_ids)):
        for aid, start, end, status in session.execute(
                select(Action.id, Action.start, Action.end, Action.status)
                .where(Action.id.in_(part), Action.review_state != "rejected")):
            if _meets(_period(start, end, status, as_of), window):
                live.append(aid)
    for part in _chunks(live):
        for aid, pid in session.execute(select(ActionPlace.action_id, ActionPlace.place_id)
                                        .where(ActionPlace.action_id.in_(part))):
            places_of[aid].add(pid)
    busy: dict[int, list[set[int]]] = defaultdict(list)  # place -> place sets of active actions
    for places in places_of.values():
        for pid in places:
            busy[pid].append(places)
    fresh: set[int] = set()
    for part in _chunks(sorted(s.id for s in ships)):
        for pid, day in session.execute(
                select(PartnershipStatus.partnership_id, PartnershipStatus.date)
                .where(PartnershipStatus.partnership_id.in_(part),
                       PartnershipStatus.status == "active", PartnershipStatus.date.is_not(None))):
            if _meets(bounds(day), window):
                fresh.add(pid)
    out: dict[int, bool] = {}
    for s in ships:
        young = s.id in fresh or _meets(bounds(s.since), window)
        active = any(s.place_b_id in places for places in busy.get(s.place_a_id, ()))
        out[s.id] = not (young or active)
    return out


def _chunks(items: list[int], size: int = 500) -> Iterable[list[int]]:
    for at in range(0, len(items), size):
        yield items[at:at + size]
