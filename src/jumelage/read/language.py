"""Tell whether a text is French, by the share of its words that are French function words.

The word list lives in `data/stopwords_fr.txt`. This is deliberately simple: it answers
"fr" or None, which is all the pipeline needs to decide whether French rules apply.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

_WORD = re.compile(r"[^\W\d_]+")
MIN_WORDS = 8
MIN_RATIO = 0.12
SAMPLE_CHARS = 200_000


@lru_cache(maxsize=1)
def french_stopwords() -> frozenset[str]:
    raw = resources.files("jumelage.read").joinpath("data/stopwords_fr.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in raw.splitlines() if line.strip() and not line.startswith("#")
    )


def detect_language(text: str) -> str | None:
    """"fr" when enough of the text's words are French function words, else None."""
    words = _WORD.findall(text[:SAMPLE_CHARS].lower())
    if len(words) < MIN_WORDS:
        return None
    stop = french_stopwords()
    hits = sum(1 for w in words if w in stop)
    return "fr" if hits / len(words) >= MIN_RATIO else None
