"""The tracker site (pure): warehouse rows → self-contained HTML pages (inline CSS, inline SVG, one
small inlined script on list pages, nothing loaded from the network). Every piece of report text goes
through ``esc``.

Pages: ``index.html`` (every county and plan year), ``<county_key>-<plan_year>.html`` (status counts
with a chart, the task list, scorecards per unit and leader), ``tasks/<task_key>.html`` (one task:
text, targets and results, status over time with evidence and source report, last and next year's
version with both statuses), ``leaders.html`` and ``units.html`` with a page per leader and unit of a
county (``leaders/<county_key>-<leader_key>.html``, ``units/…``), and ``compare-<county_key>.html``
(a county's plan years side by side, from v_year_over_year).

Lists can be filtered (status, leader, unit, text) and sorted by a click on a column header; the
script that does it is inlined, so it works from ``file://``, and without it the page reads as
rendered. Below 600 px wide task lists turn into cards and other tables scroll in their own box.
Status colours come from render/palette.py, as in the quality report and the spreadsheets.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from render import palette
from render.escape import esc

Row = Mapping[str, Any]

# one palette for the site, the quality report and the spreadsheets (render/palette.py)
STATUS_COLORS = palette.STATUS_COLORS
OUTCOME_ZH = palette.OUTCOME_ZH
PERIOD_ZH = palette.PERIOD_ZH
STATUS_ORDER = list(palette.STATUS)

CSS = """
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{font-family:"Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei","PingFang SC",sans-serif;margin:0;color:#222;background:#fafafa;line-height:1.55;overflow-wrap:break-word}
header.top{background:#8b1a1a;color:#fff;padding:10px 24px}
header.top a{color:#fff;text-decoration:none;font-weight:bold}
header.top nav{display:inline-block;margin-left:16px;font-size:.9em}
header.top nav a{font-weight:normal;margin-right:12px}
main{max-width:1100px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:1.5em;margin:.4em 0}
h2{font-size:1.2em;border-bottom:2px solid #8b1a1a;padding-bottom:4px;margin-top:1.6em}
.scroll{overflow-x:auto;max-width:100%;margin:6px 0}
table{border-collapse:collapse;width:100%;background:#fff;font-size:.92em}
th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
td{overflow-wrap:anywhere}
th{background:#f1ece4;white-space:nowrap;word-break:keep-all}
th button.sort{all:unset;cursor:pointer}
th button.sort::after{content:" \\2195";color:#999}
th[aria-sort=ascending] button.sort::after{content:" \\2191";color:#222}
th[aria-sort=descending] button.sort::after{content:" \\2193";color:#222}
td.date{white-space:nowrap}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:.85em;white-space:nowrap}
.muted{color:#666;font-size:.9em}
.task-text{background:#fff;border-left:4px solid #8b1a1a;padding:8px 12px;margin:8px 0;white-space:pre-wrap}
.progress{white-space:pre-wrap}
nav.crumbs{font-size:.9em;margin:6px 0}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:8px 0}
dl.facts dt{font-weight:bold;color:#555}
dl.facts dd{margin:0;min-width:0}
.chart{background:#fff;border:1px solid #ddd;padding:8px;margin:8px 0}
svg.status-chart,svg.mix{max-width:100%;height:auto}
.legend{font-size:.85em;margin:6px 0;display:flex;flex-wrap:wrap;gap:4px 14px}
.legend span{white-space:nowrap}
.legend i{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:4px;vertical-align:-1px}
form.filters{display:flex;flex-wrap:wrap;gap:6px 12px;align-items:end;background:#fff;border:1px solid #ddd;padding:8px;margin:8px 0}
form.filters[hidden]{display:none}
form.filters label{display:flex;flex-direction:column;font-size:.85em;color:#555}
form.filters select,form.filters input{font:inherit;font-size:.95em;padding:2px 4px;max-width:14em}
form.filters output{font-size:.9em;color:#555}
ul.links{padding-left:1.2em}
footer{color:#888;font-size:.85em;margin-top:32px}
@media (max-width:600px){
header.top{padding:8px 12px}
header.top nav{display:block;margin:4px 0 0}
main{padding:10px 12px 32px}
h1{font-size:1.25em}
dl.facts{grid-template-columns:1fr;gap:0}
dl.facts dd{margin-bottom:6px}
table.cards,table.cards tbody,table.cards tr,table.cards td{display:block;width:100%}
table.cards thead{display:none}
table.cards tr{border:1px solid #ddd;border-radius:6px;margin:0 0 8px;background:#fff;padding:4px 0}
table.cards td{border:none;padding:2px 10px;text-align:left;white-space:normal}
table.cards td[data-label]::before{content:attr(data-label) "：";color:#666;font-size:.9em}
table.cards tr.table-head th{display:block;white-space:normal}
form.filters label{flex:1 1 40%}
form.filters select,form.filters input{max-width:100%;width:100%}
}
"""

# The inlined script of every list page: filter rows by the selects and the text box of the form
# before the table, and sort by a click on a column header. Without script the form stays hidden
# and the table reads as rendered.
SCRIPT = """
(function(){
function cellKey(td,num){var v=td?(td.getAttribute('data-sort')||td.textContent.trim()):'';
if(num){var x=parseFloat(v.replace(/[,%]/g,''));return isNaN(x)?-Infinity:x;}return v;}
document.querySelectorAll('table[data-list]').forEach(function(table){
var form=document.getElementById(table.getAttribute('data-list'));var body=table.tBodies[0];
var rows=Array.prototype.slice.call(body.rows).filter(function(r){return !r.classList.contains('table-head');});
function apply(){var text=form.elements.q.value.trim().toLowerCase();var shown=0;
var sels=form.querySelectorAll('select[data-key]');
rows.forEach(function(r){var ok=true;
sels.forEach(function(s){if(s.value&&('|'+(r.getAttribute('data-f-'+s.getAttribute('data-key'))||'')+'|').indexOf('|'+s.value+'|')<0)ok=false;});
if(ok&&text&&r.textContent.toLowerCase().indexOf(text)<0)ok=false;
r.hidden=!ok;if(ok)shown++;});
body.querySelectorAll('tr.table-head').forEach(function(h){var n=h.nextElementSibling,any=false;
while(n&&!n.classList.contains('table-head')){if(!n.hidden)any=true;n=n.nextElementSibling;}h.hidden=!any;});
form.querySelector('output').textContent='显示 '+shown+' / '+rows.length+' 项 shown';}
form.addEventListener('input',apply);form.addEventListener('change',apply);
form.addEventListener('reset',function(){setTimeout(apply,0);});
form.addEventListener('submit',function(e){e.preventDefault();});
var heads=table.tHead?table.tHead.rows[0].cells:[];
Array.prototype.forEach.call(heads,function(th,i){var b=document.createElement('button');b.type='button';b.className='sort';
while(th.firstChild)b.appendChild(th.firstChild);th.appendChild(b);
b.addEventListener('click',function(){var asc=th.getAttribute('aria-sort')!=='ascending';
Array.prototype.forEach.call(heads,function(o){o.removeAttribute('aria-sort');});th.setAttribute('aria-sort',asc?'ascending':'descending');
var num=th.classList.contains('n');
body.querySelectorAll('tr.table-head').forEach(function(h){h.hidden=true;});
rows.slice().sort(function(a,b){var x=cellKey(a.cells[i],num),y=cellKey(b.cells[i],num);
var c=num?(x-y):String(x).localeCompare(String(y),'zh-CN',{numeric:true});return asc?c:-c;})
.forEach(function(r){body.appendChild(r);});});});
var sort=form.querySelector('select[name=sort]');
if(sort){Array.prototype.forEach.call(heads,function(th,i){var o=document.createElement('option');o.value=i;o.textContent=th.textContent.replace(/[\\u2191\\u2193\\u2195]/g,'').trim();sort.appendChild(o);});
sort.addEventListener('change',function(){if(sort.value!=='')heads[+sort.value].querySelector('button').click();});}
form.hidden=false;apply();});
})();
"""


def fmt_num(value: Any, digits: int = 2) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.{digits}f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def pct(value: Any) -> str:
    return "" if value is None else f"{float(value) * 100:.1f}%"


def county_page(county_key: Any, plan_year: Any) -> str:
    return f"{int(county_key)}-{int(plan_year)}.html"


def task_page(task_key: Any) -> str:
    return f"tasks/{int(task_key)}.html"


def task_seq(row: Row, prefix: str = "") -> str:
    """A task's 序号 as the site shows it: ``2``, or ``2.1`` for the first further target of item 2."""
    sub = row.get(f"{prefix}sub_seq") or 0
    seq = row[f"{prefix}seq"]
    return f"{seq}.{sub}" if sub else f"{seq}"


def shorten(text: str | None, n: int = 60) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def safe_href(url: str | None) -> str | None:
    """Only http(s) links to a report's source; anything else is shown as text."""
    if url and url.lower().startswith(("http://", "https://")):
        return esc(url)
    return None


def leader_page(county_key: Any, leader_key: Any) -> str:
    return f"leaders/{int(county_key)}-{int(leader_key)}.html"


def unit_page(county_key: Any, unit_key: Any) -> str:
    return f"units/{int(county_key)}-{int(unit_key)}.html"


def compare_page(county_key: Any) -> str:
    return f"compare-{int(county_key)}.html"


def badge(status_code: str | None, label: str | None = None) -> str:
    code = status_code or "unknown"
    label = label or palette.STATUS_ZH.get(code, code)
    return f'<span class="badge status-{esc(code)}" style="background:{palette.status_color(code)}">{esc(label)}</span>'


def change_badge(change: str | None) -> str:
    zh, en, color = palette.CHANGE.get(str(change), (change, change, palette.UNKNOWN_COLOR))
    return f'<span class="badge change-{esc(change)}" style="background:{color}" title="{esc(en)}">{esc(zh)}</span>'


def legend() -> str:
    """What each status colour means (every page whose colours carry meaning shows it)."""
    chips = "".join(
        f'<span data-status="{esc(code)}"><i style="background:{color}"></i>{esc(zh)} {esc(en)}</span>'
        for code, (zh, en, color) in palette.STATUS.items()
    )
    return f'<div class="legend status-legend" aria-label="状态图例 status legend">图例 Legend: {chips}</div>'


def change_legend() -> str:
    chips = "".join(
        f'<span data-change="{esc(code)}"><i style="background:{color}"></i>{esc(zh)} {esc(en)}</span>'
        for code, (zh, en, color) in palette.CHANGE.items()
    )
    return f'<div class="legend change-legend" aria-label="年度变化图例 change legend">变化 Change: {chips}</div>'


def page(title: str, body: str, depth: int = 0, script: bool = False) -> str:
    """One HTML document with the inline style sheet (and the list script when the page has lists)."""
    root = "../" * depth
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
        f'<header class="top"><a href="{root}index.html">落实 luoshi · 政府工作报告任务落实跟踪</a>'
        f'<nav><a href="{root}leaders.html">责任领导 Leaders</a><a href="{root}units.html">责任单位 Units</a></nav></header>'
        f"<main>{body}<footer>由 luoshi 从数据仓库生成 · generated by luoshi from the warehouse</footer></main>"
        + (f"<script>{SCRIPT}</script>" if script else "")
        + "</body></html>\n"
    )


def status_chart_svg(counts: Sequence[Row], width: int = 640) -> str:
    """Horizontal bar chart of tasks per status (rows of v_status_counts, in display order); it
    scales down with the page (viewBox)."""
    row_h, label_w, pad = 28, 150, 8
    bar_max = width - label_w - 70
    top = max([int(c["tasks"]) for c in counts] + [1])
    height = pad * 2 + row_h * len(counts)
    parts = [
        f'<svg class="status-chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="各状态任务数 tasks per status">'
    ]
    for i, c in enumerate(counts):
        y = pad + i * row_h
        n = int(c["tasks"])
        w = round(bar_max * n / top) if n else 0
        color = palette.status_color(c["status_code"])
        parts.append(
            f'<g data-status="{esc(c["status_code"])}">'
            f'<text x="{label_w - 8}" y="{y + 18}" text-anchor="end" font-size="14">{esc(c["label_zh"])}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{w}" height="{row_h - 8}" fill="{color}"/>'
            f'<text class="count" x="{label_w + w + 6}" y="{y + 18}" font-size="14">{n}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def stacked_bar_svg(counts: Sequence[Row], width: int = 240, height: int = 16) -> str:
    """A one-line stacked bar of the status mix (rows with status_code and tasks)."""
    total = sum(int(c["tasks"]) for c in counts) or 1
    x = 0.0
    parts = [
        f'<svg class="mix" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="状态分布 status mix">'
    ]
    for c in counts:
        w = width * int(c["tasks"]) / total
        if w > 0:
            code = str(c["status_code"])
            parts.append(
                f'<rect x="{x:.2f}" y="0" width="{w:.2f}" height="{height}" fill="{palette.status_color(code)}">'
                f"<title>{esc(c.get('label_zh') or palette.STATUS_ZH.get(code, code))} {int(c['tasks'])}</title></rect>"
            )
            x += w
    parts.append("</svg>")
    return "".join(parts)


@dataclass
class SiteData:
    """Everything the site shows, as rows of the analyst views (see cli/export.py)."""

    status_counts: list[Row]  # v_status_counts
    reports: list[
        Row
    ]  # county_key, plan_year, report_key, as_of_date, period_type, title, file_name, source_uri
    tasks: list[Row]  # v_task_latest
    history: list[Row]  # fct_task_progress × dim_report, per task and report
    metrics: list[Row]  # v_target_actual
    unit_scores: list[Row]  # v_scorecard_unit
    leader_scores: list[Row]  # v_scorecard_leader
    links: list[Row] = field(default_factory=list)  # task_key, other_task_key, other_plan_year, other_text, …
    people: list[Row] = field(default_factory=list)  # task_key, kind (leader | unit), person_key, name, role
    yoy: list[Row] = field(default_factory=list)  # v_year_over_year
    yoy_county: list[Row] = field(default_factory=list)  # v_year_over_year_county


def _group(rows: Iterable[Row], *keys: str) -> dict[tuple, list[Row]]:
    out: dict[tuple, list[Row]] = defaultdict(list)
    for r in rows:
        out[tuple(r[k] for k in keys)].append(r)
    return out


def _table(
    headers: Sequence[tuple[str, bool]], rows: Iterable[str], cls: str = "", list_id: str | None = None
) -> str:
    """A table in a box of its own that scrolls sideways when the screen is narrower than it."""
    head = "".join(f'<th class="n">{esc(h)}</th>' if num else f"<th>{esc(h)}</th>" for h, num in headers)
    attr = f' data-list="{esc(list_id)}"' if list_id else ""
    return (
        f'<div class="scroll"><table class="{cls}"{attr}><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _td(label: str, content: str, cls: str = "", sort: Any = None) -> str:
    """A cell that names its column on a phone, where a task list turns into cards."""
    c = f' class="{cls}"' if cls else ""
    s = f' data-sort="{esc(sort)}"' if sort is not None else ""
    return f'<td{c} data-label="{esc(label)}"{s}>{content}</td>'


def filter_form(list_id: str, selects: Sequence[tuple[str, str, Sequence[tuple[str, str]]]]) -> str:
    """The filter bar of a list: selects (key, label, [(value, text)]), a text box, a sort choice and
    the count shown. Hidden until the page's script runs, so a page without script shows no dead controls."""
    parts = [f'<form class="filters" id="{esc(list_id)}" hidden role="search">']
    for key, label, options in selects:
        opts = "".join(f'<option value="{esc(v)}">{esc(t)}</option>' for v, t in options)
        parts.append(
            f'<label>{esc(label)}<select data-key="{esc(key)}" name="{esc(key)}"><option value="">全部 all</option>{opts}</select></label>'
        )
    parts.append('<label>查找 Search<input type="search" name="q" placeholder="任务、单位、领导…"></label>')
    parts.append('<label>排序 Sort<select name="sort"><option value="">—</option></select></label>')
    parts.append('<button type="reset">清除 Clear</button><output aria-live="polite"></output></form>')
    return "".join(parts)


def _status_options(codes: Iterable[str]) -> list[tuple[str, str]]:
    present = set(codes)
    return [(c, f"{zh} {en}") for c, (zh, en, _) in palette.STATUS.items() if c in present]


def _names_options(names: Iterable[str]) -> list[tuple[str, str]]:
    return [(n, n) for n in sorted(set(names))]


def _f(values: Iterable[Any]) -> str:
    return esc("|".join(str(v) for v in values if v not in (None, "")))


class People:
    """Leaders and units per task (from the bridges of the task's latest report), with page links."""

    def __init__(self, data: SiteData) -> None:
        self.by_task: dict[Any, dict[str, list[Row]]] = defaultdict(lambda: {"leader": [], "unit": []})
        for p in data.people:
            self.by_task[p["task_key"]][p["kind"]].append(p)
        self.county_of = {t["task_key"]: t["county_key"] for t in data.tasks}

    def names(self, task_key: Any, kind: str) -> list[str]:
        seen: list[str] = []
        for p in self.by_task.get(task_key, {}).get(kind, []):
            if p["name"] not in seen:
                seen.append(p["name"])
        return seen

    def links(self, task_key: Any, kind: str, depth: int) -> str:
        root = "../" * depth
        ck = self.county_of.get(task_key)
        out, seen = [], set()
        for p in self.by_task.get(task_key, {}).get(kind, []):
            if p["person_key"] in seen or ck is None:
                continue
            seen.add(p["person_key"])
            href = leader_page(ck, p["person_key"]) if kind == "leader" else unit_page(ck, p["person_key"])
            out.append(f'<a href="{root}{href}">{esc(p["name"])}</a>')
        return "、".join(out)


def task_list(tasks: Sequence[Row], people: People, list_id: str, depth: int, with_year: bool = False) -> str:
    """A filterable, sortable task list (cards on a phone) with its filter bar."""
    root = "../" * depth
    rows = []
    for t in tasks:
        leaders, units = people.names(t["task_key"], "leader"), people.names(t["task_key"], "unit")
        leader_html = people.links(t["task_key"], "leader", depth) or esc(t["leaders"])
        unit_html = people.links(t["task_key"], "unit", depth) or esc(
            t["lead_units"] or t["responsible_units"]
        )
        where = f"表{esc(t['table_no'])}-{esc(task_seq(t))}"
        cells = ([_td("年度", f"{esc(t['plan_year'])}年", "n")] if with_year else []) + [
            _td(
                "表-序号",
                where,
                "n",
                f"{int(t['table_no']):04d}{int(t['seq']):05d}{int(t.get('sub_seq') or 0):03d}",
            ),
            _td(
                "任务",
                f'<a href="{root}{task_page(t["task_key"])}">{esc(shorten(t["project"] or t["task_text"]))}</a>',
            ),
            _td("状态", badge(t["status_code"], t["status_label_zh"]), sort=t.get("status_order")),
            _td("责任领导", leader_html),
            _td("牵头/责任单位", unit_html),
            _td("截止日期", esc(t["as_of_date"]), "date"),
        ]
        rows.append(
            f'<tr data-task="{int(t["task_key"])}" data-f-status="{esc(t["status_code"] or "unknown")}" '
            f'data-f-leader="{_f(leaders or [t["leaders"]])}" data-f-unit="{_f(units)}">{"".join(cells)}</tr>'
        )
    heads = ([("年度", True)] if with_year else []) + [
        ("表-序号", True),
        ("任务", False),
        ("状态", False),
        ("责任领导", False),
        ("牵头/责任单位", False),
        ("截止日期", False),
    ]
    all_leaders = [
        n
        for t in tasks
        for n in (people.names(t["task_key"], "leader") or ([t["leaders"]] if t["leaders"] else []))
    ]
    all_units = [n for t in tasks for n in people.names(t["task_key"], "unit")]
    form = filter_form(
        list_id,
        [
            ("status", "状态 Status", _status_options(t["status_code"] or "unknown" for t in tasks)),
            ("leader", "责任领导 Leader", _names_options(all_leaders)),
            ("unit", "责任单位 Unit", _names_options(all_units)),
        ],
    )
    return form + _table(heads, rows, "tasks cards", list_id)


def _counts(tasks: Iterable[Row]) -> list[dict[str, Any]]:
    c = Counter(t["status_code"] or "unknown" for t in tasks)
    return [
        {"status_code": code, "label_zh": palette.STATUS_ZH[code], "tasks": c.get(code, 0)}
        for code in STATUS_ORDER
    ]


def _count_cells(by: Mapping[str, int]) -> str:
    return "".join(
        f'<td class="n" data-label="{esc(palette.STATUS_ZH[c])}" data-col="{c}">{int(by.get(c, 0))}</td>'
        for c in STATUS_ORDER
    )


STATUS_HEADS = [(palette.STATUS_ZH[c], True) for c in STATUS_ORDER]


def render_index(data: SiteData) -> str:
    years = _group(data.status_counts, "county_key", "county_name", "plan_year")
    reports = _group(data.reports, "county_key", "plan_year")
    compared = {r["county"] for r in data.yoy_county}
    rows = []
    counties: dict[Any, str] = {}
    for (ck, cname, year), counts in sorted(years.items(), key=lambda kv: (kv[0][1], kv[0][2])):
        counties[ck] = cname
        total = sum(int(c["tasks"]) for c in counts)
        by = {c["status_code"]: int(c["tasks"]) for c in counts}
        reps = reports.get((ck, year), [])
        latest = max((r["as_of_date"] for r in reps), default=None)
        rows.append(
            f'<tr data-county="{esc(cname)}" data-year="{esc(year)}">'
            f'<td data-label="县区 · 年度"><a href="{county_page(ck, year)}">{esc(cname)} {esc(year)}年</a></td>'
            f'<td class="n total" data-label="任务数">{total}</td>{_count_cells(by)}'
            f'<td class="n" data-label="报告数">{len(reps)}</td><td class="date" data-label="最近截止日期">{esc(latest)}</td>'
            f'<td data-label="状态分布">{stacked_bar_svg(counts)}</td></tr>'
        )
    compare_links = "".join(
        f'<li><a href="{compare_page(ck)}">{esc(cname)} 年度对比 year over year</a></li>'
        for ck, cname in sorted(counties.items(), key=lambda kv: kv[1])
        if cname in compared
    )
    body = (
        "<h1>政府工作报告任务落实跟踪</h1>"
        '<p class="muted">每个县区每个计划年度一页：各状态任务数、责任单位与领导的记分卡、每项任务的落实情况。'
        " One page per county and plan year: tasks per status, scorecards, and every task.</p>"
        + legend()
        + _table(
            [
                ("县区 · 年度", False),
                ("任务数", True),
                *STATUS_HEADS,
                ("报告数", True),
                ("最近截止日期", False),
                ("状态分布", False),
            ],
            rows,
            "years cards",
        )
        + (f'<h2>年度对比 Year over year</h2><ul class="links">{compare_links}</ul>' if compare_links else "")
        + '<h2>按人查看 By person</h2><ul class="links"><li><a href="leaders.html">责任领导 Leaders</a></li>'
        '<li><a href="units.html">责任单位 Units</a></li></ul>'
    )
    return page("政府工作报告任务落实跟踪 · luoshi", body)


def _scorecard(
    rows: Sequence[Row], name_col: str, name_head: str, type_col: str | None, href: Any = None
) -> str:
    heads = (
        [(name_head, False)]
        + ([("类型", False)] if type_col else [])
        + [
            ("任务数", True),
            ("已完成", True),
            ("推进中", True),
            ("持续推进", True),
            ("滞后", True),
            ("未启动", True),
            ("无法判断", True),
            ("达标指标", True),
            ("未达标指标", True),
            ("平均完成率", True),
        ]
    )
    out = []
    for r in sorted(rows, key=lambda r: (-int(r["tasks"]), str(r[name_col]))):
        name = esc(r[name_col])
        if href is not None:
            name = f'<a href="{href(r)}">{name}</a>'
        cells = [f'<td data-label="{esc(name_head)}">{name}</td>'] + (
            [f'<td data-label="类型">{esc(palette.code_label("unit_type", r[type_col]))}</td>']
            if type_col
            else []
        )
        for col in (
            "tasks",
            "completed",
            "in_progress",
            "ongoing",
            "behind",
            "not_started",
            "unknown",
            "metrics_met",
            "metrics_short",
        ):
            cells.append(f'<td class="n" data-col="{col}">{int(r[col])}</td>')
        cells.append(f'<td class="n">{pct(r["mean_achievement"])}</td>')
        out.append(f'<tr data-name="{esc(r[name_col])}">{"".join(cells)}</tr>')
    return _table(heads, out, "scorecard")


def render_county_year(data: SiteData, county_key: Any, plan_year: Any, people: People | None = None) -> str:
    people = people or People(data)
    counts = sorted(
        (c for c in data.status_counts if c["county_key"] == county_key and c["plan_year"] == plan_year),
        key=lambda c: c["sort_order"],
    )
    cname = counts[0]["county_name"] if counts else ""
    total = sum(int(c["tasks"]) for c in counts)
    reps = sorted(
        (r for r in data.reports if r["county_key"] == county_key and r["plan_year"] == plan_year),
        key=lambda r: r["as_of_date"],
    )
    tasks = sorted(
        (t for t in data.tasks if t["county_key"] == county_key and t["plan_year"] == plan_year),
        key=lambda t: (t["table_no"], t["seq"], t.get("sub_seq") or 0),
    )
    status_rows = [
        f'<tr data-status="{esc(c["status_code"])}"><td>{badge(c["status_code"], c["label_zh"])}</td>'
        f'<td>{esc(c["label_en"])}</td><td class="n count">{int(c["tasks"])}</td><td class="n">{pct(c["share"])}</td></tr>'
        for c in counts
    ]
    report_rows = [
        f"<tr><td class='date'>{esc(r['as_of_date'])}</td><td>{esc(PERIOD_ZH.get(r['period_type'], r['period_type']))}</td>"
        f"<td>{esc(r['title'] or r['file_name'])}</td><td class='n'>{esc(r['task_count'])}</td></tr>"
        for r in reps
    ]
    units = [u for u in data.unit_scores if u["county_name"] == cname and u["plan_year"] == plan_year]
    leaders = [u for u in data.leader_scores if u["county_name"] == cname and u["plan_year"] == plan_year]
    other_years = sorted(
        {c["plan_year"] for c in data.status_counts if c["county_key"] == county_key} - {plan_year}
    )
    nav_years = " · ".join(f'<a href="{county_page(county_key, y)}">{esc(y)}年</a>' for y in other_years)
    compare = (
        f' · <a href="{compare_page(county_key)}">年度对比 year over year</a>'
        if any(r["county"] == cname for r in data.yoy_county)
        else ""
    )
    body = (
        f'<nav class="crumbs"><a href="index.html">全部县区</a> › {esc(cname)} {esc(plan_year)}年'
        + (f" · 其他年度 {nav_years}" if nav_years else "")
        + compare
        + "</nav>"
        f"<h1>{esc(cname)} {esc(plan_year)}年政府工作报告任务落实情况</h1>"
        f'<p>共 <strong id="task-total">{total}</strong> 项任务，'
        f'已完成 <strong id="completed-total">{sum(int(c["tasks"]) for c in counts if c["status_code"] == "completed")}</strong> 项，'
        f'滞后 <strong id="behind-total">{sum(int(c["tasks"]) for c in counts if c["status_code"] == "behind")}</strong> 项，'
        f'未启动 <strong id="not-started-total">{sum(int(c["tasks"]) for c in counts if c["status_code"] == "not_started")}</strong> 项'
        f"（按每项任务最近一期报告）。</p>"
        + legend()
        + "<h2>任务 Tasks</h2>"
        + task_list(tasks, people, "f-tasks", 0)
        + "<h2>各状态任务数 Tasks per status</h2>"
        f'<div class="chart">{status_chart_svg(counts)}</div>'
        + _table(
            [("状态", False), ("status", False), ("任务数", True), ("占比", True)],
            status_rows,
            "status-counts",
        )
        + "<h2>报告 Reports</h2>"
        + _table(
            [("截止日期", False), ("类型", False), ("报告", False), ("任务数", True)], report_rows, "reports"
        )
        + "<h2>责任单位记分卡 Scorecard per unit</h2>"
        + _scorecard(units, "unit_name", "单位", "unit_type", lambda r: unit_page(county_key, r["unit_key"]))
        + "<h2>责任领导记分卡 Scorecard per leader</h2>"
        + _scorecard(
            leaders, "leader_name", "责任领导", None, lambda r: leader_page(county_key, r["leader_key"])
        )
    )
    return page(f"{cname} {plan_year}年 任务落实 · luoshi", body, script=True)


def render_person(
    data: SiteData, people: People, kind: str, county_key: Any, person_key: Any, tasks: Sequence[Row]
) -> str:
    """A page per leader or unit of a county: their tasks of every plan year and the status counts."""
    name = next(
        p["name"] for t in tasks for p in people.by_task[t["task_key"]][kind] if p["person_key"] == person_key
    )
    cname = tasks[0]["county_name"]
    what = "责任领导 Leader" if kind == "leader" else "责任单位 Unit"
    roles = Counter(
        p["role"] for t in tasks for p in people.by_task[t["task_key"]][kind] if p["person_key"] == person_key
    )
    role_zh = {"lead": "牵头", "responsible": "责任", "co": "配合"}
    year_rows = []
    for year in sorted({t["plan_year"] for t in tasks}):
        ts = [t for t in tasks if t["plan_year"] == year]
        by = Counter(t["status_code"] or "unknown" for t in ts)
        year_rows.append(
            f'<tr data-year="{esc(year)}"><td data-label="年度"><a href="../{county_page(county_key, year)}">{esc(year)}年</a></td>'
            f'<td class="n total" data-label="任务数">{len(ts)}</td>{_count_cells(by)}<td data-label="状态分布">{stacked_bar_svg(_counts(ts))}</td></tr>'
        )
    role_text = "、".join(f"{role_zh.get(r, r)} {n}项" for r, n in sorted(roles.items()))
    body = (
        f'<nav class="crumbs"><a href="../index.html">全部县区</a> › <a href="../{"leaders" if kind == "leader" else "units"}.html">{esc(what)}</a> › {esc(cname)} {esc(name)}</nav>'
        f"<h1>{esc(cname)} · {esc(name)}</h1>"
        f'<p>{esc(what)}：共 <strong id="task-total">{len(tasks)}</strong> 项任务'
        + (f"（{esc(role_text)}）" if kind == "unit" and role_text else "")
        + "，按每项任务最近一期报告。</p>"
        + legend()
        + "<h2>各年度状态 Status per year</h2>"
        + _table(
            [("年度", False), ("任务数", True), *STATUS_HEADS, ("状态分布", False)],
            year_rows,
            "person-years cards",
        )
        + "<h2>任务 Tasks</h2>"
        + task_list(
            sorted(tasks, key=lambda t: (t["plan_year"], t["table_no"], t["seq"], t.get("sub_seq") or 0)),
            people,
            "f-tasks",
            1,
            with_year=True,
        )
    )
    return page(f"{cname} {name} · luoshi", body, depth=1, script=True)


def render_people_index(data: SiteData, people: People, kind: str, groups: Mapping[tuple, list[Row]]) -> str:
    """leaders.html / units.html: every leader or unit with their task and status counts, filterable."""
    what = ("责任领导", "Leaders") if kind == "leader" else ("责任单位", "Units")
    rows = []
    counties = set()
    for (ck, pk), tasks in sorted(groups.items(), key=lambda kv: (kv[1][0]["county_name"], -len(kv[1]))):
        name = next(p["name"] for p in people.by_task[tasks[0]["task_key"]][kind] if p["person_key"] == pk)
        cname = tasks[0]["county_name"]
        counties.add(cname)
        by = Counter(t["status_code"] or "unknown" for t in tasks)
        href = leader_page(ck, pk) if kind == "leader" else unit_page(ck, pk)
        rows.append(
            f'<tr data-f-county="{esc(cname)}" data-f-status="{_f(c for c in STATUS_ORDER if by.get(c))}">'
            f'<td data-label="县区">{esc(cname)}</td><td data-label="{what[0]}"><a href="{href}">{esc(name)}</a></td>'
            f'<td class="n total" data-label="任务数">{len(tasks)}</td>{_count_cells(by)}</tr>'
        )
    form = filter_form(
        "f-people",
        [
            ("county", "县区 County", _names_options(counties)),
            ("status", "有此状态的任务 Has tasks", _status_options(STATUS_ORDER)),
        ],
    )
    body = (
        f'<nav class="crumbs"><a href="index.html">全部县区</a> › {what[0]}</nav>'
        f"<h1>{what[0]} {what[1]}</h1>"
        f'<p class="muted">每个县区的每位{what[0]}一页：所负责的任务和各状态任务数（按每项任务最近一期报告）。</p>'
        + legend()
        + form
        + _table(
            [("县区", False), (what[0], False), ("任务数", True), *STATUS_HEADS],
            rows,
            "people cards",
            "f-people",
        )
    )
    return page(f"{what[0]} · luoshi", body, script=True)


def _version_cell(
    year: Any, table_no: Any, seq: Any, text: Any, task_key: Any, status: Any, known: set[int], root: str
) -> str:
    label = f"{esc(year)}年 表{esc(table_no)} 第{esc(seq)}项：{esc(shorten(text, 60))}"
    if task_key is not None and int(task_key) in known:
        label = f'<a href="{root}{task_page(task_key)}">{label}</a>'
    return label + (
        " " + badge(status) if status else ' <span class="muted">无进度报告 no progress report</span>'
    )


def render_compare(data: SiteData, county_key: Any, cname: str, people: People, known: set[int]) -> str:
    """A county's plan years side by side: the year-on-year summary and every task thread's change."""
    summary = [r for r in data.yoy_county if r["county"] == cname]
    rows = [r for r in data.yoy if r["county"] == cname]
    sum_rows = []
    for r in summary:
        sum_rows.append(
            f'<tr data-years="{esc(r["from_year"])}-{esc(r["to_year"])}"><td data-label="年度">{esc(r["from_year"])} → {esc(r["to_year"])}</td>'
            f'<td class="n" data-label="任务数 N">{int(r["from_tasks"])}</td><td class="n" data-label="任务数 N+1">{int(r["to_tasks"])}</td>'
            f'<td class="n" data-label="N年底已完成">{int(r["from_completed"])} ({pct(r["from_completed_share"])})</td>'
            f'<td class="n" data-label="N+1已完成">{int(r["to_completed"])} ({pct(r["to_completed_share"])})</td>'
            + "".join(
                f'<td class="n" data-label="{esc(palette.CHANGE_ZH[c])}" data-col="{c}">{int(r[c])}</td>'
                for c in palette.CHANGE
            )
            + f'<td class="n" data-label="未完成结转">{int(r["carried_unfinished"])}</td></tr>'
        )
    heads = [
        ("年度", False),
        ("任务数 N", True),
        ("任务数 N+1", True),
        ("N年底已完成", True),
        ("N+1最新已完成", True),
        *[(palette.CHANGE_ZH[c], True) for c in palette.CHANGE],
        ("未完成结转", True),
    ]
    thread_rows = []
    for r in rows:
        before = (
            _version_cell(
                r["from_year"],
                r["from_table_no"],
                r["from_seq"],
                r["from_text"],
                r["from_task_key"],
                r["from_status"],
                known,
                "",
            )
            if r["from_task_key"] is not None
            else '<span class="muted">—</span>'
        )
        after = (
            _version_cell(
                r["to_year"],
                r["to_table_no"],
                r["to_seq"],
                r["to_text"],
                r["to_task_key"],
                r["to_status"],
                known,
                "",
            )
            if r["to_task_key"] is not None
            else '<span class="muted">—</span>'
        )
        leaders = [x for x in (r["from_leaders"], r["to_leaders"]) if x]
        units = [x for x in (r["from_lead_units"], r["to_lead_units"]) if x]
        split = lambda xs: sorted({n for x in xs for n in str(x).split("、") if n})  # noqa: E731
        thread_rows.append(
            f'<tr data-f-change="{esc(r["change"])}" data-f-years="{esc(r["from_year"])}-{esc(r["to_year"])}" '
            f'data-f-leader="{_f(split(leaders))}" data-f-unit="{_f(split(units))}" '
            f'data-f-status="{_f({r["from_status"], r["to_status"]} - {None})}">'
            f'<td data-label="变化" data-sort="{list(palette.CHANGE).index(r["change"])}">{change_badge(r["change"])}</td>'
            f'<td data-label="上一年 N">{before}</td><td data-label="下一年 N+1">{after}</td>'
            f'<td data-label="责任领导">{esc(r["from_leaders"])}{" → " + esc(r["to_leaders"]) if r["to_leaders"] and r["to_leaders"] != r["from_leaders"] else ""}</td>'
            f'<td data-label="牵头单位">{esc(r["from_lead_units"])}{" → " + esc(r["to_lead_units"]) if r["to_lead_units"] and r["to_lead_units"] != r["from_lead_units"] else ""}</td></tr>'
        )
    split_all = lambda col: sorted({n for r in rows for n in str(r[col] or "").split("、") if n})  # noqa: E731
    form = filter_form(
        "f-yoy",
        [
            ("change", "变化 Change", [(c, f"{zh} {en}") for c, (zh, en, _) in palette.CHANGE.items()]),
            (
                "years",
                "年度 Years",
                [(f"{r['from_year']}-{r['to_year']}", f"{r['from_year']} → {r['to_year']}") for r in summary],
            ),
            ("status", "状态 Status", _status_options(STATUS_ORDER)),
            (
                "leader",
                "责任领导 Leader",
                _names_options(split_all("from_leaders") + split_all("to_leaders")),
            ),
            (
                "unit",
                "牵头单位 Unit",
                _names_options(split_all("from_lead_units") + split_all("to_lead_units")),
            ),
        ],
    )
    year_links = " · ".join(
        f'<a href="{county_page(county_key, y)}">{esc(y)}年</a>'
        for y in sorted({c["plan_year"] for c in data.status_counts if c["county_key"] == county_key})
    )
    body = (
        f'<nav class="crumbs"><a href="index.html">全部县区</a> › {esc(cname)} 年度对比 · {year_links}</nav>'
        f"<h1>{esc(cname)} 年度对比 Year over year</h1>"
        '<p class="muted">上一年度每项任务在该年最后一期报告中的状态，与其下一年度版本在最新一期报告中的状态对照。'
        " Each task's status at the last report of year N beside its next year's version at the latest report of N+1"
        " (v_year_over_year).</p>"
        + _table(heads, sum_rows, "yoy-summary cards")
        + legend()
        + change_legend()
        + "<h2>逐项对比 Task by task</h2>"
        + form
        + _table(
            [
                ("变化", False),
                ("上一年 N", False),
                ("下一年 N+1", False),
                ("责任领导", False),
                ("牵头单位", False),
            ],
            thread_rows,
            "yoy cards",
            "f-yoy",
        )
    )
    return page(f"{cname} 年度对比 · luoshi", body, script=True)


def _versions(yoy_rows: Sequence[Row], links: Sequence[Row], task: Row, known: set[int]) -> str:
    """Predecessor and successor with both statuses (v_year_over_year); links to other years beyond them."""
    items = []
    me = task["task_key"]
    for label, side, other in (
        ("上一年版本 Last year", "from", "to"),
        ("下一年版本 Next year", "to", "from"),
    ):
        found = [r for r in yoy_rows if r[f"{other}_task_key"] == me and r[f"{side}_task_key"] is not None]
        cells = [
            _version_cell(
                r[f"{side}_year"],
                r[f"{side}_table_no"],
                r[f"{side}_seq"],
                r[f"{side}_text"],
                r[f"{side}_task_key"],
                r[f"{side}_status"],
                known,
                "../",
            )
            + f" · 本任务 this task {badge(r[f'{other}_status']) if r[f'{other}_status'] else '—'} · {change_badge(r['change'])}"
            for r in found
        ]
        seen = {r[f"{side}_task_key"] for r in found}
        pick = (lambda y: y < task["plan_year"]) if side == "from" else (lambda y: y > task["plan_year"])
        for lk in links:
            if (
                lk["other_plan_year"] is not None
                and pick(lk["other_plan_year"])
                and lk["other_task_key"] not in seen
            ):
                cells.append(
                    _version_cell(
                        lk["other_plan_year"],
                        lk["other_table_no"],
                        lk["other_seq"],
                        lk["other_text"],
                        lk["other_task_key"],
                        None,
                        known,
                        "../",
                    ).replace(' <span class="muted">无进度报告 no progress report</span>', "")
                )
        if not cells:
            mine = [r for r in yoy_rows if r[f"{other}_task_key"] == me]
            note = " ".join(change_badge(r["change"]) for r in mine)
            items.append(f"<dt>{esc(label)}</dt><dd class='muted'>无关联任务 none linked {note}</dd>")
            continue
        items.append(f"<dt>{esc(label)}</dt><dd>{'<br>'.join(cells)}</dd>")
    return f'<dl class="facts versions">{"".join(items)}</dl>'


def render_task(
    t: Row,
    history: Sequence[Row],
    metrics: Sequence[Row],
    links: Sequence[Row],
    known: set[int],
    yoy_rows: Sequence[Row] = (),
    people: People | None = None,
) -> str:
    ck, year = t["county_key"], t["plan_year"]
    leaders = people.links(t["task_key"], "leader", 1) if people else ""
    facts = [
        ("表", esc(t["table_title"] or f"表{t['table_no']}")),
        ("部分", esc(t["part"])),
        ("小节", esc(t["section"])),
        ("项目名称", esc(t["project"])),
        ("完成时限", esc(t["deadline"])),
        ("责任领导", leaders or esc(t["leaders"])),
        ("牵头单位", esc(t["lead_units"])),
        ("责任单位", esc(t["responsible_units"])),
        ("配合单位", esc(t["co_units"])),
    ]
    units = people.links(t["task_key"], "unit", 1) if people else ""
    if units:
        facts.append(("单位页面", units))
    fact_html = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in facts if v)
    latest = [m for m in metrics if m["is_latest"]]
    metric_rows = [
        f'<tr><td>{esc(m["metric"])}</td><td class="n">{esc(fmt_num(m["target_value"]))}{esc(m["target_unit"])}</td>'
        f'<td class="n">{esc(fmt_num(m["actual_value"]))}{esc(m["actual_unit"])}</td>'
        f'<td class="n">{pct(m["achievement_ratio"])}</td><td class="outcome-{esc(m["outcome"])}">{esc(OUTCOME_ZH.get(m["outcome"], m["outcome"]))}</td>'
        f"<td>{esc(m['target_text'])}</td><td>{esc(m['actual_text'])}</td></tr>"
        for m in latest
    ]
    hist_rows = []
    for h in sorted(history, key=lambda h: (h["as_of_date"], h["report_key"])):
        src = esc(h["title"] or h["file_name"])
        href = safe_href(h["source_uri"])
        if href:
            src = f'<a href="{href}" rel="noreferrer">{src}</a>'
        hist_rows.append(
            f'<tr data-report="{int(h["report_key"])}"><td class="date" data-label="截止日期">{esc(h["as_of_date"])}</td>'
            f'<td data-label="状态">{badge(h["status_code"], h["label_zh"])}</td>'
            f'<td class="evidence" data-label="依据">{esc(h["status_evidence"]) or "<span class=muted>—</span>"}</td>'
            f'<td data-label="置信度">{esc(palette.CONFIDENCE_ZH.get(h["status_confidence"], h["status_confidence"]))}</td>'
            f'<td class="n" data-label="序时进度">{pct(h["expected_progress"])}</td><td class="progress" data-label="落实情况">{esc(h["progress_text"])}</td>'
            f'<td data-label="来源报告">{src}<br><span class="muted">{esc(h["file_name"])} 第{esc(h["line_start"])}–{esc(h["line_end"])}行</span></td></tr>'
        )
    body = (
        f'<nav class="crumbs"><a href="../index.html">全部县区</a> › '
        f'<a href="../{county_page(ck, year)}">{esc(t["county_name"])} {esc(year)}年</a> › 表{esc(t["table_no"])} 第{esc(task_seq(t))}项</nav>'
        f"<h1>{esc(t['county_name'])} {esc(year)}年 表{esc(t['table_no'])} 第{esc(task_seq(t))}项 {badge(t['status_code'], t['status_label_zh'])}</h1>"
        f'<div class="task-text" id="task-text">{esc(t["task_text"])}</div>'
        f'<dl class="facts">{fact_html}</dl>'
        + legend()
        + "<h2>目标与结果 Targets and results</h2>"
        + (f"<p><strong>目标任务：</strong>{esc(t['target_text'])}</p>" if t["target_text"] else "")
        + (
            _table(
                [
                    ("指标", False),
                    ("目标", True),
                    ("实际", True),
                    ("完成率", True),
                    ("结果", False),
                    ("目标原文", False),
                    ("实际原文", False),
                ],
                metric_rows,
                "metrics",
            )
            if metric_rows
            else '<p class="muted">最近一期报告未提取到数量指标。No numeric targets read from the latest report.</p>'
        )
        + f'<p><strong>最近落实情况（{esc(t["as_of_date"])}）：</strong></p><div class="progress task-text">{esc(t["progress_text"]) or "—"}</div>'
        + "<h2>状态变化 Status over time</h2>"
        + _table(
            [
                ("截止日期", False),
                ("状态", False),
                ("依据", False),
                ("置信度", False),
                ("序时进度", True),
                ("落实情况", False),
                ("来源报告", False),
            ],
            hist_rows,
            "history cards",
        )
        + "<h2>跨年度版本 Other years</h2>"
        + _versions(yoy_rows, links, t, known)
        + (change_legend() if yoy_rows else "")
    )
    return page(f"{t['county_name']} {year}年 表{t['table_no']} 第{task_seq(t)}项 · luoshi", body, depth=1)


def render_site(data: SiteData) -> dict[str, str]:
    """Relative path → HTML for every page of the site."""
    people = People(data)
    pages = {"index.html": render_index(data)}
    for ck, year in sorted({(c["county_key"], c["plan_year"]) for c in data.status_counts}):
        pages[county_page(ck, year)] = render_county_year(data, ck, year, people)
    history = _group(data.history, "task_key")
    metrics = _group(data.metrics, "task_key")
    links = _group(data.links, "task_key")
    known = {int(t["task_key"]) for t in data.tasks}
    yoy_of: dict[Any, list[Row]] = defaultdict(list)
    for r in data.yoy:
        for k in {r["from_task_key"], r["to_task_key"]} - {None}:
            yoy_of[k].append(r)
    for t in data.tasks:
        key = (t["task_key"],)
        pages[task_page(t["task_key"])] = render_task(
            t,
            history.get(key, []),
            metrics.get(key, []),
            links.get(key, []),
            known,
            yoy_of.get(t["task_key"], []),
            people,
        )
    for kind, index_name, page_of in (
        ("leader", "leaders.html", leader_page),
        ("unit", "units.html", unit_page),
    ):
        groups: dict[tuple, list[Row]] = defaultdict(list)
        for t in data.tasks:
            for pk in dict.fromkeys(
                p["person_key"] for p in people.by_task.get(t["task_key"], {}).get(kind, [])
            ):
                groups[(t["county_key"], pk)].append(t)
        pages[index_name] = render_people_index(data, people, kind, groups)
        for (ck, pk), tasks in groups.items():
            pages[page_of(ck, pk)] = render_person(data, people, kind, ck, pk, tasks)
    names = {t["county_name"]: t["county_key"] for t in data.tasks}
    for cname in sorted({r["county"] for r in data.yoy_county}):
        if cname in names:
            pages[compare_page(names[cname])] = render_compare(data, names[cname], cname, people, known)
    return pages
