"""Text reuse: which passages two articles share word for word, or nearly so.

Newsrooms copy. A wire story is run by dozens of outlets, each with a new
intro, a trimmed ending, a number updated or a word swapped. Five outlets
re-running one wire story are one source, not five, so the provenance graph
needs to know who copies whom. This module finds that copying; it does not
find paraphrase (the same claim in other words): that is claim alignment.

How a pair of articles is compared (:func:`shared_passages`)
------------------------------------------------------------
1. **Sentences and words.** Both texts are split into sentences (a regex, or
   spans the caller already has from spaCy) and into words with their
   character offsets. Words are compared normalised: lower case, curly
   apostrophes made straight, punctuation ignored.
2. **Candidate sentence pairs** share at least a few word bigrams. This is an
   exact, cheap filter: near-verbatim sentences share most of their bigrams,
   unrelated ones few.
3. **Alignment.** Each candidate pair is aligned word by word with
   ``rapidfuzz.distance.Indel.opcodes`` (longest common subsequence). Runs of
   equal words are joined across small gaps (a changed number, a synonym, a
   dropped adjective), unmatched ends are trimmed, so a sentence copied into
   a longer one ("..., the report said") still aligns. A joined run is kept
   when its similarity (``rapidfuzz.fuzz.ratio`` on the normalised words) is
   at least ``ReuseParams.near_verbatim``; otherwise its verbatim pieces are.
   Working per sentence, not per article, keeps reordered paragraphs findable
   (one monotone alignment of whole articles would lose every moved part).
4. **Passages.** Aligned runs are chosen greedily, longest first, so that no
   word is used twice; runs that follow each other in *both* texts (the next
   sentence copied too) are merged into one passage. A passage must have
   ``ReuseParams.min_passage_words`` words outside quotation marks: independent
   reports quote the same speaker with the same words, and that is not one
   copying the other.

Across a story (:func:`reuse_edges`)
------------------------------------
Aligning every pair of a 1,000-article story would be half a million
alignments. Instead every sentence gets a MinHash signature (datasketch) of
its word bigrams, and a MinHash LSH index returns the pairs of articles with
at least one pair of similar sentences; only those are aligned. A pair whose
:func:`reuse_score` reaches ``ReuseParams.min_edge_score`` becomes a
:class:`~stemma.model.ReuseEdge`, directed by publication time when both are
known and differ, else by attribution (one article names the other's outlet
as its source), else left undirected.

Example::

    >>> a = "The ministry said on Monday that 42 people died in the floods in the north."
    >>> b = "Officials said on Monday that 43 people died in the floods in the north."
    >>> [(a[p.a_start:p.a_end], p.similarity) for p in shared_passages(a, b)]
    [('said on Monday that 42 people died in the floods in the north', 0.9836)]
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from itertools import pairwise

from datasketch import MinHash, MinHashLSH
from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from stemma.model import Passage, ReuseEdge
from stemma.settings import DEFAULT, ReuseParams

__all__ = [
    "candidate_pairs",
    "reuse_edges",
    "reuse_score",
    "shared_passages",
    "split_sentences",
]

# Thresholds are ``ReuseParams`` in ``stemma.settings``, each with why.

Span = tuple[int, int]

# A word: letters/digits, with inner apostrophes, dots and commas kept so that
# "4,000", "2.5" and "Russia's" are one word each.
_WORD = re.compile(r"\w+(?:[.,'’]\w+)*")
# Sentence ends: ., ! or ? (plus closing quotes/brackets) then space and a
# capital, digit or opening quote; or a line break. Abbreviations ("Mr.") split
# too early, which is harmless: passages merge across sentence boundaries.
_SENTENCE_END = re.compile(r"""[.!?]+["'”’)\]]*\s+(?=["“‘'(\[]?[A-Z0-9])|\s*\n\s*""")
# Quotations: curly pairs, straight pairs within a paragraph, the ``"...''``
# style of tokenised corpora such as ECB+, and an opening mark left open at
# the end of a paragraph when the next one opens a quote again (the news
# convention for a quote that runs on). A "quote" longer than QUOTE_MAX_CHARS
# is taken for a stray or unpaired mark (inches, a typo): pairing it with the
# next quote would flip quoted and unquoted text for the rest of the article.
# For the same reason a straight mark closes only before a non-word character
# and opens only after one.
QUOTE_MAX_CHARS = 600
_QUOTED = re.compile(
    rf"""(?:“|(?<!\w)")[^“”"\n]{{0,{QUOTE_MAX_CHARS}}}?(?:”|"(?!\w)|''|\n(?=\s*[“"]))"""
)


def split_sentences(text: str) -> list[Span]:
    """Character spans of the sentences of ``text`` (a simple regex splitter).

    Leading and trailing whitespace is left out of every span; empty pieces
    are dropped.
    """
    spans: list[Span] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.start() + len(m.group().rstrip())  # keep the full stop and quote
        spans.append((start, end))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        piece = text[s:e]
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece) - len(piece.rstrip())
        if e - trail > s + lead:
            out.append((s + lead, e - trail))
    return out


