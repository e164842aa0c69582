"""``stemma serve``: the page an analyst works in, over the DuckDB store.

One FastAPI app serves two faces of the same data: server-rendered HTML pages
(Jinja2, autoescaped, no script but a few lines of our own and no remote
asset) and a JSON API under ``/api`` whose schema FastAPI publishes at
``/api/openapi.json``. A page and its API route call the same function in
:mod:`stemma.web.queries`, so what the page shows is what the API returns.

This module builds the app: shared state on ``app.state``, the security
middleware and the error handlers. The routes are in :mod:`stemma.web.api`
(JSON) and :mod:`stemma.web.pages` (HTML); what both use (store cursor, id
types, rendering) is in :mod:`stemma.web.deps`.

Safety, since article text is whatever the web served:

- every piece of text is escaped by Jinja2's autoescape, and the pages send a
  Content-Security-Policy that allows only the app's own script and style;
- ids in URLs must match ``queries.ID_PATTERN`` before they reach SQL, and
  no part of a request ever becomes a filesystem path (see ``jobs``);
- uploads are limited in size, number and type, with messages that say so;
- ``read_only`` opens the store read-only and turns ingest off (403);
- :func:`serve` binds to loopback unless a host was given explicitly, and a
  loopback server answers only to loopback ``Host`` names (no DNS rebinding)
  and refuses cross-site form posts.
"""

from __future__ import annotations

import ipaddress
import tempfile
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from stemma import __version__
from stemma.errors import ServeError
from stemma.store.db import Store
from stemma.web import api, pages
from stemma.web.deps import PageCache, error_response, template_env
from stemma.web.jobs import MAX_FILE_BYTES, MAX_FILES, Ingester

HERE = Path(__file__).parent

#: Request bodies larger than this are refused before they are read: every
#: allowed file at its limit plus a megabyte of form fields and multipart framing.
MAX_BODY_BYTES = MAX_FILES * MAX_FILE_BYTES + 1024 * 1024

#: Host names a loopback-bound server answers to.
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")

#: Only the app's own files; inline SVG and JSON data blocks need nothing more.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (brackets around IPv6 allowed)."""
    if host.strip("[]") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(
    db: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    read_only: bool = False,
    host_given: bool = False,
) -> None:
    """Run the web app on ``host:port`` until interrupted.

    ``host_given`` says the user typed ``--host``: only then may the server
    listen on an address other machines can reach (it has no login).

    Raises:
        ServeError: ``host`` is not a loopback address and ``host_given`` is False.
        stemma.store.db.StoreError: the store cannot be opened (missing in
            read-only mode, locked by another process, another layout).
    """
    import uvicorn

    loopback = is_loopback(host)
    if not loopback and not host_given:
        raise ServeError(
            f"refusing to listen on {host}: it is reachable from other machines and "
            "stemma serve has no login; pass --host explicitly to mean it"
        )
    app = create_app(
        db, read_only=read_only, allowed_hosts=list(LOOPBACK_NAMES) if loopback else None
    )
    shown = f"[{host}]" if ":" in host else host
    print(
        f"stemma {__version__} serving {db} on http://{shown}:{port}/"
        + (" (read-only)" if read_only else ""),
        flush=True,
    )
    if not loopback:
        print(
            f"warning: {host} is reachable from other machines; anyone who can reach it "
            "can read the store" + ("" if read_only else " and add articles"),
            flush=True,
        )
    uvicorn.run(app, host=host, port=port, log_level="info")


def create_app(
    db: Path | str,
    *,
    read_only: bool = False,
    allowed_hosts: list[str] | None = None,
    page_cache: int = 32,
) -> FastAPI:
    """The app over the store ``db``; it opens the store now, so errors show early.

    ``allowed_hosts`` restricts the ``Host`` header (``serve`` passes the
    loopback names when bound to loopback); None accepts any. ``page_cache``
    is how many rendered story pages and story JSON answers are kept until
    the store changes (0: none, every request builds its answer; see
    :class:`stemma.web.deps.PageCache`).
    """
    store = Store(db, read_only=read_only)
    app = FastAPI(
        title="stemma",
        version=__version__,
        description="Trace a news story back to its sources: stories, claims, articles, ingest.",
        # FastAPI's interactive docs load their script from a CDN: no remote
        # assets here, so only the schema is served.
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=_lifespan,
    )
    # What the routes share (see stemma.web.deps).
    app.state.store = store
    # DuckDB cursors are made one at a time; each request then reads on its own.
    app.state.cursor_lock = threading.Lock()
    app.state.pages = PageCache(page_cache)
    app.state.read_only = read_only
    app.state.ingester = None if read_only else Ingester(store, _uploads_folder(store))
    app.state.env = template_env()

    # The brief's own stylesheet (matrix, bottom line, print), shared with report.html.
    shared_css = resources.files("stemma.report").joinpath("templates/partials/brief.css")
    brief_css = shared_css.read_text(encoding="utf-8")

    @app.get("/static/brief.css", include_in_schema=False)
    def _brief_css() -> Response:
        return Response(brief_css, media_type="text/css")

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)

    app.middleware("http")(_guard)
    app.add_middleware(_BodyLimit)
    # Added last, so it runs first: a request for a foreign Host is refused
    # before anything else looks at it.
    if allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)

    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    return app


