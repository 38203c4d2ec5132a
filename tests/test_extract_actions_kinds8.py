"""Action kinds of issue 10, eighth round (`extract/events.py`, `extract/units.py`, cues in
data/fr/cues.json), each on French sentences written for these tests (real towns, invented
facts, wording unlike the seed documents and the tester's texts)."""
import pytest

from jumelage.extract import cues, extract_text
from jumelage.extract.lexicon import fold_same_length
from test_extract_actions_units import names


@pytest.mark.parametrize("sentence, hit", [
    ("Les élus ont voté une subvention de 5 000 euros à Lviv.", True),
    ("Le conseil a adopté une aide d'urgence pour la ville de Tchernihiv.", True),
    ("Une enveloppe de 2 000 € destinée à Bethléem a été votée.", True),
    ("Une aide a été votée hier soir.", False),
    ("Le conseil a voté une aide aux associations sportives.", False),
])
def test_grant_to_town_cue(sentence, hit):
    assert cues.has("grant_to_town", fold_same_length(sentence)) is hit


def test_a_council_grant_voted_to_the_partner_is_an_action_with_it():
    text = ("Vierzon, 20 mars 2022. Vierzon est jumelée avec la ville ukrainienne de Tchernihiv. "
            "Le 17 mars, les élus de Vierzon ont voté une subvention de 6 500 euros à Tchernihiv.")
    ext = extract_text(text)
    grant = [a for a in ext.actions if "subvention" in a.quote]
    assert len(grant) == 1
    assert names(ext, grant[0].actors) == {"Vierzon"} and names(ext, grant[0].partners) == {"Tchernihiv"}
    assert [x.value for x in grant[0].amounts] == [6500.0]
    assert not [i for i in ext.initiatives if "subvention" in i.quote]


def test_a_partner_designated_as_our_twin_acting_at_home_is_its_initiative():
    text = ("Vierzon, 20 mars 2022. Vierzon est jumelée avec Tchernihiv depuis 1993.\n\n"
            "Notre ville jumelle de Tchernihiv héberge depuis trois semaines des familles déplacées "
            "dans ses salles de sport.")
    ext = extract_text(text)
    own = [i for i in ext.initiatives if "héberge" in i.quote]
    assert len(own) == 1 and names(ext, [own[0].place]) == {"Tchernihiv"}
    assert not [a for a in ext.actions if "héberge" in a.quote]


def test_the_designation_does_not_hide_a_contact_told_later():
    text = ("Vierzon, 20 mars 2022. Vierzon est jumelée avec Tchernihiv depuis 1993.\n\n"
            "Notre ville jumelle de Tchernihiv a envoyé une lettre de remerciement à sa jumelle "
            "berrichonne.")
    ext = extract_text(text)
    assert not [i for i in ext.initiatives if "lettre" in i.quote]   # « à sa jumelle »: a contact


def test_the_programme_of_a_stay_is_no_local_initiative():
    text = ("Millau, 12 mai 2023. Vingt lycéens de Millau ont séjourné chez leurs correspondants de "
            "Bamberg, ville jumelle en Bavière. Au programme : la cathédrale, une randonnée en forêt "
            "et une soirée au théâtre.")
    ext = extract_text(text)
    assert not [i for i in ext.initiatives if "soirée" in i.quote]


def test_a_remark_on_the_visit_is_no_local_initiative():
    text = ("Millau, 3 juin 2023. Nos amis de Bamberg, ville jumelle de Millau, étaient là tout le "
            "week-end : accueil en mairie, pique-nique au bord du Tarn, concert sur la place. Une "
            "soirée vraiment géniale, a résumé une jeune Bavaroise.")
    ext = extract_text(text)
    assert not [i for i in ext.initiatives if "soirée" in i.quote]


def test_a_dated_local_event_after_a_visit_stays_an_initiative():
    text = ("Millau, 3 juin 2023. Les amis de Bamberg, ville jumelle de Millau, ont passé le "
            "week-end de Pentecôte chez nous. Le comité de jumelage organise un loto le 24 juin à "
            "la salle des fêtes.")
    ext = extract_text(text)
    assert [i for i in ext.initiatives if "loto" in i.quote]


@pytest.mark.parametrize("sentence", [
    "La fanfare s'est produite sur la place.",
    "Une plaque a été mise en place.",
    "Les portes ont été ouvertes au public.",
])
def test_compound_past_reads_feminine_and_plural_participles(sentence):
    assert cues.raw_pattern("compound_past").search(sentence)


