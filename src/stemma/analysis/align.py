"""Claim groups: the same assertion made by several articles of a story.

Within one story, :func:`align_claims` turns every article's sentences into
claim units (:mod:`stemma.analysis.units`) and groups the units that state
the same thing into :class:`~stemma.model.ClaimGroup` objects, each with its
mentions, a representative wording, a kind and the discrepancies its mentions
disagree on (:mod:`stemma.analysis.discrepancies`). Roots, attribution and
grades are left to :mod:`stemma.analysis.roots` and :mod:`stemma.analysis.grade`.

1. **Similarity.** MiniLM cosine of the unit texts, plus small bonuses when
   two units share entities, a quantity or a date (:func:`score_matrix`; one
   pair: :func:`pair_score`). Two quotes of the same speaker whose quoted
   words nearly match are aligned whatever their framing; two quotes of
   different speakers in different words never are (a quote is its
   speaker's claim).
2. **Grouping.** Average-linkage agglomerative clustering over that score,
   stopping at ``ClaimParams.join_threshold``, with a cannot-link between
   units of the same article (an article states a claim once; two of its
   sentences are two claims), between two named sources' far-apart counts
   of one thing, and between units whose days are more than
   ``DATE_SPREAD_DAYS`` apart (two events, not one told two ways). Opinion
   units take no part in it: afterwards each one joins the group whose best
   non-commentary member is similar enough, or groups with other opinions
   only. So speculation never bridges two reported mentions, and an opinion
   never makes a reported claim look corroborated.
3. **Anchors.** News re-tells a figure or a quote inside sentences that say
   other things too, so sentence vectors differ more than the fact does. A
   group of several articles also takes, from each other article, the
   sentence that measures the same thing with a close value ("rose 26 feet" /
   "a 22 foot rise": the discrepancy is then flagged) or re-quotes a
   member's speaker (:func:`_attach_by_anchor`). That sentence keeps its own
   group too: one sentence may carry two claims, and sits in two groups at
   most.

Example::

    >>> from stemma.ingest import load
    >>> from stemma.annotate import annotate
    >>> articles = [a for a in load(["examples/fsb-china-leak"]) if isinstance(a, Article)]
    >>> groups = align_claims("story", articles, list(annotate(articles)))
    >>> max(len(g.articles) for g in groups)  # "the FSB calls China the enemy"
    5
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

import numpy as np
from rapidfuzz import fuzz

from stemma.analysis.discrepancies import discrepancies_of
from stemma.analysis.kinds import classify
from stemma.analysis.pairs import same_claim
from stemma.analysis.units import (
    MEASURE_NAMES,
    PEOPLE_MEASURES,
    Quantity,
    Unit,
    entity_key,
    measured_figures,
    people_counts,
    quote_similarity,
    same_speaker,
    story_units,
)
from stemma.model import Annotation, Article, ClaimGroup, Discrepancy, Kind
from stemma.settings import CONFIRM_AGREEMENT, DEFAULT, ClaimParams

__all__ = ["align_claims", "entity_weights", "pair_score", "score_matrix"]

#: Two units of the same article are never one claim: this similarity keeps
#: them apart in the clustering.
CANNOT_LINK = -np.inf


def pair_score(
    a: Unit,
    b: Unit,
    cosine: float,
    params: ClaimParams = DEFAULT.claims,
    entity_weights: Mapping[str, float] | None = None,
) -> float:
    """How much ``a`` and ``b`` look like one claim: cosine plus agreement bonuses.

    The one-pair case of :func:`score_matrix` (for evaluation and tests): the
    same rules, without the cannot-link. ``entity_weights`` (entity key →
    0..1) discounts names the whole story shares: in a story about Russia and
    China, "Russia" says nothing about which claim a sentence makes. Keys not
    in it weigh 1.
    """
    cosines = np.array([[1.0, cosine], [cosine, 1.0]])
    scores = _scores([a, b], cosines, lambda i, j: cosine, params, entity_weights or {})
    return float(scores[0, 1])


def entity_weights(units: Sequence[Unit]) -> dict[str, float]:
    """Inverse article frequency of each entity key within a story, 0..1.

    A name every article uses weighs 0; a name only one article uses weighs 1.
    """
    articles: dict[str, set[str]] = {}
    for u in units:
        for k in u.entity_keys:
            articles.setdefault(k, set()).add(u.article)
    n = len({u.article for u in units})
    if n <= 1:
        return {k: 1.0 for k in articles}
    return {k: float(np.log(n / len(arts)) / np.log(n)) for k, arts in articles.items()}


def score_matrix(
    units: Sequence[Unit], embeddings: np.ndarray, params: ClaimParams = DEFAULT.claims
) -> np.ndarray:
    """Pairwise scores of ``units`` (rows of ``embeddings``, L2-normalised):
    MiniLM cosine plus agreement bonuses (:func:`pair_score` of every pair).

    Units of the same article get :data:`CANNOT_LINK`; the diagonal too.
    Entity agreement is weighted by :func:`entity_weights` of these units.
    """
    if len(units) == 0:
        return np.zeros((0, 0), dtype=np.float64)
    if params.learned_pairs:
        scores = _quote_rules(units, same_claim(units, embeddings), lambda i, j: 1.0, params)
        return cannot_link_articles(units, scores)
    scores = _scores(
        units,
        embeddings @ embeddings.T,
        lambda i, j: float(embeddings[i] @ embeddings[j]),
        params,
        entity_weights(units) if params.entity_weight else {},
    )
    return cannot_link_articles(units, scores)


def cannot_link_articles(units: Sequence[Unit], scores: np.ndarray) -> np.ndarray:
    """``scores`` with every pair of one article's units (and the diagonal)
    set to :data:`CANNOT_LINK` (in place; returned)."""
    codes = {a: k for k, a in enumerate(dict.fromkeys(u.article for u in units))}
    article = np.array([codes[u.article] for u in units])
    scores[article[:, None] == article[None, :]] = CANNOT_LINK
    return scores


def _scores(
    units: Sequence[Unit],
    cosines: np.ndarray,
    cosine: Callable[[int, int], float],
    params: ClaimParams,
    weights: Mapping[str, float],
) -> np.ndarray:
    """Cosines plus bonuses for shared entities, quantities and dates; a
    same-speaker quote pair scores at least ``quote_join_score`` whatever its
    framing. Computed sparsely (bonuses only where both units have numbers,
    dates, entities or quotes), so a story of a thousand units costs
    milliseconds."""
    scores = cosines.astype(np.float64)

    def pairs(has: Callable[[Unit], object]) -> Iterable[tuple[int, int]]:
        idx = [i for i, u in enumerate(units) if has(u)]
        for x, i in enumerate(idx):
            for j in idx[x + 1 :]:
                yield i, j

    def bump(i: int, j: int, value: float) -> None:
        scores[i, j] += value
        scores[j, i] += value

    if params.entity_weight:
        for i, j in pairs(lambda u: u.entities):
            ka, kb = units[i].entity_keys, units[j].entity_keys
            union = sum(weights.get(k, 1.0) for k in ka | kb)
            if union > 0:
                shared = sum(weights.get(k, 1.0) for k in ka & kb)
                bump(i, j, params.entity_weight * shared / union)
    if params.number_weight:
        scores += params.number_weight * _share_any(
            [{(q.value, q.unit) for q in u.quantities if q.unit} for u in units]
        )
    if params.date_weight:
        scores += params.date_weight * _share_any([set(u.dates) for u in units])
    return _quote_rules(units, scores, cosine, params)


def _quote_rules(
    units: Sequence[Unit],
    scores: np.ndarray,
    cosine: Callable[[int, int], float],
    params: ClaimParams,
) -> np.ndarray:
    """A same-speaker quote pair in the same words scores at least
    ``quote_join_score``; two speakers' different words never join (in place)."""
    quoted = [i for i, u in enumerate(units) if u.quote]
    for i, j in ((i, j) for x, i in enumerate(quoted) for j in quoted[x + 1 :]):
        a, b = units[i], units[j]
        similarity = quote_similarity(a.quote or "", b.quote or "")
        same_words = similarity >= params.quote_match
        if same_words and _one_speaker(a, b, params.name_variant_ratio):
            # Closer words rank higher, so that the exact re-quote wins a tie
            # over a partial one when both could join.
            joined = max(params.quote_join_score, cosine(i, j)) - 0.01 * (1.0 - similarity)
            scores[i, j] = scores[j, i] = joined
        elif not same_words and _other_speakers(a, b, params.name_variant_ratio):
            # A quote is its speaker's claim: two people's different words are
            # two claims, however alike ("the banking system is safe").
            scores[i, j] = scores[j, i] = CANNOT_LINK
    return scores


