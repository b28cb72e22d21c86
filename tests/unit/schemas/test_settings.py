"""Run settings come from one place (schemas/settings.py), read from the environment."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from schemas.settings import Settings
from tests.helpers import ROOT


def test_defaults_and_overrides():
    assert Settings.from_env({}) == Settings(Path("data"), Path("data/warehouse.duckdb"), "512MB", 100, 1)
    s = Settings.from_env({"LUOSHI_DATA_DIR": "/srv/luoshi", "LUOSHI_MEMORY_LIMIT": "2GB", "LUOSHI_BATCH_SIZE": "25", "LUOSHI_WORKERS": "2"})
    assert s.warehouse == Path("/srv/luoshi/warehouse.duckdb") and (s.memory_limit, s.batch_size, s.workers) == ("2GB", 25, 2)
    assert Settings.from_env({"LUOSHI_DATA_DIR": "x", "LUOSHI_WAREHOUSE": "y/w.duckdb"}).warehouse == Path("y/w.duckdb")
    assert Settings.from_env({}).run_memory_limit == "256MB"
    assert Settings.from_env({"LUOSHI_RUN_MEMORY_LIMIT": "1GB"}).run_memory_limit == "1GB"


def test_a_runs_connections_have_the_smaller_memory_limit(tmp_path):
    """The pipeline's connections (warehouse.db.connect_for_run) get LUOSHI_RUN_MEMORY_LIMIT, an
    analyst's (connect) LUOSHI_MEMORY_LIMIT: DuckDB reports each as its own setting."""
    from warehouse.db import connect, connect_for_run

    def limit_mib(con):
        value = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
        con.close()
        number, unit = value.split()
        return float(number) * {"MiB": 1, "GiB": 1024}[unit]

    wh = tmp_path / "w.duckdb"
    run, analyst = limit_mib(connect_for_run(wh)), limit_mib(connect(wh))
    assert 200 < run < 300 and 450 < analyst < 550, (run, analyst)


@pytest.mark.parametrize("value", ["0", "ten", "-3"])
def test_a_bad_number_names_the_variable(value):
    with pytest.raises(ValueError, match=f"LUOSHI_BATCH_SIZE={value!r}"):
        Settings.from_env({"LUOSHI_BATCH_SIZE": value})


def test_no_other_module_reads_the_environment_or_names_the_warehouse_file():
    """Only schemas/settings.py reads LUOSHI_* settings and spells the default warehouse path
    (the fault hooks read LUOSHI_FAULT, a test hook, not a setting); the flows included."""
    wrong = []
    for pkg in ("cli", "flows", "render", "schemas", "sources", "transforms", "warehouse"):
        for path in (ROOT / pkg).rglob("*.py"):
            if path.name == "settings.py" and pkg == "schemas":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    if node.value in {"data/warehouse.duckdb", "LUOSHI_DUCKDB_MEMORY"} or (
                        node.value.startswith("LUOSHI_") and node.value != "LUOSHI_FAULT"
                    ):
                        wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value}")
    assert not wrong, wrong


def test_flow_parameters_default_to_the_settings():
    """The warehouse, batch size and workers of a flow or task default to None, read from the
    settings when the run starts, not to numbers or paths written into the flows."""
    wrong = []
    for path in (ROOT / "flows").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef):
                continue
            args = node.args.args + node.args.kwonlyargs
            defaults = [None] * (len(node.args.args) - len(node.args.defaults)) + node.args.defaults + node.args.kw_defaults
            for arg, default in zip(args, defaults, strict=True):
                if arg.arg in {"warehouse", "batch_size", "workers"} and default is not None:
                    if not (isinstance(default, ast.Constant) and default.value is None):
                        wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}({arg.arg}={ast.unparse(default)})")
    assert not wrong, wrong
