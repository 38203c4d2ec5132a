"""Full-text search over places, partnerships, actions, initiatives and sources, in French.

Each searchable record is one row of `search_docs` (its kind and id, a label, and the facets:
kind, status, year, context) with its multi-valued facets (themes, countries) in
`search_facets`, and its text indexed by the database's own engine:
- SQLite: an FTS5 table `search_fts` (rowid = `search_docs.id`). FTS5 has no French stemmer, so
  the text is folded (lower case, accents removed, as `names.name_key` folds) and each word replaced by
  its Snowball French stem (PyStemmer) in Python, both when indexing and when querying;
- PostgreSQL: a `tsvector` column `search_docs.tsv` (GIN index) built with the text search
  configuration `jumelage_fr`: the `french` configuration with `unaccent` before the French
  Snowball stemmer (created by migration 0003, which needs the `unaccent` extension).
Either way `ecole`, `Écoles` and `école` find each other.

What a record's text is: a place's names; a partnership's place names and the quotes of its
evidence and status evidence; an action's or initiative's quotes, places, organisations, themes
and context; a source's title, name and text. Rejected records are not indexed.

The index is kept in step by the save path inside the same transaction: `refresh(conn, touched)`
re-indexes the records a write touched (deleting the rows of those gone or rejected);
`recompute.finish` (the end of every save and source removal), `review` and `add_manual` call it.
`rebuild(conn)` indexes everything (migration, JSON import). A query is words (accents and case
do not matter; French stop words are dropped); every word must match.
"""
from __future__ import annotations

import importlib.util
import re
import threading
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import Stemmer
from sqlalchemy import (
    Column, Connection, Double, ForeignKey, Integer, MetaData, String, Table, Text,
    UniqueConstraint, and_, bindparam, cast, delete, func, insert, literal_column, or_, select,
    text, true, tuple_,
)
from sqlalchemy.dialects.postgresql import TSVECTOR

from jumelage.atlas import cursor
from jumelage.atlas.models import (
    Action, ActionOrganisation, ActionPlace, Evidence, Initiative, InitiativeOrganisation,
    Organisation, Partnership, PartnershipStatus, Place, PlaceName, Source,
)
from jumelage.atlas.names import _ONE_TO_ONE, IRREGULAR
from jumelage.names import plain_letters
from jumelage.atlas.shapes import (
    SEARCH_RECORDS, Filters, SearchEvidence, SearchFacets, SearchHit, SearchPage,
)
from jumelage.errors import InvalidChange
from jumelage.records import (
    ACTION_STATUSES, PARTNERSHIP_KINDS, PARTNERSHIP_STATUSES, PLACE_KINDS, THEMES,
)

CONFIG = "jumelage_fr"   # PostgreSQL text search configuration (migration 0003)
QUERY_MAX = 200          # characters of a query that are read
CHUNK = 500
FACET_TOP = 30           # values shown per facet (the most frequent)


def _doc_columns() -> list[Any]:
    return [
        Column("id", Integer, primary_key=True),
        Column("record", String(16), nullable=False),
        Column("record_id", Integer, nullable=False),
        Column("label", Text, nullable=False),
        Column("kind", String(16)),
        Column("status", String(16)),
        Column("year", Integer),
        Column("context", String(100)),
        Column("tags", Text),   # "theme=health country=ML ...": facets counted in one pass
        UniqueConstraint("record", "record_id", name="uq_search_docs_record"),
    ]


metadata = MetaData()
search_docs = Table("search_docs", metadata, *_doc_columns(), sqlite_autoincrement=True)
# PostgreSQL's view of the same table, with its tsvector column (migration 0003)
_pg_docs = Table("search_docs", MetaData(), *_doc_columns(), Column("tsv", TSVECTOR))
search_facets = Table(
    "search_facets", metadata,
    Column("doc_id", Integer, ForeignKey("search_docs.id", ondelete="CASCADE"), nullable=False),
    Column("record", String(16), nullable=False),   # the document's, repeated so that the
    Column("record_id", Integer, nullable=False),   # listings filter without joining it
    Column("facet", String(8), nullable=False),     # theme or country
    Column("value", String(40), nullable=False),
)

