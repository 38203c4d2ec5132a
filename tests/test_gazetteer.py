"""The gazetteer: countries, resolving place mentions, scanning text for place names.

The index is built on first use in the user cache directory (about ten seconds, once).
"""
from __future__ import annotations

import json

import pytest

from jumelage.gazetteer import country_code, country_name_fr, get_gazetteer
from jumelage.gazetteer.countries import is_country_name
from jumelage.gazetteer.gazetteer import Gazetteer, PlaceMatch
from jumelage.gazetteer.index import DATA, iter_json_object, read_tsv, usable_alternate


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return get_gazetteer()


# -- countries ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, code", [
    ("Allemagne", "DE"), ("allemande", "DE"), ("allemand", "DE"), ("allemands", "DE"),
    ("Burkina Faso", "BF"), ("Burkina", "BF"), ("burkinabè", "BF"), ("burkinabé", "BF"),
    ("Royaume-Uni", "GB"), ("anglaise", "GB"), ("britanniques", "GB"),
    ("Etats-Unis", "US"), ("États-Unis", "US"), ("des États-Unis", "US"), ("américaine", "US"),
    ("Israël", "IL"), ("israélienne", "IL"),
    ("Palestine", "PS"), ("Cisjordanie", "PS"), ("palestiniens", "PS"),
    ("Sahara occidental", "EH"), ("sahraoui·es", "EH"), ("sahraouie", "EH"),
    ("Arménie", "AM"), ("arménienne", "AM"), ("Chine", "CN"), ("chinoise", "CN"),
    ("Haïti", "HT"), ("haïtienne", "HT"), ("Russie", "RU"), ("russe", "RU"),
    ("Fédération de Russie", "RU"), ("Ukraine", "UA"), ("ukrainienne", "UA"),
    ("Italie", "IT"), ("italienne", "IT"), ("italien·ne·s", "IT"), ("Portugal", "PT"),
    ("portugaise", "PT"), ("Lituanie", "LT"), ("Pologne", "PL"), ("Japon", "JP"),
    ("Mali", "ML"), ("malienne", "ML"), ("Cuba", "CU"), ("Algérie", "DZ"), ("l'Algérie", "DZ"),
    ("Belgique", "BE"), ("Espagne", "ES"), ("Iran", "IR"), ("Corée du Sud", "KR"),
    ("République démocratique du Congo", "CD"), ("Côte d'Ivoire", "CI"), ("Kosovo", "XK"),
])
def test_country_code(text: str, code: str) -> None:
    assert country_code(text) == code


@pytest.mark.parametrize("text", ["Mairie", "jumelage", "ville", "", "Europe", "Afrique"])
def test_country_code_of_other_words(text: str) -> None:
    assert country_code(text) is None


def test_every_country_has_a_french_name() -> None:
    import pycountry

    for country in pycountry.countries:
        assert country_name_fr(country.alpha_2) != country.alpha_2
        assert country_code(country_name_fr(country.alpha_2)) == country.alpha_2
    assert country_name_fr("de") == "Allemagne"
    assert country_name_fr("PS") == "Palestine"
    assert country_name_fr("RU") == "Russie"
    assert country_name_fr("US") == "États-Unis"
    assert is_country_name("Etats-Unis") and not is_country_name("allemande")


# -- resolving ----------------------------------------------------------------------------------

