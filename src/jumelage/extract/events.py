"""Actions (done together with a partner) and initiatives (done by one place alone).

Units are read in order. A unit with an action cue ("délégation", "accueil", "forages",
"subvention"…) or a dated list item, involving a partner place (named in it, or the subject of its
section, or carried over from the previous sentence) makes an action of the owner with that partner.
Sentences that go on telling the same event (no date of their own, same paragraph) extend it.
A paragraph, row or section about a foreign place with no partner involved, describing measures
("a rouvert les écoles", "stratégie de dépistage"), makes an initiative of that place; so do the
owner's own acts at home ("citoyen d'honneur", "motion", "subvention" to a local fund).
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from jumelage.extract import cues
from jumelage.extract.analysis import Analysis, Unit
from jumelage.extract.dates import find_dates, period_status
from jumelage.extract.money import find_amounts
from jumelage.extract.owner import governing_section, section_subjects
from jumelage.extract.themes import context_for, themes_for
from jumelage.records import Amount

INDEFINITE_START = re.compile(r"(?:Un|Une|Des)\s+(?!premi|second|deuxi|autre)\w")
BULLETED = re.compile(r"[ \t]*[•·▪◦●\*-]")


@dataclass
class Event:
    kind: str                                  # "action" | "initiative"
    start_char: int
    end_char: int
    places: list[str]                          # keys; for actions, actors first
    actors: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    start: str | None = None
    end: str | None = None
    open_end: bool = False
    paragraph: int = 0
    status: str | None = None
    member: bool = False                       # one member of a split enumeration: never merged back


def _is_explicit(d) -> bool:
    return d.kind not in ("relative",) and bool(d.start)


def _unit_dates(an: Analysis, unit: Unit):
    """Dates of what the unit tells: not the age of a relation ("jumelée depuis 40 ans") nor
    "aujourd'hui" (the time of writing)."""
    text = an.text[unit.start:unit.end]
    folded = an.folded[unit.start:unit.end]
    out = []
    for d in find_dates(text, an.date):
        if not (d.start or d.end):
            continue
        before = folded[max(0, d.start_char - 40):d.start_char]
        relation_age = d.kind == "since" and cues.kinds_in(before)
        if relation_age or cues.kinds_in(before[-14:]) or cues.search("present_time", folded[d.start_char:d.end_char]):
            continue
        out.append(d)
    return out


def _tense(an: Analysis, unit: Unit) -> str | None:
    """"future", "past" or "present" from the unit's verbs (spaCy morphology), None if none."""
    span = an.doc.char_span(unit.start, unit.end, alignment_mode="expand")
    if span is None:
        return None
    tenses = set()
    for tok in span:
        if tok.pos_ not in ("VERB", "AUX"):
            continue
        tense = tok.morph.get("Tense")
        if "Fut" in tense or "Cnd" in tok.morph.get("Mood"):
            tenses.add("future")
        elif "Past" in tense or "Imp" in tense:
            # a bare participle ("projet reporté à 2025") is an adjective, not a past event
            if "Part" not in tok.morph.get("VerbForm") or any(c.dep_.startswith("aux") for c in tok.children):
                tenses.add("past")
        elif "Pres" in tense and tok.pos_ == "VERB" and not any(c.dep_.startswith("aux") for c in tok.children):
            tenses.add("present")
    for t in ("future", "past", "present"):
        if t in tenses:
            return t
    return None


def subject_place(an: Analysis, unit: Unit) -> str | None:
    """The place that is the grammatical subject of the unit (« La ville de Suzhou a offert »,
    « Covè organise », « la délégation de Lauingen s'est rendue »): a mention whose token, or a
    noun it qualifies within two steps, is a subject in spaCy's parse; None otherwise."""
    for m in an.mentions_in(unit.start, unit.end):
        span = an.doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None:
            continue
        tok = span.root
        for _ in range(3):
            if tok.dep_ in ("nsubj", "nsubj:pass"):
                return an.key(m)
            if tok.head is tok:
                break
            tok = tok.head
    return None


def _switches_tense(an: Analysis, unit: Unit, current: Event) -> bool:
    """From what was done to what is planned, or back ("… signeront un pacte. Depuis le début de
    la guerre, la ville a accueilli 40 réfugiés")."""
    tense = _tense(an, unit)
    if current.status == "planned":
        return tense == "past"
    return tense == "future"


