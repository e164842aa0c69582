"""Train the kinds models and write the weights stemma ships.

    .venv/bin/python scripts/train_kinds.py [--out src/stemma/analysis/kinds_model.json]

- **commentary**: standardised logistic regression over [MiniLM vector, syntactic
  features] (``stemma.analysis.kinds.features``), on every news sentence labelled
  by hand in ``eval/kinds/labels/`` (commentary vs everything else;
  regularisation ``eval/kinds_data.C``). Its threshold maximises F0.5 of the
  commentary class when each event or page set is held out in turn (precision
  counts twice: a report hidden as commentary loses corroboration).
- **furniture**: the same, furniture vs everything else, threshold by F0.5 alike.
- **check-worthiness**: the same model form on ClaimBuster 2.5xNCS (all 9,674
  sentences; check-worthy = label 1); its threshold (used to count the
  check-worthy unsourced claims) maximises F1 over 3 folds.

Needs ../shared/data (the dev events' texts, ClaimBuster). Deterministic: the
same data give the same weights.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "eval"))
import kinds_data

from stemma.analysis.kinds import FEATURES, MODEL_FILE

#: Model version: bump when the features, the data or the model form change.
VERSION = "2"
fit = kinds_data.fit
best_threshold = kinds_data.best_threshold


def held_out_probabilities(x: np.ndarray, y: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Each row's probability from a model trained without its group."""
    p = np.zeros(len(y))
    for g in sorted(set(groups)):
        test = groups == g
        scaler, clf = fit(x[~test], y[~test])
        p[test] = clf.predict_proba(scaler.transform(x[test]))[:, 1]
    return p


def cb_threshold(x: np.ndarray, y: np.ndarray) -> float:
    """The check-worthiness threshold that maximises F1 over 3 folds."""
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold

    p = np.zeros(len(y))
    for train, test in StratifiedKFold(3, shuffle=True, random_state=0).split(x, y):
        scaler, clf = fit(x[train], y[train])
        p[test] = clf.predict_proba(scaler.transform(x[test]))[:, 1]
    scores = [f1_score(y, p >= t, zero_division=0) for t in kinds_data.THRESHOLDS]
    return float(kinds_data.THRESHOLDS[int(np.argmax(scores))])


def head(x: np.ndarray, y: np.ndarray, threshold: float, data: str) -> dict:
    """One head's weights, the standardisation folded in: p = σ(x · coef + intercept)."""
    scaler, clf = fit(x, y)
    coef = clf.coef_[0] / scaler.scale_
    intercept = float(clf.intercept_[0] - np.dot(coef, scaler.mean_))
    return {
        "data": data,
        "rows": len(y),
        "positives": int(y.sum()),
        "threshold": threshold,
        "coef": [float(f"{v:.8g}") for v in coef],
        "intercept": float(f"{intercept:.10g}"),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=MODEL_FILE)
    args = ap.parse_args()
    news, missing = kinds_data.news_rows()
    if missing:
        print(
            "cannot train without every labelled set:\n  " + "\n  ".join(missing), file=sys.stderr
        )
        return 2
    xn = kinds_data.design(news, kinds_data.vectors(r.text for r in news))
    yn = np.array([r.label == "commentary" for r in news])
    groups = np.array([r.group for r in news])
    threshold = best_threshold(held_out_probabilities(xn, yn, groups), yn)
    yf = np.array([r.label == "furniture" for r in news])
    furniture_threshold = best_threshold(held_out_probabilities(xn, yf, groups), yf)
    cb = kinds_data.claimbuster_rows()
    xc = kinds_data.design(cb, kinds_data.vectors(r.text for r in cb))
    yc = np.array([r.label == "1" for r in cb])
    model = {
        "version": VERSION,
        "trained": datetime.now(UTC).strftime("%Y-%m-%d"),
        "command": "python scripts/train_kinds.py",
        "features": list(FEATURES),
        "vector": "MiniLM (all-MiniLM-L6-v2 as packaged), the claim alignment's vectors",
        "commentary": head(
            xn,
            yn,
            threshold,
            f"hand-labelled news sentences, eval/kinds/labels ({len(set(groups))} sets); "
            "threshold: best held-out-set F1",
        ),
        "furniture": head(
            xn,
            yf,
            furniture_threshold,
            f"hand-labelled news sentences, eval/kinds/labels ({len(set(groups))} sets); "
            "threshold: best held-out-set F0.5",
        ),
        "checkworthy": head(
            xc,
            yc,
            cb_threshold(xc, yc),
            "ClaimBuster 2.5xNCS (utaresearch/claimbuster-spotter), all folds",
        ),
    }
    args.out.write_text(json.dumps(model, separators=(",", ":")) + "\n", encoding="utf-8")
    print(
        f"wrote {args.out}: commentary on {len(yn)} sentences ({int(yn.sum())} commentary), "
        f"threshold {threshold}; check-worthiness on {len(yc)} ClaimBuster sentences"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
