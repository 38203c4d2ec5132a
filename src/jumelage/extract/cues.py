"""Cue words of relations and events (`data/fr/cues.json`), compiled once, matched on folded text.

Patterns and text are both folded (lower case, no accents, plain apostrophes and dashes, same
length), so `cues.find("planned", text)` finds "prévu" in "Prévue" and reports offsets that are
valid in the original text.
"""
from __future__ import annotations

import re
from functools import lru_cache

from jumelage.extract.lexicon import fold_same_length, load_json
# `cues.best_kind` is the one order of kinds, kept in records (relations and owner call it here)
from jumelage.records import PARTNERSHIP_KINDS, best_kind  # noqa: F401


def _compile(patterns: list[str]) -> re.Pattern[str]:
    alternatives = "|".join(f"(?:{fold_same_length(p)})" for p in patterns)
    return re.compile(rf"(?<![\w·])(?:{alternatives})(?![\w])")


@lru_cache(maxsize=None)
def data() -> dict:
    return load_json("cues.json")


@lru_cache(maxsize=None)
def pattern(name: str) -> re.Pattern[str]:
    """The compiled alternation of cue list `name` (a top-level list, or `group.sub`)."""
    node = data()
    for part in name.split("."):
        node = node[part]
    if isinstance(node, str):
        return re.compile(fold_same_length(node))
    return _compile(list(node))


@lru_cache(maxsize=None)
def raw_pattern(name: str) -> re.Pattern[str]:
    """A pattern that must see accents (matched on the original text, case-insensitive)."""
    return re.compile(data()[name], re.IGNORECASE)


def search(name: str, folded: str) -> re.Match[str] | None:
    return pattern(name).search(folded)


def finditer(name: str, folded: str):
    return pattern(name).finditer(folded)


def has(name: str, folded: str) -> bool:
    return pattern(name).search(folded) is not None


@lru_cache(maxsize=None)
def kind_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    kinds = data()["partnership_kinds"]
    return tuple((k, _compile(kinds[k])) for k in PARTNERSHIP_KINDS if k in kinds)


@lru_cache(maxsize=8192)
def kinds_in(folded: str) -> tuple[tuple[str, int, int], ...]:
    """Every partnership-kind cue in `folded`: (kind, start, end), except inside an organisation's
    name ("le comité de jumelage", "responsable des jumelages"). The same passage is asked about
    by several steps (owner, pairs, units), so recent answers are kept."""
    out = []
    ignore = pattern("kind_ignore_before")
    for kind, pat in kind_patterns():
        out.extend(
            (kind, m.start(), m.end()) for m in pat.finditer(folded)
            if not ignore.search(folded[max(0, m.start() - 30):m.start()])
        )
    return tuple(sorted(out, key=lambda t: t[1]))


@lru_cache(maxsize=None)
def not_actor_before() -> re.Pattern[str]:
    pats = data()["not_actor_before"]
    return re.compile("|".join(f"(?:{fold_same_length(p)})" for p in pats))


@lru_cache(maxsize=None)
def status_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    st = data()["status"]
    return tuple((k, _compile(v)) for k, v in st.items())


def group_size(folded: str) -> int | None:
    """N in "les quatre communes", "entre les 4 villes"; None when the text names no such group."""
    m = search("group_of_n", folded)
    if not m:
        return None
    word = m.group(1)
    return int(word) if word.isdigit() else data()["number_words"].get(word)
