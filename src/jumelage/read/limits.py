"""How big a file jumelage agrees to read: 20 MB unless `JUMELAGE_MAX_FILE_MB` says otherwise."""
from __future__ import annotations

import os

from jumelage.errors import JumelageError

ENV_VAR = "JUMELAGE_MAX_FILE_MB"
DEFAULT_MAX_MB = 20.0
MB = 1024 * 1024


def max_file_bytes() -> int:
    """The size limit in bytes, read from the environment at each call (so tests can change it)."""
    raw = os.environ.get(ENV_VAR, "").strip()
    if not raw:
        return int(DEFAULT_MAX_MB * MB)
    try:
        mb = float(raw.replace(",", "."))
    except ValueError:
        mb = -1.0
    if not mb > 0 or mb != mb or mb == float("inf"):
        raise JumelageError(f"{ENV_VAR} must be a positive number of megabytes, not {raw!r}")
    return max(1, int(mb * MB))


def too_large_problem(size: int, limit: int) -> str:
    """The one-line problem for a file of `size` bytes over `limit` bytes."""
    return f"file too large ({size / MB:.1f} MB > limit {limit / MB:g} MB)"
