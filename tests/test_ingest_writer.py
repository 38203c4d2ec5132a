"""Ingest with a writer process: the same atlas and report as storing in-process, per-document
failures, a writer that dies, a caller interrupted or killed, and a caller's script that spawn must
not run twice."""
from __future__ import annotations

import json
import multiprocessing
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

import jumelage.atlas.writer as writer_module
from jumelage.atlas import Atlas
from jumelage.atlas.exchange import export_json
from jumelage.extract import default_extractor
from jumelage.ingest import WRITER_MIN_FILES, ingest
from jumelage.records import Extraction, Partnership
from sample_copies import SAMPLE_FILES, make_copies



@pytest.fixture(scope="module")
def extractor():
    return default_extractor()


def without_times(data: dict) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return re.sub(r'"(created_at|updated_at|ingested_at)": "[^"]*"', "", text)


def writer_processes() -> list[multiprocessing.process.BaseProcess]:
    return [p for p in multiprocessing.active_children() if p.name == "jumelage-atlas-writer"]


def test_a_writer_process_stores_what_storing_in_process_stores(atlas_url, extractor, tmp_path):
    files = make_copies(tmp_path / "docs", 3)
    assert len(files) >= WRITER_MIN_FILES   # the default chooses the writer here
    with Atlas.open(atlas_url) as atlas:
        report = ingest([tmp_path / "docs"], atlas, extractor=extractor, progress=False,
                        batch_size=4)
        assert report.writer and report.writer_peak_kb and report.writer_peak_kb > 0
        assert report.failures == [] and sorted(report.new) == [str(p) for p in files]
        stored = export_json(atlas)
        again = ingest([tmp_path / "docs"], atlas, extractor=extractor, progress=False)
        assert again.counts()["unchanged"] == len(files)
    with Atlas.open(f"sqlite:///{tmp_path / 'reference.sqlite'}") as reference:
        alone = ingest([tmp_path / "docs"], reference, extractor=extractor, progress=False,
                       batch_size=4, writer=False)
        assert not alone.writer and alone.counts() == report.counts()
        assert without_times(export_json(reference)) == without_times(stored)
    assert writer_processes() == []


class Poisoning:
    """The real extractor, except that `poison.txt` gets a partnership with an unknown place."""

    def __init__(self, inner) -> None:
        self.inner = inner

    def _poison(self, ext: Extraction) -> Extraction:
        if ext.source == "poison.txt":
            ext.partnerships.append(Partnership(("nowhere", "nowhere-else")))
        return ext

    def extract(self, doc):
        return self._poison(self.inner.extract(doc))

    def extract_many(self, docs):
        return (self._poison(ext) for ext in self.inner.extract_many(docs))


def test_a_document_the_atlas_refuses_fails_alone_in_the_writer(tmp_path, extractor):
    files = make_copies(tmp_path / "docs", 1)
    poison = tmp_path / "docs" / "poison.txt"
    poison.write_text("Quimper et Ourense sont jumelées depuis 1994.", encoding="utf-8")
    with Atlas.open(f"sqlite:///{tmp_path / 'atlas.sqlite'}") as atlas:
        report = ingest([tmp_path / "docs"], atlas, extractor=Poisoning(extractor),
                        progress=False, writer=True)
        assert report.writer
        assert sorted(report.new) == [str(p) for p in files]
        [failure] = report.failures
        assert failure.path == str(poison)
        assert failure.problem.startswith("partnership ") and "unknown place ref" in failure.problem
        assert "poison.txt" not in {s["name"] for s in list(atlas.every("sources"))}


class DiesAfter(writer_module.Writer):
    """A writer process killed (SIGKILL) once it was handed a few documents."""

    AFTER = 5

    def submit(self, key, doc, ext):
        out = super().submit(key, doc, ext)
        if key == self.AFTER:
            time.sleep(0.5)    # lets it save some of them, unreported
            os.kill(self.pid, signal.SIGKILL)
        return out


def test_documents_of_a_writer_that_dies_are_stored_here(tmp_path, extractor, monkeypatch):
    files = make_copies(tmp_path / "docs", 3)
    monkeypatch.setattr(writer_module, "Writer", DiesAfter)
    with Atlas.open(f"sqlite:///{tmp_path / 'atlas.sqlite'}") as atlas:
        report = ingest([tmp_path / "docs"], atlas, extractor=extractor, progress=False,
                        batch_size=4, writer=True)
        assert report.failures == []
        assert sorted(report.new) == [str(p) for p in files]   # none reported twice or missing
        assert atlas.summary()["sources"] == len(files)
    assert writer_processes() == []


