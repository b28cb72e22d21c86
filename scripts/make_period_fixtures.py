"""Build the multi-period test fixtures (tests/fixtures/periods/) from the reference report.

Deterministic: the same reference gives byte-identical files. Files whose names contain
`synthetic` are made up from the real 2020 report (tasks reworded, merged, split, dropped and
added; progress texts written for earlier and later dates); the year-end 2020 report is the real
one, copied unchanged.

    .venv/bin/python scripts/make_period_fixtures.py
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from transforms.pipeline import parse_report  # noqa: E402

REFERENCE = ROOT / "samples" / "jishui-2020-progress.txt"
OUT = ROOT / "tests" / "fixtures" / "periods"
FOOTER = REFERENCE.read_text(encoding="utf-8").splitlines()[-4:]

# --------------------------------------------------------------------------- mid-2020 (synthetic)
MID_2020_T1 = {
    1: "吉水二中迁建项目主体完工,正在进行室内装修;城南二小主体完工;城北学校完成基础施工。",
    2: "县妇保院完成基础部分施工;4所卫生院改扩建项目已开工,4所卫生院迁续建项目正在进行招投标。",
    3: "县中心幼儿园扩建尚未启动;新增学位420个,全县公办幼儿园在园人数占比达28%。",
    4: "金滩水厂完成主体施工;尚贤、冠山等6个乡镇供水管网设施建设暂未开工。",
    5: "八都、盘谷、白水、乌江、水南垃圾压缩中转站正在选址,暂未开工。",
    6: "2019年吉中北苑小区、文明小区、阳明园小区项目已改造完成;2020年老旧小区改造项目正在进行设计。",
    7: "正在编制小山塘整治实施方案。",
    8: "正在制定吉水至八都公交化改造实施方案。",
    9: "赣江沿岸10公里范围内露天矿山已修复面积1350亩,完工率51.9%。",
    10: "建成60个农村互助养老之家,全县行政村覆盖率达28.5%。",
}
MID_2020_T2 = {
    11: "已完成基础设施投资0.62亿元。",
    13: "已完成3万平方米标准厂房建设。",
    27: "正在编制桃花岛旅游规划。",
    55: "暂未开工。",
}

# --------------------------------------------------------------------------- 2021 plan (synthetic)
# table 1: (text, leaders, units, from 2020 table-1 seq or None)
PLAN_2021_T1 = [
    ("推动义务教育优质均衡发展,完成城北学校建设并实现秋季开学,增加义务教育学位3000个,加快城西高中建设。", "李华", "县教体局 各相关乡镇政府"),
    ("深化县域综合医改和紧密型医共体建设,建成县妇幼保健院,完成4个乡镇卫生院迁建,实现县域内就诊率92%以上。", "毛晓青", "县卫健委 各相关乡镇政府"),
    ("提升幼教服务水平,完成中心幼儿园改扩建,扩充公办幼儿园学位至2500个,全县公办幼儿园在园人数占比达到50%。", "毛晓青", "县教体局 各相关乡镇政府"),
    ("扎实推进城乡供水一体化建设,完成尚贤、冠山等6个乡镇供水管网设施建设,提升城区及工业园区供水能力。", "张学伟", "县水利局 各相关乡镇政府"),
    ("全面推开垃圾分类,建成八都、盘谷、白水、乌江、水南垃圾压缩中转站并投入运行。", "张学伟", "县城管局 各相关乡镇政府"),
    ("持续改善小区环境,全面完成文清路宿舍楼等31个老旧小区改造。", "张学伟", "县房管局 县住建局"),
    ("全面完成1700户棚户区改造。", "张学伟", "县房管局 文峰镇政府"),
    ("推进小山塘整治三年工程,完成150座病险山塘清淤扩容、整修巩固,提升防汛抗旱能力。", "吴诚", "县水利局 各相关乡镇政府"),
    ("实施城区停车设施建设工程,新增公共停车位2000个以上,建成智慧停车管理平台。", "张学伟", "县城管局 县公安局"),
    ("改善养老服务,建成互助养老之家200个以上,实现全县建制村覆盖率80%以上。", "张学伟", "县民政局 各相关乡镇政府"),
]
# table 2: 2020 seq → replacement (None: dropped); merges and splits and new tasks below
DROPPED_T2 = {4, 11, 119}
REWORDED_T2 = {
    12: "建成园区人才公寓一期工程并交付使用。",
    14: "规模以上工业企业实现营业收入300亿元以上。",
}
MERGED_T2 = {8: (9, "实施数字经济创新发展三年行动,培育5G、“北斗+”等新型产业,年内实现城区和园区5G网络全覆盖。")}
SPLIT_T2 = {
    2: [
        "推动华锐铝基板、平泰线路板、景旺电子三期等项目启动建设。",
        "电子信息首位产业力争实现营业收入突破200亿元。",
    ]
}
NEW_T2 = {  # inserted after this 2020 seq
    3: ("完成工业园区基础设施投资4亿元以上。", "张隆富", "县财政局 县工业园区管委会"),
    118: ("全面推行“一网通办”,政务服务事项网上可办率达到95%以上。", "张隆富", "县行政审批局"),
}
LEADER_2021 = {1: "王强"}  # 2020 table-2 seq → new leader in 2021

# --------------------------------------------------------------------------- 2021 progress (synthetic)
SEP_2021_T1 = {
    1: "城北学校主体完工,新增义务教育学位2100个,城西高中完成土地征收。",
    2: "县妇幼保健院已建成投入使用,4个乡镇卫生院迁建项目主体完工。",
    3: "中心幼儿园改扩建暂未开工。",
    4: "尚贤、冠山等6个乡镇供水管网已完成铺设4个,其余2个正在施工。",
    5: "5个垃圾压缩中转站已全部建成投入运行。",
    6: "31个老旧小区改造已开工28个,完成改造15个。",
    7: "棚户区改造项目已开工,完成改造620户,进度滞后。",
    8: "已完成病险山塘整治96座。",
    9: "新增公共停车位1500个,智慧停车管理平台正在建设。",
    10: "建成互助养老之家150个,全县建制村覆盖率达71%。",
}
GENERIC_2021 = ("已完成。", "正在按计划推进。", "受资金影响,进度滞后。", "暂未启动。")
OMITTED_IN_SEP_2021_T2 = 118  # the 2021 plan's table-2 task left out of the September report (renumbering the rest)
NEW_IN_SEP_2021_T2 = ("开展城区背街小巷综合整治,完成改造20条以上。", "张学伟", "县城管局", "已完成改造12条。")


def row(*cells: str) -> str:
    return " | ".join(cells) + " |"


def heading(text: str) -> str:
    return f"{text} | ||||"


def bump(text: str) -> str:
    """A light year-on-year rewording: this year's dates."""
    return text.replace("2020年", "2021年").replace("年内", "全年")


