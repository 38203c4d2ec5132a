"""How a web atlas is run: who may read it, cookies, uploads, map tiles, page sizes.

Every field has a safe default; `jumelage serve` options and environment variables set them.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field

SECRET_ENV = "JUMELAGE_SECRET_KEY"


def _secret() -> str:
    """The key signing session cookies: `JUMELAGE_SECRET_KEY`, else a new random one (sessions
    then last as long as the server process)."""
    return os.environ.get(SECRET_ENV) or secrets.token_urlsafe(32)


@dataclass
class Settings:
    """Configuration of one web atlas.

    - `private`: anonymous visitors see only the sign-in page (else the atlas is public, read-only).
    - `secret_key`: signs the session cookie (itsdangerous through Starlette's SessionMiddleware).
    - `secure_cookies`: send the session cookie over HTTPS only (turn on behind TLS).
    - `tiles_url`: an online tile layer (`https://…/{z}/{x}/{y}.png`), opt-in; the offline world
      outline is always drawn beneath it, so the map still works without internet.
    - `upload_max_bytes` / `upload_max_files`: per file and per upload; `upload_types`: suffixes.
    - `upload_max_text_mb`: megabytes of text (characters) extracted from one uploaded file; a
      longer text is refused, so that one upload cannot hold a server thread for many minutes
      (extraction costs about a minute of CPU per megabyte of text; `jumelage ingest` has no such cap).
    - `login_attempts` failures within `login_window_s` seconds lock a name and an address out.
    - `page_size` / `page_max`: default and largest `limit` of a paginated list.
    """

    private: bool = False
    secret_key: str = field(default_factory=_secret)
    secure_cookies: bool = False
    tiles_url: str | None = None
    tiles_attribution: str = ""
    upload_max_bytes: int = 10 * 1024 * 1024
    upload_max_files: int = 20
    upload_max_text_mb: float = 0.5
    upload_types: tuple[str, ...] = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
    login_attempts: int = 5
    login_window_s: int = 15 * 60
    session_max_age_s: int = 8 * 3600
    page_size: int = 50
    page_max: int = 500
