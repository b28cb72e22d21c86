"""Reader for a table flattened into running text: header and cells one after another, separated
by single spaces, with no delimiter between cells or rows.

``read_flattened(text) -> Grid | None``. Only the content marks the boundaries:

- the header is a run of known header words (schemas/mappings/headers.yaml) opening with 序号,
  on a line that goes on with the rows (a header alone on its line belongs to another reader);
- a row starts at a number that continues the sequence (1 after the header, then n+1), followed
  by text: a figure in the middle of a cell never continues it by chance twice in a row, and a
  number out of sequence stays in its cell;
- within a row, cells are cut by what the words are: names (2–3 characters, or a title ending in
  领导/书记/…) for a leader column, unit names (…局/委/办/政府/中心) for unit columns, dates for a
  deadline, a verdict for a status; a text column takes every word up to the first word of the
  next column's kind, and the last column the rest;
- outline headings (`一、…`, `(一)…`: short, one clause) just before a row's number are the part
  and section of the rows below.

None when the text holds no such header line (the cheap test: 序号 and a header word on one line
followed by ` 1 `). Progress text can lose its end to the next row when the next row's number is
missing; rows, tasks, leaders and units are what this reading is for.
"""

from __future__ import annotations

import re

from transforms.grid import Finding, Grid, GridRow, GridTable
from transforms.mappings import header_map, leader_map, squash
from transforms.readers.chrome import SITE_CHROME

SEQ_WORD = "序号"
NUMBER = re.compile(r"^\d{1,3}$")
HEADING = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[(（][一二三四五六七八九十]{1,3}[)）])")
MAX_HEADING = 40
NAME = re.compile(r"^[\u4e00-\u9fff·]{2,3}$")
ONE_CJK = re.compile(r"^[\u4e00-\u9fff]$")
SENTENCE = re.compile(r"[,，;；:：、]|。.")
TEXT_ROLES = {"task", "project", "target", "progress", "issues", "note", "plan", "measures", None}
UNIT_ROLES = {"lead_unit", "units", "co_units"}
MIN_ROWS = 2
UNIT_OPEN = re.compile(r"^(?:[省市县区镇乡]|各|相关|有关)")  # how a unit's name opens (县银监组)


def _words(line: str) -> list[str]:
    """The words of a line; two single characters in a row are one spaced-out name (`吴 诚`)."""
    out: list[str] = []
    for w in line.split():
        if (
            out
            and ONE_CJK.match(w)
            and ONE_CJK.match(out[-1])
            and (len(out) < 2 or not ONE_CJK.match(out[-2]))
        ):
            out[-1] = f"{out[-1]} {w}"
        else:
            out.append(w)
    return out


def _header_at(words: list[str], i: int) -> list[str] | None:
    """The header starting at words[i] (序号 then at least two known header words), else None."""
    if squash(words[i]) != SEQ_WORD:
        return None
    hm = header_map()
    k = i + 1
    while k < len(words) and len(words[k]) <= 16 and hm.role(words[k]) not in (None, "seq"):
        k += 1
    return words[i:k] if k - i >= 3 else None


def _kind(word: str) -> str:
    """name | unit | deadline | status | text: what one word of a row is."""
    from transforms.layout import _cell_kind  # layout imports the readers package

    w = squash(word)
    if NAME.match(w) and not SENTENCE.search(w):
        kind = _cell_kind(w)
        return "unit" if kind == "units" else "name"
    if len(w) <= 12 and w.endswith(leader_map().role_markers) and not SENTENCE.search(w):
        return "name"
    kind = _cell_kind(word)
    if kind == "units":
        return "unit"
    if kind in ("deadline", "status") and len(w) <= 12:
        return kind
    return "text"


def _role_kind(role: str | None) -> str:
    if role == "leader":
        return "name"
    if role in UNIT_ROLES:
        return "unit"
    if role in ("deadline", "status"):
        return role
    return "text"


def _take(words: list[str], kinds: list[str], i: int, kind: str, later: set[str]) -> int:
    """The end of the words from i that belong to a column of this kind."""
    if kind == "text":
        j = i + 1 if i < len(words) else i
        while j < len(words) and kinds[j] not in later:
            j += 1
        return j
    j = i
    while j < len(words):
        if kinds[j] == kind:
            j += 1
            continue
        # a short word that names no unit by its suffix (吉水中学) between unit names is one too
        k = j
        while k < len(words) and kinds[k] != kind and _plain(words[k]):
            k += 1
        if kind != "unit":
            break
        if k > j and k < len(words) and kinds[k] == kind:
            j = k  # plain words followed by a unit name
            continue
        # plain words closing the column that open as a unit does (县银监组, 各乡镇)
        k = j
        while k < len(words) and _plain(words[k], 20) and UNIT_OPEN.match(words[k]):
            k += 1
        if k == j:
            break
        j = k
    return j


def _plain(word: str, longest: int = 12) -> bool:
    """A short word with no sentence punctuation: it could be a name."""
    return len(word) <= longest and not SENTENCE.search(word) and not word.endswith("。")


