"""Pipe dumps (one row per line, cells split by ` | `) of real pages and the header → role mechanism:
keyword rules for unseen headers, roles from cell content, page-information lines, two-level and
split headers, 序号 inside the name cell, merged category cells, the plan role."""

from __future__ import annotations

import pytest

from tests.helpers import FIXTURES
from transforms.grid import GridRow
from transforms.layout import content_roles
from transforms.mappings import header_map
from transforms.pipeline import parse_report
from transforms.readers.text import is_page_info, read_text

PAGES = FIXTURES / "realpages"


def page(n: int, lines: int | None = None) -> str:
    text = (PAGES / f"{n}.txt").read_text(encoding="utf-8")
    return "\n".join(text.split("\n")[:lines]) + "\n" if lines else text


def parse(text: str):
    return parse_report(text.encode("utf-8"), "t.txt")


@pytest.mark.parametrize(
    "label, role",
    [
        ("牵头单位及 主要负责人", "lead_unit"),
        ("分管 市领导", "leader"),
        ("牵 头 区领导", "leader"),
        ("一季度目标", "plan"),
        ("三季度工作计划", "plan"),
        ("工作举措及实施计划", "plan"),
        ("上半年落实情况", "progress"),
        ("进展情况、存在问题及下一步打算", "progress"),
        ("1-9月份工作取得成效", "progress"),
        ("预期目标", "task"),
        ("任 务 名 称", "task"),
        ("目 标 类 型", "other"),
        ("监督电话", "other"),
        ("类别", "group"),
        ("情况说明", "note"),
        ("工作计划及完成情况", "progress"),
        ("计划完成情况", "progress"),
        ("工作进度安排", "plan"),
        ("下步工作打算", "plan"),
        ("存在问题及整改情况", "issues"),
        ("计划完成时间", "deadline"),
        ("推进措施", "plan"),
        ("推进情况及下步计划", "progress"),
        ("完成目标", "task"),
    ],
)
def test_keyword_rules_read_headers_the_lists_do_not_name(label: str, role: str) -> None:
    assert header_map().role(label) == role


@pytest.mark.parametrize("cell", ["顺利推进", "持续推进中", "已完成", "14.改扩建泉山学校", "推进情况1-10月", "教体局", "项目完成。", "责任单位:县教育局"])
def test_keyword_rules_leave_body_cells_alone(cell: str) -> None:
    assert header_map().role(cell) is None


def test_a_row_of_one_keyword_repeated_is_not_a_header() -> None:
    text = "序号 | 工作任务 | 责任单位 | 落实情况 |\n1 | 任务|任务|任务|任务 | 县教育局 | 已完成。 |\n"
    grid = read_text(text)
    assert grid.tables[0].header_line == 1 and len(grid.tables[0].rows) == 1


def test_page_information_lines_are_not_rows() -> None:
    assert is_page_info(["索引号", "000330185/2022-83945", "公开方式", "主动公开", ""])
    assert is_page_info(["发布机构:", "某某数据"])
    assert is_page_info(["歙县民生办电话:0559-6521077", "市民生办电话:0559-2355581 2351785", "", ""])
    assert is_page_info(["---", "---", "---"])
    assert is_page_info(["主办:某县人民政府办公室", "承办:某县大数据中心", "网站标识码:3306000001", ""])
    assert not is_page_info(["新增学位810个", "进展情况:已完成", "顺利推进"])
    assert not is_page_info(["1", "新建学校1所。", "县教育局"])
    # 103: three lines of page information in pipes before the header; two rows and a cut one
    p = parse(page(103))
    assert p.tables[0]["header"][0] == "序号"
    assert [r.seq for r in p.records] == [1, 2]
    # 111: page information after the table is not a row either
    p = parse(page(111))
    assert [r.seq for r in p.records] == [14, 15, 16]
    assert all("索引号" not in (r.task_text + str(r.progress)) for r in p.records)


def test_plan_column_is_neither_task_nor_progress() -> None:
    p = parse(page(103))
    assert p.tables[0]["roles"] == ["seq", "task", "plan", "units", "co_units"]
    first = p.records[0]
    assert first.task_text.startswith("新建成公办中小学") and "4月底前" not in first.task_text
    assert first.progress == []


def test_two_level_header_in_pipes() -> None:
    p = parse(page(119))
    t = p.tables[0]
    assert [h.replace(" ", "") for h in t["header"]] == [
        "序号", "项目名称", "主要内容", "牵头区领导", "牵头单位", "配合单位", "三季度工作计划", "8月份完成情况",
    ]
    assert t["roles"] == ["seq", "project", "task", "leader", "lead_unit", "co_units", "plan", "progress"]
    assert any(f.rule == "reader.two_level_header" for f in p.findings)
    first = p.records[0]
    assert first.task_text.startswith("完成20公里农村公路") and first.leaders == ["储杨洋"]
    assert first.progress[0]["text"].startswith("项目完成")


