"""Meaning of figures: negated and forecast clauses, stages, share bases, plausible pairs, names.

Named rows of the reference report and the period fixtures, and the rules on small texts."""

from __future__ import annotations

from functools import cache

import pytest

from tests.helpers import FIXTURES, REFERENCE, SAMPLES
from transforms.metrics import pair
from transforms.pipeline import parse_report
from transforms.quantities import extract, unit_rules

SAMPLES_EXCERPTS = SAMPLES / "real-excerpts"

JUNE = FIXTURES / "periods" / "jishui-2020-06-synthetic-progress.txt"


@cache
def _records(path: str) -> dict[tuple[int, int], object]:
    from pathlib import Path

    p = Path(path)
    return {(r.table_no, r.seq): r for r in parse_report(p.read_bytes(), p.name).records}


def test_a_figure_in_a_clause_that_says_not_yet_is_no_result():
    r = _records(str(JUNE))[(1, 4)]  # 6个乡镇供水管网设施建设暂未开工
    assert r.targets and r.targets[0]["value"] == 6.0
    assert r.actuals == []
    assert not any(m["met"] for m in r.metrics)
    assert r.status != "completed" and "暂未开工" in (r.status_evidence or "")


@pytest.mark.parametrize(
    "text",
    ["尚贤、冠山等6个乡镇供水管网设施建设暂未开工", "3个项目尚未动工", "还未完成的5个村", "计划完成8个", "预计年底可建成12个"],
)
def test_negated_and_forecast_figures_are_not_results(text):
    qs = extract(text)
    assert qs and not any(q.is_result for q in qs)
    assert extract(text, forecasts=False) == []


@pytest.mark.parametrize("text", ["已建成6个", "完成投资3000万元", "新增学位5500个"])
def test_plain_results_stay_results(text):
    assert [q.is_result for q in extract(text)] == [True]


def test_a_result_at_an_earlier_stage_does_not_measure_the_target():
    target = extract("年内建成10个村级养老服务站")[0]
    started = extract("已开工10个")[0]
    nearly = extract("10个已基本完工")[0]
    done = extract("已建成10个")[0]
    assert (target.stage, started.stage, nearly.stage, done.stage) == ("done", "started", "nearly", "done")
    for early in (started, nearly):
        assert pair([target], [early])[0].actual is None
    assert pair([target], [done])[0].actual is done


def test_shares_of_different_bases_never_pair():
    r = _records(str(REFERENCE))[(2, 90)]  # R&D 占GDP比重 1.4 % vs 占主营业务收入的比 1.42 %
    assert r.targets[0]["value"] == 1.4 and r.actuals[0]["value"] == 1.42
    assert all(m["actual_value"] is None or m["target_value"] is None for m in r.metrics)
    assert r.status != "completed"
    same = pair(extract("R&D经费投入占GDP比重达到1.4%以上"), extract("研发经费占GDP比重为1.5%"))
    assert same[0].actual is not None and same[0].met is True


def test_a_result_pairs_with_the_target_of_plausible_magnitude():
    r = _records(str(REFERENCE))[(1, 6)]  # 3个 and 31个 老旧小区; 12个小区已基本改造完成
    by_target = {m["target_value"]: m for m in r.metrics if m["target_value"] is not None}
    assert by_target[3.0]["actual_value"] is None  # never 12 of 3, met at 400 %
    assert by_target[31.0]["actual_value"] == 12.0 and by_target[31.0]["met"] is False
    assert r.status == "behind"


def test_metric_names_are_never_classifiers_fillers_or_single_characters():
    rules = unit_rules()
    names = [
        m["metric"]
        for path in (REFERENCE, JUNE)
        for r in _records(str(path)).values()
        for m in r.metrics
    ]
    assert len(names) > 100
    bad = [n for n in names if n and (len(n) < 2 or n in rules.units or n in rules.metric_stopwords or n[0] in "&、")]
    assert bad == []


def test_a_plan_row_is_unknown_with_no_confidence():
    plan = FIXTURES / "periods" / "jishui-2021-synthetic-plan.txt"
    recs = parse_report(plan.read_bytes(), plan.name, plan_year=2021, period_type="plan").records
    assert len(recs) > 100
    assert {(r.status, r.status_confidence) for r in recs} == {("unknown", "none")}


@pytest.mark.parametrize(
    ("as_of", "period", "expected"),
    [
        ((2020, 8, 31), "monthly", 8 / 12),
        ((2020, 8, 31), "quarterly", 9 / 12),  # 1-8月 in a quarterly report: the third quarter's end
        ((2020, 5, 31), "half_year", 6 / 12),
        ((2020, 11, 30), "year_end", 1.0),
        ((2020, 11, 30), None, 11 / 12),
        ((2021, 1, 31), "monthly", 1.0),  # after the plan year
    ],
)
def test_expected_progress_follows_the_period(as_of, period, expected):
    from datetime import date

    from transforms.status import expected_progress

    assert expected_progress(date(*as_of), 2020, period) == pytest.approx(expected, abs=1e-4)


