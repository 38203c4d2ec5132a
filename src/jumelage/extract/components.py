"""The extraction pipeline as an explicit list of named components, run by one loop.

As spaCy runs its pipeline, one shared object (`Analysis`) travels through small components in
order; each states what it reads (`needs`, fields of `Analysis`) and what it writes (`sets`), and
`check` verifies once, before anything runs, that every need is set by an earlier component. A
reordering or a new component that reads something not yet there fails at once, naming the
component and the field, instead of deep inside a rule. The layout, the text and the spaCy `Doc`
are there from the start (`GIVEN`).

`ANALYSE` finds what every decision reads (units, mentions, date, owner, subjects, context);
`DECIDE` proposes partnerships and events from it and keeps those the learned decisions accept.
`jumelage.extract.pipeline.build` runs both, then assembles the records.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from jumelage.extract.analysis import Analysis
from jumelage.records import Document

GIVEN = ("name", "text", "folded", "layout", "doc")


@dataclass
class Context:
    """What a run knows besides the analysis: the document (its date, metadata date and owner
    hint), the learned decisions' models (`{"pairs": LinearModel, "actions": LinearModel}`; None
    for the packaged ones), the known-partners prior for homonyms (a `gazetteer.KnownPartners`
    or None), and, for training only, `choose_owner(an)` to impose an owner."""

    document: Document
    models: dict | None = None
    known_partners: Any = None
    choose_owner: Callable[[Analysis], str | None] | None = None

    def model(self, name: str) -> Any:
        """The decision model called `name`: the one given, else the packaged weights."""
        if self.models is not None:
            return self.models.get(name)
        from jumelage.extract.model import load

        return load(name)


@dataclass(frozen=True)
class Component:
    """One step: `run(an, ctx)` reads the fields named in `needs` and writes those in `sets`."""

    name: str
    needs: tuple[str, ...]
    sets: tuple[str, ...]
    run: Callable[[Analysis, Context], None]


def check(components: Sequence[Component], given: Sequence[str] = GIVEN) -> None:
    """Raise ValueError if a component needs a field that no earlier component (nor `given`) sets."""
    known = set(given)
    for c in components:
        missing = [n for n in c.needs if n not in known]
        if missing:
            raise ValueError(f"component {c.name!r} needs {', '.join(missing)}, "
                             "which no earlier component sets")
        known.update(c.sets)


def run(components: Sequence[Component], an: Analysis, ctx: Context) -> Analysis:
    """Run `components` over `an` in order (the one loop) and return it."""
    for c in components:
        c.run(an, ctx)
    return an


# -- the components ---------------------------------------------------------------------------------

def _units(an: Analysis, ctx: Context) -> None:
    from jumelage.extract.pipeline import sentence_units

    an.units = sentence_units(an.layout, an.doc)


def _mentions(an: Analysis, ctx: Context) -> None:
    from jumelage.extract.mentions import find_places
    from jumelage.extract.organisations import find_organisations

    persons = [(e.start_char, e.end_char) for e in an.doc.ents if e.label_ == "PER"]
    organisations = find_organisations(an.text, an.folded, an.doc, set())
    an.mentions, an.countries = find_places(an.layout, an.doc, persons,
                                            [(s, e) for s, e, _ in organisations],
                                            known=ctx.known_partners)


def _date(an: Analysis, ctx: Context) -> None:
    from jumelage.extract.dates import document_date

    # the date the text (or the page's own marker) states wins; file metadata only without one
    an.date = document_date(an.text, ctx.document.date) or ctx.document.metadata_date


def _owner(an: Analysis, ctx: Context) -> None:
    from jumelage.extract.owner import find_owner
    from jumelage.extract.owner_hint import choose_owner

    an.owner = (ctx.choose_owner(an) if ctx.choose_owner is not None
                else choose_owner(an, ctx.document, find_owner(an, ctx.model("owner"))))   # hint > text > metadata


def _short_names(an: Analysis, ctx: Context) -> None:
    from jumelage.extract.owner import fold_short_names

    fold_short_names(an)


def _subjects(an: Analysis, ctx: Context) -> None:
    from jumelage.extract.owner import find_subjects

    find_subjects(an)


def _context(an: Analysis, ctx: Context) -> None:
    from jumelage.extract.themes import context_for

    an.context = context_for(an.text)


def _partnerships(an: Analysis, ctx: Context) -> None:
    from jumelage.extract.relations import find_partnerships

    an.links = find_partnerships(an)


def _pair_decision(an: Analysis, ctx: Context) -> None:
    from jumelage.extract.pairs import decide_pairs

    an.links = decide_pairs(an, an.links, ctx.model("pairs"))


def _events(an: Analysis, ctx: Context) -> None:
    from jumelage.extract.events import find_events

    an.events = find_events(an, an.links)


def _unit_decision(an: Analysis, ctx: Context) -> None:
    from jumelage.extract.units import decide_units

    an.events = decide_units(an, an.events, {"actions": ctx.model("actions")})


_READ = ("units", "mentions", "aliases", "owner", "subjects", "date")

ANALYSE: tuple[Component, ...] = (
    Component("units", (), ("units",), _units),
    Component("mentions", (), ("mentions", "countries"), _mentions),
    Component("date", (), ("date",), _date),
    Component("owner", ("units", "mentions", "countries"), ("owner",), _owner),
    Component("short_names", ("mentions", "owner"), ("aliases",), _short_names),
    Component("subjects", ("units", "mentions", "aliases", "owner"), ("subjects",), _subjects),
    Component("context", (), ("context",), _context),
)
DECIDE: tuple[Component, ...] = (
    Component("partnerships", _READ + ("countries",), ("links",), _partnerships),
    Component("pair_decision", _READ + ("links",), ("links",), _pair_decision),
    Component("events", _READ + ("links", "context"), ("events",), _events),
    Component("unit_decision", _READ + ("events",), ("events",), _unit_decision),
)
PIPELINE: tuple[Component, ...] = ANALYSE + DECIDE
check(PIPELINE)
