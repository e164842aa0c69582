"""MiniLM sentence embeddings: shape, normalisation, meaning, offline loading."""

from __future__ import annotations

import os

import numpy as np
import pytest

from stemma.embed import DIMENSIONS, embed, load_encoder

pytestmark = pytest.mark.slow

# Two sentences from the example corpus saying the same thing in other words
# (articles 000 and 004).
ENEMY_NYT = (
    "Russia’s main security service, the FSB, appears to have branded China as “an enemy” "
    "in a remarkable attack that raises questions about Moscow’s relationship with Beijing."
)
ENEMY_OTHER = (
    "Russia’s FSB, its primary security service, has reportedly labeled China an “enemy,” a "
    "revelation stemming from a leaked report that underscores deep-seated anxieties within "
    "the Kremlin."
)
# ECB+ 1_2ecb, a different event altogether.
REHAB = "A publicist says Tara Reid has checked herself into rehab."


def test_embed_rows_are_unit_float32_in_input_order() -> None:
    vectors = embed([ENEMY_NYT, REHAB, ENEMY_OTHER])
    assert vectors.shape == (3, DIMENSIONS)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # Input order is kept (encode sorts by length internally).
    assert np.allclose(vectors[1], embed([REHAB])[0], atol=1e-5)


def test_embed_paraphrase_is_closer_than_other_event() -> None:
    nyt, other, rehab = embed([ENEMY_NYT, ENEMY_OTHER, REHAB])
    assert float(nyt @ other) > 0.6
    assert float(nyt @ rehab) < 0.2


def test_embed_empty_input_gives_empty_array() -> None:
    vectors = embed([])
    assert vectors.shape == (0, DIMENSIONS)
    assert vectors.dtype == np.float32


def test_embed_encoder_loads_once_and_offline() -> None:
    assert os.environ.get("HF_HUB_OFFLINE") == "1"
    assert load_encoder() is load_encoder()
    vectors = embed([REHAB], encoder=load_encoder(), batch_size=1)
    assert vectors.shape == (1, DIMENSIONS)
