"""Sub-tasks: the further targets a table lists under one 序号 (rows without 序号 of their own, the
序号, title and unit cells merged over them) are tasks of their own, from layout to the warehouse."""

from __future__ import annotations

import hashlib
from datetime import date

from tests.helpers import FIXTURES, table_checksums
from transforms.grid import Grid, GridRow, GridTable
from transforms.layout import build_rows, seq_label
from transforms.pipeline import parse_report
from warehouse.db import connect
from warehouse.loader import ReportLoad, load_reports

PAGE = FIXTURES / "realpages" / "104.txt"  # 序号 | 项目内容 | 进展情况 | 责任单位, targets without 序号


def _table(rows: list[list[str]], merged: dict[int, list[str | None]] | None = None) -> Grid:
    table = GridTable(title=None, header=["序号", "项目名称", "目标任务", "牵头单位", "进展情况", "进度评价"], header_line=1)
    table.rows = [GridRow(cells, n, n, merged=(merged or {}).get(n) or [None] * len(cells)) for n, cells in enumerate(rows, start=2)]
    return Grid(format="test", tables=[table])


def test_rows_without_seq_with_their_own_target_are_sub_tasks_inheriting_the_merged_cells():
    m = ["row", "row", None, "row", None, None]
    grid = _table(
        [
            ["1", "放心家政", "培训家政服务人员1185人次", "县商务局", "已培训1187人次。", "已完成"],
            ["1", "放心家政", "新增家政服务人员350人", "县商务局", "新增352人。", "已完成"],  # 序号 merged (rowspan)
            ["", "", "家政企业信用评价10家", "县市场监管局", "完成6家。", "滞后"],  # no 序号, a unit of its own
            ["", "", "", "县市场监管局", "其余4家12月完成。", ""],  # only more progress (and the unit): continues the row above
            ["2", "敬老院提升", "规范运营12家敬老院", "县民政局", "已完成。", "已完成"],
        ],
        merged={3: m},
    )
    rows = build_rows(grid).rows
    assert [(r.seq, r.sub_seq) for r in rows] == [(1, 0), (1, 1), (1, 2), (2, 0)]
    item, sub1, sub2, nxt = rows
    assert sub1.target == "新增家政服务人员350人" and sub1.status_raw == "已完成"
    assert (sub1.project, sub1.lead_unit_raw) == ("放心家政", "县商务局")  # merged: the item's
    assert sub2.project == "放心家政" and sub2.lead_unit_raw == "县市场监管局"  # empty title inherited, own unit kept
    assert sub2.status_raw == "滞后" and sub2.progress == [{"label": "进展情况", "text": "完成6家。\n其余4家12月完成。"}]
    assert (sub2.line_start, sub2.line_end, sub2.sub_rows) == (4, 5, 1)
    assert item.target == "培训家政服务人员1185人次" and item.progress[0]["text"] == "已培训1187人次。"
    assert nxt.sub_seq == 0 and nxt.project == "敬老院提升"
    assert seq_label(1, 2) == "1.2" and seq_label(1, 0) == "1"


def test_real_page_item_targets_each_keep_their_own_progress():
    p = parse_report(PAGE.read_bytes(), PAGE.name, as_of=date(2022, 9, 30), plan_year=2022)
    got = {(r.seq, r.sub_seq): r for r in p.records}
    assert [(r.seq, r.sub_seq) for r in p.records if r.seq <= 3] == [(1, 0), (2, 0), (2, 1), (2, 2), (3, 0), (3, 1), (3, 2)]
    assert got[(2, 1)].task_text == "新增婴幼儿照护服务托位500个。"
    assert got[(2, 1)].progress[0]["text"] == "新增婴幼儿照护服务托位600个。"
    assert got[(2, 1)].units == ["卫生健康局"]  # the item's unit, merged over the row
    assert got[(3, 0)].status == "behind" and got[(3, 1)].status == "completed"  # which target is behind
    assert got[(2, 1)].to_json()["sub_seq"] == 1 and got[(1, 0)].to_json()["sub_seq"] == 0


def _load(data: bytes, as_of: date) -> ReportLoad:
    parsed = parse_report(data, PAGE.name, as_of=as_of, plan_year=2022)
    return ReportLoad(
        county="临安区", province="浙江省", prefecture="杭州市", plan_year=2022, as_of=as_of, period_type="monthly",
        sha256=hashlib.sha256(data).hexdigest(), file_name=PAGE.name, records=parsed.records,
        findings=parsed.findings, format=parsed.format, parser_version="test",
    )


def _october() -> bytes:
    text = PAGE.read_text(encoding="utf-8")
    later = text.replace("截至9月底", "截至10月底").replace("新增婴幼儿照护服务托位600个。", "新增婴幼儿照护服务托位650个。")
    assert later != text
    return later.encode("utf-8")


