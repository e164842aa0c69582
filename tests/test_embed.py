"""MiniLM sentence embeddings: shape, normalisation, meaning, offline loading, and
the ONNX backends (agreement with torch, conversion, fallback)."""

from __future__ import annotations

import json
import logging
import os
import re
import threading

import numpy as np
import pytest

from stemma.stories import embed as E
from stemma.stories.embed import (
    DIMENSIONS,
    OnnxEncoder,
    embed,
    load_encoder,
    model_folder,
    onnx_model_file,
)
from tests.conftest import shared_data

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


# --- backends ----------------------------------------------------------------


def _ecbplus_sentences(limit: int) -> list[str]:
    path = shared_data("ecbplus-event-clusters") / "ecbplus_docs.jsonl"
    found: list[str] = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            text = json.loads(line)["text"]
            found += [s for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 5]
            if len(found) >= limit:
                break
    return found[:limit]


def test_embed_onnx_backends_agree_with_torch_on_ecbplus_sentences() -> None:
    texts = _ecbplus_sentences(120)
    torch_rows = embed(texts, encoder=load_encoder("torch"))
    fp32 = embed(texts, encoder=load_encoder("onnx"))
    int8 = embed(texts, encoder=load_encoder("onnx-int8"))
    assert load_encoder("onnx-int8").backend == "onnx-int8"  # not the torch fallback
    assert ((fp32 * torch_rows).sum(axis=1) > 0.9999).all()
    # Per-batch activation scales move a row slightly; 0.985 leaves room for that.
    assert ((int8 * torch_rows).sum(axis=1) >= 0.985).all()
    assert float((int8 * torch_rows).sum(axis=1).mean()) >= 0.99
    assert np.allclose(np.linalg.norm(int8, axis=1), 1.0, atol=1e-5)


def test_embed_default_backend_is_float_onnx() -> None:
    assert os.environ.get("STEMMA_EMBED_BACKEND") in (None, "onnx")
    assert load_encoder().backend == "onnx"


def test_embed_repeated_texts_are_embedded_once() -> None:
    seen: list[str] = []
    inner = load_encoder()

    class Recording:
        backend = "recording"

        def vectors(self, texts, batch_size, max_tokens):
            seen.extend(texts)
            return inner.vectors(texts, batch_size, max_tokens)

    vectors = embed([ENEMY_NYT, REHAB, ENEMY_NYT], encoder=Recording())
    assert seen == [ENEMY_NYT, REHAB]
    assert vectors.shape == (3, DIMENSIONS)
    assert np.array_equal(vectors[0], vectors[2])


def test_embed_max_tokens_cuts_what_the_model_reads() -> None:
    longer = ENEMY_NYT + " " + ENEMY_OTHER
    cut = embed([ENEMY_NYT, longer], max_tokens=16)
    assert np.allclose(cut[0], cut[1], atol=1e-5)  # both cut inside ENEMY_NYT
    whole = embed([ENEMY_NYT, longer])
    assert float(whole[0] @ whole[1]) < 0.99


def test_embed_conversion_writes_whole_files_once(tmp_path) -> None:
    path = onnx_model_file(quantised=True, directory=tmp_path)
    assert path.exists() and path.name.endswith("-int8.onnx")
    assert not list(tmp_path.glob("*.tmp.onnx"))  # temporary files renamed or removed
    stamp = path.stat().st_mtime_ns
    assert onnx_model_file(quantised=True, directory=tmp_path) == path
    assert path.stat().st_mtime_ns == stamp  # not converted again
    encoder = OnnxEncoder(path, model_folder(), "onnx-int8")
    assert float(embed([REHAB], encoder=encoder)[0] @ embed([REHAB])[0]) > 0.99


def test_embed_failed_conversion_falls_back_to_torch_with_one_warning(monkeypatch, caplog) -> None:
    def broken(quantised: bool, threads: int):
        raise OSError("read-only file system")

    monkeypatch.setattr(E, "_onnx_encoder", broken)
    with caplog.at_level(logging.WARNING, logger="stemma.stories.embed"):
        encoder = load_encoder("onnx-int8")
    assert encoder.backend == "torch"
    assert [r.getMessage() for r in caplog.records] == [
        "ONNX MiniLM unavailable (OSError: read-only file system); using torch"
    ]


