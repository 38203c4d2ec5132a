"""The possible-partners page and its twin, over the matcher (`jumelage.match.propose`); skipped,
loudly, in a jumelage without the matcher (the routes are then not mounted at all)."""
from __future__ import annotations

from typing import Any

import pytest
from web_atlas import EVIL, atlas_copy, built_atlas, client  # noqa: F401

from jumelage.web.pages import partners


def test_without_the_matcher_the_routes_are_absent(client: Any) -> None:
    if partners.available():
        pytest.skip("the matcher is installed")
    assert client.get("/api/places/1/partners").status_code == 404
    assert "possible-partners" not in client.get("/places/1").text


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
    data = client.get("/api/match/Troyes?top=3&population=1000:&kind=twinning").json()
    assert data["place"]["name"] == "Troyes" and len(data["proposals"]) <= 3
    assert data["filters"]["population"] == [1000, None] and data["filters"]["kind"] == "twinning"
    assert client.get("/api/match/Nulle-Part-Sur-Mer").status_code == 404
    assert client.get("/api/match/Troyes?population=beaucoup").status_code == 422
    assert client.get("/api/match/Troyes?theme=pas_un_theme").status_code == 422
