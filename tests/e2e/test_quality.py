"""The `quality` flow end to end: a broken fixture's findings, rollback on an error-level check, the
HTML report in headless Chromium, `luoshi report`, the Prefect artifact and GX Data Docs."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.helpers import FIXTURES, ROOT, TABLES, browser, make_load

BROKEN_DIR = FIXTURES / "quality"
BROKEN = BROKEN_DIR / "broken-report.txt"
ALL_TABLES = [*TABLES, "etl_run", "quarantine"]
CONTENT_TABLES = [t for t in TABLES if t != "dq_issue"]


def checksums(path: Path, tables: list[str]) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent hash of every column of each table."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        out = {}
        for t in tables:
            cols = [r[0] for r in con.execute(f"DESCRIBE {t}").fetchall()]
            out[t] = con.execute(f"SELECT count(*), coalesce(sum(hash({', '.join(cols)})), 0)::VARCHAR FROM {t}").fetchone()
        return out
    finally:
        con.close()


def force_error_check(monkeypatch: pytest.MonkeyPatch, tmp: Path, sql_text: str) -> None:
    """Add an error-level invariant (a copy of warehouse/checks plus one more) for one test."""
    import warehouse.loader as loader

    checks = tmp / "checks"
    checks.mkdir(exist_ok=True)
    for p in loader.check_files():
        shutil.copyfile(p, checks / p.name)
    (checks / "zz_forced.sql").write_text(f"-- severity: error\n{sql_text}\n", encoding="utf-8")
    monkeypatch.setattr(loader, "CHECKS_DIR", checks)


@pytest.fixture(scope="module")
def runs(prefect_harness, tmp_path_factory):
    """Two ingestion runs into one warehouse: the broken fixture; then a changed copy of it that an
    error-level check refuses (warehouse checksummed around it)."""
    from flows.ingest import ingest_report
    from flows.pipeline import RunFailed

    tmp = tmp_path_factory.mktemp("quality")
    wh = tmp / "data" / "warehouse.duckdb"
    inbox = tmp / "inbox"
    shutil.copytree(BROKEN_DIR, inbox)
    first = ingest_report(paths=[str(inbox / BROKEN.name)], warehouse=str(wh))
    changed = inbox / "broken-report-v2.txt"
    changed.write_text(BROKEN.read_text(encoding="utf-8").replace("改善养老服务", "改善养老服务（第二版）"), encoding="utf-8")
    before = checksums(wh, CONTENT_TABLES)
    mp = pytest.MonkeyPatch()
    try:
        force_error_check(mp, tmp, "SELECT report_key FROM dim_report WHERE as_of_date = DATE '2021-01-31';")
        try:
            ingest_report(
                paths=[str(changed)], warehouse=str(wh),
                overrides={"county": "吉水县", "plan_year": 2020, "as_of": "2021-01-31", "period_type": "monthly"},
            )
        except RunFailed as exc:  # its only file was refused
            second = exc.result
    finally:
        mp.undo()
    after = checksums(wh, CONTENT_TABLES)
    return {"wh": wh, "runs": [first, second], "before": before, "after": after}


def rows(wh: Path, query: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(wh), read_only=True)
    try:
        return con.execute(query, params or []).fetchall()
    finally:
        con.close()


def test_broken_fixture_produces_the_expected_findings(runs):
    wh = runs["wh"]
    second = runs["runs"][0]
    assert second.outcome == "success" and second.counts.tasks_loaded == 9  # 10 rows: 序号 3 repeated, 5 without task text
    found = rows(wh, "SELECT rule, severity, seq, mapping_file, message FROM dq_issue WHERE run_key = ? ORDER BY rule, seq",
                 [second.run_key])
    by_rule: dict[str, list[tuple]] = {}
    for f in found:
        by_rule.setdefault(f[0], []).append(f)
    assert [(f[1], f[2]) for f in by_rule["layout.duplicate_seq"]] == [("error", "3")]
    assert [(f[1], f[2]) for f in by_rule["raw.RawTaskRow.task_text"]] == [("error", "5")]
    # the unknown header 督办意见 takes the role its cells show (按期推进: a status), with a finding
    header = by_rule["layout.role_from_cells"]
    assert len(header) == 1 and header[0][3] == "schemas/mappings/headers.yaml" and "督办意见" in header[0][4]
    units = {f[4] for f in by_rule["check.unit_type_unknown"] if f[3] == "schemas/mappings/units.yaml"}
    assert any("蓝天志愿者协会" in m for m in units)
    assert any("<script>alert(1)<" in m for m in units)  # the planted cell reached the warehouse as text
    assert by_rule["repair.leader_spacing"]  # 吴 诚 in rows 7 and 8


def test_error_level_failure_leaves_the_warehouse_as_before(runs):
    third = runs["runs"][1]
    assert third.outcome == "failed" and third.counts.reports_failed == 1
    assert "zz_forced" in third.files[0].message
    assert runs["after"] == runs["before"]  # every content table, checksummed
    q = rows(runs["wh"], "SELECT source_file, reason FROM quarantine WHERE run_key = ?", [third.run_key])
    assert len(q) == 1 and q[0][0].endswith("broken-report-v2.txt") and "zz_forced" in q[0][1]


def test_error_check_rolls_back_every_table_at_the_loader(warehouse_path, reference_bytes, monkeypatch, tmp_path):
    """Loader level: nothing at all changes, bookkeeping tables included."""
    from warehouse.db import connect
    from warehouse.loader import LoadRejected, load_reports

    con = connect(warehouse_path)
    load_reports(con, [make_load(reference_bytes)])
    con.close()
    before = checksums(warehouse_path, ALL_TABLES)
    force_error_check(monkeypatch, tmp_path, "SELECT report_key FROM dim_report WHERE as_of_date = DATE '2020-12-31';")
    other = make_load(BROKEN.read_bytes(), BROKEN.name)
    other.as_of = date(2020, 12, 31)
    con = connect(warehouse_path)
    assert isinstance(load_reports(con, [other])[0], LoadRejected)
    con.close()
    assert checksums(warehouse_path, ALL_TABLES) == before


def test_html_report_lists_what_a_reviewer_acts_on(runs):
    path = Path(runs["runs"][0].report)
    assert path.exists() and path.parent == runs["wh"].parent / "reports"
    page = path.read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;" in page
    for text in ("吉水县", "Rows quarantined (not loaded) (2)", "layout.duplicate_seq", "raw.RawTaskRow.task_text",
                 "schemas/mappings/headers.yaml", "schemas/mappings/units.yaml", "蓝天志愿者协会", "Repairs made",
                 "repair.leader_spacing", "History across runs", "Data Docs"):
        assert text in page, text
    # the failed run lists the rejected file and its reason
    third = Path(runs["runs"][1].report).read_text(encoding="utf-8")
    assert "Rejected files (1)" in third and "broken-report-v2.txt" in third and "zz_forced" in third
    # history covers both runs
    assert all(f"run {k}" in third for k in (1, 2))


def test_great_expectations_ran_and_built_data_docs(runs):
    gx_root = runs["wh"].parent / "gx"
    assert (gx_root / "uncommitted" / "data_docs" / "local_site" / "index.html").exists()
    validations = list((gx_root / "uncommitted" / "validations").rglob("*.json"))
    assert len(validations) == 5  # five suites, one run that loaded a report (the refused one changed nothing)
    assert not (ROOT / "schemas" / "gx" / "uncommitted").exists()


def test_artifact_of_the_run(runs):
    from prefect.artifacts import Artifact

    art = Artifact.get("luoshi-quality-report")
    assert art is not None and re.fullmatch(r"[a-z0-9-]+", art.key)
    assert "quality-run-2.html" in str(art.data)


def test_luoshi_report_regenerates_from_the_warehouse(runs, tmp_path):
    from typer.testing import CliRunner

    from cli.main import app

    out = tmp_path / "again.html"
    res = CliRunner().invoke(app, ["report", "--warehouse", str(runs["wh"]), "--run", "1", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert str(out) in res.output
    page = out.read_text(encoding="utf-8")
    assert "蓝天志愿者协会" in page and "&lt;script&gt;alert(1)&lt;" in page
    res = CliRunner().invoke(app, ["report", "--warehouse", str(tmp_path / "none.duckdb")])
    assert res.exit_code == 2


@pytest.mark.slow
@pytest.mark.skipif(browser.chromium() is None, reason="chromium is not installed (make test installs it)")
def test_flow_report_in_chromium(runs, tmp_path):
    page = Path(runs["runs"][0].report)
    dom = browser.dump_dom(page)
    assert "<script" not in dom.lower()
    assert "&lt;script&gt;alert(1)&lt;" in dom
    title = re.search(r"<title>(.*?)</title>", dom, re.S).group(1)
    assert "数据质量报告" in title
    for text in ("吉水县", "蓝天志愿者协会", "Status distribution per report", "无法判断"):
        assert text in dom
    png = browser.screenshot(page, tmp_path / "flow.png")
    assert browser.non_blank_fraction(png) > 0.03


def test_expectations_of_a_large_run_validate_its_latest_reports(tmp_path, monkeypatch):
    from flows import quality as q
    from tests.helpers import synthetic_loads
    from warehouse.db import connect
    from warehouse.loader import load_reports, start_run

    wh = tmp_path / "w.duckdb"
    con = connect(wh)
    run_key = start_run(con, "test", None)
    load_reports(con, synthetic_loads([0, 1, 2]), run_key)
    con.close()
    cfg = q.quality_config()
    monkeypatch.setattr(q, "quality_config", lambda: {**cfg, "gx": {**(cfg.get("gx") or {}), "max_reports": 2}})
    out = q.run_expectations(str(wh), q.run_report_keys(str(wh), run_key))
    sampled = [f for f in out["findings"] if f["rule"] == "gx.sampled"]
    assert len(sampled) == 1 and "latest 2 of the run's 3 reports" in sampled[0]["message"], out["findings"]
    assert out["evaluated"] > 0 and out["suites"] >= 4


def test_expectation_frames_hold_only_the_validated_reports(tmp_path):
    """The frames Great Expectations validates do not grow with the warehouse: dim_report and
    dim_task hold only the validated reports' rows, the facts only theirs."""
    from flows import quality as q
    from tests.helpers import synthetic_loads
    from warehouse.db import connect
    from warehouse.loader import load_reports

    wh = tmp_path / "w.duckdb"
    con = connect(wh)
    one = [load_reports(con, synthetic_loads([0, 500, 1000]))[0].report_key]
    frames = q.gx_frames(con, one)
    tasks_of_one = con.execute(
        "SELECT count(DISTINCT task_key) FROM fct_task_progress WHERE report_key = $k", {"k": one[0]}
    ).fetchone()[0]
    all_tasks = con.execute("SELECT count(*) FROM dim_task").fetchone()[0]
    con.close()
    assert sorted(frames["dim_report"]["report_key"]) == one
    assert len(frames["dim_task"]) == tasks_of_one and 0 < tasks_of_one < all_tasks
    assert set(frames["fct_task_progress"]["report_key"]) == set(one)


