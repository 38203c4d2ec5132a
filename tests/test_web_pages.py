"""The web atlas's pages and their JSON twins over the samples: what the JSON says, the page shows;
errors have the right status and no traceback; French by default, English on request; every text
from documents and people is escaped on every page."""
from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from web_atlas import EVIL, EVIL_ORG, EVIL_PLACE, atlas_copy, built_atlas, client  # noqa: F401

from jumelage.atlas import Atlas


def _ids(client: Any) -> dict[str, int]:
    info = client.atlas_info
    with Atlas.open(info["url"]) as atlas:
        niort = atlas.find_place("Niort")
        ship = atlas.partnerships()["items"][0]
        action = atlas.actions()["items"][0]
        source = list(atlas.every("sources"))[0]
    return {"niort": niort["id"], "ship": ship["id"], "action": action["id"],
            "source": source["id"], **{k: info[k] for k in ("place", "partnership", "initiative")}}


def test_home_page_and_its_twin_show_the_same_counts(client: Any) -> None:
    data = client.get("/api/home").json()
    assert data["summary"]["places"] >= 17 and len(data["latest_sources"]) >= 7
    page = client.get("/")
    assert page.status_code == 200 and 'id="atlas-map"' in page.text
    assert f"<strong>{data['summary']['places']}</strong>" in page.text
    assert data["latest_sources"][0]["name"] in page.text or \
        (data["latest_sources"][0]["title"] or "") in page.text
    geo = client.get("/api/map").json()
    places = [f for f in geo["features"] if f["properties"]["record"] == "place"]
    assert len(places) == sum(1 for p in client.get("/api/places?limit=500").json()["items"]
                              if p["lat"] is not None)


def test_place_page_shows_partners_timeline_and_evidence(client: Any) -> None:
    troyes = client.get("/api/places?q=troyes").json()["items"][0]
    data = client.get(f"/api/places/{troyes['id']}").json()
    tver = data["partners"][0]
    assert tver["place"]["name"] == "Tver" and tver["status"] == "suspended"
    assert [h["status"] for h in tver["history"]] == ["active", "suspended"]
    page = client.get(f"/places/{troyes['id']}").text
    assert "Tver" in page and "suspendu" in page and "Actions, année par année" in page
    quote = data["timeline"][0]
    assert f"/records/action/{quote['id']}" in page
    first = data["sources"][0]["evidence"][0]
    assert f"/sources/{first['source_id']}#ev-" in page


def test_show_json_and_the_place_twin_are_the_same_page(client: Any) -> None:
    """`jumelage show --json` and `GET /api/places/{id}` give one shape, `Atlas.place_page`:
    the same keys and values, each record with its `kind:id` ref, each action and initiative
    with its evidence spans."""
    from typer.testing import CliRunner

    from jumelage.cli import app

    for name in ("Troyes", "Quimper"):
        found = client.get(f"/api/places?q={name.lower()}").json()["items"][0]
        web = client.get(f"/api/places/{found['id']}").json()
        done = CliRunner().invoke(app, ["show", name, "--json", "--db", client.atlas_info["url"]])
        assert done.exit_code == 0, done.output
        assert json.loads(done.stdout) == web, name
        assert web["place"]["ref"] == f"place:{found['id']}"
        assert all(p["ref"] == f"partnership:{p['partnership_id']}" for p in web["partners"])
        records = [("action", a) for a in web["timeline"]] + [
            ("initiative", i) for i in web["initiatives"]]
        assert records and all(r["ref"] == f"{k}:{r['id']}" for k, r in records)
        spans = {(ev["record"], ev["record_id"]) for src in web["sources"]
                 for ev in src["evidence"]}
        for kind, r in records:
            assert [(e["record"], e["record_id"]) for e in r["evidence"]] == (
                [(kind, r["id"])] * len(r["evidence"]))
            assert bool(r["evidence"]) == ((kind, r["id"]) in spans)
            assert all(e["source"] and e["quote"] for e in r["evidence"])
        assert {"themes", "partners_did", "timeline_next"} <= set(web)


def test_what_partners_did_groups_their_initiatives_by_context(client: Any) -> None:
    quimper = client.get("/api/places?q=quimper").json()["items"][0]
    data = client.get(f"/api/places/{quimper['id']}").json()
    contexts = {g["context"] for g in data["partners_did"]}
    assert "covid-19" in contexts
    assert "covid-19" in client.get(f"/places/{quimper['id']}").text


