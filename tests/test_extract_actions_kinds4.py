"""Action kinds of issue 10, fourth round (`extract/events.py`, cues in data/fr/cues.json), each on
French sentences written for these tests (real towns, invented facts)."""
import pytest

from jumelage.extract import default_extractor, extract_text
from test_extract_actions_units import names


def test_exchanges_between_our_twin_towns_are_an_action_with_every_partner():
    text = ("La ville de Vitré est jumelée avec la ville anglaise de Lichfield depuis 1965 "
            "et avec la ville allemande de Hilden depuis 1972.\n\n"
            "Tout au long de l'année, des rencontres régulières ont lieu entre nos villes jumelées "
            "au niveau des écoles de musique et des clubs de tennis de table.")
    ext = extract_text(text)
    assert len(ext.actions) == 1
    act = ext.actions[0]
    assert names(ext, act.actors + act.partners) == {"Vitré", "Lichfield", "Hilden"}
    assert act.status == "ongoing"          # « ont lieu » is a present, not a compound past


def test_twin_towns_named_together_without_an_act_give_no_action():
    text = ("La ville de Vitré est jumelée avec la ville anglaise de Lichfield depuis 1965 "
            "et avec la ville allemande de Hilden depuis 1972.\n\n"
            "Nos villes jumelées sont de taille comparable.")
    assert not extract_text(text).actions


def test_taking_contact_with_the_twin_town_is_an_action():
    text = ("date 2023-09\nLa commune de Bressuire est jumelée avec Ansbach depuis 1962.\n\n"
            "Après les orages du début de septembre 2023, le maire a pris contact avec les "
            "services d'Ansbach pour connaître leurs besoins.")
    ext = extract_text(text)
    assert len(ext.actions) == 1
    assert names(ext, ext.actions[0].actors + ext.actions[0].partners) == {"Bressuire", "Ansbach"}
    assert ext.actions[0].status == "done"


@pytest.mark.parametrize("sentence", [
    "Le maire a pris contact avec les services de la ville jumelle.",
    "Des nouvelles sont prises chaque semaine auprès de nos amis.",
    "L'adjointe s'est entretenue par téléphone avec son homologue.",
])
def test_contacts_between_twins_are_action_cues(sentence):
    from jumelage.extract.events import Facts
    from jumelage.extract.lexicon import fold_same_length

    facts = Facts(None, fold_same_length(sentence), 0, [], [], None)
    assert facts.trigger


def test_a_present_with_lieu_is_no_compound_past():
    from jumelage.extract import cues

    assert not cues.raw_pattern("compound_past").search("des concerts ont lieu chaque printemps")
    assert cues.raw_pattern("compound_past").search("le concert a eu lieu en mai")


def test_a_grant_with_its_sum_after_a_visit_is_a_second_action():
    text = ("La commune de Saint-Brieuc est jumelée avec Aberystwyth.\n\n"
            "Le maire de Saint-Brieuc et deux adjoints se sont rendus à Aberystwyth du 2 au 5 mai 2022 "
            "pour rencontrer les familles sinistrées.\n"
            "Très vite, la commune s'est mobilisée en votant une subvention de 4 000 euros pour aider "
            "la ville galloise.")
    ext = extract_text(text)
    assert len(ext.actions) == 2
    assert [(a.value, a.currency) for a in ext.actions[1].amounts] == [(4000, "EUR")]
    assert not ext.actions[0].amounts


def test_the_yearly_sum_of_a_lasting_support_stays_with_it():
    text = ("La commune de Saint-Brieuc est jumelée avec Aberystwyth.\n\n"
            "Depuis 1998, la ville de Saint-Brieuc apporte son soutien aux écoles d'Aberystwyth. "
            "La subvention annuelle, versée au comité de jumelage, s'élève cette année à 3 500 euros.")
    ext = extract_text(text)
    assert len(ext.actions) == 1
    assert [(a.value, a.currency) for a in ext.actions[0].amounts] == [(3500, "EUR")]


def test_a_record_opened_in_the_headline_keeps_only_the_body():
    text = ("Des élus de Vannes en visite à Cuxhaven\n"
            "Le maire de Vannes et trois adjoints se sont rendus à Cuxhaven du 4 au 7 juin 2023 pour "
            "préparer le soixantième anniversaire du jumelage.")
    ext = extract_text(text)
    assert len(ext.actions) == 1
    assert ext.actions[0].span[0] >= text.index("Le maire")


