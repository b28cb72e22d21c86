"""Reader for text dumps whose cells are not separated by `` | `` on one line.

``read_spaced(text) -> Grid | None``: None (quickly) when the text does not look like this family.

Three layouts, one idea: the page is a stream of cell fragments; the header is found by its known
labels (schemas/mappings/headers.yaml, wrapped or letter-spaced label fragments joined again), and
the rest is cut into rows and cells by 序号, by the layout's own row marks and by what the cells
hold (unit names, numbers, long clauses), never by a fixed number of cells per row.

- ``spaces``: one row per line, cells separated by runs of spaces; an empty cell simply vanishes
  and a space inside a cell is not a cell boundary. Each line's fragments are placed under the
  columns by the cheapest order-preserving alignment (fragments may be joined into one cell,
  columns may stay empty). Heading rows (一、…) keep their title; total rows (合计) are dropped.
- ``leading_pipes``: ``| cell`` lines, the first cell of a row without a pipe, a lone ``|`` ending
  the row. A merged first column is printed only on its group's first row, wrapped a few
  characters per line (``市`` / ``监`` / ``察`` / ``局``): the lines are joined again, and a row
  without it continues the cell of the row above.
- ``vertical``: one cell per line (blank lines between), no 序号 column, a merged unit column
  broken into 2–3 character lines (``市政`` / ``府办`` / ``公厅``); whitespace-only lines are not
  cells. Rows are cut where the column order starts again.

A table without a 序号 column gets one (rows numbered 1, 2, … in order), reported as a finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import islice

from transforms.grid import PART_RE, SECTION_RE, Finding, Grid, GridRow, GridTable
from transforms.mappings import HEADERS_FILE, header_map, squash, unit_map
from transforms.readers.chrome import SITE_CHROME

TASK_LIKE = {"task", "target", "project", "progress"}
UNIT_ROLES = {"lead_unit", "units", "co_units"}

SEQ_FRAG = re.compile(r"^\d{1,3}[.、．]?$")
NUMBER = re.compile(r"^[-+]?\d[\d,，]*(\.\d+)?%?$|^[-+]?\.\d+%?$")
TOTAL_WORDS = ("合计", "总计", "小计", "共计")
# a column that holds amounts, not text
NUMERIC_LABEL = re.compile(r"投资|资金|金额|额度|万元|亿元|占比|比例|%|％|数量")
YEAR_PREFIX = re.compile(r"^(\d{4}|[一二〇零○]{4})年(度)?")
BRACKET_TAIL = re.compile(r"[(（]([^()（）]*)[)）]?$")
PERIOD = re.compile(r"^\d{1,2}(-|—|~|至)\d{1,2}月$|^\d{1,2}月(底|末)?$")
CJK = re.compile(r"^[\u4e00-\u9fff]+$")
EXTRA_UNIT_SUFFIXES = ("单位", "部门", "厅", "园区", "街道", "区", "县", "市", "镇", "乡")
UNIT_SPLIT = re.compile(r"[、,，;；/\s]|和|及|与")
SENTENCE_END = re.compile(r"[。;；!！?？]")
PIPE_INSIDE = re.compile(r"\S \| ")


# --------------------------------------------------------------------------- header labels


@cache
def _known_words() -> tuple[str, ...]:
    return tuple(sorted(header_map().exact, key=len, reverse=True))


@cache
def _label_search() -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in _known_words() if len(w) >= 2))


def label_role(label: str, whole: bool = True) -> tuple[str | None, str]:
    """The role of a printed header label and the header text to emit for it (one the mapping maps
    to that role). Beyond the mapping's own words: a year prefix (2025年…) and a bracketed tail
    ((万元), (1-3月)) are set aside, a bracketed period is put in front (1-3月进展情况, the dated
    progress form), and, for a single printed label (``whole``), a known word ending it after at most
    three more characters (月度进展情况 → 进展情况). Only the lists name labels here, never the
    mapping's keyword rules: these dumps are found by their header, and a keyword reads almost any
    short text as a label (序号 + 项目名称 joined ends in 名称, a task clause holds 工作, a unit list
    单位), so rows would be taken for headers. Amount columns (投资, 金额, 占比 …) get no role."""
    key = squash(label).strip(":：")
    hm = header_map()
    if not key:
        return None, key
    role = hm.listed_role(key)
    if role:
        return role, key
    if NUMERIC_LABEL.search(key) or len(key) > 24:
        return None, key
    core = YEAR_PREFIX.sub("", key)
    period = ""
    m = BRACKET_TAIL.search(core)
    if m:
        if PERIOD.match(m.group(1)):
            period = m.group(1)
        core = core[: m.start()]
    for cand in (period + core, core) if period else (core,):
        role = hm.listed_role(cand)
        if role:
            return role, cand
    if whole:
        for w in _known_words():
            if len(w) >= 4 and core.endswith(w) and 0 < len(core) - len(w) <= 3:
                prefix = core[: -len(w)]
                if _label_search().search(prefix):
                    continue
                role = hm.listed_role(w)
                if role == "progress" and period:
                    return role, period + core if hm.listed_role(period + core) else period + w
                return role, w
    return None, key


def join_labels(frags: list[str]) -> list[tuple[str, str | None, str]]:
    """Header fragments → labels (printed text, role, header text to emit). Wrapped or letter-spaced
    label fragments are joined again (``责任`` ``单位`` → 责任单位, ``目`` ``标`` ``任`` ``务``),
    and a bracketed unit after a label belongs to it (``完成额度`` ``(万元)``)."""
    out: list[tuple[str, str | None, str]] = []
    i, n = 0, len(frags)
    while i < n:
        found: tuple[int, str, str | None, str] | None = None
        # joins of short fragments only (wrapped or spaced-out labels), longest first
        j_max = i + 1
        while j_max < n and j_max - i < 8 and len(frags[j_max]) <= 4 and len(frags[i]) <= 4:
            j_max += 1
        for j in range(j_max, i + 1, -1):
            joined = "".join(frags[i:j])
            role, emit = label_role(joined, whole=False)
            if role:
                found = (j, joined, role, emit)
                break
        if found is None:
            role, emit = label_role(frags[i])
            found = (i + 1, frags[i], role, emit)
        j, printed, role, emit = found
        # a bracketed tail on the next fragment(s), or an unclosed bracket continued
        while j < n and (frags[j][:1] in "(（" and len(frags[j]) <= 8 or _unclosed(printed)):
            printed += frags[j]
            j += 1
            if role is None:
                role, emit = label_role(printed)
            elif role == "progress":
                r2, e2 = label_role(printed)
                if r2 == "progress":
                    emit = e2
        out.append((printed, role, emit))
        i = j
    return out


def _unclosed(text: str) -> bool:
    return text.count("(") + text.count("（") > text.count(")") + text.count("）") and len(text) < 16


def _header_ok(roles: list[str | None]) -> bool:
    known = [r for r in roles if r]
    return len(set(known)) >= 2 and bool(TASK_LIKE & set(known)) and len(known) * 2 >= len(roles)


# --------------------------------------------------------------------------- cell content


@cache
def _unit_suffixes() -> tuple[str, ...]:
    return tuple(sorted(set(unit_map().suffixes) | set(EXTRA_UNIT_SUFFIXES), key=len, reverse=True))


def unit_like(text: str) -> bool:
    """A cell that names units: each (or most) of its 、-separated parts ends with a unit suffix."""
    t = squash(text)
    if not t or len(t) > 90 or SENTENCE_END.search(t) or re.search(r"\d", t):
        return False
    plain = re.sub(r"[(（][^)）]*[)）]", "", " ".join(text.split()))
    parts = [p for p in UNIT_SPLIT.split(plain) if p]
    if not parts:
        return False
    hits = sum(1 for p in parts if len(p) <= 16 and p.endswith(_unit_suffixes()))
    ends = _unit_suffixes()
    return hits * 2 > len(parts) and parts[0].endswith(ends)


def _kind(role: str | None, label: str) -> str:
    if role == "seq":
        return "seq"
    if role in UNIT_ROLES:
        return "unit"
    if role is None and NUMERIC_LABEL.search(squash(label)):
        return "number"
    if role in ("task", "target", "progress", "issues"):
        return "text"
    if role == "leader":
        return "name"
    if role == "project":
        return "project"
    return "any"  # leader, deadline, note, status, unknown


SKIP = {"seq": 4.0, "text": 2.0, "project": 2.0, "unit": 1.5, "name": 1.0, "number": 0.5, "any": 0.3}
# a leader cell: names of 2–4 characters (a name printed with a space inside: 吴 诚), or a title
NAMES = re.compile(
    r"^([\u4e00-\u9fff·]{2,4}|[\u4e00-\u9fff] [\u4e00-\u9fff]{1,2})([ 、,，]+([\u4e00-\u9fff·]{2,4}|[\u4e00-\u9fff] [\u4e00-\u9fff]{1,2}))*$"
)
TITLE = re.compile(r"(市长|县长|区长|书记|主任|领导|主席|部长|局长)$")


def fit(kind: str, text: str) -> float:
    """How badly a cell's text fits a column kind (negative: a telling fit)."""
    t = squash(text)
    is_num = bool(NUMBER.match(t))
    is_seq = bool(SEQ_FRAG.match(t))
    if kind == "seq":
        return -3.0 if is_seq else 6.0
    if kind == "number":
        return -2.0 if is_num else 4.0
    is_unit = unit_like(text)
    if kind == "unit":
        return -2.0 if is_unit else 5.0 if is_num else 3.0 if SENTENCE_END.search(t) or len(t) > 40 else 1.0
    if kind == "any":
        return 0.5 if is_num else 1.0
    if kind == "name":
        text1 = " ".join(text.split())
        if is_unit:
            return 2.0
        return (
            -2.0 if NAMES.match(text1) or (TITLE.search(t) and len(t) <= 12) else 3.0 if len(t) > 12 else 1.0
        )
    if is_num:
        return 3.0
    if is_unit:
        return 1.5
    if kind == "project":
        return -1.0 if len(t) <= 20 and not SENTENCE_END.search(t) else 1.0
    return -1.0 if len(t) > 12 else 0.0


