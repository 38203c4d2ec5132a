"""Build the matcher's `Graph` from an atlas, through the atlas's public read methods only
(`Atlas.every`, the paged lists read to the end).

The matcher never writes: it reads every live (not rejected) place, partnership, action and
initiative once, and keeps them in memory. Capital: a place whose name or one of its aliases is
its country's GeoNames capital. Themes: for each place, how many actions it takes part in (as
actor or partner) and initiatives it runs carry each theme. Coast: the atlas does not store it,
so it stays unknown. Language: the main language of the place's country (see `facts.py`).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from jumelage.match.facts import is_capital
from jumelage.match.graph import Edge, Graph, PlaceFacts

if TYPE_CHECKING:
    from jumelage.atlas import Atlas


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
    places = []
    for p in atlas.every("places"):
        names = [p["name"], *(p.get("aliases") or [])]
        places.append(PlaceFacts(
            key=p["id"], name=p["name"], country=p["country"], lat=p["lat"], lon=p["lon"],
            population=p["population"], capital=any(is_capital(n, p["country"]) for n in names),
            themes=dict(themes.get(p["id"], {}))))
    edges = [Edge(s["places"][0]["id"], s["places"][1]["id"], s["kind"])
             for s in atlas.every("partnerships")]
    return Graph(places, edges)