def test_the_body_telling_of_a_signing_wins_over_the_headline():
    text = ("date 2023-06 Signature d'une charte d'amitié entre Vannes et Cuxhaven au salon d'honneur "
            "de l'hôtel de ville de Vannes. Photo : service communication\n\n"
            "Vannes — Le 3 juin 2023, les maires de Vannes et de Cuxhaven ont signé une charte d'amitié "
            "au salon d'honneur, en présence des deux comités de jumelage.")
    ext = extract_text(text)
    assert len(ext.actions) == 1
    assert ext.actions[0].span[0] >= text.index("Le 3 juin")


def test_a_text_cut_off_on_an_open_clause_gives_no_record_from_it():
    text = ("La commune de Vannes est jumelée avec Cuxhaven depuis 1963.\n\n"
            "En mai 2019, une délégation de Vannes s'est rendue à Cuxhaven pour la fête du port.\n"
            "En 2020, le chantier mené par l'association,\n")
    ext = extract_text(text)
    assert len(ext.actions) == 1
    assert ext.actions[0].span[1] <= text.index("En 2020")


def test_first_exchanges_toward_a_cooperation_are_an_action():
    text = ("La ville de Montbrison souhaite s'ouvrir à l'Afrique de l'Ouest.\n\n"
            "Des premiers échanges ont été menés avec la commune de Kindia, en Guinée, pour poser les "
            "bases d'une coopération décentralisée.")
    ext = extract_text(text)
    assert len(ext.actions) == 1
    assert names(ext, ext.actions[0].actors + ext.actions[0].partners) == {"Montbrison", "Kindia"}


def test_a_founding_that_foresees_exchanges_stays_a_partnership_statement():
    from jumelage.extract.events import _only_since
    from jumelage.extract.lexicon import fold_same_length

    assert _only_since(fold_same_length("La charte de jumelage signée avec Kindia prévoit des échanges "
                                        "scolaires."), [])
    assert not _only_since(fold_same_length("Des échanges ont été menés avec Kindia pour préparer un "
                                            "jumelage."), [])


def test_a_gift_of_the_twin_towns_told_in_a_cleft_sentence_is_an_action():
    text = ("La commune de Lamballe est jumelée avec Oberhaching et avec Whitchurch.\n\n"
            "Chaque printemps, la commune récompense les meilleurs élèves de ses écoles. "
            "Ce sont les villes jumelles qui offrent les livres aux lauréats.")
    ext = extract_text(text)
    assert len(ext.actions) == 1
    assert names(ext, ext.actions[0].actors + ext.actions[0].partners) == {"Lamballe", "Oberhaching", "Whitchurch"}


@pytest.mark.parametrize("sentence, description", [
    ("Ce sont les villes jumelles qui offrent les prix.", False),
    ("C'est la ville de Tczew qui a envoyé les masques.", False),
    ("Les échanges entre les deux villes sont très réguliers.", True),
])
def test_a_cleft_sentence_is_no_description(sentence, description):
    from jumelage.extract.analysis import Unit
    from jumelage.extract.events import describes

    nlp = default_extractor().nlp

    class Stub:
        doc = nlp(sentence)

    assert describes(Stub(), Unit(0, len(sentence), 0, "para")) is description


def test_the_officers_who_act_do_not_make_a_governance_theme():
    from jumelage.extract.themes import themes_for

    text = ("Le maire de Dinan et son adjointe ont accompagné les élèves du collège à Tczew pour un "
            "échange linguistique.")
    assert themes_for(text) == ["education", "language"]
    assert "governance" in themes_for("Le maire de Dinan et le maire de Tczew ont signé une charte "
                                      "d'amitié à la mairie.")


def test_help_between_twins_in_a_crisis_is_humanitarian():
    text = ("date 2020-05\nLa ville de Dinan est jumelée avec Tczew depuis 1995.\n\n"
            "En avril 2020, au plus fort de l’épidémie de covid-19, la ville de Dinan a expédié "
            "2 000 masques à Tczew.")
    ext = extract_text(text)
    assert len(ext.actions) == 1
    assert set(ext.actions[0].themes) == {"health", "humanitarian"}


@pytest.mark.parametrize("text, stamp", [
    ("- 14 mars 2023 à 08:12 - Temps de lecture : 2 min", True),
    ("Mis à jour le 3 avril 2021, 17:45", True),
    ("Le 12 mai 2023 à 18h30, réception des amis de Tczew à la salle des fêtes.", False),
    ("Le 12 mai 2023, réception à la mairie.", False),
])
def test_a_date_with_a_clock_time_is_a_publication_stamp(text, stamp):
    from jumelage.extract.dates import find_dates
    from jumelage.extract.events import stamped

    dates = [d for d in find_dates(text, None) if d.start]
    assert dates and stamped(text, dates[0]) is stamp
