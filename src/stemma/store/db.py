"""The DuckDB store: one file holds every stage's output.

Tables are keyed by the article id (a hash of the article's text), and the
annotation of an article is recorded with the pipeline version that made it,
so a second run over the same input finds everything done and does no work,
and adding one file annotates only that file. The tables are described in
:mod:`stemma.store.schema`; rows are made from and read into model objects by
:mod:`stemma.store.codec`.

Writes are bulk inserts from pandas frames inside one transaction per batch:
``executemany`` manages about a thousand rows a second, a frame insert a
hundred thousand. A crash loses at most the batch in flight; what was
committed before stays whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from stemma.errors import StoreError
from stemma.model import Annotation, Article, FeedState, Story, StoryResult
from stemma.settings import PIPELINE_VERSION
from stemma.store.codec import (
    Tables,
    article_row,
    frame_of,
    from_json,
    objects,
    row_of,
    sentence_row,
    story_from_dict,
    story_rows,
    story_to_dict,
)
from stemma.store.schema import ADDED_COLUMNS, ANNOTATION_TABLES, DDL, SCHEMA_VERSION, columns_of


class _Writes:
    """A count of committed writes, shared by a store and its cursors."""

    __slots__ = ("count",)

    def __init__(self) -> None:
        self.count = 0


class Store:
    """A DuckDB file (or ``":memory:"``) with stemma's tables.

    Example:
        >>> store = Store(":memory:")
        >>> store.done_ids(["abc"])
        set()
    """

    def __init__(self, path: str | Path = ":memory:", *, read_only: bool = False) -> None:
        self.path = str(path)
        self._writes = _Writes()
        if self.path != ":memory:" and not read_only:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.Error as e:
            hint = " Is another stemma process using it?" if "lock" in str(e).lower() else ""
            raise StoreError(f"cannot open the store {self.path}: {e}{hint}") from e
        if not read_only:
            self._create()
        self._check_version()

    @property
    def generation(self) -> int:
        """How many writes were committed through this store and its cursors:
        readers that keep results (the web page cache) know when theirs are
        stale."""
        return self._writes.count

    def cursor(self) -> Store:
        """This store on a cursor of its own (DuckDB's way to use one database
        from several threads); its writes count in :attr:`generation`."""
        view = Store.__new__(Store)
        view.path, view.con, view._writes = self.path, self.con.cursor(), self._writes
        return view

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- layout ---------------------------------------------------------------

    # DuckDB 2 keeps an unfetched result pending on the connection and refuses
    # other work until it is read, so every statement below is fetched.

    def _one(self, sql: str) -> tuple[Any, ...] | None:
        rows = self.con.execute(sql).fetchall()
        return rows[0] if rows else None

    def _create(self) -> None:
        for name, columns in DDL.items():
            self.con.execute(f"CREATE TABLE IF NOT EXISTS {name} ({columns})").fetchall()
        for name, added in ADDED_COLUMNS.items():
            for column, kind in added.items():
                self.con.execute(
                    f"ALTER TABLE {name} ADD COLUMN IF NOT EXISTS {column} {kind}"
                ).fetchall()
        row = self._one("SELECT value FROM meta WHERE key = 'schema'")
        if row is None:
            self.con.execute("INSERT INTO meta VALUES ('schema', ?)", [SCHEMA_VERSION]).fetchall()

    def _check_version(self) -> None:
        row = self._one("SELECT value FROM meta WHERE key = 'schema'")
        if row is not None and row[0] != SCHEMA_VERSION:
            raise StoreError(
                f"the store {self.path} has layout {row[0]}, this stemma writes layout "
                f"{SCHEMA_VERSION}: use a new --db file"
            )

    # -- reads ----------------------------------------------------------------

    def done_ids(self, ids: Iterable[str], *, version: str = PIPELINE_VERSION) -> set[str]:
        """Which of ``ids`` are already annotated by this pipeline version."""
        wanted = pd.DataFrame({"id": list(dict.fromkeys(ids))})
        if wanted.empty:
            return set()
        self.con.register("wanted", wanted)
        rows = self.con.execute(
            "SELECT DISTINCT a.article FROM annotated a JOIN wanted w ON a.article = w.id "
            "WHERE a.version = ?",
            [version],
        ).fetchall()
        return {r[0] for r in rows}

    def article_count(self) -> int:
        row = self._one("SELECT count(*) FROM articles")
        return int(row[0]) if row else 0

    def tables(self, ids: Sequence[str] | None = None) -> Tables:
        """Every table, restricted to the articles ``ids`` (all when None), in input order."""
        frames: dict[str, pd.DataFrame] = {}
        if ids is None:
            wanted = self.con.execute("SELECT id, row_number() OVER () AS ord FROM articles").df()
        else:
            wanted = pd.DataFrame({"id": list(ids), "ord": range(len(ids))})
        self.con.register("wanted", wanted)
        for name in ("articles", "removed", *ANNOTATION_TABLES):
            key = "id" if name == "articles" else "article"
            order = {
                "articles": "w.ord",
                "removed": "w.ord, t.start",
                "sentences": "w.ord, t.idx",
            }.get(name, "w.ord, t.start")
            frames[name] = self.con.execute(
                f"SELECT t.* FROM {name} t JOIN wanted w ON t.{key} = w.id ORDER BY {order}"
            ).df()
        frames["sentences"]["hedges"] = frames["sentences"]["hedges"].map(from_json)
        return Tables(**frames)

    # -- stories ---------------------------------------------------------------

    def stories(self) -> list[Story]:
        """Every story, in the order stories were first made."""
        rows = self.con.execute(
            "SELECT story, list(article ORDER BY pos), list(thread ORDER BY pos), "
            "any_value(title), min(rowid) AS first FROM stories GROUP BY story ORDER BY first"
        ).fetchall()
        return [
            Story(id=r[0], articles=tuple(r[1]), title=r[3], threads=_threads(r[1], r[2]))
            for r in rows
        ]

    def save_stories(self, stories: Sequence[Story]) -> None:
        """Replace the story table (a cheap, corpus-wide assignment)."""
        rows: list[dict[str, Any]] = []
        for s in stories:
            thread_of = {a: t[0] for t in s.thread_list for a in t}
            rows.extend(
                {"story": s.id, "article": a, "pos": i, "title": s.title}
                | {"thread": thread_of.get(a)}
                for i, a in enumerate(s.articles)
            )
        frame = pd.DataFrame(rows, columns=["story", "article", "pos", "title", "thread"])
        self.con.register("new_stories", frame)
        self._transaction(
            ["DELETE FROM stories", "INSERT INTO stories BY NAME SELECT * FROM new_stories"]
        )

    def doc_vectors(self, keys: Iterable[str]) -> dict[str, np.ndarray]:
        """The stored document vectors of ``keys`` (article id and pipeline version)."""
        return self._read_vectors("doc_vectors", "key", keys)

    def save_doc_vectors(self, vectors: Mapping[str, np.ndarray]) -> None:
        """Store document vectors by key (replacing older ones)."""
        self._write_vectors("doc_vectors", "key", vectors, replace=True)

    def vectors(self, ids: Iterable[str]) -> dict[str, np.ndarray]:
        """The stored title + lead vectors of the articles ``ids`` found."""
        return self._read_vectors("vectors", "article", ids)

    def save_vectors(self, vectors: Mapping[str, np.ndarray]) -> None:
        """Store title + lead vectors by article id (replacing older ones)."""
        self._write_vectors("vectors", "article", vectors, replace=True)

    def text_vectors(self, keys: Iterable[str]) -> dict[str, np.ndarray]:
        """The cached vectors of ``keys`` (see ``stemma.stories.embed.vector_key``) found."""
        return self._read_vectors("text_vectors", "key", keys)

    def save_text_vectors(self, vectors: Mapping[str, np.ndarray]) -> None:
        """Add vectors to the cache (keys already there are left as they are)."""
        self._write_vectors("text_vectors", "key", vectors, replace=False)

    # Both vector tables go through Arrow: a Python list per vector costs
    # about a second per 20k rows each way.

    def _read_vectors(self, table: str, column: str, keys: Iterable[str]) -> dict[str, np.ndarray]:
        wanted = pd.DataFrame({"key": list(dict.fromkeys(keys))})
        if wanted.empty:
            return {}
        self.con.register("wanted_keys", wanted)
        found = self.con.sql(
            f"SELECT t.{column}, t.vector FROM {table} t "
            f"SEMI JOIN wanted_keys w ON t.{column} = w.key"
        ).to_arrow_table()
        if found.num_rows == 0:
            return {}
        flat = found.column("vector").combine_chunks().flatten()
        rows = flat.to_numpy(zero_copy_only=False).astype(np.float32).reshape(found.num_rows, -1)
        return dict(zip(found.column(column).to_pylist(), rows, strict=True))

    def _write_vectors(
        self, table: str, column: str, vectors: Mapping[str, np.ndarray], *, replace: bool
    ) -> None:
        if not vectors:
            return
        matrix = np.asarray(list(vectors.values()), dtype=np.float32)
        frame = pa.table(
            {
                column: list(vectors),
                "vector": pa.ListArray.from_arrays(
                    np.arange(0, matrix.size + 1, matrix.shape[1], dtype=np.int32),
                    pa.array(matrix.ravel()),
                ),
            }
        )
        self.con.register("new_vectors", frame)
        insert = f"INSERT INTO {table} SELECT n.{column}, n.vector FROM new_vectors n"
        if replace:
            statements = [
                f"DELETE FROM {table} WHERE {column} IN (SELECT {column} FROM new_vectors)",
                insert,
            ]
        else:
            statements = [f"{insert} WHERE n.{column} NOT IN (SELECT {column} FROM {table})"]
        self._transaction(statements)

    def story_key(self, story: str) -> str | None:
        rows = self.con.execute("SELECT key FROM story_results WHERE story = ?", [story]).fetchall()
        return rows[0][0] if rows else None

    def story_entries(self, stories: Sequence[str]) -> list[dict[str, Any]]:
        """The stored brief entries of ``stories``, in that order."""
        self.con.register("wanted", pd.DataFrame({"id": list(stories), "ord": range(len(stories))}))
        rows = self.con.execute(
            "SELECT r.data FROM story_results r JOIN wanted w ON r.story = w.id ORDER BY w.ord"
        ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def story_results(self, stories: Sequence[str]) -> list[StoryResult]:
        """The stored analyses of ``stories`` as model objects, in that order."""
        return [story_from_dict(entry) for entry in self.story_entries(stories)]

    def save_story(self, story: str, key: str, result: StoryResult) -> None:
        """Store one story's analysis (its brief entry, and its claims, mentions
        and reuse as rows), replacing what was stored for it, atomically."""
        entry = story_to_dict(result)
        rows = story_rows(result)
        frames = {
            "story_results": pd.DataFrame(
                [{"story": story, "key": key, "data": json.dumps(entry, ensure_ascii=False)}]
            ),
            **{name: pd.DataFrame(rows[name], columns=columns_of(name)) for name in rows},
        }
        statements = []
        for name, frame in frames.items():
            self.con.register(f"new_{name}", frame)
            statements.append(f"DELETE FROM {name} WHERE story = ?")
            if not frame.empty:
                statements.append(f"INSERT INTO {name} BY NAME SELECT * FROM new_{name}")
        self._transaction(statements, story)

    def story_tables(self, stories: Sequence[str]) -> dict[str, pd.DataFrame]:
        """Claims, mentions and reuse of ``stories`` as pandas tables."""
        self.con.register("wanted", pd.DataFrame({"id": list(stories), "ord": range(len(stories))}))
        return {
            name: self.con.execute(
                f"SELECT t.* FROM {name} t JOIN wanted w ON t.story = w.id ORDER BY w.ord"
            ).df()
            for name in ("claims", "mentions", "reuse")
        }

    def export_tables(
        self, out: Path, fmt: str = "parquet", *, story: str | None = None
    ) -> dict[str, int]:
        """Write every table as ``<out>/<table>.parquet`` (or ``.csv``) with
        DuckDB's ``COPY``; with ``story``, only the rows of that story and its
        articles (``text_vectors``, keyed by text hash, is then left out).

        Returns table → rows written. Columns are documented in docs/exports.md.
        """
        if fmt not in ("parquet", "csv"):
            raise ValueError(f"unknown table format {fmt!r}: parquet or csv")
        out.mkdir(parents=True, exist_ok=True)
        options = "FORMAT parquet" if fmt == "parquet" else "FORMAT csv, HEADER true"
        where: dict[str, str] = {}
        if story is not None:
            members = "(SELECT article FROM stories WHERE story = $story)"
            where = {
                name: f"article IN {members}" for name in DDL if "article VARCHAR" in DDL[name]
            }
            where |= {name: "story = $story" for name in DDL if "story VARCHAR" in DDL[name]}
            where["articles"] = f"id IN {members}"
            where["meta"] = "true"
        written: dict[str, int] = {}
        for name in DDL:
            if story is not None and name not in where:
                continue
            path = out / f"{name}.{fmt}"
            select = f"SELECT * FROM {name}" + (f" WHERE {where[name]}" if name in where else "")
            target = str(path).replace("'", "''")
            args = {"story": story} if "$story" in select else {}
            rows = self.con.execute(f"COPY ({select}) TO '{target}' ({options})", args).fetchall()
            written[name] = int(rows[0][0]) if rows else 0
        return written

    def _transaction(self, statements: Sequence[str], param: str | None = None) -> None:
        con = self.con
        con.execute("BEGIN TRANSACTION").fetchall()
        try:
            for sql in statements:
                args = [param] if "?" in sql else []
                con.execute(sql, args).fetchall()
            con.execute("COMMIT").fetchall()
            self._writes.count += 1
        except BaseException:
            con.execute("ROLLBACK").fetchall()
            raise

    def feed_state(self, url: str) -> FeedState | None:
        """What the feed at ``url`` answered when last polled, if it was."""
        rows = self.con.execute(
            "SELECT url, etag, last_modified, digest, status, checked FROM feeds WHERE url = ?",
            [url],
        ).fetchall()
        return FeedState(*rows[0]) if rows else None

    def save_feed_state(self, state: FeedState) -> None:
        """Remember a feed's last answer (one row per URL), atomically."""
        con = self.con
        con.execute("BEGIN TRANSACTION").fetchall()
        try:
            con.execute("DELETE FROM feeds WHERE url = ?", [state.url]).fetchall()
            con.execute(
                "INSERT INTO feeds VALUES (?, ?, ?, ?, ?, ?)",
                [state.url, state.etag, state.last_modified, state.digest, state.status,
                 state.checked],
            ).fetchall()  # fmt: skip
            con.execute("COMMIT").fetchall()
            self._writes.count += 1
        except BaseException:
            con.execute("ROLLBACK").fetchall()
            raise

    def load(self, ids: Sequence[str]) -> tuple[list[Article], dict[str, Annotation]]:
        """Articles and their annotations as model objects (for the story stages)."""
        return objects(self.tables(ids))

    # -- writes ---------------------------------------------------------------

    def save(self, pairs: Sequence[tuple[Article, Annotation]]) -> None:
        """Store articles with their annotations, replacing earlier rows, atomically."""
        if not pairs:
            return
        articles = [a for a, _ in pairs]
        # DuckDB reads registered pandas frames in SQL by name.
        self.con.register("ids", pd.DataFrame({"id": [a.id for a in articles]}))
        rows: dict[str, list[dict[str, Any]]] = {name: [] for name in ANNOTATION_TABLES}
        removed: list[dict[str, Any]] = []
        for article, ann in pairs:
            removed.extend({"article": article.id, **row_of(r)} for r in article.removed)
            rows["sentences"].extend(sentence_row(s) for s in ann.sentences)
            rows["entities"].extend(row_of(e) for e in ann.entities)
            rows["timerefs"].extend(row_of(t) for t in ann.timerefs)
            rows["quotes"].extend(row_of(q) for q in ann.quotes)
            rows["attributions"].extend(row_of(a) for a in ann.attributions)
        frames = {
            "articles": frame_of([article_row(a) for a in articles], "articles"),
            "removed": frame_of(removed, "removed"),
            **{name: frame_of(r, name) for name, r in rows.items()},
            "annotated": pd.DataFrame(
                {"article": [a.id for a in articles], "version": PIPELINE_VERSION}
            ),
        }
        statements = []
        for name, frame in frames.items():
            self.con.register(f"new_{name}", frame)
            key = "id" if name == "articles" else "article"
            statements.append(f"DELETE FROM {name} WHERE {key} IN (SELECT id FROM ids)")
        statements += [
            f"INSERT INTO {name} BY NAME SELECT * FROM new_{name}"
            for name, frame in frames.items()
            if not frame.empty
        ]
        self._transaction(statements)


def _threads(articles: Sequence[str], threads: Sequence[str | None]) -> tuple[tuple[str, ...], ...]:
    """A story's threads from its members and each one's thread id, in join
    order (none when a store written before threads holds no thread ids)."""
    if not any(threads):
        return ()
    grouped: dict[str, list[str]] = {}
    for article, thread in zip(articles, threads, strict=True):
        grouped.setdefault(thread or article, []).append(article)
    return tuple(tuple(members) for members in grouped.values())
