"""`luoshi sql` (read-only queries) and `luoshi summary`."""

from __future__ import annotations

from typing import Annotated

import duckdb
import typer
from rich.table import Table

from cli.common import (
    DEFAULT_WH,
    LiveOpt,
    ReadOpt,
    check_read_only,
    console,
    open_read_only,
    print_error,
    print_rows,
)


def register(app: typer.Typer) -> None:
    app.command("sql")(sql_cmd)
    app.command()(summary)


def sql_cmd(
    query: Annotated[str, typer.Argument(help="A read-only SQL query.")],
    warehouse: ReadOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table | csv | json")] = "table",
    live: LiveOpt = False,
) -> None:
    """Run a read-only query against the warehouse (its published copy by default) and print the result."""
    from warehouse.publish import reader_path

    warehouse = reader_path(warehouse, live, DEFAULT_WH)
    if fmt not in ("table", "csv", "json"):
        raise typer.BadParameter("--format must be table, csv or json")
    check_read_only(query)
    con = open_read_only(warehouse)
    try:
        cur = con.execute(query)
        columns = [d[0] for d in cur.description] if cur.description else []
        rows = cur.fetchall() if cur.description else []
    except duckdb.Error as exc:
        print_error("error:", exc)
        raise typer.Exit(1) from exc
    finally:
        con.close()
    print_rows(columns, rows, fmt)


def summary(warehouse: ReadOpt = None, live: LiveOpt = False) -> None:
    """Tasks per table and status, data-quality findings, and how to query the warehouse."""
    from warehouse.db import fetch_dicts, sql
    from warehouse.publish import reader_path

    warehouse = reader_path(warehouse, live, DEFAULT_WH)
    con = open_read_only(warehouse)
    try:
        for title, name in (
            ("Reports", "summary_reports"),
            ("Tasks per table", "summary_tables"),
            ("Tasks per status (latest report)", "summary_status"),
            ("Data-quality findings", "summary_findings"),
        ):
            rows = fetch_dicts(con, sql(name))
            table = Table(title=title)
            for c in rows[0].keys() if rows else ["(none)"]:
                table.add_column(c)
            for r in rows:
                table.add_row(*["" if v is None else str(v) for v in r.values()])
            console.print(table)
    finally:
        con.close()
    console.print(
        f"\nQuery the warehouse (read-only; {warehouse}):\n"
        '  .venv/bin/luoshi sql "SELECT status_code, count(*) FROM v_task_latest GROUP BY ALL"\n'
        '  .venv/bin/luoshi sql "SELECT * FROM v_scorecard_unit ORDER BY behind DESC LIMIT 10" --format csv\n'
        f"  or open {warehouse} read-only in duckdb, DBeaver or Python (duckdb.connect(path, read_only=True))"
    )