@dataclass(frozen=True, slots=True)
class _Prepared:
    """One text as words: normalised, with offsets, quote flags, sentences."""

    words: tuple[str, ...]
    spans: tuple[Span, ...]  # character offsets of each word
    quoted: tuple[bool, ...]  # word lies inside quotation marks
    sentences: tuple[Span, ...]  # word-index ranges [start, end)


def _normalise(word: str) -> str:
    return word.lower().replace("’", "'")


def _prepare(text: str, sentences: Sequence[Span] | None = None) -> _Prepared:
    matches = list(_WORD.finditer(text))
    words = tuple(_normalise(m.group()) for m in matches)
    spans = tuple(m.span() for m in matches)
    quote_spans = [m.span() for m in _QUOTED.finditer(text)]
    quoted = []
    qi = 0
    for s, _ in spans:
        while qi < len(quote_spans) and quote_spans[qi][1] <= s:
            qi += 1
        quoted.append(qi < len(quote_spans) and quote_spans[qi][0] <= s)
    # Map sentence character spans to word-index ranges.
    sent_chars = sorted(sentences) if sentences is not None else split_sentences(text)
    ranges: list[Span] = []
    wi = 0
    for s, e in sent_chars:
        while wi < len(spans) and spans[wi][0] < s:
            wi += 1
        first = wi
        while wi < len(spans) and spans[wi][1] <= e:
            wi += 1
        if wi > first:
            ranges.append((first, wi))
    return _Prepared(words, spans, tuple(quoted), tuple(ranges))


def _bigrams(words: Sequence[str]) -> set[tuple[str, str]]:
    return set(pairwise(words))


def _similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """1.0 when the word sequences are equal, else rapidfuzz's ratio / 100."""
    if list(a) == list(b):
        return 1.0
    return fuzz.ratio(" ".join(a), " ".join(b)) / 100.0


@dataclass(frozen=True, slots=True)
class _Run:
    """An aligned run: word ranges [a0, a1) and [b0, b1) of the two texts."""

    a0: int
    a1: int
    b0: int
    b1: int
    similarity: float

    @property
    def size(self) -> int:
        return min(self.a1 - self.a0, self.b1 - self.b0)


