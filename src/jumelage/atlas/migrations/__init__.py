"""Alembic migrations of the atlas schema (a package so that installs carry them)."""
