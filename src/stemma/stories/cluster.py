"""Group articles about the same event into stories.

Pure functions: article features in, story ids out; the caller stores them.

**Signals.** Two articles are scored on

1. *near-duplication*: MinHash signatures (datasketch) of word 3-gram shingles
   of the full text, candidate pairs from a ``MinHashLSH`` index, confirmed by
   the estimated Jaccard similarity. A wire story and its reprints are the
   same story whatever else says, even weeks apart.
2. *meaning*: cosine similarity of MiniLM embeddings of title + lead (see
   :mod:`stemma.stories.embed`). The lead says what happened; the rest of an article
   drifts into background that other events share.
3. *who and where*: the overlap of the named entities (people, organisations,
   places, groups, named events) the articles mention. Two earthquakes in the
   same region read alike; their places, dates and officials differ.
4. *when*: articles published more than ``ClusterParams.time_window_days`` apart are not
   the same story unless they are near-duplicates. Unknown dates constrain
   nothing.

The pair score is ``(1 - w) * cosine + w * entity_overlap`` (``w`` =
``entity_weight``, entity overlap = Jaccard of the name sets; plain cosine
when either article names fewer than ``ClusterParams.min_entities``, since one name in
a headline says little about *which* event), ``0`` outside the time window, ``1``
for near-duplicates.

**Grouping.** Agglomerative clustering with *average* linkage (scipy) on
``1 - score``, cut where the average score between two groups falls below
``threshold``. Average rather than single linkage (= connected components of
the thresholded graph): single linkage chains, A~B and B~C put A and C
together even when they share nothing, which in news glues whole topics
("the Fed", "Ukraine") into one story; on ECB+ and UCI it scored lower (see
``eval/stories.py``).

**Incremental.** ``existing`` stories keep their ids and members. New
articles are first clustered among themselves; each new group then joins the
existing story with the highest average score to it, if that reaches
``threshold``, and becomes a new story otherwise. Existing stories are never
merged or split. A story's id is the id of its first (earliest-added)
article, so adding articles never renames a story.

Example::

    items = [story_input(a.id, a.title, a.text, entities=ents[a.id]) for a in articles]
    stories = cluster_stories(items)                       # first run
    more = cluster_stories(items + new_items, existing=stories)  # later: ids kept
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from datasketch import MinHash, MinHashLSH
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import csr_matrix
from scipy.spatial.distance import squareform

from stemma.model import Annotation, Article, Story
from stemma.settings import DEFAULT, ClusterParams

#: Entity labels that pin down an event: who (PERSON, ORG, NORP), where (GPE)
#: and which named event (EVENT). DATE, CARDINAL and the like repeat across
#: unrelated stories ("Monday", "two") and would only add noise.
ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "EVENT"})

#: Leading words dropped when normalising an entity, so that "the Kremlin" and
#: "Kremlin" are one entity.
ENTITY_LEADING = ("the ",)

# Thresholds are ``ClusterParams`` in ``stemma.settings``, each with why.

#: LSH weights of (false positives, false negatives). Every candidate pair is
#: checked against its Jaccard estimate, so a false positive costs one
#: comparison while a false negative loses a duplicate: (0.1, 0.9) finds 97 %
#: of pairs at J = 0.85 (the balanced default, 69 %).
LSH_WEIGHTS = (0.1, 0.9)

#: Sentences and words kept as an article's lead.
LEAD_SENTENCES = 3
LEAD_WORDS = 80

Linkage = Literal["average", "single", "complete"]
EntityMeasure = Literal["jaccard", "overlap"]

_WORD = re.compile(r"\w+(?:['’]\w+)*")
#: Abbreviations whose period ends no sentence ("Mr. Nichols"); single
#: capitals ("Brian G. Nichols", "U.S.") are handled apart.
ABBREVIATIONS = ("Mr", "Mrs", "Ms", "Dr", "St", "Gen", "Gov", "Sen", "Rep", "Jr", "Sr", "No")

# A sentence ends at . ! ? (optionally followed by a closing quote or bracket)
# before whitespace and an opening capital, digit or quote; not after an
# initial or an abbreviation.
_SENTENCE_END = re.compile(
    r"(?<!\b[A-Z]\.)"
    + "".join(rf"(?<!\b{a}\.)" for a in ABBREVIATIONS)
    + r"(?<=[.!?])['\"”’)]?\s+(?=[\"“‘(A-Z0-9])"
)
_SPACES = re.compile(r"\s+")
_POSSESSIVE = re.compile(r"['’]s$")


@dataclass(frozen=True, slots=True)
class StoryInput:
    """What clustering needs to know about one article.

    ``entities`` are normalised names (see :func:`normalise_entity`);
    ``published`` is an ISO 8601 date or datetime, ``None`` when unknown.
    """

    id: str
    title: str
    lead: str
    text: str
    entities: frozenset[str] = frozenset()
    published: str | None = None

    @property
    def headline(self) -> str:
        """Title and lead as one text: what gets embedded."""
        if self.title and self.lead:
            return f"{self.title}. {self.lead}"
        return self.title or self.lead


# --- building inputs -------------------------------------------------------


def lead_of(text: str, *, sentences: int = LEAD_SENTENCES, words: int = LEAD_WORDS) -> str:
    """The first ``sentences`` sentences of ``text``, cut to at most ``words`` words."""
    text = _SPACES.sub(" ", text).strip()
    if not text:
        return ""
    kept = _SENTENCE_END.split(text, maxsplit=sentences)[:sentences]
    lead = " ".join(kept).split(" ")
    return " ".join(lead[:words])


def normalise_entity(text: str) -> str:
    """A name as a comparison key: "The Kremlin's" → "kremlin"."""
    key = unicodedata.normalize("NFKC", text).casefold()
    key = _SPACES.sub(" ", key).strip(" \t\n.,;:!?\"'“”‘’()[]")
    key = _POSSESSIVE.sub("", key)
    for prefix in ENTITY_LEADING:
        if key.startswith(prefix):
            key = key[len(prefix) :]
    return key.strip()


def entity_set(mentions: Iterable[tuple[str, str]]) -> frozenset[str]:
    """Normalised names of the ``(text, label)`` mentions whose label is in
    :data:`ENTITY_LABELS` (e.g. ``[(e.text, e.label_) for e in doc.ents]``)."""
    keys = (normalise_entity(text) for text, label in mentions if label in ENTITY_LABELS)
    return frozenset(k for k in keys if k)


def story_input(
    id: str,
    title: str | None,
    text: str,
    *,
    entities: Iterable[tuple[str, str]] = (),
    published: str | None = None,
) -> StoryInput:
    """A :class:`StoryInput` from raw parts: the lead is cut from ``text``."""
    return StoryInput(
        id=id,
        title=(title or "").strip(),
        lead=lead_of(text),
        text=text,
        entities=entity_set(entities),
        published=published,
    )


def from_article(article: Article, annotation: Annotation | None = None) -> StoryInput:
    """A :class:`StoryInput` from the pipeline's article and its annotation."""
    mentions = [(e.text, e.label) for e in annotation.entities] if annotation else []
    return story_input(
        article.id, article.title, article.text, entities=mentions, published=article.published
    )


