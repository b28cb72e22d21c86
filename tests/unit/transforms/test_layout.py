"""Layout: header text → roles (schemas/mappings/headers.yaml), short rows re-aligned, sub-rows."""

from __future__ import annotations

import pytest

from transforms.grid import GridRow
from transforms.layout import align_short_row, column_roles, realign_row
from transforms.readers.tabular import combine_header


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("分管 领导", "leader"),
        ("项 目 内 容", "task"),
        ("牵头\n单位", "lead_unit"),
        ("责任主体与协同单位", "co_units"),
        ("配合单位", "co_units"),
        ("协办", "co_units"),
        ("牵头单位", "lead_unit"),
        ("责任单位", "units"),
        ("1-10月推进情况", "progress"),
        ("1-11月推进情况", "progress"),
        ("截至10月底完成情况", "progress"),
        ("是否达序", "status"),
        ("进度评价", "status"),
        ("完成时限", "deadline"),
        ("存在问题", "issues"),
        ("说明", "note"),
        ("全年目标任务", "target"),
        ("项目名称", "project"),
        ("地区生产总值(亿元)", None),
    ],
)
def test_header_roles_ignore_spaces_and_line_breaks(header, role):
    assert column_roles([header]) == [role]


CHONGCHUAN = ["seq", "task", "target", "leader", "lead_unit", "co_units", "progress", "progress", "status", "note"]


def test_row_one_cell_short_loses_the_merged_task_column():
    cells = ["24", "优化提升50条背街后巷交通组织。", "徐国江", "城管局", "市政局、相关街道", "已进场施工,完成30%。", "已进场施工,完成60%。", "是", ""]
    assert align_short_row(cells, CHONGCHUAN) == [0, 2, 3, 4, 5, 6, 7, 8, 9]


def test_without_a_target_column_the_unit_is_the_merged_one():
    roles = ["seq", "task", "leader", "units", "progress"]
    cells = ["7", "启动小山塘整治三年推进工程。", "吴诚", "已完成135座山塘改造。"]
    assert align_short_row(cells, roles) == [0, 1, 2, 4]


def test_sub_row_without_sequence_title_and_unit():
    roles = ["seq", "project", "task", "progress", "status", "lead_unit"]
    cells = ["建设“四好农村路”50公里。", "完工建设50.52公里。", "已完成"]
    assert align_short_row(cells, roles) == [2, 3, 4]


def test_realigned_row_continues_merged_cells_from_the_row_above():
    roles = ["seq", "project", "task", "progress", "status", "lead_unit"]
    header = ["序号", "项目名称", "项目内容", "当前进展情况", "进度评价", "主办单位"]
    above = GridRow(["1", "农村人居环境", "试点村100个。", "已达到", "已完成", "专班"], 2, 2)
    row, finding = realign_row(GridRow(["新增绿化387亩。", "已完成造林。", "已完成", "", "", ""], 5, 5), roles, header, above, 1)
    assert row.cells == ["1", "农村人居环境", "新增绿化387亩。", "已完成造林。", "已完成", "专班"]
    assert row.merged == ["row", "row", None, None, None, "row"]
    assert finding.rule == "layout.merged_cells" and "序号, 项目名称, 主办单位" in finding.message
    assert finding.mapping_file == "schemas/mappings/headers.yaml"


def test_two_row_header_combination():
    top = GridRow(["序号", "责任", "责任", "推进情况", "推进情况"], 1, 1, merged=[None, None, "col", None, "col"])
    sub = GridRow(["序号", "领导", "单位", "1-10月", "1-11月"], 2, 2, merged=["row", None, None, None, None])
    header = combine_header(top, sub)
    assert header == ["序号", "责任领导", "责任单位", "1-10月推进情况", "1-11月推进情况"]
    assert column_roles(header) == ["seq", "leader", "units", "progress", "progress"]


def test_short_heading_row_before_the_seq_column_is_a_heading_not_a_crash():
    """Found by the fuzzer: a row with fewer cells than the header's 序号 column index."""
    from transforms.grid import Grid, GridRow, GridTable
    from transforms.layout import build_rows

    table = GridTable(title=None, header=["具体工作任务和要求", "序号", "落实情况"], header_line=1)
    table.rows = [
        GridRow(cells=["一、以产业优为导向"], line_start=2, line_end=2),
        GridRow(cells=["建设学校", "1", "已完成"], line_start=3, line_end=3),
    ]
    layout = build_rows(Grid(format="test", tables=[table]))
    assert [(r.seq, r.part, r.task_text) for r in layout.rows] == [(1, "一、以产业优为导向", "建设学校")]
