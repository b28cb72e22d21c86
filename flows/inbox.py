"""Prefect flow `inbox`: the unattended run behind the `yearly` and `monthly` deployments.

One run: find the reports waiting in an inbox folder, in its manifest (entries with `file:` or
`url:`), download the URLs, skip content already ingested (sha256), parse the new ones in batches
(on a Dask cluster if asked) and load them batch by batch, oldest as-of date first, run the post-ingest steps (task linking, quality), record the outcome in `etl_run` and as
a Prefect artifact, and publish a read-only copy of the warehouse for analysts.

Writing happens inside the global concurrency limit `luoshi-warehouse-writer` (one slot), so two
deployments never write the warehouse at the same time; DuckDB's own lock is the second line of
defence (writers wait and retry). A bad file is quarantined with its reason; the others still load.
"""

from __future__ import annotations

import importlib
import inspect
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.concurrency.sync import concurrency
from prefect.runtime import deployment, flow_run

from flows.ingest import (
    LOADED,
    Batch,
    Prepared,
    _io_failure,
    archive_file,
    known_as_of,
    load_batch,
    load_prepared,
    parse_and_load,
    summary_markdown,
)
from flows.publish import publish_warehouse, published_path
from sources import (
    MANIFEST_NAMES,
    ArchivedFile,
    Manifest,
    ManifestEntry,
    archive_bytes,
    find_manifest_entry,
    inbox_files,
    link_out_of,
    load_manifest,
    manifests_for,
)
from warehouse.db import WarehouseBusy, connect, is_lock_error, run_sql
from warehouse.loader import finish_run, start_run

WRITER_LIMIT = "luoshi-warehouse-writer"
ARTIFACT_KEY = "luoshi-inbox"
MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024
USER_AGENT = "luoshi-inbox/0.1"

# Steps run after the loads, in order, when a run loaded something: (name, module, flow attribute).
# A step whose module is not installed is reported as skipped. Each is called with the keyword
# arguments its signature accepts among: warehouse, run_key, reports (report keys loaded this run).
POST_INGEST_STEPS: list[tuple[str, str, str]] = [
    ("link", "flows.link", "link_tasks"),
    ("quality", "flows.quality", "quality"),
]
_EXTRA_STEPS: dict[str, Callable[..., Any]] = {}


def register_post_ingest_step(name: str, fn: Callable[..., Any] | None) -> None:
    """Add (or with None remove) a post-ingest step by name; it runs after the built-in ones."""
    if fn is None:
        _EXTRA_STEPS.pop(name, None)
    else:
        _EXTRA_STEPS[name] = fn


def post_ingest_steps() -> list[tuple[str, Callable[..., Any] | None]]:
    """The post-ingest steps in order; a step that cannot be imported comes back as None."""
    steps: list[tuple[str, Callable[..., Any] | None]] = []
    for name, module, attr in POST_INGEST_STEPS:
        try:
            fn = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError):
            fn = None
        steps.append((name, fn))
    steps += list(_EXTRA_STEPS.items())
    return steps


@dataclass(frozen=True)
class Source:
    """One report to consider: a local file or a URL, with its manifest entry if it has one."""

    kind: str  # file | url
    location: str
    entry: ManifestEntry | None = None


class InboxError(RuntimeError):
    """The inbox or its manifest cannot be read; nothing was ingested."""


def inbox_manifest(inbox_dir: Path, manifest: str | None) -> Path | None:
    if manifest:
        path = Path(manifest)
        if not path.is_file():
            raise InboxError(f"{path}: no such manifest")
        return path
    for name in MANIFEST_NAMES:
        if (inbox_dir / name).is_file():
            return inbox_dir / name
    return None


