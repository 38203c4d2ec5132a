"""Ingest throughput and the cost of the store: `python benchmarks/ingest.py [N] [--pg URL]`.

Writes N distinct copies of the sample documents (default 500; each copy gets a unique line, so a
unique content hash), then measures on the same files, with the model already loaded:
- reading alone, and reading + extraction (what `jumelage extract FOLDER` does);
- a full ingest into a fresh SQLite atlas (temporary file), and into a fresh PostgreSQL database
  when `--pg URL` or `JUMELAGE_TEST_POSTGRES_URL` is given (a temporary database, dropped after);
- a second ingest of the same files (everything unchanged: the skip path).
It prints documents per second, the store overhead ((ingest − extraction) / extraction, where
extraction is read + extract; target ≤ 15 %) and the peak resident memory. It asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


def make_copies(n: int, folder: Path) -> list[Path]:
    """N files cycling over the samples, each with a line of its own (HTML: inside the body)."""
    samples = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".txt", ".html"))
    files = []
    for i in range(n):
        sample = samples[i % len(samples)]
        text = sample.read_text(encoding="utf-8")
        line = f"Référence de la copie {i:06d}."
        if sample.suffix == ".html":
            text = text.replace("</body>", f"<p>{line}</p>\n</body>", 1)
        else:
            text = text.rstrip("\n") + f"\n\n{line}\n"
        path = folder / f"{i:06d}_{sample.name}"
        path.write_text(text, encoding="utf-8")
        files.append(path)
    return files


def timed(label: str, n: int, run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    print(f"  {label:<34} {seconds:8.2f} s  {n / seconds:8.1f} docs/s")
    return seconds


@contextmanager
def temporary_postgres(url: str) -> Iterator[str]:
    """A fresh database on the server of `url`, dropped on exit; yields its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"jumelage_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def bench_store(label: str, url: str, files: list[Path], extractor, extraction: float,
                batch_size: int) -> None:
    from jumelage.atlas import Atlas
    from jumelage.ingest import ingest

    n = len(files)
    print(f"{label}:")
    with Atlas.open(url) as atlas:
        report = None

        def run() -> None:
            nonlocal report
            report = ingest(files, atlas, extractor=extractor, progress=False,
                            batch_size=batch_size)

        seconds = timed("ingest (read + extract + store)", n, run)
        timed("re-ingest (all unchanged)", n, lambda: ingest(files, atlas, extractor=extractor,
                                                               progress=False))
        counts = report.counts()
        totals = atlas.summary()
    overhead = (seconds - extraction) / extraction
    print(f"  documents: {counts}")
    print(f"  atlas: {totals}")
    print(f"  store overhead: {overhead:+.1%} of extraction time (target ≤ 15%)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=500, help="number of documents")
    parser.add_argument("--pg", default=os.environ.get("JUMELAGE_TEST_POSTGRES_URL"),
                        help="PostgreSQL server URL (postgresql+psycopg://...); a temporary "
                             "database is created on it")
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()

    from jumelage.extract import Extractor
    from jumelage.read import read_document

    with tempfile.TemporaryDirectory(prefix="jumelage-bench-") as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        files = make_copies(args.n, folder)
        words = sum(len(p.read_text(encoding="utf-8").split()) for p in files)
        print(f"{args.n} documents ({words} words) from {SAMPLES}")

        extractor = Extractor()
        start = time.perf_counter()
        extractor.extract(read_document(files[0]))  # loads the model: not part of any figure
        print(f"model load + first document: {time.perf_counter() - start:.2f} s\n")

        print("extraction alone:")
        docs: list = []
        read_s = timed("read", args.n, lambda: docs.extend(read_document(p) for p in files))
        extract_s = timed("extract (extract_many)", args.n,
                          lambda: list(extractor.extract_many(docs)))
        extraction = read_s + extract_s
        print(f"  {'read + extract':<34} {extraction:8.2f} s  {args.n / extraction:8.1f} docs/s")
        docs.clear()

        bench_store("SQLite (temporary file)", f"sqlite:///{Path(tmp) / 'atlas.sqlite'}",
                    files, extractor, extraction, args.batch_size)
        if args.pg:
            with temporary_postgres(args.pg) as url:
                bench_store("PostgreSQL (temporary database)", url, files, extractor, extraction,
                            args.batch_size)
        else:
            print("PostgreSQL: skipped (give --pg URL or set JUMELAGE_TEST_POSTGRES_URL)")

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory: {peak_mb:.0f} MB (max resident set size)")


if __name__ == "__main__":
    sys.exit(main())
