"""Layout of a document's text: headings, paragraphs, list items and table rows, with offsets.

Cities publish flattened magazines (lines broken in columns, headings in capitals), city pages with
one section per partner and dated list items ("2006 – 2008 : ..."), briefings with tables
(tab-separated rows) and short news. This module cuts the text into `Block`s that keep their
character offsets, groups them into sections under headings, and builds the *NLP view* of the text:
the same text with the line breaks inside a paragraph turned into spaces, so that spaCy sees whole
sentences while every offset still points into the original text (the view has the same length).
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field

from jumelage.extract.lexicon import load_json

BULLET = re.compile(r"^[ \t]*(?:[•·▪◦●\*]|-{1,2}(?=\s|-)|–(?=\s))[ \t-]*")


def _either_accent(word: str) -> str:
    """`word` (a regular-expression fragment) with each accented letter matching its plain form too."""
    out = []
    for c in word:
        plain = unicodedata.normalize("NFD", c)[0]
        out.append(f"[{plain}{c}]" if plain != c else c)
    return "".join(out)


def _names(words) -> str:
    """An alternation of month or season names, accents optional."""
    return "|".join(dict.fromkeys(_either_accent(w) for w in words))


_DATES, _WORDS = load_json("dates.json"), load_json("layout.json")
_MONTH, _SEASON = _names(_DATES["months"]), _names(_DATES["seasons"])
_OPENER, _RANGE = "|".join(_WORDS["dated_item_openers"]), "|".join(_WORDS["range_words"])
# "2006 – 2008 : …", "Avril - mai 2018 :", "depuis 1999, …": a line that opens with its date
DATED_ITEM = re.compile(
    rf"^[ \t]*(?:(?:{_OPENER})\s+)?(?:(?:{_MONTH})\s*(?:[-–]|{_RANGE})\s*)?(?:(?:{_MONTH}|{_SEASON})\s+)?"
    rf"(?:19|20)\d\d(?:\s*(?:[-–/]|{_RANGE}|,)\s*(?:(?:{_MONTH})\s+)?(?:(?:19|20)\d\d|\d\d))*\s*(?:[:,]|[-–]\s)",
    re.IGNORECASE,
)
DATELINE = re.compile(rf"^(?:{'|'.join(_WORDS['dateline_starts'])})\b.*\d", re.IGNORECASE)
HEADING_MARK = re.compile(r"^[ \t]*#+\s*")
SENTENCE_END = re.compile(r"[.!?:;»\"”…]\s*$")


@dataclass
class Block:
    """A run of text with one layout role: heading, para (paragraph), item (list item) or row."""

    start: int
    end: int
    kind: str
    text: str
    section: int = -1            # index of the heading block that governs it (-1: none)
    paragraph: int = 0           # index of the paragraph (blank-line separated) it belongs to

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)


@dataclass
class Layout:
    text: str
    view: str                    # same length as text; soft line breaks turned into spaces
    blocks: list[Block] = field(default_factory=list)

    def block_at(self, offset: int) -> Block | None:
        """The block holding `offset`, found by bisection (blocks are in text order, apart)."""
        i = self.index_at(offset)
        return None if i is None else self.blocks[i]

    def index_at(self, offset: int) -> int | None:
        """The index in `blocks` of the block holding `offset`, None between blocks."""
        starts = self.__dict__.get("_starts")
        if starts is None or len(starts) != len(self.blocks):
            starts = self.__dict__["_starts"] = [b.start for b in self.blocks]
        i = bisect_right(starts, offset) - 1
        return i if i >= 0 and offset < self.blocks[i].end else None


def is_caps(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 3 and sum(c.isupper() for c in letters) / len(letters) > 0.8


def _looks_heading(line: str, next_line: str | None) -> bool:
    s = line.strip()
    if not s or len(s) > 90:
        return False
    if HEADING_MARK.match(line):
        return True
    if BULLET.match(line) or DATED_ITEM.match(line) or "\t" in s or DATELINE.match(s):
        return False
    if is_caps(s):
        return True
    words = s.split()
    # A short line with no final punctuation, standing alone between blank lines.
    return (
        (len(words) <= 8 or (len(words) <= 14 and s.endswith(")"))) and not SENTENCE_END.search(s) and next_line is not None
        and next_line.strip() == "" and s[0].isupper()
    )


def _lines(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def analyse(text: str) -> Layout:
    """Cut `text` into blocks and build its NLP view."""
    lines = _lines(text)
    view = list(text)
    blocks: list[Block] = []
    paragraph = 0
    current: list[tuple[int, int]] = []   # lines of the running paragraph block
    current_kind = "para"

    def flush() -> None:
        nonlocal current
        if current:
            s, e = current[0][0], current[-1][1]
            # mend soft line breaks inside the block for the NLP view
            for (_, le), _next in zip(current, current[1:]):
                if le < len(view) and view[le] == "\n":
                    view[le] = " "
            blocks.append(Block(s, e, current_kind, text[s:e], paragraph=paragraph))
        current = []

    caps_run = False
    for i, (s, e) in enumerate(lines):
        line = text[s:e]
        nxt = text[lines[i + 1][0]:lines[i + 1][1]] if i + 1 < len(lines) else None
        if not line.strip():
            flush()
            paragraph += 1
            caps_run = False
            continue
        if "\t" in line.strip():
            flush()
            blocks.append(Block(s, e, "row", line, paragraph=paragraph))
            continue
        prev = text[lines[i - 1][0]:lines[i - 1][1]] if i else ""
        starts_item = BULLET.match(line) or (
            DATED_ITEM.match(line)
            and (not prev.strip() or SENTENCE_END.search(prev) or current_kind == "item")
        )
        if starts_item:
            flush()
            current_kind = "item"
            current = [(s, e)]
            caps_run = False
            continue
        heading = _looks_heading(line, nxt)
        if heading and (is_caps(line) or HEADING_MARK.match(line)):
            # consecutive capital lines form one heading ("# KRASNODAR / MOBILISE LES / INDUSTRIELS")
            if caps_run and current and current_kind == "heading":
                current.append((s, e))
            else:
                flush()
                current_kind = "heading"
                current = [(s, e)]
            caps_run = True
            continue
        if heading and not current:
            flush()
            blocks.append(Block(s, e, "heading", line, paragraph=paragraph))
            caps_run = False
            continue
        if caps_run:
            flush()
            caps_run = False
        if current and current_kind in ("heading",):
            flush()
        if not current:
            current_kind = "para"
        current.append((s, e))
    flush()

    section = -1
    for k, b in enumerate(blocks):
        if b.kind == "heading":
            section = k
        b.section = section
    return Layout(text=text, view="".join(view), blocks=blocks)
