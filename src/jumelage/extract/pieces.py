"""Very long texts are extracted in pieces, so memory stays bounded and time grows linearly.

A text longer than `LONG_TEXT` characters (a whole report, a year of minutes) is cut at paragraph
breaks into pieces of at most `PIECE` characters; each piece goes through the ordinary pipeline
as a document of its own (the first date a piece states anchors the later pieces' relative
dates), and `merge` joins their extractions into one: places by GeoNames id (else by name,
country and kind), partnerships by pair, actions and initiatives as they are, every span shifted
back into the whole text. A process holds one piece's parse at a time; `Extractor` shares the
pieces out between processes (`Extractor.workers`).

Pieces are small because several of the pipeline's steps compare each statement with the
document's others (repeats, sections, pairs): their cost grows faster than the text within one
piece, and only linearly with the number of pieces. At 50,000 characters a piece's extraction
(model and rules) costs about what it costs per character in short documents; at 200,000 it cost
twice as much per character, and its parse held 0.5 GB more.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from jumelage.names import name_key
from jumelage.records import Extraction, Place

LONG_TEXT = 100_000   # characters from which a text is extracted in pieces
PIECE = 50_000        # characters per piece (at most)


def split(text: str, size: int | None = None) -> list[tuple[int, int]]:
    """[start, end) pieces covering `text`, each at most `size` (default `PIECE`) characters,
    cut after a blank line when the second half of the piece has one, else after a line
    break, else anywhere."""
    size = size or PIECE
    out, start = [], 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = text.rfind("\n\n", start + size // 2, end)
            if cut < 0:
                cut = text.rfind("\n", start + size // 2, end)
            end = cut + 1 if cut >= 0 else end
        out.append((start, end))
        start = end
    return out


def _shift(span: Any, by: int) -> Any:
    return None if span is None else (span[0] + by, span[1] + by)


def _key(p: Place) -> tuple[Any, ...]:
    if p.geonames_id is not None:
        return ("geonames", p.geonames_id)
    return ("name", name_key(p.name), p.country, p.kind)


def merge(source: str, parts: list[tuple[int, Extraction]]) -> Extraction:
    """One extraction of the whole text from those of its pieces ((offset, extraction) each)."""
    out = Extraction(source=source, date=next((e.date for _, e in parts if e.date), None))
    by_key: dict[tuple[Any, ...], Place] = {}
    ships: dict[frozenset[str], Any] = {}
    seen_orgs: set = set()
    for offset, ext in parts:
        refs: dict[str, str] = {}
        for p in ext.places:
            found = by_key.get(_key(p))
            if found is None:
                found = replace(p, ref=f"p{len(out.places) + 1}", aliases=list(p.aliases))
                by_key[_key(p)] = found
                out.places.append(found)
            else:
                found.aliases += [a for a in [p.name, *p.aliases]
                                  if a != found.name and a not in found.aliases]
            refs[p.ref] = found.ref
        if out.owner is None and ext.owner is not None:
            out.owner = refs.get(ext.owner)
        for s in ext.partnerships:
            pair = (refs[s.places[0]], refs[s.places[1]])
            history = [replace(h, span=_shift(h.span, offset)) for h in s.history]
            known = ships.get(frozenset(pair))
            if known is None:
                known = replace(s, places=pair, span=_shift(s.span, offset), history=history)
                ships[frozenset(pair)] = known
                out.partnerships.append(known)
                continue
            if s.since and (known.since is None or s.since < known.since):
                known.since = s.since
            known.history += history
            known.status = s.status
        for a in ext.actions:
            out.actions.append(replace(a, actors=[refs[r] for r in a.actors],
                                       partners=[refs[r] for r in a.partners],
                                       span=_shift(a.span, offset)))
        for i in ext.initiatives:
            out.initiatives.append(replace(i, place=refs.get(i.place) if i.place else None,
                                           span=_shift(i.span, offset)))
        for o in ext.organizations:      # first telling first, each once (a set: a long
            if o not in seen_orgs:         # text names thousands)
                seen_orgs.add(o)
                out.organizations.append(o)
    return out
