"""The link step links a chunk of counties at a time: one county per chunk gives exactly the links,
thread keys and link findings of one chunk holding every county, crosswalk included (an entry that
joins two counties, one naming a task not in the warehouse, one going backwards in time)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from flows.pipeline import link_warehouse
from tests.helpers import synthetic_loads
from transforms.linking import CrosswalkEntry, link_chunks, task_ref
from warehouse.db import connect
from warehouse.links import fetch_counties
from warehouse.loader import load_reports

# county c, plan year 2016 + y, December: report c * 120 + y * 12 + 11 of the synthetic corpus
REPORTS = [c * 120 + y * 12 + 11 for c in range(4) for y in range(3)] + [
    c * 120 + y * 12 + 5 for c in (4, 5) for y in (0, 2)
]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("chunks") / "warehouse.duckdb"
    con = connect(path)
    try:
        assert {r.outcome for r in load_reports(con, synthetic_loads(REPORTS))} == {"loaded"}
    finally:
        con.close()
    return path


def refs(path: Path) -> list[str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute(
            "SELECT c.county_name, t.plan_year, t.table_no, t.seq, t.sub_seq FROM dim_task t JOIN dim_county c USING (county_key) "
            "WHERE t.table_no = 1 AND t.seq IN (2, 3) AND t.sub_seq = 0 ORDER BY 1, 2, 4"
        ).fetchall()
    finally:
        con.close()
    return [task_ref(*r) for r in rows]


def crosswalk(path: Path) -> list[CrosswalkEntry]:
    r = refs(path)  # per county and year: tasks 1/2 and 1/3
    a0, a1, b2 = r[0], r[3], r[6 + 4]  # county A 2016 1/2, county A 2017 1/3, county B 2018 1/2
    return [
        CrosswalkEntry("accept", a0, a1, 1),  # a link within county A
        CrosswalkEntry("reject", r[1], r[3], 2),  # a proposal turned down
        CrosswalkEntry("accept", a1, b2, 3),  # joins counties A and B into one thread
        CrosswalkEntry("accept", a0, "合成无此县:2017:1:2", 4),  # a county not in the warehouse
        CrosswalkEntry("accept", "合成无此县:2016:1:2", b2, 5),  # … as the from-task
        CrosswalkEntry("accept", b2, a0, 6),  # backwards in time
        CrosswalkEntry("accept", a0, r[6].split(":")[0] + ":2030:1:2", 7),  # a year not loaded
    ]


def linked(path: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            "links": con.execute(
                "SELECT from_task_key, to_task_key, link_type, method, score, decision FROM task_link ORDER BY 1, 2"
            ).fetchall(),
            "threads": con.execute("SELECT task_key, thread_key FROM dim_task ORDER BY 1").fetchall(),
            "findings": con.execute(
                "SELECT rule, severity, message, mapping_file FROM dq_issue WHERE stage = 'link' ORDER BY rule, message"
            ).fetchall(),
        }
    finally:
        con.close()


def test_one_county_per_chunk_links_as_one_chunk(loaded: Path, tmp_path: Path, prefect_harness: None) -> None:
    whole, chunked = tmp_path / "whole.duckdb", tmp_path / "chunked.duckdb"
    shutil.copy(loaded, whole)
    shutil.copy(loaded, chunked)
    entries = crosswalk(loaded)
    con = connect(loaded)
    try:
        counties = fetch_counties(con)
    finally:
        con.close()
    assert len(counties) == 6
    chunks = link_chunks(counties, entries, 1)
    assert len(chunks) == 5 and sorted(len(c) for c in chunks) == [1, 1, 1, 1, 2]  # A and B share a chunk

    one = link_warehouse(str(whole), entries, None, chunk_tasks=10**9)
    many = link_warehouse(str(chunked), entries, None, chunk_tasks=1)
    assert one.counts == many.counts and one.tasks == many.tasks
    assert sorted(f.message for f in one.findings) == sorted(f.message for f in many.findings)
    got, want = linked(chunked), linked(whole)
    assert got == want
    # the case is not trivial: accepted and rejected links, a thread across two counties, each finding once
    assert {"accepted", "rejected"} <= {lk[5] for lk in want["links"]}
    assert one.counts["accepted"] > 20 and one.counts["threads"] > 20
    assert ("crosswalk",) in {(lk[3],) for lk in want["links"]}
    rules = [f[0] for f in want["findings"]]
    assert (
        rules.count("link.crosswalk_unknown_task") == 3 and rules.count("link.crosswalk_bad_direction") == 1
    )
    thread = dict(want["threads"])
    con = duckdb.connect(str(whole), read_only=True)
    try:
        spans = con.execute(
            "SELECT count(DISTINCT county_key) FROM dim_task GROUP BY thread_key ORDER BY 1 DESC LIMIT 1"
        ).fetchone()
    finally:
        con.close()
    assert spans == (2,) and len(set(thread.values())) < len(thread)

    # re-linking in chunks a warehouse linked as one changes nothing, and the other way round
    link_warehouse(str(whole), entries, None, chunk_tasks=1)
    link_warehouse(str(chunked), entries, None, chunk_tasks=10**9)
    assert linked(whole) == want and linked(chunked) == want
    # a crosswalk entry dropped: its link goes back to the proposal in either way of linking
    link_warehouse(str(whole), entries[1:], None, chunk_tasks=10**9)
    link_warehouse(str(chunked), entries[1:], None, chunk_tasks=1)
    assert linked(whole) == linked(chunked) != want
