"""Learned unit decisions: is a sentence, item or row that the rules left out an action, and
who acts.

The rules of `events` open an action or an initiative on narrow cues; on new text they miss
many (a partner town's own measures told in a news item, "a décidé d'envoyer 5 000 masques",
a committee's local fair). Every unit no rule event covers is a candidate here, described by
generic facts: the cue classes it holds, its tense, dates, amounts, crisis context, how many
places it names and whether one of them is the grammatical subject (spaCy's parse), whether the
owner is named, the layout. A logistic regression fitted on the gold
(`python -m jumelage.extract.train`) says "action"; consecutive chosen units of one paragraph
about the same place become one record. Features never name a place or document. (The same
candidates carry initiative labels for training; that decision is not applied yet, see
`decide_units`.)

The records then get their boundaries from SCHEMA's conventions, not from sentence cuts: a long
dated list item telling two dated occasions is cut in two (`split_dated_item`), an enumeration
mixing local events and partner activities gives one record per member (`split_enumeration`),
and one project told over several sentences is joined back into one action (`merge_stories`).
"""
from __future__ import annotations

import math
import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date

from jumelage.extract import cues
from jumelage.extract.analysis import Analysis, Unit
from jumelage.extract.dates import find_dates, period_status
from jumelage.extract.events import BULLETED, Event, _date, _status, _tense, national_measure, nothing_happened, stamped, \
    story_date, subject_place as _subject_place
from jumelage.extract.lexicon import fold_same_length, load_json
from jumelage.extract.money import find_amounts
from jumelage.extract.owner import section_subjects
from jumelage.extract.themes import context_for
from jumelage.partial_dates import bounds, period_bounds

CUES = ["action_triggers", "strong_triggers", "initiative_triggers", "home_acts", "intent", "planned",
        "cancelled", "new_event", "gathering", "new_measure", "founding", "first_person_speaker"]
ROLE_SUBJECTS = frozenset(load_json("owner.json")["role_subjects"])
UNIT_FEATURES = [f"cue_{c}" for c in CUES] + [
    "kind_cue", "anniversary", "context", "amount", "dated", "past", "future", "present",
    "places0", "places1", "places2", "owner_here", "foreign_here", "foreign_subject", "place_subject",
    "item", "row", "length", "position", "owner_known", "after_event", "before_event", "section_foreign",
    "collective", "rule_action", "rule_initiative", "role_subject",
]


@dataclass
class UnitCandidate:
    """A span that may be an action or an initiative: a rule event, or a unit no event covers."""

    start: int
    end: int
    unit: Unit                      # its first unit
    features: dict[str, float]
    place: str | None               # who would act alone (initiative)
    event: Event | None = None      # the rule event it stands for, if any


def _features(an: Analysis, unit: Unit, start: int, end: int, here: list[str], subject: str | None,
              covered: list[tuple[int, int]], collective: float) -> dict[str, float]:
    folded = an.folded[start:end]
    text = an.text[start:end]
    f: dict[str, float] = {f"cue_{c}": float(cues.has(c, folded)) for c in CUES}
    foreign = [k for k in here if k != an.owner]
    section = [k for k in section_subjects(an, unit.block) if k != an.owner]
    tense = _tense(an, unit)
    f["kind_cue"] = float(bool(cues.kinds_in(folded)))
    f["anniversary"] = float(bool(cues.search("anniversary", folded)))
    f["context"] = _block_context(an, unit.block)
    f["amount"] = float(bool(find_amounts(folded)))
    unit_text = an.text[unit.start:unit.end]
    f["dated"] = float(any(d.start and not stamped(unit_text, d) for d in find_dates(unit_text, an.date)))
    f["past"], f["future"], f["present"] = (float(tense == t) for t in ("past", "future", "present"))
    f["places0"], f["places1"], f["places2"] = float(not here), float(len(here) == 1), float(len(here) >= 2)
    f["owner_here"] = float(an.owner in here)
    f["foreign_here"] = float(bool(foreign))
    f["foreign_subject"] = float(subject is not None and subject != an.owner)
    f["place_subject"] = float(subject is not None)
    f["item"], f["row"] = float(unit.kind == "item"), float(unit.kind == "row")
    f["length"] = math.log1p(len(text))
    f["position"] = start / max(1, len(an.text))
    f["owner_known"] = float(an.owner is not None)
    f["after_event"] = float(any(0 <= start - e < 3 for _, e in covered))
    f["before_event"] = float(any(0 <= s - end < 3 for s, _ in covered))
    f["section_foreign"] = float(bool(section))
    f["collective"] = collective
    f["role_subject"] = float(role_subject(an, start, end))
    return f


def role_subject(an: Analysis, start: int, end: int) -> bool:
    """Is a subject of the span a word that names the speaking body without naming it (« la
    mairie a organisé », « le maire a pris contact », « nous avons accueilli »; `role_subjects`
    of data/fr/owner.json), no place named inside that subject (« la mairie de Kalisz » is named)?
    The parse is read once per document (`_role_subjects`)."""
    offsets = _role_subjects(an)
    i = bisect_left(offsets, start)
    return i < len(offsets) and offsets[i] < end


def _role_subjects(an: Analysis) -> list[int]:
    """Offsets of the document's unnamed role subjects, sorted, computed once per document."""
    cached = an.__dict__.get("_role_subject_offsets")
    if cached is not None:
        return cached
    out = []
    for tok in an.doc if an.doc is not None else ():
        if tok.dep_ not in ("nsubj", "nsubj:pass") or fold_same_length(tok.lower_) not in ROLE_SUBJECTS:
            continue
        sub = list(tok.subtree)
        if not an.mentions_in(sub[0].idx, sub[-1].idx + len(sub[-1].text)):
            out.append(tok.idx)
    an.__dict__["_role_subject_offsets"] = out
    return out


