"""`luoshi report`: regenerate a run's data-quality report (HTML) from the warehouse."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.common import DEFAULT_WH, print_error


def report(
    warehouse: Annotated[Path, typer.Option("--warehouse", "-w", help="DuckDB warehouse file.")] = DEFAULT_WH,
    run: Annotated[
        int | None,
        typer.Option("--run", help="Run key (etl_run); default: the newest run that loaded a report."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="HTML file to write (default data/reports/quality-run-N.html)."),
    ] = None,
) -> None:
    """Regenerate the data-quality report of a run from the warehouse and print its path."""
    from render.quality_report import write_report

    if not warehouse.exists():
        print_error("error:", f"no warehouse at {warehouse}; run `luoshi ingest` (or `make run`) first")
        raise typer.Exit(2)
    try:
        path, _ = write_report(warehouse, run, out)
    except LookupError as exc:
        print_error("error:", exc)
        raise typer.Exit(2) from exc
    print(f"quality report: {path}")
