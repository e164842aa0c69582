"""Stage 4 — per-story analysis: one story's articles in, a ``model.StoryResult`` out (pure).

- :mod:`~stemma.analysis.units`: claim units (sentences and clauses) and their features;
- :mod:`~stemma.analysis.align`: claim groups across articles (pair scores, clustering);
- :mod:`~stemma.analysis.discrepancies`: what the mentions of one claim disagree on;
- :mod:`~stemma.analysis.reuse`: passages articles share, and who copied whom;
- :mod:`~stemma.analysis.graph`: the provenance graph (who cites, copies, obtained from whom);
- :mod:`~stemma.analysis.roots`: where each mention comes from, each claim's independent roots;
- :mod:`~stemma.analysis.grade`: Admiralty grades by the rule table in ``settings``;
- :mod:`~stemma.analysis.story`: ``analyse_story``, the five steps in order.
"""

from __future__ import annotations

from stemma.analysis.story import analyse_story

__all__ = ["analyse_story"]
