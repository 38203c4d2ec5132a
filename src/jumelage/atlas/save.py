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
   without evidence are deleted (places and organisations only when nothing refers to them).
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from jumelage.atlas import merge
from jumelage.atlas.dates import is_partial_date
from jumelage.atlas.models import (
    RECORD_COLUMNS, RECORD_MODELS, Action, ActionOrganisation, ActionPlace, Evidence,
    Initiative, InitiativeOrganisation, Organisation, Partnership, PartnershipStatus, Place,
    PlaceName, Source,
)
from jumelage.atlas.names import FoldedText, fold
from jumelage.atlas.validate import check
from jumelage.records import Action as ActionRecord
from jumelage.records import Document, Extraction
from jumelage.records import Initiative as InitiativeRecord
from jumelage.records import Partnership as PartnershipRecord
from jumelage.records import Place as PlaceRecord

QUOTE_SIMILARITY = 90  # rapidfuzz ratio above which two quotes tell the same action


def source_state(session: Session, name: str, content_hash: str) -> str:
    """`new`, `unchanged` or `updated` for a document about to be ingested.

    Keyed by name; a new name whose exact content is already stored under another name is
    `unchanged` too (the same content ingested twice changes nothing).
    """
    stored = session.scalar(select(Source.content_hash).where(Source.name == name))
    if stored is not None:
        return "unchanged" if stored == content_hash else "updated"
    twin = session.scalar(select(Source.id).where(Source.content_hash == content_hash).limit(1))
    return "unchanged" if twin is not None else "new"


def document_date(doc: Document, ext: Extraction) -> str | None:
    for value in (doc.date, ext.date):
        if value and is_partial_date(value[:10]):
            return value[:10]
        if value and is_partial_date(value[:7]):
            return value[:7]
    return None


def save(session: Session, doc: Document, ext: Extraction, now: datetime) -> str:
    """Merge `ext` (extracted from `doc`) into the atlas; `new`, `unchanged` or `updated`."""
    check(doc, ext)
    state = source_state(session, doc.name, doc.content_hash)
    if state == "unchanged":
        return state
    fields = dict(content_hash=doc.content_hash, media_type=doc.media_type or "text/plain",
                  text=doc.text, language=doc.language, date=document_date(doc, ext),
                  title=doc.title, path=doc.path, updated_at=now)
    source = session.scalar(select(Source).where(Source.name == doc.name))
    if source is None:
        source = Source(name=doc.name, ingested_at=now, **fields)
        session.add(source)
        session.flush()
    else:
        for key, value in fields.items():
            setattr(source, key, value)
    saver = _Saver(session, source, ext, now)
    if state == "updated":
        saver.take_back()
    saver.merge()
    saver.finish()
    return state


def remove(session: Session, source: Source, now: datetime) -> None:
    """Forget a source: its extracted records go, reviewed ones stay without its evidence."""
    saver = _Saver(session, source, Extraction(source=source.name), now)
    saver.take_back()
    for evs in saver.pending.values():
        for ev in evs:
            session.delete(ev)
    saver.pending.clear()
    saver.finish()
    session.delete(source)
    session.flush()


