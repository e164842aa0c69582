"""Group articles about the same event into stories, and a story's articles into threads.

Pure functions: article features in, story ids out; the caller stores them.

**Two levels.** A *story* is one real-world event and its developments (the
collapse, the search, the statements, the investigation); a *thread* is one
angle of it (the rescue; an official's statement; the live blog). Stories are
found first, from whole-article evidence; each story's articles are then
grouped into threads from title and lead, the finer view stemma had before
stories became events. Both levels use the same machinery and differ in the
evidence they score.

**Signals.** Two articles are scored on

1. *near-duplication*: MinHash signatures (datasketch) of word 3-gram shingles
   of the full text, candidate pairs from a ``MinHashLSH`` index, confirmed by
   the estimated Jaccard similarity. A wire story and its reprints are the
   same story whatever else says, even weeks apart.
2. *meaning*: for stories, the cosine of *document vectors*, the mean of the
   MiniLM vectors of an article's claim units (every passage, not only the
   lead: a live blog and a rescue report share the event, not the headline);
   for threads, the cosine of title + lead vectors (see
   :mod:`stemma.stories.embed`).
3. *who and where*: the named entities (people, organisations, places,
   groups, named events). For stories, the cosine of the articles'
   entity-count vectors (1 + log count): the names an article keeps
   returning to are its event, and a long article's passing mentions do not
   dilute it the way they dilute a set overlap. For threads, the Jaccard
   overlap of the name sets. Plain meaning when either article names fewer
   than ``ClusterParams.min_entities``.
4. *when*: articles published more than ``ClusterParams.time_window_days`` apart are not
   the same story unless they are near-duplicates. Unknown dates constrain
   nothing.

The pair score is ``(1 - w) * cosine + w * entity_agreement`` (``w`` =
``entity_weight`` for stories, ``thread_entity_weight`` for threads), ``0``
outside the time window, ``1`` for near-duplicates.

**Grouping.** Agglomerative clustering with *average* linkage (scipy) on
``1 - score``, cut where the average score between two groups falls below
``threshold`` (stories) or ``thread_threshold`` (threads inside a story).
Average rather than single linkage (= connected components of the
thresholded graph): single linkage chains, A~B and B~C put A and C together
even when they share nothing, which in news glues whole topics ("the Fed",
"Ukraine") into one story; on ECB+ and UCI it scored lower (see
``eval/stories.py``, which also says which data set chose each parameter).

**Incremental.** ``existing`` stories keep their ids, members and threads. New
articles are first clustered among themselves; each new group then joins the
existing story with the highest average score to it, if that reaches
``threshold``, and becomes a new story otherwise. Inside a story, new members
form threads the same way and join the closest existing thread. Existing
stories and threads are never merged or split. A story's (and a thread's) id
is the id of its first (earliest-added) article, so adding articles never
renames one.

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
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
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
    #: How often the article names each entity of ``entities`` (sorted by name).
    entity_counts: tuple[tuple[str, int], ...] = ()

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
    return frozenset(name for name, _ in entity_counts(mentions))


def entity_counts(mentions: Iterable[tuple[str, str]]) -> tuple[tuple[str, int], ...]:
    """``(name, count)`` of the normalised names of :func:`entity_set`, sorted by name."""
    keys = (normalise_entity(text) for text, label in mentions if label in ENTITY_LABELS)
    return tuple(sorted(Counter(k for k in keys if k).items()))


def story_input(
    id: str,
    title: str | None,
    text: str,
    *,
    entities: Iterable[tuple[str, str]] = (),
    published: str | None = None,
) -> StoryInput:
    """A :class:`StoryInput` from raw parts: the lead is cut from ``text``."""
    counts = entity_counts(entities)
    return StoryInput(
        id=id,
        title=(title or "").strip(),
        lead=lead_of(text),
        text=text,
        entities=frozenset(name for name, _ in counts),
        published=published,
        entity_counts=counts,
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


Level = Literal["story", "thread"]


@dataclass(slots=True)
class _Features:
    """Per-item arrays the pair scores are computed from."""

    vectors: np.ndarray  # (n, d) L2-normalised title + lead vectors (threads)
    documents: np.ndarray  # (n, d) L2-normalised document vectors (stories)
    names: csr_matrix  # (n, vocabulary) 0/1: item i names entity k
    name_counts: np.ndarray  # (n,)
    weights: csr_matrix  # (n, vocabulary) 1 + log count, rows L2-normalised
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
    documents: np.ndarray | None,
    params: ClusterParams,
    duplicates: set[tuple[int, int]] | None,
) -> _Features:
    vocabulary: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    logs: list[float] = []
    for i, item in enumerate(items):
        counts = dict(item.entity_counts) or dict.fromkeys(item.entities, 1)
        for name in sorted(item.entities | counts.keys()):
            rows.append(i)
            cols.append(vocabulary.setdefault(name, len(vocabulary)))
            logs.append(1.0 + math.log(max(counts.get(name, 1), 1)))
    shape = (len(items), max(1, len(vocabulary)))
    names = csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=shape)
    weights = csr_matrix((np.asarray(logs, dtype=np.float32), (rows, cols)), shape=shape)
    norms = np.sqrt(np.asarray(weights.multiply(weights).sum(axis=1)).ravel())
    weights = csr_matrix(weights.multiply(1.0 / np.maximum(norms, 1e-9)[:, None]))
    vectors = np.asarray(embeddings, dtype=np.float32)
    return _Features(
        vectors=vectors,
        documents=vectors if documents is None else np.asarray(documents, dtype=np.float32),
        names=names,
        name_counts=np.asarray(names.sum(axis=1), dtype=np.float32).ravel(),
        weights=weights,
        days=np.array([_day_number(it.published) for it in items], dtype=np.float64),
        duplicates=near_duplicates(items, params=params) if duplicates is None else duplicates,
    )


def _scores(
    f: _Features, rows: np.ndarray, cols: np.ndarray, params: ClusterParams, level: Level
) -> np.ndarray:
    """Pair scores between items ``rows`` and items ``cols``, shape (len(rows), len(cols))."""
    if level == "story":
        score = np.clip(f.documents[rows] @ f.documents[cols].T, 0.0, 1.0)
        w = params.entity_weight
    else:
        score = np.clip(f.vectors[rows] @ f.vectors[cols].T, 0.0, 1.0)
        w = params.thread_entity_weight
    if w > 0:
        a = f.name_counts[rows][:, None]
        b = f.name_counts[cols][None, :]
        if level == "story":
            agreement = (f.weights[rows] @ f.weights[cols].T).toarray()
        else:
            shared = (f.names[rows] @ f.names[cols].T).toarray()
            denominator = np.minimum(a, b) if params.entity_measure == "overlap" else a + b - shared
            with np.errstate(divide="ignore", invalid="ignore"):
                agreement = np.where(denominator > 0, shared / denominator, 0.0)
        both_named = (a >= params.min_entities) & (b >= params.min_entities)
        score = np.where(both_named, (1 - w) * score + w * agreement, score)
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
    documents: np.ndarray | None = None,
    params: ClusterParams = DEFAULT.stories,
    duplicates: set[tuple[int, int]] | None = None,
    level: Level = "story",
) -> np.ndarray:
    """The pair scores of all items, ``(n, n)`` ``float32``, 1 on the diagonal.

    ``embeddings`` are the rows of :func:`stemma.stories.embed.embed` for the items'
    :attr:`StoryInput.headline`; ``documents`` their document vectors
    (:func:`document_vector`; the headline rows when not given). ``level``
    picks the story or the thread score. ``duplicates`` (from
    :func:`near_duplicates`) is computed when not given; pass it to re-score
    with other parameters.
    """
    _check_embeddings(items, embeddings)
    if documents is not None:
        _check_embeddings(items, documents)
    everything = np.arange(len(items))
    features = _features(items, embeddings, documents, params, duplicates)
    matrix = _scores(features, everything, everything, params, level)
    np.fill_diagonal(matrix, 1.0)
    return matrix


def document_vector(unit_vectors: np.ndarray) -> np.ndarray | None:
    """An article's document vector: the L2-normalised mean of its claim units'
    MiniLM rows (``None`` for an article without units)."""
    rows = np.asarray(unit_vectors, dtype=np.float32)
    if rows.ndim != 2 or rows.shape[0] == 0:
        return None
    mean = rows.mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return (mean / norm).astype(np.float32) if norm > 0 else None


def document_vectors(
    texts: Sequence[Sequence[str]],
    fallback: np.ndarray,
    encode: Callable[[Sequence[str]], np.ndarray],
) -> np.ndarray:
    """One document vector per article: :func:`document_vector` of the rows
    ``encode`` gives its ``texts`` (one call for all), or its ``fallback`` row
    (the title + lead vector) when it has no text to average."""
    rows = encode([t for group in texts for t in group])
    out = np.array(fallback, dtype=np.float32, copy=True)
    start = 0
    for k, group in enumerate(texts):
        vector = document_vector(rows[start : start + len(group)]) if group else None
        start += len(group)
        if vector is not None:
            out[k] = vector
    return out


def sentence_vectors(
    items: Sequence[StoryInput], headlines: np.ndarray, *, most: int = 60
) -> np.ndarray:
    """Document vectors made from each item's text alone: its first ``most``
    sentences of five words or more. The engine averages its claim units
    instead, which it embeds anyway; this is for callers that have only text."""
    from stemma.stories.embed import embed

    sentences = [
        [
            s
            for s in _SENTENCE_END.split(_SPACES.sub(" ", item.text).strip())
            if len(s.split()) >= 5
        ][:most]
        for item in items
    ]
    return document_vectors(
        sentences, headlines, lambda t: embed(t, max_tokens=DEFAULT.claims.max_tokens)
    )


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
    documents: np.ndarray | None = None,
    params: ClusterParams = DEFAULT.stories,
) -> list[Story]:
    """Stories of ``items``, each with its threads: the ``existing`` ones,
    grown, then new ones.

    ``items`` are in the order they were added (that order picks story and
    thread ids) and may include members of ``existing`` stories: those are
    the articles new ones are compared with (a member absent from ``items``
    stays in its story but is not compared). ``embeddings`` are the MiniLM
    rows of the items' headlines, computed when not given; ``documents`` their
    document vectors (:func:`document_vector` of their claim units' rows, as
    the engine passes them), made from the texts' sentences when not given
    (:func:`sentence_vectors`). Articles
    appearing twice are taken once. Existing stories come first, in their
    order; new stories follow in the order of their first article.
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
    if documents is None:
        documents = sentence_vectors(list(unique.values()), np.asarray(embeddings))
    else:
        _check_embeddings(items, documents)
        documents = np.asarray(documents)[keep]
    items = list(unique.values())

    position = {it.id: i for i, it in enumerate(items)}
    member_of = {a: k for k, s in enumerate(existing) for a in s.articles}
    new = np.array([i for i, it in enumerate(items) if it.id not in member_of], dtype=np.intp)
    if new.size == 0:
        return list(existing)

    features = _features(items, embeddings, documents, params, None)

    def indices(ids: Iterable[str]) -> np.ndarray:
        return np.array([position[a] for a in ids if a in position], dtype=np.intp)

    joined: dict[int, list[int]] = {}
    new_stories: list[np.ndarray] = []
    known = [indices(s.articles) for s in existing]
    for target, group in _assign(features, new, known, params, "story"):
        if target is None:
            new_stories.append(group)
        else:
            joined.setdefault(target, []).extend(int(i) for i in group)

    def threads_of(group: np.ndarray, threads: Sequence[Sequence[str]]) -> list[list[str]]:
        grown = [list(t) for t in threads]
        known = [indices(t) for t in grown]
        for target, members in _assign(features, group, known, params, "thread"):
            ids = [items[i].id for i in members]
            if target is None:
                grown.append(ids)
            else:
                grown[target].extend(ids)
        return grown

    stories: list[Story] = []
    for k, s in enumerate(existing):
        if k not in joined:
            stories.append(s)
            continue
        added = np.array(joined[k], dtype=np.intp)
        threads = threads_of(added, s.threads or (s.articles,))
        stories.append(
            Story(
                id=s.id,
                articles=s.articles + tuple(items[i].id for i in added),
                title=s.title,
                threads=tuple(tuple(t) for t in threads),
            )
        )
    for group in new_stories:
        ids = tuple(items[i].id for i in group)
        threads = threads_of(group, ())
        title = unique[ids[0]].title or None
        stories.append(
            Story(id=ids[0], articles=ids, title=title, threads=tuple(tuple(t) for t in threads))
        )
    return stories


