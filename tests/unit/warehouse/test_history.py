"""History views on a real DuckDB file: the four period fixtures (plus a year-end 2021 report built
here from the September one) loaded through the loader with known statuses, linked with the
fixture crosswalk; and the two-period 崇川 excerpt (one report per dated progress column).

Statuses are set on the parsed records before loading (the classifier is tested elsewhere), so the
views' rows can be asserted exactly.
"""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from tests.helpers import table_checksums
from tests.helpers.history import CHONGCHUAN, PERIODS, build_history_db, chongchuan_records, rows
from transforms.linking import parse_crosswalk, plan_links
from transforms.normalize import TaskRecord
from transforms.pipeline import parse_report
from warehouse.db import connect
from warehouse.links import fetch_tasks, write_links
from warehouse.loader import ReportLoad, load_reports


@pytest.fixture(scope="module")
def history_db(tmp_path_factory) -> str:
    return build_history_db(tmp_path_factory.mktemp("history") / "warehouse.duckdb")


def test_status_history_per_task_and_report(history_db):
    assert rows(history_db, "SELECT plan_year, count(*) FROM v_status_history GROUP BY 1 ORDER BY 1") == [(2020, 260), (2021, 258)]
    assert rows(
        history_db,
        "SELECT report_no, as_of_date, status_code FROM v_status_history WHERE plan_year = 2020 AND table_no = 1 AND seq = 10 ORDER BY report_no",
    ) == [(1, date(2020, 6, 30), "behind"), (2, date(2020, 11, 30), "behind")]
    # the plan breakdown has no status and is not in the history
    assert rows(history_db, "SELECT count(*) FROM v_status_history WHERE period_type = 'plan'") == [(0,)]


def test_transitions_between_consecutive_reports(history_db):
    got = rows(history_db, "SELECT plan_year, transition, count(*) FROM v_status_transitions GROUP BY ALL ORDER BY ALL")
    assert got == [
        (2020, "declined", 1), (2020, "improved", 4), (2020, "unchanged", 125),
        (2021, "declined", 1), (2021, "dropped", 1), (2021, "improved", 1), (2021, "new", 1), (2021, "unchanged", 126),
    ]
    named = rows(
        history_db,
        "SELECT plan_year, table_no, seq, status_before, status_after, transition FROM v_status_transitions "
        "WHERE transition <> 'unchanged' ORDER BY plan_year, table_no, seq",
    )
    assert named == [
        (2020, 1, 1, "in_progress", "completed", "improved"),
        (2020, 1, 4, "not_started", "in_progress", "improved"),
        (2020, 1, 5, "not_started", "in_progress", "improved"),
        (2020, 1, 8, "in_progress", "behind", "declined"),
        (2020, 1, 9, "in_progress", "completed", "improved"),
        (2021, 1, 1, "in_progress", "behind", "declined"),
        (2021, 1, 7, "behind", "completed", "improved"),
        (2021, 2, 1, "in_progress", None, "dropped"),
        (2021, 2, 120, None, "in_progress", "new"),
    ]


def test_stalled_tasks(history_db):
    got = rows(
        history_db,
        "SELECT plan_year, table_no, seq, status_code, reports_in_a_row, since_as_of, through_as_of, is_current "
        "FROM v_stalled_tasks WHERE status_code <> 'in_progress' ORDER BY ALL",
    )
    assert got == [
        (2020, 1, 3, "behind", 2, date(2020, 6, 30), date(2020, 11, 30), True),
        (2020, 1, 7, "not_started", 2, date(2020, 6, 30), date(2020, 11, 30), True),
        (2020, 1, 10, "behind", 2, date(2020, 6, 30), date(2020, 11, 30), True),
        # 幼儿园 is 1/3 of the 2021 plan although the September report listed it as 1/2
        (2021, 1, 3, "not_started", 2, date(2021, 9, 30), date(2021, 12, 31), True),
    ]
    # completed tasks never stall
    assert rows(history_db, "SELECT count(*) FROM v_stalled_tasks WHERE status_code = 'completed'") == [(0,)]


