"""Batched ingestion: a batch flow run, batch validation and the batch transaction's fallback."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from scripts.gen_corpus import synthetic_report, write_corpus
from transforms.pipeline import parse_report, prepare_report, validate_reports
from warehouse.db import connect
from warehouse.loader import LoadRejected, ReportLoad, load_report, load_reports

# content of the warehouse by natural keys (surrogate keys may be numbered differently)
NATURAL = {
    "progress": """SELECT c.county_name, r.as_of_date, t.table_no, t.seq, f.status_code, f.progress_text, f.line_start,
                          f.expected_progress
                   FROM fct_task_progress f JOIN dim_report r USING (report_key) JOIN dim_task t USING (task_key)
                   JOIN dim_county c ON c.county_key = r.county_key""",
    "tasks": """SELECT c.county_name, t.plan_year, t.table_no, t.seq, t.task_text, s.part, s.section, r.as_of_date
                FROM dim_task t JOIN dim_county c USING (county_key) LEFT JOIN dim_section s USING (section_key)
                JOIN dim_report r ON r.report_key = t.first_report_key""",
    "units": """SELECT r.sha256, t.table_no, t.seq, u.unit_name, u.unit_type, b.role, b.position
                FROM bridge_task_unit b JOIN dim_report r USING (report_key) JOIN dim_task t USING (task_key)
                JOIN dim_unit u USING (unit_key)""",
    "leaders": """SELECT r.sha256, t.table_no, t.seq, l.leader_name, b.position FROM bridge_task_leader b
                  JOIN dim_report r USING (report_key) JOIN dim_task t USING (task_key) JOIN dim_leader l USING (leader_key)""",
    "dq": "SELECT r.sha256, d.rule, d.severity, d.message, d.seq, d.line_start FROM dq_issue d JOIN dim_report r USING (report_key)",
    "reports": "SELECT c.county_name, province, plan_year, as_of_date, period_type, sha256, task_count FROM dim_report JOIN dim_county c USING (county_key)",
}


def natural_content(path: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {k: sorted(con.execute(q).fetchall(), key=repr) for k, q in NATURAL.items()}
    finally:
        con.close()


def loads_for(indices: list[int], mutate=None) -> list[ReportLoad]:
    reports = [synthetic_report(i) for i in indices]
    datas = [mutate(r.text) if mutate else r.text for r in reports]
    parsed = validate_reports([prepare_report(d.encode(), r.file_name(), r.as_of, r.plan_year) for r, d in zip(reports, datas, strict=True)])
    return [
        ReportLoad(
            county=r.county, province="合成省", plan_year=r.plan_year, as_of=r.as_of, period_type=r.period_type,
            sha256=hashlib.sha256(d.encode()).hexdigest(), file_name=r.file_name(), records=p.records,
            findings=p.findings, format=p.format,
        )
        for r, d, p in zip(reports, datas, parsed, strict=True)
    ]


def test_batch_validation_equals_one_report_at_a_time():
    good = synthetic_report(2)
    # a row whose task text is one character: quarantined by RawTaskRow
    bad_text = synthetic_report(5).text.replace("| 推动义务教育基本均衡", "| 推", 1)
    bad_text = bad_text.split("\n")
    bad_text[2] = bad_text[2].split(" | ")[0] + " | 推 | " + " | ".join(bad_text[2].split(" | ")[2:])
    bad_text = "\n".join(bad_text)
    inputs = [(good.text.encode(), good), (bad_text.encode(), synthetic_report(5))]
    one_by_one = [parse_report(d, r.file_name(), r.as_of, r.plan_year) for d, r in inputs]
    batch = validate_reports([prepare_report(d, r.file_name(), r.as_of, r.plan_year) for d, r in inputs])
    assert len(one_by_one[1].records) == 129 and any(f.rule.startswith("raw.RawTaskRow") for f in one_by_one[1].findings)
    for a, b in zip(one_by_one, batch, strict=True):
        assert [x.to_json() for x in a.records] == [x.to_json() for x in b.records]
        assert a.findings == b.findings


def test_batch_load_equals_loading_one_by_one(tmp_path):
    indices = [0, 1, 2, 130, 131]  # two counties, several months of one plan year
    batch_wh, seq_wh = tmp_path / "batch.duckdb", tmp_path / "seq.duckdb"
    con = connect(batch_wh)
    results = load_reports(con, loads_for(indices))
    con.close()
    assert [r.outcome for r in results] == ["loaded"] * 5
    con = connect(seq_wh)
    for ld in loads_for(indices):
        load_report(con, ld)
    con.close()
    a, b = natural_content(batch_wh), natural_content(seq_wh)
    assert len(a["progress"]) == 5 * 130 and len(a["tasks"]) == 2 * 130
    assert a == b
    # the same batch again: every report skipped, nothing written
    con = connect(batch_wh)
    again = load_reports(con, loads_for(indices))
    con.close()
    assert [r.outcome for r in again] == ["skipped"] * 5
    assert natural_content(batch_wh) == a


def test_a_batch_that_fails_a_check_falls_back_to_one_transaction_per_report(tmp_path, monkeypatch):
    import warehouse.loader as loader

    checks = tmp_path / "checks"
    checks.mkdir()
    for p in loader.check_files():
        (checks / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    culprit = synthetic_report(1)
    (checks / "zz_no_february.sql").write_text(
        "-- severity: error\nSELECT report_key FROM dim_report WHERE month(as_of_date) = 2;\n", encoding="utf-8"
    )
    monkeypatch.setattr(loader, "CHECKS_DIR", checks)
    wh = tmp_path / "w.duckdb"
    con = connect(wh)
    results = load_reports(con, loads_for([0, 1, 2]))
    con.close()
    assert isinstance(results[1], LoadRejected) and "zz_no_february" in str(results[1])
    assert [results[0].outcome, results[2].outcome] == ["loaded", "loaded"]
    content = natural_content(wh)
    assert sorted({row[3] for row in content["reports"]}) == [synthetic_report(0).as_of, synthetic_report(2).as_of]
    assert all(row[1] != culprit.as_of for row in content["progress"])
    assert len(content["progress"]) == 2 * 130


def test_flow_ingests_batches_quarantines_the_bad_one_and_reruns_as_noop(prefect_harness, tmp_path):
    from flows.ingest import ingest_report

    corpus = tmp_path / "inbox"
    write_corpus(corpus, 5, ("text",), per_dir=5)
    prose = corpus / "batch-0000" / "synthetic-notice.txt"
    prose.write_text("关于做好政府工作报告落实的通知(合成测试数据)\n各乡镇、县直各单位:请认真落实。\n", encoding="utf-8")
    wh = tmp_path / "data" / "warehouse.duckdb"
    result = ingest_report(paths=[str(corpus)], warehouse=str(wh), batch_size=2)
    assert result.outcome == "partial"
    c = result.counts
    assert (c.files_seen, c.reports_loaded, c.reports_failed) == (6, 5, 1)
    rejected = [r for r in result.files if r.outcome == "rejected"]
    assert len(rejected) == 1 and "synthetic-notice.txt" in rejected[0].message and "not a task table" in rejected[0].message
    con = duckdb.connect(str(wh), read_only=True)
    assert con.execute("SELECT count(*), sum(task_count) FROM dim_report").fetchone() == (5, 650)
    assert con.execute("SELECT count(*) FROM fct_task_progress").fetchone()[0] == 650
    assert con.execute("SELECT count(*) FROM quarantine WHERE source_file LIKE '%synthetic-notice.txt'").fetchone()[0] == 1
    con.close()
    before = natural_content(wh)

    again = ingest_report(paths=[str(corpus)], warehouse=str(wh), batch_size=2)
    assert again.counts.reports_loaded == 0 and again.counts.reports_skipped == 5
    assert natural_content(wh) == before
    con = duckdb.connect(str(wh), read_only=True)
    assert con.execute("SELECT outcome, reports_loaded, reports_skipped FROM etl_run ORDER BY run_key").fetchall() == [
        ("partial", 5, 0),
        ("partial", 0, 5),
    ]
    con.close()


@pytest.mark.parametrize("size", [1, 50])
def test_batch_size_does_not_change_what_is_loaded(tmp_path, size):
    wh = tmp_path / f"w{size}.duckdb"
    con = connect(wh)
    loads = loads_for([0, 1, 2])
    for i in range(0, len(loads), size):
        load_reports(con, loads[i : i + size])
    con.close()
    assert len(natural_content(wh)["progress"]) == 3 * 130


def test_batch_matches_a_plan_years_renumbered_and_reworded_tasks_like_one_by_one(tmp_path):
    """Reports of one plan year in one batch: each report's rows are matched to the tasks the
    earlier ones defined (renumbered, reworded, new, absent) exactly as loading them one by one."""
    import yaml

    periods = Path(__file__).parent / "fixtures" / "periods"
    entries = yaml.safe_load((periods / "sources.yaml").read_text(encoding="utf-8"))["reports"]

    def loads() -> list[ReportLoad]:
        out = []
        for e in entries:
            data = (periods / e["file"]).read_bytes()
            p = parse_report(data, e["file"], e["as_of"], e["plan_year"])
            out.append(
                ReportLoad(
                    county=e["county"], province=e["province"], plan_year=e["plan_year"], as_of=e["as_of"],
                    period_type=e["period_type"], sha256=hashlib.sha256(data).hexdigest(), file_name=e["file"],
                    records=p.records, findings=p.findings, format=p.format,
                )
            )
        return out

    batch_wh, seq_wh = tmp_path / "batch.duckdb", tmp_path / "seq.duckdb"
    con = connect(batch_wh)
    results = load_reports(con, loads())
    con.close()
    assert [r.outcome for r in results] == ["loaded"] * len(entries)
    con = connect(seq_wh)
    for ld in loads():
        load_report(con, ld)
    con.close()
    a, b = natural_content(batch_wh), natural_content(seq_wh)
    assert a == b
    rules = {row[1] for row in a["dq"]}
    assert {"link.renumbered", "link.new_task", "link.task_absent"} <= rules, rules
    con = duckdb.connect(str(batch_wh), read_only=True)
    # one transaction for the four reports (not the one-by-one fallback): one ingestion time
    assert con.execute("SELECT count(DISTINCT ingested_at), count(*) FROM dim_report").fetchone() == (1, len(entries))
    # a renumbered task keeps its key: fewer tasks than rows in the plan year
    tasks_2020, rows_2020 = con.execute(
        "SELECT count(DISTINCT f.task_key), count(*) FROM fct_task_progress f JOIN dim_report r USING (report_key) WHERE r.plan_year = 2020"
    ).fetchone()
    con.close()
    assert tasks_2020 < rows_2020


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
