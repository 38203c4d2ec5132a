"""The web atlas's partner matcher, kept in step with an atlas that people edit while it serves.

The CLI opens the atlas once per command, so `match.matcher_for` (one matcher per atlas object) is
always current there. A web server keeps one atlas object for days while people review, add and
remove records; its matcher would go stale: a partnership added through the review page would
still be proposed as a "possible partner". Here:

- the place's current partners are read from the atlas at every request (one small query) and
  never proposed, whatever the matcher was built from;
- at most every `RECHECK_S` seconds a request checks the atlas version (`match.load.
  atlas_version`, milliseconds); when it changed, a new matcher is built in a background thread
  (reading the graph takes seconds to a minute on the world list, and is cached on disk by
  version) while the kept one goes on answering; the next requests use the new one.

The matcher still never writes to the atlas.
"""
from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select

if TYPE_CHECKING:
    from jumelage.atlas import Atlas
    from jumelage.match import Matcher
    from jumelage.records import MatchResult

RECHECK_S = 30.0       # seconds between two checks of the atlas version by requests


@dataclass
class _Kept:
    matcher: Matcher
    version: str
    checked: float
    building: threading.Thread | None = None


_KEPT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def current_matcher(atlas: Atlas, recheck_s: float | None = None) -> Matcher:
    """The matcher over `atlas`: built (or loaded from the disk cache) on the first call, then
    kept; a call more than `recheck_s` (default `RECHECK_S`) seconds after the last check looks at the atlas version
    and, if it changed, starts one background rebuild, answering with the kept matcher
    meanwhile. Raises `AtlasError` when the atlas cannot be read."""
    from jumelage.match.cache import cached_matcher
    from jumelage.match.load import atlas_version

    with _LOCK:
        kept = _KEPT.get(atlas)
    if kept is None:
        version = atlas_version(atlas)
        kept = _Kept(cached_matcher(atlas), version, time.monotonic())
        with _LOCK:
            _KEPT.setdefault(atlas, kept)
            return _KEPT[atlas].matcher
    now = time.monotonic()
    if now - kept.checked < (RECHECK_S if recheck_s is None else recheck_s) or kept.building is not None:
        return kept.matcher
    kept.checked = now
    version = atlas_version(atlas)
    if version != kept.version:
        kept.building = threading.Thread(target=_rebuild, args=(atlas, kept, version),
                                         name="jumelage-matcher", daemon=True)
        kept.building.start()
    return kept.matcher


def _rebuild(atlas: Atlas, kept: _Kept, version: str) -> None:
    from jumelage.match.cache import cached_matcher

    try:
        matcher = cached_matcher(atlas)
    except Exception:          # the atlas went away or failed: keep answering with the old one
        kept.building = None
        return
    kept.matcher, kept.version, kept.building = matcher, version, None


def wait_for_rebuild(atlas: Atlas, timeout: float | None = None) -> None:
    """Block until a background rebuild for `atlas` (if any) is finished: for tests and for a
    server that wants fresh proposals before answering."""
    kept = _KEPT.get(atlas)
    thread = kept.building if kept is not None else None
    if thread is not None:
        thread.join(timeout)


def partner_ids(atlas: Atlas, place_id: int) -> set[int]:
    """Atlas ids of the places `place_id` is in a partnership with now (rejected ones aside)."""
    from jumelage.atlas.models import Partnership as P

    def read(session: Any) -> set[int]:
        rows = session.execute(
            select(P.place_a_id, P.place_b_id)
            .where(or_(P.place_a_id == place_id, P.place_b_id == place_id))
            .where(P.review_state != "rejected")).all()
        return {b if a == place_id else a for a, b in rows}

    return atlas.read(read)


def propose_current(atlas: Atlas, place_id: int, *, top: int = 10,
                    **filters: Any) -> MatchResult:
    """`match.propose` for the web: the kept matcher (`current_matcher`), and never a place that
    is already a partner in the atlas as it is now (ranks renumbered). `filters`: those of
    `match.propose` (country, theme, population, kind). Raises `MatchError` for a bad filter or
    a place the matcher does not know."""
    from jumelage.match import MAX_TOP, propose

    known = partner_ids(atlas, place_id)
    matcher = current_matcher(atlas)
    result = propose(matcher, place_id, top=min(MAX_TOP, top + len(known)), **filters)
    kept = [p for p in result.proposals if p.place.id not in known][:top]
    result.proposals = [replace(p, rank=k) for k, p in enumerate(kept, 1)]
    result.filters = {**result.filters, "top": top} if "top" in result.filters else result.filters
    return result
