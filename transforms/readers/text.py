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

from transforms.grid import PART_RE, SECTION_RE, Finding, Grid, GridRow, GridTable
from transforms.mappings import header_map, squash
from transforms.readers.cells import _label_like, blank_separated_units, cell_per_line_units, read_cells

SEQ_START = re.compile(r"^\s*(\d{1,5})\s*\|")  # 序号 up to 99999 (readers.max_seq)
SEQ_ONLY = re.compile(r"^\s*\d{1,5}\s*$")
PIPES_ONLY = re.compile(r"\s*\|+\s*")


def _split_cells(text: str) -> list[str]:
    return list(map(str.strip, text.split("|")))


def _pipes_in_cells(text: str, n_cells: int) -> list[int]:
    """The separators of a `` | `` row that are a `|` inside a cell (text on both sides, no space):
    the indexes i of the split cells i, i+1 to join. None when every separator is written so (a
    row of `a|b|c` uses tight pipes as separators)."""
    raw = text.split("|")
    tight = [
        i
        for i in range(min(len(raw), n_cells) - 1)
        if raw[i] and raw[i + 1] and not raw[i][-1].isspace() and not raw[i + 1][0].isspace()
    ]
    return tight if len(tight) * 2 < len(raw) - 1 else []


def _join_at(cells: list[str], at: list[int]) -> list[str]:
    """Cells with cells i and i+1 joined by `|` for every i of ``at`` (ascending)."""
    out: list[str] = []
    for i, c in enumerate(cells):
        if i - 1 in at:
            out[-1] = f"{out[-1]}|{c}"
        else:
            out.append(c)
    return out


def _trim_trailing_empty(cells: list[str]) -> list[str]:
    out = list(cells)
    while out and not out[-1]:
        out.pop()
    return out


def header_cells(cells: list[str]) -> list[str] | None:
    """The cells as a table header if most of them name a known column role, else None."""
    cells = _trim_trailing_empty(cells)
    nonempty = [c for c in cells if c]
    if len(nonempty) < 2 or SEQ_ONLY.match(nonempty[0]):  # a row with a 序号 is a task row
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
    if (
        len(set(known)) >= 2
        and len(known) * 2 >= len(nonempty)
        and (
            "seq" in known
            or "task" in known
            or "progress" in known
            or "project" in known
            or "target" in known
        )
    ):
        return cells
    return None


# Labels of the page-information block of government sites (索引号 | … | 公开方式 | 主动公开 |) and
# label:value lines (联系电话:0559-…): written in pipes like a table row, but not part of the table.
PAGE_INFO_LABEL = re.compile(
    r"^(索引号|主题分类|公开方式|公开范围|公开时限|公开形式|发布单位|发布机构|发文机关|发文单位|成文日期|发文日期|"
    r"发布日期|发布时间|生成日期|文号|发文字号|有效性|信息来源|来源|访问次数|浏览次数|所属机构|主题词|关键词|体裁分类)[:：]?$"
)
LABEL_VALUE = re.compile(r"^[\u4e00-\u9fff]{2,10}[:：]\s*\S")
MARKDOWN_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$")
PHONE = re.compile(r"(电话|手机|传真|邮箱|E-?mail)[:：]?\s*[\d(（+]", re.I)


