"""Action and initiative kinds of issue 10, fifth round (`extract/events.py`, `extract/units.py`,
cues in data/fr/cues.json and units.json), each on French sentences written for these tests (real
towns, invented facts, wording unlike the seed documents)."""
import pytest

from jumelage.extract import extract_text
from test_extract_actions_units import names


def test_sending_to_the_twin_named_by_its_role_is_an_action_with_the_one_partner():
    text = ("date 2020-04\nLa commune de Lannion est jumelée avec Günzburg depuis 1966.\n\n"
            "Le conseil municipal de Lannion a décidé d'envoyer 3 000 masques à sa ville jumelle, "
            "durement touchée par l'épidémie.")
    ext = extract_text(text)
    assert len(ext.actions) == 1
    act = ext.actions[0]
    assert names(ext, act.actors) == {"Lannion"}
    assert names(ext, act.partners) == {"Günzburg"}
    assert act.start == "2020-04"


def test_the_twin_named_by_its_role_is_no_partner_when_the_owner_has_several():
    text = ("date 2020-04\nLa commune de Lannion est jumelée avec Günzburg depuis 1966 "
            "et avec Caerphilly depuis 1984.\n\n"
            "Le conseil municipal de Lannion a décidé d'envoyer 3 000 masques à sa ville jumelle.")
    for act in extract_text(text).actions:
        assert len(act.actors + act.partners) != 2 or set(act.partners) != set()


@pytest.mark.parametrize("sentence, hit", [
    ("a fait parvenir des colis à sa ville jumelle", True),
    ("notre commune partenaire a répondu", True),
    ("un message à notre jumelle", True),
    ("nos villes jumelles", False),
    ("la ville jumelle de Rostock", False),
])
def test_one_partner_cue(sentence, hit):
    from jumelage.extract import cues
    from jumelage.extract.lexicon import fold_same_length

    assert cues.has("one_partner", fold_same_length(sentence)) is hit


def test_a_partner_town_sheltering_displaced_people_is_its_initiative():
    text = ("date 2022-04\nLa commune de Lunéville est jumelée avec la ville polonaise de Kutno "
            "depuis 1992.\n\n"
            "Depuis le début de la guerre, la ville de Kutno héberge plus de 400 déplacés "
            "ukrainiens dans ses écoles et son gymnase.")
    ext = extract_text(text)
    assert not ext.actions
    assert len(ext.initiatives) == 1
    by_ref = {p.ref: p.name for p in ext.places}
    assert by_ref[ext.initiatives[0].place] == "Kutno"


def test_sheltering_people_sent_by_the_twin_stays_an_action():
    text = ("date 2022-04\nLa commune de Lunéville est jumelée avec la ville polonaise de Kutno "
            "depuis 1992.\n\n"
            "En mars 2022, la ville de Kutno a hébergé une délégation de Lunéville venue livrer "
            "des médicaments.")
    ext = extract_text(text)
    assert not ext.initiatives
    assert len(ext.actions) == 1


def test_two_dated_occasions_in_one_sentence_are_two_actions():
    text = ("date 2019-12\nLa commune de Dinan est jumelée avec Newton Abbot depuis 1973.\n\n"
            "En mai 2019, une chorale de Dinan a chanté à Newton Abbot, et en octobre les "
            "footballeurs de Newton Abbot sont venus disputer un tournoi à Dinan.")
    ext = extract_text(text)
    assert [(a.start, a.end) for a in ext.actions] == [("2019-05", "2019-05"), ("2019-10", "2019-10")]
    for act in ext.actions:
        assert names(ext, act.actors + act.partners) == {"Dinan", "Newton Abbot"}


def test_a_visit_then_a_signing_in_one_sentence_are_two_actions():
    text = ("Notre jumelage avec Ziguinchor\n\n"
            "2004 – 2006 : après une mission de repérage en 2004 menée par des élus de Saint-Maur, "
            "une convention de coopération a été signée à Ziguinchor le 14 mars 2006 en présence "
            "des deux maires.")
    ext = extract_text(text)
    assert [a.start for a in ext.actions] == ["2004", "2006-03-14"]


