"""Report metadata: county, plan year, as-of date, period type — inferred from the text here; given by a
manifest entry or the command line through sources/manifest.py."""

from __future__ import annotations

import calendar
import re
from copy import deepcopy
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from schemas.vocabulary import PERIOD_TYPES as VOCABULARY_PERIOD_TYPES
from transforms.status import annotate_record

PERIOD_TYPES = tuple(VOCABULARY_PERIOD_TYPES)


@dataclass
class ReportMeta:
    county: str | None = None
    province: str | None = None
    prefecture: str | None = None
    plan_year: int | None = None
    as_of: date | None = None
    period_type: str | None = None
    title: str | None = None
    source_url: str | None = None
    as_of_precision: str | None = None  # day | month | published (a plan's publication date); None: as given
    inferred: dict[str, str] = field(default_factory=dict)  # field → evidence for each inferred value

    def merged(self, other: ReportMeta) -> ReportMeta:
        """Self, with gaps filled from other (self wins)."""
        out = ReportMeta()
        for f in fields(self):
            if f.name in ("inferred", "as_of_precision"):
                continue
            mine = getattr(self, f.name)
            setattr(out, f.name, mine if mine not in (None, "") else getattr(other, f.name))
        out.as_of_precision = self.as_of_precision if self.as_of is not None else other.as_of_precision
        out.inferred = {k: v for k, v in other.inferred.items() if getattr(self, k) in (None, "")}
        return out

    def missing(self) -> list[str]:
        return [n for n in ("county", "plan_year", "as_of", "period_type") if getattr(self, n) in (None, "")]


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


AS_OF_FULL = re.compile(r"截[止至](\d{4})年(\d{1,2})月(底|末|(\d{1,2})日)?")
AS_OF_MONTH = re.compile(r"截[止至](\d{1,2})月(底|末|(\d{1,2})日)")
CUMULATIVE = re.compile(r"(?<![\d.])1\s*[-—~至]\s*(\d{1,2})月")
YEAR = re.compile(r"(20\d{2})年")
COUNTY = re.compile(r"([\u4e00-\u9fff]{1,6}?(?:县|区|市|旗))(?:人民政府|政府)(?:主办|办公室|网)")


PUBLISHED = re.compile(
    r"(?:发布|发文|印发|成文)(?:时间|日期)\s*[:：]?\s*(20\d{2})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})"
)
# any labelled page date (发布时间 / 发文日期 / 成文日期 / 生成日期 / 日期 / 时间), in a pipe row too: a weak hint
PAGE_DATE = re.compile(
    r"(?:发布|发文|印发|成文|生成)?(?:时间|日期)\s*[:：|]?\s*\|?\s*(20\d{2})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})"
)

# ---- the period a report covers, as its title or a column header states it
_CN_DIGIT = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_PROGRESS_WORDS = r"(?:进展|推进情况|完成情况|落实情况|进度|实施情况|执行情况|月报|报告)"
# 一季度进展情况, 1季度推进情况, 前三季度推进情况 (not 一季度目标 / 三季度工作计划 / 第一季度:…)
QUARTER = re.compile(rf"(?<!第)(前)?([一二三四1-4])季度(?:工作|重点工作|度)?{_PROGRESS_WORDS}")
HALF_YEAR = re.compile(rf"(?:上半年|半年度|半年)(?:工作|重点工作)?{_PROGRESS_WORDS}")
# 10月完成情况, 8月份完成情况, 10月进度表, 月报表(11月份)
MONTH_PROGRESS = re.compile(rf"(?<![\d\-—~至])(\d{{1,2}})月份?(?:工作)?{_PROGRESS_WORDS}")
MONTH_REPORT = re.compile(r"月报表?\s*[(（]\s*(\d{1,2})\s*月份?\s*[)）]")
# 2023年度政府工作报告重点工作完成情况: a year's own results (no month or quarter named)
YEAR_RESULTS = re.compile(
    r"20\d{2}年度?(?:[^,，。;；:：|\n月季]{0,24}?)(?:工作|任务|实事|项目)(?:的)?完成情况"
)
YEAR_END_WORDS = re.compile(rf"(?:年底|年终|全年)(?:工作)?{_PROGRESS_WORDS}")

