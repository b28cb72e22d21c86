"""Loading reports into a real DuckDB file: counts, idempotency, replacement, batches (one report
is a batch of one) and the fallback that rejects a bad report alone."""

from __future__ import annotations

import hashlib
from datetime import date

import duckdb
import pytest

from scripts.gen_corpus import synthetic_report
from tests.helpers import FIXTURES, make_load, natural_content, synthetic_loads, table_checksums
from transforms.pipeline import parse_report, prepare_report, validate_reports
from warehouse.db import connect
from warehouse.loader import LoadRejected, ReportLoad, load_reports, run_checks


def test_load_counts(warehouse_path, reference_bytes):
    con = connect(warehouse_path)
    res = load_reports(con, [make_load(reference_bytes)])[0]
    assert res.outcome == "loaded" and res.tasks == 130
    q = lambda s: con.execute(s).fetchall()  # noqa: E731
    assert q("SELECT table_no, count(*) FROM dim_task GROUP BY 1 ORDER BY 1") == [(1, 10), (2, 120)]
    assert q("SELECT count(*) FROM fct_task_progress")[0][0] == 130
    assert q("SELECT count(*) FROM fct_task_progress WHERE line_start IS NULL OR report_key IS NULL")[0][0] == 0
    # leaders of 其他 29 through the bridge, in position order
    assert q(
        "SELECT list(l.leader_name ORDER BY b.position) FROM bridge_task_leader b JOIN dim_leader l USING (leader_key) "
        "JOIN dim_task t USING (task_key) WHERE t.table_no = 2 AND t.seq = 29"
    )[0][0] == ["厉有明", "吴诚"]
    assert q("SELECT unit_type FROM dim_unit WHERE unit_name = '各乡镇政府'")[0][0] == "collective"
    assert q("SELECT count(*) FROM dim_unit WHERE unit_name IN ('县卫建委', '县人社委', '科技局')")[0][0] == 0
    assert q("SELECT count(*) FROM dim_section")[0][0] == 18  # table 1 (no headings) + 17 in table 2
    assert q("SELECT count(*) FROM dq_issue WHERE rule = 'repair.split_row_rejoined'")[0][0] == 6
    con.close()


def test_reingest_same_file_changes_nothing(warehouse_path, reference_bytes):
    con = connect(warehouse_path)
    load_reports(con, [make_load(reference_bytes)])
    con.close()
    before = table_checksums(warehouse_path)
    con = connect(warehouse_path)
    res = load_reports(con, [make_load(reference_bytes)])[0]
    con.close()
    assert res.outcome == "skipped"
    assert table_checksums(warehouse_path) == before


def _task_one(con: duckdb.DuckDBPyConnection, report_key: int) -> str:
    """Progress text of task 1 of table 1 in one report version."""
    return con.execute(
        "SELECT progress_text FROM fct_task_progress f JOIN dim_task t USING (task_key) "
        "WHERE t.table_no = 1 AND t.seq = 1 AND f.report_key = ?",
        [report_key],
    ).fetchone()[0]


def _latest_task_one(con: duckdb.DuckDBPyConnection) -> tuple[str, int, int]:
    """What the views say of task 1 of table 1: latest progress text, its report, reports seen."""
    return con.execute(
        "SELECT v.progress_text, v.report_key, v.reports_seen FROM v_task_latest v WHERE v.table_no = 1 AND v.seq = 1"
    ).fetchone()


def _findings(con: duckdb.DuckDBPyConnection, rule: str) -> list[tuple]:
    return con.execute("SELECT report_key, severity FROM dq_issue WHERE rule = ? ORDER BY report_key", [rule]).fetchall()


CHANGED = ("新增义务教育学位5500个".encode(), "新增义务教育学位5600个".encode())


