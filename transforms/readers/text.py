"""Reader for text dumps of web pages (what a crawler's text extractor produces).

Layouts handled here:
- ``pipe``: one table row per line, cells separated by `` | ``; a row may be split over several
  physical lines (continuations start with ``|`` or carry the rest of a cell).
- ``cell_per_line``: one cell per line, each line ending with `` |``; a line holding only ``|``
  (or ``||``) closes a row whose last cell is empty.
- ``blank_separated``: one cell per line with blank lines between cells, no pipes at all.

Lines before the first header (navigation, titles) and after the last row (site footer) are kept
out of the tables and reported.
"""

from __future__ import annotations

import re

from transforms.grid import Finding, Grid, GridRow, GridTable
from transforms.mappings import header_map, squash
from transforms.readers.cells import blank_separated_units, cell_per_line_units, read_cells

SEQ_START = re.compile(r"^\s*(\d{1,4})\s*\|")
SEQ_ONLY = re.compile(r"^\s*\d{1,4}\s*$")
PART_RE = re.compile(r"^[一二三四五六七八九十]+[、.．]")
SECTION_RE = re.compile(r"^[（(][一二三四五六七八九十]+[)）]")
PIPES_ONLY = re.compile(r"\s*\|+\s*")


def _split_cells(text: str) -> list[str]:
    return [c.strip() for c in text.split("|")]


def _trim_trailing_empty(cells: list[str]) -> list[str]:
    out = list(cells)
    while out and not out[-1]:
        out.pop()
    return out


def header_cells(cells: list[str]) -> list[str] | None:
    """The cells as a table header if most of them name a known column role, else None."""
    cells = _trim_trailing_empty(cells)
    nonempty = [c for c in cells if c]
    if len(nonempty) < 2:
        return None
    hm = header_map()
    known: list[str] = []
    unknown = 0
    for c in nonempty:
        role = hm.role(c)
        if role:
            known.append(role)
        else:
            unknown += 1
            if unknown * 2 > len(nonempty):  # most cells unknown: a task row, stop asking
                return None
    if len(known) >= 2 and len(known) * 2 >= len(nonempty) and (
        "seq" in known or "task" in known or "progress" in known or "project" in known
    ):
        return cells
    return None


def is_heading_text(text: str) -> bool:
    """A part heading (一、…) or a section heading ((一)…)."""
    t = text.strip()
    return bool(PART_RE.match(t) or SECTION_RE.match(t))


def detect_layout(lines: list[str]) -> str:
    """Which text-dump layout the lines follow."""
    piped = [ln for ln in lines if "|" in ln]
    if not piped:
        return "blank_separated"
    multi = sum(1 for ln in piped if ln.count("|") >= 2 and not PIPES_ONLY.fullmatch(ln))
    ending = sum(1 for ln in piped if ln.rstrip().endswith("|") and ln.count("|") == 1)
    if multi < 2 and ending < 2:
        return "blank_separated"  # a pipe or two in the page's navigation, not a table's
    if ending > multi:
        return "cell_per_line"
    return "pipe"


