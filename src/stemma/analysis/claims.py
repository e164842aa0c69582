"""Claim groups: the same assertion made by several articles of a story.

Within one story, :func:`align_claims` turns every article's sentences into
*claim units* and groups the units that state the same thing into
:class:`~stemma.model.ClaimGroup` objects, each with its mentions, a
representative wording, a kind and the :class:`~stemma.model.Discrepancy`
values its mentions disagree on. Roots, attribution and grades are left to
the provenance stage.

How it works, step by step:

1. **Units.** Each sentence is one unit, or several when it joins clauses
   that carry separate claims: at ``"; "``, at ``", but"`` and at ``"and"``
   before a coordinated verb phrase ("The memo brands China as the enemy *and
   accuses* Beijing of espionage") or a pronoun subject ("... *and they are*
   very suspicious"). A comma list ("officials, experts, and journalists") is
   not split. Units under :data:`MIN_UNIT_WORDS` words are dropped. A unit
   keeps its sentence's kind and source, and carries what the NLP stage found
   inside its span: entities, date values, quotes and their speaker; numbers
   are read from the text (:func:`find_quantities`).
2. **Similarity.** MiniLM cosine of the unit texts, plus small bonuses when
   two units share entities, a quantity or a date (:func:`pair_score`). Two
   quotes of the same speaker whose quoted words nearly match are aligned
   whatever their framing.
3. **Grouping.** Average-linkage agglomerative clustering over that score,
   stopping at :data:`JOIN_THRESHOLD`, with a cannot-link between units of the
   same article (an article states a claim once; two of its sentences are two
   claims). Opinion units take no part in it: afterwards each one joins the
   group whose best non-opinion member is similar enough, or groups with other
   opinions only. So speculation never bridges two reported mentions, and an
   opinion never makes a reported claim look corroborated.
4. **Discrepancies** (:func:`find_discrepancies`): within a group, different
   quantities with the same unit word ("more than 4,000 miles" vs "2,600
   miles"), dates that disagree at their common granularity, spelling variants
   of a name ("Khordokovsky" vs "Khodorkovsky") or another person in the same
   quote, a negation one mention has and another lacks, and a quote whose
   wording was altered.

Example::

    >>> from stemma.ingest.readers import load
    >>> from stemma.annotate.nlp import annotate
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
from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import fuzz

from stemma.model import (
    Annotation,
    Article,
    ClaimGroup,
    Discrepancy,
    Kind,
    Mention,
    Quote,
    Sentence,
)

__all__ = [
    "ClaimParams",
    "Quantity",
    "Unit",
    "align_claims",
    "claim_units",
    "entity_weights",
    "find_discrepancies",
    "find_quantities",
    "make_unit",
    "pair_score",
    "score_matrix",
    "split_clauses",
    "story_units",
]

# --------------------------------------------------------------------------
# Thresholds (each with why it has its value; ClaimParams carries them)
# --------------------------------------------------------------------------

#: Clauses shorter than this are not claims on their own ("Their concerns are
#: multi-faceted." still passes; "Read the original article here" does not).
MIN_UNIT_WORDS = 5

#: Score at which two units are one claim. eval/claims.py chose it on MSRP
#: (news paraphrase, even rows) + CLEF 2020 train: best F1 is at 0.52-0.54 but
#: flat, and the highest threshold within 0.01 F1 of the best is taken (a false
#: join fakes corroboration; a missed join only splits a group). Reported on
#: MSRP odd rows and CLEF dev. On the FSB example "the enemy" mentions average
#: 0.64-0.78 with each other, so the five-article group holds.
JOIN_THRESHOLD = 0.60

#: Bonus per unit of entity overlap (Jaccard of entity keys, weighted by
#: :func:`entity_weights`). eval/claims.py chose 0.0 from {0, 0.06, 0.12, 0.2}
#: on MSRP + CLEF, and on the FSB example any bonus pulls "the enemy" mentions
#: into a group of sentences that merely name the FSB: names say what a
#: sentence is about, not what it claims. Kept as a knob for other corpora.
ENTITY_WEIGHT = 0.0

#: Bonus when two units share a quantity (value and unit word).
NUMBER_WEIGHT = 0.08

#: Bonus when two units share a date value.
DATE_WEIGHT = 0.05

#: Two quotes of the same speaker are the same quote when their quoted words
#: match at least this much (rapidfuzz ratio / 100, or partial ratio for an
#: excerpt): a re-quote with a word or two changed stays above it.
QUOTE_MATCH = 0.75

#: Score given to a same-speaker quote match, whatever the framing around it.
QUOTE_JOIN_SCORE = 1.0

#: An opinion joins a group only if its best non-opinion member scores this
#: much: higher than JOIN_THRESHOLD, because speculation phrased like a report
#: ("might be labelling China an enemy") must clearly repeat that report.
OPINION_JOIN_THRESHOLD = 0.70

#: Spelling variants of one name: rapidfuzz ratio at least this, but not equal
#: ("Khordokovsky" / "Khodorkovsky" = 83; "Putin" / "Peskov" = 36).
NAME_VARIANT_RATIO = 80

#: Negation is a discrepancy only between mentions this close in wording once
#: the negation cues are removed (token-set ratio): otherwise the "not" sits
#: in some other part of a loosely paraphrased sentence.
NEGATION_SIMILARITY = 70

#: Two mentions this alike (rapidfuzz ratio) are copies, not two accounts, for
#: ``ClaimGroup.agreement``: a wire copy with one number changed scores ~97,
#: a paraphrase of the same fact ~50-70.
COPY_RATIO = 90

#: Two units of the same article are never one claim: this similarity keeps
#: them apart in the clustering.
CANNOT_LINK = -np.inf

#: Word pieces of a unit that MiniLM reads. A claim unit is a sentence or a
#: clause (99% are under 50 words, about 65 pieces); the rare run-on sentence
#: is cut here rather than at MiniLM's 256, which halves its attention cost.
CLAIM_MAX_TOKENS = 128


@dataclass(frozen=True, slots=True)
class ClaimParams:
    """Every knob of the alignment (defaults: the module constants above)."""

    min_unit_words: int = MIN_UNIT_WORDS  # shorter clauses are not claims
    join_threshold: float = JOIN_THRESHOLD  # score at which units are one claim
    entity_weight: float = ENTITY_WEIGHT  # bonus for shared entities (Jaccard)
    number_weight: float = NUMBER_WEIGHT  # bonus for a shared quantity
    date_weight: float = DATE_WEIGHT  # bonus for a shared date
    quote_match: float = QUOTE_MATCH  # same speaker + quoted words this close
    quote_join_score: float = QUOTE_JOIN_SCORE  # score of such a quote pair
    opinion_join_threshold: float = OPINION_JOIN_THRESHOLD  # opinion → group
    split_clauses: bool = True  # split sentences into clauses


DEFAULT_PARAMS = ClaimParams()

# --------------------------------------------------------------------------
# Lexicons
# --------------------------------------------------------------------------

#: Words that end in "s" but are not verbs starting a coordinated verb phrase
#: ("... and its", "... and this"); used by :func:`split_clauses`.
NOT_VERBS: frozenset[str] = frozenset(
    {"its", "this", "his", "hers", "ours", "yours", "theirs", "us", "as", "thus",
     "plus", "less", "unless", "whereas", "besides", "perhaps", "always", "sometimes",
     "afterwards", "news", "series", "species", "politics", "economics", "analysis",
     "crisis", "basis", "status", "census", "campus", "versus", "various", "numerous",
     # ... and words that end in -ed without being verbs
     "indeed", "hundred", "speed", "greed", "creed", "seed", "bed", "red"}
)  # fmt: skip

#: Auxiliaries and verbs that start a coordinated verb phrase without an -s/-ed
#: ending ("... and is eyeing", "... and did not say").
VERB_STARTS: frozenset[str] = frozenset(
    {"is", "was", "are", "were", "has", "had", "have", "does", "did", "do", "will",
     "would", "can", "could", "may", "might", "must", "should", "said", "says", "told"}
)  # fmt: skip

#: Words that open a verb's object (or a that-clause): after "and" + an -s
#: word they show the -s word is a verb ("... and accuses the FSB").
OBJECT_STARTS: frozenset[str] = frozenset(
    {"the", "a", "an", "its", "his", "her", "their", "our", "my", "your", "this", "that",
     "these", "those", "some", "any", "no", "every", "each", "all", "more", "much", "many",
     "him", "them", "it", "us", "me", "you", "to", "how", "what", "why", "whether", "if"}
)  # fmt: skip

#: Subject pronouns that start an independent clause after "and".
SUBJECT_PRONOUNS: frozenset[str] = frozenset({"he", "she", "it", "they", "we", "i", "you", "there"})

#: Words that negate a statement's main predicate (lower-cased tokens).
NEGATION_CUES: frozenset[str] = frozenset(
    {"not", "n't", "never", "no", "denied", "denies", "deny", "denying", "neither", "nor",
     "none", "nobody", "nothing", "false", "untrue", "rejected", "refuted", "dismissed"}
)  # fmt: skip

#: Number words a quantity may be written with ("eight-page", "five people").
NUMBER_WORDS: Mapping[str, float] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
    "dozens": 24, "hundreds": 200, "thousands": 2000,
}  # fmt: skip

#: Multipliers written after a number ("$2.5 billion", "4 million").
MULTIPLIERS: Mapping[str, float] = {
    "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "bn": 1e9, "mn": 1e6,
}  # fmt: skip

#: Words after a number that are not its unit: "4,000 of its border" has no
#: unit word, and unit-less numbers are not compared.
NOT_UNITS: frozenset[str] = frozenset(
    {"of", "the", "a", "an", "and", "or", "in", "on", "at", "to", "for", "by", "from",
     "with", "as", "than", "that", "which", "who", "is", "are", "was", "were", "has",
     "have", "had", "more", "other", "per", "times", "s"}
)  # fmt: skip

#: Hedged amounts keep their qualifier in the value shown ("more than 4,000").
QUALIFIERS = (
    r"more than|fewer than|less than|at least|at most|up to|nearly|almost|about|around|"
    r"over|under|some|roughly|approximately|some|just over|just under"
)

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_QUANTITY_RE = re.compile(
    rf"(?:\b(?P<qual>{QUALIFIERS})\s+)?(?P<cur>[$€£])?(?<![\w.,-])(?P<num>{_NUMBER})"
    r"(?!\w|[.,]\d)(?:\s*(?P<mult>thousand|million|billion|trillion|bn|mn)\b)?"
    r"(?:(?:\s*-\s*|\s+)(?P<unit>%|[A-Za-z]+))?",
    re.IGNORECASE,
)
_WORD_QUANTITY_RE = re.compile(
    rf"(?:\b(?P<qual>{QUALIFIERS})\s+)?\b(?P<num>{'|'.join(NUMBER_WORDS)})"
    r"(?:\s*(?P<mult>thousand|million|billion|trillion)\b)?(?:\s*-\s*|\s+)(?P<unit>[A-Za-z]+)",
    re.IGNORECASE,
)
_WORD_RE = re.compile(r"[\w’'-]+")
#: "While X, Y" / "Although X, Y": the concession X is another claim than Y.
_LEADING_SUBORDINATE = re.compile(
    r"(?:while|although|though|whereas|even as)\b[^,;]*?(?P<comma>,\s+)", re.IGNORECASE
)
#: "not only" before a "but": the pair is one correlative claim.
_NOT_ONLY = re.compile(r"\bnot\s+only\b", re.IGNORECASE)
_QUOTE_CHARS = "\"“”‘’'«»"


# --------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number with the word that says what it counts ("more than 4,000 miles")."""

    value: float
    unit: str  # singular, lower-cased: "mile", "page", "%"; "" when none
    text: str  # as written


