"""The synthetic corpus generator: deterministic, clearly synthetic, and its reports parse."""

from __future__ import annotations

import yaml

from scripts.gen_corpus import COUNTIES, FORMATS, identity, render, synthetic_report, write_corpus
from transforms.metadata import infer_metadata
from transforms.pipeline import RejectedReport, parse_report
from transforms.readers import read_report


def test_same_index_same_bytes_and_reports_differ():
    a, b = synthetic_report(7), synthetic_report(7)
    assert a == b and render(a, "text") == render(b, "text")
    assert synthetic_report(7, seed=1).text != a.text  # the seed matters
    assert synthetic_report(8).text != a.text


def test_identities_are_distinct_and_synthetic():
    ids = {identity(i) for i in range(1200)}
    assert len(ids) == 1200
    assert all(c.startswith("合成") and c.endswith("县") for c in COUNTIES)
    r = synthetic_report(130)  # second county... of the first plan year, month 11
    assert (r.county, r.plan_year, r.as_of.month) == (COUNTIES[1], 2016, 11)
    assert r.file_name().startswith("synthetic-") and "合成测试数据" in r.title
    assert "吉水" not in r.text and r.county in r.text


def test_enough_counties_for_every_county_and_a_decade():
    """The growth benchmark's projection target (350,000 reports) fits in distinct identities, and a
    report past the two-character counties parses with its own county."""
    from scripts.gen_corpus import capacity

    assert capacity() >= 350_000 and len(set(COUNTIES)) == len(COUNTIES)
    r = synthetic_report(30_000)
    assert len(r.county) == 6 and r.county not in COUNTIES[:200]
    parsed = parse_report(render(r, "text"), r.file_name(), as_of=r.as_of, plan_year=r.plan_year)
    assert len(parsed.records) == 130


def test_text_report_parses_with_the_reference_shape_and_its_metadata_can_be_inferred():
    r = synthetic_report(1234)
    parsed = parse_report(render(r, "text"), r.file_name(), as_of=r.as_of, plan_year=r.plan_year)
    assert len(parsed.records) == 130
    assert [x.seq for x in parsed.records[:3]] == [1, 2, 3]
    meta = infer_metadata(r.text)
    assert (meta.county, meta.plan_year, meta.as_of) == (r.county, r.plan_year, r.as_of)


def test_numbers_and_wording_vary_but_tasks_of_a_plan_year_stay():
    a, b = synthetic_report(0), synthetic_report(1)  # same county and plan year, months 1 and 2
    pa = parse_report(a.text.encode(), "a.txt", as_of=a.as_of, plan_year=a.plan_year)
    pb = parse_report(b.text.encode(), "b.txt", as_of=b.as_of, plan_year=b.plan_year)
    assert [x.task_text for x in pa.records] == [x.task_text for x in pb.records]
    progress = lambda p: [x.progress[0]["text"] for x in p.records]  # noqa: E731
    assert sum(x != y for x, y in zip(progress(pa), progress(pb), strict=True)) > 30


def test_other_formats_render_and_read_when_a_reader_exists():
    r = synthetic_report(3)
    for fmt in FORMATS[1:]:
        data = render(r, fmt)
        assert render(r, fmt)[:4] == data[:4] and len(data) > 5000
        try:
            read_report(data, r.file_name(fmt))
        except Exception as exc:  # this version may not read the format yet
            assert "not supported" in str(exc), exc
            continue
        parsed = parse_report(data, r.file_name(fmt), as_of=r.as_of, plan_year=r.plan_year)
        assert len(parsed.records) == 130, fmt


def test_write_corpus_makes_folders_with_manifests(tmp_path):
    dirs = write_corpus(tmp_path, 5, ("text",), per_dir=3)
    assert [d.name for d in dirs] == ["batch-0000", "batch-0001"]
    entries = yaml.safe_load((dirs[1] / "sources.yaml").read_text(encoding="utf-8"))["reports"]
    assert [e["file"] for e in entries] == [synthetic_report(3).file_name(), synthetic_report(4).file_name()]
    assert entries[0]["province"] == "合成省" and entries[0]["as_of"] == synthetic_report(3).as_of.isoformat()
    assert (dirs[0] / synthetic_report(0).file_name()).read_bytes() == synthetic_report(0).text.encode()


def test_a_bad_report_stays_bad():
    try:
        parse_report("合成测试:这不是任务表\n".encode(), "x.txt")
    except RejectedReport as exc:
        assert "not a task table" in str(exc)
    else:
        raise AssertionError("prose was accepted")
