"""Fit the learned decisions of the extractor on gold annotations and write them into the package.

usage: python -m jumelage.extract.train --gold ../shared/eval/gold --docs ../shared/seeds

Reads every gold file (format: shared/eval/SCHEMA.md), parses its document once, builds the
candidates of each decision with their features, labels them from the gold (a candidate pair is
positive when both places match gold places, the way `score.py` matches them, and the gold holds
that pair), fits a standardised logistic regression with scikit-learn and writes coefficients to
`src/jumelage/extract/data/pairs.json`. `leave_one_out` is the held-out check the benchmark prints:
each document is extracted with weights fitted on the others only.
"""
from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path

from jumelage.extract.model import LinearModel
from jumelage.extract.pairs import candidates
from jumelage.extract.relations import find_partnerships

DATA = Path(__file__).resolve().parent / "data"


def gold_fold(name: str) -> str:
    """The scorer's folding: lower case, no accents, hyphens, apostrophes and dots as spaces."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    for ch in "-'’`.,()":
        text = text.replace(ch, " ")
    return " ".join(text.split())


def key_to_gold(an, gold: dict) -> dict[str, str]:
    """Map each place key of the analysis to a gold place ref (GeoNames id, else country + name)."""
    info: dict[str, dict] = {}
    for m in an.mentions:
        k = an.key(m)
        d = info.setdefault(k, {"ids": set(), "country": m.country, "names": set()})
        if m.geonames_id:
            d["ids"].add(m.geonames_id)
        d["names"].add(gold_fold(m.name))
    out = {}
    for k, d in info.items():
        for g in gold.get("places") or []:
            names = {gold_fold(g.get("name", ""))} | {gold_fold(a) for a in g.get("aliases", [])}
            if (g.get("geonames_id") and g["geonames_id"] in d["ids"]) or (
                    (d["country"] or "").upper() == (g.get("country") or "").upper() and d["names"] & names):
                out[k] = g["ref"]
                break
    return out


def gold_owner(gold: dict) -> str | None:
    """The gold place that speaks: the one in most partnerships; without partnerships (or on a
    tie) the first place the annotator listed, which SCHEMA's gold lists first."""
    order = [p.get("ref") for p in gold.get("places") or []]
    if not order:
        return None
    counts = {r: 0 for r in order}
    for p in gold.get("partnerships") or []:
        for r in p.get("places") or []:
            if r in counts:
                counts[r] += 1
    return max(order, key=lambda r: (counts[r], -order.index(r)))


def gold_speaker(gold: dict) -> str | None:
    """The gold place that speaks, as the annotation conventions list it: the first place. Unlike
    `gold_owner` it is not the hub of the partnerships (a council deliberating on its partner's
    twin, a page about a partner's other partners)."""
    places = gold.get("places") or []
    return places[0].get("ref") if places else None


def _teacher_owner(gold: dict):
    """Training reads pairs with the gold's owner when the document names it, else the rules'."""
    from jumelage.extract.owner import find_owner as find_owner_by_rules

    want = gold_owner(gold)

    def choose(an):
        refs = key_to_gold(an, gold)
        keys = [k for k, r in refs.items() if r == want]
        return keys[0] if keys else find_owner_by_rules(an)
    return choose


def pair_rows(parsed: tuple, gold: dict) -> tuple[list[list[float]], list[int], list[str]]:
    """Feature rows, labels and feature names of one document's candidate pairs."""
    from jumelage.extract.pairs import FEATURES
    from jumelage.extract.pipeline import analyse_document

    an = analyse_document(*parsed, choose_owner=_teacher_owner(gold))
    links = find_partnerships(an)
    refs = key_to_gold(an, gold)
    gold_pairs = {frozenset(p.get("places") or []) for p in gold.get("partnerships") or []}
    X, y = [], []
    for c in candidates(an, links):
        X.append([c.features.get(n, 0.0) for n in FEATURES])
        pair = frozenset((refs.get(c.a, "?a"), refs.get(c.b, "?b")))
        y.append(int(pair in gold_pairs))
    return X, y, list(FEATURES)


def fit(X: list[list[float]], y: list[int], names: list[str], threshold: float = 0.85,
        C: float = 1.0) -> LinearModel:
    """A standardised, L2-regularised logistic regression (scikit-learn, lbfgs); `C` the inverse
    strength of the regularisation."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    A = np.asarray(X, dtype=float)
    mean = A.mean(axis=0)
    scale = A.std(axis=0)
    scale[scale == 0] = 1.0
    clf = LogisticRegression(C=C, max_iter=2000)
    clf.fit((A - mean) / scale, np.asarray(y))
    return LinearModel(tuple(names), tuple(float(v) for v in mean), tuple(float(v) for v in scale),
                       tuple(float(v) for v in clf.coef_[0]), float(clf.intercept_[0]), threshold)


def load_gold(gold_dir: Path, stems: list[str]) -> dict[str, dict]:
    return {s: json.loads((gold_dir / f"{s}.json").read_text(encoding="utf-8")) for s in stems}


def _gold_span(item: dict, text: str) -> tuple[int, int] | None:
    span = item.get("span")
    if isinstance(span, (list, tuple)) and len(span) == 2 and span[1] > span[0]:
        return int(span[0]), int(span[1])
    quote = item.get("evidence")
    at = text.find(quote) if isinstance(quote, str) and quote else -1
    return (at, at + len(quote)) if at >= 0 else None


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """score.py's matching: overlap of at least half the shorter span."""
    overlap = min(a[1], b[1]) - max(a[0], b[0])
    return overlap > 0 and overlap >= 0.5 * min(a[1] - a[0], b[1] - b[0])


