"""Date expressions: find them and turn them into comparable values.

stemma compares articles in time ("who reported it first", "is this the same
event as the one in May?"), so every date expression is normalised into a
TimeML TIMEX3-style value, the ISO 8601 subset news needs:

=========== =============== ===============================================
granularity value           examples
=========== =============== ===============================================
day         ``2022-02-24``  "Feb. 24, 2022", "yesterday", "Monday"
week        ``2022-W08``    "last week", "six weeks ago" (ISO week)
month       ``2022-02``     "February 2022", "last month", "in May"
quarter     ``2023-Q4``     "the fourth quarter of 2023", "Q4 2023"
half        ``2023-H1``     "the first half of 2023"
season      ``2023-SU``     "last summer" (SP, SU, FA, WI as in TimeML)
year        ``2022``        "2022", "this year", "two years ago"
decade      ``199``         "the 1990s", "the '90s" (TimeML: leading digits)
century     ``18``          "the 19th century" (TimeML: leading digits)
=========== =============== ===============================================

Values are *prefixes* of one another as granularity grows coarser
("2022-02-24" → "2022-02" → "2022" → "202" → "20"), so two references are
compatible when one value is a prefix of the other.

``anchored`` says whether the value depended on the anchor, the article's
publication date: "yesterday", "last month", "in May" (TimeML resolves a
year-less month or day against the document date), "Monday". Without an
anchor such expressions are left unresolved (``None``) rather than guessed;
today's date is never used.

Some choices, because TimeML leaves them to the annotator:

- A year-less month or day ("in May", "Dec. 21") and a bare weekday take the
  occurrence nearest the anchor, with the past preferred: news mostly
  reports what happened (``FUTURE_PENALTY``). A sentence in the future tense
  flips the preference (``prefer="future"``).
- Alternatives and ranges ("late 2023 or early 2024", "2022-2023") take
  their first member; a later member lends its year to a year-less first
  one ("May or June 2022" → 2022-05). The value says when the range starts,
  which is what a timeline needs to order events.
- Modifiers ("early", "late", "mid-", "the end of") do not change the value:
  "late 2023" is ``2023`` (TimeML keeps them in a separate ``mod``).
- Expressions relative to another event, not to the article ("three days
  prior", "a year earlier", "the next day") and durations ("three days",
  "25 years") have no value: resolving them needs the event's date.
- Vague references ("now", "recently", "the past") and named eras ("the Cold
  War") have no calendar value either.
- Fixed-date holidays in ``HOLIDAYS`` ("Christmas", "Victory Day") resolve
  like a year-less day; Victory Day is 9 May, as celebrated in Russia and most
  of the former Soviet Union, the only usage in stemma's example corpus.

Regular expressions handle what news mostly writes; ``dateparser`` is only
asked about the remaining forms that name a month or look numeric ("24th of
Feb 2022", "2/24/2022"), because it is slow and fills missing parts with
values of its own. Results are cached per (text, anchor, preference).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from stemma.annotate.sents import sentences
from stemma.model import TimeRef

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

Prefer = Literal["past", "future"]
Normalised = tuple[str, str, bool]

# Future distances count this many times more than past ones when picking the
# occurrence of a year-less month/day or a bare weekday: news reports events
# that happened far more often than planned ones, so "Thursday" in a Monday
# article is last Thursday (3 days back) rather than next (3 days ahead x 2).
# On TempEval-3 (eval/dates.py) 1.5, 2 and 3 score within 0.2 points of each other.
FUTURE_PENALTY = 2.0

# Size of the lru caches: a news corpus repeats a few hundred expressions per
# publication date, so a few thousand entries hold a whole run.
CACHE_SIZE = 8192

# spaCy entity labels that carry dates. TIME entities ("Wednesday night",
# "9 a.m. Tuesday") are kept only when they resolve to a day.
DATE_LABELS = frozenset({"DATE"})
TIME_LABELS = frozenset({"TIME"})

# Month names and the abbreviations news agencies use (AP style "Sept.").
MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9, "october": 10,
    "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip

WEEKDAYS: dict[str, int] = {
    "monday": 0, "mon": 0, "tuesday": 1, "tues": 1, "tue": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thurs": 3, "thu": 3, "friday": 4, "fri": 4, "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
}  # fmt: skip

# Counts as news spells them ("a year ago", "two weeks ago", "a couple of days ago").
NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "a couple of": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
    "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "a hundred": 100,
}  # fmt: skip

# Ordinals up to the centuries news mentions ("the nineteenth century").
ORDINAL_WORDS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
    "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
    "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
    "twenty-first": 21,
}  # fmt: skip

# Spelled decades ("the nineties") → decade digit.
DECADE_WORDS: dict[str, int] = {
    "twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6,
    "seventies": 7, "eighties": 8, "nineties": 9,
}  # fmt: skip

# Deictic words → signed offset from the anchor ("this", "last", "next" week...).
OFFSET_WORDS: dict[str, int] = {
    "this": 0, "current": 0, "the current": 0, "this past": -1, "last": -1, "past": -1,
    "the past": -1, "previous": -1, "the previous": -1, "latest": -1, "the latest": -1,
    "next": 1, "the next": 1, "coming": 1, "the coming": 1, "this coming": 1,
}  # fmt: skip

# TimeML season codes, with the month a season starts in (winter starts in
# December of the year it is named after).
SEASONS: dict[str, tuple[str, int]] = {
    "spring": ("SP", 3), "summer": ("SU", 6), "fall": ("FA", 9), "autumn": ("FA", 9),
    "winter": ("WI", 12),
}  # fmt: skip


def _thanksgiving(year: int) -> dt.date:
    """US Thanksgiving: the fourth Thursday of November."""
    first = dt.date(year, 11, 1)
    return first + dt.timedelta(days=(3 - first.weekday()) % 7 + 21)


def _election_day(year: int) -> dt.date:
    """US Election Day: the Tuesday after the first Monday of November."""
    first = dt.date(year, 11, 1)
    return first + dt.timedelta(days=(0 - first.weekday()) % 7 + 1)


# Holidays with a computable date, as English-language news names them. Only
# unambiguous ones: Easter and national days that differ per country are left out.
HOLIDAYS: dict[str, Callable[[int], dt.date]] = {
    "new year's day": lambda y: dt.date(y, 1, 1),
    "new year's eve": lambda y: dt.date(y, 12, 31),
    "valentine's day": lambda y: dt.date(y, 2, 14),
    "victory day": lambda y: dt.date(y, 5, 9),
    "christmas": lambda y: dt.date(y, 12, 25),
    "christmas day": lambda y: dt.date(y, 12, 25),
    "christmas eve": lambda y: dt.date(y, 12, 24),
    "boxing day": lambda y: dt.date(y, 12, 26),
    "halloween": lambda y: dt.date(y, 10, 31),
    "thanksgiving": _thanksgiving,
    "thanksgiving day": _thanksgiving,
    "election day": _election_day,
}

# Leading words that only locate or hedge the time ("in May", "just last
# month", "late 2023"); they are dropped before matching. Longest first.
LEADING_FILLERS: tuple[str, ...] = tuple(
    sorted(
        (
            "in", "on", "at", "by", "since", "from", "during", "until", "till", "before",
            "after", "around", "about", "approximately", "circa", "as of", "as early as",
            "as late as", "as recently as", "sometime", "some time", "just", "only", "even",
            "early", "late", "mid", "the middle of", "middle of", "the end of", "end of",
            "the beginning of", "beginning of", "the start of", "start of", "the turn of",
            "earlier", "later", "the", "fiscal", "calendar", "the fiscal", "the calendar",
            "roughly", "nearly", "almost", "some", "within", "throughout", "through", "of",
            "between", "post", "pre", "fiscal year", "the fiscal year", "calendar year",
        ),
        key=len,
        reverse=True,
    )
)  # fmt: skip

# Trailing words that only narrow a day ("Friday night", "yesterday morning")
# or hedge ("2024 or so"); dropped too.
TRAILING_FILLERS: tuple[str, ...] = (
    "morning", "afternoon", "evening", "night", "overnight", "or so", "and beyond",
    "or later", "or earlier", "at the latest", "at the earliest",
)  # fmt: skip

_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY_RE = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_NUM_RE = "|".join(sorted((re.escape(w) for w in NUMBER_WORDS), key=len, reverse=True))
_OFFSET_RE = "|".join(sorted(OFFSET_WORDS, key=len, reverse=True))
_ORD_RE = "|".join(sorted(ORDINAL_WORDS, key=len, reverse=True))
_YEAR = r"(1\d{3}|20\d{2})"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"

_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:t[\d:.]*(?:z|[+-][\d:]+)?)?$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR_ONLY = re.compile(rf"^(?:the year |year )?{_YEAR}(?:'s)?$")
_YEAR_RANGE = re.compile(rf"^{_YEAR}\s*[-/]\s*(\d{{2}}|\d{{4}})$")
_DECADE_FULL = re.compile(r"^(1\d|20)(\d)0'?s$")
_DECADE_SHORT = re.compile(r"^'?(\d)0'?s$")
_CENTURY_NUM = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)[\s-]centur(?:y|ies)$")
_CENTURY_WORD = re.compile(rf"^({_ORD_RE})[\s-]centur(?:y|ies)$")
_MONTH_YEAR = re.compile(rf"^({_MONTH_RE})\.?,?\s+(?:of\s+)?{_YEAR}$")
_MONTH_DAY_YEAR = re.compile(rf"^({_MONTH_RE})\.?\s+{_DAY},?\s+{_YEAR}$")
_DAY_MONTH_YEAR = re.compile(rf"^{_DAY}\s+(?:of\s+)?({_MONTH_RE})\.?,?\s+{_YEAR}$")
_MONTH_DAY = re.compile(rf"^({_MONTH_RE})\.?\s+{_DAY}$")
_DAY_MONTH = re.compile(rf"^{_DAY}\s+(?:of\s+)?({_MONTH_RE})\.?$")
_MONTH = re.compile(rf"^(?:({_OFFSET_RE})\s+)?({_MONTH_RE})\.?(?:\s+(this|last|next) year)?$")
_RELATIVE = re.compile(rf"^({_OFFSET_RE})\s+(day|week|weekend|month|quarter|year|decade|century)$")
_AGO = re.compile(rf"^({_NUM_RE}|\d+)\s+(day|week|month|year|decade)s?\s+(ago|from now|hence)$")
_WEEKDAY = re.compile(rf"^(?:({_OFFSET_RE})\s+)?({_WEEKDAY_RE})\.?$")
_QUARTER = re.compile(
    rf"^(?:{_YEAR}\s+|(this|last|next) year's\s+)?(first|second|third|fourth|1st|2nd|3rd|4th)"
    rf"[\s-]quarter(?:\s+(?:of\s+)?{_YEAR})?$"
)
_QUARTER_SHORT = re.compile(rf"^(?:q([1-4])\s*-?\s*{_YEAR}|{_YEAR}\s*-?\s*q([1-4]))$")
_HALF = re.compile(rf"^(first|second|1st|2nd|last)\s+half(?:\s+of\s+{_YEAR})?$")
_SEASON = re.compile(
    rf"^(?:({_OFFSET_RE})\s+)?(spring|summer|fall|autumn|winter)(?:\s+(?:of\s+)?{_YEAR})?$"
)
# Expressions counted from another event, not from the article's date: "three
# days prior", "a year earlier", "the next day", "that month", "the previous Friday".
_EVENT_RELATIVE = re.compile(
    r"\b(?:following|previous|preceding|prior|same|that|the next|the other)\s+"
    rf"(?:day|week|weekend|month|quarter|year|decade|morning|night|evening|afternoon|{_WEEKDAY_RE})\b"
    r"|\b(?:earlier|later|before|after|prior|afterwards?|beforehand|since)$"
)
_ENDED = re.compile(
    r"^(?:the )?(?:fiscal )?(?:year|quarter|period|half|(?:\w+ )?months?)\s+end(?:ed|ing)\s+"
)
_CLOCK = re.compile(
    r"^(?:\d{1,2}(?::\d{2})?\s*(?:a\.?m\.?|p\.?m\.?)|noon|midnight)(?:\s+[a-z]{2,4}t)?,?\s+(?:on\s+)?"
)
_HAS_DATE_WORD = re.compile(rf"\b(?:{_MONTH_RE})\b|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}")

_DEICTIC_DAYS: dict[str, int] = {
    "today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0,
    "yesterday": -1, "last night": -1, "tomorrow": 1, "the day before yesterday": -2,
    "the day after tomorrow": 2,
}  # fmt: skip

_ORDINAL_NUM: dict[str, int] = {"first": 1, "second": 2, "third": 3, "fourth": 4}


def normalise_date(
    text: str, anchor: dt.date | None, *, prefer: Prefer = "past"
) -> Normalised | None:
    """Normalise a date expression to ``(value, granularity, anchored)``.

    ``anchor`` is the article's publication date (a ``datetime`` is cut to its
    date). ``prefer`` breaks the tie between the last and the next occurrence
    of a year-less date ("May", "Friday"); the caller knows the tense.
    Returns ``None`` for durations, vague or event-relative expressions, for
    anchor-relative ones when there is no anchor, and for dates beyond the
    calendar (years 1 to 9999).

    >>> normalise_date("February 2022", None)
    ('2022-02', 'month', False)
    >>> normalise_date("just last month", dt.date(2025, 7, 5))
    ('2025-06', 'month', True)
    """
    if isinstance(anchor, dt.datetime):
        anchor = anchor.date()
    try:
        return _normalise_cached(text, anchor, prefer)
    except (OverflowError, ValueError):
        # Beyond the calendar: "tomorrow" in an article dated 9999-12-31, "Monday" at
        # 0001-01-01, "1000000 days ago", a count of thousands of digits. No value.
        return None


def parse_anchor(published: str | None) -> dt.date | None:
    """The date part of an ISO 8601 date or datetime string, or ``None``."""
    if not published:
        return None
    match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", published)
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def extract_timerefs(doc: Doc, *, article: str = "", published: str | None = None) -> list[TimeRef]:
    """Every DATE entity of ``doc`` (and each TIME entity that names a day).

    Offsets are into ``doc.text``; ``sentence`` indexes ``list(doc.sents)``.
    ``published`` (ISO date or datetime) anchors relative expressions; without
    it they keep ``value=None``.
    """
    anchor = parse_anchor(published)
    sentence_of = {sent.start: i for i, sent in enumerate(sentences(doc))}
    refs: list[TimeRef] = []
    for ent in doc.ents:
        if ent.label_ not in DATE_LABELS and ent.label_ not in TIME_LABELS:
            continue
        if not _names_a_time(ent.text) or _military_time(ent):
            continue
        result = normalise_date(ent.text, anchor, prefer=_tense_preference(ent))
        if ent.label_ in TIME_LABELS and (result is None or result[1] != "day"):
            continue  # clock times and durations ("an hour") say nothing about the date
        value, granularity, anchored = result if result else (None, None, False)
        refs.append(
            TimeRef(
                article=article,
                sentence=sentence_of.get(ent.sent.start, 0),
                text=ent.text,
                start=ent.start_char,
                end=ent.end_char,
                value=value,
                granularity=granularity,
                anchored=anchored,
            )
        )
    return refs


#: Time zones news writes after a clock time (also read by
#: ``stemma.analysis.units.clock_times``): "1234 GMT" is 12:34, not the year 1234.
TIME_ZONES = r"GMT|UTC|IST|EST|EDT|CST|CDT|MST|MDT|PST|PDT|BST|CET|CEST|EET|EEST|JST|KST|AEST|AEDT"
_ZONE = rf"(?:{TIME_ZONES}|Z|hrs|hours)\b"


def _military_time(ent: Span) -> bool:
    """A clock time of three or four digits before a time zone ("1234 GMT",
    "0900 hrs"), which the tagger may take for a year."""
    m = re.fullmatch(rf"(\d{{3,4}})(\s*{_ZONE})?", ent.text)
    if m is None:
        return False
    return bool(m.group(2)) or bool(re.match(rf"\s*{_ZONE}", ent.doc.text[ent.end_char :]))


# Frequencies spaCy labels DATE ("quarterly results", "annual report"): they
# say how often, not when, so they are no time reference.
FREQUENCY_WORDS = frozenset(
    {"daily", "weekly", "monthly", "quarterly", "annual", "annually", "yearly", "nightly",
     "biannual", "biennial", "semiannual", "hourly"}
)  # fmt: skip

_AGE = re.compile(r"\b(?:years?|months?|weeks?|days?)[- ]olds?\b", re.IGNORECASE)
_NUMBER = re.compile(r"^[\d.,]+$")


def _names_a_time(text: str) -> bool:
    """False for what spaCy's DATE label also catches: ages, bare numbers, frequencies."""
    stripped = text.strip()
    if _AGE.search(stripped) or stripped.lower() in FREQUENCY_WORDS:
        return False
    # a bare number is a date only if it looks like a year ("1860", "2023")
    return not (_NUMBER.match(stripped) and not _YEAR_ONLY.match(stripped))


