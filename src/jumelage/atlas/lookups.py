"""Small lookups the web needs to link records together, each one indexed query.

- `status_partnership(session, status_id)`: the partnership a dated status change belongs to, so a
  highlighted status span in a source can open its partnership's page.
- `first_evidence(session, kind, ids)`: the first evidence span of each of these records (what a
  list shows under each action or initiative: the sentence that says it).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jumelage.atlas import views
from jumelage.atlas.models import Evidence, PartnershipStatus, Source

KINDS = ("place", "partnership", "status", "action", "initiative", "organisation")


def status_partnership(session: Session, status_id: int) -> int | None:
    """The id of the partnership whose history holds `status_id`, or None."""
    return session.scalar(select(PartnershipStatus.partnership_id)
                          .where(PartnershipStatus.id == status_id))


def first_evidence(session: Session, kind: str, ids: list[int]) -> dict[int, dict[str, Any]]:
    """Record id -> its evidence row of smallest id (shape of `EvidenceRow`), for `ids` of `kind`
    (place, partnership, status, action, initiative, organisation); records without any are
    absent. Raises ValueError for an unknown kind."""
    if kind not in KINDS:
        raise ValueError(f"unknown record kind {kind!r}")
    if not ids:
        return {}
    column = getattr(Evidence, f"{kind}_id")
    first = (select(func.min(Evidence.id)).where(column.in_(set(ids))).group_by(column)
             .scalar_subquery())
    rows = session.execute(select(Evidence, Source.name).join(Source, Source.id == Evidence.source_id)
                           .where(Evidence.id.in_(first)))
    return {getattr(ev, f"{kind}_id"): views.evidence(ev, name) for ev, name in rows}