class InterruptedAt:
    """The real extractor; Ctrl-C arrives while the third batch is being extracted."""

    def __init__(self, inner) -> None:
        self.inner, self.calls = inner, 0

    def extract(self, doc):
        return self.inner.extract(doc)

    def extract_many(self, docs):
        self.calls += 1
        if self.calls == 3:
            raise KeyboardInterrupt
        return self.inner.extract_many(docs)


def test_ctrl_c_ends_the_writer_and_a_rerun_finishes(tmp_path, extractor):
    files = make_copies(tmp_path / "docs", 3)
    url = f"sqlite:///{tmp_path / 'atlas.sqlite'}"
    with Atlas.open(url) as atlas:
        with pytest.raises(KeyboardInterrupt):
            ingest([tmp_path / "docs"], atlas, extractor=InterruptedAt(extractor),
                   progress=False, batch_size=4, writer=True)
        assert writer_processes() == []
        saved = list(atlas.every("sources"))
        assert len(saved) <= 8 and all(s["evidence_count"] > 0 for s in saved)
        report = ingest([tmp_path / "docs"], atlas, extractor=extractor, progress=False)
        assert report.failures == [] and len(report.unchanged) == len(saved)
        assert len(report.new) == len(files) - len(saved)


KILLED_CALLER = """
import multiprocessing, os, signal, sys
from pathlib import Path
from jumelage.atlas import Atlas
from jumelage.ingest import ingest

def heard(outcome, done, total):
    if done == 6:
        [writer] = [p for p in multiprocessing.active_children()
                    if p.name == "jumelage-atlas-writer"]
        print(writer.pid, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

if __name__ == "__main__":
    with Atlas.open(sys.argv[2]) as atlas:
        ingest([Path(sys.argv[1])], atlas, progress=heard, batch_size=2, writer=True)
"""


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            return any(line.split()[1] == "Z" for line in status if line.startswith("State:"))
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc to follow the writer")
def test_the_writer_of_a_killed_caller_exits_and_leaves_whole_documents(tmp_path, extractor):
    files = make_copies(tmp_path / "docs", 3)
    url = f"sqlite:///{tmp_path / 'atlas.sqlite'}"
    run = subprocess.run([sys.executable, "-c", KILLED_CALLER, str(tmp_path / "docs"), url],
                         capture_output=True, text=True, timeout=240)
    assert run.returncode == -signal.SIGKILL, run.stderr
    pid = int(run.stdout.split()[0])
    deadline = time.monotonic() + 15
    while not _gone(pid):
        assert time.monotonic() < deadline, "the writer outlived its caller"
        time.sleep(0.1)
    with closing(sqlite3.connect(tmp_path / "atlas.sqlite")) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    with Atlas.open(url) as atlas:
        saved = list(atlas.every("sources"))
        assert 6 <= len(saved) < len(files) and all(s["evidence_count"] > 0 for s in saved)
        report = ingest([tmp_path / "docs"], atlas, extractor=extractor, progress=False)
        assert report.failures == [] and len(report.unchanged) == len(saved)
        assert len(report.new) == len(files) - len(saved)


UNGUARDED_SCRIPT = """
import sys
from pathlib import Path
from jumelage.atlas import Atlas
from jumelage.ingest import ingest

print("script runs", flush=True)
with Atlas.open(sys.argv[2]) as atlas:
    report = ingest([Path(sys.argv[1])], atlas, progress=False, writer=True)
print(report.writer, report.counts()["new"], flush=True)
"""


def test_a_script_without_a_main_guard_runs_once(tmp_path):
    make_copies(tmp_path / "docs", 1)
    script = tmp_path / "script.py"
    script.write_text(UNGUARDED_SCRIPT, encoding="utf-8")
    run = subprocess.run([sys.executable, str(script), str(tmp_path / "docs"),
                          f"sqlite:///{tmp_path / 'atlas.sqlite'}"],
                         capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split("\n")[:2] == ["script runs", f"True {len(SAMPLE_FILES)}"]


def test_an_atlas_in_memory_is_stored_in_process(tmp_path, extractor):
    make_copies(tmp_path / "docs", 1)
    with Atlas.open(":memory:") as atlas:
        report = ingest([tmp_path / "docs"], atlas, extractor=extractor, progress=False,
                        writer=True)
        assert not report.writer and len(report.new) == len(SAMPLE_FILES)
        assert atlas.summary()["sources"] == len(SAMPLE_FILES)
