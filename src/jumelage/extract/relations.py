"""Partnerships: which two places are linked, how (twinning, cooperation…), since when, in what state.

A unit (sentence, item) with a kind cue ("jumelage", "coopération décentralisée", "pacte
d'amitié"…) links the places it names. Who is linked with whom follows the sentence's shape:
"nos villes jumelées X et Y" links the owner with each; "X et Y … avec Z" links the subjects with
Z; "entre X, Y et Z" links the owner (or the first) with the others; "les trois communes" links
them all. A collective statement ("Partage d'expériences avec nos villes jumelées") links the owner
with each foreign place a section or paragraph is about. Since = the earliest date of the linking
units, or the year an anniversary implies ("25ème anniversaire", "jumelée depuis 40 ans").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from jumelage.extract import cues
from jumelage.extract.analysis import Analysis, Unit
from jumelage.extract.dates import find_dates
from jumelage.extract.owner import collective_kind, section_subjects
from jumelage.partial_dates import compare, earliest, year_of
from jumelage.extract.lexicon import fold_same_length, load_json
from jumelage.records import StatusChange

# the sentence shapes of data/fr/relations.json, compiled once (pairs.py reads some too)
SHAPES = {k: re.compile(v) for k, v in load_json("relations.json").items() if not k.startswith("_")}
AVEC, ENTRE, CO_SUBJECTS = SHAPES["with"], SHAPES["between"], SHAPES["co_subjects"]
POSSESSIVE_APPOSITION, LIST_GAP = SHAPES["possessive_apposition"], SHAPES["list_gap"]
VENUE, NEGATED, TWIN_WORD = SHAPES["venue_before"], SHAPES["negated_before"], SHAPES["twin_word"]
DATE_FOR, RENEWAL, LATER_BY = SHAPES["date_for"], SHAPES["renewal"], SHAPES["later_by"]
CHRONOLOGY_LABEL, PAGE_DATE_BEFORE = SHAPES["chronology_label"], SHAPES["page_date_before"]
PROSPECT_BEFORE, PARTNER_OF_APPOSITION = SHAPES["prospect_before"], SHAPES["partner_of_apposition"]
UNNAMED_PARTNERS_AFTER, GROUP_NAMED_AFTER = SHAPES["unnamed_partners_after"], SHAPES["group_named_after"]
DESIGNATING_KIND, BECOMING_BEFORE = SHAPES["designating_kind"], SHAPES["becoming_before"]
NEGATED_KIND_BEFORE, WISHED_KIND_BEFORE = SHAPES["negated_kind_before"], SHAPES["wished_kind_before"]
SUPPORTED_BY, COORDINATION_GAP = SHAPES["supported_by"], SHAPES["coordination_gap"]
NUMBER_WORDS = {fold_same_length(k): v for k, v in load_json("dates.json")["number_words"].items()}


@dataclass
class Link:
    """A partnership found between places `a` and `b` (keys): the kinds its cues said, the dates it
    runs since, the units that tell it, and the statuses it went through."""

    a: str
    b: str
    kinds: list[str] = field(default_factory=list)
    since: list[str] = field(default_factory=list)
    anniversary_since: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    history: list[StatusChange] = field(default_factory=list)

    @property
    def kind(self) -> str:
        """The first of its kinds in the order of kinds; "partnership" without one."""
        return cues.best_kind(self.kinds) or "partnership"


class Links:
    """The partnerships of a document, one `Link` per pair of places (in either order)."""

    def __init__(self) -> None:
        self.by_pair: dict[frozenset, Link] = {}

    def add(self, a: str, b: str, kind: str | None, unit: Unit | None) -> Link | None:
        """The link of `a` and `b` (made on first use), with `kind` and `unit`'s span added; None
        when `a` is `b`."""
        if a == b:
            return None
        key = frozenset((a, b))
        link = self.by_pair.get(key)
        if link is None:
            link = self.by_pair[key] = Link(a, b)
        if kind:
            link.kinds.append(kind)
        if unit is not None:
            link.spans.append((unit.start, unit.end))
        return link


def stated_kinds(folded_unit: str) -> tuple:
    """Decision: which partnership words of a unit state a relation? Every kind cue (`kinds_in`)
    but one only looked into (« explorer les opportunités de coopération bilatérale »), negated
    (« Auxerre n'est pas jumelée avec Worms », `negated_kind_before`) or only wished (« espère un
    jour un pacte d'amitié », `wished_kind_before`)."""
    return tuple(k for k in cues.kinds_in(folded_unit)
                 if not PROSPECT_BEFORE.search(folded_unit[max(0, k[1] - 60):k[1]])
                 and not NEGATED_KIND_BEFORE.search(folded_unit[max(0, k[1] - 40):k[1]])
                 and not WISHED_KIND_BEFORE.search(folded_unit[max(0, k[1] - 50):k[1]]))


def linked_pairs(an: Analysis, unit: Unit, folded_unit: str, places: list[str]) -> list[tuple[str, str]]:
    """Decision: which pairs of `places` does a unit with a kind cue link? « nos villes jumelées »
    links the owner with each; two places or more follow the sentence's shape (`_pairs_of_many`);
    one foreign place alone is the owner's partner. In: the unit, its folded text (appositions
    blanked), its places. Out: (a, b) pairs, [] for none."""
    owner = an.owner
    if cues.search("collective_possessive", folded_unit) and owner:
        return [(owner, p) for p in places if p != owner]
    if len(places) >= 2:
        return _pairs_of_many(an, unit, folded_unit, places)
    if len(places) == 1 and owner and places[0] != owner and _abroad(an, places[0]):
        return [(owner, places[0])]
    return []


def _pairs_of_many(an: Analysis, unit: Unit, folded_unit: str, places: list[str]) -> list[tuple[str, str]]:
    """The pairs two places or more are linked in: around "avec" (`_pairs_around_with`); all
    together for "les N communes" or "les villes de"; every pair of a written list, but two towns
    of one country with a third (`_clique`); the owner (or the first place, after "entre") with
    each other place; else every pair."""
    owner = an.owner
    around = _pairs_around_with(an, unit, folded_unit)
    if around is not None:
        return around
    if cues.search("group_of_n", folded_unit) or CO_SUBJECTS.search(folded_unit):
        return [(p, q) for i, p in enumerate(places) for q in places[i + 1:]]
    listed = listed_places(an, unit) if len(places) >= 3 else []
    if listed:
        # « un jumelage tripartite entre A, B et C », « A, B et C ont signé une charte »
        return _clique(an, [p for p in listed if p in places])
    if ENTRE.search(folded_unit) or owner in places:
        head = owner if owner in places else places[0]
        return [(head, p) for p in places if p != head]
    return [(p, q) for i, p in enumerate(places) for q in places[i + 1:]]


def _pairs_around_with(an: Analysis, unit: Unit, folded_unit: str) -> list[tuple[str, str]] | None:
    """« X et Y … avec Z »: the places before "avec" are each linked with those after it and with
    each other; « Notre ville est jumelée avec A, B et C »: the speaker (the owner) with each place
    after it, never those places with each other, even when the page never names its owner;
    « A, B et C, jumelées avec des villes russes »,
    « Jumelées avec des villes russes, A, B et C… »: co-twins of unnamed towns, no pair
    (`unnamed_partners_after`, unless the group is named next: `group_named_after`). None when
    the unit has no such shape."""
    m = AVEC.search(folded_unit)
    if not m:
        return None
    cut = unit.start + m.start()
    subj = list(dict.fromkeys(an.key(x) for x in an.mentions_in(unit.start, cut)))
    obj = list(dict.fromkeys(an.key(x) for x in an.mentions_in(cut, unit.end)))
    group = UNNAMED_PARTNERS_AFTER.match(folded_unit[m.end():])
    if group and not GROUP_NAMED_AFTER.match(folded_unit[m.end() + group.end():]):
        return []
    if subj and obj:
        pairs = [(s, o) for s in subj for o in obj if s != o]
        return pairs + [(s, t) for i, s in enumerate(subj) for t in subj[i + 1:]]
    if obj and not subj:
        # the speaker with each: with no owner known, none of them is paired with another
        return [(an.owner, o) for o in obj if o != an.owner] if an.owner else []
    return None


def listed_places(an: Analysis, unit: Unit) -> list[str]:
    """The places of the longest run of three or more mentions written as one list (« entre A, B
    et C », « les maires de A, de B et de C », « A, la ville de B au Mali et C »), not told one by
    one with their own dates (« avec A depuis 1999, B depuis 2012 »); [] when there is none."""
    ms = an.mentions_in(unit.start, unit.end)
    best: list = []
    run = ms[:1]
    for x, y in zip(ms, ms[1:]):
        run = run + [y] if LIST_GAP.match(an.folded[x.end:y.start]) else [y]
        if len(run) > len(best):
            best = run
    keys = list(dict.fromkeys(an.key(m) for m in best))
    return keys if len(keys) >= 3 else []


def _clique(an: Analysis, places: list[str]) -> list[tuple[str, str]]:
    """Every pair of `places` but those of one known country, when places of another country
    are there to partner with (« Brest, Lorient et Odessa » gives Brest–Odessa and Lorient–Odessa)."""
    pairs = [(p, q) for i, p in enumerate(places) for q in places[i + 1:]]
    mixed = [(p, q) for p, q in pairs
             if an.country(p) is None or an.country(q) is None or an.country(p) != an.country(q)]
    return mixed or pairs


def _without_venues(an: Analysis, unit: Unit, folded_unit: str, places: list[str]) -> list[str]:
    """« signée à Bruxelles lors du congrès »: a town named only where something took place is no
    party, when the sentence names two parties besides it (« entre A et B », « A … avec B »)."""
    if len(places) < 3 or not (AVEC.search(folded_unit) or ENTRE.search(folded_unit)):
        return places
    at_venue = set()
    for m in an.mentions_in(unit.start, unit.end):
        key = an.key(m)
        if key != an.owner and VENUE.search(an.folded[max(unit.start, m.start - 40):m.start]):
            at_venue.add(key)
    elsewhere = {an.key(m) for m in an.mentions_in(unit.start, unit.end)
                 if not VENUE.search(an.folded[max(unit.start, m.start - 40):m.start])}
    venues = at_venue - elsewhere
    kept = [p for p in places if p not in venues]
    return kept if len(kept) >= 2 else places


def _dates_by_partner(an: Analysis, unit: Unit, pairs: list[tuple[str, str]], dates: list) -> dict | None:
    """"jumelée avec Marburg depuis 1961 et avec Coimbra": a date written after partners' names
    belongs to those named since the previous date (« avec A et B depuis 1958, ainsi qu'avec C
    depuis 2003 »: A and B since 1958, C since 2003); a date written just before « pour X »
    belongs to X (« depuis 1986 pour A et 2006 pour B »). The place every pair shares (the
    speaker) owns no date. None when every pair shares the unit's dates (a date before all the
    names, or a single pair)."""
    if len(pairs) < 2 or not dates:
        return None
    ms = an.mentions_in(unit.start, unit.end)
    if not ms:
        return None
    shared = set(pairs[0]).intersection(*map(set, pairs[1:]))
    ms = [m for m in ms if an.key(m) not in shared]
    owned: dict[str, list[str]] = {}
    ordered = sorted(dates, key=lambda d: d.start_char)

    def dated_next(d):
        at = unit.start + d.end_char
        after = next((m for m in ms if m.start >= at), None)
        return after if after is not None and DATE_FOR.fullmatch(an.folded[at:after.start]) else None

    if all(dated_next(d) is not None for d in ordered):
        for d in ordered:
            owned.setdefault(an.key(dated_next(d)), []).append(d.start)
    else:
        # only « depuis » dates are written partner by partner (« signé le 6 juin 1965 par A, B
        # et C » dates them all)
        ordered = [d for d in ordered if d.kind == "since"]
        if not ordered or not ms or ordered[0].start_char + unit.start < ms[0].start:
            return None
        previous = unit.start
        for d in ordered:
            at = unit.start + d.start_char
            for m in ms:
                if previous <= m.start and m.end <= at:
                    owned.setdefault(an.key(m), []).append(d.start)
            previous = max(previous, unit.start + d.end_char)
    partners = {b for _, b in pairs} | {a for a, _ in pairs}
    return owned if set(owned) & partners else None


def pair_since(an: Analysis, unit: Unit, a: str, b: str) -> str | None:
    """Decision: since when does a unit that names `a` and `b` (a pair the rules did not propose)
    say they are linked? Its founding dates (`since_dates`), shared out among the places it
    names when each date is written with its own partner (`_dates_by_partner`, `a` the speaking
    side); None without one."""
    folded = an.folded[unit.start:unit.end]
    unit_dates = [d for d in find_dates(an.text[unit.start:unit.end], an.date) if d.start]
    dated_item = dated_entry(an, unit, unit_dates)
    _, celebration = _anniversary(an, folded, unit_dates)
    since = since_dates(folded, [d for d in unit_dates if not page_dated(folded, d)], dated_item,
                        statuses_in(folded), celebration)
    if not since:
        return None
    pairs = [(a, k) for k in an.keys_in(unit.start, unit.end) if k != a]
    # « depuis 1986 pour A et 2006 pour B »: every date written with its partner counts
    owned = _dates_by_partner(an, unit, pairs, [d for d in unit_dates if d.kind != "until"])
    if owned is None or b not in owned:
        owned = _dates_by_partner(an, unit, pairs, [d for d in unit_dates if d.start in since])
    dates = owned.get(b) if owned is not None else since
    return earliest(dates) if dates else None


def dated_entry(an: Analysis, unit: Unit, unit_dates: list) -> bool:
    """Decision: is the unit a dated entry of a chronology (a list item opening with its date, or
    a line « 2019-2021 : projet… »)? Its date is the entry's, not a founding's unless it says so."""
    if not unit_dates or unit_dates[0].start_char > 12:
        return False
    return unit.kind == "item" or bool(CHRONOLOGY_LABEL.match(an.text, unit.start + unit_dates[0].end_char))


def page_dated(folded_unit: str, date) -> bool:
    """Whether a date of the unit is the page's leading marker (« date 2025-05 »)."""
    return bool(PAGE_DATE_BEFORE.search(folded_unit[max(0, date.start_char - 12):date.start_char]))


def later_since(an: Analysis, folded_unit: str, unit_dates: list, prev: Unit | None, unit: Unit) -> str | None:
    """Decision: a founding dated relative to the sentence before (« En 1973, la ville s'unit à X.
    Trente ans plus tard, une charte est signée avec Y. »)? The year of the previous sentence of
    the same paragraph plus N, when the unit says « N ans plus tard » and gives no year itself."""
    m = LATER_BY.search(folded_unit)
    if not m or prev is None or prev.block != unit.block or any(d.start for d in unit_dates):
        return None
    word = m.group(1)
    n = int(word) if word.isdigit() else NUMBER_WORDS.get(word)
    years = [year_of(d.start) for d in find_dates(an.text[prev.start:prev.end], an.date)
             if d.start and d.kind not in ("until", "decade", "relative")]
    if not n or not years:
        return None
    return str(int(years[-1]) + n)


def _abroad(an: Analysis, key: str) -> bool:
    """Whether a place is in another country than the owner ("Bègles, jumelée avec …" is about
    Bègles, not a twin of a French owner)."""
    return an.country(key) is None or an.country(key) != an.country(an.owner)


def _anniversary(an: Analysis, folded_unit: str, unit_dates: list) -> tuple[str | None, object]:
    """The founding year an anniversary implies ("25ème anniversaire … juillet 2022" → 1997, one
    less when it was celebrated "avec une année de retard"), and the celebration's date mention."""
    m = cues.search("anniversary", folded_unit)
    if not m:
        return None, None
    years = next((int(g) for g in m.groups() if g), None)
    if years is None or years > 200:
        return None, None
    # the celebration's date, not the duration inside the match itself ("jumelée depuis 40 ans")
    dated = [d for d in unit_dates if d.start and not (d.start_char < m.end() and m.start() < d.end_char)]
    celebration = min(dated, key=lambda d: abs(d.start_char - m.start())) if dated else None
    ref = int(celebration.start[:4]) if celebration else an.doc_year()
    if ref is None:
        return None, None
    if cues.search("anniversary_late", folded_unit):
        ref -= 1
    return str(ref - years), celebration


def find_partnerships(an: Analysis) -> Links:
    """The partnerships of the document, unit by unit: items under a list announced by a kind
    ("La ville est jumelée avec :"), units with a kind cue (`_link_statement`), group statements
    ("les quatre communes"), then dash-joined pairs, groups and collective statements."""
    links = Links()
    list_kind: str | None = None        # a kind announced by a unit ending with ":" for the list below
    groups: list[tuple[Unit, int, str | None, list[str]]] = []
    for index, unit in enumerate(an.units):
        folded = an.folded[unit.start:unit.end]
        kinds = stated_kinds(folded)
        if unit.kind == "item" and list_kind and not kinds:
            _link_list_item(an, links, unit, list_kind)
            continue
        if unit.kind != "item":
            list_kind = None
        if not kinds:
            size = group_beyond(folded, an.keys_in(unit.start, unit.end))
            if size and cues.has("founding", folded):
                # "Serments renouvelés le 29 avril 2000, liant désormais les quatre communes."
                dates = [d.start for d in find_dates(an.text[unit.start:unit.end], an.date) if d.start]
                groups.append((unit, size, None, dates))
        elif announces_list(an, unit):
            list_kind = cues.best_kind([k for k, _, _ in kinds])
        else:
            group = _link_statement(an, links, unit, kinds, an.units[index - 1] if index else None)
            if group is not None:
                groups.append(group)
    _dash_pairs(an, links)
    _partners_of_apposition(an, links)
    _supporters(an, links)
    for unit, size, kind, since_dates in groups:
        _group(an, links, unit, size, kind, since_dates)
    _collective(an, links)
    by_block: dict[int, list[Unit]] = {}
    for unit in an.units:
        by_block.setdefault(unit.block, []).append(unit)
    for link in links.by_pair.values():
        _refine_since(an, link, by_block)
    return links


def _refine_since(an: Analysis, link: Link, by_block: dict[int, list[Unit]]) -> None:
    """Decision: is a pair's founding told more precisely in the next sentences of its paragraph
    (« jumelée avec X depuis 1974. Le serment a été signé le 12 mai 1974. »)? A sentence of the
    same paragraph with a founding or signing cue, naming no other place than the pair and the
    page's own town, that gives a date within the pair's since (same year, or month), and more
    precise, adds that date (the more precise date of the same year wins, `partial_dates.earliest`)."""
    since = earliest(link.since)
    if not since or not link.spans or len(since) >= len("YYYY-MM-DD"):
        return
    blocks = sorted({i for i in (an.layout.index_at(s) for s, _ in link.spans) if i in by_block})
    allowed = {link.a, link.b, an.owner}
    for unit in (u for b in blocks for u in by_block[b]):
        if unit.kind == "heading":
            continue
        folded = an.folded[unit.start:unit.end]
        if not (cues.has("founding", folded) or cues.has("signing", folded)) \
                or not set(an.keys_in(unit.start, unit.end)) <= allowed:
            continue
        for d in find_dates(an.text[unit.start:unit.end], an.date):
            if d.start and d.kind != "until" and len(d.start) > len(since) \
                    and compare(d.start, since) == 0:
                link.since.append(d.start)
                return


def announces_list(an: Analysis, unit: Unit) -> bool:
    """Decision: does a unit with a kind cue announce a list of partners below it (« La ville est
    jumelée avec : »)? Yes when it ends with a colon and names no place but the owner."""
    foreign = [p for p in an.keys_in(unit.start, unit.end) if p != an.owner]
    return an.text[unit.start:unit.end].rstrip().endswith(":") and not foreign


def item_since(an: Analysis, unit: Unit) -> str | None:
    """Decision: since when is the partner of a list item (« - Warendorf (Allemagne), depuis 1969 »)?
    The earliest date it states (not an end date); None without one."""
    return earliest([d.start for d in find_dates(an.text[unit.start:unit.end], an.date)
                     if d.start and d.kind != "until"])


def _link_list_item(an: Analysis, links: Links, unit: Unit, list_kind: str) -> None:
    """Link the owner with each place of an item under a list announced with `list_kind`; dated
    by `item_since` when the item names one place."""
    foreign = [p for p in an.keys_in(unit.start, unit.end) if p != an.owner]
    since = item_since(an, unit)
    for p in foreign:
        if an.owner:
            link = links.add(an.owner, p, list_kind, unit)
            if link is not None and since and len(foreign) == 1:
                link.since.append(since)


def group_beyond(folded: str, places: list[str]) -> int | None:
    """Decision: does the unit speak of a group of N places (« les quatre communes ») larger than
    the places it names? Out: N, or None."""
    size = cues.group_size(folded)
    return size if size and len(places) < size else None


def appositions(an: Analysis, unit: Unit) -> list[tuple[str, str, int, int]]:
    """Decision: which places does an apposition make the owner's partners (« X, sa jumelle
    allemande »), whatever the sentence says, and of which kind (twinning unless it says another)?
    Out: (place key, kind, start, end of the apposition within the unit); [] without an owner."""
    out = []
    for m in an.mentions_in(unit.start, unit.end):
        ap = POSSESSIVE_APPOSITION.match(an.folded[m.end:min(unit.end, m.end + 40)])
        if ap and an.owner:
            kind = cues.best_kind([k for k, _, _ in cues.kinds_in(ap.group(0))])
            out.append((an.key(m), kind or "twinning", m.end - unit.start, m.end - unit.start + ap.end()))
    return out


def statement_kind(kinds: list[tuple[str, int, int]], apposed: list[tuple[int, int]]) -> str | None:
    """Decision: of which kind is the partnership a unit tells, beside its appositions? The first
    in the order of kinds of its kind cues (`kinds_in`) outside the `apposed` spans; None when
    every cue is inside one."""
    rest = [k for k, s, _ in kinds if not any(lo <= s < hi for lo, hi in apposed)]
    return cues.best_kind(rest) if rest else None


def implied_partners(an: Analysis, unit: Unit, prev: Unit | None) -> tuple[list[str], list]:
    """Decision: who is the partner of a kind cue that names no foreign place (« l'élu allait
    signer une lettre d'intention de jumelage »)? The places its section is about, else those of
    the sentence just before in the same block (with that sentence's dates). Out: (keys, dates)."""
    context = [k for k in section_subjects(an, unit.block) if k != an.owner]
    if context or prev is None or prev.block != unit.block:
        return context, []
    context = [k for k in an.keys_in(prev.start, prev.end) if k != an.owner]
    return context, (find_dates(an.text[prev.start:prev.end], an.date) if context else [])


def statuses_in(folded: str) -> list[tuple[str, re.Match]]:
    """Decision: in what state does the unit put the partnership (suspended, ended, renewed…)?
    Out: (status, match) of each status cue not negated just before (« n'a pas été suspendu »)."""
    return [(st, m) for st, pat in cues.status_patterns() for m in [pat.search(folded)]
            if m and not NEGATED.search(folded[max(0, m.start() - 20):m.start()])]


def since_dates(folded: str, unit_dates: list, dated_item: bool, statuses: list, celebration) -> list[str]:
    """Decision: since when, by the unit's dates? "depuis 1970" always; a plain date only in a
    sentence about the founding ("signé le 6 juin 1965", "a débuté en 1991") or with no action
    cue, not beside a suspension or an end, nor the anniversary's `celebration`, nor after a
    renewal word (« signé en 1965, renouvelé le 1er mai 2005 »: 1965) unless a founding participle
    dates it (« ont renouvelé leur accord, signé en 1990 »: 1990); never a decade (« les
    années 70 » is approximate) nor a period (« sur la période 2020-2025 », « 2019-2021 : projet »:
    the current agreement's or a project's, not the founding). None at all in
    a dated list item that tells no founding, or with a blocking cue. Out: partial dates."""
    if cues.has("since_blockers", folded):
        return []
    if dated_item and not cues.has("founding", folded):
        # an entry's own date is the entry's; « Depuis 2006, A, avec l'appui de B… » still says
        # since when, unless the entry's line is a chronology label (« Depuis 2014 : vente… »)
        return [d.start for d in unit_dates[:1] if d.kind == "since" and d.start
                and not CHRONOLOGY_LABEL.match(folded, d.end_char)]
    designates = _only_designates(folded) and not any(
        cues.has("relation_nouns", folded[s:e]) for _, s, e in cues.kinds_in(folded))
    if designates:
        # « a décidé d'envoyer des masques à sa ville jumelle », « notre ville jumelle accueille
        # depuis février des réfugiés »: a partner is only named, the sentence's dates (a founding
        # word's too, « décidé », « lancé ») are its act's; « sa ville jumelle depuis 1990 » still
        # says since when, and « ont signé leur jumelage le … » names the relation, not a partner
        kind_ends = [e for _, _, e in cues.kinds_in(folded)]
        unit_dates = [d for d in unit_dates if d.kind == "since"
                      and any(0 <= d.start_char - e <= SINCE_AFTER_KIND for e in kind_ends)]
    founding = not designates and (cues.has("founding", folded) or not _tells_an_act(folded))
    stopped = any(st in ("suspended", "ended") for st, _ in statuses)
    renewed = RENEWAL.search(folded)
    kept = [d for d in unit_dates
            if d.start and d.kind not in ("until", "decade") and d is not celebration
            and not (d.kind == "range" and d.end and d.end != d.start)
            and (d.kind == "since" or (founding and not stopped
                                       and not (renewed and renewed.start() < d.start_char
                                                and not apposed_founding(folded, d.start_char))))]
    told = [_told_by(folded, d, unit_dates) for d in kept]
    if "founding" in told:
        # « après une visite en 1985, un jumelage est célébré le 2 novembre 1986 »: the visit's
        # year is the visit's
        kept = [d for d, by in zip(kept, told) if by != "action"]
    found = [d.start for d in kept]
    # « depuis 1980 » says since when; another date of the sentence (« les premiers échanges
    # remontent à 1978 ») only says it more precisely when it falls in that year (« depuis 1974,
    # date du serment signé le 12 mai 1974 »)
    stated = {year_of(d.start) for d in unit_dates if d.start and d.kind == "since" and d is not celebration}
    return [v for v in found if not stated or year_of(v) in stated]


FOUNDED_BEFORE = 30   # characters: « , signée en » read before a date


def apposed_founding(folded: str, pos: int) -> bool:
    """« ont renouvelé leur accord, signé en 1990 »: is the date at `pos` of the folded text told by
    a founding participle in apposition (`apposed_founding`)? It dates the partnership's founding,
    not the act the sentence tells, even after a renewal word."""
    return cues.has("apposed_founding", folded[max(0, pos - FOUNDED_BEFORE):pos])


SINCE_AFTER_KIND = 12   # characters: « jumelle depuis 1990 », the date right after the partnership word


def _tells_an_act(folded: str) -> bool:
    """Decision: does a unit tell an activity (a visit, an exchange, a gift, a contact)? Its plain
    dates are then the activity's, unless it also tells a founding."""
    return any(cues.has(name, folded) for name in ("action_triggers", "gift", "contact_acts"))


def _only_designates(folded: str) -> bool:
    """Decision: does every partnership word of a unit only designate a partner (« a offert des
    masques à sa jumelle française, Colmar, en avril 2020 »; « ses villes partenaires »)? Then the
    unit states no founding and its plain dates are not the partnership's. A partner said to become
    one (« est devenue sa ville jumelle en 1990 ») is a founding."""
    kinds = cues.kinds_in(folded)
    if not kinds:
        return False
    for _, start, _ in kinds:
        before = folded[max(0, start - 40):start]
        m = DESIGNATING_KIND.search(before)
        if not m or BECOMING_BEFORE.search(before[:m.start()]):
            return False
    return True


def _told_by(folded: str, date, unit_dates: list) -> str | None:
    """Decision: what tells a date of a unit? The last cue between the previous date and it:
    "founding" (a founding or partnership word: « un jumelage est célébré le … »), "action" (an
    activity: « une visite exploratoire en 1985 »), or None."""
    start = max([d.end_char for d in unit_dates if d.end_char <= date.start_char], default=0)
    window = folded[start:date.start_char]
    kind_ends = [e for _, _, e in cues.kinds_in(window)]
    last_founding = max([m.end() for m in cues.finditer("founding", window)] + kind_ends, default=-1)
    # « un jumelage est célébré le … »: an act whose subject is the partnership founds it
    last_action = max([m.end() for m in cues.finditer("action_triggers", window)
                       if not any(0 <= m.start() - e <= 15 for e in kind_ends)], default=-1)
    if last_founding < 0 and last_action < 0:
        return None
    return "founding" if last_founding >= last_action else "action"


def _link_statement(an: Analysis, links: Links, unit: Unit, kinds: list, prev: Unit | None):
    """Link the places of a unit with kind cues (appositions first, then `linked_pairs`, else
    `implied_partners`), dated by `since_dates` (per partner when `_dates_by_partner` says so), the
    anniversary and the statuses. Returns its group statement (unit, N, kind, since) or None."""
    folded = an.folded[unit.start:unit.end]
    apposed = appositions(an, unit)
    unit_dates = find_dates(an.text[unit.start:unit.end], an.date)
    for key, ap_kind, lo, hi in apposed:
        link = links.add(an.owner, key, ap_kind, unit)
        # the apposition's own « depuis » (« Baden-Baden, notre ville jumelle depuis 1985 ») dates it
        own = [d.start for d in unit_dates
               if d.kind == "since" and d.start and lo <= d.start_char <= hi + SINCE_AFTER_KIND]
        if link is not None and own:
            link.since.append(earliest(own))
    kind = statement_kind(kinds, [(lo, hi) for _, _, lo, hi in apposed])
    if kind is None:
        return None
    plain = _blank(folded, [(lo, hi) for _, _, lo, hi in apposed])
    places = an.keys_in(unit.start, unit.end)
    pairs = linked_pairs(an, unit, plain, _without_venues(an, unit, plain, places))
    dated_item = dated_entry(an, unit, unit_dates)
    if not pairs and an.owner and places in ([], [an.owner]):
        context, context_dates = implied_partners(an, unit, prev)
        pairs = [(an.owner, k) for k in context]
        unit_dates = unit_dates + context_dates
    anniversary, celebration = _anniversary(an, folded, unit_dates)
    statuses = statuses_in(folded)
    since = since_dates(folded, [d for d in unit_dates if not page_dated(folded, d)], dated_item,
                        statuses, celebration)
    if not since and cues.has("founding", folded):
        later = later_since(an, folded, unit_dates, prev, unit)
        since = [later] if later else since
    owned = _dates_by_partner(an, unit, pairs, [d for d in unit_dates if d.start in since])
    event_dates = [d.start for d in unit_dates if d.start and d.kind not in ("since", "until")]
    apposed_keys = {frozenset((an.owner, key)) for key, _, _, _ in apposed}
    for a, b in pairs:
        link = links.add(a, b, _pair_kind(an, unit, plain, a, b, kind), unit)
        if link is None:
            continue
        if frozenset((a, b)) in apposed_keys:
            continue    # « depuis 2005, X, sa jumelle, et Y coopèrent »: the date is the statement's
        pair_dates = owned.get(b, owned.get(a)) if owned is not None else since
        if pair_dates:
            link.since.append(earliest(pair_dates))
        if anniversary:
            link.anniversary_since.append(anniversary)
        _add_statuses(an, link, unit, statuses, event_dates)
    size = group_beyond(folded, places)
    return (unit, size, kind, since) if size else None


def _pair_kind(an: Analysis, unit: Unit, folded_unit: str, a: str, b: str, kind: str) -> str:
    """The kind of one pair of a unit that states several (« est jumelée avec Abu Gosh et coopère
    avec Bobo-Dioulasso »): the last stated partnership word before the partner's first mention,
    when the unit's words are of more than one kind; else the statement's `kind`."""
    stated = stated_kinds(folded_unit)
    if len({k for k, _, _ in stated}) < 2:
        return kind
    partner = b if a == an.owner else a
    at = next((m.start - unit.start for m in an.mentions_in(unit.start, unit.end) if an.key(m) == partner), None)
    before = [k for k, _, end in stated if at is not None and end <= at]
    return before[-1] if before else kind


def _blank(folded: str, spans: list[tuple[int, int]]) -> str:
    """`folded` with the `spans` (unit offsets) turned into spaces, same length."""
    chars = list(folded)
    for lo, hi in spans:
        chars[lo:hi] = " " * (hi - lo)
    return "".join(chars)


def _add_statuses(an: Analysis, link: Link, unit: Unit, statuses: list, event_dates: list[str]) -> None:
    """Append each status of the unit to the link's history, dated by the unit's earliest event
    date (else the document's), once per status and date."""
    text = an.text[unit.start:unit.end]
    for st, _ in statuses:
        when = earliest(event_dates) or an.date
        if not any(h.status == st and h.date == when for h in link.history):
            link.history.append(StatusChange(st, when, (unit.start, unit.end), text))


DASH_BETWEEN = re.compile(r"^\s*[-–—]\s*$")


def _dash_pairs(an: Analysis, links: Links) -> None:
    """"COMITÉ DE JUMELAGE / Pléneuf Val-André – Florstadt", "jumelage Malaucène-Mahlberg": a
    dash-joined pair of places right after a twinning word."""
    ms = an.mentions
    for a, b in zip(ms, ms[1:]):
        if an.key(a) == an.key(b) or not DASH_BETWEEN.match(an.text[a.end:b.start]):
            continue
        if not TWIN_WORD.search(an.folded[max(0, a.start - 60):a.start]):
            continue
        block = an.layout.block_at(a.start)
        span_start = max(0, an.text.rfind("\n\n", 0, a.start) + 2) if block is None else block.start
        unit = Unit(min(span_start, a.start), b.end, -1, "para")
        if block is not None and block.kind != "heading":
            heading = an.layout.blocks[block.section] if block.section >= 0 else None
            if heading is not None and heading.end <= a.start and a.start - heading.end < 5:
                unit = Unit(heading.start, b.end, -1, "para")
        links.add(an.key(a), an.key(b), "twinning", unit)


def _partners_of_apposition(an: Analysis, links: Links) -> None:
    """« Herzogenaurach, Allemagne, partenaire de Kaya »: a place's own partner told in passing in
    an apposition links the two places, whoever speaks (`partner_of_apposition`). The kind is the
    sentence's stated one, else the apposition's word, else a twinning when the sentence speaks of
    twinning (« comités de jumelage … partenaire de Kaya »), else a partnership."""
    ms = an.mentions_in(0, len(an.text))
    for x, y in zip(ms, ms[1:]):
        kx, ky = an.key(x), an.key(y)
        if kx == ky or not PARTNER_OF_APPOSITION.match(an.folded[x.end:y.start]):
            continue
        unit = an.unit_around(x.start, y.end)
        if unit is None:
            continue
        folded = an.folded[unit.start:unit.end]
        said = [k for k, _, _ in stated_kinds(folded)] or \
            [k for k, _, _ in cues.kinds_in(an.folded[x.end:y.start])]
        kind = cues.best_kind(said) or ("twinning" if TWIN_WORD.search(folded) else "partnership")
        links.add(kx, ky, kind, unit)


def _supporters(an: Analysis, links: Links) -> None:
    """« la commune de Tenkodogo avec l'appui de Chinon et d'Étaules travaille… »: towns written
    right after a town as its support (`supported_by`), and those coordinated with the first, are
    that town's cooperation partners, on a page that names a partnership (`stated_kinds`)."""
    if not stated_kinds(an.folded):
        return
    ms = an.mentions_in(0, len(an.text))
    for i, (x, y) in enumerate(zip(ms, ms[1:])):
        kx = an.key(x)
        if kx == an.key(y) or not SUPPORTED_BY.match(an.folded[x.end:y.start]):
            continue
        unit = an.unit_around(x.start, y.end)
        if unit is None:
            continue
        supporters = [y]
        for a, b in zip(ms[i + 1:], ms[i + 2:]):
            if b.end > unit.end or not COORDINATION_GAP.match(an.folded[a.end:b.start]):
                break
            supporters.append(b)
        for m in supporters:
            link = links.add(kx, an.key(m), "cooperation", unit)
            since = pair_since(an, unit, kx, an.key(m)) if link is not None else None
            if since:
                link.since.append(since)


def _group(an: Analysis, links: Links, unit: Unit, size: int, kind: str | None, since_dates: list[str]) -> None:
    """"liant désormais les quatre communes": the owner and its partners, all linked together."""
    if not an.owner:
        return
    order = {an.key(m): m.start for m in reversed(an.mentions)}
    partners = sorted(
        {link.b if link.a == an.owner else link.a for link in links.by_pair.values() if an.owner in (link.a, link.b)},
        key=lambda k: order.get(k, 0),
    )
    members = [an.owner] + partners
    if len(members) != size:
        return
    for i, a in enumerate(members):
        for b in members[i + 1:]:
            link = links.add(a, b, kind, unit)
            if link is not None and since_dates:
                link.since.append(earliest(since_dates))


def _collective(an: Analysis, links: Links) -> None:
    """Link the owner with every foreign place a section or paragraph is about."""
    kind = collective_kind(an)
    if not kind or not an.owner:
        return
    owner_country = an.country(an.owner)
    seen: set[str] = set()
    for block_index, keys in an.subjects.items():
        block = an.layout.blocks[block_index]
        for key in keys:
            if key in seen or key == an.owner or an.country(key) in (None, owner_country):
                continue
            seen.add(key)
            link = links.by_pair.get(frozenset((an.owner, key)))
            if link is None:
                link = links.add(an.owner, key, kind, None)
                link.spans.append((block.start, block.end))
            else:
                link.kinds.append(kind)