# Auxiliaries that put a clause in the future ("will meet Friday").
FUTURE_AUXILIARIES = frozenset({"will", "'ll", "shall", "wo"})


def _tense_preference(ent: Span) -> Prefer:
    """``future`` when the verb the date hangs on has a future auxiliary."""
    token = ent.root
    for _ in range(3):  # the date's verb is at most a preposition or two away
        if token.pos_ in ("VERB", "AUX") or token.head is token:
            break
        token = token.head
    if any(child.dep_ == "aux" and child.lower_ in FUTURE_AUXILIARIES for child in token.children):
        return "future"
    # "is going to", "is expected to", "plans to" + verb: the governing verb's own head
    head = token.head
    if token.dep_ == "xcomp" and head.lemma_ in ("go", "expect", "plan", "schedule", "set"):
        return "future"
    return "past"


# --------------------------------------------------------------------------- #
# normalisation


@lru_cache(maxsize=CACHE_SIZE)
def _normalise_cached(text: str, anchor: dt.date | None, prefer: Prefer) -> Normalised | None:
    cleaned = _clean(text)
    if not cleaned or _EVENT_RELATIVE.search(cleaned):
        return None
    first, rest = _first_alternative(cleaned)
    result = _normalise_one(_strip_fillers(first), anchor, prefer)
    if result is None and rest:
        # "the Cold War or 1991": the first member is not a date, a later one may be
        result = _normalise_one(_strip_fillers(rest), anchor, prefer)
    return result


