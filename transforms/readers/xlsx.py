"""XLSX reader (openpyxl): every sheet, merged ranges filled with their top-left value (the copies
marked as merged), numbers written as the sheet shows them (1, not 1.0). A row's line span is its
row number in the sheet; the sheet name says where a table sits.
"""

from __future__ import annotations

import datetime as dt
import io

import openpyxl

from transforms.grid import Grid, GridRow
from transforms.readers.tabular import SourceTable, build_tables, clean_cell


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return clean_cell(str(value))


def read_xlsx(data: bytes) -> Grid:
    """Parse a workbook into a grid: one source table per sheet."""
    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)  # not read_only: merged ranges
    grid = Grid(format="xlsx")
    sources: list[SourceTable] = []
    page_text: list[str] = []
    n_images = 0
    for ws in wb.worksheets:
        n_images += len(getattr(ws, "_images", []))
        values = [[_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
        if not values:
            continue
        width = max(len(r) for r in values)
        merged: list[list[str | None]] = [[None] * width for _ in values]
        for rng in ws.merged_cells.ranges:
            top = values[rng.min_row - 1][rng.min_col - 1] if rng.min_row - 1 < len(values) else ""
            for r in range(rng.min_row, min(rng.max_row, len(values)) + 1):
                for c in range(rng.min_col, min(rng.max_col, width) + 1):
                    if (r, c) == (rng.min_row, rng.min_col):
                        continue
                    row = values[r - 1]
                    row.extend([""] * (width - len(row)))
                    row[c - 1] = top
                    merged[r - 1][c - 1] = "col" if r == rng.min_row else "row"
        rows = [
            GridRow(v + [""] * (width - len(v)), i + 1, i + 1, merged=merged[i]) for i, v in enumerate(values)
        ]
        page_text.extend("\t".join(v) for v in values)
        sources.append(SourceTable(rows=rows, source=f"sheet {ws.title!r}"))
    grid.text = "\n".join(page_text)
    if not any(t.strip() for t in page_text):
        raise ValueError(
            f"a workbook with {len(wb.worksheets)} sheet(s) and no cell values"
            + (f", only {n_images} image(s) (a scanned report?)" if n_images else "")
        )
    build_tables(sources, grid)
    return grid
