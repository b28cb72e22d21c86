"""Limits and ranges: every reader stops at readers.max_rows / max_cells / max_cell_chars
(schemas/quality.yaml) with a refusal naming the file and the limit; a 序号 is trusted up to
readers.max_seq, and one above it is quarantined with a finding, never joined to the row above.
"""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from transforms.pipeline import RejectedReport, parse_report
from transforms.readers import reader_limits

HEADER = "序号 | 重点任务 | 责任领导 | 责任单位 | 进展情况 |"


def row(seq: int | str, task: str, unit: str = "县发改委", progress: str = "已完成。") -> str:
    return f"{seq} | {task} | 张三 | {unit} | {progress} |"


def text_table(rows: list[str]) -> bytes:
    return "\n".join(["一、重点任务分解表", HEADER, *rows, ""]).encode()


def xlsx(rows: list[list[object]], extra: dict[str, object] | None = None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "重点任务", "责任领导", "责任单位", "进展情况"])
    for r in rows:
        ws.append(r)
    for ref, value in (extra or {}).items():
        ws[ref] = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture
def limits():
    """The cached `readers:` limits, changed by a test and restored after it."""
    lim = reader_limits()
    saved = dict(lim)
    yield lim
    lim.clear()
    lim.update(saved)


def refusal(data: bytes, name: str) -> str:
    with pytest.raises(RejectedReport) as info:
        parse_report(data, name)
    msg = str(info.value)
    assert msg.startswith(f"{name}: "), msg
    return msg


def test_quality_yaml_holds_the_reader_limits():
    lim = reader_limits()
    assert lim["max_rows"] == 50_000 and lim["max_cells"] == 5_000_000
    assert lim["max_cell_chars"] == 100_000 and lim["max_seq"] == 99_999


@pytest.mark.parametrize("fmt", ["txt", "xlsx"])
def test_seq_past_9999_loads_each_row_as_its_own_task(fmt):
    seqs = [9998, 9999, 10000, 10001, 99999]
    if fmt == "txt":
        data = text_table([row(s, f"第{s}项重点任务建设") for s in seqs])
    else:
        data = xlsx([[s, f"第{s}项重点任务建设", "张三", "县发改委", "已完成。"] for s in seqs])
    parsed = parse_report(data, f"big-seq.{fmt}")
    assert [(r.seq, r.sub_seq) for r in parsed.records] == [(s, 0) for s in seqs]
    assert parsed.records[2].task_text == "第10000项重点任务建设"
    assert "第10000项" not in parsed.records[1].task_text  # not joined onto 9999


def test_seq_above_max_seq_is_quarantined_with_its_continuation_never_joined():
    data = xlsx([
        [1, "任务一的内容文字", "张三", "县发改委", "已完成。"],
        [123456, "序号过大的任务", "李四", "县交通局", "推进中。"],
        [None, None, None, "县财政局", "它的续行进展"],
        [2, "任务二的内容文字", "王五", "县财政局", "已完成。"],
    ])
    parsed = parse_report(data, "seq-range.xlsx")
    assert [r.seq for r in parsed.records] == [1, 2]
    assert "续行" not in str(parsed.records[0].progress) and "过大" not in parsed.records[0].task_text
    out = [f for f in parsed.findings if f.rule == "layout.seq_out_of_range"]
    assert [f.severity for f in out] == ["error", "error"]
    assert "序号 123456 is above readers.max_seq = 99,999" in out[0].message and out[0].line_start == 3
    assert out[1].line_start == 4 and "continues" in out[1].message


def test_max_seq_is_read_from_the_limits(limits):
    limits["max_seq"] = 50
    parsed = parse_report(text_table([row(1, "任务一的内容"), row(60, "任务六十的内容"), row(2, "任务二的内容")]), "s.txt")
    assert [r.seq for r in parsed.records] == [1, 2]
    assert any(f.rule == "layout.seq_out_of_range" and "序号 60" in f.message for f in parsed.findings)


def test_text_beyond_max_rows_is_refused_naming_the_limit(limits):
    limits["max_rows"] = 5
    assert len(parse_report(text_table([row(i, f"第{i}项任务内容") for i in range(1, 6)]), "five.txt").records) == 5
    msg = refusal(text_table([row(i, f"第{i}项任务内容") for i in range(1, 7)]), "six.txt")
    assert "6 rows" in msg and "readers.max_rows = 5" in msg and "schemas/quality.yaml" in msg


def test_cell_beyond_max_cell_chars_is_refused():
    long = "推进重点项目建设，" * 11_200  # 100,800 characters
    msg = refusal(text_table([row(1, "任务一的内容", progress=long), row(2, "任务二的内容")]), "long-cell.txt")
    assert "100,800 characters" in msg and "readers.max_cell_chars = 100,000" in msg


