"""Fold place names to one comparable key: lower case, no accents, punctuation as spaces.

`fold("Saint-Étienne")`, `fold("St. Etienne")` and `fold("SAINT ETIENNE")` all give
`"saint etienne"`. The gazetteer index stores folded names and every lookup folds its query the
same way, so this function is the contract between the index and its users: change it and the
index format version in `index.py` must change too.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Latin letters that Unicode decomposition does not reduce to ASCII.
_SPECIAL = str.maketrans({
    "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
    "ı": "i", "ħ": "h", "ŧ": "t", "ŋ": "n", "ƒ": "f", "ĸ": "k", "ſ": "s", "ɨ": "i", "ʉ": "u",
})
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_SAINTS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


@lru_cache(maxsize=65536)
def fold(name: str) -> str:
    """The folded key of a name: `"Bishop’s Stortford"` -> `"bishop s stortford"`."""
    text = name.lower().translate(_SPECIAL)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.translate(_SPECIAL)  # letters exposed by decomposition (rare)
    tokens = _NON_ALNUM.sub(" ", text).split()
    return " ".join(_SAINTS.get(tok, tok) for tok in tokens)


def is_latin(name: str) -> bool:
    """True when every letter of `name` is Latin (names in other scripts are not indexed)."""
    for ch in name:
        if ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN"):
            return False
    return True


_LEADING_ARTICLES = ("le ", "la ", "les ", "l'", "l’")


def looks_capitalised(mention: str) -> bool:
    """True when a mention reads as a proper name: its first letter is upper case.

    A leading article may be lower case: "la Havane", "l'Haÿ-les-Roses".
    """
    text = mention.lstrip()
    for article in _LEADING_ARTICLES:
        if text.lower().startswith(article) and len(text) > len(article):
            text = text[len(article):].lstrip()
            break
    for ch in text:
        if ch.isalpha():
            return ch.isupper()
    return False
