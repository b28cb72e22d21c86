"""The one pipeline flow: archive → parse → load → link → check → report → publish.

Every entry point runs it: `luoshi ingest FILES` (flow `ingest_report`), `luoshi backfill FOLDER`
(flow `backfill`), `luoshi inbox DIR` and the scheduled deployments (flow `inbox`). They differ only
in their parameters: where the files come from (`paths` or an `inbox_dir` with its manifest and
URLs), whether quarantined files are tried again, and whether handled files are moved out of the
inbox.

Shape of a run (a task run costs real orchestration time, so tasks work on batches, not files):
  1. sources       the inbox's files, manifest files and URLs, or the paths given;
  2. archive       read (or download) and hash every file, keep its raw bytes by sha256; contents
                   already in the warehouse (or quarantined, for the inbox) are skipped;
  3. parse_batch   one task per batch of `batch_size` files: read, lay out, normalize, validate.
                   With `workers` > 1 (or `dask_address`) batches are parsed on a Dask cluster;
  4. load_batch    one task per batch, always in this process: the single writer
                   (warehouse.loader.load_reports; each report entirely or not at all);
  5. link          cross-year task links over the whole warehouse (flows/link.py's tasks);
  6. check         the warehouse checks and Great Expectations on the reports not yet checked;
  7. report        the run recorded in etl_run, its HTML quality report and Prefect artifacts;
  8. publish       the analysts' read-only copy.
Steps 5-8 are recorded per report in `report_step` as they finish, so a run that crashed after the
load is finished by the next run, which finds those reports pending. The whole run holds the global
concurrency limit `luoshi-warehouse-writer` (one slot): two runs never write at the same time.
"""

from __future__ import annotations

import logging
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import deployment, flow_run
from prefect.states import Completed, Failed, State

from flows.quality import record_findings, render, run_expectations, run_warehouse_checks
from schemas.settings import settings
from sources import (
    ArchivedFile,
    Manifest,
    ManifestEntry,
    archive_bytes,
    expand_paths,
    find_manifest_entry,
    manifests_for,
    overrides_entry,
)
from sources.inbox import Source, discover, inbox_manifest, move_handled
from transforms import PARSER_VERSION
from transforms.grid import Finding
from transforms.linking import (
    CROSSWALK,
    CrosswalkEntry,
    Link,
    crosswalk_of_chunks,
    link_chunks,
    parse_crosswalk,
    plan_links,
)
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
from warehouse.db import WarehouseBusy, connect_for_run, is_lock_error
from warehouse.faults import fault_point
from warehouse.links import (
    fetch_counties,
    fetch_county_tasks,
    link_count,
    write_link_chunk,
    write_link_findings,
)
from warehouse.loader import (
    LoadRejected,
    LoadResult,
    ReportLoad,
    finish_run,
    load_reports,
    record_quarantine,
    run_sql,
    start_run,
)
from warehouse.publish import Published, publish_warehouse, published_path
from warehouse.runlog import close_stale_run, pending_steps, record_steps, running_runs

WRITER_LIMIT = "luoshi-warehouse-writer"
WRITER_LEASE_SECONDS = 60.0  # renewed while the run lives; a killed run's slot frees within this
ARTIFACT_KEY = "luoshi-inbox"
MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024
USER_AGENT = "luoshi-inbox/0.1"
STEPS = ("link", "check", "report", "publish")
UNSLOTTED_FLOWS = ("link_tasks", "quality")  # flows that write the run log without the writer slot
LOADED = ("loaded", "new_version", "reinstated")  # outcomes that wrote a report version
SKIPPED = ("skipped", "refused")  # nothing written: known content, or a superseded version
FAILED = ("rejected", "failed")


# ------------------------------------------------------------------------------------------ results


@dataclass(frozen=True)
class FileResult:
    """What the run did with one file or URL: loaded | new_version | reinstated | skipped | refused |
    rejected | failed | missing."""

    file: str
    outcome: str
    tasks: int = 0
    message: str = ""
    report_key: int | None = None
    as_of: str | None = None


@dataclass(frozen=True)
class StepResult:
    """One step of the run (the load, or one after it): done | skipped | failed, what it did, and
    its wall-clock seconds."""

    step: str
    outcome: str
    message: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass(frozen=True)
class RunCounts:
    files_seen: int = 0
    reports_loaded: int = 0
    reports_skipped: int = 0
    reports_failed: int = 0
    tasks_loaded: int = 0

    @classmethod
    def of(cls, files: list[FileResult]) -> RunCounts:
        return cls(
            files_seen=sum(f.outcome != "missing" for f in files),
            reports_loaded=sum(f.outcome in LOADED for f in files),
            reports_skipped=sum(f.outcome in SKIPPED for f in files),
            reports_failed=sum(f.outcome in FAILED for f in files),
            tasks_loaded=sum(f.tasks for f in files if f.outcome in LOADED),
        )

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def run_outcome(files: list[FileResult], steps: list[StepResult]) -> str:
    """failed (every file failed), partial (some failed, or a step did), success, or noop."""
    c = RunCounts.of(files)
    if c.reports_failed and not c.reports_loaded and not c.reports_skipped:
        return "failed"
    if c.reports_failed or any(s.outcome == "failed" for s in steps):
        return "partial"
    return "success" if c.reports_loaded else "noop"


@dataclass(frozen=True)
class RunResult:
    """A pipeline run: its etl_run key, outcome, one result per file, one per step after the load,
    and the load itself (the writer's time in load batches, the task rows it wrote)."""

    run_key: int
    outcome: str
    files: list[FileResult]
    steps: list[StepResult]
    published: Published | None
    counts: RunCounts
    report: str | None = None
    load: StepResult | None = None

    def step(self, name: str) -> StepResult | None:
        return next((s for s in self.steps if s.step == name), None)


