"""Towns the parser misses or drops though the text says where they are (fresh tester, issue 10:
« La Ville de Nancy et Kharkiv sont jumelées » and « jumelée avec Ngoundiane Kébé (Sénégal) » gave
no record at all). French sentences written for these tests (real towns, invented facts)."""
import pytest

from jumelage.extract import extract_text
from test_extract_kinds import names, pairs


def test_the_second_town_of_la_ville_de_a_et_b_is_a_party():
    ext = extract_text("La Ville de Lorient et Ventspils sont jumelées depuis 1989.")
    assert pairs(ext) == {frozenset({"Lorient", "Ventspils"})}
    assert [link.since for link in ext.partnerships] == ["1989"]


def test_a_village_no_gazetteer_holds_keeps_the_country_in_brackets_after_it():
    ext = extract_text("Plouha est jumelée avec Keur Tamba Diallo (Sénégal) depuis 2006.")
    village = next(p for p in ext.places if p.name == "Keur Tamba Diallo")
    assert (village.country, village.geonames_id) == ("SN", None)
    assert pairs(ext) == {frozenset({"Plouha", "Keur Tamba Diallo"})}


def test_a_village_with_its_country_is_a_partner_a_village_inside_a_town_is_not():
    ext = extract_text("Depuis 2015, la commune de Plouha aide le village de Sabouna Kéra (Mali) à "
                       "construire un puits de 12 000 euros.")
    assert "Sabouna Kéra" in names(ext)
    ext = extract_text("Lors de leur visite, les élus de Plouha ont découvert le village de Heimbach, "
                       "près de Bad Honnef, leur ville jumelle.")
    assert "Heimbach" not in names(ext)


def test_a_place_alone_in_brackets_after_a_town_says_where_it_lies():
    ext = extract_text("Auray est jumelée avec Tiverton (Devon) et Saint-Georges (Québec) depuis 1990.")
    assert pairs(ext) == {frozenset({"Auray", "Tiverton"}), frozenset({"Auray", "Saint-Georges"})}
    assert "Québec" not in names(ext)


def test_an_unnamed_speakers_twins_are_never_paired_with_each_other():
    ext = extract_text("Notre commune est jumelée avec Tiverton (Angleterre), Pfaffenhofen (Allemagne) "
                       "et Ciudad Rodrigo (Espagne).")
    assert pairs(ext) == set()


def test_a_first_name_and_a_surname_in_capitals_are_a_person_not_a_town():
    # Touré is a town of Côte d'Ivoire; « Prénom NOM » is how French writes a person
    ext = extract_text("Le jumelage entre Vierzon et Ségou a été signé en 1991 en présence de "
                       "Mamadou Lamine TOURE, président du comité de Ségou.")
    assert "Toure" not in names(ext) and "TOURE" not in names(ext)
    assert pairs(ext) == {frozenset({"Vierzon", "Ségou"})}


def test_a_small_town_named_after_a_partners_contact_is_kept():
    ext = extract_text("Le comité de jumelage de Chelles a accueilli ses amis de Marcali pour la fête "
                       "des vendanges.")
    assert "Marcali" in names(ext)


def test_a_sentence_the_parser_cut_after_a_bracket_or_before_its_stop_is_one_unit():
    from jumelage.extract.pipeline import Extractor, sentence_units
    from jumelage.records import Document

    text = ("Auray, 4 mars 2021. La Région Bretagne et la région de Diourbel (Sénégal) ont renouvelé "
            "leur convention, signée en 2009.")
    doc = Document(name="t.txt", text=text, media_type="text/plain", content_hash="x")
    [(_, layout, sdoc)] = list(Extractor().parse_many([doc]))
    units = [text[u.start:u.end] for u in sentence_units(layout, sdoc)]
    assert any(u.startswith("La Région Bretagne") and u.endswith("signée en 2009.") for u in units)
    assert not any(u.startswith((".", ";")) for u in units)


@pytest.mark.parametrize("text, name, country, lat_range", [
    # two Friedbergs in Germany (Hesse, Bavaria), Toledo in Spain and in Ohio
    ("Lamballe est jumelée avec Friedberg (Hesse) depuis 1972.", "Friedberg", "DE", (50.0, 50.6)),
    ("Lamballe est jumelée avec Friedberg, dans le Land de Bavière, depuis 1972.", "Friedberg", "DE", (48.0, 48.7)),
    ("Lamballe est jumelée avec Toledo, dans l'Ohio, depuis 1991.", "Toledo", "US", (41.0, 42.0)),
])
def test_a_region_named_after_a_town_chooses_among_its_homonyms(text, name, country, lat_range):
    place = next(p for p in extract_text(text).places if p.name == name)
    assert place.country == country and lat_range[0] <= place.lat <= lat_range[1]
