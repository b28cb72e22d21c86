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
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from render import palette
from transforms.mappings import mapping_path

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
LABELS_FILE = "schemas/mappings/column_labels.yaml"
XLSX_MAX_CELL = 32767
WRAP_AT = (
    40  # a column with longer text is wrapped at this width (in Latin characters; a Chinese one counts two)
)
MAX_WIDTH = 60


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


def zh_values(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterable[list[Any]]:
    """Rows with codes in Chinese (已完成, 达标, 年底, 是/否) for `--labels zh` (render/palette.py)."""
    for row in rows:
        yield [palette.code_label(c, v) for c, v in zip(columns, row, strict=True)]


def display_width(value: Any) -> int:
    """Width of a value's text in Latin characters (a Chinese character counts two)."""
    if value is None:
        return 0
    text = value.isoformat() if isinstance(value, date) else str(value)
    longest = max((line for line in text.split("\n")), key=len, default="")
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in longest)


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


def xlsx_bytes(
    sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]],
    columns: Sequence[Sequence[str]] | None = None,
) -> bytes:
    """An XLSX workbook, one sheet per (name, headers, rows): bold frozen header with a filter, columns
    as wide as their content (long text wrapped), dates as dates, ratios as percentages, status cells
    tinted with the tracker's palette. COLUMNS, when given, are each sheet's column names (which
    cells hold statuses and ratios; the headers may be Chinese). No cell is ever stored as a formula."""
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="F1ECE4")
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    tints = {code: PatternFill("solid", fgColor=color) for code, color in palette.STATUS_TINTS.items()}
    tint_of = {palette.STATUS_ZH[c]: fill for c, fill in tints.items()} | tints
    for k, (name, headers, rows) in enumerate(sheets):
        ws = wb.create_sheet(title=name[:31])
        names = list(columns[k]) if columns else list(headers)
        status_cols = {j for j, c in enumerate(names, start=1) if c in palette.STATUS_COLUMNS}
        ratio_cols = {
            j
            for j, c in enumerate(names, start=1)
            if c.endswith(("_share", "_ratio")) or c == "mean_achievement"
        }
        widths = [display_width(h) + 2 for h in headers]
        for j, h in enumerate(headers, start=1):
            cell = _set_text_safe(ws.cell(row=1, column=j), h)
            cell.font, cell.fill, cell.alignment = bold, head_fill, wrap
        n = 1
        for i, row in enumerate(rows, start=2):
            n = i
            for j, v in enumerate(row, start=1):
                cell = _set_text_safe(ws.cell(row=i, column=j), _xlsx_cell_value(v))
                value = cell.value
                widths[j - 1] = max(widths[j - 1], display_width(value))
                if isinstance(value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
                elif j in ratio_cols and isinstance(value, int | float):
                    cell.number_format = "0.0%"
                if j in status_cols and value in tint_of:
                    cell.fill = tint_of[value]
        for j, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(j)].width = min(
                max(w, 6) + 1, MAX_WIDTH if w > WRAP_AT else WRAP_AT + 1
            )
        long_cols = [j for j, w in enumerate(widths, start=1) if w > WRAP_AT]
        for row in ws.iter_rows(min_row=2, max_row=n):
            for cell in row:
                cell.alignment = wrap if cell.column in long_cols else top
        ws.freeze_panes = "A2"
        if headers:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(n, 1)}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _set_text_safe(cell: Any, value: Any) -> Any:
    cell.value = value
    if is_formula_like(value):
        cell.data_type = "s"  # openpyxl would store text starting with "=" as a formula
        cell.quotePrefix = True
    return cell
