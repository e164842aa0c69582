"""The provenance graph of a story: who repeats information, and where from.

Nodes are the story's articles and the sources they attribute to (outlets,
documents, people, organisations, groups). Edges point *upstream*, from
whoever repeats information to where it came from:

- ``attributes_to``: article → source ("The New York Times reports", "according
  to the document"), with the sentences that say so;
- ``reuses``: article → article whose text it reuses (from ``stemma.analysis.reuse``;
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

Each claim's roots are found by walking this graph (:mod:`stemma.analysis.roots`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from stemma.annotate.sources import HOLDING_CUES
from stemma.model import Annotation, Article, Attribution, Edge, Graph, Node, ReuseEdge

#: Cues that name who first obtained a document (a leak group before an outlet).
FIRST_CUES = re.compile(r"\bfirst\b|\bleaked\b", re.IGNORECASE)


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
