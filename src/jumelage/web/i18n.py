"""French by default, English on request: a small message catalogue per language.

Messages live in `locales/fr.json` and `locales/en.json` (key -> text, `{name}` placeholders).
The language comes from `?lang=fr|en` (remembered in a `lang` cookie), else the cookie, else
French. A key missing from a catalogue falls back to French, then to the key itself.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("fr", "en")
DEFAULT = "fr"
COOKIE = "lang"
LOCALES = Path(__file__).resolve().parent / "locales"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The messages of `lang` (one of LANGUAGES)."""
    return json.loads((LOCALES / f"{lang}.json").read_text(encoding="utf-8"))


def pick(query: str | None, cookie: str | None) -> str:
    """The language of a request from its `lang` query parameter, then its cookie."""
    for wanted in (query, cookie):
        if wanted in LANGUAGES:
            return wanted  # type: ignore[return-value]
    return DEFAULT


def translator(lang: str) -> Callable[..., str]:
    """`t(key, **values)`: the message for `key` in `lang`, placeholders filled."""
    own, fallback = catalogue(lang), catalogue(DEFAULT)

    def t(key: str, **values: Any) -> str:
        text = own.get(key) or fallback.get(key) or key
        return text.format(**values) if values else text

    return t


def label(t: Callable[..., str], group: str, value: str | None) -> str:
    """A vocabulary word (theme, status, kind…) in the page's language: key `group.value`."""
    if value is None:
        return ""
    text = t(f"{group}.{value}")
    return value.replace("_", " ") if text == f"{group}.{value}" else text
