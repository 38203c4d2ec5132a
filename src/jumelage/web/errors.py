"""One answer for every error: the right status, in HTML for pages and JSON under `/api/`.

- the atlas's error kinds (`jumelage.errors`): not found -> 404, invalid change -> 422,
  database unavailable -> 503 (any other `AtlasError` -> 500, its one line shown);
- HTTP errors (401, 403, 404 of unknown routes, 405, 413, 429) and bad parameters (422);
- anything else -> 500 with one generic line; the traceback goes to the server log, never to
  the page.
An anonymous visitor asking for a page that needs an account is sent to the sign-in page instead.
Pages show the web's own messages (sign in, CSRF, throttling, unknown page or record) in the
page's language through the locale files (`MESSAGES`: English text -> locale key); the JSON API
and the atlas's own one-line messages stay as they are.
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

MESSAGES = {  # the web's own error lines -> their key in web/locales/*.json
    "sign in to read this atlas": "error.msg.sign_in",
    "sign in as an editor to change the atlas": "error.msg.sign_in_editor",
    "only editors may change the atlas": "error.msg.editors_only",
    "missing or wrong CSRF token: reload the page and try again": "error.msg.csrf",
    "too many failed sign-ins: try again later": "error.msg.throttled",
    "upload too large": "error.msg.upload_too_large",
    "internal error": "error.msg.internal",
    "Not Found": "error.msg.no_page",
    "Method Not Allowed": "error.msg.method",
}


def page_message(t: Any, message: str, exc: Exception | None = None) -> str:
    """`message` in the page's language (`t`: an `i18n.translator`) when it is one of the web's
    own; a record not found is said with the record kind's own word."""
    if isinstance(exc, NotFound) and message == f"no {exc.kind} with id {exc.key}":
        return str(t("error.msg.not_found", kind=t(f"record.{exc.kind}"), id=exc.key))
    key = MESSAGES.get(message)
    return str(t(key)) if key else message


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
                   detail: Any = None, headers: dict[str, str] | None = None,
                   exc: Exception | None = None) -> Response:
    """The error page or JSON body `{"error": {"status", "message"[, "detail"]}}`; the page
    says the web's own messages in its language (see `page_message`)."""
    if wants_json(request):
        body: dict[str, Any] = {"error": {"status": status, "message": message}}
        if detail is not None:
            body["error"]["detail"] = detail
        return JSONResponse(body, status_code=status, headers=headers)
    if status == 401 and request.method in ("GET", "HEAD"):
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    from jumelage.web import i18n
    from jumelage.web.render import language, render  # late: render imports the templates
    shown = page_message(i18n.translator(language(request)), message, exc)
    return render(request, "error.html", {"status": status, "message": shown},
                  status=status, headers=headers)


def install(app: FastAPI) -> None:
    """Register the handlers on `app`."""

    @app.exception_handler(AtlasError)
    async def atlas_error(request: Request, exc: AtlasError) -> Response:
        status = status_of(exc)
        if status >= 500:
            log.error("atlas error on %s %s: %s", request.method, request.url.path, exc)
        return error_response(request, status, str(exc), exc=exc)

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
