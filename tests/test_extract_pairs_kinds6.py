"""Partnership and place fault kinds of issue 10 (round 6), each on French sentences written for
these tests: real towns, invented facts, wordings that appear in no shared document."""
from test_extract_kinds import pairs

from jumelage.extract import extract_text


def places(ext) -> set[str]:
    return {p.name for p in ext.places}


# -- a comparison or a town's surroundings name no party --------------------------------------------

def test_both_sides_of_a_comparison_are_no_partners():
    ext = extract_text("Le maire de Vannes connaît bien Podolsk. Cette ville, comme Versailles pour "
                       "Paris, avait proposé un jumelage à Vannes en 2004.")
    assert not {"Versailles", "Paris"} & places(ext)
    assert frozenset({"Versailles", "Paris"}) not in pairs(ext)


def test_the_town_a_partner_lies_near_is_no_partner():
    ext = extract_text("Située dans la proche banlieue de Cracovie, Wieliczka est jumelée avec "
                       "Rodez depuis 1996.")
    assert "Cracovie" not in places(ext)
    assert pairs(ext) == {frozenset({"Wieliczka", "Rodez"})}


def test_a_club_from_a_towns_suburbs_still_names_the_town():
    ext = extract_text("La ville de Dinan est jumelée avec Vilvorde. En mai 2019, un club de judo "
                       "de la banlieue de Vilvorde est venu à Dinan pour un tournoi.")
    assert "Vilvorde" in places(ext)
