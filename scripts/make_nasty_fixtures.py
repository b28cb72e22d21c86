"""Hand-made nasty inputs for the bad-input tests (`tests/test_fuzz.py`, `make chaos`).

Small nasties are committed under tests/fixtures/nasty/ together with `expected.yaml` (what each
must end in) and `sources.yaml` (a manifest giving each its own report identity in the synthetic
county 测试县, so that none of them can replace a real report). Big ones (a 1 MB cell, 10,000
columns, a real zip bomb, 2,000 nested HTML tables) and the ones derived from the reference report
are generated at test time, to keep the repository small.

    python scripts/make_nasty_fixtures.py            # rewrite tests/fixtures/nasty/
    python scripts/make_nasty_fixtures.py --all DIR  # write every nasty (small and big) to DIR

Expectations: `parsed` (a clean parse with `tasks` task records, or at least `min_tasks`),
`rejected` (RejectedReport naming the file, with `contains` in its message) or `any` (either of
the two, never another exception).
"""

from __future__ import annotations

import io
import random
import struct
import sys
import zipfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "samples" / "jishui-2020-progress.txt"
NASTY_DIR = ROOT / "tests" / "fixtures" / "nasty"
COUNTY = "测试县"

HEADER = "序号 | 具体工作任务和要求 | 责任领导 | 责任单位 | 落实情况 |"


@dataclass
class Nasty:
    name: str
    data: bytes
    expect: str  # parsed | rejected | any
    note: str
    tasks: int | None = None
    min_tasks: int | None = None
    contains: list[str] = field(default_factory=list)
    big: bool = False  # generated at test time, not committed

    def expectation(self) -> dict:
        out: dict = {"expect": self.expect, "note": self.note}
        for key in ("tasks", "min_tasks"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.contains:
            out["contains"] = self.contains
        return out


def row(seq: int | str, task: str, leader: str = "张三", unit: str = "县发改委", progress: str = "已完成。") -> str:
    return f"{seq} | {task} | {leader} | {unit} | {progress} |"


def table(rows: list[str], title: str = "一、测试任务分解表") -> str:
    return "\n".join([title, HEADER, *rows]) + "\n"


def small_table(n: int = 3) -> str:
    return table([row(i, f"完成第{i}项测试任务,新建道路{i}公里。", progress=f"已完成{i}公里。") for i in range(1, n + 1)])


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    return buf.getvalue()


def declare_huge(data: bytes, member: str, size: int = 0xFFFFFFF0) -> bytes:
    """Patch a zip so `member` declares `size` uncompressed bytes (local and central headers)."""
    raw = bytearray(data)
    name = member.encode()
    pos = 0
    while (pos := raw.find(b"PK\x03\x04", pos)) >= 0:
        n_len = struct.unpack_from("<H", raw, pos + 26)[0]
        if raw[pos + 30 : pos + 30 + n_len] == name:
            struct.pack_into("<I", raw, pos + 22, size)
        pos += 4
    pos = 0
    while (pos := raw.find(b"PK\x01\x02", pos)) >= 0:
        n_len = struct.unpack_from("<H", raw, pos + 28)[0]
        if raw[pos + 46 : pos + 46 + n_len] == name:
            struct.pack_into("<I", raw, pos + 24, size)
        pos += 4
    return bytes(raw)


def docx_members(body_xml: str) -> dict[str, bytes]:
    return {
        "[Content_Types].xml": b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        "word/document.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body>{body_xml}</w:body></w:document>"
        ).encode(),
    }


def xlsx_members() -> dict[str, bytes]:
    return {
        "[Content_Types].xml": b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "xl/workbook.xml": b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>',
        "xl/worksheets/sheet1.xml": b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>',
    }


def real_zip_bomb(member: str, megabytes: int, extra: dict[str, bytes]) -> bytes:
    """A zip whose `member` really inflates to `megabytes` MB of zeros (about 1000:1)."""
    buf = io.BytesIO()
    chunk = b"\0" * (1 << 20)
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, body in extra.items():
            zf.writestr(name, body)
        with zf.open(member, "w", force_zip64=True) as fh:
            for _ in range(megabytes):
                fh.write(chunk)
    return buf.getvalue()


