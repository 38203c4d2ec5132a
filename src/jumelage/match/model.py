"""The learned combination of signals, fitted on the graph itself, in two stages.

The graph is its own teacher: `fit` hides a share of the partnerships the matcher can see
(`hide_edges`, every place keeping at least one partner), computes the signals on what is left,
and learns to tell the hidden partners of a place from other places. Nothing outside the graph
it is given is used, so the benchmark fits on its visible graph only, never on its hidden
pairs.

Two stages, because gradient boosting over all 17,000 places would cost about half a second a
query: a logistic regression (scikit-learn) scores every place with one matrix product, and
gradient boosting (`HistGradientBoostingClassifier`) re-ranks its `POOL` best. The first stage
learns from random non-partners, the second from non-partners of the pool, which are the hard
ones (and a few from below the pool, so that filters which reach below it are still scored
where it learned), and sees the first stage's score as one more input. Boosting takes unknown
facts (NaN) as they are and learns interactions such as "country habits matter more for a
place with few partners".

A graph too small to learn from (fewer than `MIN_EDGES_TO_FIT` partnerships) gets `PriorModel`,
a fixed logistic combination whose weights come from the signals' meaning, not from data.
"""
from __future__ import annotations

import numpy as np
from threadpoolctl import threadpool_limits

from jumelage.match.graph import Graph
from jumelage.match.signals import COLUMN, FEATURES, Signals

MIN_EDGES_TO_FIT = 300
FIT_FRACTION = 0.1        # share of partnerships hidden to make training examples
LINEAR_QUERIES = 200      # training queries for the first stage
BOOST_QUERIES = 600       # training queries for the second stage (each costs the signals of
                          # one query over every place: 1,600 made the first `match` on the
                          # world atlas take minutes; 600 lose no more than noise in hits@10)
RANDOM_NEGATIVES = 150    # random non-partners per first-stage training query
POOL = 600                # places the second stage re-ranks, the first stage's best
POOL_NEGATIVES = 100      # non-partners drawn from the pool per second-stage training query
OUTSIDE_NEGATIVES = 20    # and from outside the pool, so that a filtered query (only French
                          # towns, say), whose pool reaches far below the first stage's best,
                          # is not scored where the second stage saw positives only

# Signals that are counts: the linear stage sees log1p of them.
_COUNTS = ("common", "adamic_adar", "resource", "paths3", "paths3_damped", "ppr",
           "paths4_damped", "katz",
           "twinned_near_you", "near_your_partners", "regional", "country_lift", "area_pairs",
           "area_pairs_wide", "area_lift", "area_lift_wide", "partners_in_your_country",
           "partners_in_your_area", "partners_in_your_area_wide", "your_partners_in_their_area",
           "your_partners_in_their_area_wide")
_COUNT_COLUMNS = np.array([COLUMN[c] for c in _COUNTS])

# Prior weights of the linear stage when there is too little to learn from (on the
# `linear_inputs` scale): the signals' meaning, not data.
PRIOR_WEIGHTS = {
    "common": 1.5, "paths3_damped": 3.0, "country_habit": 6.0, "same_country": -1.0,
    "twinned_near_you": 1.0, "near_your_partners": 0.5, "regional": 0.3, "log_distance": -0.4,
    "pop_gap": -0.8, "log_degree": 0.6, "both_capital": 1.0, "same_language": 0.3,
    "same_coast": 0.2, "themes": 1.5, "embedding": 1.0,
}


def hide_edges(graph: Graph, fraction: float, rng: np.random.Generator) -> np.ndarray:
    """Choose `fraction` of the partnerships to hide, each place keeping at least one partner.

    Returns an (m, 2) array of row indices. Edges are drawn in a random order (from `rng`) and
    kept visible when hiding them would leave one of their places with no partner, so m can
    fall short of the target on sparse graphs.
    """
    edges = graph.edge_list()
    target = int(round(fraction * len(edges)))
    left = graph.degree.astype(np.int64).copy()
    hidden = []
    for k in rng.permutation(len(edges)):
        if len(hidden) >= target:
            break
        a, b = edges[k]
        if left[a] > 1 and left[b] > 1:
            left[a] -= 1
            left[b] -= 1
            hidden.append((a, b))
    return np.array(hidden, dtype=np.int64).reshape(-1, 2)