class RunFailed(RuntimeError):
    """Every file of the run failed: the flow run fails; the run's result is attached."""

    def __init__(self, message: str, result: RunResult) -> None:
        super().__init__(message)
        self.result = result


def run_result(returned: RunResult | State[RunResult]) -> RunResult:
    """The RunResult of a pipeline flow call. The flow returns its RunResult, or a Completed state
    named Partial carrying it (some files rejected); a direct call unwraps that state, so this is
    the RunResult itself, typed as such."""
    value = returned.result() if isinstance(returned, State) else returned
    if not isinstance(value, RunResult):
        raise TypeError(f"the pipeline flow returned {type(value).__name__}, not a RunResult")
    return value


# ------------------------------------------------------------------------------------------ archive


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


def _fetch_failure(task: Any, task_run: Any, state: Any) -> bool:
    """Retry a download on network trouble and 5xx/408/429 answers, never on 4xx."""
    try:
        state.result()
    except urllib.error.HTTPError as exc:
        return exc.code >= 500 or exc.code in (408, 429)
    except Exception:
        return _io_failure(task, task_run, state)
    return False


def is_io_error(exc: BaseException) -> bool:
    """An I/O failure (worth trying again next run), as opposed to a bad file."""
    if isinstance(exc, WarehouseBusy | urllib.error.URLError | TimeoutError):
        return True
    if isinstance(exc, duckdb.IOException):
        return is_lock_error(exc)
    return isinstance(exc, OSError) and not isinstance(exc, FileNotFoundError)


def archive_file(path: str, raw_dir: str) -> ArchivedFile:
    """Read the file's bytes and keep them by sha256 before anything else happens."""
    return archive_bytes(Path(path).read_bytes(), path, Path(raw_dir))


@task(name="fetch", retries=2, retry_delay_seconds=2, retry_condition_fn=_fetch_failure)
def fetch_url(url: str, raw_dir: str, timeout: float = 60.0) -> ArchivedFile:
    """Download a report over HTTP(S) (standard library) and archive its bytes by sha256."""
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 (scheme checked in discover)
        data = resp.read(MAX_DOWNLOAD_BYTES + 1)
    if len(data) > MAX_DOWNLOAD_BYTES:
        raise ValueError(f"{url}: larger than {MAX_DOWNLOAD_BYTES // (1024 * 1024)} MB; not downloaded")
    return archive_bytes(data, url, Path(raw_dir))


@task(name="known-content", retries=3, retry_delay_seconds=5, retry_condition_fn=_io_failure)
def known_content(warehouse: str, flow_run_id: str | None) -> tuple[set[str], dict[str, str]]:
    """sha256 of every report already ingested, and of every file quarantined by an earlier flow run
    (a retry of this flow run tries its own rejects again) with its reason."""
    if not Path(warehouse).exists():
        return set(), {}
    con = connect_for_run(warehouse)
    try:
        loaded = {r[0] for r in run_sql(con, "inbox_loaded_sha")}
        quarantined = {
            r[0]: r[1] for r in run_sql(con, "inbox_quarantined_sha", {"flow_run_id": flow_run_id})
        }
    finally:
        con.close()
    return loaded, quarantined


def known_as_of(entry: ManifestEntry | None, overrides: dict[str, Any]) -> str:
    value = overrides.get("as_of") or (entry.as_of if entry else None)
    return str(value) if value else "9999-12-31"


@task(name="archive", cache_policy=NO_CACHE)
def archive_sources(
    sources: list[Source],
    warehouse: str,
    lookup: list[Manifest],
    retry_quarantined: bool,
    overrides: dict[str, Any],
    flow_run_id: str | None,
) -> tuple[list[tuple[ArchivedFile, ManifestEntry | None]], list[FileResult]]:
    """Fetch and archive every source; skip content already ingested (or quarantined, unless
    `retry_quarantined`). The rest come back with their manifest entries, oldest as-of date first
    where the manifest or the overrides tell it (within a parse batch, by the date parsed)."""
    raw_dir = str(Path(warehouse).parent / "raw")
    loaded_sha, quarantined = known_content(warehouse, flow_run_id)
    items: list[tuple[ArchivedFile, ManifestEntry | None]] = []
    done: list[FileResult] = []
    seen_in_run: dict[str, str] = {}
    for s in sources:
        try:
            archived = (
                fetch_url(s.location, raw_dir) if s.kind == "url" else archive_file(s.location, raw_dir)
            )
        except Exception as exc:
            done.append(FileResult(s.location, "failed", message=f"{s.location}: cannot read: {exc}"))
            continue
        if archived.sha256 in loaded_sha:
            done.append(FileResult(s.location, "skipped", message="same content already ingested"))
        elif archived.sha256 in seen_in_run:
            done.append(
                FileResult(s.location, "skipped", message=f"same content as {seen_in_run[archived.sha256]}")
            )
        elif archived.sha256 in quarantined and not retry_quarantined:
            seen_in_run[archived.sha256] = s.location
            done.append(
                FileResult(
                    s.location,
                    "skipped",
                    message=f"quarantined earlier ({quarantined[archived.sha256][:120]}); "
                    "run with retry_quarantined=true after fixing",
                )
            )
        else:
            seen_in_run[archived.sha256] = s.location
            items.append((archived, s.entry or find_manifest_entry(archived, lookup)))
    items.sort(key=lambda it: (known_as_of(it[1], overrides), it[0].file_name))
    return items, done


