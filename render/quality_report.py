"""The run's quality report from the warehouse: read the rows (report_*.sql), render, write the file.

Read-only on the warehouse and free of Prefect, so `luoshi report` starts quickly.
"""

from __future__ import annotations

import heapq
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from render.quality_html import render_report, report_summary, severity_order
from schemas.quality import quality_config
from warehouse.db import connect_for_run, fetch_dicts, sql


def data_dir(warehouse: str | Path) -> Path:
    """Everything generated lives beside the warehouse file (data/ by default)."""
    return Path(warehouse).resolve().parent


def report_path(warehouse: str | Path, run_key: int) -> Path:
    return Path(warehouse).parent / "reports" / f"quality-run-{run_key}.html"


def latest_run(con: duckdb.DuckDBPyConnection) -> int | None:
    row = con.execute(sql("report_latest_run")).fetchone()
    return row[0] if row else None


def reviewer_run(con: duckdb.DuckDBPyConnection) -> int | None:
    """The run `luoshi report` shows by default: the newest that loaded a report, else the newest."""
    row = con.execute(sql("report_latest_loading_run")).fetchone()
    return row[0] if row else latest_run(con)


def report_data(
    con: duckdb.DuckDBPyConnection, run_key: int, gx: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Everything the HTML report shows, read from the warehouse (read-only)."""
    cfg = quality_config().get("report") or {}
    run_rows = fetch_dicts(con, sql("report_run"), {"run_key": run_key})
    if not run_rows:
        raise LookupError(f"no run {run_key} in the warehouse (etl_run)")
    params = {"run_key": run_key, "all_reports": False}
    reports = fetch_dicts(con, sql("report_reports"), params)
    all_reports = not reports
    if all_reports:
        params["all_reports"] = True
        reports = fetch_dicts(con, sql("report_reports"), params)
    limit = {"limit": int(cfg.get("history_runs", 30))}
    status = fetch_dicts(con, sql("report_status"), params)
    findings, summaries, detailed = _stream_findings(con, params, reports, status, cfg)
    return {
        "generated_at": datetime.now(),
        "run": run_rows[0],
        "all_reports": all_reports,
        "reports": reports,
        "findings": findings,
        "summaries": summaries,
        "detailed": detailed,
        "status": status,
        "status_labels": dict(con.execute("SELECT status_code, label_zh FROM dim_status").fetchall()),
        "quarantine": fetch_dicts(
            con, sql("report_quarantine"), {"run_key": run_key, "all_reports": all_reports}
        ),
        "history": fetch_dicts(con, sql("report_history"), limit),
        "rule_history": fetch_dicts(con, sql("report_rule_history"), limit),
        "config": cfg,
        "gx": gx or {},
    }


def _stream_findings(
    con: duckdb.DuckDBPyConnection,
    params: dict[str, Any],
    reports: list[dict[str, Any]],
    status: list[dict[str, Any]],
    cfg: dict[str, Any],
) -> tuple[list[dict[str, Any]], dict[int, dict[str, Any]], set[int]]:
    """The run's findings, read a chunk at a time in report order: every report's summary is
    computed as its findings pass, and the findings themselves are kept only for the
    `report.reports_detailed` most serious reports (and the run-level ones). A run of 10,000
    reports records about 700,000 findings; holding them all took the quality step to 2 GB.
    Returns (kept findings, summaries by report key, keys of the reports whose findings were kept)."""
    cap = int(cfg.get("reports_detailed", 200))
    by_key = {r["report_key"]: r for r in reports}
    status_of: dict[int, list[dict[str, Any]]] = {}
    for st in status:
        status_of.setdefault(st["report_key"], []).append(st)
    summaries: dict[int, dict[str, Any]] = {}
    # a heap of (negated severity, -key, key, findings): the least serious kept report on top
    worst: list[tuple[tuple[int, ...], int, int, list[dict[str, Any]]]] = []
    run_level: list[dict[str, Any]] = []

    def close(key: int | None, fs: list[dict[str, Any]]) -> None:
        if key is None or key not in by_key:
            run_level.extend(fs)
            return
        summary = report_summary(by_key[key], fs, status_of.get(key, []), cfg)
        summaries[key] = summary
        # heapq is a min-heap: negate so that the least serious kept report is on top, to be evicted
        order = tuple(-x for x in severity_order(summary))
        entry = (order, -key, key, fs)
        if len(worst) < cap:
            heapq.heappush(worst, entry)
        elif entry[:2] > worst[0][:2]:
            heapq.heapreplace(worst, entry)

    cur = con.execute(sql("report_findings"), params)
    cols = [d[0] for d in cur.description]
    current: int | None = None
    pending: list[dict[str, Any]] = []
    started = False
    while rows := cur.fetchmany(10_000):
        for row in rows:
            f = dict(zip(cols, row, strict=True))
            k = f["report_key"] if f["report_key"] in by_key else None
            if started and k != current:
                close(current, pending)
                pending = []
            current, started = k, True
            pending.append(f)
    if started:
        close(current, pending)
    for k in by_key:  # reports without findings
        if k not in summaries:
            close(k, [])
    kept = [f for entry in sorted(worst, key=lambda e: e[2]) for f in entry[3]]
    return kept + run_level, summaries, {entry[2] for entry in worst}


def write_report(
    warehouse: str | Path,
    run_key: int | None = None,
    out: str | Path | None = None,
    gx: dict[str, Any] | None = None,
) -> tuple[Path, dict[str, Any]]:
    """Render the report of a run (default: the newest that loaded a report) from the warehouse and
    write it. Read-only."""
    con = connect_for_run(warehouse, read_only=True)
    try:
        run_key = run_key if run_key is not None else reviewer_run(con)
        if run_key is None:
            raise LookupError(f"{warehouse}: no run recorded yet; run `luoshi ingest` first")
        gx_docs = data_dir(warehouse) / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
        gx_info = gx if gx is not None else ({"docs_path": str(gx_docs)} if gx_docs.exists() else {})
        data = report_data(con, run_key, gx_info)
    finally:
        con.close()
    path = Path(out) if out else report_path(warehouse, run_key)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(render_report(data), encoding="utf-8")
    tmp.replace(path)
    return path, data
