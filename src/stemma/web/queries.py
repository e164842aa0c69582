"""Read functions behind every page and every ``/api`` route.

Each function takes an open :class:`~stemma.store.db.Store` and returns a plain,
JSON-ready dict (or ``None`` when the thing asked for does not exist). The
HTML pages render exactly these dicts, and the JSON API returns them as they
are, so the two can never disagree.

Story-level analysis is read from the brief entry the pipeline stored per
story (``Store.story_entries``); per-article facts (quotes, entities, dates,
removed spans) come straight from the tables with SQL restricted to the
articles asked for, so a page costs the same whatever the size of the store.

The one pure helper here, :func:`segments`, cuts a text into runs of
characters that share the same highlights, which is how overlapping spans
(an entity inside a quote inside a hedged sentence) are shown without
nesting tags across each other.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from stemma.analysis import roots
from stemma.model import Graph, outlet_label
from stemma.report.matrix import claim_matrix, story_checks, story_threads, thread_name
from stemma.settings import CONFIRM_AGREEMENT
from stemma.store.db import Store

#: Article and story ids are 16 hex digits, claim ids 12; anything else is
#: refused before it reaches SQL.
ID_PATTERN = r"^[0-9a-f]{8,64}$"
_ID = re.compile(ID_PATTERN)

#: Entity labels worth showing as a story's "top entities": named things, not
#: dates, numbers or quantities (those are in the timeline and the claims).
TOP_ENTITY_LABELS = ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "LAW")

#: How many top entities the stories list shows per story.
TOP_ENTITIES = 5

#: Characters of article text shown either side of a claim's sentence on the
#: claim page: about a paragraph, enough to judge the sentence in context.
CONTEXT_CHARS = 400

#: Search results kept per kind (titles, claims, quotes): a page, not a dump.
SEARCH_LIMIT = 50


def valid_id(value: str) -> bool:
    return bool(_ID.match(value))


# -- stories ----------------------------------------------------------------------


def stories(store: Store, query: str | None = None) -> dict[str, Any]:
    """Every story with its counts; with ``query``, only stories matching it,
    and the titles, claims and quotes that matched."""
    con = store.con
    rows = con.execute(
        """
        WITH members AS (
            SELECT s.story, s.article, s.title AS story_title, a.outlet, a.published
            FROM stories s JOIN articles a ON a.id = s.article
        ), counted AS (
            SELECT story, any_value(story_title) AS story_title,
                   count(DISTINCT article) AS articles,
                   count(DISTINCT coalesce(outlet, article)) AS outlets,
                   min(published) AS first_published, max(published) AS last_published
            FROM members GROUP BY story
        ), claimed AS (
            SELECT story, count(*) AS claims,
                   count(*) FILTER (WHERE independent_roots >= 2 AND kind <> 'commentary')
                       AS two_or_more_roots,
                   count(*) FILTER (WHERE discrepancies <> '[]') AS with_discrepancies,
                   count(*) FILTER (WHERE single_article AND NOT attributed
                                    AND kind <> 'commentary') AS single_article_unattributed
            FROM claims GROUP BY story
        ), first_seen AS (
            SELECT story, min(rowid) AS first FROM stories GROUP BY story
        )
        SELECT c.story, coalesce(json_extract_string(r.data, '$.title'), c.story_title),
               c.articles, c.outlets, c.first_published, c.last_published,
               coalesce(l.claims, 0), coalesce(l.two_or_more_roots, 0),
               coalesce(l.with_discrepancies, 0), coalesce(l.single_article_unattributed, 0)
        FROM counted c
        JOIN first_seen f USING (story)
        LEFT JOIN claimed l USING (story)
        LEFT JOIN story_results r USING (story)
        ORDER BY c.articles DESC, f.first
        """
    ).fetchall()
    entities = _top_entities(store)
    out = [
        {
            "id": r[0],
            "title": r[1],
            "articles": int(r[2]),
            "outlets": int(r[3]),
            "first_published": r[4],
            "last_published": r[5],
            "claims": int(r[6]),
            "two_or_more_roots": int(r[7]),
            "with_discrepancies": int(r[8]),
            "single_article_unattributed": int(r[9]),
            "top_entities": entities.get(r[0], []),
        }
        for r in rows
    ]
    matches: list[dict[str, Any]] = []
    query = (query or "").strip()
    if query:
        matches = search(store, query)
        hit = {m["story"] for m in matches}
        out = [s for s in out if s["id"] in hit]
    return {
        "query": query or None,
        "stories": out,
        "matches": matches,
        "unassigned": _unassigned(store),
    }


def _top_entities(store: Store) -> dict[str, list[dict[str, Any]]]:
    rows = store.con.execute(
        f"""
        SELECT s.story, e.label, any_value(e.text) AS text,
               count(DISTINCT e.article) AS articles, count(*) AS n
        FROM entities e JOIN stories s ON s.article = e.article
        WHERE e.label IN ({", ".join("?" for _ in TOP_ENTITY_LABELS)})
        GROUP BY s.story, e.label, lower(e.text)
        QUALIFY row_number() OVER (
            PARTITION BY s.story ORDER BY articles DESC, n DESC, lower(e.text)) <= ?
        ORDER BY s.story, articles DESC, n DESC
        """,
        [*TOP_ENTITY_LABELS, TOP_ENTITIES],
    ).fetchall()
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for story, label, text, articles, n in rows:
        out[story].append({"text": text, "label": label, "articles": int(articles), "count": n})
    return dict(out)


def _unassigned(store: Store) -> list[dict[str, Any]]:
    """Articles in no story (not English, or not analysed yet)."""
    rows = store.con.execute(
        """
        SELECT a.id, a.title, a.outlet, a.path, a.language FROM articles a
        WHERE a.id NOT IN (SELECT article FROM stories) ORDER BY a.rowid
        """
    ).fetchall()
    keys = ("id", "title", "outlet", "path", "language")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def search(store: Store, query: str) -> list[dict[str, Any]]:
    """Story titles, article titles, claims and quotes containing ``query``
    (case-insensitive), each with the story it belongs to."""
    # ILIKE's wildcards in the user's text are matched literally.
    pattern = "%" + re.sub(r"([\\%_])", r"\\\1", query) + "%"
    con = store.con
    found: list[dict[str, Any]] = []
    for story, title in con.execute(
        "SELECT story, json_extract_string(data, '$.title') AS t FROM story_results "
        "WHERE t ILIKE ? ESCAPE '\\' LIMIT ?",
        [pattern, SEARCH_LIMIT],
    ).fetchall():
        found.append({"kind": "story", "story": story, "text": title})
    for story, aid, title in con.execute(
        "SELECT s.story, a.id, a.title FROM articles a JOIN stories s ON s.article = a.id "
        "WHERE a.title ILIKE ? ESCAPE '\\' LIMIT ?",
        [pattern, SEARCH_LIMIT],
    ).fetchall():
        found.append({"kind": "article", "story": story, "article": aid, "text": title})
    # A claim matches when any of its mentions does (its representative
    # wording may be another outlet's); the matching wording is shown.
    for story, cid, text, claim_text in con.execute(
        "SELECT m.story, m.claim, min(m.text), any_value(c.text) FROM mentions m "
        "JOIN claims c ON c.story = m.story AND c.id = m.claim "
        "WHERE m.text ILIKE ? ESCAPE '\\' GROUP BY m.story, m.claim "
        "ORDER BY m.story, m.claim LIMIT ?",
        [pattern, SEARCH_LIMIT],
    ).fetchall():
        found.append(
            {"kind": "claim", "story": story, "claim": cid, "text": text, "claim_text": claim_text}
        )
    for story, aid, speaker, text in con.execute(
        "SELECT s.story, q.article, q.speaker, q.text FROM quotes q "
        "JOIN stories s ON s.article = q.article "
        "WHERE q.text ILIKE ? ESCAPE '\\' OR q.speaker ILIKE ? ESCAPE '\\' LIMIT ?",
        [pattern, pattern, SEARCH_LIMIT],
    ).fetchall():
        found.append(
            {"kind": "quote", "story": story, "article": aid, "speaker": speaker, "text": text}
        )
    return found


# -- one story ----------------------------------------------------------------------


def story(store: Store, story_id: str) -> dict[str, Any] | None:
    """One story: what to check first, the claim × article matrix, the
    provenance graph with the sentences behind each node, quotes by speaker,
    the timeline."""
    entries = store.story_entries([story_id])
    if not entries:
        return None
    entry = entries[0]
    ids = list(entry["articles"])
    articles = _articles_meta(store, ids)
    checks = story_checks(entry)
    matrix = claim_matrix(entry)
    return {
        "id": entry["id"],
        "title": entry["title"],
        "summary": entry["summary"],
        "bottom_line": entry.get("bottom_line"),
        "articles": articles,
        "checks": checks,
        "threads": story_threads(entry, _thread_names(store, articles)),
        "matrix": {"columns": [a["id"] for a in articles], "rows": matrix["rows"]},
        "graph": entry["graph"],
        "node_sentences": _node_sentences(entry["graph"], {a["id"]: a for a in articles}),
        "reuse": entry["reuse"],
        "quotes": _quotes_by_speaker(store, ids),
        "timeline": _timeline(store, ids),
    }


def _thread_names(store: Store, articles: Sequence[dict[str, Any]]) -> dict[str, str | None]:
    """Each article's title, or its first sentence of six words or more."""
    untitled = [a["id"] for a in articles if not a["title"]]
    sentences: dict[str, list[str]] = {}
    for article, text in store.con.execute(
        "SELECT article, text FROM sentences WHERE idx < 8 AND list_contains(?, article) "
        "ORDER BY article, idx",
        [untitled],
    ).fetchall():
        sentences.setdefault(article, []).append(text)
    return {a["id"]: thread_name(a["title"], sentences.get(a["id"], ())) for a in articles}


