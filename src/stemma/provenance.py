"""Who got it from whom: the provenance graph of a story and each claim's roots.

Nodes are the story's articles and the sources they attribute to (outlets,
documents, people, organisations, groups). Edges point *upstream*, from
whoever repeats information to where it came from:

- ``attributes_to``: article → source ("The New York Times reports", "according
  to the document"), with the sentences that say so;
- ``reuses``: article → article whose text it reuses (from ``stemma.reuse``;
  undirected reuse, when neither date nor attribution tells who copied whom,
  is kept with ``directed=False``);
- ``based_on``: outlet/group → document, when the text says the outlet or group
  obtained, cited or based its report on the document ("an eight-page planning
  document obtained by The New York Times", "A New York Times report, based on
  internal documents"); an organisation → its own document ("the FSB" → "FSB
  document"): what the FSB "says" in this story is known through its document;
- ``obtained_from``: outlet → group, when a document was obtained first by a
  group and then by an outlet ("The document, cited by the NYT, was first
  obtained by Ares Leaks").

The independent roots of a claim (``claim_roots``): every non-opinion mention
is followed upstream — its sentence's source, else its paragraph's, else its
article's, else the article it reuses — until nothing is upstream. Distinct
end points are the roots. Five outlets re-telling one newspaper that re-tells
one leaked document: five outlets, one root.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from stemma.attribution import COGNITION_VERBS, canonical_source
from stemma.model import (
    Annotation,
    Article,
    Attribution,
    ClaimGroup,
    Mention,
    ReuseEdge,
)

#: Order in which a sentence's sources are preferred as its upstream, most
#: primary first: in "Citing intelligence officers, the NYT reported …" the
#: officers are where the NYT got it from.
PRIMACY = {"person": 0, "document": 1, "group": 2, "organisation": 3, "other": 4, "outlet": 5}

#: Cues that say a party holds or relays a document rather than asserting the
#: sentence; with a document in the same sentence they make a ``based_on`` edge.
HOLDING_CUES = frozenset(
    {"obtained by", "first obtained by", "cited by", "as cited by", "based on", "citing"}
)

#: The attribution stage's verbs of thinking, in the forms a cue is written in
#: (``Attribution.cue`` is the text, not the lemma) ...
_IRREGULAR_PAST = {"think": "thought", "feel": "felt", "find": "found"}
BELIEF_CUES = frozenset(
    form
    for verb in COGNITION_VERBS
    for form in (
        verb,
        verb + "s",
        _IRREGULAR_PAST.get(verb, verb + "d" if verb.endswith("e") else verb + "ed"),
    )
)

#: ... that a hearsay adverb puts second-hand: in "Russian intelligence
#: reportedly fears that …" somebody reports what the service fears; the
#: service holds the belief, the report is the source of the information.
HEARSAY = re.compile(
    r"\b(?:reportedly|allegedly|apparently|purportedly|(?:is|are|was|were) said to)\b",
    re.IGNORECASE,
)

#: Cues that name who first obtained a document (a leak group before an outlet).
FIRST_CUES = re.compile(r"\bfirst\b|\bleaked\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Node:
    id: str  # "article:<id>" or "source:<canonical name>"
    kind: str  # article | outlet | document | person | organisation | group | other
    label: str


@dataclass(frozen=True, slots=True)
class Edge:
    source: str  # node id (downstream: who repeats)
    target: str  # node id (upstream: where it came from)
    kind: str  # attributes_to | reuses | based_on | obtained_from
    weight: int = 1
    directed: bool = True
    evidence: tuple[str, ...] = ()  # sentences that say so (a few)


@dataclass(frozen=True, slots=True)
class Graph:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    def upstream(self) -> dict[str, list[str]]:
        """node id → upstream node ids, over the directed edges."""
        up: dict[str, list[str]] = defaultdict(list)
        for e in self.edges:
            if e.directed and e.target not in up[e.source]:
                up[e.source].append(e.target)
        return up

    def as_dict(self) -> dict[str, list[dict[str, object]]]:
        return {
            "nodes": [{"id": n.id, "kind": n.kind, "label": n.label} for n in self.nodes],
            "edges": [
                {
                    "source": e.source,
                    "target": e.target,
                    "kind": e.kind,
                    "weight": e.weight,
                    "directed": e.directed,
                    "evidence": list(e.evidence),
                }
                for e in self.edges
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Graph:
        """The inverse of ``as_dict``."""
        return cls(
            tuple(Node(n["id"], n["kind"], n["label"]) for n in data["nodes"]),
            tuple(
                Edge(
                    e["source"],
                    e["target"],
                    e["kind"],
                    e["weight"],
                    e["directed"],
                    tuple(e["evidence"]),
                )
                for e in data["edges"]
            ),
        )

    def to_graphml(self) -> str:
        """GraphML text (networkx), for Gephi, yEd or Cytoscape."""
        import networkx as nx

        g = nx.MultiDiGraph()
        for n in self.nodes:
            g.add_node(n.id, kind=n.kind, label=n.label)
        for e in self.edges:
            g.add_edge(
                e.source,
                e.target,
                kind=e.kind,
                weight=e.weight,
                directed=e.directed,
                evidence=" | ".join(e.evidence),
            )
        return "\n".join(nx.generate_graphml(g))


def article_node(article_id: str) -> str:
    return f"article:{article_id}"


def source_node(name: str) -> str:
    return f"source:{name}"


@dataclass(slots=True)
class _Builder:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], Edge] = field(default_factory=dict)

    def node(self, node_id: str, kind: str, label: str) -> str:
        self.nodes.setdefault(node_id, Node(node_id, kind, label))
        return node_id

    def edge(self, a: str, b: str, kind: str, evidence: str = "", *, directed: bool = True) -> None:
        if a == b:
            return
        key = (a, b, kind)
        old = self.edges.get(key)
        if old is None:
            self.edges[key] = Edge(a, b, kind, 1, directed, (evidence,) if evidence else ())
            return
        ev = old.evidence
        if evidence and evidence not in ev and len(ev) < 3:
            ev = (*ev, evidence)
        self.edges[key] = replace(old, weight=old.weight + 1, evidence=ev)

    def graph(self) -> Graph:
        return Graph(tuple(self.nodes.values()), tuple(self.edges.values()))


def build_graph(
    articles: Sequence[Article],
    annotations: Mapping[str, Annotation],
    reuse: Sequence[ReuseEdge] = (),
    *,
    labels: Mapping[str, str] | None = None,
) -> Graph:
    """The provenance graph of one story (see the module docstring)."""
    b = _Builder()
    labels = labels or {}
    kinds: dict[str, str] = {}
    for art in articles:
        b.node(article_node(art.id), "article", labels.get(art.id, art.outlet or art.id))
        ann = annotations.get(art.id)
        if ann is None:
            continue
        text = {s.index: s.text for s in ann.sentences}
        for a in ann.attributions:
            kinds.setdefault(a.source, a.source_kind)
            src = b.node(source_node(a.source), a.source_kind, a.source)
            b.edge(article_node(art.id), src, "attributes_to", text.get(a.sentence, ""))
        _link_sources(b, ann, text)
    _link_organisations(b, kinds)
    _link_leaks(b, kinds)
    for r in reuse:
        if r.direction is None:
            b.edge(article_node(r.a), article_node(r.b), "reuses", directed=False)
        else:
            b.edge(article_node(r.b), article_node(r.a), "reuses", r.direction)
    return b.graph()


def _link_sources(b: _Builder, ann: Annotation, text: Mapping[int, str]) -> None:
    """``based_on`` and ``obtained_from`` edges from sentences naming several sources."""
    by_sentence: dict[int, list[Attribution]] = defaultdict(list)
    for a in ann.attributions:
        by_sentence[a.sentence].append(a)
    for i, attrs in by_sentence.items():
        documents = [a for a in attrs if a.source_kind == "document"]
        if not documents:
            continue
        doc = source_node(documents[0].source)
        holders = [
            a
            for a in attrs
            if a.source_kind in ("outlet", "group", "organisation")
            and a.cue.lower() in HOLDING_CUES
        ]
        for h in holders:
            b.edge(source_node(h.source), doc, "based_on", text.get(i, ""))
        first = [h for h in holders if h.source_kind == "group" or FIRST_CUES.search(h.cue)]
        later = [h for h in holders if h.source_kind == "outlet" and h not in first]
        for lt in later:
            for f in first:
                evidence = text.get(i, "")
                b.edge(source_node(lt.source), source_node(f.source), "obtained_from", evidence)


def _link_organisations(b: _Builder, kinds: Mapping[str, str]) -> None:
    """An organisation speaks in this story through its document ("FSB" → "FSB document")."""
    documents = [name for name, kind in kinds.items() if kind == "document"]
    for name, kind in kinds.items():
        if kind != "organisation":
            continue
        own = [d for d in documents if d.split()[0].casefold() == name.split()[-1].casefold()]
        if len(own) == 1:
            b.edge(source_node(name), source_node(own[0]), "based_on", "")


#: Generic names that, in a story about one document, can only mean that
#: document: "the leak", "the leaked information", "the document".
LEAK_WORDS = re.compile(r"\bleak(ed|s)?\b|^the (document|memo|report|documents)$", re.IGNORECASE)


def _link_leaks(b: _Builder, kinds: Mapping[str, str]) -> None:
    """In a story with exactly one named document, "the leak" and a bare "the
    document" are that document."""
    named = [n for n, k in kinds.items() if k == "document" and not LEAK_WORDS.search(n)]
    if len(named) != 1:
        return
    for name, kind in kinds.items():
        if name != named[0] and kind in ("document", "other") and LEAK_WORDS.search(name):
            b.edge(source_node(name), source_node(named[0]), "based_on", "")


