"""Deadlines from 完成时限 cells and task texts (transforms/deadlines.py)."""

from __future__ import annotations

from datetime import date

import pytest

from transforms.deadlines import find_deadline


@pytest.mark.parametrize(
    ("text", "phrase", "when"),
    [
        ("2020年12月底", "2020年12月底", date(2020, 12, 31)),
        ("年底前", "年底前", date(2020, 12, 31)),
        ("6月底前建成城南二小", "6月底前", date(2020, 6, 30)),
        ("三季度", "三季度", date(2020, 9, 30)),
        ("第一季度末", "第一季度末", date(2020, 3, 31)),
        ("上半年", "上半年", date(2020, 6, 30)),
        ("2021年12月", "2021年12月", date(2021, 12, 31)),
        ("9月投入使用", "9月", date(2020, 9, 30)),
        ("全年", "全年", date(2020, 12, 31)),
        ("年内启动尚贤、冠山等6个乡镇供水管网设施建设", "年内", date(2020, 12, 31)),
        ("2023年6月30日", "2023年6月30日", date(2023, 6, 30)),
        ("6月30日前", "6月30日前", date(2020, 6, 30)),
        ("十月底", "十月底", date(2020, 10, 31)),
    ],
)
def test_deadline_phrases(text, phrase, when):
    d = find_deadline(text, 2020)
    assert d is not None and (d.text, d.date, d.standing) == (phrase, when, False)


@pytest.mark.parametrize("text", ["长期坚持", "持续推进", "常态化开展"])
def test_standing_duties_have_no_deadline(text):
    d = find_deadline(text, 2020)
    assert d is not None and d.standing and d.date is None


@pytest.mark.parametrize("text", ["推进城乡供水一体化建设", "1-9月完成投资", "建设3个月内投用的站点", "", None])
def test_texts_without_a_deadline(text):
    assert find_deadline(text, 2020) is None


def test_without_a_plan_year_only_a_written_year_gives_a_date():
    assert find_deadline("6月底前", None).date is None
    assert find_deadline("2022年6月底前", None).date == date(2022, 6, 30)


# --------------------------------------------------------------------------- on real reports

def _by_seq(records):
    return {(r.table_no, r.seq): r for r in records}


def test_task_text_deadlines_of_the_reference_report(reference_parsed):
    recs = _by_seq(reference_parsed.records)
    for key, phrase in {(1, 4): "年内", (1, 7): "年内", (2, 18): "年内", (2, 45): "年内", (2, 90): "全年", (2, 99): "全年"}.items():
        r = recs[key]
        assert (r.deadline_text, r.deadline_date, r.deadline_basis) == (phrase, date(2020, 12, 31), "task_text"), key
    # 持续推进城市治脏… and 坚持…推进常态化备灾 are standing duties: no deadline
    for key in ((2, 33), (2, 106)):
        r = recs[key]
        assert (r.deadline_text, r.deadline_date, r.deadline_basis) == (None, None, "standing_duty"), key
    # 持续改善小区环境,全面完成…老旧小区改造 opens with 持续 but is a project, and states no deadline
    assert (recs[(1, 6)].deadline_basis, recs[(1, 6)].deadline_date) == (None, None)
    assert sum(r.deadline_basis == "standing_duty" for r in recs.values()) >= 20


def test_deadlines_of_the_period_fixtures_take_each_plan_year():
    from tests.helpers import FIXTURES
    from transforms.pipeline import parse_report

    june = _by_seq(parse_report((FIXTURES / "periods" / "jishui-2020-06-synthetic-progress.txt").read_bytes(),
                                "jishui-2020-06-synthetic-progress.txt", as_of=date(2020, 6, 30), plan_year=2020).records)
    assert (june[(1, 4)].deadline_text, june[(1, 4)].deadline_date) == ("年内", date(2020, 12, 31))
    assert june[(2, 33)].deadline_basis == "standing_duty" and june[(2, 33)].deadline_date is None
    sep = parse_report((FIXTURES / "periods" / "jishui-2021-09-synthetic-progress.txt").read_bytes(),
                       "jishui-2021-09-synthetic-progress.txt", as_of=date(2021, 9, 30), plan_year=2021).records
    dated = [r for r in sep if r.deadline_date is not None]
    assert dated and all(r.deadline_date == date(2021, 12, 31) for r in dated if r.deadline_text in ("年内", "全年"))


