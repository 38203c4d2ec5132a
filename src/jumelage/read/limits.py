"""How big a file jumelage agrees to read: 20 MB unless `JUMELAGE_MAX_FILE_MB` says otherwise."""
from __future__ import annotations

import math
import os

from jumelage.errors import JumelageError

ENV_VAR = "JUMELAGE_MAX_FILE_MB"
DEFAULT_MAX_MB = 20.0
MB = 1024 * 1024


def max_file_mb() -> float:
    """The size limit in megabytes, read from the environment at each call."""
    raw = os.environ.get(ENV_VAR, "").strip()
    if not raw:
        return DEFAULT_MAX_MB
    try:
        mb = float(raw.replace(",", "."))
    except ValueError:
        mb = math.nan
    if not (mb > 0 and math.isfinite(mb)):
        raise JumelageError(f"{ENV_VAR} must be a positive number of megabytes, not {raw!r}")
    return mb


def max_file_bytes() -> int:
    """The size limit in bytes."""
    return max(1, int(max_file_mb() * MB))


def _size(n: float) -> str:
    return f"{n / MB:.1f} MB" if n >= 0.1 * MB else f"{n / 1024:.1f} KB"


def too_large_problem(size: int) -> str:
    """The one-line problem for a file of `size` bytes, over the limit."""
    return f"file too large ({_size(size)} > limit {max_file_mb():g} MB)"
