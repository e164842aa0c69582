"""Story clustering: signals, the example story, incremental ids, time window."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from stemma.ingest.readers import load
from stemma.model import Article, Story
from stemma.settings import DEFAULT
from stemma.stories.cluster import (
    ClusterParams,
    StoryInput,
    cluster_stories,
    document_vectors,
    entity_set,
    from_article,
    groups_from_similarity,
    lead_of,
    near_duplicates,
    normalise_entity,
    similarity_matrix,
    story_input,
)
from stemma.stories.embed import embed
from tests.conftest import EXAMPLES, shared_data


@cache
def ecb_docs() -> dict[str, dict[str, str]]:
    path = shared_data("ecbplus-event-clusters") / "ecbplus_docs.jsonl"
    records = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines())
    return {r["doc_id"]: r for r in records}


def ecb_item(nlp, doc_id: str, published: str | None = None) -> StoryInput:  # type: ignore[no-untyped-def]
    r = ecb_docs()[doc_id]
    doc = nlp(f"{r['title']}\n{r['text']}")
    return story_input(
        doc_id,
        r["title"],
        r["text"],
        entities=[(e.text, e.label_) for e in doc.ents],
        published=published,
    )


def example_items(nlp) -> list[StoryInput]:  # type: ignore[no-untyped-def]
    articles = [a for a in load([EXAMPLES]) if isinstance(a, Article)]
    assert len(articles) == 5
    return [
        story_input(
            a.id,
            a.title,
            a.text,
            entities=[(e.text, e.label_) for e in nlp(a.text).ents],
            published=a.published,
        )
        for a in articles
    ]


# --- inputs ----------------------------------------------------------------


def test_cluster_lead_of_keeps_three_sentences(example_texts: dict[str, str]) -> None:
    text = example_texts["002_a0c40a7f595994d5.txt"]
    lead = lead_of(text, sentences=3, words=500)
    assert text.split()[:5] == lead.split()[:5]
    assert lead.count(". ") + lead.count(".” ") <= 3
    assert len(lead) < len(text)
    assert len(lead_of(text, words=20).split()) == 20


def test_cluster_lead_of_does_not_split_at_initials() -> None:
    text = ecb_docs()["3_7ecb"]["text"]  # "The man, Brian G. Nichols, 37, ..."
    lead = lead_of(text, words=500)
    assert lead.startswith("The man, Brian G. Nichols, 37, was found guilty")
    assert "Judge James G. Bodiford of Superior Court handed down" in lead
    assert lead.endswith("I would, '' Judge Bodiford said.")
    assert "Mr. Nichols" not in lead


def test_cluster_normalise_entity_folds_article_case_and_possessive() -> None:
    assert normalise_entity("The Kremlin’s") == "kremlin"
    assert normalise_entity("  Federal  Security Service ") == "federal security service"
    assert entity_set([("FSB", "ORG"), ("February 2022", "DATE"), ("the FSB", "ORG")]) == {"fsb"}


# --- near-duplicates -----------------------------------------------------------


def test_cluster_near_duplicates_finds_reprint_not_same_topic(
    example_texts: dict[str, str],
) -> None:
    original = example_texts["002_a0c40a7f595994d5.txt"]
    # A reprint: new byline, last paragraph cut, one number changed.
    reprint = "By Staff Reporter\n" + original[: int(len(original) * 0.9)].replace(
        "eight-page", "nine-page"
    )
    other = example_texts["003_90f4051510850127.txt"]  # same story, written independently
    items = [story_input(str(k), None, t) for k, t in enumerate([original, other, reprint])]
    assert near_duplicates(items) == {(0, 2)}


def test_cluster_near_duplicates_ignores_tiny_texts() -> None:
    items = [story_input("a", "Get link", ""), story_input("b", "Get link", "")]
    assert near_duplicates(items) == set()


# --- stories ---------------------------------------------------------------


def test_cluster_example_corpus_is_one_story(nlp) -> None:  # type: ignore[no-untyped-def]
    items = example_items(nlp)
    stories = cluster_stories(items)
    assert len(stories) == 1
    assert stories[0].id == items[0].id
    assert sorted(stories[0].articles) == sorted(it.id for it in items)


def test_cluster_incremental_joins_existing_story_and_keeps_id(nlp) -> None:  # type: ignore[no-untyped-def]
    fsb = example_items(nlp)
    a, c = fsb[0], fsb[2]  # two articles about the FSB leak
    b = ecb_item(nlp, "1_2ecb")  # Tara Reid enters rehab
    d = ecb_item(nlp, "3_7ecb")  # Brian Nichols sentenced

    first = cluster_stories([a, b])
    assert [s.articles for s in first] == [(a.id,), (b.id,)]

    second = cluster_stories([a, b, c], existing=first)
    assert (second[0].id, second[0].articles) == (a.id, (a.id, c.id))
    assert second[0].thread_list[0][0] == a.id  # a's thread keeps its id
    assert second[1] == first[1]

    third = cluster_stories([a, b, c, d], existing=second)
    assert third[:2] == second
    assert third[2] == Story(id=d.id, articles=(d.id,), title=d.title, threads=((d.id,),))


def test_cluster_existing_stories_are_never_merged(nlp) -> None:  # type: ignore[no-untyped-def]
    a, b, c = example_items(nlp)[:3]
    # Someone (a user, an earlier run) split the story: the split is kept.
    existing = [Story(id=a.id, articles=(a.id,)), Story(id=b.id, articles=(b.id,))]
    stories = cluster_stories([a, b, c], existing=existing)
    assert len(stories) == 2
    assert {s.id for s in stories} == {a.id, b.id}
    assert sum(len(s.articles) for s in stories) == 3


def test_cluster_tells_same_topic_events_apart(nlp) -> None:  # type: ignore[no-untyped-def]
    # ECB+ topic 1: Tara Reid's rehab (1ecb) and Lindsay Lohan's (1ecbplus),
    # the hard case: same kind of event, same vocabulary.
    reid = ["1_2ecb", "1_7ecb", "1_10ecb", "1_11ecb"]
    lohan = ["1_2ecbplus", "1_6ecbplus", "1_10ecbplus", "1_13ecbplus"]
    items = [ecb_item(nlp, i) for i in reid + lohan]
    stories = cluster_stories(items)
    # No story mixes the two, and Reid's four reports are one story.
    assert all(set(s.articles) <= set(reid) or set(s.articles) <= set(lohan) for s in stories)
    assert sorted(reid) in [sorted(s.articles) for s in stories]


def test_cluster_time_window_splits_unless_near_duplicate(nlp) -> None:  # type: ignore[no-untyped-def]
    early = ecb_item(nlp, "1_2ecb", published="2008-12-12")
    same_week = replace(ecb_item(nlp, "1_7ecb"), published="2008-12-14")
    months_later = replace(ecb_item(nlp, "1_10ecb"), published="2009-03-01")
    stories = cluster_stories([early, same_week, months_later])
    assert [s.articles for s in stories] == [(early.id, same_week.id), (months_later.id,)]

    reprint = replace(early, id="reprint", published="2009-03-01")
    stories = cluster_stories([early, reprint])
    assert [s.articles for s in stories] == [(early.id, "reprint")]


def test_cluster_entities_lower_score_of_different_people(nlp) -> None:  # type: ignore[no-untyped-def]
    items = [ecb_item(nlp, "1_2ecb"), ecb_item(nlp, "1_10ecb"), ecb_item(nlp, "1_2ecbplus")]
    vectors = embed([it.headline for it in items])
    for level, weight in (("thread", "thread_entity_weight"), ("story", "entity_weight")):
        plain = similarity_matrix(
            items, vectors, params=ClusterParams(**{weight: 0.0}), level=level
        )
        named = similarity_matrix(
            items, vectors, params=ClusterParams(**{weight: 0.45}), level=level
        )
        # Reid vs Lohan drops more than Reid vs Reid when names count.
        assert plain[0, 2] - named[0, 2] > plain[0, 1] - named[0, 1], level


def test_cluster_average_linkage_does_not_chain() -> None:
    # A~B and B~C but A and C unrelated: single linkage chains them, average does not.
    scores = np.array([[1.0, 0.6, 0.0], [0.6, 1.0, 0.6], [0.0, 0.6, 1.0]], dtype=np.float32)
    assert groups_from_similarity(scores, threshold=0.5, method="single") == [[0, 1, 2]]
    assert len(groups_from_similarity(scores, threshold=0.5, method="average")) == 2


def test_cluster_rejects_misaligned_embeddings(example_texts: dict[str, str]) -> None:
    items = [story_input(name, None, text) for name, text in example_texts.items()]
    with pytest.raises(ValueError, match="one row per item"):
        cluster_stories(items, embeddings=np.zeros((2, 384), dtype=np.float32))


def test_cluster_takes_repeated_articles_once(example_texts: dict[str, str]) -> None:
    text = example_texts["000_3c45b8d28d6be2d7.txt"]
    item = story_input("a", None, text)
    vectors = np.ones((2, 384), dtype=np.float32) / np.sqrt(384)
    assert cluster_stories([item, item], embeddings=vectors) == [
        Story(id="a", articles=("a",), threads=(("a",),))
    ]


# --- stories are events, threads are angles (real multi-outlet coverage) -------

EVENTS = Path(__file__).resolve().parents[1] / "eval" / "events"


@cache
def event_inputs(*names: str) -> tuple[list[StoryInput], np.ndarray, np.ndarray, list[str]]:
    """The story inputs, headline rows and document vectors of the articles of
    ``eval/events/<name>`` (in that order), made as the engine makes them:
    ingest, annotation, claim units, MiniLM; and each article's event."""
    from stemma.analysis.units import claim_units
    from stemma.annotate.nlp import annotate

    articles: list[Article] = []
    events: list[str] = []
    for name in names:
        found = [a for a in load([EVENTS / name / "articles.jsonl"]) if isinstance(a, Article)]
        articles += found
        events += [name] * len(found)
    annotations = list(annotate(articles))
    items = [from_article(a, n) for a, n in zip(articles, annotations, strict=True)]
    headlines = embed([it.headline for it in items])
    documents = document_vectors(
        [[u.text for u in claim_units(a, n)] for a, n in zip(articles, annotations, strict=True)],
        headlines,
        lambda texts: embed(texts, max_tokens=DEFAULT.claims.max_tokens),
    )
    return items, headlines, documents, events


