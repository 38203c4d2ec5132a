"""The one name key: its rules, its one home, and the keys the gazetteer and both atlases store."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

import jumelage
from jumelage.atlas import Atlas, schema
from jumelage.atlas.shapes import Filters
from jumelage.gazetteer import get_gazetteer
from jumelage.names import NAME_KEY_VERSION, name_key, plain_letters
from jumelage.records import Document, Extraction, Place

SRC = Path(jumelage.__file__).parent


@pytest.mark.parametrize("raw, key", [
    ("Ħamrun", "hamrun"),                       # Maltese ħ: the two old keys disagreed here
    ("ĦAMRUN", "hamrun"),
    ("Saint-Étienne", "saint etienne"),
    ("St. Etienne", "saint etienne"),
    ("St-Étienne", "saint etienne"),
    ("SAINT   ETIENNE", "saint etienne"),
    ("Ste-Foy-lès-Lyon", "sainte foy les lyon"),
    ("Saintes", "saintes"),                     # a town, not an abbreviation
    ("Bishop’s Stortford", "bishop s stortford"),
    ("Bishop's Stortford", "bishop s stortford"),
    ("L'Haÿ-les-Roses", "l hay les roses"),
    ("Mühlheim am Main", "muhlheim am main"),
    ("Łódź", "lodz"),
    ("Straße", "strasse"),
    ("Œuilly", "oeuilly"),
    ("cœur", "coeur"),
    ("Ærøskøbing", "aeroskobing"),
    ("ﬁnal", "final"),                          # compatibility ligature
    ("Þingvellir", "thingvellir"),
    ("İstanbul", "istanbul"),
    ("Hawaiʻi", "hawai i"),                     # a modifier letter separates, like an apostrophe
    ("  Kryvyï  Rih ", "kryvyi rih"),
    ("Москва", "москва"),                       # other scripts keep their letters
    ("Comité de Jumelage", "comite de jumelage"),
    ("« — »", ""),
])
def test_name_key(raw: str, key: str) -> None:
    assert name_key(raw) == key


def test_plain_letters_keeps_every_character_but_letters() -> None:
    assert plain_letters("L’Haÿ-les-Roses") == "l’hay-les-roses"
    assert plain_letters("Ħamrun") == "hamrun"


def test_the_name_key_has_one_definition() -> None:
    """No other module of the package defines a name key or a function called `fold`."""
    defined = re.compile(r"^\s*def (fold|name_key)\(", re.M)
    homes = [p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py")
             if defined.search(p.read_text(encoding="utf-8"))]
    assert homes == ["names.py"]


def test_the_gazetteer_keys_names_with_it() -> None:
    gaz = get_gazetteer()
    [hamrun] = [m for m in gaz.lookup("Hamrun") if m.country == "MT"]
    assert hamrun.name == "Ħamrun" and hamrun.matched == name_key("Ħamrun")
    assert gaz.resolve("Ħamrun") == gaz.resolve("Hamrun")
    assert gaz.path.name.split("-")[4] == f"k{NAME_KEY_VERSION}"  # the index follows the key


def _doc(name: str, text_: str) -> Document:
    return Document(name=name, text=text_, media_type="text/plain", content_hash=f"h-{name}")


def test_the_atlas_stores_and_finds_names_by_it(atlas_url: str) -> None:
    text_ = "Ħamrun et Œuilly, Saint-Étienne."
    ext = Extraction("a.txt", places=[Place("p1", "Ħamrun", "MT"), Place("p2", "Œuilly", "FR"),
                                      Place("p3", "St-Étienne", "FR")])
    with Atlas.open(atlas_url) as atlas:
        atlas.save_extraction(_doc("a.txt", text_), ext)
        assert atlas.find_place("Hamrun")["name"] == "Ħamrun"
        assert atlas.find_place("oeuilly")["name"] == "Œuilly"
        assert atlas.find_place("Saint Etienne")["name"] == "St-Étienne"
        assert [p["name"] for p in atlas.places(Filters(q="amru"))["items"]] == ["Ħamrun"]
        with atlas.engine.connect() as conn:
            stored = dict(conn.execute(text("SELECT name, folded FROM place_names")).all())
        assert stored == {n: name_key(n) for n in ("Ħamrun", "Œuilly", "St-Étienne")}


def test_the_migration_recomputes_stored_keys(atlas_url: str) -> None:
    """An atlas written with the old atlas key (`amrun`) is rekeyed on opening; organisations
    whose names now share a key become one, keeping their links and evidence."""
    engine = create_engine(atlas_url)
    try:
        with engine.begin() as conn:
            command.upgrade(schema.config(conn), "0001")
            now = "2024-01-01 00:00:00"
            conn.execute(text(
                "INSERT INTO sources (id, name, content_hash, media_type, text, ingested_at,"
                " updated_at) VALUES (1, 'a.txt', 'h', 'text/plain', 'x', :now, :now)"),
                {"now": now})
            conn.execute(text(
                "INSERT INTO places (id, name, country, kind, review_state, created_at,"
                " updated_at) VALUES (1, 'Ħamrun', 'MT', 'city', 'extracted', :now, :now)"),
                {"now": now})
            conn.execute(text("INSERT INTO place_names (id, place_id, name, folded) VALUES"
                              " (1, 1, 'Ħamrun', 'amrun'), (2, 1, 'Hamrun', 'hamrun')"))
            conn.execute(text(
                "INSERT INTO organisations (id, name, folded, review_state, created_at,"
                " updated_at) VALUES (1, 'Ħal Far Club', 'al far club', 'extracted', :now, :now),"
                " (2, 'Hal Far Club', 'hal far club', 'confirmed', :now, :now)"), {"now": now})
            conn.execute(text(
                "INSERT INTO actions (id, status, themes, amounts, review_state, created_at,"
                " updated_at) VALUES (1, 'done', '[]', '[]', 'extracted', :now, :now)"),
                {"now": now})
            conn.execute(text("INSERT INTO action_organisations (action_id, organisation_id,"
                              " position) VALUES (1, 1, 0)"))
            conn.execute(text("INSERT INTO evidence (id, source_id, organisation_id, quote,"
                              " created_at) VALUES (1, 1, 1, 'Ħal Far Club', :now)"),
                         {"now": now})
    finally:
        engine.dispose()
    with Atlas.open(atlas_url) as atlas:
        with atlas.engine.connect() as conn:
            keys = conn.execute(text("SELECT name, folded FROM place_names ORDER BY id")).all()
            orgs = conn.execute(text("SELECT id, name, folded FROM organisations")).all()
            links = conn.execute(text("SELECT organisation_id FROM action_organisations")).all()
            evidence = conn.execute(text("SELECT organisation_id FROM evidence")).all()
        assert [tuple(k) for k in keys] == [("Ħamrun", "hamrun"), ("Hamrun", "hamrun")]
        assert [tuple(o) for o in orgs] == [(2, "Hal Far Club", "hal far club")]
        assert [tuple(r) for r in links] == [(2,)] and [tuple(r) for r in evidence] == [(2,)]
        assert atlas.find_place("Ħamrun")["id"] == 1


def test_the_newest_rekeying_migration_names_the_current_key_version() -> None:
    """Bumping NAME_KEY_VERSION without a data migration would leave stale keys in atlases."""
    script = ScriptDirectory.from_config(schema.config())
    versions = []
    for rev in script.walk_revisions():  # newest first
        source = Path(rev.path).read_text(encoding="utf-8")
        found = re.search(r"^NAME_KEY_VERSION = (\d+)", source, re.M)
        if found:
            versions.append(int(found.group(1)))
    assert versions and versions[0] == NAME_KEY_VERSION


def test_rekeying_also_resorts_names_and_rebuilds_search(atlas_url: str) -> None:
    """When the letters of names are read anew, what is built from them follows: the sort name
    of each place and the search index (a later key version's migration runs this)."""
    from jumelage.atlas.names import rekey_stored_names, sort_key

    ext = Extraction("a.txt", places=[Place("p1", "Ħamrun", "MT")])
    with Atlas.open(atlas_url) as atlas:
        atlas.save_extraction(_doc("a.txt", "Ħamrun a une place."), ext)
        with atlas.engine.begin() as conn:     # as an older key version would have left them
            conn.execute(text("UPDATE place_names SET folded = 'amrun'"))
            conn.execute(text("UPDATE places SET sort_name = 'amrun'"))
            conn.execute(text("DELETE FROM search_facets"))
            conn.execute(text("DELETE FROM search_docs"))
        with atlas.engine.begin() as conn:
            counts = rekey_stored_names(conn)
        assert counts["place_names"] == 1 and counts["sort_names"] == 1
        assert counts["search_rebuilt"] == 1
        with atlas.engine.connect() as conn:
            assert conn.execute(text("SELECT sort_name FROM places")).scalar() == sort_key("Ħamrun")
        assert atlas.find_place("Hamrun")["name"] == "Ħamrun"
        assert atlas.search("Hamrun")["total"] >= 1


def test_a_name_with_its_country_code_finds_that_countrys_place(atlas_url: str) -> None:
    """Close names are suggested as « Córdoba (ES) »; typed back, that form finds that one."""
    ext = Extraction("a.txt", places=[Place("p1", "Córdoba", "AR"), Place("p2", "Córdoba", "ES")])
    with Atlas.open(atlas_url) as atlas:
        atlas.save_extraction(_doc("a.txt", "Córdoba et Córdoba."), ext)
        assert atlas.find_place("Córdoba (ES)")["country"] == "ES"
        assert atlas.find_place("cordoba (ar)")["country"] == "AR"
        assert atlas.find_place("Córdoba (IT)") is None or \
            atlas.find_place("Córdoba (IT)")["country"] in ("AR", "ES")   # then the closest name
