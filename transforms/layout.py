"""Layout: map header cells to column roles and rebuild task rows from a grid.

Heading rows (一、… parts and (一)… sections) become the part/section of the rows below them.
A row without 序号 of its own (序号 merged over it, or empty) that states its own task, target or
project text is a sub-task of the item above: its own record, with the item's ``seq`` and a
``sub_seq`` of 1, 2, … (the item's first row keeps 0), inheriting the cells it leaves merged or
empty (project, leaders, units, deadline). A row without 序号 and without task text of its own
(more progress, a unit) continues the row above. Every row keeps its source line span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

import yaml

from transforms.grid import PART_RE, SECTION_RE, Finding, Grid, GridRow, GridTable
from transforms.limits import LimitError, reader_limits
from transforms.mappings import HEADERS_FILE, header_map, mapping_path, squash

SEQ_RE = re.compile(r"^\s*(\d{1,5})\s*[.、．]?\s*$")  # readers.max_seq (99999) bounds it further
SEQ_NUMBER = re.compile(r"^\s*\d+\s*[.、．]?\s*$")  # any number in the 序号 column, in range or not
SEQ_IN_CELL = re.compile(r"^\s*(\d{1,3})\s*[.、．](?!\d)\s*(?=\S)")

# roles whose text is appended when a sub-row continues a task
TEXT_ROLES = ("project", "task", "target", "plan", "deadline", "issues", "note")
UNIT_ROLES = ("lead_unit", "units", "co_units")
# a row without 序号 with its own text in one of these columns is a sub-task of its own
SUB_TASK_ROLES = ("task", "target", "project")
# a sub-task takes these from its item where its own cell is merged or empty
INHERITED_ATTRS = ("project", "leader_raw", "lead_unit_raw", "units_raw", "co_units_raw", "deadline")


@dataclass
class RawTaskRow:
    """One task row as the table states it: cells by role, with where it came from."""

    table_no: int
    table_title: str | None
    part: str | None
    section: str | None
    seq: int
    sub_seq: int = 0  # 0: the item's own row; 1, 2, …: its further targets (rows without 序号)
    project: str | None = None
    task_text: str = ""
    target: str | None = None
    leader_raw: str | None = None
    lead_unit_raw: str | None = None
    units_raw: str | None = None
    co_units_raw: str | None = None
    deadline: str | None = None
    progress: list[dict[str, str]] = field(default_factory=list)
    status_raw: str | None = None
    issues: str | None = None
    note: str | None = None
    plan: str | None = (
        None  # a schedule or period target (一季度目标, 三季度工作计划): neither task nor progress
    )
    line_start: int = 0
    line_end: int = 0
    physical_lines: int = 1
    sub_rows: int = 0


def seq_label(seq: int | None, sub_seq: int = 0) -> str | None:
    """How a task row is named in findings: its 序号, or ``2.1`` for the first further target of
    item 2."""
    if seq is None:
        return None
    return f"{seq}.{sub_seq}" if sub_seq else str(seq)


@dataclass
class Layout:
    rows: list[RawTaskRow]
    findings: list[Finding]
    roles: list[list[str | None]]  # per table, the role of every column


def column_roles(header: list[str], rows: list[GridRow] | None = None) -> list[str | None]:
    """The role of every column: by its header (schemas/mappings/headers.yaml), refined by what the
    column's cells hold when rows are given (see ``content_roles``)."""
    hm = header_map()
    roles = [hm.role(h) for h in header]
    if rows:
        roles, _ = content_roles(header, roles, rows)
    return roles


CELLS_ASKED = 40  # a column's role from its first 40 non-empty cells


def _column_cells(rows: list[GridRow], i: int, width: int) -> list[str]:
    """The first CELLS_ASKED non-empty cells of column i in the rows written at full width (a
    short row lost merged cells: its cells do not sit under their headers)."""
    out: list[str] = []
    for r in rows:
        if len(r.cells) >= width and i < len(r.cells) and (text := r.cells[i].strip()):
            out.append(text)
            if len(out) == CELLS_ASKED:
                break
    return out


