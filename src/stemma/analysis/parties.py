"""Which source names of one story are one party.

Articles name the same source in many ways: "Rear Admiral John Mauger",
"Coast Guard Rear Adm. John Mauger" and "Mauger"; "the Kremlin" and
"Kremlin spokesman Dmitry Peskov"; "the local sheriff" and "Sheriff Larry
Leitha"; "Grey Zone" and "the Wagner-linked Telegram channel Grey Zone".
Counted apart they would be three, two, two and two independent roots of
claims that have one. :func:`parties` maps every name of a story to the name
that stands for its party, by these rules (in this order):

1. **One person, several spellings**: names that share their last word once
   titles ("Rear Adm.", "Gov.", "Sheriff", "Lt.") and determiners are set
   aside, where the words of one are a subset of the other's ("Mauger" ⊂
   "John Mauger" ⊂ "Coast Guard Rear Adm. John Mauger").
2. **A body and a longer description of it**: a name of two words or more
   that appears, in order, inside a longer name ("Coast Guard" in "U.S.
   Coast Guard", "Grey Zone" in "Wagner-linked Telegram channel Grey Zone").
   Every name of a party must contain, or be contained in, every other one,
   so "Foreign Ministry" never joins the Russian and the Norwegian one.
3. **Spokespeople speak for their body**: a person named with a body's
   spokesman/spokeswoman/spokesperson/press secretary title ("Kremlin
   spokesman Dmitry Peskov", "a spokesperson for Norfolk Southern") is that
   body, when the body is itself a source in the story.
4. **A title and its named holder**: a title with a place or body ("Paris
   prosecutor") is the one source whose name holds that title and those
   words too ("Paris prosecutor Laure Beccuau"); then a name made only of
   titles and descriptive words ("the sheriff", "chief prosecutor", "the
   governor") is the one source of the story whose name holds that title
   with a person's name ("Sheriff Larry Leitha"), when exactly one does.

Besides: a misspelt surname, two romanisations of one name, an acronym and
its name, a body's name cut off where an excerpt ends ("International
Organization for Migra"), and "<Body> document" with the body it is from
("US document" and "US") are one party each.

A party is shown under its body when a spokesperson joined it, else under
its fullest name that is not a text's ("Laure Beccuau", not "statement from
Paris prosecutor Laure Beccuau").

This follows the analysts' rule that sources are dependent unless their
independence can be shown: two spellings of one name are one source. Names
that only share a common word (two different ministries) stay apart.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping

from rapidfuzz import fuzz

#: Words set aside when names are compared (lower case, no dots): titles and
#: ranks, the words of anonymous sourcing ("a senior military source" and "a
#: senior U.S. military official" are one party until shown otherwise), and
#: weekdays the parser sometimes takes into a name ("Friday Kerr County Sheriff").
TITLES = frozenset(
    {
        "mr", "mrs", "ms", "dr", "sir", "president", "vice", "prime", "minister", "secretary",
        "governor", "gov", "lieutenant", "lt", "mayor", "sheriff", "judge", "county", "chief",
        "prosecutor", "attorney", "general", "gen", "admiral", "adm", "rear", "vice-admiral",
        "colonel", "col", "captain", "capt", "commander", "cmdr", "sergeant", "sgt", "officer",
        "senator", "sen", "representative", "rep", "congressman", "congresswoman", "ambassador",
        "spokesman", "spokeswoman", "spokesperson", "press", "deputy", "director", "head",
        "chairman", "chairwoman", "chair", "ceo", "founder", "leader", "commissioner",
        "inspector", "detective", "superintendent", "brig", "brigadier", "maj", "major",
        "state", "federal", "local", "former", "acting", "top", "senior", "official",
        "statement", "statements", "from", "officials", "authorities", "source", "sources",
        "spokespeople", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
        "sunday", "on",
        "emergency", "management", "coordinator", "agency", "the", "a", "an", "of", "for",
    }
)  # fmt: skip

#: A person named with a title that says whom they speak for: "Kremlin
#: spokesman Dmitry Peskov", "Coast Guard Rear Adm. John Mauger", "a
#: spokesperson for Norfolk Southern".
SPOKESPERSON = (
    re.compile(
        r"^(?:an?\s+|the\s+)?(?P<body>.+?)\s+(?:spokes(?:man|woman|person)|press\s+secretary"
        r"|rear\s+adm(?:iral|\.)?|vice\s+adm(?:iral|\.)?|adm(?:iral|\.)|commandant|director"
        r"|board\s+member|chief|commander|mayor|governor|head|administrator"
        r"|chief\s+executive|ceo|chair(?:man|woman)?|coordinator|envoy|secretary|minister)\b",
        re.IGNORECASE,
    ),
    re.compile(r"\bspokes(?:man|woman|person)\s+(?:for|of)\s+(?:the\s+)?(?P<body>.+)$", re.I),
    # "Rear Admiral John Mauger of the U.S. Coast Guard", "…, commander of the
    # First Coast Guard District": the body after "of the".
    # A body's name may hold function words: "…, the head of the Center for
    # Volcanology and Geological Disaster Mitigation".
    re.compile(
        r"\b(?:of|for|at)\s+the\s+(?P<body>[A-Z0-9][\w.'’-]*"
        r"(?:\s+(?:(?:of|for|and|on|the)\s+){0,2}[A-Z0-9][\w.'’-]*){0,8})"
    ),
)

#: Nouns that name a document or a piece of reporting ("the Hersh report").
DOCUMENT_WORDS = frozenset(
    {"report", "reports", "document", "documents", "memo", "article", "blog", "post", "story",
     "piece", "investigation", "substack", "newsletter", "account", "claims", "claim"}
)  # fmt: skip


def _names_a_text(name: str) -> bool:
    """ "statement from Paris prosecutor Laure Beccuau": a party is better
    named by its author than by one of its texts."""
    first = _words(name)[:1]
    return bool(first) and (first[0] in DOCUMENT_WORDS or first[0] in {"statement", "statements"})


_FUNCTION_WORDS = frozenset({"the", "a", "an", "of", "for", "from", "on"})

#: Words of anonymous sourcing: a name holding one is not a named body.
_ANONYMOUS = frozenset({"official", "officials", "source", "sources", "authorities"})

#: Titles of people who speak for a body: a name holding one names a person.
_HEADS = frozenset(
    {"spokesman", "spokeswoman", "spokesperson", "mayor", "governor", "head", "administrator",
     "ceo", "chairman", "chairwoman", "chair", "director", "commander", "chief", "president",
     "minister", "secretary", "admiral", "commandant"}
)  # fmt: skip

#: What a body headed by "<X> chief/secretary/minister" is called: the X department.
_INSTITUTIONS = frozenset({"department", "ministry", "service", "office", "force"})

_WORD = re.compile(r"[\w'’-]+")


#: One body, two phrasings: "Ministry of Internal Affairs" / "Interior
#: Ministry", "Ministry of Foreign Affairs" / "Foreign Ministry", British and
#: American spellings.
_PHRASINGS = (
    (re.compile(r"\bministry of (?:the )?(internal affairs|home affairs|foreign affairs|[a-z]+)\b"),
     r"\1 ministry"),
    (re.compile(r"\bdepartment of (?:the )?([a-z]+)\b"), r"\1 department"),
    (re.compile(r"\binternal affairs ministry\b"), "interior ministry"),
    (re.compile(r"\bforeign affairs ministry\b"), "foreign ministry"),
    (re.compile(r"\bhome affairs ministry\b"), "home ministry"),
    (re.compile(r"\b(organi|civili)s(ation|ed)\b"), r"\1z\2"),
    (re.compile(r"\bcentre\b"), "center"),
    (re.compile(r"\bdefence\b"), "defense"),
    # A translated name: "Japan Weather Agency" / "Japan Meteorological Agency".
    (re.compile(r"\bweather (agency|administration|bureau|service|office)\b"),
     r"meteorological \1"),
    # "Oreva Group's spokesperson" is "a spokesperson for Oreva Group".
    (re.compile(r"'s (spokes(?:man|woman|person))\b"), r" \1"),
)  # fmt: skip


#: A seat of government named for its government, as news writes it ("the
#: Kremlin said", "Downing Street said"): a whole name only, so "Kremlin
#: spokesman" and "Kremlin-appointed mayor" keep their words.
_METONYMS = {
    "kremlin": "russian government",
    "white house": "us government",
    "downing street": "british government",
    "elysee": "french government",
    "elysee palace": "french government",
    "zhongnanhai": "chinese government",
}


def _words(name: str) -> list[str]:
    # Accents go: "López Obrador" and "Lopez Obrador" are one man.
    text = unicodedata.normalize("NFKD", name.replace("’", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"\bu\.s\.(?:a\.)?|\bunited states\b", "us", text).replace(".", "")
    for rx, sub in _PHRASINGS:
        text = rx.sub(sub, text)
    text = _METONYMS.get(text.removeprefix("the ").strip(), text)
    # "Yoon Suk-yeol" and "Yoon Suk Yeol": a hyphen inside a name joins its parts.
    text = re.sub(r"(?<=\w)-(?=\w)", " ", text)
    # A possessive stays: "China's President" is not China, nor "Putin's
    # security services" Putin.
    return _WORD.findall(text)


#: The names of a defence department and of the armed services under it.
_MILITARY_TAILS = (
    ("defense", "department"), ("defense", "ministry"), ("pentagon",), ("army",), ("navy",),
    ("air", "force"), ("marine", "corps"), ("armed", "forces"), ("defense", "forces"),
    ("military",),
)  # fmt: skip


_MILITARY_WORD = re.compile(r"\b(?:military|army|navy|air force|marine corps|task force)\b")


def _military_owner(words: list[str]) -> str | None:
    """ "U.S. Army" → "us", "Defense Department" → "", other names → None."""
    for tail in _MILITARY_TAILS:
        if tuple(words[-len(tail) :]) == tail:
            owner = [w.removesuffix("'s") for w in words[: -len(tail)] if w not in ("the", "of")]
            return " ".join(owner) if len(owner) <= 1 else None
    return None


#: A brand written in camel case: "JPMorgan", "CrowdStrike", "OpenAI".
_BRAND = re.compile(r"[A-Z](?=\w*[a-z])\w*[A-Z]\w*")

#: "Russian President Vladimir Putin", "Portugal's Prime Minister Luis Montenegro".
_HEAD_OF_GOVERNMENT = re.compile(
    r"\b(?P<land>[A-Z][\w]+(?:['’]s)?)\s+(?:President|Prime\s+Minister|Premier|Chancellor)\b"
)
#: "Pakistan's deputy prime minister", "Spanish Foreign Minister", "Minister for
#: Territorial Policy", "the interior ministry": a government's member or department
#: (the words before it may name the country).
_MINISTER = re.compile(r"(?P<before>(?:[\w'’-]+\s+){0,4})[Mm]inist(?:er|ry)\b")
#: Words of a minister's title, which name no country.
_PORTFOLIO = frozenset(
    {"prime", "foreign", "deputy", "interior", "defence", "defense", "finance", "health",
     "home", "justice", "economy", "trade", "energy", "transport", "education", "agriculture",
     "environment", "culture", "tourism", "information", "communications", "labour", "labor",
     "vice", "senior", "junior", "acting", "affairs", "territorial", "policy", "internal",
     "external", "security", "emergency", "emergencies", "digital", "science", "industry",
     "cabinet", "the", "for", "of", "and", "minister", "ministry", "state", "chief", "first"}
)  # fmt: skip
#: Ministers who speak for no national government (India's chief ministers head
#: its states), and former ones.
_NOT_NATIONAL = re.compile(
    r"\b(?:[Cc]hief|[Rr]egional|[Ss]tate|[Pp]rovincial|[Ss]hadow|[Ff]ormer|[Ee]x-|[Oo]pposition"
    r"|[Ff]irst)\s+[Mm]inist"
)
#: "The Prime Minister's Secretariat", "the President's office".
_TITLE_OFFICE = re.compile(
    r"^(?:the\s+)?(?P<title>(?:[A-Z][a-z]+\s+)?(?:President|Prime Minister|Premier|Chancellor|"
    r"Governor|Mayor))['’]s\s+(?:[Oo]ffice|[Ss]ecretariat|[Pp]ress\s+[Oo]ffice)$"
)
#: "Red Crescent in Derna": a body and the place of its branch.
_BRANCH = re.compile(r"^(?P<body>.+?)\s+in\s+[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?$")


#: Countries whose names and adjectives look alike, or not alike at all
#: ("Spain" / "Spanish"): each set is one country's.
_LOOKALIKE_LANDS = tuple(
    frozenset(words.split())
    for words in (
        "niger nigerien",
        "nigeria nigerian",
        "spain spanish",
        "france french",
        "netherlands dutch",
        "britain british uk",
        "switzerland swiss",
        "denmark danish",
        "finland finnish",
        "poland polish",
        "ireland irish",
        "philippines philippine filipino",
        "wales welsh",
        "scotland scottish",
        "thailand thai",
        "cyprus cypriot",
        "myanmar burma burmese",
    )
)


def _same_land(name: str, other: str) -> bool:
    """A country's name and its adjective, either way round: "russia" /
    "russian", "portugal" / "portuguese", "greece" / "greek" (the adjective
    begins with the name but its last two letters, four letters at least).
    Niger is not Nigeria, nor "Nigerian" Niger's."""
    a, b = sorted((name, other), key=len)
    if a == b:
        return True
    known = [one for one in _LOOKALIKE_LANDS if a in one or b in one]
    if known:
        return any({a, b} <= one for one in known)
    return len(a) >= 4 and b.startswith(a[: max(4, len(a) - 2)])


