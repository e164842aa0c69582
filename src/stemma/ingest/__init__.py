"""Stage 1 — ingest: files, folders, feeds, WARC and stdin in; ``Article`` or ``Problem`` out.

- :mod:`~stemma.ingest.readers`: formats, decoding, metadata, language (``load``);
- :mod:`~stemma.ingest.clean`: page furniture removed from text, every removal recorded.
"""

from __future__ import annotations

from stemma.ingest.clean import clean
from stemma.ingest.readers import load, read_html, text_id

__all__ = ["clean", "load", "read_html", "text_id"]
