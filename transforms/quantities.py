"""Quantities in task and progress texts: value, unit, base-unit value, comparator, metric name.

Rules (units, multipliers, comparators, what is not a quantity) live in
``schemas/mappings/quantity_units.yaml``; this module only applies them.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import cn2an

from transforms.mappings import RuleSet, _load, any_of, mapping_path
from transforms.memo import forget_texts
from transforms.scan import first_chars, matches, starts_before

MAPPING = "quantity_units"
CN_DIGITS = "零〇一二两三四五六七八九十百千"
NUM_CHAR = re.compile(rf"[\d{CN_DIGITS}]")  # every quantity's number has one (a quick scan first)
CLAUSE_SPLIT = re.compile(r"[，,；;。！!？?\n]")
QUOTES = re.compile(r"“[^”]{0,40}”|\"[^\"]{0,40}\"|《[^》]{0,60}》|「[^」]{0,40}」")
CJK = re.compile(r"[\u4e00-\u9fff]")
PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# edges stripped from a metric name: these characters and white space (str.isspace is re's \s)
NAME_LEAD_CHARS = '、和及与并且:：（(）)“”"'
NAME_TRAIL_CHARS = '、和及与（(“”"'
LIST_EDGE_CHARS = "、和及与"
# every character str.isspace() (and re's \s) takes for white space; none is above U+3000
WHITE_SPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
NAME_LEAD = NAME_LEAD_CHARS + WHITE_SPACE  # str.lstrip / rstrip arguments: the edges and white space
NAME_TRAIL = NAME_TRAIL_CHARS + WHITE_SPACE
LIST_EDGE = LIST_EDGE_CHARS + WHITE_SPACE
NAME_NOISE = re.compile(r"[A-Za-z]+[0-9][0-9.]*|[0-9]+[年月日号]|[0-9.]+$|[()（）“”\"《》\[\]]")
NAME_NOISE_START = re.compile(r"[A-Za-z0-9.()（）“”\"《》\[\]]")  # every NAME_NOISE match starts with one
SUFFIX_LEAD = re.compile(r"以上|以下|以内|的")
CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
SUFFIX_STOP = re.compile(r"已|正|均|全部|获|完成|开工|实现|达|通过|共|被|和|及|与")
SUFFIX_SPAN = 16  # characters of the run after a number that _suffix_name reads (≥ 8 + 2 - 1)
GLUED_BEFORE = re.compile(r"[\dA-Za-z.]")
LATIN_UNIT = re.compile(r"[A-Za-z]\w*")
LATIN_NEXT = re.compile(r"[A-Za-z0-9]")
LIST_SPLIT = re.compile(r"[、和及与]")
LIST_MARK = re.compile(r"[、等]")
LIST_TAIL = re.compile(r"[、和及与]\s*$")
NAME_TAIL_WORDS = ("分别", "达到", "达", "为", "至", "约", "共", "了")


@dataclass(frozen=True)
class Quantity:
    """One quantity as written: ``text`` is the exact source substring (start..end)."""

    value: float
    unit: str  # as written, with its multiplier: 万亩, 亿元, 个, %
    base_value: float
    base_unit: str
    comparator: str | None  # at_least | at_most | range | None
    text: str
    start: int
    end: int
    metric: str
    clause: str
    forecast: bool = False
    approx: bool = False
    value_high: float | None = None
    negated: bool = False  # its clause says it has not happened (暂未, 尚未 …)
    stage: str | None = None  # stage of its clause (prepared | started | nearly | done), see stages
    share_base: str | None = None  # what a share is of (占GDP比重 → GDP)
    kind: str | None = None  # increment (新增…) | level (累计, 总数 …) | None, see increment_words

    @property
    def is_result(self) -> bool:
        """Can this figure, found in a progress text, be a result? Not when forecast or negated."""
        return not (self.forecast or self.negated)

    def as_record(self) -> dict[str, Any]:
        """The `extract --jsonl` form: {metric, value, unit, comparator, text}."""
        return {
            "metric": self.metric,
            "value": self.value,
            "unit": self.unit,
            "comparator": self.comparator,
            "text": self.text,
        }


@dataclass(frozen=True)
class UnitRules:
    units: dict[str, tuple[str, float]]
    multipliers: dict[str, float]
    pattern: re.Pattern[str]
    at_least_after: tuple[str, ...]
    at_most_after: tuple[str, ...]
    at_least_before: tuple[str, ...]
    at_most_before: tuple[str, ...]
    not_quantity: tuple[re.Pattern[str], ...]
    scope_words: tuple[str, ...]
    rhetorical: frozenset[str]
    forecast_markers: tuple[str, ...]
    strip_prefixes: tuple[str, ...]
    # the same rules indexed for speed: prefixes by first character, name-tail words by last
    # character (each list in rule order), and every exclusion (quotes included) as one tuple
    prefixes_by_first: dict[str, tuple[str, ...]]
    tails_by_last: dict[str, tuple[str, ...]]
    exclusions: tuple[re.Pattern[str], ...]
    scope_re: re.Pattern[str]  # scope_words, first in rule order at a position
    at_most_before_re: re.Pattern[str]
    at_least_before_re: re.Pattern[str]
    forecast_re: re.Pattern[str]  # forecast_markers, anywhere
    negation_re: re.Pattern[str]
    stage_tests: tuple[tuple[str, re.Pattern[str]], ...]  # (stage, any of its patterns), in test order
    stage_rank: dict[str, int]
    share_base_re: re.Pattern[str]
    metric_stopwords: frozenset[str]
    increment_re: re.Pattern[str]
    level_re: re.Pattern[str]
    # the characters a match can start with (transforms.scan): the pattern is tried only there
    pattern_first: re.Pattern[str] | None
    exclusions_first: re.Pattern[str] | None  # of any exclusion
    latin_units: frozenset[str]  # units that are a Latin word (km, m2): "3km" only when it ends there
    strip_prefix_set: frozenset[str]


@cache
def unit_rules() -> UnitRules:
    data = _load(MAPPING)
    units: dict[str, tuple[str, float]] = {}
    for text, spec in (data.get("units") or {}).items():
        units[str(text)] = (str(spec["base"]), float(spec.get("factor", 1)))
    for c in data.get("classifiers") or []:
        units.setdefault(str(c), (str(c), 1.0))
    multipliers = {str(k): float(v) for k, v in (data.get("multipliers") or {}).items()}
    comp = data.get("comparators") or {}
    after = sorted(
        [*(comp.get("at_least", {}).get("after") or []), *(comp.get("at_most", {}).get("after") or [])],
        key=len,
        reverse=True,
    )
    unit_alt = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
    seps = "|".join(re.escape(s) for s in data.get("range_separators") or ["-"])
    approx_pre = (
        "|".join(re.escape(s) for s in sorted(data.get("approx_prefix") or [], key=len, reverse=True))
        or "(?!)"
    )
    approx_in = "|".join(re.escape(s) for s in data.get("approx_infix") or []) or "(?!)"
    mult = "|".join(re.escape(m) for m in ("万", "亿"))
    num = rf"\d+(?:,\d{{3}}(?!\d))*(?:\.\d+)?|[{CN_DIGITS}]*[零〇一二两三四五六七八九十][{CN_DIGITS}]*"
    # the groups in this order (pre, num, num2, ap1, mult, ap2, unit, after): _figures reads m.groups()
    pattern = re.compile(
        rf"(?P<pre>{approx_pre})?(?P<num>{num})(?:\s*(?:{seps})\s*(?P<num2>{num}))?"
        rf"(?P<ap1>{approx_in})?(?P<mult>{mult})?(?P<ap2>{approx_in})?\s?(?P<unit>{unit_alt})"
        rf"(?P<after>{'|'.join(re.escape(a) for a in after)})?"
    )
    strip_prefixes = tuple(sorted(data.get("metric_strip_prefixes") or [], key=len, reverse=True))
    at_least_before = tuple(comp.get("at_least", {}).get("before") or [])
    at_most_before = tuple(comp.get("at_most", {}).get("before") or [])
    not_quantity = tuple(re.compile(p) for p in data.get("not_quantity_patterns") or [])
    exclusions = RuleSet((QUOTES, *not_quantity))
    by_first: dict[str, list[str]] = {}
    for w in strip_prefixes:
        by_first.setdefault(w[0], []).append(w)
    by_last: dict[str, list[str]] = {}
    for w in (*at_least_before, *at_most_before, *NAME_TAIL_WORDS):
        by_last.setdefault(w[-1], []).append(w)
    return UnitRules(
        units=units,
        multipliers=multipliers,
        pattern=pattern,
        at_least_after=tuple(comp.get("at_least", {}).get("after") or []),
        at_most_after=tuple(comp.get("at_most", {}).get("after") or []),
        at_least_before=at_least_before,
        at_most_before=at_most_before,
        not_quantity=not_quantity,
        scope_words=tuple(data.get("scope_words") or []),
        rhetorical=frozenset(data.get("rhetorical_numerals") or []),
        forecast_markers=tuple(data.get("forecast_markers") or []),
        strip_prefixes=strip_prefixes,
        prefixes_by_first={k: tuple(v) for k, v in by_first.items()},
        tails_by_last={k: tuple(v) for k, v in by_last.items()},
        exclusions=exclusions,
        scope_re=_alternation(data.get("scope_words") or []),
        at_most_before_re=_alternation(at_most_before),
        at_least_before_re=_alternation(at_least_before),
        forecast_re=_alternation(data.get("forecast_markers") or []),
        negation_re=re.compile("|".join(data.get("negation_patterns") or []) or "(?!)"),
        stage_tests=tuple(
            (name, re.compile("|".join((data.get("stages") or {}).get(name) or []) or "(?!)"))
            for name in data.get("stage_test_order") or []
        ),
        stage_rank={name: i for i, name in enumerate(data.get("stage_order") or [])},
        share_base_re=re.compile(data.get("share_base_pattern") or "(?!)"),
        metric_stopwords=frozenset(str(w) for w in data.get("metric_stopwords") or []),
        increment_re=_alternation(data.get("increment_words") or []),
        level_re=_alternation(data.get("level_words") or []),
        pattern_first=first_chars(pattern),
        exclusions_first=first_chars(exclusions.combined),
        latin_units=frozenset(u for u in units if LATIN_UNIT.fullmatch(u)),
        strip_prefix_set=frozenset(strip_prefixes),
    )


def _alternation(words: list[str] | tuple[str, ...]) -> re.Pattern[str]:
    """The words as one regex, tried in their order (none: never matches)."""
    return re.compile("|".join(re.escape(w) for w in words) or "(?!)")


def mapping_file() -> str:
    """The file a reviewer edits to teach a new unit or exclusion."""
    return f"schemas/mappings/{mapping_path(MAPPING).name}"


@cache
def max_number() -> float:
    """The largest figure read as a quantity (readers.max_number in schemas/quality.yaml)."""
    from transforms.limits import reader_limits

    return float(reader_limits()["max_number"])


def parse_number(token: str) -> float | None:
    """'5,000' → 5000; '2702.08' → 2702.08; '二十四' → 24; None when it is not a number."""
    t = token.replace(",", "")
    if PLAIN_NUMBER.fullmatch(t):
        return float(t)
    return _chinese_number(t)


@lru_cache(maxsize=4096)
def _chinese_number(token: str) -> float | None:
    """cn2an's reading of a numeral (20 µs a call; a report repeats its few numerals)."""
    try:
        return float(cn2an.cn2an(token, "smart"))
    except (ValueError, KeyError, TypeError):
        return None


