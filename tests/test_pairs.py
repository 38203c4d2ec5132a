"""`import-pairs`: twin-city lists into the atlas, on SQLite and PostgreSQL.

Every list here is written by the test: qualified names, homonyms told apart by coordinates,
pairs listed twice and in both directions, a pair the atlas already knows from a document,
unresolvable cities, broken files.
"""
from __future__ import annotations

import csv
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from jumelage.atlas import Atlas
from jumelage.errors import ReadError
from jumelage.gazetteer import get_gazetteer
from jumelage.pairs import CityResolver, import_pairs, read_pairs
from jumelage.pairs.resolve import admin_unit, spellings
from jumelage.records import Document, Extraction, Partnership, Place

HEADER = ["pair_id", "city_a", "country_a_iso2", "lat_a", "lng_a",
          "city_b", "country_b_iso2", "lat_b", "lng_b"]
FRANKFURT_ODER, FRANKFURT_MAIN = 2925535, 2925533
SPRINGFIELD_IL, SPRINGFIELD_MA = 4250542, 4951788
HAMELN, CHOLET, FRIEDBERG_HESSE = 2911271, 3025053, 2924802


def write_list(path: Path, rows: list[list[object]], header: list[str] = HEADER) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def atlas(atlas_url: str) -> Iterator[Atlas]:
    with Atlas.open(atlas_url) as opened:
        yield opened


@pytest.fixture(scope="module")
def resolver() -> CityResolver:
    return CityResolver(get_gazetteer())


# -- resolving the cities of a list ---------------------------------------------------------------

def test_qualifiers_are_read(resolver: CityResolver) -> None:
    assert spellings("Friedberg, Hesse") == ["Friedberg, Hesse", "Friedberg (Hesse)"]
    assert spellings("Yerevan – Davtashen") == [
        "Yerevan – Davtashen", "Davtashen (Yerevan)", "Davtashen"]
    assert admin_unit("Kętrzyn (rural gmina)") == ("unit", "rural gmina", "Kętrzyn")
    assert admin_unit("Chiba Prefecture") == ("region", "prefecture", "Chiba")
    assert admin_unit("Halle (Saale)") is None

    friedberg = resolver.resolve("Friedberg, Hesse", "DE", None)
    assert friedberg.match is not None and friedberg.match.geonames_id == FRIEDBERG_HESSE
    # a region as qualifier beats coordinates, which lists sometimes share between homonyms
    bavaria = resolver.resolve("Friedberg, Bavaria", "DE", (50.34, 8.75))
    assert bavaria.match is not None and bavaria.match.admin1 == "02"
    # and it rules out a homonym of another region (the gazetteer has no Lengnau in Aargau)
    assert resolver.resolve("Lengnau, Bern", "CH", (47.18, 7.37)).match is not None
    assert resolver.resolve("Lengnau, Aargau", "CH", (47.18, 7.37)).match is None
    # the rural gmina is not the town of Kętrzyn, and the gazetteer has no gminas
    gmina = resolver.resolve("Kętrzyn (rural gmina)", "PL", (54.08, 21.38))
    assert gmina.match is None and "rural gmina" in gmina.reason
    assert resolver.resolve("Kętrzyn", "PL", (54.08, 21.38)).match is not None
    chiba = resolver.resolve("Chiba Prefecture", "JP", (35.6, 140.1))
    assert chiba.match is not None and chiba.match.kind == "region"


def test_coordinates_break_homonym_ties(resolver: CityResolver) -> None:
    def gid(name: str, country: str, coords: tuple[float, float] | None) -> int | None:
        found = resolver.resolve(name, country, coords)
        return found.match.geonames_id if found.match else None

    assert gid("Frankfurt", "DE", (52.34, 14.55)) == FRANKFURT_ODER
    assert gid("Frankfurt", "DE", (50.11, 8.68)) == FRANKFURT_MAIN
    assert gid("Springfield", "US", (39.80, -89.64)) == SPRINGFIELD_IL
    assert gid("Springfield", "US", (42.10, -72.59)) == SPRINGFIELD_MA
    # the country given counts: no Frankfurt of Poland
    assert gid("Frankfurt", "PL", (52.34, 14.55)) is None
    # several homonyms and coordinates far from all of them: left unresolved, with the reason
    lost = resolver.resolve("Springfield", "US", (64.8, -147.7))
    assert lost.match is None and "none within 50 km" in lost.reason


