"""The brief as STIX 2.1, for threat-intelligence platforms (OpenCTI, MISP).

One ``report`` per story. Each claim is a ``note``: its text (``abstract``),
what stemma found (``content``: outlets, roots, derived and unknown-origin
carriers, grade, discrepancies), a ``confidence`` from its Admiralty
credibility on STIX 2.1's Admiralty Credibility scale, and labels from MISP's
``admiralty-scale`` taxonomy. Outlets and sources are ``identity`` objects;
``attributed-to`` relationships join a claim to its roots, and ``derived-from``
relationships join who relays to where it came from (an outlet that re-tells
a claim → the claim's root; "The New York Times" → "FSB document").

Ids are derived from the story and claim ids (UUIDv4-shaped, so validators
accept them), so exporting the same store twice gives the same objects and a
platform updates them instead of duplicating them.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

import stix2

#: STIX 2.1 (Appendix A, "Admiralty Credibility"): credibility 1–5 → confidence;
#: 6, "truth cannot be judged", has no confidence value.
CONFIDENCE = {1: 90, 2: 70, 3: 50, 4: 30, 5: 10}

#: MISP admiralty-scale taxonomy: source reliability a–f, credibility 1–6.
RELIABILITY_TAG = 'admiralty-scale:source-reliability="{}"'
CREDIBILITY_TAG = 'admiralty-scale:information-credibility="{}"'

#: STIX identity classes for stemma's source kinds. A document or anything
#: else stemma cannot classify is "unknown" (its kind is in the description).
IDENTITY_CLASS = {
    "outlet": "organization",
    "organisation": "organization",
    "person": "individual",
    "group": "group",
}

#: The provenance graph's edges between sources that say "came from".
RELAY_EDGES = {"based_on": "based on", "obtained_from": "obtained from"}


def _id(kind: str, *parts: str) -> str:
    """A stable STIX id: the same parts give the same id, shaped as a UUIDv4."""
    digest = hashlib.sha256("\x1f".join(("stemma", kind, *parts)).encode()).digest()
    return f"{kind}--{uuid.UUID(bytes=digest[:16], version=4)}"


def bundle(
    stories: Iterable[Mapping[str, Any]],
    *,
    created: str,
    articles: Mapping[str, Mapping[str, Any]] | None = None,
) -> stix2.Bundle:
    """A STIX 2.1 bundle of the given story entries (``codec.story_to_dict``).

    ``created`` is the timestamp every object carries (the brief's own);
    ``articles`` (id → row with ``url``) adds each claim's article URLs as
    external references.
    """
    articles = articles or {}
    stemma = stix2.Identity(
        id=_id("identity", "stemma"),
        name="stemma",
        identity_class="system",
        description="Traces news stories back to their sources.",
        created=created,
        modified=created,
    )
    objects: dict[str, Any] = {stemma.id: stemma}

    def identity(name: str, kind: str) -> str:
        ident = _id("identity", name)
        if ident not in objects:
            objects[ident] = stix2.Identity(
                id=ident,
                name=name,
                identity_class=IDENTITY_CLASS.get(kind, "unknown"),
                description=f"{kind} (as stemma classified it)",
                created=created,
                modified=created,
                created_by_ref=stemma.id,
            )
        return ident

    def relation(kind: str, a: str, b: str, description: str, key: str) -> str:
        rel = _id("relationship", key, kind, a, b)
        if rel not in objects:
            objects[rel] = stix2.Relationship(
                id=rel,
                source_ref=a,
                relationship_type=kind,
                target_ref=b,
                description=description,
                created=created,
                modified=created,
                created_by_ref=stemma.id,
            )
        return rel

    for story in stories:
        refs: list[str] = []
        node_kind = {n["label"]: n["kind"] for n in story["graph"]["nodes"]}
        for c in story["claims"]:
            outlets = [identity(o, "outlet") for o in c["outlets"]]
            roots = [identity(r, node_kind.get(r, "other")) for r in c["roots"]]
            note = _note(c, story, articles, outlets + roots, created, stemma.id)
            objects[note.id] = note
            refs += [note.id, *outlets, *roots]
            for r, rid in zip(c["roots"], roots, strict=True):
                refs.append(
                    relation("attributed-to", note.id, rid, f"claim traced to {r}", c["id"])
                )
            derived = {story["outlets"].get(a, a) for a in c["derived"]}
            for outlet in sorted(derived):
                for r, rid in zip(c["roots"], roots, strict=True):
                    refs.append(
                        relation(
                            "derived-from",
                            identity(outlet, "outlet"),
                            rid,
                            f"{outlet} re-tells “{_short(c['text'])}” with no root of its own "
                            f"(the claim's roots: {', '.join(c['roots'])}); likely from {r}",
                            c["id"],
                        )
                    )
        labels = {n["id"]: (n["label"], n["kind"]) for n in story["graph"]["nodes"]}
        for e in story["graph"]["edges"]:
            if e["kind"] in RELAY_EDGES and e["source"] in labels and e["target"] in labels:
                (a, ak), (b, bk) = labels[e["source"]], labels[e["target"]]
                refs.append(
                    relation(
                        "derived-from",
                        identity(a, ak),
                        identity(b, bk),
                        f"{a}: {RELAY_EDGES[e['kind']]} {b}",
                        story["id"],
                    )
                )
        bl = story.get("bottom_line") or {}
        report = stix2.Report(
            id=_id("report", story["id"]),
            name=story["title"] or f"Story {story['id']}",
            description="\n".join(bl.get("lines", [])) or None,
            published=created,
            report_types=["news-story"],
            object_refs=list(dict.fromkeys(refs)) or [stemma.id],
            created=created,
            modified=created,
            created_by_ref=stemma.id,
            external_references=[{"source_name": "stemma", "external_id": story["id"]}],
        )
        objects[report.id] = report
    return stix2.Bundle(objects=list(objects.values()))


def _short(text: str, n: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _note(
    c: Mapping[str, Any],
    story: Mapping[str, Any],
    articles: Mapping[str, Mapping[str, Any]],
    refs: list[str],
    created: str,
    author: str,
) -> stix2.Note:
    reliability, credibility = c["grade"][0], int(c["grade"][1])
    name = story["outlets"]
    lines = [
        f"Claim ({c['kind']}): {c['text']}",
        f"Carried by {len(c['outlets'])} outlet(s): {', '.join(c['outlets'])}.",
        f"Independent roots ({c['independent_roots']}): {', '.join(c['roots']) or 'none'}.",
    ]
    if c["derived"]:
        lines.append(
            "Derived (no root of their own): "
            + ", ".join(name.get(a, a) for a in c["derived"])
            + "."
        )
    if c["origin_unknown"]:
        lines.append(
            "Origin unknown (not counted): "
            + ", ".join(name.get(a, a) for a in c["origin_unknown"])
            + "."
        )
    for d in c["discrepancies"]:
        lines.append(f"Discrepancy ({d['kind']}): {d['detail']}.")
    lines.append(f"Grade {c['grade']}: {c['grade_rule']}.")
    seen: set[str] = set()
    external = [{"source_name": "stemma", "external_id": c["id"]}]
    for m in c["mentions"]:
        url = (articles.get(m["article"]) or {}).get("url")
        if url and url not in seen:
            seen.add(url)
            external.append({"source_name": m["outlet"], "url": url})
    return stix2.Note(
        id=_id("note", story["id"], c["id"]),
        abstract=_short(c["text"], 250),
        content="\n".join(lines),
        authors=["stemma"],
        object_refs=list(dict.fromkeys(refs)),
        confidence=CONFIDENCE.get(credibility),
        labels=[
            RELIABILITY_TAG.format(reliability.lower()),
            CREDIBILITY_TAG.format(credibility),
            f"stemma:kind={c['kind']}",
        ],
        external_references=external,
        created=created,
        modified=created,
        created_by_ref=author,
    )
