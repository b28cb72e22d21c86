"""Data dictionary: every table, view and column has a COMMENT; docs/warehouse.md is generated from the
catalog and must be up to date; the example queries of docs/analysts.md run against a real warehouse."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.helpers import ROOT
from tests.helpers.analyst import analyst_warehouse, read_only
from warehouse.dictionary import (
    build_dictionary,
    example_queries,
    fill_examples,
    missing_comments,
    read_catalog,
    schema_connection,
)

DOC = ROOT / "docs" / "warehouse.md"
ANALYSTS = ROOT / "docs" / "analysts.md"
runner = CliRunner()


def test_every_table_view_and_column_has_a_comment_and_grain():
    con = schema_connection()
    try:
        rels = read_catalog(con)
    finally:
        con.close()
    missing = missing_comments(rels)
    assert not missing, "add COMMENTs (warehouse/ddl/002_comments.sql for tables, beside the view otherwise):\n" + "\n".join(missing)
    tables = {r.name for r in rels if r.kind == "table"}
    ddl = (ROOT / "warehouse" / "ddl" / "001_tables.sql").read_text(encoding="utf-8")
    assert set(re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", ddl)) <= tables
    assert len(tables) >= 15 and sum(len(r.columns) for r in rels) > 250


def test_docs_warehouse_md_is_up_to_date():
    assert DOC.exists(), "docs/warehouse.md is missing: run `luoshi docs`"
    assert DOC.read_text(encoding="utf-8") == build_dictionary(), "docs/warehouse.md is out of date: run `luoshi docs`"


def test_dictionary_content():
    text = build_dictionary()
    assert "### dim_task" in text and "### v_scorecard_unit" in text
    assert "- **Primary key:** `task_key`" in text
    assert "- **Unique:** `county_key`, `plan_year`, `as_of_date`, `period_type`, `version`" in text
    assert "`report_key` → `dim_report.report_key`" in text
    assert "| `task_text` | VARCHAR | no | The task as stated" in text
    assert "- **Grain:** one row per task in one report (report × task)" in text


def test_generator_covers_relations_added_later():
    con = schema_connection()
    try:
        con.execute("CREATE TABLE fct_new (new_key INTEGER PRIMARY KEY, task_key INTEGER, amount DECIMAL(10, 2))")
        con.execute("CREATE VIEW v_new AS SELECT task_key, count(*) AS n FROM fct_new GROUP BY task_key")
        con.execute("COMMENT ON VIEW v_new IS 'Grain: one row per task. New counts.'")
        con.execute("COMMENT ON COLUMN v_new.n IS 'How many.'")
        rels = read_catalog(con)
        text = build_dictionary(con)
    finally:
        con.close()
    assert "### fct_new" in text and "### v_new" in text and "| `amount` | DECIMAL(10,2) |" in text
    assert "`task_key` → `dim_task.task_key`" in text.split("### fct_new")[1]
    missing = missing_comments(rels)
    assert "table fct_new: no COMMENT" in missing and "column fct_new.amount: no COMMENT" in missing
    assert "column v_new.task_key: no COMMENT" in missing and not any("v_new.n" in m for m in missing)


def test_docs_command_writes_and_checks(tmp_path):
    out = tmp_path / "warehouse.md"
    res = runner.invoke(app, ["docs", "--out", str(out), "--check"])
    assert res.exit_code == 1 and "out of date" in res.output
    res = runner.invoke(app, ["docs", "--out", str(out)])
    assert res.exit_code == 0 and out.read_text(encoding="utf-8") == build_dictionary()
    res = runner.invoke(app, ["docs", "--out", str(out), "--check"])
    assert res.exit_code == 0
    out.write_text(out.read_text(encoding="utf-8").replace("Surrogate key.", "Key."), encoding="utf-8")
    assert runner.invoke(app, ["docs", "--out", str(out), "--check"]).exit_code == 1


@pytest.fixture(scope="module")
def wh(tmp_path_factory, reference_parsed):
    return analyst_warehouse(tmp_path_factory, reference_parsed.records)


def test_analyst_examples_run_and_show_their_columns(wh):
    md = ANALYSTS.read_text(encoding="utf-8")
    queries = example_queries(md)
    assert len(queries) >= 8
    used = " ".join(queries)
    for view in ("v_task_latest", "v_status_counts", "v_scorecard_unit", "v_scorecard_leader", "v_target_actual",
                 "v_task_metric_summary", "v_task_overdue", "v_report_quality"):
        assert view in used, f"no example in docs/analysts.md uses {view}"
    con = read_only(wh)
    try:
        for q in queries:
            cur = con.execute(q)
            cols = [d[0] for d in cur.description]
            rows = cur.fetchall()
            header = "| " + " | ".join(cols) + " |"
            block = md.split(q, 1)[1].split("<!-- /output -->", 1)[0]
            assert header in block, f"docs/analysts.md output of this query has other columns: run `luoshi docs --examples docs/analysts.md`\n{q}"
            if "outcome = 'short'" in q and "v_target_actual" in q and "WITH" not in q:
                assert [r[2] for r in rows] == ["公办幼儿园学位"]  # the scenario's one shortfall
    finally:
        con.close()


def test_examples_refresh_fills_outputs(wh, tmp_path):
    md = tmp_path / "a.md"
    md.write_text("x\n```sql\nSELECT unit_name, tasks FROM v_scorecard_unit WHERE plan_year = 2021 ORDER BY unit_name\n```\n"
                  "<!-- output -->\nstale\n<!-- /output -->\n", encoding="utf-8")
    res = runner.invoke(app, ["docs", "--out", str(tmp_path / "w.md"), "--examples", str(md), "--warehouse", str(wh)])
    assert res.exit_code == 0, res.output
    text = md.read_text(encoding="utf-8")
    assert "stale" not in text and "| unit_name | tasks |" in text and "| 县教体局 | 2 |" in text
    assert fill_examples("no examples here", lambda q: ([], [])) == "no examples here"
