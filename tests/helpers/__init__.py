"""What the tests share that is not a fixture: paths, warehouse content by natural keys, loads of the
reference and synthetic reports, table checksums. The analyst scenario (analyst.py), the history
fixtures (history.py) and headless Chromium (browser.py) are modules of this package."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import duckdb

from transforms.pipeline import parse_report
from warehouse.loader import ReportLoad

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
REFERENCE = SAMPLES / "jishui-2020-progress.txt"
EXCERPTS = SAMPLES / "real-excerpts"
FIXTURES = ROOT / "tests" / "fixtures"


# content of the warehouse by natural keys (surrogate keys may be numbered differently)
NATURAL = {
    "progress": """SELECT c.county_name, r.as_of_date, t.table_no, t.seq, f.status_code, f.progress_text, f.line_start,
                          f.expected_progress
                   FROM fct_task_progress f JOIN dim_report r USING (report_key) JOIN dim_task t USING (task_key)
                   JOIN dim_county c ON c.county_key = r.county_key""",
    "tasks": """SELECT c.county_name, t.plan_year, t.table_no, t.seq, t.task_text, s.part, s.section, r.as_of_date
                FROM dim_task t JOIN dim_county c USING (county_key) LEFT JOIN dim_section s USING (section_key)
                JOIN dim_report r ON r.report_key = t.first_report_key""",
    "units": """SELECT r.sha256, t.table_no, t.seq, u.unit_name, u.unit_type, b.role, b.position
                FROM bridge_task_unit b JOIN dim_report r USING (report_key) JOIN dim_task t USING (task_key)
                JOIN dim_unit u USING (unit_key)""",
    "leaders": """SELECT r.sha256, t.table_no, t.seq, l.leader_name, b.position FROM bridge_task_leader b
                  JOIN dim_report r USING (report_key) JOIN dim_task t USING (task_key) JOIN dim_leader l USING (leader_key)""",
    "dq": "SELECT r.sha256, d.rule, d.severity, d.message, d.seq, d.line_start FROM dq_issue d JOIN dim_report r USING (report_key)",
    "reports": "SELECT c.county_name, province, plan_year, as_of_date, period_type, sha256, task_count FROM dim_report JOIN dim_county c USING (county_key)",
}


def natural_content(path: Path) -> dict[str, list[tuple]]:
    """The warehouse's facts by natural keys, sorted: equal for two loads of the same reports."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        return {k: sorted(con.execute(q).fetchall(), key=repr) for k, q in NATURAL.items()}
    finally:
        con.close()


def synthetic_loads(indices: list[int], mutate=None) -> list:
    """ReportLoads of the synthetic reports (scripts.gen_corpus) with these indices, parsed for real."""
    import hashlib

    from scripts.gen_corpus import synthetic_report
    from transforms.pipeline import prepare_report, validate_reports
    from warehouse.loader import ReportLoad

    reports = [synthetic_report(i) for i in indices]
    datas = [mutate(r.text) if mutate else r.text for r in reports]
    parsed = validate_reports([prepare_report(d.encode(), r.file_name(), r.as_of, r.plan_year) for r, d in zip(reports, datas, strict=True)])
    return [
        ReportLoad(
            county=r.county, province="合成省", plan_year=r.plan_year, as_of=r.as_of, period_type=r.period_type,
            sha256=hashlib.sha256(d.encode()).hexdigest(), file_name=r.file_name(), records=p.records,
            findings=p.findings, format=p.format,
        )
        for r, d, p in zip(reports, datas, parsed, strict=True)
    ]


TABLES = [
    "dim_county", "dim_report", "dim_section", "dim_task", "dim_leader", "dim_unit", "dim_status",
    "fct_task_progress", "fct_task_metric", "bridge_task_unit", "bridge_task_leader", "task_link", "dq_issue", "task_current",
]


def make_load(data: bytes, name: str = REFERENCE.name) -> ReportLoad:
    parsed = parse_report(data, name, as_of=date(2020, 11, 30), plan_year=2020, period_type="year_end")
    return ReportLoad(
        county="吉水县", province="江西省", prefecture="吉安市", plan_year=2020, as_of=date(2020, 11, 30),
        period_type="year_end", sha256=hashlib.sha256(data).hexdigest(), file_name=name,
        records=parsed.records, findings=parsed.findings, format=parsed.format, parser_version="test",
    )


def table_checksums(path: Path) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent checksum of every table's content."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        out = {}
        for t in TABLES:
            cols = [r[0] for r in con.execute(f"DESCRIBE {t}").fetchall()]
            # ingested_at / created_at are the load time; the content is what must not change
            cols = [c for c in cols if c not in ("ingested_at", "created_at")]
            n, h = con.execute(
                f"SELECT count(*), coalesce(sum(hash({', '.join(cols)})), 0)::VARCHAR FROM {t}"
            ).fetchone()
            out[t] = (n, h)
        return out
    finally:
        con.close()
