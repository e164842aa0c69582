"""Stage 3 — stories: annotated articles in, ``Story`` groups out (the one corpus-wide step).

- :mod:`~stemma.stories.embed`: MiniLM sentence vectors from the packaged model;
- :mod:`~stemma.stories.cluster`: near-duplicates + headline vectors + entities + time
  window, incremental with stable story ids (``cluster_stories``).
"""

from __future__ import annotations

from stemma.stories.cluster import cluster_stories, from_article

__all__ = ["cluster_stories", "from_article"]