def _clause_bounds(text: str, pos: int, splits: list[int] | None = None) -> tuple[int, int]:
    """The clause (between 。，； … marks) around ``pos``; ``splits``: the marks' positions in text."""
    if splits is None:
        splits = [m.start() for m in CLAUSE_SPLIT.finditer(text)]
    k = bisect_left(splits, pos)
    return (splits[k - 1] + 1 if k else 0), (splits[k] if k < len(splits) else len(text))


def _excluded_spans(text: str, rules: UnitRules, before: int | None = None) -> list[tuple[int, int]]:
    """Spans of every exclusion's matches; with ``before``, only those starting before it (a
    span starting at or after the end of the last number cannot overlap a number)."""
    # one scan: most texts quote nothing
    if not starts_before(any_of(rules.exclusions), rules.exclusions_first, text, before):
        return []
    spans: list[tuple[int, int]] = []
    for p in rules.exclusions:  # sre's own scan (most open with a literal: 第, 中电科 …)
        for m in p.finditer(text):
            if before is not None and m.start() >= before:
                break
            spans.append(m.span())
    return spans


def _kind(text: str, start: int, end: int, rules: UnitRules) -> str | None:
    """increment or level: the kind of the last increment or level word in text[start:end] (the
    clause before a figure); the words are literal, so pos/endpos read exactly that slice."""
    inc = lev = -1
    for m in rules.increment_re.finditer(text, start, end):
        inc = m.end()
    for m in rules.level_re.finditer(text, start, end):
        lev = m.end()
    if inc < 0 and lev < 0:
        return None
    return "increment" if inc >= 0 and inc >= lev else "level"


