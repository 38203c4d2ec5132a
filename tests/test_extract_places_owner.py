"""Places and owner fault kinds of issue 10 (round 3), each on French sentences written for these
tests: real towns, invented facts, wordings that appear in no shared document."""
import pytest
from test_extract_kinds import names, pairs

from jumelage.extract import extract_text
from jumelage.extract.mentions import ADMIN_UNITS


def owner(ext) -> str | None:
    return next((p.name for p in ext.places if p.ref == ext.owner), None)


# -- administrative units, read from data/fr/admin_units.json ------------------------------------

def _units(text: str) -> list[tuple[str, str]]:
    return [(kind, m.group(group)) for pattern, group, kind in ADMIN_UNITS for m in pattern.finditer(text)]


@pytest.mark.parametrize("text, found", [
    ("le conseil départemental de la Sarthe a voté", ("department", "Sarthe")),
    ("La Région Occitanie coopère", ("region", "Occitanie")),
    ("une aide de Brest Métropole", ("metropolis", "Brest Métropole")),
    ("la Métropole européenne de Lille", ("metropolis", "Métropole européenne de Lille")),
    ("LE CANTON HISTORIQUE DE NOGENT ET LE LANDKREIS DE BAYREUTH", ("department", "NOGENT")),
    ("LE CANTON HISTORIQUE DE NOGENT ET LE LANDKREIS DE BAYREUTH", ("department", "BAYREUTH")),
])
def test_administrative_units_in_any_case_and_with_an_adjective(text, found):
    assert found in _units(text)


def test_and_is_never_inside_a_units_name():
    found = _units("la coopération entre Ziguinchor, Rennes et Rennes Métropole (France)")
    assert found == [("metropolis", "Rennes Métropole")]


def test_city_and_its_metropolis_are_two_partners_of_a_town_abroad_not_of_each_other():
    ext = extract_text("Depuis 2015, la coopération décentralisée entre la ville de Ziguinchor au Sénégal, "
                       "Rennes et Rennes Métropole (France) soutient la gestion des déchets.")
    assert "Rennes et Rennes Métropole" not in names(ext)
    assert frozenset({"Ziguinchor", "Rennes"}) in pairs(ext)
    assert frozenset({"Rennes", "Rennes Métropole"}) not in pairs(ext)


# -- cliques ----------------------------------------------------------------------------------

def test_three_towns_of_three_countries_signing_a_charter_give_three_pairs():
    ext = extract_text("En 1998, Lannion, Bamberg et Opole ont signé une charte de jumelage.")
    assert pairs(ext) == {frozenset(p) for p in (("Lannion", "Bamberg"), ("Lannion", "Opole"),
                                                 ("Bamberg", "Opole"))}


def test_tripartite_twinning_between_three_towns_gives_three_pairs():
    ext = extract_text("Un jumelage tripartite entre Quimper, Ourense et Limerick a été scellé en 1987.")
    assert len(pairs(ext)) == 3


def test_two_towns_of_one_country_signing_with_a_third_are_not_paired_together():
    # also: the parser's cut after « Vannes, » is mended (a sentence never opens with a comma)
    ext = extract_text("Vannes, Lorient et Tchernihiv ont signé une déclaration commune de partenariat "
                       "le 5 mars 2023.")
    assert pairs(ext) == {frozenset({"Vannes", "Tchernihiv"}), frozenset({"Lorient", "Tchernihiv"})}


def test_the_founding_year_wins_over_a_renewal():
    ext = extract_text("Le jumelage entre Lannion et Caerphilly a été signé en 1979. "
                       "Le jumelage entre Lannion et Caerphilly a été renouvelé en 2019.")
    assert ext.partnerships[0].since == "1979"


# -- actor or not --------------------------------------------------------------------------------

@pytest.mark.parametrize("text, word", [
    ("La ville de Lannion est jumelée avec Caerphilly depuis 1979. La chorale a chanté au théâtre "
     "Chopin lors du dernier séjour.", "Chopin"),
    ("La ville de Lannion est jumelée avec Caerphilly depuis 1979. Le comité a consulté l'Atlas "
     "des jumelages avant le séjour.", "Atlas"),
    ("La ville de Lannion est jumelée avec Caerphilly depuis 1979. M. Salmon a présenté le bilan.",
     "Salmon"),
])
def test_a_word_that_only_names_a_small_town_abroad_is_no_place(text, word):
    ext = extract_text(text)
    assert word not in names(ext)
    assert frozenset({"Lannion", "Caerphilly"}) in pairs(ext)


def test_a_town_abroad_named_once_stays_a_place_when_its_country_is_written():
    ext = extract_text("La ville de Lannion est jumelée avec Oświęcim (Pologne) depuis 2004.")
    assert pairs(ext) == {frozenset({"Lannion", "Oświęcim"})}


def test_person_with_a_particle_is_no_town():
    ext = extract_text("Le maire, Lionel de Vernay, a reçu la délégation de Bamberg, ville jumelle de "
                       "Lannion depuis 1975.")
    assert "Vernay" not in names(ext)


def test_street_is_no_town():
    ext = extract_text("La ville de Lannion est jumelée avec Caerphilly. Le comité siège rue de Brest.")
    assert "Brest" not in names(ext)


# -- owner ---------------------------------------------------------------------------------------

def test_department_named_as_such_speaks_rather_than_a_mayor_met_later():
    ext = extract_text("Une délégation de la province de Lào Cai a tenu une réunion avec le département de la "
                       "Sarthe, qui coopère avec Lào Cai depuis 2001. Elle a ensuite vu le maire de Sablé-sur-Sarthe.")
    assert owner(ext) == "Sarthe"
    assert frozenset({"Sarthe", "Lào Cai"}) in pairs(ext)


def test_speaker_keeps_its_likeliest_partner_when_no_sentence_pairs_them():
    ext = extract_text("Jumelages\n\nLa Ville de Niort soutient depuis longtemps Atakpamé (Togo). En 2019, "
                       "Atakpamé a ouvert une nouvelle école. Les élus d'Atakpamé remercient les Niortais.")
    assert frozenset({"Niort", "Atakpamé"}) in pairs(ext)


def test_mayors_of_three_towns_signing_are_a_listed_group_inside_a_longer_sentence():
    ext = extract_text("Lors du festival donné à Guingamp, des conventions de jumelage ont été signées par "
                       "les maires de Paimpol, de Tréguier et de Kaédi.")
    assert pairs(ext) == {frozenset({"Paimpol", "Kaédi"}), frozenset({"Tréguier", "Kaédi"})}


def test_canton_named_as_such_speaks_rather_than_a_village_whose_mayor_signs():
    ext = extract_text("Quarante ans de jumelage\n\nLe canton historique de Brou et le district de Coburg "
                       "ont renouvelé leur charte de jumelage. Le maire de la commune de Dampierre a signé "
                       "au nom du canton de Brou.")
    assert owner(ext) == "Brou"
