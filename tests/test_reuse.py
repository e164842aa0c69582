"""Text reuse on real text: a wire story copied by outlets, and the example corpus.

The synthetic story is built from ECB+ articles about Hugh Jackman being named
Oscar host (subtopic 2ecb, whose articles were checked to share no passage):
A = 2_7ecb (the "wire" story); B = A with a new intro taken from 2_9ecb;
C = A with one number changed and two sentences dropped; D = 2_5ecb, an
independent report of the same announcement.
"""

from __future__ import annotations

import json
import re
from itertools import combinations

import pytest

from stemma.analysis.reuse import (
    ReuseParams,
    candidate_pairs,
    reuse_edges,
    reuse_score,
    shared_passages,
    split_sentences,
)
from stemma.model import Passage, ReuseEdge
from tests.conftest import shared_data

WORD = re.compile(r"\w+(?:[.,'’]\w+)*")


def words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in WORD.findall(text)]


@pytest.fixture(scope="module")
def ecb() -> dict[str, str]:
    path = shared_data("ecbplus-event-clusters") / "ecbplus_docs.jsonl"
    wanted = {"2_7ecb", "2_9ecb", "2_5ecb"}
    docs = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if d["doc_id"] in wanted or d["subtopic"] == "2ecb":
                docs[d["doc_id"]] = d["text"]
    return docs


@pytest.fixture(scope="module")
def story(ecb: dict[str, str]) -> dict[str, str]:
    a = ecb["2_7ecb"]
    sents = [a[s:e] for s, e in split_sentences(a)]
    assert "32 million total viewers" in sents[18]
    intro = " ".join(ecb["2_9ecb"][s:e] for s, e in split_sentences(ecb["2_9ecb"])[:2])
    b = intro + "\n\n" + a
    c_sents = [s for i, s in enumerate(sents) if i not in (9, 10)]
    c = " ".join(c_sents).replace("32 million total viewers", "34 million total viewers")
    return {"A": a, "B": b, "C": c, "D": ecb["2_5ecb"]}


def edge(edges: list[ReuseEdge], x: str, y: str) -> ReuseEdge | None:
    return next((e for e in edges if {e.a, e.b} == {x, y}), None)


def test_reuse_verbatim_copy_with_new_intro_covers_the_whole_original(story):
    a, b = story["A"], story["B"]
    passages = shared_passages(a, b)
    assert passages, "the copy should share a passage with the original"
    for p in passages:
        assert words(a[p.a_start : p.a_end]) == words(b[p.b_start : p.b_end])
        assert p.similarity == 1.0
    assert reuse_score(a, b, passages) > 0.95
    # The intro is not part of any passage.
    intro_end = b.index("\n\n")
    assert all(p.b_start > intro_end for p in passages)


def test_reuse_changed_number_is_found_as_near_verbatim(story):
    a, c = story["A"], story["C"]
    passages = shared_passages(a, c)
    assert reuse_score(a, c, passages) > 0.85
    changed = [p for p in passages if "32 million" in a[p.a_start : p.a_end]]
    assert len(changed) == 1
    p = changed[0]
    assert "34 million" in c[p.b_start : p.b_end]
    assert 0.8 <= p.similarity < 1.0
    # The dropped sentences break the passage: nothing maps them into C.
    dropped = a.index("Numerous actors, directors")
    assert not any(q.a_start <= dropped < q.a_end for q in passages)


def test_reuse_independent_report_of_the_same_event_is_not_reuse(story):
    for other in ("A", "B", "C"):
        assert shared_passages(story["D"], story[other]) == []


def test_reuse_edges_follow_publication_dates(story):
    published = {
        "A": "2008-12-12",
        "B": "2008-12-13T09:00:00",
        "C": "2008-12-14",
        "D": "2008-12-12",
    }
    edges = reuse_edges(story, published=published)
    assert {(e.a, e.b) for e in edges} == {("A", "B"), ("A", "C"), ("B", "C")}
    assert all(e.direction == "published" for e in edges)
    ab = edge(edges, "A", "B")
    assert ab is not None and ab.score > 0.95


def test_reuse_edges_without_dates_follow_attribution_and_flip_offsets(story):
    # Ids chosen so that id order is the reverse of the attribution order.
    texts = {"z-wire": story["A"], "b-copy": story["B"], "c-copy": story["C"]}
    edges = reuse_edges(texts, cites={"b-copy": {"z-wire"}})
    wb = edge(edges, "z-wire", "b-copy")
    assert wb is not None
    assert (wb.a, wb.b, wb.direction) == ("z-wire", "b-copy", "attribution")
    for p in wb.passages:  # offsets follow the edge's a and b
        assert words(texts[wb.a][p.a_start : p.a_end]) == words(texts[wb.b][p.b_start : p.b_end])
    wc = edge(edges, "z-wire", "c-copy")
    assert wc is not None
    assert (wc.a, wc.b, wc.direction) == ("c-copy", "z-wire", None)


