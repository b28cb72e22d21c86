"""The `inbox` flow on the real sample report (test harness server, real DuckDB file)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.error
from datetime import date
from pathlib import Path

import duckdb
import pytest
from prefect.states import Failed

from flows.inbox import inbox
from flows.pipeline import RunFailed, _fetch_failure, is_io_error
from scripts.gen_corpus import write_corpus
from sources.inbox import InboxError, discover
from tests.helpers import REFERENCE, natural_content
from warehouse.db import WarehouseBusy

ENTRY = """  - file: {name}
    county: 吉水县
    province: 江西省
    prefecture: 吉安市
    plan_year: 2020
    as_of: {as_of}
    period_type: {period}
"""


def write_inbox(root: Path) -> Path:
    """The year-end reference report, a synthetic mid-year copy, a prose notice, a file whose
    manifest entry is wrong; the mid-year copy is listed by a path outside the inbox."""
    inbox_dir = root / "inbox"
    elsewhere = root / "elsewhere"
    inbox_dir.mkdir()
    elsewhere.mkdir()
    shutil.copy(REFERENCE, inbox_dir / REFERENCE.name)
    (elsewhere / "jishui-2020-progress-synthetic-midyear.txt").write_bytes(REFERENCE.read_bytes() + b"\n")
    (inbox_dir / "notice.txt").write_text("关于做好2020年政府工作报告落实的通知\n请认真落实。\n", encoding="utf-8")
    (inbox_dir / "bad-entry.txt").write_bytes(REFERENCE.read_bytes() + b"\n\n")
    (inbox_dir / "sources.yaml").write_text(
        "reports:\n"
        + ENTRY.format(name=REFERENCE.name, as_of="2020-11-30", period="year_end")
        + ENTRY.format(name="../elsewhere/jishui-2020-progress-synthetic-midyear.txt", as_of="2020-06-30", period="monthly")
        + ENTRY.format(name="bad-entry.txt", as_of="2020-10-31", period="weekly")
        + ENTRY.format(name="not-arrived-yet.txt", as_of="2020-12-31", period="year_end"),
        encoding="utf-8",
    )
    return inbox_dir


def test_discover_finds_folder_files_manifest_files_and_urls(tmp_path):
    inbox_dir = write_inbox(tmp_path)
    with (inbox_dir / "sources.yaml").open("a", encoding="utf-8") as fh:
        fh.write("  - url: ftp://example.invalid/report.txt\n  - url: https://example.invalid/a.txt\n    county: 吉水县\n")
    sources, missing = discover(str(inbox_dir))
    got = [(s.kind, Path(s.location).name if s.kind == "file" else s.location, bool(s.entry)) for s in sources]
    assert got == [
        ("file", REFERENCE.name, True),
        ("file", "jishui-2020-progress-synthetic-midyear.txt", True),
        ("file", "bad-entry.txt", True),
        ("url", "https://example.invalid/a.txt", True),
        ("file", "notice.txt", False),  # in the folder, not in the manifest
    ]
    assert [(Path(m.location).name, m.outcome) for m in missing] == [("not-arrived-yet.txt", "missing"), ("report.txt", "failed")]
    assert "only http(s)" in missing[1].message
    with pytest.raises(InboxError, match="nowhere"):
        discover(str(tmp_path / "nowhere"))
    # a manifest that cannot be read is a failure naming it; the folder's files are still found (each
    # is then blocked by it, see tests/e2e/test_untrusted_input.py), nothing raises
    (inbox_dir / "sources.yaml").write_text("reports: {file: x}\n", encoding="utf-8")
    sources, missing = discover(str(inbox_dir))
    assert [(Path(m.location).name, m.outcome) for m in missing] == [("sources.yaml", "failed")]
    assert "sources.yaml: the manifest cannot be read: `reports:` must hold a list" in missing[0].message
    assert sorted(Path(s.location).name for s in sources) == sorted(["bad-entry.txt", "notice.txt", REFERENCE.name])


def test_retries_only_on_io_failures():
    def retried(exc: BaseException) -> bool:
        return _fetch_failure(None, None, Failed(data=exc))

    assert retried(urllib.error.HTTPError("http://x", 503, "busy", {}, None))  # type: ignore[arg-type]
    assert retried(urllib.error.HTTPError("http://x", 429, "slow down", {}, None))  # type: ignore[arg-type]
    assert not retried(urllib.error.HTTPError("http://x", 404, "gone", {}, None))  # type: ignore[arg-type]
    assert retried(urllib.error.URLError("connection refused"))
    assert retried(duckdb.IOException('IO Error: Could not set lock on file "w.duckdb": Conflicting lock is held'))
    assert retried(WarehouseBusy("w.duckdb is locked"))
    assert not retried(ValueError("period_type 'weekly' is not one of ..."))
    assert not retried(FileNotFoundError("gone.txt"))
    assert is_io_error(duckdb.IOException("Could not set lock on file"))
    assert not is_io_error(duckdb.IOException("Corrupt database file"))
    assert not is_io_error(KeyError("x"))


def test_inbox_loads_new_reports_oldest_first_quarantines_bad_ones_and_publishes(prefect_harness, tmp_path):
    inbox_dir = write_inbox(tmp_path)
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    state = inbox(inbox_dir=str(inbox_dir), warehouse=str(warehouse), return_state=True)
    # a partial run is visible as such: its final state is named Partial
    assert state.is_completed() and state.name == "Partial" and "2 file(s) rejected" in state.message
    result = state.result()
    by_file = {Path(r.file).name: r for r in result.files}
    assert result.outcome == "partial"
    assert (result.counts.reports_loaded, result.counts.reports_failed, result.counts.tasks_loaded) == (2, 2, 260)
    assert by_file["notice.txt"].outcome == "rejected" and "not a task table" in by_file["notice.txt"].message
    assert by_file["bad-entry.txt"].outcome == "rejected" and "weekly" in by_file["bad-entry.txt"].message
    assert by_file["not-arrived-yet.txt"].outcome == "missing"

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        # loaded in as-of order: the mid-year report first although the year-end one was listed first
        assert con.execute("SELECT as_of_date::VARCHAR, file_name FROM dim_report ORDER BY report_key").fetchall() == [
            ("2020-06-30", "jishui-2020-progress-synthetic-midyear.txt"),
            ("2020-11-30", REFERENCE.name),
        ]
        assert sorted(Path(r[0]).name for r in con.execute("SELECT source_file FROM quarantine").fetchall()) == [
            "bad-entry.txt", "notice.txt"
        ]
        run = con.execute("SELECT flow_name, outcome, files_seen, reports_loaded, reports_failed, message FROM etl_run WHERE flow_name <> 'link_tasks'").fetchone()
        assert run[:5] == ("inbox", "partial", 4, 2, 2)
        assert "notice.txt" in run[5] and "not-arrived-yet.txt" in run[5]
        keys = [r[0] for r in con.execute("SELECT report_key FROM dim_report ORDER BY report_key").fetchall()]
        # every step after the load finished for both reports
        assert con.execute("SELECT step, list(report_key ORDER BY report_key) FROM report_step GROUP BY step ORDER BY step").fetchall() == [
            (step, keys) for step in ("check", "link", "publish", "report")
        ]
    finally:
        con.close()
    # the steps after the load ran in order, on what was loaded
    assert [(s.step, s.outcome) for s in result.steps] == [("link", "done"), ("check", "done"), ("report", "done"), ("publish", "done")]
    assert result.step("check").counts["reports_checked"] == 2 and result.step("check").counts["checks_run"] > 10
    # the analysts' copy holds the whole run
    assert result.published.reports == 2
    pub = duckdb.connect(result.published.path, read_only=True)
    try:
        assert pub.execute("SELECT outcome FROM etl_run WHERE flow_name <> 'link_tasks'").fetchall() == [("partial",)]
    finally:
        pub.close()
    # the rejected file of the inbox folder moved to rejected/DAY/; files the manifest names stay
    day = date.today().isoformat()
    assert (inbox_dir / "rejected" / day / "notice.txt").is_file() and not (inbox_dir / "notice.txt").exists()
    assert (inbox_dir / REFERENCE.name).is_file() and (inbox_dir / "bad-entry.txt").is_file()

    # the same inbox again: nothing new, quarantined files are not retried, nothing re-linked,
    # re-checked or re-published (the run still writes its own quality report)
    again = inbox(inbox_dir=str(inbox_dir), warehouse=str(warehouse))
    assert again.outcome == "noop" and again.counts.reports_skipped == 3
    assert "quarantined earlier" in {Path(r.file).name: r for r in again.files}["bad-entry.txt"].message
    assert [(s.step, s.outcome) for s in again.steps] == [("link", "skipped"), ("check", "skipped"), ("report", "done"), ("publish", "skipped")]


def test_inbox_outcome_is_a_prefect_artifact(prefect_harness, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    inbox_dir = tmp_path / "inbox"
    inbox_dir.mkdir()
    shutil.copy(REFERENCE, inbox_dir / "report.txt")
    state = inbox(inbox_dir=str(inbox_dir), warehouse=str(tmp_path / "w" / "warehouse.duckdb"), return_state=True)
    assert state.is_completed() and state.name == "Completed"
    with get_client(sync_client=True) as client:
        arts = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["luoshi-inbox"])))
    (art,) = [a for a in arts if a.flow_run_id == state.state_details.flow_run_id]
    assert "inbox: success" in art.data and "report.txt" in art.data and "| loaded | 130 |" in art.data
    # a file of the inbox folder (no manifest names it) moved to done/DAY/ once loaded
    assert (inbox_dir / "done" / date.today().isoformat() / "report.txt").is_file() and not (inbox_dir / "report.txt").exists()


def test_a_run_where_every_file_fails_is_a_failed_flow_run(prefect_harness, tmp_path):
    inbox_dir = tmp_path / "inbox"
    inbox_dir.mkdir()
    (inbox_dir / "notice.txt").write_text("通知\n", encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    state = inbox(inbox_dir=str(inbox_dir), warehouse=str(warehouse), return_state=True)
    assert state.is_failed() and "notice.txt" in state.message
    with pytest.raises(RunFailed):
        state.result()
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert con.execute("SELECT outcome, reports_failed FROM etl_run WHERE flow_name <> 'link_tasks'").fetchall() == [("failed", 1)]
        assert con.execute("SELECT count(*) FROM dim_report").fetchone()[0] == 0
    finally:
        con.close()
    assert not (tmp_path / "published").exists()  # nothing published from a failed run


HOLD_LOCK = r"""
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def test_inbox_waits_for_another_writer_instead_of_failing(prefect_harness, tmp_path):
    inbox_dir = tmp_path / "inbox"
    inbox_dir.mkdir()
    shutil.copy(REFERENCE, inbox_dir / REFERENCE.name)
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    warehouse.parent.mkdir(parents=True)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(warehouse), "3"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        t0 = time.monotonic()
        result = inbox(inbox_dir=str(inbox_dir), warehouse=str(warehouse), post_ingest=False)
        waited = time.monotonic() - t0
    finally:
        holder.wait(timeout=30)
    assert holder.returncode == 0
    assert result.outcome == "success" and result.counts.tasks_loaded == 130
    assert waited > 1.0  # it really had to wait for the lock


