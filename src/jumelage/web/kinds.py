"""The kinds of atlas errors the web answers differently (404, 422, 503).

Until the atlas raises kinds of its own, a lookup that finds nothing raises `NotFound` here, and a
database failure is recognised by the one-line message `connect.atlas_error` gives it.
"""
from __future__ import annotations

from jumelage.errors import AtlasError


class NotFound(AtlasError):
    """No record (place, partnership, source…) with that id."""


class InvalidChange(AtlasError):
    """A change a person asked for is not allowed or not well formed."""


class DatabaseUnavailable(AtlasError):
    """The database does not answer."""


_UNAVAILABLE = ("cannot open atlas", "cannot read atlas", "cannot write atlas")


def classify(exc: AtlasError) -> AtlasError:
    """`exc` as one of the kinds above (a plain AtlasError from a write is an invalid change)."""
    if isinstance(exc, (NotFound, InvalidChange, DatabaseUnavailable)):
        return exc
    text = str(exc)
    if text.startswith(_UNAVAILABLE):
        return DatabaseUnavailable(text)
    if text.startswith("no ") and " with id " in text:
        return NotFound(text)
    return InvalidChange(text)
