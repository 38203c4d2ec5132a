"""Alembic revisions of the atlas schema, oldest first (`0001_…`, `0002_…`)."""
