"""Deterministic generator of SYNTHETIC county progress reports, derived from the reference report.

Report i of a corpus (with a given seed) is always the same bytes. It is the reference report
(samples/jishui-2020-progress.txt) with another, made-up county name, another plan year and as-of
month, reworded progress text and varied numbers. Everything it produces is marked as synthetic:
file names start with ``synthetic-``, the province is 合成省 and the title says 合成测试数据.

Identity of report i (unique for i < 120 × number of county names):
    month = i % 12 + 1, plan year = 2016 + (i // 12) % 10, county = COUNTIES[i // 120]
so one county gets twelve monthly reports per plan year, like a real reporting county.

Formats: ``text`` (the web-page text dump, always), ``html`` (lxml), ``docx`` (python-docx) and
``xlsx`` (openpyxl); merged heading rows stay merged (colspan / merged cells).

    python scripts/gen_corpus.py --n 1000 --out data/corpus [--formats text,html] [--seed 0]

writes ``batch-NNNN/`` folders of ``--per-dir`` reports, each with its own ``sources.yaml``
manifest, one report at a time (the corpus is never held in memory).
"""

from __future__ import annotations

import argparse
import calendar
import io
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

REFERENCE = ROOT / "samples" / "jishui-2020-progress.txt"
REFERENCE_YEAR = 2020
FORMATS = ("text", "html", "docx", "xlsx")
SUFFIX = {"text": ".txt", "html": ".html", "docx": ".docx", "xlsx": ".xlsx"}
PROVINCE = "合成省"
PREFECTURE = "合成市"
FIRST_YEAR = 2016
YEARS = 10

# made-up county names, 合成 ("synthetic") + a two- or three-character stem + 县, so none is a real
# county: the 200 two-character ones first (the corpus of 24,000 reports they give stays as it
# was), then 3,000 three-character ones, 3,200 in all, for 384,000 reports: more than every
# county's decade of monthly tables
_FIRST = "青白云石金玉长安平清南北东西新永丰宁和兴"
_SECOND = "川山河溪林阳江源泉峰"
_THIRD = "一二三四五六七八九十甲乙丙丁戊"
COUNTIES = [f"合成{a}{b}县" for a in _FIRST for b in _SECOND] + [
    f"合成{a}{b}{c}县" for c in _THIRD for a in _FIRST for b in _SECOND
]

# rewordings of progress text: (phrase, alternatives); one alternative is chosen per row
REWORDINGS: list[tuple[str, tuple[str, ...]]] = [
    ("已完成", ("已全部完成", "已经完成", "基本完成")),
    ("正在", ("目前正在", "正加快", "正抓紧")),
    ("启动", ("开始", "着手")),
    ("推进", ("推动", "加快推进")),
    ("开展", ("组织开展", "深入开展")),
    ("全面", ("全力", "扎实")),
    ("积极", ("主动", "大力")),
    ("加强", ("强化", "进一步加强")),
]
NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d.]*[年月日号])")
YEAR_RE = re.compile(r"(?<!\d)(20[0-3]\d)(?=年)")
SEQ_LINE = re.compile(r"^\s*\d{1,4}\s*\|")


@dataclass(frozen=True)
class SyntheticReport:
    index: int
    county: str
    plan_year: int
    as_of: date
    period_type: str
    text: str

    @property
    def stem(self) -> str:
        return f"synthetic-{self.index:06d}-{self.plan_year}-{self.as_of.month:02d}"

    def file_name(self, fmt: str = "text") -> str:
        return self.stem + SUFFIX[fmt]

    @property
    def title(self) -> str:
        return f"{self.county}{self.plan_year}年《政府工作报告》任务分解落实情况（合成测试数据）"

    def manifest_entry(self, fmt: str = "text") -> dict[str, object]:
        return {
            "file": self.file_name(fmt),
            "county": self.county,
            "province": PROVINCE,
            "prefecture": PREFECTURE,
            "plan_year": self.plan_year,
            "as_of": self.as_of.isoformat(),
            "period_type": self.period_type,
            "title": self.title,
            "source_url": f"synthetic://luoshi/{self.stem}",
        }


def capacity() -> int:
    """How many reports have distinct identities."""
    return 12 * YEARS * len(COUNTIES)


