"""Segmentation: headings, paragraphs, dated list items, table rows, and the same-length NLP view."""
from jumelage.extract.layout import analyse

PAGE = """Jumelages et coopérations

Bourgville mène des projets de solidarité avec :
  • La ville de Neustadt (Allemagne)
  • La commune rurale de Koro (Mali)

Neustadt (Allemagne)

Le jumelage a été signé en 1971.

1999 – 2003 : accueil de jeunes musiciens.

Juin 2012 : tournoi de football des agents municipaux.

Depuis 2016 : voyages-rencontres chaque été.
"""

MAGAZINE = """# PORTO 
OUVRE SES 
MUSÉES
La ville a décidé de rouvrir 
ses musées dès le mois de mai, avec 
des visites gratuites.

Un marché solidaire se tient
chaque samedi.
"""


def kinds(layout):
    return [(b.kind, b.text.split("\n")[0].strip()) for b in layout.blocks]


def test_view_has_same_length_and_mends_soft_breaks():
    layout = analyse(MAGAZINE)
    assert len(layout.view) == len(MAGAZINE)
    para = next(b for b in layout.blocks if b.kind == "para")
    assert "\n" not in layout.view[para.start:para.end]
    assert layout.view[para.start:para.end].startswith("La ville a décidé de rouvrir  ses musées")


def test_capital_lines_make_one_heading_and_open_a_section():
    layout = analyse(MAGAZINE)
    heading = layout.blocks[0]
    assert heading.kind == "heading"
    assert "PORTO" in heading.text and "MUSÉES" in heading.text
    assert all(b.section == 0 for b in layout.blocks)


def test_bullets_and_dated_items():
    layout = analyse(PAGE)
    got = kinds(layout)
    assert ("item", "• La ville de Neustadt (Allemagne)") in got
    assert ("heading", "Neustadt (Allemagne)") in got
    assert ("item", "1999 – 2003 : accueil de jeunes musiciens.") in got
    assert ("item", "Juin 2012 : tournoi de football des agents municipaux.") in got
    assert ("item", "Depuis 2016 : voyages-rencontres chaque été.") in got
    # every block knows its offsets in the original text
    for b in layout.blocks:
        assert PAGE[b.start:b.end] == b.text


def test_year_inside_a_sentence_is_not_an_item():
    text = "Depuis l'apparition du virus en\n2020, la ville a ouvert un hôpital.\n"
    layout = analyse(text)
    assert [b.kind for b in layout.blocks] == ["para"]


def test_tab_separated_rows():
    text = "Ville\tRéponses\nPorto\tMusées ouverts\nLyon\tMarchés\n"
    layout = analyse(text)
    assert [b.kind for b in layout.blocks] == ["row", "row", "row"]