def main() -> None:
    data = REFERENCE.read_bytes()
    parsed = parse_report(data, REFERENCE.name, as_of=date(2020, 11, 30), plan_year=2020)
    t1 = [r for r in parsed.records if r.table_no == 1]
    t2 = [r for r in parsed.records if r.table_no == 2]
    header4 = row("序号", "具体工作任务和要求", "责任领导", "责任单位")
    header5 = row("序号", "具体工作任务和要求", "责任领导", "责任单位", "落实情况")
    OUT.mkdir(parents=True, exist_ok=True)

    def people(r) -> tuple[str, str]:
        return " ".join(r.leaders), " ".join(r.units or r.lead_units)

    def t2_lines(rows: list[tuple[str | None, str | None, list[str]]]) -> list[str]:
        """(part, section, cells) → lines with part/section heading rows where they change."""
        lines: list[str] = []
        part = section = object()
        for p, s, cells in rows:
            if p != part:
                part = p
                section = object()
                if p:
                    lines.append(heading(p))
            if s != section:
                section = s
                if s:
                    lines.append(heading(s))
            lines.append(row(*cells))
        return lines

    # mid-2020
    lines = ["吉水县2020年《政府工作报告》任务分解落实情况(截止2020年6月底)", "一、10件民生实事任务分解表", header5]
    for r in t1:
        lines.append(row(str(r.seq), r.task_text, *people(r), MID_2020_T1[r.seq]))
    lines += ["二、其他重要事项任务分解表", header5]
    lines += t2_lines([(r.part, r.section, [str(r.seq), r.task_text, *people(r), MID_2020_T2.get(r.seq, "正在按计划推进。")]) for r in t2])
    (OUT / "jishui-2020-06-synthetic-progress.txt").write_text("\n".join(lines + FOOTER) + "\n", encoding="utf-8")

    # the real year-end report
    (OUT / "jishui-2020-11-real-progress.txt").write_bytes(data)

    # 2021 plan
    plan_t2: list[tuple[str | None, str | None, str, str, str]] = []  # part, section, text, leaders, units
    skip = {b for b, _ in MERGED_T2.values()}
    for r in t2:
        leaders, units = people(r)
        leaders = LEADER_2021.get(r.seq, leaders)
        if r.seq in DROPPED_T2 or r.seq in skip:
            pass
        elif r.seq in MERGED_T2:
            plan_t2.append((r.part, r.section, MERGED_T2[r.seq][1], leaders, units))
        elif r.seq in SPLIT_T2:
            for text in SPLIT_T2[r.seq]:
                plan_t2.append((r.part, r.section, text, leaders, units))
        else:
            text = REWORDED_T2.get(r.seq, bump(r.task_text))
            if r.seq % 5 == 0 and r.seq not in REWORDED_T2:
                text = "进一步" + text if not text.startswith(("进一步", "持续")) else text
            plan_t2.append((r.part, r.section, text, leaders, units))
        if r.seq in NEW_T2:
            text, leaders, units = NEW_T2[r.seq]
            plan_t2.append((r.part, r.section, text, leaders, units))
    lines = ["吉水县2021年《政府工作报告》任务分解表", "发布时间：2021-03-10", "一、10件民生实事任务分解表", header4]
    for i, (text, leaders, units) in enumerate(PLAN_2021_T1, start=1):
        lines.append(row(str(i), text, leaders, units))
    lines += ["二、其他重要事项任务分解表", header4]
    lines += t2_lines([(p, s, [str(i), text, leaders, units]) for i, (p, s, text, leaders, units) in enumerate(plan_t2, start=1)])
    (OUT / "jishui-2021-synthetic-plan.txt").write_text("\n".join(lines + FOOTER) + "\n", encoding="utf-8")

    # 2021 progress (September): table 1 tasks 2 and 3 swapped, table 2 task 118 left out (the
    # rest renumbered), one task added at the end, 王强's task handed to 厉有明 again
    t1_order = [1, 3, 2, 4, 5, 6, 7, 8, 9, 10]
    lines = ["吉水县2021年《政府工作报告》任务分解落实情况(截止2021年9月底)", "一、10件民生实事任务分解表", header5]
    for new_seq, old in enumerate(t1_order, start=1):
        text, leaders, units = PLAN_2021_T1[old - 1]
        lines.append(row(str(new_seq), text, leaders, units, SEP_2021_T1[old]))
    lines += ["二、其他重要事项任务分解表", header5]
    rows: list[tuple[str | None, str | None, list[str]]] = []
    n = 0
    for i, (p, s, text, leaders, units) in enumerate(plan_t2, start=1):
        if i == OMITTED_IN_SEP_2021_T2:
            continue
        n += 1
        if leaders == "王强":
            leaders = "厉有明"
        rows.append((p, s, [str(n), text, leaders, units, GENERIC_2021[i % 4]]))
    last_p, last_s = plan_t2[-1][0], plan_t2[-1][1]
    text, leaders, units, progress = NEW_IN_SEP_2021_T2
    rows.append((last_p, last_s, [str(n + 1), text, leaders, units, progress]))
    lines += t2_lines(rows)
    (OUT / "jishui-2021-09-synthetic-progress.txt").write_text("\n".join(lines + FOOTER) + "\n", encoding="utf-8")

    manifest = """# Manifest of the multi-period fixtures (made by scripts/make_period_fixtures.py).
# Files named *synthetic* are made up from the real 2020 report; the year-end 2020 report is real.
reports:
  - file: jishui-2020-06-synthetic-progress.txt
    county: 吉水县
    province: 江西省
    prefecture: 吉安市
    plan_year: 2020
    as_of: 2020-06-30
    period_type: quarterly
    title: 吉水县2020年《政府工作报告》任务分解落实情况(截止2020年6月底)(synthetic)
  - file: jishui-2020-11-real-progress.txt
    county: 吉水县
    province: 江西省
    prefecture: 吉安市
    plan_year: 2020
    as_of: 2020-11-30
    period_type: year_end
    title: 吉水县2020年《政府工作报告》任务分解落实情况
    source_url: http://www.jishui.gov.cn/news-show-129764.html
  - file: jishui-2021-synthetic-plan.txt
    county: 吉水县
    province: 江西省
    prefecture: 吉安市
    plan_year: 2021
    as_of: 2021-03-10
    period_type: plan
    title: 吉水县2021年《政府工作报告》任务分解表(synthetic)
  - file: jishui-2021-09-synthetic-progress.txt
    county: 吉水县
    province: 江西省
    prefecture: 吉安市
    plan_year: 2021
    as_of: 2021-09-30
    period_type: quarterly
    title: 吉水县2021年《政府工作报告》任务分解落实情况(截止2021年9月底)(synthetic)
"""
    (OUT / "sources.yaml").write_text(manifest, encoding="utf-8")
    for f in sorted(OUT.iterdir()):
        print(f.relative_to(ROOT), len(f.read_bytes()), "bytes")


if __name__ == "__main__":
    main()
