"""A separate process that stores documents in the atlas while the caller extracts the next ones.

Saving a document is pure Python: a writer *thread* would hold the GIL against extraction, so the
store gets a process of its own. `Writer(url)` starts it with the `spawn` method (a fresh
interpreter that imports the atlas, never the language model); the caller `submit`s
(key, document, extraction) jobs through a bounded queue and collects one `Saved` per job, in
order. Each document is still one transaction, saved with `Atlas.save_extraction`.

Shutting down:
- `finish()` sends the end of work and waits for every outcome;
- `abort()` (an error or Ctrl-C in the caller) lets the document being saved finish, drops the
  rest, and ends the process; what was not saved is simply saved by the next run;
- the caller killed with SIGKILL: the writer sees its parent gone before taking the next job and
  exits (the document it was saving, if any, is committed whole or not at all);
- the writer dying unexpectedly: `Saved.lost` tells the caller which jobs have no outcome, so it
  can save them itself.
The writer ignores SIGINT: Ctrl-C in a terminal reaches the whole process group, and the caller
decides. It is started with the caller's `__main__` hidden: `spawn` would otherwise run the
caller's script again in the writer (a script calling `ingest` at its top level, without an
`if __name__ == "__main__":` guard, would ingest twice), and the writer needs nothing from it.
"""
from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import signal
import sys
import traceback
import types
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.synchronize import Event
from typing import Any

from jumelage.errors import JumelageError
from jumelage.records import Document, Extraction

CONTEXT = "spawn"
CAPACITY = 32          # documents queued for the writer before `submit` waits
POLL_SECONDS = 0.5     # how often an idle writer checks that its parent is alive
STOP_SECONDS = 30      # how long `abort` waits for the document being saved


@dataclass(frozen=True)
class Saved:
    """The outcome of one job: `state` (new, unchanged, updated), or `problem` when it failed.

    `error` is an unexpected exception the save raised (a bug, not a bad document), to be raised
    again by the caller; `lost` means the writer died before saying anything about the job.
    """

    key: Any
    state: str | None = None
    problem: str | None = None
    error: BaseException | None = None
    lost: bool = False


class Writer:
    """The writer process for the atlas at `url` (the full URL: it opens its own connection)."""

    def __init__(self, url: str, capacity: int = CAPACITY) -> None:
        ctx = multiprocessing.get_context(CONTEXT)
        self._jobs: Any = ctx.Queue(maxsize=capacity)
        self._results: Any = ctx.Queue()
        self._stop = ctx.Event()
        self._open: dict[Any, None] = {}     # keys submitted without an outcome yet, in order
        self._done = False
        self.peak_kb: int | None = None       # the writer's peak resident memory, once finished
        self._process = ctx.Process(target=_serve, name="jumelage-atlas-writer", daemon=True,
                                    args=(url, self._jobs, self._results, self._stop))
        main = sys.modules["__main__"]
        sys.modules["__main__"] = types.ModuleType("__main__")  # nothing to run again there
        try:
            self._process.start()
        finally:
            sys.modules["__main__"] = main

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def submit(self, key: Any, doc: Document, ext: Extraction) -> list[Saved]:
        """Queue one document (waiting while the queue is full); outcomes ready meanwhile."""
        ready: list[Saved] = []
        while self._process.is_alive():
            try:
                self._jobs.put((key, doc, ext), timeout=0.2)
                self._open[key] = None
                return ready + self.ready()
            except queue.Full:
                ready += self.ready()
        return ready + self.ready() + self._lost() + [Saved(key, lost=True)]

    def ready(self) -> list[Saved]:
        """The outcomes that have arrived, without waiting."""
        out: list[Saved] = []
        while True:
            try:
                message = self._results.get_nowait()
            except queue.Empty:
                return out
            out += self._receive(message)

    def finish(self) -> list[Saved]:
        """End the work: wait for every outcome, then for the process to exit."""
        out: list[Saved] = []
        while self._process.is_alive():   # the end mark waits for room, like any job
            try:
                self._jobs.put(None, timeout=0.2)
                break
            except queue.Full:
                out += self.ready()
        while not self._done:
            try:
                out += self._receive(self._results.get(timeout=POLL_SECONDS))
            except queue.Empty:
                if not self._process.is_alive():
                    out += self.ready()
                    if not self._done:
                        out += self._lost()
                        break
        self._jobs.cancel_join_thread()     # whatever is still queued will never be read
        self._process.join(STOP_SECONDS)
        return out

    def abort(self) -> list[Saved]:
        """Stop after the document being saved; forget the queued ones; end the process.
        Returns the outcomes of the documents it saved that were not yet read (so that an
        interrupted run reports every document that is in the atlas); never lost ones."""
        self._stop.set()
        try:
            self._jobs.put_nowait(None)      # wakes a waiting writer; if full, the stop is enough
        except queue.Full:
            pass
        self._jobs.cancel_join_thread()     # queued jobs may never be read: do not wait on them
        self._process.join(STOP_SECONDS)
        if self._process.is_alive():
            self._process.terminate()       # its open transaction, if any, is rolled back
            self._process.join(STOP_SECONDS)
        try:
            saved = [s for s in self.ready() if not s.lost]
        except Exception:                   # noqa: BLE001 - a message cut by the terminate
            saved = []
        self._open.clear()
        return saved

    def _receive(self, message: tuple[Any, ...]) -> list[Saved]:
        kind = message[0]
        if kind == "saved":
            _, key, state, problem, error = message
            self._open.pop(key, None)
            return [Saved(key, state, problem, _unpickle(error))]
        if kind == "done":
            self._done = True
            self.peak_kb = message[1]
            return self._lost()              # anything left open was never saved
        if kind == "fatal":
            self._done = True
            return self._lost()
        return []

    def _lost(self) -> list[Saved]:
        if not self._process.is_alive():
            self._jobs.cancel_join_thread()
        lost = [Saved(key, lost=True) for key in self._open]
        self._open.clear()
        return lost