def test_spaced_out_header_letters() -> None:
    p = parse(page(113))
    assert p.tables[0]["roles"] == ["seq", "task", "target", "lead_unit", "co_units", "other"]
    assert p.records[0].task_text == "地区生产总值" and p.records[0].lead_units == ["区发改经信局"]


def test_seq_inside_the_name_cell_and_merged_category() -> None:
    p = parse(page(111))
    assert p.tables[0]["roles"][:3] == ["group", "project", "task"]
    assert [r.project for r in p.records][:2] == ["改扩建泉山学校及庙后吕家初级中学", "推进学校塑胶运动场地建设"]
    assert all(r.leaders == ["刘福利"] for r in p.records)
    assert all("教育体育局" in r.units for r in p.records)
    assert any(f.rule == "layout.seq_in_cell" for f in p.findings)


def test_merged_first_column_printed_once() -> None:
    p = parse(page(170))
    assert [r.seq for r in p.records] == [1, 2, 3]
    assert all(r.leaders == ["陈宣群"] for r in p.records)
    assert all(r.progress and r.progress[0]["text"].startswith("已完成") for r in p.records)


def test_verdict_column_beside_progress_is_status() -> None:
    p = parse(page(101))
    assert p.tables[0]["roles"] == ["seq", "task", "units", "plan", "progress", "status"]
    assert any(f.rule == "layout.role_from_cells" and "目标完成情况" in f.message for f in p.findings)
    assert all(r.progress and "顺利推进" not in r.progress[0]["text"] for r in p.records)


def test_unknown_header_takes_the_role_of_its_cells() -> None:
    rows = [
        GridRow(["1", "新建成公办中小学、幼儿园7所,新增学位6800个。", "区教育局", "张三", "2023年6月底前"], 3, 3),
        GridRow(["2", "新建成婴幼儿照护服务成长驿站7家。", "区卫健局", "李四", "2023年9月底前"], 4, 4),
        GridRow(["3", "实施农村公路大中修100公里。", "区交通局", "王五", "年底前"], 5, 5),
    ]
    header = ["序号", "甲", "乙", "丙", "丁"]
    roles, findings = content_roles(header, [header_map().role(h) for h in header], rows, 1, 2)
    assert roles == ["seq", "task", "units", "leader", "deadline"]
    assert {f.rule for f in findings} == {"layout.role_from_cells"} and len(findings) == 4


def test_unknown_task_header_no_longer_sinks_the_report() -> None:
    text = "序号 | 甲栏 | 责任单位 | 进展情况 |\n1 | 地区生产总值增长6%以上 | 区发展改革委 | 预计一季度增长20%左右。 |\n" \
        "2 | 固定资产投资总额增长8%以上 | 区发展改革委 | 预计一季度投资增速20%左右。 |\n"
    p = parse(text)
    assert [r.task_text for r in p.records] == ["地区生产总值增长6%以上", "固定资产投资总额增长8%以上"]


def test_header_split_over_two_lines_or_two_cells() -> None:
    p = parse("序号 | 工作任务 | 责任\n领导 | 进展情况 |\n1 | 新建学校1所。 | 张三 | 主体完工。 |\n")
    assert p.tables[0]["roles"] == ["seq", "task", "leader", "progress"] and p.records[0].leaders == ["张三"]
    p = parse(
        "序号 | 工作任务 | 责任单位 | 是 否 | 滞 后 | 进展情况 |\n1 | 新建学校1所。 | 县教育局 | 否 | 主体完工。 |\n"
        "2 | 新建道路2公里。 | 县交通局 | 是 | 已完成。 |\n"
    )
    assert p.tables[0]["roles"] == ["seq", "task", "units", "status", "progress"]
    assert p.records[1].progress[0]["text"] == "已完成。"


def test_damaged_text_gets_no_role_from_cells() -> None:
    header = ["序号", "具体工作任\x00务和要求"]
    rows = [GridRow(["1", "完成第1项测试任\x00务,新建道路1公里。"], 2, 2), GridRow(["2", "完成第2项测试任\x00务,新建道路2公里。"], 3, 3)]
    roles, _ = content_roles(header, [header_map().role(h) for h in header], rows)
    assert roles == ["seq", None]


