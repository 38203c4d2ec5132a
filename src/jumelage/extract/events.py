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
from functools import cached_property

from jumelage.extract import cues
from jumelage.extract.analysis import Analysis, Unit
from jumelage.extract.dates import DateMention, find_dates, period_status
from jumelage.extract.lexicon import load_json
from jumelage.extract.money import find_amounts
from jumelage.extract.owner import governing_section, section_subjects
from jumelage.extract.relations import LATER_BY, apposed_founding, later_since, page_dated
from jumelage.extract.themes import context_for, themes_for
from jumelage.records import Amount

INDEFINITE_START = re.compile(load_json("events.json")["indefinite_start"])   # « Une délégation… »
BULLETED = re.compile(r"[ \t]*[•·▪◦●\*-]")


@dataclass
class Event:
    """An action or an initiative found, with its span in the text (`start_char`, `end_char`)."""

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
    tense: str | None = None                   # of the unit that opened it (`_tense`), for actions
    unnamed: bool = False                      # done with a partner not yet named: none is inferred


def _is_explicit(d) -> bool:
    """A date stated outright ("en mars 2020"), not a relative one ("l'an dernier")."""
    return d.kind not in ("relative",) and bool(d.start)


CLOCK_AFTER = re.compile(r"\s*(?:à|a|-|,)?\s*\d{1,2}:\d{2}\b")


def stamped(text: str, d) -> bool:
    """A date followed by a clock time written with a colon (« 20 févr. 2023 à 23:03 »): the
    moment a page was published or updated, not the date of an event it tells."""
    return bool(CLOCK_AFTER.match(text, d.end_char))


def _unit_dates(an: Analysis, unit: Unit):
    """Dates of what the unit tells: not the age of a relation ("jumelée depuis 40 ans", « qui
    entretient des relations amicales avec X depuis 1996 », `relation_words`), nor the term of
    an agreement (« pour la période 2023 - 2028 », `validity_period`), nor the founding an apposed
    participle tells (« ont renouvelé leur convention, engagée en 1987 », `apposed_founding`), nor
    "aujourd'hui" (the time of writing), nor the date of what did not happen (`negated_clauses`:
    « aucune visite n'a eu lieu en 2021, mais … »), nor a stored page's « date 2020-05 » marker
    that runs into the unit (it dates only what states no date of its own, `news_month`)."""
    text = an.text[unit.start:unit.end]
    folded = an.folded[unit.start:unit.end]
    negated = negated_clauses(folded)
    out, marker = [], None
    for d in find_dates(text, an.date):
        if not (d.start or d.end) or stamped(text, d):
            continue
        if any(s <= d.start_char < e for s, e in negated):
            continue
        if page_dated(folded, d):
            marker = d    # the page's own « date 2020-05 » marker: it dates only what states no date
            continue
        before = folded[max(0, d.start_char - 40):d.start_char]
        relation_age = d.kind == "since" and (cues.kinds_in(before) or cues.has("relation_words", before))
        if relation_age or cues.kinds_in(before[-14:]) or cues.search("present_time", folded[d.start_char:d.end_char]):
            continue
        if d.kind == "range" and cues.search("validity_period", before):
            continue      # « un accord-cadre pour la période 2023 - 2028 »: the agreement's term, not the event's date
        if apposed_founding(folded, d.start_char):
            continue      # « ont renouvelé leur convention, engagée en 1987 »: the relation's founding
        out.append(d)
    if not out and marker is None:
        out.extend(_later_by(an, unit, folded))
    return out or ([marker] if marker is not None else [])


def _later_by(an: Analysis, unit: Unit, folded: str) -> list:
    """« Cinquante ans plus tard, les deux maires ont planté un tilleul »: the year of the sentence
    before (same paragraph) plus N (`relations.later_since`), as a date the unit states."""
    m = LATER_BY.search(folded)
    if m is None:
        return []
    i = bisect_left(an.units, unit.start, key=lambda u: u.start)
    prev = an.units[i - 1] if i > 0 else None
    year = later_since(an, folded, [], prev, unit)
    return [DateMention(m.start(), m.end(), an.text[unit.start + m.start():unit.start + m.end()],
                        year, year, "point")] if year else []


def _tense(an: Analysis, unit: Unit) -> str | None:
    """"future", "past" or "present" from the unit's verbs (spaCy morphology), None if none.
    Several steps ask it of the same unit, so each unit's answer is kept on the analysis."""
    cache = an.__dict__.setdefault("_tenses", {})
    where = (unit.start, unit.end)
    if where not in cache:
        cache[where] = _verbs_tense(an, unit)
    return cache[where]


