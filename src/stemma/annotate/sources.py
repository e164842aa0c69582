"""Who a source is: canonical names and kinds of the sources articles cite.

"NYT", "the NYT" and "A recent New York Times report" are one source, "The
New York Times" (an outlet); "the memo" and "the eight-page FSB report" are
one document. :func:`canonical_source` names every mention this way, so that
the provenance graph has one node per real source. :func:`sentence_upstream`
says which of a sentence's sources its content comes from ("Citing
intelligence officers, the NYT reported …": the officers).

The alias tables below only say who a mention *is*, never how trustworthy
it is: stemma ships no ratings of outlets.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.tokens import Token

from stemma.model import Attribution, SourceKind

__all__ = [
    "HOLDING_CUES",
    "PRIMACY",
    "canonical_source",
    "document_name",
    "same_document",
    "sentence_upstream",
]

#: Source kinds that make a weak cue verb count.
NAMED_KINDS: frozenset[str] = frozenset({"outlet", "document", "person", "organisation", "group"})

#: Major outlets and news agencies, canonical name → spellings met in text.
#: Aliasing only: it says who a mention is, never how trustworthy they are.
OUTLET_ALIASES: dict[str, tuple[str, ...]] = {
    "The New York Times": ("New York Times", "NYT", "NY Times", "nytimes.com"),
    "Reuters": ("Reuters", "Thomson Reuters"),
    "Associated Press": ("Associated Press", "AP"),
    "Agence France-Presse": ("Agence France-Presse", "Agence France Presse", "AFP"),
    "BBC": ("BBC", "BBC News", "British Broadcasting Corporation"),
    "CNN": ("CNN",),
    "The Washington Post": ("Washington Post", "WaPo", "WashPost"),
    "The Wall Street Journal": ("Wall Street Journal", "WSJ"),
    "Financial Times": ("Financial Times", "FT"),
    "Bloomberg": ("Bloomberg", "Bloomberg News"),
    "The Guardian": ("The Guardian", "Guardian"),
    "TASS": ("TASS", "Tass"),
    "RIA Novosti": ("RIA Novosti", "RIA"),
    "Interfax": ("Interfax",),
    "Al Jazeera": ("Al Jazeera",),
    "The Economist": ("The Economist", "Economist"),
    "Politico": ("Politico", "POLITICO"),
    "Fox News": ("Fox News",),
    "NBC News": ("NBC News", "NBC"),
    "CBS News": ("CBS News", "CBS"),
    "ABC News": ("ABC News",),
    "NPR": ("NPR", "National Public Radio"),
    "USA Today": ("USA Today",),
    "Los Angeles Times": ("Los Angeles Times", "LA Times"),
    "Breitbart": ("Breitbart", "Breitbart News"),
    "Der Spiegel": ("Der Spiegel", "Spiegel"),
    "Le Monde": ("Le Monde",),
    "Xinhua": ("Xinhua",),
    "Kommersant": ("Kommersant",),
    "Meduza": ("Meduza",),
    "The Times": ("The Times",),
    "The Telegraph": ("The Telegraph", "Daily Telegraph"),
    # Agencies and papers of record beyond the US and Western Europe, met as
    # sources in the events' coverage (Pahalgam: "according to an NDTV World
    # update and The Hindu", which the tagger reads as a person).
    "The Hindu": ("The Hindu",),
    "NDTV": ("NDTV", "NDTV World"),
    "Hindustan Times": ("Hindustan Times",),
    "The Times of India": ("Times of India",),
    "The Indian Express": ("Indian Express",),
    "Press Trust of India": ("Press Trust of India", "PTI"),
    "Yonhap": ("Yonhap", "Yonhap News Agency"),
    "Kyodo": ("Kyodo", "Kyodo News"),
    "NHK": ("NHK",),
    "IRNA": ("IRNA", "Islamic Republic News Agency"),
    "Tasnim": ("Tasnim", "Tasnim News Agency"),
    "Anadolu Agency": ("Anadolu Agency", "Anadolu"),
    "EFE": ("EFE",),
    "Deutsche Presse-Agentur": ("Deutsche Presse-Agentur", "DPA"),
    "ANSA": ("ANSA",),
    "El País": ("El País", "El Pais"),
    "Le Figaro": ("Le Figaro",),
    "BFMTV": ("BFMTV", "BFM TV"),
    "Haaretz": ("Haaretz",),
    "The Times of Israel": ("Times of Israel",),
    "Al Arabiya": ("Al Arabiya",),
    "Sky News": ("Sky News",),
    "South China Morning Post": ("South China Morning Post", "SCMP"),
    "Deutsche Welle": ("Deutsche Welle",),
    "France 24": ("France 24",),
    "Voice of America": ("Voice of America",),
    "Radio Free Europe": ("Radio Free Europe", "RFE/RL"),
}

#: Aliases that are also ordinary words in lower case ("the Hindu community"):
#: matched with their capitals only.
CASED_ALIASES = frozenset({"The Hindu"})

#: Organisations often named as sources under several names; the canonical
#: name is the one readers know best.
ORG_ALIASES: dict[str, tuple[str, ...]] = {
    "FSB": ("Federal Security Service", "FSB"),
    "Kremlin": ("Kremlin",),
    "GRU": ("GRU",),
    "SVR": ("SVR", "Foreign Intelligence Service"),
    "CIA": ("Central Intelligence Agency", "CIA"),
    "FBI": ("Federal Bureau of Investigation", "FBI"),
    "NSA": ("National Security Agency", "NSA"),
    "Pentagon": ("Pentagon",),
    "White House": ("White House",),
    "MI6": ("MI6", "Secret Intelligence Service"),
    "United Nations": ("United Nations", "UN"),
    "NATO": ("NATO", "Nato"),
}


def _un_agency(name: str, acronym: str, *descriptions: str) -> tuple[str, ...]:
    """A UN agency's names, and how news describes it by the UN's name: "the
    U.N.'s migration agency" is the IOM speaking, not the UN."""
    un = ("UN", "U.N.", "United Nations")
    return (
        name,
        acronym,
        *(f"{u}{s} {d}" for u in un for s in ("", "'s", "’s") for d in descriptions),
    )


