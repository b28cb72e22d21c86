"""Build the format fixtures in tests/fixtures/formats/ from the reference text dump.

    python scripts/make_format_fixtures.py

Writes the reference report (samples/jishui-2020-progress.txt) again as
- jishui-2020.html  a web page: navigation, a title before each table (the second as <caption>),
                    part/section headings as cells merged across the row (colspan), runs of rows
                    with the same leader or units as one cell merged down (rowspan), line breaks as <br>;
- jishui-2020.docx  a Word document: the same merges (gridSpan / vMerge);
- jishui-2020.xlsx  a workbook, one sheet per table, title and headings merged across, leaders merged down;
- jishui-2020.csv   UTF-8 with BOM, as Excel writes it;
- jishui-2020-gbk.txt  the text dump encoded in GBK (GB18030 for the few characters GBK lacks);
and the refusal fixtures: a workbook and a page holding a district × indicator matrix, and a Word
document holding only an image. Every file is rebuilt from the reference, so running the script
again gives the same content.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from transforms.grid import GridRow, GridTable  # noqa: E402
from transforms.readers.text import read_text  # noqa: E402

REFERENCE = ROOT / "samples" / "jishui-2020-progress.txt"
OUT = ROOT / "tests" / "fixtures" / "formats"
MERGE_DOWN = (2, 3)  # 责任领导, 责任单位: runs of equal cells become one merged cell
NAV = "首页 > 政务公开 > 政府工作报告"
PAGE_TITLE = "吉水县2020年《政府工作报告》任务分解落实情况"
FIXED_TIME = dt.datetime(2020, 12, 8, 9, 0, 0)
FOOTER = "吉水县人民政府主办 吉水县信息中心承办 © 2013 版权所有"


def reference_tables() -> list[GridTable]:
    grid = read_text(REFERENCE.read_text(encoding="utf-8"))
    return grid.tables


def is_heading(row: GridRow) -> bool:
    return not any(c.strip() for c in row.cells[1:])


def runs(rows: list[GridRow], col: int) -> dict[int, int]:
    """Row index → rowspan for runs of equal non-empty cells in a column (headings break runs)."""
    spans: dict[int, int] = {}
    i = 0
    while i < len(rows):
        if is_heading(rows[i]):
            i += 1
            continue
        j = i + 1
        while j < len(rows) and not is_heading(rows[j]) and rows[j].cells[col] == rows[i].cells[col] and rows[i].cells[col]:
            j += 1
        spans[i] = j - i
        i = j
    return spans


def covered(spans: dict[int, int]) -> set[int]:
    return {k for i, n in spans.items() for k in range(i + 1, i + n)}


# --------------------------------------------------------------------------- HTML


def _cell_html(text: str) -> str:
    return "<br>".join(html.escape(part) for part in text.split("\n"))


def write_html(tables: list[GridTable], path: Path) -> None:
    out = [
        "<!DOCTYPE html>",
        '<html><head><meta charset="utf-8"><title>' + html.escape(PAGE_TITLE) + "</title>",
        "<style>td,th{border:1px solid #999}</style></head><body>",
        f'<div class="nav">{html.escape(NAV)}</div>',
        f"<h1>{html.escape(PAGE_TITLE)}</h1>",
        "<p>发布时间:2020-12-08</p>",
    ]
    for t_no, t in enumerate(tables):
        ncols = len(t.header or [])
        if t_no == 0:
            out.append(f"<p><strong>{html.escape(t.title or '')}</strong></p>")
            out.append('<table cellspacing="0">')
        else:
            out.append('<table cellspacing="0">')
            out.append(f"<caption>{html.escape(t.title or '')}</caption>")
        out.append("<thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in t.header or []) + "</tr></thead><tbody>")
        spans = {c: runs(t.rows, c) for c in MERGE_DOWN}
        skip = {c: covered(spans[c]) for c in MERGE_DOWN}
        for i, row in enumerate(t.rows):
            if is_heading(row):
                out.append(f'<tr><td colspan="{ncols}">{_cell_html(row.cells[0])}</td></tr>')
                continue
            tds = []
            for c, text in enumerate(row.cells[:ncols]):
                if c in MERGE_DOWN and i in skip[c]:
                    continue
                n = spans[c].get(i, 1) if c in MERGE_DOWN else 1
                attr = f' rowspan="{n}"' if n > 1 else ""
                tds.append(f"<td{attr}>{_cell_html(text)}</td>")
            out.append("<tr>" + "".join(tds) + "</tr>")
        out.append("</tbody></table>")
    out.append(f'<div class="footer"><p>{html.escape(FOOTER)}</p></div></body></html>')
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- DOCX


def write_docx(tables: list[GridTable], path: Path) -> None:
    import docx

    document = docx.Document()
    document.core_properties.created = FIXED_TIME
    document.add_heading(PAGE_TITLE, level=1)
    for t in tables:
        ncols = len(t.header or [])
        document.add_paragraph(t.title or "")
        table = document.add_table(rows=1 + len(t.rows), cols=ncols)
        table.style = "Table Grid"
        trs = list(table.rows)  # table.cell() recomputes the whole grid on every call: slow

        def cell(r: int, c: int, trs=trs):  # noqa: ANN202
            return trs[r].cells[c]

        for c, h in enumerate(t.header or []):
            cell(0, c).text = h
        spans = {c: runs(t.rows, c) for c in MERGE_DOWN}
        skip = {c: covered(spans[c]) for c in MERGE_DOWN}
        for i, row in enumerate(t.rows):
            r = i + 1
            if is_heading(row):
                cell(r, 0).text = row.cells[0]
                continue
            for c, text in enumerate(row.cells[:ncols]):
                if c in MERGE_DOWN and i in skip[c]:
                    continue
                cell(r, c).text = text
        for c in MERGE_DOWN:
            for i, n in spans[c].items():
                if n > 1:
                    cell(i + 1, c).merge(cell(i + n, c))
        for i, row in enumerate(t.rows):
            if is_heading(row):
                cell(i + 1, 0).merge(cell(i + 1, ncols - 1))
    document.add_paragraph(FOOTER)
    buf = io.BytesIO()
    document.save(buf)
    path.write_bytes(buf.getvalue())


# --------------------------------------------------------------------------- XLSX


def write_xlsx(tables: list[GridTable], path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for t_no, t in enumerate(tables, start=1):
        ws = wb.create_sheet(f"表{t_no}")
        ncols = len(t.header or [])
        ws.append([t.title] + [None] * (ncols - 1))
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
        ws.append(list(t.header or []))
        base = 3
        spans = {c: runs(t.rows, c) for c in MERGE_DOWN}
        skip = {c: covered(spans[c]) for c in MERGE_DOWN}
        for i, row in enumerate(t.rows):
            r = base + i
            if is_heading(row):
                ws.append([row.cells[0]] + [None] * (ncols - 1))
                ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
                continue
            values: list[object] = []
            for c, text in enumerate(row.cells[:ncols]):
                if c in MERGE_DOWN and i in skip[c]:
                    values.append(None)
                elif c == 0 and text.isdigit():
                    values.append(int(text))  # 序号 as a number, as people type it
                else:
                    values.append(text)
            ws.append(values)
        for c in MERGE_DOWN:
            for i, n in spans[c].items():
                if n > 1:
                    ws.merge_cells(start_row=base + i, start_column=c + 1, end_row=base + i + n - 1, end_column=c + 1)
    wb.properties.created = wb.properties.modified = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(buf.getvalue())


# --------------------------------------------------------------------------- CSV and GBK text


def write_csv(tables: list[GridTable], path: Path) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for t in tables:
        ncols = len(t.header or [])
        w.writerow([t.title] + [""] * (ncols - 1))
        w.writerow(t.header or [])
        for row in t.rows:
            w.writerow(row.cells[:ncols] + [""] * (ncols - len(row.cells)))
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))


def write_gbk(path: Path) -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    try:
        data = text.encode("gbk")
    except UnicodeEncodeError:
        data = text.encode("gb18030")
    path.write_bytes(data)


# --------------------------------------------------------------------------- refusal fixtures

MATRIX_HEADER = ["地区", "地区生产总值(亿元)", "增速(%)", "固定资产投资增速(%)", "一般公共预算收入(亿元)"]
MATRIX_ROWS = [
    ["文峰镇", "45.2", "6.1", "8.3", "3.1"],
    ["八都镇", "12.8", "4.9", "5.2", "0.9"],
    ["盘谷镇", "10.4", "5.5", "7.7", "0.7"],
    ["白水镇", "9.6", "3.8", "2.1", "0.6"],
    ["全县", "201.3", "4.2", "8.1", "16.4"],
]


def write_matrix(path_html: Path, path_xlsx: Path) -> None:
    import openpyxl

    rows = "\n".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in MATRIX_ROWS)
    path_html.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>\n'
        "<p>2020年1-10月各乡镇主要经济指标</p>\n<table>\n<tr>"
        + "".join(f"<th>{html.escape(h)}</th>" for h in MATRIX_HEADER)
        + "</tr>\n"
        + rows
        + "\n</table></body></html>\n",
        encoding="utf-8",
    )
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "主要指标"
    ws.append(MATRIX_HEADER)
    for r in MATRIX_ROWS:
        ws.append([r[0]] + [float(v) for v in r[1:]])
    wb.properties.created = wb.properties.modified = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    path_xlsx.write_bytes(buf.getvalue())


def write_image_only_docx(path: Path) -> None:
    import docx
    from PIL import Image

    img = io.BytesIO()
    Image.new("RGB", (60, 40), (240, 240, 240)).save(img, format="PNG")
    img.seek(0)
    document = docx.Document()
    document.core_properties.created = FIXED_TIME
    document.add_picture(img)
    buf = io.BytesIO()
    document.save(buf)
    path.write_bytes(buf.getvalue())


def main(out: Path = OUT) -> None:
    """Write every fixture into ``out`` (tests/fixtures/formats by default)."""
    out.mkdir(parents=True, exist_ok=True)
    tables = reference_tables()
    write_html(tables, out / "jishui-2020.html")
    write_docx(tables, out / "jishui-2020.docx")
    write_xlsx(tables, out / "jishui-2020.xlsx")
    write_csv(tables, out / "jishui-2020.csv")
    write_gbk(out / "jishui-2020-gbk.txt")
    write_matrix(out / "matrix-district-indicators.html", out / "matrix-district-indicators.xlsx")
    write_image_only_docx(out / "image-only.docx")
    for p in sorted(out.iterdir()):
        print(f"{p.stat().st_size:>9,}  {p}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
