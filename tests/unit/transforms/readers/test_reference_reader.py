"""The reference report (吉水县 2020) read from its real text dump."""

from __future__ import annotations

from collections import Counter

from tests.helpers import REFERENCE
from transforms.layout import build_rows
from transforms.pipeline import parse_report
from transforms.readers import read_report

SPLIT_ROWS = {30: (48, 49), 71: (98, 99), 82: (113, 114), 84: (116, 118), 96: (132, 136), 108: (151, 152)}


def test_exactly_130_tasks_in_two_tables(reference_parsed):
    per_table = Counter(r.table_no for r in reference_parsed.records)
    assert per_table == {1: 10, 2: 120}
    assert [r.seq for r in reference_parsed.records if r.table_no == 1] == list(range(1, 11))
    assert [r.seq for r in reference_parsed.records if r.table_no == 2] == list(range(1, 121))
    titles = {r.table_no: r.table_title for r in reference_parsed.records}
    assert titles == {1: "一、10件民生实事任务分解表", 2: "二、其他重要事项任务分解表"}


def test_parts_and_sections_become_headings(reference_parsed):
    by_key = {(r.table_no, r.seq): r for r in reference_parsed.records}
    first = by_key[(2, 1)]
    assert first.part == "一、以“产业优”为导向,推进高质量发展,着力构建现代化产业体系"
    assert first.section == "(一)加快工业崛起步伐。"
    assert by_key[(2, 15)].section == "(二)大力发展现代农业"
    assert by_key[(2, 114)].part == "六、建设人民满意的“五型”政府"
    assert by_key[(2, 114)].section is None
    assert by_key[(1, 1)].part is None and by_key[(1, 1)].section is None
    parts = {r.part for r in reference_parsed.records if r.table_no == 2}
    assert len(parts) == 6
    sections = {(r.part, r.section) for r in reference_parsed.records if r.table_no == 2}
    assert len(sections) == 17  # 一 3, 二 4, 三 3, 四 3, 五 3 sections; 六 has none
    # no heading text leaked into a task
    assert not any(r.task_text.endswith("||||") for r in reference_parsed.records)


def test_split_rows_are_rejoined_exactly(reference_parsed):
    by_key = {(r.table_no, r.seq): r for r in reference_parsed.records}
    for seq, (start, end) in SPLIT_ROWS.items():
        rec = by_key[(2, seq)]
        assert (rec.line_start, rec.line_end) == (start, end), seq
        assert rec.progress and rec.progress[0]["text"], seq
        assert "|" not in rec.task_text and "|" not in rec.progress[0]["text"]
    r96 = by_key[(2, 96)]
    assert r96.leaders == ["张隆富", "厉有明"]
    assert r96.units == ["县发改委", "县商务局"]
    assert r96.progress[0]["text"].startswith("加快首位产业和主导产业深度融合")
    r84 = by_key[(2, 84)]
    assert r84.leaders == ["吴文强"]
    assert r84.units == ["县政务服务办", "县行政服务中心"]
    assert r84.progress[0]["text"].startswith("全面对接省、市“赣服通”")
    r30 = by_key[(2, 30)]
    assert r30.units == ["县商务局", "县文广新旅局"]
    assert r30.progress[0]["text"] == "打造南门洲旅游集聚区(中海川凤凰广场主体已完工,正在开展业态招商)"
    rejoined = [f for f in reference_parsed.findings if f.rule == "repair.split_row_rejoined"]
    assert sorted(int(f.seq) for f in rejoined) == sorted(SPLIT_ROWS)


def test_every_task_has_a_line_span_inside_the_file(reference_parsed):
    n_lines = len(REFERENCE.read_text(encoding="utf-8").splitlines())
    for r in reference_parsed.records:
        assert 1 <= r.line_start <= r.line_end <= n_lines
    # one-line rows: the line holds the row's 序号 at its start
    lines = REFERENCE.read_text(encoding="utf-8").splitlines()
    for r in reference_parsed.records:
        assert lines[r.line_start - 1].startswith(f"{r.seq} |")


def test_site_footer_is_dropped(reference_bytes):
    grid = read_report(reference_bytes, REFERENCE.name)
    dropped = [f for f in grid.findings if f.rule == "reader.dropped_text"]
    assert dropped and dropped[-1].line_start == 167 and dropped[-1].line_end == 170
    layout = build_rows(grid)
    assert not any("版权所有" in (r.progress[0]["text"] if r.progress else "") for r in layout.rows)


def test_truncated_copy_keeps_complete_rows_and_reports_the_cut_one(reference_bytes):
    cut = reference_bytes[:2000]
    parsed = parse_report(cut, "jishui-truncated.txt")
    full_text = reference_bytes.decode("utf-8")
    cuts = [f for f in parsed.findings if f.rule == "reader.cut_row"]
    assert len(cuts) == 1
    cut_seq = int(cuts[0].seq)
    assert [r.seq for r in parsed.records] == list(range(1, cut_seq))
    # complete rows are identical to the full parse; nothing is invented for the cut one
    full = parse_report(reference_bytes, REFERENCE.name)
    full_by = {(r.table_no, r.seq): r for r in full.records}
    for r in parsed.records:
        assert r.to_json() == full_by[(r.table_no, r.seq)].to_json()
    assert all(r.progress[0]["text"] in full_text for r in parsed.records)


def test_truncated_inside_a_character_and_inside_table_two(reference_bytes):
    text = reference_bytes.decode("utf-8")
    cut_at = text.index("13 | 新增标准厂房") + 40
    data = text[:cut_at].encode("utf-8")[:-1]  # also cut inside the last character
    parsed = parse_report(data, "jishui-cut.txt")
    assert Counter(r.table_no for r in parsed.records) == {1: 10, 2: 12}
    assert [f.seq for f in parsed.findings if f.rule == "reader.cut_row"] == ["13"]
