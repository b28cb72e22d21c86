"""The cell grid every reader produces and the layout step consumes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# part and section headings inside a table: 一、… and （一）…
PART_RE = re.compile(r"^[一二三四五六七八九十]+[、.．]")
SECTION_RE = re.compile(r"^[（(][一二三四五六七八九十]+[)）]")


@dataclass(frozen=True)
class Finding:
    """Something a reader, the layout step or normalization noticed about the input."""

    rule: str
    severity: str  # info | warning | error
    message: str
    line_start: int | None = None
    line_end: int | None = None
    seq: str | None = None
    table_no: int | None = None
    mapping_file: str | None = None


@dataclass
class GridRow:
    """One logical row: its cells and the source lines it came from (1-based, inclusive)."""

    cells: list[str]
    line_start: int
    line_end: int
    physical_lines: int = 1
    complete: bool = True
    # per cell, where a copied value came from: None (the cell's own text), "row" (a merged cell
    # continued from the row above: rowspan) or "col" (continued from the cell to the left: colspan).
    # Empty when the reader knows nothing about merged cells.
    merged: list[str | None] = field(default_factory=list)

    def merged_at(self, i: int) -> str | None:
        """How cell i was filled: None (its own text), "row" or "col" (copied from a merged cell)."""
        return self.merged[i] if i < len(self.merged) else None


@dataclass
class GridTable:
    """One table of a report: an optional title line, the header cells and the body rows."""

    title: str | None
    header: list[str] | None
    rows: list[GridRow] = field(default_factory=list)
    header_line: int | None = None
    # True when the source silently drops merged cells (text dumps): a row with fewer cells than
    # the header is then re-aligned by the layout step (see transforms/layout.py, align_short_row).
    drops_merged_cells: bool = False
    source: str | None = None  # where the table sits: "sheet 进度表", "table 2 of the page", ...


@dataclass
class Grid:
    """What a reader returns: the tables found, the text around them, and what it noticed."""

    format: str
    tables: list[GridTable] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    text: str = ""  # the whole decoded text, used for metadata inference
