"""Text-dump reader: the three layouts, row ends, sub-points, titles; decoding of every encoding."""

from __future__ import annotations

import codecs

import pytest

from tests.helpers import EXCERPTS, REFERENCE
from transforms.pipeline import parse_report
from transforms.readers import decode, read_report
from transforms.readers.text import detect_layout


@pytest.mark.parametrize(
    ("name", "layout"),
    [
        (REFERENCE.name, "pipe"),
        ("dayu-2024-livelihood-progress-1210.txt", "pipe"),
        ("wenshang-2023-livelihood-progress.txt", "pipe"),
        ("chongchuan-2023-livelihood-progress-jan-nov.txt", "cell_per_line"),
        ("cangnan-2022-livelihood-progress-1031.txt", "blank_separated"),
    ],
)
def test_layout_detection(name, layout):
    path = REFERENCE if name == REFERENCE.name else EXCERPTS / name
    assert detect_layout(path.read_text(encoding="utf-8").split("\n")) == layout


def test_cell_per_line_row_ends_single_and_double_pipe():
    # `||` = an empty last cell and the end of the row; `|` alone = the end of the row
    text = "\n".join(
        ["民生实事推进表", "序号 |", "项目内容 |", "牵头单位 |", "推进情况 |", "备注 |",
         "1 |", "新建学校1所。 |", "县教育局 |", "主体完工。 |", "||",
         "2 |", "新增学位800个。 |", "县教育局 |", "已完成。 |", "市民生实事 |", "|"]
    )
    grid = read_report(text.encode("utf-8"), "t.txt")
    t = grid.tables[0]
    assert t.title == "民生实事推进表"
    assert [r.cells for r in t.rows] == [
        ["1", "新建学校1所。", "县教育局", "主体完工。", ""],
        ["2", "新增学位800个。", "县教育局", "已完成。", "市民生实事"],
    ]
    assert [(r.line_start, r.line_end) for r in t.rows] == [(7, 11), (12, 17)]


def test_blank_separated_numbered_points_stay_in_their_cell():
    cells = ["序号", "项目内容", "当前进度", "牵头单位", "1", "建成公办园5所。",
             "1.新区实验幼儿园主体完工;", "2.城东幼儿园已开工。", "县教育局",
             "2", "新增学位1000个。", "95%", "县教育局"]
    p = parse_report("\n\n".join(cells).encode("utf-8"), "cells.txt")
    assert [r.seq for r in p.records] == [1, 2]
    assert p.records[0].progress[0]["text"] == "1.新区实验幼儿园主体完工;\n2.城东幼儿园已开工。"
    assert p.records[0].lead_units == ["县教育局"]


def test_a_unit_given_once_applies_to_its_block():
    text = (
        "序号 | 项目内容 | 牵头单位 | 进展情况 |\n"
        "1 | 新建学校2所。 | 县教育局 | 已完成 |\n"
        "2 | 新增学位1000个。 | 正常推进 |\n"
        "3 | 改造操场5个。 | 已完成 |\n"
        "4 | 修建道路10公里。 | 县交通局 | 已完成 |\n"
    )
    p = parse_report(text.encode("utf-8"), "block.txt")
    assert [r.lead_units for r in p.records] == [["县教育局"], ["县教育局"], ["县教育局"], ["县交通局"]]
    assert [r.progress[0]["text"] for r in p.records] == ["已完成", "正常推进", "已完成", "已完成"]
    merged = [f for f in p.findings if f.rule == "layout.merged_cells"]
    assert [f.line_start for f in merged] == [3, 4] and all("牵头单位" in f.message for f in merged)


def test_navigation_before_and_footer_after_the_table_are_reported():
    text = "首页 > 政务公开\n2023年重点工作表\n序号 | 重点工作 | 责任单位 | 完成情况 |\n1 | 新建公园1个。 | 县住建局 | 已完成 |\n网站标识码:123 联系电话:0796-1\n"
    grid = read_report(text.encode("utf-8"), "page.txt")
    assert grid.tables[0].title == "2023年重点工作表"
    dropped = [(f.line_start, f.line_end) for f in grid.findings if f.rule == "reader.dropped_text"]
    assert dropped == [(1, 1), (5, 5)]


def test_cut_off_pipe_row_is_reported_not_invented():
    text = REFERENCE.read_text(encoding="utf-8")
    cut = text[: text.index("5 | 稳步推开垃圾分类") + 30]
    p = parse_report(cut.encode("utf-8"), "cut.txt")
    assert [r.seq for r in p.records] == [1, 2, 3, 4]
    assert [f.seq for f in p.findings if f.rule == "reader.cut_row"] == ["5"]


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("序号 | 任务".encode(), "utf-8"),
        (codecs.BOM_UTF8 + "序号 | 任务".encode(), "utf-8-sig"),
        ("序号 | 任务".encode("utf-16"), "utf-16"),
        ("序号 | 任务".encode("utf-16-le"), "utf-16-le"),
        ("序号 | 任务".encode("utf-16-be"), "utf-16-be"),
        ("序号 | 任务 | 牵头单位".encode("gbk"), "gb18030"),
        ("序号 | 任务 ㈠ 䶮".encode("gb18030"), "gb18030"),
        ("序号 | 任务".encode()[:-1], "utf-8"),  # cut inside the last character
    ],
)
def test_decode(data, encoding):
    text, enc = decode(data)
    assert enc == encoding
    assert text.startswith("序号 | 任")


def test_declared_charset_is_used_when_utf8_fails():
    data = '<meta charset="big5"><p>序號 任務</p>'.encode("big5")
    text, enc = decode(data)
    assert enc == "big5" and "序號 任務" in text


def test_cell_per_line_header_with_an_unknown_label():
    text = "\n".join(
        ["序号 |", "项目内容 |", "牵头单位 |", "责任科室 |", "推进情况 |", "1 |", "新建学校1所。 |", "县教育局 |", "基建股 |", "主体完工。 |", "|"]
    )
    p = parse_report(text.encode("utf-8"), "t.txt")
    assert p.tables[0]["roles"] == ["seq", "task", "lead_unit", None, "progress"]
    assert p.records[0].progress[0]["text"] == "主体完工。"
    assert any(f.rule == "layout.unknown_header" and "责任科室" in f.message for f in p.findings)


def test_pipe_header_mostly_unknown_is_refused_naming_the_unknown_labels():
    from transforms.pipeline import RejectedReport

    # (工作事项 and 办理进度 are read by the keyword rules of headers.yaml: labels with no keyword here)
    text = "序号 | 甲栏 | 乙栏 | 丙栏 |\n1 | 新建学校1所。 | 基建股 | 主体完工 |\n"
    with pytest.raises(RejectedReport) as exc:
        parse_report(text.encode("utf-8"), "t.txt")
    assert "not in schemas/mappings/headers.yaml: 甲栏, 乙栏, 丙栏" in str(exc.value)
