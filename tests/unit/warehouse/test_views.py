"""The analyst views (warehouse/views/10_analyst.sql) on the real reference report.

Structural facts are checked on the reference as ingested (statuses all unknown, no metrics yet);
statuses, metrics, several reports and links come from the scenario in tests/helpers/analyst.py,
loaded through the real loader. Expected figures are computed in Python from the records, not SQL.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from tests.helpers import make_load
from tests.helpers.analyst import (
    DEADLINES,
    analyst_warehouse,
    expected_latest,
    expected_unit_scores,
    june_records,
    november_records,
    november_status,
    read_only,
)
from warehouse.db import connect, fetch_dicts
from warehouse.loader import load_reports

VIEWS = [
    "v_task_latest", "v_status_counts", "v_target_actual", "v_task_metric_summary",
    "v_scorecard_unit", "v_scorecard_leader", "v_task_due", "v_task_overdue", "v_task_due_this_month", "v_report_quality",
]


@pytest.fixture(scope="module")
def reference_wh(tmp_path_factory, reference_bytes):
    path = tmp_path_factory.mktemp("ref") / "warehouse.duckdb"
    con = connect(path)
    load_reports(con, [make_load(reference_bytes)])
    con.close()
    return path


@pytest.fixture(scope="module")
def scenario_wh(tmp_path_factory, reference_parsed):
    return analyst_warehouse(tmp_path_factory, reference_parsed.records)


def rows(path, query, params=None):
    con = read_only(path)
    try:
        return fetch_dicts(con, query, params)
    finally:
        con.close()


def test_every_view_exists_with_a_comment(reference_wh):
    got = {r["view_name"]: r["comment"] for r in rows(reference_wh, "SELECT view_name, comment FROM duckdb_views() WHERE NOT internal")}
    for v in VIEWS:
        assert v in got, f"{v} missing"
        assert got[v] and got[v].startswith("Grain: "), f"{v} has no grain comment"


def test_reference_structure(reference_wh, reference_parsed):
    recs = reference_parsed.records
    latest = rows(reference_wh, "SELECT * FROM v_task_latest ORDER BY table_no, seq")
    assert len(latest) == 130 == len({r["task_key"] for r in latest})
    assert Counter(r["table_no"] for r in latest) == {1: 10, 2: 120}
    want_status = {(r.table_no, r.seq): r.status for r in recs}
    assert {(r["table_no"], r["seq"]): r["status_code"] for r in latest} == want_status
    assert all(r["as_of_date"] == date(2020, 11, 30) and r["reports_seen"] == 1 for r in latest)
    # leaders in report order, e.g. 其他 29
    t29 = next(r for r in latest if r["table_no"] == 2 and r["seq"] == 29)
    assert t29["leaders"] == "厉有明、吴诚"
    counts = {r["status_code"]: r["tasks"] for r in rows(reference_wh, "SELECT * FROM v_status_counts")}
    want_counts = Counter(r.status for r in recs)
    assert counts == {code: want_counts.get(code, 0) for code in ("completed", "in_progress", "ongoing", "behind", "not_started", "unknown")}

    # the unit scorecard counts what the bridge says, which is what the records say
    # (collective bodies such as 各乡镇政府, 38 tasks, are left out: nobody in particular answers for them)
    from transforms.normalize import unit_type

    all_units = Counter(u for r in recs for u in dict.fromkeys(r.lead_units + r.units + r.co_units))
    assert all_units["各乡镇政府"] == 38 and unit_type("各乡镇政府") == "collective"
    want = {u: n for u, n in all_units.items() if unit_type(u) != "collective"}
    got = {r["unit_name"]: r["tasks"] for r in rows(reference_wh, "SELECT * FROM v_scorecard_unit")}
    assert got == want
    assert "各乡镇政府" not in got and got["县农业农村局"] == 23
    # the main unit: the first named where there is no lead column (the reference has none)
    main = {r["unit_name"]: r["main_tasks"] for r in rows(reference_wh, "SELECT * FROM v_scorecard_unit")}
    first = Counter((r.lead_units + r.units + r.co_units)[0] for r in recs if r.lead_units + r.units + r.co_units)
    assert main == {u: first.get(u, 0) for u in want}
    leaders = {r["leader_name"]: r["tasks"] for r in rows(reference_wh, "SELECT * FROM v_scorecard_leader")}
    assert leaders == dict(Counter(n for r in recs for n in dict.fromkeys(r.leaders)))
    assert leaders["吴诚"] == 32

    q = rows(reference_wh, "SELECT * FROM v_report_quality")
    assert len(q) == 1
    assert (q[0]["tasks"], q[0]["unknown_status"], q[0]["repairs"]) == (130, want_counts["unknown"], 62)
    assert q[0]["findings"] == q[0]["infos"] + q[0]["warnings"] + q[0]["errors"]
    assert "repair.leader_spacing ×32" in q[0]["top_rules"]
    n_metrics = sum(len(r.metrics) for r in recs)
    assert n_metrics > 0
    assert rows(reference_wh, "SELECT count(*) AS n FROM v_target_actual")[0]["n"] == n_metrics


def test_latest_status_per_task_across_reports(scenario_wh, reference_parsed):
    recs = reference_parsed.records
    latest = {(r["table_no"], r["seq"]): r for r in rows(scenario_wh, "SELECT * FROM v_task_latest WHERE plan_year = 2020")}
    assert len(latest) == 130
    for rec, status in expected_latest(recs):
        row = latest[(rec.table_no, rec.seq)]
        assert row["status_code"] == status, (rec.table_no, rec.seq)
    # the task missing from the November report keeps its June status and source
    last = latest[(recs[-1].table_no, recs[-1].seq)]
    assert (last["as_of_date"], last["period_type"], last["reports_seen"]) == (date(2020, 6, 30), "monthly", 1)
    first = latest[(1, 1)]
    assert (first["as_of_date"], first["reports_seen"], first["status_evidence"]) == (date(2020, 11, 30), 2, "十一月证据0")

    counts = {r["status_code"]: r["tasks"] for r in rows(scenario_wh, "SELECT * FROM v_status_counts WHERE plan_year = 2020")}
    assert counts == {**{s: 0 for s in ("completed", "in_progress", "ongoing", "behind", "not_started", "unknown")},
                      **Counter(s for _, s in expected_latest(recs))}
    assert sum(counts.values()) == 130


def test_target_actual_uses_latest_report(scenario_wh):
    ta = rows(scenario_wh, "SELECT * FROM v_target_actual ORDER BY as_of_date, metric")
    assert len(ta) == 4  # one June metric + three November ones
    june = [r for r in ta if r["as_of_date"] == date(2020, 6, 30)]
    assert len(june) == 1 and not june[0]["is_latest"] and june[0]["outcome"] == "short"
    latest = {r["metric"]: r for r in ta if r["is_latest"]}
    assert latest["义务教育学位"]["outcome"] == "met" and latest["义务教育学位"]["gap_base"] == 500
    assert latest["公办幼儿园学位"]["outcome"] == "short" and latest["公办幼儿园学位"]["gap_base"] == -510
    # the task's status in that report is one join away
    status = rows(scenario_wh, "SELECT h.status_code FROM v_target_actual a JOIN v_status_history h USING (report_key, task_key) "
                               "WHERE a.is_latest AND a.metric = '公办幼儿园学位'")
    assert status == [{"status_code": "behind"}]
    assert latest["县域内就诊率"]["outcome"] == "no_actual"
    summary = rows(scenario_wh, "SELECT * FROM v_task_metric_summary ORDER BY task_key")
    assert sum(r["metrics"] for r in summary) == 3  # the June metric is not counted again
    assert sum(r["metrics_short"] for r in summary) == 1


def test_unit_scorecard_matches_the_records(scenario_wh, reference_parsed):
    want = expected_unit_scores(reference_parsed.records)
    got = {r["unit_name"]: r for r in rows(scenario_wh, "SELECT * FROM v_scorecard_unit WHERE plan_year = 2020")}
    assert set(got) == set(want)
    for unit, c in want.items():
        row = got[unit]
        for col in ("tasks", "completed", "in_progress", "ongoing", "behind", "not_started", "unknown"):
            assert row[col] == c[col], (unit, col)
        assert row["completed_share"] == pytest.approx(c["completed"] / c["tasks"], abs=1e-4)
    # targets: 县教体局 answers for 学位 tasks 0 (met, 1.1 → capped 1.0) and 2 (short, 0.7167)
    edu = got["县教体局"]
    assert (edu["metrics"], edu["metrics_met"], edu["metrics_short"]) == (2, 1, 1)
    assert edu["mean_achievement"] == pytest.approx((1.0 + 0.7167) / 2, abs=1e-4)
    want_leaders: dict[str, Counter] = {}
    for rec, status in expected_latest(reference_parsed.records):
        for name in dict.fromkeys(rec.leaders):
            want_leaders.setdefault(name, Counter()).update(["tasks", status])
    leaders = {r["leader_name"]: r for r in rows(scenario_wh, "SELECT * FROM v_scorecard_leader WHERE plan_year = 2020")}
    assert set(leaders) == set(want_leaders)
    for name, c in want_leaders.items():
        assert [leaders[name][k] for k in ("tasks", "completed", "behind", "unknown")] == [c["tasks"], c["completed"], c["behind"], c["unknown"]]


def test_overdue_tasks_as_of_each_report(scenario_wh, reference_parsed):
    """Overdue in a report = due before its as-of date (a year-end report: due within the plan year)
    and not completed in it; standing duties never; days counted to the as-of date, not to today."""
    got = rows(scenario_wh, "SELECT * FROM v_task_overdue")
    overdue = {(r["as_of_date"], r["table_no"], r["seq"]): r for r in got}
    recs = reference_parsed.records
    june, nov = date(2020, 6, 30), date(2020, 11, 30)
    want = set()
    for as_of, year_end, records in ((june, False, june_records(recs)), (nov, True, november_records(recs))):
        for r in records:
            if r.status == "completed" or r.deadline_basis == "standing_duty":
                continue
            due = r.deadline_date or date(2020, 12, 31)
            if due < as_of or (year_end and due <= date(2020, 12, 31)):
                want.add((as_of, r.table_no, r.seq))
    assert set(overdue) == want
    assert all(r["status_code"] != "completed" for r in got)
    assert not any(r["plan_year"] == 2021 for r in got)  # a plan breakdown reports nothing yet
    r6 = overdue[(nov, recs[6].table_no, recs[6].seq)]
    assert (r6["deadline"], r6["deadline_text"], r6["due_date"], r6["due_basis"], r6["judged_by"]) == (
        DEADLINES[6], DEADLINES[6], date(2020, 6, 30), "deadline", "as_of_date")
    assert r6["days_overdue"] == (nov - date(2020, 6, 30)).days == 153
    assert (june, recs[6].table_no, recs[6].seq) not in overdue  # due on the June report's own as-of date
    assert (nov, recs[7].table_no, recs[7].seq) not in overdue  # 2021年12月: not due yet, even at year end
    assert recs[1].deadline_basis is None and november_status(1) == "behind"
    plain = overdue[(nov, recs[1].table_no, recs[1].seq)]
    assert (plain["due_date"], plain["due_basis"], plain["judged_by"], plain["days_overdue"]) == (
        date(2020, 12, 31), "plan_year_end", "year_end_report", 0)
    standing = [r for r in november_records(recs) if r.deadline_basis == "standing_duty" and r.status != "completed"]
    assert standing and not any((nov, r.table_no, r.seq) in overdue for r in standing)


def test_due_views_never_read_todays_date(scenario_wh):
    from warehouse.db import WAREHOUSE_DIR

    for path in (WAREHOUSE_DIR / "views").glob("*.sql"):
        assert "current_date" not in path.read_text(encoding="utf-8").lower(), path.name
    for r in rows(scenario_wh, "SELECT view_name, sql FROM duckdb_views() WHERE view_name IN ('v_task_due', 'v_task_overdue', 'v_task_due_this_month')"):
        sql = r["sql"].lower()
        assert not any(w in sql for w in ("current_date", "today", "now()", "current_timestamp", "get_current")), r["view_name"]


def test_due_this_month_per_report(scenario_wh, reference_parsed):
    got = {(r["as_of_date"], r["table_no"], r["seq"]): r for r in rows(scenario_wh, "SELECT * FROM v_task_due_this_month")}
    recs = reference_parsed.records
    want = set()
    for as_of, records in ((date(2020, 6, 30), june_records(recs)), (date(2020, 11, 30), november_records(recs))):
        for r in records:
            due = r.deadline_date or date(2020, 12, 31)
            if r.status != "completed" and r.deadline_basis != "standing_duty" and (due.year, due.month) == (as_of.year, as_of.month):
                want.add((as_of, r.table_no, r.seq))
    assert set(got) == want
    r6 = got[(date(2020, 6, 30), recs[6].table_no, recs[6].seq)]  # 2020年6月底, in progress in June
    assert (r6["due_date"], r6["days_left"], r6["due_basis"]) == (date(2020, 6, 30), 0, "deadline")


def test_report_quality_per_report(scenario_wh):
    q = {r["as_of_date"]: r for r in rows(scenario_wh, "SELECT * FROM v_report_quality")}
    assert set(q) == {date(2020, 6, 30), date(2020, 11, 30), date(2021, 3, 31)}
    assert (q[date(2020, 6, 30)]["tasks"], q[date(2020, 11, 30)]["tasks"], q[date(2021, 3, 31)]["tasks"]) == (130, 129, 3)
    assert q[date(2020, 11, 30)]["unknown_status"] == sum(1 for i in range(129) if november_status(i) == "unknown")
    assert q[date(2020, 11, 30)]["metrics"] == 3 and q[date(2020, 6, 30)]["metrics"] == 1


def test_mean_achievement_counts_only_metrics_with_a_ratio(reference_wh):
    # a metric without a ratio (no actual, or units that do not compare) must not count as 100 %
    for view in ("v_scorecard_unit", "v_scorecard_leader"):
        got = rows(reference_wh, f"SELECT mean_achievement FROM {view} WHERE mean_achievement IS NOT NULL")  # noqa: S608
        assert got and all(0 <= r["mean_achievement"] <= 1 for r in got), view
    summary = rows(
        reference_wh,
        """SELECT s.task_key, s.achievement_sum, s.achievement_n,
                  (SELECT sum(least(m.achievement_ratio, 1.0)) FROM fct_task_metric m
                   WHERE m.task_key = s.task_key AND m.result_rank = 1 AND m.achievement_ratio IS NOT NULL) AS expected
           FROM v_task_metric_summary s""",
    )
    for r in summary:
        assert (r["achievement_sum"] or 0) == pytest.approx(r["expected"] or 0, abs=1e-9)
        assert r["achievement_sum"] is None or r["achievement_sum"] <= r["achievement_n"] + 1e-9
