"""Least privilege: `luoshi sql` can neither write nor reach outside the warehouse; report text that
looks like HTML or a spreadsheet formula stays inert in every output.

`luoshi sql` refuses every statement that is not a read (its statement check) and opens the file
read-only with DuckDB's external access disabled (no files, no URLs, no extensions), so even a
SELECT cannot touch the file system. The HTML report (`luoshi report`), the tracker site
(`luoshi site`) and `luoshi export` are tested when those commands exist in this tree: a report
cell holding `<script>` or `=HYPERLINK(…)` must come out escaped or neutralized.
"""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.helpers import FIXTURES, REFERENCE, make_load, table_checksums
from transforms.pipeline import parse_report
from warehouse.db import connect
from warehouse.loader import ReportLoad, finish_run, load_reports, start_run

PLANTED = FIXTURES / "nasty" / "formula-and-script-cells.txt"
SCRIPT = "<script>alert('luoshi')</script>"
IMG = "<img src=x onerror=alert(1)>"
FORMULAS = ['=HYPERLINK("http://example.invalid","点击")', "+1+1", "@SUM(A1:A9)", "-2+3 任务", "=cmd|' /C calc'!A0"]
runner = CliRunner()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    """The reference report and a report whose cells hold HTML and spreadsheet formulas."""
    wh = tmp_path_factory.mktemp("lp") / "data" / "warehouse.duckdb"
    con = connect(wh)
    run_key = start_run(con, "test", None)
    load_reports(con, [make_load(REFERENCE.read_bytes())], run_key)
    data = PLANTED.read_bytes()
    parsed = parse_report(data, PLANTED.name, as_of=date(2020, 6, 30), plan_year=2020)
    load_reports(con, [ReportLoad(
        county="测试县", plan_year=2020, as_of=date(2020, 6, 30), period_type="monthly", sha256=hashlib.sha256(data).hexdigest(),
        file_name=f"{SCRIPT}.txt", title=f"测试县 {IMG} 报告", records=parsed.records, findings=parsed.findings, format=parsed.format, parser_version="test",
    )], run_key)
    finish_run(con, run_key, outcome="success", files_seen=2, reports_loaded=2, reports_skipped=0, reports_failed=0, tasks_loaded=133, seconds=1.0, message=None)
    texts = [r[0] for r in con.execute("SELECT task_text FROM dim_task").fetchall()]
    con.close()
    assert any(SCRIPT in t for t in texts) and any(t.startswith("=HYPERLINK") for t in texts)
    return wh


def sql(query: str, wh: Path, *extra: str):
    return runner.invoke(app, ["sql", query, "--warehouse", str(wh), *extra])


REFUSED = [
    "INSERT INTO dim_status VALUES ('x', 'x', 'x', 9, false)",
    "UPDATE dim_task SET task_text = ''",
    "DELETE FROM dim_task",
    "CREATE TABLE evil AS SELECT 1",
    "CREATE VIEW evil AS SELECT 1",
    "DROP TABLE dim_task",
    "ALTER TABLE dim_task ADD COLUMN evil INTEGER",
    "COPY dim_task TO '/tmp/luoshi-leak.csv'",
    "COPY dim_task FROM '/etc/hostname'",
    "EXPORT DATABASE '/tmp/luoshi-leak'",
    "ATTACH '/tmp/luoshi-other.duckdb' AS other",
    "DETACH warehouse",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET enable_external_access = true",
    "PRAGMA enable_external_access = true",
    "PRAGMA profiling_output = '/tmp/luoshi-leak.json'",
    "CALL pragma_version()",
    "CHECKPOINT",
    "VACUUM",
    "CREATE SECRET s (TYPE s3, KEY_ID 'x', SECRET 'y')",
    "SELECT 1; DELETE FROM dim_task",
    "BEGIN TRANSACTION",
]


@pytest.mark.parametrize("statement", REFUSED)
def test_sql_refuses_statements_that_write_or_change_the_session(warehouse, statement):
    res = sql(statement, warehouse)
    assert res.exit_code == 2 and "read-only" in res.output, (statement, res.output)


OUTSIDE = [
    "SELECT * FROM read_csv('/etc/hostname')",
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM read_blob('/etc/hostname')",
    "SELECT * FROM glob('/etc/*')",
    "SELECT * FROM read_parquet('/tmp/*.parquet')",
    "SELECT * FROM read_json_auto('/etc/hostname')",
    "SELECT * FROM sniff_csv('/etc/hostname')",
    "SELECT * FROM read_csv('http://127.0.0.1:9/x.csv')",
    "PRAGMA import_database('/tmp')",
    "IMPORT DATABASE '/tmp'",  # DuckDB parses it as a PRAGMA: the statement check lets it by, the sandbox stops it
]


@pytest.mark.parametrize("query", OUTSIDE)
def test_sql_cannot_read_outside_the_warehouse(warehouse, query):
    res = sql(query, warehouse)
    assert res.exit_code == 1, (query, res.output)
    assert "disabled" in res.output or "Permission" in res.output, res.output


def test_sql_reads_the_warehouse_and_leaves_it_unchanged(warehouse, tmp_path):
    before = table_checksums(warehouse)
    res = sql("SELECT count(*) AS n FROM dim_task", warehouse, "--format", "csv")
    assert res.exit_code == 0 and res.stdout.splitlines() == ["n", "133"]
    res = sql("SELECT current_setting('enable_external_access') AS ext, current_setting('access_mode') AS mode", warehouse, "-f", "json")
    assert res.exit_code == 0 and '"ext": false' in res.stdout and '"mode": "read_only"' in res.stdout
    # a SELECT that would write (advance a sequence) fails on the read-only connection
    res = sql("SELECT nextval('seq_report')", warehouse)
    assert res.exit_code == 1 and "read-only" in res.output.lower().replace("read_only", "read-only")
    # a missing warehouse is not created
    missing = tmp_path / "nowhere" / "w.duckdb"
    res = sql("SELECT 1", missing)
    assert res.exit_code == 2 and not missing.parent.exists()
    assert table_checksums(warehouse) == before
    assert not Path("/tmp/luoshi-leak.csv").exists() and not Path("/tmp/luoshi-leak.json").exists()