def joint_subject(an: Analysis, start: int, end: int) -> bool:
    """Is a subject of the span an unnamed role of the speaking body (`role_subjects`: « le maire »,
    « la mairie ») coordinated with a named town's (« Le maire et le bourgmestre de Lauingen ont
    dévoilé une plaque »)? Then the owner acts with that town: not the town's own measure."""
    span = an.doc.char_span(start, end, alignment_mode="expand") if an.doc is not None else None
    for tok in span if span is not None else ():
        if tok.dep_ not in ("nsubj", "nsubj:pass") or fold_same_length(tok.lower_) not in ROLE_SUBJECTS:
            continue
        for conj in (c for c in tok.children if c.dep_ == "conj"):
            sub = list(conj.subtree)
            if an.mentions_in(sub[0].idx, sub[-1].idx + len(sub[-1].text)) \
                    and not an.mentions_in(tok.idx, conj.left_edge.idx):
                return True
    return False


def _block_context(an: Analysis, block: int) -> float:
    """Whether the unit's paragraph speaks of a crisis (covid-19, war, flood…), computed once per block."""
    cache = an.__dict__.setdefault("_block_contexts", {})
    if block not in cache:
        b = an.layout.blocks[block]
        cache[block] = float(context_for(an.text[b.start:b.end]) is not None)
    return cache[block]


def _place(an: Analysis, unit: Unit, here: list[str], subject: str | None) -> str | None:
    foreign = [k for k in here if k != an.owner]
    section = [k for k in section_subjects(an, unit.block) if k != an.owner]
    return subject or (foreign[0] if len(set(foreign)) == 1 else None) or (section[0] if section else None) \
        or an.owner


def unit_candidates(an: Analysis, events: list[Event]) -> list[UnitCandidate]:
    """Every rule event, and every non-heading unit no event covers, with its features."""
    covered = sorted((e.start_char, e.end_char) for e in events)
    collective = float(bool(cues.search("collective_possessive", an.folded)))
    out: list[UnitCandidate] = []
    first_unit = {}
    for unit in an.units:
        for e in events:
            if e.start_char <= unit.start < e.end_char and id(e) not in first_unit:
                first_unit[id(e)] = unit
    for e in events:
        unit = first_unit.get(id(e))
        if unit is None:
            continue
        here = an.keys_in(e.start_char, e.end_char)
        subject = _subject_place(an, unit)
        f = _features(an, unit, e.start_char, e.end_char, here, subject, covered, collective)
        f["rule_action"], f["rule_initiative"] = float(e.kind == "action"), float(e.kind == "initiative")
        out.append(UnitCandidate(e.start_char, e.end_char, unit, f, _place(an, unit, here, subject), e))
    for unit in an.units:
        if unit.kind == "heading":
            continue
        if any(s < unit.end and unit.start < e and min(e, unit.end) - max(s, unit.start) >
               0.5 * (unit.end - unit.start) for s, e in covered):
            continue
        here = an.keys_in(unit.start, unit.end)
        subject = _subject_place(an, unit)
        f = _features(an, unit, unit.start, unit.end, here, subject, covered, collective)
        out.append(UnitCandidate(unit.start, unit.end, unit, f, _place(an, unit, here, subject)))
    return out


def _lone_candidate(an: Analysis, unit: Unit, here: list[str], subject: str | None,
                    place: str | None) -> UnitCandidate:
    """One unit of a rule event as a candidate of its own (no other event covering it, no
    document-level collective cue), to ask the unit decisions about it alone."""
    return UnitCandidate(unit.start, unit.end, unit,
                         _features(an, unit, unit.start, unit.end, here, subject, [], 0.0), place)


def partner_measure(an: Analysis, c: UnitCandidate) -> str | None:
    """The partner town whose own measure `c` tells, or None (SCHEMA: "a partner town's own
    measures are that town's initiatives; the document's own town is not their actor").

    The candidate's place must be a town other than the owner, and the span must name no other
    place and show no contact between the towns (`partner_contact`, « sa jumelle », « nos amis »).
    Then either that town is the span's grammatical subject (« Tczew organise le nettoyage de
    ses berges »; in a dated list item only with a measure cue or a crisis), or the span is
    running text in a paragraph that speaks of a crisis (« les écoles ont été fermées »); a dated
    list item under a partner's heading with neither usually tells what the owner did there."""
    place = c.place
    if place is None or an.owner is None or place == an.owner:
        return None
    if set(an.keys_in(c.start, c.end)) - {place}:
        return None
    folded = without_designation(an, c.start, c.end, place)
    if cues.has("partner_contact", folded) or cues.has("collective_possessive", folded):
        return None
    if joint_subject(an, c.start, c.end):
        return None                       # « le maire et le bourgmestre de X ont inauguré »: both towns act
    if national_measure(an, c.start, c.end, place):
        return None                       # « interdites dans toute l'Allemagne »: the country's measure
    running = c.unit.kind not in ("item", "row")
    if c.features.get("foreign_subject") and (
            running or c.features.get("context") or cues.has("initiative_triggers", folded)):
        return place                      # « La ville de X a ouvert un centre d'accueil »
    if c.features.get("context") and running:
        return place                      # a crisis paragraph about X: « les écoles ont été fermées »
    return None


DESIGNATION_GAP = re.compile(r"\s*(?:\(\w+\)\s*)?(?:de\s+|d['’]\s*|,\s*)?(?:la ville de\s+)?$")


def without_designation(an: Analysis, start: int, end: int, place: str) -> str:
    """The folded text of [start, end) with the words that only designate `place` as the owner's
    twin blanked (« Notre ville jumelle de Tczew accueille… », « nos partenaires de Lauingen »: a
    `collective_possessive` right before a mention of `place`). They name who acts and tell no
    contact between the towns; the same words elsewhere (« … à sa jumelle ») still do."""
    folded = an.folded[start:end]
    marks = [m.start - start for m in an.mentions_in(start, end) if an.key(m) == place]
    for m in cues.finditer("collective_possessive", folded):
        if any(at >= m.end() and DESIGNATION_GAP.match(folded[m.end():at]) for at in marks):
            folded = folded[:m.start()] + " " * (m.end() - m.start()) + folded[m.end():]
    return folded