#: Speakers that name nobody until resolved.
_PRONOUNS = frozenset({"he", "she", "they", "it", "i", "we", "you"})


def _figure_rules(
    units: Sequence[Unit],
    scores: np.ndarray,
    counts: Sequence[Sequence[Quantity]],
    params: ClaimParams,
) -> np.ndarray:
    """Two named sources' counts of one measure that are far apart (not
    :func:`_close`, not inside each other's range) are two claims: the Red
    Crescent's 11,300 dead and the WHO's 3,958 confirmed deaths count
    different things, or at different times, and neither corroborates the
    other. Close counts from two sources ("14" / "19" dead) stay one claim
    that disagrees; one source's counts are never kept apart (in place)."""
    sourced = [
        i
        for i, u in enumerate(units)
        if counts[i] and u.source and u.source.lower() not in _PRONOUNS
    ]
    for x, i in enumerate(sourced):
        for j in sourced[x + 1 :]:
            a, b = units[i], units[j]
            if same_speaker(a.source, b.source, ratio=params.name_variant_ratio):
                continue
            if _far_apart(counts[i], counts[j]):
                scores[i, j] = scores[j, i] = CANNOT_LINK
    return scores


#: Days apart beyond which two units' dates are two events, not one event
#: told with a discrepancy: outlets differ by a day (time zones, the day it
#: was reported), rarely by more. eval/events.py chose 3 from {2, 3} on the
#: dev and own events (2 split a sentence dated by its other event: "accused
#: China on Thursday …" and the trip "scheduled for Sunday").
DATE_SPREAD_DAYS = 3


