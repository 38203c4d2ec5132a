"""Which partnerships are dormant: recorded activity between the two places, none for five years.

The atlas only claims dormancy where its records let it judge. Each partnership gets an
`activity`, as of a reference date (`as_of`, default today):
- `recent`: activity within the five years before `as_of`: an action (not rejected) whose places
  include both partners and whose period meets the window (an action's period runs from its start
  to its end; an `ongoing` action without end runs until `as_of`; a partial date covers its whole
  year or month; an undated action proves nothing), or the partnership itself beginning in the
  window (`since`, or an `active` status dated in it): a twinning signed two years ago is young;
- `dormant`: not recent, and the atlas records a dated action between the two places before the
  window: they used to act together and have not for five years;
- `unrecorded` ("no recorded action"): not recent, and no dated action between the two places
  before `as_of`. A partnership known only from a twin-city list, or from a sentence saying it
  exists, tells nothing about what the partners do: the atlas does not call it dormant.
`dormant` is `activity == "dormant"`. Actions dated after `as_of` are not known as of that date.
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


ACTIVITIES = ("recent", "dormant", "unrecorded")


def dormant(session: Session, partnerships: Iterable[Partnership],
            as_of: date | None = None) -> dict[int, bool]:
    """Partnership id -> dormant, as of `as_of` (default today); see `activity`."""
    return {pid: state == "dormant" for pid, state in activity(session, partnerships,
                                                              as_of).items()}


def activity(session: Session, partnerships: Iterable[Partnership],
             as_of: date | None = None) -> dict[int, str]:
    """Partnership id -> `recent`, `dormant` or `unrecorded`, as of `as_of` (default today).

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
    when: dict[int, str] = {}  # action id -> "recent" or "past" (dated before the window)
    for part in _chunks(sorted(action_ids)):
        for aid, start, end, status in session.execute(
                select(Action.id, Action.start, Action.end, Action.status)
                .where(Action.id.in_(part), Action.review_state != "rejected")):
            period = _period(start, end, status, as_of)
            if _meets(period, window):
                when[aid] = "recent"
            elif period is not None and period[1] < window[0]:
                when[aid] = "past"
    places_of: dict[int, set[int]] = defaultdict(set)
    for part in _chunks(sorted(when)):
        for aid, pid in session.execute(select(ActionPlace.action_id, ActionPlace.place_id)
                                        .where(ActionPlace.action_id.in_(part))):
            places_of[aid].add(pid)
    busy: dict[int, list[tuple[set[int], str]]] = defaultdict(list)  # place -> actions' places
    for aid, places in places_of.items():
        for pid in places:
            busy[pid].append((places, when[aid]))
    fresh: set[int] = set()
    for part in _chunks(sorted(s.id for s in ships)):
        for pid, day in session.execute(
                select(PartnershipStatus.partnership_id, PartnershipStatus.date)
                .where(PartnershipStatus.partnership_id.in_(part),
                       PartnershipStatus.status == "active", PartnershipStatus.date.is_not(None))):
            if _meets(bounds(day), window):
                fresh.add(pid)
    out: dict[int, str] = {}
    for s in ships:
        together = {w for places, w in busy.get(s.place_a_id, ()) if s.place_b_id in places}
        if s.id in fresh or _meets(bounds(s.since), window) or "recent" in together:
            out[s.id] = "recent"
        else:
            out[s.id] = "dormant" if "past" in together else "unrecorded"
    return out


def _chunks(items: list[int], size: int = 500) -> Iterable[list[int]]:
    for at in range(0, len(items), size):
        yield items[at:at + size]