def test_continuation_rows_joined_beyond_max_cell_chars_are_refused(limits):
    limits["max_cell_chars"] = 300
    rows = [[1, "任务一的内容文字", "张三", "县发改委", "开始"]] + [[None, None, None, None, f"第{i}段续写的进展"] for i in range(60)]
    msg = refusal(xlsx(rows), "many-continuations.xlsx")
    assert "序号 1 grows beyond readers.max_cell_chars = 300" in msg and "rows without 序号" in msg


def test_xlsx_reaching_past_max_rows_is_refused_before_it_is_opened():
    data = xlsx([[1, "任务一的内容文字", "张三", "县发改委", "已完成。"]], extra={"A60000": "x"})
    assert len(data) < 20_000
    msg = refusal(data, "stray-cell.xlsx")
    assert "reaches row 60,000" in msg and "readers.max_rows = 50,000" in msg


def test_xlsx_spanning_too_many_cells_is_refused():
    rows = [[i, f"第{i}项任务内容", "张三", "县发改委", "已完成。"] for i in range(1, 400)]
    msg = refusal(xlsx(rows, extra={"XFD400": "x"}), "wide.xlsx")
    assert "16,384 columns" in msg and "readers.max_cells = 5,000,000" in msg


def test_docx_beyond_max_rows_is_refused(limits):
    import docx

    limits["max_rows"] = 3
    doc = docx.Document()
    t = doc.add_table(rows=0, cols=3)
    for cells in [("序号", "重点任务", "进展情况")] + [(str(i), f"第{i}项任务内容", "已完成") for i in range(1, 5)]:
        for c, text in zip(t.add_row().cells, cells, strict=True):
            c.text = text
    buf = io.BytesIO()
    doc.save(buf)
    msg = refusal(buf.getvalue(), "long.docx")
    assert "5 rows" in msg and "readers.max_rows = 3" in msg


@pytest.mark.parametrize(
    ("line", "column", "whole"),
    [
        # the last cell empty: the shifted row would fit the header silently
        (row(2, "完成农村公路提质改造", unit="县交通局|县财政局", progress=""), "units", "县交通局|县财政局"),
        (row(2, "完成农村公路提质改造|新建桥梁两座", progress=""), "task_text", "完成农村公路提质改造|新建桥梁两座"),
        # one cell too many
        (row(2, "完成农村公路提质改造", progress="已完成投资|3000万元"), "progress", "已完成投资|3000万元"),
    ],
)
def test_a_pipe_inside_a_cell_is_read_as_one_cell_with_a_warning(line, column, whole):
    data = text_table([row(1, "推进县城污水管网改造"), line, row(3, "新建城区幼儿园两所")])
    parsed = parse_report(data, "pipe.txt")
    rec = parsed.records[1]
    got = {"units": rec.lead_units + rec.units, "task_text": rec.task_text, "progress": [p["text"] for p in rec.progress]}[column]
    assert whole in (got if isinstance(got, str) else "".join(got))
    assert rec.leaders == ["张三"]  # the cells after it stay in their columns
    found = [f for f in parsed.findings if f.rule == "reader.pipe_in_cell"]
    assert len(found) == 1 and found[0].severity == "warning" and found[0].line_start == 4


def test_rows_separated_by_tight_pipes_are_not_joined():
    text = "序号|重点任务|责任领导|责任单位|进展情况|\n1|推进县城污水管网改造|张三|县住建局|已完成。|\n2|新建城区幼儿园两所|王五|县教体局|主体封顶。|\n"
    parsed = parse_report(text.encode(), "tight.txt")
    assert [r.seq for r in parsed.records] == [1, 2]
    assert not [f for f in parsed.findings if f.rule == "reader.pipe_in_cell"]


@pytest.mark.parametrize(("plan_year", "as_of", "shown"), [(99999, None, "plan year 99999"), (2020, date(1900, 1, 1), "as-of date 1900-01-01"), (2020, date(9999, 12, 31), "as-of date 9999-12-31")])
def test_a_plan_year_or_as_of_date_outside_the_year_range_is_refused(plan_year, as_of, shown):
    with pytest.raises(RejectedReport) as info:
        parse_report(text_table([row(1, "任务一的内容")]), "years.txt", as_of=as_of, plan_year=plan_year)
    assert str(info.value).startswith("years.txt: ") and shown in str(info.value) and "readers.min_year..max_year" in str(info.value)


def test_a_figure_beyond_max_number_is_not_read_as_a_quantity():
    huge = "9" * 400  # float() makes it infinite
    parsed = parse_report(text_table([row(1, "新建道路10公里", progress=f"已完成{huge}公里")]), "huge.txt", plan_year=2020)
    rec = parsed.records[0]
    values = [q["value"] if isinstance(q, dict) else q.value for q in rec.targets + rec.actuals]
    assert values == [10.0]  # the 400-digit figure is not read
    assert rec.reported_pct is None or rec.reported_pct == rec.reported_pct  # not NaN
