"""Exports and imports: the JSON round trip loses nothing; CSV and GeoJSON have the right shape."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from jumelage.atlas import Atlas
from jumelage.atlas.exchange import (
    export_csv, export_geojson, export_json, import_json, read_export,
)
from jumelage.errors import AtlasError
from jumelage.records import Extraction, Place
from test_atlas_support import TEXT_A, TEXT_B, document, extraction_a, extraction_b


def fill(atlas: Atlas) -> None:
    """Two documents, every review state, a manual partnership and a record without coordinates."""
    atlas.save_extraction(document("a.txt", TEXT_A, "2023-05"), extraction_a())
    atlas.save_extraction(document("b.txt", TEXT_B, "2024-04"), extraction_b())
    acts = {a["start"]: a["id"] for a in atlas.actions()["items"]}
    atlas.review("action", acts["2021"], "corrected", {"themes": ["youth"]}, note="vérifié")
    atlas.review("action", acts["2019"], "rejected")
    atlas.review("place", atlas.find_place("Bellerive")["id"], "confirmed")  # type: ignore[index]
    nowhere = atlas.add_manual("place", {"name": "Lieu-Dit", "country": "FR"})
    bellerive = atlas.find_place("Bellerive")["id"]  # type: ignore[index]
    atlas.add_manual("partnership", {"places": [bellerive, nowhere], "kind": "friendship",
                                     "since": "2001", "status": "ended", "status_date": "2010"})


def test_json_round_trip_loses_nothing(atlas_url: str, tmp_path: Path) -> None:
    with Atlas.open(str(tmp_path / "first.sqlite")) as first:
        fill(first)
        exported = export_json(first)
    assert exported["format"] == "jumelage-atlas" and exported["version"] == 1
    text = json.dumps(exported, ensure_ascii=False)  # JSON-ready as it is
    (tmp_path / "export.json").write_text(text, encoding="utf-8")

    with Atlas.open(atlas_url) as second:
        counts = import_json(second, read_export(tmp_path / "export.json"))
        assert counts["sources"] == 2 and counts["partnerships"] == 2
        assert export_json(second) == exported
        # the restored atlas goes on: new records get fresh ids, merging still works
        text_c = "Bellerive accueille Sibiu."
        ext = Extraction("c.txt", places=[Place("a", "Bellerive", "FR", 9900001),
                                          Place("b", "Sibiu", "RO", 667268)])
        assert second.save_extraction(document("c.txt", text_c), ext) == "new"
        ids = [p["id"] for p in second.places(include_rejected=True)["items"]]
        assert len(ids) == len(set(ids)) == 4
        assert second.add_manual("organisation", {"name": "AFCCRE"}) > max(
            o["id"] for o in exported["organisations"])
        # nothing is lost on the way back out either
        again = export_json(second)
        assert {s["name"] for s in again["sources"]} == {"a.txt", "b.txt", "c.txt"}

    ship = next(s for s in exported["partnerships"] if s["kind"] == "friendship")
    assert ship["review_state"] == "manual"
    assert [(h["status"], h["date"]) for h in ship["history"]] == [
        ("active", "2001"), ("ended", "2010")]
    rejected = [a for a in exported["actions"] if a["review_state"] == "rejected"]
    assert len(rejected) == 1 and rejected[0]["evidence"][0]["claim"]["themes"] == ["culture"]
    assert all(s["text"] for s in exported["sources"])


def test_import_refuses_an_atlas_that_is_not_empty(atlas_url: str, tmp_path: Path) -> None:
    with Atlas.open(atlas_url) as atlas:
        fill(atlas)
        data = export_json(atlas)
        with pytest.raises(AtlasError, match="the atlas is not empty"):
            import_json(atlas, data)
        assert export_json(atlas) == data
    with Atlas.open(str(tmp_path / "empty.sqlite")) as empty:
        with pytest.raises(AtlasError, match="version 99 is not supported"):
            import_json(empty, {**data, "version": 99})
        broken = {**data, "places": [{"id": 1}]}
        with pytest.raises(AtlasError, match="invalid atlas export"):
            import_json(empty, broken)
        assert empty.summary()["sources"] == 0  # all or nothing
    (tmp_path / "x.json").write_text('{"hello": 1}', encoding="utf-8")
    with pytest.raises(AtlasError, match="not a jumelage atlas export"):
        read_export(tmp_path / "x.json")
    (tmp_path / "y.json").write_text("{", encoding="utf-8")
    with pytest.raises(AtlasError, match="not a JSON file"):
        read_export(tmp_path / "y.json")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_csv_tables(atlas_url: str, tmp_path: Path) -> None:
    with Atlas.open(atlas_url) as atlas:
        fill(atlas)
        paths = export_csv(atlas, tmp_path / "csv")
    assert [p.name for p in paths] == ["places.csv", "partnerships.csv", "actions.csv",
                                       "initiatives.csv", "organisations.csv"]
    places = {r["name"]: r for r in _rows(tmp_path / "csv" / "places.csv")}
    assert set(places) == {"Bellerive", "Padoue", "Lieu-Dit"}
    assert places["Padoue"]["aliases"] == "Padova"
    assert places["Padoue"]["sources"] == "a.txt;b.txt"
    assert places["Bellerive"]["partner_count"] == "2"
    ships = _rows(tmp_path / "csv" / "partnerships.csv")
    assert sorted((r["place_a"], r["place_b"], r["kind"]) for r in ships) == [
        ("Bellerive", "Lieu-Dit", "friendship"), ("Bellerive", "Padoue", "twinning")]
    assert {r["dormant"] for r in ships} <= {"true", "false"}
    actions = _rows(tmp_path / "csv" / "actions.csv")
    assert len(actions) == 2  # the rejected one is not in the tables
    exchange = next(r for r in actions if r["start"] == "2021")
    assert exchange["actors"] == "Bellerive" and exchange["partners"] == "Padoue"
    assert exchange["amounts"] == "5000 EUR" and exchange["themes"] == "youth"
    assert exchange["organisations"] == "Comité de jumelage de Bellerive"
    [grocery] = _rows(tmp_path / "csv" / "initiatives.csv")
    assert grocery["themes"] == "social;food_agriculture" and grocery["context"] == "covid-19"
    orgs = {r["name"] for r in _rows(tmp_path / "csv" / "organisations.csv")}
    assert orgs == {"Comité de jumelage de Bellerive", "CCAS"}


def test_geojson_points_and_lines(atlas_url: str) -> None:
    with Atlas.open(atlas_url) as atlas:
        fill(atlas)
        geo = export_geojson(atlas)
    json.dumps(geo)
    assert geo["type"] == "FeatureCollection"
    points = [f for f in geo["features"] if f["geometry"] and f["geometry"]["type"] == "Point"]
    lines = [f for f in geo["features"]
             if f["geometry"] and f["geometry"]["type"] == "LineString"]
    # Lieu-Dit has no coordinates: a feature without geometry; its partnership cannot be drawn
    assert sorted(f["properties"]["name"] for f in points) == ["Bellerive", "Padoue"]
    [nowhere] = [f for f in geo["features"] if f["geometry"] is None]
    assert nowhere["properties"]["name"] == "Lieu-Dit"
    assert geo["places_without_coordinates"] == 1
    padua = next(f for f in points if f["properties"]["name"] == "Padoue")
    assert padua["geometry"]["coordinates"] == [11.8768, 45.4064]
    assert {"id", "name", "country", "geonames_id", "kind", "partner_count"} <= set(
        padua["properties"])
    [line] = lines
    assert line["geometry"]["coordinates"] == [[5.2, 45.1], [11.8768, 45.4064]]
    props = line["properties"]
    assert props["places"] == ["Bellerive", "Padoue"] and props["kind"] == "twinning"
    assert props["since"] == "1985" and props["status"] == "active"
    assert isinstance(props["dormant"], bool)


def test_csv_cells_that_would_be_formulas_stay_text(atlas_url: str, tmp_path: Path) -> None:
    """A name starting like a spreadsheet formula is written with a leading quote."""
    with Atlas.open(atlas_url) as atlas:
        atlas.add_manual("place", {"name": '=HYPERLINK("http://exemple.invalid","clic")',
                                   "country": "FR"})
        atlas.add_manual("place", {"name": "Lannion", "country": "FR"})
        export_csv(atlas, tmp_path / "csv")
    names = {r["name"] for r in _rows(tmp_path / "csv" / "places.csv")}
    assert names == {'\'=HYPERLINK("http://exemple.invalid","clic")', "Lannion"}


def test_the_spreadsheet_preset_is_the_librarys() -> None:
    """`--excel` (and the web) take the CSV options from one library function."""
    from jumelage.atlas.exchange import csv_options

    assert csv_options() == {"bom": False, "delimiter": ",", "decimal": "."}
    assert csv_options(excel=True) == {"bom": True, "delimiter": ";", "decimal": ","}
    assert csv_options(excel=True, delimiter=",") == {"bom": True, "delimiter": ",", "decimal": "."}
    assert csv_options(bom=True, delimiter="\t") == {"bom": True, "delimiter": "\t", "decimal": "."}
