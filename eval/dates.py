"""Evaluate stemma.annotate.dates on TempEval-3 (TBAQ-cleaned TimeML news).

Two figures:

(a) normalisation: every gold TIMEX3 of type DATE in the text is fed, with the
    document creation time (DCT) as anchor, to ``normalise_date``; the value is
    compared with the gold ``value``.
    - *exact*: equal values;
    - *relaxed*: one value is a prefix of the other ("1988" vs gold "1988-Q3",
      "2000-01-05" vs "2000-01-05TEV"), i.e. right at the coarser granularity.
    Gold values with unknown digits are cut at the first X, the TimeML way of
    saying "not known below this": "1949-XX" → "1949", "199X" → "199",
    "1998-10-XX" → "1998-10". Gold values that are not calendar values
    (PRESENT_REF, PAST_REF, FUTURE_REF, durations "P1W") are scored apart: stemma
    returns ``None`` for them by design, and the figure is how often it does.

(b) end to end: ``extract_timerefs`` on the plain text (tags removed) with the
    DCT as ``published``; spans are matched to gold DATE/TIME timexes by
    overlap (one-to-one, greedy in text order) for precision/recall/F1, and the
    values of matched spans are scored as in (a). A second precision counts a
    predicted span overlapping a gold timex of *any* type (DURATION, SET) as
    correct: spaCy's DATE label also covers durations ("three days"), which
    stemma keeps with ``value=None``.

Usage::

    .venv/bin/python eval/dates.py [--limit N] [--json] [--errors N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "tempeval3" / "TBAQ-cleaned"

# Gold values that name no calendar time: stemma leaves them unresolved.
NON_CALENDAR = re.compile(r"^(?:PRESENT_REF|PAST_REF|FUTURE_REF|P.*)$")


@dataclass(frozen=True)
class GoldTimex:
    start: int
    end: int
    text: str
    type: str
    value: str


@dataclass(frozen=True)
class Document:
    name: str
    dct: dt.date
    text: str
    timexes: tuple[GoldTimex, ...]


def load_documents(root: Path, limit: int | None) -> list[Document]:
    docs = []
    for path in sorted(root.glob("*/*.tml"))[:limit]:
        tree = ET.parse(path).getroot()
        dct_el = tree.find("DCT/TIMEX3")
        text_el = tree.find("TEXT")
        if dct_el is None or text_el is None:
            continue
        dct = dt.date.fromisoformat(dct_el.get("value", "")[:10])
        parts: list[str] = []
        timexes: list[GoldTimex] = []
        _flatten(text_el, parts, timexes, top=True)
        docs.append(Document(path.stem, dct, "".join(parts), tuple(timexes)))
    return docs


def _flatten(el: ET.Element, parts: list[str], timexes: list[GoldTimex], top: bool) -> None:
    """Append ``el``'s text to ``parts``, recording TIMEX3 spans by offset."""
    start = sum(len(p) for p in parts)
    if el.text:
        parts.append(el.text)
    for child in el:
        _flatten(child, parts, timexes, top=False)
        if child.tail:
            parts.append(child.tail)
    if el.tag == "TIMEX3" and not top:
        end = sum(len(p) for p in parts)
        text = "".join(parts)[start:end]
        timexes.append(GoldTimex(start, end, text, el.get("type", ""), el.get("value", "")))


def canonical_gold(value: str) -> str:
    """A TimeML value in stemma's spelling.

    Cut at the first unknown digit ("1949-XX" → "1949", "1989-QX" → "1989");
    ISO week numbers on two digits ("2000-W7" → "2000-W07"); parts of the day
    dropped ("2000-01-05TEV" → "2000-01-05"), since stemma resolves to days.
    """
    cut = value.find("X")
    if cut >= 0:
        value = value[:cut].rstrip("-WQH")
    value = re.sub(r"-W(\d)(?=$|-)", r"-W0\1", value)
    return re.sub(r"T(?:MO|AF|EV|NI|DT)$", "", value)


def value_match(pred: str | None, gold: str) -> tuple[bool, bool]:
    """(exact, relaxed) agreement of a predicted value with a canonical gold one."""
    if pred is None:
        return False, False
    return pred == gold, gold.startswith(pred) or pred.startswith(gold)


@dataclass
class Tally:
    n: int = 0
    exact: int = 0
    relaxed: int = 0
    answered: int = 0

    def add(self, pred: str | None, gold: str) -> tuple[bool, bool]:
        exact, relaxed = value_match(pred, gold)
        self.n += 1
        self.exact += exact
        self.relaxed += relaxed
        self.answered += pred is not None
        return exact, relaxed

    def figures(self) -> dict[str, float | int]:
        n = self.n or 1
        return {
            "n": self.n,
            "exact": round(self.exact / n, 4),
            "relaxed": round(self.relaxed / n, 4),
            "answered": round(self.answered / n, 4),
        }


