"""Claim units: the sentences and clauses a story's claims are made of.

Each sentence is one unit, or several when it joins clauses that carry
separate claims: at ``"; "``, at ``", but"`` and at ``"and"`` before a
coordinated verb phrase ("The memo brands China as the enemy *and accuses*
Beijing of espionage") or a pronoun subject ("... *and they are* very
suspicious"). A comma list ("officials, experts, and journalists") is not
split. Units under ``ClaimParams.min_unit_words`` words are dropped. A unit
keeps its sentence's kind and source, and carries what the annotation found
inside its span: entities, date values, quotes and their speaker; numbers are
read from the text (:func:`find_quantities`). Alignment
(:mod:`stemma.analysis.align`) and discrepancies
(:mod:`stemma.analysis.discrepancies`) compare units.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from rapidfuzz import fuzz

from stemma.annotate.dates import TIME_ZONES
from stemma.model import Annotation, Article, Kind, Mention, Quote, Sentence
from stemma.settings import DEFAULT, ClaimParams

__all__ = [
    "Quantity",
    "Unit",
    "claim_units",
    "find_quantities",
    "make_unit",
    "quote_similarity",
    "split_clauses",
    "story_units",
]

#: Words that end in "s" but are not verbs starting a coordinated verb phrase
#: ("... and its", "... and this"); used by :func:`split_clauses`.
NOT_VERBS: frozenset[str] = frozenset(
    {"its", "this", "his", "hers", "ours", "yours", "theirs", "us", "as", "thus",
     "plus", "less", "unless", "whereas", "besides", "perhaps", "always", "sometimes",
     "afterwards", "news", "series", "species", "politics", "economics", "analysis",
     "crisis", "basis", "status", "census", "campus", "versus", "various", "numerous",
     # ... and words that end in -ed without being verbs
     "indeed", "hundred", "speed", "greed", "creed", "seed", "bed", "red"}
)  # fmt: skip


#: Auxiliaries and verbs that start a coordinated verb phrase without an -s/-ed
#: ending ("... and is eyeing", "... and did not say").
VERB_STARTS: frozenset[str] = frozenset(
    {"is", "was", "are", "were", "has", "had", "have", "does", "did", "do", "will",
     "would", "can", "could", "may", "might", "must", "should", "said", "says", "told"}
)  # fmt: skip


#: Words that open a verb's object (or a that-clause): after "and" + an -s
#: word they show the -s word is a verb ("... and accuses the FSB").
OBJECT_STARTS: frozenset[str] = frozenset(
    {"the", "a", "an", "its", "his", "her", "their", "our", "my", "your", "this", "that",
     "these", "those", "some", "any", "no", "every", "each", "all", "more", "much", "many",
     "him", "them", "it", "us", "me", "you", "to", "how", "what", "why", "whether", "if"}
)  # fmt: skip


#: Subject pronouns that start an independent clause after "and".
SUBJECT_PRONOUNS: frozenset[str] = frozenset({"he", "she", "it", "they", "we", "i", "you", "there"})


#: Number words a quantity may be written with ("eight-page", "five people").
NUMBER_WORDS: Mapping[str, float] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
    "dozens": 24, "hundreds": 200, "thousands": 2000,
}  # fmt: skip


#: Multipliers written after a number ("$2.5 billion", "4 million").
MULTIPLIERS: Mapping[str, float] = {
    "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "bn": 1e9, "mn": 1e6,
}  # fmt: skip


#: Words after a number that are not its unit: "4,000 of its border" has no
#: unit word, and unit-less numbers are not compared.
NOT_UNITS: frozenset[str] = frozenset(
    {"of", "the", "a", "an", "and", "or", "in", "on", "at", "to", "for", "by", "from",
     "with", "as", "than", "that", "which", "who", "is", "are", "was", "were", "has",
     "have", "had", "more", "other", "per", "times", "s"}
)  # fmt: skip


#: Hedged amounts keep their qualifier in the value shown ("more than 4,000").
QUALIFIERS = (
    r"more than|fewer than|less than|at least|at most|up to|nearly|almost|about|around|"
    r"over|under|some|roughly|approximately|some|just over|just under"
)


_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"


#: One adjective between a number and what it counts is skipped: "eight
#: priceless jewels" counts jewels.
_ADJECTIVE = r"(?:[a-z]+(?:less|ful|ous|ive|able|ible|ic)|other|more|new|young|small|large)"

_QUANTITY_RE = re.compile(
    rf"(?:\b(?P<qual>{QUALIFIERS})\s+)?(?P<cur>[$€£])?(?<![\w.,-])(?P<num>{_NUMBER})"
    r"(?:(?P<glued>ft|km|kg|mph)\b|(?!\w|[.,]\d))"
    r"(?:\s*(?P<mult>thousand|million|billion|trillion|bn|mn)\b)?"
    rf"(?:(?:\s*-\s*|\s+)(?:{_ADJECTIVE}\s+)?(?P<unit>%|[A-Za-z]+))?",
    re.IGNORECASE,
)


_WORD_QUANTITY_RE = re.compile(
    rf"(?:\b(?P<qual>{QUALIFIERS})\s+)?\b(?P<num>{'|'.join(NUMBER_WORDS)})"
    r"(?:\s*(?P<mult>thousand|million|billion|trillion)\b)?(?:\s*-\s*|\s+)"
    rf"(?:{_ADJECTIVE}\s+)?(?P<unit>[A-Za-z]+)",
    re.IGNORECASE,
)


_WORD_RE = re.compile(r"[\w’'-]+")


#: "While X, Y" / "Although X, Y": the concession X is another claim than Y.
_LEADING_SUBORDINATE = re.compile(
    r"(?:while|although|though|whereas|even as)\b[^,;]*?(?P<comma>,\s+)", re.IGNORECASE
)


#: "not only" before a "but": the pair is one correlative claim.
_NOT_ONLY = re.compile(r"\bnot\s+only\b", re.IGNORECASE)


_QUOTE_CHARS = "\"“”‘’'«»"


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number with the word that says what it counts ("more than 4,000 miles")."""

    value: float
    unit: str  # singular, lower-cased: "mile", "page", "%"; "" when none
    text: str  # as written
    #: The named thing measured, when the sentence names it just before the
    #: number ("the Yesvantpur Express … crossing at 126 km/h"), lower-cased.
    subject: str = ""

    def same_measure(self, other: Quantity) -> bool:
        """Same unit, and not two different named things measured (names that
        nearly contain one another, "Coromandel Express" / "Shalimar-Chennai
        Coromandal Express", are one thing)."""
        if self.unit != other.unit:
            return False
        if not self.subject or not other.subject:
            return True
        return fuzz.partial_ratio(self.subject, other.subject) >= SAME_SUBJECT


