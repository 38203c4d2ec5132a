"""Action kinds of issue 10, seventh round (`extract/events.py`, `extract/units.py`, cues in
data/fr/cues.json), each on French sentences written for these tests (real towns, invented
facts, wording unlike the seed documents)."""
import pytest

from jumelage.extract import cues, extract_text
from jumelage.extract.lexicon import fold_same_length
from test_extract_actions_units import names


@pytest.mark.parametrize("sentence, hit", [
    ("Les maires de Rodez et de Bamako ont signé une charte de coopération.", True),
    ("Les deux communes ont également paraphé un avenant.", True),
    ("La convention a été renouvelée pour trois ans.", True),
    ("Les élus ont procédé à la signature du protocole.", True),
    ("Un accord signé en 2012 lie les deux villes.", False),
    ("La signature est prévue en juin.", False),
    ("Les deux villes ont ensuite signé un protocole.", True),
    ("La charte a bien été ratifiée.", True),
])
def test_signing_told_cue_reads_a_finite_verb(sentence, hit):
    assert cues.has("signing_told", fold_same_length(sentence)) is hit


def test_a_signing_told_at_a_visit_is_an_action_of_its_own():
    text = ("date 2019-05\nLa ville de Rodez entretient des liens d'amitié avec Bamako depuis 1987.\n\n"
            "Une délégation malienne conduite par le maire de Bamako a séjourné à Rodez du 6 au 9 mai. "
            "Elle a visité la station d'épuration et le marché couvert. "
            "Lors de cette visite, Rodez et Bamako ont signé une convention de coopération pour les "
            "années 2019 - 2022.")
    ext = extract_text(text)
    signed = [a for a in ext.actions if "ont signé" in a.quote]
    assert len(signed) == 1 and signed[0].quote.startswith("Lors de cette visite")
    assert names(ext, signed[0].actors) == {"Rodez", "Bamako"} and not signed[0].partners
    stay = [a for a in ext.actions if "séjourné" in a.quote]
    assert len(stay) == 1 and "ont signé" not in stay[0].quote


def test_a_signing_after_another_signing_is_not_merged_into_the_stay():
    text = ("date 2021-10\nLa commune de Figeac coopère avec la province de Gabès.\n\n"
            "Le gouverneur de Gabès a rencontré le maire de Figeac le 14 octobre pour faire le point "
            "sur les projets communs. "
            "Figeac et Gabès ont ensuite signé un protocole sur la gestion des déchets.")
    ext = extract_text(text)
    assert any(a.quote.startswith("Figeac et Gabès ont ensuite signé") for a in ext.actions)


def test_the_age_of_a_friendly_relation_does_not_date_the_meeting():
    text = ("date 2022-09\nUne délégation de Tulle s'est rendue à Schlüchtern le 12 septembre.\n\n"
            "Elle a été reçue par le conseil de Schlüchtern, qui entretient des relations amicales "
            "avec Tulle depuis 1974.")
    ext = extract_text(text)
    assert ext.actions
    assert all(a.start != "1974" for a in ext.actions)


def test_an_agreements_term_is_not_the_date_of_its_signing():
    text = ("date 2024-03\nUne délégation de Ségou a été reçue à Angoulême le 18 mars.\n\n"
            "À cette occasion, Angoulême et Ségou ont signé une convention de coopération pour la "
            "période 2024 - 2027.")
    ext = extract_text(text)
    signed = [a for a in ext.actions if "ont signé" in a.quote]
    assert len(signed) == 1
    assert signed[0].end != "2027" and signed[0].status == "done"


def test_what_was_done_and_what_is_planned_next_are_two_actions():
    text = ("date 2023-06\nLa commune de Vitré est jumelée avec Tessaoua, au Niger.\n\n"
            "La Ville de Vitré a financé la réfection du dispensaire de Tessaoua.\n\n"
            "Des jardins maraîchers seront ensuite aménagés avec les habitants de Tessaoua, grâce "
            "au soutien de Vitré.")
    ext = extract_text(text)
    assert sorted(a.status for a in ext.actions) == ["done", "planned"]


def test_members_of_a_list_announced_as_plans_are_planned():
    text = ("Le comité de jumelage de Ploërmel a tenu son assemblée générale.\n\n"
            "Le président a rappelé les liens avec Newton Abbot, puis a présenté les projets pour "
            "2025, avec notamment une soirée crêpes salle Cadoudal, un voyage à Newton Abbot en juin "
            "et l'accueil des choristes de Newton Abbot en septembre.")
    ext = extract_text(text)
    assert ext.actions
    assert {a.status for a in ext.actions} == {"planned"}


@pytest.mark.parametrize("lead, hit", [
    ("a présenté les projets pour 2025", True),
    ("les prochains rendez-vous", True),
    ("a rappelé les activités de l'année", False),
])
def test_plans_lead_cue(lead, hit):
    assert cues.has("plans_lead", fold_same_length(lead)) is hit


def test_a_meeting_that_was_to_take_place_is_a_cancelled_action_of_its_own():
    text = ("date 2020-06\nLa commune de Lannion est jumelée avec Caerphilly.\n\n"
            "En mars, l'harmonie de Caerphilly a envoyé une vidéo de soutien à "
            "l'harmonie de Lannion. "
            "Les deux orchestres devaient se retrouver à Caerphilly en avril pour un festival.")
    ext = extract_text(text)
    assert sorted(a.status for a in ext.actions) == ["cancelled", "done"]


@pytest.mark.parametrize("sentence, hit", [
    ("Les deux clubs devaient se rencontrer en juin.", True),
    ("La délégation aurait dû venir à Pâques.", True),
    ("Les élus devaient se prononcer sur une aide.", False),
    ("En cas d'annulation du voyage, les billets sont remboursés.", False),
])
def test_unfulfilled_plan_cue(sentence, hit):
    assert cues.has("unfulfilled_plan", fold_same_length(sentence)) is hit


def test_a_quote_naming_the_story_again_belongs_to_it():
    text = ("date 2023-06\nLa Ville de Vannes accueillera 12 enfants de Cahul du 3 au 14 août.\n\n"
            "Originaires de Cahul, en Moldavie, ces enfants seront reçus par le centre social.\n\n"
            "« Nous restons aux côtés de nos amis de Cahul et cette action marque un pas de plus dans "
            "notre engagement », souligne le maire de Vannes.")
    ext = extract_text(text)
    assert len(ext.actions) == 1
    assert "cette action" in ext.actions[0].quote


@pytest.mark.parametrize("sentence, hit", [
    ("« Nous restons fiers de cette action », dit le maire.", True),
    ("et ce séjour prolonge notre soutien", True),
    ("une action de solidarité", False),
])
def test_story_reference_cue(sentence, hit):
    assert bool(cues.search("story_reference", fold_same_length(sentence))) is hit
