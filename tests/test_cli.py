"""The `jumelage` command line: ingest and its summary, bad input as one line and no traceback,
extract as JSON / NDJSON / text, queries, exports and the JSON round trip, demo, `--db` and its
environment variable. Most commands run in-process (CliRunner, the model loads once); `python -m
jumelage` runs as a real process where the process itself is what is checked."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cli_support import no_env_atlas, run  # noqa: F401 - the fixture applies to every test
from jumelage.extract import default_extractor
from jumelage.read import read_document

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
SAMPLE_FILES = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".txt", ".html"))
UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/x"
INTERCHANGE_KEYS = {"source", "places", "partnerships", "actions", "initiatives", "organizations"}


@pytest.fixture(scope="session", autouse=True)
def model_loaded_once():
    """Load the spaCy model once for the session; every in-process command shares it."""
    default_extractor()




def python_m(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "JUMELAGE_DATABASE_URL"}
    proc = subprocess.run([sys.executable, "-m", "jumelage", *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert "Traceback" not in proc.stderr
    return proc


@pytest.fixture(scope="session")
def sample_atlas(tmp_path_factory) -> str:
    """An atlas holding the samples, ingested through the CLI; tests only read it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('atlas') / 'samples.sqlite'}"
    run("ingest", SAMPLES, "--db", url)
    return url


def export(url: str) -> dict:
    return json.loads(run("export", "--format", "json", "--db", url).stdout)


# -- ingest -------------------------------------------------------------------------------------

def test_ingest_prints_a_summary_and_a_rerun_is_all_unchanged(tmp_path):
    url = f"sqlite:///{tmp_path / 'atlas.sqlite'}"
    n = len(SAMPLE_FILES)
    first = run("ingest", SAMPLES, "--db", url)
    assert f"Ingested {n} files" in first.stdout and f"{n} new" in first.stdout
    assert "places" in first.stdout and "partnerships" in first.stdout
    assert first.stderr == ""
    before = export(url)
    second = run("ingest", SAMPLES, "--db", url, "--json")
    data = json.loads(second.stdout)
    assert data["ingest"]["unchanged"] == n and data["ingest"]["new"] == 0
    assert data["atlas"]["sources"] == n and data["atlas"]["places"] > 0
    assert export(url) == before


@pytest.mark.parametrize("name, content, problem", [
    ("empty.txt", b"", "empty"),
    ("junk.txt", bytes(range(256)) * 32, "binary"),
    ("notes.xyz", "Niort est jumelée avec Wolfenbüttel.".encode(), "unsupported"),
])
def test_a_bad_file_gets_one_line_and_the_atlas_is_untouched(
    tmp_path, sample_atlas, name, content, problem,
):
    bad = tmp_path / name
    bad.write_bytes(content)
    before = export(sample_atlas)
    result = run("ingest", bad, "--db", sample_atlas, ok=False)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{bad}: ") and problem in lines[0]
    assert lines[1] == "error: the file could not be ingested"  # not « none of the 1 files »
    assert export(sample_atlas) == before