def test_cluster_one_event_told_from_many_angles_is_one_story_with_threads() -> None:
    # The Texas Hill Country floods, 14 outlets: the river's rise, the missing
    # campers of Camp Mystic, the death toll, the warnings officials did not
    # know of. Title and lead alone split it (the old story level, now threads).
    items, headlines, documents, _ = event_inputs("texas-floods-2025-07")
    stories = cluster_stories(items, embeddings=headlines, documents=documents)
    assert len(stories) == 1
    assert set(stories[0].articles) == {it.id for it in items}
    threads = stories[0].thread_list
    assert len(threads) >= 2
    assert sorted(a for t in threads for a in t) == sorted(stories[0].articles)
    assert [t[0] for t in threads] == sorted({t[0] for t in threads}, key=items_order(items))


def items_order(items: list[StoryInput]):  # type: ignore[no-untyped-def]
    order = {it.id: k for k, it in enumerate(items)}
    return order.__getitem__


def test_cluster_two_events_stay_apart_and_each_mostly_whole() -> None:
    # A train derailment in Ohio and a train collision in India: one kind of
    # event, different places, people and months.
    items, headlines, documents, events = event_inputs(
        "east-palestine-derailment-2023-02", "odisha-train-collision-2023-06"
    )
    stories = cluster_stories(items, embeddings=headlines, documents=documents)
    event_of = {it.id: e for it, e in zip(items, events, strict=True)}
    assert all(len({event_of[a] for a in s.articles}) == 1 for s in stories)
    for event in set(events):
        largest = max(sum(event_of[a] == event for a in s.articles) for s in stories)
        assert largest >= 10, event  # of 14 (Odisha's largest thread, by title + lead: 7)
    threads = sum(len(s.thread_list) for s in stories)
    assert threads > len(stories)


