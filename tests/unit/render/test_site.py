"""`luoshi site`: the static tracker, opened in headless Chromium as a reader would."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from render.tracker import esc, render_site, status_chart_svg
from tests.helpers.analyst import (
    HOSTILE_PROGRESS,
    HOSTILE_TEXT,
    analyst_warehouse,
    expected_latest,
    expected_unit_scores,
    read_only,
)
from tests.helpers.browser import chromium, dump_dom, non_blank_fraction, screenshot

runner = CliRunner()


@pytest.fixture(scope="module")
def wh(tmp_path_factory, reference_parsed):
    return analyst_warehouse(tmp_path_factory, reference_parsed.records)


@pytest.fixture(scope="module")
def site_dir(wh, tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "site"
    res = runner.invoke(app, ["site", "--out", str(out), "--warehouse", str(wh)])
    assert res.exit_code == 0, res.output
    return out


def keys(wh):
    con = read_only(wh)
    try:
        return {(y, t, s): k for k, y, t, s in con.execute("SELECT task_key, plan_year, table_no, seq FROM dim_task").fetchall()}
    finally:
        con.close()


def test_pages_and_self_containment(site_dir):
    pages = sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html"))
    assert "index.html" in pages and "1-2020.html" in pages and "1-2021.html" in pages
    assert sum(p.startswith("tasks/") for p in pages) == 133
    index = (site_dir / "index.html").read_text(encoding="utf-8")
    assert re.search(r'data-county="吉水县" data-year="2020">.*?<td class="n total"[^>]*>130</td>', index)
    assert re.search(r'data-county="吉水县" data-year="2021">.*?<td class="n total"[^>]*>3</td>', index)
    for p in site_dir.rglob("*.html"):
        text = p.read_text(encoding="utf-8")
        assert "<link" not in text and "<img" not in text and "@import" not in text
        # at most the one inlined list script, which loads nothing
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", text, re.S)
        assert len(scripts) <= 1 and all(attrs == "" and "http" not in code and "fetch(" not in code for attrs, code in scripts), p
        assert not re.search(r"""\b(src|url)\s*[=(]\s*["']?https?:""", text), p  # nothing loaded from the network
        external = re.findall(r'href="(https?:[^"]*)"', text)
        assert all(u == "http://www.jishui.gov.cn/news-show-129764.html" for u in external)  # only the source link


def test_report_text_is_escaped(site_dir, wh):
    k = keys(wh)
    page = (site_dir / "tasks" / f"{k[(2020, 1, 4)]}.html").read_text(encoding="utf-8")
    assert esc(HOSTILE_TEXT) in page and HOSTILE_TEXT not in page
    assert esc(HOSTILE_PROGRESS) in page and "<img" not in page
    county = (site_dir / "1-2020.html").read_text(encoding="utf-8")
    assert county.count("<script") == 1 and "<script>alert" not in county  # only the list script


def test_pure_render_escapes_everything():
    row = {"status_code": 'x"><script>', "label_zh": "<b>", "tasks": 3, "sort_order": 1}
    svg = status_chart_svg([row])
    assert "<script>" not in svg and "<b>" not in svg and "&lt;b&gt;" in svg
    from render.tracker import SiteData

    evil = "</td><script>alert(1)</script>"
    data = SiteData(
        status_counts=[{"county_key": 1, "county_name": evil, "plan_year": 2020, "status_code": "unknown", "label_zh": "无法判断",
                        "label_en": "unknown", "sort_order": 6, "tasks": 1, "share": 1.0}],
        reports=[], history=[], metrics=[], unit_scores=[], leader_scores=[],
        tasks=[{"task_key": 9, "county_key": 1, "county_name": evil, "plan_year": 2020, "table_no": 1, "table_title": evil, "part": None,
                "section": None, "seq": 1, "project": evil, "task_text": evil, "target_text": evil, "deadline": evil, "leaders": evil,
                "lead_units": evil, "responsible_units": None, "co_units": None, "status_code": "unknown", "status_label_zh": evil,
                "as_of_date": None, "progress_text": evil}],
    )
    pages = render_site(data)
    assert set(pages) == {"index.html", "1-2020.html", "tasks/9.html", "leaders.html", "units.html"}
    assert all("<script>alert" not in html and html.count("<script") <= 1 for html in pages.values())


@pytest.mark.skipif(chromium() is None, reason="chromium is not installed (make test installs it)")
def test_chromium_shows_the_key_figures(site_dir, wh, reference_parsed, tmp_path):
    recs = reference_parsed.records
    want_status = Counter(s for _, s in expected_latest(recs))

    dom = dump_dom(site_dir / "1-2020.html")
    assert "吉水县 2020年政府工作报告任务落实情况" in dom
    assert re.search(r'id="task-total">130<', dom)
    assert re.search(rf'id="completed-total">{want_status["completed"]}<', dom)
    assert re.search(rf'id="behind-total">{want_status["behind"]}<', dom)
    shown = dict(re.findall(r'<tr data-status="(\w+)">.*?<td class="n count">(\d+)</td>', dom))
    assert {k: int(v) for k, v in shown.items()} == {s: want_status.get(s, 0) for s in shown} and len(shown) == 6
    chart = dict(re.findall(r'<g data-status="(\w+)">.*?<text class="count"[^>]*>(\d+)</text>', dom))
    assert chart == shown
    # the unit scorecard row of 县教体局: tasks and completed as the records say
    edu = expected_unit_scores(recs)["县教体局"]
    row = re.search(r'<tr data-name="县教体局">(.*?)</tr>', dom).group(1)
    cells = dict(re.findall(r'data-col="(\w+)">(\d+)<', row))
    assert (int(cells["tasks"]), int(cells["completed"]), int(cells["behind"])) == (edu["tasks"], edu["completed"], edu["behind"])
    assert (int(cells["metrics_met"]), int(cells["metrics_short"])) == (1, 1)

    k = keys(wh)
    task_dom = dump_dom(site_dir / "tasks" / f"{k[(2020, 1, 1)]}.html")
    history = re.findall(r'<tr data-report="\d+"><td class="date"[^>]*>([\d-]+)</td>.*?class="evidence"[^>]*>(.*?)</td>', task_dom)
    assert history == [("2020-06-30", "六月证据0"), ("2020-11-30", "十一月证据0")]
    assert "吉水县2020年任务落实情况（截至11月30日）" in task_dom and "第3–3行" in task_dom
    assert "义务教育学位" in task_dom and "110.0%" in task_dom and "达标" in task_dom
    # accepted link → next year's version is linked; last year has none
    assert f'href="../tasks/{k[(2021, 1, 1)]}.html"' in task_dom and "2021年 表1 第1项" in task_dom
    assert "无关联任务" in task_dom
    # the pending link of task 2 is not shown
    assert f'tasks/{k[(2021, 1, 2)]}.html"' not in (site_dir / "tasks" / f"{k[(2020, 1, 2)]}.html").read_text(encoding="utf-8")

    hostile_dom = dump_dom(site_dir / "tasks" / f"{k[(2020, 1, 4)]}.html")
    assert "<script>alert" not in hostile_dom and "&lt;script&gt;alert" in hostile_dom

    png = screenshot(site_dir / "1-2020.html", tmp_path / "county.png", size="1280,1400")
    assert non_blank_fraction(png) > 0.05


def test_site_refuses_to_replace_a_foreign_folder(wh, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.txt").write_text("keep me", encoding="utf-8")
    res = runner.invoke(app, ["site", "--out", str(out), "--warehouse", str(wh)])
    assert res.exit_code == 2 and "not a luoshi site" in res.output
    assert (out / "thesis.txt").read_text(encoding="utf-8") == "keep me"
    assert Path(out).exists() and not (out / "index.html").exists()
