"""The HTML pages: stories, story, claim, article, ingest form and job.

Each page calls the same :mod:`stemma.web.queries` function as its API route
and renders the result with a Jinja2 template (see :func:`deps.page`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from stemma.model import Graph
from stemma.report import svg
from stemma.store.db import Store
from stemma.web import queries
from stemma.web.deps import (
    READ_ONLY_MESSAGE,
    ArticleId,
    ClaimId,
    JobId,
    Reader,
    StoryId,
    accept,
    cached,
    not_found,
    page,
)
from stemma.web.jobs import ALLOWED_SUFFIXES, MAX_FILE_BYTES, MAX_FILES, Ingester, UploadError

# Pages are not API: they stay out of the OpenAPI schema.
router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def stories_page(
    request: Request, con: Reader, q: Annotated[str | None, Query(max_length=200)] = None
) -> HTMLResponse:
    return page(request, "stories.html", {"data": queries.stories(con, q)})


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: StoryId) -> HTMLResponse:
    # Kept, rendered, until the store changes (see deps.PageCache).
    def build(con: Store) -> bytes | None:
        data = queries.story(con, story_id)
        if data is None:
            return None
        # svg.render escapes every label itself, so its output may go in unescaped.
        graph = Markup(svg.render(Graph.from_dict(data["graph"])))
        return bytes(page(request, "story.html", {"s": data, "graph_svg": graph}).body)

    body = cached(request, ("story", story_id), build)
    if body is None:
        raise not_found("story")
    return HTMLResponse(body)


@router.get("/stories/{story_id}/claims/{claim_id}", response_class=HTMLResponse)
def claim_page(request: Request, story_id: StoryId, claim_id: ClaimId, con: Reader) -> HTMLResponse:
    data = queries.claim(con, story_id, claim_id)
    if data is None:
        raise not_found("claim")
    return page(request, "claim.html", {"c": data})


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(
    request: Request,
    article_id: ArticleId,
    con: Reader,
    s: Annotated[int | None, Query(ge=0, description="a sentence to mark")] = None,
) -> HTMLResponse:
    data = queries.article(con, article_id)
    if data is None:
        raise not_found("article")
    # Sentence spans give every sentence an anchor (#s3) that claim pages link to.
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


@router.get("/ingest", response_class=HTMLResponse)
def ingest_page(request: Request) -> HTMLResponse:
    return page(
        request,
        "ingest.html",
        _ingest_context(request),
        status=403 if request.app.state.read_only else 200,
    )


@router.post("/ingest")
async def ingest_form(
    request: Request,
    files: Annotated[list[UploadFile], File()] = [],  # noqa: B006
    text: Annotated[str | None, Form(max_length=MAX_FILE_BYTES)] = None,
    title: Annotated[str | None, Form(max_length=500)] = None,
    outlet: Annotated[str | None, Form(max_length=200)] = None,
) -> Response:
    try:
        job = await accept(request, files, text, title, outlet)
    except UploadError as e:
        # The form comes back with the message and what was typed, so nothing is lost.
        context = {
            **_ingest_context(request),
            "error": e.message,
            "text": text or "",
            "title": title or "",
            "outlet": outlet or "",
        }
        return page(request, "ingest.html", context, status=e.status)
    # Post/redirect/get: reloading the job page does not submit the upload again.
    return RedirectResponse(f"/ingest/jobs/{job['id']}", status_code=303)


@router.get("/ingest/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: JobId, con: Reader) -> HTMLResponse:
    ingester: Ingester | None = request.app.state.ingester
    job = ingester.get(job_id) if ingester else None
    if job is None:
        raise not_found("ingest job")
    titles = {}
    if job["state"] == "done" and job["stories"]:
        titles = {s["id"]: s for s in queries.stories(con)["stories"]}
    return page(request, "job.html", {"job": job, "stories": titles})


def _ingest_context(request: Request) -> dict[str, Any]:
    """What the ingest form shows: the limits, and why it is off when read-only."""
    ingester: Ingester | None = request.app.state.ingester
    return {
        "max_mb": MAX_FILE_BYTES // (1024 * 1024),
        "max_files": MAX_FILES,
        "suffixes": ALLOWED_SUFFIXES,
        "read_only_message": READ_ONLY_MESSAGE if request.app.state.read_only else None,
        "busy": ingester.busy() if ingester else False,
    }
