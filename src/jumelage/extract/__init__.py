"""Text to records: places, partnerships, actions, initiatives and organisations with evidence.

`Extractor().extract(document)` returns an `Extraction` (see `jumelage.records`); the spaCy model
loads once per `Extractor`. `extract_text(text)` is the shortcut for a string. Language knowledge
(cue words, theme lexicons, date patterns) lives in `data/fr/`.
"""
from __future__ import annotations

import hashlib

from jumelage.records import Document, Extraction

__all__ = ["Extractor", "extract_text", "default_extractor"]

_default = None


def default_extractor():
    """A process-wide Extractor (the model loads once per process)."""
    global _default
    if _default is None:
        from jumelage.extract.pipeline import Extractor

        _default = Extractor()
    return _default


def extract_text(text: str, name: str = "text.txt", date: str | None = None) -> Extraction:
    """The extraction of a plain `text` (a `str`, offsets in the result refer to it), read as a
    document called `name` published on `date` (ISO partial, or None: the text's own date), with
    the process's default `Extractor` (the French model is loaded on first use, once)."""
    doc = Document(
        name=name, text=text, media_type="text/plain",
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(), date=date,
    )
    return default_extractor().extract(doc)


def __getattr__(name: str):
    if name == "Extractor":
        from jumelage.extract.pipeline import Extractor

        return Extractor
    raise AttributeError(name)
