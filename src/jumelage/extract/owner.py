"""The document's owner city: the place that speaks ("notre commune", "la Ville", "nos villes jumelées").

Municipal pages and magazines rarely say who they are; the owner is inferred from the document:
the French place named with "la ville de", "la mairie de", "le maire de", named early (title,
first lines), named often. Short forms of the owner's name ("Ivry" for Ivry-sur-Seine, "Aix" for
Aix-en-Provence) are folded into it. Also finds each block's *subject*: the place a heading,
paragraph or table row is about ("KAUNAS demeure…", "# PADOUE INVENTE…").
"""
from __future__ import annotations

import re
from collections import defaultdict

from jumelage.extract import cues
from jumelage.extract.analysis import Analysis
from jumelage.extract.layout import is_caps
from jumelage.extract.lexicon import fold_same_length, load_json

UNIT_BEFORE = re.compile(load_json("owner.json")["unit_owner_before"])



def find_owner(an: Analysis) -> str | None:
    """The French place that speaks; a place elsewhere only when the text speaks in the first
    person ("notre commune", "nos villes jumelées") and names it as "la ville de X"."""
    french = _owner_scores(an, lambda m: m.country == "FR")
    if french:
        return max(french, key=lambda k: french[k][0])
    if not cues.search("first_person_speaker", an.folded):
        return None
    named = {k: v for k, v in _owner_scores(an, lambda m: True).items() if v[1]}
    return max(named, key=lambda k: named[k][0]) if named else None


def _owner_scores(an: Analysis, keep) -> dict[str, tuple[tuple[float, int], bool]]:
    """(score, -first offset) per place, and whether "la ville de X" names it."""
    scores: dict[str, float] = defaultdict(float)
    first_seen: dict[str, int] = {}
    named: dict[str, bool] = defaultdict(bool)
    for m in an.mentions:
        if not m.actor or not keep(m):
            continue
        key = m.key
        first_seen.setdefault(key, m.start)
        scores[key] += 1.0
        before = an.folded[max(0, m.start - 30):m.start]
        if cues.search("owner_before", before) or (m.kind != "city" and UNIT_BEFORE.search(before)):
            scores[key] += 2.5     # « la ville de X », « le département du X »: a body that acts
            named[key] = True
        if m.start < 300:
            scores[key] += 2.0
        block = an.layout.block_at(m.start)
        if block is not None and block.kind == "heading":
            scores[key] += 1.0
    return {k: ((scores[k], -first_seen[k]), named[k]) for k in scores}


def fold_short_names(an: Analysis) -> None:
    """Map short forms onto the longer name they abbreviate in the same document ("Ivry" for
    Ivry-sur-Seine, "Brandebourg" for Brandebourg-sur-la-Havel, "Jérusalem" for Jérusalem-Est)."""
    names: dict[str, set[str]] = defaultdict(set)
    kinds: dict[str, str] = {}
    for m in an.mentions:
        if m.kind in ("metropolis", "department", "region"):
            continue              # "Nantes Métropole" acts beside Nantes; it is not its long name
        names[m.key].add(fold_same_length(m.name))
        kinds.setdefault(m.key, m.kind)
    for short, short_names in names.items():
        targets = [  # "Rennes" is not short for "Rennes Métropole": a city is no metropolis
            key for key, long_names in names.items()
            if key != short and kinds[key] == kinds[short] and any(
                lo.startswith(sh + "-") or lo.startswith(sh + " ") for sh in short_names for lo in long_names
            )
        ]
        if targets:
            an.aliases[short] = an.owner if an.owner in targets else targets[0]


def find_subjects(an: Analysis) -> None:
    """The places each block is about: named in a heading, or opening a paragraph, item or row."""
    for i, block in enumerate(an.layout.blocks):
        ms = [m for m in an.mentions_in(block.start, block.end) if an.key(m) != an.owner]
        if not ms:
            continue
        if block.kind == "heading":
            an.subjects[i] = list(dict.fromkeys(an.key(m) for m in ms))
            continue
        head = an.text[block.start:min(block.end, block.start + 60)]
        opening = [m for m in ms if m.start - block.start <= 45]
        if opening and (block.kind == "row" or _opens(head, opening[0].start - block.start)):
            an.subjects[i] = [an.key(opening[0])]


def _opens(head: str, offset: int) -> bool:
    """A mention opens a block when only a few words come before it."""
    before = head[:offset]
    return len(before.split()) <= 4


def governing_section(an: Analysis, block_index: int) -> int:
    """The heading a block belongs to; a sub-heading that names no place ("Objectifs de la
    coopération") stays in its parent's section."""
    blocks = an.layout.blocks
    caps = an.__dict__.setdefault("_caps_headings", {})   # is_caps once per heading, not per call
    section = blocks[block_index].section
    while section >= 0 and section not in an.subjects:
        if section not in caps:
            caps[section] = is_caps(blocks[section].text)
        if caps[section]:
            break
        section = blocks[section - 1].section if section > 0 else -1
    return section


def section_subjects(an: Analysis, block_index: int) -> list[str]:
    """Subjects of the heading that governs block `block_index` (its section)."""
    section = governing_section(an, block_index)
    return an.subjects.get(section, []) if section >= 0 else []


def collective_kind(an: Analysis) -> str | None:
    """The kind of a collective statement ("nos villes jumelées", "ses villes jumelles"), if any."""
    kinds = []
    for unit in an.units:
        folded = an.folded[unit.start:unit.end]
        if any(k != an.owner for k in an.keys_in(unit.start, unit.end)):
            continue
        for m in cues.finditer("collective_possessive", folded):
            kinds.extend(k for k, _, _ in cues.kinds_in(folded[m.start():m.end()]))
    return cues.best_kind(kinds)