@pytest.mark.parametrize("mention, context, geonames_id, country", [
    ("Padoue", {}, 3171728, "IT"),
    ("Halle", {"countries": ["DE"]}, 2911522, "DE"),
    ("HALLE", {"countries": ["Allemagne"]}, 2911522, "DE"),
    ("Rumilly", {}, 2982159, "FR"),
    ("Newcastle", {"countries": ["GB"]}, 2641673, "GB"),
    ("Lviv", {}, 702550, "UA"),
    ("Lvov", {}, 702550, "UA"),
    ("Léopol", {}, 702550, "UA"),
    ("Moscou", {}, 524901, "RU"),
    ("Kiryat Shmona", {}, 293825, "IL"),
    ("Mahlberg", {"countries": ["DE"]}, 2874486, "DE"),
    ("Malaucène", {}, 2996495, "FR"),
    ("Florstadt", {}, 3208053, "DE"),
    ("Bishop’s Stortford", {}, 2655562, "GB"),
    ("Bishop’Stortford", {}, 2655562, "GB"),
    ("Nankin", {}, 1799962, "CN"),
    ("Cincinnati", {}, 4508722, "US"),
    ("Ivry-sur-Seine", {}, 3012621, "FR"),
    ("Masis", {}, 616435, "AM"),
    ("Sotchi", {}, 491422, "RU"),
    ("Baden-Baden", {}, 2953504, "DE"),
    ("Karlsruhe", {}, 2892794, "DE"),
    ("Kaunas", {}, 598316, "LT"),
    ("KAUNAS", {}, 598316, "LT"),
    ("Essen", {"countries": ["DE"]}, 2928810, "DE"),
    ("Brandebourg-sur-la-Havel", {}, 2945358, "DE"),
    ("Brandenbourg-sur-la-Havel", {}, 2945358, "DE"),
    ("Kryvyï Rih", {}, 703845, "UA"),
    ("Jérusalem-Est", {}, 7303419, "PS"),
    ("Villiers-sur-Marne", {}, 2968142, "FR"),
    ("Pléneuf Val-andré", {}, 2986800, "FR"),
    ("Ville de Rumilly", {}, 2982159, "FR"),
    ("Tübingue", {}, 2820860, "DE"),
    ("Beit Sahour", {}, 284304, "PS"),
])
def test_resolve_known_places(gaz: Gazetteer, mention: str, context: dict, geonames_id: int,
                              country: str) -> None:
    match = gaz.resolve(mention, **context)
    assert match is not None, mention
    assert (match.geonames_id, match.country) == (geonames_id, country)
    assert 0.0 < match.score <= 1.0
    assert match.kind == "city"


@pytest.mark.parametrize("mention, country", [
    ("Banfora", "BF"), ("Nouna", "BF"), ("Jacmel", "HT"), ("Ouagadougou", "BF"),
])
def test_resolve_small_towns_abroad(gaz: Gazetteer, mention: str, country: str) -> None:
    match = gaz.resolve(mention)
    assert match is not None and match.country == country
    assert match.lat and match.lon and match.population > 0


def test_place_match_carries_coordinates_and_names(gaz: Gazetteer) -> None:
    match = gaz.resolve("Padoue")
    assert isinstance(match, PlaceMatch)
    assert match.name == "Padua" and match.matched == "padoue"
    assert abs(match.lat - 45.4) < 0.1 and abs(match.lon - 11.9) < 0.1
    assert not match.exact  # an alternate name, not GeoNames' own
    assert gaz.resolve("Padua").exact


@pytest.mark.parametrize("word", [
    "Ville", "Mairie", "Europe", "Maire", "Conseil", "Marché", "Comité", "Santé", "Culture",
    "Noël", "Paix", "La Ville", "Les Marchés", "Arménien", "Allemande", "ONG", "Centre",
])
def test_common_words_do_not_resolve(gaz: Gazetteer, word: str) -> None:
    assert gaz.resolve(word) is None
    assert not gaz.is_place_name(word)


def test_words_before_the_name(gaz: Gazetteer) -> None:
    assert gaz.resolve("la commune de Nouna").geonames_id == 2357163
    assert gaz.resolve("Stadt Mahlberg").geonames_id == 2874486
    assert gaz.resolve("Mairie de Padoue").geonames_id == 3171728
    assert gaz.resolve("la Havane").country == "CU"
    assert gaz.resolve("Ville-d'Avray").country == "FR"  # a whole name, not "Ville de Avray"
    assert gaz.resolve("la commune de padoue") is None


