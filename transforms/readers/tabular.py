"""Shared by the structured readers (HTML, DOCX, XLSX, CSV): find the header, the title and the
body of each source table once its merged cells have been expanded.

A reader hands over each source table as a list of full-width rows (``GridRow`` with ``merged``
flags: ``"row"`` for a rowspan copy, ``"col"`` for a colspan copy). Here:

- empty rows and columns that are empty in every row (phantom columns) are dropped;
- the header is the first row whose cells name known column roles (schemas/mappings/headers.yaml);
  rows above it are the title (one text, often merged across the table) or page text;
- a header with a cell merged across columns has a second header row under it: the two are
  combined per column (``推进情况`` over ``1-10月`` → ``1-10月推进情况``);
- a repeat of the header (tables that repeat it after a page break) is skipped; a different header
  further down starts a new table;
- a table without any header continues the previous table when it has the same number of columns
  (a table broken across pages); otherwise it is kept without header and reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from transforms.grid import Finding, Grid, GridRow, GridTable
from transforms.mappings import HEADERS_FILE, header_map, squash
from transforms.readers.text import header_cells

HEADER_SCAN_ROWS = 12  # how far down a table its header may sit (title rows above it)


@dataclass
class SourceTable:
    """One table as a reader found it, merged cells expanded."""

    rows: list[GridRow]
    source: str  # "table 2 of the page", "sheet 进度表", "table 1 of the document"
    title: str | None = None  # a caption or the text right before the table
    before: list[tuple[int, str]] = field(default_factory=list)  # other page text before it


def clean_cell(text: str) -> str:
    """Cell text with runs of spaces collapsed inside lines and empty lines dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [re.sub(r"[ \t\u00a0\u3000\u200b]+", " ", ln).strip() for ln in text.split("\n")]
    return "\n".join(ln for ln in lines if ln)


def _visible(row: GridRow) -> list[str]:
    """The row's cells with colspan copies blanked (a merged cell's text counted once)."""
    return ["" if row.merged_at(i) == "col" else c for i, c in enumerate(row.cells)]


def _single_text(row: GridRow) -> str | None:
    distinct = {c.strip() for c in row.cells if c.strip()}
    return distinct.pop() if len(distinct) == 1 else None


def _drop_empty_columns(rows: list[GridRow]) -> tuple[list[GridRow], int]:
    width = max((len(r.cells) for r in rows), default=0)
    keep = [j for j in range(width) if any(j < len(r.cells) and r.cells[j].strip() for r in rows)]
    if len(keep) == width:
        return rows, 0
    out = []
    for r in rows:
        cells = [r.cells[j] if j < len(r.cells) else "" for j in keep]
        merged = [r.merged_at(j) for j in keep] if r.merged else []
        out.append(GridRow(cells, r.line_start, r.line_end, r.physical_lines, r.complete, merged))
    return out, width - len(keep)


def combine_header(top: GridRow, sub: GridRow) -> list[str]:
    """Two header rows → one header text per column (the combination that names a known role)."""
    hm = header_map()
    out: list[str] = []
    for j, t in enumerate(top.cells):
        b = sub.cells[j] if j < len(sub.cells) else ""
        t, b = t.strip(), b.strip()
        if not b or sub.merged_at(j) == "row" or squash(b) == squash(t):
            out.append(t)
            continue
        if not t:
            out.append(b)
            continue
        out.append(hm.best_label([b, t + b, b + t, t]) or t + b)
    return out


def _is_sub_header(top: GridRow, nxt: GridRow) -> bool:
    """The row under a header is its second row when the header has a cell merged across columns,
    or when header cells run down into it (a header cell never spans into task rows)."""
    if nxt.cells and re.fullmatch(r"\d{1,5}[.、．]?", nxt.cells[0].strip()):
        return False  # a task row (it has a 序号): the header's merged cell simply spans columns
    return "col" in top.merged or "row" in nxt.merged


def build_tables(sources: list[SourceTable], grid: Grid) -> None:
    """Turn every source table into grid tables with header, title and body rows."""
    for st in sources:
        rows = [r for r in st.rows if any(c.strip() for c in r.cells)]
        if not rows:
            continue
        rows, phantom = _drop_empty_columns(rows)
        if phantom:
            grid.findings.append(
                Finding(
                    "reader.phantom_columns",
                    "info",
                    f"{st.source}: {phantom} column(s) empty in every row were dropped",
                )
            )
        _split_table(st, rows, grid)


