"""Train the learned page-furniture line classifier (``stemma/ingest/lines_model.json``).

Data (no other input; the output is reproduced exactly by running this again):

- the dev events ``../shared/data/events-dev/*/`` and the own events ``eval/events/*/``
  (never ``eval/holdout/``): every non-blank line of each ``split/*.txt`` that the rules
  of ``stemma.ingest.clean`` keep and the classifier may remove
  (``clean.rule_pass_lines``). A line holding a gold ``boilerplate`` fragment is
  furniture; a line holding a ``must_keep`` fragment is article text and weighs
  ``MUST_KEEP_WEIGHT``; every other line is article text.
- the article-extraction benchmark ``../shared/data/article-extraction-benchmark``: each
  page's HTML rendered to lines (scripts and styles dropped, one line per block
  element); a line whose words are not a run of the ground-truth ``articleBody`` is
  furniture. Only the lines from ``WINDOW`` lines before the first to ``WINDOW`` after the
  last line of the article (of 8 words or more) are used, as a plain-text copy holds the
  article and what sits around it, not the site's menus. The page's ``<title>`` and
  ``<h1>`` lines are left out (the headline is not in ``articleBody`` but is not
  furniture). Every third page (by sorted id) is held out: never trained on, scored at
  the end.

Model: standardised features (``stemma.ingest.lines.FEATURES``), logistic regression.
Threshold: cross-validation by event / by page (5 folds; an event's or a page's lines
are all in one fold); the lowest threshold at which the out-of-fold predictions on the
events' lines have precision >= ``TARGET_PRECISION`` and remove no must-keep line.

    .venv/bin/python scripts/train_lines.py [--check]

``--check`` trains and prints the figures without writing the JSON.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from stemma.ingest import lines as classifier
from stemma.ingest.clean import rule_pass_lines

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
EVENT_SETS = {"dev": DATA / "events-dev", "own": REPO / "eval" / "events"}
BENCH = DATA / "article-extraction-benchmark"
OUT = REPO / "src" / "stemma" / "ingest" / "lines_model.json"

FOLDS = 5
WINDOW = 10
MUST_KEEP_WEIGHT = 5.0
BENCH_WEIGHT = 0.2
TARGET_PRECISION = 0.8
C = 1.0

_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "})
_TOKEN = re.compile(r"\w+")
_BLOCK = {
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "header", "footer",
    "nav", "section", "article", "aside", "figure", "figcaption", "blockquote", "tr", "td",
    "th", "table", "form", "button", "dd", "dt", "dl", "main", "pre", "option", "label",
}  # fmt: skip


def fold(text: str) -> str:
    return " ".join(text.translate(_FOLD).split()).casefold()


@dataclass
class Data:
    """Candidate lines: features, label (1 furniture), weight, group, source."""

    x: list[list[float]] = field(default_factory=list)
    y: list[int] = field(default_factory=list)
    w: list[float] = field(default_factory=list)
    group: list[str] = field(default_factory=list)
    must_keep: list[bool] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    def add(self, feats: list[float], label: int, weight: float, group: str, mk: bool, t: str):
        self.x.append(feats)
        self.y.append(label)
        self.w.append(weight)
        self.group.append(group)
        self.must_keep.append(mk)
        self.text.append(t)


@dataclass
class RuleCounts:
    """Gold furniture lines of the events that the rules already remove, and all of them."""

    by_rules: int = 0
    total: int = 0


def event_data(rules: RuleCounts) -> Data:
    data = Data()
    for name, root in EVENT_SETS.items():
        for gold_file in sorted(root.glob("*/gold.json")):
            event = gold_file.parent
            gold = json.loads(gold_file.read_text(encoding="utf-8"))
            for path in sorted((event / "split").glob("*.txt")):
                doc = path.stem.rsplit("-", 1)[-1]
                boiler = [fold(f) for f in gold.get("boilerplate", {}).get(doc, [])]
                keep = [fold(f) for f in gold.get("must_keep", {}).get(doc, [])]
                lines, removed, candidates = rule_pass_lines(path.read_text(encoding="utf-8"))
                for i, line in enumerate(lines):
                    if any(f in fold(line) for f in boiler):
                        rules.total += 1
                        rules.by_rules += removed[i]
                for i in candidates:
                    folded = fold(lines[i])
                    pos = any(f in folded for f in boiler)
                    mk = any(f in folded for f in keep)
                    if pos and mk:
                        continue
                    feats = classifier.line_features(lines, removed, i)
                    weight = MUST_KEEP_WEIGHT if mk else 1.0
                    data.add(feats, int(pos), weight, f"{name}:{event.name}", mk, lines[i])
    return data


def render(html: bytes) -> tuple[str, set[str]]:
    """The page as lines of text, and its folded title and h1 lines."""
    root = lxml.html.fromstring(html)
    heads = {fold(e.text_content()) for e in root.xpath("//title|//h1")}
    for bad in root.xpath("//script|//style|//noscript|//template|//svg|//head|//iframe"):
        bad.drop_tree()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag in _BLOCK:
            el.text = "\n" + (el.text or "")
            el.tail = "\n" + (el.tail or "")
        elif el.tag == "br":
            el.tail = "\n" + (el.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line), heads


def bench_pages() -> list[tuple[str, bytes, str]]:
    truth = json.loads((BENCH / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth):
        html = gzip.decompress((BENCH / "html" / f"{page_id}.html.gz").read_bytes())
        pages.append((page_id, html, truth[page_id]["articleBody"]))
    return pages


def bench_data(pages: list[tuple[str, bytes, str]]) -> Data:
    data = Data()
    for page_id, html, body in pages:
        text, heads = render(html)
        gold = " " + " ".join(_TOKEN.findall(body.lower())) + " "
        lines, removed, candidates = rule_pass_lines(text)
        in_body = [f" {' '.join(_TOKEN.findall(line.lower()))} " in gold for line in lines]
        body_at = [i for i, ok in enumerate(in_body) if ok and len(lines[i].split()) >= 8]
        if not body_at:
            continue
        # a plain-text copy holds the article and what sits around it, not the whole site
        first, last = body_at[0] - WINDOW, body_at[-1] + WINDOW
        for i in candidates:
            if fold(lines[i]) in heads or not first <= i <= last:
                continue
            pos = not in_body[i] or not _TOKEN.search(lines[i])
            feats = classifier.line_features(lines, removed, i)
            data.add(feats, int(pos), BENCH_WEIGHT, f"bench:{page_id}", False, lines[i])
    return data


def fit(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[StandardScaler, LogisticRegression]:
    scaler = StandardScaler().fit(x)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    scaler.scale_ = scale
    model = LogisticRegression(C=C, max_iter=5000)
    model.fit(scaler.transform(x), y, sample_weight=w)
    return scaler, model


def folds_of(groups: list[str]) -> np.ndarray:
    """Fold of each line: its group's rank (sorted, per source) modulo FOLDS."""
    fold_of: dict[str, int] = {}
    for kind in ("dev:", "own:", "bench:"):
        names = sorted({g for g in groups if g.startswith(kind)})
        # one sequence across dev and own so the folds stay balanced
        start = len([g for g in fold_of if not g.startswith("bench:")]) if kind == "own:" else 0
        for k, g in enumerate(names):
            fold_of[g] = (start + k) % FOLDS
    return np.array([fold_of[g] for g in groups])


