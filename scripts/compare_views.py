"""Compare every view's rows under two versions of warehouse/views/*.sql on one warehouse.

    python scripts/compare_views.py WAREHOUSE... [--ref GIT_REF]
    python scripts/compare_views.py --test-warehouses [--ref GIT_REF]
    python scripts/compare_views.py --mutate WAREHOUSE   (first edits the copy: scripts/view_mutations.sql)

The warehouse is copied to a temporary folder (the original is never written). On the copy, the
views of GIT_REF (default: the merge base of HEAD and main) are created and each view's rows are
kept in a temporary table; then the views of the working tree are created and compared with
EXCEPT ALL in both directions, and their column names and types with DESCRIBE (not the nullability
DESCRIBE infers from the base tables). Prints one line per view and exits 1 if any view differs.
A column dropped or added on purpose is named, and the rows are compared on the columns both have.

Rows that differ only in DOUBLE columns, by at most one unit of the 4th decimal once paired on their
other columns, count as the same: a sum of DOUBLEs depends on the order rows reach it (plan, threads), so two runs of one
view can differ there (the scorecards round such a sum to 4 decimals, and its last decimal flips).

--test-warehouses builds the warehouses of the view tests (tests/helpers/analyst.py: the analyst
scenario with metrics and links; tests/helpers/history.py: the period fixtures with known statuses and
fixture links) in a temporary folder and compares on them. --mutate first applies
scripts/view_mutations.sql to the copy. Used to check that a rewrite of a view for speed returns
the rows it returned before.
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


def close_enough(con: duckdb.DuckDBPyConnection, view: str, cols: list, tol: float = 1.5e-4) -> bool:
    """The rows that differ pair up one to one on their non-DOUBLE columns, and each pair's DOUBLE
    columns differ by at most TOL, one unit of the 4th decimal (a sum of DOUBLEs depends on the order rows reach it, and a view
    that rounds such a sum to 4 decimals can flip its last decimal)."""
    keys = [c[0] for c in cols if c[1] != "DOUBLE"]
    dbls = [c[0] for c in cols if c[1] == "DOUBLE"]
    if not dbls:
        return False
    con.execute(f'CREATE OR REPLACE TEMP TABLE only_a AS SELECT * FROM "old__{view}" EXCEPT ALL SELECT * FROM "new__{view}"')
    con.execute(f'CREATE OR REPLACE TEMP TABLE only_b AS SELECT * FROM "new__{view}" EXCEPT ALL SELECT * FROM "old__{view}"')
    na = con.execute("SELECT count(*) FROM only_a").fetchone()[0]
    nb = con.execute("SELECT count(*) FROM only_b").fetchone()[0]
    on = " AND ".join(f'a."{k}" IS NOT DISTINCT FROM b."{k}"' for k in keys) or "true"
    near = " AND ".join(f'(a."{d}" IS NOT DISTINCT FROM b."{d}" OR abs(a."{d}" - b."{d}") <= {tol})' for d in dbls)
    pairs = con.execute(f"SELECT count(*), count(*) FILTER (WHERE {near}) FROM only_a a JOIN only_b b ON {on}").fetchone()
    return na == nb == pairs[0] == pairs[1]


def compare(warehouse: Path, ref: str, mutate: bool = False) -> int:
    old_sql = view_sql_at(ref)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "warehouse.duckdb"
        shutil.copyfile(warehouse, copy)
        con = duckdb.connect(str(copy))
        if mutate:
            con.execute((ROOT / "scripts" / "view_mutations.sql").read_text(encoding="utf-8"))
            # the edits bypass the loader: bring its derived table up to date as a load would
            if str(ROOT) not in sys.path:
                sys.path.insert(0, str(ROOT))
            from warehouse.db import connect

            con.close()
            connect(copy).close()  # the working tree's schema, task_current included
            con = duckdb.connect(str(copy))
            from warehouse.db import run_sql

            run_sql(con, "refresh_task_current", {"reports": None})
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
            names = [c[0] for c in cols]
            old_names = [c[0] for c in old_cols[v]]
            shared = [n for n in names if n in old_names]
            note = ""
            if names != old_names:
                # a column dropped or added on purpose: compare the rows on the columns both have
                dropped, added = [n for n in old_names if n not in names], [n for n in names if n not in old_names]
                note = f" (compared on shared columns; dropped: {', '.join(dropped) or '-'}; added: {', '.join(added) or '-'})"
                picked = ", ".join(f'"{n}"' for n in shared)
                con.execute(f'CREATE OR REPLACE TEMP TABLE "old__{v}" AS SELECT {picked} FROM "old__{v}"')
                cols = [c for c in cols if c[0] in shared]
                old_cols[v] = [c for c in old_cols[v] if c[0] in shared]
                old_cols[v] = sorted(old_cols[v], key=lambda c: shared.index(c[0]))
                con.execute(f'CREATE OR REPLACE TEMP TABLE "new__{v}" AS SELECT {picked} FROM "{v}"')
            else:
                con.execute(f'CREATE OR REPLACE TEMP TABLE "new__{v}" AS SELECT * FROM "{v}"')  # one run of the new view
            only_old = con.execute(f'SELECT count(*) FROM (SELECT * FROM "old__{v}" EXCEPT ALL SELECT * FROM "new__{v}")').fetchone()[0]
            only_new = con.execute(f'SELECT count(*) FROM (SELECT * FROM "new__{v}" EXCEPT ALL SELECT * FROM "old__{v}")').fetchone()[0]
            same = cols == old_cols[v] and only_old == 0 and only_new == 0
            verdict = "same" if same else "DIFFERENT"
            if not same and cols == old_cols[v] and close_enough(con, v, cols):
                same, verdict = True, "same up to summation order (DOUBLE columns within one unit of the 4th decimal, rows paired on the others)"
            failed += not same
            print(
                f"{v}: {verdict} rows={rows} only_before={only_old} only_after={only_new}"
                f"{'' if cols == old_cols[v] else ' columns differ'}{note} ({time.perf_counter() - t:.1f}s)",
                flush=True,
            )
            con.execute(f'DROP TABLE "new__{v}"; DROP TABLE "old__{v}"')
        con.close()
    return 1 if failed else 0


def test_warehouses(folder: Path) -> list[Path]:
    from datetime import date

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.helpers import REFERENCE
    from tests.helpers.analyst import build
    from tests.helpers.history import build_history_db
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
