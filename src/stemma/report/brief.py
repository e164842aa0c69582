"""The brief as a dict: the document ``report.json`` holds (versioned, with a
JSON Schema in ``schema/report.schema.json``).

``build`` is a pure function from the store's tables and the stories' entries
(``stemma.store.codec.story_to_dict``) to a plain dict; :mod:`stemma.report.render`
writes it as JSON, Markdown and HTML.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from stemma import __version__
from stemma.settings import (
    ANALYSIS_VERSION,
    PIPELINE_VERSION,
    REPORT_SCHEMA_VERSION,
)
from stemma.store.codec import Tables, records


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
            {"start": r["start"], "end": r["end"], "text": _clip(r["text"]), "reason": r["reason"]}
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
    result["summary"].setdefault("notes", [])
    return result


#: A removed span longer than this is shown by its start (the store keeps it
#: whole): the cut tail of a 2 MB file would bury the brief.
REMOVED_SHOWN_CHARS = 2000


def _clip(text: str) -> str:
    if len(text) <= REMOVED_SHOWN_CHARS:
        return text
    rest = len(text) - REMOVED_SHOWN_CHARS
    return f"{text[:REMOVED_SHOWN_CHARS]}… ({rest:,} more characters)"


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
