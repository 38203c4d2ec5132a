"""A partnership word that is denied or only wished states no relation (fresh tester, issue 10:
« Auxerre n'est pas jumelée avec Worms » gave a twinning), while « ne … que » still states one.
French sentences written for these tests (real towns, invented facts)."""
import pytest

from jumelage.extract import extract_text
from jumelage.extract.lexicon import fold_same_length
from jumelage.extract.relations import stated_kinds


@pytest.mark.parametrize("sentence", [
    "Contrairement à une idée reçue, Saintes n'est pas jumelée avec Nivelles.",
    "Guingamp et Lanark ne sont plus jumelées depuis longtemps.",
    "Cahors n'a jamais été jumelée avec Soria, malgré plusieurs visites.",
    "Il n'existe aucun jumelage entre Millau et Ontinyent.",
    "Le maire de Rodez souhaiterait un jour un jumelage avec Guadalajara.",
])
def test_a_denied_or_wished_partnership_gives_no_pair(sentence):
    assert not stated_kinds(fold_same_length(sentence))
    assert not extract_text(sentence).partnerships


@pytest.mark.parametrize("sentence", [
    "La commune de Tulle n'est jumelée qu'avec Schorndorf, depuis 1967.",
    "Lannion est jumelée avec Günzburg depuis 1977.",
])
def test_a_stated_partnership_stays(sentence):
    assert len(extract_text(sentence).partnerships) == 1