#: The UN's agencies most often quoted in news of disasters and conflicts.
UN_AGENCIES: dict[str, tuple[str, ...]] = {
    "International Organization for Migration": (
        *_un_agency("International Organization for Migration", "IOM", "migration agency"),
        "International Organisation for Migration",
    ),
    "UNHCR": _un_agency("UN High Commissioner for Refugees", "UNHCR", "refugee agency"),
    "World Food Programme": (
        *_un_agency("World Food Programme", "WFP", "food agency"),
        "World Food Program",
    ),
    "World Health Organization": (
        *_un_agency("World Health Organization", "WHO", "health agency"),
        "World Health Organisation",
    ),
    "UNICEF": (*_un_agency("UNICEF", "UNICEF", "children's agency", "children’s agency"), "Unicef"),
    "OCHA": _un_agency(
        "Office for the Coordination of Humanitarian Affairs",
        "OCHA",
        "humanitarian office",
        "humanitarian agency",
        "aid office",
        "aid agency",
    ),
    "World Meteorological Organization": _un_agency(
        "World Meteorological Organization", "WMO", "weather agency"
    ),
}
ORG_ALIASES |= UN_AGENCIES
#: Canonical names of the UN and its agencies: one organisation (analysis.roots).
UN_FAMILY = frozenset({"United Nations", *UN_AGENCIES})

#: Nouns that name a written document a sentence can cite.
DOCUMENT_NOUNS: frozenset[str] = frozenset(
    {
        "document", "memo", "memorandum", "report", "directive", "dossier", "cable",
        "letter", "paper", "assessment", "file", "filing", "complaint", "study",
        "analysis", "transcript", "email", "order", "plan", "briefing",
    }
)  # fmt: skip