@dataclass(frozen=True, slots=True)
class Unit:
    """One claim unit: a sentence or a clause, with what alignment compares."""

    article: str
    sentence: int
    start: int
    end: int
    text: str
    kind: Kind = "background"
    source: str | None = None
    entities: tuple[tuple[str, str, str], ...] = ()  # (key, text, label)
    quantities: tuple[Quantity, ...] = ()
    dates: tuple[str, ...] = ()  # ISO values
    #: The words each date was written as ("Saturday" for 2023-02-04), aligned
    #: with ``dates``: a discrepancy shows what the outlets wrote.
    date_words: tuple[str, ...] = ()
    quote: str | None = None  # quoted words inside the unit
    speaker: str | None = None  # the quote's speaker as written
    order: int = 0  # article position in the story
    #: How much it states a checkable fact (0–1, ``analysis.kinds``); None until classified.
    checkworthy: float | None = None

    @property
    def entity_keys(self) -> frozenset[str]:
        return frozenset(k for k, _, _ in self.entities)

    def mention(self) -> Mention:
        return Mention(
            self.article, self.sentence, self.start, self.end, self.text, self.kind, self.source
        )


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(text)


def split_clauses(
    text: str, *, min_words: int = DEFAULT.claims.min_unit_words
) -> list[tuple[int, int]]:
    """Offsets (relative to ``text``) of the clauses a sentence is split into.

    Splits at ``"; "``, at ``", but "`` and at ``"and"`` when what follows is a
    verb phrase or a pronoun subject; never when a side would be shorter than
    ``min_words`` words, never inside quotation marks, never in a comma list.
    Surrounding whitespace and the joining word are left out of the clauses.

    >>> s = "The memo brands China as the enemy and accuses Beijing of espionage and theft."
    >>> [s[a:b] for a, b in split_clauses(s)]
    ['The memo brands China as the enemy', 'accuses Beijing of espionage and theft.']
    """
    cuts: list[tuple[int, int]] = []  # (end of left clause, start of right clause)
    inside = _quoted_mask(text)
    for m in re.finditer(r";\s+|,\s+but\s+|\s+but\s+|,?\s+and\s+", text):
        if inside[m.start()]:
            continue
        sep = m.group(0)
        rest = text[m.end() :]
        first = _first_word(rest)
        low = first.lower()
        before = text[: m.start()]
        if "but" in sep and _NOT_ONLY.search(before[-80:]) and not _starts_clause(rest):
            continue  # "not only X but also Y": one claim ("... but the FSB also" is two)
        if ";" in sep or "but" in sep or low in SUBJECT_PRONOUNS:
            pass  # a new clause begins
        elif _verb_like(low, rest[len(first) : len(first) + 2]):
            if sep.startswith(",") and _is_list(before):
                continue
            if (
                not sep.startswith(",")
                and _SHARED_OBJECT_VERB.search(before)
                and _SHARED_OBJECT_VERB.search(low)
            ):
                continue  # "gunmen shot and killed 26 tourists": two verbs, one object
            if (
                low not in VERB_STARTS
                and not _takes_object(rest[len(first) :])
                and _plural_noun_end(before)
            ):
                continue  # "conflicts and uncertainties within": two nouns, not a verb phrase
        else:
            continue
        cuts.append((m.start(), m.end()))
    lead = _LEADING_SUBORDINATE.match(text)
    if lead and not inside[lead.end() - 1]:
        cuts.append((lead.end() - len(lead.group("comma")), lead.end()))
        cuts.sort()
    spans: list[tuple[int, int]] = []
    begin = 0
    for left_end, right_start in cuts:
        left = text[begin:left_end]
        right = text[right_start:]
        if len(_words(left)) < min_words or len(_words(right)) < min_words:
            continue
        spans.append((begin, left_end))
        begin = right_start
    spans.append((begin, len(text.rstrip())))
    return [_strip(text, a, b) for a, b in spans]


