"""Ingest as a library: the samples into a fresh atlas (SQLite and PostgreSQL), re-runs that change
nothing and parse nothing, updated documents, bad files that fail alone, progress reports."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from jumelage import ingest as ingest_module
from jumelage.atlas import Atlas
from jumelage.atlas.exchange import export_json
from jumelage.extract import default_extractor
from jumelage.ingest import IngestReport, Outcome, ingest

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
SAMPLE_FILES = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".txt", ".html"))


@pytest.fixture(scope="session")
def extractor():
    """The process-wide extractor: the spaCy model loads once for the whole test session."""
    return default_extractor()


class CountingExtractor:
    """The real extractor, counting the documents it is asked to extract."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.names: list[str] = []

    def extract(self, doc):
        self.names.append(doc.name)
        return self.inner.extract(doc)

    def extract_many(self, docs):
        docs = list(docs)
        self.names += [d.name for d in docs]
        return self.inner.extract_many(docs)


def test_samples_are_the_documented_set():
    assert len(SAMPLE_FILES) >= 6
    assert {p.suffix for p in SAMPLE_FILES} == {".txt", ".html"}


def test_samples_ingest_once_and_a_rerun_changes_and_parses_nothing(
    atlas_url, extractor, monkeypatch,
):
    with Atlas.open(atlas_url) as atlas:
        first = ingest([SAMPLES], atlas, extractor=extractor, progress=False)
        assert first.failures == []
        assert sorted(Path(p).name for p in first.new) == [p.name for p in SAMPLE_FILES]
        totals = atlas.summary()
        assert totals["sources"] == len(SAMPLE_FILES)
        assert totals["places"] >= 8 and totals["partnerships"] >= 4 and totals["actions"] >= 5
        before = export_json(atlas)

        parsed: list[Path] = []
        real_read = ingest_module.read_document
        monkeypatch.setattr(ingest_module, "read_document",
                            lambda p: parsed.append(p) or real_read(p))
        counting = CountingExtractor(extractor)
        second = ingest([SAMPLES], atlas, extractor=counting, progress=False)
        assert second.counts() == {"new": 0, "unchanged": len(SAMPLE_FILES), "updated": 0,
                                   "failed": 0, "total": len(SAMPLE_FILES)}
        assert parsed == [] and counting.names == []
        assert export_json(atlas) == before


def test_a_changed_document_is_updated_in_place(tmp_path, extractor):
    doc = tmp_path / "docs" / "cholet-hamelin-anniversaire.txt"
    doc.parent.mkdir()
    shutil.copy(SAMPLES / doc.name, doc)
    with Atlas.open(f"sqlite:///{tmp_path / 'atlas.sqlite'}") as atlas:
        assert ingest([doc], atlas, extractor=extractor, progress=False).new == [str(doc)]
        doc.write_text(doc.read_text(encoding="utf-8").replace("22 juin 1974", "22 juin 1975"),
                       encoding="utf-8")
        report = ingest([doc], atlas, extractor=extractor, progress=False)
        assert report.updated == [str(doc)]
        assert atlas.summary()["sources"] == 1
        [source] = list(atlas.every("sources"))
        assert "1975" in atlas.source_detail(source["id"])["text"]


def _docx(path: Path, paragraphs: list[str]) -> Path:
    from docx import Document as Docx

    document = Docx()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(path)
    return path


def test_bad_files_fail_alone_with_their_reason(tmp_path, extractor):
    folder = tmp_path / "docs"
    folder.mkdir()
    good = [shutil.copy(p, folder / p.name) for p in SAMPLE_FILES[:2]]
    lines = (SAMPLES / "troyes-tver-suspension.txt").read_text(encoding="utf-8").split("\n\n")
    docx = _docx(folder / "troyes.docx", lines)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "junk.txt").write_bytes(bytes(range(256)) * 64)
    unknown = tmp_path / "notes.xyz"
    unknown.write_text("Cholet est jumelée avec Hamelin.", encoding="utf-8")
    missing = tmp_path / "nowhere.txt"

    with Atlas.open(f"sqlite:///{tmp_path / 'atlas.sqlite'}") as atlas:
        report = ingest([folder, unknown, missing], atlas, extractor=extractor, progress=False)
        sources = {s["name"] for s in list(atlas.every("sources"))}
    assert sorted(report.new) == sorted(str(p) for p in [*good, docx])
    problems = {Path(f.path).name: f.problem for f in report.failures}
    assert set(problems) == {"empty.txt", "junk.txt", "notes.xyz", "nowhere.txt"}
    assert "empty" in problems["empty.txt"]
    assert "binary" in problems["junk.txt"] or "text" in problems["junk.txt"]
    assert "unsupported" in problems["notes.xyz"]
    assert "no such file" in problems["nowhere.txt"]
    assert all("\n" not in p for p in problems.values())
    assert sources == {Path(p).name for p in report.new}
    assert not report.all_failed


def test_a_text_that_breaks_the_extractor_costs_only_itself(tmp_path, extractor):
    class BreaksOnPoison(CountingExtractor):
        def extract(self, doc):
            if doc.name == "poison.txt":
                raise RuntimeError("model crashed")
            return super().extract(doc)

        def extract_many(self, docs):
            docs = list(docs)
            if any(d.name == "poison.txt" for d in docs):
                raise RuntimeError("model crashed")
            return super().extract_many(docs)

    folder = tmp_path / "docs"
    folder.mkdir()
    for p in SAMPLE_FILES:
        shutil.copy(p, folder / p.name)
    (folder / "poison.txt").write_text("Quimper et Ourense sont jumelées.", encoding="utf-8")
    with Atlas.open(f"sqlite:///{tmp_path / 'atlas.sqlite'}") as atlas:
        report = ingest([folder], atlas, extractor=BreaksOnPoison(extractor), progress=False,
                        batch_size=3)
        assert atlas.summary()["sources"] == len(SAMPLE_FILES)
    assert len(report.new) == len(SAMPLE_FILES)
    [failure] = report.failures
    assert Path(failure.path).name == "poison.txt"
    assert failure.problem == "extraction failed (RuntimeError: model crashed)"


def test_progress_callback_hears_every_file_and_the_report_is_json(tmp_path, extractor, capsys):
    heard: list[tuple[Outcome, int, int]] = []
    (tmp_path / "empty.txt").write_bytes(b"")
    paths = [*SAMPLE_FILES[:3], tmp_path / "empty.txt"]
    with Atlas.open(f"sqlite:///{tmp_path / 'atlas.sqlite'}") as atlas:
        report = ingest(paths, atlas, extractor=extractor,
                        progress=lambda o, done, total: heard.append((o, done, total)))
        quiet = ingest(paths, atlas, extractor=extractor)   # default progress, not a terminal
    assert [(done, total) for _, done, total in heard] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert sorted(o.state for o, _, _ in heard) == ["failed", "new", "new", "new"]
    assert capsys.readouterr().err == ""
    data = json.loads(json.dumps(report.to_dict()))
    assert data["new"] == 3 and data["failed"] == 1 and data["total"] == 4
    assert data["failures"] == [{"path": str(tmp_path / "empty.txt"),
                                 "problem": report.failures[0].problem}]
    assert quiet.counts()["unchanged"] == 3


def test_nothing_to_ingest_is_not_a_total_failure():
    report = IngestReport()
    assert report.total == 0 and not report.all_failed
