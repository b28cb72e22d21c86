"""read → layout → normalize → validate for one report, as a pure function of its bytes."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd
import pandera.errors as pa_errors
import pandera.pandas as pa

from schemas import models
from schemas.quality import quality_config
from transforms import PARSER_VERSION
from transforms.grid import Finding, Grid
from transforms.layout import Layout, RawTaskRow, build_rows, seq_label
from transforms.normalize import TaskRecord, normalize_row
from transforms.readers import ReadError, read_candidates, reader_limits
from transforms.status import annotate_record


class RejectedReport(ValueError):
    """The file is not a task table we can load; nothing from it is loaded."""


@dataclass
class ParsedReport:
    format: str
    records: list[TaskRecord]
    findings: list[Finding]
    text: str
    tables: list[dict] = field(default_factory=list)
    parser_version: str = PARSER_VERSION


def _row_severity(rule: str) -> str:
    cfg = quality_config()
    return (cfg.get("row_rules") or {}).get(rule, cfg.get("default_row_severity", "error"))


def validate_rows(
    df: pd.DataFrame, model: type[pa.DataFrameModel], stage: str, keys: list[tuple[int, str | None]]
) -> tuple[set[int], list[Finding]]:
    """Validate a frame lazily; return the positions of rows to quarantine and a finding per failure."""
    bad, cases = _validate_cases(df, model, stage, keys)
    return bad, [f for _, f in cases]


def _validate_cases(
    df: pd.DataFrame, model: type[pa.DataFrameModel], stage: str, keys: list[tuple[int, str | None]]
) -> tuple[set[int], list[tuple[int | None, Finding]]]:
    """pandera on a frame (one report's rows or a whole batch's): bad row positions and, in pandera's
    order, (row position or None for a frame-wide failure, finding)."""
    try:
        model.validate(df, lazy=True)
        return set(), []
    except pa_errors.SchemaErrors as err:
        cases = err.failure_cases
    bad: set[int] = set()
    out: list[tuple[int | None, Finding]] = []
    seen: set[tuple[str, object]] = set()
    for case in cases.to_dict("records"):
        column = case.get("column") or model.__name__
        check = str(case.get("check"))
        if case.get("schema_context") == "DataFrameSchema":
            # a frame-wide check is reported once per row, under its own name, not per column
            name, _, text = check.partition(": ")
            rule_key, check, column = f"{model.__name__}.{name}", text or name, "row"
        else:
            rule_key = f"{model.__name__}.{column}"
        idx = case.get("index")
        if (rule_key, idx) in seen:
            continue
        seen.add((rule_key, idx))
        sev = _row_severity(rule_key)
        table_no = seq = None
        if idx is not None and not pd.isna(idx):
            idx = int(idx)
            table_no, seq = keys[idx]
            if sev == "error":
                bad.add(idx)
        else:
            idx = None
        out.append(
            (
                idx,
                Finding(
                    f"{stage}.{rule_key}",
                    sev,
                    f"table {table_no} row {seq}: {column} failed {check} (value {case.get('failure_case')!r})"
                    + ("; the row was quarantined" if sev == "error" and idx is not None else ""),
                    seq=str(seq) if seq is not None else None,
                    table_no=table_no,
                ),
            )
        )
    return bad, out


def _dedupe(rows: list[RawTaskRow]) -> tuple[list[RawTaskRow], list[Finding]]:
    seen: dict[tuple[int, int, int], RawTaskRow] = {}
    findings: list[Finding] = []
    out: list[RawTaskRow] = []
    for r in rows:
        key = (r.table_no, r.seq, r.sub_seq)
        if key in seen:
            first = seen[key]
            findings.append(
                Finding(
                    "layout.duplicate_seq",
                    "error",
                    f"table {r.table_no}: 序号 {seq_label(r.seq, r.sub_seq)} appears again at lines {r.line_start}-{r.line_end} "
                    f"(first at {first.line_start}-{first.line_end}); the repeat was quarantined",
                    r.line_start,
                    r.line_end,
                    seq=seq_label(r.seq, r.sub_seq),
                    table_no=r.table_no,
                )
            )
            continue
        seen[key] = r
        out.append(r)
    return out, findings


def annotate(
    record: TaskRecord, as_of: date | None, plan_year: int | None, period_type: str | None = None
) -> list[Finding]:
    """Meaning: status, quantities and 序时 for one record (see transforms/status.py)."""
    return annotate_record(record, as_of=as_of, plan_year=plan_year, period_type=period_type)


@dataclass
class PendingReport:
    """A report read, laid out and normalized, its rows not yet validated (see validate_reports)."""

    format: str
    text: str
    tables: list[dict]
    findings: list[Finding]  # reader, layout and duplicate findings
    rows: list[RawTaskRow]
    records: list[TaskRecord]  # one per row, same order
    row_findings: list[list[Finding]]  # normalize/annotate findings, one list per row


def parse_report(
    data: bytes,
    name: str = "",
    as_of: date | None = None,
    plan_year: int | None = None,
    period_type: str | None = None,
) -> ParsedReport:
    """Parse and normalize one report's bytes. Raises RejectedReport when it is not a task table."""
    pending = prepare_report(data, name, as_of=as_of, plan_year=plan_year, period_type=period_type)
    return require_rows(validate_reports([pending])[0], name)