def _frag_class(frag: str) -> str:
    if unit_like(frag):
        return "unit"
    if 2 <= len(frag) <= 3 and CJK.match(frag) and not frag.endswith(_unit_suffixes()):
        return "name"
    if re.search(r"[,，。;；:：]", frag) or len(frag) > 8:
        return "clause"
    return "plain"


def _join_cost(kind: str, classes: list[str]) -> float:
    """The cost of a cell of several fragments: each space inside a clause costs a little, and a
    unit name or a person's name inside a cell of another kind (at its start too) costs more."""
    if len(classes) < 2:
        return 0.0
    wrong = sum(
        1
        for c in classes
        if c in ("unit", "name") and c != kind or c == "clause" and kind in ("unit", "name")
    )
    each = 0.5 if kind in ("unit", "name") else 0.8  # units and names are listed with spaces between
    return each * (len(classes) - 1) + 1.7 * wrong


def align(
    frags: list[str], kinds: list[str], joins: bool, open_end: bool = False
) -> list[tuple[int, int]] | None:
    """The cheapest order-preserving placement of fragments under columns: for each column, the
    span [a, b) of fragments it holds (a == b: empty). With ``joins``, several fragments may form
    one text cell (a space inside a cell); amounts and 序号 are always one fragment. With
    ``open_end`` (a row cut by the end of the page) the columns after the last cell cost nothing."""
    n, m = len(frags), len(kinds)
    inf = float("inf")
    best = [[inf] * (n + 1) for _ in range(m + 1)]
    back: list[list[int]] = [[-1] * (n + 1) for _ in range(m + 1)]
    best[0][0] = 0.0
    cls = [_frag_class(f) for f in frags] if joins else []
    for j in range(1, m + 1):
        kind = kinds[j - 1]
        for i in range(n + 1):
            c = best[j - 1][i] + SKIP[kind]
            if c < best[j][i]:
                best[j][i], back[j][i] = c, i
            width = (n - i) if joins and kind in ("text", "project", "unit", "any") else 1
            if joins and kind == "name":
                width = 4
            for b in range(i + 1, min(n, i + width) + 1):
                if best[j - 1][i] == inf:
                    break
                cell = " ".join(frags[i:b])
                c = best[j - 1][i] + fit(kind, cell) + _join_cost(kind, cls[i:b])
                if c < best[j][b]:
                    best[j][b], back[j][b] = c, i
    last = m
    if open_end:
        last = min(range(m + 1), key=lambda j: (best[j][n], j))
    if best[last][n] == inf:
        return None
    spans: list[tuple[int, int]] = [(n, n)] * (m - last)
    b = n
    for j in range(last, 0, -1):
        a = back[j][b]
        spans.append((a, b))
        b = a
    return spans[::-1]


