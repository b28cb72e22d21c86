"""Quantities and target/result pairing on the reference report's own rows (transforms/quantities.py, metrics.py)."""

from __future__ import annotations

import pytest

from transforms.metrics import pair
from transforms.quantities import extract, parse_number


def rec(parsed, table_no: int, seq: int):
    return next(r for r in parsed.records if r.table_no == table_no and r.seq == seq)


def metric(record, name_part: str) -> dict:
    rows = [m for m in record.metrics if m["target_text"] and name_part in m["metric"]]
    assert len(rows) == 1, (name_part, record.metrics)
    return rows[0]


def test_livelihood_1_places_5000_to_5500(reference_parsed):
    r = rec(reference_parsed, 1, 1)
    assert r.targets == [{"metric": "义务教育学位", "value": 5000.0, "unit": "个", "comparator": None, "text": "5000个"}]
    m = metric(r, "义务教育学位")
    assert (m["actual_value"], m["actual_unit"], m["achievement_ratio"], m["met"]) == (5500.0, "个", 1.1, True)


def test_livelihood_9_at_least_2600_mu(reference_parsed):
    r = rec(reference_parsed, 1, 9)
    m = metric(r, "露天矿山")
    assert m["comparator"] == "at_least" and m["target_text"] == "2600亩以上"
    assert m["actual_value"] == 2702.08 and m["actual_text"] == "2702.08亩" and m["met"] is True
    # 10公里范围内 is a scope, not a figure
    assert all("10公里" not in t["text"] for t in r.targets)


def test_livelihood_10_mutual_aid_homes_and_coverage(reference_parsed):
    r = rec(reference_parsed, 1, 10)
    homes = metric(r, "互助养老之家")
    assert (homes["target_value"], homes["actual_value"], homes["met"]) == (136.0, 100.0, False)
    assert homes["achievement_ratio"] == pytest.approx(100 / 136, abs=1e-3)
    cover = metric(r, "覆盖率")
    assert (cover["target_value"], cover["target_unit"], cover["actual_value"]) == (55.0, "%", 47.4)
    assert cover["met"] is False


def test_other_15_wan_mu_and_wan_tons_in_base_units(reference_parsed):
    r = rec(reference_parsed, 2, 15)
    area = metric(r, "粮食播")
    assert (area["target_value"], area["target_unit"], area["target_base_value"]) == (140.0, "万亩", 1_400_000.0)
    assert area["actual_base_value"] == pytest.approx(1_396_500.0) and area["base_unit"] == "亩"
    assert area["met"] is False and area["achievement_ratio"] == pytest.approx(0.9975)
    grain = metric(r, "产")
    assert (grain["target_text"], grain["actual_text"], grain["base_unit"]) == ("65万吨", "65.01万吨", "吨")
    assert grain["actual_base_value"] == pytest.approx(650_100.0) and grain["met"] is True


def test_other_18_forecast_is_not_a_result(reference_parsed):
    # 已经完成生猪出栏159837头,年内可实现生猪出栏18万头: the second figure is a forecast
    r = rec(reference_parsed, 2, 18)
    assert [a["text"] for a in r.actuals] == ["159837头"]
    m = metric(r, "生猪出栏")
    assert m["target_base_value"] == 180_000.0 and m["actual_base_value"] == 159_837.0 and m["met"] is False


def test_other_31_new_loans_not_measured_by_balance(reference_parsed):
    m = metric(rec(reference_parsed, 2, 31), "贷款")
    assert m["actual_text"] == "13.46亿元" and m["achievement_ratio"] == pytest.approx(13.46 / 28, abs=1e-3)


def test_other_58_at_most_comparator(reference_parsed):
    r = rec(reference_parsed, 2, 58)
    assert r.targets[0]["comparator"] == "at_most" and r.targets[0]["text"] == "0.5%以内"


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("推动105国道东改", "105"),
        ("龙华大道DN500管道改造工程(1698米)", "500"),
        ("培育5G、“北斗+”等新型产业", "5"),
        ("PM2.5均值21.34ug/m3", "2.5"),
        ("对接“十四五”规划编制", "十四"),
        ("完成了第三层建设", "三"),
        ("中电科51所微波电子正在设备安装", "51"),
        ("按照“四个不摘”要求", "四"),
        ("2020年已完成,12月底投产", "2020"),
    ],
)
def test_not_quantities(text, absent):
    assert all(absent not in q.text for q in extract(text)), extract(text)


