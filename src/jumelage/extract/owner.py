"""The document's owner city: the place that speaks ("notre commune", "la Ville", "nos villes jumelées").

Municipal pages and magazines rarely say who they are; the owner is inferred from the document.
Every actor place of the text is a candidate, described by generic facts (`OWNER_FEATURES`):
how often and how early it is named, whether as a body that acts ("la ville de X", "le
département du X"), in a heading, as the grammatical subject, on the left of a twinning word
("X est jumelée avec…"), with how many distinct partners, whether the text qualifies it with its
own country ("la commune française de X", "X (Italie)": said of a place seen from elsewhere),
whether its country is French-speaking, whether the page speaks in the first person. A logistic
regression fitted on the shared gold (`python -m jumelage.extract.train`, decision "owner")
scores the candidates; the likeliest is the owner when it is likely enough. Without fitted
weights the older hand-weighted rules decide (`_rules_owner`). Short forms of the owner's name
("Ivry" for Ivry-sur-Seine, "Aix" for Aix-en-Provence) are folded into it. Also finds each
block's *subject*: the place a heading, paragraph or table row is about ("KAUNAS demeure…",
"# PADOUE INVENTE…").
"""
from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import defaultdict

from jumelage.extract import cues
from jumelage.extract.analysis import Analysis
from jumelage.extract.layout import is_caps
from jumelage.extract.lexicon import fold_same_length, load_json

_DATA = load_json("owner.json")
UNIT_BEFORE = re.compile(_DATA["unit_owner_before"])
FRANCOPHONE = frozenset(_DATA["francophone"])
HOME_TITLES = re.compile(r"\b(" + "|".join(_DATA["home_titles"]) + r")s?\b")
TITLE_OF = re.compile(r"\s+(?:de|d'|du|des)\s*")
SUBJECT_DEPS = ("nsubj", "nsubj:pass")
NOUN_CHAIN = ("nmod", "appos", "flat", "flat:name", "compound", "fixed")

OWNER_FEATURES = [
    "mentions", "share", "first", "early", "first_place", "named_body", "unit_body", "heading",
    "francophone", "qualified", "kind_units", "kind_left", "hub", "subject",
    "admin", "first_person_abroad", "country_share",
]


def find_owner(an: Analysis, model=None) -> str | None:
    """The key of the place that speaks, or None when nothing says which.

    The hand-weighted rules (`_rules_owner`) say whether a place speaks and propose one;
    `model`, the learned owner decision (a `model.LinearModel` over `OWNER_FEATURES`), overrules
    their choice when its likeliest candidate is more likely than the rules' by at least the
    model's threshold (a margin). A page where the rules find no speaker (a network's briefing
    on many cities) keeps none."""
    rule = _rules_owner(an)
    if model is None or rule is None:
        return rule
    probs = {k: model.probability([f.get(n, 0.0) for n in model.features])
             for k, f in owner_candidates(an).items()}
    best = max(probs, key=lambda k: (probs[k], k), default=rule)
    if best == rule:
        return rule
    return best if probs[best] - probs.get(rule, 0.0) >= model.threshold else rule


