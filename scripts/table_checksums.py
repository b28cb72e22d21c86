"""Print one line per warehouse table: its row count and a checksum of its contents.

    python -m scripts.table_checksums data/warehouse.duckdb [--natural] [--skip etl_run] [--exclude table.column ...]

The checksum is the sum of the hashes of every row (all columns, or all but the excluded ones), so
it does not depend on the order rows were written in; two warehouses with equal lines hold equal
tables. etl_run (the run log: timings, run ids) is skipped unless `--skip` says otherwise, and
columns that record when a row was written (`ingested_at`, `created_at`, `decided_at`,
`applied_at`) are left out of the hash because they differ between any two runs. schema_version
holds the fingerprint of the schema files: it differs whenever a DDL or view file changed.

`--natural` hashes every surrogate key (county_key, report_key, task_key …) as the natural key of
the row it points to (the county's name; the report's county, plan year, as-of date, period type
and sha256; the task's county, plan year, table, item, sub-item and text …) and leaves out a
table's own sequence-numbered key: two warehouses that hold the same facts but numbered their
rows in a different order then print equal lines.
"""

from __future__ import annotations

import argparse
import sys

import duckdb

TIME_COLUMNS = {"ingested_at", "created_at", "decided_at", "applied_at"}

# surrogate key → (the dimension it points to, that dimension's key column)
POINTS_TO = {
    "county_key": "county", "report_key": "report", "first_report_key": "report", "superseded_by": "report",
    "from_report_key": "report", "to_report_key": "report", "section_key": "section", "task_key": "task",
    "from_task_key": "task", "to_task_key": "task", "thread_key": "task", "leader_key": "leader", "unit_key": "unit",
}
# a table's own sequence-numbered key (left out with --natural), and the run log's key
OWN_KEYS = {"metric_key", "issue_key", "link_key", "quarantine_key", "run_key"}
NATURAL_KEYS = {
    "county": "SELECT county_key AS k, hash(county_name) AS nk FROM dim_county",
    "report": """SELECT r.report_key AS k, hash(c.county_name, r.plan_year, r.as_of_date, r.period_type, r.sha256) AS nk
                 FROM dim_report r JOIN dim_county c USING (county_key)""",
    "section": """SELECT s.section_key AS k, hash(c.county_name, s.plan_year, s.table_no, s.table_title, s.part, s.section) AS nk
                  FROM dim_section s JOIN dim_county c USING (county_key)""",
    "task": """SELECT t.task_key AS k, hash(c.county_name, t.plan_year, t.table_no, t.seq, t.sub_seq, t.task_text) AS nk
               FROM dim_task t JOIN dim_county c USING (county_key)""",
    "leader": "SELECT leader_key AS k, hash(leader_name) AS nk FROM dim_leader",
    "unit": "SELECT unit_key AS k, hash(unit_name) AS nk FROM dim_unit",
}


def table_checksums(
    con: duckdb.DuckDBPyConnection, skip: set[str], exclude: set[str], natural: bool = False
) -> list[tuple[str, int, int]]:
    """(table, rows, checksum) for every base table of the main schema but `skip`, by name."""
    if natural:
        for dim, query in NATURAL_KEYS.items():
            con.execute(f"CREATE OR REPLACE TEMP TABLE nk_{dim} AS {query}")
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
        if natural:
            cols = [c for c in cols if c not in OWN_KEYS and not (table.startswith("dim_") and c == f"{table[4:]}_key")]
        row = ", ".join(
            f'"{c}" := (SELECT nk FROM nk_{POINTS_TO[c]} WHERE k = "{table}"."{c}")' if natural and c in POINTS_TO else f'"{c}" := "{c}"'
            for c in cols
        )
        count, total = con.execute(f'SELECT count(*), coalesce(sum(hash(struct_pack({row})))::HUGEINT, 0) FROM "{table}"').fetchone()
        out.append((table, int(count), int(total)))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("warehouse")
    ap.add_argument("--skip", nargs="*", default=["etl_run"], help="tables to leave out (default: etl_run)")
    ap.add_argument("--natural", action="store_true", help="hash surrogate keys as the natural keys they point to")
    ap.add_argument("--exclude", nargs="*", default=[], help="columns to leave out of the hash, as table.column")
    args = ap.parse_args(argv)
    con = duckdb.connect(args.warehouse, read_only=True)
    for table, count, total in table_checksums(con, set(args.skip), set(args.exclude), args.natural):
        print(f"{table:24} {count:8d} {total}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
