"""What the `luoshi` command modules share: consoles, options, the read-only connection and row printing."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import duckdb
import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from schemas.settings import settings

if TYPE_CHECKING:  # the flows are imported when a command runs them, not when the CLI starts
    from flows.pipeline import RunResult

# Markup off: file names, first lines, cell text and messages come from the files read and are printed
# as they are (a `[/x]` in a report is text, not a rich tag); colour goes through print_error's style.
console = Console(width=None if sys.stdout.isatty() else 160, markup=False)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 160, markup=False)

WarehouseOpt = Annotated[Path, typer.Option("--warehouse", "-w", help="DuckDB warehouse file.")]
DEFAULT_WH = settings().warehouse
READ_STATEMENTS = {"SELECT", "EXPLAIN", "PRAGMA"}
ReadOpt = Annotated[
    Path | None,
    typer.Option(
        "--warehouse",
        "-w",
        help="DuckDB file to read [default: data/published/warehouse.duckdb if it exists, else data/warehouse.duckdb].",
    ),
]


def readable_manifest(value: Path | None) -> Path | None:
    """--manifest must name a manifest that exists and can be read (its entries are checked one by one later)."""
    if value is not None:
        from sources.manifest import load_manifest

        manifest = load_manifest(value, explicit=True)
        if manifest.error:
            raise typer.BadParameter(manifest.error)
    return value


ManifestOpt = Annotated[
    Path | None,
    typer.Option(
        exists=True,
        dir_okay=False,
        readable=True,
        callback=readable_manifest,
        help="Manifest YAML (default: sources.yaml beside each file, or in the inbox).",
    ),
]
LiveOpt = Annotated[
    bool, typer.Option("--live", help="Read the live data/warehouse.duckdb, not the published copy.")
]
BatchSizeOpt = Annotated[int, typer.Option(help="Reports parsed and loaded together.")]
WorkersOpt = Annotated[int, typer.Option(help="Parse on this many local Dask worker processes (1: no Dask).")]
DaskAddressOpt = Annotated[
    str | None, typer.Option(help="Parse on the running Dask cluster at this scheduler address.")
]
ForceOpt = Annotated[
    bool,
    typer.Option(
        help="Make the file of an earlier, superseded report version current again instead of refusing it."
    ),
]


def print_error(label: str, message: object, style: str = "red") -> None:
    """`label message` on stderr, the label coloured, the message printed as it is (no markup)."""
    err.print(Text.assemble((label, style), " ", str(message)))


def overrides_dict(
    county: str | None, plan_year: int | None, as_of: str | None, period_type: str | None
) -> dict[str, Any]:
    """Report metadata given on the command line, checked as a manifest entry is (sources/manifest.py)."""
    from sources.manifest import ManifestError, overrides_entry

    given = {"county": county, "plan_year": plan_year, "as_of": as_of, "period_type": period_type}
    try:
        overrides_entry(given)
    except ManifestError as exc:
        raise typer.BadParameter(
            str(exc)
            .replace("the command line: ", "")
            .replace("period_type", "--period-type")
            .replace("plan_year", "--plan-year")
            .replace("as_of", "--as-of")
        ) from exc
    return given


def open_read_only(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection with file system access disabled (no reading or writing outside it)."""
    from warehouse.db import duckdb_config

    if not warehouse.exists():
        print_error("error:", f"no warehouse at {warehouse}; run `luoshi ingest` (or `make run`) first")
        raise typer.Exit(2)
    try:
        return duckdb.connect(
            str(warehouse), read_only=True, config={"enable_external_access": False, **duckdb_config()}
        )
    except duckdb.IOException as exc:
        print_error("error:", f"cannot open {warehouse} read-only (is a load running?): {exc}")
        raise typer.Exit(1) from exc


def check_read_only(query: str) -> None:
    try:
        statements = duckdb.extract_statements(query)
    except duckdb.Error as exc:
        print_error("error:", exc)
        raise typer.Exit(2) from exc
    for st in statements:
        kind = st.type.name
        if kind not in READ_STATEMENTS:
            print_error(
                "refused:",
                f"`luoshi sql` is read-only: {kind} statements write or change the session "
                "(allowed: SELECT, EXPLAIN, PRAGMA; use `luoshi export` to write files)",
            )
            raise typer.Exit(2)
    if len(statements) != 1:
        print_error(
            "refused:",
            f"`luoshi sql` runs one statement at a time; this query holds {len(statements)} "
            "(separate them into one call each)",
        )
        raise typer.Exit(2)


def print_rows(columns: list[str], rows: list[tuple], fmt: str) -> None:
    if fmt == "csv":
        # formula-like text gets a leading apostrophe, as in `luoshi export`
        from render.export import neutralize

        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow([neutralize(c) for c in columns])
        w.writerows([neutralize(v) for v in r] for r in rows)
        sys.stdout.write(buf.getvalue())
    elif fmt == "json":
        sys.stdout.write(
            json.dumps(
                [dict(zip(columns, r, strict=True)) for r in rows], ensure_ascii=False, default=str, indent=1
            )
            + "\n"
        )
    else:
        table = Table(show_lines=False)
        for c in columns:
            table.add_column(c, overflow="fold")
        for r in rows:
            table.add_row(*["" if v is None else str(v) for v in r])
        console.print(table)


def print_run(result: RunResult, title: str, with_as_of: bool = False) -> None:
    """A pipeline run as two tables: one row per file, one per step after
    the load. Text from files is printed as it is (no markup)."""
    table = Table(title=title)
    cols = ["file", *(["as_of"] if with_as_of else []), "outcome", "tasks", "message"]
    for col in cols:
        table.add_column(col, overflow="fold")
    for r in result.files:
        name = r.file if r.file.startswith(("http://", "https://")) else Path(r.file).name
        row = [name, *([r.as_of or ""] if with_as_of else []), r.outcome, str(r.tasks), r.message[:160]]
        table.add_row(*row)
    console.print(table)
    if result.steps:
        steps = Table(title="steps after the load")
        for col in ("step", "outcome", "message"):
            steps.add_column(col, overflow="fold")
        for s in result.steps:
            steps.add_row(s.step, s.outcome, s.message[:200])
        console.print(steps)
    if result.published:
        console.print(
            f"published: {result.published.path} ({result.published.reports} reports)", highlight=False
        )
    if result.report:
        console.print(f"quality report: {result.report}", highlight=False)
