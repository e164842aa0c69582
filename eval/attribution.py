"""Score attribution extraction (source and cue) on PolNeAR's dev split.

PolNeAR (networkdynamics/PolNeAR) annotates attribution relations in US
campaign news as brat standoff: ``T`` lines are spans (``Source``, ``Cue``,
``Content``, and the relation anchor ``Attribution`` /
``Attribution-no-source``), ``E`` lines tie them into one relation::

    T10  Source 718 755  Developers and supporters in Congress
    T11  Cue 756 759     say
    E4   Attribution:T13 Content:T12 Cue:T11 Source:T10

Matching is by overlap of character spans:

- *source*: a gold relation with a Source is found when some predicted
  attribution's source mention overlaps it; a prediction is correct when it
  overlaps some gold Source.
- *cue*: the same with the cue span (every gold relation has a cue).
- *source+cue*: one prediction must overlap both the Source and the Cue of
  the same gold relation.

PolNeAR annotates far more than stemma targets (sources without cue verbs,
"no-source" relations, beliefs, nested sources inside quotes), so recall here
is a floor, not the product's recall on news sourcing.

Some dev articles carry several annotators' files; the first annotator
listed in ``metadata.tsv`` is used, so each article counts once.

Usage::

    .venv/bin/python eval/attribution.py            # the whole dev split
    .venv/bin/python eval/attribution.py --limit 20 --json
    .venv/bin/python eval/attribution.py --errors 30  # print missed / spurious
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "polnear"

Spans = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class GoldRelation:
    source: Spans | None
    cue: Spans
    source_text: str
    cue_text: str


@dataclass(frozen=True)
class Predicted:
    source: tuple[int, int]
    cue: tuple[int, int]
    mention: str
    cue_text: str


def _parse_spans(field: str) -> Spans:
    # "1948 1958;1974 2071": a discontinuous span.
    out = []
    for part in field.split(";"):
        a, b = part.split()
        out.append((int(a), int(b)))
    return tuple(out)


def read_ann(path: Path) -> list[GoldRelation]:
    """The attribution relations of one brat ``.ann`` file."""
    spans: dict[str, tuple[str, Spans, str]] = {}
    events: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        cols = line.split("\t")
        if line.startswith("T") and len(cols) >= 2:
            label, _, where = cols[1].partition(" ")
            spans[cols[0]] = (label, _parse_spans(where), cols[2] if len(cols) > 2 else "")
        elif line.startswith("E") and len(cols) >= 2:
            args = dict(arg.split(":", 1) for arg in cols[1].split())
            events.append(args)
    rels = []
    for args in events:
        if "Attribution" not in args and "Attribution-no-source" not in args:
            continue
        cue = spans.get(args.get("Cue", ""))
        if cue is None:
            continue
        src = spans.get(args.get("Source", ""))
        rels.append(
            GoldRelation(
                source=src[1] if src else None,
                cue=cue[1],
                source_text=src[2] if src else "",
                cue_text=cue[2],
            )
        )
    return rels


def dev_files(limit: int | None) -> list[tuple[str, Path, Path]]:
    """(name, text path, ann path) for the dev split, one annotator per article."""
    meta = DATA / "metadata.tsv"
    ann_dir = DATA / "dev" / "attributions"
    text_dir = DATA / "dev" / "text"
    out = []
    with meta.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["compartment"] != "dev":
                continue
            name = row["filename"]
            anns = [ann_dir / f"{name}_{a}.ann" for a in row["annotators"].split("|")]
            anns = [a for a in anns if a.exists()] or sorted(ann_dir.glob(f"{name}_*.ann"))
            text = text_dir / f"{name}.txt"
            if anns and text.exists():
                out.append((name, text, anns[0]))
    out.sort()
    return out[:limit] if limit else out


def _overlap(span: tuple[int, int], gold: Spans | None) -> bool:
    return gold is not None and any(span[0] < b and a < span[1] for a, b in gold)


def _prf(tp_p: int, n_pred: int, tp_r: int, n_gold: int) -> dict[str, float]:
    p = tp_p / n_pred if n_pred else 0.0
    r = tp_r / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def score(
    gold: list[list[GoldRelation]], pred: list[list[Predicted]]
) -> dict[str, dict[str, float]]:
    """Overlap precision/recall/F1 for source, cue and source+cue."""
    counts = dict.fromkeys(
        ["n_pred", "n_gold_src", "n_gold", "src_p", "src_r", "cue_p", "cue_r", "both_p", "both_r"],
        0,
    )
    for g, p in zip(gold, pred, strict=True):
        with_src = [r for r in g if r.source is not None]
        counts["n_pred"] += len(p)
        counts["n_gold_src"] += len(with_src)
        counts["n_gold"] += len(g)
        counts["src_p"] += sum(any(_overlap(x.source, r.source) for r in with_src) for x in p)
        counts["src_r"] += sum(any(_overlap(x.source, r.source) for x in p) for r in with_src)
        counts["cue_p"] += sum(any(_overlap(x.cue, r.cue) for r in g) for x in p)
        counts["cue_r"] += sum(any(_overlap(x.cue, r.cue) for x in p) for r in g)

        def both(x: Predicted, r: GoldRelation) -> bool:
            return _overlap(x.source, r.source) and _overlap(x.cue, r.cue)

        counts["both_p"] += sum(any(both(x, r) for r in with_src) for x in p)
        counts["both_r"] += sum(any(both(x, r) for x in p) for r in with_src)
    c = counts
    return {
        "source": _prf(c["src_p"], c["n_pred"], c["src_r"], c["n_gold_src"]),
        "cue": _prf(c["cue_p"], c["n_pred"], c["cue_r"], c["n_gold"]),
        "source+cue": _prf(c["both_p"], c["n_pred"], c["both_r"], c["n_gold_src"]),
        "counts": {k: float(v) for k, v in c.items()},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="score only the first N articles")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--errors", type=int, default=0, help="print up to N misses and false alarms")
    ap.add_argument("--batch-size", type=int, default=8)
    args = ap.parse_args(argv)

    if not (DATA / "metadata.tsv").exists():
        print(
            f"PolNeAR is absent: expected {DATA}/metadata.tsv and dev/ "
            "(see ../shared/data/README.md).",
            file=sys.stderr,
        )
        return 2

    from stemma.annotate.attribution import find_attribution_spans

    files = dev_files(args.limit)
    from stemma.annotate.nlp import load_pipeline

    nlp = load_pipeline()  # the pipeline stemma runs, paragraph breaks included
    # newline="" keeps the offsets brat counted (no newline translation).
    texts = [t.open(encoding="utf-8", newline="").read() for _, t, _ in files]
    gold = [read_ann(a) for _, _, a in files]
    pred: list[list[Predicted]] = []
    for doc in nlp.pipe(texts, batch_size=args.batch_size):
        pred.append(
            [
                Predicted(
                    (s.attribution.start, s.attribution.end),
                    (s.cue_start, s.cue_end),
                    s.attribution.mention,
                    doc.text[s.cue_start : s.cue_end],
                )
                for s in find_attribution_spans(doc)
            ]
        )
    result = score(gold, pred)
    result_meta = {"articles": len(files), "split": "dev", "matching": "character overlap"}
    if args.json:
        print(json.dumps({**result_meta, **result}, indent=2))
    else:
        c = result["counts"]
        print(
            f"PolNeAR dev: {len(files)} articles, {int(c['n_gold'])} gold relations "
            f"({int(c['n_gold_src'])} with a source), {int(c['n_pred'])} predicted"
        )
        for key in ("source", "cue", "source+cue"):
            m = result[key]
            print(f"  {key:11} P={m['precision']:.3f}  R={m['recall']:.3f}  F1={m['f1']:.3f}")
    if args.errors:
        _print_errors(files, texts, gold, pred, args.errors)
    return 0


def _print_errors(files, texts, gold, pred, n: int) -> None:  # type: ignore[no-untyped-def]
    missed, spurious = [], []
    for (name, _, _), text, g, p in zip(files, texts, gold, pred, strict=True):
        for r in g:
            if r.source and not any(
                _overlap(x.source, r.source) and _overlap(x.cue, r.cue) for x in p
            ):
                a = r.cue[0][0]
                missed.append(
                    f"{name}: [{r.source_text}] <{r.cue_text}> … {text[max(0, a - 80) : a + 40]!r}"
                )
        for x in p:
            if not any(_overlap(x.source, r.source) and _overlap(x.cue, r.cue) for r in g):
                a = x.cue[0]
                spurious.append(
                    f"{name}: [{x.mention}] <{x.cue_text}> … {text[max(0, a - 80) : a + 40]!r}"
                )
    print(f"\nmissed ({len(missed)}):")
    print("\n".join(missed[:n]))
    print(f"\nspurious ({len(spurious)}):")
    print("\n".join(spurious[:n]))


if __name__ == "__main__":
    raise SystemExit(main())
