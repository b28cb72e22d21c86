"""The run log beyond etl_run's start and finish: runs that never finished, and the pipeline's steps
after the load recorded per report (table report_step), so a later run finishes what a crashed one left."""

from __future__ import annotations

from datetime import datetime

import duckdb

from warehouse.loader import run_sql


def running_runs(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str, str | None, datetime]]:
    """(run_key, flow_name, flow_run_id, started_at) of the runs recorded as running."""
    return [(r[0], r[1], r[2], r[3]) for r in run_sql(con, "running_runs")]


def close_stale_run(con: duckdb.DuckDBPyConnection, run_key: int, reason: str) -> None:
    """Close a run that never finished as `crashed`, with the reason."""
    run_sql(con, "close_stale_run", {"run_key": run_key, "finished_at": datetime.now(), "message": reason})


def pending_steps(con: duckdb.DuckDBPyConnection, steps: list[str]) -> dict[str, list[int]]:
    """For each step, the reports it has not finished for (their current content)."""
    return {step: [r[0] for r in run_sql(con, "pending_steps", {"step": step})] for step in steps}


def record_steps(con: duckdb.DuckDBPyConnection, step: str, reports: list[int], run_key: int) -> None:
    """Record that `step` finished for these reports in run `run_key`."""
    if reports:
        run_sql(
            con,
            "record_steps",
            {"step": step, "reports": list(reports), "run_key": run_key, "finished_at": datetime.now()},
        )