# --------------------------------------------------------------------------- shared output


@dataclass
class _Row:
    cells: list[str]
    line_start: int
    line_end: int
    own: list[bool]  # per column: the row printed this cell itself
    complete: bool = True
    heading: bool = False


def _build_grid(
    layout: str,
    header: list[str],
    header_line: int,
    rows: list[_Row],
    findings: list[Finding],
    title: str | None,
) -> Grid | None:
    roles = [header_map().role(h) for h in header]
    has_seq = "seq" in roles
    out: list[GridRow] = []
    above: list[str] | None = None
    number = 0
    for r in rows:
        if r.heading:
            text = next(c for c in r.cells if c)
            cells = [text] + [""] * (len(header) - 1)
            out.append(GridRow(cells if has_seq else [text, *cells], r.line_start, r.line_end))
            continue
        cells = list(r.cells)
        merged: list[str | None] = [None] * len(cells)
        last_own = max((i for i, o in enumerate(r.own) if o), default=-1)
        for i, own in enumerate(r.own):
            if own or above is None or roles[i] == "seq":
                continue
            if not r.complete and i > last_own:
                continue  # cut by the end of the page: not printed yet, not merged
            if roles[i] in UNIT_ROLES or roles[i] in ("leader", "project", "deadline"):
                cells[i], merged[i] = above[i], "row"
        above = cells
        if not has_seq:
            number += 1
            cells = [str(number), *cells]
            merged = [None, *merged]
        out.append(
            GridRow(cells, r.line_start, r.line_end, r.line_end - r.line_start + 1, r.complete, merged)
        )
    if not any(not r.heading for r in rows):
        return None
    if not has_seq:
        header = ["序号", *header]
        findings.append(
            Finding(
                "reader.synthetic_seq",
                "info",
                f"the table has no 序号 column: its {number} rows are numbered in order",
                header_line,
                rows[-1].line_end,
            )
        )
    table = GridTable(title=title, header=header, rows=out, header_line=header_line, source="text")
    findings.insert(
        0,
        Finding(
            "reader.layout",
            "info",
            f"text dump read as {layout}: {len(out)} row(s) under the header {' | '.join(header)}",
            header_line,
            rows[-1].line_end,
            mapping_file=HEADERS_FILE,
        ),
    )
    return Grid(format=f"text-{layout}", tables=[table], findings=findings)


