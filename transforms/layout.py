"""Layout: map header cells to column roles and rebuild task rows from a grid.

Heading rows (一、… parts and (一)… sections) become the part/section of the rows below them;
rows without 序号 are sub-rows of the task above; every row keeps its source line span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from transforms.grid import Finding, Grid, GridRow, GridTable
from transforms.mappings import header_map, squash
from transforms.readers.text import PART_RE, SECTION_RE

SEQ_RE = re.compile(r"^\s*(\d{1,4})\s*[.、．]?\s*$")

# roles whose text is appended when a sub-row continues a task
TEXT_ROLES = ("project", "task", "target", "deadline", "issues", "note")
UNIT_ROLES = ("lead_unit", "units", "co_units")


@dataclass
class RawTaskRow:
    """One task row as the table states it: cells by role, with where it came from."""

    table_no: int
    table_title: str | None
    part: str | None
    section: str | None
    seq: int
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
    line_start: int = 0
    line_end: int = 0
    physical_lines: int = 1
    sub_rows: int = 0


@dataclass
class Layout:
    rows: list[RawTaskRow]
    findings: list[Finding]
    roles: list[list[str | None]]  # per table, the role of every column


def column_roles(header: list[str]) -> list[str | None]:
    hm = header_map()
    return [hm.role(h) for h in header]


def _heading_text(row: GridRow, seq_col: int | None) -> str | None:
    """The text of a heading row (only one distinct non-empty text, not a 序号), else None."""
    distinct = {c.strip() for c in row.cells if c.strip()}
    if len(distinct) != 1:
        return None
    text = distinct.pop()
    if SEQ_RE.match(text):
        return None
    if seq_col is not None and row.cells[seq_col].strip() and row.cells[seq_col].strip() != text:
        return None
    first_nonempty = next(c for c in row.cells if c.strip())
    if first_nonempty.strip() != text:
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
    part: str | None = None
    section: str | None = None
    out: list[RawTaskRow] = []
    for grow in table.rows:
        heading = _heading_text(grow, seq_col)
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
        if m:
            out.append(_new_row(grow, roles, header, table, table_no, part, section, int(m.group(1))))
        elif out and out[-1].table_no == table_no:
            _attach_sub_row(out[-1], grow, roles, header)
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


def _cell(grow: GridRow, i: int) -> str:
    return grow.cells[i].strip() if i < len(grow.cells) else ""


def _new_row(
    grow: GridRow,
    roles: list[str | None],
    header: list[str],
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
    for i, role in enumerate(roles):
        text = _cell(grow, i)
        _assign(row, role, squash(header[i]) if i < len(header) else "", text)
    return row


def _assign(row: RawTaskRow, role: str | None, label: str, text: str, append: bool = False) -> None:
    if role is None or role == "seq":
        return
    if role == "progress":
        for p in row.progress:
            if p["label"] == label:
                if text:
                    p["text"] = f"{p['text']}\n{text}".strip() if append else text
                return
        row.progress.append({"label": label, "text": text})
        return
    attr = {
        "task": "task_text",
        "leader": "leader_raw",
        "lead_unit": "lead_unit_raw",
        "units": "units_raw",
        "co_units": "co_units_raw",
        "status": "status_raw",
    }.get(role, role)
    current = getattr(row, attr)
    if append:
        if text and text != current:
            setattr(row, attr, f"{current}\n{text}" if current else text)
    elif not current:
        setattr(row, attr, text or ("" if attr == "task_text" else None))
    elif text:
        # two columns share a role (e.g. 项目内容 and 主要内容): keep both
        setattr(row, attr, f"{current}\n{text}")


def _attach_sub_row(parent: RawTaskRow, grow: GridRow, roles: list[str | None], header: list[str]) -> None:
    """A row without 序号 continues the task above (merged 序号/title cells in the source)."""
    for i, role in enumerate(roles):
        text = _cell(grow, i)
        if not text:
            continue
        _assign(parent, role, squash(header[i]) if i < len(header) else "", text, append=True)
    parent.line_end = max(parent.line_end, grow.line_end)
    parent.sub_rows += 1