# -- attribution levels and roots ----------------------------------------------


def sentence_upstream(attrs: Sequence[Attribution]) -> str | None:
    """The source a sentence's content comes from, most primary first."""
    if not attrs:
        return None
    asserting = [a for a in attrs if a.cue.lower() not in HOLDING_CUES] or list(attrs)
    best = min(asserting, key=lambda a: (PRIMACY.get(a.source_kind, 9), a.start))
    return best.source


def article_upstream(ann: Annotation) -> str | None:
    """The source an article as a whole relies on: the outlet it names most,
    else the document it cites most, else None. People are never an
    article-level source: a quoted expert speaks for one statement, not the
    whole article."""
    counts: Counter[tuple[int, str]] = Counter()
    for a in ann.attributions:
        if a.source_kind == "outlet":
            counts[(0, a.source)] += 1
        elif a.source_kind == "document":
            counts[(1, a.source)] += 1
    if not counts:
        return None
    best_rank = min(rank for rank, _ in counts)
    return max(
        ((n, name) for (rank, name), n in counts.items() if rank == best_rank),
    )[1]


#: Share of a mention an attribution's content must cover to apply to it: in
#: "While Putin declares a friendship, a secret unit regards China as the
#: enemy", Putin's content is the first clause only.
CONTENT_COVER = 0.4