def _split_table(st: SourceTable, rows: list[GridRow], grid: Grid) -> None:
    title = st.title
    table: GridTable | None = None
    pending_title: list[GridRow] = []
    i = 0
    while i < len(rows):
        row = rows[i]
        hdr = (
            header_cells(_visible(row))
            if (table is None and i < HEADER_SCAN_ROWS) or table is not None
            else None
        )
        if hdr is not None and table is not None:
            if table.rows and _single_text(table.rows[-1]) is not None:
                # a one-text row right before a header is the next table's title, not a heading
                pending_title = [table.rows.pop()]
            elif [squash(h) for h in row.cells] == [squash(h) for h in (table.header or [])]:
                i += 1  # the header repeated after a page break
                continue
        if hdr is not None:
            header = list(row.cells)  # a header cell over two columns names both
            header_line = row.line_start
            if i + 1 < len(rows) and _is_sub_header(row, rows[i + 1]):
                full_top = GridRow(row.cells, row.line_start, row.line_end, merged=row.merged)
                header = combine_header(full_top, rows[i + 1])
                i += 1
            t_title = title if table is None else None
            for pr in pending_title:
                text = _single_text(pr)
                if text and len(text) <= 120:
                    t_title = text
            pending_title = []
            table = GridTable(title=t_title, header=header, header_line=header_line, source=st.source)
            grid.tables.append(table)
            i += 1
            continue
        if table is None:
            if i < HEADER_SCAN_ROWS and _single_text(row) is not None:
                pending_title.append(row)
                i += 1
                continue
            break  # no header near the top: a table without header
        table.rows.append(row)
        i += 1
    if table is not None:
        if st.before:
            first, last = st.before[0][0], st.before[-1][0]
            grid.findings.append(
                Finding(
                    "reader.dropped_text",
                    "info",
                    f"{len(st.before)} block(s) of page text before {st.source} (title, navigation) were not read as rows",
                    first,
                    last,
                )
            )
        return
    # no header: a continuation of the previous table (same columns) or a table without header
    body = rows
    prev = grid.tables[-1] if grid.tables else None
    if prev is not None and prev.header and len(prev.header) == max(len(r.cells) for r in body):
        prev.rows.extend(body)
        grid.findings.append(
            Finding(
                "reader.table_continued",
                "info",
                f"{st.source} has no header and the same {len(prev.header)} columns as the table before it: read as its continuation",
                body[0].line_start,
                body[-1].line_end,
            )
        )
        return
    grid.tables.append(GridTable(title=title, header=None, rows=body, source=st.source))
    first_row = " | ".join(c for c in body[0].cells if c.strip())[:80]
    grid.findings.append(
        Finding(
            "reader.no_header",
            "warning",
            f"{st.source}: {len(body)} row(s) without a header row naming known columns (first row: {first_row!r}); "
            f"see {HEADERS_FILE}",
            body[0].line_start,
            body[-1].line_end,
            mapping_file=HEADERS_FILE,
        )
    )


def expand_spans(
    cells: list[tuple[str, int, int]], carry: dict[int, tuple[str, int]]
) -> tuple[list[str], list[str | None]]:
    """One row of (text, rowspan, colspan) cells → full-width texts and merged flags.

    ``carry`` maps a column to (text, rows still to cover) for rowspans from the rows above; it is
    updated in place for the next row.
    """
    texts: list[str] = []
    merged: list[str | None] = []
    col = 0

    def fill_carried() -> None:
        nonlocal col
        while col in carry:
            text, left = carry[col]
            texts.append(text)
            merged.append("row")
            if left <= 1:
                del carry[col]
            else:
                carry[col] = (text, left - 1)
            col += 1

    for text, rowspan, colspan in cells:
        fill_carried()
        for k in range(max(colspan, 1)):
            texts.append(text)
            merged.append(None if k == 0 else "col")
            if rowspan > 1:
                carry[col] = (text, rowspan - 1)
            col += 1
    fill_carried()
    # rowspans reaching past the cells of this row (the row ends early)
    while carry and col <= max(carry):
        if col in carry:
            fill_carried()
        else:
            texts.append("")
            merged.append(None)
            col += 1
    return texts, merged
