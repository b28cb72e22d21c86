"""The history fixtures: the four period reports (plus a year-end 2021 report built from the September
one) loaded with known statuses and linked with the fixture crosswalk; the 崇川 excerpt's two rows."""

from __future__ import annotations

import copy
import hashlib
from datetime import date
from pathlib import Path

import duckdb

from tests.helpers import EXCERPTS, FIXTURES
from transforms.linking import parse_crosswalk, plan_links
from transforms.normalize import TaskRecord
from transforms.pipeline import parse_report
from warehouse.db import connect
from warehouse.links import fetch_tasks, write_links
from warehouse.loader import ReportLoad, load_reports

PERIODS = FIXTURES / "periods"
REPORTS = [  # file, plan year, as-of, period type, statuses by (table, 序号) as numbered in that report
    ("jishui-2020-06-synthetic-progress.txt", 2020, date(2020, 6, 30), "quarterly",
     {(1, 1): "in_progress", (1, 3): "behind", (1, 4): "not_started", (1, 5): "not_started", (1, 7): "not_started",
      (1, 8): "in_progress", (1, 9): "in_progress", (1, 10): "behind"}),
    ("jishui-2020-11-real-progress.txt", 2020, date(2020, 11, 30), "year_end",
     {(1, 1): "completed", (1, 3): "behind", (1, 4): "in_progress", (1, 5): "in_progress", (1, 7): "not_started",
      (1, 8): "behind", (1, 9): "completed", (1, 10): "behind"}),
    ("jishui-2021-synthetic-plan.txt", 2021, date(2021, 3, 10), "plan", None),
    ("jishui-2021-09-synthetic-progress.txt", 2021, date(2021, 9, 30), "quarterly",
     {(1, 2): "not_started", (1, 3): "completed", (1, 5): "completed", (1, 7): "behind"}),
]
# the year-end 2021 report: September's rows without table 2 task 1, one task added, some statuses moved
DEC_2021 = {(1, 1): "behind", (1, 2): "not_started", (1, 3): "completed", (1, 5): "completed", (1, 7): "completed"}


def make_load(name: str, year: int, as_of: date, period: str, recs: list[TaskRecord], sha: str | None = None) -> ReportLoad:
    return ReportLoad(
        county="吉水县", province="江西省", prefecture="吉安市", plan_year=year, as_of=as_of, period_type=period,
        sha256=hashlib.sha256(sha.encode()).hexdigest() if sha else hashlib.sha256((PERIODS / name).read_bytes()).hexdigest(),
        file_name=name,
        records=recs, findings=[], format="text", parser_version="test",
    )


def with_statuses(recs: list[TaskRecord], statuses: dict[tuple[int, int], str]) -> list[TaskRecord]:
    for r in recs:
        r.status = statuses.get((r.table_no, r.seq), "in_progress")
        r.status_confidence = "high"
    return recs


def build_history_db(path: Path) -> str:
    """The fixture reports with known statuses, a year-end 2021 report, links from the fixture crosswalk."""
    con = connect(path)
    sep: list[TaskRecord] = []
    for name, year, as_of, period, statuses in REPORTS:
        recs = parse_report((PERIODS / name).read_bytes(), name, as_of=as_of, plan_year=year).records
        if statuses is not None:
            with_statuses(recs, statuses)
        assert load_reports(con, [make_load(name, year, as_of, period, recs)])[0].outcome == "loaded"
        if name.startswith("jishui-2021-09"):
            sep = recs
    dec = [copy.deepcopy(r) for r in sep if (r.table_no, r.seq) != (2, 1)]
    extra = copy.deepcopy(dec[-1])
    extra.seq, extra.task_text, extra.progress = 120, "建成城市书房5个以上。", [{"label": "落实情况", "text": "已建成3个。"}]
    dec.append(extra)
    with_statuses(dec, DEC_2021)
    assert load_reports(con, [make_load("jishui-2021-12-test-built", 2021, date(2021, 12, 31), "year_end", dec, "test-2021-12")])[0].outcome == "loaded"
    plan = plan_links(fetch_tasks(con), parse_crosswalk((PERIODS / "crosswalk.yaml").read_text(encoding="utf-8")))
    write_links(con, plan.links, plan.thread_of, plan.findings, None)
    con.close()
    return str(path)


def rows(path: str, query: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(path, read_only=True)
    try:
        return con.execute(query, params or []).fetchall()
    finally:
        con.close()


CHONGCHUAN = EXCERPTS / "chongchuan-2023-livelihood-progress-jan-nov.txt"


def chongchuan_records() -> list[TaskRecord]:
    """Rows 24 and 25 of the excerpt (the complete ones), cell by cell as the file gives them: 序号,
    全年目标任务, 分管领导, 牵头单位, 责任主体与协同单位, 1-10月推进情况, 1-11月推进情况, 是否达序, 说明
    (the merged 主要任务 cell is missing from every row)."""
    lines = CHONGCHUAN.read_text(encoding="utf-8").splitlines()
    cells = [ln.rstrip().removesuffix("|").strip() for ln in lines]
    out = []
    for start in (13, 22):  # 1-based line numbers of the rows' 序号 cells
        c = cells[start - 1 : start + 8]
        out.append(
            TaskRecord(
                table_no=1, table_title=lines[0], part=None, section=None, seq=int(c[0]), project=None,
                task_text=c[1], target_text=c[1], leaders=[c[2]], lead_units=[c[3]], units=[],
                co_units=c[4].split("、"), deadline=None,
                progress=[{"label": "1-10月推进情况", "text": c[5]}, {"label": "1-11月推进情况", "text": c[6]}],
                status_raw=c[7], issues=None, note=c[8].strip("|") or None, line_start=start, line_end=start + 8,
            )
        )
    return out