def _date_rules(units: Sequence[Unit], scores: np.ndarray) -> np.ndarray:
    """Two units whose days are all far apart (more than
    :data:`DATE_SPREAD_DAYS`) are two claims: Brockman quit on Friday and
    OpenAI agreed on Tuesday to take Altman back are two events of one story,
    however alike their words (in place)."""
    # A story's units tell few distinct days: compare those, not every pair of
    # units (a large story has thousands of dated units).
    holders: dict[tuple[int, ...], list[int]] = {}
    for i, u in enumerate(units):
        if days := _days(u):
            holders.setdefault(days, []).append(i)
    sets = list(holders)
    for x, a in enumerate(sets):
        for b in sets[x + 1 :]:
            if all(abs(p - q) > DATE_SPREAD_DAYS for p in a for q in b):
                rows, cols = holders[a], holders[b]
                scores[np.ix_(rows, cols)] = CANNOT_LINK
                scores[np.ix_(cols, rows)] = CANNOT_LINK
    return scores


def _days(u: Unit) -> tuple[int, ...]:
    """The unit's dates given to the day, as sorted day numbers."""
    out = set()
    for iso in u.dates:
        try:
            out.add(date.fromisoformat(iso[:10]).toordinal())
        except ValueError:
            continue  # a year or a month alone
    return tuple(sorted(out))


def _far_apart(ours: Sequence[Quantity], theirs: Sequence[Quantity]) -> bool:
    """Whether the two units count one measure and no pair of those counts could
    be one figure told differently."""
    for measure in {q.unit for q in ours} & {q.unit for q in theirs}:
        pairs = [(p, q) for p in ours if p.unit == measure for q in theirs if q.unit == measure]
        if not any(_close(p.value, q.value) or _within(p, q) or _within(q, p) for p, q in pairs):
            return True
    return False


def _other_speakers(a: Unit, b: Unit, ratio: int) -> bool:
    """Both quotes have a known speaker (the sentence's resolved source, else
    the speaker as written) and they are not the same one."""
    sa, sb = (u.source or u.speaker for u in (a, b))
    if not sa or not sb or sa.lower() in _PRONOUNS or sb.lower() in _PRONOUNS:
        return False
    return not same_speaker(sa, sb, ratio=ratio)


def _share_any(keys: Sequence[set[Any]]) -> np.ndarray:
    """Boolean matrix: do units i and j share at least one key?"""
    n = len(keys)
    holders: dict[Any, list[int]] = {}
    for i, ks in enumerate(keys):
        for k in ks:
            holders.setdefault(k, []).append(i)
    shared = np.zeros((n, n), dtype=bool)
    for idx in holders.values():
        if len(idx) > 1:
            shared[np.ix_(idx, idx)] = True
    np.fill_diagonal(shared, False)
    return shared


def _agglomerate(scores: np.ndarray, members: list[int], threshold: float) -> list[list[int]]:
    """Average-linkage clustering of ``members`` over a similarity matrix.

    Merges the most similar pair of clusters while their average similarity is
    at least ``threshold``. A -inf pair (cannot-link) makes every average that
    contains it -inf, so two units of one article never end up together.
    Each row's best partner is cached, so a merge costs O(n), not O(n²).
    """
    n = len(members)
    if n == 0:
        return []
    sim = scores[np.ix_(members, members)].astype(np.float64)
    np.fill_diagonal(sim, -np.inf)
    sizes = np.ones(n)
    alive = np.ones(n, dtype=bool)
    clusters: list[list[int]] = [[m] for m in members]
    best_idx = np.argmax(sim, axis=1)
    best_val = sim[np.arange(n), best_idx]
    while True:
        i = int(np.argmax(best_val))
        j = int(best_idx[i])
        if not np.isfinite(best_val[i]) or best_val[i] < threshold:
            break
        if j < i:
            i, j = j, i
        # Lance–Williams update for average linkage; -inf stays -inf.
        with np.errstate(invalid="ignore"):
            row = (sizes[i] * sim[i] + sizes[j] * sim[j]) / (sizes[i] + sizes[j])
        row[np.isneginf(sim[i]) | np.isneginf(sim[j]) | ~alive] = -np.inf
        row[i] = row[j] = -np.inf
        sim[i, :] = row
        sim[:, i] = row
        sim[j, :] = -np.inf
        sim[:, j] = -np.inf
        sizes[i] += sizes[j]
        alive[j] = False
        best_val[j] = -np.inf
        clusters[i].extend(clusters[j])
        # Rows whose best partner was i or j: recompute; others may now prefer i.
        stale = alive & ((best_idx == i) | (best_idx == j))
        stale[i] = True
        for r in np.flatnonzero(stale):
            best_idx[r] = int(np.argmax(sim[r]))
            best_val[r] = sim[r, best_idx[r]]
        better = alive & ~stale & (row > best_val)
        best_idx[better] = i
        best_val[better] = row[better]
    return [sorted(c) for k, c in enumerate(clusters) if alive[k]]