#: Source kinds whose attribution carries over to the rest of a paragraph
#: ("According to the document, …" heads a paragraph); a person's quote does not.
CARRIED_KINDS = frozenset({"document", "outlet", "organisation", "group"})


@dataclass(frozen=True, slots=True)
class _Levels:
    """Per article: sentence attributions, paragraph carry-over, article source."""

    by_sentence: dict[int, list[Attribution]]
    quotes: tuple[tuple[int, int, str], ...]  # (start, end, canonical speaker)
    carried: dict[int, str]
    article: str | None
    subjects: frozenset[str]  # words that tie a sentence to the article's source


def _applies(a: Attribution, start: int, end: int) -> bool:
    if a.content_start is None or a.content_end is None or end <= start:
        return True
    overlap = min(end, a.content_end) - max(start, a.content_start)
    return overlap >= CONTENT_COVER * (end - start)


def _levels(article: Article, ann: Annotation) -> _Levels:
    by_sentence: dict[int, list[Attribution]] = defaultdict(list)
    for a in ann.attributions:
        by_sentence[a.sentence].append(a)
    # Journalistic convention: "According to the document, …" at the head of a
    # paragraph covers the paragraph's following sentences.
    carried: dict[int, str] = {}
    current: str | None = None
    last_paragraph = -1
    for s in ann.sentences:
        paragraph = article.text.count("\n", 0, s.start)
        if paragraph != last_paragraph:
            current, last_paragraph = None, paragraph
        attrs = [a for a in by_sentence.get(s.index, []) if a.source_kind in CARRIED_KINDS]
        if attrs:
            current = sentence_upstream(attrs)
        elif current is not None and s.kind != "opinion" and s.index not in by_sentence:
            carried[s.index] = current
    top = article_upstream(ann)
    subjects = {w.casefold() for a in ann.attributions for w in a.source.split() if len(w) > 2}
    quotes = tuple(
        (q.start, q.end, canonical_source(q.speaker)[0]) for q in ann.quotes if q.speaker
    )
    return _Levels(
        dict(by_sentence), quotes, carried, top, frozenset(subjects - {"the", "document"})
    )


