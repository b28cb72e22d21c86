"""Cells of found rows: units, persons, leaders, verdicts and labelled progress, on real cell texts
(tests/fixtures/realpages/NNN.txt)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.helpers import FIXTURES
from transforms.cells import (
    is_person_name,
    leader_from_heading,
    read_leader_cell,
    read_unit_cell,
    split_names,
    split_progress_parts,
    split_top_level,
)
from transforms.layout import RawTaskRow
from transforms.normalize import normalize_row, split_leaders, split_units
from transforms.status import annotate_record, classify_explicit, opening_verdict

PAGES = FIXTURES / "realpages"


def page_has(page: str, text: str) -> None:
    """The cell text used in a test is really on the page (whitespace as printed)."""
    assert text in (PAGES / f"{page}.txt").read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------------ units


def test_split_top_level_keeps_brackets_whole() -> None:
    assert split_top_level("区税务局,各镇(街道、园区)", frozenset("、,")) == ["区税务局", "各镇(街道、园区)"]
    assert split_top_level("a、[b、c]、d", frozenset("、")) == ["a", "[b、c]", "d"]


@pytest.mark.parametrize(
    ("page", "cell", "names"),
    [
        ("117", "区税务局,各镇(街道、园区)", ["区税务局", "各镇(街道、园区)"]),
        ("117", "区发改局、区经信局、区科技局等区级有关部门,各镇(街道)", ["区发改局", "区经信局", "区科技局等区级有关部门", "各镇(街道)"]),
        ("120", "区公共项目建设管理中心、区国有资产管理中心等部门、单位", ["区公共项目建设管理中心", "区国有资产管理中心等部门、单位"]),
        ("120", "区城市建设投资集团有限公司等部门、单位,大碶街道", ["区城市建设投资集团有限公司等部门、单位", "大碶街道"]),
        ("180", "审计局、财政局和市直各单位、各区县市", ["审计局", "财政局", "市直各单位", "各区县市"]),
        ("180", "环保局、城投集团、林业局、园林局、工信委、岳麓区和市直相关单位",
         ["环保局", "城投集团", "林业局", "园林局", "工信委", "岳麓区", "市直相关单位"]),
    ],
)
def test_unit_lists_split_at_the_top_level(page: str, cell: str, names: list[str]) -> None:
    page_has(page, cell)
    assert list(read_unit_cell(cell).names) == names


def test_he_inside_a_unit_name_does_not_split() -> None:
    cell = "区文化与广电旅游体育局、区农业农村局、自然资源和规划分局、区综合行政执法局"
    page_has("120", cell)
    assert "自然资源和规划分局" in read_unit_cell(cell).names
    assert list(read_unit_cell("区住房和城乡建设局").names) == ["区住房和城乡建设局"]


def test_shared_suffix_phrase_kept_whole() -> None:
    cell = "区卫健局、新碶、大碶、大榭街道社区卫生卫生服务中心"
    assert list(read_unit_cell(cell).names) == ["区卫健局", "新碶、大碶、大榭街道社区卫生卫生服务中心"]
    # two real units are not stems
    assert list(read_unit_cell("区交通局、公安分局、区交投集团").names) == ["区交通局", "公安分局", "区交投集团"]


@pytest.mark.parametrize(
    ("lines", "name"),
    [
        (["市政", "府办", "公厅"], "市政府办公厅"),
        (["长沙", "先导", "区管委会"], "长沙先导区管委会"),
        (["市", "监", "察", "局"], "市监察局"),
        (["市", "发", "改", "委"], "市发改委"),
    ],
)
def test_unit_broken_over_lines_is_rejoined(lines: list[str], name: str) -> None:
    page_has("180", "\n".join(lines))
    cell = read_unit_cell("\n".join(lines))
    assert list(cell.names) == [name]
    assert any(kind == "unit_rejoined" for kind, _ in cell.notes)


def test_stacked_units_stay_apart() -> None:
    assert list(read_unit_cell("县交通运输局\n县农业农村局\n县工商联 县住建局").names) == [
        "县交通运输局", "县农业农村局", "县工商联", "县住建局"]
    assert list(read_unit_cell("县行政服务 中心").names) == ["县行政服务中心"]


def test_person_beside_a_unit_is_a_head_not_a_unit() -> None:
    page_has("170", "市民政局 伍泽国")
    cell = read_unit_cell("市民政局 伍泽国")
    assert cell.names == ("市民政局",)
    assert cell.heads == ("伍泽国",)
    assert split_units("市民政局 伍泽国")[0] == ["市民政局"]


def test_person_names() -> None:
    assert is_person_name("伍泽国") and is_person_name("陈宣群") and is_person_name("欧阳晓明")
    assert not is_person_name("府办") and not is_person_name("公厅") and not is_person_name("岳麓区")
    assert not is_person_name("常务副市长")


def test_lead_mark_and_empty_cells() -> None:
    cell = read_unit_cell("*市发改委、市财政局")
    assert cell.names == ("市发改委", "市财政局") and cell.marked == ("市发改委",)
    for empty in ("/", "—", " ／ ", "无"):
        assert read_unit_cell(empty).names == ()
    assert split_units("/")[0] == []


def test_heading_marker_is_no_unit_fragment() -> None:
    # a block heading glued to the cell above by a reader stays apart from the last unit
    names = read_unit_cell("各镇(街道)\n二").names
    assert names[0] == "各镇(街道)"


# ---------------------------------------------------------------------------------------- leaders


@pytest.mark.parametrize(
    ("cell", "names"),
    [
        ("陆 明俞 悦", ["陆明", "俞悦"]),
        ("陆明俞悦", ["陆明", "俞悦"]),
        ("吴 诚", ["吴诚"]),
        ("陈宣群", ["陈宣群"]),
        ("陈兴立 姚珂军", ["陈兴立", "姚珂军"]),
        ("王伟张小明", ["王伟", "张小明"]),
        ("常务副市长", ["常务副市长"]),
        ("分管副区长", ["分管副区长"]),
        ("国防科工局挂职领导", ["国防科工局挂职领导"]),
        ("张三、李四", ["张三", "李四"]),
        ("/", []),
    ],
)
def test_leader_cells(cell: str, names: list[str]) -> None:
    assert list(read_leader_cell(cell)[0]) == names
    assert split_leaders(cell)[0] == names


def test_names_split_by_surnames_or_not_at_all() -> None:
    assert split_names("陈兴立姚珂军") == ["陈兴立", "姚珂军"]
    assert split_names("欧阳晓明") == ["欧阳晓明"]
    assert split_names("国防科工") is None  # no surname opens it: kept as printed


def test_leader_from_block_heading() -> None:
    page_has("117", "一、区长陈兴立牵头重点工作")
    assert leader_from_heading("一、区长陈兴立牵头重点工作") == "陈兴立"
    assert leader_from_heading("二、常务副区长姚珂军牵头重点工作") == "姚珂军"
    assert leader_from_heading("(二)全力推动新区建设。") is None
    assert leader_from_heading("一、继续提高底线民生保障水平") is None


# --------------------------------------------------------------------------------- progress/status


CELL_101 = (
    "进展情况:轻纺城第二小学(柯东小学)新建工程室内装修及安装工程完成80%,场外工程完成70%。 "
    "下步打算:场外工程增加施工人员,在确保施工质量和安全的前提下,加快场外工程进度。"
)


def test_labelled_progress_parts() -> None:
    page_has("101", CELL_101)
    progress, issues, plan = split_progress_parts(CELL_101)  # type: ignore[misc]
    assert progress.startswith("轻纺城第二小学") and progress.endswith("场外工程完成70%。")
    assert issues is None and plan is not None and plan.startswith("场外工程增加施工人员")
    assert split_progress_parts("已完成。 从2020年1月1日起") is None
    assert split_progress_parts("完成土地款支付。存在问题:资金不足。下一步打算:加快") == ("完成土地款支付。", "资金不足。", "加快")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("已完成。 从2020年1月1日起,已将我市城乡低保标准提高到835元/人月", "completed"),
        ("提前完成年度任务。全年新增就业2600人", "completed"),
        ("顺利推进", "in_progress"),
        ("项目完成。", "completed"),
        ("完成土地款支付,项目规划方案已通过", None),
        ("3月26日已公布随迁子女入(转)学政策。", None),
    ],
)
def test_opening_verdict(text: str, code: str | None) -> None:
    got = opening_verdict(text)
    assert (got[0] if got else None) == code


def test_status_column_verdicts() -> None:
    page_has("101", "| 顺利推进 |")
    assert classify_explicit("顺利推进").status == "in_progress"  # type: ignore[union-attr]
    assert classify_explicit("持续推进中").status == "ongoing"  # type: ignore[union-attr]
    assert classify_explicit("提前完成年度任务。全年新增就业2600人").status == "completed"  # type: ignore[union-attr]


def _row(**cells: object) -> RawTaskRow:
    base: dict[str, object] = {"table_no": 1, "table_title": None, "part": None, "section": None, "seq": 1,
                               "task_text": "将城镇、农村低保人均最低补差水平提高", "line_start": 2, "line_end": 2}
    base.update(cells)
    return RawTaskRow(**base)  # type: ignore[arg-type]


def test_normalize_row_of_page_170() -> None:
    progress = "已完成。 从2020年1月1日起,已将我市城乡低保标准提高到835元/人月;中心区补差水平提高到城镇616元/人月"
    page_has("170", progress)
    row = _row(leader_raw="陈宣群", lead_unit_raw="市民政局 伍泽国", progress=[{"label": "落实进展情况", "text": progress}])
    rec, findings = normalize_row(row)
    assert rec.lead_units == ["市民政局"] and rec.lead_unit_heads == ["伍泽国"]
    assert rec.leaders == ["陈宣群"]
    assert rec.to_json()["lead_unit_heads"] == ["伍泽国"]
    assert any(f.rule == "repair.unit_head_set_aside" for f in findings)
    # the verdict stays in the progress text and decides the status
    assert rec.progress[0]["text"].startswith("已完成。")
    annotate_record(rec, date(2020, 6, 30), 2020)
    assert rec.status == "completed" and rec.status_evidence == "已完成"


def test_normalize_row_labelled_progress_and_status_column() -> None:
    row = _row(task_text="新改扩建公办中小学校1所", units_raw="教体局", status_raw="顺利推进",
               progress=[{"label": "进展情况、存在问题及下一步打算", "text": CELL_101}])
    rec, _ = normalize_row(row)
    assert rec.progress[0]["text"].startswith("轻纺城第二小学") and "下步打算" not in rec.progress[0]["text"]
    assert rec.note is not None and rec.note.startswith("场外工程增加施工人员")
    annotate_record(rec, date(2023, 3, 31), 2023)
    assert rec.status == "in_progress"


def test_normalize_row_marked_lead_and_heading_leader() -> None:
    row = _row(units_raw="*市发改委、市财政局", section="一、区长陈兴立牵头重点工作")
    rec, findings = normalize_row(row)
    assert rec.lead_units == ["市发改委"] and rec.units == ["市财政局"]
    assert rec.leaders == ["陈兴立"]
    assert {"repair.lead_unit_marked", "repair.leader_from_heading"} <= {f.rule for f in findings}
    assert "lead_unit_heads" not in rec.to_json()


@pytest.mark.parametrize(
    ("progress", "note", "status"),
    [
        # page 119: an intent to start is not a start; a part in use, the rest being fitted out, is under way
        ("因方案多次调整,目前项目进行预算审核,力争10月份开工。", None, "not_started"),
        ("大碶塔峙已投入使用,大榭榭西、新碶紫荆进入内部装修阶段", None, "in_progress"),
        ("项目完成。", None, "completed"),
        # page 129: a dash for progress and a note that the work waits to start
        ("—", "待省统一部署后启动实施", "not_started"),
        ("—", None, "unknown"),
    ],
)
def test_status_of_real_progress_cells(progress: str, note: str | None, status: str) -> None:
    page_has("119" if note is None and progress != "—" else "129", progress)
    row = _row(task_text="开工建设某某工程。", note=note, progress=[{"label": "8月份完成情况", "text": progress}])
    rec, _ = normalize_row(row)
    annotate_record(rec, None, None)
    assert rec.status == status


def test_one_person_with_two_titles_stays_whole() -> None:
    cell = "广东省副省长、珠海市委书记吕玉印"
    page_has("155", "珠海市委书记吕玉印")
    assert list(read_leader_cell(cell)[0]) == [cell]
    assert list(read_leader_cell("常务副市长、副市长")[0]) == ["常务副市长", "副市长"]  # two titles, no name


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("该件实事已全面完成", "completed"),
        ("此项工作已完成。截至2019年12月底,全市完成减少农村扶贫对象7.497万人", "completed"),
        ("任务书已下达", None),
    ],
)
def test_verdict_after_its_subject(text: str, code: str | None) -> None:
    if code:
        page_has("182", text.split("。")[0])
    got = opening_verdict(text)
    assert (got[0] if got else None) == code


@pytest.mark.parametrize(
    ("task", "done", "share", "note", "status"),
    [
        # page 129 (as of September 2024): two progress columns, 累计完成 and 累计进度
        ("城镇新增就业2450人", "2712", "110.69%", None, "completed"),
        ("按1500元/人标准发放求职创业补贴", "—", "—", "待省统一部署后启动实施", "not_started"),
        ("农村保障人次", "83342", "持续推进中", None, "ongoing"),
        ("推进不少于5个城乡公益性公墓新建、改扩建或配套设施改造以及提升管理维护水平", "4.26", "85.2%", None, "in_progress"),
        ("企业职工退休一件事一次办理人次", "921", "", "以实际完成数统计", "ongoing"),
    ],
)
def test_status_of_numeric_progress_columns(task: str, done: str, share: str, note: str | None, status: str) -> None:
    page_has("129", task)
    row = _row(task_text=task, lead_unit_raw="县人社局", note=note,
               progress=[{"label": "累计完成", "text": done}, {"label": "累计进度", "text": share}])
    rec, _ = normalize_row(row)
    annotate_record(rec, date(2024, 9, 30), 2024)
    assert rec.status == status


def test_verdict_in_a_unit_column_is_the_status() -> None:
    verdict = "已完成。 从2020年1月1日起,已将我市困难"
    page_has("170", verdict)
    # a row one cell short (a merged 大类 printed only above) shifts the verdict into the unit column
    row = _row(leader_raw="市民政局 伍泽国", lead_unit_raw=verdict)
    rec, findings = normalize_row(row)
    assert rec.lead_units == [] and rec.status_raw == verdict
    assert any(f.rule == "repair.verdict_not_unit" for f in findings)
    annotate_record(rec, date(2020, 12, 31), 2020)
    assert rec.status == "completed"


def test_a_lost_character_makes_no_stem() -> None:
    # a mirror that lost 碶 prints 新碶街道 / 大碶街道 as 街道 / 大街道: no suffix is shared there
    assert list(read_unit_cell("街道、大街道、戚家山街道、春晓街道").names) == ["街道", "大街道", "戚家山街道", "春晓街道"]


def test_a_survey_outline_is_paperwork() -> None:
    progress = "完成浙江高峰抽水蓄能电站建设征地实物指标调查工作大纲(送审稿)"
    page_has("105", progress)
    row = _row(task_text="力争高峰抽水蓄能电站项目开工建设。", progress=[{"label": "上半年落实情况", "text": progress}])
    rec, _ = normalize_row(row)
    annotate_record(rec, date(2023, 6, 30), 2023)
    assert rec.status == "not_started"


def test_names_and_marks_in_a_unit_column_are_not_glued() -> None:
    # a reading that put the leaders into the unit column: two names stay two
    assert list(read_unit_cell("张隆富 张学伟 县城投公司").names)[:2] == ["张隆富", "张学伟"]
    # a stray pipe stays apart from the unit before it
    assert list(read_unit_cell("市政局、相关街道 |").names) == ["市政局", "相关街道", "|"]
    # a book title after a unit is no bracket of its name
    assert list(read_unit_cell("县住建局 《实施方案》已上报").names)[0] == "县住建局"
