"""Long-text benchmark: time and peak memory of reading and extracting one generated text.

usage: python benchmarks/long_text.py [--sizes 100K,1M,10M] [--ingest]

For each size a French text of that many characters is generated (paragraphs about twinnings,
visits, projects and local measures, with varied towns and years, so the extractor has real work
on every paragraph), written to a `.txt` file, read with `read_document` and extracted with the
whole pipeline (`--ingest`: also stored in a fresh SQLite atlas). Each size runs in a child
process of its own, so the peak resident memory printed is that run's alone. Figures are
printed, never asserted; issue 9's target is 10 MB in under 2 minutes below 1.5 GB.
"""
from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
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


def run_one(size: int, ingest: bool) -> None:
    """Generate, read and extract one text in this process; print one line of figures."""
    from jumelage.extract.pipeline import Extractor
    from jumelage.read import read_document

    extractor = Extractor()
    extractor.nlp  # the model loads before the clock starts
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"long-{size}.txt"
        path.write_text(generate(size), encoding="utf-8")
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
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{size / 1e6:6.1f} MB text ({len(doc.text):>9} chars): {extracted:7.1f} s, "
          f"peak {peak_mb:6.0f} MB{stored}; {len(ext.places)} places, "
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
    print("long texts: read + extract (model loaded before timing), peak RSS of the run")
    for size in (parse_size(s) for s in args.sizes.split(",")):
        cmd = [sys.executable, __file__, "--one", str(size)] + (["--ingest"] if args.ingest
                                                                 else [])
        subprocess.run(cmd, check=False)


if __name__ == "__main__":
    main()
