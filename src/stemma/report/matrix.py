"""The claim × article matrix and the "check first" lists of one story, as the
brief and the web page show them.

One pure function over a story's entry in report.json, so the static brief
and ``stemma serve`` render the same rows from the same partial template
(``templates/partials/matrix.html.j2``): a row per claim (discrepancies first,
then the most widely carried, single-article claims last), a column per
article, and per cell what the article does with the claim.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def claim_ref(c: Mapping[str, Any]) -> dict[str, Any]:
    """What a matrix row or a check list shows of one claim."""
    return {
        "id": c["id"],
        "text": c["text"],
        "kind": c["kind"],
        "grade": c["grade"],
        "grade_rule": c["grade_rule"],
        "independent_roots": c["independent_roots"],
        "roots": c["roots"],
        # Absent from story entries stored before agreement was measured.
        "agreement": c.get("agreement"),
        "attributed": c["attributed"],
        "single_article": c["single_article"],
        "outlets": c["outlets"],
        "discrepancies": c["discrepancies"],
        "derived": len(c.get("derived", ())),
        "origin_unknown": len(c.get("origin_unknown", ())),
        "checkworthy": c.get("checkworthy"),
        "red_flag": c.get("red_flag", False),
    }


def cell_states(c: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Article id → what it does with the claim: ``attributed`` (with the
    sources it names), ``derived`` (re-tells a root the claim has, or copies
    another carrier), ``unknown`` (origin unknown, never counted), ``carried``,
    or ``commentary`` (its own voice only)."""
    cells: dict[str, dict[str, Any]] = {}
    for m in c["mentions"]:
        cell = cells.setdefault(m["article"], {"state": "commentary", "sources": []})
        if m["kind"] == "commentary":
            continue
        if m.get("source"):
            cell["state"] = "attributed"
            if m["source"] not in cell["sources"]:
                cell["sources"].append(m["source"])
        elif cell["state"] != "attributed":
            derived = m["article"] in c.get("derived", ())
            unknown = m["article"] in c.get("origin_unknown", ())
            cell["state"] = "derived" if derived else "unknown" if unknown else "carried"
    return cells


def claim_matrix(entry: Mapping[str, Any]) -> dict[str, Any]:
    """``{"columns": [{"id", "label"}], "rows": [claim_ref + "cells"]}`` of a story entry."""
    claims = entry["claims"]
    ordered = sorted(
        claims, key=lambda c: (not c["discrepancies"], -len({m["article"] for m in c["mentions"]}))
    )
    return {
        "columns": [{"id": a, "label": entry["outlets"].get(a, a)} for a in entry["articles"]],
        "rows": [{**claim_ref(c), "cells": cell_states(c)} for c in ordered],
    }


def story_threads(
    entry: Mapping[str, Any], names: Mapping[str, str | None]
) -> list[dict[str, Any]]:
    """The story's threads (angles), largest first: ``{"id", "title", "size",
    "outlets"}``. A thread is named by its first article (``names``: article
    id → its title, or its first sentence when it has none; see
    :func:`thread_name`), else by that article's outlet. Empty for a story of
    one thread: there is nothing to tell apart."""
    threads = entry.get("threads") or [entry["articles"]]
    if len(threads) < 2:
        return []
    labels = entry["outlets"]
    out = [
        {
            "id": t[0],
            "title": names.get(t[0]) or labels.get(t[0], t[0]),
            "size": len(t),
            "outlets": list(dict.fromkeys(labels.get(a, a) for a in t)),
        }
        for t in threads
    ]
    return sorted(out, key=lambda t: -t["size"])  # stable: join order among equals


def thread_name(title: str | None, sentences: Iterable[str] = (), *, most: int = 90) -> str | None:
    """What a thread list calls an article: its title, else its first sentence
    of six words or more (plain text has no headline, and its first lines are
    often a dateline or a name), cut at a word before ``most`` characters."""
    name = (title or next((s for s in sentences if len(s.split()) >= 6), "")).strip()
    if len(name) > most:
        name = name[:most].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return name or None


def story_checks(entry: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """What to check first, as the brief and the web page list it:
    ``discrepancies``; ``red_flags`` (check-worthy claims one article alone
    makes with no source, most check-worthy first); ``unsourced`` (the other
    single-article claims with no source: little to check); ``attributed``
    (single-article claims that name a source). Commentary is in none."""
    lone = [c for c in entry["claims"] if c["single_article"] and c["kind"] != "commentary"]
    return {
        "discrepancies": [claim_ref(c) for c in entry["claims"] if c["discrepancies"]],
        "red_flags": sorted(
            (claim_ref(c) for c in lone if c.get("red_flag")),
            key=lambda c: -(c["checkworthy"] or 0.0),
        ),
        "unsourced": [claim_ref(c) for c in lone if not c["attributed"] and not c.get("red_flag")],
        "attributed": [claim_ref(c) for c in lone if c["attributed"]],
    }
