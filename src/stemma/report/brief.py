"""The brief: ``report.json`` (versioned, with a JSON Schema), ``report.md`` and
a self-contained ``report.html``.

``build`` is a pure function from the store's tables to a plain dict — the
JSON document. The Markdown and HTML briefs are rendered from that same dict,
so the three never disagree. The HTML has no remote assets and Jinja2's
autoescaping escapes every piece of article text.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from stemma import __version__
from stemma.model import Graph, StoryResult, article_name
from stemma.report import svg
from stemma.settings import (
    ANALYSIS_VERSION,
    CREDIBILITY_NAMES,
    PIPELINE_VERSION,
    RELIABILITY_NAMES,
    REPORT_SCHEMA_VERSION,
)
from stemma.store.db import Tables, records

#: Words of context shown around a removed span or a sentence in the briefs.
SNIPPET_CHARS = 240


def build(
    tables: Tables,
    summary: dict[str, Any] | None = None,
    stories: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The brief as a JSON-ready dict (see ``schema/report.schema.json``).

    ``stories`` are story entries made by :func:`story_entry` (stored per story).
    """
    sentence_rows = records(tables.sentences)  # read once: the largest table
    analysed = {r["article"] for r in sentence_rows}
    removed: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records(tables.removed):
        removed[r["article"]].append(
            {"start": r["start"], "end": r["end"], "text": r["text"], "reason": r["reason"]}
        )
    articles = [
        _article(row, removed.get(row["id"], []), analysed) for row in records(tables.articles)
    ]
    sentence_text = {(r["article"], r["idx"]): r["text"] for r in sentence_rows}
    sentences = [
        {
            "article": r["article"],
            "index": int(r["idx"]),
            "start": int(r["start"]),
            "end": int(r["end"]),
            "text": r["text"],
            "kind": r["kind"],
            "hedged": bool(r["hedged"]),
            "hedges": [h["text"] for h in r["hedges"]],
            "source": r["source"],
        }
        for r in sentence_rows
    ]
    quotes = [
        {
            "article": r["article"],
            "sentence": int(r["sentence"]),
            "speaker": r["speaker"],
            "text": r["text"],
            "cue": r["cue"],
            "start": int(r["start"]),
            "end": int(r["end"]),
        }
        for r in records(tables.quotes)
    ]
    result: dict[str, Any] = {
        "schema_version": REPORT_SCHEMA_VERSION,
        "generator": {
            "name": "stemma",
            "version": __version__,
            "pipeline": PIPELINE_VERSION,
            "analysis": ANALYSIS_VERSION,
        },
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "summary": {
            **(summary or {}),
            "quotes": len(quotes),
            "sentences": len(sentences),
        },
        "articles": articles,
        "stories": stories or [],
        "sources": _sources(tables.attributions, sentence_text),
        "quotes": quotes,
        "entities": _entities(tables.entities),
        "timeline": _timeline(tables.timerefs, sentence_text),
        "sentences": sentences,
    }
    result["summary"]["sources"] = len(result["sources"])
    result["summary"]["stories"] = len(result["stories"])
    result["summary"].setdefault("problems", [])
    return result


def story_entry(result: StoryResult) -> dict[str, Any]:
    """One story of the brief: claims with roots, flags and grades; reuse; graph."""
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
        claims.append(
            {
                "id": g.id,
                "text": g.text,
                "kind": g.kind,
                "mentions": mentions,
                "outlets": list(dict.fromkeys(labels.get(a, a) for a in g.articles)),
                "independent_roots": g.independent_roots,
                "roots": list(g.roots),
                "agreement": g.agreement,
                "discrepancies": [
                    {
                        "kind": d.kind,
                        "detail": d.detail,
                        "articles": list(d.articles),
                        "values": list(d.values),
                    }
                    for d in g.discrepancies
                ],
                "single_article": g.single_article,
                "attributed": g.attributed,
                "grade": g.grade.code,
                "grade_rule": g.grade.rule,
                "grade_name": (
                    f"{RELIABILITY_NAMES[g.grade.reliability]}; "
                    f"{CREDIBILITY_NAMES[g.grade.credibility]}"
                ),
            }
        )
    corroborating = [c for c in claims if c["kind"] != "opinion"]
    widest = max(corroborating, key=lambda c: len(c["outlets"]), default=None)
    return {
        "id": result.story.id,
        # Plain-text inputs have no headline: the most widely carried claim names the story.
        "title": result.story.title or (widest["text"] if widest else None),
        "articles": list(result.story.articles),
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
        "claims": claims,
        "reuse": [
            {
                "a": r.a,
                "b": r.b,
                "score": r.score,
                "direction": r.direction,
                "passages": [
                    {
                        "a_start": p.a_start,
                        "a_end": p.a_end,
                        "b_start": p.b_start,
                        "b_end": p.b_end,
                        "similarity": p.similarity,
                    }
                    for p in r.passages
                ],
            }
            for r in result.reuse
        ],
        "graph": result.graph.as_dict(),
    }


