"""Faults a fresh user found while curating (issue 9, second pass), each closed as a kind and
checked at every door (CLI, library `Atlas`, web routes, import of an export) on SQLite and
PostgreSQL: ids out of any column's range are « no <kind> with id N »; an import is checked
field by field before anything is written, by the rules `review correct` and `add` use; a place
added twice by hand is refused; country codes are real; `show` never cuts an id and gives
`kind:id` refs; a file name two sources share asks for the path. No spaCy: records are saved
from extractions written here, or added by hand."""
from __future__ import annotations

import copy
import json
from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console

from jumelage import cli
from jumelage.atlas import Atlas
from jumelage.atlas.exchange import export_json, import_json
from jumelage.errors import AtlasError, InvalidChange, NotFound
from cli_support import no_env_atlas, run  # noqa: F401 - the fixture applies to every test
from test_atlas_support import TEXT_A, document, extraction_a

HUGE = [2**31, 9_999_999_999, 2**63, 10**23]  # past PostgreSQL's integer, SQLite's, and both


def filled(url: str) -> dict[str, int]:
    """One document's records, plus a confirmed place; returns ids by kind."""
    with Atlas.open(url) as atlas:
        atlas.save_extraction(document("a.txt", TEXT_A, "2023-05"), extraction_a())
        return {"action": atlas.actions()["items"][0]["id"],
                "place": atlas.places()["items"][0]["id"],
                "partnership": atlas.partnerships()["items"][0]["id"]}


# -- 1. ids out of range ------------------------------------------------------------------------
def test_ids_out_of_range_name_no_record(atlas_url: str) -> None:
    filled(atlas_url)
    for n in HUGE:
        for ref in (f"action:{n}", f"place:{n}", f"partnership:{n}", f"initiative:{n}"):
            kind = ref.split(":")[0]
            for verb in ("confirm", "reject"):
                r = run("review", verb, ref, "--db", atlas_url, ok=False)
                assert r.exit_code == 1 and f"no {kind} with id {n}" in r.output, r.output
            r = run("review", "correct", ref, "start=2020", "--db", atlas_url, ok=False)
            assert r.exit_code == 1 and f"no {kind} with id {n}" in r.output, r.output
        r = run("show", str(n), "--db", atlas_url, ok=False)
        assert r.exit_code == 1 and f"no place with id {n}" in r.output, r.output
        r = run("sources", "remove", str(n), "--db", atlas_url, ok=False)
        assert r.exit_code == 1 and f"no source with id {n}" in r.output, r.output
        r = run("add", "action", "--actor", str(n), "--db", atlas_url, ok=False)
        assert r.exit_code == 1 and "no place matching" in r.output, r.output
    with Atlas.open(atlas_url, create=False) as atlas:
        for n in HUGE:
            with pytest.raises(NotFound, match=f"no action with id {n}"):
                atlas.review("action", n, "confirmed")
            assert atlas.record("place", n) is None and atlas.place_detail(n) is None
            assert atlas.partnership_detail(n) is None and atlas.source_detail(n) is None
            assert atlas.partnership_history(n) == [] and atlas.find_place(str(n)) is None
            with pytest.raises(InvalidChange, match=f"no place with id {n}"):
                atlas.add_manual("action", {"actors": [n]})
            with pytest.raises(NotFound):
                atlas.forget_source(n)
            with pytest.raises(InvalidChange, match="out of range"):
                atlas.add_manual("place", {"name": "Kidal", "geonames_id": n})
            with pytest.raises(InvalidChange, match="out of range"):
                atlas.add_manual("place", {"name": "Kidal", "population": n})
        assert atlas.summary()["places"] == 2  # nothing was added


def test_web_routes_answer_404_past_the_id_range() -> None:
    from jumelage.web.deps import MAX_ID
    from jumelage.atlas.validate import MAX_INT

    assert MAX_ID == MAX_INT == 2**31 - 1  # one definition for the web and the library


# -- 2. imports checked before writing ------------------------------------------------------------
def _bad(data: dict, edit) -> dict:
    bad = copy.deepcopy(data)
    edit(bad)
    return bad


