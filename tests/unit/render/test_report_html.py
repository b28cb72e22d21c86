"""The HTML quality report as pure rendering, and as headless Chromium shows it."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest

from render.quality_html import build_summary, classify, render_markdown, render_report
from tests.helpers import browser

SCRIPT = "<script>document.title='pwned';document.body.setAttribute('data-pwned','1')</script>"
IMG = '<img src=x onerror="document.body.setAttribute(\'data-pwned\',\'2\')">'


def finding(rule: str, severity: str, message: str, report_key: int | None = 1, **kw) -> dict:
    return {"issue_key": 1, "run_key": 2, "report_key": report_key, "source_file": "f.txt", "table_no": kw.get("table_no", 1),
            "seq": kw.get("seq", "3"), "line_start": 5, "line_end": 6, "stage": kw.get("stage", rule.split(".")[0]),
            "rule": rule, "severity": severity, "message": message, "mapping_file": kw.get("mapping_file")}


def sample_data() -> dict:
    statuses = [("completed", "已完成", 40), ("in_progress", "推进中", 50), ("ongoing", "持续推进", 10), ("behind", "滞后", 12),
                ("not_started", "未启动", 3), ("unknown", "无法判断", 15)]
    return {
        "generated_at": datetime(2026, 1, 2, 3, 4, 5),
        "run": {"run_key": 2, "flow_name": "ingest_report", "started_at": datetime(2026, 1, 2, 3, 0), "outcome": "partial",
                "files_seen": 3, "reports_loaded": 1, "reports_skipped": 0, "reports_failed": 1, "tasks_loaded": 130, "seconds": 4.2},
        "reports": [{"report_key": 1, "county": "吉水县", "plan_year": 2020, "as_of_date": date(2020, 11, 30), "period_type": "year_end",
                     "title": "吉水县2020年任务分解落实情况" + SCRIPT, "file_name": "jishui" + IMG + ".txt", "source_uri": "http://example.invalid/x",
                     "sha256": "a" * 64, "format": "text", "metadata_source": "manifest", "task_count": 130, "progress_rows": 130,
                     "metric_rows": 20, "unit_links": 300, "leader_links": 140, "sections": 18}],
        "findings": [
            finding("repair.leader_spacing", "info", "'吴 诚' → '吴诚'"),
            finding("layout.duplicate_seq", "error", "序号 3 appears again" + SCRIPT),
            finding("layout.unknown_header", "warning", "header '督办意见' has no role", mapping_file="schemas/mappings/headers.yaml"),
            finding("check.unit_type_unknown", "warning", "unknown responsible unit " + SCRIPT, stage="check",
                    mapping_file="schemas/mappings/units.yaml"),
            finding("meaning.completion_over_100", "warning", "completion 102.07% is above 100 %"),
            finding("metadata.inferred", "warning", "as_of = 2020-11-30 was inferred from the text: 截止2020年11月底"),
            finding("gx.dim_task.expect_column_values_to_not_be_null.task_text", "error", "dim_task: 1 row " + IMG,
                    report_key=None, stage="gx", table_no=None, seq=None),
        ],
        "status": [{"report_key": 1, "status_code": c, "label_zh": zh, "sort_order": i, "tasks": n}
                   for i, (c, zh, n) in enumerate(statuses)],
        "status_labels": {c: zh for c, zh, _ in statuses},
        "quarantine": [{"source_file": "bad" + SCRIPT + ".txt", "sha256": "b" * 64, "reason": "not a task table | " + IMG,
                        "created_at": datetime(2026, 1, 2, 3, 1)}],
        "history": [{"run_key": 1, "started_at": datetime(2026, 1, 1), "outcome": "success", "files_seen": 1, "reports_loaded": 1,
                     "reports_skipped": 0, "reports_failed": 0, "files_rejected": 0, "tasks_loaded": 130, "errors": 2,
                     "warnings": 9, "infos": 60},
                    {"run_key": 2, "started_at": datetime(2026, 1, 2), "outcome": "partial", "files_seen": 3, "reports_loaded": 1,
                     "reports_skipped": 0, "reports_failed": 1, "files_rejected": 1, "tasks_loaded": 130, "errors": 1,
                     "warnings": 4, "infos": 62}],
        "rule_history": [{"run_key": 1, "rule": "layout.duplicate_seq", "severity_rank": 3, "findings": 3},
                         {"run_key": 2, "rule": "layout.duplicate_seq", "severity_rank": 3, "findings": 1},
                         {"run_key": 1, "rule": "repair.leader_spacing", "severity_rank": 1, "findings": 32},
                         {"run_key": 2, "rule": "repair.leader_spacing", "severity_rank": 1, "findings": 32}],
        "config": {"quarantined_share_fail": 0.05, "warnings_per_100_tasks_warn": 5, "unknown_status_share_warn": 0.5,
                   "examples_per_rule": 40},
        "gx": {"suites": 5, "evaluated": 28, "failed": 1, "docs_path": "data/gx/uncommitted/data_docs/local_site/index.html"},
    }


def test_findings_are_classified_by_rule_and_severity():
    cats = {f["rule"]: classify(f) for f in sample_data()["findings"]}
    assert cats == {
        "repair.leader_spacing": "repairs",
        "layout.duplicate_seq": "quarantined",
        "layout.unknown_header": "mapping",
        "check.unit_type_unknown": "mapping",
        "meaning.completion_over_100": "suspicious",
        "metadata.inferred": "metadata",
        "gx.dim_task.expect_column_values_to_not_be_null.task_text": "checks",
    }
    s = build_summary(sample_data())
    m = s["reports"][0]["summary"]
    assert (m["errors"], m["warnings"], m["infos"], m["quarantined_rows"]) == (1, 4, 1, 1)
    assert len(s["run_level"]) == 1


def test_every_piece_of_text_is_escaped():
    out = render_report(sample_data())
    assert "<script" not in out.lower() and "<img" not in out.lower()
    assert "&lt;script&gt;document.title=&#x27;pwned&#x27;" in out
    assert "&lt;img src=x onerror=" in out
    # self-contained: no external resource, no script, no link to fetch
    assert not re.search(r"<[^>]*\s(src|href)\s*=", out, re.I)
    assert "<svg" in out and "<style>" in out
    for text in ("吉水县", "督办意见", "schemas/mappings/headers.yaml", "schemas/mappings/units.yaml", "无法判断", "run 2"):
        assert text in out


def test_markdown_summary_escapes_table_cells():
    md = render_markdown(sample_data(), "data/reports/quality-run-2.html")
    assert "| warn |" in md  # 1 quarantined row of 131 is under the 5 % that fails a report
    assert "not a task table \\| " in md
    assert "quality-run-2.html" in md


@pytest.mark.slow
@pytest.mark.skipif(browser.chromium() is None, reason="chromium is not installed (make test installs it)")
def test_report_opens_in_chromium_and_planted_script_stays_text(tmp_path: Path):
    page = tmp_path / "report.html"
    page.write_text(render_report(sample_data()), encoding="utf-8")
    dom = browser.dump_dom(page)
    assert "data-pwned" not in dom.split("<body", 1)[1].split(">", 1)[0]  # no attribute set on <body>
    title = re.search(r"<title>(.*?)</title>", dom, re.S).group(1)
    assert "pwned" not in title and "数据质量报告" in title
    assert "&lt;script&gt;document.title='pwned'" in dom  # shown as text
    assert "<img" not in dom.lower() and "<script" not in dom.lower()
    for text in ("吉水县", "Status distribution per report", "History across runs", "Rejected files (1)", "130"):
        assert text in dom
    png = browser.screenshot(page, tmp_path / "report.png")
    assert browser.non_blank_fraction(png) > 0.03


def test_markdown_of_a_capped_report_names_what_it_leaves_out():
    data = sample_data()
    extra = [{**data["reports"][0], "report_key": k, "file_name": f"other-{k}.txt"} for k in (7, 8)]
    data["reports"] = data["reports"] + extra
    data["detailed"] = {1}
    md = render_markdown(data)
    assert "jishui" in md and "other-7.txt" not in md and "other-8.txt" not in md
    assert "The 1 most serious of 3 reports are listed" in md
    s = build_summary(data)
    assert [rep["detailed"] for rep in s["reports"]] == [True, False, False]