def test_a_bad_file_among_good_ones_is_reported_and_the_run_succeeds(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(SAMPLE_FILES[0], folder)
    (folder / "empty.txt").write_bytes(b"")
    result = run("ingest", folder, "--db", tmp_path / "atlas.sqlite")
    assert result.stderr.splitlines() == [f"{folder / 'empty.txt'}: empty file"]
    assert "1 new" in result.stdout and "1 failed" in result.stdout


def test_nothing_to_ingest_is_an_error(tmp_path):
    (tmp_path / "docs").mkdir()
    result = run("ingest", tmp_path / "docs", "--db", tmp_path / "atlas.sqlite", ok=False)
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: no documents found in {tmp_path / 'docs'}"


@pytest.mark.parametrize("command", [
    ["ingest", str(SAMPLE_FILES[0])], ["summary"], ["places"], ["show", "Cholet"],
    ["export", "--format", "json"], ["demo"],
])
def test_an_unreachable_database_is_one_line(command):
    result = run(*command, "--db", UNREACHABLE, ok=False)
    assert result.exit_code == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("error: ") and "127.0.0.1:1" in line


def test_an_unreachable_database_in_a_real_process():
    proc = python_m("ingest", SAMPLES, "--db", UNREACHABLE)
    assert proc.returncode == 1
    [line] = proc.stderr.splitlines()
    assert line.startswith(f"error: cannot open atlas at {UNREACHABLE}")


def test_database_url_from_the_environment(tmp_path, monkeypatch, sample_atlas):
    monkeypatch.setenv("JUMELAGE_DATABASE_URL", sample_atlas)
    data = json.loads(run("summary", "--json").stdout)
    assert data["url"] == sample_atlas and data["sources"] == len(SAMPLE_FILES)


# -- extract ------------------------------------------------------------------------------------

def test_python_m_extract_json_is_the_interchange_format():
    path = SAMPLES / "troyes-tver-suspension.txt"
    proc = python_m("extract", path, "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert INTERCHANGE_KEYS <= set(data) and data["source"] == path.name
    assert {p["country"] for p in data["places"]} >= {"FR", "RU"}
    shown = python_m("extract", path, "--text")
    assert shown.returncode == 0
    text = read_document(path).text
    assert shown.stdout.rstrip("\n") == text.rstrip("\n")
    for item in data["partnerships"] + data["actions"] + data["initiatives"]:
        if item["span"]:
            start, end = item["span"]
            assert 0 <= start < end <= len(text)
            assert text[start:end] == item["quote"]


def test_extract_a_folder_streams_one_json_object_per_document(tmp_path):
    folder = tmp_path / "docs"
    shutil.copytree(SAMPLES, folder)
    (folder / "zz-broken.txt").write_bytes(b"\x00\x01\x02" * 100)
    result = run("extract", folder, "--json")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["source"] for r in records] == [p.name for p in SAMPLE_FILES]
    assert all(INTERCHANGE_KEYS <= set(r) for r in records)
    [line] = result.stderr.splitlines()
    assert line.startswith(f"{folder / 'zz-broken.txt'}: ")


def test_extract_several_files_streams_one_object_each_and_names_a_bad_one(tmp_path):
    first, second = SAMPLE_FILES[0], SAMPLE_FILES[1]
    result = run("extract", first, tmp_path / "absent.txt", second, "--json")
    assert [json.loads(line)["source"] for line in result.stdout.splitlines()] == [first.name, second.name]
    assert result.stderr.strip() == f"{tmp_path / 'absent.txt'}: cannot read: no such file"


def test_extract_into_a_folder_of_json_files(tmp_path):
    out = tmp_path / "out"
    result = run("extract", SAMPLES, "--out", out)
    written = [Path(line) for line in result.stdout.splitlines()]
    assert sorted(p.name for p in written) == sorted(f"{p.stem}.json" for p in SAMPLE_FILES)
    for path in written:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["source"] == f"{path.stem}{Path(data['source']).suffix}"


def test_extract_text_of_a_folder_names_each_document():
    result = run("extract", SAMPLES, "--text")
    assert [line for line in result.stdout.splitlines() if line.startswith("==> ")] == [
        f"==> {p.name} <==" for p in SAMPLE_FILES]


def test_extract_readable_summary_and_bad_file():
    result = run("extract", SAMPLES / "alencon-kayes-forage.txt")
    assert "alencon-kayes-forage.txt" in result.stdout
    assert "Places" in result.stdout and "Kayes" in result.stdout
    missing = run("extract", SAMPLES / "missing.txt", ok=False)
    assert missing.exit_code == 1
    assert missing.stderr.strip() == f"error: {SAMPLES / 'missing.txt'}: cannot read: no such file"


# -- queries ------------------------------------------------------------------------------------

def test_places_filters_and_json(sample_atlas):
    places = json.loads(run("places", "--json", "--db", sample_atlas).stdout)
    assert len(places) >= 8 and {"FR", "DE"} <= {p["country"] for p in places}
    german = json.loads(run("places", "--country", "de", "--json", "--db", sample_atlas).stdout)
    assert german and {p["country"] for p in german} == {"DE"}
    named = json.loads(run("places", "--q", "kay", "--json", "--db", sample_atlas).stdout)
    assert [p["name"] for p in named] == ["Kayes"]
    table = run("places", "--db", sample_atlas).stdout
    assert "Kayes" in table and "ML" in table


def test_show_a_place_with_partners_timeline_and_sources(sample_atlas):
    detail = json.loads(run("show", "Troyes", "--json", "--db", sample_atlas).stdout)
    assert detail["place"]["name"] == "Troyes"
    [tver] = [p for p in detail["partners"] if p["place"]["name"] == "Tver"]
    assert tver["kind"] == "twinning" and tver["status"] == "suspended"
    assert {"since", "dormant", "history"} <= set(tver)
    assert "suspended" in [h["status"] for h in tver["history"]]
    assert detail["timeline"] and detail["sources"]
    text = run("show", "troyes", "--db", sample_atlas).stdout
    for heading in ("Partners", "Timeline of actions", "Sources", "Tver", "suspended"):
        assert heading in text


def test_show_an_unknown_place(sample_atlas):
    result = run("show", "Zzyzx", "--db", sample_atlas, ok=False)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no place matching 'Zzyzx'")
    empty = run("show", "  ", "--db", sample_atlas, ok=False)
    assert empty.exit_code == 2 and "give a place name or id" in empty.stderr


def test_summary(sample_atlas):
    data = json.loads(run("summary", "--json", "--db", sample_atlas).stdout)
    assert data["sources"] == len(SAMPLE_FILES)
    line = run("summary", "--db", sample_atlas).stdout
    assert f"{data['places']} places" in line and f"{data['actions']} actions" in line


# -- exchange -----------------------------------------------------------------------------------

def test_export_import_round_trip(atlas_url, tmp_path):
    run("ingest", *SAMPLE_FILES[:4], "--db", atlas_url)
    dump = tmp_path / "atlas.json"
    run("export", "--format", "json", "--out", dump, "--db", atlas_url)
    copy = f"sqlite:///{tmp_path / 'copy.sqlite'}"
    imported = run("import", dump, "--db", copy)
    assert imported.stdout.startswith(f"Imported {dump}")
    assert export(copy) == json.loads(dump.read_text(encoding="utf-8")) == export(atlas_url)
    again = run("import", dump, "--db", copy, ok=False)
    assert again.exit_code == 1 and "not empty" in again.stderr


def test_import_rejects_what_is_not_an_export(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    result = run("import", bad, "--db", tmp_path / "atlas.sqlite", ok=False)
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {bad}: not a JSON file")


def test_export_geojson_and_csv(sample_atlas, tmp_path):
    geo = json.loads(run("export", "--format", "geojson", "--db", sample_atlas).stdout)
    assert geo["type"] == "FeatureCollection"
    kinds = {f["geometry"]["type"] for f in geo["features"] if f["geometry"]}
    assert {"Point", "LineString"} <= kinds
    written = run("export", "--format", "csv", "--out", tmp_path / "csv", "--db", sample_atlas)
    paths = [Path(line) for line in written.stdout.splitlines()]
    assert paths and all(p.exists() and p.suffix == ".csv" for p in paths)
    no_out = run("export", "--format", "csv", "--db", sample_atlas, ok=False)
    assert no_out.exit_code == 2
    bad_format = run("export", "--format", "xml", "--db", sample_atlas, ok=False)
    assert bad_format.exit_code == 2


# -- demo, version ------------------------------------------------------------------------------

def test_demo_builds_an_atlas_and_says_how_to_open_it(tmp_path):
    db = tmp_path / "demo.sqlite"
    result = run("demo", "--db", db)
    assert f"{len(SAMPLE_FILES)} new" in result.stdout
    assert "jumelage show" in result.stdout and "jumelage export" in result.stdout
    data = json.loads(run("summary", "--json", "--db", db).stdout)
    assert data["places"] > 0 and data["partnerships"] > 0 and data["actions"] > 0


def test_version_and_help():
    assert run("--version").stdout.startswith("jumelage ")
    assert "ingest" in run("--help").stdout


def test_counts_agree_with_their_nouns_and_messages_are_english(tmp_path):
    """« 1 rows » was printed; every count now agrees, and what the command line says about
    the atlas (its messages and the atlas's errors) is in English, French names aside."""
    import re

    from jumelage.cli import _count

    assert [_count(n, "row") for n in (0, 1, 2)] == ["0 rows", "1 row", "2 rows"]
    assert _count(1, "city") == "1 city" and _count(3, "city") == "3 cities"
    pairs = tmp_path / "twins.csv"
    pairs.write_text("city_a,country_a_iso2,city_b,country_b_iso2\n"
                     "Cholet,FR,Hameln,DE\n", encoding="utf-8")
    db = tmp_path / "a.sqlite"
    done = run("import-pairs", pairs, "--db", db, "--report", tmp_path / "r.csv")
    assert "Imported 1 row of" in done.output and "1 rows" not in done.output
    assert "1 partnership," in done.output and "1 partnerships" not in done.output
    places = run("places", "--db", db)
    shown = run("show", "Cholet", "--db", db)
    assert "no recorded action" in shown.output and "dormant" not in shown.output.split(
        "activity", 1)[1]
    outputs = [places.output, shown.output]
    for args in (["show", "Nulle-Part"], ["review", "confirm", "place:999"],
                 ["review", "correct", "action:1", "start=mai"], ["sources", "remove", "x.txt"],
                 ["places", "--country", "ZZZ"]):
        outputs.append(run(*args, "--db", db, ok=False).output)
    french = re.compile(r"«|»|\b(?:aucun|aucune|introuvable|erreur|fichier|inconnu|pas de)\b", re.I)
    assert not [o for o in outputs if french.search(o)]


def test_show_lists_other_names_not_other_writings_of_the_same_name() -> None:
    from jumelage.cli import _other_names

    assert _other_names("Angers", ["ANGERS", "Angers-sur-Maine", "angers sur maine"]) == [
        "Angers-sur-Maine"]
    assert _other_names("Saint-Étienne", ["St-Etienne", "Sainté"]) == ["Sainté"]


def test_extract_names_skipped_files_reads_each_once_and_says_when_nothing_came_out(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "photo.bin").write_bytes(b"\x00\x01")
    (folder / "vide.txt").write_text("", encoding="utf-8")
    result = run("extract", folder, "--json", ok=False)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{folder / 'photo.bin'}: skipped, unsupported file type .bin",
        f"{folder / 'vide.txt'}: empty file",
        "error: the one file could not be extracted"]
    twice = run("extract", SAMPLE_FILES[0], SAMPLE_FILES[0], "--json")
    assert len(twice.stdout.splitlines()) == 1