def _second_hand(a: Attribution, m: Mention) -> bool:
    """A belief reported as hearsay ("X reportedly fears …"): X is not the source."""
    if a.cue.lower() not in BELIEF_CUES or a.cue_start is None:
        return False
    between = m.text[max(a.end - m.start, 0) : max(a.cue_start - m.start, 0)]
    return bool(HEARSAY.search(between))


def mention_upstream(m: Mention, levels: _Levels, sentence_kind: str) -> tuple[str | None, str]:
    """Where a mention comes from, and at which level: sentence | paragraph | article | none."""
    attrs = [
        a
        for a in levels.by_sentence.get(m.sentence, [])
        if _applies(a, m.start, m.end) and not _second_hand(a, m)
    ]
    if attrs:
        return sentence_upstream(attrs), "sentence"
    for start, end, speaker in levels.quotes:
        # A clause inside a direct quote is the speaker's, even when the
        # sentence naming the speaker is another one.
        if min(end, m.end) - max(start, m.start) >= 0.5 * (m.end - m.start):
            return speaker, "sentence"
    if m.sentence in levels.carried:
        return levels.carried[m.sentence], "paragraph"
    if levels.article is not None and sentence_kind != "opinion":
        words = {w.casefold().strip(".,;:’'\"“”") for w in m.text.split()}
        # Reported sentences, or ones about the article's own source ("The FSB
        # also mandated …" in an article reporting the FSB's document), carry
        # the article's attribution; the outlet's own background does not.
        if sentence_kind == "reported" or words & levels.subjects:
            return levels.article, "article"
    return None, "none"


def mention_sources(
    groups: Sequence[ClaimGroup],
    articles: Sequence[Article],
    annotations: Mapping[str, Annotation],
) -> dict[tuple[str, int], tuple[str | None, str]]:
    """(article, mention start) → (source it is attributed to, level), for every mention.

    Level is "sentence", "paragraph", "article" or "none": what a claim ×
    outlet matrix shows in each cell.
    """
    levels = {a.id: _levels(a, annotations[a.id]) for a in articles if a.id in annotations}
    kinds = _kinds(annotations)
    out: dict[tuple[str, int], tuple[str | None, str]] = {}
    for g in groups:
        for m in g.mentions:
            lv = levels.get(m.article)
            kind = kinds.get((m.article, m.sentence), m.kind)
            out[(m.article, m.start)] = mention_upstream(m, lv, kind) if lv else (None, "none")
    return out


def _kinds(annotations: Mapping[str, Annotation]) -> dict[tuple[str, int], str]:
    return {(s.article, s.index): s.kind for ann in annotations.values() for s in ann.sentences}


