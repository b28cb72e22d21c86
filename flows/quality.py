"""Prefect flow `quality`: after an ingestion, check the warehouse and write the run's quality report.

1. warehouse invariants (warehouse/checks/*.sql, each must return zero rows) over the whole warehouse;
2. Great Expectations suites (schemas/gx/) over warehouse tables as pandas frames, Data Docs in data/gx/;
3. their findings go to dq_issue (through the loader, the one writer) for this run;
4. one self-contained HTML report (render/quality_html.py) in data/reports/, and the same summary
   as a Prefect markdown artifact.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path
from typing import Any

import duckdb
from prefect import flow, task
from prefect.artifacts import create_markdown_artifact

from render.quality_html import render_markdown
from render.quality_report import data_dir, latest_run, quality_config, write_report
from schemas.settings import settings
from schemas.vocabulary import fill_value_sets
from warehouse.db import connect_for_run, count_of, fetch_dicts, sql
from warehouse.faults import fault_point
from warehouse.loader import check_files, check_params, record_run_findings

ROOT = Path(__file__).resolve().parent.parent
GX_SOURCE = ROOT / "schemas" / "gx"
ARTIFACT_KEY = "luoshi-quality-report"
HEADER = re.compile(r"^--\s*(severity|mapping_file):\s*(\S+)", re.M)
FINDING_KEYS = ("report_key", "table_no", "seq", "line_start", "line_end")


# ------------------------------------------------------------------------------------ warehouse checks


def check_findings(con: duckdb.DuckDBPyConnection, max_rows: int = 200) -> list[dict[str, Any]]:
    """Run every warehouse check; one finding per violating row (up to max_rows per check)."""
    out: list[dict[str, Any]] = []
    for path in check_files():
        fault_point("quality-checks")
        text = path.read_text(encoding="utf-8")
        head = dict(HEADER.findall(text))
        params = check_params(text)  # the whole warehouse
        cur = con.execute(text, params) if params else con.execute(text)
        cols = [d[0] for d in cur.description]
        rows = [dict(zip(cols, r, strict=True)) for r in cur.fetchmany(max_rows)]
        for row in rows:
            detail = ", ".join(f"{k}={v}" for k, v in row.items() if k != "message")
            out.append(
                {
                    **{k: row.get(k) for k in FINDING_KEYS},
                    "seq": None if row.get("seq") is None else str(row["seq"]),
                    "stage": "check",
                    "rule": f"check.{path.stem}",
                    "severity": head.get("severity", "error"),
                    "message": str(row.get("message") or f"{path.name} returned a row: {detail}"),
                    "mapping_file": head.get("mapping_file"),
                }
            )
    return out


# ------------------------------------------------------------------------------------ Great Expectations


def suite_names() -> list[str]:
    return sorted(p.stem for p in (GX_SOURCE / "expectations").glob("*.json"))


def prepare_gx_project(target: Path) -> Path:
    """Copy the committed GX config and suites into data/gx (validations and Data Docs stay there),
    the suites' value sets filled from the vocabulary."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(GX_SOURCE / "great_expectations.yml", target / "great_expectations.yml")
    (target / "expectations").mkdir(exist_ok=True)
    for p in (GX_SOURCE / "expectations").glob("*.json"):
        # value sets named "$status_codes" … are filled from schemas/vocabulary.yaml
        suite = fill_value_sets(json.loads(p.read_text(encoding="utf-8")))
        (target / "expectations" / p.name).write_text(
            json.dumps(suite, ensure_ascii=False, indent=2), encoding="utf-8"
        )
    return target


# dimensions validated only for the run's reports (warehouse/sql/gx_*.sql)
GX_SCOPED = {"dim_report": "gx_dim_report", "dim_task": "gx_dim_task"}


def gx_frames(con: duckdb.DuckDBPyConnection, report_keys: list[int]) -> dict[str, Any]:
    """Each suite's table as a pandas frame: facts, reports and tasks only of the run's (sampled)
    reports, so the frames do not grow with the warehouse; the other dimensions whole."""
    frames = {}
    for name in suite_names():
        # name is a committed suite file name, checked against the catalog: not user input
        exists = count_of(con, "SELECT count(*) FROM duckdb_tables() WHERE table_name = $t", {"t": name})
        if not exists:
            continue
        cols = [r[0] for r in con.execute(f"DESCRIBE {name}").fetchall()]
        if name in GX_SCOPED:
            frames[name] = con.execute(sql(GX_SCOPED[name]), {"reports": report_keys}).df()
        elif "report_key" in cols:
            frames[name] = con.execute(
                f"SELECT * FROM {name} WHERE report_key IN (SELECT unnest($k))", {"k": report_keys}
            ).df()
        else:
            frames[name] = con.execute(f"SELECT * FROM {name}").df()
    return frames