# ---- the place a report is about: county / district / city / banner / province, as printed
# characters that do not open a place name (a verb or word of the sentence around it: 已经区政府, 完成县医院),
# and words no place name holds
_STEM_STOP = set("主我全本该各市区县省旗外两报关对及与的在由向经已以按照据根为请并等此每其呈送交完过年度项涉")
_STEM_WORDS = (
    "人民",
    "政府",
    "关于",
    "印发",
    "工作",
    "办公",
    "实施",
    "项目",
    "任务",
    "以及",
    "已经",
    "按照",
    "根据",
    "以便",
    "报经",
    "年度",
    "进行",
    "报告",
    "通知",
    "通过",
    "完成",
    "建设",
    "新建",
    "改造",
    "提升",
    "推进",
)
_VERB_ENDS = set("成建设改扩造好办到在至对为了动进推施级全各本该")
_NAME_END_STOP = (
    "地区",
    "市区",
    "辖区",
    "园区",
    "景区",
    "社区",
    "片区",
    "新区",
    "开发区",
    "矿区",
    "库区",
    "山区",
    "郊区",
    "老区",
    "街区",
    "小区",
    "校区",
    "市县",
    "县区",
    "县市",
    "区县",
    "城市",
    "省市",
)
_PLACE_CHAIN = r"((?![年度我全本该各])(?:[\u4e00-\u9fff]{2,4}?(?:省|自治区))?(?:[\u4e00-\u9fff]{2,4}?市)?(?:[\u4e00-\u9fff]{1,4}?(?:县|区|旗))?)"
_BOUNDARY = r"(?:(?<=^)|(?<=[\s,，。:：;；、|>》《“\"(（\d年]))"
ISSUER = re.compile(
    rf"{_BOUNDARY}{_PLACE_CHAIN}(?:人民政府|政府|委员会|委(?!书记|常委|副|委员)|人大|政协)(?![\u4e00-\u9fff]{{0,2}}网)"
)
TITLE_PLACE = re.compile(
    rf"20\d{{2}}年度?(?:\d{{1,2}}\s*[-—~至]\s*\d{{1,2}}月份?)?{_PLACE_CHAIN}(?=重点|民生|政府|为民|十件|\d|[一二三四五六七八九十]+[件项大]|惠民|《)"
)
SOURCE_PLACE = re.compile(
    rf"(?:来源|发布机构|信息来源|发文机关|发文单位|发布单位)\s*[:：]?\s*\|?\s*{_PLACE_CHAIN}(?=[\u4e00-\u9fff])"
)
# a unit or institution that carries a county's or city's name in full: 青山区外国语学校, 某市本级
INSTITUTION_PLACE = re.compile(
    r"(?<=[\u4e00-\u9fff])?([\u4e00-\u9fff]{2}(?:县|区|市))"
    r"(?=外国语学校|实验学校|第[一二三四五六七八九十\d]+中学|中学|小学|职教中心|职业教育中心|中医院|人民医院|妇幼保健院|图书馆|博物馆|文化馆|体育馆|本级)"
)


def _valid_place(name: str, one_char_county: bool = False) -> str | None:
    """The most specific level of a place chain (某省青山市东城区 → 东城区), or None when it is no name."""
    if not name:
        return None
    parts = re.findall(r"[\u4e00-\u9fff]+?(?:自治区|省|市|县|区|旗)", name)
    if not parts or "".join(parts) != name:
        return None
    for part in parts:
        stem = part[:-3] if part.endswith("自治区") else part[:-1]
        if not stem or any(ch in _STEM_STOP for ch in stem[:1]) or part.endswith(_NAME_END_STOP):
            return None
        if len(stem) == 1 and not (part.endswith("县") and one_char_county):
            return None
        if any(w in stem for w in _STEM_WORDS):
            return None
    return parts[-1]


def _level(place: str) -> int:
    return 0 if place.endswith(("省", "自治区")) else (1 if place.endswith(("市", "州", "盟")) else 2)


def _first_place(
    pattern: re.Pattern[str], text: str, one_char_county: bool = False
) -> tuple[str, str] | None:
    for m in pattern.finditer(text):
        place = _valid_place(m.group(1), one_char_county)
        if place:
            return place, m.group(0)
    return None