def test_cluster_threads_grow_incrementally_with_stable_ids() -> None:
    items, headlines, documents, _ = event_inputs("svb-collapse-2023-03")
    first = cluster_stories(items[:7], embeddings=headlines[:7], documents=documents[:7])
    later = cluster_stories(items, embeddings=headlines, documents=documents, existing=first)
    assert [s.id for s in later[: len(first)]] == [s.id for s in first]
    for before, after in zip(first, later, strict=False):
        assert after.articles[: len(before.articles)] == before.articles
        # Every earlier thread is still there, with its id and members first.
        for old, new in zip(before.thread_list, after.thread_list, strict=False):
            assert new[: len(old)] == old
    assert sorted(a for s in later for a in s.articles) == sorted(it.id for it in items)


def test_cluster_threads_reach_the_store_the_brief_and_the_page(tmp_path: Path) -> None:
    import stemma
    from stemma.store import Store
    from stemma.web import queries

    db = tmp_path / "stemma.duckdb"
    result = stemma.analyze(
        [EVENTS / "texas-floods-2025-07" / "articles.jsonl"], db=db, out=tmp_path, progress=False
    )
    (story,) = result.report["stories"]
    threads = story["threads"]
    assert len(threads) >= 2
    assert sorted(a for t in threads for a in t) == sorted(story["articles"])
    with Store(db, read_only=True) as store:
        (stored,) = store.stories()
        page = queries.story(store, story["id"])
    assert [list(t) for t in stored.thread_list] == threads
    # The web page lists the same threads, each named (titles or first sentences).
    assert page is not None
    assert sorted(t["id"] for t in page["threads"]) == sorted(t[0] for t in threads)
    assert all(t["title"] and len(t["title"].split()) >= 4 for t in page["threads"])
    # The brief lists each thread once, by its first article's title.
    titles = {a["id"]: a["title"] for a in result.report["articles"]}
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "### Threads" in markdown
    assert f"{len(threads)} threads: the angles" in html
    for t in threads:
        assert (titles[t[0]] or "") in markdown


