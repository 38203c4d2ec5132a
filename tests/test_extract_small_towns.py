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


def test_a_small_communes_name_the_parser_reads_as_a_verb_is_that_word():
    # Lancé is a commune of Loir-et-Cher, but « Lancé en 2019 » opens a sentence with a participle
    ext = extract_text("Lancé en 2019 avec Ouahigouya, le chantier de l'école avance : la commune de "
                       "Chambéry a versé 20 000 euros.")
    assert "Lancé" not in names(ext)
    ext = extract_text("Le conseil municipal de Lancé a voté une aide de 2 000 euros pour Zhytomyr, "
                       "ville partenaire.")
    assert "Lancé" in names(ext)