def infer_place(text: str) -> tuple[str | None, str | None]:
    """The place a report speaks for, with its evidence, as printed: an issuing government in the text
    above the table (某市东城区人民政府, 青山市委), a title (2025年东城区重点民生实事), a source line
    (来源:青山市园林中心), the site's footer (…人民政府主办), else a unit or school that carries the name
    in full (青山区外国语学校) when only one place is named so. The most specific level is kept
    (某省青山市东城区 → 东城区). None when the page names no place (我区, 全市)."""
    title = _title_text(text)
    for pattern, where, what, one_char in (
        (ISSUER, title, "issuer", False),
        (TITLE_PLACE, title, "title", True),
        (SOURCE_PLACE, text[:3000], "source line", False),
    ):
        hit = _first_place(pattern, where, one_char)
        if hit:
            return hit[0], f"{what} {hit[1]!r}"
    m = COUNTY.search(text[-2000:]) or COUNTY.search(text[:3000])
    if m:
        return _valid_place(m.group(1)) or m.group(1), f"site text {m.group(0)!r}"
    names: dict[str, str] = {}
    for m in INSTITUTION_PLACE.finditer(text):
        place = _valid_place(m.group(1))
        # 县 / 区 with a verb before it is the bare prefix of a unit (完成县医院, 建成区图书馆)
        if place and place[-2] not in _VERB_ENDS:
            names.setdefault(place, m.group(0))
    if len(names) == 1:  # one place carries them all (not a list of districts)
        place, evidence = next(iter(names.items()))
        return place, f"unit or institution name {evidence!r}"
    return None, None


# a short header label of a progress column that headers.yaml may not list (累计完成, 累计进度, 实施情况)
PROGRESS_LABEL = re.compile(r"(?:完成|进度|进展|情况)$")
NOT_PROGRESS_LABEL = re.compile(r"时限|时间|期限|节点|计划|目标|要求|安排|基本情况|已完成|基本完成|未完成")


TAG = re.compile(r"<[^>]*>")


def _has_progress_header(text: str) -> bool:
    """Does a header naming a progress column (schemas/mappings/headers.yaml, role progress) occur?

    Only short cells and lines count (a header cell), not a sentence of the cover text that speaks of
    the tasks' 完成情况."""
    from transforms.mappings import _load, squash

    words = (_load("headers").get("roles") or {}).get("progress") or []
    for line in TAG.sub("|", text).replace("\t", "|").splitlines():
        if line.count(",") >= 3 and not re.search("[。；;]", line):
            line = line.replace(",", "|")  # a CSV row
        for cell in line.split("|"):
            flat = squash(cell)
            if 0 < len(flat) <= 24 and (any(w in flat for w in words) or CUMULATIVE.search(flat)):
                return True
            if 0 < len(flat) <= 8 and PROGRESS_LABEL.search(flat) and not NOT_PROGRESS_LABEL.search(flat):
                return True
    return False


def _stated_period(text: str) -> tuple[int, str, str] | None:
    """The period a title or header states, first one found: (month, period type, evidence)."""
    hits: list[tuple[int, int, str, str]] = []  # position, month, period type, evidence
    for m in QUARTER.finditer(text):
        q = _CN_DIGIT[m.group(2)]
        hits.append((m.start(), 3 * q, "year_end" if q == 4 else "quarterly", m.group(0)))
    for m in HALF_YEAR.finditer(text):
        hits.append((m.start(), 6, "half_year", m.group(0)))
    for pattern in (MONTH_PROGRESS, MONTH_REPORT):
        for m in pattern.finditer(text):
            mo = int(m.group(1))
            if 1 <= mo <= 12:
                hits.append((m.start(), mo, "year_end" if mo == 12 else "monthly", m.group(0)))
    for pattern in (YEAR_RESULTS, YEAR_END_WORDS):
        for m in pattern.finditer(text):
            hits.append((m.start(), 12, "year_end", m.group(0)))
    if not hits:
        return None
    _, month, period, evidence = min(hits)
    return month, period, evidence


def _is_title_line(line: str) -> bool:
    """Not a table row: at most two non-empty pipe cells (a title row of a table is one cell wide)."""
    return sum(1 for c in line.split("|") if c.strip()) <= 2


def _title_text(text: str) -> str:
    """The text before the table body: lines in the first 3000 characters that are not body rows
    (a body row is a pipe row or blank-layout cell that begins with a number)."""
    out = []
    for line in text[:3000].splitlines():
        s = line.strip()
        if re.match(r"^\|?\s*\d{1,3}\s*(?:\||$)", s):
            break
        if _is_title_line(s):
            out.append(s)
    return "\n".join(out)


