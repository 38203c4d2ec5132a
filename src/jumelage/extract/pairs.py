"""Partnership pairs as a learned decision over wide candidates.

The rules of `relations` propose pairs from a sentence's shape; on text they were not written
against they miss many (a twin list whose header is far away, an owner named only in the title)
and pair too much (every town of a sentence). Here the pool is widened for recall — every pair
of places sharing a sentence, the owner with every place of the document, the rules' own pairs —
and each candidate is described by a few generic facts (how often the two places share a
sentence, whether a partnership word is there, whether the rules proposed it, countries,
layout). A logistic regression fitted on the shared gold (`python -m jumelage.extract.train`)
weighs those facts; `decide_pairs` keeps the candidates it scores above the threshold.
Features never name a place or a document: only counts, flags and cue classes.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from jumelage.extract import cues
from jumelage.extract.analysis import Analysis, Unit
from jumelage.extract.dates import find_dates
from jumelage.extract.relations import SHAPES, Link, Links, stated_kinds, listed_places, pair_since

VENUE_BEFORE, AVEC = SHAPES["venue_word_before"], SHAPES["link_word"]   # « à Lyon », « X et Y »
TWINNING_WORD = SHAPES["twinning_word"]                                   # « jumel… »
DASH = re.compile(r"^\s*[-–—/]\s*$")
LIST_GAP, COORDINATION_GAP = SHAPES["list_gap"], SHAPES["coordination_gap"]
AVEC_BEFORE = re.compile(SHAPES["with"].pattern + r"(?:\s+(?:la|le|l')?\s*(?:ville|commune|cite)\s+(?:de|d'))?\s*$")
YEAR = re.compile(r"(?<!\d)(?:1[89]|20)\d\d(?!\d)")


KEEP_RULE = 0.08        # a rule's pair is dropped only below this probability (LODO: 0.1 and 0.08 0.882)
IN_TURN = 0.2          # a place told in turn beside the owner's kept partners is kept from this probability (LODO h-pairs7: 0.1, 0.2, 0.3 equal; d23's two at 0.37 and 0.41)
SIBLING = 0.15         # a place written in one coordination with a kept partner of the owner is kept from this probability
OWNER_FALLBACK = 0.1     # the owner's likeliest partner is kept from this probability when it has none (LODO h-pairs7: 0.15 0.898, 0.1 and 0.06 0.899; d42 sits at 0.145)


@dataclass
class Candidate:
    a: str
    b: str
    features: dict[str, float] = field(default_factory=dict)
    units: list[Unit] = field(default_factory=list)     # units naming both, kind cue first


FEATURES = [
    "rule", "owner_pair", "shared_units", "shared_kind_units", "shared_twin_units",
    "kind_units_other", "items_other", "same_country", "country_missing", "both_abroad",
    "mentions_a", "mentions_b", "first_b", "heading_b", "venue_b", "resolved_b",
    "dash_pair", "link_word", "crowd", "collective_doc", "section_kind_b", "kind_doc",
    "anniversary_shared", "subject_b", "nonactor_b", "dated_kind_shared", "owner_missing",
    "listed_shared", "co_partners", "owner_rule_share", "group_partner",
    "in_turn",
]


def _mention_stats(an: Analysis) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    n = max(1, len(an.text))
    for m in an.mentions:
        k = an.key(m)
        s = out.setdefault(k, {"n": 0, "first": m.start / n, "heading": 0, "venue": 0, "nonactor": 0,
                               "resolved": float(m.geonames_id is not None),
                               "admin": float(m.kind not in ("city", "camp")), "country": m.country})
        s["n"] += 1
        block = an.layout.block_at(m.start)
        if block is not None and block.kind == "heading":
            s["heading"] = 1
        if VENUE_BEFORE.search(an.folded[max(0, m.start - 8):m.start]):
            s["venue"] += 1
        if not m.actor:
            s["nonactor"] += 1
    for s in out.values():
        s["venue"] /= s["n"]
        s["nonactor"] /= s["n"]
    return out


def candidates(an: Analysis, links: Links) -> list[Candidate]:
    """Every candidate pair of the document with its features (order: first seen)."""
    stats = _mention_stats(an)
    keys = [k for k, s in stats.items() if s["nonactor"] < 1]
    pool: dict[frozenset, Candidate] = {}

    def get(a: str, b: str) -> Candidate | None:
        if a == b:
            return None
        key = frozenset((a, b))
        if key not in pool:
            if an.owner == b:
                a, b = b, a
            pool[key] = Candidate(a, b)
        return pool[key]

    ruled: dict[str, set[str]] = {}
    for link in links.by_pair.values():
        c = get(link.a, link.b)
        if c is not None:
            c.features["rule"] = 1.0
            ruled.setdefault(link.a, set()).add(link.b)
            ruled.setdefault(link.b, set()).add(link.a)
    unit_keys: list[tuple[Unit, list[str], str]] = []
    kind_units: dict[str, int] = {}
    items: dict[str, int] = {}
    doc_kinds = 0
    for unit in an.units:
        here = an.keys_in(unit.start, unit.end)
        folded = an.folded[unit.start:unit.end]
        has_kind = bool(stated_kinds(folded))
        doc_kinds += has_kind
        unit_keys.append((unit, here, folded))
        for k in here:
            if has_kind:
                kind_units[k] = kind_units.get(k, 0) + 1
            if unit.kind in ("item", "row"):
                items[k] = items.get(k, 0) + 1
        for i, a in enumerate(here):
            for b in here[i + 1:]:
                c = get(a, b)
                if c is not None:
                    c.units.append(unit)
    if an.owner:
        for k in keys:
            get(an.owner, k)
    collective = float(bool(cues.search("collective_possessive", an.folded)))
    section_kind = _section_kinds(an)
    owner_country = stats.get(an.owner, {}).get("country") if an.owner else None
    # a feed whose stories link other towns (« le jumelage Québec-Calgary ») tells few of its owner's
    owner_share = (sum(an.owner in (link.a, link.b) for link in links.by_pair.values()) / len(links.by_pair)
                   if links.by_pair else 1.0)
    group = _names_twin_group(an, links)
    told = _told_in_turn(an, ruled.get(an.owner, set())) if an.owner else {}
    out = []
    for c in pool.values():
        if c.a not in stats or c.b not in stats:
            continue
        sa, sb = stats[c.a], stats[c.b]
        f = c.features
        f["owner_pair"] = float(an.owner in (c.a, c.b))
        f["owner_missing"] = float(an.owner is None)
        f["owner_rule_share"] = owner_share if f["owner_pair"] else 0.0
        f["in_turn"] = float(bool(f["owner_pair"]) and c.b in told)
        f["group_partner"] = float(group and bool(f["owner_pair"]) and sb["country"] is not None
                                   and sb["country"] != owner_country)
        shared = c.units
        if shared and not f.get("rule") and all(
                cues.kinds_in(an.folded[u.start:u.end]) and not stated_kinds(an.folded[u.start:u.end])
                for u in shared):
            continue    # every sentence naming both denies or only wishes a relation (`stated_kinds`)
        f["shared_units"] = math.log1p(len(shared))
        kinds_shared = [u for u in shared if stated_kinds(an.folded[u.start:u.end])]
        f["shared_kind_units"] = math.log1p(len(kinds_shared))
        f["shared_twin_units"] = float(any(TWINNING_WORD.search(an.folded, u.start, u.end)
                                            for u in shared))
        f["kind_units_other"] = math.log1p(kind_units.get(c.b, 0))
        f["items_other"] = math.log1p(items.get(c.b, 0))
        ca, cb = sa["country"], sb["country"]
        f["same_country"] = float(ca is not None and ca == cb)
        f["co_partners"] = float(_co_partners(an, ruled, c.a, c.b))
        f["country_missing"] = float(ca is None or cb is None)
        f["both_abroad"] = float(owner_country is not None and ca != owner_country and cb != owner_country)
        f["mentions_a"] = math.log1p(sa["n"])
        f["mentions_b"] = math.log1p(sb["n"])
        f["first_b"] = sb["first"]
        f["heading_b"] = sb["heading"]
        f["venue_b"] = sb["venue"]
        f["resolved_b"] = sb["resolved"]
        f["admin_b"] = sb["admin"]
        f["nonactor_b"] = sb["nonactor"]
        f["dash_pair"] = float(_dash_joined(an, c.a, c.b))
        f["link_word"] = float(any(_linked_in(an, u, c.a, c.b) for u in shared))
        f["crowd"] = math.log1p(min((len(an.keys_in(u.start, u.end)) for u in shared), default=0))
        f["collective_doc"] = collective
        f["section_kind_b"] = float(c.b in section_kind)
        f["kind_doc"] = math.log1p(doc_kinds)
        f["anniversary_shared"] = float(any(cues.search("anniversary", an.folded[u.start:u.end]) for u in shared))
        f["subject_b"] = float(any(c.b in v for v in an.subjects.values()))
        f["listed_shared"] = float(any(
            c.a in listed and c.b in listed for u in kinds_shared for listed in [listed_places(an, u)]))
        f["dated_kind_shared"] = float(any(
            find_dates(an.text[u.start:u.end], an.date) for u in kinds_shared[:3]))
        c.units = kinds_shared + [u for u in shared if u not in kinds_shared]
        out.append(c)
    return out


def _names_twin_group(an: Analysis, links: Links) -> bool:
    """Does the page name its speaker's twins only as a group (cue `twin_group`: « nos villes
    jumelles », « les trois municipalités ») while its rules link no two towns? Then a foreign town
    it names is likely one of the group: a committee's report (« échanges avec les 3 villes
    jumelées », « le déplacement à Newtown »), a mayor's interview (« le lien entre les trois
    municipalités », « des stands tenus par Mirande »)."""
    return bool(an.owner) and not links.by_pair and cues.has("twin_group", an.folded)


def _co_partners(an: Analysis, ruled: dict[str, set[str]], a: str, b: str) -> bool:
    """Two towns of one country that the rules each link with the same place of another country
    (« Limours et Les Molières, jumelées avec Nioro », « un accord entre Ivry, Jifna et Jalazone »):
    co-twins of one partner, not partners of each other. The 43 gold documents hold one
    partnership of two towns of one country (Québec–Calgary) and no co-twins paired; the six
    co-partner candidates are all negative, too few for the model to learn it leaving one out,
    so `decide_pairs` drops them outright."""
    country = an.country(a)
    if country is None or an.country(b) != country:
        return False
    common = (ruled.get(a, set()) & ruled.get(b, set())) - {a, b}
    return any(an.country(k) not in (None, country) for k in common)


def _section_kinds(an: Analysis) -> set[str]:
    """Places named under a heading or list header that carries a partnership word."""
    out: set[str] = set()
    header_kind = False
    for unit in an.units:
        folded = an.folded[unit.start:unit.end]
        if unit.kind == "heading" or an.text[unit.start:unit.end].rstrip().endswith(":"):
            header_kind = bool(cues.kinds_in(folded))
            continue
        if header_kind and unit.kind in ("item", "row", "para"):
            out.update(an.keys_in(unit.start, unit.end))
    return out


def _dash_joined(an: Analysis, a: str, b: str) -> bool:
    ms = an.mentions
    state = (len(ms), len(an.aliases))   # the pairs are listed once per document, not per call
    cached = an.__dict__.get("_dash_pairs")
    if cached is None or cached[0] != state:
        cached = an.__dict__["_dash_pairs"] = (state, {
            frozenset((an.key(x), an.key(y))) for x, y in zip(ms, ms[1:])
            if DASH.match(an.text[x.end:y.start])})
    return frozenset((a, b)) in cached[1]


def _linked_in(an: Analysis, unit: Unit, a: str, b: str) -> bool:
    """A linking word ("avec", "entre", "et") between a mention of a and one of b."""
    ms = an.mentions_in(unit.start, unit.end)
    pa = [m for m in ms if an.key(m) == a]
    pb = [m for m in ms if an.key(m) == b]
    for x in pa:
        for y in pb:
            lo, hi = (x.end, y.start) if x.start < y.start else (y.end, x.start)
            if 0 < hi - lo < 80 and AVEC.search(an.folded[lo:hi]):
                return True
    return False


def vector(c: Candidate) -> list[float]:
    return [c.features.get(name, 0.0) for name in FEATURES]


def decide_pairs(an: Analysis, links: Links, model) -> Links:
    """The links the model keeps: the rules' own links when they pass, new ones built from the
    units the two places share (kind from their cue words, since from their founding dates)."""
    if model is None:
        return links
    kept = Links()
    scored = [(c, model.probability([c.features.get(n, 0.0) for n in model.features]))
              for c in candidates(an, links)]
    # the rules' own pairs stay unless the model rejects them; new pairs need its confidence;
    # co-partners (`_co_partners`) never pass. A text with no speaker (a sentence, a brief) is
    # outside what the model learnt (every gold page has one): there the rules' pairs all stay.
    keep_rule = KEEP_RULE if an.owner else 0.0
    chosen = [(c, p) for c, p in scored
              if not c.features.get("co_partners")
              and p >= (keep_rule if frozenset((c.a, c.b)) in links.by_pair else model.threshold)]
    others_linked = any(an.owner not in (link.a, link.b) for link in links.by_pair.values())
    if an.owner and not any(an.owner in (c.a, c.b) for c, _ in chosen) and not others_linked:
        # a page that states partnerships names at least one partner of its speaker: its likeliest one;
        # not a feed whose rules link only other towns (« le jumelage Québec-Calgary »)
        best = max(((c, p) for c, p in scored if an.owner in (c.a, c.b)), key=lambda cp: cp[1], default=None)
        if best is not None and best[1] >= OWNER_FALLBACK and _states_partnerships(an):
            chosen.append(best)
    chosen += _siblings(an, scored, chosen)
    for c, _ in chosen:
        key = frozenset((c.a, c.b))
        old = links.by_pair.get(key)
        if old is not None:
            kept.by_pair[key] = old
            continue
        link = Link(c.a, c.b)
        for u in c.units:
            link.kinds.extend(k for k, _, _ in stated_kinds(an.folded[u.start:u.end]))
            link.spans.append((u.start, u.end))
            since = pair_since(an, u, c.a, c.b)
            if since:
                link.since.append(since)
        if not link.kinds:
            link.kinds.append(_document_kind(an) or "twinning")
        if not link.spans:
            first = next((m for m in an.mentions if an.key(m) == c.b), None)
            if first is not None:
                unit = _unit_at(an, first.start)
                if unit is not None:
                    link.spans.append((unit.start, unit.end))
        kept.by_pair[key] = link
    return kept


def _siblings(an: Analysis, scored: list, chosen: list) -> list:
    """Decision: which other partners of the owner does a kept partner bring along? A place written
    in one coordination with a kept partner of the owner, in a sentence naming the owner (« Tenkodogo,
    avec l'appui de Chinon et d'Étaules », « depuis 1986 pour Atakpamé et 2006 pour Covè, Niort… »),
    stands in the same relation to the owner: its pair with the owner is kept from probability
    `SIBLING`. Out: (candidate, probability) to add."""
    if not an.owner:
        return []
    kept = {c.b if c.a == an.owner else c.a for c, _ in chosen if an.owner in (c.a, c.b)}
    done = {frozenset((c.a, c.b)) for c, _ in chosen}
    if not kept:
        return []
    coordinated: set[str] = set()
    for unit in an.units:
        ms = an.mentions_in(unit.start, unit.end)
        if not any(an.key(m) == an.owner for m in ms):
            continue      # « les hôpitaux de Krasnodar et Kuban »: the owner takes no part there
        for x, y in zip(ms, ms[1:]):
            kx, ky = an.key(x), an.key(y)
            if kx == ky or an.owner in (kx, ky) or not ({kx, ky} & kept):
                continue
            gap = an.folded[x.end:y.start]
            if len(gap) < 40 and (LIST_GAP.match(gap) or COORDINATION_GAP.match(gap)):
                coordinated.add(ky if kx in kept else kx)
    told = _told_in_turn(an, kept)
    out = []
    for c, p in scored:
        other = c.b if c.a == an.owner else c.a
        if an.owner not in (c.a, c.b) or frozenset((c.a, c.b)) in done or other in kept \
                or c.features.get("co_partners"):
            continue      # a co-twin of the owner's partner is no partner of the owner (`_co_partners`)
        if p >= SIBLING and other in coordinated:
            out.append((c, p))
        elif p >= IN_TURN and other in told:
            c.units = c.units + [told[other]]     # the sentence that tells it dates it
            out.append((c, p))
    return out


def _told_in_turn(an: Analysis, kept: set[str]) -> dict[str, Unit]:
    """Places told one by one beside the owner's kept partners: in a paragraph naming a kept
    partner, a sentence that names one foreign place only, « avec » it, with a year (« En 1973,
    c'est avec Edenbridge que la Ville s'unit », « une union avec la ville de Rouko est née en
    2010 »): the paragraph tells the owner's partnerships in turn. Out: place -> its sentence.
    Also a feature of the owner's pairs (`in_turn`, beside the rules' partners), so that the
    model, not only the `IN_TURN` bar, weighs the shape."""
    blocks = {u.block for u in an.units if set(an.keys_in(u.start, u.end)) & kept}
    owner_country = an.country(an.owner)
    out: dict[str, Unit] = {}
    for unit in an.units:
        if unit.block not in blocks:
            continue
        others = [k for k in an.keys_in(unit.start, unit.end) if k != an.owner]
        if len(others) != 1 or an.country(others[0]) in (None, owner_country):
            continue
        first = next(m for m in an.mentions_in(unit.start, unit.end) if an.key(m) == others[0])
        if AVEC_BEFORE.search(an.folded[max(unit.start, first.start - 30):first.start]) \
                and YEAR.search(an.text, unit.start, unit.end):
            out.setdefault(others[0], unit)
    return out


def _states_partnerships(an: Analysis) -> bool:
    """Does the page state partnerships (`_document_kind`), not only look into or wish them
    (« des discussions en vue d'un partenariat », every kind cue left out by `stated_kinds`)?"""
    return bool(_document_kind(an)) and (bool(stated_kinds(an.folded)) or not cues.kinds_in(an.folded))


def _unit_at(an: Analysis, offset: int) -> Unit | None:
    for u in an.units:
        if u.start <= offset < u.end:
            return u
    return None


def _document_kind(an: Analysis) -> str | None:
    """The partnership word the document uses most; « partenariat », the generic word, only when
    the document uses no specific one (a sheet of « coopération décentralisée » speaks of « le
    partenariat » throughout). A document naming only an agreement (« convention », « accord »,
    « protocole ») speaks of a cooperation; None without any such word."""
    kinds = Counter(k for k, _, _ in cues.kinds_in(an.folded))
    specific = Counter({k: n for k, n in kinds.items() if k != "partnership"})
    kinds = specific or kinds
    if kinds:
        return kinds.most_common(1)[0][0]
    # « Convention triennale X - Y », an agreement with no partnership word: a cooperation (SCHEMA)
    return "cooperation" if cues.has("agreement", an.folded) else None
