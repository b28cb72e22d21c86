"""Crash safety, the fast subset of `make chaos`: the real CLI killed with SIGKILL at two points.

Each kill runs `python -m cli.main ingest` in a child process with LUOSHI_FAULT set (the child
kills itself at that point, see warehouse/faults.py) against the session's Prefect test server. Then
the warehouse must pass every check in warehouse/checks/, hold each report entirely or not at all,
and the next run (the real flow, in this process) must end with exactly what a clean run leaves.
`make chaos` runs every kill point, concurrency and the full fuzzer (scripts/chaos.py).
"""

from __future__ import annotations

import shutil
import subprocess
import sys

from scripts import chaos
from tests.helpers import ROOT
from warehouse.faults import POINTS, fault_point


def run_child(code: str, fault: str | None) -> int:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=chaos.child_env(None, fault), timeout=60).returncode


def test_fault_point_is_inert_unless_named(monkeypatch):
    monkeypatch.delenv("LUOSHI_FAULT", raising=False)
    for p in POINTS:
        fault_point(p)  # no variable: nothing happens
    monkeypatch.setenv("LUOSHI_FAULT", "some-other-point")
    fault_point("mid-load")
    code = "from warehouse.faults import fault_point\nfor i in range(3):\n    print(i, flush=True)\n    fault_point('mid-load')\n"
    assert run_child(code, None) == 0
    assert run_child(code, "mid-load") == -9  # SIGKILL on the first hit
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=chaos.child_env(None, "archive,mid-load@3"), capture_output=True, text=True, timeout=60)
    assert proc.returncode == -9 and proc.stdout.split() == ["0", "1", "2"]  # the third hit, not before


def test_kill_inside_the_second_reports_transaction(golden, api_url, tmp_path):
    corpus, manifest, gold = golden
    wh = tmp_path / "data" / "warehouse.duckdb"
    files = [corpus / f for f in chaos.MAIN[:2]]
    proc = chaos.run_ingest(files, wh, manifest, api_url, fault="mid-load@2")
    assert proc.returncode == -9, proc.stderr[-2000:]

    after = chaos.read_state(wh)
    assert chaos.state_problems(after) == []
    first, second = (i for i in gold.main if "2020-09-30" in i), (i for i in gold.main if "2020-10-31" in i)
    first, second = next(first), next(second)
    assert after.reports == {first: gold.main[first]}  # the first whole, the second not at all
    assert after.quarantined == [] and after.interrupted_runs == 1

    from flows.ingest import ingest_report

    result = ingest_report(paths=[str(f) for f in files], warehouse=str(wh), manifest=str(manifest))
    assert [r.outcome for r in result.files] == ["skipped", "loaded"]
    final = chaos.read_state(wh)
    assert chaos.state_problems(final) == []
    assert final.reports == {first: gold.main[first], second: gold.main[second]}
    assert chaos.rows_missing({k: gold.main[k] for k in (first, second)}, final.reports) == 0


def test_kill_inside_a_batch_transaction_loses_the_whole_batch_and_the_next_run_loads_it(golden, api_url, tmp_path):
    corpus, manifest, gold = golden
    wh = tmp_path / "data" / "warehouse.duckdb"
    files = [corpus / f for f in chaos.MAIN]
    proc = chaos.run_ingest(files, wh, manifest, api_url, fault="mid-batch@1", batch_size=100)
    assert proc.returncode == -9, proc.stderr[-2000:]
    after = chaos.read_state(wh)
    assert chaos.state_problems(after) == []
    assert after.reports == {}  # one transaction for the batch: nothing of it committed

    from flows.ingest import ingest_report

    result = ingest_report(paths=[str(f) for f in files], warehouse=str(wh), manifest=str(manifest))
    assert [r.outcome for r in result.files] == ["loaded"] * len(files)
    final = chaos.read_state(wh)
    assert chaos.state_problems(final) == [] and final.reports == gold.main


def test_kill_during_the_checks_of_a_revision_keeps_the_earlier_version(golden, api_url, tmp_path):
    corpus, manifest, gold = golden
    wh_dir = tmp_path / "data"
    shutil.copytree(gold.warehouse_dir, wh_dir)
    wh = wh_dir / "warehouse.duckdb"
    # after the last warehouse check of the revised report, before its COMMIT
    proc = chaos.run_ingest([corpus / chaos.REVISED], wh, manifest, api_url, fault=f"checks@{chaos.n_error_checks()}")
    assert proc.returncode == -9, proc.stderr[-2000:]

    after = chaos.read_state(wh)
    assert chaos.state_problems(after) == []
    assert after.reports == gold.main  # the earlier version of 2020-11-30 is still there, entirely

    from flows.ingest import ingest_report

    result = ingest_report(paths=[str(corpus / chaos.REVISED)], warehouse=str(wh), manifest=str(manifest))
    assert [r.outcome for r in result.files] == ["new_version"]
    final = chaos.read_state(wh)
    assert chaos.state_problems(final) == []
    assert final.reports == gold.revised and gold.revised != gold.main


def test_kill_after_the_load_is_finished_by_the_next_run(golden, api_url, tmp_path):
    """Every report committed, then the process dies before links, checks, report and publish: the
    next run finds the hashes known but the steps pending, and finishes them."""
    import duckdb

    corpus, manifest, gold = golden
    wh = tmp_path / "data" / "warehouse.duckdb"
    files = [corpus / f for f in chaos.MAIN]
    proc = chaos.run_ingest(files, wh, manifest, api_url, fault="after-load@1")
    assert proc.returncode == -9, proc.stderr[-2000:]
    after = chaos.read_state(wh)
    assert after.reports == gold.main and after.interrupted_runs == 1
    assert not (wh.parent / "published").exists()  # nothing published yet

    from flows.ingest import ingest_report

    result = ingest_report(paths=[str(f) for f in files], warehouse=str(wh), manifest=str(manifest))
    assert [r.outcome for r in result.files] == ["skipped"] * len(files)
    assert [(s.step, s.outcome) for s in result.steps] == [("link", "done"), ("check", "done"), ("report", "done"), ("publish", "done")]
    assert result.step("check").counts["reports_checked"] == len(files)
    # the warehouse and its published copy are what a clean run leaves (all tables but the run log)
    assert chaos.contents_differ(chaos.table_contents(wh), gold.main_tables) == []
    assert chaos.contents_differ(chaos.table_contents(wh.parent / "published" / wh.name), gold.main_published) == []
    con = duckdb.connect(str(wh), read_only=True)
    try:
        outcomes = con.execute("SELECT outcome, message FROM etl_run ORDER BY run_key").fetchall()
    finally:
        con.close()
    assert [o for o, _ in outcomes] == ["crashed", "noop"]
    assert "did not finish" in outcomes[0][1]
