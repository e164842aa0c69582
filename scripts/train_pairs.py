"""Train the same-claim pair model and write the weights stemma ships.

    .venv/bin/python scripts/train_pairs.py [--out src/stemma/analysis/pairs_model.json]

Data: the gold claims of the dev events (``../shared/data/events-dev``) and of
``eval/events`` — never ``eval/holdout``. Each event's articles are read, annotated
and cut into claim units exactly as one story of stemma's pipeline is
(``story_units``, the MiniLM vectors, the learned kinds; furniture out). A unit
belongs to a gold claim when it overlaps one of the claim's keywords in one of
its docs. Pairs of units from two articles, both in some gold claim: one claim
(1) when they share one, else two (0).

Model: logistic regression (C = 1) over ``stemma.analysis.pairs.FEATURES``.
Reported with each event held out in turn: ROC AUC and average precision of
the pairs against the cosine-plus-bonus score it replaces, and the clustering
(average linkage over the probabilities, same-article cannot-links and the
quote rules, as ``align_claims`` does) at each join probability: gold claims
whose docs all fall in one group, pairs of two gold claims put in one group,
pairwise precision/recall/F1. ``ClaimParams.join_probability`` is the lowest
threshold that puts no more pairs of two claims together than the
cosine-plus-bonus score at its own threshold.

Deterministic: the same events give the same weights.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "eval"))
import events as eval_events  # noqa: E402

from stemma.analysis import align  # noqa: E402
from stemma.analysis.kinds import classify  # noqa: E402
from stemma.analysis.pairs import FEATURES, MODEL_FILE, pair_features  # noqa: E402
from stemma.analysis.units import Unit, story_units  # noqa: E402
from stemma.settings import DEFAULT  # noqa: E402

#: Model version: bump when the features, the data or the model form change.
VERSION = "1"
THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)


def event_units(folder: Path) -> dict[str, Any]:
    """One event as one story's claim units, their vectors and gold labels."""
    from stemma.annotate import annotate
    from stemma.ingest import load
    from stemma.model import Article
    from stemma.stories.embed import embed

    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    records = [json.loads(line) for line in (folder / "articles.jsonl").open(encoding="utf-8")]
    doc_of_url = {r["url"]: r["id"].rsplit("-", 1)[-1] for r in records}
    articles = [a for a in load([folder / "articles.jsonl"]) if isinstance(a, Article)]
    annotations = list(annotate(articles))
    params = DEFAULT.claims
    units = story_units(articles, annotations, params=params)
    vectors = embed([u.text for u in units], max_tokens=params.max_tokens)
    units, furniture = classify(units, vectors)
    keep = ~np.array(furniture, dtype=bool)
    units = [u for u, k in zip(units, keep, strict=True) if k]
    vectors = vectors[keep]
    texts = {a.id: a.text.translate(eval_events._FOLD).casefold() for a in articles}
    doc = {a.id: doc_of_url.get(a.url or "") for a in articles}
    labels: list[set[int]] = [set() for _ in units]
    for k, claim in enumerate(gold["claims"]):
        for i, u in enumerate(units):
            if doc[u.article] not in claim["docs"]:
                continue
            text = texts[u.article]
            for kw in claim["keywords"]:
                want = kw.translate(eval_events._FOLD).casefold()
                at = text.find(want)
                while at >= 0:
                    if u.start < at + len(want) and at < u.end:
                        labels[i].add(k)
                    at = text.find(want, at + 1)
    return {"event": folder.name, "units": units, "vectors": vectors, "labels": labels}


