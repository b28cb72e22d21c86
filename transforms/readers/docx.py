"""DOCX reader (python-docx): the document's tables in document order. python-docx repeats a merged
cell in every grid position it covers; copies are recognised by their underlying ``<w:tc>`` element
(the same as the cell to the left: a horizontal merge; as the cell above: a vertical merge).

Line spans count the document's blocks as a text export would: every paragraph and every table row
is one line, in document order.
"""

from __future__ import annotations

import io

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from transforms.grid import Grid, GridRow
from transforms.readers.tabular import SourceTable, build_tables, clean_cell

TITLE_MAX = 100


def _cell_text(cell: object, seen: dict) -> str:
    tc = cell._tc  # type: ignore[attr-defined]
    if tc not in seen:
        seen[tc] = clean_cell(cell.text)  # type: ignore[attr-defined]
    return seen[tc]


def read_docx(data: bytes) -> Grid:
    """Parse a Word document into a grid: one source table per table, titles from the paragraph before."""
    document = docx.Document(io.BytesIO(data))
    grid = Grid(format="docx")
    sources: list[SourceTable] = []
    blocks: list[tuple[int, str]] = []
    page_text: list[str] = []
    line = 0
    n_images = len(document.inline_shapes)
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            line += 1
            t = clean_cell(item.text)
            if t:
                blocks.append((line, t))
                page_text.append(t)
            continue
        assert isinstance(item, Table)
        rows: list[GridRow] = []
        above: list = []
        seen: dict = {}  # <w:tc> → its text: a merged cell is read once
        for row in item.rows:
            line += 1
            cells = list(row.cells)
            tcs = [None] * row.grid_cols_before + [c._tc for c in cells] + [None] * row.grid_cols_after
            texts = (
                [""] * row.grid_cols_before
                + [_cell_text(c, seen) for c in cells]
                + [""] * row.grid_cols_after
            )
            merged: list[str | None] = []
            for j, tc in enumerate(tcs):
                if tc is not None and j > 0 and tcs[j - 1] is tc:
                    merged.append("col")
                elif tc is not None and j < len(above) and above[j] is tc:
                    merged.append("row")
                else:
                    merged.append(None)
            above = tcs
            rows.append(GridRow(texts, line, line, merged=merged))
            page_text.append("\t".join(texts))
        before = list(blocks)
        title = before.pop()[1] if before and len(before[-1][1]) <= TITLE_MAX else None
        sources.append(
            SourceTable(
                rows=rows, source=f"table {len(sources) + 1} of the document", title=title, before=before
            )
        )
        blocks = []
    grid.text = "\n".join(page_text)
    if not sources and not page_text:
        raise ValueError(
            f"a Word document with no table and no text{f', only {n_images} image(s) (a scanned report?)' if n_images else ''}"
        )
    build_tables(sources, grid)
    return grid