def discover(inbox_dir: str, manifest: str | None = None) -> tuple[list[Source], list[dict[str, Any]]]:
    """Reports in the inbox folder, files named in its manifest, and URLs listed there.

    Returns the sources (each once) and results for manifest entries that name a missing file.
    """
    folder = Path(inbox_dir)
    if not folder.is_dir():
        raise InboxError(f"{folder}: the inbox folder does not exist")
    mpath = inbox_manifest(folder, manifest)
    parsed = load_manifest(mpath, explicit=True) if mpath else None
    sources: list[Source] = []
    # a manifest that cannot be read, and entries that name no report: failed here; an entry that
    # names a report but cannot be used blocks that report when it is prepared (sources/manifest.py)
    missing: list[dict[str, Any]] = [
        {"file": str(mpath), "outcome": "failed", "tasks": 0, "message": problem} for problem in (parsed.problems() if parsed else [])
    ]
    seen: set[str] = set()
    for e in parsed.entries if parsed else []:
        if e.url:
            scheme = e.url.split(":", 1)[0].lower()
            if e.error:
                missing.append({"file": e.url, "outcome": "failed", "tasks": 0, "message": e.error})
                continue
            if scheme not in ("http", "https"):
                missing.append({"file": e.url, "outcome": "failed", "tasks": 0,
                                "message": f"{mpath}: {e.url}: only http(s) URLs are fetched"})
                continue
            if e.url not in seen:
                seen.add(e.url)
                sources.append(Source("url", e.url, e))
        elif e.file:
            p = Path(e.file)
            p = p if p.is_absolute() else mpath.parent / p  # type: ignore[union-attr]
            if link_out_of(p, folder):
                missing.append({"file": str(p), "outcome": "rejected", "tasks": 0,
                                "message": f"{p}: listed in {mpath}, a symbolic link that leads out of the inbox {folder}; not read"})
                seen.add(str(p.resolve()))
                continue
            if not p.is_file():
                missing.append({"file": str(p), "outcome": "failed" if e.error else "missing", "tasks": 0,
                                "message": e.error or f"{mpath}: lists {e.file} but there is no such file"})
                continue
            key = str(p.resolve())
            if key not in seen:
                seen.add(key)
                sources.append(Source("file", str(p), e))
    files, refused = inbox_files(folder)
    for p, reason in refused:
        key = str(p.resolve())
        if key not in seen:
            seen.add(key)
            missing.append({"file": str(p), "outcome": "rejected", "tasks": 0, "message": reason})
    for p in files:
        key = str(p.resolve())
        if key not in seen:
            seen.add(key)
            sources.append(Source("file", str(p)))
    return sources, missing


def _fetch_failure(task: Any, task_run: Any, state: Any) -> bool:
    """Retry a download on network trouble and 5xx/408/429 answers, never on 4xx."""
    try:
        state.result()
    except urllib.error.HTTPError as exc:
        return exc.code >= 500 or exc.code in (408, 429)
    except Exception:
        return _io_failure(task, task_run, state)
    return False


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
def known_content(warehouse: str) -> tuple[set[str], dict[str, str]]:
    """sha256 of every report already ingested, and of every quarantined file with its reason."""
    if not Path(warehouse).exists():
        return set(), {}
    con = connect(warehouse)
    try:
        loaded = {r[0] for r in run_sql(con, "inbox_loaded_sha")}
        quarantined = {r[0]: r[1] for r in run_sql(con, "inbox_quarantined_sha")}
    finally:
        con.close()
    return loaded, quarantined


def is_io_error(exc: BaseException) -> bool:
    """An I/O failure (worth trying again next run), as opposed to a bad file."""
    if isinstance(exc, WarehouseBusy | urllib.error.URLError | TimeoutError):
        return True
    if isinstance(exc, duckdb.IOException):
        return is_lock_error(exc)
    return isinstance(exc, OSError) and not isinstance(exc, FileNotFoundError)


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
            client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=WRITER_LIMIT, limit=limit))
        except Exception:  # created by a concurrent run in between
            client.read_global_concurrency_limit_by_name(WRITER_LIMIT)


def run_step(name: str, fn: Callable[..., Any], available: dict[str, Any]) -> dict[str, Any]:
    """Call one post-ingest step with the keyword arguments it accepts."""
    target = getattr(fn, "fn", fn)
    params = inspect.signature(target).parameters
    kwargs = {k: v for k, v in available.items() if k in params}
    started = time.monotonic()
    fn(**kwargs)
    return {"file": f"[{name}]", "outcome": "done", "tasks": 0, "message": f"{name} finished in {time.monotonic() - started:.1f} s"}


@task(name="publish", retries=2, retry_delay_seconds=2, retry_condition_fn=_io_failure)
def publish_task(warehouse: str, target: str) -> dict[str, Any]:
    p = publish_warehouse(warehouse, target)
    return {"path": p.path, "size": p.size, "seconds": p.seconds, "reports": p.reports}


def run_outcome(results: list[dict[str, Any]]) -> tuple[str, dict[str, int]]:
    reports = [r for r in results if not r["file"].startswith("[")]
    counts = {
        "files_seen": sum(r["outcome"] != "missing" for r in reports),
        "reports_loaded": sum(r["outcome"] in LOADED for r in reports),
        "reports_skipped": sum(r["outcome"] in ("skipped", "refused") for r in reports),
        "reports_failed": sum(r["outcome"] in ("rejected", "failed") for r in reports),
        "tasks_loaded": sum(r.get("tasks", 0) for r in reports if r["outcome"] in LOADED),
    }
    steps_failed = any(r["outcome"] == "failed" for r in results if r["file"].startswith("["))
    if counts["reports_failed"] and not counts["reports_loaded"] and not counts["reports_skipped"]:
        outcome = "failed"
    elif counts["reports_failed"] or steps_failed:
        outcome = "partial"
    elif counts["reports_loaded"]:
        outcome = "success"
    else:
        outcome = "noop"
    return outcome, counts