def split_partner_measure(an: Analysis, ev: Event) -> list[Event]:
    """An action whose opening sentences tell a partner town's own measure (`partner_measure`, each
    sentence alone: « La municipalité de Tczew a ouvert un compte pour recueillir des dons. ⏎ Il est
    important de participer, estime le comité… ») and then run on into what the towns do together:
    the opening sentences are that town's initiative (SCHEMA), the rest an action of the owner with
    that town. A country's measures told among them (`national_only`) stay in the initiative; when
    every sentence is such a measure the whole action is the town's initiative. Returns [ev] when
    the action does not open so."""
    if ev.kind != "action" or an.owner is None:
        return [ev]
    inside = [u for u in an.units_in(ev.start_char, ev.end_char) if u.kind != "heading"]
    place, cut = None, None
    for k, unit in enumerate(inside):
        here = an.keys_in(unit.start, unit.end)
        subject = _subject_place(an, unit)
        c = _lone_candidate(an, unit, here, subject, _place(an, unit, here, subject))
        measure = partner_measure(an, c)
        if measure is None and place is not None and national_only(an, c):
            measure = place              # the country's measures told among the town's own
        if measure is None or (place is not None and measure != place):
            cut = k
            break
        place = measure
    if place is None or cut == 0:
        return _split_trailing_measure(an, ev, inside)
    if cut is None:                      # every sentence tells the town's (or its country's) measures
        return [Event("initiative", ev.start_char, ev.end_char, [place], paragraph=ev.paragraph,
                      start=ev.start, end=ev.end)]
    first = inside[cut]
    measure = Event("initiative", ev.start_char, inside[cut - 1].end, [place], paragraph=ev.paragraph,
                    start=ev.start, end=ev.end)
    rest = _new_event(an, first, an.owner)
    if not rest.partners:
        rest.partners = [place]
    rest.places = rest.actors + rest.partners
    rest.end_char = ev.end_char
    return [measure, rest]


def _split_trailing_measure(an: Analysis, ev: Event, inside: list[Unit]) -> list[Event]:
    """An owner's action with one partner town that ends on that town's own measures, told without
    naming it (« … a proposé à sa ville jumelle d'accueillir des réfugiés. Certains sont logés en
    famille, d'autres dans des logements réquisitionnés »): the closing sentences that tell a
    measure (`shelter_acts`, `initiative_triggers`) or refer back to it (« Cet accueil … ») and
    are each a `partner_measure` of that town
    are its initiative; the action keeps the rest. Returns [ev] otherwise."""
    if len(set(ev.partners)) != 1 or ev.actors != [an.owner] or len(inside) < 2:
        return [ev]
    town = ev.partners[0]
    start = len(inside)
    for unit in reversed(inside[1:]):
        here = an.keys_in(unit.start, unit.end)
        folded = an.folded[unit.start:unit.end]
        subject = _subject_place(an, unit)
        if set(here) - {town} or subject not in (None, town) or not (
                cues.has(SHELTER_CUES, folded) or cues.has("initiative_triggers", folded)
                or cues.search("story_anaphora", folded[:60])):
            break
        if partner_measure(an, _lone_candidate(an, unit, here, subject, town)) != town:
            break
        start -= 1
    if start == len(inside):
        return [ev]
    first = inside[start]
    measure = Event("initiative", first.start, ev.end_char, [town], paragraph=an.block(first).paragraph)
    _date(measure, [d for d in find_dates(an.text[first.start:ev.end_char], an.date) if d.start])
    ev.end_char = inside[start - 1].end
    return [ev, measure]


COMMITTEE = re.compile(load_json("units.json")["twinning_committee"])   # folded text


def home_event(an: Analysis, c: UnitCandidate) -> str | None:
    """The owner, when `c` tells a local event of its own or of its twinning committee (SCHEMA:
    "a committee's local event is an initiative"): a `local_event` cue (a dance, a language
    course, a Christmas market), no other place named, no contact with a partner (the words
    « comité de jumelage » aside)."""
    if an.owner is None or set(an.keys_in(c.start, c.end)) - {an.owner}:
        return None
    folded = COMMITTEE.sub(" ", an.folded[c.start:c.end])
    if not cues.has("local_event", folded):
        return None
    if cues.has("partner_contact", folded) or cues.has("collective_possessive", folded):
        return None
    if after_a_stay(an, c):
        return None
    return an.owner


def after_a_stay(an: Analysis, c: UnitCandidate) -> bool:
    """Does `c` go on with a stay or visit told by the sentence just before it in the same
    paragraph (SCHEMA: "the programme of one stay belongs to that stay")? The sentence before
    names a town other than the owner and a stay or contact (`stay`, `partner_contact`: « nos amis
    de Lauingen ont passé le week-end chez nous », « nos lycéens ont séjourné chez leurs
    correspondants de Tczew »); `c` gives no date and no amount of its own (« Au programme : une
    soirée au théâtre », « Une belle soirée, a confié un visiteur »): a local-event word there is
    the stay's programme or a remark on it, not the owner's own event."""
    if c.unit.kind != "para" or c.features.get("dated") or c.features.get("amount"):
        return False
    i = bisect_left(an.units, c.unit.start, key=lambda u: u.start)
    if i == 0 or an.units[i - 1].block != c.unit.block:
        return False
    before = an.units[i - 1]
    if not set(an.keys_in(before.start, before.end)) - {an.owner}:
        return False
    folded = an.folded[before.start:before.end]
    return cues.has("stay", folded) or cues.has("partner_contact", folded)


def founding_only(an: Analysis, c: UnitCandidate) -> bool:
    """Does `c` only state a partnership founded in a year (SCHEMA: "a founding given with a year
    only sets `since`"; « sont liées par une convention de coopération signée en 2008 »)? A
    partnership kind and a founding word, and every date it gives a bare year: the partnership
    records it, no action is learned from it."""
    if not (c.features.get("kind_cue") and c.features.get("cue_founding")):
        return False
    dates = [d for d in find_dates(an.text[c.start:c.end], an.date) if d.start]
    return bool(dates) and all(len(d.start) == 4 and (d.end is None or len(d.end) == 4)
                               for d in dates)


