"""Build the gazetteer index from scratch into a temporary folder and print what it costs.

    .venv/bin/python benchmarks/gazetteer_build.py

Prints the build time, the index file size, the counts (GeoNames cities, regions, French
places added from INSEE's Code officiel géographique, names), the peak memory of the build, and
the time of a few thousand resolutions on the fresh index.
"""
from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path

from jumelage.gazetteer import Gazetteer
from jumelage.gazetteer.index import build, default_path

PROBES = ["Les Herbiers", "Le Mans", "Évry-Courcouronnes", "Tchernigov", "Weil a. Rh.",
          "Neustadt/Weinstr.", "Friedberg", "Rennes Métropole", "Département de la Creuse",
          "Région Bretagne", "Padoue", "Ndiob", "Halle", "Bourgoin-Jallieu", "Mairie"]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / default_path().name
        stats = build(path)
        size_mb = path.stat().st_size / 1e6
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"index {path.name}")
        print(f"build time      {stats['seconds']:.1f} s")
        print(f"index size      {size_mb:.1f} MB")
        print(f"peak memory     {peak_mb:.0f} MB (whole process)")
        print("counts          " + ", ".join(f"{k} {v}" for k, v in stats.items() if k != "seconds"))
        gz = Gazetteer(path)
        started = time.perf_counter()
        rounds = 200
        for i in range(rounds):
            for name in PROBES:
                gz._resolve_cached.cache_clear() if i % 50 == 0 else None
                gz.resolve(name)
        elapsed = time.perf_counter() - started
        print(f"resolve         {rounds * len(PROBES)} calls in {elapsed:.2f} s (cache cleared every 50 rounds)")
        gz.close()


if __name__ == "__main__":
    main()
