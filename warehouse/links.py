"""Reads the tasks the link step compares and writes its results (task_link rows, dim_task.thread_key,
link findings): used only by the link step. The step links a chunk of counties at a time
(flows/pipeline.py: link_warehouse): the tasks of the chunk's counties are read, and its links and
thread keys written in one transaction; the findings are replaced once at the end. Rows that did not
change are not touched."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import duckdb
import pandas as pd

from transforms.grid import Finding
from transforms.linking import Link, TaskRef, record_text
from warehouse.db import run_sql, transaction


def fetch_counties(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """The counties that have tasks, by name, with their number of tasks."""
    return [(str(name), int(n)) for name, n in run_sql(con, "link_counties")]


def fetch_county_tasks(con: duckdb.DuckDBPyConnection, counties: Sequence[str]) -> list[TaskRef]:
    """The tasks of some counties, as linking compares them."""
    return [
        TaskRef(key, table_no, seq, record_text(text, project), plan_year, county, sub_seq)
        for key, table_no, seq, sub_seq, text, project, plan_year, county in run_sql(
            con, "link_county_tasks", {"counties": list(counties)}
        )
    ]


def fetch_tasks(con: duckdb.DuckDBPyConnection) -> list[TaskRef]:
    """Every task of the warehouse, as linking compares it."""
    return fetch_county_tasks(con, [c for c, _ in fetch_counties(con)])


def write_link_chunk(con: duckdb.DuckDBPyConnection, links: list[Link], thread_of: dict[int, int]) -> None:
    """Bring task_link and the thread keys of some tasks (the keys of ``thread_of``: every task of a
    chunk of counties) in line with their links, in one transaction. Links from other tasks are not
    touched."""
    now = datetime.now()
    st_links = pd.DataFrame(
        [(lk.from_key, lk.to_key, lk.link_type, lk.method, lk.score, lk.decision) for lk in links],
        columns=["from_task_key", "to_task_key", "link_type", "method", "score", "decision"],
    ).astype({"from_task_key": "int64", "to_task_key": "int64", "score": "float64"})
    st_threads = pd.DataFrame(sorted(thread_of.items()), columns=["task_key", "thread_key"]).astype("int64")
    try:
        with transaction(con):
            con.register("st_links", st_links)
            con.register("st_threads", st_threads)
            run_sql(con, "link_write", {"now": now})
    finally:
        _unregister(con, "st_links", "st_threads")


def write_link_findings(con: duckdb.DuckDBPyConnection, findings: list[Finding], run_key: int | None) -> None:
    """Drop the links from tasks no longer in the warehouse and replace the link findings (when they
    changed), in one transaction."""
    now = datetime.now()
    dq = sorted(
        {(f.rule, f.severity, f.message, f.mapping_file) for f in findings}, key=lambda r: (r[0], r[2])
    )
    st_link_dq = pd.DataFrame(dq, columns=["rule", "severity", "message", "mapping_file"]).astype("object")
    try:
        with transaction(con):
            run_sql(con, "link_orphans")
            con.register("st_link_dq", st_link_dq)
            current = [tuple(r) for r in run_sql(con, "link_dq_current")]
            if current != dq:
                run_sql(con, "link_dq_replace", {"run_key": run_key, "now": now})
    finally:
        _unregister(con, "st_link_dq")


def write_links(
    con: duckdb.DuckDBPyConnection,
    links: list[Link],
    thread_of: dict[int, int],
    findings: list[Finding],
    run_key: int | None,
) -> dict[str, Any]:
    """Bring task_link, thread keys and the link findings in line with a LinkPlan of every task."""
    before = link_count(con)
    write_link_chunk(con, links, thread_of)
    write_link_findings(con, findings, run_key)
    return {"links_before": before, "links_after": link_count(con)}


def link_count(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT count(*) FROM task_link").fetchone()
    return int(row[0]) if row else 0


def _unregister(con: duckdb.DuckDBPyConnection, *names: str) -> None:
    for name in names:
        try:
            con.unregister(name)
        except duckdb.Error:
            pass
