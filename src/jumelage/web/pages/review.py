"""Review: signing in and out, confirming, correcting or rejecting records, adding records by
hand, uploading documents to ingest; and the same writes through the JSON API.

Every write goes through the atlas's review path (`Atlas.review`, `Atlas.add_manual`) or through
`ingest`, so a correction survives a re-ingest of the same document. Forms need an editor's
session and the session's CSRF token; API writes need an editor's session (with the token in
`X-CSRF-Token`) or an editor's API token (`Authorization: Bearer …`). Failed sign-ins are
throttled per name and per address.
"""
from __future__ import annotations

import re
import tempfile
import time
from collections import defaultdict, deque
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Form, HTTPException, Request
from starlette.datastructures import UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jumelage.atlas import Atlas
from jumelage.atlas import accounts, fieldtext
from jumelage.errors import InvalidChange, JumelageError, NotFound
from jumelage.records import ACTION_STATUSES, PARTNERSHIP_KINDS, PARTNERSHIP_STATUSES, THEMES
from jumelage.web.deps import ApiWriterDep, AtlasDep, EditorDep, Id, check_csrf, current_user
from jumelage.web.render import record_url, render

router = APIRouter()
ReviewKind = Literal["place", "partnership", "action", "initiative", "organisation"]
NewKind = Literal["partnership", "action", "initiative"]
DECISIONS = {"confirm": "confirmed", "reject": "rejected", "correct": "corrected",
             "restore": "extracted"}


# -- signing in ---------------------------------------------------------------------------------
class Throttle:
    """Failed sign-ins per key (a name, an address) within a sliding window."""

    def __init__(self, attempts: int, window_s: float) -> None:
        self.attempts, self.window = attempts, window_s
        self.failures: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self.failures[key]
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def blocked(self, keys: list[str]) -> float:
        """Seconds until these keys may try again (0 when they may)."""
        now = time.monotonic()
        waits = [self.window - (now - t[0]) for k in keys
                 if len(t := self._recent(k, now)) >= self.attempts]
        return max(waits, default=0.0)

    def fail(self, keys: list[str]) -> None:
        now = time.monotonic()
        for key in keys:
            self._recent(key, now).append(now)

    def clear(self, keys: list[str]) -> None:
        for key in keys:
            self.failures.pop(key, None)


def _throttle(request: Request) -> Throttle:
    state = request.app.state
    if not hasattr(state, "throttle"):
        s = state.settings
        state.throttle = Throttle(s.login_attempts, s.login_window_s)
    return state.throttle


def _local(target: str | None) -> str:
    """`target` if it is a path on this site, else `/` (no open redirects)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request, next: str | None = None) -> HTMLResponse:
    return render(request, "login.html", {"next": _local(next), "error": None})


@router.post("/login", include_in_schema=False)
def login(request: Request, atlas: AtlasDep, name: Annotated[str, Form(max_length=64)] = "",
          password: Annotated[str, Form(max_length=1024)] = "",
          csrf: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/") -> Response:
    check_csrf(request, csrf)
    keys = [f"name:{name.strip().casefold()}",
            f"addr:{request.client.host if request.client else '?'}"]
    wait = _throttle(request).blocked(keys)
    if wait:
        raise HTTPException(429, "too many failed sign-ins: try again later",
                            headers={"Retry-After": str(int(wait) + 1)})
    user = accounts.authenticate(atlas, name, password)
    if user is None:
        _throttle(request).fail(keys)
        return render(request, "login.html", {"next": _local(next), "error": "login.failed"},
                      status=401)
    _throttle(request).clear(keys[:1])
    request.session.clear()  # a new session (and CSRF token) for the signed-in account
    request.session["uid"] = user["id"]
    return RedirectResponse(_local(next), status_code=303)


@router.post("/logout", include_in_schema=False)
def logout(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, csrf)
    request.session.clear()
    return RedirectResponse("/", status_code=303)


# -- review forms ---------------------------------------------------------------------------------
def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _fields(atlas: Atlas, kind: str, form: dict[str, Any]) -> dict[str, Any]:
    """The record fields a form gives for `kind` (only those present in the form), typed by
    `fieldtext.parse` as the command line's FIELD=VALUE are."""
    names = ["name", "country", "kind", "since", "status", "status_date", "start", "end",
             "context", "organisations", "actors", "partners", "places", "place"]
    if kind == "place":
        names += ["lat", "lon", "population"]
    out = fieldtext.parse({f: form[f] for f in names if f in form}, fieldtext.finder(atlas))
    if "themes" in form or "themes_sent" in form:
        out["themes"] = [t for t in form.get("themes", []) if t in THEMES]
    return out