DATE_CELL = re.compile(
    r"^((\d{4}年)?\d{1,2}月(底|末|中旬|上旬|下旬|\d{1,2}日)?(前|以前|之前)?|\d{4}[-./年]\d{1,2}([-./月]\d{1,2}日?)?|"
    r"\d{4}年(底|末|内)?|年底前?|年内|全年|长期|持续推进)$"
)
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]")  # damaged text tells nothing
NAMES_CELL = re.compile(r"[\u4e00-\u9fff·]{2,3}([ 、,，]+[\u4e00-\u9fff·]{2,3})*")  # 张三、李四
# a clause that opens with an action is a task, even when it ends like a unit (新建村卫生站)
ACTION_START = re.compile(
    r"^(新建|新增|新改|建设|建成|完成|实施|推进|开展|提升|改造|打造|加快|加强|推动|促进|落实|组织|举办|创建|培训|实现|启动|筹建)"
)
VERDICT_CELL = re.compile(
    r"^(已|未|正在|正常|顺利|有序|基本|按序|按时|按期|提前|超额|滞后|超序|序时|达序|暂未)[\u4e00-\u9fff]{0,5}$"
)


def _cell_kind(text: str) -> str | None:
    """What a cell holds: status (a verdict), deadline (a date), units, leader (names), task (a
    clause), or None (a number, or nothing telling)."""
    h = _hints()
    t = squash(text).rstrip("。.")
    if not t or CONTROL_CHARS.search(t) or re.fullmatch(r"[\d.,%／/—\-~+]+", t):
        return None
    if h.status.match(t) or VERDICT_CELL.match(t):
        return "status"
    if DATE_CELL.match(t):
        return "deadline"
    if h.unit.search(text.strip()) and len(t) <= 40 and "。" not in t and not ACTION_START.match(t):
        return "units"
    if NAMES_CELL.fullmatch(text.strip()):
        return "leader"
    if len(t) >= 8:
        return "task"
    return None


def content_roles(
    header: list[str],
    roles: list[str | None],
    rows: list[GridRow],
    table_no: int = 0,
    line: int | None = None,
) -> tuple[list[str | None], list[Finding]]:
    """Roles from what the cells hold: a column whose header names no role takes the role most of
    its cells share (units, leader, deadline, status, or task for long clauses); of two progress
    columns, one that holds only short verdicts (顺利推进, 已完成) is a status column. Each is reported."""
    out = list(roles)
    findings: list[Finding] = []
    width = len(header)
    for i, (h, role) in enumerate(zip(header, roles, strict=False)):
        if role not in (None, "progress"):
            continue
        if role == "progress" and roles.count("progress") < 2:
            continue
        cells = _column_cells(rows, i, width)
        if len(cells) < 2:
            continue
        if role == "progress":
            short = all(len(c) <= 12 and len(squash(c)) <= 6 for c in cells)  # cheap test first
            if short and all(_cell_kind(c) == "status" for c in cells):
                out[i] = "status"
                findings.append(
                    _role_finding(
                        table_no, line, h, "status", f"all {len(cells)} of its cells are short verdicts"
                    )
                )
            continue
        kinds = [_cell_kind(c) for c in cells]
        best = max(set(kinds), key=kinds.count)
        if best is None or kinds.count(best) * 5 < len(cells) * 3:
            continue
        new = best
        if best == "units" and ({"units", "lead_unit"} & set(out)):
            new = "co_units"
        if best == "task" and ({"task", "project", "target"} & set(out)):
            new = "note"  # a second long-text column: kept, but not as the task
        if best in ("leader", "deadline", "status") and best in out:
            continue
        out[i] = new
        findings.append(
            _role_finding(
                table_no, line, h, new, f"{kinds.count(best)} of its {len(cells)} cells look like {best}"
            )
        )
    return out, findings


def _role_finding(table_no: int, line: int | None, header: str, role: str, why: str) -> Finding:
    label = squash(header) or "(no header)"
    return Finding(
        "layout.role_from_cells",
        "warning",
        f"table {table_no}: column {label!r} read as {role}: {why}; add its header to schemas/mappings/headers.yaml",
        line,
        line,
        table_no=table_no,
        mapping_file=HEADERS_FILE,
    )


