"""Format readers: bytes of one report → a cell grid. The format is chosen by content.

Entry points: ``read_report(data, name) -> Grid`` and ``decode(data) -> (text, encoding)``.
A file that is not a task table raises ``ReadError`` with a message saying what was found.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
import zlib
from collections.abc import Iterator

from transforms.grid import Finding, Grid
from transforms.limits import LimitError, ReadError, reader_limits
from transforms.mappings import HEADERS_FILE, header_map, squash
from transforms.readers.clean import clean_text
from transforms.readers.flattened import read_flattened
from transforms.readers.labelled import read_labelled
from transforms.readers.spaced import read_spaced
from transforms.readers.text import read_text

TASK_ROLES = {"task", "project", "target", "progress"}  # a task table says what, or how far
IMAGE_MAGIC = {
    b"\x89PNG": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF8": "GIF",
    b"BM": "BMP",
    b"II*\x00": "TIFF",
    b"MM\x00*": "TIFF",
}
GB_NAMES = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936"}


def _strict(data: bytes, encoding: str) -> str | None:
    """Decode strictly; a file cut inside its last character loses only that character."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3:
            try:
                return data[: exc.start].decode(encoding)
            except UnicodeDecodeError:
                return None
        return None
    except LookupError:
        return None


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML/XML head declares (``<meta charset=gbk>``, ``encoding="GB2312"``)."""
    m = re.search(rb"""(?:charset|encoding)\s*=\s*["']?([A-Za-z0-9_\-]+)""", data[:4096], re.I)
    if not m:
        return None
    name = m.group(1).decode("ascii").lower()
    return "gb18030" if name in GB_NAMES else name


