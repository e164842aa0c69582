"""How often a sentence's kind is right: commentary, and check-worthiness.

Three readers in one run, as one table:

- **first reading**: today's rules and word lists (``annotate.hedges.sentence_kind``);
  for check-worthiness, "not commentary" is its only signal;
- **MiniLM only**: logistic regression on the MiniLM vector alone (the baseline);
- **MiniLM + features**: the form stemma ships (``stemma.analysis.kinds``).

Measures:

- **news commentary**: hand-labelled news sentences (``eval/kinds/labels/``), each
  event or page set held out in turn; the decision threshold is chosen on the
  other sets only (nested, by F0.5: precision counts twice). The
  regularisation (``kinds_data.C``) was chosen on these same held-out runs. Precision,
  recall and F1 of the commentary class over all sentences, and "commentary vs
  reported": the same on the sentences labelled commentary or reported, with
  the macro F1 of those two classes;
- **furniture**: the same held-out runs, furniture (headlines, captions, credits,
  teasers cleaning left in) vs everything else; the first reading has no such
  test for sentences (0);
- **ClaimBuster 2.5xNCS**: F1 of the check-worthy class, 5-fold stratified
  (seed 0), the threshold chosen by F1 inside each training fold;
- **CLEF 2019 CheckThat! task 1**: trained on all of ClaimBuster, each test debate
  ranked by check-worthiness; mean average precision over the 7 debates (the
  best 2019 run scored 0.166).

Usage::

    .venv/bin/python eval/kinds.py [--json] [--quiet]

Exit 0 when it ran, 2 when a data set is missing (named on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from sklearn.metrics import average_precision_score, f1_score, precision_score, recall_score
from sklearn.model_selection import StratifiedKFold

sys.path.insert(0, str(Path(__file__).resolve().parent))
import kinds_data

from stemma.analysis.kinds import decide


def _fit(x: np.ndarray, y: np.ndarray):  # type: ignore[no-untyped-def]
    scaler, clf = kinds_data.fit(x, y)
    return lambda z: clf.predict_proba(scaler.transform(z))[:, 1]


_best_threshold = kinds_data.best_threshold


def held_out_commentary(
    x: np.ndarray, y: np.ndarray, groups: np.ndarray, rows: list | None = None
) -> np.ndarray:
    """Decisions for each group from a model and a threshold chosen without it;
    with ``rows``, through stemma's own rule (``kinds.decide``: a quote stays a
    quote, a hedged report stays a report)."""
    pred = np.zeros(len(y), dtype=bool)
    names = sorted(set(groups))
    for g in names:
        test = groups == g
        inner = np.zeros(int((~test).sum()))
        rest = groups[~test]
        for h in sorted(set(rest)):
            part = rest == h
            inner[part] = _fit(x[~test][~part], y[~test][~part])(x[~test][part])
        threshold = _best_threshold(inner, y[~test])
        p = _fit(x[~test], y[~test])(x[test])
        if rows is None:
            pred[test] = p >= threshold
        else:
            held = [r for r, t in zip(rows, test, strict=True) if t]
            pred[test] = [
                decide(r.first, float(q), threshold, r.text, r.attributed) == "commentary"
                for r, q in zip(held, p, strict=True)
            ]
    return pred


def commentary_scores(pred: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    y = labels == "commentary"
    both = (labels == "commentary") | (labels == "reported")
    return {
        "precision": precision_score(y, pred, zero_division=0),
        "recall": recall_score(y, pred, zero_division=0),
        "f1": f1_score(y, pred, zero_division=0),
        "vs_reported_f1": f1_score(y[both], pred[both], zero_division=0),
        "vs_reported_macro_f1": f1_score(y[both], pred[both], average="macro", zero_division=0),
    }


def furniture_scores(pred: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    y = labels == "furniture"
    return {
        "furniture_precision": precision_score(y, pred, zero_division=0),
        "furniture_recall": recall_score(y, pred, zero_division=0),
        "furniture_f1": f1_score(y, pred, zero_division=0),
    }


def claimbuster_f1(x: np.ndarray, y: np.ndarray) -> float:
    pred = np.zeros(len(y), dtype=bool)
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(x, y):
        threshold = f1_threshold(x[train], y[train])
        pred[test] = _fit(x[train], y[train])(x[test]) >= threshold
    return float(f1_score(y, pred))


def f1_threshold(x: np.ndarray, y: np.ndarray) -> float:
    """The F1-best threshold of a model on ``x``, from 3 inner folds of it."""
    p = np.zeros(len(y))
    for train, test in StratifiedKFold(3, shuffle=True, random_state=0).split(x, y):
        p[test] = _fit(x[train], y[train])(x[test])
    scores = [f1_score(y, p >= t, zero_division=0) for t in kinds_data.THRESHOLDS]
    return float(kinds_data.THRESHOLDS[int(np.argmax(scores))])


def clef_map(scores: np.ndarray, y: np.ndarray, docs: np.ndarray) -> float:
    aps = [average_precision_score(y[docs == d], scores[docs == d]) for d in sorted(set(docs))]
    return float(np.mean(aps))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--quiet", action="store_true", help="print only the table")
    args = ap.parse_args()
    for path in (kinds_data.CLAIMBUSTER, kinds_data.CLEF_TEST):
        if not path.exists():
            print(f"missing data set: {path} (see ../shared/data/README.md)", file=sys.stderr)
            return 2
    news, missing = kinds_data.news_rows(quiet=args.quiet)
    if missing:
        print("missing labelled sets:\n  " + "\n  ".join(missing), file=sys.stderr)
        return 2
    cb = kinds_data.claimbuster_rows()
    clef = kinds_data.clef_rows()
    vn = kinds_data.vectors(r.text for r in news)
    vc = kinds_data.vectors(r.text for r in cb)
    vk = kinds_data.vectors(r.text for r in clef)
    full = {
        "news": kinds_data.design(news, vn),
        "cb": kinds_data.design(cb, vc),
        "clef": kinds_data.design(clef, vk),
    }
    readers = {
        "MiniLM only": {"news": vn, "cb": vc, "clef": vk},
        "MiniLM + features (shipped)": full,
    }
    labels = np.array([r.label for r in news])
    groups = np.array([r.group for r in news])
    y_news = labels == "commentary"
    y_cb = np.array([r.label == "1" for r in cb])
    y_clef = np.array([r.label == "1" for r in clef])
    docs = np.array([r.doc for r in clef])

    table: dict[str, dict[str, float]] = defaultdict(dict)
    first = np.array([r.first == "commentary" for r in news])
    table["first reading (word lists)"] = {
        **commentary_scores(first, labels),
        # The rules' only furniture test for claim units: a headline or a question.
        **furniture_scores(np.zeros(len(labels), dtype=bool), labels),
        "claimbuster_f1": float(f1_score(y_cb, [r.first != "commentary" for r in cb])),
        "clef_map": clef_map(
            np.array([r.first != "commentary" for r in clef], float), y_clef, docs
        ),
    }
    for name, x in readers.items():
        if not args.quiet:
            print(f"  {name}: held-out news …", file=sys.stderr)
        pred = held_out_commentary(
            x["news"], y_news, groups, news if name.endswith("(shipped)") else None
        )
        furn = held_out_commentary(x["news"], labels == "furniture", groups)
        table[name] = {
            **commentary_scores(pred, labels),
            **furniture_scores(furn, labels),
            "claimbuster_f1": claimbuster_f1(x["cb"], y_cb),
            "clef_map": clef_map(_fit(x["cb"], y_cb)(x["clef"]), y_clef, docs),
        }

    if args.json:
        print(json.dumps({"rows": len(news), "commentary": int(y_news.sum()), **table}, indent=2))
        return 0
    print(
        f"news: {len(news)} sentences, {int(y_news.sum())} commentary, {len(set(groups))} sets "
        f"held out in turn · ClaimBuster: {len(cb)} · CLEF 2019 test: {len(clef)} lines, "
        f"{len(set(docs))} debates"
    )
    head = (
        f"{'reader':30} {'comm P':>7} {'comm R':>7} {'comm F1':>8} {'vs-rep F1':>9} "
        f"{'vs-rep macro':>12} {'furn P':>7} {'furn R':>7} {'furn F1':>8} {'CB F1':>6} "
        f"{'CLEF MAP':>8}"
    )
    print(head)
    print("-" * len(head))
    for name, t in table.items():
        print(
            f"{name:30} {t['precision']:7.3f} {t['recall']:7.3f} {t['f1']:8.3f} "
            f"{t['vs_reported_f1']:9.3f} {t['vs_reported_macro_f1']:12.3f} "
            f"{t['furniture_precision']:7.3f} {t['furniture_recall']:7.3f} "
            f"{t['furniture_f1']:8.3f} {t['claimbuster_f1']:6.3f} {t['clef_map']:8.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
