"""One palette and one set of labels for the codes people read: the tracker site, the quality report
and the spreadsheet export all take their status colours and their Chinese words from here.

Status colours follow how urgent a status is: 滞后 (behind) red, 未启动 (not started) orange,
推进中 blue, 持续推进 teal, 已完成 green, 无法判断 grey. The codes, their labels and their order
are those of schemas/vocabulary.yaml (which also seeds dim_status); only the colours are kept here.
"""

from __future__ import annotations

from typing import Any

from schemas.vocabulary import labels, statuses

_COLOURS = {
    "completed": "#2e7d32",
    "in_progress": "#1565c0",
    "ongoing": "#00897b",
    "behind": "#c62828",
    "not_started": "#ef6c00",
    "unknown": "#757575",
}
# code → (中文, English, colour), in display order (dim_status.sort_order)
STATUS: dict[str, tuple[str, str, str]] = {
    s.code: (s.label_zh, s.label_en, _COLOURS[s.code]) for s in statuses()
}
STATUS_COLORS: dict[str, str] = {code: color for code, (_, _, color) in STATUS.items()}
STATUS_ZH: dict[str, str] = {code: zh for code, (zh, _, _) in STATUS.items()}
STATUS_EN: dict[str, str] = {code: en for code, (_, en, _) in STATUS.items()}
UNKNOWN_COLOR = STATUS_COLORS["unknown"]

# a light tint of each status colour, for spreadsheet cells (dark text stays readable on it)
STATUS_TINTS: dict[str, str] = {
    "completed": "C8E6C9",
    "in_progress": "BBDEFB",
    "ongoing": "B2DFDB",
    "behind": "FFCDD2",
    "not_started": "FFE0B2",
    "unknown": "E0E0E0",
}

VERDICT_COLORS = {
    "ok": STATUS_COLORS["completed"],
    "warn": STATUS_COLORS["not_started"],
    "fail": STATUS_COLORS["behind"],
}
VERDICT_ZH = {"ok": "通过", "warn": "需注意", "fail": "不通过"}
SEVERITY_COLORS = {
    "error": STATUS_COLORS["behind"],
    "warning": STATUS_COLORS["not_started"],
    "info": "#546e7a",
}
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}

OUTCOME_ZH = {"met": "达标", "short": "未达标", "no_actual": "无实际值", "not_comparable": "无法比较"}
PERIOD_ZH = labels("period_type")
CONFIDENCE_ZH = {"high": "高", "medium": "中", "low": "低"}
TRANSITION_ZH = {
    "improved": "好转",
    "declined": "变差",
    "unchanged": "不变",
    "new": "新增",
    "dropped": "未再报",
    "unclear": "无法判断",
}

# year over year (v_year_over_year.change): code → (中文, English, colour)
CHANGE: dict[str, tuple[str, str, str]] = {
    "finished": ("已完成收尾", "finished", STATUS_COLORS["completed"]),
    "better": ("好转", "better", STATUS_COLORS["in_progress"]),
    "kept": ("延续", "kept", STATUS_COLORS["ongoing"]),
    "worse": ("变差", "worse", STATUS_COLORS["behind"]),
    "dropped": ("未完成即不再列入", "dropped", STATUS_COLORS["not_started"]),
    "new": ("新增", "new", "#5e35b1"),
}
CHANGE_ZH = {code: zh for code, (zh, _, _) in CHANGE.items()}

# Columns whose values are codes, and the Chinese word of each code (`luoshi export --labels zh`).
CODE_VALUES: dict[str, dict[str, str]] = {
    **{
        col: STATUS_ZH
        for col in ("status_code", "last_status", "status_before", "status_after", "from_status", "to_status")
    },
    "outcome": OUTCOME_ZH,
    "period_type": PERIOD_ZH,
    "status_confidence": CONFIDENCE_ZH,
    "transition": TRANSITION_ZH,
    # v_year_over_year's change, and v_responsibility_history's (what changed hands)
    "change": CHANGE_ZH
    | {"leader": "责任领导变更", "lead_unit": "牵头单位变更", "leader+lead_unit": "领导和牵头单位变更"},
    "verdict": VERDICT_ZH,
    "severity": SEVERITY_ZH,
    "link_type": {"continues": "延续", "merge": "合并", "split": "拆分"},
    "method": {"ngram": "文本相似", "crosswalk": "人工对照"},
    "decision": {"accepted": "已确认", "pending": "待审核", "rejected": "已否决"},
    "unit_type": labels("unit_type"),
    "due_basis": {"deadline": "完成时限", "plan_year_end": "计划年底"},
    "comparator": {"at_least": "不低于", "at_most": "不超过", "range": "区间"},
}
STATUS_COLUMNS = frozenset(col for col, values in CODE_VALUES.items() if values is STATUS_ZH)


def status_color(code: Any) -> str:
    return STATUS_COLORS.get(str(code or "unknown"), UNKNOWN_COLOR)


def code_label(column: str, value: Any) -> Any:
    """The Chinese word for VALUE in a code column (是/否 for a boolean); other values unchanged."""
    if isinstance(value, bool):
        return "是" if value else "否"
    values = CODE_VALUES.get(column)
    if values and isinstance(value, str):
        return values.get(value, value)
    return value


# the growth chart of docs/performance.md (render/growth_chart.py): time, memory, the memory limit
GROWTH_COLORS = {
    "time": STATUS_COLORS["in_progress"],
    "memory": STATUS_COLORS["ongoing"],
    "limit": STATUS_COLORS["behind"],
    "axis": SEVERITY_COLORS["info"],
}
