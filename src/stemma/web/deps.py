"""What the API and the page routes share: store access, id types, rendering.

Shared state lives on ``request.app.state`` (set by
:func:`stemma.web.app.create_app`): ``store``, ``cursor_lock``, ``pages``
(the :class:`PageCache`), ``env`` (Jinja2), ``ingester`` (None when
read-only) and ``read_only``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, select_autoescape

from stemma import __version__
from stemma.store.db import Store
from stemma.web import queries
from stemma.web.jobs import (
    MAX_FILE_BYTES,
    MAX_FILES,
    Ingester,
    Upload,
    UploadError,
    check_file,
    pasted,
)

HERE = Path(__file__).parent

READ_ONLY_MESSAGE = (
    "this server was started with --read-only: adding articles is turned off "
    "(restart `stemma serve` without --read-only to add articles)"
)

# Ids are checked against ID_PATTERN here, before any of them reaches SQL.
StoryId = Annotated[str, PathParam(pattern=queries.ID_PATTERN, description="a story id")]
ClaimId = Annotated[str, PathParam(pattern=queries.ID_PATTERN, description="a claim id")]
ArticleId = Annotated[str, PathParam(pattern=queries.ID_PATTERN, description="an article id")]
JobId = Annotated[str, PathParam(pattern=queries.ID_PATTERN, description="an ingest job id")]


@contextmanager
def reading(request: Request) -> Iterator[Store]:
    """A Store on a fresh cursor: requests read in parallel with a running ingest."""
    store: Store = request.app.state.store
    with request.app.state.cursor_lock:
        shell = store.cursor()
    try:
        yield shell
    finally:
        shell.con.close()


def _reader(request: Request) -> Iterator[Store]:
    with reading(request) as shell:
        yield shell


#: A route parameter of this type gets its own store cursor for the request.
Reader = Annotated[Store, Depends(_reader)]


def not_found(what: str) -> HTTPException:
    return HTTPException(404, f"no {what} with this id in the store")


async def accept(
    request: Request,
    files: list[UploadFile],
    text: str | None,
    title: str | None,
    outlet: str | None,
) -> dict[str, Any]:
    """Check an upload (files and/or pasted text) and start an ingest job on it.

    Shared by ``POST /api/ingest`` and the ingest form so both enforce the
    same limits. Raises UploadError (with the HTTP status) when refused.
    """
    ingester: Ingester | None = request.app.state.ingester
    if ingester is None:
        raise UploadError(403, READ_ONLY_MESSAGE)
    chosen = [f for f in files if f.filename]
    if len(chosen) > MAX_FILES:
        raise UploadError(413, f"{len(chosen)} files is over the limit of {MAX_FILES}")
    uploads: list[Upload] = []
    for f in chosen:
        # One byte over the limit is enough for check_file to refuse it.
        data = await f.read(MAX_FILE_BYTES + 1)
        uploads.append(check_file(f.filename, data))
    if text and text.strip():
        uploads.append(pasted(text, title, outlet))
    return ingester.submit(uploads).as_dict()


# -- rendering ------------------------------------------------------------------


def template_env() -> Environment:
    """The Jinja2 environment; autoescape is on for every template and string."""
    env = Environment(
        # The brief's partials (report/templates/partials) are shared, so the
        # static brief and this page say the same thing the same way.
        loader=ChoiceLoader(
            [FileSystemLoader(HERE / "templates"), PackageLoader("stemma.report", "templates")]
        ),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["credibility"] = lambda grade: str(grade)[1:2] if grade else "6"
    env.filters["kind_label"] = lambda s: str(s).replace("_", " ")
    return env


class PageCache:
    """Rendered answers kept until the store changes (``Store.generation``).

    The largest story pages take a second to query and render; under several
    readers at once each request rebuilt the same page. An answer is kept as
    bytes with the store generation it was built at, and served while that
    is current: every committed write (an ingest job's, through the store or
    one of its cursors) bumps the generation, so the next request after a
    change builds the answer again. A read-only server's store cannot change
    under it (DuckDB lets no other process write a file it has open).

    Bounded: the least recently used answer goes first once more than
    ``size`` answers or ``max_bytes`` bytes are kept. Thread-safe: uvicorn
    runs the routes on a thread pool; one lock guards the table, and a build
    lock per key (striped) lets one thread build a missing answer while the
    others asking for it wait for that one, rather than all building it at
    once. ``size=0`` turns the cache off (every request builds its answer).

    ``hits``, ``misses`` and ``builds`` count what happened, for tests and
    benches.
    """

    STRIPES = 16

    def __init__(self, size: int = 32, max_bytes: int = 256 * 1024 * 1024) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self.hits = self.misses = self.builds = 0
        self._kept: OrderedDict[tuple[str, ...], tuple[int, bytes]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._building = [threading.Lock() for _ in range(self.STRIPES)]

    def __len__(self) -> int:
        return len(self._kept)

    def get(self, key: tuple[str, ...], generation: int) -> bytes | None:
        with self._lock:
            hit = self._kept.get(key)
            if hit is None or hit[0] != generation:
                self.misses += 1
                return None
            self._kept.move_to_end(key)
            self.hits += 1
            return hit[1]

    def put(self, key: tuple[str, ...], generation: int, body: bytes) -> None:
        if self.size <= 0:
            return
        with self._lock:
            old = self._kept.pop(key, None)
            if old is not None:
                self._bytes -= len(old[1])
            self._kept[key] = (generation, body)
            self._bytes += len(body)
            while len(self._kept) > self.size or (
                self._bytes > self.max_bytes and len(self._kept) > 1
            ):
                _, (_, dropped) = self._kept.popitem(last=False)
                self._bytes -= len(dropped)

    def fetch(
        self, key: tuple[str, ...], generation: int, build: Callable[[], bytes | None]
    ) -> bytes | None:
        """The answer kept for ``key`` at ``generation``, or the one ``build``
        makes (kept unless None: what does not exist is never kept)."""
        if self.size <= 0:
            with self._lock:
                self.builds += 1
            return build()
        body = self.get(key, generation)
        if body is not None:
            return body
        with self._building[hash(key) % self.STRIPES]:
            # Another thread may have built it while this one waited.
            with self._lock:
                hit = self._kept.get(key)
                if hit is not None and hit[0] == generation:
                    self.hits += 1
                    return hit[1]
                self.builds += 1
            body = build()
            if body is not None:
                self.put(key, generation, body)
            return body


def cached(
    request: Request, key: tuple[str, ...], build: Callable[[Store], bytes | None]
) -> bytes | None:
    """The answer ``build`` makes from the store, from the cache while the
    store is unchanged; None when ``build`` finds nothing (never cached).

    ``build`` gets a cursor of its own, opened only when the answer is not
    kept: a cache hit touches neither the store nor its lock.
    """
    cache: PageCache = request.app.state.pages
    # Read before building: a write during the build leaves the answer kept
    # under the old generation, and the next request builds it again.
    generation = request.app.state.store.generation

    def from_store() -> bytes | None:
        with reading(request) as con:
            return build(con)

    return cache.fetch(key, generation, from_store)


def json_bytes(data: Any) -> bytes:
    """``data`` as FastAPI would send it (NaN as null: JSON has no NaN)."""
    return bytes(JSONResponse(jsonable_encoder(queries.jsonable(data))).body)


def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    """A page from template ``name``; every page knows whether the server is read-only."""
    html = render(
        request.app.state.env, name, request, read_only=request.app.state.read_only, **context
    )
    return HTMLResponse(html, status_code=status)


def error_response(request: Request, status: int, message: str) -> Response:
    """An error as JSON under ``/api``, as an error page elsewhere."""
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": message}, status_code=status)
    html = render(request.app.state.env, "error.html", request, status=status, message=message)
    return HTMLResponse(html, status_code=status)


def render(env: Environment, name: str, request: Request, **context: Any) -> str:
    """A template with what every page needs: the request, version, url()."""
    return env.get_template(name).render(
        request=request,
        version=__version__,
        url=lambda path, **params: _url(path, params),
        **context,
    )


def _url(path: str, params: dict[str, Any]) -> str:
    """A local URL; path parts are ids (validated) and query values are quoted."""
    query = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in params.items() if v is not None)
    return path + ("?" + query if query else "")