def _articles_meta(store: Store, ids: Sequence[str]) -> list[dict[str, Any]]:
    rows = store.con.execute(
        """
        SELECT id, title, outlet, published, url, author, language, path, source_format
        FROM articles WHERE list_contains(?, id)
        """,
        [list(ids)],
    ).fetchall()
    keys = ("id", "title", "outlet", "published", "url", "author", "language", "path", "format")
    by_id = {r[0]: dict(zip(keys, r, strict=True)) for r in rows}
    out = []
    for aid in ids:
        if aid in by_id:
            a = by_id[aid]
            a["label"] = label(a)
            out.append(a)
    return out


def label(article: Mapping[str, Any]) -> str:
    """How an article is named on the page: as the brief's matrix names it."""
    return outlet_label(article.get("outlet"), article.get("path"), str(article["id"]))


def _node_sentences(
    graph: Mapping[str, Any], articles: Mapping[str, Mapping[str, Any]]
) -> dict[str, list[dict[str, str]]]:
    """node id → the sentences behind its edges (what the page shows on a click)."""
    labels = {n["id"]: n["label"] for n in graph["nodes"]}
    out: dict[str, list[dict[str, str]]] = defaultdict(list)
    for e in graph["edges"]:
        kind = str(e["kind"]).replace("_", " ")
        for text in e["evidence"]:
            sentence = " ".join(str(text).split())
            src, dst = labels.get(e["source"], e["source"]), labels.get(e["target"], e["target"])
            out[e["source"]].append({"text": sentence, "edge": f"{kind} {dst}"})
            out[e["target"]].append({"text": sentence, "edge": f"{src} {kind}"})
    for aid, a in articles.items():
        node = f"article:{aid}"
        if a.get("title"):
            out[node].insert(0, {"text": str(a["title"]), "edge": "title"})
    return dict(out)


