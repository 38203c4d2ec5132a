"""An act said not to have happened at all is no record (issue 10: « aucune visite n'a pu avoir
lieu à cause de la pandémie » is no action), unlike a planned event that did not happen (a
cancelled action), and unlike a sentence that tells another act beside the negated one. French
sentences written for these tests (real towns, invented facts)."""
import pytest

from jumelage.extract import extract_text
from jumelage.extract.events import nothing_happened
from jumelage.extract.lexicon import fold_same_length

TWINS = "La ville de Quimperlé est jumelée avec Lewes depuis 1981.\n\n"


@pytest.mark.parametrize("sentence", [
    "Aucune visite n'a pu avoir lieu en 2021 en raison de la crise sanitaire.",
    "En 2020, aucun échange scolaire n'a été organisé avec Lewes.",
    "Il n'y a pas eu de rencontre officielle avec nos amis de Lewes depuis deux ans.",
    "Aucune délégation de Lewes n'est venue en 2022.",
    # the act named before its negation, and a negation elided before its noun
    "Le séjour des collégiens à Lewes n'a pas eu lieu.",
    "Il n'y aura pas non plus d'échange de chorales avec Lewes cette année.",
    "Il n'y a pas eu d'accueil de familles de Lewes en 2021.",
])
def test_nothing_happened_gives_no_action(sentence):
    assert nothing_happened(fold_same_length(sentence))
    ext = extract_text(TWINS + sentence)
    assert not ext.actions and not ext.initiatives
    assert len(ext.partnerships) == 1                     # the twinning itself stays


def test_another_act_beside_the_negated_one_is_still_told():
    sentence = ("Aucune visite n'a pu avoir lieu en 2021, mais la ville a envoyé 4 000 masques "
                "à Lewes en mars 2021.")
    assert not nothing_happened(fold_same_length(sentence))
    ext = extract_text(TWINS + sentence)
    assert len(ext.actions) == 1 and ext.actions[0].start == "2021-03"


def test_a_planned_visit_that_did_not_take_place_is_a_cancelled_action():
    sentence = "La visite de la chorale à Lewes, prévue en mai 2021, n'a pas pu avoir lieu."
    assert not nothing_happened(fold_same_length(sentence))
    ext = extract_text(TWINS + sentence)
    assert [a.status for a in ext.actions] == ["cancelled"]


def test_a_twinning_that_ended_has_that_status():
    ext = extract_text("Le jumelage entre Quimperlé et Tiverton a pris fin en 2016.")
    assert [(p.status, p.history[-1].date) for p in ext.partnerships] == [("ended", "2016")]
