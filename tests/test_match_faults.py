"""Faults a user found on the world list, each tested as a kind on small graphs written here:
scores that separate, a true reason for every proposal from the signals that ranked it, the
place kind of the candidates, the cached matcher and the fast unknown place, usage errors
(exit 2) and a theme no place has."""
from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from test_match import _town_graph

from jumelage.cli import app
from jumelage.match import (BadFilter, Edge, Graph, Matcher, MatchError, PlaceFacts, propose)
from jumelage.match.explain import REASON_FAMILY
from jumelage.match.matcher import display_score
from jumelage.match.model import OFFSET, LearnedModel

P = PlaceFacts


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("JUMELAGE_CACHE_DIR", str(tmp_path / "cache"))


def _world(n: int = 480) -> Graph:
    """Towns in four countries (Ukrainian ones twin mostly with French ones) and three
    regions."""
    regions = [P(n, "Oblast", "FR", 47.0, 3.0, 900000, kind="region"),
               P(n + 1, "Land", "DE", 50.0, 9.0, 2000000, kind="region"),
               P(n + 2, "Province", "PL", 52.0, 21.0, 1500000, kind="region")]
    return _town_graph(n, seed=5, countries=("UA", "FR", "DE", "PL"),
                       more=(regions, [Edge(n, n + 1), Edge(n, 1), Edge(n + 1, 0)]))


@pytest.fixture(scope="module")
def learned() -> Matcher:
    m = Matcher(_world(), seed=1)
    assert isinstance(m.model, LearnedModel)
    return m


# -- 1. the shown score orders and separates ------------------------------------------------------
def test_the_shown_score_does_not_saturate() -> None:
    shown = display_score(OFFSET + np.array([16.0, 12.0, 8.0, 7.6, 7.59, 0.0, -3.0]))
    assert list(shown) == sorted(shown, reverse=True)
    assert len(set(shown.tolist())) == len(shown)               # apart, even at high odds
    assert shown[0] < 1.0 and shown[5] == 0.5
    assert display_score(np.array([0.2]))[0] < 0.5              # first stage only: its odds


def test_proposals_of_a_learned_model_get_distinct_scores(learned: Matcher) -> None:
    for q, country in (("Town0", None), ("Town0", "FR"), ("Town8", "PL")):
        scores = [p.score for p in propose(learned, q, country=country, top=10).proposals]
        assert scores == sorted(scores, reverse=True)
        assert len(set(scores)) >= 8, scores
        assert all(0 < s < 1 for s in scores)


# -- 2. a true reason for every proposal, from what ranked it -----------------------------------
def _check_reasons(result) -> int:
    """Every proposal has reasons in both languages; beside the partners it shares with the
    asking place (said first, always), they speak for the families that lifted it (component
    > 0), strongest first, or else (no lifting family has a fact to say) for one
    family only, beside distance (never said alone). Returns how many proposals needed that
    fallback."""
    fallbacks = 0
    for p in result.proposals:
        assert p.reasons, p.place.name
        for r in p.reasons:
            assert r.fr and r.en and r.fr != r.en
        lifted = {k for k, v in p.components.items() if v}
        # the partners shared with the asking place are said first whatever their part
        families = [REASON_FAMILY[r.code] for r in p.reasons if r.code != "common"]
        if set(families) <= lifted:
            weights = [p.components[f] for f in families]
            assert weights == sorted(weights, reverse=True), (families, p.components)
        else:
            assert len(set(families) - {"distance"}) == 1, (p.place.name, families,
                                                             p.components)
            fallbacks += 1
    return fallbacks


def test_every_proposal_has_a_reason_matching_its_components(learned: Matcher) -> None:
    fallbacks = 0
    for q in ("Town0", "Town1", "Town13", "Town40"):
        for country in (None, "FR", "DE"):
            fallbacks += _check_reasons(propose(learned, q, country=country, top=15))
    assert fallbacks <= 0.25 * 4 * 3 * 15                       # most speak for what ranked them


