"""The Ray engine writes the same store and brief as the local engine.

CI (.ci/run) starts a real Ray head on 127.0.0.1 and names it in
``STEMMA_RAY_ADDRESS``; without it, the engine starts a local Ray in this
process (a real one too: raylet, GCS, worker processes).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import stemma
from stemma.settings import DEFAULT
from stemma.store import Store
from tests.conftest import EXAMPLES

ADDRESS = os.environ.get("STEMMA_RAY_ADDRESS") or None


def _comparable(report: dict[str, Any]) -> dict[str, Any]:
    """The brief without what differs between any two runs (when, how long)."""
    out = dict(report)
    out.pop("created", None)
    out["summary"] = {k: v for k, v in report["summary"].items() if k != "seconds"}
    return out


def test_ray_engine_writes_the_same_store_and_brief_as_local(tmp_path: Path) -> None:
    local = stemma.analyze([EXAMPLES], db=tmp_path / "local.db", progress=False)
    on_ray = stemma.analyze(
        [EXAMPLES],
        db=tmp_path / "ray.db",
        progress=False,
        settings=DEFAULT.but(engine="ray", ray_address=ADDRESS),
    )
    assert on_ray.summary.annotated == 5
    assert json.dumps(_comparable(on_ray.report), sort_keys=True) == json.dumps(
        _comparable(local.report), sort_keys=True
    )
    # Every annotation table the per-article stage fills, row for row.
    ids = sorted(local.articles["id"])
    with Store(tmp_path / "local.db", read_only=True) as a:
        expected = a.tables(ids)
    with Store(tmp_path / "ray.db", read_only=True) as b:
        got = b.tables(ids)
    for name in ("sentences", "entities", "timerefs", "quotes", "attributions"):
        left, right = getattr(expected, name), getattr(got, name)
        assert len(left) > 0, name
        assert _rows(left) == _rows(right), name


def _rows(frame: Any) -> list[str]:
    return sorted(json.dumps(r, sort_keys=True, default=str) for r in frame.to_dict("records"))


def test_ray_engine_unreachable_head_is_exit_4_at_once(tmp_path: Path) -> None:
    stemma_cli = Path(sys.executable).parent / "stemma"
    started = time.monotonic()
    run = subprocess.run(
        [str(stemma_cli), "analyze", str(EXAMPLES / "000_3c45b8d28d6be2d7.txt"), "--engine", "ray",
         "--address", "127.0.0.1:9", "--db", str(tmp_path / "d.db"), "--out", str(tmp_path / "o")],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )  # fmt: skip
    assert run.returncode == 4, run.stderr
    assert "no Ray head answers at 127.0.0.1:9" in run.stderr
    assert "Traceback" not in run.stderr
    assert time.monotonic() - started < 60


def test_ray_engine_cli_is_quiet_and_complete(tmp_path: Path) -> None:
    # Against the CI head when one is named, else a Ray the run starts itself.
    where = ["--address", ADDRESS] if ADDRESS else []
    stemma_cli = Path(sys.executable).parent / "stemma"
    run = subprocess.run(
        [str(stemma_cli), "analyze", str(EXAMPLES), "--engine", "ray", *where,
         "--db", str(tmp_path / "d.db"), "--out", str(tmp_path / "o")],
        capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""  # Ray's own notices are kept out of the user's terminal
    assert "5 articles (5 analysed" in run.stdout