def _join_opinions(
    units: Sequence[Unit],
    scores: np.ndarray,
    clusters: list[list[int]],
    opinions: Sequence[int],
    threshold: float,
) -> list[int]:
    """Each opinion joins the cluster (of reported units only) it is on average
    most similar to, at least ``threshold``, one per article and cluster
    (appended in place); the ones that join none come back.

    The averages of all clusters are one ``reduceat`` over the opinion's row,
    clusters laid end to end: a story of thousands of units and clusters
    costs milliseconds, not an average per cluster per opinion."""
    if not clusters:
        return list(opinions)
    order = np.concatenate([np.asarray(c, dtype=np.intp) for c in clusters])
    sizes = np.array([len(c) for c in clusters], dtype=np.float64)
    starts = np.concatenate([[0], np.cumsum(sizes[:-1])]).astype(np.intp)
    taken: dict[str, list[int]] = {}  # article -> clusters an opinion of it joined
    leftover: list[int] = []
    for o in opinions:
        # -inf (a cannot-link: the same article) keeps its cluster's average -inf.
        means = np.add.reduceat(scores[o, order], starts) / sizes
        article = units[o].article
        means[taken.get(article, [])] = -np.inf
        fit = np.flatnonzero(means >= threshold)
        if len(fit) == 0:
            leftover.append(o)
            continue
        # The best average; of equal ones, the last cluster.
        best = int(fit[means[fit] == means[fit].max()][-1])
        clusters[best].append(o)
        taken.setdefault(article, []).append(best)
    return leftover


def align_claims(
    story: str,
    articles: Sequence[Article],
    annotations: Sequence[Annotation],
    *,
    embeddings: np.ndarray | None = None,
    params: ClaimParams = DEFAULT.claims,
    encode: Callable[[Sequence[str]], np.ndarray] | None = None,
    made: Mapping[str, Sequence[Unit]] | None = None,
) -> list[ClaimGroup]:
    """Group the claims the ``articles`` of one story make.

    ``annotations`` are matched to articles by id. ``embeddings``, when given,
    are the L2-normalised rows of the units' texts in the order of
    :func:`story_units` (articles in input order, units in text order); else
    they are computed with ``encode`` (default :func:`stemma.stories.embed.embed`,
    reading ``params.max_tokens`` word pieces), except for a one-article
    story, where nothing can align and nothing is embedded.
    ``made`` maps article ids to claim units made already (see
    :func:`~stemma.analysis.units.story_units`). Groups come back ordered by
    their first mention; every unit is in one group (single-article claims
    included), and a sentence anchored to a second group in that one too.
    """
    units = story_units(articles, annotations, params=params, made=made)
    if not units:
        return []
    if embeddings is None:
        embeddings = (encode or _embedder(params.max_tokens))([u.text for u in units])
    # What each unit does (commentary or not, check-worthiness) is learned over
    # the same vectors: no second model pass.
    units, flags = classify(units, embeddings)
    # Page furniture cleaning left in the text (a headline, a caption, a
    # teaser) is no claim: out before anything is grouped.
    prose = ~np.array(flags, dtype=bool)
    if not prose.all():
        units = [u for u, keep in zip(units, prose, strict=True) if keep]
        embeddings = embeddings[prose]
        if not units:
            return []
    if embeddings.shape[0] != len(units):
        raise ValueError(f"{embeddings.shape[0]} embeddings for {len(units)} claim units")
    # Counts of people read once, for the figure rule, the anchors and the story's figures.
    counts = [people_counts(u.text, u.quantities) for u in units]
    scores = _figure_rules(units, score_matrix(units, embeddings, params), counts, params)
    scores = _date_rules(units, scores)
    # How closely two accounts agree is read on the cosine-plus-bonus scale
    # the grades' CONFIRM_AGREEMENT was set on, whatever the clustering used.
    accord = (
        score_matrix(units, embeddings, replace(params, learned_pairs=False))
        if params.learned_pairs
        else scores
    )

    opinions = [i for i, u in enumerate(units) if u.kind == "commentary"]
    others = [i for i, u in enumerate(units) if u.kind != "commentary"]
    clusters = _agglomerate(scores, others, params.join_at)

    # Opinions join a non-commentary group only on their own strength.
    leftover = _join_opinions(units, scores, clusters, opinions, params.commentary_join_at)
    clusters.extend(_agglomerate(scores, leftover, params.join_at))

    by_article = {a.article: a for a in annotations}
    texts = {a.id: a.text for a in articles}
    anchored = _attach_by_anchor(units, scores, clusters, params, counts)
    figures = figure_discrepancies(units, counts)
    groups = [
        _with_figures(
            _group(story, units, own, extra, scores, accord, by_article, texts, params),
            [d for i in own + extra for d in figures.get(i, ())],
        )
        for own, extra in anchored
    ]
    groups.sort(key=lambda g: (_first_key(g, articles), g.id))
    return groups