def test_a_deadline_cell_wins_over_the_task_text_and_long_term_cells_are_standing():
    from transforms.deadlines import task_deadline

    assert task_deadline("2020年9月底", "年内完成9座水库除险加固", 2020) == ("2020年9月底", date(2020, 9, 30), "deadline_column")
    assert task_deadline("长期坚持", "年内完成9座水库除险加固", 2020) == (None, None, "standing_duty")
    assert task_deadline("按上级要求", "6月底前建成城南二小", 2020) == ("6月底前", date(2020, 6, 30), "task_text")
    assert task_deadline(None, "巩固2019年12月已建成的成果,年内完成验收", 2020) == ("年内", date(2020, 12, 31), "task_text")
    assert task_deadline(None, "坚持党建引领", 2020, standing_duty=True) == (None, None, "standing_duty")
    assert task_deadline(None, "推进城乡供水一体化建设", 2020) == (None, None, None)


# --------------------------------------------------------------------------- reported progress

def _annotated(task: str, progress: str, as_of: date = date(2020, 10, 31)):
    from transforms.normalize import TaskRecord
    from transforms.status import annotate_record

    r = TaskRecord(1, None, None, None, 1, None, task, None, ["张三"], [], ["县发改委"], [], None,
                   [{"label": "进展情况", "text": progress}], None, None, None, 1, 1)
    annotate_record(r, as_of, 2020)
    return r


@pytest.mark.parametrize(
    ("task", "progress", "pct"),
    [
        ("完成棚户区改造1200户", "已完成年度任务的85%。", 0.85),
        ("扎实推进重点项目建设", "完成投资72%,开工率80%。", 0.72),
        ("建设产业园标准厂房,计划投资6000万元", "累计完成投资3000万元。", 0.5),
        ("推进全域旅游", "正在推进。", None),
    ],
)
def test_reported_pct_and_its_gap_to_schedule(task, progress, pct):
    r = _annotated(task, progress)
    assert r.reported_pct == (pytest.approx(pct) if pct is not None else None)
    if pct is None:
        assert r.pct_gap is None
    else:
        assert r.pct_gap == pytest.approx(pct - 10 / 12, abs=1e-4)


def test_reported_pct_on_the_reference_report(reference_parsed):
    recs = _by_seq(reference_parsed.records)
    r = recs[(1, 9)]  # 完工率达102.07%
    assert r.reported_pct == pytest.approx(1.0207)
    assert r.pct_gap == pytest.approx(r.reported_pct - r.expected_progress, abs=1e-4)
    assert recs[(2, 60)].reported_pct == pytest.approx(0.70)  # 占计划开工项目的70%, 投资占比72%: the smaller
    # 在园人数占比达32.5% is the level of a 占比达到50% target, not a share of the work: the 学位 count is
    r = recs[(1, 3)]
    assert r.reported_pct != pytest.approx(0.325)
    assert r.reported_pct == pytest.approx(1290 / 1800, abs=1e-3)
    behind = sorted((r for r in recs.values() if r.pct_gap is not None), key=lambda r: r.pct_gap)
    assert behind[0].pct_gap < 0 < behind[-1].pct_gap and all(r.reported_pct >= 0 for r in behind)


# --------------------------------------------------------------------------- in the warehouse

PERIOD_REPORTS = [
    ("jishui-2020-06-synthetic-progress.txt", 2020, date(2020, 6, 30), "quarterly"),
    ("jishui-2020-11-real-progress.txt", 2020, date(2020, 11, 30), "year_end"),
    ("jishui-2021-synthetic-plan.txt", 2021, date(2021, 3, 10), "plan"),
    ("jishui-2021-09-synthetic-progress.txt", 2021, date(2021, 9, 30), "quarterly"),
]


@pytest.fixture(scope="module")
def periods(tmp_path_factory):
    """The four period fixtures as classified, loaded in one batch (the set-based insert path)."""
    import hashlib

    from tests.helpers import FIXTURES
    from transforms.pipeline import parse_report
    from warehouse.db import connect
    from warehouse.loader import ReportLoad, load_reports

    loads = []
    for name, year, as_of, period in PERIOD_REPORTS:
        data = (FIXTURES / "periods" / name).read_bytes()
        parsed = parse_report(data, name, as_of=as_of, plan_year=year)
        loads.append(ReportLoad(county="吉水县", plan_year=year, as_of=as_of, period_type=period, sha256=hashlib.sha256(data).hexdigest(),
                                file_name=name, records=parsed.records, findings=parsed.findings, format="text", parser_version="test"))
    path = tmp_path_factory.mktemp("deadlines") / "warehouse.duckdb"
    con = connect(path)
    assert [r.outcome for r in load_reports(con, loads)] == ["loaded"] * 4
    con.close()
    return path, loads


def _rows(path, query):
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        cur = con.execute(query)
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
    finally:
        con.close()