@dataclass(frozen=True, slots=True)
class Unit:
    """One claim unit: a sentence or a clause, with what alignment compares."""

    article: str
    sentence: int
    start: int
    end: int
    text: str
    kind: Kind = "background"
    source: str | None = None
    entities: tuple[tuple[str, str, str], ...] = ()  # (key, text, label)
    quantities: tuple[Quantity, ...] = ()
    dates: tuple[str, ...] = ()  # ISO values
    quote: str | None = None  # quoted words inside the unit
    speaker: str | None = None  # the quote's speaker as written
    order: int = 0  # article position in the story

    @property
    def entity_keys(self) -> frozenset[str]:
        return frozenset(k for k, _, _ in self.entities)

    def mention(self) -> Mention:
        return Mention(
            self.article, self.sentence, self.start, self.end, self.text, self.kind, self.source
        )


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(text)


def split_clauses(text: str, *, min_words: int = MIN_UNIT_WORDS) -> list[tuple[int, int]]:
    """Offsets (relative to ``text``) of the clauses a sentence is split into.

    Splits at ``"; "``, at ``", but "`` and at ``"and"`` when what follows is a
    verb phrase or a pronoun subject; never when a side would be shorter than
    ``min_words`` words, never inside quotation marks, never in a comma list.
    Surrounding whitespace and the joining word are left out of the clauses.

    >>> s = "The memo brands China as the enemy and accuses Beijing of espionage and theft."
    >>> [s[a:b] for a, b in split_clauses(s)]
    ['The memo brands China as the enemy', 'accuses Beijing of espionage and theft.']
    """
    cuts: list[tuple[int, int]] = []  # (end of left clause, start of right clause)
    inside = _quoted_mask(text)
    for m in re.finditer(r";\s+|,\s+but\s+|\s+but\s+|,?\s+and\s+", text):
        if inside[m.start()]:
            continue
        sep = m.group(0)
        rest = text[m.end() :]
        first = _first_word(rest)
        low = first.lower()
        before = text[: m.start()]
        if "but" in sep and _NOT_ONLY.search(before[-80:]) and not _starts_clause(rest):
            continue  # "not only X but also Y": one claim ("... but the FSB also" is two)
        if ";" in sep or "but" in sep or low in SUBJECT_PRONOUNS:
            pass  # a new clause begins
        elif _verb_like(low, rest[len(first) : len(first) + 2]):
            if sep.startswith(",") and _is_list(before):
                continue
            if (
                low not in VERB_STARTS
                and not _takes_object(rest[len(first) :])
                and _plural_noun_end(before)
            ):
                continue  # "conflicts and uncertainties within": two nouns, not a verb phrase
        else:
            continue
        cuts.append((m.start(), m.end()))
    lead = _LEADING_SUBORDINATE.match(text)
    if lead and not inside[lead.end() - 1]:
        cuts.append((lead.end() - len(lead.group("comma")), lead.end()))
        cuts.sort()
    spans: list[tuple[int, int]] = []
    begin = 0
    for left_end, right_start in cuts:
        left = text[begin:left_end]
        right = text[right_start:]
        if len(_words(left)) < min_words or len(_words(right)) < min_words:
            continue
        spans.append((begin, left_end))
        begin = right_start
    spans.append((begin, len(text.rstrip())))
    return [_strip(text, a, b) for a, b in spans]


