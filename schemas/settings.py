"""Run settings, read once from the environment: where the warehouse and generated files live, and
how much memory, how large batches and how many workers a run uses.

| variable | default | meaning |
| --- | --- | --- |
| LUOSHI_DATA_DIR | data | generated files: the warehouse, reports, the site, the archive |
| LUOSHI_WAREHOUSE | $LUOSHI_DATA_DIR/warehouse.duckdb | the live DuckDB warehouse file |
| LUOSHI_MEMORY_LIMIT | 512MB | DuckDB buffer memory of one connection (DuckDB size syntax); larger work spills to disk |
| LUOSHI_RUN_MEMORY_LIMIT | 256MB | the same for the connections a pipeline run opens (load, link, checks, report): its process also holds parsed batches |
| LUOSHI_BATCH_SIZE | 100 | reports parsed and loaded together |
| LUOSHI_WORKERS | 1 | local Dask worker processes for parsing (1: no Dask) |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("data")
    warehouse: Path = Path("data/warehouse.duckdb")
    memory_limit: str = "512MB"
    batch_size: int = 100
    workers: int = 1
    run_memory_limit: str = "256MB"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Settings from environment variables (unset or empty: the default); a bad number is an error
        naming the variable."""
        data_dir = Path(env.get("LUOSHI_DATA_DIR") or cls.data_dir)
        return cls(
            data_dir=data_dir,
            warehouse=Path(env.get("LUOSHI_WAREHOUSE") or data_dir / "warehouse.duckdb"),
            memory_limit=env.get("LUOSHI_MEMORY_LIMIT") or cls.memory_limit,
            batch_size=_positive(env, "LUOSHI_BATCH_SIZE", cls.batch_size),
            workers=_positive(env, "LUOSHI_WORKERS", cls.workers),
            run_memory_limit=env.get("LUOSHI_RUN_MEMORY_LIMIT") or cls.run_memory_limit,
        )


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a whole number") from None
    if value < 1:
        raise ValueError(f"{name}={raw!r} must be at least 1")
    return value


@cache
def settings() -> Settings:
    """The settings of this process (the environment is read on the first call)."""
    return Settings.from_env(os.environ)