def test_reuse_same_day_dates_fall_back_to_undirected(story):
    texts = {"A": story["A"], "B": story["B"]}
    edges = reuse_edges(texts, published={"A": "2008-12-12", "B": "2008-12-12T10:00:00"})
    assert [(e.a, e.b, e.direction) for e in edges] == [("A", "B", None)]


def test_reuse_edges_find_the_copy_among_a_whole_subtopic(ecb, story):
    # All nine independent 2ecb articles plus one copy: only the copy pairs up.
    texts = {k: v for k, v in ecb.items() if k.endswith("ecb") and k.startswith("2_")}
    texts["copy"] = story["C"]
    assert len(texts) >= 9
    edges = reuse_edges(texts)
    assert [(e.a, e.b) for e in edges] == [("2_7ecb", "copy")]
    assert ("2_7ecb", "copy") in candidate_pairs(texts)


def test_reuse_precomputed_sentences_give_the_same_passages(nlp, story):
    a, c = story["A"], story["C"]
    spans_a = [(s.start_char, s.end_char) for s in nlp(a).sents]
    spans_c = [(s.start_char, s.end_char) for s in nlp(c).sents]
    with_spacy = shared_passages(a, c, sentences_a=spans_a, sentences_b=spans_c)
    assert reuse_score(a, c, with_spacy) == pytest.approx(
        reuse_score(a, c, shared_passages(a, c)), abs=0.05
    )


def test_reuse_shared_quotation_alone_is_not_reuse(example_texts):
    original = next(t for n, t in example_texts.items() if n.startswith("000"))
    # The quote runs over two paragraphs, the first left open (news convention).
    line = original[original.index("Commenting on the memo") :]
    assert line.count("\n") == 1
    other = (
        "Mikhail Khodorkovsky, an exiled critic of the Kremlin, told reporters on Friday: "
        '"This is not a real alliance, but a slow drift into the role of junior partner '
        'to a power that neither respects nor trusts Russia."'
    )
    assert shared_passages(line, other) == []
    found = shared_passages(line, other, params=ReuseParams(count_quoted_words=True))
    assert len(found) == 1
    assert line[found[0].a_start : found[0].a_end].startswith("This is not a real alliance")


def test_reuse_short_shared_phrase_is_not_reuse(example_texts):
    t = {n[:3]: x for n, x in example_texts.items()}
    phrase = "Vladimir Putin and his Chinese counterpart Xi Jinping"  # 8 words, in 000 and 002
    assert phrase in t["000"] and phrase in t["002"]
    assert shared_passages(t["000"], t["002"]) == []
    short = shared_passages(t["000"], t["002"], params=ReuseParams(min_passage_words=6))
    assert [t["000"][p.a_start : p.a_end] for p in short] == [phrase]


def test_reuse_example_corpus_has_no_reuse_edges(example_texts):
    """The five articles are independent rewrites of the NYT story: no pair
    reaches the edge score. The one shared passage is between 001
    (Moneycontrol) and 002, which both follow one NYT sentence closely
    ("intelligence agents ... espionage in the Arctic ... using mining firms
    and university research centres as cover"); 002's longer NYT quote that
    001 rewords ("recruit Russian officials, experts, journalists") is inside
    quotation marks in 002, so it is quoting, not copying."""
    t = {n[:3]: x for n, x in example_texts.items()}
    found = {(x, y): shared_passages(t[x], t[y]) for x, y in combinations(sorted(t), 2)}
    scores = {pair: reuse_score(t[pair[0]], t[pair[1]], ps) for pair, ps in found.items()}
    assert all(s < 0.1 for s in scores.values())
    assert [pair for pair, ps in found.items() if ps] == [("001", "002")]
    [p] = found[("001", "002")]
    assert "espionage in the Arctic" in t["001"][p.a_start : p.a_end]
    assert "university research centres as cover" in t["002"][p.b_start : p.b_end]
    assert 0.8 <= p.similarity < 1.0
    assert reuse_edges(t) == []


def test_reuse_split_sentences_offsets_point_at_the_text(example_texts):
    text = next(t for n, t in example_texts.items() if n.startswith("002"))
    spans = split_sentences(text)
    assert len(spans) >= 12
    assert text[spans[0][0] : spans[0][1]].startswith("While the world sees")
    assert text[spans[0][0] : spans[0][1]].endswith("toward Beijing.")
    assert all(text[s:e] == text[s:e].strip() and e > s for s, e in spans)


def test_reuse_passage_offsets_are_word_aligned():
    a = "The ministry said on Monday that 42 people died in the floods in the north."
    b = "Officials said on Monday that 43 people died in the floods in the north, AFP reported."
    [p] = shared_passages(a, b)
    assert isinstance(p, Passage)
    assert a[p.a_start : p.a_end] == "said on Monday that 42 people died in the floods in the north"
    assert b[p.b_start : p.b_end] == "said on Monday that 43 people died in the floods in the north"
    assert 0.9 < p.similarity < 1.0
    # One lone word matching across a gap ("The ministry" / "Officials") is not
    # part of the passage, and 11 words are too few to be one.
    assert shared_passages(a.replace("on Monday that ", ""), b.replace("on Monday that ", "")) == []
