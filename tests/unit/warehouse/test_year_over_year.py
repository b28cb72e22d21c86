"""Year over year (warehouse/views/30_year_over_year.sql) on the period fixtures: 2020 (June and the
real year-end report) against 2021 (plan, September and a year-end report built in test_history),
linked with the fixture crosswalk; statuses are set before loading, so the rows are known."""

from __future__ import annotations

import pytest

from tests.helpers.history import build_history_db, rows


@pytest.fixture(scope="module")
def history_db(tmp_path_factory) -> str:
    return build_history_db(tmp_path_factory.mktemp("yoy") / "warehouse.duckdb")


def test_every_task_of_both_years_is_on_one_side(history_db):
    tasks = dict(rows(history_db, "SELECT plan_year, count(*) FROM dim_task GROUP BY 1"))
    sides = rows(history_db, "SELECT count(DISTINCT from_task_key), count(DISTINCT to_task_key), "
                             "count(*) FILTER (WHERE from_year <> 2020 OR to_year <> 2021) FROM v_year_over_year")
    assert sides == [(tasks[2020], tasks[2021], 0)]


def test_changes_counted(history_db):
    got = dict(rows(history_db, "SELECT change, count(*) FROM v_year_over_year GROUP BY 1"))
    assert got == {"better": 5, "dropped": 4, "finished": 2, "kept": 120, "new": 6, "worse": 1}


def test_named_threads(history_db):
    got = rows(
        history_db,
        "SELECT from_table_no, from_seq, from_status, to_table_no, to_seq, to_status, change FROM v_year_over_year "
        "WHERE from_table_no = 1 OR to_table_no = 1 ORDER BY from_table_no NULLS LAST, from_seq, to_seq",
    )
    assert got == [
        # 2020 1/1 completed at the end of 2020; its link to 2021 1/1 is pending, so it stands alone
        (1, 1, "completed", None, None, None, "finished"),
        (1, 2, "in_progress", 1, 2, "completed", "better"),
        (1, 3, "behind", 1, 3, "not_started", "worse"),
        (1, 4, "in_progress", 1, 4, "in_progress", "kept"),
        (1, 5, "in_progress", 1, 5, "completed", "better"),
        # split: one 2020 task, two 2021 versions
        (1, 6, "in_progress", 1, 6, "in_progress", "kept"),
        (1, 6, "in_progress", 1, 7, "completed", "better"),
        (1, 7, "not_started", 1, 8, "in_progress", "better"),
        (1, 8, "behind", None, None, None, "dropped"),
        (1, 9, "completed", None, None, None, "finished"),
        (1, 10, "behind", 1, 10, "in_progress", "better"),
        (None, None, None, 1, 1, "behind", "new"),
        (None, None, None, 1, 9, "in_progress", "new"),
    ]


def test_leaders_and_units_on_both_sides(history_db):
    got = rows(
        history_db,
        "SELECT from_leaders, from_lead_units, to_leaders, to_lead_units, from_as_of, to_as_of FROM v_year_over_year "
        "WHERE from_table_no = 1 AND from_seq = 3",
    )
    (fl, fu, tl, tu, fa, ta), = got
    assert fl == "毛晓青" and tl and "县教体局" in fu and "县教体局" in tu
    assert str(fa) == "2020-11-30" and str(ta) == "2021-12-31"


def test_county_summary_agrees_with_the_rows(history_db):
    (row,) = rows(history_db, "SELECT * FROM v_year_over_year_county")
    county, y0, y1, n0, n1, c0, s0, c1, s1, finished, better, kept, worse, dropped, new, carried = row
    assert (county, y0, y1) == ("吉水县", 2020, 2021)
    assert (n0, n1) == (130, 131)
    assert (finished, better, kept, worse, dropped, new) == (2, 5, 120, 1, 4, 6)
    done = dict(rows(history_db, "SELECT plan_year, count(*) FROM v_task_latest WHERE status_code = 'completed' GROUP BY 1"))
    assert (c0, c1) == (done[2020], done[2021])
    assert s0 == round(c0 / n0, 4) and s1 == round(c1 / n1, 4)
    assert carried == n0 - finished - dropped  # the two completed 2020 tasks have no 2021 version here
