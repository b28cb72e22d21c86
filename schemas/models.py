"""pandera contracts for every hand-off (validated lazily: one run reports every bad row).

A frame-wide check's error text starts with its name and a colon: that name is the rule key in
schemas/quality.yaml (e.g. ``TaskRecord.someone_responsible``).
"""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from schemas.vocabulary import CONFIDENCES, DEADLINE_BASES, ROLES, STATUS_CODES, UNIT_TYPES


class RawTaskRow(pa.DataFrameModel):
    """A task row as the layout step rebuilt it."""

    table_no: Series[int] = pa.Field(ge=1)
    seq: Series[int] = pa.Field(ge=1, le=99999)  # readers.max_seq in schemas/quality.yaml
    sub_seq: Series[int] = pa.Field(ge=0)  # 0: the item's own row; 1, 2, …: its further targets
    task_text: Series[str] = pa.Field(str_length={"min_value": 2})
    line_start: Series[int] = pa.Field(ge=1)
    line_end: Series[int] = pa.Field(ge=1)

    @pa.dataframe_check(error="span_ordered: line_end is before line_start")
    def span_ordered(cls, df):  # noqa: N805
        return df["line_end"] >= df["line_start"]

    class Config:
        strict = True
        coerce = True


class TaskRecord(pa.DataFrameModel):
    """A normalized task record (one per task per report)."""

    table_no: Series[int] = pa.Field(ge=1)
    seq: Series[int] = pa.Field(ge=1)
    sub_seq: Series[int] = pa.Field(ge=0)
    task_text: Series[str] = pa.Field(str_length={"min_value": 2})
    status: Series[str] = pa.Field(isin=STATUS_CODES)
    status_confidence: Series[str] = pa.Field(isin=CONFIDENCES)
    expected_progress: Series[float] = pa.Field(ge=0, le=1, nullable=True)
    deadline_date: Series[pa.DateTime] = pa.Field(nullable=True)
    deadline_basis: Series[str] = pa.Field(isin=DEADLINE_BASES, nullable=True)
    # a stated share above 100 % is possible (完工率达102.07%); ten times the target is a misreading
    reported_pct: Series[float] = pa.Field(ge=0, le=10, nullable=True)
    pct_gap: Series[float] = pa.Field(ge=-1, le=10, nullable=True)
    n_leaders: Series[int] = pa.Field(ge=0)
    n_units: Series[int] = pa.Field(ge=0)

    @pa.dataframe_check(error="someone_responsible: a task has no responsible unit and no leader")
    def someone_responsible(cls, df):  # noqa: N805
        return (df["n_units"] + df["n_leaders"]) > 0

    @pa.dataframe_check(error="standing_without_date: a standing duty has a deadline date")
    def standing_without_date(cls, df):  # noqa: N805
        return ~((df["deadline_basis"] == "standing_duty") & df["deadline_date"].notna())

    class Config:
        strict = True
        coerce = True


class _StagedRow(pa.DataFrameModel):
    """The columns every staging frame of the loader starts with; in a batch, `ord` is a row's report
    and `pos` its place among that report's rows."""

    ord: Series[int] | None = pa.Field(ge=0)
    pos: Series[int] | None = pa.Field(ge=0)
    table_no: Series[int] = pa.Field(ge=1)
    seq: Series[int] = pa.Field(ge=1)
    sub_seq: Series[int] = pa.Field(ge=0)


class UnitRow(_StagedRow):
    """A unit as the loader stages it for dim_unit / bridge_task_unit (warehouse/loader.py, st_units)."""

    unit_name: Series[str] = pa.Field(str_length={"min_value": 2, "max_value": 60})
    unit_type: Series[str] = pa.Field(isin=UNIT_TYPES)
    role: Series[str] = pa.Field(isin=ROLES)
    position: Series[int] = pa.Field(ge=1)
    line_start: Series[int] = pa.Field(ge=1)
    line_end: Series[int] = pa.Field(ge=1)

    class Config:
        strict = True


class LeaderRow(_StagedRow):
    """A leader as the loader stages it for dim_leader / bridge_task_leader (st_leaders)."""

    leader_name: Series[str] = pa.Field(str_length={"min_value": 2, "max_value": 30})
    is_role: Series[bool]
    position: Series[int] = pa.Field(ge=1)
    line_start: Series[int] = pa.Field(ge=1)
    line_end: Series[int] = pa.Field(ge=1)

    class Config:
        strict = True
