"""Ingest: files and folders → read → extract → atlas, one transaction per document.

`ingest(paths, atlas)` walks the given files and folders, skips documents whose content the atlas
already holds (by content hash, before any parsing or extraction), extracts the rest in batches so
the language model loads once and works on many texts at a time, and saves each document on its
own: a failure or a kill mid-run leaves every saved document whole, and a re-run picks up the rest.
Files that cannot be read are recorded with the reason and the run goes on.

On longer runs (`WRITER_MIN_FILES` files or more) the documents are stored by a writer process
(`jumelage.atlas.writer`) while this one extracts the next batch, so storing costs almost no
wall-clock time; each document is still one transaction and gets its own outcome. Should the
writer die, the documents it did not report are stored here instead.
"""
from __future__ import annotations

import hashlib
import stat
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from jumelage.errors import JumelageError, ReadError
from jumelage.read import read_document, scan
from jumelage.read.limits import max_file_bytes, text_limit
from jumelage.records import Document, Extraction

if TYPE_CHECKING:
    from jumelage.atlas import Atlas
    from jumelage.atlas.writer import Saved, Writer
    from jumelage.extract import Extractor

State = Literal["new", "unchanged", "updated", "failed"]

#: below this many files no progress bar is drawn: the run is over before one would help
PROGRESS_MIN_FILES = 5
#: from this many files on, a writer process stores documents while the next ones are extracted
WRITER_MIN_FILES = 20


