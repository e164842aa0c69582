"""Where each mention comes from, and each claim's independent roots.

A mention's source is found at the closest level that names one (sentence,
then paragraph, then article: :func:`mention_upstream`). The independent
roots of a claim (:func:`claim_roots`): every non-commentary mention is followed
upstream through the provenance graph (:mod:`stemma.analysis.graph`) — its
source to the sources that source relies on, else its article to the article
it reuses — until nothing is upstream. Distinct end points are the roots.
Five outlets re-telling one newspaper that re-tells one leaked document: five
outlets, one root. :func:`root_paths` lists the same walk step by step, for
the claim page.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from stemma.analysis.graph import article_node, source_node
from stemma.analysis.parties import DOCUMENT_WORDS, TITLES, parties
from stemma.annotate.attribution import COGNITION_VERBS
from stemma.annotate.sources import UN_FAMILY, canonical_source, sentence_upstream
from stemma.model import Annotation, Article, Attribution, ClaimGroup, Graph, Mention

#: The attribution stage's verbs of thinking, in the forms a cue is written in
#: (``Attribution.cue`` is the text, not the lemma) ...
_IRREGULAR_PAST = {"think": "thought", "feel": "felt", "find": "found"}
BELIEF_CUES = frozenset(
    form
    for verb in COGNITION_VERBS
    for form in (
        verb,
        verb + "s",
        _IRREGULAR_PAST.get(verb, verb + "d" if verb.endswith("e") else verb + "ed"),
    )
)

#: ... that a hearsay adverb puts second-hand: in "Russian intelligence
#: reportedly fears that …" somebody reports what the service fears; the
#: service holds the belief, the report is the source of the information.
HEARSAY = re.compile(
    r"\b(?:reportedly|allegedly|apparently|purportedly|(?:is|are|was|were) said to)\b",
    re.IGNORECASE,
)


def article_upstream(ann: Annotation) -> str | None:
    """The source an article as a whole relies on: the outlet it names most,
    else the document it cites most, else None. People are never an
    article-level source: a quoted expert speaks for one statement, not the
    whole article."""
    counts: Counter[tuple[int, str]] = Counter()
    for a in ann.attributions:
        if a.source_kind == "outlet":
            counts[(0, a.source)] += 1
        elif a.source_kind == "document":
            counts[(1, a.source)] += 1
    if not counts:
        return None
    best_rank = min(rank for rank, _ in counts)
    return max(
        ((n, name) for (rank, name), n in counts.items() if rank == best_rank),
    )[1]


#: Share of a mention an attribution's content must cover to apply to it: in
#: "While Putin declares a friendship, a secret unit regards China as the
#: enemy", Putin's content is the first clause only.
CONTENT_COVER = 0.4

#: ... or that the whole attribution (source, cue and content) must cover: a
#: short content is still the sentence's when the sentence is little else
#: than "X denied the claims" or "'…,' X told RIA Novosti in response to a
#: request". Set on the dev events (Nord Stream), not tuned.
SPAN_COVER = 0.5

#: Source kinds whose attribution carries over to the rest of a paragraph
#: ("According to the document, …" heads a paragraph); a person's quote does not.
CARRIED_KINDS = frozenset({"document", "outlet", "organisation", "group"})


@dataclass(frozen=True, slots=True)
class Levels:
    """Per article: sentence attributions, paragraph carry-over, article source."""

    by_sentence: dict[int, list[Attribution]]
    quotes: tuple[tuple[int, int, str], ...]  # (start, end, canonical speaker)
    carried: dict[int, str]
    article: str | None
    subjects: frozenset[str]  # words that tie a sentence to the article's source


def _applies(a: Attribution, start: int, end: int) -> bool:
    if a.content_start is None or a.content_end is None or end <= start:
        return True
    overlap = min(end, a.content_end) - max(start, a.content_start)
    if overlap >= CONTENT_COVER * (end - start):
        return True
    if overlap <= 0:
        return False
    ends = [x for x in (a.start, a.end, a.cue_start, a.cue_end) if x is not None]
    lo, hi = min(a.content_start, *ends), max(a.content_end, *ends)
    return min(end, hi) - max(start, lo) >= SPAN_COVER * (end - start)


def article_levels(article: Article, ann: Annotation) -> Levels:
    by_sentence: dict[int, list[Attribution]] = defaultdict(list)
    for a in ann.attributions:
        by_sentence[a.sentence].append(a)
    # Journalistic convention: "According to the document, …" at the head of a
    # paragraph covers the paragraph's following sentences.
    carried: dict[int, str] = {}
    current: str | None = None
    last_paragraph = -1
    for s in ann.sentences:
        paragraph = article.text.count("\n", 0, s.start)
        if paragraph != last_paragraph:
            current, last_paragraph = None, paragraph
        attrs = [a for a in by_sentence.get(s.index, []) if a.source_kind in CARRIED_KINDS]
        if attrs:
            current = sentence_upstream(attrs)
        elif current is not None and s.kind != "commentary" and s.index not in by_sentence:
            carried[s.index] = current
    top = article_upstream(ann)
    subjects = {w.casefold() for a in ann.attributions for w in a.source.split() if len(w) > 2}
    quotes = tuple(
        (q.start, q.end, canonical_source(q.speaker)[0]) for q in ann.quotes if q.speaker
    )
    return Levels(
        dict(by_sentence), quotes, carried, top, frozenset(subjects - {"the", "document"})
    )


def _second_hand(a: Attribution, m: Mention) -> bool:
    """A belief reported as hearsay ("X reportedly fears …"): X is not the source."""
    if a.cue.lower() not in BELIEF_CUES or a.cue_start is None:
        return False
    between = m.text[max(a.end - m.start, 0) : max(a.cue_start - m.start, 0)]
    return bool(HEARSAY.search(between))


def mention_upstream(m: Mention, levels: Levels, sentence_kind: str) -> tuple[str | None, str]:
    """Where a mention comes from, and at which level: sentence | paragraph | article | none."""
    here = levels.by_sentence.get(m.sentence, [])
    attrs = [a for a in here if _applies(a, m.start, m.end) and not _second_hand(a, m)]
    # A conduit shares its cue with the speaker ("X told RIA Novosti"): where
    # the outlet's attribution applies, so does the speaker's.
    cues = {a.cue_start for a in attrs if a.cue_start is not None}
    attrs += [a for a in here if a not in attrs and a.cue_start in cues and not _second_hand(a, m)]
    if attrs:
        return sentence_upstream(attrs), "sentence"
    for start, end, speaker in levels.quotes:
        # A clause inside a direct quote is the speaker's, even when the
        # sentence naming the speaker is another one.
        if min(end, m.end) - max(start, m.start) >= 0.5 * (m.end - m.start):
            return speaker, "sentence"
    if m.sentence in levels.carried:
        return levels.carried[m.sentence], "paragraph"
    if levels.article is not None and sentence_kind != "commentary":
        words = {w.casefold().strip(".,;:’'\"“”") for w in m.text.split()}
        # Reported sentences, or ones about the article's own source ("The FSB
        # also mandated …" in an article reporting the FSB's document), carry
        # the article's attribution; the outlet's own background does not.
        if sentence_kind == "reported" or words & levels.subjects:
            return levels.article, "article"
    return None, "none"


def levels_of(
    articles: Sequence[Article], annotations: Mapping[str, Annotation]
) -> dict[str, Levels]:
    """Each annotated article's attribution levels (computed once per story)."""
    return {a.id: article_levels(a, annotations[a.id]) for a in articles if a.id in annotations}


