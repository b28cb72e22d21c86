"""Hypothesis strategies for report bytes and the property every input must satisfy.

Used by tests/e2e/test_fuzz.py (a fast, deterministic subset) and scripts/chaos.py (`make chaos`,
at least 1,000 random cases). The property: `parse_report(data, name)` returns a parsed report
whose records are well formed, or raises `RejectedReport` whose message names the file. Anything
else (another exception, a malformed record, a case running longer than the time limit) is a bug.
"""

from __future__ import annotations

import io
import re
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


# --------------------------------------------------------------------------- XLSX and DOCX structure

FORMULAS = ["=SUM(A1:A3)", "=1/0", "=A1&B1", '=HYPERLINK("http://example.invalid","点击")', "=NOW()", "=Sheet9!A1", "=#REF!"]
CELL_VALUES = st.one_of(
    CELL_TEXT,
    st.sampled_from(known_headers()),
    st.integers(-(10**6), 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    st.booleans(),
    st.sampled_from(FORMULAS),
    st.none(),
)
FAR_CELLS = [(1000, 50), (60_000, 1), (1_048_576, 1), (1000, 16_384), (5, 16_384)]


def _xml_safe(value: object) -> object:
    """openpyxl refuses control characters in cell text (they cannot be written to XML)."""
    if isinstance(value, str):
        return "".join(ch for ch in value if ch in "\t\n\r" or (ord(ch) >= 0x20 and not 0xFFFE <= ord(ch) <= 0xFFFF))
    return value


STAMP = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z?")


def _deterministic(data: bytes) -> bytes:
    """The archive with fixed member dates and document timestamps: the same draws give the same
    bytes (Hypothesis replays a case and requires it to draw alike)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            body = src.read(name)
            if name.startswith("docProps/"):
                body = STAMP.sub(b"2020-11-30T00:00:00Z", body)
            dst.writestr(zipfile.ZipInfo(name, date_time=(2020, 11, 30, 0, 0, 0)), body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


@st.composite
def xlsx_workbook(draw: st.DrawFn) -> bytes:
    """A real workbook: sheets that are empty, a lone title or a task table (known headers, random
    cells, numbers, dates, formulas), merged ranges, sometimes a stray cell far away (huge dimensions)."""
    import openpyxl

    wb = openpyxl.Workbook()
    sheets = [wb.active] + [wb.create_sheet(f"表{i}") for i in range(1, draw(st.integers(1, 3)))]
    for ws in sheets:
        kind = draw(st.sampled_from(["table", "table", "table", "empty", "title"]))
        if kind == "empty":
            continue
        top = draw(st.integers(1, 3))
        if kind == "title" or top > 1:
            ws.cell(row=1, column=1, value=_xml_safe(draw(st.one_of(CELL_TEXT, st.just("一、重点工作任务分解表")))))
        if kind == "title":
            continue
        header = ["序号", *draw(st.lists(st.sampled_from(known_headers()), min_size=1, max_size=6))]
        for j, h in enumerate(header, start=1):
            ws.cell(row=top, column=j, value=h)
        n_rows = draw(st.integers(0, 12))
        for i in range(n_rows):
            ws.cell(row=top + 1 + i, column=1, value=draw(st.one_of(st.just(i + 1), st.integers(-3, 200_000), st.none(), CELL_TEXT.map(_xml_safe))))
            for j in range(2, len(header) + draw(st.integers(0, 2)) + 1):
                ws.cell(row=top + 1 + i, column=j, value=_xml_safe(draw(CELL_VALUES)))
        last = top + n_rows
        for _ in range(draw(st.integers(0, 3))):
            r1, c1 = draw(st.integers(1, max(last, 1))), draw(st.integers(1, len(header)))
            r2, c2 = r1 + draw(st.integers(0, 4)), c1 + draw(st.integers(0, 3))
            if (r2, c2) != (r1, c1):
                try:
                    ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
                except ValueError:
                    pass
        if draw(st.integers(0, 9)) == 0:
            r, c = draw(st.sampled_from(FAR_CELLS))
            ws.cell(row=r, column=c, value="x")
    buf = io.BytesIO()
    wb.save(buf)
    return _deterministic(buf.getvalue())


@st.composite
def docx_document(draw: st.DrawFn) -> bytes:
    """A real Word document: paragraphs and tables (known headers, random cells, merged cells,
    a table nested in a cell), or nothing at all."""
    import docx

    doc = docx.Document()
    for _ in range(draw(st.integers(0, 2))):
        doc.add_paragraph(_xml_safe(draw(st.one_of(CELL_TEXT, st.just("一、重点工作任务分解表")))))
    for _ in range(draw(st.integers(0, 2))):
        header = ["序号", *draw(st.lists(st.sampled_from(known_headers()), min_size=1, max_size=5))]
        n_rows = draw(st.integers(0, 8))
        table = doc.add_table(rows=n_rows + 1, cols=len(header))
        for j, h in enumerate(header):
            table.cell(0, j).text = h
        for i in range(1, n_rows + 1):
            table.cell(i, 0).text = draw(st.one_of(st.just(str(i)), st.integers(-3, 200_000).map(str), st.just("")))
            for j in range(1, len(header)):
                table.cell(i, j).text = str(_xml_safe(draw(CELL_TEXT)))
        for _ in range(draw(st.integers(0, 2))):
            a, b = draw(st.integers(0, n_rows)), draw(st.integers(0, len(header) - 1))
            c, d = min(n_rows, a + draw(st.integers(0, 3))), min(len(header) - 1, b + draw(st.integers(0, 2)))
            try:
                table.cell(a, b).merge(table.cell(c, d))
            except Exception:  # python-docx refuses some spans: the document is still valid  # noqa: BLE001, S110
                pass
        if n_rows and draw(st.booleans()):
            inner = table.cell(1, len(header) - 1).add_table(rows=2, cols=2)
            inner.cell(0, 0).text = "序号"
            inner.cell(0, 1).text = "落实情况"
    buf = io.BytesIO()
    doc.save(buf)
    return _deterministic(buf.getvalue())


@st.composite
def broken_office(draw: st.DrawFn) -> bytes:
    """A real XLSX or DOCX with its structure damaged: a part missing, a part replaced by garbage or
    cut XML, a part added, the archive cut short or a byte flipped."""
    data = draw(st.one_of(xlsx_workbook(), docx_document()))
    op = draw(st.sampled_from(["none", "drop", "garbage", "cut_xml", "add", "truncate", "flip"]))
    if op in ("truncate", "flip"):
        out = bytearray(data)
        i = draw(st.integers(0, len(out) - 1))
        if op == "truncate":
            del out[i:]
        else:
            out[i] ^= draw(st.integers(1, 255))
        return bytes(out)
    if op == "none":
        return data
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    name = draw(st.sampled_from(sorted(members)))
    if op == "drop":
        del members[name]
    elif op == "garbage":
        members[name] = draw(st.binary(max_size=300))
    elif op == "cut_xml":
        members[name] = members[name][: draw(st.integers(0, len(members[name])))]
    else:
        members[draw(st.sampled_from(["xl/worksheets/sheet9.xml", "word/extra.xml", "customXml/item1.xml"]))] = draw(st.binary(max_size=200))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, body in members.items():
            zf.writestr(n, body)
    return buf.getvalue()


def office_inputs() -> st.SearchStrategy[tuple[bytes, str]]:
    """(bytes, file name) pairs of real and damaged XLSX/DOCX files."""
    names = st.sampled_from(["report.xlsx", "report.docx", "报告.xlsx", "fuzz-case", "a;b'c.docx"])
    return st.tuples(st.one_of(xlsx_workbook(), docx_document(), broken_office(), broken_office()), names)


# --------------------------------------------------------------------------- text with rich markup

MARKUP = st.sampled_from([
    "[/x]", "[bold]", "[/]", "[red]错误[/red]", "[link=file:///etc/passwd]点击[/link]", "\\[", "[/bold]", ":warning:",
    "[b][/i]", "[[/x]]", "[#ff0000]", "[@click=app.quit]x[/]", "[bold red on white]", "[/x", "]", "[x=", "[/red]",
])


@st.composite
def markup_text(draw: st.DrawFn) -> bytes:
    """A report (or a page that is none) whose first line, headers, cells or findings carry console
    markup: every text from a file must be printed as it is."""
    def marked(text: str) -> str:
        return text + draw(MARKUP) if draw(st.booleans()) else draw(MARKUP) + text

    first = marked(draw(st.sampled_from(["一、重点工作任务分解表", "首页 > 政务公开", "", "截止2020年11月底"])))
    if draw(st.integers(0, 3)) == 0:  # no table: rejected, the message quotes the first line
        return "\n".join([first, *draw(st.lists(MARKUP.map(marked), max_size=5))]).encode()
    header = ["序号", *draw(st.lists(st.sampled_from(known_headers()), min_size=2, max_size=5, unique=True))]
    if draw(st.booleans()):
        header[draw(st.integers(0, len(header) - 1))] = marked(draw(st.sampled_from(known_headers())))
    lines = [first, " | ".join(header) + " |"]
    for i in range(1, draw(st.integers(0, 6)) + 1):
        cells = [draw(st.one_of(st.just(str(i)), st.just(marked(str(i)))))]
        cells += [marked("推进重点项目建设") if draw(st.booleans()) else "完成投资3.5亿元" for _ in header[1:]]
        lines.append(" | ".join(cells) + draw(st.sampled_from([" |", " | |", " [/x]|"])))
    return "\n".join(lines).encode(draw(st.sampled_from(["utf-8", "gb18030"])))


def markup_inputs() -> st.SearchStrategy[tuple[bytes, str]]:
    names = st.sampled_from(["report.txt", "[bold]报告[x].txt", "[red]", "a[red]b.html", "plain.txt", "[link=x]报告.txt"])
    return st.tuples(markup_text(), names)


def check_extract_cli(data: bytes, name: str, folder: Path, timeout: float = 30.0) -> int:
    """`luoshi extract FILE` in this process: exit status 0 (parsed) or 1 (rejected, said so); any
    exception is a bug (rich markup in a file's text must not crash the printing)."""
    from typer.testing import CliRunner

    from cli.main import app

    path = folder / name
    path.write_bytes(data)
    with time_limit(timeout):
        result = CliRunner().invoke(app, ["extract", str(path)])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"extract crashed: {type(result.exception).__name__}: {result.exception}") from result.exception
    if result.exit_code not in (0, 1):
        raise AssertionError(f"extract ended with status {result.exit_code}: {result.output[-300:]}")
    return result.exit_code


# --------------------------------------------------------------------------- manifests


def load_manifest_entries(path: Path) -> list[object]:
    """The public manifest loader, entry by entry: the entries' metadata, or a ManifestError (a
    ValueError) with every problem of the manifest and its entries, each naming the file."""
    from sources.manifest import ManifestError, load_manifest

    manifest = load_manifest(path)
    problems = manifest.problems() + [e.error for e in manifest.entries if e.error]
    if problems:
        raise ManifestError("; ".join(problems))
    return [e.meta() for e in manifest.entries]


YAML_VALUES = st.one_of(
    st.sampled_from(["2020-11-30", "'2020-11-30'", "2020-02-30", "2020-13-01", "'2020-02-30'", "1900-01-01", "9999-12-31",
                     "0000-01-01", "2020-11-30T25:00:00", "2020/11/30", "~", "null", "''", "[]", "{}", "yes", "no", ".nan",
                     ".inf", "-.inf", "0x1F", "1e400", "99999", "-1", "2020", "'2020'", "2020.5", "12345678901234567890123",
                     "测试县", "monthly", "quarterly", "weekly", "!!binary aGVsbG8=", "!!python/object:os.system ls", "*undefined"]),
    st.integers(-(10**30), 10**30).map(str),
    CELL_TEXT.map(lambda t: yaml.safe_dump(t, allow_unicode=True).removesuffix("\n...\n").strip()),
)
MANIFEST_KEYS = ["file", "sha256", "url", "county", "province", "prefecture", "plan_year", "as_of", "as_of_date", "period_type", "title", "source_url"]


@st.composite
def manifest_entry(draw: st.DrawFn) -> str:
    keys = draw(st.lists(st.sampled_from(MANIFEST_KEYS), max_size=8, unique=True))
    if draw(st.booleans()):
        keys = ["file", *[k for k in keys if k != "file"]]
    pairs = [f"{k}: {draw(YAML_VALUES)}" for k in keys]
    if not pairs:
        return "- " + draw(YAML_VALUES)
    return "- " + "\n  ".join(pairs)


@st.composite
def manifest_text(draw: st.DrawFn) -> str:
    """sources.yaml as an operator (or an attacker) might write it: a `reports:` list or a bare list
    of entries with random values (impossible dates, huge numbers, wrong types), a scalar or an
    empty file, anchors and aliases (also nested ones that expand a lot), tabs and broken syntax."""
    kind = draw(st.sampled_from(["reports"] * 6 + ["list"] * 3 + ["scalar", "aliases", "aliases", "soup", "soup"] + ["bomb"]))
    entries = draw(st.lists(manifest_entry(), max_size=6))
    if kind == "reports":
        body = "reports:\n" + "\n".join("  " + e.replace("\n", "\n  ") for e in entries)
        if draw(st.booleans()):
            body = draw(st.sampled_from(["version: 2\n", "county: 测试县\n", "reports: 5\n", "defaults: {plan_year: 2020}\n"])) + body
    elif kind == "list":
        body = "\n".join(entries)
    elif kind == "scalar":
        body = draw(YAML_VALUES)
    elif kind == "aliases":
        base = draw(manifest_entry()).removeprefix("- ").replace("\n  ", ", ")
        body = f"base: &b {{{base}}}\nreports:\n  - *b\n  - <<: *b\n    file: {draw(YAML_VALUES)}\n  - {{<<: *b, as_of: {draw(YAML_VALUES)}}}"
    elif kind == "bomb":
        depth = draw(st.sampled_from([2, 3, 4, 5, 7]))
        lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, depth)]
        lines.append(f"reports: *a{depth - 1}" if draw(st.booleans()) else f"reports:\n  - file: *a{depth - 1}")
        body = "\n".join(lines)
    else:
        tokens = st.one_of(st.sampled_from(["reports:", "- ", "\n", "  ", "\t", ": ", "&a ", "*a", "<<: ", "{", "}", "[", "]", "'", '"', "#", "---\n", "%YAML 1.1\n", "!!str ", "? "]), YAML_VALUES)
        body = "".join(draw(st.lists(tokens, max_size=40)))
    return body + "\n"


def manifest_inputs() -> st.SearchStrategy[str]:
    return manifest_text()


def check_manifest(text: str, folder: Path, timeout: float = 5.0) -> list[object] | None:
    """The manifest property: the loader returns its entries' metadata, or raises a ValueError (our
    own error types included) whose message names the file; anything else is a bug. Returns the
    entries, or None when the manifest was refused cleanly."""
    path = folder / "sources.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    with time_limit(timeout):
        try:
            return load_manifest_entries(path)
        except ValueError as exc:
            if path.name not in str(exc):
                raise AssertionError(f"{type(exc).__name__} does not name the manifest: {exc}") from exc
            return None