class _Saver:
    def __init__(self, session: Session, source: Source, ext: Extraction, now: datetime) -> None:
        self.s = session
        self.source = source
        self.ext = ext
        self.now = now
        self.text = source.text
        self.folded = FoldedText(source.text)
        self.date = source.date
        self.refs: dict[str, int] = {}
        self.orgs: dict[str, int] = {}
        self.touched: dict[str, set[int]] = defaultdict(set)
        self.pending: dict[tuple[str, int], list[Evidence]] = {}
        self.seen: set[tuple[str, int, int | None, int | None]] = set()

    # -- 2. take back what this source said before ------------------------------------------
    def take_back(self) -> None:
        evidence = list(self.s.scalars(
            select(Evidence).where(Evidence.source_id == self.source.id).order_by(Evidence.id)))
        by_kind: dict[str, set[int]] = defaultdict(set)
        for ev in evidence:
            kind, rid = ev.record
            by_kind[kind].add(rid)
        states: dict[tuple[str, int], str] = {}
        for kind, ids in by_kind.items():
            if kind == "status":
                rows = self.s.execute(
                    select(PartnershipStatus.id, Partnership.review_state)
                    .join(Partnership, PartnershipStatus.partnership_id == Partnership.id)
                    .where(PartnershipStatus.id.in_(ids)))
            else:
                model: Any = RECORD_MODELS[kind]
                rows = self.s.execute(select(model.id, model.review_state).where(model.id.in_(ids)))
            states.update({(kind, rid): st for rid, st in rows})
        for ev in evidence:
            kind, rid = ev.record
            self.touched[kind].add(rid)
            if states.get((kind, rid)) == "extracted":
                self.s.delete(ev)
            else:
                self.pending.setdefault((kind, rid), []).append(ev)
        self.s.flush()

    # -- 3. merge the new extraction ---------------------------------------------------------
    def merge(self) -> None:
        for p in self.ext.places:
            self.refs[p.ref] = self._place(p)
        for name in self.ext.organizations:
            self._organisation(name)
        for s in self.ext.partnerships:
            self._partnership(s)
        for a in self.ext.actions:
            self._action(a)
        for i in self.ext.initiatives:
            self._initiative(i)
        self.s.flush()

    def _attach(self, kind: str, rid: int, span: tuple[int, int] | None, quote: str | None,
                claim: dict[str, Any]) -> None:
        for ev in self.pending.pop((kind, rid), []):
            self.s.delete(ev)
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
        self.s.add(Evidence(
            source_id=self.source.id, **{RECORD_COLUMNS[kind]: rid},
            start=key[2], end=key[3], quote=quote, claim=claim, created_at=self.now,
        ))
        self.touched[kind].add(rid)

    def _find(self, names: list[str]) -> tuple[tuple[int, int] | None, str | None]:
        for name in names:
            span = self.folded.find(name)
            if span:
                return span, self.text[span[0]:span[1]]
        return None, None

    # places
    def _match_place(self, p: PlaceRecord) -> Place | None:
        if p.geonames_id is not None:
            hit = self.s.scalar(select(Place).where(Place.geonames_id == p.geonames_id))
            if hit is not None:
                return hit
        keys = {fold(n) for n in [p.name, *p.aliases]} - {""}
        if not keys:
            return None
        candidates = self.s.scalars(
            select(Place).where(Place.id.in_(
                select(PlaceName.place_id).where(PlaceName.folded.in_(keys))
            )).order_by(Place.id)).all()
        country = p.country.upper() if p.country else None
        fitting = [
            c for c in candidates
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
            place = Place(name=names[0], geonames_id=p.geonames_id, country=country, lat=p.lat,
                          lon=p.lon, kind=p.kind, population=p.population,
                          review_state="extracted", created_at=self.now, updated_at=self.now)
            self.s.add(place)
            self.s.flush()
        if place.review_state != "rejected":
            have = {n.name for n in place.names}
            for name in names:
                if name and name not in have:
                    place.names.append(PlaceName(name=name, folded=fold(name)))
                    have.add(name)
            self.s.flush()
        span, quote = self._find(names)
        self._attach("place", place.id, span, quote, claim)
        return place.id

    # organisations
    def _organisation(self, name: str) -> int | None:
        key = fold(name)
        if not key:
            return None
        if key in self.orgs:
            return self.orgs[key]
        org = self.s.scalar(select(Organisation).where(Organisation.folded == key))
        if org is None:
            org = Organisation(name=name.strip(), folded=key, review_state="extracted",
                               created_at=self.now, updated_at=self.now)
            self.s.add(org)
            self.s.flush()
        span, quote = self._find([name])
        self._attach("organisation", org.id, span, quote, {"name": name.strip()})
        self.orgs[key] = org.id
        return org.id

    # partnerships
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
        a, b = self.refs[s.places[0]], self.refs[s.places[1]]
        if a == b:
            return
        lo, hi = min(a, b), max(a, b)
        ship = self.s.scalar(select(Partnership).where(
            Partnership.place_a_id == lo, Partnership.place_b_id == hi))
        if ship is None:
            ship = Partnership(place_a_id=lo, place_b_id=hi, kind=s.kind, since=s.since,
                               status=s.status, review_state="extracted",
                               created_at=self.now, updated_at=self.now)
            self.s.add(ship)
            self.s.flush()
        claim = {"kind": s.kind, "since": s.since, "status": s.status, "date": self.date}
        self._attach("partnership", ship.id, s.span, s.quote, claim)
        for status, date, span, quote in self._status_rows(s):
            date_test = (PartnershipStatus.date.is_(None) if date is None
                         else PartnershipStatus.date == date)
            row = self.s.scalar(select(PartnershipStatus).where(
                PartnershipStatus.partnership_id == ship.id,
                PartnershipStatus.status == status, date_test).order_by(PartnershipStatus.id))
            if row is None:
                row = PartnershipStatus(partnership_id=ship.id, status=status, date=date,
                                        review_state="extracted", created_at=self.now)
                self.s.add(row)
                self.s.flush()
            self._attach("status", row.id, span, quote, {"status": status, "date": date})
        self.touched["partnership"].add(ship.id)

    # actions and initiatives
    def _quote(self, span: tuple[int, int] | None, quote: str | None) -> str | None:
        if quote is None and span is not None and 0 <= span[0] <= span[1] <= len(self.text):
            quote = self.text[span[0]:span[1]]
        return quote

    def _same_text(self, column: Any, rid: int, quote: str | None, fallback: bool) -> bool:
        quotes = [q for q in self.s.scalars(select(Evidence.quote).where(column == rid)) if q]
        if quote and quotes:
            return any(fuzz.ratio(quote, q) > QUOTE_SIMILARITY for q in quotes)
        return fallback

    @staticmethod
    def _themes_meet(a: list[str], b: list[str]) -> bool:
        return not a or not b or bool(set(a) & set(b))

    @staticmethod
    def _same(column: Any, value: Any) -> Any:
        return column.is_(None) if value is None else column == value

    def _action(self, a: ActionRecord) -> None:
        actors = list(dict.fromkeys(self.refs[r] for r in a.actors))
        partners = [pid for pid in dict.fromkeys(self.refs[r] for r in a.partners)
                    if pid not in actors]
        org_names = [n.strip() for n in a.organizations]
        orgs = [oid for oid in (self._organisation(n) for n in org_names) if oid is not None]
        quote = self._quote(a.span, a.quote)
        claim = {"actors": actors, "partners": partners, "start": a.start, "end": a.end,
                 "status": a.status, "themes": list(a.themes),
                 "amounts": [m.to_dict() for m in a.amounts], "organisations": org_names,
                 "date": self.date}
        places = set(actors) | set(partners)
        match = None
        for cand in self.s.scalars(select(Action).where(
                self._same(Action.start, a.start), self._same(Action.end, a.end))
                .order_by(Action.id)):
            if {p.place_id for p in cand.places} != places:
                continue
            if not self._themes_meet(a.themes, cand.themes):
                continue
            if self._same_text(Evidence.action_id, cand.id, quote,
                               a.start is not None and bool(places)):
                match = cand
                break
        if match is None:
            match = Action(start=a.start, end=a.end, status=a.status, themes=claim["themes"],
                           amounts=claim["amounts"], review_state="extracted",
                           created_at=self.now, updated_at=self.now)
            self.s.add(match)
            self.s.flush()
            merge.set_action_links(self.s, match, actors, partners, list(dict.fromkeys(orgs)))
        self._attach("action", match.id, a.span, quote, claim)

    def _initiative(self, i: InitiativeRecord) -> None:
        place_id = self.refs[i.place] if i.place is not None else None
        org_names = [n.strip() for n in i.organizations]
        orgs = [oid for oid in (self._organisation(n) for n in org_names) if oid is not None]
        quote = self._quote(i.span, i.quote)
        claim = {"place": place_id, "themes": list(i.themes), "context": i.context,
                 "start": i.start, "end": i.end, "amounts": [m.to_dict() for m in i.amounts],
                 "organisations": org_names, "date": self.date}
        match = None
        for cand in self.s.scalars(select(Initiative).where(
                self._same(Initiative.place_id, place_id), self._same(Initiative.start, i.start),
                self._same(Initiative.end, i.end)).order_by(Initiative.id)):
            if not self._themes_meet(i.themes, cand.themes):
                continue
            if self._same_text(Evidence.initiative_id, cand.id, quote,
                               place_id is not None and i.start is not None):
                match = cand
                break
        if match is None:
            match = Initiative(place_id=place_id, themes=claim["themes"], context=i.context,
                               start=i.start, end=i.end, amounts=claim["amounts"],
                               review_state="extracted", created_at=self.now, updated_at=self.now)
            self.s.add(match)
            self.s.flush()
            merge.set_initiative_organisations(self.s, match, list(dict.fromkeys(orgs)))
        self._attach("initiative", match.id, i.span, quote, claim)

    # -- 4. recompute, put back, clean up ----------------------------------------------------
    def _relocate(self, ev: Evidence) -> None:
        if not ev.quote:
            ev.start = ev.end = None
            return
        spots, at = [], self.text.find(ev.quote)
        while at >= 0:
            spots.append(at)
            at = self.text.find(ev.quote, at + 1)
        if not spots:
            ev.start = ev.end = None
            return
        best = min(spots, key=lambda s: abs(s - (ev.start or 0)))
        ev.start, ev.end = best, best + len(ev.quote)

    def _orphans(self, model: Any, column: Any, ids: set[int]) -> list[Any]:
        """The `extracted` records among `ids` that no evidence supports any more."""
        if not ids:
            return []
        return list(self.s.scalars(select(model).where(
            model.id.in_(ids), model.review_state == "extracted",
            ~exists().where(column == model.id))))

    def finish(self) -> None:
        for evs in self.pending.values():
            for ev in evs:
                self._relocate(ev)
        self.pending.clear()
        self.s.flush()
        t, s, now = self.touched, self.s, self.now
        for row in self._orphans(PartnershipStatus, Evidence.status_id, t["status"]):
            t["partnership"].add(row.partnership_id)
            s.delete(row)
        for model, column, kind, recompute in (
            (Action, Evidence.action_id, "action", merge.action),
            (Initiative, Evidence.initiative_id, "initiative", merge.initiative),
            (Partnership, Evidence.partnership_id, "partnership", merge.partnership),
        ):
            for rec in self._orphans(model, column, t[kind]):
                if kind == "partnership":
                    t["place"].update((rec.place_a_id, rec.place_b_id))
                s.delete(rec)
            s.flush()
            for rec in s.scalars(select(model).where(model.id.in_(t[kind]),
                                                     model.review_state == "extracted")):
                recompute(s, rec, now)
        for org in self._orphans(Organisation, Evidence.organisation_id, t["organisation"]):
            used = s.scalar(select(or_(
                exists().where(ActionOrganisation.organisation_id == org.id),
                exists().where(InitiativeOrganisation.organisation_id == org.id))))
            if not used:
                s.delete(org)
        s.flush()
        for rec in s.scalars(select(Organisation).where(
                Organisation.id.in_(t["organisation"]), Organisation.review_state == "extracted")):
            merge.organisation(s, rec, now)
        for place in self._orphans(Place, Evidence.place_id, t["place"]):
            if not _place_used(s, place.id):
                s.delete(place)
        s.flush()
        for rec in s.scalars(select(Place).where(Place.id.in_(t["place"]),
                                                 Place.review_state == "extracted")):
            merge.place(s, rec, now)
        s.flush()


def _place_used(session: Session, place_id: int) -> bool:
    return bool(session.scalar(select(or_(
        exists().where(or_(Partnership.place_a_id == place_id, Partnership.place_b_id == place_id)),
        exists().where(ActionPlace.place_id == place_id),
        exists().where(Initiative.place_id == place_id),
    ))))

