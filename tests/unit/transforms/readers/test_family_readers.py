"""The readers behind the layout families (tests/unit/transforms/test_layout_families.py), one mechanism each, on
excerpts of the reference report as real pages print it."""

from __future__ import annotations

from transforms.pipeline import parse_report

HEAD = "吉水县人民政府\n首页 > 政务公开 > 政府工作报告\n"


def records(text: str) -> list:
    return parse_report(text.encode("utf-8"), "excerpt.txt").records


LABEL_LINES = """二、其他重要事项任务分解表
一、以“产业优”为导向,推进高质量发展,着力构建现代化产业体系
(一)加快工业崛起步伐。
13.加快推进工业园区标准厂房建设。
责任领导:厉有明
责任单位:县工业园区管委会
落实情况:已完成6万平方米标准厂房建设。
14.实现营业收入260亿元以上。
责任领导:厉有明
责任单位:县工信局 县商务局
落实情况:规模以上工业企业实现主营收入207.2亿元。
(二)大力发展现代农业
15.确保粮食播面140万亩,总产65万吨。
责任领导:吴 诚
责任单位:县农业农村局 各乡镇政府
落实情况:全年粮食播种面积141.2万亩。
二、以“高品位”为遵循,加快城乡融合,着力促进区域协调发展。
(一)全力提升城市品质。
16.完成城区道路改造。
责任领导:张学伟
责任单位:县住建局
落实情况:已完成。
吉水县人民政府主办 吉水县信息中心承办
"""


def test_a_marker_line_of_another_level_between_items_is_a_heading() -> None:
    recs = records(HEAD + LABEL_LINES)
    assert [r.seq for r in recs] == [13, 14, 15, 16]
    assert recs[1].task_text == "实现营业收入260亿元以上。"
    assert [(r.part or "")[:2] for r in recs] == ["一、", "一、", "一、", "二、"]
    assert [r.section for r in recs] == ["(一)加快工业崛起步伐。", "(一)加快工业崛起步伐。", "(二)大力发展现代农业", "(一)全力提升城市品质。"]


def test_site_footer_after_the_last_item_is_not_its_result() -> None:
    recs = records(HEAD + LABEL_LINES)
    assert "".join(p["text"] for p in recs[-1].progress) == "已完成。"


def test_a_result_paragraph_opening_with_a_part_marker_stays_with_its_item() -> None:
    text = HEAD + """二、其他重要事项任务分解表
一、以“产业优”为导向,推进高质量发展,着力构建现代化产业体系
(一)加快工业崛起步伐。
7.加快装配式建筑产业集聚。(责任领导:厉有明 张学伟;责任单位:县住建局 县工业园区管委会)
一、吉水装配式产业园目前正在进行厂区路面硬化。 二、在已出让土地上开工建设。
8.实施数字经济创新发展三年行动,培育5G、“北斗+”等新型产业。(责任领导:张隆富;责任单位:县发改委)
目前5G基站已纳入县国土空间总体规划。
104.坚持预防为主工作方针,大力推进医共体、医联体建设。(责任领导:毛晓青;责任单位:县卫健委)
1.建成县人民医院与螺田等8个乡镇卫生院的托管式紧密型医共体; 2.按照分级诊疗模式实现。
105.促进优质医疗资源下沉镇村。(责任领导:毛晓青;责任单位:县卫健委)
已完成。
"""
    recs = records(text)
    assert [r.seq for r in recs] == [7, 8, 104, 105]
    assert recs[0].task_text == "加快装配式建筑产业集聚。"
    assert "".join(p["text"] for p in recs[0].progress).startswith("一、吉水装配式产业园")
    assert "".join(p["text"] for p in recs[2].progress).startswith("1.建成县人民医院")
    assert recs[1].part == recs[3].part == "一、以“产业优”为导向,推进高质量发展,着力构建现代化产业体系"