def test_cluster_a_developing_event_is_one_story_not_its_phases() -> None:
    # The Chinese balloon, 2-6 Feb 2023, 14 outlets: over Montana, shot down
    # off South Carolina, the debris. Its articles' pairs average under the
    # story threshold (they name different places and people), so article
    # pairs alone make three stories; the stories' summed name profiles are
    # one event. The East Palestine derailment, covered in the same days, and
    # the Tempi collision stay events of their own.
    items, headlines, documents, events = event_inputs(
        "balloon-2023-02", "east-palestine-derailment-2023-02", "tempi-train-collision-2023-02"
    )
    apart = replace(DEFAULT.stories, event_entity=0.0)
    split = cluster_stories(items, embeddings=headlines, documents=documents, params=apart)
    story_of = {a: s.id for s in split for a in s.articles}
    balloon = [it.id for it, e in zip(items, events, strict=True) if e == "balloon-2023-02"]
    assert len({story_of[a] for a in balloon}) > 1
    stories = cluster_stories(items, embeddings=headlines, documents=documents)
    story_of = {a: s.id for s in stories for a in s.articles}
    assert len({story_of[a] for a in balloon}) == 1
    by_event: dict[str, set[str]] = {}
    for it, e in zip(items, events, strict=True):
        by_event.setdefault(e, set()).add(story_of[it.id])
    # No story holds articles of two events.
    held = [s for ids in by_event.values() for s in ids]
    assert len(held) == len(set(held))


def test_cluster_a_later_phase_of_an_event_joins_its_stored_story() -> None:
    # The balloon's shooting down and debris (docs 05, 07, 13) arrive after the
    # rest is stored: they join the stored story by the event test, its id kept.
    items, headlines, documents, _ = event_inputs("balloon-2023-02")
    later = {4, 6, 12}
    first = [k for k in range(len(items)) if k not in later]
    stored = cluster_stories(
        [items[k] for k in first], embeddings=headlines[first], documents=documents[first]
    )
    assert len(stored) == 1
    grown = cluster_stories(items, existing=stored, embeddings=headlines, documents=documents)
    assert [s.id for s in grown] == [stored[0].id]
    assert set(grown[0].articles) == {it.id for it in items}
    # Article pairs alone leave the later phase a story of its own.
    apart = replace(DEFAULT.stories, event_entity=0.0)
    alone = cluster_stories(
        items, existing=stored, embeddings=headlines, documents=documents, params=apart
    )
    assert len(alone) > 1


def test_cluster_an_angle_piece_joins_its_event_and_stays_out_of_another() -> None:
    # Hualien (14): a miner's story of his escape names no one the other
    # coverage names, but says what it says; with the Kamchatka earthquake and
    # tsunami of another year in the same corpus it joins Hualien, not them.
    items, headlines, documents, events = event_inputs(
        "hualien-earthquake-2024-04", "kamchatka-earthquake-2025-07"
    )
    off = replace(DEFAULT.stories, event_single_document=1.01)
    split = cluster_stories(items, embeddings=headlines, documents=documents, params=off)
    stories = cluster_stories(items, embeddings=headlines, documents=documents)
    assert len(stories) < len(split)
    story_of = {a: s.id for s in stories for a in s.articles}
    by_event: dict[str, set[str]] = {}
    for it, e in zip(items, events, strict=True):
        by_event.setdefault(e, set()).add(story_of[it.id])
    assert len(by_event["hualien-earthquake-2024-04"]) == 1
    assert not by_event["hualien-earthquake-2024-04"] & by_event["kamchatka-earthquake-2025-07"]
