"""The JSON API under ``/api``: stories, claims, articles, ingest.

Each route returns what a :mod:`stemma.web.queries` function returns, the
same data its page shows; the schema is published at ``/api/openapi.json``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from stemma import __version__
from stemma.store.db import Store
from stemma.web import queries
from stemma.web.deps import (
    ArticleId,
    ClaimId,
    JobId,
    Reader,
    StoryId,
    accept,
    cached,
    json_bytes,
    not_found,
)
from stemma.web.jobs import ALLOWED_SUFFIXES, MAX_FILE_BYTES, MAX_FILES, Ingester, UploadError

router = APIRouter(prefix="/api", tags=["api"])


def _missing(what: str) -> dict[int | str, dict[str, Any]]:
    """The documented answer for an id that names nothing in the store."""
    return {404: {"description": f"no {what} with this id in the store"}}


@router.get("/status", summary="What the server serves")
def api_status(request: Request, con: Reader) -> dict[str, Any]:
    ingester: Ingester | None = request.app.state.ingester
    return {
        "version": __version__,
        "read_only": request.app.state.read_only,
        "articles": con.article_count(),
        "stories": len(con.stories()),
        "ingest_busy": ingester.busy() if ingester else False,
        "limits": {
            "max_file_bytes": MAX_FILE_BYTES,
            "max_files": MAX_FILES,
            "suffixes": list(ALLOWED_SUFFIXES),
        },
    }


@router.get("/stories", summary="Stories, optionally searched")
def api_stories(
    con: Reader,
    q: Annotated[str | None, Query(max_length=200, description="text to search")] = None,
) -> dict[str, Any]:
    return queries.stories(con, q)


@router.get(
    "/stories/{story_id}",
    summary="One story",
    response_model=dict[str, Any],
    responses=_missing("story"),
)
def api_story(request: Request, story_id: StoryId) -> Response:
    # Kept, as JSON, until the store changes, like the story page (deps.PageCache).
    def build(con: Store) -> bytes | None:
        data = queries.story(con, story_id)
        return None if data is None else json_bytes(data)

    body = cached(request, ("story.json", story_id), build)
    if body is None:
        raise not_found("story")
    return Response(body, media_type="application/json")


@router.get(
    "/stories/{story_id}/claims/{claim_id}", summary="One claim", responses=_missing("claim")
)
def api_claim(story_id: StoryId, claim_id: ClaimId, con: Reader) -> dict[str, Any]:
    data = queries.claim(con, story_id, claim_id)
    if data is None:
        raise not_found("claim")
    return data


@router.get("/articles/{article_id}", summary="One article", responses=_missing("article"))
def api_article(article_id: ArticleId, con: Reader) -> dict[str, Any]:
    data = queries.article(con, article_id)
    if data is None:
        raise not_found("article")
    return queries.jsonable(data)


@router.post(
    "/ingest",
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
    request: Request,
    files: Annotated[list[UploadFile], File(description="article files")] = [],  # noqa: B006
    text: Annotated[str | None, Form(description="an article's text")] = None,
    title: Annotated[str | None, Form(max_length=500)] = None,
    outlet: Annotated[str | None, Form(max_length=200)] = None,
) -> JSONResponse:
    try:
        job = await accept(request, files, text, title, outlet)
    except UploadError as e:
        return JSONResponse({"detail": e.message}, status_code=e.status)
    return JSONResponse(job, status_code=202)


@router.get(
    "/ingest/jobs/{job_id}",
    summary="An ingest job's progress",
    responses=_missing("ingest job"),
)
def api_job(request: Request, job_id: JobId) -> dict[str, Any]:
    ingester: Ingester | None = request.app.state.ingester
    job = ingester.get(job_id) if ingester else None
    if job is None:
        raise not_found("ingest job")
    return job
