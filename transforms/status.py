"""Status of a task record (DESIGN.md "Status"): targets, results, metrics, status, 序时.

The phrase rules and their order are in ``schemas/mappings/status.yaml``; thresholds of the
meaning-based quality rules are in ``schemas/quality.yaml`` (key ``meaning``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from typing import Any

from rapidfuzz.distance import Indel

from schemas.quality import quality_config
from transforms.deadlines import task_deadline
from transforms.grid import Finding
from transforms.layout import seq_label
from transforms.mappings import FirstRule, RuleSet, _load, alternation, any_of, first_match, squash
from transforms.memo import remembered
from transforms.metrics import Pair, incomparable, kind_clash, metric_rows, name_score, pair
from transforms.normalize import TaskRecord
from transforms.quantities import Quantity, extract

STATUS_FILE = "schemas/mappings/status.yaml"
QUALITY_FILE = "schemas/quality.yaml"
PCT_CONTEXT = re.compile(r"(完成|完工|进度|完成率|完工率)[^，,。；;]{0,6}$")
NON_WORD = re.compile(r"\W")
WORD = re.compile(r"\w")  # a text without any is only punctuation (—, /)
_CLAUSE_SPLIT = re.compile(r"[，,；;。\n]")
PERCENT_END = "[%％]"  # how a progress_percent rule of status.yaml ends: it needs a percent sign
BARE_COUNT = re.compile(r"^\s*\d[\d,，]*(?:\.\d+)?\s*$")


@dataclass(frozen=True)
class Decision:
    status: str
    evidence: str | None
    confidence: str  # high | medium | low | none (nothing to judge by)
    rule: str  # which rule of status.yaml decided
    fraction: float | None = None  # measured share of the target, when one was measured


@dataclass(frozen=True)
class StatusRules:
    explicit: tuple[tuple[re.Pattern[str], str], ...]
    explicit_first: FirstRule  # the explicit patterns as one matcher: the first in order that occurs
    on_schedule_values: dict[str, bool]
    progress_percent: tuple[re.Pattern[str], ...]
    percent_signs: tuple[str, ...]  # ("%", "％") when every progress_percent rule ends in one, else ()
    phrases: dict[str, tuple[re.Pattern[str], ...]]
    standing_strong: tuple[str, ...]
    standing_weak: tuple[str, ...]
    standing_unless: tuple[str, ...]
    paper_task: tuple[str, ...]
    paper_only: tuple[re.Pattern[str], ...]
    paper_building: tuple[re.Pattern[str], ...]
    start_task: re.Pattern[str]
    start_progress: tuple[re.Pattern[str], ...]
    trial_run: tuple[re.Pattern[str], ...]
    unquantified_target: tuple[re.Pattern[str], ...]
    establish_verbs: tuple[str, ...]
    use_task: re.Pattern[str]
    use_progress: re.Pattern[str]
    built_progress: tuple[re.Pattern[str], ...]
    batch: re.Pattern[str]
    # the word lists as regexes: whether a text has any of them, which one it starts with
    standing_unless_re: re.Pattern[str]
    openers: dict[str, re.Pattern[str]]  # strong | weak | any (strong then weak)
    paper_task_re: re.Pattern[str]


@cache
def status_rules() -> StatusRules:
    d = _load("status")
    ph = d.get("phrases") or {}
    sd = d.get("standing_duty") or {}
    pw = d.get("paperwork") or {}
    sv = d.get("start_verbs") or {}
    strong, weak = tuple(sd.get("strong") or []), tuple(sd.get("weak") or [])
    explicit = tuple((re.compile(e["pattern"]), e["status"]) for e in d.get("explicit") or [])
    percent = [str(p) for p in d.get("progress_percent") or []]
    return StatusRules(
        explicit=explicit,
        explicit_first=FirstRule(p for p, _ in explicit),
        on_schedule_values={str(k): bool(v) for k, v in (d.get("on_schedule_values") or {}).items()},
        progress_percent=RuleSet(re.compile(p) for p in percent),
        percent_signs=("%", "％") if percent and all(p.endswith(PERCENT_END) for p in percent) else (),
        phrases={k: RuleSet(re.compile(p) for p in v or []) for k, v in ph.items()},
        standing_strong=strong,
        standing_weak=weak,
        standing_unless=tuple(sd.get("unless_task_has") or []),
        paper_task=tuple(pw.get("task_requires") or []),
        paper_only=RuleSet(re.compile(p) for p in pw.get("progress_only") or []),
        paper_building=RuleSet(re.compile(p) for p in pw.get("building_words") or []),
        start_task=re.compile(sv.get("task") or "(?!)"),
        start_progress=RuleSet(re.compile(p) for p in sv.get("progress") or []),
        trial_run=RuleSet(re.compile(re.escape(w)) for w in d.get("trial_run") or []),
        unquantified_target=RuleSet(re.compile(p) for p in d.get("unquantified_target") or []),
        establish_verbs=tuple(d.get("establish_verbs") or []),
        use_task=alternation((d.get("in_use") or {}).get("task") or []),
        use_progress=alternation((d.get("in_use") or {}).get("task") or []),
        built_progress=RuleSet(re.compile(p) for p in (d.get("in_use") or {}).get("built") or []),
        batch=re.compile(d.get("batch") or "(?!)"),
        standing_unless_re=alternation(sd.get("unless_task_has") or []),
        openers={"strong": alternation(strong), "weak": alternation(weak), "any": alternation(strong + weak)},
        paper_task_re=alternation(pw.get("task_requires") or []),
    )


@cache
def meaning_config() -> dict[str, Any]:
    return quality_config().get("meaning") or {}


@cache
def _meaning_thresholds() -> tuple[float, float, float]:
    """(completion_max_percent, repeat_similarity, repeat_verbatim_similarity) of quality.yaml."""
    cfg = meaning_config()
    return (
        float(cfg.get("completion_max_percent", 100)),
        float(cfg.get("repeat_similarity", 0.6)),
        float(cfg.get("repeat_verbatim_similarity", 0.9)),
    )


@cache
def _magnitude_limits() -> dict[str, float]:
    """Plausible maxima per base unit (quality.yaml meaning.max_base_value)."""
    return {str(k): float(v) for k, v in (meaning_config().get("max_base_value") or {}).items()}


@lru_cache(maxsize=1024)
def expected_progress(
    as_of: date | None, plan_year: int | None, period_type: str | None = None
) -> float | None:
    """序时进度 by the report's period: a monthly report (or one of unknown period) as of month m of the
    plan year → m/12; a quarterly or half-year report → the end of its quarter or half (1-8月 in a
    quarterly report is still the third quarter's 9/12); a year-end report → 12/12; after the plan
    year → 1.0."""
    if as_of is None or plan_year is None:
        return None
    if as_of.year < plan_year:
        return 0.0
    if as_of.year > plan_year or period_type == "year_end":
        return 1.0
    month = as_of.month
    if period_type == "quarterly":
        month = -(-month // 3) * 3
    elif period_type == "half_year":
        month = 6 if month <= 6 else 12
    return round(month / 12, 4)


def _first(patterns: tuple[re.Pattern[str], ...], text: str) -> re.Match[str] | None:
    """The earliest match of any pattern (the longest when two start together)."""
    return patterns.first(text) if isinstance(patterns, RuleSet) else first_match(patterns, text)


def clause_of(text: str, m: re.Match[str], limit: int = 60) -> str:
    """The clause of ``text`` around a match: the evidence a reviewer reads (an exact substring)."""
    start = max((text.rfind(c, 0, m.start()) for c in "，,；;。\n"), default=-1) + 1
    ends = [i for c in "，,；;。\n" if (i := text.find(c, m.end())) >= 0]
    end = min(ends) if ends else len(text)
    clause = text[start:end].strip()
    if len(clause) > limit:
        a = max(0, m.start() - start - limit // 2)
        clause = text[start + a : start + a + limit]
    return clause if m.group(0) in clause else m.group(0)


@remembered
@lru_cache(maxsize=16384)
def classify_explicit(raw: str | None) -> Decision | None:
    """An explicit status column value (已完成, 正常推进, 滞后, 是否达序 是/否) → a decision."""
    if not raw or not raw.strip():
        return None
    lines = [ln.strip() for ln in raw.splitlines() if ln.strip()]
    if len(lines) > 1:
        # one verdict per sub-item (merged 序号 rows): the task is only as far as its least advanced item
        parts = [d for d in (classify_explicit(ln) for ln in lines) if d is not None]
        if parts:
            order = ("behind", "not_started", "in_progress", "ongoing", "unknown", "completed")
            worst = min(parts, key=lambda d: order.index(d.status) if d.status in order else len(order))
            return Decision(
                worst.status, worst.evidence, "high" if len(parts) == len(lines) else "medium", "explicit"
            )
        return None
    key = squash(raw)
    r = status_rules()
    k = r.explicit_first.index(key)
    if k is not None:
        # a long cell (完成成效 with a sentence) is less certain than a one-word verdict
        return Decision(r.explicit[k][1], raw.strip(), "high" if len(key) <= 8 else "medium", "explicit")
    opened = opening_verdict(raw)  # `提前完成年度任务。…`: the verdict, then the detail
    if opened is not None:
        return Decision(opened[0], opened[1], "high", "explicit")
    return None


@cache
def _verdict_rules() -> tuple[
    re.Pattern[str], int, tuple[tuple[re.Pattern[str], str], ...], re.Pattern[str], FirstRule
]:
    """(a clause end, longest verdict, the anchored explicit patterns, the subjects a verdict may
    name first, the anchored patterns as one matcher) of status.yaml."""
    d = _load("status")
    anchored = tuple((p, code) for p, code in status_rules().explicit if p.pattern.startswith("^"))
    subjects = sorted(d.get("verdict_subjects") or [], key=len, reverse=True)
    subject = (
        re.compile("^(?:" + "|".join(re.escape(w) for w in subjects) + ")")
        if subjects
        else re.compile("(?!)")
    )
    ends = str(d.get("verdict_ends") or "。；;，,\n ")
    end = re.compile("[" + re.escape(ends) + "]")
    return end, int(d.get("verdict_max") or 12), anchored, subject, FirstRule(p for p, _ in anchored)


@remembered
@lru_cache(maxsize=16384)
def opening_verdict(text: str | None) -> tuple[str, str] | None:
    """The verdict a cell opens with (`已完成。 从2020年…` → (completed, 已完成)), or None.

    Only a first clause that is nothing but a status phrase counts (`完成土地款支付，…` is no verdict)."""
    if not text:
        return None
    end, longest, anchored, subject, verdicts = _verdict_rules()
    t = text.strip()
    m = end.search(t)
    cut = m.start() if m else len(t)
    if cut > 3 * longest:
        return None
    clause = t[:cut].strip()
    key = subject.sub("", squash(clause), count=1)
    if not key or len(key) > longest or cut == len(t) and len(key) > 8:
        return None
    k = verdicts.index(key)
    return None if k is None else (anchored[k][1], clause)


@remembered
@lru_cache(maxsize=16384)
def progress_percent(text: str) -> tuple[float, str] | None:
    """A stated completion percentage (`80%(…)`, 完成60%, 完工率达102.07%, 占比72%) and its text.

    Several stated shares (开工70%, 投资72%): the smallest decides.
    """
    r = status_rules()
    if r.percent_signs and not any(sign in text for sign in r.percent_signs):
        return None  # every rule ends in a percent sign: a text without one states no share
    patterns = r.progress_percent
    if any_of(patterns).search(text) is None:
        return None
    hits = [(float(m.group(1)), m.start(), m.group(0)) for p in patterns for m in p.finditer(text)]
    if not hits:
        return None
    value, _, matched = min(hits)
    return value / 100.0, matched


@remembered
@lru_cache(maxsize=16384)
def standing_opener(task_text: str, strength: str = "any") -> str | None:
    """The standing-duty opener of a task (坚持, 持续 …), or None when it asks to build something."""
    r = status_rules()
    t = task_text.strip()
    if r.standing_unless_re.search(t):
        return None
    m = r.openers.get(strength, r.openers["any"]).match(t)  # the first opener in order it starts with
    return m.group(0) if m else None


def is_standing_duty(task_text: str) -> bool:
    return standing_opener(task_text) is not None


def _on_schedule(fraction: float | None, expected: float | None) -> bool | None:
    if fraction is None or expected is None:
        return None
    return fraction >= expected - 1e-9


def decide_from_numbers(pairs: list[Pair], expected: float | None, n_targets: int) -> Decision | None:
    """Numbers outrank words: all paired targets met → completed; one below 序时 → behind.
    Each target is judged by its best result (rank 1); its further results are kept, not summed."""
    if not pairs:
        return None
    paired = [p for p in pairs if p.target is not None and p.actual is not None and p.rank == 1]
    if not paired:
        return None
    exp = expected if expected is not None else 1.0
    unmet = [p for p in paired if p.met is False]
    strong = all(not p.weak for p in paired) and len(paired) == n_targets
    if not unmet:
        ev = paired[0].actual.clause  # type: ignore[union-attr]
        return Decision("completed", ev, "high" if strong else "medium", "numbers", 1.0)
    worst = min(unmet, key=lambda p: p.ratio if p.ratio is not None else 0.0)
    ratio = worst.ratio or 0.0
    ev = worst.actual.clause  # type: ignore[union-attr]
    if worst.target is not None and worst.target.comparator == "at_most":
        return Decision("behind", ev, "medium", "numbers", None)
    if ratio < exp:
        return Decision("behind", ev, "high" if strong and ratio < exp * 0.9 else "medium", "numbers", ratio)
    return Decision("in_progress", ev, "medium", "numbers", ratio)


def decide_from_words(
    task_text: str,
    text: str,
    expected: float | None,
    has_targets: bool = False,
    has_figures: bool = False,
    figures_clause: str | None = None,
    figures: tuple[Quantity, ...] = (),
) -> Decision:
    """Rules 5-12 of status.yaml on the latest progress text; ``figures``: its results, if any."""
    words = _decide_by_phrases(task_text, text, expected, has_targets)
    if words is not None:
        return words
    batch = None if has_targets else _batch_counted(task_text, figures)
    if batch is not None:
        return Decision("completed", batch.clause, "low", "batch_counted")
    weak = None if has_targets else standing_opener(task_text, "weak")
    if weak:
        return Decision("ongoing", weak, "low", "standing_duty")
    if not has_targets and has_figures:
        if _unquantified_target(task_text):
            # 控制在上级下达目标之内: the target has no figure, the reported one cannot be compared
            return Decision("unknown", figures_clause, "low", "target_without_figure")
        return Decision("ongoing", figures_clause, "low", "activities")
    if not has_targets and BARE_COUNT.match(text):
        # a cumulative count (累计完成 921) against no target: activities reported, no end state
        return Decision("ongoing", text.strip(), "low", "activities")
    return Decision("unknown", None, "low", "nothing")


@remembered
@lru_cache(maxsize=16384)
def _decide_by_phrases(
    task_text: str, text: str, expected: float | None, has_targets: bool
) -> Decision | None:
    """Rules 5-11 of status.yaml up to 11a's establish verbs: they read only the task and progress
    texts, so each distinct pair is judged once (reports of a county repeat their rows); None when
    none applies (the batch, weak-opener and figure rules follow)."""
    r = status_rules()
    exp = expected if expected is not None else 1.0
    pct = progress_percent(text)
    if pct is not None:
        frac, ev = pct
        # a bare percentage cell (80%, 95%(…)) is the task's own progress; one inside a sentence
        # may be about a part of the task, so it decides with medium confidence at most
        top = "high" if text.startswith(ev) else "medium"
        if frac >= 1.0:
            return Decision("completed", ev, top, "progress_percent", frac)
        if frac < exp:
            return Decision("behind", ev, top if frac < exp * 0.9 else "medium", "progress_percent", frac)
        lag = _first(r.phrases.get("behind", ()), text) or _first(r.phrases.get("not_started", ()), text)
        if lag:
            return Decision("behind", clause_of(text, lag), "medium", "progress_percent+behind", frac)
        return Decision("in_progress", ev, "medium", "progress_percent", frac)
    ns = _first(r.phrases.get("not_started", ()), text)
    if ns:
        if _first(r.phrases.get("started", ()), text):
            return Decision("behind", clause_of(text, ns), "medium", "not_started+started")
        return Decision("not_started", clause_of(text, ns), "medium", "not_started")
    bh = _first(r.phrases.get("behind", ()), text)
    if bh:
        return Decision("behind", clause_of(text, bh), "medium", "behind")
    strong = None if has_targets else standing_opener(task_text, "strong")
    if strong:
        return Decision("ongoing", strong, "medium", "standing_duty")
    if (r.paper_task_re.search(task_text) or r.start_task.search(task_text.strip())) and not _first(
        r.paper_building, text
    ):
        pw = _first(r.paper_only, text)
        if pw:
            return Decision("not_started", clause_of(text, pw), "low", "paperwork")
    if r.start_task.search(task_text.strip()):
        st = _first(r.start_progress, text)
        if st:
            return Decision("completed", clause_of(text, st), "medium", "start_verbs")
    ip = _first(r.phrases.get("in_progress", ()), text)
    done = _first(r.phrases.get("completed", ()), text)
    if ip and r.paper_task_re.search(task_text) and (trial := _first(r.trial_run, text)):
        # built and running on trial: done, unless something else is still under way
        rest = _CLAUSE_SPLIT.split(text)
        if not any(_first(r.phrases.get("in_progress", ()), c) for c in rest if not _first(r.trial_run, c)):
            return Decision("completed", clause_of(text, trial), "low", "trial_run")
    if ip:
        return Decision("in_progress", clause_of(text, ip), "low" if done else "medium", "in_progress")
    if (
        r.use_task.search(task_text)
        and not r.use_progress.search(text)
        and (built := _first(r.built_progress, text))
    ):
        # 投入使用 asked, only the building reported (土建完成, 通过验收): an earlier stage
        return Decision("in_progress", clause_of(text, built), "low", "built_not_in_use")
    if done and r.paper_task_re.search(task_text):
        # the task asks to build: what is done is only paperwork (已完成编制规划) when every clause
        # saying done names a plan, design or approval; the building is still ahead
        done_clauses = [c for c in _CLAUSE_SPLIT.split(text) if _first(r.phrases.get("completed", ()), c)]
        if all(_first(r.paper_only, c) for c in done_clauses):
            return Decision("in_progress", clause_of(text, done), "low", "paperwork_done")
    if done:
        return Decision("completed", clause_of(text, done), "medium", "completed")
    made = next(
        (v for v in r.establish_verbs if v in task_text and (f"已{v}" in text or f"{v}了" in text)), None
    )
    if made is not None:
        # the task asks to establish something (建立…机制) and the text says it was (建立了“三长制”)
        ev = f"已{made}" if f"已{made}" in text else f"{made}了"
        return Decision("completed", clause_of(text, re.search(re.escape(ev), text)), "low", "established")  # type: ignore[arg-type]
    return None


@remembered
@lru_cache(maxsize=16384)
def _unquantified_target(task_text: str) -> bool:
    return any_of(status_rules().unquantified_target).search(task_text) is not None


def _batch_counted(task_text: str, figures: tuple[Quantity, ...]) -> Quantity | None:
    """A result counting what the task asks a batch of (一批重大项目 → 收集整理108个项目): any
    count of the same thing is the batch. The noun is the rest of the clause after 一批."""
    noun = _batch_noun(task_text)
    if noun is None:
        return None
    return next((q for q in figures if q.value > 0 and name_score(noun, q.metric) >= 2), None)


@remembered
@lru_cache(maxsize=16384)
def _batch_noun(task_text: str) -> str | None:
    m = status_rules().batch.search(task_text)
    return None if m is None else m.group(1)


@remembered
@lru_cache(maxsize=16384)
def _word_chars(text: str) -> str:
    """The text without punctuation and spaces (a task text recurs with every new progress text)."""
    return NON_WORD.sub("", text)


@remembered
@lru_cache(maxsize=16384)
def repeats_task(task_text: str, text: str) -> float:
    """Similarity 0..1 of the progress text to the task text, punctuation and spaces ignored:
    2 × (longest common subsequence) / (sum of the lengths)."""
    a, b = _word_chars(task_text), _word_chars(text)
    if not a or not b:
        return 0.0
    return Indel.normalized_similarity(a, b)


def latest_progress(record: TaskRecord) -> str:
    """The last non-empty progress column (reports may carry several dated ones)."""
    for p in reversed(record.progress):
        if p.get("text") and p["text"].strip():
            return p["text"].strip()
    return ""


def _finding(record: TaskRecord, rule: str, message: str, mapping_file: str | None = None) -> Finding:
    sev = (meaning_config().get("severities") or {}).get(rule, "warning")
    seq = seq_label(record.seq, record.sub_seq)
    return Finding(
        rule,
        sev,
        f"table {record.table_no} row {seq}: {message}",
        record.line_start,
        record.line_end,
        seq=seq,
        table_no=record.table_no,
        mapping_file=mapping_file,
    )


def quality_findings(
    record: TaskRecord,
    targets: list[Quantity],
    actuals: list[Quantity],
    pairs: list[Pair],
    text: str,
    sim: float | None = None,
) -> list[Finding]:
    """Quality rules that use meaning: magnitude, completion > 100 %, repeats, incomparable units.
    ``sim``: repeats_task(record.task_text, text) when the caller has it already."""
    if not targets and not actuals:  # nothing measured: only the repeat rule can apply
        if not text:
            return []
        if sim is None:
            sim = repeats_task(record.task_text, text)
        if sim < _meaning_thresholds()[1]:
            return []
    limits = _magnitude_limits()
    out: list[Finding] = []
    for q in [*targets, *actuals]:
        lim = limits.get(q.base_unit)
        if lim is not None and q.base_value > lim:
            out.append(
                _finding(
                    record,
                    "meaning.implausible_magnitude",
                    f"{q.text} ({q.base_value:.4g} {q.base_unit}) is above the plausible maximum {lim:.4g} {q.base_unit} "
                    f"for a county figure, in {q.clause!r}",
                    QUALITY_FILE,
                )
            )
    cap = _meaning_thresholds()[0]
    for q in actuals:
        if q.base_unit == "%" and q.value > cap and PCT_CONTEXT.search(text[: q.start]):
            out.append(
                _finding(
                    record,
                    "meaning.completion_over_100",
                    f"completion {q.text} is above {cap:g} % in {q.clause!r}",
                    QUALITY_FILE,
                )
            )
    if sim is None:
        sim = repeats_task(record.task_text, text)
    measured = any(p.target is not None and p.actual is not None for p in pairs)
    if text and not measured and sim >= _meaning_thresholds()[1]:
        out.append(
            _finding(
                record,
                "meaning.progress_repeats_task",
                f"the progress text only repeats the task text (similarity {sim:.2f})",
                QUALITY_FILE,
            )
        )
    paired_a = {id(p.actual) for p in pairs if p.actual is not None and p.target is not None}
    for p in pairs:
        if p.target is None or p.actual is not None:
            continue
        clash = next(
            (
                a
                for a in actuals
                if id(a) not in paired_a
                and a.base_unit == p.target.base_unit
                and kind_clash(p.target, a)
                and name_score(p.target.metric, a.metric) >= 2
            ),
            None,
        )
        if clash is not None:
            out.append(
                _finding(
                    record,
                    "meaning.increment_vs_level",
                    f"target {p.target.text} ({p.target.kind}, {p.target.metric}) and result {clash.text} ({clash.kind}, "
                    f"{clash.metric}) are not paired: an increment is not a level",
                    "schemas/mappings/quantity_units.yaml",
                )
            )
    for t, a in incomparable(targets, actuals, pairs):
        out.append(
            _finding(
                record,
                "meaning.incomparable_units",
                f"target {t.text} ({t.metric}) and result {a.text} ({a.metric}) have units that cannot be compared "
                f"({t.base_unit} vs {a.base_unit}); add a conversion to schemas/mappings/quantity_units.yaml if they can",
                "schemas/mappings/quantity_units.yaml",
            )
        )
    return out


def reported_share(text: str, pairs: list[Pair]) -> float | None:
    """The share of the task done by the report's own account, 0–1 (above 1 when exceeded).

    A stated completion percentage (完成年度任务的85%, 完成投资72%, 完工率51.9%; several: the
    smallest), unless it is the result of a rate target (在园人数占比达32.5% for a 占比达到50%
    target is a level, not a share of the work); else the share measured for a money or quantity
    target (累计完成投资3000万元 of 计划投资6000万元 → 0.5; several targets: the least advanced).
    """
    rates = {
        round(p.actual.value, 6)
        for p in pairs
        if p.target is not None and p.actual is not None and p.target.base_unit == "%"
    }
    pct = progress_percent(text) if text else None
    if pct is not None and round(pct[0] * 100, 6) not in rates:
        return round(pct[0], 4)
    shares = [
        p.ratio
        for p in pairs
        if p.ratio is not None
        and p.rank == 1
        and p.target is not None
        and p.target.base_unit != "%"
        and p.target.comparator != "at_most"
    ]
    return round(min(shares), 4) if shares else None


def annotate_record(
    record: TaskRecord, as_of: date | None, plan_year: int | None, period_type: str | None = None
) -> list[Finding]:
    """Fill targets, actuals, metrics, status (+ evidence, confidence), 序时 and on-schedule flag."""
    expected = expected_progress(as_of, plan_year, period_type)
    record.expected_progress = expected
    task = record.task_text or ""
    if record.target_text and record.target_text != task:
        task = f"{task}\n{record.target_text}"
    text = latest_progress(record)
    if (
        text
        and WORD.search(text) is None
        and record.note
        and _first(status_rules().phrases.get("not_started", ()), record.note)
    ):
        # the progress is only a dash (—, /): a note that says the work waits to start speaks for it
        text = record.note.strip()
    targets = extract(task)
    actuals = [q for q in extract(text) if q.is_result]
    pairs = pair(targets, actuals)
    record.targets = [q.as_record() for q in targets]
    record.actuals = [q.as_record() for q in actuals]
    record.metrics = metric_rows(pairs)
    sim = repeats_task(record.task_text, text)
    findings = quality_findings(record, targets, actuals, pairs, text, sim)

    numbers = decide_from_numbers(pairs, expected, len(targets))
    explicit = classify_explicit(record.status_raw)
    if (
        explicit is None
        and not (record.status_raw or "").strip()
        and (opened := opening_verdict(text)) is not None
    ):
        # the progress cell opens with the row's stated verdict (`已完成。 从…`): it outranks the detail
        explicit = Decision(opened[0], opened[1], "high", "verdict_in_progress")
    # nearly word for word: nothing to judge by; a looser restatement adds what was done
    repeat = sim >= _meaning_thresholds()[2]
    on_flag = status_rules().on_schedule_values.get(squash(record.status_raw or ""))
    if explicit is not None and on_flag is True and text:
        # 是否达序 = 是 says "on schedule", not "finished": completed only when the text says so
        inner = numbers or decide_from_words(record.task_text, text, expected, bool(targets), bool(actuals))
        if inner.status == "completed":
            decision = Decision(
                "completed",
                inner.evidence,
                "high" if inner.confidence != "low" else "medium",
                "explicit+text",
            )
        else:
            decision = explicit
            if inner.status == "behind":  # the report's own verdict wins, but not silently
                findings.append(
                    _finding(
                        record,
                        "meaning.status_contradicts_schedule",
                        f"the status column says {record.status_raw!r} (on schedule) but {inner.evidence!r} is behind "
                        f"序时 {expected if expected is not None else 1.0:.1%}",
                        STATUS_FILE,
                    )
                )
    elif explicit is not None:
        decision = explicit
        if (
            numbers is not None
            and numbers.status != explicit.status
            and {numbers.status, explicit.status} & {"behind", "completed"}
        ):
            decision = Decision(explicit.status, explicit.evidence, "medium", "explicit")
            findings.append(
                _finding(
                    record,
                    "meaning.status_contradicts_numbers",
                    f"the status column says {record.status_raw or explicit.evidence!r} but the figures say {numbers.status} ({numbers.evidence!r})",
                    STATUS_FILE,
                )
            )
    elif not text:
        decision = Decision("unknown", None, "none", "no_progress")  # a plan: nothing to judge by
    elif len(squash(text)) <= 8 and (word := classify_explicit(text.strip("。;；"))) is not None:
        decision = word  # the progress cell is itself a status word (已完成)
    elif numbers is not None and numbers.status == "completed" and numbers.confidence != "high":
        # some targets unmeasured: words that say behind / not started win over a partial count
        words = decide_from_words(
            record.task_text,
            text,
            expected,
            bool(targets),
            bool(actuals),
            actuals[0].clause if actuals else None,
            tuple(actuals),
        )
        if words.status in ("behind", "not_started"):
            decision = Decision("behind", words.evidence, "low", "numbers+words")
        else:
            decision = numbers
    elif numbers is not None:
        decision = numbers
    elif repeat:
        decision = Decision("unknown", text[:60], "low", "repeats_task")
    else:
        decision = decide_from_words(
            record.task_text,
            text,
            expected,
            bool(targets),
            bool(actuals),
            actuals[0].clause if actuals else None,
            tuple(actuals),
        )

    if (
        decision.rule == "activities"
        and task_deadline(record.deadline, record.task_text, plan_year, False, record.target_text)[2]
    ):
        # figures reported for a task with a deadline (年内实现…): a project under way, not a standing duty
        decision = Decision("in_progress", decision.evidence, "low", "activities+deadline")

    if period_type == "year_end" and decision.status == "in_progress":
        # what is not done at the year's end is behind (a standing duty is ongoing, never in_progress)
        if decision.rule.startswith("explicit"):
            findings.append(
                _finding(
                    record,
                    "meaning.status_contradicts_schedule",
                    f"the status column says {record.status_raw!r} in a year-end report, where what is not done is behind",
                    STATUS_FILE,
                )
            )
        else:
            conf = "medium" if decision.confidence == "high" else decision.confidence
            decision = Decision(
                "behind", decision.evidence, conf, f"{decision.rule}+year_end", decision.fraction
            )

    record.status = decision.status
    record.status_evidence = decision.evidence
    record.status_confidence = decision.confidence
    onsched = (record.status_raw or "").strip()
    if onsched in status_rules().on_schedule_values:
        record.on_schedule = status_rules().on_schedule_values[onsched]
    elif decision.status == "completed":
        record.on_schedule = True
    elif decision.status in ("behind", "not_started"):
        record.on_schedule = False if expected else None
    elif decision.status == "in_progress":
        record.on_schedule = _on_schedule(decision.fraction, expected)
    else:
        record.on_schedule = None
    # a standing duty: so judged here, or a task without targets that opens with a strong opener
    # (坚持, 持续 …: rule 8) whatever this report's text says
    standing = decision.rule == "standing_duty" or (
        not targets and standing_opener(record.task_text or "", "strong") is not None
    )
    record.deadline_text, record.deadline_date, record.deadline_basis = task_deadline(
        record.deadline, record.task_text, plan_year, standing, record.target_text
    )
    record.reported_pct = reported_share(text, pairs)
    record.pct_gap = (
        round(record.reported_pct - expected, 4)
        if record.reported_pct is not None and expected is not None
        else None
    )
    return findings
