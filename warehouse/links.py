"""Writes the link step's results (task_link rows, dim_task.thread_key, link findings): used only by
the link flow. One transaction; rows that did not change are not touched."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb
import pandas as pd

from transforms.grid import Finding
from transforms.linking import Link, TaskRef, record_text
from warehouse.db import run_sql, transaction


def fetch_tasks(con: duckdb.DuckDBPyConnection) -> list[TaskRef]:
    """Every task of the warehouse, as linking compares it."""
    return [
        TaskRef(key, table_no, seq, record_text(text, project), plan_year, county, sub_seq)
        for key, table_no, seq, sub_seq, text, project, plan_year, county in run_sql(con, "link_all_tasks")
    ]


def write_links(
    con: duckdb.DuckDBPyConnection,
    links: list[Link],
    thread_of: dict[int, int],
    findings: list[Finding],
    run_key: int | None,
) -> dict[str, Any]:
    """Bring task_link, thread keys and the link findings in line with a LinkPlan, in one transaction."""
    now = datetime.now()
    st_links = pd.DataFrame(
        [(lk.from_key, lk.to_key, lk.link_type, lk.method, lk.score, lk.decision) for lk in links],
        columns=["from_task_key", "to_task_key", "link_type", "method", "score", "decision"],
    ).astype({"from_task_key": "int64", "to_task_key": "int64", "score": "float64"})
    st_threads = pd.DataFrame(sorted(thread_of.items()), columns=["task_key", "thread_key"]).astype("int64")
    dq = sorted(
        {(f.rule, f.severity, f.message, f.mapping_file) for f in findings}, key=lambda r: (r[0], r[2])
    )
    st_link_dq = pd.DataFrame(dq, columns=["rule", "severity", "message", "mapping_file"]).astype("object")
    before = _link_count(con)
    try:
        with transaction(con):
            con.register("st_links", st_links)
            con.register("st_threads", st_threads)
            con.register("st_link_dq", st_link_dq)
            run_sql(con, "link_write", {"now": now})
            current = [tuple(r) for r in run_sql(con, "link_dq_current")]
            if current != dq:
                run_sql(con, "link_dq_replace", {"run_key": run_key, "now": now})
    finally:
        for name in ("st_links", "st_threads", "st_link_dq"):
            try:
                con.unregister(name)
            except duckdb.Error:
                pass
    after = _link_count(con)
    return {"links_before": before, "links_after": after}


def _link_count(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT count(*) FROM task_link").fetchone()
    return int(row[0]) if row else 0