def _align(pa: _Prepared, sa: Span, pb: _Prepared, sb: Span, params: ReuseParams) -> list[_Run]:
    """Near-verbatim runs of one sentence pair (word ranges in the texts)."""
    wa, wb = pa.words[sa[0] : sa[1]], pb.words[sb[0] : sb[1]]
    blocks = [
        (op.src_start, op.src_end, op.dest_start, op.dest_end)
        for op in Indel.opcodes(wa, wb)
        if op.tag == "equal"
    ]
    # Join equal blocks across small gaps into chains.
    chains: list[list[tuple[int, int, int, int]]] = []
    for blk in blocks:
        if chains:
            last = chains[-1][-1]
            gap_a, gap_b = blk[0] - last[1], blk[2] - last[3]
            if gap_a <= params.max_gap_words and gap_b <= params.max_gap_words:
                chains[-1].append(blk)
                continue
        chains.append([blk])
    runs: list[_Run] = []
    for chain in chains:
        # A lone matching word at either end ("the", "that") across a gap is
        # chance, not copying: a run starts and ends on two equal words.
        while len(chain) > 1 and chain[0][1] - chain[0][0] < 2:
            chain = chain[1:]
        while len(chain) > 1 and chain[-1][1] - chain[-1][0] < 2:
            chain = chain[:-1]
        a0, a1, b0, b1 = chain[0][0], chain[-1][1], chain[0][2], chain[-1][3]
        sim = _similarity(wa[a0:a1], wb[b0:b1])
        pieces = [(a0, a1, b0, b1, sim)]
        if sim < params.near_verbatim:
            # Too loose as a whole: keep its verbatim blocks instead.
            pieces = [(x0, x1, y0, y1, 1.0) for x0, x1, y0, y1 in chain]
        for x0, x1, y0, y1, s in pieces:
            if min(x1 - x0, y1 - y0) >= params.min_run_words:
                runs.append(_Run(sa[0] + x0, sa[0] + x1, sb[0] + y0, sb[0] + y1, s))
    return runs


def _candidate_sentence_pairs(pa: _Prepared, pb: _Prepared, params: ReuseParams) -> list[Span]:
    index: dict[tuple[str, str], list[int]] = defaultdict(list)
    for j, (s, e) in enumerate(pb.sentences):
        for bg in _bigrams(pb.words[s:e]):
            index[bg].append(j)
    pairs: list[Span] = []
    for i, (s, e) in enumerate(pa.sentences):
        counts: dict[int, int] = defaultdict(int)
        for bg in _bigrams(pa.words[s:e]):
            for j in index.get(bg, ()):
                counts[j] += 1
        pairs.extend((i, j) for j, n in counts.items() if n >= params.min_shared_bigrams)
    return pairs


def _passages(pa: _Prepared, pb: _Prepared, params: ReuseParams) -> list[_Run]:
    runs: list[_Run] = []
    for i, j in _candidate_sentence_pairs(pa, pb, params):
        runs.extend(_align(pa, pa.sentences[i], pb, pb.sentences[j], params))
    # Greedy: longest and most similar runs first, no word used twice.
    runs.sort(key=lambda r: (-r.size, -r.similarity, r.a0, r.b0))
    used_a = [False] * len(pa.words)
    used_b = [False] * len(pb.words)
    chosen: list[_Run] = []
    for r in runs:
        if any(used_a[r.a0 : r.a1]) or any(used_b[r.b0 : r.b1]):
            continue
        chosen.append(r)
        used_a[r.a0 : r.a1] = [True] * (r.a1 - r.a0)
        used_b[r.b0 : r.b1] = [True] * (r.b1 - r.b0)
    # Merge runs that follow each other in both texts (the next sentence copied too).
    chosen.sort(key=lambda r: (r.a0, r.b0))
    merged: list[_Run] = []
    for r in chosen:
        if merged:
            m = merged[-1]
            gap_a, gap_b = r.a0 - m.a1, r.b0 - m.b1
            if 0 <= gap_a <= params.max_gap_words and 0 <= gap_b <= params.max_gap_words:
                sim = _similarity(pa.words[m.a0 : r.a1], pb.words[m.b0 : r.b1])
                merged[-1] = _Run(m.a0, r.a1, m.b0, r.b1, sim)
                continue
        merged.append(r)
    kept = []
    for r in merged:
        if r.size < params.min_passage_words or r.similarity < params.near_verbatim:
            continue
        if not params.count_quoted_words:
            own_a = r.a1 - r.a0 - sum(pa.quoted[r.a0 : r.a1])
            own_b = r.b1 - r.b0 - sum(pb.quoted[r.b0 : r.b1])
            if min(own_a, own_b) < params.min_passage_words:
                continue
        kept.append(r)
    return kept