def statement_only(an: Analysis, c: UnitCandidate) -> bool:
    """Does `c` only state a partnership (« des jumelages existent entre X et Y depuis 1999 », « la
    mairie a annoncé lundi son jumelage avec Y »), the test the rules apply to their own events
    (`events._only_since`): a partnership kind, no activity word (`action_triggers`: « échanger
    avec nos villes jumelées » is a contact between twins), no amount, no day or month?"""
    from jumelage.extract.events import _is_explicit, _only_since

    folded = an.folded[c.start:c.end]
    if cues.has("action_triggers", folded):
        return False
    marker = DATE_MARKER.match(an.text)
    page = marker.end() if marker else 0        # the page's « date 2020-05 » marker dates no act
    explicit = [d for d in find_dates(an.text[c.start:c.end], an.date)
                if _is_explicit(d) and c.start + d.start_char >= page]
    return _only_since(folded, explicit)


def own_measure_without_owner(an: Analysis, c: UnitCandidate) -> str | None:
    """On a page that speaks for no town (a network's briefing on how towns face a crisis), a unit
    that names one town only and tells a measure (`initiative_triggers`), or has that town decide
    as its subject (`decision`: « Les maires de Douala ont décidé de… »), in a crisis paragraph or
    on a page about a crisis, with no contact with another town, is that town's own initiative
    (« Le maire … a procédé à la désinfection des quartiers de Libreville »). None otherwise, and
    always when there is an owner."""
    if an.owner is not None or not (c.features.get("context") or an.context):
        return None
    here = set(an.keys_in(c.start, c.end))
    if len(here) != 1:
        return None
    folded = an.folded[c.start:c.end]
    if not (cues.has("initiative_triggers", folded) or (c.features.get("foreign_subject") and cues.has("decision", folded))) \
            or cues.has("partner_contact", folded):
        return None
    place = here.pop()
    return None if national_measure(an, c.start, c.end, place) else place


def sheltering_partner(an: Analysis, c: UnitCandidate) -> str | None:
    """A partner town, the sentence's subject, sheltering people at home (`shelter_acts`: « la ville
    de Kutno héberge 400 déplacés dans ses écoles »), with no other place and no contact with the
    owner (`partner_measure`): that town's own initiative (SCHEMA), the action model not asked."""
    if not c.features.get("foreign_subject") or c.unit.kind != "para":
        return None
    folded = an.folded[c.start:c.end]
    if not (cues.has(SHELTER_CUES, folded) or (c.features.get("context") and cues.has("initiative_triggers", folded))):
        return None
    return partner_measure(an, c)


SHELTER_CUES = "shelter_acts"


def national_only(an: Analysis, c: UnitCandidate) -> bool:
    """Does `c` tell a country's measure (`events.national_measure`: « interdites dans toute
    l'Allemagne »), naming no town but its place and showing no contact between towns? Neither
    that town's initiative nor an action with it."""
    if c.place is None or c.place == an.owner or set(an.keys_in(c.start, c.end)) - {c.place}:
        return False
    folded = an.folded[c.start:c.end]
    if cues.has("partner_contact", folded) or cues.has("collective_possessive", folded):
        return False
    return national_measure(an, c.start, c.end, c.place)


def description_only(an: Analysis, c: UnitCandidate) -> bool:
    """Is `c` a description built on « être » (`events.describes`) with no date and no amount,
    which the rules never make an action of either?"""
    from jumelage.extract.events import describes

    if c.features.get("dated") or c.features.get("amount"):
        return False
    return describes(an, c.unit)


def decide_units(an: Analysis, events: list[Event], models: dict) -> list[Event]:
    """The rule events plus an action for each run of units the rules left that the action model
    chooses; an action (rule or learned) that tells a partner town's own measure
    (`partner_measure`) or a local event (`home_event`) becomes an initiative (one that only opens
    on a partner's measure is cut there, `split_partner_measure`), and a paragraph
    sentence telling a local event is the owner's initiative even when the action model passes it.
    On a page that speaks for no town, a unit telling one town's measure in a crisis is that
    town's initiative (`own_measure_without_owner`), the model not asked.
    An action of the owner alone, its partner left implicit, is done with the owner's partner when
    the document links the owner with one place only. Without a fitted model the rule events are
    returned unchanged.

    Measured and left out (leave-one-document-out, 43 documents): letting the models relabel rule
    events (a partner's measures as its initiative) or add initiatives lowered the held-out score
    (0.743 → 0.68–0.73): 59 gold initiatives are too few to learn that decision (a logistic
    regression on these features ranks initiatives at AUC 0.52 on d14–d42), so it is the rule
    above, taken from the annotation conventions."""
    action = models.get("actions")
    if action is None:
        return events
    kept: list[Event] = []
    new: list[Event] = []
    for c in unit_candidates(an, events):
        if c.event is not None:
            ev = c.event
            place = (partner_measure(an, c) or home_event(an, c)) if ev.kind == "action" else None
            if place is not None:
                ev = Event("initiative", ev.start_char, ev.end_char, [place], paragraph=ev.paragraph,
                           start=ev.start, end=ev.end)
                kept.append(ev)
            else:
                kept.extend(split_partner_measure(an, ev))
            continue
        if c.place is None:
            continue
        alone = own_measure_without_owner(an, c) or sheltering_partner(an, c)
        local = None
        if alone is None:
            if founding_only(an, c) or statement_only(an, c) or description_only(an, c) \
                    or nothing_happened(an.folded[c.start:c.end]) or national_only(an, c):
                continue
            local = home_event(an, c) if c.unit.kind == "para" else None
            if local is None and \
                    action.probability([c.features.get(k, 0.0) for k in action.features]) < action.threshold:
                continue
        place = alone or local or partner_measure(an, c) or home_event(an, c)
        kind = "initiative" if place is not None else "action"
        place = place or c.place
        unit = c.unit
        block = an.block(unit)
        last = new[-1] if new else None
        if last is not None and last.kind == kind and last.places[:1] == [place] \
                and block.paragraph == last.paragraph and unit.start - last.end_char < 3:
            last.end_char = unit.end
            continue
        new.append(_new_event(an, unit, place) if kind == "action" else _new_initiative(an, unit, place))
    out, lists = [], []
    for ev in sorted((p for e in kept + new for p in split_dated_item(an, e)), key=lambda e: e.start_char):
        pieces = split_enumeration(an, ev)
        members = [p for p in pieces if p.member]
        if members:
            lists.append((members[0].start_char, members[-1].end_char))
        else:
            pieces = [q for p in pieces for q in split_dated_clauses(an, p)]
        out.extend(pieces)
    # a sentence the parser cut inside a split enumeration made events of its own: the members tell them
    out = [e for e in out if e.member or not any(s <= e.start_char and e.end_char <= t + 2 for s, t in lists)]
    title = title_line(an.text)
    if title is not None:   # a headline announces what the body tells: the body's sentences are the records
        out = [e for e in (_after_title(an, e, title) for e in out) if e is not None]
    cut = cut_off_tail(an)
    if cut is not None:     # a stored excerpt that stops mid-sentence: its last words tell nothing whole
        out = [e for e in out if e.start_char < cut]
    only = _only_partner(an)
    for ev in out:
        signing_parties(an, ev)
        if only is not None and ev.kind == "action" and ev.actors == [an.owner] and not ev.partners \
                and not ev.unnamed:
            ev.partners = [only]          # the owner's one partner: an action is done with someone
            ev.places = ev.actors + ev.partners
    return merge_stories(an, out)


