"""The DuckDB store: round trips, re-runs, atomic batches."""

from __future__ import annotations

from pathlib import Path

import pytest

from stemma.model import (
    Annotation,
    Article,
    Attribution,
    Hedge,
    Quote,
    Removed,
    Sentence,
)
from stemma.store.db import Store, StoreError

TEXT = (
    "The memo, The New York Times reports, brands China as “the enemy”. "
    "FSB officers are now reportedly tasked with tracking “revanchist” narratives."
)


def article(aid: str = "0123456789abcdef", text: str = TEXT) -> Article:
    return Article(
        id=aid,
        path=f"{aid}.txt",
        text=text,
        raw_text=text + "\nShare\n",
        removed=(Removed(len(text) + 1, len(text) + 6, "Share", "share buttons"),),
    )


def annotation(aid: str = "0123456789abcdef") -> Annotation:
    return Annotation(
        article=aid,
        sentences=(
            Sentence(aid, 0, 0, 66, TEXT[:66], "reported", (), "The New York Times"),
            Sentence(aid, 1, 67, len(TEXT), TEXT[67:], "reported", (Hedge("reportedly", 85, 95),)),
        ),
        quotes=(Quote(aid, 0, "the enemy", 55, 64),),
        attributions=(
            Attribution(aid, 0, "The New York Times", "The New York Times", 10, 28, "reports"),
        ),
    )


def test_store_round_trip_keeps_rows_and_offsets() -> None:
    with Store(":memory:") as store:
        store.save([(article(), annotation())])
        t = store.tables(["0123456789abcdef"])
    assert t.articles.loc[0, "text"] == TEXT
    assert t.removed.loc[0, "reason"] == "share buttons"
    assert list(t.sentences["idx"]) == [0, 1]
    assert t.sentences.loc[1, "hedges"] == [{"text": "reportedly", "start": 85, "end": 95}]
    assert t.attributions.loc[0, "source"] == "The New York Times"
    row = t.sentences.loc[0]
    assert TEXT[row["start"] : row["end"]] == row["text"]


def test_store_resave_replaces_instead_of_duplicating() -> None:
    with Store(":memory:") as store:
        store.save([(article(), annotation())])
        store.save([(article(), annotation())])
        t = store.tables()
        assert len(t.articles) == 1 and len(t.sentences) == 2 and len(t.removed) == 1
        assert store.done_ids(["0123456789abcdef", "ffffffffffffffff"]) == {"0123456789abcdef"}
        assert store.done_ids(["0123456789abcdef"], version="old") == set()


def test_store_failed_batch_leaves_earlier_data_whole() -> None:
    import duckdb

    with Store(":memory:") as store:
        store.save([(article(), annotation())])
        # A re-save of the same article plus a new one, failing half-way through
        # the inserts (a start offset that is not a number).
        bad = Sentence("fedcba9876543210", 0, "oops", 5, "x")  # type: ignore[arg-type]
        broken = Annotation(article="fedcba9876543210", sentences=(bad,))
        with pytest.raises(duckdb.Error):
            store.save([(article(), annotation()), (article("fedcba9876543210"), broken)])
        t = store.tables()
        assert list(t.articles["id"]) == ["0123456789abcdef"]
        assert len(t.sentences) == 2 and len(t.removed) == 1
        assert store.done_ids(["fedcba9876543210"]) == set()


def test_store_persists_to_file_and_orders_by_request(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        store.save([(article("aaaaaaaaaaaaaaaa"), annotation("aaaaaaaaaaaaaaaa"))])
        store.save([(article("bbbbbbbbbbbbbbbb"), annotation("bbbbbbbbbbbbbbbb"))])
    with Store(db, read_only=True) as store:
        t = store.tables(["bbbbbbbbbbbbbbbb", "aaaaaaaaaaaaaaaa"])
    assert list(t.articles["id"]) == ["bbbbbbbbbbbbbbbb", "aaaaaaaaaaaaaaaa"]


def test_store_refuses_a_foreign_layout(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        store.con.execute("UPDATE meta SET value = '999' WHERE key = 'schema'")
    with pytest.raises(StoreError, match="layout 999"):
        Store(db)


def test_store_keeps_threads_and_opens_a_store_written_before_them(tmp_path: Path) -> None:
    from stemma.model import Story

    db = tmp_path / "s.duckdb"
    story = Story(id="a", articles=("a", "b", "c"), title="T", threads=(("a", "c"), ("b",)))
    with Store(db) as store:
        store.save_stories([story])
        assert store.stories() == [story]
        # A store of layout 2 written before threads: no thread column.
        store.con.execute("ALTER TABLE stories DROP COLUMN thread")
    with Store(db) as store:
        (old,) = store.stories()
        assert (old.articles, old.threads, old.thread_list) == (
            story.articles,
            (),
            (story.articles,),
        )
        store.save_stories([story])
        assert store.stories() == [story]


def test_store_text_vectors_round_trip_and_first_write_wins(tmp_path: Path) -> None:
    import numpy as np

    rng = np.random.default_rng(1)
    first = {f"k{i}": rng.random(384, dtype=np.float32) for i in range(50)}
    with Store(tmp_path / "v.duckdb") as store:
        store.save_text_vectors(first)
        store.save_text_vectors({"k0": np.zeros(384, dtype=np.float32)})  # already cached
    with Store(tmp_path / "v.duckdb") as store:
        got = store.text_vectors(["k0", "k7", "absent", "k7"])
        assert set(got) == {"k0", "k7"}
        assert np.array_equal(got["k0"], first["k0"]) and got["k7"].dtype == np.float32
        assert store.con.execute("SELECT count(*) FROM text_vectors").fetchall() == [(50,)]
        assert store.text_vectors([]) == {}
