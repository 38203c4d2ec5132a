"""A town named only as the host of a gathering is no party (issue 10: « signée à Varsovie lors du
sommet des maires », Varsovie hosts, it does not partner), while a town where a twinning was
signed stays the partner it usually is. French sentences written for these tests (real towns,
invented facts)."""
import pytest

from jumelage.extract import extract_text
from test_extract_kinds import pairs


def acting(ext) -> set[str]:
    name = {p.ref: p.name for p in ext.places}
    return {name[r] for a in ext.actions for r in a.actors + a.partners}


def test_the_host_of_a_summit_is_no_partner_of_the_owner():
    ext = extract_text("La commune de Pornic a une ville amie anglaise, Cowes, depuis 1988.\n\n"
                       "Une charte de coopération a été signée à Strasbourg lors du sommet européen "
                       "des villes en mai 1990.")
    assert pairs(ext) == {frozenset({"Pornic", "Cowes"})}
    assert "Strasbourg" not in acting(ext)


def test_the_host_of_a_congress_is_left_out_of_a_pair_told_around_it():
    ext = extract_text("Le jumelage entre Lamballe et Oberkirch a été renouvelé le 4 juin 2015 à "
                       "Lyon, à l'occasion du congrès des maires de France.")
    assert pairs(ext) == {frozenset({"Lamballe", "Oberkirch"})}
    assert "Lyon" not in acting(ext)


def test_a_town_where_the_twinning_was_signed_stays_the_partner():
    ext = extract_text("La ville de Pontivy est heureuse de fêter ses amis allemands. "
                       "Le serment de jumelage a été signé à Wittlich en 1982.")
    assert frozenset({"Pontivy", "Wittlich"}) in pairs(ext)


@pytest.mark.parametrize("body", ["section de Nantes", "antenne locale de Nantes",
                                  "délégation régionale de Nantes"])
def test_the_town_of_an_organisations_section_is_no_partner(body):
    ext = extract_text("La ville de Saumur est jumelée avec Verden depuis 1968. Le 5 mars 2022, "
                       f"Saumur a accueilli l'association Les Amis de Verden, {body}, pour une "
                       "exposition de photographies.")
    assert "Nantes" not in {p.name for p in ext.places}


def test_a_town_named_where_an_institution_has_its_seat_is_no_party():
    ext = extract_text("Le 12 février 2020, la convention de coopération entre Vitré et Tabou (Côte "
                       "d'Ivoire) a été signée à Abidjan, au siège de l'Union des villes et communes.")
    assert pairs(ext) == {frozenset({"Vitré", "Tabou"})}
    assert "Abidjan" not in acting(ext)


def test_a_consulates_or_embassys_town_and_a_companys_seat_are_no_actors():
    ext = extract_text("Vitré est jumelée avec Lymington. Le 9 mai 2024, la délégation de Lymington a été "
                       "reçue au consulat général de Grande-Bretagne à Rennes, puis à l'ambassade "
                       "d'Irlande à Paris ; les entreprises Lactalis (Laval) et Bonduelle (Villeneuve-d'Ascq) "
                       "ont présenté leurs programmes.")
    assert pairs(ext) == {frozenset({"Vitré", "Lymington"})}
    assert not {"Rennes", "Paris", "Laval", "Villeneuve-d'Ascq"} & acting(ext)


def test_a_landmark_named_after_a_place_names_no_actor():
    ext = extract_text("Vitré est jumelée avec Lymington depuis 1969. En juillet 2023, douze jeunes de "
                       "Lymington ont restauré le moulin de la Bretonnière et visité le château de Vitré.")
    assert "La Bretonnière" not in {p.name for p in ext.places}
    assert pairs(ext) == {frozenset({"Vitré", "Lymington"})}
