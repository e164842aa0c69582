"""Model objects ↔ the store's rows, and the one serialized form of a story.

- Annotation rows: ``Article``/``Annotation`` objects to table rows
  (:func:`article_row`, :func:`sentence_row`, :func:`row_of`) and back
  (:func:`objects`).
- A story's analysis: :func:`story_to_dict` turns a ``StoryResult`` into the
  brief's story entry (the JSON that ``report.json`` embeds and the store
  keeps), :func:`story_from_dict` reads it back into model objects, and
  :func:`story_rows` flattens it into the claims, mentions and reuse tables.

``story_from_dict(story_to_dict(r))`` gives back what the brief shows of
``r``; two things it does not keep are named there.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from typing import Any

import pandas as pd

from stemma.analysis.bottom_line import bottom_line, is_red_flag
from stemma.model import (
    Annotation,
    Article,
    Attribution,
    ClaimGroup,
    Discrepancy,
    Entity,
    Grade,
    Graph,
    Hedge,
    Mention,
    Passage,
    Quote,
    Removed,
    ReuseEdge,
    Sentence,
    Story,
    StoryResult,
    TimeRef,
)
from stemma.settings import CREDIBILITY_NAMES, RELIABILITY_NAMES
from stemma.store.schema import ANNOTATION_TABLES, COLUMNS

# -- annotation rows -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tables:
    """An analysis as pandas tables, one per concept (the Python API's result)."""

    articles: pd.DataFrame
    removed: pd.DataFrame
    sentences: pd.DataFrame
    entities: pd.DataFrame
    timerefs: pd.DataFrame
    quotes: pd.DataFrame
    attributions: pd.DataFrame


def row_of(obj: Any) -> dict[str, Any]:
    return asdict(obj)


def sentence_row(s: Sentence) -> dict[str, Any]:
    return {
        "article": s.article,
        "idx": s.index,
        "start": s.start,
        "end": s.end,
        "text": s.text,
        "kind": s.kind,
        "hedged": s.hedged,
        "hedges": json.dumps([asdict(h) for h in s.hedges]),
        "source": s.source,
    }


def article_row(a: Article) -> dict[str, Any]:
    return {f.name: getattr(a, f.name) for f in fields(Article) if f.name != "removed"}


def frame_of(rows: list[dict[str, Any]], table: str) -> pd.DataFrame:
    # Explicit columns so an empty batch still has the table's shape.
    return pd.DataFrame(rows, columns=COLUMNS[table])


def from_json(value: object) -> list[dict[str, Any]]:
    return json.loads(value) if isinstance(value, str) else []


def objects(t: Tables) -> tuple[list[Article], dict[str, Annotation]]:
    """Model objects back from tables: the inverse of ``Store.save``."""
    removed: dict[str, list[Removed]] = {}
    for r in records(t.removed):
        removed.setdefault(r["article"], []).append(
            Removed(r["start"], r["end"], r["text"], r["reason"])
        )
    articles = [
        Article(
            **{k: r[k] for k in COLUMNS["articles"]},
            removed=tuple(removed.get(r["id"], ())),
        )
        for r in records(t.articles)
    ]
    parts: dict[str, dict[str, list[Any]]] = {
        a.id: {name: [] for name in ANNOTATION_TABLES} for a in articles
    }
    for r in records(t.sentences):
        hedges = tuple(Hedge(h["text"], h["start"], h["end"]) for h in r["hedges"])
        parts[r["article"]]["sentences"].append(
            Sentence(
                r["article"],
                r["idx"],
                r["start"],
                r["end"],
                r["text"],
                r["kind"],
                hedges,
                r["source"],
            )
        )
    for name, cls in (
        ("entities", Entity),
        ("timerefs", TimeRef),
        ("quotes", Quote),
        ("attributions", Attribution),
    ):
        frame = getattr(t, name)
        for r in records(frame):
            parts[r["article"]][name].append(cls(**r))
    annotations = {
        aid: Annotation(article=aid, **{k: tuple(v) for k, v in p.items()})
        for aid, p in parts.items()
    }
    return articles, annotations


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts with pandas' missing values as None and numpy ints as int."""
    out = []
    for row in frame.to_dict(orient="records"):
        out.append({k: _plain(v) for k, v in row.items()})
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, (list, dict, str)):
        return value
    if value is None or (not hasattr(value, "__len__") and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


# -- a story's analysis -----------------------------------------------------------


def story_to_dict(result: StoryResult) -> dict[str, Any]:
    """A story result as the brief's story entry (report.json ``stories[]``):
    claims with roots, flags and grades; reuse; graph. The inverse is
    :func:`story_from_dict`."""
    labels = result.labels
    claims: list[dict[str, Any]] = []
    for g in result.claims:
        mentions = []
        for m in g.mentions:
            source, level = result.sources.get((m.article, m.start), (None, "none"))
            mentions.append(
                {
                    "article": m.article,
                    "outlet": labels.get(m.article, m.article),
                    "sentence": m.sentence,
                    "start": m.start,
                    "end": m.end,
                    "text": m.text,
                    "kind": m.kind,
                    "source": source,
                    "source_level": level,
                }
            )
        if g.grade is None:
            raise ValueError(f"claim {g.id} of story {result.story.id} has no grade")
        articles = g.articles  # a property that walks the mentions: read it once
        claims.append(
            {
                "id": g.id,
                "text": g.text,
                "kind": g.kind,
                "mentions": mentions,
                "outlets": list(dict.fromkeys(labels.get(a, a) for a in articles)),
                "independent_roots": g.independent_roots,
                "roots": list(g.roots),
                "root_evidence": [{"root": r, "evidence": e} for r, e in g.evidence],
                "derived": list(g.derived),
                "origin_unknown": list(g.unknown),
                "unnamed_roots": list(g.unnamed),
                "agreement": g.agreement,
                "roots_agree": g.roots_agree,
                "checkworthy": g.checkworthy,
                "red_flag": is_red_flag(g),
                "discrepancies": [_discrepancy(d) for d in g.discrepancies],
                "single_article": len(articles) == 1,
                "attributed": g.attributed,
                "grade": g.grade.code,
                "grade_rule": g.grade.rule,
                "grade_name": (
                    f"{RELIABILITY_NAMES[g.grade.reliability]}; "
                    f"{CREDIBILITY_NAMES[g.grade.credibility]}"
                ),
            }
        )
    corroborating = [c for c in claims if c["kind"] != "commentary"]
    widest = max(corroborating, key=lambda c: len(c["outlets"]), default=None)
    return {
        "id": result.story.id,
        # Plain-text inputs have no headline: the most widely carried claim names the story.
        "title": result.story.title or (widest["text"] if widest else None),
        "articles": list(result.story.articles),
        "threads": [list(t) for t in result.story.thread_list],
        "outlets": dict(labels),
        "summary": {
            "claims": len(claims),
            "multi_article": sum(not c["single_article"] for c in corroborating),
            "two_or_more_roots": sum(c["independent_roots"] >= 2 for c in corroborating),
            "with_discrepancies": sum(bool(c["discrepancies"]) for c in claims),
            "single_article_unattributed": sum(
                c["single_article"] and not c["attributed"] for c in corroborating
            ),
        },
        "bottom_line": bottom_line(result),
        "claims": claims,
        "reuse": [
            {
                "a": r.a,
                "b": r.b,
                "score": r.score,
                "direction": r.direction,
                "passages": [_passage(p) for p in r.passages],
            }
            for r in result.reuse
        ],
        "graph": result.graph.as_dict(),
    }


def story_from_dict(entry: dict[str, Any]) -> StoryResult:
    """The model objects of a story entry made by :func:`story_to_dict`.

    Two things the entry does not keep: whether the story's title was a
    headline or its most widely carried claim (``Story.title`` is the title
    shown), and each mention's sentence-level source (``Mention.source``;
    where a mention comes from is in ``StoryResult.sources``).
    """
    story = Story(
        id=entry["id"],
        articles=tuple(entry["articles"]),
        title=entry["title"],
        threads=tuple(tuple(t) for t in entry.get("threads", ())),
    )
    sources: dict[tuple[str, int], tuple[str | None, str]] = {}
    claims = []
    for c in entry["claims"]:
        mentions = []
        for m in c["mentions"]:
            sources[(m["article"], m["start"])] = (m["source"], m["source_level"])
            mentions.append(
                Mention(m["article"], m["sentence"], m["start"], m["end"], m["text"], m["kind"])
            )
        code = c["grade"]
        claims.append(
            ClaimGroup(
                id=c["id"],
                story=story.id,
                text=c["text"],
                kind=c["kind"],
                mentions=tuple(mentions),
                discrepancies=tuple(
                    Discrepancy(d["kind"], d["detail"], tuple(d["articles"]), tuple(d["values"]))
                    for d in c["discrepancies"]
                ),
                roots=tuple(c["roots"]),
                attributed=c["attributed"],
                derived=tuple(c.get("derived", ())),
                unknown=tuple(c.get("origin_unknown", ())),
                evidence=tuple((e["root"], e["evidence"]) for e in c.get("root_evidence", ())),
                unnamed=tuple(c.get("unnamed_roots", ())),
                grade=Grade(code[0], int(code[1:]), c["grade_rule"]),
                agreement=c["agreement"],
                roots_agree=c.get("roots_agree", False),
                checkworthy=c.get("checkworthy"),
            )
        )
    reuse = tuple(
        ReuseEdge(
            r["a"],
            r["b"],
            r["score"],
            tuple(
                Passage(p["a_start"], p["a_end"], p["b_start"], p["b_end"], p["similarity"])
                for p in r["passages"]
            ),
            r["direction"],
        )
        for r in entry["reuse"]
    )
    return StoryResult(
        story=story,
        claims=tuple(claims),
        reuse=reuse,
        graph=Graph.from_dict(entry["graph"]),
        labels=dict(entry["outlets"]),
        sources=sources,
    )


def story_rows(result: StoryResult) -> dict[str, list[dict[str, Any]]]:
    """A story's claims, mentions and reuse as rows of the tables of those names
    (for pandas users and the web page's SQL)."""
    story = result.story.id
    labels = result.labels
    claims: list[dict[str, Any]] = []
    mentions: list[dict[str, Any]] = []
    for g in result.claims:
        if g.grade is None:
            raise ValueError(f"claim {g.id} of story {story} has no grade")
        claims.append(
            {
                "story": story,
                "id": g.id,
                "text": g.text,
                "kind": g.kind,
                "articles": len(g.articles),
                "outlets": list(dict.fromkeys(labels.get(a, a) for a in g.articles)),
                "independent_roots": g.independent_roots,
                "roots": list(g.roots),
                "attributed": g.attributed,
                "single_article": g.single_article,
                "grade": g.grade.code,
                "grade_rule": g.grade.rule,
                "discrepancies": json.dumps(
                    [_discrepancy(d) for d in g.discrepancies], ensure_ascii=False
                ),
            }
        )
        mentions.extend(
            {
                "story": story,
                "claim": g.id,
                "article": m.article,
                "sentence": m.sentence,
                "start": m.start,
                "end": m.end,
                "text": m.text,
                "kind": m.kind,
                "source": result.sources.get((m.article, m.start), (None, "none"))[0],
            }
            for m in g.mentions
        )
    reuse = [
        {
            "story": story,
            "a": r.a,
            "b": r.b,
            "score": r.score,
            "direction": r.direction,
            "passages": json.dumps([_passage(p) for p in r.passages]),
        }
        for r in result.reuse
    ]
    return {"claims": claims, "mentions": mentions, "reuse": reuse}


def _discrepancy(d: Discrepancy) -> dict[str, Any]:
    return {
        "kind": d.kind,
        "detail": d.detail,
        "articles": list(d.articles),
        "values": list(d.values),
    }


def _passage(p: Passage) -> dict[str, Any]:
    return {
        "a_start": p.a_start,
        "a_end": p.a_end,
        "b_start": p.b_start,
        "b_end": p.b_end,
        "similarity": p.similarity,
    }