def figure_discrepancies(
    units: Sequence[Unit],
    counts: Sequence[Sequence[Quantity]] | None = None,
    measures: Sequence[Sequence[Quantity]] | None = None,
) -> dict[int, list[Discrepancy]]:
    """Where the story's outlets give different figures for one measure of the
    event: counts of the dead, the injured, the rescued or the missing
    (:func:`~stemma.analysis.units.people_counts`), and a quake's magnitude and
    depth, a storm's wind speed and pressure, a distance from a named place
    (:func:`~stemma.analysis.units.measured_figures`, compared in one unit:
    "8 km" and "five miles deep" agree). For each unit that gives one, the
    disagreement, one per measure, with every article's figure ("the dead: 78
    in 8 articles · 79 in 2 · 59 in 2", "the depth: 8 km in 4 articles · 10 km
    in 1 article").

    Each article's first reported sentence giving a figure is its figure ("At
    least 78 migrants drowned", "the death toll was later revised to 79");
    figures more than twice or half the most common one (a magnitude more than
    0.3 from it) measure something else and are left out, and a count inside
    another's range agrees with it ("about 23" / "from 23 to 25"). The
    sentences keep their claim groups: a lead sentence says five things, of
    which the toll is one, and grouping it by its figure would join other
    claims (measured: docs/accuracy.md). The disagreement is shown on every
    group that holds one of them instead. ``counts`` and ``measures`` are the
    units' people counts and measured figures, when read already.
    """
    out: dict[int, list[Discrepancy]] = {}
    if counts is None:
        counts = [people_counts(u.text, u.quantities) for u in units]
    if measures is None:
        measures = [measured_figures(u.text, u.quantities) for u in units]
    figures = [(*c, *m) for c, m in zip(counts, measures, strict=True)]
    kinds = list(dict.fromkeys(q.unit for fs in figures for q in fs))
    for measure in kinds:
        first: dict[str, tuple[int, Quantity]] = {}  # article -> (unit, its figure)
        for i, u in enumerate(units):
            if u.kind == "commentary":
                continue
            found = [q for q in figures[i] if q.unit == measure]
            if found and u.article not in first:
                first[u.article] = (i, found[0])
        told = _one_figure_each(measure, list(first.values()))
        if told is None:
            continue
        kept, shown = told
        found_all = Discrepancy(
            "number",
            f"{_measure_name(measure)}: {shown}",
            tuple(units[i].article for i, _ in kept),
            tuple(q.text for _, q in kept),
        )
        for i, _ in kept:
            out.setdefault(i, []).append(found_all)
    return out


def _one_figure_each(
    measure: str, first: list[tuple[int, Quantity]]
) -> tuple[list[tuple[int, Quantity]], str] | None:
    """The articles' figures of one measure that disagree, and how each was
    told ("10 km in 1 article"); None when they agree."""
    people = measure in PEOPLE_MEASURES
    exact = people or measure.endswith("magnitude")
    reps: list[Quantity] = []  # one figure per value told (as first written)
    key_of: list[int] = []
    for _, q in first:
        k = next((k for k, r in enumerate(reps) if _same_figure(exact, r, q)), len(reps))
        if k == len(reps):
            reps.append(q)
        key_of.append(k)
    tally = Counter(key_of)
    if len(tally) < 2:
        return None
    mode = reps[max(tally, key=lambda k: (tally[k], reps[k].value))].value
    kept = [
        (iq, k) for iq, k in zip(first, key_of, strict=True) if _near(measure, iq[1].value, mode)
    ]
    differ = any(
        kp != kq and not _within(p, q) and not _within(q, p)
        for (_, p), kp in kept
        for (_, q), kq in kept
    )
    if not differ:
        return None
    count = Counter(k for _, k in kept)
    shown = " · ".join(
        f"{_figure(reps[k].value) if people else reps[k].text} in {n} article{'s' if n > 1 else ''}"
        for k, n in sorted(count.items(), key=lambda kn: (-kn[1], reps[kn[0]].value))
    )
    return [iq for iq, _ in kept], shown


