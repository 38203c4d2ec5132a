"""Partnership and place fault kinds of issue 10 (round 5), each on French sentences written for
these tests: real towns, invented facts, wordings that appear in no shared document."""
from test_extract_kinds import names, pairs

from jumelage.extract import extract_text


def since(ext, a: str, b: str) -> str | None:
    by_ref = {p.ref: p.name for p in ext.places}
    for link in ext.partnerships:
        if {by_ref[r] for r in link.places} == {a, b}:
            return link.since
    raise AssertionError(f"no partnership {a}–{b}")


# -- an act's date is not a founding ---------------------------------------------------------------

def test_a_gift_to_a_partner_designated_by_a_possessive_dates_the_gift_not_the_twinning():
    ext = extract_text("En novembre 2021, la municipalité d'Esslingen a fait parvenir deux ambulances à sa "
                       "ville jumelle, Neath.")
    assert since(ext, "Esslingen", "Neath") is None


def test_a_message_to_the_partners_dates_the_message():
    ext = extract_text("Le maire d'Arras a écrit à ses villes partenaires, Ipswich et Herten, le 3 mars 2022.")
    assert all(link.since is None for link in ext.partnerships)


def test_a_partner_said_to_become_one_is_still_dated():
    ext = extract_text("Ravenne est devenue sa ville jumelle en 1965 : Chichester s'en réjouit encore.")
    assert since(ext, "Ravenne", "Chichester") == "1965"


def test_depuis_after_a_possessive_still_says_since_when():
    ext = extract_text("La ville d'Arras est jumelée avec Herten. Elle a offert un tilleul à sa jumelle "
                       "allemande depuis 1963, Herten, en mai 2013.")
    assert since(ext, "Arras", "Herten") == "1963"


# -- a department's article is no part of its name -------------------------------------------------

def test_a_department_named_with_its_article_keeps_its_own_name():
    ext = extract_text("Le conseil départemental du Morbihan a renouvelé en 2019 sa convention de coopération "
                       "avec la région de Matam, signée en 2008.")
    assert "Morbihan" in names(ext)
    assert not any(n.lower().startswith(("le ", "du ")) for n in names(ext))


def test_the_gazetteer_keeps_a_communes_article_and_drops_a_departments():
    from jumelage.gazetteer import get_gazetteer
    gz = get_gazetteer()
    assert gz.article_belongs("Les Herbiers") and gz.article_belongs("Le Mans")
    assert not gz.article_belongs("Le Finistère") and not gz.article_belongs("La Vienne")


# -- a merged town named by its first part ---------------------------------------------------------

def test_a_merged_town_named_by_its_first_part_resolves_to_the_merged_town():
    ext = extract_text("Chaumont a conclu un jumelage avec Garmisch, Kalisz et Leinfelden en 1972.")
    by_name = {p.name: p for p in ext.places}
    assert by_name["Garmisch"].geonames_id == 2922530      # Garmisch-Partenkirchen
    assert by_name["Leinfelden"].geonames_id == 2879185    # Leinfelden-Echterdingen
    assert {frozenset(("Chaumont", "Garmisch")), frozenset(("Chaumont", "Leinfelden"))} <= pairs(ext)


def test_a_first_part_that_is_a_name_of_its_own_or_shared_by_several_stays_itself():
    from jumelage.gazetteer import get_gazetteer
    gz = get_gazetteer()
    assert gz.resolve("Walldorf").name == "Walldorf"
    assert gz.resolve("Kalisz").name == "Kalisz"
    assert gz.resolve("Quatre") is None or gz.resolve("Quatre").name != "Quatre-Champs"   # a small village


# -- a unit is named by its own name, not its council's -------------------------------------------

def test_departments_regions_and_cantons_are_named_without_their_head_words():
    ext = extract_text("Le Département de la Lozère et la Région Occitanie coopèrent avec la province du "
                       "Houet depuis 2016.")
    assert {"Lozère", "Occitanie"} <= names(ext)
    assert not any(n.lower().startswith(("département", "région", "conseil")) for n in names(ext))


def test_a_metropolis_keeps_its_whole_name():
    from jumelage.extract.mentions import unit_own_name
    assert unit_own_name("Rennes Métropole") == "Rennes Métropole"
    assert unit_own_name("Conseil départemental du Val-de-Marne") == "Val-de-Marne"
    assert unit_own_name("canton historique de Montfort") == "Montfort"