def _share_base(clause: str, rules: UnitRules) -> str | None:
    """What a share in the clause is of (占GDP比重 → GDP), or None."""
    if "占" not in clause:
        return None
    m = rules.share_base_re.search(clause)
    return m.group("base") if m else None


def _strip_edges(name: str, lead: str, trail: str) -> str:
    """``name`` without its leading run of ``lead`` characters and white space, then its
    trailing run of ``trail`` characters and white space (a regex ^[..]+|[..]+$, without the scan)."""
    return name.lstrip(lead + WHITE_SPACE).rstrip(trail + WHITE_SPACE)


def _strip_name(name: str, rules: UnitRules) -> str:
    name = name.lstrip(NAME_LEAD).rstrip(NAME_TRAIL)
    changed = True
    while changed and name:
        changed = False
        for p in rules.prefixes_by_first.get(name[0], ()):
            if name.startswith(p) and len(name) > len(p):
                name, changed = name[len(p) :], True
                break
        for w in rules.tails_by_last.get(name[-1], ()):
            if name.endswith(w) and len(name) > len(w):
                name, changed = name[: -len(w)], True
                break
    name = _clean_name(name).strip(LIST_EDGE)
    if len(name) > 12:  # keep the last 12 characters, without a cut Latin word at the start
        name = name[-12:].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz&")
    return name


