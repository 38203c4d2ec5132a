"""Expand files and folders into the documents to read, recursively and in a stable order.

`scan(paths, exclude)` also says what it left out of folders and why: files that are notes about
a folder rather than documents (README, SOURCES, LICENSE, CHANGELOG and the like), files matching
an `--exclude` pattern or a pattern of the folder's `.jumelageignore` file (one shell pattern a
line, `#` comments, matched against the file name and its path inside the folder), and files of
a type jumelage does not read, and links that lead out of the folder (a folder handed to ingest
must not smuggle in `/etc/shadow` or another user's files: what is ingested is served by the web
atlas). Files named explicitly are always read (and reported if bad).
"""
from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from jumelage.read.dispatch import SUPPORTED_SUFFIXES


def _hidden(name: str) -> bool:
    return name.startswith(".") or name.startswith("~$")     # dotfiles, Office lock files


def iter_documents(paths: Iterable[str | Path], exclude: Sequence[str] = ()) -> Iterator[Path]:
    """The files to read: folders walked recursively (sorted; hidden entries, notes such as
    README or SOURCES, excluded and unsupported files skipped, see `scan`); paths given
    explicitly yielded as they are, even with an unknown suffix or when missing, so that
    `read_document` reports them. Each path once."""
    yield from scan(paths, exclude).files


IGNORE_FILE = ".jumelageignore"
NOT_DOCUMENTS = frozenset({
    "readme", "sources", "license", "licence", "copying", "changelog", "changes", "history",
    "news", "contributing", "authors", "contributors", "notice", "install", "todo",
    "code_of_conduct", "security", "citation",
})
"""File stems (any case, any suffix) that describe a folder instead of being one of its
documents."""


@dataclass
class Scan:
    """The files to read, and (path, reason) for each file a folder held that is not read."""

    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)


def _patterns(folder: Path, exclude: Sequence[str]) -> list[str]:
    patterns = [p for p in exclude if p]
    try:
        lines = (folder / IGNORE_FILE).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        lines = []
    patterns += [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    return patterns


def _excluded(relative: Path, patterns: list[str]) -> str | None:
    text = relative.as_posix()
    for pattern in patterns:
        bare = pattern.rstrip("/")
        if fnmatch.fnmatch(relative.name, bare) or fnmatch.fnmatch(text, bare) or any(
                fnmatch.fnmatch(part, bare) for part in relative.parts[:-1]):
            return pattern
    return None


def _leads_outside(path: Path, inside: Path) -> bool:
    """A symbolic link whose target (resolved) is not under `inside` (resolved), or is broken."""
    if not path.is_symlink():
        return False
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):       # broken link or a loop
        return True
    return not target.is_relative_to(inside)


def _scan_folder(folder: Path, exclude: Sequence[str], scan: Scan) -> list[Path]:
    patterns = _patterns(folder, exclude)
    inside = folder.resolve()
    found: list[Path] = []
    unreadable: list[Path] = []

    def note_error(error: OSError) -> None:
        if error.filename:
            unreadable.append(Path(error.filename))

    for root, dirs, files in os.walk(folder, onerror=note_error):
        dirs[:] = [d for d in dirs if not _hidden(d)]
        for name in files:
            path = Path(root) / name
            if _hidden(name):
                continue
            relative = path.relative_to(folder)
            pattern = _excluded(relative, patterns)
            if pattern is not None:
                scan.skipped.append((path, f"excluded by {pattern!r}"))
            elif _leads_outside(path, inside):
                scan.skipped.append((path, "a link to a file outside the folder (name it "
                                           "explicitly to read it)"))
            elif Path(name).stem.lower().replace("-", "_") in NOT_DOCUMENTS:
                scan.skipped.append((path, "not a document (a note about the folder)"))
            elif Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
                suffix = Path(name).suffix.lower() or "(no file extension)"
                scan.skipped.append((path, f"unsupported file type {suffix}"))
            else:
                found.append(path)
    scan.skipped.sort(key=lambda item: str(item[0]))
    return sorted(found + unreadable, key=lambda p: p.relative_to(folder).parts)


def scan(paths: Iterable[str | Path], exclude: Sequence[str] = ()) -> Scan:
    """The files to read under `paths` and what folders held that is skipped (see the module
    docstring); each file once, folders walked recursively in a stable order."""
    out = Scan()
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir() and os.access(path, os.R_OK | os.X_OK):
            candidates = _scan_folder(path, exclude, out)
        else:
            candidates = [path]
        for candidate in candidates:
            key = Path(os.path.abspath(candidate))
            if key not in seen:
                seen.add(key)
                out.files.append(candidate)
    return out