def pr(pred: np.ndarray, y: np.ndarray) -> tuple[float, float, int, int, int]:
    tp = int((pred & (y == 1)).sum())
    fp = int((pred & (y == 0)).sum())
    pos = int((y == 1).sum())
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / pos if pos else 0.0), tp, fp, pos


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="do not write the JSON")
    parser.add_argument("--show", type=int, default=0, help="print N false removals")
    args = parser.parse_args(argv)

    rules = RuleCounts()
    events = event_data(rules)
    pages = bench_pages()
    train_pages = [p for k, p in enumerate(pages) if k % 3 != 2]
    test_pages = [p for k, p in enumerate(pages) if k % 3 == 2]
    bench = bench_data(train_pages)
    test = bench_data(test_pages)

    x = np.array(events.x + bench.x)
    y = np.array(events.y + bench.y)
    w = np.array(events.w + bench.w)
    groups = events.group + bench.group
    is_event = np.array([not g.startswith("bench:") for g in groups])
    must_keep = np.array(events.must_keep + bench.must_keep)
    texts = events.text + bench.text
    fold_ids = folds_of(groups)
    oof = np.zeros(len(y))
    for k in range(FOLDS):
        train, held = fold_ids != k, fold_ids == k
        scaler, model = fit(x[train], y[train], w[train])
        oof[held] = model.predict_proba(scaler.transform(x[held]))[:, 1]

    ev_y, ev_p, ev_mk = y[is_event], oof[is_event], must_keep[is_event]
    print(
        f"lines: events {int(is_event.sum())} candidates ({int(ev_y.sum())} furniture, "
        f"{int(ev_mk.sum())} must-keep); bench train {len(bench.y)} ({sum(bench.y)}); "
        f"bench held-out {len(test.y)} ({sum(test.y)})"
    )
    cut = None
    for t in np.round(np.arange(0.30, 0.995, 0.01), 2):
        pred = ev_p >= t
        p, r, tp, fp, _ = pr(pred, ev_y)
        removed_mk = int((pred & ev_mk).sum())
        if cut is None and p >= TARGET_PRECISION and removed_mk == 0:
            cut = float(t)
        if round(t * 100) % 5 == 0 or t == cut:
            print(f"  t={t:.2f}  events OOF P={p:.3f} R={r:.3f} (tp {tp}, fp {fp}) mk {removed_mk}")
    if args.show:
        for i in np.flatnonzero(is_event & must_keep & (oof >= 0.5)):
            print(f"    MUST-KEEP {oof[i]:.2f} {groups[i]}: {texts[i][:100]!r}")
        wrong = list(np.flatnonzero(is_event & (oof >= (cut or 0.8)) & (y == 0)))
        for i in wrong[: args.show]:
            print(f"    FP {oof[i]:.2f} {groups[i]}: {texts[i][:100]!r}")

    if cut is None:
        print("no threshold reaches the target precision", file=sys.stderr)
        return 1

    pred = ev_p >= cut
    p, r, tp, _, _ = pr(pred, ev_y)
    total = rules.total
    print(f"threshold {cut:.2f} (events OOF precision >= {TARGET_PRECISION}, 0 must-keep)")
    print(f"events, cross-validated by event: learned P={p:.3f} R={r:.3f} of candidates")
    print(
        f"events gold furniture lines: {total}; rules remove {rules.by_rules} "
        f"({rules.by_rules / total:.2f}); rules + learned (OOF) {rules.by_rules + tp} "
        f"({(rules.by_rules + tp) / total:.2f})"
    )
    bp, br, *_ = pr(oof[~is_event] >= cut, y[~is_event])
    print(f"bench train pages, cross-validated by page: P={bp:.3f} R={br:.3f}")
    scaler, model = fit(x, y, w)
    tp_prob = model.predict_proba(scaler.transform(np.array(test.x)))[:, 1]
    hp, hr, *_ = pr(tp_prob >= cut, np.array(test.y))
    print(f"bench held-out pages ({len(test_pages)}), final model: P={hp:.3f} R={hr:.3f}")

    out = {
        "about": "stemma.ingest.lines: logistic regression over line features; "
        "scripts/train_lines.py reproduces it",
        "version": 1,
        "features": list(classifier.FEATURES),
        "mean": [round(float(v), 6) for v in scaler.mean_],
        "scale": [round(float(v), 6) for v in scaler.scale_],
        "coef": [round(float(v), 6) for v in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 6),
        "threshold": cut,
        "trained_on": {
            "events": sorted({g for g in groups if not g.startswith("bench:")}),
            "benchmark_pages": len(train_pages),
            "benchmark_held_out_pages": len(test_pages),
        },
    }
    if not args.check:
        OUT.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {OUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
