"""A story's bottom line: the five or six lines an editor reads in ten seconds.

What the whole analysis exists to say, up front (intelligence writing's
"bottom line up front"): how much coverage there is, the claims most outlets
carry with how many independent roots they really have, the chain from the
earliest root to those who re-tell it, the grades, the discrepancies, and the
claims one outlet alone makes with no source. Built from one story's result
(pure); the brief, the web page and ``report.json`` show the same lines.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from stemma.analysis.kinds import load_model
from stemma.analysis.roots import root_paths
from stemma.model import ClaimGroup, StoryResult
from stemma.settings import CREDIBILITY_NAMES

#: The bottom line names at most this many widely carried claims ...
TOP_CLAIMS = 3
#: ... and quotes at most this many discrepancies and unsourced claims.
SHOWN = 3
#: Claim text is cut to this many characters in the lines.
TEXT_CHARS = 160

#: Kinds that can corroborate a claim: commentary is the outlet's own voice.
FACTUAL = ("reported", "quote", "background")


def bottom_line(result: StoryResult) -> dict[str, Any]:
    """The bottom line of one analysed story, as a JSON-ready dict.

    Fields: ``articles``, ``outlets`` (counts); ``top_claims`` (each with its
    outlets, roots, grade and ``chain``: root first, then who relayed it, then
    "N outlets"); ``by_credibility`` (credibility digit → claims);
    ``discrepancies`` and ``unsourced`` (counts, and the first few claims);
    ``lines``: the same as sentences, in the order an editor reads them.
    """
    labels = result.labels
    outlets = len(set(labels.values()))
    factual = [c for c in result.claims if c.kind in FACTUAL]
    shared = sorted(
        (c for c in factual if not c.single_article),
        key=lambda c: (-_outlets(c, labels), -c.independent_roots, c.id),
    )
    top = [
        {
            "claim": c.id,
            "text": _readable(c),
            "outlets": _outlets(c, labels),
            "independent_roots": c.independent_roots,
            "roots": list(c.roots),
            "grade": c.grade.code if c.grade else None,
            "chain": chain(c, result),
        }
        for c in shared[:TOP_CLAIMS]
    ]
    credibility = Counter(c.grade.credibility for c in result.claims if c.grade)
    disagreeing = [c for c in result.claims if c.discrepancies]
    unsourced = sorted(
        (c for c in result.claims if is_red_flag(c)), key=lambda c: -(c.checkworthy or 0.0)
    )
    out: dict[str, Any] = {
        "articles": len(result.story.articles),
        "outlets": outlets,
        "top_claims": top,
        "by_credibility": {str(k): credibility.get(k, 0) for k in range(1, 7)},
        "discrepancies": {
            "claims": len(disagreeing),
            "shown": [
                {"claim": c.id, "text": c.text, "detail": c.discrepancies[0].detail}
                for c in disagreeing[:SHOWN]
            ],
        },
        "unsourced": {
            "claims": len(unsourced),
            "shown": [
                {"claim": c.id, "text": c.text, "outlet": labels.get(c.articles[0], c.articles[0])}
                for c in unsourced[:SHOWN]
            ],
        },
    }
    out["commentary"] = commentary_share(result)
    out["lines"] = lines(out)
    return out


def commentary_share(result: StoryResult) -> dict[str, Any]:
    """Commentary claims, and each article's share of commentary among its
    claim mentions (the outlet's own voice: never corroboration, never a red flag)."""
    total: Counter[str] = Counter()
    own: Counter[str] = Counter()
    for c in result.claims:
        for m in c.mentions:
            total[m.article] += 1
            own[m.article] += m.kind == "commentary"
    labels = result.labels
    return {
        "claims": sum(c.kind == "commentary" for c in result.claims),
        "share": {
            labels.get(a, a): round(own[a] / total[a], 3)
            for a in sorted(total, key=lambda a: (-own[a] / total[a], labels.get(a, a)))
        },
    }


def is_red_flag(c: ClaimGroup) -> bool:
    """A claim worth checking that one article alone makes with no source and no
    sign of its own access: not commentary, and check-worthy (ClaimBuster's
    sense: a factual statement the public would want verified)."""
    if c.kind not in FACTUAL or not c.single_article or c.attributed:
        return False
    return (c.checkworthy or 0.0) >= load_model().checkworthy.threshold


def _outlets(c: ClaimGroup, labels: Mapping[str, str]) -> int:
    return len({labels.get(a, a) for a in c.articles})


def _readable(c: ClaimGroup) -> str:
    """The claim's wording for a reader: its representative mention, unless that
    is a clause cut from a sentence ("outlines fears of …"); then the first
    mention that reads as a sentence of its own."""
    if c.text[:1].isupper() or c.text[:1] in "“\"'‘":
        return c.text
    whole = (m.text for m in c.mentions if m.kind != "commentary" and m.text[:1].isupper())
    return next(whole, c.text)


def chain(claim: ClaimGroup, result: StoryResult) -> list[str]:
    """The longest relay from one of the claim's roots down to its carriers:
    ``["FSB document", "Ares Leaks", "The New York Times", "5 outlets"]``.

    Walks the provenance graph from each mention's source upstream (the walk
    the roots use) and keeps the longest path that ends at a root; empty when
    the claim has no root.
    """
    if not claim.roots:
        return []
    label = {n.id: n.label for n in result.graph.nodes}
    roots = set(claim.roots)
    best: list[str] = []
    for m in claim.mentions:
        source, _level = result.sources.get((m.article, m.start), (None, "none"))
        for path in root_paths(result.graph, m.article, source):
            names = [label.get(node, node) for node, _ in path if node.startswith("source:")]
            if names and names[-1] in roots and len(names) > len(best):
                best = names
    if not best:
        best = [claim.roots[0]]
    n = _outlets(claim, result.labels)
    return [*reversed(best), f"{n} outlet{'s' if n != 1 else ''}"]


def _cut(text: str, chars: int = TEXT_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


def lines(b: dict[str, Any]) -> list[str]:
    """The bottom line as sentences, most important first."""
    out = [f"{b['articles']} articles from {b['outlets']} outlets."]
    chains: set[tuple[str, ...]] = set()
    for t in b["top_claims"]:
        roots = t["independent_roots"]
        who = f": {', '.join(t['roots'])}" if t["roots"] else ""
        out.append(
            f"“{_cut(t['text'])}” — {t['outlets']} outlets, "
            f"{roots} independent root{'s' if roots != 1 else ''}{who} ({t['grade']})."
        )
        relay = tuple(t["chain"][:-1])  # the same relay is said once
        if len(relay) > 1 and relay not in chains:
            chains.add(relay)
            out.append("Chain: " + " → ".join(t["chain"]) + ".")
    if not b["top_claims"]:
        out.append("No claim is carried by more than one outlet.")
    graded = [f"{n} {CREDIBILITY_NAMES[int(k)]}" for k, n in b["by_credibility"].items() if n]
    out.append("Claims by credibility: " + ("; ".join(graded) or "none") + ".")
    d = b["discrepancies"]
    out.append(
        f"Discrepancies: {d['claims']} claim{'s' if d['claims'] != 1 else ''}"
        + (" — " + "; ".join(s["detail"] for s in d["shown"]) if d["shown"] else "")
        + "."
    )
    c = b.get("commentary")
    if c and c["claims"]:
        shares = ", ".join(f"{o} {round(100 * v)} %" for o, v in c["share"].items() if v)
        out.append(
            f"Commentary, kept apart and never counted: {c['claims']} "
            f"claim{'s' if c['claims'] != 1 else ''} ({shares})."
        )
    u = b["unsourced"]
    out.append(
        f"One outlet alone, no source named: {u['claims']} check-worthy "
        f"claim{'s' if u['claims'] != 1 else ''}"
        + (
            " — " + "; ".join(f"“{_cut(x['text'], 90)}” ({x['outlet']})" for x in u["shown"][:2])
            if u["shown"]
            else ""
        )
        + "."
    )
    return out
