"""`luoshi sql`: read-only, refuses writes with a clear message, prints a table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.helpers import table_checksums
from tests.helpers.analyst import analyst_warehouse

runner = CliRunner()


@pytest.fixture(scope="module")
def wh(tmp_path_factory, reference_parsed):
    return analyst_warehouse(tmp_path_factory, reference_parsed.records)


def sql(wh, query, *args):
    return runner.invoke(app, ["sql", query, "--warehouse", str(wh), *args])


def test_table_csv_and_json(wh):
    q = "SELECT status_code, tasks FROM v_status_counts WHERE plan_year = 2020 ORDER BY sort_order"
    res = sql(wh, q)
    assert res.exit_code == 0, res.output
    assert "status_code" in res.output and "completed" in res.output

    res = sql(wh, q, "--format", "csv")
    assert res.exit_code == 0, res.output
    got = list(csv.reader(io.StringIO(res.stdout)))
    assert got[0] == ["status_code", "tasks"]
    assert len(got) == 7 and sum(int(n) for _, n in got[1:]) == 130

    res = sql(wh, "SELECT task_key, county_name, as_of_date, task_text FROM v_task_latest WHERE plan_year = 2020 ORDER BY task_key LIMIT 2", "-f", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [d["county_name"] for d in data] == ["吉水县", "吉水县"]
    assert data[0]["as_of_date"] == "2020-11-30" and "义务教育" in data[0]["task_text"]  # Chinese not \u-escaped
    assert "义务教育" in res.stdout


@pytest.mark.parametrize(
    "query",
    [
        "INSERT INTO dim_unit (unit_name, unit_type) VALUES ('x', 'other')",
        "DELETE FROM dim_task",
        "DROP TABLE dim_task",
        "CREATE TABLE t AS SELECT 1",
        "UPDATE dim_task SET seq = 0",
        "COPY dim_task TO 'out.csv'",
        "ATTACH 'other.duckdb' AS o",
        "SET threads = 1",
        "SELECT 1; DROP VIEW v_task_latest",
        "INSTALL excel",
    ],
)
def test_refuses_statements_that_write(wh, query):
    before = table_checksums(wh)
    res = sql(wh, query)
    assert res.exit_code == 2
    assert "refused" in res.output and "read-only" in res.output
    assert table_checksums(wh) == before


def test_no_file_access_from_sql(wh, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read", encoding="utf-8")
    res = sql(wh, f"SELECT * FROM read_text('{secret}')")
    assert res.exit_code == 1
    assert "do not read" not in res.output


def test_clear_errors(wh, tmp_path):
    res = runner.invoke(app, ["sql", "SELECT 1", "--warehouse", str(tmp_path / "none.duckdb")])
    assert res.exit_code == 2 and "no warehouse" in res.output
    res = sql(wh, "SELECT 1", "--format", "xml")
    assert res.exit_code == 2
    res = sql(wh, "SELECT * FROM no_such_table")
    assert res.exit_code == 1 and "no_such_table" in res.output


def test_clear_error_while_a_writer_holds_the_lock(wh, tmp_path):
    import shutil
    import subprocess
    import sys

    copy = tmp_path / "busy.duckdb"
    shutil.copy(wh, copy)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); time.sleep(30)", str(copy)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        res = sql(copy, "SELECT 1")
        assert res.exit_code == 1 and "cannot open" in res.output and "Traceback" not in res.output
    finally:
        holder.kill()
        holder.wait()


def test_csv_is_formula_safe(wh):
    from tests.helpers.analyst import FORMULA_PROJECT

    res = sql(wh, "SELECT project, -3 AS n FROM v_task_latest WHERE project IS NOT NULL ORDER BY task_key", "--format", "csv")
    assert res.exit_code == 0, res.output
    got = list(csv.reader(io.StringIO(res.stdout)))
    assert ["'" + FORMULA_PROJECT, "-3"] in got[1:]  # the text is neutralized, the number stays a number
    assert not any(v.startswith(("=", "+", "@")) for row in got for v in row)


def test_csv_neutralizes_formulas_in_values_and_headers(wh):
    cells = ["=1+1", "+x", "-x", "@x", "\tx", "\rx"]
    select = ", ".join(f"'{c}' AS \"{c}\"" for c in cells)
    res = sql(wh, f"SELECT {select}, 'plain' AS plain, -3 AS n", "--format", "csv")
    assert res.exit_code == 0, res.output
    header, row = list(csv.reader(io.StringIO(res.stdout, newline="")))
    assert header == ["'" + c for c in cells] + ["plain", "n"]
    assert row == ["'" + c for c in cells] + ["plain", "-3"]  # a number stays a number


@pytest.mark.parametrize("query", ["SELECT 1; SELECT 2", "SELECT 1 AS a;SELECT 2 AS b;", "SELECT 42; PRAGMA version"])
def test_more_than_one_statement_is_refused(wh, query):
    res = sql(wh, query)
    assert res.exit_code == 2
    assert "one statement" in res.output and "2" in res.output
    assert "42" not in res.output.replace(query, "")  # nothing was run


def test_markup_in_values_and_names_is_printed_as_text(wh):
    res = sql(wh, "SELECT '[/x] [bold]a[/bold]' AS \"[red]h\"")
    assert res.exit_code == 0, res.output
    assert "[/x] [bold]a[/bold]" in res.output and "[red]h" in res.output
    res = sql(wh, "SELECT * FROM \"[/x]\"")
    assert res.exit_code == 1 and "[/x]" in res.output and "Traceback" not in res.output