def mention_sources(
    groups: Sequence[ClaimGroup],
    articles: Sequence[Article],
    annotations: Mapping[str, Annotation],
    *,
    levels: Mapping[str, Levels] | None = None,
) -> dict[tuple[str, int], tuple[str | None, str]]:
    """(article, mention start) → (source it is attributed to, level), for every mention.

    Level is "sentence", "paragraph", "article" or "none": what a claim ×
    outlet matrix shows in each cell. ``levels`` is :func:`levels_of` the same
    articles, when the caller has it already.
    """
    if levels is None:
        levels = levels_of(articles, annotations)
    kinds = _kinds(annotations)
    out: dict[tuple[str, int], tuple[str | None, str]] = {}
    for g in groups:
        for m in g.mentions:
            lv = levels.get(m.article)
            kind = kinds.get((m.article, m.sentence), m.kind)
            out[(m.article, m.start)] = mention_upstream(m, lv, kind) if lv else (None, "none")
    return out


def _kinds(annotations: Mapping[str, Annotation]) -> dict[tuple[str, int], str]:
    return {(s.article, s.index): s.kind for ann in annotations.values() for s in ann.sentences}


def claim_roots(
    groups: Sequence[ClaimGroup],
    articles: Sequence[Article],
    annotations: Mapping[str, Annotation],
    graph: Graph,
    *,
    sources: Mapping[tuple[str, int], tuple[str | None, str]] | None = None,
    levels: Mapping[str, Levels] | None = None,
) -> list[ClaimGroup]:
    """Fill ``roots``, ``derived``, ``unknown``, ``evidence`` and ``attributed``.

    Independence needs evidence (docs/grading.md): every reported mention is
    followed to where it comes from. A mention attributed to a source (or
    inside a direct quote: its speaker) counts that source's roots, with the
    names of one party taken as one (:mod:`stemma.analysis.parties`). A
    mention with no source is *derived* when the claim has a named root
    already, or when its article copies another carrier; it is the outlet's
    *own reporting* (a root) only with evidence of its own access in its
    paragraph ("told CNN", "has learned", "exclusive", a reporter at the
    scene) or as the claim's earliest dated carrier with nothing upstream;
    otherwise its *origin is unknown*, shown and never counted. Opinion and speculation corroborate
    nothing. ``sources`` (:func:`mention_sources` of the same groups) and
    ``levels`` (:func:`levels_of` the same articles) are computed when not
    given.
    """
    by_id = {a.id: a for a in articles}
    if levels is None:
        levels = levels_of(articles, annotations)
    if sources is None:
        sources = mention_sources(groups, articles, annotations, levels=levels)
    kinds = _kinds(annotations)
    up = graph.upstream()
    same_text = _reuse_components(graph)
    party = _story_parties(
        graph, annotations, sorted({s for s, _ in sources.values() if s is not None})
    )
    node_kind = {n.id: n.kind for n in graph.nodes}
    out = []
    for g in groups:
        named: dict[str, list[str]] = defaultdict(list)  # article → its roots
        pending: list[Mention] = []  # counted mentions with no source
        for m in g.mentions:
            kind = kinds.get((m.article, m.sentence), m.kind)
            if kind == "commentary" or m.article not in by_id:
                continue
            source, _ = sources.get((m.article, m.start), (None, "none"))
            if source is None:
                pending.append(m)
                continue
            for root in _follow(source_node(source), up):
                label = party.get(root, root)
                if label not in named[m.article]:
                    named[m.article].append(label)
        carriers = {m.article for m in g.mentions}
        _through_cited_carriers(named, carriers, by_id)
        derived: list[str] = _relays_are_not_roots(named, node_kind)
        derived += _unnamed_are_not_roots(named, node_kind)
        _unnamed_are_one(named, node_kind)
        _un_agencies_are_one(named, node_kind)
        told = {m.article: m for m in g.mentions if m.article in named}
        _outlets_without_access_are_one(named, node_kind, by_id, told)
        unknown: list[str] = []
        own: dict[str, str] = {}
        own_in: dict[str, str] = {}  # own-reporting root -> its article
        for m in pending:
            aid = m.article
            if aid in named or aid in derived or aid in unknown:
                continue  # the article carries the claim attributed elsewhere
            if named or _copies_a_carrier(aid, carriers, up, same_text):
                derived.append(aid)
            elif why := _own_access(by_id[aid], m):
                label = _own_label(by_id[aid], why)
                own[label], own_in[label] = why, aid
            elif why := _earliest(aid, carriers, by_id, up):
                label = f"{by_id[aid].label} (own reporting)"
                own[label], own_in[label] = why, aid
            else:
                unknown.append(aid)
        # Named roots are source nodes (an unattributed mention never starts a
        # walk any more); own reporting is labelled where it is found.
        ends = list(dict.fromkeys(r for rs in named.values() for r in rs))
        roots = [r.removeprefix("source:") for r in ends]
        labels = tuple(dict.fromkeys([*roots, *own]))
        unnamed = tuple(r.removeprefix("source:") for r in ends if _unnamed(r, node_kind))
        roots_of: dict[str, set[str]] = {
            aid: {r.removeprefix("source:") for r in rs} for aid, rs in named.items()
        }
        for label, aid in own_in.items():
            roots_of.setdefault(aid, set()).add(label)
        counted = set(labels) - set(unnamed)
        agree = any(
            ra != rb
            for a, b in g.agreeing
            for ra in roots_of.get(a, set()) & counted
            for rb in roots_of.get(b, set()) & counted
        )
        out.append(
            replace(
                g,
                roots=labels,
                attributed=bool(labels),
                derived=tuple(derived),
                unknown=tuple(unknown),
                evidence=tuple(own.items()),
                unnamed=unnamed,
                roots_agree=agree,
            )
        )
    return out


