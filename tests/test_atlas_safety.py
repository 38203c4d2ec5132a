"""Nothing already in the atlas is lost: failed saves, killed processes, concurrent writers."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from jumelage.atlas import Atlas, merge
from jumelage.atlas.exchange import export_json
from jumelage.errors import AtlasError
from jumelage.records import Extraction, Place
from test_atlas_support import TEXT_A, TEXT_B, document, extraction_a, extraction_b

TESTS = Path(__file__).resolve().parent


class Boom(RuntimeError):
    pass


def test_a_failing_save_leaves_the_atlas_as_it_was(atlas_url: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    with Atlas.open(atlas_url) as atlas:
        atlas.save_extraction(document("a.txt", TEXT_A), extraction_a())
        before = export_json(atlas)

        def explode(*args: object) -> None:  # fails after the records were written
            raise Boom("disk on fire")

        monkeypatch.setattr(merge, "action_fields", explode)
        with pytest.raises(Boom):
            atlas.save_extraction(document("b.txt", TEXT_B), extraction_b())
        changed = TEXT_A.replace("En 2019", "En 2018")
        with pytest.raises(Boom):
            atlas.save_extraction(document("a.txt", changed), extraction_a(changed))
        assert export_json(atlas) == before
        assert atlas.source_state("b.txt", document("b.txt", TEXT_B).content_hash) == "new"

        monkeypatch.undo()  # a re-run does the work
        assert atlas.save_extraction(document("b.txt", TEXT_B), extraction_b()) == "new"
        assert atlas.summary()["sources"] == 2


def test_a_bad_extraction_is_refused_before_anything_is_written(atlas_url: str) -> None:
    with Atlas.open(atlas_url) as atlas:
        atlas.save_extraction(document("a.txt", TEXT_A), extraction_a())
        before = export_json(atlas)
        bad = extraction_b()
        bad.partnerships[0].places = ("x", "nowhere")
        with pytest.raises(AtlasError, match="^b.txt: partnership 1: unknown place ref 'nowhere'$"):
            atlas.save_extraction(document("b.txt", TEXT_B), bad)
        bad = extraction_b()
        bad.actions[0].start = "mars 2024"
        with pytest.raises(AtlasError, match="is not YYYY, YYYY-MM or YYYY-MM-DD"):
            atlas.save_extraction(document("b.txt", TEXT_B), bad)
        assert export_json(atlas) == before


CHILD = """
import os, signal, sys
from jumelage.atlas import Atlas, merge
from test_atlas_support import TEXT_A, TEXT_B, document, extraction_a, extraction_b

atlas = Atlas.open(sys.argv[1])
atlas.save_extraction(document("a.txt", TEXT_A), extraction_a())
merge.action_fields = lambda *args: os.kill(os.getpid(), signal.SIGKILL)  # dies mid-transaction
atlas.save_extraction(document("b.txt", TEXT_B), extraction_b())
"""


def test_kill_9_mid_document_keeps_the_atlas_consistent(atlas_url: str) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), *sys.path])}
    run = subprocess.run([sys.executable, "-c", CHILD, atlas_url], env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == -9, run.stderr
    with Atlas.open(atlas_url) as atlas:
        assert [s["name"] for s in list(atlas.every("sources"))] == ["a.txt"]
        after_crash = export_json(atlas)
        assert len(after_crash["places"]) == 2 and len(after_crash["actions"]) == 2
        assert atlas.source_state("a.txt", document("a.txt", TEXT_A).content_hash) == "unchanged"
        assert atlas.source_state("b.txt", document("b.txt", TEXT_B).content_hash) == "new"
        assert atlas.save_extraction(document("b.txt", TEXT_B), extraction_b()) == "new"
        assert len(atlas.places()["items"]) == 2 and len(atlas.partnerships()["items"]) == 1


def test_concurrent_writers_wait_for_each_other(atlas_url: str) -> None:
    """Eight threads ingest documents naming the same places: no duplicate, no failure."""
    errors: list[BaseException] = []
    with Atlas.open(atlas_url) as atlas:
        def work(n: int) -> None:
            text = f"Bellerive et Padoue, note {n}."
            ext = Extraction(f"n{n}.txt", places=[Place("a", "Bellerive", "FR", 9900001),
                                                  Place("b", "Padoue", "IT", 3171728)])
            try:
                atlas.save_extraction(document(f"n{n}.txt", text), ext)
            except BaseException as exc:  # noqa: BLE001 - collected for the assertion
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert atlas.summary()["sources"] == 8 and len(atlas.places()["items"]) == 2
