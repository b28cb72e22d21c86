"""The one writer: loads parsed reports into the warehouse, a batch in one transaction.

There is one load path, `load_reports` (a single report or a retry is a batch of one). Validate,
then publish: the batch's rows are written with set-based SQL (warehouse/sql/batch_*.sql), the
error-level warehouse checks run inside the same transaction, and any violation rolls the batch
back; its files are then retried one per transaction, so a bad report is rejected alone.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from schemas import models
from schemas.vocabulary import check_lists
from transforms.grid import Finding
from transforms.layout import seq_label
from transforms.linking import TaskRef, match_within_year, record_text
from transforms.metadata import period_type_for, split_periods
from transforms.metrics import METRIC_COLUMNS
from transforms.normalize import TaskRecord, unit_type
from warehouse.db import WAREHOUSE_DIR, run_sql, transaction
from warehouse.faults import fault_point

CHECKS_DIR = WAREHOUSE_DIR / "checks"


@dataclass
class ReportLoad:
    """Everything the loader needs for one report."""

    county: str
    plan_year: int
    as_of: date
    period_type: str
    sha256: str
    file_name: str
    records: list[TaskRecord]
    findings: list[Finding]
    province: str | None = None
    prefecture: str | None = None
    title: str | None = None
    source_uri: str | None = None
    raw_path: str | None = None
    format: str | None = None
    parser_version: str | None = None
    metadata_source: str | None = None


@dataclass
class LoadResult:
    outcome: str  # loaded | new_version | reinstated | skipped | refused (an earlier version) | rejected
    report_key: int | None
    tasks: int = 0
    message: str = ""
    violations: list[dict[str, Any]] = field(default_factory=list)


class LoadRejected(RuntimeError):
    """An error-level warehouse check failed; the report's load was rolled back."""

    def __init__(self, message: str, violations: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.violations = violations


TASK_COLS = [
    "table_no",
    "seq",
    "sub_seq",
    "table_title",
    "part",
    "section",
    "project",
    "task_text",
    "target_text",
    "deadline",
    "status",
    "status_evidence",
    "status_confidence",
    "status_raw",
    "progress_label",
    "progress_text",
    "progress_json",
    "issues",
    "note",
    "expected_progress",
    "on_schedule",
    "line_start",
    "line_end",
    "deadline_text",
    "deadline_date",
    "deadline_basis",
    "reported_pct",
    "pct_gap",
]
UNIT_COLS = [
    "table_no",
    "seq",
    "sub_seq",
    "unit_name",
    "unit_type",
    "role",
    "position",
    "line_start",
    "line_end",
]
LEADER_COLS = ["table_no", "seq", "sub_seq", "leader_name", "is_role", "position", "line_start", "line_end"]
METRIC_COLS = ["table_no", "seq", "sub_seq", "line_start", "line_end", *METRIC_COLUMNS]
DQ_COLS = [
    "table_no",
    "seq",
    "line_start",
    "line_end",
    "stage",
    "rule",
    "severity",
    "message",
    "mapping_file",
]


def _dq_rows(findings: list[Finding]) -> list[dict[str, Any]]:
    return [
        {
            "table_no": f.table_no,
            "seq": f.seq,
            "line_start": f.line_start,
            "line_end": f.line_end,
            "stage": f.rule.split(".", 1)[0],
            "rule": f.rule,
            "severity": f.severity,
            "message": f.message,
            "mapping_file": f.mapping_file,
        }
        for f in findings
    ]


def _staged_rows(load: ReportLoad) -> dict[str, list[dict[str, Any]]]:
    """The staging rows of one report (pure): tasks, units, leaders, metrics, findings."""
    tasks, units, leaders, metrics = [], [], [], []
    for r in load.records:
        progress_text = "\n".join(
            f"{p['label']}: {p['text']}" if len(r.progress) > 1 else p["text"]
            for p in r.progress
            if p["text"]
        )
        tasks.append(
            {
                "table_no": r.table_no,
                "seq": r.seq,
                "sub_seq": r.sub_seq,
                "table_title": r.table_title,
                "part": r.part,
                "section": r.section,
                "project": r.project,
                "task_text": r.task_text,
                "target_text": r.target_text,
                "deadline": r.deadline,
                "status": r.status,
                "status_evidence": r.status_evidence,
                "status_confidence": r.status_confidence,
                "status_raw": r.status_raw,
                "progress_label": r.progress[-1]["label"] if r.progress else None,
                "progress_text": progress_text or None,
                "progress_json": json.dumps(r.progress, ensure_ascii=False),
                "issues": r.issues,
                "note": r.note,
                "expected_progress": r.expected_progress,
                "on_schedule": r.on_schedule,
                "line_start": r.line_start,
                "line_end": r.line_end,
                "deadline_text": r.deadline_text,
                "deadline_date": r.deadline_date,
                "deadline_basis": r.deadline_basis,
                "reported_pct": r.reported_pct,
                "pct_gap": r.pct_gap,
            }
        )
        for role, names in (("lead", r.lead_units), ("responsible", r.units), ("co", r.co_units)):
            for pos, name in enumerate(names, start=1):
                units.append(
                    {
                        "table_no": r.table_no,
                        "seq": r.seq,
                        "sub_seq": r.sub_seq,
                        "unit_name": name,
                        "unit_type": unit_type(name),
                        "role": role,
                        "position": pos,
                        "line_start": r.line_start,
                        "line_end": r.line_end,
                    }
                )
        for pos, name in enumerate(r.leaders, start=1):
            leaders.append(
                {
                    "table_no": r.table_no,
                    "seq": r.seq,
                    "sub_seq": r.sub_seq,
                    "leader_name": name,
                    "is_role": len(name) > 4,
                    "position": pos,
                    "line_start": r.line_start,
                    "line_end": r.line_end,
                }
            )
        for m in r.metrics:
            metrics.append(
                {
                    "table_no": r.table_no,
                    "seq": r.seq,
                    "sub_seq": r.sub_seq,
                    "line_start": r.line_start,
                    "line_end": r.line_end,
                    **m,
                }
            )
    return {
        "st_tasks": tasks,
        "st_units": units,
        "st_leaders": leaders,
        "st_metrics": metrics,
        "st_dq": _dq_rows(load.findings),
    }


def _frames(rows: dict[str, list[dict[str, Any]]], extra: tuple[str, ...] = ()) -> dict[str, pd.DataFrame]:
    """Staging rows → typed frames (extra columns, e.g. the batch ordinal, come first)."""
    x = list(extra)
    frames = {
        "st_tasks": pd.DataFrame(rows["st_tasks"], columns=x + TASK_COLS),
        "st_units": pd.DataFrame(rows["st_units"], columns=x + UNIT_COLS),
        "st_leaders": pd.DataFrame(rows["st_leaders"], columns=x + LEADER_COLS),
        "st_metrics": pd.DataFrame(rows["st_metrics"], columns=x + METRIC_COLS),
        "st_dq": pd.DataFrame(rows["st_dq"], columns=x + DQ_COLS),
    }
    frames["st_metrics"] = frames["st_metrics"].astype(
        {
            c: "float64"
            for c in (
                "target_value",
                "target_base_value",
                "actual_value",
                "actual_base_value",
                "achievement_ratio",
            )
        }
    )
    # a metric row without a rank (built by hand, or before ranks) is its target's only result
    frames["st_metrics"]["result_rank"] = frames["st_metrics"]["result_rank"].fillna(1).astype("int64")
    frames["st_tasks"] = frames["st_tasks"].astype(
        {"deadline_date": "datetime64[ns]", "reported_pct": "float64", "pct_gap": "float64"}
    )
    frames["st_dq"] = frames["st_dq"].astype(
        {"table_no": "Int64", "line_start": "Int64", "line_end": "Int64", "seq": "string"}
    )
    return frames


def _validate_load_frames(frames: dict[str, pd.DataFrame]) -> list[tuple[int | None, Finding]]:
    """pandera on the frames about to be loaded; bad unit/leader rows are dropped and reported as
    (batch ordinal of the row's report, finding)."""
    findings: list[tuple[int | None, Finding]] = []
    for name, model in (("st_units", models.UnitRow), ("st_leaders", models.LeaderRow)):
        df = frames[name]
        if df.empty:
            continue
        try:
            model.validate(df, lazy=True)
        except Exception as err:  # pandera SchemaErrors
            cases = getattr(err, "failure_cases", None)
            if cases is None:
                raise
            bad = {int(i) for i in cases["index"].dropna()}
            for case in cases.to_dict("records"):
                idx = case.get("index")
                row = df.iloc[int(idx)] if idx is not None and not pd.isna(idx) else None
                owner = int(row["ord"]) if row is not None and "ord" in df.columns else None
                findings.append(
                    (
                        owner,
                        Finding(
                            f"load.{model.__name__}.{case.get('column')}",
                            "warning",
                            f"{case.get('column')} failed {case.get('check')}: {case.get('failure_case')!r}; not loaded",
                            int(row["line_start"]) if row is not None else None,
                            int(row["line_end"]) if row is not None else None,
                            seq=seq_label(int(row["seq"]), int(row["sub_seq"])) if row is not None else None,
                            table_no=int(row["table_no"]) if row is not None else None,
                            mapping_file="schemas/mappings/units.yaml"
                            if name == "st_units"
                            else "schemas/mappings/leaders.yaml",
                        ),
                    )
                )
            frames[name] = df.drop(index=sorted(bad)).reset_index(drop=True)
    return findings


def check_files() -> list[Path]:
    return sorted(CHECKS_DIR.glob("*.sql"))


def check_params(text: str, reports: list[int] | None = None) -> dict[str, Any]:
    """Bound parameters of a check: `$reports` limits it to the rows of those reports (None: all);
    `$status_codes`, `$confidences`, `$roles`, `$unit_types` are the lists of schemas/vocabulary.yaml."""
    params: dict[str, Any] = {k: v for k, v in check_lists().items() if f"${k}" in text}
    return params | {"reports": reports} if "$reports" in text else params


def run_checks(
    con: duckdb.DuckDBPyConnection, severity: str = "error", reports: list[int] | None = None
) -> list[dict[str, Any]]:
    """Run the warehouse invariants (warehouse/checks/*.sql, each must return zero rows).

    `reports`: the reports a load just wrote. Checks that take `$reports` then look only at what
    those reports' rows can break (the rest of the warehouse passed them when it was loaded),
    which keeps a batch's checks from growing with the warehouse; None checks everything."""
    violations: list[dict[str, Any]] = []
    for path in check_files():
        text = path.read_text(encoding="utf-8")
        m = re.search(r"--\s*severity:\s*(\w+)", text)
        sev = m.group(1) if m else "error"
        if sev != severity:
            continue
        params = check_params(text, reports)
        cur = con.execute(text, params) if params else con.execute(text)
        rows = cur.fetchmany(5)
        if rows:
            violations.append({"check": path.stem, "severity": sev, "examples": [list(r) for r in rows]})
        fault_point("checks")
    return violations


@dataclass
class _Part:
    """One report a load writes. A file with several dated progress columns (1-10月推进情况,
    1-11月推进情况) is one report per column (transforms.metadata.split_periods); any other file is
    one report. `column` names the progress column when there are several, else None."""

    load: ReportLoad
    column: str | None
    primary: bool

    @property
    def identity(self) -> tuple[str, int, date, str]:
        return (self.load.county, self.load.plan_year, self.load.as_of, self.load.period_type)


def _parts(load: ReportLoad) -> list[_Part]:
    """The reports one file becomes (pure). Only the primary (latest) column keeps the file's
    findings and period type; an earlier column is dated at its month's end."""
    periods = split_periods(load.records, load.as_of, load.plan_year)
    parts = []
    for p in periods:
        if p.primary:
            sub = replace(load, as_of=p.as_of, records=p.records)
        else:
            sub = replace(
                load, as_of=p.as_of, records=p.records, period_type=period_type_for(p.as_of), findings=[]
            )
        parts.append(_Part(sub, p.label if len(periods) > 1 else None, p.primary))
    return parts


REPORT_COLS = [
    "ord",
    "report_key",
    "county",
    "province",
    "prefecture",
    "plan_year",
    "as_of",
    "period_type",
    "title",
    "source_uri",
    "file_name",
    "sha256",
    "raw_path",
    "format",
    "parser_version",
    "metadata_source",
    "task_count",
    "progress_column",
    "version",
    "supersedes",
]


def batch_frames(
    parts: list[_Part], report_keys: list[int], versions: list[int], supersedes: list[int | None]
) -> dict[str, pd.DataFrame]:
    """Staging frames for a batch of reports (pure): every row carries `ord` (its report's position
    in the batch) and `pos` (its position within its report's staging rows); st_reports holds the
    reports themselves with the keys the loader gave them."""
    rows: dict[str, list[dict[str, Any]]] = {
        k: [] for k in ("st_tasks", "st_units", "st_leaders", "st_metrics", "st_dq")
    }
    reports = []
    for ord_, (part, key, version, old) in enumerate(
        zip(parts, report_keys, versions, supersedes, strict=True)
    ):
        load = part.load
        for name, lst in _staged_rows(load).items():
            rows[name].extend({"ord": ord_, "pos": pos, **r} for pos, r in enumerate(lst))
        reports.append(
            {
                "ord": ord_,
                "report_key": key,
                "county": load.county,
                "province": load.province,
                "prefecture": load.prefecture,
                "plan_year": load.plan_year,
                "as_of": load.as_of,
                "period_type": load.period_type,
                "title": load.title,
                "source_uri": load.source_uri,
                "file_name": load.file_name,
                "sha256": load.sha256,
                "raw_path": load.raw_path,
                "format": load.format,
                "parser_version": load.parser_version,
                "metadata_source": load.metadata_source,
                "task_count": len(load.records),
                "progress_column": part.column,
                "version": version,
                "supersedes": old,
            }
        )
    frames = _frames(rows, extra=("ord", "pos"))
    frames["st_reports"] = pd.DataFrame(reports, columns=REPORT_COLS).astype(
        {
            "ord": "int64",
            "report_key": "int64",
            "plan_year": "int64",
            "task_count": "int64",
            "version": "int64",
            "supersedes": "Int64",
        }
    )
    for name in ("st_tasks", "st_units", "st_leaders", "st_metrics", "st_dq"):
        frames[name] = frames[name].astype({"ord": "int64", "pos": "int64"})
    return frames


def known_shas(con: duckdb.DuckDBPyConnection, shas: list[str]) -> dict[str, int]:
    """sha256 → report_key for those of the given contents that a current report version holds (one
    query). The file of an earlier, superseded version is not among them: the loader refuses it."""
    if not shas:
        return {}
    rows = con.execute(
        "SELECT sha256, report_key FROM dim_report WHERE is_current AND sha256 IN (SELECT unnest($shas))",
        {"shas": list(shas)},
    ).fetchall()
    return {sha: key for sha, key in rows}


@dataclass
class _Known:
    """The current version of a report already in the warehouse."""

    report_key: int
    progress_column: str | None
    file_name: str | None
    version: int
    last_version: int


def _known_reports(
    con: duckdb.DuckDBPyConnection, counties: list[str]
) -> dict[tuple[str, int, date, str], _Known]:
    """The current versions of the reports already in the warehouse for these counties, by identity."""
    rows = run_sql(con, "batch_known_identities", {"counties": sorted(set(counties))})
    return {(c, py, d, pt): _Known(*rest) for c, py, d, pt, *rest in rows}


def load_reports(
    con: duckdb.DuckDBPyConnection, loads: list[ReportLoad], run_key: int | None = None, force: bool = False
) -> list[LoadResult | LoadRejected]:
    """Load reports; one result (or the LoadRejected of that report) per load, in the same order.
    One report (or a retry) is a batch of one.

    Each file is loaded entirely or not at all. The files are staged together and written with
    set-based SQL in ONE transaction; the error-level checks run once for the batch, and the batch
    commits. Rows of a plan year that already has tasks (in the warehouse or from an earlier
    report of the batch) are matched to them by text, report by report in batch order
    (transforms.linking.match_within_year). If anything in that transaction fails, it is rolled
    back and every file of the batch is loaded again as a batch of one, so a bad file is rejected
    alone and the good ones still load. Contents already ingested are skipped. A file whose
    content or report identity repeats one earlier in the batch starts a new batch, so that it is
    decided against what the earlier one wrote: the same content is skipped, a changed file for a
    known report is a new version of it (the earlier version's facts stay; the new one is current).

    Report versions: a file whose content is an earlier, superseded version of its report is
    refused (outcome `refused`, finding `report.old_version_refused` on that version), unless
    `force`, which makes that version current again (outcome `reinstated`, finding
    `report.version_reinstated`). See docs/reliability.md "Report versions".
    """
    results: list[LoadResult | LoadRejected | None] = [None] * len(loads)
    seen_sha = known_shas(con, [ld.sha256 for ld in loads])
    earlier = _superseded(con, [ld.sha256 for ld in loads if ld.sha256 not in seen_sha])
    pending: list[int] = []
    pending_ids: set[tuple[str, int, date, str]] = set()
    pending_shas: set[str] = set()

    def flush() -> None:
        """Load the files gathered so far, so that the order of `loads` is kept."""
        batch = list(pending)
        pending.clear()
        pending_ids.clear()
        pending_shas.clear()
        if len(batch) > 1:
            try:
                for i, res in zip(batch, _load_batch(con, [loads[i] for i in batch], run_key), strict=True):
                    results[i] = res
                return
            except (LoadRejected, duckdb.Error):
                pass  # find the culprit: each file as a batch of one, below
        for i in batch:
            try:
                results[i] = _load_batch(con, [loads[i]], run_key)[0]
            except LoadRejected as exc:
                results[i] = exc

    for i, ld in enumerate(loads):
        ids = {p.identity for p in _parts(ld)}
        if ld.sha256 in pending_shas or ids & pending_ids:
            flush()  # then decide this file against what the batch wrote
            seen_sha.pop(ld.sha256, None)
            earlier.pop(ld.sha256, None)
            seen_sha.update(known_shas(con, [ld.sha256]))
            earlier.update(_superseded(con, [ld.sha256]))
        if ld.sha256 in seen_sha:
            key = seen_sha[ld.sha256]
            results[i] = LoadResult("skipped", key, message=f"already ingested as report {key}")
            continue
        if ld.sha256 in earlier:
            flush()
            try:
                results[i] = _earlier_version(con, ld, earlier.pop(ld.sha256), run_key, force)
            except LoadRejected as exc:
                results[i] = exc
            continue
        pending.append(i)
        pending_ids.update(ids)
        pending_shas.add(ld.sha256)
    flush()
    return [r for r in results if r is not None]


def _match_task_keys(
    con: duckdb.DuckDBPyConnection, known: list[TaskRef], load: ReportLoad
) -> tuple[list[int], list[bool], list[Finding]]:
    """Which of the plan year's known tasks each row of the report is (match_within_year); rows
    that are new tasks get new keys from seq_task. (key per row, row is a new task, findings)."""
    rows = [(r.table_no, r.seq, record_text(r.task_text, r.project), r.sub_seq) for r in load.records]
    matches, findings = match_within_year(known, rows)
    new_rows = [m.index for m in matches if m.task_key is None]
    new_keys = [
        row[0] for row in con.execute("SELECT nextval('seq_task') FROM range(?)", [len(new_rows)]).fetchall()
    ]
    keys = [m.task_key for m in matches]
    for i, k in zip(new_rows, new_keys, strict=True):
        keys[i] = k
    return keys, [m.task_key is None for m in matches], findings  # type: ignore[return-value]


def _assign_task_keys(
    con: duckdb.DuckDBPyConnection, parts: list[_Part], frames: dict[str, pd.DataFrame]
) -> None:
    """Which task every staged row is (inside the batch transaction, after st_map exists): report by
    report in batch order, each report's rows are matched to the tasks its plan year has so far,
    those in the warehouse and those the batch's earlier reports added. Adds `task_key` and
    `is_new` to st_tasks and the matching findings to st_dq."""
    year_of = {
        o: (ck, py) for o, ck, py in con.execute("SELECT ord, county_key, plan_year FROM st_map").fetchall()
    }
    known: dict[tuple[int, int], list[TaskRef]] = {}
    for ck, py, key, table_no, seq, sub_seq, text, project in run_sql(con, "batch_year_tasks"):
        known.setdefault((ck, py), []).append(
            TaskRef(key, table_no, seq, record_text(text, project), sub_seq=sub_seq)
        )
    st = frames["st_tasks"]
    task_keys: list[int | None] = [None] * len(st)
    is_new: list[bool] = [False] * len(st)
    positions: dict[int, list[int]] = {}
    for pos, o in enumerate(st["ord"].tolist()):
        positions.setdefault(o, []).append(pos)
    dq_more: list[dict[str, Any]] = []
    for o, part in enumerate(parts):
        load = part.load
        refs = known.setdefault(year_of[o], [])
        keys, new, findings = _match_task_keys(con, refs, load)
        # the plan year's new tasks are known to the batch's later reports, in batch_year_tasks order
        refs += [
            TaskRef(k, r.table_no, r.seq, record_text(r.task_text, r.project), sub_seq=r.sub_seq)
            for k, r, n in zip(keys, load.records, new, strict=True)
            if n
        ]
        refs.sort(key=lambda t: (t.table_no, t.seq, t.sub_seq, t.task_key))
        # st_tasks holds a report's rows in the order of its records (see _staged_rows)
        for pos, key, n in zip(positions.get(o, []), keys, new, strict=True):
            task_keys[pos] = key
            is_new[pos] = n
        dq_more.extend({"ord": o, "pos": 2_000_000 + len(dq_more), **r} for r in _dq_rows(findings))
    st["task_key"] = pd.array(task_keys, dtype="Int64")
    st["is_new"] = pd.array(is_new, dtype="bool")
    if dq_more:
        frames["st_dq"] = pd.concat([frames["st_dq"], _dq_frame(dq_more)], ignore_index=True)


def _dq_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Extra st_dq rows (each with its `ord` and `pos`) as a typed frame."""
    empty: dict[str, list[dict[str, Any]]] = {
        k: [] for k in ("st_tasks", "st_units", "st_leaders", "st_metrics")
    }
    return _frames({**empty, "st_dq": rows}, ("ord", "pos"))["st_dq"].astype({"ord": "int64", "pos": "int64"})


def _plan_parts(
    con: duckdb.DuckDBPyConnection, loads: list[ReportLoad]
) -> tuple[list[_Part], list[int], list[int], list[int | None], list[list[int]]]:
    """The reports the batch writes, in order: (parts, report key of each, its version, the current
    version it supersedes or None, the parts of each load). An earlier column of a multi-column file
    is left out when its period already has a report published on its own (never superseded by a
    column)."""
    known = _known_reports(con, [ld.county for ld in loads])
    parts: list[_Part] = []
    versions: list[int] = []
    supersedes: list[int | None] = []
    of_load: list[list[int]] = []
    for load in loads:
        mine = []
        for part in _parts(load):
            prior = known.get(part.identity)
            if prior and not part.primary and prior.progress_column is None:
                continue
            if prior:
                county, year, as_of, period = part.identity
                note = Finding(
                    "report.new_version",
                    "info",
                    f"version {prior.last_version + 1} of the {period} report of {county} for plan year {year} as of "
                    f"{as_of}: the file differs from version {prior.version} (report {prior.report_key}, "
                    f"{prior.file_name}), which is kept with its facts but is no longer current",
                )
                part = replace(part, load=replace(part.load, findings=[*part.load.findings, note]))
            mine.append(len(parts))
            parts.append(part)
            versions.append(prior.last_version + 1 if prior else 1)
            supersedes.append(prior.report_key if prior else None)
        of_load.append(mine)
    keys = [
        row[0] for row in con.execute("SELECT nextval('seq_report') FROM range(?)", [len(parts)]).fetchall()
    ]
    return parts, keys, versions, supersedes, of_load


def _superseded(
    con: duckdb.DuckDBPyConnection, shas: list[str]
) -> dict[str, list[tuple[int, int, int, int]]]:
    """sha256 → (report_key, version, current report_key, current version) of the superseded
    versions read from that content (several for a file with several dated progress columns)."""
    out: dict[str, list[tuple[int, int, int, int]]] = {}
    if shas:
        for sha, key, version, current_key, current_version in run_sql(
            con, "superseded_versions", {"shas": list(shas)}
        ):
            out.setdefault(sha, []).append((key, version, current_key, current_version))
    return out


def _earlier_version(
    con: duckdb.DuckDBPyConnection,
    load: ReportLoad,
    versions: list[tuple[int, int, int, int]],
    run_key: int | None,
    force: bool,
) -> LoadResult:
    """A file whose content is a superseded version of its report: refused with a finding on that
    version, or with `force` made current again (one transaction, checks included)."""
    now = datetime.now()
    key, version, current_key, current_version = versions[-1]
    what = f"{load.file_name} is version {version} (report {key}) of a report whose current version is {current_version} (report {current_key})"
    with transaction(con):
        for k, v, ck, cv in versions:
            if force:
                run_sql(con, "reinstate_version", {"report_key": k})
                rule, severity = "report.version_reinstated", "warning"
                message = f"version {v} was made current again by a forced load of {load.file_name}; version {cv} (report {ck}) is kept but no longer current"
            else:
                rule, severity = "report.old_version_refused", "warning"
                message = f"{load.file_name} arrived again after version {cv} (report {ck}) superseded this version {v}; refused (load it with force to make it current again)"
            run_sql(
                con,
                "record_version_finding",
                {
                    "report_key": k,
                    "run_key": run_key,
                    "source_file": load.file_name,
                    "rule": rule,
                    "severity": severity,
                    "message": message,
                    "created_at": now,
                },
            )
        keys = [k for k, *_ in versions]
        if force:
            run_sql(con, "refresh_task_current", {"reports": keys})
            fault_point("mid-load")
            violations = run_checks(con, "error", keys)
            if violations:
                raise LoadRejected(
                    f"{load.file_name}: error-level warehouse checks failed ({', '.join(v['check'] for v in violations)}); "
                    "the earlier version was not made current",
                    violations,
                )
    if force:
        return LoadResult(
            "reinstated", key, tasks=len(load.records), message=f"{what}: made current again (forced)"
        )
    return LoadResult("refused", key, message=f"{what}: refused; load it with force to make it current again")


def _load_batch(
    con: duckdb.DuckDBPyConnection, loads: list[ReportLoad], run_key: int | None
) -> list[LoadResult]:
    """One transaction for the whole batch (see load_reports); one result per load, in order."""
    now = datetime.now()
    frames: dict[str, pd.DataFrame] = {}
    try:
        with transaction(con):
            parts, keys, versions, supersedes, of_load = _plan_parts(con, loads)
            frames = batch_frames(parts, keys, versions, supersedes)
            extra = _validate_load_frames(frames)
            if extra:
                more: list[dict[str, Any]] = []
                for owner, f in extra:
                    more.extend({"ord": owner, "pos": 1_000_000 + len(more), **r} for r in _dq_rows([f]))
                frames["st_dq"] = pd.concat([frames["st_dq"], _dq_frame(more)], ignore_index=True)
            for name, df in frames.items():
                con.register(name, df)
            run_sql(con, "batch_upsert_counties")
            run_sql(con, "batch_insert_reports", {"ingested_at": now})
            _assign_task_keys(con, parts, frames)
            for name in ("st_tasks", "st_dq"):
                con.unregister(name)
                con.register(name, frames[name])
            run_sql(con, "batch_insert_sections")
            run_sql(con, "batch_insert_tasks")
            run_sql(con, "batch_insert_facts", {"run_key": run_key, "created_at": now})
            run_sql(con, "refresh_task_current", {"reports": sorted(keys)})
            fault_point("mid-load")
            if len(loads) > 1:
                fault_point("mid-batch")
            violations = run_checks(con, "error", sorted(keys))
            if violations:
                what = loads[0].file_name if len(loads) == 1 else f"a batch of {len(loads)} reports"
                raise LoadRejected(
                    f"{what}: error-level warehouse checks failed ({', '.join(v['check'] for v in violations)}); "
                    + ("the report was not loaded" if len(loads) == 1 else "the batch was not loaded"),
                    violations,
                )
    finally:
        for name in frames:
            try:
                con.unregister(name)
            except duckdb.Error:
                pass
    results = []
    for mine in of_load:
        done = [
            LoadResult(
                "new_version" if supersedes[j] is not None else "loaded",
                keys[j],
                tasks=len(parts[j].load.records),
                message=_label(parts[j]),
            )
            for j in mine
        ]
        main = done[-1]
        main.message = (
            "also loaded " + ", ".join(f"the {r.message} as report {r.report_key}" for r in done[:-1])
            if len(done) > 1
            else ""
        )
        results.append(main)
    return results


def _label(part: _Part) -> str:
    return f"{part.column} column ({part.load.as_of})" if part.column else str(part.load.as_of)


def start_run(con: duckdb.DuckDBPyConnection, flow_name: str, flow_run_id: str | None) -> int:
    return run_sql(
        con, "start_run", {"flow_name": flow_name, "flow_run_id": flow_run_id, "started_at": datetime.now()}
    )[0][0]


def finish_run(con: duckdb.DuckDBPyConnection, run_key: int, **counts: Any) -> None:
    run_sql(con, "finish_run", {"run_key": run_key, "finished_at": datetime.now(), **counts})


def record_quarantine(
    con: duckdb.DuckDBPyConnection,
    run_key: int | None,
    source_file: str,
    sha256: str,
    raw_path: str | None,
    reason: str,
) -> None:
    run_sql(
        con,
        "insert_quarantine",
        {
            "run_key": run_key,
            "source_file": source_file,
            "sha256": sha256,
            "raw_path": raw_path,
            "reason": reason,
            "created_at": datetime.now(),
        },
    )


RUN_FINDING_COLUMNS = [
    "report_key",
    "table_no",
    "seq",
    "line_start",
    "line_end",
    "stage",
    "rule",
    "severity",
    "message",
    "mapping_file",
]


def record_run_findings(con: duckdb.DuckDBPyConnection, run_key: int, findings: list[dict[str, Any]]) -> int:
    """Store the findings of a run's quality step (checks, GX) in dq_issue, replacing earlier ones of the run."""
    df = pd.DataFrame(findings, columns=RUN_FINDING_COLUMNS).astype(
        {
            "report_key": "Int64",
            "table_no": "Int64",
            "line_start": "Int64",
            "line_end": "Int64",
            "seq": "string",
        }
    )
    try:
        with transaction(con):
            con.register("st_run_dq", df)
            run_sql(con, "replace_run_findings", {"run_key": run_key, "created_at": datetime.now()})
            fault_point("quality")
    finally:
        try:
            con.unregister("st_run_dq")
        except duckdb.Error:
            pass
    return len(df)
