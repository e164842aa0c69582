"""The brief as files: ``report.json``, ``report.md``, ``report.html`` and each
story's provenance graph (node/edge JSON and GraphML).

The Markdown and HTML briefs are rendered from the same dict as the JSON
(:func:`stemma.report.brief.build`), so the three never disagree. The HTML
has no remote assets and Jinja2's autoescaping escapes every piece of article
text.
"""

from __future__ import annotations

import json
from collections import defaultdict
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from stemma.model import Graph, article_name
from stemma.report import svg
from stemma.report.matrix import claim_matrix, story_checks, story_threads, thread_name


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
        claim_matrix=claim_matrix,
        story_checks=story_checks,
        story_threads=lambda st: story_threads(
            st,
            {
                a: thread_name(
                    by_id[a].get("title"), (s["text"] for s in sentences_by_article.get(a, []))
                )
                for a in st["articles"]
                if a in by_id
            },
        ),
        by_id=by_id,
        sentences_by_article=sentences_by_article,
        label=lambda aid: _label(by_id.get(aid)),
    )


def schema() -> dict[str, Any]:
    """The JSON Schema of report.json."""
    text = resources.files("stemma.report").joinpath("schema/report.schema.json").read_text("utf-8")
    return dict(json.loads(text))


# -- parts --------------------------------------------------------------------


# -- parts --------------------------------------------------------------------


def _matrix(story: dict[str, Any]) -> dict[str, Any]:
    """Claim × outlet cells for the Markdown brief: for each claim, per outlet,
    carried and to whom attributed (HTML uses :func:`claim_matrix`)."""
    outlets = list(dict.fromkeys(story["outlets"][a] for a in story["articles"]))
    rows = []
    for c in story["claims"]:
        cells: dict[str, list[str]] = {}
        for m in c["mentions"]:
            cell = cells.setdefault(m["outlet"], [])
            what = "commentary" if m["kind"] == "commentary" else (m["source"] or "no source")
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
    env.filters["credibility"] = lambda grade: str(grade)[1:2] if grade else "6"
    env.filters["discrepancies"] = lambda ds: "; ".join(f"{d['kind']}: {d['detail']}" for d in ds)
    return env


def _md_text(value: object) -> str:
    """Article text made inert in Markdown: no raw HTML, no table breaks."""
    text = "" if value is None else str(value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")
