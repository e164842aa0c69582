"""Claim groups on the FSB example, on rewrites of its wire-like article 002, and
on a real pair of ECB+ reports that quote one witness with different wording."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from stemma.analysis.align import align_claims, entity_weights, pair_score, score_matrix
from stemma.analysis.discrepancies import discrepancies_of, find_discrepancies
from stemma.analysis.kinds import refine
from stemma.analysis.units import find_quantities, split_clauses, story_units
from stemma.annotate.nlp import annotate
from stemma.model import (
    Annotation,
    Article,
    ClaimGroup,
    Discrepancy,
    Entity,
    Mention,
    TimeRef,
)
from stemma.settings import DEFAULT, ClaimParams
from stemma.stories.embed import embed
from tests.conftest import EXAMPLES, shared_data


def _article(aid: str, text: str, outlet: str) -> Article:
    return Article(id=aid, path=f"{aid}.txt", text=text, raw_text=text, outlet=outlet,
                   language="en")  # fmt: skip


def _group_with(groups: list[ClaimGroup], fragment: str) -> ClaimGroup:
    found = [g for g in groups if any(fragment in m.text for m in g.mentions)]
    assert len(found) == 1, f"{fragment!r} is in {len(found)} groups"
    return found[0]


@pytest.fixture(scope="module")
def example(nlp):
    from stemma.ingest.readers import load

    articles = [a for a in load([EXAMPLES]) if isinstance(a, Article)]
    annotations = list(annotate(articles, nlp=nlp))
    vectors = embed([u.text for u in story_units(articles, annotations)])
    groups = align_claims("fsb", articles, annotations, embeddings=vectors)
    short = {a.id: Path(a.path).name[:3] for a in articles}
    return articles, annotations, groups, short, vectors


# --- the example corpus -----------------------------------------------------


def test_claims_enemy_claim_is_one_group_carried_by_all_five(example):
    _, _, groups, short, _ = example
    group = _group_with(groups, "labeled China an “enemy,”")
    assert sorted(short[a] for a in group.articles) == ["000", "001", "002", "003", "004"]
    texts = " | ".join(m.text for m in group.mentions)
    # The tabloid's hedged lead is a report of the claim (issue 16).
    for fragment in ("appears to have branded China", 'privately regards China as "the enemy',
                     "labeled China an “enemy,”"):  # fmt: skip
        assert fragment in texts
    assert group.kind == "reported"
    # One article's two tellings cannot share a group (the cannot-link): the
    # tabloid's other one sits with the NYT's wording, in a second group.
    other = _group_with(groups, "refers to China as “the enemy” in an eight-page")
    assert "brands China as “the enemy”" in " | ".join(m.text for m in other.mentions)
    # Mentions follow the article order of the story.
    assert [short[m.article] for m in group.mentions] == sorted(short[a] for a in group.articles)


@pytest.mark.parametrize(
    "fragment",
    ["monitoring of the Chinese messaging app WeChat", '"Entente-4,"', "Wagner mercenary group"],
)
def test_claims_document_details_only_001_carries_are_single_article(example, fragment):
    _, _, groups, short, _ = example
    group = _group_with(groups, fragment)
    assert group.single_article
    assert short[group.articles[0]] == "001"


def test_claims_speculation_never_joins_reported_mentions(example):
    _, _, groups, _, _ = example
    group = _group_with(groups, "The supposed leak might be a strategic move by Russia itself.")
    assert {m.kind for m in group.mentions} == {"commentary"}


def test_claims_every_sentence_unit_is_in_exactly_one_group(example):
    _, _, groups, _, _ = example
    spans = [(m.article, m.start, m.end) for g in groups for m in g.mentions]
    assert len(spans) == len(set(spans))
    for g in groups:
        assert len(g.articles) == len(g.mentions)  # one mention per article per claim
    assert len({g.id for g in groups}) == len(groups)


def test_claims_ids_are_stable_across_runs(example):
    articles, annotations, groups, _, vectors = example
    again = align_claims("fsb", articles, annotations, embeddings=vectors)
    assert [g.id for g in again] == [g.id for g in groups]
    other = align_claims("other-story", articles, annotations, embeddings=vectors)
    assert other[0].id != groups[0].id


def test_claims_example_has_no_false_name_discrepancy(example):
    _, _, groups, _, _ = example
    names = [d for g in groups for d in g.discrepancies if d.kind == "name"]
    # "Russia" vs "Russian" or "Putin" vs "Vladimir Putin" are not discrepancies.
    assert not [d for d in names if {v.rstrip("s") for v in d.values} <= {"Russia", "Russian"}]


# --- clause splitting and quantities on real sentences ----------------------


def test_claims_split_clauses_separates_coordinated_verb_phrases(example_texts):
    text = next(t for t in example_texts.values() if "brands China" in t)
    sentence = next(s for s in text.split("\n") if "brands China" in s)
    parts = [sentence[a:b] for a, b in split_clauses(sentence)]
    assert parts[0] == "The memo, The New York Times reports, brands China as “the enemy”"
    assert parts[1].startswith("accuses Beijing of espionage")


def test_claims_two_verbs_sharing_one_object_stay_one_clause() -> None:
    # Pahalgam 04 (eval/events): "shot" alone is no claim; the toll is its object.
    sentence = (
        "A group of gunmen shot and killed at least 26 domestic tourists and wounded many "
        "in the Baisaran Valley tourist town of Pahalgam, Kashmir, on Tuesday."
    )
    parts = [sentence[a:b] for a, b in split_clauses(sentence)]
    assert parts[0] == "A group of gunmen shot and killed at least 26 domestic tourists"
    # An intransitive verb before "and is …" still ends its clause.
    sentence = "The death toll has increased sharply overnight and is expected to rise by Friday."
    parts = [sentence[a:b] for a, b in split_clauses(sentence)]
    assert parts == [
        "The death toll has increased sharply overnight",
        "is expected to rise by Friday.",
    ]


@pytest.mark.parametrize(
    ("sentence", "second"),
    [
        # A plural noun before "and" does not hide the verb after it.
        (
            "Furthermore, China is expanding its soft power in traditionally Russian-dominated "
            "Central Asian countries and is eyeing Russia's vast Arctic territory, hoping to "
            "leverage Western sanctions to increase Russian reliance on Chinese infrastructure.",
            "is eyeing Russia's vast Arctic territory",
        ),
        (
            "The FSB notes that Chinese nationalists continue to reject the legitimacy of those "
            "treaties and accuses Beijing of stoking historical resentment to build public "
            "support for potential future claims.",
            "accuses Beijing of stoking",
        ),
        # "not only ... but" followed by a new subject is two claims.
        (
            "The war is not only draining Russia's resources, officials say, but the FSB also "
            "fears that China will exploit the moment.",
            "the FSB also fears",
        ),
    ],
)
def test_claims_split_clauses_after_plural_nouns_and_not_only(sentence, second):
    parts = [sentence[a:b] for a, b in split_clauses(sentence)]
    assert len(parts) == 2, parts
    assert parts[1].startswith(second)


@pytest.mark.parametrize(
    "sentence",
    [
        "According to the document, Chinese intelligence has indeed intensified efforts to "
        "recruit Russian officials, experts, journalists, and business figures close to power "
        "in Moscow.",
        "With Russia weakened by the war and sanctions, there's a fear that China is subtly "
        "reviving 19th-century territorial claims in the Russian Far East.",
        # "indeed" ends in -ed but is no verb.
        "It underscores that while public displays project an unbreakable bond, the shadows of "
        "espionage and geopolitical rivalry persist, making the Russia-China partnership one of "
        "the most consequential and indeed opaque relationships in modern history.",
        # Two plural nouns joined by "and" are a noun phrase, not a new verb phrase.
        "This inherent vulnerability is amplified by the internal conflicts and uncertainties "
        "within Russia, such as disagreements between various factions and internal concerns "
        "over Russia’s actual capabilities and strength.",
        # "not only ... but also ..." is one claim.
        "The ongoing war in Ukraine is not only draining Russia’s resources but also revealing "
        "internal fault lines and weaknesses.",
    ],
)
def test_claims_split_clauses_keeps_lists_and_noun_phrases_whole(sentence):
    assert len(split_clauses(sentence)) == 1


def test_claims_find_quantities_normalises_numbers_and_unit_words():
    found = find_quantities(
        "the FSB feared China– which shares more than 4,000 miles of its border– might take "
        'advantage; an eight-page planning document; the "Entente-4" program in 2022; '
        "the DKRO's 7th Service"
    )
    assert [(q.value, q.unit) for q in found] == [(4000.0, "mile"), (8.0, "page")]
    assert found[0].text == "more than 4,000 miles"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Real sentences from eval/events (East Palestine, Balloon, Texas floods, Odisha).
        ("As a result, 38 rail cars derailed and a fire ensued.", [(38.0, "car")]),
        ("Of the roughly 50 train cars that derailed on Friday", [(50.0, "car")]),
        ("the balloon was shot down six nautical miles off the coast", [(6.0, "mile")]),
        ("Lt. Gov. Dan Patrick said six to 10 bodies had been found so far.", [(10.0, "death")]),
        (
            "Patrick said emergency crews had recovered between six and 10 bodies.",
            [(10.0, "death")],
        ),
        ("Kerr County Sheriff Larry Leitha reported that 13 people had died", [(13.0, "death")]),
        ('"We have identified 13 fatalities," Kerr County Sheriff Larry Leitha', [(13.0, "death")]),
        (
            "the accident involving three trains killed at least 288 people injuring several "
            "hundred passengers",
            [(3.0, "train"), (288.0, "death"), (100.0, "passenger")],
        ),
        (
            "The death toll in the three-train crash on Friday was revised to 275 from 288",
            [(3.0, "train"), (275.0, "death"), (288.0, "death")],
        ),
        ("Yesvantpur Express which was crossing at the speed of 126 km/h", [(126.0, "km/h")]),
        ("Coromandal Express running at a speed of 116 kmph", [(116.0, "km/h")]),
        # Not every count of people counts the dead, and a unit of measure is no compound.
        ("killed 3 and 40 people were injured", [(3.0, "death"), (40.0, "person")]),
        ("1,000 people were evacuated", [(1000.0, "person")]),
        # Sudan (eval/events 08): the injured of the next clause are not the dead.
        (
            "at least 56 people had been killed while 595 more have been injured",
            [(56.0, "death"), (595.0, "")],
        ),
        ("killed 288 people, injuring 900", [(288.0, "death"), (900.0, "")]),
        ("winds of up to 40 mph winds", [(40.0, "mph")]),
    ],
)
def test_claims_quantities_read_compounds_ranges_and_death_counts(sentence, expected):
    assert [(q.value, q.unit) for q in find_quantities(sentence)] == expected


def test_claims_same_measure_of_two_named_things_is_not_a_discrepancy():
    # Odisha: two trains' speeds are two claims; one train's speed told twice is one.
    from stemma.analysis.units import make_unit

    yesvantpur = make_unit(
        "hit the last two bogies of Yesvantpur Express which was crossing at the speed of 126 km/h",
        entities=[("Yesvantpur Express", "ORG")],
    )
    coromandel = make_unit(
        "Shalimar-Chennai Coromandal Express running at a speed of 128 kmph rammed into a train",
        entities=[("Shalimar-Chennai Coromandal Express", "ORG")],
    )
    again = make_unit(
        "the Coromandel Express was speeding at 130 kmph", entities=[("Coromandel Express", "ORG")]
    )
    (speed_y,) = [q for q in yesvantpur.quantities if q.unit == "km/h"]
    (speed_c,) = coromandel.quantities
    (speed_again,) = again.quantities
    assert not speed_y.same_measure(speed_c)
    assert speed_c.same_measure(speed_again)
    # A source is not what is measured: "The Pentagon said … 6 miles" / "NORAD … 7 miles".
    pentagon = make_unit("The Pentagon said it was 6 miles off", entities=[("Pentagon", "ORG")])
    assert pentagon.quantities[0].subject == ""


# --- a second corpus: a wire story copied by three outlets ------------------

#: Replacements that turn 002 into its copies (a changed number; an altered quote).
NUMBER_CHANGE = ("more than 4,000 miles", "2,600 miles")
QUOTE_CHANGE = ("stepped up efforts to recruit", "redoubled their attempts to recruit")


@pytest.fixture(scope="module")
def wire(nlp):
    original = (EXAMPLES / "002_a0c40a7f595994d5.txt").read_text(encoding="utf-8")
    independent = (EXAMPLES / "001_1da184889dc0a294.txt").read_text(encoding="utf-8")
    assert NUMBER_CHANGE[0] in original and QUOTE_CHANGE[0] in original
    articles = [
        _article("wire", original, "Wire"),
        _article(
            "copy-a",
            original.replace("Russia’s FSB", "Russia’s Federal Security Service"),
            "Outlet A",
        ),
        _article("copy-b", original.replace(*NUMBER_CHANGE), "Outlet B"),
        _article("copy-c", original.replace(*QUOTE_CHANGE), "Outlet C"),
        _article("own", independent, "Independent"),
    ]
    annotations = list(annotate(articles, nlp=nlp))
    return articles, annotations, align_claims("wire-story", articles, annotations)


def test_claims_changed_number_in_one_copy_is_a_number_discrepancy(wire):
    _, _, groups = wire
    group = _group_with(groups, "which shares more than 4,000 miles of its border")
    assert {"wire", "copy-a", "copy-b", "copy-c"} <= set(group.articles)
    numbers = [d for d in group.discrepancies if d.kind == "number"]
    assert len(numbers) == 1
    assert set(numbers[0].values) == {"more than 4,000 miles", "2,600 miles"}
    assert "copy-b" in numbers[0].articles
    assert numbers[0].detail in ("more than 4,000 miles vs 2,600 miles",
                                 "2,600 miles vs more than 4,000 miles")  # fmt: skip


def test_claims_altered_quote_wording_is_flagged(wire):
    _, _, groups = wire
    group = _group_with(groups, "redoubled their attempts to recruit")
    assert {"wire", "copy-c"} <= set(group.articles)
    altered = [d for d in group.discrepancies if d.kind == "quote_altered"]
    assert altered and "copy-c" in altered[0].articles
    # Verbatim copies of the quote are not flagged against each other.
    assert all(set(d.articles) != {"wire", "copy-a"} for d in altered)


def test_claims_verbatim_copies_have_no_discrepancy(wire):
    _, _, groups = wire
    group = _group_with(groups, "sheds light on Moscow’s growing distrust toward Beijing")
    assert {"wire", "copy-a", "copy-b", "copy-c"} <= set(group.articles)
    assert group.discrepancies == ()


def test_claims_independent_report_joins_the_shared_claim(wire):
    _, _, groups = wire
    group = _group_with(groups, "intelligence agents were carrying out espionage in the Arctic")
    assert set(group.articles) == {"wire", "copy-a", "copy-b", "copy-c", "own"}


# --- real ECB+ reports: one witness quoted with a changed word --------------


def test_claims_ecbplus_witness_quote_with_changed_word_is_altered(nlp):
    path = shared_data("ecbplus-event-clusters") / "ecbplus_docs.jsonl"
    docs = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if d["doc_id"] in {"37_8ecbplus", "37_13ecbplus"}:
                docs[d["doc_id"]] = d["text"]
    articles = [_article(k, docs[k], k) for k in ("37_13ecbplus", "37_8ecbplus")]
    annotations = list(annotate(articles, nlp=nlp))
    groups = align_claims("aceh-quake", articles, annotations)
    group = _group_with(groups, "I see many houses were damages")
    assert set(group.articles) == {"37_13ecbplus", "37_8ecbplus"}
    assert [d.kind for d in group.discrepancies if d.kind == "quote_altered"] == ["quote_altered"]


# --- find_discrepancies on hand-made mentions of real sentences -------------

KHOR = ("Commenting on the memo, a fierce Putin critic Mikhail Khordokovsky noted that this "
        "is not a real alliance.")  # fmt: skip
KHOD = KHOR.replace("Khordokovsky", "Khodorkovsky")


def _mention_with(aid: str, text: str, **extra) -> tuple[Mention, Annotation]:
    m = Mention(aid, 0, 0, len(text), text, "reported")
    ents = tuple(
        Entity(aid, 0, name, "PERSON", text.index(name), text.index(name) + len(name))
        for name in extra.get("people", ())
    )
    times = tuple(
        TimeRef(aid, 0, t, text.index(t), text.index(t) + len(t), v, g)
        for t, v, g in extra.get("times", ())
    )
    return m, Annotation(aid, entities=ents, timerefs=times)


def test_claims_spelling_variant_of_a_name_is_a_name_discrepancy():
    a, ann_a = _mention_with("a", KHOR, people=["Mikhail Khordokovsky"])
    b, ann_b = _mention_with("b", KHOD, people=["Mikhail Khodorkovsky"])
    found = find_discrepancies([a, b], {"a": ann_a, "b": ann_b})
    assert [(d.kind, d.values) for d in found] == [
        ("name", ("Mikhail Khordokovsky", "Mikhail Khodorkovsky"))
    ]


def test_claims_negated_mention_is_a_negation_discrepancy():
    said = "The document said that Beijing’s intelligence agents were carrying out espionage."
    denied = "The document said that Beijing’s intelligence agents were not carrying out espionage."
    a, ann_a = _mention_with("a", said)
    b, ann_b = _mention_with("b", denied)
    assert [d.kind for d in find_discrepancies([a, b], {"a": ann_a, "b": ann_b})] == ["negation"]
    assert find_discrepancies([a, a.__class__("c", 0, 0, len(said), said)],
                              {"a": ann_a}) == ()  # fmt: skip


def test_claims_dates_disagreeing_at_common_granularity_are_flagged():
    one = "The document was drafted in late 2023 by a previously unknown unit."
    two = "The document was drafted in December 2022 by a previously unknown unit."
    three = "The document was drafted in December 2023 by a previously unknown unit."
    a, ann_a = _mention_with("a", one, times=[("late 2023", "2023", "year")])
    b, ann_b = _mention_with("b", two, times=[("December 2022", "2022-12", "month")])
    c, ann_c = _mention_with("c", three, times=[("December 2023", "2023-12", "month")])
    anns = {"a": ann_a, "b": ann_b, "c": ann_c}
    assert [(d.kind, d.values) for d in find_discrepancies([a, b], anns)] == [
        ("date", ("late 2023 (2023)", "December 2022 (2022-12)"))
    ]  # as written, with the date each resolves to
    assert find_discrepancies([a, c], anns) == ()  # 2023 contains December 2023


def test_claims_params_threshold_controls_grouping(example):
    articles, annotations, groups, _, vectors = example
    strict = align_claims("fsb", articles, annotations, embeddings=vectors,
                          params=ClaimParams(join_threshold=0.99))  # fmt: skip
    assert sum(not g.single_article for g in strict) < sum(not g.single_article for g in groups)


def test_claims_commentary_does_not_change_how_reported_mentions_group(example):
    articles, annotations, groups, _, vectors = example
    # Commentary as the learned model decides it (the kind claim units end with).
    units = refine(story_units(articles, annotations), vectors)
    # Sentences whose every unit is commentary are taken out.
    dropped = {(u.article, u.sentence) for u in units if u.kind == "commentary"} - {
        (u.article, u.sentence) for u in units if u.kind != "commentary"
    }
    keep = [i for i, u in enumerate(units) if (u.article, u.sentence) not in dropped]
    without = [
        Annotation(
            a.article,
            tuple(s for s in a.sentences if (a.article, s.index) not in dropped),
            a.entities,
            a.timerefs,
            a.quotes,
            a.attributions,
        )
        for a in annotations
    ]
    reduced = align_claims("fsb", articles, without, embeddings=vectors[keep])

    def partition(gs: list[ClaimGroup]) -> set[frozenset[tuple[str, int]]]:
        out = set()
        for g in gs:
            spans = frozenset((m.article, m.start) for m in g.mentions if m.kind != "commentary")
            if spans:
                out.add(spans)
        return out

    assert partition(reduced) == partition(groups)
    assert any(m.kind == "commentary" for g in groups for m in g.mentions)


def test_claims_score_matrix_matches_pair_score(example):
    articles, annotations, _, _, vectors = example
    units = story_units(articles, annotations)
    params = ClaimParams(entity_weight=0.1)
    matrix = score_matrix(units, vectors, params)
    weights = entity_weights(units)
    for i in range(0, len(units), 7):
        for j in range(len(units)):
            if units[i].article == units[j].article:
                assert matrix[i, j] == float("-inf")
            else:
                expected = pair_score(
                    units[i], units[j], float(vectors[i] @ vectors[j]), params, weights
                )
                assert matrix[i, j] == pytest.approx(expected, abs=1e-5)


# --- what gets embedded -------------------------------------------------------


def test_claims_single_article_story_embeds_its_units_once_for_their_kinds(example):
    articles, annotations, _, _, vectors = example
    units = story_units(articles[:1], annotations[:1])
    calls = []

    def encode(texts):
        # The kinds model reads the same vectors alignment would: one call.
        calls.append(len(texts))
        return vectors[: len(texts)]

    groups = align_claims("one", articles[:1], annotations[:1], encode=encode)
    assert calls == [len(units)]
    assert len(groups) == len(units) > 10
    assert all(g.single_article and len(g.mentions) == 1 for g in groups)


def test_claims_default_encoder_reads_claim_max_tokens(example, monkeypatch):
    import stemma.stories.embed

    articles, annotations, _, _, _ = example
    asked: list[int] = []
    real = stemma.stories.embed.embed

    def spy(texts, **kw):
        asked.append(kw.get("max_tokens", stemma.stories.embed.MAX_TOKENS))
        return real(texts, **kw)

    monkeypatch.setattr(stemma.stories.embed, "embed", spy)
    again = align_claims("fsb", articles, annotations)
    assert asked == [DEFAULT.claims.max_tokens]
    enemy = _group_with(again, "labeled China an “enemy,”")
    assert len(enemy.articles) == 5


# --- real coverage (eval/events): a figure or a quote told in other sentences --

EVENTS = Path(__file__).resolve().parents[1] / "eval" / "events"


def _event_articles(name: str, docs: list[str]) -> list[Article]:
    """Articles of one event of eval/events (real coverage), by two-digit id."""
    rows = (EVENTS / name / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    by_doc = {r["id"][-2:]: r for r in map(json.loads, rows)}
    return [_article(d, by_doc[d]["text"], by_doc[d]["outlet"]) for d in docs]


def _groups_with(groups: list[ClaimGroup], fragment: str) -> list[ClaimGroup]:
    return [g for g in groups if any(fragment in m.text for m in g.mentions)]


@pytest.fixture(scope="module")
def svb(nlp):
    articles = _event_articles("svb-collapse-2023-03", ["05", "07", "09", "11", "12"])
    annotations = list(annotate(articles, nlp=nlp))
    return align_claims("svb", articles, annotations)


@pytest.fixture(scope="module")
def floods(nlp):
    articles = _event_articles("texas-floods-2025-07", ["01", "03", "08", "11", "13", "14"])
    annotations = list(annotate(articles, nlp=nlp))
    return align_claims("floods", articles, annotations)


def test_claims_svb_withdrawal_figure_told_two_ways_is_one_claim_with_a_discrepancy(svb):
    # "$42 billion" (Reuters-like wording in 05 and 07) and "more than $42 million"
    # (12, a slip) are one fact in three differently worded sentences.
    [group] = [g for g in _groups_with(svb, "$42 million") if len(g.articles) > 1]
    assert {"05", "07", "12"} <= set(group.articles)
    numbers = [d.values for d in group.discrepancies if d.kind == "number"]
    assert ("$42 billion", "more than $42 million") in numbers


def test_claims_svb_one_speakers_quote_is_one_claim_and_another_speakers_is_not(svb):
    # Biden's words, quoted in full by 12 and in part by 11, are one claim; Yellen's
    # "The American banking system is really safe" (09) is hers, not his.
    [biden] = _groups_with(svb, "Americans can have confidence that the banking system is safe")
    assert set(biden.articles) == {"11", "12"}
    assert all(m.kind == "quote" for m in biden.mentions)
    [yellen] = _groups_with(svb, "The American banking system is really safe")
    assert yellen.articles == ("09",)


def test_claims_floods_river_rise_retold_in_five_sentences_is_one_claim(floods):
    # Five outlets put "the river rose 26 feet" inside sentences about other
    # things (a quote, a camp's location, the day's timeline).
    groups = _groups_with(floods, "26 feet")
    biggest = max(groups, key=lambda g: len(g.articles))
    assert {"03", "08", "11", "13", "14"} <= set(biggest.articles)
    # A sentence is in at most two groups, each group names an article once, and
    # no group repeats only part of another.
    spans = Counter((m.article, m.start) for g in floods for m in g.mentions)
    assert max(spans.values()) <= 2
    assert all(len(g.articles) == len(g.mentions) for g in floods)
    assert len({g.id for g in floods}) == len(floods)
    sets = [{(m.article, m.start) for m in g.mentions} for g in floods]
    assert not any(a < b for a in sets for b in sets)


@pytest.mark.parametrize(
    ("a", "b", "close"),
    [
        (13_000, 12_500, True),  # the Titanic's depth, two outlets
        (26, 22, True),  # the river's rise
        (7, 10, True),  # passengers
        (42e9, 42e6, True),  # the same figure with another multiplier
        (300_000, 150_000, True),
        (1_600, 13_000, False),  # distance from the wreck vs its depth
        (60, 215, False),
        (0, 5, False),
    ],
)
def test_claims_close_values_of_one_measure(a, b, close):
    from stemma.analysis.align import _close

    assert _close(a, b) is close


def test_claims_find_quantities_reads_irregular_units_and_skips_an_adjective():
    def pairs(text: str) -> list[tuple[float, str, str]]:
        return [(q.value, q.unit, q.text) for q in find_quantities(text)]

    assert pairs("the river rose 26 feet; a 22 foot rise; about 22ft") == [
        (26.0, "foot", "26 feet"),
        (22.0, "foot", "22 foot"),
        (22.0, "foot", "about 22ft"),
    ]
    found = pairs("thieves took eight priceless jewels")
    assert found == [(8.0, "jewel", "eight priceless jewels")]
    assert pairs("depositors tried to pull $42 billion from the bank") == [
        (42e9, "dollar", "$42 billion")
    ]


def test_claims_clock_times_are_compared_as_times() -> None:
    # Chandrayaan-3 (eval/events, docs 01 and 07): the landing at "6:04 p.m."
    # against "ended at 6.05 p.m." — the closest reading, not the countdown's
    # start at 5.45 p.m., is the discrepancy; "18:04 local time (12:34 GMT)"
    # agrees with 6:04 p.m.; GMT is another dial; "3.84 lakh" is no time.
    from stemma.analysis.units import make_unit

    ap = make_unit(
        "A lander touched down on the lunar surface at 6:04 p.m. local time.", article="a"
    )
    fpj = make_unit(
        "The 19 minutes of suspense began at 5.45 p.m., as planned earlier, and ended at "
        "6.05 p.m. with the lander touching down on the lunar soil.",
        article="b",
    )
    bbc = make_unit(
        "The Vikram lander touched down as planned at 18:04 local time (12:34 GMT).", article="c"
    )
    found = discrepancies_of([ap, fpj], {}, {})
    assert [(d.kind, d.values) for d in found] == [("time", ("6:04 p.m.", "6.05 p.m."))]
    assert discrepancies_of([ap, bbc], {}, {}) == ()
    lakh = make_unit("The lander travelled about 3.84 lakh km for over 40 days.", article="d")
    assert not any(q.unit.startswith("time") for q in lakh.quantities)
    # A bare hour is a time only with its a.m./p.m.: "10 pm", not "10 people".
    curfew = make_unit("A curfew runs from 10 pm, and 10 people were detained.", article="e")
    assert [(q.text, q.unit) for q in curfew.quantities if q.unit == "time"] == [("10 pm", "time")]


def test_claims_nearly_and_more_than_one_figure_disagree() -> None:
    # OpenAI (eval/events): "Nearly 500" staff against "more than 500": one
    # figure, bounds on either side of it. "About 500" agrees with both.
    from stemma.analysis.units import make_unit

    nearly = make_unit(
        "Nearly 500 staff threatened to quit unless the board resigned.", article="a"
    )
    more = make_unit(
        "More than 500 staff threatened to quit unless the board resigned.", article="b"
    )
    about = make_unit("About 500 staff threatened to quit unless the board resigned.", article="c")
    assert [d.values for d in discrepancies_of([nearly, more], {}, {})] == [
        ("Nearly 500 staff", "More than 500 staff")
    ]
    assert discrepancies_of([nearly, about], {}, {}) == ()
    assert discrepancies_of([more, about], {}, {}) == ()


def test_claims_learned_pairs_weigh_the_rare_words_a_retelling_keeps() -> None:
    # Tempi (eval/events, docs 04 and 07): two outlets' words for the charge
    # share its rare words ("stationmaster", "manslaughter"); the minister's
    # resignation shares only the story's common ones ("train", "Larissa").
    import numpy as np

    from stemma.analysis.pairs import FEATURES, pair_features, same_claim
    from stemma.analysis.units import make_unit

    texts = [
        "The local stationmaster has been charged with manslaughter.",
        "The train station master in the city of Larissa was arrested, charged with "
        "manslaughter through negligence.",
        "The transport minister resigned after the train collision near Larissa.",
        "Rescuers searched the wreckage of the train near Larissa through the night.",
    ]
    units = [make_unit(t, article=f"a{i}") for i, t in enumerate(texts)]
    vectors = np.zeros((len(units), 8))  # no cosine: the words alone decide
    features = pair_features(units, vectors)
    overlap = FEATURES.index("rare_overlap")
    assert features[0, 1, overlap] > features[1, 2, overlap] > 0
    probability = same_claim(units, vectors)
    assert probability[0, 1] > probability[1, 2]
    assert np.allclose(probability, probability.T)


def test_claims_one_clock_reading_and_a_distant_year_are_reported_once() -> None:
    # Chandrayaan-3 (eval/events): "18:04" (BBC copy) and "6:04 p.m." (AP)
    # are one reading; against "6.05 p.m." they make one discrepancy, not two.
    # A year alone decades from the landing day ("since 1983") is another
    # time, not a second account of when the landing was.
    from stemma.analysis.units import make_unit

    ap = make_unit("The lander touched down at 6:04 p.m. local time.", article="a")
    bbc = make_unit("The lander touched down as planned at 18:04 local time.", article="b")
    fpj = make_unit("The lander touched down at 6.05 p.m. on the lunar soil.", article="c")
    found = discrepancies_of([ap, bbc, fpj], {}, {})
    assert [d.kind for d in found] == ["time"]
    landing = make_unit("It landed on Wednesday.", article="d", dates=["2023-08-23"])
    history = make_unit("It is the first such landing since 1983.", article="e", dates=["1983"])
    assert discrepancies_of([landing, history], {}, {}) == ()
    # A year next to the event's is still a second account (a wrong year).
    near = make_unit("It landed in 2024.", article="g", dates=["2024"])
    assert [d.kind for d in discrepancies_of([landing, near], {}, {})] == ["date"]


def test_claims_people_counts_are_typed_by_what_happened_to_them():
    from stemma.analysis.units import people_counts

    # Pylos shipwreck (eval/events): four ways of counting the dead, two of the rescued.
    cases = {
        "At least 78 migrants drowned in the Ionian Sea near the Greek town of Pylos.": "death",
        "a shipwreck that killed at least 78 migrants, as hopes of survivors dwindled": "death",
        "the shipwreck tragedy that resulted in the loss of at least 79 lives": "death",
        "Rescuers saved 104 passengers from a fishing boat that sank": "survivor",
        "Greek authorities said 104 survivors had been brought ashore.": "survivor",
    }
    for sentence, measure in cases.items():
        assert [q.unit for q in people_counts(sentence)] == [measure], sentence
    # Sudan (eval/events): each count reads the cue of its own clause.
    got = people_counts("56 civilians had been killed while 595 more have been injured")
    assert [(q.value, q.unit) for q in got] == [(56.0, "death"), (595.0, "injured")]
    # Baltimore (eval/events): the clause's predicate says it, however far.
    cases = {
        "At least six people who were on the bridge are missing, Paul Wiedefeld said.": "missing",
        "Six people believed to have fallen in the water in the Baltimore bridge collapse "
        "early Tuesday are presumed dead, officials say.": "death",
    }
    for sentence, measure in cases.items():
        assert [q.unit for q in people_counts(sentence)] == [measure], sentence
    # A predicate past another count or clause is not this count's.
    assert people_counts("The 181 people on board were mostly South Koreans.") == ()
    got = people_counts("Eight people are in hospital and 20 were killed.")
    assert [(q.value, q.unit) for q in got] == [(20.0, "death")]


def test_claims_outlets_giving_different_tolls_flag_it_on_each_sentence():
    # Pylos shipwreck (eval/events): the lead sentences carry the toll among
    # other things, so they sit in different groups; the disagreement on the
    # dead is shown wherever a toll is given, and nothing else is compared.
    from stemma.analysis.align import figure_discrepancies
    from stemma.analysis.units import make_unit

    texts = {
        "a": "At least 78 migrants drowned in the Ionian Sea near the Greek town of Pylos.",
        "b": "Rescuers scoured the seas off Greece on Thursday following a shipwreck that killed "
        "at least 78 migrants, as hopes of survivors dwindled.",
        "c": "The death toll was later revised to 79.",
        "d": "Interim Prime Minister Ioannis Sarmas has declared a three-day national mourning "
        "period after the shipwreck tragedy that resulted in the loss of at least 79 lives.",
        "e": "The International Organization for Migration said up to 400 people were on board.",
    }
    units = [make_unit(t, article=a, kind="reported") for a, t in texts.items()]
    found = figure_discrepancies(units)
    assert set(found) == {0, 1, 2, 3}  # the IOM's 400 on board counts no one dead
    (toll,) = found[0]
    assert all(ds == [toll] for ds in found.values())  # one finding, shown on each sentence
    assert toll.articles == ("a", "b", "c", "d")
    assert toll.values == (
        "At least 78 migrants",
        "at least 78 migrants",
        "79",
        "at least 79 lives",
    )
    assert toll.detail == "the dead: 78 in 2 articles · 79 in 2 articles"


def test_claims_a_figure_inside_another_outlets_range_is_no_disagreement():
    # Texas floods (eval/events): "About 23" lies in "from 23 to 25"; "around 20" does not.
    texts = {
        "a": '"About 23" girls were unaccounted for from Camp Mystic along the Guadalupe River.',
        "b": "Anywhere from 23 to 25 children were missing from Camp Mystic, authorities said.",
        "c": "Texas Lieutenant Governor Dan Patrick confirmed around 20 children are missing.",
    }
    (missing,) = _findings(texts)
    assert missing.detail == "the missing: 20 in 1 article · 23 in 1 article · 25 in 1 article"
    # Without the outlet that says "around 20", the other two agree.
    assert not _findings({k: texts[k] for k in ("a", "b")})


def test_claims_a_count_of_the_dead_anchors_however_the_people_are_named():
    # Pylos shipwreck (eval/events): "78 individuals … killed" re-tells the toll of
    # "a shipwreck that killed at least 78 migrants"; it joins that group as well.
    import numpy as np

    from stemma.analysis.align import _attach_by_anchor
    from stemma.analysis.units import make_unit

    units = [
        make_unit(
            "Rescuers scoured the seas following a shipwreck that killed at least 78 migrants.",
            article="a",
            kind="reported",
        ),
        make_unit("The death toll rose to 78 on Thursday.", article="b", kind="reported"),
        make_unit("78 individuals have been proven killed thus far.", article="c", kind="reported"),
    ]
    scores = np.full((3, 3), 0.5)
    anchored = _attach_by_anchor(units, scores, [[0, 1], [2]], DEFAULT.claims)
    assert ([0, 1], [2]) in anchored


def test_claims_values_of_one_measure_are_one_finding():
    # Pylos shipwreck (eval/events): five outlets' estimates of the people on board
    # were ten pairwise lines; they are one finding with every value.
    from stemma.analysis.units import make_unit

    texts = {
        "a": "Initial reports suggest up to 400 people were on board the fishing vessel.",
        "b": "A rescue charity said it believed around 750 people were on board the vessel.",
        "c": "Survivors said between 400 and 600 people were on board the vessel.",
    }
    units = [make_unit(t, article=a, kind="reported") for a, t in texts.items()]
    (found,) = discrepancies_of(units, {}, {})
    assert found.kind == "number"
    assert set(found.values) == {
        "up to 400 people",
        "around 750 people",
        "between 400 and 600 people",
    }
    assert found.detail.count(" vs ") == 2


def test_claims_two_sources_far_apart_on_one_count_are_two_claims():
    # Derna (eval/events, 04 and 14): the Red Crescent's 11,300 dead and the WHO's
    # 3,922 confirmed deaths count different things; neither corroborates the other.
    import numpy as np

    from stemma.analysis.align import CANNOT_LINK, _figure_rules
    from stemma.analysis.units import Unit, make_unit, people_counts

    def unit(text: str, article: str, source: str | None) -> Unit:
        return make_unit(text, article=article, kind="reported", source=source)

    units = [
        unit(
            "The dams collapsed on Monday, causing a huge flash flood that killed at least "
            "11,300 people, according to a revised death toll from the Libyan Red Crescent.",
            "04",
            "Libyan Red Crescent",
        ),
        unit("The World Health Organization has confirmed 3,922 deaths.", "14", "WHO"),
        # Nepal (eval/events): two sources, 14 and 19 dead on one day: one claim
        # that disagrees, so they may join.
        unit("At least 14 people were killed, police said.", "a", "police"),
        unit("19 people died in the protests, the Civil Service Hospital said.", "b", "hospital"),
        # One source's own counts far apart are never kept apart by this rule.
        unit("The Red Crescent said 1,000 people had died.", "c", "Libyan Red Crescent"),
        # No source named: nothing to keep apart.
        unit("More than 5,000 people were killed.", "d", None),
    ]
    counts = [people_counts(u.text, u.quantities) for u in units]
    scores = _figure_rules(units, np.zeros((6, 6)), counts, DEFAULT.claims)
    assert scores[0, 1] == scores[1, 0] == CANNOT_LINK
    assert scores[2, 3] == 0
    assert scores[0, 4] == 0 and scores[1, 4] == CANNOT_LINK
    assert not np.isneginf(scores[:, 5]).any()


def test_claims_measures_of_the_event_are_read_in_one_unit():
    from stemma.analysis.units import measured_figures

    def read(text: str) -> list[tuple[float, str]]:
        return [(round(q.value, 1), q.unit) for q in measured_figures(text)]

    # Afghanistan (eval/events, 02 and 04): one depth told in km and in miles; the
    # distance from a named place is its own measure.
    assert read(
        "The US Geological Survey (USGS) located the epicenter 27 km (16.77 miles) northeast "
        "of Jalalabad at a depth of 8 km (4.97 miles)."
    ) == [(27000.0, "distance from Jalalabad"), (8000.0, "depth")]
    # The conversion in brackets is shown with the figure; a distance "towards" a
    # place is from it; one magnitude is told to the decimal.
    (told,) = measured_figures("winds of 165 mph (270 km/h), the NHC added.")
    assert told.text == "165 mph (270 km/h)"
    assert read("advanced 200 kilometers (124 miles) towards Moscow") == [
        (200000.0, "distance from Moscow")
    ]
    assert read("It was just five miles deep.") == [(8046.7, "depth")]
    # A later quake's magnitude is measured apart from the first's.
    assert read("A magnitude 5.2 aftershock rattled the area on Tuesday.") == [
        (5.2, "later magnitude")
    ]
    assert read("A 7.8-magnitude earthquake shook southeastern Turkey.") == [(7.8, "magnitude")]
    # Wind speed with its conversion in brackets (one figure); a train's speed is no
    # measure of the event.
    assert read("Melissa had top sustained winds of 185 mph (295 kph).") == [(297.7, "wind speed")]
    assert read("The Yesvantpur Express was running at 126 km/h.") == []


def _findings(texts: dict[str, str]) -> set[Discrepancy]:
    """The story-level figure findings of one sentence per article (article id → text)."""
    from stemma.analysis.align import figure_discrepancies
    from stemma.analysis.units import make_unit

    units = [make_unit(t, article=a, kind="reported") for a, t in texts.items()]
    return {d for ds in figure_discrepancies(units).values() for d in ds}


def test_claims_outlets_giving_different_measures_flag_it_once_converted():
    # Afghanistan (eval/events): four outlets put the quake 8 km deep (one in miles),
    # Reuters' story 10 km; the distance from Jalalabad agrees.
    texts = {
        "01": "The quake's epicenter was near Jalalabad, Nangarhar province, and it had a depth "
        "of 8 kilometers, the USGS said.",
        "02": "The USGS located the epicenter 27 km (16.77 miles) northeast of Jalalabad at a "
        "depth of 8 km (4.97 miles).",
        "04": "It was just five miles deep.",
        "13": "Its epicenter was located 27 kilometers northeast of Jalalabad, at a depth of "
        "eight kilometers.",
        "14": "The first earthquake of magnitude 6 struck the provinces of Kunar and Nangarhar "
        "around midnight on Sunday at a shallow depth of 10 km (6 miles).",
    }
    (depth,) = _findings(texts)
    assert depth.detail == "the depth: 8 kilometers in 4 articles · 10 km (6 miles) in 1 article"
    assert depth.values == (
        "8 kilometers",
        "8 km (4.97 miles)",
        "five miles",
        "eight kilometers",
        "10 km (6 miles)",
    )
    # Without Reuters' story, every outlet agrees: "five miles" is 8 km.
    assert not _findings({k: texts[k] for k in ("01", "02", "04", "13")})


def test_claims_magnitudes_differ_to_the_decimal_and_conversions_round():
    # Kamchatka (eval/events): the USGS's 8.8 and the first 8.7 are a disagreement;
    # Otis (eval/events): "165 mph (270 km/h)" and "270 km/h" agree, "250km/h" does not.
    quake = {
        "01": "A powerful, 8.8-magnitude earthquake struck off the coast of Russia.",
        "02": "The United States Geological Survey said the quake was magnitude 8.8.",
        "03": "The magnitude 8.7 quake struck at 8:24 a.m. off Petropavlovsk-Kamchatsky.",
    }
    (magnitude,) = _findings(quake)
    assert (
        magnitude.detail
        == "the magnitude: 8.8-magnitude in 2 articles · magnitude 8.7 in 1 article"
    )
    storm = {
        "01": "Otis was packing maximum sustained winds of 165 mph (270 km/h), the NHC added.",
        "02": "Otis made landfall with winds of 270 km/h.",
        "13": "Otis reached shore early on Wednesday with devastating 250km/h winds.",
    }
    (wind,) = _findings(storm)
    assert wind.detail == "the wind speed: 165 mph (270 km/h) in 2 articles · 250km/h in 1 article"
    assert not _findings({k: storm[k] for k in ("01", "02")})


def test_claims_a_round_figure_agrees_with_a_precise_one():
    # Kamchatka (eval/events): "about 20 km" deep and "20.7 kilometers" deep agree.
    texts = {
        "a": "The quake struck at a depth of about 20 km.",
        "b": "The quake was 20.7 kilometers deep, the USGS said.",
        "c": "The earthquake hit at a depth of 19 km.",
    }
    assert not _findings({k: texts[k] for k in ("a", "b")})
    # Told precisely, 19 and 20.7 km disagree.
    assert _findings({k: texts[k] for k in ("b", "c")})


def test_claims_days_far_apart_are_two_events_a_day_apart_one_told_two_ways():
    # OpenAI (eval/events, 03 and 12): Brockman quit on Friday 17 November;
    # OpenAI said on Tuesday 21 November that Altman would return. Alike in
    # words (OpenAI, its president, its CEO), they were one group, and a false
    # "Friday vs Tuesday" discrepancy was flagged on it.
    from dataclasses import replace

    import numpy as np

    from stemma.analysis.align import CANNOT_LINK, _date_rules
    from stemma.analysis.units import make_unit

    def unit(text: str, article: str, *days: str):
        return replace(make_unit(text, article=article, kind="reported"), dates=days)

    units = [
        unit("Greg Brockman, president of OpenAI, resigned on Friday from OpenAI, hours after "
             "the company forced out CEO and cofounder Sam Altman.", "03", "2023-11-17"),
        unit("OpenAI on Tuesday said it reached an agreement for Sam Altman to return as CEO "
             "days after his ouster.", "12", "2023-11-21"),
        # Daily Sabah (14) dates the same agreement a day later: one claim, told two ways.
        unit("ChatGPT maker OpenAI Wednesday announced it reached an agreement for Sam Altman "
             "to return as CEO.", "14", "2023-11-22"),
        # A month or a year alone says nothing about the day.
        unit("Altman was fired in November 2023.", "a", "2023-11"),
    ]  # fmt: skip
    scores = _date_rules(units, np.zeros((4, 4)))
    assert scores[0, 1] == scores[0, 2] == CANNOT_LINK
    assert scores[1, 2] == 0
    assert not np.isneginf(scores[:, 3]).any()


def test_claims_two_accounts_of_one_list_of_figures_are_one_account(nlp):
    # Air India 171 (eval/events, 02 and 05): the airline and the aviation regulator give
    # the same four counts of nationals: read from one manifest, they corroborate nothing.
    airline = (
        "Air India confirmed 53 British nationals were on board, alongside 169 Indian "
        "nationals, one Canadian and seven Portuguese."
    )
    regulator = (
        "Flight AI171 carried 232 passengers and 12 crew members, including 169 Indian "
        "nationals, 53 British nationals, seven Portuguese and one Canadian onboard, "
        "according to India's Directorate General of Civil Aviation."
    )
    articles = [_article("a", airline, "Outlet A"), _article("b", regulator, "Outlet B")]
    groups = align_claims("ai171", articles, list(annotate(articles, nlp=nlp)))
    group = _group_with(groups, "169 Indian")
    assert set(group.articles) == {"a", "b"}
    assert group.agreement is None and group.agreeing == ()
    # Two accounts sharing fewer figures still agree when their words do.
    one = airline.replace("53 British nationals were", "British nationals were").replace(
        ", one Canadian and seven Portuguese", ""
    )
    articles = [_article("a", one, "Outlet A"), _article("b", regulator, "Outlet B")]
    groups = align_claims("ai171", articles, list(annotate(articles, nlp=nlp)))
    assert _group_with(groups, "169 Indian").agreement is not None