# --- signals ---------------------------------------------------------------


def shingles(text: str, *, size: int = DEFAULT.stories.shingle_words) -> set[bytes]:
    """Word ``size``-grams of ``text`` (casefolded), as bytes for MinHash."""
    words = _WORD.findall(text.casefold())
    if len(words) < size:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)}


def near_duplicates(
    items: Sequence[StoryInput], *, params: ClusterParams = DEFAULT.stories
) -> set[tuple[int, int]]:
    """Index pairs ``(i, j)``, ``i < j``, of items whose texts are near-duplicates.

    Candidates come from a ``MinHashLSH`` index at ``params.duplicate_jaccard``
    and are kept when their estimated Jaccard similarity reaches it (LSH lets
    some false positives through). An item's text falls back to its headline
    when empty.
    """
    sets = [shingles(it.text or it.headline, size=params.shingle_words) for it in items]
    usable = [i for i, s in enumerate(sets) if len(s) >= params.min_shingles]
    if len(usable) < 2:
        return set()
    sketches = MinHash.bulk(
        [sets[i] for i in usable], num_perm=params.num_perm, scheme=params.minhash_scheme
    )
    index = MinHashLSH(
        threshold=params.duplicate_jaccard, num_perm=params.num_perm, weights=LSH_WEIGHTS
    )
    with index.insertion_session() as session:
        for i, sketch in zip(usable, sketches, strict=True):
            session.insert(i, sketch)
    sketch_of = dict(zip(usable, sketches, strict=True))
    pairs: set[tuple[int, int]] = set()
    for i, sketch in sketch_of.items():
        for j in index.query(sketch):
            if j > i and sketch.jaccard(sketch_of[j]) >= params.duplicate_jaccard:
                pairs.add((i, j))
    return pairs


