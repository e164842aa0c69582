"""What a claim unit does, learned: reported fact, quote, commentary or background.

The annotation's first reading (``annotate.hedges.sentence_kind``: quote share,
attribution, hedges, a question, speculative modals and evaluative words) is
cheap but brittle: "appears to have branded China an enemy in a remarkable
attack" is a hedged *report*, not the outlet's opinion. Here logistic
regressions over the MiniLM vector the claim alignment computes anyway (no
second model pass) plus a few syntactic features decide:

- **commentary**: the outlet's own opinion, evaluation, speculation, rhetoric
  or analysis. Commentary never corroborates a claim and is never a red flag.
  Trained on news sentences labelled by hand (``eval/kinds/``).
- **check-worthiness**: how much a unit states a checkable fact (ClaimBuster's
  definition), used to rank the claims one outlet alone makes with no source.
  Trained on ClaimBuster 2.5xNCS.
- **furniture**: page furniture that cleaning left in the text (headlines,
  captions, credits, teasers): not a claim. Trained on the same hand labels.

The weights ship in ``kinds_model.json`` (versioned); ``scripts/train_kinds.py``
reproduces them. A direct quote stays a quote whatever the models say: who is
speaking is decided by quotation marks, not by style.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from stemma.annotate.hedges import EVALUATIVE_WORDS, SPECULATION_WORDS
from stemma.model import Kind

if TYPE_CHECKING:
    from stemma.analysis.units import Unit

MODEL_FILE = Path(__file__).with_name("kinds_model.json")

_QUOTED = re.compile(r"[“\"‘«][^”\"’»]*[”\"’»]")
_MODAL = re.compile(r"\b(?:may|might|could|would|should|must|ought|can)\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(?:we|our|us|i|my|me)\b", re.IGNORECASE)
_SECOND_PERSON = re.compile(r"\b(?:you|your)\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_][\w’'-]*")
#: Hearsay and appearance hedges in the outlet's own voice ("appears to have
#: branded", "reportedly accused", "is believed to"): a hedge is evidence about
#: a report, so a unit carrying one is a (hedged) report, never commentary.
_HEDGED = re.compile(
    r"\b(?:(?:appears?|appeared|seems?|seemed) to (?:have |be |show)|reportedly|allegedly|"
    r"purportedly|supposedly|(?:is|are|was|were) (?:said|believed|thought|understood|"
    r"reported) to)\b",
    re.IGNORECASE,
)

#: The syntactic features, in the order of the weights after the vector.
FEATURES = (
    "attributed",
    "first_reading_quote",
    "first_reading_reported",
    "first_reading_commentary",
    "question",
    "exclamation",
    "modal_in_own_voice",
    "first_person_in_own_voice",
    "second_person_in_own_voice",
    "evaluative_word",
    "speculation_word",
    "quoted_share",
    "log_words",
    "has_digit",
    "capitalised_share",
)


def features(text: str, *, attributed: bool, first_reading: str) -> list[float]:
    """The syntactic features of one unit (outside quotation marks where it matters:
    a modal in a quote is the speaker's, not the outlet's)."""
    own = _QUOTED.sub(" ", text)
    words = _WORD.findall(own)
    lower = [w.lower() for w in words]
    n = max(len(_WORD.findall(text)), 1)
    return [
        float(attributed),
        float(first_reading == "quote"),
        float(first_reading == "reported"),
        float(first_reading == "commentary"),
        float(text.rstrip(" ”\"'’»").endswith("?")),
        float("!" in own),
        float(bool(_MODAL.search(own))),
        float(bool(_FIRST_PERSON.search(own))),
        float(bool(_SECOND_PERSON.search(own))),
        float(any(w in EVALUATIVE_WORDS for w in lower)),
        float(any(w in SPECULATION_WORDS for w in lower)),
        1.0 - len(own) / max(len(text), 1),
        float(np.log1p(n) / 4),
        float(any(c.isdigit() for c in text)),
        sum(1 for w in words[1:] if w[:1].isupper()) / n,
    ]


@dataclass(frozen=True, slots=True)
class Head:
    """One logistic regression over [vector, features] (standardisation folded
    into the weights by the training script)."""

    coef: np.ndarray
    intercept: float
    threshold: float

    def probability(self, x: np.ndarray) -> np.ndarray:
        z = np.asarray(x, dtype=np.float64) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Head:
        return cls(
            np.asarray(d["coef"], dtype=np.float64), float(d["intercept"]), float(d["threshold"])
        )


@dataclass(frozen=True, slots=True)
class KindsModel:
    version: str
    commentary: Head
    checkworthy: Head
    furniture: Head


@lru_cache(maxsize=1)
def load_model(path: Path = MODEL_FILE) -> KindsModel:
    """The shipped weights (a small JSON file inside the package)."""
    d = json.loads(path.read_text(encoding="utf-8"))
    if list(d["features"]) != list(FEATURES):
        raise ValueError(f"{path}: its features are not this stemma's; retrain it")
    return KindsModel(
        str(d["version"]),
        Head.from_dict(d["commentary"]),
        Head.from_dict(d["checkworthy"]),
        Head.from_dict(d["furniture"]),
    )


def design(
    vectors: np.ndarray, texts: Sequence[str], attributed: Sequence[bool], first: Sequence[str]
) -> np.ndarray:
    """The model's input rows: each vector followed by its unit's features."""
    feats = np.array(
        [
            features(t, attributed=a, first_reading=k)
            for t, a, k in zip(texts, attributed, first, strict=True)
        ],
        dtype=np.float32,
    ).reshape(len(texts), len(FEATURES))
    return np.hstack([np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1), feats])


def classify(
    units: Sequence[Unit], vectors: np.ndarray, model: KindsModel | None = None
) -> tuple[list[Unit], list[bool]]:
    """The units with their learned kind and check-worthiness, and which of
    them are page furniture (see :func:`furniture`), from one design matrix
    built on the first reading (as the heads were trained)."""
    if not units:
        return [], []
    model = model or load_model()
    attributed = [u.source is not None for u in units]
    x = design(vectors, [u.text for u in units], attributed, [u.kind for u in units])
    p_comment = model.commentary.probability(x)
    p_check = model.checkworthy.probability(x)
    p_furniture = model.furniture.probability(x)
    refined, flags = [], []
    for u, by, pc, pw, pf in zip(units, attributed, p_comment, p_check, p_furniture, strict=True):
        kind = decide(u.kind, float(pc), model.commentary.threshold, u.text, by)
        refined.append(replace(u, kind=kind, checkworthy=round(float(pw), 4)))
        flags.append(bool(pf >= model.furniture.threshold) and u.kind != "quote" and not by)
    return refined, flags


def refine(
    units: Sequence[Unit], vectors: np.ndarray, model: KindsModel | None = None
) -> list[Unit]:
    """The units with their learned kind (:func:`decide`) and check-worthiness."""
    return classify(units, vectors, model)[0]


def furniture(
    units: Sequence[Unit], vectors: np.ndarray, model: KindsModel | None = None
) -> list[bool]:
    """Which units are page furniture, not article prose: a headline or
    sub-heading, a caption or credit, a byline, a dateline alone, a share or
    subscribe call, a teaser for another story. They are no claims. A quote
    and an attributed unit never are (a short attribution line is a report).
    ``units`` carry their first reading (before :func:`refine`)."""
    return classify(units, vectors, model)[1]


def decide(first: Kind, p_commentary: float, threshold: float, text: str, attributed: bool) -> Kind:
    """A unit's kind from its first reading and the commentary probability.

    A quote stays a quote. A unit the first reading calls reported that
    carries a hearsay or appearance hedge stays reported: a hedge is evidence
    about a report, not a sign of opinion. Otherwise the unit is commentary
    when the model says so; a unit the first reading called commentary that
    the model does not is reported when attributed or hedged, else background.
    """
    if first == "quote":
        return "quote"
    hedged = _HEDGED.search(text) is not None
    if first == "reported" and hedged:
        return "reported"
    if p_commentary >= threshold:
        return "commentary"
    if first == "commentary":
        return "reported" if attributed or hedged else "background"
    return first