def test_sql_prints_report_text_verbatim_as_data(warehouse):
    """`luoshi sql` prints data, not markup: a planted script arrives as the characters it is."""
    res = sql("SELECT task_text FROM dim_task WHERE task_text LIKE '%script%'", warehouse, "-f", "json")
    assert res.exit_code == 0 and "alert('luoshi')" in res.stdout


# --------------------------------------------------------------------------- outputs of other modules


def _command(name: str):
    import typer.main

    cmd = typer.main.get_command(app).commands.get(name)  # type: ignore[attr-defined]
    assert cmd is not None, f"`luoshi {name}` is missing from the command line"
    return cmd


OUT_NAMES = {"out", "output", "out_dir", "output_dir", "dest", "directory", "site_dir", "target", "path", "out_path"}


def _invoke_generic(name: str, wh: Path, out: Path, extra: list[str] | None = None):
    """Run `luoshi NAME` with --warehouse and an output location, whatever they are called."""
    cmd = _command(name)
    args = [name, *(extra or [])]
    for p in cmd.params:
        opt = next((o for o in p.opts if o.startswith("--")), None)
        if p.name == "warehouse" and opt:
            args += [opt, str(wh)]
        elif p.name in OUT_NAMES:
            args += [opt, str(out)] if opt else [str(out)]
    res = runner.invoke(app, args, catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res


def _files(root: Path, suffixes: tuple[str, ...], any_suffix: bool = False) -> list[Path]:
    if not root.is_dir():
        return []
    return [p for p in root.rglob("*") if p.is_file() and (any_suffix or p.suffix.lower() in suffixes)]


@pytest.mark.parametrize("command", ["report", "site"])
def test_html_outputs_escape_report_text(warehouse, tmp_path, command):
    _command(command)
    out = tmp_path / "out"
    res = _invoke_generic(command, warehouse, out)
    # `--out` may name a file (the report) or a folder (the site); printed paths count too
    candidates = ([out] if out.is_file() else _files(out, ("",), any_suffix=True)) + _files(warehouse.parent, (".html", ".htm"))
    candidates += [Path(t) for t in res.output.split() if t.endswith((".html", ".htm")) and Path(t).is_file()]
    bodies = {p: p.read_text(encoding="utf-8", errors="replace") for p in set(candidates)}
    bodies = {p: b for p, b in bodies.items() if "<html" in b[:2000].lower()}
    assert bodies, f"`luoshi {command}` wrote no HTML where this test looks"
    for page, body in bodies.items():
        assert SCRIPT not in body and IMG not in body, f"{page} carries report text as live HTML"
    assert any("&lt;script&gt;" in b or "&lt;img" in b or "\\u003cscript" in b for b in bodies.values()), (
        "the planted report text appears in none of the pages, so escaping was not tested"
    )


def _cells(path: Path) -> list[tuple[str, bool]]:
    """(text, would a spreadsheet run it as a formula) for every cell of a CSV or XLSX file."""
    if path.suffix.lower() == ".csv":
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        return [(c, c[:1] in ("=", "+", "-", "@", "\t", "\r")) for row in csv.reader(io.StringIO(text)) for c in row]
    from openpyxl import load_workbook

    wb = load_workbook(path)
    # in XLSX only a cell stored as a formula runs; text cells (type "s") never do
    return [(str(c.value), c.data_type == "f") for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_neutralize_spreadsheet_formulas(warehouse, tmp_path, fmt):
    cmd = _command("export")
    out = tmp_path / "export"
    extra = []
    names = {p.name for p in cmd.params}
    for key in ("fmt", "format", "formats"):
        if key in names:
            opt = next(o for o in next(p for p in cmd.params if p.name == key).opts if o.startswith("--"))
            extra += [opt, fmt]
    positional = [p for p in cmd.params if not p.opts[0].startswith("-") and p.name not in OUT_NAMES]
    if positional:
        extra += ["dim_task"]
    _invoke_generic("export", warehouse, out, extra)
    files = _files(out, (f".{fmt}",)) + _files(warehouse.parent, (f".{fmt}",))
    assert files, f"`luoshi export` wrote no .{fmt} file where this test looks"
    cells = [c for f in files for c in _cells(f)]
    planted = [(c, live) for c, live in cells if any(marker in c for marker in ("HYPERLINK", "+1+1", "@SUM", "-2+3", "cmd|"))]
    assert planted, "the export does not include the planted task text"
    live = [c for c, is_live in planted if is_live]
    assert not live, f"cells a spreadsheet would run as formulas: {live}"


def test_duckdb_read_only_connection_cannot_write(warehouse):
    """The guarantee under `luoshi sql`, asserted on DuckDB itself."""
    con = duckdb.connect(str(warehouse), read_only=True, config={"enable_external_access": False})
    try:
        with pytest.raises(duckdb.Error):
            con.execute("CREATE TABLE evil AS SELECT 1")
        with pytest.raises(duckdb.Error):
            con.execute("COPY (SELECT 1) TO '/tmp/luoshi-leak.csv'")
        with pytest.raises(duckdb.Error):
            con.execute("SET enable_external_access = true")
    finally:
        con.close()
