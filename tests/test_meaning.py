"""Meaning of figures: negated and forecast clauses, stages, share bases, plausible pairs, names.

Named rows of the reference report and the period fixtures, and the rules on small texts."""

from __future__ import annotations

from functools import cache

import pytest

from tests.conftest import FIXTURES, REFERENCE
from transforms.metrics import pair
from transforms.pipeline import parse_report
from transforms.quantities import extract, unit_rules

JUNE = FIXTURES / "periods" / "jishui-2020-06-synthetic-progress.txt"


@cache
def _records(path: str) -> dict[tuple[int, int], object]:
    from pathlib import Path

    p = Path(path)
    return {(r.table_no, r.seq): r for r in parse_report(p.read_bytes(), p.name).records}


def test_a_figure_in_a_clause_that_says_not_yet_is_no_result():
    r = _records(str(JUNE))[(1, 4)]  # 6个乡镇供水管网设施建设暂未开工
    assert r.targets and r.targets[0]["value"] == 6.0
    assert r.actuals == []
    assert not any(m["met"] for m in r.metrics)
    assert r.status != "completed" and "暂未开工" in (r.status_evidence or "")


@pytest.mark.parametrize(
    "text",
    ["尚贤、冠山等6个乡镇供水管网设施建设暂未开工", "3个项目尚未动工", "还未完成的5个村", "计划完成8个", "预计年底可建成12个"],
)
def test_negated_and_forecast_figures_are_not_results(text):
    qs = extract(text)
    assert qs and not any(q.is_result for q in qs)
    assert extract(text, forecasts=False) == []


@pytest.mark.parametrize("text", ["已建成6个", "完成投资3000万元", "新增学位5500个"])
def test_plain_results_stay_results(text):
    assert [q.is_result for q in extract(text)] == [True]


def test_a_result_at_an_earlier_stage_does_not_measure_the_target():
    target = extract("年内建成10个村级养老服务站")[0]
    started = extract("已开工10个")[0]
    nearly = extract("10个已基本完工")[0]
    done = extract("已建成10个")[0]
    assert (target.stage, started.stage, nearly.stage, done.stage) == ("done", "started", "nearly", "done")
    for early in (started, nearly):
        assert pair([target], [early])[0].actual is None
    assert pair([target], [done])[0].actual is done


def test_shares_of_different_bases_never_pair():
    r = _records(str(REFERENCE))[(2, 90)]  # R&D 占GDP比重 1.4 % vs 占主营业务收入的比 1.42 %
    assert r.targets[0]["value"] == 1.4 and r.actuals[0]["value"] == 1.42
    assert all(m["actual_value"] is None or m["target_value"] is None for m in r.metrics)
    assert r.status != "completed"
    same = pair(extract("R&D经费投入占GDP比重达到1.4%以上"), extract("研发经费占GDP比重为1.5%"))
    assert same[0].actual is not None and same[0].met is True


def test_a_result_pairs_with_the_target_of_plausible_magnitude():
    r = _records(str(REFERENCE))[(1, 6)]  # 3个 and 31个 老旧小区; 12个小区已基本改造完成
    by_target = {m["target_value"]: m for m in r.metrics if m["target_value"] is not None}
    assert by_target[3.0]["actual_value"] is None  # never 12 of 3, met at 400 %
    assert by_target[31.0]["actual_value"] == 12.0 and by_target[31.0]["met"] is False
    assert r.status == "behind"


def test_metric_names_are_never_classifiers_fillers_or_single_characters():
    rules = unit_rules()
    names = [
        m["metric"]
        for path in (REFERENCE, JUNE)
        for r in _records(str(path)).values()
        for m in r.metrics
    ]
    assert len(names) > 100
    bad = [n for n in names if n and (len(n) < 2 or n in rules.units or n in rules.metric_stopwords or n[0] in "&、")]
    assert bad == []
