"""Year over year (warehouse/views/30_year_over_year.sql) on the real multi-date pages of
tests/fixtures/realpages/: 沙坪坝区 161 (2021 Q1) and 162 (2021 lagging list to September) against
158 (2022 breakdown), 163 (2022 H1 lagging) and 164 (2022 year-end unfinished); 临安区 103 (2022
plan) and 104 (2022 to September) against 105 (2023 H1); 北仑区 120 and 107, both 2024.

Each page is loaded as the report its own text says it is (transforms.metadata.infer_metadata);
only what the page does not print is given: the county of 103, 105 (临安) and 164, and 103's date
(a plan without one). Links across years are proposed and written the way `luoshi links run` does.

What the pages share: 161 and 158 both open with the district's headline targets, 地区生产总值 and
固定资产投资, so 2021 → 2022 has two pairs. The 临安区 pages share no task (民生实事 in 2022, the
government work report's tasks in 2023), so every 2022 task ends finished or dropped and every 2023
task is new."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from tests.helpers import FIXTURES
from tests.helpers.history import rows
from transforms.linking import plan_links
from transforms.metadata import infer_metadata
from transforms.pipeline import parse_report
from warehouse.db import connect
from warehouse.links import fetch_tasks, write_links
from warehouse.loader import LoadResult, ReportLoad, load_reports

PAGES = FIXTURES / "realpages"
# page → (county, what the page does not print); in the order the reports were published
REPORTS = [
    (103, "临安区", {"as_of": date(2022, 1, 1)}),
    (104, "临安区", {}),
    (105, "临安区", {}),
    (161, "沙坪坝区", {}),
    (162, "沙坪坝区", {}),
    (158, "沙坪坝区", {}),
    (163, "沙坪坝区", {}),
    (164, "沙坪坝区", {}),
    (120, "北仑区", {}),
    (107, "北仑区", {}),
]
CHANGES = {"finished", "better", "kept", "worse", "dropped", "new"}
RANK = {"not_started": 1, "behind": 2, "in_progress": 3, "ongoing": 3, "completed": 4}


def page_load(page: int, county: str, given: dict) -> ReportLoad:
    data = (PAGES / f"{page}.txt").read_bytes()
    meta = infer_metadata(data.decode("utf-8"))
    if meta.county is not None:
        assert meta.county == county, page
    as_of = given.get("as_of") or meta.as_of
    parsed = parse_report(data, f"{page}.txt", as_of=as_of, plan_year=meta.plan_year, period_type=meta.period_type)
    return ReportLoad(
        county=county, plan_year=meta.plan_year, as_of=as_of, period_type=meta.period_type,
        sha256=hashlib.sha256(data).hexdigest(), file_name=f"{page}.txt", records=parsed.records,
        findings=parsed.findings, format=parsed.format, parser_version="test",
    )


@pytest.fixture(scope="module")
def real_db(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("yoy-real") / "warehouse.duckdb"
    con = connect(path)
    loads = [page_load(*r) for r in REPORTS]
    assert [(ld.plan_year, ld.period_type) for ld in loads] == [
        (2022, "plan"), (2022, "quarterly"), (2023, "half_year"),
        (2021, "quarterly"), (2021, "quarterly"), (2022, "plan"), (2022, "half_year"), (2022, "year_end"),
        (2024, "plan"), (2024, "monthly"),
    ]
    results = load_reports(con, loads)
    assert all(isinstance(r, LoadResult) and r.outcome == "loaded" for r in results), results
    plan = plan_links(fetch_tasks(con), [])
    write_links(con, plan.links, plan.thread_of, plan.findings, None)
    con.close()
    return str(path)


def test_links_found_across_years(real_db):
    got = rows(
        real_db,
        "SELECT c.county_name, a.plan_year, a.task_text, b.plan_year, b.task_text, l.method, l.decision "
        "FROM task_link l JOIN dim_task a ON a.task_key = l.from_task_key JOIN dim_task b ON b.task_key = l.to_task_key "
        "JOIN dim_county c ON c.county_key = a.county_key ORDER BY ALL",
    )
    assert got == [
        ("沙坪坝区", 2021, "固定资产投资总额增长8%", 2022, "固定资产投资增长6%左右", "ngram", "accepted"),
        ("沙坪坝区", 2021, "地区生产总值增长6%以上", 2022, "地区生产总值增长5.5%左右", "ngram", "accepted"),
    ]


def test_only_counties_with_both_years(real_db):
    # 北仑区 has 2024 only: nothing to compare
    assert rows(real_db, "SELECT DISTINCT county, from_year, to_year FROM v_year_over_year ORDER BY 1") == [
        ("临安区", 2022, 2023), ("沙坪坝区", 2021, 2022),
    ]
    assert rows(real_db, "SELECT county, from_year, to_year FROM v_year_over_year_county ORDER BY 1") == [
        ("临安区", 2022, 2023), ("沙坪坝区", 2021, 2022),
    ]


def test_every_task_of_both_years_is_on_one_side(real_db):
    tasks = dict(
        ((c, y), n) for c, y, n in rows(
            real_db, "SELECT c.county_name, t.plan_year, count(*) FROM dim_task t JOIN dim_county c USING (county_key) GROUP BY ALL"
        )
    )
    got = rows(
        real_db,
        "SELECT county, from_year, to_year, count(DISTINCT from_task_key), count(DISTINCT to_task_key) "
        "FROM v_year_over_year GROUP BY ALL ORDER BY 1",
    )
    assert got == [(c, y0, y1, tasks[(c, y0)], tasks[(c, y1)]) for c, y0, y1 in [("临安区", 2022, 2023), ("沙坪坝区", 2021, 2022)]]


def test_change_agrees_with_the_statuses(real_db):
    got = rows(real_db, "SELECT from_task_key, from_status, to_task_key, to_status, change FROM v_year_over_year")
    assert got
    for fk, fs, tk, ts, change in got:
        assert change in CHANGES
        assert fk is not None or tk is not None
        if change == "new":
            assert fk is None and tk is not None
        elif change == "finished":
            assert tk is None and fs == "completed"
        elif change == "dropped":
            assert tk is None and fs != "completed"
        else:
            assert fk is not None and tk is not None
            ra, rb = RANK.get(fs), RANK.get(ts)
            want = "kept" if ra is None or rb is None or ra == rb else ("better" if rb > ra else "worse")
            assert change == want, (fs, ts, change)


def test_linan_shares_no_task(real_db):
    got = dict(rows(real_db, "SELECT change, count(*) FROM v_year_over_year WHERE county = '临安区' GROUP BY 1"))
    # 104: eight of its ten targets completed by September, 农村公路 and 保障性住房 not; 105: seven tasks
    assert got == {"finished": 8, "dropped": 2, "new": 7}
    assert rows(
        real_db, "SELECT from_text FROM v_year_over_year WHERE county = '临安区' AND change = 'dropped' ORDER BY from_seq"
    ) == [("实施农村公路大中修100公里。",), ("新建成保障性住房1700套。",)]
    # the 2022 side stands as of the September report, not the plan
    assert rows(real_db, "SELECT DISTINCT from_as_of FROM v_year_over_year WHERE county = '临安区' AND from_task_key IS NOT NULL") == [
        (date(2022, 9, 30),)
    ]


def test_shapingba_pairs(real_db):
    got = rows(
        real_db,
        "SELECT from_text, from_status, from_as_of, to_text, to_status, to_as_of, change FROM v_year_over_year "
        "WHERE county = '沙坪坝区' AND from_task_key IS NOT NULL ORDER BY from_as_of, from_seq",
    )
    assert got == [
        # the 2022 versions are only in the plan breakdown: no status yet, so kept
        ("地区生产总值增长6%以上", "in_progress", date(2021, 3, 31), "地区生产总值增长5.5%左右", None, None, "kept"),
        ("固定资产投资总额增长8%", "in_progress", date(2021, 3, 31), "固定资产投资增长6%左右", None, None, "kept"),
        # the September lagging list: behind, no 2022 version
        ("黄金湾·智谷企业入驻率达70%。", "behind", date(2021, 9, 30), None, None, None, "dropped"),
        ("新建5G基站1500个。", "behind", date(2021, 9, 30), None, None, None, "dropped"),
    ]
    # a pair shares its thread
    assert rows(
        real_db, "SELECT count(*) FROM v_year_over_year WHERE from_task_key IS NOT NULL AND to_task_key IS NOT NULL "
                 "AND thread_key IS DISTINCT FROM (SELECT thread_key FROM dim_task WHERE task_key = to_task_key)"
    ) == [(0,)]
    # 2022: the ten headline targets of 158, the five of 163 and the eight of 164, 164's 新山路 and
    # 奔驰 rows matched to 163's; two continue 2021, the rest are new
    assert rows(real_db, "SELECT count(*) FROM v_year_over_year WHERE county = '沙坪坝区' AND change = 'new'") == [(19,)]
    # the 2022 lagging lists give their tasks 'behind' as of their own date, the year-end list last
    assert rows(
        real_db, "SELECT to_as_of, to_status, count(*) FROM v_year_over_year WHERE county = '沙坪坝区' AND change = 'new' GROUP BY ALL ORDER BY ALL"
    ) == [(date(2022, 6, 30), "behind", 3), (date(2022, 12, 31), "behind", 8), (None, None, 8)]


def test_county_summary_agrees_with_the_rows(real_db):
    summary = rows(real_db, "SELECT * FROM v_year_over_year_county ORDER BY county")
    for row in summary:
        county, y0, y1, n0, n1, c0, s0, c1, s1, finished, better, kept, worse, dropped, new, carried = row
        per = rows(
            real_db,
            "SELECT count(DISTINCT from_task_key), count(DISTINCT to_task_key), "
            "count(DISTINCT from_task_key) FILTER (WHERE from_status = 'completed'), "
            "count(DISTINCT to_task_key) FILTER (WHERE to_status = 'completed'), "
            "count(DISTINCT from_task_key) FILTER (WHERE to_task_key IS NOT NULL AND from_status IS DISTINCT FROM 'completed') "
            "FROM v_year_over_year WHERE county = ? AND from_year = ?",
            [county, y0],
        )
        assert per == [(n0, n1, c0, c1, carried)]
        changes = dict(rows(real_db, "SELECT change, count(*) FROM v_year_over_year WHERE county = ? GROUP BY 1", [county]))
        assert (finished, better, kept, worse, dropped, new) == tuple(
            changes.get(c, 0) for c in ("finished", "better", "kept", "worse", "dropped", "new")
        )
        assert s0 == round(c0 / n0, 4) and s1 == round(c1 / n1, 4)
    assert [r[:5] + r[7:] for r in summary] == [
        # county, N, N+1, tasks N, tasks N+1, completed N+1 …, finished, better, kept, worse, dropped, new, carried
        ("临安区", 2022, 2023, 10, 7, 0, 0.0, 8, 0, 0, 0, 2, 7, 0),
        ("沙坪坝区", 2021, 2022, 4, 21, 0, 0.0, 0, 0, 2, 0, 2, 19, 2),
    ]
    assert [r[5:7] for r in summary] == [(8, 0.8), (0, 0.0)]