def test_the_country_pair_reason_counts_the_twinnings() -> None:
    places = [P(1, "Kovel", "UA", 51.2, 24.7, 60000), P(2, "Rivne", "UA", 50.6, 26.2, 240000),
              P(3, "Lyon", "FR", 45.8, 4.8, 500000), P(4, "Nantes", "FR", 47.2, -1.5, 300000),
              P(5, "Dijon", "FR", 47.3, 5.0, 150000), P(6, "Brest", "FR", 48.4, -4.5, 140000)]
    m = Matcher(Graph(places, [Edge(2, 3), Edge(2, 4), Edge(1, 5)]))
    brest = next(p for p in propose(m, "Kovel", country="FR", top=5).proposals
                 if p.place.name == "Brest")
    said = [(r.fr, r.en) for r in brest.reasons]
    assert ("3 partenariats relient déjà votre pays (Ukraine) à ce pays (France)",
            "3 partnerships already link your country (Ukraine) with this one (France)") in said
    assert brest.components["country_habits"] > 0


def test_partners_of_partners_are_named() -> None:
    # Lutsk - A - B - Cand: B is a partner of a partner; Cand is twinned with B (length three)
    places = [P(1, "Lutsk", "UA", 50.7, 25.3, 210000), P(2, "Alpha", "PL", 50.0, 20.0, 90000),
              P(3, "Beta", "DE", 51.0, 9.0, 80000), P(4, "Gamma", "DE", 52.0, 10.0, 70000),
              P(5, "Cand", "FR", 47.0, 2.0, 60000), P(6, "Other", "FR", 45.0, 1.0, 60000)]
    edges = [Edge(1, 2), Edge(2, 3), Edge(2, 4), Edge(3, 5), Edge(4, 5)]
    cand = next(p for p in propose(Matcher(Graph(places, edges)), "Lutsk", top=5).proposals
                if p.place.name == "Cand")
    assert ("2 partenaires de vos partenaires sont jumelés avec Cand (Beta, Gamma)",
            "2 partners of your partners are twinned with Cand (Beta, Gamma)") in [
        (r.fr, r.en) for r in cand.reasons]
    assert cand.components["paths"] > 0
    _check_reasons(propose(Matcher(Graph(places, edges)), "Lutsk", top=5))


# -- 3. a town is offered towns --------------------------------------------------------------------
def test_candidates_are_of_the_places_kind_unless_asked(learned: Matcher) -> None:
    kinds = lambda r: {p.place.kind for p in r.proposals}  # noqa: E731
    town = propose(learned, "Town2", top=200)
    assert kinds(town) == {"city"} and town.filters["place_kind"] == "city"
    assert [p.place.name for p in propose(learned, "Oblast", top=5).proposals] == ["Province"]
    assert {p.place.name for p in propose(learned, "Town2", kind="region", top=5).proposals} \
        <= {"Oblast", "Land", "Province"}
    q, regions = learned.find("Town2"), [learned.find(r) for r in ("Oblast", "Province")]
    assert learned.candidates(q, kind="any")[regions].all()
    assert not learned.candidates(q)[regions].any()
    with pytest.raises(BadFilter, match="twinning is a partnership kind"):
        propose(learned, "Town2", kind="twinning", top=200)
    with pytest.raises(BadFilter, match="a place kind: city, region"):
        propose(learned, "Town2", kind="town")


# -- 4. the matcher is cached per atlas version; an unknown place fails before building ----------
@pytest.fixture()
def atlas_url(tmp_path) -> str:
    from jumelage.atlas import Atlas

    url = f"sqlite:///{tmp_path / 'atlas.sqlite'}"
    with Atlas.open(url) as atlas:
        ids = [atlas.add_manual("place", {"name": n, "country": c, "population": pop})
               for n, c, pop in (("Lutsk", "UA", 210000), ("Rivne", "UA", 240000),
                                 ("Lublin", "PL", 340000), ("Chelm", "PL", 60000))]
        atlas.add_manual("partnership", {"places": [ids[0], ids[2]], "kind": "twinning"})
    return url