def _clean(text: str) -> str:
    text = text.lower().replace("’", "'").replace("‘", "'")
    text = re.sub(r"[–—‐‑]", "-", text)
    text = re.sub(r"[\"“”()]", " ", text)
    text = re.sub(r"\s+", " ", text).strip(" .,;:!?")
    return re.sub(r"'s$", "", text).strip()


def _first_alternative(text: str) -> tuple[str, str]:
    """The first member of "X or Y" / "X to Y" / "X-Y"; its year borrowed from later ones."""
    match = _YEAR_RANGE.match(text)
    if match:
        return match[1], ""
    parts = re.split(r"\s+(?:or|and|to|through|until|till|into)\s+|\s+-\s+|\s*/\s*(?=\D)", text)
    first, rest = parts[0], " ".join(parts[1:])
    year = re.search(rf"\b{_YEAR}\b", rest)
    if year and not re.search(r"\d{3}", first) and re.search(rf"\b(?:{_MONTH_RE})\b", first):
        first = f"{first} {year[1]}"  # "May or June 2022" → "May 2022"
    return first, rest


def _strip_fillers(text: str) -> str:
    changed = True
    while changed and text:
        changed = False
        for word in LEADING_FILLERS:
            if text.startswith(word + " ") or (word == "mid" and text.startswith("mid-")):
                text = text[len(word) + 1 :].lstrip()
                changed = True
                break
        for pre in ("early-", "late-"):
            if text.startswith(pre):
                text = text[len(pre) :]
                changed = True
        for word in TRAILING_FILLERS:
            if text.endswith(" " + word):
                text = text[: -len(word) - 1].rstrip(" ,")
                changed = True
    # "the year ended March 31": the span is named by its last day
    text = _ENDED.sub("", text)
    # "9 a.m. Tuesday", "4 a.m. EDT Thursday": the clock time is finer than a day
    text = _CLOCK.sub("", text)
    # "Friday, Oct. 23": the month-day says it all
    text = re.sub(rf"^(?:{_WEEKDAY_RE})\.?,?\s+(?=(?:{_MONTH_RE})\b|\d)", "", text)
    return text.strip(" ,.")


