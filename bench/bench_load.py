"""The largest story page under load: N concurrent clients against a real uvicorn.

Serves a store of ~300 real news articles (the first 300 of bench_analyze's
corpus: ECB+ documents with text) with ``stemma serve``'s app on 127.0.0.1,
read-only, in a child process, and lets ``--clients`` threads (8), each on a
keep-alive connection of its own, ask for the page of the story with the most
articles for ``--duration`` seconds (or ``--requests`` in all, whichever comes
first). Prints JSON with p50/p99 latency and requests per second. Aim (issue
11): p99 < 300 ms at 8 clients.

    .venv/bin/python bench/bench_load.py [--db FILE] [--articles 300] [--clients 8]
        [--duration 20] [--requests N] [--what page|api] [--no-cache | --compare]

``--db FILE`` reuses the store at FILE when it exists and builds it there
otherwise (building 300 articles takes a few minutes on two cores).
``--no-cache`` serves with the page cache off (every request rebuilds the
page, as before issue 11); ``--compare`` measures without, then with it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_analyze import build_bench_corpus

TARGET_P99_MS = 300

#: The server: stemma serve's app as it is made for a loopback address,
#: read-only, with or without the page cache.
SERVER = """
import sys, uvicorn
from stemma.web.app import LOOPBACK_NAMES, create_app
db, port, cache = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
app = create_app(db, read_only=True, allowed_hosts=list(LOOPBACK_NAMES), page_cache=cache)
uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
"""


def build(db: Path, n: int) -> float:
    """Analyse the first ``n`` articles of the bench corpus into ``db``; seconds taken."""
    import stemma

    db.parent.mkdir(parents=True, exist_ok=True)
    corpus = build_bench_corpus(db.with_suffix(".jsonl"), n)
    t = time.perf_counter()
    stemma.analyze([str(corpus)], db=db, progress=False)
    return time.perf_counter() - t


def largest_story(db: Path) -> tuple[str, int, int]:
    """The story with the most articles: (id, its articles, articles in the store)."""
    from stemma.store import Store

    with Store(db, read_only=True) as s:
        biggest = max(s.stories(), key=lambda st: (len(st.articles), st.id))
        return biggest.id, len(biggest.articles), s.article_count()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(con: http.client.HTTPConnection, path: str) -> tuple[int, int]:
    con.request("GET", path)
    r = con.getresponse()
    return r.status, len(r.read())


def percentile(sorted_ms: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    k = max(0, min(len(sorted_ms) - 1, round(p / 100 * len(sorted_ms) + 0.5) - 1))
    return sorted_ms[k]


def measure(
    db: Path, path: str, *, cache: bool, clients: int, duration: float, requests: int
) -> dict[str, Any]:
    """Start a server, warm it with one request, then load it; stop it."""
    port = free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(db), str(port), "32" if cache else "0"],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                if get(probe, "/api/status")[0] == 200:
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.2)
        t = time.perf_counter()
        status, size = get(probe, path)
        first_ms = (time.perf_counter() - t) * 1000
        probe.close()
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")

        times: list[float] = []
        errors: list[int] = []
        lock = threading.Lock()
        left = [requests]
        start = threading.Barrier(clients + 1)
        stop_at = [0.0]

        def client() -> None:
            con = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            start.wait()
            mine: list[float] = []
            while time.perf_counter() < stop_at[0]:
                with lock:
                    if left[0] <= 0:
                        break
                    left[0] -= 1
                t = time.perf_counter()
                code, _ = get(con, path)
                mine.append((time.perf_counter() - t) * 1000)
                if code != 200:
                    with lock:
                        errors.append(code)
            con.close()
            with lock:
                times.extend(mine)

        threads = [threading.Thread(target=client) for _ in range(clients)]
        for th in threads:
            th.start()
        began = time.perf_counter()
        stop_at[0] = began + duration
        start.wait()
        for th in threads:
            th.join()
        elapsed = time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(timeout=30)
    ordered = sorted(times)
    p99 = percentile(ordered, 99)
    return {
        "cache": cache,
        "path": path,
        "page_bytes": size,
        "first_ms": round(first_ms, 1),
        "clients": clients,
        "requests": len(times),
        "errors": len(errors),
        "seconds": round(elapsed, 1),
        "req_per_s": round(len(times) / elapsed, 1),
        "p50_ms": round(percentile(ordered, 50), 1),
        "p90_ms": round(percentile(ordered, 90), 1),
        "p99_ms": round(p99, 1),
        "max_ms": round(ordered[-1], 1),
        "target_p99_ms": TARGET_P99_MS,
        "meets_target": p99 < TARGET_P99_MS and not errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, help="a store to reuse (built there if missing)")
    parser.add_argument("--articles", type=int, default=300, help="articles when building")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of load")
    parser.add_argument("--requests", type=int, default=100_000, help="at most this many")
    parser.add_argument("--what", choices=["page", "api"], default="page")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--no-cache", action="store_true", help="serve with the page cache off")
    mode.add_argument("--compare", action="store_true", help="without the cache, then with it")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    db = args.db or Path(tempfile.mkdtemp(prefix="stemma-bench-load-")) / "bench.duckdb"
    built_s = 0.0
    if not db.exists():
        built_s = build(db, args.articles)
    story, story_articles, articles = largest_story(db)
    path = ("/api" if args.what == "api" else "") + f"/stories/{story}"
    modes = [False, True] if args.compare else [not args.no_cache]
    runs = [
        measure(
            db,
            path,
            cache=cache,
            clients=args.clients,
            duration=args.duration,
            requests=args.requests,
        )
        for cache in modes
    ]
    print(
        json.dumps(
            {
                "bench": "load",
                "db": str(db),
                "articles": articles,
                "story": story,
                "story_articles": story_articles,
                "build_s": round(built_s, 1),
                "runs": runs,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