def test_a_changed_file_adds_a_version_and_the_views_read_the_latest(warehouse_path, reference_bytes):
    con = connect(warehouse_path)
    first = load_reports(con, [make_load(reference_bytes)])[0]
    changed = reference_bytes.replace(*CHANGED)
    assert changed != reference_bytes
    second = load_reports(con, [make_load(changed)])[0]
    assert second.outcome == "new_version" and second.report_key != first.report_key and second.tasks == 130
    # two versions of one report: the first kept, no longer current, superseded by the second
    assert con.execute("SELECT report_key, version, is_current, superseded_by FROM dim_report ORDER BY version").fetchall() == [
        (first.report_key, 1, False, second.report_key),
        (second.report_key, 2, True, None),
    ]
    # the earlier facts stay queryable by their report key; the tasks are the same tasks
    assert con.execute("SELECT count(*) FROM fct_task_progress").fetchone()[0] == 2 * 130
    assert con.execute("SELECT count(*) FROM dim_task").fetchone()[0] == 130
    assert "5500个" in _task_one(con, first.report_key) and "5600个" in _task_one(con, second.report_key)
    # the views and task_current read the current version only
    text, key, seen = _latest_task_one(con)
    assert "5600个" in text and key == second.report_key and seen == 1
    assert con.execute("SELECT DISTINCT report_key FROM v_status_history").fetchall() == [(second.report_key,)]
    assert con.execute("SELECT report_key FROM v_report_quality").fetchall() == [(second.report_key,)]
    assert con.execute("SELECT count(*) FROM v_target_actual WHERE report_key = ?", [first.report_key]).fetchone()[0] == 0
    # one finding on the new version; each version keeps its own load findings
    assert _findings(con, "report.new_version") == [(second.report_key, "info")]
    n_dq = con.execute("SELECT count(*) FROM dq_issue WHERE report_key = ? AND rule <> 'report.new_version'", [second.report_key]).fetchone()[0]
    assert n_dq == len(make_load(changed).findings)
    assert run_checks(con, "error") == []
    con.close()


def test_an_earlier_version_arriving_again_is_refused_unless_forced(warehouse_path, reference_bytes):
    con = connect(warehouse_path)
    first = load_reports(con, [make_load(reference_bytes)])[0]
    changed = reference_bytes.replace(*CHANGED)
    second = load_reports(con, [make_load(changed)])[0]
    # the older file again: refused, with a finding on the version it is; nothing else changes
    for _ in range(2):  # twice: still one finding for that version
        again = load_reports(con, [make_load(reference_bytes)])[0]
        assert again.outcome == "refused" and again.report_key == first.report_key
        assert "refused" in again.message and "version 1" in again.message
    assert _findings(con, "report.old_version_refused") == [(first.report_key, "warning")]
    assert "5600个" in _latest_task_one(con)[0]
    assert con.execute("SELECT report_key FROM dim_report WHERE is_current").fetchall() == [(second.report_key,)]
    # forced: the earlier version is current again, the later one kept and superseded by it
    forced = load_reports(con, [make_load(reference_bytes)], force=True)[0]
    assert forced.outcome == "reinstated" and forced.report_key == first.report_key
    assert con.execute("SELECT report_key, is_current, superseded_by FROM dim_report ORDER BY version").fetchall() == [
        (first.report_key, True, None),
        (second.report_key, False, first.report_key),
    ]
    text, key, seen = _latest_task_one(con)
    assert "5500个" in text and key == first.report_key and seen == 1
    assert _findings(con, "report.version_reinstated") == [(first.report_key, "warning")]
    assert con.execute("SELECT count(*) FROM fct_task_progress").fetchone()[0] == 2 * 130
    assert run_checks(con, "error") == []
    # now the later file is the earlier version: refused in its turn; the same content again is skipped
    assert load_reports(con, [make_load(changed)])[0].outcome == "refused"
    assert load_reports(con, [make_load(reference_bytes)])[0].outcome == "skipped"
    # a third file: version 3, superseding the current version 1
    third = load_reports(con, [make_load(reference_bytes.replace("吴 诚".encode(), "吴诚".encode()))])[0]
    assert third.outcome == "new_version"
    assert con.execute("SELECT version, is_current, superseded_by FROM dim_report ORDER BY version").fetchall() == [
        (1, False, third.report_key),
        (2, False, first.report_key),
        (3, True, None),
    ]
    con.close()


