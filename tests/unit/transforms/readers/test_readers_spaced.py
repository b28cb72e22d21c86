"""Text dumps without ` | ` cells on a line: space-separated rows, leading pipes, vertical cells
(transforms/readers/spaced.py), on the real pages 168, 179, 180 and small excerpts of them."""

from __future__ import annotations

import pytest

from tests.helpers import EXCERPTS, FIXTURES, REFERENCE
from transforms.layout import build_rows
from transforms.mappings import squash
from transforms.pipeline import parse_report
from transforms.readers import read_report
from transforms.readers.spaced import align, join_labels, label_role, read_spaced, unit_like

PAGES = FIXTURES / "realpages"


def page(n: int) -> str:
    return (PAGES / f"{n}.txt").read_text(encoding="utf-8")


def records(n: int) -> list[dict]:
    return [r.to_json() for r in parse_report((PAGES / f"{n}.txt").read_bytes(), f"{n}.txt").records]


# --------------------------------------------------------------------------- mechanisms


def test_wrapped_and_spaced_labels_are_joined():
    labels = join_labels(["序号", "项目名称", "责任", "单位", "完成额度", "(万元)", "目", "标", "任", "务"])
    assert [p for p, _, _ in labels] == ["序号", "项目名称", "责任单位", "完成额度(万元)", "目标任务"]
    assert [r for _, r, _ in labels] == ["seq", "project", "units", None, "target"]


def test_label_variants_keep_their_period():
    assert label_role("2025年工作目标任务") == ("target", "目标任务")
    role, emit = label_role("月度进展情况(1-3月)")
    assert role == "progress" and emit.startswith("1-3月")
    assert label_role("投资完成情况")[0] is None  # an amount column, not progress
    assert label_role("序号项目名称")[0] is None


def test_unit_like_cells():
    assert unit_like("市直各单位、各区县市")
    assert unit_like("环保局、城投集团、林业局、园林局、工信委、岳麓区和市直相关单位")
    assert unit_like("市政府办公厅")
    assert not unit_like("推进国家安全工作发展")
    assert not unit_like("地区生产总值增长13%")


def test_double_space_is_not_an_empty_cell():
    # 序号 | 项目 | 目标 | 投资(number) | 单位 | 进展 | 完成额度 | 占比 | 备注: the empty 备注 vanished
    kinds = ["seq", "project", "text", "number", "unit", "text", "number", "number", "any"]
    frags = [
        "1",
        "实施城镇老旧小区改造",
        "新开工改造城镇老旧小区67个、153万平方米。",
        "11604",
        "区住房城乡建委",
        "新开工改造城镇老旧小区42个,更新电梯30部。",
        "3500",
        "30.2",
    ]
    spans = align(frags, kinds, joins=True)
    cells = [" ".join(frags[a:b]) for a, b in spans]
    assert cells == frags + [""]


def test_text_cell_with_inner_space_is_joined():
    kinds = ["seq", "text", "unit"]
    spans = align(["2", "完成道路 提升改造工程", "县交通运输局"], kinds, joins=True)
    assert spans == [(0, 1), (1, 2), (2, 3)]
    spans = align(["2", "完成道路", "提升改造工程10公里。", "县交通运输局"], kinds, joins=True)
    assert spans == [(0, 1), (1, 3), (3, 4)]


# --------------------------------------------------------------------------- pages


def test_168_space_rows():
    grid = read_spaced(page(168))
    assert grid is not None and grid.format == "text-spaces"
    t = grid.tables[0]
    assert t.header[:5] == ["序号", "项目名称", "目标任务", "2025年投资计划(万元)", "责任单位"]
    assert any(f.rule == "reader.total_row" for f in grid.findings)
    recs = records(168)
    assert [r["seq"] for r in recs] == [1, 2, 3]
    assert recs[0]["part"] == "一、市级重点民生实事"
    assert recs[0]["project"] == "实施城镇老旧小区改造"
    assert recs[1]["units"] == ["区交通运输委"]
    assert recs[0]["progress"][0]["text"].startswith("新开工改造城镇老旧小区42个")
    assert "3500" not in recs[0]["progress"][0]["text"]
    # row 3 is cut inside its target: no unit of its own, none borrowed from row 2
    assert recs[2]["units"] == [] and recs[2]["task_text"].endswith("小学高年级、")