def test_import_checks_every_field_before_writing(atlas_url: str, tmp_path: Path) -> None:
    ids = filled(str(tmp_path / "from.sqlite"))
    with Atlas.open(str(tmp_path / "from.sqlite"), create=False) as atlas:
        data = export_json(atlas)
    place = data["places"][0]
    act = next(a for a in data["actions"] if a["id"] == ids["action"])
    cases = [
        (lambda d: d["places"][0].update(geonames_id=10**20),
         f"place {place['id']}: geonames_id {10**20} is out of range"),
        (lambda d: d["places"][0].update(population=2**40),
         f"place {place['id']}: population {2**40} is out of range"),
        (lambda d: d["places"][0].update(name="Ba\x00mako"),
         f"place {place['id']}: name contains a NUL byte"),
        (lambda d: d["places"][0].update(aliases=["ok", "B\x00"]),
         f"place {place['id']}: aliases[1] contains a NUL byte"),
        (lambda d: d["places"][0].update(country="ZZ"),
         f"place {place['id']}: country 'ZZ' is not an ISO 3166-1 alpha-2 code"),
        (lambda d: d["places"][0].update(id=2**40), f"place {2**40}: id {2**40} is not"),
        (lambda d: d["sources"][0].update(text="a\x00b"),
         f"source {data['sources'][0]['id']}: text contains a NUL byte"),
        (lambda d: next(a for a in d["actions"] if a["id"] == act["id"]).update(
            amounts=[{"value": "x", "currency": "EUR"}]),
         f"action {act['id']}: amounts[0].value 'x' is not a number"),
        (lambda d: next(a for a in d["actions"] if a["id"] == act["id"]).update(
            amounts=[{"value": 5, "currency": "euros"}]),
         f"action {act['id']}: amounts[0].currency 'euros'"),
        (lambda d: next(a for a in d["actions"] if a["id"] == act["id"]).update(
            themes=["nope"]), f"action {act['id']}: themes[0] 'nope' is not one of"),
        (lambda d: next(a for a in d["actions"] if a["id"] == act["id"])["evidence"][0].update(
            start=50, end=10), "span start 50 is after its end 10"),
        (lambda d: next(a for a in d["actions"] if a["id"] == act["id"])["evidence"][0].update(
            start=2**33), f"span start {2**33} is out of range"),
        (lambda d: next(a for a in d["actions"] if a["id"] == act["id"]).update(
            created_at="yesterday"), f"action {act['id']}: created_at 'yesterday'"),
    ]
    with Atlas.open(atlas_url) as target:
        for edit, message in cases:
            with pytest.raises(AtlasError) as caught:
                import_json(target, _bad(data, edit))
            assert message in str(caught.value), (message, str(caught.value))
            assert "\n" not in str(caught.value)
            assert target.summary()["sources"] == 0 and target.summary()["places"] == 0
        assert import_json(target, data)["actions"] == len(data["actions"])  # the good one goes in
    # the same through the command line: one line, exit 1, no stray pipeline message
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_bad(data, cases[0][0])), encoding="utf-8")
    r = run("import", bad, "--db", str(tmp_path / "other.sqlite"), ok=False)
    assert r.exit_code == 1 and cases[0][1] in r.output and "pipeline" not in r.output


def test_hand_edits_and_imports_share_the_rules(atlas_url: str) -> None:
    ids = filled(atlas_url)
    with Atlas.open(atlas_url, create=False) as atlas:
        for changes, message in (({"themes": ["nope"]}, "'nope' is not one of"),
                                 ({"amounts": [{"value": "x", "currency": "EUR"}]}, "number"),
                                 ({"amounts": [{"value": 1, "currency": "EUR",
                                                "per": "a\x00"}]}, "NUL byte")):
            with pytest.raises(InvalidChange, match=message):
                atlas.review("action", ids["action"], "corrected", changes)
        with pytest.raises(InvalidChange, match="NUL byte"):
            atlas.add_manual("place", {"name": "Gao\x00", "country": "ML"})


# -- 3. places by hand ----------------------------------------------------------------------------
def test_a_place_added_twice_is_refused(atlas_url: str) -> None:
    filled(atlas_url)
    first = run("add", "place", "Mopti", "--country", "ML", "--db", atlas_url)
    pid = first.output.split("place:")[1].split(":")[0]
    for name in ("Mopti", "MOPTI", "mopti "):
        r = run("add", "place", name, "--country", "ML", "--db", atlas_url, ok=False)
        assert r.exit_code == 1
        assert f"place {name.strip()} (ML) already in the atlas: place:{pid}" in r.output
    run("add", "place", "Mopti", "--country", "FR", "--db", atlas_url)  # another country
    # coordinates far apart, or GeoNames ids on both, tell two places of one name apart
    with Atlas.open(atlas_url, create=False) as atlas:
        a = atlas.add_manual("place", {"name": "Santa Cruz", "country": "BO", "lat": -17.8,
                                       "lon": -63.2})
        atlas.add_manual("place", {"name": "Santa Cruz", "country": "BO", "lat": -16.5,
                                   "lon": -68.1})
        with pytest.raises(InvalidChange, match=f"already in the atlas: place:{a}"):
            atlas.add_manual("place", {"name": "Santa Cruz", "country": "BO", "lat": -17.8,
                                       "lon": -63.21})
        b = atlas.add_manual("place", {"name": "Gao", "country": "ML", "geonames_id": 2457163})
        atlas.add_manual("place", {"name": "Gao", "country": "ML", "geonames_id": 9999})
        with pytest.raises(InvalidChange, match=f"place Gao \\(ML\\) already.*place:{b}"):
            atlas.add_manual("place", {"name": "Gao", "country": "ML"})
        # renaming or moving a place onto another is the same fault
        c = atlas.add_manual("place", {"name": "Ségou", "country": "ML"})
        with pytest.raises(InvalidChange, match=f"place:{pid}"):
            atlas.review("place", c, "corrected", {"name": "Mopti"})
        # a rejected place does not count
        atlas.review("place", c, "rejected")
        atlas.add_manual("place", {"name": "Ségou", "country": "ML"})