def run_gx(frames: dict[str, Any], gx_root: Path, severities: dict[str, str], default: str) -> dict[str, Any]:
    """One checkpoint per suite on its frame, then Data Docs once. Returns findings and counts."""
    import os

    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    started = time.perf_counter()
    prepare_gx_project(gx_root)
    ctx = gx.get_context(mode="file", context_root_dir=str(gx_root))
    ds = ctx.data_sources.add_or_update_pandas("warehouse")
    run_seconds = 0.0
    findings: list[dict[str, Any]] = []
    evaluated = failed = 0
    result_ids: list[Any] = []
    for name, df in frames.items():
        try:
            asset = ds.get_asset(name)
        except LookupError:
            asset = ds.add_dataframe_asset(name)
        try:
            batch_def = asset.get_batch_definition("whole_table")
        except KeyError:
            batch_def = asset.add_batch_definition_whole_dataframe("whole_table")
        suite = ctx.suites.get(name)
        vd = ctx.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=name, data=batch_def, suite=suite)
        )
        cp = ctx.checkpoints.add_or_update(gx.Checkpoint(name=name, validation_definitions=[vd], actions=[]))
        t0 = time.perf_counter()
        result = cp.run(batch_parameters={"dataframe": df})
        run_seconds += time.perf_counter() - t0
        result_ids += list(result.run_results)
        for vr in result.run_results.values():
            for r in vr.results:
                evaluated += 1
                if r.success:
                    continue
                failed += 1
                cfg = r.expectation_config  # GX fills it for every result of a suite run
                kw = cfg.kwargs if cfg else {}
                kind = cfg.type if cfg else "expectation"
                col = kw.get("column") or "+".join(kw.get("column_list") or [])
                rule = f"gx.{name}.{kind}.{col}" if col else f"gx.{name}.{kind}"
                res = r.result or {}
                examples = ", ".join(str(v) for v in (res.get("partial_unexpected_list") or [])[:5])
                findings.append(
                    {
                        "report_key": None,
                        "table_no": None,
                        "seq": None,
                        "line_start": None,
                        "line_end": None,
                        "stage": "gx",
                        "rule": rule,
                        "severity": severities.get(rule, default),
                        "message": f"{name}: {kind} on {col or 'table'} failed: {res.get('unexpected_count', '?')} of "
                        f"{res.get('element_count', len(df))} rows unexpected"
                        + (f" (e.g. {examples})" if examples else "")
                        + (f"; mostly={kw['mostly']}" if kw.get("mostly") else ""),
                        "mapping_file": None,
                    }
                )
    checked = time.perf_counter()
    # render only this run's validation results (older pages stay), then the index
    ctx.build_data_docs(resource_identifiers=result_ids)
    timings = {
        "setup_and_checkpoints_seconds": round(checked - started, 3),
        "per_checkpoint_run_seconds": round(run_seconds / max(len(frames), 1), 3),
        "data_docs_seconds": round(time.perf_counter() - checked, 3),
    }
    docs = gx_root / "uncommitted" / "data_docs" / "local_site" / "index.html"
    return {
        "findings": findings,
        "evaluated": evaluated,
        "failed": failed,
        "suites": len(frames),
        "docs_path": str(docs),
        **timings,
    }


def run_report_keys(warehouse: str, run_key: int) -> list[int]:
    """The reports a run loaded, read from dim_report (their load times fall inside the run)."""
    con = connect_for_run(warehouse, read_only=True)
    try:
        return [
            r["report_key"]
            for r in fetch_dicts(con, sql("report_reports"), {"run_key": run_key, "all_reports": False})
        ]
    finally:
        con.close()


@task(name="warehouse-checks")
def run_warehouse_checks(warehouse: str) -> list[dict[str, Any]]:
    con = connect_for_run(warehouse, read_only=True)
    try:
        return check_findings(con, int((quality_config().get("checks") or {}).get("max_rows_recorded", 200)))
    finally:
        con.close()


