"""Documents and extractions written by hand for the atlas tests (no extractor involved).

Two short French texts about an invented twinning between Bellerive (France) and Padua, which one
text calls Padoue and the other Padova; `extraction_a` / `extraction_b` are what a good extractor
would give for them. The tests at the bottom check the helpers and the atlas's text search.
"""
from __future__ import annotations

import hashlib

from jumelage.atlas.names import FoldedText
from jumelage.records import (
    Action, Amount, Document, Extraction, Initiative, Partnership, Place, StatusChange,
)

BELLERIVE_ID = 9900001
PADUA_ID = 3171728
SIBIU_ID = 667268

TEXT_A = (
    "Jumelage. La commune de Bellerive est jumelée avec Padoue (Italie) depuis 1985. "
    "En 2021, le comité de jumelage de Bellerive a organisé un échange de lycéens avec Padoue, "
    "financé à hauteur de 5 000 €. "
    "En 2019, des musiciens de Padoue ont joué au festival d'été de Bellerive. "
    "Pendant la crise du covid-19, Bellerive a ouvert une épicerie solidaire avec le CCAS."
)
TEXT_B = (
    "Le maire de Bellerive a reçu une délégation de Padova en mars 2024. "
    "Le jumelage entre Bellerive et Padova, scellé en 1985, a été suspendu en 2020 "
    "puis relancé en 2022 avec le Comité de Jumelage de Bellerive."
)


def span(text: str, quote: str) -> tuple[int, int]:
    at = text.index(quote)
    return at, at + len(quote)


def document(name: str, text: str, date: str | None = None) -> Document:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Document(name=name, text=text, media_type="text/plain", content_hash=digest,
                    date=date)


def bellerive(ref: str = "p1") -> Place:
    return Place(ref, "Bellerive", "FR", BELLERIVE_ID, 45.1, 5.2)


def padua(ref: str, name: str) -> Place:
    return Place(ref, name, "IT", PADUA_ID, 45.4064, 11.8768)


def extraction_a(text: str = TEXT_A, source: str = "a.txt") -> Extraction:
    twinning = "La commune de Bellerive est jumelée avec Padoue (Italie) depuis 1985."
    exchange = ("En 2021, le comité de jumelage de Bellerive a organisé un échange de lycéens "
                "avec Padoue")
    concert = "En 2019, des musiciens de Padoue ont joué au festival d'été de Bellerive."
    grocery = ("Pendant la crise du covid-19, Bellerive a ouvert une épicerie solidaire avec "
               "le CCAS.")
    ext = Extraction(
        source=source,
        places=[bellerive(), padua("p2", "Padoue")],
        organizations=["Comité de jumelage de Bellerive", "CCAS"],
    )
    if twinning in text:
        ext.partnerships.append(
            Partnership(("p1", "p2"), "twinning", "1985", span=span(text, twinning)))
    if exchange in text:
        ext.actions.append(Action(
            ["p1"], ["p2"], "2021", "2021", "done", ["youth", "education"],
            [Amount(5000.0, "EUR")], ["Comité de jumelage de Bellerive"],
            span=span(text, exchange)))
    if concert in text:
        ext.actions.append(Action(["p2"], ["p1"], "2019", "2019", "done", ["culture"],
                                  span=span(text, concert)))
    if grocery in text:
        ext.initiatives.append(Initiative("p1", ["social", "food_agriculture"], "covid-19",
                                          organizations=["CCAS"], span=span(text, grocery)))
    return ext


def extraction_b(text: str = TEXT_B, source: str = "b.txt") -> Extraction:
    visit = "Le maire de Bellerive a reçu une délégation de Padova en mars 2024."
    link = ("Le jumelage entre Bellerive et Padova, scellé en 1985, a été suspendu en 2020 "
            "puis relancé en 2022 avec le Comité de Jumelage de Bellerive.")
    return Extraction(
        source=source,
        places=[padua("x", "Padova"), bellerive("y")],
        partnerships=[Partnership(
            ("x", "y"), "cooperation", "1985", "active",
            history=[StatusChange("suspended", "2020", span(text, "a été suspendu en 2020")),
                     StatusChange("active", "2022", span(text, "relancé en 2022"))],
            span=span(text, link))],
        actions=[Action(["x"], ["y"], "2024-03", "2024-03", "done", ["governance"],
                        span=span(text, visit))],
        organizations=["Comité de Jumelage de Bellerive"],
    )


def test_extractions_point_at_their_quotes() -> None:
    for text, ext in ((TEXT_A, extraction_a()), (TEXT_B, extraction_b())):
        for item in [*ext.partnerships, *ext.actions, *ext.initiatives]:
            assert item.span is not None
            assert text[item.span[0]:item.span[1]].strip()


def test_folded_search() -> None:
    text = "Visite à SAINT-ÉTIENNE-DU-BOIS, puis à Padoue."
    found = FoldedText(text).find("Saint-Étienne-du-Bois")
    assert found is not None and text[found[0]:found[1]] == "SAINT-ÉTIENNE-DU-BOIS"
    assert FoldedText(text).find("padoue") == span(text, "Padoue")
    assert FoldedText(text).find("Pado") is None  # whole words only