def _status(an: Analysis, unit: Unit, ev: Event) -> str:
    folded = an.folded[unit.start:unit.end]
    open_ongoing = ev.open_end and not ev.end
    if cues.has("cancelled", folded) and not open_ongoing:
        return "cancelled"
    if cues.has("abandoned", folded) and not open_ongoing:
        return "abandoned"
    verb_tense = _tense(an, unit)
    if verb_tense in (None, "present") and cues.raw_pattern("compound_past").search(an.text, unit.start, unit.end):
        verb_tense = "past"                   # "a-t-elle expédié": the parser missed the auxiliary
    elif verb_tense in (None, "present") and cues.raw_pattern("future_verb").search(an.text, unit.start, unit.end):
        verb_tense = "future"                 # "organiseront", tagged present by the parser
    if cues.has("intent", folded) or (cues.has("planned", folded) and verb_tense != "past"):
        return "planned"                      # "a prévu de", "reporté à 2025", "se tiendra"
    tense = verb_tense
    if tense != "future" and (ev.open_end or cues.has("ongoing", folded)) and not ev.end:
        tense = "present"
    return period_status(ev.start, ev.end, an.date, ev.open_end, tense)


def section_mode(an: Analysis, section: int) -> str:
    """"partner" when a section about a foreign place names the owner in its heading or opening
    paragraphs (a city page's partner section), "local" when it reports what that place did."""
    if section < 0 or not an.owner:
        return "local"
    heading = an.layout.blocks[section]
    if an.owner in an.keys_in(heading.start, heading.end):
        return "partner"
    opening = []
    if len(an.unit_blocks) != len(an.units):
        an.unit_blocks = [x.block for x in an.units]
    for u in an.units[bisect_left(an.unit_blocks, section + 1):]:
        if governing_section(an, u.block) == section:
            opening.append(u)
            if len(opening) == 3:
                break
        elif an.layout.blocks[u.block].kind == "heading" and an.layout.blocks[u.block].section != section \
                and an.subjects.get(u.block):
            break
    return "partner" if any(an.owner in an.keys_in(u.start, u.end) for u in opening) else "local"


def _only_since(folded: str, explicit) -> bool:
    """A partnership statement ("jumelée depuis 1963", "un accord signé en 2012"), not an event
    (one that quotes an amount is an event: "en coopération avec Rafah depuis 2003, a voté une aide
    de 50 000 euros")."""
    if not cues.kinds_in(folded) or cues.has("strong_triggers", folded) or find_amounts(folded):
        return False
    if not explicit and cues.has("decision", folded):
        return False      # « a décidé de poursuivre son soutien à X, avec qui elle est jumelée »
    return not any(d.start and len(d.start) >= 7 for d in explicit)


