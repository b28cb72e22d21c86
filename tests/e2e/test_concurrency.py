"""Two ingestions started together on one warehouse, and readers while they run.

Writers: DuckDB lets one process hold the file read-write; `warehouse.db.connect` waits with
back-off while another holds it, so both ingestions land and the sha256/identity keys keep every
report exactly once. A reader of the live warehouse holds the same lock: writers wait for it (and
never change what it is reading). A reader of the published copy (warehouse/publish.py, when present)
does not block writers at all.
"""

from __future__ import annotations

import time
from datetime import datetime

import duckdb

from scripts import chaos


def test_two_writers_and_a_reader_of_the_live_warehouse(golden, api_url, tmp_path):
    corpus, manifest, gold = golden
    wh = tmp_path / "data" / "warehouse.duckdb"
    from flows.ingest import ingest_report

    ingest_report(paths=[str(corpus / chaos.MAIN[0])], warehouse=str(wh), manifest=str(manifest))
    reader = duckdb.connect(str(wh), read_only=True)
    seen = set()
    # both start together; files overlap (1031 is in both); the reader holds the file meanwhile
    a = chaos.start_ingest([corpus / chaos.MAIN[0], corpus / chaos.MAIN[1]], wh, manifest, api_url)
    b = chaos.start_ingest([corpus / chaos.MAIN[2], corpus / chaos.MAIN[1]], wh, manifest, api_url)
    held_until = time.monotonic() + 8
    while time.monotonic() < held_until:
        seen.add(reader.execute("SELECT count(*) FROM fct_task_progress").fetchone()[0])
        time.sleep(0.2)
    reader.close()
    released = datetime.now()
    for code, log in (a.wait(), b.wait()):
        assert code == 0, log[-2000:]

    assert seen == {130}  # the reader saw one consistent warehouse while writers waited
    final = chaos.read_state(wh)
    assert chaos.state_problems(final) == []
    assert final.reports == gold.main  # every report exactly once, same rows as a clean run
    con = duckdb.connect(str(wh), read_only=True)
    runs = con.execute("SELECT started_at, outcome, reports_loaded, reports_skipped FROM etl_run WHERE flow_name = 'ingest_report' ORDER BY run_key").fetchall()
    n_reports = con.execute("SELECT count(*) FROM dim_report").fetchone()[0]
    con.close()
    assert n_reports == 3
    assert all(r[0] >= released for r in runs[1:])  # neither writer got in while the reader held the file
    assert [r[1] for r in runs] == ["success"] * 3 or all(r[1] in ("success", "noop") for r in runs), runs
    # 1031 and 1130 loaded once; 0930 (seeded) and the second 1031 skipped as already ingested
    assert (sum(r[2] for r in runs[1:]), sum(r[3] for r in runs[1:])) == (2, 2), runs


def test_reader_of_the_published_copy_is_unaffected(golden, api_url, tmp_path):
    from warehouse import publish
    corpus, manifest, _ = golden
    wh = tmp_path / "data" / "warehouse.duckdb"
    from flows.ingest import ingest_report

    ingest_report(paths=[str(corpus / chaos.MAIN[0])], warehouse=str(wh), manifest=str(manifest))
    published = publish.publish_warehouse(wh).path
    reader = duckdb.connect(str(published), read_only=True)
    writer = chaos.start_ingest([corpus / chaos.MAIN[1]], wh, manifest, api_url)
    seen = set()
    while writer.proc.poll() is None:
        seen.add(reader.execute("SELECT count(*) FROM fct_task_progress").fetchone()[0])
        time.sleep(0.2)
    code, log = writer.wait()
    assert code == 0, log[-2000:]  # the writer was not blocked by the reader
    assert seen == {130}
    reader.close()
    publish.publish_warehouse(wh)
    con = duckdb.connect(str(published), read_only=True)
    assert con.execute("SELECT count(*) FROM dim_report").fetchone()[0] == 2
    con.close()
