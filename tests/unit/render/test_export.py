"""`luoshi export`: Parquet, CSV with BOM, XLSX, Chinese headers, formula neutralization."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from datetime import date

import duckdb
import openpyxl
import pyarrow.parquet as pq
import pytest
from openpyxl.utils import get_column_letter
from typer.testing import CliRunner

from cli.main import app
from render import palette
from render.export import column_labels, csv_bytes, header_labels, is_formula_like, neutralize, xlsx_bytes
from tests.helpers import ROOT
from tests.helpers.analyst import FORMULA_PROGRESS, FORMULA_PROJECT, HOSTILE_TEXT, analyst_warehouse
from warehouse.dictionary import read_catalog, schema_connection

runner = CliRunner()


@pytest.fixture(scope="module")
def wh(tmp_path_factory, reference_parsed):
    return analyst_warehouse(tmp_path_factory, reference_parsed.records)


def test_neutralize_formula_like_text():
    for bad in ("=1+1", "+86 123", "-3", "@SUM(A1)", "\t=x", "\r=x"):
        assert is_formula_like(bad) and neutralize(bad) == "'" + bad
    for fine in ("县教体局", "完成 = 100%", "", "50%", None, -3, 1.5):
        assert not is_formula_like(fine) and neutralize(fine) == fine


def test_header_labels():
    heads, missing = header_labels(["task_key", "status_code", "brand_new"], column_labels())
    assert heads == ["任务编号", "状态", "brand_new"] and missing == ["brand_new"]
    # two columns with the same Chinese label stay distinguishable
    heads, _ = header_labels(["a", "b"], {"a": "单位", "b": "单位"})
    assert heads == ["单位（a）", "单位（b）"]
    assert header_labels(["a"], None) == (["a"], [])


def test_every_committed_column_has_a_unique_chinese_label():
    """Tables of 001_tables.sql and the views of 10_analyst.sql; other files' columns fall back with a warning."""
    own = set()
    for f in ("warehouse/ddl/001_tables.sql", "warehouse/views/10_analyst.sql"):
        text = (ROOT / f).read_text(encoding="utf-8")
        own |= set(re.findall(r"(?:TABLE IF NOT EXISTS|VIEW)\s+(\w+)", text))
    labels = column_labels()
    con = schema_connection()
    try:
        rels = [r for r in read_catalog(con) if r.name in own]
    finally:
        con.close()
    assert len(rels) >= 20
    for r in rels:
        cols = [c.name for c in r.columns]
        missing = [c for c in cols if c not in labels]
        assert not missing, f"{r.name}: no label for {missing} in schemas/mappings/column_labels.yaml"
        heads = [labels[c] for c in cols]
        assert len(set(heads)) == len(heads), f"{r.name}: duplicate Chinese headers {heads}"


