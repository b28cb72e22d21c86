"""The real excerpts from four other counties: complete rows, the role of every column, named cells,
and the cut-off last row reported instead of invented."""

from __future__ import annotations

import pytest

from tests.helpers import EXCERPTS
from transforms.pipeline import parse_report
from transforms.readers import read_report

CANGNAN = "cangnan-2022-livelihood-progress-1031.txt"
CHONGCHUAN = "chongchuan-2023-livelihood-progress-jan-nov.txt"
DAYU = "dayu-2024-livelihood-progress-1210.txt"
WENSHANG = "wenshang-2023-livelihood-progress.txt"


def parsed(name: str):
    return parse_report((EXCERPTS / name).read_bytes(), name)


def by_seq(p) -> dict:
    return {r.seq: r for r in p.records}


def rules(p, rule: str) -> list:
    return [f for f in p.findings if f.rule == rule]


@pytest.mark.parametrize(
    ("name", "layout", "roles"),
    [
        (CANGNAN, "text/blank_separated", ["seq", "task", "progress", "lead_unit", "note"]),
        (
            CHONGCHUAN,
            "text/cell_per_line",
            ["seq", "task", "target", "leader", "lead_unit", "co_units", "progress", "progress", "status", "note"],
        ),
        (DAYU, "text/pipe", ["seq", "project", "task", "lead_unit", "progress", "issues"]),
        (WENSHANG, "text/pipe", ["seq", "project", "task", "progress", "status", "lead_unit"]),
    ],
)
def test_layout_and_role_of_every_column(name, layout, roles):
    p = parsed(name)
    assert p.format == f"{layout};utf-8"
    assert len(p.tables) == 1
    assert p.tables[0]["roles"] == roles
    assert not rules(p, "layout.unknown_header")


def test_cangnan_blank_separated_cells():
    p = parsed(CANGNAN)
    assert [r.seq for r in p.records] == list(range(1, 14))  # every row is complete
    recs = by_seq(p)
    assert p.tables[0]["title"] == "2022年度市县民生实事未完成项目进度表(截至10月31日)"
    assert recs[1].task_text == "新(改、扩)建公办园5所,新增公办幼儿学位1000个。"
    assert recs[1].progress == [{"label": "当前进度", "text": "80%(新区实验幼儿园进度滞后)"}]
    assert recs[1].lead_units == ["县教育局"] and recs[1].note == "市民生实事"
    # the unbalanced parenthesis stays as written and does not swallow the next cells
    assert recs[7].progress[0]["text"] == "50%(马站未开工"
    assert recs[7].lead_units == ["县民政局"] and recs[7].note == "县民生实事"
    assert recs[8].progress[0]["text"] == "22%(严重滞后)"
    assert recs[13].progress[0]["text"] == "98.4%" and recs[13].lead_units == ["县文广旅体局"]
    assert (recs[1].line_start, recs[1].line_end) == (18, 26)
    assert not p.records[0].leaders  # no leader column
    nav = rules(p, "reader.dropped_text")
    assert nav and (nav[0].line_start, nav[0].line_end) == (3, 6)  # 发布日期, 浏览次数, 来源, 字体


def test_chongchuan_two_dated_progress_columns_and_the_dropped_merged_task_cell():
    p = parsed(CHONGCHUAN)
    assert [r.seq for r in p.records] == [24, 25]  # the table starts at 24; 26 is cut off
    assert p.tables[0]["header"][3] == "分管 领导"
    r24, r25 = by_seq(p)[24], by_seq(p)[25]
    # the merged 主要任务 cell was dropped: the first text cell is the 全年目标任务
    assert r24.target_text == "优化提升50条背街后巷交通组织。"
    assert r24.leaders == ["徐国江"] and r24.lead_units == ["城管局"]
    assert r24.co_units == ["市政局", "相关街道"]
    assert r24.progress == [
        {"label": "1-10月推进情况", "text": "已进场施工,完成30%。"},
        {"label": "1-11月推进情况", "text": "已进场施工,完成60%。"},
    ]
    assert r24.status_raw == "是" and r24.note is None
    assert r25.status_raw == "否"
    assert r25.note.startswith("前期配合区相关部门对该项目招标质疑")
    assert r25.co_units == ["市政局", "环卫处", "崇川经济开发区", "各街道"]
    merged = rules(p, "layout.merged_cells")
    assert len(merged) == 2 and all("主要任务" in f.message for f in merged)
    cut = rules(p, "reader.cut_row")
    assert [f.seq for f in cut] == ["26"] and (cut[0].line_start, cut[0].line_end) == (32, 39)


