"""Score article extraction (trafilatura + stemma.ingest.clean) on the article-extraction benchmark.

Data: ../shared/data/article-extraction-benchmark (scrapinghub, MIT): 181 news
pages as ``html/<id>.html.gz`` and ``ground-truth.json`` = ``{id: {articleBody, url}}``.

Each page is read exactly as ``stemma.ingest.readers`` reads HTML (``ingest.read_html``)
and its cleaned ``text`` compared with ``articleBody`` as bags of words
(lower-cased ``\\w+`` tokens, counted with multiplicity): precision = shared
tokens / extracted tokens, recall = shared / gold tokens. The figures are the
mean over pages (a page with no extraction scores 0) and the micro average
over all tokens. The same is reported for trafilatura's text *before*
cleaning (``raw_text``), so the effect of clean() is visible: cleaning should
raise precision and cost (almost) no recall.

    .venv/bin/python eval/extraction.py [--limit N] [--json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections import Counter
from pathlib import Path

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
BENCH = DATA / "article-extraction-benchmark"
TOKEN = re.compile(r"\w+")


def tokens(text: str) -> Counter[str]:
    return Counter(TOKEN.findall(text.lower()))


class Score:
    """Accumulates per-page and micro-averaged bag-of-words P/R/F1."""

    def __init__(self) -> None:
        self.pages: list[tuple[float, float, float]] = []
        self.shared = self.extracted = self.gold = 0

    def add(self, extracted: str, gold: str) -> None:
        got, want = tokens(extracted), tokens(gold)
        shared = sum((got & want).values())
        n_got, n_want = sum(got.values()), sum(want.values())
        self.shared, self.extracted, self.gold = (
            self.shared + shared,
            self.extracted + n_got,
            self.gold + n_want,
        )
        p = shared / n_got if n_got else 0.0
        r = shared / n_want if n_want else 0.0
        self.pages.append((p, r, _f1(p, r)))

    def summary(self) -> dict[str, float]:
        n = len(self.pages) or 1
        p_micro = self.shared / self.extracted if self.extracted else 0.0
        r_micro = self.shared / self.gold if self.gold else 0.0
        return {
            "precision": round(sum(p for p, _, _ in self.pages) / n, 4),
            "recall": round(sum(r for _, r, _ in self.pages) / n, 4),
            "f1": round(sum(f for _, _, f in self.pages) / n, 4),
            "micro_precision": round(p_micro, 4),
            "micro_recall": round(r_micro, 4),
            "micro_f1": round(_f1(p_micro, r_micro), 4),
        }


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--limit", type=int, default=None, help="score only the first N pages")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    truth_file = BENCH / "ground-truth.json"
    if not truth_file.exists():
        sys.exit(f"missing {truth_file}: see ../shared/data/README.md")

    from stemma.ingest.readers import read_html
    from stemma.model import Problem

    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    ids = sorted(truth)[: args.limit]
    cleaned, raw = Score(), Score()
    failures = 0
    removed_reasons: Counter[str] = Counter()
    for page_id in ids:
        gold = truth[page_id]["articleBody"]
        data = gzip.decompress((BENCH / "html" / f"{page_id}.html.gz").read_bytes())
        article = read_html(data, path=page_id, url=truth[page_id].get("url"))
        if isinstance(article, Problem):
            failures += 1
            cleaned.add("", gold)
            raw.add("", gold)
            continue
        removed_reasons.update(r.reason for r in article.removed)
        cleaned.add(article.text, gold)
        raw.add(article.raw_text, gold)

    result = {
        "pages": len(ids),
        "no_extraction": failures,
        "cleaned": cleaned.summary(),
        "trafilatura_only": raw.summary(),
        "removed_spans_by_reason": dict(removed_reasons.most_common()),
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"article-extraction-benchmark: {len(ids)} pages, {failures} without extraction")
    print(f"{'':18} {'P':>7} {'R':>7} {'F1':>7}   {'microP':>7} {'microR':>7} {'microF1':>7}")
    for name in ("trafilatura_only", "cleaned"):
        s = result[name]
        assert isinstance(s, dict)
        print(
            f"{name:18} {s['precision']:7.4f} {s['recall']:7.4f} {s['f1']:7.4f}   "
            f"{s['micro_precision']:7.4f} {s['micro_recall']:7.4f} {s['micro_f1']:7.4f}"
        )
    print("removed spans:", dict(removed_reasons.most_common()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