def _unnamed_are_not_roots(named: dict[str, list[str]], node_kind: Mapping[str, str]) -> list[str]:
    """Where a claim has a named source (a person, a body, a document), an
    unnamed one beside it ("officials", "Russian officials", "an
    investigator") cannot be shown to be someone else: it is most likely the
    named one or its people, so it is no second root (in place). Articles left
    with no root are returned, as derived. Unnamed sources stay roots where the
    claim has no named one (they are then one root together, which cannot
    confirm it: :func:`_unnamed_are_one`, C3-anonymous)."""
    everything = {r for rs in named.values() for r in rs}
    if not any(node_kind.get(r) != "outlet" and not _unnamed(r, node_kind) for r in everything):
        return []
    return _drop_roots(named, lambda r: _unnamed(r, node_kind))


def _unnamed_are_one(named: dict[str, list[str]], node_kind: dict[str, str]) -> None:
    """Where a claim names no one, its unnamed sources ("officials",
    "authorities", "a senior police official") cannot be told apart: most
    likely they are the same people, so they are one root together, labelled
    with every description (in place). Circular reporting, not corroboration,
    is what two outlets' "officials said" shows until a name says otherwise."""
    everything = {r for rs in named.values() for r in rs}
    unnamed = sorted(r for r in everything if _unnamed(r, node_kind))
    if len(unnamed) < 2 or len(unnamed) < len(everything):
        return
    _join_roots(named, node_kind, unnamed, "unnamed; may be one source", "other")


