"""The per-run data-quality report: pure functions from rows read out of the warehouse to one HTML string.

Self-contained: inline CSS, charts as inline SVG, no script, no external resource. Every piece of text
taken from the data goes through `esc` (html.escape), so a cell holding `<script>` is shown as text.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from render import escape, palette

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
STATUS_COLORS = palette.STATUS_COLORS  # the tracker's and the spreadsheets' palette
SEVERITY_COLORS = palette.SEVERITY_COLORS

# Finding categories in the order a reviewer acts on them: (key, title, what to do).
CATEGORIES: list[tuple[str, str, str]] = [
    (
        "quarantined",
        "隔离的行（未加载）Rows quarantined (not loaded)",
        "Fix the source row or the reader; the rest of the report was loaded.",
    ),
    (
        "mapping",
        "未知表头和单位 Unknown headers and units",
        "Add the name to the mapping file shown, then re-ingest the report.",
    ),
    (
        "suspicious",
        "可疑数值 Suspicious values",
        "Check the figure against the source; fix the source or the phrase/unit rules.",
    ),
    (
        "metadata",
        "推断的元数据 Inferred metadata",
        "Confirm the value, or add the report to the manifest (sources.yaml).",
    ),
    (
        "checks",
        "仓库检查与 Great Expectations · Warehouse checks and Great Expectations",
        "A failed invariant or expectation over the loaded tables.",
    ),
    ("repairs", "自动修复 Repairs made", "Done automatically; skim them to confirm the repair was right."),
    ("other", "其他发现 Other findings", "Reader and layout notes."),
]
CATEGORY_TITLES = {k: t for k, t, _ in CATEGORIES}


def esc(value: Any) -> str:
    """HTML-escaped text of a value (None → empty); floats shortened to three significant digits."""
    if isinstance(value, float):
        value = f"{value:.3g}" if abs(value) < 1e6 else f"{value:,.0f}"
    return escape.esc(value)


def classify(finding: dict[str, Any]) -> str:
    """The report section of one dq_issue row, by its rule, stage, severity and mapping file."""
    rule = str(finding.get("rule") or "")
    stage = str(finding.get("stage") or rule.split(".", 1)[0])
    if rule.startswith("repair."):
        return "repairs"
    if rule.startswith("meaning."):
        return "suspicious"
    if rule.startswith("metadata."):
        return "metadata"
    if stage in ("check", "gx"):
        return "mapping" if finding.get("mapping_file") else "checks"
    if finding.get("severity") == "error" or rule.startswith("load."):
        return "quarantined"
    if finding.get("mapping_file"):
        return "mapping"
    return "other"


def report_summary(
    report: dict[str, Any], findings: list[dict[str, Any]], status: list[dict[str, Any]], cfg: dict[str, Any]
) -> dict[str, Any]:
    """Counts and a verdict (ok | warn | fail) for one report, with the thresholds of schemas/quality.yaml."""
    by_sev = Counter(f["severity"] for f in findings)
    by_cat = Counter(classify(f) for f in findings)
    quarantined_rows = len(
        {
            (f.get("table_no"), f.get("seq"))
            for f in findings
            if classify(f) == "quarantined" and f.get("seq") is not None
        }
    )
    tasks = int(report.get("task_count") or 0)
    total_rows = tasks + quarantined_rows
    q_share = quarantined_rows / total_rows if total_rows else 0.0
    unknown = sum(s["tasks"] for s in status if s["status_code"] == "unknown")
    unknown_share = unknown / tasks if tasks else 0.0
    warn_rate = 100 * by_sev.get("warning", 0) / tasks if tasks else 0.0
    reasons: list[str] = []
    verdict = "ok"
    if q_share > float(cfg.get("quarantined_share_fail", 0.05)):
        verdict = "fail"
        reasons.append(
            f"{q_share:.1%} of rows quarantined (limit {float(cfg.get('quarantined_share_fail', 0.05)):.0%})"
        )
    elif quarantined_rows:
        verdict = "warn"
        reasons.append(f"{quarantined_rows} row(s) quarantined")
    if by_sev.get("error", 0) and not quarantined_rows:
        verdict = "fail"
        reasons.append(f"{by_sev['error']} error-level finding(s)")
    if warn_rate > float(cfg.get("warnings_per_100_tasks_warn", 5)):
        verdict = "warn" if verdict == "ok" else verdict
        reasons.append(
            f"{warn_rate:.1f} warnings per 100 tasks (limit {cfg.get('warnings_per_100_tasks_warn', 5)})"
        )
    if unknown_share > float(cfg.get("unknown_status_share_warn", 0.5)):
        verdict = "warn" if verdict == "ok" else verdict
        reasons.append(
            f"{unknown_share:.0%} of tasks have status unknown (limit {float(cfg.get('unknown_status_share_warn', 0.5)):.0%})"
        )
    return {
        "errors": by_sev.get("error", 0),
        "warnings": by_sev.get("warning", 0),
        "infos": by_sev.get("info", 0),
        "categories": dict(by_cat),
        "quarantined_rows": quarantined_rows,
        "quarantined_share": q_share,
        "unknown_share": unknown_share,
        "verdict": verdict,
        "reasons": reasons,
    }


VERDICT_RANK = {"fail": 0, "warn": 1, "ok": 2}


def severity_order(summary: dict[str, Any]) -> tuple[int, int, int, int]:
    """Sort key putting the reports a reviewer should open first first: fail, then warn, then by
    quarantined rows, errors and warnings (pure)."""
    return (
        VERDICT_RANK.get(summary["verdict"], 3),
        -summary["quarantined_rows"],
        -summary["errors"],
        -summary["warnings"],
    )


def build_summary(data: dict[str, Any]) -> dict[str, Any]:
    """Group findings and status rows by report and compute each report's summary (pure).

    ``data["summaries"]`` (report key → report_summary), when present, holds summaries computed
    while the findings streamed past; ``data["detailed"]`` (report keys), when present, names the
    reports whose findings were kept to be listed (the others are counted, not listed)."""
    cfg = data.get("config") or {}
    per_report: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    run_level: list[dict[str, Any]] = []
    keys = {r["report_key"] for r in data.get("reports", [])}
    for f in data.get("findings", []):
        if f.get("report_key") in keys:
            per_report[f["report_key"]].append(f)
        else:
            run_level.append(f)
    status: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for s in data.get("status", []):
        status[s["report_key"]].append(s)
    known = data.get("summaries") or {}
    detailed = data.get("detailed")
    reports = []
    for r in data.get("reports", []):
        k = r["report_key"]
        fs = per_report.get(k, [])
        summary = known.get(k) or report_summary(r, fs, status.get(k, []), cfg)
        reports.append(
            {
                "report": r,
                "findings": fs,
                "status": status.get(k, []),
                "summary": summary,
                "detailed": detailed is None or k in detailed,
            }
        )
    return {"reports": reports, "run_level": run_level}


def listed_reports(s: dict[str, Any]) -> list[dict[str, Any]]:
    """The reports whose findings are listed and charted: all of them, or, when the run has more
    than report.reports_detailed, those kept (the most serious first)."""
    listed = [rep for rep in s["reports"] if rep["detailed"]]
    if len(listed) == len(s["reports"]):
        return listed
    return sorted(listed, key=lambda rep: (severity_order(rep["summary"]), rep["report"]["report_key"]))


def render_markdown(data: dict[str, Any], report_path: str | None = None) -> str:
    """The same summary as Markdown, for the Prefect artifact of the run (pipes escaped)."""
    s = build_summary(data)
    run = data.get("run") or {}

    def cell(v: Any) -> str:
        return str("" if v is None else v).replace("|", "\\|").replace("\n", " ")[:200]

    lines = [f"## luoshi data quality, run {cell(run.get('run_key'))}: {cell(run.get('outcome'))}", ""]
    if report_path:
        lines += [f"HTML report: `{cell(report_path)}`", ""]
    lines += [
        "| report | as of | tasks | verdict | errors | warnings | repairs | quarantined rows | unknown headers/units | suspicious | inferred |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    shown = listed_reports(s)
    for rep in shown:
        r, m = rep["report"], rep["summary"]
        c = m["categories"]
        lines.append(
            f"| {cell(r.get('county'))} {cell(r.get('file_name'))} | {cell(r.get('as_of_date'))} | {cell(r.get('task_count'))} | "
            f"{m['verdict']} | {m['errors']} | {m['warnings']} | {c.get('repairs', 0)} | {m['quarantined_rows']} | "
            f"{c.get('mapping', 0)} | {c.get('suspicious', 0)} | {c.get('metadata', 0)} |"
        )
    if not s["reports"]:
        lines.append("| (no report loaded in this run) | | | | | | | | | | |")
    if len(shown) < len(s["reports"]):
        verdicts = Counter(rep["summary"]["verdict"] for rep in s["reports"])
        lines += [
            "",
            f"The {len(shown)} most serious of {len(s['reports'])} reports are listed (ok / warn / fail over all: "
            f"{verdicts.get('ok', 0)} / {verdicts.get('warn', 0)} / {verdicts.get('fail', 0)}); every report is in the HTML report's table.",
        ]
    q = data.get("quarantine") or []
    lines += ["", f"Rejected files: {len(q)}"]
    lines += [f"- {cell(x.get('source_file'))}: {cell(x.get('reason'))}" for x in q]
    gx = data.get("gx") or {}
    if gx.get("skipped"):
        lines += ["", "Checks and Great Expectations: not run (this run loaded no report)"]
    elif "checks_run" in gx:
        lines += [
            "",
            f"Ran: {gx['checks_run']} warehouse checks ({gx.get('check_failures', 0)} rows found) and "
            f"{gx.get('suites', 0)} Great Expectations suites ({gx.get('evaluated', 0)} expectations, {gx.get('failed', 0)} failed) "
            f"on {gx.get('reports_checked', 0)} report(s)",
        ]
    lines += ["", f"Run-level findings (checks, Great Expectations): {len(s['run_level'])}"]
    for rule, n in Counter(f["rule"] for f in s["run_level"]).most_common():
        lines.append(f"- {cell(rule)}: {n}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- charts


def _svg_text(
    x: float,
    y: float,
    text: Any,
    size: int = 12,
    anchor: str = "start",
    fill: str = "#222",
    weight: str = "normal",
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" '
        f'font-weight="{weight}">{esc(text)}</text>'
    )


def status_chart(reports: list[dict[str, Any]], labels: dict[str, str]) -> str:
    """Horizontal stacked bars: share of tasks per status code, one bar per report."""
    if not reports:
        return '<p class="muted">No report to chart.</p>'
    codes = list(STATUS_COLORS)
    left, width, bar_h, gap = 300, 760, 22, 10
    height = 10 + len(reports) * (bar_h + gap)
    legend = "".join(
        f'<span class="chip"><i style="background:{STATUS_COLORS[c]}"></i>{esc(labels.get(c, c))} {esc(c)}</span>'
        for c in codes
    )
    parts = [
        f'<div class="legend status-legend">图例 Legend: {legend}</div><div class="scroll">',
        f'<svg class="chart" role="img" aria-label="status distribution per report" width="{left + width + 40}" '
        f'height="{height}" viewBox="0 0 {left + width + 40} {height}" xmlns="http://www.w3.org/2000/svg">',
    ]
    for i, rep in enumerate(reports):
        r = rep["report"]
        y = 6 + i * (bar_h + gap)
        counts = {s["status_code"]: int(s["tasks"]) for s in rep["status"]}
        total = sum(counts.values())
        parts.append(
            _svg_text(
                left - 8,
                y + bar_h * 0.7,
                f"{r.get('county') or ''} {r.get('as_of_date') or ''} (#{r.get('report_key')})",
                12,
                "end",
            )
        )
        parts.append(f'<rect x="{left}" y="{y}" width="{width}" height="{bar_h}" fill="#f0f0f0"/>')
        x = float(left)
        for code in codes:
            n = counts.get(code, 0)
            if not n or not total:
                continue
            w = width * n / total
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{STATUS_COLORS[code]}">'
                f"<title>{esc(labels.get(code, code))} {esc(code)}: {n}</title></rect>"
            )
            if w > 28:
                parts.append(_svg_text(x + w / 2, y + bar_h * 0.7, n, 11, "middle", "#fff", "bold"))
            x += w
        parts.append(_svg_text(left + width + 4, y + bar_h * 0.7, total, 11))
    parts.append("</svg></div>")
    return "".join(parts)


def rule_history_chart(rule_history: list[dict[str, Any]], runs: list[int]) -> str:
    """Findings per rule (rows) across runs (columns): a bar per cell, length ∝ count within the rule."""
    if not rule_history or not runs:
        return '<p class="muted">No findings recorded yet.</p>'
    rules: dict[str, dict[int, int]] = defaultdict(dict)
    sev: dict[str, int] = {}
    for row in rule_history:
        rules[row["rule"]][int(row["run_key"])] = int(row["findings"])
        sev[row["rule"]] = max(sev.get(row["rule"], 1), int(row["severity_rank"]))
    order = sorted(rules, key=lambda r: (-sev[r], r))
    left, col_w, row_h = 330, 70, 20
    width = left + col_w * len(runs) + 10
    height = 30 + row_h * len(order) + 10
    colors = {3: SEVERITY_COLORS["error"], 2: SEVERITY_COLORS["warning"], 1: SEVERITY_COLORS["info"]}
    legend = "".join(
        f'<span class="chip"><i style="background:{SEVERITY_COLORS[k]}"></i>{esc(palette.SEVERITY_ZH[k])} {esc(k)}</span>'
        for k in ("error", "warning", "info")
    )
    parts = [
        f'<div class="legend severity-legend">图例 Legend: {legend}</div><div class="scroll">',
        f'<svg class="chart" role="img" aria-label="findings per rule across runs" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
    ]
    for j, run in enumerate(runs):
        parts.append(_svg_text(left + j * col_w + col_w / 2, 16, f"run {run}", 11, "middle", weight="bold"))
    for i, rule in enumerate(order):
        y = 26 + i * row_h
        if i % 2 == 0:
            parts.append(f'<rect x="0" y="{y}" width="{width}" height="{row_h}" fill="#fafafa"/>')
        parts.append(_svg_text(left - 8, y + 14, rule, 11, "end", colors[sev[rule]]))
        peak = max(rules[rule].values()) or 1
        for j, run in enumerate(runs):
            n = rules[rule].get(run, 0)
            x = left + j * col_w + 4
            if n:
                w = max(2.0, (col_w - 30) * n / peak)
                parts.append(
                    f'<rect x="{x}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{colors[sev[rule]]}" opacity="0.8">'
                    f"<title>{esc(rule)}, run {run}: {n}</title></rect>"
                )
                parts.append(_svg_text(x + w + 3, y + 14, n, 10))
            else:
                parts.append(_svg_text(x, y + 14, "·", 10, fill="#bbb"))
    parts.append("</svg></div>")
    return "".join(parts)


# ---------------------------------------------------------------------------------------------- HTML

CSS = f"""
body{{font-family:"Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;
margin:24px auto;max-width:1200px;color:#222;line-height:1.45;padding:0 16px}}
h1{{font-size:24px;margin:0 0 4px}}h2{{font-size:19px;border-bottom:2px solid #ddd;padding-bottom:4px;margin-top:32px}}
h3{{font-size:16px;margin:20px 0 6px}}table{{border-collapse:collapse;margin:6px 0 12px;font-size:13px;width:100%}}
th,td{{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}}th{{background:#f3f5f7}}
td.n,th.n{{text-align:right;font-variant-numeric:tabular-nums}}.muted{{color:#777}}
.badge{{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;font-weight:bold}}
.ok{{background:{palette.VERDICT_COLORS["ok"]}}}.warn{{background:{palette.VERDICT_COLORS["warn"]}}}.fail{{background:{palette.VERDICT_COLORS["fail"]}}}
.sev-error{{color:{SEVERITY_COLORS["error"]};font-weight:bold}}.sev-warning{{color:{SEVERITY_COLORS["warning"]}}}.sev-info{{color:{SEVERITY_COLORS["info"]}}}
.kpis{{display:flex;flex-wrap:wrap;gap:10px;margin:10px 0}}.kpi{{border:1px solid #ddd;border-radius:6px;padding:6px 12px;min-width:110px}}
.kpi b{{display:block;font-size:20px}}.report{{border:1px solid #e3e3e3;border-radius:8px;padding:4px 16px 10px;margin:18px 0}}
.hint{{background:#fff8e1;border-left:4px solid #ffb300;padding:4px 10px;margin:4px 0 8px;font-size:13px}}
details summary{{cursor:pointer;margin:4px 0}}code{{background:#f4f4f4;padding:0 3px;border-radius:3px}}
.chart text{{font-family:inherit}}.legend{{font-size:12px;margin:4px 0}}
.chip{{display:inline-block;margin-right:12px;white-space:nowrap}}.chip i{{display:inline-block;width:11px;height:11px;margin-right:4px;vertical-align:-1px}}
*{{box-sizing:border-box}}p,.muted,summary{{overflow-wrap:anywhere}}.scroll{{overflow-x:auto;max-width:100%}}th{{white-space:nowrap;word-break:keep-all}}
.kpi span{{display:block;font-size:12px;color:#555}}td.n{{white-space:nowrap}}code{{overflow-wrap:anywhere}}
@media (max-width:600px){{
body{{margin:12px auto;padding:0 10px}}h1{{font-size:20px}}h2{{font-size:17px}}
.kpis{{gap:6px}}.kpi{{min-width:0;flex:1 1 40%;padding:4px 8px}}.kpi b{{font-size:17px}}
.report{{padding:4px 8px 8px}}
}}
"""


def _table(
    columns: list[tuple[str, str]], rows: list[dict[str, Any]], numeric: set[str] | None = None
) -> str:
    numeric = numeric or set()
    head = "".join(f'<th class="{"n" if k in numeric else ""}">{esc(label)}</th>' for k, label in columns)
    body = []
    for r in rows:
        cells = []
        for k, _ in columns:
            v = r.get(k)
            cls = "n" if k in numeric else (f"sev-{esc(v)}" if k == "severity" else "")
            cells.append(f'<td class="{cls}">{esc(v)}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'


def verdict_badge(verdict: str) -> str:
    return f'<span class="badge {esc(verdict)}">{esc(palette.VERDICT_ZH.get(verdict, verdict))} {esc(verdict)}</span>'


def _kpis(kpis: list[tuple[str, Any]]) -> str:
    """Key figures as cards: the figure, then its label (Chinese, English)."""
    return (
        '<div class="kpis">'
        + "".join(f'<div class="kpi"><b>{esc(v)}</b><span>{esc(k)}</span></div>' for k, v in kpis)
        + "</div>"
    )


def _lines(f: dict[str, Any]) -> str:
    a, b = f.get("line_start"), f.get("line_end")
    if a is None:
        return ""
    return str(a) if b in (None, a) else f"{a}-{b}"


FINDING_COLUMNS = [
    ("where", "table / 序号"),
    ("lines", "lines"),
    ("severity", "severity"),
    ("message", "message"),
]


def _findings_block(
    findings: list[dict[str, Any]], limit: int, with_mapping: bool = False, open_max: int = 1000
) -> str:
    """Findings grouped by rule: a count per rule and up to `limit` example rows."""
    by_rule: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in findings:
        by_rule[f["rule"]].append(f)
    out = []
    for rule in sorted(
        by_rule, key=lambda r: (min(SEVERITY_ORDER.get(f["severity"], 3) for f in by_rule[r]), r)
    ):
        rows = by_rule[rule]
        shown = [
            {
                **f,
                "where": (f"table {f['table_no']}" if f.get("table_no") is not None else "")
                + (f" / {f['seq']}" if f.get("seq") not in (None, "") else ""),
                "lines": _lines(f),
            }
            for f in rows[:limit]
        ]
        cols = FINDING_COLUMNS + ([("mapping_file", "file to edit")] if with_mapping else [])
        more = f'<p class="muted">… and {len(rows) - limit} more</p>' if len(rows) > limit else ""
        out.append(
            f"<details{' open' if len(rows) <= open_max else ''}><summary><code>{esc(rule)}</code>: <b>{len(rows)}</b></summary>{_table(cols, shown)}{more}</details>"
        )
    return "".join(out)


def _mapping_block(findings: list[dict[str, Any]], limit: int) -> str:
    by_file: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in findings:
        by_file[f.get("mapping_file") or "(no mapping file)"].append(f)
    out = []
    for path in sorted(by_file):
        out.append(
            f'<p class="hint">Edit <code>{esc(path)}</code> ({len(by_file[path])} finding(s)), then re-ingest.</p>'
        )
        out.append(_findings_block(by_file[path], limit))
    return "".join(out)


def _report_section(rep: dict[str, Any], limit: int, labels: dict[str, str]) -> str:
    r, m = rep["report"], rep["summary"]
    by_cat: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in rep["findings"]:
        by_cat[classify(f)].append(f)
    status = ", ".join(
        f"{labels.get(s['status_code'], s['status_code'])} {s['tasks']}" for s in rep["status"] if s["tasks"]
    )
    kpis = [
        ("已加载任务 tasks loaded", r.get("task_count")),
        ("进度行 progress rows", r.get("progress_rows")),
        ("指标 metrics", r.get("metric_rows")),
        ("单位关联 unit links", r.get("unit_links")),
        ("领导关联 leader links", r.get("leader_links")),
        ("小节 sections", r.get("sections")),
        ("隔离行 quarantined rows", m["quarantined_rows"]),
        ("错误 errors", m["errors"]),
        ("警告 warnings", m["warnings"]),
        ("提示 info", m["infos"]),
    ]
    parts = [
        f'<section class="report" id="report-{esc(r.get("report_key"))}">',
        f"<h2>{esc(r.get('county'))} {esc(r.get('plan_year'))}年 · 截至 as of {esc(r.get('as_of_date'))} · "
        f"{esc(palette.PERIOD_ZH.get(r.get('period_type'), r.get('period_type')))} {esc(r.get('period_type'))} {verdict_badge(m['verdict'])}</h2>",
        f'<p>{esc(r.get("title") or "")}<br><span class="muted">file {esc(r.get("file_name"))} · report #{esc(r.get("report_key"))} · '
        f"format {esc(r.get('format'))} · metadata from {esc(r.get('metadata_source'))} · sha256 {esc(str(r.get('sha256') or '')[:12])}… · "
        f"source {esc(r.get('source_uri'))}</span></p>",
    ]
    if m["reasons"]:
        parts.append('<p class="hint">' + "; ".join(esc(x) for x in m["reasons"]) + "</p>")
    parts.append(_kpis(kpis))
    parts.append(f"<p>状态 Status: {esc(status) or '<span class=muted>none</span>'}</p>")
    for key, title, todo in CATEGORIES:
        items = by_cat.get(key, [])
        parts.append(f"<h3>{esc(title)} ({len(items)})</h3>")
        if not items:
            parts.append('<p class="muted">无 None.</p>')
            continue
        parts.append(f'<p class="muted">{esc(todo)}</p>')
        if key == "mapping":
            parts.append(_mapping_block(items, limit))
        else:
            parts.append(_findings_block(items, limit, open_max=5 if key == "repairs" else 1000))
    parts.append("</section>")
    return "".join(parts)


OVERVIEW_COLUMNS = [  # (key, header, numeric)
    ("report", "报告 report", False),
    ("file", "文件 file", False),
    ("tasks", "任务 tasks", True),
    ("verdict", "结论 verdict", False),
    ("errors", "错误 errors", True),
    ("warnings", "警告 warnings", True),
    ("repairs", "修复 repairs", True),
    ("quarantined", "隔离行 quarantined rows", True),
    ("mapping", "未知表头/单位 unknown headers / units", True),
    ("suspicious", "可疑数值 suspicious values", True),
    ("inferred", "推断元数据 inferred metadata", True),
]


def overview_table(reports: list[dict[str, Any]]) -> str:
    """One row per report (data-report = its key; every count cell names its column in data-col)."""
    head = "".join(
        f'<th class="{"n" if num else ""}">{esc(label)}</th>' for _, label, num in OVERVIEW_COLUMNS
    )
    body = []
    for rep in reports:
        r, m = rep["report"], rep["summary"]
        c = m["categories"]
        values = {
            "report": f"{r.get('county') or ''} {r.get('plan_year') or ''} · {r.get('as_of_date') or ''}",
            "file": r.get("file_name"),
            "tasks": r.get("task_count"),
            "errors": m["errors"],
            "warnings": m["warnings"],
            "repairs": c.get("repairs", 0),
            "quarantined": m["quarantined_rows"],
            "mapping": c.get("mapping", 0),
            "suspicious": c.get("suspicious", 0),
            "inferred": c.get("metadata", 0),
        }
        cells = []
        for key, _, num in OVERVIEW_COLUMNS:
            if key == "verdict":
                cells.append(
                    f'<td data-col="verdict" data-verdict="{esc(m["verdict"])}">{verdict_badge(m["verdict"])}</td>'
                )
            else:
                cells.append(f'<td class="{"n" if num else ""}" data-col="{key}">{esc(values[key])}</td>')
        body.append(f'<tr data-report="{esc(r.get("report_key"))}">{"".join(cells)}</tr>')
    return f'<div class="scroll"><table class="overview"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'


def render_report(data: dict[str, Any]) -> str:
    """The whole report as one HTML document (pure: data in, string out)."""
    cfg = data.get("config") or {}
    limit = int(cfg.get("examples_per_rule", 40))
    labels = data.get("status_labels") or {}
    s = build_summary(data)
    run = data.get("run") or {}
    history = data.get("history") or []
    runs = [int(h["run_key"]) for h in history]
    generated = data.get("generated_at") or datetime.now()
    stamp = generated.isoformat(timespec="seconds") if isinstance(generated, datetime) else generated
    verdicts = Counter(rep["summary"]["verdict"] for rep in s["reports"])
    title = f"luoshi 数据质量报告 · data quality · run {run.get('run_key', '')}"
    p: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
        f'<p class="muted">生成于 generated {esc(stamp)} '
        f"from the warehouse · 流程 flow {esc(run.get('flow_name'))} · 开始 started {esc(run.get('started_at'))} · 结果 outcome "
        f"<b>{esc(run.get('outcome'))}</b></p>",
    ]
    if data.get("all_reports"):
        p.append(
            '<p class="hint">本次运行未加载报告，列出仓库中的全部报告。This run loaded no report: every report in the warehouse is listed.</p>'
        )
    kpis = [
        ("读取文件 files seen", run.get("files_seen")),
        ("加载报告 reports loaded", run.get("reports_loaded")),
        ("跳过（内容相同）skipped (same content)", run.get("reports_skipped")),
        ("拒收文件 files rejected", len(data.get("quarantine") or [])),
        ("加载任务 tasks loaded", run.get("tasks_loaded")),
        (
            "通过 / 需注意 / 不通过 ok / warn / fail",
            f"{verdicts.get('ok', 0)} / {verdicts.get('warn', 0)} / {verdicts.get('fail', 0)}",
        ),
        ("秒 seconds", run.get("seconds")),
    ]
    p.append(_kpis(kpis))
    # overview
    p.append(
        "<h2>报告一览 Reports in this run</h2>"
        if not data.get("all_reports")
        else "<h2>报告一览 Reports in the warehouse</h2>"
    )
    if s["reports"]:
        p.append(overview_table(s["reports"]))
    else:
        p.append('<p class="muted">本次运行未加载报告。No report was loaded in this run.</p>')
    listed = listed_reports(s)
    if len(listed) < len(s["reports"]):
        p.append(
            f'<p class="hint">{len(s["reports"])} reports: each is counted in the table above; the findings and the status '
            f"chart below are those of the {len(listed)} most serious (fail, then warn, then most quarantined rows, errors "
            f"and warnings; <code>report.reports_detailed</code> in <code>schemas/quality.yaml</code>). The others' findings "
            f'are in the warehouse: <code>luoshi sql "SELECT * FROM dq_issue WHERE report_key = …"</code>.</p>'
        )
    p.append("<h3>各报告状态分布 Status distribution per report</h3>")
    p.append(status_chart(listed, labels))
    # rejected files
    q = data.get("quarantine") or []
    p.append(f"<h2>拒收文件 Rejected files ({len(q)})</h2>")
    if q:
        p.append(
            '<p class="muted">Nothing of these files was loaded. Fix the file or the reader, or add it to the manifest, and ingest it again.</p>'
        )
        p.append(
            _table(
                [("source_file", "file"), ("reason", "reason"), ("sha256", "sha256"), ("created_at", "when")],
                q,
            )
        )
    else:
        p.append('<p class="muted">None.</p>')
    # per report
    for rep in listed:
        p.append(_report_section(rep, limit, labels))
    # run level
    p.append(f"<h2>仓库检查与 Great Expectations · Warehouse checks ({len(s['run_level'])})</h2>")
    gx = data.get("gx") or {}
    if gx.get("skipped"):
        p.append(
            '<p class="muted">Not run: this run loaded no report, so the warehouse is as the last checks found it.</p>'
        )
    elif "evaluated" in gx:
        if "checks_run" in gx:
            p.append(
                f"<p>Warehouse checks: {esc(gx['checks_run'])} run, {esc(gx.get('check_failures', 0))} rows found, over the "
                f"{esc(gx.get('reports_checked', 0))} report(s) this run loaded.</p>"
            )
        p.append(
            f"<p>Great Expectations: {esc(gx.get('suites', 0))} suite(s), {esc(gx.get('evaluated', 0))} expectations evaluated, "
            f"{esc(gx.get('failed', 0))} failed. Data Docs: <code>{esc(gx.get('docs_path'))}</code></p>"
        )
    elif gx.get("docs_path"):
        p.append(
            f"<p>Great Expectations failures are listed below as <code>gx.*</code> findings. "
            f"Data Docs: <code>{esc(gx['docs_path'])}</code></p>"
        )
    if s["run_level"]:
        p.append(_findings_block(s["run_level"], limit, with_mapping=True))
    else:
        p.append(
            '<p class="muted">Every warehouse check returned zero rows and every expectation passed.</p>'
        )
    # history
    p.append("<h2>历次运行 History across runs</h2>")
    p.append(
        '<p class="muted">Findings recorded per run (a report replaced by a newer version keeps only its newest findings).</p>'
    )
    if history:
        p.append(
            _table(
                [
                    ("run_key", "run"),
                    ("started_at", "started"),
                    ("outcome", "outcome"),
                    ("files_seen", "files"),
                    ("reports_loaded", "loaded"),
                    ("reports_skipped", "skipped"),
                    ("reports_failed", "failed"),
                    ("files_rejected", "rejected files"),
                    ("tasks_loaded", "tasks"),
                    ("errors", "errors"),
                    ("warnings", "warnings"),
                    ("infos", "info"),
                ],
                history,
                {
                    "run_key",
                    "files_seen",
                    "reports_loaded",
                    "reports_skipped",
                    "reports_failed",
                    "files_rejected",
                    "tasks_loaded",
                    "errors",
                    "warnings",
                    "infos",
                },
            )
        )
    p.append("<h3>各规则历次发现 Findings per rule across runs</h3>")
    p.append(rule_history_chart(data.get("rule_history") or [], runs))
    p.append(
        '<p class="muted">Thresholds and severities: <code>schemas/quality.yaml</code>. Mapping files: '
        "<code>schemas/mappings/</code>. Regenerate: <code>luoshi report</code>.</p>"
    )
    p.append("</body></html>")
    return "\n".join(p)
