"""Crash safety: SIGKILL ``stemma analyze`` at three points, resume, get the same result.

A 300-article corpus (the one ``bench/bench_analyze.py`` builds from
../shared/data: the non-empty ECB+ documents, 41 stories) is analysed once
without interruption (the reference), and once more into a fresh store that is
killed with SIGKILL three times, each time resumed with the same command:

1. **during annotation**: once the first transaction (``commit_every`` = 200
   articles) is committed and the second chunk is being parsed;
2. **during the story stage** (claims, roots, grades): once at least a third
   of the stories are analysed and stored, and not all of them;
3. **while the report is written**: as soon as ``report.json`` appears in the
   output folder, before the Markdown, HTML and graphs are all there.

The moments are observed, not guessed: the killed runs show their progress
bars on a pseudo-terminal, which the test reads (the DuckDB file is locked by
the writer, so the store cannot be read while a run holds it); after each kill
the store is opened read-only and must be at the expected point. The fourth
run goes to the end, and then every table of the store and ``report.json``
must equal the reference's.

Every run imports one copy of ``src/stemma`` taken when the module starts
(``PYTHONPATH``): in a working tree where someone edits the analysis while this
test runs, the reference and the resumed runs would otherwise run different
code and differ for that reason alone.

About 6-8 minutes on a 2-core machine (1 full run, 3 killed and 1 resumed).
Skips, saying why, when ../shared/data is absent.
"""

from __future__ import annotations

import fcntl
import importlib.util
import json
import os
import pty
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.conftest import REPO, shared_data

pytestmark = pytest.mark.slow

STEMMA = Path(sys.executable).parent / "stemma"
SIZE = 300
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TERM": "xterm"}
#: Longest any one run may take (a full run is 1.5-3 min on 2 busy cores).
RUN_TIMEOUT = 900

#: Columns that may legitimately differ between the two stores. There are none:
#: the store holds no clock times or run ids (a run's timings are only in
#: report.json's summary, below).
EXCLUDED_COLUMNS: dict[str, set[str]] = {}

#: report.json fields that describe the run rather than the corpus: when it was
#: made, and the summary's per-run counts. The resumed run finds most of its
#: work done: it annotates nothing new ("annotated" 0, "cached" 299), embeds
#: nothing ("embedded") and its stage times ("seconds") are its own.
RUN_SPECIFIC_REPORT = ("created",)
RUN_SPECIFIC_SUMMARY = ("seconds", "annotated", "cached", "embedded")

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\x1b[=>]")
BAR = re.compile(r"(Annotating|Stories)[^\d\r\n]*?(\d+)/(\d+)")


def _build_corpus(path: Path) -> Path:
    """The bench corpus, cut to SIZE articles (ECB+ has enough)."""
    shared_data("ecbplus-event-clusters")
    spec = importlib.util.spec_from_file_location("bench_analyze", REPO / "bench/bench_analyze.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    built: Path = bench.build_bench_corpus(path, SIZE)
    return built


def _command(corpus: Path, db: Path, out: Path, *, quiet: bool) -> list[str]:
    cmd = [str(STEMMA), "analyze", str(corpus), "--db", str(db), "--out", str(out)]
    return [*cmd, "-q"] if quiet else cmd


class Watched:
    """A run of ``stemma analyze`` whose stderr is a pseudo-terminal, so that
    it draws its progress bars, which are read as they come."""

    def __init__(self, cmd: list[str]) -> None:
        self.started = time.monotonic()
        master, slave = pty.openpty()
        # Wide enough that each bar fits on one line.
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 250, 0, 0))
        self.proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=slave,
            env={**ENV, "COLUMNS": "250"},
            start_new_session=True,  # its own process group: killed whole
        )
        os.close(slave)
        self.master = master
        self.text = ""
        self.bars: dict[str, tuple[int, int]] = {}

    def read(self, wait: float) -> None:
        """Take what the run drew within ``wait`` seconds; note each bar's last state."""
        ready, _, _ = select.select([self.master], [], [], wait)
        if not ready:
            return
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # the run is gone (EIO)
            return
        self.text = (self.text + ANSI.sub("", chunk.decode("utf-8", "replace")))[-20000:]
        for label, done, total in BAR.findall(self.text):
            self.bars[label] = (int(done), int(total))

    def kill_when(self, trigger: Callable[[Watched], bool], what: str) -> float:
        """SIGKILL the run's process group as soon as ``trigger`` holds; return
        the seconds it ran. Fails if the run ends first."""
        start = time.monotonic()
        try:
            while True:
                self.read(0.005)
                if trigger(self):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                    break
                if self.proc.poll() is not None:
                    pytest.fail(
                        f"the run ended (exit {self.proc.returncode}) before {what}; "
                        f"its last output: {self.text[-2000:]!r}"
                    )
                if time.monotonic() - start > RUN_TIMEOUT:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                    pytest.fail(f"no {what} within {RUN_TIMEOUT} s: {self.text[-2000:]!r}")
            self.proc.wait(timeout=60)
            assert self.proc.returncode == -signal.SIGKILL
            return time.monotonic() - self.started
        finally:
            os.close(self.master)