BODY_MIN = 40   # characters: what is left of a record opened in the headline, to tell something


def _after_title(an: Analysis, ev: Event, title: tuple[int, int]) -> Event | None:
    """A record opened in the headline keeps only the body it runs into (« Visite en Pologne ⏎
    Le maire s'est rendu… »), and none when that body is too short to tell anything (a caption's
    credit, a dateline)."""
    if ev.start_char > title[1]:
        return ev
    start = title[1]
    while start < ev.end_char and not an.text[start].isalnum():
        start += 1
    if ev.end_char - start < BODY_MIN:
        return None
    ev.start_char = start
    return ev


def _only_partner(an: Analysis) -> str | None:
    """The owner's partner when the document links the owner with exactly one place, else None."""
    links = getattr(an, "links", None)
    if an.owner is None or links is None:
        return None
    found = {link.b if link.a == an.owner else link.a
             for link in links.by_pair.values() if an.owner in (link.a, link.b)}
    return found.pop() if len(found) == 1 else None


CUT_OFF_MAX = 60   # characters: a cut-off last sentence shorter than this tells nothing whole
OPEN_CLAUSE = ",;("  # a text ending on these stops inside its sentence (« par l'ONG Water Aid, »)


def cut_off_tail(an: Analysis) -> int | None:
    """Where the text's last sentence starts when the text stops early in it (a stored excerpt
    cut off: « Elle a en outre visité l'ambassade du Vietn »): a short piece of running text
    (`CUT_OFF_MAX`) whose last character is a letter or leaves a clause open (`OPEN_CLAUSE`: « En
    2008, le travail réalisé par l'ONG Water Aid, »), after which nothing follows. None when the
    text ends normally (a sentence's end, a number, a list item or a table row) or the cut
    sentence is long enough to tell its event (« … lors d'un déplacement du 16 au 30 janvier dern »)."""
    end = len(an.text.rstrip())
    if end == 0 or not (an.text[end - 1].isalpha() or an.text[end - 1] in OPEN_CLAUSE) or not an.units:
        return None
    last = an.units[-1]
    # a line the layout took for a list item because it opens with a year (« En 2008, le travail… »)
    # is running text; a bulleted item may end without a full stop
    running = last.kind == "para" or (last.kind == "item" and not BULLETED.match(an.text, last.start))
    if not running or last.end < end or end - last.start >= CUT_OFF_MAX:
        return None
    return last.start


def signing_parties(an: Analysis, ev: Event) -> None:
    """SCHEMA: "a signing or renewal told as an event: all parties are actors and partners is
    empty". An action whose span tells a signing (`signing` cues: « ont signé », « procédé à la
    signature », « renouvelé ») of an agreement (`agreement`: serment, charte, convention,
    jumelage…) between two or more places gets every place as an actor."""
    if ev.kind != "action" or len(set(ev.actors) | set(ev.partners)) < 2 or not ev.partners:
        return
    folded = an.folded[ev.start_char:ev.end_char]
    if not (cues.has("signing", folded) and (cues.has("agreement", folded) or cues.kinds_in(folded))):
        return
    ev.actors = list(dict.fromkeys(ev.actors + ev.partners))
    ev.partners = []


TITLE_MAX = 160                                  # characters
DATE_MARKER = re.compile(r"^\s*date \d{4}(?:-\d{2}){0,2}\s+")


def title_line(text: str) -> tuple[int, int] | None:
    """The span of the page's headline: its first line (after a stored page's « date 2023-04 »
    marker), short, not ended like a sentence, with more text after it; None when the text opens
    with running text."""
    end = text.find("\n")
    if end < 0 or not text[end:].strip():
        return None
    marker = DATE_MARKER.match(text)
    start = marker.end() if marker else len(text) - len(text.lstrip())
    line = text[start:end].strip()
    if not line or len(line) > TITLE_MAX or line[-1] in ".!?:;»\"…":
        return None
    return start, end


MEMBER_SEP = cues.pattern("enumeration_separator")  # « ; », « , », « et »
MEMBER_MAX = 160                                 # characters
SENTENCE_STOP = re.compile(r"[.!?](?=\s+[A-ZÀ-Ý«\"])|\n\s*\n")


