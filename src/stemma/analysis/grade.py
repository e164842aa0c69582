"""Admiralty grades: source reliability A–F and information credibility 1–6.

Credibility comes from the evidence stemma found (independent roots,
discrepancies, attribution, kind) by the ordered rule table in
``stemma.settings.CREDIBILITY_RULES``; the first rule that holds fires and is
printed with the grade. Reliability comes only from a ratings file the user
supplies (stemma ships none): the best rating among the claim's roots, else
among the outlets carrying it, else ``F`` (cannot be judged).

Ratings file: CSV with a header ``source,reliability`` (or JSON
``{"The New York Times": "B"}``); names are matched case-insensitively
against canonical source names and outlets.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from stemma.errors import RatingsError
from stemma.model import ClaimGroup, Grade
from stemma.settings import (
    CONFIRM_AGREEMENT,
    CREDIBILITY_RULES,
    DEFAULT_RELIABILITY,
    GradeRule,
)

VALID_RELIABILITY = frozenset("ABCDEF")


def load_ratings(path: str | Path) -> dict[str, str]:
    """Read a ratings file (CSV ``source,reliability`` or a JSON object)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise RatingsError(f"{p}: cannot read the ratings file: {e.strerror}") from e
    rows: list[tuple[int, str, str]]
    if p.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise RatingsError(f"{p}:{e.lineno}: invalid JSON: {e.msg}") from e
        if not isinstance(data, dict):
            raise RatingsError(f"{p}: expected an object {{source: letter}}")
        rows = [(0, str(k), str(v)) for k, v in data.items()]
    else:
        reader = csv.DictReader(text.splitlines())
        if not reader.fieldnames or {"source", "reliability"} - set(reader.fieldnames):
            raise RatingsError(f"{p}:1: expected a header 'source,reliability'")
        rows = [
            (i, (r["source"] or "").strip(), (r["reliability"] or "").strip())
            for i, r in enumerate(reader, start=2)
        ]
    ratings: dict[str, str] = {}
    for line, source, letter in rows:
        letter = letter.upper()
        if letter not in VALID_RELIABILITY or not source:
            where = f"{p}:{line}" if line else str(p)
            raise RatingsError(f"{where}: {source!r} has reliability {letter!r}; use A–F")
        ratings[source.casefold()] = letter
    return ratings


def credibility(group: ClaimGroup) -> tuple[int, GradeRule]:
    """The credibility of a claim group and the rule that produced it."""
    kinds = {m.kind for m in group.mentions}
    negated = any(d.kind == "negation" for d in group.discrepancies)
    differs = bool(group.discrepancies)
    roots = group.independent_roots
    named = roots - len(group.unnamed)
    # No measured agreement (no two accounts to compare) is not close agreement.
    close = group.agreement is not None and group.agreement >= CONFIRM_AGREEMENT
    # And two of its named roots must be the ones that agree: every mention
    # having a close counterpart is not yet two sources saying the same.
    confirmed = close and group.roots_agree
    checks = {
        "C5": negated,
        "C6-commentary": kinds <= {"commentary"},
        "C1": named >= 2 and not differs and confirmed,
        "C3": roots >= 2 and differs,
        "C3-loose": roots >= 2 and (not close or (named >= 2 and not group.roots_agree)),
        "C3-unnamed": roots >= 2 and named < 2,
        "C3-anonymous": roots == 1 and named == 0 and not differs,
        "C2": roots == 1 and group.attributed and not differs,
        "C4": roots == 1 and group.attributed and differs,
        "C6": True,
    }
    for rule in CREDIBILITY_RULES:
        if checks.get(rule.id, False):
            return rule.credibility, rule
    raise LookupError("the grading rule table has no catch-all rule")  # settings broken


def reliability(
    group: ClaimGroup, outlets: Iterable[str], ratings: Mapping[str, str]
) -> tuple[str, str]:
    """Best rating among the claim's roots, else its outlets, else the default."""
    for names, what in ((group.roots, "root"), (tuple(outlets), "outlet")):
        rated = sorted((ratings[n.casefold()], n) for n in names if n and n.casefold() in ratings)
        if rated:
            letter, name = rated[0]
            return letter, f"{letter}: rating of {what} {name!r} from the ratings file"
    return DEFAULT_RELIABILITY, f"{DEFAULT_RELIABILITY}: no rating given (stemma ships none)"


def grade(
    group: ClaimGroup, *, outlets: Iterable[str] = (), ratings: Mapping[str, str] | None = None
) -> ClaimGroup:
    """The group with its ``grade`` filled in."""
    cred, rule = credibility(group)
    letter, why = reliability(group, outlets, ratings or {})
    return replace(group, grade=Grade(letter, cred, f"{rule.id}: {rule.when}; {why}"))