def _verb_like(word: str, after: str) -> bool:
    """A lower-case word that can start a coordinated verb phrase."""
    if word in VERB_STARTS:
        return True
    if word in NOT_VERBS or not word.isalpha() or not word.islower():
        return False
    if after[:1] in {",", ".", ";", ":"}:
        return False  # "the war and sanctions, ..." — a noun ending a phrase
    if word.endswith(("ss", "us", "is", "ous", "ics")):
        return False
    return word.endswith(("es", "s", "ed"))


def _first_word(text: str) -> str:
    return (_words(text[:40]) or [""])[0]


def _starts_clause(rest: str) -> bool:
    """Whether ``rest`` opens with a subject: a pronoun, a determiner or a name."""
    first = _first_word(rest)
    return first.lower() in SUBJECT_PRONOUNS | OBJECT_STARTS or first[:1].isupper()


def _takes_object(after: str) -> bool:
    """Whether the words after an -s word read as its object ("accuses
    Beijing", "tracks the academics", "says that"): then it is a verb."""
    nxt = _first_word(after)
    return nxt.lower() in OBJECT_STARTS or nxt[:1].isupper()


def _plural_noun_end(left: str) -> bool:
    """Whether ``left`` ends in a lower-case plural-looking word ("the internal
    conflicts"): then an -s word after "and" pairs with it as a noun."""
    words = _words(left[-40:])
    if not words:
        return False
    last = words[-1]
    return (
        last.islower()
        and last.endswith("s")
        and not last.endswith(("ss", "us", "is", "ous"))
        and last not in VERB_STARTS
        and last not in NOT_VERBS
    )


