"""Server-side render time of the story page for a 50-article story.

Builds a store from ECB+ (../shared/data/ecbplus-event-clusters): the
articles of topic 1 with real text, topped up to 50 with near-copies (the
last sentence dropped, as syndication often does), analysed together and
assigned to one story. Then times, over N requests through FastAPI's
TestClient (no network), the whole story page, its JSON API route, and the
query part alone, and prints JSON. Target: story page < 300 ms.

    .venv/bin/python bench/bench_web.py [--articles 50] [--requests 20] [--db FILE]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
ECB = DATA / "ecbplus-event-clusters" / "ecbplus_docs.jsonl"

#: ECB+ documents shorter than this are nearly empty (62 of them): not articles.
MIN_CHARS = 300
TOPIC = 1
TARGET_MS = 300


def corpus(n: int) -> list[dict[str, str]]:
    docs = [json.loads(line) for line in ECB.read_text(encoding="utf-8").splitlines()]
    chosen = [d for d in docs if d["topic"] == TOPIC and len(d["text"]) >= MIN_CHARS]
    records = [
        {"title": d["title"], "text": d["text"], "outlet": f"Outlet {i}"}
        for i, d in enumerate(chosen[:n])
    ]
    i = 0
    while len(records) < n:
        d = chosen[i % len(chosen)]
        sentences = d["text"].split(". ")
        shorter = ". ".join(sentences[:-1]) + "." if len(sentences) > 2 else d["text"] + " "
        records.append(
            {"title": d["title"], "text": shorter + f"\n(copy {i})", "outlet": f"Copier {i}"}
        )
        i += 1
    return records


def build(db: Path, n: int) -> str:
    """Analyse ``n`` articles into ``db`` and make them one story; return its id."""
    import stemma
    from stemma.analysis.story import analyse_story
    from stemma.model import Story
    from stemma.store import Store

    folder = db.parent / "bench-corpus"
    folder.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(r, ensure_ascii=False) for r in corpus(n)]
    (folder / "articles.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Store(db) as store:
        result = stemma.analyze([str(folder)], db=store, progress=False)
        ids = [str(i) for i in result.articles["id"]]
        story = Story(id=ids[0], articles=tuple(ids), title=None)
        store.save_stories([story])
        found, annotations = store.load(ids)
        analysed = analyse_story(story, found, annotations)
        key = hashlib.sha256(json.dumps(sorted(ids)).encode()).hexdigest()[:16]
        store.save_story(story.id, key, analysed)
    return story.id


def timed(fn: Any, repeat: int) -> dict[str, float]:
    fn()  # warm: templates compiled, DuckDB caches filled
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return {
        "median_ms": round(statistics.median(times), 1),
        "min_ms": round(min(times), 1),
        "max_ms": round(max(times), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--db", type=Path, help="reuse a store built by an earlier run")
    args = parser.parse_args()
    if not ECB.exists():
        sys.exit(f"ECB+ is not at {ECB}: see ../shared/data/README.md")

    from fastapi.testclient import TestClient

    from stemma.store import Store
    from stemma.web import queries
    from stemma.web.app import create_app

    if args.db and args.db.exists():
        db = args.db
        with Store(db, read_only=True) as s:
            story_id = max(s.stories(), key=lambda st: len(st.articles)).id
        built_s = 0.0
    else:
        db = args.db or Path(tempfile.mkdtemp(prefix="stemma-bench-web-")) / "bench.duckdb"
        t = time.perf_counter()
        story_id = build(db, args.articles)
        built_s = time.perf_counter() - t

    app = create_app(db, read_only=True)
    with TestClient(app) as client:
        page = client.get(f"/stories/{story_id}")
        assert page.status_code == 200, page.text[:500]
        data = client.get(f"/api/stories/{story_id}").json()
        store = app.state.store
        result = {
            "articles": len(data["articles"]),
            "claims": len(data["matrix"]["rows"]),
            "graph_nodes": len(data["graph"]["nodes"]),
            "page_bytes": len(page.content),
            "requests": args.requests,
            "story_page": timed(lambda: client.get(f"/stories/{story_id}"), args.requests),
            "story_api": timed(lambda: client.get(f"/api/stories/{story_id}"), args.requests),
            "query_only": timed(lambda: queries.story(store, story_id), args.requests),
            "stories_page": timed(lambda: client.get("/"), args.requests),
            "target_ms": TARGET_MS,
            "build_s": round(built_s, 1),
            "db": str(db),
        }
    result["meets_target"] = result["story_page"]["median_ms"] < TARGET_MS
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
