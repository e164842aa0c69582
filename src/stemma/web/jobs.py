"""Ingest from the web page: uploads checked, saved, and analysed in the background.

DuckDB lets one process write a store file, so the server owns the store's
only read-write connection and runs every analysis itself: one worker thread
takes the jobs in order (a second upload waits its turn rather than fighting
the first for the file), while pages keep reading through their own cursors
and see each batch as soon as it is committed.

Uploaded bytes never reach the filesystem under a name a request chose: each
job gets a folder named by a random id next to the store, and each file in it
a generated name; only the (lower-cased) suffix of the uploaded name is kept,
from a fixed list, because ingest picks its reader by suffix.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
import traceback
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from stemma.model import Note, Problem
from stemma.store.db import Store

#: Per-file upload limit: a long article is ~100 KB of HTML; 5 MB leaves room
#: for a feed or a JSONL batch while keeping a stray upload from filling the disk.
MAX_FILE_BYTES = 5 * 1024 * 1024

#: Files per upload; more is a batch job for ``stemma analyze``.
MAX_FILES = 20

#: Suffixes ingest can read as articles; archives (WARC) are left to the CLI.
ALLOWED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".xml", ".rss", ".atom")

#: Jobs remembered for the progress page; older finished ones are forgotten.
KEEP_JOBS = 50


class UploadError(ValueError):
    """An upload refused, with the HTTP status to answer and a message to show."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True, slots=True)
class Upload:
    """One checked file: its original name (shown, never used as a path), suffix, bytes."""

    name: str
    suffix: str
    data: bytes


def check_file(name: str | None, data: bytes) -> Upload:
    """Refuse what ingest cannot or should not read; say why and what is accepted."""
    shown = PurePath((name or "upload").replace("\\", "/")).name or "upload"
    suffix = PurePath(shown).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise UploadError(
            415,
            f"{shown}: files of type '{suffix or 'none'}' are not accepted; "
            f"upload {', '.join(ALLOWED_SUFFIXES)}",
        )
    if len(data) > MAX_FILE_BYTES:
        raise UploadError(
            413,
            f"{shown}: {len(data):,} bytes is over the limit of {MAX_FILE_BYTES:,} bytes "
            "per file; split it, or analyse it with `stemma analyze`",
        )
    if not data.strip():
        raise UploadError(400, f"{shown}: the file is empty")
    if b"\x00" in data:
        raise UploadError(415, f"{shown}: this is a binary file, not text")
    return Upload(shown, suffix, data)


def pasted(text: str, title: str | None = None, outlet: str | None = None) -> Upload:
    """Pasted text as an upload: a JSON record when it has a title or outlet
    (so the metadata reaches ingest), plain text otherwise."""
    if not text.strip():
        raise UploadError(400, "the pasted text is empty")
    meta = {k: v.strip() for k, v in (("title", title), ("outlet", outlet)) if v and v.strip()}
    if meta:
        data = json.dumps({**meta, "text": text}, ensure_ascii=False).encode("utf-8")
        return check_file("pasted.json", data)
    return check_file("pasted.txt", text.encode("utf-8"))


@dataclass
class Job:
    """One ingest run, as the progress page shows it."""

    id: str
    files: list[str]
    state: str = "queued"  # queued | running | done | failed
    created: float = field(default_factory=time.time)
    finished: float | None = None
    steps: dict[str, dict[str, int | None]] = field(default_factory=dict)
    message: str | None = None
    summary: dict[str, Any] | None = None
    articles: list[str] = field(default_factory=list)
    stories: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "files": list(self.files),
            "state": self.state,
            "created": self.created,
            "finished": self.finished,
            "steps": [{"name": k, **v} for k, v in self.steps.items()],
            "message": self.message,
            "summary": self.summary,
            "articles": list(self.articles),
            "stories": list(self.stories),
        }


class _JobProgress:
    """Records the pipeline's progress (stage, done, total) on one job."""

    def __init__(self, job: Job, lock: threading.Lock) -> None:
        self.job, self.lock = job, lock

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        with self.lock:
            self.job.steps[stage] = {"done": done, "total": total}


class Ingester:
    """Runs ingest jobs one at a time on the server's store."""

    def __init__(self, store: Store, folder: Path) -> None:
        self.store = store
        self.folder = folder
        self.lock = threading.Lock()
        self.jobs: dict[str, Job] = {}
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stemma-ingest")

    def submit(self, uploads: Sequence[Upload]) -> Job:
        if not uploads:
            raise UploadError(400, "nothing to add: choose files or paste an article's text")
        if len(uploads) > MAX_FILES:
            raise UploadError(413, f"{len(uploads)} files is over the limit of {MAX_FILES}")
        job = Job(id=secrets.token_hex(8), files=[u.name for u in uploads])
        where = self.folder / job.id
        where.mkdir(parents=True, exist_ok=False)
        for i, u in enumerate(uploads):
            (where / f"upload-{i:03d}-{secrets.token_hex(4)}{u.suffix}").write_bytes(u.data)
        with self.lock:
            self.jobs[job.id] = job
            finished = [j for j in self.jobs.values() if j.finished is not None]
            for old in finished[: max(0, len(self.jobs) - KEEP_JOBS)]:
                del self.jobs[old.id]
        self.pool.submit(self._run, job, where)
        return job

    def get(self, job_id: str) -> dict[str, Any] | None:
        with self.lock:
            job = self.jobs.get(job_id)
            return None if job is None else job.as_dict()

    def busy(self) -> bool:
        with self.lock:
            return any(j.state in ("queued", "running") for j in self.jobs.values())

    def shutdown(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def _run(self, job: Job, where: Path) -> None:
        from stemma.engine import local as pipeline

        with self.lock:
            job.state = "running"
        problems: list[str] = []
        notes: list[str] = []

        def report(p: Problem) -> None:
            (notes if isinstance(p, Note) else problems).append(
                f"{_shown(p.path, where, job)}: {p.reason}"
            )

        writer = self.store.cursor()
        try:
            result = pipeline.analyze(
                [str(where)],
                db=writer,
                progress=False,
                on_problem=report,
                on_progress=_JobProgress(job, self.lock),
            )
            ids = [str(i) for i in result.articles["id"]]
            stories = [s["id"] for s in result.report.get("stories", [])]
            with self.lock:
                job.summary = {**result.summary.as_dict(), "problems": problems, "notes": notes}
                job.articles, job.stories = ids, stories
                job.state = "done"
                job.message = (
                    f"{len(ids)} article(s) read, {result.summary.annotated} analysed"
                    + (f"; {len(problems)} skipped" if problems else "")
                    + (f"; {len(notes)} cut at the length limit" if notes else "")
                )
        except Exception as e:  # the page must say what broke, not hang on "running"
            traceback.print_exc()
            with self.lock:
                job.state = "failed"
                job.message = f"the analysis failed: {e}"
        finally:
            writer.con.close()
            with self.lock:
                job.finished = time.time()


def _shown(path: str, where: Path, job: Job) -> str:
    """An uploaded file's original name in place of its generated one."""
    name = PurePath(path).name
    if name.startswith("upload-"):
        try:
            return job.files[int(name.split("-")[1])]
        except (ValueError, IndexError):
            return name
    return name