def _un_agencies_are_one(named: dict[str, list[str]], node_kind: dict[str, str]) -> None:
    """The UN and its agencies among a claim's roots are one root (in place):
    an agency's count relayed as "the UN says", or a UN report citing the
    WMO, is not a second, independent source. They are shown together."""
    everything = sorted({r for rs in named.values() for r in rs})
    family = [r for r in everything if _un_name(r)]
    if len(family) >= 2:
        why = "the UN and its agencies: one organisation"
        _join_roots(named, node_kind, family, why, "organisation")


def _un_name(node: str) -> bool:
    return node.removeprefix("source:").removesuffix(" document") in UN_FAMILY


def _join_roots(
    named: dict[str, list[str]],
    node_kind: dict[str, str],
    roots: Sequence[str],
    why: str,
    kind: str,
) -> None:
    """Replace ``roots`` by one root labelled with all their names and ``why`` (in place)."""
    names = [r.removeprefix("source:") for r in roots]
    joint = f"source:{' / '.join(names)} ({why})"
    node_kind[joint] = kind
    for aid, rs in named.items():
        named[aid] = list(dict.fromkeys(joint if r in roots else r for r in rs))


#: Words that describe a source without naming it: "Authorities", "the
#: document", "officials", "local sources". A source named only with these is
#: unnamed, whatever kind the parser gave it.
DESCRIPTIONS = frozenset(
    {
        "the", "a", "an", "some", "several", "many", "other", "these", "those", "its", "their",
        "authorities", "authority", "officials", "official", "sources", "source", "investigators",
        "investigator", "experts", "expert", "analysts", "analyst", "witnesses", "witness",
        "residents", "people", "document", "documents", "report", "reports", "memo", "statement",
        "files", "papers", "letter", "local", "senior", "unnamed", "anonymous", "government",
        "police", "agency", "ministry", "department", "spokesman", "spokeswoman", "spokesperson",
    }
)  # fmt: skip


#: Heads of a collective description: whatever place or nationality comes
#: before them ("Hong Kong authorities", "Chinese officials"), they name no one.
COLLECTIVE = frozenset(
    {"authorities", "officials", "sources", "investigators", "experts", "analysts", "witnesses",
     "residents", "diplomats", "insiders", "observers"}
)  # fmt: skip