def _is_list(left: str) -> bool:
    """Whether ", and" closes a comma list: the last comma chunk is short."""
    if "," not in left:
        return False
    return len(_words(left.rsplit(",", 1)[1])) <= 3


def _quoted_mask(text: str) -> list[bool]:
    """For every character, whether it is inside double quotation marks."""
    mask = [False] * (len(text) + 1)
    inside = False
    for i, ch in enumerate(text):
        if ch == "“" or (ch == '"' and not inside):
            inside = True
        elif ch == "”" or (ch == '"' and inside):
            inside = False
        mask[i] = inside
    return mask


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def find_quantities(text: str) -> tuple[Quantity, ...]:
    """Numbers with their unit word, normalised: "4,000 miles" = 4000 mile.

    Years (1800–2100 without a unit) and ordinals are left to the date stage;
    numbers inside words ("Entente-4") are skipped.

    >>> [(q.value, q.unit) for q in find_quantities("an eight-page memo on 4,000 miles")]
    [(8.0, 'page'), (4000.0, 'mile')]
    """
    found: list[tuple[int, Quantity]] = []
    for m in _QUANTITY_RE.finditer(text):
        value = float(m["num"].replace(",", ""))
        value *= MULTIPLIERS.get((m["mult"] or "").lower(), 1.0)
        unit = _unit(m["unit"])
        if m["cur"]:
            unit = {"$": "dollar", "€": "euro", "£": "pound"}[m["cur"]]
        if re.match(r"(st|nd|rd|th)\b", (m["unit"] or "").lower()) and not m["unit"][2:]:
            continue  # an ordinal: "7th Service"
        if not unit and not m["mult"] and 1800 <= value <= 2100 and "." not in m["num"]:
            continue  # a year: the date stage reads it
        found.append((m.start(), Quantity(value, unit, m.group(0).strip())))
    for m in _WORD_QUANTITY_RE.finditer(text):
        unit = _unit(m["unit"])
        if not unit:
            continue  # "one of the", "two and a half": unit-less number words are noise
        value = NUMBER_WORDS[m["num"].lower()] * MULTIPLIERS.get((m["mult"] or "").lower(), 1.0)
        found.append((m.start(), Quantity(float(value), unit, m.group(0).strip())))
    return tuple(q for _, q in sorted(found, key=lambda x: x[0]))


def _unit(word: str | None) -> str:
    if not word:
        return ""
    low = word.lower()
    if low in {"%", "percent", "pc"}:
        return "%"
    if low in NOT_UNITS or low in MULTIPLIERS or low in NUMBER_WORDS:
        return ""
    if low in {"people", "persons"}:
        return "person"
    if low.endswith("ies") and len(low) > 4:
        return low[:-3] + "y"
    if low.endswith("s") and not low.endswith("ss") and len(low) > 3:
        return low[:-1]
    return low


