"""Very long texts: cut into pieces at paragraph breaks, shared out between processes, merged
into one extraction whose spans point into the whole text (issue 9, point 5)."""
from __future__ import annotations

import json

import pytest

from jumelage.extract import default_extractor, pieces
from jumelage.records import Document

PARAGRAPHS = [
    "Compte rendu annuel du comité de jumelage de Quimper, publié le 12 mars 2021.",
    "La ville de Quimper est jumelée avec Limerick depuis 1980.",
    "En avril 2019, une délégation de Quimper s'est rendue à Limerick pour un tournoi de "
    "rugby entre les clubs des deux villes.",
    "Quimper est aussi jumelée avec Ourense depuis 1994.",
    "L'année suivante, des collégiens d'Ourense ont été accueillis à Quimper pour un échange "
    "scolaire.",
    "La ville de Quimper a signé en 2015 une convention de coopération avec Remscheid.",
]


def long_text(repeats: int) -> str:
    return "\n\n".join(PARAGRAPHS * repeats) + "\n"


@pytest.fixture(scope="module")
def extractor():
    return default_extractor()


def test_pieces_cover_the_text_and_are_cut_after_blank_lines():
    text = long_text(20)
    spans = pieces.split(text, 500)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))          # no gap, no overlap
    assert all(0 < e - s <= 500 for s, e in spans)
    assert all(text[e - 1:e + 1] == "\n\n" for _, e in spans[:-1])       # at paragraph breaks


def test_a_text_without_line_breaks_is_still_cut_within_the_size():
    text = "mot " * 1000
    spans = pieces.split(text, 300)
    assert "".join(text[s:e] for s, e in spans) == text
    assert max(e - s for s, e in spans) <= 300


def _extract(extractor, text: str, workers: int, monkeypatch) -> dict:
    monkeypatch.setattr(pieces, "LONG_TEXT", 1000)
    monkeypatch.setattr(pieces, "PIECE", 600)
    monkeypatch.setattr(extractor, "workers", workers)
    doc = Document(name="rapport.txt", text=text, media_type="text/plain", content_hash="0")
    return extractor.extract(doc).to_dict()


def test_a_long_text_gives_the_same_extraction_on_one_process_or_two(extractor, monkeypatch):
    text = long_text(6)
    assert len(pieces.split(text, 600)) >= 4
    alone = _extract(extractor, text, 1, monkeypatch)
    shared = _extract(extractor, text, 2, monkeypatch)
    assert json.dumps(alone, sort_keys=True) == json.dumps(shared, sort_keys=True)


def test_the_merged_extraction_points_into_the_whole_text(extractor, monkeypatch):
    text = long_text(6)
    ext = _extract(extractor, text, 2, monkeypatch)
    names = [p["name"] for p in ext["places"]]
    assert len(names) == len(set(names))                     # each town once, whatever the piece
    assert {"Quimper", "Limerick", "Ourense"} <= set(names)
    assert ext["date"] == "2021-03-12"                       # stated in the first piece only
    records = [*ext["partnerships"], *ext["actions"]]
    assert records and all(r["span"] is None or text[r["span"][0]:r["span"][1]] == r["quote"]
                           for r in records)
    starts = [r["span"][0] for r in ext["actions"] if r["span"]]
    assert max(starts) > len(text) // 2                      # later pieces' actions are there


def test_a_piece_without_a_date_of_its_own_is_dated_by_the_first(extractor, monkeypatch):
    # "L'année suivante" is read against the document's date in every piece, not in the first only
    text = long_text(6)
    ext = _extract(extractor, text, 2, monkeypatch)
    alone = extractor.extract(Document(name="x.txt", text="\n\n".join(PARAGRAPHS),
                                       media_type="text/plain", content_hash="0")).to_dict()
    assert {a["start"] for a in ext["actions"]} == {a["start"] for a in alone["actions"]}


def test_the_model_runs_without_the_components_nothing_reads(extractor):
    """The lemmatizer and the attribute ruler (POS copied into TAG) are left out of the model:
    no step reads `lemma_` or `tag_`, and their time is a tenth of the model's."""
    from jumelage.extract.pipeline import UNUSED

    names = extractor.nlp.pipe_names
    assert not set(UNUSED) & set(names)
    assert {"tok2vec", "morphologizer", "parser", "ner"} <= set(names)


def test_the_model_reads_small_parts_cut_at_line_breaks_then_sentences_then_words():
    from jumelage.extract import pipeline

    text = long_text(40)
    parts = pipeline._chunks(text)
    assert parts[0][0] == 0 and parts[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(parts, parts[1:]))           # no gap, no overlap
    assert all(e - s <= pipeline.CHUNK for s, e in parts)
    assert all(text[e - 1] == "\n" for _, e in parts[:-1])               # at line breaks
    one_line = " ".join(PARAGRAPHS * 30)                                   # no line break at all
    parts = pipeline._chunks(one_line)
    assert all(one_line[e - 2] == "." and one_line[e - 1] == " " for _, e in parts[:-1])
    words = "mot " * 2000                                                  # no sentence end either
    parts = pipeline._chunks(words)
    assert all(words[e - 1] == " " for _, e in parts[:-1]) and parts[-1][1] == len(words)


def test_a_text_longer_than_one_model_part_gives_what_its_parts_say(extractor):
    """The parts the model reads are joined again: sentences, places and partnerships found across
    the whole text, offsets in the whole text."""
    from jumelage.extract import pipeline

    text = long_text(20)
    assert pieces.LONG_TEXT > len(text) > 3 * pipeline.CHUNK      # one document, several parts
    ext = extractor.extract(Document(name="rapport.txt", text=text, media_type="text/plain",
                                     content_hash="x"))
    names = {p.name for p in ext.places}
    assert {"Quimper", "Limerick", "Ourense", "Remscheid"} <= names
    assert len({tuple(sorted(p.places)) for p in ext.partnerships}) == 3
    assert ext.actions
    for r in [*ext.partnerships, *ext.actions]:
        assert r.span is None or text[r.span[0]:r.span[1]] == r.quote