def _heading_text(row: GridRow, seq_col: int | None) -> str | None:
    """The text of a heading row (only one distinct non-empty text, not a 序号), else None."""
    text: str | None = None
    for c in row.cells:  # a task row differs by its second cell: stop there
        s = c.strip()
        if s and text is None:
            text = s
        elif s and s != text:
            return None
    if text is None or SEQ_RE.match(text):
        return None
    seq_cell = row.cells[seq_col].strip() if seq_col is not None and seq_col < len(row.cells) else ""
    if seq_cell and seq_cell != text:
        return None
    return text


def build_rows(grid: Grid) -> Layout:
    """Turn every table of a grid into raw task rows."""
    findings: list[Finding] = []
    rows: list[RawTaskRow] = []
    all_roles: list[list[str | None]] = []
    for t_index, table in enumerate(grid.tables, start=1):
        roles, t_rows, t_findings = _table_rows(table, t_index)
        all_roles.append(roles)
        rows.extend(t_rows)
        findings.extend(t_findings)
    return Layout(rows=rows, findings=findings, roles=all_roles)


def _table_rows(table: GridTable, table_no: int) -> tuple[list[str | None], list[RawTaskRow], list[Finding]]:
    findings: list[Finding] = []
    header = table.header or []
    roles = column_roles(header)
    roles, found = content_roles(header, roles, table.rows, table_no, table.header_line)
    findings.extend(found)
    for h, r in zip(header, roles, strict=False):
        if r is None and squash(h):
            findings.append(
                Finding(
                    "layout.unknown_header",
                    "warning",
                    f"table {table_no}: header {squash(h)!r} has no role; add it to schemas/mappings/headers.yaml",
                    table.header_line,
                    table.header_line,
                    table_no=table_no,
                    mapping_file="schemas/mappings/headers.yaml",
                )
            )
    seq_col = roles.index("seq") if "seq" in roles else None
    labels = [squash(h) for h in header]  # a progress column's label, per column
    part: str | None = None
    section: str | None = None
    out: list[RawTaskRow] = []
    item: RawTaskRow | None = None  # the record of the last 序号 (sub_seq 0): its sub-tasks inherit from it
    max_seq = reader_limits()["max_seq"]
    dropping = False  # the last 序号 was out of range: the rows continuing it are quarantined with it
    above: GridRow | None = None  # the last data row, full width: merged cells continue from it
    name_col = next((i for i, r in enumerate(roles) if r in ("project", "task", "target")), None)
    seq_in_cell = False
    # no 序号 column and no number in the name cells: every row with its own name cell is a task,
    # numbered in order (a row whose name cell was merged away continues the task above)
    count_rows = (
        seq_col is None
        and name_col is not None
        and not any(SEQ_IN_CELL.match(_cell(r, name_col)) for r in table.rows)
        and bool(table.rows)
    )
    if count_rows and name_col is not None:
        findings.append(
            Finding(
                "layout.no_seq_column",
                "info",
                f"table {table_no}: no 序号 column; rows are numbered in order, a row without its own "
                f"{squash(header[name_col])!r} cell continues the task above",
                table.header_line,
                table.header_line,
                table_no=table_no,
            )
        )
    for grow in table.rows:
        grow = _blank_column_copies(grow)
        heading = _heading_text(grow, seq_col)
        if heading is not None and out and _unmarked_figure(heading):
            heading = None  # 新增学位810个 under a task: the task's sub-row (its cells merged or empty)
        if heading is None and table.drops_merged_cells and header and _lost_cells(grow, roles, seq_col):
            grow, f = realign_row(grow, roles, header, above, table_no)
            findings.append(f)
        elif (
            heading is None
            and header
            and not any(grow.merged)
            and (joined := join_split_cell(grow.cells, roles))
        ):
            cells, at = joined
            findings.append(
                Finding(
                    "layout.split_cell",
                    "info",
                    f"table {table_no}: the row at lines {grow.line_start}-{grow.line_end} has one cell too many for "
                    f"{len(roles)} columns; {squash(grow.cells[at])!r} and {squash(grow.cells[at + 1])!r} were read as "
                    f"one {squash(header[at])!r} cell (the later cells fit their columns one column left)",
                    grow.line_start,
                    grow.line_end,
                    table_no=table_no,
                    mapping_file=HEADERS_FILE,
                )
            )
            grow = GridRow(cells, grow.line_start, grow.line_end, grow.physical_lines, grow.complete, [])
        if heading is None and len(grow.cells) >= len(header):
            above = grow
        if heading is not None:
            if PART_RE.match(heading):
                part, section = heading, None
            elif SECTION_RE.match(heading) or part is not None:
                section = heading
            else:
                part, section = heading, None
            continue
        seq_text = grow.cells[seq_col].strip() if seq_col is not None and seq_col < len(grow.cells) else ""
        m = SEQ_RE.match(seq_text)
        if seq_col is None and name_col is not None and (inner := SEQ_IN_CELL.match(_cell(grow, name_col))):
            m = inner  # no 序号 column: the number opens the name cell (`14.改扩建…`)
            cells = list(grow.cells)
            cells[name_col] = _cell(grow, name_col)[inner.end() :]
            grow = GridRow(
                cells, grow.line_start, grow.line_end, grow.physical_lines, grow.complete, list(grow.merged)
            )
            if not seq_in_cell:
                seq_in_cell = True
                findings.append(
                    Finding(
                        "layout.seq_in_cell",
                        "info",
                        f"table {table_no}: no 序号 column; the row numbers are read from the start of the "
                        f"{squash(header[name_col])!r} cells",
                        table.header_line,
                        table.header_line,
                        table_no=table_no,
                    )
                )
        if count_rows and name_col is not None and _cell(grow, name_col) and grow.merged_at(name_col) is None:
            item = _new_row(grow, roles, labels, table, table_no, part, section, len(out) + 1)
            out.append(item)
            continue
        if SEQ_NUMBER.match(seq_text) and (m is None or int(m.group(1)) > max_seq) or (dropping and not m):
            # a 序号 beyond readers.max_seq (or a row continuing one) is quarantined, never joined to the row above
            dropping = True
            findings.append(
                _seq_out_of_range(grow, seq_text if SEQ_NUMBER.match(seq_text) else None, table_no, max_seq)
            )
            continue
        dropping = False
        seq_merged = m is not None and seq_col is not None and grow.merged_at(seq_col) == "row"
        if (seq_merged or not m) and out and out[-1].table_no == table_no:
            # 序号 merged over the row, or none: a target of the item above, or a continuation
            if _own_task_text(grow, roles):
                assert item is not None  # out holds a row: the last 序号's record is set
                out.append(_sub_task(item, out[-1], grow, roles, labels))
            else:
                _attach_sub_row(out[-1], grow, roles, labels)
        elif m:
            item = _new_row(grow, roles, labels, table, table_no, part, section, int(m.group(1)))
            out.append(item)
        else:
            findings.append(
                Finding(
                    "layout.orphan_row",
                    "warning",
                    f"table {table_no}: row at lines {grow.line_start}-{grow.line_end} has no 序号 and no task above it",
                    grow.line_start,
                    grow.line_end,
                    table_no=table_no,
                )
            )
    return roles, out, findings