def _task_keys(con) -> dict[tuple[int, int], list[int]]:
    """(seq, sub_seq) → the task keys of the sub-task in each report, by as-of date."""
    out: dict[tuple[int, int], list[int]] = {}
    for seq, sub, key in con.execute(
        "SELECT t.seq, t.sub_seq, f.task_key FROM fct_task_progress f JOIN dim_task t USING (task_key) "
        "JOIN dim_report r USING (report_key) ORDER BY r.as_of_date, t.seq, t.sub_seq"
    ).fetchall():
        out.setdefault((seq, sub), []).append(key)
    return out


def test_sub_tasks_load_twice_idempotently_and_match_their_own_task_in_a_later_report(warehouse_path):
    september = _load(PAGE.read_bytes(), date(2022, 9, 30))
    n = len(september.records)
    con = connect(warehouse_path)
    assert load_reports(con, [september])[0].outcome == "loaded"
    q = lambda s: con.execute(s).fetchall()  # noqa: E731
    assert q("SELECT count(*), count(DISTINCT (table_no, seq, sub_seq)) FROM dim_task")[0] == (n, n)
    assert q("SELECT sub_seq, task_text FROM dim_task WHERE seq = 2 ORDER BY sub_seq") == [
        (0, "新建成婴幼儿照护服务成长驿站7家。"), (1, "新增婴幼儿照护服务托位500个。"), (2, "开展胃肠癌联合筛查1万例以上。"),
    ]
    # units reach each sub-task's own bridge rows, not only the item's
    assert q(
        "SELECT t.sub_seq, u.unit_name FROM bridge_task_unit b JOIN dim_task t USING (task_key) JOIN dim_unit u USING (unit_key) "
        "WHERE t.seq = 2 ORDER BY t.sub_seq"
    ) == [(0, "卫生健康局"), (1, "卫生健康局"), (2, "卫生健康局")]
    con.close()
    before = table_checksums(warehouse_path)
    con = connect(warehouse_path)
    assert load_reports(con, [september])[0].outcome == "skipped"
    con.close()
    assert table_checksums(warehouse_path) == before

    con = connect(warehouse_path)
    assert load_reports(con, [_load(_october(), date(2022, 10, 31))])[0].outcome == "loaded"
    keys = _task_keys(con)
    assert all(len(k) == 2 and k[0] == k[1] for k in keys.values()), keys  # every sub-task: its own task
    assert len({k[0] for k in keys.values()}) == n
    assert q("SELECT count(*) FROM dim_task")[0][0] == n
    assert q(
        "SELECT f.progress_text FROM fct_task_progress f JOIN dim_task t USING (task_key) JOIN dim_report r USING (report_key) "
        "WHERE t.seq = 2 AND t.sub_seq = 1 ORDER BY r.as_of_date"
    ) == [("新增婴幼儿照护服务托位600个。",), ("新增婴幼儿照护服务托位650个。",)]
    assert not q("SELECT message FROM dq_issue WHERE rule IN ('link.new_task', 'link.renumbered', 'link.text_changed')")
    con.close()


def test_batch_load_matches_sub_tasks_as_one_by_one_loading_does(tmp_path):
    loads = [_load(PAGE.read_bytes(), date(2022, 9, 30)), _load(_october(), date(2022, 10, 31))]
    con = connect(tmp_path / "batch.duckdb")
    results = load_reports(con, loads)
    assert [r.outcome for r in results] == ["loaded", "loaded"]
    keys = _task_keys(con)
    assert all(len(k) == 2 and k[0] == k[1] for k in keys.values()), keys
    assert con.execute("SELECT count(*) FROM dim_task").fetchone()[0] == len(loads[0].records)
    assert con.execute(
        "SELECT count(*) FROM bridge_task_unit b JOIN dim_task t USING (task_key) WHERE t.seq = 3"
    ).fetchone()[0] == 6  # three targets of item 3, a unit each, in two reports
    con.close()


def test_a_lone_figure_in_the_seq_column_under_a_task_is_its_sub_task_not_a_heading():
    # 101: `新增学位810个 | |||||` — the 序号, unit, plan and progress cells merged away, the dump pads
    # the row with empty cells; 129: `城市标准(788元/月) | |||||||` under item 4
    table = GridTable(
        title=None, header=["序号", "工作任务", "责任单位", "一季度目标", "进展情况、存在问题及下一步打算"], header_line=1
    )
    table.drops_merged_cells = True
    rows = [
        ["1", "新改扩建公办中小学校1所", "教体局", "室内安装、装修及场外施工", "进展情况:室内装修完成80%。"],
        ["新增学位810个", "", "", "", ""],
        ["一、民生保障", "", "", "", ""],
        ["2", "完成结对帮扶学校2所", "教体局", "互派人员到位", "进展情况:已到位。"],
    ]
    table.rows = [GridRow(cells, n, n, merged=[None] * len(cells)) for n, cells in enumerate(rows, start=2)]
    out = build_rows(Grid(format="test", tables=[table])).rows
    assert [(r.seq, r.sub_seq) for r in out] == [(1, 0), (1, 1), (2, 0)]
    assert out[1].task_text == "新增学位810个" and out[1].units_raw == out[0].units_raw == "教体局"
    assert out[2].part == "一、民生保障"  # a marked heading stays a heading