def labelled_pairs(ev: dict[str, Any], features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    units, labels = ev["units"], ev["labels"]
    rows, ys = [], []
    for i in range(len(units)):
        for j in range(i + 1, len(units)):
            if units[i].article != units[j].article and labels[i] and labels[j]:
                rows.append(features[i, j])
                ys.append(int(bool(labels[i] & labels[j])))
    width = len(FEATURES)
    return np.array(rows).reshape(-1, width), np.array(ys, dtype=int)


def clustered(units: list[Unit], probabilities: np.ndarray, threshold: float) -> list[list[int]]:
    params = DEFAULT.claims
    scores = align._quote_rules(units, probabilities.copy(), lambda i, j: 1.0, params)
    scores = align.cannot_link_articles(units, scores)
    others = [i for i, u in enumerate(units) if u.kind != "commentary"]
    return align._agglomerate(scores, others, threshold)


def grouping_figures(ev: dict[str, Any], clusters: list[list[int]]) -> Counter[str]:
    units, labels = ev["units"], ev["labels"]
    of = {m: c for c, members in enumerate(clusters) for m in members}
    out: Counter[str] = Counter()
    for claim in set().union(*labels):
        arts: dict[str, set[int]] = {}
        for i, lab in enumerate(labels):
            if claim in lab:
                arts.setdefault(units[i].article, set()).add(of.get(i, -1 - i))
        count = Counter(c for cs in arts.values() for c in cs)
        out["claims"] += 1
        out["whole"] += any(v == len(arts) for v in count.values())
    ids = [i for i, lab in enumerate(labels) if lab]
    for x, i in enumerate(ids):
        for j in ids[x + 1 :]:
            if units[i].article == units[j].article:
                continue
            same_gold = bool(labels[i] & labels[j])
            together = of.get(i) is not None and of.get(i) == of.get(j)
            out["tp"] += same_gold and together
            out["fp"] += together and not same_gold
            out["fn"] += same_gold and not together
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    args = parser.parse_args(argv)
    folders = eval_events.events(None, ("dev", "own"))
    if not folders:
        print("no events found (../shared/data/events-dev, eval/events)", file=sys.stderr)
        return 2
    data = []
    for folder in folders:
        ev = event_units(folder)
        ev["features"] = pair_features(ev["units"], ev["vectors"])
        ev["X"], ev["y"] = labelled_pairs(ev, ev["features"])
        old = align.score_matrix(
            ev["units"], ev["vectors"], replace(DEFAULT.claims, learned_pairs=False)
        )
        ev["old"] = labelled_pairs(ev, old[:, :, None].repeat(len(FEATURES), axis=2))[0][:, 0]
        data.append(ev)
        print(f"{folder.name}: {len(ev['units'])} units, {len(ev['y'])} pairs", file=sys.stderr)

    def fit(evs: list[dict[str, Any]]) -> LogisticRegression:
        X = np.vstack([e["X"] for e in evs])
        y = np.concatenate([e["y"] for e in evs])
        return LogisticRegression(C=1.0, max_iter=2000).fit(X, y)

    held: list[np.ndarray] = []
    per_threshold: dict[float, Counter[str]] = {t: Counter() for t in THRESHOLDS}
    for k, ev in enumerate(data):
        model = fit([e for j, e in enumerate(data) if j != k])
        held.append(model.predict_proba(ev["X"])[:, 1])
        n = len(ev["units"])
        probs = model.predict_proba(ev["features"].reshape(n * n, -1))[:, 1].reshape(n, n)
        for t in THRESHOLDS:
            per_threshold[t] += grouping_figures(ev, clustered(ev["units"], probs, t))
    y = np.concatenate([e["y"] for e in data])
    p = np.concatenate(held)
    old = np.concatenate([e["old"] for e in data])
    old = np.where(np.isfinite(old), old, -1.0)
    report: dict[str, Any] = {
        "pairs": len(y),
        "same_claim_pairs": int(y.sum()),
        "held_out": {
            "learned": {"auc": roc_auc_score(y, p), "ap": average_precision_score(y, p)},
            "cosine_plus_bonus": {
                "auc": roc_auc_score(y, old),
                "ap": average_precision_score(y, old),
            },
        },
        "clustering": {},
    }
    for t, c in per_threshold.items():
        prec = c["tp"] / max(1, c["tp"] + c["fp"])
        rec = c["tp"] / max(1, c["tp"] + c["fn"])
        f1 = 2 * prec * rec / max(1e-9, prec + rec)
        report["clustering"][str(t)] = {
            "claims_whole": f"{c['whole']}/{c['claims']}",
            "pairs_of_two_claims_together": c["fp"],
            "pair_precision": round(prec, 3),
            "pair_recall": round(rec, 3),
            "pair_f1": round(f1, 3),
        }
    # The clustering the cosine-plus-bonus score gave at its own threshold.
    baseline: Counter[str] = Counter()
    for ev in data:
        scores = align.score_matrix(
            ev["units"], ev["vectors"], replace(DEFAULT.claims, learned_pairs=False)
        )
        others = [i for i, u in enumerate(ev["units"]) if u.kind != "commentary"]
        baseline += grouping_figures(
            ev, align._agglomerate(scores, others, DEFAULT.claims.join_threshold)
        )
    report["clustering"]["cosine_plus_bonus_at_join_threshold"] = {
        "claims_whole": f"{baseline['whole']}/{baseline['claims']}",
        "pairs_of_two_claims_together": baseline["fp"],
    }
    # The lowest threshold (most claims whole) that puts no more pairs of two
    # different claims together than the score it replaces: pair F1 alone
    # keeps rewarding recall, and a group of two claims is how a single-source
    # claim gets a second root.
    allowed = [t for t in THRESHOLDS if per_threshold[t]["fp"] <= baseline["fp"]]
    report["chosen_join_probability"] = min(allowed) if allowed else max(THRESHOLDS)
    model = fit(data)
    out = {
        "version": VERSION,
        "trained": datetime.now(UTC).date().isoformat(),
        "data": "gold claims of ../shared/data/events-dev and eval/events "
        f"({len(data)} events; eval/holdout kept out)",
        "features": list(FEATURES),
        "coef": [round(float(c), 6) for c in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 6),
        "held_out": report,
    }
    args.out.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=1, default=float))
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