@pytest.mark.parametrize("text", [
    # one occasion told with its period: no cut
    "date 2019-12\nLa commune de Dinan est jumelée avec Newton Abbot depuis 1973.\n\n"
    "Du 3 au 10 mai 2019, une chorale de Dinan a séjourné à Newton Abbot, et en mai 2019 encore "
    "elle a chanté dans la cathédrale d'Exeter.",
    # a list of plans is one enumeration, not clauses
    "date 2023-11\nLa commune de Dinan est jumelée avec Newton Abbot depuis 1973.\n\n"
    "Le président a présenté les projets, avec notamment un séjour à Newton Abbot en avril "
    "et un concert en juin 2024.",
])
def test_no_clause_cut_inside_one_occasion_or_an_enumeration(text):
    ext = extract_text(text)
    spans = [a.span for a in ext.actions]
    assert all(e - s >= 30 for s, e in spans)
    assert len(ext.actions) <= 2


FEED = ("date 2023-06\nActualités du jumelage de Bergerac\n\n"
        "12 mars 2023 - Voyage à Ruhla\n"
        "Une délégation de 30 Bergeracois s'est rendue à Ruhla pour le carnaval.\n\n"
        "5 mai 2023 - Concert\n"
        "L'harmonie de Ruhla a donné un concert au théâtre de Bergerac.\n\n"
        "2 juin 2023 - Assemblée\n"
        "Le comité a tenu son assemblée générale.")


def test_a_feed_of_dated_stories_keeps_each_record_inside_its_story():
    ext = extract_text(FEED)
    assert [a.start for a in ext.actions] == ["2023-03-12", "2023-05-05"]
    stories = [FEED.index("12 mars"), FEED.index("5 mai"), FEED.index("2 juin")]
    for act in ext.actions:
        inside = [k for k, s in enumerate(stories) if s <= act.span[0]]
        assert act.span[1] <= (stories + [len(FEED)])[inside[-1] + 1]
    assert not ext.initiatives          # the committee's assembly is internal business


@pytest.mark.parametrize("line, is_dateline", [
    ("12 mars 2023 -", True),
    ("4 avril 2021 :", True),
    ("2021", False),                                   # a year alone is a list's label, not a story
    ("Le 4 avril 2021, une délégation est partie.", False),
])
def test_a_dateline_is_a_day_or_month_alone_at_a_paragraph_start(line, is_dateline):
    from jumelage.extract.events import dateline

    class _Block:
        start = 0

    class _An:
        text = line
        date = None

        @staticmethod
        def block(unit):
            return _Block

    class _Unit:
        start, end = 0, len(line)

    assert (dateline(_An, _Unit) is not None) is is_dateline


def test_a_twinning_planned_with_an_unnamed_town_is_the_owners_planned_action():
    text = ("date 2022-03\nLa ville d'Auray est jumelée avec Tiverton depuis 1976.\n\n"
            "Par ailleurs, la mairie d'Auray envisage un nouveau jumelage avec une ville ukrainienne.")
    ext = extract_text(text)
    assert len(ext.actions) == 1
    act = ext.actions[0]
    assert names(ext, act.actors) == {"Auray"}
    assert act.partners == []               # the one linked partner (Tiverton) is not inferred
    assert act.status == "planned"
    assert len(ext.partnerships) == 1       # no partnership without both names


@pytest.mark.parametrize("sentence, hit", [
    ("avec une ville ukrainienne", True),
    ("une commune allemande", True),
    ("d'une nouvelle commune partenaire africaine", True),
    ("avec une ville du Sud", True),
    ("une ville de Pologne", False),       # « de » + a name: the name is the place
    ("la ville ukrainienne de Boutcha", False),
])
def test_unnamed_partner_cue(sentence, hit):
    from jumelage.extract import cues
    from jumelage.extract.lexicon import fold_same_length

    assert cues.has("unnamed_partner", fold_same_length(sentence)) is hit


def test_a_twinning_with_an_unnamed_town_already_done_is_no_planned_action():
    text = ("date 2022-03\nLa ville d'Auray est jumelée avec Tiverton depuis 1976.\n\n"
            "La ville d'Auray compte aussi parmi ses habitants une famille ukrainienne.")
    assert not extract_text(text).actions


