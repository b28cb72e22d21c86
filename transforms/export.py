"""Spreadsheet-safe exports (pure): formula neutralization, Chinese headers, CSV and XLSX bytes.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some programs, a tab
or carriage return) as a formula. Report text is not ours, so every such text cell is neutralized:
in CSV by a leading apostrophe (the convention spreadsheets show as plain text), in XLSX by storing
it as a string cell with the "quote prefix" style, so the text stays exactly as written.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

import yaml
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from transforms.mappings import mapping_path

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
LABELS_FILE = "schemas/mappings/column_labels.yaml"
XLSX_MAX_CELL = 32767


def is_formula_like(value: Any) -> bool:
    """True for text a spreadsheet would evaluate as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def neutralize(value: Any) -> Any:
    """The CSV form of a cell: formula-like text gets a leading apostrophe; other values unchanged."""
    return "'" + value if is_formula_like(value) else value


def plain_value(value: Any) -> Any:
    """A cell value a spreadsheet can hold: lists joined by 、, structs as JSON, decimals as floats."""
    if isinstance(value, list | tuple):
        return "、".join("" if v is None else str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, Decimal):
        return float(value)
    return value


@cache
def column_labels() -> dict[str, str]:
    """Column name → Chinese header, from schemas/mappings/column_labels.yaml."""
    with mapping_path("column_labels").open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    labels = data.get("labels") or {}
    if not isinstance(labels, dict):
        raise ValueError(f"{LABELS_FILE}: 'labels' must be a mapping of column name to header")
    return {str(k): str(v) for k, v in labels.items()}


def header_labels(columns: Sequence[str], labels: dict[str, str] | None) -> tuple[list[str], list[str]]:
    """Headers for COLUMNS (labels applied when given) and the columns that have no label.

    Two columns with the same label keep them apart with the column name in brackets."""
    if labels is None:
        return list(columns), []
    missing = [c for c in columns if c not in labels]
    heads = [labels.get(c, c) for c in columns]
    dup = {h for h in heads if heads.count(h) > 1}
    return [f"{h}（{c}）" if h in dup else h for h, c in zip(heads, columns, strict=True)], missing


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 CSV with a byte-order mark (so Excel reads Chinese), formula-like text neutralized."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([neutralize(h) for h in headers])
    for row in rows:
        w.writerow(["" if v is None else neutralize(plain_value(v)) for v in row])
    return buf.getvalue().encode("utf-8-sig")


def _xlsx_cell_value(value: Any) -> Any:
    value = plain_value(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if len(value) > XLSX_MAX_CELL:
            value = value[: XLSX_MAX_CELL - 1] + "…"
    elif isinstance(value, datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    elif value is not None and not isinstance(value, int | float | bool | date):
        value = str(value)
    return value


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """An XLSX workbook, one sheet per (name, headers, rows); no cell is ever stored as a formula."""
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for name, headers, rows in sheets:
        ws = wb.create_sheet(title=name[:31])
        for j, h in enumerate(headers, start=1):
            _set_text_safe(ws.cell(row=1, column=j), h).font = bold
        for i, row in enumerate(rows, start=2):
            for j, v in enumerate(row, start=1):
                _set_text_safe(ws.cell(row=i, column=j), _xlsx_cell_value(v))
        ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _set_text_safe(cell: Any, value: Any) -> Any:
    cell.value = value
    if is_formula_like(value):
        cell.data_type = "s"  # openpyxl would store text starting with "=" as a formula
        cell.quotePrefix = True
    return cell
