"""One logical cell printed as two (a group label over an indicator label under one 目标任务
header): rows one cell too wide are joined by content, in the layout and in the cell-stream reader,
on the provincial 民生实事 template (real pages 128 and 129)."""

from __future__ import annotations

from tests.helpers import FIXTURES
from transforms.layout import _unmarked_figure, align_short_row, build_rows, join_split_cell
from transforms.pipeline import _best_reading
from transforms.readers import read_candidates

PAGES = FIXTURES / "realpages"
ROLES_129 = ["seq", "project", "target", "lead_unit", "progress", "progress", "note"]
ROLES_128 = ["seq", "group", "project", "target", "lead_unit", "target", "progress", "progress", "note"]


def layout_of(n: int):
    data = (PAGES / f"{n}.txt").read_bytes()
    return _best_reading(read_candidates(data, f"{n}.txt"))


def test_a_row_with_a_split_target_cell_is_joined_so_the_unit_lands_in_its_column():
    cells = ["4", "加强城乡低保人员生活保障", "最低生活保障", "农村标准(760元/月)", "县民政局", "", ""]
    joined = join_split_cell(cells, ROLES_129)
    assert joined is not None
    row, at = joined
    assert at == 2 and row[2] == "最低生活保障\n农村标准(760元/月)" and row[3] == "县民政局"
    assert len(row) == 7 and row[4:] == ["", "", ""]


def test_one_cell_too_many_is_joined_where_the_labels_are():
    cells = ["4", "二、社会保障", "加强城乡低保", "最低生活保障", "农村标准(元/月)", "县民政局", "", "", "", "x"]
    joined = join_split_cell(cells[:-1] + [""], ROLES_128)
    assert joined is not None and joined[1] == 3 and joined[0][4] == "县民政局"


def test_rows_that_fit_their_columns_are_left_alone():
    full = ["5", "农村敬老院运营服务能力提升", "督促辖区内12家公建公营敬老院规范运营", "县民政局", "12", "100%", ""]
    assert join_split_cell(full, ROLES_129) is None
    # the last cell holds text: no room to shift the row left
    assert join_split_cell(["4", "项目", "最低生活保障", "农村标准(760元/月)", "县民政局", "", "备注"], ROLES_129) is None
    # two labels, but nothing lands better for it (no unit name after them)
    assert join_split_cell(["4", "项目", "最低生活保障", "农村标准(760元/月)", "", "", ""], ROLES_129) is None


def test_a_short_row_opening_with_two_labels_puts_both_under_the_target():
    cells = ["特困人员救助供养", "农村标准(元/月)", "", "", "", ""]
    assert align_short_row(cells, ROLES_128) == [3, 3, 5, 6, 7, 8]
    # an indicator row with figures keeps one cell per column
    assert align_short_row(["农村保障人数", "-", "35611", "持续推进", ""], ROLES_128) == [3, 5, 6, 7, 8]


def test_a_lone_label_naming_a_measure_is_a_sub_row_not_a_heading():
    assert _unmarked_figure("城市标准(元/月)") and _unmarked_figure("城市标准(788元/月)")
    assert not _unmarked_figure("民生实事项目") and not _unmarked_figure("一、就业促进(3项)")


def test_page_129_item_4_and_its_indicator_rows_keep_the_lead_unit():
    grid, layout = layout_of(129)
    rows = [r for r in layout.rows if r.seq == 4]
    assert len(rows) == 8
    assert all(r.lead_unit_raw == "县民政局" for r in rows)
    assert rows[0].target.startswith("最低生活保障") and not any(p["text"] for p in rows[0].progress)
    assert any(f.rule == "layout.split_cell" and f.line_start == 9 for f in layout.findings)


def test_page_128_item_4_reads_all_its_indicator_rows():
    grid, layout = layout_of(128)
    assert not any(f.rule == "reader.unread_cells" for f in grid.findings)
    rows = [r for r in layout.rows if r.seq == 4]
    assert [r.target.split("\n")[0] for r in rows] == [
        "最低生活保障", "农村保障人数", "城市标准(元/月)", "城市保障人数",
        "特困人员救助供养", "农村保障人数", "城市标准(元/月)", "城市保障人数",
    ]  # fmt: skip
    assert all(r.lead_unit_raw == "县民政局" for r in rows)
    assert rows[4].target == "特困人员救助供养\n农村标准(元/月)"
    assert [r.seq for r in layout.rows if r.sub_seq == 0] == [1, 2, 3, 4, 5, 6, 7]  # nothing after 4 lost (8 is cut off)
    assert build_rows(grid).rows  # the layout is a pure function of the grid
