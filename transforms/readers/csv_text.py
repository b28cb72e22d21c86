"""CSV reader (the standard csv module): comma, tab or semicolon separated, quoted cells may hold
line breaks; a row's line span is the physical lines it covers. CSV has no merged cells: a cell
left empty stays empty (a row without 序号 is still a sub-row of the task above)."""

from __future__ import annotations

import csv
import io

from transforms.grid import Grid, GridRow
from transforms.readers.tabular import SourceTable, build_tables, clean_cell

DELIMITERS = ",\t;"


def sniff_delimiter(text: str) -> str | None:
    """The delimiter that splits most lines of the sample into the same number (≥ 3) of cells."""
    sample = [ln for ln in text.splitlines()[:60] if ln.strip()]
    best: tuple[float, str] | None = None
    for d in DELIMITERS:
        counts = [len(r) for r in csv.reader(sample, delimiter=d)]
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        share = counts.count(mode) / len(counts)
        if mode >= 3 and share >= 0.6 and (best is None or share > best[0]):
            best = (share, d)
    return best[1] if best else None


def read_csv(text: str) -> Grid:
    """Parse CSV text into a grid with one source table."""
    grid = Grid(format="csv")
    delimiter = sniff_delimiter(text) or ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[GridRow] = []
    last_line = 0
    for record in reader:
        start, last_line = last_line + 1, reader.line_num
        rows.append(GridRow([clean_cell(c) for c in record], start, last_line))
    grid.text = text
    grid.format = f"csv/{'tab' if delimiter == chr(9) else delimiter}"
    build_tables([SourceTable(rows=rows, source="the CSV file")], grid)
    return grid
