"""Speed and memory of `stemma analyze`, and its overhead over bare spaCy.

Two corpora: the five example articles, and 1,000 articles built from
../shared/data (the non-empty ECB+ documents, topped up with WikiRef220
articles). Each measurement runs in a fresh child process so that its peak
memory is its own. Prints one JSON object per corpus, then a summary.

    .venv/bin/python bench/bench_analyze.py            # both corpora
    .venv/bin/python bench/bench_analyze.py --only example
    .venv/bin/python bench/bench_analyze.py --only bench --engine ray --address 127.0.0.1:6380

Figures:
- wall_s: analyze() into a fresh store, model already loaded;
- load_s: loading the spaCy model;
- rerun_s: the same analyze() again on the same store (everything cached);
- bare_nlp_s: list(nlp.pipe(texts)) over the same cleaned texts;
- bare_minilm_s: MiniLM alone over the texts the run embedded (every
  article's headline, the claim units of every story of two or more
  articles), on all cores;
- overhead: wall_s / bare_nlp_s (the aim of issue 3: <= 1.3);
- overhead_vs_models: wall_s / (bare_nlp_s + bare_minilm_s): what the
  analysis costs over the two models it stands on;
- peak_rss_mb: the child's peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
EXAMPLES = REPO / "examples" / "fsb-china-leak"
BENCH_SIZE = 1000


def build_bench_corpus(path: Path, size: int = BENCH_SIZE) -> Path:
    """Write `size` real news articles as JSONL (ECB+ first, then WikiRef220)."""
    sources = [
        DATA / "ecbplus-event-clusters" / "ecbplus_docs.jsonl",
        DATA / "wikiref220-clusters" / "wikiref220.jsonl",
    ]
    missing = [s for s in sources if not s.exists()]
    if missing:
        sys.exit(f"bench corpus needs {missing[0]} (see ../shared/data/README.md)")
    written = 0
    with path.open("w", encoding="utf-8") as out:
        for source in sources:
            for line in source.open(encoding="utf-8"):
                rec = json.loads(line)
                text = (rec.get("text") or "").strip()
                if len(text.split()) < 40:  # ECB+ has 62 nearly empty documents
                    continue
                title = rec.get("title")
                out.write(json.dumps({"text": text, "title": title}) + "\n")
                written += 1
                if written == size:
                    return path
    return path


def measure(
    corpus: str, paths: list[str], engine: str = "local", address: str | None = None
) -> dict[str, object]:
    """One measurement, in this (child) process."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import stemma
    from stemma.annotate.nlp import is_analysable, load_pipeline
    from stemma.ingest import readers as ingest
    from stemma.model import Article
    from stemma.settings import DEFAULT

    t0 = time.perf_counter()
    nlp = load_pipeline()
    load_s = time.perf_counter() - t0

    settings = DEFAULT.but(engine=engine, ray_address=address)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        t0 = time.perf_counter()
        result = stemma.analyze(
            paths, db=db, out=Path(tmp) / "out", progress=False, settings=settings
        )
        wall = time.perf_counter() - t0
        t0 = time.perf_counter()
        stemma.analyze(paths, db=db, out=Path(tmp) / "out2", progress=False)
        rerun = time.perf_counter() - t0
        headlines, units = embedded_texts(db)

    loaded = ingest.load(paths)
    texts = [a.text for a in loaded if isinstance(a, Article) and is_analysable(a)]
    t0 = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=DEFAULT.batch_size):
        pass
    bare = time.perf_counter() - t0
    bare_minilm = bare_embedding_seconds(headlines, units)
    words = sum(len(t.split()) for t in texts)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "corpus": corpus,
        "engine": engine if address is None else f"{engine} ({address})",
        "articles": result.summary.articles,
        "words": words,
        "wall_s": round(wall, 2),
        "load_s": round(load_s, 2),
        "rerun_s": round(rerun, 2),
        "articles_per_s": round(result.summary.articles / wall, 1),
        "words_per_s": round(words / wall),
        "bare_nlp_s": round(bare, 2),
        "overhead": round(wall / bare, 2),
        "embedded": result.summary.embedded,
        "bare_minilm_s": round(bare_minilm, 2),
        "overhead_vs_models": round(wall / (bare + bare_minilm), 2),
        # The foundation stages alone (read + clean + annotate + store) against bare spaCy.
        "stages_s": result.summary.seconds,
        "annotate_overhead": round(
            (result.summary.seconds.get("read", 0) + result.summary.seconds.get("annotate", 0))
            / bare,
            2,
        ),
        "peak_rss_mb": round(peak_kb / 1024),
    }


def embedded_texts(db: Path) -> tuple[list[str], list[str]]:
    """What a fresh run embeds: headlines, and the claim units of stories
    with two or more articles (a one-article story needs no vectors)."""
    from stemma.analysis.units import claim_units
    from stemma.store.db import Store
    from stemma.stories import cluster

    with Store(db) as store:
        stories = store.stories()
        articles, annotations = store.load([a for s in stories for a in s.articles])
    by_id = {a.id: a for a in articles}
    headlines = [cluster.from_article(a, annotations.get(a.id)).headline for a in articles]
    units = [
        u.text
        for s in stories
        if len(s.articles) > 1
        for a in s.articles
        if a in by_id and a in annotations
        for u in claim_units(by_id[a], annotations[a])
    ]
    return headlines, units


def bare_embedding_seconds(headlines: list[str], units: list[str]) -> float:
    """MiniLM alone (loaded, warmed up) over those texts, each embedded once."""
    from stemma.settings import DEFAULT
    from stemma.stories.embed import MAX_TOKENS, embed

    embed(units[:32], max_tokens=DEFAULT.claims.max_tokens)
    t0 = time.perf_counter()
    embed(list(dict.fromkeys(headlines)), max_tokens=MAX_TOKENS)
    embed(list(dict.fromkeys(units)), max_tokens=DEFAULT.claims.max_tokens)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=["example", "bench"], help="run one corpus")
    parser.add_argument("--size", type=int, default=BENCH_SIZE, help="bench corpus size")
    parser.add_argument("--engine", choices=["local", "ray"], default="local")
    parser.add_argument("--address", help="with --engine ray: the Ray head, HOST:PORT")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child[0], args.child[1:], args.engine, args.address)))
        return
    runs: list[tuple[str, list[str]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        if args.only in (None, "example"):
            runs.append(("example", [str(EXAMPLES)]))
        if args.only in (None, "bench"):
            corpus = build_bench_corpus(Path(tmp) / f"bench-{args.size}.jsonl", args.size)
            runs.append((f"bench-{args.size}", [str(corpus)]))
        results = []
        for name, paths in runs:
            engine = ["--engine", args.engine]
            if args.address:
                engine += ["--address", args.address]
            child = subprocess.run(
                [sys.executable, __file__, *engine, "--child", name, *paths],
                capture_output=True,
                text=True,
                check=True,
            )
            line = child.stdout.strip().splitlines()[-1]
            results.append(json.loads(line))
            print(line, flush=True)
    print(json.dumps({"bench": "analyze", "results": results}, indent=2))


if __name__ == "__main__":
    main()