_WORD = re.compile(r"[0-9a-z]+")
_local = threading.local()


def _stemmer() -> Any:
    """This thread's French Snowball stemmer (a PyStemmer object is not thread-safe, and the web
    serves searches from a pool of threads)."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("french")
    return stemmer


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    """French stop words (spaCy's list, folded): dropped from queries, not from the index.

    Read from spaCy's `lang/fr/stop_words.py` (a plain list, MIT licence) without importing
    spaCy, whose import costs seconds a search server should not pay."""
    spec = importlib.util.find_spec("spacy")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    path = Path(next(iter(spec.submodule_search_locations))) / "lang" / "fr" / "stop_words.py"
    try:
        source = path.read_text(encoding="utf-8")
    except OSError:
        return frozenset()
    found = re.search(r'"""(.*?)"""', source, re.S)
    listed = found.group(1).split() if found else []
    return frozenset(" ".join(_WORD.findall(plain_letters(w))) for w in listed)


def words(text: str) -> list[str]:
    """The folded words of a text: lower case, accents and apostrophes gone (`l'École` -> l, ecole)."""
    return _WORD.findall(plain_letters(text))


def stems(text: str) -> list[str]:
    """The French Snowball stems of the folded words (`Écoles` -> `ecol`)."""
    return _stemmer().stemWords(words(text))


def query_stems(q: str) -> list[str]:
    """The stems a query asks for: its words without French stop words (unless it has only
    those), each once, in order."""
    ws = words(q[:QUERY_MAX])
    kept = [w for w in ws if w not in _stop_words()] or ws
    return list(dict.fromkeys(_stemmer().stemWords(kept)))


# -- keeping the index in step ---------------------------------------------------------------
def refresh(conn: Connection, touched: Mapping[str, Iterable[int]]) -> None:
    """Re-index the records in `touched` (kind -> ids; kind `status` means its partnership),
    deleting the index rows of those that no longer exist or are rejected. Runs in the caller's
    transaction."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for kind, ids in touched.items():
        ids = {i for i in ids if i is not None}
        if not ids:
            continue
        if kind == "status":
            for part in _chunks(sorted(ids)):
                wanted["partnership"].update(conn.scalars(
                    select(PartnershipStatus.partnership_id)
                    .where(PartnershipStatus.id.in_(part))))
        elif kind in SEARCH_RECORDS:
            wanted[kind].update(ids)
    for kind in SEARCH_RECORDS:
        ids = sorted(wanted.get(kind, ()))
        for part in _chunks(ids):
            _index(conn, kind, part)


def refresh_around_place(conn: Connection, place_id: int) -> None:
    """Re-index a place and the records whose text holds its names (after a rename)."""
    touched: dict[str, set[int]] = {"place": {place_id}}
    touched["partnership"] = set(conn.scalars(select(Partnership.id).where(
        or_(Partnership.place_a_id == place_id, Partnership.place_b_id == place_id))))
    touched["action"] = set(conn.scalars(select(ActionPlace.action_id).where(
        ActionPlace.place_id == place_id)))
    touched["initiative"] = set(conn.scalars(select(Initiative.id).where(
        Initiative.place_id == place_id)))
    refresh(conn, touched)


def refresh_around_organisation(conn: Connection, organisation_id: int) -> None:
    """Re-index the actions and initiatives naming an organisation (after a rename)."""
    refresh(conn, {
        "action": set(conn.scalars(select(ActionOrganisation.action_id).where(
            ActionOrganisation.organisation_id == organisation_id))),
        "initiative": set(conn.scalars(select(InitiativeOrganisation.initiative_id).where(
            InitiativeOrganisation.organisation_id == organisation_id))),
    })


def rebuild(conn: Connection) -> None:
    """Index every record again, from nothing (migration, JSON import)."""
    _clear(conn)
    for kind, model in (("place", Place), ("partnership", Partnership), ("action", Action),
                        ("initiative", Initiative), ("source", Source)):
        ids = list(conn.scalars(select(model.id).order_by(model.id)))
        for part in _chunks(ids):
            _index(conn, kind, part)


def _clear(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.execute(text("DELETE FROM search_fts"))
    conn.execute(delete(search_facets))
    conn.execute(delete(search_docs))


def _chunks(items: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for at in range(0, len(items), size):
        yield items[at:at + size]


def _year(value: str | None) -> int | None:
    return int(value[:4]) if value and value[:4].isdigit() else None


class _Doc:
    __slots__ = ("record_id", "label", "kind", "status", "year", "context", "themes",
                 "countries", "parts")

    def __init__(self, record_id: int, label: str, **facts: Any) -> None:
        self.record_id = record_id
        self.label = label
        self.kind: str | None = facts.get("kind")
        self.status: str | None = facts.get("status")
        self.year: int | None = facts.get("year")
        self.context: str | None = facts.get("context")
        self.themes: list[str] = list(facts.get("themes") or [])
        self.countries: set[str] = set(facts.get("countries") or ())
        self.parts: list[str] = []


def _place_facts(conn: Connection, ids: set[int]) -> dict[int, tuple[str, str | None, list[str]]]:
    """Place id -> (name, country, every name)."""
    out: dict[int, tuple[str, str | None, list[str]]] = {}
    if not ids:
        return out
    names: dict[int, list[str]] = defaultdict(list)
    for part in _chunks(sorted(ids)):
        for pid, name in conn.execute(select(PlaceName.place_id, PlaceName.name)
                                      .where(PlaceName.place_id.in_(part))
                                      .order_by(PlaceName.id)):
            names[pid].append(name)
        for pid, name, country in conn.execute(select(Place.id, Place.name, Place.country)
                                               .where(Place.id.in_(part))):
            out[pid] = (name, country, names.get(pid) or [name])
    return out


def _quotes(conn: Connection, column: Any, ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    for rid, quote in conn.execute(select(column, Evidence.quote)
                                   .where(column.in_(ids), Evidence.quote.is_not(None))
                                   .order_by(Evidence.id)):
        out[rid].append(quote)
    return out


def _org_names(conn: Connection, link: Any, key: Any, ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    for rid, name in conn.execute(select(key, Organisation.name)
                                  .join(Organisation, Organisation.id == link.organisation_id)
                                  .where(key.in_(ids), Organisation.review_state != "rejected")
                                  .order_by(key, link.position)):
        out[rid].append(name)
    return out


def _docs(conn: Connection, kind: str, ids: list[int]) -> list[_Doc]:
    """What to index of these records (those not rejected); the others are left out."""
    docs: list[_Doc] = []
    if kind == "place":
        facts = _place_facts(conn, set(ids))
        for pid, pkind in conn.execute(select(Place.id, Place.kind).where(
                Place.id.in_(ids), Place.review_state != "rejected")):
            name, country, names = facts[pid]
            d = _Doc(pid, name, kind=pkind, countries=[country] if country else [])
            d.parts.extend(names)
            docs.append(d)
    elif kind == "partnership":
        rows = conn.execute(select(Partnership.id, Partnership.place_a_id, Partnership.place_b_id,
                                   Partnership.kind, Partnership.status, Partnership.since)
                            .where(Partnership.id.in_(ids),
                                   Partnership.review_state != "rejected")).all()
        facts = _place_facts(conn, {r[1] for r in rows} | {r[2] for r in rows})
        quotes = _quotes(conn, Evidence.partnership_id, ids)
        status_quotes: dict[int, list[str]] = defaultdict(list)
        for sid, quote in conn.execute(
                select(PartnershipStatus.partnership_id, Evidence.quote)
                .join(Evidence, Evidence.status_id == PartnershipStatus.id)
                .where(PartnershipStatus.partnership_id.in_(ids), Evidence.quote.is_not(None))
                .order_by(Evidence.id)):
            status_quotes[sid].append(quote)
        for sid, a, b, skind, status, since in rows:
            fa, fb = facts.get(a), facts.get(b)
            label = f"{fa[0] if fa else a} – {fb[0] if fb else b}"
            d = _Doc(sid, label, kind=skind, status=status, year=_year(since),
                     countries=[f[1] for f in (fa, fb) if f and f[1]])
            for f in (fa, fb):
                if f:
                    d.parts.extend(f[2])
            d.parts.extend(quotes.get(sid, []) + status_quotes.get(sid, []))
            docs.append(d)
    elif kind == "action":
        rows = conn.execute(select(Action.id, Action.start, Action.end, Action.status,
                                   Action.themes)
                            .where(Action.id.in_(ids), Action.review_state != "rejected")).all()
        places: dict[int, list[int]] = defaultdict(list)
        for aid, pid in conn.execute(select(ActionPlace.action_id, ActionPlace.place_id)
                                     .where(ActionPlace.action_id.in_(ids))
                                     .order_by(ActionPlace.action_id, ActionPlace.position)):
            places[aid].append(pid)
        facts = _place_facts(conn, {p for ps in places.values() for p in ps})
        quotes = _quotes(conn, Evidence.action_id, ids)
        orgs = _org_names(conn, ActionOrganisation, ActionOrganisation.action_id, ids)
        for aid, start, end, status, themes in rows:
            named = [facts[p] for p in places.get(aid, []) if p in facts]
            when = start or "?"
            label = f"{when}: " + ", ".join(f[0] for f in named) if named else f"action {when}"
            d = _Doc(aid, label, status=status, year=_year(start), themes=themes,
                     countries=[f[1] for f in named if f[1]])
            d.parts.extend(quotes.get(aid, []))
            d.parts.extend(n for f in named for n in f[2])
            d.parts.extend(orgs.get(aid, []))
            d.parts.extend(themes or [])
            docs.append(d)
    elif kind == "initiative":
        rows = conn.execute(select(Initiative.id, Initiative.place_id, Initiative.start,
                                   Initiative.context, Initiative.themes)
                            .where(Initiative.id.in_(ids),
                                   Initiative.review_state != "rejected")).all()
        facts = _place_facts(conn, {r[1] for r in rows if r[1] is not None})
        quotes = _quotes(conn, Evidence.initiative_id, ids)
        orgs = _org_names(conn, InitiativeOrganisation, InitiativeOrganisation.initiative_id, ids)
        for iid, pid, start, context, themes in rows:
            f = facts.get(pid) if pid is not None else None
            label = " ".join(x for x in (start, f[0] if f else None, context) if x) or "initiative"
            d = _Doc(iid, label, year=_year(start), context=context, themes=themes,
                     countries=[f[1]] if f and f[1] else [])
            d.parts.extend(quotes.get(iid, []))
            if f:
                d.parts.extend(f[2])
            d.parts.extend(orgs.get(iid, []))
            d.parts.extend(themes or [])
            if context:
                d.parts.append(context)
            docs.append(d)
    elif kind == "source":
        for sid, name, title, day, body in conn.execute(
                select(Source.id, Source.name, Source.title, Source.date, Source.text)
                .where(Source.id.in_(ids))):
            d = _Doc(sid, title or name, year=_year(day))
            d.parts.extend(x for x in (title, name, body) if x)
            docs.append(d)
    return docs


def _index(conn: Connection, kind: str, ids: list[int]) -> None:
    """Replace the index rows of these records (of one kind) by what they say now."""
    old = list(conn.scalars(select(search_docs.c.id).where(
        search_docs.c.record == kind, search_docs.c.record_id.in_(ids))))
    sqlite = conn.dialect.name == "sqlite"
    if old:
        if sqlite:
            conn.execute(text("DELETE FROM search_fts WHERE rowid IN :ids").bindparams(
                bindparam("ids", expanding=True)), {"ids": old})
        conn.execute(delete(search_facets).where(search_facets.c.doc_id.in_(old)))
        conn.execute(delete(search_docs).where(search_docs.c.id.in_(old)))
    docs = _docs(conn, kind, ids)
    if not docs:
        return
    rows = [{"record": kind, "record_id": d.record_id, "label": d.label[:500], "kind": d.kind,
             "status": d.status, "year": d.year, "context": d.context,
             "tags": " ".join([*(f"theme={t}" for t in dict.fromkeys(d.themes)),
                               *(f"country={c}" for c in sorted(d.countries))]) or None}
            for d in docs]
    if sqlite:
        stmt = insert(search_docs)
    else:  # the text goes in with its row, turned into a tsvector by the database
        stmt = insert(_pg_docs).values(tsv=func.to_tsvector(literal_column(f"'{CONFIG}'"),
                                                             bindparam("body", type_=Text)))
        for row, d in zip(rows, docs):
            row["body"] = "\n".join(d.parts)
    new_ids = list(conn.scalars(
        stmt.returning(stmt.table.c.id, sort_by_parameter_order=True), rows))
    facets = [{"doc_id": i, "record": kind, "record_id": d.record_id, "facet": "theme",
               "value": t} for i, d in zip(new_ids, docs) for t in dict.fromkeys(d.themes)]
    facets += [{"doc_id": i, "record": kind, "record_id": d.record_id, "facet": "country",
                "value": c} for i, d in zip(new_ids, docs) for c in sorted(d.countries)]
    if facets:
        conn.execute(insert(search_facets), facets)
    if sqlite:
        conn.execute(text("INSERT INTO search_fts (rowid, body) VALUES (:id, :body)"),
                     [{"id": i, "body": " ".join(stems("\n".join(d.parts)))}
                      for i, d in zip(new_ids, docs)])


# -- querying ---------------------------------------------------------------------------------
def _matches(conn: Connection, stems_: list[str], q: str, ranked: bool = True) -> Any:
    """SQLite: a subquery (id[, score]) of the documents matching every word; lower score is
    better. Facet counts need no score: computing it for every hit costs more than the match."""
    match = " ".join(f'"{s}"' for s in stems_)
    columns = [literal_column("rowid").label("id")]
    if ranked:
        columns.append(literal_column("bm25(search_fts)").label("score"))
    return (select(*columns).select_from(text("search_fts"))
            .where(text("search_fts MATCH :match").bindparams(match=match))
            .subquery("m"))


def _pg_query(q: str) -> Any:
    """PostgreSQL: the tsquery (AND of the words, each run through unaccent and the French
    stemmer by the database) as a scalar subquery, so that it is computed once per statement
    (an InitPlan) and not once per row when psycopg's prepared (generic) plan has a parameter
    where a constant was."""
    ws = words(q[:QUERY_MAX])
    kept = [w for w in ws if w not in _stop_words()] or ws
    return select(func.to_tsquery(literal_column(f"'{CONFIG}'"),
                                  bindparam("tsq", " & ".join(f"'{w}'" for w in kept), Text))
                  ).scalar_subquery()


def _filtered(conn: Connection, stems_: list[str], q: str, f: Filters,
              ranked: bool = True) -> tuple[Any, Any, Any]:
    """(what to select from, the score column or None, the condition) of the matching
    documents under the filters. PostgreSQL matches on `search_docs` itself (no join)."""
    conds: list[Any] = []
    d = search_docs.c
    if f.record:
        conds.append(d.record == f.record)
    if f.kind:
        conds.append(d.kind == f.kind)
    if f.status:
        conds.append(d.status == f.status)
    if f.context:
        conds.append(d.context == f.context)
    if f.year_from is not None:
        conds.append(d.year >= f.year_from)
    if f.year_to is not None:
        conds.append(d.year <= f.year_to)
    for facet, value in (("theme", f.theme), ("country", f.country.upper() if f.country else None)):
        if value:
            conds.append(d.id.in_(select(search_facets.c.doc_id).where(
                search_facets.c.facet == facet, search_facets.c.value == value)))
    if conn.dialect.name == "sqlite":
        m = _matches(conn, stems_, q, ranked)
        return (search_docs.join(m, d.id == m.c.id), m.c.score if ranked else None,
                and_(true(), *conds))
    query = _pg_query(q)
    tsv = literal_column("search_docs.tsv")
    # float8: a float4 rank would not survive the trip to a cursor and back exactly
    score = cast(-func.ts_rank(tsv, query), Double) if ranked else None
    return search_docs, score, and_(tsv.op("@@")(query), *conds)


def _check(f: Filters) -> None:
    if f.q is not None or f.place is not None:
        raise InvalidChange("search: cannot be filtered by " + ("q" if f.q is not None
                                                                else "place"))
    for name, value, allowed in (
            ("record", f.record, SEARCH_RECORDS), ("theme", f.theme, THEMES),
            ("kind", f.kind, PLACE_KINDS + PARTNERSHIP_KINDS),
            ("status", f.status, PARTNERSHIP_STATUSES + ACTION_STATUSES)):
        if value is not None and value not in allowed:
            raise InvalidChange(f"{name}: {value!r} is not one of {', '.join(allowed)}")
    if f.country is not None and not (len(f.country) == 2 and f.country.isalpha()):
        raise InvalidChange(f"country: {f.country!r} is not an ISO 3166 alpha-2 code")
    for name in ("year_from", "year_to"):
        value = getattr(f, name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise InvalidChange(f"{name}: {value!r} is not a year")


def _empty_facets() -> SearchFacets:
    return {"record": [], "theme": [], "country": [], "kind": [], "status": [], "year": []}


def search(conn: Connection, q: str, filters: Filters | None = None, after: str | None = None,
           limit: int | None = 20, facets: bool = True) -> SearchPage:
    """The records matching every word of `q`, best first, a page at a time, with facet counts
    over all the hits (see `SearchPage`). An empty query finds nothing."""
    f = filters or Filters()
    _check(f)
    size = cursor.limit(limit, 20)
    if not isinstance(q, str):
        raise InvalidChange("q: a search needs words")
    key = cursor.decode("search", after)
    wanted = query_stems(q)
    if not wanted:
        return {"query": q, "items": [], "next": None, "total": 0, "facets": _empty_facets()}
    if key is not None and (len(key) != 2 or not isinstance(key[0], (int, float))
                            or isinstance(key[0], bool) or not isinstance(key[1], int)):
        raise InvalidChange("after: the cursor does not fit this list")
    source, score, where = _filtered(conn, wanted, q, f)
    d = search_docs.c
    if facets:
        # one pass over every hit: the facets count them all, the page is the best `size` after
        # the cursor (the rank is computed for every hit anyway, to order them)
        # plain tuples: (score, id, record, kind, status, year, tags); a Row's named access costs
        # more than the rest of the work on thousands of hits
        hits = [tuple(r) for r in conn.execute(
            select(score, d.id, d.record, d.kind, d.status, d.year, d.tags)
            .select_from(source).where(where))]
        total, counts = len(hits), _count(hits)
        hits.sort()
        if key is not None:
            hits = hits[bisect_right(hits, (float(key[0]), key[1], "~")):]
        chosen = [(h[1], h[0]) for h in hits[:size + 1]]
    else:
        m = select(d.id.label("id"), score.label("score")).select_from(source).where(
            where).subquery("ranked")
        stmt = select(m.c.id, m.c.score)
        if key is not None:
            stmt = stmt.where(tuple_(m.c.score, m.c.id) > tuple_(float(key[0]), key[1]))
        chosen = [(i, s) for i, s in conn.execute(
            stmt.order_by(m.c.score, m.c.id).limit(size + 1))]
        total, counts = -1, _empty_facets()
    more = len(chosen) > size
    chosen = chosen[:size]
    rows = []
    if chosen:
        by_id = {r.id: r for r in conn.execute(
            select(d.id, d.record, d.record_id, d.label, d.kind, d.status, d.year, d.context)
            .where(d.id.in_([i for i, _ in chosen])))}
        rows = [by_id[i] for i, _ in chosen]
    nxt = cursor.encode("search", [chosen[-1][1], chosen[-1][0]]) if more else None  # score, id
    return {"query": q, "items": _hits(conn, rows, wanted), "next": nxt, "total": total,
            "facets": counts}


def _count(hits: list[tuple[Any, ...]]) -> SearchFacets:
    """Facet counts over every hit: (score, id, record, kind, status, year, tags) tuples."""
    counters: dict[str, Counter[str]] = {k: Counter() for k in (
        "record", "theme", "country", "kind", "status", "year")}
    counters["record"].update(h[2] for h in hits)
    counters["kind"].update(h[3] for h in hits if h[3])
    counters["status"].update(h[4] for h in hits if h[4])
    counters["year"].update(str(h[5]) for h in hits if h[5] is not None)
    tags: Counter[str] = Counter(t for h in hits if h[6] for t in h[6].split())
    for tag, n in tags.items():
        facet, _, value = tag.partition("=")
        if facet in ("theme", "country"):
            counters[facet][value] += n
    out = _empty_facets()
    for name, counter in counters.items():
        if name == "year":
            pairs = sorted(counter.items())
        else:
            pairs = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
            if name in ("theme", "country"):
                pairs = pairs[:FACET_TOP]
        out[name] = [{"value": v, "count": n} for v, n in pairs]  # type: ignore[literal-required]
    return out


_EVIDENCE_COLUMN = {"place": Evidence.place_id, "partnership": Evidence.partnership_id,
                    "action": Evidence.action_id, "initiative": Evidence.initiative_id}


def _stem_pattern(wanted: list[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(s) for s in sorted(wanted, key=len, reverse=True))
    return re.compile(r"(?<![0-9a-z])(?:" + alternatives + r")[0-9a-z]*")


def locate(text_: str, wanted: list[str]) -> tuple[int, int] | None:
    """The span of the first word of `text_` whose stem is one of `wanted`, or None."""
    folded = text_.translate(_ONE_TO_ONE)
    if IRREGULAR in folded:   # a character folding to several (œ): offsets would drift
        folded = "".join(c if c != IRREGULAR else " " for c in folded)
    want = set(wanted)
    for m in _stem_pattern(wanted).finditer(folded):
        if _stemmer().stemWord(m.group()) in want:
            return m.start(), m.end()
    return None


def _hits(conn: Connection, rows: list[Any], wanted: list[str]) -> list[SearchHit]:
    by_kind: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        by_kind[r.record].append(r.record_id)
    facets: dict[int, dict[str, list[str]]] = defaultdict(lambda: {"theme": [], "country": []})
    if rows:
        for doc_id, facet, value in conn.execute(
                select(search_facets.c.doc_id, search_facets.c.facet, search_facets.c.value)
                .where(search_facets.c.doc_id.in_([r.id for r in rows]))):
            facets[doc_id][facet].append(value)
    evidence: dict[tuple[str, int], SearchEvidence] = {}
    for kind, ids in by_kind.items():
        if kind == "source":
            for sid, name, body in conn.execute(select(Source.id, Source.name, Source.text)
                                                .where(Source.id.in_(ids))):
                span = locate(body, wanted)
                evidence[("source", sid)] = {
                    "source_id": sid, "source": name, "start": span[0] if span else None,
                    "end": span[1] if span else None,
                    "quote": body[span[0]:span[1]] if span else None}
            continue
        column = _EVIDENCE_COLUMN[kind]
        found: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        for rid, sid, name, start, end, quote in conn.execute(
                select(column, Evidence.source_id, Source.name, Evidence.start, Evidence.end,
                       Evidence.quote).join(Source, Source.id == Evidence.source_id)
                .where(column.in_(ids)).order_by(Evidence.id)):
            found[rid].append((sid, name, start, end, quote))
        for rid, evs in found.items():
            best = next((e for e in evs if e[4] and locate(e[4], wanted)), evs[0])
            evidence[(kind, rid)] = {"source_id": best[0], "source": best[1], "start": best[2],
                                     "end": best[3], "quote": best[4]}
    return [{"record": r.record, "id": r.record_id, "label": r.label,
             "country": (facets[r.id]["country"] or [None])[0] if r.record != "source" else None,
             "kind": r.kind, "status": r.status, "year": r.year,
             "themes": facets[r.id]["theme"], "context": r.context,
             "evidence": evidence.get((r.record, r.record_id))} for r in rows]


def records_with(record: str, facet: str, value: str) -> Any:
    """A subquery of the ids of the `record`s (not rejected) whose `facet` (theme, country) has
    `value`: the listings filter on it, since the index keeps these facets with their counts
    (the database plans with them; a JSON `LIKE` it cannot estimate)."""
    return select(search_facets.c.record_id).where(
        search_facets.c.facet == facet, search_facets.c.value == value,
        search_facets.c.record == record)


def refresh_after_review(conn: Connection, kind: str, record_id: int) -> None:
    """Re-index what a review or a hand-made record changed: the record, and for a place or an
    organisation (whose names other records' text holds) the records naming it."""
    if kind == "place":
        refresh_around_place(conn, record_id)
    elif kind == "organisation":
        refresh_around_organisation(conn, record_id)
    else:
        refresh(conn, {kind: {record_id}})
