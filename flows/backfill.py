"""Prefect flow `backfill`: ingest every report in a folder in as-of order, then link tasks.

Idempotent: a report already ingested (same sha256) is skipped, and the link step leaves unchanged
links alone, so a second run changes no table (only etl_run logs the run).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow

from flows.ingest import ingest_report
from flows.link import link_tasks


@flow(name="backfill", log_prints=True)
def backfill(
    folder: str,
    warehouse: str = "data/warehouse.duckdb",
    manifest: str | None = None,
    crosswalk: str | None = None,
    force: bool = False,
) -> dict[str, Any]:
    """Every report under folder (manifest beside them or given), oldest as-of date first; then links.
    force: a file of an earlier, superseded report version becomes current again instead of being refused."""
    if not Path(folder).is_dir():
        raise NotADirectoryError(f"{folder}: not a folder")
    ingested = ingest_report(paths=[folder], warehouse=warehouse, manifest=manifest, force=force)
    linked = link_tasks(warehouse=warehouse, crosswalk=crosswalk)
    return {"ingest": ingested, "links": linked}
