"""Small lookups the web needs to link records together, each one indexed query.

- `status_partnership(session, status_id)`: the partnership a dated status change belongs to, so a
  highlighted status span in a source can open its partnership's page.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jumelage.atlas.models import PartnershipStatus


def status_partnership(session: Session, status_id: int) -> int | None:
    """The id of the partnership whose history holds `status_id`, or None."""
    return session.scalar(select(PartnershipStatus.partnership_id)
                          .where(PartnershipStatus.id == status_id))