def test_embed_unknown_backend_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown embedding backend"):
        load_encoder("gpu")


def test_embed_loading_prints_no_progress_bar(capfd) -> None:
    E._torch_encoder.cache_clear()
    E._torch_encoder()
    assert "Loading weights" not in capfd.readouterr().err


def test_prefetch_gives_the_vectors_embed_gives_wherever_they_are_made(monkeypatch) -> None:
    texts = [ENEMY_NYT, ENEMY_OTHER, REHAB, "Moscow sees Beijing as a rival in Central Asia."]
    reference = embed(texts)
    # The first chunk blocks the background thread until released, so the
    # second is still queued when asked for: the caller must take it over.
    release = threading.Event()
    encode = E.Prefetch._encode
    where: list[tuple[str, tuple[str, ...]]] = []

    def gated(self: E.Prefetch, chunk: list[str], max_tokens: int, threads: int):
        name = threading.current_thread().name
        where.append((name, tuple(chunk)))
        if name.startswith("stemma-embed") and chunk == texts[:2]:
            assert release.wait(30)
        return encode(self, chunk, max_tokens, threads)

    monkeypatch.setattr(E.Prefetch, "_encode", gated)
    with E.Prefetch() as ahead:
        ahead.submit(texts[:2])  # runs on the background thread, held
        ahead.submit(texts[2:3])  # queued behind it
        taken = ahead.vectors(texts[2:])  # REHAB taken over; texts[3] never submitted
        release.set()
        first = ahead.vectors(texts[:2])  # waits for the held chunk
        rows = {**taken, **first}
        assert ahead.leftovers() == {}
        again = ahead.vectors([REHAB])  # handed over before, so embedded again
    for i, t in enumerate(texts):
        assert float(rows[t] @ reference[i]) > 0.9999, t
    assert float(again[REHAB] @ rows[REHAB]) > 0.9999
    background = [c for n, c in where if n.startswith("stemma-embed")]
    assert background == [tuple(texts[:2])]  # the queued chunk never ran there
    assert ahead.embedded == 5  # 4 texts once, REHAB a second time


def test_prefetch_keeps_what_was_made_ahead_and_never_asked_for() -> None:
    with E.Prefetch() as ahead:
        ahead.submit([REHAB, ENEMY_NYT])
    left = ahead.leftovers()
    assert set(left) == {(REHAB, E.MAX_TOKENS), (ENEMY_NYT, E.MAX_TOKENS)}
    assert left[(REHAB, E.MAX_TOKENS)].shape == (DIMENSIONS,)


def test_prefetch_disabled_embeds_on_demand_only(monkeypatch) -> None:
    calls: list[list[str]] = []
    encode = E.Prefetch._encode

    def spy(self: E.Prefetch, texts: list[str], max_tokens: int, threads: int):
        calls.append(list(texts))
        return encode(self, texts, max_tokens, threads)

    monkeypatch.setattr(E.Prefetch, "_encode", spy)
    with E.Prefetch(enabled=False) as ahead:
        ahead.submit([REHAB, ENEMY_NYT])
        assert calls == []
        rows = ahead.vectors([REHAB])
    assert calls == [[REHAB]]
    assert rows[REHAB].shape == (DIMENSIONS,)


def test_vector_key_depends_on_text_and_length_read() -> None:
    assert E.vector_key(REHAB) == E.vector_key(REHAB)
    assert E.vector_key(REHAB) != E.vector_key(REHAB + " ")
    assert E.vector_key(REHAB, 128) != E.vector_key(REHAB, 256)
    assert E.vector_key(REHAB, 300) == E.vector_key(REHAB, 256)  # MiniLM reads 256 at most
    assert E.vector_key(REHAB, backend="torch") == E.vector_key(REHAB, backend="onnx")
    assert E.vector_key(REHAB, backend="onnx-int8") != E.vector_key(REHAB, backend="onnx")
