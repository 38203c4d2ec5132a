"""The atlas: where extractions are stored, merged across documents, reviewed and queried.

SQLite by default (a file in the user's data directory), PostgreSQL with a
`postgresql+psycopg://` URL; the schema is kept by Alembic migrations shipped in this package.
`Atlas` is the entry point; `jumelage.atlas.exchange` exports and imports (JSON, CSV, GeoJSON).
"""
from jumelage.atlas.store import Atlas

__all__ = ["Atlas"]
