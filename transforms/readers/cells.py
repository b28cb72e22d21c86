"""Row segmentation over a stream of single cells (text dumps with one cell per line).

Two text layouts put one table cell on each line: ``cell_per_line`` (each cell ends with `` |``, a
line of bare pipes stands for empty cells) and ``blank_separated`` (blank lines between cells, an
empty cell shows only as an extra blank line). Both become a stream of cells, and the table is
rebuilt from the stream alone:

- headers: a run of short labels that starts with 序号 (a two-level header, whose colspan
  placeholder is an empty cell, is reduced to its leaf labels); a later run starts another table,
  or, when it repeats the header, another block of the same table;
- text between the header runs: page text and titles before a table, block headings
  (``一、…``) between repeated headers, a site footer after the last row;
- rows: a row starts at its 序号 (the next number, or 1 again under a new block) when the cell after
  it is not a number; the cells up to the next row are one row, or a row and sub-rows of the same
  shape (indicator rows without 序号) when there are more of them than columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from transforms.grid import PART_RE, SECTION_RE, Finding, Grid, GridRow, GridTable
from transforms.layout import _label_sized_name
from transforms.mappings import header_map, squash
from transforms.readers.chrome import SITE_CHROME

SEQ_ONLY = re.compile(r"^\s*\d{1,5}\s*[.、．]?\s*$")  # `1`, `1 `, `1.`, `1、`
NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?%?$|^[-—/]$")
UNIT_END = re.compile(r"(局|委|办|政府|中心|公司|集团|街道|处|院|所|站|队|专班|部|会|馆|乡|镇|园区)[)）]?$")
# A block heading that names the leader who leads the block: 一、区长XXX牵头重点工作
LEADER_NAME = re.compile(
    r"(?:(?:常务)?副?(?:省|市|州|盟|区|县|旗|镇|乡)长|书记|主任|秘书长|常委)"
    r"([\u4e00-\u9fff]{2,3}?)(?:同志)?(?:牵头|负责|分管|领衔)"
)
LEADER_COLUMN = "牵头领导"
TOTAL = re.compile(r"^(合计|小计|总计|共计)")

Unit = tuple[int, int, str | None]  # (first line, last line, cell text); text None marks a row end

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
SUB_POINT = re.compile(r"^\s*(?:(\d{1,2})[.、．)）](?!\d)|([" + CIRCLED + r"]))")


def _seq_no(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def is_heading_text(text: str) -> bool:
    """A part heading (一、…) or a section heading ((一)…)."""
    t = text.strip()
    return bool(PART_RE.match(t) or SECTION_RE.match(t))


def _clean_title(text: str) -> str:
    """A title line without the empty cells a crawler wrote after it (`标题 | ||||||||`)."""
    return re.sub(r"[\s|]+$", "", text).strip()


# --------------------------------------------------------------------------- cell streams


def cell_per_line_units(lines: list[str]) -> list[Unit]:
    """Cells of a cell-per-line dump. A cell ends at a line ending in `` |`` (its text may run over
    several lines); a line of m pipes holds m-1 empty cells and ends the row (``|`` ends a row whose
    last cell was written, ``||`` a row whose last cell is empty). Lines before the first cell are
    page text (titles, navigation) and stay separate units."""
    units: list[Unit] = []
    buf: list[str] = []
    start = 0
    seen_cell = False
    for idx, raw in enumerate(lines):
        line_no = idx + 1
        s = raw.strip()
        if not s and not buf:
            continue
        if s and re.fullmatch(r"\|+", s):
            if buf:
                units.append((start, line_no, "\n".join(buf).strip()))
                buf = []
            units.extend([(line_no, line_no, "")] * (len(s) - 1))
            units.append((line_no, line_no, None))
            seen_cell = True
            continue
        if not seen_cell and not s.endswith("|"):
            units.append((line_no, line_no, s))  # page text before the table
            continue
        if not buf:
            start = line_no
        if s.endswith("|"):
            seen_cell = True
            buf.append(s[:-1].strip())
            units.append((start, line_no, "\n".join(buf).strip()))
            buf = []
        else:
            buf.append(s)
    if buf:
        units.append((start, len(lines), "\n".join(buf).strip()))
    return units


def typical_gap(lines: list[str]) -> int:
    """How many blank lines most often separate two cells: 1 in a blank-separated dump, 0 in one
    that puts one cell on each line with no blank lines."""
    counts: dict[int, int] = {}
    gap = 0
    seen = False
    for raw in lines:
        if raw.strip():
            if seen:
                counts[gap] = counts.get(gap, 0) + 1
            seen, gap = True, 0
        else:
            gap += 1
    return max(counts, key=lambda g: (counts[g], -g)) if counts else 1


def blank_separated_units(lines: list[str]) -> list[Unit]:
    """Cells of a dump that puts one cell per line, with blank lines between cells or none. A longer
    run of blank (or white-space) lines than the one that separates cells stands for an empty cell:
    it becomes an empty cell ``""``, which the row segmentation keeps where a row is short of cells
    and drops where it is not."""
    sep = typical_gap(lines)
    units: list[Unit] = []
    gap = 0
    for idx, raw in enumerate(lines):
        s = raw.strip()
        if not s:
            gap += 1
            continue
        if gap > sep and units:
            units.extend([(idx, idx, "")] * max(1, (gap - sep) // (sep + 1)))
        units.append((idx + 1, idx + 1, s))
        gap = 0
    return units


def _sub_point_no(text: str) -> int | None:
    m = SUB_POINT.match(text)
    if not m:
        return None
    return int(m.group(1)) if m.group(1) else CIRCLED.index(m.group(2)) + 1


def merge_sub_points(units: list[Unit]) -> list[Unit]:
    """`1.… 2.…` or ①②③ points written as separate cells belong to one cell: rejoin them."""
    out: list[Unit] = []
    for u in units:
        n = _sub_point_no(u[2] or "")
        if n and n > 1 and out and out[-1][2]:
            prev_points = [_sub_point_no(p) for p in (out[-1][2] or "").split("\n")]
            if n - 1 in prev_points:
                out[-1] = (out[-1][0], u[1], f"{out[-1][2]}\n{u[2]}")
                continue
        out.append(u)
    return out


# --------------------------------------------------------------------------- headers


def _label_like(text: str) -> bool:
    """Short text without sentence punctuation: a header label rather than a cell of a row."""
    return len(squash(text)) <= 16 and not re.search(r"[。，,；;：:%]", text)


@dataclass
class Header:
    labels: list[str]  # leaf labels, one per column
    start: int  # index of the first header unit
    end: int  # index after the last header unit
    groups: dict[str, list[str]] = field(default_factory=dict)  # a two-level header's parents


def find_header(units: list[Unit], start: int = 0) -> Header | None:
    """The first header from ``start``: from a 序号 cell up to the first 序号-like number (where the
    rows begin), when those cells are short labels, at least three of them and at least half name
    known columns. Unknown labels stay in the header (the layout step reports them). Empty cells
    inside the run are colspan placeholders of a two-level header."""
    hm = header_map()
    for i in range(start, len(units)):
        u = units[i]
        if u[2] is None or len(u[2]) > 8:
            continue
        if hm.role(u[2]) != "seq" and not (
            i + 1 < len(units) and units[i + 1][2] and hm.role(u[2] + (units[i + 1][2] or "")) == "seq"
        ):
            continue  # a header starts at 序号 (or at 序 / 号 split over two cells)
        j = i + 1
        while j < len(units) and units[j][2] is not None and not SEQ_ONLY.match(units[j][2] or ""):
            t = units[j][2] or ""
            if t and not _label_like(t):
                break
            j += 1
        run = [units[k][2] or "" for k in range(i, j)]
        while run and not run[-1]:
            run.pop()
            j -= 1
        # a trailing label no list names (a keyword reading is only a guess) not followed by the first
        # row is not header
        while (
            run and not hm.listed_role(run[-1]) and (j >= len(units) or not SEQ_ONLY.match(units[j][2] or ""))
        ):
            run.pop()
            j -= 1
        run = _join_split_labels(run)
        labels = [c for c in run if c]
        known = sum(1 for c in labels if hm.role(c))
        rows_follow = (
            j < len(units) and bool(SEQ_ONLY.match(units[j][2] or "")) and _seq_no(units[j][2] or "") == 1
        )
        # at least half known; or, right above a row numbered 1, 序号 and one more known label
        if len(labels) >= 3 and (known * 2 >= len(labels) or (rows_follow and known >= 2)):
            leaves, groups = _leaf_labels(run)
            if not groups and len(labels) >= 5:
                # a two-level header printed without a placeholder: the leaf reading is taken when
                # the rows below have one cell per leaf column
                flat, flat_groups = _leaf_labels(run, placeholder=False)
                if flat_groups and _rows_fit(units[j : j + 40 * len(labels)], len(flat), len(labels)):
                    leaves, groups = flat, flat_groups
            return Header(leaves, i, j, groups)
    return None


def _join_split_labels(run: list[str]) -> list[str]:
    """A header label split over two cells (`责任` / `单位`, `是 否` / `滞 后`): two neighbours that
    name no column alone but do together are one label. Only the lists name columns here: the
    keyword rules read a fragment (单位) as a label of its own."""
    hm = header_map()
    out: list[str] = []
    for c in run:
        if (
            out
            and c
            and out[-1]
            and not hm.listed_role(out[-1])
            and hm.listed_role(out[-1] + c)
            and not hm.listed_role(c)
        ):
            out[-1] = out[-1] + c
            continue
        out.append(c)
    return out


FAMILY_WORDS = (
    ("what", re.compile(r"任务|目标|工作|内容|项目|事项|指标|计划|措施")),
    ("how", re.compile(r"进度|进展|情况|完成|成效|状态|说明|备注|评价")),
    ("who", re.compile(r"单位|部门|主体")),
    ("leader", re.compile(r"领导|责任人")),
)


def _family(label: str) -> str | None:
    key = squash(label)
    role = header_map().role(key)
    if role in ("task", "project", "target", "plan"):
        return "what"
    if role in ("progress", "status", "note", "issues"):
        return "how"
    if role in ("lead_unit", "units", "co_units"):
        return "who"
    if role == "leader":
        return "leader"
    for fam, rx in FAMILY_WORDS:
        if rx.search(key) and not (fam == "what" and re.search(r"进度|进展|情况|完成", key)):
            return fam
    return None


def _rows_fit(body: list[Unit], leaves: int, labels: int) -> bool:
    """Whether the rows below (cut at 序号, the last one left out) have ``leaves`` cells, two in three
    of them at least, and none has one cell per label."""
    blocks = seq_blocks([u for u in body if u[2] is not None and u[2] != ""], leaves)[:-1]
    sizes = [len(b) for b in blocks if b and b[0][2] and SEQ_ONLY.match(b[0][2] or "")]
    fit = sum(1 for n in sizes if n == leaves)
    return len(sizes) >= 2 and fit * 3 >= len(sizes) * 2 and not any(n == labels for n in sizes)


def _leaf_labels(run: list[str], placeholder: bool = True) -> tuple[list[str], dict[str, list[str]]]:
    """A header run with an empty placeholder cell is a two-level header printed level by level:
    the first-level labels, then the children of the spanning ones. The leaf header replaces each
    spanning label by its children (contiguous, at least two each, of the parent's kind: 重点工作 /
    主要内容 under 目标任务, 完成情况 / 进度状态 under 工作进度). The shortest first level that
    explains every child wins; without a placeholder or a fit the labels stay as they are."""
    labels = [c for c in run if c]
    if (placeholder and len(labels) == len(run)) or len(labels) < 5:
        return labels, {}
    fams = [_family(c) for c in labels]
    n = len(labels)
    for p in range(2, n - 1):
        level1, level2 = labels[:p], labels[p:]
        fam2 = fams[p:]
        if any(f is None for f in fam2):
            continue
        # the children, in order, as contiguous groups under parents of the same kind
        groups: list[tuple[int, list[str]]] = []
        k = 0
        ok = True
        for pi in range(1, p):
            if k >= len(level2):
                break
            if fams[pi] is None or fams[pi] != fam2[k]:
                continue
            g = k
            while g < len(level2) and fam2[g] == fams[pi]:
                g += 1
            if g - k < 2:
                ok = False
                break
            # a following parent of a different kind takes the rest
            groups.append((pi, level2[k:g]))
            k = g
        if not ok or k != len(level2) or not groups:
            continue
        parents = dict(groups)
        leaves: list[str] = []
        for pi, lab in enumerate(level1):
            leaves.extend(parents.get(pi, [lab]))
        return leaves, {level1[pi]: ch for pi, ch in groups}
    return labels, {}


# --------------------------------------------------------------------------- rows


def _kind(text: str) -> str:
    """What a cell looks like: E (empty), N (number, percent, dash), U (a unit), S (a short word:
    a name or a verdict), T (text)."""
    t = squash(text)
    if not t:
        return "E"
    if NUMBER.match(t):
        return "N"
    if UNIT_END.search(t) and len(t) <= 40 and not re.search(r"[。；;]", t):
        return "U"
    if len(t) <= 4:
        return "S"
    return "T"


def _same_shape(chunk: list[str], model: list[str]) -> bool:
    agree = sum(1 for a, b in zip(chunk, model, strict=True) if _kind(a) == _kind(b))
    k = len(model)
    return agree >= k - (1 if k >= 4 else 0)


def split_sub_rows(cells: list[str], ncols: int) -> tuple[list[list[str]], bool]:
    """Cut the cells between one 序号 and the next into a row and its sub-rows (rows without 序号
    that repeat the last columns of the row: indicator rows, further targets). The row has
    ncols cells or a few fewer (merged cells dropped) or one more (a title wrapped over two cells,
    joined again); each sub-row has k < ncols cells whose kinds match the row's last k cells.
    Returns the rows and whether the cut was found (else the cells come back as one row)."""
    m = len(cells)
    if m <= ncols:
        return [cells], True
    for r in (ncols, ncols - 1, ncols + 1, ncols - 2, ncols + 2):
        if r < 2 or r >= m:
            continue
        rest = m - r
        for k in range(min(ncols - 1, rest), 1, -1):
            if rest % k or k > r - 1:
                continue
            model = cells[r - k : r]
            chunks = [cells[r + i * k : r + (i + 1) * k] for i in range(rest // k)]
            if all(_same_shape(c, model) and not TOTAL.match(squash(c[0])) for c in chunks):
                first = _fit_first(cells[:r], ncols)
                return [first, *chunks], True
    return [cells], False


def label_sub_rows(cells: list[str], ncols: int) -> list[list[str]] | None:
    """Cut the cells between one 序号 and the next into a row and indicator rows of varying length,
    when split_sub_rows found no cut of one shape: after the row's ncols cells (or one more, a cell
    printed as two), each indicator row opens with a label (a label-sized name of more than four
    characters) followed by at least one cell, all figures, short words and empty cells; a label
    right after a label (a group label over an indicator label, 特困人员救助供养 | 农村标准(元/月))
    stays in the same sub-row, for the layout to join. At least half the sub-rows state a figure.
    The row keeps its empty end cells only up to ncols."""

    def label(text: str) -> bool:
        return _kind(text) == "T" and _label_sized_name(text)

    for r in (ncols, ncols + 1, ncols - 1):
        if r < 2 or r >= len(cells) or not label(cells[r]):
            continue
        chunks: list[list[str]] = []
        for c in cells[r:]:
            if label(c) and not (chunks and all(label(x) for x in chunks[-1])):
                chunks.append([c])
            else:
                chunks[-1].append(c)
        ok = True
        for ch in chunks:
            n = next((i for i, x in enumerate(ch) if not label(x)), len(ch))
            ok = ok and len(ch) < ncols and n <= 2 and n < len(ch) and all(_kind(x) in "ENS" for x in ch[n:])
        if not ok or sum(1 for ch in chunks if any(_kind(x) == "N" for x in ch)) * 2 < len(chunks):
            continue
        first = list(cells[:r])
        while len(first) > ncols and not first[-1].strip():
            first.pop()
        return [_fit_first(first, ncols), *chunks]
    return None


def _fit_first(cells: list[str], ncols: int) -> list[str]:
    """A row with more cells than columns: join the shortest adjacent pair of text cells after the
    序号 (a title wrapped over two lines) until it fits."""
    cells = list(cells)
    while len(cells) > ncols and len(cells) > 2:
        best = min(range(1, len(cells) - 1), key=lambda i: len(cells[i]) + len(cells[i + 1]))
        cells[best : best + 2] = [cells[best] + cells[best + 1]]
    return cells


def _starts_row(units: list[Unit], i: int, current: list[Unit], last_seq: int | None, ncols: int) -> bool:
    """Whether unit i (a bare number) opens a row: the next number (or any number once the row has
    all but one of its cells), followed by a cell that is not itself a number."""
    t = units[i][2]
    if t is None or not SEQ_ONLY.match(t):
        return False
    nxt = next((u[2] for u in units[i + 1 :] if u[2]), None)
    if nxt is not None and NUMBER.match(squash(nxt)):
        return False
    cells = [x for x in current if x[2] is not None and (x[2] or not ncols)]
    if not cells:
        return True
    n = _seq_no(t)
    if ncols and _repeated_later(units, i, n, ncols):
        return False  # the same number opens a row a little further on: this one is a cell
    if last_seq is not None and n == last_seq + 1:
        # the next number, once the row has at least half its cells (a row's own small number,
        # e.g. a target of 4 in row 3, would otherwise cut it)
        return not ncols or len(cells) * 2 >= ncols
    near = last_seq is None or n == 1 or last_seq < n <= last_seq + 5  # a row lost, or a new block
    return near and bool(ncols) and len(cells) >= ncols - 1


def _repeated_later(units: list[Unit], i: int, n: int, ncols: int) -> bool:
    """Whether the number n comes again, followed by text, within the next row's reach and before
    n + 1: then it is that later one that opens row n."""
    for j in range(i + 1, min(len(units), i + ncols + 2)):
        t = units[j][2] or ""
        if not SEQ_ONLY.match(t):
            continue
        if _seq_no(t) == n + 1:
            return False
        if _seq_no(t) == n:
            nxt = next((u[2] for u in units[j + 1 :] if u[2]), None)
            if nxt is not None and not NUMBER.match(squash(nxt)):
                return True
    return False


def seq_blocks(body: list[Unit], ncols: int) -> list[list[Unit]]:
    """The body cut at every unit that opens a row (see ``_starts_row``)."""
    blocks: list[list[Unit]] = []
    current: list[Unit] = []
    last_seq: int | None = None
    for i, u in enumerate(body):
        if current and _starts_row(body, i, current, last_seq, ncols):
            blocks.append(current)
            current = []
        if not current and u[2] is not None and SEQ_ONLY.match(u[2]):
            last_seq = _seq_no(u[2])
        current.append(u)
    if current:
        blocks.append(current)
    return blocks


def _group_closed_rows(body: list[Unit], ncols: int) -> list[tuple[list[Unit], bool]]:
    """Rows of a stream with row-end marks, as (units, closed): a row ends at its mark, or at a 序号
    once it has all its cells."""
    groups: list[tuple[list[Unit], bool]] = []
    current: list[Unit] = []
    last_seq: int | None = None

    def starts_row(u: Unit) -> bool:
        if u[2] is None or not SEQ_ONLY.match(u[2]):
            return False
        n = _seq_no(u[2])
        cells = [x for x in current if x[2] is not None]
        if not cells:
            return True
        return (last_seq is not None and n == last_seq + 1) or (bool(ncols) and len(cells) >= ncols - 1)

    for u in body:
        if u[2] is None:
            groups.append((current + [u], True))  # the row-end line belongs to the row
            current = []
            continue
        if current and starts_row(u) and len([x for x in current if x[2] is not None]) >= ncols:
            groups.append((current, False))
            current = []
        if not current and u[2] is not None and SEQ_ONLY.match(u[2]):
            last_seq = _seq_no(u[2])
        current.append(u)
    if current:
        groups.append((current, False))
    return [g for g in groups if g[0]]


def _row_ends_hold(units: list[Unit], header: Header) -> bool:
    """Whether a cell-per-line dump's bare-pipe lines end rows (``|`` after a written last cell,
    ``||`` after an empty one): then nearly every row they close starts with a 序号 (or is a
    heading). Where a bare ``|`` is only an empty cell, the marks fall inside rows."""
    groups = [g for g, closed in _group_closed_rows(units[header.end :], len(header.labels)) if closed]
    if not groups:
        return True
    starts = [next((u[2] for u in g if u[2]), "") or "" for g in groups]
    seq_like = sum(1 for t in starts if SEQ_ONLY.match(t) or is_heading_text(t))
    return seq_like * 3 >= len(groups) * 2


def _title_from(pre: list[Unit]) -> tuple[str | None, list[Unit]]:
    """The table title among the page text before the header: the last line that is not navigation."""
    candidates = [
        u for u in pre if u[2] and not re.match(r"^[•·*\-]", u[2]) and not re.search(r"[:：]", u[2])
    ]
    if not candidates:
        return None, pre
    title = candidates[-1]
    return _clean_title(title[2] or ""), [u for u in pre if u is not title]


def _first_seq(units: list[Unit]) -> int | None:
    for u in units:
        if u[2] and SEQ_ONLY.match(u[2]):
            return _seq_no(u[2])
    return None


def _leader_of(heading: str) -> str | None:
    m = LEADER_NAME.search(squash(heading))
    return m.group(1) if m else None


def read_cells(lines: list[str], layout: str, units: list[Unit]) -> Grid:
    """Rebuild the tables of a stream of single cells: find the header runs, then cut rows."""
    grid = Grid(format=f"text/{layout}")
    headers: list[Header] = []
    pos = 0
    while True:
        h = find_header(units, pos)
        if h is None:
            break
        headers.append(h)
        pos = h.end
    if not headers:
        return _read_headless(grid, units)
    hard_ends = layout == "cell_per_line" and _row_ends_hold(units, headers[0])
    if layout == "cell_per_line" and not hard_ends:
        units = [(u[0], u[1], "") if u[2] is None else u for u in units]  # a bare `|` is an empty cell
    soft_empty = layout == "blank_separated"
    sep = typical_gap(lines) if soft_empty else 1
    pending: list[Unit] = [u for u in units[: headers[0].start] if u[2]]  # page text before the next header
    table: GridTable | None = None
    ncols = 0
    n_tables = 0
    for hi, h in enumerate(headers):
        end = headers[hi + 1].start if hi + 1 < len(headers) else len(units)
        last_table = hi + 1 == len(headers)
        heading: Unit | None = None
        if pending and is_heading_text(pending[-1][2] or ""):
            heading = pending.pop()
        same = table is not None and [squash(c) for c in h.labels] == [
            squash(c) for c in (table.header or [])[:ncols]
        ]
        restarts = same and table is not None and bool(table.rows) and _first_seq(units[h.end : end]) == 1
        if not same or restarts:
            # a repeated header over 序号 that restarts at 1 opens a block of its own (a table with
            # the same header and title); one over continuing 序号 goes on with the same table
            title, pre = (table.title if table is not None else None), pending
            if not same:
                title, pre = _title_from(pending)
            if pre:
                where = "before the table (title, navigation)" if table is None else "between two tables"
                grid.findings.append(
                    Finding(
                        "reader.dropped_text",
                        "info",
                        f"{len(pre)} line(s) of page text {where} at lines {pre[0][0]}-{pre[-1][1]} were not read as rows",
                        pre[0][0],
                        pre[-1][1],
                    )
                )
            table = GridTable(
                title=title,
                header=list(h.labels),
                header_line=units[h.start][0],
                drops_merged_cells=True,
                source="text" if not grid.tables else f"table {len(grid.tables) + 1} of the page",
            )
            grid.tables.append(table)
            n_tables += 1
            ncols = len(h.labels)
            if h.groups and not same:
                parents = ", ".join(f"{p} → {' / '.join(ch)}" for p, ch in h.groups.items())
                grid.findings.append(
                    Finding(
                        "reader.two_level_header",
                        "info",
                        f"table {n_tables}: a two-level header was read as its {ncols} leaf columns ({parents})",
                        units[h.start][0],
                        units[h.end - 1][1],
                        table_no=n_tables,
                    )
                )
        if same and not restarts and pending:
            grid.findings.append(
                Finding(
                    "reader.dropped_text",
                    "info",
                    f"{len(pending)} line(s) of page text between two blocks at lines "
                    f"{pending[0][0]}-{pending[-1][1]} were not read as rows",
                    pending[0][0],
                    pending[-1][1],
                )
            )
        assert table is not None
        if heading is not None:
            table.rows.append(
                GridRow(
                    cells=[heading[2] or ""] + [""] * (ncols - 1), line_start=heading[0], line_end=heading[1]
                )
            )
        body = units[h.end : end]
        if soft_empty and sep:
            body = _join_wrapped(body)
        if hard_ends:
            pending = _closed_rows(grid, table, body, ncols, n_tables, last_table)
        else:
            pending = _open_rows(grid, table, body, ncols, n_tables, last_table, soft_empty)
    if pending:
        grid.findings.append(
            Finding(
                "reader.dropped_text",
                "info",
                f"{len(pending)} line(s) of page text after the table at lines {pending[0][0]}-{pending[-1][1]} "
                "were not read as rows",
                pending[0][0],
                pending[-1][1],
            )
        )
    for n, t in enumerate(grid.tables, start=1):
        if _leaders_from_headings(t):
            grid.findings.append(
                Finding(
                    "reader.leader_from_heading",
                    "info",
                    f"table {n}: the leader named in each block heading (一、…XXX牵头…) was read as a "
                    f"{LEADER_COLUMN} column of the block's rows",
                    t.header_line,
                    t.header_line,
                    table_no=n,
                )
            )
    return grid


def _leaders_from_headings(table: GridTable) -> bool:
    """Blocks headed by the leader who leads them (``一、区长XXX牵头重点工作``) in a table without a
    leader column: the leader becomes a column of its own."""
    header = table.header or []
    hm = header_map()
    if any(hm.role(h) == "leader" for h in header):
        return False
    ncols = len(header)
    leader: str | None = None
    found = False
    marks: list[str | None] = []
    for r in table.rows:
        texts = {c.strip() for c in r.cells if c.strip()}
        if len(texts) == 1 and is_heading_text(next(iter(texts))):
            leader = _leader_of(next(iter(texts)))
            found = found or leader is not None
            marks.append(None)
        else:
            marks.append(leader)
    if not found:
        return False
    table.header = [*header, LEADER_COLUMN]
    for r, name in zip(table.rows, marks, strict=True):
        if len(r.cells) >= ncols:
            r.cells = [*r.cells[:ncols], name or ""]
        elif name:
            r.cells = [*r.cells, name]
    return True


def _cut(grid: Grid, cells: list[str], start: int, end: int, ncols: int, table_no: int, what: str) -> None:
    seq = cells[0] if cells and SEQ_ONLY.match(cells[0]) else None
    grid.findings.append(
        Finding(
            "reader.cut_row",
            "warning",
            f"row {seq or '(no 序号)'} at lines {start}-{end} {what}: {len(cells)} of {ncols} cells; it was not loaded",
            start,
            end,
            seq=seq,
            table_no=table_no,
        )
    )


def _closed_rows(
    grid: Grid, table: GridTable, body: list[Unit], ncols: int, table_no: int, last_table: bool
) -> list[Unit]:
    """Rows of a stream whose row ends hold. Returns the text after the last row."""
    groups = _group_closed_rows(body, ncols)
    trailing: list[Unit] = []
    for n, (row_units, closed) in enumerate(groups):
        start, end = row_units[0][0], row_units[-1][1]
        row_units = merge_sub_points([u for u in row_units if u[2] is not None])
        cells = [u[2] or "" for u in row_units]
        last = n == len(groups) - 1
        if ncols and len(cells) > ncols:
            extra = row_units[ncols:]
            if last:
                trailing = extra
                row_units, cells = row_units[:ncols], cells[:ncols]
                end = row_units[-1][1]
            else:
                grid.findings.append(
                    Finding(
                        "reader.extra_cells",
                        "warning",
                        f"row at lines {start}-{end} has {len(cells)} cells for {ncols} columns; "
                        "the extra text was kept in the last column",
                        start,
                        end,
                    )
                )
                cells = cells[: ncols - 1] + ["\n".join(c for c in cells[ncols - 1 :] if c)]
        if closed:
            complete = True
        else:
            complete = not (last and last_table and ncols and len(cells) < ncols)
        if complete and ncols and len([c for c in cells if c]) * 2 < ncols and len(cells) < ncols:
            complete = False
        if not complete:
            what = "is cut off at the end of the file" if last else "has too few cells"
            _cut(
                grid,
                cells,
                start,
                end,
                ncols,
                table_no,
                what + (", and no row end" if last and not closed else ""),
            )
            continue
        table.rows.append(GridRow(cells=cells, line_start=start, line_end=end, physical_lines=1))
    return trailing


def _open_rows(
    grid: Grid,
    table: GridTable,
    body: list[Unit],
    ncols: int,
    table_no: int,
    last_table: bool,
    soft_empty: bool,
) -> list[Unit]:
    """Rows of a stream without row ends, cut at 序号 and by cell count. Returns the text after the
    last row (the next table's title or block heading, or the site footer)."""
    blocks = seq_blocks(body, ncols)
    trailing: list[Unit] = []
    if blocks and not (blocks[0][0][2] and SEQ_ONLY.match(blocks[0][0][2] or "")):
        lead = [u for u in blocks.pop(0) if u[2]]
        for u in lead:
            if is_heading_text(u[2] or ""):
                table.rows.append(
                    GridRow(cells=[u[2] or ""] + [""] * (ncols - 1), line_start=u[0], line_end=u[1])
                )
            else:
                trailing.append(u)  # reported with the text after the table
    for n, block in enumerate(blocks):
        last = n == len(blocks) - 1
        if last:
            cut = next((k for k, u in enumerate(block) if k and u[2] and SITE_CHROME.search(u[2])), None)
            if cut is not None:
                trailing.extend(u for u in block[cut:] if u[2])
                block = block[:cut]
        units = merge_sub_points(block)
        after: Unit | None = None
        if not last and len(units) > 2 and is_heading_text(units[-1][2] or ""):
            after = units.pop()  # a section heading between two rows
        if soft_empty:
            units = _drop_soft_empties(units, ncols)
        cells = [u[2] or "" for u in units]
        parts, ok = split_sub_rows(cells, ncols)
        if not ok and not last and len(cells) <= ncols + 2:
            parts, ok = [_fit_first(cells, ncols)], True  # a cell wrapped over two lines
        if not ok and (labelled := label_sub_rows(cells, ncols)) is not None:
            parts, ok = labelled, True
            grid.findings.append(
                Finding(
                    "reader.label_sub_rows",
                    "info",
                    f"row {cells[0]} at lines {units[0][0]}-{units[-1][1]} has {len(cells)} cells for {ncols} "
                    f"columns: read as a row and {len(parts) - 1} indicator rows, each opening with its label",
                    units[0][0],
                    units[-1][1],
                    seq=cells[0],
                    table_no=table_no,
                )
            )
        if not ok:
            head = units[:ncols]
            rest = [u for u in units[ncols:] if u[2]]
            if last:
                trailing.extend(rest)
            elif rest:
                grid.findings.append(
                    Finding(
                        "reader.unread_cells",
                        "warning",
                        f"row {cells[0]} at lines {units[0][0]}-{units[-1][1]} has {len(cells)} cells for {ncols} "
                        f"columns that do not form sub-rows; the {len(rest)} cell(s) at lines {rest[0][0]}-{rest[-1][1]} "
                        "were not loaded",
                        rest[0][0],
                        rest[-1][1],
                        seq=cells[0],
                        table_no=table_no,
                    )
                )
            units = head
            parts = [[u[2] or "" for u in head]]
        i = 0
        for pi, p in enumerate(parts):
            width = len(units) - sum(len(q) for q in parts[1:]) if pi == 0 else len(p)
            span = units[i : i + width] or units[-1:]
            i += width
            start, end = span[0][0], span[-1][1]
            is_last_part = last and last_table and pi == len(parts) - 1
            if pi == 0 and is_last_part and len(p) < ncols:
                _cut(grid, p, start, end, ncols, table_no, "is cut off at the end of the file")
                continue
            if pi == 0 and len([c for c in p if c]) * 2 < ncols and len(p) < ncols:
                _cut(grid, p, start, end, ncols, table_no, "has too few cells")
                continue
            table.rows.append(GridRow(cells=p, line_start=start, line_end=end, physical_lines=1))
        if after is not None:
            table.rows.append(
                GridRow(cells=[after[2] or ""] + [""] * (ncols - 1), line_start=after[0], line_end=after[1])
            )
    return trailing


def _join_wrapped(units: list[Unit]) -> list[Unit]:
    """In a blank-separated table, text on the very next line (no blank line between) continues
    the cell above: a cell wrapped over two lines."""
    out: list[Unit] = []
    for u in units:
        if (
            out
            and u[2]
            and out[-1][2]
            and u[0] == out[-1][1] + 1
            and not SEQ_ONLY.match(u[2])
            and not SEQ_ONLY.match(out[-1][2] or "")
        ):
            out[-1] = (out[-1][0], u[1], f"{out[-1][2]}\n{u[2]}")
            continue
        out.append(u)
    return out


def _drop_soft_empties(units: list[Unit], ncols: int) -> list[Unit]:
    """Empty cells read from extra blank lines count only where the row is short of cells."""
    out = list(units)
    while out and out[-1][2] == "" and len(out) > ncols:
        out.pop()
    excess = len(out) - ncols
    if excess > 0:
        keep: list[Unit] = []
        for u in reversed(out):
            if excess > 0 and u[2] == "":
                excess -= 1
                continue
            keep.append(u)
        out = keep[::-1]
    return out


def _read_headless(grid: Grid, units: list[Unit]) -> Grid:
    """Without a header only rows that start with a 序号 make a table; anything else is prose."""
    groups = _group_closed_rows(units, 0)
    rows = []
    for g, _closed in groups:
        cells = [u[2] or "" for u in merge_sub_points([u for u in g if u[2] is not None])]
        if cells and SEQ_ONLY.match(cells[0]) and len(cells) >= 2:
            rows.append(GridRow(cells=cells, line_start=g[0][0], line_end=g[-1][1], physical_lines=1))
    if not rows:
        grid.findings.append(
            Finding(
                "reader.no_table", "error", "no table header was found (see schemas/mappings/headers.yaml)"
            )
        )
        return grid
    grid.tables.append(GridTable(title=None, header=None, rows=rows, drops_merged_cells=True, source="text"))
    grid.findings.append(
        Finding(
            "reader.no_header",
            "warning",
            "the table starts without a header row (it starts mid-table); see schemas/mappings/headers.yaml",
            mapping_file="schemas/mappings/headers.yaml",
        )
    )
    return grid