def _acronym_of(short: str, name: str) -> bool:
    """ "USGS" for "U.S. Geological Survey", "NHC" for "National Hurricane
    Center": an all-capitals word of 3-6 letters spelling the initials of the
    other name's words (function words and "the" skipped, "US" as two), or
    the other name's capitals ("JPMC", "JPMorgan Chase")."""
    # "USGS"; also "Isro", "Nasa" as some outlets write them.
    if not re.fullmatch(r"[A-Z]{3,6}|[A-Z][a-z]{2,5}", short):
        return False
    # "JPMC" for "JPMorgan Chase": the capitals of a name written in camel case.
    capitalised = all(w[:1].isupper() for w in name.split())
    if short.isupper() and capitalised and "".join(c for c in name if c.isupper()) == short:
        return True
    words = [w for w in _words(name) if w not in _FUNCTION_WORDS and w != "and"]
    if len(words) < 2:
        return False
    initials = "".join(w if w == "us" else w[0] for w in words)
    return initials == short.casefold()


#: "the city's security chief", "the state's attorney general": the place a
#: title is held in, said of the place the story is about, is no name.
_PLACE_NOUNS = frozenset(
    {"city", "state", "country", "nation", "region", "province", "county", "territory",
     "town", "village", "district"}
)  # fmt: skip


