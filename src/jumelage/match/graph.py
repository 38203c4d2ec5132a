"""The partnership graph the matcher ranks over, held in memory as numpy arrays.

Loading the atlas costs seconds; ranking one place must cost milliseconds. So the places and
their facts are read once into flat arrays (one row per place, in `Graph.keys` order) and the
partnerships into a symmetric scipy CSR adjacency matrix. Nothing here knows where the data came
from: `load.py` fills it from the atlas, the benchmark from a CSV file, tests from literals.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from jumelage.records import PARTNERSHIP_KINDS, PLACE_KINDS, THEMES, MatchPlaceBase

THEME_INDEX = {t: i for i, t in enumerate(THEMES)}


@dataclass
class PlaceFacts(MatchPlaceBase):
    """What the matcher knows of one place: the fields of `records.MatchPlaceBase` (`id`: the
    caller's key, atlas place id or CSV node id), and `coast` (None when unknown), `language`
    (ISO 639-1 code of the main language, None to take the country's, from GeoNames) and
    `themes` (how many actions or initiatives of the place carry each theme of
    `records.THEMES`).
    """

    coast: bool | None = None
    language: str | None = None
    themes: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Edge:
    """One partnership (undirected) between two place keys; `kind` is one of PARTNERSHIP_KINDS."""

    a: Hashable
    b: Hashable
    kind: str = "twinning"


class Graph:
    """Places and partnerships as arrays; built once, read by every ranking.

    Attributes (n places): `keys`, `names` (lists); `country` (int codes into `countries`, -1
    unknown); `lat`, `lon` (degrees, NaN unknown); `xyz` (unit vectors, zero when unknown);
    `log_pop` (log10 inhabitants, NaN unknown); `capital` (bool); `kind` (int codes into
    `records.PLACE_KINDS`, an unknown kind counting as the first, "city"); `coast` (float 1/0, NaN
    unknown); `language` (int codes into `languages`, -1 unknown); `themes` (n x len(THEMES)
    counts); `adj` (n x n CSR, 1.0 per partnership, symmetric); `kinds` (dict kind -> CSR of that
    kind's partnerships); `degree` (partners per place).

    Edges naming an unknown key or a place with itself are ignored; duplicates merge.
    """

    def __init__(self, places: Sequence[PlaceFacts], edges: Iterable[Edge]) -> None:
        from jumelage.match.facts import country_language

        self.places = list(places)
        self.keys = [p.id for p in self.places]
        self.index = {k: i for i, k in enumerate(self.keys)}
        if len(self.index) != len(self.keys):
            raise ValueError("two places share one key")
        self.names = [p.name for p in self.places]
        n = self.n = len(self.places)
        self.countries = sorted({p.country for p in self.places if p.country})
        cix = {c: i for i, c in enumerate(self.countries)}
        self.country = np.array([cix.get(p.country, -1) if p.country else -1
                                 for p in self.places], dtype=np.int32)
        self.lat = np.array([np.nan if p.lat is None else p.lat for p in self.places], float)
        self.lon = np.array([np.nan if p.lon is None else p.lon for p in self.places], float)
        known = ~(np.isnan(self.lat) | np.isnan(self.lon))
        self.has_coords = known
        la, lo = np.radians(np.nan_to_num(self.lat)), np.radians(np.nan_to_num(self.lon))
        self.xyz = np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], 1)
        self.xyz[~known] = 0.0
        self.population = np.array([p.population or 0 for p in self.places], dtype=np.int64)
        self.log_pop = np.where(self.population > 0,
                                np.log10(np.maximum(self.population, 1)), np.nan)
        self.capital = np.array([bool(p.capital) for p in self.places])
        kinds = {k: i for i, k in enumerate(PLACE_KINDS)}
        self.kind = np.array([kinds.get(p.kind, 0) for p in self.places], dtype=np.int8)
        self.coast = np.array([np.nan if p.coast is None else float(p.coast)
                               for p in self.places])
        langs = [p.language or country_language(p.country) for p in self.places]
        self.languages = sorted({x for x in langs if x})
        lix = {x: i for i, x in enumerate(self.languages)}
        self.language = np.array([lix.get(x, -1) if x else -1 for x in langs], dtype=np.int32)
        self.themes = np.zeros((n, len(THEMES)), dtype=np.float32)
        for i, p in enumerate(self.places):
            for theme, count in p.themes.items():
                if theme in THEME_INDEX:
                    self.themes[i, THEME_INDEX[theme]] = count
        self._edges(edges)

    def _edges(self, edges: Iterable[Edge]) -> None:
        rows: dict[str, tuple[list[int], list[int]]] = {k: ([], []) for k in PARTNERSHIP_KINDS}
        for e in edges:
            i, j = self.index.get(e.a), self.index.get(e.b)
            if i is None or j is None or i == j:
                continue
            r, c = rows.setdefault(e.kind, ([], []))
            r += [i, j]
            c += [j, i]
        self.kinds = {}
        total = sp.csr_matrix((self.n, self.n), dtype=np.float32)
        for kind, (r, c) in rows.items():
            m = sp.csr_matrix((np.ones(len(r), np.float32), (r, c)), shape=(self.n, self.n))
            m.data[:] = 1.0                       # duplicates merge
            self.kinds[kind] = m
            total = total + m
        total = total.tocsr()
        total.data[:] = 1.0
        total.eliminate_zeros()
        self.adj = total
        self.degree = np.asarray(total.sum(1)).ravel().astype(np.float32)

    def partners(self, i: int) -> np.ndarray:
        """Row indices of place i's partners."""
        return self.adj.indices[self.adj.indptr[i]:self.adj.indptr[i + 1]]

    def edge_list(self) -> np.ndarray:
        """Every partnership once, as an (m, 2) array of row indices with i < j."""
        coo = sp.triu(self.adj, k=1).tocoo()
        return np.stack([coo.row, coo.col], 1)

    def without(self, hidden: np.ndarray) -> Graph:
        """A copy of this graph with the partnerships `hidden` ((m, 2) row indices) removed."""
        drop = {(int(a), int(b)) for a, b in hidden} | {(int(b), int(a)) for a, b in hidden}
        edges = []
        for kind, m in self.kinds.items():
            coo = sp.triu(m, k=1).tocoo()
            edges += [Edge(self.keys[a], self.keys[b], kind)
                      for a, b in zip(coo.row.tolist(), coo.col.tolist()) if (a, b) not in drop]
        return Graph(self.places, edges)
