"""`import-pairs` throughput: `python benchmarks/import_pairs.py [FILE.csv] [--pg URL] [--rows N]`.

Imports a twin-city list (default: the real world list, `../shared/data/twin-cities/
twin_city_pairs.csv`, 24,882 pairs) into a fresh SQLite atlas (a temporary file), and into a
fresh PostgreSQL database when `--pg URL` or `JUMELAGE_TEST_POSTGRES_URL` is given (a temporary
database, dropped after). Each backend runs in a child process of its own, so that its peak
memory is its own; the child prints, for the first import and for a second one (where every row
is already there and nothing changes):
- wall-clock time and rows per second (reading, resolving with the gazetteer, storing);
- peak resident memory of the process (the gazetteer and the batch in flight included);
- what the import found: rows new / unchanged / skipped, cities not resolved to GeoNames.
`--rows N` imports only the first N rows (for a quick look). It asserts nothing.
"""
from __future__ import annotations

import argparse
import itertools
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ingest import temporary_postgres  # benchmarks/ingest.py: a fresh database, dropped after

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "data" / "twin-cities" / "twin_city_pairs.csv"


def child(url: str, path: Path, report: Path) -> None:
    """Run in the child process: two imports into the atlas at `url`, figures printed."""
    from jumelage.atlas import Atlas
    from jumelage.gazetteer import get_gazetteer
    from jumelage.pairs import import_pairs

    get_gazetteer()  # opened once, as a long-lived process would have it
    with Atlas.open(url) as atlas:
        for label in ("first import", "second import (nothing to do)"):
            started = time.perf_counter()
            result = import_pairs(path, atlas, report=report, progress=False)
            seconds = time.perf_counter() - started
            c = result.counts()
            print(f"  {label:<30} {seconds:8.1f} s  {c['rows'] / seconds:8.1f} rows/s   "
                  f"new {c['new']}, unchanged {c['unchanged']}, skipped {c['skipped']}")
        s = atlas.summary()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory (this process)     {peak_mb:8.0f} MB")
    print(f"  cities {c['cities']}, not resolved to GeoNames {c['cities_unresolved']} "
          f"({c['cities_unresolved'] / max(1, c['cities']):.1%}); rows with such a city "
          f"{c['rows_unresolved']}, doubtful {c['rows_doubtful']}")
    print(f"  atlas: {s['places']} places, {s['partnerships']} partnerships, "
          f"{s['sources']} sources, {s['evidence']} evidence")


def run_child(label: str, url: str, path: Path, report: Path) -> None:
    print(f"{label}:", flush=True)
    subprocess.run([sys.executable, __file__, "--child", url, str(path), "--report", str(report)],
                   check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--pg", default=os.environ.get("JUMELAGE_TEST_POSTGRES_URL"))
    parser.add_argument("--rows", type=int, default=None)
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--report", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.file, args.report)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = args.file
        if args.rows is not None:
            path = Path(tmp) / args.file.name
            with open(args.file, encoding="utf-8") as src, open(path, "w", encoding="utf-8") as dst:
                dst.writelines(itertools.islice(src, args.rows + 1))
        rows = sum(1 for _ in open(path, encoding="utf-8")) - 1
        print(f"import-pairs benchmark: {path.name}, {rows} rows")
        report = Path(tmp) / "report.csv"
        run_child("SQLite", f"sqlite:///{tmp}/atlas.sqlite", path, report)
        if args.pg:
            with temporary_postgres(args.pg) as url:
                run_child("PostgreSQL", url, path, report)
        else:
            print("PostgreSQL: skipped (give --pg URL or set JUMELAGE_TEST_POSTGRES_URL)")


if __name__ == "__main__":
    main()