def test_labels_alone_on_their_line_over_values_that_read_like_labels() -> None:
    text = HEAD + """一、10件民生实事任务分解表
3.积极对接国防科技工业军工集团细分领域产品布局吉水。
责任领导
国防科工局挂职领导
责任单位
县发改委
落实情况
持续推进与国防科技工业全方位对接。
4.坚持预防为主工作方针,大力推进医共体、医联体建设。
责任领导
毛晓青
责任单位
县卫健委
落实情况
1.建成县人民医院与螺田等8个乡镇卫生院的托管式紧密型医共体; 2.按照分级诊疗模式实现。
"""
    recs = records(text)
    assert [r.seq for r in recs] == [3, 4]
    assert recs[0].lead_units + recs[0].units == ["县发改委"] and recs[0].leaders == ["国防科工局挂职领导"]
    assert "".join(p["text"] for p in recs[1].progress).startswith("1.建成县人民医院")


def test_a_mirror_comma_before_a_space_or_a_book_title_mark_is_collapsed() -> None:
    from transforms.readers.clean import clean_text

    noisy = "縣教育局,。縣民政局,、縣水利局,;" + "方案》,,聯合市局,簽訂協議8個,, 2020年完成"
    text, findings = clean_text(noisy)
    assert "方案》,聯合市局" in text and "協議8個, 2020年" in text
    assert "repair.doubled_punctuation" in {f.rule for f in findings}
    # without a mirror's impossible pairs, a doubled comma (an empty CSV cell) is left alone
    assert clean_text("张三,,李四")[0] == "张三,,李四"


FLAT = (
    "二、其他重要事项任务分解表 序号 具体工作任务和要求 责任领导 责任单位 落实情况 "
    "一、以“产业优”为导向,推进高质量发展 (一)加快工业崛起步伐。 "
    "1 实施电子信息首位产业三年倍增计划。 厉有明 县工信局 县发改委 星之光科技综合楼完成了第三层建设,预计 2 月竣工。 "
    "2 积极探索普惠金融改革试点机制,年内新增贷款28亿元。 厉有明 吴 诚 县人民银行 县金融办 县银监组 截止10月末,贷款余额186.99亿元。 "
    "(二)大力发展现代农业 "
    "3 全面完成吉中北苑小区等3个老旧小区改造。 张学伟 县房管局 吉水中学 文峰镇政府 已改造完成。\n"
    "吉水县人民政府主办 吉水县信息中心承办\n"
)


def test_a_flattened_table_is_cut_at_the_sequence_and_by_what_its_words_are() -> None:
    from transforms.readers.flattened import read_flattened

    grid = read_flattened(FLAT)
    assert grid is not None
    recs = records(HEAD + FLAT)
    assert [r.seq for r in recs] == [1, 2, 3]
    # a figure in a cell (预计 2 月) that does not continue the sequence stays in its cell
    assert "".join(p["text"] for p in recs[0].progress).replace(" ", "") == "星之光科技综合楼完成了第三层建设,预计2月竣工。"
    assert [r.leaders for r in recs] == [["厉有明"], ["厉有明", "吴诚"], ["张学伟"]]
    # unit names the suffix does not give away, between or after units that it does
    assert recs[1].units == ["县人民银行", "县金融办", "县银监组"]
    assert recs[2].units == ["县房管局", "吉水中学", "文峰镇政府"]
    assert [r.section for r in recs] == ["(一)加快工业崛起步伐。", "(一)加快工业崛起步伐。", "(二)大力发展现代农业"]
    assert "主办" not in "".join(p["text"] for p in recs[2].progress)


def test_the_flattened_reader_leaves_other_text_alone() -> None:
    from transforms.readers.flattened import read_flattened

    # a header alone on its line (a table written one cell or one row per line) is not flattened
    assert read_flattened("序号 具体工作任务和要求 责任领导 责任单位 落实情况\n1 推进工作。 张三 县教体局 已完成。\n") is None
    # prose that names 序号 and numbers: no header run, no rows
    prose = "请按序号 1 至 3 填写工作任务,责任单位 2 日内报送。 落实情况 3 份。"
    assert read_flattened(prose) is None
    # a header followed by words that are not rows in sequence
    assert read_flattened("表 序号 工作任务 责任单位 进展情况 说明 1 份 另附 5 页\n") is None