def nested_html(depth: int) -> bytes:
    inner = "<tr><td>序号</td><td>具体工作任务和要求</td><td>落实情况</td></tr><tr><td>1</td><td>任务</td><td>已完成</td></tr>"
    html = "<table><tr><td>" * depth + f"<table>{inner}</table>" + "</td></tr></table>" * depth
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>{html}</body></html>".encode()


def small_nasties() -> list[Nasty]:
    rng = random.Random(20201130)
    ok3 = small_table(3)
    out = [
        Nasty("empty.txt", b"", "rejected", "an empty file", contains=["empty"]),
        Nasty("whitespace-only.txt", b" \n\t\r\n   \n", "rejected", "only whitespace", contains=["empty"]),
        Nasty("bom-only.txt", b"\xef\xbb\xbf", "rejected", "a UTF-8 byte-order mark and nothing else"),
        Nasty("random-bytes.txt", rng.randbytes(4096), "rejected", "4 KB of random bytes"),
        Nasty("random-bytes-pk.docx", b"PK\x03\x04" + rng.randbytes(2048), "rejected", "a zip signature followed by garbage"),
        Nasty("only-pipes.txt", ("| | | | |\n" * 50).encode(), "rejected", "pipes and nothing else", contains=["not a task table"]),
        Nasty("header-only.txt", (HEADER + "\n").encode(), "rejected", "a header row and no rows", contains=["no task rows"]),
        Nasty("header-only.csv", "序号,具体工作任务和要求,责任领导,责任单位,落实情况\n".encode(), "rejected", "a CSV header and no rows"),
        Nasty(
            "header-only.html",
            "<html><body><table><tr><th>序号</th><th>具体工作任务和要求</th><th>落实情况</th></tr></table></body></html>".encode(),
            "rejected",
            "an HTML table with a header and no rows",
        ),
        Nasty(
            "duplicate-seq.txt",
            table([row(1, "任务一。"), row(2, "任务二。"), row(2, "任务二的重复。"), row(3, "任务三。")]).encode(),
            "parsed",
            "序号 2 appears twice: the repeat is quarantined, the other three load",
            tasks=3,
        ),
        Nasty(
            "duplicate-seq-all.txt",
            table([row(1, f"同一序号的第{i}行。") for i in range(1, 6)]).encode(),
            "parsed",
            "every row has 序号 1: one loads",
            tasks=1,
        ),
        Nasty(
            "truncated-small.txt",
            ok3.encode()[: len(ok3.encode()) - 11],
            "parsed",
            "cut inside the last row (and inside a UTF-8 character)",
            tasks=2,
        ),
        Nasty("truncated-in-header.txt", (table([])[:25]).encode(), "rejected", "cut inside the header row"),
        Nasty("gbk.txt", ok3.encode("gb18030"), "parsed", "GB18030-encoded", tasks=3),
        Nasty("utf16-le-bom.txt", ok3.encode("utf-16"), "parsed", "UTF-16 with a byte-order mark", tasks=3),
        Nasty("utf16-be-nobom.txt", ok3.encode("utf-16-be"), "any", "UTF-16 big-endian without a byte-order mark"),
        Nasty("big5.txt", ok3.encode("big5", errors="replace"), "any", "Big5-encoded (a wrong, unexpected encoding)"),
        Nasty(
            "mojibake.txt",
            ok3.encode("gb18030").decode("latin-1").encode("utf-8"),
            "rejected",
            "GB18030 bytes read as Latin-1 and saved as UTF-8",
        ),
        Nasty("nul-bytes.txt", ok3.replace("任务", "任\x00务").encode(), "rejected", "NUL characters inside the header and every cell", contains=["could be loaded"]),
        Nasty(
            "control-chars.txt",
            ok3.replace("新建", "\x1b[31m\u202e\u200b\x07新建").encode(),
            "parsed",
            "escape sequences, a right-to-left override and zero-width spaces in cells",
            tasks=3,
        ),
        Nasty("crlf-and-cr.txt", ok3.replace("\n", "\r\n", 2).replace("\n", "\r").encode(), "parsed", "CRLF and lone CR line ends", tasks=3),
        Nasty(
            "formula-and-script-cells.txt",
            table(
                [
                    row(1, "=HYPERLINK(\"http://example.invalid\",\"点击\")", progress="+1+1"),
                    row(2, "<script>alert('luoshi')</script>任务", progress="@SUM(A1:A9)"),
                    row(3, "-2+3 任务", unit="=cmd|' /C calc'!A0", progress="<img src=x onerror=alert(1)>"),
                ]
            ).encode(),
            "parsed",
            "cells a spreadsheet would run as formulas and HTML that a page would run",
            tasks=3,
        ),
        Nasty(
            "seq-only-rows.txt",
            table([f"{i} | | | | |" for i in range(1, 6)]).encode(),
            "rejected",
            "rows with a 序号 and nothing else: no row can be loaded, the report is refused",
            contains=["could be loaded"],
        ),
        Nasty(
            "sub-rows-without-seq.txt",
            table([" | 没有序号的子行。 | 张三 | 县发改委 | 已完成。 |"] * 4).encode(),
            "any",
            "rows without 序号 and no parent row",
        ),
        Nasty(
            "many-pipes-in-cell.txt",
            table([row(1, "任务|" * 200 + "结束。")]).encode(),
            "any",
            "a cell holding 200 separators",
        ),
        Nasty(
            "declared-huge.docx",
            declare_huge(zip_bytes(docx_members("<w:p/>")), "word/document.xml"),
            "rejected",
            "a DOCX whose document.xml declares 4 GB uncompressed",
            contains=["declare"],
        ),
        Nasty(
            "declared-huge.xlsx",
            declare_huge(zip_bytes(xlsx_members()), "xl/worksheets/sheet1.xml"),
            "rejected",
            "an XLSX whose sheet declares 4 GB uncompressed",
            contains=["declare"],
        ),
        Nasty("empty-zip.docx", zip_bytes({}), "rejected", "a valid but empty zip archive named .docx"),
        Nasty("docx-no-document.docx", zip_bytes({"[Content_Types].xml": b"<Types/>", "word/other.xml": b"<x/>"}), "rejected", "a DOCX without word/document.xml"),
        Nasty("nested-tables-50.html", nested_html(50), "any", "50 HTML tables nested inside each other"),
        Nasty("unclosed-html.html", b"<html><body><table><tr><td>\xe5\xba\x8f\xe5\x8f\xb7<td><table><tr><td>" * 40, "any", "unclosed HTML tags"),
    ]
    return out


