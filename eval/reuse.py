"""Evaluate stemma.analysis.reuse: near-verbatim sentence matching and article-level reuse.

No public labelled set of text reuse between news articles exists (see
../shared/data/README.md), so the evaluation has three parts:

(1) **Sentences, MSRP** (../shared/data/msrp, train split, label 1 =
    paraphrase). A pair is predicted *near-verbatim* when ``shared_passages``
    finds passages covering at least half of the shorter sentence
    (``reuse_score >= 0.5``) at a given similarity threshold. MSRP positives
    are paraphrases, most of them reworded, so recall is low by design (reuse
    is not paraphrase); the figure that matters is precision, and the
    threshold table shows the trade-off. MSRP negatives include near-copies
    that differ in one fact (another number): for reuse those are right, so
    "false positives" against MSRP are not all errors.

(2) **Articles, synthetic rewrites of real ECB+ articles**
    (../shared/data/ecbplus-event-clusters). For each sampled source article A
    (one per subtopic, >= 150 words, seeded) the pool gets: A; copies of A
    verbatim, with a new intro (two sentences of an unrelated article), with
    30 % of sentences dropped, with numbers changed, with words substituted at
    rate r (random words of the corpus) for r in 0.05/0.1/0.2/0.3; an
    independent article N about another event of the same topic (ECB+ sibling
    subtopic, e.g. the 2008 vs the 2013 Oscar host); and N with a three-sentence
    paragraph of A inserted ("partial"). All groups go into one pool and
    ``reuse_edges`` runs once over it (so the LSH candidate stage is tested
    too). Gold: (A, copy of A) and (N, partial) are reuse, directed A → copy
    by the publication dates given; pairs whose origins are in different
    subtopics are not; the rest (two copies of one A; articles of the same
    subtopic, which in ECB+ are often real wire copies) are unlabelled.
    Reported: edge precision/recall/F1, recall per kind of copy, direction
    accuracy, and passage-level character F1 (word characters of A's copied
    sentences and of their copies, both sides pooled).

(3) **Real ECB+ pairs (unlabelled).** ``reuse_edges`` over every non-empty
    ECB+ article: how many pairs of the same subtopic share text (ECB+ holds
    many wire copies), and how many edges join different subtopics (those
    are false positives, or boilerplate).

Usage::

    .venv/bin/python eval/reuse.py [--limit N] [--json]

``--limit N`` keeps the first N MSRP pairs, N source articles and skips (3).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
MSRP = DATA / "msrp" / "msr_paraphrase_train.txt"
ECB = DATA / "ecbplus-event-clusters" / "ecbplus_docs.jsonl"
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from stemma.analysis.reuse import (  # noqa: E402
    reuse_edges,
    reuse_score,
    shared_passages,
    split_sentences,
)
from stemma.model import ReuseEdge  # noqa: E402
from stemma.settings import DEFAULT, ReuseParams  # noqa: E402

SEED = 13
#: Thresholds of the MSRP table.
THRESHOLDS = (0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0)
#: Share of the shorter MSRP sentence a passage must cover to call the pair near-verbatim.
SENTENCE_COVER = 0.5
#: Source articles shorter than this are skipped: too little text to copy in parts.
MIN_SOURCE_WORDS = 150
#: Share of sentences the "drop" copy loses.
DROP_SHARE = 0.3
SUBST_RATES = (0.05, 0.1, 0.2, 0.3)
WORD = re.compile(r"\w+")
NUMBER = re.compile(r"\b\d+(?:[.,]\d+)*\b")


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


# --------------------------------------------------------------------- MSRP


def read_msrp(limit: int | None) -> list[tuple[int, str, str]]:
    pairs = []
    with MSRP.open(encoding="utf-8-sig") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) != 5 or cols[0] not in ("0", "1"):
                continue  # a header line, if the file has one
            pairs.append((int(cols[0]), cols[3], cols[4]))
    return pairs[:limit] if limit else pairs


def eval_msrp(limit: int | None) -> dict[str, Any]:
    pairs = read_msrp(limit)
    rows = []
    for t in THRESHOLDS:
        params = replace(DEFAULT.reuse, near_verbatim=t)
        tp = fp = fn = tn = 0
        for label, s1, s2 in pairs:
            passages = shared_passages(s1, s2, params=params)
            pred = bool(passages) and reuse_score(s1, s2, passages) >= SENTENCE_COVER
            tp += pred and label == 1
            fp += pred and label == 0
            fn += (not pred) and label == 1
            tn += (not pred) and label == 0
        rows.append({"threshold": t, "tp": tp, "fp": fp, "fn": fn, "tn": tn, **prf(tp, fp, fn)})
    positives = sum(1 for lab, _, _ in pairs if lab == 1)
    return {"pairs": len(pairs), "positives": positives, "table": rows}


# ---------------------------------------------------------------- synthetic


@dataclass
class Text:
    id: str
    text: str
    group: int
    kind: str  # source | negative | verbatim | intro | drop | numbers | subst_r | partial
    origins: frozenset[str]  # ECB+ doc ids whose text it contains
    published: str
    # Character spans of gold copied material: in this text, and in the original.
    gold_self: list[tuple[int, int]] = field(default_factory=list)
    gold_orig: list[tuple[int, int]] = field(default_factory=list)


def join(sents: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """Sentences joined by spaces, with each sentence's span in the result."""
    out, spans, pos = [], [], 0
    for s in sents:
        spans.append((pos, pos + len(s)))
        out.append(s)
        pos += len(s) + 1
    return " ".join(out), spans


