"""Read a document from a file or from memory: pick the format reader, enforce the limits,
and wrap the result in a `jumelage.records.Document`.

Every failure a person can cause (missing file, wrong type, empty, binary, too big,
protected, damaged) becomes one `ReadError(path, problem)`; nothing else escapes.
"""
from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from pathlib import Path

from jumelage.errors import ReadError
from jumelage.records import Document
from jumelage.read.clean import squeeze_spaces
from jumelage.read.content import Content
from jumelage.read.docx import parse_docx
from jumelage.read.html import parse_html
from jumelage.read.language import detect_language
from jumelage.read.limits import max_file_bytes, too_large_problem
from jumelage.read.pdf import parse_pdf
from jumelage.read.txt import parse_text

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MEDIA_TYPES = {
    ".txt": "text/plain",
    ".text": "text/plain",
    ".md": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
    ".pdf": "application/pdf",
    ".docx": DOCX_TYPE,
}
SUPPORTED_SUFFIXES = tuple(MEDIA_TYPES)
_MEDIA_ALIASES = {
    "text/x-markdown": "text/markdown",
    "application/xhtml+xml": "text/html",
    "application/x-pdf": "application/pdf",
}

Reader = Callable[[bytes, object, int], Content]
_READERS: dict[str, Reader] = {
    "text/plain": lambda data, label, _limit: parse_text(data, label),
    "text/markdown": lambda data, label, _limit: parse_text(data, label, markdown=True),
    "text/html": lambda data, label, _limit: parse_html(data, label),
    "application/pdf": lambda data, label, _limit: parse_pdf(data, label),
    DOCX_TYPE: parse_docx,
}


def _unsupported(suffix: str) -> str:
    what = suffix if suffix else "(no file extension)"
    return f"unsupported file type {what} (supported: {', '.join(SUPPORTED_SUFFIXES)})"


def _base_name(name: str) -> str:
    return name.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or name


def media_type_for(name: str, media_type: str | None = None) -> str | None:
    """The media type jumelage reads a file as: from its suffix, else from `media_type`."""
    suffix = Path(_base_name(name)).suffix.lower()
    if suffix in MEDIA_TYPES:
        return MEDIA_TYPES[suffix]
    if media_type:
        base = media_type.split(";", 1)[0].strip().lower()
        base = _MEDIA_ALIASES.get(base, base)
        if base in _READERS:
            return base
    return None


def _document(data: bytes, name: str, label: object, media_type: str | None,
              path: str | None, limit: int) -> Document:
    kind = media_type_for(name, media_type)
    if kind is None:
        raise ReadError(label, _unsupported(Path(_base_name(name)).suffix.lower()))
    if len(data) > limit:
        raise ReadError(label, too_large_problem(len(data)))
    if not data:
        raise ReadError(label, "empty file")
    try:
        content = _READERS[kind](data, label, limit)
    except ReadError:
        raise
    except RecursionError as exc:
        raise ReadError(label, "document too deeply nested to read") from exc
    except Exception as exc:               # a library choking on malformed input: one clear line
        detail = squeeze_spaces(f"{type(exc).__name__}: {exc}")[:200]
        raise ReadError(label, f"cannot read {kind} content ({detail})") from exc
    return Document(
        name=_base_name(name),
        text=content.text,
        media_type=kind,
        content_hash=hashlib.sha256(data).hexdigest(),
        path=path,
        language=detect_language(content.text),
        date=content.date,
        title=content.title,
    )


def read_bytes(data: bytes, name: str, media_type: str | None = None) -> Document:
    """A Document from bytes held in memory (an upload): `name` gives the file name and, by its
    suffix, the format; `media_type` is used when the suffix says nothing."""
    return _document(bytes(data), name, _base_name(name), media_type, None, max_file_bytes())


def _os_problem(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "cannot read: no such file"
    if isinstance(exc, PermissionError):
        return "cannot read: permission denied"
    if isinstance(exc, IsADirectoryError):
        return "cannot read: is a directory"
    return f"cannot read: {(exc.strerror or str(exc)).lower()}"


def read_document(path: str | Path) -> Document:
    """A Document from a file; ReadError(path, problem) when it cannot be read.

    The size is checked with stat before anything is read, and at most limit + 1 bytes are
    ever read, so an oversized file costs no memory.
    """
    file = Path(path)
    limit = max_file_bytes()
    try:
        info = file.stat()
    except OSError as exc:
        raise ReadError(path, _os_problem(exc)) from exc
    if stat.S_ISDIR(info.st_mode):
        readable = os.access(file, os.R_OK | os.X_OK)
        raise ReadError(path, "cannot read: is a directory" if readable
                        else "cannot read: permission denied")
    if not stat.S_ISREG(info.st_mode):
        raise ReadError(path, "cannot read: not a regular file")
    if media_type_for(file.name) is None:
        raise ReadError(path, _unsupported(file.suffix.lower()))
    if info.st_size > limit:
        raise ReadError(path, too_large_problem(info.st_size))
    try:
        with file.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise ReadError(path, _os_problem(exc)) from exc
    return _document(data, file.name, path, None, str(path), limit)
