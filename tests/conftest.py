"""Shared fixtures: the real sample reports, a fresh warehouse file, the Prefect test harness.
What is shared but not a fixture is in tests/helpers/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers import REFERENCE, ROOT

os.environ.setdefault("PREFECT_HOME", str(ROOT / ".prefect"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


@pytest.fixture(scope="session")
def reference_bytes() -> bytes:
    return REFERENCE.read_bytes()


@pytest.fixture(scope="session")
def reference_parsed(reference_bytes):
    from datetime import date

    from transforms.pipeline import parse_report

    return parse_report(reference_bytes, REFERENCE.name, as_of=date(2020, 11, 30), plan_year=2020, period_type="year_end")


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect server for the whole session (about 12 s once)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture()
def warehouse_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "warehouse.duckdb"
