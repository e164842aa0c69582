"""Discrepancies: what the mentions of one claim disagree on.

Within a claim group, every pair of mentions from different articles is
compared: different quantities with the same unit word ("more than 4,000
miles" vs "2,600 miles"), clock times ("6:04 p.m." vs "6.05 p.m."), dates
that disagree at their common granularity,
spelling variants of a name ("Khordokovsky" vs "Khodorkovsky") or another
person given the same quote, a negation one mention has and another lacks,
and a quote whose wording was altered. Each finding is reported once per
pair of differing values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from rapidfuzz import fuzz

from stemma.analysis.units import (
    Quantity,
    Unit,
    clock_times,
    norm_words,
    quote_similarity,
    same_speaker,
    unit_of,
)
from stemma.model import Annotation, Article, Discrepancy, Mention, Sentence
from stemma.settings import DEFAULT, ClaimParams

__all__ = ["find_discrepancies"]

#: Words that negate a statement's main predicate (lower-cased tokens).
NEGATION_CUES: frozenset[str] = frozenset(
    {"not", "n't", "never", "no", "denied", "denies", "deny", "denying", "neither", "nor",
     "none", "nobody", "nothing", "false", "untrue", "rejected", "refuted", "dismissed"}
)  # fmt: skip


def find_discrepancies(
    group_mentions: Sequence[Mention],
    annotations_by_article: Mapping[str, Annotation],
    texts_by_article: Mapping[str, str] | None = None,
    params: ClaimParams = DEFAULT.claims,
) -> tuple[Discrepancy, ...]:
    """What the mentions of one claim group disagree on.

    Compares every pair of mentions from different articles: quantities with
    the same unit word, dates at their common granularity, names (spelling
    variants of an entity; another speaker for the same quote), negation, and
    altered quote wording (quotes are read from the annotations; pass
    ``texts_by_article`` to clip them to the mention exactly). Each finding is
    reported once per pair of differing values.
    """
    units = []
    for m in group_mentions:
        ann = annotations_by_article.get(m.article, Annotation(article=m.article))
        sent = Sentence(m.article, m.sentence, m.start, m.end, m.text, m.kind, (), m.source)
        text = (texts_by_article or {}).get(m.article)
        units.append(_unit_of_mention(m, ann, sent, text))
    return discrepancies_of(units, annotations_by_article, texts_by_article or {}, params)


def _unit_of_mention(m: Mention, ann: Annotation, sent: Sentence, text: str | None) -> Unit:
    if text is None:
        # Without the article text, place the mention text at its offsets.
        text = " " * m.start + m.text
    art = Article(id=m.article, path="", text=text, raw_text=text)
    return unit_of(art, ann, sent, m.start, m.end, m.text, 0)


def discrepancies_of(
    units: Sequence[Unit],
    by_article: Mapping[str, Annotation],
    texts: Mapping[str, str],
    params: ClaimParams = DEFAULT.claims,
) -> tuple[Discrepancy, ...]:
    """What the claim ``units`` of one group disagree on (see :func:`find_discrepancies`)."""
    found: dict[tuple[str, ...], Discrepancy] = {}
    measure_of: dict[tuple[str, ...], str] = {}  # number findings -> the unit they measure

    def add(kind: str, detail: str, a: Unit, va: str, b: Unit, vb: str) -> None:
        key = (kind, *sorted((_value_key(kind, va), _value_key(kind, vb))))
        if key not in found:
            found[key] = Discrepancy(kind, detail, (a.article, b.article), (va, vb))  # type: ignore[arg-type]
            if kind == "number":
                measure_of[key] = next((q.unit for q in a.quantities if q.text == va), "")

    for i, a in enumerate(units):
        for b in units[i + 1 :]:
            if a.article == b.article:
                continue
            for kind, va, vb in _pair_differences(a, b, params):
                add(kind, f"{va} vs {vb}", a, va, b, vb)
    return _one_per_measure(found, measure_of)


def _one_per_measure(
    found: Mapping[tuple[str, ...], Discrepancy], measure_of: Mapping[tuple[str, ...], str]
) -> tuple[Discrepancy, ...]:
    """The pairs that disagree on one measure, as one finding with every
    article's value ("up to 400 people vs 750 people vs between 400 and 600
    people"), not one line per pair: a reader compares the values at once."""
    out: list[Discrepancy] = []
    merged: dict[str, int] = {}  # measure -> its finding's place in out
    for key, d in found.items():
        measure = measure_of.get(key, "")
        if not measure or measure not in merged:
            if measure:
                merged[measure] = len(out)
            out.append(d)
            continue
        held = out[merged[measure]]
        pairs = list(dict.fromkeys(zip(held.articles, held.values, strict=True)))
        pairs += [p for p in zip(d.articles, d.values, strict=True) if p not in pairs]
        shown = list(dict.fromkeys(v for _, v in pairs))
        out[merged[measure]] = Discrepancy(
            "number",
            " vs ".join(shown),
            tuple(a for a, _ in pairs),
            tuple(v for _, v in pairs),
        )
    return tuple(out)


def _pair_differences(a: Unit, b: Unit, params: ClaimParams) -> Iterable[tuple[str, str, str]]:
    yield from _number_differences(a, b)
    yield from _date_differences(a, b)
    yield from _name_differences(a, b, params)
    yield from _negation_difference(a, b, params)
    yield from _quote_difference(a, b, params)


def _value_key(kind: str, value: str) -> str:
    """What a value says, for reporting each disagreement once: "18:04" and
    "6:04 p.m." are one reading of the clock."""
    if kind == "time" and (read := clock_times(value)):
        quantity = read[0][2]
        return f"{quantity.unit}={quantity.value}"
    return value.casefold()


