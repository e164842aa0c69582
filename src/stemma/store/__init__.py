"""The store: one DuckDB file holds every stage's output (I/O at the edge).

- :mod:`~stemma.store.schema`: the tables, their columns and the layout version;
- :mod:`~stemma.store.codec`: model objects ↔ table rows;
- :mod:`~stemma.store.db`: ``Store``, reads and atomic batch writes.
"""

from __future__ import annotations

from stemma.store.codec import Tables
from stemma.store.db import Store

__all__ = ["Store", "Tables"]