#: A clause that ends on a past-tense verb with its object still to come:
#: "… shot" in "gunmen shot and killed 26 tourists" is no claim of its own.
_SHARED_OBJECT_VERB = re.compile(
    r"\b(?:[a-z]{2,}ed|shot|hit|struck|beat|cut|stole|caught|took|seized|fought|bit)$"
)


def _verb_like(word: str, after: str) -> bool:
    """A lower-case word that can start a coordinated verb phrase."""
    if word in VERB_STARTS:
        return True
    if word in NOT_VERBS or not word.isalpha() or not word.islower():
        return False
    if after[:1] in {",", ".", ";", ":"}:
        return False  # "the war and sanctions, ..." — a noun ending a phrase
    if word.endswith(("ss", "us", "is", "ous", "ics")):
        return False
    return word.endswith(("es", "s", "ed"))


def _first_word(text: str) -> str:
    return (_words(text[:40]) or [""])[0]


def _starts_clause(rest: str) -> bool:
    """Whether ``rest`` opens with a subject: a pronoun, a determiner or a name."""
    first = _first_word(rest)
    return first.lower() in SUBJECT_PRONOUNS | OBJECT_STARTS or first[:1].isupper()


def _takes_object(after: str) -> bool:
    """Whether the words after an -s word read as its object ("accuses
    Beijing", "tracks the academics", "says that"): then it is a verb."""
    nxt = _first_word(after)
    return nxt.lower() in OBJECT_STARTS or nxt[:1].isupper()


def _plural_noun_end(left: str) -> bool:
    """Whether ``left`` ends in a lower-case plural-looking word ("the internal
    conflicts"): then an -s word after "and" pairs with it as a noun."""
    words = _words(left[-40:])
    if not words:
        return False
    last = words[-1]
    return (
        last.islower()
        and last.endswith("s")
        and not last.endswith(("ss", "us", "is", "ous"))
        and last not in VERB_STARTS
        and last not in NOT_VERBS
    )


def _is_list(left: str) -> bool:
    """Whether ", and" closes a comma list: the last comma chunk is short."""
    if "," not in left:
        return False
    return len(_words(left.rsplit(",", 1)[1])) <= 3


def _quoted_mask(text: str) -> list[bool]:
    """For every character, whether it is inside double quotation marks."""
    mask = [False] * (len(text) + 1)
    inside = False
    for i, ch in enumerate(text):
        if ch == "“" or (ch == '"' and not inside):
            inside = True
        elif ch == "”" or (ch == '"' and inside):
            inside = False
        mask[i] = inside
    return mask


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def find_quantities(text: str) -> tuple[Quantity, ...]:
    """Numbers with their unit word, normalised: "4,000 miles" = 4000 mile.

    Years (1800–2100 without a unit) and ordinals are left to the date stage;
    numbers inside words ("Entente-4") are skipped. The unit is the head of a
    compound ("38 rail cars" counts cars); a range is one quantity, shown whole
    and valued at its upper end ("six to 10 bodies"); counts of the dead are one
    measure however they are written ("13 fatalities", "13 people had died",
    "kills at least 288", "the death toll was revised to 275"), and so are
    speeds in km/h.

    >>> [(q.value, q.unit) for q in find_quantities("an eight-page memo on 4,000 miles")]
    [(8.0, 'page'), (4000.0, 'mile')]
    >>> [(q.value, q.unit) for q in find_quantities("38 rail cars; six to 10 bodies")]
    [(38.0, 'car'), (10.0, 'death')]
    """
    found: list[tuple[int, int, Quantity]] = []  # (start, end, quantity)
    clocks = clock_times(text)
    found += clocks
    taken = [(a, b) for a, b, _ in clocks]
    for m in _QUANTITY_RE.finditer(text):
        if any(a <= m.start("num") < b for a, b in taken):
            continue  # part of a clock time
        value = float(m["num"].replace(",", ""))
        value *= MULTIPLIERS.get((m["mult"] or "").lower(), 1.0)
        unit = _unit(m["glued"] or m["unit"])
        if m["cur"]:
            unit = {"$": "dollar", "€": "euro", "£": "pound"}[m["cur"]]
        if re.match(r"(st|nd|rd|th)\b", (m["unit"] or "").lower()) and not m["unit"][2:]:
            continue  # an ordinal: "7th Service"
        if not unit and not m["mult"] and 1800 <= value <= 2100 and "." not in m["num"]:
            continue  # a year: the date stage reads it
        end = m.end()
        if m["cur"]:  # "$42 billion from": the currency is the unit; the next word is not
            end = m.end("mult") if m["mult"] else m.end("num")
        elif m["unit"] and not unit:  # "275 from": the next word is not part of it
            end = m.end("mult") if m["mult"] else m.end("glued") if m["glued"] else m.end("num")
        elif m["unit"] or m["glued"]:  # "38 rail cars", "250km/h"
            unit, end = _head_unit(text, unit, end)
        found.append((m.start(), end, Quantity(value, unit, text[m.start() : end].strip())))
    for m in _WORD_QUANTITY_RE.finditer(text):
        if any(a <= m.start("num") < b for a, b in taken):
            continue
        unit = _unit(m["unit"])
        if not unit:
            continue  # "one of the", "two and a half": unit-less number words are noise
        unit, end = _head_unit(text, unit, m.end())
        value = NUMBER_WORDS[m["num"].lower()] * MULTIPLIERS.get((m["mult"] or "").lower(), 1.0)
        found.append((m.start(), end, Quantity(float(value), unit, text[m.start() : end].strip())))
    found.sort(key=lambda x: x[0])
    return tuple(_casualty(text, start, end, q) for start, end, q in _ranges(text, found))


