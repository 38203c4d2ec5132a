"""Running `jumelage` in-process for the command-line tests: one `run` that fails on a traceback,
and the fixture that keeps a user's JUMELAGE_DATABASE_URL out of the tests."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from jumelage.cli import app


@pytest.fixture(autouse=True)
def no_env_atlas(monkeypatch):
    monkeypatch.delenv("JUMELAGE_DATABASE_URL", raising=False)


def run(*args, ok: bool = True):
    """Run `jumelage ARGS` in-process; never a traceback; exit 0 unless `ok` is False."""
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    if ok:
        assert result.exit_code == 0, result.output
    return result
