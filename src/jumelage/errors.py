"""Errors jumelage reports to people: one clear line naming the thing and the problem."""
from __future__ import annotations


class JumelageError(Exception):
    """An error meant for the user: printed as one line, never as a traceback."""


class ReadError(JumelageError):
    """A document could not be read (unknown type, empty, binary, encrypted, unreadable...)."""

    def __init__(self, path: object, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class AtlasError(JumelageError):
    """The atlas could not be opened or written (bad URL, server not answering...)."""


class NotFound(AtlasError):
    """The atlas holds no such record (a place, partnership, source... id or name unknown).

    The web answers 404. `kind` is the record kind asked for, `key` the id or name given.
    """

    def __init__(self, kind: str, key: object, message: str | None = None) -> None:
        self.kind = kind
        self.key = key
        super().__init__(message or f"no {kind} with id {key}")


class InvalidChange(AtlasError):
    """A change or a query the atlas refuses: a bad field value, an unknown review state or
    filter, a malformed pagination cursor. Nothing was written. The web answers 422."""


class DatabaseUnavailable(AtlasError):
    """The database could not be reached or used (server down, file locked or unreadable).

    The web answers 503; the message names the database with its password hidden."""


AtlasUnavailable = DatabaseUnavailable  # the name used by the design notes