def _entity_key(text: str) -> str:
    """Last word, lower-cased, without possessive: "Xi Jinping" ~ "Jinping"."""
    words = _words(text.replace("’s", "").replace("'s", ""))
    return words[-1].lower() if words else text.lower()


def make_unit(
    text: str,
    *,
    article: str = "",
    sentence: int = 0,
    start: int = 0,
    kind: Kind = "background",
    source: str | None = None,
    entities: Iterable[tuple[str, str]] = (),
    dates: Iterable[str] = (),
    quote: str | None = None,
    speaker: str | None = None,
    order: int = 0,
) -> Unit:
    """A unit from plain text and (entity text, label) pairs: for callers
    without an :class:`Annotation` (evaluation, tests)."""
    return Unit(
        article=article,
        sentence=sentence,
        start=start,
        end=start + len(text),
        text=text,
        kind=kind,
        source=source,
        entities=tuple((_entity_key(t), t, label) for t, label in entities),
        quantities=find_quantities(text),
        dates=tuple(dates),
        quote=quote,
        speaker=speaker,
        order=order,
    )


def claim_units(
    article: Article,
    annotation: Annotation,
    *,
    order: int = 0,
    params: ClaimParams = DEFAULT_PARAMS,
) -> list[Unit]:
    """The claim units of one article, in text order."""
    units: list[Unit] = []
    for sent in annotation.sentences:
        if params.split_clauses:
            spans = split_clauses(sent.text, min_words=params.min_unit_words)
        else:
            spans = [_strip(sent.text, 0, len(sent.text))]
        for a, b in spans:
            text = sent.text[a:b]
            if len(_words(text)) < params.min_unit_words:
                continue
            start, end = sent.start + a, sent.start + b
            units.append(_unit_of(article, annotation, sent, start, end, text, order))
    return units


def _unit_of(
    article: Article,
    annotation: Annotation,
    sent: Sentence,
    start: int,
    end: int,
    text: str,
    order: int,
) -> Unit:
    ents = [e for e in annotation.entities if start <= e.start and e.end <= end]
    dates = tuple(
        t.value
        for t in annotation.timerefs
        if t.value and start <= t.start and t.end <= end and t.granularity != "century"
    )
    quote, speaker = _quote_in(article.text, annotation.quotes, start, end)
    return Unit(
        article=article.id,
        sentence=sent.index,
        start=start,
        end=end,
        text=text,
        kind=sent.kind,
        source=sent.source,
        entities=tuple((_entity_key(e.text), e.text, e.label) for e in ents),
        quantities=find_quantities(text),
        dates=dates,
        quote=quote,
        speaker=speaker,
        order=order,
    )


def _quote_in(
    text: str, quotes: Sequence[Quote], start: int, end: int
) -> tuple[str | None, str | None]:
    """The quoted words inside [start, end) and their speaker (the longest quote)."""
    best: tuple[int, str, str | None] | None = None
    for q in quotes:
        a, b = max(q.start, start), min(q.end, end)
        if b - a < 15:  # a quoted word or two ("the enemy") is wording, not a quote
            continue
        words = text[a:b].strip(_QUOTE_CHARS + " ,.")
        if best is None or b - a > best[0]:
            best = (b - a, words, q.speaker)
    return (best[1], best[2]) if best else (None, None)


# --------------------------------------------------------------------------
# Similarity
# --------------------------------------------------------------------------


def _norm_words(text: str) -> str:
    return " ".join(w.lower().strip("’'") for w in _words(text))


