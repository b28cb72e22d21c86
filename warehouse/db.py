"""Connection helpers: open the warehouse, create the schema, load SQL files."""

from __future__ import annotations

import errno
import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from schemas.settings import settings
from schemas.vocabulary import VOCABULARY_FILE, statuses

WAREHOUSE_DIR = Path(__file__).resolve().parent


class WarehouseBusy(RuntimeError):
    """Another process holds the warehouse's write lock for longer than we were willing to wait."""


class StorageError(OSError):
    """The warehouse could not be written: its disk is full, its file system read-only, or the file
    may not grow or be written. The message says which; nothing of the transaction was kept."""


# what the operating system and DuckDB say, and what we tell the operator
STORAGE_PROBLEMS = (
    (errno.ENOSPC, "no space left on device", "no space left on the device"),
    (errno.EDQUOT, "disk quota exceeded", "the disk quota is exceeded"),
    (errno.EFBIG, "file too large", "the file may not grow larger (a file size limit)"),
    (errno.EROFS, "read-only file system", "the file system is read-only"),
    (errno.EACCES, "permission denied", "permission denied"),
)


def storage_problem(exc: BaseException) -> str | None:
    """What stopped a write to disk, in words, or None when `exc` is not about the storage."""
    code = exc.errno if isinstance(exc, OSError) else None
    text = str(exc).lower()
    for number, said, words in STORAGE_PROBLEMS:
        if code == number or said in text:
            return words
    return None


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """BEGIN … COMMIT, rolled back on any error. The error raised is the one that stopped the work
    (not a failing ROLLBACK's), and a storage failure becomes a StorageError naming it."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("COMMIT")
    except BaseException as exc:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass  # DuckDB ends a transaction that hit an I/O error itself: the first error is the news
        problem = storage_problem(exc)
        if problem is not None and not isinstance(exc, StorageError):
            raise StorageError(f"cannot write the warehouse: {problem} ({exc})") from exc
        raise


@cache
def sql(name: str) -> str:
    """The text of warehouse/sql/NAME.sql (or a path relative to warehouse/)."""
    path = WAREHOUSE_DIR / name if "/" in name else WAREHOUSE_DIR / "sql" / f"{name}.sql"
    return path.read_text(encoding="utf-8")


def run_sql(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any] | None = None) -> list[tuple]:
    """Run every statement of warehouse/sql/NAME.sql with its bound parameters; rows of the last one."""
    rows: list[tuple] = []
    text = "\n".join(ln for ln in sql(name).splitlines() if not ln.strip().startswith("--"))
    for body in (s.strip() for s in text.split(";")):
        if not body:
            continue
        used = {k: v for k, v in (params or {}).items() if f"${k}" in body}
        cur = con.execute(body, used) if used else con.execute(body)
        rows = cur.fetchall() if cur.description else []
    return rows


def ddl_files() -> list[Path]:
    return sorted((WAREHOUSE_DIR / "ddl").glob("*.sql")) + sorted((WAREHOUSE_DIR / "views").glob("*.sql"))


@cache
def schema_fingerprint() -> str:
    """sha256 over the names and contents of the schema files, in the order they run, and of the
    vocabulary that seeds dim_status."""
    h = hashlib.sha256()
    for path in [*ddl_files(), VOCABULARY_FILE]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table, sequence, seed row and view (idempotent). Skipped when the warehouse
    records that it was built from exactly these files (table schema_version)."""
    fingerprint = schema_fingerprint()
    try:
        if con.execute("SELECT fingerprint FROM schema_version").fetchall() == [(fingerprint,)]:
            return
    except duckdb.CatalogException:
        pass  # a new warehouse, or one built before schema_version existed
    _set_aside_unversioned_reports(con)
    for path in ddl_files():
        con.execute(path.read_text(encoding="utf-8"))
    seed_vocabulary(con)
    con.execute("BEGIN TRANSACTION")
    if count_of(con, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'dim_report_before_versions'"):
        con.execute("INSERT INTO dim_report BY NAME SELECT * FROM dim_report_before_versions")
        con.execute("DROP TABLE dim_report_before_versions")
    # derived tables are rebuilt from the facts: their definition may be among the changed files
    run_sql(con, "refresh_task_current", {"reports": None})
    con.execute("DELETE FROM schema_version")
    con.execute("INSERT INTO schema_version VALUES (?, now()::TIMESTAMP)", [fingerprint])
    con.execute("COMMIT")


def seed_vocabulary(con: duckdb.DuckDBPyConnection) -> None:
    """dim_status's rows from schemas/vocabulary.yaml."""
    rows = [(s.code, s.label_zh, s.label_en, s.sort_order, s.is_final) for s in statuses()]
    con.executemany(sql("seed_status"), rows)


def count_of(con: duckdb.DuckDBPyConnection, query: str, params: dict[str, Any] | None = None) -> int:
    """The number a `SELECT count(*) …` query returns (0 when it returns no row)."""
    row = con.execute(query, params).fetchone()
    return int(row[0]) if row else 0


def _set_aside_unversioned_reports(con: duckdb.DuckDBPyConnection) -> None:
    """A warehouse built before report versions has UNIQUE (county, plan year, as-of date, period
    type) on dim_report, which a second version of a report would break. DuckDB cannot drop a
    constraint: the rows are set aside (and the schema marked stale, so a crash here re-runs this),
    the DDL files create dim_report anew, and ensure_schema puts the rows back as version 1."""
    old = count_of(
        con,
        "SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'dim_report' AND constraint_type = 'UNIQUE' "
        "AND list_sort(constraint_column_names) = ['as_of_date', 'county_key', 'period_type', 'plan_year']",
    )
    if not old:
        return
    con.execute("BEGIN TRANSACTION")
    con.execute("CREATE TABLE dim_report_before_versions AS SELECT * FROM dim_report")
    con.execute("DROP TABLE dim_report")
    if count_of(con, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'schema_version'"):
        con.execute("DELETE FROM schema_version")
    con.execute("COMMIT")


def duckdb_config(memory_limit: str | None = None) -> dict[str, str | bool | int | float | list[str]]:
    """Settings for every connection to the warehouse. DuckDB would otherwise cache up to 80 % of
    the machine's memory; a batch pipeline running beside other work keeps it bounded.
    LUOSHI_MEMORY_LIMIT (schemas/settings.py) is the buffer memory of one connection, or
    `memory_limit` when given; larger work spills to DuckDB's temporary directory."""
    return {"memory_limit": memory_limit or settings().memory_limit}


def is_lock_error(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


def connect(
    path: str | Path, read_only: bool = False, wait_seconds: float = 60.0, memory_limit: str | None = None
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse. A writer waits (with back-off) while another process holds the lock.
    memory_limit: DuckDB's buffer memory (None: LUOSHI_MEMORY_LIMIT)."""
    path = Path(path)
    if read_only and not path.exists():
        raise FileNotFoundError(f"no warehouse at {path}: run `luoshi ingest` first")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    delay = 0.1
    while True:
        try:
            # readers wait for a writer's lock too
            con = duckdb.connect(str(path), read_only=read_only, config=duckdb_config(memory_limit))
            if read_only:
                return con
            break
        except duckdb.IOException as exc:
            if not is_lock_error(exc) or time.monotonic() > deadline:
                if is_lock_error(exc):
                    raise WarehouseBusy(f"{path} is locked by another process: {exc}") from exc
                raise
            time.sleep(delay)
            delay = min(delay * 2, 2.0)
    ensure_schema(con)
    return con


def connect_for_run(path: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection of a pipeline run (its load, link, checks and report), with
    LUOSHI_RUN_MEMORY_LIMIT: the run's process also holds parsed batches, so its DuckDB buffer is
    smaller than an analyst's; whole-warehouse checks spill to disk rather than grow with it."""
    return connect(path, read_only=read_only, memory_limit=settings().run_memory_limit)


def fetch_dicts(con: duckdb.DuckDBPyConnection, query: str, params: Any = None) -> list[dict[str, Any]]:
    cur = con.execute(query, params) if params is not None else con.execute(query)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