def test_180_leading_pipes_with_merged_lead_units():
    recs = records(180)
    assert len(recs) == 12
    assert [r["lead_units"][0] for r in recs[:3]] == ["市政府办公厅", "市政府办公厅", "长沙先导区管委会"]
    assert recs[5]["lead_units"] == ["市监察局"] and recs[5]["task_text"].startswith("想问题")
    assert recs[7]["task_text"] == "地区生产总值增长13%"
    # a closed row without its own unit cell continues the merged cell above; the cut last row does not
    assert recs[8]["units"] == recs[7]["units"] and recs[8]["units"]
    assert recs[11]["lead_units"] == ["市发改委"] and recs[11]["units"] == []


def test_179_vertical_units_rejoined():
    recs = records(179)
    assert len(recs) == 1
    assert recs[0]["lead_units"] == ["市政府办公厅"]
    assert recs[0]["task_text"].startswith("强化行政监督")
    assert recs[0]["units"] == ["市直各单位"]


def test_179_and_180_agree_on_the_rows_both_show():
    """One 2012 table saved by two crawlers in two layouts: the same rows, tasks and units."""
    a, b = records(179), records(180)
    assert a
    for ra, rb in zip(a, b, strict=False):
        assert ra["seq"] == rb["seq"]
        assert ra["task_text"] == rb["task_text"]
        assert ra["lead_units"] == rb["lead_units"]
        # 179 is cut inside the unit cell (市直各单位 of 市直各单位、各区县市)
        assert set(ra["units"]) <= set(rb["units"])


# --------------------------------------------------------------------------- not this family


def test_prose_and_pipe_dumps_are_not_read():
    prose = "关于印发2023年重点工作任务的通知\n各单位:\n  现将责任单位和牵头单位的工作任务印发给你们,请认真贯彻落实。\n"
    assert read_spaced(prose) is None
    assert read_spaced(REFERENCE.read_text(encoding="utf-8")) is None
    for p in sorted(EXCERPTS.glob("*.txt")):
        assert read_spaced(p.read_text(encoding="utf-8")) is None, p.name


@pytest.mark.parametrize("n", [101, 104, 161, 170])
def test_other_real_pages_are_left_alone(n):
    assert read_spaced(page(n)) is None


def _render(layout: str) -> str:
    """The reference report's tables as a space-separated dump (empty cells vanish) or as leading
    pipes (a lone | ends each row)."""
    grid = read_report(REFERENCE.read_bytes(), REFERENCE.name)
    out: list[str] = []
    for t in grid.tables:
        out.append(t.title or "")
        rows = [t.header] + [[" ".join(c.split()) for c in r.cells if c.strip()] for r in t.rows]
        for cells in rows:
            if layout == "spaces":
                out.append(" ".join(cells))
            else:
                out += [cells[0], *("| " + c for c in cells[1:]), "|"]
        out += ["", ""]
    return "\n".join(out)


@pytest.mark.parametrize("layout", ["spaces", "leading_pipes"])
def test_reference_report_read_back_from_other_layouts(layout):
    grid = read_spaced(_render(layout))
    assert grid is not None and grid.format == f"text-{layout}"
    want = build_rows(read_report(REFERENCE.read_bytes(), REFERENCE.name)).rows
    got = build_rows(grid).rows
    assert len(got) == len(want) == 130

    def key(r):
        return (r.seq, r.section, squash(r.task_text), squash(r.units_raw or ""), squash(r.leader_raw or ""))

    assert [key(r) for r in got] == [key(r) for r in want]


def test_tables_run_together_are_cut_at_the_next_header():
    """Two tables one after the other without a blank line between (title, header, rows, title,
    header, rows, then the site's footer): the next title and header end a table, the footer is no
    row's continuation, and a spaced-out name (吴 诚) is one leader cell."""
    from scripts.make_layout_fixtures import reference_tables, spaces

    text = spaces(reference_tables())
    grid = read_spaced(text)
    assert grid is not None and grid.format == "text-spaces"
    assert [t.title for t in grid.tables] == ["一、10件民生实事任务分解表", "二、其他重要事项任务分解表"]
    first, second = grid.tables
    assert [r.cells[0] for r in first.rows] == [str(n) for n in range(1, 11)]
    assert second.rows[0].cells[0].startswith("一、") and second.rows[2].cells[0] == "1"
    assert "承办" not in second.rows[-1].cells[-1]
    row8 = first.rows[7].cells
    assert row8[:4] == ["8", row8[1], "吴 诚", "县交通运输局 各相关乡镇政府"]
    assert row8[1].endswith("农村公交线路。") and row8[4].startswith("制定了")
    rows = build_rows(grid).rows
    assert len(rows) == 130 and [r.seq for r in rows[:12]] == [*range(1, 11), 1, 2]
