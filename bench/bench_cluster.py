"""Benchmark: story clustering alone on synthetic archives of 100k and 1M articles.

No model: the inputs are built directly. Stories are drawn around synthetic
centroids (``--dim`` 384, MiniLM's width): topics, each with stories whose
centroids lean towards the topic's (two stories of one topic: cosine ~0.4, as
two same-kind events), articles around their story's centroid (two articles of
one story: cosine ~0.6); a tenth of the articles are reprints of another
article of their story (the text with a word or two changed, the vectors
nearly the same, up to two days later). Story sizes are heavy-tailed (most of
one to five articles, a few of hundreds); dates spread over ``--days`` (180);
each story names a few entities of its own and of its topic, each article a
subset with counts, plus common names every story shares. Texts are 40 to 60
words from the story's vocabulary, so that only reprints share 3-grams.

For each size: one call of ``cluster_stories`` on the whole archive with a
fresh ``StoryIndex`` (total time, peak memory, B-cubed F1 against the
synthetic stories: a sanity figure), then ``--batches`` batches of
``--added`` (1,000) new articles, dated in the archive's last days (most
continuing its recent stories, the rest new events), each one call with
``existing`` and the kept index: the time per added article and where the
added articles went. Memory: the process's resident set before clustering
(the inputs) and its peak while clustering (Linux: the peak counter is reset
after the corpus is generated); each size runs in a fresh child process.

Usage::

    .venv/bin/python bench/bench_cluster.py [--sizes 100000,1000000] [--quiet]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from stemma.model import Story
from stemma.settings import DEFAULT, ClusterParams
from stemma.stories.cluster import StoryIndex, StoryInput, cluster_stories

EPOCH = dt.date(2025, 1, 1)
#: Common names most articles carry whatever their story ("Monday"-like
#: places and bodies that every outlet names).
COMMON = [f"common name {k}" for k in range(40)]
#: Words every text draws from besides its story's own.
GENERAL = np.array([f"w{k}" for k in range(5000)])


@dataclass
class Corpus:
    items: list[StoryInput]
    documents: np.ndarray
    headlines: np.ndarray
    truth: list[int]


class Generator:
    """Synthetic stories, reproducible from a seed; remembers each story's
    centroid, topic, names, start day and words so that later batches can
    continue them."""

    def __init__(self, seed: int, dim: int, days: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.dim, self.days = dim, days
        self.topics: np.ndarray = np.empty((0, dim), np.float32)
        self.topic_names: list[list[str]] = []
        self.centroids: list[np.ndarray] = []
        self.story_topic: list[int] = []
        self.story_names: list[list[str]] = []
        self.story_start: list[float] = []
        self.count = 0

    def _unit(self, rows: np.ndarray) -> np.ndarray:
        return (rows / np.linalg.norm(rows, axis=-1, keepdims=True)).astype(np.float32)

    def _noise(self, n: int, scale: float) -> np.ndarray:
        return self.rng.standard_normal((n, self.dim), dtype=np.float32) * (
            scale / np.sqrt(self.dim)
        )

    def new_topics(self, n: int) -> None:
        self.topics = np.concatenate([self.topics, self._unit(self._noise(n, 1.0))])
        start = len(self.topic_names)
        self.topic_names += [[f"topic {start + t} name {k}" for k in range(30)] for t in range(n)]

    def new_story(self, start_day: float) -> int:
        s = len(self.centroids)
        topic = int(self.rng.integers(len(self.topics)))
        # cos(topic, story) ~0.63: two stories of a topic ~0.4
        centroid = self._unit(self.topics[topic] * 0.63 + self._noise(1, 0.77)[0])
        self.centroids.append(centroid)
        self.story_topic.append(topic)
        own = [f"story {s} name {k}" for k in range(int(self.rng.integers(3, 7)))]
        pool = self.topic_names[topic]
        shared = [pool[int(k)] for k in self.rng.choice(len(pool), 3, replace=False)]
        self.story_names.append(own + shared)
        self.story_start.append(start_day)
        return s

    def articles(self, stories: np.ndarray, days: np.ndarray) -> Corpus:
        """One article per entry of ``stories`` (story numbers), on ``days``."""
        n = len(stories)
        documents = np.empty((n, self.dim), dtype=np.float32)
        for start in range(0, n, 65_536):  # in chunks: bounded temporaries
            part = stories[start : start + 65_536].tolist()
            centroids = np.stack([self.centroids[s] for s in part])
            documents[start : start + len(part)] = self._unit(
                centroids + self._noise(len(part), 0.82)
            )
        reprint = np.zeros(n, dtype=bool)
        texts: list[str] = []
        last_text: dict[int, tuple[int, str]] = {}
        items: list[StoryInput] = []
        for k, (s, day) in enumerate(zip(stories.tolist(), days.tolist(), strict=True)):
            if s in last_text and self.rng.random() < 0.1:
                # A reprint of the story's latest article: one or two words changed.
                source, text = last_text[s]
                words = text.split()
                for _ in range(int(self.rng.integers(1, 3))):
                    words[int(self.rng.integers(len(words)))] = "edited"
                text = " ".join(words)
                documents[k] = self._unit(documents[source] + self._noise(1, 0.05)[0])
                reprint[k] = True
            else:
                length = int(self.rng.integers(40, 61))
                own = [f"s{s}w{w}" for w in self.rng.integers(0, 150, length // 2).tolist()]
                general = GENERAL[self.rng.integers(0, len(GENERAL), length - length // 2)]
                words = own + general.tolist()
                self.rng.shuffle(words)
                text = " ".join(words)
                last_text[s] = (k, text)
            texts.append(text)
            names = self.story_names[s]
            chosen = [x for x in names if self.rng.random() < 0.7]
            chosen += [COMMON[int(c)] for c in self.rng.integers(0, len(COMMON), 3)]
            pool = self.topic_names[self.story_topic[s]]
            chosen += [pool[int(c)] for c in self.rng.integers(0, len(pool), 2)]
            counts = {x: int(self.rng.integers(1, 6)) for x in chosen}
            published = (EPOCH + dt.timedelta(days=int(day))).isoformat()
            self.count += 1
            items.append(
                StoryInput(
                    id=f"a{self.count:08d}",
                    title=f"Story {s} report {k}",
                    lead="",
                    text=text,
                    entities=frozenset(counts),
                    published=published,
                    entity_counts=tuple(sorted(counts.items())),
                )
            )
        headlines = np.empty_like(documents)
        for start in range(0, n, 65_536):
            part = documents[start : start + 65_536]
            headlines[start : start + len(part)] = self._unit(part + self._noise(len(part), 0.6))
        return Corpus(items, documents, headlines, stories.tolist())

    def archive(self, n: int) -> Corpus:
        """``n`` articles over ``days`` days."""
        self.new_topics(max(20, n // 2500))
        stories: list[int] = []
        days: list[float] = []
        while len(stories) < n:
            size = min(int(self.rng.pareto(1.6) * 2.5) + 1, 400, n - len(stories))
            start = float(self.rng.uniform(0, self.days - 7))
            s = self.new_story(start)
            stories += [s] * size
            days += (start + np.minimum(self.rng.exponential(1.5, size), 6.0)).tolist()
        order = np.argsort(np.asarray(days), kind="stable")  # the order they were published
        return self.articles(np.asarray(stories)[order], np.floor(np.asarray(days)[order]))

    def batch(self, n: int, continuing: float = 0.6) -> Corpus:
        """``n`` articles of the last days: ``continuing`` of them continue
        stories that started in the last week, the rest are new events."""
        recent = [s for s, d in enumerate(self.story_start) if d >= self.days - 14]
        stories: list[int] = []
        days: list[float] = []
        for _ in range(n):
            if recent and self.rng.random() < continuing:
                s = recent[int(self.rng.integers(len(recent)))]
            else:
                s = self.new_story(float(self.days - 1))
                recent.append(s)
            stories.append(s)
            days.append(min(self.story_start[s] + float(self.rng.exponential(1.5)), self.days + 2))
        return self.articles(np.asarray(stories), np.floor(np.asarray(days)))


def b_cubed(truth: Sequence[int], predicted: Sequence[int]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1, from the contingency of the two labellings."""
    t = np.unique(np.asarray(truth), return_inverse=True)[1]
    p = np.unique(np.asarray(predicted), return_inverse=True)[1]
    pair = t.astype(np.int64) * (p.max() + 1) + p
    _, inverse, joint = np.unique(pair, return_inverse=True, return_counts=True)
    both = joint[inverse].astype(np.float64)
    precision = float((both / np.bincount(p)[p]).mean())
    recall = float((both / np.bincount(t)[t]).mean())
    return precision, recall, 2 * precision * recall / (precision + recall)