def test_a_warehouse_built_before_versions_is_migrated(tmp_path, reference_bytes):
    """dim_report with the old UNIQUE (county, plan year, as-of, period): its rows come back as
    version 1, current, and a changed file can add version 2."""
    wh = tmp_path / "old.duckdb"
    con = connect(wh)
    load_reports(con, [make_load(reference_bytes)])
    # rebuild dim_report as an older warehouse had it
    con.execute("CREATE TABLE r AS SELECT * EXCLUDE (version, is_current, superseded_by) FROM dim_report")
    con.execute("DROP TABLE dim_report")
    con.execute("""
        CREATE TABLE dim_report (
            report_key INTEGER PRIMARY KEY DEFAULT nextval('seq_report'), county_key INTEGER NOT NULL,
            plan_year INTEGER NOT NULL, as_of_date DATE NOT NULL, period_type VARCHAR NOT NULL, title VARCHAR,
            source_uri VARCHAR, file_name VARCHAR, sha256 VARCHAR NOT NULL, raw_path VARCHAR, format VARCHAR,
            parser_version VARCHAR, metadata_source VARCHAR, task_count INTEGER, ingested_at TIMESTAMP NOT NULL,
            progress_column VARCHAR, UNIQUE (county_key, plan_year, as_of_date, period_type)
        )""")
    con.execute("INSERT INTO dim_report SELECT * FROM r")
    con.execute("DELETE FROM schema_version")
    con.close()
    con = connect(wh)
    assert con.execute("SELECT version, is_current, superseded_by, task_count FROM dim_report").fetchall() == [(1, True, None, 130)]
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'dim_report_before_versions'").fetchone()[0] == 0
    res = load_reports(con, [make_load(reference_bytes.replace(*CHANGED))])[0]
    assert res.outcome == "new_version"
    assert con.execute("SELECT version, is_current FROM dim_report ORDER BY version").fetchall() == [(1, False), (2, True)]
    con.close()