def test_dayu_phantom_columns_parenthesised_companies_and_numbered_points():
    p = parsed(DAYU)
    assert [r.seq for r in p.records] == [1, 2, 3, 4, 5]
    assert p.tables[0]["title"] == "大余县政府2024年重大民生实事项目进展情况(截至12月10日)"
    assert len(p.tables[0]["header"]) == 6  # the phantom empty columns are gone
    recs = by_seq(p)
    assert recs[1].project == "大余县第二中学项目建设"
    assert recs[1].lead_units == ["县城发集团(县城投公司)"]
    assert recs[4].lead_units == ["县城发集团(县水投公司)"]
    assert recs[1].progress[0]["text"] == "已完成" and recs[1].issues == "暂无"
    points = recs[5].progress[0]["text"]
    assert points.startswith("1.大件垃圾拆解中心") and " 2.大型垃圾中转站" in points and " 3.附属设施" in points
    assert recs[4].progress[0]["text"].startswith("1.供水管网情况")
    cut = rules(p, "reader.cut_row")
    assert [f.seq for f in cut] == ["6"] and cut[0].line_start == 8
    assert 6 not in recs


def test_wenshang_sub_rows_are_targets_of_their_project():
    """Item 1 lists seven targets, six of them on rows without 序号 (序号, title and unit merged over
    them): each is a task of its own (sub_seq 1…6) with its own text, progress and verdict, and the
    item's title and unit."""
    p = parsed(WENSHANG)
    assert [(r.seq, r.sub_seq) for r in p.records] == [(1, k) for k in range(7)]
    grid = read_report((EXCERPTS / WENSHANG).read_bytes(), WENSHANG)
    assert len(grid.tables[0].rows) == 7  # 1 task row + 6 complete sub-rows; line 9 is cut
    for r in p.records:
        assert r.project == "农村人居环境整治提升工程"  # the merged title is the item's
        assert r.lead_units == ["县农村人居环境整治工作专班"]  # the block's unit, inherited
        assert "\n" not in r.task_text and "\n" not in (r.status_raw or "")
    tasks = [r.task_text for r in p.records]
    assert tasks[0].startswith("推广“信用+”") and tasks[2] == "建设“四好农村路”50公里。"
    assert tasks[-1] == "市场化运作农村户厕、公厕保洁管护。"
    assert [r.status_raw for r in p.records] == ["已完成", "已完成", "已完成", "已完成", "正常推进", "已完成", "正常推进"]
    assert [r.status for r in p.records] == ["completed"] * 4 + ["in_progress", "completed", "in_progress"]
    assert p.records[2].progress[0]["text"] == "完工建设50.52公里。"
    last = p.records[-1].progress[0]["text"]
    assert last.startswith("1.常态化开展农村户厕“报抽报修”及公厕保洁维护。2.委托设计院")  # points stay in their cell
    assert [(r.line_start, r.line_end) for r in p.records] == [(n, n) for n in range(2, 9)]
    assert not rules(p, "repair.sub_rows_attached")
    cut = rules(p, "reader.cut_row")
    assert len(cut) == 1 and cut[0].line_start == 9 and "sub-row" in cut[0].message
    assert "目" not in last[-1:]  # nothing of the cut line was kept
    contra = rules(p, "meaning.status_contradicts_numbers")
    assert [f.seq for f in contra] == ["1.4"]  # a sub-task's finding names it as 序号.sub_seq
