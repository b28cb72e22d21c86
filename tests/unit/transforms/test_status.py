"""Status, evidence, confidence, 序时 and meaning-based quality findings on the reference report."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from tests.helpers import EXCERPTS, FIXTURES
from transforms.normalize import TaskRecord
from transforms.pipeline import parse_report
from transforms.status import annotate_record, classify_explicit, expected_progress

LABELS = FIXTURES / "labels" / "jishui-2020-status.csv"


def rec(parsed, table_no: int, seq: int):
    return next(r for r in parsed.records if r.table_no == table_no and r.seq == seq)


def findings(parsed, rule: str) -> list:
    return [f for f in parsed.findings if f.rule == rule]


@pytest.mark.parametrize(
    ("table_no", "seq", "status", "evidence_part"),
    [
        (1, 1, "completed", "5500个"),
        (1, 10, "behind", "100个"),
        (1, 9, "completed", "2702.08亩"),
        (2, 55, "not_started", "暂未开工"),
        (2, 27, "behind", "未通过"),
        (2, 11, "behind", "1.08亿元"),
        (2, 60, "behind", "74个"),
        (2, 63, "completed", "已实现"),
        (2, 33, "ongoing", "持续"),
        (2, 7, "behind", "正在"),  # under way, not finished, in a year-end report: behind
        (2, 72, "completed", "试运行"),  # built, running on trial
        (2, 50, "behind", "编制规划"),  # only the plans are done where building was asked
        (2, 43, "not_started", "设计规划方案"),  # 启动 asked, only paperwork done
        (2, 9, "behind", "11个"),  # 年内实现…: figures of a project under way, not a standing duty's
        (2, 73, "unknown", "21.34"),  # 控制在上级下达目标之内: nothing to compare the figure with
        (2, 113, "ongoing", "严格"),
        (2, 39, "behind", "土建工程"),  # 投入使用 asked, the building accepted: an earlier stage  # a standing duty restated with what was done
    ],
)
def test_named_rows(reference_parsed, table_no, seq, status, evidence_part):
    r = rec(reference_parsed, table_no, seq)
    assert r.status == status, (r.status, r.status_evidence)
    assert evidence_part in (r.status_evidence or "")
    # the evidence is a substring of the progress text it came from
    assert r.status_evidence in r.progress[-1]["text"] or r.status_evidence in r.task_text


def test_numbers_outrank_words_and_on_schedule(reference_parsed):
    # 其他 14: 实现主营收入207.2亿元 sounds done; 207.2/260 = 0.80 < 序时 12/12 (a year-end report)
    r = rec(reference_parsed, 2, 14)
    assert r.status == "behind" and r.on_schedule is False and r.expected_progress == pytest.approx(1.0)
    # 民生实事 1 is complete and on schedule with high confidence
    r = rec(reference_parsed, 1, 1)
    assert (r.status_confidence, r.on_schedule) == ("high", True)


def test_meaning_findings(reference_parsed):
    mag = findings(reference_parsed, "meaning.implausible_magnitude")
    assert [(f.table_no, f.seq) for f in mag] == [(2, "62")] and "290530亿元" in mag[0].message
    assert mag[0].severity == "warning"
    over = findings(reference_parsed, "meaning.completion_over_100")
    assert [(f.table_no, f.seq) for f in over] == [(1, "9")] and "102.07%" in over[0].message
    rep = {(f.table_no, f.seq) for f in findings(reference_parsed, "meaning.progress_repeats_task")}
    assert (2, "87") in rep and (2, "1") not in rep
    assert rec(reference_parsed, 2, 87).status == "unknown" and rec(reference_parsed, 2, 87).status_confidence == "low"


def _record(task: str, progress: list[tuple[str, str]], status_raw: str | None = None) -> TaskRecord:
    return TaskRecord(
        table_no=1, table_title=None, part=None, section=None, seq=1, project=None, task_text=task, target_text=None,
        leaders=[], lead_units=["县民政局"], units=[], co_units=[], deadline=None,
        progress=[{"label": lab, "text": t} for lab, t in progress], status_raw=status_raw, issues=None, note=None,
        line_start=1, line_end=1,
    )


def test_explicit_column_outranks_text_and_latest_progress_column_is_used():
    # 崇川: 1-10月 / 1-11月 columns and 是否达序 = 否
    r = _record(
        "新增四分类“三定一督”达标小区210个。",
        [("1-10月推进情况", "已完成。"), ("1-11月推进情况", "在46个小区,建成38个厢房,70个分类亭。")],
        status_raw="否",
    )
    annotate_record(r, date(2023, 11, 30), 2023)
    assert (r.status, r.status_confidence, r.on_schedule) == ("behind", "high", False)
    assert r.expected_progress == pytest.approx(11 / 12, abs=1e-4)
    r = _record("建设“四好农村路”50公里。", [("当前进展情况", "完工建设50.52公里。")], status_raw="正常推进")
    annotate_record(r, date(2023, 11, 29), 2023)
    assert r.status == "in_progress" and r.status_evidence == "正常推进"
    assert r.metrics[0]["met"] is True  # the figures are still recorded
    assert classify_explicit("已完成").status == "completed" and classify_explicit("滞后").status == "behind"


def test_percent_against_schedule_on_cangnan_excerpt():
    data = (EXCERPTS / "cangnan-2022-livelihood-progress-1031.txt").read_bytes()
    parsed = parse_report(data, "cangnan.txt", as_of=date(2022, 10, 31), plan_year=2022)
    by_seq = {r.seq: r for r in parsed.records}
    assert (by_seq[8].status, by_seq[8].status_evidence) == ("behind", "22%")  # 22%(严重滞后)
    assert by_seq[2].status == "in_progress" and by_seq[2].on_schedule is True  # 95% > 10/12
    assert by_seq[11].status == "behind" and by_seq[11].on_schedule is False  # 70% < 10/12


def test_expected_progress():
    assert expected_progress(date(2020, 11, 30), 2020) == pytest.approx(0.9167)
    assert expected_progress(date(2021, 1, 5), 2020) == 1.0
    assert expected_progress(None, 2020) is None


def test_agreement_with_labels(reference_parsed):
    """The committed hand labels: clear-cut rows must agree at least 90 %, and no high-confidence miss."""
    with LABELS.open(encoding="utf-8") as fh:
        labels = {(int(r["table_no"]), int(r["seq"])): r for r in csv.DictReader(fh)}
    assert len(labels) == 130
    got = {(r.table_no, r.seq): r for r in reference_parsed.records}
    clear = [k for k, v in labels.items() if v["clear"] == "yes"]
    agree = sum(1 for k in clear if got[k].status == labels[k]["status"])
    assert agree / len(clear) >= 0.9
    overall = sum(1 for k in labels if got[k].status == labels[k]["status"])
    assert overall / len(labels) >= 0.92
    wrong_high = [k for k in labels if got[k].status != labels[k]["status"] and got[k].status_confidence == "high"]
    assert wrong_high == []


def test_on_schedule_yes_with_finished_text_is_completed():
    # 崇川 row 26: 是否达序 = 是 and the latest column reports both targets reached
    r = _record(
        "新建建筑垃圾中转站8个、建筑垃圾分类池20个。",
        [("1-10月推进情况", "已建成建筑垃圾中转站3个、分类池10个;其余点位已启动建设流程。"), ("1-11月推进情况", "已建成建筑垃圾中转站8个、分类池20个。")],
        status_raw="是",
    )
    annotate_record(r, date(2023, 11, 30), 2023)
    assert (r.status, r.on_schedule) == ("completed", True)
    r.progress[-1]["text"] = "已建成建筑垃圾中转站7个、分类池17个。"
    annotate_record(r, date(2023, 11, 30), 2023)
    assert (r.status, r.status_evidence, r.on_schedule) == ("in_progress", "是", True)


def test_incomparable_units_finding():
    r = _record("新增绿化面积387亩。", [("当前进展情况", "新增绿化面积投入387万元。")])
    found = annotate_record(r, date(2023, 11, 29), 2023)
    rules = [f.rule for f in found]
    assert "meaning.incomparable_units" in rules
    assert all(m["actual_value"] is None for m in r.metrics if m["target_text"] == "387亩")


def test_explicit_verdict_of_each_sub_item_is_its_own():
    """汶上 task 1: seven sub-items, five 已完成 and two 正常推进: each sub-task takes its own verdict."""
    from datetime import date

    from tests.helpers import EXCERPTS
    from transforms.pipeline import parse_report

    name = "wenshang-2023-livelihood-progress.txt"
    parsed = parse_report((EXCERPTS / name).read_bytes(), name, as_of=date(2023, 11, 29), plan_year=2023)
    assert [(r.sub_seq, r.status_raw, r.status, r.status_evidence) for r in parsed.records] == [
        (0, "已完成", "completed", "已完成"),
        (1, "已完成", "completed", "已完成"),
        (2, "已完成", "completed", "已完成"),
        (3, "已完成", "completed", "已完成"),
        (4, "正常推进", "in_progress", "正常推进"),
        (5, "已完成", "completed", "已完成"),
        (6, "正常推进", "in_progress", "正常推进"),
    ]


@pytest.mark.parametrize(
    ("task", "progress", "status", "rule_words"),
    [
        # trial operation follows completion; something else still under way keeps it in progress
        ("加快污水处理站建设。", "3个污水处理站已完成,目前正在试运行。", "completed", "试运行"),
        ("加快污水处理站建设。", "1个污水处理站正在试运行,2个正在施工。", "in_progress", "正在"),
        # paperwork said done is not the building done
        ("加快村污水处理设施建设。", "已完成全县编制规划和试点任务。", "in_progress", "编制规划"),
        ("加快污水处理设施建设。", "已完成设施建设。", "completed", "已完成"),
        # put to use asked, only the building reported: an earlier stage
        ("推动城东垃圾压缩站投入使用。", "完成城东垃圾压缩站土建工程,并通过验收。", "in_progress", "土建工程"),
        ("推动城东垃圾压缩站投入使用。", "城东垃圾压缩站已建成并投入使用。", "completed", "投入使用"),
        # a task asking to establish something, said established
        ("引导建立村级河道管护机制。", "建立了河长巡查制度。", "completed", "建立了"),
        # a batch of something, counted
        ("储备一批文化旅游项目。", "已储备文化旅游项目12个。", "completed", "12个"),
        # a target without a figure, reported as a figure
        ("PM10浓度控制在上级下达目标之内。", "PM10均值45ug/m3。", "unknown", "45ug/m3"),
        # figures for a task with a deadline: under way; without one: activities of a standing duty
        ("年内实现全县村村通公交。", "已开通公交线路12条。", "in_progress", "12条"),
        ("推动全县公交线路优化。", "已开通公交线路12条。", "ongoing", "12条"),
    ],
)
def test_general_word_rules(task, progress, status, rule_words):
    r = _record(task, [("落实情况", progress)])
    annotate_record(r, date(2020, 6, 30), 2020)
    assert (r.status, rule_words in (r.status_evidence or "")) == (status, True), r.status_evidence


def test_a_restatement_is_unknown_only_when_nearly_word_for_word():
    task = "深入推进乡镇行政管理体制机制改革,提升乡镇发展与治理的动力活力。"
    r = _record(task, [("落实情况", "全面推进乡镇行政管理体制机制改革,提升乡镇发展与治理的动力活力。")])
    annotate_record(r, date(2020, 6, 30), 2020)
    assert r.status == "unknown"
    r = _record(task, [("落实情况", "推进乡镇行政管理体制机制改革,完成乡镇机构设置调整。")])
    annotate_record(r, date(2020, 6, 30), 2020)
    assert r.status == "ongoing"