#: Clock times: "6:04 p.m.", "6.05 pm", "9.04pm", "18:04", "10 pm", "1234 GMT".
#: A dotted time or a bare hour needs its a.m./p.m. ("3.84 lakh", "10 people"
#: are no times); a colon one does not; three or four digits need a time zone.
_ZONES = TIME_ZONES
_CLOCK_RE = re.compile(
    r"(?<![\w.:,])(?:"
    r"(?P<h>[01]?\d|2[0-3])(?P<sep>[:.])(?P<m>[0-5]\d)(?!\d)"
    r"(?:\s*(?P<ampm>[ap]\.?\s?m\b\.?))?"
    r"|(?P<hour>1[0-2]|0?[1-9])\s*(?P<ampm2>[ap]\.?\s?m\b\.?)"
    rf"|(?P<hm>[01]\d[0-5]\d|2[0-3][0-5]\d|\d[0-5]\d)(?=\s*(?:{_ZONES}|hrs|hours)\b)"
    r")"
    rf"(?:\s*(?P<zone>{_ZONES})\b)?",
    re.IGNORECASE,
)


def clock_times(text: str) -> list[tuple[int, int, Quantity]]:
    """Clock times as quantities of the unit "time" (or "time gmt", … with
    a zone: 12:34 GMT and 18:04 local are one moment, not one reading),
    valued in minutes on a twelve-hour dial: "6:04 p.m." and "18:04" agree,
    and an outlet that writes "9:15" without "p.m." is compared with "9.04pm".
    (Morning and evening of one clock reading are thus not told apart.)

    >>> [(q.text, q.value, q.unit) for _, _, q in clock_times("at 6:04 p.m. (1234 GMT)")]
    [('6:04 p.m.', 364.0, 'time'), ('1234 GMT', 34.0, 'time gmt')]
    """
    out = []
    for m in _CLOCK_RE.finditer(text):
        if m["hm"]:
            hour, minute = divmod(int(m["hm"]), 100)
        elif m["hour"]:
            hour, minute = int(m["hour"]), 0  # "10 pm", "7 p.m."
        else:
            if m["sep"] == "." and not m["ampm"]:
                continue  # "3.84 lakh", "1.30": a decimal
            hour, minute = int(m["h"]), int(m["m"])
        if (m["ampm"] or m["ampm2"]) and not 1 <= hour <= 12:
            continue
        zone = f" {m['zone'].casefold()}" if m["zone"] else ""
        value = float((hour % 12) * 60 + minute)
        out.append((m.start(), m.end(), Quantity(value, f"time{zone}", m.group(0).strip())))
    return out


#: What ends just before the upper end of a range: "six to ", "between 6 and ", "6-".
_RANGE_START = re.compile(
    rf"(?:\bbetween\s+(?:{'|'.join(NUMBER_WORDS)}|{_NUMBER})\s+and"
    rf"|(?:\b(?:{'|'.join(NUMBER_WORDS)})|(?<![\w.,]){_NUMBER})\s*(?:to|-|–))\s*$",
    re.IGNORECASE,
)
#: Words that make a count a count of the dead, and of the injured.
_DEATH_CUES = frozenset(
    {"killed", "kill", "kills", "killing", "died", "dead", "deaths", "death", "perished",
     "fatalities", "toll", "lives"}
)  # fmt: skip
_INJURY_CUES = frozenset({"injured", "injuring", "injuries", "wounded", "hurt"})
#: Units that count the dead whatever word the outlet chose.
_DEATH_UNITS = frozenset({"death", "fatality", "body", "dead", "life", "killed", "died"})
_SPEED_UNITS = {"kmph": "km/h", "kph": "km/h"}
#: Units of measure: the word after them is what is measured, not a compound
#: ("40 mph winds" is a speed).
_MEASURES = frozenset(
    {"%", "mph", "km", "km/h", "kg", "foot", "mile", "meter", "metre", "inch", "pound", "ton",
     "tonne", "hour", "minute", "second", "day", "week", "month", "year", "dollar", "euro",
     "acre", "hectare", "gallon", "liter", "litre", "degree"}
)  # fmt: skip


def _head_unit(text: str, unit: str, end: int) -> tuple[str, int]:
    """The head noun of a compound after a number: "38 rail cars" counts cars
    (a singular modifier followed by a plural noun), and "126 km/h" is a speed."""
    rest = text[end:]
    if unit == "km" and rest.startswith(("/h", "/hr", " per hour")):
        return "km/h", end + len(re.match(r"/hr?| per hour", rest)[0])  # type: ignore[index]
    if unit in _SPEED_UNITS:
        return _SPEED_UNITS[unit], end
    following = re.match(r"\s+([a-z]+)\b", rest)
    if following and unit not in _MEASURES and text[end - 1 : end].lower() != "s":
        word = following[1]
        plural = word.endswith("s") and not word.endswith("ss") and len(word) > 3
        if plural and word not in NOT_UNITS and _unit(word):
            return _unit(word), end + following.end()
    return unit, end


