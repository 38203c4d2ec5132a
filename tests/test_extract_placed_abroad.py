"""Towns the parser misses or drops though the text says where they are (fresh tester, issue 10:
« La Ville de Nancy et Kharkiv sont jumelées » and « jumelée avec Ngoundiane Kébé (Sénégal) » gave
no record at all). French sentences written for these tests (real towns, invented facts)."""
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
