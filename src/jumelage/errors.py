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