def _ranges(text: str, found: list[tuple[int, int, Quantity]]) -> list[tuple[int, int, Quantity]]:
    """Merge a range ("six to 10 bodies", "between 6 and 10 bodies", "6-10
    bodies") into one quantity valued at its upper end and shown whole. The
    lower end has no unit of its own, so it may not have been found at all."""
    merged: list[tuple[int, int, Quantity]] = []
    for start, end, q in found:
        lower = _RANGE_START.search(text[:start]) if q.unit else None
        if lower is None:
            merged.append((start, end, q))
            continue
        while merged and merged[-1][0] >= lower.start():
            merged.pop()  # the lower end, found alone
        span = text[lower.start() : end].strip()
        merged.append((lower.start(), end, Quantity(q.value, q.unit, span)))
    return merged


#: What ends the clause a casualty count is read in.
_CLAUSE_BREAK = re.compile(r"[;:]|,(?!\d)|\b(?:while|whereas|but)\b")


def _casualty(text: str, start: int, end: int, q: Quantity) -> Quantity:
    """A count of people (or a bare number) that counts the dead is a "death"
    count: a death cue before the number (within four words: "killed at least
    288 people", "kills 288") or after its unit ("13 people had died", "were
    found dead"), nearer than an injury cue; a bare number in a sentence about
    the death toll. "13 fatalities" and "six to 10 bodies" already are."""
    if q.unit in _DEATH_UNITS:
        return Quantity(q.value, "death", q.text)
    if q.unit not in ("", "person"):
        return q
    cue = _nearest_cue(text, start, end, _CASUALTY_CUES)
    if cue == "death":
        return Quantity(q.value, "death", q.text)
    if cue is None and not q.unit and _DEATH_TOLL.search(text):
        return Quantity(q.value, "death", q.text)
    return q


_CASUALTY_CUES = ((_INJURY_CUES, "injured"), (_DEATH_CUES, "death"))
_DEATH_TOLL = re.compile(r"\bdeath toll\b|\bnumber of (?:deaths|dead)\b", re.IGNORECASE)


def _nearest_cue(
    text: str, start: int, end: int, cues: Sequence[tuple[frozenset[str], str]]
) -> str | None:
    """What the cue word nearest the number at ``text[start:end]`` says, within
    four words either side and inside the number's own clause (in "56
    civilians had been killed while 595 more have been injured" the 595 are
    not the dead). The nearest cue decides ("killed 3 and 40 people were
    injured"); at equal distance the word before the number does ("killed 288
    people, injuring …"); within one word, the first of ``cues`` that holds it."""
    head = _CLAUSE_BREAK.split(text[:start])[-1]
    tail = _CLAUSE_BREAK.split(text[end:])[0]
    before = [w.lower() for w in _WORD_RE.findall(head)][-4:][::-1]
    after = [w.lower() for w in _WORD_RE.findall(tail)][:4]
    for word in (w[k] for k in range(4) for w in (before, after) if k < len(w)):
        for words, what in cues:
            if word in words:
                return what
    return None


#: What happened to the people a count counts, for comparing a story's
#: figures (:func:`people_counts`): the nearest cue in the number's clause.
_FATE_CUES = (
    (_INJURY_CUES, "injured"),
    (_DEATH_CUES | {"drowned", "drowning", "lives", "bodies"}, "death"),
    (frozenset({"rescued", "rescuing", "saved", "saving", "survived", "survivors"}), "survivor"),
    (frozenset({"missing", "unaccounted"}), "missing"),
)
#: Words for people that a count may count ("78 migrants drowned").
_PEOPLE = frozenset(
    {"", "person", "migrant", "individual", "passenger", "civilian", "child", "adult", "man",
     "woman", "boy", "girl", "student", "worker", "resident", "villager", "tourist", "soldier",
     "protester", "demonstrator", "pilgrim", "miner", "victim", "citizen", "national",
     "camper", "patient", "firefighter", "officer", "member", "crew", "occupant", "visitor",
     "refugee", "fisherman", "hiker", "climber", "teenager", "spectator", "employee", "live"}
)  # fmt: skip
PEOPLE_MEASURES = ("death", "injured", "survivor", "missing")


def people_counts(text: str, found: Sequence[Quantity] | None = None) -> tuple[Quantity, ...]:
    """The counts of people in ``text``, each typed by what happened to them
    (one of :data:`PEOPLE_MEASURES`): "78 migrants drowned", "a shipwreck
    that killed at least 78 migrants" and "the loss of 79 lives" count the
    dead; "104 passengers were saved" and "104 survivors" the rescued. Wider
    than :func:`find_quantities`' own typing, for comparing one story's
    figures across outlets, not for deciding which sentences say one thing.
    ``found`` are the quantities :func:`find_quantities` read in ``text``
    already (a unit's), so that the text is not read twice.

    >>> [(q.value, q.unit) for q in people_counts("At least 78 migrants drowned; 104 were saved")]
    [(78.0, 'death'), (104.0, 'survivor')]
    """
    out = []
    at = 0
    for q in find_quantities(text) if found is None else found:
        start = text.find(q.text, at)
        if start < 0:
            continue
        end = at = start + len(q.text)
        if q.unit in PEOPLE_MEASURES:
            out.append(q)
            continue
        if q.unit not in _PEOPLE:
            continue
        fate = _nearest_cue(text, start, end, _FATE_CUES) or _predicate_fate(text, end)
        if q.unit == "live" and fate is None:
            fate = "death"  # "the loss of 79 lives"
        if fate is not None:
            out.append(Quantity(q.value, fate, q.text))
    return tuple(out)