def find_events(an: Analysis, links=None) -> list[Event]:
    events: list[Event] = []
    current: Event | None = None
    modes: dict[int, str] = {}
    owner_partners = _owner_partners(an, links) if links is not None and an.owner else []
    for index, unit in enumerate(an.units):
        if unit.kind == "heading":
            current = None
            continue
        block = an.block(unit)
        folded = an.folded[unit.start:unit.end]
        dates = _unit_dates(an, unit)
        explicit = [d for d in dates if _is_explicit(d)]
        here = an.keys_in(unit.start, unit.end)
        partners = [k for k in here if k != an.owner]
        owner_here = an.owner in here
        section = section_subjects(an, unit.block)
        governing = governing_section(an, unit.block)
        if governing not in modes:
            modes[governing] = section_mode(an, governing)
        mode = modes[governing]
        block_subjects = an.subjects.get(unit.block, [])
        # « X a offert … à sa jumelle »: a gift to the owner, told about X
        toward_owner = cues.has("gift", folded) and bool(cues.search("collective_possessive", folded))
        trigger = cues.has("action_triggers", folded) or toward_owner
        kinds = cues.kinds_in(folded)
        # the owner's own act at home; "a voté la suspension du jumelage avec Tver" is about a partner
        home = cues.has("home_acts", folded) and not (kinds and partners)
        if cues.has("internal_business", folded) and not cues.has("strong_triggers", folded):
            continue          # a committee's reports, dues and board (SCHEMA: internal business is not recorded)
        dated_item = unit.kind == "item" and bool(explicit) and explicit[0].start_char <= 12

        # the running event goes on: no date or new partner of its own, close by, no "également",
        # no switch from what was done to what is planned. A place the owner has no link with (a
        # town visited during the stay) does not open a new event.
        linked = owner_partners
        new_places = set(partners) - set(current.places) if current is not None else set()
        if (
            current is not None and not explicit and not dated_item
            and block.paragraph - current.paragraph <= 1
            and (not new_places or (current.kind == "action" and not new_places & set(linked)))
            and not cues.has("new_event", folded) and not home
            and not (INDEFINITE_START.match(an.text, unit.start) and cues.has("strong_triggers", folded))
            and (unit.kind == "para" or (unit.kind == "item" and not trigger) or
                 (unit.kind == "item" and BULLETED.match(an.text, unit.start)))
            and (current.kind == "action" or not partners)
            and not (current.kind == "action" and _switches_tense(an, unit, current))
        ):
            current.end_char = unit.end
            current.paragraph = block.paragraph
            continue

        block_local = bool(block_subjects) and block.kind in ("para", "row") and \
            an.owner not in an.keys_in(block.start, block.end)
        subjects = block_subjects if block_local else (section if mode == "local" else [])
        local = bool(subjects) and not owner_here and set(partners) <= set(subjects) and not dated_item \
            and not toward_owner
        if not partners and not local:
            partners = [k for k in (block_subjects or section) if k != an.owner]
        if not partners and not local and current is not None and current.kind == "action" and trigger \
                and block.paragraph - current.paragraph <= 2 and not home:
            partners = list(current.partners)

        gathered = _gathering(an, index, here)
        if gathered is not None:
            events.append(gathered)
            current = gathered
            continue
        if links is not None:
            partners = _group_partners(an, owner_partners, folded, here, partners)
        # an objective or a frame (« le programme vise à », « s'inscrit dans ») tells no new activity
        generic = cues.has("generic_statement", folded) and not dated_item and not find_amounts(folded)
        is_action = (
            partners and (trigger or dated_item) and not home and not local and not generic
            and (an.owner or len(set(here)) >= 2 or dated_item)
            and not (not dated_item and _only_since(folded, explicit))
        )
        if is_action:
            actors = [an.owner] if an.owner else [p for p in here if p in partners][:1]
            if links is not None and an.owner:
                actors += [x for x in _co_actors(an, links, partners) if x not in actors]
            subject = subject_place(an, unit) if an.owner else None
            if subject is not None and subject != an.owner and subject in partners:
                # « La ville de Tver a offert … à sa jumelle »: the partner named as subject acts
                actors = [subject]
                partners = [an.owner] + [p for p in partners if p != subject]
            partners_only = [p for p in partners if p not in actors]
            ev = Event("action", unit.start, unit.end, actors + partners_only, actors, partners_only,
                       paragraph=block.paragraph)
            _date(ev, explicit or dates)
            ev.status = _status(an, unit, ev)
            kept = _repeats(an, events, ev)
            if kept is None:
                events.append(ev)
                current = ev
            else:
                current = kept
            continue

        place = None
        measures = cues.has("initiative_triggers", folded) and not kinds
        if home and an.owner and (owner_here or not partners or unit.kind == "item"):
            place = an.owner
        elif home and not owner_here and len(set(partners)) == 1:
            place = partners[0]               # "le conseil municipal d'Ourense a voté une aide"
        elif local and measures:
            place = (partners or subjects)[0]
        if place is None:
            if current is not None and block.paragraph - current.paragraph > 1:
                current = None
            continue
        last = events[-1] if events else None
        if (
            last is not None and last.kind == "initiative" and last.places == [place] and not home
            and block.section == an.layout.block_at(last.start_char).section
            and not (block.paragraph != last.paragraph and cues.has("new_measure", folded[:40]))
            and unit.kind != "item" and (block.section >= 0 or block.paragraph == last.paragraph)
        ):
            last.end_char = unit.end
            continue
        ev = Event("initiative", unit.start, unit.end, [place], paragraph=block.paragraph)
        _date(ev, explicit or dates)
        events.append(ev)
        current = ev if unit.kind == "item" else None
    return events


