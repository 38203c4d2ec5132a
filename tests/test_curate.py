"""Curating an atlas from the command line and the library (issue 9), on SQLite and PostgreSQL:
sources listed and removed, records reviewed and added (surviving re-ingests), `show` with ids and
evidence, read commands that never create an atlas, imports refused record by record, folders
that skip notes, Ctrl-C in a real process, a read-only atlas seen before any work, piped tables,
spreadsheet CSV, near-identical documents, text dates over metadata, the HTML fallback and the
text limit. Documents are written here; the spaCy model loads once for the session."""
from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from jumelage.atlas import Atlas
from jumelage.atlas.exchange import export_json
from cli_support import no_env_atlas, run  # noqa: F401 - the fixture applies to every test
from jumelage.extract import default_extractor
from jumelage.ingest import ingest
from jumelage.read import read_document, scan

ERLANGEN = ("Rennes et Erlangen\n\nLa ville de Rennes est jumelée avec Erlangen depuis 1964.\n\n"
            "En mai 2023, une délégation de Rennes s'est rendue à Erlangen pour un festival de "
            "musique.\n")
BRNO = ("Rennes et Brno\n\nLa ville de Rennes est jumelée avec Brno depuis 1965.\n\n"
        "En juin 2022, des lycéens de Brno ont été accueillis à Rennes pour un échange "
        "scolaire.\n\nEn mai 2023, une délégation de Rennes s'est rendue à Erlangen pour un "
        "festival de musique.\n")


@pytest.fixture(scope="session")
def extractor():
    return default_extractor()




