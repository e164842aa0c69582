"""The store's tables: their columns, what they hold, and the layout version.

Every table is keyed by article id (annotations) or story id (per-story
analysis). A store written by another layout is refused with a message
rather than read wrongly.
"""

from __future__ import annotations

from dataclasses import fields

from stemma.model import Article, Attribution, Entity, Quote, Removed, TimeRef

#: Store layout version; a store written by another layout is refused with a
#: message rather than read wrongly.
SCHEMA_VERSION = "2"

DDL = {
    "articles": """
        id VARCHAR, path VARCHAR, title VARCHAR, outlet VARCHAR, outlet_evidence VARCHAR,
        published VARCHAR, url VARCHAR, author VARCHAR, language VARCHAR,
        source_format VARCHAR, text VARCHAR, raw_text VARCHAR""",
    "removed": 'article VARCHAR, start INTEGER, "end" INTEGER, text VARCHAR, reason VARCHAR',
    "sentences": """
        article VARCHAR, idx INTEGER, start INTEGER, "end" INTEGER, text VARCHAR,
        kind VARCHAR, hedged BOOLEAN, hedges VARCHAR, source VARCHAR""",
    "entities": """
        article VARCHAR, sentence INTEGER, text VARCHAR, label VARCHAR,
        start INTEGER, "end" INTEGER""",
    "timerefs": """
        article VARCHAR, sentence INTEGER, text VARCHAR, start INTEGER, "end" INTEGER,
        value VARCHAR, granularity VARCHAR, anchored BOOLEAN""",
    "quotes": """
        article VARCHAR, sentence INTEGER, text VARCHAR, start INTEGER, "end" INTEGER,
        speaker VARCHAR, speaker_start INTEGER, speaker_end INTEGER, cue VARCHAR""",
    "attributions": """
        article VARCHAR, sentence INTEGER, source VARCHAR, mention VARCHAR,
        start INTEGER, "end" INTEGER, cue VARCHAR, source_kind VARCHAR,
        content_start INTEGER, content_end INTEGER, cue_start INTEGER, cue_end INTEGER""",
    # Stories: membership in the order articles joined (pos), each article's
    # thread (the id of the thread's first article), and the MiniLM vector of
    # each article's title + lead, so re-clustering embeds only new articles ...
    "stories": "story VARCHAR, article VARCHAR, pos INTEGER, title VARCHAR, thread VARCHAR",
    "vectors": "article VARCHAR, vector FLOAT[]",
    # ... and its document vector (mean of its claim units' vectors), keyed by
    # article id and pipeline version (the units depend on it).
    "doc_vectors": "key VARCHAR, vector FLOAT[]",
    # MiniLM vectors of claim units, keyed by stemma.stories.embed.vector_key (a hash
    # of the text and how it was read): a story that gains one article embeds
    # only that article's units, and a sentence copied verbatim by another
    # outlet is embedded once.
    "text_vectors": "key VARCHAR, vector FLOAT[]",
    # Per-story analysis: the brief's story entry as JSON, keyed by a hash of
    # the members and versions (unchanged stories are not recomputed) ...
    "story_results": "story VARCHAR, key VARCHAR, data VARCHAR",
    # ... and the same, flattened for pandas users and the web page.
    "claims": """
        story VARCHAR, id VARCHAR, text VARCHAR, kind VARCHAR, articles INTEGER,
        outlets VARCHAR[], independent_roots INTEGER, roots VARCHAR[], attributed BOOLEAN,
        single_article BOOLEAN, grade VARCHAR, grade_rule VARCHAR, discrepancies VARCHAR""",
    "mentions": """
        story VARCHAR, claim VARCHAR, article VARCHAR, sentence INTEGER, start INTEGER,
        "end" INTEGER, text VARCHAR, kind VARCHAR, source VARCHAR""",
    "reuse": """
        story VARCHAR, a VARCHAR, b VARCHAR, score DOUBLE, direction VARCHAR,
        passages VARCHAR""",
    # One row per annotated article and pipeline version: the "done" marker.
    "annotated": "article VARCHAR, version VARCHAR",
    "meta": "key VARCHAR, value VARCHAR",
    # Feeds polled by ``stemma watch``: the validators of each one's last
    # answer (conditional GET) and the hash of the last body spooled.
    "feeds": """
        url VARCHAR, etag VARCHAR, last_modified VARCHAR, digest VARCHAR, status INTEGER,
        checked VARCHAR""",
}

#: Tables holding one story's analysis, cleared and rewritten together.
STORY_TABLES = ("story_results", "claims", "mentions", "reuse")

#: Tables holding one article's annotation, cleared and rewritten together.
#: Columns added to a table of layout 2 after that layout was released: an
#: older store gains them when it is opened (empty: a story without threads is
#: one thread), so it need not be rebuilt.
ADDED_COLUMNS = {"stories": {"thread": "VARCHAR"}}

ANNOTATION_TABLES = ("sentences", "entities", "timerefs", "quotes", "attributions")

#: Columns of the tables written from model objects, in order.
COLUMNS = {
    "articles": [f.name for f in fields(Article) if f.name != "removed"],
    "removed": ["article", *(f.name for f in fields(Removed))],
    "sentences": ["article", "idx", "start", "end", "text", "kind", "hedged", "hedges", "source"],
    "entities": [f.name for f in fields(Entity)],
    "timerefs": [f.name for f in fields(TimeRef)],
    "quotes": [f.name for f in fields(Quote)],
    "attributions": [f.name for f in fields(Attribution)],
}


def columns_of(table: str) -> list[str]:
    """Column names of a table, read from its DDL."""
    return [part.split()[0].strip('"') for part in DDL[table].split(",")]
