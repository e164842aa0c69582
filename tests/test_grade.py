"""Admiralty grades: the rule table and the ratings file."""

from __future__ import annotations

from pathlib import Path

import pytest

from stemma.analysis.grade import RatingsError, credibility, grade, load_ratings
from stemma.model import ClaimGroup, Discrepancy, Mention

TEXT = "The memo, The New York Times reports, brands China as “the enemy”."


def group(
    kinds: list[str],
    roots: tuple[str, ...],
    *,
    attributed: bool = True,
    disc=(),
    agreement: float | None = 0.9,
    roots_agree: bool = True,
) -> ClaimGroup:
    mentions = tuple(
        Mention(f"a{i}", 0, 0, len(TEXT), TEXT, kind)  # type: ignore[arg-type]
        for i, kind in enumerate(kinds)
    )
    return ClaimGroup(
        "c1",
        "s1",
        TEXT,
        "reported",
        mentions,
        tuple(disc),
        roots,
        attributed=attributed,
        agreement=agreement,
        roots_agree=roots_agree,
    )


NUMBER = Discrepancy("number", "4,000 miles vs 2,600 miles", ("a0", "a1"), ("4,000", "2,600"))
NEGATION = Discrepancy("negation", "calls vs does not call", ("a0", "a1"), ("calls", "not"))


@pytest.mark.parametrize(
    ("claim", "expected", "rule"),
    [
        (group(["reported"] * 5, ("FSB document",)), 2, "C2"),
        (group(["reported"] * 2, ("FSB document", "Paul Kolbe")), 1, "C1"),
        # Two roots, but the two mentions only loosely match: not "confirmed".
        (group(["reported"] * 2, ("FSB document", "Kolbe"), agreement=0.66), 3, "C3-loose"),
        (group(["reported"] * 2, ("FSB document", "Kolbe"), agreement=0.75), 1, "C1"),
        # Every mention has a close counterpart, but not the two roots' own
        # accounts: not "confirmed".
        (group(["reported"] * 3, ("OpenAI", "Greg Brockman"), roots_agree=False), 3, "C3-loose"),
        (group(["reported"] * 2, ("FSB document",), agreement=0.61), 2, "C2"),
        # Two roots in one article's mentions only: nothing to compare, not confirmed.
        (group(["reported"], ("FSB document", "Kolbe"), agreement=None), 3, "C3-loose"),
        (group(["reported"] * 2, ("FSB document", "Kolbe"), disc=[NUMBER]), 3, "C3"),
        (group(["reported"] * 2, ("FSB document",), disc=[NUMBER]), 4, "C4"),
        (group(["reported"] * 2, ("a", "b"), disc=[NEGATION]), 5, "C5"),
        (group(["commentary"], ()), 6, "C6-commentary"),
        (group(["background"], ("article a0",), attributed=False), 6, "C6"),
    ],
)
def test_grade_credibility_rules(claim: ClaimGroup, expected: int, rule: str) -> None:
    value, fired = credibility(claim)
    assert (value, fired.id) == (expected, rule)


def test_grade_default_reliability_is_f_and_rule_is_printed() -> None:
    graded = grade(group(["reported"] * 5, ("FSB document",)), outlets=["Moneycontrol"])
    assert graded.grade is not None
    assert graded.grade.code == "F2"
    assert graded.grade.rule.startswith("C2: one root")
    assert "no rating given" in graded.grade.rule


def test_grade_reliability_from_ratings_prefers_roots(tmp_path: Path) -> None:
    path = tmp_path / "ratings.csv"
    path.write_text("source,reliability\nFSB document,C\nMoneycontrol,B\n", encoding="utf-8")
    ratings = load_ratings(path)
    graded = grade(
        group(["reported"], ("FSB document",)), outlets=["Moneycontrol"], ratings=ratings
    )
    assert graded.grade is not None and graded.grade.code == "C2"
    graded = grade(group(["reported"], ("Ares Leaks",)), outlets=["moneycontrol"], ratings=ratings)
    assert graded.grade is not None and graded.grade.code == "B2"


def test_grade_bad_ratings_file_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "ratings.csv"
    path.write_text("source,reliability\nThe New York Times,B\nTASS,Z\n", encoding="utf-8")
    with pytest.raises(RatingsError, match=r"ratings.csv:3: 'TASS' has reliability 'Z'"):
        load_ratings(path)
    bad_json = tmp_path / "r.json"
    bad_json.write_text('{"Reuters": "A",\n', encoding="utf-8")
    with pytest.raises(RatingsError, match=r"r.json:2: invalid JSON"):
        load_ratings(bad_json)
