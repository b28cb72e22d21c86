"""The `luoshi` command line (typer + rich). Commands start flows or read the warehouse."""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import duckdb
import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="luoshi: county work-report task tables → DuckDB warehouse.", no_args_is_help=True)
console = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)

WarehouseOpt = Annotated[Path, typer.Option("--warehouse", "-w", help="DuckDB warehouse file.")]
DEFAULT_WH = Path("data/warehouse.duckdb")
READ_STATEMENTS = {"SELECT", "EXPLAIN", "PRAGMA"}
ReadOpt = Annotated[Path | None, typer.Option("--warehouse", "-w", help="DuckDB file to read [default: data/published/warehouse.duckdb if it exists, else data/warehouse.duckdb].")]
LiveOpt = Annotated[bool, typer.Option("--live", help="Read the live data/warehouse.duckdb, not the published copy.")]


def overrides_dict(county: str | None, plan_year: int | None, as_of: str | None, period_type: str | None) -> dict[str, Any]:
    from transforms.metadata import PERIOD_TYPES

    if period_type and period_type not in PERIOD_TYPES:
        raise typer.BadParameter(f"--period-type must be one of {', '.join(PERIOD_TYPES)}, got {period_type!r}")
    if as_of:
        try:
            date.fromisoformat(as_of)
        except ValueError as exc:
            raise typer.BadParameter(f"--as-of must be YYYY-MM-DD, got {as_of!r}") from exc
    return {"county": county, "plan_year": plan_year, "as_of": as_of, "period_type": period_type}


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Report files or folders.")],
    warehouse: WarehouseOpt = DEFAULT_WH,
    manifest: Annotated[Path | None, typer.Option(help="Manifest YAML (default: sources.yaml beside each file).")] = None,
    county: Annotated[str | None, typer.Option(help="County name, overrides the manifest.")] = None,
    plan_year: Annotated[int | None, typer.Option(help="Plan year, overrides the manifest.")] = None,
    as_of: Annotated[str | None, typer.Option(help="As-of date YYYY-MM-DD, overrides the manifest.")] = None,
    period_type: Annotated[str | None, typer.Option(help="plan | monthly | quarterly | half_year | year_end.")] = None,
    batch_size: Annotated[int, typer.Option(help="Reports parsed and loaded together.")] = 100,
    workers: Annotated[int, typer.Option(help="Parse on this many local Dask worker processes (1: no Dask).")] = 1,
    dask_address: Annotated[str | None, typer.Option(help="Parse on the running Dask cluster at this scheduler address.")] = None,
    force: Annotated[bool, typer.Option(help="Make the file of an earlier, superseded report version current again instead of refusing it.")] = False,
) -> None:
    """Ingest report files into the warehouse (Prefect flow `ingest_report`)."""
    from flows.ingest import ingest_report

    for p in paths:
        if not p.exists():
            err.print(f"[red]error:[/red] {p}: no such file or folder")
            raise typer.Exit(2)
    result = ingest_report(
        paths=[str(p) for p in paths],
        warehouse=str(warehouse),
        manifest=str(manifest) if manifest else None,
        overrides=overrides_dict(county, plan_year, as_of, period_type),
        batch_size=batch_size,
        workers=workers,
        dask_address=dask_address,
        force=force,
    )
    table = Table(title=f"ingest: {result['outcome']}")
    for col in ("file", "outcome", "tasks", "message"):
        table.add_column(col)
    for r in result["results"]:
        table.add_row(Path(r["file"]).name, r["outcome"], str(r.get("tasks", 0)), (r.get("message") or "")[:120])
    console.print(table)
    if result["reports_loaded"]:
        from flows.publish import publish_warehouse

        console.print(f"published: {publish_warehouse(warehouse).path}")
    if result["reports_failed"]:
        for r in result["results"]:
            if r["outcome"] in ("rejected", "failed"):
                err.print(f"[red]rejected[/red] {r['message']}")
        raise typer.Exit(1)


