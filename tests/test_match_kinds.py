"""Faults a fresh user found in `match` (round 5), each tested as a kind on places written here:
the place kind of the candidates and of the asking place, what --kind means and repeated
options, the theme filter's reason and the themes accepted, numbers and empty names as PLACE,
one-line usage errors, the printed table, and reasons said only when true."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

import jumelage.cli as cli
from jumelage.cli import app
from jumelage.match import BadFilter, Edge, Graph, Matcher, MatchError, PlaceFacts, propose
from jumelage.records import PLACE_KINDS, THEMES

P = PlaceFacts
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("JUMELAGE_CACHE_DIR", str(tmp_path / "cache"))


# Towns and regions of four countries; a region shares its name with its chief town (Kovel);
# Vinnytsia and Poltava are towns working on water, Kovel the region on health.
TOWNS = [P(1, "Kovel", "UA", 51.21, 24.71, 68000, themes={"water_sanitation": 2}),
         P(2, "Vinnytsia", "UA", 49.23, 28.47, 370000, themes={"water_sanitation": 1}),
         P(3, "Poltava", "UA", 49.59, 34.55, 280000, themes={"water_sanitation": 3,
                                                             "culture": 1}),
         P(4, "Quimper", "FR", 48.0, -4.1, 63000),
         P(5, "Vannes", "FR", 47.66, -2.76, 54000, themes={"culture": 2}),
         P(6, "Lorient", "FR", 47.75, -3.37, 57000),
         P(7, "Lublin", "PL", 51.25, 22.57, 340000),
         P(8, "Kyiv", "UA", 50.45, 30.52, 2900000, capital=True),
         P(9, "Paris", "FR", 48.86, 2.35, 2100000, capital=True),
         P(10, "Sanok", "PL", 49.56, 22.2, None),
         P(16, "Warsaw", "PL", 52.23, 21.01, 1790000, capital=True)]
REGIONS = [P(11, "Kovel", "UA", 51.3, 24.9, 250000, kind="region", themes={"health": 1}),
           P(12, "Finistère", "FR", 48.2, -4.0, 915000, kind="region"),
           P(13, "Morbihan", "FR", 47.8, -2.8, 760000, kind="region"),
           P(14, "Kyiv", "UA", 50.3, 30.6, 1800000, kind="region", capital=True),
           P(15, "Lublin Voivodeship", "PL", 51.2, 22.9, 2100000, kind="region")]
EDGES = [Edge(1, 4), Edge(2, 5), Edge(3, 6), Edge(1, 7), Edge(11, 12), Edge(14, 13),
         Edge(8, 9), Edge(2, 7, "cooperation")]


@pytest.fixture(scope="module")
def m() -> Matcher:
    return Matcher(Graph(TOWNS + REGIONS, EDGES))


def kinds(result) -> set[str]:
    return {p.place.kind for p in result.proposals}


# -- 1. a town is offered towns, a region regions --------------------------------------------------
def test_the_kind_filter_is_honest(m: Matcher) -> None:
    assert kinds(propose(m, 4, top=50)) == {"city"}                  # Quimper: towns only
    region = propose(m, 12, top=50)                                  # Finistère: regions only
    assert kinds(region) == {"region"} and region.filters["place_kind"] == "region"
    assert kinds(propose(m, 4, kind="region", top=50)) == {"region"}
    both = propose(m, 4, kind=["city", "region"], top=50)             # repeated: combined
    assert kinds(both) == {"city", "region"} and both.filters["place_kind"] == "city,region"
    assert propose(m, 4, kind="any", top=50).filters["place_kind"] == "any"


def test_a_name_shared_by_a_town_and_a_region_is_the_town(m: Matcher) -> None:
    assert propose(m, "Kovel").place.kind == "city"
    assert propose(m, "Kyiv").place.kind == "city"
    assert propose(m, 11).place.kind == "region"                    # the region by its id
    busy_region = Matcher(Graph([P(1, "Volyn", "UA"), P(2, "Volyn", "UA", kind="region"),
                                 P(3, "A", "PL"), P(4, "B", "PL")], [Edge(2, 3), Edge(2, 4)]))
    assert propose(busy_region, "Volyn").place.kind == "city"      # even with fewer partners


def test_a_region_named_like_a_capital_is_no_capital(m: Matcher) -> None:
    """The region « Kyiv » comes flagged as a capital here (as a name lookup would flag it):
    capitals are towns all the same. The capital family is made to lift the candidate."""
    import numpy as np

    from jumelage.match.explain import FAMILIES, reasons

    g, sig = m.graph, m.signals
    q = m.find(8)                                                     # Kyiv, the town
    x = sig.compute(q)
    part = np.array([1.0 if f == "capital" else 0.0 for f in FAMILIES])

    def said(key: int) -> list[str]:
        c = g.index[key]
        return [r.en for r in reasons(sig, q, c, x[c], float("nan"), part)]

    assert said(16) == ["a capital, like you"]                        # Warsaw
    assert not {"a capital, like you", "Kyiv is its country's capital"} & set(said(14))
    region, warsaw = g.index[14], g.index[16]                         # asked by the region
    assert [r.en for r in reasons(sig, region, warsaw, sig.compute(region)[warsaw],
                                  float("nan"), part)] == ["Warsaw is its country's capital"]


# -- 2. --kind is a place kind; a partnership kind has its own option ------------------------------
def test_kind_and_partnership_filters(m: Matcher) -> None:
    held = propose(m, "Quimper", partnership="cooperation", top=50)
    assert {p.place.name for p in held.proposals} == {"Vinnytsia", "Lublin"}
    assert held.filters["partnership"] == ["cooperation"]
    with pytest.raises(MatchError, match=r"no friendship partnership \(kinds recorded: "
                                         r"twinning, cooperation\)"):
        propose(m, "Quimper", partnership="friendship")
    with pytest.raises(BadFilter, match="unknown partnership kind 'town'"):
        propose(m, "Quimper", partnership="town")


# -- 3. a theme filter says why each proposal is kept -------------------------------------------
def test_every_proposal_kept_by_a_theme_filter_says_the_theme(m: Matcher) -> None:
    result = propose(m, "Kovel", theme="water_sanitation", top=10)   # Kovel works on water
    assert {p.place.name for p in result.proposals} == {"Vinnytsia", "Poltava"}
    for p in result.proposals:
        assert (p.reasons[0].fr, p.reasons[0].en) == ("travaille aussi sur l'eau",
                                                      "also works on water")
    # the asking place has nothing on the theme: the candidate works on it, not « also »
    for p in propose(m, "Quimper", theme="water_sanitation", top=10).proposals:
        assert (p.reasons[0].code, p.reasons[0].fr, p.reasons[0].en) == (
            "theme", "travaille sur l'eau", "works on water")
    # several themes: any of them, each said
    two = propose(m, "Quimper", theme=["culture", "water_sanitation"], top=10)
    assert {p.place.name for p in two.proposals} == {"Vinnytsia", "Poltava", "Vannes"}
    poltava = next(p for p in two.proposals if p.place.name == "Poltava")
    assert [r.en for r in poltava.reasons[:2]] == ["works on culture", "works on water"]


def test_the_themes_accepted_are_those_the_extractor_produces() -> None:
    tsv = ROOT / "src/jumelage/extract/data/fr/themes.tsv"
    produced = {line.split("\t")[0] for line in tsv.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")}
    words = json.loads((ROOT / "src/jumelage/match/data/reasons.json").read_text("utf-8"))
    assert produced == set(THEMES) == set(words["themes"])
    graph = Graph([P(1, "A", "FR", themes={t: 1 for t in THEMES}), P(2, "B", "FR",
                   themes={t: 1 for t in THEMES})], [])
    for theme in THEMES:                                            # each one filters
        assert propose(Matcher(graph), "A", theme=theme).proposals
    with pytest.raises(BadFilter) as e:
        propose(Matcher(graph), "A", theme="water")
    assert str(e.value) == f"unknown theme 'water' (one of: {', '.join(THEMES)})"


# -- 7. reasons only when true -------------------------------------------------------------------
def test_size_is_only_said_comparable_when_it_is(m: Matcher) -> None:
    def size_reasons(q: str, c: str) -> list[tuple[str, str]]:
        for p in propose(m, q, kind="any", top=50).proposals:
            if p.place.name == c and p.place.kind == "city":
                return [(r.fr, r.en) for r in p.reasons if r.code == "size"]
        raise AssertionError(f"{c} not proposed to {q}")

    assert size_reasons("Quimper", "Lorient") == [               # 63,000 and 57,000
        ("taille comparable : 57 000 habitants", "comparable size: 57,000 inhabitants")]
    assert size_reasons("Sanok", "Quimper") == []                 # Sanok's size unknown
    assert size_reasons("Kovel", "Kyiv") == []                    # 43 times bigger
    for p in propose(m, "Kovel", kind="any", top=50).proposals:   # never « vous : ? »
        assert all("?" not in r.fr and "habitants (vous" not in r.fr for r in p.reasons)


def test_no_sentence_calls_a_region_a_town(m: Matcher) -> None:
    for q in (11, 12, 13, 14):
        for p in propose(m, q, kind="any", top=50).proposals:
            for r in p.reasons:
                assert "ville" not in r.fr and "town" not in r.en, r
                assert "jumelée" not in r.fr and "reliée" not in r.fr, r


def test_numbers_are_written_as_each_language_writes_them(m: Matcher) -> None:
    for p in propose(m, "Quimper", kind="any", top=50).proposals:
        for r in p.reasons:
            if r.code == "distance" and p.distance_km >= 1000:
                assert r.fr == f"à {round(p.distance_km):,} km".replace(",", " ")
                assert r.en == f"{round(p.distance_km):,} km away"


# -- the command line ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def atlas_url(tmp_path_factory) -> str:
    from jumelage.atlas import Atlas

    url = f"sqlite:///{tmp_path_factory.mktemp('kinds') / 'atlas.sqlite'}"
    ids = {}
    with Atlas.open(url) as atlas:
        for p in TOWNS + REGIONS:
            ids[p.id] = atlas.add_manual("place", {
                "name": p.name, "country": p.country, "lat": p.lat, "lon": p.lon,
                "population": p.population, "kind": p.kind})
        for e in EDGES:
            atlas.add_manual("partnership", {"places": [ids[e.a], ids[e.b]], "kind": e.kind})
        for pid in (1, 2, 3):
            atlas.add_manual("initiative", {"place": ids[pid], "themes": ["water_sanitation"]})
    return url


def run(*args: object):
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def one_error_line(result, status: int) -> str:
    assert result.exit_code == status, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    return lines[0]


def test_the_atlas_path_finds_the_town_and_its_kind(atlas_url: str) -> None:
    data = json.loads(run("match", "Kyiv", "--db", atlas_url, "--json").stdout)
    assert data["place"]["kind"] == "city" and data["place"]["capital"] is True
    assert {p["place"]["kind"] for p in data["proposals"]} == {"city"}
    region = json.loads(run("match", "Lublin Voivodeship", "--db", atlas_url, "--json").stdout)
    assert {p["place"]["kind"] for p in region["proposals"]} == {"region"}
    # the region « Kyiv » is no capital, though named like one
    both = json.loads(run("match", "Finistère", "--kind", "any", "--top", "50", "--db",
                          atlas_url, "--json").stdout)
    [kyiv_region] = [p for p in both["proposals"]
                     if p["place"]["name"] == "Kyiv" and p["place"]["kind"] == "region"]
    assert kyiv_region["place"]["capital"] is False


def test_kind_values_and_repeats(atlas_url: str) -> None:
    line = one_error_line(run("match", "Quimper", "--kind", "cooperation", "--db", atlas_url), 2)
    assert line == ("error: kind 'cooperation': expected a place kind: city, region, "
                    "district, camp or any (cooperation is a partnership kind: filter on it as "
                    "partnership)")
    assert "expected a place kind" in one_error_line(
        run("match", "Quimper", "--kind", "town", "--db", atlas_url), 2)
    both = json.loads(run("match", "Quimper", "--kind", "city", "--kind", "region", "--top",
                          "50", "--db", atlas_url, "--json").stdout)
    assert {p["place"]["kind"] for p in both["proposals"]} == {"city", "region"}
    held = json.loads(run("match", "Quimper", "--partnership", "cooperation", "--db", atlas_url,
                          "--json").stdout)
    assert {p["place"]["name"] for p in held["proposals"]} == {"Vinnytsia", "Lublin"}
    assert "no friendship partnership" in one_error_line(
        run("match", "Quimper", "--partnership", "friendship", "--db", atlas_url), 1)
    for twice in (["--top", "3", "--top", "4"], ["--population=1:", "--population", ":9"],
                  ["--lang", "en", "--lang", "fr"]):
        line = one_error_line(run("match", "Quimper", *twice, "--db", atlas_url), 2)
        assert f"{twice[0].split('=')[0]} given twice" in line


def test_a_theme_filter_through_the_command(atlas_url: str) -> None:
    data = json.loads(run("match", "Kovel", "--theme", "water_sanitation", "--db", atlas_url,
                          "--json").stdout)
    assert data["proposals"]
    assert all(p["reasons"][0]["fr"] == "travaille aussi sur l'eau" for p in data["proposals"])
    line = one_error_line(run("match", "Kovel", "--theme", "eau", "--db", atlas_url), 2)
    assert line == f"error: unknown theme 'eau' (one of: {', '.join(THEMES)})"


def test_a_number_is_an_id_and_an_empty_name_a_usage_error(atlas_url: str) -> None:
    from jumelage.atlas import Atlas

    with Atlas.open(atlas_url) as atlas:
        quimper = atlas.find_place("Quimper")["id"]
    data = json.loads(run("match", quimper, "--db", atlas_url, "--json").stdout)
    assert data["place"]["name"] == "Quimper"
    assert one_error_line(run("match", "9999", "--db", atlas_url), 1) == \
        "error: no place with id 9999"
    for empty in ("", "   "):
        assert "PLACE is empty" in one_error_line(run("match", empty, "--db", atlas_url), 2)
    with pytest.raises(BadFilter):
        propose(Matcher(Graph(TOWNS, [])), " ")
    with pytest.raises(MatchError, match="no place with id 9999"):
        propose(Matcher(Graph(TOWNS, [])), "9999")


@pytest.mark.parametrize("command", [["match"], ["match", "Quimper", "--bogus"],
                                     ["match", "Quimper", "--top", "many"],
                                     ["import-pairs"], ["import-pairs", "x.csv", "--batch-size",
                                                        "0"],
                                     ["import-pairs", "x.csv", "--report", "a", "--report", "b"]])
def test_usage_errors_are_one_line(command: list[str]) -> None:
    line = one_error_line(run(*command), 2)
    assert line.endswith(f"-h`)") and "╭" not in line


def test_the_printed_proposals(atlas_url: str, monkeypatch) -> None:
    piped = run("match", "Quimper", "--kind", "any", "--db", atlas_url).stdout.splitlines()
    assert piped[0].startswith("# Possible partners for Quimper (FR, city; 1 partner known)")
    assert piped[1].split("\t") == ["rank", "place", "country", "kind", "population", "score",
                                    "km", "reasons"]
    rows = [line.split("\t") for line in piped[2:] if line]
    assert rows and all(len(r) == 8 and r[7] for r in rows)
    screen = io.StringIO()
    monkeypatch.setattr(cli, "out", Console(file=screen, force_terminal=True, width=80,
                                            color_system=None, highlight=False, markup=False,
                                            soft_wrap=True))
    run("match", "Quimper", "--kind", "any", "--lang", "en", "--db", atlas_url)
    lines = screen.getvalue().splitlines()
    assert lines[0] == "Possible partners for Quimper (FR, city; 1 partner known):"
    assert all(len(line) <= 80 for line in lines)
    assert lines[1].startswith("  1. ") and "score " in lines[1]
    assert lines[2].startswith("       - ")                         # its reasons below it


# -- one lookup of a name, whichever door -----------------------------------------------------
def test_a_name_is_the_same_place_through_show_review_match_and_the_web(tmp_path) -> None:
    """`Atlas.find_place` is the one lookup: a town before a region of the same name (the region
    here has the lower id), then the place with most partnerships (the busier « Vannes » has
    the higher id), the same through `show`, `review --place`, `match` and `/api/match`."""
    from fastapi.testclient import TestClient

    from jumelage.atlas import Atlas
    from jumelage.web import Settings, create_app

    url = f"sqlite:///{tmp_path / 'atlas.sqlite'}"
    with Atlas.open(url) as atlas:
        lats = iter(range(40, 60))  # one degree apart: same names, other places

        def place(name: str, kind: str = "city", **more: object) -> int:
            return atlas.add_manual("place", {"name": name, "country": "FR", "kind": kind,
                                              "lat": float(next(lats)), "lon": -2.0, **more})
        region, town = place("Kovel", "region"), place("Kovel")
        quiet, busy = place("Vannes"), place("Vannes", population=54000)
        others = [place(n) for n in ("Lorient", "Quimper", "Brest")]
        for a, b in ((busy, others[0]), (busy, others[1]), (quiet, others[2]),
                     (town, others[0]), (region, others[1])):
            atlas.add_manual("partnership", {"places": [a, b], "kind": "twinning"})
        for pid in (region, town, quiet, busy):
            atlas.add_manual("initiative", {"place": pid, "themes": ["culture"]})
        assert atlas.find_place("kovel")["id"] == town
        assert atlas.find_place("Vanes")["id"] == busy  # a close name: the same preference
    app = create_app(url, Settings(secret_key="test-secret"))
    with TestClient(app, raise_server_exceptions=False) as web:
        for name, wanted in (("Kovel", town), ("VANNES", busy)):
            shown = json.loads(run("show", name, "--db", url, "--json").stdout)
            assert shown["place"]["id"] == wanted, name
            rows = json.loads(run("review", "--place", name, "--state", "manual", "--db", url,
                                  "--json").stdout)
            assert [r["ref"] for r in rows if r["kind"] in PLACE_KINDS] == [f"place:{wanted}"]
            matched = json.loads(run("match", name, "--db", url, "--json").stdout)
            assert matched["place"]["id"] == wanted, name
            r = web.get(f"/api/match/{name}")
            assert r.status_code == 200, r.text
            assert r.json()["place"]["id"] == wanted, name