def test_short_and_lowercase_mentions_do_not_resolve(gaz: Gazetteer) -> None:
    assert gaz.resolve("Ay") is None  # a French commune, but two letters never resolve
    assert gaz.resolve("padoue") is None
    assert gaz.resolve("") is None
    assert gaz.resolve("Xyzzyqwertville") is None


def test_country_names_are_not_towns(gaz: Gazetteer) -> None:
    assert gaz.resolve("Allemagne") is None  # not Allemagne-en-Provence
    assert gaz.resolve("France") is None
    luxembourg = gaz.resolve("Luxembourg")  # a city of that very country
    assert luxembourg is not None and luxembourg.country == "LU"


def test_words_that_are_towns_only_in_title_case(gaz: Gazetteer) -> None:
    assert gaz.resolve("Sens", countries=["FR"]).geonames_id == 2975050
    assert gaz.resolve("SENS") is None


# -- homonyms -----------------------------------------------------------------------------------

def test_friedberg_largest_unless_the_region_is_said(gaz: Gazetteer) -> None:
    plain = gaz.resolve("Friedberg", countries=["DE"])
    assert plain.geonames_id == 2924803  # Bavarian Friedberg, 29,953 inhabitants, vs 27,484
    assert plain.score < 0.7  # two towns of similar size: not sure
    assert gaz.resolve("Friedberg (Hesse)").geonames_id == 2924802
    assert gaz.resolve("Friedberg (Hessen)").geonames_id == 2924802
    assert gaz.resolve("Friedberg (Bavière)").geonames_id == 2924803


def test_country_in_context_wins(gaz: Gazetteer) -> None:
    # with no country named, a homonym where French twinnings usually are (Europe) wins over the
    # larger Australian one (issue 10: USUAL_BONUS); a named country still decides
    assert gaz.resolve("Newcastle").country == "GB"
    assert gaz.resolve("Newcastle", countries=["Australie"]).country == "AU"
    assert gaz.resolve("Newcastle", countries=["Royaume-Uni"]).geonames_id == 2641673
    assert gaz.resolve("Essen", countries=["BE"]).country == "BE"
    assert gaz.resolve("Halle", countries=["BE"]).country == "BE"
    assert gaz.resolve("Nouna (Burkina Faso)").geonames_id == 2357163


def test_near_and_preferred_country(gaz: Gazetteer) -> None:
    halle_be = gaz.resolve("Halle", near=(50.85, 4.35))  # near Brussels
    assert halle_be.country == "BE"
    assert gaz.resolve("Valence", countries=["Espagne"]).geonames_id == 2509954  # Valencia
    assert gaz.resolve("Valence", prefer_country="FR").geonames_id == 2971053
    # Spelled as GeoNames spells the French town, which tips the balance without context.
    assert gaz.resolve("Valence").geonames_id == 2971053
    assert gaz.resolve("Saint-Cloud").country == "FR"
    # spelled otherwise, the usual-country prior keeps the French town without context
    assert gaz.resolve("Saint Cloud").country == "FR"
    assert gaz.resolve("Saint Cloud", countries=["États-Unis"]).country == "US"
    assert gaz.resolve("Rumilly").geonames_id == 2982159  # larger than Rumilly-en-Cambrésis


def test_regions_only_when_said_or_alone(gaz: Gazetteer) -> None:
    assert gaz.resolve("Mopti").kind == "city"
    region = gaz.resolve("Région de Mopti")
    assert region.kind == "region" and region.country == "ML"
    assert gaz.resolve("Bavière").kind == "region"
    assert gaz.resolve("Mopti", kind="region").kind == "region"


def test_camps(gaz: Gazetteer) -> None:
    camp = gaz.resolve("Jalazone")
    assert camp is not None and camp.kind == "camp" and camp.country == "PS"
    assert camp.geonames_id is None  # GeoNames has no populated place for it
    assert gaz.resolve("le camp de Jalazone").kind == "camp"
    assert gaz.resolve("Camp de réfugiés de Jalazone").kind == "camp"
    tindouf = gaz.resolve("Camps de réfugiés sahraouis de Tindouf")
    assert tindouf.kind == "camp" and tindouf.country == "DZ"