def _title_before(lines: list[str], idx: int) -> str | None:
    for k in range(idx - 1, max(-1, idx - 12), -1):
        t = lines[k].strip()
        if t and ("表" in t or "情况" in t) and len(t) <= 60 and "|" not in t:
            return squash(t)
    return None


# --------------------------------------------------------------------------- spaces


def _frags(line: str) -> list[str]:
    return line.split()


def _body_line(frags: list[str]) -> bool:
    if not frags:
        return False
    first = frags[0]
    if SEQ_FRAG.match(first) and len(frags) >= 2:
        return True
    if PART_RE.match(first) or SECTION_RE.match(first) or first.startswith(TOTAL_WORDS):
        return True
    return any(NUMBER.match(f) and len(f) >= 2 for f in frags) or any(len(f) > 24 for f in frags)


def _header_line(frags: list[str]) -> bool:
    """A line of header labels with 序号 among them (a table's header, or the next table's)."""
    if len(frags) < 3 or _body_line(frags) or not _label_search().search("".join(frags)):
        return False
    roles = [r for _, r, _ in join_labels(frags)]
    return "seq" in roles and _header_ok(roles)


def _read_spaces(lines: list[str]) -> Grid | None:
    grids: list[Grid] = []
    idx = 0
    while idx < len(lines):
        line = lines[idx]
        frags = _frags(line)
        idx += 1
        if len(frags) < 3 or "|" in line or not _label_search().search(squash(line)):
            continue
        labels = join_labels(frags)
        if sum(1 for _, r, _ in labels if r) < 2 or _body_line(frags):
            continue
        # the header goes on over the next lines until the first body line
        zone = list(frags)
        end = idx - 1
        k = idx
        while k < len(lines) and k - idx < 8:
            f = _frags(lines[k])
            if f:
                if _body_line(f) or "|" in lines[k] or any(len(x) > 16 for x in f):
                    break
                zone.extend(f)
                end = k
            k += 1
        labels = join_labels(zone)
        roles = [r for _, r, _ in labels]
        if not _header_ok(roles) or "seq" not in roles:
            continue
        grid, idx = _spaces_body(lines, idx - 1, end, labels)
        if grid is not None:
            grids.append(grid)
    return _merge(grids)


