"""The cell grid every reader produces and the layout step consumes."""

from __future__ import annotations

from dataclasses import dataclass, field


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


@dataclass
class GridTable:
    """One table of a report: an optional title line, the header cells and the body rows."""

    title: str | None
    header: list[str] | None
    rows: list[GridRow] = field(default_factory=list)
    header_line: int | None = None


@dataclass
class Grid:
    """What a reader returns: the tables found, the text around them, and what it noticed."""

    format: str
    tables: list[GridTable] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    text: str = ""  # the whole decoded text, used for metadata inference