#: Modifiers that make "report" name a document rather than an outlet's story
#: ("the intelligence report", "a leaked report").
DOCUMENT_REPORT_MODIFIERS: frozenset[str] = frozenset(
    {"intelligence", "internal", "leaked", "secret", "classified", "confidential",
     "planning", "counterintelligence", "eight-page", "page"}
)  # fmt: skip

#: Nouns that mark a named collective as a group ("the cybercrime group Ares Leaks").
GROUP_NOUNS: frozenset[str] = frozenset(
    {"group", "gang", "collective", "hackers", "network", "movement", "militia", "cell"}
)

#: Head nouns that make an unnamed source an organisation.
ORG_NOUNS: frozenset[str] = frozenset(
    {
        "agency", "service", "ministry", "department", "government", "police",
        "office", "campaign", "committee", "commission", "court", "council", "party",
        "company", "university", "institute", "center", "centre", "bank", "army",
        "military", "administration", "embassy", "foundation", "union", "board",
        "bureau", "authority", "authorities", "parliament", "congress", "senate",
    }
)  # fmt: skip

#: Titles and roles dropped from a person's name ("Former CIA officer Paul Kolbe").
TITLE_WORDS: frozenset[str] = frozenset(
    {
        "mr", "mrs", "ms", "dr", "prof", "professor", "president", "senator", "sen",
        "rep", "gov", "governor", "minister", "secretary", "general", "gen", "former",
        "chairman", "chief", "director", "sir", "lord", "lady", "judge", "mayor",
        "ambassador", "spokesman", "spokeswoman", "colonel", "col", "captain",
        "candidate", "nominee", "vice", "prime", "deputy", "ceo", "officer",
    }
)  # fmt: skip


def titled_conjunct(subj: Token) -> Token | None:
    """The titled name a place was joined to: in "Jammu and Kashmir Chief Minister
    Omar Abdullah said" the parser makes "Jammu" the subject and "Abdullah" its
    conjunct; the speaker is the minister. Two people ("Biden and Vice President
    Harris") are left as they are: the word after "and" must be part of a place
    (not a title) and the subject carry no title of its own."""
    if any(t.lower_ in TITLE_WORDS for t in subj.subtree if t.i <= subj.i):
        return None
    for conj in subj.children:
        if conj.dep_ != "conj" or conj.pos_ != "PROPN" or conj.i <= subj.i:
            continue
        before = [t for t in conj.subtree if t.i < conj.i and t.dep_ == "compound"]
        if (
            before
            and before[0].pos_ == "PROPN"
            and before[0].lower_ not in TITLE_WORDS
            and any(t.lower_ in TITLE_WORDS for t in before[1:])
        ):
            return conj
    return None


DETERMINERS: frozenset[str] = frozenset(
    {"the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her"}
)


#: Quotation marks stripped from the ends of a mention.
QUOTE_CHARS = "\"“”‘’'«»"


# --- canonical names ------------------------------------------------------


