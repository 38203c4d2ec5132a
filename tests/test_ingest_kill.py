"""A `jumelage ingest` process killed with SIGKILL mid-run leaves a consistent atlas, and the next
run finishes the job: it skips every document already saved and ends where an uninterrupted run
ends."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

from sqlalchemy import create_engine, text

from jumelage.atlas import Atlas
from jumelage.extract import default_extractor
from jumelage.ingest import ingest
from sample_copies import make_copies

COPIES = 10            # of each sample: 70 documents, a run lasting several seconds
KILL_AFTER = 12        # saved documents


def count_sources(url: str) -> int:
    """Saved documents, read straight from the database while the ingest process writes."""
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        if not Path(path).exists():
            return 0
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as conn:
            try:
                return conn.execute("SELECT count(*) FROM sources").fetchone()[0]
            except sqlite3.OperationalError:      # schema not created yet
                return 0
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            try:
                return conn.execute(text("SELECT count(*) FROM sources")).scalar_one()
            except Exception:                    # schema not created yet
                return 0
    finally:
        engine.dispose()


def kill_when_saved(proc: subprocess.Popen, url: str, saved: int) -> None:
    """SIGKILL the process group of `proc` (started with `start_new_session=True`, so a writer
    process goes too) as soon as `saved` documents are in the atlas at `url`."""
    deadline = time.monotonic() + 240
    try:
        while count_sources(url) < saved:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the run made no progress"
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)   # the whole run at once
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL


def assert_sqlite_whole(url: str) -> None:
    """A SQLite atlas passes its integrity and foreign-key checks (nothing for PostgreSQL)."""
    if url.startswith("sqlite:///"):
        with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def start_ingest(folder: Path, url: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("JUMELAGE_DATABASE_URL", None)
    return subprocess.Popen(
        [sys.executable, "-m", "jumelage", "ingest", str(folder), "--db", url, "--batch-size", "4"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
        start_new_session=True,   # its own process group: the kill takes the writer process too
    )


def test_kill_9_mid_ingest_then_resume(atlas_url, tmp_path):
    files = make_copies(tmp_path / "docs", COPIES)
    proc = start_ingest(tmp_path / "docs", atlas_url)
    kill_when_saved(proc, atlas_url, KILL_AFTER)
    assert_sqlite_whole(atlas_url)
    with Atlas.open(atlas_url) as atlas:
        saved = list(atlas.every("sources"))
        assert KILL_AFTER <= len(saved) < len(files), "the kill should land mid-run"
        # every saved document came with its records (all samples yield evidence)
        assert all(s["evidence_count"] > 0 for s in saved)

        report = ingest([tmp_path / "docs"], atlas, extractor=default_extractor(), progress=False)
        assert report.failures == []
        assert len(report.unchanged) == len(saved)
        assert len(report.new) == len(files) - len(saved)
        resumed = atlas.summary()

    # the resumed atlas holds exactly what one uninterrupted run gives
    with Atlas.open(f"sqlite:///{tmp_path / 'reference.sqlite'}") as reference:
        ingest([tmp_path / "docs"], reference, extractor=default_extractor(), progress=False)
        assert resumed == reference.summary()


def test_copies_are_distinct(tmp_path):
    files = make_copies(tmp_path / "docs", COPIES)
    assert len({f.read_bytes() for f in files}) == len(files)


def test_counting_an_absent_atlas_is_zero(tmp_path):
    assert count_sources(f"sqlite:///{tmp_path / 'absent.sqlite'}") == 0