def test_partnership_page_and_twin(client: Any) -> None:
    ids = _ids(client)
    data = client.get(f"/api/partnerships/{ids['ship']}").json()
    assert len(data["places"]) == 2 and "history" in data and "dormant" in data
    page = client.get(f"/partnerships/{ids['ship']}").text
    assert data["places"][0]["name"] in page and data["places"][1]["name"] in page
    listed = client.get("/api/partnerships?status=suspended").json()["items"]
    assert listed and all(s["status"] == "suspended" for s in listed)


def test_lists_are_paginated_with_next_links_that_cover_everything(client: Any) -> None:
    seen, url = [], "/api/places?limit=4"
    while url:
        body = client.get(url).json()
        seen += [p["id"] for p in body["items"]]
        url = body["next"]
    everything = [p["id"] for p in client.get("/api/places?limit=500").json()["items"]]
    assert seen == everything and len(seen) > 8
    assert client.get("/places?limit=4").text.count('rel="next"') == 1
    actions = client.get("/api/actions?theme=education&limit=2").json()
    assert all("education" in a["themes"] for a in actions["items"])
    assert client.get("/api/initiatives?context=covid-19").json()["items"]


def test_source_page_highlights_every_span_and_links_to_its_record(client: Any) -> None:
    ids = _ids(client)
    data = client.get(f"/api/sources/{ids['source']}").json()
    page = client.get(f"/sources/{ids['source']}").text
    for ev in data["evidence"]:
        assert f'id="ev-{ev["id"]}"' in page
    assert re.search(r'<a class="ev ev-(action|place|partnership)" href="/(records|places|partnerships)/', page)


def test_record_page_links_back_to_the_exact_span(client: Any) -> None:
    ids = _ids(client)
    rec = client.get(f"/api/records/action/{ids['action']}").json()["record"]
    page = client.get(f"/records/action/{ids['action']}").text
    for ev in rec["evidence"]:
        assert f"/sources/{ev['source_id']}#ev-{ev['id']}" in page


def test_search_is_accent_and_case_insensitive_with_facets(client: Any) -> None:
    plain = client.get("/api/search?q=ecole").json()
    accented = client.get("/api/search?q=%C3%89coles").json()
    assert plain["total"] > 0 and {h["id"] for h in plain["items"]} == {
        h["id"] for h in accented["items"]}
    assert plain["facets"]["record"]
    page = client.get("/search?q=ecole").text
    assert "résultat" in page and plain["items"][0]["label"].split(":")[0] in page
    assert client.get("/api/search?q=ecole&record=source").json()["items"][0]["record"] == "source"


def test_practices_filter_by_theme_and_context(client: Any) -> None:
    data = client.get("/api/practices?context=covid-19").json()
    assert data["items"] and all(i["context"] == "covid-19" for i in data["items"])
    assert "covid-19" in data["facets"]["context"]
    assert client.get("/practices?theme=health").status_code == 200


def test_charts_are_inline_svg_from_the_counts(client: Any) -> None:
    data = client.get("/api/charts").json()
    assert data["actions_by_year_theme"] and data["partners_by_country"]
    page = client.get("/charts").text
    assert page.count("<svg") >= 2 and "<rect" in page and "<script" not in page.split("<main>")[1]


def test_exports(client: Any) -> None:
    assert client.get("/api/export.json").json()["format"] == "jumelage-atlas"
    geo = client.get("/api/export.geojson").json()
    assert geo["type"] == "FeatureCollection"
    zipped = client.get("/api/export.csv")
    assert zipped.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(zipped.content)).namelist()
    assert any(n.endswith("places.csv") for n in names)


def test_offline_assets_and_docs(client: Any) -> None:
    assert "L.Map" in client.get("/assets/leaflet/leaflet.js").text or \
        client.get("/assets/leaflet/leaflet.js").status_code == 200
    assert client.get("/assets/markercluster/leaflet.markercluster.js").status_code == 200
    world = json.loads(client.get("/assets/world.geojson").content)
    assert len(world["features"]) > 200
    docs = client.get("/api/docs").text
    assert "/api/openapi.json" in docs and "cdn" not in docs.lower()
    assert not re.search(r'(src|href)="https?://', docs)
    for path in ("/", "/places/1"):
        assert not re.search(r'(src|href)="https?://', client.get(path).text)
    schema = client.get("/api/openapi.json").json()
    for route in ("/api/places", "/api/places/{place_id}", "/api/partnerships", "/api/actions",
                  "/api/initiatives", "/api/sources/{source_id}", "/api/search",
                  "/api/export.json", "/api/export.csv", "/api/export.geojson"):
        assert route in schema["paths"], route


