"""Whether two claim units of one story state the same claim, learned.

MiniLM cosine alone puts the mentions of one claim too far apart (re-tellings
wrap a fact in other words) and two claims of one event too close (every
sentence of a story is about the same collapse). What the outlets keep when
they re-tell a claim is its *rare words*: "stationmaster", "manslaughter",
"sirens", the figure. So a logistic regression over five features of a pair
decides (:func:`same_claim`):

- ``cosine``: MiniLM cosine of the two units (the vectors the pipeline has);
- ``rare_overlap``: the words the two share, weighted by their inverse
  frequency among the story's units, over the words either has (weighted
  Jaccard): a word every sentence of the story uses weighs nothing;
- ``rarest_shared``: the inverse frequency of the rarest word they share,
  over the largest possible (``log n``);
- ``same_figure``: they give one quantity with one unit ("288 people");
- ``close_figure``: they measure one thing with values that could be one
  fact told two ways ("rose 26 feet" / "a 22 foot rise").

Trained by ``scripts/train_pairs.py`` on the gold claims of the dev events and
``eval/events`` (two units that the gold finds in one claim, from two
articles, are one; two units of two different gold claims are not); weights in
``pairs_model.json``. Chosen by holding each event out in turn; the holdout
events (``eval/holdout``) report it. The probability it gives replaces the
cosine-plus-bonus score as what claim alignment clusters on
(:mod:`stemma.analysis.align`).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS

if TYPE_CHECKING:
    from stemma.analysis.units import Unit

__all__ = ["FEATURES", "MODEL_FILE", "pair_features", "same_claim"]

MODEL_FILE = Path(__file__).with_name("pairs_model.json")

FEATURES = ("cosine", "rare_overlap", "rarest_shared", "same_figure", "close_figure")

_WORD = re.compile(r"[a-z][a-z'’-]{2,}")


def content_words(text: str) -> frozenset[str]:
    """Lower-cased words of three letters or more, stop words out, a plural's
    "s" dropped from words of five letters or more ("sirens" = "siren")."""
    return frozenset(
        w[:-1] if len(w) > 4 and w.endswith("s") else w
        for w in _WORD.findall(text.casefold())
        if w not in STOP_WORDS
    )


def pair_features(units: Sequence[Unit], embeddings: np.ndarray) -> np.ndarray:
    """The :data:`FEATURES` of every pair of ``units``: an ``(n, n, 5)`` array
    (symmetric; the diagonal is meaningless). Word weights are the units' own
    inverse document frequencies: the story is the corpus."""
    from stemma.analysis.align import _close, _share_any

    n = len(units)
    out = np.zeros((n, n, len(FEATURES)), dtype=np.float64)
    if n == 0:
        return out
    out[:, :, 0] = embeddings @ embeddings.T
    words = [content_words(u.text) for u in units]
    vocab: dict[str, list[int]] = {}
    for i, ws in enumerate(words):
        for w in ws:
            vocab.setdefault(w, []).append(i)
    idf = {w: math.log(n / len(holders)) for w, holders in vocab.items()}
    # Weighted Jaccard by matrix products: shared weight, each unit's total.
    columns = {w: k for k, w in enumerate(vocab)}
    binary = np.zeros((n, len(columns)), dtype=np.float64)
    for i, ws in enumerate(words):
        binary[i, [columns[w] for w in ws]] = 1.0
    weights = np.array([idf[w] for w in columns], dtype=np.float64)
    shared = (binary * weights) @ binary.T
    total = binary @ weights
    union = total[:, None] + total[None, :] - shared
    with np.errstate(invalid="ignore", divide="ignore"):
        out[:, :, 1] = np.where(union > 0, shared / union, 0.0)
    # The rarest shared word: each word raises the pairs that hold it.
    rarest = np.zeros((n, n), dtype=np.float64)
    for w, holders in sorted(vocab.items(), key=lambda kv: idf[kv[0]]):
        if len(holders) > 1 and idf[w] > 0:
            rarest[np.ix_(holders, holders)] = idf[w]
    out[:, :, 2] = rarest / math.log(n) if n > 1 else 0.0
    out[:, :, 3] = _share_any([{(q.value, q.unit) for q in u.quantities if q.unit} for u in units])
    measured = [i for i, u in enumerate(units) if any(q.unit for q in u.quantities)]
    for x, i in enumerate(measured):
        for j in measured[x + 1 :]:
            close = any(
                p.same_measure(q) and _close(p.value, q.value)
                for p in units[i].quantities
                if p.unit
                for q in units[j].quantities
                if q.unit
            )
            out[i, j, 4] = out[j, i, 4] = float(close)
    return out


@lru_cache(maxsize=1)
def _model(path: Path = MODEL_FILE) -> tuple[np.ndarray, float]:
    d = json.loads(path.read_text(encoding="utf-8"))
    if tuple(d["features"]) != FEATURES:
        raise ValueError(f"{path}: features {d['features']} are not {list(FEATURES)}")
    return np.array(d["coef"], dtype=np.float64), float(d["intercept"])


def same_claim(units: Sequence[Unit], embeddings: np.ndarray) -> np.ndarray:
    """Probability that units i and j state one claim, for every pair (n × n)."""
    coef, intercept = _model()
    logits = pair_features(units, embeddings) @ coef + intercept
    return 1.0 / (1.0 + np.exp(-logits))