def test_carried_over_into_next_year(history_db):
    got = rows(
        history_db,
        "SELECT from_table_no, from_seq, last_status, unfinished, to_table_no, to_seq, link_type FROM v_carried_over "
        "WHERE from_table_no = 1 OR (from_table_no = 2 AND from_seq IN (2, 8, 9, 11, 12)) ORDER BY ALL",
    )
    assert got == [
        (1, 2, "in_progress", True, 1, 2, "continues"),
        (1, 3, "behind", True, 1, 3, "continues"),
        (1, 4, "in_progress", True, 1, 4, "continues"),
        (1, 5, "in_progress", True, 1, 5, "continues"),
        (1, 6, "in_progress", True, 1, 6, "split"),
        (1, 6, "in_progress", True, 1, 7, "split"),
        (1, 7, "not_started", True, 1, 8, "continues"),
        (1, 10, "behind", True, 1, 10, "continues"),
        (2, 2, "in_progress", True, 2, 2, "split"),
        (2, 2, "in_progress", True, 2, 3, "split"),
        (2, 8, "in_progress", True, 2, 9, "merge"),
        (2, 9, "in_progress", True, 2, 9, "merge"),
        (2, 12, "in_progress", True, 2, 11, "continues"),
    ]
    # 1/1 (pending link), 1/8 and 1/9 (dropped) and 2/11 (rejected false friend) are not carried over
    # threads: the 2021 merge result belongs to the thread of 2020 2/8
    assert rows(
        history_db,
        "SELECT count(DISTINCT thread_key) FROM dim_task WHERE (plan_year = 2020 AND table_no = 2 AND seq IN (8, 9)) "
        "OR (plan_year = 2021 AND table_no = 2 AND seq = 9)",
    ) == [(1,)]


def test_responsibility_history(history_db):
    got = rows(
        history_db,
        "SELECT from_year, to_year, from_as_of, to_as_of, change, predecessors, successors, lead_units_before, lead_units_after "
        "FROM v_responsibility_history ORDER BY from_as_of, to_as_of, change",
    )
    assert got == [
        (2020, 2021, date(2020, 11, 30), date(2021, 3, 10), "lead_unit", [], [], ["县住建局"], ["县水利局"]),
        (2020, 2021, date(2020, 11, 30), date(2021, 3, 10), "leader", ["厉有明"], ["王强"], ["县工信局"], ["县工信局"]),
        (2020, 2021, date(2020, 11, 30), date(2021, 3, 10), "leader+lead_unit", [], ["张隆富"], ["县工信局"], ["县发改委"]),
        (2021, 2021, date(2021, 3, 10), date(2021, 9, 30), "leader", ["王强"], ["厉有明"], ["县工信局"], ["县工信局"]),
    ]


def test_views_carry_comments(history_db):
    got = rows(history_db, "SELECT view_name FROM duckdb_views() WHERE view_name LIKE 'v_%' AND comment IS NOT NULL AND length(comment) > 40")
    assert {"v_status_history", "v_status_transitions", "v_stalled_tasks", "v_carried_over", "v_responsibility_history"} <= {r[0] for r in got}


def test_linking_again_changes_nothing(history_db):
    before = table_checksums(history_db)
    con = connect(history_db)
    plan = plan_links(fetch_tasks(con), parse_crosswalk((PERIODS / "crosswalk.yaml").read_text(encoding="utf-8")))
    write_links(con, plan.links, plan.thread_of, plan.findings, None)
    con.close()
    assert table_checksums(history_db) == before


# --------------------------------------------------------------------------- 崇川: two dated progress columns

def chongchuan_load(recs: list[TaskRecord], sha: str = "chongchuan-excerpt") -> ReportLoad:
    return ReportLoad(
        county="崇川区", province="江苏省", prefecture="南通市", plan_year=2023, as_of=date(2023, 11, 30),
        period_type="monthly", sha256=hashlib.sha256(sha.encode()).hexdigest(), file_name=CHONGCHUAN.name, records=recs, findings=[],
    )


