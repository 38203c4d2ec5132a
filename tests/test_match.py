"""The partner matcher on small graphs written here: who is excluded, what the filters keep,
the reasons in French and English, ties, a place with no partner yet, a graph big enough to
learn from, and the `jumelage match` command on a small atlas (SQLite)."""
from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from jumelage.cli import app
from jumelage.match import (
    BadFilter, Edge, Graph, Matcher, MatchError, PlaceFacts, parse_population, propose,
)
from jumelage.match.evaluate import expected_rank, summarise
from jumelage.match.model import LearnedModel, PriorModel, hide_edges


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("JUMELAGE_CACHE_DIR", str(tmp_path / "cache"))

P = PlaceFacts
PLACES = [
    P(1, "Grenoble", "FR", 45.19, 5.72, 158000, themes={"water_sanitation": 2}),
    P(2, "Rzeszów", "PL", 50.04, 22.00, 196000),
    P(3, "Essen", "DE", 51.46, 7.01, 580000),
    P(4, "Sevilla", "ES", 37.39, -5.98, 690000),
    P(5, "Lutsk", "UA", 50.75, 25.34, 217000, themes={"water_sanitation": 1}),
    P(6, "Lublin", "PL", 51.25, 22.57, 339000),
    P(7, "Chambéry", "FR", 45.57, 5.92, 59000),
    P(8, "Annecy", "FR", 45.90, 6.13, 130000),
    P(9, "Olsztyn", "PL", 53.78, 20.49, 171000, themes={"culture": 3}),
    P(10, "Kielce", "PL", 50.87, 20.63, 18000, themes={"water_sanitation": 4}),
    P(11, "Gap", "FR", 44.56, 6.08, 17000, themes={"water_sanitation": 1}),
    P(12, "Vaduz", "LI", 47.14, 9.52, 5000, capital=True),
    P(13, "Bern", "CH", 46.95, 7.45, 134000, capital=True),
    P(14, "Zamość", "PL", 50.72, 23.25, 63000),
    P(15, "Rivne", "UA", 50.62, 26.25, 245000),
    P(16, "Ljubljana", "SI", 46.05, 14.51, 280000, capital=True),
    P(17, "Sanok", "PL", 49.56, 22.20, 18000),
]
EDGES = [
    Edge(1, 2), Edge(1, 3), Edge(1, 4),             # Grenoble's partners
    Edge(2, 5), Edge(3, 5), Edge(4, 5),             # ... all twinned with Lutsk
    Edge(7, 6), Edge(8, 6), Edge(7, 9), Edge(8, 14), Edge(11, 10, "cooperation"),
    Edge(6, 15), Edge(5, 15), Edge(12, 13, "friendship"),
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(Graph(PLACES, EDGES))


def names(result) -> list[str]:
    return [p.place.name for p in result.proposals]


def test_a_small_graph_uses_the_prior_weights(matcher: Matcher) -> None:
    assert isinstance(matcher.model, PriorModel)


def test_the_place_and_its_partners_are_never_proposed(matcher: Matcher) -> None:
    result = propose(matcher, "Grenoble", top=20)
    got = names(result)
    assert result.place.name == "Grenoble" and result.place.partner_count == 3
    assert not {"Grenoble", "Rzeszów", "Essen", "Sevilla"} & set(got)
    assert len(got) == len(PLACES) - 4          # everybody else, once
    assert len(set(got)) == len(got)
    assert [p.rank for p in result.proposals] == list(range(1, len(got) + 1))
    scores = [p.score for p in result.proposals]
    assert scores == sorted(scores, reverse=True)


def test_partners_of_partners_come_first_with_their_reason(matcher: Matcher) -> None:
    first = propose(matcher, "Grenoble", top=3).proposals[0]
    assert first.place.name == "Lutsk"
    assert first.reasons[0].code == "common"
    assert first.reasons[0].fr == ("3 de vos partenaires sont déjà jumelés avec Lutsk "
                                   "(Essen, Rzeszów, Séville)")   # French names in French
    assert first.reasons[0].en == ("3 of your partners are already twinned with Lutsk "
                                   "(Essen, Rzeszów, Sevilla)")
    assert first.components["network"] == max(v or 0 for v in first.components.values())
    assert set(first.components) >= {"network", "community", "country_habits", "area_habits",
                                      "distance", "size", "capital", "language", "coast",
                                      "themes"}
    assert first.components["coast"] is None            # unknown here: never guessed


def test_size_theme_capital_and_language_reasons(matcher: Matcher) -> None:
    sanok = next(p for p in propose(matcher, "Gap", top=20).proposals
                 if p.place.name == "Sanok")
    fr = [r.fr for r in sanok.reasons]
    en = [r.en for r in sanok.reasons]
    assert "taille comparable : 18 000 habitants" in fr
    assert "comparable size: 18,000 inhabitants" in en
    assert sanok.components["size"] > 0                  # size lifted it: its reason is said
    kielce = propose(matcher, "Kielce", top=20, country="FR")
    assert "Gap" not in names(kielce)                     # already its partner (cooperation)
    grenoble = next(p for p in kielce.proposals if p.place.name == "Grenoble")
    assert ("travaille aussi sur l'eau", "also works on water") in [
        (r.fr, r.en) for r in grenoble.reasons]
    assert grenoble.components["themes"] > 0
    ljubljana = next(p for p in propose(matcher, "Bern", top=20).proposals
                     if p.place.name == "Ljubljana")
    assert ("capitale, comme vous", "a capital, like you") in [
        (r.fr, r.en) for r in ljubljana.reasons]
    assert "Vaduz" not in names(propose(matcher, "Bern", top=20))
    essen = propose(matcher, "Vaduz", top=20, country="DE").proposals[0]
    assert ("même langue principale du pays : allemand",
            "same main language of the country: German") in [
        (r.fr, r.en) for r in essen.reasons]


def test_filters(matcher: Matcher) -> None:
    poles = {"Lublin", "Olsztyn", "Kielce", "Zamość", "Sanok"}
    assert set(names(propose(matcher, "Grenoble", country="PL", top=20))) == poles
    assert set(names(propose(matcher, "Grenoble", country=["pl", "UA"], top=20))) == (
        poles | {"Lutsk", "Rivne"})
    sized = propose(matcher, "Grenoble", population=(100000, 250000), top=20).proposals
    assert sized and all(100000 <= p.place.population <= 250000 for p in sized)
    assert set(names(propose(matcher, "Grenoble", population=(None, 20000), top=20))) == {
        "Kielce", "Gap", "Vaduz", "Sanok"}
    assert set(names(propose(matcher, "Grenoble", theme="water_sanitation", top=20))) == {
        "Lutsk", "Kielce", "Gap"}
    assert set(names(propose(matcher, "Grenoble", partnership="cooperation", top=20))) == {
        "Kielce", "Gap"}
    assert set(names(propose(matcher, "Grenoble", partnership="friendship", top=20))) == {
        "Vaduz", "Bern"}
    # a partnership kind is not a place kind: one rule for every door, with a hint
    with pytest.raises(BadFilter, match="cooperation is a partnership kind"):
        propose(matcher, "Grenoble", kind="cooperation", top=20)
    assert len(propose(matcher, "Grenoble", top=2).proposals) == 2


def test_bad_requests_are_one_clear_error(matcher: Matcher) -> None:
    with pytest.raises(MatchError, match="no place named 'Atlantis'"):
        propose(matcher, "Atlantis")
    with pytest.raises(MatchError, match="unknown theme"):
        propose(matcher, "Grenoble", theme="piracy")
    with pytest.raises(MatchError, match="expected a place kind"):
        propose(matcher, "Grenoble", kind="marriage")
    with pytest.raises(MatchError, match="top must be"):
        propose(matcher, "Grenoble", top=0)
    with pytest.raises(MatchError, match="is empty"):
        parse_population("5000:10")
    with pytest.raises(MatchError, match="expected MIN:MAX"):
        parse_population("lots")
    assert parse_population("10000:") == (10000, None)
    assert parse_population(":5_000") == (None, 5000)


def test_a_place_is_found_by_id_or_any_spelling(matcher: Matcher) -> None:
    assert propose(matcher, 5).place.name == "Lutsk"
    assert propose(matcher, "5").place.name == "Lutsk"
    assert propose(matcher, "ZAMOSC").place.name == "Zamość"


def test_a_place_with_no_partner_still_gets_proposals() -> None:
    lonely = P(99, "Voiron", "FR", 45.36, 5.59, 20000, themes={"water_sanitation": 1})
    m = Matcher(Graph([*PLACES, lonely], EDGES))
    result = propose(m, "Voiron", top=5)
    assert result.place.partner_count == 0
    assert len(result.proposals) == 5
    codes = {r.code for p in result.proposals for r in p.reasons}
    assert codes & {"size", "theme", "country_habit", "distance"}
    assert not codes & {"common", "paths3"}
    gap = next(p for p in propose(m, "Voiron", top=20).proposals if p.place.name == "Gap")
    assert "taille comparable : 17 000 habitants" in [r.fr for r in gap.reasons]
    assert "comparable size: 17,000 inhabitants" in [r.en for r in gap.reasons]


def test_equal_places_get_equal_scores_in_a_stable_order() -> None:
    twins = [P(20, "Alpha", "PL", 50.0, 20.0, 40000), P(21, "Beta", "PL", 50.0, 20.0, 40000)]
    m = Matcher(Graph([*PLACES, twins[0], twins[1]],
                      [*EDGES, Edge(20, 9), Edge(21, 9)]))
    result = propose(m, "Chambéry", top=20, country="PL")
    got = {p.place.name: p for p in result.proposals}
    assert got["Alpha"].score == got["Beta"].score
    assert got["Alpha"].rank + 1 == got["Beta"].rank       # tie broken by row, every time
    assert names(propose(m, "Chambéry", top=20, country="PL")) == names(result)


def test_ties_count_at_their_expected_rank() -> None:
    scores = np.array([5.0, 3.0, 3.0, 3.0, 1.0])
    allowed = np.ones(5, bool)
    assert expected_rank(scores, allowed, 2) == 3.0          # 1 above, 2 others tied: 1+1+1
    assert expected_rank(scores, allowed, 0) == 1.0
    allowed[1] = False
    assert expected_rank(scores, allowed, 2) == 2.5
    flat = np.zeros(101)                                       # a scorer that cannot tell
    rank = expected_rank(flat, np.ones(101, bool), 7)
    assert rank == 51.0
    assert summarise([rank]) == {"hits@10": 0.0, "hits@50": 0.0, "MRR": 1 / 51}
    with pytest.raises(ValueError):
        expected_rank(scores, allowed, 1)


def atlas_of(atlas, places, edges) -> dict[int, int]:
    """Write a small graph's places and partnerships into `atlas` by hand, as a person would;
    returns the atlas id of each graph place id."""
    ids = {}
    for p in places:
        ids[p.id] = atlas.add_manual("place", {
            "name": p.name, "country": p.country, "lat": p.lat, "lon": p.lon,
            "population": p.population})
    for e in edges:
        atlas.add_manual("partnership", {"places": [ids[e.a], ids[e.b]], "kind": e.kind})
    return ids


def _town_graph(n: int = 400, seed: int = 3, countries: tuple[str, ...] = ("FR", "DE", "PL", "UA"),
                more: tuple[list, list] = ([], [])) -> Graph:
    """Towns in four countries; each twins with 3 to 6 towns abroad, mostly one country over;
    `more`: places and edges to add."""
    rng = np.random.default_rng(seed)
    places = [P(i, f"Town{i}", countries[i % 4], 45 + rng.random() * 8, rng.random() * 30,
                int(10 ** rng.uniform(3.5, 6))) for i in range(n)] + more[0]
    edges = list(more[1])
    for i in range(n):
        for _ in range(rng.integers(1, 4)):
            j = int(rng.integers(0, n // 4)) * 4 + (i + 1) % 4
            if j != i:
                edges.append(Edge(i, j))
    return Graph(places, edges)


def test_a_graph_big_enough_is_learned_from_its_own_pairs() -> None:
    g = _town_graph()
    hidden = hide_edges(g, 0.1, np.random.default_rng(0))
    assert len(hidden) > 0
    left = g.without(hidden)
    assert (left.degree[g.degree > 0] >= 1).all()          # nobody loses its last partner
    m = Matcher(g, seed=1)
    assert isinstance(m.model, LearnedModel)
    result = propose(m, "Town0", top=10)
    assert len(result.proposals) == 10
    assert all(0.0 <= p.score <= 1.0 for p in result.proposals)
    assert json.loads(json.dumps(result.to_dict()))["proposals"][0]["place"]["name"]


# -- the command line, on a small atlas -------------------------------------------------------
@pytest.fixture(scope="module")
def small_atlas(tmp_path_factory) -> str:
    from jumelage.atlas import Atlas

    url = f"sqlite:///{tmp_path_factory.mktemp('match') / 'atlas.sqlite'}"
    with Atlas.open(url) as atlas:
        ids = atlas_of(atlas, PLACES, EDGES)
        atlas.add_manual("action", {"actors": [ids[1]], "partners": [ids[5]],
                                    "themes": ["water_sanitation"], "start": "2024"})
        atlas.add_manual("initiative", {"place": ids[10], "themes": ["water_sanitation"]})
    return url


def run(*args: str):
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def test_cli_match_json(small_atlas: str) -> None:
    from jumelage.atlas import Atlas

    with Atlas.open(small_atlas) as atlas:
        before = atlas.summary()
    result = run("match", "Grenoble", "--db", small_atlas, "--json", "--top", "3")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["place"]["name"] == "Grenoble"
    assert [p["rank"] for p in data["proposals"]] == [1, 2, 3]
    assert data["proposals"][0]["place"]["name"] == "Lutsk"
    assert data["proposals"][0]["reasons"][0]["fr"].startswith("3 de vos partenaires")
    with Atlas.open(small_atlas) as atlas:
        assert atlas.summary() == before                     # the matcher never writes


def test_cli_match_filters_and_text(small_atlas: str) -> None:
    result = run("match", "Grenoble", "--db", small_atlas, "--country", "PL",
                 "--theme", "water_sanitation", "--json")
    assert [p["place"]["name"] for p in json.loads(result.stdout)["proposals"]] == ["Kielce"]
    result = run("match", "Grenoble", "--db", small_atlas, "--population", "100000:250000",
                 "--partnership", "twinning", "--top", "10", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Possible partners for Grenoble" in result.stdout
    assert "Lutsk" in result.stdout and "of your partners" in result.stdout


def test_cli_match_errors_are_one_line(small_atlas: str) -> None:
    for args, words, status in ((["Atlantis"], "no place named 'Atlantis'", 1),
                                (["Grenoble", "--population", "big"], "expected MIN:MAX", 2),
                                (["Grenoble", "--theme", "piracy"], "unknown theme", 2)):
        result = run("match", *args, "--db", small_atlas)
        assert result.exit_code == status
        assert result.output.strip().splitlines() == [f"error: {result.output.strip()[7:]}"]
        assert words in result.output


# -- signals beyond two hops (round 2) ----------------------------------------------------------
def test_paths_of_length_four_and_the_katz_sum_reach_beyond_three_hops() -> None:
    from jumelage.match.signals import COLUMN, Signals

    chain = [P(i, f"C{i}", "FR", 45.0 + i, 5.0, 10000) for i in range(7)]
    g = Graph(chain, [Edge(i, i + 1) for i in range(5)])        # C0-C1-C2-C3-C4-C5, C6 alone
    x = Signals(g).compute(0)
    four, katz, three = (x[:, COLUMN[c]] for c in ("paths4_damped", "katz", "paths3_damped"))
    assert four[4] > 0 and three[4] == 0                        # C4 is four steps from C0
    assert three[3] > 0 and four[3] == 0                        # C3 three steps
    assert katz[2] > katz[3] > katz[4] > 0                      # shorter paths weigh more
    assert katz[5] == 0 and four[6] == 0 and katz[6] == 0       # five steps, no path: nothing


def test_the_habits_of_the_partners_countries() -> None:
    from jumelage.match.signals import COLUMN, Signals

    places = [P(1, "Lyon", "FR"), P(2, "Köln", "DE"), P(3, "Kraków", "PL"),
              P(4, "Bonn", "DE"), P(5, "Poznań", "PL"), P(6, "Madrid", "ES"),
              P(7, "Toledo", "ES"), P(8, "Nowhere", None)]
    edges = [Edge(1, 2), Edge(2, 3), Edge(4, 5), Edge(4, 3), Edge(6, 7)]
    x = Signals(Graph(places, edges)).compute(0)                # Lyon, partner in DE
    habit = x[:, COLUMN["partners_country_habit"]]
    g = Graph(places, edges)
    pl, es = g.index[5], g.index[7]
    assert habit[pl] > habit[es]                                # German towns twin with Poland
    assert np.isnan(habit[g.index[8]])                          # unknown country: unknown
    lonely = Signals(Graph(places, [])).compute(0)
    assert np.isnan(lonely[:, COLUMN["partners_country_habit"]]).all()


def test_the_second_stage_sees_the_first_stages_score() -> None:
    m = Matcher(_town_graph(), seed=1)
    assert isinstance(m.model, LearnedModel)
    assert m.model.clf.n_features_in_ == len(m.model.columns) + 1
