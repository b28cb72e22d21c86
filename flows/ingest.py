"""Prefect flow `ingest_report`: archive → read → normalize → validate → load, in batches.

The flow only sequences tasks; parsing is in transforms/, writing in warehouse/loader.py.

Shape of a run (a task run costs real orchestration time, so tasks work on batches, not files):
  1. `archive`      one task: read and hash every file, keep its raw bytes by sha256, then ask the
                    warehouse in ONE query which contents are already in it (those are skipped);
  2. `parse_batch`  one task per batch of `batch_size` files: read, lay out, normalize, validate
                    (pandera once per batch). Submitted to the task runner, so with `workers` > 1 (or
                    `dask_address`) batches are parsed in parallel on a Dask cluster;
  3. `load_batch`   one task per batch, always in this process: the single writer. Each report is
                    loaded entirely or not at all (see warehouse.loader.load_reports).
At most `workers` + 1 parsed batches wait in memory at any time, so the corpus is streamed.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from sources import (
    ArchivedFile,
    ManifestEntry,
    archive_bytes,
    expand_paths,
    find_manifest_entry,
    manifests_for,
    overrides_entry,
)
from transforms import PARSER_VERSION
from transforms.grid import Finding
from transforms.metadata import ReportMeta, infer_metadata
from transforms.pipeline import (
    ParsedReport,
    PendingReport,
    RejectedReport,
    prepare_report,
    require_rows,
    validate_reports,
)
from transforms.readers import decode
from transforms.readers.clean import clean_text
from warehouse.db import WarehouseBusy, connect, is_lock_error
from warehouse.faults import fault_point
from warehouse.loader import (
    LoadRejected,
    LoadResult,
    ReportLoad,
    finish_run,
    known_shas,
    load_reports,
    record_quarantine,
    start_run,
)

# outcomes of a file that wrote a report version (see warehouse.loader.LoadResult)
LOADED = ("loaded", "new_version", "reinstated")


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


class Batch:
    """A batch handed to a task. A plain object, not a list: Prefect walks lists, dicts and
    dataclasses passed to tasks looking for futures, which costs seconds for a batch of reports
    (prefect's own quote() does not survive the trip to a Dask worker)."""

    __slots__ = ("value",)

    def __init__(self, value: list[Any]) -> None:
        self.value = value


@dataclass
class Prepared:
    """A file archived, its metadata resolved and (unless rejected) parsed."""

    archived: ArchivedFile
    meta: ReportMeta
    metadata_source: str
    parsed: ParsedReport | None = None
    error: str | None = None
    findings: list[Finding] = field(default_factory=list)


def archive_file(path: str, raw_dir: str) -> ArchivedFile:
    """Read the file's bytes and keep them by sha256 before anything else happens."""
    data = Path(path).read_bytes()
    return archive_bytes(data, path, Path(raw_dir))


@task(name="archive", retries=2, retry_delay_seconds=1, retry_condition_fn=_io_failure, cache_policy=NO_CACHE)
def archive_files(paths: list[str], raw_dir: str, warehouse: str) -> tuple[list[ArchivedFile], list[dict[str, Any]]]:
    """Archive every file; (files to ingest, results for files that cannot be read or are already in).

    The warehouse is asked once for all the hashes, never once per file.
    """
    archived: list[ArchivedFile] = []
    done: list[dict[str, Any]] = []
    for p in paths:
        try:
            archived.append(archive_file(p, raw_dir))
        except OSError as exc:
            done.append({"file": p, "outcome": "failed", "message": f"{p}: cannot read: {exc}", "tasks": 0})
    known = already_ingested(warehouse, [a.sha256 for a in archived])
    fresh: list[ArchivedFile] = []
    for a in archived:
        if a.sha256 in known:
            done.append({"file": a.source, "outcome": "skipped", "message": "same content already ingested", "tasks": 0})
        else:
            fresh.append(a)
    return fresh, done


def resolve_metadata(archived: ArchivedFile, text: str, entry: ManifestEntry | None, overrides: dict[str, Any]) -> tuple[ReportMeta, str, list[Finding]]:
    """Overrides win over the manifest, the manifest over inference; inferred values are flagged."""
    given = overrides_entry(overrides).meta().merged(entry.meta() if entry else ReportMeta())
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


def prepare_file(archived: ArchivedFile, entry: ManifestEntry | None, overrides: dict[str, Any]) -> tuple[Prepared, PendingReport | None]:
    """Read, lay out and normalize one archived file (pure work on its bytes); validation follows per batch.
    A file whose manifest entry (or manifest) cannot be used is rejected with the entry's error."""
    if entry is not None and entry.error:
        return Prepared(archived=archived, meta=ReportMeta(), metadata_source="manifest", error=entry.error), None
    data = Path(archived.raw_path).read_bytes()

    text = clean_text(decode(data)[0])[0] if not data.startswith(b"PK") else ""
    # status and 序时 need the as-of date, so metadata is resolved before parsing
    meta, source, meta_findings = resolve_metadata(archived, text, entry, overrides)
    prepared = Prepared(archived=archived, meta=meta, metadata_source=source, findings=meta_findings)
    try:
        pending = prepare_report(
            data, archived.file_name, as_of=meta.as_of, plan_year=meta.plan_year, period_type=meta.period_type
        )
    except RejectedReport as exc:
        prepared.error = str(exc)
        return prepared, None
    missing = meta.missing()
    if missing:
        # formats without a text body (DOCX/XLSX) infer from the parsed text instead
        inferred = infer_metadata(pending.text) if pending.text else ReportMeta()
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
        return prepared, None
    return prepared, pending


@task(name="parse_batch", cache_policy=NO_CACHE)
def parse_batch(items: Batch | list[tuple[ArchivedFile, ManifestEntry | None]], overrides: dict[str, Any]) -> list[Prepared]:
    """Read, lay out, normalize and validate a batch of archived files (pandera once for the batch)."""
    items = items.value if isinstance(items, Batch) else items
    prepared: list[Prepared] = []
    pending: list[tuple[Prepared, PendingReport]] = []
    for archived, entry in items:
        try:
            p, pend = prepare_file(archived, entry, overrides)
        except Exception as exc:  # a reader bug or a bad manifest entry: this file only is rejected
            p, pend = Prepared(archived=archived, meta=ReportMeta(), metadata_source="none",
                               error=f"{archived.file_name}: could not be parsed: {type(exc).__name__}: {exc}"), None
        prepared.append(p)
        if pend is not None:
            pending.append((p, pend))
    for (p, _), parsed in zip(pending, validate_reports([x for _, x in pending]), strict=True):
        try:
            p.parsed = require_rows(parsed, p.archived.file_name)
        except RejectedReport as exc:
            p.error = str(exc)
    return prepared


def report_load(prepared: Prepared) -> ReportLoad:
    """What the loader needs for one parsed report."""
    a, m = prepared.archived, prepared.meta
    assert prepared.parsed is not None and m.county and m.plan_year and m.as_of and m.period_type
    return ReportLoad(
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


@task(name="load_batch", retries=3, retry_delay_seconds=2, retry_condition_fn=_io_failure, cache_policy=NO_CACHE)
def load_batch(prepared: Batch | list[Prepared], warehouse: str, run_key: int | None, force: bool = False) -> list[dict[str, Any]]:
    """The one writer: load a batch of parsed reports (each entirely or not at all), or record why a
    file was rejected. Oldest as-of date first within the batch. `force`: the file of an earlier
    report version becomes current again instead of being refused."""
    prepared = prepared.value if isinstance(prepared, Batch) else prepared
    prepared = sorted(prepared, key=lambda p: (p.meta.as_of or date.max, p.archived.file_name))
    con = connect(warehouse)
    try:
        results: list[dict[str, Any] | None] = [None] * len(prepared)
        to_load = [i for i, p in enumerate(prepared) if p.parsed is not None]
        outcomes = load_reports(con, [report_load(prepared[i]) for i in to_load], run_key, force=force)
        for i, out in zip(to_load, outcomes, strict=True):
            p = prepared[i]
            if isinstance(out, LoadRejected):
                p.error = str(out)
                p.parsed = None
                continue
            results[i] = _loaded(p, out)
        for i, p in enumerate(prepared):
            if p.parsed is None:
                a = p.archived
                record_quarantine(con, run_key, a.source, a.sha256, a.raw_path, p.error or "rejected")
                results[i] = {"file": a.source, "outcome": "rejected", "message": p.error, "tasks": 0}
        return [r for r in results if r is not None]
    finally:
        con.close()


@task(name="load", retries=3, retry_delay_seconds=2, retry_condition_fn=_io_failure, cache_policy=NO_CACHE)
def load_prepared(prepared: Prepared, warehouse: str, run_key: int | None, force: bool = False) -> dict[str, Any]:
    """The one writer for one parsed report: load it, or record why it was rejected (the inbox's
    fallback when a batch cannot be loaded as a whole)."""
    return load_batch.fn([prepared], warehouse, run_key, force)[0]


def _loaded(p: Prepared, result: LoadResult) -> dict[str, Any]:
    return {
        "file": p.archived.source,
        "outcome": result.outcome,
        "report_key": result.report_key,
        "tasks": result.tasks,
        "message": result.message,
        "as_of": str(p.meta.as_of),
        "county": p.meta.county,
    }


def already_ingested(warehouse: str, shas: list[str]) -> set[str]:
    """The contents among `shas` already loaded: one connection, one query."""
    if not Path(warehouse).exists() or not shas:
        return set()
    con = connect(warehouse)
    try:
        return set(known_shas(con, shas))
    finally:
        con.close()


@contextmanager
def parse_runner(workers: int, dask_address: str | None) -> Iterator[Any]:
    """A Dask task runner for the parse tasks when asked for (None: the flow's own runner).

    `dask_address` connects to a running cluster (`dask scheduler` + `dask worker` on other
    machines); otherwise `workers` > 1 starts a local cluster of that many single-threaded processes.
    """
    if not dask_address and workers <= 1:
        yield None
        return
    from prefect_dask import DaskTaskRunner

    if dask_address:
        runner = DaskTaskRunner(address=dask_address)
    else:
        runner = DaskTaskRunner(
            cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True, "silence_logs": logging.ERROR}
        )
    with ExitStack() as stack:
        stack.enter_context(_api_url_for_workers())
        stack.enter_context(runner)
        try:
            yield runner
        finally:
            # closing a local cluster logs harmless CommClosedError tracebacks: keep them out of the run log
            for name in ("distributed", "distributed.comm", "distributed.core", "distributed.worker", "distributed.nanny", "tornado"):
                logging.getLogger(name).setLevel(logging.CRITICAL)


@contextmanager
def _api_url_for_workers() -> Iterator[None]:
    """Spawned Dask workers must report to this flow's Prefect API; without PREFECT_API_URL each
    worker process would start a temporary server of its own (many seconds each)."""
    import os

    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    if not url:
        from prefect.server.api.server import SubprocessASGIServer

        server = SubprocessASGIServer()
        url = server.api_url if server.running else None
    old = os.environ.get("PREFECT_API_URL")
    if url:
        os.environ["PREFECT_API_URL"] = url
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = old


def batches(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


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
    batch_size: int = 100,
    workers: int = 1,
    dask_address: str | None = None,
    force: bool = False,
) -> dict[str, Any]:
    """Ingest report files (or folders of them) into the warehouse, in batches of `batch_size`,
    parsing on `workers` local Dask processes (or the Dask cluster at `dask_address`). `force`: a
    file of an earlier version of a report becomes current again instead of being refused."""
    started = time.monotonic()
    overrides = overrides or {}
    overrides_entry(overrides)  # impossible metadata fails the run before anything is read
    batch_size = max(1, int(batch_size))
    raw_dir = str(Path(warehouse).parent / "raw")
    files = expand_paths(paths)
    manifests = manifests_for(files, manifest)
    con = connect(warehouse)
    try:
        run_key = start_run(con, "ingest_report", str(flow_run.id) if flow_run.id else None)
    finally:
        con.close()

    # 1. archive and hash everything; one query says what is already in the warehouse
    fresh, results = archive_files([str(f) for f in files], raw_dir, warehouse)
    items = [(a, find_manifest_entry(a, manifests)) for a in fresh]
    # oldest first where the manifest or the overrides tell the date; within a batch by the parsed date
    items.sort(key=lambda it: (known_as_of(it[1], overrides), it[0].file_name))

    # 2 + 3. parse batches on the task runner, load each in order here (the single writer)
    load = _load_forced if force else _load
    results += parse_and_load(items, warehouse, run_key, overrides, batch_size, workers, dask_address, load=load)

    counts = {
        "files_seen": len(files),
        "reports_loaded": sum(r["outcome"] in LOADED for r in results),
        "reports_skipped": sum(r["outcome"] in ("skipped", "refused") for r in results),
        "reports_failed": sum(r["outcome"] in ("rejected", "failed") for r in results),
        "tasks_loaded": sum(r.get("tasks", 0) for r in results if r["outcome"] in LOADED),
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
    from flows.quality import quality

    report = quality(warehouse=warehouse, run_key=run_key)["report_path"]
    return {"run_key": run_key, "outcome": outcome, "results": results, **counts, "report": report}


def known_as_of(entry: ManifestEntry | None, overrides: dict[str, Any]) -> str:
    value = overrides.get("as_of") or (entry.as_of if entry else None)
    return str(value) if value else "9999-12-31"


LoadFn = Callable[[list[Prepared], str, "int | None"], list[dict[str, Any]]]


def _load(prepared: list[Prepared], warehouse: str, run_key: int | None) -> list[dict[str, Any]]:
    return load_batch(Batch(prepared), warehouse, run_key)


def _load_forced(prepared: list[Prepared], warehouse: str, run_key: int | None) -> list[dict[str, Any]]:
    return load_batch(Batch(prepared), warehouse, run_key, force=True)


def parse_and_load(
    items: list[tuple[ArchivedFile, ManifestEntry | None]],
    warehouse: str,
    run_key: int | None,
    overrides: dict[str, Any] | None = None,
    batch_size: int = 100,
    workers: int = 1,
    dask_address: str | None = None,
    load: LoadFn = _load,
) -> list[dict[str, Any]]:
    """Parse archived files in batches on the task runner (a Dask cluster when `workers` > 1 or
    `dask_address`) and load each batch, in order, in this process: the single writer. At most
    `workers` + 1 parsed batches wait in memory. Inside a flow; one result per file."""
    logger = get_run_logger()
    overrides = overrides or {}
    results: list[dict[str, Any]] = []
    with parse_runner(workers, dask_address) as runner:
        window = max(1, workers) + 1
        in_flight: deque[Any] = deque()
        for batch in batches(items, max(1, int(batch_size))):
            # Batch(): Prefect would otherwise walk every object of the batch looking for futures
            if runner is None:
                in_flight.append(parse_batch.submit(Batch(batch), overrides))
            else:
                in_flight.append(runner.submit(parse_batch, {"items": Batch(batch), "overrides": overrides}))
            if len(in_flight) >= window:
                results += _load_next(in_flight, warehouse, run_key, logger, load)
        while in_flight:
            results += _load_next(in_flight, warehouse, run_key, logger, load)
    return results


def _load_next(in_flight: deque[Any], warehouse: str, run_key: int | None, logger: Any, load: LoadFn) -> list[dict[str, Any]]:
    """Wait for the oldest parse batch and load it."""
    prepared = in_flight.popleft().result()
    loaded = load(prepared, warehouse, run_key)
    for res in loaded:
        if res["outcome"] == "rejected":
            logger.warning("rejected %s: %s", res["file"], res["message"])
    return loaded
