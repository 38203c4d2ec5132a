"""The atlas writer process on its own: outcomes in order through a full queue, refused documents,
a stop in the middle (SQLite and PostgreSQL)."""
from __future__ import annotations

from jumelage.atlas import Atlas
from jumelage.atlas.writer import Writer
from test_atlas_support import TEXT_A, TEXT_B, document, extraction_a, extraction_b


def test_every_job_gets_its_outcome_in_order_through_a_full_queue(atlas_url: str) -> None:
    Atlas.open(atlas_url).close()
    bad = extraction_b(source="bad.txt")
    bad.actions[0].actors = ["nowhere"]
    jobs = [
        (1, document("a.txt", TEXT_A), extraction_a()),
        (2, document("b.txt", TEXT_B), extraction_b()),
        (3, document("copy.txt", TEXT_A), extraction_a(source="copy.txt")),
        (4, document("bad.txt", TEXT_B + " "), bad),
        (5, document("a.txt", TEXT_A + " Fin."), extraction_a(TEXT_A + " Fin.")),
    ]
    writer = Writer(atlas_url, capacity=1)
    saved = []
    for key, doc, ext in jobs:
        saved += writer.submit(key, doc, ext)
    saved += writer.finish()
    assert [s.key for s in saved] == [1, 2, 3, 4, 5]
    assert [s.state for s in saved] == ["new", "new", "unchanged", None, "updated"]
    assert saved[3].problem == "bad.txt: action 1: unknown place ref 'nowhere'"
    assert not any(s.lost or s.error for s in saved)
    assert writer.peak_kb and writer.peak_kb > 0
    with Atlas.open(atlas_url) as atlas:
        assert sorted(s["name"] for s in list(atlas.every("sources"))) == ["a.txt", "b.txt"]
        assert len(atlas.places()["items"]) == 2 and len(atlas.partnerships()["items"]) == 1


def test_abort_stops_the_writer_and_keeps_whole_documents(atlas_url: str) -> None:
    Atlas.open(atlas_url).close()
    writer = Writer(atlas_url)
    for n in range(20):
        text = f"{TEXT_A} Note {n}."
        writer.submit(n, document(f"n{n}.txt", text), extraction_a(text, source=f"n{n}.txt"))
    writer.abort()
    assert writer.pid is not None and not writer._process.is_alive()
    with Atlas.open(atlas_url) as atlas:
        sources = list(atlas.every("sources"))
        assert len(sources) < 20 and all(s["evidence_count"] > 0 for s in sources)
        assert len(atlas.places()["items"]) == 2 if sources else atlas.places()["items"] == []
