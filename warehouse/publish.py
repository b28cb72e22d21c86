"""Publish a read-only copy of the warehouse for analysts (the pipeline's last step, `luoshi publish`).

Analysts never open the live warehouse: a DuckDB file admits one writer *or* readers, so a reader
would block ingestion, and a reader could see the warehouse between two reports of a run. After a
successful run the writer checkpoints the live file and, still holding it (so nothing can change
it), copies it to a temporary file beside the published copy, checks that the copy opens, marks it
read-only and renames it over the published copy in one atomic step.

A reader that has the old copy open keeps reading the old file (the rename only replaces the
directory entry); the next connection sees the new copy. Readers never hold a lock the writer needs.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.db import connect, count_of, sql
from warehouse.faults import fault_point

PUBLISHED_DIR = "published"


def published_path(warehouse: str | Path) -> Path:
    """Where the read-only copy of a warehouse lives: `<its folder>/published/<its name>`."""
    live = Path(warehouse)
    return live.parent / PUBLISHED_DIR / live.name


def reader_path(warehouse: Path | None, live: bool, default: Path) -> Path:
    """The file `luoshi sql`/`summary` open: an explicit --warehouse as given; else the published copy
    of the default warehouse if there is one (unless --live); else the live default."""
    if warehouse is not None:
        return warehouse
    if not live and published_path(default).exists():
        return published_path(default)
    return default


@dataclass(frozen=True)
class Published:
    path: str
    size: int
    seconds: float
    reports: int


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def publish_warehouse(
    warehouse: str | Path, target: str | Path | None = None, wait_seconds: float = 60.0
) -> Published:
    """Copy the live warehouse to its published location atomically and return what was published.

    The live file is opened as the writer (waiting while another writer holds it), checkpointed so
    the file holds every committed transaction, and copied while the connection is still held.
    """
    started = time.monotonic()
    live = Path(warehouse)
    if not live.exists():
        raise FileNotFoundError(f"no warehouse at {live}: nothing to publish")
    dest = Path(target) if target else published_path(live)
    dest.parent.mkdir(parents=True, exist_ok=True)
    con = connect(live, wait_seconds=wait_seconds)
    tmp: str | None = None
    try:
        con.execute("CHECKPOINT")
        # a copy left half-way by a run that was killed while publishing (we hold the writer now)
        for stale in dest.parent.glob(f".{dest.name}.*.tmp"):
            stale.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
        os.close(fd)
        shutil.copyfile(live, tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        # the copy must open on its own and hold the same reports as the live file
        check = duckdb.connect(tmp, read_only=True)
        try:
            copied = count_of(check, sql("count_reports"))
        finally:
            check.close()
        expected = count_of(con, sql("count_reports"))
        if copied != expected:
            raise RuntimeError(
                f"published copy of {live} holds {copied} reports, the warehouse {expected}; not published"
            )
        os.chmod(tmp, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        fault_point("publish")
        os.replace(tmp, dest)
        tmp = None
        _fsync_dir(dest.parent)
    finally:
        con.close()
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
    # a write-ahead log left by someone who opened an earlier copy read-write belongs to that copy,
    # never to this one
    stale_wal = dest.with_name(dest.name + ".wal")
    if stale_wal.exists():
        stale_wal.unlink()
    return Published(
        path=str(dest),
        size=dest.stat().st_size,
        seconds=round(time.monotonic() - started, 3),
        reports=expected,
    )
