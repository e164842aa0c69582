"""The bottom line and the exports (STIX 2.1, Parquet, CSV) on the example corpus (issue 16)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
import stix2
from stix2validator import ValidationOptions, validate_file
from typer.testing import CliRunner

from stemma.cli import EXIT_OK, EXIT_USAGE, app
from stemma.report.stix import CONFIDENCE

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def out(example_run: tuple[object, Path]) -> Path:
    return example_run[1]


@pytest.fixture(scope="module")
def story(out: Path) -> dict:
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return report["stories"][0]


def export(out: Path, *args: str) -> None:
    result = CliRunner().invoke(app, ["export", "--db", str(out / "stemma.duckdb"), *args])
    assert result.exit_code == EXIT_OK, result.output


def test_bottom_line_says_five_outlets_one_root_and_the_chain(story: dict) -> None:
    bl = story["bottom_line"]
    assert (bl["articles"], bl["outlets"]) == (5, 5)
    top = bl["top_claims"][0]
    assert "enemy" in top["text"]
    assert (top["outlets"], top["independent_roots"], top["roots"]) == (5, 1, ["FSB document"])
    # The tabloid's hedged lead ("appears to have branded China as 'an enemy' in a
    # remarkable attack") is a report of the claim, not commentary: it counts.
    claim = next(c for c in story["claims"] if c["id"] == top["claim"])
    lead = [m for m in claim["mentions"] if "appears to have branded" in m["text"]]
    assert [m["kind"] for m in lead] == ["reported"]
    # Root first, then who relayed it: the leak group, then the newspaper.
    assert top["chain"] == ["FSB document", "Ares Leaks", "The New York Times", "5 outlets"]
    assert bl["lines"][0] == "5 articles from 5 outlets."
    assert "5 outlets, 1 independent root: FSB document (F2)" in bl["lines"][1]
    assert bl["lines"][2] == "Chain: FSB document → Ares Leaks → The New York Times → 5 outlets."
    assert sum(bl["by_credibility"].values()) == len(story["claims"])
    # Each top claim reads as a sentence, not a clause cut from one.
    assert all(t["text"][:1].isupper() for t in bl["top_claims"])


def test_bottom_line_opens_every_brief(out: Path, story: dict) -> None:
    first = story["bottom_line"]["lines"][1]
    md = (out / "report.md").read_text(encoding="utf-8")
    assert md.index("### Bottom line") < md.index("### Check first")
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.index('class="bottom-line"') < html.index("Check first")
    assert first.split("”")[-1] in md
    assert "Chain: FSB document → Ares Leaks → The New York Times" in html
    # The same "check first" lists as the web page: red flags hold no commentary.
    flags = html[html.index("Red flags (") : html.index("Also unsourced, little to check")]
    assert "Caspian Sea Monster" in flags
    assert "strategic move by Russia itself" not in flags
    assert "These are not just hypothetical scenarios" not in flags


def test_stix_bundle_validates_and_reads_back(out: Path, tmp_path: Path, story: dict) -> None:
    path = tmp_path / "brief.stix.json"
    export(out, "--format", "stix", "--out", str(path))
    result = validate_file(str(path), ValidationOptions())
    assert result.is_valid, [str(e) for r in result.object_results for e in r.errors]

    bundle = stix2.parse(path.read_text(encoding="utf-8"), allow_custom=False)
    objects = {o.id: o for o in bundle.objects}
    reports = [o for o in bundle.objects if o.type == "report"]
    assert [r.name for r in reports] == [story["title"]]
    assert "5 articles from 5 outlets." in reports[0].description

    top = story["bottom_line"]["top_claims"][0]["claim"]
    enemy = next(c for c in story["claims"] if c["id"] == top)
    note = next(o for o in bundle.objects if o.type == "note" and o.abstract == enemy["text"])
    credibility = int(enemy["grade"][1])
    assert note.confidence == CONFIDENCE[credibility]
    assert f'admiralty-scale:information-credibility="{credibility}"' in note.labels
    assert f'admiralty-scale:source-reliability="{enemy["grade"][0].lower()}"' in note.labels
    rels = [o for o in bundle.objects if o.type == "relationship"]
    attributed = [
        r for r in rels if r.source_ref == note.id and r.relationship_type == "attributed-to"
    ]
    assert [objects[r.target_ref].name for r in attributed] == ["FSB document"]
    relays = {
        (objects[r.source_ref].name, objects[r.target_ref].name)
        for r in rels
        if r.relationship_type == "derived-from"
    }
    assert ("The New York Times", "Ares Leaks") in relays
    assert ("Ares Leaks", "FSB document") in relays
    # Every claim is a note, and every reference resolves inside the bundle.
    assert sum(o.type == "note" for o in bundle.objects) == len(story["claims"])
    assert all(ref in objects for r in reports for ref in r.object_refs)


def test_stix_ids_are_stable_across_exports(out: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    export(out, "--format", "stix", "--out", str(a))
    export(out, "--format", "stix", "--out", str(b), "--quiet")
    ids = [
        sorted(o["id"] for o in json.loads(p.read_text(encoding="utf-8"))["objects"])
        for p in (a, b)
    ]
    assert ids[0] == ids[1]


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_tables_export_reads_back_into_duckdb(out: Path, tmp_path: Path, fmt: str) -> None:
    folder = tmp_path / fmt
    export(out, "--format", fmt, "--out", str(folder))
    reader = "read_parquet" if fmt == "parquet" else "read_csv_auto"
    with duckdb.connect(str(out / "stemma.duckdb"), read_only=True) as store:
        for table in ("articles", "sentences", "quotes", "claims", "mentions", "stories"):
            want = store.execute(f"SELECT count(*) FROM {table}").fetchone()
            got = duckdb.execute(
                f"SELECT count(*) FROM {reader}(?)", [str(folder / f"{table}.{fmt}")]
            )
            assert got.fetchone() == want, table
        claims = duckdb.execute(
            f"SELECT max(len(outlets)) FROM {reader}(?)", [str(folder / f"claims.{fmt}")]
        ).fetchone()
    assert claims is not None and (claims[0] == 5 if fmt == "parquet" else claims[0] > 5)


def test_export_one_story_and_refuse_an_unknown_one(out: Path, tmp_path: Path, story: dict) -> None:
    folder = tmp_path / "one"
    export(out, "--format", "parquet", "--out", str(folder), "--story", story["id"])
    assert not (folder / "text_vectors.parquet").exists()
    n = duckdb.execute(
        "SELECT count(DISTINCT story) FROM read_parquet(?)", [str(folder / "claims.parquet")]
    ).fetchone()
    assert n == (1,)
    result = CliRunner().invoke(
        app,
        [
            "export",
            "--db",
            str(out / "stemma.duckdb"),
            "-f",
            "stix",
            "-o",
            str(tmp_path / "x"),
            "--story",
            "nope",
        ],
    )
    assert result.exit_code == EXIT_USAGE
    assert "no story 'nope'" in result.output
    result = CliRunner().invoke(
        app, ["export", "--db", str(out / "stemma.duckdb"), "-f", "xml", "-o", str(tmp_path / "x")]
    )
    assert result.exit_code == EXIT_USAGE
    assert "unknown --format 'xml'" in result.output
