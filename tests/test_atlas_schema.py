"""Opening the atlas: where it lives, SQLite settings, Alembic migrations matching the models,
and one clear line when a database cannot be opened."""
from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from jumelage.atlas import Atlas, connect, schema
from jumelage.atlas.models import Base
from jumelage.errors import AtlasError


def test_migrations_build_the_schema_of_the_models(atlas_url: str) -> None:
    with Atlas.open(atlas_url) as atlas:
        with atlas.engine.connect() as conn:
            assert schema.current(conn) == schema.head()
            context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                           "include_name": schema.include_name})
            assert compare_metadata(context, Base.metadata) == []
    with Atlas.open(atlas_url) as again:  # opening an up-to-date atlas changes nothing
        assert again.summary()["sources"] == 0


def test_first_revision_is_the_root() -> None:
    from alembic.script import ScriptDirectory
    revisions = list(ScriptDirectory.from_config(schema.config()).walk_revisions())
    assert revisions[-1].down_revision is None and revisions[-1].revision == "0001"


def test_sqlite_settings(tmp_path: Path) -> None:
    with Atlas.open(str(tmp_path / "atlas.sqlite")) as atlas:
        assert atlas.backend == "sqlite"
        with atlas.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == connect.BUSY_TIMEOUT_MS
    assert (tmp_path / "atlas.sqlite").exists()


def test_where_the_atlas_lives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(connect.ENV_URL, raising=False)
    monkeypatch.setattr(connect.platformdirs, "user_data_dir", lambda app: str(tmp_path / app))
    with Atlas.open() as atlas:
        assert atlas.url.endswith("/jumelage/atlas.sqlite")
    assert (tmp_path / "jumelage" / "atlas.sqlite").exists()
    monkeypatch.setenv(connect.ENV_URL, f"sqlite:///{tmp_path / 'env.sqlite'}")
    with Atlas.open() as atlas:
        assert atlas.url.endswith("/env.sqlite")
    with Atlas.open(str(tmp_path / "given.sqlite")) as atlas:  # an explicit one wins
        assert atlas.url.endswith("/given.sqlite")
    assert connect.resolve_url("postgresql://u:p@h/db").drivername == "postgresql+psycopg"


@pytest.mark.parametrize("url, message", [
    ("postgresql+psycopg://jumelage:s3cret@127.0.0.1:1/atlas",
     "cannot open atlas at postgresql+psycopg://jumelage:***@127.0.0.1:1/atlas: "
     "connection refused"),
    ("mysql://someone@somewhere/atlas", "unsupported database"),
    ("/no/such/folder/atlas.sqlite", "folder /no/such/folder does not exist"),
])
def test_an_atlas_that_cannot_be_opened_says_so_in_one_line(url: str, message: str) -> None:
    with pytest.raises(AtlasError) as caught:
        Atlas.open(url)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value) and "s3cret" not in str(caught.value)


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("Ceci n'est pas une base de données.\n" * 200, encoding="utf-8")
    with pytest.raises(AtlasError, match="notes.sqlite: file is not a database$"):
        Atlas.open(str(path))
    assert path.read_text(encoding="utf-8").startswith("Ceci n'est pas")


def test_missing_postgres_database_is_one_line(postgres_url: str) -> None:
    url = connect.resolve_url(postgres_url).set(database="jumelage_no_such_database")
    with pytest.raises(AtlasError, match='database "jumelage_no_such_database" does not exist$'):
        Atlas.open(url.render_as_string(hide_password=False))


def test_an_atlas_from_a_newer_jumelage_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "atlas.sqlite"
    with Atlas.open(str(path)) as atlas, atlas.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(AtlasError, match="written by a newer version"):
        Atlas.open(str(path))


def test_a_migration_that_rebuilds_a_table_loses_no_row_that_refers_to_it(tmp_path: Path) -> None:
    """SQLite changes a column by copying the table and dropping the old one; with foreign keys
    on, that drop used to delete every place's names, partnerships and evidence (migration 0006
    rebuilds `places`). An atlas taken back to 0005 and opened again keeps every row."""
    import hashlib

    from alembic import command
    from sqlalchemy import create_engine

    from jumelage.records import Action, Document, Extraction, Partnership, Place

    url = f"sqlite:///{tmp_path}/old.sqlite"
    said = "Depuis 1990, Valmont-sur-Lys et Oberhain sont jumelées ; en 2018 leurs chorales ont chanté ensemble."
    doc = Document(name="a.txt", text=said, media_type="text/plain",
                   content_hash=hashlib.sha256(said.encode()).hexdigest())
    ext = Extraction(source="a.txt", places=[Place("h", "Valmont-sur-Lys", "FR", 9100001, 45.0, 5.0),
                                             Place("g", "Oberhain", "DE", 9100002, 50.0, 9.0)])
    ext.partnerships.append(Partnership(("h", "g"), since="1990", span=(0, len(said))))
    ext.actions.append(Action(["h"], ["g"], "2018", "2018", "done", ["culture"], span=(0, len(said))))
    tables = ("places", "place_names", "partnerships", "actions", "evidence", "sources")

    def counts() -> dict[str, int]:
        engine = create_engine(url)
        with engine.connect() as conn:
            out = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables}
        engine.dispose()
        return out

    with Atlas.open(url) as atlas:
        atlas.save_extraction(doc, ext)
    before = counts()
    assert before["place_names"] >= 2 and before["partnerships"] == 1 and before["evidence"] >= 2
    engine = create_engine(url)              # a plain connection: foreign keys off, as a downgrade wants
    with engine.begin() as conn:
        command.downgrade(schema.config(conn), "0005")
    engine.dispose()
    with Atlas.open(url):                    # upgrades to the head again, rebuilding `places`
        pass
    assert counts() == before