def is_page_info(cells: list[str]) -> bool:
    """A pipe line of page information rather than a table row: the site's information block
    (索引号 | … | 发文日期 | …), label:value pairs, phone numbers, or a markdown rule (---|---)."""
    nonempty = [c for c in cells if c]
    if not nonempty:
        return False
    if SEQ_ONLY.match(nonempty[0]):
        return False
    if nonempty[0].startswith(("-", ":")) and all(re.fullmatch(r":?-{2,}:?", c) for c in nonempty):
        return True
    labels = sum(1 for c in nonempty if PAGE_INFO_LABEL.match(squash(c)))
    if labels >= 2 or (labels and len(nonempty) <= 4 and PAGE_INFO_LABEL.match(squash(nonempty[0]))):
        return True
    if all(len(c) <= 40 for c in nonempty):
        pairs = sum(1 for c in nonempty if LABEL_VALUE.match(c) or PHONE.search(c))
        if any(PHONE.search(c) for c in nonempty) or pairs >= 2:  # 主办:… | 承办:… | 网站标识码:…
            return pairs * 2 >= len(nonempty)
    return False


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
    if multi < 2 and ending < 2 and not any(header_cells(_split_cells(ln)) for ln in piped):
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
    __slots__ = ("start", "end", "parts", "pipes")

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
    spare_header_cells = 0  # empty cells the header line was printed with after its labels

    def flush(reason_eof: bool = False) -> None:
        nonlocal pending, last_row_line, closed_rows, ncols, spare_header_cells
        if pending is None or table is None:
            pending = None
            return
        joined = pending.joined
        cells = _split_cells(joined)
        closed = pending.parts[-1].rstrip().endswith("|")
        if closed:
            cells = cells[:-1]  # `a | b | c |`: the closing pipe is not a cell
        if len(cells) > ncols and (inner := _pipes_in_cells(joined, len(cells))):
            # `县交通局|县财政局`: a `|` printed inside a cell (cells are separated by ` | `) would
            # shift every later cell one column right; the cell is read whole
            cells = _join_at(cells, inner)
            shown = ", ".join(repr(cells[i][:30]) for i in sorted({i - k for k, i in enumerate(inner)}))
            grid.findings.append(
                Finding(
                    "reader.pipe_in_cell",
                    "warning",
                    f"row at lines {pending.start}-{pending.end}: a `|` without spaces around it inside a cell ({shown}) "
                    f"would shift the cells after it one column right; read as one cell",
                    pending.start,
                    pending.end,
                )
            )
        if len(cells) > ncols and not any(cells[ncols:]):
            cells = cells[:ncols]
        elif len(cells) == ncols + 1 and spare_header_cells and _unheaded_category(cells[0]) and table.header:
            # the header was printed with spare empty cells and this row has one cell more, a
            # category before the first column (printed once over its rows): a column of its own
            table.header = [UNHEADED_GROUP, *table.header]
            for r in table.rows:
                r.cells.insert(0, "")
                if r.merged:
                    r.merged.insert(0, None)
            ncols += 1
            spare_header_cells = 0
            grid.findings.append(
                Finding(
                    "reader.unheaded_column",
                    "info",
                    f"row at lines {pending.start}-{pending.end} has one cell more than the header, a category "
                    f"({cells[0][:20]}) before the first column: read as a column {UNHEADED_GROUP}",
                    pending.start,
                    pending.end,
                )
            )
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

    skip: set[int] = set()
    rules = [ln.strip() for ln in lines if "--" in ln and MARKDOWN_RULE.match(ln)]
    markdown = bool(rules)  # a `---|---|` rule under the header is not a row
    if any(r.startswith("|") for r in rules):  # `| a | b |` rows: the opening pipe is not a cell
        lines = [
            ln.strip()[1:] if ln.strip().startswith("|") and not MARKDOWN_RULE.match(ln) else ln
            for ln in lines
        ]
    for idx, raw in enumerate(lines):
        line_no = idx + 1
        line = raw.strip()
        if not line or idx in skip:
            continue
        if markdown and MARKDOWN_RULE.match(line):
            continue
        numbered = SEQ_START.match(line) is not None
        if numbered and table is not None:
            # a row that opens with its 序号 (most lines of a table): neither page information nor
            # a header (a header's first cell is no number), so its cells need not be split here
            if pending is not None:
                flush()
            pending = _Pending(line_no, line)
            if pending.separators >= ncols - 1 and line.endswith("|"):
                flush()
            continue
        piped = "|" in line
        cells = _split_cells(line) if piped else [line]
        if piped and not line.startswith("|") and not numbered and is_page_info(cells):
            flush()
            outside.append((line_no, line))
            continue
        hdr = header_cells(cells) if piped and not numbered else None
        if hdr is not None:
            flush()
            hdr, cont_idx, mended = _mend_header(lines, idx, hdr)
            if cont_idx is not None:
                skip.add(cont_idx)
            if mended is not None:
                grid.findings.append(mended)
            hdr, sub_idx, two_level = _sub_header(lines, cont_idx if cont_idx is not None else idx, hdr)
            if sub_idx is not None:
                skip.add(sub_idx)
            if two_level is not None:  # set with sub_idx: the sub-header line read
                grid.findings.append(two_level)
            title = None
            if outside and outside[-1][0] == line_no - 1 or (outside and not table):
                title = outside[-1][1]
                outside.pop()
            _report_outside(grid, outside, before_table=table is None)
            outside = []
            if title is not None:
                title = _clean_title(title)
            table = GridTable(
                title=title, header=hdr, header_line=line_no, drops_merged_cells=True, source="text"
            )
            grid.tables.append(table)
            ncols = len(hdr)
            raw_cells = cells[:-1] if line.endswith("|") else cells
            spare_header_cells = len(raw_cells) - len(_trim_trailing_empty(raw_cells))
            continue
        if table is None:
            outside.append((line_no, line))
            continue
        if piped and is_heading_text(cells[0]) and not any(cells[1:]):
            flush()
            table.rows.append(
                GridRow(cells=[cells[0]] + [""] * (ncols - 1), line_start=line_no, line_end=line_no)
            )
            last_row_line = line_no
        elif pending is not None and (pending.separators < ncols - 1 or piped):
            pending.add(line_no, line)
        elif not piped:
            flush()
            nxt = next_nonempty(idx)
            if nxt is not None and header_cells(_split_cells(nxt)) is not None:
                outside.append((line_no, line))  # the title of the next table
            elif is_heading_text(line) and nxt is not None and ("|" in nxt):
                table.rows.append(
                    GridRow(cells=[line] + [""] * (ncols - 1), line_start=line_no, line_end=line_no)
                )
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
            Finding(
                "reader.no_table", "error", "no table header was found (see schemas/mappings/headers.yaml)"
            )
        )
    return grid


