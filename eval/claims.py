"""Score the claim aligner's pair decision ("same claim?") on public data.

Run from the repository root::

    .venv/bin/python eval/claims.py              # default sizes, ~5-8 min on 2 busy cores
    .venv/bin/python eval/claims.py --limit 200  # a quick run (200 pairs / tweets per split)
    .venv/bin/python eval/claims.py --json       # machine-readable

Data (../shared/data):

- ``msrp/msr_paraphrase_train.txt``: Microsoft Research Paraphrase Corpus,
  news sentence pairs, label 1 = paraphrase. Pairs are taken in file order,
  even rows to *choose* parameters, odd rows to *report*.
- ``clef2020-checkthat-task2-claim-retrieval``: tweets and the verified
  claim each one makes. Positives are the gold (tweet, claim) pairs; negatives
  are, per tweet, the ``--negatives`` non-gold claims a TF-IDF retriever ranks
  highest over all 10,389 claims (hard negatives: same topic, other claim).
  ``train`` is used to choose, ``dev`` to report. Also reported: MAP and
  Recall@1 when the aligner re-ranks each tweet's candidates.

Every pair is scored with :func:`stemma.analysis.align.pair_score` (MiniLM cosine
plus entity / number agreement; entities from spaCy NER; dates are not
scored here: the sets give no document dates to resolve them against). The
weights and the join threshold are chosen together by F1 on the union of
the MSRP-choose and CLEF-train pairs, and reported on MSRP-report and
CLEF-dev, beside the cosine-only baseline at its own chosen threshold.

Finally the example corpus is aligned with the default ``ClaimParams`` and the
number of groups, multi-article and single-article groups is printed.

Embedding is the cost (about 15-40 sentences a second on this machine's two
shared cores); default sizes keep a full run under ~8 minutes.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
MSRP = DATA / "msrp" / "msr_paraphrase_train.txt"
CLEF = DATA / "clef2020-checkthat-task2-claim-retrieval"
EXAMPLE = REPO / "examples" / "fsb-china-leak"
sys.path.insert(0, str(REPO / "src"))

from stemma.analysis.align import pair_score  # noqa: E402
from stemma.analysis.units import Unit, make_unit  # noqa: E402
from stemma.settings import CONFIRM_AGREEMENT, ClaimParams  # noqa: E402

#: Default pairs per MSRP half and tweets per CLEF split: sized so that the
#: ~4,000 sentences to embed fit the time budget.
DEFAULT_MSRP_PAIRS = 700
DEFAULT_CLEF_TWEETS = 200
THRESHOLDS = [round(0.40 + 0.02 * i, 2) for i in range(26)]  # 0.40 .. 0.90
ENTITY_WEIGHTS = [0.0, 0.06, 0.12, 0.2]
NUMBER_WEIGHTS = [0.0, 0.08, 0.15]
#: Thresholds whose F1 is within this of the best count as equally good.
F1_TOLERANCE = 0.01


@dataclass
class Pairs:
    """Labelled unit pairs with their cosine similarities."""

    a: list[Unit]
    b: list[Unit]
    cos: np.ndarray
    gold: np.ndarray  # bool
    group: list[int]  # query id (CLEF) for ranking metrics; pair index otherwise


def _die(msg: str) -> None:
    print(f"eval/claims.py: {msg}", file=sys.stderr)
    raise SystemExit(2)


def read_msrp(limit: int) -> tuple[list[tuple[str, str, bool]], list[tuple[str, str, bool]]]:
    rows = []
    with MSRP.open(encoding="utf-8-sig", newline="") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 5 or parts[0] not in {"0", "1"}:
                continue  # a header line, if any
            rows.append((parts[3], parts[4], parts[0] == "1"))
    choose, report = rows[0::2][:limit], rows[1::2][:limit]
    return choose, report


def _tsv(path: Path) -> dict[int, str]:
    out: dict[int, str] = {}
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t")
        next(reader, None)
        for row in reader:
            if len(row) >= 2 and row[0].strip().isdigit():
                out[int(row[0])] = row[1]
    return out


def _clean_tweet(text: str) -> str:
    import re

    text = re.sub(r"pic\.twitter\.com/\S+|https?://\S+", "", text)
    text = re.sub(r"—\s*[^—]*\(@\w+\)\s*\w+ \d{1,2}, \d{4}\s*$", "", text)  # signature
    return " ".join(text.split())


def read_clef(split: str, limit: int, negatives: int) -> list[tuple[int, str, str, bool]]:
    """(tweet id, tweet, claim, gold) rows: each gold pair and its hard negatives."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    claims = _tsv(CLEF / "verified_claims.docs.tsv")
    tweets = _tsv(CLEF / split / "tweets.queries.tsv")
    gold: dict[int, set[int]] = {}
    with (CLEF / split / "tweet-vclaim-pairs.qrels").open(encoding="utf-8") as f:
        for line in f:
            p = line.split()
            if len(p) >= 4 and p[3] == "1":
                gold.setdefault(int(p[0]), set()).add(int(p[2]))
    ids = sorted(t for t in gold if t in tweets)[:limit]
    claim_ids = sorted(claims)
    vec = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=1)
    matrix = vec.fit_transform([claims[c] for c in claim_ids])
    queries = vec.transform([_clean_tweet(tweets[t]) for t in ids])
    sims = (queries @ matrix.T).toarray()
    rows = []
    for qi, t in enumerate(ids):
        tweet = _clean_tweet(tweets[t])
        for c in sorted(gold[t]):
            if c in claims:
                rows.append((t, tweet, claims[c], True))
        ranked = [claim_ids[k] for k in np.argsort(-sims[qi])[: negatives + 5]]
        for c in [c for c in ranked if c not in gold[t]][:negatives]:
            rows.append((t, tweet, claims[c], False))
    return rows


