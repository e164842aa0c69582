"""Tests for stemma.annotate.dates on expressions from the example corpus and TempEval-3."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from stemma.annotate import dates
from stemma.annotate.dates import extract_timerefs, normalise_date, parse_anchor
from tests.conftest import shared_data

# The FSB-leak articles appeared in early July 2025.
JULY_2025 = dt.date(2025, 7, 5)


def test_dates_normalise_month_year_needs_no_anchor() -> None:
    assert normalise_date("February 2022", None) == ("2022-02", "month", False)
    assert normalise_date("February 2022", JULY_2025) == ("2022-02", "month", False)


def test_dates_normalise_alternative_takes_the_first() -> None:
    assert normalise_date("late 2023 or early 2024", None) == ("2023", "year", False)


def test_dates_normalise_month_this_year_is_anchored() -> None:
    assert normalise_date("In May this year", JULY_2025) == ("2025-05", "month", True)
    assert normalise_date("May this year", None) is None


def test_dates_normalise_last_month_drops_just() -> None:
    assert normalise_date("Just last month", JULY_2025) == ("2025-06", "month", True)
    assert normalise_date("just last month", None) is None


def test_dates_normalise_century_uses_timeml_digits() -> None:
    assert normalise_date("19th-century", None) == ("18", "century", False)


def test_dates_normalise_plain_years() -> None:
    assert normalise_date("1860", None) == ("1860", "year", False)
    assert normalise_date("2023", JULY_2025) == ("2023", "year", False)


def test_dates_normalise_event_relative_is_unresolved() -> None:
    # "just three days prior" counts from the invasion, not from the article
    assert normalise_date("three days prior", JULY_2025) is None
    assert normalise_date("a year earlier", JULY_2025) is None
    assert normalise_date("three days", JULY_2025) is None


def test_dates_normalise_era_is_unresolved() -> None:
    assert normalise_date("the Cold War", JULY_2025) is None


def test_dates_normalise_victory_day_is_9_may_of_the_anchor_year() -> None:
    assert normalise_date("Victory Day", JULY_2025) == ("2025-05-09", "day", True)
    assert normalise_date("Victory Day", None) is None


def test_dates_normalise_bare_weekday_prefers_the_past() -> None:
    friday = dt.date(1998, 11, 20)  # DCT of TempEval-3 NYT19981120.0362, a Friday
    assert normalise_date("Friday", friday) == ("1998-11-20", "day", True)
    assert normalise_date("Thursday", friday) == ("1998-11-19", "day", True)
    assert normalise_date("last Friday", friday) == ("1998-11-13", "day", True)
    assert normalise_date("Monday", friday, prefer="future") == ("1998-11-23", "day", True)


def test_dates_normalise_year_less_day_takes_nearest_past_occurrence() -> None:
    assert normalise_date("Oct. 23", dt.date(1998, 11, 20)) == ("1998-10-23", "day", True)
    assert normalise_date("December", dt.date(1998, 1, 10)) == ("1997-12", "month", True)


def test_dates_normalise_quarters_decades_and_deictic_days() -> None:
    dct = dt.date(1989, 10, 27)
    assert normalise_date("the third quarter", dct) == ("1989-Q3", "quarter", True)
    assert normalise_date("the third quarter of 1990", None) == ("1990-Q3", "quarter", False)
    assert normalise_date("the 1990s", None) == ("199", "decade", False)
    assert normalise_date("yesterday", dct) == ("1989-10-26", "day", True)
    assert normalise_date("last week", dct) == ("1989-W42", "week", True)
    assert normalise_date("Sept. 27, 1989", None) == ("1989-09-27", "day", False)


def test_dates_normalise_unusual_formats_go_to_dateparser() -> None:
    assert normalise_date("24th of February 2022", None) == ("2022-02-24", "day", False)
    assert normalise_date("2/24/2022", None) == ("2022-02-24", "day", False)


def test_dates_normalise_common_forms_skip_dateparser(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("dateparser was asked about a form the regexes handle")

    monkeypatch.setattr(dates, "_dateparser_parse", refuse)
    dates._normalise_cached.cache_clear()
    for text in ("February 2022", "2023", "2022-02-24", "Sept. 30, 1998", "last month"):
        assert normalise_date(text, JULY_2025) is not None


def test_dates_parse_anchor_accepts_dates_and_datetimes() -> None:
    assert parse_anchor("2025-07-05T08:30:00+00:00") == JULY_2025
    assert parse_anchor("2025-07-05") == JULY_2025
    assert parse_anchor("July 2025") is None
    assert parse_anchor(None) is None


def test_dates_extract_example_article(nlp, example_texts: dict[str, str]) -> None:
    name = "000_3c45b8d28d6be2d7.txt"
    doc = nlp(example_texts[name])
    refs = extract_timerefs(doc, article=name, published="2025-07-05")
    by_text = {r.text: r for r in refs}
    assert by_text["February 2022"].value == "2022-02"
    assert by_text["May this year"].value == "2025-05"
    assert by_text["May this year"].anchored
    sentences = list(doc.sents)
    for ref in refs:
        assert doc.text[ref.start : ref.end] == ref.text
        assert sentences[ref.sentence].start_char <= ref.start < sentences[ref.sentence].end_char
        assert ref.article == name


def test_dates_extract_without_published_leaves_relative_unresolved(
    nlp, example_texts: dict[str, str]
) -> None:
    doc = nlp(example_texts["003_90f4051510850127.txt"])
    by_text = {r.text: r for r in extract_timerefs(doc)}
    assert by_text["Just last month"].value is None
    assert by_text["1860"].value == "1860"
    assert by_text["19th-century"].value == "18"
    assert by_text["at least 25 years"].value is None  # a duration


def test_dates_extract_skips_ages(nlp) -> None:
    # TempEval-3 NYT19981120.0362; spaCy labels the age "44" DATE
    doc = nlp("James Charles Kopp, 44, of Vermont, was seen in the car of a female associate.")
    assert all(r.text != "44" for r in extract_timerefs(doc, published="1998-11-20"))


def test_dates_extract_future_tense_takes_the_next_weekday(nlp) -> None:
    # TempEval-3 AP900815-0044, read as if published on Monday 13 August 1990
    doc = nlp("The monarch will meet Bush on Thursday in Kennebunkport, Maine.")
    (ref,) = [r for r in extract_timerefs(doc, published="1990-08-13") if r.text == "Thursday"]
    assert ref.value == "1990-08-16"
    doc = nlp("Cuba predicted Thursday.")
    (ref,) = [r for r in extract_timerefs(doc, published="1990-08-13") if r.text == "Thursday"]
    assert ref.value == "1990-08-09"


def test_dates_normalise_tempeval_gold_document() -> None:
    path = shared_data("tempeval3") / "TBAQ-cleaned" / "AQUAINT" / "NYT19981120.0362.tml"
    root = ET.parse(path).getroot()
    dct = dt.date.fromisoformat(root.find("DCT/TIMEX3").get("value")[:10])  # type: ignore[union-attr,index]
    gold = {
        (t.text, t.get("value"))
        for t in root.iter("TIMEX3")
        if t.get("type") == "DATE" and t.get("functionInDocument") != "CREATION_TIME"
    }
    assert ("last month", "1998-10") in gold and ("Oct. 23", "1998-10-23") in gold
    for text, value in gold:
        if text in ("last month", "Oct. 23", "Friday"):
            result = normalise_date(text, dct)
            assert result is not None and result[0] == value


def test_dates_a_clock_time_before_a_zone_is_no_year(nlp) -> None:
    # Chandrayaan-3 (eval/events, doc 02, AFP): "(1234 GMT)" is 12:34, and
    # "the year 1234" then disagreed with every dated mention of the landing.
    text = (
        "The unmanned Chandrayaan-3 touched down at 6:04 pm India time (1234 GMT) on "
        "Wednesday as mission control technicians cheered."
    )
    refs = extract_timerefs(nlp(text), published="2023-08-23")
    assert "1234" not in [r.value for r in refs]
    assert "2023-08-23" in [r.value for r in refs]
