"""The documentation says what the code does.

Three places drift silently when the code changes: the credibility rule table
in docs/grading.md (``CREDIBILITY_RULES`` is the truth), the README's command
line section (the Typer app in ``stemma.cli`` is the truth: every command and
every option must be written down) and the README's exit codes and console
example (the ``EXIT_*`` constants and the real output of the real command).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import typer.main

from stemma import cli
from stemma.settings import CREDIBILITY_NAMES, CREDIBILITY_RULES

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
GRADING = REPO / "docs" / "grading.md"

#: What each exit code means, in the README's words: a code whose number moved
#: (or two codes swapped) fails even when the set of numbers is unchanged. A new
#: EXIT_* constant must be documented in the README and added here.
EXIT_MEANINGS = {
    "EXIT_OK": "all inputs analysed",
    "EXIT_SOME_FAILED": "some inputs skipped",
    "EXIT_USAGE": "usage error",
    "EXIT_NOTHING_READ": "no article could be read",
    "EXIT_ENVIRONMENT": "the store, the model or the Ray cluster cannot be used",
    "EXIT_INTERNAL": "internal error",
}


def section(text: str, heading: str) -> str:
    """The body of the markdown section whose heading is ``heading`` (any level)."""
    match = re.search(rf"^(#+) {re.escape(heading)}[^\n]*\n", text, flags=re.M)
    assert match, f"no section {heading!r}"
    level = len(match.group(1))
    end = re.search(rf"^#{{1,{level}}} ", text[match.end() :], flags=re.M)
    return text[match.end() : match.end() + end.start()] if end else text[match.end() :]


def fenced_blocks(text: str, language: str) -> list[str]:
    """The contents of the ```language blocks of ``text``."""
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.M | re.S)


def without_fenced_blocks(text: str) -> str:
    return re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)


# -- the credibility rule table ----------------------------------------------------------------


def normalise(text: str) -> str:
    """The rule condition with only its typography smoothed out.

    The comparison is strict on substance and lenient on typography: the words,
    their order, case, numbers and punctuation must be the code's exactly, so
    any edit that changes what a rule says fails. Only what markdown or the
    keyboard makes differ is ignored: runs of whitespace (a wrapped cell),
    Unicode composition, ">=" / "<=" for "≥" / "≤" (either may be written on
    either side), an escaped pipe inside a table cell and a final full stop.
    Substring or fuzzy matching would let the doc add or drop a qualifier (a
    threshold, a list item) unnoticed; that is exactly the drift to catch.
    """
    text = unicodedata.normalize("NFC", text)
    text = text.replace(">=", "≥").replace("<=", "≤").replace("\\|", "|")
    return " ".join(text.split()).removesuffix(".")


def grading_table() -> list[tuple[str, str, str]]:
    """(rule, credibility, when) rows of docs/grading.md's credibility table."""
    body = section(GRADING.read_text(encoding="utf-8"), "Information credibility")
    rows: list[tuple[str, str, str]] = []
    for line in body.splitlines():
        if not line.startswith("|"):
            if rows:
                break  # the first table only
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip()[1:-1])]
        if cells[0] == "rule" or set("".join(cells)) <= set("-: "):
            continue  # header and separator
        assert len(cells) == 3, f"docs/grading.md: a rule row has {len(cells)} cells: {line}"
        rows.append((cells[0], cells[1], cells[2]))
    return rows


def test_docs_grading_table_matches_credibility_rules() -> None:
    rows = grading_table()
    assert [r[0] for r in rows] == [r.id for r in CREDIBILITY_RULES], (
        "docs/grading.md lists other rules, or in another order, than CREDIBILITY_RULES"
    )
    wrong = []
    for (rule_id, credibility, when), rule in zip(rows, CREDIBILITY_RULES, strict=True):
        # "5 — improbable": the number and its name from CREDIBILITY_NAMES.
        match = re.fullmatch(r"(\d+)\s*[—–-]\s*(.+)", credibility)
        expected = f"{rule.credibility} — {CREDIBILITY_NAMES[rule.credibility]}"
        if not match or (int(match[1]), match[2].strip()) != (
            rule.credibility,
            CREDIBILITY_NAMES[rule.credibility],
        ):
            wrong.append(f"{rule_id}: credibility {credibility!r}, code says {expected!r}")
        if normalise(when) != normalise(rule.when):
            wrong.append(f"{rule_id}: doc says {when!r}\n    code says {rule.when!r}")
    assert not wrong, "docs/grading.md's rule table is out of step:\n" + "\n".join(wrong)


def test_docs_normalise_ignores_typography_only() -> None:
    code = "confirmed by ≥ 2 independent roots that closely agree, no discrepancy"
    wrapped = "confirmed  by >= 2 independent\n roots that closely agree, no discrepancy."
    assert normalise(wrapped) == normalise(code)
    assert normalise(code.capitalize()) != normalise(code)
    assert normalise(code + " (agreement ≥ 0.75)") != normalise(code)
    assert normalise(code.replace("2", "3")) != normalise(code)


# -- the command line ----------------------------------------------------------------------------


def cli_options() -> dict[str, list[str]]:
    """Each command of the Typer app, with every spelling of each of its options."""
    # Typer ships its own copy of click: ask the objects what they are rather
    # than testing isinstance against the click package.
    group = typer.main.get_command(cli.app)
    commands = getattr(group, "commands", None)
    assert commands, "the Typer app has no sub-commands"
    return {
        name: [
            opt
            for param in command.params
            if param.param_type_name == "option"
            for opt in [*param.opts, *param.secondary_opts]
        ]
        for name, command in commands.items()
    }


def synopses(block: str) -> dict[str, str]:
    """``stemma <command>`` line (and its indented continuation lines) per command."""
    found: dict[str, str] = {}
    current = None
    for line in block.splitlines():
        if line.startswith("stemma "):
            current = line.split()[1]
            found[current] = line
        elif current and line.startswith(" "):
            found[current] += "\n" + line
        else:
            current = None
    return found


def names(option: str, text: str) -> bool:
    """Whether ``option`` appears in ``text`` as a whole token (not ``--out`` in ``--outdir``)."""
    return re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text) is not None


def test_docs_readme_names_every_command_and_option() -> None:
    body = section(README.read_text(encoding="utf-8"), "Command line")
    blocks = fenced_blocks(body, "sh")
    assert blocks, "README's Command line section has no ```sh synopsis block"
    synopsis = synopses(blocks[0])
    prose = without_fenced_blocks(body)
    missing = []
    commands = cli_options()
    assert {"analyze", "serve"} <= commands.keys()  # the walk itself found the app
    for command, options in commands.items():
        if command not in synopsis:
            missing.append(f"stemma {command} (no synopsis line)")
            continue
        for option in options:
            if not names(option, synopsis[command]):
                missing.append(f"stemma {command} {option} (not in its synopsis)")
            if not names(option, prose):
                missing.append(f"stemma {command} {option} (not described below the synopsis)")
    assert not missing, "README.md's Command line section lacks:\n" + "\n".join(missing)


