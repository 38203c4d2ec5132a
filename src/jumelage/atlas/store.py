"""The `Atlas`: one object to open a database and to read, write and review what it holds.

    with Atlas.open() as atlas:                    # or Atlas.open("postgresql+psycopg://…")
        if atlas.source_state(doc.name, doc.content_hash) != "unchanged":
            atlas.save_extraction(doc, extraction)  # one transaction per document
        atlas.places(Filters(q="padoue"))["items"]     # a page: {"items": [...], "next": cursor}

Opening creates or upgrades the schema (Alembic). Each write runs in one transaction: a failure,
or the process killed, leaves the atlas as it was before the call. Database errors become one
`AtlasError` line naming the database (password hidden) and the problem; its kind
(`jumelage.errors.NotFound`, `InvalidChange`, `DatabaseUnavailable`) tells the web which status
to answer (404, 422, 503). Reads return the typed shapes of `shapes.py`; lists come a page at a
time (`after`, `limit` -> `next`). `read(fn)` and `write(fn)` are the public door for code
outside this facade.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import date, datetime, timezone
from typing import Any, TypeVar

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

from jumelage.atlas import checklist, connect, cursor, queries, schema
from jumelage.atlas import sources as sourcing
from jumelage.atlas import review as reviewing
from jumelage.atlas import save as saving
from jumelage.atlas import search as searching
from jumelage.atlas.shapes import (
    ActionRow, Filters, InitiativeRow, OrganisationRow, Page, PartnershipDetail, PartnershipRow,
    PlaceDetail, PlacePage, PlaceRow, SearchPage, SourceDetail, SourceRow, StatusRow, Summary,
)
from jumelage.errors import AtlasError, InvalidChange, NotFound
from jumelage.records import Document, Extraction

T = TypeVar("T")
_WRITE_LOCK = 0x6A756D656C616767  # PostgreSQL advisory lock serialising atlas writers
_LOCK = text("SELECT pg_advisory_xact_lock(:k)")


def now() -> datetime:
    return datetime.now(timezone.utc)


class Atlas:
    """An open atlas. Use `Atlas.open(url)`; close it (or use `with`) when done."""

    def __init__(self, engine: Engine, url: URL) -> None:
        self.engine = engine
        self._url = url
        self._writer = engine.execution_options(**{connect.WRITE: True})

    # -- opening -----------------------------------------------------------------------------
    @classmethod
    def open(cls, url: str | None = None, create: bool = True) -> Atlas:
        """Open (creating or upgrading) the atlas at `url`, a file path, or the default place.

        `url` None: `JUMELAGE_DATABASE_URL`, else `atlas.sqlite` in the user's data directory.
        `create` False: an atlas must already be there (a SQLite file, or a database holding the
        atlas schema); otherwise AtlasError « no atlas at … » and nothing is created, so a typo
        in a read command's URL is reported instead of giving an empty atlas.
        """
        resolved = connect.resolve_url(url)
        if not create:
            connect.require_file(resolved)
        engine = connect.create(resolved)
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
                at = schema.current(conn)
                conn.rollback()
            if not create and at is None:
                raise connect.no_atlas(resolved)
            schema.upgrade(engine)
        except AtlasError:
            engine.dispose()
            raise
        except (SQLAlchemyError, OSError) as exc:
            engine.dispose()
            raise connect.atlas_error(resolved, exc) from None
        return cls(engine, resolved)

    @property
    def url(self) -> str:
        """The database URL, password hidden."""
        return connect.safe_url(self._url)

    @property
    def process_url(self) -> str | None:
        """The full URL (password included, never to be printed) for another process to open
        this same atlas; None for an in-memory atlas, which no other process can see."""
        if self.backend == "sqlite" and self._url.database in (None, "", ":memory:"):
            return None
        return self._url.render_as_string(hide_password=False)

    @property
    def backend(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Atlas:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Atlas({self.url!r})"

    # -- transactions ------------------------------------------------------------------------
    @contextmanager
    def _reading(self) -> Iterator[Session]:
        with self._transaction(self.engine, "cannot read atlas at", lock=False) as session:
            yield session

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        """One transaction; committed when the block ends, rolled back if anything fails."""
        with self._transaction(self._writer, "cannot write atlas at",
                               lock=self.backend == "postgresql") as session:
            yield session

    @contextmanager
    def _transaction(self, engine: Engine, failure: str, lock: bool) -> Iterator[Session]:
        """A session in one transaction. Database errors become one-line AtlasErrors. Ctrl-C
        stays Ctrl-C: an interrupt that lands mid-query leaves the connection busy, so the
        rollback can fail (« connection in transaction status ACTIVE ») and would hide the
        interrupt; the connection is then thrown away instead of returned to the pool (the
        database drops what the transaction had done) and the interrupt is raised."""
        session = Session(engine, expire_on_commit=False)
        try:
            with session.begin():
                if lock:
                    session.execute(_LOCK, {"k": _WRITE_LOCK})
                yield session
        except BaseException as exc:
            interrupt = _interrupt_in(exc)
            if interrupt is not None:
                with suppress(Exception):
                    session.invalidate()
                raise interrupt from None
            session.close()
            if isinstance(exc, DBAPIError):
                raise connect.atlas_error(self._url, exc, failure) from None
            raise
        session.close()

    def _read(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        with self._reading() as session:
            return fn(session, *args, **kwargs)

    # -- the public door -----------------------------------------------------------------------
    def read(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run `fn(session, *args, **kwargs)` in one read transaction and return its result.

        The door for readers outside this facade (`exchange`, `web`, `match`): `fn` gets a
        SQLAlchemy `Session` and should return plain data (the shapes of `shapes.py`), not ORM
        objects. Database errors become `DatabaseUnavailable` (one line, password hidden).
        """
        return self._read(fn, *args, **kwargs)

    def write(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run `fn(session, *args, **kwargs)` in one write transaction (writers serialised);
        committed if `fn` returns, rolled back if it raises.

        Records written through `save`, `review` or `add_manual` keep the search index in step
        themselves; a `fn` that changes records another way must call
        `search.refresh(session.connection(), {kind: ids})` before returning.
        Errors: `InvalidChange` for a value the database refuses, `DatabaseUnavailable` when it
        cannot be reached.
        """
        with self._writing() as session:
            return fn(session, *args, **kwargs)

    # -- ingestion ---------------------------------------------------------------------------
    def source_state(self, name: str, content_hash: str) -> str:
        """`new`, `unchanged` or `updated`: what saving this document would do."""
        return self._read(saving.source_state, name, content_hash)

    def source_states(self, items: list[tuple[str, str]]) -> list[str]:
        """`source_state` of each (name, content hash), in one read."""
        if not items:
            return []
        return self._read(saving.source_states, items)

    def source_paths(self, names: list[str]) -> dict[str, str | None]:
        """The file path stored with each of these source names the atlas holds (one read)."""
        if not names:
            return {}
        return self._read(saving.source_paths, names)

    def save_extraction(self, doc: Document, ext: Extraction) -> str:
        """Store one document's extraction in one transaction; `new`, `unchanged` or `updated`.

        Unchanged content writes nothing. Changed content replaces the records that only this
        document supported and nobody reviewed; reviewed and hand-made records stay.
        """
        with self._writing() as session:
            return saving.save(session, doc, ext, now())

    def save_extractions(self, items: Sequence[tuple[Document, Extraction]]) -> list[str]:
        """Store several small documents' extractions in ONE transaction, each as
        `save_extraction` stores it (same path, in order; `save.save_many`); their states.

        For many tiny documents (the rows of a twin-city list: `jumelage.pairs`), where one
        transaction each would cost more than the work: the batch is committed whole or not at
        all, so a failure or a kill leaves every earlier batch whole and this one absent.
        """
        if not items:
            return []
        with self._writing() as session:
            return saving.save_many(session, items, now())

    def remove_source(self, name: str) -> bool:
        """Forget a document and the unreviewed records only it supported; False if unknown."""
        with self._writing() as session:
            return saving.remove(session, name, now())

    def forget_source(self, source: str | int) -> dict[str, Any]:
        """Remove a source (by name, path or id) and every extracted record only it supported,
        in one transaction; reviewed and hand-made records stay, with a note that it is gone.

        Returns `sources.forget`'s report; AtlasError when no source matches.
        """
        with self._writing() as session:
            return sourcing.forget(session, source, now())

    def source_list(self) -> list[dict[str, Any]]:
        """Every source with its date and the records it supports (see `sources.listing`)."""
        return self._read(sourcing.listing)

    def check_writable(self) -> None:
        """AtlasError « … is read-only » now, before any long work that would end in a write."""
        connect.check_writable(self._url)
        with self._writing() as session:
            session.execute(text("UPDATE sources SET id = id WHERE 1 = 0"))

    def to_review(self, place: str | int | None = None, source: str | int | None = None,
                  kind: str | None = None, state: str | None = "extracted",
                  limit: int | None = 100) -> list[dict[str, Any]]:
        """Records to check, with their evidence (see `checklist.to_review`)."""
        return self._read(checklist.to_review, place, source, kind, state, limit)

    # -- review ------------------------------------------------------------------------------
    def review(self, kind: str, record_id: int, state: str,
               changes: dict[str, Any] | None = None, note: str | None = None) -> dict[str, Any]:
        """Confirm, correct (applying `changes`) or reject a record; returns it as a dict.

        `kind`: place, partnership, action, initiative or organisation. `state`: confirmed,
        corrected, rejected (or extracted, to hand a record back to its sources).
        """
        with self._writing() as session:
            reviewing.review(session, kind, record_id, state, changes, note, now())
            searching.refresh_after_review(session.connection(), kind, record_id)
            result = queries.record(session, kind, record_id)
            assert result is not None
            return result

    def add_manual(self, kind: str, data: dict[str, Any]) -> int:
        """Add a record by hand (review state `manual`); returns its id.

        place: name, aliases, country, geonames_id, lat, lon, kind, population;
        partnership: places (two place ids), kind, since, status, status_date;
        action: actors, partners (place ids), start, end, status, themes, amounts, organisations;
        initiative: place (id), themes, context, start, end, amounts, organisations;
        organisation: name.
        """
        with self._writing() as session:
            record_id = reviewing.add_manual(session, kind, data, now())
            searching.refresh_after_review(session.connection(), kind, record_id)
            return record_id

    # -- queries: every read costs one page (see docs/atlas-read-api.md) ----------------------
    def summary(self) -> Summary:
        """How much the atlas holds (rejected records not counted) and how much is reviewed."""
        return self._read(queries.summary)  # type: ignore[return-value]

    def places(self, filters: Filters | None = None, *, after: str | None = None,
               limit: int | None = 50, include_rejected: bool = False) -> Page[PlaceRow]:
        """Places by name then id, a page at a time, with partner and action counts.

        Filters: `q` (a folded substring of any name), `country`, `kind`. `after` is the `next`
        of the previous page; `limit` 1..500. Errors: `InvalidChange` for a bad filter or cursor.
        """
        return self._read(queries.places, filters, after, limit, include_rejected)

    def find_place(self, name_or_id: str | int) -> PlaceRow | None:
        """A place by atlas id, GeoNames id, name or alias (accents and case ignored), or else the
        closest name (rapidfuzz ratio >= 85); None if nothing is close. When several places
        carry the name: a live one before a rejected one, a town before a region or district,
        then most partnerships, then the lowest id (`queries.find_place`). The one lookup of
        `show`, `review --place`, `add`, `review correct`, the matcher and the web."""
        return self._read(queries.find_place, name_or_id)

    def place_detail(self, place_id: int, as_of: date | None = None,
                     include_rejected: bool = False) -> PlaceDetail | None:
        """The place page: the place, its partners (history, dormancy as of `as_of`), the first
        page of its timeline (`timeline_next`), its initiatives and sources; None if unknown."""
        return self._read(queries.place_detail, place_id, as_of, include_rejected)

    def place_page(self, place_id: int, as_of: date | None = None) -> PlacePage | None:
        """Everything a place's page says, the one shape of `jumelage show --json` and
        `GET /api/places/{id}`: `place_detail` with each record's `ref` (`kind:id`), each
        action's and initiative's `evidence`, the page's `themes` and what its partners did by
        crisis context (`partners_did`); None if unknown (`queries.place_page`)."""
        return self._read(queries.place_page, place_id, as_of)

    def partnerships(self, filters: Filters | None = None, *, after: str | None = None,
                     limit: int | None = 50, as_of: date | None = None,
                     include_rejected: bool = False) -> Page[PartnershipRow]:
        """Partnerships by id, a page at a time, each with `dormant` as of `as_of` (today).

        Filters: `place`, `country` (of either place), `kind`, `status`, `year_from`/`year_to`
        (on `since`). Errors: `InvalidChange` for a bad filter or cursor.
        """
        return self._read(queries.partnerships, filters, after, limit, as_of, include_rejected)

    def partnership_detail(self, partnership_id: int,
                           as_of: date | None = None) -> PartnershipDetail | None:
        """The partnership page: both places, dated history with evidence, its evidence, and the
        first page of the actions between the two places; None if unknown."""
        return self._read(queries.partnership_detail, partnership_id, as_of)

    def partnership_history(self, partnership_id: int) -> list[StatusRow]:
        """The dated status history of a partnership, oldest first, with evidence."""
        return self._read(queries.partnership_history, partnership_id)

    def actions(self, filters: Filters | None = None, *, after: str | None = None,
                limit: int | None = 50, include_rejected: bool = False) -> Page[ActionRow]:
        """Actions in timeline order (start date, undated last, id), a page at a time.

        Filters: `place`, `country` (of any place taking part), `theme`, `status`,
        `year_from`/`year_to` (on the start date). Errors: `InvalidChange`.
        """
        return self._read(queries.actions, filters, after, limit, include_rejected)

    def initiatives(self, filters: Filters | None = None, *, after: str | None = None,
                    limit: int | None = 50, include_rejected: bool = False) -> Page[InitiativeRow]:
        """Initiatives in timeline order, a page at a time.

        Filters: `place`, `country` (of its place), `theme`, `context`, `year_from`/`year_to`.
        Errors: `InvalidChange`.
        """
        return self._read(queries.initiatives, filters, after, limit, include_rejected)

    def every(self, kind: str, filters: Filters | None = None) -> Iterator[dict[str, Any]]:
        """Every row of a list (`"places"`, `"partnerships"`, `"actions"`, `"initiatives"` or
        `"sources"`),
        read a page of `cursor.MAX_LIMIT` at a time through the same paged method, so a reader
        that needs the whole list (the matcher's graph, an export) still costs one page per
        query. Errors: `InvalidChange` for another `kind` or a bad filter."""
        read = {"places": self.places, "partnerships": self.partnerships,
                "actions": self.actions, "initiatives": self.initiatives,
                "sources": self.sources}.get(kind)
        if read is None:
            raise InvalidChange(f"every: {kind!r} is not places, partnerships, actions, "
                                "initiatives or sources")
        after: str | None = None
        while True:
            page = read(filters, after=after, limit=cursor.MAX_LIMIT)
            yield from page["items"]
            after = page["next"]
            if after is None:
                return

    def search(self, q: str, filters: Filters | None = None, *, after: str | None = None,
               limit: int | None = 20, facets: bool = True) -> SearchPage:
        """Full-text search in French (accents, case and word endings ignored) over places,
        partnerships, actions, initiatives and sources; best first, a page at a time, with facet
        counts over all hits (`facets=False` skips them) and, per hit, the evidence span to link
        to. Filters: `record`, `theme`, `country`, `kind`, `status`, `context`,
        `year_from`/`year_to`. Errors: `InvalidChange` for a bad filter or cursor.
        """
        return self._read(lambda s: searching.search(s.connection(), q, filters, after, limit,
                                                     facets))

    def organisations(self, include_rejected: bool = False) -> list[OrganisationRow]:
        """Every organisation, by name."""
        return self._read(queries.organisations, include_rejected)

    def record(self, kind: str, record_id: int) -> dict[str, Any] | None:
        """One record (`kind`: place, partnership, action, initiative, organisation) with all its
        evidence, in the shape of its row; None if unknown."""
        return self._read(queries.record, kind, record_id)

    def get(self, kind: str, record_id: int) -> dict[str, Any]:
        """`record(kind, record_id)`, raising `NotFound` (web: 404) instead of returning None."""
        found = self.record(kind, record_id)
        if found is None:
            raise NotFound(kind, record_id)
        return found

    def map_version(self) -> str:
        """A short text that changes whenever places or partnerships change (the web's ETag of
        the map), read in two small aggregate queries."""
        return self._read(queries.map_version)

    def busiest_place(self) -> str | None:
        """The name of the place with the most partners (then actions), None in an empty atlas:
        what `jumelage demo` suggests to `show` first."""
        return self._read(queries.busiest_place)

    def sources(self, filters: Filters | None = None, *, after: str | None = None,
                limit: int | None = 50) -> Page[SourceRow]:
        """A page of sources by name then id, each with its evidence count; `next` is the cursor
        of the following page. Filters: `q` (file name or title contains it, case ignored).
        Errors: `InvalidChange` for a bad filter, cursor or limit."""
        return self._read(queries.sources, filters, after, limit)

    def latest_sources(self, limit: int = 10) -> list[SourceRow]:
        """The `limit` sources ingested or updated last, newest first."""
        return self._read(queries.latest_sources, limit)

    def source_detail(self, source_id: int) -> SourceDetail | None:
        """The source page: its text and every evidence span in it, by position; None if
        unknown."""
        return self._read(queries.source_detail, source_id)


def _interrupt_in(exc: BaseException) -> KeyboardInterrupt | None:
    """The KeyboardInterrupt that `exc` is or that happened while it was being handled (a
    database error raised by the clean-up of an interrupted query carries it as its context)."""
    seen: set[int] = set()
    at: BaseException | None = exc
    while at is not None and id(at) not in seen:
        if isinstance(at, KeyboardInterrupt):
            return at
        seen.add(id(at))
        at = at.__cause__ or at.__context__
    return None
