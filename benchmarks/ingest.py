"""Ingest throughput and the cost of the store: `python benchmarks/ingest.py [N] [--pg URL]`.

Writes N distinct copies of the sample documents (default 500; each copy gets a unique line, so a
unique content hash), loads the model and warms it up on one copy of each sample, then measures,
wall-clock, on the same N files and with the same extractor:
- extraction alone: reading + extracting in batches, as `ingest` does (`extract_batch`), storing
  nothing;
- a full ingest into a fresh SQLite atlas (temporary file), and into a fresh PostgreSQL database
  when `--pg URL` or `JUMELAGE_TEST_POSTGRES_URL` is given (a temporary database, dropped after);
  extraction alone is measured again right before each ingest, and each ingest is compared with
  the measurement just before it (the machine's load drifts);
- a second ingest of the same files (everything unchanged: the skip path).
`ingest` chooses how to store (a writer process from `WRITER_MIN_FILES` documents on);
`--in-process` also measures the store in the main process, for comparison.
It prints documents per second, the store overhead ((ingest − extraction) / extraction; target
≤ 15 %) and the peak resident memory of the main process and of the writer. It asserts nothing.
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
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


def sample_files() -> list[Path]:
    return sorted(p for p in SAMPLES.iterdir() if p.suffix in (".txt", ".html"))


def make_copies(n: int, folder: Path) -> list[Path]:
    """N files cycling over the samples, each with a line of its own (HTML: inside the body)."""
    samples = sample_files()
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
    print(f"  {label:<36} {seconds:8.2f} s  {n / seconds:8.1f} docs/s")
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


@contextmanager
def temporary_sqlite(folder: Path) -> Iterator[str]:
    path = folder / f"atlas-{uuid.uuid4().hex[:8]}.sqlite"
    try:
        yield f"sqlite:///{path}"
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def extraction_alone(files: list[Path], extractor: Any, batch_size: int) -> float:
    """Read and extract every file in batches, as ingest does, keeping nothing; seconds."""
    from jumelage.ingest import extract_batch
    from jumelage.read import read_document

    def run() -> None:
        for at in range(0, len(files), batch_size):
            docs = [read_document(p) for p in files[at:at + batch_size]]
            extract_batch(docs, extractor)

    return timed("read + extract (no store)", len(files), run)


def bench_ingest(url: str, files: list[Path], extractor: Any, batch_size: int,
                 extraction: float, writer: bool | None, label: str) -> dict[str, Any]:
    from jumelage.atlas import Atlas
    from jumelage.ingest import ingest

    n = len(files)
    with Atlas.open(url) as atlas:
        reports: list[Any] = []
        seconds = timed(label, n, lambda: reports.append(ingest(
            files, atlas, extractor=extractor, progress=False, batch_size=batch_size,
            writer=writer)))
        timed("re-ingest (all unchanged)", n, lambda: ingest(
            files, atlas, extractor=extractor, progress=False, batch_size=batch_size,
            writer=writer))
        totals = atlas.summary()
    report = reports[0]
    overhead = (seconds - extraction) / extraction
    print(f"  documents: {report.counts()}")
    print(f"  atlas: { {k: v for k, v in totals.items() if k != 'review'} }")
    how = "writer process" if report.writer else "in the main process"
    print(f"  store overhead ({how}): {overhead:+.1%} of extraction time (target ≤ 15%)")
    return {"overhead": overhead, "writer_kb": report.writer_peak_kb}


def bench_backend(title: str, url_of: Callable[[], Any], files: list[Path], extractor: Any,
                  batch_size: int, in_process: bool) -> list[dict[str, Any]]:
    print(f"{title}:")
    extraction = extraction_alone(files, extractor, batch_size)
    results = []
    with url_of() as url:
        results.append(bench_ingest(url, files, extractor, batch_size, extraction, None,
                                    "ingest (read + extract + store)"))
    if in_process:
        extraction = extraction_alone(files, extractor, batch_size)
        with url_of() as url:
            results.append(bench_ingest(url, files, extractor, batch_size, extraction, False,
                                        "ingest, store in-process"))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=500, help="number of documents")
    parser.add_argument("--pg", default=os.environ.get("JUMELAGE_TEST_POSTGRES_URL"),
                        help="PostgreSQL server URL (postgresql+psycopg://...); a temporary "
                             "database is created on it")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--in-process", action="store_true",
                        help="also measure an ingest that stores in the main process")
    args = parser.parse_args()

    from jumelage.extract import Extractor
    from jumelage.read import read_document

    with tempfile.TemporaryDirectory(prefix="jumelage-bench-") as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        files = make_copies(args.n, folder)
        words = sum(len(p.read_text(encoding="utf-8").split()) for p in files)
        print(f"{args.n} documents ({words} words) from {SAMPLES}, batches of {args.batch_size}")

        extractor = Extractor()
        start = time.perf_counter()
        for sample in sample_files():  # loads the model, warms every code path: in no figure
            extractor.extract(read_document(sample))
        print(f"model load + warm-up: {time.perf_counter() - start:.2f} s\n")

        results = bench_backend("SQLite (temporary file)",
                                lambda: temporary_sqlite(Path(tmp)), files, extractor,
                                args.batch_size, args.in_process)
        if args.pg:
            results += bench_backend("PostgreSQL (temporary database)",
                                     lambda: temporary_postgres(args.pg), files, extractor,
                                     args.batch_size, args.in_process)
        else:
            print("PostgreSQL: skipped (give --pg URL or set JUMELAGE_TEST_POSTGRES_URL)")

    main_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    writers = [r["writer_kb"] for r in results if r["writer_kb"]]
    print(f"\npeak memory: main process {main_mb:.0f} MB", end="")
    print(f", writer process {max(writers) / 1024:.0f} MB" if writers else "")


if __name__ == "__main__":
    sys.exit(main())
