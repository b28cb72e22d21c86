"""One cell per line (blank-separated cells, cells ending in ` |`): row segmentation over a cell
stream, on the real pages of the development set and small excerpts of them."""

from __future__ import annotations

import pytest

from tests.helpers import FIXTURES
from transforms.pipeline import parse_report
from transforms.readers import read_report
from transforms.readers.cells import split_sub_rows
from transforms.readers.text import detect_layout, read_text

PAGES = FIXTURES / "realpages"


def page(n: int) -> str:
    return (PAGES / f"{n}.txt").read_text(encoding="utf-8")


def blank(cells: list[str]) -> str:
    return "\n\n".join(cells) + "\n"


@pytest.mark.parametrize("n", [158, 165])
def test_a_pipe_in_the_page_navigation_does_not_make_a_pipe_table(n):
    # `字体:【 默认 超大 |` or `| 无障碍 | 敬老版 |` above a blank-separated table
    assert detect_layout(page(n).split("\n")) == "blank_separated"


def test_repeated_header_per_leader_block_restarts_seq_and_names_the_leader():
    grid = read_text(page(117))
    assert [t.title for t in grid.tables] == ["2024年政府工作报告目标任务分解清单"] * 2
    first, second = grid.tables
    assert first.header == ["序号", "目标任务", "牵头单位", "配合单位", "牵头领导"]
    assert first.rows[0].cells[0] == "一、区长陈兴立牵头重点工作"  # the block heading is a heading row
    assert [r.cells[0] for r in first.rows[1:]] == ["1", "2", "3", "4", "5"]
    assert first.rows[-1].cells == ["5", "推进“乡债县管”", "区财政局", "各镇(街道)", "陈兴立"]  # the next heading is not a cell
    assert second.rows[0].cells[0] == "二、常务副区长姚珂军牵头重点工作"
    assert [(r.cells[0], r.cells[-1]) for r in second.rows[1:]] == [("1", "姚珂军"), ("2", "姚珂军")]
    p = parse_report(page(117).encode("utf-8"), "117.txt")
    assert [(r.seq, r.leaders) for r in p.records][4:6] == [(5, ["陈兴立"]), (1, ["姚珂军"])]
    assert p.records[5].part == "二、常务副区长姚珂军牵头重点工作"
    assert sum(f.rule == "reader.leader_from_heading" for f in grid.findings) == 2


def test_an_extra_blank_line_is_an_empty_cell_and_shifts_nothing():
    grid = read_text(page(120))
    rows = grid.tables[0].rows
    assert rows[0].cells == ["1", "推动闲置岸线资源高效集约利用。", "区交通运输局", ""]
    assert rows[1].cells[0] == "2" and rows[1].cells[1].startswith("整治腾退港外低散乱集装箱堆场29处")
    assert rows[1].cells[2] == "开发区开发建设综合局" and rows[1].cells[3].endswith("相关街道")
    assert [r.cells[0] for r in rows] == ["1", "2", "3", "4", "5", "6"]


def test_an_empty_cell_inside_a_row_keeps_the_later_cells_in_place():
    text = blank(["序号", "工作任务", "牵头单位", "配合单位", "1", "新建学校1所。", "区教育局", "区财政局"])
    text += "\n\n" + blank(["2", "新建公园2个。"]) + "\n\n" + blank(["区住建局", "3", "改造道路5条。", "区交通局", "各街道"])
    rows = read_text(text).tables[0].rows
    assert rows[1].cells == ["2", "新建公园2个。", "", "区住建局"]
    assert rows[2].cells == ["3", "改造道路5条。", "区交通局", "各街道"]


def test_trailing_space_after_seq_and_page_metadata_before_the_table():
    grid = read_text(page(105))
    t = grid.tables[0]
    assert t.title == "2023年《政府工作报告》重点工作半年度进展情况表"
    assert [r.cells[0] for r in t.rows] == [str(i) for i in range(1, 8)]  # `1 ` with its trailing space
    assert any(f.rule == "reader.cut_row" and f.seq == "8" for f in grid.findings)
    p = parse_report(page(105).encode("utf-8"), "105.txt")
    assert len(p.records) == 7 and p.records[1].progress[0]["text"] == "完成投资74.2亿元。"