def _same_speaker(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    ka, kb = _entity_key(a), _entity_key(b)
    return ka == kb or fuzz.ratio(ka, kb) >= NAME_VARIANT_RATIO


def quote_similarity(a: str, b: str) -> float:
    """How close two quoted passages are, 0..1; an excerpt of the other counts as 1."""
    na, nb = _norm_words(a), _norm_words(b)
    if not na or not nb:
        return 0.0
    short, long_ = sorted((na, nb), key=len)
    if short in long_ and len(short.split()) >= 4:
        return 1.0
    return max(fuzz.ratio(na, nb), fuzz.partial_ratio(short, long_) * 0.95) / 100.0


def pair_score(
    a: Unit,
    b: Unit,
    cosine: float,
    params: ClaimParams = DEFAULT_PARAMS,
    entity_weights: Mapping[str, float] | None = None,
) -> float:
    """How much ``a`` and ``b`` look like one claim: cosine plus agreement bonuses.

    ``entity_weights`` (entity key → 0..1) discounts names the whole story
    shares: in a story about Russia and China, "Russia" says nothing about
    which claim a sentence makes. Keys not in it weigh 1.
    """
    if (
        a.quote
        and b.quote
        and _same_speaker(a.speaker, b.speaker)
        and quote_similarity(a.quote, b.quote) >= params.quote_match
    ):
        return max(params.quote_join_score, cosine)
    score = cosine
    ka, kb = a.entity_keys, b.entity_keys
    if ka and kb:
        w = entity_weights or {}
        shared = sum(w.get(k, 1.0) for k in ka & kb)
        union = sum(w.get(k, 1.0) for k in ka | kb)
        if union > 0:
            score += params.entity_weight * shared / union
    qa = {(q.value, q.unit) for q in a.quantities if q.unit}
    qb = {(q.value, q.unit) for q in b.quantities if q.unit}
    if qa & qb:
        score += params.number_weight
    if set(a.dates) & set(b.dates):
        score += params.date_weight
    return score


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
    units: Sequence[Unit], embeddings: np.ndarray, params: ClaimParams = DEFAULT_PARAMS
) -> np.ndarray:
    """Pairwise :func:`pair_score` of ``units`` (rows of ``embeddings``, L2-normalised).

    Units of the same article get :data:`CANNOT_LINK`; the diagonal too.
    Entity agreement is weighted by :func:`entity_weights` of these units.
    Computed sparsely (the bonuses only where both units have numbers, dates,
    entities or quotes), so a story of a thousand units costs milliseconds.
    """
    n = len(units)
    if n == 0:
        return np.zeros((0, 0), dtype=np.float64)
    scores = (embeddings @ embeddings.T).astype(np.float64)

    def pairs(has: Callable[[Unit], object]) -> Iterable[tuple[int, int]]:
        idx = [i for i, u in enumerate(units) if has(u)]
        for x, i in enumerate(idx):
            for j in idx[x + 1 :]:
                yield i, j

    def bump(i: int, j: int, value: float) -> None:
        scores[i, j] += value
        scores[j, i] += value

    if params.entity_weight:
        w = entity_weights(units)
        for i, j in pairs(lambda u: u.entities):
            ka, kb = units[i].entity_keys, units[j].entity_keys
            union = sum(w.get(k, 1.0) for k in ka | kb)
            if union > 0:
                bump(i, j, params.entity_weight * sum(w.get(k, 1.0) for k in ka & kb) / union)
    if params.number_weight:
        scores += params.number_weight * _share_any(
            [{(q.value, q.unit) for q in u.quantities if q.unit} for u in units]
        )
    if params.date_weight:
        scores += params.date_weight * _share_any([set(u.dates) for u in units])
    for i, j in pairs(lambda u: u.quote):
        a, b = units[i], units[j]
        if (
            _same_speaker(a.speaker, b.speaker)
            and quote_similarity(a.quote or "", b.quote or "") >= params.quote_match
        ):
            cosine = float(embeddings[i] @ embeddings[j])
            scores[i, j] = scores[j, i] = max(params.quote_join_score, cosine)
    codes = {a: k for k, a in enumerate(dict.fromkeys(u.article for u in units))}
    article = np.array([codes[u.article] for u in units])
    scores[article[:, None] == article[None, :]] = CANNOT_LINK
    return scores


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


# --------------------------------------------------------------------------
# Alignment
# --------------------------------------------------------------------------


def align_claims(
    story: str,
    articles: Sequence[Article],
    annotations: Sequence[Annotation],
    *,
    embeddings: np.ndarray | None = None,
    params: ClaimParams = DEFAULT_PARAMS,
    encode: Callable[[Sequence[str]], np.ndarray] | None = None,
) -> list[ClaimGroup]:
    """Group the claims the ``articles`` of one story make.

    ``annotations`` are matched to articles by id. ``embeddings``, when given,
    are the L2-normalised rows of the units' texts in the order of
    :func:`story_units` (articles in input order, units in text order); else
    they are computed with ``encode`` (default :func:`stemma.stories.embed.embed`,
    reading :data:`CLAIM_MAX_TOKENS` word pieces), except for a one-article
    story, where nothing can align and nothing is embedded.
    Groups come back ordered by their first mention; every unit is in exactly
    one group (single-article claims included).
    """
    units = story_units(articles, annotations, params=params)
    if not units:
        return []
    if embeddings is None and len({u.article for u in units}) < 2:
        # One article: the cannot-link keeps every unit in its own group
        # whatever the vectors, so the model need not run.
        embeddings = np.zeros((len(units), 1), dtype=np.float32)
    if embeddings is None:
        embeddings = (encode or _embed)([u.text for u in units])
    if embeddings.shape[0] != len(units):
        raise ValueError(f"{embeddings.shape[0]} embeddings for {len(units)} claim units")
    scores = score_matrix(units, embeddings, params)

    opinions = [i for i, u in enumerate(units) if u.kind == "opinion"]
    others = [i for i, u in enumerate(units) if u.kind != "opinion"]
    clusters = _agglomerate(scores, others, params.join_threshold)

    # Opinions join a non-opinion group only on their own strength.
    leftover: list[int] = []
    for o in opinions:
        best, best_score = -1, params.opinion_join_threshold
        for k, members in enumerate(clusters):
            if any(units[m].article == units[o].article for m in members):
                continue
            # Average over the reported members, as the clustering links groups.
            s = float(np.mean([scores[o, m] for m in members if units[m].kind != "opinion"]))
            if s >= best_score:
                best, best_score = k, s
        if best >= 0:
            clusters[best].append(o)
        else:
            leftover.append(o)
    clusters.extend(_agglomerate(scores, leftover, params.join_threshold))

    by_article = {a.article: a for a in annotations}
    texts = {a.id: a.text for a in articles}
    groups = [_group(story, [units[i] for i in c], scores, c, by_article, texts) for c in clusters]
    groups.sort(key=lambda g: (_first_key(g, articles), g.id))
    return groups


