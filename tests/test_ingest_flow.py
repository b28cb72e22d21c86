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
from tests.conftest import REFERENCE, ROOT, SAMPLES
from tests.test_load import table_checksums

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
    from tests.test_load import make_load
    from warehouse.db import connect
    from warehouse.loader import load_report

    con = connect(wh)
    load_report(con, make_load(REFERENCE.read_bytes()))
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
