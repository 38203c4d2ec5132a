"""The cost of the atlas reads the web pages make: `python benchmarks/atlas_read.py [--pg [URL]]`.

Builds a synthetic atlas (default 20,000 places, 25,000 partnerships, 100,000 actions of two places
each, 5,000 initiatives, 2,000 sources whose text holds every evidence quote, one evidence row per
record) in a temporary SQLite file, and in a temporary PostgreSQL database when `--pg URL` or
`JUMELAGE_TEST_POSTGRES_URL` is given, then times, with a fixed random seed:
- `place_detail(id)` of random places;
- `find_place("Ville00042")` (an exact name) and `find_place` of a typo (fuzzy fallback);
- a filtered actions page: `actions(Filters(theme, country), limit=50)` and its second page;
- `actions(Filters(place=id))` and a `partnerships` page filtered by country;
- `search(word)` with facets, and with a filter (`record="action"`);
and prints p50/p95 per call in milliseconds. `--before` also times the code of commit 312b4f5, before
this change, (the same calls where they exist: `place_detail`, `find_place`, and `actions()` once,
unpaginated) on the same database. It asserts nothing.

BENCHMARK-ONLY BULK LOAD: the rows are inserted straight into the tables (SQLAlchemy Core,
executemany), not through `Atlas.save_extraction`, which would take hours for 100,000 actions; the
search index is then built by `search.rebuild`, the function migrations and imports use. The
shapes are those the save path writes (ordered pairs, evidence spans into the source text), but
nothing here checks merging; never load a real atlas this way.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import types
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from jumelage.atlas import Atlas, Filters  # noqa: E402
from jumelage.atlas import search as searching  # noqa: E402
from jumelage.atlas.models import (  # noqa: E402
    Action, ActionPlace, Evidence, Initiative, Partnership, PartnershipStatus, Place, PlaceName,
    Source,
)
from jumelage.records import THEMES  # noqa: E402

COUNTRIES = ["FR", "DE", "IT", "ES", "PL", "RO", "ML", "SN", "BF", "MA", "TN", "GB", "PT", "BE",
             "UA", "MG", "HT", "VN", "CM", "BJ"]
TOPICS = ["écoles", "festival", "jeunesse", "hôpital", "l'eau potable", "agriculture", "musique",
          "sport", "théâtre", "bibliothèque", "santé", "forage", "maraîchage", "lycéens",
          "orchestre", "handball", "université", "maternité", "dispensaire", "cantine",
          "reboisement", "énergie solaire", "artisanat", "tourisme", "numérique", "médiathèque",
          "crèche", "formation", "apprentissage", "coopératives", "vélo", "pompiers",
          "ambulance", "jardins partagés", "chorale", "danse", "cinéma", "patrimoine",
          "archives", "football"]
STATUSES = ["done", "done", "done", "ongoing", "planned", "cancelled"]
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
BEFORE = "312b4f5"  # the read side before page-sized reads (what `--before` times)


def name(i: int) -> str:
    return f"Ville{i:05d}"


def build(url: str, n_places: int, n_ships: int, n_actions: int, n_inits: int,
          n_sources: int, seed: int = 7) -> None:
    """Fill the (freshly migrated) atlas at `url` with synthetic rows; see the module docstring."""
    rng = random.Random(seed)
    Atlas.open(url).close()  # creates the schema (migrations)
    eng = create_engine(url)
    stamp = {"created_at": NOW, "updated_at": NOW}
    places = [{"id": i, "geonames_id": 5_000_000 + i, "name": name(i),
               "country": COUNTRIES[i % len(COUNTRIES)], "lat": rng.uniform(-40, 60),
               "lon": rng.uniform(-20, 50), "kind": "city", "population": rng.randint(500, 10**6),
               "review_state": "extracted", **stamp} for i in range(1, n_places + 1)]
    names = [{"place_id": i, "name": name(i), "folded": name(i).lower()}
             for i in range(1, n_places + 1)]
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < n_ships:
        a, b = rng.sample(range(1, n_places + 1), 2)
        pairs.add((min(a, b), max(a, b)))
    pair_list = sorted(pairs)
    ships = [{"id": k, "place_a_id": a, "place_b_id": b,
              "kind": rng.choice(["twinning", "twinning", "cooperation", "partnership"]),
              "since": str(rng.randint(1950, 2024)), "status": "active",
              "review_state": "extracted", **stamp} for k, (a, b) in enumerate(pair_list, 1)]
    statuses = [{"id": s["id"], "partnership_id": s["id"], "status": "active",
                 "date": s["since"], "review_state": "extracted", "created_at": NOW}
                for s in ships]
    # sources: each holds the quotes of its records one after another
    texts: list[list[str]] = [[] for _ in range(n_sources)]
    lengths = [0] * n_sources
    evidence: list[dict[str, Any]] = []

    def quote_in(source: int, quote: str, **record: int) -> None:
        start = lengths[source]
        texts[source].append(quote)
        lengths[source] += len(quote) + 1
        row = dict.fromkeys(("place_id", "organisation_id", "partnership_id", "status_id",
                             "action_id", "initiative_id"))
        row.update(record)
        evidence.append({"source_id": source + 1, "span_start": start,
                         "span_end": start + len(quote), "quote": quote, "claim": None,
                         "created_at": NOW, **row})

    for s in ships:
        quote_in(rng.randrange(n_sources), f"{name(s['place_a_id'])} est jumelée avec "
                 f"{name(s['place_b_id'])} depuis {s['since']}.", partnership_id=s["id"])
    actions, action_places = [], []
    for k in range(1, n_actions + 1):
        if rng.random() < 0.8:
            a, b = rng.choice(pair_list)
        else:
            a, b = rng.sample(range(1, n_places + 1), 2)
        year = rng.randint(1990, 2025)
        start = str(year) if rng.random() < 0.5 else f"{year}-{rng.randint(1, 12):02d}"
        if rng.random() < 0.03:
            start = None
        themes = rng.sample(THEMES, rng.randint(1, 2))
        actions.append({"id": k, "start_date": start, "end_date": start,
                        "status": rng.choice(STATUSES), "themes": themes, "amounts": [],
                        "review_state": "extracted", **stamp})
        action_places += [{"action_id": k, "place_id": a, "role": "actor", "position": 0},
                          {"action_id": k, "place_id": b, "role": "partner", "position": 1}]
        t1, t2 = rng.sample(TOPICS, 2)
        quote_in(rng.randrange(n_sources), f"En {year}, {name(a)} et {name(b)} ont mené un projet "
                 f"autour de {t1} et de {t2}.", action_id=k)
    inits = []
    for k in range(1, n_inits + 1):
        p = rng.randint(1, n_places)
        inits.append({"id": k, "place_id": p, "themes": rng.sample(THEMES, 1),
                      "context": rng.choice([None, "covid-19", "war", "flood"]),
                      "start_date": str(rng.randint(2000, 2025)), "end_date": None,
                      "amounts": [], "review_state": "extracted", **stamp})
        quote_in(rng.randrange(n_sources), f"{name(p)} a ouvert une {rng.choice(TOPICS)} "
                 "solidaire pour ses habitants.", initiative_id=k)
    for i in range(1, n_places + 1, 4):   # every fourth place has its own evidence
        quote_in(rng.randrange(n_sources), f"La ville de {name(i)}.", place_id=i)
    sources = [{"id": i + 1, "name": f"synthetic/{i:05d}.txt", "content_hash": f"{i:064x}",
                "media_type": "text/plain", "text": "\n".join(texts[i]), "language": "fr",
                "date": f"{rng.randint(2015, 2025)}", "title": f"Bulletin municipal {i}",
                "path": None, "ingested_at": NOW, "updated_at": NOW} for i in range(n_sources)]
    with eng.begin() as conn:
        for model, rows in ((Source, sources), (Place, places), (PlaceName, names),
                            (Partnership, ships), (PartnershipStatus, statuses),
                            (Action, actions), (ActionPlace, action_places),
                            (Initiative, inits), (Evidence, evidence)):
            for at in range(0, len(rows), 5000):
                conn.execute(insert(model), rows[at:at + 5000])
        if conn.dialect.name == "postgresql":
            for table in ("sources", "places", "place_names", "partnerships",
                          "partnership_statuses", "actions", "initiatives", "evidence"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))
        start = time.perf_counter()
        searching.rebuild(conn)
        print(f"  search index built in {time.perf_counter() - start:.1f} s")
        conn.execute(text("ANALYZE"))
    eng.dispose()


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


def measure(label: str, runs: int, call: Callable[[int], object]) -> None:
    call(0)  # warm the caches once
    times = []
    for i in range(runs):
        start = time.perf_counter()
        call(i)
        times.append((time.perf_counter() - start) * 1000)
    p50, p95 = percentiles(times)
    print(f"  {label:<48} p50 {p50:9.1f} ms   p95 {p95:9.1f} ms   ({runs} runs)")


def after(atlas: Atlas, n_places: int, runs: int) -> None:
    rng = random.Random(11)
    ids = [rng.randint(1, n_places) for _ in range(runs + 1)]
    measure("place_detail(id)", runs, lambda i: atlas.place_detail(ids[i]))
    measure("find_place(exact name)", runs, lambda i: atlas.find_place(name(ids[i])))
    measure("find_place(typo, fuzzy)", max(3, runs // 5),
            lambda i: atlas.find_place(name(ids[i]).replace("Ville", "Vile")))
    filt = [Filters(theme=THEMES[i % len(THEMES)], country=COUNTRIES[i % len(COUNTRIES)])
            for i in range(runs + 1)]
    measure("actions(theme+country), page 1 of 50", runs,
            lambda i: atlas.actions(filt[i], limit=50))
    nexts = [atlas.actions(f, limit=50)["next"] for f in filt]
    measure("actions(theme+country), page 2 of 50", runs,
            lambda i: atlas.actions(filt[i], after=nexts[i], limit=50))
    measure("actions(year 2010-2015, status done), page", runs,
            lambda i: atlas.actions(Filters(year_from=2010, year_to=2015, status="done"),
                                    limit=50))
    measure("actions(place=id), page", runs, lambda i: atlas.actions(Filters(place=ids[i])))
    measure("partnerships(country), page of 50", runs,
            lambda i: atlas.partnerships(Filters(country=COUNTRIES[i % len(COUNTRIES)])))
    measure("places(q=substring), page of 50", runs,
            lambda i: atlas.places(Filters(q=f"ville{ids[i] % 1000:03d}")))
    words = [TOPICS[i % len(TOPICS)].split()[-1] for i in range(runs + 1)]
    measure("search(word) + facets", runs, lambda i: atlas.search(words[i]))
    measure("search(word, record=action) + facets", runs,
            lambda i: atlas.search(words[i], Filters(record="action")))
    measure("search(two words) + facets", runs,
            lambda i: atlas.search(f"{words[i]} {words[i + 1] if i + 1 <= runs else words[0]}"))
    measure("search(word), no facets", runs, lambda i: atlas.search(words[i], facets=False))
    measure("search(place name) + facets", runs, lambda i: atlas.search(name(ids[i])))


def _main_code() -> tuple[Any, Any]:
    """The modules `queries` and `dormancy` as they were before this change (commit BEFORE)."""
    def module(path: str, name_: str, replace: dict[str, str] | None = None) -> Any:
        source = subprocess.run(["git", "-C", str(ROOT), "show", f"{BEFORE}:{path}"],
                                capture_output=True, text=True, check=True).stdout
        for old, new in (replace or {}).items():
            source = source.replace(old, new)
        mod = types.ModuleType(name_)
        sys.modules[name_] = mod
        exec(compile(source, f"{BEFORE}:{path}", "exec"), mod.__dict__)
        return mod
    dormancy = module("src/jumelage/atlas/dormancy.py", "before_dormancy",
                      {"jumelage.atlas.dates": "jumelage.partial_dates"})
    queries = module("src/jumelage/atlas/queries.py", "before_queries",
                     {"from jumelage.atlas.dormancy import dormant":
                      "from before_dormancy import dormant"})
    return queries, dormancy


def before(atlas: Atlas, n_places: int, runs: int) -> None:
    queries, _ = _main_code()
    runs = min(runs, 10)  # seconds per call: ten are enough
    rng = random.Random(11)
    ids = [rng.randint(1, n_places) for _ in range(runs + 1)]
    measure("BEFORE place_detail(id)", runs,
            lambda i: atlas.read(queries.place_detail, ids[i]))
    measure("BEFORE find_place(exact name)", runs,
            lambda i: atlas.read(queries.find_place, name(ids[i])))
    start = time.perf_counter()
    rows = atlas.read(queries.actions)
    print(f"  {'BEFORE actions() (all, once)':<48} {time.perf_counter() - start:9.2f} s "
          f"for {len(rows)} actions")


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    server = make_url(server_url)
    if server.drivername in ("postgresql", "postgres"):
        server = server.set(drivername="postgresql+psycopg")
    db = f"jumelage_read_bench_{uuid.uuid4().hex[:10]}"  # not the ingest benchmark's prefix
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{db}"'))
    try:
        yield server.set(database=db).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
        admin.dispose()


def run(label: str, url: str, args: argparse.Namespace, built: bool = False) -> None:
    print(f"{label}: {args.places} places, {args.partnerships} partnerships, "
          f"{args.actions} actions, {args.initiatives} initiatives, {args.sources} sources")
    if not built:
        start = time.perf_counter()
        build(url, args.places, args.partnerships, args.actions, args.initiatives, args.sources)
        print(f"  built in {time.perf_counter() - start:.1f} s (benchmark-only bulk load)")
    with Atlas.open(url) as atlas:
        if args.before:
            before(atlas, args.places, args.runs)
        after(atlas, args.places, args.runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--places", type=int, default=20_000)
    parser.add_argument("--partnerships", type=int, default=25_000)
    parser.add_argument("--actions", type=int, default=100_000)
    parser.add_argument("--initiatives", type=int, default=5_000)
    parser.add_argument("--sources", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=40, help="timed calls per measure")
    parser.add_argument("--before", action="store_true",
                        help="also time main's code (place_detail, find_place, actions())")
    parser.add_argument("--pg", nargs="?", const=os.environ.get("JUMELAGE_TEST_POSTGRES_URL"),
                        default=None, metavar="URL",
                        help="also on PostgreSQL (default URL: JUMELAGE_TEST_POSTGRES_URL)")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--existing", metavar="URL",
                        help="only measure, on an atlas this script built before (kept)")
    args = parser.parse_args()
    if args.existing:
        run("existing atlas", args.existing, args, built=True)
        return
    pg = args.pg or os.environ.get("JUMELAGE_TEST_POSTGRES_URL")
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            run("SQLite", f"sqlite:///{tmp}/atlas.sqlite", args)
    if pg:
        with postgres_database(pg) as url:
            run("PostgreSQL", url, args)


if __name__ == "__main__":
    main()