# ------------------------------------------------------------------------------------------ parse


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


def _resolve_metadata(
    text: str, entry: ManifestEntry | None, overrides: dict[str, Any]
) -> tuple[ReportMeta, str, list[Finding]]:
    """Overrides win over the manifest, the manifest over inference; inferred values are flagged."""
    given = overrides_entry(overrides).meta().merged(entry.meta() if entry else ReportMeta())
    meta = given.merged(infer_metadata(text))
    source = "override" if any(overrides.values()) else ("manifest" if entry else "inferred")
    findings = [
        Finding(
            "metadata.inferred",
            "warning",
            f"{name} = {getattr(meta, name)!s} was inferred from the text: {evidence}",
        )
        for name, evidence in meta.inferred.items()
    ]
    if meta.inferred and source != "inferred":
        source += "+inferred"
    return meta, source, findings


def _prepare_file(
    archived: ArchivedFile, entry: ManifestEntry | None, overrides: dict[str, Any]
) -> tuple[Prepared, PendingReport | None]:
    """Read, lay out and normalize one archived file (pure work on its bytes); validation follows per batch.
    A file whose manifest entry (or manifest) cannot be used is rejected with the entry's error."""
    if entry is not None and entry.error:
        return Prepared(
            archived=archived, meta=ReportMeta(), metadata_source="manifest", error=entry.error
        ), None
    data = Path(archived.raw_path).read_bytes()
    text = clean_text(decode(data)[0])[0] if not data.startswith(b"PK") else ""
    # status and 序时 need the as-of date, so metadata is resolved before parsing
    meta, source, meta_findings = _resolve_metadata(text, entry, overrides)
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
            Finding(
                "metadata.inferred", "warning", f"{k} = {getattr(meta, k)!s} was inferred from the text: {v}"
            )
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
def parse_batch(
    items: Batch | list[tuple[ArchivedFile, ManifestEntry | None]], overrides: dict[str, Any]
) -> list[Prepared]:
    """Read, lay out, normalize and validate a batch of archived files (pandera once for the batch)."""
    items = items.value if isinstance(items, Batch) else items
    prepared: list[Prepared] = []
    pending: list[tuple[Prepared, PendingReport]] = []
    for archived, entry in items:
        try:
            p, pend = _prepare_file(archived, entry, overrides)
        except Exception as exc:  # a reader bug or a bad manifest entry: this file only is rejected
            p, pend = (
                Prepared(
                    archived=archived,
                    meta=ReportMeta(),
                    metadata_source="none",
                    error=f"{archived.file_name}: could not be parsed: {type(exc).__name__}: {exc}",
                ),
                None,
            )
        prepared.append(p)
        if pend is not None:
            pending.append((p, pend))
    for (p, _), parsed in zip(pending, validate_reports([x for _, x in pending]), strict=True):
        try:
            p.parsed = require_rows(parsed, p.archived.file_name)
        except RejectedReport as exc:
            p.error = str(exc)
    return prepared


# ------------------------------------------------------------------------------------------ load


def _report_load(prepared: Prepared) -> ReportLoad:
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


def _loaded(p: Prepared, result: LoadResult) -> FileResult:
    as_of = str(p.meta.as_of) if p.meta.as_of else None
    return FileResult(
        p.archived.source, result.outcome, result.tasks, result.message or "", result.report_key, as_of
    )


@task(
    name="load_batch", retries=3, retry_delay_seconds=2, retry_condition_fn=_io_failure, cache_policy=NO_CACHE
)
def load_batch(
    prepared: Batch | list[Prepared], warehouse: str, run_key: int | None, force: bool = False
) -> list[FileResult]:
    """The one writer: load a batch of parsed reports (each entirely or not at all), or record why a
    file was rejected. Oldest as-of date first within the batch. `force`: the file of an earlier
    report version becomes current again instead of being refused."""
    prepared = prepared.value if isinstance(prepared, Batch) else prepared
    prepared = sorted(prepared, key=lambda p: (p.meta.as_of or date.max, p.archived.file_name))
    con = connect_for_run(warehouse)
    try:
        results: list[FileResult | None] = [None] * len(prepared)
        to_load = [i for i, p in enumerate(prepared) if p.parsed is not None]
        outcomes = load_reports(con, [_report_load(prepared[i]) for i in to_load], run_key, force=force)
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
                results[i] = FileResult(a.source, "rejected", message=p.error or "rejected")
        return [r for r in results if r is not None]
    finally:
        con.close()


