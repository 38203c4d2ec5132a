"""The web application: opens the atlas, mounts the offline assets, installs pages and handlers.

`create_app(db_url=None, settings=None, atlas=None)` returns a FastAPI app over one `Atlas`
(opened here unless given; closed when the app shuts down). Pages are in `pages/`, one module per
kind of page; each registers its HTML route and its JSON twin under `/api/`. The OpenAPI schema is
at `/api/openapi.json` and its browsable documentation (Swagger UI from the `swagger-ui-bundle`
package, served locally) at `/api/docs`. Answers larger than 1 kB are gzipped when the browser
accepts it; static files and assets carry a one-hour max-age (and their ETag).
"""
from __future__ import annotations

from contextlib import asynccontextmanager
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.sessions import SessionMiddleware

from jumelage import __version__
from jumelage.atlas import Atlas
from jumelage.web import assets, errors
from jumelage.web.deps import EmptyFieldsAbsent, reader, single_query_values
from jumelage.web.pages import (
    charts, exports, home, partners, partnerships, places, practices, records, review, search,
    sources,
)
from jumelage.web.settings import Settings

STATIC = Path(__file__).resolve().parent / "static"
ASSET_MAX_AGE_S = 3600  # static files and vendored assets: also revalidated by ETag after that
GZIP_MIN_BYTES = 1000
SESSION_COOKIE = "jumelage_session"
_CSP = ("default-src 'self'; img-src 'self' data: {tiles}; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'{inline}; object-src 'none'; base-uri 'self'; form-action 'self'; "
        "frame-ancestors 'none'")


def _tiles_origin(url: str | None) -> str:
    if not url:
        return ""
    from urllib.parse import urlsplit
    parts = urlsplit(url.replace("{s}", "a"))
    host = parts.netloc.replace("a.", "*.", 1) if "{s}" in url else parts.netloc
    return f"{parts.scheme}://{host}"


def create_app(db_url: str | None = None, settings: Settings | None = None,
               atlas: Atlas | None = None, create: bool = True) -> FastAPI:
    """A web atlas over the database at `db_url` (see `Atlas.open`), or over `atlas`.

    `create` False: the atlas must already be there (`jumelage serve`: a mistyped URL is
    « no atlas at … », not an empty atlas created and served).
    Raises AtlasError (one line) when the database cannot be opened.
    """
    settings = settings or Settings()
    own = atlas is None
    atlas = atlas or Atlas.open(db_url, create=create)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if own:
            atlas.close()

    app = FastAPI(
        title="jumelage", version=__version__, lifespan=lifespan,
        description="The atlas of twinnings, decentralised cooperation and what cities did, "
                    "with the evidence for every record. Lists are paginated: follow `next`.",
        docs_url=None, redoc_url=None, openapi_url="/api/openapi.json",
        dependencies=[Depends(single_query_values)],
    )
    app.state.atlas = atlas
    app.state.settings = settings
    app.add_middleware(SessionMiddleware, secret_key=settings.secret_key,
                       session_cookie=SESSION_COOKIE, max_age=settings.session_max_age_s,
                       same_site="lax", https_only=settings.secure_cookies)
    csp_pages = _CSP.format(tiles=_tiles_origin(settings.tiles_url), inline="")
    csp_docs = _CSP.format(tiles="", inline=" 'unsafe-inline'")

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        docs = request.url.path == "/api/docs"
        response.headers.setdefault("Content-Security-Policy", csp_docs if docs else csp_pages)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.url.path.startswith(("/static/", "/assets/")) and response.status_code in (
                200, 304):
            response.headers.setdefault("Cache-Control", f"public, max-age={ASSET_MAX_AGE_S}")
        return response

    app.add_middleware(EmptyFieldsAbsent)     # a form's blank field is no filter
    # outermost: compresses every answer the browser accepts gzip for (the map, pages, assets)
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MIN_BYTES)

    errors.install(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/assets/leaflet", StaticFiles(directory=assets.leaflet_dir()), name="leaflet")
    app.mount("/assets/markercluster", StaticFiles(directory=assets.markercluster_dir()),
              name="markercluster")
    app.mount("/assets/swagger", StaticFiles(directory=_swagger_dir()), name="swagger")

    @app.get("/assets/world.geojson", include_in_schema=False)
    def world() -> Response:
        return Response(assets.world_outline(), media_type="application/geo+json",
                        headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/api/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/api/openapi.json", title="jumelage API",
                                   swagger_js_url="/assets/swagger/swagger-ui-bundle.js",
                                   swagger_css_url="/assets/swagger/swagger-ui.css",
                                   swagger_favicon_url="/static/favicon.svg")

    readers = [Depends(reader)]
    for module in (home, places, partnerships, records, sources, practices, search, charts,
                   exports):
        app.include_router(module.router, dependencies=readers)
    if partners.available():  # the partner matcher, when this jumelage has it
        app.include_router(partners.router, dependencies=readers)
    from jumelage.web.render import templates
    templates.env.globals["match_available"] = partners.available()
    app.include_router(review.router)
    return app


def _swagger_dir() -> Path:
    import swagger_ui_bundle
    return Path(swagger_ui_bundle.swagger_ui_path)
