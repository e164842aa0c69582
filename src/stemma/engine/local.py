"""``analyze``: ingest → clean → annotate → store → brief, end to end.

This is the one place where the stages meet the store and the screen. The
stages themselves are pure; here they are fed, their results committed in
batches, and progress shown.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from stemma.analysis.story import analyse_story
from stemma.analysis.units import Unit, claim_units
from stemma.annotate.nlp import annotate, is_analysable, load_pipeline
from stemma.engine.progress import Bars, bars
from stemma.ingest.readers import LENGTH_CUT, load
from stemma.model import Annotation, Article, Note, Problem, Story
from stemma.report import brief, render
from stemma.settings import ANALYSIS_VERSION, DEFAULT, PIPELINE_VERSION, Settings
from stemma.store import Store, Tables
from stemma.store.codec import story_to_dict
from stemma.stories.cluster import StoryInput, cluster_stories, document_vectors, from_article
from stemma.stories.embed import DIMENSIONS, MAX_TOKENS, Prefetch, vector_key

#: Articles whose claim units are looked up in the vector cache together
#: before they are queued for the background embedder.
PREFETCH_EVERY = 20


@dataclass(slots=True)
class Summary:
    """What a run did, in numbers (the CLI's ``--json`` output)."""

    articles: int = 0  # distinct articles in the input
    annotated: int = 0  # newly annotated in this run
    cached: int = 0  # found already annotated in the store
    not_english: int = 0  # kept, not analysed
    duplicates: int = 0  # inputs whose text repeats an earlier input
    embedded: int = 0  # texts MiniLM embedded (headlines, claim units not cached)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)  # articles read, but not whole
    seconds: dict[str, float] = field(default_factory=dict)  # wall time per stage

    def as_dict(self) -> dict[str, Any]:
        return {
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
            "articles": self.articles,
            "annotated": self.annotated,
            "cached": self.cached,
            "not_english": self.not_english,
            "duplicates": self.duplicates,
            "embedded": self.embedded,
            "problems": [
                {"path": p.path, "line": p.line, "reason": p.reason} for p in self.problems
            ],
            "notes": [{"path": n.path, "line": n.line, "reason": n.reason} for n in self.notes],
        }


@dataclass(frozen=True, slots=True)
class Analysis:
    """The result of ``analyze``: tables (pandas) and the brief (a dict).

    Example:
        >>> result = analyze(["examples/fsb-china-leak"], progress=False)
        >>> result.quotes[["speaker", "text"]].head()  # doctest: +SKIP
    """

    tables: Tables
    summary: Summary
    report: dict[str, Any]
    written: tuple[Path, ...] = ()
    story_tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def claims(self) -> pd.DataFrame:
        """One row per claim group: outlets, independent roots, flags, grade."""
        return self.story_tables.get("claims", pd.DataFrame())

    @property
    def mentions(self) -> pd.DataFrame:
        return self.story_tables.get("mentions", pd.DataFrame())

    @property
    def reuse(self) -> pd.DataFrame:
        return self.story_tables.get("reuse", pd.DataFrame())

    @property
    def articles(self) -> pd.DataFrame:
        return self.tables.articles

    @property
    def sentences(self) -> pd.DataFrame:
        return self.tables.sentences

    @property
    def quotes(self) -> pd.DataFrame:
        return self.tables.quotes

    @property
    def attributions(self) -> pd.DataFrame:
        return self.tables.attributions

    @property
    def entities(self) -> pd.DataFrame:
        return self.tables.entities

    @property
    def timerefs(self) -> pd.DataFrame:
        return self.tables.timerefs

    @property
    def removed(self) -> pd.DataFrame:
        return self.tables.removed


def analyze(
    paths: Sequence[str | Path],
    *,
    db: str | Path | Store = ":memory:",
    out: str | Path | None = None,
    settings: Settings = DEFAULT,
    progress: bool | None = None,
    on_problem: Any = None,
    ratings: Mapping[str, str] | None = None,
    on_progress: Callable[[str, int, int | None], None] | None = None,
) -> Analysis:
    """Analyse the articles under ``paths`` and return tables and the brief.

    Args:
        paths: files, folders (searched recursively) or ``"-"`` for stdin.
        db: the DuckDB file; ``":memory:"`` keeps nothing after the call; or an
            open ``Store`` (left open: the web app analyses into its own store).
        out: a folder to write ``report.json``, ``report.md`` and ``report.html`` to.
        settings: options (see ``stemma.settings.Settings``).
        progress: show progress bars (default: ``settings.progress``).
        on_problem: called with each ``Problem`` as it is found (the CLI prints it),
            and with each ``Note`` (an article read but cut at the length limit).
        ratings: source reliability ratings, name → A–F (see ``stemma.analysis.grade``).
        on_progress: called as ``on_progress(stage, done, total)`` while work
            goes on (``total`` is None while unknown): the web app's progress.

    Example:
        >>> import stemma
        >>> result = stemma.analyze(["examples/fsb-china-leak"], progress=False)
        >>> len(result.articles)
        5
    """
    show = settings.progress if progress is None else progress
    owned = not isinstance(db, Store)
    store = Store(db) if not isinstance(db, Store) else db
    try:
        with bars(show, on_progress) as shown:
            return _run(paths, store, out, settings, on_problem, ratings, shown)
    finally:
        if owned:
            store.close()


def _run(
    paths: Sequence[str | Path],
    store: Store,
    out: str | Path | None,
    settings: Settings,
    on_problem: Any,
    ratings: Mapping[str, str] | None,
    bars: Bars,
) -> Analysis:
    summary = Summary()
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        summary.seconds[stage] = summary.seconds.get(stage, 0.0) + now - clock
        clock = now

    articles = _read(paths, settings, summary, bars, on_problem)
    summary.articles = len(articles)
    summary.not_english = sum(not is_analysable(a) for a in articles)
    lap("read")
    done = store.done_ids(a.id for a in articles)
    todo = [a for a in articles if a.id not in done]
    summary.cached = len(articles) - len(todo)
    # MiniLM runs on a second core while spaCy parses on the first (see
    # Prefetch): not for a few articles, nor when spaCy's processes take
    # every core.
    background = (
        settings.prefetch
        and len(todo) >= settings.prefetch_min_articles
        and settings.n_process < (os.cpu_count() or 1)
    )
    max_tokens = settings.claims.max_tokens
    with Prefetch(enabled=background) as ahead:
        made: dict[str, list[Unit]] = {}
        if todo:

            def failed(article: Article, error: Exception) -> None:
                why = f"could not be analysed ({type(error).__name__}: {error}); kept unannotated"
                problem = Problem(article.path, why.splitlines()[0])
                summary.problems.append(problem)
                if on_problem is not None:
                    on_problem(problem)

            made = _annotate_into(store, todo, settings, bars, ahead, on_error=failed)
        summary.annotated = len(todo)
        lap("annotate")
        entries = _story_stage(store, articles, ratings or {}, bars, ahead, settings, made)
    # Units made ahead but not asked for (their story has one article so
    # far) are kept: when the story grows they need not be embedded again.
    store.save_text_vectors(
        {vector_key(t, n): row for (t, n), row in ahead.leftovers().items() if n == max_tokens}
    )
    summary.embedded = ahead.embedded
    lap("stories")
    tables = store.tables([a.id for a in articles])
    story_tables = store.story_tables([e["id"] for e in entries])
    made_brief = brief.build(tables, summary.as_dict(), entries)
    written = render.write(made_brief, Path(out)) if out is not None else ()
    lap("report")
    return Analysis(
        tables=tables,
        summary=summary,
        report=made_brief,
        written=written,
        story_tables=story_tables,
    )


def _story_stage(
    store: Store,
    articles: Sequence[Article],
    ratings: Mapping[str, str],
    bars: Bars,
    ahead: Prefetch,
    settings: Settings,
    made: Mapping[str, Sequence[Unit]],
) -> list[dict[str, Any]]:
    """Assign stories (new articles join existing ones), analyse the stories
    this run touches unless stored results are current, and return their
    brief entries (``store.codec.story_to_dict``).

    ``made`` holds the claim units of the articles annotated in this run, so
    that no article's units are made twice."""
    run = [a for a in articles if is_analysable(a)]
    existing = store.stories()
    member = {a for s in existing for a in s.articles}
    new = [a for a in run if a.id not in member]
    stories = existing
    encode = _claim_encoder(store, ahead, settings.claims.max_tokens)
    # Articles and annotations read from the store, kept for the story loop
    # below instead of being read a second time.
    loaded: dict[str, Article] = {}
    annotations: dict[str, Annotation] = {}
    if new:
        # New articles are compared with every stored story's members.
        ids = [a for s in existing for a in s.articles] + [a.id for a in new]
        found, annotations = store.load(ids)
        loaded = {a.id: a for a in found}
        items = [from_article(a, annotations.get(a.id)) for a in found]
        matrix = _headline_vectors(store, ahead, items)
        documents = _document_vectors(store, encode, found, annotations, made, settings, matrix)
        stories = cluster_stories(
            items,
            existing=existing,
            embeddings=matrix,
            documents=documents,
            params=settings.stories,
        )
        store.save_stories(stories)
    wanted = {a.id for a in run}
    touched = [s for s in stories if wanted & set(s.articles)]
    task = bars.add("Stories", total=len(touched))
    fresh: dict[str, dict[str, Any]] = {}
    for story in touched:
        key = _story_key(story, ratings, settings)
        if store.story_key(story.id) != key:
            absent = [a for a in story.articles if a not in loaded]
            if absent:
                more, more_annotations = store.load(absent)
                loaded.update((a.id, a) for a in more)
                annotations.update(more_annotations)
            members = [loaded[a] for a in story.articles if a in loaded]
            result = analyse_story(
                story,
                members,
                annotations,
                ratings=ratings,
                encode=encode,
                units=made,
                settings=settings,
            )
            store.save_story(story.id, key, result)
            fresh[story.id] = story_to_dict(result)
        bars.advance(task)
    # Stories analysed in an earlier run: their stored entries are already the
    # serialized StoryResult (decoding them only to encode them again would
    # cost a cached re-run 5 %; tests/test_e2e.py checks the two agree).
    stored = iter(store.story_entries([s.id for s in touched if s.id not in fresh]))
    return [fresh[s.id] if s.id in fresh else next(stored) for s in touched]


def _headline_vectors(store: Store, ahead: Prefetch, items: Sequence[StoryInput]) -> np.ndarray:
    """MiniLM rows of the items' headlines: stored ones, else made now (and stored)."""
    vectors = store.vectors([it.id for it in items])
    missing = [it for it in items if it.id not in vectors]
    if missing:
        fresh = ahead.vectors([it.headline for it in missing], MAX_TOKENS)
        added = {it.id: fresh[it.headline] for it in missing}
        store.save_vectors(added)
        vectors.update(added)
    return np.asarray([vectors[it.id] for it in items], dtype=np.float32)


def _document_vectors(
    store: Store,
    encode: Callable[[Sequence[str]], np.ndarray],
    articles: Sequence[Article],
    annotations: Mapping[str, Annotation],
    made: Mapping[str, Sequence[Unit]],
    settings: Settings,
    headlines: np.ndarray,
) -> np.ndarray:
    """Each article's document vector (the mean of its claim units' vectors,
    which the story stage needs anyway): stored ones, else made now (and
    stored). An article without claim units stands for its title + lead."""
    keys = [f"{a.id}:{PIPELINE_VERSION}" for a in articles]
    vectors = store.doc_vectors(keys)
    todo: dict[int, list[str]] = {}  # position -> its units' texts
    for k, (article, key) in enumerate(zip(articles, keys, strict=True)):
        if key in vectors:
            continue
        annotation = annotations.get(article.id)
        units = made.get(article.id)
        if units is None:
            units = claim_units(article, annotation, params=settings.claims) if annotation else []
        todo[k] = [u.text for u in units]
    # One call per commit_every articles, not per article: the vector cache
    # is read and written once a chunk (1,000 small transactions cost ~20 s),
    # and a chunk's unit vectors are all that is held at once.
    added: dict[str, np.ndarray] = {}
    positions = list(todo)
    step = max(settings.commit_every, 1)
    for i in range(0, len(positions), step):
        chunk = positions[i : i + step]
        rows = document_vectors([todo[k] for k in chunk], headlines[chunk], encode)
        added.update((keys[k], row) for k, row in zip(chunk, rows, strict=True))
    store.save_doc_vectors(added)
    vectors.update(added)
    return np.asarray([vectors[key] for key in keys], dtype=np.float32)


def _claim_encoder(
    store: Store, ahead: Prefetch, max_tokens: int
) -> Callable[[Sequence[str]], np.ndarray]:
    """Claim-unit vectors: from the store's cache, else from ``ahead`` (which
    may have them ready), saved to the cache as they are made."""

    def encode(texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        keys = {t: vector_key(t, max_tokens) for t in dict.fromkeys(texts)}
        found = store.text_vectors(keys.values())
        missing = [t for t, k in keys.items() if k not in found]
        fresh = ahead.vectors(missing, max_tokens)
        added = {keys[t]: row for t, row in fresh.items()}
        store.save_text_vectors(added)
        found.update(added)
        return np.stack([found[keys[t]] for t in texts])

    return encode


def _prefetch(
    store: Store, ahead: Prefetch, units: Mapping[str, Sequence[Unit]], max_tokens: int
) -> None:
    """Queue the claim units of freshly annotated articles that the cache lacks,
    one chunk per article: a story waiting for its vectors then waits for one
    article's units at most, not for a batch's."""
    texts = {aid: [u.text for u in us] for aid, us in units.items()}
    keys = {t: vector_key(t, max_tokens) for ts in texts.values() for t in ts}
    cached = store.text_vectors(keys.values())
    for ts in texts.values():
        ahead.submit([t for t in ts if keys[t] not in cached], max_tokens)


def _story_key(story: Story, ratings: Mapping[str, str], settings: Settings) -> str:
    """Changes when the members, the pipeline, the analysis, its parameters or
    the ratings change."""
    parts: list[Any] = [
        PIPELINE_VERSION,
        ANALYSIS_VERSION,
        sorted(story.articles),
        sorted(ratings.items()),
    ]
    # Non-default parameters are part of the key (the defaults are not, so
    # that stores analysed before parameters were settable stay current).
    tuned = {
        name: params
        for name, params, default in (
            ("stories", settings.stories, DEFAULT.stories),
            ("claims", settings.claims, DEFAULT.claims),
            ("reuse", settings.reuse, DEFAULT.reuse),
        )
        if params != default
    }
    if tuned:
        parts.append(repr(sorted(tuned.items())))
    payload = json.dumps(parts)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _read(
    paths: Sequence[str | Path],
    settings: Settings,
    summary: Summary,
    bars: Bars,
    on_problem: Any,
) -> list[Article]:
    seen: dict[str, Article] = {}
    task = bars.add("Reading", total=None)
    for item in load(paths, max_bytes=settings.max_bytes):
        if isinstance(item, Problem):
            summary.problems.append(item)
            if on_problem is not None:
                on_problem(item)
        elif item.id in seen:
            summary.duplicates += 1
        else:
            seen[item.id] = item
            cut = next((r for r in item.removed if r.reason.startswith(LENGTH_CUT)), None)
            if cut is not None:
                note = Note(item.path, cut.reason)
                summary.notes.append(note)
                if on_problem is not None:
                    on_problem(note)
        bars.advance(task)
    return list(seen.values())


def _counted(source: Iterator[Annotation], n: int, bars: Bars, task: Any) -> Iterator[Annotation]:
    """The next ``n`` annotations of ``source``, each advancing the bar."""
    for _ in range(n):
        yield next(source)
        bars.advance(task)


def _annotate_into(
    store: Store,
    todo: list[Article],
    settings: Settings,
    bars: Bars,
    ahead: Prefetch,
    on_error: Callable[[Article, Exception], None] | None = None,
) -> dict[str, list[Unit]]:
    """Annotate ``todo`` and store it in transactions of ``commit_every``
    articles; return the claim units made for the background embedder (when
    it runs), for the story stage to use rather than make again."""
    task = bars.add("Annotating", total=len(todo))
    # Headlines first: clustering needs them before any claim unit.
    ahead.submit([from_article(a).headline for a in todo if is_analysable(a)], MAX_TOKENS)
    made: dict[str, list[Unit]] = {}
    step = max(settings.commit_every, 1)
    on_ray: Iterator[Annotation] | None = None
    if settings.engine == "ray":
        from stemma.engine.ray_engine import annotate_on_ray

        on_ray = annotate_on_ray(todo, settings, on_error=on_error)
    else:
        nlp = load_pipeline()
    for i in range(0, len(todo), step):
        chunk = todo[i : i + step]
        pairs: list[tuple[Article, Annotation]] = []
        waiting: dict[str, list[Unit]] = {}
        if on_ray is not None:
            annotated: Iterable[Annotation] = _counted(on_ray, len(chunk), bars, task)
        else:
            annotated = annotate(
                chunk,
                nlp=nlp,
                settings=settings,
                on_done=lambda n: bars.advance(task, n),
                on_error=on_error,
            )
        for article, annotation in zip(chunk, annotated, strict=True):
            pairs.append((article, annotation))
            if ahead.enabled:
                waiting[article.id] = claim_units(article, annotation, params=settings.claims)
                if len(waiting) == PREFETCH_EVERY:
                    _prefetch(store, ahead, waiting, settings.claims.max_tokens)
                    made.update(waiting)
                    waiting = {}
        if waiting:
            _prefetch(store, ahead, waiting, settings.claims.max_tokens)
            made.update(waiting)
        store.save(pairs)
    return made