def _merge(grids: list[Grid]) -> Grid | None:
    if not grids:
        return None
    out = grids[0]
    for g in grids[1:]:
        out.tables.extend(g.tables)
        out.findings.extend(g.findings)
    return out


def _spaces_body(
    lines: list[str], idx: int, end: int, labels: list[tuple[str, str | None, str]]
) -> tuple[Grid | None, int]:
    """The rows under a header ending on line index ``end``, and the index where they stop."""
    header = [emit for _, _, emit in labels]
    kinds = [_kind(r, p) for p, r, _ in labels]
    findings: list[Finding] = []
    raw: list[tuple[int, int, list[str]]] = []  # line_start, line_end, fragments
    blanks = 0
    stop = len(lines)
    for k in range(end + 1, len(lines)):
        f = _frags(lines[k])
        if not f:
            blanks += 1
            if blanks >= 2 and raw:
                stop = k
                break
            continue
        if "|" in lines[k] or SITE_CHROME.search(lines[k]):
            stop = k
            break
        if _header_line(f):
            # the next table's header: its title (a heading-like line just above) goes with it
            stop = k
            while raw and not SEQ_FRAG.match(raw[-1][2][0]) and raw[-1][0] == raw[-1][1] == stop:
                stop = raw.pop()[0] - 1
            break
        starts = bool(SEQ_FRAG.match(f[0])) or bool(PART_RE.match(f[0]) or SECTION_RE.match(f[0]))
        starts = starts or f[0].startswith(TOTAL_WORDS)
        if starts or not raw:
            if not starts:
                stop = k
                break  # text after the header that is not a row
            raw.append((k + 1, k + 1, f))
        else:
            s, _, prev = raw[-1]
            raw[-1] = (s, k + 1, prev + f)
        blanks = 0
    rows: list[_Row] = []
    for n_raw, (s, e, f) in enumerate(raw):
        if f[0].startswith(TOTAL_WORDS):
            findings.append(
                Finding("reader.total_row", "info", f"a total row is not a task: {' '.join(f)[:60]}", s, e)
            )
            continue
        if not SEQ_FRAG.match(f[0]):
            text = " ".join(x for x in f if not NUMBER.match(x))
            rows.append(
                _Row(
                    [text] + [""] * (len(header) - 1),
                    s,
                    e,
                    [True] + [False] * (len(header) - 1),
                    heading=True,
                )
            )
            continue
        at_end = n_raw == len(raw) - 1 and not any(ln.strip() for ln in lines[e:])
        spans = align(f, kinds, joins=True, open_end=at_end)
        if spans is None:
            continue
        cells = [" ".join(f[a:b]) for a, b in spans]
        own = [b > a for a, b in spans]
        filled = sum(1 for c, kd in zip(cells, kinds, strict=True) if c and kd in ("text", "unit", "project"))
        wanted = sum(1 for kd in kinds if kd in ("text", "unit", "project"))
        rows.append(_Row(cells, s, e, own, complete=not (at_end and filled < wanted)))
    if not rows:
        return None, stop
    return _build_grid("spaces", header, idx + 1, rows, findings, _title_before(lines, idx)), stop