def _to_passage(pa: _Prepared, pb: _Prepared, r: _Run) -> Passage:
    return Passage(
        a_start=pa.spans[r.a0][0],
        a_end=pa.spans[r.a1 - 1][1],
        b_start=pb.spans[r.b0][0],
        b_end=pb.spans[r.b1 - 1][1],
        similarity=round(r.similarity, 4),
    )


def shared_passages(
    a: str,
    b: str,
    *,
    params: ReuseParams = DEFAULT.reuse,
    sentences_a: Sequence[Span] | None = None,
    sentences_b: Sequence[Span] | None = None,
) -> list[Passage]:
    """Verbatim and near-verbatim passages of ``a`` found in ``b``.

    Offsets are character offsets into ``a`` and ``b`` (from the first word's
    start to the last word's end); ``similarity`` is 1.0 when the passages
    have the same words in the same order (case, punctuation and quote style
    aside). Passages come in the order of ``a``. ``sentences_a``/``sentences_b``
    are sentence character spans when the caller has them (e.g. from spaCy);
    otherwise a regex splits the texts.
    """
    pa, pb = _prepare(a, sentences_a), _prepare(b, sentences_b)
    return [_to_passage(pa, pb, r) for r in _passages(pa, pb, params)]


def _covered_words(text: str, spans: Sequence[Span]) -> tuple[int, int]:
    """(words of ``text`` inside ``spans``, all words of ``text``)."""
    starts = [m.start() for m in _WORD.finditer(text)]
    covered = sum(1 for s in starts if any(lo <= s < hi for lo, hi in spans))
    return covered, len(starts)


def reuse_score(a: str, b: str, passages: Sequence[Passage]) -> float:
    """Share of the shorter text's words (0..1) that lie in shared passages."""
    cov_a, n_a = _covered_words(a, [(p.a_start, p.a_end) for p in passages])
    cov_b, n_b = _covered_words(b, [(p.b_start, p.b_end) for p in passages])
    covered, total = (cov_a, n_a) if n_a <= n_b else (cov_b, n_b)
    return covered / total if total else 0.0


def _minhashes(prepared: _Prepared, params: ReuseParams) -> list[tuple[int, MinHash]]:
    sets = []
    for i, (s, e) in enumerate(prepared.sentences):
        grams = _bigrams(prepared.words[s:e])
        if len(grams) >= params.min_shared_bigrams:
            sets.append((i, [f"{x} {y}".encode() for x, y in grams]))
    hashes = MinHash.bulk(
        [g for _, g in sets], num_perm=params.num_perm, seed=params.seed, scheme="affine32"
    )
    return [(i, h) for (i, _), h in zip(sets, hashes, strict=True)]