#: The predicate of a count's clause: "Six people believed to have fallen in
#: the water … are presumed dead", "At least six people who were on the bridge
#: are missing". Hedged ("presumed", "feared") or not, it says what the count counts.
_PREDICATE = re.compile(
    r"\b(?:are|were|is|was|(?:have|has|had)\s+been|remain(?:s|ed)?)\s+"
    r"(?:(?:now|still|all|also|later|since)\s+)?"
    r"(?:(?:presumed|feared|believed|confirmed|reported|declared|listed\s+as)\s+)?(?P<word>[a-z]+)"
)
#: Where a count's clause stops for its predicate: another number, "and", "or".
_PREDICATE_STOP = re.compile(r"\d|\b(?:and|or)\b")
#: Words a count's predicate may stand from it ("who were on the bridge").
PREDICATE_WORDS = 20


def _predicate_fate(text: str, end: int) -> str | None:
    """What the predicate of the count ending at ``end`` says happened to the
    people: the first copula in the count's clause followed by a fate word,
    before any other number (whose own clause it would be)."""
    tail = _PREDICATE_STOP.split(_CLAUSE_BREAK.split(text[end:])[0])[0]
    words = tail.split()
    if not words:
        return None
    tail = " ".join(words[:PREDICATE_WORDS]).lower()
    for found in _PREDICATE.finditer(tail):
        word = found.group("word")
        for cues, what in _FATE_CUES:
            if word in cues:
                return what
    return None


#: Lengths in metres, speeds in km/h, pressures in millibars: one figure told
#: in two systems ("8 km", "five miles deep") is one figure.
_TO_BASE = {
    "km": ("length", 1000.0), "kilometre": ("length", 1000.0), "kilometer": ("length", 1000.0),
    "mile": ("length", 1609.344), "meter": ("length", 1.0), "metre": ("length", 1.0),
    "foot": ("length", 0.3048), "km/h": ("speed", 1.0), "mph": ("speed", 1.609344),
    "knot": ("speed", 1.852), "mb": ("pressure", 1.0), "millibar": ("pressure", 1.0),
    "hpa": ("pressure", 1.0), "hectopascal": ("pressure", 1.0),
}  # fmt: skip
_MAGNITUDE = re.compile(
    r"\bmagnitude[-\s]+(?:of\s+)?(?P<a>\d(?:\.\d)?)\b|\b(?P<b>\d(?:\.\d)?)[-\s]+magnitude\b"
    r"|\bM\s?(?P<c>\d\.\d)\b"
)
#: A later quake of one story is measured apart from the first ("a magnitude
#: 5.2 aftershock", "a second quake of magnitude 5.5").
_LATER_QUAKE = frozenset({"aftershock", "aftershocks", "second", "another", "later"})
_WIND = frozenset({"wind", "winds", "gusts", "gust", "sustained"})
_DEPTH = re.compile(r"\bdepth\s+of\s+(?:about\s+|around\s+|some\s+)?$", re.IGNORECASE)
_DEEP = re.compile(r"^\s*(?:\([^)]*\)\s*)?(?:deep|below\s+the\s+surface|underground)\b", re.I)
#: "27 km (16.77 miles) northeast of Jalalabad", "80 km off Pylos", "within
#: 124 miles of Moscow": the place a distance is measured from.
_FROM_PLACE = re.compile(
    r"^\s*(?:\([^)]*\)\s*)?(?:(?:north|south|east|west)(?:ern)?(?:-?(?:north|south|east|west)){0,2}\s+)?"
    r"(?:of|from|off|towards?)\s+(?:the\s+(?:\w+\s+){0,2}(?:coast|city|town|capital|port)(?:\s+of)?\s+)?"
    r"(?P<place>[A-Z][\w-]+)"
)
#: A figure's conversion in brackets, shown with it: "165 mph (270 km/h)".
_CONVERTED = re.compile(r"^\s*\([^()]{1,24}\)")
#: The measures :func:`measured_figures` reads, as a story's figures name them.
MEASURE_NAMES = {
    "magnitude": "the magnitude",
    "later magnitude": "the magnitude of the later quake",
    "depth": "the depth",
    "wind speed": "the wind speed",
    "pressure": "the pressure",
}