def _core(name: str) -> list[str]:
    """The words of a name that are not titles, ranks or determiners."""
    return [
        w
        for w in _words(name)
        if w not in TITLES and not (w.endswith("'s") and w[:-2] in _PLACE_NOUNS)
    ]


def _contains(longer: list[str], shorter: list[str]) -> bool:
    """Whether ``shorter`` occurs as a run of words inside ``longer``."""
    n = len(shorter)
    return 0 < n < len(longer) and any(
        longer[i : i + n] == shorter for i in range(len(longer) - n + 1)
    )


def _misspelt(a: list[str], b: list[str]) -> bool:
    """Two names whose last words are one surname typed wrong: the same first
    letter and length (five letters or more), and either two letters swapped
    ("Vasihnaw" / "Vaishnaw") or, from seven letters, one letter slipped; or
    one letter lost from seven ("Erdoan" / "Erdogan"); the rest of the
    shorter name inside the longer. "Smith" and "Smyth" stay two."""
    if not a or not b or a[-1] == b[-1]:
        return False
    x, y = a[-1], b[-1]
    short, long_ = sorted((a, b), key=len)
    rest = set(short[:-1]) <= set(long_[:-1])
    if len(x) != len(y):
        # A letter lost inside the word, as a page that cannot show "ğ" loses
        # it: "Erdoan" for "Erdogan" (six letters left at least, the first and
        # last kept: "railway" is no misspelt "railways").
        s, t = sorted((x, y), key=len)
        lost = len(t) == len(s) + 1 >= 7 and s[0] == t[0]
        return lost and any(t[:i] + t[i + 1 :] == s for i in range(1, len(t) - 1)) and rest
    if len(x) < 5 or x[0] != y[0]:
        return False
    diff = [i for i, (c, d) in enumerate(zip(x, y, strict=True)) if c != d]
    swapped = len(diff) == 2 and diff[1] == diff[0] + 1 and sorted(x) == sorted(y)
    slipped = len(diff) == 1 and len(x) >= 7
    return (swapped or slipped) and rest