@dataclass(slots=True)
class _Features:
    """Per-item arrays the pair score is computed from."""

    vectors: np.ndarray  # (n, d) L2-normalised
    names: csr_matrix  # (n, vocabulary) 0/1: item i names entity k
    name_counts: np.ndarray  # (n,)
    days: np.ndarray  # (n,) days since 1970, NaN when unknown
    duplicates: set[tuple[int, int]] = field(default_factory=set)


def _day_number(published: str | None) -> float:
    if not published:
        return math.nan
    try:
        return dt.date.fromisoformat(published[:10]).toordinal() - 719163.0
    except ValueError:
        return math.nan


def _features(
    items: Sequence[StoryInput],
    embeddings: np.ndarray,
    params: ClusterParams,
    duplicates: set[tuple[int, int]] | None,
) -> _Features:
    vocabulary: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for i, item in enumerate(items):
        for name in sorted(item.entities):
            rows.append(i)
            cols.append(vocabulary.setdefault(name, len(vocabulary)))
    names = csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)),
        shape=(len(items), max(1, len(vocabulary))),
    )
    return _Features(
        vectors=np.asarray(embeddings, dtype=np.float32),
        names=names,
        name_counts=np.asarray(names.sum(axis=1), dtype=np.float32).ravel(),
        days=np.array([_day_number(it.published) for it in items], dtype=np.float64),
        duplicates=near_duplicates(items, params=params) if duplicates is None else duplicates,
    )


def _scores(f: _Features, rows: np.ndarray, cols: np.ndarray, params: ClusterParams) -> np.ndarray:
    """Pair scores between items ``rows`` and items ``cols``, shape (len(rows), len(cols))."""
    score = np.clip(f.vectors[rows] @ f.vectors[cols].T, 0.0, 1.0)
    if params.entity_weight > 0:
        shared = (f.names[rows] @ f.names[cols].T).toarray()
        a = f.name_counts[rows][:, None]
        b = f.name_counts[cols][None, :]
        denominator = np.minimum(a, b) if params.entity_measure == "overlap" else a + b - shared
        with np.errstate(divide="ignore", invalid="ignore"):
            overlap = np.where(denominator > 0, shared / denominator, 0.0)
        both_named = (a >= params.min_entities) & (b >= params.min_entities)
        w = params.entity_weight
        score = np.where(both_named, (1 - w) * score + w * overlap, score)
    far = np.abs(f.days[rows][:, None] - f.days[cols][None, :]) > params.time_window_days
    score = np.where(far, 0.0, score).astype(np.float32)  # NaN (unknown) is never far
    if f.duplicates:
        where_row = {int(r): k for k, r in enumerate(rows)}
        where_col = {int(c): k for k, c in enumerate(cols)}
        for i, j in f.duplicates:
            for a_, b_ in ((i, j), (j, i)):
                if a_ in where_row and b_ in where_col:
                    score[where_row[a_], where_col[b_]] = 1.0
    return score


def similarity_matrix(
    items: Sequence[StoryInput],
    embeddings: np.ndarray,
    *,
    params: ClusterParams = DEFAULT.stories,
    duplicates: set[tuple[int, int]] | None = None,
) -> np.ndarray:
    """The pair scores of all items, ``(n, n)`` ``float32``, 1 on the diagonal.

    ``embeddings`` are the rows of :func:`stemma.stories.embed.embed` for the items'
    :attr:`StoryInput.headline`. ``duplicates`` (from :func:`near_duplicates`)
    is computed when not given; pass it to re-score with other parameters.
    """
    _check_embeddings(items, embeddings)
    everything = np.arange(len(items))
    matrix = _scores(
        _features(items, embeddings, params, duplicates), everything, everything, params
    )
    np.fill_diagonal(matrix, 1.0)
    return matrix


def groups_from_similarity(
    matrix: np.ndarray, *, threshold: float, method: Linkage = "average"
) -> list[list[int]]:
    """Agglomerative clustering of a square score matrix, cut at ``threshold``.

    Groups are lists of indices in ascending order, ordered by their first
    index, so the output does not depend on scipy's internal numbering.
    """
    n = matrix.shape[0]
    if n == 0:
        return []
    if n == 1:
        return [[0]]
    return groups_from_tree(linkage_tree(matrix, method=method), threshold=threshold)