def _normalise_one(s: str, anchor: dt.date | None, prefer: Prefer) -> Normalised | None:
    for rule in _ABSOLUTE_RULES:
        result = rule(s)
        if result is not None:
            return (*result, False)
    if anchor is not None:
        for anchored_rule in _ANCHORED_RULES:
            result = anchored_rule(s, anchor, prefer)
            if result is not None:
                return (*result, True)
    if _HAS_DATE_WORD.search(s):
        return _dateparser_fallback(s, anchor)
    return None


# ---- absolute expressions: no anchor needed --------------------------------

Value = tuple[str, str]


def _iso_day(s: str) -> Value | None:
    m = _ISO_DAY.match(s)
    return _day_value(int(m[1]), int(m[2]), int(m[3])) if m else None


def _iso_month(s: str) -> Value | None:
    m = _ISO_MONTH.match(s)
    return (f"{m[1]}-{m[2]}", "month") if m and 1 <= int(m[2]) <= 12 else None


def _year(s: str) -> Value | None:
    m = _YEAR_ONLY.match(s)
    return (m[1], "year") if m else None


def _decade(s: str) -> Value | None:
    m = _DECADE_FULL.match(s)
    if m:
        return f"{m[1]}{m[2]}", "decade"
    m = _DECADE_SHORT.match(s)
    digit = int(m[1]) if m else DECADE_WORDS.get(s)
    if digit is None:
        return None
    # Two-digit decades in news: the '20s and earlier are this century's only
    # when they cannot be last century's famous ones; '30s-'90s are 19xx.
    return (f"19{digit}" if digit >= 3 else f"20{digit}"), "decade"


