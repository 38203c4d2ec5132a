"""Ingest: files and folders → read → extract → atlas, one transaction per document.

`ingest(paths, atlas)` walks the given files and folders, skips documents whose content the atlas
already holds (by content hash, before any parsing or extraction), extracts the rest in batches so
the language model loads once and works on many texts at a time, and saves each document on its
own: a failure or a kill mid-run leaves every saved document whole, and a re-run picks up the rest.
Files that cannot be read are recorded with the reason and the run goes on.
"""
from __future__ import annotations

import hashlib
import stat
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from jumelage.errors import JumelageError, ReadError
from jumelage.read import iter_documents, read_document
from jumelage.read.limits import max_file_bytes
from jumelage.records import Document, Extraction

if TYPE_CHECKING:
    from jumelage.atlas import Atlas
    from jumelage.extract import Extractor

State = Literal["new", "unchanged", "updated", "failed"]

#: below this many files no progress bar is drawn: the run is over before one would help
PROGRESS_MIN_FILES = 5


@dataclass(frozen=True)
class Outcome:
    """What happened to one file."""

    path: str
    state: State
    problem: str | None = None


ProgressCallback = Callable[[Outcome, int, int], None]
"""Called after each file with its outcome, the number of files done and the total."""
Notify = Callable[[Outcome, int], None]


@dataclass
class Failure:
    """A file that could not be ingested, and why (one line)."""

    path: str
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


@dataclass
class IngestReport:
    """The outcome of one ingest run: which files were new, unchanged, updated or failed."""

    new: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> int:
        return len(self.failures)

    @property
    def total(self) -> int:
        return len(self.new) + len(self.unchanged) + len(self.updated) + len(self.failures)

    @property
    def all_failed(self) -> bool:
        """True when there was something to ingest and nothing of it could be ingested."""
        return self.total > 0 and self.failed == self.total

    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new), "unchanged": len(self.unchanged), "updated": len(self.updated),
            "failed": self.failed, "total": self.total,
        }

    def record(self, outcome: Outcome) -> None:
        if outcome.state == "failed":
            self.failures.append(Failure(outcome.path, outcome.problem or "failed"))
        else:
            getattr(self, outcome.state).append(outcome.path)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.counts(),
            "seconds": round(self.seconds, 3),
            "files": {"new": self.new, "unchanged": self.unchanged, "updated": self.updated},
            "failures": [{"path": f.path, "problem": f.problem} for f in self.failures],
        }


def ingest(
    paths: Iterable[str | Path],
    atlas: Atlas,
    extractor: Extractor | None = None,
    progress: bool | ProgressCallback = True,
    batch_size: int = 16,
) -> IngestReport:
    """Read, extract and store every document under `paths` (files or folders, recursively).

    `progress=True` draws a Rich progress bar on stderr when it is a terminal and there are more
    than a few files; a callable is called after each file instead. The language model is loaded
    only if some document actually needs extracting.
    """
    started = time.perf_counter()
    report = IngestReport()
    files = list(iter_documents(paths))
    with _progress(progress, len(files)) as notify:
        for outcome in _run(files, atlas, extractor, max(1, batch_size)):
            report.record(outcome)
            notify(outcome, report.total)
    report.seconds = time.perf_counter() - started
    return report