def load_or_quarantine(
    prepared: list[Prepared], warehouse: str, run_key: int | None, force: bool = False
) -> list[FileResult]:
    """Load a parsed batch (the single writer). When the warehouse cannot be written (I/O, lock,
    after the task's retries) the batch's files are reported failed and tried again next run;
    any other failure falls back to one report at a time, so only the report that fails is
    quarantined."""

    def io_failed(p: Prepared, exc: BaseException) -> FileResult:
        return FileResult(
            p.archived.source,
            "failed",
            message=f"{p.archived.file_name}: I/O failure, will be tried again next run: {exc}",
        )

    try:
        return load_batch(Batch(prepared), warehouse, run_key, force)
    except Exception as exc:
        if is_io_error(exc):
            return [io_failed(p, exc) for p in prepared]
    out: list[FileResult] = []
    for p in sorted(prepared, key=lambda p: (p.meta.as_of or date.max, p.archived.file_name)):
        try:
            (res,) = load_batch(Batch([p]), warehouse, run_key, force)
        except Exception as exc:
            if is_io_error(exc):
                res = io_failed(p, exc)
            else:
                bad = Prepared(
                    archived=p.archived,
                    meta=p.meta,
                    metadata_source=p.metadata_source,
                    error=f"{p.archived.file_name}: could not be loaded: {type(exc).__name__}: {exc}",
                )
                try:
                    (res,) = load_batch(Batch([bad]), warehouse, run_key)
                except Exception as exc2:
                    res = FileResult(
                        p.archived.source, "failed", message=f"{bad.error}; not quarantined: {exc2}"
                    )
        out.append(res)
    return out


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
            cluster_kwargs={
                "n_workers": workers,
                "threads_per_worker": 1,
                "processes": True,
                "silence_logs": logging.ERROR,
            }
        )
    with ExitStack() as stack:
        stack.enter_context(api_url_for_workers())
        stack.enter_context(runner)
        try:
            yield runner
        finally:
            # closing a local cluster logs harmless CommClosedError tracebacks: keep them out of the run log
            for name in (
                "distributed",
                "distributed.comm",
                "distributed.core",
                "distributed.worker",
                "distributed.nanny",
                "tornado",
            ):
                logging.getLogger(name).setLevel(logging.CRITICAL)


@contextmanager
def api_url_for_workers() -> Iterator[None]:
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


LoadFn = Callable[[list[Prepared], str, "int | None"], list[FileResult]]


def parse_and_load(
    items: list[tuple[ArchivedFile, ManifestEntry | None]],
    warehouse: str,
    run_key: int | None,
    overrides: dict[str, Any] | None = None,
    batch_size: int | None = None,
    workers: int | None = None,
    dask_address: str | None = None,
    load: LoadFn = load_or_quarantine,
) -> list[FileResult]:
    """Parse archived files in batches on the task runner (a Dask cluster when `workers` > 1 or
    `dask_address`) and load each batch, in order, in this process: the single writer. At most
    `workers` + 1 parsed batches wait in memory. batch_size, workers: None for the settings'
    (schemas/settings.py). Inside a flow; one result per file."""
    logger = get_run_logger()
    overrides = overrides or {}
    results: list[FileResult] = []
    size = max(1, int(batch_size or settings().batch_size))
    workers = workers or settings().workers
    with parse_runner(workers, dask_address) as runner:
        window = max(1, workers) + 1
        in_flight: deque[Any] = deque()
        for i in range(0, len(items), size):
            # Batch(): Prefect would otherwise walk every object of the batch looking for futures
            batch = Batch(items[i : i + size])
            if runner is None:
                in_flight.append(parse_batch.submit(batch, overrides))
            else:
                in_flight.append(runner.submit(parse_batch, {"items": batch, "overrides": overrides}))
            if len(in_flight) >= window:
                results += _load_next(in_flight, warehouse, run_key, logger, load)
        while in_flight:
            results += _load_next(in_flight, warehouse, run_key, logger, load)
    return results


def _load_next(
    in_flight: deque[Any], warehouse: str, run_key: int | None, logger: Any, load: LoadFn
) -> list[FileResult]:
    """Wait for the oldest parse batch and load it."""
    loaded = load(in_flight.popleft().result(), warehouse, run_key)
    for res in loaded:
        if res.outcome == "rejected":
            logger.warning("rejected %s: %s", res.file, res.message)
    return loaded


# ------------------------------------------------------------------------------------------ run log and writer slot


