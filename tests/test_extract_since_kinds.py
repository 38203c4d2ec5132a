"""Since when, as a fresh tester found it wrong (issue 10, « Document dates » and « Partnerships
stated as events »): a partner only named in a sentence lends it no founding date, a founding told
in a participle after a renewal still dates it, an age said with « a N ans » is an anniversary.
French sentences written for these tests (real towns, invented facts)."""
import pytest

from jumelage.extract import extract_text


def since(text: str) -> list:
    return [link.since for link in extract_text(text).partnerships]


@pytest.mark.parametrize("text", [
    # the date is the gift's, the decision's or the works' (« décidé », « lancé » found nothing)
    "Lamballe, 6 mai 2020. Le conseil municipal de Lamballe a décidé hier d'expédier 2 000 "
    "blouses à sa ville jumelle d'Oxted.",
    "Vierzon, 15 mars 2022. Notre ville jumelle de Rzeszów (Pologne) héberge depuis début mars des "
    "familles ukrainiennes.",
    "En 2021, Quimperlé a lancé avec sa commune partenaire de Tinkaré (Mali) la construction d'une école.",
])
def test_a_partner_only_named_gets_no_founding_date_from_the_sentence(text):
    assert since(text) == [None]


def test_a_partner_named_with_its_own_since_keeps_it():
    assert since("Lamballe envoie des livres à sa ville jumelle depuis 1985, Oxted.") == ["1985"]
    # the relation itself under a possessive is founded by the sentence's verb
    assert since("Lamballe et Oxted ont signé leur jumelage le 14 mai 1985.") == ["1985-05-14"]


def test_a_founding_participle_after_a_renewal_dates_the_founding():
    assert since("Le Département du Gers et la région de Kayes (Mali) ont renouvelé leur convention de "
                 "coopération, signée en 1994.") == ["1994"]
    assert since("La Ville de Vitré poursuit sa coopération avec Tabou (Côte d'Ivoire), engagée en 2011.") \
        == ["2011"]
    # without a founding participle, a date after the renewal word is the renewal's
    assert since("Vitré et Lymington, jumelées en 1970, ont renouvelé leur serment le 3 juin 2020.") \
        == ["1970"]


def test_an_age_said_with_a_n_ans_is_an_anniversary():
    assert since("Publié le 12 septembre 2024\n\nLe jumelage Vitré-Lymington a 50 ans ! Une fête "
                 "est prévue samedi.") == ["1974"]
    # a delay is no age
    assert "1974" not in since("Publié le 12 septembre 2024\n\nLe jumelage entre Vitré et Lymington "
                               "a 2 ans de retard sur son programme.")


def test_an_appositions_own_since_dates_the_pair():
    ext = extract_text("Monsieur le Maire de Vitré a reçu samedi 4 mai 2024 une délégation de Lymington, "
                       "notre ville jumelle depuis 1969.")
    assert [link.since for link in ext.partnerships] == ["1969"]


def test_the_last_twin_of_a_long_list_is_kept():
    from test_extract_kinds import pairs
    ext = extract_text("Vitré est jumelée avec Lymington, Tabou, Ciudad Rodrigo, Alba Iulia et Piatra Neamț.")
    assert len(pairs(ext)) == 5


def test_a_friendship_with_a_town_is_one_and_its_anniversary_dates_it():
    ext = extract_text("Vitré, le 2 juin 2023\n\nL'amitié avec Tiverton, en Angleterre, fête ses 30 ans "
                       "cette année : un bal a été donné le 20 mai 2023.")
    assert [(link.kind, link.since) for link in ext.partnerships] == [("friendship", "1993")]


def test_each_partner_takes_the_kind_said_before_it():
    ext = extract_text("Vitré est jumelée avec Lymington et coopère avec Tabou (Côte d'Ivoire).")
    by_name = {p.ref: p.name for p in ext.places}
    kinds = {frozenset(by_name[r] for r in link.places): link.kind for link in ext.partnerships}
    assert kinds == {frozenset({"Vitré", "Lymington"}): "twinning",
                     frozenset({"Vitré", "Tabou"}): "cooperation"}


def test_a_region_named_twice_is_one_place_and_a_renewal_is_not_dated_by_the_founding():
    ext = extract_text("Coopération : le Département du Gers renouvelle son engagement avec la région de Kayes\n\n"
                       "Auch, le 6 mars 2024. Le Conseil départemental du Gers et le Conseil régional de "
                       "Kayes (Mali) ont renouvelé leur convention de coopération, signée en 1994.")
    assert [p.name for p in ext.places].count("Kayes") == 1
    assert [link.since for link in ext.partnerships] == ["1994"]
    assert all(a.start != "1994" for a in ext.actions)
