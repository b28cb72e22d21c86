"""The real `ingest_report` Prefect flow (test harness server) and the CLI around it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from flows.ingest import ingest_report
from flows.pipeline import RunFailed
from scripts.gen_corpus import write_corpus
from tests.helpers import REFERENCE, ROOT, SAMPLES, natural_content, table_checksums

LUOSHI = [sys.executable, "-m", "cli.main"]


def test_flow_ingests_reference_and_rerun_is_a_noop(prefect_harness, warehouse_path):
    result = ingest_report(paths=[str(REFERENCE)], warehouse=str(warehouse_path), manifest=str(SAMPLES / "sources.yaml"))
    assert result.outcome == "success"
    assert result.counts.tasks_loaded == 130
    con = duckdb.connect(str(warehouse_path), read_only=True)
    row = con.execute(
        "SELECT c.county_name, c.province, r.plan_year, r.as_of_date::VARCHAR, r.period_type, r.metadata_source, r.raw_path, r.sha256 "
        "FROM dim_report r JOIN dim_county c USING (county_key)"
    ).fetchone()
    assert row[:6] == ("吉水县", "江西省", 2020, "2020-11-30", "year_end", "manifest")
    # the raw file is archived by sha256 and byte-identical
    raw = Path(row[6])
    assert raw.name.startswith(row[7]) and raw.read_bytes() == REFERENCE.read_bytes()
    runs = con.execute("SELECT outcome, reports_loaded, tasks_loaded FROM etl_run WHERE flow_name = 'ingest_report'").fetchall()
    assert runs == [("success", 1, 130)]
    con.close()

    before = table_checksums(warehouse_path)
    again = ingest_report(paths=[str(REFERENCE)], warehouse=str(warehouse_path), manifest=str(SAMPLES / "sources.yaml"))
    assert again.outcome == "noop" and again.counts.reports_skipped == 1
    assert table_checksums(warehouse_path) == before  # every table but the run log
    con = duckdb.connect(str(warehouse_path), read_only=True)
    assert con.execute("SELECT outcome FROM etl_run WHERE flow_name = 'ingest_report' ORDER BY run_key").fetchall() == [
        ("success",),
        ("noop",),
    ]
    con.close()


def test_flow_without_manifest_infers_and_flags_metadata(prefect_harness, warehouse_path, tmp_path):
    lonely = tmp_path / "inbox" / "report.txt"
    lonely.parent.mkdir()
    shutil.copy(REFERENCE, lonely)
    result = ingest_report(paths=[str(lonely)], warehouse=str(warehouse_path))
    assert result.outcome == "success"
    con = duckdb.connect(str(warehouse_path), read_only=True)
    meta = con.execute(
        "SELECT c.county_name, r.plan_year, r.as_of_date::VARCHAR, r.metadata_source FROM dim_report r JOIN dim_county c USING (county_key)"
    ).fetchone()
    assert meta == ("吉水县", 2020, "2020-11-30", "inferred")
    flagged = {m.split(" = ")[0] for (m,) in con.execute("SELECT message FROM dq_issue WHERE rule = 'metadata.inferred'").fetchall()}
    assert {"county", "plan_year", "as_of", "period_type"} <= flagged
    con.close()


def test_flow_rejects_a_prose_file_and_keeps_its_raw_copy(prefect_harness, warehouse_path, tmp_path):
    prose = tmp_path / "notice.txt"
    prose.write_text("关于做好2020年政府工作报告落实的通知\n各乡镇、县直各单位:请认真落实。\n", encoding="utf-8")
    with pytest.raises(RunFailed) as failed:
        ingest_report(paths=[str(prose)], warehouse=str(warehouse_path),
                      overrides={"county": "吉水县", "plan_year": 2020, "as_of": "2020-11-30", "period_type": "monthly"})
    result = failed.value.result
    assert result.outcome == "failed"
    msg = result.files[0].message
    assert "notice.txt" in msg and "not a task table" in msg
    con = duckdb.connect(str(warehouse_path), read_only=True)
    assert con.execute("SELECT count(*) FROM dim_report").fetchone()[0] == 0
    raw_path, reason = con.execute("SELECT raw_path, reason FROM quarantine").fetchone()
    assert Path(raw_path).read_bytes() == prose.read_bytes() and "not a task table" in reason
    con.close()


def run_cli(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([*LUOSHI, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)
    if check and proc.returncode != 0:
        raise AssertionError(proc.stderr)
    return proc


def test_extract_jsonl_prints_one_record_per_task_and_writes_nothing(tmp_path):
    proc = run_cli("extract", str(REFERENCE), "--jsonl")
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(records) == 130
    first = records[0]
    for key in ("table_no", "table_title", "part", "section", "seq", "project", "task_text", "leaders", "lead_units",
                "units", "co_units", "deadline", "progress", "status", "status_evidence", "status_confidence",
                "targets", "actuals", "line_start", "line_end"):
        assert key in first, key
    r = next(x for x in records if x["table_no"] == 2 and x["seq"] == 84)
    assert r["leaders"] == ["吴文强"] and r["units"] == ["县政务服务办", "县行政服务中心"]
    assert (r["line_start"], r["line_end"]) == (116, 118)
    assert not (ROOT / "tmp").exists()


@pytest.fixture(scope="module")
def loaded_warehouse(tmp_path_factory) -> Path:
    wh = tmp_path_factory.mktemp("cli") / "w.duckdb"
    from tests.helpers import make_load
    from warehouse.db import connect
    from warehouse.loader import load_reports

    con = connect(wh)
    load_reports(con, [make_load(REFERENCE.read_bytes())])
    con.close()
    return wh


def test_sql_reads_and_refuses_writes(loaded_warehouse):
    proc = run_cli("sql", "SELECT count(*) AS n FROM dim_task", "--warehouse", str(loaded_warehouse), "--format", "csv")
    assert proc.stdout.splitlines() == ["n", "130"]
    proc = run_cli("sql", "SELECT seq, task_text FROM dim_task WHERE table_no = 1 AND seq = 1", "-w", str(loaded_warehouse), "-f", "json")
    assert json.loads(proc.stdout)[0]["task_text"].startswith("推动义务教育基本均衡")
    for stmt in ("DELETE FROM dim_task", "SELECT 1; DROP TABLE dim_task", "COPY dim_task TO 'x.csv'", "ATTACH 'other.duckdb'"):
        bad = run_cli("sql", stmt, "-w", str(loaded_warehouse), check=False)
        assert bad.returncode == 2 and "read-only" in bad.stderr, stmt
    outside = run_cli("sql", "SELECT * FROM read_csv('/etc/hostname')", "-w", str(loaded_warehouse), check=False)
    assert outside.returncode == 1 and "disabled" in outside.stderr
    con = duckdb.connect(str(loaded_warehouse), read_only=True)
    assert con.execute("SELECT count(*) FROM dim_task").fetchone()[0] == 130
    con.close()


def test_flow_ingests_batches_quarantines_the_bad_one_and_reruns_as_noop(prefect_harness, tmp_path):
    from flows.ingest import ingest_report

    corpus = tmp_path / "inbox"
    write_corpus(corpus, 5, ("text",), per_dir=5)
    prose = corpus / "batch-0000" / "synthetic-notice.txt"
    prose.write_text("关于做好政府工作报告落实的通知(合成测试数据)\n各乡镇、县直各单位:请认真落实。\n", encoding="utf-8")
    wh = tmp_path / "data" / "warehouse.duckdb"
    result = ingest_report(paths=[str(corpus)], warehouse=str(wh), batch_size=2)
    assert result.outcome == "partial"
    assert (result.counts.files_seen, result.counts.reports_loaded, result.counts.reports_failed) == (6, 5, 1)
    rejected = [r for r in result.files if r.outcome == "rejected"]
    assert len(rejected) == 1 and "synthetic-notice.txt" in rejected[0].message and "not a task table" in rejected[0].message
    con = duckdb.connect(str(wh), read_only=True)
    assert con.execute("SELECT count(*), sum(task_count) FROM dim_report").fetchone() == (5, 650)
    assert con.execute("SELECT count(*) FROM fct_task_progress").fetchone()[0] == 650
    assert con.execute("SELECT count(*) FROM quarantine WHERE source_file LIKE '%synthetic-notice.txt'").fetchone()[0] == 1
    con.close()
    before = natural_content(wh)

    again = ingest_report(paths=[str(corpus)], warehouse=str(wh), batch_size=2)
    assert again.counts.reports_loaded == 0 and again.counts.reports_skipped == 5
    assert natural_content(wh) == before
    con = duckdb.connect(str(wh), read_only=True)
    assert con.execute("SELECT outcome, reports_loaded, reports_skipped FROM etl_run ORDER BY run_key").fetchall() == [
        ("partial", 5, 0),
        ("partial", 0, 5),
    ]
    con.close()


def test_flow_keeps_report_versions_and_refuses_an_earlier_one_unless_forced(prefect_harness, warehouse_path, tmp_path):
    """A corrected sample: the flow adds it as version 2; the original file again is refused with a
    finding; with force it is current again."""
    manifest = str(SAMPLES / "sources.yaml")
    corrected = tmp_path / "corrected" / REFERENCE.name  # same name: the same manifest entry
    corrected.parent.mkdir()
    corrected.write_bytes(REFERENCE.read_bytes().replace("新增义务教育学位5500个".encode(), "新增义务教育学位5600个".encode()))
    assert ingest_report(paths=[str(REFERENCE)], warehouse=str(warehouse_path), manifest=manifest).counts.reports_loaded == 1
    second = ingest_report(paths=[str(corrected)], warehouse=str(warehouse_path), manifest=manifest)
    assert [r.outcome for r in second.files] == ["new_version"] and second.counts.reports_loaded == 1

    def state() -> tuple[list[tuple], str, list[tuple]]:
        con = duckdb.connect(str(warehouse_path), read_only=True)
        try:
            versions = con.execute("SELECT version, is_current FROM dim_report ORDER BY version").fetchall()
            text = con.execute("SELECT progress_text FROM v_task_latest WHERE table_no = 1 AND seq = 1").fetchone()[0]
            findings = con.execute(
                "SELECT r.version, d.rule FROM dq_issue d JOIN dim_report r USING (report_key) WHERE d.stage = 'report' ORDER BY 1, 2"
            ).fetchall()
            return versions, text, findings
        finally:
            con.close()

    versions, text, findings = state()
    assert versions == [(1, False), (2, True)] and "5600个" in text and findings == [(2, "report.new_version")]

    refused = ingest_report(paths=[str(REFERENCE)], warehouse=str(warehouse_path), manifest=manifest)
    assert [r.outcome for r in refused.files] == ["refused"]
    assert refused.counts.reports_loaded == 0 and refused.counts.reports_skipped == 1
    versions, text, findings = state()
    assert versions == [(1, False), (2, True)] and "5600个" in text
    assert findings == [(1, "report.old_version_refused"), (2, "report.new_version")]

    forced = ingest_report(paths=[str(REFERENCE)], warehouse=str(warehouse_path), manifest=manifest, force=True)
    assert [r.outcome for r in forced.files] == ["reinstated"] and forced.counts.reports_loaded == 1
    versions, text, findings = state()
    assert versions == [(1, True), (2, False)] and "5500个" in text
    assert (1, "report.version_reinstated") in findings
