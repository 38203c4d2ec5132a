"""How big a file jumelage agrees to read, and how long a text it agrees to extract.

- files: 20 MB unless `JUMELAGE_MAX_FILE_MB` says otherwise; PDF and DOCX files, whose bytes are
  mostly images and fonts, may be `CONTAINER_FACTOR` times larger (a 26 MB magazine PDF holding
  one paragraph is read);
- text: what a file gives once read is refused beyond `JUMELAGE_MAX_TEXT_MB` (default: the
  file limit) megabytes of characters — time and memory of extraction follow the text's length,
  not the file's. `text_limit` sets it for one block of code without touching the environment;
  `ingest(..., max_text_mb=)` uses it for one run (`jumelage ingest --max-text-size MB`, and the
  web atlas's uploads).
"""
from __future__ import annotations

import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from jumelage.errors import JumelageError

ENV_VAR = "JUMELAGE_MAX_FILE_MB"
TEXT_ENV_VAR = "JUMELAGE_MAX_TEXT_MB"
CONTAINER_FACTOR = 10
CONTAINERS = ("application/pdf",
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
DEFAULT_MAX_MB = 20.0
MB = 1024 * 1024
_TEXT_LIMIT: ContextVar[float | None] = ContextVar("jumelage_text_limit_mb", default=None)


def _megabytes(variable: str, default: float) -> float:
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return default
    try:
        mb = float(raw.replace(",", "."))
    except ValueError:
        mb = math.nan
    if not (mb > 0 and math.isfinite(mb)):
        raise JumelageError(f"{variable} must be a positive number of megabytes, not {raw!r}")
    return mb


def max_file_mb(media_type: str | None = None) -> float:
    """The file size limit in megabytes (for `media_type`), read from the environment."""
    mb = _megabytes(ENV_VAR, DEFAULT_MAX_MB)
    return mb * CONTAINER_FACTOR if media_type in CONTAINERS else mb


def max_file_bytes(media_type: str | None = None) -> int:
    """The file size limit in bytes (PDF and DOCX: `CONTAINER_FACTOR` times more)."""
    return max(1, int(max_file_mb(media_type) * MB))


def _text_limit_mb() -> float:
    override = _TEXT_LIMIT.get()
    return override if override is not None else _megabytes(TEXT_ENV_VAR, max_file_mb())


@contextmanager
def text_limit(mb: float) -> Iterator[None]:
    """Within the block (this thread or task only), texts over `mb` megabytes of characters are
    refused, whatever `JUMELAGE_MAX_TEXT_MB` says. Raises ValueError for a non-positive `mb`."""
    if not (mb > 0 and math.isfinite(mb)):
        raise ValueError(f"a text limit is a positive number of megabytes, not {mb!r}")
    token = _TEXT_LIMIT.set(mb)
    try:
        yield
    finally:
        _TEXT_LIMIT.reset(token)


def max_text_chars() -> int:
    """The longest text, in characters, extracted from one document."""
    return max(1, int(_text_limit_mb() * MB))


def too_long_problem(length: int) -> str:
    """The one-line problem for a text of `length` characters, over the text limit."""
    if _TEXT_LIMIT.get() is not None:
        return f"text too long ({_size(length)} of text > limit {_TEXT_LIMIT.get():g} MB)"
    limit = _megabytes(TEXT_ENV_VAR, max_file_mb())
    return (f"text too long ({_size(length)} of text > limit {limit:g} MB; "
            "raise it with --max-text-size)")


def _size(n: float) -> str:
    return f"{n / MB:.1f} MB" if n >= 0.1 * MB else f"{n / 1024:.1f} KB"


def too_large_problem(size: int, media_type: str | None = None) -> str:
    """The one-line problem for a file of `size` bytes, over the limit."""
    return f"file too large ({_size(size)} > limit {max_file_mb(media_type):g} MB)"