def measured_figures(text: str, found: Sequence[Quantity] | None = None) -> tuple[Quantity, ...]:
    """The physical measures of a story's event in ``text``, each typed by what
    it measures and valued in one unit (metres, km/h, millibars), so that
    outlets' figures compare whatever system they use: a quake's magnitude
    ("magnitude 7.8", "a 7.8-magnitude quake", "M8.8"; a later quake's apart),
    its depth ("at a depth of 8 km", "five miles deep"), a storm's wind speed
    ("winds of 185 mph") and pressure ("892 mb"), and a distance from a named
    place ("27 km northeast of Jalalabad" is the distance from Jalalabad).
    Heights, plain speeds and other lengths are left out: one story holds
    many of them (two trains, a wave here and there), and comparing them
    would flag what is no disagreement. ``found``: the text's
    :func:`find_quantities`, when read already.

    >>> [(q.value, q.unit) for q in measured_figures("A 6.0-magnitude quake struck 8 km deep.")]
    [(6.0, 'magnitude'), (8000.0, 'depth')]
    """
    out: list[tuple[int, Quantity]] = []
    for m in _MAGNITUDE.finditer(text):
        value = float(m["a"] or m["b"] or m["c"])
        later = _nearest_cue(text, m.start(), m.end(), ((_LATER_QUAKE, "later"),))
        measure = "later magnitude" if later else "magnitude"
        out.append((m.start(), Quantity(value, measure, m[0].strip())))
    at = shown_to = 0
    for q in find_quantities(text) if found is None else found:
        start = text.find(q.text, at)
        if start < 0:
            continue
        end = at = start + len(q.text)
        if start < shown_to:
            continue  # the conversion in brackets of the figure before
        kind, factor = _TO_BASE.get(q.unit, ("", 0.0))
        measure = ""
        if kind == "length":
            place = _FROM_PLACE.match(text[end:])
            if _DEPTH.search(text[:start]) or _DEEP.match(text[end:]):
                measure = "depth"
            elif place:
                measure = f"distance from {place['place']}"
        elif kind == "speed" and _nearest_cue(text, start, end, ((_WIND, "wind"),)):
            measure = "wind speed"
        elif kind == "pressure":
            measure = "pressure"
        if measure:
            converted = _CONVERTED.match(text[end:])
            shown = text[start : end + len(converted[0])] if converted else q.text
            shown_to = start + len(shown)
            out.append((start, Quantity(q.value * factor, measure, shown.strip())))
    out.sort(key=lambda x: x[0])
    return tuple(q for _, q in out)


#: Plurals the suffix rule gets wrong ("26 feet" and "a 22 foot rise" measure one thing).
_IRREGULAR = {"feet": "foot", "ft": "foot", "men": "man", "women": "woman", "children": "child"}


def _unit(word: str | None) -> str:
    if not word:
        return ""
    low = word.lower()
    if low in {"%", "percent", "pc"}:
        return "%"
    if low in NOT_UNITS or low in MULTIPLIERS or low in NUMBER_WORDS:
        return ""
    if low in {"people", "persons"}:
        return "person"
    if low in _IRREGULAR:
        return _IRREGULAR[low]
    if low.endswith("ies") and len(low) > 4:
        return low[:-3] + "y"
    if low.endswith("s") and not low.endswith("ss") and len(low) > 3:
        return low[:-1]
    return low


def entity_key(text: str) -> str:
    """Last word, lower-cased, without possessive: "Xi Jinping" ~ "Jinping"."""
    words = _words(text.replace("’s", "").replace("'s", ""))
    return words[-1].lower() if words else text.lower()


#: partial_ratio at which two measured names are one thing: spelling variants and
#: a name inside a longer one score 94-100; two trains named "… Express", 64-67.
SAME_SUBJECT = 85

#: Labels of the things a number measures ("the Coromandel Express", a company,
#: a building): places and people are where and who, not what is measured.
_MEASURED_LABELS = frozenset({"ORG", "FAC", "PRODUCT"})
#: A name followed by one of these is a source, not what is measured.
_SAYS = re.compile(r"\s*(?:said|says|told|reported|announced|estimated|confirmed|stated)\b", re.I)


def measured(
    quantities: Sequence[Quantity],
    text: str,
    entities: Sequence[tuple[str, str, str]],
    told: Sequence[str | None] = (),
    *,
    reach: int = 60,
) -> tuple[Quantity, ...]:
    """``quantities`` with their :attr:`Quantity.subject`: the nearest named
    thing (organisation, facility, product) ending at most ``reach``
    characters before the number, in the same clause, that is not who tells it."""
    names = " ".join(t for t in told if t).casefold()
    spots: list[tuple[int, str]] = []  # (end offset, name)
    for _, name, label in entities:
        if label not in _MEASURED_LABELS or (names and name.casefold() in names):
            continue
        at = text.find(name)
        if at >= 0 and not _SAYS.match(text, at + len(name)):
            spots.append((at + len(name), name.casefold().removeprefix("the ")))
    if not spots:
        return tuple(quantities)
    out = []
    for q in quantities:
        at = text.find(q.text)
        near = [(end, key) for end, key in spots if 0 <= at - end <= reach]
        near = [(end, key) for end, key in near if not re.search(r"[;.]", text[end:at])]
        out.append(replace(q, subject=max(near)[1]) if near and q.unit else q)
    return tuple(out)


def make_unit(
    text: str,
    *,
    article: str = "",
    sentence: int = 0,
    start: int = 0,
    kind: Kind = "background",
    source: str | None = None,
    entities: Iterable[tuple[str, str]] = (),
    dates: Iterable[str] = (),
    quote: str | None = None,
    speaker: str | None = None,
    order: int = 0,
) -> Unit:
    """A unit from plain text and (entity text, label) pairs: for callers
    without an :class:`Annotation` (evaluation, tests)."""
    return Unit(
        article=article,
        sentence=sentence,
        start=start,
        end=start + len(text),
        text=text,
        kind=kind,
        source=source,
        entities=(keyed := tuple((entity_key(t), t, label) for t, label in entities)),
        quantities=measured(find_quantities(text), text, keyed, (source, speaker)),
        dates=tuple(dates),
        quote=quote,
        speaker=speaker,
        order=order,
    )