def _century(s: str) -> Value | None:
    m = _CENTURY_NUM.match(s)
    number = int(m[1]) if m else None
    if number is None:
        m = _CENTURY_WORD.match(s)
        number = ORDINAL_WORDS[m[1]] if m else None
    if number is None or not 1 <= number <= 21:
        return None
    return f"{number - 1:02d}", "century"


def _month_year(s: str) -> Value | None:
    m = _MONTH_YEAR.match(s)
    return (f"{m[2]}-{MONTHS[m[1]]:02d}", "month") if m else None


def _full_date(s: str) -> Value | None:
    m = _MONTH_DAY_YEAR.match(s)
    if m:
        return _day_value(int(m[3]), MONTHS[m[1]], int(m[2]))
    m = _DAY_MONTH_YEAR.match(s)
    if m:
        return _day_value(int(m[3]), MONTHS[m[2]], int(m[1]))
    return None


def _quarter_absolute(s: str) -> Value | None:
    m = _QUARTER.match(s)
    if m and (m[1] or m[4]):
        return f"{m[1] or m[4]}-Q{_quarter_number(m[3])}", "quarter"
    m = _QUARTER_SHORT.match(s)
    if m:
        return (f"{m[2]}-Q{m[1]}" if m[1] else f"{m[3]}-Q{m[4]}"), "quarter"
    return None