def _verbs_tense(an: Analysis, unit: Unit) -> str | None:
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
    noun it qualifies within two steps, is an active subject in spaCy's parse (the place inside a
    passive subject, « le projet du centre de Jérusalem-Est a été lancé », is no agent); None
    otherwise."""
    for m in an.mentions_in(unit.start, unit.end):
        span = an.doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None:
            continue
        tok = span.root
        for _ in range(3):
            if tok.dep_ == "nsubj" or (tok.dep_ == "ROOT" and _misread_verb(tok, span.end)):
                return an.key(m)
            if tok.head is tok:
                break
            tok = tok.head
    return None


def _misread_verb(root, after: int) -> bool:
    """Is the sentence's root a noun whose verb the parser read as a participle qualifying it (« Notre
    ville jumelle de Tczew accueille des réfugiés »: « accueille » as an « acl » past participle
    that does not agree with « ville »)? A participle that does agree (« la délégation venue
    de… ») qualifies its noun indeed. `after`: the verb comes after the place's mention (token
    index)."""
    if root.pos_ not in ("NOUN", "PROPN"):
        return False
    gender = root.morph.get("Gender")
    return any(c.dep_ == "acl" and c.pos_ == "VERB" and c.i >= after and gender
               and c.morph.get("Gender") and c.morph.get("Gender") != gender for c in root.children)


def _switches_tense(an: Analysis, unit: Unit, current: Event) -> bool:
    """From what was done to what is planned, or back ("… signeront un pacte. Depuis le début de
    la guerre, la ville a accueilli 40 réfugiés")."""
    tense = _tense(an, unit)
    if current.status == "planned":
        return tense == "past"
    return tense == "future"


def _status(an: Analysis, unit: Unit, ev: Event) -> str:
    """Decision: in what state is the event `ev` told by `unit`? "cancelled" or "abandoned" by
    their cues (unless it runs on), "planned" by an intent or a plan not in the past, else from its
    dates and the verbs' tense (`period_status`): "done", "ongoing" or "planned". A single past
    date with an ongoing cue (« lancé en 2019, le programme se poursuit ») is the start of what runs
    on: the event's end is left open (issue 10: a launch date is no end date)."""
    folded = an.folded[unit.start:unit.end]
    open_ongoing = ev.open_end and not ev.end
    if (cues.has("cancelled", folded) or cues.has("unfulfilled_plan", folded)) and not open_ongoing:
        return "cancelled"
    if cues.has("abandoned", folded) and not open_ongoing:
        return "abandoned"
    verb_tense = _tense(an, unit)
    if verb_tense in (None, "present") and (cues.raw_pattern("compound_past").search(an.text, unit.start, unit.end)
                                            or cues.raw_pattern("recent_past").search(an.text, unit.start, unit.end)):
        verb_tense = "past"                   # "a-t-elle expédié", "viennent de signer": done
    elif verb_tense in (None, "present") and cues.raw_pattern("future_verb").search(an.text, unit.start, unit.end):
        verb_tense = "future"                 # "organiseront", tagged present by the parser
    if cues.has("intent", folded) or cues.has("commitment", folded) \
            or (cues.has("planned", folded) and verb_tense != "past"):
        return "planned"                      # "a prévu de", "reporté à 2025", "se tiendra"
    tense = verb_tense
    if tense != "future" and ev.start and ev.end == ev.start and not ev.open_end \
            and an.date and ev.start < an.date[:len(ev.start)] and cues.has("ongoing", folded):
        ev.end, ev.open_end = None, True    # « lancé en 2019, le programme se poursuit »: a launch, not an end
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
    # « des échanges ont lieu entre nos villes jumelées »: the twins named together state no partnership
    folded = cues.pattern("collective_partners").sub(lambda m: " " * len(m.group(0)), folded)
    # « a fait parvenir des flacons de gel à sa ville jumelle »: the twin named by its role, likewise
    folded = cues.pattern("one_partner").sub(lambda m: " " * len(m.group(0)), folded)
    if not cues.kinds_in(folded) or cues.has("strong_triggers", folded) or find_amounts(folded):
        return False
    if not explicit and cues.has("decision", folded):
        return False      # « a décidé de poursuivre son soutien à X, avec qui elle est jumelée »
    if cues.has("action_triggers", folded) and not cues.has("founding", folded):
        return False      # « des échanges ont été menés avec X pour poser les bases d'une coopération »
    if cues.has("signing_told", folded) and not any(
            d.start and len(d.start) == 4 and d.end in (None, d.start) for d in explicit):
        return False      # « X et Y ont signé un accord-cadre pour 2023-2028 »: a signing told, no founding year
    return not any(d.start and len(d.start) >= 7 for d in explicit)


def find_events(an: Analysis, links=None) -> list[Event]:
    """The actions and initiatives of the document, unit by unit, each unit's fate told by the
    named decisions below: does it go on with the running event, who is the partner, is it an
    action or an initiative, who acts, does it repeat an earlier event. `links`: the
    partnerships found (`relations.Links`), or None."""
    events: list[Event] = []
    current: Event | None = None
    modes: dict[int, str] = {}
    owner_partners = _owner_partners(an, links) if links is not None and an.owner else []
    stories: dict[int, object] = {}           # paragraph -> the date its dateline gives
    for index, unit in enumerate(an.units):
        if unit.kind == "heading":
            current = None
            continue
        line = dateline(an, unit)
        if line is not None:                   # a new dated story: nothing runs on into it
            stories[an.block(unit).paragraph] = line
            current = None
            continue
        f = read_unit(an, unit)
        if not f.dates and f.paragraph in stories:
            f.dates = [stories[f.paragraph]]
        if is_internal_business(f):
            continue
        if continues(an, f, current, owner_partners):
            current.end_char = unit.end
            current.paragraph = f.paragraph
            continue
        if dates_the_event(f, current):
            current.end_char = unit.end
            current.paragraph = f.paragraph
            _date(current, f.explicit)
            continue
        if later_phase(an, f, current):
            current.end_char = unit.end
            current.paragraph = f.paragraph
            current.end = f.explicit[-1].end or f.explicit[-1].start
            current.status = period_status(current.start, current.end, an.date)
            continue
        governing = governing_section(an, unit.block)
        if governing not in modes:
            modes[governing] = section_mode(an, governing)
        subjects = local_subjects(an, unit, modes[governing])
        local = is_local(f, subjects)
        partners = partners_of(an, f, local, current)
        gathered = _gathering(an, index, f.here)
        if gathered is not None:
            events.append(gathered)
            current = gathered
            continue
        if links is not None:
            partners = _group_partners(an, owner_partners, f.folded, f.here, partners)
        role, place = classify(f, partners, local, subjects)
        if role is None and sought_partner(an, f):
            current = _add_action(an, events, f, [], links)
            current.unnamed = True
            continue
        if role == "action":
            current = _add_action(an, events, f, partners, links)
        elif role == "initiative" and (place == an.owner or not national_measure(an, unit.start, unit.end, place)):
            current = _add_initiative(an, events, f, place, current)
        elif current is not None and f.paragraph - current.paragraph > 1:
            current = None
    return events


DATELINE_REST = re.compile(r"[\s\W]*")


def dateline(an: Analysis, unit: Unit):
    """The date of a story in a feed of dated stories (« 12 mars 2023 – Voyage à Ruhla ⏎ Une
    délégation… »): a unit that opens its paragraph and says nothing but a day or month, or a
    day or month, a dash and a one-line headline (`DATELINE_TITLE`). Its
    paragraph's undated sentences take that date and no event runs on from the story before;
    None for any other unit."""
    block = an.block(unit)
    if unit.start != block.start or unit.end - unit.start > DATELINE_MAX:
        return None
    text = an.text[unit.start:unit.end]
    dates = [d for d in find_dates(text, an.date) if d.start and len(d.start) >= 7 and d.kind == "point"]
    if len(dates) != 1:
        return None
    d = dates[0]
    if not DATELINE_REST.fullmatch(text, 0, d.start_char):
        return None
    if DATELINE_REST.fullmatch(text, d.end_char) and d.end_char - d.start_char <= 40:
        return d
    # « 5 mars 2024 — Visite de Tczew »: a headline line after the date, its body on the next line
    return d if d.start_char <= 3 and DATELINE_TITLE.fullmatch(text, d.end_char) else None


DATELINE_MAX = 120   # characters: a story's dateline, with its headline
DATELINE_TITLE = re.compile(r"\s*[—–-]\s*[^\n.!?:;]{1,90}")


def story_date(an: Analysis, unit: Unit):
    """The date of the dated story (`dateline`) whose paragraph holds `unit`, or None."""
    block = an.block(unit)
    first = next((u for u in an.units if u.start >= block.start), None)
    return dateline(an, first) if first is not None and first.start < block.end else None


@dataclass
class Facts:
    """What one unit tells, read once (`read_unit`); every decision reads it. Tests build it by
    hand: `unit`, its folded text, paragraph, dates (`_unit_dates`), the places it names (keys, in
    order) and the owner's key; the rest is derived from these."""

    unit: Unit
    folded: str
    paragraph: int
    dates: list
    here: list[str]
    owner: str | None
    description: bool = False      # its main clause describes (`describes`), it tells no act

    @cached_property
    def explicit(self) -> list:
        """The dates stated outright."""
        return [d for d in self.dates if _is_explicit(d)]

    @cached_property
    def partners(self) -> list[str]:
        """The places named other than the owner."""
        return [k for k in self.here if k != self.owner]

    @property
    def owner_here(self) -> bool:
        """Whether the unit names the owner."""
        return self.owner in self.here

    @cached_property
    def kinds(self) -> list:
        """The partnership-kind cues of the unit (`cues.kinds_in`)."""
        return cues.kinds_in(self.folded)

    @cached_property
    def toward_owner(self) -> bool:
        """« X a offert … à sa jumelle »: a gift to the owner, told about X; « ce sont les villes
        jumelles qui offrent les prix »: a gift of the twins named together."""
        return cues.has("gift", self.folded) and (bool(cues.search("collective_possessive", self.folded))
                                                  or cues.has("collective_partners", self.folded))

    @cached_property
    def trigger(self) -> bool:
        """An action cue ("délégation", "accueil", "subvention"…), a contact between twins (« a pris
        contact avec », « des nouvelles sont prises ») or a gift to the owner."""
        return cues.has("action_triggers", self.folded) or cues.has("contact_acts", self.folded) \
            or cues.has("mission_acts", self.folded) or cues.has("reception_acts", self.folded) \
            or self.toward_owner

    @cached_property
    def home(self) -> bool:
        """The owner's own act at home ("citoyen d'honneur", "motion", aid to an organisation with
        no partner town named); "a voté la suspension du jumelage avec Tver" or a grant voted to a
        named town (`grant_to_town`) is about a partner."""
        if cues.has("aid_to_organisation", self.folded) and not self.partners:
            return True   # « a accordé une subvention de 30 000 euros au Fonds … »: no partner town
        if self.partners and cues.has("grant_to_town", self.folded):
            return False  # « a voté une aide de 8 000 euros à Lviv »: mobilising for the partner
        return cues.has("home_acts", self.folded) and not (self.kinds and self.partners)

    @cached_property
    def dated_item(self) -> bool:
        """A list item that opens with its date ("2019 : accueil de…")."""
        return self.unit.kind == "item" and bool(self.explicit) and self.explicit[0].start_char <= 12


def read_unit(an: Analysis, unit: Unit) -> Facts:
    """The `Facts` of `unit`: its folded text, paragraph, dates and places."""
    return Facts(unit, an.folded[unit.start:unit.end], an.block(unit).paragraph, _unit_dates(an, unit),
                 an.keys_in(unit.start, unit.end), an.owner, describes(an, unit))


def describes(an: Analysis, unit: Unit) -> bool:
    """Is the unit's main clause a description built on « être » (« L'engagement de la ville est à
    la fois politique et humanitaire », « Ces échanges sont à l'origine de… »): its first
    sentence's root is no verb and has a copula (spaCy's parse)? Read once per unit (the rules
    and the unit decision both ask)."""
    cache = an.__dict__.setdefault("_describes", {})
    where = (unit.start, unit.end)
    if where not in cache:
        span = an.doc.char_span(unit.start, unit.end, alignment_mode="expand") if an.doc is not None else None
        root = next(iter(span.sents)).root if span is not None else None
        cache[where] = root is not None and root.pos_ != "VERB" and any(c.dep_ == "cop" for c in root.children) \
            and not _cleft(root)
    return cache[where]


CLEFT_SUBJECTS = frozenset({"ce", "c'", "c’"})


def _cleft(root) -> bool:
    """« Ce sont les villes jumelles qui offrent les prix », « C'est Tczew qui a envoyé… »: a cleft
    sentence puts its act in the relative clause; « ce » subject of the copula, a verb clause on
    the root."""
    return any(c.dep_ in ("nsubj", "expl:subj") and c.lower_ in CLEFT_SUBJECTS for c in root.children) \
        and any(c.dep_ in ("acl:relcl", "acl") and c.pos_ == "VERB" for c in root.children)


def sought_partner(an: Analysis, f: Facts) -> bool:
    """Decision: does the unit tell a partnership planned or sought with a town not yet named
    (« la mairie envisage un nouveau jumelage avec une ville ukrainienne », « le comité cherche
    une commune allemande pour un partenariat »)? The owner is known, the unit names no other
    place, has a partnership word, an intent or a plan (`intent`, `planned`) and a town told by its
    kind only (`unnamed_partner`). Such an action is the owner's alone: no partner is inferred."""
    return bool(an.owner and not f.partners and f.kinds and cues.has("unnamed_partner", f.folded)
                and (cues.has("intent", f.folded) or cues.has("planned", f.folded)))


def is_internal_business(f: Facts) -> bool:
    """Decision: is the unit a committee's reports, dues and board (not recorded, SCHEMA), not an
    act ("strong" cues such as "délégation" win)? In: the unit's facts. Out: True to skip it."""
    return cues.has("internal_business", f.folded) and not cues.has("strong_triggers", f.folded)


def continues(an: Analysis, f: Facts, current: Event | None, linked: list[str]) -> bool:
    """Decision: does the unit go on telling the running event `current`? Yes when it has no date
    or new partner of its own (a place the owner has no link with, in `linked`, does not open a new
    action: a town visited during the stay), is close by (next paragraph at most), says no
    "également", opens no new indefinite act (« Une délégation… ») nor tells a signing the event
    did not (`signing_told`: « X et Y ont ensuite signé ») nor a meeting that did not happen
    (`unfulfilled_plan`: « les deux chorales devaient se retrouver en mai »), is no triggering
    list item, and does not switch from what was done to what is planned. Out: True to extend `current`."""
    if current is None or f.explicit or f.dated_item or f.paragraph - current.paragraph > 1:
        return False
    new_places = set(f.partners) - set(current.places)
    if new_places and not (current.kind == "action" and not new_places & set(linked)):
        return False
    if (cues.has("new_event", f.folded) and not stay_programme(an, f, current)) \
            or cues.has("turn_event", f.folded) or f.home:
        return False
    if _new_sum(an, f, current):
        return False
    if current.kind == "action" and current.status != "cancelled" and cues.has("unfulfilled_plan", f.folded):
        return False      # « Les deux chorales devaient se retrouver en mai »: an occasion that did not happen
    if cues.has("signing_told", f.folded) and not cues.has("signing_told", an.folded[current.start_char:current.end_char]):
        return False      # a signing told after a meeting or a stay is an event of its own (SCHEMA)
    unit = f.unit
    if INDEFINITE_START.match(an.text, unit.start) and cues.has("strong_triggers", f.folded):
        return False
    if not (unit.kind == "para" or (unit.kind == "item" and not f.trigger)
            or (unit.kind == "item" and BULLETED.match(an.text, unit.start))):
        return False
    if current.kind != "action":
        return not f.partners
    return not _switches_tense(an, unit, current)


def dates_the_event(f: Facts, current: Event | None) -> bool:
    """Does the unit only say when or where the action just told took place (`occasion_told`:
    « C'était au cours d'une session du conseil, le mercredi 29 novembre 2006 »), in the next
    paragraph at most, naming no place the action lacks, with a date inside the action's own (or
    the action undated)? Then it goes on with that action and gives it its finer date."""
    if current is None or current.kind != "action" or not f.explicit or f.paragraph - current.paragraph > 1:
        return False
    if set(f.here) - set(current.places) or not cues.search("occasion_told", f.folded):
        return False
    d = f.explicit[0]
    return not current.start or (d.start or "").startswith(current.start)


def later_phase(an: Analysis, f: Facts, current: Event | None) -> bool:
    """Does the unit tell a later phase of the project the running action tells (« Les travaux
    doivent s'achever en juin 2025 », « Ce programme se poursuivra en 2026 »)? It opens by naming
    that story again (`story_anaphora`), in the same or next paragraph, names no place the action
    lacks, and every date it states lies after the action's. Then the action runs to that date."""
    if current is None or current.kind != "action" or not current.start or not f.explicit \
            or f.paragraph - current.paragraph > 1 or set(f.here) - set(current.places):
        return False
    if not cues.search("story_anaphora", f.folded[:60]):
        return False
    last = current.end or current.start
    return all(d.start and d.start[:len(last)] > last for d in f.explicit)


def stay_programme(an: Analysis, f: Facts, current: Event) -> bool:
    """Does the unit tell more of the programme of the stay `current` tells (SCHEMA: "the programme
    of one stay belongs to that stay"), though it says « aussi » (« Le séjour a été intense … Les
    footballeurs ont aussi apprécié le tournoi »)? The running action is a stay (`stay`), and
    the unit names no place, gives no date and has no town as its subject."""
    if current.kind != "action" or f.here or f.dates:
        return False
    if not cues.has("stay", an.folded[current.start_char:current.end_char]):
        return False
    return subject_place(an, f.unit) is None


def _new_sum(an: Analysis, f: Facts, current: Event) -> bool:
    """A grant or a gift with its sum (« s'est mobilisée en votant une subvention de 6 600 euros »)
    after an action that quoted no money is another activity, unless the unit refers back to the
    running one (« Ce séjour est financé à hauteur de 4 500 euros ») or the running action is a
    support lasting since a year (« depuis 1986, la ville apporte son soutien… La subvention
    annuelle s'élève à 10 000 € »: its yearly sum)."""
    if current.kind != "action" or current.open_end or not cues.has("strong_triggers", f.folded) \
            or not find_amounts(f.folded):
        return False
    if cues.search("story_anaphora", f.folded[:60]) or find_amounts(an.folded[current.start_char:current.end_char]):
        return False
    return True


def local_subjects(an: Analysis, unit: Unit, mode: str) -> list[str]:
    """Decision: which foreign places may the unit be telling about, as their own doings? The
    subjects of its paragraph or row when that block does not name the owner, else those of its
    section when the section reports a place's own doings (`mode` "local", see `section_mode`).
    Out: place keys, [] for none."""
    block = an.block(unit)
    block_subjects = an.subjects.get(unit.block, [])
    if block_subjects and block.kind in ("para", "row") and an.owner not in an.keys_in(block.start, block.end):
        return block_subjects
    return section_subjects(an, unit.block) if mode == "local" else []


def is_local(f: Facts, subjects: list[str]) -> bool:
    """Decision: does the unit report what a foreign place did at home (no partner involved)? Yes
    when it names no place but the `subjects` it is about, not the owner, and is neither a dated
    list item nor a gift to the owner."""
    return (bool(subjects) and not f.owner_here and set(f.partners) <= set(subjects)
            and not f.dated_item and not f.toward_owner)


def partners_of(an: Analysis, f: Facts, local: bool, current: Event | None) -> list[str]:
    """Decision: who is the partner? The places the unit names besides the owner; else (when not
    `local`) the place its paragraph or section is about; else, for an action cue close to the
    running action `current`, that action's partners. Out: place keys, possibly []."""
    if f.partners or local:
        return f.partners
    section = section_subjects(an, f.unit.block)
    partners = [k for k in (an.subjects.get(f.unit.block, []) or section) if k != an.owner]
    if not partners and current is not None and current.kind == "action" and f.trigger \
            and f.paragraph - current.paragraph <= 2 and not f.home:
        return list(current.partners)
    return partners


def is_action(f: Facts, partners: list[str], local: bool) -> bool:
    """Decision: is the unit an action done with a partner? It needs `partners`, an action cue or
    a dated list item, no home act, not be `local`, no generic statement (« le programme vise à »),
    an owner or two places, and not be a mere partnership statement (`_only_since`)."""
    if not partners or not (f.trigger or f.dated_item) or f.home or local:
        return False
    # an objective or a frame (« le programme vise à », « s'inscrit dans ») tells no new activity
    if cues.has("generic_statement", f.folded) and not f.dated_item and not find_amounts(f.folded):
        return False
    if not (f.owner or len(set(f.here)) >= 2 or f.dated_item):
        return False
    if f.description and not f.explicit and not find_amounts(f.folded):
        return False      # a description tells no act
    return f.dated_item or not _only_since(f.folded, f.explicit)


def initiative_place(f: Facts, partners: list[str], local: bool, subjects: list[str]) -> str | None:
    """Decision: whose initiative is the unit? The owner's for its own act at home; a single named
    foreign place's for its act at home (« le conseil municipal d'Ourense a voté une aide »); the
    place a `local` unit describing measures is about. Out: a place key, None for no initiative."""
    if f.home and f.owner and (f.owner_here or not partners or f.unit.kind == "item"):
        return f.owner
    if f.home and not f.owner_here and len(set(partners)) == 1:
        return partners[0]
    if local and cues.has("initiative_triggers", f.folded) and not f.kinds:
        return (partners or subjects)[0]
    return None


def national_measure(an: Analysis, start: int, end: int, place: str | None) -> bool:
    """Does text[start:end] tell a measure taken for a whole country (« décrété par le
    gouvernement », « interdites dans toute l'Allemagne »; `national_scope`, `nationwide` before a
    country's name) rather than by `place`? Not when `place` is the grammatical subject of a
    sentence in it (« la ville de Kutno a fermé ses écoles, comme demandé par le gouvernement »)."""
    folded = an.folded[start:end]
    national = cues.has("national_scope", folded) or any(
        start <= c.start < end and cues.search("nationwide", an.folded[max(start, c.start - 30):c.start])
        for c in an.countries)
    if not national or place is None:
        return national
    span = an.doc.char_span(start, end, alignment_mode="expand") if an.doc is not None else None
    if span is None:
        return True
    return not any(subject_place(an, Unit(s.start_char, s.end_char, 0, "para")) == place for s in span.sents)


NEGATED_CLAUSE_END = re.compile(r"[,;:.!?]|\bmais\b")


def negated_clauses(folded: str) -> list[tuple[int, int]]:
    """[start, end) of each clause of `folded` that says an act did not happen at all (a
    `nothing_happened` cue, from the clause's start to the next comma, semicolon, full stop or
    « mais »), in order."""
    out: list[tuple[int, int]] = []
    for m in cues.finditer("nothing_happened", folded):
        if out and m.start() < out[-1][1]:
            continue
        end = NEGATED_CLAUSE_END.search(folded, m.end())
        # the clause's subject comes with it (« le voyage à Bitonto n'a pas eu lieu »)
        start = max((b.end() for b in NEGATED_CLAUSE_END.finditer(folded, out[-1][1] if out else 0,
                                                                   m.start())), default=out[-1][1] if out else 0)
        out.append((start, end.start() if end else len(folded)))
    return out


def nothing_happened(folded: str) -> bool:
    """Does the unit (folded text) only say that nothing happened (« aucune visite n'a pu avoir
    lieu cette année », « il n'y a pas eu de rencontre »)? True when it has a negated clause
    (`negated_clauses`) and, those clauses left out, no activity word (`action_triggers`,
    `contact_acts`) and no amount remain: « aucune visite n'a eu lieu, mais la ville a envoyé
    2 000 masques » still tells a gift."""
    clauses = negated_clauses(folded)
    if not clauses:
        return False
    rest, at = [], 0
    for start, end in clauses:
        rest.append(folded[at:start])
        at = end
    rest.append(folded[at:])
    left = " ".join(rest)
    return not (cues.has("action_triggers", left) or cues.has("contact_acts", left) or find_amounts(left))


def classify(f: Facts, partners: list[str], local: bool, subjects: list[str]) -> tuple[str | None, str | None]:
    """Decision: is the unit an action, an initiative or neither? Out: ("action", None),
    ("initiative", place key) or (None, None); neither when it only says that nothing happened
    (`nothing_happened`)."""
    if nothing_happened(f.folded):
        return None, None
    if is_action(f, partners, local):
        return "action", None
    place = initiative_place(f, partners, local, subjects)
    return ("initiative", place) if place is not None else (None, None)


def actors_and_partners(an: Analysis, unit: Unit, f: Facts, partners: list[str],
                        links=None) -> tuple[list[str], list[str]]:
    """Decision: who acts, and with whom? The owner acts (with a third town of a three-way
    cooperation, from `links`), or without an owner the first partner named; a partner that is the
    sentence's subject (« La ville de Tver a offert … à sa jumelle ») acts instead, the owner
    becoming its partner unless the unit names another place it acts with and not the owner (« la
    délégation de Yen Bai a rencontré le maire de Saint-Ouen »). Out: (actors, partners that are
    not actors)."""
    actors = [an.owner] if an.owner else [p for p in f.here if p in partners][:1]
    if links is not None and an.owner:
        actors += [x for x in _co_actors(an, links, partners) if x not in actors]
    subject = subject_place(an, unit) if an.owner else None
    if subject is not None and subject != an.owner and subject in partners:
        actors = [subject]
        others = [p for p in partners if p != subject]
        # « la délégation de Yen Bai a eu une réunion avec le maire de Saint-Ouen »: the place
        # it met is its partner; the owner only when the unit names no other (or names the owner)
        partners = [an.owner] + others if (not others or an.owner in f.here) else others
    return actors, [p for p in partners if p not in actors]


def which_date(f: Facts) -> list:
    """Decision: which dates date the event? The unit's explicit dates, else its relative ones;
    the first is used (`_date`)."""
    return f.explicit or f.dates


def _add_action(an: Analysis, events: list[Event], f: Facts, partners: list[str], links) -> Event:
    """Append the action `f` tells (unless it repeats an earlier one) and return the running event."""
    unit = f.unit
    actors, partners_only = actors_and_partners(an, unit, f, partners, links)
    ev = Event("action", unit.start, unit.end, actors + partners_only, actors, partners_only,
               paragraph=f.paragraph)
    _date(ev, which_date(f))
    ev.status = _status(an, unit, ev)
    ev.tense = _tense(an, unit)
    kept = _repeats(an, events, ev)
    if kept is None:
        events.append(ev)
        return ev
    return kept


def _add_initiative(an: Analysis, events: list[Event], f: Facts, place: str,
                    current: Event | None) -> Event | None:
    """Extend the last initiative of `place` or append a new one; return the running event."""
    last = events[-1] if events else None
    if last is not None and extends_initiative(an, last, f, place):
        last.end_char = f.unit.end
        return current
    ev = Event("initiative", f.unit.start, f.unit.end, [place], paragraph=f.paragraph)
    _date(ev, which_date(f))
    events.append(ev)
    return ev if f.unit.kind == "item" else None


def extends_initiative(an: Analysis, last: Event, f: Facts, place: str) -> bool:
    """Decision: does the unit go on with the last event, an initiative of the same `place`? Yes
    in the same section, for no home act and no list item, unless a new paragraph opens a new
    measure ("Par ailleurs"); outside any section only within one paragraph."""
    block = an.block(f.unit)
    return (
        last.kind == "initiative" and last.places == [place] and not f.home
        and block.section == an.layout.block_at(last.start_char).section
        and not (block.paragraph != last.paragraph and cues.has("new_measure", f.folded[:40]))
        and f.unit.kind != "item" and (block.section >= 0 or block.paragraph == last.paragraph)
    )


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
    """The places linked with the owner, in the order the text first names them."""
    order = {an.key(m): m.start for m in reversed(an.mentions)}
    found = {link.b if link.a == an.owner else link.a
             for link in links.by_pair.values() if an.owner in (link.a, link.b)}
    return sorted(found, key=lambda k: order.get(k, 0))


def _group_partners(an: Analysis, owner_partners: list[str], folded: str, here: list[str],
                    partners: list[str]) -> list[str]:
    """"entre les 4 villes", "les quatre communes": the owner's partners, when they are that many.
    « nos villes jumelées », « ses villes jumelles » (`collective_partners`) in a unit naming no
    place besides the owner: every partner the document links with the owner; « sa ville
    jumelle », « notre commune partenaire » (`one_partner`): the owner's partner when the document
    links it with one place only."""
    if an.owner and owner_partners and not [k for k in here if k != an.owner] \
            and cues.has("collective_partners", folded):
        return list(owner_partners)
    if an.owner and len(owner_partners) == 1 and not partners \
            and not [k for k in here if k != an.owner] and cues.has("one_partner", folded):
        return list(owner_partners)   # « a décidé d'envoyer 3 000 masques à sa ville jumelle »
    size = cues.group_size(folded)
    if not size or not an.owner or len(set(here) | {an.owner}) >= size:
        return partners
    return owner_partners if len(owner_partners) + 1 == size else partners


def _co_actors(an: Analysis, links, partners: list[str]) -> list[str]:
    """A third town in a three-way cooperation ("ménage à trois"): linked in cooperation with the
    partner and linked with the owner, it acts with the owner."""
    out = []
    involved = set(partners)
    for link in links.by_pair.values():
        if (link.a not in involved and link.b not in involved) or link.kind != "cooperation":
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
    """Decision: does `ev` repeat an earlier action (`same_event`)? Out: the action kept (the dated
    telling wins and replaces the undated one in `events`), or None when `ev` is new."""
    title = _title(an)
    for k, old in enumerate(events):
        if same_event(an, old, ev):
            headline = title is not None and old.start_char <= title[1]   # the page opens with it
            if (ev.start and not old.start) or headline:    # the body tells what the headline announced
                events[k] = ev
                return ev
            if ev.start and not old.start:
                events[k] = ev
                return ev
            return old
    return None


def _title(an: Analysis) -> tuple[int, int] | None:
    """The span of the page's headline (`units.title_line`), read once per document."""
    if "_title" not in an.__dict__:
        from jumelage.extract.units import title_line
        an.__dict__["_title"] = title_line(an.text)
    return an.__dict__["_title"]


def same_event(an: Analysis, old: Event, ev: Event) -> bool:
    """Decision: is `ev` the same event as the earlier `old`, told twice (a news lead and its body,
    a quote of the same letter)? Yes when `old` is an action whose places include all of `ev`'s,
    their dates do not conflict, and they share most words (60 %), a figure ("5.000 masques"), or
    a strong cue with a third of the words and the same start date."""
    if old.kind != "action" or not set(ev.places) <= set(old.places):
        return False
    if ev.start and old.start and (ev.start, ev.end) != (old.start, old.end):
        return False
    folded, old_folded = an.folded[ev.start_char:ev.end_char], an.folded[old.start_char:old.end_char]
    words, old_words = set(folded.split()), set(old_folded.split())
    shared = len(words & old_words) / max(1, min(len(words), len(old_words)))
    if shared >= 0.6 or _figures(an.text[ev.start_char:ev.end_char]) & _figures(an.text[old.start_char:old.end_char]):
        return True
    strong = {m.group(0) for m in cues.finditer("strong_triggers", folded)}
    old_strong = {m.group(0) for m in cues.finditer("strong_triggers", old_folded)}
    return bool(strong & old_strong) and shared >= 0.35 and ev.start == old.start


def _date(ev: Event, dates) -> None:
    """Date `ev` by the first of `dates` (start, end, open end); leave it undated without any."""
    if not dates:
        return
    d = dates[0]
    ev.start, ev.end, ev.open_end = d.start, d.end, bool(getattr(d, "open_end", False))


def amounts_in(text: str) -> list[Amount]:
    """The amounts of money `text` quotes, as records."""
    return [Amount(a.value, a.currency, a.per) for a in find_amounts(text)]


def without_shelter_venues(text: str, folded: str) -> str:
    """`text` with the buildings people are sheltered in blanked out (`shelter_venue`: « héberge
    400 déplacés dans ses écoles et son gymnase »): a school or a gym used as a shelter tells no
    education nor sport theme. `folded` is `text` folded (same length)."""
    for m in cues.finditer("shelter_venue", folded):
        text = text[:m.start(1)] + " " * (m.end(1) - m.start(1)) + text[m.end(1):]
    return text


def describe(an: Analysis, ev: Event) -> tuple[list[str], str | None, list[Amount]]:
    """The themes, context (the document's when the event states none) and amounts of `ev`; an
    action giving help (`crisis_aid`) in a crisis is humanitarian too."""
    text = an.text[ev.start_char:ev.end_char]
    context = context_for(text) or an.context
    themes = themes_for(without_shelter_venues(text, an.folded[ev.start_char:ev.end_char]))
    # help between twins in a crisis (war, flood, epidemic) is humanitarian, whatever else it is
    if ev.kind == "action" and context and "humanitarian" not in themes and len(themes) < 3 \
            and cues.has("crisis_aid", an.folded[ev.start_char:ev.end_char]):
        themes.append("humanitarian")
    return themes, context, amounts_in(text)