def _unnamed(node: str, node_kind: Mapping[str, str]) -> bool:
    """A root that does not name anyone: an "other" source ("investigator",
    "internal US government communications"), or a name made only of
    describing words and titles ("Authorities", "the document", "senior
    officer"): a title alone names no one."""
    name = node.removeprefix("source:")
    if node_kind.get(node) in (None, "other") and not _proper_name(name):
        return True
    words = re.findall(r"[\w'’-]+", name.casefold().replace(".", ""))
    if words and words[-1] in COLLECTIVE:
        return True  # "Hong Kong authorities", "Russian officials": a place names no one
    last = re.findall(r"[\w'’-]+", name)[-1:] if name else []
    if last and last[0].islower() and last[0].endswith("s") and not last[0].endswith("ss"):
        return True  # "Japan and U.S. seismologists", "local doctors": a group, unnamed
    head = last[0].casefold() if last else ""
    if last and last[0].isalpha() and last[0].islower() and head not in DOCUMENT_WORDS:
        # A description ends in a common noun: "the troubled bank", "the
        # embattled Swiss bank", "a private company", "the city's security
        # chief" (English writes a name's head in capitals). A public body
        # said with what it is for is that body ("Hong Kong police", "Russia's
        # civil aviation authority"); bare, it is no one ("the military").
        modified = any(w not in DESCRIPTIONS for w in words[:-1])
        return not (head in INSTITUTIONS and modified)
    return bool(words) and all(w in DESCRIPTIONS or w in TITLES for w in words)


#: Heads of public bodies: with a place or a purpose they name that one body
#: ("Hong Kong police", "Nepal army", "the Greek coast guard", "Russia's civil
#: aviation authority").
INSTITUTIONS = frozenset(
    {"police", "army", "military", "navy", "guard", "coastguard", "government", "forces",
     "force", "service", "services", "parliament", "cabinet", "presidency", "junta",
     "ministry", "court", "prosecutors", "office", "authority", "authorities", "agency",
     "commission", "committee", "department", "bureau", "council", "board", "institute",
     "organisation", "organization", "center", "centre", "administration", "regulator"}
)  # fmt: skip

_LINKS = frozenset({"the", "of", "for", "a", "an", "and", "in", "at", "on", "to", "from"})


def _proper_name(name: str) -> bool:
    """A name in capitals, titles apart: "Secretary for Security Chris Tang"
    and "Greek PM Kyriakos Mitsotakis" name someone whatever kind the parser
    gave them; "Another woman", "data from the National Fire Protection
    Association" and "head of the West Sumatra rescue agency" do not."""
    words = [w for w in re.findall(r"[\w'’-]+", name.replace(".", "")) if w not in _LINKS]
    if len(words) < 2 or not all(w[:1].isupper() or w.casefold() in TITLES for w in words):
        return False
    return any(
        w[:1].isupper() and w.casefold() not in DESCRIPTIONS and w.casefold() not in TITLES
        for w in words[1:]
    )


def _relays_are_not_roots(named: dict[str, list[str]], node_kind: Mapping[str, str]) -> list[str]:
    """When a person, a body or a document is a source of the claim, an outlet
    named as a source of it relays that party ("the White House said, Reuters
    reported"), unless shown otherwise: outlets are dropped from the roots (in
    place), and articles left with no root are returned, as derived. Outlets
    stay roots where they are the only kind of source the claim has."""
    everything = {r for rs in named.values() for r in rs}
    if all(node_kind.get(r) == "outlet" for r in everything):
        return []
    return _drop_roots(named, lambda r: node_kind.get(r) == "outlet")


def _outlets_without_access_are_one(
    named: dict[str, list[str]],
    node_kind: dict[str, str],
    by_id: Mapping[str, Article],
    told: Mapping[str, Mention],
) -> None:
    """Where outlets are the only sources of a claim ("…, the AP reports";
    a Reuters article), each is a root only with evidence of its own access
    in the paragraph that cites it ("told Reuters", "AP has learned"); the
    others re-tell what someone they do not name told them (the police who
    made the arrests), most likely the same someone: they are one root
    together, labelled with every outlet (in place)."""
    everything = {r for rs in named.values() for r in rs}
    if not everything or any(node_kind.get(r) != "outlet" for r in everything):
        return
    unshown = sorted(
        {
            r
            for aid, rs in named.items()
            for r in rs
            if aid in told and aid in by_id and _own_access(by_id[aid], told[aid]) is None
        }
    )
    if len(unshown) < 2:
        return
    _join_roots(named, node_kind, unshown, "news reports; their source unnamed", "outlet")


