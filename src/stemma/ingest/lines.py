"""A learned classifier of page-furniture lines in plain-text copies of pages.

The rules of :mod:`stemma.ingest.clean` remove the furniture they recognise
for certain; what is left of a bare-text copy still holds captions without a
credit shape, bylines with a job title, section labels, "Read More" teasers
and other headlines of the site. Here a logistic regression over cheap
features of each line (no model pass) scores the lines the rules keep:

- its own shape: length, closing punctuation, share of capitalised words,
  whether it has a verb (a closed list and an "-ed" word), digits, times,
  dates, parentheses, a slash;
- furniture words: photo, getty/shutterstock, an agency in a credit shape,
  subscribe/newsletter, app, browser, share/follow, read more, advertisement;
- its place: first or last lines, whether the same line came earlier in the text,
  whether the lines before and after were removed by the rules or are short
  headline-like lines too (a list of "related" headlines is a run of them).

The caller (:func:`stemma.ingest.clean.clean`) only asks about lines that
may go: never a quotation, an attribution or a long paragraph. The weights
ship in ``lines_model.json``; ``scripts/train_lines.py`` reproduces them and
chooses the threshold (by cross-validation by event, for high precision).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

MODEL_FILE = Path(__file__).with_name("lines_model.json")

_WORD = re.compile(r"[^\W\d_][\w’'.-]*")
_VERB = re.compile(
    r"\b(?:is|are|was|were|be|been|being|has|have|had|will|would|could|should|can|may|might|"
    r"must|did|does|do|said|says|say|told|tells|made|make|makes|took|take|takes|found|came|"
    r"went|gave|got|saw|left|began|became|held|kept|led|lost|met|paid|put|ran|sent|set|"
    r"spoke|stood|thought|knew|felt|brought|caught|fell|flew|hit|heard|won|wrote|died|killed|"
    r"[a-z]{3,}ed)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*$")
_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}\b|\b\d{1,2}\s*(?:a\.?m\.?|p\.?m\.?)(?!\w)", re.IGNORECASE)
_MONTH = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|"
    r"\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_WEEKDAY = re.compile(r"\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day)?\b", re.I)
_AGENCY = re.compile(
    r"\b(?:reuters|ap|afp|getty|epa|bloomberg|anadolu|shutterstock|alamy|xinhua|tass|"
    r"handout|pool|associated press|efe|aap|pa)\b",
    re.IGNORECASE,
)
_CREDIT_SHAPE = re.compile(r"\([^()]*/[^()]*\)|\w\s*/\s*\w|\bvia\s+(?:getty|reuters|ap)\b", re.I)

#: Keyword features: name and pattern (searched in the line, case-insensitive).
KEYWORDS: tuple[tuple[str, str], ...] = (
    (
        "kw_photo",
        r"\b(?:photo|photos|photograph|image|images|picture|pictured|file photo|"
        r"caption|gallery|illustration|credit)\b",
    ),
    ("kw_stock", r"\b(?:getty|shutterstock|alamy|istock)\b"),
    (
        "kw_subscribe",
        r"\b(?:subscribe|subscription|newsletter|sign up|signup|inbox|"
        r"register|log ?in)\b",
    ),
    ("kw_app", r"\b(?:app|apps|download|app store|google play)\b"),
    ("kw_browser", r"\b(?:browser|javascript|cookies?|enable javascript|update your browser)\b"),
    (
        "kw_share",
        r"\b(?:share|shares|tweet|facebook|twitter|whatsapp|linkedin|email|"
        r"telegram|copy link|print)\b",
    ),
    ("kw_follow", r"\b(?:follow|followers|join us|on x)\b"),
    (
        "kw_more",
        r"\b(?:read more|more:|see also|also read|read also|see more|more in|related|"
        r"recommended|most read|trending|latest|more from|top stories|watch|listen|video)\b",
    ),
    ("kw_label", r"^\(?[\w' ]{2,25}:(?:\s|$)"),
    ("kw_advert", r"\b(?:advertisement|advertising|sponsored|promoted|ad)\b"),
    (
        "kw_byline",
        r"^(?:by|written by|reported by|words by)\b|\b(?:correspondent|editor|"
        r"reporter|staff writer|contributor|bureau|writing by|editing by|reporting by|"
        r"journalist)\b",
    ),
    (
        "kw_note",
        r"\b(?:editor's note|appeared first on|this story was (?:updated|first)|"
        r"this article was (?:updated|first|originally)|automated translation)\b",
    ),
    ("kw_stamp", r"\b(?:published|updated|posted|modified|min read|minutes? read)\b"),
    ("kw_copyright", r"©|\bcopyright\b|\ball rights reserved\b"),
    ("kw_web", r"https?://|www\.|\.com\b|@\w"),
    ("kw_click", r"\b(?:click|tap|here|sign in|comments?)\b"),
    ("kw_we_you", r"\b(?:you|your|our|we)\b"),
)
_KEYWORDS = tuple((name, re.compile(pattern, re.IGNORECASE)) for name, pattern in KEYWORDS)

#: The features, in the order of the weights.
FEATURES: tuple[str, ...] = (
    "log_words",
    "log_chars",
    "one_word",
    "le3_words",
    "le8_words",
    "sentence_end",
    "colon_end",
    "no_end_punct",
    "capitalised_share",
    "upper_share",
    "has_verb",
    "has_digit",
    "has_time",
    "has_month_date",
    "has_year",
    "has_weekday",
    "agency",
    "credit_shape",
    "in_parentheses",
    "has_pipe",
    "bullet",
    "symbol_share",
    "digit_share",
    "short_time",
    "short_digit",
    *(name for name, _ in KEYWORDS),
    "first_line",
    "last_line",
    "in_first_3",
    "in_last_3",
    "relative_position",
    "seen_before",
    "starts_lower",
    "prev_removed",
    "next_removed",
    "prev_short",
    "next_short",
    "short_run",
)


def _short(line: str) -> bool:
    """A short line without sentence punctuation: a label or a headline."""
    return len(line.split()) <= 14 and not _SENTENCE_END.search(line.strip())


def fold(line: str) -> str:
    return " ".join(line.casefold().split())


def line_features(
    lines: Sequence[str],
    removed: Sequence[bool],
    index: int,
    folded: Sequence[str] | None = None,
) -> list[float]:
    """The features of ``lines[index]``; ``removed`` says which lines the rules took and
    ``folded`` (optional, for speed) is ``[fold(line) for line in lines]``."""
    line = lines[index].strip()
    key = fold(line)
    earlier = folded[:index] if folded is not None else [fold(t) for t in lines[:index]]
    n = len(lines)
    words = line.split()
    n_words = len(words)
    alpha = _WORD.findall(line)
    cap = sum(w[0].isupper() for w in alpha) / len(alpha) if alpha else 0.0
    upper = sum(w.isupper() and len(w) > 1 for w in alpha) / len(alpha) if alpha else 0.0
    prev_i, next_i = index - 1, index + 1
    run = sum(
        1
        for j in range(index - 2, index + 3)
        if j != index and 0 <= j < n and not removed[j] and _short(lines[j])
    )
    values: dict[str, float] = {
        "log_words": math.log1p(n_words),
        "log_chars": math.log1p(len(line)),
        "one_word": float(n_words <= 1),
        "le3_words": float(n_words <= 3),
        "le8_words": float(n_words <= 8),
        "sentence_end": float(bool(_SENTENCE_END.search(line))),
        "colon_end": float(line.endswith(":")),
        "no_end_punct": float(bool(line) and line[-1].isalnum()),
        "capitalised_share": cap,
        "upper_share": upper,
        "has_verb": float(bool(_VERB.search(line))),
        "has_digit": float(any(c.isdigit() for c in line)),
        "has_time": float(bool(_TIME.search(line))),
        "has_month_date": float(bool(_MONTH.search(line))),
        "has_year": float(bool(_YEAR.search(line))),
        "has_weekday": float(bool(_WEEKDAY.search(line))),
        "agency": float(bool(_AGENCY.search(line))),
        "credit_shape": float(bool(_CREDIT_SHAPE.search(line))),
        "in_parentheses": float(line.startswith("(") and line.endswith(")")),
        "has_pipe": float("|" in line),
        "bullet": float(bool(re.match(r"^(?:[-*•·▪►>]+|\d+[.)])\s", line))),
        "symbol_share": sum(c in "{}[]_<>=#^*|/\\~" for c in line) / max(len(line), 1),
        "digit_share": sum(c.isdigit() for c in line) / max(len(line), 1),
        "short_time": float(n_words <= 6 and bool(_TIME.search(line))),
        "short_digit": float(n_words <= 4 and any(c.isdigit() for c in line)),
        **{name: float(bool(pattern.search(line))) for name, pattern in _KEYWORDS},
        "first_line": float(index == 0),
        "last_line": float(index == n - 1),
        "in_first_3": float(index < 3),
        "in_last_3": float(index >= n - 3),
        "relative_position": index / max(n - 1, 1),
        "seen_before": float(key in earlier),
        "starts_lower": float(line[:1].islower()),
        "prev_removed": float(prev_i >= 0 and removed[prev_i]),
        "next_removed": float(next_i < n and removed[next_i]),
        "prev_short": float(prev_i >= 0 and _short(lines[prev_i])),
        "next_short": float(next_i < n and _short(lines[next_i])),
        "short_run": run / 4,
    }
    return [values[name] for name in FEATURES]


def text_features(lines: Sequence[str], removed: Sequence[bool]) -> list[list[float]]:
    """The features of every line of one text."""
    folded = [fold(line) for line in lines]
    return [line_features(lines, removed, i, folded) for i in range(len(lines))]


@lru_cache(maxsize=1)
def _model() -> dict[str, Any]:
    model: dict[str, Any] = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    if tuple(model["features"]) != FEATURES:
        raise ValueError(f"{MODEL_FILE.name} was trained on other features; retrain it")
    return model


def threshold() -> float:
    """The probability above which a line is removed (chosen in training)."""
    return float(_model()["threshold"])


def probability(features: Sequence[float]) -> float:
    """The probability that a line with these features is page furniture."""
    model = _model()
    z = float(model["intercept"])
    for x, mean, scale, w in zip(
        features, model["mean"], model["scale"], model["coef"], strict=True
    ):
        z += w * (x - mean) / scale
    return 1.0 / (1.0 + math.exp(-z))