def infer_metadata(text: str) -> ReportMeta:
    """Guess metadata from the report text; every guessed field is listed in ``inferred`` with its evidence."""
    meta = ReportMeta()
    head = text[:3000]
    title = _title_text(text)
    # plan year: a year in the title, else the year of the latest dated statement, else the most common
    years = [int(y) for y in YEAR.findall(text)]
    candidates: list[tuple[date, str]] = []
    day_given: set[date] = set()
    for m in AS_OF_FULL.finditer(text):
        y, mo = int(m.group(1)), int(m.group(2))
        if 1 <= mo <= 12:
            try:
                d = date(y, mo, int(m.group(4))) if m.group(4) else _month_end(y, mo)
            except ValueError:
                continue
            candidates.append((d, m.group(0)))
            if m.group(4):
                day_given.add(d)
    title_years = [
        int(y) for line in head[:200].splitlines() if _is_title_line(line) for y in YEAR.findall(line)
    ]
    heading_years = [int(y) for y in YEAR.findall(title)]
    published = PUBLISHED.search(text) or PAGE_DATE.search(head)
    if title_years:
        meta.plan_year = title_years[0]
        meta.inferred["plan_year"] = f"title mentions {title_years[0]}年"
    elif candidates:
        meta.plan_year = max(candidates)[0].year
        meta.inferred["plan_year"] = f"latest dated statement {max(candidates)[1]!r}"
    elif heading_years:
        meta.plan_year = heading_years[0]
        meta.inferred["plan_year"] = f"the text above the table mentions {heading_years[0]}年"
    elif published:
        meta.plan_year = int(published.group(1))
        meta.inferred["plan_year"] = f"the page's date {published.group(0)!r}"
    elif years and "|" not in head[:200]:
        meta.plan_year = max(set(years), key=years.count)
        meta.inferred["plan_year"] = f"most frequent year in the text ({meta.plan_year}年)"
    stated = _stated_period(title) or _stated_period(head)
    if meta.plan_year and stated is not None:
        month, period, evidence = stated
        meta.as_of = _month_end(meta.plan_year, month)
        meta.as_of_precision = "month"
        meta.inferred["as_of"] = f"period stated in the title or header: {evidence!r}"
        meta.period_type = period
        meta.inferred["period_type"] = f"period stated in the title or header: {evidence!r}"
    elif meta.plan_year:
        for m in AS_OF_MONTH.finditer(text):
            mo = int(m.group(1))
            if 1 <= mo <= 12:
                try:
                    d = (
                        date(meta.plan_year, mo, int(m.group(3)))
                        if m.group(3)
                        else _month_end(meta.plan_year, mo)
                    )
                except ValueError:
                    continue
                candidates.append((d, m.group(0)))
                if m.group(3):
                    day_given.add(d)
        for m in CUMULATIVE.finditer(text):
            mo = int(m.group(1))
            if 1 <= mo <= 12:
                candidates.append((_month_end(meta.plan_year, mo), m.group(0)))
        candidates = [c for c in candidates if c[0].year == meta.plan_year]
        if candidates:
            d, evidence = max(candidates)
            meta.as_of = d
            meta.as_of_precision = "day" if d in day_given else "month"
            meta.inferred["as_of"] = f"latest progress date stated in the text: {evidence!r}"
    elif stated is not None and _has_progress_header(text):
        # a progress report whose year is not printed (8月份完成情况): its kind is known, its date is not
        meta.period_type = stated[1]
        meta.inferred["period_type"] = f"period stated in the title or header: {stated[2]!r}"
    if meta.as_of is not None and meta.period_type is None:
        if (
            meta.as_of_precision == "day"
            and meta.as_of.month < 11
            and meta.as_of != _month_end(meta.as_of.year, meta.as_of.month)
        ):
            pass  # a report dated to a day inside a month (截至4月10日) covers no named period
        else:
            meta.period_type = (
                "year_end"
                if meta.as_of.month == 12
                else ("quarterly" if meta.as_of.month in (3, 6, 9) else "monthly")
            )
            meta.inferred["period_type"] = f"as-of month {meta.as_of.month}"
    if meta.as_of is None and meta.period_type is None and not _has_progress_header(text):
        # a task breakdown without a progress column: a plan, dated when it was published
        meta.period_type = "plan"
        meta.inferred["period_type"] = "no progress column (落实情况/进展情况/…) in the text"
        pm = PUBLISHED.search(text)
        if pm:
            meta.as_of = date(int(pm.group(1)), int(pm.group(2)), int(pm.group(3)))
            meta.as_of_precision = "published"
            meta.inferred["as_of"] = f"publication date {pm.group(0)!r}"
    place, place_evidence = infer_place(text)
    if place:
        meta.county = place
        meta.inferred["county"] = place_evidence or ""
    return meta