@dataclass(frozen=True)
class Outcome:
    """What happened to one file."""

    path: str
    state: State
    problem: str | None = None
    note: str | None = None           # e.g. how the text was read (`Document.notes`)


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
    writer: bool = False              # stored by a writer process (see the module docstring)
    skipped: list[Failure] = field(default_factory=list)  # what folders held that is not read
    notes: list[Failure] = field(default_factory=list)    # read, with something to say about it
    interrupted: bool = False         # stopped by Ctrl-C: what is listed was saved, whole
    writer_peak_kb: int | None = None  # that process's peak resident memory

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
            "skipped": [{"path": f.path, "reason": f.problem} for f in self.skipped],
            "notes": [{"path": f.path, "note": f.problem} for f in self.notes],
            "interrupted": self.interrupted,
        }

    @property
    def saved(self) -> int:
        """Documents stored (new or updated) by this run."""
        return len(self.new) + len(self.updated)


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during `ingest`: `report` holds what was saved before it (each document whole)."""

    def __init__(self, report: IngestReport) -> None:
        super().__init__("interrupted")
        self.report = report


def ingest(
    paths: Iterable[str | Path],
    atlas: Atlas,
    extractor: Extractor | None = None,
    progress: bool | ProgressCallback = True,
    batch_size: int = 16,
    writer: bool | None = None,
    owner: str | None = None,
    exclude: Sequence[str] = (),
    max_text_mb: float | None = None,
) -> IngestReport:
    """Read, extract and store every document under `paths` (files or folders, recursively).

    `progress=True` draws a Rich progress bar on stderr when it is a terminal and there are more
    than a few files; a callable is called after each file instead. The language model is loaded
    only if some document actually needs extracting. `writer`: store documents in a writer
    process while extracting the next ones (None: from `WRITER_MIN_FILES` files on, unless the
    atlas lives in memory, where no other process can reach it). `owner`: the place that speaks
    in every document (`Document.owner`), when the caller knows it; content already in the
    atlas is still skipped. `exclude`: shell patterns of
    files to leave out of folders (besides each folder's `.jumelageignore`; see `read.scan`).
    `max_text_mb`: the longest text extracted from one document, in megabytes of characters, for
    this run (None: `JUMELAGE_MAX_TEXT_MB`, else the file limit; see `read.limits`); a longer
    text is that file's failure. ValueError for a non-positive value.

    A read-only atlas is an AtlasError before any document is read. Ctrl-C raises `Interrupted`
    carrying the report of what was saved (every saved document is whole; a re-run does the
    rest).
    """
    started = time.perf_counter()
    report = IngestReport()
    found = scan(paths, exclude)
    files = found.files
    report.skipped = [Failure(str(p), reason) for p, reason in found.skipped]
    if files:
        atlas.check_writable()
    if writer is None:
        writer = len(files) >= WRITER_MIN_FILES
    report.writer = writer = writer and atlas.process_url is not None
    store: _Store = _WriterStore(atlas) if writer else _Store(atlas)
    limit = text_limit(max_text_mb) if max_text_mb is not None else nullcontext()
    try:
        with limit, _progress(progress, len(files)) as notify:
            for outcome in _run(files, atlas, extractor, max(1, batch_size), store, owner):
                report.record(outcome)
                if outcome.note:
                    report.notes.append(Failure(outcome.path, outcome.note))
                notify(outcome, report.total)
    except KeyboardInterrupt:
        for outcome in store.late:          # stored by the writer before it stopped
            report.record(outcome)
        report.interrupted = True
        report.seconds = time.perf_counter() - started
        raise Interrupted(report) from None
    if isinstance(store, _WriterStore) and store.writer is not None:
        report.writer_peak_kb = store.writer.peak_kb
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
    store: _Store, owner: str | None = None,
) -> Iterator[Outcome]:
    """Outcomes of the files: unchanged and unreadable ones at once, others once stored."""
    finished = False
    try:
        batch: list[_ToExtract] = []
        for at in range(0, len(files), batch_size):
            for read in _read_if_needed(files[at:at + batch_size], atlas, owner):
                if isinstance(read, Outcome):
                    yield read
                    continue
                store.start()  # before the model loads: the writer starts meanwhile
                batch.append(read)
                if len(batch) >= batch_size:
                    if extractor is None:
                        extractor = _default_extractor()
                    yield from _extract_and_store(batch, extractor, store)
                    batch = []
            yield from store.ready()
        if batch:
            if extractor is None:
                extractor = _default_extractor()
            yield from _extract_and_store(batch, extractor, store)
        yield from store.finish()
        finished = True
    finally:
        if not finished:
            store.late = store.abort()


@dataclass(frozen=True)
class _ToExtract:
    doc: Document
    expected: str               # new or updated: what the atlas said before the run


def _read_if_needed(files: Sequence[Path], atlas: Atlas,
                    owner: str | None = None) -> Iterator[_ToExtract | Outcome]:
    """Each file's document to extract, or the outcome that makes extraction needless.

    The files' hashes are checked against the atlas (in one query) before any file is parsed: an
    unchanged PDF costs one read of its bytes, not a text extraction. Anything odd about a file
    (missing, not a regular file, too large) is left to `read_document` to report.
    """
    hashed: dict[Path, str] = {}
    for path in files:
        try:
            if _hashable(path):
                hashed[path] = file_hash(path)
        except OSError:
            pass
    names = source_names(files, atlas)
    states = dict(zip(hashed, atlas.source_states([(names[p], h) for p, h in hashed.items()]),
                      strict=True))
    for path in files:
        name = str(path)
        if states.get(path) == "unchanged":
            yield Outcome(name, "unchanged")
            continue
        try:
            doc = replace(read_document(path), name=names[path], path=_full(path), owner=owner)
        except ReadError as e:
            yield Outcome(name, "failed", e.problem)
            continue
        state = states.get(path, "new")
        if path not in states:
            state = atlas.source_state(doc.name, doc.content_hash)
        if state == "unchanged":
            yield Outcome(name, "unchanged")
        else:
            yield _ToExtract(doc, state)


def source_names(files: Sequence[Path], atlas: Atlas) -> dict[Path, str]:
    """The name each file is stored under: its file name, unless another file of the run, or a
    source the atlas holds from another folder, has that name too ("index.html" pages saved from
    several sites); then its full path, so that neither replaces the other."""
    groups: dict[str, list[Path]] = {}
    for path in files:
        groups.setdefault(path.name, []).append(path)
    stored = atlas.source_paths(list(groups))
    names: dict[Path, str] = {}
    for name, group in groups.items():
        for path in group:
            full = _full(path)
            clash = len({_full(p) for p in group}) > 1 or (
                name in stored and stored[name] is not None and stored[name] != full)
            names[path] = full if clash else name
    return names


def _full(path: Path) -> str:
    try:
        return str(path.resolve())
    except OSError:
        return str(path.absolute())


def _hashable(path: Path) -> bool:
    """A regular file `read_document` would agree to read, so hashing it first costs little."""
    from jumelage.read.dispatch import media_type_for

    info = path.stat()
    return stat.S_ISREG(info.st_mode) and info.st_size <= max_file_bytes(
        media_type_for(path.name))


def _extract_and_store(
    batch: list[_ToExtract], extractor: Extractor, store: _Store,
) -> Iterator[Outcome]:
    expected = {id(item.doc): item.expected for item in batch}
    for doc, result in extract_stream([item.doc for item in batch], extractor):
        if isinstance(result, Extraction):
            yield from store.put(doc, result, expected[id(doc)])
        else:
            yield Outcome(_where(doc), "failed", result)


def extract_batch(batch: Sequence[Document], extractor: Extractor) -> list[Extraction | str]:
    """Each document's Extraction, or the one-line problem that stopped it, in the batch's order.

    The batch goes through the model in one pass; if that pass breaks, the documents it did not
    reach are retried one by one so that a single bad text costs only itself.
    """
    return [result for _, result in extract_stream(batch, extractor)]


def extract_stream(
    batch: Sequence[Document], extractor: Extractor,
) -> Iterator[tuple[Document, Extraction | str]]:
    """As `extract_batch`, each document with its result as soon as it is ready."""
    done = 0
    try:
        for extraction in extractor.extract_many(batch):
            if done == len(batch):
                break
            yield batch[done], extraction
            done += 1
    except Exception:  # noqa: BLE001 - isolated below, document by document
        pass
    for doc in batch[done:]:
        yield doc, _extract_one(doc, extractor)


def extract_files(
    files: Iterable[Path], text_only: bool = False, batch_size: int = 16,
    owner: str | None = None, known_partners: Any = None, extractor: Extractor | None = None,
) -> Iterator[tuple[Document | Path, Extraction | str | None]]:
    """Read and extract files without an atlas (`jumelage extract`, the web's preview), in order.

    Yields `(document, extraction)` per file, `(document, problem)` when extraction failed,
    `(path, problem)` when the file could not be read, and `(document, None)` with
    `text_only=True` (the model is then never loaded). Documents go through the model
    `batch_size` at a time; `owner` is the place that speaks in every document when the caller
    knows it; `known_partners` (a `gazetteer.KnownPartners`) tells homonyms apart. The model is
    loaded on the first document that needs it, unless `extractor` is given.
    """
    batch: list[Document] = []

    def flush() -> Iterator[tuple[Document, Extraction | str]]:
        nonlocal extractor
        if extractor is None:
            from jumelage.extract import Extractor as _Extractor

            extractor = (_Extractor(known_partners=known_partners) if known_partners
                         else _default_extractor())
        yield from zip(batch, extract_batch(batch, extractor), strict=True)
        batch.clear()

    for path in files:
        try:
            doc = read_document(path)
        except ReadError as e:
            yield path, e.problem
            continue
        if owner:
            doc = replace(doc, owner=owner)
        if text_only:
            yield doc, None
            continue
        batch.append(doc)
        if len(batch) >= max(1, batch_size):
            yield from flush()
    if batch:
        yield from flush()


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
    return Outcome(_where(doc), state, note=_note(doc))  # type: ignore[arg-type]


def _note(doc: Document) -> str | None:
    return "; ".join(doc.notes) or None


def _where(doc: Document) -> str:
    return doc.path or doc.name


def _problem(error: JumelageError, doc: Document) -> str:
    """The error's message without a leading file name (the report names the file already)."""
    if isinstance(error, ReadError):
        return error.problem
    return _without_name(str(error), doc)


def _without_name(text: str, doc: Document) -> str:
    for prefix in (f"{doc.path}: ", f"{doc.name}: "):
        if text.startswith(prefix):
            return text[len(prefix):]
    return text


# -- storing ----------------------------------------------------------------------------------

class _Store:
    """Stores documents here, one transaction each, as they come."""

    def __init__(self, atlas: Atlas) -> None:
        self.atlas = atlas
        self.late: list[Outcome] = []       # what `abort` found stored but not yet reported

    def start(self) -> None:
        pass

    def put(self, doc: Document, ext: Extraction, expected: str) -> list[Outcome]:
        return [_save(doc, ext, self.atlas)]

    def ready(self) -> list[Outcome]:
        return []

    def finish(self) -> list[Outcome]:
        return []

    def abort(self) -> list[Outcome]:
        """Stop now; the outcomes of documents stored but not reported yet."""
        return []


class _WriterStore(_Store):
    """Hands documents to a writer process; outcomes come back as the writer reports them."""

    def __init__(self, atlas: Atlas) -> None:
        super().__init__(atlas)
        self.writer: Writer | None = None
        self.jobs: dict[int, tuple[Document, Extraction, str]] = {}
        self.count = 0

    def start(self) -> None:
        if self.writer is None:
            from jumelage.atlas.writer import Writer

            url = self.atlas.process_url
            assert url is not None
            self.writer = Writer(url)

    def put(self, doc: Document, ext: Extraction, expected: str) -> list[Outcome]:
        self.start()
        assert self.writer is not None
        self.count += 1
        self.jobs[self.count] = (doc, ext, expected)
        return self._outcomes(self.writer.submit(self.count, doc, ext))

    def ready(self) -> list[Outcome]:
        return self._outcomes(self.writer.ready()) if self.writer else []

    def finish(self) -> list[Outcome]:
        return self._outcomes(self.writer.finish()) if self.writer else []

    def abort(self) -> list[Outcome]:
        if self.writer is None:
            return []
        out = []
        for s in self.writer.abort():       # saved before the stop, not yet reported
            doc, _, _ = self.jobs.pop(s.key)
            if s.error is None and s.problem is None:
                out.append(Outcome(_where(doc), s.state, note=_note(doc)))  # type: ignore[arg-type]
            elif s.error is None:
                out.append(Outcome(_where(doc), "failed", _without_name(s.problem, doc)))
        return out

    def _outcomes(self, saved: list[Saved]) -> list[Outcome]:
        out = []
        for s in saved:
            doc, ext, expected = self.jobs.pop(s.key)
            if s.error is not None:
                raise s.error
            if s.lost:  # the writer died without a word about it: store it here
                outcome = _save(doc, ext, self.atlas)
                if outcome.state == "unchanged":  # the writer had saved it before dying
                    outcome = Outcome(outcome.path, expected)  # type: ignore[arg-type]
                out.append(outcome)
            elif s.problem is not None:
                out.append(Outcome(_where(doc), "failed", _without_name(s.problem, doc)))
            else:
                out.append(Outcome(_where(doc), s.state,  # type: ignore[arg-type]
                                   note=_note(doc)))
        return out


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
