"""The tracker's lists, people pages, year-over-year pages and palette, and its layout in headless
Chromium at desktop (1400 × 900) and phone (390 × 844) sizes, measured, not looked at."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from typer.testing import CliRunner

from cli.main import app
from render import palette
from tests.helpers.analyst import analyst_warehouse, expected_latest, expected_unit_scores, read_only
from tests.helpers.browser import chromium, layout, run_probe
from tests.helpers.history import build_history_db

runner = CliRunner()
needs_chromium = pytest.mark.skipif(chromium() is None, reason="chromium is not installed (make test installs it)")


@pytest.fixture(scope="module")
def wh(tmp_path_factory, reference_parsed):
    return analyst_warehouse(tmp_path_factory, reference_parsed.records)


@pytest.fixture(scope="module")
def site_dir(wh, tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "site"
    res = runner.invoke(app, ["site", "--out", str(out), "--warehouse", str(wh)])
    assert res.exit_code == 0, res.output
    return out


@pytest.fixture(scope="module")
def periods_wh(tmp_path_factory):
    return build_history_db(tmp_path_factory.mktemp("periods") / "warehouse.duckdb")


@pytest.fixture(scope="module")
def periods_site(periods_wh, tmp_path_factory):
    out = tmp_path_factory.mktemp("psite") / "site"
    res = runner.invoke(app, ["site", "--out", str(out), "--warehouse", str(periods_wh)])
    assert res.exit_code == 0, res.output
    return out


def q(path, query, params=None):
    con = read_only(path)
    try:
        return con.execute(query, params or []).fetchall()
    finally:
        con.close()


def test_one_palette_and_a_legend_wherever_colours_mean_something(periods_site):
    for page in periods_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        badges = re.findall(r'class="badge status-(\w+)" style="background:(#[0-9a-f]{6})"', text)
        bars = re.findall(r'<rect [^>]*fill="(#[0-9a-f]{6})"', text)
        if badges or bars:
            assert 'class="legend status-legend"' in text, page
            chips = dict(re.findall(r'<span data-status="(\w+)"><i style="background:(#[0-9a-f]{6})"', text))
            assert chips == palette.STATUS_COLORS, page
        for code, color in badges:
            assert palette.STATUS_COLORS[code] == color, (page, code)
        assert set(bars) <= set(palette.STATUS_COLORS.values()), page
        if "change-" in text and 'class="badge change-' in text:
            assert 'class="legend change-legend"' in text, page
    # behind is red and not started orange, here as in the quality report
    assert palette.STATUS_COLORS["behind"] == "#c62828" and palette.STATUS_COLORS["not_started"] == "#ef6c00"


def test_palette_labels_are_the_warehouse_labels(wh):
    assert dict(q(wh, "SELECT status_code, label_zh FROM dim_status")) == palette.STATUS_ZH
    assert list(palette.STATUS) == [c for (c,) in q(wh, "SELECT status_code FROM dim_status ORDER BY sort_order")]


def test_index_counts_every_status(site_dir, reference_parsed, periods_site, periods_wh):
    want = Counter(s for _, s in expected_latest(reference_parsed.records))
    index = (site_dir / "index.html").read_text(encoding="utf-8")
    row = re.search(r'<tr data-county="吉水县" data-year="2020">(.*?)</tr>', index).group(1)
    cells = {k: int(v) for k, v in re.findall(r'data-col="(\w+)">(\d+)<', row)}
    assert cells == {s: want.get(s, 0) for s in palette.STATUS}
    # 未启动, which the index used to leave out, on the period fixtures that have some
    index = (periods_site / "index.html").read_text(encoding="utf-8")
    for year in (2020, 2021):
        row = re.search(rf'<tr data-county="吉水县" data-year="{year}">(.*?)</tr>', index).group(1)
        cells = {k: int(v) for k, v in re.findall(r'data-col="(\w+)">(\d+)<', row)}
        latest = dict(q(periods_wh, "SELECT status_code, count(*) FROM v_task_latest WHERE plan_year = ? GROUP BY 1", [year]))
        assert cells == {s: latest.get(s, 0) for s in palette.STATUS}
        assert cells["not_started"] > 0


def test_unit_and_leader_pages(site_dir, wh, reference_parsed):
    edu = expected_unit_scores(reference_parsed.records)["县教体局"]
    ((ck, uk),) = q(wh, "SELECT t.county_key, u.unit_key FROM dim_unit u, dim_task t WHERE u.unit_name = '县教体局' LIMIT 1")
    page = (site_dir / "units" / f"{ck}-{uk}.html").read_text(encoding="utf-8")
    row = re.search(r'<tr data-year="2020">(.*?)</tr>', page).group(1)
    cells = {k: int(v) for k, v in re.findall(r'data-col="(\w+)">(\d+)<', row)}
    assert int(re.search(r'class="n total"[^>]*>(\d+)<', row).group(1)) == edu["tasks"]
    assert {s: cells[s] for s in palette.STATUS} == {s: edu.get(s, 0) for s in palette.STATUS}
    listed = re.findall(r'<tr data-task="(\d+)"', page)
    want = {k for (k,) in q(wh, "SELECT DISTINCT b.task_key FROM bridge_task_unit b JOIN task_current c USING (task_key, report_key) "
                               "WHERE b.unit_key = ?", [uk])}
    assert {int(k) for k in listed} == want and len(listed) == len(want)
    # every leader of the scorecard has a page whose task count is the scorecard's, year by year
    for name, lk, year, tasks, behind in q(wh, "SELECT leader_name, leader_key, plan_year, tasks, behind FROM v_scorecard_leader"):
        page = (site_dir / "leaders" / f"{ck}-{lk}.html").read_text(encoding="utf-8")
        assert name in page
        row = re.search(rf'<tr data-year="{year}">(.*?)</tr>', page).group(1)
        assert int(re.search(r'class="n total"[^>]*>(\d+)<', row).group(1)) == tasks
        assert int(re.search(r'data-col="behind">(\d+)<', row).group(1)) == behind
    leaders = (site_dir / "leaders.html").read_text(encoding="utf-8")
    assert len(re.findall(r'<a href="leaders/\d+-\d+\.html">', leaders)) == len({lk for (lk,) in q(wh, "SELECT DISTINCT leader_key FROM v_scorecard_leader")})


def test_year_over_year_pages(periods_site, periods_wh):
    page = (periods_site / "compare-1.html").read_text(encoding="utf-8")
    ((finished, better, kept, worse, dropped, new, n0, n1),) = q(
        periods_wh, "SELECT finished, better, kept, worse, dropped, new, from_tasks, to_tasks FROM v_year_over_year_county")
    row = re.search(r'<tr data-years="2020-2021">(.*?)</tr>', page).group(1)
    cells = {k: int(v) for k, v in re.findall(r'data-col="(\w+)">(\d+)<', row)}
    assert cells == {"finished": finished, "better": better, "kept": kept, "worse": worse, "dropped": dropped, "new": new}
    assert f">{n0}</td>" in row and f">{n1}</td>" in row
    shown = Counter(re.findall(r'<tr data-f-change="(\w+)"', page))
    assert shown == Counter(dict(q(periods_wh, "SELECT change, count(*) FROM v_year_over_year GROUP BY 1")))
    # a task page links its successor with both statuses and the change
    ((k20, k21),) = q(periods_wh, "SELECT from_task_key, to_task_key FROM v_year_over_year WHERE from_table_no = 1 AND from_seq = 3")
    task = (periods_site / "tasks" / f"{k20}.html").read_text(encoding="utf-8")
    nxt = re.search(r"<dt>下一年版本 Next year</dt><dd>(.*?)</dd>", task).group(1)
    assert f'href="../tasks/{k21}.html"' in nxt and "status-not_started" in nxt and "change-worse" in nxt
    assert 'class="badge status-behind"' in task  # its own status
    back = (periods_site / "tasks" / f"{k21}.html").read_text(encoding="utf-8")
    prev = re.search(r"<dt>上一年版本 Last year</dt><dd>(.*?)</dd>", back).group(1)
    assert f'href="../tasks/{k20}.html"' in prev and "status-behind" in prev and "2020年 表1 第3项" in prev
    # a finished task says so though it has no successor
    ((k_done,),) = q(periods_wh, "SELECT from_task_key FROM v_year_over_year WHERE from_table_no = 1 AND from_seq = 9")
    done = (periods_site / "tasks" / f"{k_done}.html").read_text(encoding="utf-8")
    assert re.search(r"<dt>下一年版本 Next year</dt><dd class='muted'>无关联任务 none linked <span class=\"badge change-finished\"", done)


def test_lists_read_without_script(site_dir):
    page = (site_dir / "1-2020.html").read_text(encoding="utf-8")
    assert re.search(r'<form class="filters" id="f-tasks" hidden', page)  # no dead controls without script
    assert len(re.findall(r'<tr data-task="\d+"', page)) == 130


FILTER_PROBE = """
<script>(function(){
var form=document.getElementById('f-tasks'), table=document.querySelector('table[data-list=f-tasks]');
function visible(){return Array.prototype.filter.call(table.tBodies[0].rows,function(r){return !r.hidden&&r.hasAttribute('data-task');})
  .map(function(r){return r.getAttribute('data-task');});}
function set(name,value){form.elements[name].value=value;form.dispatchEvent(new Event('change'));}
var out={all:visible().length, shownForm:!form.hidden};
set('status','behind');out.behind=visible().length;out.output=form.querySelector('output').textContent;
set('status','');set('leader',form.elements.leader.options[1].value);out.leader=form.elements.leader.value;out.byLeader=visible();
set('leader','');form.elements.q.value='县教体局';form.dispatchEvent(new Event('input'));out.byText=visible().length;
form.elements.q.value='';form.dispatchEvent(new Event('input'));
var th=table.tHead.rows[0].cells[0];th.querySelector('button').click();th.querySelector('button').click();
out.sortedDesc=visible().slice(0,3);out.ariaSort=th.getAttribute('aria-sort');
out.display=getComputedStyle(table.tBodies[0].rows[0]).display;
var p=document.createElement('pre');p.id='layout-probe';p.textContent=JSON.stringify(out);document.body.appendChild(p);
window.parent.postMessage(p.textContent,'*');})();</script>
"""


@needs_chromium
def test_filter_and_sort_in_chromium(site_dir, wh, reference_parsed):
    want = Counter(s for _, s in expected_latest(reference_parsed.records))
    got = run_probe(site_dir / "1-2020.html", FILTER_PROBE, "1400,900")
    assert got["shownForm"] and got["all"] == 130
    assert got["behind"] == want["behind"] and got["output"].startswith(f"显示 {want['behind']} / 130")
    leader_tasks = {str(k) for (k,) in q(wh, "SELECT DISTINCT b.task_key FROM bridge_task_leader b JOIN task_current c USING (task_key, report_key) "
                                             "JOIN dim_leader l USING (leader_key) JOIN dim_task t ON t.task_key = b.task_key "
                                             "WHERE l.leader_name = ? AND t.plan_year = 2020", [got["leader"]])}
    assert set(got["byLeader"]) == leader_tasks and leader_tasks
    edu = expected_unit_scores(reference_parsed.records)["县教体局"]["tasks"]
    assert got["byText"] >= edu  # the unit's tasks, and any whose text names it
    last = [str(k) for (k,) in q(wh, "SELECT task_key FROM dim_task WHERE plan_year = 2020 ORDER BY table_no DESC, seq DESC LIMIT 3")]
    assert got["sortedDesc"] == last and got["ariaSort"] == "descending"
    assert got["display"] == "table-row"
    phone = run_probe(site_dir / "1-2020.html", FILTER_PROBE, "390,844")
    assert phone["display"] == "block" and phone["behind"] == want["behind"]  # cards, filtered the same


def page_kinds(site):
    first = lambda folder: sorted((site / folder).glob("*.html"))[0]  # noqa: E731
    return {
        "index": site / "index.html", "county-year": site / "1-2020.html", "task": first("tasks"),
        "leaders": site / "leaders.html", "units": site / "units.html", "leader": first("leaders"), "unit": first("units"),
        "compare": site / "compare-1.html",
    }


@needs_chromium
@pytest.mark.parametrize("size", ["1400,900", "390,844"])
def test_no_page_scrolls_sideways(periods_site, size):
    for kind, page in page_kinds(periods_site).items():
        got = layout(page, size)
        assert got["innerWidth"] == int(size.split(",")[0])
        assert got["scrollWidth"] <= got["clientWidth"], (kind, got)
        assert got["wide"] == [], (kind, got["wide"])
        assert got["crampedCount"] == 0, (kind, got["cramped"])
        if kind not in ("index", "task"):
            assert got["scripted"], kind


def test_filter_values_stay_in_their_attributes(periods_site):
    # names become attribute values of the rows: escaped, they cannot break out of one
    for page in periods_site.glob("*.html"):
        for attr in re.findall(r'data-f-\w+="([^"]*)"', page.read_text(encoding="utf-8")):
            assert "<" not in attr and ">" not in attr