def _embed(texts: Sequence[str]) -> np.ndarray:
    from stemma.stories.embed import embed  # imported late: loading the model costs seconds

    return embed(texts, max_tokens=CLAIM_MAX_TOKENS)


def story_units(
    articles: Sequence[Article],
    annotations: Sequence[Annotation],
    *,
    params: ClaimParams = DEFAULT_PARAMS,
) -> list[Unit]:
    """All claim units of a story: articles in input order, units in text order."""
    by_id = {a.article: a for a in annotations}
    units: list[Unit] = []
    for order, article in enumerate(articles):
        ann = by_id.get(article.id)
        if ann is not None:
            units.extend(claim_units(article, ann, order=order, params=params))
    return units


def _first_key(group: ClaimGroup, articles: Sequence[Article]) -> tuple[int, int]:
    order = {a.id: i for i, a in enumerate(articles)}
    m = group.mentions[0]
    return order.get(m.article, len(order)), m.start


def _group(
    story: str,
    members: list[Unit],
    scores: np.ndarray,
    index: list[int],
    by_article: Mapping[str, Annotation],
    texts: Mapping[str, str],
) -> ClaimGroup:
    pairs = sorted(zip(members, index, strict=True), key=lambda p: (p[0].order, p[0].start))
    members = [u for u, _ in pairs]
    index = [i for _, i in pairs]
    # Representative: the mention most similar to the others (ties → earliest).
    if len(index) > 1:
        sub = scores[np.ix_(index, index)]
        sub = np.where(np.isfinite(sub), sub, 0.0)
        mean = sub.sum(axis=1) / (len(index) - 1)
        rep = members[int(np.argmax(mean))]  # argmax takes the first of ties
    else:
        rep = members[0]
    kinds = [u.kind for u in members if u.kind != "opinion"]
    kind: Kind = Counter(kinds).most_common(1)[0][0] if kinds else "opinion"
    first = members[0]
    digest = hashlib.sha1(
        f"{story}|{first.article}|{first.sentence}|{first.start}".encode()
    ).hexdigest()[:12]
    mentions = tuple(u.mention() for u in members)
    return ClaimGroup(
        id=digest,
        story=story,
        text=rep.text,
        kind=kind,
        mentions=mentions,
        discrepancies=_discrepancies(members, by_article, texts),
        agreement=_agreement(members, index, scores),
    )


def _agreement(members: Sequence[Unit], index: Sequence[int], scores: np.ndarray) -> float | None:
    """The weakest best match: each reported mention's highest score with a
    reported mention of another article, and the lowest of those.

    Average linkage lets a group hold with a member that only loosely matches
    (a story's sentences all share its topic, so unrelated ones reach cosines
    of 0.6-0.7); this number says whether every article's mention clearly has
    a counterpart. Copies (:func:`_copies`) are not counterparts: two roots
    that each have a verbatim copy would otherwise agree at 1.0. None when no
    reported mention has a counterpart that is not a copy.
    """
    reported = [(u, i) for u, i in zip(members, index, strict=True) if u.kind != "opinion"]
    best: list[float] = []
    for u, i in reported:
        partners = [
            float(scores[i, j])
            for v, j in reported
            if v.article != u.article and not _copies(u.text, v.text)
        ]
        if partners:
            best.append(max(partners))
    # Bonuses for shared numbers or dates can lift a score past 1.
    return round(min(1.0, min(best)), 4) if best else None


def _copies(a: str, b: str) -> bool:
    """Near-verbatim copies (one number changed, a word added) are one account:
    their similarity says nothing about whether two roots agree."""
    return fuzz.ratio(a, b) >= COPY_RATIO


# --------------------------------------------------------------------------
# Discrepancies
# --------------------------------------------------------------------------