def test_a_year_end_report_calls_unfinished_work_behind_and_flags_its_own_verdict():
    from datetime import date

    ref = parse_report(REFERENCE.read_bytes(), REFERENCE.name, as_of=date(2020, 11, 30), plan_year=2020, period_type="year_end")
    monthly = parse_report(REFERENCE.read_bytes(), REFERENCE.name, as_of=date(2020, 11, 30), plan_year=2020, period_type="monthly")
    by_key = {(r.table_no, r.seq): r for r in monthly.records}
    assert not any(r.status == "in_progress" for r in ref.records)
    moved = [r for r in ref.records if by_key[(r.table_no, r.seq)].status == "in_progress"]
    assert moved and all(r.status == "behind" for r in moved)
    assert {r.status for r in ref.records if r.status_confidence != "none"} >= {"ongoing", "completed", "behind"}
    # 崇川 24: 是否达序 = 是 at 60 % against 序时: the report's verdict stands, with a warning
    ex = SAMPLES_EXCERPTS / "chongchuan-2023-livelihood-progress-jan-nov.txt"
    got = parse_report(ex.read_bytes(), ex.name, as_of=date(2023, 11, 30), plan_year=2023, period_type="monthly")
    r24 = next(r for r in got.records if r.seq == 24)
    assert r24.status_raw == "是" and r24.status == "in_progress"
    flags = [f for f in got.findings if f.rule == "meaning.status_contradicts_schedule" and f.seq == "24"]
    assert flags and flags[0].severity == "warning" and "60%" in flags[0].message


def test_an_increment_is_not_a_level_and_is_flagged():
    from transforms.normalize import TaskRecord
    from transforms.status import annotate_record

    target = extract("新增义务教育学位5000个")[0]
    level = extract("全县义务教育学位总数达8000个")[0]
    assert (target.kind, level.kind) == ("increment", "level")
    assert pair([target], [level])[0].actual is None
    assert pair([target], extract("新增义务教育学位5500个"))[0].met is True
    rec = TaskRecord(
        table_no=1, table_title=None, part=None, section=None, seq=1, project=None,
        task_text="新增义务教育学位5000个。", target_text=None, leaders=[], lead_units=[], units=[], co_units=[],
        deadline=None, progress=[{"label": "落实情况", "text": "全县义务教育学位总数达8000个。"}], status_raw=None,
        issues=None, note=None, line_start=1, line_end=1,
    )
    findings = annotate_record(rec, None, 2020)
    assert [f.rule for f in findings if f.rule == "meaning.increment_vs_level"] == ["meaning.increment_vs_level"]
    assert rec.status != "completed"


def _results_of(record, target_text: str) -> list[tuple[int, str]]:
    """(result_rank, actual_text) of the metric rows of one target of a record."""
    return sorted((m["result_rank"], m["actual_text"]) for m in record.metrics if m["target_text"] == target_text and m["actual_text"])


def test_a_target_keeps_every_result_that_measures_it_and_is_judged_by_the_best():
    from transforms.normalize import TaskRecord
    from transforms.status import annotate_record

    pairs = pair(extract("新建城市书房10个"), extract("已建成城市书房4个,城市书房在建6个"))
    assert [(p.actual.text, p.rank, p.met) for p in pairs if p.actual is not None] == [("4个", 1, False), ("6个", 2, False)]
    rec = TaskRecord(
        table_no=1, table_title=None, part=None, section=None, seq=1, project=None,
        task_text="新建城市书房10个。", target_text=None, leaders=[], lead_units=[], units=[], co_units=[],
        deadline=None, progress=[{"label": "落实情况", "text": "已建成城市书房4个,城市书房在建6个。"}], status_raw=None,
        issues=None, note=None, line_start=1, line_end=1,
    )
    annotate_record(rec, None, 2020)
    assert [(m["actual_text"], m["result_rank"]) for m in rec.metrics] == [("4个", 1), ("6个", 2)]
    assert rec.status == "behind" and rec.reported_pct == 0.4  # judged by 4 of 10, not by 4 + 6
    # a real page: the 集中供养 standard raised to 2200元 for two groups of districts: two results, one target
    page = FIXTURES / "realpages" / "170.txt"
    r = next(r for r in parse_report(page.read_bytes(), page.name).records if any(t["text"] == "1400元" for t in r.targets))
    assert _results_of(r, "2200元") == [(1, "2200元"), (2, "2200元")]
    assert _results_of(r, "1400元") == [(1, "1400元")] and _results_of(r, "1180元") == [(1, "1180元")]


def test_no_result_is_invented_for_a_target():
    # 签约项目27个 counts all signed projects, not the 亿元以上项目 of the target: it stays a result alone
    r = _records(str(REFERENCE))[(2, 97)]
    assert _results_of(r, "20个以上") == [(1, "25个")]
    assert [m["actual_text"] for m in r.metrics if m["target_text"] is None] == ["27个"]
    # 6个乡镇供水管网已完成铺设4个: the 6 restates the target beside its result, it is no second result
    sept = parse_report((FIXTURES / "periods" / "jishui-2021-09-synthetic-progress.txt").read_bytes(), "x.txt").records
    r = next(r for r in sept if (r.table_no, r.seq) == (1, 4))
    assert _results_of(r, "6个") == [(1, "4个")]
    # 70个分类亭 is not a 达标小区 (one shared character pair is not the same noun phrase)
    ex = SAMPLES_EXCERPTS / "chongchuan-2023-livelihood-progress-jan-nov.txt"
    r = next(r for r in parse_report(ex.read_bytes(), ex.name).records if r.seq == 25)
    assert _results_of(r, "210个") == [(1, "46个")]
    # a result measures one target at most, and every result row appears once
    for rec in _records(str(REFERENCE)).values():
        texts = [(m["actual_text"], m["result_rank"]) for m in rec.metrics if m["actual_text"]]
        assert len(texts) == len(rec.actuals)
