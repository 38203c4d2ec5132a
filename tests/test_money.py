"""Amounts of money in French text: value, currency, per-unit, and what is not money."""
from __future__ import annotations

from itertools import pairwise

import pytest

from jumelage.extract.money import AmountMention, find_amounts
from jumelage.records import Amount


def amounts(text: str) -> list[tuple[str, float, str, str | None]]:
    return [(text[a.start_char:a.end_char], a.value, a.currency, a.per) for a in find_amounts(text)]


CASES = [
    ("Le coût total du puits est chiffré à 7.019 €.", [("7.019 €", 7019, "EUR", None)]),
    ("La commune participe à hauteur de 1.500 € (1).", [("1.500 €", 1500, "EUR", None)]),
    ("Chaque ville verse 6 000 euros par an pendant deux ans.",
     [("6 000 euros par an", 6000, "EUR", "year")]),
    ("puis 2500 euros par an pendant trois ans", [("2500 euros par an", 2500, "EUR", "year")]),
    ("Le réseau d'eau, estimé à 300 000€, a été abandonné.", [("300 000€", 300000, "EUR", None)]),
    ("Une aide exceptionnelle de 30 000 euros a été votée en 2020.",
     [("30 000 euros", 30000, "EUR", None)]),
    ("L'hôtel reçoit 50 euros, par jour et par patient.",
     [("50 euros, par jour et par patient", 50, "EUR", "day and patient")]),
    ("Le programme mobilise 1,5 million d'euros.", [("1,5 million d'euros", 1_500_000, "EUR", None)]),
    ("Budget : 2 M€ dont 10 k€ de frais.", [("2 M€", 2_000_000, "EUR", None), ("10 k€", 10_000, "EUR", None)]),
    ("Le forage a coûté 150 000 FCFA et la pompe 400 000 francs CFA.",
     [("150 000 FCFA", 150000, "XOF", None), ("400 000 francs CFA", 400000, "XOF", None)]),
    ("A gift of $5,000 and 5 000 dollars more.",
     [("$5,000", 5000, "USD", None), ("5 000 dollars", 5000, "USD", None)]),
    ("Le club a reçu £300, soit 20 livres sterling par élève.",
     [("£300", 300, "GBP", None), ("20 livres sterling par élève", 20, "GBP", "pupil")]),
    ("La mairie de Lviv a réuni 500 000 hryvnias.", [("500 000 hryvnias", 500000, "UAH", None)]),
    ("Le don s'élève à 3 millions de roubles.", [("3 millions de roubles", 3_000_000, "RUB", None)]),
    ("Les écoles ont reçu 200 000 yuans.", [("200 000 yuans", 200000, "CNY", None)]),
    ("Soit 5\u202f000\u00a0€ et 12\u00a0500 euros annuels.",
     [("5\u202f000\u00a0€", 5000, "EUR", None), ("12\u00a0500 euros annuels", 12500, "EUR", "year")]),
    ("Un million d'euros ou mille euros : tout compte.",
     [("Un million d'euros", 1_000_000, "EUR", None), ("mille euros", 1000, "EUR", None)]),
    ("Le devis est de 1 200,50 € TTC.", [("1 200,50 €", 1200.5, "EUR", None)]),
    ("Les codes : EUR 2 500 puis 300 USD.", [("EUR 2 500", 2500, "EUR", None), ("300 USD", 300, "USD", None)]),
    ("Un budget de 2,5 Md€ pour la métropole.", [("2,5 Md€", 2_500_000_000, "EUR", None)]),
    # a sum in old francs and its conversion: both are recorded (SCHEMA)
    ("En 1995 la ville a versé 120.000 francs, soit environ 18.300 euros.",
     [("120.000 francs", 120000, "FRF", None), ("18.300 euros", 18300, "EUR", None)]),
    ("Le club belge a reçu 40 000 francs belges.", [("40 000 francs belges", 40000, "BEF", None)]),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_find_amounts(text: str, expected: list[tuple]) -> None:
    assert amounts(text) == expected


@pytest.mark.parametrize("text", [
    "Nankin est à 8.800 km et Lviv compte 720.000 habitants.",
    "La ville a envoyé 5.000 masques de protection.",
    "La Lituanie a recensé 1449 cas au 27 avril.",
    "Le budget a augmenté de 12 % en 2021.",
    "Plus de 2 500 millions de personnes sont confinées.",
    "En 2019 ils ont accueilli 40 jeunes.",
    "Ils sont 3 ils le disent.",
    "La bibliothèque a reçu 5 livres en anglais.",
])
def test_numbers_that_are_not_money(text: str) -> None:
    assert find_amounts(text) == []


def test_amount_mention_converts_to_record_amount() -> None:
    [mention] = find_amounts("Une subvention de 10 000€ pour le jardin d'enfants.")
    assert isinstance(mention, AmountMention)
    assert mention.to_amount() == Amount(10000.0, "EUR", None)


def test_amounts_come_in_text_order_without_overlap() -> None:
    found = find_amounts("€ 200 puis 300 € puis 1.000 dollars")
    assert [a.value for a in found] == [200, 300, 1000]
    assert all(a.end_char <= b.start_char for a, b in pairwise(found))