def _same_figure(exact: bool, a: Quantity, b: Quantity) -> bool:
    """One figure: a count or a magnitude told alike, a measure equal once
    converted, within the rounding a conversion makes ("165 mph (270 km/h)":
    2 %; "185 mph" / "295 kph")."""
    if exact:
        return a.value == b.value
    # "about 20 km" is told round: 20.7 km agrees with it.
    rounding = CONVERSION_ROUNDING * (2 if _ROUND.match(a.text) or _ROUND.match(b.text) else 1)
    return abs(a.value - b.value) <= rounding * max(abs(a.value), abs(b.value))


_ROUND = re.compile(r"(?:about|around|approximately|roughly|some|nearly|almost)\b", re.I)


#: How far apart (a share of the larger) two figures of one measure told in
#: two systems may be and still be one figure: outlets round a converted
#: figure to the nearest 5 ("165 mph (270 km/h)" is 265.5 km/h); twice that
#: when one is told as round ("about 20 km"). Chosen on the dev and own
#: events' conversions (docs/accuracy.md, ninth session).
CONVERSION_ROUNDING = 0.025


def _near(measure: str, value: float, mode: float) -> bool:
    """A figure near enough the story's most common one to measure the same thing."""
    if measure.endswith("magnitude"):
        return abs(value - mode) <= MAGNITUDE_SPREAD
    return _close(value, mode)


#: How far apart two magnitudes of one quake may be told (7.8 / 7.7, 5.2 /
#: 5.5); further apart they are two quakes. Chosen on the dev and own events'
#: gold discrepancies (docs/accuracy.md, ninth session).
MAGNITUDE_SPREAD = 0.3


def _measure_name(measure: str) -> str:
    return _FIGURE_NAMES.get(measure) or MEASURE_NAMES.get(measure) or f"the {measure}"


