"""Deadlines: a 完成时限 cell or a deadline phrase in the task text → its text and its date.

``find_deadline(text, plan_year)`` reads 2021年12月, 6月底前, 年底前, 年内, 全年, 三季度, 上半年,
9月投入使用, 2023年6月30日 …; a standing duty's 长期坚持 / 持续推进 has no deadline. The phrases are
in schemas/mappings/deadlines.yaml; a phrase without a year takes the plan year's.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache

from transforms.mappings import _load
from transforms.memo import remembered

CN_NUM = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "十一": 11,
    "十二": 12,
}


@dataclass(frozen=True)
class Deadline:
    text: str  # the phrase as written
    date: date | None  # the last day it allows; None for a standing duty or without a plan year
    standing: bool = False


@dataclass(frozen=True)
class DeadlineRules:
    standing: re.Pattern[str]
    year_end: re.Pattern[str]
    half: re.Pattern[str]
    quarter: re.Pattern[str]
    full_date: re.Pattern[str]
    month: re.Pattern[str]


@cache
def deadline_rules() -> DeadlineRules:
    d = _load("deadlines")
    return DeadlineRules(
        standing=re.compile("|".join(d["standing"])),
        year_end=re.compile("|".join(d["year_end"])),
        half=re.compile(d["half_year"]),
        quarter=re.compile(d["quarter"]),
        full_date=re.compile(d["full_date"]),
        month=re.compile(d["month"]),
    )


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _num(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    return CN_NUM.get(token)


@remembered
@lru_cache(maxsize=8192)
def _candidates(text: str, plan_year: int | None) -> tuple[tuple[int, Deadline], ...]:
    """Every deadline phrase of the text with its position, remembered: a report asks twice for
    a task's deadline, its 完成时限 cells repeat (年底前), and a county repeats its task texts."""
    r = deadline_rules()
    out: list[tuple[int, Deadline]] = []
    taken: list[tuple[int, int]] = []

    def free(m: re.Match[str]) -> bool:
        return not any(a < m.end() and m.start() < b for a, b in taken)

    def add(m: re.Match[str], when: date | None) -> None:
        taken.append(m.span())
        out.append((m.start(), Deadline(m.group(0), when)))

    for m in r.full_date.finditer(text):
        y, mo, d = int(m.group("y")), int(m.group("m")), m.group("d")
        if 1 <= mo <= 12:
            day = int(d) if d else calendar.monthrange(y, mo)[1]
            add(m, date(y, mo, min(day, calendar.monthrange(y, mo)[1])))
    for m in r.month.finditer(text):
        month = _num(m.group("m"))
        if free(m) and month is not None and 1 <= month <= 12:
            when = _month_end(plan_year, month) if plan_year else None
            if when is not None and m.group("d") and 1 <= int(m.group("d")) <= when.day:
                when = when.replace(day=int(m.group("d")))
            add(m, when)
    for m in r.quarter.finditer(text):
        q = _num(m.group("q"))
        if free(m) and q is not None and 1 <= q <= 4:
            add(m, _month_end(plan_year, 3 * q) if plan_year else None)
    for m in r.half.finditer(text):
        if free(m):
            add(m, _month_end(plan_year, 6 if m.group(0).startswith("上") else 12) if plan_year else None)
    for m in r.year_end.finditer(text):
        if free(m):
            add(m, date(plan_year, 12, 31) if plan_year else None)
    return tuple(sorted(out, key=lambda x: x[0]))


def find_deadline(text: str | None, plan_year: int | None) -> Deadline | None:
    """The deadline a cell or a task text sets: its first deadline phrase (a 完成时限 cell, or 6月底前
    in 6月底前建成…), or a standing duty's none. None when the text sets none."""
    if not text or not text.strip():
        return None
    found = _candidates(text, plan_year)
    standing = deadline_rules().standing.search(text)
    if standing and (not found or standing.start() < found[0][0]):
        return Deadline(standing.group(0), None, standing=True)
    return found[0][1] if found else None


def task_deadline(
    cell: str | None,
    task_text: str | None,
    plan_year: int | None,
    standing_duty: bool = False,
    target_text: str | None = None,
) -> tuple[str | None, date | None, str | None]:
    """A task's deadline in one report: (deadline_text, deadline_date, deadline_basis).

    The 完成时限 cell when it names one (basis ``deadline_column``; 长期 / 持续推进 there: a standing
    duty), else the first deadline phrase of the task text or its target column (``task_text``; a
    持续 or 常态化 there does not make a project standing, and a date before the plan year is
    history, not a deadline). Without either, a task the status rules take for a standing duty
    (``standing_duty``: 坚持…, 持续推进… without a target) has none: basis ``standing_duty``; the
    plan's own 年内 outweighs an opener word. No deadline stated anywhere: (None, None, None).
    """
    written = find_deadline(cell, plan_year)
    if written is not None and written.standing:
        return None, None, "standing_duty"
    if written is not None:
        return written.text, written.date, "deadline_column"
    start = date(plan_year, 1, 1) if plan_year else None
    for text in (task_text, target_text):
        if not text or not text.strip():
            continue
        for _, d in _candidates(text, plan_year):
            if d.date is not None and start is not None and d.date < start:
                continue
            return d.text, d.date, "task_text"
    return (None, None, "standing_duty") if standing_duty else (None, None, None)