def _quotes_by_speaker(store: Store, ids: Sequence[str]) -> list[dict[str, Any]]:
    rows = store.con.execute(
        """
        SELECT article, sentence, text, speaker, cue, start, "end" FROM quotes
        WHERE list_contains(?, article) ORDER BY article, start
        """,
        [list(ids)],
    ).fetchall()
    groups: dict[str, dict[str, Any]] = {}
    for article, sentence, text, speaker, cue, start, end in rows:
        name = " ".join(str(speaker).split()) if speaker else None
        key = name.casefold().removeprefix("the ") if name else ""
        group = groups.setdefault(key, {"speaker": name, "quotes": []})
        group["quotes"].append(
            {
                "article": article,
                "sentence": sentence,
                "text": text,
                "cue": cue,
                "start": start,
                "end": end,
            }
        )
    # Most-quoted speakers first; quotes nobody is credited with last.
    return sorted(groups.values(), key=lambda g: (g["speaker"] is None, -len(g["quotes"])))


def _timeline(store: Store, ids: Sequence[str]) -> list[dict[str, Any]]:
    rows = store.con.execute(
        """
        SELECT t.value, t.granularity, t.anchored, t.text, t.article, t.sentence, s.text
        FROM timerefs t LEFT JOIN sentences s ON s.article = t.article AND s.idx = t.sentence
        WHERE list_contains(?, t.article)
        ORDER BY t.value NULLS LAST, t.article, t.start
        """,
        [list(ids)],
    ).fetchall()
    keys = ("date", "granularity", "anchored", "expression", "article", "sentence", "text")
    return [dict(zip(keys, r, strict=True)) for r in rows]