def test_two_level_header_with_a_colspan_placeholder_and_sub_rows():
    grid = read_text(page(107))
    t = grid.tables[0]
    assert t.header == [
        "序号", "重点工作", "主要内容", "区领导", "牵头单位", "配合单位", "四季度计划目标", "10月完成情况", "进度状态", "情况说明",
    ]
    assert any(f.rule == "reader.two_level_header" for f in grid.findings)
    first, sub1, sub2 = t.rows
    assert first.cells[:2] == ["1", "教育设施增量提质"]  # a title wrapped over two cells, joined
    assert first.cells[3:5] == ["储杨洋", "教育局、公建中心"] and first.cells[8] == "部分滞后"
    assert sub1.cells[:3] == ["打造最美上学路9条。", "金昕", "街道"] and len(sub1.cells) == 8
    assert sub2.cells[0] == "增加学生午休躺睡座椅10000套。" and sub2.cells[-2] == "办结"


def test_bare_pipes_inside_rows_are_empty_cells_and_numbers_do_not_open_rows():
    grid = read_text(page(128))
    t = grid.tables[0]
    assert t.header.count("目标任务") == 2
    rows = {r.line_start: r.cells for r in t.rows}
    assert rows[10] == ["1", "一、就业促进(3项)", "促进重点群体稳定就业", "城镇新增就业1100人", "县人社局", "1100", "1063", "96.64%", ""]
    assert rows[19] == ["“三公里”充分就业社区4个", "4", "4", "100%", ""]  # an indicator sub-row
    assert rows[24][:4] == ["2", "支持毕业生求职创业", "按1500元/人标准发放求职创业补贴", "县人社局"]
    assert [r.cells[0] for r in t.rows if r.cells[0].isdigit()] == ["1", "2", "3", "4", "5", "6", "7"]
    assert rows[97][:2] == ["6", "加强城乡公益性公墓建设管理"]  # its target 7 and done 7 are cells, not rows
    # row 4: a group label over an indicator label (one cell too many), then indicator rows of
    # varying length, each opening with its label
    assert not any(f.rule == "reader.unread_cells" for f in grid.findings)
    assert any(f.rule == "reader.label_sub_rows" and f.seq == "4" for f in grid.findings)
    assert rows[43][3:6] == ["最低生活保障", "农村标准(元/月)", "县民政局"] and len(rows[43]) == 9
    assert rows[53] == ["农村保障人数", "-", "35611", "持续推进", ""]
    assert rows[58] == ["城市标准(元/月)", "", "", "", ""]
    assert rows[68][:2] == ["特困人员救助供养", "农村标准(元/月)"]
    assert rows[84][:3] == ["城市保障人数", "-", "62"]


def test_label_sub_rows_need_labels_and_figures():
    from transforms.readers.cells import label_sub_rows

    row = ["4", "项目", "最低生活保障", "农村标准(元/月)", "县民政局", "", ""]
    subs = ["农村保障人数", "-", "35611", "", "城市标准(元/月)", "", "", "城市保障人数", "-", "62", ""]
    parts = label_sub_rows(row + subs, 6)
    assert parts is not None and parts[0] == row[:6] and parts[1] == ["农村保障人数", "-", "35611", ""]
    assert parts[2] == ["城市标准(元/月)", "", ""] and len(parts) == 4
    # a sentence after a figure is no indicator row: no cut
    assert label_sub_rows([*row, "农村保障人数", "-", "35611", "已完成年度目标任务的一半"], 6) is None
    # labels without any figure are no indicator rows
    assert label_sub_rows([*row, "农村保障人数", "", "城市保障人数", ""], 6) is None


