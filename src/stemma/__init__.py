"""stemma: trace a news story back to its sources.

Public API::

    import stemma
    result = stemma.analyze(["examples/fsb-china-leak"], db="stemma.duckdb", out="out/")
    result.quotes          # pandas DataFrame
    result.report          # the brief as a dict (report.json)

``import stemma`` is light: the data model and settings load at once; the
engine, the store and the models they need load on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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
from stemma.settings import Settings

__version__ = "0.1.0"

if TYPE_CHECKING:
    from stemma.engine.local import Analysis, Summary, analyze
    from stemma.store import Store, Tables

#: Names loaded on first use, and the module that holds each.
_LAZY = {
    "Analysis": "stemma.engine.local",
    "Summary": "stemma.engine.local",
    "analyze": "stemma.engine.local",
    "Store": "stemma.store",
    "Tables": "stemma.store",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'stemma' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


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
