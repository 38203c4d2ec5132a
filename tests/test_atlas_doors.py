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
