"""Speed and agreement of the MiniLM backends on real news sentences.

Embeds the same ECB+ sentences (../shared/data/ecbplus-event-clusters) with
each backend of :mod:`stemma.stories.embed` — torch, ONNX float32, ONNX int8 — and
prints sentences per second (best of ``--repeat`` runs, the model already
loaded) and the cosine of each backend's rows with torch's (min, 1st
percentile, mean). The machine's load average is printed too: on shared
cores the speeds move with it. JSON output.

    .venv/bin/python bench/bench_embed.py                 # 600 sentences
    .venv/bin/python bench/bench_embed.py --sentences 200 --repeat 1

``--full-int8`` adds a fourth row: every weight MatMul quantised, the speed
ceiling of int8 and the agreement it would cost.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "ecbplus-event-clusters" / "ecbplus_docs.jsonl"
sys.path.insert(0, str(REPO / "src"))


def sentences(limit: int) -> list[str]:
    """ECB+ sentences of five words or more, in file order."""
    if not DATA.exists():
        sys.exit(f"bench_embed needs {DATA} (see ../shared/data/README.md)")
    found: list[str] = []
    with DATA.open(encoding="utf-8") as f:
        for line in f:
            text = json.loads(line).get("text") or ""
            found += [s for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 5]
            if len(found) >= limit:
                break
    return found[:limit]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sentences", type=int, default=600, help="sentences to embed")
    ap.add_argument("--repeat", type=int, default=2, help="runs per backend (best is kept)")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--full-int8", action="store_true", help="also every MatMul in int8")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    import numpy as np

    from stemma.stories import embed as E

    texts = sentences(args.sentences)
    encoders: dict[str, E.Encoder] = {b: E.load_encoder(b) for b in E.BACKENDS}
    if args.full_int8:
        full = Path(tempfile.mkdtemp()) / "full-int8.onnx"
        fp32 = E.onnx_model_file(quantised=False)
        saved = E.QUANTISED_NODE_SUFFIXES
        E.QUANTISED_NODE_SUFFIXES = ("MatMul",)  # every weight MatMul
        try:
            E.quantise_onnx(fp32, full)
        finally:
            E.QUANTISED_NODE_SUFFIXES = saved
        encoders["onnx-int8-full"] = E.OnnxEncoder(full, E.model_folder(), "onnx-int8-full")
    for enc in encoders.values():  # warm up: first runs allocate
        enc.vectors(texts[:32], args.batch_size, E.MAX_TOKENS)
    best: dict[str, float] = {}
    rows: dict[str, np.ndarray] = {}
    for _ in range(args.repeat):  # interleaved, so load changes hit every backend
        for name, enc in encoders.items():
            t0 = time.perf_counter()
            rows[name] = enc.vectors(texts, args.batch_size, E.MAX_TOKENS)
            best[name] = min(best.get(name, float("inf")), time.perf_counter() - t0)
    ref = rows["torch"]
    results = []
    for name in encoders:
        cos = (rows[name] * ref).sum(axis=1)
        results.append({
            "backend": name,
            "sentences_per_s": round(len(texts) / best[name], 1),
            "speedup_vs_torch": round(best["torch"] / best[name], 2),
            "cos_vs_torch_min": round(float(cos.min()), 4),
            "cos_vs_torch_p1": round(float(np.percentile(cos, 1)), 4),
            "cos_vs_torch_mean": round(float(cos.mean()), 4),
        })  # fmt: skip
    print(json.dumps({
        "bench": "embed",
        "sentences": len(texts),
        "mean_words": round(sum(len(t.split()) for t in texts) / len(texts), 1),
        "onnx_threads": E.ONNX_THREADS,
        "loadavg_1_5_15": list(os.getloadavg()),
        "results": results,
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
