"""Who "he" or "she" is: the subject named before the pronoun.

For attribution ("…, he said" after a named official; quote speakers keep
their own resolver in :mod:`stemma.annotate.quotes`, which weighs gender and
surnames met earlier). The small spaCy model tags many names wrongly
(a surname as ORG, "Mount Marapi" or "Twitch" as PERSON), so the last name
tagged PERSON is a poor antecedent; the subject of the clause the pronoun
sits in, or of the sentence before, is the one a reader takes.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from stemma.annotate.sources import OUTLET_PATTERNS, PLATFORMS, find_alias

__all__ = ["in_quotes", "name_of", "subject_antecedent"]

#: Entity types no "he" or "she" refers to.
NOT_PEOPLE = frozenset({"GPE", "LOC", "NORP", "DATE", "TIME", "FAC", "PRODUCT", "EVENT"})


def in_quotes(start: int, pronoun: Token) -> bool:
    """Whether character ``start`` is inside quotation marks in the pronoun's
    own paragraph: in "“Marapi is still very much active …,” he said", "he"
    is not Marapi."""
    # Walk the tokens back to the paragraph's start (``Doc.text`` would join
    # the whole document on every call).
    doc, marks = pronoun.doc, 0
    for i in range(pronoun.i - 1, -1, -1):
        tok = doc[i]
        if "\n" in tok.whitespace_ or (tok.is_space and "\n" in tok.text):
            break
        if tok.idx < start:
            # Double marks only: "’" is an apostrophe as often as a closing mark.
            marks += sum(tok.text.count(q) for q in _MARKS)
    else:
        i = -1
    line = doc[i].idx + len(doc[i].text_with_ws) if i >= 0 else 0
    return start >= line and marks % 2 == 1


_MARKS = '"“”«»'


def subject_antecedent(pronoun: Token) -> Token | None:
    """The proper-noun subject, before the pronoun, of the nearest clause above
    it that has one (the pronoun itself is no candidate): "Shear left Twitch
    in March, saying he wanted …". When its sentence has none ("“…,” he
    said."), the subject of the sentence before ("Sutskever posted an apology
    on X …"). A name set beside a common-noun subject counts ("The head of
    Indonesia's volcanology agency, Hendra Gunawan, said"); a place, a date,
    an outlet or a name inside quotation marks does not."""
    subject: Token | None = None
    for verb in pronoun.ancestors:
        found = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.i < pronoun.i]
        if found:
            subject = found[0]
            break
    else:
        start = pronoun.sent.start
        if start > 0:
            before = pronoun.doc[start - 1].sent.root
            found = [c for c in before.children if c.dep_ in ("nsubj", "nsubjpass")]
            subject = found[0] if found else None
    named = _named(subject) if subject is not None else None
    if named is None or named.ent_type_ in NOT_PEOPLE or in_quotes(named.idx, pronoun):
        return None
    # An outlet or a platform reports or carries; it is not "he" ("Reuters
    # quotes his statement as saying").
    name = name_of(named).text
    if name.casefold() in PLATFORMS or find_alias(name, OUTLET_PATTERNS) is not None:
        return None
    return named


def name_of(token: Token) -> Span:
    """The proper name ending at ``token``: its proper-noun compounds and it."""
    compounds = [c for c in token.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"]
    first = compounds[0].i if compounds else token.i
    return token.doc[first : token.i + 1]


def _named(subject: Token) -> Token | None:
    if subject.pos_ == "PROPN":
        return subject
    return next((c for c in subject.children if c.dep_ == "appos" and c.pos_ == "PROPN"), None)
