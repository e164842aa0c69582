"""Per-story analysis: claims, text reuse, provenance, roots, grades.

``analyse_story`` is a pure function of one story's articles and their
annotations — the unit a Ray ``groupby(story).map_groups`` runs at scale:

1. text reuse between every pair of articles (``stemma.analysis.reuse``);
2. the provenance graph (``stemma.analysis.graph.build_graph``);
3. claim groups with their discrepancies (``stemma.analysis.claims``);
4. each group's independent roots and attribution (``stemma.analysis.roots.claim_roots``);
5. an Admiralty grade per group (``stemma.analysis.grade``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from stemma.analysis import claims, grade, reuse, roots
from stemma.analysis.graph import Graph, build_graph
from stemma.model import Annotation, Article, ClaimGroup, ReuseEdge, Story


@dataclass(frozen=True, slots=True)
class StoryResult:
    """Everything stemma concludes about one story."""

    story: Story
    claims: tuple[ClaimGroup, ...]
    reuse: tuple[ReuseEdge, ...]
    graph: Graph
    labels: Mapping[str, str]  # article id → outlet (or file name when unknown)
    #: (article, mention start) → (source the mention is attributed to, level)
    sources: Mapping[tuple[str, int], tuple[str | None, str]]


def analyse_story(
    story: Story,
    articles: Sequence[Article],
    annotations: Mapping[str, Annotation],
    *,
    ratings: Mapping[str, str] | None = None,
    encode: Callable[[Sequence[str]], np.ndarray] | None = None,
) -> StoryResult:
    """Claims, reuse, graph, roots and grades of one story (pure).

    ``encode`` turns claim-unit texts into MiniLM vectors (default: embed
    them now); the pipeline passes one that reads its cache first.
    """
    members = [a for a in articles if a.id in set(story.articles)]
    analysed = [a for a in members if a.id in annotations and annotations[a.id].sentences]
    # Only this story's annotations go further: the caller may hold a corpus.
    annotations = {a.id: annotations[a.id] for a in analysed}
    labels = {a.id: a.label for a in members}
    edges = reuse.reuse_edges(
        {a.id: a.text for a in analysed},
        published={a.id: a.published for a in analysed},
        cites=_cites(analysed, annotations),
        sentences={a.id: [(s.start, s.end) for s in annotations[a.id].sentences] for a in analysed},
    )
    graph = build_graph(analysed, annotations, edges, labels=labels)
    groups = claims.align_claims(
        story.id, analysed, [annotations[a.id] for a in analysed], encode=encode
    )
    levels = roots.levels_of(analysed, annotations)
    sources = roots.mention_sources(groups, analysed, annotations, levels=levels)
    groups = roots.claim_roots(groups, analysed, annotations, graph, sources=sources, levels=levels)
    graded = tuple(
        grade.grade(g, outlets=[labels[a] for a in g.articles], ratings=ratings) for g in groups
    )
    return StoryResult(story, graded, tuple(edges), graph, labels, sources)


def _cites(
    articles: Sequence[Article], annotations: Mapping[str, Annotation]
) -> dict[str, set[str]]:
    """Article → the articles whose outlet it names as a source (for reuse direction)."""
    by_outlet: dict[str, set[str]] = {}
    for a in articles:
        if a.outlet:
            by_outlet.setdefault(a.outlet.casefold(), set()).add(a.id)
    cites: dict[str, set[str]] = {}
    for a in articles:
        named = {t.source.casefold() for t in annotations[a.id].attributions}
        cites[a.id] = {x for name in named for x in by_outlet.get(name, set()) if x != a.id}
    return cites