def build_pairs(
    rows: list[tuple[int, str, str, bool]], nlp: Any, cache: dict[str, tuple[Unit, int]]
) -> tuple[list[Unit], list[Unit], np.ndarray, list[int]]:
    """Units for both sides (entities from spaCy), indexed into one text list."""
    new = [t for t in dict.fromkeys(x for r in rows for x in (r[1], r[2])) if t not in cache]
    for text, doc in zip(new, nlp.pipe(new, batch_size=64), strict=True):
        ents = [(e.text, e.label_) for e in doc.ents if e.label_ in ENTITY_LABELS]
        cache[text] = (make_unit(text, entities=ents), len(cache))
    a = [cache[r[1]][0] for r in rows]
    b = [cache[r[2]][0] for r in rows]
    gold = np.array([r[3] for r in rows], dtype=bool)
    return a, b, gold, [r[0] for r in rows]


def prf(pred: np.ndarray, gold: np.ndarray) -> dict[str, float]:
    tp = int((pred & gold).sum())
    fp = int((pred & ~gold).sum())
    fn = int((~pred & gold).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp,
            "fp": fp, "fn": fn}  # fmt: skip


def scores(pairs: Pairs, params: ClaimParams) -> np.ndarray:
    return np.array(
        [pair_score(a, b, float(c), params) for a, b, c in zip(pairs.a, pairs.b, pairs.cos,
                                                              strict=True)]
    )  # fmt: skip


def ranking(pairs: Pairs, s: np.ndarray) -> dict[str, float]:
    """MAP and Recall@1 of re-ranking each query's candidates by score."""
    by_q: dict[int, list[tuple[float, bool]]] = {}
    for q, sc, g in zip(pairs.group, s, pairs.gold, strict=True):
        by_q.setdefault(q, []).append((float(sc), bool(g)))
    aps, r1 = [], []
    for cands in by_q.values():
        cands.sort(key=lambda x: -x[0])
        hits, precs = 0, []
        for k, (_, g) in enumerate(cands, 1):
            if g:
                hits += 1
                precs.append(hits / k)
        aps.append(sum(precs) / max(hits, 1))
        r1.append(1.0 if cands[0][1] else 0.0)
    return {"map": round(float(np.mean(aps)), 4), "recall_at_1": round(float(np.mean(r1)), 4),
            "queries": len(by_q)}  # fmt: skip


def concat(p: Pairs, q: Pairs) -> Pairs:
    return Pairs(p.a + q.a, p.b + q.b, np.concatenate([p.cos, q.cos]),
                 np.concatenate([p.gold, q.gold]), p.group + q.group)  # fmt: skip


