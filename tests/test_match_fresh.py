"""Faults a fresh user found in `import-pairs` and `match`, each tested as a kind on lists,
graphs and atlases written here: a cell naming one place two ways, a far homonym, districts,
an unknown country, a theme only the asking place works on, bad filter values, French
prepositions and place names in reasons, and distance never the only reason."""
from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from test_match import _town_graph, atlas_of

from jumelage.atlas import Atlas
from jumelage.cli import app
from jumelage.gazetteer import get_gazetteer
from jumelage.match import BadFilter, Edge, Graph, Matcher, PlaceFacts, check_filters, propose
from jumelage.match.explain import (FAMILIES, Named, _say, fr_place_name, fr_with, reasons)
from jumelage.match.matcher import parse_population
from jumelage.pairs import CityResolver, import_pairs
from jumelage.pairs.resolve import MAX_KM, admin_unit

P = PlaceFacts
HEADER = ["city_a", "country_a", "country_a_iso2", "lat_a", "lng_a",
          "city_b", "country_b", "country_b_iso2", "lat_b", "lng_b"]
KOPTEVO, INNERE_STADT, BONN, FUZHOU = 545078, 2775260, 2946447, 8309983


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("JUMELAGE_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def resolver() -> CityResolver:
    return CityResolver(get_gazetteer())


def write_list(path: Path, rows: list[list[object]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def gid(found) -> int | None:
    return found.match.geonames_id if found.match is not None else None


# -- 1. a cell that names one place two ways resolves to one place ---------------------------------
def test_a_place_and_its_container_resolve_to_the_place(resolver: CityResolver) -> None:
    # the qualifier names the city, which GeoNames does not file Koptevo under as a region:
    # the place is still found, at the list's coordinates
    koptevo = resolver.resolve("Koptevo (Moscow)", "RU", (55.83, 37.52))
    assert gid(koptevo) == KOPTEVO and koptevo.distance_km < 5
    # « City N – Name »: two names of one district
    assert gid(resolver.resolve("Vienna 1 – Innere Stadt", "AT", (48.21, 16.37))) == INNERE_STADT
    assert gid(resolver.resolve("Bonn – Bonn", "DE", (50.73, 7.10))) == BONN
    # never the container itself, though GeoNames gives Fuzhou the other name Gulou too
    gulou = resolver.resolve("Gulou (Fuzhou)", "CN", (26.08, 119.30))
    assert gid(gulou) != FUZHOU and gulou.match is None and "part of Fuzhou" in gulou.reason
    assert gulou.kind == "district"


# -- 2. a homonym far from the list's coordinates is refused --------------------------------------
def test_a_far_homonym_is_refused_unless_vouched_for(resolver: CityResolver) -> None:
    # the only Kartal of the gazetteer lies far from Kartal, Istanbul, where the list puts it
    kartal = resolver.resolve("Kartal", "TR", (40.89, 29.19))
    assert kartal.match is None and kartal.distance_km > MAX_KM
    assert "more than 100 km: a homonym" in kartal.reason
    # a qualifier naming a town does not vouch for a far homonym: the near Achim is taken
    achim = resolver.resolve("Achim (Börßum)", "DE", (52.05, 10.60))
    assert achim.match is not None and achim.distance_km < 10
    # nor does one the gazetteer cannot read: the Doksy at the coordinates, not the larger one;
    # a unit word inside the qualifier does not make the town a unit
    assert admin_unit("Doksy (Kladno District)") is None
    assert admin_unit("Higashichikuma District") == ("unit", "district", "Higashichikuma")
    doksy = resolver.resolve("Doksy (Kladno District)", "CZ", (50.1186, 14.0461))
    assert doksy.match is not None and doksy.distance_km < 1
    # a qualifier naming the region does (lists sometimes give homonyms one point)
    bavaria = resolver.resolve("Friedberg, Bavaria", "DE", (50.34, 8.75))
    assert bavaria.match is not None and bavaria.match.admin1 == "02"
    assert "qualifier" in bavaria.doubt
    # coordinates in the region that bears the town's name are the region's: the town is meant
    amapa = resolver.resolve("Amapá", "BR", (0.90, -52.00))
    assert amapa.match is not None and amapa.match.kind == "city"
    assert amapa.distance_km > MAX_KM and "region of the same name" in amapa.doubt
    # the only town of a name, and a big one, is the one meant however far the list put it
    big = resolver.resolve("Overland Park", "US", (37.0, -100.0))
    assert big.match is not None and big.distance_km > MAX_KM and "wrong" in big.doubt
    # coordinates in another country say nothing of which place is meant
    ipswich = resolver.resolve("Ipswich", "AU", (52.06, 1.15))
    assert ipswich.match is not None and ipswich.match.country == "AU"
    assert "GB" in ipswich.doubt


def test_a_refused_homonym_is_reported_and_stored_as_listed(tmp_path, atlas_url: str) -> None:
    path = write_list(tmp_path / "twins.csv", [
        ["Cholet", "France", "FR", 47.06, -0.88, "Kartal", "Turkey", "TR", 40.89, 29.19]])
    with Atlas.open(atlas_url) as atlas:
        report = import_pairs(path, atlas, report=tmp_path / "r.csv", progress=False)
        [problem] = report.problems
        assert problem.outcome == "unresolved" and "a homonym" in problem.reason
        kartal = atlas.find_place("Kartal")
        assert kartal["geonames_id"] is None
        assert (round(kartal["lat"], 2), round(kartal["lon"], 2)) == (40.89, 29.19)


# -- 3. districts and administrative units get the place kind "district" -------------------------
def test_districts_and_units_are_stored_as_districts(tmp_path, atlas_url: str) -> None:
    path = write_list(tmp_path / "twins.csv", [
        ["Cholet", "France", "FR", 47.06, -0.88, "Kętrzyn (rural gmina)", "Poland", "PL",
         54.08, 21.38],
        ["Cholet", "France", "FR", 47.06, -0.88, "Berlin – Mitte", "Germany", "DE", 52.52, 13.40],
        ["Cholet", "France", "FR", 47.06, -0.88, "Stari Grad (Sarajevo)", "Bosnia", "BA",
         43.86, 18.43],
        ["Cholet", "France", "FR", 47.06, -0.88, "Budapest I – Budavár", "Hungary", "HU",
         47.50, 19.03],
        ["Cholet", "France", "FR", 47.06, -0.88, "Hameln", "Germany", "DE", 52.10, 9.36],
    ])
    with Atlas.open(atlas_url) as atlas:
        report = import_pairs(path, atlas, report=tmp_path / "r.csv", progress=False)
        assert report.new == 5
        kinds = {p["name"]: p["kind"] for p in atlas.places(limit=50)["items"]}
        assert kinds["Cholet"] == kinds["Hameln"] == "city"
        assert kinds["Kętrzyn (rural gmina)"] == kinds["Mitte"] == "district"
        assert kinds["Stari Grad (Sarajevo)"] == kinds["Budapest I – Budavár"] == "district"
        again = import_pairs(path, atlas, report=tmp_path / "r2.csv", progress=False)
        assert (again.new, again.updated, again.unchanged) == (0, 0, 5)


# -- 4. a row whose country is unknown is reported skipped, never dropped -------------------------
def test_an_unknown_country_is_reported_skipped(tmp_path, atlas_url: str) -> None:
    path = write_list(tmp_path / "twins.csv", [
        ["Cholet", "France", "FR", 47.06, -0.88, "Hameln", "Germany", "DE", 52.10, 9.36],
        ["Kyrenia", "Northern Cyprus", "", 35.34, 33.32, "Cholet", "France", "FR", 47.06, -0.88],
        ["Cholet", "France", "FR", 47.06, -0.88, "Atlantis", "", "ZZ", 10.0, 10.0],
        ["Cholet", "France", "FR", 47.06, -0.88, "Nowhere", "", "", 10.0, 10.0],
    ])
    with Atlas.open(atlas_url) as atlas:
        report = import_pairs(path, atlas, report=tmp_path / "r.csv", progress=False)
        assert (report.rows, report.new, report.skipped) == (4, 1, 3)
        assert [(p.row, p.outcome) for p in report.problems] == [
            (3, "skipped"), (4, "skipped"), (5, "skipped")]
        reasons_ = [p.reason for p in report.problems]
        assert "unknown country 'Northern Cyprus'" in reasons_[0]
        assert "unknown country 'ZZ'" in reasons_[1]
        assert "no country given" in reasons_[2]
        assert all(p["country"] for p in atlas.places()["items"])
    with open(tmp_path / "r.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["outcome"] for r in rows] == ["skipped"] * 3


# -- 5. a theme only the asking place works on: an empty list and a note ---------------------------
PLACES = [P(1, "Voiron", "FR", 45.36, 5.59, 20000, themes={"water_sanitation": 2}),
          P(2, "Gap", "FR", 44.56, 6.08, 17000, themes={"culture": 1}),
          P(3, "Lutsk", "UA", 50.75, 25.34, 215000),
          P(4, "Odessa", "UA", 46.48, 30.72, 1000000),
          P(5, "Le Havre", "FR", 49.49, 0.11, 170000)]
EDGES = [Edge(2, 3), Edge(4, 5), Edge(2, 4)]


def test_a_theme_only_the_asking_place_works_on_gives_a_note() -> None:
    result = propose(Matcher(Graph(PLACES, EDGES)), "Voiron", theme="water_sanitation")
    assert result.proposals == []
    [note] = result.notes
    assert note.fr == "aucun autre lieu ne travaille sur l'eau"
    assert note.en == "no other place works on water"
    assert json.loads(json.dumps(result.to_dict()))["notes"][0]["en"] == note.en
    # asked by a place that has it too, a theme others work on gives proposals, no note
    other = propose(Matcher(Graph(PLACES, EDGES)), "Gap", theme="water_sanitation")
    assert [p.place.name for p in other.proposals] == ["Voiron"] and other.notes == []


@pytest.fixture()
def small_atlas(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'atlas.sqlite'}"
    with Atlas.open(url) as atlas:
        ids = atlas_of(atlas, PLACES, EDGES)
        atlas.add_manual("initiative", {"place": ids[1], "themes": ["water_sanitation"]})
    return url


def test_the_command_line_prints_the_note_and_exits_0(small_atlas: str) -> None:
    result = CliRunner().invoke(app, ["match", "Voiron", "--theme", "water_sanitation",
                                      "--db", small_atlas])
    assert result.exit_code == 0, result.output
    assert "aucun autre lieu ne travaille sur l'eau" in result.output
    assert "no place matches" not in result.output
    english = CliRunner().invoke(app, ["match", "Voiron", "--theme", "water_sanitation",
                                       "--lang", "en", "--db", small_atlas])
    assert "no other place works on water" in english.output
    data = json.loads(CliRunner().invoke(app, [
        "match", "Voiron", "--theme", "water_sanitation", "--json", "--db", small_atlas]).stdout)
    assert data["proposals"] == [] and data["notes"][0]["fr"].startswith("aucun autre lieu")


def test_the_web_gives_and_shows_the_note(small_atlas: str) -> None:
    from fastapi.testclient import TestClient

    from jumelage.web import Settings, create_app

    web = create_app(small_atlas, Settings(secret_key="test-secret"))
    with TestClient(web, raise_server_exceptions=False) as client:
        data = client.get("/api/match/Voiron?theme=water_sanitation").json()
        assert data["proposals"] == [] and data["notes"][0]["en"] == "no other place works on water"
        voiron = data["place"]["id"]
        twin = client.get(f"/api/places/{voiron}/partners?theme=water_sanitation").json()
        assert twin["notes"] == data["notes"]
        page = client.get(f"/places/{voiron}/partners?theme=water_sanitation").text
        assert "aucun autre lieu ne travaille sur l&#39;eau" in page
        assert client.get("/api/match/Voiron?country=XX").status_code == 422


# -- 6. bad filter values are usage errors ------------------------------------------------------
@pytest.mark.parametrize("args, words", [
    (["--country", "XX"], "country 'XX': not an ISO 3166-1 country code"),
    (["--country", "fr", "--country", "QQ"], "country 'QQ'"),
    (["--population=-5:100"], "inhabitants cannot be negative"),
    (["--population=:-1"], "inhabitants cannot be negative"),
    (["--population", "900:100"], "is empty (MIN is above MAX)"),
])
def test_a_bad_country_or_population_is_a_usage_error(small_atlas: str, args, words) -> None:
    result = CliRunner().invoke(app, ["match", "Voiron", *args, "--db", small_atlas])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0]


def test_the_library_checks_the_same() -> None:
    with pytest.raises(BadFilter, match="not an ISO 3166-1"):
        check_filters(country="XX")
    with pytest.raises(BadFilter, match="negative"):
        check_filters(population=(-1, None))
    with pytest.raises(BadFilter, match="negative"):
        parse_population("-10:")
    check_filters(country=["fr", "XK"], population=(0, 10))   # Kosovo's code is a country


# -- 7. French reasons elide and contract, and name places in French -------------------------
@pytest.mark.parametrize("prep, name, said", [
    ("de", "Odessa", "d'Odessa"), ("de", "Le Havre", "du Havre"), ("à", "Le Mans", "au Mans"),
    ("de", "Les Herbiers", "des Herbiers"), ("à", "Les Herbiers", "aux Herbiers"),
    ("de", "Lyon", "de Lyon"), ("de", "La Rochelle", "de La Rochelle"),
    ("de", "Évreux", "d'Évreux"), ("de", "Lesneven", "de Lesneven"),
    ("à", "Odessa", "à Odessa"), ("de", "Hambourg", "de Hambourg"),
])
def test_one_helper_joins_names_to_prepositions(prep: str, name: str, said: str) -> None:
    assert fr_with(prep, name) == said


def test_reasons_name_places_the_french_way() -> None:
    assert fr_place_name("Vienna", "AT") == "Vienne" and fr_place_name("Vienne", "FR") == "Vienne"
    assert fr_place_name("Cairo", "EG") == "Le Caire" and fr_place_name("Vienna", None) == "Vienna"
    area = _say("area_habit", n=2, name=Named([("Cairo", "EG")]))
    assert area.fr.endswith("à celle du Caire") and area.en.endswith("that of Cairo")
    near = _say("neighbourhood", name=Named([("Odessa", "UA")]))
    assert near.fr.startswith("les partenaires d'Odessa")
    # through the matcher: a partner of both, Vienna, is Vienne in French
    places = [P(1, "Lyon", "FR", 45.76, 4.84, 500000), P(2, "Vienna", "AT", 48.21, 16.37, 1.9e6),
              P(3, "Brno", "CZ", 49.19, 16.61, 380000)]
    result = propose(Matcher(Graph(places, [Edge(1, 2), Edge(3, 2)])), "Lyon", top=1)
    common = next(r for r in result.proposals[0].reasons if r.code == "common")
    assert "Vienne" in common.fr and "Vienna" in common.en


def test_no_french_reason_leaves_a_preposition_unjoined() -> None:
    g = _town_graph(200, seed=11)
    names = ["Le Havre", "Les Herbiers", "Odessa", "Le Mans", "Arles", "Orléans"]
    for i, name in enumerate(names):
        g.names[i * 4 + 1] = name
    m = Matcher(g, seed=2)
    bad = re.compile(r"\b(?:de|à) (?:Le|Les) |\bde [AEIOUYÉÈ]")
    said = [r.fr for q in range(0, 200, 9) for p in propose(m, q, top=10).proposals
            for r in p.reasons]
    assert said and not [s for s in said if bad.search(s)]


# -- 8. distance is never the only reason -----------------------------------------------------
def test_distance_is_never_the_only_reason() -> None:
    g = _town_graph(160, seed=4)
    m = Matcher(g, seed=1)
    families = list(FAMILIES)
    only_distance = np.zeros(len(families))
    only_distance[families.index("distance")] = 1.0
    x = m.signals.compute(0)
    dist = m.signals.distance_km(0)
    for c in range(1, g.n):
        said = reasons(m.signals, 0, c, x[c], float(dist[c]), only_distance)
        assert {r.code for r in said} - {"distance"}, said
    # a place with nothing in common with the asking one, not even a partner: said so
    lone = [P(1, "Lutsk", "UA", 50.7, 25.3, 210000), P(2, "Alpha", "PL", 50.0, 20.0, 90000),
            P(3, "Other", "FR", 45.0, 1.0, 60000)]
    other = next(p for p in propose(Matcher(Graph(lone, [Edge(1, 2)])), "Lutsk").proposals
                 if p.place.name == "Other")
    assert "Other n'a encore aucun partenaire connu" in [r.fr for r in other.reasons]
    assert "Other has no known partner yet" in [r.en for r in other.reasons]
    for q in range(0, 160, 7):
        for p in propose(m, q, top=10).proposals:
            assert {r.code for r in p.reasons} - {"distance"}, p.reasons


def test_shared_partners_are_said_whatever_the_models_weight() -> None:
    """A learned model may weigh the overlapping network features below zero; the partners the
    two places share are still said, first."""
    g = _town_graph(160, seed=4)
    m = Matcher(g, seed=1)
    families = list(FAMILIES)
    against = np.ones(len(families))
    against[families.index("network")] = -1.0
    x = m.signals.compute(0)
    dist = m.signals.distance_km(0)
    mine = set(g.partners(0).tolist())
    shared = [c for c in range(1, g.n) if c not in mine and mine & set(g.partners(c).tolist())]
    assert shared
    for c in shared:
        said = reasons(m.signals, 0, c, x[c], float(dist[c]), against)
        assert said[0].code == "common", said