def claim_roots(
    groups: Sequence[ClaimGroup],
    articles: Sequence[Article],
    annotations: Mapping[str, Annotation],
    graph: Graph,
    *,
    sources: Mapping[tuple[str, int], tuple[str | None, str]] | None = None,
) -> list[ClaimGroup]:
    """Fill ``roots`` and ``attributed`` of every claim group.

    Opinion and speculation mentions are never followed: they corroborate
    nothing. A mention with no source anywhere is its own article's root;
    articles that share text without a known direction count as one root.
    ``sources`` is :func:`mention_sources` of the same groups, when the
    caller has it already.
    """
    by_id = {a.id: a for a in articles}
    if sources is None:
        sources = mention_sources(groups, articles, annotations)
    kinds = _kinds(annotations)
    declared_source = {a: article_upstream(ann) for a, ann in annotations.items()}
    up = graph.upstream()
    same_text = _reuse_components(graph)
    out = []
    for g in groups:
        per_article: dict[str, list[str]] = defaultdict(list)
        pending: list[str] = []  # articles whose mention has no source
        attributed = True
        counted = 0
        for m in g.mentions:
            kind = kinds.get((m.article, m.sentence), m.kind)
            if kind == "opinion" or m.article not in by_id:
                continue
            counted += 1
            source, _ = sources.get((m.article, m.start), (None, "none"))
            if source is None:
                attributed = False
                pending.append(m.article)
                continue
            for root in _follow(source_node(source), up):
                if root not in per_article[m.article]:
                    per_article[m.article].append(root)
        others = {r for rs in per_article.values() for r in rs}
        for aid in pending:
            # An unattributed mention whose article names a source elsewhere
            # (its article-level source), when that source leads to a root
            # the claim's attributed mentions already have: the article is
            # re-telling its declared source, not adding a root of its own.
            top = declared_source.get(aid)
            declared = [r for r in _follow(source_node(top), up) if r in others] if top else []
            if declared:
                per_article[aid].extend(r for r in declared if r not in per_article[aid])
                continue
            # An unattributed mention in an article that reuses another article
            # carrying the same claim has that mention's roots; else the
            # furthest article upstream (or itself) is the root.
            for origin in _follow(article_node(aid), up):
                origin_id = origin.removeprefix("article:")
                inherited = per_article.get(origin_id) if origin_id != aid else None
                roots_here = inherited or [same_text.get(origin, origin)]
                for root in roots_here:
                    if root not in per_article[aid]:
                        per_article[aid].append(root)
        roots = list(dict.fromkeys(r for rs in per_article.values() for r in rs))
        out.append(
            replace(
                g,
                roots=tuple(_root_label(r, by_id) for r in roots),
                attributed=attributed and counted > 0,
            )
        )
    return out


def _follow(start: str, up: Mapping[str, list[str]]) -> list[str]:
    """End points reachable upstream from ``start`` (itself if nothing is upstream).

    A node is an end point when it has no upstream edge of its own type; in a
    cycle with no way out, ``start`` stands for the whole cycle.
    """
    ends: list[str] = []
    seen = {start}
    stack = [start]
    while stack:
        node = stack.pop()
        nxt = [n for n in up.get(node, []) if _is_upstream_edge(node, n)]
        if not nxt:
            if node not in ends:
                ends.append(node)
            continue
        for n in nxt:
            if n not in seen:
                seen.add(n)
                stack.append(n)
    return ends or [start]


def _is_upstream_edge(node: str, target: str) -> bool:
    # Sources lead to sources, articles (by reuse) to articles: an article's
    # attributions are used once, when a mention is mapped to its source.
    return node.split(":", 1)[0] == target.split(":", 1)[0]


def _reuse_components(graph: Graph) -> dict[str, str]:
    """Articles joined by undirected reuse: each maps to the component's first id."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for e in graph.edges:
        if e.kind == "reuses" and not e.directed:
            a, b = find(e.source), find(e.target)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {n: find(n) for n in list(parent)}


def _root_label(node: str, by_id: Mapping[str, Article]) -> str:
    """A root as the brief prints it: a source's name, or an article's own reporting."""
    if node.startswith("source:"):
        return node.removeprefix("source:")
    aid = node.removeprefix("article:")
    art = by_id.get(aid)
    if art is None:
        return f"article {aid}"
    return f"{art.label} (own reporting)"


def roots_summary(groups: Iterable[ClaimGroup]) -> Counter[int]:
    """How many claims have 0, 1, 2, … independent roots."""
    return Counter(g.independent_roots for g in groups)