def test_inbox_parsing_on_two_dask_workers_loads_what_one_process_loads(prefect_harness, tmp_path):
    """workers=2: the parse batches run on a local Dask cluster, the flow's process loads them."""
    from flows.inbox import inbox

    corpus = tmp_path / "inbox"
    write_corpus(corpus, 6, ("text",), per_dir=3)  # two sub-folders, each with its own sources.yaml
    plain, dask = tmp_path / "plain" / "w.duckdb", tmp_path / "dask" / "w.duckdb"
    one = inbox(inbox_dir=str(corpus), warehouse=str(plain), batch_size=2, post_ingest=False)
    two = inbox(inbox_dir=str(corpus), warehouse=str(dask), batch_size=2, workers=2, post_ingest=False)
    assert one.counts.reports_loaded == two.counts.reports_loaded == 6 and two.outcome == "success"
    a, b = natural_content(plain), natural_content(dask)
    assert len(a["progress"]) == 6 * 130 and a == b
    # metadata came from the manifests in the sub-folders, not from inference
    con = duckdb.connect(str(dask), read_only=True)
    assert con.execute("SELECT DISTINCT metadata_source FROM dim_report").fetchall() == [("manifest",)]
    con.close()


HOLD_SLOT = r"""
import logging, sys, time
from flows.pipeline import writer_slot
with writer_slot(60, logging.getLogger("holder")):
    print("held", flush=True)
    time.sleep(float(sys.argv[1]))
"""


def test_a_run_waiting_for_the_writer_slot_says_so(prefect_harness, tmp_path, caplog):
    import logging
    import os

    from prefect.settings import PREFECT_API_URL

    inbox_dir = tmp_path / "inbox"
    inbox_dir.mkdir()
    shutil.copy(REFERENCE, inbox_dir / REFERENCE.name)
    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value())}
    holder = subprocess.Popen([sys.executable, "-c", HOLD_SLOT, "6"], stdout=subprocess.PIPE, text=True, env=env)
    caplog.set_level(logging.INFO, logger="prefect.flow_runs")
    try:
        assert holder.stdout.readline().strip() == "held"
        result = inbox(inbox_dir=str(inbox_dir), warehouse=str(tmp_path / "w.duckdb"), post_ingest=False)
    finally:
        holder.wait(timeout=60)
    assert result.outcome == "success"
    messages = [r.getMessage() for r in caplog.records]
    assert any("waiting for the writer slot luoshi-warehouse-writer" in m for m in messages), messages
    assert any(m.startswith("got the writer slot luoshi-warehouse-writer after waiting") for m in messages), messages
