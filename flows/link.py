"""Prefect flow `link_tasks`: task identity across plan years, after ingestion.

A chunk of counties at a time (flows/pipeline.py: link_warehouse): reads their tasks, proposes
cross-year links by n-gram similarity, applies the reviewed crosswalk (schemas/crosswalk.yaml),
forms threads and writes them (warehouse/links.py). Re-running with no
new reports and no new decisions changes nothing. The matching within a plan year happens while
each report is loaded (warehouse/loader.py).
"""

from __future__ import annotations

import time
from typing import Any

from prefect import flow
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run

from flows.pipeline import link_warehouse, read_crosswalk
from schemas.settings import settings
from warehouse.db import connect_for_run
from warehouse.loader import finish_run, start_run


@flow(name="link_tasks", log_prints=True)
def link_tasks(warehouse: str | None = None, crosswalk: str | None = None) -> dict[str, Any]:
    """Link tasks across plan years and form threads; returns counts by decision. warehouse: None for
    the settings' (schemas/settings.py)."""
    warehouse = warehouse or str(settings().warehouse)
    started = time.monotonic()
    entries = read_crosswalk(crosswalk)
    con = connect_for_run(warehouse)
    try:
        run_key = start_run(con, "link_tasks", str(flow_run.id) if flow_run.id else None)
    finally:
        con.close()
    result = link_warehouse(warehouse, entries, run_key)
    counts = result.counts
    con = connect_for_run(warehouse)
    try:
        finish_run(
            con,
            run_key,
            outcome="success",
            files_seen=0,
            reports_loaded=0,
            reports_skipped=0,
            reports_failed=0,
            tasks_loaded=0,
            seconds=round(time.monotonic() - started, 3),
            message=f"links accepted {counts['accepted']}, pending {counts['pending']}, rejected {counts['rejected']}; threads {counts['threads']}",
        )
    finally:
        con.close()
    create_markdown_artifact(
        markdown=(
            "## luoshi links\n\n| accepted | pending | rejected | threads |\n|---|---|---|---|\n"
            f"| {counts['accepted']} | {counts['pending']} | {counts['rejected']} | {counts['threads']} |\n\n"
            + "\n".join(f"- {f.severity}: {f.message}" for f in result.findings)
        ),
        key="luoshi-links-summary",
        description="Cross-year task links by decision",
    )
    return {
        "run_key": run_key,
        "tasks": result.tasks,
        **counts,
        "links_before": result.links_before,
        "links_after": result.links_after,
        "findings": [f.message for f in result.findings],
    }