#: The shortest word end a cut name keeps for it to count as cut, and the
#: fewest words of such a name: "John Smith" is no cut "John Smithson".
CUT_WORD_CHARS = 4
CUT_NAME_WORDS = 3


def _cut_short(cut: list[str], whole: list[str]) -> bool:
    """``cut`` is ``whole`` stopped inside its last word, as a text excerpt
    that ends mid-word leaves it: all words but the last alike (a body's name
    of three words or more), the last a beginning of the other's of at least
    four letters."""
    return (
        len(cut) == len(whole) >= CUT_NAME_WORDS
        and cut[:-1] == whole[:-1]
        and cut[-1] != whole[-1]
        and len(cut[-1]) >= CUT_WORD_CHARS
        and whole[-1].startswith(cut[-1])
    )


def _transliterated(a: list[str], b: list[str]) -> bool:
    """Two romanisations of one person's name: one family name, the given
    names spelt alike ("Choi Seong-beom" / "Choi Sung-beom", "Mohamed Ali" /
    "Mohammed Ali"). The family name may come first or last; the given names
    must share their first letter, run to five letters or more and match at
    80 % (given name first) or 85 % (family name first would be "Kim Jong-un"
    / "Kim Jong-nam": 77 %, two people). "John Smith" / "Joan Smith" (75 %) stay two."""
    if len(a) < 2 or len(b) < 2 or a == b:
        return False
    for family, rest_a, rest_b, need in (
        (a[-1] == b[-1], a[:-1], b[:-1], 85),
        (a[0] == b[0], a[1:], b[1:], 80),
    ):
        x, y = "".join(rest_a), "".join(rest_b)
        if family and x[:1] == y[:1] and min(len(x), len(y)) >= 5 and fuzz.ratio(x, y) >= need:
            return True
    return False


