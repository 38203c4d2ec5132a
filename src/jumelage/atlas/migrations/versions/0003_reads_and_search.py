"""Page-sized reads and French full-text search.

- indexes for keyset pagination: places by (name, id); actions and initiatives by timeline
  (start date with undated last, then id: the expression `queries._timeline` orders by);
- the search index (`atlas/search.py`): `search_docs` (one row per searchable record, with its
  facets) and `search_facets` (themes and countries); the text itself in an FTS5 table
  `search_fts` on SQLite, in a `tsvector` column `search_docs.tsv` with a GIN index on
  PostgreSQL, built with the text search configuration `jumelage_fr` (`french` with `unaccent`
  before the French stemmer; the `unaccent` extension is created here and must be installable:
  Debian ships it in `postgresql-contrib`);
- the index is filled from what the atlas already holds.

Revision ID: 0003
Revises: 0001
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from jumelage.errors import AtlasError

revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

UNDATED = "'9999-99-99'"  # queries.UNDATED, as a literal: the index matches the query's text


def _unaccent(bind: sa.Connection) -> None:
    if bind.scalar(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'unaccent'")):
        return
    if not bind.scalar(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'")):
        raise AtlasError(
            "cannot create the search index: the PostgreSQL extension 'unaccent' is not "
            "installed on the server (Debian: apt-get install postgresql-contrib)")
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS unaccent"))
    except sa.exc.DBAPIError:
        raise AtlasError(
            "cannot create the search index: this database user may not create the extension "
            "'unaccent'; ask an administrator to run CREATE EXTENSION unaccent in this "
            "database") from None


def upgrade() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    op.create_index("ix_places_name_id", "places", ["name", "id"])
    op.execute(f"CREATE INDEX ix_actions_timeline ON actions "
               f"(coalesce(start_date, {UNDATED}), id)")
    op.execute(f"CREATE INDEX ix_initiatives_timeline ON initiatives "
               f"(coalesce(start_date, {UNDATED}), id)")
    op.create_table(
        "search_docs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record", sa.String(length=16), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("context", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_search_docs"),
        sa.UniqueConstraint("record", "record_id", name="uq_search_docs_record"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "search_facets",
        sa.Column("doc_id", sa.Integer(), nullable=False),
        sa.Column("record", sa.String(length=16), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("facet", sa.String(length=8), nullable=False),
        sa.Column("value", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["doc_id"], ["search_docs.id"], ondelete="CASCADE",
                                name="fk_search_facets_doc_id_search_docs"),
    )
    op.create_index("ix_search_facets_doc_id", "search_facets", ["doc_id"])
    op.create_index("ix_search_facets_value", "search_facets", ["facet", "value", "doc_id"])
    op.create_index("ix_search_facets_record", "search_facets",
                    ["facet", "value", "record", "record_id"])
    if postgres:
        _unaccent(bind)
        op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS jumelage_fr")
        op.execute("CREATE TEXT SEARCH CONFIGURATION jumelage_fr (COPY = french)")
        op.execute("ALTER TEXT SEARCH CONFIGURATION jumelage_fr ALTER MAPPING FOR "
                   "hword, hword_part, word WITH unaccent, french_stem")
        op.execute("ALTER TABLE search_docs ADD COLUMN tsv tsvector")
        op.execute("CREATE INDEX ix_search_docs_tsv ON search_docs USING gin (tsv)")
    else:
        op.execute("CREATE VIRTUAL TABLE search_fts USING fts5("
                   "body, tokenize = 'unicode61 remove_diacritics 2')")
    from jumelage.atlas import search
    search.rebuild(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS jumelage_fr")
    else:
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table("search_facets")
    op.drop_table("search_docs")
    op.drop_index("ix_initiatives_timeline", table_name="initiatives")
    op.drop_index("ix_actions_timeline", table_name="actions")
    op.drop_index("ix_places_name_id", table_name="places")
