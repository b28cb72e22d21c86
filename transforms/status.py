"""Status of a task record (DESIGN.md "Status"). Until phrase rules exist every status is unknown."""

from __future__ import annotations

from datetime import date

from transforms.grid import Finding
from transforms.normalize import TaskRecord


def expected_progress(as_of: date | None, plan_year: int | None) -> float | None:
    """序时进度: month m of the plan year → m/12; after the plan year → 1.0."""
    if as_of is None or plan_year is None:
        return None
    if as_of.year < plan_year:
        return 0.0
    if as_of.year > plan_year:
        return 1.0
    return round(as_of.month / 12, 4)


def annotate_record(record: TaskRecord, as_of: date | None, plan_year: int | None) -> list[Finding]:
    record.expected_progress = expected_progress(as_of, plan_year)
    record.status = "unknown"
    record.status_evidence = None
    record.status_confidence = "low"
    return []