def owner_candidates(an: Analysis) -> dict[str, dict[str, float]]:
    """Every actor place of the document (by mention key) with its owner features."""
    actors = [m for m in an.mentions if m.actor]
    if not actors:
        return {}
    n_text = max(1, len(an.text))
    first_person = cues.search("first_person_speaker", an.folded) is not None
    countries = sorted(an.countries, key=lambda c: c.start)
    starts = [c.start for c in countries]
    by_country: dict[str | None, int] = defaultdict(int)
    for m in actors:
        by_country[m.country] += 1
    feats: dict[str, dict[str, float]] = {}
    counts: dict[str, int] = defaultdict(int)
    qualified: dict[str, int] = defaultdict(int)
    subject: dict[str, int] = defaultdict(int)
    for m in actors:
        k = m.key
        counts[k] += 1
        f = feats.setdefault(k, {
            "first": m.start / n_text, "early": float(m.start < 300), "named_body": 0.0,
            "unit_body": 0.0, "heading": 0.0,
            "francophone": float(m.country in FRANCOPHONE), "admin": float(m.kind not in ("city", "camp")),
            "first_person_abroad": float(first_person and m.country != "FR"),
            "country_share": by_country[m.country] / len(actors),
        })
        before = an.folded[max(0, m.start - 30):m.start]
        if cues.search("owner_before", before):
            f["named_body"] = 1.0
        if m.kind != "city" and UNIT_BEFORE.search(before):
            f["unit_body"] = 1.0
        block = an.layout.block_at(m.start)
        if block is not None and block.kind == "heading":
            f["heading"] = 1.0
        if m.country and any(c.code == m.country and m.start - 30 <= c.start and c.end <= m.end + 25
                             for c in _near(countries, starts, m.start - 30, m.end + 25)):
            qualified[k] += 1
        if _is_subject(an, m.start, m.end):
            subject[k] += 1
    total = len(actors)
    for k, f in feats.items():
        f["mentions"] = math.log1p(counts[k])
        f["share"] = counts[k] / total
        f["qualified"] = qualified[k] / counts[k]
        f["subject"] = subject[k] / counts[k]
        f["kind_units"] = f["kind_left"] = f["hub"] = 0.0
    first_key = min(actors, key=lambda m: m.start).key
    feats[first_key]["first_place"] = 1.0
    partners: dict[str, set[str]] = defaultdict(set)
    for unit in an.units:
        ms = [m for m in an.mentions_in(unit.start, unit.end)]
        if not ms:
            continue
        kinds = cues.kinds_in(an.folded[unit.start:unit.end])
        if not kinds:
            continue
        cue_at = unit.start + kinds[0][1]
        keys = list(dict.fromkeys(m.key for m in ms))
        for k in keys:
            if k not in feats:
                continue
            feats[k]["kind_units"] += 1
            if any(m.key == k and m.end <= cue_at for m in ms):
                feats[k]["kind_left"] += 1
            partners[k].update(x for x in keys if x != k)
    for k, f in feats.items():
        f["kind_units"] = math.log1p(f["kind_units"])
        f["kind_left"] = math.log1p(f["kind_left"])
        f["hub"] = math.log1p(len(partners[k]))
    return feats


def _near(countries, starts: list[int], start: int, end: int):
    """Country mentions (sorted by start, `starts` their offsets) that touch [start, end]."""
    i = bisect_left(starts, start - 40)
    while i < len(countries) and countries[i].start <= end:
        if countries[i].end >= start:
            yield countries[i]
        i += 1


def _is_subject(an: Analysis, start: int, end: int) -> bool:
    """Is the mention the grammatical subject of its clause, itself or as the complement of the
    noun that is ("La Ville de X est jumelée…", "X a signé…")?"""
    doc = an.doc
    if doc is None or end <= start:
        return False
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    tok = span.root
    for _ in range(4):
        if tok.dep_ in SUBJECT_DEPS:
            return True
        if tok.dep_ not in NOUN_CHAIN or tok.head is tok:
            return False
        tok = tok.head
    return False


def _rules_owner(an: Analysis) -> str | None:
    """The hand-weighted owner: the place of the page's home country (`home_countries`, France
    unless its officials' titles say otherwise) that speaks; a place elsewhere only when the
    text speaks in the first person ("notre commune", "nos villes jumelées") and names it as
    "la ville de X"."""
    home = home_countries(an)
    local = _owner_scores(an, lambda m: m.country in home)
    if home != {"FR"} and not local:
        local = _owner_scores(an, lambda m: m.country == "FR")
    if local:
        return max(local, key=lambda k: local[k][0])
    if not cues.search("first_person_speaker", an.folded):
        return None
    named = {k: v for k, v in _owner_scores(an, lambda m: True).items() if v[1]}
    return max(named, key=lambda k: named[k][0]) if named else None


def home_countries(an: Analysis) -> set[str]:
    """The countries the page speaks from: those its own officials' titles name (« explique Marc
    Dupont, bourgmestre »: Belgium or Luxembourg; `home_titles`), when a title is used with no
    place after it (« le bourgmestre de Friedberg » is a partner's official); else France."""
    starts = {m.start for m in an.mentions}
    out: set[str] = set()
    for m in HOME_TITLES.finditer(an.folded):
        of = TITLE_OF.match(an.folded[m.end():m.end() + 12])
        if of is not None and m.end() + of.end() in starts:
            continue
        out.update(_DATA["home_titles"][m.group(1)])
    return out or {"FR"}


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
