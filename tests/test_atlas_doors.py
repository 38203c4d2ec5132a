"""One write path: the same correction made through the library's review, the web review form,
the web's JSON API and the command line gives the same stored record, which a re-ingest keeps;
handing it back to its sources through any door gives back exactly what ingest computed. On
SQLite and PostgreSQL."""
from __future__ import annotations

import hashlib
from typing import Any

from jumelage.atlas import Atlas, accounts
from jumelage.atlas.organisations import Organisations
from jumelage.records import Action, Document, Extraction, Place

PASSWORD = "correct horse battery"
CHANGES = {"start": "2018-06", "themes": ["culture", "youth"],
           "organisations": ["Office de Tourisme de la Ville"]}


def _doc(name: str, text: str) -> Document:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Document(name=name, text=text, media_type="text/plain", content_hash=digest)


def _concert(name: str, home: tuple[str, int], guest: tuple[str, int], extra: str = "") -> tuple[
        Document, Extraction]:
    """A document saying that `guest`'s musicians played at `home`'s festival in 2018."""
    said = (f"En 2018, la fanfare de {guest[0]} a joué au festival de {home[0]} "
            "avec l'Amicale des Jumelages.")
    text = f"Nouvelles des jumelages\n\n{said}\n{extra}"
    at = text.index(said)
    ext = Extraction(source=name, organizations=["Amicale des Jumelages"], places=[
        Place("h", home[0], "FR", home[1], 45.0, 5.0),
        Place("g", guest[0], "DE", guest[1], 50.0, 9.0)])
    ext.actions.append(Action(["h"], ["g"], "2018", "2018", "done", ["culture"],
                              organizations=["Amicale des Jumelages"],
                              span=(at, at + len(said))))
    return _doc(name, text), ext


DOCS = {"a.txt": (("Valmont-sur-Lys", 9100001), ("Oberhain", 9100002)),
        "b.txt": (("Saint-Aubert", 9100003), ("Niederfeld", 9100004)),
        "c.txt": (("Montreval", 9100005), ("Unterbach", 9100006)),
        "d.txt": (("Villeneuve-la-Petite", 9100007), ("Kleinhausen", 9100008))}


def _fields(atlas: Atlas, aid: int) -> dict[str, Any]:
    """What a correction may change, and the review state, of action `aid` (ids left out)."""
    rec = atlas.get("action", aid)
    return {"start": rec["start"], "end": rec["end"], "status": rec["status"],
            "themes": sorted(rec["themes"]), "amounts": rec["amounts"],
            "organisations": [o["name"] for o in rec["organisations"]],
            "review_state": rec["review_state"]}


def _web(url: str) -> Any:
    from fastapi.testclient import TestClient

    from jumelage.web import Settings, create_app

    return TestClient(create_app(url, Settings(secret_key="test-secret")),
                      raise_server_exceptions=False)


