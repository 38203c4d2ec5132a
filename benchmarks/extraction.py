"""Extraction benchmark: quality against the shared gold, held-out quality, speed, peak memory.

usage: python benchmarks/extraction.py [--shared ../shared] [--docs 200] [--skip-speed] [--skip-cv]

1. Quality: extracts every seed document of `shared/seeds` that has a gold file and scores it with
   `shared/eval/score.py` (imported, so every figure it prints is printed) three times: on the first
   fifteen documents (000, 001, 004, d01–d12, those the rules were first written against), on
   d14–d42 (added later) and on all of them.
2. Held-out quality (leave-one-document-out): the learned decisions are fitted on every document but
   one, that one is extracted with those weights, and the held-out extractions are scored together
   the same three ways. This is the figure every change is judged by. spaCy parses are computed once
   and kept in memory, so the cross-validation costs one parse of each document plus one small fit
   per document.
3. Speed: reads and extracts N documents (the seeds repeated) with the whole pipeline, then runs
   spaCy's `nlp.pipe` alone, same model, same texts, three times in turn; prints documents and
   words per second of the best run of each and the ratio of the pipeline's throughput to spaCy's
   (target ≥ 0.7).
4. Memory: peak resident memory of the process (target < 1.5 GB).
Figures are printed, never asserted.
"""
from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from jumelage.extract.pipeline import Extractor, build  # noqa: E402
from jumelage.read import read_document  # noqa: E402

TARGETS = [
    ("score", 0.85), ("places_f1", 0.90), ("partnerships_f1", 0.90), ("actions_f1", 0.85),
    ("initiatives_f1", 0.80), ("themes_f1", 0.70), ("action_start_acc", 0.95),
    ("action_end_acc", 0.95), ("partnership_kind_acc", 0.90),
]
FIRST = {"000", "001", "004"} | {f"d{i:02d}" for i in range(1, 13)}


