"""Report metadata inferred from real pages (transforms/metadata.py) and the report object that
`luoshi extract --jsonl` prints on every record; half_year as a period type the warehouse loads."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from sources.manifest import overrides_entry
from tests.helpers import FIXTURES, REFERENCE, ROOT
from transforms.metadata import PERIOD_TYPES, infer_metadata, infer_place, report_object
from transforms.pipeline import parse_report
from transforms.readers.clean import clean_text
from warehouse.db import connect
from warehouse.loader import ReportLoad, load_reports, run_checks

REAL = FIXTURES / "realpages"


def page(name: str) -> str:
    return clean_text((REAL / f"{name}.txt").read_text(encoding="utf-8"))[0]


def report_of(text: str) -> dict:
    return report_object(infer_metadata(text))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # the title states the period: 一季度 / 半年度 / 上半年 / 月报表(11月份) / 1季度
        ("101", {"place": None, "plan_year": 2023, "as_of": "2023-03", "period_type": "quarterly"}),
        ("105", {"plan_year": 2023, "as_of": "2023-06", "period_type": "half_year"}),
        ("163", {"place": "沙坪坝区", "plan_year": 2022, "as_of": "2022-06", "period_type": "half_year"}),
        ("131", {"place": "福州市", "plan_year": 2021, "as_of": "2021-11", "period_type": "monthly"}),
        ("168", {"place": "万州区", "plan_year": 2025, "as_of": "2025-03", "period_type": "quarterly"}),
        # the title's period wins over a cumulative figure in the body (1-2月)
        ("125", {"place": None, "plan_year": 2020, "as_of": "2020-03", "period_type": "quarterly"}),
        # a header: 10月完成情况 (四季度计划目标 is a plan column, not the report's period)
        ("107", {"place": "北仑区", "plan_year": 2024, "as_of": "2024-10", "period_type": "monthly"}),
        # 8月份完成情况 but no year printed: the kind of report is known, its date is not
        ("119", {"place": "北仑区", "plan_year": None, "as_of": None, "period_type": "monthly"}),
        # dated to a day inside a month: no named period
        ("118", {"place": None, "plan_year": 2023, "as_of": "2023-04-10", "period_type": None}),
        ("182", {"place": "安顺市", "plan_year": 2019, "as_of": "2019-12-31", "period_type": "year_end"}),
        # a year's results (2023年度…完成情况 / 2022年…工作任务完成情况)
        ("165", {"place": "大足区", "plan_year": 2023, "as_of": "2023-12", "period_type": "year_end"}),
        ("164", {"place": None, "plan_year": 2022, "as_of": "2022-12", "period_type": "year_end"}),
        # plans: no as-of (a publication date is no as-of date), the year from the page's date if need be
        ("103", {"place": None, "plan_year": 2022, "as_of": None, "period_type": "plan"}),
        ("117", {"place": "鄞州区", "plan_year": 2024, "as_of": None, "period_type": "plan"}),
        ("113", {"place": "上城区", "plan_year": 2019, "as_of": None, "period_type": "plan"}),
        ("184", {"place": "云南省", "plan_year": 2016, "as_of": None, "period_type": "plan"}),
        # a year only inside a table cell is no plan year; a progress column makes it no plan
        ("170", {"place": None, "plan_year": None, "as_of": None, "period_type": None}),
        ("128", {"place": None, "plan_year": None, "as_of": None, "period_type": None}),
    ],
)
def test_report_metadata_of_real_pages(name: str, expected: dict) -> None:
    got = report_of(page(name))
    assert {k: got[k] for k in expected} == expected
    assert set(got["inferred"]) == {k for k in ("place", "plan_year", "as_of", "period_type") if got[k] is not None}


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("重庆市沙坪坝区人民政府办公室关于印发2022年区政府工作报告目标任务的通知", "沙坪坝区"),
        ("截止2019年12月31日,安顺市委、市人民政府“十件实事”涉及的16项工作任务全面完成。", "安顺市"),
        ("2024年1-9月歙县50项民生实事实施进展情况", "歙县"),
        ("日期:2025-04-11 来源:重庆市万州区发展和改革委员会", "万州区"),
        # a leader's title, the sentence around 区政府: no place; a superior government's site loses to a title
        ("分管领导:广东省副省长、珠海市委书记", None),
        ("中国政府网 | 重庆市人民政府网 | 区人大\n关于2025年万州区重点民生实事1季度推进情况公示", "万州区"),
        ("经区政府研究决定,已经区政府同意,报经区政府常务会议审议", None),
        ("2023年我县共承办省政府民生实事指标46项", None),
        # unit names: one place carries them all, else none
        ("新建北仑区外国语学校(暂命名)。开工建设北仑区中医院改扩建工程。", "北仑区"),
        ("完成县妇幼保健院主体工程建设", None),
        ("商务局、高新区、岳麓区 | 西秀区完成6962人、平坝区完成3619人", None),
    ],
)
def test_place_as_printed_or_none(text: str, place: str | None) -> None:
    assert infer_place(text)[0] == place


def test_extract_prints_the_report_object_on_every_record() -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["extract", str(REAL / "104.txt"), "--jsonl"])
    assert res.exit_code == 0, res.output
    recs = [json.loads(line) for line in res.stdout.splitlines() if line.startswith("{")]
    assert recs
    assert all(r["report"] == recs[0]["report"] for r in recs)
    assert recs[0]["report"] == {
        "place": "临安区", "plan_year": 2022, "as_of": "2022-09", "period_type": "quarterly",
        "inferred": ["place", "plan_year", "as_of", "period_type"],
    }


def test_extract_report_object_follows_the_manifest() -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["extract", str(ROOT / "samples" / "jishui-2020-progress.txt"), "--jsonl"])
    assert res.exit_code == 0, res.output
    first = json.loads(res.stdout.splitlines()[0])
    assert first["report"] == {"place": "吉水县", "plan_year": 2020, "as_of": "2020-11-30", "period_type": "year_end", "inferred": []}


def test_half_year_is_a_period_type_everywhere() -> None:
    assert "half_year" in PERIOD_TYPES
    assert overrides_entry({"period_type": "half_year", "as_of": "2023-06-30"}).meta().period_type == "half_year"
    from schemas.vocabulary import fill_value_sets

    gx = fill_value_sets(json.loads((ROOT / "schemas" / "gx" / "expectations" / "dim_report.json").read_text(encoding="utf-8")))
    sets = [e["kwargs"]["value_set"] for e in gx["expectations"] if e["kwargs"].get("column") == "period_type"]
    assert sets and all(set(s) == set(PERIOD_TYPES) for s in sets)


def test_a_half_year_report_loads_and_passes_the_checks(warehouse_path: Path) -> None:
    data = REFERENCE.read_bytes()
    parsed = parse_report(data, REFERENCE.name, as_of=date(2020, 6, 30), plan_year=2020)
    load = ReportLoad(
        county="吉水县", province="江西省", prefecture="吉安市", plan_year=2020, as_of=date(2020, 6, 30),
        period_type="half_year", sha256=hashlib.sha256(data).hexdigest(), file_name=REFERENCE.name,
        records=parsed.records, findings=parsed.findings, format=parsed.format, parser_version="test",
    )
    con = connect(warehouse_path)
    try:
        assert load_reports(con, [load])[0].outcome == "loaded"
        assert con.execute("SELECT period_type FROM dim_report").fetchall() == [("half_year",)]
        for severity in ("error", "warning"):
            assert not [v for v in run_checks(con, severity) if v["check"] == "codes_known"]
    finally:
        con.close()
    assert replace(load, period_type="half_year").period_type == "half_year"
