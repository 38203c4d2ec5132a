"""Turn what the user gave (nothing, a file path, a database URL) into a working engine.

- nothing: `JUMELAGE_DATABASE_URL`, else `atlas.sqlite` in the user's data directory;
- a plain path: an SQLite file there;
- `sqlite:///…` or `postgresql+psycopg://…` (`postgresql://` and `postgres://` mean psycopg 3).

SQLite connections run in WAL mode with foreign keys on and a busy timeout; transactions are
real transactions (the driver's own implicit ones are switched off), and writers take the write
lock when they begin, so two processes ingesting at once wait for each other instead of failing.
Errors become one line naming the database (password hidden) and the problem.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DataError, IntegrityError
from sqlalchemy.pool import StaticPool

from jumelage.errors import AtlasError, DatabaseUnavailable, InvalidChange

ENV_URL = "JUMELAGE_DATABASE_URL"
WRITE = "jumelage_write"           # execution option marking a connection that will write
BUSY_TIMEOUT_MS = 30_000
CONNECT_TIMEOUT_S = 10


def default_path() -> Path:
    """Where the atlas lives when nobody says otherwise."""
    return Path(platformdirs.user_data_dir("jumelage")) / "atlas.sqlite"


def resolve_url(url: str | None) -> URL:
    """The SQLAlchemy URL for what the user gave (see the module docstring)."""
    if url is None or not str(url).strip():
        url = os.environ.get(ENV_URL) or None
    if url is None:
        path = default_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        return URL.create("sqlite", database=str(path))
    url = str(url).strip()
    if url == ":memory:":
        return URL.create("sqlite")
    if "://" not in url:
        path = Path(url).expanduser().resolve()
        return URL.create("sqlite", database=str(path))
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise AtlasError(f"cannot open atlas at {_redact(url)}: not a database URL") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername not in ("sqlite", "sqlite+pysqlite", "postgresql+psycopg"):
        raise AtlasError(
            f"cannot open atlas at {safe_url(parsed)}: unsupported database "
            "(use a file path, sqlite:///FILE or postgresql+psycopg://…)"
        )
    return parsed


def safe_url(url: URL) -> str:
    """The URL as it may be printed: the password replaced by `***`."""
    return url.render_as_string(hide_password=True)


def _redact(text: str) -> str:
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", text)


def create(url: URL) -> Engine:
    """An engine for `url`, configured for the atlas; nothing is connected yet."""
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    # psycopg prepares a statement run five times, and PostgreSQL may then plan it once for any
    # parameters (a "generic plan"): a page of actions filtered by theme and country went from
    # 0.1 s to 8 s that way. Custom plans keep every page planned for its own values.
    return create_engine(
        url, pool_pre_ping=True,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S,
                      "options": "-c plan_cache_mode=force_custom_plan"},
    )


def _sqlite_engine(url: URL) -> Engine:
    memory = url.database in (None, "", ":memory:")
    if not memory:
        folder = Path(url.database).parent
        if not folder.is_dir():
            raise AtlasError(
                f"cannot open atlas at {safe_url(url)}: folder {folder} does not exist")
    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
    if memory:
        kwargs["poolclass"] = StaticPool
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we say BEGIN ourselves (see `_on_begin`)
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if not memory:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get(WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def reason(exc: BaseException) -> str:
    """The problem in a database error, as a short lower-case phrase on one line."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    first = lines[0] if lines else type(orig).__name__
    lowered = text.lower()
    for needle, phrase in (
        ("connection refused", "connection refused"),
        ("timeout expired", "connection timed out"),
        ("could not translate host name", "unknown host"),
        ("name or service not known", "unknown host"),
        ("nodename nor servname", "unknown host"),
        ("password authentication failed", "password authentication failed"),
        ("no password supplied", "a password is required"),
        ("file is not a database", "file is not a database"),
        ("unable to open database file", "unable to open database file"),
        ("database is locked", "database is locked by another program"),
        ("readonly database", "database is read-only"),
        ("disk is full", "disk is full"),
    ):
        if needle in lowered:
            return phrase
    # psycopg: 'connection failed: connection to server at "h" (ip), port 5432 failed: FATAL:  x'
    first = first.split("failed: ")[-1]
    first = re.sub(r"^(FATAL|ERROR):\s*", "", first).strip()
    return first[:1].lower() + first[1:] if first else type(orig).__name__


def atlas_error(url: URL, exc: BaseException, doing: str = "cannot open atlas at") -> AtlasError:
    """The one-line AtlasError for a database error met while `doing` something with `url`.

    Its kind tells a caller (the web) what happened: a value the database refused (a constraint,
    a malformed value) is `InvalidChange`; anything else (server down, connection lost, file
    locked or unreadable, disk full) is `DatabaseUnavailable`.
    """
    kind = InvalidChange if isinstance(exc, (IntegrityError, DataError)) else DatabaseUnavailable
    return kind(f"{doing} {safe_url(url)}: {reason(exc)}")



def no_atlas(url: URL) -> AtlasError:
    """« no atlas at … »: what read commands say instead of creating an empty atlas."""
    where = url.database if url.get_backend_name() == "sqlite" and url.database else safe_url(url)
    return AtlasError(f"no atlas at {where} (create one with `jumelage ingest`, "
                      "`jumelage import` or `jumelage demo`)")


def require_file(url: URL) -> None:
    """For SQLite: AtlasError `no_atlas` unless the file is there (nothing is created)."""
    if url.get_backend_name() != "sqlite":
        return
    if url.database in (None, "", ":memory:") or not Path(url.database).is_file():
        raise no_atlas(url)


def check_writable(url: URL) -> None:
    """For a SQLite file: AtlasError when the file or its folder cannot be written (WAL needs
    both), before any work is done; the database's own check follows in `Atlas`."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return
    path = Path(url.database)
    for target in (path, path.parent):
        if target.exists() and not os.access(target, os.W_OK):
            raise AtlasError(f"cannot write atlas at {safe_url(url)}: "
                             f"{'database' if target == path else 'its folder'} is read-only")
