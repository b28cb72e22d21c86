"""Bad input: a property-based fuzzer over parse_report and a corpus of hand-made nasties.

Every input ends in a clean parse or a RejectedReport naming the file, never another exception.
Through the real flow, a nasty never changes an earlier report, and a rejected one is listed in
`quarantine` with its raw bytes kept in the archive. `make chaos` runs the fuzzer with at least
1,000 random cases (and loads the parsed ones); here 100 deterministic cases keep the suite fast.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date
from functools import cache
from pathlib import Path

import duckdb
import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from scripts import make_nasty_fixtures as nasty
from scripts.fuzz_inputs import (
    check_extract_cli,
    check_manifest,
    check_report,
    manifest_inputs,
    markup_inputs,
    office_inputs,
    report_inputs,
)
from tests.helpers import FIXTURES, REFERENCE
from transforms.pipeline import RejectedReport, parse_report
from transforms.readers import ReadError, read_report

NASTY = FIXTURES / "nasty"
SMALL = nasty.small_nasties()


@cache
def all_nasties() -> dict[str, nasty.Nasty]:
    """Small and big nasties by name (about 4 s: the zip bombs really deflate 450 MB of zeros)."""
    return {n.name: n for n in nasty.all_nasties(include_big=True)}


@settings(max_examples=100, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))
@given(report_inputs())
def test_fuzz_parse_report_parses_cleanly_or_rejects_naming_the_file(case):
    data, name = case
    check_report(data, name)  # raises on anything but a well-formed parse or a RejectedReport naming `name`


@settings(max_examples=25, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))
@given(office_inputs())
def test_fuzz_xlsx_and_docx_structure_parses_cleanly_or_rejects(case):
    data, name = case
    check_report(data, name)


def test_a_member_that_fails_its_checksum_is_a_clean_rejection():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", '<worksheet><sheetData><row r="1"><c r="A1"/></row></sheetData></worksheet>')
    data = bytearray(buf.getvalue())
    at = bytes(data).index(b'<row r="1">')
    data[at + 1] ^= 0x20  # the stored bytes no longer match their CRC-32
    with pytest.raises(RejectedReport, match=r"crc.xlsx: a damaged XLSX file: BadZipFile"):
        parse_report(bytes(data), "crc.xlsx")


# `luoshi extract` prints text from the file (the first line of a rejected file, findings): console
# markup in it must be printed as it is.
@settings(max_examples=12, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))
@given(markup_inputs())
def test_fuzz_markup_in_reports_does_not_crash_extract(tmp_path_factory, case):
    data, name = case
    assert check_extract_cli(data, name, tmp_path_factory.mktemp("markup")) in (0, 1)


# A manifest loads or is refused with a ValueError naming the file, entry by entry.
@settings(max_examples=40, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))
@given(manifest_inputs())
def test_fuzz_manifests_load_or_are_refused_naming_the_file(tmp_path_factory, text):
    check_manifest(text, tmp_path_factory.mktemp("manifest"))


def test_committed_nasty_corpus_is_what_the_script_generates():
    small = SMALL
    committed = {p.name for p in NASTY.iterdir()} - {"expected.yaml", "sources.yaml"}
    assert committed == {n.name for n in small}, "run `python scripts/make_nasty_fixtures.py`"
    for n in small:
        assert (NASTY / n.name).read_bytes() == n.data, n.name
    expected = yaml.safe_load((NASTY / "expected.yaml").read_text(encoding="utf-8"))
    assert expected == {n.name: n.expectation() for n in small}
    # the corpus covers what the issue lists
    names = " ".join(all_nasties())
    for kind in ("truncated", "random-bytes", "gbk", "utf16", "big5", "empty", "one-mb-cell", "ten-thousand-columns",
                 "nested-tables-2000", "zip-bomb", "declared-huge", "duplicate-seq", "header-only"):
        assert kind in names, kind
    assert sum(len(n.data) for n in small) < 64_000  # the big ones are generated at test time


def assert_as_expected(item: nasty.Nasty) -> None:
    parsed = check_report(item.data, item.name, timeout=20)
    if parsed is None:
        with pytest.raises(RejectedReport) as info:
            parse_report(item.data, item.name, as_of=date(2020, 11, 30), plan_year=2020)
        msg = str(info.value)
        assert msg.startswith(f"{item.name}: ")
        assert item.expect in ("rejected", "any"), f"{item.name} was rejected: {msg}"
        for c in item.contains:
            assert c in msg, msg
    else:
        assert item.expect in ("parsed", "any"), f"{item.name} parsed into {len(parsed.records)} records"
        if item.tasks is not None:
            assert len(parsed.records) == item.tasks
        if item.min_tasks is not None:
            assert len(parsed.records) >= item.min_tasks


@pytest.mark.parametrize("item", SMALL, ids=[n.name for n in SMALL])
def test_committed_nasty_ends_as_expected(item):
    assert_as_expected(item)


def test_big_and_derived_nasties_end_as_expected():
    big = [n for n in all_nasties().values() if n.big]
    assert len(big) >= 13
    for item in big:
        assert_as_expected(item)


def test_duplicated_seq_is_quarantined_with_a_finding():
    parsed = parse_report((NASTY / "duplicate-seq.txt").read_bytes(), "duplicate-seq.txt")
    assert [r.seq for r in parsed.records] == [1, 2, 3]
    dup = [f for f in parsed.findings if f.rule == "layout.duplicate_seq"]
    assert len(dup) == 1 and "序号 2" in dup[0].message


def test_zip_bombs_are_refused_before_inflating():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", "<w:document/>" * 1000)
    with pytest.raises(ReadError) as ordinary:  # an ordinary small archive is read (and found empty), not refused
        read_report(buf.getvalue(), "ok.docx")
    assert "zip bomb" not in str(ordinary.value)
    for name in ("zip-bomb.xlsx", "zip-bomb.docx", "declared-huge.docx", "many-members.xlsx"):
        item = all_nasties()[name]
        assert len(item.data) < 3_000_000
        with pytest.raises(ReadError, match="zip bomb"):
            read_report(item.data, name)


FLOW_SAMPLE = [
    "empty.txt", "random-bytes.txt", "header-only.txt", "nul-bytes.txt", "duplicate-seq.txt",
    "formula-and-script-cells.txt", "declared-huge.docx", "zip-bomb.docx", "one-mb-cell.txt",
]


def test_nasties_through_the_flow_leave_earlier_reports_and_keep_raw_files(prefect_harness, tmp_path):
    from flows.ingest import ingest_report
    from tests.helpers import make_load
    from warehouse.db import connect
    from warehouse.loader import load_reports

    wh = tmp_path / "data" / "warehouse.duckdb"
    con = connect(wh)
    assert load_reports(con, [make_load(REFERENCE.read_bytes())])[0].tasks == 130  # the earlier report
    con.close()
    con = duckdb.connect(str(wh), read_only=True)
    ref_rows = con.execute(
        "SELECT t.table_no, t.seq, t.task_text, f.progress_text, f.status_code FROM fct_task_progress f JOIN dim_task t USING (task_key)"
    ).fetchall()
    con.close()

    folder = tmp_path / "inbox"
    # a sample (each file costs three task runs); `make chaos` ingests every nasty through the CLI
    items = [all_nasties()[name] for name in FLOW_SAMPLE]
    nasty.write(folder, items)
    result = ingest_report(paths=[str(folder)], warehouse=str(wh), manifest=str(folder / "sources.yaml"))
    assert result.counts.files_seen == len(items)
    by_file = {Path(r.file).name: r for r in result.files}
    assert set(by_file) == {n.name for n in items}

    con = duckdb.connect(str(wh), read_only=True)
    try:
        # the earlier report is unchanged, row for row
        assert sorted(con.execute(
            "SELECT t.table_no, t.seq, t.task_text, f.progress_text, f.status_code FROM fct_task_progress f "
            "JOIN dim_task t USING (task_key) JOIN dim_report r USING (report_key) WHERE r.file_name = ?",
            [REFERENCE.name],
        ).fetchall()) == sorted(ref_rows)
        quarantine = {Path(s).name: (raw, reason) for s, raw, reason in con.execute("SELECT source_file, raw_path, reason FROM quarantine").fetchall()}
        loaded = dict(con.execute("SELECT file_name, task_count FROM dim_report").fetchall())
        from warehouse.loader import run_checks

        assert run_checks(con, "error") == []
    finally:
        con.close()
    for n in items:
        outcome = by_file[n.name].outcome
        if outcome == "rejected":
            raw, reason = quarantine[n.name]
            assert Path(raw).read_bytes() == n.data, n.name  # the raw file is kept, byte for byte
            assert n.name in reason and n.expect != "parsed", reason
        else:
            assert outcome == "loaded" and n.expect != "rejected", (n.name, by_file[n.name])
            if n.tasks is not None:
                assert loaded[n.name] == n.tasks
    assert {"empty.txt", "random-bytes.txt", "declared-huge.docx", "zip-bomb.docx", "header-only.txt", "nul-bytes.txt",
            "one-mb-cell.txt"} == set(quarantine)
    assert "one-mb-cell.txt" in quarantine and loaded["duplicate-seq.txt"] == 3