def peak_kb() -> int:
    """This process's peak resident memory in KiB.

    From /proc (`VmHWM`) where there is one: `ru_maxrss` of a spawned process also counts the
    parent's memory it shared for an instant between fork and exec.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # Windows
        return 0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss // 1024 if sys.platform == "darwin" else rss  # macOS counts bytes


def _unpickle(blob: bytes | None) -> BaseException | None:
    return pickle.loads(blob) if blob is not None else None


def _pickled(error: BaseException) -> bytes:
    try:
        return pickle.dumps(error)
    except Exception:  # noqa: BLE001 - an exception that does not pickle is sent as text
        return pickle.dumps(RuntimeError(f"{type(error).__name__}: {error}"))


def _serve(url: str, jobs: Any, results: Any, stop: Event) -> None:
    """The writer process: save each job in its own transaction, report each outcome.

    It ends with `os._exit` once its last message is flushed: the interpreter's own shutdown
    would add a tenth of a second to every ingest, and there is nothing left to clean up.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    code = 1
    try:
        _work(url, jobs, results, stop, parent)
        code = 0
    except BaseException:  # noqa: BLE001 - a bug: shown, and the caller sees the jobs lost
        traceback.print_exc()
    finally:
        if parent is not None and not parent.is_alive():
            results.cancel_join_thread()    # nobody will read what is left
        results.close()
        results.join_thread()
        os._exit(code)


def _work(url: str, jobs: Any, results: Any, stop: Event, parent: Any) -> None:
    from jumelage.atlas.store import Atlas  # imported here: the process starts light

    try:
        atlas = Atlas.open(url)
    except JumelageError as e:
        results.put(("fatal", str(e)))
        return
    try:
        for key, doc, ext in _jobs(jobs, stop, parent):
            try:
                state, problem, error = atlas.save_extraction(doc, ext), None, None
            except JumelageError as e:
                state, problem, error = None, str(e), None
            except Exception as e:  # noqa: BLE001 - sent back, the caller raises it
                state, problem, error = None, None, _pickled(e)
            results.put(("saved", key, state, problem, error))
    finally:
        atlas.close()
    if parent is None or parent.is_alive():
        results.put(("done", peak_kb()))


def _jobs(jobs: Any, stop: Event, parent: Any) -> Iterator[tuple[Any, Document, Extraction]]:
    """Jobs until the end mark, a stop, or the parent's death."""
    while not stop.is_set():
        if parent is not None and not parent.is_alive():
            return
        try:
            job = jobs.get(timeout=POLL_SECONDS)
        except queue.Empty:
            continue
        if job is None or stop.is_set():
            return
        yield job
