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

from dataclasses import dataclass, field

from jumelage.extract import cues
from jumelage.extract.analysis import Analysis, Unit
from jumelage.extract.dates import find_dates, period_status
from jumelage.extract.money import find_amounts
from jumelage.extract.owner import section_subjects
from jumelage.extract.themes import context_for, themes_for
from jumelage.records import Amount


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
    explicit_date: bool = False


def _is_explicit(d) -> bool:
    return d.kind not in ("relative",) and bool(d.start)


def _unit_dates(an: Analysis, unit: Unit):
    text = an.text[unit.start:unit.end]
    return [d for d in find_dates(text, an.date) if d.start or d.end]


def _future(an: Analysis, unit: Unit) -> bool:
    span = an.doc.char_span(unit.start, unit.end, alignment_mode="expand")
    if span is None:
        return False
    return any("Fut" in tok.morph.get("Tense") for tok in span if tok.pos_ in ("VERB", "AUX"))


def _status(an: Analysis, unit: Unit, ev: Event) -> str:
    folded = an.folded[unit.start:unit.end]
    if cues.has("cancelled", folded):
        return "cancelled"
    if cues.has("abandoned", folded):
        return "abandoned"
    tense = "future" if (cues.has("planned", folded) or _future(an, unit)) else None
    if tense is None and (ev.open_end or cues.has("ongoing", folded)) and not ev.end:
        tense = "ongoing"
    return period_status(ev.start, ev.end, an.date, ev.open_end or tense == "ongoing", tense)


def find_events(an: Analysis) -> list[Event]:
    events: list[Event] = []
    current: Event | None = None
    for unit in an.units:
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
        block_subjects = an.subjects.get(unit.block, [])
        trigger = cues.has("action_triggers", folded)
        home = cues.has("home_acts", folded)
        dated_item = unit.kind == "item" and bool(explicit) and explicit[0].start_char <= 12

        # continuation of the running action: same paragraph, no date or place of its own
        if (
            current is not None and current.kind == "action" and not explicit and not dated_item
            and block.paragraph - current.paragraph <= 1 and set(partners) <= set(current.places)
            and (block.paragraph == current.paragraph or not trigger)
            and unit.kind == "para"
        ):
            current.end_char = unit.end
            current.paragraph = block.paragraph
            continue

        if not partners and not owner_here:
            partners = [k for k in (block_subjects or section) if k != an.owner]
        if not partners and current is not None and current.kind == "action" and trigger \
                and block.paragraph - current.paragraph <= 2 and not home:
            partners = [p for p in current.partners]

        if partners and (trigger or dated_item) and not home and (an.owner or len(set(here)) >= 2 or dated_item):
            actors = [an.owner] if an.owner else [p for p in here if p in partners][:1]
            partners_only = [p for p in partners if p not in actors]
            ev = Event("action", unit.start, unit.end, actors + partners_only, actors, partners_only,
                       paragraph=block.paragraph)
            _date(ev, explicit or dates)
            ev.explicit_date = bool(explicit)
            ev.status = _status(an, unit, ev)
            events.append(ev)
            current = ev
            continue

        place = None
        if home and an.owner and (owner_here or not partners or unit.kind == "item"):
            place = an.owner
        elif block_subjects and cues.has("initiative_triggers", folded):
            place = block_subjects[0]
        elif section and not owner_here and cues.has("initiative_triggers", folded) and unit.kind in ("para", "row"):
            place = section[0]
        if place is None:
            current = None if current is None or block.paragraph - current.paragraph > 1 else current
            continue
        last = events[-1] if events else None
        if (
            last is not None and last.kind == "initiative" and last.places == [place] and not home
            and an.layout.blocks[unit.block].section == an.layout.block_at(last.start_char).section
            and unit.kind != "item"
        ):
            last.end_char = unit.end
            continue
        ev = Event("initiative", unit.start, unit.end, [place], paragraph=block.paragraph)
        _date(ev, explicit or dates)
        events.append(ev)
        current = None
    return events


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
