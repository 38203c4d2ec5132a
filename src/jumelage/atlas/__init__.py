"""The atlas: where extractions are stored, merged across documents, reviewed and queried.

SQLite by default (a file in the user's data directory), PostgreSQL with a
`postgresql+psycopg://` URL; the schema is kept by Alembic migrations shipped in this package.
`Atlas` is the entry point (reads return the typed shapes of `jumelage.atlas.shapes`, lists a
page at a time, filtered by a `Filters`); `jumelage.atlas.exchange` exports and imports (JSON,
CSV, GeoJSON). The read API is written down in docs/atlas-read-api.md.
"""
from jumelage.atlas.shapes import Filters, Page
from jumelage.atlas.store import Atlas

__all__ = ["Atlas", "Filters", "Page"]
