"""Merged fields of a record from the claims of its evidence, one claim per source mention.

A record still in review state `extracted` shows what its sources say together:
- place: the first source's name and kind; the first known GeoNames id, country, coordinates and
  population; every name any source used (`Padoue`, `Padova`) as its names;
- partnership: the most specific kind any source gives (`records.best_kind`: twinning >
  cooperation > friendship > partnership; the others stay in their sources' claims), the earliest `since`, and the status of
  the latest row of its status history (or, with no history, the most recent source's status);
- action / initiative: places, dates and context from the first source; status from the most
  recent source (by document date); themes, amounts and organisations gathered from all.
Records a person reviewed or added are never recomputed.

The `*_fields(claims)` functions compute the merged fields from the claims alone, with no
database: `recompute.py`, the one write path, runs them on rows it loads in bulk, whichever door
(ingest, import-pairs, review) asked for the recompute.
"""
from __future__ import annotations

from typing import Any

from jumelage.atlas.models import PartnershipStatus
from jumelage.partial_dates import earliest
from jumelage.records import best_kind


def _first(items: list[dict[str, Any]], key: str) -> Any:
    return next((c[key] for c in items if c.get(key) is not None), None)


def _union(lists: list[list[Any]]) -> list[Any]:
    out: list[Any] = []
    for items in lists:
        for item in items or []:
            if item not in out:
                out.append(item)
    return out


def _latest(items: list[dict[str, Any]]) -> dict[str, Any]:
    """The claim from the most recent document (ties: the most recently stored)."""
    ranked = sorted(enumerate(items), key=lambda ic: (ic[1].get("date") or "", ic[0]))
    return ranked[-1][1]


def status_key(row: PartnershipStatus) -> tuple[str, int]:
    """Order of a status history: by date; an undated status counts as the latest news."""
    return (row.date or "9999", row.id or 0)


def wanted_names(names: list[str]) -> list[str]:
    """The names a place ends with (main name first), without blanks or repeats."""
    return list(dict.fromkeys(n for n in names if n))


def place_fields(items: list[dict[str, Any]]) -> dict[str, Any]:
    """A place's merged fields and names; `geonames_id` is the one claimed (it may be taken)."""
    coords = next(((c["lat"], c["lon"]) for c in items
                   if c.get("lat") is not None and c.get("lon") is not None), (None, None))
    name = items[0]["name"]
    return {
        "name": name, "kind": items[0].get("kind") or "city",
        "geonames_id": _first(items, "geonames_id"), "country": _first(items, "country"),
        "lat": coords[0], "lon": coords[1], "population": _first(items, "population"),
        "names": [name] + _union([[c["name"]] + list(c.get("aliases") or []) for c in items]),
    }


def organisation_fields(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"name": items[0]["name"]}


def partnership_fields(items: list[dict[str, Any]],
                       history: list[PartnershipStatus] | list[Any]) -> dict[str, Any]:
    """A partnership's kind, since and status (`history`: its status rows, by `status_key`)."""
    kind = best_kind(c["kind"] for c in items) or items[0]["kind"]
    status = history[-1].status if history else _latest(items).get("status") or "active"
    return {"kind": kind, "since": earliest(c.get("since") for c in items), "status": status}


def action_places(actors: list[int], partners: list[int]) -> list[tuple[int, str]]:
    """An action's (place id, role) rows in order: actors, then partners that are not actors."""
    places = [(pid, "actor") for pid in actors] + [
        (pid, "partner") for pid in partners if pid not in actors]
    return list(dict.fromkeys(places))


def action_fields(items: list[dict[str, Any]]) -> dict[str, Any]:
    """An action's merged fields; `actors`/`partners` are the first source's (ids may be gone)."""
    first = items[0]
    return {
        "start": first.get("start"), "end": first.get("end"),
        "status": _latest(items).get("status") or "done",
        "themes": _union([c.get("themes") or [] for c in items]),
        "amounts": _union([c.get("amounts") or [] for c in items]),
        "organisations": _union([c.get("organisations") or [] for c in items]),
        "actors": first.get("actors") or [], "partners": first.get("partners") or [],
    }


def initiative_fields(items: list[dict[str, Any]]) -> dict[str, Any]:
    """An initiative's merged fields; `place_id` is the first source's (it may be gone)."""
    first = items[0]
    return {
        "place_id": first.get("place"), "start": first.get("start"), "end": first.get("end"),
        "context": _first(items, "context"),
        "themes": _union([c.get("themes") or [] for c in items]),
        "amounts": _union([c.get("amounts") or [] for c in items]),
        "organisations": _union([c.get("organisations") or [] for c in items]),
    }
