"""A warehouse that cannot be written (a full disk, a read-only file system, a file size limit) is
reported as such, not as DuckDB's "cannot rollback - no transaction is active", and keeps nothing of
the failed transaction. The limit is real: the loading process runs under RLIMIT_FSIZE."""

from __future__ import annotations

import errno
import subprocess
import sys

import duckdb

from tests.helpers import REFERENCE, ROOT
from warehouse.db import StorageError, connect, storage_problem

CHILD = r"""
import hashlib, resource, signal, sys
from datetime import date
from pathlib import Path
from transforms.pipeline import parse_report
from warehouse.db import StorageError, connect
from warehouse.loader import ReportLoad, load_reports

wh, ref, limit = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
data = ref.read_bytes()
parsed = parse_report(data, ref.name, as_of=date(2020, 11, 30), plan_year=2020, period_type="year_end")
load = ReportLoad("示例县", 2020, date(2020, 11, 30), "year_end", hashlib.sha256(data).hexdigest(), ref.name,
                  parsed.records, parsed.findings)
con = connect(wh)
if limit:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead of killing us
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
try:
    print("OUTCOME", load_reports(con, [load])[0].outcome)
except StorageError as exc:
    print("STORAGE", exc)
"""


def _load(wh, limit: int) -> str:
    res = subprocess.run([sys.executable, "-c", CHILD, str(wh), str(REFERENCE), str(limit)], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    return res.stdout.strip().splitlines()[-1]


def test_a_write_the_file_system_refuses_is_named_and_leaves_nothing(tmp_path):
    wh = tmp_path / "warehouse.duckdb"
    connect(wh).close()
    said = _load(wh, 65536)
    assert said.startswith("STORAGE cannot write the warehouse: the file may not grow larger"), said
    assert "rollback" not in said.lower()
    con = duckdb.connect(str(wh), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM dim_report").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM fct_task_progress").fetchone() == (0,)
    finally:
        con.close()
    # with room again, the same load goes through
    assert _load(wh, 0) == "OUTCOME loaded"


def test_storage_problems_are_named_from_the_error_number_or_duckdbs_words():
    assert storage_problem(OSError(errno.ENOSPC, "No space left on device")) == "no space left on the device"
    assert storage_problem(duckdb.IOException('Could not write file "w.duckdb.wal": No space left on device')) == "no space left on the device"
    assert storage_problem(OSError(errno.EROFS, "Read-only file system")) == "the file system is read-only"
    assert storage_problem(ValueError("a bad cell")) is None
    assert issubclass(StorageError, OSError)  # the flows retry it as an I/O failure, never quarantine a file for it
