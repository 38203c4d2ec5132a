"""The possible-partners page and its twin, over the matcher (`jumelage.match.propose`); skipped,
loudly, in a jumelage without the matcher (the routes are then not mounted at all)."""
from __future__ import annotations

from typing import Any

import pytest
from web_atlas import EVIL, atlas_copy, built_atlas, client  # noqa: F401

from jumelage.web.pages import partners


def test_without_the_matcher_the_routes_are_absent(atlas_copy: dict[str, Any],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A jumelage without the matcher (`available()` False) mounts no partner route and shows
    no possible-partners section."""
    from fastapi.testclient import TestClient

    from jumelage.web import Settings, create_app

    monkeypatch.setattr(partners, "available", lambda: False)
    app = create_app(atlas_copy["url"], Settings(secret_key="test-secret"))
    with TestClient(app, raise_server_exceptions=False) as bare:
        assert bare.get("/api/places/1/partners").status_code == 404
        assert bare.get("/api/match/Troyes").status_code == 404
        assert "possible-partners" not in bare.get("/places/1").text


def test_a_partner_added_while_the_server_runs_is_never_proposed(
        client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The web keeps its matcher between requests; a partnership added meanwhile (another
    process, the review page) is excluded at once, and the matcher is rebuilt in the background
    once the atlas version is checked again."""
    from jumelage.atlas import Atlas
    from jumelage.web import matching

    troyes = client.get("/api/places?q=troyes").json()["items"][0]
    before = client.get(f"/api/places/{troyes['id']}/partners?top=5").json()["proposals"]
    first = before[0]["place"]
    with Atlas.open(client.atlas_info["url"], create=False) as other:
        other.add_manual("partnership", {"places": [troyes["id"], first["id"]],
                                         "kind": "twinning", "since": "2026"})
    after = client.get(f"/api/places/{troyes['id']}/partners?top=5").json()["proposals"]
    assert first["id"] not in [p["place"]["id"] for p in after]
    assert [p["rank"] for p in after] == list(range(1, len(after) + 1))
    assert len(before) == len(after) == 5           # the place left is taken by the next one
    kept = matching._KEPT[client.app.state.atlas]
    old = kept.matcher
    monkeypatch.setattr(matching, "RECHECK_S", 0.0)
    client.get(f"/api/places/{troyes['id']}/partners?top=5")
    matching.wait_for_rebuild(client.app.state.atlas, timeout=120)
    assert kept.matcher is not old and kept.building is None
    again = client.get(f"/api/places/{troyes['id']}/partners?top=5").json()["proposals"]
    assert first["id"] not in [p["place"]["id"] for p in again]


def test_possible_partners_with_reasons(client: Any) -> None:
    if not partners.available():
        pytest.skip("!!! possible-partners tests SKIPPED: this jumelage has no matcher "
                    "(jumelage.match.propose) !!!")
    troyes = client.get("/api/places?q=troyes").json()["items"][0]
    data = client.get(f"/api/places/{troyes['id']}/partners?top=5").json()
    assert data["place"]["name"] == "Troyes" and len(data["proposals"]) <= 5
    page = client.get(f"/places/{troyes['id']}/partners")
    assert page.status_code == 200 and "Partenaires possibles" in page.text
    for p in data["proposals"]:
        assert p["place"]["name"] in page.text.replace("&#39;", "'")
        assert p["reasons"]
    assert EVIL not in page.text
    assert f"/places/{troyes['id']}/partners" in client.get(f"/places/{troyes['id']}").text
    assert client.get("/api/places/999999/partners").status_code == 404


def test_match_api_by_name_with_every_filter(client: Any) -> None:
    if not partners.available():
        pytest.skip("!!! possible-partners tests SKIPPED: this jumelage has no matcher "
                    "(jumelage.match.propose) !!!")
    data = client.get("/api/match/Troyes?top=3&population=1000:&partnership=twinning").json()
    assert data["place"]["name"] == "Troyes" and len(data["proposals"]) <= 3
    assert data["filters"]["population"] == [1000, None]
    assert data["filters"]["partnership"] == ["twinning"]
    assert client.get("/api/match/Troyes?kind=region").status_code == 200
    refused = client.get("/api/match/Troyes?kind=banana")      # a BadFilter: the request's fault
    assert refused.status_code == 422 and "kind" in refused.text
    assert client.get("/api/match/Nulle-Part-Sur-Mer").status_code == 404
    assert client.get("/api/match/Troyes?population=beaucoup").status_code == 422
    assert client.get("/api/match/Troyes?theme=pas_un_theme").status_code == 422


def test_match_api_refuses_what_the_command_line_refuses(client: Any) -> None:
    """`kind` is a place kind only (a partnership kind goes in `partnership`), and a repeated
    query parameter is refused, not silently reduced to one of its values."""
    if not partners.available():
        pytest.skip("!!! possible-partners tests SKIPPED: this jumelage has no matcher !!!")
    assert client.get("/api/match/Troyes?kind=cooperation").status_code == 422
    assert client.get("/api/match/Troyes?partnership=cooperation").status_code in (200, 422)
    twice = client.get("/api/match/Troyes?top=2&top=3")
    assert twice.status_code == 422 and "top: given more than once" in twice.text
    assert client.get("/api/places?q=a&q=b").status_code == 422
    page = client.get("/places/1/partners")
    assert all(f'value="{th}"' in page.text for th in ("health", "water_sanitation", "research"))


def test_a_forms_blank_fields_are_no_filter(tmp_path) -> None:
    """An HTML form sends every field; one left blank means « any », on every page and API."""
    from fastapi.testclient import TestClient

    from jumelage.atlas import Atlas
    from jumelage.web.app import create_app

    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    with Atlas.open(url) as atlas:
        a = atlas.add_manual("place", {"name": "Voiron", "country": "FR", "lat": 45.36,
                                       "lon": 5.59, "population": 20000})
        b = atlas.add_manual("place", {"name": "Herford", "country": "DE", "lat": 52.1,
                                       "lon": 8.67, "population": 66000})
        atlas.add_manual("partnership", {"places": [a, b], "kind": "twinning"})
    with TestClient(create_app(url)) as client:
        for path in (f"/places/{a}/partners?country=&theme=", f"/api/places/{a}/partners?country=",
                     "/places?q=voi&country=", "/search?q=voiron&theme=",
                     "/partnerships?kind=&country=", f"/api/match/{a}?country=&theme=&kind="):
            assert client.get(path).status_code == 200, path
        assert client.get("/places?country=XX1").status_code == 422     # a value is still checked