@task(name="great-expectations")
def run_expectations(warehouse: str, reports: list[int]) -> dict[str, Any]:
    """The GX suites over the given reports' facts (and the dimension tables)."""
    keys = list(reports)
    con = connect_for_run(warehouse, read_only=True)
    try:
        cfg = quality_config().get("gx") or {}
        cap = int(cfg.get("max_reports", 500))
        sampled = sorted(keys)[-cap:] if len(keys) > cap else keys
        frames = gx_frames(con, sampled)
    finally:
        con.close()
    note = []
    if len(sampled) < len(keys):
        note = [
            {
                "report_key": None,
                "table_no": None,
                "seq": None,
                "line_start": None,
                "line_end": None,
                "stage": "gx",
                "rule": "gx.sampled",
                "severity": "info",
                "message": f"Great Expectations validated the facts of the latest {len(sampled)} of the run's {len(keys)} reports "
                "(gx.max_reports in schemas/quality.yaml); the warehouse checks covered all of them",
                "mapping_file": "schemas/quality.yaml",
            }
        ]
    try:
        out = run_gx(
            frames,
            data_dir(warehouse) / "gx",
            cfg.get("severities") or {},
            cfg.get("default_severity", "warning"),
        )
        out["findings"] = note + out["findings"]
        return out
    except (
        Exception
    ) as exc:  # GX itself failed: the data is loaded, say so in the report rather than fail the run
        finding = {
            "report_key": None,
            "table_no": None,
            "seq": None,
            "line_start": None,
            "line_end": None,
            "stage": "gx",
            "rule": "gx.run_failed",
            "severity": "error",
            "message": f"Great Expectations could not run: {exc}"[:2000],
            "mapping_file": None,
        }
        return {"findings": [finding], "evaluated": 0, "failed": 0, "suites": 0, "docs_path": None}


@task(name="record-findings")
def record_findings(warehouse: str, run_key: int, findings: list[dict[str, Any]]) -> int:
    con = connect_for_run(warehouse)
    try:
        return record_run_findings(con, run_key, findings)
    finally:
        con.close()


@task(name="render-report")
def render(warehouse: str, run_key: int, gx: dict[str, Any]) -> str:
    path, data = write_report(warehouse, run_key, gx={k: v for k, v in gx.items() if k != "findings"})
    create_markdown_artifact(
        markdown=render_markdown(data, str(path)),
        key=ARTIFACT_KEY,
        description="Data quality of the run: per report counts, repairs, quarantined rows, unknown mappings, rejected files",
    )
    return str(path)


@flow(name="quality", log_prints=True)
def quality(
    warehouse: str | None = None, run_key: int | None = None, reports: list[int] | None = None
) -> dict[str, Any]:
    """Checks and expectations over the given reports (default: those the run loaded), their findings
    recorded, the run's HTML report written. With no report to check, nothing is re-run and the
    report says so. warehouse: None for the settings' (schemas/settings.py)."""
    warehouse = warehouse or str(settings().warehouse)
    if run_key is None:
        con = connect_for_run(warehouse, read_only=True)
        try:
            run_key = latest_run(con)
        finally:
            con.close()
        if run_key is None:
            raise LookupError(f"{warehouse}: no run recorded yet; run `luoshi ingest` first")
    keys = run_report_keys(warehouse, run_key) if reports is None else list(reports)
    if keys:
        checks = run_warehouse_checks(warehouse)
        gx = run_expectations(warehouse, keys)
        recorded = record_findings(warehouse, run_key, checks + gx["findings"])
    else:  # nothing was loaded, so the warehouse is as the last checks left it: nothing to re-check or record
        checks, recorded = [], 0
        gx = {"findings": [], "evaluated": 0, "failed": 0, "suites": 0, "docs_path": None, "skipped": True}
    gx = {
        **gx,
        "checks_run": len(check_files()) if keys else 0,
        "check_failures": len(checks),
        "reports_checked": len(keys),
    }
    path = render(warehouse, run_key, gx)
    print(f"quality report: {path}")
    return {
        "run_key": run_key,
        "report_path": path,
        "findings": recorded,
        "checks_run": gx["checks_run"],
        "check_failures": len(checks),
        "reports_checked": len(keys),
        "gx_failed": gx["failed"],
        "gx_evaluated": gx["evaluated"],
        "data_docs": gx["docs_path"],
        "gx_seconds": {k: v for k, v in gx.items() if k.endswith("seconds")},
    }