def test_the_built_matcher_is_cached_per_atlas_version(atlas_url, monkeypatch, tmp_path) -> None:
    import jumelage.match.cache as cache
    from jumelage.atlas import Atlas

    built = []
    real = cache.graph_from_atlas

    def counting(atlas):
        graph = real(atlas)
        built.append(graph.n)
        return graph

    monkeypatch.setattr(cache, "graph_from_atlas", counting)
    with Atlas.open(atlas_url) as atlas:
        first = propose(atlas, "Lutsk")
    with Atlas.open(atlas_url) as atlas:
        second = propose(atlas, "Lutsk")
    assert built == [4] and first.to_dict() == second.to_dict()
    assert len(list((tmp_path / "cache" / "match").glob("*.pickle"))) == 1
    with Atlas.open(atlas_url) as atlas:
        atlas.add_manual("place", {"name": "Kovel", "country": "UA"})
        assert "Kovel" in [p.place.name for p in propose(atlas, "Lutsk").proposals]
    assert built == [4, 5]                                      # a new version: rebuilt


def test_an_unknown_place_fails_at_once_with_close_names(atlas_url, monkeypatch) -> None:
    import jumelage.match as match
    from jumelage.atlas import Atlas

    def never(atlas):
        raise AssertionError("the matcher was built for an unknown place")

    monkeypatch.setattr(match, "cached_matcher", never)
    with Atlas.open(atlas_url) as atlas, pytest.raises(MatchError) as e:
        propose(atlas, "Lutks")
    assert str(e.value) == "no place named 'Lutks' in the atlas; close names: Lutsk (UA)"
    result = CliRunner().invoke(app, ["match", "Atlantis-sur-Mer", "--db", atlas_url])
    assert result.exit_code == 1
    assert result.output.strip() == "error: no place named 'Atlantis-sur-Mer' in the atlas"


# -- 5. a wrong option value is a usage error: exit 2, one line --------------------------------
@pytest.mark.parametrize("args, words", [
    (["--population", "abc"], "population range 'abc': expected MIN:MAX"),
    (["--population", "9:1"], "is empty"),
    (["--country", "FRA"], "country 'FRA': expected a two-letter"),
    (["--theme", "piracy"], "unknown theme 'piracy'"),
    (["--kind", "town"], "kind 'town': expected a place kind: city, region"),
    (["--lang", "de"], "--lang 'de': expected fr or en"),
    (["--top", "0"], "top must be between 1 and 200"),
])
def test_bad_option_values_exit_2_with_one_line(atlas_url, args, words) -> None:
    result = CliRunner().invoke(app, ["match", "Lutsk", *args, "--db", atlas_url])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0]


# -- 6. a theme no proposal can meet: an empty answer with a note, never an error -------------
def test_a_theme_no_place_has_is_said_plainly(atlas_url) -> None:
    from jumelage.atlas import Atlas

    with Atlas.open(atlas_url) as atlas:
        result = propose(atlas, "Lutsk", theme="water_sanitation")
    assert not result.proposals and [n.code for n in result.notes] == ["no_place_yet"]
    assert "aucun lieu de l'atlas ne travaille encore sur l'eau" in result.notes[0].fr
    places = [P(1, "A", "FR", themes={"culture": 1}), P(2, "B", "FR", themes={"sport": 2}),
              P(3, "C", "FR")]
    assert [n.code for n in propose(Matcher(Graph(places, [])), "A", theme="health").notes] == [
        "no_place_yet"]
    # only the asking place's current partners work on it
    partnered = propose(Matcher(Graph(places, [Edge(1, 2)])), "A", theme="sport")
    assert not partnered.proposals and [n.code for n in partnered.notes] == ["only_partners"]
    assert partnered.notes[0].en == "only your current partners work on sport"
    result = CliRunner().invoke(app, ["match", "Lutsk", "--theme", "health", "--db", atlas_url,
                                      "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["proposals"] == [] and answer["notes"][0]["code"] == "no_place_yet"


def test_the_suite_never_uses_the_real_cache_dir(monkeypatch) -> None:
    """conftest's session fixture: even without a test's own folder, caches go to a tmp dir."""
    import os
    from pathlib import Path

    from jumelage.match.cache import cache_dir

    monkeypatch.undo()                   # drop this file's per-test folder, keep conftest's
    root = Path(os.environ["JUMELAGE_CACHE_DIR"]).resolve()
    assert cache_dir().resolve() == root / "match"
    assert not str(root).startswith(str(Path.home().resolve() / ".cache"))