def _current(kind: str, rec: dict[str, Any]) -> dict[str, Any]:
    """A record's editable fields, in the form's shape, to compare a submitted form with."""
    cur = {k: rec.get(k) for k in ("name", "country", "kind", "since", "status", "start", "end",
                                   "context", "lat", "lon", "population")}
    cur["themes"] = rec.get("themes")
    cur["organisations"] = [o["name"] for o in rec.get("organisations", [])]
    cur["actors"] = [p["id"] for p in rec.get("actors", [])]
    cur["partners"] = [p["id"] for p in rec.get("partners", [])]
    cur["place"] = (rec.get("place") or {}).get("id") if kind == "initiative" else None
    return cur


def _same(field: str, given: Any, current: Any) -> bool:
    if field == "themes":
        return set(given or []) == set(current or [])
    return given == current


async def _form(request: Request) -> dict[str, Any]:
    raw = await request.form()
    out: dict[str, Any] = {k: v for k, v in raw.items() if isinstance(v, str)}
    out["themes"] = [v for v in raw.getlist("themes") if isinstance(v, str)]
    if not out["themes"] and "themes_sent" not in out:
        del out["themes"]
    return out


def _record(atlas: Atlas, kind: str, record_id: int) -> dict[str, Any]:
    rec = atlas.record(kind, record_id)
    if rec is None:
        raise NotFound(kind, record_id)
    return rec


def _review_form(request: Request, kind: str, rec: dict[str, Any], error: str | None = None,
                 status: int = 200) -> HTMLResponse:
    return render(request, "review.html", {
        "kind": kind, "record": rec, "error": error, "themes": THEMES,
        "partnership_kinds": PARTNERSHIP_KINDS, "partnership_statuses": PARTNERSHIP_STATUSES,
        "action_statuses": ACTION_STATUSES}, status=status)


@router.get("/review", response_class=HTMLResponse, include_in_schema=False)
def review_home(request: Request, atlas: AtlasDep, user: EditorDep) -> HTMLResponse:
    waiting = {
        kind: [r for r in list_(limit=200)["items"] if r["review_state"] == "extracted"][:50]
        for kind, list_ in (("partnership", atlas.partnerships), ("action", atlas.actions),
                            ("initiative", atlas.initiatives))
    }
    return render(request, "review_home.html", {"summary": atlas.summary(), "waiting": waiting})


@router.get("/review/{kind}/{record_id}", response_class=HTMLResponse, include_in_schema=False)
def review_page(request: Request, kind: ReviewKind, record_id: Id, atlas: AtlasDep,
                user: EditorDep) -> HTMLResponse:
    return _review_form(request, kind, _record(atlas, kind, record_id))