def _scorer(shared: Path):
    spec = importlib.util.spec_from_file_location("jumelage_bench_score", shared / "eval" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def subsets(gold_files: list[Path]) -> list[tuple[str, list[Path]]]:
    first = [g for g in gold_files if g.stem.split("_")[0] in FIRST]
    later = [g for g in gold_files if g.stem.split("_")[0] not in FIRST]
    return [("first fifteen (000, 001, 004, d01–d12)", first), ("d14–d42", later), ("all", gold_files)]


def score_report(shared: Path, predictions: dict[str, dict], title: str, per_document: bool) -> dict:
    """Scores `predictions` (gold stem -> interchange dict) with score.py on each subset; prints
    score.py's own report (per-document rows only for "all" when asked) and returns the totals."""
    score = _scorer(shared)
    gold_dir, seeds = shared / "eval" / "gold", shared / "seeds"
    totals = {}
    with tempfile.TemporaryDirectory() as tmp:
        pred_dir = Path(tmp, "pred")
        pred_dir.mkdir()
        for stem, pred in predictions.items():
            Path(pred_dir, stem + ".json").write_text(json.dumps(pred, ensure_ascii=False), encoding="utf-8")
        for name, files in subsets(sorted(gold_dir.glob("*.json"))):
            sub = Path(tmp, "gold-" + str(len(totals)))
            sub.mkdir()
            for g in files:
                (sub / g.name).symlink_to(g)
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                score.main(["--gold", str(sub), "--pred", str(pred_dir), "--docs", str(seeds)])
            lines = out.getvalue().splitlines()
            if not (per_document and name == "all"):
                lines = lines[lines.index("---- total"):]
            print(f"\n==== {title}: {name} ({len(files)} documents)")
            print("\n".join(lines))
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                score.main(["--gold", str(sub), "--pred", str(pred_dir), "--docs", str(seeds), "--json"])
            totals[name] = json.loads(out.getvalue())["total"]
    return totals


def targets(totals: dict, title: str) -> None:
    print(f"\ntarget ({title}, all documents)  figure   target")
    for key, target in TARGETS:
        value = totals.get(key)
        mark = "ok " if value is not None and value >= target else "BELOW"
        print(f"{key:26s} {value if value is not None else float('nan'):7.3f}   ≥ {target:.2f} {mark}")


def summary(label: str, totals: dict) -> None:
    keys = ("score", "places_f1", "partnerships_f1", "actions_f1", "initiatives_f1", "fields")
    print(f"{label:44s} " + "  ".join(f"{k.replace('_f1', '')} {totals.get(k, 0):.3f}" for k in keys))


def parse_gold(shared: Path, extractor: Extractor) -> list[tuple[str, tuple]]:
    """(gold stem, parsed document) for every gold file; parsed once, kept in memory."""
    gold_dir, seeds = shared / "eval" / "gold", shared / "seeds"
    stems = [g.stem for g in sorted(gold_dir.glob("*.json"))]
    names = [json.loads((gold_dir / f"{s}.json").read_text(encoding="utf-8"))["source"] for s in stems]
    docs = [read_document(seeds / n) for n in names]
    return list(zip(stems, extractor.parse_many(docs)))


def quality(parsed: list, shared: Path) -> dict:
    predictions = {stem: build(*p).to_dict() for stem, p in parsed}
    totals = score_report(shared, predictions, "plain score (weights fitted on all documents)", True)
    targets(totals["all"], "plain")
    return totals


def cross_validation(parsed: list, shared: Path) -> dict | None:
    try:
        from jumelage.extract import train as learn
    except ImportError:
        print("\n(no learned decisions yet: no held-out score)")
        return None
    gold_dir = shared / "eval" / "gold"
    t0 = time.perf_counter()
    predictions = learn.leave_one_out(parsed, gold_dir)
    print(f"\nleave-one-document-out: {len(parsed)} fits in {time.perf_counter() - t0:.1f} s")
    totals = score_report(shared, predictions, "LODO (each document extracted with weights fitted without it)", True)
    targets(totals["all"], "LODO")
    return totals


def speed(extractor: Extractor, shared: Path, n: int, repeats: int = 3) -> None:
    """Documents and words per second of the whole pipeline (read + extract) and of spaCy's
    `nlp.pipe` alone on the same texts, each run `repeats` times in turn (pipeline, spaCy,
    pipeline, …): the best run of each is compared (the machine's noise only ever slows a run
    down), and every run's time is printed."""
    seeds = sorted((shared / "seeds").glob("*.txt"))
    paths = [seeds[i % len(seeds)] for i in range(n)]
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in paths)
    nlp = extractor.nlp
    list(nlp.pipe(["échauffement du modèle"]))
    texts = [p.read_text(encoding="utf-8") for p in paths]
    runs: dict[str, list[float]] = {"pipeline": [], "spacy": []}
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in extractor.extract_many(read_document(p) for p in paths):
            pass
        runs["pipeline"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=extractor.batch_size):
            pass
        runs["spacy"].append(time.perf_counter() - t0)
    pipeline, spacy_only = min(runs["pipeline"]), min(runs["spacy"])
    print(f"\n{n} documents, {words} words, best of {repeats} runs each "
          f"(pipeline {', '.join(f'{t:.2f}' for t in runs['pipeline'])} s; "
          f"spaCy {', '.join(f'{t:.2f}' for t in runs['spacy'])} s)")
    print(f"pipeline (read + extract): {n / pipeline:7.1f} docs/s {words / pipeline:9.0f} words/s")
    print(f"spaCy nlp.pipe alone:      {n / spacy_only:7.1f} docs/s {words / spacy_only:9.0f} words/s")
    print(f"throughput ratio pipeline / spaCy: {spacy_only / pipeline:.2f} (target ≥ 0.70)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--skip-cv", action="store_true")
    args = ap.parse_args()
    extractor = Extractor()
    parsed = parse_gold(args.shared, extractor)
    plain = quality(parsed, args.shared)
    held_out = None if args.skip_cv else cross_validation(parsed, args.shared)
    print("\n==== summary")
    for name, totals in plain.items():
        summary(f"plain  {name}", totals)
    for name, totals in (held_out or {}).items():
        summary(f"LODO   {name}", totals)
    del parsed
    if not args.skip_speed:
        speed(extractor, args.shared, args.docs)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MB (target < 1536 MB)")


if __name__ == "__main__":
    main()
