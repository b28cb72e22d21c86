"""fct_task_metric and fct_task_progress rows of the reference report in a real DuckDB warehouse."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from tests.helpers import REFERENCE
from transforms.pipeline import parse_report
from warehouse.db import connect
from warehouse.loader import ReportLoad, load_reports


def test_metrics_and_status_load(warehouse_path, reference_bytes):
    parsed = parse_report(reference_bytes, REFERENCE.name, as_of=date(2020, 11, 30), plan_year=2020)
    load = ReportLoad(
        county="吉水县", province="江西省", prefecture="吉安市", plan_year=2020, as_of=date(2020, 11, 30),
        period_type="year_end", sha256=hashlib.sha256(reference_bytes).hexdigest(), file_name=REFERENCE.name,
        records=parsed.records, findings=parsed.findings, format=parsed.format, parser_version="test",
    )
    con = connect(warehouse_path)
    try:
        assert load_reports(con, [load])[0].outcome == "loaded"
        q = lambda s: con.execute(s).fetchall()  # noqa: E731
        expected_rows = sum(len(r.metrics) for r in parsed.records)
        assert expected_rows > 100 and q("SELECT count(*) FROM fct_task_metric")[0][0] == expected_rows
        row = q(
            """SELECT m.target_value, m.actual_value, m.base_unit, m.achievement_ratio, m.met
               FROM fct_task_metric m JOIN dim_task t USING (task_key)
               WHERE t.table_no = 1 AND t.seq = 1 AND m.metric = '义务教育学位'"""
        )
        assert row == [(5000.0, 5500.0, "个", 1.1, True)]
        row = q(
            """SELECT m.target_base_value, m.actual_base_value, m.base_unit FROM fct_task_metric m
               JOIN dim_task t USING (task_key) WHERE t.table_no = 2 AND t.seq = 15 AND m.target_unit = '万亩'"""
        )
        assert row == [(1_400_000.0, pytest.approx(1_396_500.0), "亩")]
        status = dict(q("SELECT status_code, count(*) FROM fct_task_progress GROUP BY 1"))
        assert sum(status.values()) == 130 and status.get("behind", 0) >= 10 and status.get("completed", 0) >= 20
        prog = q(
            """SELECT p.status_code, p.status_evidence, p.expected_progress, p.on_schedule FROM fct_task_progress p
               JOIN dim_task t USING (task_key) WHERE t.table_no = 1 AND t.seq = 10"""
        )
        assert prog[0][0] == "behind" and prog[0][2] == pytest.approx(11 / 12, abs=1e-4) and prog[0][3] is False
        dq = q("SELECT seq, severity FROM dq_issue WHERE rule = 'meaning.implausible_magnitude'")
        assert dq == [("62", "warning")]
    finally:
        con.close()


def test_a_target_with_several_results_counts_once(warehouse_path):
    # a real page: one target (2200元) met by two results; the summary and scorecards count targets, not pairs
    from tests.helpers import FIXTURES
    from warehouse.db import fetch_dicts

    page = FIXTURES / "realpages" / "170.txt"
    data = page.read_bytes()
    parsed = parse_report(data, page.name, as_of=date(2020, 12, 31), plan_year=2020)
    load = ReportLoad(
        county="示例市", province="示例省", prefecture=None, plan_year=2020, as_of=date(2020, 12, 31),
        period_type="year_end", sha256=hashlib.sha256(data).hexdigest(), file_name=page.name,
        records=parsed.records, findings=parsed.findings, format=parsed.format, parser_version="test",
    )
    con = connect(warehouse_path)
    try:
        assert load_reports(con, [load])[0].outcome == "loaded"
        pairs = fetch_dicts(con, "SELECT task_key, result_rank, met FROM v_target_actual WHERE target_text = '2200元' ORDER BY result_rank")
        assert [(r["result_rank"], r["met"]) for r in pairs] == [(1, True), (2, True)]
        task = pairs[0]["task_key"]
        summary = fetch_dicts(con, "SELECT metrics, metrics_met FROM v_task_metric_summary WHERE task_key = ?", [task])
        targets = con.execute("SELECT count(*) FROM fct_task_metric WHERE task_key = ? AND target_text IS NOT NULL AND result_rank = 1", [task]).fetchone()[0]
        assert targets == 3 and summary == [{"metrics": 3, "metrics_met": 3}]
        cards = con.execute("SELECT sum(metrics) FROM v_scorecard_unit").fetchone()[0]
        per_unit = con.execute(
            """SELECT sum(s.metrics) FROM v_task_metric_summary s
               JOIN (SELECT DISTINCT task_key, unit_key FROM bridge_task_unit JOIN dim_unit USING (unit_key)
                     WHERE unit_type <> 'collective') b USING (task_key)"""
        ).fetchone()[0]
        assert cards == per_unit
    finally:
        con.close()