def docs(folder: Path, **texts: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, body in texts.items():
        (folder / f"{name}.txt").write_text(body, encoding="utf-8")
    return folder


def ingest_docs(atlas_url: str, extractor, *paths: Path) -> None:
    with Atlas.open(atlas_url) as atlas:
        report = ingest(list(paths), atlas, extractor=extractor, progress=False)
        assert report.failures == []


def records(atlas_url: str, kind: str, state: str = "all") -> list[dict]:
    with Atlas.open(atlas_url, create=False) as atlas:
        return atlas.to_review(kind=kind, state=state, limit=None)


def by_label(items: list[dict]) -> dict[str, dict]:
    return {r["label"]: r for r in items}


def comparable(data: dict) -> dict:
    """An export without ids, times and orders: what the atlas says, and from which texts."""
    sources = {s["id"]: s["name"] for s in data["sources"]}
    places = {p["id"]: p["name"] for p in data["places"]}
    orgs = {o["id"]: o["name"] for o in data["organisations"]}

    def evidence(items):
        return sorted((sources[e["source"]], e["start"], e["end"], e["quote"]) for e in items)

    return {
        "sources": sorted((s["name"], s["content_hash"], s["date"], s["text"])
                          for s in data["sources"]),
        "places": sorted((p["name"], p["country"], p["geonames_id"], p["review_state"],
                          sorted(p["aliases"]), evidence(p["evidence"])) for p in data["places"]),
        "organisations": sorted((o["name"], o["review_state"], evidence(o["evidence"]))
                                for o in data["organisations"]),
        "partnerships": sorted((sorted(places[i] for i in s["places"]), s["kind"], s["since"],
                                s["status"], s["review_state"], evidence(s["evidence"]),
                                sorted((h["status"], h["date"]) for h in s["history"]))
                               for s in data["partnerships"]),
        "actions": sorted((sorted(places[i] for i in a["actors"]),
                           sorted(places[i] for i in a["partners"]), a["start"], a["end"],
                           a["status"], sorted(a["themes"]), a["review_state"],
                           sorted(orgs[i] for i in a["organisations"]), evidence(a["evidence"]))
                          for a in data["actions"]),
        "initiatives": sorted((places.get(i["place"]), i["start"], i["end"], i["context"],
                               i["review_state"], evidence(i["evidence"]))
                              for i in data["initiatives"]),
    }


# -- 2. sources ------------------------------------------------------------------------------
def test_sources_are_listed_and_one_is_removed_with_only_its_claims(atlas_url, extractor,
                                                                      tmp_path):
    folder = docs(tmp_path / "docs", erlangen=ERLANGEN, brno=BRNO)
    ingest_docs(atlas_url, extractor, folder)
    with Atlas.open(atlas_url) as atlas:
        listed = {s["name"]: s for s in atlas.source_list()}
        assert set(listed) == {"erlangen.txt", "brno.txt"}
        assert listed["brno.txt"]["records"]["partnership"] == 1
        assert listed["brno.txt"]["records"]["action"] == 2
        assert listed["erlangen.txt"]["date"] == "2023-05"
        report = atlas.forget_source("brno.txt")
        assert report["removed"]["partnership"] == 1 and report["removed"]["action"] == 1
        assert report["kept"] == []
        names = {p["name"] for p in atlas.places(limit=500)["items"]}
        assert "Brno" not in names and {"Rennes", "Erlangen"} <= names
        [festival] = atlas.actions()["items"]        # supported by erlangen.txt too: it stays
        assert festival["start"] == "2023-05"
        assert [s["name"] for s in atlas.source_list()] == ["erlangen.txt"]
    result = run("sources", "remove", "nothing.txt", "--db", atlas_url, ok=False)
    assert result.exit_code == 1 and "no source 'nothing.txt'" in result.output


def test_round_trip_export_remove_reingest_gives_the_same_atlas(atlas_url, extractor,
                                                                  tmp_path):
    folder = docs(tmp_path / "docs", erlangen=ERLANGEN, brno=BRNO)
    ingest_docs(atlas_url, extractor, folder)
    with Atlas.open(atlas_url) as atlas:
        before = comparable(export_json(atlas))
    run("sources", "remove", "brno.txt", "--db", atlas_url)
    with Atlas.open(atlas_url) as atlas:
        assert comparable(export_json(atlas)) != before
    ingest_docs(atlas_url, extractor, folder / "brno.txt")
    with Atlas.open(atlas_url) as atlas:
        assert comparable(export_json(atlas)) == before


# -- 3. review and add -------------------------------------------------------------------------
def test_review_from_the_command_line_survives_reingest_and_removal(atlas_url, extractor,
                                                                    tmp_path):
    folder = docs(tmp_path / "docs", brno=BRNO)
    ingest_docs(atlas_url, extractor, folder)
    db = ("--db", atlas_url)
    listed = json.loads(run("review", "--kind", "action", "--json", *db).stdout)
    assert len(listed) == 2 and all(r["review_state"] == "extracted" for r in listed)
    assert all(r["evidence"] and r["evidence"][0]["source"] == "brno.txt" for r in listed)
    school = next(r for r in listed if r["start"] == "2022-06")
    festival = next(r for r in listed if r["start"] == "2023-05")
    table = run("review", "--place", "Brno", *db)
    assert f"action:{school['id']}" in table.stdout and "lycéens de Brno" in table.stdout
    assert "records" in table.stderr

    run("review", "correct", f"action:{school['id']}", "start=2022-07", "end=2022-07",
        "--note", "the visit was in July", *db)
    run("review", "reject", f"action:{festival['id']}", *db)
    ship = json.loads(run("review", "--kind", "partnership", "--json", *db).stdout)[0]
    run("review", "confirm", f"partnership:{ship['id']}", *db)
    run("add", "place", "Sarajevo", "--country", "BA", *db)
    added = json.loads(run("add", "partnership", "Rennes", "Sarajevo", "--kind", "cooperation",
                           "--since", "2018", "--json", *db).stdout)
    act = json.loads(run("add", "action", "--actor", "Rennes", "--partner", "Sarajevo",
                         "--start", "2024-04", "--theme", "culture", "--amount", "5000 EUR",
                         "--json", *db).stdout)
    assert added["review_state"] == act["review_state"] == "manual"
    assert act["amounts"] == [{"value": 5000.0, "currency": "EUR"}]
    bad = run("review", "correct", f"action:{school['id']}", "start=juillet", *db, ok=False)
    assert bad.exit_code == 1 and "not YYYY" in bad.output
    assert run("review", "confirm", "action", *db, ok=False).exit_code == 1
    early = run("review", "correct", f"action:{school['id']}", "end=2020", *db, ok=False)
    assert early.exit_code == 1 and "end: 2020 is before the start 2022-07" in early.output

    def state() -> dict:
        out = {r["ref"]: (r["review_state"], r.get("start"), r.get("since"))
               for r in records(atlas_url, kind=None)}  # type: ignore[arg-type]
        return out

    reviewed = state()
    # the document changes a little: reviewed records stay as people left them, no copies
    (folder / "brno.txt").write_text(BRNO + "\nLe comité remercie les familles.\n",
                                     encoding="utf-8")
    ingest_docs(atlas_url, extractor, folder)
    assert state() == reviewed
    # the source goes and comes back: still the same records
    removed = json.loads(run("sources", "remove", "brno.txt", "--json", *db).stdout)
    kept = {(k["kind"], k["id"]) for k in removed["kept"]}
    assert {("action", school["id"]), ("action", festival["id"]),
            ("partnership", ship["id"])} <= kept
    notes = {r["ref"]: r["review_note"] for r in records(atlas_url, kind="action")}
    assert "source brno.txt removed on" in notes[f"action:{school['id']}"]
    assert "the visit was in July" in notes[f"action:{school['id']}"]
    lost = {r["ref"]: r["lost_sources"] for r in records(atlas_url, kind="action")}
    assert [x["source"] for x in lost[f"action:{school['id']}"]] == ["brno.txt"]
    with Atlas.open(atlas_url) as atlas:            # an export keeps it
        assert {r["record_id"] for r in export_json(atlas)["lost_evidence"]} >= {school["id"]}
    ingest_docs(atlas_url, extractor, folder)
    after = state()
    assert {k: v for k, v in after.items() if k in reviewed} == reviewed
    actions = {r["ref"]: r for r in records(atlas_url, "action")}
    assert len(actions) == 3                     # school (corrected), festival, the added one
    back = actions[f"action:{school['id']}"]     # its source is back: evidence, no « removed »
    assert back["lost_sources"] == [] and back["review_note"] == "the visit was in July"
    assert [e["source"] for e in back["evidence"]] == ["brno.txt"]


# -- 4. show -----------------------------------------------------------------------------------
def test_show_gives_each_record_id_and_its_evidence(atlas_url, extractor, tmp_path):
    ingest_docs(atlas_url, extractor, docs(tmp_path / "docs", brno=BRNO))
    detail = json.loads(run("show", "Brno", "--json", "--db", atlas_url).stdout)
    [school] = [a for a in detail["timeline"] if a["start"] == "2022-06"]
    assert school["evidence"][0]["quote"].startswith("En juin 2022, des lycéens de Brno")
    assert school["evidence"][0]["source"] == "brno.txt"
    shown = run("show", "Brno", "--db", atlas_url).stdout       # piped: TSV, nothing cut
    assert f"action:{school['id']}" in shown
    assert "pour un échange scolaire." in shown
    assert f"partnership:{detail['partners'][0]['partnership_id']}" in shown


# -- 8. read commands --------------------------------------------------------------------------
@pytest.mark.parametrize("command", [["summary"], ["places"], ["show", "Rennes"], ["sources"],
                                     ["review"], ["export"], ["review", "confirm", "action:1"],
                                     ["sources", "remove", "x"]])
def test_read_commands_never_create_an_atlas(command, tmp_path):
    typo = tmp_path / "atlass.sqlite"
    result = run(*command, "--db", f"sqlite:///{typo}", ok=False)
    assert result.exit_code == 1
    assert f"no atlas at {typo}" in result.output
    assert not typo.exists()


def _serve(url: str) -> subprocess.CompletedProcess[str]:
    """`jumelage serve --db url` in a subprocess (a server that did start is killed at the
    timeout, and the test then fails on its exit status)."""
    try:
        return subprocess.run([sys.executable, "-m", "jumelage", "serve", "--port", "8799",
                               "--db", url], capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired as exc:
        return subprocess.CompletedProcess(exc.cmd, -9, str(exc.stdout), str(exc.stderr))


def test_serve_never_creates_an_atlas(tmp_path):
    typo = tmp_path / "atlass.sqlite"
    result = _serve(f"sqlite:///{typo}")
    assert result.returncode == 1, result.stdout
    assert f"no atlas at {typo}" in result.stderr and len(result.stderr.splitlines()) == 1
    assert not typo.exists()


def test_a_postgres_database_without_an_atlas_is_not_made_one(postgres_url):
    server = make_url(postgres_url).set(drivername="postgresql+psycopg")
    name = f"jumelage_test_noatlas_{os.getpid()}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = server.set(database=name).render_as_string(hide_password=False)
        result = run("summary", "--db", url, ok=False)
        assert result.exit_code == 1 and "no atlas at" in result.output
        served = _serve(url)
        assert served.returncode == 1 and "no atlas at" in served.stderr
        engine = create_engine(url)
        with engine.connect() as conn:
            tables = conn.execute(text("SELECT count(*) FROM information_schema.tables "
                                       "WHERE table_schema = 'public'")).scalar()
        engine.dispose()
        assert tables == 0
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# -- 7. imports --------------------------------------------------------------------------------
@pytest.mark.parametrize("damage, said", [
    (lambda d: d["places"][0].update(lat="north"), "place {p0}: lat 'north' is not a number"),
    (lambda d: d["actions"][0].update(actors=[999]),
     "action {a0}: actors refers to place 999, which the export does not hold"),
    (lambda d: d["places"][1].update(id=d["places"][0]["id"]), "the id is used twice"),
    (lambda d: d["partnerships"][0].update(kind="marriage"),
     "partnership {s0}: kind 'marriage' is not one of"),
])
def test_a_bad_import_is_one_line_naming_the_record_and_the_target_stays_empty(
        damage, said, atlas_url, extractor, tmp_path):
    source = f"sqlite:///{tmp_path / 'source.sqlite'}"
    ingest_docs(source, extractor, docs(tmp_path / "docs", brno=BRNO))
    with Atlas.open(source) as atlas:
        data = export_json(atlas)
    ids = {"p0": data["places"][0]["id"], "a0": data["actions"][0]["id"],
           "s0": data["partnerships"][0]["id"]}
    damage(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = run("import", path, "--db", atlas_url, ok=False)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == [lines[0]] and lines[0].startswith("error: invalid atlas export: ")
    assert said.format(**ids) in lines[0]
    if atlas_url.startswith("sqlite"):
        assert not Path(make_url(atlas_url).database).exists()
    else:
        assert run("summary", "--db", atlas_url, ok=False).exit_code == 1   # still no atlas


# -- 1. folders --------------------------------------------------------------------------------
def test_folders_give_documents_not_notes(tmp_path):
    folder = docs(tmp_path / "f", erlangen=ERLANGEN, brno=BRNO, brouillon=BRNO + "x")
    (folder / "SOURCES.md").write_text("# Sources\n- erlangen.txt: Ends mid\n", encoding="utf-8")
    (folder / "README.txt").write_text("Ce dossier contient des articles.\n", encoding="utf-8")
    (folder / "LICENSE").write_text("CC BY\n", encoding="utf-8")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (folder / "old").mkdir()
    (folder / "old" / "ancien.txt").write_text(ERLANGEN, encoding="utf-8")
    (folder / ".jumelageignore").write_text("# old drafts\nold/\n", encoding="utf-8")
    found = scan([folder], exclude=["brouillon*"])
    assert [p.name for p in found.files] == ["brno.txt", "erlangen.txt"]
    reasons = {p.name: why for p, why in found.skipped}
    assert reasons["SOURCES.md"].startswith("not a document")
    assert reasons["README.txt"].startswith("not a document")
    assert reasons["LICENSE"].startswith("not a document")
    assert reasons["photo.jpg"] == "unsupported file type .jpg"
    assert reasons["ancien.txt"] == "excluded by 'old/'"
    assert reasons["brouillon.txt"] == "excluded by 'brouillon*'"
    # a file named explicitly is read, whatever its name
    assert [p.name for p in scan([folder / "README.txt"]).files] == ["README.txt"]


def test_ingest_lists_what_it_skipped(tmp_path):
    folder = docs(tmp_path / "f", erlangen=ERLANGEN)
    (folder / "SOURCES.md").write_text("# Sources\n", encoding="utf-8")
    (folder / "carte.png").write_bytes(b"\x89PNG")
    result = run("ingest", folder, "--exclude", "nothing*", "--db",
                 f"sqlite:///{tmp_path / 'a.sqlite'}")
    assert "SOURCES.md: skipped, not a document" in result.stderr
    assert "carte.png: skipped, unsupported file type .png" in result.stderr
    assert "1 new" in result.stdout and "2 files in the folders were skipped" in result.stdout


# -- 9. Ctrl-C, read-only, pipes, CSV, GeoJSON ------------------------------------------------
def test_ctrl_c_in_a_real_ingest_says_what_was_saved(atlas_url, tmp_path):
    folder = tmp_path / "many"
    # enough documents that the run cannot end before the signal, even on a quiet machine
    docs(folder, **{f"doc{i:03d}": BRNO.replace("1965", str(1800 + i)) for i in range(200)})
    env = {k: v for k, v in os.environ.items() if k != "JUMELAGE_DATABASE_URL"}
    proc = subprocess.Popen([sys.executable, "-m", "jumelage", "ingest", str(folder), "--db",
                             atlas_url, "--batch-size", "2"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 240
    saved = 0
    while time.monotonic() < deadline and saved < 2 and proc.poll() is None:
        time.sleep(0.1)
        try:
            with Atlas.open(atlas_url, create=False) as atlas:
                saved = atlas.summary()["sources"]
        except Exception:   # noqa: BLE001 - the atlas may not be there yet
            saved = 0
    assert proc.poll() is None, "the ingest ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert "interrupted after" in err and "Run the same command again" in err
    with Atlas.open(atlas_url) as atlas:
        count = atlas.summary()["sources"]
        assert 2 <= count < 200
        # the message counts every document in the atlas, those the writer saved last included
        said = re.search(r"(\d+) documents? saved", err)
        assert said is not None and int(said.group(1)) == count, err
        # every saved document is whole: it supports its partnership and its actions
        assert all(s["records"]["partnership"] == 1 and s["records"]["action"] >= 2
                   for s in atlas.source_list())


def test_a_read_only_atlas_is_seen_before_any_reading(atlas_url, extractor, tmp_path,
                                                       monkeypatch):
    ingest_docs(atlas_url, extractor, docs(tmp_path / "a", erlangen=ERLANGEN))
    if atlas_url.startswith("postgresql"):
        name = make_url(atlas_url).database
        admin = create_engine(make_url(atlas_url).set(database="postgres"),
                              isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
        admin.dispose()
    else:   # tests may run as root, whom file modes do not stop: the check asks os.access
        path = make_url(atlas_url).database
        real = os.access
        monkeypatch.setattr(os, "access", lambda p, mode, *a, **k: False
                            if str(p) == path and mode & os.W_OK else real(p, mode, *a, **k))
    import jumelage.ingest as ingest_module

    def never(*args, **kwargs):
        raise AssertionError("nothing may be read from a read-only atlas run")

    monkeypatch.setattr(ingest_module, "read_document", never)
    result = run("ingest", docs(tmp_path / "b", brno=BRNO), "--db", atlas_url, ok=False)
    assert result.exit_code == 1
    assert "read-only" in result.output and "cannot write atlas" in result.output


def test_csv_for_a_french_spreadsheet_and_geojson_counts(tmp_path, extractor):
    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    ingest_docs(url, extractor, docs(tmp_path / "d", brno=BRNO))
    run("add", "place", "Lieu Inconnu", "--db", url)
    with Atlas.open(url) as atlas:
        [school] = [a for a in atlas.actions()["items"] if a["start"] == "2022-06"]
    run("export", "--format", "csv", "--excel", "--out", tmp_path / "csv", "--db", url)
    raw = (tmp_path / "csv" / "actions.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with (tmp_path / "csv" / "actions.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    assert any(r["id"] == str(school["id"]) and r["quote"].startswith("En juin 2022")
               for r in rows)
    # coordinates with a decimal comma, which a French spreadsheet reads as numbers
    with (tmp_path / "csv" / "places.csv").open(encoding="utf-8-sig", newline="") as f:
        places = [r for r in csv.DictReader(f, delimiter=";") if r["lat"]]
    assert places and all(re.fullmatch(r"-?\d+,\d+", r["lat"]) for r in places)
    plain = tmp_path / "plain"
    run("export", "--format", "csv", "--out", plain, "--db", url)
    with (plain / "places.csv").open(encoding="utf-8", newline="") as f:
        assert all("," not in r["lat"] for r in csv.DictReader(f))
    geo = run("export", "--format", "geojson", "--db", url)
    data = json.loads(geo.stdout)
    assert data["places_without_coordinates"] == 1
    assert "1 place without coordinates kept with a null geometry" in geo.stderr


def test_a_multi_line_quote_stays_in_one_csv_cell(tmp_path, extractor):
    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    body = ("Rennes et Brno\n\nLa ville de Rennes est jumelée avec Brno depuis 1965.\n\n"
            "En juin 2022, des lycéens de Brno ont été accueillis à Rennes\npour un échange "
            "scolaire; « une réussite », dit le maire.\n")
    ingest_docs(url, extractor, docs(tmp_path / "d", brno=body))
    run("export", "--format", "csv", "--excel", "--out", tmp_path / "csv", "--db", url)
    with (tmp_path / "csv" / "actions.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    quotes = [r["quote"] for r in rows if "lycéens" in r["quote"]]
    assert quotes and "\n" in quotes[0] and quotes[0].endswith("scolaire; « une réussite », "
                                                               "dit le maire.")


def test_piped_lists_are_tsv_and_end_with_their_count(tmp_path, extractor):
    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    ingest_docs(url, extractor, docs(tmp_path / "d", brno=BRNO))
    result = run("places", "--db", url)
    lines = result.stdout.splitlines()
    assert lines[0].split("\t")[:3] == ["id", "place", "country"]
    assert len(lines) == 1 + 3 and all(len(line.split("\t")) == 7 for line in lines)
    assert result.stderr.strip() == "3 places"
    sources = run("sources", "--db", url)
    assert sources.stdout.splitlines()[1].split("\t")[1:4] == ["brno.txt", "2023-05", "3"]
    assert sources.stderr.strip() == "1 source"


# -- 10. near-identical documents --------------------------------------------------------------
def test_the_same_article_twice_is_one_set_of_records(atlas_url, extractor, tmp_path):
    first = ("Publié le 3 mai 2023\n\nCe samedi, une délégation de Rennes s'est rendue à "
             "Erlangen pour fêter le jumelage.\n\nLa ville de Rennes est jumelée avec Erlangen "
             "depuis 1964.\n")
    second = first.replace("3 mai 2023", "10 mai 2023")
    ingest_docs(atlas_url, extractor, docs(tmp_path / "d", premier=first, second=second))
    with Atlas.open(atlas_url) as atlas:
        [action] = atlas.actions()["items"]
        assert {e["source"] for e in atlas.record("action", action["id"])["evidence"]} == {
            "premier.txt", "second.txt"}
        assert len(atlas.partnerships()["items"]) == 1


# -- 6. dates ----------------------------------------------------------------------------------
def test_the_text_date_wins_over_pdf_metadata(atlas_url, extractor, tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.set_creation_date(dt.datetime.now(dt.timezone.utc))
    pdf.add_page()
    for line in ("Publie le 12 mai 2022", "",
                 "Ce samedi, une delegation de Rennes s'est rendue a Erlangen.", "",
                 "La ville de Rennes est jumelee avec Erlangen depuis 1964."):
        if line:
            pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.ln(6)
    path = tmp_path / "article.pdf"
    path.write_bytes(bytes(pdf.output()))
    doc = read_document(path)
    today = dt.date.today().isoformat()
    assert doc.metadata_date == today and doc.date is None
    ext = extractor.extract(doc)
    assert ext.date == "2022-05-12"
    assert all(a.start is None or a.start.startswith("2022") for a in ext.actions)
    ingest_docs(atlas_url, extractor, path)
    with Atlas.open(atlas_url) as atlas:
        [source] = list(atlas.every("sources"))
        assert source["date"] == "2022-05-12"
        data = export_json(atlas)
    assert data["sources"][0]["metadata_date"] == today
    # without a date in its text, the metadata date is the one left
    undated = FPDF()
    undated.set_font("Helvetica", size=11)
    undated.set_creation_date(dt.datetime(2021, 3, 15, tzinfo=dt.timezone.utc))
    undated.add_page()
    undated.cell(0, 6, "La ville de Rennes est jumelee avec Erlangen.")
    (tmp_path / "sans-date.pdf").write_bytes(bytes(undated.output()))
    assert extractor.extract(read_document(tmp_path / "sans-date.pdf")).date == "2021-03-15"


# -- 11. HTML fallback -------------------------------------------------------------------------
def test_deeply_nested_html_still_gives_its_text_and_says_so(tmp_path, extractor):
    sentence = "La ville de Rennes est jumelée avec Erlangen depuis 1964."
    page = "<html><body>" + "<div>" * 400 + f"<p>{sentence}</p>" + "</div>" * 400 + \
        "</body></html>"
    path = tmp_path / "imbrique.html"
    path.write_text(page, encoding="utf-8")
    doc = read_document(path)
    assert doc.text.strip() == sentence
    assert doc.notes and "plain text" in doc.notes[0]
    result = run("ingest", path, "--db", f"sqlite:///{tmp_path / 'a.sqlite'}")
    assert "imbrique.html: note: no main text found by trafilatura" in result.stderr


# -- 5. limits on the text, not the file -------------------------------------------------------
def test_the_limit_is_on_the_text_and_a_large_pdf_with_little_text_is_read(tmp_path,
                                                                           monkeypatch):
    from fpdf import FPDF

    monkeypatch.setenv("JUMELAGE_MAX_FILE_MB", "0.05")
    pdf = FPDF()
    pdf.set_compression(False)
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.cell(0, 6, "La ville de Rennes est jumelee avec Erlangen depuis 1964.")
    pdf.set_keywords("x" * 200_000)                 # 200 KB of file, one sentence of text
    path = tmp_path / "magazine.pdf"
    path.write_bytes(bytes(pdf.output()))
    assert path.stat().st_size > 0.05 * 1024 * 1024
    assert "Erlangen" in read_document(path).text
    long = tmp_path / "long.txt"
    long.write_text(ERLANGEN * 400, encoding="utf-8")
    monkeypatch.setenv("JUMELAGE_MAX_FILE_MB", "20")
    result = run("ingest", long, "--max-text-size", "0.01",
                 "--db", f"sqlite:///{tmp_path / 'a.sqlite'}", ok=False)
    assert result.exit_code == 1
    assert "long.txt: text too long (66.4 KB of text > limit 0.01 MB" in result.output


def test_long_texts_go_to_the_model_in_bounded_pieces(extractor, monkeypatch):
    from jumelage.extract import pipeline
    from jumelage.records import Document

    monkeypatch.setattr(pipeline, "CHUNK", 400)
    monkeypatch.setattr(pipeline, "BATCH_CHARS", 800)
    sizes: list[int] = []
    real = extractor.nlp.pipe

    def pipe(group, **kwargs):
        if kwargs.get("as_tuples"):        # the pipeline's calls (spaCy calls itself again)
            group = list(group)
            sizes.append(sum(len(t) for t, _ in group))
        return real(group, **kwargs)

    monkeypatch.setattr(extractor.nlp, "pipe", pipe)
    text = ERLANGEN + "\n\n".join([BRNO] * 8) + "\n\nLa ville de Rennes est jumelée avec " \
        "Sarajevo depuis 1998.\n"
    ext = extractor.extract(Document(name="long.txt", text=text, media_type="text/plain",
                                     content_hash="x"))
    assert len(sizes) > 2 and max(sizes) <= 800
    names = {p.name for p in ext.places}
    assert {"Erlangen", "Brno", "Sarajevo"} <= names     # the first and last pieces both count


def test_a_very_long_text_is_extracted_piece_by_piece_into_one_extraction(extractor,
                                                                         monkeypatch):
    from jumelage.extract import pieces
    from jumelage.records import Document

    monkeypatch.setattr(pieces, "LONG_TEXT", 300)
    monkeypatch.setattr(pieces, "PIECE", 200)
    text = ERLANGEN + "\n" + BRNO + "\nLa ville de Rennes est jumelée avec Sarajevo depuis 1998.\n"
    assert len(text) > 300 and len(pieces.split(text)) >= 3
    ext = extractor.extract(Document(name="long.txt", text=text, media_type="text/plain",
                                     content_hash="x"))
    names = [p.name for p in ext.places]
    assert sorted(names) == sorted(set(names)) and {"Erlangen", "Brno", "Sarajevo"} <= set(names)
    refs = {p.ref: p.name for p in ext.places}
    pairs = {frozenset(refs[r] for r in s.places) for s in ext.partnerships}
    assert {frozenset({"Rennes", "Erlangen"}), frozenset({"Rennes", "Brno"}),
            frozenset({"Rennes", "Sarajevo"})} <= pairs
    for record in [*ext.partnerships, *ext.actions]:
        assert record.span is None or text[record.span[0]:record.span[1]] == record.quote
    assert ext.date == "2023-05"


def test_the_text_limit_of_one_ingest_is_a_parameter_not_the_environment(tmp_path, monkeypatch):
    """`ingest(max_text_mb=)` refuses longer texts for that run only, leaves the environment as
    it was, and refuses a non-positive limit before reading anything."""
    import os

    from jumelage.atlas import Atlas
    from jumelage.ingest import ingest

    monkeypatch.delenv("JUMELAGE_MAX_TEXT_MB", raising=False)
    long = tmp_path / "long.txt"
    long.write_text(ERLANGEN * 400, encoding="utf-8")
    with Atlas.open(f"sqlite:///{tmp_path / 'a.sqlite'}") as atlas:
        report = ingest([long], atlas, progress=False, max_text_mb=0.01)
        assert [f.problem.split(" (")[0] for f in report.failures] == ["text too long"]
        assert "JUMELAGE_MAX_TEXT_MB" not in os.environ
        with pytest.raises(ValueError):
            ingest([long], atlas, progress=False, max_text_mb=0)
        assert atlas.summary()["sources"] == 0
