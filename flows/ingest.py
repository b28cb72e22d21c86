"""Prefect flow `ingest_report`: archive → read → normalize → validate → load, one report at a time.

The flow only sequences tasks; parsing is in transforms/, writing in warehouse/loader.py.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run

from flows.faults import fault_point
from flows.sources import (
    ArchivedFile,
    archive_bytes,
    expand_paths,
    find_manifest_entry,
    manifest_meta,
    manifests_for,
)
from transforms import PARSER_VERSION
from transforms.grid import Finding
from transforms.metadata import ReportMeta, infer_metadata, meta_from_mapping
from transforms.pipeline import ParsedReport, RejectedReport, parse_report
from transforms.readers import decode
from warehouse.db import WarehouseBusy, connect, is_lock_error
from warehouse.loader import (
    LoadRejected,
    ReportLoad,
    finish_run,
    load_report,
    record_quarantine,
    run_sql,
    start_run,
)


def _io_failure(task: Any, task_run: Any, state: Any) -> bool:
    """Retry only on I/O failures (including DuckDB's lock error), never on bad input."""
    try:
        state.result()
    except (OSError, WarehouseBusy) as exc:
        return not isinstance(exc, FileNotFoundError)
    except duckdb.IOException as exc:
        return is_lock_error(exc)
    except Exception:
        return False
    return False


@dataclass
class Prepared:
    """A file archived, its metadata resolved and (unless rejected) parsed."""

    archived: ArchivedFile
    meta: ReportMeta
    metadata_source: str
    parsed: ParsedReport | None = None
    error: str | None = None
    findings: list[Finding] = field(default_factory=list)


@task(name="archive", retries=2, retry_delay_seconds=1, retry_condition_fn=_io_failure)
def archive_file(path: str, raw_dir: str) -> ArchivedFile:
    """Read the file's bytes and keep them by sha256 before anything else happens."""
    data = Path(path).read_bytes()
    return archive_bytes(data, path, Path(raw_dir))


def resolve_metadata(archived: ArchivedFile, text: str, entry: dict[str, Any] | None, overrides: dict[str, Any]) -> tuple[ReportMeta, str, list[Finding]]:
    """Overrides win over the manifest, the manifest over inference; inferred values are flagged."""
    given = meta_from_mapping({k: v for k, v in overrides.items() if v not in (None, "")}).merged(manifest_meta(entry))
    inferred = infer_metadata(text)
    meta = given.merged(inferred)
    source = "override" if any(overrides.values()) else ("manifest" if entry else "inferred")
    findings = [
        Finding("metadata.inferred", "warning", f"{name} = {getattr(meta, name)!s} was inferred from the text: {evidence}")
        for name, evidence in meta.inferred.items()
    ]
    if meta.inferred and source != "inferred":
        source += "+inferred"
    return meta, source, findings


@task(name="parse")
def parse_file(archived: ArchivedFile, entry: dict[str, Any] | None, overrides: dict[str, Any]) -> Prepared:
    """Read, lay out, normalize and validate one archived file (pure work on its bytes)."""
    data = Path(archived.raw_path).read_bytes()

    text = decode(data)[0] if not data.startswith(b"PK") else ""
    # status and 序时 need the as-of date, so metadata is resolved before parsing
    meta, source, meta_findings = resolve_metadata(archived, text, entry, overrides)
    prepared = Prepared(archived=archived, meta=meta, metadata_source=source, findings=meta_findings)
    try:
        parsed = parse_report(data, archived.file_name, as_of=meta.as_of, plan_year=meta.plan_year)
    except RejectedReport as exc:
        prepared.error = str(exc)
        return prepared
    missing = meta.missing()
    if missing:
        # formats without a text body (DOCX/XLSX) infer from the parsed text instead
        inferred = infer_metadata(parsed.text) if parsed.text else ReportMeta()
        meta = meta.merged(inferred)
        prepared.meta = meta
        prepared.findings += [
            Finding("metadata.inferred", "warning", f"{k} = {getattr(meta, k)!s} was inferred from the text: {v}")
            for k, v in inferred.inferred.items()
            if k in missing
        ]
        missing = meta.missing()
    if missing:
        prepared.error = (
            f"{archived.file_name}: cannot tell the report's {', '.join(missing)}; add an entry to the manifest "
            "(sources.yaml) or pass --county/--plan-year/--as-of/--period-type"
        )
        return prepared
    prepared.parsed = parsed
    return prepared


@task(name="load", retries=3, retry_delay_seconds=2, retry_condition_fn=_io_failure)
def load_prepared(prepared: Prepared, warehouse: str, run_key: int | None) -> dict[str, Any]:
    """The one writer: load a parsed report, or record why a file was rejected."""
    a = prepared.archived
    con = connect(warehouse)
    try:
        if prepared.parsed is None:
            record_quarantine(con, run_key, a.source, a.sha256, a.raw_path, prepared.error or "rejected")
            return {"file": a.source, "outcome": "rejected", "message": prepared.error, "tasks": 0}
        m = prepared.meta
        assert m.county and m.plan_year and m.as_of and m.period_type
        load = ReportLoad(
            county=m.county,
            province=m.province,
            prefecture=m.prefecture,
            plan_year=m.plan_year,
            as_of=m.as_of,
            period_type=m.period_type,
            title=m.title,
            source_uri=m.source_url or a.source,
            file_name=a.file_name,
            sha256=a.sha256,
            raw_path=a.raw_path,
            format=prepared.parsed.format,
            parser_version=PARSER_VERSION,
            metadata_source=prepared.metadata_source,
            records=prepared.parsed.records,
            findings=prepared.findings + prepared.parsed.findings,
        )
        try:
            result = load_report(con, load, run_key)
        except LoadRejected as exc:
            record_quarantine(con, run_key, a.source, a.sha256, a.raw_path, str(exc))
            return {"file": a.source, "outcome": "rejected", "message": str(exc), "tasks": 0}
        return {
            "file": a.source,
            "outcome": result.outcome,
            "report_key": result.report_key,
            "tasks": result.tasks,
            "message": result.message,
            "as_of": str(m.as_of),
            "county": m.county,
        }
    finally:
        con.close()


def already_ingested(warehouse: str, sha: str) -> bool:
    if not Path(warehouse).exists():
        return False
    con = connect(warehouse)
    try:
        return bool(run_sql(con, "report_by_sha", {"sha256": sha}))
    finally:
        con.close()


def summary_markdown(results: list[dict[str, Any]]) -> str:
    lines = ["| file | outcome | tasks | message |", "|---|---|---|---|"]
    for r in results:
        msg = (r.get("message") or "").replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {Path(r['file']).name} | {r['outcome']} | {r.get('tasks', 0)} | {msg[:200]} |")
    return "\n".join(lines)


@flow(name="ingest_report", log_prints=True)
def ingest_report(
    paths: list[str],
    warehouse: str = "data/warehouse.duckdb",
    manifest: str | None = None,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Ingest report files (or folders of them) into the warehouse, oldest as-of date first."""
    logger = get_run_logger()
    started = time.monotonic()
    overrides = overrides or {}
    raw_dir = str(Path(warehouse).parent / "raw")
    files = expand_paths(paths)
    manifests = manifests_for(files, manifest)
    con = connect(warehouse)
    try:
        run_key = start_run(con, "ingest_report", str(flow_run.id) if flow_run.id else None)
    finally:
        con.close()
    results: list[dict[str, Any]] = []
    prepared: list[Prepared] = []
    for f in files:
        try:
            archived = archive_file(str(f), raw_dir)
        except OSError as exc:
            results.append({"file": str(f), "outcome": "failed", "message": f"{f}: cannot read: {exc}", "tasks": 0})
            continue
        if already_ingested(warehouse, archived.sha256):
            results.append({"file": str(f), "outcome": "skipped", "message": "same content already ingested", "tasks": 0})
            continue
        entry = find_manifest_entry(archived, manifests)
        prepared.append(parse_file(archived, entry, overrides))
    prepared.sort(key=lambda p: (p.meta.as_of or date.max, p.archived.file_name))
    for p in prepared:
        res = load_prepared(p, warehouse, run_key)
        if res["outcome"] == "rejected":
            logger.warning("rejected %s: %s", res["file"], res["message"])
        results.append(res)
    counts = {
        "files_seen": len(files),
        "reports_loaded": sum(r["outcome"] in ("loaded", "replaced") for r in results),
        "reports_skipped": sum(r["outcome"] == "skipped" for r in results),
        "reports_failed": sum(r["outcome"] in ("rejected", "failed") for r in results),
        "tasks_loaded": sum(r.get("tasks", 0) for r in results if r["outcome"] in ("loaded", "replaced")),
    }
    outcome = "failed" if counts["reports_failed"] and not counts["reports_loaded"] and not counts["reports_skipped"] else (
        "partial" if counts["reports_failed"] else ("noop" if not counts["reports_loaded"] else "success")
    )
    fault_point("before-finish")
    con = connect(warehouse)
    try:
        finish_run(
            con,
            run_key,
            outcome=outcome,
            seconds=round(time.monotonic() - started, 3),
            message="; ".join(r["message"] for r in results if r["outcome"] in ("rejected", "failed"))[:2000] or None,
            **counts,
        )
    finally:
        con.close()
    create_markdown_artifact(
        markdown=f"## luoshi ingest: {outcome}\n\n{summary_markdown(results)}",
        key="luoshi-ingest-summary",
        description="What the ingestion run loaded, skipped and rejected",
    )
    if counts["reports_loaded"]:
        from flows.link import link_tasks

        link_tasks(warehouse=warehouse)  # attach the new reports' tasks to threads across years
    from flows.quality import quality

    report = quality(warehouse=warehouse, run_key=run_key)["report_path"]
    return {"run_key": run_key, "outcome": outcome, "results": results, **counts, "report": report}