def test_csv_and_xlsx_bytes_are_safe():
    rows = [[FORMULA_PROJECT, 1, None], ["县教体局、各相关乡镇政府", 2.5, ["a", "b"]]]
    data = csv_bytes(["项目", "n", "list"], rows)
    assert data.startswith(b"\xef\xbb\xbf")
    got = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert got[1][0] == "'" + FORMULA_PROJECT and got[2] == ["县教体局、各相关乡镇政府", "2.5", "a、b"]
    book = xlsx_bytes([("s", ["项目", "n", "list"], rows)])
    sheet_xml = zipfile.ZipFile(io.BytesIO(book)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    ws = openpyxl.load_workbook(io.BytesIO(book))["s"]
    assert ws["A2"].value == FORMULA_PROJECT and ws["A2"].data_type == "s" and ws["A2"].quotePrefix
    assert ws["B3"].value == 2.5 and ws["C3"].value == "a、b"


def _number(v: str) -> bool:
    try:
        float(v)
    except ValueError:
        return False
    return True


def test_export_view_in_three_formats_with_chinese_headers(wh, tmp_path):
    out = tmp_path / "exports"
    res = runner.invoke(app, ["export", "v_task_latest", "dim_unit", "--out", str(out), "--labels", "zh", "--warehouse", str(wh)])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{n}.{e}" for n in ("v_task_latest", "dim_unit") for e in ("parquet", "csv")] + ["luoshi.xlsx"]
    )

    table = pq.read_table(out / "v_task_latest.parquet")
    assert table.num_rows == 133  # 130 tasks of 2020 + 3 of 2021
    assert "具体工作任务" in table.column_names and "状态" in table.column_names
    assert FORMULA_PROJECT in table.column("项目名称").to_pylist()  # Parquet keeps the data as it is

    raw = (out / "v_task_latest.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 133
    assert list(rows[0])[:4] == ["任务编号", "县区编号", "县区", "计划年度"]
    hostile = next(r for r in rows if r["项目名称"].endswith('"点击")'))
    assert hostile["项目名称"] == "'" + FORMULA_PROJECT and hostile["落实情况"] == "'" + FORMULA_PROGRESS
    assert any(r["具体工作任务"].endswith(HOSTILE_TEXT) for r in rows)
    assert not any(v.startswith(("=", "+", "-", "@")) and not _number(v) for r in rows for v in r.values())
    assert any(_number(r["进度差（报告−序时）"]) and r["进度差（报告−序时）"].startswith("-") for r in rows)  # a negative number stays one

    wb = openpyxl.load_workbook(out / "luoshi.xlsx")
    assert wb.sheetnames == ["v_task_latest", "dim_unit"]  # one workbook, a sheet per view
    ws = wb["v_task_latest"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["任务编号", "县区编号", "县区"] and ws.max_row == 134
    col = header.index("项目名称") + 1
    cells = [ws.cell(row=i, column=col) for i in range(2, ws.max_row + 1)]
    bad = [c for c in cells if c.value == FORMULA_PROJECT]
    assert len(bad) == 1 and bad[0].data_type == "s" and bad[0].quotePrefix
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)

    units = list(csv.reader(io.StringIO((out / "dim_unit.csv").read_bytes().decode("utf-8-sig"))))
    assert units[0] == ["单位编号", "单位", "单位类型"] and "各乡镇政府" in {r[1] for r in units[1:]}


def test_export_defaults_to_every_view_in_english(wh, tmp_path):
    out = tmp_path / "all"
    res = runner.invoke(app, ["export", "--out", str(out), "-f", "csv", "--warehouse", str(wh)])
    assert res.exit_code == 0, res.output
    names = {p.stem for p in out.iterdir()}
    assert {"v_task_latest", "v_scorecard_unit", "v_scorecard_leader", "v_target_actual", "v_task_overdue", "v_report_quality"} <= names
    head = next(csv.reader(io.StringIO((out / "v_scorecard_unit.csv").read_text(encoding="utf-8-sig"))))
    assert head[:4] == ["county_name", "plan_year", "unit_key", "unit_name"]


def test_export_refuses_unknown_names_and_writes_nothing(wh, tmp_path):
    out = tmp_path / "none"
    res = runner.invoke(app, ["export", "v_task_latest", "v_nope", "--out", str(out), "--warehouse", str(wh)])
    assert res.exit_code == 2 and "v_nope" in res.output
    assert not out.exists()
    res = runner.invoke(app, ["export", "v_task_latest", "--out", str(out), "-f", "pdf", "--warehouse", str(wh)])
    assert res.exit_code == 2 and not out.exists()


def test_a_workbook_a_boss_can_open(wh, tmp_path):
    out = tmp_path / "boss"
    names = ["v_task_latest", "v_target_actual", "v_scorecard_unit", "v_report_quality"]
    res = runner.invoke(app, ["export", *names, "--out", str(out), "-f", "xlsx,csv", "--labels", "zh", "--warehouse", str(wh)])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.iterdir()) == sorted([f"{n}.csv" for n in names] + ["luoshi.xlsx"])
    wb = openpyxl.load_workbook(out / "luoshi.xlsx")
    assert wb.sheetnames == names
    con = duckdb.connect(str(wh), read_only=True)
    try:
        statuses = Counter(s for (s,) in con.execute("SELECT status_code FROM v_task_latest").fetchall())
        outcomes = Counter(o for (o,) in con.execute("SELECT outcome FROM v_target_actual").fetchall())
        periods = Counter(p for (p,) in con.execute("SELECT period_type FROM v_task_latest").fetchall())
    finally:
        con.close()

    ws = wb["v_task_latest"]
    head = [c.value for c in ws[1]]
    col = {h: i for i, h in enumerate(head)}
    values = lambda h: [r[col[h]] for r in ws.iter_rows(min_row=2, values_only=True)]  # noqa: E731
    # codes in Chinese, as many of each as the warehouse has
    assert Counter(values("状态")) == Counter({palette.STATUS_ZH[k]: n for k, n in statuses.items()})
    assert Counter(values("报告类型")) == Counter({palette.PERIOD_ZH[k]: n for k, n in periods.items()})
    assert "年底" in values("报告类型")
    assert set(values("是否达序")) <= {"是", "否", None}
    # each status cell is tinted with the tracker's colour of that status
    status_col = col["状态"] + 1
    for row in range(2, ws.max_row + 1):
        cell = ws.cell(row=row, column=status_col)
        code = next(k for k, zh in palette.STATUS_ZH.items() if zh == cell.value)
        assert cell.fill.fgColor.rgb[-6:] == palette.STATUS_TINTS[code]
    # dates are dates; the header is frozen, bold and filtered; long text is wrapped in a wide column
    dates = [c for c in ws[get_column_letter(col["截止日期"] + 1)][1:] if c.value is not None]
    assert dates and all(isinstance(c.value, date) and c.number_format == "yyyy-mm-dd" for c in dates)
    assert ws.freeze_panes == "A2" and ws["A1"].font.bold and ws.auto_filter.ref.startswith("A1:")
    text_col = get_column_letter(col["具体工作任务"] + 1)
    assert ws.column_dimensions[text_col].width >= 40 and ws[f"{text_col}2"].alignment.wrap_text
    key_col = get_column_letter(col["任务编号"] + 1)
    assert ws.column_dimensions[key_col].width < 15 and not ws[f"{key_col}2"].alignment.wrap_text

    ta = wb["v_target_actual"]
    head = [c.value for c in ta[1]]
    got = Counter(r[head.index("结果")] for r in ta.iter_rows(min_row=2, values_only=True))
    assert got == Counter({palette.OUTCOME_ZH[k]: n for k, n in outcomes.items()}) and got["达标"] > 0
    ratio = next(c for c in ta[get_column_letter(head.index("完成率") + 1)][1:] if c.value is not None)
    assert ratio.number_format == "0.0%"

    # the CSV says the same in Chinese and stays formula-safe
    rows = list(csv.DictReader(io.StringIO((out / "v_task_latest.csv").read_bytes().decode("utf-8-sig"))))
    assert Counter(r["状态"] for r in rows) == Counter({palette.STATUS_ZH[k]: n for k, n in statuses.items()})
    assert not any(v.startswith(("=", "+", "-", "@")) and not _number(v) for r in rows for v in r.values())