def claim_units(
    article: Article,
    annotation: Annotation,
    *,
    order: int = 0,
    params: ClaimParams = DEFAULT.claims,
) -> list[Unit]:
    """The claim units of one article, in text order.

    Questions ("What is the FSB and what happened?") and headings (a short
    line of its own with no closing punctuation) assert nothing: they are not
    claims, and would only "corroborate" another outlet's headline.
    """
    units: list[Unit] = []
    for sent in annotation.sentences:
        if not_a_claim(article.text, sent, params):
            continue
        if params.split_clauses:
            spans = split_clauses(sent.text, min_words=params.min_unit_words)
        else:
            spans = [_strip(sent.text, 0, len(sent.text))]
        for a, b in spans:
            text = sent.text[a:b]
            if len(_words(text)) < params.min_unit_words:
                continue
            start, end = sent.start + a, sent.start + b
            units.append(unit_of(article, annotation, sent, start, end, text, order))
    return units


#: Closing punctuation of a sentence that asserts something (quotes and
#: brackets may follow the full stop).
_CLOSED = re.compile(r"[.!:;…][\"'”’»)\]]*$")


def not_a_claim(text: str, sent: Sentence, params: ClaimParams = DEFAULT.claims) -> bool:
    """Whether a sentence is a question or a heading rather than a statement."""
    body = sent.text.strip()
    if body.rstrip("\"'”’»)]").endswith("?"):
        return True
    line_start = text.rfind("\n", 0, sent.start) + 1
    # The sentence may hold its line's break: look for it from the start.
    line_end = text.find("\n", sent.start)
    line = text[line_start : line_end if line_end >= 0 else len(text)].strip()
    # A heading is the whole of its line, short, unpunctuated, and heads
    # something: the last line of a text cut short is a sentence, not a title.
    return (
        line == body
        and len(_words(body)) <= params.max_heading_words
        and not _CLOSED.search(body)
        and line_end >= 0
        and bool(text[line_end:].strip())
    )


def unit_of(
    article: Article,
    annotation: Annotation,
    sent: Sentence,
    start: int,
    end: int,
    text: str,
    order: int,
) -> Unit:
    ents = [e for e in annotation.entities if start <= e.start and e.end <= end]
    refs = [
        t
        for t in annotation.timerefs
        if t.value and start <= t.start and t.end <= end and t.granularity != "century"
    ]
    quote, speaker = _quote_in(article.text, annotation.quotes, start, end)
    keyed = tuple((entity_key(e.text), e.text, e.label) for e in ents)
    return Unit(
        article=article.id,
        sentence=sent.index,
        start=start,
        end=end,
        text=text,
        kind=sent.kind,
        source=sent.source,
        entities=keyed,
        quantities=measured(find_quantities(text), text, keyed, (sent.source, speaker)),
        dates=tuple(t.value for t in refs if t.value),
        date_words=tuple(" ".join(article.text[t.start : t.end].split()) for t in refs),
        quote=quote,
        speaker=speaker,
        order=order,
    )


def _quote_in(
    text: str, quotes: Sequence[Quote], start: int, end: int
) -> tuple[str | None, str | None]:
    """The quoted words inside [start, end) and their speaker (the longest quote)."""
    best: tuple[int, str, str | None] | None = None
    for q in quotes:
        a, b = max(q.start, start), min(q.end, end)
        if b - a < 15:  # a quoted word or two ("the enemy") is wording, not a quote
            continue
        words = text[a:b].strip(_QUOTE_CHARS + " ,.")
        if best is None or b - a > best[0]:
            best = (b - a, words, q.speaker)
    return (best[1], best[2]) if best else (None, None)


@lru_cache(maxsize=1 << 16)
def norm_words(text: str) -> str:
    # Cached: a story's quotes are compared pair by pair, each many times.
    return " ".join(w.lower().strip("’'") for w in _words(text))


def same_speaker(
    a: str | None, b: str | None, *, ratio: int = DEFAULT.claims.name_variant_ratio
) -> bool:
    """One speaker, allowing a spelling variant of the surname (rapidfuzz ``ratio``)."""
    if not a or not b:
        return False
    ka, kb = entity_key(a), entity_key(b)
    return ka == kb or fuzz.ratio(ka, kb) >= ratio


def quote_similarity(a: str, b: str) -> float:
    """How close two quoted passages are, 0..1; an excerpt of the other counts as 1."""
    na, nb = norm_words(a), norm_words(b)
    if not na or not nb:
        return 0.0
    short, long_ = sorted((na, nb), key=len)
    if short in long_ and len(short.split()) >= 4:
        return 1.0
    return max(fuzz.ratio(na, nb), fuzz.partial_ratio(short, long_) * 0.95) / 100.0


def story_units(
    articles: Sequence[Article],
    annotations: Sequence[Annotation],
    *,
    params: ClaimParams = DEFAULT.claims,
    made: Mapping[str, Sequence[Unit]] | None = None,
) -> list[Unit]:
    """All claim units of a story: articles in input order, units in text order.

    ``made`` holds the units of some articles made already (by
    :func:`claim_units` with these ``params``); they get their place in the
    story (``order``) and are not made again.
    """
    by_id = {a.article: a for a in annotations}
    units: list[Unit] = []
    for order, article in enumerate(articles):
        ann = by_id.get(article.id)
        if ann is None:
            continue
        if made is not None and article.id in made:
            units.extend(replace(u, order=order) for u in made[article.id])
        else:
            units.extend(claim_units(article, ann, order=order, params=params))
    return units