def _half_absolute(s: str) -> Value | None:
    m = _HALF.match(s)
    if m and m[2]:
        return f"{m[2]}-H{1 if m[1] in ('first', '1st') else 2}", "half"
    return None


def _season_absolute(s: str) -> Value | None:
    m = _SEASON.match(s)
    if m and m[3] and not m[1]:
        return f"{m[3]}-{SEASONS[m[2]][0]}", "season"
    return None


def _holiday_absolute(s: str) -> Value | None:
    m = re.match(rf"^(.+?),?\s+{_YEAR}$", s)
    if m and m[1] in HOLIDAYS:
        return HOLIDAYS[m[1]](int(m[2])).isoformat(), "day"
    return None


_ABSOLUTE_RULES: tuple[Callable[[str], Value | None], ...] = (
    _iso_day,
    _iso_month,
    _year,
    _decade,
    _century,
    _month_year,
    _full_date,
    _quarter_absolute,
    _half_absolute,
    _season_absolute,
    _holiday_absolute,
)


# ---- anchored expressions ---------------------------------------------------


def _deictic_day(s: str, anchor: dt.date, prefer: Prefer) -> Value | None:
    offset = _DEICTIC_DAYS.get(s)
    if offset is None:
        return None
    return (anchor + dt.timedelta(days=offset)).isoformat(), "day"


def _relative_unit(s: str, anchor: dt.date, prefer: Prefer) -> Value | None:
    m = _RELATIVE.match(s)
    if not m:
        return None
    offset, unit = OFFSET_WORDS[m[1]], m[2]
    return _shift(anchor, unit, offset)


def _ago(s: str, anchor: dt.date, prefer: Prefer) -> Value | None:
    m = _AGO.match(s)
    if not m:
        return None
    count = int(m[1]) if m[1].isdigit() else NUMBER_WORDS[m[1]]
    sign = -1 if m[3] == "ago" else 1
    if m[2] == "decade":  # "a decade ago" names a year, not a decade
        return str(anchor.year + sign * 10 * count), "year"
    return _shift(anchor, m[2], sign * count)


def _month_day(s: str, anchor: dt.date, prefer: Prefer) -> Value | None:
    m = _MONTH_DAY.match(s)
    if m:
        month, day = MONTHS[m[1]], int(m[2])
    else:
        m = _DAY_MONTH.match(s)
        if not m:
            return None
        month, day = MONTHS[m[2]], int(m[1])
    if not 1 <= day <= 31:
        return None
    year = _nearest_year(anchor, prefer, lambda y: _safe_span(y, month, day, day))
    return _day_value(year, month, day) if year else None


def _month(s: str, anchor: dt.date, prefer: Prefer) -> Value | None:
    m = _MONTH.match(s)
    if not m:
        return None
    month = MONTHS[m[2]]
    if m[3]:  # "May this year", "June last year"
        year = anchor.year + {"this": 0, "last": -1, "next": 1}[m[3]]
    elif m[1]:
        offset = OFFSET_WORDS[m[1]]
        if offset == 0:
            year = anchor.year
        elif offset < 0:  # "last June": the latest June before this month
            year = anchor.year if month < anchor.month else anchor.year - 1
        else:
            year = anchor.year if month > anchor.month else anchor.year + 1
    else:
        found = _nearest_year(anchor, prefer, lambda y: _safe_span(y, month, 1, 31))
        if found is None:
            return None
        year = found
    return f"{year}-{month:02d}", "month"