def _seq_out_of_range(grow: GridRow, seq_text: str | None, table_no: int, max_seq: int) -> Finding:
    what = (
        f"序号 {seq_text.strip()[:40]} is above readers.max_seq = {max_seq:,} (schemas/quality.yaml)"
        if seq_text is not None
        else "it continues a row whose 序号 is above readers.max_seq (schemas/quality.yaml)"
    )
    return Finding(
        "layout.seq_out_of_range",
        "error",
        f"table {table_no}: row at lines {grow.line_start}-{grow.line_end}: {what}; the row was quarantined",
        grow.line_start,
        grow.line_end,
        seq=seq_text.strip()[:40] if seq_text is not None else None,
        table_no=table_no,
    )


# an indicator's measure in brackets at the end of a label: 城市标准(元/月), 新增面积(万平方米)
MEASURE = re.compile(r"[(（][^()（）]{0,8}(?:/|元|%|％|人次|个|亩|吨|公里|平方米|户|人)[^()（）]{0,8}[)）]$")


def _unmarked_figure(text: str) -> bool:
    """A lone text without a heading mark (一、, (一)) that states a figure (810个, 788元/月) or
    names a measure (城市标准(元/月)): a target row whose other cells are merged or empty, not a
    heading (headings name a part)."""
    if PART_RE.match(text) or SECTION_RE.match(text):
        return False
    return re.search(r"\d", text) is not None or MEASURE.search(text) is not None