def test_error_check_rolls_the_report_back(warehouse_path, reference_bytes, monkeypatch, tmp_path):
    """An error-level check failing inside the transaction leaves the warehouse as it was."""
    con = connect(warehouse_path)
    load_reports(con, [make_load(reference_bytes)])
    con.close()
    before = table_checksums(warehouse_path)
    # a second, different report that violates an invariant added for this test
    import warehouse.loader as loader

    checks = tmp_path / "checks"
    checks.mkdir()
    for p in loader.check_files():
        (checks / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    (checks / "zz_no_task_seven.sql").write_text(
        "-- severity: error\nSELECT task_key FROM dim_task WHERE plan_year = 2021 AND seq = 7;\n", encoding="utf-8"
    )
    monkeypatch.setattr(loader, "CHECKS_DIR", checks)
    other = make_load(reference_bytes.replace("吴 诚".encode(), "吴诚".encode()))
    other.plan_year = 2021
    other.as_of = date(2021, 11, 30)
    con = connect(warehouse_path)
    rejected = load_reports(con, [other])[0]
    con.close()
    assert isinstance(rejected, LoadRejected) and "zz_no_task_seven" in str(rejected)
    assert table_checksums(warehouse_path) == before


def test_the_schema_files_run_again_only_when_they_change(tmp_path, monkeypatch):
    import warehouse.db as db

    wh = tmp_path / "w.duckdb"
    db.connect(wh).close()
    con = duckdb.connect(str(wh))
    assert con.execute("SELECT fingerprint FROM schema_version").fetchall() == [(db.schema_fingerprint(),)]
    con.execute("DROP VIEW v_report_quality")  # a leaf view
    con.close()
    db.connect(wh).close()  # same files: the DDL is not run again, so the view stays dropped
    con = duckdb.connect(str(wh))
    assert con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = 'v_report_quality'").fetchone()[0] == 0
    con.close()
    monkeypatch.setattr(db, "schema_fingerprint", lambda: "changed files")
    db.connect(wh).close()  # changed files: everything runs again
    con = duckdb.connect(str(wh))
    assert con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = 'v_report_quality'").fetchone()[0] == 1
    assert con.execute("SELECT fingerprint FROM schema_version").fetchall() == [("changed files",)]
    con.close()


def test_checks_after_a_load_look_at_that_loads_reports_and_still_catch_their_faults(warehouse_path, reference_bytes):
    from warehouse.loader import run_checks

    con = connect(warehouse_path)
    key = load_reports(con, [make_load(reference_bytes)])[0].report_key
    assert run_checks(con, "error", [key]) == [] and run_checks(con, "error") == []
    # plant what a loader bug could do: a task of the report without its progress row (its bridge
    # rows now lie outside the reports that carry it), a leader bridge row pointing at no leader
    con.execute("BEGIN TRANSACTION")
    task = con.execute("SELECT min(task_key) FROM fct_task_progress WHERE report_key = ?", [key]).fetchone()[0]
    con.execute("DELETE FROM fct_task_progress WHERE report_key = ? AND task_key = ?", [key, task])
    con.execute(
        "INSERT INTO bridge_task_leader (report_key, task_key, leader_key, role, position, line_start, line_end) "
        "VALUES (?, ?, 999999, 'responsible', 9, 1, 1)",
        [key, task],
    )
    scoped = {v["check"] for v in run_checks(con, "error", [key])}
    other = {v["check"] for v in run_checks(con, "error", [key + 1000])}
    everything = {v["check"] for v in run_checks(con, "error")}
    con.execute("ROLLBACK")
    con.close()
    planted = {"one_progress_per_task", "fk_bridges", "bridges_in_progress"}
    assert planted <= scoped
    assert not planted & other  # another report's rows are not looked at
    assert planted <= everything


def test_task_current_is_rebuilt_from_the_facts_and_checked(warehouse_path, reference_bytes, monkeypatch):
    """task_current (the loader-kept latest row per task) is rebuilt when the schema files change,
    and the consistency check catches a row that disagrees with the facts."""
    import warehouse.db as db
    from warehouse.loader import run_checks

    con = connect(warehouse_path)
    key = load_reports(con, [make_load(reference_bytes)])[0].report_key
    want = con.execute("SELECT * FROM task_current ORDER BY task_key").fetchall()
    assert len(want) == 130
    assert con.execute(
        "SELECT count(*) FROM task_current c JOIN fct_task_progress f USING (task_key, report_key) "
        "WHERE c.status_code = f.status_code AND c.progress_text IS NOT DISTINCT FROM f.progress_text"
    ).fetchone()[0] == 130
    con.execute("BEGIN TRANSACTION")
    con.execute("UPDATE task_current SET status_code = 'completed' WHERE status_code <> 'completed' AND task_key = "
                "(SELECT min(task_key) FROM task_current WHERE status_code <> 'completed')")
    assert {v["check"] for v in run_checks(con, "error", [key])} == {"task_current_consistent"}
    assert {v["check"] for v in run_checks(con, "error")} == {"task_current_consistent"}
    con.execute("ROLLBACK")
    con.execute("DELETE FROM task_current")  # as a warehouse built before the table existed
    con.close()
    monkeypatch.setattr(db, "schema_fingerprint", lambda: "changed files")
    con = connect(warehouse_path)
    assert con.execute("SELECT * FROM task_current ORDER BY task_key").fetchall() == want
    assert run_checks(con, "error") == []
    con.close()


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


def test_a_batch_loads_every_report_and_the_same_batch_again_is_skipped(tmp_path):
    indices = [0, 1, 2, 130, 131]  # two counties, several months of one plan year
    wh = tmp_path / "batch.duckdb"
    con = connect(wh)
    results = load_reports(con, synthetic_loads(indices))
    con.close()
    assert [r.outcome for r in results] == ["loaded"] * 5
    a = natural_content(wh)
    assert len(a["progress"]) == 5 * 130 and len(a["tasks"]) == 2 * 130
    # the same batch again: every report skipped, nothing written
    con = connect(wh)
    again = load_reports(con, synthetic_loads(indices))
    con.close()
    assert [r.outcome for r in again] == ["skipped"] * 5
    assert natural_content(wh) == a


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
    results = load_reports(con, synthetic_loads([0, 1, 2]))
    con.close()
    assert isinstance(results[1], LoadRejected) and "zz_no_february" in str(results[1])
    assert [results[0].outcome, results[2].outcome] == ["loaded", "loaded"]
    content = natural_content(wh)
    assert sorted({row[3] for row in content["reports"]}) == [synthetic_report(0).as_of, synthetic_report(2).as_of]
    assert all(row[1] != culprit.as_of for row in content["progress"])
    assert len(content["progress"]) == 2 * 130


@pytest.mark.parametrize("size", [1, 50])
def test_batch_size_does_not_change_what_is_loaded(tmp_path, size):
    wh = tmp_path / f"w{size}.duckdb"
    con = connect(wh)
    loads = synthetic_loads([0, 1, 2])
    for i in range(0, len(loads), size):
        load_reports(con, loads[i : i + size])
    con.close()
    assert len(natural_content(wh)["progress"]) == 3 * 130


def test_a_batch_matches_a_plan_years_renumbered_and_reworded_tasks(tmp_path):
    """Reports of one plan year in one batch: each report's rows are matched to the tasks the
    earlier ones defined (renumbered, reworded, new, absent)."""
    import yaml

    periods = FIXTURES / "periods"
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

    batch_wh = tmp_path / "batch.duckdb"
    con = connect(batch_wh)
    results = load_reports(con, loads())
    con.close()
    assert [r.outcome for r in results] == ["loaded"] * len(entries)
    a = natural_content(batch_wh)
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


def test_a_finding_about_a_report_version_counts_once_whatever_the_runs(warehouse_path, reference_bytes):
    """The quality step of two runs finds the same thing in the same report: one finding. A
    finding about no report (the warehouse as a whole) stays one per run."""
    from warehouse.loader import record_run_findings, start_run

    con = connect(warehouse_path)
    key = load_reports(con, [make_load(reference_bytes)])[0].report_key
    about = {"report_key": key, "table_no": 2, "seq": "29", "line_start": 100, "line_end": 101, "stage": "check",
             "rule": "check.unit_type_unknown", "severity": "warning", "message": "unit of unknown type", "mapping_file": None}
    general = {**about, "report_key": None, "table_no": None, "seq": None, "line_start": None, "line_end": None,
               "stage": "gx", "rule": "gx.sampled", "message": "sampled"}
    for _ in range(2):
        record_run_findings(con, start_run(con, "quality", None), [about, general])
    q = "SELECT count(*) FROM dq_issue WHERE rule = ?"
    assert con.execute(q, ["check.unit_type_unknown"]).fetchone()[0] == 1
    assert con.execute(q, ["gx.sampled"]).fetchone()[0] == 2
    con.close()


def test_versions_in_one_batch_are_decided_in_order(warehouse_path, reference_bytes):
    """Original, correction, original again in one call: loaded, new version, refused."""
    con = connect(warehouse_path)
    changed = reference_bytes.replace(*CHANGED)
    results = load_reports(con, [make_load(reference_bytes), make_load(changed), make_load(reference_bytes)])
    assert [r.outcome for r in results] == ["loaded", "new_version", "refused"]
    assert con.execute("SELECT version, is_current FROM dim_report ORDER BY version").fetchall() == [(1, False), (2, True)]
    # and when the original was already current before the call
    results = load_reports(con, [make_load(reference_bytes.replace("吴 诚".encode(), "吴诚".encode())), make_load(changed)])
    assert [r.outcome for r in results] == ["new_version", "refused"]
    con.close()
