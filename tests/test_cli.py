"""The command line: outputs, --json, --quiet and exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stemma.cli import EXIT_NOTHING_READ, EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, app

from .conftest import EXAMPLES

pytestmark = pytest.mark.slow

runner = CliRunner()


def test_cli_analyze_json_summary_and_reports(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        ["analyze", str(EXAMPLES), "--out", str(out), "--db", str(tmp_path / "s.duckdb"), "--json"],
    )
    assert result.exit_code == EXIT_OK, result.output
    summary = json.loads(result.stdout)
    assert summary["articles"] == 5 and summary["annotated"] == 5
    names = {Path(p).name for p in summary["reports"]}
    assert {"report.html", "report.json", "report.md"} <= names
    assert any(n.endswith(".graphml") for n in names)
    assert "Khordokovsky" in (out / "report.md").read_text(encoding="utf-8")


def test_cli_bad_file_is_named_and_skipped_exit_1(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(EXAMPLES, corpus)
    (corpus / "broken.jsonl").write_text(
        '{"text": "The FSB memo calls China the enemy, The New York Times reports."}\n'
        '{"text": "unterminated\n',
        encoding="utf-8",
    )
    (corpus / "empty.txt").write_text("   \n", encoding="utf-8")
    result = runner.invoke(
        app,
        ["analyze", str(corpus), "--out", str(tmp_path / "o"), "--db", str(tmp_path / "d")],
    )
    assert result.exit_code == EXIT_SOME_FAILED
    assert "broken.jsonl:2" in result.stderr
    assert "empty.txt" in result.stderr
    # The good line of the JSONL file and the five articles are all analysed.
    assert "6 articles" in result.stdout


def test_cli_quiet_prints_nothing(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "analyze",
            str(EXAMPLES / "002_a0c40a7f595994d5.txt"),
            "--out",
            str(tmp_path / "o"),
            "--db",
            str(tmp_path / "d"),
            "--quiet",
        ],
    )
    assert result.exit_code == EXIT_OK
    assert result.stdout == "" and result.stderr == ""


def test_cli_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["analyze", str(tmp_path / "nope"), "--db", str(tmp_path / "d")])
    assert result.exit_code == EXIT_USAGE
    assert "no such file or folder" in result.stderr


def test_cli_nothing_readable_exit_3(tmp_path: Path) -> None:
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02\xff" * 100)
    result = runner.invoke(
        app,
        [
            "analyze",
            str(tmp_path / "bin.txt"),
            "--out",
            str(tmp_path / "o"),
            "--db",
            str(tmp_path / "d"),
        ],
    )
    assert result.exit_code == EXIT_NOTHING_READ
    assert "bin.txt" in result.stderr


def test_cli_schema_is_json() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == "stemma report"


def test_cli_unreachable_path_is_skipped_not_a_crash(tmp_path: Path, monkeypatch) -> None:
    # As a non-root user a path inside a folder without execute permission makes
    # Path.exists() and Path.is_dir() raise PermissionError (root never sees
    # it, so the refusal is simulated): one line on stderr, exit 1, the
    # example articles analysed.
    locked = tmp_path / "locked" / "a.txt"
    real_exists, real_is_dir = Path.exists, Path.is_dir

    def refuse(real):
        def check(self, *a, **kw):
            if self == locked:
                raise PermissionError(13, "Permission denied", str(self))
            return real(self, *a, **kw)

        return check

    monkeypatch.setattr(Path, "exists", refuse(real_exists))
    monkeypatch.setattr(Path, "is_dir", refuse(real_is_dir))
    result = runner.invoke(
        app,
        ["analyze", str(EXAMPLES), str(locked), "--out", str(tmp_path / "o"), "--db",
         str(tmp_path / "d")],
    )  # fmt: skip
    assert result.exit_code == EXIT_SOME_FAILED, result.output
    assert f"{locked}: cannot be reached: Permission denied" in result.stderr
    assert "Traceback" not in result.output
    assert "5 articles" in result.stdout


def test_cli_internal_error_is_one_line_and_exit_5(tmp_path: Path, monkeypatch, capsys) -> None:
    # A bug (here: the engine raising) is not "some inputs skipped" (1): it
    # exits 5 with one line; --debug lets the traceback through.
    import sys

    import stemma.cli
    import stemma.engine.local
    from stemma.cli import EXIT_INTERNAL

    def broken(*args, **kwargs):
        raise RuntimeError("claim table lost its header")

    monkeypatch.setattr(stemma.engine.local, "analyze", broken)
    args = ["stemma", "analyze", str(EXAMPLES), "--db", str(tmp_path / "d")]
    monkeypatch.setattr(sys, "argv", args)
    with pytest.raises(SystemExit) as exit_:
        stemma.cli.main()
    assert exit_.value.code == EXIT_INTERNAL
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: claim table lost its header" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) <= 2  # one line, maybe wrapped
    monkeypatch.setattr(sys, "argv", [args[0], "--debug", *args[1:]])
    with pytest.raises(RuntimeError, match="lost its header"):
        stemma.cli.main()
