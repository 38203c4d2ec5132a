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


# -- co-twins of one partner are no partners of each other ------------------------------------------

def test_two_towns_each_twinned_with_one_partner_are_not_paired_together():
    ext = extract_text("Le comité de jumelage Dourdan/Saint-Arnoult/Burkina réunit les deux communes. "
                       "Les maires de Dourdan, de Saint-Arnoult-en-Yvelines et de Koudougou ont signé "
                       "des conventions de partenariat. Les communes de Dourdan et de "
                       "Saint-Arnoult-en-Yvelines fêtent vingt ans de jumelage.")
    assert frozenset({"Dourdan", "Saint-Arnoult-en-Yvelines"}) not in pairs(ext)


def test_towns_twinned_with_unnamed_towns_are_not_paired_together():
    ext = extract_text("Jumelées avec des villes chinoises depuis longtemps, Cholet, Angers mais aussi "
                       "Saumur hésitent à maintenir leurs échanges.")
    assert not pairs(ext)


def test_a_list_owner_speaking_pairs_only_with_the_owner():
    ext = extract_text("Notre ville de Bayeux est jumelée avec Dorchester, Ballinasloe et Bad Homburg.")
    assert pairs(ext) == {frozenset({"Bayeux", t}) for t in ("Dorchester", "Ballinasloe", "Bad Homburg")}


# -- a partner's own partnership told in passing ----------------------------------------------------

def test_a_partners_partner_in_apposition_is_paired_with_it():
    ext = extract_text("La ville de Millau coopère avec des communes du Burkina Faso. Des comités de "
                       "jumelage allemands, comme celui de Lörrach, Allemagne, partenaire de Koupéla, "
                       "participent au programme.")
    assert frozenset({"Lörrach", "Koupéla"}) in pairs(ext)


# -- a name right after a partnership word is a town ------------------------------------------------

def test_towns_named_right_after_a_twinning_word_are_paired():
    ext = extract_text("Le jumelage Ciney – Bourg-Saint-Andéol a fêté ses quinze ans en mai 2019.")
    assert pairs(ext) == {frozenset({"Ciney", "Bourg-Saint-Andéol"})}


# -- homonyms with no country named: where French twinnings usually are -----------------------------

def test_a_homonym_with_no_country_named_is_the_usual_partner_countrys():
    from jumelage.gazetteer import get_gazetteer

    gz = get_gazetteer()
    assert gz.resolve("Valencia", prefer_country="FR").country == "ES"
    assert gz.resolve("Christchurch", countries=["FR"], prefer_country="FR").country == "GB"
    assert gz.resolve("Newcastle", countries=["FR"], prefer_country="FR").country == "GB"


def test_a_named_country_or_a_written_accent_still_decides():
    from jumelage.gazetteer import get_gazetteer

    gz = get_gazetteer()
    assert gz.resolve("Valencia", countries=["VE"], prefer_country="FR").country == "VE"
    assert gz.resolve("Christchurch", countries=["NZ"], prefer_country="FR").country == "NZ"
    assert gz.resolve("Covè", countries=["FR"], prefer_country="FR").country == "BJ"


def test_a_text_naming_no_country_pairs_the_european_homonym():
    ext = extract_text("La ville de Saint-Malo est jumelée avec Christchurch depuis 1980.")
    assert {(p.name, p.country) for p in ext.places} >= {("Christchurch", "GB")}


# -- a feed's first story lends its town to no pair --------------------------------------------------

def test_a_feed_whose_stories_link_other_towns_pairs_no_town_of_its_first_story():
    ext = extract_text(
        "NOUVELLES DES JUMELAGES\n\n"
        "Une délégation d'entreprises de Lyon était présente au salon du livre de Trois-Rivières "
        "en mai dernier.\n\n"
        "Le jumelage Sherbrooke-Besançon se porte bien. Les villes de Sherbrooke et de Besançon "
        "sont jumelées depuis 1970 et ont conclu une entente culturelle.\n\n"
        "Le jumelage Sherbrooke-Gand continue d'attirer des étudiants. Une délégation de Gand, "
        "en Belgique, a été reçue en avril à l'hôtel de ville de Sherbrooke.")
    assert frozenset({"Lyon", "Trois-Rivières"}) not in pairs(ext)
    assert frozenset({"Sherbrooke", "Besançon"}) in pairs(ext)


# -- a « pays », a French territory no gazetteer id names, speaks ----------------------------------

def test_a_pays_told_with_its_twinning_committee_is_the_partner():
    ext = extract_text("Jumelage Pays mellois/Tanghin-Dassouri : une nouvelle convention\n\n"
                       "Le Comité de jumelage Pays mellois et la commune de Tanghin-Dassouri ont signé "
                       "une convention de coopération le 3 mars 2021.")
    assert ("Pays mellois", "FR") in {(p.name, p.country) for p in ext.places}
    assert frozenset({"Pays mellois", "Tanghin-Dassouri"}) in pairs(ext)


def test_pays_as_a_common_word_or_a_country_names_no_territory():
    ext = extract_text("Pays partenaires : le Mali et le Niger. Le Pays de Galles accueille la ville "
                       "de Vannes, jumelée avec Cork.")
    assert not {p.name for p in ext.places} & {"Pays partenaires", "Pays de Galles"}


# -- a page whose officials' titles are Belgian speaks from Belgium ---------------------------------

def test_a_bourgmestre_speaking_makes_the_belgian_town_the_owner():
    ext = extract_text(
        "« Nos échanges reposent sur l'amitié », explique Anne Lambert, bourgmestre. Lors de la "
        "foire annuelle, des stands sont tenus par Dinard et par Cochem, qui proposent du cidre "
        "et du vin. Le bourgmestre a reçu le conseil municipal de Cochem en mars pour parler du "
        "développement urbain de Durbuy.")
    owner = {p.ref: p.name for p in ext.places}.get(ext.owner)
    assert owner == "Durbuy"


def test_a_partners_bourgmestre_leaves_the_french_owner():
    ext = extract_text("La ville de Vitré est jumelée avec Lymington depuis 1982. M. Weber, bourgmestre "
                       "de Wittlich, était aussi présent à Vitré.")
    owner = {p.ref: p.name for p in ext.places}.get(ext.owner)
    assert owner == "Vitré"


# -- a river qualifying a town's name is no place -------------------------------------------------

def test_a_river_after_a_slash_is_part_of_the_towns_name():
    ext = extract_text("La commune d'Ettelbruck est jumelée avec la ville allemande de Frankfurt/Oder "
                       "et avec Halle (Saale) depuis 1992.")
    names = {p.name for p in ext.places}
    assert not names & {"Oder", "Saale"}
    assert frozenset({"Ettelbruck", "Halle"}) in pairs(ext) or any("Halle" in n for n in names)


def test_talks_towards_a_partnership_state_none():
    ext = extract_text("La ville de Lorient a reçu une délégation de Cádiz. Les deux ports mènent des "
                       "discussions en vue d'un partenariat culturel.")
    assert frozenset({"Lorient", "Cádiz"}) not in pairs(ext)