def test_a_row_names_a_town_before_a_unit_of_the_same_name(resolver: CityResolver) -> None:
    """The kind of fault: a region or municipality named like its chief town, whose centre
    lies as near the list's coordinates as the town, was taken for the town."""
    def kind(name: str, country: str, coords: tuple[float, float] | None) -> str | None:
        found = resolver.resolve(name, country, coords)
        return found.match.kind if found.match else None

    # the unit's centre is nearer the coordinates than the town: still the town
    assert kind("Riga", "LV", (56.9502, 24.1108)) == "city"
    assert kind("Novo Mesto", "SI", (45.8014, 15.1721)) == "city"
    assert kind("Lviv", "UA", (49.77, 23.95)) == "city"
    for town in ("Riga", "Lviv", "Berlin", "Madrid"):          # without coordinates too
        assert kind(town, {"Riga": "LV", "Lviv": "UA", "Berlin": "DE"}.get(town, "ES"),
                    None) == "city"
    # a town of the name some 60 km from where the list puts it is still the one meant
    nagano = resolver.resolve("Nagano", "JP", (36.11, 138.03))
    assert nagano.match.kind == "city" and nagano.doubt
    # a unit is taken when no town carries the name ...
    assert kind("Val-de-Marne", "FR", (48.79, 2.44)) == "region"
    assert kind("Val-de-Marne", "FR", None) == "region"
    # ... or when the towns of the name are far and the unit is where the list says
    assert kind("Jalisco", "MX", (20.6, -103.4)) == "region"
    # the row's qualifier says a unit: the region, under the list's own name
    oblast = resolver.resolve("Lviv Oblast", "UA", (49.72, 23.95))
    assert oblast.match.kind == "region" and oblast.match.name == "Lviv Oblast"
    assert oblast.alias == "Lviv"


def test_a_region_and_its_town_are_two_places_of_their_own_kinds(atlas: Atlas,
                                                                tmp_path) -> None:
    path = write_list(tmp_path / "twins.csv", [
        [1, "Riga", "LV", 56.9502, 24.1108, "Lviv", "UA", 49.77, 23.95],
        [2, "Lviv Oblast", "UA", 49.72, 23.95, "Val-de-Marne", "FR", 48.79, 2.44],
    ])
    import_pairs(path, atlas, progress=False)
    kinds = {p["name"]: p["kind"] for p in atlas.places()["items"]}
    assert kinds == {"Riga": "city", "Lviv": "city", "Lviv Oblast": "region",
                     "Val-de-Marne": "region"}
    assert "Lviv" in atlas.find_place("Lviv Oblast")["aliases"]


def test_a_list_imported_by_an_older_resolution_is_resolved_afresh(atlas: Atlas, tmp_path,
                                                                    monkeypatch) -> None:
    """An atlas filled before towns came first (Riga stored as its region) is repaired by
    importing the list again; a further run changes nothing."""
    import jumelage.pairs.importer as importer
    from jumelage.pairs.resolve import Resolution

    path = write_list(tmp_path / "twins.csv", [
        [1, "Riga", "LV", 56.9502, 24.1108, "Hameln", "DE", 52.10, 9.36]])
    region = next(m for m in get_gazetteer().lookup("Riga") if m.kind == "region")
    real = CityResolver._resolve

    def old_way(self, name, country, coords):
        return Resolution(region) if name == "Riga" else real(self, name, country, coords)

    with monkeypatch.context() as old:
        old.setattr(importer, "RESOLUTION", 1)
        old.setattr(CityResolver, "_resolve", old_way)
        import_pairs(path, atlas, progress=False)
    assert {p["name"]: p["kind"] for p in atlas.places()["items"]}["Riga"] == "region"
    again = import_pairs(path, atlas, progress=False)
    assert again.counts()["updated"] == 1
    assert {(p["name"], p["kind"]) for p in atlas.places()["items"]} == {
        ("Riga", "city"), ("Hameln", "city")}                        # the region is gone
    [ship] = atlas.partnerships()["items"]
    assert {p["kind"] for p in ship["places"]} == {"city"}
    assert import_pairs(path, atlas, progress=False).counts()["unchanged"] == 1


