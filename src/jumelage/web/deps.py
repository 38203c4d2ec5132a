"""What routes ask for: the open atlas, the signed-in account, the rights a route needs, CSRF.

- `AtlasDep`: the one `Atlas` the app opened (routes are plain `def`s; FastAPI runs them in its
  thread pool, and `Atlas` opens a session per call).
- `current_user`: the account of the session cookie, or of an `Authorization: Bearer` API token.
- `reader`: lets anyone read a public atlas; a private one only to signed-in accounts (401).
- `editor`: writes need an editor or admin: 401 when anonymous, 403 for a viewer.
- `csrf_token` / `check_csrf`: a random token kept in the session, required in every form
  (`csrf` field) and in the `X-CSRF-Token` header of API writes made with the session cookie;
  token-authenticated API calls carry no cookie, so they need none.
"""
from __future__ import annotations

import secrets
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from fastapi import Depends, HTTPException, Path, Request

from jumelage.atlas import Atlas, accounts
from jumelage.atlas.validate import MAX_INT
from jumelage.errors import InvalidChange
from jumelage.web.settings import Settings

MAX_ID = MAX_INT  # ids are 32-bit integers on PostgreSQL (one definition: atlas/validate.py)
Id = Annotated[int, Path(ge=1, le=MAX_ID, description="record id")]


class EmptyFieldsAbsent:
    """ASGI middleware: a query parameter given empty (`?country=&theme=culture`, what an HTML
    form sends for a field left blank) is read as not given, on every page and API, so a form's
    blank field means « any » instead of failing its value check (422)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope.get("query_string"):
            raw = scope["query_string"].decode("latin-1")
            pairs = parse_qsl(raw, keep_blank_values=True)
            if any(not value.strip() for _, value in pairs):
                kept = [(k, v) for k, v in pairs if v.strip()]
                scope = {**scope, "query_string": urlencode(kept).encode("latin-1")}
        await self.app(scope, receive, send)


def single_query_values(request: Request) -> None:
    """Every query parameter of the web atlas takes one value: a repeated one (`?top=2&top=3`)
    is refused (InvalidChange, answered 422 with its one line) instead of one of the values
    being kept silently."""
    keys = [k for k, _ in request.query_params.multi_items()]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise InvalidChange(f"{', '.join(repeated)}: given more than once; give one value")


def get_atlas(request: Request) -> Atlas:
    return request.app.state.atlas


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


AtlasDep = Annotated[Atlas, Depends(get_atlas)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def current_user(request: Request) -> dict[str, Any] | None:
    """The signed-in account (`{"id", "name", "role", "via"}`) or None; looked up once a request."""
    if hasattr(request.state, "user"):
        return request.state.user
    atlas: Atlas = request.app.state.atlas
    found: dict[str, Any] | None = None
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer ") and auth[7:].strip():
        found = accounts.token_user(atlas, auth[7:].strip())
        if found is not None:
            found = {**found, "via": "token"}
    elif "session" in request.scope:
        uid = request.session.get("uid")
        if isinstance(uid, int):
            found = accounts.user(atlas, uid)
            if found is None:
                request.session.clear()
            else:
                found = {**found, "via": "session"}
    request.state.user = found
    return found


UserDep = Annotated[dict[str, Any] | None, Depends(current_user)]


def reader(request: Request, user: UserDep) -> None:
    """Anyone may read a public atlas; a private one needs an account (401 otherwise)."""
    if request.app.state.settings.private and user is None:
        raise HTTPException(401, "sign in to read this atlas")


def editor(user: UserDep) -> dict[str, Any]:
    """The signed-in editor or admin; 401 when anonymous, 403 for a viewer."""
    if user is None:
        raise HTTPException(401, "sign in as an editor to change the atlas",
                            headers={"WWW-Authenticate": "Bearer"})
    if not accounts.allows(user["role"], "editor"):
        raise HTTPException(403, "only editors may change the atlas")
    return user


EditorDep = Annotated[dict[str, Any], Depends(editor)]


def csrf_token(request: Request) -> str:
    """This session's CSRF token (made on first use)."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, given: str | None) -> None:
    """403 unless `given` is this session's CSRF token."""
    token = request.session.get("csrf")
    if not (isinstance(token, str) and isinstance(given, str)
            and secrets.compare_digest(token.encode(), given.encode())):
        raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")


def api_write(request: Request, user: EditorDep) -> dict[str, Any]:
    """An editor writing through the API: with a token, or with the session and its CSRF header."""
    if user.get("via") == "session":
        check_csrf(request, request.headers.get("x-csrf-token"))
    return user


ApiWriterDep = Annotated[dict[str, Any], Depends(api_write)]