def test_docs_readme_exit_codes_match_cli() -> None:
    constants = {
        name: value
        for name, value in vars(cli).items()
        if name.startswith("EXIT_") and isinstance(value, int)
    }
    assert constants, "stemma.cli defines no EXIT_* constants"
    text = README.read_text(encoding="utf-8")
    match = re.search(r"^\*\*Exit codes\*\*:(.*?)(?:\n\n|\Z)", text, flags=re.M | re.S)
    assert match, "README.md has no '**Exit codes**:' paragraph"
    paragraph = " ".join(match[1].split())
    documented = {
        int(code): meaning.strip() for code, meaning in re.findall(r"`(\d+)`\s*([^·]*)", paragraph)
    }
    wrong = []
    for name, value in sorted(constants.items(), key=lambda item: item[1]):
        if name not in EXIT_MEANINGS:
            wrong.append(f"{name} = {value} is new: document it and add it to EXIT_MEANINGS")
        elif value not in documented:
            wrong.append(f"{name} = {value} is not in the README's exit codes")
        elif not documented[value].startswith(EXIT_MEANINGS[name]):
            wrong.append(
                f"{name} = {value}: README says `{value}` {documented[value]!r}, "
                f"expected {EXIT_MEANINGS[name]!r}"
            )
    extra = sorted(set(documented) - set(constants.values()))
    if extra:
        wrong.append(f"README documents exit codes stemma.cli does not have: {extra}")
    assert not wrong, "README.md's exit codes are out of step:\n" + "\n".join(wrong)