# -- importing ------------------------------------------------------------------------------------

def test_a_list_becomes_twinnings_with_their_rows_as_evidence(atlas: Atlas, tmp_path) -> None:
    path = write_list(tmp_path / "twins.csv", [
        [1, "Friedberg, Hesse", "DE", 50.34, 8.75, "Frankfurt", "DE", 52.34, 14.55],
        [2, "Springfield", "US", 39.80, -89.64, "Frankfurt", "DE", 50.11, 8.68],
    ])
    report = import_pairs(path, atlas, report=tmp_path / "report.csv", progress=False)
    assert report.counts()["new"] == 2 and report.problems == []
    ships = atlas.partnerships()["items"]
    assert len(ships) == 2 and {s["kind"] for s in ships} == {"twinning"}
    gids = {frozenset(p["geonames_id"] for p in s["places"]) for s in ships}
    assert gids == {frozenset({FRIEDBERG_HESSE, FRANKFURT_ODER}),
                    frozenset({SPRINGFIELD_IL, FRANKFURT_MAIN})}
    # evidence: this file, this row, quoted as written
    record = atlas.record("partnership", ships[0]["id"])
    [ev] = record["evidence"]
    assert ev["source"] in {"twins.csv#row2", "twins.csv#row3"}
    line = int(ev["source"].removeprefix("twins.csv#row"))
    assert ev["quote"] == path.read_text(encoding="utf-8").splitlines()[line - 1]
    # GeoNames population, country and coordinates are stored on the places
    frankfurt = atlas.find_place(str(FRANKFURT_MAIN))
    assert frankfurt["population"] > 500_000 and frankfurt["country"] == "DE"
    assert abs(frankfurt["lat"] - 50.1) < 0.1 and "Frankfurt" in frankfurt["aliases"]


def test_both_directions_and_duplicates_are_one_partnership(atlas: Atlas, tmp_path) -> None:
    path = write_list(tmp_path / "twins.csv", [
        [1, "Cholet", "FR", 47.06, -0.88, "Hameln", "DE", 52.10, 9.36],
        [2, "Hameln", "DE", 52.10, 9.36, "Cholet", "FR", 47.06, -0.88],
        [3, "Cholet", "FR", "", "", "Hamelin", "DE", "", ""],
    ])
    report = import_pairs(path, atlas, progress=False)
    assert report.counts()["new"] == 3
    [ship] = atlas.partnerships()["items"]
    assert ship["evidence_count"] == 3
    assert len(atlas.record("partnership", ship["id"])["evidence"]) == 3
    assert len(atlas.places()["items"]) == 2


def test_a_pair_known_from_a_document_gains_the_evidence_and_loses_nothing(atlas: Atlas,
                                                                           tmp_path) -> None:
    text = "La ville de Cholet coopère avec Hamelin depuis 1974."
    doc = Document(name="cholet.txt", text=text, media_type="text/plain", content_hash="c1")
    ext = Extraction("cholet.txt", places=[
        Place("p1", "Cholet", "FR", CHOLET, 47.06, -0.88, population=53160),
        Place("p2", "Hamelin", "DE", HAMELN, 52.10, 9.36)],
        partnerships=[Partnership(("p1", "p2"), "cooperation", "1974", span=(0, len(text)))])
    atlas.save_extraction(doc, ext)
    [before] = atlas.partnerships()["items"]
    atlas.review("place", atlas.find_place("Hamelin")["id"], "corrected", {"name": "Hamelin"})

    path = write_list(tmp_path / "twins.csv", [
        [1, "Cholet", "FR", 47.06, -0.88, "Hameln", "DE", 52.10, 9.36]])
    import_pairs(path, atlas, progress=False)
    [after] = atlas.partnerships()["items"]
    assert after["id"] == before["id"] and after["since"] == "1974"
    record = atlas.record("partnership", after["id"])
    assert {e["source"] for e in record["evidence"]} == {"cholet.txt", "twins.csv#row2"}
    quotes = {e["source"]: e["quote"] for e in record["evidence"]}
    assert quotes["cholet.txt"] == text
    assert after["kind"] == "twinning"  # the more specific kind; the document's stays its claim
    assert len(atlas.places()["items"]) == 2
    hamelin = atlas.find_place("Hameln")
    assert hamelin["name"] == "Hamelin" and hamelin["review_state"] == "corrected"
    assert atlas.find_place("Cholet")["name"] == "Cholet"


