"""Files that are not task tables are refused with a message that says what was found."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.helpers import FIXTURES, REFERENCE
from transforms.pipeline import RejectedReport, parse_report

FORMATS = FIXTURES / "formats"
PROSE = (
    "吉水县召开2020年政府工作报告任务推进会\n\n"
    "11月20日,县政府召开会议,听取各单位任务推进情况汇报。\n"
    "会议要求,各单位要对照任务清单,倒排工期,确保全面完成年度目标任务。\n"
)


def refused(data: bytes, name: str) -> str:
    with pytest.raises(RejectedReport) as exc:
        parse_report(data, name)
    msg = str(exc.value)
    assert msg.startswith(f"{name}: ")
    return msg


def test_prose_page_as_text_and_as_html():
    msg = refused(PROSE.encode("utf-8"), "news.txt")
    assert "no table was found, only 3 line(s) of prose" in msg and "吉水县召开2020年政府工作报告任务推进会" in msg
    assert "schemas/mappings/headers.yaml" in msg
    page = "<html><body><h1>吉水县召开推进会</h1><p>11月20日,县政府召开会议,听取汇报。</p></body></html>"
    msg = refused(page.encode("utf-8"), "news.html")
    assert "no table was found, only 2 line(s) of prose" in msg


@pytest.mark.parametrize(("name", "where"), [("matrix-district-indicators.html", "table 1 of the page"), ("matrix-district-indicators.xlsx", "sheet '主要指标'")])
def test_district_by_indicator_matrix(name, where):
    msg = refused((FORMATS / name).read_bytes(), name)
    assert "not a task table" in msg
    assert f"{where} of 6 row(s) × 5 column(s)" in msg
    assert "地区 | 地区生产总值(亿元) | 增速(%)" in msg
    assert "schemas/mappings/headers.yaml" in msg


def test_pipe_matrix_in_a_text_dump():
    data = "地区 | 产值 | 增速\n文峰镇 | 45.2 | 6.1\n八都镇 | 12.8 | 4.9\n".encode()
    msg = refused(data, "matrix.txt")
    assert "3 line(s) of text, 3 of them with ' | ' cells, but no header" in msg and "地区 | 产值 | 增速" in msg


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"", "empty.txt", "the file is empty (0 bytes)"),
        (b" \n\r\n\t", "blank.txt", "only white space (5 bytes)"),
        (b"\xef\xbb\xbf\n", "bom-only.csv", "only white space"),
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "scan.png", "an image (PNG) was found"),
        (b"\xff\xd8\xff\xe0" + bytes(64), "scan.jpg", "an image (JPEG) was found"),
        (b"%PDF-1.7\n%...", "report.pdf", "a PDF document was found"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "report.doc", "legacy Office 97-2003 file"),
        (b'<html><body><img src="p1.jpg"><img src="p2.jpg"></body></html>', "scan.html", "no table and no text, only 2 image(s)"),
    ],
)
def test_empty_image_and_unreadable_files(data, name, expected):
    assert expected in refused(data, name)


def test_image_only_word_document():
    msg = refused((FORMATS / "image-only.docx").read_bytes(), "scan.docx")
    assert "a Word document with no table and no text, only 1 image(s)" in msg


def test_other_zip_and_damaged_office_files():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "hello")
    assert "neither a Word (.docx) nor an Excel (.xlsx) file" in refused(buf.getvalue(), "x.zip")
    damaged = (FORMATS / "jishui-2020.docx").read_bytes()[:5000]
    assert "zip archive" in refused(damaged, "cut.docx")


def test_zip_bomb_is_refused_before_it_is_opened():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", bytes(3_000_000))
    msg = refused(buf.getvalue(), "bomb.docx")
    assert "readers.max_compression_ratio" in msg and "schemas/quality.yaml" in msg and "zip bomb" in msg


def test_a_table_without_header_is_refused_with_its_first_row():
    text = "24 |\n优化提升50条背街后巷交通组织。 |\n徐国江 |\n城管局 |\n|\n25 |\n新增达标小区210个。 |\n徐国江 |\n城管局 |\n|\n"
    msg = refused(text.encode("utf-8"), "no-header.txt")
    assert "without a header naming known columns" in msg and "24 | 优化提升50条背街后巷交通组织。" in msg


def test_unknown_header_is_reported_with_the_mapping_file():
    text = "序号 | 工作任务 | 责任单位 | 责任科室 | 推进情况 |\n1 | 完成道路硬化10公里。 | 县交通局 | 公路股 | 已完成 |\n"
    p = parse_report(text.encode("utf-8"), "new-county.txt")
    unknown = [f for f in p.findings if f.rule == "layout.unknown_header"]
    assert len(unknown) == 1 and "'责任科室'" in unknown[0].message
    assert unknown[0].mapping_file == "schemas/mappings/headers.yaml"
    assert "schemas/mappings/headers.yaml" in unknown[0].message
    assert [r.task_text for r in p.records] == ["完成道路硬化10公里。"]
    assert p.tables[0]["roles"] == ["seq", "task", "units", None, "progress"]
    assert p.records[0].units == ["县交通局"] and p.records[0].progress[0]["text"] == "已完成"


def test_a_page_with_a_task_table_and_another_table_keeps_only_the_task_table():
    page = (FORMATS / "matrix-district-indicators.html").read_text(encoding="utf-8")
    task = "<table><tr><th>序号</th><th>重点工作</th><th>牵头单位</th><th>进展情况</th></tr><tr><td>1</td><td>建成公办幼儿园2所。</td><td>县教育局</td><td>已完成</td></tr></table>"
    p = parse_report(page.replace("</body>", task + "</body>").encode("utf-8"), "two-tables.html")
    assert [r.task_text for r in p.records] == ["建成公办幼儿园2所。"]
    skipped = [f for f in p.findings if f.rule == "reader.not_task_table"]
    assert len(skipped) == 1 and "table 1 of the page" in skipped[0].message


def test_the_cli_extract_refuses_and_writes_nothing(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "matrix.xlsx"
    path.write_bytes((FORMATS / "matrix-district-indicators.xlsx").read_bytes())
    proc = subprocess.run(
        [sys.executable, "-m", "cli.main", "extract", str(path), "--jsonl"],
        capture_output=True,
        text=True,
        cwd=REFERENCE.parent.parent,
        timeout=120,
    )
    assert proc.returncode != 0 and proc.stdout.strip() == ""
    stderr = " ".join(proc.stderr.split())
    assert "rejected" in stderr and "not a task table" in stderr and "sheet" in stderr


def test_xlsx_with_a_giant_merged_range_is_refused_before_it_is_opened():
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "项目内容", "牵头单位", "进展情况"])
    ws.merge_cells("A2:B3")
    small = io.BytesIO()
    wb.save(small)
    # the same file with the range widened to 2.6 million cells (openpyxl would build one object per cell)
    big = io.BytesIO()
    with zipfile.ZipFile(small) as src, zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = data.replace(b'ref="A2:B3"', b'ref="A2:Z100000"')
            dst.writestr(item, data)
    msg = refused(big.getvalue(), "huge.xlsx")
    assert "readers.max_merged_cells" in msg and "2,599,974 cells" in msg


def test_csv_with_an_oversized_field_is_refused():
    data = ("序号,项目内容,进展情况\n1,\"" + "很长" * 70_000 + "\",已完成\n").encode("utf-8")
    assert "a CSV file that cannot be parsed" in refused(data, "long.csv")


def test_the_cli_extract_prints_markup_in_a_first_line_as_text(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "[bold]notice.txt"
    path.write_text("[/x] [bold]关于做好工作的通知[/bold] \\\n请认真落实。\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "cli.main", "extract", str(path)], capture_output=True, text=True, cwd=REFERENCE.parent.parent, timeout=120
    )
    assert proc.returncode == 1 and proc.stdout == ""
    assert "Traceback" not in proc.stderr and "MarkupError" not in proc.stderr
    stderr = "".join(proc.stderr.splitlines())
    assert "[bold]notice.txt: not a task table" in stderr and "'[/x] [bold]关于做好工作的通知[/bold]" in stderr
