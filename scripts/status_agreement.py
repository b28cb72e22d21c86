"""Agreement between the status classifier and the hand labels of the reference report.

    python scripts/status_agreement.py            # agreement, confusion matrix, disagreements
    python scripts/status_agreement.py --excerpts # also the status phrases of samples/real-excerpts/

Labels: tests/fixtures/labels/jishui-2020-status.csv (rules in tests/fixtures/labels/RULES.md).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from transforms.pipeline import RejectedReport, parse_report  # noqa: E402
from transforms.status import classify_explicit, decide_from_words  # noqa: E402

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
    all_rows, clear_rows, by_conf = [], [], {"high": [], "medium": [], "low": []}
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
    args = ap.parse_args()
    report(show_disagreements=not args.quiet)
    if args.excerpts:
        classify_excerpts()


if __name__ == "__main__":
    main()