def linkage_tree(matrix: np.ndarray, *, method: Linkage = "average") -> np.ndarray:
    """The scipy linkage tree of a square score matrix (distances ``1 - score``).

    Build it once and cut it at several thresholds with :func:`groups_from_tree`.
    """
    distance = 1.0 - np.asarray(matrix, dtype=np.float64)
    distance = np.clip((distance + distance.T) / 2, 0.0, 1.0)
    np.fill_diagonal(distance, 0.0)
    return np.asarray(linkage(squareform(distance, checks=False), method=method))


def groups_from_tree(tree: np.ndarray, *, threshold: float) -> list[list[int]]:
    """Cut a scipy linkage tree (built on ``1 - score``) at score ``threshold``."""
    # A hair above 1 - threshold so that a pair scoring exactly the threshold joins.
    labels = fcluster(tree, t=1.0 - threshold + 1e-9, criterion="distance")
    by_label: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        by_label.setdefault(int(label), []).append(index)
    return sorted(by_label.values(), key=lambda g: g[0])


# --- stories ---------------------------------------------------------------


def cluster_stories(
    items: Sequence[StoryInput],
    *,
    existing: Sequence[Story] = (),
    embeddings: np.ndarray | None = None,
    params: ClusterParams = DEFAULT.stories,
) -> list[Story]:
    """Stories of ``items``: the ``existing`` ones, grown, then new ones.

    ``items`` are in the order they were added (that order picks story ids)
    and may include members of ``existing`` stories: those are the articles
    new ones are compared with (a member absent from ``items`` stays in its
    story but is not compared). ``embeddings`` are the MiniLM rows of the
    items' headlines, computed when not given. Articles appearing twice are
    taken once. Existing stories come first, in their order; new stories
    follow in the order of their first article.
    """
    unique: dict[str, StoryInput] = {}
    keep: list[int] = []
    for index, item in enumerate(items):
        if item.id not in unique:
            unique[item.id] = item
            keep.append(index)
    if embeddings is None:
        from stemma.stories.embed import embed

        embeddings = embed([it.headline for it in unique.values()])
    else:
        _check_embeddings(items, embeddings)
        embeddings = np.asarray(embeddings)[keep]
    items = list(unique.values())

    position = {it.id: i for i, it in enumerate(items)}
    members: list[list[str]] = [list(s.articles) for s in existing]
    member_of = {a: k for k, s in enumerate(existing) for a in s.articles}
    new = np.array([i for i, it in enumerate(items) if it.id not in member_of], dtype=np.intp)
    if new.size == 0:
        return list(existing)

    features = _features(items, embeddings, params, None)
    within = _scores(features, new, new, params)
    np.fill_diagonal(within, 1.0)
    groups = [
        new[g]
        for g in groups_from_similarity(within, threshold=params.threshold, method=params.linkage)
    ]

    known = [
        np.array([position[a] for a in s.articles if a in position], dtype=np.intp)
        for s in existing
    ]
    compared = [k for k, idx in enumerate(known) if idx.size]
    new_stories: list[list[str]] = []
    for group in groups:
        target = None
        if compared:
            linked = _scores(features, group, np.concatenate([known[k] for k in compared]), params)
            bounds = np.cumsum([0] + [known[k].size for k in compared])
            averages = [linked[:, bounds[m] : bounds[m + 1]].mean() for m in range(len(compared))]
            best = int(np.argmax(averages))
            if averages[best] >= params.threshold:
                target = compared[best]
        ids = [items[i].id for i in group]
        if target is None:
            new_stories.append(ids)
        else:
            members[target].extend(ids)

    stories = [
        Story(id=s.id, articles=tuple(members[k]), title=s.title) for k, s in enumerate(existing)
    ]
    for ids in new_stories:
        title = unique[ids[0]].title or None
        stories.append(Story(id=ids[0], articles=tuple(ids), title=title))
    return stories


def _check_embeddings(items: Sequence[StoryInput], embeddings: np.ndarray) -> None:
    if embeddings.ndim != 2 or embeddings.shape[0] != len(items):
        raise ValueError(
            f"embeddings has shape {embeddings.shape}, expected one row per item "
            f"({len(items)} rows): pass embed([item.headline for item in items])."
        )
