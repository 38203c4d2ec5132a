"""Long-text benchmark: time and peak memory of reading and extracting one generated text.

usage: python benchmarks/long_text.py [--sizes 100K,1M,10M] [--ingest]

For each size a French text of that many characters is generated (paragraphs about twinnings,
visits, projects and local measures, with varied towns and years, so the extractor has real work
on every paragraph), written to a `.txt` file, read with `read_document` and extracted with the
whole pipeline (`--ingest`: also stored in a fresh SQLite atlas). Each size runs in a child
process of its own. Printed for each: wall-clock time; CPU time (user + system) of the run and
of the worker processes it forked; the peak, sampled every 0.2 s, of the resident memory of
the run and its workers added up (RSS, which counts the model's pages the workers share with
the run once per process) and of their proportional set size (PSS, which counts shared pages
once in all); the load average of the machine at the end. Figures are printed, never asserted;
issue 9's target is 10 MB in under 2 minutes below 1.5 GB.
"""
from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

TOWNS = ["Padoue", "Séville", "Cracovie", "Ouagadougou", "Banfora", "Nouna", "Mahlberg",
         "Maglie", "Tübingen", "Porto", "Liège", "Sherbrooke", "Bamako", "Kaolack", "Hué",
         "Oxford", "Gdansk", "Coimbra", "Tartu", "Esslingen"]
OWNERS = ["Grenoble", "Rennes", "Chauvigny", "Rumilly", "Malaucène", "Saint-Priest", "Lyon",
          "Nantes", "Poitiers", "Angers"]
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "septembre",
          "octobre", "novembre", "décembre"]
TEMPLATES = [
    "La ville de {o} est jumelée avec {t} depuis {y}. Le comité de jumelage organise chaque "
    "année des échanges scolaires entre les collèges des deux villes.",
    "En {m} {y}, une délégation de {o} s'est rendue à {t} pour signer une convention de "
    "coopération décentralisée sur l'eau et l'assainissement, d'un montant de {n} 000 euros.",
    "Le {d} {m} {y}, les élus de {o} ont accueilli leurs homologues de {t} pour un séminaire "
    "consacré à la transition énergétique et à la gestion des déchets.",
    "Pendant la crise sanitaire de {y}, {o} a envoyé des masques et du matériel médical à sa "
    "ville partenaire {t}, avec l'aide de l'association Solidarité Sans Frontières.",
    "Depuis {y}, {o} a mis en place un plan local de végétalisation des cours d'école, une "
    "initiative saluée lors des rencontres nationales de la coopération internationale.",
    "Le conseil municipal de {o} a approuvé en {m} {y} le renouvellement du partenariat avec "
    "{t} et une subvention de {n} 000 euros au comité de jumelage.",
]


def generate(size: int, seed: int = 9) -> str:
    """A French text of about `size` characters, in paragraphs, with a heading now and then."""
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    n = 0
    while total < size:
        if n % 12 == 0:
            para = f"Chapitre {n // 12 + 1} : nos partenariats"
        else:
            para = rng.choice(TEMPLATES).format(
                o=rng.choice(OWNERS), t=rng.choice(TOWNS), y=rng.randint(1960, 2024),
                m=rng.choice(MONTHS), d=rng.randint(1, 28), n=rng.randint(2, 90))
        parts.append(para)
        total += len(para) + 2
        n += 1
    return "\n\n".join(parts)[:size]


def parse_size(text: str) -> int:
    text = text.strip().upper()
    unit = {"K": 1000, "M": 1000_000}.get(text[-1], 1)
    return int(float(text[:-1] if unit > 1 else text) * unit)


def _tree() -> list[int]:
    """This process and its children, grandchildren… (from /proc)."""
    pids, k = [os.getpid()], 0
    while k < len(pids):
        try:
            for task in os.listdir(f"/proc/{pids[k]}/task"):
                with open(f"/proc/{pids[k]}/task/{task}/children") as f:
                    pids += [int(p) for p in f.read().split()]
        except OSError:
            pass
        k += 1
    return pids


def _memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in KiB, (0, 0) when it is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            fields = dict(line.split()[:2] for line in f if line.split()[0] in ("Rss:", "Pss:"))
        return int(fields["Rss:"]), int(fields["Pss:"])
    except (OSError, KeyError, ValueError):
        return 0, 0


class Peak(threading.Thread):
    """Samples the memory of this process and its workers, added up, every `every` seconds."""

    def __init__(self, every: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.every, self.rss, self.pss, self.processes = every, 0, 0, 1
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            pids = _tree()
            rss, pss = map(sum, zip(*(_memory_kb(p) for p in pids)))
            self.rss, self.pss = max(self.rss, rss), max(self.pss, pss)
            self.processes = max(self.processes, len(pids))
            self.done.wait(self.every)

    def stop(self) -> None:
        self.done.set()
        self.join()


def run_one(size: int, ingest: bool) -> None:
    """Generate, read and extract one text in this process; print one line of figures."""
    from jumelage.extract.pipeline import Extractor
    from jumelage.read import read_document

    extractor = Extractor()
    extractor.nlp  # the model loads before the clock starts
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"long-{size}.txt"
        path.write_text(generate(size), encoding="utf-8")
        peak = Peak()
        peak.start()
        before = os.times()
        started = time.perf_counter()
        doc = read_document(path)
        ext = extractor.extract(doc)
        extracted = time.perf_counter() - started
        stored = ""
        if ingest:
            from jumelage.atlas import Atlas

            with Atlas.open(f"sqlite:///{tmp}/atlas.sqlite") as atlas:
                atlas.save_extraction(doc, ext)
                stored = f"  with storing {time.perf_counter() - started:7.1f} s"
        after = os.times()
        peak.stop()
    cpu = (after.user + after.system - before.user - before.system)
    workers = (after.children_user + after.children_system
               - before.children_user - before.children_system)
    print(f"{size / 1e6:6.1f} MB text ({len(doc.text):>9} chars): {extracted:7.1f} s wall, "
          f"CPU {cpu + workers:6.1f} s ({workers:.1f} s in workers), {peak.processes} "
          f"process(es) peak RSS {peak.rss / 1024:5.0f} MB PSS {peak.pss / 1024:5.0f} MB, "
          f"load {os.getloadavg()[0]:.1f}{stored}; {len(ext.places)} places, "
          f"{len(ext.partnerships)} partnerships, {len(ext.actions)} actions, "
          f"{len(ext.initiatives)} initiatives", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100K,1M,10M")
    parser.add_argument("--ingest", action="store_true", help="also store in a SQLite atlas")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # the child's own run
    args = parser.parse_args()
    if args.one is not None:
        run_one(args.one, args.ingest)
        return
    print("long texts: read + extract (model loaded before timing); memory of the run and its "
          f"workers added up; {os.cpu_count()} CPUs")
    for size in (parse_size(s) for s in args.sizes.split(",")):
        cmd = [sys.executable, __file__, "--one", str(size)] + (["--ingest"] if args.ingest
                                                                 else [])
        subprocess.run(cmd, check=False)


if __name__ == "__main__":
    main()