def require_rows(parsed: ParsedReport, name: str) -> ParsedReport:
    """A report none of whose rows survived validation is rejected: loading it would record (or
    replace a good earlier version with) a report of no tasks."""
    if not parsed.records:
        errors = "; ".join(x.message for x in parsed.findings if x.severity == "error")
        raise RejectedReport(f"{name}: none of the rows under the header could be loaded: {errors[:400]}")
    return parsed


def prepare_report(
    data: bytes,
    name: str = "",
    as_of: date | None = None,
    plan_year: int | None = None,
    period_type: str | None = None,
) -> PendingReport:
    """read → layout → normalize for one report (no pandera yet). Raises RejectedReport."""
    _check_years(name, as_of, plan_year)
    try:
        grids = read_candidates(data, name)
    except ReadError as exc:
        raise RejectedReport(f"{name}: {exc}") from exc
    try:
        grid, layout = _best_reading(grids)
    except ReadError as exc:  # a limit of schemas/quality.yaml reached while rows are rebuilt
        raise RejectedReport(f"{name}: {exc}") from exc
    findings = list(grid.findings) + list(layout.findings)
    if not grid.tables or not any(t.header for t in grid.tables) and not layout.rows:
        raise RejectedReport(
            f"{name}: not a task table: no header row naming 序号/任务/进展 columns was found"
        )
    if not layout.rows:
        headers = "; ".join(" | ".join(t.header or []) for t in grid.tables)
        raise RejectedReport(f"{name}: a table header was found ({headers}) but no task rows under it")
    rows, dup = _dedupe(layout.rows)
    findings += dup
    records: list[TaskRecord] = []
    row_findings: list[list[Finding]] = []
    for r in rows:
        rec, f = normalize_row(r)
        if not rec.task_text:
            rec.task_text = rec.target_text or rec.project or ""
        f = list(f) + [_owned_by(x, rec) for x in annotate(rec, as_of, plan_year, period_type)]
        records.append(rec)
        row_findings.append(f)
    tables = [
        {"table_no": i + 1, "title": t.title, "header": t.header, "roles": roles}
        for i, (t, roles) in enumerate(zip(grid.tables, layout.roles, strict=True))
    ]
    return PendingReport(grid.format, grid.text, tables, findings, rows, records, row_findings)


def _check_years(name: str, as_of: date | None, plan_year: int | None) -> None:
    """The plan year and as-of date lie within readers.min_year..max_year (schemas/quality.yaml)."""
    lim = reader_limits()
    low, high = lim["min_year"], lim["max_year"]
    for what, year in (("plan year", plan_year), ("as-of date", as_of.year if as_of else None)):
        if year is not None and not low <= year <= high:
            shown = as_of.isoformat() if what == "as-of date" and as_of else str(year)
            raise RejectedReport(
                f"{name}: the {what} {shown} is outside readers.min_year..max_year ({low}..{high} in schemas/quality.yaml); "
                "correct the manifest or the command line"
            )


def _task_rows(layout: Layout) -> int:
    """How many rows of a reading carry a task (task, target or project text of 4+ characters)."""
    return sum(1 for r in layout.rows if len((r.task_text or r.target or r.project or "").strip()) >= 4)


def _best_reading(grids: list[Grid]) -> tuple[Grid, Layout]:
    """The reading whose layout yields the most task rows; on a tie, the earlier one (the format's
    own reader comes first)."""
    best: tuple[Grid, Layout] | None = None
    best_n = -1
    for grid in grids:
        layout = build_rows(grid)
        n = _task_rows(layout)
        if n > best_n:
            best, best_n = (grid, layout), n
    assert best is not None
    return best