def test_report_of_a_large_run_lists_the_most_serious_reports_and_counts_all(tmp_path, monkeypatch):
    """Past report.reports_detailed, the findings are kept for the most serious reports only
    (read a chunk at a time), while every report keeps exactly the summary it has uncapped."""
    import render.quality_report as qr
    from render.quality_html import render_report
    from tests.helpers import synthetic_loads
    from warehouse.db import connect
    from warehouse.loader import load_reports, start_run

    def quarantine_a_row(text: str) -> str:  # a row whose task text is one character
        lines = text.split("\n")
        lines[2] = lines[2].split(" | ")[0] + " | 推 | " + " | ".join(lines[2].split(" | ")[2:])
        return "\n".join(lines)

    wh = tmp_path / "w.duckdb"
    con = connect(wh)
    run_key = start_run(con, "test", None)
    load_reports(con, synthetic_loads([0, 2]) + synthetic_loads([5], quarantine_a_row), run_key)
    con.close()
    con = connect(wh, read_only=True)
    try:
        full = qr.report_data(con, run_key)
        cfg = qr.quality_config()
        monkeypatch.setattr(qr, "quality_config", lambda: {**cfg, "report": {**(cfg.get("report") or {}), "reports_detailed": 1}})
        capped = qr.report_data(con, run_key)
    finally:
        con.close()
    keys = [r["report_key"] for r in full["reports"]]
    assert len(keys) == 3 and full["detailed"] == set(keys)
    assert capped["summaries"] == full["summaries"]  # every report counted the same
    worst = [k for k in keys if full["summaries"][k]["quarantined_rows"]]
    assert len(worst) == 1 and capped["detailed"] == set(worst)  # the report with a quarantined row is listed
    assert {f["report_key"] for f in capped["findings"]} <= {*worst, None}
    assert len(capped["findings"]) < len(full["findings"])
    page = render_report(capped)
    assert f'id="report-{worst[0]}"' in page and sum(f'id="report-{k}"' in page for k in keys) == 1
    assert "the findings and the status chart below are those of the 1 most serious" in page
    assert page.count("<tr") >= 3  # each report still has its row in the summary table