def _cell(grow: GridRow, i: int) -> str:
    return grow.cells[i].strip() if i < len(grow.cells) else ""


def _new_row(
    grow: GridRow,
    roles: list[str | None],
    labels: list[str],
    table: GridTable,
    table_no: int,
    part: str | None,
    section: str | None,
    seq: int,
) -> RawTaskRow:
    row = RawTaskRow(
        table_no=table_no,
        table_title=table.title,
        part=part,
        section=section,
        seq=seq,
        line_start=grow.line_start,
        line_end=grow.line_end,
        physical_lines=grow.physical_lines,
    )
    cells = grow.cells
    n_cells, n_labels = len(cells), len(labels)
    for i, role in enumerate(roles):
        if role is None or role == "seq" or role == "other":
            continue  # _assign keeps nothing of these
        _assign(row, role, labels[i] if i < n_labels else "", cells[i].strip() if i < n_cells else "")
    return row


ROLE_ATTRS = {  # column role → RawTaskRow attribute, where they differ
    "task": "task_text",
    "leader": "leader_raw",
    "lead_unit": "lead_unit_raw",
    "units": "units_raw",
    "co_units": "co_units_raw",
    "status": "status_raw",
}


def _assign(row: RawTaskRow, role: str | None, label: str, text: str, append: bool = False) -> None:
    if role is None or role in ("seq", "other"):
        return
    if role == "group":  # a category cell printed once over its rows: the rows' part
        if text and not row.part:
            row.part = text
        return
    if role == "progress":
        for p in row.progress:
            if p["label"] == label:
                if text:
                    p["text"] = _join(row, p["text"], text).strip() if append else text
                return
        row.progress.append({"label": label, "text": text})
        return
    attr = ROLE_ATTRS.get(role, role)
    current = getattr(row, attr)
    if append and attr == "status_raw":
        if text:  # one status per sub-row, in order
            setattr(row, attr, _join(row, current, text) if current else text)
    elif append:
        if text and text != current:
            setattr(row, attr, _join(row, current, text) if current else text)
    elif not current:
        setattr(row, attr, text or ("" if attr == "task_text" else None))
    elif text and text != current:
        # two columns share a role (e.g. 项目内容 and 主要内容): keep both (a header word printed
        # twice over one text, a colspan copy, keeps it once)
        setattr(row, attr, f"{current}\n{text}")


def _join(row: RawTaskRow, current: str, text: str) -> str:
    """A cell's text with a continuation row's text added; refused beyond readers.max_cell_chars
    (which also keeps joining thousands of continuation rows linear)."""
    limit = reader_limits()["max_cell_chars"]
    if len(current) + len(text) + 1 > limit:
        raise LimitError(
            f"table {row.table_no}: the text of 序号 {seq_label(row.seq, row.sub_seq)} grows beyond "
            f"readers.max_cell_chars = {limit:,} characters (schemas/quality.yaml) as the rows without 序号 from "
            f"line {row.line_start} on are joined to it; refused"
        )
    return f"{current}\n{text}"


def _own_task_text(grow: GridRow, roles: list[str | None]) -> bool:
    """Does a row without 序号 state task, target or project text of its own (a cell that is not
    a merged copy from the row above and not empty)?"""
    return any(
        role in SUB_TASK_ROLES and grow.merged_at(i) is None and _cell(grow, i)
        for i, role in enumerate(roles)
    )


def _sub_task(
    item: RawTaskRow, prev: RawTaskRow, grow: GridRow, roles: list[str | None], labels: list[str]
) -> RawTaskRow:
    """A row without 序号 that states its own target: a record of its own under the item above
    (same seq, the sub_seq after ``prev``, the item's last record); the cells it leaves merged or
    empty are the item's (``item``, its record of sub_seq 0)."""
    row = RawTaskRow(
        table_no=prev.table_no,
        table_title=prev.table_title,
        part=prev.part,
        section=prev.section,
        seq=prev.seq,
        sub_seq=prev.sub_seq + 1,
        line_start=grow.line_start,
        line_end=grow.line_end,
        physical_lines=grow.physical_lines,
    )
    for i, role in enumerate(roles):
        if grow.merged_at(i) is not None and role not in ("progress", "status"):
            continue  # a merged cell is the item's: inherited below
        _assign(row, role, labels[i] if i < len(labels) else "", _cell(grow, i))  # merged progress: shared
    for attr in INHERITED_ATTRS:
        if not getattr(row, attr):
            setattr(row, attr, getattr(item, attr))
    return row


