"""Agreement between the status classifier and the hand labels of the reference report.

    python scripts/status_agreement.py            # agreement, confusion matrix, disagreements
    python scripts/status_agreement.py --excerpts # also the status phrases of samples/real-excerpts/
    python scripts/status_agreement.py --pages DIR   # also real pages with gold labels (NNN.input.txt, NNN.gold.json)

Labels: tests/fixtures/labels/jishui-2020-status.csv (rules in tests/fixtures/labels/RULES.md).
Calibration: per confidence level (high, medium, low, none) how often the status agrees with the
labels. Real pages (NNN.input.txt beside NNN.gold.json) are extracted as `luoshi extract` does and
their rows matched to the gold rows by task prefix; gold rows labelled unknown are not scored.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from transforms.pipeline import RejectedReport, parse_report  # noqa: E402
from transforms.status import classify_explicit, decide_from_words  # noqa: E402

CONFIDENCES = ["high", "medium", "low", "none"]
CODES = ["completed", "in_progress", "behind", "not_started", "ongoing", "unknown"]
LABELS = ROOT / "tests" / "fixtures" / "labels" / "jishui-2020-status.csv"
REFERENCE = ROOT / "samples" / "jishui-2020-progress.txt"
EXCERPTS = ROOT / "samples" / "real-excerpts"
# as-of dates of the excerpts (from their titles; see samples/README.md)
EXCERPT_AS_OF = {
    "cangnan-2022-livelihood-progress-1031.txt": (date(2022, 10, 31), 2022),
    "chongchuan-2023-livelihood-progress-jan-nov.txt": (date(2023, 11, 30), 2023),
    "dayu-2024-livelihood-progress-1210.txt": (date(2024, 12, 10), 2024),
    "wenshang-2023-livelihood-progress.txt": (date(2023, 11, 29), 2023),
}


def load_labels(path: Path = LABELS) -> dict[tuple[int, int], dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return {(int(r["table_no"]), int(r["seq"])): r for r in csv.DictReader(fh)}


def predictions() -> dict[tuple[int, int], tuple[str, str, str | None]]:
    parsed = parse_report(REFERENCE.read_bytes(), REFERENCE.name, as_of=date(2020, 11, 30), plan_year=2020, period_type="year_end")
    return {(r.table_no, r.seq): (r.status, r.status_confidence, r.status_evidence) for r in parsed.records}


def agreement(rows: list[tuple[str, str]]) -> tuple[int, int]:
    return sum(1 for gold, pred in rows if gold == pred), len(rows)


def confusion(rows: list[tuple[str, str]]) -> str:
    counts = Counter(rows)
    short = {"completed": "compl", "in_progress": "in_pr", "behind": "behind", "not_started": "not_st", "ongoing": "ongoing", "unknown": "unknown"}
    lines = ["label \\ predicted  " + " ".join(f"{short[c]:>8}" for c in CODES)]
    for g in CODES:
        lines.append(f"{g:<18} " + " ".join(f"{counts.get((g, p), 0):>8}" for p in CODES))
    return "\n".join(lines)


def pct(a: int, n: int) -> str:
    return f"{a}/{n} = {100.0 * a / n:.1f} %" if n else "n/a"


def report(show_disagreements: bool = True) -> dict[str, tuple[int, int]]:
    labels = load_labels()
    preds = predictions()
    missing = sorted(set(labels) - set(preds))
    if missing:
        print(f"labelled rows the parser did not return: {missing}")
    all_rows, clear_rows, by_conf = [], [], {c: [] for c in CONFIDENCES}
    for key, lab in sorted(labels.items()):
        if key not in preds:
            continue
        status, conf, _ = preds[key]
        all_rows.append((lab["status"], status))
        by_conf[conf].append((lab["status"], status))
        if lab["clear"] == "yes":
            clear_rows.append((lab["status"], status))
    out = {"all": agreement(all_rows), "clear": agreement(clear_rows)}
    print(f"agreement, all labelled rows:  {pct(*out['all'])}")
    print(f"agreement, clear-cut rows:     {pct(*out['clear'])}")
    for c, rows in by_conf.items():
        out[c] = agreement(rows)
        print(f"agreement, confidence {c:<7} {pct(*out[c])}")
    print("\nconfusion (all rows):")
    print(confusion(all_rows))
    print("\nconfusion (clear-cut rows):")
    print(confusion(clear_rows))
    if show_disagreements:
        print("\ndisagreements (table.seq label → predicted [confidence] evidence):")
        for key, lab in sorted(labels.items()):
            if key in preds and preds[key][0] != lab["status"]:
                s, c, ev = preds[key]
                flag = "clear" if lab["clear"] == "yes" else "unclear"
                print(f"  {key[0]}.{key[1]:<4} {lab['status']:<12} → {s:<12} [{c}] {flag:<7} {ev!r:.60}  ({lab['note']})")
    return out


def _norm(s: object) -> str:
    return "".join(unicodedata.normalize("NFKC", str(s or "")).split())


def page_rows(pages: Path) -> list[tuple[str, str, str]]:
    """(gold status, our status, our confidence) of every matched gold row of the real pages in
    ``pages`` whose gold status is not unknown (as the page scorer counts status)."""
    from scripts.fidelity import extract

    out: list[tuple[str, str, str]] = []
    for gold_path in sorted(pages.glob("*.gold.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        if not gold.get("is_task_table", True):
            continue
        _, recs = extract(gold_path.with_name(gold_path.name.replace(".gold.json", ".input.txt")))
        cand = [_norm(r.get("project")) + _norm(r.get("task_text")) + _norm(r.get("target_text") or r.get("target")) for r in recs]
        used: set[int] = set()
        for g in gold["rows"]:
            if g.get("truncated"):
                continue
            prefixes = [p for p in (_norm(g.get(k)) for k in ("task_prefix_clean", "task_prefix", "target_prefix")) if len(p) >= 3]
            j = next((i for i, c in enumerate(cand) if i not in used and any(p in c for p in prefixes)), None)
            if j is None:
                continue
            used.add(j)
            if g.get("status") and g["status"] != "unknown":
                out.append((g["status"], recs[j].get("status") or "unknown", recs[j].get("status_confidence") or "none"))
    return out


def report_pages(pages: Path) -> dict[str, tuple[int, int]]:
    rows = page_rows(pages)
    pairs = [(g, p) for g, p, _ in rows]
    out = {"all": agreement(pairs)}
    print(f"\nreal pages ({pages}): agreement, rows with a gold status other than unknown: {pct(*out['all'])}")
    for c in CONFIDENCES:
        out[c] = agreement([(g, p) for g, p, conf in rows if conf == c])
        print(f"agreement, confidence {c:<7} {pct(*out[c])}")
    print("\nconfusion (real pages):")
    print(confusion(pairs))
    return out


def _cells(text: str) -> list[str]:
    return [c.strip() for c in re.split(r"\s*\|\s*|\n", text) if c.strip()]


def classify_excerpts() -> None:
    """The status phrases of each excerpt: parsed records where the reader copes, else status-like cells."""
    for path in sorted(EXCERPTS.glob("*.txt")):
        as_of, year = EXCERPT_AS_OF.get(path.name, (None, None))
        expected = round(as_of.month / 12, 4) if as_of else None
        print(f"\n== {path.name} (as of {as_of}, 序时 {expected})")
        try:
            parsed = parse_report(path.read_bytes(), path.name, as_of=as_of, plan_year=year)
            for r in parsed.records:
                phrase = (r.status_raw or (r.progress[-1]["text"] if r.progress else ""))[:40]
                print(f"  row {r.seq:<3} {r.status:<12} [{r.status_confidence}] {phrase!r}  evidence={r.status_evidence!r}")
        except RejectedReport as exc:
            print(f"  (not parsed: {str(exc)[:80]})")
        # the short status phrases in the text itself (a status column, a percentage, 是/否)
        seen: set[str] = set()
        for cell in _cells(path.read_text(encoding="utf-8")):
            if cell in seen or len(cell) > 40:
                continue
            d = classify_explicit(cell) if len(cell) <= 8 else None
            if d is None and re.match(r"^\d+(\.\d+)?\s*[%％]", cell):
                d = decide_from_words("", cell, expected)
            if d is not None:
                seen.add(cell)
                print(f"  phrase {cell!r:<34} → {d.status:<12} [{d.confidence}] evidence={d.evidence!r}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--excerpts", action="store_true", help="also classify the status phrases of samples/real-excerpts/")
    ap.add_argument("--quiet", action="store_true", help="no list of disagreements")
    ap.add_argument("--pages", type=Path, help="also real pages with gold labels (NNN.input.txt and NNN.gold.json)")
    args = ap.parse_args()
    report(show_disagreements=not args.quiet)
    if args.pages:
        report_pages(args.pages)
    if args.excerpts:
        classify_excerpts()


if __name__ == "__main__":
    main()
