"""The atlas store on SQLite and PostgreSQL: merging documents, re-ingestion, review, history."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from jumelage.atlas import Atlas, Filters
from jumelage.atlas.exchange import export_json
from jumelage.errors import AtlasError
from jumelage.records import Action, Extraction, Partnership, Place
from test_atlas_support import (
    BELLERIVE_ID, PADUA_ID, SIBIU_ID, TEXT_A, TEXT_B, document, extraction_a, extraction_b, span,
)


@pytest.fixture
def atlas(atlas_url: str) -> Iterator[Atlas]:
    with Atlas.open(atlas_url) as opened:
        yield opened


def _sources(record: dict) -> set[str]:
    return {e["source"] for e in record["evidence"]}


def test_documents_about_the_same_things_merge(atlas: Atlas) -> None:
    assert atlas.save_extraction(document("a.txt", TEXT_A, "2023-05"), extraction_a()) == "new"
    assert atlas.save_extraction(document("b.txt", TEXT_B, "2024-04"), extraction_b()) == "new"

    padua = atlas.find_place("Padova")
    assert padua is not None and padua == atlas.find_place("padoue")
    assert padua["geonames_id"] == PADUA_ID
    assert {padua["name"], *padua["aliases"]} == {"Padoue", "Padova"}
    assert len(atlas.places()["items"]) == 2

    [ship] = atlas.partnerships()["items"]
    assert {p["geonames_id"] for p in ship["places"]} == {PADUA_ID, BELLERIVE_ID}
    record = atlas.record("partnership", ship["id"])
    assert record is not None and _sources(record) == {"a.txt", "b.txt"}
    # one source says twinning, the other cooperation: the most specific kind wins,
    # and each source's own kind stays in its evidence
    assert ship["kind"] == "twinning" and ship["since"] == "1985"
    assert ship["status"] == "active"
    # "Comité de jumelage de Bellerive" and "Comité de Jumelage de Bellerive" are one
    orgs = [o["name"] for o in atlas.organisations()]
    assert sorted(orgs) == ["CCAS", "Comité de jumelage de Bellerive"]
    summary = atlas.summary()
    assert summary["sources"] == 2 and summary["places"] == 2 and summary["partnerships"] == 1
    assert summary["actions"] == 3 and summary["initiatives"] == 1
    assert summary["organisations"] == 2


def test_places_merge_by_name_when_no_geonames_id(atlas: Atlas) -> None:
    text = "Bellerive et Padoue échangent depuis 1990."
    ext = Extraction("c.txt", places=[Place("a", "Bellerive", "FR"), Place("b", "Padoue", "IT")],
                     partnerships=[Partnership(("a", "b"), "partnership", "1990")])
    atlas.save_extraction(document("c.txt", text), ext)
    atlas.save_extraction(document("a.txt", TEXT_A), extraction_a())
    # Padoue without an id joins Padoue with its GeoNames id; a same-named place elsewhere not
    text2 = "Une Padoue existe aussi ailleurs."
    atlas.save_extraction(document("d.txt", text2),
                          Extraction("d.txt", places=[Place("z", "Padoue", "US")]))
    names = sorted((p["name"], p["country"], p["geonames_id"]) for p in atlas.places()["items"])
    assert names == [("Bellerive", "FR", BELLERIVE_ID), ("Padoue", "IT", PADUA_ID),
                     ("Padoue", "US", None)]
    assert len(atlas.partnerships()["items"]) == 1


def test_same_content_twice_changes_nothing(atlas: Atlas) -> None:
    doc = document("a.txt", TEXT_A)
    atlas.save_extraction(doc, extraction_a())
    before = export_json(atlas)
    assert atlas.source_state("a.txt", doc.content_hash) == "unchanged"
    assert atlas.save_extraction(doc, extraction_a()) == "unchanged"
    # the same bytes under another name are the same content too
    assert atlas.source_state("copy-of-a.txt", doc.content_hash) == "unchanged"
    assert atlas.save_extraction(document("copy-of-a.txt", TEXT_A),
                                 extraction_a(source="copy-of-a.txt")) == "unchanged"
    assert export_json(atlas) == before
    assert atlas.source_state("a.txt", "another hash") == "updated"
    assert atlas.source_state("new.txt", "another hash") == "new"


def test_changed_document_replaces_only_unreviewed_records(atlas: Atlas) -> None:
    atlas.save_extraction(document("a.txt", TEXT_A), extraction_a())
    acts = {a["start"]: a for a in atlas.actions()["items"]}
    exchange, concert = acts["2021"], acts["2019"]
    [grocery] = atlas.initiatives()["items"]
    bellerive = atlas.find_place("Bellerive")
    padua = atlas.find_place("Padoue")
    assert bellerive and padua
    atlas.review("action", exchange["id"], "corrected", {"themes": ["youth"]}, note="pas d'école")
    atlas.review("action", concert["id"], "rejected", note="un concert n'est pas un échange")
    atlas.review("initiative", grocery["id"], "confirmed")
    manual = atlas.add_manual("action", {"actors": [bellerive["id"]], "partners": [padua["id"]],
                                         "start": "2018", "end": "2018", "themes": ["sport"]})

    # the document changes: the exchange, the concert and the grocery disappear, a visit comes
    text = ("La commune de Bellerive est jumelée avec Padoue (Italie) depuis 1985. "
            "En 2023, une délégation de Padoue a visité Bellerive.")
    ext = extraction_a(text)
    visit = "En 2023, une délégation de Padoue a visité Bellerive."
    ext.actions.append(Action(["p2"], ["p1"], "2023", "2023", "done", ["governance"],
                              span=span(text, visit)))
    assert atlas.save_extraction(document("a.txt", text), ext) == "updated"

    by_id = {a["id"]: a for a in atlas.actions(include_rejected=True)["items"]}
    assert by_id[exchange["id"]]["themes"] == ["youth"]
    assert by_id[exchange["id"]]["review_state"] == "corrected"
    assert by_id[exchange["id"]]["review_note"] == "pas d'école"
    assert by_id[concert["id"]]["review_state"] == "rejected"
    assert by_id[manual]["review_state"] == "manual"
    new = [a for a in by_id.values() if a["start"] == "2023"]
    assert len(new) == 1 and new[0]["review_state"] == "extracted"
    assert len(by_id) == 4
    assert [i["id"] for i in atlas.initiatives()["items"]] == [grocery["id"]]
    # a kept record whose text is gone keeps its quote, without a span into the new text
    kept = atlas.record("action", exchange["id"])
    assert kept is not None and kept["evidence"][0]["start"] is None
    assert kept["evidence"][0]["quote"].startswith("En 2021")
    # the source's evidence spans all point into the new text
    src = next(s for s in list(atlas.every("sources")) if s["name"] == "a.txt")
    detail = atlas.source_detail(src["id"])
    assert detail is not None and detail["text"] == text
    for ev in detail["evidence"]:
        if ev["start"] is not None:
            assert text[ev["start"]:ev["end"]] == ev["quote"]

    # the old text comes back: the rejected concert stays rejected, nothing is duplicated
    assert atlas.save_extraction(document("a.txt", TEXT_A), extraction_a()) == "updated"
    actions = atlas.actions(include_rejected=True)["items"]
    assert [a["review_state"] for a in actions if a["start"] == "2019"] == ["rejected"]
    assert len([a for a in actions if a["start"] == "2021"]) == 1
    assert [a["start"] for a in atlas.actions()["items"]] == ["2018", "2021"]
    kept = atlas.record("action", exchange["id"])
    assert kept is not None and len(kept["evidence"]) == 1
    assert kept["evidence"][0]["start"] == TEXT_A.index("En 2021")


def test_places_only_one_document_named_leave_with_it(atlas: Atlas) -> None:
    atlas.save_extraction(document("a.txt", TEXT_A), extraction_a())
    text = "Bellerive a signé un pacte d'amitié avec Sibiu en 2022."
    ext = Extraction("s.txt", places=[Place("a", "Bellerive", "FR", BELLERIVE_ID),
                                      Place("b", "Sibiu", "RO", SIBIU_ID, 45.8, 24.15)],
                     partnerships=[Partnership(("a", "b"), "friendship", "2022",
                                               span=span(text, text))])
    atlas.save_extraction(document("s.txt", text), ext)
    assert atlas.find_place("Sibiu") is not None
    changed = "Bellerive n'a plus de lien avec la Roumanie."
    atlas.save_extraction(document("s.txt", changed), Extraction("s.txt"))
    assert atlas.find_place(str(SIBIU_ID)) is None
    assert len(atlas.partnerships()["items"]) == 1
    # Bellerive, still named by a.txt, stays; its evidence from s.txt is gone
    bellerive = atlas.record("place", atlas.find_place("Bellerive")["id"])  # type: ignore[index]
    assert bellerive is not None and _sources(bellerive) == {"a.txt"}
    assert atlas.remove_source("a.txt") and not atlas.remove_source("a.txt")
    assert atlas.places()["items"] == [] and atlas.organisations() == []
    assert [s["name"] for s in list(atlas.every("sources"))] == ["s.txt"]


def test_status_history_and_dormant_flag(atlas: Atlas) -> None:
    atlas.save_extraction(document("a.txt", TEXT_A, "2023-05"), extraction_a())
    [ship] = atlas.partnerships()["items"]
    assert [(h["status"], h["date"]) for h in atlas.partnership_history(ship["id"])] == [
        ("active", "1985")]
    atlas.save_extraction(document("b.txt", TEXT_B, "2024-04"), extraction_b())
    history = atlas.partnership_history(ship["id"])
    assert [(h["status"], h["date"]) for h in history] == [
        ("active", "1985"), ("suspended", "2020"), ("active", "2022")]
    # the 1985 status is said by both documents; each change carries its own evidence
    assert {e["source"] for e in history[0]["evidence"]} == {"a.txt", "b.txt"}
    assert history[1]["evidence"][0]["quote"] == "a été suspendu en 2020"

    # actions in 2019, 2021 and 2024-03: active until five years after the last one
    def flag(day: date) -> bool:
        return atlas.partnerships(as_of=day)["items"][0]["dormant"]

    def activity(day: date) -> str:
        return atlas.partnerships(as_of=day)["items"][0]["activity"]

    assert flag(date(2025, 1, 1)) is False
    assert flag(date(2029, 3, 31)) is False
    assert flag(date(2029, 4, 1)) is True and activity(date(2029, 4, 1)) == "dormant"
    # before any recorded action, 33 years after 1985: nothing lets the atlas judge
    assert flag(date(2018, 6, 1)) is False and activity(date(2018, 6, 1)) == "unrecorded"
    assert atlas.place_detail(ship["places"][0]["id"], as_of=date(2030, 1, 1))["partners"][0][
        "dormant"] is True

    # a partnership signed in the last five years is young, not dormant
    text = "Bellerive a signé un pacte d'amitié avec Sibiu en 2022."
    ext = Extraction("s.txt", places=[Place("a", "Bellerive", "FR", BELLERIVE_ID),
                                      Place("b", "Sibiu", "RO", SIBIU_ID)],
                     partnerships=[Partnership(("a", "b"), "friendship", "2022")])
    atlas.save_extraction(document("s.txt", text), ext)
    def sibiu(day: date) -> bool:
        return next(s["dormant"] for s in atlas.partnerships(as_of=day)["items"]
                    if s["places"][1]["name"] == "Sibiu")

    assert sibiu(date(2024, 1, 1)) is False
    # six years on, still no recorded action: not dormant, the atlas cannot tell
    assert sibiu(date(2028, 1, 1)) is False
    [row] = [s for s in atlas.partnerships(as_of=date(2028, 1, 1))["items"]
             if s["places"][1]["name"] == "Sibiu"]
    assert row["activity"] == "unrecorded"


def test_status_change_without_date_takes_the_document_date(atlas: Atlas) -> None:
    text = "Le jumelage entre Bellerive et Padoue est aujourd'hui rompu."
    ext = Extraction("e.txt", places=[Place("a", "Bellerive", "FR", BELLERIVE_ID),
                                      Place("b", "Padoue", "IT", PADUA_ID)],
                     partnerships=[Partnership(("a", "b"), "twinning", None, "ended",
                                               span=span(text, text))])
    atlas.save_extraction(document("e.txt", text, "2023-09-01"), ext)
    [ship] = atlas.partnerships()["items"]
    assert ship["status"] == "ended"
    assert [(h["status"], h["date"]) for h in atlas.partnership_history(ship["id"])] == [
        ("ended", "2023-09-01")]


def test_review_corrects_confirms_and_refuses_bad_changes(atlas: Atlas) -> None:
    atlas.save_extraction(document("a.txt", TEXT_A), extraction_a())
    [ship] = atlas.partnerships()["items"]
    out = atlas.review("partnership", ship["id"], "corrected",
                       {"kind": "cooperation", "status": "suspended", "status_date": "2024-02"})
    assert out["kind"] == "cooperation" and out["status"] == "suspended"
    assert [(h["status"], h["date"], h["review_state"]) for h in out["history"]][-1] == (
        "suspended", "2024-02", "manual")
    place = atlas.find_place("Padoue")
    assert place is not None
    out = atlas.review("place", place["id"], "corrected", {"name": "Padova"})
    assert out["name"] == "Padova" and "Padoue" in out["aliases"]
    assert atlas.find_place("Padoue")["id"] == place["id"]  # type: ignore[index]

    before = export_json(atlas)
    bad = [
        ("action", 999, "confirmed", None, "no action with id 999"),
        ("partnership", ship["id"], "corrected", {"kind": "marriage"}, "'marriage' is not one of"),
        ("partnership", ship["id"], "corrected", {"since": "vers 1985"}, "is not YYYY"),
        ("place", place["id"], "corrected", {"colour": "red"}, "unknown field 'colour'"),
        ("place", place["id"], "corrected", {"geonames_id": BELLERIVE_ID}, "is already place"),
        ("place", place["id"], "approved", None, "cannot review to 'approved'"),
        ("place", place["id"], "confirmed", {"name": "X"}, "need the state 'corrected'"),
        ("town", 1, "confirmed", None, "unknown record kind 'town'"),
    ]
    for kind, rid, state, changes, message in bad:
        with pytest.raises(AtlasError, match=message) as caught:
            atlas.review(kind, rid, state, changes)
        assert "\n" not in str(caught.value)
    assert export_json(atlas) == before


def test_review_back_to_extracted_follows_the_sources_again(atlas: Atlas) -> None:
    atlas.save_extraction(document("a.txt", TEXT_A), extraction_a())
    action = next(a for a in atlas.actions()["items"] if a["start"] == "2021")
    atlas.review("action", action["id"], "corrected", {"status": "cancelled"})
    back = atlas.review("action", action["id"], "extracted")
    assert back["status"] == "done" and back["review_state"] == "extracted"
    manual = atlas.add_manual("place", {"name": "Castelnou", "country": "FR"})
    with pytest.raises(AtlasError, match="no source to fall back on"):
        atlas.review("place", manual, "extracted")


def test_add_manual_records(atlas: Atlas) -> None:
    a = atlas.add_manual("place", {"name": "Castelnou", "country": "fr", "lat": 42.6,
                                   "lon": 2.7, "aliases": ["Castelnòu"]})
    b = atlas.add_manual("place", {"name": "Tombouctou", "country": "ML", "kind": "region"})
    ship = atlas.add_manual("partnership", {"places": [b, a], "kind": "cooperation",
                                            "since": "2004"})
    act = atlas.add_manual("action", {"actors": [a], "partners": [b], "start": "2010",
                                      "end": "2012", "themes": ["water_sanitation"],
                                      "amounts": [{"value": 12000, "currency": "EUR"}],
                                      "organisations": ["Cités Unies France"]})
    init = atlas.add_manual("initiative", {"place": a, "themes": ["health"],
                                           "context": "canicule"})
    place = atlas.find_place("castelnou")
    assert place is not None and place["country"] == "FR" and place["aliases"] == ["Castelnòu"]
    assert place["review_state"] == "manual" and place["partner_count"] == 1
    [s] = atlas.partnerships()["items"]
    assert s["id"] == ship and s["review_state"] == "manual" and s["since"] == "2004"
    assert [(h["status"], h["date"]) for h in atlas.partnership_history(ship)] == [
        ("active", "2004")]
    [action] = atlas.actions()["items"]
    assert action["id"] == act and [o["name"] for o in action["organisations"]] == [
        "Cités Unies France"]
    assert action["amounts"] == [{"value": 12000.0, "currency": "EUR"}]
    assert [i["id"] for i in atlas.initiatives(Filters(place=a))["items"]] == [init]
    with pytest.raises(AtlasError, match="already have partnership"):
        atlas.add_manual("partnership", {"places": [a, b]})
    with pytest.raises(AtlasError, match="no place with id 999"):
        atlas.add_manual("action", {"actors": [999]})
    assert atlas.summary()["review"]["manual"] == 6


def test_queries_for_exploration(atlas: Atlas) -> None:
    atlas.save_extraction(document("a.txt", TEXT_A, "2023-05"), extraction_a())
    atlas.save_extraction(document("b.txt", TEXT_B, "2024-04"), extraction_b())
    padua = atlas.find_place("Padova")
    assert padua is not None
    assert atlas.find_place(str(PADUA_ID)) == padua
    assert atlas.find_place(str(padua["id"])) == padua
    assert atlas.find_place("Padva") == padua          # a typo still finds it
    assert atlas.find_place("Ouagadougou") is None
    assert [p["name"] for p in atlas.places(Filters(q="pado"))["items"]] == [padua["name"]]
    assert [p["name"] for p in atlas.places(Filters(country="fr"))["items"]] == ["Bellerive"]
    assert len(atlas.places(limit=1)["items"]) == 1 and len(atlas.places(
        after=atlas.places(limit=1)["next"], limit=1)["items"]) == 1
    assert padua["partner_count"] == 1

    detail = atlas.place_detail(padua["id"])
    assert detail is not None
    assert [p["place"]["name"] for p in detail["partners"]] == ["Bellerive"]
    assert [a["start"] for a in detail["timeline"]] == ["2019", "2021", "2024-03"]
    assert {s["name"] for s in detail["sources"]} == {"a.txt", "b.txt"}
    assert detail["initiatives"] == []  # the grocery is Bellerive's own
    for src in detail["sources"]:
        text = TEXT_A if src["name"] == "a.txt" else TEXT_B
        for ev in src["evidence"]:
            assert text[ev["start"]:ev["end"]] == ev["quote"]
    assert atlas.place_detail(999) is None

    [src_a] = [s for s in list(atlas.every("sources")) if s["name"] == "a.txt"]
    assert src_a["date"] == "2023-05" and src_a["evidence_count"] > 0
    detail = atlas.source_detail(src_a["id"])
    assert detail is not None and detail["text"] == TEXT_A
    starts = [e["start"] for e in detail["evidence"]]
    assert starts == sorted(starts)
    labels = {e["label"] for e in detail["evidence"]}
    assert "twinning: Bellerive – Padoue" in labels and "CCAS" in labels
    assert atlas.source_detail(999) is None