@app.command()
def extract(
    path: Annotated[Path, typer.Argument(help="One report file.")],
    jsonl: Annotated[bool, typer.Option("--jsonl", help="One JSON object per task (the default output).")] = True,
    manifest: Annotated[Path | None, typer.Option(help="Manifest YAML.")] = None,
    plan_year: Annotated[int | None, typer.Option()] = None,
    as_of: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
) -> None:
    """Parse and normalize one report; print one JSON object per task. Writes nothing."""
    from flows.sources import ArchivedFile, find_manifest_entry, manifests_for, sha256_bytes
    from transforms.metadata import infer_metadata, meta_from_mapping, report_object
    from transforms.pipeline import RejectedReport, parse_report
    from transforms.readers import decode
    from transforms.readers.clean import clean_text

    if not path.is_file():
        err.print(f"[red]error:[/red] {path}: no such file")
        raise typer.Exit(2)
    data = path.read_bytes()
    archived = ArchivedFile(str(path), path.name, sha256_bytes(data), str(path), len(data))
    entry = find_manifest_entry(archived, manifests_for([path], str(manifest) if manifest else None))
    meta = meta_from_mapping({"plan_year": plan_year, "as_of": as_of}).merged(meta_from_mapping(entry or {}))
    if meta.missing():
        meta = meta.merged(infer_metadata(clean_text(decode(data)[0])[0] if not data.startswith(b"PK") else ""))
    try:
        parsed = parse_report(data, path.name, as_of=meta.as_of, plan_year=meta.plan_year, period_type=meta.period_type)
    except RejectedReport as exc:
        err.print(f"[red]rejected:[/red] {exc}")
        raise typer.Exit(1) from exc
    if meta.missing() and parsed.text:
        # formats without a text body (DOCX/XLSX): infer from the parsed text instead
        meta = meta.merged(infer_metadata(parsed.text))
    report = report_object(meta)
    out = sys.stdout
    for rec in parsed.records:
        out.write(json.dumps({**rec.to_json(), "report": report}, ensure_ascii=False) + "\n")
    for f in parsed.findings:
        if f.severity in ("warning", "error"):
            err.print(f"{f.severity}: {f.rule}: {f.message}", markup=False, highlight=False)


def open_read_only(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection with file system access disabled (no reading or writing outside it)."""
    from warehouse.db import duckdb_config

    if not warehouse.exists():
        err.print(f"[red]error:[/red] no warehouse at {warehouse}; run `luoshi ingest` (or `make run`) first")
        raise typer.Exit(2)
    try:
        return duckdb.connect(str(warehouse), read_only=True, config={"enable_external_access": False, **duckdb_config()})
    except duckdb.IOException as exc:
        err.print(f"[red]error:[/red] cannot open {warehouse} read-only (is a load running?): {exc}")
        raise typer.Exit(1) from exc


def check_read_only(query: str) -> None:
    try:
        statements = duckdb.extract_statements(query)
    except duckdb.Error as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    for st in statements:
        kind = st.type.name
        if kind not in READ_STATEMENTS:
            err.print(
                f"[red]refused:[/red] `luoshi sql` is read-only: {kind} statements write or change the session "
                "(allowed: SELECT, EXPLAIN, PRAGMA; use `luoshi export` to write files)"
            )
            raise typer.Exit(2)


def print_rows(columns: list[str], rows: list[tuple], fmt: str) -> None:
    if fmt == "csv":
        # formula-like text gets a leading apostrophe, as in `luoshi export`
        from transforms.export import neutralize

        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow([neutralize(c) for c in columns])
        w.writerows([neutralize(v) for v in r] for r in rows)
        sys.stdout.write(buf.getvalue())
    elif fmt == "json":
        sys.stdout.write(json.dumps([dict(zip(columns, r, strict=True)) for r in rows], ensure_ascii=False, default=str, indent=1) + "\n")
    else:
        table = Table(show_lines=False)
        for c in columns:
            table.add_column(c, overflow="fold")
        for r in rows:
            table.add_row(*["" if v is None else str(v) for v in r])
        console.print(table)


@app.command("sql")
def sql_cmd(
    query: Annotated[str, typer.Argument(help="A read-only SQL query.")],
    warehouse: ReadOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table | csv | json")] = "table",
    live: LiveOpt = False,
) -> None:
    """Run a read-only query against the warehouse (its published copy by default) and print the result."""
    from flows.publish import reader_path

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
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc
    finally:
        con.close()
    print_rows(columns, rows, fmt)


@app.command()
def summary(warehouse: ReadOpt = None, live: LiveOpt = False) -> None:
    """Tasks per table and status, data-quality findings, and how to query the warehouse."""
    from flows.publish import reader_path
    from warehouse.db import fetch_dicts, sql

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
        "  .venv/bin/luoshi sql \"SELECT status_code, count(*) FROM v_task_latest GROUP BY ALL\"\n"
        "  .venv/bin/luoshi sql \"SELECT * FROM v_scorecard_unit ORDER BY behind DESC LIMIT 10\" --format csv\n"
        f"  or open {warehouse} read-only in duckdb, DBeaver or Python (duckdb.connect(path, read_only=True))"
    )


from flows.cli_export import register as register_export  # noqa: E402

register_export(app)
from flows.cli_report import report  # noqa: E402

app.command()(report)

from flows.cli_ops import inbox_cmd, publish_cmd  # noqa: E402

app.command("inbox")(inbox_cmd)
app.command("publish")(publish_cmd)
from flows import cli_links  # noqa: E402  (sub-commands: links …, backfill)

app.add_typer(cli_links.links_app, name="links")
app.command("backfill")(cli_links.backfill_cmd)

if __name__ == "__main__":
    app()
