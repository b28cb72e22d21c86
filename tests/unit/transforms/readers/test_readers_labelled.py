"""Reports without a grid: numbered items with labels, inline label groups, cards, lagging lists."""

from __future__ import annotations

import pytest
import yaml

from tests.helpers import ROOT
from transforms.mappings import header_map, mapping_path
from transforms.pipeline import parse_report
from transforms.readers.labelled import read_labelled

PAGES = ROOT / "tests" / "fixtures" / "realpages"


def page(n: int) -> str:
    return (PAGES / f"{n}.txt").read_text(encoding="utf-8")


def records(n: int) -> list:
    return parse_report((PAGES / f"{n}.txt").read_bytes(), f"{n}.txt").records


def table_rows(text: str) -> list[dict[str, str]]:
    grid = read_labelled(text)
    assert grid is not None
    out = []
    for t in grid.tables:
        for r in t.rows:
            out.append({**dict(zip(t.header or [], r.cells, strict=True)), "_title": t.title or "", "_lines": (r.line_start, r.line_end)})
    return out


def test_synthetic_header_maps_to_its_roles() -> None:
    cfg = yaml.safe_load(mapping_path("labels").read_text(encoding="utf-8"))
    for role, header in cfg["columns"].items():
        assert header_map().role(header) == role, header


def test_not_this_family_is_refused_fast() -> None:
    assert read_labelled((ROOT / "samples" / "jishui-2020-progress.txt").read_text(encoding="utf-8")) is None
    assert read_labelled("吉水县召开2020年政府工作报告任务推进会\n会议要求各单位抓好落实。\n") is None


def test_label_lines_and_division_under_a_heading() -> None:
    rows = table_rows(page(154))
    assert [r["序号"] for r in rows] == ["1", "2", "3", "4", "5"]
    first = rows[0]
    assert first["工作任务"] == "地区生产总值增长6%以上。"
    assert first["分管领导"] == "林克庆"
    assert (first["牵头单位"], first["配合单位"]) == ("省发展改革委", "各地、各部门")
    assert first["_title"] == "一、2021年经济社会发展主要预期目标"
    # the notice before the list (its own 一、 heading has no items with labels) is no row
    assert all("贯彻落实" not in r["工作任务"] for r in rows)


def test_notice_items_before_the_list_are_not_rows() -> None:
    rows = table_rows(page(156))
    assert [r["工作任务"] for r in rows][:2] == ["地区生产总值增长7%以上", "规上工业增加值增长12%以上"]
    assert len(rows) == 4 and rows[0]["责任单位"] == "区发展和改革局"


def test_lagging_list_gives_every_row_the_heading_verdict() -> None:
    rows = table_rows(page(163))
    assert len(rows) == 5
    assert all("滞后" in r["进度评价"] for r in rows)
    # nested brackets inside the label group; no full stop between task and result
    assert rows[2]["责任单位"] == "区城市管理局(区整违办)"
    assert rows[0]["工作任务"] == "实现数字经济增加值增长7%"
    assert rows[0]["进展情况"].startswith("1-6月,我区数字经济")
    recs = records(163)
    assert [r.status for r in recs] == ["behind"] * 5


def test_unlabelled_list_needs_a_verdict_line() -> None:
    rows = table_rows(page(164))
    assert len(rows) == 8 and {r["进度评价"] for r in rows} == {"未完成"}
    assert rows[1]["进展情况"].startswith("引进文灿股份")
    # the same list without the line that gives it a verdict is prose
    text = page(164).replace("未完成既定目标任务15项,具体情况如下。", "有关情况如下。")
    assert read_labelled(text) is None


