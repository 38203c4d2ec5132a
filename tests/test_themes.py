"""Themes and crisis context of short French passages, from the weighted cue lexicons."""
from __future__ import annotations

import pytest

from jumelage.extract.themes import context_for, theme_scores, themes_for, tokens
from jumelage.records import THEMES

CASES = [
    (("2008-2010 : creusement de trois forages et réhabilitation de puits pour l'accès à l'eau potable "
     "du village."), "water_sanitation"),
    ("Construction de latrines et d'un réseau d'assainissement dans le quartier du marché.",
     "water_sanitation"),
    (("Une délégation officielle conduite par le maire a signé la charte de jumelage et prêté serment "
     "lors d'une cérémonie à l'hôtel de ville."), "governance"),
    ("Accueil de douze lycéens et de leurs professeurs pour une semaine d'échanges scolaires au collège.",
     "education"),
    ("Séjour d'été pour les jeunes de 14 à 17 ans, encadré par le service jeunesse.", "youth"),
    ("Concert croisé des deux orchestres et exposition de peintures au musée municipal.", "culture"),
    ("Tournoi de football entre les équipes des deux clubs sportifs au stade municipal.", "sport"),
    ("Un convoi humanitaire a apporté des dons et des produits de première nécessité aux réfugiés.",
     "humanitarian"),
    ("Formation d'infirmières et don de matériel médical à l'hôpital régional ; campagne de vaccination.",
     "health"),
    (("Cours de langue allemande et ateliers de conversation pour parler allemand : la francophonie "
     "et le bilinguisme à l'honneur."), "language"),
    ("Accompagnement de maraîchères : parcelles irriguées, semences, récoltes et sécurité alimentaire.",
     "food_agriculture"),
    (("Installation de panneaux solaires et électrification du dispensaire ; collecte des déchets "
     "ménagers et recyclage."), "environment_energy"),
    ("Cartographie numérique de la commune et ordinateurs portables pour suivre les projets en ligne.",
     "digital"),
    ("Insertion professionnelle des jeunes chômeurs : stages en entreprises et création d'emplois.",
     "economy_employment"),
    ("Rénovation urbaine d'un quartier insalubre : logements, voirie et éclairage public.", "urban_housing"),
    ("Le centre social distribue des colis aux familles démunies et aide les personnes âgées isolées.",
     "social"),
    (("Soutien aux prisonniers politiques et aux droits de l'homme ; citoyen d'honneur pour un militant "
     "de la paix."), "peace_rights"),
    ("Un laboratoire et des chercheurs de l'université travaillent à des essais cliniques.", "research"),
    ("Nouvelles lignes de tramway, pistes cyclables et transports en commun gratuits.", "mobility"),
]


@pytest.mark.parametrize(("text", "theme"), CASES, ids=[c[1] for c in CASES])
def test_first_theme(text: str, theme: str) -> None:
    found = themes_for(text)
    assert found and found[0] == theme, theme_scores(text)


def test_every_theme_of_the_taxonomy_has_a_case() -> None:
    assert {theme for _, theme in CASES} == set(THEMES)


def test_several_themes_best_first_and_at_most_three() -> None:
    text = ("Échange de jeunes musiciens : concerts, répétitions et visites de musées ; "
            "les élèves ont aussi joué au football et suivi des cours de langue.")
    found = themes_for(text)
    assert 2 <= len(found) <= 3
    assert found[0] == "culture"
    assert set(found) <= set(THEMES)
    assert themes_for(text, max_themes=1) == ["culture"]


def test_accents_case_plural_and_inclusive_writing() -> None:
    assert themes_for("ECOLES ET ENSEIGNANTS") == themes_for("école et enseignant") == ["education"]
    assert themes_for("accueil d'élèves infirmier·ères et de soignant·es")[0] == "health"
    assert tokens("habitant·es, élu.es, musicien·nes") == ["habitant", "elu", "musicien"]
    assert themes_for("des hôpitaux et des soins médicaux") == ["health"]


def test_longest_cue_wins() -> None:
    # "école de musique" is culture; "école" alone would be education
    assert themes_for("Stage à l'école de musique")[0] == "culture"
    assert themes_for("Visite de l'école")[0] == "education"


def test_weak_evidence_gives_no_theme() -> None:
    assert themes_for("Le maire a parlé hier soir.") == []
    assert themes_for("") == []


def test_minor_themes_are_dropped_below_a_fraction_of_the_best() -> None:
    text = ("Forage, puits, pompe, château d'eau, eau potable, assainissement et latrines ; "
            "un jeune était présent.")
    assert themes_for(text) == ["water_sanitation"]


@pytest.mark.parametrize(("text", "context"), [
    ("Pendant le confinement, la ville a livré des repas ; la crise sanitaire liée au Covid-19 dure.",
     "covid-19"),
    ("Face à la pandémie de coronavirus, les hôpitaux sont saturés.", "covid-19"),
    ("Depuis l'invasion russe, la guerre a jeté des milliers de familles sur les routes.", "war"),
    ("Après l'offensive lancée contre la région, une motion de soutien a été votée.", "war"),
    ("Suite au passage de l'ouragan, les toits se sont envolés.", "hurricane"),
    ("Le séisme a détruit l'école ; un tremblement de terre d'une telle force est rare.", "earthquake"),
    ("Les inondations ont noyé les champs après la crue du fleuve.", "flood"),
    ("Le festival de musique a réuni 3 000 spectateurs.", None),
])
def test_context_for(text: str, context: str | None) -> None:
    assert context_for(text) == context
