"""Load on the web atlas from a second process: `python benchmarks/web.py [--pg [URL]]`.

Builds the synthetic atlas of `benchmarks/atlas_read.py` (default 20,000 places, 25,000
partnerships, 100,000 actions, 5,000 initiatives, 2,000 sources; its benchmark-only bulk load) in
a temporary SQLite file, and in a temporary PostgreSQL database when `--pg URL` or
`JUMELAGE_TEST_POSTGRES_URL` is given; starts `jumelage serve` on a free loopback port in a
process of its own, then, from this process, sends bounded sequential load (httpx, one
connection, `--requests` per endpoint or `--seconds` each, whichever comes first) on:
home (`/`), a random place page, a random partnership page, a search page, a filtered
`/api/actions` page, `/api/search`, and prints requests per second and p50/p95 latency per
endpoint in milliseconds. A warm-up request precedes each endpoint (the first request of a
process pays for imports and caches). It asserts nothing.

Targets of issue 6: p95 <= 100 ms for place pages and search, <= 50 ms for a filtered
`/api/actions` page, <= 300 ms for home.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("atlas_read", ROOT / "benchmarks" / "atlas_read.py")
atlas_read = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(atlas_read)  # type: ignore[union-attr]

WORDS = ["écoles", "festival", "forage", "orchestre", "maraîchage", "handball"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(url: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "jumelage", "serve", "--db", url, "--port",
                             str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/home", timeout=5).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
        if proc.poll() is not None:
            raise SystemExit(f"the server stopped: {proc.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
    proc.terminate()
    raise SystemExit("the server did not answer within 120 s")


def _load(client: httpx.Client, label: str, make: Callable[[int], str], requests: int,
          seconds: float) -> None:
    client.get(make(0)).raise_for_status()  # warm-up
    times: list[float] = []
    started = time.perf_counter()
    for i in range(1, requests + 1):
        t0 = time.perf_counter()
        r = client.get(make(i))
        times.append((time.perf_counter() - t0) * 1000)
        if r.status_code != 200:
            raise SystemExit(f"{label}: {make(i)} -> {r.status_code} {r.text[:200]}")
        if time.perf_counter() - started > seconds:
            break
    elapsed = time.perf_counter() - started
    p50 = statistics.median(times)
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 20 else max(times)
    print(f"  {label:<28} {len(times):>4} req  {len(times) / elapsed:7.1f} req/s  "
          f"p50 {p50:7.1f} ms  p95 {p95:7.1f} ms")


def run(label: str, url: str, args: argparse.Namespace) -> None:
    print(f"{label}: {args.places} places, {args.partnerships} partnerships, {args.actions} "
          f"actions, {args.initiatives} initiatives, {args.sources} sources")
    start = time.perf_counter()
    atlas_read.build(url, args.places, args.partnerships, args.actions, args.initiatives,
                     args.sources)
    print(f"  built in {time.perf_counter() - start:.1f} s (benchmark-only bulk load)")
    proc, base = _serve(url)
    rng = random.Random(11)
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            n, s = args.requests, args.seconds
            _load(client, "home /", lambda i: "/", n, s)
            _load(client, "place page", lambda i: f"/places/{rng.randint(1, args.places)}", n, s)
            _load(client, "partnership page",
                  lambda i: f"/partnerships/{rng.randint(1, args.partnerships)}", n, s)
            _load(client, "search page", lambda i: f"/search?q={rng.choice(WORDS)}", n, s)
            _load(client, "/api/search", lambda i: f"/api/search?q={rng.choice(WORDS)}", n, s)
            _load(client, "/api/actions (filtered)",
                  lambda i: "/api/actions?theme=education&country="
                            f"{atlas_read.COUNTRIES[i % len(atlas_read.COUNTRIES)]}&limit=50", n, s)
            _load(client, "/api/places/{id}",
                  lambda i: f"/api/places/{rng.randint(1, args.places)}", n, s)
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--places", type=int, default=20_000)
    parser.add_argument("--partnerships", type=int, default=25_000)
    parser.add_argument("--actions", type=int, default=100_000)
    parser.add_argument("--initiatives", type=int, default=5_000)
    parser.add_argument("--sources", type=int, default=2_000)
    parser.add_argument("--requests", type=int, default=200, help="per endpoint (at most)")
    parser.add_argument("--seconds", type=float, default=20.0, help="per endpoint (at most)")
    parser.add_argument("--pg", nargs="?", const=os.environ.get("JUMELAGE_TEST_POSTGRES_URL"),
                        default=None, metavar="URL")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    pg = args.pg or os.environ.get("JUMELAGE_TEST_POSTGRES_URL")
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            run("SQLite", f"sqlite:///{tmp}/atlas.sqlite", args)
    if pg:
        with atlas_read.postgres_database(pg) as url:
            run("PostgreSQL", url, args)


if __name__ == "__main__":
    main()