def choose(pairs: Pairs, grid: list[ClaimParams]) -> tuple[ClaimParams, list[dict[str, Any]]]:
    """Weights with the best F1 on ``pairs``, then the threshold by the tolerance rule.

    F1 is flat over a wide band of thresholds on these sets; within
    :data:`F1_TOLERANCE` of the best, the highest threshold is taken, because in
    a story nearly every pair of sentences is two claims and a false join fakes
    corroboration, while a missed join only splits a group.
    """
    best: tuple[float, ClaimParams] | None = None
    for params in grid:
        s = scores(pairs, params)
        for t in THRESHOLDS:
            f = prf(s >= t, pairs.gold)["f1"]
            if best is None or f > best[0] + 1e-9:
                best = (f, replace(params, join_threshold=t))
    assert best is not None
    s = scores(pairs, best[1])
    near = [t for t in THRESHOLDS if prf(s >= t, pairs.gold)["f1"] >= best[0] - F1_TOLERANCE]
    chosen = replace(best[1], join_threshold=max(near))
    table = [{"threshold": t, **prf(s >= t, pairs.gold)} for t in THRESHOLDS[::2]]
    return chosen, table


def example_counts() -> dict[str, Any]:
    from stemma.analysis.align import align_claims
    from stemma.annotate.nlp import annotate
    from stemma.ingest.readers import load
    from stemma.model import Article

    arts = [a for a in load([EXAMPLE]) if isinstance(a, Article)]
    groups = align_claims("example", arts, list(annotate(arts)))
    multi = [g for g in groups if not g.single_article]
    widest = max(groups, key=lambda g: len(g.articles))
    return {
        "groups": len(groups),
        "multi_article": len(multi),
        "single_article": len(groups) - len(multi),
        "widest": {"articles": len(widest.articles), "text": widest.text},
        "discrepancies": sum(len(g.discrepancies) for g in groups),
    }


