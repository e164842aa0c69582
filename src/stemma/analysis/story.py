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

import numpy as np

from stemma.analysis import grade, reuse, roots
from stemma.analysis.align import align_claims
from stemma.analysis.graph import build_graph
from stemma.analysis.units import Unit
from stemma.model import Annotation, Article, Story, StoryResult
from stemma.settings import DEFAULT, Settings


def analyse_story(
    story: Story,
    articles: Sequence[Article],
    annotations: Mapping[str, Annotation],
    *,
    ratings: Mapping[str, str] | None = None,
    encode: Callable[[Sequence[str]], np.ndarray] | None = None,
    units: Mapping[str, Sequence[Unit]] | None = None,
    settings: Settings = DEFAULT,
) -> StoryResult:
    """Claims, reuse, graph, roots and grades of one story (pure).

    ``encode`` turns claim-unit texts into MiniLM vectors (default: embed
    them now); the engine passes one that reads its cache first. ``units``
    are claim units the caller made already (article id → its units), so an
    article's units are made once per run; the rest are made here.
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
        params=settings.reuse,
    )
    graph = build_graph(analysed, annotations, edges, labels=labels)
    groups = align_claims(
        story.id,
        analysed,
        [annotations[a.id] for a in analysed],
        encode=encode,
        params=settings.claims,
        made=units,
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
