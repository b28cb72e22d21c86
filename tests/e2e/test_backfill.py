"""The real `backfill` and `link_tasks` flows (Prefect test harness) on the multi-period fixtures,
the `luoshi links` and `luoshi backfill` commands, and report metadata from manifest, overrides
and inference."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from cli.main import app
from flows.backfill import backfill
from flows.ingest import ingest_report
from tests.helpers import FIXTURES, table_checksums

PERIODS = FIXTURES / "periods"
runner = CliRunner()


def q(path: Path, query: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def backfilled(prefect_harness, tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("backfill")
    folder = base / "reports"
    shutil.copytree(PERIODS, folder, ignore=shutil.ignore_patterns("crosswalk.yaml"))
    crosswalk = base / "crosswalk.yaml"
    shutil.copy(PERIODS / "crosswalk.yaml", crosswalk)
    wh = base / "data" / "warehouse.duckdb"
    first = backfill(folder=str(folder), warehouse=str(wh), crosswalk=str(crosswalk))
    return {"folder": folder, "crosswalk": crosswalk, "warehouse": wh, "first": first}


def test_backfill_loads_in_as_of_order_links_and_threads(backfilled):
    wh, first = backfilled["warehouse"], backfilled["first"]
    assert first.counts.reports_loaded == 4 and first.counts.reports_failed == 0
    # report keys follow the as-of dates: loaded oldest first
    assert q(wh, "SELECT report_key, as_of_date, period_type, metadata_source FROM dim_report ORDER BY report_key") == [
        (1, date(2020, 6, 30), "quarterly", "manifest"),
        (2, date(2020, 11, 30), "year_end", "manifest"),
        (3, date(2021, 3, 10), "plan", "manifest"),
        (4, date(2021, 9, 30), "quarterly", "manifest"),
    ]
    # the year-end report attached to the mid-year report's tasks; the September report to the plan's
    # (two swapped, one renumbered), plus one new task
    assert q(wh, "SELECT plan_year, count(*) FROM dim_task GROUP BY 1 ORDER BY 1") == [(2020, 130), (2021, 130)]
    assert q(wh, "SELECT rule, count(*) FROM dq_issue WHERE rule LIKE 'link.%' GROUP BY 1 ORDER BY 1") == [
        ("link.new_task", 1), ("link.renumbered", 3), ("link.task_absent", 1),
    ]
    links = first.step("link").counts
    assert (links["accepted"], links["pending"], links["rejected"]) == (126, 1, 1)
    assert q(wh, "SELECT link_type, method, decision, count(*) FROM task_link GROUP BY ALL ORDER BY ALL") == [
        ("continues", "crosswalk", "accepted", 1),
        ("continues", "crosswalk", "rejected", 1),
        ("continues", "ngram", "accepted", 119),
        ("continues", "ngram", "pending", 1),
        ("merge", "ngram", "accepted", 2),
        ("split", "crosswalk", "accepted", 2),
        ("split", "ngram", "accepted", 2),
    ]
    # every 2021 task of table 1 but the new one (停车) and the pending one (教育) continues a 2020 thread
    got = q(
        wh,
        "SELECT b.seq, a.seq FROM dim_task b LEFT JOIN dim_task a ON a.task_key = b.thread_key AND a.plan_year = 2020 "
        "WHERE b.plan_year = 2021 AND b.table_no = 1 ORDER BY b.seq",
    )
    assert got == [(1, None), (2, 2), (3, 3), (4, 4), (5, 5), (6, 6), (7, 6), (8, 7), (9, None), (10, 10)]


def test_backfill_again_changes_nothing(backfilled):
    wh = backfilled["warehouse"]
    before = table_checksums(wh)
    again = backfill(folder=str(backfilled["folder"]), warehouse=str(wh), crosswalk=str(backfilled["crosswalk"]))
    assert again.outcome == "noop" and again.counts.reports_skipped == 4
    assert table_checksums(wh) == before
    assert q(wh, "SELECT flow_name, count(*) FROM etl_run GROUP BY 1 ORDER BY 1") == [("backfill", 2)]


def test_links_pending_accept_reject_commands(backfilled, tmp_path):
    wh = tmp_path / "warehouse.duckdb"
    shutil.copy(backfilled["warehouse"], wh)
    cw = tmp_path / "crosswalk.yaml"
    shutil.copy(backfilled["crosswalk"], cw)
    res = runner.invoke(app, ["links", "pending", "-w", str(wh), "-f", "csv"])
    assert res.exit_code == 0, res.output
    lines = res.output.strip().splitlines()
    assert lines[0] == "from_ref,to_ref,link_type,score,from_text,to_text"
    assert lines[1].startswith("吉水县:2020:1:1,吉水县:2021:1:1,continues,0.561,\"推动义务教育")
    assert len(lines) == 2

    res = runner.invoke(app, ["links", "accept", "吉水县:2020:1:1", "吉水县:2021:1:1", "--crosswalk", str(cw), "-w", str(wh), "--note", "同一任务"])
    assert res.exit_code == 0, res.output
    assert "127 accepted, 0 pending, 1 rejected" in " ".join(res.output.split())
    assert cw.read_text(encoding="utf-8").splitlines()[-1] == (
        "  - {decision: accept, from: '吉水县:2020:1:1', to: '吉水县:2021:1:1', note: 同一任务}"
    )
    assert "no pending links" in runner.invoke(app, ["links", "pending", "-w", str(wh)]).output
    # the accepted link joins the thread and shows the change of leader
    assert q(
        wh,
        "SELECT predecessors, successors FROM v_responsibility_history WHERE from_year = 2020 AND to_year = 2021 "
        "AND list_contains(predecessors, '毛晓青')",
    ) == [(["毛晓青"], ["李华"])]

    # reject by task keys: an auto-accepted link is removed from the threads
    a, b = q(wh, "SELECT a.task_key, b.task_key FROM dim_task a, dim_task b WHERE a.plan_year = 2020 AND a.table_no = 1 AND a.seq = 10 "
                 "AND b.plan_year = 2021 AND b.table_no = 1 AND b.seq = 10")[0]
    res = runner.invoke(app, ["links", "reject", str(a), str(b), "--crosswalk", str(cw), "-w", str(wh)])
    assert res.exit_code == 0, res.output
    assert "reject: 吉水县:2020:1:10 → 吉水县:2021:1:10" in " ".join(res.output.split())
    assert q(wh, f"SELECT decision, method FROM task_link WHERE from_task_key = {a} AND to_task_key = {b}") == [("rejected", "crosswalk")]
    assert q(wh, f"SELECT thread_key FROM dim_task WHERE task_key = {b}") == [(b,)]

    bad = runner.invoke(app, ["links", "accept", "2020-1-1", "吉水县:2021:1:1", "--crosswalk", str(cw), "-w", str(wh)])
    assert bad.exit_code == 2 and "COUNTY:PLAN_YEAR:TABLE:SEQ" in "".join(bad.output.split())


def test_backfill_command_on_a_missing_folder(tmp_path):
    res = runner.invoke(app, ["backfill", str(tmp_path / "nope"), "-w", str(tmp_path / "w.duckdb")])
    assert res.exit_code == 2 and "not a folder" in " ".join(res.output.split())


def test_metadata_inferred_and_flagged_or_overridden(prefect_harness, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(PERIODS / "jishui-2020-06-synthetic-progress.txt", inbox)  # no manifest beside it
    wh = tmp_path / "data" / "warehouse.duckdb"
    res = ingest_report(paths=[str(inbox)], warehouse=str(wh))
    assert res.counts.reports_loaded == 1
    assert q(wh, "SELECT c.county_name, plan_year, as_of_date, period_type, metadata_source FROM dim_report JOIN dim_county c USING (county_key)") == [
        ("吉水县", 2020, date(2020, 6, 30), "quarterly", "inferred"),
    ]
    flagged = q(wh, "SELECT severity, message FROM dq_issue WHERE rule = 'metadata.inferred' ORDER BY message")
    assert [f[1].split(" = ")[0] for f in flagged] == ["as_of", "county", "period_type", "plan_year"]
    assert {f[0] for f in flagged} == {"warning"}
    assert "截止2020年6月底" in flagged[0][1]

    # overrides win over inference and nothing is flagged for them
    shutil.copy(PERIODS / "jishui-2021-synthetic-plan.txt", inbox)  # no manifest beside it either
    res = ingest_report(
        paths=[str(inbox / "jishui-2021-synthetic-plan.txt")], warehouse=str(wh),
        overrides={"county": "吉水县", "plan_year": 2021, "as_of": "2021-03-12", "period_type": "plan"},
    )
    assert res.counts.reports_loaded == 1
    assert q(wh, "SELECT as_of_date, period_type, metadata_source FROM dim_report WHERE plan_year = 2021") == [
        (date(2021, 3, 12), "plan", "override"),
    ]
    assert q(wh, "SELECT count(*) FROM dq_issue d JOIN dim_report r USING (report_key) WHERE r.plan_year = 2021 AND d.rule = 'metadata.inferred'") == [(0,)]
    bad = runner.invoke(app, ["ingest", str(PERIODS / "jishui-2021-synthetic-plan.txt"), "-w", str(wh), "--period-type", "weekly"])
    assert bad.exit_code == 2 and "got 'weekly'" in bad.output and "--period-type must be one of" in bad.output


def test_two_dated_columns_through_the_ingest_flow(prefect_harness, tmp_path):
    """The excerpt's two complete rows, one row per line (a layout the text reader reads), through the
    real flow: one report per dated column, two statuses per task."""
    from tests.helpers.history import chongchuan_records

    header = "序号 | 全年目标任务 | 分管领导 | 牵头单位 | 责任主体与协同单位 | 1-10月推进情况 | 1-11月推进情况 | 是否达序 | 说明 |"
    lines = ["2023年区政府重点民生实事项目推进情况(1-11月)", header]
    for r in chongchuan_records():
        cells = [str(r.seq), r.task_text, *r.leaders, *r.lead_units, "、".join(r.co_units),
                 r.progress[0]["text"], r.progress[1]["text"], r.status_raw or "", r.note or ""]
        lines.append(" | ".join(cells) + " |")
    path = tmp_path / "chongchuan-2023-11-rows-per-line.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    wh = tmp_path / "data" / "warehouse.duckdb"
    res = ingest_report(paths=[str(path)], warehouse=str(wh),
                        overrides={"county": "崇川区", "plan_year": 2023, "as_of": "2023-11-30", "period_type": "monthly"})
    assert res.counts.reports_loaded == 1 and "1-10月推进情况 column (2023-10-31)" in res.files[0].message
    assert q(wh, "SELECT as_of_date, progress_column FROM dim_report ORDER BY as_of_date") == [
        (date(2023, 10, 31), "1-10月推进情况"), (date(2023, 11, 30), "1-11月推进情况"),
    ]
    assert q(wh, "SELECT seq, count(*), list(explicit_status ORDER BY as_of_date) FROM v_status_history h "
                 "JOIN fct_task_progress f USING (report_key, task_key) GROUP BY seq ORDER BY seq") == [
        (24, 2, [None, "是"]), (25, 2, [None, "否"]),
    ]
