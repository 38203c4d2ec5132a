"""Expand files and folders into the documents to read, recursively and in a stable order."""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from jumelage.read.dispatch import SUPPORTED_SUFFIXES


def _hidden(name: str) -> bool:
    return name.startswith(".") or name.startswith("~$")     # dotfiles, Office lock files


def _walk(folder: Path) -> list[Path]:
    found: list[Path] = []
    unreadable: list[Path] = []

    def note_error(error: OSError) -> None:
        if error.filename:
            unreadable.append(Path(error.filename))

    for root, dirs, files in os.walk(folder, onerror=note_error):
        dirs[:] = [d for d in dirs if not _hidden(d)]
        for name in files:
            if not _hidden(name) and Path(name).suffix.lower() in SUPPORTED_SUFFIXES:
                found.append(Path(root) / name)
    # an unreadable folder is yielded too, so that reading it reports the problem
    return sorted(found + unreadable, key=lambda p: p.relative_to(folder).parts)


def iter_documents(paths: Iterable[str | Path]) -> Iterator[Path]:
    """The files to read: folders walked recursively (sorted; hidden entries and unsupported
    suffixes skipped); paths given explicitly yielded as they are, even with an unknown
    suffix or when missing, so that `read_document` reports them. Each path once."""
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        candidates = _walk(path) if path.is_dir() and os.access(path, os.R_OK | os.X_OK) \
            else [path]
        for candidate in candidates:
            key = Path(os.path.abspath(candidate))
            if key not in seen:
                seen.add(key)
                yield candidate
