"""What a format reader hands back to the dispatcher: the text and what the file says of itself."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Content:
    """Text read from one file, with the title and publication date its metadata states."""

    text: str
    title: str | None = None
    date: str | None = None        # ISO partial date
    site_name: str | None = None   # HTML og:site_name (application-name as a fallback)
    url: str | None = None         # HTML canonical link, else og:url