def identity(i: int) -> tuple[str, int, int]:
    """(county, plan year, month) of report i."""
    if not 0 <= i < capacity():
        raise ValueError(f"report index {i} is outside 0..{capacity() - 1}")
    return COUNTIES[i // (12 * YEARS)], FIRST_YEAR + (i // 12) % YEARS, i % 12 + 1


def period_type(month: int) -> str:
    return "year_end" if month == 12 else ("quarterly" if month in (3, 6, 9) else "monthly")


def _vary_numbers(text: str, rng: random.Random) -> str:
    def sub(m: re.Match[str]) -> str:
        raw = m.group(1)
        value = float(raw)
        if value < 2 or (1990 <= value <= 2040 and "." not in raw):
            return raw  # small counts and years stay
        new = value * rng.uniform(0.6, 1.4)
        tail = text[m.end() : m.end() + 1]
        if tail in ("%", "％"):
            new = min(new, 100.0)
        return f"{new:.1f}" if "." in raw else str(max(2, round(new)))

    return NUMBER.sub(sub, text)


def _reword(text: str, rng: random.Random, month: int) -> str:
    for phrase, options in REWORDINGS:
        if phrase in text and rng.random() < 0.5:
            text = text.replace(phrase, rng.choice(options))
    if month <= 6 and rng.random() < 0.3:
        text = text.replace("已全部完成", "正在推进").replace("已经完成", "正在推进").replace("已完成", "正在推进")
    return text


def _reference_lines() -> list[str]:
    return REFERENCE.read_text(encoding="utf-8").split("\n")


_REF: list[str] | None = None


def synthetic_report(i: int, seed: int = 0) -> SyntheticReport:
    """Report i of the corpus with this seed (pure: same arguments, same report)."""
    global _REF
    if _REF is None:
        _REF = _reference_lines()
    county, year, month = identity(i)
    stem = county[2:-1]  # 合成青川县 → 青川 (in school and place names: 青川二中)
    shift = year - REFERENCE_YEAR
    plan_rng = random.Random(f"{seed}:{county}:{year}")  # task targets: fixed within a plan year
    rng = random.Random(f"{seed}:{i}")  # progress: varies per report
    last_day = calendar.monthrange(year, month)[1]
    out: list[str] = []
    for line in _REF:
        line = line.replace("吉水县", county).replace("吉水", stem)
        line = YEAR_RE.sub(lambda m: str(int(m.group(1)) + shift), line)
        line = line.replace(f"截止{year}年11月底", f"截止{year}年{month}月底").replace("截止10月末", f"截止{month}月末")
        line = line.replace("1-10月", f"1-{month}月" if month > 1 else "1月")
        if SEQ_LINE.match(line):
            cells = line.split(" | ")
            if len(cells) >= 5:
                cells[1] = _vary_numbers(cells[1], plan_rng)
                cells[4] = _vary_numbers(_reword(cells[4], rng, month), rng)
                line = " | ".join(cells)
        out.append(line)
    return SyntheticReport(i, county, year, date(year, month, last_day), period_type(month), "\n".join(out))


# ---------------------------------------------------------------- rendering in other formats


def _grid(report: SyntheticReport):
    from transforms.readers.text import read_text

    return read_text(report.text)


def _footer(report: SyntheticReport) -> list[str]:
    return [ln for ln in report.text.split("\n")[-4:] if ln.strip()]


def _is_heading(cells: list[str]) -> bool:
    return len({c for c in cells if c.strip()}) == 1 and not cells[0].strip().isdigit() and bool(cells[0].strip())


def to_html(report: SyntheticReport) -> bytes:
    from lxml import etree
    from lxml.html import builder as E

    body = E.BODY(E.H1(report.title))
    for table in _grid(report).tables:
        if table.title:
            body.append(E.P(table.title))
        t = E.TABLE(border="1")
        t.append(E.TR(*[E.TH(h) for h in table.header or []]))
        ncols = len(table.header or [])
        for row in table.rows:
            if _is_heading(row.cells):
                t.append(E.TR(E.TD(row.cells[0], colspan=str(ncols))))
            else:
                t.append(E.TR(*[E.TD(c) for c in row.cells]))
        body.append(t)
    for ln in _footer(report):
        body.append(E.P(ln, **{"class": "footer"}))
    doc = E.HTML(E.HEAD(E.META(charset="utf-8"), E.TITLE(report.title)), body)
    return b"<!DOCTYPE html>\n" + etree.tostring(doc, encoding="utf-8", method="html")


def to_docx(report: SyntheticReport) -> bytes:
    from docx import Document

    doc = Document()
    doc.add_paragraph(report.title)
    for table in _grid(report).tables:
        if table.title:
            doc.add_paragraph(table.title)
        header = table.header or []
        t = doc.add_table(rows=1, cols=len(header))
        for cell, h in zip(t.rows[0].cells, header, strict=True):
            cell.text = h
        for row in table.rows:
            cells = t.add_row().cells
            if _is_heading(row.cells):
                merged = cells[0].merge(cells[-1])
                merged.text = row.cells[0]
            else:
                for cell, text in zip(cells, row.cells, strict=False):
                    cell.text = text
    for ln in _footer(report):
        doc.add_paragraph(ln)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def to_xlsx(report: SyntheticReport) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "任务分解"
    ws.append([report.title])
    for table in _grid(report).tables:
        if table.title:
            ws.append([table.title])
        header = table.header or []
        ws.append(header)
        for row in table.rows:
            if _is_heading(row.cells):
                ws.append([row.cells[0]])
                r = ws.max_row
                ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(header))
            else:
                ws.append([int(c) if i == 0 and c.strip().isdigit() else c for i, c in enumerate(row.cells)])
    for ln in _footer(report):
        ws.append([ln])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def render(report: SyntheticReport, fmt: str) -> bytes:
    """The report's bytes in one format."""
    if fmt == "text":
        return report.text.encode("utf-8")
    if fmt == "html":
        return to_html(report)
    if fmt == "docx":
        return to_docx(report)
    if fmt == "xlsx":
        return to_xlsx(report)
    raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")


