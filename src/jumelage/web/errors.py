"""One answer for every error: the right status, in HTML for pages and JSON under `/api/`.

- the atlas's error kinds (`jumelage.errors`): not found -> 404, invalid change -> 422,
  database unavailable -> 503 (any other `AtlasError` -> 500, its one line shown);
- HTTP errors (401, 403, 404 of unknown routes, 405, 413, 429) and bad parameters (422);
- anything else -> 500 with one generic line; the traceback goes to the server log, never to
  the page.
An anonymous visitor asking for a page that needs an account is sent to the sign-in page instead.
"""
from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from jumelage.errors import AtlasError, DatabaseUnavailable, InvalidChange, NotFound

log = logging.getLogger("jumelage.web")


def wants_json(request: Request) -> bool:
    """API routes answer in JSON; pages in HTML."""
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def status_of(exc: AtlasError) -> int:
    """404, 422, 503 or 500 for an atlas error."""
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, InvalidChange):
        return 422
    if isinstance(exc, DatabaseUnavailable):
        return 503
    return 500


def error_response(request: Request, status: int, message: str,
                   detail: Any = None, headers: dict[str, str] | None = None) -> Response:
    """The error page or JSON body `{"error": {"status", "message"[, "detail"]}}`."""
    if wants_json(request):
        body: dict[str, Any] = {"error": {"status": status, "message": message}}
        if detail is not None:
            body["error"]["detail"] = detail
        return JSONResponse(body, status_code=status, headers=headers)
    if status == 401 and request.method in ("GET", "HEAD"):
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    from jumelage.web.render import render  # late: render imports the app's templates
    return render(request, "error.html", {"status": status, "message": message},
                  status=status, headers=headers)


def install(app: FastAPI) -> None:
    """Register the handlers on `app`."""

    @app.exception_handler(AtlasError)
    async def atlas_error(request: Request, exc: AtlasError) -> Response:
        status = status_of(exc)
        if status >= 500:
            log.error("atlas error on %s %s: %s", request.method, request.url.path, exc)
        return error_response(request, status, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else str(exc.status_code)
        return error_response(request, exc.status_code, message,
                              headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        problems = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))}
                    for e in exc.errors()]
        first = problems[0] if problems else {"loc": [], "msg": "invalid request"}
        message = f"{'.'.join(first['loc'][1:]) or 'request'}: {first['msg']}"
        return error_response(request, 422, message, detail=problems)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(request, 500, "internal error")


__all__ = ["DatabaseUnavailable", "InvalidChange", "NotFound", "error_response", "install",
           "wants_json"]
