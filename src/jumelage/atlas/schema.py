"""Create and upgrade the atlas schema with Alembic, configured in code (no alembic.ini).

`upgrade(engine)` brings any database to the newest revision; it is what `Atlas.open` calls, so an
installed jumelage upgrades an old atlas the first time it opens it. On PostgreSQL an advisory
lock keeps two processes from migrating at once.

For developers, a new revision after a change to `models.py`:

    python -m jumelage.atlas.schema revision "add partnership notes"

autogenerates `migrations/versions/NNNN_….py` against a scratch SQLite database; read and edit it
before committing.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, text

from jumelage.atlas.connect import WRITE
from jumelage.errors import AtlasError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_LOCK_KEY = 0x6A756D656C616765  # "jumelage"


# made by migrations but not described by `models.py`: the search index (`search.py`) and the
# expression indexes ordering timelines; comparing models with the database leaves them out
EXPRESSION_INDEXES = frozenset({"ix_actions_timeline", "ix_initiatives_timeline"})


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """False for the schema objects `models.py` does not describe (Alembic `include_name`)."""
    if type_ == "table":
        return not (name or "").startswith("search_")
    if type_ == "index":
        return name not in EXPRESSION_INDEXES
    return True


def config(connection: Connection | None = None) -> Config:
    """An Alembic configuration pointing at the packaged migrations (and at `connection`)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    """The newest revision this version of jumelage knows."""
    rev = ScriptDirectory.from_config(config()).get_current_head()
    assert rev is not None
    return rev


def current(connection: Connection) -> str | None:
    """The revision a database is at (None for a database without the atlas schema)."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Bring the database behind `engine` to the newest revision (no-op when it is there)."""
    script = ScriptDirectory.from_config(config())
    target = head()
    with engine.connect() as conn:
        at = current(conn)
        conn.rollback()
    if at == target:
        return
    if at is not None and at not in {s.revision for s in script.walk_revisions()}:
        raise AtlasError(
            f"the atlas schema is at revision {at}, unknown to this jumelage: "
            "it was written by a newer version; upgrade jumelage"
        )
    # a writer's transaction: on SQLite it takes the write lock first (BEGIN IMMEDIATE), so two
    # processes opening a new atlas at once migrate one after the other
    with engine.execution_options(**{WRITE: True}).connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # SQLite's way to change a table (which Alembic's batch mode follows) makes a new one and
            # drops the old: with foreign keys on, that drop deletes every row that cascades from it
            # (a place's names, partnerships, evidence). They are off during the migration, as
            # SQLite's documentation prescribes, checked before commit, and on again after.
            conn.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        try:
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
                command.upgrade(config(conn), "head")
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").first()
                    if broken is not None:
                        raise AtlasError(f"the schema upgrade would break a reference ({broken[0]} "
                                         f"row {broken[1]} -> {broken[2]}); the atlas is unchanged")
        finally:
            if sqlite:
                conn.connection.driver_connection.execute("PRAGMA foreign_keys = ON")


def _revision(message: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite:///{tmp}/scratch.sqlite")
        with engine.begin() as conn:
            command.upgrade(config(conn), "head")
            cfg = config(conn)
            count = len(list(ScriptDirectory.from_config(cfg).walk_revisions()))
            command.revision(cfg, message=message, autogenerate=True, rev_id=f"{count + 1:04d}")
        engine.dispose()


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "revision":
        sys.exit('usage: python -m jumelage.atlas.schema revision "what changes"')
    _revision(sys.argv[2])
