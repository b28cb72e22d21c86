"""Report metadata: county, plan year, as-of date, period type — from a manifest, overrides or the text."""

from __future__ import annotations

import calendar
import re
from copy import deepcopy
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from transforms.status import annotate_record

PERIOD_TYPES = ("plan", "monthly", "quarterly", "year_end")


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
    inferred: dict[str, str] = field(default_factory=dict)  # field → evidence for each inferred value

    def merged(self, other: ReportMeta) -> ReportMeta:
        """Self, with gaps filled from other (self wins)."""
        out = ReportMeta()
        for f in fields(self):
            if f.name == "inferred":
                continue
            mine = getattr(self, f.name)
            setattr(out, f.name, mine if mine not in (None, "") else getattr(other, f.name))
        out.inferred = {k: v for k, v in other.inferred.items() if getattr(self, k) in (None, "")}
        return out

    def missing(self) -> list[str]:
        return [n for n in ("county", "plan_year", "as_of", "period_type") if getattr(self, n) in (None, "")]


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def meta_from_mapping(entry: dict[str, Any]) -> ReportMeta:
    """A manifest entry (or CLI overrides) → ReportMeta; dates as YYYY-MM-DD strings or dates."""
    as_of = entry.get("as_of") or entry.get("as_of_date")
    if isinstance(as_of, str):
        as_of = date.fromisoformat(as_of)
    period = entry.get("period_type")
    if period is not None and period not in PERIOD_TYPES:
        raise ValueError(f"period_type {period!r} is not one of {', '.join(PERIOD_TYPES)}")
    year = entry.get("plan_year")
    return ReportMeta(
        county=entry.get("county"),
        province=entry.get("province"),
        prefecture=entry.get("prefecture"),
        plan_year=int(year) if year not in (None, "") else None,
        as_of=as_of,
        period_type=period,
        title=entry.get("title"),
        source_url=entry.get("source_url") or entry.get("url"),
    )


AS_OF_FULL = re.compile(r"截[止至](\d{4})年(\d{1,2})月(底|末|(\d{1,2})日)?")
AS_OF_MONTH = re.compile(r"截[止至](\d{1,2})月(底|末|(\d{1,2})日)")
CUMULATIVE = re.compile(r"(?<![\d.])1\s*[-—~至]\s*(\d{1,2})月")
YEAR = re.compile(r"(20\d{2})年")
COUNTY = re.compile(r"([\u4e00-\u9fff]{1,6}?(?:县|区|市|旗))(?:人民政府|政府)(?:主办|办公室|网)")


PUBLISHED = re.compile(r"(?:发布|发文|印发|成文)(?:时间|日期)\s*[:：]?\s*(20\d{2})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})")


def _has_progress_header(text: str) -> bool:
    """Does a header naming a progress column (schemas/mappings/headers.yaml, role progress) occur?"""
    from transforms.mappings import _load, squash

    words = (_load("headers").get("roles") or {}).get("progress") or []
    flat = squash(text)
    return any(w in flat for w in words) or bool(CUMULATIVE.search(flat))


def infer_metadata(text: str) -> ReportMeta:
    """Guess metadata from the report text; every guessed field is listed in ``inferred`` with its evidence."""
    meta = ReportMeta()
    head = text[:3000]
    # plan year: a year in the title, else the year of the latest dated statement, else the most common
    years = [int(y) for y in YEAR.findall(text)]
    candidates: list[tuple[date, str]] = []
    for m in AS_OF_FULL.finditer(text):
        y, mo = int(m.group(1)), int(m.group(2))
        if 1 <= mo <= 12:
            d = date(y, mo, int(m.group(4))) if m.group(4) else _month_end(y, mo)
            candidates.append((d, m.group(0)))
    title_years = [int(y) for y in YEAR.findall(head[:200])]
    if title_years:
        meta.plan_year = title_years[0]
        meta.inferred["plan_year"] = f"title mentions {title_years[0]}年"
    elif candidates:
        meta.plan_year = max(candidates)[0].year
        meta.inferred["plan_year"] = f"latest dated statement {max(candidates)[1]!r}"
    elif years:
        meta.plan_year = max(set(years), key=years.count)
        meta.inferred["plan_year"] = f"most frequent year in the text ({meta.plan_year}年)"
    if meta.plan_year:
        for m in AS_OF_MONTH.finditer(text):
            mo = int(m.group(1))
            if 1 <= mo <= 12:
                d = date(meta.plan_year, mo, int(m.group(3))) if m.group(3) else _month_end(meta.plan_year, mo)
                candidates.append((d, m.group(0)))
        for m in CUMULATIVE.finditer(text):
            mo = int(m.group(1))
            if 1 <= mo <= 12:
                candidates.append((_month_end(meta.plan_year, mo), m.group(0)))
        candidates = [c for c in candidates if c[0].year == meta.plan_year]
        if candidates:
            d, evidence = max(candidates)
            meta.as_of = d
            meta.inferred["as_of"] = f"latest progress date stated in the text: {evidence!r}"
    if meta.as_of is not None:
        meta.period_type = "year_end" if meta.as_of.month >= 11 else ("quarterly" if meta.as_of.month in (3, 6, 9) else "monthly")
        meta.inferred["period_type"] = f"as-of month {meta.as_of.month}"
    if meta.as_of is None and not _has_progress_header(text):
        # a task breakdown without a progress column: a plan, dated when it was published
        meta.period_type = "plan"
        meta.inferred["period_type"] = "no progress column (落实情况/进展情况/…) in the text"
        pm = PUBLISHED.search(text)
        if pm:
            meta.as_of = date(int(pm.group(1)), int(pm.group(2)), int(pm.group(3)))
            meta.inferred["as_of"] = f"publication date {pm.group(0)!r}"
    m = COUNTY.search(text[-2000:]) or COUNTY.search(head)
    if m:
        meta.county = m.group(1)
        meta.inferred["county"] = f"site text {m.group(0)!r}"
    return meta


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
