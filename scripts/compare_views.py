"""Compare every view's rows under two versions of warehouse/views/*.sql on one warehouse.

    python scripts/compare_views.py WAREHOUSE... [--ref GIT_REF]
    python scripts/compare_views.py --test-warehouses [--ref GIT_REF]
    python scripts/compare_views.py --mutate WAREHOUSE   (first edits the copy: scripts/view_mutations.sql)

The warehouse is copied to a temporary folder (the original is never written). On the copy, the
views of GIT_REF (default: the merge base of HEAD and main) are created and each view's rows are
kept in a temporary table; then the views of the working tree are created and compared with
EXCEPT ALL in both directions, and their column names and types with DESCRIBE (not the
nullability DESCRIBE infers from the base tables). Prints one line per
view and exits 1 if any view differs. --test-warehouses builds the warehouses of the view tests
(tests/analyst_helpers.py: the analyst scenario with metrics and links; tests/test_history.py: the
period fixtures with known statuses and fixture links) in a temporary folder and compares on them. Used to check that a rewrite of a view for speed returns
exactly the rows it returned before.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent


def git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], check=True, capture_output=True, text=True).stdout


def view_sql_at(ref: str) -> list[str]:
    names = sorted(n for n in git("ls-tree", "--name-only", f"{ref}:warehouse/views").split() if n.endswith(".sql"))
    return [git("show", f"{ref}:warehouse/views/{n}") for n in names]


def view_sql_here() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((ROOT / "warehouse" / "views").glob("*.sql"))]


def views(con: duckdb.DuckDBPyConnection) -> list[str]:
    q = "SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main' AND database_name = current_database() ORDER BY 1"
    return [r[0] for r in con.execute(q).fetchall()]


def close_enough(con: duckdb.DuckDBPyConnection, view: str, cols: list) -> bool:
    """The rows agree once every DOUBLE column is rounded to 9 decimals."""
    sel = ", ".join(f'round("{c[0]}", 9)' if c[1] == "DOUBLE" else f'"{c[0]}"' for c in cols)
    a = f'SELECT {sel} FROM "old__{view}"'
    b = f'SELECT {sel} FROM "{view}"'
    n = con.execute(f"SELECT (SELECT count(*) FROM ({a} EXCEPT ALL {b})) + (SELECT count(*) FROM ({b} EXCEPT ALL {a}))").fetchone()[0]
    return n == 0


def compare(warehouse: Path, ref: str, mutate: bool = False) -> int:
    old_sql = view_sql_at(ref)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "warehouse.duckdb"
        shutil.copyfile(warehouse, copy)
        con = duckdb.connect(str(copy))
        if mutate:
            con.execute((ROOT / "scripts" / "view_mutations.sql").read_text(encoding="utf-8"))
        for text in old_sql:
            con.execute(text)
        old_views = views(con)
        old_cols = {}
        for v in old_views:
            old_cols[v] = [c[:2] for c in con.execute(f'DESCRIBE "{v}"').fetchall()]  # name, type
            con.execute(f'CREATE TEMP TABLE "old__{v}" AS SELECT * FROM "{v}"')
        for text in view_sql_here():
            con.execute(text)
        new_views = views(con)
        failed = 0
        for v in sorted(set(old_views) | set(new_views)):
            if v not in old_views or v not in new_views:
                print(f"{v}: only in {'the working tree' if v in new_views else ref}")
                failed += v not in new_views  # a new view is not a difference; a dropped one is
                continue
            t = time.perf_counter()
            cols = [c[:2] for c in con.execute(f'DESCRIBE "{v}"').fetchall()]
            rows = con.execute(f'SELECT count(*) FROM "old__{v}"').fetchone()[0]
            only_old = con.execute(f'SELECT count(*) FROM (SELECT * FROM "old__{v}" EXCEPT ALL SELECT * FROM "{v}")').fetchone()[0]
            only_new = con.execute(f'SELECT count(*) FROM (SELECT * FROM "{v}" EXCEPT ALL SELECT * FROM "old__{v}")').fetchone()[0]
            same = cols == old_cols[v] and only_old == 0 and only_new == 0
            verdict = "same" if same else "DIFFERENT"
            if not same and cols == old_cols[v] and close_enough(con, v, cols):
                # a sum of DOUBLEs depends on the order rows reach it (plan, threads): equal to 1e-9
                same, verdict = True, "same (DOUBLE sums equal to 1e-9: summation order)"
            failed += not same
            print(
                f"{v}: {verdict} rows={rows} only_before={only_old} only_after={only_new}"
                f"{'' if cols == old_cols[v] else ' columns differ'} ({time.perf_counter() - t:.1f}s)",
                flush=True,
            )
        con.close()
    return 1 if failed else 0


def test_warehouses(folder: Path) -> list[Path]:
    from datetime import date

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.analyst_helpers import build
    from tests.conftest import REFERENCE
    from tests.test_history import build_history_db
    from transforms.pipeline import parse_report

    base = parse_report(REFERENCE.read_bytes(), REFERENCE.name, as_of=date(2020, 11, 30), plan_year=2020).records
    analyst = build(folder / "analyst" / "warehouse.duckdb", base)
    (folder / "history").mkdir()
    history = Path(build_history_db(folder / "history" / "warehouse.duckdb"))
    return [analyst, history]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("warehouse", type=Path, nargs="*")
    ap.add_argument("--ref", default=None, help="git ref of the views to compare with (default: merge base of HEAD and main)")
    ap.add_argument("--test-warehouses", action="store_true", help="also build and compare the view tests' warehouses")
    ap.add_argument("--mutate", action="store_true", help="first apply scripts/view_mutations.sql to the copy")
    a = ap.parse_args()
    ref = a.ref or git("merge-base", "HEAD", "main").strip()
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        paths = list(a.warehouse) + (test_warehouses(Path(tmp)) if a.test_warehouses else [])
        for path in paths:
            print(f"views of {ref[:12]} vs working tree on {path}{' (mutated)' if a.mutate else ''}")
            failed += compare(path, ref, a.mutate)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
