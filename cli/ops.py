"""Operations commands of the `luoshi` CLI: run the inbox flow once by hand, publish the read-only copy."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.common import (
    DEFAULT_WH,
    BatchSizeOpt,
    DaskAddressOpt,
    ManifestOpt,
    WorkersOpt,
    console,
    print_error,
    print_run,
)
from schemas.settings import settings


def inbox_cmd(
    inbox_dir: Annotated[
        Path, typer.Argument(help="Inbox folder (reports, and a sources.yaml naming files or URLs).")
    ],
    warehouse: Annotated[Path, typer.Option("--warehouse", "-w", help="DuckDB warehouse file.")] = DEFAULT_WH,
    manifest: ManifestOpt = None,
    retry_quarantined: Annotated[
        bool, typer.Option(help="Try files quarantined by an earlier run again.")
    ] = False,
    batch_size: BatchSizeOpt = settings().batch_size,
    workers: WorkersOpt = settings().workers,
    dask_address: DaskAddressOpt = None,
) -> None:
    """Run the `inbox` flow once, here (what the yearly/monthly deployments run): ingest what is new,
    oldest first, link, check quality and publish the read-only copy. Useful for a backfill."""
    from flows.inbox import inbox
    from flows.pipeline import run_result
    from sources.inbox import InboxError

    if not inbox_dir.is_dir():
        print_error("error:", f"{inbox_dir}: no such folder")
        raise typer.Exit(2)
    try:
        result = run_result(
            inbox(
                inbox_dir=str(inbox_dir),
                warehouse=str(warehouse),
                manifest=str(manifest) if manifest else None,
                retry_quarantined=retry_quarantined,
                batch_size=batch_size,
                workers=workers,
                dask_address=dask_address,
            )
        )
    except InboxError as exc:
        print_error("error:", exc)
        raise typer.Exit(2) from exc
    except RuntimeError as exc:
        print_error("failed:", exc)
        raise typer.Exit(1) from exc
    print_run(result, f"inbox: {result.outcome} (etl_run {result.run_key})")
    if result.counts.reports_failed:
        raise typer.Exit(1)


def publish_cmd(
    warehouse: Annotated[
        Path, typer.Option("--warehouse", "-w", help="Live DuckDB warehouse file.")
    ] = DEFAULT_WH,
    to: Annotated[
        Path | None, typer.Option(help="Where to publish [default: published/ beside the warehouse].")
    ] = None,
) -> None:
    """Publish the read-only copy analysts open (checkpoint, copy, atomic rename)."""
    from warehouse.db import WarehouseBusy
    from warehouse.publish import publish_warehouse

    try:
        p = publish_warehouse(warehouse, to)
    except (FileNotFoundError, WarehouseBusy) as exc:
        print_error("error:", exc)
        raise typer.Exit(2) from exc
    console.print(f"published: {p.path} ({p.reports} reports, {p.size / 1e6:.1f} MB, {p.seconds:.2f} s)")