def iter_corpus(n: int, formats: tuple[str, ...] = ("text",), seed: int = 0, start: int = 0) -> Iterator[tuple[SyntheticReport, str, bytes]]:
    """(report, format, bytes) for reports start..start+n-1; formats are taken in turn."""
    for i in range(start, start + n):
        report = synthetic_report(i, seed)
        fmt = formats[i % len(formats)]
        yield report, fmt, render(report, fmt)


def write_corpus(
    out: Path, n: int, formats: tuple[str, ...] = ("text",), seed: int = 0, start: int = 0, per_dir: int = 100
) -> list[Path]:
    """Write reports start..start+n-1 into out/batch-NNNN/ folders with a sources.yaml each; the folders."""
    import yaml

    dirs: dict[Path, list[dict[str, object]]] = {}
    for report, fmt, data in iter_corpus(n, formats, seed, start):
        d = out / f"batch-{report.index // per_dir:04d}"
        if d not in dirs:
            d.mkdir(parents=True, exist_ok=True)
            dirs[d] = []
        (d / report.file_name(fmt)).write_bytes(data)
        dirs[d].append(report.manifest_entry(fmt))
    for d, entries in dirs.items():
        manifest = d / "sources.yaml"
        old = (yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}).get("reports", []) if manifest.exists() else []
        keep = {e["file"]: e for e in old} | {str(e["file"]): e for e in entries}
        header = "# SYNTHETIC reports generated by scripts/gen_corpus.py from the reference report; not real data.\n"
        manifest.write_text(header + yaml.safe_dump({"reports": list(keep.values())}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return sorted(dirs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100, help="number of reports")
    ap.add_argument("--out", type=Path, default=Path("data/corpus"))
    ap.add_argument("--formats", default="text", help=f"comma-separated, taken in turn: {','.join(FORMATS)}")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--start", type=int, default=0, help="index of the first report")
    ap.add_argument("--per-dir", type=int, default=100, help="reports per batch-NNNN folder")
    args = ap.parse_args(argv)
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        ap.error(f"unknown format(s) {', '.join(bad)}; choose from {', '.join(FORMATS)}")
    dirs = write_corpus(args.out, args.n, formats, args.seed, args.start, args.per_dir)
    print(f"wrote {args.n} synthetic reports into {len(dirs)} folder(s) under {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