def test_near_spellings(gaz: Gazetteer) -> None:
    assert gaz.resolve("Florstad").geonames_id == 3208053
    assert gaz.resolve("Mühlheim-am-Mein").geonames_id == 2867985
    assert gaz.resolve("Florstad", fuzzy=False) is None
    assert gaz.resolve("Florstad").score < gaz.resolve("Florstadt").score


# -- lookup, by id, is_place_name ---------------------------------------------------------------

def test_lookup_lists_every_homonym(gaz: Gazetteer) -> None:
    halles = gaz.lookup("Halle")
    ids = [m.geonames_id for m in halles]
    assert ids[0] == 2911522 and 2796696 in ids and len(ids) >= 4
    assert [m.population for m in halles] == sorted((m.population for m in halles), reverse=True)


def test_by_id(gaz: Gazetteer) -> None:
    kaunas = gaz.by_id(598316)
    assert kaunas.name == "Kaunas" and kaunas.country == "LT"
    assert gaz.by_id(1) is None


def test_is_place_name(gaz: Gazetteer) -> None:
    assert gaz.is_place_name("Padoue")
    assert gaz.is_place_name("KAUNAS")
    assert gaz.is_place_name("Bishop’s Stortford")
    assert not gaz.is_place_name("padoue")
    assert not gaz.is_place_name("Bonjour")


def test_every_curated_name_resolves_to_its_place(gaz: Gazetteer) -> None:
    for exonym, geonames_id, *_ in read_tsv(DATA / "fr_exonyms.tsv"):
        place = gaz.by_id(int(geonames_id))
        assert place is not None, exonym
        assert int(geonames_id) in {m.geonames_id for m in gaz.lookup(exonym)}, exonym


def test_singleton() -> None:
    assert get_gazetteer() is get_gazetteer()


# -- scanning text ------------------------------------------------------------------------------

TEXT = (
    "Le comité de jumelage de Villiers-sur-Marne a reçu samedi une délégation de "
    "Brandebourg-sur-la-Havel et de Bishop’s Stortford. La Ville remercie la Mairie de Padoue "
    "et nos amis de Grande-Bretagne. Le maire de Sens a écrit à Halle an der Saale.\n"
    "Pléneuf Val-andré accueille Florstadt. Santé, Culture et Paix au programme."
)


def test_find_candidates(gaz: Gazetteer) -> None:
    found = gaz.find_candidates(TEXT)
    names = [name for _, _, name in found]
    assert names == [
        "Villiers-sur-Marne", "Brandebourg-sur-la-Havel", "Bishop’s Stortford", "Padoue",
        "Sens", "Halle an der Saale", "Pléneuf Val-andré", "Florstadt",
    ]
    for start, end, name in found:
        assert TEXT[start:end] == name


def test_find_candidates_skips_word_like_towns_opening_a_sentence(gaz: Gazetteer) -> None:
    names = [n for _, _, n in gaz.find_candidates("Tours et détours. Le maire de Tours.")]
    assert names == ["Tours"]
    assert gaz.find_candidates("Le maire de Tours.")[0][:2] == (12, 17)


def test_find_candidates_on_capitals(gaz: Gazetteer) -> None:
    text = "NOS VILLES JUMELLES : KAUNAS (Lituanie), ESSEN et HALLE (Allemagne)."
    assert [n for _, _, n in gaz.find_candidates(text)] == ["KAUNAS", "ESSEN", "HALLE"]


# -- the index builder --------------------------------------------------------------------------

def test_streamed_json_matches_json_load(tmp_path) -> None:
    data = {str(i): {"name": f"Ville {i}", "alternatenames": ["A", "Bé", "C{}"], "n": i * 1.5}
            for i in range(300)}
    path = tmp_path / "cities.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    assert dict(iter_json_object(path, chunk_size=97)) == data
    empty = tmp_path / "empty.json"
    empty.write_text("{ }", encoding="utf-8")
    assert list(iter_json_object(empty)) == []


