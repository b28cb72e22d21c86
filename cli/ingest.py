"""`luoshi ingest` (load report files) and `luoshi extract` (parse one file, write nothing)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from cli.common import (
    DEFAULT_WH,
    BatchSizeOpt,
    DaskAddressOpt,
    ForceOpt,
    ManifestOpt,
    WarehouseOpt,
    WorkersOpt,
    err,
    overrides_dict,
    print_error,
    print_run,
)
from schemas.settings import settings


def register(app: typer.Typer) -> None:
    app.command()(ingest)
    app.command()(extract)


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Report files or folders.")],
    warehouse: WarehouseOpt = DEFAULT_WH,
    manifest: ManifestOpt = None,
    county: Annotated[str | None, typer.Option(help="County name, overrides the manifest.")] = None,
    plan_year: Annotated[int | None, typer.Option(help="Plan year, overrides the manifest.")] = None,
    as_of: Annotated[str | None, typer.Option(help="As-of date YYYY-MM-DD, overrides the manifest.")] = None,
    period_type: Annotated[
        str | None, typer.Option(help="plan | monthly | quarterly | half_year | year_end.")
    ] = None,
    batch_size: BatchSizeOpt = settings().batch_size,
    workers: WorkersOpt = settings().workers,
    dask_address: DaskAddressOpt = None,
    force: ForceOpt = False,
) -> None:
    """Ingest report files into the warehouse (Prefect flow `ingest_report`)."""
    from flows.ingest import ingest_report
    from flows.pipeline import run_result

    for p in paths:
        if not p.exists():
            print_error("error:", f"{p}: no such file or folder")
            raise typer.Exit(2)
    result = run_result(
        ingest_report(
            paths=[str(p) for p in paths],
            warehouse=str(warehouse),
            manifest=str(manifest) if manifest else None,
            overrides=overrides_dict(county, plan_year, as_of, period_type),
            batch_size=batch_size,
            workers=workers,
            dask_address=dask_address,
            force=force,
        )
    )
    print_run(result, f"ingest: {result.outcome} (etl_run {result.run_key})")
    if result.counts.reports_failed:
        for r in result.files:
            if r.outcome in ("rejected", "failed"):
                print_error("rejected", r.message or "")
        raise typer.Exit(1)


def extract(
    path: Annotated[Path, typer.Argument(help="One report file.")],
    jsonl: Annotated[
        bool, typer.Option("--jsonl", help="One JSON object per task (the default output).")
    ] = True,
    manifest: ManifestOpt = None,
    plan_year: Annotated[int | None, typer.Option()] = None,
    as_of: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
) -> None:
    """Parse and normalize one report; print one JSON object per task. Writes nothing."""
    from sources import ArchivedFile, find_manifest_entry, manifests_for, overrides_entry, sha256_bytes
    from transforms.metadata import ReportMeta, infer_metadata, report_object
    from transforms.pipeline import RejectedReport, parse_report
    from transforms.readers import decode
    from transforms.readers.clean import clean_text

    if not path.is_file():
        print_error("error:", f"{path}: no such file")
        raise typer.Exit(2)
    data = path.read_bytes()
    archived = ArchivedFile(str(path), path.name, sha256_bytes(data), str(path), len(data))
    overrides = overrides_entry(overrides_dict(None, plan_year, as_of, None)).meta()
    entry = find_manifest_entry(archived, manifests_for([path], str(manifest) if manifest else None))
    if entry is not None and entry.error:
        print_error("error:", entry.error)
        raise typer.Exit(1)
    meta = overrides.merged(entry.meta() if entry else ReportMeta())
    if meta.missing():
        meta = meta.merged(
            infer_metadata(clean_text(decode(data)[0])[0] if not data.startswith(b"PK") else "")
        )
    try:
        parsed = parse_report(
            data, path.name, as_of=meta.as_of, plan_year=meta.plan_year, period_type=meta.period_type
        )
    except RejectedReport as exc:
        print_error("rejected:", exc)
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
            err.print(f"{f.severity}: {f.rule}: {f.message}", highlight=False)
