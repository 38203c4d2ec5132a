"""A `jumelage import-pairs` process killed with SIGKILL mid-run leaves a consistent atlas, and
the next run finishes the job: it skips every row already saved and ends where an uninterrupted
run ends."""
from __future__ import annotations

import csv
import itertools
import os
import subprocess
import sys
from pathlib import Path

from jumelage.atlas import Atlas
from jumelage.pairs import import_pairs
from test_ingest_kill import assert_sqlite_whole, kill_when_saved

# cities (name, ISO country, lat, lon): every pair of the first `USED` is a row (990 rows)
CITIES = [
    ("Paris", "FR", 48.85, 2.35), ("Lyon", "FR", 45.75, 4.85), ("Marseille", "FR", 43.3, 5.38),
    ("Toulouse", "FR", 43.6, 1.44), ("Nantes", "FR", 47.22, -1.55), ("Lille", "FR", 50.63, 3.06),
    ("Rennes", "FR", 48.11, -1.67), ("Reims", "FR", 49.27, 4.03), ("Angers", "FR", 47.47, -0.55),
    ("Dijon", "FR", 47.31, 5.01), ("Berlin", "DE", 52.52, 13.41), ("Hamburg", "DE", 53.55, 9.99),
    ("Munich", "DE", 48.14, 11.58), ("Cologne", "DE", 50.93, 6.95), ("Dresden", "DE", 51.05, 13.74),
    ("Leipzig", "DE", 51.34, 12.37), ("Bremen", "DE", 53.08, 8.81), ("Hanover", "DE", 52.37, 9.73),
    ("Mainz", "DE", 49.98, 8.28), ("Kassel", "DE", 51.32, 9.5), ("Rome", "IT", 41.89, 12.51),
    ("Milan", "IT", 45.46, 9.19), ("Naples", "IT", 40.85, 14.27), ("Turin", "IT", 45.07, 7.69),
    ("Florence", "IT", 43.78, 11.25), ("Bologna", "IT", 44.49, 11.34), ("Genoa", "IT", 44.4, 8.94),
    ("Verona", "IT", 45.44, 10.99), ("Padua", "IT", 45.41, 11.89), ("Trieste", "IT", 45.65, 13.78),
    ("Madrid", "ES", 40.42, -3.7), ("Barcelona", "ES", 41.39, 2.16), ("Valencia", "ES", 39.47, -0.38),
    ("Seville", "ES", 37.38, -5.97), ("Bilbao", "ES", 43.26, -2.93), ("Malaga", "ES", 36.72, -4.42),
    ("Zaragoza", "ES", 41.66, -0.88), ("Murcia", "ES", 37.99, -1.13), ("Granada", "ES", 37.19, -3.61),
    ("Toledo", "ES", 39.86, -4.02), ("Krakow", "PL", 50.06, 19.94), ("Warsaw", "PL", 52.23, 21.01),
    ("Gdansk", "PL", 54.35, 18.65), ("Poznan", "PL", 52.41, 16.93), ("Lublin", "PL", 51.25, 22.57),
    ("Lviv", "UA", 49.84, 24.02), ("Kharkiv", "UA", 49.98, 36.25), ("Odesa", "UA", 46.49, 30.74),
    ("Dnipro", "UA", 48.47, 35.04), ("Poltava", "UA", 49.59, 34.55), ("Porto", "PT", 41.15, -8.61),
    ("Lisbon", "PT", 38.73, -9.15), ("Braga", "PT", 41.55, -8.42), ("Coimbra", "PT", 40.21, -8.42),
    ("Faro", "PT", 37.02, -7.93), ("Leeds", "GB", 53.8, -1.55), ("Bristol", "GB", 51.46, -2.6),
    ("York", "GB", 53.96, -1.08), ("Bath", "GB", 51.38, -2.36), ("Oxford", "GB", 51.75, -1.26),
]
USED = 45
BATCH = 25
KILL_AFTER = 150      # saved rows


def write_big_list(path: Path) -> int:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["city_a", "country_a_iso2", "lat_a", "lng_a",
                         "city_b", "country_b_iso2", "lat_b", "lng_b"])
        rows = [[*a, *b] for a, b in itertools.combinations(CITIES[:USED], 2)]
        writer.writerows(rows)
    return len(rows)


def test_kill_9_mid_import_then_resume(atlas_url, tmp_path):
    total = write_big_list(tmp_path / "pairs.csv")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("JUMELAGE_DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "jumelage", "import-pairs", str(tmp_path / "pairs.csv"),
         "--db", atlas_url, "--batch-size", str(BATCH)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp_path,
        start_new_session=True)
    kill_when_saved(proc, atlas_url, KILL_AFTER)
    assert_sqlite_whole(atlas_url)
    with Atlas.open(atlas_url) as atlas:
        saved = atlas.summary()["sources"]
        assert KILL_AFTER <= saved < total, "the kill should land mid-run"
        assert saved % BATCH == 0  # whole batches only: each one is a transaction
        # every saved row came with its partnership and both its places
        assert atlas.summary()["partnerships"] == saved
        report = import_pairs(tmp_path / "pairs.csv", atlas, progress=False, batch_size=BATCH)
        assert (report.unchanged, report.new, report.skipped) == (saved, total - saved, 0)
        resumed = atlas.summary()
        partners = sorted((p["name"], p["partner_count"]) for p in atlas.places(limit=500)["items"])

    with Atlas.open(f"sqlite:///{tmp_path / 'reference.sqlite'}") as reference:
        import_pairs(tmp_path / "pairs.csv", reference, progress=False)
        assert resumed == reference.summary()
        assert partners == sorted((p["name"], p["partner_count"])
                                  for p in reference.places(limit=500)["items"])
    assert resumed["places"] == USED and resumed["partnerships"] == total