# -- one claim ----------------------------------------------------------------------


def claim(store: Store, story_id: str, claim_id: str) -> dict[str, Any] | None:
    """A claim with every mention in context, the paths to its roots, its grade."""
    entries = store.story_entries([story_id])
    if not entries:
        return None
    entry = entries[0]
    found = next((c for c in entry["claims"] if c["id"] == claim_id), None)
    if found is None:
        return None
    ids = list(dict.fromkeys(m["article"] for m in found["mentions"]))
    meta = {a["id"]: a for a in _articles_meta(store, ids)}
    texts = dict(
        store.con.execute(
            "SELECT id, text FROM articles WHERE list_contains(?, id)", [ids]
        ).fetchall()
    )
    graph = entry["graph"]
    mentions = []
    for m in found["mentions"]:
        text = texts.get(m["article"], "")
        before, after = _context(text, m["start"], m["end"])
        mentions.append(
            {
                **m,
                "article_label": meta[m["article"]]["label"] if m["article"] in meta else "?",
                "article_title": meta.get(m["article"], {}).get("title"),
                "before": before,
                "after": after,
                "paths": root_paths(graph, m["article"], m.get("source")),
            }
        )
    return {
        "story": {"id": entry["id"], "title": entry["title"]},
        **{k: v for k, v in found.items() if k != "mentions"},
        "mentions": mentions,
        "confirm_agreement": CONFIRM_AGREEMENT,  # the bar for "confirmed", shown beside it
    }


def _context(text: str, start: int, end: int) -> tuple[str, str]:
    """About a paragraph of text before and after ``text[start:end]``, cut at spaces."""
    lo = max(0, start - CONTEXT_CHARS)
    hi = min(len(text), end + CONTEXT_CHARS)
    before, after = text[lo:start], text[end:hi]
    if lo > 0:
        before = "…" + before.split(" ", 1)[-1]
    if hi < len(text):
        after = after.rsplit(" ", 1)[0] + "…"
    return before, after


def root_paths(
    graph: Mapping[str, Any], article: str, source: str | None
) -> list[list[dict[str, Any]]]:
    """Paths from a mention's article to the ends upstream of it, each step
    with its node's label and kind (the walk is ``roots.root_paths``)."""
    g = Graph.from_dict(graph)
    nodes = {n.id: n for n in g.nodes}
    return [
        [
            {
                "node": node,
                "via": via,
                "label": nodes[node].label if node in nodes else node.split(":", 1)[-1],
                "kind": nodes[node].kind if node in nodes else "other",
            }
            for node, via in path
        ]
        for path in roots.root_paths(g, article, source)
    ]


# -- one article ----------------------------------------------------------------------