def test_two_levels_with_inline_groups_and_glued_verdict() -> None:
    rows = table_rows(page(182))
    top = [r for r in rows if not r["_title"]]
    assert [r["工作任务"][:8] for r in top] == ["减少农村扶贫对象", "解决6万人农村饮", "新建、改扩建公办"]
    assert top[0]["进度评价"] == "该件实事已全面完成"
    assert top[0]["责任单位"] == "市扶贫办、市移民局,各县区政府〈管委会〉"
    subs = [r for r in rows if r["_title"].startswith("一、")]
    assert [r["序号"] for r in subs] == ["1", "2"]
    assert subs[0]["进度评价"] == "此项工作已完成" and subs[0]["进展情况"].startswith("此项工作已完成。截至")
    # item 二 has no sub-items and owns the result paragraph below it
    assert "截至2019年12月底,全市争取" in top[1]["进展情况"]


def test_title_item_with_content_and_lead_labels() -> None:
    rows = table_rows(page(184))
    assert rows[0]["项目名称"] == "实施脱贫攻坚工程"
    assert rows[0]["工作任务"].startswith("全省完成减少贫困人口120万人")
    assert rows[0]["牵头单位"] == "省扶贫办、省住房城乡建设厅、省委农办"
    assert len(rows) == 2  # the five prose paragraphs above the list are no rows


def test_run_on_paragraph_is_cut_at_its_labels() -> None:
    rows = table_rows(page(155))
    assert len(rows) == 2
    assert rows[0]["工作任务"].startswith("贯彻实施《广东省数字经济促进条例》")
    assert rows[0]["牵头单位"] == "省工业和信息化厅"
    assert "省通信管理局" in rows[0]["配合单位"]
    assert rows[1]["工作任务"].startswith("打造全国首个")


def test_transposed_cards() -> None:
    rows = table_rows(page(131))
    assert [r["项目名称"][:6] for r in rows] == ["新建和改造提", "城区交通等候", "建设或改造提"]
    assert rows[0]["全年目标任务"] == "新建和改造提升城市绿道130公里"
    assert rows[0]["存在问题"] == "无"
    # 进度是否滞后: 否 rules out behind only: no status is written, the progress text decides
    assert all(r.get("进度评价", "") == "" for r in rows)
    assert [r.status for r in records(131)] == ["completed"] * 3


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("有关任务如下:\n1.建设智慧停车场3个。(牵头单位:区城管局;配合单位:区交通局)\n2.新建公园2个。(牵头单位:区林业局)\n", "区城管局"),
        ("有关任务如下:\n1.建设智慧停车场3个。牵头单位:区城管局\n2.新建公园2个。牵头单位:区林业局\n", "区城管局"),
        ("有关任务如下:\n1.建设智慧停车场3个。\n牵头单位\n区城管局\n2.新建公园2个。\n牵头单位\n区林业局\n", "区城管局"),
        ("有关任务如下:\n1.建设智慧停车场3个。\n【牵头单位:区城管局(区停车办)】\n2.新建公园2个。\n【牵头单位:区林业局】\n", "区城管局(区停车办)"),
    ],
)
def test_label_forms(text: str, unit: str) -> None:
    rows = table_rows(text)
    assert [r["工作任务"] for r in rows] == ["建设智慧停车场3个。", "新建公园2个。"]
    assert rows[0]["牵头单位"] == unit


def test_records_of_label_lines_without_markers() -> None:
    text = (
        "项目名称:城市绿道建设\n进展情况:\n已建成30公里。\n"
        "项目名称:街旁公园\n进展情况:已建成12处。\n"
    )
    rows = table_rows(text)
    assert [r["项目名称"] for r in rows] == ["城市绿道建设", "街旁公园"]
    assert [r["进展情况"] for r in rows] == ["已建成30公里。", "已建成12处。"]


def test_prose_with_section_labels_is_not_a_task_list() -> None:
    text = "一、工作目标:到2025年建成示范区。\n二、主要任务:推进产业升级。\n三、保障措施:加强组织领导。\n"
    assert read_labelled(text) is None


def test_completion_words_without_a_count_give_no_verdict() -> None:
    text = "确保全面完成全年目标任务,具体如下:\n1.建设公园3个。\n2.新建学校1所。\n"
    assert read_labelled(text) is None
