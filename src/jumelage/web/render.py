"""Pages from templates: one Jinja2 environment (autoescaping on), the context every page gets.

Every page is rendered with `render(request, template, data)`: `d` is the page's data (the very
dict its JSON twin returns), `t` the message catalogue of the request's language, `user` the
signed-in account, `csrf` the form token, and a few helpers for dates, amounts and links.
Text from documents only ever reaches a page through Jinja's escaping.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from jumelage.records import PARTNERSHIP_KINDS, PARTNERSHIP_STATUSES, THEMES
from jumelage.web import i18n

TEMPLATES = Path(__file__).resolve().parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES))
templates.env.autoescape = True  # every template, whatever its suffix


def period(start: str | None, end: str | None) -> str:
    """`2019`, `2019–2021`, or `` for an undated record."""
    if start and end and end != start:
        return f"{start}–{end}"
    return start or end or ""


def amount(m: dict[str, Any]) -> str:
    """`12 000 EUR` (French grouping), with `/ per` when the amount is per something."""
    value = m.get("value")
    number = f"{value:,.0f}".replace(",", "\u202f") if isinstance(value, (int, float)) else "?"
    per = f" / {m['per']}" if m.get("per") else ""
    return f"{number} {m.get('currency', '')}{per}"


def record_url(kind: str, rid: int | None) -> str:
    """The page of a record (a status change is shown on its partnership's page)."""
    if rid is None:
        return "#"
    if kind == "place":
        return f"/places/{rid}"
    if kind == "partnership":
        return f"/partnerships/{rid}"
    return f"/records/{kind}/{rid}"


def with_query(request: Request, **changes: Any) -> str:
    """The current URL with some query parameters changed (None removes one)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    query = urlencode(params)
    return request.url.path + (f"?{query}" if query else "")


templates.env.globals.update(all_themes=THEMES, all_kinds=PARTNERSHIP_KINDS,
                             all_statuses=PARTNERSHIP_STATUSES, period=period, amount=amount,
                             record_url=record_url, with_query=with_query)


def language(request: Request) -> str:
    """The language of this request (see `i18n.pick`)."""
    return i18n.pick(request.query_params.get("lang"), request.cookies.get(i18n.COOKIE))


def render(request: Request, name: str, data: dict[str, Any], status: int = 200,
           headers: dict[str, str] | None = None) -> HTMLResponse:
    """The page `name` over `data`; remembers a `?lang=` choice in a cookie."""
    from jumelage.web.deps import csrf_token, current_user

    lang = language(request)
    t = i18n.translator(lang)
    try:
        user = current_user(request)
    except Exception:  # an error page must render even when the atlas does not answer
        user = None
    context = {
        "request": request, "d": data, "t": t, "lang": lang, "user": user,
        "csrf": csrf_token(request) if "session" in request.scope else "",
        "settings": request.app.state.settings,
        "label": lambda group, value: i18n.label(t, group, value),
    }
    response = templates.TemplateResponse(request, name, context, status_code=status,
                                          headers=headers)
    if request.query_params.get("lang") in i18n.LANGUAGES:
        response.set_cookie(i18n.COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response