def _drop_roots(named: dict[str, list[str]], drop: Callable[[str], bool]) -> list[str]:
    """Remove the roots ``drop`` picks from every article (in place); return
    the articles left with none."""
    emptied = []
    for aid in list(named):
        kept = [r for r in named[aid] if not drop(r)]
        if kept:
            named[aid] = kept
        else:
            del named[aid]
            emptied.append(aid)
    return emptied


def _through_cited_carriers(
    named: dict[str, list[str]], carriers: set[str], by_id: Mapping[str, Article]
) -> None:
    """An outlet cited as the source ("according to TASS") that is itself a
    carrier in the story, attributing the claim to its own sources: its
    sources are the roots, the outlet only relayed them (in place)."""
    outlet_of = {by_id[c].label.casefold(): c for c in sorted(carriers) if c in by_id}
    for _ in range(3):  # outlets citing outlets citing outlets
        changed = False
        for aid, roots in named.items():
            expanded: list[str] = []
            for r in roots:
                cited = outlet_of.get(r.removeprefix("source:").casefold())
                upstream = named.get(cited, []) if cited not in (None, aid) else []
                for x in upstream or [r]:
                    if x not in expanded:
                        expanded.append(x)
                changed |= bool(upstream)
            named[aid] = expanded
        if not changed:
            return


def _story_parties(
    graph: Graph, annotations: Mapping[str, Annotation], also: Sequence[str] = ()
) -> dict[str, str]:
    """Graph source nodes → the node that stands for their party (see
    ``parties``). ``also``: further names mentions are attributed to (a
    quote's speaker, who may have no attribution of their own)."""
    nodes = [n for n in graph.nodes if n.id.startswith("source:")]
    names = [n.id.removeprefix("source:") for n in nodes]
    names += [n for n in also if n not in names]
    kinds = {n.id.removeprefix("source:"): n.kind for n in nodes}
    written: dict[str, list[str]] = defaultdict(list)
    for ann in annotations.values():
        for a in ann.attributions:
            if a.mention not in written[a.source]:
                written[a.source].append(a.mention)
    resolved = parties(names, written, kinds)
    return {source_node(n): source_node(p) for n, p in resolved.items() if n != p}


def _copies_a_carrier(
    aid: str, carriers: set[str], up: Mapping[str, list[str]], same_text: Mapping[str, str]
) -> bool:
    """Whether the article reuses the text of another article carrying the claim
    (directed reuse upstream, or shared text whose direction is unknown)."""
    node = article_node(aid)
    upstream = {o.removeprefix("article:") for o in _follow(node, up)} - {aid}
    if upstream & carriers:
        return True
    component = same_text.get(node)
    return component is not None and any(
        same_text.get(article_node(c)) == component and c < aid for c in carriers if c != aid
    )


#: Words in a paragraph that show an outlet had access of its own: its
#: reporter at the scene, an interview it held, what it has learned or
#: obtained, an exclusive. Other outlets only re-tell.
_NAME = r"(?:the\s+)?[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){0,3}"
OWN_ACCESS = re.compile(
    rf"(?P<o1>{_NAME})\s+(?:has|have)\s+(?:learned|obtained|reviewed|verified)\b"
    r"|\b(?:we|our\s+(?:reporters?|correspondents?|newsroom))\s+(?:have\s+|has\s+)?"
    r"(?:learned|obtained|reviewed|verified|seen|witnessed)\b"
    rf"|\b(?:in|during)\s+an?\s+(?:exclusive\s+)?interview\s+with\s+(?P<o2>{_NAME})"
    rf"|\btold\s+(?P<o3>{_NAME})"
    r"|\b(?:EXCLUSIVE|Exclusive)\b"
    r"|\b(?:our|this)\s+(?:reporter|correspondent|newspaper|station|crew)\b"
    r"|\b(?:reporter|correspondent|crew|photographer)s?\s+(?:at|on)\s+the\s+scene\b"
)


def _own_access(article: Article, m: Mention) -> str | None:
    """The words of the mention's paragraph that show its outlet's own access:
    an outlet that has learned, obtained or reviewed something, was told it,
    or held the interview; the newsroom's own reporters; an exclusive."""
    start = article.text.rfind("\n", 0, m.start) + 1
    end = article.text.find("\n", m.end)
    paragraph = article.text[start : end if end >= 0 else len(article.text)]
    for found in OWN_ACCESS.finditer(paragraph):
        outlet = found.group("o1") or found.group("o2") or found.group("o3")
        # "NTSB has obtained", "told Congress" are not an outlet's access.
        if outlet is not None and _outlet_named(outlet) is None:
            continue
        return found.group(0)
    return None


