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

**Events.** Article pairs alone split a developing event into its phases
(the balloon over Montana, its shooting down, the debris): their articles
name different places and people and average under the threshold. So the
stories found are then merged while two of them are one event
(:func:`merge_events`): the cosine of their *summed* name profiles (what
every phase names: the event's names) reaches ``event_entity``, the cosine
of their mean document vectors reaches ``event_document``, and their dates
lie within ``time_window_days`` of each other. A story of one article (an
angle piece: a survivor's account names no one the coverage names) also
joins a story of ``EVENT_COVERAGE`` articles or more when their document
vectors alone reach ``event_single_document``. Chosen on ECB+ and
WikiRef220 (``eval/stories.py``, docs/accuracy.md).

**Incremental.** ``existing`` stories keep their ids, members and threads. New
articles are first clustered among themselves (and merged into events); each
new group then joins the existing story with the highest average score to
it, if that reaches ``threshold``, else the closest existing story it is one
event with, and becomes a new story otherwise. Inside a story, new members
form threads the same way and join the closest existing thread. Existing
stories and threads are never merged or split. A story's (and a thread's) id
is the id of its first (earliest-added) article, so adding articles never
renames one.

**At scale.** Up to ``ClusterParams.exact_limit`` new articles (and as many
compared members) every pair is scored as above. Beyond it no call scores
all pairs: candidates come from a faiss index (per time block) and MinHash
LSH bands, stories are the exact clusters of the components of candidate
pairs that reach the threshold (a component too large for that is split and
merged back by exact averages), and a group of new articles is compared with
the stories its nearest stored articles belong to. A :class:`StoryIndex` kept
between calls holds the stored articles' features, so a call costs what its
new articles cost. See the "at scale" section below and docs/scale.md.

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
from typing import Any, Literal

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


def minhash_rows(
    sets: Sequence[set[bytes]], *, params: ClusterParams = DEFAULT.stories
) -> np.ndarray:
    """The MinHash values (one row per set) that ``MinHash.bulk`` gives for
    ``sets`` with ``params.num_perm`` and ``params.minhash_scheme``, computed
    for all sets at once: datasketch hashes each shingle in Python and
    permutes set by set (~0.3 ms an article); here the SHA-1 digests are
    joined once and the permutations run over every shingle of the batch.
    The first set is checked against datasketch; on any difference (another
    datasketch), datasketch's own is used."""
    from datasketch.hashfunc import sha1_hash32

    def reference() -> np.ndarray:
        kwargs = {"num_perm": params.num_perm, "scheme": params.minhash_scheme}
        return np.stack([m.hashvalues for m in MinHash.bulk(sets, **kwargs)])

    proto = MinHash(num_perm=params.num_perm, scheme=params.minhash_scheme)
    if not sets or params.minhash_scheme == "legacy" or proto.hashfunc is not sha1_hash32:
        return reference() if sets else np.empty((0, params.num_perm), proto.hashvalues.dtype)
    try:
        from datasketch.minhash import _fmix  # the scheme's pre-mix (private)
    except ImportError:  # pragma: no cover - another datasketch
        return reference()
    import hashlib

    dtype = proto.hashvalues.dtype
    width = 8 * dtype.itemsize
    a, b = proto.permutations
    sizes = np.fromiter((len(x) for x in sets), dtype=np.int64, count=len(sets))
    sha1 = hashlib.sha1
    digests = b"".join([sha1(x).digest()[:4] for group in sets for x in group])
    values = _fmix(np.frombuffer(digests, dtype="<u4").astype(dtype), width)
    out = np.tile(proto.hashvalues, (len(sets), 1))
    starts = np.cumsum(sizes) - sizes
    filled = np.flatnonzero(sizes)
    step = max(1, 2_000_000 // params.num_perm)  # values permuted at a time
    first = 0
    while first < filled.size:
        last = first
        while last < filled.size and starts[filled[last]] + sizes[filled[last]] - starts[
            filled[first]
        ] <= max(step, sizes[filled[first]]):
            last += 1
        lo = starts[filled[first]]
        hi = starts[filled[last - 1]] + sizes[filled[last - 1]]
        permuted = a[:, None] * values[None, lo:hi] + b[:, None]  # wraps: mod 2^width
        out[filled[first:last]] = np.minimum.reduceat(
            permuted, starts[filled[first:last]] - lo, axis=1
        ).T
        first = last
    check = MinHash(num_perm=params.num_perm, scheme=params.minhash_scheme)
    check.update_batch(list(sets[0]))
    return out if np.array_equal(check.hashvalues, out[0]) else reference()


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
    _partners: dict[int, list[int]] | None = None

    def partners(self) -> dict[int, list[int]]:
        """Each item's near-duplicates (both directions of ``duplicates``)."""
        if self._partners is None:
            self._partners = {}
            for i, j in self.duplicates:
                self._partners.setdefault(i, []).append(j)
                self._partners.setdefault(j, []).append(i)
        return self._partners


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
    f: _Features,
    rows: np.ndarray,
    cols: np.ndarray,
    params: ClusterParams,
    level: Level,
    *,
    gathered: bool = False,
) -> np.ndarray:
    """Pair scores between items ``rows`` and items ``cols``, shape (len(rows), len(cols)).

    ``gathered``: the entity rows are gathered from the CSR arrays into dense
    blocks when that is cheaper (the index path's small blocks, where scipy's
    fixed cost per call dominates a story's few articles; :func:`_block_scores`).
    """
    w = params.entity_weight if level == "story" else params.thread_entity_weight
    matrix = f.documents if level == "story" else f.vectors
    score = np.clip(matrix[rows] @ matrix[cols].T, 0.0, 1.0)
    if w > 0:
        a = f.name_counts[rows][:, None]
        b = f.name_counts[cols][None, :]
        source = f.weights if level == "story" else f.names
        dense = _dense_rows(source, rows, cols) if gathered else None
        if dense is not None:
            product = dense[0] @ dense[1].T
        else:
            product = (source[rows] @ source[cols].T).toarray()
        if level == "story":
            agreement = product
        else:
            denominator = (
                np.minimum(a, b) if params.entity_measure == "overlap" else a + b - product
            )
            with np.errstate(divide="ignore", invalid="ignore"):
                agreement = np.where(denominator > 0, product / denominator, 0.0)
        both_named = (a >= params.min_entities) & (b >= params.min_entities)
        score = np.where(both_named, (1 - w) * score + w * agreement, score)
    far = np.abs(f.days[rows][:, None] - f.days[cols][None, :]) > params.time_window_days
    score = np.where(far, 0.0, score).astype(np.float32)  # NaN (unknown) is never far
    if f.duplicates:
        # Each row's own duplicates, not every pair of the corpus: a story's
        # threads are scored once per story, and a corpus holds many pairs.
        partners = f.partners()
        where_col = {int(c): k for k, c in enumerate(cols)}
        for k, r in enumerate(rows):
            for other in partners.get(int(r), ()):
                c = where_col.get(other)
                if c is not None:
                    score[k, c] = 1.0
    return score


def _dense_rows(
    matrix: csr_matrix, rows: np.ndarray, cols: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """The rows ``rows`` and ``cols`` of ``matrix`` as two dense arrays over the
    columns either uses; ``None`` when their product would cost more than a
    sparse one (large blocks: many rows, many distinct names)."""
    indptr, indices, data = matrix.indptr, matrix.indices, matrix.data
    row_of, at_r = _ranges(indptr[rows], indptr[rows + 1])
    col_of, at_c = _ranges(indptr[cols], indptr[cols + 1])
    union, inverse = np.unique(np.concatenate([indices[at_r], indices[at_c]]), return_inverse=True)
    if len(rows) * len(cols) * len(union) > 20_000_000:
        return None
    left = np.zeros((len(rows), len(union)), dtype=data.dtype)
    right = np.zeros((len(cols), len(union)), dtype=data.dtype)
    left[row_of, inverse[: at_r.size]] = data[at_r]
    right[col_of, inverse[at_r.size :]] = data[at_c]
    return left, right


def _block_scores(
    f: _Features, rows: np.ndarray, cols: np.ndarray, params: ClusterParams, level: Level
) -> np.ndarray:
    """:func:`_scores` for the index path: the same scores, the entity rows
    gathered from the CSR arrays (a small block) or multiplied sparse (a large one)."""
    return _scores(f, rows, cols, params, level, gathered=True)


Scorer = Callable[[_Features, np.ndarray, np.ndarray, ClusterParams, Level], np.ndarray]


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


def _quick_groups(matrix: np.ndarray, *, threshold: float, method: Linkage) -> list[list[int]]:
    """:func:`groups_from_similarity` without scipy's per-call checks, for the
    index path's many small matrices (a story's threads, a component): the
    same tree, cut by merging every step at or under the cut's distance (the
    same cut for these monotone linkages)."""
    n = matrix.shape[0]
    if n <= 1:
        return [[0]] if n else []
    cut = 1.0 - threshold + 1e-9
    distance = 1.0 - np.asarray(matrix, dtype=np.float64)
    distance = np.clip((distance + distance.T) / 2, 0.0, 1.0)
    if n == 2:
        return [[0, 1]] if distance[0, 1] <= cut else [[0], [1]]
    if n <= 12:
        return _small_linkage(distance.tolist(), cut, method)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method=method)
    parent = list(range(2 * n - 1))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for step, (a, b, height, _) in enumerate(tree.tolist()):
        if height <= cut:
            parent[root(int(a))] = parent[root(int(b))] = n + step
    by_root: dict[int, list[int]] = {}
    for i in range(n):
        by_root.setdefault(root(i), []).append(i)
    return sorted(by_root.values(), key=lambda g: g[0])


def _small_linkage(distance: list[list[float]], cut: float, method: Linkage) -> list[list[int]]:
    """Agglomerative clustering of a few items in plain Python (scipy's call
    costs more than the work up to ~12 items): merge the closest two groups
    (Lance-Williams update) while their distance is at most ``cut``."""
    n = len(distance)
    members = {i: [i] for i in range(n)}
    d = {(i, j): distance[i][j] for i in range(n) for j in range(i + 1, n)}
    while len(members) > 1:
        (a, b), best = min(d.items(), key=lambda kv: (kv[1], kv[0]))
        if best > cut:
            break
        size_a, size_b = len(members[a]), len(members[b])
        for k in members:
            if k in (a, b):
                continue
            da = d.pop((min(a, k), max(a, k)))
            db = d.pop((min(b, k), max(b, k)))
            if method == "average":
                merged = (size_a * da + size_b * db) / (size_a + size_b)
            elif method == "single":
                merged = min(da, db)
            else:
                merged = max(da, db)
            d[(min(a, k), max(a, k))] = merged
        del d[(a, b)]
        members[a] += members.pop(b)
    return sorted((sorted(g) for g in members.values()), key=lambda g: g[0])


# --- stories ---------------------------------------------------------------


def cluster_stories(
    items: Sequence[StoryInput],
    *,
    existing: Sequence[Story] = (),
    embeddings: np.ndarray | None = None,
    documents: np.ndarray | None = None,
    params: ClusterParams = DEFAULT.stories,
    index: StoryIndex | None = None,
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

    Up to ``params.exact_limit`` new articles and as many compared members,
    every pair is scored; above it, candidates come from a vector index (see
    "at scale" below). ``index``, a :class:`StoryIndex` kept between calls,
    holds what earlier calls saw: its members are compared with the new
    articles without being passed again, so a call costs what its new
    articles cost, whatever the size of the archive.
    """
    unique: dict[str, StoryInput] = {}
    keep: list[int] = []
    for at, item in enumerate(items):
        if item.id not in unique:
            unique[item.id] = item
            keep.append(at)
    if embeddings is None:
        from stemma.stories.embed import embed

        embeddings = embed([it.headline for it in unique.values()])
    else:
        _check_embeddings(items, embeddings)
        embeddings = _taken(np.asarray(embeddings), keep)
    if documents is None:
        documents = sentence_vectors(list(unique.values()), np.asarray(embeddings))
    else:
        _check_embeddings(items, documents)
        documents = _taken(np.asarray(documents), keep)
    items = list(unique.values())

    if index is None:
        member_of = {a: k for k, s in enumerate(existing) for a in s.articles}
        new = np.array([i for i, it in enumerate(items) if it.id not in member_of], dtype=np.intp)
        if new.size == 0:
            return list(existing)
        compared = len(items) - new.size
        if new.size <= params.exact_limit and compared <= params.exact_limit:
            return _cluster_exactly(items, new, existing, embeddings, documents, params)
        index = StoryIndex()
    return _cluster_indexed(index, items, existing, embeddings, documents, params)


def _taken(rows: np.ndarray, keep: list[int]) -> np.ndarray:
    """``rows[keep]``, without a copy when ``keep`` takes every row in order."""
    return rows if len(keep) == len(rows) else rows[keep]


def _cluster_exactly(
    items: Sequence[StoryInput],
    new: np.ndarray,
    existing: Sequence[Story],
    embeddings: np.ndarray,
    documents: np.ndarray,
    params: ClusterParams,
) -> list[Story]:
    """Every pair scored: the new ``items`` (positions ``new``) grouped and
    compared with the members of ``existing`` stories among ``items``."""
    position = {it.id: i for i, it in enumerate(items)}
    features = _features(items, embeddings, documents, params, None)

    def indices(ids: Iterable[str]) -> np.ndarray:
        return np.array([position[a] for a in ids if a in position], dtype=np.intp)

    known = [indices(s.articles) for s in existing]
    assigned = _assign(features, new, known, params, "story")
    stories, _, _ = _grow_stories(
        existing, assigned, features, indices, [it.id for it in items], items, params
    )
    return stories


def _cluster_indexed(
    index: StoryIndex,
    items: Sequence[StoryInput],
    existing: Sequence[Story],
    embeddings: np.ndarray,
    documents: np.ndarray,
    params: ClusterParams,
) -> list[Story]:
    """:func:`cluster_stories` through ``index``: the items it lacks are added
    to it, and the new ones are compared with its stories' members."""
    index._bind(params)
    index._sync(existing)
    fresh = [k for k, it in enumerate(items) if it.id not in index.row]
    if fresh:
        ids = [items[k].id for k in fresh]
        index._add(
            [items[k] for k in fresh],
            _taken(np.asarray(embeddings, dtype=np.float32), fresh),
            _taken(np.asarray(documents, dtype=np.float32), fresh),
            index._stories_of(existing, ids),
        )
    story_of = index._story_of.data
    rows = np.array([index.row[it.id] for it in items], dtype=np.intp)
    new = np.unique(rows[story_of[rows] < 0])
    if new.size == 0:
        return list(existing)
    features = index._features(index._duplicates(new))
    row = index.row

    def indices(ids: Iterable[str]) -> np.ndarray:
        return np.array([row[a] for a in ids if a in row], dtype=np.intp)

    assigned = _assign_at_scale(index, features, new, params)
    by_id = {it.id: it for it in items}
    stories, joined, created = _grow_stories(
        existing, assigned, features, indices, index.ids, by_id, params, _block_scores
    )
    index._record(joined, created)
    index._last = stories
    return stories


def _grow_stories(
    existing: Sequence[Story],
    assigned: Sequence[tuple[int | None, np.ndarray]],
    features: _Features,
    indices: Callable[[Iterable[str]], np.ndarray],
    ids: Sequence[str],
    items: Sequence[StoryInput] | dict[str, StoryInput],
    params: ClusterParams,
    scores: Scorer = _scores,
) -> tuple[list[Story], dict[int, list[int]], list[np.ndarray]]:
    """The stories after ``assigned`` (from :func:`_assign`): ``existing`` ones
    grown (their new members in threads), then new ones; and the rows that
    joined each existing story and those of each new story."""
    joined: dict[int, list[int]] = {}
    new_stories: list[np.ndarray] = []
    for target, group in assigned:
        if target is None:
            new_stories.append(group)
        else:
            joined.setdefault(target, []).extend(int(i) for i in group)

    def threads_of(group: np.ndarray, threads: Sequence[Sequence[str]]) -> list[list[str]]:
        if group.size == 1 and not threads:
            return [[ids[int(group[0])]]]  # what _assign gives, without scoring
        grown = [list(t) for t in threads]
        known = [indices(t) for t in grown]
        quick = _quick_groups if scores is _block_scores else groups_from_similarity
        for target, members in _assign(features, group, known, params, "thread", scores, quick):
            found = [ids[i] for i in members]
            if target is None:
                grown.append(found)
            else:
                grown[target].extend(found)
        return grown

    stories = list(existing)
    for k in sorted(joined):
        s = existing[k]
        added = np.array(joined[k], dtype=np.intp)
        threads = threads_of(added, s.threads or (s.articles,))
        stories[k] = Story(
            id=s.id,
            articles=s.articles + tuple(ids[i] for i in added),
            title=s.title,
            threads=tuple(tuple(t) for t in threads),
        )
    for group in new_stories:
        members = tuple(ids[i] for i in group)
        threads = threads_of(group, ())
        first = items[members[0]] if isinstance(items, dict) else items[int(group[0])]
        stories.append(
            Story(
                id=members[0],
                articles=members,
                title=first.title or None,
                threads=tuple(tuple(t) for t in threads),
            )
        )
    return stories, joined, new_stories


def _assign(
    features: _Features,
    new: np.ndarray,
    known: Sequence[np.ndarray],
    params: ClusterParams,
    level: Level,
    scores: Scorer = _scores,
    grouping: Callable[..., list[list[int]]] = groups_from_similarity,
) -> list[tuple[int | None, np.ndarray]]:
    """Group the items ``new`` among themselves, then send each group to the
    ``known`` group (an index into ``known``) with the highest average score
    if it reaches the level's threshold, else to ``None`` (a group of its own).

    Groups come in the order of their first item."""
    if new.size == 0:
        return []
    threshold = params.threshold if level == "story" else params.thread_threshold
    within = scores(features, new, new, params, level)
    np.fill_diagonal(within, 1.0)
    groups = [new[g] for g in grouping(within, threshold=threshold, method=params.linkage)]
    events = level == "story" and params.event_entity > 0
    if events:
        groups = merge_events(features, groups, params)
    compared = [k for k, idx in enumerate(known) if idx.size]
    if not compared:
        return [(None, g) for g in groups]
    everyone = np.concatenate([known[k] for k in compared])
    bounds = np.cumsum([0] + [known[k].size for k in compared])
    profiles: dict[int, _EventProfile] = {}
    assigned: list[tuple[int | None, np.ndarray]] = []
    for group in groups:
        linked = scores(features, group, everyone, params, level)
        averages = [linked[:, bounds[m] : bounds[m + 1]].mean() for m in range(len(compared))]
        best = int(np.argmax(averages))
        target = compared[best] if averages[best] >= threshold else None
        if target is None and events:
            target = _event_target(features, group, known, compared, profiles, params)
        assigned.append((target, group))
    return assigned


def _event_target(
    f: _Features,
    group: np.ndarray,
    stories: Sequence[np.ndarray],
    compared: Sequence[int],
    profiles: dict[int, _EventProfile],
    params: ClusterParams,
) -> int | None:
    """The stored story (of ``compared``) a group that joined none by its
    articles' average is one event with, by the test :func:`merge_events`
    applies; ``profiles`` caches the stories' profiles."""
    here = _EventProfile.of(f, group)
    best: tuple[float, int] | None = None
    for k in compared:
        if k not in profiles:
            profiles[k] = _EventProfile.of(f, stories[k])
        c = here.closeness(profiles[k], params)
        if c is not None and (best is None or c > best[0]):
            best = (c, k)
    return None if best is None else best[1]


@dataclass(slots=True)
class _EventProfile:
    """What says two stories are one event: the names their articles keep
    returning to (the sum of their L2-normalised entity weights, a sparse
    row), what they say (the mean of their document vectors) and when (first
    and last day)."""

    names: csr_matrix  # (1, vocabulary) L2-normalised
    document: np.ndarray  # (d,) L2-normalised
    first: float
    last: float
    size: int  # articles

    @classmethod
    def of(cls, f: _Features, rows: np.ndarray) -> _EventProfile:
        names = csr_matrix(f.weights[rows].sum(axis=0), dtype=np.float64)
        norm = math.sqrt(float(names.multiply(names).sum()))
        document = f.documents[rows].astype(np.float64).mean(axis=0)
        days = f.days[rows]
        dated = days[np.isfinite(days)]
        return cls(
            names=names * (1.0 / max(norm, 1e-9)),
            document=document / max(float(np.linalg.norm(document)), 1e-9),
            first=float(dated.min()) if dated.size else math.nan,
            last=float(dated.max()) if dated.size else math.nan,
            size=len(rows),
        )

    def closeness(self, other: _EventProfile, params: ClusterParams) -> float | None:
        """Names + meaning when the two stories are one event (:func:`_event_scores`)."""
        score = _event_scores(
            np.array(self.names.multiply(other.names).sum()),
            np.array(self.document @ other.document),
            np.array(self.first),
            np.array(self.last),
            np.array(other.first),
            np.array(other.last),
            params,
            np.array(_angle_piece(self.size, other.size, params)),
        )
        return float(score) if np.isfinite(score) else None


#: The fewest articles a story needs for a small one (an angle piece) to join it
#: by meaning alone: an event with coverage, never another stray article.
EVENT_COVERAGE = 3


def _angle_piece(a: Any, b: Any, params: ClusterParams) -> Any:
    """Whether one of two stories (of ``a`` and ``b`` articles; ints or arrays)
    is small enough to join the other, an event with coverage, by meaning alone."""
    small, large = np.minimum(a, b), np.maximum(a, b)
    return (small <= params.event_single_size) & (large >= EVENT_COVERAGE)


def _event_scores(
    names: np.ndarray,
    meaning: np.ndarray,
    first_a: np.ndarray,
    last_a: np.ndarray,
    first_b: np.ndarray,
    last_b: np.ndarray,
    params: ClusterParams,
    single: np.ndarray | bool = False,
) -> np.ndarray:
    """The event test, broadcast over arrays: names + meaning where both
    cosines reach their cut (or, where one side is a single article
    (``single``), the meaning reaches ``event_single_document``) and the dates
    lie within the time window of each other (NaN, undated, is never apart),
    -inf elsewhere."""
    with np.errstate(invalid="ignore"):
        gap = np.maximum(first_a - last_b, first_b - last_a)
        ok = (names >= params.event_entity) & (meaning >= params.event_document)
        ok |= single & (meaning >= params.event_single_document)
        ok &= ~(gap > params.time_window_days)
    return np.where(ok, names + meaning, -np.inf)


def _closeness_row(profiles: Sequence[_EventProfile], i: int, params: ClusterParams) -> np.ndarray:
    """:meth:`_EventProfile.closeness` of profile ``i`` with every profile, as
    one vectorised row (-inf where the test fails, and at ``i`` itself)."""
    me = profiles[i]
    stacked = _stack([p.names for p in profiles])
    names = np.asarray((stacked @ me.names.T).toarray(), dtype=np.float64).ravel()
    meaning = np.array([p.document for p in profiles]) @ me.document
    first = np.array([p.first for p in profiles])
    last = np.array([p.last for p in profiles])
    single = np.array([_angle_piece(p.size, me.size, params) for p in profiles])
    row = _event_scores(
        names, meaning, first, last, np.array(me.first), np.array(me.last), params, single
    )
    row[i] = -np.inf
    return row


def _stack(rows: Sequence[csr_matrix]) -> csr_matrix:
    from scipy.sparse import vstack

    return csr_matrix(vstack(rows, format="csr"))


def merge_events(
    f: _Features, groups: Sequence[np.ndarray], params: ClusterParams
) -> list[np.ndarray]:
    """Stories that are one event, merged: the closest pair of stories that
    passes :meth:`_EventProfile.closeness` first, the merged story's profile
    recomputed after each merge, until no pair passes.

    Article pairs decide stories (average linkage at ``threshold``, chosen on
    ECB+, where two similar events of one topic must stay apart); but the
    articles of a developing event tell different parts of it (the balloon
    over Montana; its shooting down off South Carolina; the debris) and name
    different people, so their pairs average under the threshold. The
    stories' *summed* name profiles keep what every part shares (the event's
    names) and drown what one part names alone. Groups keep the order of
    their first item. Cost: one sparse product per story and per merge."""
    groups = [np.asarray(g, dtype=np.intp) for g in groups]
    n = len(groups)
    if n < 2:
        return groups
    profiles = [_EventProfile.of(f, g) for g in groups]
    stacked = _stack([p.names for p in profiles])
    names = np.asarray((stacked @ stacked.T).toarray(), dtype=np.float64)
    documents = np.array([p.document for p in profiles])
    meaning = documents @ documents.T
    first = np.array([p.first for p in profiles])
    last = np.array([p.last for p in profiles])
    sizes = np.array([p.size for p in profiles])
    score = _event_scores(
        names,
        meaning,
        first[:, None],
        last[:, None],
        first[None, :],
        last[None, :],
        params,
        _angle_piece(sizes[:, None], sizes[None, :], params),
    )
    np.fill_diagonal(score, -np.inf)
    alive = np.ones(n, dtype=bool)
    while True:
        best = int(np.argmax(score))
        i, j = divmod(best, n)
        if not np.isfinite(score[i, j]):
            break
        i, j = min(i, j), max(i, j)
        groups[i] = np.sort(np.concatenate([groups[i], groups[j]]))
        profiles[i] = _EventProfile.of(f, groups[i])
        alive[j] = False
        score[j, :] = score[:, j] = -np.inf
        row = _closeness_row(profiles, i, params)
        row[~alive] = -np.inf
        score[i, :] = score[:, i] = row
    return sorted((groups[k] for k in np.flatnonzero(alive)), key=lambda g: int(g[0]))


# --- at scale: candidates from an index, never all pairs ---------------------
#
# Above ``ClusterParams.exact_limit`` the story level never scores all pairs.
# A new article's candidate pairs are its ``neighbours`` nearest articles
# within the time window, searched by vectors whose inner product estimates
# the story score (document vector and hashed entity weights; faiss, one
# index per time block), and its MinHash near-duplicates (LSH bands kept as
# sorted arrays); only those pairs are scored, exactly. Average linkage only
# joins two groups whose average score reaches the threshold, so some pair
# between them reaches it: a story never spans two components of the graph of
# pairs that reach the threshold. Each component of up to EXACT_PIECE
# articles is clustered exactly (all its pairs scored, as on the exact path);
# a larger one (chains of such pairs can link a whole topic) is split into
# pieces by raising the score its pairs need, each piece clustered exactly,
# and the groups of different pieces merged by average linkage over their
# exact averages (:func:`_cluster_large`). A group of new articles is
# compared, by the exact average over their members, with the stored stories
# its articles' nearest stored neighbours and near-duplicates belong to, not
# with every story.

#: faiss HNSW: graph links per vector, and the candidate lists while building
#: and while searching. On synthetic blocks (bench/bench_cluster.py's corpus,
#: 192-wide search vectors) they find 0.98 of the exact 21 nearest at 16k
#: articles and 0.96 at 80k; 32/80/96 finds 0.99 at 1.5-2x the cost, and a
#: missed neighbour rarely matters (a story needs one chain of candidates).
HNSW_LINKS = 24
HNSW_BUILD = 60
HNSW_SEARCH = 64
#: A time block of fewer articles is searched exactly (``IndexFlatIP``): below
#: ~8k articles an exact scan costs less than inserting into and searching a
#: graph (measured: 4k, flat 137 us a query against HNSW 130 us + 405 us an
#: insert; 16k, 691 us against 134 + 194 us).
FLAT_BELOW = 8_000
#: Widths of the searched vectors (:meth:`StoryIndex._search_rows`): the
#: document part reduced to DOCUMENT_DIMENSIONS by a PCA the index trains
#: once, when it first searches with PCA_FROM articles or more (a smaller
#: index keeps all 384), and the entity weights hashed into
#: ENTITY_DIMENSIONS signed buckets. HNSW's cost grows with the width (on
#: 78k articles: 512 wide, 253 us an insert and 229 a search; 256 wide, 141
#: and 124; 128 wide, 84 and 73). Against the exact path's stories (B-cubed,
#: k = 30): UCI headlines (few names, so the document part decides) 0.995 at
#: 384 + 128, 0.991 at 128 + 64, 0.989 at 96 + 64 (a random projection to
#: 64 instead of a PCA, with k = 20: 0.964); ECB+ 1.000 at each.
DOCUMENT_DIMENSIONS = 128
ENTITY_DIMENSIONS = 64
PCA_FROM = 5_000
#: Candidate pairs scored at a time (bounds the memory of the gathered rows).
PAIR_CHUNK = 65_536
#: Articles whose neighbours are searched at a time (bounds the memory of the
#: results before each keeps its nearest).
NEIGHBOUR_CHUNK = 32_768
#: Texts shingled and sketched at a time (bounds the memory of shingle sets).
SKETCH_CHUNK = 4_096
#: Above exact_limit, a component (or a piece of one) of at most this many
#: articles is clustered exactly, every pair scored; a larger one is split
#: and merged back by exact averages (:func:`_cluster_large`). Every pair of a
#: component costs its size squared: 1,000 keeps that under ~0.1 s each.
EXACT_PIECE = 1_000
#: Above exact_limit, new groups are merged into events (:func:`merge_events`,
#: every pair of groups compared) only when there are at most this many: the
#: pass is quadratic in the groups. Larger batches keep their stories, and
#: still join stored stories by the event test (docs/scale.md).
EVENT_MERGE_LIMIT = 2_000
#: Slack under the threshold for the components' edges: a looser edge only
#: joins components, each clustered exactly, so it cannot change a result,
#: while a pair a float rounding put a hair under the threshold could.
_SLACK = 1e-6


class _Grow:
    """A 1-D or 2-D array grown at its end, in amortised constant time per row."""

    __slots__ = ("_buffer", "size")

    def __init__(self, dtype: type) -> None:
        self._buffer: np.ndarray = np.empty(0, dtype=dtype)
        self.size = 0

    @property
    def data(self) -> np.ndarray:
        return self._buffer[: self.size]

    def extend(self, rows: np.ndarray | Sequence[float]) -> None:
        rows = np.asarray(rows, dtype=self._buffer.dtype)
        if self.size == 0 and rows.ndim == 2 and rows.flags.c_contiguous and len(rows) > 4096:
            # The first rows of a large call are kept as given, not copied (an
            # archive's vectors are its largest arrays); the first later
            # extension copies them into a buffer of its own.
            self._buffer, self.size = rows, len(rows)
            return
        need = self.size + len(rows)
        if need > len(self._buffer) or self._buffer.shape[1:] != rows.shape[1:]:
            capacity = max(need, len(self._buffer) * 5 // 4, 64)
            grown = np.empty((capacity, *rows.shape[1:]), dtype=self._buffer.dtype)
            if self.size:
                grown[: self.size] = self._buffer[: self.size]
            self._buffer = grown
        self._buffer[self.size : need] = rows
        self.size = need


def _unit(rows: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (a float32 C-ordered copy), for inner-product search."""
    out = np.array(rows, dtype=np.float32, order="C", copy=True)
    out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
    return out


def _ranges(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(k, p)`` for every ``p`` in ``range(lo[k], hi[k])``, vectorised."""
    counts = (hi - lo).astype(np.int64)
    owner = np.repeat(np.arange(len(lo)), counts)
    if owner.size == 0:
        return owner, owner
    offsets = np.arange(owner.size) - np.repeat(np.cumsum(counts) - counts, counts)
    return owner, np.repeat(lo.astype(np.int64), counts) + offsets


def _merge_sorted(
    one: tuple[np.ndarray, np.ndarray], two: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    keys = np.concatenate([one[0], two[0]])
    owners = np.concatenate([one[1], two[1]])
    order = np.argsort(keys, kind="stable")  # two sorted runs: a linear merge
    return keys[order], owners[order]


class _Bands:
    """MinHash LSH as sorted arrays: one 64-bit key per (sketch, band), with the
    bands datasketch's ``MinHashLSH`` picks for the same threshold, weights and
    permutations, hence the same candidates (a key hashes its band's values; a
    collision only adds a candidate, which the Jaccard check drops). Sorted
    runs whose sizes at least halve from one to the next (the logarithmic
    method): adding costs amortised O(log n) per sketch, a lookup one binary
    search per run; no Python object per sketch."""

    def __init__(self, params: ClusterParams) -> None:
        lsh = MinHashLSH(
            threshold=params.duplicate_jaccard, num_perm=params.num_perm, weights=LSH_WEIGHTS
        )
        self.bands, self.rows = int(lsh.b), int(lsh.r)
        self.runs: list[tuple[np.ndarray, np.ndarray]] = []

    def keys(self, hashes: np.ndarray) -> np.ndarray:
        """The (n, bands) keys of the sketches ``hashes`` (n, num_perm)."""
        values = hashes.astype(np.uint64)
        keys = np.empty((len(hashes), self.bands), dtype=np.uint64)
        multiplier, shift = np.uint64(0xBF58476D1CE4E5B9), np.uint64(31)
        with np.errstate(over="ignore"):
            for b in range(self.bands):
                key = np.full(len(hashes), (b + 1) * 0x9E3779B97F4A7C15 % 2**64, np.uint64)
                for j in range(b * self.rows, (b + 1) * self.rows):
                    key = (key ^ values[:, j]) * multiplier
                    key ^= key >> shift
                keys[:, b] = key
        return keys

    def add(self, owners: np.ndarray, keys: np.ndarray) -> None:
        flat = keys.ravel()
        order = np.argsort(flat, kind="stable")
        self.runs.append((flat[order], np.repeat(owners.astype(np.int64), self.bands)[order]))
        while len(self.runs) > 1 and 2 * len(self.runs[-1][0]) >= len(self.runs[-2][0]):
            last = self.runs.pop()
            self.runs.append(_merge_sorted(self.runs.pop(), last))

    def query(self, owners: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(owner, other)``: the sketches that share a band with each of ``owners``."""
        flat = keys.ravel()
        who = np.repeat(owners.astype(np.int64), self.bands)
        found_a: list[np.ndarray] = []
        found_b: list[np.ndarray] = []
        for sorted_keys, sorted_owners in self.runs:
            lo = np.searchsorted(sorted_keys, flat, side="left")
            hi = np.searchsorted(sorted_keys, flat, side="right")
            k, p = _ranges(lo, hi)
            found_a.append(who[k])
            found_b.append(sorted_owners[p])
        if not found_a:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        a, b = np.concatenate(found_a), np.concatenate(found_b)
        return a[a != b], b[a != b]


class _Block:
    """The articles of one time block (their index rows) and a faiss index of
    their unit document vectors, brought up to date when searched."""

    __slots__ = ("index", "indexed", "rows")

    def __init__(self) -> None:
        self.rows = _Grow(np.int64)
        self.index: Any = None
        self.indexed = 0

    def search(
        self, vectors: Callable[[np.ndarray], np.ndarray], queries: np.ndarray, k: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Inner products and index rows of the ``k`` nearest of ``queries``
        (unit rows); row -1 where the block has fewer."""
        import faiss

        rows = self.rows.data
        graph = len(rows) >= FLAT_BELOW
        index: Any = self.index
        if index is None or (graph and not isinstance(index, faiss.IndexHNSWFlat)):
            dimension = queries.shape[1]
            if graph:
                index = faiss.IndexHNSWFlat(dimension, HNSW_LINKS, faiss.METRIC_INNER_PRODUCT)
                index.hnsw.efConstruction = HNSW_BUILD
            else:
                index = faiss.IndexFlatIP(dimension)
            self.index, self.indexed = index, 0
        for start in range(self.indexed, len(rows), 262_144):
            index.add(vectors(rows[start : start + 262_144]))
        self.indexed = len(rows)
        if isinstance(index, faiss.IndexHNSWFlat):
            index.hnsw.efSearch = max(HNSW_SEARCH, k)
        sims, found = index.search(queries, min(k, len(rows)))
        return sims, np.where(found >= 0, rows[np.maximum(found, 0)], -1)


def _sketch_key(params: ClusterParams) -> tuple[object, ...]:
    """The parameters an index's stored features depend on."""
    return (
        params.shingle_words,
        params.min_shingles,
        params.num_perm,
        params.minhash_scheme,
        params.duplicate_jaccard,
        params.time_window_days,
        params.entity_weight,
        params.min_entities,
    )


class StoryIndex:
    """What the story level keeps of the articles it has seen, so that the next
    call compares new articles with candidates, not with the whole archive.

    Per article: its document and title + lead vectors, entity weights, day,
    MinHash sketch (in LSH bands) and story; per time block of twice
    ``time_window_days``, a faiss index of its document vectors (exact below
    :data:`FLAT_BELOW` articles, HNSW above), built when first searched and
    grown after. Pass one to :func:`cluster_stories` (``index=``) and keep it:
    a later call featurises only the articles the index lacks, so its cost
    does not grow with the archive. It belongs to the stories it returned: a
    call with other ``existing`` stories re-reads their membership (one pass
    over the archive). Held in memory only; not yet saved beside the store.
    The vector arrays of a large first call are kept as given, not copied (do
    not change them afterwards); the items' texts are not kept.
    """

    def __init__(self) -> None:
        self.params: ClusterParams | None = None
        self.ids: list[str] = []
        self.row: dict[str, int] = {}
        self._documents = _Grow(np.float32)
        self._vectors = _Grow(np.float32)
        self._days = _Grow(np.float64)
        self._name_counts = _Grow(np.float32)
        self._vocabulary: dict[str, int] = {}
        self._indptr = _Grow(np.int32)
        self._indptr.extend([0])
        self._columns = _Grow(np.int32)
        self._ones = _Grow(np.float32)
        self._weights = _Grow(np.float64)
        self._hashes: _Grow | None = None
        self._sketch_of = _Grow(np.int64)  # row -> its sketch's number, -1: none
        self._bands: _Bands | None = None
        self._blocks: dict[int | None, _Block] = {}
        self._story_of = _Grow(np.int64)  # row -> its story's position, -1: none
        self.story_ids: list[str] = []
        self._story_sizes: list[int] = []
        self._story_rows: list[list[int]] = []
        self._members = 0  # indexed articles that belong to a story
        self._absent = 0  # articles of stories that are not indexed
        self._last: Sequence[Story] | None = None
        self._reduction: np.ndarray | None = None  # PCA of the document part
        self._reduced = False  # whether to reduce was decided (at the first search)

    def __len__(self) -> int:
        return len(self.ids)

    # -- parameters and membership --

    def _bind(self, params: ClusterParams) -> None:
        if self.params is not None and _sketch_key(self.params) != _sketch_key(params):
            raise ValueError(
                "this StoryIndex holds sketches and time blocks made with other "
                "ClusterParams (shingles, permutations, duplicate threshold or time "
                "window): build a new one"
            )
        if self._bands is None:
            self._bands = _Bands(params)
        self.params = params

    def _sync(self, existing: Sequence[Story]) -> None:
        """Make the index's stories those of ``existing`` (cheap when they are
        the stories it returned last)."""
        if existing is self._last:
            return
        same = len(existing) == len(self.story_ids) and all(
            s.id == i and len(s.articles) == n
            for s, i, n in zip(existing, self.story_ids, self._story_sizes, strict=True)
        )
        if not same:
            story_of = self._story_of.data
            story_of[:] = -1
            self.story_ids = [s.id for s in existing]
            self._story_sizes = [len(s.articles) for s in existing]
            self._story_rows = [[] for _ in existing]
            self._members = self._absent = 0
            for k, s in enumerate(existing):
                for a in s.articles:
                    r = self.row.get(a)
                    if r is None:
                        self._absent += 1
                    else:
                        story_of[r] = k
                        self._story_rows[k].append(r)
                        self._members += 1
        self._last = existing

    def _stories_of(self, existing: Sequence[Story], ids: Sequence[str]) -> list[int]:
        """The story position of each of ``ids`` not indexed yet (-1: none)."""
        if self._absent == 0:
            return [-1] * len(ids)
        wanted = set(ids)
        member_of = {a: k for k, s in enumerate(existing) for a in s.articles if a in wanted}
        return [member_of.get(a, -1) for a in ids]

    def _record(self, joined: dict[int, list[int]], created: Sequence[np.ndarray]) -> None:
        story_of = self._story_of.data
        for k, rows in joined.items():
            self._story_rows[k].extend(rows)
            self._story_sizes[k] += len(rows)
            story_of[rows] = k
            self._members += len(rows)
        for group in created:
            story_of[group] = len(self.story_ids)
            self.story_ids.append(self.ids[int(group[0])])
            self._story_sizes.append(len(group))
            self._story_rows.append([int(r) for r in group])
            self._members += len(group)

    # -- adding articles --

    def _block_key(self, day: float) -> int | None:
        assert self.params is not None
        if math.isnan(day):
            return None
        window = self.params.time_window_days
        return 0 if not math.isfinite(window) else math.floor(day / max(2 * window, 1.0))

    def _add(
        self,
        items: Sequence[StoryInput],
        embeddings: np.ndarray,
        documents: np.ndarray,
        stories: Sequence[int],
    ) -> None:
        assert self.params is not None and self._bands is not None
        start = len(self.ids)
        for item in items:
            self.row[item.id] = len(self.ids)
            self.ids.append(item.id)
        rows = np.arange(start, len(self.ids))
        self._vectors.extend(np.asarray(embeddings, dtype=np.float32))
        self._documents.extend(np.asarray(documents, dtype=np.float32))
        days = np.array([_day_number(it.published) for it in items], dtype=np.float64)
        self._days.extend(days)
        # Entities, as _features weighs them: 1 + log count, rows L2-normalised.
        columns: list[int] = []
        logs: list[float] = []
        lengths: list[int] = []
        for item in items:
            counts = dict(item.entity_counts) or dict.fromkeys(item.entities, 1)
            names = sorted(item.entities | counts.keys())
            lengths.append(len(names))
            for name in names:
                columns.append(self._vocabulary.setdefault(name, len(self._vocabulary)))
                logs.append(1.0 + math.log(max(counts.get(name, 1), 1)))
        weights = np.asarray(logs, dtype=np.float64)
        owner = np.repeat(np.arange(len(items)), lengths)
        norms = np.sqrt(np.bincount(owner, weights=weights**2, minlength=len(items)))
        self._columns.extend(np.asarray(columns, dtype=np.int32))
        self._ones.extend(np.ones(len(columns), dtype=np.float32))
        self._weights.extend(weights / np.maximum(norms, 1e-9)[owner])
        self._indptr.extend(int(self._indptr.data[-1]) + np.cumsum(lengths, dtype=np.int64))
        self._name_counts.extend(np.asarray(lengths, dtype=np.float32))
        self._sketch(items, rows)
        keys = [self._block_key(d) for d in days.tolist()]
        by_block: dict[int | None, list[int]] = {}
        for r, key in zip(rows.tolist(), keys, strict=True):
            by_block.setdefault(key, []).append(r)
        for key, members in by_block.items():
            self._blocks.setdefault(key, _Block()).rows.extend(np.asarray(members))
        self._story_of.extend(np.asarray(stories, dtype=np.int64))
        for r, k in zip(rows.tolist(), stories, strict=True):
            if k >= 0:
                self._story_rows[k].append(r)
                self._members += 1
                self._absent -= 1

    def _sketch(self, items: Sequence[StoryInput], rows: np.ndarray) -> None:
        """MinHash sketches of the items' texts, as :func:`near_duplicates` makes them."""
        assert self.params is not None and self._bands is not None
        p = self.params
        numbers = np.full(len(items), -1, dtype=np.int64)
        for begin in range(0, len(items), SKETCH_CHUNK):
            chunk = items[begin : begin + SKETCH_CHUNK]
            sets = [shingles(it.text or it.headline, size=p.shingle_words) for it in chunk]
            usable = [k for k, s in enumerate(sets) if len(s) >= p.min_shingles]
            if not usable:
                continue
            hashes = minhash_rows([sets[k] for k in usable], params=p)
            if self._hashes is None:
                self._hashes = _Grow(hashes.dtype.type)
            first = self._hashes.size
            self._hashes.extend(hashes)
            owners = rows[begin + np.asarray(usable)]
            numbers[begin + np.asarray(usable)] = np.arange(first, first + len(usable))
            self._bands.add(owners, self._bands.keys(hashes))
        self._sketch_of.extend(numbers)

    # -- what the clustering reads --

    def _features(self, duplicates: set[tuple[int, int]]) -> _Features:
        n = len(self.ids)
        shape = (n, max(1, len(self._vocabulary)))
        parts = (self._columns.data, self._indptr.data)
        return _Features(
            vectors=self._vectors.data,
            documents=self._documents.data,
            names=csr_matrix((self._ones.data, *parts), shape=shape),
            name_counts=self._name_counts.data,
            weights=csr_matrix((self._weights.data, *parts), shape=shape),
            days=self._days.data,
            duplicates=duplicates,
        )

    def _duplicates(self, rows: np.ndarray) -> set[tuple[int, int]]:
        """Pairs ``(i, j)``, ``i < j``, of near-duplicates one of which is in ``rows``
        (estimated Jaccard similarity at least ``duplicate_jaccard``)."""
        assert self.params is not None and self._bands is not None
        if self._hashes is None or rows.size == 0:
            return set()
        sketch_of = self._sketch_of.data
        have = rows[sketch_of[rows] >= 0]
        hashes = self._hashes.data
        a, b = self._bands.query(have, self._bands.keys(hashes[sketch_of[have]]))
        n = np.int64(len(self.ids))
        codes = np.unique(np.minimum(a, b) * n + np.maximum(a, b))
        lo, hi = codes // n, codes % n
        same = np.empty(len(codes), dtype=np.float64)
        for s in range(0, len(codes), PAIR_CHUNK):
            x = hashes[sketch_of[lo[s : s + PAIR_CHUNK]]]
            y = hashes[sketch_of[hi[s : s + PAIR_CHUNK]]]
            same[s : s + PAIR_CHUNK] = np.count_nonzero(x == y, axis=1)
        keep = same / np.float64(self.params.num_perm) >= self.params.duplicate_jaccard
        return set(zip(lo[keep].tolist(), hi[keep].tolist(), strict=True))

    def _search_rows(self, rows: np.ndarray) -> np.ndarray:
        """The vectors searched for ``rows``: unit rows whose inner product
        estimates the story score. The score is ``(1 - w) * cosine + w *
        entity agreement`` when both articles name ``min_entities`` or more,
        and mostly the agreement (``w`` = 0.8): neighbours by document vector
        alone left a synthetic corpus in 513 components of pairs reaching the
        threshold where all pairs make 274 (these 279). So an article that
        names enough is searched as ``[sqrt(1 - w) * document, sqrt(w) *
        entities]``, ``entities`` its entity weights hashed into
        :data:`ENTITY_DIMENSIONS` signed buckets (feature hashing: inner
        products estimate the entity cosine), one that does not as
        ``[document, 0]``; ``document`` through the index's PCA once trained."""
        assert self.params is not None
        w = self.params.entity_weight
        documents = _unit(self._documents.data[rows])
        if self._reduction is not None:
            documents = _unit(documents @ self._reduction)
        out = np.zeros((rows.size, documents.shape[1] + ENTITY_DIMENSIONS), np.float32)
        named = self._name_counts.data[rows] >= self.params.min_entities
        if w <= 0 or not named.any():
            out[:, : documents.shape[1]] = documents
            return out
        indptr, columns = self._indptr.data, self._columns.data
        weights = self._weights.data
        lo, hi = indptr[rows[named]], indptr[rows[named] + 1]
        owner, at = _ranges(lo, hi)
        code = columns[at].astype(np.uint64)
        with np.errstate(over="ignore"):  # splitmix64 of the name's number
            code = (code + np.uint64(0x9E3779B97F4A7C15)) * np.uint64(0xBF58476D1CE4E5B9)
            code ^= code >> np.uint64(27)
            code *= np.uint64(0x94D049BB133111EB)
            code ^= code >> np.uint64(31)
        bucket = (code % np.uint64(ENTITY_DIMENSIONS)).astype(np.int64)
        sign = np.where((code >> np.uint64(40)) & np.uint64(1), 1.0, -1.0)
        hashed = np.zeros((int(named.sum()), ENTITY_DIMENSIONS), np.float64)
        np.add.at(hashed, (owner, bucket), sign * weights[at])
        hashed /= np.maximum(np.linalg.norm(hashed, axis=1, keepdims=True), 1e-12)
        width = documents.shape[1]
        out[:, :width] = documents
        out[named, :width] *= np.float32(math.sqrt(1 - w))
        out[named, width:] = math.sqrt(w) * hashed
        return out

    def _neighbours(self, rows: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """``(row, other)``: up to ``k`` nearest other articles of each of ``rows``
        (by the vectors of :meth:`_search_rows`), within the time window, among
        all indexed articles. Queries go in chunks of neighbouring days, so
        that memory stays bounded and a chunk searches few blocks."""
        assert self.params is not None
        if rows.size == 0 or k <= 0:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        if not self._reduced:
            self._reduced = True
            documents = self._documents.data
            if len(documents) >= PCA_FROM and documents.shape[1] > DOCUMENT_DIMENSIONS:
                pick = np.random.default_rng(0).permutation(len(documents))[:50_000]
                sample = _unit(documents[np.sort(pick)])
                _, _, axes = np.linalg.svd(sample - sample.mean(axis=0), full_matrices=False)
                self._reduction = np.ascontiguousarray(axes[:DOCUMENT_DIMENSIONS].T)
        day = self._days.data[rows]
        order = np.argsort(day, kind="stable")  # unknown days (NaN) last
        found_rows: list[np.ndarray] = []
        found_others: list[np.ndarray] = []
        for start in range(0, rows.size, NEIGHBOUR_CHUNK):
            chunk = rows[order[start : start + NEIGHBOUR_CHUNK]]
            mine, others = self._chunk_neighbours(chunk, k)
            found_rows.append(mine)
            found_others.append(others)
        return np.concatenate(found_rows), np.concatenate(found_others)

    def _chunk_neighbours(self, rows: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        assert self.params is not None
        window = self.params.time_window_days
        days = self._days.data
        day = days[rows]
        queries = self._search_rows(rows)
        wanted: dict[int | None, list[np.ndarray]] = {}
        dated = np.flatnonzero(~np.isnan(day))
        undated = np.flatnonzero(np.isnan(day))
        if dated.size and math.isfinite(window):
            span = max(2 * window, 1.0)
            first = np.floor((day[dated] - window) / span).astype(np.int64)
            last = np.floor((day[dated] + window) / span).astype(np.int64)
            for offset in range(int((last - first).max()) + 1):
                key = first + offset
                inside = key <= last
                for value in np.unique(key[inside]).tolist():
                    wanted.setdefault(value, []).append(dated[inside & (key == value)])
        elif dated.size:
            wanted.setdefault(0, []).append(dated)
        for key in self._blocks:
            if undated.size:
                wanted.setdefault(key, []).append(undated)
            if key is None and dated.size:
                wanted.setdefault(key, []).append(dated)
        found_q: list[np.ndarray] = []
        found_r: list[np.ndarray] = []
        found_s: list[np.ndarray] = []
        for key, parts in wanted.items():
            block = self._blocks.get(key)
            if block is None or block.rows.size == 0:
                continue
            positions = np.unique(np.concatenate(parts))
            sims, others = block.search(self._search_rows, queries[positions], k + 1)
            found_q.append(np.repeat(positions, others.shape[1]))
            found_r.append(others.ravel())
            found_s.append(sims.ravel())
        if not found_q:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        q, r, s = np.concatenate(found_q), np.concatenate(found_r), np.concatenate(found_s)
        keep = (r >= 0) & (r != rows[q])
        q, r, s = q[keep], r[keep], s[keep]
        far = np.abs(day[q] - days[r]) > window  # NaN (unknown) is never far
        q, r, s = q[~far], r[~far], s[~far]
        order = np.lexsort((-s, q))
        q, r = q[order], r[order]
        starts = np.searchsorted(q, q, side="left")
        near = np.arange(q.size) - starts < k
        return rows[q[near]], r[near]


def _pair_scores(
    f: _Features, rows: np.ndarray, cols: np.ndarray, params: ClusterParams
) -> np.ndarray:
    """Story scores of the pairs ``(rows[p], cols[p])``, as :func:`_scores` scores them."""
    out = np.empty(len(rows), dtype=np.float32)
    w = params.entity_weight
    for s in range(0, len(rows), PAIR_CHUNK):
        i, j = rows[s : s + PAIR_CHUNK], cols[s : s + PAIR_CHUNK]
        score = np.clip(np.einsum("ij,ij->i", f.documents[i], f.documents[j]), 0.0, 1.0)
        if w > 0:
            agreement = np.asarray(f.weights[i].multiply(f.weights[j]).sum(axis=1)).ravel()
            a, b = f.name_counts[i], f.name_counts[j]
            both_named = (a >= params.min_entities) & (b >= params.min_entities)
            score = np.where(both_named, (1 - w) * score + w * agreement, score)
        far = np.abs(f.days[i] - f.days[j]) > params.time_window_days
        out[s : s + len(i)] = np.where(far, 0.0, score)
    if f.duplicates and len(rows):
        n = np.int64(max(len(f.days), 1))
        pairs = np.array(sorted(f.duplicates), dtype=np.int64).reshape(-1, 2)
        codes = np.minimum(rows, cols).astype(np.int64) * n + np.maximum(rows, cols)
        out[np.isin(codes, pairs[:, 0] * n + pairs[:, 1])] = 1.0
    return out


def sparse_average_groups(
    size: int, rows: np.ndarray, cols: np.ndarray, scores: np.ndarray, *, threshold: float
) -> list[list[int]]:
    """Average linkage over a sparse graph of ``size`` items, cut at ``threshold``.

    The pairs ``(rows[p], cols[p])`` score ``scores[p]``; any other pair scores
    0. The two groups with the highest average score (the sum of their pairs'
    scores over ``|A| * |B|``) are merged while it reaches ``threshold``. A
    heap of pairs of groups with lazy invalidation; each group's neighbours in
    a dict, the smaller merged into the larger; never all pairs. On a dense
    graph it gives :func:`groups_from_similarity`'s groups (barring ties).
    Groups as there: ascending indices, ordered by their first.
    """
    import heapq

    floor = threshold - 1e-9  # as groups_from_tree's cut
    links: list[dict[int, float]] = [{} for _ in range(size)]
    for i, j, s in zip(rows.tolist(), cols.tolist(), scores.tolist(), strict=True):
        if i != j and s > 0:
            links[i][j] = links[i].get(j, 0.0) + s
            links[j][i] = links[j].get(i, 0.0) + s
    members = [[i] for i in range(size)]
    version = [0] * size
    heap = [
        (-s, i, j, 0, 0)
        for i, row in enumerate(links)
        for j, s in row.items()
        if i < j and s >= floor
    ]
    heapq.heapify(heap)
    while heap:
        negative, a, b, version_a, version_b = heapq.heappop(heap)
        if -negative < floor:
            break
        if version[a] != version_a or version[b] != version_b or not members[a] or not members[b]:
            continue
        if len(links[a]) < len(links[b]):
            a, b = b, a  # keep the one with more neighbours; fold the other in
        version[a] += 1
        version[b] += 1
        links[a].pop(b, None)
        links[b].pop(a, None)
        for x, s in links[b].items():
            links[a][x] = links[a].get(x, 0.0) + s
            other = links[x]
            other[a] = other.get(a, 0.0) + other.pop(b)
        links[b] = {}
        members[a] += members[b]
        members[b] = []
        size_a = len(members[a])
        for x, s in links[a].items():
            average = s / (size_a * len(members[x]))
            if average >= floor:
                lo, hi = (a, x) if a < x else (x, a)
                heapq.heappush(heap, (-average, lo, hi, version[lo], version[hi]))
    return sorted((sorted(g) for g in members if g), key=lambda g: g[0])


def _group_new_sparse(
    f: _Features,
    new: np.ndarray,
    pairs: tuple[np.ndarray, np.ndarray],
    params: ClusterParams,
) -> list[np.ndarray]:
    """Groups of the rows ``new`` (ascending) from the candidate ``pairs``
    (positions in ``new``): the components of the pairs that reach the
    threshold, each clustered exactly when it has at most ``exact_limit``
    articles, by :func:`_cluster_large` otherwise."""
    i, j = pairs
    scores = _pair_scores(f, new[i], new[j], params)
    groups: list[np.ndarray] = []
    for component, inside in _components(new.size, i, j, scores, params.threshold - _SLACK):
        rows = new[component]
        if component.size <= 2:
            groups.append(rows)
        elif component.size <= min(EXACT_PIECE, params.exact_limit):
            groups += _exact_groups(f, rows, params)
        else:
            local = (np.searchsorted(component, i[inside]), np.searchsorted(component, j[inside]))
            groups += _cluster_large(f, rows, local, scores[inside], params)
    return sorted(groups, key=lambda g: int(g[0]))


def _components(
    size: int, i: np.ndarray, j: np.ndarray, scores: np.ndarray, floor: float
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The components of the pairs ``(i, j)`` scoring at least ``floor``: each
    as its positions (ascending) and the indices of the pairs inside it."""
    from scipy.sparse.csgraph import connected_components

    strong = scores >= floor
    graph = csr_matrix(
        (np.ones(int(strong.sum()), np.int8), (i[strong], j[strong])), shape=(size, size)
    )
    count, labels = connected_components(graph, directed=False)
    order = np.argsort(labels, kind="stable")
    parts = np.split(order, np.flatnonzero(np.diff(labels[order])) + 1)
    same = np.flatnonzero(labels[i] == labels[j])
    by_label = same[np.argsort(labels[i[same]], kind="stable")]
    starts = np.searchsorted(labels[i[by_label]], np.arange(count + 1))
    return [
        (part, by_label[starts[labels[part[0]]] : starts[labels[part[0]] + 1]]) for part in parts
    ]


def _exact_groups(f: _Features, rows: np.ndarray, params: ClusterParams) -> list[np.ndarray]:
    """Average linkage over every pair of ``rows``, as the exact path clusters."""
    within = _block_scores(f, rows, rows, params, "story")
    np.fill_diagonal(within, 1.0)
    found = _quick_groups(within, threshold=params.threshold, method=params.linkage)
    return [rows[g] for g in found]


def _cluster_large(
    f: _Features,
    rows: np.ndarray,
    pairs: tuple[np.ndarray, np.ndarray],
    scores: np.ndarray,
    params: ClusterParams,
) -> list[np.ndarray]:
    """Groups of a component larger than ``exact_limit`` (``rows``, with its
    candidate ``pairs`` as positions in ``rows`` and their ``scores``).

    Chains of pairs that each reach the threshold can link a whole topic, so a
    component can be far larger than any story. It is split into pieces of at
    most ``exact_limit`` by raising the score its pairs need, step by step;
    each piece is clustered exactly; then groups of different pieces joined by
    a candidate pair are merged by average linkage over their *exact* average
    (every pair of their members scored), :func:`_merge_exactly`. A piece no
    raise splits (more than ``exact_limit`` mutual near-duplicates) is
    clustered by :func:`sparse_average_groups` (a pair that is no candidate
    counts 0)."""
    if params.linkage == "complete":
        raise ValueError(
            "complete linkage needs every pair: raise exact_limit above the largest component"
        )
    if params.linkage == "single":  # single linkage: the component is one group
        return [rows]
    i, j = pairs
    groups: list[np.ndarray] = []  # positions in rows
    known: list[tuple[int, int, float]] = []  # totals of groups of one piece
    piece_of = np.zeros(rows.size, dtype=np.int64)  # the piece each position ended in
    pieces = 0
    limit = min(EXACT_PIECE, params.exact_limit)
    # A part split off at level ``floor`` is joined to everything outside it
    # by pairs scoring under ``floor`` only: so no two groups, one of them
    # outside, average ``floor`` or more, and merging inside it down to
    # ``floor`` first is what average linkage over everything does too.
    todo = [(np.arange(rows.size), np.arange(i.size), params.threshold)]
    while todo:
        part, inside, floor = todo.pop()
        raised = floor + 0.05
        if part.size <= limit or raised > 1.0:
            if part.size <= limit:
                found, close = _piece_groups(f, rows[part], params, floor)
                known += [(len(groups) + g, len(groups) + h, t) for g, h, t in close]
            else:  # more than ``limit`` near-duplicates of each other
                local_i = np.searchsorted(part, i[inside])
                local_j = np.searchsorted(part, j[inside])
                found = [
                    np.asarray(g, dtype=np.intp)
                    for g in sparse_average_groups(
                        part.size, local_i, local_j, scores[inside], threshold=params.threshold
                    )
                ]
            groups += [part[g] for g in found]
            piece_of[part] = pieces
            pieces += 1
            continue
        local_i = np.searchsorted(part, i[inside])
        local_j = np.searchsorted(part, j[inside])
        for piece, within in _components(part.size, local_i, local_j, scores[inside], raised):
            todo.append((part[piece], inside[within], raised))
    # Groups of one piece come with their totals; pairs across pieces that
    # reach the threshold join the groups they link, whose totals are scored.
    across = (scores >= params.threshold - _SLACK) & (piece_of[i] != piece_of[j])
    merged = _merge_exactly(f, rows, groups, (i[across], j[across]), params, known)
    return [rows[g] for g in merged]


def _piece_groups(
    f: _Features, rows: np.ndarray, params: ClusterParams, cut: float
) -> tuple[list[np.ndarray], list[tuple[int, int, float]]]:
    """Groups of ``rows`` (positions) by exact average linkage down to ``cut``,
    and ``(g, h, total)`` for every two of them that some pair scoring at
    least the threshold joins: their total score, from the same matrix."""
    if rows.size == 1:
        return [np.zeros(1, dtype=np.intp)], []
    within = _block_scores(f, rows, rows, params, "story")
    np.fill_diagonal(within, 1.0)
    found = [
        np.asarray(g, dtype=np.intp)
        for g in _quick_groups(within, threshold=cut, method=params.linkage)
    ]
    if len(found) < 2:
        return found, []
    order = np.concatenate(found)
    bounds = np.cumsum([0] + [g.size for g in found])[:-1]
    block = within[np.ix_(order, order)]
    totals = np.add.reduceat(
        np.add.reduceat(block.astype(np.float64), bounds, axis=0), bounds, axis=1
    )
    strongest = np.maximum.reduceat(np.maximum.reduceat(block, bounds, axis=0), bounds, axis=1)
    g, h = np.nonzero(np.triu(strongest >= params.threshold - _SLACK, 1))
    return found, list(zip(g.tolist(), h.tolist(), totals[g, h].tolist(), strict=True))


def _merge_exactly(
    f: _Features,
    rows: np.ndarray,
    groups: Sequence[np.ndarray],
    pairs: tuple[np.ndarray, np.ndarray],
    params: ClusterParams,
    known: Sequence[tuple[int, int, float]] = (),
) -> list[np.ndarray]:
    """Average linkage over ``groups`` (positions in ``rows``) with exact
    averages: two groups are compared when one of ``pairs`` (positions in
    ``rows``: the candidate pairs that reach the threshold; no two groups can
    reach it without some pair that does) joins them, or when ``known`` gives
    their total ``(g, h, total)``, by the mean score of all their members'
    pairs; the best pair of groups is merged while that mean reaches the
    threshold. A heap with lazy invalidation; the totals of a merged group
    come from its parts', and a part that nothing joined to a neighbour has
    its total scored then."""
    import heapq

    floor = params.threshold - 1e-9
    owner = np.empty(rows.size, dtype=np.int64)
    for k, g in enumerate(groups):
        owner[g] = k
    members = [rows[g] for g in groups]
    a_, b_ = owner[pairs[0]], owner[pairs[1]]
    cross = a_ != b_
    count = np.int64(len(groups))
    codes = np.unique(np.minimum(a_[cross], b_[cross]) * count + np.maximum(a_[cross], b_[cross]))
    ahead: list[list[int]] = [[] for _ in groups]
    for x, y in zip((codes // count).tolist(), (codes % count).tolist(), strict=True):
        ahead[x].append(y)
    totals: list[dict[int, float]] = [{} for _ in groups]
    for x, y, total in known:
        totals[x][y] = totals[y][x] = total
        if y in ahead[x]:
            ahead[x].remove(y)

    def sums(group: int, others: Sequence[int]) -> list[float]:
        """Total score of ``group``'s members with each of ``others``'."""
        everyone = np.concatenate([members[x] for x in others])
        block = _block_scores(f, members[group], everyone, params, "story")
        bounds = np.cumsum([0] + [members[x].size for x in others])[:-1]
        return np.add.reduceat(block.sum(axis=0, dtype=np.float64), bounds).tolist()

    xs = [x for x, others in enumerate(ahead) for _ in others]
    ys = [y for others in ahead for y in others]
    for x, y, total in zip(xs, ys, _group_totals(f, members, xs, ys, params), strict=True):
        totals[x][y] = totals[y][x] = total
    version = [0] * len(groups)
    heap = []
    for x, row in enumerate(totals):
        for y, total in row.items():
            average = total / (members[x].size * members[y].size)
            if x < y and average >= floor:
                heap.append((-average, x, y, 0, 0))
    heapq.heapify(heap)
    while heap:
        negative, x, y, version_x, version_y = heapq.heappop(heap)
        if -negative < floor:
            break
        if version[x] != version_x or version[y] != version_y:
            continue
        if len(totals[x]) < len(totals[y]):
            x, y = y, x  # keep the group with more neighbours
        totals[x].pop(y)
        totals[y].pop(x)
        only_y = [z for z in totals[y] if z not in totals[x]]
        only_x = [z for z in totals[x] if z not in totals[y]]
        for side, other, exclusive in ((x, y, only_y), (y, x, only_x)):
            # A neighbour of one side only: no candidate pair reaching the
            # threshold joins it to the other side. If it averages under the
            # threshold with its side too, it does with the merged group:
            # forget it (a later merge that brings it back scores it anew).
            wanted = []
            for z in exclusive:
                if totals[other][z] >= floor * members[other].size * members[z].size:
                    wanted.append(z)
                else:
                    del totals[other][z]
                    del totals[z][other]
            if wanted:
                for z, total in zip(wanted, sums(side, wanted), strict=True):
                    totals[side][z] = totals[z][side] = total
        for z, total in totals[y].items():
            totals[x][z] += total
            totals[z][x] = totals[x][z]
            del totals[z][y]
        totals[y] = {}
        members[x] = np.concatenate([members[x], members[y]])
        members[y] = members[y][:0]
        version[x] += 1
        version[y] += 1
        for z, total in totals[x].items():
            average = total / (members[x].size * members[z].size)
            if average >= floor:
                lo, hi = (x, z) if x < z else (z, x)
                heapq.heappush(heap, (-average, lo, hi, version[lo], version[hi]))
    position = np.empty(int(rows.max()) + 1 if rows.size else 0, dtype=np.int64)
    position[rows] = np.arange(rows.size)
    return [np.sort(position[m]) for m in members if m.size]


def _group_totals(
    f: _Features,
    members: Sequence[np.ndarray],
    xs: Sequence[int],
    ys: Sequence[int],
    params: ClusterParams,
) -> np.ndarray:
    """The total score of the members of ``members[xs[p]]`` with those of
    ``members[ys[p]]``, for every ``p``: all their pairs, scored in batches."""
    totals = np.zeros(len(xs), dtype=np.float64)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    size = 0

    def flush() -> None:
        if parts:
            i, j, owner = (np.concatenate(x) for x in zip(*parts, strict=True))
            totals[:] += np.bincount(
                owner, weights=_pair_scores(f, i, j, params), minlength=len(xs)
            )
            parts.clear()

    for p, (x, y) in enumerate(zip(xs, ys, strict=True)):
        a, b = members[x], members[y]
        parts.append((np.repeat(a, b.size), np.tile(b, a.size), np.full(a.size * b.size, p)))
        size += a.size * b.size
        if size >= 1 << 20:
            flush()
            size = 0
    flush()
    return totals


def _join_known(
    f: _Features,
    groups: Sequence[np.ndarray],
    stories: Sequence[np.ndarray],
    candidates: Sequence[Sequence[int]] | None,
    params: ClusterParams,
) -> list[tuple[int | None, np.ndarray]]:
    """Send each group to the story (of ``stories``, their members' rows) with
    the highest average score if it reaches the threshold, else to ``None``.
    ``candidates[g]`` are the stories group ``g`` is compared with (all when
    ``None``), as :func:`_assign` does."""
    assigned: list[tuple[int | None, np.ndarray]] = []
    everything = [k for k, rows in enumerate(stories) if rows.size]
    profiles: dict[int, _EventProfile] = {}
    for g, group in enumerate(groups):
        compared = (
            everything if candidates is None else [k for k in candidates[g] if stories[k].size]
        )
        if not compared:
            assigned.append((None, group))
            continue
        everyone = np.concatenate([stories[k] for k in compared])
        bounds = np.cumsum([0] + [stories[k].size for k in compared])
        linked = _block_scores(f, group, everyone, params, "story")
        sums = np.add.reduceat(linked.sum(axis=0, dtype=np.float64), bounds[:-1])
        averages = sums / (group.size * np.diff(bounds))
        best = int(np.argmax(averages))
        target = compared[best] if averages[best] >= params.threshold else None
        if target is None and params.event_entity > 0:
            target = _event_target(f, group, stories, compared, profiles, params)
        assigned.append((target, group))
    return assigned


def _assign_at_scale(
    index: StoryIndex, f: _Features, new: np.ndarray, params: ClusterParams
) -> list[tuple[int | None, np.ndarray]]:
    """:func:`_assign` at the story level with an index: exact on each side
    that stays within ``exact_limit``, from candidates on a side above it."""
    stories = [np.asarray(rows, dtype=np.intp) for rows in index._story_rows]
    small_new = new.size <= params.exact_limit
    small_known = index._members <= params.exact_limit
    if small_new and small_known:
        return _assign(f, new, stories, params, "story", _block_scores, _quick_groups)
    near, other = index._neighbours(new, params.neighbours)
    duplicate = np.array(sorted(f.duplicates), dtype=np.int64).reshape(-1, 2)
    near = np.concatenate([near, duplicate[:, 0], duplicate[:, 1]])
    other = np.concatenate([other, duplicate[:, 1], duplicate[:, 0]])
    is_new = np.zeros(len(index), dtype=bool)
    is_new[new] = True
    keep = is_new[near]
    near, other = near[keep], other[keep]
    if small_new:
        groups = _exact_groups(f, new, params)
    else:
        both = is_new[other]
        a = np.searchsorted(new, near[both])
        b = np.searchsorted(new, other[both])
        codes = np.unique(np.minimum(a, b).astype(np.int64) * new.size + np.maximum(a, b))
        groups = _group_new_sparse(f, new, (codes // new.size, codes % new.size), params)
    if params.event_entity > 0 and len(groups) <= EVENT_MERGE_LIMIT:
        groups = merge_events(f, groups, params)
    if small_known:
        return _join_known(f, groups, stories, None, params)
    story_of = index._story_of.data
    group_of = np.empty(len(index), dtype=np.int64)
    for g, group in enumerate(groups):
        group_of[group] = g
    known = story_of[other] >= 0
    codes = np.unique(group_of[near[known]] * len(stories) + story_of[other[known]])
    candidates: list[list[int]] = [[] for _ in groups]
    for g, k in zip((codes // len(stories)).tolist(), (codes % len(stories)).tolist(), strict=True):
        candidates[g].append(k)
    return _join_known(f, groups, stories, candidates, params)


def _check_embeddings(items: Sequence[StoryInput], embeddings: np.ndarray) -> None:
    embeddings = np.asarray(embeddings)
    if embeddings.ndim != 2 or embeddings.shape[0] != len(items):
        raise ValueError(
            f"embeddings has shape {embeddings.shape}, expected one row per item "
            f"({len(items)} rows): pass embed([item.headline for item in items])."
        )
