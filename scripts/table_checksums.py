"""Print one line per warehouse table: its row count and a checksum of its contents.

    python -m scripts.table_checksums data/warehouse.duckdb [--skip etl_run] [--exclude table.column ...]

The checksum is the sum of the hashes of every row (all columns, or all but the excluded ones), so
it does not depend on the order rows were written in; two warehouses with equal lines hold equal
tables. etl_run (the run log: timings, run ids) is skipped unless `--skip` says otherwise, and
columns that record when a row was written (`ingested_at`, `created_at`, `decided_at`) are left
out of the hash because they differ between any two runs.
"""

from __future__ import annotations

import argparse
import sys

import duckdb

TIME_COLUMNS = {"ingested_at", "created_at", "decided_at"}


def table_checksums(con: duckdb.DuckDBPyConnection, skip: set[str], exclude: set[str]) -> list[tuple[str, int, int]]:
    """(table, rows, checksum) for every base table of the main schema but `skip`, by name."""
    tables = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary ORDER BY table_name"
        ).fetchall()
    ]
    out = []
    for table in tables:
        if table in skip:
            continue
        cols = [
            r[0]
            for r in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = ? ORDER BY column_index",
                [table],
            ).fetchall()
            if r[0] not in TIME_COLUMNS and f"{table}.{r[0]}" not in exclude
        ]
        row = ", ".join(f'"{c}"' for c in cols)
        count, total = con.execute(f'SELECT count(*), coalesce(sum(hash(struct_pack({row})))::HUGEINT, 0) FROM "{table}"').fetchone()
        out.append((table, int(count), int(total)))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("warehouse")
    ap.add_argument("--skip", nargs="*", default=["etl_run"], help="tables to leave out (default: etl_run)")
    ap.add_argument("--exclude", nargs="*", default=[], help="columns to leave out of the hash, as table.column")
    args = ap.parse_args(argv)
    con = duckdb.connect(args.warehouse, read_only=True)
    for table, count, total in table_checksums(con, set(args.skip), set(args.exclude)):
        print(f"{table:24} {count:8d} {total}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
