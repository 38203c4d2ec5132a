"""Named organisations (committees, associations, institutes, networks) taking part in records.

Sources: spaCy's ORG entities, city networks listed in `cues.json` ("CGLU", "Cités Unies France"),
and noun phrases opened by an organisation head ("comité de jumelage", "l'association Hibiscus",
"Institut de formation…") up to the end of their proper-noun or acronym tail.
"""
from __future__ import annotations

import re
from functools import lru_cache

from jumelage.extract import cues
from jumelage.extract.lexicon import fold_same_length, load_json
from jumelage.extract.money import is_currency

_WRITING = load_json("writing.json")
# the proper-noun (or acronym) tail of a name, its words joined by « de », « et »…; then « (ACRONYM) »
TAIL = re.compile(rf"(?:[ \t]+(?:{'|'.join(_WRITING['organisation_name_links'])})?[ \t]*[A-ZÀ-Ý][\w’'-]*)*"
                  r"(?:[ \t]*\([^()]{2,60}\))?")
# the town's own bodies are the place speaking, not an organisation
NOT_ORG = re.compile(rf"^(?:{'|'.join(_WRITING['not_organisation_articles'])})?"
                     rf"(?:{'|'.join(_WRITING['not_organisations'])})\b", re.I)

# heads that name an organisation with no proper noun after them (« le comité de jumelage »)
NAMED_BY_HEAD = tuple(_WRITING["organisations_named_by_head"])
MARKUP = re.compile(r"[<>/]")


def _common_word(ent) -> bool:
    """A one-word "organisation" that is an ordinary word ("Fermeture", "Conseil"), not a name or an
    acronym."""
    if len(ent) != 1 or ent.text.isupper():
        return False
    return ent.doc.vocab[ent[0].lower_].has_vector and ent[0].pos_ != "PROPN"


@lru_cache(maxsize=None)
def _heads() -> re.Pattern[str]:
    heads = "|".join(fold_same_length(h) for h in cues.data()["organisation_heads"])
    return re.compile(rf"\b(?:{heads})\b")


@lru_cache(maxsize=None)
def _networks() -> re.Pattern[str]:
    names = "|".join(re.escape(n) for n in cues.data()["organisation_networks"])
    return re.compile(rf"(?<![\w-])(?:{names})(?![\w-])")


def find_organisations(text: str, folded: str, doc, place_names: set[str]) -> list[tuple[int, int, str]]:
    """(start, end, name) of every organisation named in the text, in order, without duplicates."""
    found: list[tuple[int, int, str]] = []
    for ent in doc.ents:
        if ent.label_ == "ORG":
            name = ent.text.strip(" .,;:«»\"")
            if len(name) >= 3 and not NOT_ORG.match(name) and fold_same_length(name) not in place_names \
                    and not MARKUP.search(name) and not _common_word(ent) and not is_currency(name):
                found.append((ent.start_char, ent.end_char, name))
    for m in _networks().finditer(text):
        found.append((m.start(), m.end(), m.group(0)))
    for m in _heads().finditer(folded):
        tail = TAIL.match(text, m.end())
        end = tail.end() if tail else m.end()
        name = text[m.start():end].strip(" .,;:")
        if end > m.end() or m.group(0).startswith(NAMED_BY_HEAD):
            found.append((m.start(), end, name[0].upper() + name[1:]))
    found.sort(key=lambda t: (t[0], -(t[1] - t[0])))
    out: list[tuple[int, int, str]] = []
    for item in found:
        if out and item[0] < out[-1][1]:
            continue
        out.append(item)
    return _with_acronyms(text, out)


BRACKETED = re.compile(r"\s*\(([^()\n]{2,90})\)")
ACRONYM = re.compile(r"^[A-ZÀ-Ý](?:[A-ZÀ-Ý0-9&-]|\.(?=[A-Z]))+\.?$")


def _with_acronyms(text: str, items: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """One body, one entry (SCHEMA): a name followed by its acronym in brackets, or an acronym by
    its name (« Cités Unies France (CUF) », « BSTA (Bishop's Stortford Twinning Association) »), is
    one organisation « Name (ACRONYM) » as written; the acronym named alone later is that body."""
    out: list[tuple[int, int, str]] = []
    full: dict[str, str] = {}
    skip_to = -1
    for start, end, name in items:
        if start < skip_to:
            continue
        m = BRACKETED.match(text, end)
        inner = m.group(1).strip() if m else ""
        if m and bool(ACRONYM.match(inner)) != bool(ACRONYM.match(name)):
            acronym = inner if ACRONYM.match(inner) else name
            name = f"{name} ({inner})"
            full[acronym] = name
            end = skip_to = m.end()
        out.append((start, end, name))
    return [(s, e, full.get(n, n)) for s, e, n in out]


def unique_names(items: list[tuple[int, int, str]]) -> list[str]:
    seen: dict[str, str] = {}
    for _, _, name in items:
        seen.setdefault(fold_same_length(name), name)
    return list(seen.values())
