"""The `Atlas`: one object to open a database and to read, write and review what it holds.

    with Atlas.open() as atlas:                    # or Atlas.open("postgresql+psycopg://…")
        if atlas.source_state(doc.name, doc.content_hash) != "unchanged":
            atlas.save_extraction(doc, extraction)  # one transaction per document
        atlas.places(q="padoue")

Opening creates or upgrades the schema (Alembic). Each write runs in one transaction: a failure,
or the process killed, leaves the atlas as it was before the call. Database errors become one
`AtlasError` line naming the database (password hidden) and the problem.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timezone
from typing import Any, TypeVar

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

from jumelage.atlas import connect, queries, schema
from jumelage.atlas import review as reviewing
from jumelage.atlas import save as saving
from jumelage.errors import AtlasError
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
    def open(cls, url: str | None = None) -> Atlas:
        """Open (creating or upgrading) the atlas at `url`, a file path, or the default place.

        `url` None: `JUMELAGE_DATABASE_URL`, else `atlas.sqlite` in the user's data directory.
        """
        resolved = connect.resolve_url(url)
        engine = connect.create(resolved)
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
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
        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                yield session
        except DBAPIError as exc:
            raise connect.atlas_error(self._url, exc, "cannot read atlas at") from None

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        """One transaction; committed when the block ends, rolled back if anything fails."""
        try:
            with Session(self._writer, expire_on_commit=False) as session, session.begin():
                if self.backend == "postgresql":
                    session.execute(_LOCK, {"k": _WRITE_LOCK})
                yield session
        except DBAPIError as exc:
            raise connect.atlas_error(self._url, exc, "cannot write atlas at") from None

    def _read(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        with self._reading() as session:
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

    # -- review ------------------------------------------------------------------------------
    def review(self, kind: str, record_id: int, state: str,
               changes: dict[str, Any] | None = None, note: str | None = None) -> dict[str, Any]:
        """Confirm, correct (applying `changes`) or reject a record; returns it as a dict.

        `kind`: place, partnership, action, initiative or organisation. `state`: confirmed,
        corrected, rejected (or extracted, to hand a record back to its sources).
        """
        with self._writing() as session:
            reviewing.review(session, kind, record_id, state, changes, note, now())
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
            return reviewing.add_manual(session, kind, data, now())

    # -- queries -----------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        return self._read(queries.summary)

    def places(self, q: str | None = None, country: str | None = None, limit: int | None = 100,
               offset: int = 0, include_rejected: bool = False) -> list[dict[str, Any]]:
        return self._read(queries.places, q, country, limit, offset, include_rejected)

    def find_place(self, name_or_id: str | int) -> dict[str, Any] | None:
        return self._read(queries.find_place, name_or_id)

    def place_detail(self, place_id: int, as_of: date | None = None,
                     include_rejected: bool = False) -> dict[str, Any] | None:
        """The place, its partners, actions timeline, initiatives and sources; None if unknown."""
        return self._read(queries.place_detail, place_id, as_of, include_rejected)

    def partnerships(self, place_id: int | None = None, as_of: date | None = None,
                     include_rejected: bool = False) -> list[dict[str, Any]]:
        return self._read(queries.partnerships, place_id, as_of, include_rejected)

    def partnership_history(self, partnership_id: int) -> list[dict[str, Any]]:
        return self._read(queries.partnership_history, partnership_id)

    def actions(self, place_id: int | None = None,
                include_rejected: bool = False) -> list[dict[str, Any]]:
        return self._read(queries.actions, place_id, include_rejected)

    def initiatives(self, place_id: int | None = None,
                    include_rejected: bool = False) -> list[dict[str, Any]]:
        return self._read(queries.initiatives, place_id, include_rejected)

    def organisations(self, include_rejected: bool = False) -> list[dict[str, Any]]:
        return self._read(queries.organisations, include_rejected)

    def record(self, kind: str, record_id: int) -> dict[str, Any] | None:
        return self._read(queries.record, kind, record_id)

    def sources(self) -> list[dict[str, Any]]:
        return self._read(queries.sources)

    def source_detail(self, source_id: int) -> dict[str, Any] | None:
        return self._read(queries.source_detail, source_id)
