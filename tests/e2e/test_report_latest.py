"""The quality report a reviewer opens after `make run`: the samples backfilled (an ingest run that
loads them, then a linking run that loads nothing), then `luoshi report` with no run named. It must be
the loading run's, its counts must be the warehouse's (v_report_quality), and it must read on a phone."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from cli.main import app
from flows.backfill import backfill
from render import palette
from render.quality_html import OVERVIEW_COLUMNS
from tests.helpers import ROOT
from tests.helpers.browser import chromium, layout

runner = CliRunner()


@pytest.fixture(scope="module")
def made(prefect_harness, tmp_path_factory) -> dict:
    wh = tmp_path_factory.mktemp("makerun") / "data" / "warehouse.duckdb"
    for _ in range(2):  # the second run finds nothing new and comes last
        backfill(folder=str(ROOT / "samples"), warehouse=str(wh), manifest=str(ROOT / "samples" / "sources.yaml"))
    out = wh.parent / "reports" / "reviewer.html"
    res = runner.invoke(app, ["report", "--warehouse", str(wh), "--out", str(out)])
    assert res.exit_code == 0, res.output
    return {"warehouse": wh, "html": out, "text": out.read_text(encoding="utf-8")}


def q(path: Path, query: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def overview(text: str) -> dict[int, dict[str, str]]:
    out = {}
    for key, row in re.findall(r'<tr data-report="(\d+)">(.*?)</tr>', text):
        cells = dict(re.findall(r'data-col="(\w+)"[^>]*>([^<]*)<', row))
        cells["verdict"] = re.search(r'data-verdict="(\w+)"', row).group(1)
        out[int(key)] = cells
    return out


def test_the_default_report_is_the_run_that_loaded_something(made):
    runs = q(made["warehouse"], "SELECT run_key, flow_name, reports_loaded FROM etl_run ORDER BY run_key")
    loading = max(k for k, _, n in runs if n)
    assert runs[-1][2] == 0 and runs[-1][0] != loading  # a run that found nothing new came last
    assert f"run {loading}</h1>" in made["text"]
    assert "加载报告 reports loaded</span>" in made["text"]
    kpi = re.search(r'<div class="kpi"><b>(\d+)</b><span>加载报告 reports loaded</span>', made["text"]).group(1)
    assert int(kpi) == runs[loading - 1][2] > 0


def test_counts_equal_the_warehouse(made):
    shown = overview(made["text"])
    want = {k: (t, e, w, rp) for k, t, e, w, rp in q(made["warehouse"], "SELECT report_key, tasks, errors, warnings, repairs FROM v_report_quality")}
    assert set(shown) == set(want)
    for key, (tasks, errors, warnings, repairs) in want.items():
        c = shown[key]
        assert (int(c["tasks"]), int(c["errors"]), int(c["warnings"]), int(c["repairs"])) == (tasks, errors, warnings, repairs), key
    # the two the issue found wrong: 吉水 has 8 warnings, 崇川's 2023-10-31 report is "warn" (its unit-type check findings)
    ((jishui,),) = q(made["warehouse"], "SELECT report_key FROM dim_report WHERE file_name LIKE 'jishui%'")
    assert shown[jishui]["warnings"] == "8"
    ((cc,),) = q(made["warehouse"], "SELECT report_key FROM dim_report WHERE file_name LIKE 'chongchuan%' AND as_of_date = DATE '2023-10-31'")
    assert shown[cc]["verdict"] == "warn"


def test_the_linking_run_reports_the_same_counts(made, tmp_path):
    link_run = q(made["warehouse"], "SELECT max(run_key) FROM etl_run")[0][0]
    out = tmp_path / "link.html"
    assert runner.invoke(app, ["report", "--warehouse", str(made["warehouse"]), "--run", str(link_run), "--out", str(out)]).exit_code == 0
    shown, first = overview(out.read_text(encoding="utf-8")), overview(made["text"])
    assert {k: (c["warnings"], c["verdict"]) for k, c in shown.items()} == {k: (c["warnings"], c["verdict"]) for k, c in first.items()}


def test_labels_are_chinese_with_english(made):
    heads = re.search(r'<table class="overview"><thead><tr>(.*?)</tr>', made["text"]).group(1)
    assert re.findall(r"<th[^>]*>([^<]*)</th>", heads) == [label for _, label, _ in OVERVIEW_COLUMNS]
    assert all(re.search(r"[\u4e00-\u9fff]", label) and re.search(r"[a-z]", label) for _, label, _ in OVERVIEW_COLUMNS)
    for zh in ("报告一览", "各报告状态分布", "拒收文件", "历次运行", "需注意 warn", "图例 Legend"):
        assert zh in made["text"], zh


def test_status_colours_are_the_trackers(made):
    legend = re.search(r'<div class="legend status-legend">(.*?)</div>', made["text"]).group(1)
    chips = {code: color for color, code in re.findall(r'<i style="background:(#[0-9a-f]{6})"></i>[^<]* (\w+)</span>', legend)}
    assert chips == palette.STATUS_COLORS
    bars = set(re.findall(r'<rect [^>]*fill="(#[0-9a-f]{6})"><title>', made["text"]))
    assert bars and bars <= set(palette.STATUS_COLORS.values()) | set(palette.SEVERITY_COLORS.values())


@pytest.mark.skipif(chromium() is None, reason="chromium is not installed (make test installs it)")
@pytest.mark.parametrize("size", ["1400,900", "390,844"])
def test_report_fits_the_screen(made, size):
    got = layout(made["html"], size)
    assert got["scrollWidth"] <= got["clientWidth"], got
    assert got["wide"] == [] and got["crampedCount"] == 0, got