def test_two_dated_occasions_in_one_sentence_with_a_misparsed_subject_are_two_actions():
    text = ("Millau, 20 novembre 2018. En avril, les rugbymen de Millau ont joué un match amical à "
            "Bamberg, ville jumelle de Millau, et en septembre la fanfare de Bamberg s'est produite "
            "sur la place du Mandarous à Millau.")
    ext = extract_text(text)
    starts = sorted(a.start for a in ext.actions)
    assert starts == ["2018-04", "2018-09"]


def test_a_later_act_told_n_years_after_is_an_action_of_its_own_dated_from_the_sentence_before():
    text = ("Millau, 20 septembre 2022. La charte d'amitié entre Millau et Bamberg a été signée le "
            "14 septembre 1992 en mairie. Trente ans plus tard, les deux maires ont dévoilé une "
            "plaque commémorative devant l'hôtel de ville.")
    ext = extract_text(text)
    plaque = [a for a in ext.actions if "plaque" in a.quote]
    assert len(plaque) == 1 and plaque[0].start == "2022"
    assert all("plaque" not in a.quote for a in ext.actions if a.start == "1992-09-14")


@pytest.mark.parametrize("sentence, hit", [
    ("Les enfants ont planté un jeune tilleul dans le parc.", True),
    ("Le maire a dévoilé une plaque en présence des invités.", True),
    ("Les tulipes plantées au printemps ont fleuri.", False),
])
def test_commemorative_gestures_are_action_triggers(sentence, hit):
    assert cues.has("action_triggers", fold_same_length(sentence)) is hit


def test_works_told_over_three_sentences_are_one_action_running_to_their_end():
    text = ("Millau, 10 octobre 2024. En 2024, Millau a engagé avec sa commune partenaire de Bamako "
            "la réhabilitation d'une maternité. Les travaux, menés par une coopérative du quartier, "
            "doivent s'achever en juin 2025. Le budget atteint 60 000 euros, dont 15 000 euros "
            "versés par la Ville.")
    ext = extract_text(text)
    assert len(ext.actions) == 1
    a = ext.actions[0]
    assert a.start == "2024" and a.end.startswith("2025") and a.status == "ongoing"
    assert sorted(x.value for x in a.amounts) == [15000.0, 60000.0]


def test_a_feed_story_headline_and_its_body_are_one_action_dated_by_the_headline():
    text = ("Les nouvelles de Millau\n\n"
            "14 avril 2023 — Bamberg à l'honneur\n"
            "Une délégation de Bamberg, ville jumelle de Millau, a découvert le viaduc et les "
            "ganteries.\n\n"
            "2 juin 2023 — Fête de la musique\n"
            "La fête de la musique aura lieu place du Mandarous.")
    ext = extract_text(text)
    visit = [a for a in ext.actions if "Bamberg" in a.quote]
    assert len(visit) == 1 and visit[0].start == "2023-04-14" and "délégation" in visit[0].quote


def test_our_mayor_with_the_partners_mayor_as_joint_subject_is_an_action():
    text = ("Millau, 30 septembre 2022. Millau est jumelée avec Bamberg depuis 1970.\n\n"
            "Le maire et le bourgmestre de Bamberg ont ouvert le 24 septembre 2022 une exposition de "
            "gravures dans le hall de la médiathèque.")
    ext = extract_text(text)
    assert [a for a in ext.actions if "gravures" in a.quote]
    assert not [i for i in ext.initiatives if "gravures" in i.quote]


@pytest.mark.parametrize("sentence, hit", [
    ("Douze randonneurs ont marché jusqu'à Bamberg en dix étapes.", True),
    ("Les cyclistes millavois avaient pédalé jusqu'en Bavière.", True),
    ("Ils sont venus à vélo jusqu'au Tarn.", True),
    ("Le marché a lieu jusqu'à midi.", False),
])
def test_a_journey_to_a_place_is_an_action_trigger(sentence, hit):
    assert cues.has("action_triggers", fold_same_length(sentence)) is hit


def test_last_years_ride_to_the_twin_town_is_a_dated_action():
    text = ("Millau, mardi 5 septembre 2023. Samedi, Millau recevra vingt marcheurs de Bamberg, "
            "ville jumelle depuis 1970. L'an dernier, des Millavois avaient roulé jusqu'à Bamberg.")
    ext = extract_text(text)
    ride = [a for a in ext.actions if "roulé" in a.quote]
    assert len(ride) == 1 and ride[0].start == "2022"
