"""A small town abroad named once is still a town when the sentence says so (fresh tester, issue
10: « Sarreguemines collecte du matériel scolaire pour Merzig, sa ville jumelle » gave nothing,
the parser taking Merzig for a person), while words that only happen to name a small town stay
out. French sentences written for these tests (real towns, invented facts)."""
import pytest

from jumelage.extract import extract_text
from test_extract_kinds import names


@pytest.mark.parametrize("text, town", [
    ("Sarreguemines collecte du matériel scolaire pour Merzig, sa ville jumelle.", "Merzig"),
    ("La ville d'Idstein a envoyé du matériel médical à Taunusstein en mars 2021.", "Taunusstein"),
    ("Newton Abbot et Ploërmel sont jumelées depuis 1974.", "Newton Abbot"),
    ("Le comité de Questembert a reçu ses amis de Lewes, ville jumelle, en juin 2022.", "Lewes"),
])
def test_a_small_town_abroad_said_to_be_one_is_kept(text, town):
    assert town in names(extract_text(text))


@pytest.mark.parametrize("text, word", [
    ("La ville de Lorient a présenté l'Atlas de ses jumelages au salon des maires.", "Atlas"),
    ("Le lycée (Erasmus) a fait un échange avec les trois villes jumelées de Vannes.", "Erasmus"),
    ("La ville de Vannes a offert un concert au théâtre Chopin avec ses villes jumelles.", "Chopin"),
])
def test_a_word_that_only_names_a_small_town_stays_out(text, word):
    assert word not in names(extract_text(text))
