"""The reference report in every format gives exactly the same 130 task records as its text dump.

The fixtures are built from the reference by scripts/make_format_fixtures.py. Line spans say where a
row sits in its own file (HTML source lines, DOCX blocks, XLSX sheet rows, CSV lines), so they are
compared only between the two text versions."""

from __future__ import annotations

import codecs
from collections import Counter
from pathlib import Path

import pytest

from tests.helpers import FIXTURES, REFERENCE, ROOT
from transforms.pipeline import parse_report

FORMATS = FIXTURES / "formats"
STRUCTURED = {
    "jishui-2020.html": "html;utf-8",
    "jishui-2020.docx": "docx",
    "jishui-2020.xlsx": "xlsx",
    "jishui-2020.csv": "csv/,;utf-8-sig",
}


def _records(parsed, with_lines: bool) -> list[dict]:
    out = []
    for r in parsed.records:
        d = r.to_json()
        if not with_lines:
            d.pop("line_start")
            d.pop("line_end")
        out.append(d)
    return out


@pytest.fixture(scope="module")
def reference():
    return parse_report(REFERENCE.read_bytes(), REFERENCE.name)


@pytest.mark.parametrize("name", sorted(STRUCTURED))
def test_structured_formats_give_the_same_130_records(reference, name):
    got = parse_report((FORMATS / name).read_bytes(), name)
    assert got.format == STRUCTURED[name]
    assert Counter(r.table_no for r in got.records) == {1: 10, 2: 120}
    assert _records(got, with_lines=False) == _records(reference, with_lines=False)
    for table_no in (1, 2):  # within a table, rows keep their order (XLSX rows count per sheet)
        spans = [(r.line_start, r.line_end) for r in got.records if r.table_no == table_no]
        assert all(1 <= a <= b for a, b in spans) and spans == sorted(spans)


def test_the_fixtures_really_use_merged_cells():
    from transforms.readers import read_report

    for name in ("jishui-2020.html", "jishui-2020.docx", "jishui-2020.xlsx"):
        grid = read_report((FORMATS / name).read_bytes(), name)
        flags = Counter(f for t in grid.tables for row in t.rows for f in row.merged)
        assert flags["row"] >= 40 and flags["col"] >= 40, (name, flags)


@pytest.mark.parametrize(
    ("label", "encode"),
    [
        ("gbk-file", None),
        ("utf-8-bom", lambda t: codecs.BOM_UTF8 + t.encode("utf-8")),
        ("utf-16-le-bom", lambda t: t.encode("utf-16")),
        ("utf-16-be-no-bom", lambda t: t.encode("utf-16-be")),
        ("gb18030", lambda t: t.encode("gb18030")),
        ("crlf", lambda t: t.replace("\n", "\r\n").encode("utf-8")),
    ],
)
def test_text_dump_in_other_encodings_gives_the_same_records_and_lines(reference, label, encode):
    text = REFERENCE.read_text(encoding="utf-8")
    data = (FORMATS / "jishui-2020-gbk.txt").read_bytes() if encode is None else encode(text)
    if encode is None:
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")  # really not UTF-8
    got = parse_report(data, f"jishui-{label}.txt")
    assert _records(got, with_lines=True) == _records(reference, with_lines=True)


def test_fixture_script_rebuilds_the_committed_fixtures(tmp_path: Path):
    import runpy

    script = runpy.run_path(str(ROOT / "scripts" / "make_format_fixtures.py"))
    script["main"](tmp_path)
    for name in ("jishui-2020.html", "jishui-2020.csv", "jishui-2020-gbk.txt", "matrix-district-indicators.html"):
        assert (tmp_path / name).read_bytes() == (FORMATS / name).read_bytes(), name
    rebuilt = parse_report((tmp_path / "jishui-2020.docx").read_bytes(), "x.docx")
    committed = parse_report((FORMATS / "jishui-2020.docx").read_bytes(), "x.docx")
    assert _records(rebuilt, True) == _records(committed, True)
