"""Fixtures of the end-to-end crash and concurrency tests: the chaos corpus and what clean runs of it
leave, and the session's Prefect API (the Prefect test harness of tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts import chaos


@pytest.fixture(scope="session")
def golden(prefect_harness, tmp_path_factory) -> tuple[Path, Path, chaos.Golden]:
    """The chaos corpus and what clean runs of it leave (the crash and concurrency tests share it)."""
    return chaos.golden_once(str(tmp_path_factory.getbasetemp() / "chaos-golden"))


@pytest.fixture(scope="session")
def api_url(prefect_harness) -> str:
    from prefect.settings import PREFECT_API_URL

    return str(PREFECT_API_URL.value())