@cache
def _lsh_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """datasketch's (bands, rows) for a threshold: found by numerical
    integration (~40 ms), so worked out once rather than per story."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


def _candidate_pairs(
    prepared: Mapping[str, _Prepared], params: ReuseParams
) -> set[tuple[str, str]]:
    lsh = MinHashLSH(
        num_perm=params.num_perm, params=_lsh_bands(params.lsh_threshold, params.num_perm)
    )
    signatures: dict[str, list[tuple[int, MinHash]]] = {}
    for doc_id in sorted(prepared):
        signatures[doc_id] = _minhashes(prepared[doc_id], params)
        for i, h in signatures[doc_id]:
            lsh.insert((doc_id, i), h)
    pairs: set[tuple[str, str]] = set()
    for doc_id, sigs in signatures.items():
        for _, h in sigs:
            for other, _j in lsh.query(h):
                if other != doc_id:
                    pairs.add((min(doc_id, other), max(doc_id, other)))
    return pairs


def candidate_pairs(
    texts: Mapping[str, str],
    *,
    params: ReuseParams = DEFAULT.reuse,
    sentences: Mapping[str, Sequence[Span]] | None = None,
) -> set[tuple[str, str]]:
    """Pairs of ids (in id order) with at least one pair of similar sentences.

    MinHash LSH over the word bigrams of every sentence: roughly linear in the
    number of sentences, where aligning every pair would be quadratic.
    """
    prepared = {k: _prepare(t, (sentences or {}).get(k)) for k, t in texts.items()}
    return _candidate_pairs(prepared, params)


def _parse_time(value: str | None) -> datetime | date | None:
    if not value:
        return None
    try:
        if "T" not in value and " " not in value.strip():
            return date.fromisoformat(value.strip()[:10])
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def _earlier(x: str | None, y: str | None) -> int | None:
    """-1 if x is earlier, 1 if y is, None when unknown or not told apart.

    When either value is a bare date, or one has a time zone and the other
    not, only the days are compared: "2024-05-01" and "2024-05-01T09:00" are
    the same as far as we can tell.
    """
    tx, ty = _parse_time(x), _parse_time(y)
    if tx is None or ty is None:
        return None
    if (
        not isinstance(tx, datetime)
        or not isinstance(ty, datetime)
        or (tx.tzinfo is None) != (ty.tzinfo is None)
    ):
        dx = tx.date() if isinstance(tx, datetime) else tx
        dy = ty.date() if isinstance(ty, datetime) else ty
        return None if dx == dy else (-1 if dx < dy else 1)
    return None if tx == ty else (-1 if tx < ty else 1)


def _flip(p: Passage) -> Passage:
    return Passage(p.b_start, p.b_end, p.a_start, p.a_end, p.similarity)


def reuse_edges(
    texts: Mapping[str, str],
    *,
    published: Mapping[str, str | None] | None = None,
    cites: Mapping[str, set[str]] | None = None,
    sentences: Mapping[str, Sequence[Span]] | None = None,
    params: ReuseParams = DEFAULT.reuse,
) -> list[ReuseEdge]:
    """Reuse edges between the articles of a story, sorted by (a, b).

    ``texts`` maps article id to cleaned text. ``published`` maps article id to
    an ISO 8601 date or datetime (or None). ``cites`` maps an article id to the
    ids of the articles whose outlets it names as its source: ``"x" in
    cites["y"]`` means y attributes to x's outlet, so x is the original.
    ``sentences`` optionally gives each article's sentence character spans.

    Direction: earlier → later when both times are known and differ
    (``direction="published"``); else the attributed article → the one
    attributing (``"attribution"``, only when exactly one of the two cites the
    other); else ``None``, with ``a``/``b`` in id order. Passage offsets
    always follow the edge's ``a`` and ``b``.
    """
    prepared = {k: _prepare(t, (sentences or {}).get(k)) for k, t in texts.items()}
    edges = []
    for x, y in sorted(_candidate_pairs(prepared, params)):
        runs = _passages(prepared[x], prepared[y], params)
        if not runs:
            continue
        passages = [_to_passage(prepared[x], prepared[y], r) for r in runs]
        score = reuse_score(texts[x], texts[y], passages)
        if score < params.min_edge_score:
            continue
        a, b, direction = _direction(x, y, published or {}, cites or {})
        if a != x:
            passages = sorted((_flip(p) for p in passages), key=lambda p: p.a_start)
        edges.append(ReuseEdge(a, b, round(score, 4), tuple(passages), direction))
    return edges


def _direction(
    x: str, y: str, published: Mapping[str, str | None], cites: Mapping[str, set[str]]
) -> tuple[str, str, str | None]:
    order = _earlier(published.get(x), published.get(y))
    if order is not None:
        return (x, y, "published") if order < 0 else (y, x, "published")
    y_cites_x = x in cites.get(y, ())
    x_cites_y = y in cites.get(x, ())
    if y_cites_x != x_cites_y:
        return (x, y, "attribution") if y_cites_x else (y, x, "attribution")
    return (x, y, None)