def test_unresolved_rows_are_reported_never_dropped(atlas: Atlas, tmp_path) -> None:
    path = write_list(tmp_path / "twins.csv", [
        [1, "Kętrzyn (rural gmina)", "PL", 54.08, 21.38, "Frankfurt", "DE", 50.11, 8.68],
        [2, "Zzyzxville", "FR", 45.0, 1.0, "Frankfurt", "DE", 50.11, 8.68],
        [3, "Frankfurt", "DE", 50.11, 8.68, "Frankfurt am Main", "DE", 50.11, 8.68],
        [4, "", "DE", "", "", "Frankfurt", "DE", 50.11, 8.68],
        [5, "Springfield", "US", 64.8, -147.7, "Cholet", "FR", "north", "west"],
    ])
    report_file = tmp_path / "report.csv"
    report = import_pairs(path, atlas, report=report_file, progress=False)
    c = report.counts()
    assert (c["rows"], c["new"], c["skipped"], c["rows_unresolved"]) == (5, 3, 2, 3)
    rows = list(csv.DictReader(report_file.open(encoding="utf-8")))
    assert [r["row"] for r in rows] == ["2", "3", "4", "5", "6"]
    by_row = {r["row"]: r for r in rows}
    assert by_row["2"]["outcome"] == "unresolved" and "rural gmina" in by_row["2"]["reason"]
    assert by_row["3"]["outcome"] == "unresolved" and "Zzyzxville" in by_row["3"]["reason"]
    assert by_row["4"]["outcome"] == "skipped" and "same place" in by_row["4"]["reason"]
    assert by_row["5"]["outcome"] == "skipped" and "missing" in by_row["5"]["reason"]
    assert by_row["6"]["outcome"] == "unresolved" and "not numbers" in by_row["6"]["reason"]
    # unresolved cities are stored as the file gives them: name, country, coordinates
    gmina = atlas.find_place("Kętrzyn (rural gmina)")
    assert gmina["geonames_id"] is None and gmina["country"] == "PL"
    assert (gmina["lat"], gmina["lon"]) == (54.08, 21.38)
    assert atlas.find_place("Zzyzxville")["partner_count"] == 1


def test_an_unknown_country_is_reported_not_stored_without_one(atlas: Atlas, tmp_path) -> None:
    path = write_list(tmp_path / "twins.csv", [
        [1, "Cholet", "FR", 47.06, -0.88, "Hameln", "DE", 52.10, 9.36],
        [2, "Cholet", "FR", 47.06, -0.88, "Nowhereburg", "QQ", 10.0, 10.0],
    ])
    report = import_pairs(path, atlas, report=tmp_path / "r.csv", progress=False)
    assert (report.new, report.skipped, report.counts()["rows_unresolved"]) == (1, 1, 0)
    [problem] = report.problems
    assert (problem.row, problem.outcome) == (3, "skipped")
    assert problem.reason == "city_b Nowhereburg: unknown country 'QQ'; the row is not stored"
    assert "no country given" not in problem.reason  # one reason, not two that disagree
    assert atlas.find_place("Nowhereburg") is None
    assert all(p["country"] for p in atlas.places()["items"])
    # the list once corrected imports the row
    write_list(path, [[1, "Cholet", "FR", 47.06, -0.88, "Hameln", "DE", 52.10, 9.36],
                      [2, "Cholet", "FR", 47.06, -0.88, "Nowhereburg", "DE", 10.0, 10.0]])
    again = import_pairs(path, atlas, report=tmp_path / "r2.csv", progress=False)
    assert (again.new, again.unchanged) == (1, 1)


