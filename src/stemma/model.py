"""The data model every stage shares.

Small frozen, slotted dataclasses. Every span carries character offsets
(``start``/``end``, end exclusive) into the article's *cleaned* text
(``Article.text``), except ``Removed`` spans, whose offsets point into the
text as it was read (``Article.raw_text``), because the removed text is no
longer part of the cleaned one.

Stages convert spaCy objects into these at their boundary; nothing outside
``stemma.annotate.nlp`` and its helpers needs to know about spaCy.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, Literal

#: What a sentence does in its article.
#: - ``reported``: states something the article attributes to a source, or hedges
#:   as reported ("reportedly").
#: - ``quote``: mostly a direct quotation.
#: - ``commentary``: the outlet's own opinion, evaluation, speculation, rhetoric or
#:   analysis. Sentences get a first reading by rules (``annotate.hedges``); claim
#:   units are then classified by a learned model (``analysis.kinds``).
#: - ``background``: the outlet's own unattributed statement.
Kind = Literal["reported", "quote", "commentary", "background"]

#: What kind of thing a source is.
SourceKind = Literal["outlet", "document", "person", "organisation", "group", "other"]


@dataclass(frozen=True, slots=True)
class Removed:
    """A span cleaning dropped, with why. Offsets into ``Article.raw_text``."""

    start: int
    end: int
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class Problem:
    """An input that could not be read as an article; reported, then skipped."""

    path: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class FeedState:
    """What a polled feed's server said last (``stemma watch``), kept between rounds."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    digest: str | None = None  # sha256 of the last body written to the spool
    status: int | None = None  # HTTP status of the last answer; None when none came
    checked: str | None = None  # UTC time of the last poll, ISO 8601


@dataclass(frozen=True, slots=True)
class Note(Problem):
    """An input read as an article, but not whole (cut at the length limit):
    reported, and the article is analysed."""


def record_name(path: str | None, article_id: str) -> str:
    """The file an article came from, with its record: "file.jsonl:3", "feed.xml#2"."""
    return PurePath(path.replace("\\", "/")).name if path else article_id


def outlet_label(outlet: str | None, path: str | None, article_id: str) -> str:
    """Who carries an article, as matrices and roots count outlets: its outlet,
    else its file's name (every record of "file.jsonl" counts as that file).

    Articles of unknown outlet from different files each count as their own
    outlet: stemma never assumes two unknown sites are one.
    """
    if outlet:
        return outlet
    return record_name(path, article_id).split(":")[0].split("#")[0] or article_id


def article_name(outlet: str | None, path: str | None, article_id: str) -> str:
    """One article, named for a reader: "Outlet (file.txt)", or "file.jsonl:3"."""
    name = record_name(path, article_id)
    return f"{outlet} ({name})" if outlet else name


@dataclass(frozen=True, slots=True)
class Article:
    """One article after ingest and cleaning.

    ``id`` is a hash of the normalised extracted text (before boilerplate
    cleaning, so a change of cleaning rules does not change ids). Metadata that
    is not known stays ``None``: it is never invented.
    """

    id: str
    path: str
    text: str
    raw_text: str
    title: str | None = None
    outlet: str | None = None
    published: str | None = None  # ISO 8601 date (YYYY-MM-DD) or datetime
    url: str | None = None
    author: str | None = None
    language: str | None = None  # ISO 639-1, e.g. "en"; None when undetermined
    source_format: str = "text"  # text | html | jsonl | feed | stdin | warc
    removed: tuple[Removed, ...] = ()
    outlet_evidence: str | None = None  # how the outlet was found: metadata | url | footer

    @property
    def is_english(self) -> bool:
        return self.language == "en"

    @property
    def label(self) -> str:
        """What the article is called in matrices and roots (see :func:`outlet_label`)."""
        return outlet_label(self.outlet, self.path, self.id)