def _attach_sub_row(parent: RawTaskRow, grow: GridRow, roles: list[str | None], labels: list[str]) -> None:
    """A row without 序号 continues the task above (merged 序号/title cells in the source)."""
    for i, role in enumerate(roles):
        text = _cell(grow, i)
        if not text or grow.merged_at(i) is not None:
            continue  # a merged cell repeats the parent's own value
        _assign(parent, role, labels[i] if i < len(labels) else "", text, append=True)
    parent.line_end = max(parent.line_end, grow.line_end)
    parent.sub_rows += 1


# --------------------------------------------------------------------------- merged cells


@dataclass(frozen=True)
class _Hints:
    seq: re.Pattern[str]
    leader: re.Pattern[str]
    unit: re.Pattern[str]
    status: re.Pattern[str]
    percent: re.Pattern[str]
    merge_cost: dict[str, float]
    default_merge_cost: float


@cache
def _hints() -> _Hints:
    data = yaml.safe_load(mapping_path("headers").read_text(encoding="utf-8")) or {}
    h = data.get("content_hints") or {}
    return _Hints(
        seq=re.compile(h.get("seq", r"^\d{1,4}$")),
        leader=re.compile(h.get("leader", r"^$")),
        unit=re.compile(h.get("unit", r"^$")),
        status=re.compile(h.get("status", r"^$")),
        percent=re.compile(h.get("percent", r"^\d+%")),
        merge_cost={k: float(v) for k, v in (data.get("merge_cost") or {}).items()},
        default_merge_cost=float(data.get("default_merge_cost", 3)),
    )


def _blank_column_copies(grow: GridRow) -> GridRow:
    """A colspan copy repeats its left neighbour's text: keep the text once (in the first cell)."""
    if "col" not in grow.merged:
        return grow
    cells = ["" if grow.merged_at(i) == "col" else c for i, c in enumerate(grow.cells)]
    return GridRow(
        cells, grow.line_start, grow.line_end, grow.physical_lines, grow.complete, list(grow.merged)
    )


def _lost_cells(grow: GridRow, roles: list[str | None], seq_col: int | None) -> bool:
    """Did the text dump drop merged cells from this row? (fewer cells than the header, or a row
    whose 序号 column holds text: a sub-row whose 序号 and title cells were merged away)."""
    if len(grow.cells) < len(roles):
        return True
    if not grow.cells:
        return False
    if seq_col is None:
        # no 序号 column, the number opens the name cell: a number left of that column means the
        # row lost a merged cell before it (and has an empty cell at its end instead)
        name_col = next((i for i, r in enumerate(roles) if r in ("project", "task", "target")), None)
        return bool(
            name_col
            and not SEQ_IN_CELL.match(_cell(grow, name_col))
            and any(SEQ_IN_CELL.match(_cell(grow, j)) for j in range(name_col))
        )
    first = grow.cells[seq_col].strip()
    return bool(first) and not SEQ_RE.match(first) and _hints().seq.match(first) is None


def cell_fit(text: str, role: str | None) -> float:
    """How badly a cell's text fits a column role (negative = a telling fit), by content_hints."""
    h = _hints()
    t = text.strip()
    if not t:
        return 0.0
    is_seq = bool(h.seq.match(t))
    if role == "seq":
        return -5.0 if is_seq else 5.0
    is_status = bool(h.status.match(t))
    is_pct = bool(h.percent.match(t))
    is_unit = bool(h.unit.search(t)) and len(t) <= 60 and "。" not in t
    is_leader = bool(h.leader.match(t)) and not is_unit and not is_status
    long = len(t) > 12
    cost = 2.0 if is_seq else 0.0
    if role is None:
        return cost + 0.5
    if role == "leader":
        return cost + (-1.0 if is_leader else 1.5 if long or is_unit else 0.5)
    if role in UNIT_ROLES:
        figure = bool(re.search(r"\d", t) or MEASURE.search(t))  # 农村标准(元/月): an indicator, no unit
        return cost + (-1.0 if is_unit else 1.5 if is_leader or is_status or is_pct or figure else 1.0)
    if role == "status":
        return cost + (-1.0 if is_status else -0.5 if is_pct else 1.5 if long or is_leader else 0.5)
    if role == "progress":
        # a unit name is the surest sign of a unit column: it never reads as a result
        return cost + (-0.5 if is_pct else 3.0 if is_unit else 1.5 if is_leader else 0.0)
    # text roles: project, task, target, deadline, issues, note
    if is_leader or (is_unit and not long):
        return cost + 1.5
    if is_status:
        return cost + (0.5 if role in ("note", "issues") else 1.5)
    if role == "project" and t.endswith("。"):
        return cost + 1.0
    return cost


