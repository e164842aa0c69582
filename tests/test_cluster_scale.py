"""Story clustering at scale: the index path (candidates from faiss and MinHash
LSH instead of every pair) gives the exact path's stories, keeps ids when it
grows, and its parts agree with the exact functions they stand in for."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from datasketch import MinHash

from stemma.model import Story
from stemma.settings import DEFAULT
from stemma.stories import cluster
from stemma.stories.cluster import (
    StoryIndex,
    StoryInput,
    cluster_stories,
    groups_from_similarity,
    minhash_rows,
    near_duplicates,
    shingles,
    sparse_average_groups,
    story_input,
)
from tests.test_cluster import event_inputs

#: Four real events, 56 articles: three train crashes (one kind of event, three
#: places and months) and a flood.
EVENTS = (
    "east-palestine-derailment-2023-02",
    "odisha-train-collision-2023-06",
    "tempi-train-collision-2023-02",
    "derna-floods-2023-09",
)


def partition(stories: list[Story]) -> list[list[str]]:
    return sorted(sorted(s.articles) for s in stories)


@pytest.mark.parametrize("limit", [10, 3])
def test_scale_index_path_gives_the_exact_stories_on_real_events(limit: int) -> None:
    items, headlines, documents, events = event_inputs(*EVENTS)
    exact = cluster_stories(items, embeddings=headlines, documents=documents)
    assert len(items) > limit  # the index path runs: candidates, components, pieces
    forced = replace(DEFAULT.stories, exact_limit=limit, neighbours=8)
    sparse = cluster_stories(items, embeddings=headlines, documents=documents, params=forced)
    assert sparse == exact  # the same stories, ids, order and threads
    event_of = {it.id: e for it, e in zip(items, events, strict=True)}
    assert all(len({event_of[a] for a in s.articles}) == 1 for s in sparse)


def test_scale_index_grows_with_stable_ids_and_the_exact_result() -> None:
    items, headlines, documents, _ = event_inputs(*EVENTS)
    forced = replace(DEFAULT.stories, exact_limit=5, neighbours=8)
    order = np.random.default_rng(3).permutation(len(items))
    items = [items[k] for k in order]
    headlines, documents = headlines[order], documents[order]
    index = StoryIndex()
    stories: list[Story] = []
    exact: list[Story] = []
    for lo, hi in ((0, 20), (20, 38), (38, len(items))):
        batch = slice(lo, hi)
        grown = cluster_stories(
            items[batch],  # only the new articles: the index holds the others
            existing=stories,
            embeddings=headlines[batch],
            documents=documents[batch],
            params=forced,
            index=index,
        )
        assert [s.id for s in grown[: len(stories)]] == [s.id for s in stories]
        for before, after in zip(stories, grown, strict=False):
            assert after.articles[: len(before.articles)] == before.articles
            for old, new in zip(before.thread_list, after.thread_list, strict=False):
                assert new[: len(old)] == old
        stories = grown
        # The exact path, given every article so far, grows the same stories.
        exact = cluster_stories(
            items[:hi], existing=exact, embeddings=headlines[:hi], documents=documents[:hi]
        )
        assert stories == exact
    assert len(index) == len(items)
    assert sorted(a for s in stories for a in s.articles) == sorted(it.id for it in items)


def test_scale_index_rereads_other_existing_stories() -> None:
    items, headlines, documents, _ = event_inputs(*EVENTS)
    forced = replace(DEFAULT.stories, exact_limit=5, neighbours=8)
    index = StoryIndex()
    first = cluster_stories(
        items[:30], embeddings=headlines[:30], documents=documents[:30], params=forced, index=index
    )
    # Someone split the first story: the index follows the stories it is given.
    head = first[0]
    split = [Story(id=head.id, articles=head.articles[:1]), *first[1:]]
    split.append(Story(id=head.articles[1], articles=head.articles[1:]))
    grown = cluster_stories(
        items[30:],
        existing=split,
        embeddings=headlines[30:],
        documents=documents[30:],
        params=forced,
        index=index,
    )
    assert [s.id for s in grown[: len(split)]] == [s.id for s in split]
    assert grown[0].articles[:1] == head.articles[:1]
    assert sorted(a for s in grown for a in s.articles) == sorted(it.id for it in items)


# --- the parts, against the exact functions ----------------------------------------


def test_scale_sparse_average_linkage_is_average_linkage_on_a_full_graph() -> None:
    rng = np.random.default_rng(5)
    for _ in range(200):
        n = int(rng.integers(2, 30))
        scores = rng.random((n, n)) ** 2
        scores = ((scores + scores.T) / 2).astype(np.float64)
        np.fill_diagonal(scores, 1.0)
        i, j = np.triu_indices(n, 1)
        for threshold in (0.2, 0.4, 0.6):
            found = sparse_average_groups(n, i, j, scores[i, j], threshold=threshold)
            assert found == groups_from_similarity(scores, threshold=threshold)


def test_scale_sparse_average_linkage_counts_missing_pairs_as_zero() -> None:
    # A chain a-b-c at 0.9: a and c are no candidates, so they score 0, and
    # {a, b} and {c} average (0 + 0.9) / 2 = 0.45.
    i, j, s = np.array([0, 1]), np.array([1, 2]), np.array([0.9, 0.9])
    assert sparse_average_groups(3, i, j, s, threshold=0.45) == [[0, 1, 2]]
    assert sparse_average_groups(3, i, j, s, threshold=0.46) in ([[0, 1], [2]], [[0], [1, 2]])


def test_scale_minhash_rows_are_datasketchs(example_texts: dict[str, str]) -> None:
    sets = [shingles(t) for t in example_texts.values()] + [{b"one two three"}]
    kwargs = {"num_perm": DEFAULT.stories.num_perm, "scheme": DEFAULT.stories.minhash_scheme}
    expected = np.stack([m.hashvalues for m in MinHash.bulk(sets, **kwargs)])
    assert np.array_equal(minhash_rows(sets), expected)


def synthetic_items(n: int, seed: int = 1) -> tuple[list[StoryInput], np.ndarray]:
    """``n`` articles of ``n // 4`` synthetic stories (no model): the vectors of
    a story near its centroid, its names shared, all on one day."""
    rng = np.random.default_rng(seed)
    centroids = rng.standard_normal((n // 4, 64))
    vectors = centroids[np.arange(n) // 4] + 0.5 * rng.standard_normal((n, 64))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    items = [
        story_input(
            f"a{k}",
            f"Report {k}",
            " ".join(f"w{int(x)}" for x in rng.integers(0, 10_000, 40)),
            entities=[(f"Name {k // 4} {m}", "PERSON") for m in range(4)],
            published="2024-05-01",
        )
        for k in range(n)
    ]
    return items, vectors


def test_scale_index_finds_the_near_duplicates_lsh_finds() -> None:
    items, vectors = synthetic_items(40)
    reprints = [replace(items[k], id=f"copy{k}", published="2024-08-01") for k in (3, 17)]
    items = items + reprints
    index = StoryIndex()
    index._bind(DEFAULT.stories)
    index._sync(())
    index._add(
        items,
        np.vstack([vectors, vectors[[3, 17]]]),
        np.vstack([vectors, vectors[[3, 17]]]),
        [-1] * 42,
    )
    assert index._duplicates(np.arange(len(items))) == near_duplicates(items) == {(3, 40), (17, 41)}


def test_scale_time_window_and_reprints_on_the_index_path() -> None:
    items, vectors = synthetic_items(24)
    later = replace(items[1], id="months-later", published="2024-09-01", text="other words " * 9)
    reprint = replace(items[6], id="reprint", published="2024-09-01")
    items = [*items, later, reprint]
    vectors = np.vstack([vectors, vectors[[1, 6]]])
    forced = replace(DEFAULT.stories, exact_limit=4, neighbours=5)
    stories = cluster_stories(items, embeddings=vectors, documents=vectors, params=forced)
    story_of = {a: s.id for s in stories for a in s.articles}
    assert story_of["months-later"] != story_of[items[1].id]  # same story's vector, 4 months on
    assert story_of["reprint"] == story_of[items[6].id]  # a near-duplicate, whenever
    exact = cluster_stories(items, embeddings=vectors, documents=vectors)
    assert stories == exact


def test_scale_index_refuses_other_sketch_parameters() -> None:
    items, vectors = synthetic_items(8)
    index = StoryIndex()
    cluster_stories(items[:4], embeddings=vectors[:4], documents=vectors[:4], index=index)
    with pytest.raises(ValueError, match="build a new one"):
        cluster_stories(
            items[4:],
            embeddings=vectors[4:],
            documents=vectors[4:],
            params=replace(DEFAULT.stories, num_perm=64),
            index=index,
        )


def test_scale_exact_limit_keeps_small_corpora_on_the_exact_path(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    items, vectors = synthetic_items(12)

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the index path ran")

    monkeypatch.setattr(cluster, "_cluster_indexed", refuse)
    stories = cluster_stories(items, embeddings=vectors, documents=vectors)
    assert len(stories) == 3