def parties(
    names: Iterable[str],
    mentions: Mapping[str, Iterable[str]] | None = None,
    kinds: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Each name of a story → the name that stands for its party.

    ``mentions`` maps a name to the ways the texts wrote it (``Attribution.mention``):
    "Kremlin spokesman Dmitry Peskov" shows that the name "Dmitry Peskov"
    speaks for the Kremlin; "the Hersh report" is the word of the person
    (``kinds``: name → source kind) Seymour Hersh. A party is named by its body when a spokesperson
    joined it, else by its fullest name (ties: the first seen).
    """
    order = list(dict.fromkeys(n for n in names if n))
    kinds = kinds or {}
    parent = {n: n for n in order}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(ra: str, rb: str) -> None:
        parent[rb] = ra

    words = {n: _words(n) for n in order}
    core = {n: _core(n) for n in order}
    members: dict[str, list[str]] = {n: [n] for n in order}
    bodies: set[str] = set()  # names a spokesperson was found to speak for
    acronyms: set[str] = set()  # names joined as the acronym of another

    def side(name: str) -> str | None:
        # A person, a body, or (unknown, "other") either.
        kind = kinds.get(name)
        return "person" if kind == "person" else None if kind in (None, "other") else "body"

    def compatible(a: str, b: str, *, one_surname: bool = False) -> bool:
        # Every name of one party must be a subset of, or contain, every other
        # one: "Foreign Ministry" must not bridge the Russian and the
        # Norwegian one, nor "Hong Kong" (authorities) Hong Kong's police and
        # its Labour Department. Spellings of one surname need only be parts
        # of the party's fullest name: "Andrés Manuel López" (a name cut
        # short) and "López Obrador" are both in "Andrés Manuel López Obrador".
        names = members[find(a)] + members[find(b)]
        if one_surname:
            every = set().union(*(core[x] for x in names))
            return any(set(core[x]) >= every for x in names)
        # An acronym joined to its name ("JPMC") shares no words with it.
        return all(
            set(core[x]) <= set(core[y]) or set(core[y]) <= set(core[x])
            for x in members[find(a)]
            for y in members[find(b)]
            if x not in acronyms and y not in acronyms
        )

    def merge(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            join(ra, rb)
            members[ra] = members[ra] + members.pop(rb)

    # A misspelt surname ("Vasihnaw" for "Vaishnaw") is the same person's:
    # it takes the spelling most of the story's names write ("Erdogan" in
    # three names, "Erdoan" in one), else the longer word (a page loses a
    # letter it cannot show more often than it adds one), else the spelling
    # of the fuller name.
    spelt = Counter(core[n][-1] for n in order if core[n])
    for i, a in enumerate(order):
        for b in order[i + 1 :]:
            if _misspelt(core[a], core[b]):
                typo, right = sorted(
                    (a, b), key=lambda n: (spelt[core[n][-1]], len(core[n][-1]), len(core[n]))
                )
                core[typo] = [*core[typo][:-1], core[right][-1]]
    # A name cut off where a text was cut ("International Organization for
    # Migra" in an excerpt) is the name it begins.
    for i, a in enumerate(order):
        for b in order[i + 1 :]:
            if find(a) != find(b) and (
                _cut_short(words[a], words[b]) or _cut_short(words[b], words[a])
            ):
                merge(a, b)
    # One name written with and without its hyphens or spaces: "National
    # Antiterrorism Committee" / "national anti-terrorism committee".
    for i, a in enumerate(order):
        for b in order[i + 1 :]:
            if find(a) != find(b) and "".join(words[a]) == "".join(words[b]):
                merge(a, b)
    # Two romanisations of one person's name.
    for i, a in enumerate(order):
        for b in order[i + 1 :]:
            persons = "body" not in (side(a), side(b))
            if persons and find(a) != find(b) and _transliterated(core[a], core[b]):
                merge(a, b)
    # An acronym and the name it abbreviates.
    for a in order:
        for b in order:
            # A title-case acronym ("Isro") only for a body: "Paris" is no acronym.
            upper = a.isupper() or kinds.get(a) in ("organisation", "group")
            if a != b and find(a) != find(b) and upper and _acronym_of(a, b):
                merge(b, a)
                acronyms.add(a)
    # One person, several spellings; a body inside a longer name.
    for i, a in enumerate(order):
        for b in order[i + 1 :]:
            ca, cb = core[a], core[b]
            if not ca or not cb or find(a) == find(b):
                continue
            short, long_ = sorted((ca, cb), key=len)
            # A body inside a person's longer name ("Coast Guard" in "Coast
            # Guard Rear Adm. John Mauger") joins only through the title rule
            # below; one name's spellings ("DeWine", "Gov. Mike DeWine") join
            # whatever kind the parser gave each.
            crosses = len({side(a), side(b)} - {None}) > 1
            surname = short[-1] == long_[-1] and set(short) <= set(long_)
            same = surname or (len(short) >= 2 and _contains(long_, short) and not crosses)
            # A company's one-word brand first in its full name: "JPMorgan" in
            # "JPMorgan Chase" (a word with a capital inside, never "Saudi").
            brand = (
                len(short) == 1
                and long_[0] == short[0]
                and {kinds.get(a), kinds.get(b)} <= {"organisation", "group"}
                and any(_BRAND.fullmatch(x) for x in (a, b))
            )
            if (same or brand) and compatible(a, b, one_surname=surname):
                merge(a, b)
    # "Portugal's REN" is REN: an owner's possessive before a name of the
    # story, when no other owner is put before that name ("Russia's Foreign
    # Ministry" and "Norway's Foreign Ministry" leave "Foreign Ministry" alone).
    owned: dict[tuple[str, ...], set[str]] = {}
    for n in order:
        if len(words[n]) >= 2 and words[n][0].endswith("'s") and n[:1].isupper():
            owned.setdefault(tuple(words[n][1:]), set()).add(words[n][0])
    for n in order:
        after = tuple(words[n][1:])
        if len(owned.get(after, ())) != 1 or not words[n][0].endswith("'s"):
            continue
        named = next((o for o in order if tuple(words[o]) == after and o != n), None)
        if named is not None and find(named) != find(n):
            merge(named, n)
    # Spokespeople speak for their body.
    for n in order:
        written = [n, *(mentions or {}).get(n, ())]
        found = (m for w in written for rx in SPOKESPERSON if (m := rx.search(" ".join(w.split()))))
        for m in found:
            body = _core(m.group("body"))
            # The body must be named as a body: "Texas official" is some
            # official of Texas, not the state the lieutenant governor speaks for.
            # Nor is a title one ("Guerrero state's governor"): it joins its
            # holder by the title rule below.
            bodies_named = [
                o for o in order if o != n and core[o] and not (_ANONYMOUS | _HEADS) & set(words[o])
            ]
            # A shorter body inside the title must be an organisation: in
            # "Hong Kong Security Chief Chris Tang", Hong Kong is a place.
            target = (
                next((o for o in bodies_named if core[o] == body), None)
                or next(
                    (
                        o
                        for o in bodies_named
                        if _contains(body, core[o]) and kinds.get(o) in ("organisation", "group")
                    ),
                    None,
                )
                # "Fire Chief John Donnelly" heads the Fire Department, "Defense
                # Secretary Pete Hegseth" the Defense Department.
                or next(
                    (
                        o
                        for o in bodies_named
                        if kinds.get(o) in ("organisation", "group")
                        and len(core[o]) == len(body) + 1
                        and core[o][:-1] == body
                        and core[o][-1] in _INSTITUTIONS
                    ),
                    None,
                )
            )
            if body and target is not None:
                merge(target, n)
                # A spokesperson's party is shown under the body; a head's
                # ("Health Minister Fahrettin Koca") under the head's name.
                if core[target] == body or _contains(body, core[target]):
                    bodies.add(target)
                break
    # A document named after a person ("the Hersh report") is that person's word.
    for n in order:
        for w in (mentions or {}).get(n, ()):
            written = _words(w)
            rest = [
                x.removesuffix("'s") for x in written if x not in TITLES and x not in DOCUMENT_WORDS
            ]
            if not rest or not any(x in DOCUMENT_WORDS for x in written):
                continue  # not a document's name, or a bare "the report"
            author = next(
                (
                    o
                    for o in order
                    if o != n and core[o] and rest[-1] == core[o][-1] and kinds.get(o) == "person"
                ),
                None,
            )
            if author is not None and set(rest) <= set(core[author]):
                merge(author, n)
                bodies.add(author)
                break
    # "<Body> document" (a report, an assessment, a memo of that body) is the
    # body's word when the body is a source of the story too: "US document"
    # and "US", "United Nations document" and "United Nations".
    for n in order:
        if kinds.get(n) != "document" or not n.endswith(" document"):
            continue
        owner = _words(n.removesuffix(" document"))
        source_body = next(
            (
                o
                for o in order
                if o != n
                and kinds.get(o) in ("organisation", "group", "other")
                and words[o] == owner
                and find(o) != find(n)
            ),
            None,
        )
        # No compatibility test: the document joins one party, never bridges two.
        if source_body is not None:
            merge(source_body, n)
    # A title with a place or body ("Paris prosecutor") → the one holder of
    # that title whose name holds those words too ("Paris prosecutor Laure
    # Beccuau"); then a bare title ("the prosecutor") → its one named holder.
    for bare in (False, True):
        for n in order:
            if bool(core[n]) == bare:
                continue
            titles = [w for w in words[n] if w in TITLES and w not in _FUNCTION_WORDS]
            if not titles:
                continue
            holders = {
                find(o)
                for o in order
                if o != n
                and core[o]
                and titles[-1] in words[o]
                and set(core[n]) < set(core[o])
                and find(o) != find(n)
            }
            if len(holders) == 1:
                merge(holders.pop(), n)
    # "the country's space agency", "the city's Labour Department": a body
    # described by the place the story is about is the one body of the story
    # whose name holds its words ("Indian Space Research Organisation").
    for n in order:
        if not core[n] or not any(w.endswith("'s") and w[:-2] in _PLACE_NOUNS for w in words[n]):
            continue
        holders = {
            find(o)
            for o in order
            if o != n
            and kinds.get(o) in ("organisation", "group")
            and set(core[n]) < set(core[o])
            and find(o) != find(n)
        }
        if len(holders) == 1:
            merge(holders.pop(), n)
    # A country's armed services and its defence department speak through one
    # chain of command ("the Army said", "according to the Defense
    # Department"): one party, when every such name of the story is of one
    # country or of none ("Russian Defense Ministry" and "Ukrainian army" stay two).
    military = {n: q for n in order if (q := _military_owner(words[n])) is not None}
    # "Ron McLendon II, the Public Affairs Deputy Director for Joint Task Force-National
    # Capital Region/Military District of Washington": a military public affairs officer.
    for n in order:
        said = " ".join((mentions or {}).get(n, ())).casefold()
        if n not in military and "public affairs" in said and _MILITARY_WORD.search(said):
            military[n] = ""
    owners = {q for q in military.values() if q}
    defence = [n for n in military if words[n][-1] in ("ministry", "department", "pentagon")]
    if len(owners) <= 1 and defence and len(military) > len(defence):
        for n in military:
            if find(n) != find(defence[0]):
                merge(defence[0], n)
        bodies.add(defence[0])
    # A head of government and the government (or its seat) of the same
    # country: "Russian President Vladimir Putin" and "the Kremlin".
    for n in order:
        said = " ".join([n, *(mentions or {}).get(n, ())])
        for m in _HEAD_OF_GOVERNMENT.finditer(said):
            land = _words(m.group("land"))[0].removesuffix("'s")
            government = next(
                (
                    o
                    for o in order
                    if len(words[o]) == 2
                    and words[o][1] == "government"
                    and _same_land(words[o][0].removesuffix("'s"), land)
                ),
                None,
            )
            if government is not None and find(government) != find(n):
                merge(government, n)
                break
    # A government's ministers and ministries speak for it, as a spokesperson
    # for a body: "Pakistan's deputy prime minister Ishaq Dar" and "Pakistan";
    # "Minister for Territorial Policy Ángel Víctor Torres" and "the Spanish
    # government", when the story names one government only (a minister whose
    # country is not written could be anyone's). A chief, regional, shadow or
    # former minister speaks for no national government.
    governments = [
        o
        for o in order
        if (len(words[o]) == 2 and words[o][1] == "government")
        or (
            len(words[o]) == 1
            and len(words[o][0]) >= 4
            and kinds.get(o) in ("organisation", "group", "other")
            and any(
                _same_land(words[o][0], words[g][0].removesuffix("'s"))
                for g in order
                if len(words[g]) == 2 and words[g][1] == "government"
            )
        )
    ]
    for n in order:
        if n in governments:
            continue
        as_written = [n, *(mentions or {}).get(n, ())]
        offices = [office for w in as_written for office in _MINISTER.finditer(w)]
        if not offices or any(_NOT_NATIONAL.search(w) for w in as_written):
            continue
        lands = {
            w.removesuffix("'s")
            for office in offices
            for raw in office.group("before").split()
            if raw[:1].isupper()
            for w in _words(raw)
            if w.removesuffix("'s") not in _PORTFOLIO
        }
        if lands:
            targets = [
                o
                for o in order
                if o != n
                and (
                    (len(words[o]) == 2 and words[o][1] == "government")
                    or (len(words[o]) == 1 and kinds.get(o) in ("organisation", "group", "other"))
                )
                and len(words[o][0]) >= 4
                and any(_same_land(words[o][0].removesuffix("'s"), land) for land in lands)
            ]
        else:
            targets = governments if len({find(g) for g in governments}) == 1 else []
        if targets and find(targets[0]) != find(n):
            merge(targets[0], n)
            bodies.add(targets[0])
    # "The Prime Minister's Secretariat", "the President's office": the one
    # person of the story who holds that title.
    for n in order:
        m = _TITLE_OFFICE.match(" ".join(n.split()))
        if m is None:
            continue
        title = m.group("title").casefold()
        holders = {
            find(o)
            for o in order
            if o != n
            and kinds.get(o) == "person"
            and any(
                re.search(rf"\b{re.escape(title)}\b", w.casefold()) and "former" not in w.casefold()
                for w in (mentions or {}).get(o, ())
            )
        }
        if len(holders) == 1 and find(n) not in holders:
            holder = holders.pop()
            merge(holder, n)
            bodies.add(holder)  # shown under the person's name
    # A body's branch in a place is the body: "Red Crescent in Derna" and the
    # "Libyan Red Crescent Society", "US National Hurricane Center in Miami".
    for n in order:
        m = _BRANCH.match(" ".join(n.split()))
        if m is None or kinds.get(n) not in ("organisation", "group", "other"):
            continue
        base = _core(m.group("body"))
        if len(base) < 2:
            continue
        for o in order:
            if (
                o != n
                and find(o) != find(n)
                and kinds.get(o) in ("organisation", "group")
                and (core[o] == base or _contains(core[o], base))
                # The branch joins one body and bridges nothing.
                and len(members[find(n)]) == 1
            ):
                merge(o, n)
                break
    # A country and its government: "Portugal declared three days of
    # mourning" and "the Portuguese government announced" are one party
    # (:func:`_same_land`: Portug-uese, Chin-ese, Gree-k; or "Portugal's
    # government").
    for n in order:
        if len(words[n]) != 2 or words[n][1] != "government":
            continue
        land = words[n][0].removesuffix("'s")
        for o in order:
            if (
                len(words[o]) == 1
                and kinds.get(o) in ("organisation", "group", "other")
                and find(o) != find(n)
                and len(words[o][0]) >= 4
                and _same_land(words[o][0], land)
            ):
                merge(n, o)
                break
    out: dict[str, str] = {}
    for group in members.values():
        best = max(
            group,
            key=lambda x: (
                x in bodies,
                not _names_a_text(x),
                len(core[x]),
                len(x),
                -order.index(x),
            ),
        )
        for n in group:
            out[n] = best
    return out
