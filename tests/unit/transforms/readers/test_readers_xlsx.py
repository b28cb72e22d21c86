"""XLSX reader: every sheet, merged ranges filled, numbers and dates as the sheet shows them."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl

from tests.helpers import FIXTURES
from transforms.pipeline import parse_report
from transforms.readers import read_report

FIXTURE = FIXTURES / "formats" / "jishui-2020.xlsx"


def test_reference_workbook_every_sheet_and_merged_ranges():
    grid = read_report(FIXTURE.read_bytes(), FIXTURE.name)
    assert [t.source for t in grid.tables] == ["sheet '表1'", "sheet '表2'"]
    assert [t.title for t in grid.tables] == ["一、10件民生实事任务分解表", "二、其他重要事项任务分解表"]
    t1 = grid.tables[0]
    assert t1.header_line == 2 and t1.rows[0].line_start == 3  # sheet row numbers
    assert t1.rows[0].cells[0] == "1"  # an integer 序号, not "1.0"
    assert [r.cells[2] for r in t1.rows[:3]] == ["毛晓青"] * 3
    assert [r.merged_at(2) for r in t1.rows[:3]] == [None, "row", "row"]


def _workbook() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "说明"
    ws["A1"] = "本表由县政府办汇总"
    ws2 = wb.create_sheet("进度")
    ws2.append(["2023年民生实事进度表", None, None, None, None])
    ws2.merge_cells("A1:E1")
    ws2.append(["序号", "项目名称", "牵头单位", "完成时限", "进展情况"])
    ws2.append([1.0, "城区停车场", "县城管局", dt.datetime(2023, 12, 31), "已完成80%"])
    ws2.append([2.0, "城区公厕", None, dt.datetime(2023, 6, 30), "已完成"])
    ws2.merge_cells("C3:C4")
    wb.create_sheet("空表")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_numbers_dates_merged_units_and_a_sheet_without_a_table():
    p = parse_report(_workbook(), "progress.xlsx")
    assert [r.seq for r in p.records] == [1, 2]
    assert [r.project for r in p.records] == ["城区停车场", "城区公厕"]
    assert [r.lead_units for r in p.records] == [["县城管局"], ["县城管局"]]
    assert [r.deadline for r in p.records] == ["2023-12-31", "2023-06-30"]
    assert p.tables[0]["title"] == "2023年民生实事进度表"
    assert [(r.line_start, r.line_end) for r in p.records] == [(3, 3), (4, 4)]