def _gathering(an: Analysis, index: int, here: list[str]) -> Event | None:
    """A meeting of several towns that the owner is not part of ("Mercredi 25 mars 2020, cent
    participants se sont réunis… Parmi les participants figuraient le maire d'Al-Hoceima, …, des
    représentants de Guangzhou, Buenos Aires…"): one action of all of them, told from the dated
    sentence that announces the meeting."""
    unit = an.units[index]
    places = list(dict.fromkeys(here))
    if len(places) < 3 or an.owner in places or not cues.has("gathering", an.folded[unit.start:unit.end]):
        return None
    start, dates = unit, []
    paragraph = an.layout.blocks[unit.block].paragraph
    for prev in reversed(an.units[max(0, index - 12):index]):
        if paragraph - an.layout.blocks[prev.block].paragraph > 3:
            break
        prev_dates = [d for d in _unit_dates(an, prev) if _is_explicit(d)]
        if prev_dates and cues.has("gathering", an.folded[prev.start:prev.end]) \
                and not an.keys_in(prev.start, prev.end):
            start, dates = prev, prev_dates
            break
    ev = Event("action", start.start, unit.end, places, list(places), [], paragraph=paragraph)
    _date(ev, dates or [d for d in _unit_dates(an, unit) if _is_explicit(d)])
    ev.status = _status(an, start, ev)
    return ev


def _owner_partners(an: Analysis, links) -> list[str]:
    order = {an.key(m): m.start for m in reversed(an.mentions)}
    found = {link.b if link.a == an.owner else link.a
             for link in links.by_pair.values() if an.owner in (link.a, link.b)}
    return sorted(found, key=lambda k: order.get(k, 0))


def _group_partners(an: Analysis, owner_partners: list[str], folded: str, here: list[str],
                    partners: list[str]) -> list[str]:
    """"entre les 4 villes", "les quatre communes": the owner's partners, when they are that many."""
    size = cues.group_size(folded)
    if not size or not an.owner or len(set(here) | {an.owner}) >= size:
        return partners
    return owner_partners if len(owner_partners) + 1 == size else partners


def _co_actors(an: Analysis, links, partners: list[str]) -> list[str]:
    """A third town in a three-way cooperation ("ménage à trois"): linked in cooperation with the
    partner and linked with the owner, it acts with the owner."""
    out = []
    for link in links.by_pair.values():
        if link.kind != "cooperation":
            continue
        for p in partners:
            if p in (link.a, link.b):
                x = link.b if link.a == p else link.a
                if x != an.owner and x not in partners and frozenset((an.owner, x)) in links.by_pair:
                    out.append(x)
    return out


FIGURE = re.compile(r"\d[\d  .,]*\d")


def _figures(text: str) -> set[str]:
    """Counts and amounts a text quotes ("5.000 masques"), years left out."""
    out = set()
    for m in FIGURE.finditer(text):
        digits = re.sub(r"\D", "", m.group(0))
        if len(digits) >= 3 and not (len(digits) == 4 and digits[:2] in ("19", "20")):
            out.add(digits)
    return out


def _repeats(an: Analysis, events: list[Event], ev: Event) -> Event | None:
    """The same event told twice (a news lead and its body, a quote of the same letter): places
    within an earlier action's, no conflicting dates, most of the words shared. Returns the action
    kept (the dated telling wins), or None when `ev` is new."""
    words = set(an.folded[ev.start_char:ev.end_char].split())
    figures = _figures(an.text[ev.start_char:ev.end_char])
    for k, old in enumerate(events):
        if old.kind != "action" or not set(ev.places) <= set(old.places):
            continue
        if ev.start and old.start and (ev.start, ev.end) != (old.start, old.end):
            continue
        old_words = set(an.folded[old.start_char:old.end_char].split())
        shared = len(words & old_words) / max(1, min(len(words), len(old_words)))
        strong = {m.group(0) for m in cues.finditer("strong_triggers", an.folded[ev.start_char:ev.end_char])}
        old_strong = {m.group(0) for m in cues.finditer("strong_triggers", an.folded[old.start_char:old.end_char])}
        same_figure = bool(figures & _figures(an.text[old.start_char:old.end_char]))
        if shared >= 0.6 or same_figure or (strong & old_strong and shared >= 0.35 and ev.start == old.start):
            if ev.start and not old.start:
                events[k] = ev
                return ev
            return old
    return None


def _date(ev: Event, dates) -> None:
    if not dates:
        return
    d = dates[0]
    ev.start, ev.end, ev.open_end = d.start, d.end, bool(getattr(d, "open_end", False))


def amounts_in(text: str) -> list[Amount]:
    return [Amount(a.value, a.currency, a.per) for a in find_amounts(text)]


def describe(an: Analysis, ev: Event) -> tuple[list[str], str | None, list[Amount]]:
    text = an.text[ev.start_char:ev.end_char]
    context = context_for(text) or an.context
    return themes_for(text), context, amounts_in(text)