def file_hash(path: Path) -> str:
    """sha256 of a file's bytes, read in chunks: the same digest `read` puts in `content_hash`."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# -- the pipeline -----------------------------------------------------------------------------

def _run(
    files: Sequence[Path], atlas: Atlas, extractor: Extractor | None, batch_size: int,
) -> Iterator[Outcome]:
    """Outcomes of the files in order: unchanged ones at once, others once their batch is saved."""
    batch: list[Document] = []
    for i, path in enumerate(files):
        read = _read_if_needed(path, atlas)
        if isinstance(read, Outcome):
            yield read
        else:
            batch.append(read)
        if batch and (len(batch) >= batch_size or i == len(files) - 1):
            if extractor is None:
                extractor = _default_extractor()
            yield from _extract_and_save(batch, atlas, extractor)
            batch = []


def _read_if_needed(path: Path, atlas: Atlas) -> Document | Outcome:
    """The document to extract, or the outcome that makes extraction needless (unchanged, failed).

    The file's hash is checked against the atlas before the file is parsed: an unchanged PDF costs
    one read of its bytes, not a text extraction. Anything odd about the file (missing, not a
    regular file, too large) is left to `read_document` to report.
    """
    name = str(path)
    try:
        if _hashable(path) and atlas.source_state(path.name, file_hash(path)) == "unchanged":
            return Outcome(name, "unchanged")
    except OSError:
        pass
    try:
        doc = read_document(path)
    except ReadError as e:
        return Outcome(name, "failed", e.problem)
    if doc.name != path.name and atlas.source_state(doc.name, doc.content_hash) == "unchanged":
        return Outcome(name, "unchanged")
    return doc


def _hashable(path: Path) -> bool:
    """A regular file `read_document` would agree to read, so hashing it first costs little."""
    info = path.stat()
    return stat.S_ISREG(info.st_mode) and info.st_size <= max_file_bytes()


def _extract_and_save(
    batch: list[Document], atlas: Atlas, extractor: Extractor,
) -> Iterator[Outcome]:
    for doc, result in zip(batch, extract_batch(batch, extractor), strict=True):
        if isinstance(result, Extraction):
            yield _save(doc, result, atlas)
        else:
            yield Outcome(_where(doc), "failed", result)


def extract_batch(batch: Sequence[Document], extractor: Extractor) -> list[Extraction | str]:
    """Each document's Extraction, or the one-line problem that stopped it, in the batch's order.

    The batch goes through the model in one pass; if that pass breaks, the documents are retried one
    by one so that a single bad text costs only itself.
    """
    try:
        extractions: list[Extraction | str] = list(extractor.extract_many(batch))
    except Exception:  # noqa: BLE001 - isolated below, document by document
        extractions = []
    if len(extractions) == len(batch):
        return extractions
    return [_extract_one(doc, extractor) for doc in batch]


def _extract_one(doc: Document, extractor: Extractor) -> Extraction | str:
    try:
        return extractor.extract(doc)
    except JumelageError as e:
        return _problem(e, doc)
    except Exception as e:  # noqa: BLE001 - reported per file, the run goes on
        return f"extraction failed ({type(e).__name__}: {e})"


def _save(doc: Document, ext: Extraction, atlas: Atlas) -> Outcome:
    try:
        state = atlas.save_extraction(doc, ext)
    except JumelageError as e:
        return Outcome(_where(doc), "failed", _problem(e, doc))
    return Outcome(_where(doc), state)


def _where(doc: Document) -> str:
    return doc.path or doc.name


def _problem(error: JumelageError, doc: Document) -> str:
    """The error's message without a leading file name (the report names the file already)."""
    if isinstance(error, ReadError):
        return error.problem
    text = str(error)
    for prefix in (f"{doc.path}: ", f"{doc.name}: "):
        if text.startswith(prefix):
            return text[len(prefix):]
    return text


def _default_extractor() -> Extractor:
    from jumelage.extract import default_extractor  # imported late: spaCy is slow to import

    return default_extractor()


# -- progress ---------------------------------------------------------------------------------

@contextmanager
def _progress(progress: bool | ProgressCallback, total: int) -> Iterator[Notify]:
    """A `notify(outcome, done)` function for the run: a callback, a Rich bar, or nothing."""
    if callable(progress):
        yield lambda outcome, done: progress(outcome, done, total)
        return
    if not progress or total <= PROGRESS_MIN_FILES or not sys.stderr.isatty():
        yield lambda outcome, done: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn,
    )

    with Progress(
        TextColumn("[bold]ingest[/]"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TimeRemainingColumn(), TextColumn("{task.description}"),
        console=Console(stderr=True), transient=True,
    ) as bar:
        task = bar.add_task("", total=total)
        states: Counter[str] = Counter()

        def notify(outcome: Outcome, done: int) -> None:
            states[outcome.state] += 1
            text = " · ".join(f"{state} {n}" for state, n in states.items())
            bar.update(task, completed=done, description=text)

        yield notify