def test_noisy_alternate_names_are_dropped() -> None:
    assert usable_alternate("Padoue")
    assert usable_alternate("eThekwini")
    assert not usable_alternate("mosko")  # lower-case transliteration
    assert not usable_alternate("QPA")  # airport code
    assert not usable_alternate("Падуя")
    assert not usable_alternate("Paris 01")


def test_unwritable_cache_is_one_clear_error(tmp_path) -> None:
    from jumelage.errors import JumelageError
    from jumelage.gazetteer.index import ensure_index

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(JumelageError, match="cannot build the gazetteer index"):
        ensure_index(blocker / "sub" / "gazetteer.sqlite")


def test_parenthesis_hints(gaz: Gazetteer) -> None:
    assert gaz.resolve("Halle (Belgique)").geonames_id == 2796696
    assert gaz.resolve("Saint-Louis (Sénégal)").country == "SN"
    assert gaz.resolve("Nouna (Italie)") is None  # no Nouna there: not the Burkinabè one
    assert gaz.resolve("Laiwu (Jinan)").country == "CN"  # a nearby city as the hint


def test_doubt_when_no_candidate_is_in_the_named_countries(gaz: Gazetteer) -> None:
    lier = gaz.resolve("Lier", countries=["NO"])  # only the Belgian Lier is in GeoNames
    assert lier.country == "BE" and lier.score <= 0.5
    assert gaz.resolve("Florstad", countries=["FR"]) is None  # near-spellings stay in country


def test_overseas_france_counts_as_france(gaz: Gazetteer) -> None:
    abymes = gaz.resolve("Les Abymes", countries=["France"])
    assert abymes.country == "GP" and abymes.score > 0.9


def test_match_to_record_place(gaz: Gazetteer) -> None:
    place = gaz.resolve("Padoue").to_place("p1", "Padoue")
    assert (place.ref, place.name, place.country, place.geonames_id) == ("p1", "Padoue", "IT",
                                                                         3171728)
    assert place.aliases == ["Padua"] and place.kind == "city" and place.lat
    camp = gaz.resolve("Jalazone").to_place("p2")
    assert camp.geonames_id is None and camp.kind == "camp" and camp.population is None


def test_function_words_that_are_towns(gaz: Gazetteer) -> None:
    text = "Celle de Meudon est jumelée avec Celle. Depuis, Sienne aussi."
    assert [n for _, _, n in gaz.find_candidates(text)] == ["Meudon", "Celle", "Sienne"]
    assert gaz.resolve("Celle").country == "DE"
    assert gaz.resolve("Depuis") is None


def test_unwritable_cache_falls_back_to_the_temporary_folder(tmp_path, monkeypatch):
    """A read-only user cache must not stop extraction: the index goes to the temporary folder."""
    from jumelage.gazetteer import index

    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    monkeypatch.delenv("JUMELAGE_CACHE_DIR", raising=False)
    monkeypatch.setattr(index.platformdirs, "user_cache_dir", lambda *a, **k: str(blocked / "cache"))
    monkeypatch.setattr(index.tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    monkeypatch.setattr(index, "build", lambda path: path.write_bytes(b""))
    path = index.ensure_index()
    assert path.parent == tmp_path / "tmp" / path.parent.name
    assert path.exists()


def test_the_french_around_names_is_data() -> None:
    """Articles, contractions and country patterns come from data/fr_grammar.json (one place)."""
    import json
    from pathlib import Path

    from jumelage.gazetteer import french

    data = json.loads((Path(french.__file__).with_name("data") / "fr_grammar.json").read_text())
    assert french.ARTICLES == frozenset(data["articles"])
    assert french.contracted_article("des") == "Les " and french.contracted_article("Du") == "Le "
    assert french.contracted_article("de") is None
    found = french.COUNTRY_AFTER.match("Kouré (Niger)", len("Kouré"))
    assert found is not None and found.group("words") == "Niger"