def ensure_writer_limit(limit: int = 1) -> None:
    """Create the global concurrency limit for warehouse writers if it does not exist yet."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            client.read_global_concurrency_limit_by_name(WRITER_LIMIT)
            return
        except ObjectNotFound:
            pass
        try:
            client.create_global_concurrency_limit(
                GlobalConcurrencyLimitCreate(name=WRITER_LIMIT, limit=limit)
            )
        except Exception:  # created by a concurrent run in between
            client.read_global_concurrency_limit_by_name(WRITER_LIMIT)


def _slot_taken() -> bool:
    from prefect.client.orchestration import get_client

    try:
        with get_client(sync_client=True) as client:
            gcl = client.read_global_concurrency_limit_by_name(WRITER_LIMIT)
        return gcl.active_slots >= gcl.limit
    except Exception:
        return False


def _holder_file() -> Path:
    """Who holds the writer slot of this Prefect server now (lease id, process id, host, flow run):
    one file per server API and user in the temporary folder, whatever PREFECT_HOME says."""
    import getpass
    import hashlib
    import tempfile

    from prefect.settings import PREFECT_API_URL

    key = hashlib.sha256(f"{PREFECT_API_URL.value()}|{getpass.getuser()}".encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"luoshi-writer-slot-{key}.json"


def _release_dead_holder(logger: Any) -> bool:
    """Release the writer slot of a run on this machine whose process has died without releasing it
    (killed: no `finally` ran). True when one was released."""
    import json
    import os
    import socket
    from uuid import UUID

    from prefect.concurrency._sync import release_concurrency_slots_with_lease

    path = _holder_file()
    try:
        holder = json.loads(path.read_text(encoding="utf-8"))
        if holder.get("host") != socket.gethostname():
            return False
        pid = int(holder["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return False
    try:
        os.kill(pid, 0)
        return False  # alive: it really is writing
    except ProcessLookupError:
        pass
    except PermissionError:
        return False
    try:
        release_concurrency_slots_with_lease(UUID(holder["lease_id"]))
    except Exception as exc:  # already expired, or a lease of another Prefect server
        logger.info(
            "the writer slot's last holder (process %s) is gone; its lease could not be released: %s",
            pid,
            exc,
        )
    else:
        logger.warning(
            "released the writer slot %s held by process %s (flow run %s), which stopped without releasing it",
            WRITER_LIMIT,
            pid,
            holder.get("flow_run_id"),
        )
    path.unlink(missing_ok=True)
    return True


@contextmanager
def writer_slot(wait_seconds: float, logger: Any, flow_run_id: str | None = None) -> Iterator[None]:
    """Hold the one writer slot for the block; say when another run holds it and how long we waited.
    The lease is short (the server's minimum) and renewed while this process lives; a run killed
    outright cannot release it, so the next run on this machine releases it when that process is gone."""
    import json
    import os
    import socket
    from uuid import UUID

    # the acquire/renew/release steps of prefect.concurrency.sync.concurrency, with the lease id kept
    from prefect.client.schemas.objects import ConcurrencyLeaseHolder
    from prefect.concurrency._leases import maintain_concurrency_lease
    from prefect.concurrency._sync import (
        acquire_concurrency_slots_with_lease,
        release_concurrency_slots_with_lease,
    )

    ensure_writer_limit()
    started = time.monotonic()
    if _slot_taken() and not _release_dead_holder(logger):
        logger.info(
            "waiting for the writer slot %s: another run is writing the warehouse (waiting up to %.0f s)",
            WRITER_LIMIT,
            wait_seconds,
        )
    holder = ConcurrencyLeaseHolder(type="flow_run", id=UUID(flow_run_id)) if flow_run_id else None
    acquired = acquire_concurrency_slots_with_lease(
        [WRITER_LIMIT], 1, timeout_seconds=wait_seconds, lease_duration=WRITER_LEASE_SECONDS, holder=holder
    )
    waited = time.monotonic() - started
    if waited >= 1.0:
        logger.info("got the writer slot %s after waiting %.1f s", WRITER_LIMIT, waited)
    path = _holder_file()
    mine = {
        "lease_id": str(acquired.lease_id),
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "flow_run_id": flow_run_id,
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(mine), encoding="utf-8")
        with maintain_concurrency_lease(acquired.lease_id, WRITER_LEASE_SECONDS):
            yield
    finally:
        release_concurrency_slots_with_lease(acquired.lease_id)
        try:
            if json.loads(path.read_text(encoding="utf-8")).get("lease_id") == mine["lease_id"]:
                path.unlink()
        except (OSError, ValueError):
            pass


def _flow_run_state(flow_run_id: str) -> Any:
    from uuid import UUID

    from prefect.client.orchestration import get_client

    try:
        with get_client(sync_client=True) as client:
            return client.read_flow_run(UUID(flow_run_id)).state
    except Exception:
        return None


@task(name="start-run", retries=3, retry_delay_seconds=5, retry_condition_fn=_io_failure)
def record_start(warehouse: str, label: str, flow_run_id: str | None) -> int:
    """Close the run log's stale `running` rows as `crashed` (with the reason), then start this run's row."""
    logger = get_run_logger()
    con = connect_for_run(warehouse)
    try:
        for run_key, flow_name, other_id, started_at in running_runs(con):
            state = _flow_run_state(other_id) if other_id else None
            if (
                flow_name in UNSLOTTED_FLOWS
                and state is not None
                and state.type.value in ("RUNNING", "PENDING")
            ):
                continue  # alive: `luoshi links` or `luoshi report` running beside us
            # every pipeline run holds the writer slot, which we hold now: a pipeline row still
            # `running` belongs to a process that stopped (its flow run may still say Running)
            if other_id == flow_run_id:
                why = "an earlier attempt of this flow run stopped before finishing"
            elif state is not None:
                why = f"its flow run {other_id} ended {state.name}" + (
                    f": {state.message}" if state.message else ""
                )
            else:
                why = "its process stopped before finishing (no flow run to ask)"
            reason = f"crashed: run {run_key} started {started_at:%Y-%m-%d %H:%M:%S} did not finish; {why}"[
                :2000
            ]
            close_stale_run(con, run_key, reason)
            logger.warning("etl_run %s closed as crashed: %s", run_key, reason)
        return start_run(con, label, flow_run_id)
    finally:
        con.close()


@task(name="finish-run", retries=3, retry_delay_seconds=5, retry_condition_fn=_io_failure)
def record_finish(
    warehouse: str, run_key: int, outcome: str, seconds: float, message: str | None, counts: RunCounts
) -> None:
    con = connect_for_run(warehouse)
    try:
        finish_run(con, run_key, outcome=outcome, seconds=seconds, message=message, **counts.as_dict())
    finally:
        con.close()


@task(name="pending-steps", retries=3, retry_delay_seconds=5, retry_condition_fn=_io_failure)
def find_pending(warehouse: str) -> dict[str, list[int]]:
    """For each step after the load, the reports it has not finished for (new, or left by a crash)."""
    con = connect_for_run(warehouse)
    try:
        return pending_steps(con, list(STEPS))
    finally:
        con.close()


@task(name="record-steps", retries=3, retry_delay_seconds=5, retry_condition_fn=_io_failure)
def mark_done(warehouse: str, step: str, reports: list[int], run_key: int) -> None:
    con = connect_for_run(warehouse)
    try:
        record_steps(con, step, reports, run_key)
    finally:
        con.close()


# ------------------------------------------------------------------------------------------ steps after the load


def read_crosswalk(path: str | Path | None) -> list[CrosswalkEntry]:
    """The crosswalk's decisions; a missing file means no decisions, a broken one is an error naming it."""
    p = Path(path) if path else CROSSWALK
    if not p.exists():
        if path:
            raise FileNotFoundError(f"{p}: no such crosswalk file")
        return []
    return parse_crosswalk(p.read_text(encoding="utf-8"), str(path or "schemas/crosswalk.yaml"))


LINK_CHUNK_TASKS = 20_000  # the link step holds about this many tasks (whole counties) at a time


@dataclass
class LinkResult:
    """What the link step did, summed over its chunks of counties."""

    counts: dict[str, int]
    findings: list[Finding]
    tasks: int
    links_before: int
    links_after: int


@task(name="write-links", retries=2, retry_delay_seconds=2, retry_condition_fn=_io_failure)
def store_link_chunk(warehouse: str, links: list[Link], thread_of: dict[int, int]) -> None:
    con = connect_for_run(warehouse)
    try:
        write_link_chunk(con, links, thread_of)
    finally:
        con.close()


@task(name="write-link-findings", retries=2, retry_delay_seconds=2, retry_condition_fn=_io_failure)
def store_link_findings(warehouse: str, findings: list[Finding], run_key: int | None) -> int:
    con = connect_for_run(warehouse)
    try:
        write_link_findings(con, findings, run_key)
        return link_count(con)
    finally:
        con.close()


def link_warehouse(
    warehouse: str,
    crosswalk: list[CrosswalkEntry],
    run_key: int | None,
    chunk_tasks: int = LINK_CHUNK_TASKS,
) -> LinkResult:
    """Link tasks across plan years a chunk of counties at a time (links stay within a county, or
    within the counties one crosswalk entry joins, which share a chunk), so memory is bounded by a
    chunk, not by the warehouse. Each chunk is read, planned (plan_links) and written in its own
    transaction; the link findings are replaced once at the end. A step stopped half-way leaves some
    chunks linked anew and others as before: the step is idempotent and stays pending
    (pending_steps) until it finishes, so the next run links everything again."""
    con = connect_for_run(warehouse)
    try:
        counties = fetch_counties(con)
        before = link_count(con)
    finally:
        con.close()
    chunks = link_chunks(counties, crosswalk, chunk_tasks)
    counts = {"accepted": 0, "pending": 0, "rejected": 0, "threads": 0}
    findings: list[Finding] = []
    n_tasks = 0
    for chunk, entries in zip(chunks, crosswalk_of_chunks(crosswalk, chunks), strict=True):
        con = connect_for_run(warehouse)
        try:
            tasks = fetch_county_tasks(con, chunk)
        finally:
            con.close()
        plan = plan_links(tasks, entries)
        n_tasks += len(tasks)
        del tasks
        store_link_chunk(warehouse, plan.links, plan.thread_of)
        for k, v in plan.counts().items():
            counts[k] += v
        findings += plan.findings
        del plan
    after = store_link_findings(warehouse, findings, run_key)
    return LinkResult(counts, findings, n_tasks, before, after)


def link_step(warehouse: str, crosswalk: str | None, run_key: int) -> StepResult:
    c = link_warehouse(warehouse, read_crosswalk(crosswalk), run_key).counts
    return StepResult(
        "link",
        "done",
        f"links accepted {c['accepted']}, pending {c['pending']}, rejected {c['rejected']}; threads {c['threads']}",
        {k: int(v) for k, v in c.items()},
    )


def check_step(warehouse: str, reports: list[int], run_key: int) -> tuple[StepResult, dict[str, Any]]:
    checks = run_warehouse_checks(warehouse)
    gx = run_expectations(warehouse, reports)
    recorded = record_findings(warehouse, run_key, checks + gx["findings"])
    from warehouse.loader import check_files

    gx = {
        **gx,
        "checks_run": len(check_files()),
        "check_failures": len(checks),
        "reports_checked": len(reports),
    }
    msg = (
        f"{gx['checks_run']} warehouse checks ({len(checks)} rows found), {gx['suites']} GX suites "
        f"({gx['evaluated']} expectations, {gx['failed']} failed) on {len(reports)} report(s); {recorded} findings"
    )
    counts = {
        "checks_run": gx["checks_run"],
        "check_failures": len(checks),
        "gx_suites": gx["suites"],
        "gx_evaluated": gx["evaluated"],
        "gx_failed": gx["failed"],
        "reports_checked": len(reports),
        "findings": recorded,
    }
    return StepResult("check", "done", msg, counts), gx


@task(name="publish", retries=2, retry_delay_seconds=2, retry_condition_fn=_io_failure)
def publish_task(warehouse: str, target: str) -> Published:
    return publish_warehouse(warehouse, target)


@task(name="rejected-files")
def rejected_files(rejected: list[FileResult]) -> State | None:
    """Ends Failed when files were rejected, so a partial run shows a failed task in Prefect. The
    state is returned, not raised: the files' own text is listed without a traceback."""
    if rejected:
        lines = "\n".join(f"- {Path(r.file).name}: {r.message}" for r in rejected)
        return Failed(message=f"{len(rejected)} file(s) rejected or not read:\n{lines}")
    return None


def summary_markdown(files: list[FileResult], steps: list[StepResult]) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")[:200]

    lines = ["| file | outcome | tasks | message |", "|---|---|---|---|"]
    for r in files:
        name = r.file if r.file.startswith(("http://", "https://")) else Path(r.file).name
        lines.append(f"| {cell(name)} | {r.outcome} | {r.tasks} | {cell(r.message)} |")
    if steps:
        lines += ["", "| step | outcome | message |", "|---|---|---|"]
        lines += [f"| {s.step} | {s.outcome} | {cell(s.message)} |" for s in steps]
    return "\n".join(lines)


def _label() -> str:
    name = flow_run.flow_name or "pipeline"
    return f"{name}/{deployment.name}" if deployment.name else name


def _try_step(name: str, logger: Any, fn: Callable[[], StepResult]) -> StepResult:
    started = time.perf_counter()
    try:
        return replace(fn(), seconds=time.perf_counter() - started)
    except Exception as exc:
        logger.error("step %s failed: %s", name, exc)
        return StepResult(
            name,
            "failed",
            f"{name} failed: {type(exc).__name__}: {exc}"[:2000],
            seconds=time.perf_counter() - started,
        )


def _timed_load(load: LoadFn, spent: list[float]) -> LoadFn:
    """`load`, adding the seconds of each call to spent[0]: the writer's time in the load step."""

    def timed(prepared: list[Prepared], warehouse: str, run_key: int | None) -> list[FileResult]:
        started = time.perf_counter()
        try:
            return load(prepared, warehouse, run_key)
        finally:
            spent[0] += time.perf_counter() - started

    return timed


# ------------------------------------------------------------------------------------------ the flow


@flow(name="pipeline", log_prints=True)
def pipeline(
    paths: list[str] | None = None,
    inbox_dir: str | None = None,
    warehouse: str | None = None,
    manifest: str | None = None,
    overrides: dict[str, Any] | None = None,
    crosswalk: str | None = None,
    publish_to: str | None = None,
    retry_quarantined: bool | None = None,
    post_ingest: bool = True,
    move_files: bool | None = None,
    writer_wait_seconds: float = 3600.0,
    batch_size: int | None = None,
    workers: int | None = None,
    dask_address: str | None = None,
    force: bool = False,
) -> RunResult | State[RunResult]:
    """Archive, parse and load report files, then link, check, report and publish.

    paths: report files or folders (a one-off ingestion or a backfill). warehouse, batch_size,
    workers: None for the settings' (schemas/settings.py, read from the environment). inbox_dir: an inbox folder
    instead; its sources.yaml/manifest.yaml (or `manifest`) may name files elsewhere and URLs.
    overrides: county/plan_year/as_of/period_type over the manifest. crosswalk: reviewed link
    decisions (default schemas/crosswalk.yaml). publish_to: the analysts' read-only copy (default
    `<warehouse folder>/published/<warehouse file>`). retry_quarantined: parse files quarantined by
    an earlier run again (default: yes for paths, no for an inbox). post_ingest: link, check and
    report (publishing happens either way). move_files: move the inbox's own files, once handled,
    into done/YYYY-MM-DD/ or rejected/YYYY-MM-DD/ (default: yes for an inbox). batch_size, workers,
    dask_address: parsing in batches, on local Dask processes or a Dask cluster; loading always
    stays in this run (the single writer). force: a file of an earlier, superseded version of a
    report becomes current again instead of being refused (docs/reliability.md, "Report versions").
    """
    logger = get_run_logger()
    started = time.monotonic()
    label = _label()
    warehouse = warehouse or str(settings().warehouse)
    overrides = overrides or {}
    overrides_entry(overrides)  # impossible metadata fails the run before anything is read
    run_id = str(flow_run.id) if flow_run.id else None
    target = publish_to or str(published_path(warehouse))

    # 1. sources
    files: list[FileResult] = []
    if inbox_dir:
        sources, missing = discover(inbox_dir, manifest)
        files += [FileResult(m.location, m.outcome, message=m.message) for m in missing]
        top = inbox_manifest(Path(inbox_dir), manifest)
        lookup = manifests_for(
            [Path(s.location) for s in sources if s.kind == "file"], str(top) if top else None
        )
    else:
        found = expand_paths(paths or [])
        sources = [Source("file", str(p)) for p in found]
        lookup = manifests_for(found, manifest)
    retry = (not inbox_dir) if retry_quarantined is None else retry_quarantined
    move = bool(inbox_dir) if move_files is None else move_files
    logger.info("%s: %d candidate report(s)%s", label, len(sources), f" in {inbox_dir}" if inbox_dir else "")

    steps: list[StepResult] = []
    published: Published | None = None
    report_path: str | None = None
    with writer_slot(writer_wait_seconds, logger, run_id):
        run_key = record_start(warehouse, label, run_id)
        # 2. archive; 3. + 4. parse batches on the task runner, load each in order here
        items, done = archive_sources(sources, warehouse, lookup, retry, overrides, run_id)
        files += done
        load = partial(load_or_quarantine, force=True) if force else load_or_quarantine
        load_seconds = [0.0]
        files += parse_and_load(
            items,
            warehouse,
            run_key,
            overrides,
            batch_size,
            workers,
            dask_address,
            load=_timed_load(load, load_seconds),
        )
        counts = RunCounts.of(files)
        loaded = StepResult(
            "load",
            "done" if items else "skipped",
            f"{counts.reports_loaded} report(s), {counts.tasks_loaded} task rows",
            {"reports": counts.reports_loaded, "rows": counts.tasks_loaded},
            seconds=load_seconds[0],
        )
        logger.info(
            "%s: %d loaded (%d tasks), %d skipped, %d rejected or failed",
            label,
            counts.reports_loaded,
            counts.tasks_loaded,
            counts.reports_skipped,
            counts.reports_failed,
        )
        fault_point("after-load")

        pending = find_pending(warehouse)
        gx: dict[str, Any] = {
            "findings": [],
            "evaluated": 0,
            "failed": 0,
            "suites": 0,
            "docs_path": None,
            "skipped": True,
        }
        if post_ingest:
            # 5. link
            if pending["link"]:
                steps.append(_try_step("link", logger, lambda: link_step(warehouse, crosswalk, run_key)))
                if steps[-1].outcome == "done":
                    mark_done(warehouse, "link", pending["link"], run_key)
            else:
                steps.append(StepResult("link", "skipped", "no new report"))
            # 6. check
            if pending["check"]:
                check_started = time.perf_counter()
                try:
                    checked, gx = check_step(warehouse, pending["check"], run_key)
                    mark_done(warehouse, "check", pending["check"], run_key)
                except Exception as exc:
                    logger.error("step check failed: %s", exc)
                    checked = StepResult(
                        "check", "failed", f"check failed: {type(exc).__name__}: {exc}"[:2000]
                    )
                steps.append(replace(checked, seconds=time.perf_counter() - check_started))
            else:
                steps.append(
                    StepResult("check", "skipped", "not run: every report was checked by an earlier run")
                )

        # 7. report: the run log, the quality report and the artifacts
        fault_point("before-finish")
        outcome = run_outcome(files, steps)
        message = "; ".join(f.message for f in files if f.outcome in (*FAILED, "missing"))[:2000] or None
        record_finish(warehouse, run_key, outcome, round(time.monotonic() - started, 3), message, counts)
        if post_ingest:

            def report_step() -> StepResult:
                nonlocal report_path
                report_path = render(warehouse, run_key, gx)
                mark_done(warehouse, "report", pending["report"], run_key)
                return StepResult("report", "done", f"quality report {report_path}")

            steps.append(_try_step("report", logger, report_step))

        # 8. publish
        if outcome == "failed":
            steps.append(StepResult("publish", "skipped", "not published: the run failed"))
        elif (
            pending["publish"] or counts.reports_loaded or counts.reports_failed or not Path(target).exists()
        ):
            publish_started = time.perf_counter()
            try:
                published = publish_task(warehouse, target)
                mark_done(warehouse, "publish", pending["publish"], run_key)
                steps.append(StepResult("publish", "done", f"{published.path} ({published.reports} reports)"))
            except Exception as exc:
                logger.error("step publish failed: %s", exc)
                steps.append(StepResult("publish", "failed", f"publishing {target} failed: {exc}"[:2000]))
            steps[-1] = replace(steps[-1], seconds=time.perf_counter() - publish_started)
        else:
            steps.append(StepResult("publish", "skipped", f"{target} is up to date"))
        final = run_outcome(files, steps)
        if final != outcome:
            outcome = final
            failed_steps = "; ".join(s.message for s in steps if s.outcome == "failed")
            record_finish(
                warehouse,
                run_key,
                outcome,
                round(time.monotonic() - started, 3),
                "; ".join(x for x in (message, failed_steps) if x)[:2000],
                counts,
            )

    if move and inbox_dir:
        _move_handled(inbox_dir, sources, files, lookup, logger)
    result = RunResult(run_key, outcome, files, steps, published, counts, report_path, loaded)
    _artifact(label, result, inbox_dir)
    rejected = [f for f in files if f.outcome in FAILED]
    rejected_files(rejected, return_state=True)  # a failed task run in Prefect when files were rejected
    if outcome == "failed":
        raise RunFailed(f"{label} failed: {message}", result)
    if outcome == "partial":
        return Completed(
            name="Partial",
            message=f"{len(rejected)} file(s) rejected; {counts.reports_loaded} loaded",
            data=result,
        )
    return result


def _move_handled(
    inbox_dir: str, sources: list[Source], files: list[FileResult], lookup: list[Manifest], logger: Any
) -> None:
    """Files of the inbox folder itself leave it once handled (a superseded version refused goes to
    rejected/); files a manifest names stay (their entry would point nowhere otherwise)."""

    def named(location: str) -> bool:
        keys = [Path(location).name, location, str(Path(location).resolve())]
        return any(m.find(keys) is not None for m in lookup)

    own = {s.location for s in sources if s.kind == "file" and s.entry is None and not named(s.location)}
    for f in files:
        if f.file not in own or f.outcome not in (*LOADED, *SKIPPED, "rejected"):
            continue
        try:
            moved = move_handled(inbox_dir, f.file, accepted=f.outcome not in ("rejected", "refused"))
        except OSError as exc:
            logger.warning("could not move %s out of the inbox: %s", f.file, exc)
            continue
        if moved:
            logger.info("moved %s to %s", f.file, moved)


def _artifact(label: str, result: RunResult, inbox_dir: str | None) -> None:
    c = result.counts
    md = [
        f"## luoshi {label}: {result.outcome}",
        "",
        f"{'inbox `' + inbox_dir + '` → ' if inbox_dir else ''}etl_run {result.run_key}, "
        f"{c.reports_loaded} loaded, {c.reports_skipped} skipped, {c.reports_failed} failed, {c.tasks_loaded} tasks",
        "",
    ]
    md.append(
        f"published: `{result.published.path}` ({result.published.reports} reports)"
        if result.published
        else "published: no"
    )
    rejected = [f for f in result.files if f.outcome in FAILED]
    if rejected:
        md += ["", f"### Rejected ({len(rejected)})", ""] + [
            f"- {Path(f.file).name}: {f.message[:300]}" for f in rejected
        ]
    md += ["", summary_markdown(result.files, result.steps)]
    create_markdown_artifact(
        markdown="\n".join(md),
        key=ARTIFACT_KEY if inbox_dir else "luoshi-ingest-summary",
        description="What the run loaded, skipped and rejected, and the steps after the load",
    )
