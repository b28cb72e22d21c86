"""fct_task_metric and fct_task_progress rows of the reference report in a real DuckDB warehouse."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from tests.conftest import REFERENCE
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
