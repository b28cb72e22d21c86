"""A warehouse for the analyst-facing tests, loaded through the real loader from the reference report.

Statuses and metrics do not come from a classifier here: the scenario gives chosen tasks chosen
statuses and metrics (real numbers of the reference text) so the views have something to count.

- tasks 6 and 7 get a 完成时限 cell (DEADLINES) and the deadline it sets.
- report 1: 吉水县 2020, monthly as of 2020-06-30: every task in_progress (task 0 behind); task 2 has
  an early actual of 600 学位.
- report 2: 吉水县 2020, year_end as of 2020-11-30 (the reference's own date): statuses by index
  (i % 5: completed, behind, in_progress, ongoing, unknown) with overrides; the last task is absent,
  so its latest report stays the June one. Three metrics: met, short, no actual.
- report 3: 吉水县 2021 plan, as of 2021-03-31: the first three tasks again as next year's tasks.
- task_link (no loader path exists for links yet): 2020 task 0 → 2021 task 0 accepted,
  2020 task 1 → 2021 task 1 pending.
Hostile text: task 3 carries markup in its text and progress, task 4 formula-like project/progress.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from transforms.deadlines import task_deadline
from transforms.normalize import TaskRecord
from warehouse.db import connect
from warehouse.loader import ReportLoad, load_reports

STATUS_CYCLE = ["completed", "behind", "in_progress", "ongoing", "unknown"]
OVERRIDES = {2: "behind", 6: "behind", 7: "in_progress"}
HOSTILE_TEXT = ' <script>alert("x")</script> & <b>粗体</b>'
HOSTILE_PROGRESS = "<img src=x onerror=alert(1)> 已完成 50%"
FORMULA_PROJECT = '=HYPERLINK("http://example.invalid","点击")'
FORMULA_PROGRESS = "@SUM(1+1) -3 +4"
DEADLINES = {6: "2020年6月底", 7: "2021年12月"}

_BUILT: dict[str, Path] = {}


def metric(name: str, target: float, unit: str, actual: float | None, comparator: str = "ge") -> dict[str, Any]:
    ratio = None if actual is None else round(actual / target, 4)
    return {
        "metric": name, "comparator": comparator, "target_value": target, "target_unit": unit,
        "target_text": f"{name}{target:g}{unit}", "target_base_value": target, "actual_value": actual,
        "actual_unit": unit if actual is not None else None,
        "actual_text": f"{name}{actual:g}{unit}" if actual is not None else None,
        "actual_base_value": actual, "base_unit": unit, "achievement_ratio": ratio,
        "met": None if actual is None else actual >= target,
    }


def november_status(i: int) -> str:
    return OVERRIDES.get(i, STATUS_CYCLE[i % 5])


def hostile(records: list[TaskRecord]) -> list[TaskRecord]:
    out = []
    for i, r in enumerate(records):
        if i == 3:
            r = replace(r, task_text=r.task_text + HOSTILE_TEXT, progress=[{"label": "落实情况", "text": HOSTILE_PROGRESS}])
        if i == 4:
            r = replace(r, project=FORMULA_PROJECT, progress=[{"label": "落实情况", "text": FORMULA_PROGRESS}])
        if i in DEADLINES:
            text, when, basis = task_deadline(DEADLINES[i], r.task_text, 2020)
            r = replace(r, deadline=DEADLINES[i], deadline_text=text, deadline_date=when, deadline_basis=basis)
        out.append(r)
    return out


def june_records(base: list[TaskRecord]) -> list[TaskRecord]:
    recs = []
    for i, r in enumerate(hostile(base)):
        status = "behind" if i == 0 else "in_progress"
        metrics = [metric("公办幼儿园学位", 1800, "个", 600)] if i == 2 else []
        recs.append(replace(r, status=status, status_evidence=f"六月证据{i}", status_confidence="medium", expected_progress=0.5, metrics=metrics))
    return recs


def november_records(base: list[TaskRecord]) -> list[TaskRecord]:
    metrics = {
        0: [metric("义务教育学位", 5000, "个", 5500)],
        1: [metric("县域内就诊率", 91, "%", None)],
        2: [metric("公办幼儿园学位", 1800, "个", 1290)],
    }
    recs = []
    for i, r in enumerate(hostile(base)[:-1]):
        status = november_status(i)
        recs.append(
            replace(r, status=status, status_evidence=f"十一月证据{i}", status_confidence="high", expected_progress=0.9167, metrics=metrics.get(i, []))
        )
    return recs


def make_load(records: list[TaskRecord], plan_year: int, as_of: date, period_type: str) -> ReportLoad:
    sha = hashlib.sha256(f"{plan_year}|{as_of}|{period_type}|{len(records)}".encode()).hexdigest()
    return ReportLoad(
        county="吉水县", province="江西省", prefecture="吉安市", plan_year=plan_year, as_of=as_of,
        period_type=period_type, sha256=sha, file_name=f"jishui-{plan_year}-{as_of:%m%d}.txt", records=records,
        findings=[], title=f"吉水县{plan_year}年任务落实情况（截至{as_of:%m月%d日}）",
        source_uri="http://www.jishui.gov.cn/news-show-129764.html", format="text", parser_version="test",
    )


def build(path: Path, base: list[TaskRecord]) -> Path:
    """Load the three scenario reports into PATH and add the two task links."""
    con = connect(path)
    try:
        load_reports(con, [make_load(june_records(base), 2020, date(2020, 6, 30), "monthly")])
        load_reports(con, [make_load(november_records(base), 2020, date(2020, 11, 30), "year_end")])
        nxt = [replace(r, status="in_progress", status_evidence="二〇二一证据", status_confidence="low", metrics=[]) for r in base[:3]]
        load_reports(con, [make_load(nxt, 2021, date(2021, 3, 31), "plan")])
        keys = dict(
            con.execute("SELECT plan_year * 1000 + seq, task_key FROM dim_task WHERE table_no = 1 AND seq <= 3").fetchall()
        )
        for frm, to, decision in ((2020001, 2021001, "accepted"), (2020002, 2021002, "pending")):
            con.execute(
                "INSERT INTO task_link (from_task_key, to_task_key, link_type, method, score, decision) VALUES (?, ?, 'cross_year', 'test', 0.9, ?)",
                [keys[frm], keys[to], decision],
            )
    finally:
        con.close()
    return path


def analyst_warehouse(tmp_path_factory: Any, base: list[TaskRecord]) -> Path:
    """The scenario warehouse, built once per test session."""
    if "path" not in _BUILT:
        _BUILT["path"] = build(tmp_path_factory.mktemp("analyst") / "warehouse.duckdb", base)
    return _BUILT["path"]


def read_only(path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path), read_only=True)


def expected_latest(base: list[TaskRecord]) -> list[tuple[TaskRecord, str]]:
    """(record, latest status) of every 2020 task, from the scenario (not from SQL)."""
    nov = november_records(base)
    out = [(r, r.status) for r in nov]
    out.append((june_records(base)[-1], "in_progress"))
    return out


def expected_unit_scores(base: list[TaskRecord]) -> dict[str, Counter]:
    """unit → Counter(tasks=…, <status>=…) for 2020, from the scenario (collective bodies, which
    the scorecard leaves out, are not counted)."""
    from transforms.normalize import unit_type

    scores: dict[str, Counter] = {}
    for r, status in expected_latest(base):
        for unit in dict.fromkeys(r.lead_units + r.units + r.co_units):
            if unit_type(unit) == "collective":
                continue
            c = scores.setdefault(unit, Counter())
            c["tasks"] += 1
            c[status] += 1
    return scores
