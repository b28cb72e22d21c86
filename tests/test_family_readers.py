"""The readers behind the layout families (tests/test_layout_families.py), one mechanism each, on
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