def _clean_name(name: str) -> str:
    """Drop codes, digits, brackets and a leading list fragment from a metric name."""
    if NAME_NOISE_START.search(name):  # a quick scan: most names are plain words
        name = NAME_NOISE.sub("", name)
    if "、" in name:
        name = name.rsplit("、", 1)[-1]
    return name.strip("、，,：: -—~")


def _suffix_name(text: str, pos: int = 0) -> str:
    """Name written after the number (at ``pos``): 建成100个农村互助养老之家 → 农村互助养老之家."""
    lead = SUFFIX_LEAD.match(text, pos)
    start = lead.end() if lead else pos
    # the word is at most 8 characters: 8 + the longest SUFFIX_STOP word of the run decide it
    m = CJK_RUN.match(text, start, start + SUFFIX_SPAN)
    if not m:
        return ""
    word = SUFFIX_STOP.split(m.group(0), maxsplit=1)[0]
    return word[:8]


def extract(text: str | None, *, forecasts: bool = True) -> list[Quantity]:
    """Every quantity in ``text`` in order. ``forecasts=False`` keeps only those that can be results
    (drops those in forecast or negated clauses)."""
    if not text:
        return []
    found = _extract(text)
    return [q for q in found if q.is_result] if not forecasts else list(found)


def clause_stage(clause: str, rules: UnitRules | None = None) -> str | None:
    """The stage a clause speaks of (stages in quantity_units.yaml), or None."""
    rules = rules or unit_rules()
    for name, pattern in rules.stage_tests:
        if pattern.search(clause):
            return name
    return None