def read_text(text: str) -> Grid:
    """Parse a text dump into a grid of tables with line spans."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    layout = detect_layout(lines)
    if layout == "pipe":
        grid = _read_pipe(lines)
    elif layout == "cell_per_line":
        grid = read_cells(lines, layout, cell_per_line_units(lines))
    else:
        grid = read_cells(lines, layout, blank_separated_units(lines))
    grid.text = text
    return grid


# --------------------------------------------------------------------------- pipe layout


class _Pending:
    def __init__(self, line_no: int, text: str) -> None:
        self.start = line_no
        self.end = line_no
        self.parts = [text]
        self.pipes = text.count("|")

    def add(self, line_no: int, text: str) -> None:
        self.parts.append(text)
        self.pipes += text.count("|")
        self.end = line_no

    @property
    def joined(self) -> str:
        return "\n".join(self.parts)

    @property
    def separators(self) -> int:
        return self.pipes  # the parts are joined with newlines: the pipes of the joined text


def _read_pipe(lines: list[str]) -> Grid:
    grid = Grid(format="text/pipe")
    table: GridTable | None = None
    ncols = 0
    pending: _Pending | None = None
    outside: list[tuple[int, str]] = []  # non-table lines seen since the last row
    last_row_line = 0
    closed_rows = 0

    def flush(reason_eof: bool = False) -> None:
        nonlocal pending, last_row_line, closed_rows
        if pending is None or table is None:
            pending = None
            return
        cells = _split_cells(pending.joined)
        closed = pending.parts[-1].rstrip().endswith("|")
        if closed:
            cells = cells[:-1]  # `a | b | c |`: the closing pipe is not a cell
        if len(cells) > ncols and not any(cells[ncols:]):
            cells = cells[:ncols]
        elif len(cells) > ncols:
            grid.findings.append(
                Finding(
                    "reader.extra_cells",
                    "warning",
                    f"row at lines {pending.start}-{pending.end} has {len(cells)} cells for "
                    f"{ncols} columns; the extra text was kept in the last column",
                    pending.start,
                    pending.end,
                )
            )
            cells = cells[: ncols - 1] + [" | ".join(c for c in cells[ncols - 1 :] if c)]
        # a row closed with `|` but short of cells lost merged cells (the layout re-aligns it);
        # an unclosed short row stops mid-cell
        complete = len(cells) >= ncols or (closed and len(_trim_trailing_empty(cells)) * 2 >= ncols)
        if complete and reason_eof and not closed and closed_rows > len(table.rows) // 2:
            complete = False  # rows here end with `|`; this one stops mid-cell: the file was cut
        row = GridRow(
            cells=cells,
            line_start=pending.start,
            line_end=pending.end,
            physical_lines=len(pending.parts),
            complete=complete,
        )
        if complete:
            table.rows.append(row)
            last_row_line = pending.end
            closed_rows += closed
        else:
            seq = cells[0] if cells and SEQ_ONLY.match(cells[0]) else None
            where = "at the end of the file" if reason_eof else "before the next row"
            grid.findings.append(
                Finding(
                    "reader.cut_row",
                    "warning",
                    f"row {seq or '(no 序号: a sub-row)'} at lines {pending.start}-{pending.end} is cut off {where}: "
                    f"{len(cells)} of {ncols} cells, the last one unfinished; it was not loaded",
                    pending.start,
                    pending.end,
                    seq=seq,
                    table_no=len(grid.tables),
                )
            )
        pending = None

    def next_nonempty(i: int) -> str | None:
        for j in range(i + 1, len(lines)):
            if lines[j].strip():
                return lines[j]
        return None

    for idx, raw in enumerate(lines):
        line_no = idx + 1
        line = raw.strip()
        if not line:
            continue
        cells = _split_cells(line)
        hdr = header_cells(cells) if "|" in line else None
        if hdr is not None:
            flush()
            title = None
            if outside and outside[-1][0] == line_no - 1 or (outside and not table):
                title = outside[-1][1]
                outside.pop()
            _report_outside(grid, outside, before_table=table is None)
            outside = []
            if title is not None:
                title = _clean_title(title)
            table = GridTable(title=title, header=hdr, header_line=line_no, drops_merged_cells=True, source="text")
            grid.tables.append(table)
            ncols = len(hdr)
            continue
        if table is None:
            outside.append((line_no, line))
            continue
        if SEQ_START.match(line):
            flush()
            pending = _Pending(line_no, line)
        elif "|" in line and is_heading_text(cells[0]) and not any(cells[1:]):
            flush()
            table.rows.append(GridRow(cells=[cells[0]] + [""] * (ncols - 1), line_start=line_no, line_end=line_no))
            last_row_line = line_no
        elif pending is not None and (pending.separators < ncols - 1 or "|" in line):
            pending.add(line_no, line)
        elif "|" not in line:
            flush()
            nxt = next_nonempty(idx)
            if nxt is not None and header_cells(_split_cells(nxt)) is not None:
                outside.append((line_no, line))  # the title of the next table
            elif is_heading_text(line) and nxt is not None and ("|" in nxt):
                table.rows.append(GridRow(cells=[line] + [""] * (ncols - 1), line_start=line_no, line_end=line_no))
            else:
                outside.append((line_no, line))
            continue
        else:
            flush()
            pending = _Pending(line_no, line)  # a row without 序号 (a sub-row)
        if pending is not None and pending.separators >= ncols - 1 and line.endswith("|"):
            flush()
    flush(reason_eof=True)
    _report_outside(grid, [o for o in outside if o[0] > last_row_line], before_table=table is None)
    if table is None:
        grid.findings.append(
            Finding("reader.no_table", "error", "no table header was found (see schemas/mappings/headers.yaml)")
        )
    return grid


def _clean_title(text: str) -> str:
    """A title line without the empty cells a crawler wrote after it (`标题 | ||||||||`)."""
    return re.sub(r"[\s|]+$", "", text).strip()


def _report_outside(grid: Grid, outside: list[tuple[int, str]], before_table: bool) -> None:
    if not outside:
        return
    first, last = outside[0][0], outside[-1][0]
    kind = "before the table (title, navigation)" if before_table else "outside the table rows (e.g. site footer)"
    grid.findings.append(
        Finding(
            "reader.dropped_text",
            "info",
            f"{len(outside)} line(s) of page text {kind} at lines {first}-{last} were not read as rows",
            first,
            last,
        )
    )


__all__ = ["read_text", "detect_layout", "header_cells", "is_heading_text", "squash"]