@router.post("/review/{kind}/{record_id}", include_in_schema=False)
async def review_post(request: Request, kind: ReviewKind, record_id: Id, atlas: AtlasDep,
                      user: EditorDep) -> Response:
    form = await _form(request)
    check_csrf(request, form.get("csrf"))
    rec = _record(atlas, kind, record_id)
    state = DECISIONS.get(form.get("decision", ""))
    try:
        if state is None:
            raise InvalidChange("choose confirm, correct, reject or restore")
        changes = None
        if state == "corrected":
            given, current = _fields(atlas, kind, form), _current(kind, rec)
            changes = {k: v for k, v in given.items() if not _same(k, v, current.get(k))}
            if not changes:
                raise InvalidChange("nothing was changed: edit a field to correct the record")
        atlas.review(kind, record_id, state, changes, _text(form.get("note")))
    except InvalidChange as exc:
        return _review_form(request, kind, rec, str(exc), status=422)
    return RedirectResponse(record_url(kind, record_id), status_code=303)


@router.get("/add/{kind}", response_class=HTMLResponse, include_in_schema=False)
def new_page(request: Request, kind: NewKind, user: EditorDep) -> HTMLResponse:
    return render(request, "new.html", _new_context(kind, {}, None))


def _new_context(kind: str, form: dict[str, Any], error: str | None) -> dict[str, Any]:
    return {"kind": kind, "form": form, "error": error, "themes": THEMES,
            "partnership_kinds": PARTNERSHIP_KINDS, "partnership_statuses": PARTNERSHIP_STATUSES,
            "action_statuses": ACTION_STATUSES}


@router.post("/add/{kind}", include_in_schema=False)
async def new_post(request: Request, kind: NewKind, atlas: AtlasDep, user: EditorDep) -> Response:
    form = await _form(request)
    check_csrf(request, form.get("csrf"))
    try:
        data = {k: v for k, v in _fields(atlas, kind, form).items()
                if v not in (None, [], "") or k == "status"}
        data = {k: v for k, v in data.items() if v is not None}
        rid = atlas.add_manual(kind, data)
    except InvalidChange as exc:
        return render(request, "new.html", _new_context(kind, form, str(exc)), status=422)
    return RedirectResponse(record_url(kind, rid), status_code=303)


# -- uploads ----------------------------------------------------------------------------------------
def _safe_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name
    base = re.sub(r"[^\w.\- ]", "_", base).strip(" .") or "document"
    return base[:120]


def _upload_extractor(request: Request):
    """The server's one extractor for uploads, made on first use: it never forks worker
    processes for a long text (`workers=1`), which is unsafe in a threaded server."""
    state = request.app.state
    if getattr(state, "upload_extractor", None) is None:
        from jumelage.extract.pipeline import Extractor

        state.upload_extractor = Extractor(workers=1)
    return state.upload_extractor


def ingest_uploads(request: Request, atlas: Atlas,
                   files: list[tuple[str, bytes]]) -> list[dict[str, Any]]:
    """Ingest uploaded files `(name, content)`: `{"file", "state", "problem", "problem_key",
    "problem_values"}` for each, in order (`problem_key`: the locale key of the web's own refusals).

    A file of a type not allowed or larger than the limit is refused without being read; one whose
    text is longer than `settings.upload_max_text_mb` is refused once read.
    """
    from jumelage.ingest import ingest

    settings = request.app.state.settings
    results: list[dict[str, Any]] = []
    if len(files) > settings.upload_max_files:
        raise InvalidChange(f"at most {settings.upload_max_files} files per upload")
    with tempfile.TemporaryDirectory(prefix="jumelage-upload-") as tmp:
        wanted: dict[str, int] = {}
        for name, content in files:
            safe = _safe_name(name)
            entry = {"file": safe, "state": None, "problem": None, "problem_key": None,
                     "problem_values": {}}
            results.append(entry)
            if Path(safe).suffix.lower() not in settings.upload_types:
                types = ", ".join(settings.upload_types)
                entry.update(state="refused", problem=f"type not accepted ({types})",
                             problem_key="upload.problem.type", problem_values={"types": types})
            elif len(content) > settings.upload_max_bytes:
                kb = settings.upload_max_bytes // 1024
                entry.update(state="refused", problem=f"larger than {kb} kB",
                             problem_key="upload.problem.size", problem_values={"kb": kb})
            elif not content:
                entry.update(state="refused", problem="empty file",
                             problem_key="upload.problem.empty")
            elif safe in wanted:
                entry.update(state="refused", problem="two files of this name in one upload",
                             problem_key="upload.problem.twice")
            else:
                (Path(tmp) / safe).write_bytes(content)
                wanted[safe] = len(results) - 1
        if wanted:
            outcomes: dict[str, Any] = {}
            ingest([Path(tmp) / n for n in wanted], atlas, extractor=_upload_extractor(request),
                   progress=lambda o, *_: outcomes.__setitem__(Path(o.path).name, o), writer=False,
                   max_text_mb=settings.upload_max_text_mb)
            for name, index in wanted.items():
                outcome = outcomes.get(name)
                missing = "upload.problem.not_ingested"
                results[index].update(state=outcome.state if outcome else "failed",
                                      problem=outcome.problem if outcome else "not ingested",
                                      problem_key=None if outcome else missing)
    for entry in results:
        if isinstance(entry["problem"], str):
            entry["problem"] = entry["problem"].replace(tempfile.gettempdir(), "…")
    return results