def _run(cmd: list[str]) -> float:
    start = time.monotonic()
    done = subprocess.run(
        cmd, capture_output=True, text=True, env=ENV, timeout=RUN_TIMEOUT, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return time.monotonic() - start


def _count(db: Path, sql: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(sql).fetchone()
    finally:
        con.close()
    assert row is not None
    return int(row[0])


@pytest.fixture(scope="module", autouse=True)
def frozen_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the package for every run of this module (see above)."""
    root = tmp_path_factory.mktemp("crash-source")
    shutil.copytree(
        REPO / "src" / "stemma", root / "stemma", ignore=shutil.ignore_patterns("__pycache__")
    )
    ENV["PYTHONPATH"] = os.pathsep.join([str(root), *filter(None, [ENV.get("PYTHONPATH")])])
    where = subprocess.run(
        [sys.executable, "-c", "import stemma; print(stemma.__file__)"],
        capture_output=True,
        text=True,
        env=ENV,
        check=True,
    ).stdout
    assert where.startswith(str(root)), where
    return root


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build_corpus(tmp_path_factory.mktemp("crash-corpus") / "corpus.jsonl")


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, float]:
    """One uninterrupted run: (store, output folder, seconds)."""
    tmp = tmp_path_factory.mktemp("crash-reference")
    db, out = tmp / "ref.duckdb", tmp / "out"
    seconds = _run(_command(corpus, db, out, quiet=True))
    return db, out, seconds


def _differences(ref: Path, got: Path) -> dict[str, str]:
    """Table → what differs between the two stores (absent when equal)."""
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{ref}' AS ref (READ_ONLY)").fetchall()
        con.execute(f"ATTACH '{got}' AS got (READ_ONLY)").fetchall()

        def tables(db: str) -> set[str]:
            rows = con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [db]
            ).fetchall()
            return {r[0] for r in rows}

        names = tables("ref")
        found: dict[str, str] = {}
        if names != tables("got"):
            found["(tables)"] = f"ref {sorted(names)} vs resumed {sorted(tables('got'))}"
        for name in sorted(names & tables("got")):
            columns = [
                r[0]
                for r in con.execute(
                    "SELECT column_name FROM duckdb_columns() "
                    "WHERE database_name = 'ref' AND table_name = ? ORDER BY column_index",
                    [name],
                ).fetchall()
                if r[0] not in EXCLUDED_COLUMNS.get(name, set())
            ]
            listed = ", ".join(f'"{c}"' for c in columns)
            # Rows as multisets: EXCEPT ALL both ways (row order is no part of a table).
            only = {
                side: con.execute(
                    f"SELECT {listed} FROM {a}.{name} EXCEPT ALL SELECT {listed} FROM {b}.{name}"
                ).fetchall()
                for side, a, b in (("reference", "ref", "got"), ("resumed", "got", "ref"))
            }
            if any(only.values()):
                found[name] = "; ".join(
                    f"{len(rows)} rows only in the {side} store, e.g. {str(rows[:3])[:600]}"
                    for side, rows in only.items()
                    if rows
                )
        return found
    finally:
        con.close()


def _comparable(report: dict[str, Any]) -> dict[str, Any]:
    kept = {k: v for k, v in report.items() if k not in RUN_SPECIFIC_REPORT}
    kept["summary"] = {k: v for k, v in report["summary"].items() if k not in RUN_SPECIFIC_SUMMARY}
    return kept


def test_sigkill_at_three_points_then_resume_gives_the_uninterrupted_result(
    corpus: Path, reference: tuple[Path, Path, float], tmp_path: Path
) -> None:
    ref_db, ref_out, ref_seconds = reference
    db, out = tmp_path / "crash.duckdb", tmp_path / "out"
    watched = _command(corpus, db, out, quiet=False)
    total_annotated = _count(ref_db, "SELECT count(*) FROM annotated")
    total_stories = _count(ref_db, "SELECT count(*) FROM story_results")
    timings: dict[str, float] = {"reference": ref_seconds}

    # 1. During annotation: the first 200 articles are committed, the rest not.
    def second_chunk(w: Watched) -> bool:
        done, total = w.bars.get("Annotating", (0, 0))
        return 200 < done < total

    timings["killed while annotating"] = Watched(watched).kill_when(
        second_chunk, "the second annotation chunk"
    )
    annotated = _count(db, "SELECT count(*) FROM annotated")
    assert 0 < annotated < total_annotated
    assert _count(db, "SELECT count(*) FROM stories") == 0

    # 2. During the story stage: some stories analysed and stored, not all.
    def a_third_of_the_stories(w: Watched) -> bool:
        done, total = w.bars.get("Stories", (0, 0))
        return total > 0 and total / 3 <= done < total

    timings["resumed, killed in the story stage"] = Watched(watched).kill_when(
        a_third_of_the_stories, "a third of the stories"
    )
    assert _count(db, "SELECT count(*) FROM annotated") == total_annotated
    assert 0 < _count(db, "SELECT count(*) FROM story_results") < total_stories
    assert not (out / "report.json").exists()

    # 3. While the report is written: report.json there, the run not finished.
    timings["resumed, killed writing the report"] = Watched(watched).kill_when(
        lambda w: (out / "report.json").exists(), "report.json"
    )
    assert _count(db, "SELECT count(*) FROM story_results") == total_stories
    graphs = out / "graphs"
    complete = len(list((ref_out / "graphs").iterdir()))
    assert not (
        (out / "report.html").exists()
        and graphs.exists()
        and len(list(graphs.iterdir())) == complete
    ), "the report was complete: the kill came too late"

    # The same command once more, to the end.
    timings["resumed to the end"] = _run(_command(corpus, db, out, quiet=True))
    print(json.dumps({k: round(v, 1) for k, v in timings.items()}))

    assert _differences(ref_db, db) == {}
    got = json.loads((out / "report.json").read_text(encoding="utf-8"))
    want = json.loads((ref_out / "report.json").read_text(encoding="utf-8"))
    assert got["summary"]["cached"] == got["summary"]["articles"]
    assert _comparable(got) == _comparable(want)