def _number_differences(a: Unit, b: Unit) -> Iterable[tuple[str, str, str]]:
    units_a: dict[str, list[Quantity]] = {}
    for q in a.quantities:
        if q.unit:
            units_a.setdefault(q.unit, []).append(q)
    for qas in units_a.values():
        pairs = [(p, q) for p in qas for q in b.quantities if p.same_measure(q)]
        if not pairs:
            continue
        if any(p.value == q.value and _bound(p) * _bound(q) >= 0 for p, q in pairs):
            continue  # they agree on one value of that unit: other values count other things
        # The closest two values are most likely one fact told two ways
        # ("6:04 p.m." / "6.05 p.m.", not the countdown's start at 5.45).
        p, q = min(pairs, key=lambda pq: abs(pq[0].value - pq[1].value))
        yield ("time" if p.unit.startswith("time") else "number"), p.text, q.text


#: Qualifiers that put the true figure below (-1) or above (+1) the number
#: written: "nearly 500" and "more than 500" staff disagree on the same 500.
_BELOW = re.compile(
    r"^(?:nearly|almost|fewer than|less than|under|just under|up to|at most)\b", re.I
)
_ABOVE = re.compile(r"^(?:more than|over|just over|at least|upwards of)\b", re.I)


def _bound(q: Quantity) -> int:
    return -1 if _BELOW.match(q.text) else 1 if _ABOVE.match(q.text) else 0


def _date_differences(a: Unit, b: Unit) -> Iterable[tuple[str, str, str]]:
    if not a.dates or not b.dates:
        return
    for da in a.dates:
        for db in b.dates:
            n = min(len(da), len(db))
            if da[:n] == db[:n]:
                return  # some date agrees at the common granularity
    # A year alone, years away from the other date, refers to another time
    # ("the first since 1983"), not to when this happened.
    pairs = [
        (i, j)
        for i, da in enumerate(a.dates)
        for j, db in enumerate(b.dates)
        if not _years_apart(da, db)
    ]
    if pairs:
        i, j = pairs[0]
        yield "date", _date_shown(a, i), _date_shown(b, j)


def _years_apart(a: str, b: str) -> bool:
    """One of two ISO values is a year alone, and they are more than a year apart."""
    years = a[:4], b[:4]
    if min(len(a), len(b)) != 4 or not all(y.isdigit() for y in years):
        return False
    return abs(int(years[0]) - int(years[1])) > 1


def _date_shown(u: Unit, i: int) -> str:
    """A date as the outlet wrote it, with the day it resolves to: "Saturday
    (2023-02-04)". An analyst checks the words, not the resolution."""
    iso = u.dates[i]
    words = u.date_words[i] if i < len(u.date_words) else ""
    return f"{words} ({iso})" if words and words != iso else iso


_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})


def _name_differences(a: Unit, b: Unit, params: ClaimParams) -> Iterable[tuple[str, str, str]]:
    names_a = {(t, lab) for _, t, lab in a.entities if lab in _NAME_LABELS}
    names_b = {(t, lab) for _, t, lab in b.entities if lab in _NAME_LABELS}
    if a.speaker:
        names_a.add((a.speaker, "SPEAKER"))
    if b.speaker:
        names_b.add((b.speaker, "SPEAKER"))
    seen: set[tuple[str, str]] = set()
    # In sorted order: a set's order changes with the hash seed, and the
    # brief must list the same discrepancies in the same order every run.
    for na, la in sorted(names_a):
        for nb, lb in sorted(names_b):
            if la != lb:
                continue  # "Russia" (GPE) and "Russian" (NORP) are not one slot
            wa, wb = norm_words(na).split(), norm_words(nb).split()
            if not wa or not wb or set(wa) <= set(wb) or set(wb) <= set(wa):
                continue  # "Putin" and "Vladimir Putin" name one person
            # Spelling variants: compare the differing words (surnames) pairwise.
            for x in wa:
                for y in wb:
                    if (
                        x != y
                        and len(x) > 3
                        and not (x.startswith(y) or y.startswith(x))  # "Russia"/"Russians"
                        and fuzz.ratio(x, y) >= params.name_variant_ratio
                        and (na, nb) not in seen
                    ):
                        seen.add((na, nb))
                        yield "name", na, nb
    # The same quote given to another person.
    if (
        a.quote
        and b.quote
        and a.speaker
        and b.speaker
        and not same_speaker(a.speaker, b.speaker, ratio=params.name_variant_ratio)
        and quote_similarity(a.quote, b.quote) >= params.quote_match
    ):
        yield "name", a.speaker, b.speaker


def _negated(text: str) -> bool:
    low = text.lower().replace("n’t", " n't").replace("n't", " n't")
    return any(w in NEGATION_CUES for w in re.findall(r"[a-z']+", low))


def _without_negation(text: str) -> str:
    low = text.lower().replace("n’t", " n't").replace("n't", " n't")
    return " ".join(w for w in re.findall(r"[a-z']+", low) if w not in NEGATION_CUES)


def _negation_difference(a: Unit, b: Unit, params: ClaimParams) -> Iterable[tuple[str, str, str]]:
    na, nb = _negated(a.text), _negated(b.text)
    if na == nb:
        return
    if fuzz.token_set_ratio(_without_negation(a.text), _without_negation(b.text)) < (
        params.negation_similarity
    ):
        return
    yield "negation", a.text, b.text


def _quote_difference(a: Unit, b: Unit, params: ClaimParams) -> Iterable[tuple[str, str, str]]:
    if not (
        a.quote and b.quote and same_speaker(a.speaker, b.speaker, ratio=params.name_variant_ratio)
    ):
        return
    sim = quote_similarity(a.quote, b.quote)
    if params.quote_match <= sim < 1.0:
        yield "quote_altered", a.quote, b.quote