# --------------------------------------------------------------------------- leading pipes


LONE_PIPE = re.compile(r"^\s*\|\s*$")


def _is_leading_pipes(lines: list[str]) -> bool:
    lone = sum(1 for ln in lines if LONE_PIPE.match(ln))
    lead = sum(1 for ln in lines if ln.lstrip().startswith("| ") and ln.count("|") == 1)
    return lone >= 2 and lead >= 3


def _cell_text(parts: list[str]) -> str:
    """Lines of one cell: a narrow column wrapped a few characters per line is joined without a
    break (市 / 监 / 察 / 局); longer lines keep theirs."""
    parts = [p.strip() for p in parts if p.strip()]
    if parts and len(parts) > 1 and all(len(p) <= 5 for p in parts):
        return "".join(parts)
    return "\n".join(parts)


def _read_leading_pipes(lines: list[str]) -> Grid | None:
    if not _is_leading_pipes(lines):
        return None
    # segments between lone pipes: each a row, its cells opened by '| '
    segments: list[tuple[int, int, list[list[str]], bool]] = []
    cur: list[list[str]] = []
    start = 0
    for k, ln in enumerate(lines):
        if LONE_PIPE.match(ln):
            if cur:
                segments.append((start, k, cur, True))
            cur = []
            continue
        stripped = ln.strip()
        if not stripped:
            continue
        if not cur:
            start = k + 1
        if stripped.startswith("|"):
            cur.append([stripped[1:].strip()])
        elif not cur:
            cur.append([stripped])
        else:
            cur[-1].append(stripped)
    if cur:
        segments.append((start, len(lines), cur, False))
    grids: list[Grid] = []
    table: tuple[list[str], list[str], int, int] | None = None  # header, kinds, header line, title line
    rows: list[_Row] = []
    findings: list[Finding] = []

    def flush() -> None:
        if table is not None and rows:
            header, _kinds, header_line, title_at = table
            grid = _build_grid(
                "leading_pipes", header, header_line, rows, findings, _title_before(lines, title_at)
            )
            if grid is not None:
                grids.append(grid)

    for s, e, cells, closed in segments:
        first = cells[0]
        texts = [first[-1]] + [" ".join(c) for c in cells[1:]]
        labels = [label_role(t) for t in texts] if len(cells) >= 2 else []
        if labels and _header_ok([r for r, _ in labels]):
            flush()
            header_line = s + len(first) - 1
            kinds = [_kind(r, t) for (r, _), t in zip(labels, texts, strict=True)]
            table, rows, findings = (
                ([emit for _, emit in labels], kinds, header_line, header_line - 1),
                [],
                [],
            )
            continue
        if table is None:
            continue
        kinds = table[1]
        texts = [_cell_text(c) for c in cells]
        if len(texts) == 1 and (PART_RE.match(texts[0]) or SECTION_RE.match(texts[0])):
            rows.append(
                _Row(
                    [texts[0]] + [""] * (len(kinds) - 1),
                    s,
                    e,
                    [True] + [False] * (len(kinds) - 1),
                    heading=True,
                )
            )
            continue
        spans = align(texts, kinds, joins=False) if len(texts) <= len(kinds) else None
        if spans is None:
            findings.append(
                Finding(
                    "reader.row_unplaced", "warning", f"{len(texts)} cells for {len(kinds)} columns", s, e
                )
            )
            continue
        row_cells = [texts[a] if b > a else "" for a, b in spans]
        own = [b > a for a, b in spans]
        if not any(own[i] and kinds[i] in ("text", "project") for i in range(len(kinds))):
            findings.append(Finding("reader.row_unplaced", "warning", "a row without task text", s, e))
            continue
        rows.append(_Row(row_cells, s, max(s, e), own, complete=closed))
    flush()
    return _merge(grids)


