"""Prefect flow `backfill`: the pipeline (flows/pipeline.py) on every report in a folder, oldest
as-of date first (`luoshi backfill`, `make run`).

Idempotent: a report already ingested (same sha256) is skipped, and the steps after the load run
only for reports that have not had them, so a second run changes no table (only etl_run logs it).
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from flows.pipeline import RunResult, pipeline, run_result


@flow(name="backfill", log_prints=True)
def backfill(
    folder: str,
    warehouse: str | None = None,
    manifest: str | None = None,
    crosswalk: str | None = None,
    force: bool = False,
) -> RunResult:
    """Every report under folder (manifest beside them or given), oldest as-of date first; then
    links, checks, the quality report and the published copy. force: a file of an earlier,
    superseded report version becomes current again instead of being refused. warehouse: None for
    the settings' (schemas/settings.py)."""
    if not Path(folder).is_dir():
        raise NotADirectoryError(f"{folder}: not a folder")
    run = pipeline.with_options(name="backfill")
    return run_result(
        run(paths=[folder], warehouse=warehouse, manifest=manifest, crosswalk=crosswalk, force=force)
    )