def _owned_by(finding: Finding, rec: TaskRecord) -> Finding:
    """The finding with the record's table and 序号 where it names none (dataclasses.replace only
    then: it costs 10 µs, and a report has a hundred findings that name them already)."""
    table_no, seq = finding.table_no or rec.table_no, finding.seq or seq_label(rec.seq, rec.sub_seq)
    if table_no == finding.table_no and seq == finding.seq:
        return finding
    return replace(finding, table_no=table_no, seq=seq)


def _owners(sizes: list[int]) -> list[tuple[int, int]]:
    """Global row position → (report index, row position within the report)."""
    return [(i, j) for i, n in enumerate(sizes) for j in range(n)]


def _split_cases(
    cases: list[tuple[int | None, Finding]], owners: list[tuple[int, int]], n_reports: int
) -> list[list[Finding]]:
    out: list[list[Finding]] = [[] for _ in range(n_reports)]
    for idx, f in cases:
        if idx is None:  # a frame-wide failure concerns every report of the batch
            for lst in out:
                lst.append(f)
        else:
            out[owners[idx][0]].append(f)
    return out


def validate_reports(pending: list[PendingReport]) -> list[ParsedReport]:
    """pandera over a whole batch of reports at once (one validation per model, not per report).

    The result for each report is the same as validating it alone: rows failing RawTaskRow are
    quarantined before their record is kept, then records failing TaskRecord are quarantined.
    """
    if not pending:
        return []
    rows = [r for p in pending for r in p.rows]
    raw_df = pd.DataFrame(
        {
            "table_no": [r.table_no for r in rows],
            "seq": [r.seq for r in rows],
            "sub_seq": [r.sub_seq for r in rows],
            "task_text": [(r.task_text or r.target or r.project or "").strip() for r in rows],
            "line_start": [r.line_start for r in rows],
            "line_end": [r.line_end for r in rows],
        }
    )
    owners = _owners([len(p.rows) for p in pending])
    bad, cases = _validate_cases(
        raw_df, models.RawTaskRow, "raw", [(r.table_no, seq_label(r.seq, r.sub_seq)) for r in rows]
    )
    raw_findings = _split_cases(cases, owners, len(pending))
    kept: list[list[TaskRecord]] = []
    findings: list[list[Finding]] = []
    base = 0
    for i, p in enumerate(pending):
        keep = [j for j in range(len(p.rows)) if base + j not in bad]
        base += len(p.rows)
        kept.append([p.records[j] for j in keep])
        findings.append(p.findings + raw_findings[i] + [f for j in keep for f in p.row_findings[j]])
    records = [r for lst in kept for r in lst]
    rec_df = pd.DataFrame(
        {
            "table_no": [r.table_no for r in records],
            "seq": [r.seq for r in records],
            "sub_seq": [r.sub_seq for r in records],
            "task_text": [r.task_text for r in records],
            "status": [r.status for r in records],
            "status_confidence": [r.status_confidence for r in records],
            "expected_progress": pd.Series([r.expected_progress for r in records], dtype="float64"),
            "deadline_date": pd.Series([r.deadline_date for r in records], dtype="datetime64[ns]"),
            "deadline_basis": pd.Series([r.deadline_basis for r in records], dtype="object"),
            "reported_pct": pd.Series([r.reported_pct for r in records], dtype="float64"),
            "pct_gap": pd.Series([r.pct_gap for r in records], dtype="float64"),
            "n_leaders": [len(r.leaders) for r in records],
            "n_units": [len(r.lead_units) + len(r.units) + len(r.co_units) for r in records],
        }
    )
    owners = _owners([len(lst) for lst in kept])
    bad, cases = _validate_cases(
        rec_df, models.TaskRecord, "record", [(r.table_no, seq_label(r.seq, r.sub_seq)) for r in records]
    )
    rec_findings = _split_cases(cases, owners, len(pending))
    out: list[ParsedReport] = []
    base = 0
    for i, p in enumerate(pending):
        good = [r for j, r in enumerate(kept[i]) if base + j not in bad]
        base += len(kept[i])
        out.append(
            ParsedReport(
                format=p.format,
                records=good,
                findings=findings[i] + rec_findings[i],
                text=p.text,
                tables=p.tables,
            )
        )
    return out
