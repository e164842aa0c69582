"""Hedges and sentence kinds, on sentences of the example corpus."""

from __future__ import annotations

import pytest

from stemma.annotate.hedges import find_hedges, quoted_fraction, sentence_kind


def _sentence(nlp, text: str, phrase: str):
    """The sentence of ``nlp(text)`` that contains ``phrase``."""
    doc = nlp(text)
    for sent in doc.sents:
        if phrase in sent.text:
            return sent
    raise AssertionError(f"{phrase!r} not in any sentence")


def _kind(nlp, text: str, phrase: str, *, attributed: bool = False) -> str:
    sent = _sentence(nlp, text, phrase)
    return sentence_kind(
        sent, quote_fraction=quoted_fraction(sent), attributed=attributed, hedges=find_hedges(sent)
    )


@pytest.mark.parametrize(
    ("sentence", "hedges"),
    [
        (
            "They are reportedly biding their time, waiting for the opportune moment.",
            ["reportedly"],
        ),
        (
            "Russia’s main security service, the FSB, appears to have branded China as “an enemy”.",
            ["appears to"],
        ),
        ("The FSB appeared to be increasingly concerned.", ["appeared to"]),
        (
            "A leaked memo believed to be from the FSB appears to show deep distrust.",
            ["believed to", "appears to"],
        ),
        ("The supposed leak might be a strategic move by Russia itself.", ["supposed"]),
        ("He is said to have met the officers twice.", ["is said to"]),
        (
            "A leaked intelligence memo suggests that Putin’s security services believe China is "
            "laying the groundwork.",
            ["suggests"],
        ),
        ("Chinese agents may have obtained the plans.", ["may have"]),
        ("The agents allegedly used mining firms as cover.", ["allegedly"]),
        ("It is thought that the unit was set up in 2022.", ["It is thought"]),
        ("Chinese maps have begun to use old Chinese place names for parts of Siberia.", []),
    ],
)
def test_hedges_find(nlp, sentence, hedges):
    sent = next(nlp(sentence).sents)
    found = find_hedges(sent)
    assert [h.text for h in found] == hedges
    assert all(sent.doc.text[h.start : h.end] == h.text for h in found)


def test_hedges_offsets_are_into_the_doc(nlp, example_texts):
    text = example_texts["000_3c45b8d28d6be2d7.txt"]
    sent = _sentence(nlp, text, "They are even reportedly accused")
    (hedge,) = find_hedges(sent)
    assert text[hedge.start : hedge.end] == "reportedly"
    assert hedge.start > sent.start_char


@pytest.mark.parametrize(
    ("article", "phrase", "kind"),
    [
        ("004", "The supposed leak might be a strategic move by Russia itself.", "commentary"),
        ("004", "The fear is entirely understandable, even legitimate.", "commentary"),
        ("004", "China’s patience in this situation is remarkable.", "commentary"),
        ("004", "But this strategy is risky", "commentary"),
        ("004", "Why would Russia continue to pour its resources", "commentary"),
        ("004", "They are reportedly biding their time", "reported"),
        ("000", "Some of this interest may be for technology transfer", "commentary"),
        ("000", "The Soviet Union heavily explored the potential of ekranoplans", "background"),
        ("000", "Chinese maps have begun to use old Chinese place names", "background"),
        ("000", "They are even reportedly accused", "reported"),
    ],
)
def test_hedges_sentence_kind_unattributed(nlp, example_texts, article, phrase, kind):
    text = next(t for n, t in example_texts.items() if n.startswith(article))
    assert _kind(nlp, text, phrase) == kind


def test_hedges_attributed_speculation_is_reported(nlp, example_texts):
    text = example_texts["001_1da184889dc0a294.txt"]
    phrase = "According to the document, Chinese intelligence has indeed intensified efforts"
    assert _kind(nlp, text, phrase, attributed=True) == "reported"
    # The same modal sentence is commentary in the outlet's voice, reported when attributed.
    text2 = example_texts["002_a0c40a7f595994d5.txt"]
    phrase2 = "may be planning to lay claim to the Russian territory"
    assert _kind(nlp, text2, phrase2, attributed=False) == "commentary"
    assert _kind(nlp, text2, phrase2, attributed=True) == "reported"


def test_hedges_quote_sentence(nlp, example_texts):
    text = example_texts["003_90f4051510850127.txt"]
    sent = _sentence(nlp, text, "In the long run, China is a potential threat.")
    assert quoted_fraction(sent) >= 0.5
    assert sentence_kind(
        sent, quote_fraction=quoted_fraction(sent), attributed=True, hedges=[]
    ) == ("quote")


def test_hedges_modal_inside_quote_is_not_commentary(nlp):
    sent = next(
        nlp("Officials warned that the deal “could collapse at any moment” during the talks.").sents
    )
    assert quoted_fraction(sent) < 0.5
    assert sentence_kind(
        sent, quote_fraction=quoted_fraction(sent), attributed=False, hedges=[]
    ) == ("background")