_UNIT_CACHE: dict[int, tuple] = {}


def _unit_table(parsed: tuple, gold: dict) -> tuple[list, list[int], list[int]]:
    """Rule events and the units they leave, labelled: does the span match a gold action
    (initiative, kept for the study of that decision) the way score.py matches spans?"""
    key = id(parsed)
    if key in _UNIT_CACHE:
        return _UNIT_CACHE[key]
    from jumelage.extract.events import find_events
    from jumelage.extract.pipeline import analyse_document
    from jumelage.extract.units import UNIT_FEATURES, unit_candidates

    from jumelage.extract.owner import find_owner as find_owner_by_rules

    # the hand-weighted owner, whatever owner weights are packaged: rows never depend on an earlier fit
    an = analyse_document(*parsed, choose_owner=find_owner_by_rules)
    events = find_events(an, find_partnerships(an))
    spans = {kind: [sp for sp in (_gold_span(g, an.text) for g in items) if sp]
             for kind, items in (("action", gold.get("actions") or []),
                                 ("initiative", gold.get("initiatives") or []))}
    X, ya, yi = [], [], []
    for c in unit_candidates(an, events):
        X.append([c.features.get(n, 0.0) for n in UNIT_FEATURES])
        u = (c.start, c.end)
        ya.append(int(any(_overlaps(u, sp) for sp in spans["action"])))
        yi.append(int(any(_overlaps(u, sp) for sp in spans["initiative"])))
    _UNIT_CACHE[key] = (X, ya, yi)
    return X, ya, yi


def action_rows(parsed: tuple, gold: dict) -> tuple[list[list[float]], list[int], list[str]]:
    from jumelage.extract.units import UNIT_FEATURES

    X, ya, _ = _unit_table(parsed, gold)
    return X, ya, list(UNIT_FEATURES)


def owner_rows(parsed: tuple, gold: dict) -> tuple[list[list[float]], list[int], list[str]]:
    """Feature rows, labels and feature names of one document's owner candidates: every actor
    place, positive when it matches the gold's speaker (`gold_speaker`)."""
    from jumelage.extract.owner import OWNER_FEATURES, owner_candidates
    from jumelage.extract.pipeline import analyse_document

    an = analyse_document(*parsed, choose_owner=lambda an: None)
    refs = key_to_gold(an, gold)
    want = gold_speaker(gold)
    X, y = [], []
    for key, f in owner_candidates(an).items():
        X.append([f.get(n, 0.0) for n in OWNER_FEATURES])
        y.append(int(want is not None and refs.get(key) == want))
    return X, y, list(OWNER_FEATURES)


DECISIONS = {"owner": owner_rows, "pairs": pair_rows, "actions": action_rows}
THRESHOLDS = {"owner": 0.6, "pairs": 0.85, "actions": 0.5}      # chosen by the leave-one-document-out score


def all_rows(parsed: list[tuple[str, tuple]], gold: dict[str, dict]) -> dict[str, dict[str, tuple]]:
    """decision -> document stem -> (rows, labels, feature names)."""
    return {name: {s: rows(p, gold[s]) for s, p in parsed} for name, rows in DECISIONS.items()}


def fit_models(rows: dict[str, dict[str, tuple]], stems: list[str]) -> dict[str, LinearModel]:
    models = {}
    for decision, by_doc in rows.items():
        X, y, names = [], [], None
        for s in stems:
            x, labels, names = by_doc[s]
            X.extend(x)
            y.extend(labels)
        models[decision] = fit(X, y, names, THRESHOLDS[decision]) if any(y) else None
    return models


def leave_one_out(parsed: list[tuple[str, tuple]], gold_dir: Path) -> dict[str, dict]:
    """Interchange dicts of every document, each extracted with weights fitted without it."""
    from jumelage.extract.pipeline import build

    stems = [s for s, _ in parsed]
    gold = load_gold(gold_dir, stems)
    rows = all_rows(parsed, gold)
    out = {}
    for stem, p in parsed:
        models = fit_models(rows, [s for s in stems if s != stem])
        out[stem] = build(*p, models=models).to_dict()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold", type=Path, required=True)
    ap.add_argument("--docs", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=DATA)
    args = ap.parse_args(argv)
    from jumelage.extract.pipeline import Extractor
    from jumelage.read import read_document

    gold_files = sorted(args.gold.glob("*.json"))
    if not gold_files:
        print(f"no gold files in {args.gold}", file=sys.stderr)
        return 2
    stems = [g.stem for g in gold_files]
    gold = load_gold(args.gold, stems)
    docs = [read_document(args.docs / gold[s]["source"]) for s in stems]
    parsed = list(zip(stems, Extractor().parse_many(docs)))
    rows = all_rows(parsed, gold)
    models = fit_models(rows, stems)
    for name, model in models.items():
        if model is None:
            continue
        path = args.out / f"{name}.json"
        path.write_text(json.dumps(model.to_dict(), indent=1) + "\n", encoding="utf-8")
        n = sum(len(rows[name][s][1]) for s in stems)
        pos = sum(sum(rows[name][s][1]) for s in stems)
        print(f"{path}: {n} candidates, {pos} positive, {len(model.features)} features")
    return 0


if __name__ == "__main__":
    sys.exit(main())