def test_the_other_sides_turn_is_a_new_occasion():
    text = ("date 2019-05\nLa commune de Dole est jumelée avec Lahr depuis 1961.\n\n"
            "Les élus de Dole se sont rendus à Lahr le 12 avril 2019 pour la fête de printemps. "
            "C'est maintenant au tour d'une délégation de Lahr de venir découvrir les vignes du Jura. "
            "Elle sera reçue à l'hôtel de ville le samedi 25 mai 2019.")
    ext = extract_text(text)
    assert len(ext.actions) == 2
    first, second = sorted(ext.actions, key=lambda a: a.span[0])
    # the visit to Lahr does not run on into the other side's turn
    assert first.start == "2019-04-12" and first.status == "done"
    assert first.span[1] <= text.index("C'est maintenant")
    # the return visit, « reçue » (`reception_acts`), dated by its own day
    assert second.start == "2019-05-25" and second.status == "planned"
    assert names(ext, second.actors + second.partners) == {"Dole", "Lahr"}


@pytest.mark.parametrize("sentence, hit", [
    ("À leur tour, les jeunes de Lahr ont accueilli leurs correspondants.", True),
    ("En retour, la municipalité a offert un arbre.", True),
    ("La même cérémonie a eu lieu à Dole en juin.", True),
    ("Le tour cycliste est passé par la ville.", False),
])
def test_turn_event_cue(sentence, hit):
    from jumelage.extract import cues
    from jumelage.extract.lexicon import fold_same_length

    assert cues.has("turn_event", fold_same_length(sentence)) is hit


def test_a_gift_to_our_twin_on_a_first_person_page_is_an_action_and_the_statement_none():
    text = ("date 2020-05\nNotre commune est jumelée avec Sankt Wendel depuis 1975.\n\n"
            "Le maire de Ploërmel a fait parvenir 2 000 flacons de gel hydroalcoolique à notre "
            "ville jumelle.")
    ext = extract_text(text)
    assert len(ext.actions) == 1            # the twinning statement glued to the page's marker is none
    act = ext.actions[0]
    assert names(ext, act.actors) == {"Ploërmel"} and names(ext, act.partners) == {"Sankt Wendel"}
    assert text[act.span[0]:].startswith("Le maire de Ploërmel")


def test_two_occasions_joined_by_puis_are_two_actions():
    text = ("date 2021-10\nLa commune de Vitré est jumelée avec Lichfield depuis 1965.\n\n"
            "En juin 2021, les cyclistes de Vitré ont rejoint Lichfield, puis en septembre une "
            "exposition de peintres de Lichfield a été inaugurée à Vitré.")
    ext = extract_text(text)
    assert [a.start for a in ext.actions] == ["2021-06", "2021-09"]


def test_a_partnership_sought_with_a_town_of_a_country_is_planned_with_no_partner():
    text = ("date 2024-02\nLa commune de Vitré est jumelée avec Lichfield depuis 1965.\n\n"
            "Le comité de jumelage souhaite nouer un partenariat avec une commune espagnole.")
    ext = extract_text(text)
    assert len(ext.actions) == 1
    assert names(ext, ext.actions[0].actors) == {"Vitré"}
    assert ext.actions[0].partners == [] and ext.actions[0].status == "planned"


@pytest.mark.parametrize("text", [
    "date 2022-04\nLa ville de Montbéliard est jumelée avec la ville polonaise de Kutno depuis 1992.\n\n"
    "Depuis mars, la ville de Kutno loge des familles ukrainiennes dans des appartements municipaux.",
    "date 2022-04\nLa ville de Montbéliard est jumelée avec la ville polonaise de Kutno depuis 1992.\n\n"
    "À Kutno, la municipalité accueille 200 réfugiés ukrainiens dans un gymnase transformé en dortoir.",
])
def test_a_partner_sheltering_people_in_other_words_is_its_initiative(text):
    ext = extract_text(text)
    assert not ext.actions
    by_ref = {p.ref: p.name for p in ext.places}
    assert [by_ref[i.place] for i in ext.initiatives] == ["Kutno"]


@pytest.mark.parametrize("sentence, status", [
    ("En mars 2021, la ville de Quimper s'est aussi engagée à financer la réfection de l'école de "
     "Tiassalé.", "planned"),
    ("Les élus de Quimper ont promis de financer le nouveau dispensaire de Tiassalé.", "planned"),
    ("En mars 2021, la ville de Quimper a financé la réfection de l'école de Tiassalé.", "done"),
])
def test_a_promise_told_in_the_past_is_planned(sentence, status):
    text = ("date 2021-06\nLa ville de Quimper coopère avec la commune de Tiassalé depuis 2004.\n\n"
            + sentence)
    ext = extract_text(text)
    assert [a.status for a in ext.actions] == [status]
