"""p95 of every view before and after a change of warehouse/views/*.sql, on one warehouse.

    python scripts/view_timings.py WAREHOUSE [--ref GIT_REF]

The warehouse is copied to a temporary folder (the original is never written). On the copy the
views of GIT_REF (default: the merge base of HEAD and main) are created and timed with
scripts/bench.py's bench_views (read-only connection, every row of `SELECT *` streamed as Arrow
record batches, p95 of 20 runs; the same
figures `make bench` reports as view_p95_ms), then the views of the working tree are created and
timed the same way. Prints a Markdown table (ms) and the load average of the machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from scripts.benchkit import bench_views  # noqa: E402
from scripts.compare_views import git, view_sql_at, view_sql_here  # noqa: E402


def timed(copy: Path, sql: list[str]) -> dict[str, float]:
    con = duckdb.connect(str(copy))
    for text in sql:
        con.execute(text)
    con.close()
    return bench_views(copy)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("warehouse", type=Path)
    ap.add_argument("--ref", default=None, help="git ref of the 'before' views (default: merge base of HEAD and main)")
    a = ap.parse_args()
    ref = a.ref or git("merge-base", "HEAD", "main").strip()
    con = duckdb.connect(str(a.warehouse), read_only=True)
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("dim_report", "dim_task", "fct_task_progress")}
    con.close()
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "warehouse.duckdb"
        shutil.copyfile(a.warehouse, copy)
        load_before = os.getloadavg()
        before = timed(copy, view_sql_at(ref))
        load_mid = os.getloadavg()
        after = timed(copy, view_sql_here())
        load_after = os.getloadavg()
    print(f"warehouse: {', '.join(f'{k} {v:,}' for k, v in counts.items())}")
    print(f"before = views of {ref[:12]}, after = working tree; p95 of 20 runs, ms")
    print("| view or query | before | after |")
    print("|---|---:|---:|")
    for name in sorted(set(before) | set(after)):
        b, c = before.get(name), after.get(name)
        print(f"| {name} | {'' if b is None else f'{b:,.0f}'} | {'' if c is None else f'{c:,.0f}'} |")
    views_b = [v for k, v in before.items() if k.startswith("view:")]
    views_a = [v for k, v in after.items() if k.startswith("view:")]
    print(f"| slowest view | {max(views_b):,.0f} | {max(views_a):,.0f} |")
    print(f"load average (1 min) at start / between / end: {load_before[0]:.2f} / {load_mid[0]:.2f} / {load_after[0]:.2f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
