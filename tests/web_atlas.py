"""Atlases for the web tests: the bundled samples plus hostile records, built once per test session
and copied for each test that writes, and a TestClient over such a copy.

Hostile content: a document whose text carries `<script>`, and records made by hand whose place
name and organisation are markup; every page must show them as text.
"""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jumelage.atlas import Atlas, accounts
from jumelage.demo import sample_folder
from jumelage.ingest import ingest

EVIL = '<script>alert("x")</script>'
EVIL_PLACE = f"Ville{EVIL}"
EVIL_ORG = f"Association <img src=x onerror=alert(1)>{EVIL}"
HOSTILE_DOC = (
    "Niort et Coburg : une rencontre des jeunes\n\n"
    f"En 2023, la ville de Niort a accueilli à Coburg une rencontre de jeunes {EVIL} pour "
    "un échange scolaire entre les deux villes jumelles.\n"
)
PASSWORD = "correct horse battery"


def build(folder: Path) -> dict[str, Any]:
    """An atlas file in `folder` with the samples, the hostile document and hostile records;
    returns its URL and the ids of the hostile records."""
    docs = folder / "docs"
    shutil.copytree(sample_folder(), docs)
    (docs / "hostile.txt").write_text(HOSTILE_DOC, encoding="utf-8")
    url = f"sqlite:///{folder / 'atlas.sqlite'}"
    with Atlas.open(url) as atlas:
        report = ingest([docs], atlas, progress=False)
        assert not report.failures, report.failures
        place = atlas.add_manual("place", {"name": EVIL_PLACE, "country": "FR", "lat": 46.0,
                                           "lon": 2.0})
        other = atlas.find_place("Niort")
        assert other is not None
        ship = atlas.add_manual("partnership", {"places": [place, other["id"]],
                                                "kind": "friendship", "since": "2020"})
        action = atlas.add_manual("action", {"actors": [place], "partners": [other["id"]],
                                             "start": "2021", "themes": ["culture"],
                                             "organisations": [EVIL_ORG]})
        initiative = atlas.add_manual("initiative", {"place": place, "context": "covid-19",
                                                     "themes": ["health"],
                                                     "organisations": [EVIL_ORG]})
        for name, role in (("edith", "editor"), ("victor", "viewer"), ("ada", "admin")):
            accounts.add_user(atlas, name, PASSWORD, role)
    return {"url": url, "place": place, "partnership": ship, "action": action,
            "initiative": initiative}


@pytest.fixture(scope="session")
def built_atlas(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return {**build(tmp_path_factory.mktemp("web-atlas")), "dir": None}


@pytest.fixture()
def atlas_copy(built_atlas: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    """A fresh copy of the built atlas for one test (tests may write to it)."""
    source = Path(built_atlas["url"].removeprefix("sqlite:///"))
    target = tmp_path / "atlas.sqlite"
    shutil.copy(source, target)
    return {**built_atlas, "url": f"sqlite:///{target}"}


@pytest.fixture()
def client(atlas_copy: dict[str, Any]) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    from jumelage.web import Settings, create_app

    app = create_app(atlas_copy["url"], Settings(secret_key="test-secret"))
    with TestClient(app, raise_server_exceptions=False) as c:
        c.atlas_info = atlas_copy  # type: ignore[attr-defined]
        yield c


def csrf_of(client: Any, path: str = "/login") -> str:
    """The CSRF token of the client's session, read from a form on `path`."""
    import re

    page = client.get(path)
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, f"no CSRF field on {path}"
    return found.group(1)


def login(client: Any, name: str, password: str = PASSWORD) -> str:
    """Sign `name` in; returns the session's (new) CSRF token."""
    token = csrf_of(client)
    r = client.post("/login", data={"name": name, "password": password, "csrf": token,
                                    "next": "/"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return csrf_of(client, "/")