def _assign(
    features: _Features,
    new: np.ndarray,
    known: Sequence[np.ndarray],
    params: ClusterParams,
    level: Level,
) -> list[tuple[int | None, np.ndarray]]:
    """Group the items ``new`` among themselves, then send each group to the
    ``known`` group (an index into ``known``) with the highest average score
    if it reaches the level's threshold, else to ``None`` (a group of its own).

    Groups come in the order of their first item."""
    if new.size == 0:
        return []
    threshold = params.threshold if level == "story" else params.thread_threshold
    within = _scores(features, new, new, params, level)
    np.fill_diagonal(within, 1.0)
    groups = [
        new[g] for g in groups_from_similarity(within, threshold=threshold, method=params.linkage)
    ]
    compared = [k for k, idx in enumerate(known) if idx.size]
    if not compared:
        return [(None, g) for g in groups]
    everyone = np.concatenate([known[k] for k in compared])
    bounds = np.cumsum([0] + [known[k].size for k in compared])
    assigned: list[tuple[int | None, np.ndarray]] = []
    for group in groups:
        linked = _scores(features, group, everyone, params, level)
        averages = [linked[:, bounds[m] : bounds[m + 1]].mean() for m in range(len(compared))]
        best = int(np.argmax(averages))
        assigned.append((compared[best] if averages[best] >= threshold else None, group))
    return assigned


def _check_embeddings(items: Sequence[StoryInput], embeddings: np.ndarray) -> None:
    embeddings = np.asarray(embeddings)
    if embeddings.ndim != 2 or embeddings.shape[0] != len(items):
        raise ValueError(
            f"embeddings has shape {embeddings.shape}, expected one row per item "
            f"({len(items)} rows): pass embed([item.headline for item in items])."
        )