def _figure(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"


_RANGE = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(?:to|-|–|and)\s*(\d[\d,]*(?:\.\d+)?)")


def _within(q: Quantity, other: Quantity) -> bool:
    """Whether ``other``'s value lies inside the range ``q`` is written as."""
    m = _RANGE.search(q.text)
    if m is None:
        return False
    lo, hi = sorted(float(x.replace(",", "")) for x in m.groups())
    return lo <= other.value <= hi


_FIGURE_NAMES = {
    "death": "the dead",
    "injured": "the injured",
    "survivor": "the rescued",
    "missing": "the missing",
}


def _with_figures(group: ClaimGroup, found: Sequence[Discrepancy]) -> ClaimGroup:
    """``group`` with the figure disagreements of its sentences it does not show yet."""
    have = {(d.kind, *sorted(v.casefold() for v in d.values)) for d in group.discrepancies}
    more = []
    for d in found:
        key = (d.kind, *sorted(v.casefold() for v in d.values))
        if key not in have:
            have.add(key)
            more.append(d)
    return replace(group, discrepancies=group.discrepancies + tuple(more)) if more else group


def _close(a: float, b: float) -> bool:
    """Two values of one measure that could be one fact told differently:
    within a factor of two ("13,000 feet" / "12,500 feet", "seven" / "10
    passengers"), or the same figure with another multiplier ("$42 billion" /
    "$42 million"). "1,600 feet" from the wreck and "13,000 feet" down are not."""
    lo, hi = sorted((abs(a), abs(b)))
    if lo == 0:
        return hi == 0
    if hi <= 2 * lo:
        return True
    ratio = hi / lo
    return round(ratio) in (1_000, 1_000_000) and abs(ratio - round(ratio)) < 1e-6


def _attach_by_anchor(
    units: Sequence[Unit],
    scores: np.ndarray,
    clusters: list[list[int]],
    params: ClaimParams,
    counts: Sequence[Sequence[Quantity]] | None = None,
) -> list[tuple[list[int], list[int]]]:
    """Each cluster with the sentences of other articles it also holds: a
    sentence anchored to a group of several articles because

    - it measures the same thing as a mention with a close value ("rose 26
      feet" / "a 22 foot rise"; :func:`_close`: a discrepancy is still the
      same fact) and is on average at least ``measure_floor`` similar to the
      group's mentions; or
    - it quotes a mention's speaker in the same words (``quote_match``).

    News re-tells a figure or a quote inside sentences that say other things
    too, and the clustering puts each sentence in one group only; such a
    sentence stays in its own group as well (one sentence, two claims), and
    joins one other group at most: the one it matches best. A cluster all of
    whose sentences a larger group now holds is dropped (it was that group).
    """
    # Counts of people are read the wide way here ("78 migrants drowned" and
    # "killed 78" both count the dead): an anchor only adds a sentence to a
    # group it is already close to.
    if counts is None:
        counts = [people_counts(u.text, u.quantities) for u in units]
    quantities = [
        [q for q in (*u.quantities, *c) if q.unit] for u, c in zip(units, counts, strict=True)
    ]
    measures = [[(q.unit, q.value) for q in qs] for qs in quantities]
    # Candidates indexed by what could anchor them, so that a large story
    # compares each group only with the sentences that share its measures or
    # speakers, never with all of them.
    by_measure: dict[str, list[int]] = {}
    by_speaker: dict[str, list[int]] = {}
    for i, u in enumerate(units):
        if u.kind == "commentary":
            continue
        for word in {w for w, _ in measures[i]}:
            by_measure.setdefault(word, []).append(i)
        if u.quote:
            for key in _speaker_keys(u):
                by_speaker.setdefault(key, []).append(i)
    # The articles each unit is grouped with already: an anchor to one of
    # them is a link the clustering has made, not a new one.
    cluster_of: dict[int, int] = {}
    with_articles: list[set[str]] = []
    for k, members in enumerate(clusters):
        with_articles.append({units[m].article for m in members})
        for m in members:
            cluster_of[m] = k
    best_group: dict[int, tuple[float, int]] = {}  # unit -> (score, cluster)
    for k, members in enumerate(clusters):
        arts = with_articles[k]
        if len(arts) < 2:
            continue
        reported = [m for m in members if units[m].kind != "commentary"]
        pool: set[int] = set()
        for m in reported:
            for word in {w for w, _ in measures[m]}:
                pool.update(by_measure.get(word, ()))
            if units[m].quote:
                for key in _speaker_keys(units[m]):
                    pool.update(by_speaker.get(key, ()))
        found: dict[str, tuple[float, int]] = {}  # article -> (score, unit)
        for i in sorted(pool):
            art = units[i].article
            if art in arts or found.get(art, (0.0, -1))[0] == np.inf:
                continue
            anchors = [m for m in reported if units[m].article not in with_articles[cluster_of[i]]]
            if any(_same_quote(units[i], units[m], params) for m in anchors):
                found[art] = (np.inf, i)
                continue
            held = [q for m in anchors for q in quantities[m]]
            mine = quantities[i]
            if not any(p.same_measure(q) and _close(p.value, q.value) for p in held for q in mine):
                continue
            score = float(np.mean(scores[i, members]))
            if score >= params.measure_at and score > found.get(art, (-np.inf, -1))[0]:
                found[art] = (score, i)
        for score, i in found.values():
            if score > best_group.get(i, (-np.inf, -1))[0]:
                best_group[i] = (score, k)
    attached: list[list[int]] = [[] for _ in clusters]
    for i, (_, k) in sorted(best_group.items()):
        attached[k].append(i)
    # A group all of whose mentions a group with attachments now holds is
    # that group: only clusters sharing a unit with it can be inside it.
    full = [set(c) | set(a) for c, a in zip(clusters, attached, strict=True)]
    inside: set[int] = set()
    for j, extra in enumerate(attached):
        if extra:
            for k in {cluster_of[i] for i in full[j]} - {j}:
                if full[k] < full[j]:
                    inside.add(k)
    return [
        (own, extra)
        for k, (own, extra) in enumerate(zip(clusters, attached, strict=True))
        if k not in inside
    ]


def _speaker_keys(u: Unit) -> set[str]:
    """Keys a quote's speaker is indexed by (its surname, as written and as resolved)."""
    return {entity_key(name) for name in (u.speaker, u.source) if name}


def _same_quote(a: Unit, b: Unit, params: ClaimParams) -> bool:
    """One speaker's words quoted by two articles (a re-quote or an excerpt)."""
    if not a.quote or not b.quote:
        return False
    return (
        _one_speaker(a, b, params.name_variant_ratio)
        and quote_similarity(a.quote, b.quote) >= params.quote_match
    )


def _one_speaker(a: Unit, b: Unit, ratio: int) -> bool:
    """The same speaker, as written ("Biden") or as resolved ("he" → Joe Biden)."""
    return same_speaker(a.speaker, b.speaker, ratio=ratio) or same_speaker(
        a.source, b.source, ratio=ratio
    )


def _embedder(max_tokens: int) -> Callable[[Sequence[str]], np.ndarray]:
    def encode(texts: Sequence[str]) -> np.ndarray:
        from stemma.stories.embed import embed  # imported late: loading the model costs seconds

        return embed(texts, max_tokens=max_tokens)

    return encode


def _first_key(group: ClaimGroup, articles: Sequence[Article]) -> tuple[int, int]:
    order = {a.id: i for i, a in enumerate(articles)}
    m = group.mentions[0]
    return order.get(m.article, len(order)), m.start


def _group(
    story: str,
    units: Sequence[Unit],
    own: list[int],
    attached: list[int],
    scores: np.ndarray,
    accord: np.ndarray,
    by_article: Mapping[str, Annotation],
    texts: Mapping[str, str],
    params: ClaimParams,
) -> ClaimGroup:
    """The claim group of the units at ``own`` (its cluster) and ``attached``
    (sentences it shares with another group). Its id comes from its own first
    mention, which no other group holds."""

    def place(i: int) -> tuple[int, int]:
        return units[i].order, units[i].start

    index = sorted(own + attached, key=place)
    members = [units[i] for i in index]
    first = units[min(own, key=place)]
    # Representative: the mention most similar to the others (ties → earliest).
    if len(index) > 1:
        sub = scores[np.ix_(index, index)]
        sub = np.where(np.isfinite(sub), sub, 0.0)
        mean = sub.sum(axis=1) / (len(index) - 1)
        rep = members[int(np.argmax(mean))]  # argmax takes the first of ties
    else:
        rep = members[0]
    kinds = [u.kind for u in members if u.kind != "commentary"]
    kind: Kind = Counter(kinds).most_common(1)[0][0] if kinds else "commentary"
    worth = [u.checkworthy for u in members if u.kind != "commentary" and u.checkworthy is not None]
    digest = hashlib.sha1(
        f"{story}|{first.article}|{first.sentence}|{first.start}".encode()
    ).hexdigest()[:12]
    mentions = tuple(u.mention() for u in members)
    accounts = _counterparts(members, index, accord, params.copy_ratio)
    return ClaimGroup(
        id=digest,
        story=story,
        text=rep.text,
        kind=kind,
        mentions=mentions,
        discrepancies=discrepancies_of(members, by_article, texts, params),
        agreement=_agreement(accounts),
        agreeing=_agreeing(members, accounts),
        checkworthy=max(worth) if worth else None,
    )


def _counterparts(
    members: Sequence[Unit], index: Sequence[int], scores: np.ndarray, copy_ratio: int
) -> list[tuple[int, int, float]]:
    """Each pair of reported mentions of two articles that are not copies of
    one another (:func:`_copies`, nor share :data:`SHARED_FIGURES` figures), as
    (member, member, score): the accounts that can agree or not. Copies are one account: two
    roots that each have a verbatim copy would otherwise agree at 1.0."""
    reported = [k for k, u in enumerate(members) if u.kind != "commentary"]
    # Each member's counted figures, read once for all its pairs.
    figures = {k: _figures(members[k]) for k in reported}
    out = []
    for x, k in enumerate(reported):
        for m in reported[x + 1 :]:
            u, v = members[k], members[m]
            if (
                u.article != v.article
                and not _copies(u.text, v.text, copy_ratio)
                and len(figures[k] & figures[m]) < SHARED_FIGURES
            ):
                out.append((k, m, float(scores[index[k], index[m]])))
    return out


#: Two accounts that give the same three counted figures or more ("169 Indian
#: nationals, 53 British, seven Portuguese and one Canadian", from the airline
#: and from the aviation regulator) read them from one list, a manifest or a
#: release: one account, not two that agree. Independent measurements rarely
#: match on three figures; copied ones always do.
SHARED_FIGURES = 3


def _figures(u: Unit) -> frozenset[tuple[float, str]]:
    """The unit's counted figures (value and what it counts)."""
    return frozenset((q.value, q.unit) for q in u.quantities if q.unit)


def _agreement(pairs: Sequence[tuple[int, int, float]]) -> float | None:
    """The weakest best match: each reported mention's highest score with a
    reported mention of another article (:func:`_counterparts`), and the
    lowest of those.

    Average linkage lets a group hold with a member that only loosely matches
    (a story's sentences all share its topic, so unrelated ones reach cosines
    of 0.6-0.7); this number says whether every article's mention clearly has
    a counterpart. None when no reported mention has a counterpart.
    """
    best: dict[int, float] = {}
    for k, m, score in pairs:
        best[k] = max(best.get(k, -np.inf), score)
        best[m] = max(best.get(m, -np.inf), score)
    # Bonuses for shared numbers or dates can lift a score past 1.
    return round(min(1.0, min(best.values())), 4) if best else None


def _agreeing(
    members: Sequence[Unit], pairs: Sequence[tuple[int, int, float]]
) -> tuple[tuple[str, str], ...]:
    """Pairs of articles whose reported mentions agree closely (at least
    ``CONFIRM_AGREEMENT``), copies aside: who corroborates whom."""
    close: set[tuple[str, str]] = set()
    for k, m, score in pairs:
        if score >= CONFIRM_AGREEMENT:
            a, b = sorted((members[k].article, members[m].article))
            close.add((a, b))
    return tuple(sorted(close))


def _copies(a: str, b: str, ratio: int) -> bool:
    """Near-verbatim copies (one number changed, a word added) are one account:
    their similarity says nothing about whether two roots agree."""
    return fuzz.ratio(a, b) >= ratio