def _login(client: Any) -> str:
    import re

    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    assert token
    r = client.post("/login", data={"name": "edith", "password": PASSWORD,
                                    "csrf": token.group(1), "next": "/"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text)
    assert token
    return token.group(1)


def test_a_correction_is_the_same_whichever_door_and_after_a_re_ingest(atlas_url: str) -> None:
    with Atlas.open(atlas_url) as atlas:
        for name, (home, guest) in DOCS.items():
            atlas.save_extraction(*_concert(name, home, guest))
        ids = {name: atlas.actions(limit=10)["items"][n]["id"] for n, name in enumerate(DOCS)}
        extracted = {name: _fields(atlas, aid) for name, aid in ids.items()}
        assert len({repr(v) for v in extracted.values()}) == 1
        accounts.add_user(atlas, "edith", PASSWORD, "editor")

        # the library door corrects a.txt's action ...
        atlas.review("action", ids["a.txt"], "corrected", CHANGES)
        # ... the web door (the review form) the same correction on b.txt's
        with _web(atlas_url) as client:
            token = _login(client)
            r = client.post(f"/review/action/{ids['b.txt']}", data={
                "csrf": token, "decision": "correct", "start": CHANGES["start"],
                "themes": CHANGES["themes"], "organisations": CHANGES["organisations"][0]},
                follow_redirects=False)
            assert r.status_code == 303, r.text
            # ... the web's JSON API on c.txt's
            r = client.post(f"/api/records/action/{ids['c.txt']}/review",
                            json={"state": "corrected", "changes": CHANGES},
                            headers={"X-CSRF-Token": token})
            assert r.status_code == 200, r.text
        # ... and the command line on d.txt's
        from typer.testing import CliRunner

        from jumelage.cli import app

        done = CliRunner().invoke(app, [
            "review", "correct", f"action:{ids['d.txt']}", f"start={CHANGES['start']}",
            "themes=" + ",".join(CHANGES["themes"]),
            f"organisations={CHANGES['organisations'][0]}", "--db", atlas_url])
        assert done.exit_code == 0, done.output
        corrected = {name: _fields(atlas, aid) for name, aid in ids.items()}
        assert len({repr(v) for v in corrected.values()}) == 1
        assert corrected["a.txt"]["start"] == "2018-06"
        assert corrected["a.txt"]["organisations"] == ["Office de Tourisme de la Ville"]
        assert len(atlas.organisations()) == 2  # the second door found the first's organisation

        # a re-ingest of changed versions of both documents keeps both corrections as they are
        for name, (home, guest) in DOCS.items():
            state = atlas.save_extraction(*_concert(name, home, guest, "Une ligne de plus.\n"))
            assert state == "updated"
        assert {name: _fields(atlas, aid) for name, aid in ids.items()} == corrected

        # handed back to its sources through either door: what ingest computed, again
        atlas.review("action", ids["a.txt"], "extracted")
        atlas.review("action", ids["c.txt"], "extracted")
        assert CliRunner().invoke(app, ["review", "confirm", f"action:{ids['d.txt']}",
                                        "--db", atlas_url]).exit_code == 0
        atlas.review("action", ids["d.txt"], "extracted")
        with _web(atlas_url) as client:
            token = _login(client)
            r = client.post(f"/review/action/{ids['b.txt']}",
                            data={"csrf": token, "decision": "restore"}, follow_redirects=False)
            assert r.status_code == 303, r.text
        assert {name: _fields(atlas, aid) for name, aid in ids.items()} == extracted


def test_organisations_have_one_find_or_create(atlas_url: str) -> None:
    """The one home of organisation find-or-create: one row per name key, created once."""
    from datetime import datetime, timezone

    with Atlas.open(atlas_url) as atlas:
        def make(session: Any) -> list[int]:
            orgs = Organisations(session.connection(), datetime.now(timezone.utc), "manual")
            return orgs.ids(["Comité des Fêtes", " COMITE DES FETES ", "", "Croix-Rouge"])

        first = atlas.write(make)
        assert len(first) == 2
        assert atlas.write(make) == first  # found again, not made twice
        rows = {o["name"]: o["review_state"] for o in atlas.organisations()}
        assert rows == {"Comité des Fêtes": "manual", "Croix-Rouge": "manual"}


# -- typed-in values: one parser (atlas.fieldtext) behind both doors ------------------------------
TYPED_POPULATIONS = ["12 000", "12\u00a0000", "12\u202f000", "12000"]


def _cli(*args: str) -> Any:
    from typer.testing import CliRunner

    from jumelage.cli import app

    return CliRunner().invoke(app, list(args))


def _correct_both(client: Any, token: str, url: str, kind: str, ids: tuple[int, int],
                  field: str, typed: str) -> tuple[Any, Any]:
    """The same typed correction of `field` through the command line (on `ids[0]`) and the web
    review form (on `ids[1]`): the command's result and the web's response."""
    done = _cli("review", "correct", f"{kind}:{ids[0]}", f"{field}={typed}", "--db", url)
    r = client.post(f"/review/{kind}/{ids[1]}", data={
        "csrf": token, "decision": "correct", field: typed}, follow_redirects=False)
    return done, r


def test_typed_values_give_the_same_record_through_the_cli_and_the_web(atlas_url: str) -> None:
    with Atlas.open(atlas_url) as atlas:
        for name, (home, guest) in DOCS.items():
            atlas.save_extraction(*_concert(name, home, guest))
        accounts.add_user(atlas, "edith", PASSWORD, "editor")
        places = [p["id"] for p in atlas.places(limit=10)["items"]]
        actions = [a["id"] for a in atlas.actions(limit=10)["items"]]
        orgs = "Office de Tourisme; Comité de jumelage, section de Valmont"
        with _web(atlas_url) as client:
            token = _login(client)
            for n, typed in enumerate(TYPED_POPULATIONS):
                pair = (places[2 * n], places[2 * n + 1])
                done, r = _correct_both(client, token, atlas_url, "place", pair, "population",
                                        typed)
                assert done.exit_code == 0 and r.status_code == 303, (typed, done.output, r.text)
                assert [atlas.get("place", p)["population"] for p in pair] == [12000] * 2, typed
            # lists: `;` separates organisations, whose names may hold a comma
            done, r = _correct_both(client, token, atlas_url, "action", (actions[0], actions[1]),
                                    "organisations", orgs)
            assert done.exit_code == 0 and r.status_code == 303, (done.output, r.text)
            for aid in actions[:2]:
                assert [o["name"] for o in atlas.get("action", aid)["organisations"]] == [
                    "Office de Tourisme", "Comité de jumelage, section de Valmont"]
            # « 12.000 » is refused by both, with the same line
            done, r = _correct_both(client, token, atlas_url, "place", (places[0], places[1]),
                                    "population", "12.000")
            assert done.exit_code != 0 and r.status_code == 422
            line = "population: '12.000' is not a whole number"
            assert line in done.output and line.replace("'", "&#39;") in r.text
        assert atlas.get("place", places[0])["population"] == 12000


def test_fieldtext_numbers_and_lists() -> None:
    from jumelage.atlas import fieldtext
    from jumelage.errors import InvalidChange

    ids = {"Kayes": 7, "Padoue": 3}
    parsed = fieldtext.parse({
        "population": "1\u202f234\u202f567", "lat": "45,19", "lon": "-5.72",
        "themes": "culture, youth;health", "actors": "Kayes, 12; Padoue",
        "aliases": "Saint-Aubert, le bourg; St-Aubert",
        "amounts": "12 000 EUR per year; 1 500,50 XOF", "since": ""},
        lambda t: ids.get(t) or (int(t) if t.isdigit() else None))
    assert parsed == {
        "population": 1234567, "lat": 45.19, "lon": -5.72,
        "themes": ["culture", "youth", "health"], "actors": [7, 12, 3],
        "aliases": ["Saint-Aubert, le bourg", "St-Aubert"],
        "amounts": [{"value": 12000.0, "currency": "EUR", "per": "year"},
                    {"value": 1500.5, "currency": "XOF"}], "since": None}
    for bad in ("12.000", "1 2", "12 00", "douze", "12,5"):
        try:
            fieldtext.number("population", bad, int)
        except InvalidChange as exc:
            assert str(exc).startswith("population: ")
        else:
            raise AssertionError(bad)
