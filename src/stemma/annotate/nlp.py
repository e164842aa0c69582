"""Annotate articles: one spaCy pass, then the extractors, then model objects.

``annotate`` runs ``nlp.pipe`` over the English articles and, per document,
calls the pure extractors that each own one concept:

- ``stemma.annotate.quotes``: direct quotes, speakers, cue verbs;
- ``stemma.annotate.attribution``: who a sentence attributes its content to;
- ``stemma.annotate.hedges``: hedging cues and each sentence's kind;
- ``stemma.annotate.dates``: date expressions normalised against the article's date.

Articles that are not English are kept (the brief lists them with their
language) but get no annotation: running an English parser on Russian text
would produce confident nonsense.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from stemma.annotate import attribution, dates, hedges, quotes
from stemma.annotate.sents import sentences
from stemma.annotate.sources import canonical_source, sentence_upstream
from stemma.errors import ModelNotInstalled
from stemma.model import Annotation, Article, Attribution, Entity, Quote, Sentence
from stemma.settings import DEFAULT, SPACY_MODEL, Settings

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

#: Entity labels kept in the store. Cardinal/ordinal numbers and percentages are
#: numbers, not entities an analyst looks up; they stay available in the text.
ENTITY_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"}
)


def paragraph_sentences(doc: Doc) -> Doc:
    """Start a sentence after every line break.

    The small parser happily runs a sentence across a paragraph break
    ("Story continues below advertisement" + the next paragraph), and every
    extractor downstream then reads a wrong parse. Paragraphs are real
    boundaries in news text; the parser keeps sentence starts set before it.
    """
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if not tok.is_space and ("\n" in prev.text or "\n" in prev.whitespace_):
            tok.is_sent_start = True
            # An opening quote or bracket belongs to the sentence it opens.
            if (tok.is_left_punct or tok.is_quote) and tok.i + 1 < len(doc):
                doc[tok.i + 1].is_sent_start = False
    return doc


@lru_cache(maxsize=2)
def load_pipeline(name: str = SPACY_MODEL) -> Language:
    """Load the spaCy pipeline once per process (it is a site-packages package),
    with ``paragraph_sentences`` added before the parser."""
    import spacy
    from spacy.language import Language

    try:
        nlp = spacy.load(name)
    except OSError as e:
        raise ModelNotInstalled(
            f"spaCy model {name!r} is not installed. Install the pinned requirements "
            f"(`make venv`, or `pip install -r requirements.txt`)."
        ) from e
    if "stemma_paragraphs" not in Language.factories:
        Language.component("stemma_paragraphs", func=paragraph_sentences)
    nlp.add_pipe("stemma_paragraphs", before="parser")
    return nlp


def is_analysable(article: Article) -> bool:
    """English articles are analysed; others are kept and marked.

    An undetermined language (very short texts) is analysed: the alternative is
    losing English headlines lingua could not call.
    """
    return article.language in ("en", None) and bool(article.text.strip())


def annotate(
    articles: Sequence[Article],
    *,
    nlp: Language | None = None,
    settings: Settings = DEFAULT,
    on_done: Callable[[int], None] | None = None,
    on_error: Callable[[Article, Exception], None] | None = None,
) -> Iterator[Annotation]:
    """Yield one ``Annotation`` per article, in input order.

    Non-English articles yield an empty annotation. ``on_done(n)`` is called as
    articles finish (for progress bars). When a batch fails, its articles are
    annotated one by one; an article that fails alone is passed to
    ``on_error(article, exception)`` and yields an empty annotation (without
    ``on_error``, the exception is raised).

    Example:
        >>> from stemma.ingest.readers import load
        >>> [art] = [a for a in load(["examples/fsb-china-leak/000_3c45b8d28d6be2d7.txt"])]
        >>> ann = next(annotate([art]))
        >>> ann.quotes[0].speaker
        'Mikhail Khordokovsky'
    """
    nlp = nlp or load_pipeline()
    # Batches of batch_size keep the progress bar moving; with several
    # processes, each nlp.pipe call starts its workers, so the input is one
    # batch (the engine passes commit_every articles at a time).
    step = max(settings.batch_size, 1) if settings.n_process <= 1 else max(len(articles), 1)
    for i in range(0, len(articles), step):
        batch = articles[i : i + step]
        try:
            done = list(_annotate_batch(batch, nlp, settings))
        except Exception:
            # One article the parser or a stage cannot take must not cost the
            # others: the batch is done again article by article.
            done = [_annotate_one(a, nlp, on_error) for a in batch]
        for annotation in done:
            yield annotation
            if on_done is not None:
                on_done(1)


def _annotate_batch(
    batch: Sequence[Article], nlp: Language, settings: Settings
) -> Iterator[Annotation]:
    todo = [a for a in batch if is_analysable(a)]
    docs: Iterable[Doc] = nlp.pipe(
        (a.text for a in todo), batch_size=settings.batch_size, n_process=settings.n_process
    )
    parsed = iter(zip(todo, docs, strict=True))
    for article in batch:
        if not is_analysable(article):
            yield Annotation(article=article.id)
        else:
            _, doc = next(parsed)  # nlp.pipe keeps input order
            yield annotate_doc(doc, article)


def _annotate_one(
    article: Article, nlp: Language, on_error: Callable[[Article, Exception], None] | None
) -> Annotation:
    if not is_analysable(article):
        return Annotation(article=article.id)
    try:
        return annotate_doc(nlp(article.text), article)
    except Exception as e:
        if on_error is None:
            raise
        on_error(article, e)
        return Annotation(article=article.id)


def annotate_doc(doc: Doc, article: Article) -> Annotation:
    """Turn one parsed document into model objects (pure, no I/O)."""
    aid = article.id
    sents = sentences(doc)
    starts = [s.start_char for s in sents]

    def sentence_of(char: int) -> int:
        return max(bisect_right(starts, char) - 1, 0)

    found_quotes = quotes.extract_quotes(doc, article=aid)
    found_attr = attribution.extract_attributions(doc, article=aid)
    timerefs = dates.extract_timerefs(doc, article=aid, published=article.published)
    entities = tuple(
        Entity(aid, sentence_of(e.start_char), e.text, e.label_, e.start_char, e.end_char)
        for e in doc.ents
        if e.label_ in ENTITY_LABELS
    )

    by_sentence: dict[int, list[Attribution]] = {}
    for a in found_attr:
        by_sentence.setdefault(a.sentence, []).append(a)

    rows = []
    for i, span in enumerate(sents):
        text = span.text
        if not text.strip():
            continue
        covered = _quoted_chars(found_quotes, span.start_char, span.end_char)
        fraction = covered / max(len(text.strip()), 1)
        attrs = by_sentence.get(i, [])
        found_hedges = tuple(hedges.find_hedges(span))
        source = _sentence_source(attrs, found_quotes, span.start_char, span.end_char)
        kind = hedges.sentence_kind(
            span, quote_fraction=fraction, attributed=bool(attrs), hedges=found_hedges
        )
        rows.append(
            Sentence(aid, i, span.start_char, span.end_char, text, kind, found_hedges, source)
        )
    return Annotation(
        article=aid,
        sentences=tuple(rows),
        entities=entities,
        timerefs=tuple(timerefs),
        quotes=tuple(found_quotes),
        attributions=tuple(found_attr),
    )


def _quoted_chars(found: Sequence[Quote], start: int, end: int) -> int:
    return sum(max(0, min(q.end, end) - max(q.start, start)) for q in found)


def _sentence_source(
    attrs: Sequence[Attribution], found: Sequence[Quote], start: int, end: int
) -> str | None:
    """The one source a sentence is attributed to, for the brief's sentence table:
    the rule claims use (``sources.sentence_upstream``); inside a quote with
    no attribution, the quote's speaker."""
    if attrs:
        return sentence_upstream(attrs)
    for q in found:
        if q.start < end and q.end > start and q.speaker:
            return canonical_source(q.speaker)[0]
    return None
