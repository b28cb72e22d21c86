"""Pure linking on the multi-period fixtures: similarity, matching within a plan year, cross-year
proposals, crosswalk decisions, threads, several dated progress columns, metadata inference."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import pytest

from tests.helpers import FIXTURES, REFERENCE
from transforms.linking import (
    Link,
    TaskRef,
    apply_crosswalk,
    crosswalk_with_decision,
    match_within_year,
    normalize_text,
    parse_crosswalk,
    plan_links,
    propose_links,
    record_text,
    text_similarity,
    threads,
)
from transforms.metadata import infer_metadata, progress_month
from transforms.pipeline import parse_report

PERIODS = FIXTURES / "periods"
FILES = {
    "2020-06": ("jishui-2020-06-synthetic-progress.txt", 2020, date(2020, 6, 30)),
    "2020-11": ("jishui-2020-11-real-progress.txt", 2020, date(2020, 11, 30)),
    "2021-plan": ("jishui-2021-synthetic-plan.txt", 2021, date(2021, 3, 10)),
    "2021-09": ("jishui-2021-09-synthetic-progress.txt", 2021, date(2021, 9, 30)),
}
BASE = {"2020-06": 1000, "2020-11": 2000, "2021-plan": 3000, "2021-09": 4000}


@cache
def records(which: str):
    name, year, as_of = FILES[which]
    return parse_report((PERIODS / name).read_bytes(), name, as_of=as_of, plan_year=year).records


def refs(which: str) -> list[TaskRef]:
    year = FILES[which][1]
    return [
        TaskRef(BASE[which] + i, r.table_no, r.seq, record_text(r.task_text, r.project), year, "吉水县")
        for i, r in enumerate(records(which))
    ]


def at(which: str, table_no: int, seq: int) -> TaskRef:
    return next(t for t in refs(which) if (t.table_no, t.seq) == (table_no, seq))


def test_fixtures_are_deterministic_and_labelled(tmp_path: Path):
    names = sorted(p.name for p in PERIODS.glob("*.txt"))
    assert names == sorted(v[0] for v in FILES.values())
    assert all("synthetic" in n for n in names if "real" not in n)
    assert (PERIODS / "jishui-2020-11-real-progress.txt").read_bytes() == (
        REFERENCE
    ).read_bytes()
    assert [len(records(k)) for k in FILES] == [130, 130, 129, 129]


def test_similarity_ignores_numbers_and_punctuation():
    assert normalize_text("增加义务教育学位5000个，") == "增加义务教育学位#个"
    assert text_similarity("增加义务教育学位5000个。", "增加义务教育学位6000个") == 1.0
    s = text_similarity("启动园区人才限价房建设。", "建成园区人才公寓一期工程并交付使用。")
    assert 0 < s < 0.3  # too reworded to be proposed: needs the crosswalk
    assert text_similarity("", "任务") == 0.0


def test_within_year_renumbered_reordered_and_new_tasks():
    known = refs("2021-plan")
    rows = [(r.table_no, r.seq, record_text(r.task_text, r.project)) for r in records("2021-09")]
    matches, findings = match_within_year(known, rows)
    by_pos = {(r[0], r[1]): m for r, m in zip(rows, matches, strict=True)}
    # tasks 2 and 3 of table 1 swapped places in the September report
    assert by_pos[(1, 2)].task_key == at("2021-plan", 1, 3).task_key and by_pos[(1, 2)].method == "text"
    assert by_pos[(1, 3)].task_key == at("2021-plan", 1, 2).task_key
    # table 2 task 118 was left out, so 119 became 118; the new 119 is a new task
    assert by_pos[(2, 118)].task_key == at("2021-plan", 2, 119).task_key
    assert by_pos[(2, 119)].task_key is None and by_pos[(2, 119)].method == "new"
    # everything else by number, confirmed by text
    assert sum(m.method == "seq+text" for m in matches) == 125
    rules = sorted(f.rule for f in findings)
    assert rules == ["link.new_task", "link.renumbered", "link.renumbered", "link.renumbered", "link.task_absent"]
    absent = next(f for f in findings if f.rule == "link.task_absent")
    assert (absent.table_no, absent.seq) == (2, "118")


def test_within_year_reworded_at_same_number_and_first_report():
    known = [TaskRef(1, 1, 1, "完成吉水二中迁建项目和城北学校主体建设"), TaskRef(2, 1, 2, "建成互助养老之家136个以上")]
    rows = [(1, 1, "城北学校主体完工并交付"), (1, 2, "建成互助养老之家136个以上")]
    matches, findings = match_within_year(known, rows)
    assert [(m.task_key, m.method) for m in matches] == [(1, "seq"), (2, "seq+text")]
    assert [f.rule for f in findings] == ["link.text_changed"]
    matches, findings = match_within_year([], rows)
    assert [m.method for m in matches] == ["new", "new"] and findings == []


def test_cross_year_proposals_on_the_fixtures():
    links = propose_links(refs("2020-11"), refs("2021-plan"))
    by = {(lk.from_key, lk.to_key): lk for lk in links}

    def link(a: tuple[int, int], b: tuple[int, int]) -> Link | None:
        return by.get((at("2020-11", *a).task_key, at("2021-plan", *b).task_key))

    # merge: 2020 tasks 2/8 and 2/9 → 2021 2/9
    assert link((2, 8), (2, 9)).link_type == "merge" and link((2, 9), (2, 9)).link_type == "merge"
    assert link((2, 9), (2, 9)).decision == "accepted"
    # split: 2020 1/6 (老旧小区 and 棚户区) → 2021 1/6 and 1/7
    assert {link((1, 6), (1, 6)).link_type, link((1, 6), (1, 7)).link_type} == {"split"}
    # reworded: 1/1 is below the accept threshold → pending; 1/2 above → accepted
    assert (link((1, 1), (1, 1)).decision, link((1, 1), (1, 1)).link_type) == ("pending", "continues")
    assert 0.3 <= link((1, 1), (1, 1)).score < 0.6
    assert link((1, 2), (1, 2)).decision == "accepted"
    # a false friend the similarity accepts (the crosswalk rejects it)
    assert link((2, 11), (2, 5)).decision == "accepted"
    # dropped 2020 tasks and new 2021 tasks have no link
    linked_from = {lk.from_key for lk in links}
    linked_to = {lk.to_key for lk in links}
    for a in [(1, 8), (1, 9), (2, 4), (2, 12), (2, 119)]:
        assert at("2020-11", *a).task_key not in linked_from, a
    for b in [(1, 9), (2, 3), (2, 11), (2, 118)]:
        assert at("2021-plan", *b).task_key not in linked_to, b
    assert sum(lk.decision == "accepted" for lk in links) == 125
    assert sum(lk.decision == "pending" for lk in links) == 1


def test_crosswalk_overrides_both_ways_and_threads():
    entries = parse_crosswalk((PERIODS / "crosswalk.yaml").read_text(encoding="utf-8"), "crosswalk.yaml")
    assert [(e.decision, e.position) for e in entries] == [("reject", 1), ("accept", 2), ("accept", 3), ("accept", 3)]
    tasks = refs("2020-11") + refs("2021-plan")
    plan = plan_links(tasks, entries)
    by = {(lk.from_key, lk.to_key): lk for lk in plan.links}
    ff = by[(at("2020-11", 2, 11).task_key, at("2021-plan", 2, 5).task_key)]
    assert (ff.decision, ff.method) == ("rejected", "crosswalk")
    new = by[(at("2020-11", 2, 12).task_key, at("2021-plan", 2, 11).task_key)]
    assert (new.decision, new.method, new.link_type) == ("accepted", "crosswalk", "continues")
    for b in (2, 3):
        lk = by[(at("2020-11", 2, 2).task_key, at("2021-plan", 2, b).task_key)]
        assert (lk.decision, lk.link_type) == ("accepted", "split")
    # threads: the merge joins three tasks, the split three, the false friend none
    th = plan.thread_of
    merged = {th[at("2020-11", 2, 8).task_key], th[at("2020-11", 2, 9).task_key], th[at("2021-plan", 2, 9).task_key]}
    assert merged == {at("2020-11", 2, 8).task_key}
    assert th[at("2021-plan", 2, 3).task_key] == th[at("2020-11", 2, 2).task_key] == at("2020-11", 2, 2).task_key
    assert th[at("2021-plan", 2, 5).task_key] == at("2021-plan", 2, 5).task_key
    assert th[at("2021-plan", 1, 1).task_key] == at("2021-plan", 1, 1).task_key  # pending: no thread yet
    assert plan.counts()["pending"] == 1 and plan.counts()["rejected"] == 1


def test_crosswalk_errors_name_the_file_and_entry():
    with pytest.raises(ValueError, match=r"cw.yaml: decision 1: .*one of accept, reject, merge, split"):
        parse_crosswalk("decisions:\n  - {decision: maybe, from: 'a:1:1:1', to: 'a:2:1:1'}\n", "cw.yaml")
    with pytest.raises(ValueError, match=r"cw.yaml: decision 2: a merge needs"):
        parse_crosswalk(
            "decisions:\n  - {decision: accept, from: 'a:1:1:1', to: 'a:2:1:1'}\n"
            "  - {decision: merge, from: 'a:1:1:1', to: 'a:2:1:1'}\n",
            "cw.yaml",
        )
    with pytest.raises(ValueError, match=r"COUNTY:PLAN_YEAR:TABLE:SEQ"):
        parse_crosswalk("decisions:\n  - {decision: accept, from: '2020-1-1', to: 'a:2:1:1'}\n", "cw.yaml")
    links, findings = apply_crosswalk([], parse_crosswalk("decisions:\n  - {decision: accept, from: 'x:1:1:1', to: 'x:2:1:1'}\n"), {})
    assert links == [] and findings[0].rule == "link.crosswalk_unknown_task"
    assert findings[0].mapping_file == "schemas/crosswalk.yaml"


def test_crosswalk_writer_keeps_header_and_replaces_same_pair():
    text = (PERIODS / "crosswalk.yaml").read_text(encoding="utf-8")
    out = crosswalk_with_decision(text, "accept", "吉水县:2020:1:1", "吉水县:2021:1:1", note="同一任务")
    out = crosswalk_with_decision(out, "reject", "吉水县:2020:1:1", "吉水县:2021:1:1")
    assert out.startswith("# Reviewed decisions for the multi-period fixtures")
    entries = parse_crosswalk(out)
    assert [(e.decision, e.from_ref, e.to_ref) for e in entries][-1] == ("reject", "吉水县:2020:1:1", "吉水县:2021:1:1")
    assert sum(e.from_ref == "吉水县:2020:1:1" for e in entries) == 1
    assert len(entries) == 5  # the three entries of the file (split = two) and the new one


def test_threads_union_only_accepted():
    links = [Link(1, 5, "continues", "ngram", 0.9, "accepted"), Link(5, 9, "continues", "ngram", 0.9, "accepted"),
             Link(2, 6, "continues", "ngram", 0.4, "pending"), Link(3, 6, "merge", "ngram", 0.9, "rejected")]
    assert threads([1, 2, 3, 5, 6, 9], links) == {1: 1, 2: 2, 3: 3, 5: 1, 6: 6, 9: 1}


def test_progress_month_of_dated_columns():
    assert progress_month("1-10月推进情况") == 10
    assert progress_month("1—11月份完成情况") == 11
    assert progress_month("截至9月底完成情况") == 9
    assert progress_month("落实情况") is None and progress_month(None) is None


@pytest.mark.parametrize(
    "which,expected",
    [
        ("2020-06", ("吉水县", 2020, date(2020, 6, 30), "quarterly")),
        ("2021-plan", ("吉水县", 2021, date(2021, 3, 10), "plan")),
        ("2021-09", ("吉水县", 2021, date(2021, 9, 30), "quarterly")),
    ],
)
def test_metadata_inferred_from_the_text_is_flagged(which, expected):
    meta = infer_metadata((PERIODS / FILES[which][0]).read_text(encoding="utf-8"))
    assert (meta.county, meta.plan_year, meta.as_of, meta.period_type) == expected
    assert set(meta.inferred) == {"county", "plan_year", "as_of", "period_type"}