ENTITY_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"}
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--limit",
        type=int,
        default=None,
        help="pairs per MSRP half and tweets per CLEF split (quick runs)",
    )
    ap.add_argument("--negatives", type=int, default=3, help="hard negatives per tweet")
    ap.add_argument("--json", action="store_true", help="print JSON")
    ap.add_argument("--no-example", action="store_true", help="skip the example corpus")
    ap.add_argument(
        "--backend",
        choices=["onnx-int8", "onnx", "torch"],
        default=None,
        help="MiniLM backend (default: stemma.stories.embed's default)",
    )
    args = ap.parse_args()  # fmt: skip
    for path in (MSRP, CLEF / "verified_claims.docs.tsv"):
        if not path.exists():
            _die(f"data missing: {path} (see ../shared/data/README.md)")
    started = time.time()
    msrp_n = args.limit or DEFAULT_MSRP_PAIRS
    clef_n = args.limit or DEFAULT_CLEF_TWEETS

    import os

    from stemma.annotate.nlp import load_pipeline
    from stemma.settings import DEFAULT
    from stemma.stories.embed import embed, load_encoder

    if args.backend:  # the example corpus below embeds through align_claims
        os.environ["STEMMA_EMBED_BACKEND"] = args.backend
    encoder = load_encoder(args.backend)

    nlp = load_pipeline()
    disabled = [p for p in ("parser", "lemmatizer", "attribute_ruler") if p in nlp.pipe_names]
    cache: dict[str, tuple[Unit, int]] = {}
    m_choose, m_report = read_msrp(msrp_n)
    c_train = read_clef("train", clef_n, args.negatives)
    c_dev = read_clef("dev", clef_n, args.negatives)
    sets: dict[str, Any] = {}
    with nlp.select_pipes(disable=disabled):
        for name, rows in (
            ("msrp_choose", [(i, a, b, g) for i, (a, b, g) in enumerate(m_choose)]),
            ("msrp_report", [(i, a, b, g) for i, (a, b, g) in enumerate(m_report)]),
            ("clef_train", c_train),
            ("clef_dev", c_dev),
        ):
            sets[name] = build_pairs(rows, nlp, cache)
    texts = sorted(cache, key=lambda t: cache[t][1])
    t0 = time.time()
    vectors = embed(texts, encoder=encoder, max_tokens=DEFAULT.claims.max_tokens)
    embed_s = time.time() - t0
    index = {t: cache[t][1] for t in texts}
    data: dict[str, Pairs] = {}
    for name, (a, b, gold, group) in sets.items():
        cos = np.array([float(vectors[index[x.text]] @ vectors[index[y.text]])
                        for x, y in zip(a, b, strict=True)])  # fmt: skip
        data[name] = Pairs(a, b, cos, gold, group)

    choose_set = concat(data["msrp_choose"], data["clef_train"])
    grid = [
        ClaimParams(entity_weight=e, number_weight=n)
        for e in ENTITY_WEIGHTS
        for n in NUMBER_WEIGHTS
    ]
    chosen, table = choose(choose_set, grid)
    baseline_params = ClaimParams(entity_weight=0.0, number_weight=0.0, date_weight=0.0)
    baseline, _ = choose(choose_set, [baseline_params])
    default = ClaimParams()

    result: dict[str, Any] = {
        "backend": encoder.backend,
        "sizes": {k: {"pairs": len(v.a), "positive": int(v.gold.sum())} for k, v in data.items()},
        "chosen": {"join_threshold": chosen.join_threshold,
                   "entity_weight": chosen.entity_weight,
                   "number_weight": chosen.number_weight},
        "baseline_threshold": baseline.join_threshold,
        "threshold_table_choose_set": table,
        "report": {},
    }  # fmt: skip
    for name in ("msrp_report", "clef_dev"):
        pairs = data[name]
        row: dict[str, Any] = {}
        for label, params in (("chosen", chosen), ("default", default),
                              ("cosine_only", baseline)):  # fmt: skip
            s = scores(pairs, params)
            row[label] = {"threshold": params.join_threshold,
                          **prf(s >= params.join_threshold, pairs.gold)}  # fmt: skip
            if name.startswith("clef"):
                row[label].update(ranking(pairs, s))
        result["report"][name] = row
    # The bar a two-root group must clear to be graded "confirmed" (C1).
    result["confirm_agreement"] = {
        name: {"threshold": CONFIRM_AGREEMENT,
               **prf(scores(data[name], default) >= CONFIRM_AGREEMENT, data[name].gold)}
        for name in data
    }  # fmt: skip
    if not args.no_example:
        result["example"] = example_counts()
    result["seconds"] = {"total": round(time.time() - started, 1), "embed": round(embed_s, 1),
                         "texts_embedded": len(texts)}  # fmt: skip

    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"Claim alignment: 'same claim?' pair decision (MiniLM backend {result['backend']})")
    for k, v in result["sizes"].items():
        print(f"  {k:12} {v['pairs']:5} pairs, {v['positive']:5} positive")
    c = result["chosen"]
    print(f"Chosen on msrp_choose + clef_train (best F1, then the highest threshold within "
          f"{F1_TOLERANCE} of it): threshold {c['join_threshold']}, "
          f"entity weight {c['entity_weight']}, number weight {c['number_weight']}; "
          f"cosine-only baseline threshold {result['baseline_threshold']}")  # fmt: skip
    print("  threshold     P      R     F1   (choose set, chosen weights)")
    for r in table:
        print(f"  {r['threshold']:8.2f} {r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f}")
    for name, row in result["report"].items():
        print(f"Reported on {name}:")
        for label, r in row.items():
            extra = f"  MAP {r['map']:.3f}  R@1 {r['recall_at_1']:.3f}" if "map" in r else ""
            print(f"  {label:12} t={r['threshold']:.2f}  P {r['precision']:.3f}  "
                  f"R {r['recall']:.3f}  F1 {r['f1']:.3f}{extra}")  # fmt: skip
    print(f"At the confirmation bar (CONFIRM_AGREEMENT = {CONFIRM_AGREEMENT}, default weights):")
    for name, r in result["confirm_agreement"].items():
        print(f"  {name:12} P {r['precision']:.3f}  R {r['recall']:.3f}  F1 {r['f1']:.3f}")
    if "example" in result:
        e = result["example"]
        print(f"Example corpus (default params): {e['groups']} groups, {e['multi_article']} "
              f"multi-article, {e['single_article']} single-article; widest carried by "
              f"{e['widest']['articles']} articles: {e['widest']['text'][:80]!r}; "
              f"{e['discrepancies']} discrepancies")  # fmt: skip
    s = result["seconds"]
    print(f"{s['total']} s in all, {s['embed']} s embedding {s['texts_embedded']} texts")


if __name__ == "__main__":
    main()
