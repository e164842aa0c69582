"""Score quote and speaker extraction on the Gender Gap Tracker evaluation set.

Data: ../shared/data/gender-gap-tracker-quotes (98 news articles, 1,492 quotes
annotated by hand: quote, speaker, verb, character offsets, resolved
``reference``). Run from the repository root::

    .venv/bin/python eval/quotes.py            # all 98 articles
    .venv/bin/python eval/quotes.py --limit 10 # a quick run
    .venv/bin/python eval/quotes.py --json     # machine-readable

The metric is GGT's own (``nlp/english/evaluation/src/evaluate_quotes.py``):
each gold quote, in order, takes the still unmatched prediction covering the
largest share of it; it matches when that share (overlapping characters /
gold length) is at least 0.3. Unmatched gold quotes are false negatives,
unmatched predictions false positives.

Choices made here (also printed in the output):

- **Which text.** The annotation offsets do not all point into the same
  text: for some articles they fit ``articleBodyText``, for others a copy
  whose paragraph breaks were " .\\n " instead of "\\n\\n", for a few neither.
  So the extractor runs on the ``rawtext/`` file (``articleBodyText`` for the
  one article without one), and every gold quote is located in that text by
  its exact string, at the occurrence nearest to its offset shifted by the
  previous quote's shift. Gold speaker spans move by their quote's shift.
- **Direct quotes** are gold quotes whose text holds a double quotation mark
  (" “ ”); the data has no type field. Among them, *mixed* ones (indirect
  speech with a quoted fragment) are reported apart too. A prediction that
  matches only an indirect gold quote is not counted against direct
  precision (it is outside the scope of that figure).
- **Speakers.** GGT counts a speaker as right when the predicted speaker span
  overlaps the gold one; for a pronoun ("she said") the gold span is the
  pronoun. stemma resolves pronouns and points at the antecedent, so a
  speaker also counts as right when the gold speaker is a pronoun or empty
  (a quote whose speaker is named in another sentence) and the predicted
  name fits the gold ``reference`` (its last word is one of the reference's
  words, or the reverse). The strict span-only figure is printed as well.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "gender-gap-tracker-quotes"
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from stemma.annotate.quotes import extract_quotes  # noqa: E402
from stemma.model import Quote  # noqa: E402

#: GGT's quote match threshold: share of the gold quote the prediction covers.
MATCH_THRESHOLD = 0.3
DOUBLE_MARKS = re.compile(r"[\"“”]")
PRONOUNS = frozenset(
    ["he", "she", "they", "it", "i", "we", "you", "him", "her", "them", "his", "hers"]
)


@dataclass
class Gold:
    start: int
    end: int
    text: str
    speaker: str
    speaker_span: tuple[int, int] | None
    reference: str
    kind: str  # direct | mixed | indirect


def _index(value: Any) -> tuple[int, int] | None:
    m = re.fullmatch(r"\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)\s*", str(value or ""))
    return (int(m[1]), int(m[2])) if m else None


def _quotations(raw: Any) -> list[dict[str, Any]]:
    if isinstance(raw, list):
        return raw
    try:
        return list(json.loads(raw))
    except json.JSONDecodeError:
        # One record holds its array twice, the first copy unterminated: keep the second.
        return list(json.loads(raw[raw.rindex("\n[") :]))


def _locate(text: str, needle: str, expected: int) -> int | None:
    best = None
    i = text.find(needle)
    while i != -1:
        if best is None or abs(i - expected) < abs(best - expected):
            best = i
        i = text.find(needle, i + 1)
    return best


def load(limit: int | None) -> tuple[list[str], list[str], list[list[Gold]], int]:
    """Article ids, texts and gold quotes (offsets into those texts), and how many were lost."""
    ids: list[str] = []
    texts: list[str] = []
    golds: list[list[Gold]] = []
    lost = 0
    with (DATA / "annotations.jsonl").open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    for row in rows[:limit]:
        path = DATA / "rawtext" / f"{row['_id']}.txt"
        text = path.read_text(encoding="utf-8") if path.exists() else row["articleBodyText"]
        quotes = sorted(
            _quotations(row["quotations"]),
            key=lambda q: (_index(q.get("quote_index")) or (0, 0))[0],
        )
        shift = 0
        gold: list[Gold] = []
        for q in quotes:
            qi = _index(q.get("quote_index"))
            needle = str(q.get("quote") or "").strip()
            at = _locate(text, needle, qi[0] + shift) if qi and needle else None
            if at is None or qi is None:
                lost += 1
                continue
            shift = at - qi[0]
            speaker = str(q.get("speaker") or "").strip()
            si = _index(q.get("speaker_index"))
            span = None
            if si and speaker:
                s = si[0] + shift
                if text[s : s + len(speaker)] != speaker:
                    found = _locate(text, speaker, s)
                    s = found if found is not None else s
                span = (s, s + len(speaker))
            kind = "indirect"
            if DOUBLE_MARKS.search(needle):
                kind = "direct" if needle[0] in '"“' else "mixed"
            gold.append(
                Gold(
                    at, at + len(needle), needle, speaker, span, str(q.get("reference") or ""), kind
                )
            )
        ids.append(row["_id"])
        texts.append(text)
        golds.append(gold)
    return ids, texts, golds, lost


def _cover(gold: Gold, pred: Quote) -> float:
    overlap = min(gold.end, pred.end) - max(gold.start, pred.start)
    return max(0, overlap) / max(1, gold.end - gold.start)


def _words(name: str) -> set[str]:
    return {w for w in re.findall(r"\w+", name.lower().replace("’s", "").replace("'s", ""))}


def _fits_reference(pred: str, reference: str) -> bool:
    p, r = re.findall(r"\w+", pred.lower()), _words(reference)
    return bool(p and r) and (p[-1] in r or max(r, key=len) in p)


def _speaker_ok(gold: Gold, pred: Quote, *, strict: bool) -> bool:
    g, ps, pe = gold.speaker_span, pred.speaker_start, pred.speaker_end
    if g and ps is not None and pe is not None and min(g[1], pe) > max(g[0], ps):
        return True
    if strict:
        return False
    pronoun_or_empty = not gold.speaker or gold.speaker.lower() in PRONOUNS
    return (
        pronoun_or_empty
        and bool(pred.speaker)
        and _fits_reference(pred.speaker or "", gold.reference)
    )


def match(golds: list[Gold], preds: list[Quote]) -> list[tuple[Gold, Quote | None]]:
    """GGT's greedy matching: each gold quote takes the best remaining prediction."""
    remaining = list(preds)
    out: list[tuple[Gold, Quote | None]] = []
    for g in golds:
        best, best_score = None, 0.0
        for p in remaining:
            score = _cover(g, p)
            if score >= MATCH_THRESHOLD and score > best_score:
                best, best_score = p, score
        if best is not None:
            remaining.remove(best)
        out.append((g, best))
    return out


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def score(golds: list[list[Gold]], preds: list[list[Quote]], kinds: set[str]) -> dict[str, Any]:
    tp = fp = fn = spk = spk_strict = 0
    for gold, pred in zip(golds, preds, strict=True):
        chosen = [g for g in gold if g.kind in kinds]
        pairs = match(chosen, pred)
        used = {id(p) for _, p in pairs if p is not None}
        tp += len(used)
        fn += sum(1 for _, p in pairs if p is None)
        spk += sum(1 for g, p in pairs if p is not None and _speaker_ok(g, p, strict=False))
        spk_strict += sum(1 for g, p in pairs if p is not None and _speaker_ok(g, p, strict=True))
        others = [g for g in gold if g.kind not in kinds]
        for p in pred:
            # A prediction that is another kind of gold quote is out of scope, not wrong.
            if id(p) not in used and not any(_cover(g, p) >= MATCH_THRESHOLD for g in others):
                fp += 1
    out = _prf(tp, fp, fn)
    out["speaker_accuracy"] = round(spk / tp, 4) if tp else 0.0
    out["speaker_accuracy_span_only"] = round(spk_strict / tp, 4) if tp else 0.0
    out["n_gold"] = tp + fn
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--errors", action="store_true", help="list misses and false alarms")
    args = parser.parse_args()
    if not (DATA / "annotations.jsonl").exists():
        print(
            f"error: {DATA}/annotations.jsonl not found; the Gender Gap Tracker set lives in "
            "../shared/data (see its README.md)",
            file=sys.stderr,
        )
        return 2

    started = time.time()
    ids, texts, golds, lost = load(args.limit)
    from stemma.annotate.nlp import load_pipeline

    nlp = load_pipeline()  # the pipeline stemma runs, paragraph breaks included
    preds = [
        extract_quotes(doc, article=i)
        for i, doc in zip(ids, nlp.pipe(texts, batch_size=args.batch_size), strict=True)
    ]
    result = {
        "data": str(DATA),
        "articles": len(ids),
        "gold_quotes_not_located": lost,
        "predicted_quotes": sum(len(p) for p in preds),
        "match_threshold": MATCH_THRESHOLD,
        "direct": score(golds, preds, {"direct", "mixed"}),
        "direct_full_only": score(golds, preds, {"direct"}),
        "all_types": score(golds, preds, {"direct", "mixed", "indirect"}),
        "seconds": round(time.time() - started, 1),
        "notes": [
            "text: rawtext/ files; gold quotes re-located by exact string near their offset",
            "direct = gold quote holds a double quotation mark (mixed ones included)",
            "speaker: span overlap (GGT); for pronoun/empty gold speakers, predicted name "
            "fitting the gold reference also counts",
        ],
    }
    if args.errors:
        for i, gold, pred in zip(ids, golds, preds, strict=True):
            chosen = [g for g in gold if g.kind != "indirect"]
            pairs = match(chosen, pred)
            used = {id(p) for _, p in pairs if p is not None}
            for g, p in pairs:
                if p is None:
                    print(f"MISS {i} [{g.kind}] {g.speaker!r}: {g.text[:100]!r}")
                elif not _speaker_ok(g, p, strict=False):
                    print(
                        f"SPEAKER {i} gold={g.speaker!r}/{g.reference!r} pred={p.speaker!r}"
                        f" cue={p.cue!r}: {g.text[:80]!r}"
                    )
            for p in pred:
                if id(p) not in used and not any(_cover(g, p) >= MATCH_THRESHOLD for g in gold):
                    print(f"FALSE {i} {p.speaker!r} ({p.cue}): {p.text[:100]!r}")
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"Gender Gap Tracker quotes: {result['articles']} articles, {result['seconds']} s")
    for note in result["notes"]:
        print(f"  - {note}")
    print(f"  gold quotes not located in the text: {lost}")
    print(f"{'':22}{'P':>7}{'R':>7}{'F1':>7}{'gold':>6}{'spk acc':>9}{'span-only':>11}")
    for key, label in (
        ("direct", "direct (with mixed)"),
        ("direct_full_only", "direct, full only"),
        ("all_types", "all types (info)"),
    ):
        r = result[key]
        print(
            f"{label:22}{r['precision']:7.3f}{r['recall']:7.3f}{r['f1']:7.3f}{r['n_gold']:6d}"
            f"{r['speaker_accuracy']:9.3f}{r['speaker_accuracy_span_only']:11.3f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
