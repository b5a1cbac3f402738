"""The FastAPI application: pages, JSON API, security headers and error handling.

``create_app`` wires one store and one companion (the same engine, planner and
crisis protocol as ``talkcure chat``) into the routers. ``app_from_env`` is the
factory ``talkcure serve`` hands to uvicorn, so each worker process builds its
own app from TALKCURE_DATABASE_URL.
"""

from __future__ import annotations

import logging
import re
from importlib.resources import files

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from sqlalchemy import event
from starlette.exceptions import HTTPException as StarletteHTTPException

from talkcure import __version__ as VERSION
from talkcure.errors import TalkcureError
from talkcure.settings import database_url
from talkcure.store import Store
from talkcure.therapy import Companion
from talkcure.web.deps import NotSignedIn, Web

log = logging.getLogger(__name__)
WEB_DATA = files("talkcure") / "data" / "web"
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
MEASURE_LINK = re.compile(r"/measure (phq9|gad7|rses|wsas)\b")
TITLES = {"phq9": "PHQ-9", "gad7": "GAD-7", "rses": "RSES", "wsas": "WSAS"}
SQLITE_BUSY_MS = 30_000


def web_text(text: str) -> Markup:
    """A companion text for the page: escaped, with the chat's slash commands turned
    into what the web offers instead."""
    html = str(escape(text))
    html = html.replace("Type /quit when you want to stop",
                        "Press “End this conversation” when you want to stop")
    html = MEASURE_LINK.sub(
        lambda m: f'<a href="/measures/{m.group(1)}">{TITLES[m.group(1)]}</a>', html)
    return Markup(html)


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(WEB_DATA / "templates"))
    templates.env.filters["web_text"] = web_text
    templates.env.filters["measure_title"] = lambda name: TITLES.get(name, str(name).title())
    templates.env.globals["version"] = VERSION
    return templates


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api")


def _error_page(request: Request, status: int, message: str):
    from talkcure.web.deps import session_of
    from talkcure.web.views import resources_view

    web: Web = request.app.state.web
    found = None
    if status < 500:
        try:
            found = session_of(request)
        except Exception:  # the page must render even when the store is down
            found = None
    context = {"status": status, "message": message, "user": found[0] if found else None,
               "csrf": found[1] if found else "", "resources": resources_view(web.companion)}
    return web.templates.TemplateResponse(request, "error.html", context, status_code=status)


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, _exc: NotSignedIn):
        if _is_api(request):
            return JSONResponse({"detail": "Sign in first."}, status_code=401)
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if _is_api(request) or request.url.path.startswith("/static"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code,
                                headers=getattr(exc, "headers", None))
        return _error_page(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        if _is_api(request):
            errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""),
                       "type": e.get("type", "")} for e in exc.errors()]
            return JSONResponse({"detail": errors}, status_code=422)
        return _error_page(request, 400, "That request was not understood; go back and "
                                         "try again.")

    @app.exception_handler(TalkcureError)
    async def user_error(request: Request, exc: TalkcureError):
        if _is_api(request):
            return JSONResponse({"detail": str(exc)}, status_code=400)
        return _error_page(request, 400, str(exc))

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception):
        # the type and the path only: an exception's text may quote what a person wrote
        log.error("internal error %s on %s %s", type(exc).__name__, request.method,
                  request.url.path)
        if _is_api(request):
            return JSONResponse({"detail": "Something went wrong on the server; nothing you "
                                           "sent was half-stored. Try again."},
                                status_code=500)
        return _error_page(request, 500, "Something went wrong on the server; try again.")


def _install_headers(app: FastAPI) -> None:
    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin"  # "no-referrer" makes Origin null
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if not request.url.path.startswith("/static"):
            headers["Cache-Control"] = "no-store"
        if request.url.scheme == "https":
            headers["Strict-Transport-Security"] = "max-age=31536000"
        return response


def _busy_timeout(dbapi_conn, _record) -> None:
    dbapi_conn.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")


def _patient_sqlite(store: Store) -> None:
    """Many requests write at once: on SQLite let a writer wait for the lock (30 s)
    rather than fail after the driver's default 5 s."""
    if store.engine.dialect.name == "sqlite":
        event.listen(store.engine, "connect", _busy_timeout)
        store.engine.dispose()  # connections already pooled get it on reconnect


def create_app(store: Store | None = None, *, db_url: str | None = None,
               companion: Companion | None = None) -> FastAPI:
    from talkcure.web import api, api_clinic, pages, pages_clinic

    store = store or Store(database_url(db_url))
    _patient_sqlite(store)
    companion = companion or Companion(store)
    app = FastAPI(
        title="talkcure",
        version=VERSION,
        description="A psychodynamic self-help companion with clinician supervision. "
                    "Not a clinician and not an emergency service. Sign in with "
                    "POST /api/session; send the returned CSRF token in the X-CSRF-Token "
                    "header of every state-changing request.",
        docs_url=None, redoc_url=None, openapi_url="/api/openapi.json",
    )
    app.state.web = Web(store, companion, templates=_templates())
    app.mount("/static", StaticFiles(directory=str(WEB_DATA / "static")), name="static")
    for router in (api.auth_router, api.router, api_clinic.router, pages.router,
                   pages_clinic.router):
        app.include_router(router)
    _install_handlers(app)
    _install_headers(app)
    return app


def app_from_env() -> FastAPI:
    """The app for ``talkcure serve`` (uvicorn factory): database from the environment.
    The listening models are loaded before the first person waits for them."""
    app = create_app()
    app.state.web.companion.pipeline.annotate_one("Warming up the listening models.")
    return app