def test_two_tables_one_after_the_other_with_seq_restarting():
    grid = read_text(page(158))
    assert [t.header for t in grid.tables] == [["序号", "2022年预期目标", "责任单位"], ["序号", "工作任务", "牵头单位", "配合单位"]]
    one, two = grid.tables
    assert [r.cells[0] for r in one.rows] == [str(i) for i in range(1, 11)]
    assert one.rows[-1].cells == ["10", "节能减排降碳完成年度目标任务", "区发展改革委"]  # 附件2 and the title are not cells
    assert two.title == "2022年区政府工作报告重点工作任务分解表"
    assert not two.rows and any(f.rule == "reader.cut_row" and f.table_no == 2 for f in grid.findings)


def test_title_that_is_a_verdict_is_kept_and_site_chrome_is_not_a_table():
    grid = read_report(page(165).encode("utf-8"), "165.txt")
    t = grid.tables[0]
    assert t.title == "2023年度政府工作报告超额完成任务一览表"
    assert t.header == ["序号", "目标任务", "具体任务", "牵头单位", "任务进度"]
    assert t.rows[0].cells[3] == "区经济信息委、经开区经发局"


def test_a_cell_wrapped_over_two_lines_is_one_cell():
    text = blank(["序号", "工作任务", "牵头单位", "1", "新建学校1所,\n新增学位800个。", "区教育局", "2", "改造道路。", "区交通局"])
    rows = read_text(text).tables[0].rows
    assert rows[0].cells == ["1", "新建学校1所,\n新增学位800个。", "区教育局"]


def test_sub_rows_must_repeat_the_shape_of_the_row():
    row = ["3", "放心家政行动", "培训家政服务人员613人次", "县科商工信局", "613", "626", "102.12%", ""]
    parts, ok = split_sub_rows([*row, "新增家政服务人员275人", "275", "284", "103.27%", ""], 9)
    assert ok and parts == [row, ["新增家政服务人员275人", "275", "284", "103.27%", ""]]
    _, ok = split_sub_rows([*row, "县人社局", "二、社会保障", "加强城乡低保"], 9)
    assert not ok


def test_header_label_split_over_two_cells_and_unknown_labels_above_row_one():
    text = blank(["序号", "预期目标", "责任", "单位", "推进举措", "1", "地区生产总值增长6%。", "区发改局", "召开调度会3次。"])
    t = read_text(text).tables[0]
    assert t.header == ["序号", "预期目标", "责任单位", "推进举措"]  # 2 known labels of 4, right above row 1
    assert t.rows[0].cells == ["1", "地区生产总值增长6%。", "区发改局", "召开调度会3次。"]
    assert not read_text(blank(["序号", "预期目标", "推进举措", "说起", "往年"])).tables  # no row 1 below


def test_section_heading_between_rows_and_a_total_row_after_the_table():
    cells = ["序号", "工作任务", "牵头单位", "1", "新建学校1所。", "区教育局", "二、民生保障",
             "2", "新增养老床位100张。", "区民政局", "3", "改造老旧小区5个。", "区住建局", "合计", "3项", "—"]
    grid = read_text(blank(cells))
    rows = grid.tables[0].rows
    assert [r.cells[0] for r in rows] == ["1", "二、民生保障", "2", "3"]
    assert rows[-1].cells == ["3", "改造老旧小区5个。", "区住建局"]
    assert any(f.rule == "reader.dropped_text" and "after the table" in f.message for f in grid.findings)
    p = parse_report(blank(cells).encode("utf-8"), "t.txt")
    assert [(r.seq, r.part) for r in p.records] == [(1, None), (2, "二、民生保障"), (3, "二、民生保障")]


@pytest.mark.parametrize("n", [105, 117, 120, 158])
def test_one_cell_per_line_without_blank_lines_reads_like_the_blank_separated_page(n):
    # the same page with every run of blank lines one line shorter: cells on consecutive lines,
    # and an empty cell (an extra blank line in the original) as a single blank line
    lines = page(n).split("\n")
    out: list[str] = []
    gap = 0
    for ln in lines:
        if not ln.strip():
            gap += 1
            continue
        out.extend([""] * max(0, gap - 1))
        out.append(ln)
        gap = 0
    dense = read_text("\n".join(out))
    spaced = read_text(page(n))
    assert [[r.cells for r in t.rows] for t in dense.tables] == [[r.cells for r in t.rows] for t in spaced.tables]
    assert [t.header for t in dense.tables] == [t.header for t in spaced.tables]


