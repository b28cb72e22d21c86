"""Hypothesis strategies for report bytes and the property every input must satisfy.

Used by tests/test_fuzz.py (a fast, deterministic subset) and scripts/chaos.py (`make chaos`,
at least 1,000 random cases). The property: `parse_report(data, name)` returns a parsed report
whose records are well formed, or raises `RejectedReport` whose message names the file. Anything
else (another exception, a malformed record, a case running longer than the time limit) is a bug.
"""

from __future__ import annotations

import io
import signal
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import cache
from pathlib import Path

import yaml
from hypothesis import strategies as st

from schemas import models

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "samples" / "jishui-2020-progress.txt"
HEADERS = ROOT / "schemas" / "mappings" / "headers.yaml"
STATUSES = set(models.STATUS_CODES)
CONFIDENCES = set(models.CONFIDENCES)
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be", "big5", "latin-1"]
SUFFIXES = [".txt", ".html", ".csv", ".docx", ".xlsx", "", ".shtml", ".TXT"]


class CaseTimeout(Exception):
    """A single input took longer than the time limit (a hang is a bug too)."""


@cache
def known_headers() -> list[str]:
    roles = (yaml.safe_load(HEADERS.read_text(encoding="utf-8")) or {}).get("roles", {})
    return sorted({h for names in roles.values() for h in names}) + ["1-10月推进情况", "截至11月底完成情况", "分管 领导", "项 目 内 容"]


@cache
def reference_bytes() -> bytes:
    return REFERENCE.read_bytes()


CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
ANY_CHAR = st.characters(codec="utf-8", exclude_categories=("Cs",))
CELL_TEXT = st.text(st.one_of(CJK, ANY_CHAR, st.sampled_from(list("|，。,.%（）()、①②1234567890 \n\t"))), max_size=60)


def _encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


@st.composite
def token_soup(draw: st.DrawFn) -> bytes:
    """Report-like tokens in random order: headers, separators, numbers, headings, markup, control bytes."""
    tokens = st.one_of(
        st.sampled_from(known_headers()),
        st.sampled_from([" | ", "|", " |", "||||", "\n", "\r\n", "\r", "\n\n", "\t", "\u3000", "\ufeff", "\x00"]),
        st.integers(-5, 100_000).map(str),
        st.sampled_from(["一、", "（一）", "(二)", "十二、", "已完成", "正常推进", "是", "否", "80%", "序时", "截止2020年11月底"]),
        st.sampled_from(["<table>", "</table>", "<tr>", "<td>", "<th>", "</td>", "<td rowspan=3>", "<td colspan=99999>", "<!DOCTYPE html>"]),
        st.sampled_from(["PK\x03\x04", "=SUM(A1)", "<script>x</script>", "\u202e", "\ud7ff", "𠀀"]),
        CELL_TEXT,
    )
    text = "".join(draw(st.lists(tokens, max_size=120)))
    return _encode(text, draw(st.sampled_from(ENCODINGS)))


@st.composite
def structured_table(draw: st.DrawFn) -> bytes:
    """A task table with a header of known (and unknown) names and rows of random cells, in one of
    the three text-dump layouts, possibly cut short."""
    header = draw(st.lists(st.one_of(st.sampled_from(known_headers()), CELL_TEXT), min_size=1, max_size=12))
    if draw(st.booleans()):
        header = ["序号", *header]
    n = len(header)
    seqs = st.one_of(st.integers(-3, 10_000).map(str), st.just(""), st.sampled_from(["１", "一", "1.1", "01", "9" * 30]))
    rows = draw(
        st.lists(
            st.tuples(seqs, st.lists(CELL_TEXT, min_size=0, max_size=n + 2)).map(lambda t: [t[0], *t[1]]),
            max_size=15,
        )
    )
    layout = draw(st.sampled_from(["pipe", "cell_per_line", "blank_separated"]))
    lines: list[str] = [draw(st.sampled_from(["", "一、重点工作任务分解表", "首页 > 政务公开"]))]
    if layout == "pipe":
        lines.append(" | ".join(header) + " |")
        lines += [" | ".join(r) + draw(st.sampled_from([" |", "", " | |||"])) for r in rows]
    elif layout == "cell_per_line":
        lines += [f"{h} |" for h in header]
        for r in rows:
            lines += [f"{c} |" for c in r] + draw(st.sampled_from([[], ["|"], ["||"]]))
    else:
        for cell in [*header, *(c for r in rows for c in r)]:
            lines += [cell, ""]
    text = "\n".join(lines)
    if draw(st.booleans()):
        text = text[: draw(st.integers(0, len(text)))]
    return _encode(text, draw(st.sampled_from(["utf-8", "utf-8", "gb18030", "utf-16"])))


@st.composite
def plausible_table(draw: st.DrawFn) -> bytes:
    """A table a county could publish: 序号 and known headers, numbered rows of random (mostly
    Chinese) text with leaders, units, percentages and figures; exercises layout, normalization,
    status and the loader rather than the rejection paths."""
    roles = draw(st.lists(st.sampled_from(known_headers()), min_size=2, max_size=7, unique=True))
    header = ["序号", *roles]
    words = st.one_of(CJK.map(lambda c: c * 2), st.sampled_from(["县发改委", "各乡镇政府", "张三", "李 四", "已完成", "正常推进", "滞后", "80%", "完成投资3.5亿元", "新增学位500个", "（一）", "1.", "②"]))
    cell = st.lists(st.one_of(words, CJK), min_size=1, max_size=12).map("".join)
    rows = []
    for i in range(1, draw(st.integers(1, 12)) + 1):
        seq = str(i) if draw(st.integers(0, 9)) else draw(st.sampled_from(["", str(i - 1), "一"]))
        cells = draw(st.lists(cell, min_size=len(roles) - 1, max_size=len(roles) + 1))
        rows.append(" | ".join([seq, *cells]) + " |")
        if draw(st.integers(0, 5)) == 0:
            rows.append(draw(st.sampled_from(["（二）重点工作 | | |", "二、民生实事", "续行文字 |", "| |"])))
    text = "\n".join(["一、重点工作任务分解表", " | ".join(header) + " |", *rows])
    return _encode(text, draw(st.sampled_from(["utf-8", "gb18030", "utf-16"])))