def _members(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The members of an enumeration text[start:end], split at « ; », « , » and « et » outside
    parentheses; a member of fewer than 12 characters joins the previous one."""
    depth, depths = 0, {}
    for i in range(start, end):
        depths[i] = depth
        depth += (text[i] == "(") - (text[i] == ")")
    pieces, pos = [], start
    for m in MEMBER_SEP.finditer(text, start, end):
        if depths.get(m.start(), 0) == 0:
            pieces.append([pos, m.start()])
            pos = m.end()
    pieces.append([pos, end])
    merged: list[list[int]] = []
    for s, e in pieces:
        while s < e and not text[s].isalnum():
            s += 1
        if e - s < 12 and merged:
            merged[-1][1] = e
        elif e > s:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def split_enumeration(an: Analysis, ev: Event) -> list[Event]:
    """Two events in one sentence are two: an enumeration (« les évènements de l'année : un bal,
    l'accueil des cyclistes de X ; un voyage à Y ») whose members mix local events (a dance, a
    forum) and activities with a partner (an accueil, a trip) becomes one record per member, the
    local ones the owner's initiatives, the others actions with the event's places. The programme
    of one stay (« le programme du séjour : … ») stays one record. Members of a list announced as
    plans (`plans_lead`: « les projets pour 2024 : … ») are planned unless they tell their own
    past. Returns [ev] otherwise."""
    if an.owner is None:
        return [ev]
    text, folded = an.text, an.folded
    m = cues.search("enumeration_lead", folded[ev.start_char:ev.end_char])
    if m is None:
        return [ev]
    colon = ev.start_char + m.start()
    first = ev.start_char + m.end()
    block = an.layout.block_at(first)
    limit = max(ev.end_char, block.end if block is not None else ev.end_char)
    stop = SENTENCE_STOP.search(text, first, limit)     # the sentence may run on past the event
    last = stop.start() if stop else limit
    lead_start = max([ev.start_char] + [x.end() for x in SENTENCE_STOP.finditer(text, ev.start_char, colon)])
    if cues.has("one_stay", folded[lead_start:colon]):
        return [ev]
    members = _members(text, first, last)
    if len(members) < 3 or max(e - s for s, e in members) > MEMBER_MAX:
        return [ev]                              # members of a list are short phrases, not stories
    kinds = []
    for s, e in members:
        f = folded[s:e]
        foreign = [k for k in an.keys_in(s, e) if k != an.owner]
        if cues.has("local_event", f) and not foreign:
            kinds.append("initiative")
        elif foreign or cues.has("strong_triggers", f) or cues.has("partner_contact", f):
            kinds.append("action")
        else:
            kinds.append(None)                   # goes on telling the previous member
    if "initiative" not in kinds or "action" not in kinds or kinds[0] is None:
        return [ev]
    lead_dates = [d for d in find_dates(text[lead_start:first], an.date) if d.start]
    plans = cues.has("plans_lead", folded[lead_start:colon])
    actors = list(ev.actors) if ev.kind == "action" else [an.owner]
    partners = list(ev.partners) if ev.kind == "action" else []
    out: list[Event] = []
    if lead_start - ev.start_char >= 40:
        head = Event(ev.kind, ev.start_char, lead_start, list(ev.places), list(ev.actors), list(ev.partners),
                     ev.start, ev.end, ev.open_end, ev.paragraph, ev.status, tense=ev.tense)
        out.append(head)
    paragraph = an.layout.block_at(first).paragraph if an.layout.block_at(first) else ev.paragraph
    for (s, e), kind in zip(members, kinds):
        if kind is None:
            out[-1].end_char = e
            continue
        # « les évènements 2018 : … le festival de septembre »: a month in the list takes the lead's year
        anchor = lead_dates[0].start if lead_dates else an.date
        own = [d for d in find_dates(text[s:e], anchor) if d.start]
        if kind == "initiative":
            piece = Event("initiative", s, e, [an.owner], paragraph=paragraph)
        else:
            named = [k for k in an.keys_in(s, e) if k not in actors]
            piece = Event("action", s, e, actors + (named or partners), list(actors), named or list(partners),
                          paragraph=paragraph, status=ev.status, tense=ev.tense)
        _date(piece, own or lead_dates)
        piece.member = True
        if kind == "action":
            member = Unit(s, e, an.units[0].block if an.units else 0, "item")
            piece.status = _status(an, member, piece)
            if plans and piece.status == "done" and _tense(an, member) != "past":
                piece.status = "planned"          # « les projets pour 2024 : … un séjour à Stilton en octobre »
        out.append(piece)
    if ev.end_char - last >= 40 and cues.has("action_triggers", folded[last:ev.end_char]):
        tail = Event(ev.kind, last, ev.end_char, list(ev.places), list(ev.actors), list(ev.partners),
                     paragraph=ev.paragraph, status=ev.status, tense=ev.tense)
        while tail.start_char < tail.end_char and not text[tail.start_char].isalnum():
            tail.start_char += 1
        out.append(tail)
    return out


def split_dated_item(an: Analysis, ev: Event) -> list[Event]:
    """Two events in one list item are two: a long dated item (« 1985 – 1987 : … célébré le
    2 novembre 1986. Le 19 juin 1987, la même cérémonie … ») is cut before each sentence that
    gives a day or month of its own, finer than the item's or outside its period; each part keeps
    the item's places and takes its own dates."""
    if ev.kind != "action" or not ev.start:
        return [ev]
    block = an.layout.block_at(ev.start_char)
    if block is None or block.kind != "item" or ev.end_char - ev.start_char < 200:
        return [ev]
    cuts = []
    for stop in SENTENCE_STOP.finditer(an.text, ev.start_char, ev.end_char):
        begin = stop.end()
        while begin < ev.end_char and an.text[begin].isspace():
            begin += 1
        end = SENTENCE_STOP.search(an.text, begin, ev.end_char)
        sentence = an.text[begin:end.start() if end else ev.end_char]
        dates = [d for d in find_dates(sentence, an.date) if d.start and d.kind != "relative"]
        if dates and len(dates[0].start) >= 7 and _new_date(ev, dates[0]) \
                and begin > (cuts[-1][0] if cuts else ev.start_char):
            cuts.append((begin, dates))
    if not cuts:
        return [ev]
    out = [ev]
    item_end = ev.end_char          # the first piece is cut short below: every piece runs to the item's end
    for begin, dates in cuts:
        piece = Event("action", begin, item_end, list(ev.places), list(ev.actors), list(ev.partners),
                      paragraph=ev.paragraph, status=ev.status, tense=ev.tense)
        _date(piece, dates)
        out[-1].end_char = begin
        out.append(piece)
    return out


CLAUSE_BOUNDARY = re.compile(load_json("units.json")["clause_boundary"])   # folded text
OCCASION_CUES = ("action_triggers", "contact_acts", "mission_acts", "compound_past")   # an act told
CLAUSE_MIN = 30     # characters: the shortest clause that tells an occasion of its own
CLAUSE_SCOPE = re.compile(SENTENCE_STOP.pattern + r"|\n")   # clauses are cut within a sentence and a line


def split_dated_clauses(an: Analysis, ev: Event) -> list[Event]:
    """Two occasions in one sentence are two actions (SCHEMA: one action per distinct activity):
    « En mai 2019, la chorale a chanté à Dinan, et en octobre les footballeurs de Dinan sont
    venus… », « Après une visite exploratoire en 1985 …, un jumelage est célébré le 2 novembre
    1986 ». The action is cut at the last clause boundary (`clause_boundary`) before a date that
    is another occasion after the date before it (`_later_occasion`), when the new clause tells an
    act (`OCCASION_CUES`) with a subject of its own (`_has_subject`: a participle, « reporté à 2025
    faute de moyens », dates the same project) and the clause before tells one too or has its own
    subject (« les cyclistes ont rejoint Lichfield, puis en septembre une exposition… »). The part before keeps that earlier date (when the cut is in its
    first sentence), the new part its own dates; both keep the places."""
    if ev.kind != "action" or ev.member:
        return [ev]
    text, folded = an.text, an.folded
    first = True
    out = [ev]
    begin = ev.start_char
    for stop in [*CLAUSE_SCOPE.finditer(text, ev.start_char, ev.end_char), None]:
        end = stop.start() if stop is not None else ev.end_char
        sentence = text[begin:end]
        dates = [d for d in find_dates(sentence, an.date)
                 if d.start and d.kind in ("point", "range") and not stamped(sentence, d)]
        for d1, d2 in zip(dates, dates[1:]):
            if not _later_occasion(d1, d2):
                continue
            bounds = list(CLAUSE_BOUNDARY.finditer(folded, begin + d1.end_char, begin + d2.start_char))
            if not bounds:
                continue
            cut = bounds[-1].end()
            left, right = folded[out[-1].start_char:bounds[-1].start()], folded[cut:end]
            if len(right) < CLAUSE_MIN or not _has_subject(an, cut, end) \
                    or not any(cues.has(c, right) for c in OCCASION_CUES) \
                    or not (any(cues.has(c, left) for c in OCCASION_CUES)
                            or _has_subject(an, out[-1].start_char, bounds[-1].start())):
                continue
            if out[-1].start_char >= begin or first:
                _date(out[-1], [d1])
            piece = Event("action", cut, out[-1].end_char, list(ev.places), list(ev.actors),
                          list(ev.partners), paragraph=ev.paragraph, status=ev.status, tense=ev.tense)
            _date(piece, [d for d in dates if d.start_char >= d2.start_char])
            out[-1].end_char = bounds[-1].start()
            out.append(piece)
        if stop is None:
            break
        first = False
        begin = stop.end()
        while begin < ev.end_char and text[begin].isspace():
            begin += 1
    return out


def _has_subject(an: Analysis, start: int, end: int) -> bool:
    """Has the clause a subject of its own (spaCy's parse): « en octobre les footballeurs sont
    venus », not a participle hung on the clause before (« reporté à 2025 faute de moyens »)?"""
    if an.doc is None:
        return False
    span = an.doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    return any(t.dep_.startswith("nsubj") for t in span) or _misread_subject(span)


def _misread_subject(span) -> bool:
    """A subject the parser hung elsewhere (« et en juillet la chorale de Bamberg s'est produite »,
    « chorale » read as a modifier of « juillet »): a noun with a determiner and no preposition
    standing before the clause's first finite verb or auxiliary."""
    for t in span:
        if "Fin" in t.morph.get("VerbForm"):
            return any(n.pos_ in ("NOUN", "PROPN") and any(c.dep_ == "det" for c in n.children)
                       and not any(c.dep_ == "case" for c in n.children) for n in span[:t.i - span.start])
    return False


def _later_occasion(d1, d2) -> bool:
    """Does date `d2` lie wholly after date `d1` (« en mai 2019 … en octobre », « en 1985 … le
    2 novembre 1986»), not inside its period (« 1985 – 1987 : … en 1985 »)?"""
    a, b = period_bounds(d1.start, d1.end or d1.start), period_bounds(d2.start, d2.end or d2.start)
    return a is not None and b is not None and b[0] > a[1]


def _new_date(ev: Event, d) -> bool:
    """A date finer than the event's (a day in its year) or outside its period."""
    start, end = ev.start, ev.end or ev.start
    if (d.start, d.end) == (ev.start, ev.end):
        return False
    period, day = period_bounds(start, end), bounds(d.start)
    inside = period is not None and day is not None and \
        period[0].year <= day[0].year <= period[1].year
    return not inside or len(d.start) > max(len(start), len(end))


def _interval(ev: Event) -> tuple[date, date] | None:
    """The days an event's dates may cover ("2022" → 2022-01-01…2022-12-31), None undated."""
    return period_bounds(ev.start, ev.end) if ev.start else None


def _consistent(a: Event, b: Event) -> bool:
    """Can `b` tell more of the same event as `a`: no date of its own, or dates that overlap."""
    ia, ib = _interval(a), _interval(b)
    if ib is None or ia is None:
        return True
    return ib[0] <= ia[1] and ia[0] <= ib[1]


def merge_stories(an: Analysis, events: list[Event]) -> list[Event]:
    """One project told in several sentences is one action (SCHEMA: one action per distinct
    activity): an action that follows another of the same section within one paragraph, in
    running text, by the same actors, with no new linked partner (or filling a partner the first
    left unnamed) and dates that do not contradict it, extends it; its amounts stay in the span."""
    out: list[Event] = []
    for ev in events:
        last = out[-1] if out else None
        if (last is not None and last.kind == ev.kind == "action" and not (last.member or ev.member)
                and _headline_of(an, last, ev)):
            last.end_char = ev.end_char      # the body tells who acts; the headline dates it
            last.actors, last.partners, last.places = list(ev.actors), list(ev.partners), list(ev.places)
            if ev.start:
                last.start, last.end, last.open_end, last.status = ev.start, ev.end, ev.open_end, ev.status
            continue
        if (last is not None and last.kind == ev.kind == "action" and not (last.member or ev.member)
                and _same_story(an, last, ev)):
            last.end_char = max(last.end_char, ev.end_char)
            if not last.partners and ev.partners:
                last.partners = list(ev.partners)
            last.places = list(dict.fromkeys(last.actors + last.partners))
            if not last.start and ev.start:
                last.start, last.end, last.open_end = ev.start, ev.end, ev.open_end
            elif _later_phase(last, ev):
                last.end = ev.end or ev.start   # « Le chantier doit s'achever au printemps 2024 »
                if last.status == "done" and ev.status in ("planned", "ongoing"):
                    last.status = period_status(last.start, last.end, an.date)
            last.paragraph = max(last.paragraph, ev.paragraph)
            continue
        out.append(ev)
    return out


def _headline_of(an: Analysis, a: Event, b: Event) -> bool:
    """Is action `a` the headline line of the story whose body `b` tells (« 5 mars 2024 — Visite de
    Tczew ⏎ Une délégation de Tczew a visité… » in a news feed)? `a` is one dated line that ends
    with no full stop, `b` starts on the next line of the same paragraph, and every town of the
    headline but the owner is named in the body. One story, one action (SCHEMA)."""
    line = an.text[a.start_char:a.end_char].rstrip()
    if not a.start or "\n" in line or line.endswith((".", "!", "?", ":")) or len(line) > HEADLINE_MAX:
        return False
    gap = an.text[a.end_char:b.start_char]
    if gap.count("\n") != 1 or gap.strip():
        return False
    ba, bb = an.layout.block_at(a.start_char), an.layout.block_at(b.start_char)
    if ba is None or ba is not bb:
        return False
    return bool(set(b.places)) and set(a.places) - {an.owner} <= set(b.places)


HEADLINE_MAX = 100   # characters: a headline line of a feed story


def _later_phase(a: Event, b: Event) -> bool:
    """Does `b`, joined to `a` as the same story, tell a later phase of it (its dates wholly
    after `a`'s: the works launched in 2023 end in 2024)? Then the action runs to `b`'s end."""
    pa, pb = _interval(a), _interval(b)
    return pa is not None and pb is not None and pb[0] > pa[1]


def _same_story(an: Analysis, a: Event, b: Event) -> bool:
    """Does action `b` go on telling action `a`? Same section, next paragraph at most, running
    text, same actors, no new partner, no « également » opening, and one of: `a` left its partner
    unnamed and `b` names it; both give the same dates (the lead and the body of a news item);
    `b` refers back to `a` (« Ce séjour », « Leur programme ») with no date of its own or dates
    inside `a`'s. An undated statement followed by a dated one is two occasions; so are a signing
    told after another act (`signing_told`) and what was done followed by what is planned,
    unless `b` refers back to `a`. A quote that names the story again in its first sentence
    (`story_reference`: « … et cette action marque un pas de plus ») refers back too."""
    ba, bb = an.layout.block_at(a.start_char), an.layout.block_at(b.start_char)
    if ba is None or bb is None or ba.kind != "para" or bb.kind != "para" or ba.section != bb.section:
        return False
    last_block = an.layout.block_at(max(a.start_char, a.end_char - 1))
    if last_block is None or bb.paragraph - last_block.paragraph > 1:
        return False
    same_dates = bool(a.start) and (a.start, a.end) == (b.start, b.end)
    retold = same_dates and set(a.places) == set(b.places)     # the lead, then the body, of a news item
    # the programme of one stay belongs to that stay: dates inside the stay's period
    pa, pb = _interval(a), _interval(b)
    within = bool(a.start and b.start and a.end and a.end != a.start) and pa is not None \
        and pb is not None and pa[0] <= pb[0] and pb[1] <= pa[1] and (a.start, a.end) != (b.start, b.end)
    if within and set(b.actors) <= set(a.actors) | set(a.partners):
        retold = True
    if not retold and (set(b.actors) != set(a.actors) or (a.partners and set(b.partners) - set(a.partners))):
        return False
    head = an.folded[b.start_char:min(b.end_char, b.start_char + 60)]
    if cues.has("new_event", head) or not (_consistent(a, b) or cues.search("story_anaphora", head)):
        return False      # « Ce projet … », « Le chantier … » with later dates: a later phase of it
    if not retold and cues.has("signing_told", an.folded[b.start_char:b.end_char]):
        return False      # a signing told after another act is an event of its own (SCHEMA)
    if not retold and {a.status, b.status} == {"done", "planned"} and not cues.search("story_anaphora", head):
        return False      # what was done, then what is planned: two activities (« Ce séjour … » refers back)
    if same_dates or within:
        return True
    if not b.start and not cues.has("strong_triggers", an.folded[b.start_char:b.end_char]):
        return True
    stop = SENTENCE_STOP.search(an.text, b.start_char, b.end_char)
    first = an.folded[b.start_char:stop.start() if stop else b.end_char]
    refers = cues.search("story_anaphora", head) or cues.search("story_reference", first)
    return bool(refers) and (not b.start or bool(a.start))


def _new_initiative(an: Analysis, unit: Unit, place: str) -> Event:
    """An initiative of `place` alone told by `unit`, dated by the dates it gives."""
    ev = Event("initiative", unit.start, unit.end, [place], paragraph=an.block(unit).paragraph)
    _date(ev, [d for d in find_dates(an.text[unit.start:unit.end], an.date) if d.start] or _story(an, unit))
    return ev


def _story(an: Analysis, unit: Unit) -> list:
    """The date of the dated story the unit belongs to (`events.story_date`), as a list."""
    d = story_date(an, unit)
    return [d] if d is not None else []


def _new_event(an: Analysis, unit: Unit, place: str) -> Event:
    """An action of `place` told by `unit`, with the other places named (or the section's, or the
    owner) as partners."""
    block = an.block(unit)
    partners = [k for k in an.keys_in(unit.start, unit.end) if k != place] or \
        [k for k in section_subjects(an, unit.block) if k != place]
    if not partners and an.owner and place != an.owner:
        partners = [an.owner]
    ev = Event("action", unit.start, unit.end, [place] + partners, [place], partners, paragraph=block.paragraph)
    text = an.text[unit.start:unit.end]
    _date(ev, [d for d in find_dates(text, an.date) if d.start and not stamped(text, d)] or _story(an, unit))
    ev.status = _status(an, unit, ev)
    ev.tense = _tense(an, unit)
    return ev