def _alias_regex(aliases: dict[str, tuple[str, ...]]) -> list[tuple[re.Pattern[str], str]]:
    pairs = [(alias, canon) for canon, names in aliases.items() for alias in names]
    pairs.sort(key=lambda p: -len(p[0]))  # longest first: "BBC News" before "BBC"
    out = []
    for alias, canon in pairs:
        # Short all-caps aliases ("AP", "FT") must match case-sensitively, or
        # "ap" and "ft" inside ordinary words and abbreviations would match.
        cased = (alias.isupper() and len(alias) <= 4) or alias in CASED_ALIASES
        flags = 0 if cased else re.IGNORECASE
        out.append((re.compile(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", flags), canon))
    return out


OUTLET_PATTERNS = _alias_regex(OUTLET_ALIASES)

#: Platforms a statement is posted on, not a source of it: in "Taking to
#: Twitter, he wrote" the source is whoever "he" is (the small model tags
#: "Twitter" PERSON).
PLATFORMS: frozenset[str] = frozenset(
    {"twitter", "x", "facebook", "instagram", "telegram", "tiktok", "youtube", "linkedin",
     "threads", "truth social", "weibo", "wechat", "social media", "whatsapp", "bluesky"}
)  # fmt: skip
ORG_PATTERNS = _alias_regex(ORG_ALIASES)
_WORD = re.compile(r"[\w’'.-]+")


def find_alias(text: str, table: list[tuple[re.Pattern[str], str]]) -> tuple[str, int] | None:
    best: tuple[str, int] | None = None
    for rx, canon in table:
        m = rx.search(text)
        if m and (best is None or m.start() < best[1]):
            best = (canon, m.start())
    return best


def _core(text: str) -> str:
    """The mention before any appositive or trailing modifier ("The U.S.
    Geological Survey( USGS" as a page glued it, too)."""
    text = re.split(r",|\s\(|\(\s|\s[–—-]\s", text, maxsplit=1)[0]
    return text.strip(" " + QUOTE_CHARS)


def _strip_determiners(text: str) -> str:
    words = text.split()
    while words and words[0].lower() in DETERMINERS:
        words = words[1:]
    return " ".join(words)


def _person_name(core: str) -> str | None:
    """The trailing run of capitalised words, titles dropped ("Former CIA officer Paul Kolbe")."""
    core = re.split(r"\s(?:of|from|at|with|for)\s", core, maxsplit=1)[0]
    words = _WORD.findall(core)
    run: list[str] = []
    for w in reversed(words):
        if w[:1].isupper() and w.lower().rstrip(".") not in TITLE_WORDS:
            run.insert(0, w)
        else:
            break
    # An all-caps word before the name is a role acronym ("CIA officer"), not a name part.
    while run and run[0].isupper() and len(run) > 1:
        run = run[1:]
    return " ".join(run) if run else None


def document_org(text: str) -> str | None:
    """The organisation a document mention names as its author, if any."""
    if find_alias(text, OUTLET_PATTERNS) is not None and not re.search(
        r"\bfrom\b", text, flags=re.IGNORECASE
    ):
        return None
    found = find_alias(text, ORG_PATTERNS)
    if found:
        return found[0]
    for w in _WORD.findall(text):
        bare = w.rstrip(".").removesuffix("’s").removesuffix("'s")
        if bare.isupper() and 2 <= len(bare) <= 6 and bare.isalpha():
            return bare
    return None


def document_name(mention: str) -> str:
    """Canonical name of a document mention: "<ORG> document" or "the document".

    Deterministic, so that documents named in different articles can be
    compared by name (see :func:`same_document`).

    >>> document_name("an eight-page internal FSB planning document")
    'FSB document'
    >>> document_name("A leaked memo believed to be from the FSB")
    'FSB document'
    >>> document_name("the memo")
    'the document'
    """
    org = document_org(mention)
    return f"{org} document" if org else "the document"


def same_document(a: str, b: str) -> bool:
    """Whether two document mentions (or canonical names) name the same document.

    Only documents with the same author organisation match; an unattributed
    "the document" matches nothing across articles, because the text gives no
    ground to merge it.

    >>> same_document("the FSB memo", "FSB planning document")
    True
    >>> same_document("the memo", "the document")
    False
    """
    na, nb = document_name(a), document_name(b)
    return na == nb and na != "the document"


def _head_word(core: str) -> str:
    core = re.split(r"\s(?:of|from|by|about|on|in|at|believed|that|which)\s", core, maxsplit=1)[0]
    words = _WORD.findall(core)
    return words[-1].lower().rstrip(".") if words else ""


#: A message named by its author: "a statement from Emmanuel Pierre", "the
#: letter by the ministry". The author is the source (a capitalised word after
#: "from" or "by", or a "the"), not the message.
_MESSAGE_FROM = re.compile(
    r"^(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,2}?(?:statement|message|letter|post|release|note|"
    r"communiqu[eé]|announcement)\s+(?:issued\s+)?(?:from|by)\s+(?P<author>(?:the\s+)?[A-Z].*)$"
)


def canonical_source(mention: str, *, entity_label: str | None = None) -> tuple[str, SourceKind]:
    """Canonical name and kind of a source mention.

    Args:
        mention: the source as written, appositives included.
        entity_label: spaCy's entity label for the mention's head, when known
            (``"PERSON"`` makes a person of a name the heuristics would miss).

    Usage:
        "the NYT", "A recent New York Times report" → ("The New York Times", "outlet")
        "Andrei Soldatov, an expert on ..."           → ("Andrei Soldatov", "person")
        "the cybercrime group Ares Leaks"             → ("Ares Leaks", "group")
        "the FSB", "the Kremlin"                      → ("FSB", "organisation"), ("Kremlin", ...)
        "the eight-page FSB report"                   → ("FSB document", "document")
    """
    text = " ".join(mention.split()).strip(" ,;:" + QUOTE_CHARS)
    if (sent := _MESSAGE_FROM.match(text)) is not None:
        # "a statement from Emmanuel Pierre, Director General of …": its author.
        return canonical_source(sent.group("author"), entity_label=entity_label)
    core = _core(text)
    head = _head_word(core)
    lowered_words = [w.lower() for w in _WORD.findall(core)]

    # Groups first: "Ares Leaks" is tagged PERSON by the small model.
    groups = "|".join(sorted(GROUP_NOUNS))
    # Capitalised words separated by single spaces: a pattern with one way to
    # match each word, so a failed search cannot backtrack exponentially.
    caps = r"[A-Z][\w’'-]*(?: [A-Z][\w’'-]*)*"
    m = re.search(rf"\b(?:{groups})\s+({caps})", core) or re.search(
        rf"^({caps}),\s+an?\s+(?:[\w-]+\s+){{0,6}}(?:{groups})\b", text
    )
    if m:
        return m.group(1).strip(), "group"

    described = _DESCRIBED_OUTLET.match(core)
    if described is not None:
        # "the daily Seto Pati", "public broadcaster NHK": an outlet the text
        # says is one, whether or not stemma knows its name.
        return described.group(1), "outlet"
    outlet = find_alias(core, OUTLET_PATTERNS)
    if outlet is not None:
        after = core[outlet[1] :].split(maxsplit=len(outlet[0].split()))
        rest = after[len(outlet[0].split()) :] if len(after) > len(outlet[0].split()) else []
        # "New York Times reporter Jane Doe": a name after the outlet is a person.
        person_after = (
            entity_label == "PERSON"
            and rest
            and any(w[:1].isupper() for w in " ".join(rest).split())
        )
        if not person_after:
            return outlet[0], "outlet"

    if head in DOCUMENT_NOUNS or (head.endswith("s") and head[:-1] in DOCUMENT_NOUNS):
        return document_name(text), "document"

    org = find_alias(core, ORG_PATTERNS)
    if org is not None and _POSSESSED_BODY.match(core[org[1] :]):
        # "the UN's International Organization for Migration": the body the
        # UN owns speaks, not the UN.
        org = None
    if org is not None and any(
        canon == org[0] and rx.fullmatch(core[org[1] :]) for rx, canon in ORG_PATTERNS
    ):
        # The mention ends with the body's whole name ("the U.N.'s International
        # Organization for Migration"): the body, not a title of a person.
        return org[0], "organisation"
    name = _person_name(core)
    if (
        org is not None
        and name
        and find_alias(name, ORG_PATTERNS) is None
        and _looks_like_name(core)
        and head not in ORG_NOUNS
    ):
        return name, "person"  # "Former CIA officer Paul Kolbe": the org is a role
    if org is not None and entity_label != "PERSON":
        return org[0], "organisation"

    if head in TITLE_WORDS:
        # "Derna's mayor, Abdel-Moneim al-Ghaithi": the title's holder is
        # named in apposition, and the name is the source.
        holder = _APPOSED_NAME.match(text[len(core) :]) if text.startswith(core) else None
        if holder and not _person_name(core):
            return holder.group(1), "person"
        return _strip_determiners(core), "person"  # "China’s President"
    if entity_label == "PERSON" or (
        entity_label is None and head not in ORG_NOUNS and _looks_like_name(core)
    ):
        name = _person_name(core)
        if name:
            return name, "person"

    bare = _strip_determiners(core)
    bare = re.sub(r"^[A-Z][\w.]*[’']s\s+", "", bare) if " " in bare else bare
    if (
        entity_label in ("ORG", "NORP", "GPE")
        or head in ORG_NOUNS
        or (bare.isupper() and bare.isalpha())
    ):
        return bare, "organisation"
    if not lowered_words:
        return text, "other"
    return bare, "other"


#: An outlet described as one before its name: "the daily Seto Pati", "public
#: broadcaster NHK", "the news agency Tasnim", "state television channel Rossiya 24".
_DESCRIBED_OUTLET = re.compile(
    r"^(?:[Tt]he\s+)?(?:[\w-]+\s+){0,2}?(?:daily|newspaper|tabloid|broadcaster|news\s+agency|"
    r"news\s+site|news\s+outlet|(?:TV|television)(?:\s+channel)?|radio(?:\s+station)?)\s+"
    r"([A-Z][\w.'’-]*(?:\s+[A-Z0-9][\w.'’-]*){0,4})$"
)

#: After a body's name, a possessive and another capitalised name: the
#: second body is the source ("the U.N.'s International Organization for Migration").
_POSSESSED_BODY = re.compile(r"(?:[A-Z][\w.]*\s+){0,3}?[A-Z][\w.]*[’']s\s+[A-Z]")

#: A person's name in apposition after a title: two to five capitalised
#: words, name particles allowed ("Abdel-Moneim al-Ghaithi", "Ursula von der
#: Leyen"), closed by a comma or the end of the mention.
_NAME_WORD = r"(?:(?:al|el|bin|ibn|de|da|di|van|von|der|du|le|la)[\s-])*[A-Z][\w’'.-]*"
_APPOSED_NAME = re.compile(rf"^\s*,\s*({_NAME_WORD}(?:\s+{_NAME_WORD}){{1,4}})\s*(?:,|$)")


def _looks_like_name(core: str) -> bool:
    name = _person_name(core)
    if not name or len(name.split()) < 2 or name.isupper():
        return False
    # "Sudan's Ministry" (of Foreign Affairs) is a body, not a person.
    return name.split()[-1].lower() not in ORG_NOUNS


# --- which source is upstream ----------------------------------------------

#: Order in which a sentence's sources are preferred as its upstream, most
#: primary first: in "Citing intelligence officers, the NYT reported …" the
#: officers are where the NYT got it from.
PRIMACY = {"person": 0, "document": 1, "group": 2, "organisation": 3, "other": 4, "outlet": 5}

#: Cues that say a party holds or relays a document rather than asserting the
#: sentence; with a document in the same sentence they make a ``based_on`` edge.
HOLDING_CUES = frozenset(
    {"obtained by", "first obtained by", "cited by", "as cited by", "based on", "citing"}
)


def _relayed(a: Attribution, attrs: Sequence[Attribution]) -> bool:
    """``a`` is told inside another party's statement: in "Two men have
    admitted their role, the prosecutor said" the men's admission reaches the
    reader only through the prosecutor. An outlet's report is not such a
    relay ("The NYT reported that the document calls …": the document is the
    origin the NYT carries)."""
    return any(
        b is not a
        and b.source != a.source
        and b.source_kind != "outlet"
        and b.content_start is not None
        and b.content_end is not None
        and b.content_start <= a.start
        and a.end <= b.content_end
        for b in attrs
    )


def sentence_upstream(attrs: Sequence[Attribution]) -> str | None:
    """The source a sentence's content comes from, most primary first."""
    if not attrs:
        return None
    attrs = [a for a in attrs if not _relayed(a, attrs)] or list(attrs)
    asserting = [a for a in attrs if a.cue.lower() not in HOLDING_CUES] or list(attrs)
    best = min(asserting, key=lambda a: (PRIMACY.get(a.source_kind, 9), a.start))
    return best.source