def test_chinese_numerals_multipliers_ranges_approx():
    assert parse_number("二十四万") == 240000 and parse_number("1,200") == 1200
    q = extract("新增标准厂房二十四万平方米")[0]
    assert (q.value, q.unit, q.base_value, q.base_unit) == (24.0, "万平方米", 240000.0, "平方米")
    q = extract("完成外贸出口1.48亿美元")[0]
    assert (q.base_value, q.base_unit) == (148_000_000.0, "美元")
    q = extract("建设5-10个示范点")[0]
    assert (q.comparator, q.value, q.value_high) == ("range", 5.0, 10.0)
    q = extract("开展各类活动4700多场次")[0]
    assert (q.value, q.unit, q.approx) == (4700.0, "场次", True)
    q = extract("面积为3.7793公顷")[0]
    assert q.base_unit == "亩" and q.base_value == pytest.approx(56.69, abs=0.01)
    assert extract("超限超载率控制在0.5%以内")[0].comparator == "at_most"
    assert extract("力争实现营业收入突破170亿元")[0].comparator == "at_least"


def test_unit_families_do_not_mix():
    # 7个乡镇卫生院 vs 4所卫生院: different classifiers never pair
    targets = extract("7个乡镇卫生院完成搬迁或改扩建")
    actuals = extract("枫江、黄桥、金滩、尚贤4所卫生院改扩建项目")
    pairs = pair(targets, actuals)
    assert all(p.target is None or p.actual is None for p in pairs)
    # 万亩 pairs with 亩
    pairs = pair(extract("完成4万亩高标准农田建设"), extract("完成高标准农田建设任务38000亩"))
    assert pairs[0].ratio == pytest.approx(0.95) and pairs[0].met is False


def test_name_edges_strip_like_the_edge_patterns():
    """_strip_edges is `^[lead\\s]+|[trail\\s]+$` removed, without the regex scan."""
    import re

    from transforms.quantities import NAME_LEAD_CHARS, NAME_TRAIL_CHARS, _strip_edges

    pattern = re.compile(rf"^[{re.escape(NAME_LEAD_CHARS)}\s]+|[{re.escape(NAME_TRAIL_CHARS)}\s]+$")
    for name in ["", "、", " 和及", "：（新建）道路 、", "并且建成\u3000", "(（“x”)）", "道路和", "和道路", "一二三"]:
        assert _strip_edges(name, NAME_LEAD_CHARS, NAME_TRAIL_CHARS) == pattern.sub("", name), name


def test_exclusions_before_the_last_number_are_the_ones_that_matter():
    """Exclusion spans computed up to the last number are the full spans that start before it."""
    from tests.helpers import REFERENCE
    from transforms.quantities import _excluded_spans, unit_rules

    rules = unit_rules()
    texts = [t for line in REFERENCE.read_text(encoding="utf-8").splitlines() for t in line.split("|")]
    with_spans = 0
    for text in texts:
        full = [m.span() for p in rules.exclusions for m in p.finditer(text)]  # the definition
        assert sorted(_excluded_spans(text, rules)) == sorted(full)
        with_spans += bool(full)
        for before in {0, 5, len(text) // 2, len(text)}:
            assert sorted(_excluded_spans(text, rules, before)) == sorted(s for s in full if s[0] < before)
    assert with_spans > 50


def test_white_space_is_every_character_str_isspace_takes():
    """The edges stripped from a metric name include every white-space character (none is above U+3000)."""
    from transforms.quantities import WHITE_SPACE

    assert set(WHITE_SPACE) == {chr(i) for i in range(0x110000) if chr(i).isspace()}


def test_forget_quantities_forgets_everything_remembered_per_text():
    """A benchmark of an unseen report starts from nothing remembered: quantities, deadline
    phrases and metric-name character pairs alike."""
    from transforms import deadlines, metrics, quantities

    deadlines.task_deadline("2020年底前", "新建学校3所", 2020)
    metrics.name_score("义务教育学位", "学位")
    extract("新增义务教育学位5000个")
    caches = [quantities._extract, deadlines._candidates, metrics._grams]
    assert all(c.cache_info().currsize for c in caches)
    quantities.forget_quantities()
    assert [c.cache_info().currsize for c in caches] == [0, 0, 0]