def merge_cost(role: str | None, roles: list[str | None]) -> float:
    """The cost of assuming a column's cell was merged away (see merge_cost in headers.yaml)."""
    h = _hints()
    if role is None:
        return 1.0
    if role == "task" and "target" not in roles:
        return max(h.merge_cost.get("task", 0.5), 2.0)
    return h.merge_cost.get(role, h.default_merge_cost)


NAME_FIRST_BONUS = 1.5
SENTENCE_MARK = re.compile(r"[。；;！!？?:：]")


def _label_sized_name(text: str) -> bool:
    """A short name-like cell: at most 20 characters, no sentence or label:value punctuation, not
    a 序号, a bare amount, a percentage, a verdict or a unit name."""
    t = squash(text)
    h = _hints()
    return (
        2 <= len(t) <= 20
        and not SENTENCE_MARK.search(t)
        and not re.fullmatch(r"[-+—.\d,，%％]+", t)
        and not h.seq.match(t)
        and not h.status.match(t)
        and not VERDICT_CELL.match(t)
        and not h.unit.search(t)
    )


JOIN_COST = 0.3  # reading two adjacent label-sized names as one task or target cell


def align_short_row(cells: list[str], roles: list[str | None]) -> list[int]:
    """The column of each cell of a row that lost merged cells: the order-preserving placement with
    the lowest total of cell_fit (placed cells) and merge_cost (columns left out). The first cell,
    when it is a label-sized name (城市标准(788元/月), 新增学位810个: no sentence, no verdict, no bare
    number), is that row's own task or target (NAME_FIRST_BONUS): the text a sub-row exists for,
    rather than a lone progress or plan cell with every column after it merged. A label-sized name
    right after another may share its task or target column (JOIN_COST): a group label printed
    before an indicator label (特困人员救助供养 | 农村标准(元/月)); both cells then get that column."""
    k, n = len(cells), len(roles)
    name_first = bool(cells) and _label_sized_name(cells[0])
    names = [_label_sized_name(c) for c in cells]
    inf = float("inf")
    best = [[inf] * (n + 1) for _ in range(k + 1)]  # first i cells in the first j columns
    at = [[inf] * (n + 1) for _ in range(k + 1)]  # ... with cell i in column j
    joined = [[False] * (n + 1) for _ in range(k + 1)]
    took = [[False] * (n + 1) for _ in range(k + 1)]
    best[0][0] = 0.0
    for j in range(1, n + 1):
        best[0][j] = best[0][j - 1] + merge_cost(roles[j - 1], roles)
    for i in range(1, k + 1):
        for j in range(i, n + 1):
            take = best[i - 1][j - 1] + cell_fit(cells[i - 1], roles[j - 1])
            if i == 1 and name_first and roles[j - 1] in ("task", "target"):
                take -= NAME_FIRST_BONUS
            at[i][j] = take
            if i >= 2 and names[i - 1] and names[i - 2] and roles[j - 1] in SUB_TASK_ROLES:
                join = at[i - 1][j] + JOIN_COST
                if join < take:
                    at[i][j], joined[i][j] = join, True
            skip = best[i][j - 1] + merge_cost(roles[j - 1], roles) if j - 1 >= i else inf
            if at[i][j] <= skip:  # on a tie the cell stays right, the merged column goes left
                best[i][j], took[i][j] = at[i][j], True
            else:
                best[i][j] = skip
    placement: list[int] = []
    i, j = k, n
    while i > 0:
        if took[i][j]:
            while joined[i][j]:  # cells placed in the same column, back to the first of them
                placement.append(j - 1)
                i -= 1
            placement.append(j - 1)
            i -= 1
        j -= 1
    return placement[::-1]


