"""The French grammar the gazetteer needs around place names, read from `data/fr_grammar.json`.

Articles, contractions, leading words, the words of administrative bodies and the patterns that
find a country after a town or an article before it are language knowledge, so they live in that
data file (written for this project) and this module only loads them once, as frozensets, dicts
and compiled patterns for `gazetteer.py`, `countries.py`, `labels.py`, `spelling.py` and the
extractor's mentions.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

_DATA = json.loads((Path(__file__).with_name("data") / "fr_grammar.json").read_text(encoding="utf-8"))

ARTICLES: frozenset[str] = frozenset(_DATA["articles"])              # « le », « la », « les », « l »
CONTRACTIONS: dict[str, str] = dict(_DATA["contractions"])           # « du » -> "Le "
ARTICLE_FORMS: dict[str, str] = {**_DATA["article_forms"], **CONTRACTIONS}
LOWER_LEADING: frozenset[str] = frozenset(_DATA["lower_leading"])
COUNTRY_LEADING: frozenset[str] = frozenset(_DATA["country_leading"])  # « la France », « aux États-Unis »
LEADING_ARTICLES: tuple[str, ...] = tuple(_DATA["leading_articles"])
BODY_WORDS: frozenset[str] = frozenset(_DATA["body_words"])           # « Région Bretagne »
COUNTRY_ARTICLE = re.compile(_DATA["country_article"], re.IGNORECASE)
COUNTRY_AFTER = re.compile(_DATA["country_after"])
ARTICLE_BEFORE = re.compile(_DATA["article_before"], re.IGNORECASE)
INCLUSIVE_ENDING = re.compile(_DATA["inclusive_ending"], re.IGNORECASE)  # « allemand.e.s »


def contracted_article(word: str) -> str | None:
    """The article a contraction hides, capitalised and followed by its space, as a name
    writes it: `"des"` -> `"Les "`, `"du"` -> `"Le "`; None for another word."""
    return CONTRACTIONS.get(word.lower())