def find_discrepancies(
    group_mentions: Sequence[Mention],
    annotations_by_article: Mapping[str, Annotation],
    texts_by_article: Mapping[str, str] | None = None,
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
    return _discrepancies(units, annotations_by_article, texts_by_article or {})


def _unit_of_mention(m: Mention, ann: Annotation, sent: Sentence, text: str | None) -> Unit:
    if text is None:
        # Without the article text, place the mention text at its offsets.
        text = " " * m.start + m.text
    art = Article(id=m.article, path="", text=text, raw_text=text)
    return _unit_of(art, ann, sent, m.start, m.end, m.text, 0)


def _discrepancies(
    units: Sequence[Unit],
    by_article: Mapping[str, Annotation],
    texts: Mapping[str, str],
) -> tuple[Discrepancy, ...]:
    found: dict[tuple[str, ...], Discrepancy] = {}

    def add(kind: str, detail: str, a: Unit, va: str, b: Unit, vb: str) -> None:
        key = (kind, *sorted((va.casefold(), vb.casefold())))
        if key not in found:
            found[key] = Discrepancy(kind, detail, (a.article, b.article), (va, vb))  # type: ignore[arg-type]

    for i, a in enumerate(units):
        for b in units[i + 1 :]:
            if a.article == b.article:
                continue
            for kind, va, vb in _pair_differences(a, b):
                add(kind, f"{va} vs {vb}", a, va, b, vb)
    return tuple(found.values())


def _pair_differences(a: Unit, b: Unit) -> Iterable[tuple[str, str, str]]:
    yield from _number_differences(a, b)
    yield from _date_differences(a, b)
    yield from _name_differences(a, b)
    yield from _negation_difference(a, b)
    yield from _quote_difference(a, b)


def _number_differences(a: Unit, b: Unit) -> Iterable[tuple[str, str, str]]:
    units_a: dict[str, list[Quantity]] = {}
    for q in a.quantities:
        if q.unit:
            units_a.setdefault(q.unit, []).append(q)
    for unit, qas in units_a.items():
        qbs = [q for q in b.quantities if q.unit == unit]
        if not qbs:
            continue
        if {q.value for q in qas} & {q.value for q in qbs}:
            continue  # they agree on one value of that unit: other values count other things
        yield "number", qas[0].text, qbs[0].text


def _date_differences(a: Unit, b: Unit) -> Iterable[tuple[str, str, str]]:
    if not a.dates or not b.dates:
        return
    for da in a.dates:
        for db in b.dates:
            n = min(len(da), len(db))
            if da[:n] == db[:n]:
                return  # some date agrees at the common granularity
    yield "date", a.dates[0], b.dates[0]


_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})


def _name_differences(a: Unit, b: Unit) -> Iterable[tuple[str, str, str]]:
    names_a = {(t, lab) for _, t, lab in a.entities if lab in _NAME_LABELS}
    names_b = {(t, lab) for _, t, lab in b.entities if lab in _NAME_LABELS}
    if a.speaker:
        names_a.add((a.speaker, "SPEAKER"))
    if b.speaker:
        names_b.add((b.speaker, "SPEAKER"))
    seen: set[tuple[str, str]] = set()
    for na, la in names_a:
        for nb, lb in names_b:
            if la != lb:
                continue  # "Russia" (GPE) and "Russian" (NORP) are not one slot
            wa, wb = _norm_words(na).split(), _norm_words(nb).split()
            if not wa or not wb or set(wa) <= set(wb) or set(wb) <= set(wa):
                continue  # "Putin" and "Vladimir Putin" name one person
            # Spelling variants: compare the differing words (surnames) pairwise.
            for x in wa:
                for y in wb:
                    if (
                        x != y
                        and len(x) > 3
                        and not (x.startswith(y) or y.startswith(x))  # "Russia"/"Russians"
                        and fuzz.ratio(x, y) >= NAME_VARIANT_RATIO
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
        and not _same_speaker(a.speaker, b.speaker)
        and quote_similarity(a.quote, b.quote) >= QUOTE_MATCH
    ):
        yield "name", a.speaker, b.speaker


def _negated(text: str) -> bool:
    low = text.lower().replace("n’t", " n't").replace("n't", " n't")
    return any(w in NEGATION_CUES for w in re.findall(r"[a-z']+", low))


def _without_negation(text: str) -> str:
    low = text.lower().replace("n’t", " n't").replace("n't", " n't")
    return " ".join(w for w in re.findall(r"[a-z']+", low) if w not in NEGATION_CUES)


def _negation_difference(a: Unit, b: Unit) -> Iterable[tuple[str, str, str]]:
    na, nb = _negated(a.text), _negated(b.text)
    if na == nb:
        return
    if fuzz.token_set_ratio(_without_negation(a.text), _without_negation(b.text)) < (
        NEGATION_SIMILARITY
    ):
        return
    yield "negation", a.text, b.text


def _quote_difference(a: Unit, b: Unit) -> Iterable[tuple[str, str, str]]:
    if not (a.quote and b.quote and _same_speaker(a.speaker, b.speaker)):
        return
    sim = quote_similarity(a.quote, b.quote)
    if QUOTE_MATCH <= sim < 1.0:
        yield "quote_altered", a.quote, b.quote
