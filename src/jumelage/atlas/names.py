"""Fold names into the atlas's comparison key and find a name's occurrence in a text.

The folded key is stored in the atlas (`place_names.folded`, `organisations.folded`), so it is
defined here, beside the schema, rather than borrowed: changing it needs a migration that refolds
the stored names. It follows the interchange format's rule (lower case, no accents, hyphens and
apostrophes as spaces) and reads `St`/`Ste` as `Saint`/`Sainte`.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPECIAL = str.maketrans({
    "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i",
})
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_SAINTS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def _fold_chars(text: str) -> str:
    text = text.lower().translate(_SPECIAL)
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
def fold(name: str) -> str:
    """`"Saint-Étienne"`, `"St. Etienne"` and `"SAINT ETIENNE"` all give `"saint etienne"`."""
    tokens = _NON_ALNUM.sub(" ", _fold_chars(name)).split()
    return " ".join(_SAINTS.get(tok, tok) for tok in tokens)


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    return _fold_chars(ch)


class _OneToOne(dict[int, str]):
    """`str.translate` table folding each character to one character: its folded letter or
    digit, a space for anything else, or `IRREGULAR` when it folds to several characters or none
    (`œ`, a lone accent), which the one-to-one search cannot follow. Filled as characters come."""

    def __missing__(self, code: int) -> str:
        folded = _fold_chars(chr(code))
        if len(folded) == 1:
            out = folded if ("0" <= folded <= "9" or "a" <= folded <= "z") else " "
        elif folded and _NON_ALNUM.fullmatch(folded):
            out = " "
        else:
            out = IRREGULAR
        self[code] = out
        return out


IRREGULAR = "\x00"
_ONE_TO_ONE = _OneToOne()


@lru_cache(maxsize=4096)
def _word_pattern(key: str) -> re.Pattern[str]:
    """Whole-word occurrence of a folded key in a one-to-one folded text."""
    words = r" +".join(re.escape(word) for word in key.split(" "))
    return re.compile(r"(?<![0-9a-z])" + words + r"(?![0-9a-z])")


class FoldedText:
    """A text folded character by character, remembering where each folded character came from.

    Used to find where a document names a place or an organisation when the extractor gave the
    name but no span (`Padoue` found in `… à PADOUE, …`), so the evidence still points into the
    text. Built lazily and cheaply: when every character folds to exactly one (almost always),
    the folded text is one `str.translate` and its offsets are the text's own.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._same: str | None = None
        self._folded: str | None = None
        self._origin: list[int] = []
        same = text.translate(_ONE_TO_ONE)
        if IRREGULAR not in same:
            self._same = same

    @property
    def folded(self) -> str:
        """The folded text: runs of other characters as one space, between two spaces."""
        if self._folded is None:
            self._fold()
        assert self._folded is not None
        return self._folded

    def _fold(self) -> None:
        chars: list[str] = []
        origin: list[int] = []
        last_space = True
        for i, ch in enumerate(self.text):
            for f in _fold_char(ch):
                if not ("0" <= f <= "9" or "a" <= f <= "z"):
                    if last_space:
                        continue
                    f, last_space = " ", True
                else:
                    last_space = False
                chars.append(f)
                origin.append(i)
        self._folded = " " + "".join(chars) + " "
        self._origin = origin

    def find(self, name: str) -> tuple[int, int] | None:
        """The span `[start, end)` of the first whole-word occurrence of `name`, or None."""
        key = " ".join(_NON_ALNUM.sub(" ", _fold_chars(name)).split())
        if not key:
            return None
        if self._same is not None:
            m = _word_pattern(key).search(self._same)
            return (m.start(), m.end()) if m else None
        at = self.folded.find(" " + key + " ")
        if at < 0:
            return None
        first = at  # index into `chars` (the leading space of `self.folded` shifts by one)
        last = at + len(key) - 1
        return self._origin[first], self._origin[last] + 1
