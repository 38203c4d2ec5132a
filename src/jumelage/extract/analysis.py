"""The shared document object of the extraction pipeline.

Like spaCy's `Doc`, one `Analysis` travels through small components (layout, mentions, owner,
relations, events), each adding what it finds: blocks, sentences ("units"), place mentions, the
owner city, the document date. Components read what earlier ones wrote and never re-parse the text.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Any

from jumelage.extract.layout import Block, Layout
from jumelage.extract.mentions import CountryMention, Mention


@dataclass
class Unit:
    """A sentence, list item or table row: the smallest span a record can be evidenced by."""

    start: int
    end: int
    block: int                    # index in layout.blocks
    kind: str                     # para / item / row / heading


@dataclass
class Analysis:
    name: str
    text: str
    folded: str
    layout: Layout
    doc: Any                       # the spaCy Doc of layout.view
    units: list[Unit] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    countries: list[CountryMention] = field(default_factory=list)
    date: str | None = None
    owner: str | None = None       # key of the owner place
    aliases: dict[str, str] = field(default_factory=dict)   # mention key -> canonical key
    subjects: dict[int, list[str]] = field(default_factory=dict)  # block index -> subject keys
    context: str | None = None     # document-level context tag (covid-19, war...)
    links: Any = None              # the partnership links found (`relations.Links`), then kept
    events: list[Any] = field(default_factory=list)   # the events found (`events.Event`), then kept
    _starts: list[int] = field(default_factory=list, repr=False)
    _countries: dict[str, str | None] = field(default_factory=dict, repr=False)
    unit_blocks: list[int] = field(default_factory=list, repr=False)   # block of each unit, for bisection

    def key(self, m: Mention) -> str:
        return self.aliases.get(m.key, m.key)

    def key_of(self, key: str) -> str:
        """The canonical key of a place key (short names fold into the long one)."""
        return self.aliases.get(key, key)

    def mentions_in(self, start: int, end: int, actors_only: bool = True) -> list[Mention]:
        """Mentions inside [start, end), found by bisection (mentions are sorted by offset)."""
        if len(self._starts) != len(self.mentions):
            self._starts = [m.start for m in self.mentions]
        lo = bisect_left(self._starts, start)
        hi = bisect_left(self._starts, end, lo)
        return [
            m for m in self.mentions[lo:hi]
            if m.end <= end and (m.actor or not actors_only)
        ]

    def units_in(self, start: int, end: int) -> list[Unit]:
        """The units that start inside [start, end), found by bisection."""
        lo = bisect_left(self.units, start, key=lambda u: u.start)
        hi = bisect_left(self.units, end, lo, key=lambda u: u.start)
        return self.units[lo:hi]

    def unit_around(self, start: int, end: int) -> Unit | None:
        """The unit that holds [start, end), found by bisection (units are sorted by offset),
        or None when the span crosses a unit's end."""
        i = bisect_right(self.units, start, key=lambda u: u.start) - 1
        return self.units[i] if i >= 0 and end <= self.units[i].end else None

    def keys_in(self, start: int, end: int) -> list[str]:
        return list(dict.fromkeys(self.key(m) for m in self.mentions_in(start, end)))

    def block(self, unit: Unit) -> Block:
        return self.layout.blocks[unit.block]

    def country(self, key: str | None) -> str | None:
        """The country of a place of the document (by its key), computed once per document."""
        if len(self._countries) == 0 and self.mentions:
            for m in self.mentions:
                self._countries.setdefault(self.key(m), m.country)
        return self._countries.get(key) if key else None

    def doc_year(self) -> int | None:
        return int(self.date[:4]) if self.date else None
