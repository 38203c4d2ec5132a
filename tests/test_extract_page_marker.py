"""A stored page's « date YYYY-MM » marker dates only the events that state no date of their own
(SCHEMA), even when the page's first line runs into the sentence (fresh tester, issue 10:
« date 2020-05 / En avril 2020, … a offert » was dated 2020-05). Sentences written for these tests."""
import pytest

from jumelage.extract import extract_text


def test_the_sentence_date_wins_over_the_page_marker():
    ext = extract_text("date 2021-09\nEn mars 2021, la ville de Tartu a envoyé des tests rapides à "
                       "Metz, sa ville jumelle.")
    assert [a.start for a in ext.actions] == ["2021-03"]


def test_an_undated_event_takes_the_page_marker():
    ext = extract_text("date 2021-09\nLa ville de Tartu a envoyé des tests rapides à Metz, sa "
                       "ville jumelle.")
    assert [a.start for a in ext.actions] == ["2021-09"]


def test_a_launch_date_with_a_run_that_goes_on_is_no_end():
    ext = extract_text("date 2023-10\nLe programme d'assainissement lancé en 2019 avec Bignona se "
                       "poursuit, annonce la ville de Vitry-sur-Seine.")
    assert [(a.start, a.end, a.status) for a in ext.actions] == [("2019", None, "ongoing")]


@pytest.mark.parametrize("currency", ["francs CFA", "F CFA", "FCFA"])
def test_a_currency_is_no_organisation(currency):
    """Fresh tester: « francs CFA » gave an organisation « CFA »."""
    ext = extract_text(f"La ville de Niort a versé 4,5 millions de {currency} à Atakpamé en 2022 "
                       "pour un forage, avec l'association Eau Vive.")
    assert not any("CFA" in o for o in ext.organizations)
    assert all(not any("CFA" in o for o in a.organizations) for a in ext.actions)


def test_a_name_and_its_acronym_are_one_organisation():
    """SCHEMA: one body is one entry, « Name (ACRONYM) » (fresh tester: « Cités Unies France
    (CUF) » gave two)."""
    ext = extract_text("En mars 2023, la ville de Parthenay a signé une convention avec Atakpamé "
                       "et l'Agence française de développement (AFD).")
    assert ext.organizations == ["Agence française de développement (AFD)"]