def change_numbers(s: str, rng: random.Random) -> str:
    def bump(m: re.Match[str]) -> str:
        digits = m.group().replace(",", "").replace(".", "")
        n = int(digits) if digits.isdigit() else 0
        return str(n + rng.randint(1, 9))

    return NUMBER.sub(bump, s)


def substitute(s: str, rate: float, vocab: list[str], rng: random.Random) -> str:
    return WORD.sub(lambda m: rng.choice(vocab) if rng.random() < rate else m.group(), s)


def build_pool(docs: list[dict[str, Any]], limit: int | None) -> list[Text]:
    rng = random.Random(SEED)
    by_sub: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for d in docs:
        if d["text"].strip():
            by_sub[d["subtopic"]].append(d)
    subs = sorted(by_sub)
    sources: list[tuple[dict[str, Any], dict[str, Any]]] = []
    used: set[str] = set()
    for sub in subs:
        sibling = sub[:-4] + "ecbplus" if sub.endswith("ecb") else sub[: -len("plus")]
        long_docs = [d for d in by_sub[sub] if len(d["text"].split()) >= MIN_SOURCE_WORDS]
        negs = [d for d in by_sub.get(sibling, []) if len(d["text"].split()) >= 80]
        negs = [d for d in negs if d["doc_id"] not in used]
        if not long_docs or not negs:
            continue
        src = rng.choice(long_docs)
        neg = rng.choice(negs)
        if src["doc_id"] in used:
            continue
        used |= {src["doc_id"], neg["doc_id"]}
        sources.append((src, neg))
    rng.shuffle(sources)
    if limit:
        sources = sources[:limit]
    used = {d["doc_id"] for pair in sources for d in pair}
    used_topics = {d["topic"] for pair in sources for d in pair}
    donors = [d for d in docs if d["doc_id"] not in used and len(d["text"].split()) >= 60]
    # Intro donors from topics outside the pool when there are any, so that
    # an intro never repeats a pooled article's text.
    outside = [d for d in donors if d["topic"] not in used_topics]
    donors = outside if len(outside) >= len(sources) else donors
    rng.shuffle(donors)
    vocab = sorted({w for d in docs for w in WORD.findall(d["text"]) if w.isalpha()})

    pool: list[Text] = []
    for g, (src, neg) in enumerate(sources):
        a_id, n_id = src["doc_id"], neg["doc_id"]
        a = src["text"]
        a_spans = split_sentences(a)
        a_sents = [a[s:e] for s, e in a_spans]
        origin = frozenset({a_id})
        t0, t1 = "2010-01-01", "2010-01-02"
        pool.append(Text(f"g{g}:source", a, g, "source", origin, t0))
        pool.append(Text(f"g{g}:negative", neg["text"], g, "negative", frozenset({n_id}), t0))

        def copy(
            kind: str,
            sents: list[str],
            keep: list[int],
            g: int = g,
            origin: frozenset[str] = origin,
            t1: str = t1,
            a_spans: list[tuple[int, int]] = a_spans,
        ) -> Text:
            text, spans = join(sents)
            return Text(
                f"g{g}:{kind}",
                text,
                g,
                kind,
                origin,
                t1,
                gold_self=spans,
                gold_orig=[a_spans[i] for i in keep],
            )

        every = list(range(len(a_sents)))
        pool.append(copy("verbatim", a_sents, every))
        donor = donors[g % len(donors)]
        d_sents = [donor["text"][s:e] for s, e in split_sentences(donor["text"])[:2]]
        intro = " ".join(d_sents) + "\n\n"
        t = copy("intro", a_sents, every)
        pool.append(
            replace(
                t,
                text=intro + t.text,
                origins=origin | {donor["doc_id"]},
                gold_self=[(s + len(intro), e + len(intro)) for s, e in t.gold_self],
            )
        )
        n_drop = max(1, round(DROP_SHARE * len(a_sents)))
        dropped = set(rng.sample(every, n_drop))
        keep = [i for i in every if i not in dropped]
        pool.append(copy("drop", [a_sents[i] for i in keep], keep))
        if NUMBER.search(a):
            pool.append(copy("numbers", [change_numbers(s, rng) for s in a_sents], every))
        for r in SUBST_RATES:
            pool.append(copy(f"subst_{r}", [substitute(s, r, vocab, rng) for s in a_sents], every))
        # partial: N with a paragraph (three sentences) of A in its middle.
        n_text = neg["text"]
        n_spans = split_sentences(n_text)
        start = rng.randrange(max(1, len(a_sents) - 2))
        para_idx = list(range(start, min(start + 3, len(a_sents))))
        para = " ".join(a_sents[i] for i in para_idx)
        cut = n_spans[len(n_spans) // 2][0] if len(n_spans) > 1 else len(n_text)
        text = n_text[:cut] + para + "\n\n" + n_text[cut:]
        para_spans = join([a_sents[i] for i in para_idx])[1]
        pool.append(
            Text(
                f"g{g}:partial",
                text,
                g,
                "partial",
                origin | {n_id},
                t1,
                gold_self=[(s + cut, e + cut) for s, e in para_spans],
                gold_orig=[a_spans[i] for i in para_idx],
            )
        )
    return pool


def word_chars(text: str, spans: list[tuple[int, int]]) -> set[int]:
    """Positions of word characters of ``text`` inside ``spans``."""
    out: set[int] = set()
    for s, e in spans:
        out.update(
            s + m.start() + k for m in WORD.finditer(text[s:e]) for k in range(len(m.group()))
        )
    return out


def eval_synthetic(docs: list[dict[str, Any]], limit: int | None) -> dict[str, Any]:
    pool = build_pool(docs, limit)
    by_id = {t.id: t for t in pool}
    subtopic = {d["doc_id"]: d["subtopic"] for d in docs}
    started = time.perf_counter()
    edges = reuse_edges({t.id: t.text for t in pool}, published={t.id: t.published for t in pool})
    seconds = time.perf_counter() - started
    found: dict[frozenset[str], ReuseEdge] = {frozenset((e.a, e.b)): e for e in edges}

    # Gold positives: (source, copy) and (negative, partial) in each group.
    gold: dict[frozenset[str], tuple[str, str, str]] = {}  # pair -> (original, copy, kind)
    for t in pool:
        if t.kind in ("source", "negative"):
            continue
        orig = f"g{t.group}:negative" if t.kind == "partial" else f"g{t.group}:source"
        gold[frozenset((orig, t.id))] = (orig, t.id, t.kind)
        if t.kind == "partial":  # partial also holds a paragraph of the source
            gold[frozenset((f"g{t.group}:source", t.id))] = (
                f"g{t.group}:source",
                t.id,
                "partial_para",
            )

    def label(x: Text, y: Text) -> str:
        if frozenset((x.id, y.id)) in gold:
            return "positive"
        subs_x = {subtopic.get(o) for o in x.origins}
        subs_y = {subtopic.get(o) for o in y.origins}
        return "unlabelled" if subs_x & subs_y else "negative"

    tp = fp = 0
    false_pos = []
    for e in edges:
        lab = label(by_id[e.a], by_id[e.b])
        if lab == "positive":
            tp += 1
        elif lab == "negative":
            fp += 1
            false_pos.append({"a": e.a, "b": e.b, "score": e.score})
    fn = sum(1 for pair in gold if pair not in found)

    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    direction_ok = direction_n = 0
    tp_chars = fp_chars = fn_chars = 0
    chars_by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for pair, (orig, cp, kind) in gold.items():
        per_kind[kind][1] += 1
        hit = found.get(pair)
        if hit is not None:
            per_kind[kind][0] += 1
            direction_n += 1
            direction_ok += hit.a == orig and hit.direction == "published"
        if kind == "partial_para":
            continue  # gold spans below are for the main original of each copy
        o, c = by_id[orig], by_id[cp]
        if kind == "partial":  # the partial copy holds all of N except the paragraph
            gold_o = word_chars(o.text, [(0, len(o.text))])
            gold_c = word_chars(c.text, [(0, len(c.text))]) - word_chars(c.text, c.gold_self)
        else:
            gold_o = word_chars(o.text, c.gold_orig)
            gold_c = word_chars(c.text, c.gold_self)
        pred_o: set[int] = set()
        pred_c: set[int] = set()
        if hit is not None:
            flip = hit.a != orig
            for p in hit.passages:
                so, eo, sc, ec = (
                    (p.b_start, p.b_end, p.a_start, p.a_end)
                    if flip
                    else (p.a_start, p.a_end, p.b_start, p.b_end)
                )
                pred_o |= word_chars(o.text, [(so, eo)])
                pred_c |= word_chars(c.text, [(sc, ec)])
        for g_set, p_set in ((gold_o, pred_o), (gold_c, pred_c)):
            counts = (len(g_set & p_set), len(p_set - g_set), len(g_set - p_set))
            tp_chars, fp_chars, fn_chars = (
                tp_chars + counts[0],
                fp_chars + counts[1],
                fn_chars + counts[2],
            )
            for i in range(3):
                chars_by_kind[kind][i] += counts[i]

    return {
        "groups": len({t.group for t in pool}),
        "texts": len(pool),
        "seconds": round(seconds, 2),
        "edges": len(edges),
        "edge": {"tp": tp, "fp": fp, "fn": fn, **prf(tp, fp, fn)},
        "recall_by_kind": {
            k: {"found": f, "of": n, "recall": round(f / n, 4)}
            for k, (f, n) in sorted(per_kind.items())
        },
        "direction_accuracy": round(direction_ok / direction_n, 4) if direction_n else None,
        "passage_chars": {
            "tp": tp_chars,
            "fp": fp_chars,
            "fn": fn_chars,
            **prf(tp_chars, fp_chars, fn_chars),
        },
        "passage_chars_by_kind": {k: prf(*v) for k, v in sorted(chars_by_kind.items())},
        "false_positives": false_pos[:10],
    }


def eval_real(docs: list[dict[str, Any]]) -> dict[str, Any]:
    texts = {d["doc_id"]: d["text"] for d in docs if d["text"].strip()}
    subtopic = {d["doc_id"]: d["subtopic"] for d in docs}
    started = time.perf_counter()
    edges = reuse_edges(texts)
    seconds = time.perf_counter() - started
    same = [e for e in edges if subtopic[e.a] == subtopic[e.b]]
    cross = [e for e in edges if subtopic[e.a] != subtopic[e.b]]
    return {
        "articles": len(texts),
        "seconds": round(seconds, 2),
        "edges": len(edges),
        "same_subtopic": len(same),
        "cross_subtopic": len(cross),
        "cross_subtopic_examples": [
            {
                "a": e.a,
                "b": e.b,
                "score": e.score,
                "passage": texts[e.a][e.passages[0].a_start : e.passages[0].a_end][:160],
            }
            for e in cross[:5]
        ],
        "score_quartiles_same_subtopic": quartiles([e.score for e in same]),
    }


def quartiles(xs: list[float]) -> list[float]:
    if not xs:
        return []
    xs = sorted(xs)
    return [round(xs[int(q * (len(xs) - 1))], 3) for q in (0.25, 0.5, 0.75)]


def print_report(r: dict[str, Any]) -> None:
    print(f"stemma.analysis.reuse evaluation (seed {SEED})")
    print("parameters:", ", ".join(f"{k}={v}" for k, v in r["params"].items()))
    m = r["msrp"]
    print(
        f"\n(1) MSRP train: {m['pairs']} pairs, {m['positives']} paraphrases. Near-verbatim = "
        f"passages cover >= {SENTENCE_COVER:.0%} of the shorter sentence."
    )
    print("    threshold   tp    fp    fn  precision  recall     F1")
    for row in m["table"]:
        mark = "  <- default" if row["threshold"] == r["params"]["near_verbatim"] else ""
        print(
            f"    {row['threshold']:>9.2f} {row['tp']:>4} {row['fp']:>5} {row['fn']:>5}"
            f"  {row['precision']:>9.3f} {row['recall']:>7.3f} {row['f1']:>6.3f}{mark}"
        )
    s = r["synthetic"]
    e = s["edge"]
    print(
        f"\n(2) Synthetic rewrites of ECB+: {s['groups']} source articles, {s['texts']} texts "
        f"in one pool, reuse_edges in {s['seconds']} s, {s['edges']} edges."
    )
    print(
        f"    edges: P {e['precision']:.3f}  R {e['recall']:.3f}  F1 {e['f1']:.3f}  "
        f"(tp {e['tp']}, fp {e['fp']}, fn {e['fn']})"
    )
    print("    recall by kind of copy:")
    print("      kind             found       recall   passage-char P/R/F1")
    for k, v in s["recall_by_kind"].items():
        ch = s["passage_chars_by_kind"].get(k)
        chars = f"{ch['precision']:.3f}/{ch['recall']:.3f}/{ch['f1']:.3f}" if ch else "-"
        print(f"      {k:<14} {v['found']:>4}/{v['of']:<4} {v['recall']:>8.3f}   {chars}")
    print(f"    direction correct (earlier -> later) among found: {s['direction_accuracy']}")
    c = s["passage_chars"]
    print(f"    passage characters: P {c['precision']:.3f}  R {c['recall']:.3f}  F1 {c['f1']:.3f}")
    for fp in s["false_positives"]:
        print(f"      false positive: {fp['a']} ~ {fp['b']} score {fp['score']}")
    if r.get("real"):
        x = r["real"]
        print(
            f"\n(3) Real ECB+ pairs (unlabelled): {x['articles']} articles, {x['seconds']} s, "
            f"{x['edges']} edges: {x['same_subtopic']} within a subtopic (wire copies), "
            f"{x['cross_subtopic']} across subtopics."
        )
        print(f"    score quartiles within subtopics: {x['score_quartiles_same_subtopic']}")
        for ex in x["cross_subtopic_examples"]:
            print(f"      across: {ex['a']} ~ {ex['b']} {ex['score']}: {ex['passage']!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--limit",
        type=int,
        default=None,
        help="first N MSRP pairs and N source articles; skips part (3)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    for path in (MSRP, ECB):
        if not path.exists():
            sys.exit(f"data not found: {path} (see ../shared/data/README.md)")
    with ECB.open(encoding="utf-8") as f:
        docs = [json.loads(line) for line in f]
    report: dict[str, Any] = {"params": asdict(ReuseParams())}
    report["msrp"] = eval_msrp(args.limit)
    report["synthetic"] = eval_synthetic(docs, args.limit)
    if not args.limit:
        report["real"] = eval_real(docs)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)


if __name__ == "__main__":
    main()
