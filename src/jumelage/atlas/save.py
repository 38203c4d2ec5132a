"""Store one document's extraction, merging it with what other documents already said.

`save(session, doc, ext, now)` runs inside the caller's transaction (one per document):
1. the source row is created, or, for changed content, its text replaced;
2. the evidence this source gave before is taken back: from records still `extracted` it is
   deleted; on records a person confirmed, corrected, rejected or added it is kept aside, and put
   back on the new text (found again by its quote) unless the new extraction says it afresh;
3. the new extraction is merged in: places by GeoNames id, else by a shared folded name in the same
   country; partnerships by unordered pair of places; actions and initiatives by same places, same
   dates, overlapping themes and a similar quote; organisations by folded name;
4. every `extracted` record touched is recomputed from its evidence (`merge.py`), and those left
   without evidence are deleted (places and organisations only when nothing refers to them):
   `recompute.py`;
5. the search index of every record touched or deleted, and of the source, is rewritten
   (`search.py`, called by `recompute.finish`), in the same transaction: a search never sees a
   half-saved document.

`save_many(session, items, now)` saves several documents in one transaction the same way, and
does step 4 once for all the new ones (the rows of a twin-city list: `jumelage.pairs`).

The work is set-based: what a document can meet in the atlas (places by GeoNames id or folded
name, organisations, partnerships of its pairs, actions and initiatives with its dates) is loaded
in a few queries, matched in memory in the order the extraction gives, and written back with bulk
inserts; records created along the way join the in-memory indexes, so a later item of the same
document meets them exactly as it would meet a stored one.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import Connection, delete, select, update
from sqlalchemy.orm import Session

from jumelage.atlas import search
from jumelage.atlas import statements as q
from jumelage.partial_dates import is_partial_date
from jumelage.atlas.merge import action_places
from jumelage.atlas.models import (
    RECORD_COLUMNS, RECORD_MODELS, Action, ActionOrganisation, ActionPlace, Evidence, Initiative,
    InitiativeOrganisation, LostEvidence, Partnership, PartnershipStatus, PlaceName, Source,
)
from jumelage.atlas.names import FoldedText, sort_key
from jumelage.atlas.organisations import Organisations
from jumelage.names import name_key
from jumelage.atlas.recompute import Touched, finish
from jumelage.atlas.twins import near_identical
from jumelage.atlas.validate import check
from jumelage.records import Action as ActionRecord
from jumelage.records import Document, Extraction
from jumelage.records import Initiative as InitiativeRecord
from jumelage.records import Partnership as PartnershipRecord
from jumelage.records import Place as PlaceRecord

QUOTE_SIMILARITY = 90  # rapidfuzz ratio above which two quotes tell the same action
CONTAINED_SHARE = 0.5       # a quote within another at least twice its length…
CONTAINED_SIMILARITY = 95   # …(partial ratio above this) tells the same action too
CHUNK = 500            # ids per IN (...) list in bulk deletes


def source_states(session: Session, items: Iterable[tuple[str, str]]) -> list[str]:
    """`new`, `unchanged` or `updated` for each (name, content hash), in two queries.

    Keyed by name; a new name whose exact content is already stored under another name is
    `unchanged` too (the same content ingested twice changes nothing).
    """
    items = list(items)
    names = {name for name, _ in items}
    hashes = {digest for _, digest in items}
    stored: dict[str, str] = {}
    for part in _chunks(sorted(names)):
        stored.update(session.execute(q.SOURCE_NAMES, {"names": part}).all())
    known: set[str] = set()
    for part in _chunks(sorted(hashes)):
        known.update(session.scalars(q.SOURCE_HASHES, {"hashes": part}))
    out = []
    for name, digest in items:
        if name in stored:
            out.append("unchanged" if stored[name] == digest else "updated")
        else:
            out.append("unchanged" if digest in known else "new")
    return out


def source_paths(session: Session, names: Iterable[str]) -> dict[str, str | None]:
    """The file path stored with each of these source names that the atlas holds."""
    out: dict[str, str | None] = {}
    for part in _chunks(sorted(set(names))):
        out.update(session.execute(q.SOURCE_PATHS, {"names": part}).all())
    return out


def source_state(session: Session, name: str, content_hash: str) -> str:
    """`new`, `unchanged` or `updated` for a document about to be ingested (see `source_states`)."""
    return source_states(session, [(name, content_hash)])[0]


def document_date(doc: Document, ext: Extraction) -> str | None:
    """The source's date: the page's own marker, else the date the extraction found in the
    text, else the file's metadata date (a PDF printed today is not today's article)."""
    for value in (doc.date, ext.date, doc.metadata_date):
        if value and is_partial_date(value[:10]):
            return value[:10]
        if value and is_partial_date(value[:7]):
            return value[:7]
    return None


def save(session: Session, doc: Document, ext: Extraction, now: datetime) -> str:
    """Merge `ext` (extracted from `doc`) into the atlas; `new`, `unchanged` or `updated`."""
    state, saver = _merge(session, doc, ext, now)
    if saver is not None:
        saver.finish()
    return state


def save_many(session: Session, items: Iterable[tuple[Document, Extraction]],
              now: datetime) -> list[str]:
    """`save` each document in turn, in one transaction; their states, in order.

    The records new documents touch are recomputed once, at the end, from all their claims
    (step 4 of the module docstring, done for the batch rather than per document: the merged
    fields come out the same, for a fraction of the statements). A changed document, which takes
    evidence back, is finished on its own as `save` does. Which documents are new is asked once
    for the batch (in this transaction), not once per document.
    """
    items = list(items)
    states: list[str] = []
    touched: Touched = defaultdict(set)
    before = source_states(session, [(doc.name, doc.content_hash) for doc, _ in items])
    names: set[str] = set()
    hashes: set[str] = set()
    for (doc, ext), state_before in zip(items, before):
        # new when the batch began, and not named or written again earlier in the batch
        known_new = (state_before == "new" and doc.name not in names
                     and doc.content_hash not in hashes)
        names.add(doc.name)
        hashes.add(doc.content_hash)
        state, saver = _merge(session, doc, ext, now, known_new)
        states.append(state)
        if saver is None:
            continue
        if saver.took_back or saver.pending:
            saver.finish()
        else:
            for kind, ids in saver.touched.items():
                touched[kind].update(ids)
    if touched:
        finish(session.connection(), "", {}, touched, False, now)
    return states


def _merge(session: Session, doc: Document, ext: Extraction, now: datetime,
           known_new: bool = False) -> tuple[str, _Saver | None]:
    """Steps 1-3 of the module docstring; the saver is None when the content is unchanged.
    `known_new`: the caller has just checked, in this transaction, that the atlas holds neither
    this name nor this content."""
    check(doc, ext)
    conn = session.connection()
    stored = None if known_new else conn.execute(q.SOURCE, {"name": doc.name}).first()
    if known_new:
        state = "new"
    elif stored is not None:
        state = "unchanged" if stored.content_hash == doc.content_hash else "updated"
    else:
        twin = conn.scalar(q.TWIN, {"hash": doc.content_hash})
        state = "unchanged" if twin is not None else "new"
    if state == "unchanged":
        return state, None
    date = document_date(doc, ext)
    fields = dict(content_hash=doc.content_hash, media_type=doc.media_type or "text/plain",
                  text=doc.text, text_length=len(doc.text), language=doc.language, date=date,
                  title=doc.title, path=doc.path, updated_at=now,
                  metadata_date=(doc.metadata_date or "")[:10] or None)
    if stored is None:
        source_id = conn.execute(q.INSERT_SOURCE, {
            "name": doc.name, "ingested_at": now, **fields}).scalar_one()
    else:
        source_id = stored.id
        conn.execute(update(Source).where(Source.id == source_id).values(**fields))
    saver = _Saver(conn, source_id, doc.text, date, ext, now)
    saver.twins = near_identical(conn, source_id, doc.text)
    saver.load_lost(doc.name)
    if state == "updated":
        saver.take_back()
    saver.merge()
    saver.restore_lost(doc.name)
    return state, saver


def remove(session: Session, name: str, now: datetime) -> bool:
    """Forget a source: its extracted records go, reviewed ones stay without its evidence."""
    conn = session.connection()
    row = conn.execute(select(Source.id, Source.text, Source.date).where(
        Source.name == name)).first()
    if row is None:
        return False
    saver = _Saver(conn, row.id, row.text, row.date, Extraction(source=name), now)
    saver.take_back()
    for evs in saver.pending.values():
        saver.dropped.extend(ev.id for ev in evs)
    saver.pending.clear()
    saver.write()
    saver.finish()
    conn.execute(q.delete_by(Source), {"ids": [row.id]})
    search.refresh(conn, {"source": {row.id}})  # the records were re-indexed by `finish`
    return True


def _chunks(items: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for at in range(0, len(items), size):
        yield items[at:at + size]


def _same_words(a: str, b: str) -> bool:
    """Do two quotes tell the same thing: nearly the same text, or one within the other (a
    sentence the document's new version runs on into a line added after it)?"""
    if fuzz.ratio(a, b) > QUOTE_SIMILARITY:
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= CONTAINED_SHARE * len(long) and \
        fuzz.partial_ratio(short, long) > CONTAINED_SIMILARITY


def _themes_meet(a: list[str], b: list[str]) -> bool:
    return not a or not b or bool(set(a) & set(b))


@dataclass
class _Kept:
    """Evidence this source gave before to a record a person reviewed, kept aside for now."""

    id: int
    start: int | None
    end: int | None
    quote: str | None


@dataclass
class _PlaceRow:
    id: int
    geonames_id: int | None
    country: str | None
    kind: str
    review_state: str
    names: list[str] = field(default_factory=list)


@dataclass
class _Candidate:
    """An action or initiative a new mention may join: its themes, places, other quotes."""

    id: int
    themes: list[str]
    places: frozenset[int] = frozenset()
    quotes: set[str] = field(default_factory=set)   # from other sources' evidence


class _Saver:
    def __init__(self, conn: Connection, source_id: int, text: str, date: str | None,
                 ext: Extraction, now: datetime) -> None:
        self.c = conn
        self.source_id = source_id
        self.ext = ext
        self.now = now
        self.text = text
        self._folded: FoldedText | None = None
        self.date = date
        self.refs: dict[str, int] = {}
        self.orgs: dict[str, int] = {}
        self.touched: Touched = defaultdict(set)
        self.touched["source"].add(source_id)  # its text is searched too (search.py)
        self.pending: dict[tuple[str, int], list[_Kept]] = {}
        self.seen: set[tuple[str, int, int | None, int | None]] = set()
        # what is written at the end of the merge, in bulk
        self.dropped: list[int] = []                  # evidence ids to delete
        self.evidence: list[dict[str, Any]] = []
        self.place_names: list[dict[str, Any]] = []
        self.links: dict[Any, list[dict[str, Any]]] = defaultdict(list)
        self.took_back = False
        # in-memory indexes of what the document can meet
        self.places: dict[int, _PlaceRow] = {}
        self.by_geonames: dict[int, int] = {}
        self.by_folded: dict[str, set[int]] = defaultdict(set)
        self.organisations = Organisations(conn, now)  # the one find-or-create
        self.ships: dict[tuple[int, int], int] = {}
        self.statuses: dict[int, list[tuple[int, str, str | None]]] = defaultdict(list)
        self.actions: dict[tuple[str | None, str | None], list[_Candidate]] = defaultdict(list)
        self.initiatives: dict[tuple[int | None, str | None, str | None], list[_Candidate]] = (
            defaultdict(list))
        self.local_quotes: dict[tuple[str, int], list[str]] = defaultdict(list)
        self.twins: list[int] = []                    # near-identical sources (`twins.py`)
        self.lost: dict[tuple[str, int], list[str]] = {}  # reviewed records' removed evidence
        self.attached: set[tuple[str, int]] = set()
        self.twin_records: dict[str, list[tuple[_Candidate, int | None]]] = defaultdict(list)

    @property
    def folded(self) -> FoldedText:
        if self._folded is None:
            self._folded = FoldedText(self.text)
        return self._folded

    # -- 2. take back what this source said before ------------------------------------------
    def take_back(self) -> None:
        self.took_back = True
        columns = [getattr(Evidence, c) for c in RECORD_COLUMNS.values()]
        rows = self.c.execute(select(Evidence.id, Evidence.start, Evidence.end, Evidence.quote,
                                     *columns)
                              .where(Evidence.source_id == self.source_id)
                              .order_by(Evidence.id)).all()
        evidence: list[tuple[str, int, _Kept]] = []
        by_kind: dict[str, set[int]] = defaultdict(set)
        for row in rows:
            kind, rid = next((k, row[4 + i]) for i, k in enumerate(RECORD_COLUMNS)
                             if row[4 + i] is not None)
            evidence.append((kind, rid, _Kept(row[0], row[1], row[2], row[3])))
            by_kind[kind].add(rid)
        states: dict[tuple[str, int], str] = {}
        for kind, ids in by_kind.items():
            for part in _chunks(sorted(ids)):
                if kind == "status":
                    query = (select(PartnershipStatus.id, Partnership.review_state)
                             .join(Partnership, PartnershipStatus.partnership_id == Partnership.id)
                             .where(PartnershipStatus.id.in_(part)))
                else:
                    model: Any = RECORD_MODELS[kind]
                    query = select(model.id, model.review_state).where(model.id.in_(part))
                states.update({(kind, rid): st for rid, st in self.c.execute(query)})
        gone: list[int] = []
        for kind, rid, ev in evidence:
            self.touched[kind].add(rid)
            if states.get((kind, rid)) == "extracted":
                gone.append(ev.id)
            else:
                self.pending.setdefault((kind, rid), []).append(ev)
        for part in _chunks(gone):
            self.c.execute(q.delete_by(Evidence), {"ids": part})

    # -- 3. merge the new extraction ---------------------------------------------------------
    def merge(self) -> None:
        """Each kind in turn: what the document can meet is loaded, then its items merged."""
        ext = self.ext
        steps: tuple[tuple[Any, list[Any], Any], ...] = (
            (self._load_places, ext.places, self._place_ref),
            (self._load_organisations, ext.organizations, self._organisation),
            (self._load_partnerships, ext.partnerships, self._partnership),
            (self._load_twins, [], None),
            (self._load_actions, ext.actions, self._action),
            (self._load_initiatives, ext.initiatives, self._initiative))
        for load, items, merge_one in steps:
            load()
            for item in items:
                merge_one(item)
        self.write()

    def _place_ref(self, p: PlaceRecord) -> None:
        self.refs[p.ref] = self._place(p)

    def write(self) -> None:
        """Send what the merge gathered: dropped evidence, names, links, new evidence."""
        if self.dropped:
            self.took_back = True
            for part in _chunks(self.dropped):
                self.c.execute(q.delete_by(Evidence), {"ids": part})
            self.dropped = []
        if self.place_names:
            self.c.execute(q.INSERT[PlaceName], self.place_names)
        for model, rows in self.links.items():
            if rows:
                self.c.execute(q.INSERT[model], rows)
        if self.evidence:
            self.c.execute(q.INSERT[Evidence], self.evidence)
        self.place_names, self.evidence = [], []
        self.links.clear()

    def finish(self) -> None:
        finish(self.c, self.text, self.pending, self.touched, self.took_back, self.now)
        self.pending.clear()

    def _attach(self, kind: str, rid: int, span: tuple[int, int] | None, quote: str | None,
                claim: dict[str, Any]) -> None:
        for ev in self.pending.pop((kind, rid), []):
            self.dropped.append(ev.id)
        if span is not None and not (0 <= span[0] <= span[1] <= len(self.text)):
            span = None
        if span is not None and quote is None:
            quote = self.text[span[0]:span[1]]
        if span is None and quote:
            at = self.text.find(quote)
            span = (at, at + len(quote)) if at >= 0 else None
        key = (kind, rid, span[0] if span else None, span[1] if span else None)
        if key in self.seen:
            return
        self.seen.add(key)
        row: dict[str, Any] = dict.fromkeys(RECORD_COLUMNS.values())
        row.update(source_id=self.source_id, span_start=key[2], span_end=key[3], quote=quote,
                   claim=claim, created_at=self.now)
        row[RECORD_COLUMNS[kind]] = rid
        self.evidence.append(row)
        self.attached.add((kind, rid))
        if quote:
            self.local_quotes[(kind, rid)].append(quote)
        self.touched[kind].add(rid)

    def _find(self, names: list[str]) -> tuple[tuple[int, int] | None, str | None]:
        for name in names:
            span = self.folded.find(name)
            if span:
                return span, self.text[span[0]:span[1]]
        return None, None

    # places
    def _load_places(self) -> None:
        gids = sorted({p.geonames_id for p in self.ext.places if p.geonames_id is not None})
        keys = sorted({name_key(n) for p in self.ext.places for n in [p.name, *p.aliases]} - {""})
        if not (gids or keys):
            return
        for row in self.c.execute(q.PLACES, {"gids": gids, "keys": keys}):
            self._index_place(_PlaceRow(*row))
        if self.places:
            for pid, name, folded in self.c.execute(q.PLACE_NAMES, {"ids": list(self.places)}):
                self.places[pid].names.append(name)
                self.by_folded[folded].add(pid)

    def _index_place(self, row: _PlaceRow) -> None:
        self.places[row.id] = row
        if row.geonames_id is not None:
            self.by_geonames[row.geonames_id] = row.id

    def _match_place(self, p: PlaceRecord) -> _PlaceRow | None:
        if p.geonames_id is not None:
            hit = self.by_geonames.get(p.geonames_id)
            if hit is not None:
                return self.places[hit]
        keys = {name_key(n) for n in [p.name, *p.aliases]} - {""}
        if not keys:
            return None
        found = sorted({pid for key in keys for pid in self.by_folded.get(key, ())})
        country = p.country.upper() if p.country else None
        fitting = [
            c for c in (self.places[pid] for pid in found)
            if (c.geonames_id is None or p.geonames_id is None)
            and c.kind == p.kind
            and not (c.country and country and c.country != country)
        ]
        if country is None and len({c.country for c in fitting}) > 1:
            return None  # the same name in several countries, and nothing to choose
        fitting.sort(key=lambda c: (c.country != country, c.id))
        return fitting[0] if fitting else None

    def _place(self, p: PlaceRecord) -> int:
        names = [p.name.strip(), *(a.strip() for a in p.aliases)]
        country = p.country.upper() if p.country else None
        claim = {"name": names[0], "aliases": names[1:], "country": country,
                 "geonames_id": p.geonames_id, "lat": p.lat, "lon": p.lon, "kind": p.kind,
                 "population": p.population}
        place = self._match_place(p)
        if place is None:
            pid = self.c.execute(q.INSERT_PLACE, dict(
                name=names[0], sort_name=sort_key(names[0]), geonames_id=p.geonames_id,
                country=country, lat=p.lat, lon=p.lon,
                kind=p.kind, population=p.population, review_state="extracted",
                created_at=self.now, updated_at=self.now)).scalar_one()
            place = _PlaceRow(pid, p.geonames_id, country, p.kind, "extracted")
            self._index_place(place)
        if place.review_state != "rejected":
            have = set(place.names)
            for name in names:
                if name and name not in have:
                    key = name_key(name)
                    self.place_names.append({"place_id": place.id, "name": name, "folded": key})
                    place.names.append(name)
                    self.by_folded[key].add(place.id)
                    have.add(name)
        span, quote = self._find(names)
        self._attach("place", place.id, span, quote, claim)
        return place.id

    # organisations
    def _load_organisations(self) -> None:
        ext = self.ext
        self.organisations.load([*ext.organizations,
                                 *(n for a in ext.actions for n in a.organizations),
                                 *(n for i in ext.initiatives for n in i.organizations)])

    def _organisation(self, name: str) -> int | None:
        key = name_key(name)
        if key in self.orgs:
            return self.orgs[key]
        oid = self.organisations.id_of(name)
        if oid is None:
            return None
        span, quote = self._find([name])
        self._attach("organisation", oid, span, quote, {"name": name.strip()})
        self.orgs[key] = oid
        return oid

    # partnerships
    def _pair(self, s: PartnershipRecord) -> tuple[int, int] | None:
        a, b = self.refs[s.places[0]], self.refs[s.places[1]]
        return None if a == b else (min(a, b), max(a, b))

    def _load_partnerships(self) -> None:
        pairs = {pair for s in self.ext.partnerships if (pair := self._pair(s))}
        if not pairs:
            return
        for sid, a, b in self.c.execute(q.PARTNERSHIPS, {"a": sorted({a for a, _ in pairs}),
                                                          "b": sorted({b for _, b in pairs})}):
            if (a, b) in pairs:
                self.ships[(a, b)] = sid
        if self.ships:
            for sid, ship, status, date in self.c.execute(
                    q.STATUSES, {"ids": sorted(self.ships.values())}):
                self.statuses[ship].append((sid, status, date))

    def _status_rows(self, s: PartnershipRecord) -> list[tuple[str, str | None, Any, Any]]:
        rows: list[tuple[str, str | None, Any, Any]] = []
        if s.since:
            rows.append(("active", s.since, s.span, s.quote))
        for h in s.history:
            rows.append((h.status, h.date, h.span or s.span, h.quote if h.span else s.quote))
        latest = max(rows, key=lambda r: r[1] or "9999")[0] if rows else "active"
        if s.status != latest:
            rows.append((s.status, self.date, s.span, s.quote))
        unique: dict[tuple[str, str | None], tuple[str, str | None, Any, Any]] = {}
        for row in rows:
            unique.setdefault((row[0], row[1]), row)
        return list(unique.values())

    def _partnership(self, s: PartnershipRecord) -> None:
        pair = self._pair(s)
        if pair is None:
            return
        ship = self.ships.get(pair)
        if ship is None:
            ship = self.c.execute(q.INSERT_PARTNERSHIP, dict(
                place_a_id=pair[0], place_b_id=pair[1], kind=s.kind, since=s.since,
                status=s.status, review_state="extracted", created_at=self.now,
                updated_at=self.now)).scalar_one()
            self.ships[pair] = ship
        claim = {"kind": s.kind, "since": s.since, "status": s.status, "date": self.date}
        self._attach("partnership", ship, s.span, s.quote, claim)
        history = self.statuses[ship]
        for status, date, span, quote in self._status_rows(s):
            row = next((sid for sid, st, d in history if st == status and d == date), None)
            if row is None:
                row = self.c.execute(q.INSERT_STATUS, dict(
                    partnership_id=ship, status=status, date=date, review_state="extracted",
                    created_at=self.now)).scalar_one()
                history.append((row, status, date))
            self._attach("status", row, span, quote, {"status": status, "date": date})
        self.touched["partnership"].add(ship)

    # actions and initiatives
    def _load_twins(self) -> None:
        """The actions and initiatives near-identical sources gave evidence for, with their
        places and those sources' quotes."""
        if not self.twins or not (self.ext.actions or self.ext.initiatives):
            return
        quotes: dict[tuple[str, int], set[str]] = defaultdict(set)
        for aid, iid, quote in self.c.execute(
                select(Evidence.action_id, Evidence.initiative_id, Evidence.quote)
                .where(Evidence.source_id.in_(self.twins), Evidence.quote.is_not(None),
                       (Evidence.action_id.is_not(None)) | (Evidence.initiative_id.is_not(None)))
                .order_by(Evidence.id)):
            quotes[("action", aid) if aid is not None else ("initiative", iid)].add(quote)
        actions = sorted(rid for kind, rid in quotes if kind == "action")
        places: dict[int, set[int]] = defaultdict(set)
        themes: dict[tuple[str, int], list[str]] = {}
        for part in _chunks(actions):
            for aid, pid in self.c.execute(q.ACTION_PLACE_IDS, {"ids": part}):
                places[aid].add(pid)
            for aid, th in self.c.execute(select(Action.id, Action.themes)
                                          .where(Action.id.in_(part))):
                themes[("action", aid)] = th or []
        initiatives = sorted(rid for kind, rid in quotes if kind == "initiative")
        where: dict[int, int | None] = {}
        for part in _chunks(initiatives):
            for iid, pid, th in self.c.execute(select(Initiative.id, Initiative.place_id,
                                                      Initiative.themes)
                                               .where(Initiative.id.in_(part))):
                where[iid], themes[("initiative", iid)] = pid, th or []
        for (kind, rid), said in quotes.items():
            if (kind, rid) not in themes:
                continue
            cand = _Candidate(rid, themes[(kind, rid)], frozenset(places.get(rid, ())), said)
            self.twin_records[kind].append((cand, where.get(rid)))

    def _twin(self, kind: str, places: frozenset[int], place_id: int | None,
              themes: list[str], quote: str | None) -> int | None:
        """A record of a near-identical source telling the same thing (same places, same
        words), whatever its dates: the copy's claim joins it instead of making a second one."""
        if not quote:
            return None
        for cand, where in self.twin_records.get(kind, ()):
            same_places = cand.places == places if kind == "action" else where == place_id
            if same_places and _themes_meet(themes, cand.themes) and any(
                    _same_words(quote, other) for other in cand.quotes):
                return cand.id
        return None

    def _reviewed(self, kind: str, quote: str | None) -> int | None:
        """A record a person reviewed that this source told before in the same words: its
        fields may have been corrected (a date, a place), so it is found by its quote, not by
        them, and a re-ingest adds no second copy of it."""
        if not quote:
            return None
        for (k, rid), kept in self.pending.items():
            if k == kind and any(ev.quote and _same_words(quote, ev.quote)
                                 for ev in kept):
                return rid
        for (k, rid), quotes in self.lost.items():
            if k == kind and any(_same_words(quote, q) for q in quotes):
                return rid
        return None

    def load_lost(self, name: str) -> None:
        """What this source said, before it was removed, about records people reviewed."""
        rows = self.c.execute(select(LostEvidence.record_kind, LostEvidence.record_id,
                                     LostEvidence.quote)
                              .where(LostEvidence.source_name == name)
                              .order_by(LostEvidence.id))
        for kind, rid, quote in rows:
            self.lost.setdefault((kind, rid), []).extend([quote] if quote else [])

    def restore_lost(self, name: str) -> None:
        """The records this source tells again have their source back: their lost-evidence
        rows go, and so does the line of their note saying it was removed."""
        back = [key for key in self.lost if key in self.attached]
        if not back:
            return
        prefix = f"source {name} removed on "
        for kind, rid in back:
            self.c.execute(delete(LostEvidence).where(
                LostEvidence.source_name == name, LostEvidence.record_kind == kind,
                LostEvidence.record_id == rid))
            model: Any = RECORD_MODELS[kind]
            note = self.c.scalar(select(model.review_note).where(model.id == rid))
            if note and prefix in note:
                kept = "\n".join(line for line in note.split("\n")
                                  if not line.startswith(prefix)) or None
                self.c.execute(update(model).where(model.id == rid).values(review_note=kept))

    def _quote(self, span: tuple[int, int] | None, quote: str | None) -> str | None:
        if quote is None and span is not None and 0 <= span[0] <= span[1] <= len(self.text):
            quote = self.text[span[0]:span[1]]
        return quote

    def _same_text(self, kind: str, cand: _Candidate, quote: str | None, fallback: bool) -> bool:
        """Does `quote` read like one of the quotes of `cand`'s evidence (as it stands now)?"""
        quotes = set(cand.quotes)
        quotes.update(ev.quote for ev in self.pending.get((kind, cand.id), ()) if ev.quote)
        quotes.update(self.local_quotes.get((kind, cand.id), ()))
        if quote and quotes:
            return any(_same_words(quote, q) for q in quotes)
        return fallback

    def _load_quotes(self, column: str, cands: dict[int, _Candidate]) -> None:
        """The distinct quotes other sources gave for the candidates."""
        for part in _chunks(sorted(cands)):
            for rid, quote in self.c.execute(q.other_quotes(column),
                                             {"ids": part, "source": self.source_id}):
                if quote:
                    cands[rid].quotes.add(quote)

    def _action_places(self, a: ActionRecord) -> tuple[list[int], list[int]]:
        actors = list(dict.fromkeys(self.refs[r] for r in a.actors))
        partners = [pid for pid in dict.fromkeys(self.refs[r] for r in a.partners)
                    if pid not in actors]
        return actors, partners

    def _load_actions(self) -> None:
        if not self.ext.actions:
            return
        dates = {(a.start, a.end) for a in self.ext.actions}
        starts = sorted({s for s, _ in dates if s is not None})
        found: dict[int, _Candidate] = {}
        for aid, start, end, themes in self.c.execute(
                q.actions(any(s is None for s, _ in dates)),
                {"starts": starts, "places": sorted(set(self.refs.values()))}):
            if (start, end) not in dates:
                continue
            cand = _Candidate(aid, themes or [])
            found[aid] = cand
            self.actions[(start, end)].append(cand)
        if not found:
            return
        places: dict[int, set[int]] = defaultdict(set)
        for part in _chunks(sorted(found)):
            for aid, pid in self.c.execute(q.ACTION_PLACE_IDS, {"ids": part}):
                places[aid].add(pid)
        for aid, cand in found.items():
            cand.places = frozenset(places.get(aid, ()))
        wanted: dict[int, _Candidate] = {}
        for a in self.ext.actions:
            actors, partners = self._action_places(a)
            mine = frozenset(actors) | frozenset(partners)
            for cand in self.actions[(a.start, a.end)]:
                if cand.places == mine and _themes_meet(a.themes, cand.themes):
                    wanted[cand.id] = cand
        self._load_quotes("action_id", wanted)

    def _action(self, a: ActionRecord) -> None:
        actors, partners = self._action_places(a)
        org_names = [n.strip() for n in a.organizations]
        orgs = [oid for oid in (self._organisation(n) for n in org_names) if oid is not None]
        quote = self._quote(a.span, a.quote)
        claim = {"actors": actors, "partners": partners, "start": a.start, "end": a.end,
                 "status": a.status, "themes": list(a.themes),
                 "amounts": [m.to_dict() for m in a.amounts], "organisations": org_names,
                 "date": self.date}
        places = frozenset(actors) | frozenset(partners)
        match = None
        for cand in self.actions[(a.start, a.end)]:
            if cand.places != places:
                continue
            if not _themes_meet(a.themes, cand.themes):
                continue
            if self._same_text("action", cand, quote, a.start is not None and bool(places)):
                match = cand.id
                break
        if match is None:
            match = self._reviewed("action", quote)
        if match is None:
            match = self._twin("action", places, None, a.themes, quote)
        if match is None:
            match = self.c.execute(q.INSERT_ACTION, dict(
                start_date=a.start, end_date=a.end, status=a.status, themes=claim["themes"],
                amounts=claim["amounts"], review_state="extracted", created_at=self.now,
                updated_at=self.now)).scalar_one()
            self.actions[(a.start, a.end)].append(_Candidate(match, claim["themes"], places))
            self.links[ActionPlace].extend(
                {"action_id": match, "place_id": pid, "role": role, "position": n}
                for n, (pid, role) in enumerate(action_places(actors, partners)))
            self.links[ActionOrganisation].extend(
                {"action_id": match, "organisation_id": oid, "position": n}
                for n, oid in enumerate(dict.fromkeys(orgs)))
        self._attach("action", match, a.span, quote, claim)

    def _load_initiatives(self) -> None:
        if not self.ext.initiatives:
            return
        keys = {(self.refs[i.place] if i.place is not None else None, i.start, i.end)
                for i in self.ext.initiatives}
        statement = q.initiatives(any(p is None for p, _, _ in keys),
                                  any(s is None for _, s, _ in keys))
        found: dict[int, _Candidate] = {}
        for iid, place_id, start, end, themes in self.c.execute(statement, {
                "places": sorted({p for p, _, _ in keys if p is not None}),
                "starts": sorted({s for _, s, _ in keys if s is not None})}):
            if (place_id, start, end) not in keys:
                continue
            cand = _Candidate(iid, themes or [])
            found[iid] = cand
            self.initiatives[(place_id, start, end)].append(cand)
        wanted = {}
        for i in self.ext.initiatives:
            key = (self.refs[i.place] if i.place is not None else None, i.start, i.end)
            for cand in self.initiatives[key]:
                if _themes_meet(i.themes, cand.themes):
                    wanted[cand.id] = cand
        self._load_quotes("initiative_id", wanted)

    def _initiative(self, i: InitiativeRecord) -> None:
        place_id = self.refs[i.place] if i.place is not None else None
        org_names = [n.strip() for n in i.organizations]
        orgs = [oid for oid in (self._organisation(n) for n in org_names) if oid is not None]
        quote = self._quote(i.span, i.quote)
        claim = {"place": place_id, "themes": list(i.themes), "context": i.context,
                 "start": i.start, "end": i.end, "amounts": [m.to_dict() for m in i.amounts],
                 "organisations": org_names, "date": self.date}
        match = None
        for cand in self.initiatives[(place_id, i.start, i.end)]:
            if not _themes_meet(i.themes, cand.themes):
                continue
            if self._same_text("initiative", cand, quote,
                               place_id is not None and i.start is not None):
                match = cand.id
                break
        if match is None:
            match = self._reviewed("initiative", quote)
        if match is None:
            match = self._twin("initiative", frozenset(), place_id, i.themes, quote)
        if match is None:
            match = self.c.execute(q.INSERT_INITIATIVE, dict(
                place_id=place_id, themes=claim["themes"], context=i.context,
                start_date=i.start, end_date=i.end, amounts=claim["amounts"],
                review_state="extracted", created_at=self.now,
                updated_at=self.now)).scalar_one()
            self.initiatives[(place_id, i.start, i.end)].append(
                _Candidate(match, claim["themes"]))
            self.links[InitiativeOrganisation].extend(
                {"initiative_id": match, "organisation_id": oid, "position": n}
                for n, oid in enumerate(dict.fromkeys(orgs)))
        self._attach("initiative", match, i.span, quote, claim)