def _weekday(s: str, anchor: dt.date, prefer: Prefer) -> Value | None:
    m = _WEEKDAY.match(s)
    if not m:
        return None
    target = WEEKDAYS[m[2]]
    back = (anchor.weekday() - target) % 7  # days since the last such weekday (0 = today)
    ahead = (target - anchor.weekday()) % 7
    offset = OFFSET_WORDS.get(m[1] or "")
    if offset is not None and offset < 0:  # "last Friday": strictly before the anchor
        delta = -(back or 7)
    elif offset is not None and offset > 0:  # "next Friday": strictly after
        delta = ahead or 7
    elif back == 0:
        delta = 0
    else:
        past_cost, future_cost = _costs(prefer)
        delta = -back if back * past_cost <= ahead * future_cost else ahead
    return (anchor + dt.timedelta(days=delta)).isoformat(), "day"


def _quarter_relative(s: str, anchor: dt.date, prefer: Prefer) -> Value | None:
    m = _QUARTER.match(s)
    if not m or m[1] or m[4]:
        return None
    quarter = _quarter_number(m[3])
    if m[2]:  # "next year's first quarter"
        year = anchor.year + {"this": 0, "last": -1, "next": 1}[m[2]]
    else:
        first_month = 3 * quarter - 2
        found = _nearest_year(anchor, prefer, lambda y: _safe_span(y, first_month, 1, 31, 3))
        if found is None:
            return None
        year = found
    return f"{year}-Q{quarter}", "quarter"


def _half_relative(s: str, anchor: dt.date, prefer: Prefer) -> Value | None:
    m = _HALF.match(s)
    if not m or m[2] or m[1] == "last":
        return None
    return f"{anchor.year}-H{1 if m[1] in ('first', '1st') else 2}", "half"


def _season_relative(s: str, anchor: dt.date, prefer: Prefer) -> Value | None:
    m = _SEASON.match(s)
    if not m or m[3]:
        return None
    code, start_month = SEASONS[m[2]]
    years = range(anchor.year - 2, anchor.year + 2)
    spans = {y: span for y in years if (span := _safe_span(y, start_month, 1, 31, 3))}
    offset = OFFSET_WORDS[m[1]] if m[1] else 0
    if offset < 0:  # "last fall": the latest one already over
        year = max(y for y, (_, end) in spans.items() if end < anchor)
    elif offset > 0:  # "next spring": the first one not yet begun
        year = min(y for y, (start, _) in spans.items() if start > anchor)
    else:
        found = _nearest_year(anchor, prefer, lambda y: spans.get(y))
        if found is None:
            return None
        year = found
    return f"{year}-{code}", "season"


def _holiday(s: str, anchor: dt.date, prefer: Prefer) -> Value | None:
    m = re.match(rf"^(?:({_OFFSET_RE})\s+)?(.+)$", s)
    if not m or m[2] not in HOLIDAYS:
        return None
    when = HOLIDAYS[m[2]]
    offset = OFFSET_WORDS[m[1]] if m[1] else None
    if offset is not None and offset < 0:
        year = anchor.year if when(anchor.year) < anchor else anchor.year - 1
    elif offset is not None and offset > 0:
        year = anchor.year if when(anchor.year) > anchor else anchor.year + 1
    else:
        found = _nearest_year(anchor, prefer, lambda y: (when(y), when(y)))
        if found is None:
            return None
        year = found
    return when(year).isoformat(), "day"


def _century_relative(s: str, anchor: dt.date, prefer: Prefer) -> Value | None:
    m = re.match(rf"^({_OFFSET_RE}) century$", s)
    if not m:
        return None
    return f"{anchor.year // 100 + OFFSET_WORDS[m[1]]:02d}", "century"


_ANCHORED_RULES: tuple[Callable[[str, dt.date, Prefer], Value | None], ...] = (
    _deictic_day,
    _relative_unit,
    _ago,
    _month_day,
    _month,
    _weekday,
    _quarter_relative,
    _half_relative,
    _season_relative,
    _holiday,
    _century_relative,
)


# ---- helpers ----------------------------------------------------------------


def _day_value(year: int, month: int, day: int) -> Value | None:
    try:
        return dt.date(year, month, day).isoformat(), "day"
    except ValueError:
        return None


def _quarter_number(word: str) -> int:
    return _ORDINAL_NUM.get(word) or int(word[0])