def test_two_progress_columns_give_two_statuses_per_task(warehouse_path):
    from transforms.status import annotate_record

    recs = chongchuan_records()
    assert [r.seq for r in recs] == [24, 25] and recs[0].progress[1]["text"] == "已进场施工,完成60%。"
    for r in recs:
        annotate_record(r, date(2023, 11, 30), 2023)
    con = connect(warehouse_path)
    res = load_reports(con, [chongchuan_load(recs)])[0]
    assert res.outcome == "loaded" and "1-10月推进情况 column (2023-10-31)" in res.message
    q = lambda s: con.execute(s).fetchall()  # noqa: E731
    assert q("SELECT as_of_date, period_type, task_count, progress_column FROM dim_report ORDER BY as_of_date") == [
        (date(2023, 10, 31), "monthly", 2, "1-10月推进情况"),
        (date(2023, 11, 30), "monthly", 2, "1-11月推进情况"),
    ]
    got = q(
        "SELECT t.seq, r.as_of_date, f.progress_label, f.expected_progress, f.explicit_status, f.status_code "
        "FROM fct_task_progress f JOIN dim_report r USING (report_key) JOIN dim_task t USING (task_key) ORDER BY t.seq, r.as_of_date"
    )
    assert [g[:5] for g in got] == [
        (24, date(2023, 10, 31), "1-10月推进情况", round(10 / 12, 4), None),
        (24, date(2023, 11, 30), "1-11月推进情况", round(11 / 12, 4), "是"),
        (25, date(2023, 10, 31), "1-10月推进情况", round(10 / 12, 4), None),
        (25, date(2023, 11, 30), "1-11月推进情况", round(11 / 12, 4), "否"),
    ]
    # one task each, two statuses each, in the history view
    assert q("SELECT seq, count(DISTINCT task_key), count(*) FROM v_status_history GROUP BY seq ORDER BY seq") == [(24, 1, 2), (25, 1, 2)]
    # the earlier period's row carries only its own column
    assert q("SELECT progress_text FROM fct_task_progress f JOIN dim_report r USING (report_key) JOIN dim_task t USING (task_key) "
             "WHERE t.seq = 24 AND r.as_of_date = '2023-10-31'") == [("已进场施工,完成30%。",)]
    # the same file again: nothing changes
    assert load_reports(con, [chongchuan_load(chongchuan_records())])[0].outcome == "skipped"
    assert q("SELECT count(*) FROM fct_task_progress") == [(4,)]
    con.close()


def test_earlier_column_never_replaces_a_report_of_its_own(warehouse_path):
    con = connect(warehouse_path)
    october = chongchuan_records()
    for r in october:
        r.progress = r.progress[:1]
        r.status_raw = None
    oct_load = chongchuan_load(october, "october-on-its-own")
    oct_load.as_of = date(2023, 10, 31)
    assert load_reports(con, [oct_load])[0].outcome == "loaded"
    res = load_reports(con, [chongchuan_load(chongchuan_records(), "november-file")])[0]
    assert res.outcome == "loaded" and res.message == ""
    assert con.execute("SELECT as_of_date, sha256, progress_column FROM dim_report ORDER BY as_of_date").fetchall() == [
        (date(2023, 10, 31), hashlib.sha256(b"october-on-its-own").hexdigest(), None),
        (date(2023, 11, 30), hashlib.sha256(b"november-file").hexdigest(), "1-11月推进情况"),
    ]
    con.close()


def test_chongchuan_through_the_reader(warehouse_path):
    """Both dated columns kept, two reports, two statuses per task."""
    parsed = parse_report(CHONGCHUAN.read_bytes(), CHONGCHUAN.name, as_of=date(2023, 11, 30), plan_year=2023)
    labels = {tuple(p["label"] for p in r.progress) for r in parsed.records}
    assert ("1-10月推进情况", "1-11月推进情况") in labels
    con = connect(warehouse_path)
    assert load_reports(con, [chongchuan_load(parsed.records, "chongchuan-read")])[0].outcome == "loaded"
    per_task = con.execute(
        "SELECT list(r.as_of_date ORDER BY r.as_of_date) FROM fct_task_progress f JOIN dim_report r USING (report_key) GROUP BY f.task_key"
    ).fetchall()
    con.close()
    assert per_task and all(p[0] == [date(2023, 10, 31), date(2023, 11, 30)] for p in per_task)
