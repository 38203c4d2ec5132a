"""Alembic environment for the atlas: runs migrations on the connection `schema.py` hands over.

Used through `jumelage.atlas.schema` (no alembic.ini); SQLite gets batch mode so later revisions
can alter tables.
"""
from __future__ import annotations

from alembic import context

from jumelage.atlas.models import Base
from jumelage.atlas.schema import include_name

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run atlas migrations through jumelage.atlas.schema, not the alembic CLI")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_name=include_name,
)
with context.begin_transaction():
    context.run_migrations()