def stage_rank(stage: str | None) -> int | None:
    """The position of a stage in stage_order (earlier stages are lower), or None."""
    return None if stage is None else unit_rules().stage_rank.get(stage)


def forget_quantities() -> None:
    """Forget the quantities remembered per text, and everything else the parse remembers per
    text (transforms.memo: deadline phrases, metric-name character pairs) — benchmarks of unseen reports."""
    _extract.cache_clear()
    _chinese_number.cache_clear()
    forget_texts()


def _new_quantity(fields: dict[str, Any]) -> Quantity:
    """Quantity(**fields), every field given, without the frozen dataclass's one
    object.__setattr__ per field (5 µs → 1 µs; a report has hundreds of quantities)."""
    q = object.__new__(Quantity)
    q.__dict__.update(fields)
    return q


def _figures(
    text: str, rules: UnitRules
) -> tuple[list[tuple[re.Match[str], float, float | None]], list[int]]:
    """The matches of the quantity pattern that are figures, with their values, and the ends of
    the scopes/qualifiers skipped (a metric name starts after them)."""
    candidates: list[tuple[re.Match[str], float]] = []
    rhetorical = rules.rhetorical
    top = max_number()
    for m in matches(rules.pattern, rules.pattern_first, text):
        num = m.group(2)
        if num in rhetorical:
            continue
        ns = m.start(2)
        if ns > 0 and GLUED_BEFORE.match(text, ns - 1):
            continue
        value = float(num.replace(",", "")) if num.isascii() else parse_number(num)
        if value is None or not 0 <= value <= top:
            continue  # beyond readers.max_number (a run of digits, an account number): not a figure
        candidates.append((m, value))
    if not candidates:
        return [], []
    excluded = _excluded_spans(text, rules, before=candidates[-1][0].end(2))
    raw: list[tuple[re.Match[str], float, float | None]] = []
    cuts: list[int] = []
    scope = rules.scope_re.match
    for m, value in candidates:
        if excluded:
            ns, ne = m.span(2)
            if any(s < ne and ns < e for s, e in excluded):
                continue
        num2 = m.group(3)
        value2 = parse_number(num2) if num2 else None
        end = m.end()
        sm = scope(text, end)
        if sm:
            scope_end = sm.end()
            cuts.append(scope_end + (1 if text.startswith("内", scope_end) else 0))
            continue
        if m.group(7) in rules.latin_units and LATIN_NEXT.match(text, end):
            continue  # "3km" only when the unit word ends there
        if m.group(8) and CJK.match(text, end):
            continue  # 20亿元以上项目, 5万元以下的村: a qualifier in a definition, not a figure
        raw.append((m, value, value2))
    return raw, cuts


