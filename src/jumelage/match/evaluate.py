"""Ranking measures for link prediction, with ties counted at their expected rank.

A scorer that gives many candidates the same score must not gain from it: the true partner's
rank is 1 + (candidates scored strictly higher) + (other candidates scored equal) / 2, its
expected rank if ties were broken at random. `benchmarks/match.py` and the tests use this.
"""
from __future__ import annotations

import numpy as np


def expected_rank(scores: np.ndarray, allowed: np.ndarray, target: int) -> float:
    """Rank (1 = best) of `target` among the `allowed` candidates (bool mask) by `scores`
    (higher is better; NaN counts as the lowest score). `target` must be allowed."""
    if not allowed[target]:
        raise ValueError("the target is not among the candidates")
    s = np.nan_to_num(np.asarray(scores, dtype=np.float64), nan=-np.inf)
    s = s[allowed]
    t = np.nan_to_num(float(scores[target]), nan=-np.inf)
    higher = int((s > t).sum())
    equal = int((s == t).sum()) - 1
    return 1.0 + higher + equal / 2.0


def summarise(ranks: list[float] | np.ndarray) -> dict[str, float]:
    """hits@10, hits@50 (share of ranks <= k) and MRR (mean of 1 / rank) of a list of ranks."""
    r = np.asarray(ranks, dtype=np.float64)
    if len(r) == 0:
        return {"hits@10": 0.0, "hits@50": 0.0, "MRR": 0.0}
    return {"hits@10": float((r <= 10).mean()), "hits@50": float((r <= 50).mean()),
            "MRR": float((1.0 / r).mean())}
