"""The one name key: how jumelage compares names of places and organisations.

`name_key("Saint-Étienne")`, `name_key("St. Etienne")` and `name_key("SAINT ETIENNE")` all give
`"saint etienne"`; `name_key("Ħamrun")` gives `"hamrun"`. The gazetteer's index stores the key of
every GeoNames name, the atlas stores the key of every place and organisation name
(`place_names.folded`, `organisations.folded`), and search, `import-pairs` and the matcher look
names up by their key. Two names are "the same name" exactly when their keys are equal.

The rules, in order:
1. case folded (`str.casefold`: `ß` -> `ss`), letters that Unicode does not decompose spelled
   in ASCII (`œ` -> `oe`, `æ` -> `ae`, `ø` -> `o`, `ł` -> `l`, `ħ` -> `h`, `þ` -> `th`, ...);
2. compatibility forms decomposed and accents dropped (NFKD: `ﬁ` -> `fi`, `é` -> `e`);
3. anything that is not a letter or a digit (apostrophes, hyphens, dots, spaces, modifier
   letters such as `ʻ`) separates words; words are joined by one space;
4. the abbreviations `st`, `ste`, `sts`, `stes` read as `saint`, `sainte`, `saints`, `saintes`
   (French and English texts write both: « St-Malo », "St. John's").
Letters of other scripts are kept, case-folded (`Москва` -> `москва`), so a name in Cyrillic
still has a key; the gazetteer indexes only Latin-script names.

`NAME_KEY_VERSION` names these rules. Whoever changes them bumps it; the gazetteer's index file
name carries it (so a new index is built), and an Alembic data migration recomputes the keys the
atlas stores (`jumelage.atlas.names.rekey_stored_names`; see migration 0002).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

NAME_KEY_VERSION = 2

# Latin letters that Unicode decomposition does not reduce to ASCII (after case folding).
SPECIAL_LETTERS = {
    "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i",
    "ħ": "h", "ŧ": "t", "ŋ": "n", "ƒ": "f", "ĸ": "k", "ſ": "s", "ɨ": "i", "ʉ": "u", "ß": "ss",
}
_SPECIAL = str.maketrans(SPECIAL_LETTERS)
_ASCII_SEPARATORS = re.compile(r"[^0-9a-z]+")
_SAINTS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def plain_letters(text: str) -> str:
    """`text` case-folded, with the special Latin letters spelled out and accents dropped.

    Characters are neither removed nor merged beyond that (punctuation stays): this is the
    letter-level half of `name_key`, also used to search a name inside a text character by
    character (`jumelage.atlas.names.FoldedText`). `"L’Haÿ-les-Roses"` -> `"l’hay-les-roses"`.
    """
    text = text.casefold().translate(_SPECIAL)
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.translate(_SPECIAL)  # letters exposed by decomposition (rare)


def _words(plain: str) -> list[str]:
    if plain.isascii():
        return _ASCII_SEPARATORS.sub(" ", plain).split()
    chars = [ch if ch.isalnum() and unicodedata.category(ch) != "Lm" else " " for ch in plain]
    return "".join(chars).split()


@lru_cache(maxsize=131072)
def name_key(name: str) -> str:
    """The key of a place or organisation name (see the module docstring for the rules).

    `"Bishop’s Stortford"` -> `"bishop s stortford"`; `"Œuilly"` -> `"oeuilly"`;
    `"St-Jean-de-Luz"` -> `"saint jean de luz"`; a name with no letter or digit -> `""`.
    """
    return " ".join(_SAINTS.get(word, word) for word in _words(plain_letters(name)))