def test_country_codes_are_real(atlas_url: str) -> None:
    ids = filled(atlas_url)
    r = run("add", "place", "Paris", "--country", "ZZ", "--db", atlas_url, ok=False)
    assert r.exit_code == 1 and "'ZZ' is not an ISO 3166-1 alpha-2 code" in r.output
    r = run("review", "correct", f"place:{ids['place']}", "country=XX", "--db", atlas_url,
            ok=False)
    assert r.exit_code == 1 and "'XX' is not an ISO 3166-1 alpha-2 code" in r.output
    added = run("add", "place", "Pristina", "--country", "xk", "--db", atlas_url)
    assert "(XK, city)" in added.output  # Kosovo: GeoNames' code, lower case accepted


# -- 4. show ---------------------------------------------------------------------------------------
def test_show_never_cuts_ids_and_json_gives_refs(atlas_url: str, monkeypatch) -> None:
    ids = filled(atlas_url)
    with Atlas.open(atlas_url, create=False) as atlas:
        place = atlas.get("place", ids["place"])
    console = Console(width=80, force_terminal=True, highlight=False, markup=False,
                      soft_wrap=True, color_system=None)
    monkeypatch.setattr(cli, "out", console)
    with console.capture() as captured:
        run("show", place["name"], "--db", atlas_url)
    shown = captured.get()
    assert f"action:{ids['action']}" in shown and f"partnership:{ids['partnership']}" in shown
    assert "…" not in "".join(line.split("│")[1] for line in shown.splitlines()
                              if line.startswith("│"))  # the id column is whole
    monkeypatch.undo()
    data = json.loads(run("show", place["name"], "--json", "--db", atlas_url).output)
    assert data["place"]["ref"] == f"place:{ids['place']}"
    assert data["timeline"][0]["ref"] == f"action:{data['timeline'][0]['id']}"
    assert data["partners"][0]["ref"] == f"partnership:{data['partners'][0]['partnership_id']}"
    run("review", "confirm", data["timeline"][0]["ref"], "--db", atlas_url)


# -- 5. sources of one file name -------------------------------------------------------------------
def test_a_file_name_two_sources_share_asks_for_the_path(atlas_url: str) -> None:
    with Atlas.open(atlas_url) as atlas:
        for folder, date in (("/a", "2023-05"), ("/b", "2023-06")):
            doc = replace(document(f"{folder}/note.txt", TEXT_A + folder, date),
                          path=f"{folder}/note.txt")
            atlas.save_extraction(doc, extraction_a())
        ids = {s["name"]: s["id"] for s in atlas.source_list()}
    r = run("sources", "remove", "note.txt", "--db", atlas_url, ok=False)
    assert r.exit_code == 1
    assert "2 sources named note.txt: give the path: /a/note.txt, /b/note.txt" in r.output
    with Atlas.open(atlas_url, create=False) as atlas:
        with pytest.raises(AtlasError, match="2 sources named note.txt"):
            atlas.forget_source("note.txt")
    run("sources", "remove", "/a/note.txt", "--db", atlas_url)
    run("sources", "remove", "note.txt", "--db", atlas_url)  # now only one has that name
    with Atlas.open(atlas_url, create=False) as atlas:
        assert atlas.source_list() == [] and ids


def test_what_the_check_misses_is_still_one_line(atlas_url: str, tmp_path: Path, monkeypatch,
                                                 caplog) -> None:
    """The database's own refusal, should a value slip past the check: one line, no traceback,
    no « error ignored terminating <psycopg.Pipeline> » echo, nothing written."""
    from jumelage.atlas import exchange

    filled(str(tmp_path / "from.sqlite"))
    with Atlas.open(str(tmp_path / "from.sqlite"), create=False) as atlas:
        data = export_json(atlas)
    data["places"][0]["geonames_id"] = 10**20
    monkeypatch.setattr(exchange, "check_export", lambda data: None)
    with Atlas.open(atlas_url) as target:
        with pytest.raises(AtlasError, match="invalid atlas export") as caught:
            import_json(target, data)
        assert "\n" not in str(caught.value)
        assert target.summary()["places"] == 0
    assert "pipeline" not in caplog.text.lower()