REPORT_FIELDS = {"place": "county", "plan_year": "plan_year", "as_of": "as_of", "period_type": "period_type"}


def report_object(meta: ReportMeta) -> dict[str, Any]:
    """The report's metadata as `luoshi extract` prints it on every record: place, plan year, as-of
    ("YYYY-MM-DD", or "YYYY-MM" when only the month is known), period type, and the names of the
    fields inferred from the text. A plan's publication date is no as-of date: it is left out."""
    as_of: str | None = None
    if meta.as_of is not None:
        if meta.as_of_precision == "month":
            as_of = meta.as_of.strftime("%Y-%m")
        elif meta.as_of_precision != "published":
            as_of = meta.as_of.isoformat()
    out: dict[str, Any] = {
        "place": meta.county,
        "plan_year": meta.plan_year,
        "as_of": as_of,
        "period_type": meta.period_type,
    }
    out["inferred"] = [
        name for name, attr in REPORT_FIELDS.items() if attr in meta.inferred and out[name] is not None
    ]
    return out


# --------------------------------------------------------------------------- several dated progress columns

PROGRESS_CUMULATIVE = re.compile(r"\d{1,2}\s*[-—~至]\s*(\d{1,2})\s*月")
PROGRESS_MONTH = re.compile(r"(?:截至|截止)?(\d{1,2})\s*月(?:底|末|份)?")


def progress_month(label: str | None) -> int | None:
    """The month a dated progress column describes: 1-10月推进情况 → 10, 截至10月底完成情况 → 10."""
    if not label:
        return None
    m = PROGRESS_CUMULATIVE.search(label) or PROGRESS_MONTH.search(label)
    if not m:
        return None
    month = int(m.group(1))
    return month if 1 <= month <= 12 else None


def period_type_for(as_of: date) -> str:
    """The period type of a progress report dated as_of: quarterly at a quarter's end, else monthly."""
    return "quarterly" if as_of.month in (3, 6, 9) else ("year_end" if as_of.month == 12 else "monthly")


@dataclass
class Period:
    """One period of a report: its as-of date, the progress column it is read from, its records."""

    as_of: date
    label: str | None
    records: list[Any]
    primary: bool  # the report's own as-of date (its latest column)


def split_periods(records: list[Any], as_of: date, plan_year: int) -> list[Period]:
    """A report with several dated progress columns (1-10月推进情况, 1-11月推进情况) → one period per column.

    The latest column is the report's own period (as_of as given, its records unchanged). Each
    earlier column becomes a period dated at the end of its month, whose records carry only that
    column's text; their status and 序时 are judged again for that date, and the report's status
    column, issues and notes (which speak of the report's date) are left out. A report with at
    most one dated column is one period.
    """
    months: dict[str, int] = {}
    for r in records:
        for p in r.progress:
            m = progress_month(p.get("label"))
            if m is not None and p.get("label") not in months:
                months[p["label"]] = m
    if len(set(months.values())) < 2:
        return [Period(as_of, None, records, True)]
    latest = max(months.values())
    primary_label = [lb for lb, m in months.items() if m == latest][-1]
    earlier = sorted({m for m in months.values() if m < latest})
    periods: list[Period] = []
    for month in earlier:
        day = _month_end(plan_year, month)
        if day >= as_of:
            return [Period(as_of, None, records, True)]
        labels = [lb for lb, m in months.items() if m == month]
        recs = []
        for r in records:
            sub = deepcopy(r)
            sub.progress = [p for p in r.progress if p.get("label") in labels]
            sub.status_raw = None
            sub.issues = None
            sub.note = None
            sub.metrics = []
            sub.actuals = []
            annotate_record(sub, as_of=day, plan_year=plan_year)
            recs.append(sub)
        periods.append(Period(day, labels[-1], recs, False))
    periods.append(Period(as_of, primary_label, records, True))
    return periods