def test_a_small_number_in_a_row_does_not_open_the_next_row():
    cells = ["序号", "项目名称", "建设内容", "年度目标", "进展情况", "责任单位",
             "3", "新建学校", "新建教学楼一栋。", "4", "主体完工。", "区教育局",
             "4", "改造道路", "改造道路5条。", "5", "已完成3条。", "区交通局"]
    rows = read_text(blank(cells)).tables[0].rows
    assert [r.cells[:2] for r in rows] == [["3", "新建学校"], ["4", "改造道路"]]
    assert rows[0].cells[3:] == ["4", "主体完工。", "区教育局"]


def test_cell_per_line_header_split_and_spaced_out():
    text = "\n".join(["序号 |", "目  标  任  务 |", "责任单位 |", "是 否 |", "滞 后 |",
                      "1 |", "新建学校1所。 |", "县教育局 |", "否 |", "|",
                      "2 |", "新增学位800个。 |", "县教育局 |", "是 |", "|"])
    p = parse_report(text.encode("utf-8"), "t.txt")
    assert p.tables[0]["roles"] == ["seq", "target", "units", "status"]
    assert [r.seq for r in p.records] == [1, 2]
    assert [r.units or r.lead_units for r in p.records] == [["县教育局"], ["县教育局"]]


def test_seq_with_a_mark_and_a_header_word_split_at_its_first_character():
    cells = ["序", "号", "工作任务", "牵头单位", "1.", "新建学校1所。", "区教育局", "2、", "改造道路5条。", "区交通局"]
    p = parse_report(blank(cells).encode("utf-8"), "t.txt")
    assert p.tables[0]["roles"] == ["seq", "task", "lead_unit"]
    assert [(r.seq, r.lead_units) for r in p.records] == [(1, ["区教育局"]), (2, ["区交通局"])]


def test_site_footer_after_the_last_row_is_neither_cells_nor_sub_rows():
    cells = ["序号", "工作任务", "牵头单位", "1", "新建学校1所。", "区教育局", "2", "改造道路5条。", "区交通局",
             "网站地图", "联系我们", "主办单位:区人民政府办公室", "浙ICP备05001234号"]
    grid = read_text(blank(cells))
    assert [r.cells for r in grid.tables[0].rows][-1] == ["2", "改造道路5条。", "区交通局"]
    assert any(f.rule == "reader.dropped_text" and "after the table" in f.message for f in grid.findings)


def test_two_level_header_without_placeholder_is_read_from_the_rows_below():
    header = ["序号", "项目名称", "责任单位", "工作进展", "牵头单位", "配合单位", "完成情况", "进度评价"]
    rows = [["1", "新建学校", "区教育局", "区财政局", "主体完工。", "正常推进"],
            ["2", "改造道路", "区交通局", "各街道", "完成3条。", "滞后"],
            ["3", "新建公园", "区住建局", "区资规局", "已开工。", "正常推进"]]
    t = read_text(blank(header + [c for r in rows for c in r])).tables[0]
    assert t.header == ["序号", "项目名称", "牵头单位", "配合单位", "完成情况", "进度评价"]
    assert [r.cells for r in t.rows] == rows
    # the same labels over rows with one cell per label stay one level
    flat_rows = [["1", "新建学校", "区教育局", "主体完工。", "区教育局", "区财政局", "已开工。", "正常推进"],
                 ["2", "改造道路", "区交通局", "完成3条。", "区交通局", "各街道", "已完成。", "滞后"],
                 ["3", "新建公园", "区住建局", "已开工。", "区住建局", "区资规局", "已开工。", "正常推进"]]
    assert read_text(blank(header + [c for r in flat_rows for c in r])).tables[0].header == header
