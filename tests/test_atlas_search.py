"""French full-text search on SQLite (FTS5 + Snowball) and PostgreSQL (tsvector, french, unaccent):
accents, case and word endings do not matter, hits link to their evidence, facets count, and the
index follows every write (re-ingest, review, rejection, removal, import) in the same transaction.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from jumelage.atlas import Atlas, Filters
from jumelage.atlas.exchange import export_json, import_json
from jumelage.atlas.search import locate, query_stems, stems
from jumelage.errors import InvalidChange
from jumelage.records import Action, Extraction, Partnership, Place
from test_atlas_support import (
    BELLERIVE_ID, PADUA_ID, TEXT_A, TEXT_B, document, extraction_a, extraction_b, span,
)

SCHOOL = ("Mairie de Bellerive. En 2022, Bellerive et Kayes ont rénové trois Écoles primaires "
          "du cercle de Kayes avec l'association Sahel Avenir. "
          "En 2023, un forage a été creusé à Kayes pour le dispensaire.")
SCHOOL_ACTION = "En 2022, Bellerive et Kayes ont rénové trois Écoles primaires du cercle de Kayes"
WELL_ACTION = "En 2023, un forage a été creusé à Kayes pour le dispensaire."


def school_extraction(text: str = SCHOOL, source: str = "kayes.txt") -> Extraction:
    ext = Extraction(source=source, places=[
        Place("b", "Bellerive", "FR", BELLERIVE_ID, 45.1, 5.2),
        Place("k", "Kayes", "ML", 2455518, 14.45, -11.44)],
        organizations=["Sahel Avenir"])
    ext.partnerships.append(Partnership(("b", "k"), "cooperation", "1990"))
    if SCHOOL_ACTION in text:
        ext.actions.append(Action(["b"], ["k"], "2022", "2022", "done", ["education"],
                                  organizations=["Sahel Avenir"], span=span(text, SCHOOL_ACTION)))
    if WELL_ACTION in text:
        ext.actions.append(Action(["b"], ["k"], "2023", "2023", "done",
                                  ["water_sanitation", "health"], span=span(text, WELL_ACTION)))
    return ext


@pytest.fixture
def atlas(atlas_url: str) -> Iterator[Atlas]:
    with Atlas.open(atlas_url) as opened:
        yield opened


def index_matches_atlas(atlas: Atlas) -> bool:
    """The index holds one row per record not rejected and per source, and nothing else."""
    from sqlalchemy import select

    from jumelage.atlas.models import Action, Initiative, Partnership, Place, Source
    from jumelage.atlas.search import search_docs

    def read(session: object) -> bool:
        indexed = set(session.execute(select(search_docs.c.record,  # type: ignore[attr-defined]
                                             search_docs.c.record_id)).all())
        live = {("source", i) for i in session.scalars(select(Source.id))}  # type: ignore[attr-defined]
        for kind, model in (("place", Place), ("partnership", Partnership), ("action", Action),
                            ("initiative", Initiative)):
            live |= {(kind, i) for i in session.scalars(  # type: ignore[attr-defined]
                select(model.id).where(model.review_state != "rejected"))}
        assert indexed == live
        return True
    return atlas.read(read)


def found(atlas: Atlas, q: str, **filters: object) -> set[tuple[str, str]]:
    page = atlas.search(q, Filters(**filters) if filters else None, limit=100)  # type: ignore[arg-type]
    return {(h["record"], h["label"]) for h in page["items"]}


def test_french_stems_without_accents_or_case() -> None:
    assert stems("école") == stems("Écoles") == stems("ecole") == stems("ÉCOLE") == ["ecol"]
    assert stems("l'épicerie solidaire") == ["l", "epicer", "solidair"]
    assert query_stems("les écoles de Kayes") == ["ecol", "kay"]   # stop words dropped
    assert query_stems("les") == ["le"]                            # unless nothing else is left
    text = "Trois ÉCOLES rénovées."
    where = locate(text, ["ecol"])
    assert where is not None and text[where[0]:where[1]] == "ÉCOLES"


def test_ecole_finds_ecoles_and_links_to_the_evidence(atlas: Atlas) -> None:
    atlas.save_extraction(document("kayes.txt", SCHOOL, "2024-01"), school_extraction())
    for q in ("ecole", "école", "ÉCOLES", "ecoles primaires", "Écoles Sahel"):
        assert ("action", "2022: Bellerive, Kayes") in found(atlas, q), q
    page = atlas.search("ecole")
    hit = next(h for h in page["items"] if h["record"] == "action")
    ev = hit["evidence"]
    assert ev is not None and ev["source"] == "kayes.txt"
    assert SCHOOL[ev["start"]:ev["end"]] == ev["quote"] == SCHOOL_ACTION
    assert hit["themes"] == ["education"] and hit["year"] == 2022 and hit["status"] == "done"
    source_hit = next(h for h in page["items"] if h["record"] == "source")
    ev = source_hit["evidence"]
    assert ev is not None and SCHOOL[ev["start"]:ev["end"]] == "Écoles"
    assert found(atlas, "kayes", record="place") == {("place", "Kayes")}
    assert ("partnership", "Bellerive – Kayes") in found(atlas, "bellerive kayes")
    assert found(atlas, "ecole piscine") == set()       # every word must match
    assert found(atlas, "") == set() and found(atlas, "  !? ") == set()


def test_facets_filters_and_pages(atlas: Atlas) -> None:
    atlas.save_extraction(document("kayes.txt", SCHOOL, "2024-01"), school_extraction())
    atlas.save_extraction(document("a.txt", TEXT_A, "2023-05"), extraction_a())
    atlas.save_extraction(document("b.txt", TEXT_B, "2024-04"), extraction_b())
    page = atlas.search("Bellerive")
    facets = page["facets"]
    records = {f["value"]: f["count"] for f in facets["record"]}
    assert records["source"] == 3 and records["place"] == 1 and records["action"] == 5
    assert page["total"] == sum(records.values())
    assert {f["value"] for f in facets["country"]} >= {"FR", "ML", "IT"}
    assert {"education": 2, "health": 1}.items() <= {
        f["value"]: f["count"] for f in facets["theme"]}.items()
    assert [f["value"] for f in facets["year"]] == sorted(f["value"] for f in facets["year"])
    assert found(atlas, "bellerive", theme="health") == {("action", "2023: Bellerive, Kayes")}
    assert found(atlas, "bellerive", country="ml", record="action") == {
        ("action", "2022: Bellerive, Kayes"), ("action", "2023: Bellerive, Kayes")}
    assert {h[0] for h in found(atlas, "bellerive", year_from=2022, year_to=2022)} == {"action"}
    assert found(atlas, "bellerive", kind="twinning") == {("partnership", "Bellerive – Padoue")}
    seen, after = [], None
    while True:
        part = atlas.search("Bellerive", after=after, limit=2)
        seen += [(h["record"], h["id"]) for h in part["items"]]
        after = part["next"]
        if after is None:
            break
    assert len(seen) == len(set(seen)) == page["total"]
    assert seen == [(h["record"], h["id"]) for h in atlas.search("Bellerive", limit=100)["items"]]
    with pytest.raises(InvalidChange):
        atlas.search("bellerive", after=atlas.actions(limit=1)["next"] or "eA")


def test_the_index_follows_a_re_ingest(atlas: Atlas) -> None:
    atlas.save_extraction(document("kayes.txt", SCHOOL), school_extraction())
    assert found(atlas, "ecole", record="action")
    changed = SCHOOL.replace(SCHOOL_ACTION + " avec l'association Sahel Avenir. ", "")
    assert atlas.save_extraction(document("kayes.txt", changed),
                                 school_extraction(changed)) == "updated"
    assert found(atlas, "ecole") == set()            # neither the action nor the source text
    assert found(atlas, "Sahel") == set()
    assert found(atlas, "forage", record="action") == {("action", "2023: Bellerive, Kayes")}
    assert index_matches_atlas(atlas)


def test_the_index_follows_review_corrections_and_rejections(atlas: Atlas) -> None:
    atlas.save_extraction(document("kayes.txt", SCHOOL), school_extraction())
    kayes = atlas.find_place("Kayes")
    assert kayes is not None
    atlas.review("place", kayes["id"], "corrected", {"name": "Kayes-Ville", "country": "SN"})
    assert ("place", "Kayes-Ville") in found(atlas, "kayes ville")
    # the actions naming the place follow its new name and country
    assert found(atlas, "ecole", country="SN", record="action") == {
        ("action", "2022: Bellerive, Kayes-Ville")}
    assert found(atlas, "ecole", country="ML") == set()
    [school] = [h for h in atlas.search("ecole", Filters(record="action"))["items"]]
    atlas.review("action", school["id"], "corrected", {"themes": ["culture"]})
    assert found(atlas, "ecole", theme="culture", record="action")
    assert found(atlas, "ecole", theme="education") == set()
    atlas.review("action", school["id"], "rejected")
    assert found(atlas, "ecole", record="action") == set()
    assert index_matches_atlas(atlas)
    atlas.review("action", school["id"], "extracted")    # handed back to its sources
    assert found(atlas, "ecole", theme="education", record="action")
    new = atlas.add_manual("initiative", {"place": kayes["id"], "context": "covid-19",
                                          "themes": ["health"]})
    assert any(h["id"] == new for h in atlas.search("covid", Filters(record="initiative"))["items"])


def test_the_index_follows_removal_and_import(atlas: Atlas, tmp_path: Path) -> None:
    atlas.save_extraction(document("kayes.txt", SCHOOL), school_extraction())
    atlas.save_extraction(document("a.txt", TEXT_A), extraction_a())
    data = export_json(atlas)
    assert atlas.remove_source("kayes.txt")
    assert found(atlas, "ecole") == set() and found(atlas, "kayes") == set()
    assert found(atlas, "lyceens", record="action") == {("action", "2021: Bellerive, Padoue")}
    assert index_matches_atlas(atlas)
    with Atlas.open(str(tmp_path / "copy.sqlite")) as copy:
        import_json(copy, data)
        assert ("action", "2022: Bellerive, Kayes") in found(copy, "écoles")
        assert index_matches_atlas(copy)


def test_a_failed_save_leaves_the_index_as_it_was(atlas: Atlas) -> None:
    atlas.save_extraction(document("kayes.txt", SCHOOL), school_extraction())
    before = atlas.search("ecole")["total"]
    broken = school_extraction(SCHOOL + " Encore des écoles.")
    broken.actions[0].start = "2022-13"   # no such month: refused before anything is written
    with pytest.raises(InvalidChange):
        atlas.save_extraction(document("kayes.txt", SCHOOL + " Encore des écoles."), broken)
    assert atlas.search("ecole")["total"] == before
    assert found(atlas, "encore") == set()


def test_padua_in_two_languages(atlas: Atlas) -> None:
    atlas.save_extraction(document("a.txt", TEXT_A), extraction_a())
    atlas.save_extraction(document("b.txt", TEXT_B), extraction_b())
    assert atlas.remove_source("a.txt")       # Bellerive's and Padua's own evidence leaves...
    atlas.save_extraction(document("a.txt", TEXT_A), extraction_a())  # ...and comes back
    assert index_matches_atlas(atlas)
    place_hits = found(atlas, "padova", record="place")
    padua = atlas.find_place("Padoue")
    assert padua is not None        # one place, whichever of its names is the main one now
    assert place_hits == found(atlas, "PADOUE", record="place") == {("place", padua["name"])}
    assert atlas.find_place(str(PADUA_ID)) is not None


def test_search_from_the_command_line(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from jumelage.cli import app
    db = str(tmp_path / "cli.sqlite")
    with Atlas.open(db) as atlas:
        atlas.save_extraction(document("kayes.txt", SCHOOL), school_extraction())
    shown = CliRunner().invoke(app, ["search", "ECOLE", "--db", db])
    assert shown.exit_code == 0 and "Bellerive, Kayes" in shown.stdout and "kayes.txt" in shown.stdout
    # piped: tab-separated values, nothing cut or boxed; the facets go to stderr
    lines = shown.stdout.strip().splitlines()
    assert lines[1] == "record\tid\twhat\tyear\tevidence"
    assert all(len(line.split("\t")) == 5 for line in lines[1:]) and "│" not in shown.stdout
    assert "record: " in shown.stderr and "record: " not in shown.stdout
    data = json.loads(CliRunner().invoke(app, ["search", "ecoles", "--record", "action",
                                               "--json", "--db", db]).stdout)
    assert [h["label"] for h in data["items"]] == ["2022: Bellerive, Kayes"]
    bad = CliRunner().invoke(app, ["search", "ecole", "--theme", "cooking", "--db", db])
    assert bad.exit_code == 1 and bad.stderr.startswith("error: theme: 'cooking' is not one of")


def test_stemming_from_many_threads() -> None:
    from concurrent.futures import ThreadPoolExecutor
    text = "Les Écoles jumelées ont organisé des échanges culturels et sportifs " * 20
    expected = stems(text)
    with ThreadPoolExecutor(8) as pool:
        assert all(r == expected for r in pool.map(lambda _: stems(text), range(400)))


def test_a_batch_of_documents_is_indexed_with_its_transaction(atlas: Atlas) -> None:
    atlas.save_extractions([(document("kayes.txt", SCHOOL), school_extraction()),
                            (document("a.txt", TEXT_A), extraction_a())])
    assert ("action", "2022: Bellerive, Kayes") in found(atlas, "écoles")
    assert found(atlas, "lyceens", record="action") == {("action", "2021: Bellerive, Padoue")}
    assert index_matches_atlas(atlas)
