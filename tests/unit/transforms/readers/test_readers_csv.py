"""CSV reader: delimiter sniffing, quoted line breaks, encodings."""

from __future__ import annotations

from tests.helpers import FIXTURES
from transforms.pipeline import parse_report
from transforms.readers import sniff_format

FIXTURE = FIXTURES / "formats" / "jishui-2020.csv"


def test_reference_csv_rows_and_titles():
    p = parse_report(FIXTURE.read_bytes(), FIXTURE.name)
    assert p.format == "csv/,;utf-8-sig"
    by = {(r.table_no, r.seq): r for r in p.records}
    assert by[(1, 1)].line_start == 3
    assert by[(2, 1)].line_start == 3 + 10 + 2 + 2  # table 1, its title, header, two headings
    assert [t["title"] for t in p.tables] == ["一、10件民生实事任务分解表", "二、其他重要事项任务分解表"]


def test_tab_separated_gbk_file_named_txt():
    text = "序号\t项目内容\t责任单位\t完成情况\n1\t新建污水管网5公里\t县住建局\t已完成\n2\t\"改造老旧小区\n3个\"\t县住建局\t推进中\n"
    data = text.encode("gbk")
    assert sniff_format(data, "export.txt") == "csv"
    p = parse_report(data, "export.txt")
    assert p.format == "csv/tab;gb18030"
    assert [r.task_text for r in p.records] == ["新建污水管网5公里", "改造老旧小区\n3个"]
    assert (p.records[1].line_start, p.records[1].line_end) == (3, 4)


def test_a_text_dump_with_commas_is_not_taken_for_csv():
    data = (FIXTURES.parent.parent / "samples" / "real-excerpts" / "cangnan-2022-livelihood-progress-1031.txt").read_bytes()
    assert sniff_format(data, "cangnan.txt") == "text"
