"""Near-identical sources: the same article saved twice, with a few lines of difference.

An exact copy is already `unchanged` (same content hash). A copy with a line added or changed (a
« mis à jour le … » line, a fixed typo, another date line) is a new source, and its records may
come out with other dates (relative dates anchored on another document date) or slightly other
quotes, so the ordinary matching would store them twice. `near_identical(conn, source_id, text)`
finds the stored sources whose text differs from `text` by at most a few lines; `save.py` then
merges a record into one of theirs when its places match and its quote reads the same, whatever
its dates: one set of records with the evidence of both copies.
"""
from __future__ import annotations

from sqlalchemy import Connection, func, select

from jumelage.atlas.models import Source

LENGTH_MARGIN = 0.05     # candidates: stored texts within 5 % of the length
MAX_CANDIDATES = 20
MAX_LINES_DIFFERENT = 0.10   # share of distinct lines that may differ (at least MIN_LINES)
MIN_LINES = 2
MAX_TEXT = 2_000_000     # longer texts are not compared (a long report is rarely saved twice)


def _lines(text: str) -> set[str]:
    return {" ".join(line.split()) for line in text.splitlines() if line.strip()}


def similar(a: str, b: str) -> bool:
    """Do texts `a` and `b` differ by at most a few lines (`MAX_LINES_DIFFERENT`)?"""
    la, lb = _lines(a), _lines(b)
    union = la | lb
    if not union:
        return False
    return len(la ^ lb) <= max(MIN_LINES, MAX_LINES_DIFFERENT * len(union)) \
        and len(la & lb) >= len(union) / 2


def near_identical(conn: Connection, source_id: int, text: str) -> list[int]:
    """Ids of the stored sources (other than `source_id`) near-identical to `text`."""
    if not text or len(text) > MAX_TEXT:
        return []
    lo, hi = int(len(text) * (1 - LENGTH_MARGIN)), int(len(text) * (1 + LENGTH_MARGIN)) + 1
    length = Source.text_length
    rows = conn.execute(
        select(Source.id, Source.text)
        .where(Source.id != source_id, length >= lo, length <= hi)
        .order_by(func.abs(length - len(text)), Source.id).limit(MAX_CANDIDATES)).all()
    return [sid for sid, other in rows if similar(text, other)]