def _costs(prefer: Prefer) -> tuple[float, float]:
    """Weights of (past, future) distance for ``prefer``."""
    return (1.0, FUTURE_PENALTY) if prefer == "past" else (FUTURE_PENALTY, 1.0)


def _safe_span(
    year: int, month: int, first_day: int, last_day: int, months: int = 1
) -> tuple[dt.date, dt.date] | None:
    """The dates ``year-month-first_day`` to the end of the span (clamped to the month)."""
    try:
        start = dt.date(year, month, first_day)
    except ValueError:
        return None
    end_month = month + months - 1
    end_year = year + (end_month - 1) // 12
    end_month = (end_month - 1) % 12 + 1
    next_month = dt.date(end_year + end_month // 12, end_month % 12 + 1, 1)
    month_end = next_month - dt.timedelta(days=1)
    end = min(month_end, dt.date(end_year, end_month, min(last_day, month_end.day)))
    return start, max(start, end)


def _nearest_year(
    anchor: dt.date,
    prefer: Prefer,
    span_in: Callable[[int], tuple[dt.date, dt.date] | None],
) -> int | None:
    """The year (anchor's, or one either side) whose span lies nearest the anchor."""
    past_cost, future_cost = _costs(prefer)
    best: tuple[float, int] | None = None
    for year in (anchor.year, anchor.year - 1, anchor.year + 1):
        span = span_in(year)
        if span is None:
            continue
        start, end = span
        if end < anchor:
            cost = (anchor - end).days * past_cost
        elif start > anchor:
            cost = (start - anchor).days * future_cost
        else:
            cost = 0.0
        if best is None or cost < best[0]:
            best = (cost, year)
    return best[1] if best else None


def _shift(anchor: dt.date, unit: str, offset: int) -> Value | None:
    """The value of the ``unit`` (day, week, month...) ``offset`` units from the anchor."""
    if unit == "day":
        return (anchor + dt.timedelta(days=offset)).isoformat(), "day"
    if unit in ("week", "weekend"):
        iso = (anchor + dt.timedelta(weeks=offset)).isocalendar()
        return f"{iso.year}-W{iso.week:02d}", "week"
    if unit == "month":
        index = anchor.year * 12 + anchor.month - 1 + offset
        return f"{index // 12}-{index % 12 + 1:02d}", "month"
    if unit == "quarter":
        index = anchor.year * 4 + (anchor.month - 1) // 3 + offset
        return f"{index // 4}-Q{index % 4 + 1}", "quarter"
    if unit == "year":
        return str(anchor.year + offset), "year"
    if unit == "decade":
        return str(anchor.year // 10 + offset), "decade"
    if unit == "century":
        return f"{anchor.year // 100 + offset:02d}", "century"
    return None


# ---- dateparser, for the remaining explicit forms ---------------------------

# dateparser's "period" → our granularity; "time" and "part_of_day" mean a day.
_PERIODS = {"day": "day", "week": "week", "month": "month", "year": "year", "time": "day"}


def _dateparser_fallback(s: str, anchor: dt.date | None) -> Normalised | None:
    """Ask dateparser about a form the rules do not know, keeping only what it read.

    dateparser fills parts the text lacks from ``RELATIVE_BASE``; a missing
    year counts as anchored, and without an anchor the year is required.
    """
    has_year = re.search(r"\b\d{4}\b|\b\d{1,2}[/.]\d{1,2}[/.]\d{2}\b", s) is not None
    if anchor is None and not has_year:
        return None
    parsed = _dateparser_parse(s, anchor)
    if parsed is None:
        return None
    day, period = parsed
    granularity = _PERIODS.get(period, "day")
    if granularity == "week":
        return None  # a week named by dateparser is a relative phrase we chose not to resolve
    value = {"day": day.isoformat(), "month": day.isoformat()[:7], "year": str(day.year)}[
        granularity
    ]
    return value, granularity, not has_year


@lru_cache(maxsize=CACHE_SIZE)
def _dateparser_parse(s: str, anchor: dt.date | None) -> tuple[dt.date, str] | None:
    from dateparser.date import DateDataParser  # slow import: only when needed

    settings: dict[str, object] = {
        "PREFER_DATES_FROM": "past",
        "RETURN_TIME_AS_PERIOD": True,
        "STRICT_PARSING": False,
    }
    if anchor is not None:
        settings["RELATIVE_BASE"] = dt.datetime(anchor.year, anchor.month, anchor.day)
    else:
        settings["REQUIRE_PARTS"] = ["year"]
    data = DateDataParser(languages=["en"], settings=settings).get_date_data(s)
    if data.date_obj is None:
        return None
    return data.date_obj.date(), data.period or "day"