def _outlet_named(words: str) -> str | None:
    """The outlet a few capitalised words name ("CNN", "The Post"?), else None."""
    name, kind = canonical_source(words)
    return name if kind == "outlet" else None


def _own_label(article: Article, why: str) -> str:
    """Whose own reporting: the outlet told ("told CNN"), else the article's."""
    found = OWN_ACCESS.search(why)
    outlet = found and (found.group("o1") or found.group("o2") or found.group("o3"))
    name = _outlet_named(outlet) if outlet else None
    return f"{name or article.label} (own reporting)"


def _later(a: str, b: str) -> bool:
    """Whether ISO time ``a`` is after ``b``: to the second when both give a
    time, else by day (a date alone says nothing about the hour)."""
    if len(a) > 10 and len(b) > 10:
        return a > b
    return a[:10] > b[:10]


def _earliest(
    aid: str, carriers: set[str], by_id: Mapping[str, Article], up: Mapping[str, list[str]]
) -> str | None:
    """The evidence that the article first reported the claim: it is dated,
    every other carrier is dated later, and it reuses no other article."""
    published = by_id[aid].published
    others = [by_id[c].published for c in carriers if c != aid and c in by_id]
    if not published or not others or any(not p or not _later(p, published) for p in others):
        return None
    if _follow(article_node(aid), up) != [article_node(aid)]:
        return None
    return f"earliest report ({published[:10]}); nothing upstream"


def _follow(start: str, up: Mapping[str, list[str]]) -> list[str]:
    """End points reachable upstream from ``start`` (itself if nothing is upstream).

    A node is an end point when it has no upstream edge of its own type; in a
    cycle with no way out, ``start`` stands for the whole cycle.
    """
    ends: list[str] = []
    seen = {start}
    stack = [start]
    while stack:
        node = stack.pop()
        nxt = [n for n in up.get(node, []) if _is_upstream_edge(node, n)]
        if not nxt:
            if node not in ends:
                ends.append(node)
            continue
        for n in nxt:
            if n not in seen:
                seen.add(n)
                stack.append(n)
    return ends or [start]


#: The claim page lists at most this many paths to a mention's roots ...
MAX_PATHS = 12
#: ... each at most this many steps long.
MAX_PATH_LENGTH = 10


def root_paths(
    graph: Graph,
    article: str,
    source: str | None,
    *,
    max_paths: int = MAX_PATHS,
    max_length: int = MAX_PATH_LENGTH,
) -> list[list[tuple[str, str | None]]]:
    """Paths from a mention's article to the ends upstream of it, as
    ``(node id, kind of the edge that led there)`` steps.

    A mention with a source starts at that source and follows sources to
    sources; one without follows text reuse from article to article: the
    edges :func:`claim_roots` follows (``_is_upstream_edge``), step by step.
    """
    up: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for e in graph.edges:
        if e.directed:
            up[e.source].append((e.target, e.kind))
    begin: list[tuple[str, str | None]] = [(article_node(article), None)]
    if source:
        begin.append((source_node(source), "attributes_to"))
    paths: list[list[tuple[str, str | None]]] = []
    stack = [begin]
    while stack and len(paths) < max_paths:
        path = stack.pop()
        here = path[-1][0]
        seen = {node for node, _ in path}
        nxt = [(t, k) for t, k in up.get(here, []) if _is_upstream_edge(here, t) and t not in seen]
        if not nxt or len(path) >= max_length:
            paths.append(path)
            continue
        for t, k in reversed(nxt):
            stack.append([*path, (t, k)])
    return paths


def _is_upstream_edge(node: str, target: str) -> bool:
    # Sources lead to sources, articles (by reuse) to articles: an article's
    # attributions are used once, when a mention is mapped to its source.
    return node.split(":", 1)[0] == target.split(":", 1)[0]


def _reuse_components(graph: Graph) -> dict[str, str]:
    """Articles joined by undirected reuse: each maps to the component's first id."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for e in graph.edges:
        if e.kind == "reuses" and not e.directed:
            a, b = find(e.source), find(e.target)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {n: find(n) for n in list(parent)}