def test_errors_have_their_status_and_no_traceback(client: Any) -> None:
    assert client.get("/api/places/999999").status_code == 404
    assert client.get("/api/places/999999").json()["error"]["message"] == "no place with id 999999"
    page = client.get("/places/999999")
    assert page.status_code == 404 and "Page introuvable" in page.text
    assert client.get("/api/places?after=garbage").status_code == 422
    assert client.get("/api/places/0").status_code == 422
    assert client.get("/api/places/99999999999").status_code == 422
    assert client.get("/api/records/action/999999").status_code == 404
    assert client.get("/nowhere").status_code == 404


def test_a_database_that_stops_answering_gives_503(client: Any) -> None:
    atlas = client.app.state.atlas
    atlas.engine.dispose()
    Path(client.atlas_info["url"].removeprefix("sqlite:///")).write_bytes(b"not a database" * 100)
    for suffix in ("-wal", "-shm"):
        Path(client.atlas_info["url"].removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    r = client.get("/api/places")
    assert r.status_code == 503 and "cannot read atlas" in r.json()["error"]["message"]
    page = client.get("/places")
    assert page.status_code == 503 and "Traceback" not in page.text


def test_an_unexpected_error_is_a_plain_500(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(client.app.state.atlas, "summary", boom)
    for path in ("/", "/api/home"):
        r = client.get(path)
        assert r.status_code == 500 and "secret internals" not in r.text
        assert "Traceback" not in r.text


def test_french_by_default_english_on_request_and_remembered(client: Any) -> None:
    assert "Partenariats" in client.get("/").text
    english = client.get("/?lang=en")
    assert "Partnerships" in english.text and english.cookies.get("lang") == "en"
    assert "Partnerships" in client.get("/places").text  # the cookie keeps it
    assert "Partenariats" in client.get("/places?lang=fr").text


PAGES = ["/", "/places", "/places/{place}", "/partnerships", "/partnerships/{partnership}",
         "/records/action/{action}", "/records/action/{hostile_action}", "/records/initiative/{initiative}", "/sources",
         "/sources/{hostile_source}", "/practices", "/practices?context=covid-19",
         "/search?q=rencontre", "/search?q=ville", "/charts", "/places/{niort}"]


def test_hostile_text_is_shown_escaped_on_every_page(client: Any) -> None:
    ids = _ids(client)
    with Atlas.open(client.atlas_info["url"]) as atlas:
        ids["hostile_action"] = client.atlas_info["action"]
        ids["hostile_source"] = next(s["id"] for s in atlas.every("sources") if s["name"] == "hostile.txt")
    seen_escaped = 0
    for path in PAGES:
        page = client.get(path.format(**ids))
        assert page.status_code == 200, path
        assert EVIL not in page.text and "<img src=x" not in page.text, path
        seen_escaped += "&lt;script&gt;" in page.text
    assert seen_escaped >= 6
    place = client.get(f"/places/{ids['place']}").text
    assert "Ville&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in place
    hostile = client.atlas_info["action"]
    action = client.get(f"/records/action/{hostile}").text
    assert "&lt;img src=x onerror=alert(1)&gt;" in action
    # the JSON twin carries the text as it is, as JSON
    assert client.get(f"/api/places/{ids['place']}").json()["place"]["name"] == EVIL_PLACE
    orgs = client.get(f"/api/records/action/{hostile}").json()["record"]["organisations"]
    assert [o["name"] for o in orgs] == [EVIL_ORG]


def test_pages_send_a_content_security_policy(client: Any) -> None:
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"].split("script-src")[1] \
        .split(";")[0]
    assert headers["x-content-type-options"] == "nosniff"


def test_sources_are_paginated_and_filtered(client: Any) -> None:
    seen, url, pages = [], "/api/sources?limit=3", 0
    while url:
        body = client.get(url).json()
        assert len(body["items"]) <= 3
        seen += [s["id"] for s in body["items"]]
        url, pages = body["next"], pages + 1
    everything = client.get("/api/sources?limit=500").json()
    assert everything["next"] is None and seen == [s["id"] for s in everything["items"]]
    assert pages > 2 and len(set(seen)) == len(seen)
    assert client.get("/api/sources").json()["items"][0]["evidence_count"] >= 0
    hostile = client.get("/api/sources?q=HOSTILE").json()["items"]
    assert [s["name"] for s in hostile] == ["hostile.txt"]
    page = client.get("/sources?limit=3")
    assert page.status_code == 200 and page.text.count('rel="next"') == 1
    assert 'name="q"' in page.text
    assert client.get("/api/sources?limit=501").status_code == 422
    params = {p["name"] for p in client.get("/api/openapi.json").json()["paths"]["/api/sources"]
              ["get"]["parameters"]}
    assert {"q", "after", "limit"} <= params


@pytest.mark.parametrize("listing", ["places", "partnerships", "actions", "initiatives",
                                     "sources"])
def test_crafted_cursors_are_a_422_on_every_list(client: Any, listing: str) -> None:
    import base64

    def crafted(*key: Any) -> str:
        return base64.urlsafe_b64encode(json.dumps([listing, *key]).encode()).decode()

    for key in (["Z", 1180591620717411303424], ["Z", -(2 ** 64)], [["Z"], 1], [2 ** 70],
                ["Z", None]):
        r = client.get(f"/api/{listing}", params={"after": crafted(*key)})
        assert r.status_code == 422, (key, r.text)
        assert r.json()["error"]["message"].startswith("after:")
    page = {"actions": "/api/actions", "initiatives": "/practices"}.get(listing, f"/{listing}")
    assert client.get(page, params={"after": crafted("Z", 2 ** 80)}).status_code == 422
    r = client.get("/api/search", params={"q": "jumelage", "after": crafted("Z", 2 ** 80)})
    assert r.status_code == 422


def test_error_pages_and_context_chips_speak_the_page_language(client: Any) -> None:
    page = client.get("/places/999999")
    assert "Aucune fiche ville n’a l’identifiant 999999" in page.text
    assert "no place with id" not in page.text
    english = client.get("/places/999999?lang=en")
    assert "No place has the id 999999" in english.text
    client.cookies.clear()
    nowhere = client.get("/nowhere")
    assert "Cette page n’existe pas." in nowhere.text and "Not Found" not in nowhere.text
    assert client.get("/api/places/999999").json()["error"]["message"] == \
        "no place with id 999999"  # the API keeps its one English line
    practices = client.get("/practices").text
    assert "covid-19 (" in practices
    chips = client.get("/practices?context=war")
    assert chips.status_code == 200
    assert "✕ guerre" in chips.text and "✕ war" not in chips.text


def test_the_map_and_assets_are_compressed_and_cached(client: Any) -> None:
    first = client.get("/api/map", headers={"Accept-Encoding": "gzip"})
    assert first.status_code == 200 and first.headers["content-encoding"] == "gzip"
    assert first.json()["features"]  # httpx undoes the gzip: still the same GeoJSON
    tag = first.headers["etag"]
    again = client.get("/api/map", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    with Atlas.open(client.atlas_info["url"]) as atlas:
        atlas.add_manual("place", {"name": "Nouvelleville", "country": "FR"})
    changed = client.get("/api/map", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["etag"] != tag
    asset = client.get("/assets/leaflet/leaflet.js", headers={"Accept-Encoding": "gzip"})
    assert asset.status_code == 200 and "max-age=" in asset.headers["cache-control"]
    assert asset.headers["content-encoding"] == "gzip"
    plain = client.get("/api/map", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers


def test_a_partnership_without_dated_action_is_not_shown_dormant(client: Any) -> None:
    with Atlas.open(client.atlas_info["url"]) as atlas:
        a = atlas.add_manual("place", {"name": "Valmont-des-Prés", "country": "FR"})
        b = atlas.add_manual("place", {"name": "Oberwald", "country": "DE"})
        ship = atlas.add_manual("partnership", {"places": [a, b], "since": "1990"})
    twin = client.get(f"/api/partnerships/{ship}").json()
    assert (twin["dormant"], twin["activity"]) == (False, "unrecorded")
    page = client.get(f"/partnerships/{ship}").text
    assert "aucune action enregistrée" in page and "en sommeil" not in page
    english = client.get(f"/partnerships/{ship}?lang=en").text
    assert "no recorded action" in english