def linear_inputs(x: np.ndarray) -> np.ndarray:
    """The signals as the linear stage sees them: counts as log1p, unknown as 0."""
    z = x.astype(np.float64, copy=True)
    np.copyto(z, 0.0, where=np.isnan(z))     # 3x faster than nan_to_num, which also seeks inf
    z[:, _COUNT_COLUMNS] = np.log1p(np.maximum(z[:, _COUNT_COLUMNS], 0) * 10.0)
    return z


# Scores of the final stage are OFFSET + its log-odds (clipped to +-LOGIT_CLIP), so they stay
# apart where a probability would round to 1.0, and sit above the first stage's probabilities
# (0..1) given to the places outside the re-ranked pool.
OFFSET = 1000.0
LOGIT_CLIP = 500.0
TIE_BREAK = 0.01    # the first stage's log-odds, this small, part the second stage's near-ties


def log_odds(scores: np.ndarray) -> np.ndarray:
    """The log-odds behind `score` values: the final stage's where it scored, else the first
    stage's (from its probability)."""
    s = np.asarray(scores, dtype=np.float64)
    p = np.clip(s, 1e-300, 1 - 1e-16)
    return np.where(s >= OFFSET - LOGIT_CLIP, s - OFFSET, np.log(p) - np.log1p(-p))


class PriorModel:
    """A fixed linear combination of the signals (`PRIOR_WEIGHTS`); no fitting."""

    def __init__(self) -> None:
        self.w = np.zeros(len(FEATURES))
        for name, w in PRIOR_WEIGHTS.items():
            self.w[COLUMN[name]] = w
        self.b = -8.0

    def linear(self, x: np.ndarray) -> np.ndarray:
        return linear_inputs(x) @ self.w + self.b

    def score(self, x: np.ndarray, allowed: np.ndarray | None = None) -> np.ndarray:
        """Scores (`OFFSET` + log-odds) for rows of signals x ((n, len(FEATURES)));
        `allowed` is not needed (every row is scored the same way)."""
        return OFFSET + np.clip(self.linear(x), -LOGIT_CLIP, LOGIT_CLIP)


class LearnedModel:
    """Two stages: a logistic regression over every place, then gradient boosting over the
    `POOL` best of it. Scores: `OFFSET` plus the second stage's log-odds (near-ties parted by
    `TIE_BREAK` times the first stage's) inside the pool, and below it the first stage's
    log-odds shifted to continue under the pool's lowest, so the order is total, ties are rare
    (a probability would tie the most likely places at 1.0) and the shown score is monotone."""

    def __init__(self, w: np.ndarray, b: float, clf, columns: np.ndarray) -> None:
        self.w, self.b = w, b
        self.clf = clf
        self.columns = columns      # the FEATURES columns the graph had data for

    def linear(self, x: np.ndarray) -> np.ndarray:
        return linear_inputs(x) @ self.w + self.b

    def score(self, x: np.ndarray, allowed: np.ndarray | None = None) -> np.ndarray:
        """Scores for rows of signals x ((n, len(FEATURES))); `allowed` (bool, n) marks the
        candidates worth re-ranking (default all)."""
        first = self.linear(x)
        pick = first if allowed is None else np.where(allowed, first, -np.inf)
        k = min(POOL, int(np.isfinite(pick).sum()))
        if k == 0:
            return OFFSET + np.clip(first, -LOGIT_CLIP, LOGIT_CLIP)
        pool = np.argpartition(-pick, k - 1)[:k]
        with threadpool_limits(1):      # OpenMP threads cost more than they give on 600 rows
            raw = self.clf.decision_function(_boost_inputs(x[pool], first[pool], self.columns))
        # boosting gives whole groups of places the same leaves, hence the same log-odds
        boosted = raw + TIE_BREAK * first[pool]
        # below the pool, the first stage's order, continued under the pool's lowest score
        out = first - first[pool].min() + boosted.min() - 1.0
        out[pool] = boosted
        out = OFFSET + np.clip(out, -LOGIT_CLIP, LOGIT_CLIP)
        return out


