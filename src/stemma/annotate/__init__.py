"""Stage 2 — annotate: articles in, one ``Annotation`` per article out (one spaCy pass).

- :mod:`~stemma.annotate.nlp`: the spaCy pipeline and ``annotate`` (the batch stage);
- :mod:`~stemma.annotate.quotes`: direct quotes, speakers, cue verbs;
- :mod:`~stemma.annotate.attribution`: who a sentence attributes its content to;
- :mod:`~stemma.annotate.sources`: canonical source names and kinds;
- :mod:`~stemma.annotate.hedges`: hedging cues and each sentence's kind;
- :mod:`~stemma.annotate.dates`: date expressions normalised against the article's date;
- :mod:`~stemma.annotate.sents`: one list of a document's sentences for all of them.
"""

from __future__ import annotations

from stemma.annotate.nlp import annotate, annotate_doc, is_analysable, load_pipeline

__all__ = ["annotate", "annotate_doc", "is_analysable", "load_pipeline"]
