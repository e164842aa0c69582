"""``stemma serve``: the page an analyst works in, over the DuckDB store.

One FastAPI app serves two faces of the same data: server-rendered HTML pages
(Jinja2, autoescaped, no script but a few lines of our own and no remote
asset) and a JSON API under ``/api`` whose schema FastAPI publishes at
``/api/openapi.json``. A page and its API route call the same function in
:mod:`stemma.web.queries`, so what the page shows is what the API returns.

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
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import Depends, FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from stemma import __version__
from stemma.analysis.graph import Graph
from stemma.errors import ServeError
from stemma.report import svg
from stemma.store.db import Store
from stemma.web import queries
from stemma.web.jobs import (
    ALLOWED_SUFFIXES,
    MAX_FILE_BYTES,
    MAX_FILES,
    Ingester,
    Upload,
    UploadError,
    check_file,
    pasted,
)

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

READ_ONLY_MESSAGE = (
    "this server was started with --read-only: adding articles is turned off "
    "(restart `stemma serve` without --read-only to add articles)"
)

StoryId = Annotated[str, PathParam(pattern=queries.ID_PATTERN, description="a story id")]
ClaimId = Annotated[str, PathParam(pattern=queries.ID_PATTERN, description="a claim id")]
ArticleId = Annotated[str, PathParam(pattern=queries.ID_PATTERN, description="an article id")]
JobId = Annotated[str, PathParam(pattern=queries.ID_PATTERN, description="an ingest job id")]


def _reader(request: Request) -> Iterator[Store]:
    """A Store on a fresh cursor: requests read in parallel with a running ingest."""
    store: Store = request.app.state.store
    shell = Store.__new__(Store)
    shell.path = store.path
    with request.app.state.cursor_lock:
        shell.con = store.con.cursor()
    try:
        yield shell
    finally:
        shell.con.close()


Reader = Annotated[Store, Depends(_reader)]


def is_loopback(host: str) -> bool:
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
) -> FastAPI:
    """The app over the store ``db``; it opens the store now, so errors show early.

    ``allowed_hosts`` restricts the ``Host`` header (``serve`` passes the
    loopback names when bound to loopback); None accepts any.
    """
    store = Store(db, read_only=read_only)
    if store.path == ":memory:":
        uploads = Path(tempfile.mkdtemp(prefix="stemma-uploads-"))
    else:
        uploads = Path(store.path).with_name(Path(store.path).name + ".uploads")
    ingester = None if read_only else Ingester(store, uploads)
    cursor_lock = threading.Lock()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if ingester is not None:
            ingester.shutdown()
        store.close()

    app = FastAPI(
        title="stemma",
        version=__version__,
        description="Trace a news story back to its sources: stories, claims, articles, ingest.",
        # FastAPI's interactive docs load their script from a CDN: no remote
        # assets here, so only the schema is served.
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.cursor_lock = cursor_lock
    app.state.read_only = read_only
    app.state.ingester = ingester
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    env = _env()

    # -- plumbing -------------------------------------------------------------

    def page(
        request: Request, name: str, context: dict[str, Any], status: int = 200
    ) -> HTMLResponse:
        html = _render(env, name, request, read_only=read_only, **context)
        return HTMLResponse(html, status_code=status)

    def not_found(what: str) -> HTTPException:
        return HTTPException(404, f"no {what} with this id in the store")

    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Any]) -> Response:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            length = request.headers.get("content-length")
            if length and length.isdigit() and int(length) > MAX_BODY_BYTES:
                return _error(
                    request,
                    env,
                    413,
                    f"the upload is too large: at most {MAX_FILES} "
                    f"files of {MAX_FILE_BYTES // (1024 * 1024)} MB each",
                )
            if _cross_site(request):
                return _error(request, env, 403, "cross-site form posts are refused")
        response: Response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    if allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _error(request, env, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": jsonable_errors(exc)}, status_code=422)
        return _error(request, env, 404, "this address does not name anything in the store")

    # -- JSON API ---------------------------------------------------------------

    @app.get("/api/status", tags=["api"], summary="What the server serves")
    def api_status(con: Reader) -> dict[str, Any]:
        return {
            "version": __version__,
            "read_only": read_only,
            "articles": con.article_count(),
            "stories": len(con.stories()),
            "ingest_busy": ingester.busy() if ingester else False,
            "limits": {
                "max_file_bytes": MAX_FILE_BYTES,
                "max_files": MAX_FILES,
                "suffixes": list(ALLOWED_SUFFIXES),
            },
        }

    @app.get("/api/stories", tags=["api"], summary="Stories, optionally searched")
    def api_stories(
        con: Reader,
        q: Annotated[str | None, Query(max_length=200, description="text to search")] = None,
    ) -> dict[str, Any]:
        return queries.stories(con, q)

    @app.get("/api/stories/{story_id}", tags=["api"], summary="One story")
    def api_story(story_id: StoryId, con: Reader) -> dict[str, Any]:
        data = queries.story(con, story_id)
        if data is None:
            raise not_found("story")
        return data

    @app.get("/api/stories/{story_id}/claims/{claim_id}", tags=["api"], summary="One claim")
    def api_claim(story_id: StoryId, claim_id: ClaimId, con: Reader) -> dict[str, Any]:
        data = queries.claim(con, story_id, claim_id)
        if data is None:
            raise not_found("claim")
        return data

    @app.get("/api/articles/{article_id}", tags=["api"], summary="One article")
    def api_article(article_id: ArticleId, con: Reader) -> dict[str, Any]:
        data = queries.article(con, article_id)
        if data is None:
            raise not_found("article")
        return queries.jsonable(data)

    async def accept(
        files: list[UploadFile], text: str | None, title: str | None, outlet: str | None
    ) -> dict[str, Any]:
        if ingester is None:
            raise UploadError(403, READ_ONLY_MESSAGE)
        chosen = [f for f in files if f.filename]
        if len(chosen) > MAX_FILES:
            raise UploadError(413, f"{len(chosen)} files is over the limit of {MAX_FILES}")
        uploads: list[Upload] = []
        for f in chosen:
            data = await f.read(MAX_FILE_BYTES + 1)
            uploads.append(check_file(f.filename, data))
        if text and text.strip():
            uploads.append(pasted(text, title, outlet))
        return ingester.submit(uploads).as_dict()

    @app.post(
        "/api/ingest",
        tags=["api"],
        status_code=202,
        summary="Add articles (files and/or pasted text) and analyse them",
        responses={
            400: {"description": "nothing to add, or an empty file"},
            403: {"description": "the server is read-only"},
            413: {"description": "too large or too many files"},
            415: {"description": "a file type that is not accepted"},
        },
    )
    async def api_ingest(
        files: Annotated[list[UploadFile], File(description="article files")] = [],  # noqa: B006
        text: Annotated[str | None, Form(description="an article's text")] = None,
        title: Annotated[str | None, Form(max_length=500)] = None,
        outlet: Annotated[str | None, Form(max_length=200)] = None,
    ) -> JSONResponse:
        try:
            job = await accept(files, text, title, outlet)
        except UploadError as e:
            return JSONResponse({"detail": e.message}, status_code=e.status)
        return JSONResponse(job, status_code=202)

    @app.get("/api/ingest/jobs/{job_id}", tags=["api"], summary="An ingest job's progress")
    def api_job(job_id: JobId) -> dict[str, Any]:
        job = ingester.get(job_id) if ingester else None
        if job is None:
            raise not_found("ingest job")
        return job

    # -- pages -------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def stories_page(
        request: Request, con: Reader, q: Annotated[str | None, Query(max_length=200)] = None
    ) -> HTMLResponse:
        return page(request, "stories.html", {"data": queries.stories(con, q)})

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, story_id: StoryId, con: Reader) -> HTMLResponse:
        data = queries.story(con, story_id)
        if data is None:
            raise not_found("story")
        graph = Markup(svg.render(Graph.from_dict(data["graph"])))
        return page(request, "story.html", {"s": data, "graph_svg": graph})

    @app.get(
        "/stories/{story_id}/claims/{claim_id}",
        response_class=HTMLResponse,
        include_in_schema=False,
    )
    def claim_page(
        request: Request, story_id: StoryId, claim_id: ClaimId, con: Reader
    ) -> HTMLResponse:
        data = queries.claim(con, story_id, claim_id)
        if data is None:
            raise not_found("claim")
        return page(request, "claim.html", {"c": data})

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(
        request: Request,
        article_id: ArticleId,
        con: Reader,
        s: Annotated[int | None, Query(ge=0, description="a sentence to mark")] = None,
    ) -> HTMLResponse:
        data = queries.article(con, article_id)
        if data is None:
            raise not_found("article")
        spans = [
            *data["spans"],
            *(
                {
                    "kind": "sentence",
                    "start": x["start"],
                    "end": x["end"],
                    "anchor": f"s{x['index']}",
                }
                for x in data["sentences"]
            ),
        ]
        marks = [(x["start"], x["end"]) for x in data["sentences"] if x["index"] == s]
        removed = [
            {"kind": "removed", "start": r["start"], "end": r["end"], "title": r["reason"]}
            for r in data["removed"]
        ]
        return page(
            request,
            "article.html",
            {
                "a": data,
                "text_segments": queries.segments(data["text"] or "", spans, marks),
                "raw_segments": queries.segments(data["raw_text"] or "", removed),
                "marked": s,
            },
        )

    @app.get("/ingest", response_class=HTMLResponse, include_in_schema=False)
    def ingest_page(request: Request) -> HTMLResponse:
        return page(
            request,
            "ingest.html",
            _ingest_context(),
            status=403 if read_only else 200,
        )

    @app.post("/ingest", include_in_schema=False)
    async def ingest_form(
        request: Request,
        files: Annotated[list[UploadFile], File()] = [],  # noqa: B006
        text: Annotated[str | None, Form(max_length=MAX_FILE_BYTES)] = None,
        title: Annotated[str | None, Form(max_length=500)] = None,
        outlet: Annotated[str | None, Form(max_length=200)] = None,
    ) -> Response:
        try:
            job = await accept(files, text, title, outlet)
        except UploadError as e:
            context = {
                **_ingest_context(),
                "error": e.message,
                "text": text or "",
                "title": title or "",
                "outlet": outlet or "",
            }
            return page(request, "ingest.html", context, status=e.status)
        return RedirectResponse(f"/ingest/jobs/{job['id']}", status_code=303)

    @app.get("/ingest/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    def job_page(request: Request, job_id: JobId, con: Reader) -> HTMLResponse:
        job = ingester.get(job_id) if ingester else None
        if job is None:
            raise not_found("ingest job")
        titles = {}
        if job["state"] == "done" and job["stories"]:
            titles = {s["id"]: s for s in queries.stories(con)["stories"]}
        return page(request, "job.html", {"job": job, "stories": titles})

    def _ingest_context() -> dict[str, Any]:
        return {
            "max_mb": MAX_FILE_BYTES // (1024 * 1024),
            "max_files": MAX_FILES,
            "suffixes": ALLOWED_SUFFIXES,
            "read_only_message": READ_ONLY_MESSAGE if read_only else None,
            "busy": ingester.busy() if ingester else False,
        }

    return app


def jsonable_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    """Validation errors without the offending input echoed back."""
    return [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in exc.errors()]


def _error(request: Request, env: Environment, status: int, message: str) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": message}, status_code=status)
    html = _render(env, "error.html", request, status=status, message=message)
    return HTMLResponse(html, status_code=status)


def _render(env: Environment, name: str, request: Request, **context: Any) -> str:
    """A template with what every page needs: the request, version, url()."""
    return env.get_template(name).render(
        request=request,
        version=__version__,
        url=lambda path, **params: _url(path, params),
        **context,
    )


def _cross_site(request: Request) -> bool:
    """A state-changing request sent by another site's page (CSRF).

    Browsers say where a request comes from in ``Sec-Fetch-Site``; older ones
    only in ``Origin``. Clients that send neither (curl, scripts) are not
    browsers driven by another site, and pass.
    """
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site not in ("same-origin", "none")
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return False
    return urlsplit(origin).netloc != request.headers.get("host", "")


def _url(path: str, params: dict[str, Any]) -> str:
    """A local URL; path parts are ids (validated) and query values are quoted."""
    query = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in params.items() if v is not None)
    return path + ("?" + query if query else "")


def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["credibility"] = lambda grade: str(grade)[1:2] if grade else "6"
    env.filters["kind_label"] = lambda s: str(s).replace("_", " ")
    return env
