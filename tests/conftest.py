"""Shared fixtures: database URLs for the atlas on SQLite and on PostgreSQL.

`postgres_url` is the server given by JUMELAGE_TEST_POSTGRES_URL (CI sets it to
postgresql+psycopg://postgres@127.0.0.1:5432/postgres); tests that need it skip loudly without it.
`atlas_url` runs a test once per backend, each time on a fresh, empty database: a file for
SQLite, a uniquely named database (created and dropped around the test) for PostgreSQL.
`_cache_in_tmp` (autouse, session) points JUMELAGE_CACHE_DIR at a temporary folder, so no test
writes matcher caches into the user's real cache directory (~/.cache/jumelage).
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_ENV = "JUMELAGE_TEST_POSTGRES_URL"


@pytest.fixture(scope="session", autouse=True)
def _cache_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Caches (`jumelage.match.cache`) go to a session temporary folder, never the user's."""
    folder = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUMELAGE_CACHE_DIR", str(folder))
        yield folder


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(
            f"!!! PostgreSQL tests SKIPPED: set {POSTGRES_ENV} "
            "(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres) to run them !!!"
        )
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def atlas_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'atlas.sqlite'}"
        return
    server = make_url(request.getfixturevalue("postgres_url"))
    if server.drivername in ("postgresql", "postgres"):
        server = server.set(drivername="postgresql+psycopg")
    name = f"jumelage_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield server.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