def collect_sources(sources: list[Source], warehouse: str, lookup: list[Manifest],
                    retry_quarantined: bool, results: list[dict[str, Any]]) -> list[tuple[ArchivedFile, ManifestEntry | None]]:
    """Fetch and archive every source, skip content already ingested or quarantined; the rest come
    back with their manifest entries, oldest as-of date first where the manifest tells it (within
    a parse batch, by the date parsed). Skips and failures go to `results`."""
    raw_dir = str(Path(warehouse).parent / "raw")
    loaded_sha, quarantined = known_content(warehouse)
    items: list[tuple[ArchivedFile, ManifestEntry | None]] = []
    seen_in_run: dict[str, str] = {}
    for s in sources:
        try:
            archived = fetch_url(s.location, raw_dir) if s.kind == "url" else archive_file(s.location, raw_dir)
        except Exception as exc:
            results.append({"file": s.location, "outcome": "failed", "tasks": 0, "message": f"{s.location}: cannot fetch: {exc}"})
            continue
        if archived.sha256 in loaded_sha:
            results.append({"file": s.location, "outcome": "skipped", "tasks": 0, "message": "same content already ingested"})
            continue
        if archived.sha256 in seen_in_run:
            results.append({"file": s.location, "outcome": "skipped", "tasks": 0, "message": f"same content as {seen_in_run[archived.sha256]}"})
            continue
        seen_in_run[archived.sha256] = s.location
        if archived.sha256 in quarantined and not retry_quarantined:
            results.append({"file": s.location, "outcome": "skipped", "tasks": 0,
                            "message": f"quarantined earlier ({quarantined[archived.sha256][:120]}); run with retry_quarantined=true after fixing"})
            continue
        items.append((archived, s.entry or find_manifest_entry(archived, lookup)))
    items.sort(key=lambda it: (known_as_of(it[1], {}), it[0].file_name))
    return items


def load_or_quarantine(prepared: list[Prepared], warehouse: str, run_key: int | None, force: bool = False) -> list[dict[str, Any]]:
    """Load a parsed batch (the single writer). When the warehouse cannot be written (I/O, lock,
    after the task's retries) the batch's files are reported failed and tried again next run;
    any other failure falls back to one report at a time, so only the report that fails is
    quarantined."""
    def io_failed(p: Prepared, exc: BaseException) -> dict[str, Any]:
        return {"file": p.archived.source, "outcome": "failed", "tasks": 0,
                "message": f"{p.archived.file_name}: I/O failure, will be tried again next run: {exc}"}

    try:
        return load_batch(Batch(prepared), warehouse, run_key, force)
    except Exception as exc:
        if is_io_error(exc):
            return [io_failed(p, exc) for p in prepared]
    out: list[dict[str, Any]] = []
    for p in sorted(prepared, key=lambda p: (p.meta.as_of or date.max, p.archived.file_name)):
        try:
            res = load_prepared(p, warehouse, run_key, force)
        except Exception as exc:
            if is_io_error(exc):
                res = io_failed(p, exc)
            else:
                bad = Prepared(archived=p.archived, meta=p.meta, metadata_source=p.metadata_source,
                               error=f"{p.archived.file_name}: could not be loaded: {type(exc).__name__}: {exc}")
                try:
                    res = load_prepared(bad, warehouse, run_key)
                except Exception as exc2:
                    res = {"file": p.archived.source, "outcome": "failed", "tasks": 0, "message": f"{bad.error}; not quarantined: {exc2}"}
        out.append(res)
    return out


@task(name="start-run", retries=3, retry_delay_seconds=5, retry_condition_fn=_io_failure)
def record_start(warehouse: str, label: str, flow_run_id: str | None) -> int:
    con = connect(warehouse)
    try:
        return start_run(con, label, flow_run_id)
    finally:
        con.close()


@task(name="finish-run", retries=3, retry_delay_seconds=5, retry_condition_fn=_io_failure)
def record_finish(warehouse: str, run_key: int, outcome: str, seconds: float, message: str | None, counts: dict[str, int]) -> None:
    con = connect(warehouse)
    try:
        finish_run(con, run_key, outcome=outcome, seconds=seconds, message=message, **counts)
    finally:
        con.close()