def realign_row(
    grow: GridRow, roles: list[str | None], header: list[str], above: GridRow | None, table_no: int
) -> tuple[GridRow, Finding]:
    """Put a short row's cells under their columns; a column left out continues the merged cell of
    the row above (its value is copied and marked ``merged="row"``), or stays empty at the top."""
    n = len(roles)
    cells = list(grow.cells)
    if len(cells) >= n:  # a sub-row written with empty cells at the end: those are not real cells
        while cells and not cells[-1].strip():
            cells.pop()
    placement = align_short_row(cells, roles)
    full = [""] * n
    merged: list[str | None] = [None] * n
    for text, col in zip(cells, placement, strict=True):
        full[col] = f"{full[col]}\n{text}" if full[col] else text
    filled: list[str] = []
    for j in range(n):
        if j in placement:
            continue
        merged[j] = "row"
        value = above.cells[j] if above is not None and j < len(above.cells) else ""
        full[j] = value
        filled.append(f"{squash(header[j])}{'' if value.strip() else ' (no row above: empty)'}")
    finding = Finding(
        "layout.merged_cells",
        "info",
        f"table {table_no}: the row at lines {grow.line_start}-{grow.line_end} has {len(cells)} cells for {n} "
        f"columns (merged cells dropped by the text dump); taken as merged with the row above: {', '.join(filled)}"
        + "".join(
            f"; {' and '.join(repr(squash(c)) for c, p in zip(cells, placement, strict=True) if p == col)} read as one "
            f"{squash(header[col])!r} cell"
            for col in sorted({p for p in placement if placement.count(p) > 1})
        ),
        grow.line_start,
        grow.line_end,
        table_no=table_no,
        mapping_file=HEADERS_FILE,
    )
    return GridRow(full, grow.line_start, grow.line_end, grow.physical_lines, grow.complete, merged), finding


# --------------------------------------------------------------------------- split cells

JOIN_MARGIN = 2.0  # how much better a row must fit with two of its cells joined


def _row_cost(cells: list[str], roles: list[str | None]) -> float:
    return sum(cell_fit(c, r) for c, r in zip(cells, roles, strict=False))


def join_split_cell(cells: list[str], roles: list[str | None]) -> tuple[list[str], int] | None:
    """A row one cell too wide: one cell printed as two (a group label over an indicator label,
    最低生活保障 | 农村标准(760元/月), under one 目标任务 header), which shifts every later cell one
    column right. The row is one cell longer than the header (after its empty end cells), or as
    long with an empty last cell. Two adjacent label-sized names that land in a task, target or
    project column are joined (the later cells move one column left) when the row then fits its
    columns by JOIN_MARGIN better by cell_fit and a unit-looking cell comes to a unit column.
    Returns the joined cells and the index of the joined cell, or None."""
    n = len(roles)
    row = list(cells)
    while len(row) > n and not row[-1].strip():
        row.pop()
    if len(row) == n + 1:
        base = float("inf")  # too long: a join is needed, any valid one beats none
    elif len(row) == n and row and not row[-1].strip():
        base = _row_cost(row, roles)
    else:
        return None
    best: tuple[float, int] | None = None
    for i in range(len(row) - 1):
        if roles[i] not in SUB_TASK_ROLES or not (
            _label_sized_name(row[i]) and _label_sized_name(row[i + 1])
        ):
            continue
        joined = [*row[:i], f"{row[i].strip()}\n{row[i + 1].strip()}", *row[i + 2 :]]
        joined = (joined + [""] * n)[:n]
        unit_lands = any(
            roles[j] in UNIT_ROLES and cell_fit(joined[j], roles[j]) < 0 <= cell_fit(row[j], roles[j])
            for j in range(i + 1, n)
        )
        cost = _row_cost(joined, roles)
        if (
            unit_lands and cost <= base - JOIN_MARGIN and (best is None or cost <= best[0])
        ):  # a tie: the later pair
            best = (cost, i)
    if best is None:
        return None
    i = best[1]
    joined = [*row[:i], f"{row[i].strip()}\n{row[i + 1].strip()}", *row[i + 2 :]]
    return (joined + [""] * n)[:n], i
