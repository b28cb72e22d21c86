"""Time the linking functions on the period fixtures (and on 1000 × 1000 made-up tasks).

    .venv/bin/python scripts/bench_linking.py
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from transforms.linking import TaskRef, match_within_year, propose_links, record_text  # noqa: E402
from transforms.pipeline import parse_report  # noqa: E402

PERIODS = ROOT / "tests" / "fixtures" / "periods"


def refs(name: str, year: int, base: int) -> list[TaskRef]:
    recs = parse_report((PERIODS / name).read_bytes(), name, as_of=date(year, 6, 30), plan_year=year).records
    return [TaskRef(base + i, r.table_no, r.seq, record_text(r.task_text, r.project), year, "吉水县") for i, r in enumerate(recs)]


def timed(label: str, fn, repeat: int = 10) -> None:
    t = time.perf_counter()
    for _ in range(repeat):
        fn()
    print(f"{label}: {(time.perf_counter() - t) / repeat * 1000:.1f} ms")


def main() -> None:
    y2020 = refs("jishui-2020-11-real-progress.txt", 2020, 0)
    plan = refs("jishui-2021-synthetic-plan.txt", 2021, 1000)
    sep = [(t.table_no, t.seq, t.text) for t in refs("jishui-2021-09-synthetic-progress.txt", 2021, 2000)]
    timed(f"propose_links {len(y2020)} x {len(plan)}", lambda: propose_links(y2020, plan))
    timed(f"match_within_year {len(sep)} rows x {len(plan)} tasks", lambda: match_within_year(plan, sep))
    big_a = [TaskRef(i, 1, i, y2020[i % len(y2020)].text + str(i), 2020, "x") for i in range(1000)]
    big_b = [TaskRef(10_000 + i, 1, i, plan[i % len(plan)].text + str(i), 2021, "x") for i in range(1000)]
    timed("propose_links 1000 x 1000", lambda: propose_links(big_a, big_b), repeat=1)


if __name__ == "__main__":
    main()