@st.composite
def mutated_reference(draw: st.DrawFn) -> bytes:
    """The reference report with random cuts, repeats, insertions and flipped bytes."""
    data = bytearray(reference_bytes())
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["truncate", "delete", "duplicate", "insert", "flip", "swap_lines"]))
        size = len(data)
        i = draw(st.integers(0, max(size - 1, 0)))
        j = min(size, i + draw(st.integers(0, 4000)))
        if op == "truncate":
            del data[i:]
        elif op == "delete":
            del data[i:j]
        elif op == "duplicate":
            data[i:i] = data[i:j]
        elif op == "insert":
            data[i:i] = draw(st.one_of(st.binary(max_size=64), CELL_TEXT.map(str.encode), st.sampled_from([b" | ", b"\n", b"|\n", b"\n1 | "])))
        elif op == "flip" and size:
            data[i] ^= draw(st.integers(1, 255))
        elif op == "swap_lines":
            lines = bytes(data).split(b"\n")
            a, b = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[a], lines[b] = lines[b], lines[a]
            data = bytearray(b"\n".join(lines))
    return bytes(data)


@st.composite
def html_soup(draw: st.DrawFn) -> bytes:
    """HTML tables with random nesting, spans and cells."""
    cell = st.builds(
        lambda tag, span, text: f"<{tag}{span}>{text}</{tag}>",
        st.sampled_from(["td", "th"]),
        st.sampled_from(["", " rowspan=2", " colspan=3", " rowspan=0", " colspan=-1", " rowspan=100000"]),
        st.one_of(st.sampled_from(known_headers()), CELL_TEXT),
    )
    rows = st.lists(st.lists(cell, max_size=8).map(lambda cs: "<tr>" + "".join(cs) + "</tr>"), max_size=10)
    tables = draw(st.lists(rows.map(lambda rs: "<table>" + "".join(rs) + "</table>"), min_size=1, max_size=3))
    depth = draw(st.integers(0, 60))
    body = "<table><tr><td>" * depth + "".join(tables) + "</td></tr></table>" * draw(st.integers(0, depth))
    return _encode(f"<html><head><meta charset='utf-8'></head><body>{body}</body></html>", draw(st.sampled_from(["utf-8", "gb18030"])))


@st.composite
def zip_soup(draw: st.DrawFn) -> bytes:
    """Zip archives that look like DOCX/XLSX: real, random or missing members, maybe cut short."""
    names = st.sampled_from(["word/document.xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "[Content_Types].xml", "_rels/.rels", "word/../../evil.xml"])
    members = draw(st.dictionaries(names, st.one_of(st.binary(max_size=200), CELL_TEXT.map(lambda t: f"<w:document><w:body><w:tbl><w:tr><w:tc><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>".encode())), max_size=5))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))) as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    data = buf.getvalue()
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return data


def report_inputs() -> st.SearchStrategy[tuple[bytes, str]]:
    """(bytes, file name) pairs from every strategy above."""
    data = st.one_of(
        st.binary(max_size=4096),
        token_soup(),
        structured_table(),
        plausible_table(),
        plausible_table(),
        mutated_reference(),
        html_soup(),
        zip_soup(),
    )
    names = st.builds(lambda stem, suffix: f"{stem}{suffix}", st.sampled_from(["report", "报告 (1)", "fuzz-case", "a;b'c\"d"]), st.sampled_from(SUFFIXES))
    return st.tuples(data, names)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise CaseTimeout if the block runs longer than `seconds` (main thread only)."""

    def _raise(signum: int, frame: object) -> None:
        raise CaseTimeout(f"longer than {seconds} s")

    old = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def check_report(data: bytes, name: str, timeout: float = 30.0):  # -> ParsedReport | None
    """The property. Returns the parsed report, or None when it was rejected cleanly; raises on a bug."""
    from transforms.pipeline import RejectedReport, parse_report

    with time_limit(timeout):
        try:
            parsed = parse_report(data, name, as_of=date(2020, 11, 30), plan_year=2020)
        except RejectedReport as exc:
            if name not in str(exc):
                raise AssertionError(f"RejectedReport does not name the file {name!r}: {exc}") from exc
            return None
    keys = [(r.table_no, r.seq, r.sub_seq) for r in parsed.records]
    assert parsed.records, "a parsed report without records must be rejected instead"
    assert len(keys) == len(set(keys)), f"duplicate (table, 序号, sub_seq) in records: {keys}"
    for r in parsed.records:
        assert 1 <= r.line_start <= r.line_end, f"bad line span {r.line_start}-{r.line_end}"
        assert r.status in STATUSES and r.status_confidence in CONFIDENCES, (r.status, r.status_confidence)
        assert r.task_text, f"record {r.table_no}/{r.seq} has no task text"
    return parsed