@lru_cache(maxsize=8192)
def _extract(text: str) -> tuple[Quantity, ...]:
    """extract() of one text, remembered: a county repeats its task texts in every report of the
    year (and a stalled task its progress text), and a Quantity is immutable."""
    rules = unit_rules()
    raw, cuts = _figures(text, rules)
    if not raw:
        return ()
    out: list[Quantity] = []
    splits = [c.start() for c in CLAUSE_SPLIT.finditer(text)]
    n_splits = len(splits)
    units, multipliers = rules.units, rules.multipliers
    stopwords = rules.metric_stopwords
    # the clause of the figure at hand (figures come in text order, so a clause is never revisited):
    # its bounds, the end of its previous figure, its figures so far and what it says
    cs = ce = -1
    clause = ""
    prev_end = n_in_clause = 0
    items: list[str] | None = None
    forecast = negated = False
    stage = share_base = None
    # does the clause have a comparator word, an increment or level word at all (the words are
    # literal: none in the clause, none in a part of it)
    at_most = at_least = has_kind = False
    for m, value, value2 in raw:
        start, end = m.span()
        if not cs <= start < ce:  # another clause (between 。，； … marks)
            k = bisect_left(splits, start)
            cs, ce = (splits[k - 1] + 1 if k else 0), (splits[k] if k < n_splits else len(text))
            clause = text[cs:ce]
            prev_end, n_in_clause, items = cs, 0, None
            forecast = rules.forecast_re.search(clause) is not None
            negated = rules.negation_re.search(clause) is not None
            stage = clause_stage(clause, rules)
            share_base = _share_base(clause, rules)
            at_most = rules.at_most_before_re.search(clause) is not None
            at_least = rules.at_least_before_re.search(clause) is not None
            has_kind = bool(rules.increment_re.search(clause) or rules.level_re.search(clause))
        pre, _, _, ap1, mult_text, ap2, unit_text, after = m.groups()
        base_unit, factor = units[unit_text]
        mult_text, after = mult_text or "", after or ""
        comparator: str | None = None
        if value2 is not None and value2 > value:
            comparator = "range"
        elif after in rules.at_least_after:
            comparator = "at_least"
        elif after in rules.at_most_after:
            comparator = "at_most"
        elif at_most or at_least:  # pos/endpos read exactly the 8 characters before the figure
            lo = max(cs, start - 8)
            if at_most and rules.at_most_before_re.search(text, lo, start):
                comparator = "at_most"
            elif at_least and rules.at_least_before_re.search(text, lo, start):
                comparator = "at_least"
        # metric name: the words since the previous quantity of the clause, else the words after it
        seg_start = prev_end
        if cuts:
            seg_start = max([seg_start, *(c for c in cuts if cs <= c <= start)])
        segment = text[seg_start:start]
        name = _strip_name(segment, rules)
        if "分别" in clause:
            # 井冈蜜柚、稻渔综合种养面积分别突破13万亩和4.5万亩 → names in order
            if items is None:
                items = LIST_SPLIT.split(clause.split("分别")[0])
            if len(items) > 1 and n_in_clause < len(items):
                name = _strip_name(items[n_in_clause], rules)
        suffix: str | None = None
        if (
            len(name) < 2
            or name in rules.strip_prefix_set
            or LIST_MARK.search(name)
            or LIST_TAIL.search(segment)
            or name.endswith(("完成", "启动", "建设"))
        ):
            suffix = _suffix_name(text, end)
            if len(suffix) >= 2:  # 枫江、黄桥等4所卫生院 / 建成100个农村互助养老之家: the noun follows
                name = suffix
        name = _clean_name(name)
        if name in stopwords or name in units or len(name) < 2:
            if suffix is None:
                suffix = _suffix_name(text, end)
            name = suffix if len(suffix) >= 2 and suffix not in stopwords else ""
        prev_end = end
        n_in_clause += 1
        out.append(
            _new_quantity(
                {
                    "value": value,
                    "unit": mult_text + unit_text,
                    "base_value": value * multipliers.get(mult_text, 1.0) * factor,
                    "base_unit": base_unit,
                    "comparator": comparator,
                    "text": m.group(0),
                    "start": start,
                    "end": end,
                    "metric": name,
                    "clause": clause,
                    "forecast": forecast,
                    "approx": bool(pre or ap1 or ap2),
                    "value_high": value2 if comparator == "range" else None,
                    "negated": negated,
                    "stage": stage,
                    "share_base": share_base,
                    "kind": _kind(text, cs, start, rules) if has_kind else None,
                }
            )
        )
    return tuple(out)
