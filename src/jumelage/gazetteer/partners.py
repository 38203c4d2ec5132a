"""Known partnerships as a prior for homonyms: "Friedberg" beside a town near Paris.

Many town names are shared (Friedberg in Hesse and in Bavaria, Vienne in France and Austria).
When the text names no country, the partnerships already known are the best evidence: a
Friedberg named in a document about Villiers-sur-Marne is the Friedberg twinned with it.
`KnownPartners` holds such pairs of GeoNames ids; `Gazetteer.resolve(..., partner_of=ids,
known=partners)` then prefers the homonym that is a known partner of one of `ids` (the other
places of the document).

Nothing is loaded implicitly: the caller builds the prior from what it has, an atlas's own
partnerships (`KnownPartners(pairs)`) or the world twin-city list shipped beside the project
(`KnownPartners.from_twin_cities(folder)`, read only when asked).
"""
from __future__ import annotations

import csv
import math
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from typing import TYPE_CHECKING

from jumelage.errors import JumelageError

if TYPE_CHECKING:
    from jumelage.gazetteer.gazetteer import Gazetteer


class KnownPartners:
    """Pairs of GeoNames ids known to be partners (unordered). Immutable, hashable by identity."""

    def __init__(self, pairs: Iterable[tuple[int, int]] = ()) -> None:
        table: dict[int, set[int]] = defaultdict(set)
        for a, b in pairs:
            if a and b and int(a) != int(b):
                table[int(a)].add(int(b))
                table[int(b)].add(int(a))
        self._partners = {k: frozenset(v) for k, v in table.items()}

    def __len__(self) -> int:
        return sum(len(v) for v in self._partners.values()) // 2

    def partners(self, geonames_id: int) -> frozenset[int]:
        """GeoNames ids of the known partners of a place (empty when none are known)."""
        return self._partners.get(int(geonames_id), frozenset())

    def are_partners(self, a: int, b: int) -> bool:
        return int(b) in self.partners(a)

    def partner_of_any(self, geonames_id: int, others: Iterable[int]) -> bool:
        """Is this place a known partner of one of `others`?"""
        mine = self.partners(geonames_id)
        return bool(mine) and any(o in mine for o in others)

    @classmethod
    def from_twin_cities(cls, folder: str | Path, gazetteer: Gazetteer | None = None) -> KnownPartners:
        """The pairs of the twin-city list (`twin_cities_nodes.csv`: city_id, name, ISO country,
        lat, lng, geonames_id when known; `twin_city_pairs.csv`: city_a_id, city_b_id). A city
        without a GeoNames id gets the one of the gazetteer's place of that name and country
        nearest to its coordinates (within NODE_KM); pairs whose two cities have an id are kept.
        Source: Wikipedia's lists of twin towns and sister cities (CC BY-SA 4.0), as gathered in
        `shared/data/twin-cities/` (see its README). About two seconds.
        Raises JumelageError (one line) when the files are missing or malformed."""
        folder = Path(folder)
        nodes, pairs = folder / "twin_cities_nodes.csv", folder / "twin_city_pairs.csv"
        gz = gazetteer
        try:
            with nodes.open(encoding="utf-8", newline="") as handle:
                ids = {}
                for row in csv.DictReader(handle):
                    if (row.get("geonames_id") or "").isdigit():
                        ids[row["city_id"]] = int(row["geonames_id"])
                        continue
                    if gz is None:
                        from jumelage.gazetteer.gazetteer import get_gazetteer
                        gz = get_gazetteer()
                    gid = _node_id(gz, row)
                    if gid:
                        ids[row["city_id"]] = gid
            with pairs.open(encoding="utf-8", newline="") as handle:
                found = [(ids[row["city_a_id"]], ids[row["city_b_id"]])
                         for row in csv.DictReader(handle)
                         if row.get("city_a_id") in ids and row.get("city_b_id") in ids]
        except (OSError, KeyError, ValueError, csv.Error, UnicodeDecodeError) as error:
            raise JumelageError(f"{folder}: cannot read the twin-city list ({error})") from None
        return cls(found)


NODE_KM = 30.0


def _node_id(gz: Gazetteer, row: dict[str, str]) -> int | None:
    """GeoNames id of a twin-city node: same name and country, nearest within NODE_KM."""
    try:
        here = (float(row["lat"]), float(row["lng"]))
    except (KeyError, ValueError):
        return None
    best = None
    for match in gz.lookup(row.get("city") or ""):
        if match.geonames_id and match.country == row.get("country_iso2"):
            distance = _km(here, (match.lat, match.lon))
            if distance <= NODE_KM and (best is None or distance < best[0]):
                best = (distance, match.geonames_id)
    return best[1] if best else None


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat = math.radians((a[0] + b[0]) / 2)
    return math.hypot((a[1] - b[1]) * 111.3 * math.cos(lat), (a[0] - b[0]) * 111.3)