@router.get("/upload", response_class=HTMLResponse, include_in_schema=False)
def upload_page(request: Request, user: EditorDep) -> HTMLResponse:
    return render(request, "upload.html", {"results": None, "error": None})


@router.post("/upload", include_in_schema=False)
async def upload_post(request: Request, atlas: AtlasDep, user: EditorDep) -> Response:
    settings = request.app.state.settings
    limit = settings.upload_max_bytes * settings.upload_max_files + 1_000_000
    if int(request.headers.get("content-length") or 0) > limit:
        raise HTTPException(413, "upload too large")
    form = await request.form(max_files=settings.upload_max_files + 1)
    check_csrf(request, form.get("csrf") if isinstance(form.get("csrf"), str) else None)
    files = []
    for item in form.getlist("files"):
        if isinstance(item, UploadFile) and item.filename:
            files.append((item.filename, await item.read(settings.upload_max_bytes + 1)))
    try:
        from starlette.concurrency import run_in_threadpool
        results = await run_in_threadpool(ingest_uploads, request, atlas, files)
    except JumelageError as exc:
        return render(request, "upload.html", {"results": None, "error": str(exc)}, status=422)
    return render(request, "upload.html", {"results": results, "error": None})


# -- the same through the JSON API ------------------------------------------------------------------
Write = {401: {"description": "not signed in"}, 403: {"description": "not an editor, or no CSRF"},
         404: {"description": "no such record"}, 422: {"description": "invalid change"}}


@router.post("/api/records/{kind}/{record_id}/review", tags=["review"], responses=Write,
             summary="Confirm, correct (with `changes`) or reject a record")
def review_json(kind: ReviewKind, record_id: Id, atlas: AtlasDep, user: ApiWriterDep,
                state: Annotated[Literal["confirmed", "corrected", "rejected", "extracted"],
                                 Body()],
                changes: Annotated[dict[str, Any] | None, Body()] = None,
                note: Annotated[str | None, Body(max_length=2000)] = None) -> dict[str, Any]:
    return atlas.review(kind, record_id, state, changes, note)


@router.post("/api/records/{kind}", tags=["review"], responses=Write, status_code=201,
             summary="Add a record by hand (review state `manual`)")
def add_json(kind: ReviewKind, atlas: AtlasDep, user: ApiWriterDep,
             data: Annotated[dict[str, Any], Body(embed=True)]) -> dict[str, Any]:
    rid = atlas.add_manual(kind, data)
    return {"id": rid, "record": atlas.record(kind, rid)}


@router.get("/api/me", tags=["review"], summary="The signed-in account, if any")
def me(request: Request) -> dict[str, Any]:
    user = current_user(request)
    return {"user": user}
