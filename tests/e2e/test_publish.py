"""The analysts' read-only copy: consistent, atomic, never blocked by or blocking a reader."""

from __future__ import annotations

import dataclasses
import json
import os
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.helpers import REFERENCE, ROOT, make_load, table_checksums
from warehouse.db import connect
from warehouse.loader import load_reports
from warehouse.publish import publish_warehouse, published_path, reader_path

READER = r"""
import json, os, sys, time, duckdb
path, stop = sys.argv[1], sys.argv[2]
con = duckdb.connect(path, read_only=True)
seen, queries = set(), 0
print("ready", flush=True)
while not os.path.exists(stop):
    seen.add(con.execute("SELECT (SELECT count(*) FROM dim_report), (SELECT count(*) FROM fct_task_progress)").fetchone())
    queries += 1
    time.sleep(0.02)
con.close()
print(json.dumps({"seen": sorted(seen), "queries": queries}), flush=True)
"""


def midyear_load():
    """A second report of the same plan year (synthetic: the reference bytes plus a line, dated June)."""
    return dataclasses.replace(
        make_load(REFERENCE.read_bytes() + b"\n", "jishui-2020-progress-synthetic-midyear.txt"),
        as_of=date(2020, 6, 30), period_type="monthly",
    )


@pytest.fixture()
def live(tmp_path: Path) -> Path:
    wh = tmp_path / "data" / "warehouse.duckdb"
    con = connect(wh)
    load_reports(con, [make_load(REFERENCE.read_bytes())])
    con.close()
    return wh


def test_published_copy_is_identical_read_only_and_leaves_no_temp_files(live):
    p = publish_warehouse(live)
    dest = Path(p.path)
    assert dest == live.parent / "published" / "warehouse.duckdb" == published_path(live)
    assert p.reports == 1 and p.size == dest.stat().st_size
    assert table_checksums(dest) == table_checksums(live)
    assert not dest.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert sorted(os.listdir(dest.parent)) == ["warehouse.duckdb"]
    # the copy opens read-only on its own, views included
    con = duckdb.connect(str(dest), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM dim_task").fetchone()[0] == 130
    finally:
        con.close()


def test_publish_without_a_warehouse_names_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing.duckdb"):
        publish_warehouse(tmp_path / "nothing.duckdb")
    assert not (tmp_path / "published").exists()


def test_a_reader_of_the_published_copy_neither_blocks_nor_sees_a_half_load(live, tmp_path):
    published = Path(publish_warehouse(live).path)
    stop_file = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(published), str(stop_file)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "ready"
        # the writer loads a new report into the live file and republishes while the reader reads
        con = connect(live, wait_seconds=5)
        load_reports(con, [midyear_load()])
        con.close()
        publish_warehouse(live, wait_seconds=5)
        publish_warehouse(live, wait_seconds=5)  # and again: the reader's old file is not in the way
        stop_file.touch()
        out, errs = reader.communicate(timeout=30)
    finally:
        if reader.poll() is None:
            reader.kill()
            reader.wait()
    assert reader.returncode == 0, errs
    result = json.loads(out.strip().splitlines()[-1])
    assert result["seen"] == [[1, 130]] and result["queries"] > 3
    fresh = subprocess.run([sys.executable, "-c", "import duckdb,sys; print(duckdb.connect(sys.argv[1], read_only=True)"
                            ".execute('SELECT count(*) FROM dim_report').fetchone()[0])", str(published)],
                           capture_output=True, text=True, timeout=60)
    assert fresh.stdout.strip() == "2", fresh.stderr


def test_reader_path_prefers_an_explicit_file_then_the_published_copy(tmp_path):
    default = tmp_path / "data" / "warehouse.duckdb"
    explicit = tmp_path / "other.duckdb"
    assert reader_path(explicit, False, default) == explicit
    assert reader_path(None, False, default) == default  # nothing published yet
    published_path(default).parent.mkdir(parents=True)
    published_path(default).touch()
    assert reader_path(None, False, default) == published_path(default)
    assert reader_path(None, True, default) == default


def luoshi(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cli.main", *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_luoshi_sql_reads_the_published_copy_unless_told_otherwise(tmp_path):
    live = tmp_path / "data" / "warehouse.duckdb"  # the CLI's default, relative to where it runs
    con = connect(live)
    load_reports(con, [make_load(REFERENCE.read_bytes())])
    con.close()
    q = "SELECT count(*) AS n FROM dim_report"
    assert luoshi(tmp_path, "sql", q, "-f", "csv").stdout.splitlines() == ["n", "1"]  # no copy yet: live
    publish_warehouse(live)
    con = connect(live)
    load_reports(con, [midyear_load()])[0]  # loaded, not yet published
    con.close()
    assert luoshi(tmp_path, "sql", q, "-f", "csv").stdout.splitlines() == ["n", "1"]
    assert luoshi(tmp_path, "sql", q, "-f", "csv", "--live").stdout.splitlines() == ["n", "2"]
    assert luoshi(tmp_path, "sql", q, "-f", "csv", "-w", str(live)).stdout.splitlines() == ["n", "2"]
    proc = luoshi(tmp_path, "publish")
    assert proc.returncode == 0 and "2 reports" in proc.stdout, proc.stderr
    assert luoshi(tmp_path, "sql", q, "-f", "csv").stdout.splitlines() == ["n", "2"]
    summary = luoshi(tmp_path, "summary")
    assert summary.returncode == 0 and "published" in summary.stdout, summary.stderr