def test_a_partnership_known_only_from_a_list_is_not_called_dormant(atlas: Atlas,
                                                                     tmp_path) -> None:
    path = write_list(tmp_path / "twins.csv", [
        [1, "Cholet", "FR", 47.06, -0.88, "Hameln", "DE", 52.10, 9.36]])
    import_pairs(path, atlas, progress=False)
    [ship] = atlas.partnerships()["items"]
    assert (ship["dormant"], ship["activity"]) == (False, "unrecorded")
    cholet = atlas.find_place("Cholet")
    [partner] = atlas.place_detail(cholet["id"])["partners"]
    assert (partner["dormant"], partner["activity"]) == (False, "unrecorded")


def test_a_second_run_changes_nothing(atlas: Atlas, tmp_path) -> None:
    path = write_list(tmp_path / "twins.csv", [
        [1, "Cholet", "FR", 47.06, -0.88, "Hameln", "DE", 52.10, 9.36],
        [2, "Zzyzxville", "FR", 45.0, 1.0, "Frankfurt", "DE", 50.11, 8.68],
    ])
    first = import_pairs(path, atlas, report=tmp_path / "r1.csv", progress=False)
    state = (atlas.summary(), atlas.places(limit=500)["items"], atlas.partnerships()["items"])
    second = import_pairs(path, atlas, report=tmp_path / "r2.csv", progress=False)
    assert (second.new, second.updated, second.unchanged) == (0, 0, 2)
    assert (atlas.summary(), atlas.places(limit=500)["items"], atlas.partnerships()["items"]) == state
    assert (tmp_path / "r1.csv").read_text() == (tmp_path / "r2.csv").read_text()
    assert first.new == 2


def test_progress_is_reported_per_batch(atlas: Atlas, tmp_path) -> None:
    path = write_list(tmp_path / "twins.csv", [
        [i, "Cholet", "FR", "", "", name, "DE", "", ""]
        for i, name in enumerate(["Hameln", "Berlin", "Hamburg", "Bremen", "Kassel"], 1)])
    seen: list[tuple[int, int]] = []
    import_pairs(path, atlas, progress=lambda done, total: seen.append((done, total)),
                 batch_size=2)
    assert seen == [(2, 5), (4, 5), (5, 5)]


# -- broken files ---------------------------------------------------------------------------------

def test_bad_files_fail_with_one_line(tmp_path) -> None:
    missing = write_list(tmp_path / "missing.csv", [["Cholet", "Hameln"]], ["city_a", "city_b"])
    with pytest.raises(ReadError, match=r"missing\.csv: not a twin-city list: missing column "
                                        r"country_a_iso2"):
        list(read_pairs(missing))
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(ReadError, match="empty file"):
        list(read_pairs(tmp_path / "empty.csv"))
    (tmp_path / "latin1.csv").write_bytes(
        "city_a,country_a_iso2,city_b,country_b_iso2\nK\xf6ln,DE,Lille,FR\n".encode("latin-1"))
    with pytest.raises(ReadError, match="not UTF-8"):
        list(read_pairs(tmp_path / "latin1.csv"))
    # country names are accepted when there are no ISO columns
    names = write_list(tmp_path / "names.csv", [["Cholet", "France", "Hameln", "Germany"],
                                                 ["Tver", "Russia", "Bursa", "Turkey"],
                                                 ["Leeds", "UK", "Atlantis", "Atlantis"]],
                       ["city_a", "country_a", "city_b", "country_b"])
    rows = list(read_pairs(names))
    assert [(r.a.country, r.b.country) for r in rows] == [("FR", "DE"), ("RU", "TR"),
                                                           ("GB", None)]
    assert rows[2].b.problem == "unknown country 'Atlantis'"


