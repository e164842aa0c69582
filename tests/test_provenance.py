"""Provenance graph and independent roots, on the example corpus's real annotations.

Claim groups are built by hand here from the corpus's sentences, so these tests
check roots and attribution independently of how claims are aligned.
"""

from __future__ import annotations

import io
from pathlib import Path

import networkx as nx
import pytest

from stemma.analysis.graph import build_graph
from stemma.analysis.roots import claim_roots, mention_sources
from stemma.annotate.nlp import annotate
from stemma.ingest import readers as ingest
from stemma.model import Annotation, Article, ClaimGroup, Mention

from .conftest import EXAMPLES

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def corpus(nlp) -> tuple[list[Article], dict[str, Annotation]]:
    articles = [a for a in ingest.load([EXAMPLES]) if isinstance(a, Article)]
    annotations = {a.id: ann for a, ann in zip(articles, annotate(articles, nlp=nlp), strict=True)}
    return articles, annotations


def by_file(articles: list[Article]) -> dict[str, Article]:
    return {Path(a.path).name[:3]: a for a in articles}


def mention(article: Article, ann: Annotation, fragment: str) -> Mention:
    [s] = [s for s in ann.sentences if fragment in s.text]
    return Mention(article.id, s.index, s.start, s.end, s.text, s.kind, s.source)


def claim(corpus, *parts: tuple[str, str]) -> ClaimGroup:
    articles, annotations = corpus
    files = by_file(articles)
    mentions = tuple(mention(files[f], annotations[files[f].id], fragment) for f, fragment in parts)
    return ClaimGroup("c", "s", mentions[0].text, mentions[0].kind, mentions)


def roots_of(corpus, group: ClaimGroup) -> ClaimGroup:
    articles, annotations = corpus
    graph = build_graph(articles, annotations)
    [out] = claim_roots([group], articles, annotations, graph)
    return out


def test_provenance_graph_links_outlet_group_and_document(corpus) -> None:
    articles, annotations = corpus
    graph = build_graph(articles, annotations)
    edges = {(e.source, e.target, e.kind) for e in graph.edges}
    assert ("source:The New York Times", "source:FSB document", "based_on") in edges
    assert ("source:Ares Leaks", "source:FSB document", "based_on") in edges
    assert ("source:The New York Times", "source:Ares Leaks", "obtained_from") in edges
    attributing = {e.source for e in graph.edges if e.target == "source:The New York Times"}
    assert len({a for a in attributing if a.startswith("article:")}) == 4


def test_provenance_enemy_claim_has_five_outlets_one_root(corpus) -> None:
    group = claim(
        corpus,
        ("000", "brands China as “the enemy”"),
        ("001", "privately regards China as"),
        ("002", "refers to China as “the enemy”"),
        ("003", "The document even refers to China"),
        ("004", "has reportedly labeled China an “enemy,”"),
    )
    out = roots_of(corpus, group)
    assert len(out.articles) == 5
    assert out.roots == ("FSB document",)
    assert out.attributed


@pytest.mark.parametrize(
    "fragment",
    ["messaging app WeChat", "“Entente-4,”", "Wagner mercenary group"],
)
def test_provenance_single_article_claims_trace_to_the_document(corpus, fragment: str) -> None:
    fragment = fragment.replace("“", '"').replace(",”", ',"') if "Entente" in fragment else fragment
    out = roots_of(corpus, claim(corpus, ("001", fragment)))
    assert out.single_article
    assert out.attributed
    assert out.roots == ("FSB document",)


def test_provenance_outlets_own_background_is_origin_unknown(corpus) -> None:
    # The tabloid's own history of the ekranoplan: no source, no sign of its
    # own access, no date: its origin is unknown, and it is no root.
    out = roots_of(corpus, claim(corpus, ("000", "The Soviet Union heavily explored")))
    assert not out.attributed
    assert out.roots == ()
    assert out.unknown == (by_file(corpus[0])["000"].id,)


def test_provenance_speculation_corroborates_nothing(corpus) -> None:
    out = roots_of(corpus, claim(corpus, ("004", "The supposed leak might be a strategic move")))
    assert out.roots == ()
    assert not out.attributed


def test_provenance_mention_sources_name_level(corpus) -> None:
    articles, annotations = corpus
    group = claim(corpus, ("000", "brands China as “the enemy”"), ("001", "messaging app WeChat"))
    sources = mention_sources([group], articles, annotations)
    levels = {level for _, level in sources.values()}
    assert levels <= {"sentence", "paragraph", "article"}
    assert sources[(group.mentions[0].article, group.mentions[0].start)] == (
        "FSB document",
        "sentence",
    )


def test_provenance_graphml_export_reads_back(corpus) -> None:
    articles, annotations = corpus
    graph = build_graph(articles, annotations)
    g = nx.read_graphml(io.BytesIO(graph.to_graphml().encode()))
    assert g.number_of_nodes() == len(graph.nodes)
    assert g.nodes["source:Ares Leaks"]["kind"] == "group"


def test_provenance_hearsay_belief_is_not_a_root(corpus) -> None:
    # "Russian intelligence reportedly fears that Chinese academics are laying
    # the groundwork …": the report says what the service fears; the article's
    # source (the NYT, based on the FSB document) is where it comes from.
    group = claim(
        corpus,
        ("002", "Russian intelligence reportedly fears"),
        ("003", "laying the groundwork to claim parts of Russian"),
    )
    out = roots_of(corpus, group)
    assert "Russian intelligence" not in out.roots
    assert out.roots == ("FSB document",)