def _row_cells(words: list[str], roles: list[str | None]) -> list[str]:
    kinds = [_kind(w) for w in words]
    want = [_role_kind(r) for r in roles[1:]]
    out: list[str] = []
    i = 0
    for c, kind in enumerate(want):
        if c == len(want) - 1:
            out.append(" ".join(words[i:]))
            break
        later = {k for k in want[c + 1 :] if k != "text"} or {"__none__"}
        j = _take(words, kinds, i, kind, later)
        out.append(" ".join(words[i:j]))
        i = j
    return out


def _split_headings(words: list[str]) -> tuple[list[str], list[str]]:
    """A row's words and the outline headings at their end (those of the next rows)."""
    k = len(words)
    while (
        k > 1
        and HEADING.match(words[k - 1])
        and len(words[k - 1]) <= MAX_HEADING
        and "。" not in words[k - 1][:-1]
    ):
        k -= 1
    return words[:k], words[k:]


def _row_starts(words: list[str], kinds_wanted: set[str]) -> list[int]:
    """The word index of every row number: the numbers that continue the sequence. When the same
    number is printed again before the row's first name or unit (`预计 2 月竣工。 2 积极…`), the
    row starts at the later one: a row's task holds no bare copy of its own number."""
    at: dict[int, list[int]] = {}
    for i, w in enumerate(words):
        if NUMBER.match(w) and i + 1 < len(words) and not NUMBER.match(words[i + 1]):
            at.setdefault(int(w), []).append(i)
    kinds: dict[int, str] = {}

    def kind(i: int) -> str:
        if i not in kinds:
            kinds[i] = _kind(words[i])
        return kinds[i]

    out: list[int] = []
    n, last = 1, -1
    while True:
        cands = [i for i in at.get(n, []) if i > last]
        if not cands:
            return out
        c = cands[0]
        for later in cands[1:]:
            first = (
                next((j for j in range(c + 1, later) if kind(j) in kinds_wanted), None) if kinds_wanted else c
            )
            if first is not None:
                break
            c = later
        out.append(c)
        n, last = n + 1, c


def _table(words: list[str], header: list[str], start_line: int) -> list[GridRow]:
    """The rows of one flattened table from the words after its header (none when it is prose)."""
    from transforms.layout import column_roles

    roles = column_roles(header)
    width = len(header)
    rows: list[GridRow] = []
    cut = _row_starts(words, {_role_kind(r) for r in roles} - {"text"})
    if len(cut) < MIN_ROWS:
        return []
    lead = [w for w in words[: cut[0]] if HEADING.match(w) and len(w) <= MAX_HEADING]
    if len(lead) != cut[0]:
        return []  # words between the header and the first row that are no headings: prose
    for h in lead:
        rows.append(GridRow([h] + [""] * (width - 1), start_line, start_line))
    for n, at in enumerate(cut):
        end = cut[n + 1] if n + 1 < len(cut) else len(words)
        body, headings = _split_headings(words[at + 1 : end])
        if n + 1 == len(cut):
            body, headings = words[at + 1 : end], []
        rows.append(GridRow([words[at], *_row_cells(body, roles)], start_line, start_line))
        for h in headings:
            rows.append(GridRow([h] + [""] * (width - 1), start_line, start_line))
    return rows


def _title(word: str | None) -> str | None:
    """The word before a header when it can be a title (short, one clause), else None."""
    if not word or len(word) > MAX_HEADING or NUMBER.match(word):
        return None
    return None if SENTENCE.search(HEADING.sub("", word).rstrip("。")) else word


def read_flattened(text: str) -> Grid | None:
    """A table whose header and cells run on one line with single spaces between them, or None."""
    if SEQ_WORD not in text:
        return None
    lines = text.splitlines()
    tables: list[GridTable] = []
    no = 0
    while no < len(lines):
        line = lines[no]
        no += 1
        if SEQ_WORD not in line or " 1 " not in line or "|" in line:
            continue
        words = _words(line)
        starts = [i for i in range(len(words)) if _header_at(words, i)]
        if not starts:
            continue
        line_no = no
        # the rows may run on over the next lines, up to a blank line or the page's footer
        while (
            no < len(lines)
            and lines[no].strip()
            and not SITE_CHROME.search(lines[no])
            and SEQ_WORD not in lines[no]
        ):
            words.extend(_words(lines[no]))
            no += 1
        title = _title(words[starts[0] - 1]) if starts[0] else None
        for k, s in enumerate(starts):
            header = _header_at(words, s) or []
            end = starts[k + 1] if k + 1 < len(starts) else len(words)
            next_title = _title(words[end - 1]) if k + 1 < len(starts) else None
            body = words[s + len(header) : end - 1 if next_title else end]
            rows = _table(body, header, line_no)
            if rows:
                tables.append(
                    GridTable(
                        title=title, header=header, rows=rows, header_line=line_no, source="flattened text"
                    )
                )
            title = next_title
    if not tables:
        return None
    grid = Grid(format="text;flattened", tables=tables, text=text)
    n = sum(1 for t in tables for r in t.rows if NUMBER.match(r.cells[0]))
    grid.findings.append(
        Finding(
            "reader.flattened",
            "info",
            f"no delimiters: {n} row(s) cut at the 序号 that continue the sequence and cells cut by their content "
            f"(names, unit names) after the header {' | '.join(tables[0].header or [])}",
            tables[0].header_line,
            tables[-1].header_line,
        )
    )
    return grid