UNHEADED_GROUP = "类别"  # the label given to a category column the header does not name


def _unheaded_category(text: str) -> bool:
    """A short category title (not a 序号, not a sentence) that may stand before the first column."""
    t = squash(text)
    return 2 <= len(t) <= 30 and not SEQ_ONLY.match(t) and not re.search(r"[。；;，,]", t)


def _pipe_cells(line: str) -> list[str]:
    """The cells of a one-line row, without the closing pipe and trailing empty cells."""
    cells = _split_cells(line)
    if line.rstrip().endswith("|"):
        cells = cells[:-1]
    return _trim_trailing_empty(cells)


def _row_width(lines: list[str], start: int, trim: bool = True) -> int:
    """How many cells the first rows with a 序号 after line index ``start`` have (the most of three);
    in a table without 序号, the first three one-line rows that end with a pipe."""
    widths: list[int] = []
    plain: list[int] = []
    for raw in lines[start + 1 : start + 40]:
        line = raw.strip()
        n = len(
            _pipe_cells(line)
            if trim
            else _split_cells(line)[:-1]
            if line.endswith("|")
            else _split_cells(line)
        )
        if SEQ_START.match(line):
            widths.append(n)
            if len(widths) == 3:
                break
        elif len(plain) < 3 and line.endswith("|") and line.count("|") >= 2 and not line.startswith("|"):
            plain.append(n)
    return max(widths or plain, default=0)


def _mend_header(
    lines: list[str], idx: int, header: list[str]
) -> tuple[list[str], int | None, Finding | None]:
    """A header label split by the dump: over two lines (``… | 责任`` / ``领导 | 进展情况 |``: the
    line does not end with a pipe and the next one holds no row), or over two cells (``是 否 | 滞 后``)
    when the rows have fewer cells than the header. Labels are joined only where the joined text is
    a header the lists name and neither part is."""
    hm = header_map()
    line = lines[idx].strip()
    cont: int | None = None
    cells = list(header)
    if not line.endswith("|"):
        j = idx + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        nxt = lines[j].strip() if j < len(lines) else ""
        if "|" in nxt and not SEQ_START.match(nxt) and not nxt.startswith("|"):
            joined = header_cells(_split_cells(line + nxt))
            tail = _split_cells(nxt)[0]
            if joined is not None and hm.listed_role(cells[-1] + tail) and not hm.listed_role(tail):
                cells, cont = joined, j
    cells = _trim_trailing_empty(cells)
    width = _row_width(lines, cont if cont is not None else idx)
    joins: list[str] = []
    while width and len(cells) > width:
        for k in range(len(cells) - 1):
            a, b = cells[k], cells[k + 1]
            if a and b and hm.listed_role(a + b) and not hm.listed_role(a) and not hm.listed_role(b):
                cells[k : k + 2] = [a + b]
                joins.append(squash(a + b))
                break
        else:
            break
    if cont is None and not joins:
        return header, None, None
    what = [f"continued on line {cont + 1}"] if cont is not None else []
    what += [f"{j} was split over two cells" for j in joins]
    finding = Finding(
        "reader.header_mended",
        "info",
        f"the header at line {idx + 1}: {'; '.join(what)}",
        idx + 1,
        (cont or idx) + 1,
    )
    return cells, cont, finding


