"""DOCX reader: tables in document order, merged cells de-duplicated by their <w:tc> element."""

from __future__ import annotations

import io
from collections import Counter

import docx

from tests.helpers import FIXTURES
from transforms.pipeline import parse_report
from transforms.readers import read_report, sniff_format

FIXTURE = FIXTURES / "formats" / "jishui-2020.docx"


def test_reference_docx_tables_titles_and_merges():
    data = FIXTURE.read_bytes()
    assert sniff_format(data, "download.bin") == "docx"  # by content, not by name
    grid = read_report(data, "download.bin")
    assert [t.title for t in grid.tables] == ["一、10件民生实事任务分解表", "二、其他重要事项任务分解表"]
    assert [t.source for t in grid.tables] == ["table 1 of the document", "table 2 of the document"]
    t1 = grid.tables[0]
    assert t1.header == ["序号", "具体工作任务和要求", "责任领导", "责任单位", "落实情况"]
    # rows 1-3 share one leader cell merged down: the copies are marked, the text is the same
    assert [r.cells[2] for r in t1.rows[:3]] == ["毛晓青"] * 3
    assert [r.merged_at(2) for r in t1.rows[:3]] == [None, "row", "row"]
    # a heading merged across the row is one cell of text, the rest are marked copies
    heading = grid.tables[1].rows[0]
    assert heading.cells[0].startswith("一、以“产业优”为导向") and heading.merged[1:] == ["col"] * 4


def _doc_with_two_tables() -> bytes:
    d = docx.Document()
    d.add_paragraph("2022年重点工作推进情况")
    t = d.add_table(rows=4, cols=4)
    for c, h in enumerate(["序号", "重点工作", "牵头单位", "完成情况"]):
        t.cell(0, c).text = h
    for r, (seq, task, done) in enumerate([("1", "新建学校1所。", "主体完工"), ("2", "新增学位800个。", "已完成"), ("3", "改造操场2个。", "已完成")], start=1):
        t.cell(r, 0).text, t.cell(r, 1).text, t.cell(r, 3).text = seq, task, done
    t.cell(1, 2).text = "县教育局"
    t.cell(1, 2).merge(t.cell(3, 2))  # one unit for the block of three tasks
    d.add_paragraph("(续表)")
    t2 = d.add_table(rows=1, cols=4)
    for c, v in enumerate(["4", "建设文化驿站5个。", "县文广局", "①已建成3个\n②2个在建"]):
        t2.cell(0, c).text = v
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_block_unit_continued_table_and_sub_points():
    p = parse_report(_doc_with_two_tables(), "plan.docx")
    assert p.format == "docx"
    assert [r.seq for r in p.records] == [1, 2, 3, 4]
    assert [r.lead_units for r in p.records] == [["县教育局"]] * 3 + [["县文广局"]]
    assert p.records[3].progress[0]["text"] == "①已建成3个\n②2个在建"
    assert p.tables[0]["title"] == "2022年重点工作推进情况"
    assert [r.line_start for r in p.records] == [3, 4, 5, 7]  # blocks in document order
    assert Counter(f.rule for f in p.findings)["reader.table_continued"] == 1
