"""Build the matcher's `Graph` from an atlas, through the atlas's public read methods only
(`Atlas.every` for actions and initiatives; places, names and partnerships in three plain
SELECTs through `Atlas.read`, the door for outside readers, which is 20 times faster on the
world list than the paged lists).

The matcher never writes: it reads every live (not rejected) place, partnership, action and
initiative once, and keeps them in memory. Capital: a town whose name or one of its aliases is
its country's GeoNames capital (a region named like its capital, « Moscow Oblast » alias
« Moscow », is none). Themes: for each place, how many actions it takes part in (as
actor or partner) and initiatives it runs carry each theme. Coast: the atlas does not store it,
so it stays unknown. Language: the main language of the place's country (see `facts.py`).

`atlas_version` is the cheap side of the same read: a few aggregates per table the graph comes
from (through `Atlas.read`, the door for outside readers), which change whenever a record the
matcher reads is added, changed, reviewed or removed; `cache.py` keys the built matcher on it.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from jumelage.match.facts import is_capital
from jumelage.match.graph import Edge, Graph, PlaceFacts

if TYPE_CHECKING:
    from jumelage.atlas import Atlas


# the tables the graph is read from; their ids, counts and times make the atlas version
_VERSION_TABLES = ("places", "place_names", "partnerships", "actions", "action_places",
                   "initiatives")
_VERSION_COLUMNS = ("id", "place_id", "action_id", "updated_at", "reviewed_at", "review_state")


def atlas_version(atlas: Atlas) -> str:
    """A short text that changes whenever the places, names, partnerships, actions or
    initiatives of `atlas` change: per table, the row count, sum and maximum of its ids, and the
    latest update and review times. Milliseconds, where reading the graph takes seconds.
    Raises `AtlasError` when the atlas cannot be read."""
    from sqlalchemy import func, select

    from jumelage.atlas.models import Base

    tables = Base.metadata.tables

    def read(session) -> str:
        parts = []
        for name in _VERSION_TABLES:
            t = tables[name]
            cols = [func.count()]
            for c in _VERSION_COLUMNS:
                if c in t.c:
                    col = t.c[c]
                    if c.endswith("id"):
                        cols += [func.sum(col), func.max(col)]
                    elif c == "review_state":
                        cols.append(func.count(col).filter(col == "rejected"))
                    else:
                        cols.append(func.max(col))
            parts.append(f"{name}:{tuple(session.execute(select(*cols).select_from(t)).one())}")
        return "|".join(parts)

    return atlas.read(read)


def graph_from_atlas(atlas: Atlas) -> Graph:
    """The partnership graph of `atlas` (keys: atlas place ids). Raises `AtlasError` when the
    atlas cannot be read."""
    themes: dict[int, Counter[str]] = defaultdict(Counter)
    for a in atlas.every("actions"):
        for p in a["actors"] + a["partners"]:
            themes[p["id"]].update(a["themes"])
    for i in atlas.every("initiatives"):
        if i["place"] is not None:
            themes[i["place"]["id"]].update(i["themes"])
    places, edges = atlas.read(_places_and_partnerships)
    places = [PlaceFacts(id=i, name=name, country=country, lat=lat, lon=lon, kind=kind,
                         population=population,
                         capital=kind in (None, "city")
                         and any(is_capital(n, country) for n in names),
                         themes=dict(themes.get(i, {})))
              for i, name, country, lat, lon, kind, population, names in places]
    return Graph(places, edges)


def _places_and_partnerships(session) -> tuple[list[tuple], list[Edge]]:
    """Every live place (id, name, country, lat, lon, kind, population, [name and aliases]) and
    every live partnership as an `Edge`, in three plain SELECTs: the paged lists
    (`Atlas.every`) build a dictionary per row and took 15 s on the world list."""
    from sqlalchemy import select

    from jumelage.atlas.models import Partnership, Place, PlaceName

    live = Place.review_state != "rejected"
    names: dict[int, list[str]] = defaultdict(list)
    for pid, name in session.execute(select(PlaceName.place_id, PlaceName.name)
                                     .join(Place, Place.id == PlaceName.place_id).where(live)):
        names[pid].append(name)
    places = [(i, name, country, lat, lon, kind, population, [name, *names.get(i, ())])
              for i, name, country, lat, lon, kind, population in session.execute(
                  select(Place.id, Place.name, Place.country, Place.lat, Place.lon, Place.kind,
                         Place.population).where(live).order_by(Place.id))]
    edges = [Edge(a, b, kind) for a, b, kind in session.execute(
        select(Partnership.place_a_id, Partnership.place_b_id, Partnership.kind)
        .where(Partnership.review_state != "rejected").order_by(Partnership.id))]
    return places, edges


def close_names(atlas: Atlas, text: str, limit: int = 5) -> list[str]:
    """Up to `limit` names of live places of `atlas` closest to `text` (rapidfuzz ratio on the
    folded names, at least 60 of 100), best first, each as "Name (CC)"; for "did you mean"."""
    from rapidfuzz import fuzz, process
    from sqlalchemy import select

    from jumelage.atlas.models import Place, PlaceName
    from jumelage.names import name_key

    key = name_key(text)

    def read(session) -> list[str]:
        rows = session.execute(
            select(PlaceName.folded, Place.name, Place.country)
            .join(Place, Place.id == PlaceName.place_id)
            .where(Place.review_state != "rejected")).all()
        hits = process.extract(key, [r[0] for r in rows], scorer=fuzz.ratio, score_cutoff=60,
                               limit=limit * 4)
        out: list[str] = []
        for _, _, i in hits:
            shown = f"{rows[i][1]} ({rows[i][2] or '?'})"
            if shown not in out:
                out.append(shown)
        return out[:limit]

    return atlas.read(read) if key else []
