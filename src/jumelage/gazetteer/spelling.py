"""How a name is written: in Latin script or not, capitalised like a proper name or not.

Keys for comparing names are not made here: they come from `jumelage.names.name_key`, the one
name key shared with the atlas.
"""
from __future__ import annotations

import unicodedata

from jumelage.gazetteer.french import LEADING_ARTICLES


def is_latin(name: str) -> bool:
    """True when every letter of `name` is Latin (names in other scripts are not indexed)."""
    for ch in name:
        if ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN"):
            return False
    return True


def looks_capitalised(mention: str) -> bool:
    """True when a mention reads as a proper name: its first letter is upper case.

    A leading article may be lower case: "la Havane", "l'Haÿ-les-Roses".
    """
    text = mention.lstrip()
    for article in LEADING_ARTICLES:
        if text.lower().startswith(article) and len(text) > len(article):
            text = text[len(article):].lstrip()
            break
    for ch in text:
        if ch.isalpha():
            return ch.isupper()
    return False
