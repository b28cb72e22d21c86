"""schemas/quality.yaml, the data-quality thresholds and severities, read once per process."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

QUALITY_FILE = Path(__file__).resolve().parent / "quality.yaml"


@cache
def quality_config() -> dict[str, Any]:
    """The whole of schemas/quality.yaml (an empty file reads as no settings)."""
    return yaml.safe_load(QUALITY_FILE.read_text(encoding="utf-8")) or {}