def test_the_warehouse_keeps_each_reports_deadline_and_share(periods):
    path, loads = periods
    # a row of a report is known by its lines (dim_task keeps a renumbered task's first 序号)
    got = {(r["as_of_date"], r["line_start"], r["line_end"]): r for r in _rows(path, """
        SELECT r.as_of_date, f.line_start, f.line_end, f.deadline_text, f.deadline_date, f.deadline_basis, f.reported_pct, f.pct_gap
        FROM fct_task_progress f JOIN dim_report r USING (report_key)""")}
    for ld in loads:
        for rec in ld.records:
            row = got[(ld.as_of, rec.line_start, rec.line_end)]
            assert (row["deadline_text"], row["deadline_date"], row["deadline_basis"]) == (rec.deadline_text, rec.deadline_date, rec.deadline_basis)
            assert row["reported_pct"] == (pytest.approx(rec.reported_pct) if rec.reported_pct is not None else None)
    june, nov = (_by_seq(ld.records) for ld in loads[:2])
    row = got[(date(2020, 6, 30), june[(1, 4)].line_start, june[(1, 4)].line_end)]
    assert (row["deadline_text"], row["deadline_date"], row["deadline_basis"]) == ("年内", date(2020, 12, 31), "task_text")
    assert got[(date(2020, 11, 30), nov[(2, 33)].line_start, nov[(2, 33)].line_end)]["deadline_basis"] == "standing_duty"
    assert got[(date(2020, 6, 30), june[(1, 9)].line_start, june[(1, 9)].line_end)]["reported_pct"] == pytest.approx(0.519)  # 完工率51.9%


def test_overdue_in_the_period_fixtures_is_judged_at_each_as_of_date(periods):
    path, loads = periods
    got = _rows(path, "SELECT * FROM v_task_overdue")
    want = set()
    for ld in loads:
        if ld.period_type == "plan":
            continue
        end = date(ld.plan_year, 12, 31)
        for rec in ld.records:
            if rec.status == "completed" or rec.deadline_basis == "standing_duty":
                continue
            due = rec.deadline_date or end
            if due < ld.as_of or (ld.period_type == "year_end" and due <= end):
                want.add((ld.as_of, rec.table_no, rec.seq, rec.sub_seq))
    assert {(r["as_of_date"], r["table_no"], r["seq"], r["sub_seq"]) for r in got} == want
    assert want and all(r["days_overdue"] == max((r["as_of_date"] - r["due_date"]).days, 0) for r in got)
    # the year-end report closes 2020; the quarterly reports before the deadlines have nothing overdue
    assert {r["as_of_date"] for r in got} == {date(2020, 11, 30)}
    assert {r["judged_by"] for r in got} == {"year_end_report"}
    assert {r["due_basis"] for r in got} == {"deadline", "plan_year_end"}


def test_furthest_behind_schedule_is_one_query(periods):
    path, loads = periods
    got = _rows(path, "SELECT plan_year, table_no, seq, sub_seq, reported_pct, expected_progress, pct_gap FROM v_task_latest "
                      "WHERE pct_gap IS NOT NULL ORDER BY pct_gap, task_key")
    latest = {2020: loads[1], 2021: loads[3]}
    want = sorted(
        (rec.pct_gap, y, rec.table_no, rec.seq, rec.sub_seq) for y, ld in latest.items() for rec in ld.records if rec.pct_gap is not None
    )
    assert [r["pct_gap"] for r in got] == pytest.approx([w[0] for w in want])
    assert (got[0]["plan_year"], got[0]["table_no"], got[0]["seq"]) == want[0][1:4]
    for r in got:
        assert r["pct_gap"] == pytest.approx(r["reported_pct"] - r["expected_progress"], abs=1e-4)


def test_a_warehouse_built_before_deadlines_gets_the_columns(tmp_path):
    import duckdb

    from warehouse.db import connect

    path = tmp_path / "old.duckdb"
    connect(path).close()
    con = duckdb.connect(str(path))
    for table in ("fct_task_progress", "task_current"):
        for col in ("deadline_text", "deadline_date", "deadline_basis", "reported_pct", "pct_gap"):
            con.execute(f"ALTER TABLE {table} DROP COLUMN {col}")
    con.execute("DELETE FROM schema_version")
    con.close()
    connect(path).close()
    cols = {(t, c) for t, c in duckdb.connect(str(path), read_only=True).execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE column_name IN ('deadline_date', 'pct_gap')").fetchall()}
    assert {("fct_task_progress", "deadline_date"), ("task_current", "pct_gap"), ("v_task_latest", "pct_gap")} <= cols