def test_the_command_says_what_is_wrong_in_one_line(tmp_path) -> None:
    missing = write_list(tmp_path / "missing.csv", [["Cholet", "Hameln"]], ["city_a", "city_b"])
    db = tmp_path / "atlas.sqlite"
    run = subprocess.run(
        [sys.executable, "-m", "jumelage", "import-pairs", str(missing), "--db", str(db)],
        capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 1
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert run.stderr.startswith(f"error: {missing}: not a twin-city list: missing column")
    assert not db.exists()  # nothing was opened, let alone written


def test_the_command_imports_and_writes_the_report(tmp_path) -> None:
    path = write_list(tmp_path / "twins.csv", [
        [1, "Cholet", "FR", 47.06, -0.88, "Hameln", "DE", 52.10, 9.36],
        [2, "Zzyzxville", "FR", 45.0, 1.0, "Frankfurt", "DE", 50.11, 8.68],
    ])
    db = f"sqlite:///{tmp_path / 'atlas.sqlite'}"
    run = subprocess.run([sys.executable, "-m", "jumelage", "import-pairs", str(path), "--db", db],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "Imported 2 rows" in run.stdout and "twins-report.csv" in run.stdout
    report = (tmp_path / "twins-report.csv").read_text(encoding="utf-8").splitlines()
    assert report[0] == "row,city_a,country_a,city_b,country_b,outcome,reason"
    assert report[1].startswith("3,Zzyzxville,FR,Frankfurt,DE,unresolved,")


# -- the batch save path --------------------------------------------------------------------------

def test_a_batch_saves_each_document_as_one_at_a_time_would(atlas: Atlas) -> None:
    """Repeated names and contents inside one batch are seen as `save_extraction` would see
    them one after the other."""
    def item(name: str, text: str, digest: str) -> tuple[Document, Extraction]:
        doc = Document(name=name, text=text, media_type="text/plain", content_hash=digest)
        return doc, Extraction(name, places=[Place("p1", "Cholet", "FR", CHOLET),
                                             Place("p2", "Hamelin", "DE", HAMELN)],
                               partnerships=[Partnership(("p1", "p2"), span=(0, len(text)))])

    states = atlas.save_extractions([
        item("a.txt", "Cholet et Hamelin.", "h1"),
        item("a.txt", "Cholet et Hamelin.", "h1"),       # the same again
        item("b.txt", "Cholet et Hamelin.", "h1"),       # the same content, another name
        item("a.txt", "Cholet, Hamelin, 1974.", "h2"),   # changed
        item("c.txt", "Hamelin et Cholet.", "h3"),
    ])
    assert states == ["new", "unchanged", "unchanged", "updated", "new"]
    assert [s["name"] for s in list(atlas.every("sources"))] == ["a.txt", "c.txt"]
    [ship] = atlas.partnerships()["items"]
    assert ship["evidence_count"] == 2 and len(atlas.places()["items"]) == 2
    assert atlas.save_extractions([item("c.txt", "Hamelin et Cholet.", "h3")]) == ["unchanged"]


def test_a_list_from_a_french_spreadsheet_reads_as_well(tmp_path) -> None:
    """`;` separated with a UTF-8 BOM (what a French spreadsheet saves) reads like the `,`
    list; a Latin-1 file is refused with the line where it stops being UTF-8."""
    (tmp_path / "excel.csv").write_bytes(
        "\ufeffcity_a;country_a_iso2;city_b;country_b_iso2\nCholet;FR;Hameln;DE\n"
        "Lannion;FR;Caerphilly;GB\n".encode("utf-8"))
    rows = list(read_pairs(tmp_path / "excel.csv"))
    assert [(r.a.name, r.a.country, r.b.name, r.b.country) for r in rows] == [
        ("Cholet", "FR", "Hameln", "DE"), ("Lannion", "FR", "Caerphilly", "GB")]
    (tmp_path / "latin1.csv").write_bytes(
        "city_a;country_a_iso2;city_b;country_b_iso2\nCholet;FR;Hameln;DE\nK\xf6ln;DE;Lille;FR\n"
        .encode("latin-1"))
    with pytest.raises(ReadError, match=r"not UTF-8 text near line \d"):
        list(read_pairs(tmp_path / "latin1.csv"))