def _boost_inputs(x: np.ndarray, first: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """The second stage's inputs: the signals it learns from, and the first stage's score."""
    return np.column_stack([x[:, columns], first])


def _fit_linear(xs: list[np.ndarray], ys: list[np.ndarray]) -> tuple[np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression

    z = linear_inputs(np.concatenate(xs))
    mu, sd = z.mean(0), z.std(0)
    sd[sd == 0] = 1.0
    lr = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced")
    lr.fit((z - mu) / sd, np.concatenate(ys))
    w = lr.coef_[0] / sd
    return w, float(lr.intercept_[0] - (mu * w).sum())


def fit(graph: Graph, seed: int = 0) -> PriorModel | LearnedModel:
    """A model for ranking partners in `graph`, learned from `graph` alone (see module doc).

    Returns `PriorModel()` when the graph has fewer than `MIN_EDGES_TO_FIT` partnerships.
    """
    from sklearn.ensemble import HistGradientBoostingClassifier

    if graph.adj.nnz // 2 < MIN_EDGES_TO_FIT:
        return PriorModel()
    rng = np.random.default_rng(seed)
    hidden = hide_edges(graph, FIT_FRACTION, rng)
    train = Signals(graph.without(hidden), seed=seed)
    truth: dict[int, set[int]] = {}
    for a, b in hidden:
        truth.setdefault(int(a), set()).add(int(b))
        truth.setdefault(int(b), set()).add(int(a))
    asked = [int(q) for q in rng.permutation(sorted(truth))]
    cut = min(LINEAR_QUERIES, max(1, len(asked) // 3))   # small graphs: a third, then the rest
    first, second = asked[:cut], asked[cut:cut + BOOST_QUERIES]

    def example(q: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        x = train.compute(q)
        free = np.ones(graph.n, bool)
        free[q] = False
        free[train.graph.partners(q)] = False
        positives = np.array(sorted(truth[q]))
        free[positives] = False
        return x, positives, free

    xs, ys = [], []
    for q in first:
        x, positives, free = example(q)
        cand = np.flatnonzero(free)
        neg = rng.choice(cand, size=min(RANDOM_NEGATIVES, len(cand)), replace=False)
        xs += [x[positives], x[neg]]
        ys += [np.ones(len(positives)), np.zeros(len(neg))]
    w, b = _fit_linear(xs, ys)
    xs, ys = [], []
    for q in second:
        x, positives, free = example(q)
        lin = linear_inputs(x) @ w + b
        s = np.where(free, lin, -np.inf)
        k = min(POOL, int(free.sum()))
        pool = np.argpartition(-s, k - 1)[:k]
        neg = rng.choice(pool, size=min(POOL_NEGATIVES, len(pool)), replace=False)
        rest = free.copy()
        rest[pool] = False
        rest = np.flatnonzero(rest)
        if len(rest):
            far = rng.choice(rest, size=min(OUTSIDE_NEGATIVES, len(rest)), replace=False)
            neg = np.concatenate([neg, far])
        rows = np.concatenate([positives, neg])
        xs.append(np.column_stack([x[rows], lin[rows]]))
        ys += [np.ones(len(positives)), np.zeros(len(neg))]
    xf, y = np.concatenate(xs), np.concatenate(ys)
    x, first = xf[:, :-1], xf[:, -1]
    # a signal the graph has no data for (no coasts known, no themes) teaches nothing
    known = ~np.all(np.isnan(x), axis=0)
    spread = np.array([np.nanstd(x[:, j]) if known[j] else 0.0 for j in range(x.shape[1])])
    columns = np.flatnonzero(known & (spread > 0))
    clf = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=15,
                                         min_samples_leaf=80, l2_regularization=1.0,
                                         random_state=seed)
    with threadpool_limits(1):
        clf.fit(_boost_inputs(x, first, columns), y)
    return LearnedModel(w, b, clf, columns)
