"""Numbered cards (transforms/readers/labelled.py): a 序号 label over a number opens a card whose
labels are the table's column names, one label over its value, line by line."""

from __future__ import annotations

import re

from scripts.make_layout_fixtures import render_all
from tests.helpers import FIXTURES
from transforms.readers import labelled as L
from transforms.readers.labelled import read_labelled

REALPAGES = FIXTURES / "realpages"
CARD = "序号\n{n}\n工作任务\n{task}\n责任领导\n{leader}\n责任单位\n{units}\n落实情况\n{progress}\n"


def _cards_text() -> str:
    return render_all()["cards.txt"]


def _spaced_out(text: str) -> str:
    """The cards as real pages print them: a blank line after every line, labels spaced out and
    wrapped, long values wrapped."""
    out: list[str] = []
    for ln in text.splitlines():
        if ln == "具体工作任务和要求":
            out += ["具 体 工 作", "任务和要求"]
        elif ln in ("责任领导", "责任单位", "落实情况"):
            out.append(" ".join(ln))
        elif len(ln) > 40 and not re.match(r"^[一二三四五六七八九十]+、|^[(（]", ln):
            out += [ln[:40], ln[40:]]
        else:
            out.append(ln)
    return "\n\n".join(x for x in out if x.strip()) + "\n"


def _task_rows(grid) -> list[list[str]]:  # noqa: ANN001
    return [r.cells for t in grid.tables for r in t.rows if r.cells[0].isdigit()]


def test_numbered_cards_give_two_tables_with_their_titles_and_headings():
    grid = read_labelled(_cards_text())
    assert grid is not None
    assert [t.title for t in grid.tables] == ["一、10件民生实事任务分解表", "二、其他重要事项任务分解表"]
    assert grid.tables[0].header == ["序号", "具体工作任务和要求", "责任领导", "责任单位", "落实情况"]
    assert len(_task_rows(grid)) == 130
    second = grid.tables[1].rows
    assert second[0].cells[0].startswith("一、以") and second[1].cells[0].startswith("(一)")
    assert second[2].cells[:3] == ["1", second[2].cells[1], "厉有明"]


def test_spaced_out_wrapped_cards_read_the_same_rows():
    dense = _task_rows(read_labelled(_cards_text()))
    spaced = read_labelled(_spaced_out(_cards_text()))
    assert spaced is not None and spaced.tables[0].header[1] == "具体工作任务和要求"
    got = [[c.replace("\n", "") for c in row] for row in _task_rows(spaced)]
    assert got == dense


def test_a_value_that_reads_like_a_filled_label_stays_a_value_and_a_slash_is_empty():
    text = "".join(
        CARD.format(n=n, task=f"完成第{n}项工作任务", leader="责任领导" if n == 2 else "张三", units="/",
                    progress="已完成")
        for n in (1, 2, 3)
    )
    grid = read_labelled(text)
    assert grid is not None
    rows = _task_rows(grid)
    assert [r[0] for r in rows] == ["1", "2", "3"]
    assert rows[1][2] == "责任领导" and rows[1][3] == "" and rows[1][4] == "已完成"


def test_one_numbered_card_or_unnumbered_cards_are_not_numbered_cards():
    labels = L.label_set()
    one = CARD.format(n=1, task="完成工作任务", leader="张三", units="县发改委", progress="已完成")
    assert L._numbered_cards(L._tokens(one, labels), labels) is None
    page = (REALPAGES / "131.txt").read_text(encoding="utf-8")
    assert L._numbered_cards(L._tokens(page, labels), labels) is None
    grid = read_labelled(page)
    assert grid is not None and "cards of labels and values" in grid.tables[0].source


def test_cards_alternating_names_and_values_are_no_header_run():
    labels = L.label_set()
    assert not L._header_run(L._tokens(_cards_text(), labels), labels)
    assert L._header_run(L._tokens("序号\n工作任务\n责任单位\n1\n修路\n县交通局\n", labels), labels)
