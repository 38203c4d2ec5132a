"""Learned decisions: logistic-regression weights read once per process from `data/*.json`.

Each decision file holds the feature names, the standardisation (mean, scale), the coefficients,
the intercept and the decision threshold that `jumelage.extract.train` fitted on the shared gold.
Scoring is plain arithmetic, so extraction needs no learning library at run time.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class LinearModel:
    """A fitted logistic regression over named features.

    `probability(x)` takes the feature vector in `features` order and returns P(yes) in [0, 1].
    """

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float = 0.5

    def probability(self, x: list[float]) -> float:
        z = self.intercept
        for v, m, s, w in zip(x, self.mean, self.scale, self.coef):
            z += w * (v - m) / s
        if z < -40:
            return 0.0
        return 1.0 / (1.0 + math.exp(-z))

    def to_dict(self) -> dict:
        return {"features": list(self.features), "mean": list(self.mean), "scale": list(self.scale),
                "coef": list(self.coef), "intercept": self.intercept, "threshold": self.threshold}

    @classmethod
    def from_dict(cls, d: dict) -> "LinearModel":
        return cls(tuple(d["features"]), tuple(d["mean"]), tuple(d["scale"]), tuple(d["coef"]),
                   float(d["intercept"]), float(d.get("threshold", 0.5)))


@lru_cache(maxsize=None)
def load(name: str) -> LinearModel | None:
    """The packaged model `data/NAME.json`, or None when it has not been fitted yet."""
    try:
        text = resources.files("jumelage.extract").joinpath("data", f"{name}.json").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return None
    return LinearModel.from_dict(json.loads(text))