def test_table_whose_task_header_is_unknown_is_still_a_task_table() -> None:
    # no header names a task or progress: the cells tell (long clauses, verdicts)
    text = "序号 | 甲栏 | 责任单位 | 丙栏 |\n1 | 地区生产总值增长6%以上 | 区发展改革委 | 已完成 |\n" \
        "2 | 固定资产投资总额增长8%以上 | 区发展改革委 | 滞后 |\n"
    p = parse(text)
    assert p.tables[0]["roles"] == ["seq", "task", "units", "status"]
    assert [r.status for r in p.records] == ["completed", "behind"]


def test_header_word_printed_twice_over_one_text_keeps_it_once() -> None:
    text = "序号 | 工作任务 | 工作任务 | 责任单位 | 进展情况 |\n1 | 新建学校1所。 | 新建学校1所。 | 县教育局 | 主体完工。 |\n"
    assert parse(text).records[0].task_text == "新建学校1所。"


@pytest.mark.parametrize("lead", ["| ", ""])
def test_markdown_table_rule_is_not_a_row(lead: str) -> None:
    text = (
        "2023年民生实事进展情况\n"
        f"{lead}序号 | 工作任务 | 责任单位 | 进展情况 |\n{lead}---|---|---|---|\n"
        f"{lead}1 | 新建学校1所。 | 县教育局 | 主体完工。 |\n{lead}2 | 新建道路2公里。 | 县交通局 | 已完成。 |\n"
    )
    p = parse(text)
    assert p.tables[0]["roles"] == ["seq", "task", "units", "progress"]
    assert [(r.seq, r.units) for r in p.records] == [(1, ["县教育局"]), (2, ["县交通局"])]
    assert read_text(text).tables[0].rows[0].line_start == 4


def test_table_without_seq_column_and_unheaded_category() -> None:
    # a responsibility table (181's layout in pipes): no 序号, the header printed with spare empty
    # cells, a category before the first column printed once over its rows
    text = (
        "2021年《政府工作报告》主要目标任务责任分解表\n"
        "目标任务 | 责任领导 | 牵头单位 | 责任单位 | ||\n"
        "全市经济社会发展主要预期目标 | 地区生产总值增长8% | 常务副市长 | 市发展改革委 | 各区县(市)人民政府 |\n"
        "一般公共预算收入增长5% | 常务副市长 | 市财政局 | 市税务局 |\n"
        "规模工业增加值增长8% | 常务副市长 | 市工业和信息化局 | 各区县(市)人民政府 |\n"
    )
    p = parse(text)
    assert p.tables[0]["roles"] == ["group", "target", "leader", "lead_unit", "units"]
    assert [r.seq for r in p.records] == [1, 2, 3]
    assert [r.task_text for r in p.records] == ["地区生产总值增长8%", "一般公共预算收入增长5%", "规模工业增加值增长8%"]
    assert [r.lead_units for r in p.records] == [["市发展改革委"], ["市财政局"], ["市工业和信息化局"]]
    assert {f.rule for f in p.findings} >= {"reader.unheaded_column", "layout.no_seq_column"}


def test_cells_that_end_like_a_unit_but_open_with_an_action_are_tasks() -> None:
    rows = [
        GridRow(["1", "新建村级卫生站", "区卫健局"], 3, 3),
        GridRow(["2", "建设养老服务中心", "区民政局"], 4, 4),
        GridRow(["3", "改造农贸市场管理所", "区市场监管局"], 5, 5),
    ]
    header = ["序号", "甲", "乙"]
    roles, _ = content_roles(header, [header_map().role(h) for h in header], rows)
    assert roles[1] != "units" and roles[2] == "units"
    rows = [GridRow(r.cells[:1] + [r.cells[1] + "一处,年底前投入使用", r.cells[2]], 1, 1) for r in rows]
    roles, _ = content_roles(header, [header_map().role(h) for h in header], rows)
    assert roles == ["seq", "task", "units"]


def test_two_level_header_with_dated_sub_columns_and_no_seq() -> None:
    text = (
        "项目名称 | 牵头单位 | 推进情况 | 备注 |\n"
        "1-10月 | 1-11月 |\n"
        "新建学校1所 | 县教育局 | 主体完工。 | 投入使用。 | |\n"
        "新建道路2公里 | 县交通局 | 完成路基。 | 已完成。 | |\n"
    )
    p = parse(text)
    assert p.tables[0]["header"] == ["项目名称", "牵头单位", "1-10月推进情况", "1-11月推进情况", "备注"]
    assert [[x["text"] for x in r.progress] for r in p.records] == [["主体完工。", "投入使用。"], ["完成路基。", "已完成。"]]
