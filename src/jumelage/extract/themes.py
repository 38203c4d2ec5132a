"""Themes of a passage (health, education, youth...) and its crisis context (covid-19, war...).

`themes_for(text)` scores the 18 themes of the interchange format with the weighted cue words
and phrases of `data/fr/themes.tsv` and keeps the best one to three; `context_for(text)` does
the same with `data/fr/contexts.tsv` and returns one tag or None. Matching ignores case and
accents, reads inclusive writing ("habitant·es") as the base word, folds simple French plural
and feminine endings, and takes the longest cue where cues overlap ("école de musique" is
culture, not education). Cue words live in the data files, not here.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from jumelage.extract.lexicon import fold_same_length, load_json, load_tsv
from jumelage.records import THEMES

# Words that may stand for one another inside a cue, and inclusive-writing endings: data/fr/writing.json
_WRITING = load_json("writing.json")
_FUNCTION_WORDS = frozenset(_WRITING["function_words"])
_SEPARATORS = re.escape(_WRITING["inclusive_separators"])
_INCLUSIVE = re.compile(
    rf"(?<=[a-z])[{_SEPARATORS}](?:{'|'.join(_WRITING['inclusive_endings'])})"
    rf"(?:[{_SEPARATORS}]s)?(?![a-z])")
_PARENS_E = re.compile(rf"(?<=[a-z])\((?:{'|'.join(_WRITING['parenthesised_endings'])})\)(?:s)?(?![a-z])")
_TOKEN = re.compile(r"[a-z0-9]+(?:&[a-z0-9]+)?")


_STEM = _WRITING["stem"]
_PLURAL_FORMS = [(f["ending"], f["becomes"], f["longer_than"]) for f in _STEM["plural_forms"]]
_DROPPED_FINALS = [(f["letters"], f["longer_than"]) for f in _STEM["dropped_finals"]]
_ENDINGS = [tuple(e) for e in _STEM["endings"]]


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """A crude French stem that merges plural and feminine forms of the same word (the rules
    are `stem` in data/fr/writing.json)."""
    if len(word) <= 3 or word.isdigit():
        return word
    for ending, becomes, longer_than in _PLURAL_FORMS:
        if word.endswith(ending) and len(word) > longer_than:
            word = word[: -len(ending)] + becomes
            break
    for letters, longer_than in _DROPPED_FINALS:
        if word[-1] in letters and len(word) > longer_than:
            word = word[:-1]
    for end, repl in _ENDINGS:
        if word.endswith(end) and len(word) > len(end) + 1:
            word = word[: -len(end)] + repl
            break
    return word


def tokens(text: str) -> list[str]:
    """The folded words of `text` (inclusive-writing suffixes dropped, œ as oe)."""
    t = fold_same_length(text).replace("œ", "oe").replace("æ", "ae")
    t = _PARENS_E.sub("", _INCLUSIVE.sub("", t))
    return _TOKEN.findall(t)


@dataclass(frozen=True)
class _Cue:
    labels: tuple[tuple[str, float], ...]   # (theme or context, weight)
    parts: tuple[tuple[str, bool], ...]     # (stem, or prefix when True)
    text: str


class _Lexicon:
    def __init__(self, rows: tuple[tuple[str, ...], ...], known: tuple[str, ...] | None) -> None:
        merged: dict[tuple[tuple[str, bool], ...], dict[str, float]] = {}
        names: dict[tuple[tuple[str, bool], ...], str] = {}
        for row in rows:
            if len(row) < 3:
                continue
            label, cue, weight = row[0], row[1], float(row[2])
            if known is not None and label not in known:
                continue
            prefix = cue.endswith("*")
            words = tokens(cue.rstrip("*"))
            if not words:
                continue
            parts = tuple((w if w in _FUNCTION_WORDS else _stem(w), False) for w in words[:-1])
            last = words[-1]
            parts += ((last, True),) if prefix else ((_stem(last), False),)
            labels = merged.setdefault(parts, {})
            labels[label] = max(labels.get(label, 0.0), weight)
            names[parts] = cue
        self.cues = [_Cue(tuple(labels.items()), parts, names[parts]) for parts, labels in merged.items()]
        self.by_stem: dict[str, list[_Cue]] = {}
        self.by_prefix: list[_Cue] = []
        for cue in self.cues:
            first, is_prefix = cue.parts[0]
            if is_prefix:
                self.by_prefix.append(cue)
            else:
                self.by_stem.setdefault(first, []).append(cue)
        for found in self.by_stem.values():
            found.sort(key=lambda c: -len(c.parts))
        self.by_prefix.sort(key=lambda c: -len(c.parts))
        # The prefix cues a word can start with, by the word's first two letters (cues whose
        # prefix is shorter than that go with every head), in `by_prefix` order: matching a word
        # then tests a handful of prefixes, not all of them.
        short = [c for c in self.by_prefix if len(c.parts[0][0]) < 2]
        self.prefix_by_head: dict[str, list[_Cue]] = {}
        for head in {c.parts[0][0][:2] for c in self.by_prefix if len(c.parts[0][0]) >= 2}:
            self.prefix_by_head[head] = [c for c in self.by_prefix
                                         if c.parts[0][0][:2] == head or c in short]
        self.short_prefixes = short
        self._scored: dict[str, dict[str, float]] = {}

    def matches(self, text: str) -> Counter[_Cue]:
        """How many times each cue occurs in `text`, longest cues first, never overlapping."""
        words = tokens(text)
        stems = [w if w in _FUNCTION_WORDS else _stem(w) for w in words]
        found: Counter[_Cue] = Counter()
        i = 0
        while i < len(words):
            best: _Cue | None = None
            prefixed = self.prefix_by_head.get(words[i][:2], self.short_prefixes)
            for cue in self.by_stem.get(stems[i], []) + [c for c in prefixed
                                                         if words[i].startswith(c.parts[0][0])]:
                if best is not None and len(cue.parts) <= len(best.parts):
                    continue
                if self._fits(cue, words, stems, i):
                    best = cue
            if best is None:
                i += 1
                continue
            found[best] += 1
            i += len(best.parts)
        return found

    @staticmethod
    def _fits(cue: _Cue, words: list[str], stems: list[str], i: int) -> bool:
        if i + len(cue.parts) > len(words):
            return False
        for j, (part, is_prefix) in enumerate(cue.parts):
            word, stem = words[i + j], stems[i + j]
            if is_prefix:
                if not word.startswith(part):
                    return False
            elif part in _FUNCTION_WORDS:
                if stem not in _FUNCTION_WORDS:
                    return False
            elif stem != part:
                return False
        return True

    def scores(self, text: str) -> dict[str, float]:
        """Each label's score: cue weights, a repeated cue adding less each time. The same
        passage is often scored several times (as a unit candidate, then as an action), so the
        last few thousand answers are kept."""
        found = self._scored.get(text)
        if found is None:
            if len(self._scored) >= 4096:
                self._scored.clear()
            found = self._scored[text] = self._score(text)
        return dict(found)

    def _score(self, text: str) -> dict[str, float]:
        totals: dict[str, float] = {}
        for cue, count in self.matches(text).items():
            factor = 1.0 + 0.5 * math.log2(count) if count > 1 else 1.0
            for label, weight in cue.labels:
                totals[label] = totals.get(label, 0.0) + weight * factor
        return totals


@lru_cache(maxsize=4)
def _themes(lang: str = "fr") -> _Lexicon:
    return _Lexicon(load_tsv("themes.tsv", lang), THEMES)


@lru_cache(maxsize=4)
def _contexts(lang: str = "fr") -> _Lexicon:
    return _Lexicon(load_tsv("contexts.tsv", lang), None)


def theme_scores(text: str) -> dict[str, float]:
    """The score of every theme with at least one cue in `text`."""
    return _themes().scores(text)


def themes_for(text: str, max_themes: int = 3, min_score: float = 2.0,
               relative: float = 0.25) -> list[str]:
    """The themes of `text`, best first: at most `max_themes`, each scoring at least `min_score`
    and at least `relative` times the best score. Ties keep the order of the taxonomy."""
    scores = theme_scores(text)
    if not scores:
        return []
    best = max(scores.values())
    order = {t: i for i, t in enumerate(THEMES)}
    ranked = sorted(scores, key=lambda t: (-scores[t], order[t]))
    return [t for t in ranked if scores[t] >= min_score and scores[t] >= relative * best][:max_themes]


def context_for(text: str, min_score: float = 2.0) -> str | None:
    """The crisis `text` speaks of ("covid-19", "war", "hurricane", "earthquake", "flood"...),
    or None when no context's cues reach `min_score`."""
    scores = _contexts().scores(text)
    if not scores:
        return None
    label = max(scores, key=lambda k: scores[k])
    return label if scores[label] >= min_score else None