# -- the console example -------------------------------------------------------------------------

#: Stands for the rest of a long list in the README's JSON example.
ELLIPSIS = "..."


def json_mismatches(doc: Any, real: Any, where: str = "") -> list[str]:
    """How the README's JSON example differs from the real output.

    Keys must be the real keys in the printed order, at every level; values
    must be equal, except wall times (under "seconds"), which only need to be
    numbers; a list may end in "..." for "and more".
    """
    if isinstance(doc, dict):
        if not isinstance(real, dict) or list(doc) != list(real):
            keys = list(real) if isinstance(real, dict) else real
            return [f"{where or 'top level'}: README keys {list(doc)}, real {keys}"]
        return [m for k in doc for m in json_mismatches(doc[k], real[k], f"{where}.{k}")]
    if isinstance(doc, list):
        if not isinstance(real, list):
            return [f"{where}: README has a list, real {real!r}"]
        shown = doc[:-1] if doc and doc[-1] == ELLIPSIS else doc
        if (len(real) <= len(shown)) if shown is not doc else (len(real) != len(doc)):
            return [f"{where}: README lists {doc}, real {real}"]
        return [
            m for i, d in enumerate(shown) for m in json_mismatches(d, real[i], f"{where}[{i}]")
        ]
    if where.startswith(".seconds."):
        number = (int, float)
        ok = isinstance(doc, number) and isinstance(real, number) and not isinstance(real, bool)
        return [] if ok else [f"{where}: README {doc!r}, real {real!r} (a wall time)"]
    return [] if doc == real else [f"{where}: README {doc!r}, real {real!r}"]


def test_docs_json_mismatches_are_found() -> None:
    real = {"seconds": {"read": 0.2}, "articles": 5, "reports": ["a", "b", "c"]}
    assert (
        json_mismatches({"seconds": {"read": 9}, "articles": 5, "reports": ["a", "..."]}, real)
        == []
    )
    assert json_mismatches({"articles": 5, "seconds": {"read": 0.2}, "reports": ["a", "..."]}, real)
    assert json_mismatches({"seconds": {"read": 0.2}, "articles": 4, "reports": ["a", "..."]}, real)
    assert json_mismatches({"seconds": {"read": 0.2}, "articles": 5, "reports": ["a"]}, real)
    assert json_mismatches({"seconds": {"rd": 0.2}, "articles": 5, "reports": ["a", "..."]}, real)


def console_example() -> list[tuple[str, list[str]]]:
    """($ command, its output lines) of the README's Command line console block."""
    body = section(README.read_text(encoding="utf-8"), "Command line")
    blocks = fenced_blocks(body, "console")
    assert blocks, "README's Command line section has no ```console example"
    steps: list[tuple[str, list[str]]] = []
    for line in blocks[0].splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif line.strip():
            steps[-1][1].append(line)
    return steps


@pytest.mark.slow
def test_docs_readme_console_example_is_real_output(tmp_path: Path) -> None:
    # Run the README's commands as written, in order, in an empty folder that
    # sees the example corpus: the second run is served from the store the
    # first one wrote, as in the README.
    (tmp_path / "examples").symlink_to(REPO / "examples", target_is_directory=True)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "NO_COLOR": "1"}
    steps = console_example()
    assert any(shlex.split(command)[-1] == "--json" for command, _ in steps)
    for command, expected in steps:
        argv = shlex.split(command)
        assert argv[0] == "stemma", command
        run = subprocess.run(
            [sys.executable, "-m", "stemma.cli", *argv[1:]],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert run.returncode == cli.EXIT_OK, f"$ {command}\n{run.stderr[-2000:]}"
        printed = run.stdout.strip().splitlines()
        assert len(printed) == len(expected), f"$ {command} printed {printed}"
        for doc, real in zip(expected, printed, strict=True):
            if doc.startswith("{"):
                example = json.loads(re.sub(r",\s*\.\.\.\s*\]", f', "{ELLIPSIS}"]', doc))
                wrong = json_mismatches(example, json.loads(real))
                assert not wrong, f"$ {command}: README example differs:\n" + "\n".join(wrong)
            else:
                assert doc == real, f"$ {command}"
