"""Reader for reports without a grid: numbered items carrying labelled fields.

``read_labelled(text) -> Grid | None`` renders the items as a grid with a synthetic header of
known column labels, so layout and normalization treat them like any table. None when the text
does not look like this family. Three shapes are read, all driven by schemas/mappings/labels.yaml:

- numbered items (``1.`` ``1、`` ``(一)`` ``一、``, two levels where both carry labels) with label
  lines (``责任单位:…``), a label alone on its line with the value below it, or an inline label
  group in brackets (``(牵头单位:X;配合单位:Y)``) and a verdict glued after it;
- lists of lagging or unfinished tasks introduced by a line giving them all a verdict
  (``8项任务滞后``): ``N. <task>。<result>`` with or without a label group;
- items without markers delimited by their label groups (a run-on paragraph), and transposed cards
  (label and value on alternating lines, one card per project);
- numbered cards: a 序号 label over a number opens each card, its labels are the table's column
  names (headers.yaml), spaced out or wrapped or not; the numbering restarting opens a new table,
  outline headings between cards are its parts and sections.

Headings above the items (``一、…`` without labels of its own) become table titles; prose before
the list never becomes a row: an item is a row only when it carries labels of its own, belongs to
a list a verdict line introduces, or is the last, cut, item of a run of labelled siblings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

import yaml

from transforms.grid import Finding, Grid, GridRow, GridTable
from transforms.mappings import header_map, mapping_path, squash
from transforms.readers.chrome import SITE_CHROME

LABELS_FILE = "schemas/mappings/labels.yaml"
ROLE_ORDER = (
    "seq",
    "project",
    "task",
    "target",
    "leader",
    "lead_unit",
    "units",
    "co_units",
    "deadline",
    "progress",
    "status",
    "issues",
    "note",
)
CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
CN = "一二三四五六七八九十"
MARKER_RE = re.compile(
    rf"^(?:(?P<cn>[{CN}]{{1,3}})\s*[、．.]"
    rf"|[(（]\s*(?P<pcn>[{CN}]{{1,3}})\s*[)）]"
    r"|(?P<num>\d{1,3})\s*(?:[、．]|\.(?!\d))"
    r"|[(（]\s*(?P<pnum>\d{1,3})\s*[)）]"
    r"|(?P<circ>[①-⑳]))\s*"
)
OPEN = "(（[【〔"
CLOSE = {"(": ")", "（": "）", "[": "]", "【": "】", "〔": "〕"}
SEPARATORS = " \t\u3000;；,，。、:："
MAX_LABEL_PIECE = 6  # a card label is split over lines of at most this many characters


@dataclass(frozen=True)
class LabelSet:
    role_of: dict[str, str]  # squashed label → role ("division" and "question" included)
    colon: re.Pattern[str]  # a label followed by a colon, at the start or after a separator
    bracket: re.Pattern[str]  # an opening bracket, then a label and a colon
    columns: dict[str, str]
    lead_words: tuple[str, ...]
    co_words: tuple[str, ...]
    behind_answer: str
    list_verdict: re.Pattern[str]
    row_roles: frozenset[str]
    verdict_sentence: re.Pattern[str]
    result_opener: re.Pattern[str]


def _spaced(word: str) -> str:
    return r"\s*".join(re.escape(ch) for ch in word)


def _count_verdict(count: str, verdicts: list[str]) -> re.Pattern[str]:
    """A verdict phrase (group `v` or `w`) within a dozen characters of a count of tasks."""
    alt = "|".join(re.escape(v) for v in verdicts) or "(?!)"
    gap = r"[^,，。;；:：]{0,12}?"
    return re.compile(rf"(?:{count}){gap}(?P<v>{alt})|(?P<w>{alt}){gap}(?:{count})")


@cache
def label_set() -> LabelSet:
    data = yaml.safe_load(mapping_path("labels").read_text(encoding="utf-8")) or {}
    role_of: dict[str, str] = {}
    for role, words in (data.get("labels") or {}).items():
        for w in words or []:
            role_of[squash(w)] = role
    for w in data.get("behind_questions") or []:
        role_of[squash(w)] = "question"
    words = sorted(role_of, key=len, reverse=True)
    alt = "|".join(_spaced(w) for w in words) or "(?!)"
    div = data.get("division") or {}
    verdicts = sorted(data.get("list_verdicts") or [], key=len, reverse=True)
    return LabelSet(
        role_of=role_of,
        colon=re.compile(rf"(?:^|(?<=[\s;；,，。、]))(?P<label>{alt})\s*[:：]"),
        bracket=re.compile(rf"[{re.escape(OPEN)}]\s*(?P<label>{alt})\s*[:：]"),
        columns=dict(data.get("columns") or {}),
        lead_words=tuple(div.get("lead") or ()),
        co_words=tuple(div.get("co") or ()),
        behind_answer=str(data.get("behind_answer") or "滞后"),
        list_verdict=_count_verdict(str(data.get("list_count") or "(?!)"), verdicts),
        row_roles=frozenset(data.get("row_roles") or ()),
        verdict_sentence=re.compile(str(data.get("verdict_sentence") or "(?!)")),
        result_opener=re.compile(str(data.get("result_openers") or "(?!)")),
    )


# --------------------------------------------------------------------------- tokens


@dataclass
class _Tok:
    line: int
    text: str


@dataclass
class _Item:
    """One numbered item: its marker, head text and the tokens of its block."""

    kind: str
    number: int
    marker: str
    head: _Tok
    body: list[_Tok] = field(default_factory=list)
    depth: int = 0
    parent: int | None = None  # index of the enclosing item
    fields: dict[str, list[str]] = field(default_factory=dict)
    task: str = ""
    after: list[str] = field(default_factory=list)  # text after the label group: results
    tail: str = ""  # text glued after an inline label group
    labelled: bool = False
    line_end: int = 0
    label_line: int | None = None  # the line of its first label


def _tokens(text: str, labels: LabelSet) -> list[_Tok]:
    """Non-blank lines, stripped; a long run-on line holding several labels is cut at its spaces."""
    out: list[_Tok] = []
    for no, raw in enumerate(text.splitlines(), start=1):
        s = raw.strip()
        if not s:
            continue
        if len(s) > 200 and len(labels.colon.findall(s)) >= 2:
            out.extend(_Tok(no, piece) for piece in re.split(r"\s+", s) if piece)
        else:
            out.append(_Tok(no, s))
    return out


def _label_fields(text: str, labels: LabelSet) -> list[tuple[str, str]] | None:
    """(label, value) pairs of a line that starts with a label and a colon, else None."""
    hits = list(labels.colon.finditer(text))
    if not hits or hits[0].start() != 0:
        return None
    out: list[tuple[str, str]] = []
    for i, m in enumerate(hits):
        end = hits[i + 1].start() if i + 1 < len(hits) else len(text)
        out.append((squash(m.group("label")), text[m.end() : end].strip(SEPARATORS.replace("。", ""))))
    return out


def _bracket_groups(text: str, labels: LabelSet) -> tuple[str, list[tuple[str, str]], str]:
    """Inline label groups: (text without them, their (label, value) pairs, the text glued after
    the last group). Brackets nest: (责任单位:区城市管理局(区整违办))."""
    pairs: list[tuple[str, str]] = []
    kept: list[str] = []
    pos = 0
    tail = ""
    for m in labels.bracket.finditer(text):
        if m.start() < pos:
            continue
        depth, j = 0, m.start()
        while j < len(text):
            ch = text[j]
            if ch in OPEN:
                depth += 1
            elif ch in ")）]】〕":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        inner = text[m.start() + 1 : j]
        found = _label_fields(inner.strip(), labels) or []
        pairs.extend((lab, val.strip(";；,， ")) for lab, val in found)
        kept.append(text[pos : m.start()])
        pos = j + 1
        tail = text[pos:]
    if not pairs:
        return text, [], ""
    return "".join(kept).strip(), pairs, tail.strip(SEPARATORS)


def _cn_number(s: str) -> int:
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + CN_DIGITS.get(s[1:], 0)
    if "十" in s:
        a, _, b = s.partition("十")
        return CN_DIGITS.get(a, 0) * 10 + (CN_DIGITS.get(b, 0) if b else 0)
    return CN_DIGITS.get(s, 0)


def _marker(text: str) -> tuple[str, int, str, str] | None:
    """(kind, number, marker as printed, rest) of a line opening a numbered item."""
    m = MARKER_RE.match(text)
    if not m:
        return None
    rest = text[m.end() :]
    if not rest.strip():
        return None
    for kind in ("cn", "pcn", "num", "pnum", "circ"):
        v = m.group(kind)
        if v is None:
            continue
        if kind in ("cn", "pcn"):
            n = _cn_number(v)
        elif kind == "circ":
            n = ord(v) - ord("①") + 1
        else:
            n = int(v)
        return kind, n, m.group(0).strip(), rest.strip()
    return None


# --------------------------------------------------------------------------- fields


def _add(fields: dict[str, list[str]], label: str, value: str, labels: LabelSet) -> None:
    role = labels.role_of.get(label)
    if role is None:
        return
    if role == "division":
        lead, co, rest = _division(value, labels)
        if lead:
            fields.setdefault("lead_unit", []).append(lead)
        if co:
            fields.setdefault("co_units", []).append(co)
        if rest:
            fields.setdefault("units", []).append(rest)
        fields.setdefault("_labels", []).append(label)
        return
    if role == "question":
        answer = squash(value)
        fields.setdefault("status", []).append(labels.behind_answer if answer.startswith("是") else "")
        fields.setdefault("_labels", []).append(label)
        return
    fields.setdefault(role, []).append(value.strip())
    fields.setdefault("_labels", []).append(label)


def _division(value: str, labels: LabelSet) -> tuple[str, str, str]:
    """`X牵头,Y等配合` → (X, Y, ""); a value without a lead word → ("", "", value)."""
    v = value.strip().rstrip("。;；")
    lead_at = min(((v.find(w), w) for w in labels.lead_words if w in v), default=None)
    if lead_at is None:
        return "", "", v
    pos, word = lead_at
    lead = v[:pos].strip(SEPARATORS)
    rest = v[pos + len(word) :]
    co = ""
    co_at = min(((rest.find(w), w) for w in labels.co_words if w in rest), default=None)
    if co_at is not None:
        co = rest[: co_at[0]].strip(SEPARATORS)
        co = re.sub(r"等(?:部门|单位)?$", "", co).strip(SEPARATORS)
    return lead, co, ""


def _read_item(item: _Item, labels: LabelSet) -> None:
    """Fill an item's fields, task text, results and glued verdict from its head and body: text
    before the first label is the task, text after a label group is the result, a label with an
    empty value (or printed alone) takes the line below it."""
    fields: dict[str, list[str]] = {}
    task_parts: list[str] = []
    after: list[str] = []
    pending: str | None = None  # a label whose value is on the line below it
    seen = False
    tail = ""
    label_line: int | None = None
    for n, tok in enumerate([item.head, *item.body]):
        text, pairs, glued = _bracket_groups(tok.text, labels)
        line_pairs = _label_fields(text, labels) if text else None
        if line_pairs is not None:
            text = ""
        elif text:
            m = labels.colon.search(text)  # labels after the text on the same line
            if m is not None and m.start() > 0:
                line_pairs = _label_fields(text[m.start() :], labels)
                text = text[: m.start()].strip()
        bare = squash(text)
        if n > 0 and not pairs and not line_pairs and len(bare) >= 4 and bare in labels.role_of:
            pending, seen = bare, True
            label_line = tok.line if label_line is None else label_line
            fields.setdefault("_labels", []).append(bare)
            continue
        if text:
            if pending is not None:
                _add(fields, pending, text, labels)
                pending = None
            elif seen:
                after.append(text)
            else:
                task_parts.append(text)
        found = pairs + (line_pairs or [])
        for k, (lab, val) in enumerate(found):
            seen = True
            label_line = tok.line if label_line is None else label_line
            if val:
                _add(fields, lab, val, labels)
            else:
                fields.setdefault("_labels", []).append(lab)
                if k == len(found) - 1:
                    pending = lab
        if found and found[-1][1]:
            pending = None
        if glued:
            tail = glued
    item.fields = fields
    item.task = "\n".join(task_parts)
    item.after = after
    item.tail = tail
    item.label_line = label_line
    item.labelled = any(labels.role_of.get(lab) in labels.row_roles for lab in fields.get("_labels", []))
    item.line_end = max([item.head.line] + [t.line for t in item.body])


# --------------------------------------------------------------------------- numbered items


def _is_chrome(text: str, labels: LabelSet) -> bool:
    """A short line of site chrome (…人民政府主办, 版权所有, ICP备…) that is not a label line."""
    return len(text) <= 80 and SITE_CHROME.search(text) is not None and _label_fields(text, labels) is None


def _awaits_value(text: str, labels: LabelSet) -> bool:
    """A label alone on its line, or a label line ending with an empty value: the next line is
    its value, whatever it looks like (`落实情况` over `1.建成…;2.…`)."""
    bare = squash(text)
    if len(bare) >= 4 and bare in labels.role_of:
        return True
    pairs = _label_fields(text, labels)
    return bool(pairs and not pairs[-1][1])


def _items(toks: list[_Tok], labels: LabelSet) -> tuple[list[_Tok], list[_Item]]:
    """Tokens before the first item, and the items with their blocks (not yet nested)."""
    pre: list[_Tok] = []
    items: list[_Item] = []
    for tok in toks:
        mk = _marker(tok.text)
        if mk is not None and items and items[-1].body and _awaits_value(items[-1].body[-1].text, labels):
            mk = None
        if mk is not None:
            kind, number, marker, rest = mk
            items.append(_Item(kind, number, marker, _Tok(tok.line, rest)))
        elif items:
            items[-1].body.append(tok)
        else:
            pre.append(tok)
    return pre, items


def _heading_like(it: _Item) -> bool:
    """A short title on one line (`二、其他重要事项任务分解表`, `(一)加快工业崛起步伐。`), not prose."""
    text = it.head.text.rstrip("。.:：")
    return not it.body and len(text) <= 30 and not re.search(r"[,，;；。]", text)


def _nest(items: list[_Item]) -> None:
    """Set every item's parent as an outline is numbered: a marker kind not yet open nests under
    the item above; a kind already open continues the level whose number it follows (`(二)` after
    the rows under `(一)` closes them); an item without labels that continues no open level is a
    point under the labelled row above (`一、…` or `1.…` points of its result); a kind already open
    that restarts at 1 opens a new level under the item above (`一、…` parts under a table title)
    unless that item is of the same kind and a labelled row (a second list of rows) or prose that is
    no heading (a notice's paragraph before the list)."""
    stack: list[int] = []
    for i, it in enumerate(items):
        same = [n for n, k in enumerate(stack) if items[k].kind == it.kind]
        if same:
            follows = [n for n in same if items[stack[n]].number + 1 == it.number]
            top = items[stack[-1]]
            if follows:
                del stack[follows[-1] :]
            elif not it.labelled and top.labelled:
                pass
            elif it.number != 1 or (top.kind == it.kind and (top.labelled or not _heading_like(top))):
                del stack[same[-1] :]
        it.parent = stack[-1] if stack else None
        it.depth = len(stack)
        stack.append(i)


@dataclass
class _Row:
    seq: int | None
    cells: dict[str, str]
    line_start: int
    line_end: int
    container: str | None  # the table this row belongs to (heading path / parent row)
    title: str | None
    headings: tuple[tuple[int, str], ...] = ()  # (line, text) of the headings under the title


def _intro_before(items: list[_Item], pre: list[_Tok], first: int) -> str:
    """The last line of text before item ``first`` (the line introducing its list)."""
    if first == 0:
        return pre[-1].text if pre else ""
    prev = items[first - 1]
    if prev.body:
        return prev.body[-1].text
    return prev.head.text


def _list_verdict(intro: str, labels: LabelSet) -> str | None:
    found = list(labels.list_verdict.finditer(intro)) if intro else []
    return (found[-1].group("v") or found[-1].group("w")) if found else None


def _split_result(text: str, labels: LabelSet) -> tuple[str, str]:
    """`<task>。<result>` → (task, result) at the first full stop, or where a result opens."""
    m = labels.result_opener.search(text)
    stop = text.find("。")
    if m and (stop < 0 or m.start() < stop) and m.start() >= 4:
        return text[: m.start()].strip(), text[m.start() :].strip()
    if 0 <= stop < len(text) - 1:
        return text[: stop + 1].strip(), text[stop + 1 :].strip()
    return text.strip(), ""


def _verdict_of(text: str, labels: LabelSet) -> str | None:
    """A short verdict sentence opening a text (此项工作已完成。…), or the whole of a short text."""
    if not text:
        return None
    first = re.split(r"(?<=[。;；])", text.strip(), maxsplit=1)[0]
    if labels.verdict_sentence.match(first):
        return first.rstrip("。;；")
    return None


def _numbered_rows(toks: list[_Tok], labels: LabelSet) -> list[_Row]:
    pre, items = _items(toks, labels)
    if not items:
        return []
    last = items[-1]
    while last.body and _is_chrome(last.body[-1].text, labels):
        last.body.pop()
    for it in items:
        _read_item(it, labels)
    _nest(items)
    children: dict[int | None, list[int]] = {}
    for i, it in enumerate(items):
        children.setdefault(it.parent, []).append(i)
    is_row = [it.labelled for it in items]
    verdict: list[str | None] = [None] * len(items)
    in_list = [False] * len(items)
    for _parent, kids in children.items():
        # runs of siblings of one marker kind
        runs: list[list[int]] = []
        for k in kids:
            if runs and items[runs[-1][-1]].kind == items[k].kind:
                runs[-1].append(k)
            else:
                runs.append([k])
        for run in runs:
            v = _list_verdict(_intro_before(items, pre, run[0]), labels)
            leaves = all(k not in children for k in run)
            if v is not None and (leaves or any(is_row[k] for k in run)):
                for k in run:
                    if leaves or is_row[k]:
                        is_row[k] = True
                        in_list[k] = True
                        verdict[k] = v
            # the last item of the page, cut before its labels, after labelled siblings
            final = run[-1]
            if (
                not is_row[final]
                and final == len(items) - 1
                and len(run) > 1
                and is_row[run[-2]]
                and final not in children
            ):
                is_row[final] = True
    if not any(is_row):
        return []
    # numbered points under a task that carry no labels of their own are part of its text
    for i, it in enumerate(items):
        if not is_row[i]:
            continue
        for k in children.get(i, []):
            if not is_row[k] and k not in children:
                kid = items[k]
                point = f"{kid.marker}{kid.task}"
                if it.label_line is not None and kid.head.line > it.label_line:
                    it.after.append(point)  # a point after the task's labels: its result
                else:
                    it.task = "\n".join(x for x in (it.task, point) if x)
                it.line_end = max(it.line_end, kid.line_end)
    rows: list[_Row] = []
    for i, it in enumerate(items):
        if not is_row[i]:
            continue
        # the container: the path of headings and parent rows above
        path: list[str] = []
        headings: list[tuple[int, str]] = []  # parts and sections: ancestors that are not rows
        p = it.parent
        while p is not None:
            path.append(f"{items[p].marker}{items[p].task.split(chr(10))[0]}")
            if not is_row[p] and items[p].parent is not None:
                headings.append((items[p].head.line, path[-1]))
            p = items[p].parent
        path.reverse()
        container = " / ".join(path) if path else None
        cells = _cells(it, labels, in_list[i], verdict[i])
        rows.append(
            _Row(it.number, cells, it.head.line, it.line_end, container, container, tuple(reversed(headings)))
        )
    return rows


def _cells(it: _Item, labels: LabelSet, in_list: bool, list_verdict: str | None) -> dict[str, str]:
    f = it.fields
    cells: dict[str, str] = {}
    for role in ROLE_ORDER:
        vals = [v for v in f.get(role, []) if v]
        if vals:
            cells[role] = "\n".join(vals)
    task = it.task
    progress_parts: list[str] = []
    if in_list and "progress" not in cells and not it.after:
        task, result = _split_result(task, labels)
        if result:
            progress_parts.append(result)
    # the head text is the project when the task has a label of its own
    if "task" in cells or "target" in cells:
        if task:
            cells["project"] = "\n".join(x for x in (cells.get("project"), task) if x)
    elif task:
        cells["task"] = task
    status = None
    if it.tail:
        status = _verdict_of(it.tail, labels)
        progress_parts.insert(0, it.tail)
    if it.after:
        status = status or _verdict_of(it.after[0], labels)
        progress_parts.extend(it.after)
    if progress_parts:
        cells["progress"] = "\n".join(x for x in (cells.get("progress"), *progress_parts) if x)
    if status:
        cells["status"] = status
    elif list_verdict and not cells.get("status"):
        cells["status"] = list_verdict
    return cells


# --------------------------------------------------------------------------- items without markers


def _unmarked_rows(toks: list[_Tok], labels: LabelSet) -> list[_Row]:
    """Items delimited by their label groups: the text between one group and the next is a task.
    A label repeated inside a group starts the next item (records of labels only)."""
    records: list[tuple[list[_Tok], list[_Tok]]] = []  # (text tokens, label tokens)
    text_run: list[_Tok] = []
    first = True
    i = 0
    while i < len(toks):
        if _label_fields(toks[i].text, labels) is None:
            text_run.append(toks[i])
            i += 1
            continue
        group: list[_Tok] = []
        roles: set[str] = set()
        while i < len(toks) and (lf := _label_fields(toks[i].text, labels)) is not None:
            line_roles = {labels.role_of.get(lab, lab) for lab, _ in lf}
            if group and roles & line_roles:
                records.append((text_run, group))
                text_run, group, roles = [], [], set()
            group.append(toks[i])
            roles |= line_roles
            i += 1
            # a label with its value on the line below it
            if (
                not lf[-1][1]
                and i < len(toks)
                and _label_fields(toks[i].text, labels) is None
                and (i + 1 == len(toks) or _label_fields(toks[i + 1].text, labels) is not None)
            ):
                group.append(toks[i])
                i += 1
        if first:
            # before the first group: the text after a line ending with a colon, else the last line
            cut = max((k for k, t in enumerate(text_run) if t.text.endswith((":", "："))), default=None)
            text_run = text_run[cut + 1 :] if cut is not None else text_run[-1:]
            first = False
        records.append((text_run, group))
        text_run = []
    if len(records) < 2:
        return []
    rows: list[_Row] = []
    for n, (text_toks, label_toks) in enumerate(records, start=1):
        body = list(text_toks[1:]) + label_toks
        head = text_toks[0] if text_toks else _Tok(label_toks[0].line, "")
        if not text_toks:
            body = label_toks
        it = _Item("none", n, "", head, body=body)
        _read_item(it, labels)
        cells = _cells(it, labels, False, None)
        if not it.labelled or not (cells.get("task") or cells.get("project") or cells.get("target")):
            return []  # a group of labels with no task, or no who/result/verdict: not this family
        rows.append(_Row(n, cells, head.line, label_toks[-1].line, None, None))
    return rows


def _card_label(toks: list[_Tok], i: int, labels: LabelSet) -> tuple[str, int] | None:
    """A label printed alone, possibly spaced out and split over up to four lines: (label, lines)."""
    best = None
    joined = ""
    for k in range(4):
        if i + k >= len(toks):
            break
        piece = squash(toks[i + k].text)
        if not piece or len(piece) > MAX_LABEL_PIECE or ":" in piece or "：" in piece:
            break
        joined += piece
        if joined in labels.role_of:
            best = (joined, k + 1)
    return best


def _card_rows(toks: list[_Tok], labels: LabelSet) -> list[_Row]:
    """Transposed cards: label and value on alternating lines; a repeated label opens a new card."""
    marks: list[tuple[int, str, int]] = []  # (token index, label, lines)
    i = 0
    while i < len(toks):
        card_label = _card_label(toks, i, labels)
        if card_label is not None:
            marks.append((i, card_label[0], card_label[1]))
            i += card_label[1]
        else:
            i += 1
    if len(marks) < 3:
        return []
    pairs = sum(
        1
        for n, (i, _lab, k) in enumerate(marks)
        if (marks[n + 1][0] if n + 1 < len(marks) else len(toks)) > i + k
    )
    if pairs < 3 or pairs < 2 * (len(marks) - pairs):
        return []
    cards: list[dict] = []
    card: dict | None = None
    title_toks: list[_Tok] = toks[: marks[0][0]][-1:]
    for n, (i, lab, k) in enumerate(marks):
        role = labels.role_of[lab]
        nxt = marks[n + 1] if n + 1 < len(marks) else None
        value_toks = toks[i + k : nxt[0] if nxt else len(toks)]
        if card is None or role in card["roles"]:
            card = {
                "roles": {},
                "fields": {},
                "title": " ".join(t.text for t in title_toks) or None,
                "start": toks[i].line,
                "end": toks[i].line,
            }
            cards.append(card)
            title_toks = []
        opens_next = nxt is None or labels.role_of[nxt[1]] in card["roles"] or labels.role_of[nxt[1]] == role
        if opens_next and len(value_toks) > 1:
            value_toks, title_toks = value_toks[:1], value_toks[1:]
        if nxt is None:
            title_toks = []
        card["roles"][role] = True
        _add(card["fields"], lab, "\n".join(t.text for t in value_toks), labels)
        card["end"] = max([card["end"], toks[i + k - 1].line] + [t.line for t in value_toks])
    rows: list[_Row] = []
    for c in cards:
        f = c["fields"]
        cells = {r: "\n".join(v for v in f.get(r, []) if v) for r in ROLE_ORDER if any(f.get(r, []))}
        if not (cells.get("project") or cells.get("task") or cells.get("target")):
            continue
        rows.append(_Row(None, cells, c["start"], c["end"], c["title"], c["title"]))
    return rows if len(rows) >= 1 and len(cards) >= 1 else []


# --------------------------------------------------------------------------- numbered cards

PLACEHOLDER = frozenset({"/", "／", "-", "—", "——", "无内容"})  # an empty cell printed as a mark
SEQ_VALUE = re.compile(r"^\d{1,3}$")


def _column_label(toks: list[_Tok], i: int, labels: LabelSet) -> tuple[str, str, int] | None:
    """A column name or label printed alone, possibly spaced out and split over up to four short
    lines: (label as printed, role, lines). Only names the lists hold count."""
    hm = header_map()
    best = None
    joined = ""
    for k in range(4):
        if i + k >= len(toks):
            break
        piece = squash(toks[i + k].text)
        if not piece or len(piece) > (12 if k == 0 else MAX_LABEL_PIECE) or ":" in piece or "：" in piece:
            break
        joined += piece
        role = labels.role_of.get(joined) or hm.listed_role(joined)
        if role is not None:
            best = (joined, role, k + 1)
    return best


def _gap_headings(gap: list[_Tok], new_table: bool) -> tuple[str | None, list[_Tok], int]:
    """The lines between two cards: (the title of a new table, the part and section headings, how
    many lines come before them). At a new table the title is the line above the headings, or the
    first of them when it is alone or the outline restarts after it (`二、其他…表` over `一、…`)."""
    marks = [_marker(t.text) for t in gap]
    k = len(gap)
    while k > 0 and (above := marks[k - 1]) is not None and above[0] in ("cn", "pcn"):
        k -= 1
    heads = gap[k:]
    if not new_table:
        return None, heads, k
    if heads:
        m0, m1 = marks[k], marks[k + 1] if len(heads) > 1 else None  # m0: a heading has a marker
        if m1 is None or (m0 is not None and m1[0] == m0[0] and m1[1] == 1):
            return heads[0].text, heads[1:], k
    if k > 0 and len(gap[k - 1].text) <= 60:
        return gap[k - 1].text, heads, k - 1
    return None, heads, k


def _numbered_cards(toks: list[_Tok], labels: LabelSet) -> list[GridTable] | None:
    """Transposed cards that open with a 序号 label over a number and whose labels are the
    table's column names (序号 / 1 / 工作任务 / … / 责任单位 / … / 落实情况 / …): one card per task,
    each label on its own line over its value. A label opens a field when its role is not yet
    filled in the card, so a value that reads like a label of a filled role stays a value. Lines
    between cards are table titles (where the numbering restarts) and part / section headings;
    the last value of a card runs to a blank line when the cards are written without blank lines
    inside, else it is one line. None when fewer than two cards open this way."""
    hm = header_map()
    starts = [
        i
        for i in range(len(toks) - 1)
        if SEQ_VALUE.match(toks[i + 1].text.strip())
        and len(squash(toks[i].text)) <= 4
        and hm.listed_role(squash(toks[i].text)) == "seq"
    ]
    if len(starts) < 2:
        return None
    # a card written without blank lines inside: blank lines then end its last value
    first_card = toks[starts[0] : starts[1]]
    dense = sum(1 for a, b in zip(first_card, first_card[1:], strict=False) if b.line == a.line + 1)
    dense_cards = dense * 2 >= len(first_card)
    cards: list[dict] = []
    pending: list[_Tok] = toks[: starts[0]]
    prev_seq = None
    for n, s in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(toks)
        seq = int(toks[s + 1].text.strip())
        new_table = prev_seq is None or seq <= prev_seq
        title, heads, before = _gap_headings(pending, new_table)
        if cards and not dense_cards:  # cards spaced by blank lines: the previous value runs on
            cards[-1]["fields"][-1][2].extend(pending[:before])
        fields: list[tuple[str, str, list[_Tok]]] = [(squash(toks[s].text), "seq", [toks[s + 1]])]
        roles = {"seq"}
        i = s + 2
        while i < end:
            lab = _column_label(toks, i, labels)
            if lab is not None and lab[1] not in roles:
                fields.append((lab[0], lab[1], []))
                roles.add(lab[1])
                i += lab[2]
                continue
            fields[-1][2].append(toks[i])
            i += 1
        # the last value: up to a blank line (dense cards) or its first line; the rest is the gap
        last = fields[-1][2]
        keep = 1
        if dense_cards:
            while keep < len(last) and last[keep].line == last[keep - 1].line + 1:
                keep += 1
        if n + 1 == len(starts) and not dense_cards:
            keep = len(last)
            while keep > 1 and _is_chrome(last[keep - 1].text, labels):
                keep -= 1
        pending = last[keep:]
        del last[keep:]
        if n + 1 == len(starts):
            pending = []
        cards.append(
            {
                "seq": seq,
                "fields": fields,
                "title": title,
                "heads": heads,
                "new": new_table,
                "start": toks[s].line,
            }
        )
        prev_seq = seq
    if sum(1 for c in cards if len(c["fields"]) >= 3) < 2:
        return None
    tables: list[GridTable] = []
    header: list[str] = []  # the header of the last table
    for c in cards:
        if c["new"]:
            header = []
            tables.append(
                GridTable(
                    title=c["title"],
                    header=header,
                    rows=[],
                    header_line=None,
                    source="labelled items (numbered cards of column names)",
                )
            )
        t = tables[-1]
        for lab, _role, _v in c["fields"]:
            if lab not in header:
                header.append(lab)
        values = {lab: "\n".join(x.text for x in v) for lab, _r, v in c["fields"]}
        c["end"] = max([c["start"]] + [x.line for _lab, _r, v in c["fields"] for x in v])
        t.rows.extend(GridRow([h.text], h.line, h.line) for h in c["heads"])
        t.rows.append(
            GridRow(
                [values.get(h, "") for h in header],
                c["start"],
                c["end"],
                physical_lines=c["end"] - c["start"] + 1,
            )
        )
        c["values"] = values
    for t in tables:
        width = len(t.header or [])
        for r in t.rows:
            cells = [("" if squash(x) in PLACEHOLDER else x) for x in r.cells]
            r.cells[:] = cells + [""] * (width - len(cells))
    return tables


# --------------------------------------------------------------------------- grid


def _grid(rows: list[_Row], labels: LabelSet, shape: str) -> Grid:
    tables: dict[str | None, list[_Row]] = {}
    titles: dict[str | None, str | None] = {}
    for r in rows:
        key = squash(r.container) if r.container else None
        tables.setdefault(key, []).append(r)
        titles.setdefault(key, r.title)
    grid = Grid(format="text;labelled")
    for key, t_rows in tables.items():
        seqs = [r.seq for r in t_rows]
        if None in seqs or len(set(seqs)) != len(seqs) or min(s or 0 for s in seqs) < 1:
            seqs = list(range(1, len(t_rows) + 1))
        roles = [r for r in ROLE_ORDER if r == "seq" or any(r in row.cells for row in t_rows)]
        header = [labels.columns.get(r, r) for r in roles]
        # the parts and sections under the title, as heading rows (layout makes them the rows' part/section)
        g_rows = [GridRow([text] + [""] * (len(roles) - 1), line, line) for line, text in t_rows[0].headings]
        g_rows += [
            GridRow(
                [str(s)] + [row.cells.get(r, "") for r in roles[1:]],
                row.line_start,
                row.line_end,
                physical_lines=row.line_end - row.line_start + 1,
            )
            for s, row in zip(seqs, t_rows, strict=True)
        ]
        grid.tables.append(
            GridTable(
                title=titles[key],
                header=header,
                rows=g_rows,
                header_line=None,
                source=f"labelled items ({shape})",
            )
        )
    first, last = rows[0].line_start, max(r.line_end for r in rows)
    grid.findings.append(
        Finding(
            "reader.labelled_items",
            "info",
            f"no grid: {len(rows)} item(s) read as {shape} with the labels of {LABELS_FILE}; "
            f"the header {' | '.join(grid.tables[0].header or [])} is synthetic",
            first,
            last,
            mapping_file=LABELS_FILE,
        )
    )
    return grid


def _looks_gridded(lines: list[str]) -> bool:
    """Pipe tables (one row per line, or a cell per line ending in |): not this family."""
    body = [ln for ln in lines if ln.strip()]
    if not body:
        return True
    piped = sum(1 for ln in body if "|" in ln)
    return piped * 4 >= len(body)


def _header_run(toks: list[_Tok], labels: LabelSet, run: int = 3) -> bool:
    """Three column names of different roles on consecutive lines (序号 / 目标任务 / 牵头单位): the
    header of a table written one cell per line, not labelled items (a label alone on its line
    over a value that reads like a label, 责任领导 / 挂职领导, repeats a role). Only names the lists
    hold count: the keyword rules read label fragments of a wrapped card (进展 / 情况) as column names."""
    hm = header_map()
    roles: list[str] = []
    for tok in toks:
        word = squash(tok.text)
        role = (labels.role_of.get(word) or hm.listed_role(word)) if len(word) <= 12 else None
        if role is None:
            roles = []
            continue
        if role in roles:
            roles = roles[roles.index(role) + 1 :]
        roles.append(role)
        if len(roles) >= run:
            return True
    return False


def read_labelled(text: str) -> Grid | None:
    """Numbered items with label lines, inline label groups, cards or lagging-task lists, or None."""
    lines = text.splitlines()
    if _looks_gridded(lines[:400]):
        return None
    labels = label_set()
    toks = _tokens(text, labels)
    if not toks or _header_run(toks, labels):
        return None
    tables = _numbered_cards(toks, labels)
    if tables:
        grid = Grid(format="text;labelled", tables=tables, text=text)
        n_rows = sum(1 for t in tables for r in t.rows if len(r.cells) > 1 and any(r.cells[1:]))
        grid.findings.append(
            Finding(
                "reader.labelled_items",
                "info",
                f"no grid: {n_rows} card(s) opening with a 序号 label, their labels read as the header "
                f"{' | '.join(tables[0].header or [])}",
                tables[0].rows[0].line_start,
                max(r.line_end for t in tables for r in t.rows),
            )
        )
        return grid
    has_colon = labels.colon.search(text) is not None or labels.bracket.search(text) is not None
    rows = _numbered_rows(toks, labels)
    shape = "numbered items"
    if not rows and has_colon:
        rows, shape = _unmarked_rows(toks, labels), "items delimited by their labels"
    if not rows:
        rows, shape = _card_rows(toks, labels), "cards of labels and values"
    if not rows:
        return None
    grid = _grid(rows, labels, shape)
    grid.text = text
    return grid
