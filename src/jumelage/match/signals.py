"""The signals the matcher combines, computed for one place against every other place at once.

Each signal is one numpy vector over all places (NaN where a fact is unknown), so ranking a
place costs a dozen sparse matrix-vector products and some vector arithmetic: milliseconds on
the 17,000 places of the world twin-city list. What is not specific to the query (the normalised
adjacency, the spectral embedding, the country-pair table, the nearby-places matrix) is built
once, in `Signals.__init__`.

Families (see `FEATURES` for the column order the model is trained on):
- network: partners in common (count, Adamic-Adar, resource allocation), paths of length three
  (raw and degree-damped), beyond: a degree-damped walk of four steps and a truncated Katz sum
  (paths of length 2 to 4), personalised PageRank,
  closeness in a spectral embedding of the graph and membership of the same community (k-means
  clusters of that embedding, coarse and fine);
- country habits: the share of the query's country's partnerships that go to the candidate's
  country, that share over what the country's size alone would give, and the share of the
  query's own partners in that country; and the habits of the query's partners' countries
  (where their towns twin), weighted by the query's partners;
- geography: great-circle distance; three "regional habit" signals through places within
  `NEAR_KM` of each other: the candidate is twinned with places near the query, lies near the
  query's partners, or lies near partners of places near the query; and the same habit between
  areas (latitude/longitude cells of `CELL_DEGREES`): how many partnerships join the query's
  area to the candidate's, raw and over what the two areas' sizes alone would give; how many of
  the candidate's partners are in the query's country or area, and how many of the query's
  partners are in the candidate's area;
- size: log10 population of the candidate and the gap with the query's;
- the candidate's number of partners, capital, language, coast and themes shared.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.spatial import cKDTree

from jumelage.match.graph import Graph

EARTH_KM = 6371.0
NEAR_KM = 60.0          # places this close count as "near" for the regional habit signals
NEAR_SCALE_KM = 25.0    # the weight of a near place fades as exp(-d / NEAR_SCALE_KM)
EMBED_DIM = 48          # dimensions of the spectral embedding
COMMUNITIES = 64        # k-means clusters of the embedding
COMMUNITIES_FINE = 256  # a finer clustering of the same embedding
KATZ_BETA = 0.05        # damping of the truncated Katz sum (paths of length 2 to 4)
PPR_RESTART = 0.3
PPR_STEPS = 12
COUNTRY_PRIOR = 1.0     # add-one smoothing of the country-pair table
CELL_DEGREES = (1.0, 3.0)  # sizes of the latitude/longitude cells of the area-pair tables

FEATURES = (
    "common", "adamic_adar", "resource", "paths3", "paths3_damped", "ppr", "embedding",
    "same_community",
    "country_habit", "country_lift", "partner_country_share", "same_country",
    "twinned_near_you", "near_your_partners", "regional", "area_pairs", "area_pairs_wide",
    "area_lift", "area_lift_wide", "partners_in_your_country", "partners_in_your_area",
    "partners_in_your_area_wide", "your_partners_in_their_area", "your_partners_in_their_area_wide",
    "log_distance",
    "log_pop", "pop_gap", "query_log_pop",
    "log_degree", "query_log_degree", "capital", "both_capital", "same_language", "same_coast",
    "themes",
    "paths4_damped", "same_community_fine", "partners_country_habit", "katz",
)
COLUMN = {name: i for i, name in enumerate(FEATURES)}


class Signals:
    """Query-independent structures over a `Graph`, and `compute(q)` for one query."""

    def __init__(self, graph: Graph, seed: int = 0) -> None:
        g = self.graph = graph
        n = g.n
        # float64 like the query vectors, so no product makes an upcast copy of the matrix
        self.adj = g.adj.astype(np.float64).tocsr()
        deg = g.degree.astype(np.float64)
        self.deg = deg
        self.inv_deg = np.where(deg > 0, 1.0 / np.maximum(deg, 1), 0.0)
        self.inv_log_deg = np.where(deg > 1, 1.0 / np.log(np.maximum(deg, 2)), 0.0)
        self.log_degree = np.log1p(deg)
        self._embedding(seed)
        self._countries()
        self.n = n
        self._near()
        self._areas()
        norms = np.linalg.norm(g.themes, axis=1)
        self.themes = g.themes / np.where(norms > 0, norms, 1.0)[:, None]
        self.n = n

    # -- query-independent ----------------------------------------------------------------
    def _embedding(self, seed: int) -> None:
        g = self.graph
        d = np.where(self.deg > 0, 1.0 / np.sqrt(np.maximum(self.deg, 1)), 0.0)
        norm = sp.diags(d) @ self.adj @ sp.diags(d)
        k = min(EMBED_DIM, max(1, g.n - 2))
        if g.adj.nnz == 0 or g.n < 4:
            self.embed = np.zeros((g.n, 1), np.float32)
            self.community = np.full(g.n, -1)
            self.community_fine = np.full(g.n, -1)
            return
        from sklearn.decomposition import TruncatedSVD
        from sklearn.cluster import MiniBatchKMeans

        svd = TruncatedSVD(n_components=min(k, g.n - 1), random_state=seed)
        emb = svd.fit_transform(norm.astype(np.float64))
        lengths = np.linalg.norm(emb, axis=1)
        emb = emb / np.where(lengths > 0, lengths, 1.0)[:, None]
        self.embed = emb.astype(np.float32)
        linked = self.deg > 0
        self.community = np.full(g.n, -1)
        self.community_fine = np.full(g.n, -1)
        for target, count in ((self.community, COMMUNITIES),
                              (self.community_fine, COMMUNITIES_FINE)):
            clusters = min(count, int(linked.sum()))
            if clusters >= 2:
                km = MiniBatchKMeans(n_clusters=clusters, random_state=seed, n_init=1)
                target[linked] = km.fit_predict(self.embed[linked])

    def _countries(self) -> None:
        g = self.graph
        k = len(g.countries)
        edges = g.edge_list()
        ca, cb = g.country[edges[:, 0]], g.country[edges[:, 1]]
        ok = (ca >= 0) & (cb >= 0)
        table = np.zeros((max(k, 1), max(k, 1)))
        np.add.at(table, (ca[ok], cb[ok]), 1.0)
        np.add.at(table, (cb[ok], ca[ok]), 1.0)
        self.country_pairs = table                          # partnerships between countries
        places = np.bincount(g.country[g.country >= 0], minlength=max(k, 1)).astype(float)
        self.country_places = places
        smoothed = table + COUNTRY_PRIOR * places[None, :] / max(places.sum(), 1.0)
        self.country_share = smoothed / smoothed.sum(1, keepdims=True)
        base = places / max(places.sum(), 1.0)
        self.country_lift = self.country_share / np.where(base > 0, base, 1.0)[None, :]

    def _near(self) -> None:
        g = self.graph
        idx = np.flatnonzero(g.has_coords)
        chord = 2 * np.sin(NEAR_KM / EARTH_KM / 2)
        if len(idx) < 2:
            self.near = sp.csr_matrix((g.n, g.n), dtype=np.float32)
            return
        tree = cKDTree(g.xyz[idx])
        pairs = tree.query_pairs(chord, output_type="ndarray")
        a, b = idx[pairs[:, 0]], idx[pairs[:, 1]]
        dist = EARTH_KM * 2 * np.arcsin(np.clip(
            np.linalg.norm(g.xyz[a] - g.xyz[b], axis=1) / 2, 0, 1))
        w = np.exp(-dist / NEAR_SCALE_KM)
        self.near = sp.csr_matrix((np.concatenate([w, w]), (np.concatenate([a, b]),
                                   np.concatenate([b, a]))), shape=(g.n, g.n))

    def _areas(self) -> None:
        g = self.graph
        edges = g.edge_list()
        self.cells, self.area_pairs, self.area_lift, self.partner_cells = [], [], [], []
        for size in CELL_DEGREES:
            rows = np.floor((np.nan_to_num(g.lat) + 90) / size).astype(np.int64)
            cols = np.floor((np.nan_to_num(g.lon) + 180) / size).astype(np.int64)
            cell = rows * int(np.ceil(360 / size) + 1) + cols
            _, cell = np.unique(cell, return_inverse=True)
            cell = np.where(g.has_coords, cell, -1)
            k = int(cell.max()) + 1 if len(cell) else 0
            ok = (cell[edges[:, 0]] >= 0) & (cell[edges[:, 1]] >= 0) if len(edges) else []
            a, b = (cell[edges[ok, 0]], cell[edges[ok, 1]]) if len(edges) else ([], [])
            table = sp.csr_matrix((np.ones(2 * len(a)), (np.concatenate([a, b]),
                                   np.concatenate([b, a]))), shape=(max(k, 1), max(k, 1)))
            ends = np.asarray(table.sum(1)).ravel()
            self.cells.append(cell)
            self.area_pairs.append(table)
            self.area_lift.append(ends)
            self.partner_cells.append(self._partners_by(cell, k))
        self.partner_countries = self._partners_by(g.country, len(g.countries))

    def _partners_by(self, group: np.ndarray, k: int) -> sp.csc_matrix:
        """(n, k) counts of each place's partners in each group (country or cell)."""
        coo = self.adj.tocoo()
        ok = group[coo.col] >= 0
        return sp.csc_matrix((np.ones(int(ok.sum()), np.float32),
                              (coo.row[ok], group[coo.col[ok]])), shape=(self.n, max(k, 1)))

    def _area(self, q: int, level: int) -> tuple[np.ndarray, np.ndarray]:
        cell = self.cells[level]
        if cell[q] < 0:
            return np.full(self.n, np.nan), np.full(self.n, np.nan)
        row = self.area_pairs[level][cell[q]].toarray().ravel()
        ends = self.area_lift[level]
        total = max(ends.sum(), 1.0)
        count = np.where(cell >= 0, row[cell], np.nan)
        expected = ends[cell[q]] * np.where(cell >= 0, ends[cell], 0.0) / total
        return count, count / (expected + 1.0)

    # -- per query ------------------------------------------------------------------------
    def distance_km(self, q: int) -> np.ndarray:
        """Great-circle distance from place q to every place, in km (NaN when unknown)."""
        g = self.graph
        if not g.has_coords[q]:
            return np.full(g.n, np.nan)
        cos = np.clip(g.xyz @ g.xyz[q], -1.0, 1.0)
        d = EARTH_KM * np.arccos(cos)
        d[~g.has_coords] = np.nan
        return d

    def ppr(self, q: int) -> np.ndarray:
        """Personalised PageRank from q (restart `PPR_RESTART`, `PPR_STEPS` power steps)."""
        start = np.zeros(self.n)
        start[q] = 1.0
        r = start.copy()
        for _ in range(PPR_STEPS):
            r = (1 - PPR_RESTART) * (self.adj @ (r * self.inv_deg)) + PPR_RESTART * start
        return r

    def _column(self, m: sp.csc_matrix, j: int) -> np.ndarray:
        col = np.zeros(self.n, np.float32)
        lo, hi = m.indptr[j], m.indptr[j + 1]
        np.add.at(col, m.indices[lo:hi], m.data[lo:hi])
        return col

    def _partner_groups(self, q: int, out: np.ndarray) -> None:
        g, c = self.graph, COLUMN
        cq = g.country[q]
        out[:, c["partners_in_your_country"]] = (self._column(self.partner_countries, cq)
                                                 if cq >= 0 else np.nan)
        mine = g.partners(q)
        for level, (near, far) in enumerate((("partners_in_your_area",
                                               "your_partners_in_their_area"),
                                              ("partners_in_your_area_wide",
                                               "your_partners_in_their_area_wide"))):
            cell = self.cells[level]
            if cell[q] < 0:
                out[:, c[near]] = out[:, c[far]] = np.nan
                continue
            out[:, c[near]] = self._column(self.partner_cells[level], cell[q])
            cells = cell[mine]
            counts = np.bincount(cells[cells >= 0], minlength=int(cell.max()) + 1)
            out[:, c[far]] = np.where(cell >= 0, counts[cell], np.nan)

    def compute(self, q: int) -> np.ndarray:
        """Every signal of `FEATURES` for place q against all places: (n, len(FEATURES)) float32."""
        g, A = self.graph, self.adj
        n = self.n
        out = np.empty((len(FEATURES), n), np.float32).T     # column-major: filled by column
        a_q = np.zeros(n)
        a_q[g.partners(q)] = 1.0
        out[:, 0] = a2 = A @ a_q
        out[:, 1] = A @ (a_q * self.inv_log_deg)
        out[:, 2] = walk1 = A @ (a_q * self.inv_deg)
        out[:, 3] = a3 = A @ a2
        walk2 = A @ (walk1 * self.inv_deg)
        out[:, 4] = walk2
        c = COLUMN
        # beyond three hops: a third step of the degree-damped walk, and a truncated Katz sum
        # (paths of length 2, 3 and 4 from q, each step damped by KATZ_BETA)
        out[:, c["paths4_damped"]] = A @ (walk2 * self.inv_deg)
        out[:, c["katz"]] = (a2 + KATZ_BETA * a3 + KATZ_BETA ** 2 * (A @ a3)) / (1.0 + self.deg)
        out[:, 5] = self.ppr(q) * 1e3
        out[:, 6] = self.embed @ self.embed[q] if self.deg[q] > 0 else np.nan
        comm = self.community[q]
        out[:, 7] = (self.community == comm) if comm >= 0 else np.nan
        fine = self.community_fine[q]
        out[:, c["same_community_fine"]] = (self.community_fine == fine) if fine >= 0 else np.nan
        cq = g.country[q]
        cc = g.country
        if cq >= 0:
            out[:, 8] = np.where(cc >= 0, self.country_share[cq][cc], np.nan)
            out[:, 9] = np.where(cc >= 0, self.country_lift[cq][cc], np.nan)
            out[:, 11] = cc == cq
        else:
            out[:, 8] = out[:, 9] = out[:, 11] = np.nan
        if self.deg[q] > 0:
            mine = np.bincount(cc[g.partners(q)] + 1, minlength=len(g.countries) + 1)
            out[:, 10] = mine[cc + 1] / self.deg[q]
            # the habits of the partners' countries: where do they twin, weighted by partners
            habit = (mine[1:] @ self.country_share) / self.deg[q] if len(mine) > 1 else None
            out[:, c["partners_country_habit"]] = (np.where(cc >= 0, habit[cc], np.nan)
                                                   if habit is not None else np.nan)
        else:
            out[:, 10] = np.nan
            out[:, c["partners_country_habit"]] = np.nan
        near_q = np.zeros(n)
        lo, hi = self.near.indptr[q], self.near.indptr[q + 1]
        near_q[self.near.indices[lo:hi]] = self.near.data[lo:hi]
        out[:, 12] = A @ near_q
        partners = g.partners(q)
        out[:, 13] = np.asarray(self.near[partners].sum(0)).ravel() if len(partners) else 0.0
        out[:, 14] = self.near @ (A @ near_q)
        out[:, 15], out[:, 17] = self._area(q, 0)
        out[:, 16], out[:, 18] = self._area(q, 1)
        self._partner_groups(q, out)
        out[:, c["log_distance"]] = np.log1p(self.distance_km(q))
        out[:, c["log_pop"]] = g.log_pop
        out[:, c["pop_gap"]] = np.abs(g.log_pop - g.log_pop[q])
        out[:, c["query_log_pop"]] = g.log_pop[q]
        out[:, c["log_degree"]] = self.log_degree
        out[:, c["query_log_degree"]] = self.log_degree[q]
        out[:, c["capital"]] = g.capital
        out[:, c["both_capital"]] = g.capital & g.capital[q]
        lq = g.language[q]
        out[:, c["same_language"]] = (np.where(g.language >= 0, g.language == lq, np.nan)
                                      if lq >= 0 else np.nan)
        coast = (g.coast == g.coast[q]) if not np.isnan(g.coast[q]) else np.nan
        out[:, c["same_coast"]] = np.where(np.isnan(g.coast), np.nan, coast)
        out[:, c["themes"]] = self.themes @ self.themes[q]
        return out
