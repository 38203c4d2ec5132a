"""Extraction benchmark: quality against the shared gold, speed against spaCy alone, peak memory.

usage: python benchmarks/extraction.py [--shared ../shared] [--docs 200] [--skip-speed]

1. Quality: extracts every seed document of `shared/seeds` that has a gold file, writes one
   `NAME.json` per document into a temporary folder and runs `shared/eval/score.py` on it; prints
   the scorer's report and each target of issue 3 with its figure.
2. Speed: reads and extracts N documents (the seeds repeated) with the whole pipeline, then runs
   spaCy's `nlp.pipe` alone, same model, same texts; prints documents and words per second of each
   and the ratio of the pipeline's throughput to spaCy's (target ≥ 0.7).
3. Memory: peak resident memory of the process (target < 1.5 GB).
Figures are printed, never asserted.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from jumelage.extract.pipeline import Extractor  # noqa: E402
from jumelage.read import read_document  # noqa: E402

TARGETS = [
    ("score", 0.85), ("places_f1", 0.90), ("partnerships_f1", 0.90), ("actions_f1", 0.85),
    ("initiatives_f1", 0.80), ("themes_f1", 0.70), ("action_start_acc", 0.95),
    ("action_end_acc", 0.95), ("partnership_kind_acc", 0.90),
]


def quality(extractor: Extractor, shared: Path) -> None:
    gold_dir, seeds = shared / "eval" / "gold", shared / "seeds"
    names = [json.loads(g.read_text(encoding="utf-8"))["source"] for g in sorted(gold_dir.glob("*.json"))]
    docs = [read_document(seeds / n) for n in names]
    with tempfile.TemporaryDirectory() as out:
        for ext in extractor.extract_many(docs):
            Path(out, Path(ext.source).stem + ".json").write_text(
                json.dumps(ext.to_dict(), ensure_ascii=False), encoding="utf-8")
        args = [sys.executable, str(shared / "eval" / "score.py"), "--gold", str(gold_dir),
                "--pred", out, "--docs", str(seeds)]
        print(subprocess.run(args, capture_output=True, text=True, check=True).stdout)
        totals = json.loads(subprocess.run(args + ["--json"], capture_output=True, text=True,
                                           check=True).stdout)["total"]
    print("target                      figure   target")
    for key, target in TARGETS:
        value = totals.get(key)
        mark = "ok " if value is not None and value >= target else "BELOW"
        print(f"{key:26s} {value if value is not None else float('nan'):7.3f}   ≥ {target:.2f} {mark}")


def speed(extractor: Extractor, shared: Path, n: int) -> None:
    seeds = sorted((shared / "seeds").glob("*.txt"))
    paths = [seeds[i % len(seeds)] for i in range(n)]
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in paths)
    nlp = extractor.nlp
    list(nlp.pipe(["échauffement du modèle"]))
    t0 = time.perf_counter()
    for _ in extractor.extract_many(read_document(p) for p in paths):
        pass
    pipeline = time.perf_counter() - t0
    texts = [p.read_text(encoding="utf-8") for p in paths]
    t0 = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=extractor.batch_size):
        pass
    spacy_only = time.perf_counter() - t0
    print(f"\n{n} documents, {words} words")
    print(f"pipeline (read + extract): {n / pipeline:7.1f} docs/s {words / pipeline:9.0f} words/s")
    print(f"spaCy nlp.pipe alone:      {n / spacy_only:7.1f} docs/s {words / spacy_only:9.0f} words/s")
    print(f"throughput ratio pipeline / spaCy: {spacy_only / pipeline:.2f} (target ≥ 0.70)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--skip-speed", action="store_true")
    args = ap.parse_args()
    extractor = Extractor()
    quality(extractor, args.shared)
    if not args.skip_speed:
        speed(extractor, args.shared, args.docs)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MB (target < 1536 MB)")


if __name__ == "__main__":
    main()
