"""Review on the web: accounts and roles, sessions, CSRF on every form, sign-in throttling, a
private atlas, corrections and hand-made records through the atlas's review path, uploads, and
API writes with a session or a token."""
from __future__ import annotations

import re
from typing import Any

import pytest
from typer.testing import CliRunner
from web_atlas import (  # noqa: F401
    PASSWORD, atlas_copy, built_atlas, client, csrf_of, login,
)

from jumelage.atlas import Atlas, accounts
from jumelage.cli import app as cli_app


def test_anonymous_writes_are_refused(client: Any) -> None:
    ids = client.atlas_info
    r = client.post(f"/api/records/action/{ids['action']}/review", json={"state": "confirmed"})
    assert r.status_code == 401
    assert client.post("/api/records/partnership", json={"data": {}}).status_code == 401
    form = client.post(f"/review/action/{ids['action']}", data={"decision": "confirm"},
                       follow_redirects=False)
    assert form.status_code == 401
    assert client.post("/upload", files={"files": ("a.txt", b"x")}).status_code == 401
    assert client.get("/review", follow_redirects=False).status_code == 303  # to sign in


def test_a_viewer_may_not_write(client: Any) -> None:
    token = login(client, "victor")
    r = client.post(f"/api/records/action/{client.atlas_info['action']}/review",
                    json={"state": "confirmed"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 403
    assert client.get("/review").status_code == 403


def test_forms_without_their_csrf_token_are_refused(client: Any) -> None:
    login(client, "edith")
    rid = client.atlas_info["action"]
    r = client.post(f"/review/action/{rid}", data={"decision": "confirm"})
    assert r.status_code == 403 and "CSRF" in r.text
    r = client.post(f"/review/action/{rid}", data={"decision": "confirm", "csrf": "forged"})
    assert r.status_code == 403
    api = client.post(f"/api/records/action/{rid}/review", json={"state": "confirmed"})
    assert api.status_code == 403  # a session write through the API needs X-CSRF-Token
    # even the sign-in form needs it
    other = client.__class__(client.app)
    r = other.post("/login", data={"name": "edith", "password": PASSWORD})
    assert r.status_code == 403


def test_sign_in_failures_are_throttled(client: Any) -> None:
    token = csrf_of(client)
    for _ in range(5):
        r = client.post("/login", data={"name": "edith", "password": "wrong", "csrf": token})
        assert r.status_code == 401 and "incorrect" in r.text
    r = client.post("/login", data={"name": "edith", "password": PASSWORD, "csrf": token})
    assert r.status_code == 429 and "Retry-After" in r.headers


def test_sign_in_redirects_only_within_the_site(client: Any) -> None:
    token = csrf_of(client)
    r = client.post("/login", data={"name": "edith", "password": PASSWORD, "csrf": token,
                                    "next": "//evil.example/"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_an_editor_confirms_corrects_and_rejects(client: Any) -> None:
    token = login(client, "edith")
    with Atlas.open(client.atlas_info["url"]) as atlas:
        troyes = atlas.find_place("Troyes")
        ship = atlas.partnerships()["items"][0]
        action = atlas.actions()["items"][0]
    page = client.get(f"/review/place/{troyes['id']}").text
    assert 'name="csrf"' in page
    r = client.post(f"/review/place/{troyes['id']}", data={
        "csrf": token, "decision": "correct", "name": "Troyes", "country": "FR",
        "lat": str(troyes["lat"]), "lon": str(troyes["lon"]),
        "population": "61000", "note": "recensement 2021"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/places/{troyes['id']}"
    data = client.get(f"/api/places/{troyes['id']}").json()["place"]
    assert data["population"] == 61000 and data["review_state"] == "corrected"
    assert client.post(f"/review/partnership/{ship['id']}",
                       data={"csrf": token, "decision": "confirm"}).status_code == 200
    assert client.get(f"/api/partnerships/{ship['id']}").json()["review_state"] == "confirmed"
    client.post(f"/review/action/{action['id']}", data={"csrf": token, "decision": "reject",
                                                        "note": "doublon"})
    assert client.get(f"/api/records/action/{action['id']}").json()["record"][
        "review_state"] == "rejected"
    bad = client.post(f"/review/place/{troyes['id']}", data={
        "csrf": token, "decision": "correct", "lat": "north"})
    assert bad.status_code == 422 and "not a number" in bad.text


def test_an_editor_adds_records_by_hand(client: Any) -> None:
    token = login(client, "edith")
    r = client.post("/add/partnership", data={"csrf": token, "places": "Cholet; Kayes",
                                              "kind": "cooperation", "since": "2024",
                                              "status": "active"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    ship = client.get(r.headers["location"].replace("/partnerships/", "/api/partnerships/")).json()
    assert {p["name"] for p in ship["places"]} == {"Cholet", "Kayes"}
    assert ship["review_state"] == "manual" and ship["kind"] == "cooperation"
    r = client.post("/add/action", data={"csrf": token, "actors": "Cholet", "partners": "Kayes",
                                         "start": "2024-03", "status": "planned",
                                         "themes": ["education", "youth"], "themes_sent": "1",
                                         "organisations": "Lycée Renaudeau"},
                    follow_redirects=False)
    assert r.status_code == 303
    rec = client.get("/api/" + r.headers["location"].lstrip("/")).json()["record"]
    assert rec["themes"] == ["education", "youth"] and rec["organisations"][0]["name"] == \
        "Lycée Renaudeau"
    bad = client.post("/add/initiative", data={"csrf": token, "place": "Nulle-Part-sur-Mer"})
    assert bad.status_code == 422 and "Nulle-Part-sur-Mer" in bad.text


def test_uploads_are_limited_and_reported_per_file(client: Any) -> None:
    token = login(client, "edith")
    client.app.state.settings.upload_max_bytes = 2000
    text = ("Le jumelage entre Cholet et Hamelin fête ses 51 ans en 2025 avec un concert "
            "des deux orchestres municipaux.\n").encode()
    r = client.post("/upload", data={"csrf": token}, files=[
        ("files", ("cholet-2025.txt", text, "text/plain")),
        ("files", ("virus.exe", b"MZ....", "application/octet-stream")),
        ("files", ("big.txt", b"x" * 5000, "text/plain")),
        ("files", ("../../etc/evil.txt", b"\x00\x01\x02binary", "text/plain")),
    ])
    assert r.status_code == 200
    rows = {name: state for state, name in
            re.findall(r'<tr class="upload-(\w+)"><td>([^<]+)</td>', r.text)}
    assert rows == {"cholet-2025.txt": "new", "virus.exe": "refused", "big.txt": "refused",
                    "evil.txt": "failed"}
    with Atlas.open(client.atlas_info["url"]) as atlas:
        assert any(s["name"] == "cholet-2025.txt" for s in list(atlas.every("sources")))
    assert client.post("/upload", files=[("files", ("a.txt", text, "text/plain"))],
                       data={}).status_code == 403  # no CSRF


def test_an_upload_whose_text_is_too_long_is_refused_once_read(client: Any) -> None:
    """A small file can hold a long text (a compressed PDF, a DOCX): the web's own text limit,
    far below `jumelage ingest`'s, keeps one upload from holding a server thread for minutes."""
    token = login(client, "edith")
    client.app.state.settings.upload_max_text_mb = 0.001      # 1,048 characters
    long_text = ("Le comité de jumelage de Cholet prépare la visite des amis de Hamelin. " * 30).encode()
    r = client.post("/upload", data={"csrf": token}, files=[
        ("files", ("long-story.txt", long_text, "text/plain"))])
    assert r.status_code == 200
    rows = dict((name, state) for state, name in
                re.findall(r'<tr class="upload-(\w+)"><td>([^<]+)</td>', r.text))
    assert rows == {"long-story.txt": "failed"}
    assert "text too long" in r.text and "--max-text-size" not in r.text
    with Atlas.open(client.atlas_info["url"]) as atlas:
        assert not any(s["name"] == "long-story.txt" for s in list(atlas.every("sources")))


def test_api_writes_with_a_token_or_a_session(client: Any) -> None:
    with Atlas.open(client.atlas_info["url"]) as atlas:
        token = accounts.new_token(atlas, "edith")
        viewer_token = accounts.new_token(atlas, "victor")
        # an action the new start fits (a period may not end before it starts)
        action = next(a for a in atlas.actions()["items"] if not a["end"] or a["end"] >= "2019-05")
    auth = {"Authorization": f"Bearer {token}"}
    r = client.post(f"/api/records/action/{action['id']}/review", headers=auth,
                    json={"state": "corrected", "changes": {"start": "2019-05"},
                          "note": "date vérifiée"})
    assert r.status_code == 200 and r.json()["start"] == "2019-05", r.text
    bad = client.post(f"/api/records/action/{action['id']}/review", headers=auth,
                      json={"state": "corrected", "changes": {"start": "mai"}})
    assert bad.status_code == 422
    assert client.post("/api/records/action/999999/review", headers=auth,
                       json={"state": "confirmed"}).status_code == 404
    made = client.post("/api/records/initiative", headers=auth,
                       json={"data": {"context": "war", "themes": ["humanitarian"]}})
    assert made.status_code == 201 and made.json()["record"]["review_state"] == "manual"
    assert client.post("/api/records/initiative", json={"data": {}},
                       headers={"Authorization": f"Bearer {viewer_token}"}).status_code == 403
    assert client.post("/api/records/initiative", json={"data": {}},
                       headers={"Authorization": "Bearer nonsense"}).status_code == 401
    csrf = login(client, "edith")
    r = client.post(f"/api/records/action/{action['id']}/review", json={"state": "confirmed"},
                    headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and r.json()["review_state"] == "confirmed"


def test_a_private_atlas_is_only_for_accounts(client: Any) -> None:
    client.app.state.settings.private = True
    assert client.get("/api/places").status_code == 401
    r = client.get("/places", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert client.get("/login").status_code == 200
    login(client, "victor")
    assert client.get("/api/places").status_code == 200


def test_sign_out(client: Any) -> None:
    token = login(client, "edith")
    assert "edith" in client.get("/").text
    r = client.post("/logout", data={"csrf": token}, follow_redirects=False)
    assert r.status_code == 303
    assert "edith" not in client.get("/").text


def test_user_add_from_the_command_line(atlas_copy: dict[str, Any]) -> None:
    runner = CliRunner()
    r = runner.invoke(cli_app, ["user", "add", "marie", "--role", "editor", "--password-stdin",
                                "--db", atlas_copy["url"]], input="un mot de passe long\n")
    assert r.exit_code == 0, r.output
    assert "Created account marie (editor)" in r.output
    again = runner.invoke(cli_app, ["user", "add", "marie", "--password-stdin", "--db",
                                    atlas_copy["url"]], input="un mot de passe long\n")
    assert again.exit_code == 1 and "already exists" in again.output
    short = runner.invoke(cli_app, ["user", "add", "paul", "--password-stdin", "--db",
                                    atlas_copy["url"]], input="court\n")
    assert short.exit_code == 1 and "at least 8" in short.output
    role = runner.invoke(cli_app, ["user", "add", "paul", "--role", "boss", "--password-stdin",
                                   "--db", atlas_copy["url"]], input="un mot de passe long\n")
    assert role.exit_code == 2
    listed = runner.invoke(cli_app, ["user", "list", "--db", atlas_copy["url"]])
    assert re.search(r"marie\s+editor", listed.output)
    with Atlas.open(atlas_copy["url"]) as atlas:
        assert accounts.authenticate(atlas, "marie", "un mot de passe long")["role"] == "editor"
        assert accounts.authenticate(atlas, "marie", "wrong") is None
        stored = atlas.read(lambda s: s.scalar(
            __import__("sqlalchemy").text("SELECT password_hash FROM users WHERE name='marie'")))
    assert stored.startswith("$argon2id$")


def test_serve_is_a_command() -> None:
    r = CliRunner().invoke(cli_app, ["serve", "--help"])
    assert r.exit_code == 0 and "--port" in r.output and "--host" in r.output


def test_the_api_refuses_impossible_records_with_one_line_naming_the_field(client: Any) -> None:
    with Atlas.open(client.atlas_info["url"]) as atlas:
        token = accounts.new_token(atlas, "edith")
        niort = atlas.find_place("Niort")["id"]
        other = client.atlas_info["place"]
        action = atlas.actions()["items"][0]
        before = atlas.get("action", action["id"])
        count = len(list(atlas.every("actions")))
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    url = f"/api/records/action/{action['id']}/review"

    def refused(r: Any, field: str) -> None:
        assert r.status_code == 422, r.text
        message = r.json()["error"]["message"]
        assert f"action {field}:" in message and "\n" not in message, message
        assert "psycopg" not in message.lower() and "sqlite" not in message.lower()

    refused(client.post(url, headers=auth, json={"state": "corrected",
                                                 "changes": {"start": "1990", "end": "1980"}}),
            "end")
    refused(client.post(url, headers=auth, json={"state": "corrected",
                                                 "changes": {"themes": ["nope"]}}), "themes")
    refused(client.post("/api/records/action", headers=auth, json={"data": {}}), "actors")
    refused(client.post("/api/records/action", headers=auth,
                        json={"data": {"actors": [niort], "partners": [niort]}}), "partners")
    for amount, problem in (('{"value": -10, "currency": "EUR"}', "negative"),
                            ('{"value": 1e400, "currency": "EUR"}', "finite"),
                            ('{"value": 10, "currency": "XYZ"}', "ISO 4217")):
        body = ('{"data": {"actors": [%d], "partners": [%d], "amounts": [%s]}}'
                % (niort, other, amount))
        r = client.post("/api/records/action", headers=auth, content=body)
        refused(r, "amounts")
        assert problem in r.json()["error"]["message"]
    with Atlas.open(client.atlas_info["url"]) as atlas:
        assert atlas.get("action", action["id"]) == before
        assert len(list(atlas.every("actions"))) == count
    ok = client.post("/api/records/action", headers=auth, json={"data": {
        "actors": [niort], "partners": [other], "amounts": [{"value": 10, "currency": "XOF"}]}})
    assert ok.status_code == 201, ok.text


def test_the_command_line_refuses_the_same_records(atlas_copy: dict[str, Any]) -> None:
    runner = CliRunner()
    db = ("--db", atlas_copy["url"])
    with Atlas.open(atlas_copy["url"]) as atlas:
        action = atlas.actions()["items"][0]["id"]
    for args, field in (
            (["review", "correct", f"action:{action}", "themes=nope"], "themes"),
            (["review", "correct", f"action:{action}", "amounts=-5 EUR"], "amounts"),
            (["review", "correct", f"action:{action}", "amounts=5 XYZ"], "amounts"),
            (["add", "action", "--actor", "Niort", "--partner", "Niort"], "partners")):
        result = runner.invoke(cli_app, [*args, *db])
        assert result.exit_code == 1, result.output
        assert f"action {field}:" in result.output and "Traceback" not in result.output
    lonely = runner.invoke(cli_app, ["add", "action", "--partner", "Niort", *db])
    assert lonely.exit_code != 0 and "--actor" in lonely.output


def test_web_refusals_are_in_the_page_language(client: Any) -> None:
    login(client, "edith")
    rid = client.atlas_info["action"]
    r = client.post(f"/review/action/{rid}", data={"decision": "confirm"})
    assert r.status_code == 403 and "Jeton CSRF absent ou incorrect" in r.text
    assert "missing or wrong" not in r.text
    token = csrf_of(client)
    client.app.state.settings.upload_max_bytes = 2000
    r = client.post("/upload", data={"csrf": token}, files=[
        ("files", ("virus.exe", b"MZ....", "application/octet-stream")),
        ("files", ("big.txt", b"x" * 5000, "text/plain")),
        ("files", ("vide.txt", b"", "text/plain"))])
    assert "type de fichier non accepté" in r.text and "plus de 1 ko" in r.text
    assert "fichier vide" in r.text and "not accepted" not in r.text
    other = client.__class__(client.app)
    token = csrf_of(other)
    for _ in range(5):
        other.post("/login", data={"name": "victor", "password": "wrong", "csrf": token})
    r = other.post("/login", data={"name": "victor", "password": PASSWORD, "csrf": token})
    assert r.status_code == 429 and "Trop de connexions échouées" in r.text
