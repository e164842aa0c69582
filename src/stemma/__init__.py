"""stemma: trace a news story back to its sources.

Public API::

    import stemma
    result = stemma.analyze(["examples/fsb-china-leak"], db="stemma.duckdb", out="out/")
    result.quotes          # pandas DataFrame
    result.report          # the brief as a dict (report.json)
"""

from __future__ import annotations

__version__ = "0.1.0"

from stemma.model import (
    Annotation,
    Article,
    Attribution,
    Entity,
    Hedge,
    Problem,
    Quote,
    Removed,
    Sentence,
    TimeRef,
)
from stemma.pipeline import Analysis, Summary, analyze
from stemma.settings import Settings
from stemma.store import Store, Tables

__all__ = [
    "Analysis",
    "Annotation",
    "Article",
    "Attribution",
    "Entity",
    "Hedge",
    "Problem",
    "Quote",
    "Removed",
    "Sentence",
    "Settings",
    "Store",
    "Summary",
    "Tables",
    "TimeRef",
    "__version__",
    "analyze",
]