def evaluate(docs: list[Document], show_errors: int) -> dict[str, object]:

    from stemma.annotate.dates import extract_timerefs, normalise_date

    # (a) normalisation of gold DATE timexes
    calendar, non_calendar = Tally(), Tally()
    errors: Counter[tuple[str, str, str]] = Counter()
    for doc in docs:
        for timex in doc.timexes:
            if timex.type != "DATE":
                continue
            result = normalise_date(timex.text, doc.dct)
            pred = result[0] if result else None
            if NON_CALENDAR.match(timex.value):
                non_calendar.add(pred, timex.value)
                continue
            exact, _ = calendar.add(pred, canonical_gold(timex.value))
            if not exact:
                errors[(timex.text, canonical_gold(timex.value), str(pred))] += 1

    # (b) extraction + normalisation
    from stemma.annotate.nlp import load_pipeline

    nlp = load_pipeline()  # the pipeline stemma runs, paragraph breaks included
    tp = fp = fn = fp_any = fn_calendar = n_calendar = 0
    matched = Tally()
    started = time.perf_counter()
    for doc in docs:
        refs = extract_timerefs(nlp(doc.text), article=doc.name, published=doc.dct.isoformat())
        gold = [t for t in doc.timexes if t.type in ("DATE", "TIME")]
        used: set[int] = set()
        for ref in refs:
            hit = next(
                (
                    i
                    for i, g in enumerate(gold)
                    if i not in used and g.start < ref.end and ref.start < g.end
                ),
                None,
            )
            if hit is None:
                fp += 1
                if not any(t.start < ref.end and ref.start < t.end for t in doc.timexes):
                    fp_any += 1
                continue
            used.add(hit)
            tp += 1
            if not NON_CALENDAR.match(gold[hit].value):
                matched.add(ref.value, canonical_gold(gold[hit].value))
        fn += len(gold) - len(used)
        calendar_gold = [i for i, g in enumerate(gold) if not NON_CALENDAR.match(g.value)]
        n_calendar += len(calendar_gold)
        fn_calendar += sum(1 for i in calendar_gold if i not in used)
    seconds = time.perf_counter() - started

    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "documents": len(docs),
        "normalisation": {
            "calendar": calendar.figures(),
            "non_calendar_abstained": round(1 - non_calendar.figures()["answered"], 4),
            "non_calendar_n": non_calendar.n,
        },
        "extraction": {
            "precision": round(precision, 4),
            "precision_any_timex": round((tp + fp - fp_any) / (tp + fp), 4) if tp + fp else 0.0,
            "recall": round(recall, 4),
            "recall_calendar": round(1 - fn_calendar / n_calendar, 4) if n_calendar else 0.0,
            "f1": round(f1, 4),
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "value_on_matched": matched.figures(),
            "seconds": round(seconds, 2),
        },
        "top_errors": [
            {"text": t, "gold": g, "pred": p, "count": c}
            for (t, g, p), c in errors.most_common(show_errors)
        ],
    }


def print_human(r: dict[str, object]) -> None:
    norm = r["normalisation"]
    ext = r["extraction"]
    assert isinstance(norm, dict) and isinstance(ext, dict)
    cal = norm["calendar"]
    val = ext["value_on_matched"]
    print(f"TempEval-3 TBAQ-cleaned, {r['documents']} documents")
    print("(a) normalisation of gold DATE timexes, DCT as anchor")
    print(
        f"    calendar values (n={cal['n']}): exact {cal['exact']:.1%}, "
        f"relaxed {cal['relaxed']:.1%}, answered {cal['answered']:.1%}"
    )
    print(
        f"    non-calendar (REF/duration, n={norm['non_calendar_n']}): "
        f"left unresolved {norm['non_calendar_abstained']:.1%}"
    )
    print("(b) extract_timerefs on plain text vs gold DATE+TIME timexes (overlap)")
    print(
        f"    precision {ext['precision']:.1%} (any timex type: {ext['precision_any_timex']:.1%}),"
        f" recall {ext['recall']:.1%} (calendar-valued gold: {ext['recall_calendar']:.1%}),"
        f" F1 {ext['f1']:.1%}"
        f"  [tp={ext['tp']} fp={ext['fp']} fn={ext['fn']}, {ext['seconds']} s]"
    )
    print(
        f"    value on matched calendar spans (n={val['n']}): exact {val['exact']:.1%}, "
        f"relaxed {val['relaxed']:.1%}"
    )
    errors = r["top_errors"]
    assert isinstance(errors, list)
    if errors:
        print("most frequent normalisation misses (text | gold | predicted):")
        for e in errors:
            print(f"    {e['count']:3d}  {e['text']!r} | {e['gold']} | {e['pred']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--errors", type=int, default=0, help="list the N commonest misses")
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"TempEval-3 data not found at {DATA} (see ../shared/data/README.md)")
    docs = load_documents(DATA, args.limit)
    if not docs:
        sys.exit(f"no .tml documents under {DATA}")
    report = evaluate(docs, args.errors)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_human(report)


if __name__ == "__main__":
    main()