@dataclass(frozen=True, slots=True)
class Hedge:
    """A hedging cue ("reportedly", "appears to", ...)."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Sentence:
    article: str
    index: int
    start: int
    end: int
    text: str
    kind: Kind = "background"
    hedges: tuple[Hedge, ...] = ()
    source: str | None = None  # canonical name of the source it is attributed to

    @property
    def hedged(self) -> bool:
        return bool(self.hedges)


@dataclass(frozen=True, slots=True)
class Entity:
    article: str
    sentence: int
    text: str
    label: str  # spaCy label: PERSON, ORG, GPE, NORP, DATE, ...
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class TimeRef:
    """A date expression, normalised against the article's date when known."""

    article: str
    sentence: int
    text: str
    start: int
    end: int
    value: str | None  # ISO 8601: "2022-02", "2023-12-01", "2023"; None if unresolved
    granularity: str | None = None  # day|week|month|quarter|half|season|year|decade|century
    anchored: bool = False  # True when resolved relative to the article's date


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quotation with its speaker and cue verb.

    ``speaker`` is the speaker as the text writes it (spelling kept).
    ``sentence`` is the index of the sentence the quote starts in.
    """

    article: str
    sentence: int
    text: str
    start: int
    end: int
    speaker: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue: str | None = None


@dataclass(frozen=True, slots=True)
class Attribution:
    """A sentence attributing its content to a source.

    ``source`` is canonical ("The New York Times" for "NYT"); ``mention`` is
    the text as written. ``content_start``/``content_end`` cover what is
    attributed (the sentence, or the clause when it can be told apart).
    """

    article: str
    sentence: int
    source: str
    mention: str
    start: int  # of the source mention
    end: int
    cue: str
    source_kind: SourceKind = "other"
    content_start: int | None = None
    content_end: int | None = None
    cue_start: int | None = None  # offsets of the cue, for highlighting
    cue_end: int | None = None


@dataclass(frozen=True, slots=True)
class Annotation:
    """Everything the NLP stage found in one article."""

    article: str
    sentences: tuple[Sentence, ...] = ()
    entities: tuple[Entity, ...] = ()
    timerefs: tuple[TimeRef, ...] = ()
    quotes: tuple[Quote, ...] = ()
    attributions: tuple[Attribution, ...] = ()


@dataclass(frozen=True, slots=True)
class Story:
    """Articles about the same real-world event. ``id`` is stable: it is the id
    of the story's first article, so adding articles later never renames a story.

    ``threads`` are the story's angles (the rescue, a statement, the live
    blog): article ids in the order they joined, a thread's id being its first
    article's. Empty means one thread of all the articles (stories stored
    before threads existed)."""

    id: str
    articles: tuple[str, ...]
    title: str | None = None
    threads: tuple[tuple[str, ...], ...] = ()

    @property
    def thread_list(self) -> tuple[tuple[str, ...], ...]:
        """The threads, or one thread of all the articles when none are recorded."""
        return self.threads or (self.articles,)


@dataclass(frozen=True, slots=True)
class Passage:
    """A passage two articles share (verbatim or near-verbatim)."""

    a_start: int  # offsets into article a's cleaned text
    a_end: int
    b_start: int  # offsets into article b's cleaned text
    b_end: int
    similarity: float  # 1.0 = verbatim


@dataclass(frozen=True, slots=True)
class ReuseEdge:
    """Text reuse between two articles of a story.

    When a direction is known, ``a`` is the earlier / original article and
    ``b`` the one reusing its text; ``direction`` says how it was decided
    ("published": by publication time, "attribution": b names a's outlet), or
    is None when the pair is undirected (then a/b are in id order).
    """

    a: str
    b: str
    score: float  # share of the shorter article covered by shared passages, 0..1
    passages: tuple[Passage, ...] = ()
    direction: str | None = None


@dataclass(frozen=True, slots=True)
class Mention:
    """One article's statement of a claim: a sentence, or a clause of one."""

    article: str
    sentence: int
    start: int  # offsets into the article's cleaned text
    end: int
    text: str
    kind: Kind = "background"
    source: str | None = None  # what the sentence attributes it to (canonical), if anything


#: What differs between two mentions of one claim.
DiscrepancyKind = Literal["number", "time", "date", "name", "negation", "quote_altered"]


@dataclass(frozen=True, slots=True)
class Discrepancy:
    """Mentions of one claim that disagree: ``values[i]`` is said by ``articles[i]``."""

    kind: DiscrepancyKind
    detail: str  # human-readable: "more than 4,000 miles vs 2,600 miles"
    articles: tuple[str, ...]
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Grade:
    """An Admiralty code: source reliability A–F, information credibility 1–6."""

    reliability: str
    credibility: int
    rule: str  # the rule that fired, e.g. "C1: confirmed by >= 2 independent roots"

    @property
    def code(self) -> str:
        return f"{self.reliability}{self.credibility}"


@dataclass(frozen=True, slots=True)
class ClaimGroup:
    """One assertion made by one or more articles of a story."""

    id: str
    story: str
    text: str  # representative wording
    kind: Kind
    mentions: tuple[Mention, ...]
    discrepancies: tuple[Discrepancy, ...] = ()
    #: Independent roots: named sources (a person, a body, a document, an
    #: outlet cited) and outlets' own reporting where their text shows it.
    roots: tuple[str, ...] = ()
    #: True when the claim traces to at least one root (see ``roots``).
    attributed: bool = False
    #: Articles whose mention re-tells a root the claim already has, or copies
    #: another carrier: no root of its own.
    derived: tuple[str, ...] = ()
    #: Articles whose mention has no source and no evidence of its own access:
    #: shown as "origin unknown", never counted towards corroboration.
    unknown: tuple[str, ...] = ()
    #: (root, why it is one) for each outlet's own reporting counted as a root.
    evidence: tuple[tuple[str, str], ...] = ()
    #: Roots that are descriptions, not names ("investigator", "internal US
    #: government communications"): counted, but they cannot show that a
    #: second account is independent, so they never make a claim "confirmed".
    unnamed: tuple[str, ...] = ()
    grade: Grade | None = None
    # How closely its articles agree: every reported mention has a mention of
    # another article at least this similar (alignment score); None when one
    # article carries it. "Confirmed" needs close agreement (see grading).
    agreement: float | None = None
    #: Pairs of articles (ids, sorted) whose mentions of the claim closely
    #: agree (alignment score at least ``CONFIRM_AGREEMENT``, copies aside).
    agreeing: tuple[tuple[str, str], ...] = ()
    #: Two independent named roots whose own accounts closely agree: an
    #: article that holds one of them agrees closely with an article that
    #: holds the other. "Confirmed" needs it (each root's account, not just
    #: every mention, must have a close counterpart).
    roots_agree: bool = False
    #: How much the claim states a checkable fact (0–1): the highest
    #: check-worthiness of its non-commentary mentions (``analysis.kinds``).
    checkworthy: float | None = None

    @property
    def articles(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.article for m in self.mentions))

    @property
    def single_article(self) -> bool:
        return len(self.articles) == 1

    @property
    def independent_roots(self) -> int:
        return len(self.roots)


# -- provenance and the result of one story -----------------------------------


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


@dataclass(frozen=True, slots=True)
class StoryResult:
    """Everything stemma concludes about one story (``analysis.analyse_story``)."""

    story: Story
    claims: tuple[ClaimGroup, ...]
    reuse: tuple[ReuseEdge, ...]
    graph: Graph
    labels: Mapping[str, str]  # article id → outlet (or file name when unknown)
    #: (article, mention start) → (source the mention is attributed to, level)
    sources: Mapping[tuple[str, int], tuple[str | None, str]]