PLAIN_CHARS = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2010-\u203f\x20-\x7e\s]")


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without BOM and (Chinese text) without zero bytes: the byte order whose decoding is
    almost only Chinese characters, punctuation and ASCII (random bytes score about a third)."""
    sample = data[:4000]
    if len(data) % 2 or len(sample) < 4:
        return None
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = sample.decode(enc)
        except UnicodeDecodeError:
            continue
        if len(PLAIN_CHARS.findall(text)) >= 0.95 * len(text):
            return enc
    return None


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode report bytes → (text, encoding): UTF-8 with or without BOM, UTF-16 (BOM or not),
    the charset an HTML page declares, GB18030 (covers GBK/GB2312), else charset-normalizer's guess."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    sample = data[:4000]
    if sample and sample.count(b"\x00") * 4 > len(sample):
        enc = "utf-16-le" if sample[1:2] == b"\x00" else "utf-16-be"
        return data.decode(enc, errors="replace"), enc
    text = _strict(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    utf16 = _utf16_without_bom(data)
    if utf16:
        return data.decode(utf16, errors="replace"), utf16
    declared = declared or declared_charset(data)
    for enc in dict.fromkeys([e for e in (declared, "gb18030") if e]):
        text = _strict(data, enc)
        if text is not None:
            return text, enc
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        return str(best), best.encoding
    return data.decode("utf-8", errors="replace"), "utf-8 (with replacement characters)"


def _zip_kind(data: bytes) -> tuple[str, zipfile.ZipFile | None, str]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        return "zip", None, f"a damaged zip archive ({exc})"
    names = zf.namelist()
    if "word/document.xml" in names:
        return "docx", zf, ""
    if "xl/workbook.xml" in names:
        return "xlsx", zf, ""
    shown = ", ".join(names[:3]) + (" …" if len(names) > 3 else "")
    return (
        "zip",
        zf,
        f"a zip archive of {len(names)} file(s) ({shown}) that is neither a Word (.docx) nor an Excel (.xlsx) file",
    )


def check_zip(zf: zipfile.ZipFile, kind: str) -> None:
    """Refuse an archive whose declared sizes are beyond the limits in schemas/quality.yaml."""
    lim = reader_limits()
    infos = zf.infolist()
    if len(infos) > lim["max_zip_members"]:
        raise LimitError(
            f"a {kind.upper()} file with {len(infos)} members (above readers.max_zip_members = "
            f"{lim['max_zip_members']} in schemas/quality.yaml); refused as a possible zip bomb"
        )
    total = sum(i.file_size for i in infos)
    if total > lim["max_uncompressed_bytes"]:
        raise LimitError(
            f"a {kind.upper()} file that declares {total:,} bytes unpacked (above readers.max_uncompressed_bytes = "
            f"{lim['max_uncompressed_bytes']:,} in schemas/quality.yaml); refused as a possible zip bomb"
        )
    if kind == "xlsx":
        _check_merged_area(zf, lim["max_merged_cells"])
        _check_sheet_extent(zf, lim)
    else:
        _check_docx_rows(zf, lim)
    for i in infos:
        if i.file_size > 1_000_000 and i.file_size > lim["max_compression_ratio"] * max(i.compress_size, 1):
            raise LimitError(
                f"a {kind.upper()} file whose member {i.filename} unpacks {i.file_size:,} bytes from {i.compress_size:,} "
                f"(ratio above readers.max_compression_ratio = {lim['max_compression_ratio']} in schemas/quality.yaml); "
                "refused as a possible zip bomb"
            )


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _check_merged_area(zf: zipfile.ZipFile, limit: int) -> None:
    """openpyxl makes one object per cell of a merged range: refuse ranges covering too many cells."""
    ref = re.compile(rb'<mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
    total = 0
    for name in zf.namelist():
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        for m in _tags(zf, name, ref):
            c1, r1, c2, r2 = m.group(1).decode(), int(m.group(2)), m.group(3).decode(), int(m.group(4))
            total += (abs(_col_number(c2) - _col_number(c1)) + 1) * (abs(r2 - r1) + 1)
    if total > limit:
        raise LimitError(
            f"an XLSX file whose merged ranges cover {total:,} cells (above readers.max_merged_cells = "
            f"{limit:,} in schemas/quality.yaml); refused"
        )


def _tags(zf: zipfile.ZipFile, name: str, tag: re.Pattern[bytes]) -> Iterator[re.Match[bytes]]:
    """The matches of a tag pattern in one archive member, read in 1 MB pieces (a tag cut at the
    end of a piece is read with the next one)."""
    carry = b""
    with zf.open(name) as fh:
        while piece := fh.read(1 << 20):
            buf = carry + piece
            cut = buf.rfind(b"<")
            if cut < 0 or len(buf) - cut > 4096:
                cut = len(buf)
            yield from tag.finditer(buf, 0, cut)
            carry = buf[cut:]
    yield from tag.finditer(carry)


XLSX_ROW = re.compile(rb"<row\b([^>]*)>")
XLSX_CELL = re.compile(rb"<c\b([^>]*)>")
ROW_NUMBER = re.compile(rb'\sr="(\d+)"')
CELL_COLUMN = re.compile(rb'\sr="([A-Z]{1,3})\d+"')
DOCX_ROW = re.compile(rb"<w:tr[\s>/]")


def _check_sheet_extent(zf: zipfile.ZipFile, lim: dict[str, int]) -> None:
    """Refuse a workbook whose sheets reach beyond readers.max_rows rows or hold more than
    readers.max_cells cells, before openpyxl builds an object per cell (a sheet's last row number
    counts: openpyxl reads every row up to it, empty or not)."""
    for name in zf.namelist():
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        last_row = cells = last_col = 0
        for m in _tags(zf, name, XLSX_ROW):
            r = ROW_NUMBER.search(m.group(1))
            last_row = int(r.group(1)) if r else last_row + 1
            if last_row > lim["max_rows"]:
                raise LimitError(
                    f"an XLSX file whose sheet {name.rsplit('/', 1)[-1]} reaches row {last_row:,} (above readers.max_rows = "
                    f"{lim['max_rows']:,} in schemas/quality.yaml); refused"
                )
        for m in _tags(zf, name, XLSX_CELL):
            cells += 1
            if c := CELL_COLUMN.search(m.group(1)):
                last_col = max(last_col, _col_number(c.group(1).decode()))
        if max(cells, last_row * last_col) > lim["max_cells"]:
            raise LimitError(
                f"an XLSX file whose sheet {name.rsplit('/', 1)[-1]} spans {last_row:,} rows × {last_col:,} columns with "
                f"{cells:,} cells written (above readers.max_cells = {lim['max_cells']:,} in schemas/quality.yaml); refused"
            )


def _check_docx_rows(zf: zipfile.ZipFile, lim: dict[str, int]) -> None:
    """Refuse a document whose tables hold more than readers.max_rows rows, before it is opened."""
    if "word/document.xml" not in zf.namelist():
        return
    rows = sum(1 for _ in _tags(zf, "word/document.xml", DOCX_ROW))
    if rows > lim["max_rows"]:
        raise LimitError(
            f"a DOCX file whose tables hold {rows:,} rows (above readers.max_rows = {lim['max_rows']:,} in "
            "schemas/quality.yaml); refused"
        )


def check_grid_limits(grid: Grid) -> None:
    """Refuse a reading beyond readers.max_rows, max_cells or max_cell_chars (schemas/quality.yaml)."""
    lim = reader_limits()
    fmt = grid.format.split(";")[0]
    rows = sum(len(t.rows) for t in grid.tables)
    if rows > lim["max_rows"]:
        raise LimitError(
            f"a {fmt} file whose tables hold {rows:,} rows (above readers.max_rows = {lim['max_rows']:,} in "
            "schemas/quality.yaml); refused"
        )
    cells = 0
    max_chars = lim["max_cell_chars"]
    for t in grid.tables:
        lines = [(t.header or [], t.header_line or 0), *((r.cells, r.line_start) for r in t.rows)]
        for row_cells, line in lines:
            cells += len(row_cells)
            longest = max(map(len, row_cells), default=0)
            if longest > max_chars:
                raise LimitError(
                    f"a {fmt} file with a cell of {longest:,} characters at line {line} (above "
                    f"readers.max_cell_chars = {max_chars:,} in schemas/quality.yaml); refused"
                )
    if cells > lim["max_cells"]:
        raise LimitError(
            f"a {fmt} file whose tables hold {cells:,} cells (above readers.max_cells = {lim['max_cells']:,} in "
            "schemas/quality.yaml); refused"
        )


def _looks_html(text: str) -> bool:
    head = text.lstrip()[:1024].lower()
    if head.startswith(("<!doctype html", "<html", "<?xml")):
        return True
    sample = text[:200_000]
    if re.search(r"<table\b", sample, re.I):
        return True
    return len(re.findall(r"</?(?:p|div|br|span|td|tr|body|img|h[1-6])\b[^>]*>", sample, re.I)) >= 3


def sniff_format(data: bytes, name: str = "") -> str:
    """text | html | docx | xlsx | csv (or zip, ole2, pdf, image: not readable), decided by content;
    the extension only breaks the tie between CSV and a text dump."""
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(data)[0]
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole2"
    if data.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if any(data.startswith(m) for m in IMAGE_MAGIC):
        return "image"
    text = decode(data[:262_144])[0]
    return _sniff_text(text, name)


def _sniff_text(text: str, name: str) -> str:
    if _looks_html(text):
        return "html"
    from transforms.readers.csv_text import sniff_delimiter

    lowered = name.lower()
    if " | " not in text[:20000] and (sniff_delimiter(text[:20000]) or lowered.endswith((".csv", ".tsv"))):
        return "csv"
    return "text"


def read_report(data: bytes, name: str = "") -> Grid:
    """Read one report's bytes into a grid, whatever its format; keep only task tables.

    Raises ReadError, saying what was found, when the file is not a task table."""
    return _read_report(data, name)[0]


# a text report's sniffed format and its decoded, cleaned text (text, encoding, repairs)
_Decoded = tuple[str, tuple[str, str, list[Finding]]]


def _read_report(data: bytes, name: str) -> tuple[Grid, _Decoded | None]:
    """read_report, and for a text report what it sniffed and decoded (the alternative readers of
    read_candidates read the same text: it is decoded and cleaned once)."""
    lim = reader_limits()
    if not data:
        raise ReadError("the file is empty (0 bytes)")
    if len(data) > lim["max_input_bytes"]:
        raise LimitError(
            f"the file is {len(data):,} bytes, above readers.max_input_bytes in schemas/quality.yaml"
        )
    if not data.strip() or not data.replace(b"\x00", b"").strip(b" \t\r\n\xef\xbb\xbf\xff\xfe"):
        raise ReadError(f"the file holds only white space ({len(data)} bytes)")
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        kind, zf, what = _zip_kind(data)
        if zf is None or kind == "zip":
            raise ReadError(f"{what}; luoshi reads text dumps, HTML, DOCX, XLSX and CSV")
        try:
            check_zip(zf, kind)
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
        ) as exc:  # a member that does not inflate (found by the fuzzer)
            raise ReadError(f"a damaged {kind.upper()} file: {type(exc).__name__}: {exc}") from exc
        grid = _read_office(data, kind)
    else:
        fmt = sniff_format(data, name)
        if fmt == "ole2":
            raise ReadError(
                "a legacy Office 97-2003 file (.doc or .xls) was found; save it as .docx or .xlsx"
            )
        if fmt == "pdf":
            raise ReadError("a PDF document was found; luoshi reads text dumps, HTML, DOCX, XLSX and CSV")
        if fmt == "image":
            kind = next(v for k, v in IMAGE_MAGIC.items() if data.startswith(k))
            raise ReadError(f"an image ({kind}) was found, not a table: a scanned report cannot be read")
        decoded = _decoded_text(data)
        text, encoding, repairs = decoded
        sniffed = fmt
        fmt = _sniff_text(text, name)
        grid = _read_decoded(text, fmt)
        grid.format = f"{grid.format};{encoding}"
        grid.findings[:0] = repairs
        check_grid_limits(grid)
        return keep_task_tables(grid), (sniffed, decoded)
    check_grid_limits(grid)
    return keep_task_tables(grid), None


# Readers for text that is not a grid of pipes or cells, tried beside the format's own reader
# (``read_candidates``); each returns None quickly when the text is not of its family.
ALTERNATIVE_READERS = (read_spaced, read_labelled, read_flattened)


def _decoded_text(data: bytes) -> tuple[str, str, list[Finding]]:
    text, encoding = decode(data)
    if not text.strip():
        raise ReadError(f"the file holds no text once decoded as {encoding}")
    text, repairs = clean_text(text)
    return text, encoding, repairs


def read_candidates(data: bytes, name: str = "") -> list[Grid]:
    """Every reading of one report that holds a task table: the format's own reader first, then,
    for text, the alternative readers. Raises the format reader's ReadError when none holds one.
    The caller picks the reading whose layout yields the most task rows (transforms/pipeline.py)."""
    known: _Decoded | None = None  # what the format's reader sniffed and decoded, if it got that far
    try:
        first, known = _read_report(data, name)
        error: ReadError | None = None
    except LimitError:
        raise  # the file is beyond a limit whatever reads it
    except ReadError as exc:
        first, error = None, exc
    out = [first] if first is not None else []
    beyond: ReadError | None = None  # an alternative reading beyond a limit
    # text, and text sniffed as CSV (a run-on paragraph full of commas); an empty file keeps its refusal
    if (
        data.strip()
        and not data.startswith((b"PK\x03\x04", b"PK\x05\x06"))
        and (known[0] if known is not None else sniff_format(data, name)) in ("text", "csv")
    ):
        try:
            text, encoding, repairs = known[1] if known is not None else _decoded_text(data)
        except ReadError:
            text, encoding, repairs = "", "", []
        for reader in ALTERNATIVE_READERS if text else ():
            grid = reader(text)
            if grid is None:
                continue
            grid.format = f"{grid.format};{encoding}"
            grid.findings[:0] = repairs
            grid.text = grid.text or text
            try:
                check_grid_limits(grid)
            except ReadError as exc:
                beyond = beyond or exc
                continue
            try:
                out.append(keep_task_tables(grid))
            except ReadError:
                continue
    if not out:
        assert error is not None
        raise beyond or error
    return out


def _read_office(data: bytes, kind: str) -> Grid:
    try:
        if kind == "docx":
            from transforms.readers.docx import read_docx

            return read_docx(data)
        from transforms.readers.xlsx import read_xlsx

        return read_xlsx(data)
    except ReadError:
        raise
    except ValueError as exc:
        if str(exc).startswith(("a Word document", "a workbook")):
            raise ReadError(str(exc)) from exc
        raise ReadError(f"a {kind.upper()} file that cannot be opened: {exc}") from exc
    except Exception as exc:  # a damaged or hostile file: say so instead of a traceback
        raise ReadError(f"a {kind.upper()} file that cannot be opened: {type(exc).__name__}: {exc}") from exc


def _read_decoded(text: str, fmt: str) -> Grid:
    if fmt == "html":
        from lxml.etree import ParserError

        from transforms.readers.html_page import HtmlEmpty, read_html

        try:
            return read_html(text)
        except HtmlEmpty as exc:
            raise ReadError(str(exc)) from exc
        except (
            ParserError,
            ValueError,
        ) as exc:  # lxml: control characters it cannot hold (found by the fuzzer)
            raise ReadError(f"an HTML page that cannot be parsed: {exc}") from exc
    if fmt == "csv":
        import csv as csv_module

        from transforms.readers.csv_text import read_csv

        try:
            return read_csv(text)
        except csv_module.Error as exc:
            raise ReadError(f"a CSV file that cannot be parsed: {exc}") from exc
    return read_text(text)


def _roles(header: list[str] | None, rows: list | None = None) -> list[str | None]:
    """Column roles by header; with rows, a column whose header names no role takes the role its
    cells share (transforms/layout.py ``column_roles``)."""
    if rows:
        from transforms.layout import column_roles  # layout imports this package's text reader

        return column_roles(header or [], rows)
    hm = header_map()
    return [hm.role(h) for h in header or []]


def keep_task_tables(grid: Grid) -> Grid:
    """Drop tables that are not task tables (reported); refuse the file when none is left."""
    keep = [t for t in grid.tables if t.header and TASK_ROLES & set(_roles(t.header, t.rows))]
    if keep:
        for t in grid.tables:
            if t not in keep:
                grid.findings.append(
                    Finding(
                        "reader.not_task_table",
                        "warning",
                        f"{_describe_table(t)} is not a task table and was skipped",
                        t.header_line or (t.rows[0].line_start if t.rows else None),
                        t.rows[-1].line_end if t.rows else None,
                        mapping_file=HEADERS_FILE,
                    )
                )
        grid.tables = keep
        return grid
    raise ReadError(describe_non_task(grid))


def _describe_table(t: object) -> str:
    rows = getattr(t, "rows", [])
    header = getattr(t, "header", None)
    width = len(header) if header else max((len(r.cells) for r in rows), default=0)
    where = getattr(t, "source", None) or "a table"
    if where == "text":
        where = "a table"
    first = header or (rows[0].cells if rows else [])
    shown = " | ".join(squash(c) for c in first if c.strip())[:100]
    label = "header" if header else "first row"
    unknown = [squash(h) for h in (header or []) if h.strip() and header_map().role(h) is None]
    extra = f"; headers not in {HEADERS_FILE}: {', '.join(unknown)}" if unknown else ""
    return f"{where} of {len(rows)} row(s) × {width} column(s) ({label}: {shown}){extra}"


def describe_non_task(grid: Grid) -> str:
    """What a file that is not a task table holds, for the refusal message."""
    need = f"a task table needs a header naming its columns (序号, 任务/项目, 进展 …), see {HEADERS_FILE}"
    fmt = grid.format.split(";")[0]
    if grid.tables:
        parts = [_describe_table(t) for t in grid.tables]
        kind = (
            "with a header" if any(t.header for t in grid.tables) else "without a header naming known columns"
        )
        return (
            f"not a task table: {len(grid.tables)} table(s) {kind} found: " + "; ".join(parts) + f"; {need}"
        )
    lines = [ln.strip() for ln in grid.text.splitlines() if ln.strip()]
    if not lines:
        return f"not a task table: the {fmt} file holds no text"
    piped = [ln for ln in lines if ln.count("|") >= 2]
    if piped:
        cells = [squash(c) for c in piped[0].split("|") if c.strip()]
        unknown = [c for c in cells if header_map().role(c) is None]
        extra = (
            f"; not in {HEADERS_FILE}: {', '.join(unknown[:8])}"
            if unknown and len(unknown) < len(cells)
            else ""
        )
        return (
            f"not a task table: {len(lines)} line(s) of text, {len(piped)} of them with ' | ' cells, but no header "
            f"naming known columns (first: {piped[0][:80]!r}{extra}); {need}"
        )
    chars = sum(len(ln) for ln in lines)
    return (
        f"not a task table: no table was found, only {len(lines)} line(s) of prose ({chars} characters; "
        f"first: {lines[0][:60]!r}); {need}"
    )