def article(store: Store, article_id: str) -> dict[str, Any] | None:
    """An article: cleaned text with highlight spans, removed spans, sentences,
    the stories and claims it is part of."""
    con = store.con
    rows = con.execute(
        """
        SELECT id, path, title, outlet, outlet_evidence, published, url, author, language,
               source_format, text, raw_text FROM articles WHERE id = ?
        """,
        [article_id],
    ).fetchall()
    if not rows:
        return None
    keys = (
        "id", "path", "title", "outlet", "outlet_evidence", "published", "url", "author",
        "language", "format", "text", "raw_text",
    )  # fmt: skip
    a: dict[str, Any] = dict(zip(keys, rows[0], strict=True))
    a["label"] = label(a)

    def fetch(sql: str) -> list[tuple[Any, ...]]:
        return con.execute(sql, [article_id]).fetchall()

    a["removed"] = [
        {"start": s, "end": e, "text": t, "reason": r}
        for s, e, t, r in fetch(
            'SELECT start, "end", text, reason FROM removed WHERE article = ? ORDER BY start'
        )
    ]
    sentences = [
        {
            "index": i,
            "start": s,
            "end": e,
            "kind": k,
            "source": src,
            "hedges": json.loads(h) if isinstance(h, str) else [],
        }
        for i, s, e, k, src, h in fetch(
            'SELECT idx, start, "end", kind, source, hedges FROM sentences '
            "WHERE article = ? ORDER BY idx"
        )
    ]
    spans: list[dict[str, Any]] = []
    for _text, s, e, speaker, cue in fetch(
        'SELECT text, start, "end", speaker, cue FROM quotes WHERE article = ? ORDER BY start'
    ):
        who = f"quote: {speaker or 'speaker unknown'}" + (f" ({cue})" if cue else "")
        spans.append({"start": s, "end": e, "kind": "quote", "title": who})
    attributions = []
    for src, mention, s, e, cue, skind, cs, ce in fetch(
        'SELECT source, mention, start, "end", cue, source_kind, cue_start, cue_end '
        "FROM attributions WHERE article = ? ORDER BY start"
    ):
        attributions.append({"source": src, "mention": mention, "cue": cue, "kind": skind})
        spans.append({"start": s, "end": e, "kind": "source", "title": f"source: {src} ({skind})"})
        if cs is not None and ce is not None:
            spans.append({"start": cs, "end": ce, "kind": "cue", "title": f"cue: {cue}"})
    for sent in sentences:
        for h in sent["hedges"]:
            spans.append({"start": h["start"], "end": h["end"], "kind": "hedge", "title": "hedge"})
    for _text, lab, s, e in fetch(
        'SELECT text, label, start, "end" FROM entities WHERE article = ? ORDER BY start'
    ):
        spans.append({"start": s, "end": e, "kind": "entity", "label": lab, "title": lab})
    for _text, s, e, value in fetch(
        'SELECT text, start, "end", value FROM timerefs WHERE article = ? ORDER BY start'
    ):
        spans.append(
            {"start": s, "end": e, "kind": "date", "title": f"date: {value or 'unresolved'}"}
        )
    a["sentences"] = sentences
    a["spans"] = spans
    a["attributions"] = attributions
    a["stories"] = [
        {"id": sid, "title": title}
        for sid, title in fetch(
            "SELECT s.story, json_extract_string(r.data, '$.title') FROM stories s "
            "LEFT JOIN story_results r USING (story) WHERE s.article = ?"
        )
    ]
    a["claims"] = [
        {"story": st, "claim": cid, "sentence": sent, "text": text}
        for st, cid, sent, text in fetch(
            "SELECT m.story, m.claim, m.sentence, c.text FROM mentions m "
            "JOIN claims c ON c.story = m.story AND c.id = m.claim "
            "WHERE m.article = ? ORDER BY m.start"
        )
    ]
    return a


def segments(
    text: str, spans: Iterable[Mapping[str, Any]], marks: Iterable[tuple[int, int]] = ()
) -> list[dict[str, Any]]:
    """Cut ``text`` into runs that share the same set of spans.

    Returns ``{"text", "classes", "titles", "anchor"}`` dicts in order: the
    page wraps each run in one element carrying every class active over it,
    so overlapping spans never need crossing tags. ``marks`` are extra
    ranges (a sentence to highlight) shown with the class ``mark``; an
    ``anchor`` is set on the run where a span of kind ``sentence`` starts.
    """
    n = len(text)
    items = [
        (max(0, int(s["start"])), min(n, int(s["end"])), s)
        for s in spans
        if s.get("start") is not None and s.get("end") is not None
    ]
    items += [(max(0, a), min(n, b), {"kind": "mark"}) for a, b in marks]
    cuts = sorted({0, n, *(a for a, _, _ in items), *(b for _, b, _ in items)})
    starts: dict[int, list[tuple[int, Mapping[str, Any]]]] = defaultdict(list)
    for a, b, s in items:
        if a < b:
            starts[a].append((b, s))
    active: list[tuple[int, Mapping[str, Any]]] = []
    out: list[dict[str, Any]] = []
    for lo, hi in itertools.pairwise(cuts):
        active = [(end, s) for end, s in active if end > lo]
        anchor = None
        for end, s in starts.get(lo, []):
            active.append((end, s))
            if s.get("kind") == "sentence":
                anchor = s.get("anchor")
        classes = []
        titles = []
        for _, s in active:
            kind = str(s.get("kind"))
            if kind == "sentence":
                continue
            classes.append(kind)
            if s.get("label"):
                classes.append(f"ent-{s['label']}")
            if s.get("title") and s["title"] not in titles:
                titles.append(str(s["title"]))
        out.append(
            {
                "text": text[lo:hi],
                "classes": " ".join(dict.fromkeys(classes)),
                "title": "; ".join(titles),
                "anchor": anchor,
            }
        )
    return out


def jsonable(value: Any) -> Any:
    """NaN (pandas' missing value) as None, recursively: JSON has no NaN."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value
