"""The web atlas: HTML pages and their JSON twins under `/api/`, built with FastAPI and Jinja2.

    from jumelage.web import create_app
    app = create_app("sqlite:///atlas.sqlite")      # then: uvicorn.run(app, host=..., port=...)

`jumelage serve` does exactly that. One module per kind of page lives in `pages/`; each HTML page
and its JSON twin call the same function over the atlas and differ only in how they answer.
"""
from __future__ import annotations

from jumelage.web.app import create_app
from jumelage.web.settings import Settings

__all__ = ["Settings", "create_app"]