def write(brief: dict[str, Any], out: Path) -> tuple[Path, ...]:
    """Write report.json, report.md, report.html and each story's provenance graph
    (``graphs/story-<id>.json`` node/edge lists and ``.graphml``) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    paths = (out / "report.json", out / "report.md", out / "report.html")
    paths[0].write_text(json.dumps(brief, ensure_ascii=False, indent=2), encoding="utf-8")
    paths[1].write_text(render(brief, "md"), encoding="utf-8")
    paths[2].write_text(render(brief, "html"), encoding="utf-8")
    graphs: list[Path] = []
    if brief.get("stories"):
        folder = out / "graphs"
        folder.mkdir(exist_ok=True)
        for story in brief["stories"]:
            as_json = folder / f"story-{story['id']}.json"
            as_json.write_text(json.dumps(story["graph"], ensure_ascii=False, indent=1), "utf-8")
            graphml = folder / f"story-{story['id']}.graphml"
            graphml.write_text(Graph.from_dict(story["graph"]).to_graphml(), encoding="utf-8")
            graphs.extend((as_json, graphml))
    return (*paths, *graphs)


def render(brief: dict[str, Any], fmt: str) -> str:
    """Render the brief as ``"md"`` or ``"html"``."""
    env = _env()
    template = env.get_template(f"report.{fmt}.j2")
    by_id = {a["id"]: a for a in brief["articles"]}
    sentences_by_article: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s in brief["sentences"]:
        sentences_by_article[s["article"]].append(s)
    return template.render(
        r=brief,
        graph_svg=lambda data: Markup(svg.render(Graph.from_dict(data))),
        matrix=_matrix,
        by_id=by_id,
        sentences_by_article=sentences_by_article,
        label=lambda aid: _label(by_id.get(aid)),
    )


def schema() -> dict[str, Any]:
    """The JSON Schema of report.json."""
    text = resources.files("stemma.report").joinpath("schema/report.schema.json").read_text("utf-8")
    return dict(json.loads(text))


# -- parts --------------------------------------------------------------------


def _article(
    row: dict[str, Any], removed: list[dict[str, Any]], analysed: set[str]
) -> dict[str, Any]:
    return {
        "id": row["id"],
        "path": row["path"],
        "title": row["title"],
        "outlet": row["outlet"],
        "outlet_evidence": row["outlet_evidence"],
        "published": row["published"],
        "url": row["url"],
        "author": row["author"],
        "language": row["language"],
        "format": row["source_format"],
        "analysed": row["id"] in analysed,
        "words": len(str(row["text"]).split()),
        "removed": removed,
    }


SentenceText = dict[tuple[str, int], str]


def _sources(attrs: pd.DataFrame, sentence_text: SentenceText) -> list[dict[str, Any]]:
    """Every source articles attribute to, with who cites it and where."""
    groups: dict[str, dict[str, Any]] = {}
    for r in records(attrs):
        entry = groups.setdefault(
            r["source"],
            {"name": r["source"], "kind": r["source_kind"], "cited_by": [], "mentions": []},
        )
        if r["article"] not in entry["cited_by"]:
            entry["cited_by"].append(r["article"])
        entry["mentions"].append(
            {
                "article": r["article"],
                "sentence": int(r["sentence"]),
                "mention": r["mention"],
                "cue": r["cue"],
                "text": sentence_text.get((r["article"], int(r["sentence"])), ""),
            }
        )
    return sorted(groups.values(), key=lambda g: (-len(g["cited_by"]), g["name"].lower()))


def _entities(entities: pd.DataFrame) -> list[dict[str, Any]]:
    """Entities grouped by label and case-folded text, most widespread first."""
    if not len(entities):
        return []
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    spellings: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for r in records(entities):
        text = " ".join(str(r["text"]).split())
        key = (r["label"], text.casefold().removeprefix("the "))
        spellings[key][text] += 1
        entry = groups.setdefault(key, {"label": r["label"], "articles": [], "count": 0})
        entry["count"] += 1
        if r["article"] not in entry["articles"]:
            entry["articles"].append(r["article"])
    out = [{"text": spellings[key].most_common(1)[0][0], **entry} for key, entry in groups.items()]
    return sorted(out, key=lambda e: (-len(e["articles"]), -e["count"], e["text"]))


def _timeline(timerefs: pd.DataFrame, sentence_text: SentenceText) -> list[dict[str, Any]]:
    """Dated statements, in date order; expressions that did not resolve come last."""
    rows = [
        {
            "date": r["value"],
            "granularity": r["granularity"],
            "anchored": bool(r["anchored"]),
            "expression": r["text"],
            "article": r["article"],
            "sentence": int(r["sentence"]),
            "text": sentence_text.get((r["article"], int(r["sentence"])), ""),
        }
        for r in records(timerefs)
    ]
    return sorted(rows, key=lambda t: (t["date"] is None, t["date"] or "", t["article"]))


def _matrix(story: dict[str, Any]) -> dict[str, Any]:
    """Claim × outlet cells: for each claim, per outlet, carried and to whom attributed."""
    outlets = list(dict.fromkeys(story["outlets"][a] for a in story["articles"]))
    rows = []
    for c in story["claims"]:
        cells: dict[str, list[str]] = {}
        for m in c["mentions"]:
            cell = cells.setdefault(m["outlet"], [])
            what = "opinion" if m["kind"] == "opinion" else (m["source"] or "no source")
            if what not in cell:
                cell.append(what)
        rows.append({"claim": c, "cells": cells})
    return {"outlets": outlets, "rows": rows}


def _label(article: dict[str, Any] | None) -> str:
    if article is None:
        return "?"
    return article_name(article["outlet"], article["path"], article["id"])


def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("stemma.report", "templates"),
        autoescape=select_autoescape(["html.j2"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = _md_text
    env.filters["discrepancies"] = lambda ds: "; ".join(f"{d['kind']}: {d['detail']}" for d in ds)
    return env


def _md_text(value: object) -> str:
    """Article text made inert in Markdown: no raw HTML, no table breaks."""
    text = "" if value is None else str(value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")
