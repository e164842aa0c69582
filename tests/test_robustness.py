"""Hostile input never costs a good article: the bad-input corpus in one run.

``tests/data/make_bad.py`` writes everything hostile the web serves (binary,
empty, 30 MB, legacy and mixed encodings, NUL bytes, HTML with no body or 10,000
levels deep, broken JSONL, RSS and WARC, a symbolic link loop, a name that is
not UTF-8, unreadable files, a 2 MB line, Russian and Chinese). One run of
``stemma analyze`` over it and the example corpus must name each bad item once
on stderr, print no traceback, exit 1 ("some inputs skipped"), and leave the
example story exactly as a run over the example corpus alone makes it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLES
from tests.data import make_bad

STEMMA = Path(sys.executable).parent / "stemma"


def _analyze(tmp: Path, name: str, *paths: Path) -> tuple[subprocess.CompletedProcess[str], Any]:
    out = tmp / name
    run = subprocess.run(
        [
            str(STEMMA),
            "analyze",
            *map(str, paths),
            "--out",
            str(out),
            "--db",
            str(tmp / f"{name}.db"),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "COLUMNS": "400"},
        timeout=900,
        check=False,
    )
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return run, report


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("bad")
    corpus = tmp / "corpus"
    items = make_bad.make(corpus)
    try:
        mixed = _analyze(tmp, "mixed", corpus, EXAMPLES)
        alone = _analyze(tmp, "alone", EXAMPLES)
    finally:
        make_bad.unlock(corpus)
    return items, mixed, alone


def test_robustness_bad_corpus_exits_1_without_a_traceback(runs) -> None:  # type: ignore[no-untyped-def]
    _, (run, _), _ = runs
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    assert "Error" not in run.stderr.replace("ERROR: non-chunked", "")


def test_robustness_each_bad_item_is_named_once_with_its_reason(runs) -> None:  # type: ignore[no-untyped-def]
    items, (run, report), _ = runs
    lines = run.stderr.splitlines()
    expected = 0
    for item in items:
        if item["expect"] == "skip":
            named = [ln for ln in lines if f"corpus/{item['name']}:" in ln]
            assert len(named) == 1, (item, lines)
            assert named[0].startswith("skipped "), named
            assert item["reason"] in named[0], (item, named)
            expected += 1
        elif item["expect"] == "lines":
            for number in item["bad_lines"]:
                named = [ln for ln in lines if f"corpus/{item['name']}:{number}:" in ln]
                assert len(named) == 1, (item, number, lines)
                expected += 1
        elif item.get("note"):
            named = [ln for ln in lines if f"corpus/{item['name']}:" in ln]
            assert len(named) == 1 and named[0].startswith("cut "), (item, lines)
            assert item["note"] in named[0]
            expected += 1
    # Nothing else reaches stderr: no library warning, no progress noise.
    assert len(lines) == expected, lines
    assert len(report["summary"]["problems"]) == expected - len(report["summary"]["notes"])


def test_robustness_readable_items_become_articles(runs) -> None:  # type: ignore[no-untyped-def]
    items, (_, report), _ = runs
    shown = {Path(a["path"]).name: a for a in report["articles"]}
    shown.update({a["path"].removeprefix("corpus/"): a for a in report["articles"]})
    for item in items:
        if item["expect"] != "article":
            continue
        name = item["name"]
        if name == "locked":  # a folder a root user can enter: its article is inside
            name = "locked/inside.txt"
        assert name in shown or Path(name).name in shown, (item, sorted(shown))
        article = shown.get(name) or shown[Path(name).name]
        assert article["language"] == item.get("language", "en"), (item, article["language"])
    # The good line of the broken JSONL file is an article too.
    assert "records.jsonl:1" in shown


def test_robustness_example_story_is_exactly_as_when_run_alone(runs) -> None:  # type: ignore[no-untyped-def]
    _, (_, mixed), (_, alone) = runs
    (story,) = alone["stories"]
    same = [s for s in mixed["stories"] if s["id"] == story["id"]]
    assert same == [story]