def reference_nasties() -> list[Nasty]:
    """Variants of the reference report (43 KB each): generated at test time."""
    ref = REFERENCE.read_bytes()
    text = ref.decode("utf-8")
    cut = text.index("\n91 |") + 40  # inside row 91 of table 2
    return [
        Nasty("reference-truncated.txt", text[:cut].encode(), "parsed", "the reference report cut inside row 91 of table 2", tasks=100, big=True),
        Nasty("reference-cut-mid-char.txt", ref[: len(text[:cut].encode()) + 1], "parsed", "cut inside a UTF-8 character", tasks=100, big=True),
        Nasty("reference-gb18030.txt", text.encode("gb18030"), "parsed", "the reference report in GB18030", tasks=130, big=True),
        Nasty("reference-utf16.txt", text.encode("utf-16"), "parsed", "the reference report in UTF-16", tasks=130, big=True),
        Nasty(
            "reference-every-seq-twice.txt",
            "\n".join(ln + ("\n" + ln if ln[:1].isdigit() and " | " in ln and ln.rstrip().endswith("|") else "") for ln in text.split("\n")).encode(),
            "parsed",
            "every single-line row repeated: the repeats are quarantined",
            min_tasks=100,
            big=True,
        ),
    ]


def big_nasties() -> list[Nasty]:
    """Large inputs generated at test time."""
    mb_cell = "推进重点项目建设，" * (1_048_576 // 27 + 1)  # 27 bytes each: just over 1 MB
    wide_header = " | ".join(["序号", "具体工作任务和要求", "责任领导", "责任单位", "落实情况"] + [f"列{i}" for i in range(6, 10_001)]) + " |"
    known_header = " | ".join(["序号", "具体工作任务和要求", "责任领导", "责任单位", "落实情况"] + ["备注"] * 9_995) + " |"
    wide_rows = [" | ".join([str(i), f"第{i}项任务。", "张三", "县发改委", "已完成。"] + ["x"] * 9_995) + " |" for i in (1, 2)]
    doc_body = "<w:p/>"
    return [
        Nasty("one-mb-cell.txt", table([row(1, "一个很长的单元格。", progress=mb_cell), row(2, "短任务。")]).encode(), "parsed", "a progress cell of 1 MB", tasks=2, big=True),
        Nasty("ten-thousand-columns.txt", "\n".join(["一、宽表", wide_header, *wide_rows]).encode() + b"\n", "any", "a header of 10,000 columns", big=True),
        Nasty("ten-thousand-known-columns.txt", "\n".join(["一、宽表", known_header, *wide_rows]).encode() + b"\n", "any", "10,000 columns, all with known headers", big=True),
        Nasty(
            "ten-thousand-columns.csv",
            ("\n".join([",".join(["序号", "具体工作任务和要求", "落实情况"] + [f"列{i}" for i in range(4, 10_001)]), ",".join(["1", "任务", "已完成"] + ["x"] * 9_997)]) + "\n").encode(),
            "any",
            "a CSV of 10,000 columns",
            big=True,
        ),
        Nasty("ten-thousand-lines-one-row.txt", table([row(1, "任务。", progress="\n".join(["续行"] * 10_000))]).encode(), "any", "one row continued over 10,000 lines", big=True),
        Nasty("nested-tables-2000.html", nested_html(2000), "any", "2,000 HTML tables nested inside each other", big=True),
        Nasty("zip-bomb.docx", real_zip_bomb("word/document.xml", 150, {k: v for k, v in docx_members(doc_body).items() if k != "word/document.xml"}), "rejected", "a DOCX whose document.xml inflates to 150 MB", contains=["declare"], big=True),
        Nasty("zip-bomb.xlsx", real_zip_bomb("xl/worksheets/sheet1.xml", 300, {k: v for k, v in xlsx_members().items() if "sheet1" not in k}), "rejected", "an XLSX whose sheet inflates to 300 MB", contains=["declare"], big=True),
        Nasty(
            "many-members.xlsx",
            zip_bytes(xlsx_members() | {f"xl/worksheets/extra{i}.xml": b"<x/>" for i in range(20_000)}),
            "rejected",
            "an XLSX archive with 20,000 members",
            contains=["members"],
            big=True,
        ),
    ]


def all_nasties(include_big: bool = True) -> list[Nasty]:
    out = small_nasties()
    if include_big:
        out += reference_nasties() + big_nasties()
    return out


def manifest(nasties: list[Nasty]) -> dict:
    """Each nasty its own as-of date in 测试县, so no two share a report identity."""
    start = date(2020, 1, 1)
    return {
        "reports": [
            {"file": n.name, "county": COUNTY, "plan_year": 2020, "as_of": (start + timedelta(days=i)).isoformat(), "period_type": "monthly"}
            for i, n in enumerate(nasties)
        ]
    }


def write(directory: Path, nasties: list[Nasty]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for n in nasties:
        (directory / n.name).write_bytes(n.data)
    head = "# Generated by scripts/make_nasty_fixtures.py; do not edit by hand.\n"
    (directory / "expected.yaml").write_text(
        head + yaml.safe_dump({n.name: n.expectation() for n in nasties}, allow_unicode=True, sort_keys=True), encoding="utf-8"
    )
    (directory / "sources.yaml").write_text(head + yaml.safe_dump(manifest(nasties), allow_unicode=True, sort_keys=False), encoding="utf-8")


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "--all":
        target = Path(argv[1])
        write(target, all_nasties(include_big=True))
        print(f"wrote {len(all_nasties())} nasty inputs to {target}")
        return 0
    for old in NASTY_DIR.glob("*"):
        old.unlink()
    write(NASTY_DIR, small_nasties())
    print(f"wrote {len(small_nasties())} nasty inputs to {NASTY_DIR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