# --------------------------------------------------------------------------- vertical


def _read_vertical(lines: list[str]) -> Grid | None:
    items = [(k + 1, ln.strip()) for k, ln in enumerate(lines) if ln.strip()]
    p = 0
    while p < len(items):
        line_no, text = items[p]
        role, emit = label_role(text)
        if role is None or len(squash(text)) > 12:
            p += 1
            continue
        labels: list[tuple[str, str | None, str]] = [(text, role, emit)]
        q = p + 1
        while q < len(items):
            r, e = label_role(items[q][1])
            if r is None or len(squash(items[q][1])) > 12:
                break
            labels.append((items[q][1], r, e))
            q += 1
        roles = [r for _, r, _ in labels]
        if "seq" in roles:
            return None  # a table with a 序号 column: the cell-per-line reader's (text.py)
        if len(labels) >= 2 and _header_ok(roles):
            return _vertical_body(lines, items[q:], labels, line_no)
        p = q  # never restart inside a header
    return None


def _narrow_joined(items: list[tuple[int, str]]) -> list[tuple[int, int, str]]:
    """Consecutive 1–3 character lines that together name a unit are one cell (市政 / 府办 / 公厅)."""
    out: list[tuple[int, int, str]] = []
    k = 0
    while k < len(items):
        m = k
        while m < len(items) and len(items[m][1]) <= 3 and CJK.match(items[m][1]):
            m += 1
        if m - k >= 2:
            joined = "".join(t for _, t in items[k:m])
            if unit_like(joined):
                out.append((items[k][0], items[m - 1][0], joined))
                k = m
                continue
        out.append((items[k][0], items[k][0], items[k][1]))
        k += 1
    return out


def _vertical_body(
    lines: list[str],
    items: list[tuple[int, str]],
    labels: list[tuple[str, str | None, str]],
    header_line: int,
) -> Grid | None:
    header = [emit for _, _, emit in labels]
    kinds = [_kind(r, p) for p, r, _ in labels]
    cells = _narrow_joined(items)
    rows: list[_Row] = []
    findings: list[Finding] = []
    cur: list[tuple[int, int, str] | None] | None = None
    pos = 0

    def close(final: bool) -> bool:
        if cur is None:
            return True
        own = [c is not None for c in cur]
        has_text = any(own[i] and kinds[i] in ("text", "project") for i in range(len(kinds)))
        if not has_text or sum(own) < 2:
            return False  # a lone clause is prose, not a row
        spans = [c for c in cur if c is not None]
        rows.append(
            _Row(
                [c[2] if c else "" for c in cur],
                min(c[0] for c in spans),
                max(c[1] for c in spans),
                own,
                complete=not final,
            )
        )
        return True

    for cell in cells:
        fits = [fit(kd, cell[2]) <= 0.0 for kd in kinds]
        j = next((j for j in range(pos, len(kinds)) if fits[j]), None)
        if j is None or cur is None:
            if cur is not None and not close(False):
                break
            cur = [None] * len(kinds)
            j = next((j for j in range(len(kinds)) if fits[j]), None)
            if j is None:
                cur = None
                break
        cur[j] = cell
        pos = j + 1
    if cur is not None:
        close(True)
    if not rows:
        return None
    return _build_grid("vertical", header, header_line, rows, findings, _title_before(lines, header_line - 1))


# --------------------------------------------------------------------------- entry


def read_spaced(text: str) -> Grid | None:
    """Rows of cells separated by runs of spaces (empty cells vanish), leading-pipe rows, or one
    cell per line under a header without 序号; None when the text is none of these."""
    head = text[:30000]
    if sum(1 for _ in islice(PIPE_INSIDE.finditer(head), 4)) >= 4:
        return None  # a pipe dump: the text reader's
    if not _label_search().search(squash(head)) and not _label_search().search(head):
        return None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for reader in (_read_leading_pipes, _read_spaces, _read_vertical):
        grid = reader(lines)
        if grid is not None:
            grid.text = text
            return grid
    return None
