"""HTML reader: every innermost table, rowspan/colspan, two-row headers, titles, encodings."""

from __future__ import annotations

from tests.helpers import FIXTURES
from transforms.pipeline import parse_report
from transforms.readers import read_report, sniff_format

FORMATS = FIXTURES / "formats"
CHONGCHUAN = FORMATS / "chongchuan-two-row-header.html"
WENSHANG = FORMATS / "wenshang-rowspan.html"


def test_two_row_header_and_a_task_cell_merged_over_three_rows():
    p = parse_report(CHONGCHUAN.read_bytes(), CHONGCHUAN.name)
    t = p.tables[0]
    assert t["title"] == "2023年区政府重点民生实事项目推进情况(1-11月)"
    assert t["header"][6:8] == ["1-10月推进情况", "1-11月推进情况"]
    assert t["roles"] == ["seq", "task", "target", "leader", "lead_unit", "co_units", "progress", "progress", "status", "note"]
    assert [r.seq for r in p.records] == [24, 25, 26]
    for r in p.records:
        assert r.task_text == "推进城市精细化管理"  # the rowspan cell applies to each row it covers
        assert r.leaders == ["徐国江"] and r.lead_units == ["城管局"]
        assert [x["label"] for x in r.progress] == ["1-10月推进情况", "1-11月推进情况"]
    r26 = p.records[2]
    assert r26.target_text == "新建建筑垃圾中转站8个、建筑垃圾分类池20个。"
    assert r26.progress[0]["text"] == "已建成建筑垃圾中转站3个、分类池10个;\n其余点位已启动建设流程。"  # <br> kept
    assert r26.co_units == ["崇川经济开发区", "相关街道"]
    assert [(r.line_start, r.line_end) for r in p.records] == [(9, 9), (10, 10), (11, 11)]  # source lines


def test_declared_gbk_page_with_merged_sequence_numbers():
    data = WENSHANG.read_bytes()
    p = parse_report(data, WENSHANG.name)
    assert p.format == "html;gb18030"
    # four targets of one project, 序号, title and unit merged over them (rowspan): four tasks
    assert [(r.seq, r.sub_seq) for r in p.records] == [(1, 0), (1, 1), (1, 2), (1, 3), (2, 0)]
    item1 = p.records[:4]
    for r in item1:
        assert r.project == "农村人居环境整治提升工程" and r.lead_units == ["县农村人居环境整治工作专班"]
    assert item1[1].task_text == "新增国家卫生乡镇2个、省级美丽乡村3个。"
    assert item1[3].task_text == "市场化运作农村户厕、公厕保洁管护。"
    assert item1[3].progress[0]["text"].startswith("1.常态化开展农村户厕“报抽报修”及公厕保洁维护。\n2.委托设计院")
    assert [r.status_raw for r in item1] == ["已完成", "已完成", "正常推进", "正常推进"]
    assert [(r.line_start, r.line_end) for r in item1] == [(4, 4), (5, 5), (6, 6), (7, 7)]
    assert p.records[4].progress[0]["text"] == "①已完成8个村;②其余4个村年底完成。"


def test_utf16_page_and_page_saved_under_a_wrong_name():
    text = CHONGCHUAN.read_text(encoding="utf-8")
    for data in (text.encode("utf-16"), text.encode("utf-16-le")):
        p = parse_report(data, "page.txt")
        assert p.format.startswith("html;utf-16")
        assert [r.seq for r in p.records] == [24, 25, 26]
    assert sniff_format(CHONGCHUAN.read_bytes(), "report.txt") == "html"


def _page(body: str) -> bytes:
    return f"<html><body>{body}</body></html>".encode()


def test_layout_tables_are_skipped_and_title_is_the_text_before_the_table():
    inner = (
        "<table><tr><td>序号</td><td>重点工作</td><td>牵头单位</td><td>进展情况</td></tr>"
        "<tr><td>1</td><td>建成公办幼儿园2所。</td><td>县教育局</td><td>已完成</td></tr></table>"
    )
    page = _page(
        "<table><tr><td>首页</td><td>政务公开</td></tr>"
        f"<tr><td><div>2021年民生实事进展</div>{inner}</td></tr></table>"
    )
    grid = read_report(page, "p.html")
    assert len(grid.tables) == 1 and grid.tables[0].title == "2021年民生实事进展"
    assert grid.tables[0].rows[0].cells == ["1", "建成公办幼儿园2所。", "县教育局", "已完成"]


def test_table_continued_without_header_and_a_repeated_header():
    head = "<tr><th>序号</th><th>重点工作</th><th>牵头单位</th><th>进展情况</th></tr>"
    rows1 = "<tr><td>1</td><td>建成幼儿园2所。</td><td>县教育局</td><td>已完成</td></tr>"
    rows2 = "<tr><td>2</td><td>修建道路10公里。</td><td>县交通局</td><td>推进中</td></tr>"
    rows3 = "<tr><td>3</td><td>新增学位500个。</td><td>县教育局</td><td>已完成</td></tr>"
    page = _page(f"<table>{head}{rows1}</table><p>第2页</p><table>{rows2}</table><table>{head}{rows3}</table>")
    p = parse_report(page, "pages.html")
    assert [r.seq for r in p.records] == [1, 2, 3]
    assert len(p.tables) == 2  # the headerless second table continues the first
    assert any(f.rule == "reader.table_continued" for f in p.findings)
    # the same header repeated inside one table (after a page break) is skipped
    page = _page(f"<table>{head}{rows1}{head}{rows2}</table>")
    p = parse_report(page, "repeat.html")
    assert [r.seq for r in p.records] == [1, 2] and len(p.tables) == 1


def test_colspan_heading_rows_become_parts_and_sections():
    head = "<tr><th>序号</th><th>重点工作</th><th>牵头单位</th><th>进展情况</th></tr>"
    page = _page(
        f"<table>{head}<tr><td colspan='4'>一、产业发展</td></tr><tr><td colspan='4'>(一)工业</td></tr>"
        "<tr><td>1</td><td>新增规上企业10家。</td><td>县工信局</td><td>已新增8家</td></tr></table>"
    )
    r = parse_report(page, "h.html").records[0]
    assert (r.part, r.section, r.task_text) == ("一、产业发展", "(一)工业", "新增规上企业10家。")


def test_header_cell_spanning_two_columns_without_a_second_header_row():
    page = _page(
        "<table><tr><th>序号</th><th colspan='2'>工作任务</th><th>牵头单位</th><th>进展情况</th></tr>"
        "<tr><td>1</td><td>教育</td><td>新建学校1所。</td><td>县教育局</td><td>已完成</td></tr></table>"
    )
    p = parse_report(page, "span.html")
    assert [r.seq for r in p.records] == [1]
    assert p.records[0].task_text == "教育\n新建学校1所。"  # both cells under the merged header are kept
