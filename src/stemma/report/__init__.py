"""The brief: ``report.json`` (versioned, JSON Schema), ``report.md``, ``report.html``.

- :mod:`~stemma.report.entry`: one ``StoryResult`` as the brief's story entry;
- :mod:`~stemma.report.brief`: the store's tables + story entries → the brief (a dict);
- :mod:`~stemma.report.render`: the brief as Markdown and HTML, and the files written;
- :mod:`~stemma.report.svg`: the provenance graph as an inline SVG.
"""

from __future__ import annotations