@flow(name="inbox", log_prints=True)
def inbox(
    inbox_dir: str = "data/inbox",
    warehouse: str = "data/warehouse.duckdb",
    manifest: str | None = None,
    publish_to: str | None = None,
    retry_quarantined: bool = False,
    post_ingest: bool = True,
    writer_wait_seconds: float = 3600.0,
    batch_size: int = 100,
    workers: int = 1,
    dask_address: str | None = None,
    force: bool = False,
) -> dict[str, Any]:
    """Ingest what is new in an inbox (folder, manifest files, manifest URLs), then link, check and publish.

    inbox_dir: folder watched for reports; its sources.yaml/manifest.yaml (or `manifest`) may name
    files elsewhere and URLs to download. publish_to: the analysts' read-only copy (default
    `<warehouse folder>/published/<warehouse file>`). retry_quarantined: try files quarantined by an
    earlier run again (after a mapping was fixed). post_ingest: run linking and quality after loads.
    batch_size, workers, dask_address: reports are parsed and loaded in batches of `batch_size`;
    parsing runs on `workers` local Dask processes or on the Dask cluster at `dask_address`
    (loading always stays in this run: the single writer). force: a file of an earlier version of a
    report becomes current again instead of being refused (docs/reliability.md "Report versions").
    """
    logger = get_run_logger()
    started = time.monotonic()
    label = f"inbox/{deployment.name}" if deployment.name else "inbox"
    target = publish_to or str(published_path(warehouse))

    sources, results = discover(inbox_dir, manifest)
    logger.info("%s: %d candidate reports in %s", label, len(sources), inbox_dir)
    # the inbox's manifest first, then a sources.yaml beside files in sub-folders
    top = inbox_manifest(Path(inbox_dir), manifest)
    lookup = manifests_for([Path(s.location) for s in sources if s.kind == "file"], str(top) if top else None)

    # the whole run holds the one writer slot: reading what is known, loading, recording, publishing
    ensure_writer_limit()
    with concurrency(WRITER_LIMIT, occupy=1, timeout_seconds=writer_wait_seconds):
        items = collect_sources(sources, warehouse, lookup, retry_quarantined, results)
        run_key = record_start(warehouse, label, str(flow_run.id) if flow_run.id else None)
        loaded = parse_and_load(items, warehouse, run_key, {}, batch_size, workers, dask_address, load=partial(load_or_quarantine, force=force))
        report_keys = [r["report_key"] for r in loaded if r.get("report_key") is not None and r["outcome"] in LOADED]
        results += loaded

        if post_ingest and report_keys:
            available = {"warehouse": warehouse, "run_key": run_key, "reports": report_keys}
            for name, fn in post_ingest_steps():
                if fn is None:
                    results.append({"file": f"[{name}]", "outcome": "skipped", "tasks": 0, "message": f"{name}: not installed"})
                    continue
                try:
                    results.append(run_step(name, fn, available))
                except Exception as exc:
                    logger.error("post-ingest step %s failed: %s", name, exc)
                    results.append({"file": f"[{name}]", "outcome": "failed", "tasks": 0, "message": f"{name} failed: {exc}"})

        outcome, counts = run_outcome(results)
        message = "; ".join(r["message"] for r in results if r["outcome"] in ("rejected", "failed", "missing"))[:2000] or None
        record_finish(warehouse, run_key, outcome, round(time.monotonic() - started, 3), message, counts)

        published: dict[str, Any] | None = None
        if outcome != "failed":
            try:
                published = publish_task(warehouse, target)
            except Exception as exc:
                outcome = "failed"
                message = f"publishing {target} failed: {exc}"
                record_finish(warehouse, run_key, outcome, round(time.monotonic() - started, 3), message, counts)

    md = [f"## luoshi {label}: {outcome}", "",
          f"inbox `{inbox_dir}` → warehouse `{warehouse}`, etl_run {run_key}, "
          f"{counts['reports_loaded']} loaded, {counts['reports_skipped']} skipped, {counts['reports_failed']} failed, "
          f"{counts['tasks_loaded']} tasks", ""]
    md.append(f"published: `{published['path']}` ({published['reports']} reports)" if published else "published: no (the run failed)")
    md += ["", summary_markdown(results)]
    create_markdown_artifact(markdown="\n".join(md), key=ARTIFACT_KEY, description="What the inbox run loaded, skipped and quarantined")
    summary = {"run_key": run_key, "outcome": outcome, "results": results, "published": published, **counts}
    if outcome == "failed":
        raise RuntimeError(f"{label} failed: {message}")
    return summary