def _uploads_folder(store: Store) -> Path:
    """Where uploaded files are kept: next to the store, or a temporary folder."""
    if store.path == ":memory:":
        return Path(tempfile.mkdtemp(prefix="stemma-uploads-"))
    return Path(store.path).with_name(Path(store.path).name + ".uploads")


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    # Let a running ingest finish before the store it writes to is closed.
    if app.state.ingester is not None:
        app.state.ingester.shutdown()
    app.state.store.close()


async def _guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    """Refuse oversized and cross-site posts; add the security headers to every answer."""
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > MAX_BODY_BYTES:
            return error_response(request, 413, _too_large(f"it is {int(length):,} bytes"))
        if _cross_site(request):
            return error_response(request, 403, "cross-site form posts are refused")
    response = await call_next(request)
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def _too_large(what: str) -> str:
    return (
        f"the upload is too large ({what}): a request may carry at most {MAX_BODY_BYTES:,} "
        f"bytes, {MAX_FILES} files of {MAX_FILE_BYTES // (1024 * 1024)} MB each"
    )


class _BodyLimit:
    """Refuse a request body over MAX_BODY_BYTES as it arrives.

    ``_guard`` reads the declared Content-Length; a chunked upload declares
    none, and the form parser would spool all of it to disk before anything
    could answer. Here the body is counted as it is received: past the
    limit the app is told the client left, its answer is dropped, and a 413
    is sent instead.
    """

    def __init__(self, app: Any, limit: int = MAX_BODY_BYTES) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        seen, tripped, started = 0, False, False

        async def counted() -> Any:
            nonlocal seen, tripped
            if tripped:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    tripped = True
                    return {"type": "http.disconnect"}
            return message

        async def answer(message: Any) -> None:
            nonlocal started
            if tripped and not started:
                return  # the app's reply to a body it never got whole
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, answer)
        except Exception:
            if not tripped:
                raise
        if tripped and not started:
            what = f"more than {self.limit:,} bytes were sent"
            await error_response(Request(scope), 413, _too_large(what))(scope, receive, send)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    return error_response(request, exc.status_code, str(exc.detail))


async def _invalid(request: Request, exc: Exception) -> Response:
    """A malformed request: JSON details for the API, a plain 404 page otherwise.

    A page URL with a malformed id names nothing, hence 404 rather than 422.
    """
    assert isinstance(exc, RequestValidationError)
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": jsonable_errors(exc)}, status_code=422)
    return error_response(request, 404, "this address does not name anything in the store")


def jsonable_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    """Validation errors without the offending input echoed back."""
    return [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in exc.errors()]


def _cross_site(request: Request) -> bool:
    """A state-changing request sent by another site's page (CSRF).

    Browsers say where a request comes from in ``Sec-Fetch-Site`` and
    ``Origin`` (older ones only in ``Origin``). Strict: each one that is sent
    must say this server. ``Sec-Fetch-Site`` must be ``same-origin`` (or
    ``none``: the user's own action, not a page's); ``same-site`` is refused
    too, since another port or sub-domain of this host is another
    application. ``Origin`` must be this server's own ``scheme://host[:port]``
    (its host as the ``Host`` header names it); ``null``, an opaque origin
    (a sandboxed frame, a ``file://`` page, a redirect), is refused. Clients
    that send neither (curl, scripts) are not browsers driven by another
    site, and pass.
    """
    site = request.headers.get("sec-fetch-site")
    if site is not None and site.strip().lower() not in ("same-origin", "none"):
        return True
    origin = request.headers.get("origin")
    if origin is None:
        return False
    try:
        parts = urlsplit(origin.strip())
    except ValueError:
        return True
    if parts.scheme not in ("http", "https") or parts.path not in ("", "/"):
        return True  # "null", "file://", or not an origin at all
    return parts.netloc.lower() != request.headers.get("host", "").lower()