def labels(stories: Sequence[Story], ids: Sequence[str]) -> list[int]:
    story_of = {a: k for k, s in enumerate(stories) for a in s.articles}
    return [story_of[a] for a in ids]


def _status(field: str) -> float | None:
    """A memory field of /proc/self/status in GB (Linux), else None."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024**2
    except OSError:
        return None
    return None


def reset_peak() -> bool:
    """Start counting the peak resident set afresh (Linux: clear_refs 5)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def peak_gb() -> float:
    """The peak resident set since the last :func:`reset_peak` (VmHWM), or of
    the whole process (``ru_maxrss``) where that is not available."""
    hwm = _status("VmHWM")
    return hwm if hwm is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def rss_gb() -> float:
    return _status("VmRSS") or peak_gb()


def run_size(n: int, args: argparse.Namespace) -> dict[str, Any]:
    params = (
        DEFAULT.stories if args.exact_limit is None else ClusterParams(exact_limit=args.exact_limit)
    )
    gen = Generator(args.seed, args.dim, args.days)
    clock = time.perf_counter()
    corpus = gen.archive(n)
    made = time.perf_counter() - clock
    generation_peak = peak_gb()
    before = rss_gb()
    reset = reset_peak()
    index = StoryIndex()
    clock = time.perf_counter()
    stories = cluster_stories(
        corpus.items,
        embeddings=corpus.headlines,
        documents=corpus.documents,
        params=params,
        index=index,
    )
    seconds = time.perf_counter() - clock
    peak = peak_gb()
    ids = [it.id for it in corpus.items]
    precision, recall, f1 = b_cubed(corpus.truth, labels(stories, ids))
    result: dict[str, Any] = {
        "articles": n,
        "stories (truth)": len(set(corpus.truth)),
        "stories found": len(stories),
        "reprints": int(sum(1 for it in corpus.items if "edited" in it.text.split())),
        "generate seconds": round(made, 1),
        "cluster seconds": round(seconds, 1),
        "articles per second": round(n / seconds),
        "RSS GB before clustering (the inputs)": round(before, 2),
        "peak RSS GB while clustering (inputs included)": round(peak, 2),
        "peak RSS GB while generating": round(generation_peak, 2),
        "peak measured": "VmHWM reset before clustering" if reset else "ru_maxrss (whole run)",
        "B3 precision": round(precision, 4),
        "B3 recall": round(recall, 4),
        "B3 F1": round(f1, 4),
    }
    truth = list(corpus.truth)
    del corpus
    seen = set(truth)
    batches = []
    for b in range(args.batches):
        added = gen.batch(args.added)
        clock = time.perf_counter()
        grown = cluster_stories(
            added.items,
            existing=stories,
            embeddings=added.headlines,
            documents=added.documents,
            params=params,
            index=index,
        )
        seconds = time.perf_counter() - clock
        ids += [it.id for it in added.items]
        truth += added.truth
        joined = sum(
            len(s.articles) - len(o.articles) for s, o in zip(grown, stories, strict=False)
        )
        stories = grown
        batches.append(
            {
                "batch": b + 1,
                "seconds": round(seconds, 3),
                "ms per added article": round(1000 * seconds / args.added, 3),
                "joined existing stories": joined,
                "continuing a story by truth": int(sum(1 for s in added.truth if s in seen)),
            }
        )
        seen.update(added.truth)
    precision, recall, f1 = b_cubed(truth, labels(stories, ids))
    result["added batches"] = batches
    result["ms per added article (median)"] = (
        float(np.median([x["ms per added article"] for x in batches])) if batches else None
    )
    result["B3 F1 after adding"] = round(f1, 4)
    result["peak RSS GB (clustering and batches)"] = round(peak_gb(), 2)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="archive sizes, comma-separated")
    parser.add_argument("--added", type=int, default=1000, help="articles per added batch")
    parser.add_argument("--batches", type=int, default=3, help="added batches per size")
    parser.add_argument("--dim", type=int, default=384, help="vector width (MiniLM: 384)")
    parser.add_argument("--days", type=int, default=180, help="days the archive spans")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--exact-limit", type=int, default=None, help="override exact_limit")
    parser.add_argument("--quiet", action="store_true", help="print only the JSON")
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(run_size(args.child, args)))
        return
    results = []
    for n in [int(x) for x in args.sizes.split(",") if x]:
        if not args.quiet:
            print(f"clustering {n:,} synthetic articles ...", file=sys.stderr)
        command = [sys.executable, __file__, "--child", str(n), *sys.argv[1:]]
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        if not args.quiet:
            print(json.dumps(results[-1], indent=2), file=sys.stderr)
    print(json.dumps({"cores": os.cpu_count(), "sizes": results}, indent=2))


if __name__ == "__main__":
    main()