SPAN_ROLES = (None, "project", "task", "target", "plan", "progress", "status", "note")


def _sub_header(
    lines: list[str], idx: int, header: list[str]
) -> tuple[list[str], int | None, Finding | None]:
    """A two-level header: the line under the header lists only the sub-columns of the cells that
    span several columns (工作计划及完成情况 over 三季度工作计划 | 8月份完成情况). The header then
    becomes one label per column; the rows' width tells how many header cells span columns."""
    j = idx + 1
    while j < len(lines) and not lines[j].strip():
        j += 1
    if j >= len(lines) or "|" not in lines[j] or SEQ_START.match(lines[j].strip()):
        return header, None, None
    sub = [c for c in _pipe_cells(lines[j].strip()) if c]
    hm = header_map()
    parents = [c for c in _trim_trailing_empty(header)]

    def known(c: str) -> bool:  # a sub-column label alone, or with a parent (1-10月 under 推进情况)
        return bool(hm.role(c)) or any(hm.role(c + p) or hm.role(p + c) for p in parents)

    if len(sub) < 2 or not all(_label_like(c) for c in sub) or sum(1 for c in sub if known(c)) * 2 < len(sub):
        return header, None, None
    for trim in (True, False):  # rows may end with empty cells (an empty 备注): count them if need be
        width = _row_width(lines, j, trim)
        spanning = len(parents) + len(sub) - width
        if width and 1 <= spanning and len(sub) >= 2 * spanning:
            break
    else:
        return header, None, None

    def score(k: int) -> tuple[int, int, int, int]:
        role = hm.role(parents[k])
        compound = bool(re.search(r"[及和与、]", squash(parents[k])))
        fits = sum(1 for c in sub if hm.listed_role(c + parents[k]) or hm.listed_role(parents[k] + c))
        return (
            0 if role == "seq" or role not in SPAN_ROLES else 1,
            fits,
            2 if compound or role is None else 1,
            -k,
        )

    chosen = sorted(sorted(range(len(parents)), key=score, reverse=True)[:spanning])
    if any(score(k)[0] == 0 for k in chosen):
        return header, None, None
    share = [len(sub) // spanning + (1 if n < len(sub) % spanning else 0) for n in range(spanning)]
    merged: list[str] = []
    rest = list(sub)
    for k, parent in enumerate(parents):
        if k not in chosen:
            merged.append(parent)
            continue
        for child in rest[: share[chosen.index(k)]]:
            merged.append(hm.best_label([child, parent + child, child + parent]) or child)
        rest = rest[share[chosen.index(k)] :]
    finding = Finding(
        "reader.two_level_header",
        "info",
        f"the header at lines {idx + 1}-{j + 1} has two levels: "
        + ", ".join(
            f"{squash(parents[k])} over {len(sub) // spanning if n >= len(sub) % spanning else len(sub) // spanning + 1} columns"
            for n, k in enumerate(chosen)
        )
        + f"; read as {' | '.join(squash(m) for m in merged)}",
        idx + 1,
        j + 1,
    )
    return merged, j, finding


def _clean_title(text: str) -> str:
    """A title line without the empty cells a crawler wrote after it (`标题 | ||||||||`)."""
    return re.sub(r"[\s|]+$", "", text).strip()


def _report_outside(grid: Grid, outside: list[tuple[int, str]], before_table: bool) -> None:
    if not outside:
        return
    first, last = outside[0][0], outside[-1][0]
    kind = (
        "before the table (title, navigation)"
        if before_table
        else "outside the table rows (e.g. site footer)"
    )
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
