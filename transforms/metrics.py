"""Pair the targets of a task with the results in its progress text (→ fct_task_metric rows).

A target and a result pair when they have the same base unit (万亩 and 亩 do, 个 and 所 do not)
and their metric names share words (character bigrams). When exactly one target and one result
share a base unit they pair even without shared words. Rules that forbid a pairing
(a 新增 target is not measured by a 余额 result) live in schemas/mappings/quantity_units.yaml.

A target keeps every result that measures it (完成4个 and 在建6个 for a target of 10个): its best
result has rank 1 and is the one the status judgement reads; further results of the same base unit
whose names share at least two character pairs with it, not forbidden and not above 1.5 × the
target, follow with rank 2, 3 … The target restated beside its result (6个乡镇供水管网已完成铺设4个:
the 6 is the whole, not a result) is none. A result measures at most one target, and a target
without a result gets none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from transforms.mappings import _load
from transforms.memo import remembered
from transforms.quantities import Quantity, stage_rank

METRIC_COLUMNS = [
    "metric",
    "comparator",
    "target_value",
    "target_unit",
    "target_text",
    "target_base_value",
    "actual_value",
    "actual_unit",
    "actual_text",
    "actual_base_value",
    "base_unit",
    "achievement_ratio",
    "met",
    "result_rank",
]


FURTHER_MIN_SCORE = (
    2.0  # a further result shares two character pairs with the target's name (a word, not a character)
)


@dataclass(frozen=True)
class Pair:
    target: Quantity | None
    actual: Quantity | None
    score: float = 0.0
    weak: bool = False  # paired on the unit alone
    rank: int = 1  # 1: the target's best result (or a target or result alone); 2, 3 …: further results

    @property
    def ratio(self) -> float | None:
        if self.target is None or self.actual is None or not self.target.base_value:
            return None
        return round(self.actual.base_value / self.target.base_value, 4)

    @property
    def met(self) -> bool | None:
        if self.target is None or self.actual is None:
            return None
        t, a = self.target.base_value, self.actual.base_value
        if self.target.comparator == "at_most":
            return a <= t
        return a >= t


@cache
def _exclusive() -> tuple[tuple[str, str], ...]:
    data = _load("quantity_units")
    return tuple((str(a), str(b)) for a, b in (data.get("pairing_exclusions") or []))


@remembered
@lru_cache(maxsize=8192)
def _grams(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The character bigrams and the characters of a name (a report scores each name many times)."""
    return frozenset(text[i : i + 2] for i in range(len(text) - 1)), frozenset(text)


def name_score(a: str, b: str) -> float:
    """Shared character bigrams plus a quarter point per shared character."""
    if not a or not b:
        return 0.0
    pa, ca = _grams(a)
    pb, cb = _grams(b)
    return len(pa & pb) + 0.25 * len(ca & cb)


def _forbidden(t: Quantity, a: Quantity) -> bool:
    """Pairs that never measure each other: an increment and a level (kind_clash); a 新增 target and
    a 余额 result (pairing_exclusions);
    a result at an earlier stage than its target (开工 for 建成, stages in quantity_units.yaml);
    shares of different bases (占GDP比重 and 占主营业务收入的比)."""
    for x, y in _exclusive():
        if x in t.clause and y in a.metric:
            return True
    rt, ra = stage_rank(t.stage), stage_rank(a.stage)
    if rt is not None and ra is not None and ra < rt:
        return True
    if t.share_base and a.share_base and name_score(t.share_base, a.share_base) < 1.0:
        return True
    return kind_clash(t, a)


def kind_clash(t: Quantity, a: Quantity) -> bool:
    """An increment target and a level result (新增学位5000个 / 学位总数8000个), or the other way round."""
    return bool(t.kind and a.kind and t.kind != a.kind)


def implausibility(t: Quantity, a: Quantity) -> float:
    """How far a result's magnitude is from its target's: 0 up to 1.5 × the target, then growing
    with the log of the ratio (a result of 12 for a target of 3 is less likely than for 31)."""
    if not t.base_value or a.base_value <= 0:
        return 0.0
    ratio = a.base_value / t.base_value
    return 0.0 if ratio <= 1.5 else math.log(ratio / 1.5)


def pair(targets: list[Quantity], actuals: list[Quantity]) -> list[Pair]:
    """Targets and results paired one to one (best names first, rank 1), then the further results of
    each paired target (rank 2 …); the rest stay unpaired. Order: each target followed by its
    further results, then the unpaired results."""
    if not targets or not actuals:  # most tasks: nothing to pair
        return [Pair(t, None) for t in targets] + [Pair(None, a) for a in actuals]
    cands: list[tuple[float, float, int, int, int]] = []
    for i, t in enumerate(targets):
        for j, a in enumerate(actuals):
            if t.base_unit != a.base_unit or _forbidden(t, a):
                continue
            s = name_score(t.metric, a.metric)
            cands.append((s, implausibility(t, a), abs(i - j), i, j))
    cands.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_t: set[int] = set()
    used_a: set[int] = set()
    pairs: dict[int, Pair] = {}
    for s, _, _, i, j in cands:
        if i in used_t or j in used_a:
            continue
        if s < 1.0:
            same_t = [k for k, t in enumerate(targets) if t.base_unit == targets[i].base_unit]
            same_a = [
                k
                for k, a in enumerate(actuals)
                if a.base_unit == targets[i].base_unit and not _forbidden(targets[i], a)
            ]
            if len(same_t) != 1 or len(same_a) != 1:
                continue
            pairs[i] = Pair(targets[i], actuals[j], s, weak=True)
        else:
            pairs[i] = Pair(targets[i], actuals[j], s)
        used_t.add(i)
        used_a.add(j)
    further = _further_results(targets, actuals, pairs, used_a)
    out: list[Pair] = []
    for i, t in enumerate(targets):
        out.append(pairs.get(i, Pair(t, None)))
        out += [p for _, p in further.get(i, [])]
        used_a.update(j for j, _ in further.get(i, []))
    out += [Pair(None, a) for j, a in enumerate(actuals) if j not in used_a]
    return out


def _further_results(
    targets: list[Quantity], actuals: list[Quantity], pairs: dict[int, Pair], used_a: set[int]
) -> dict[int, list[tuple[int, Pair]]]:
    """The results left over by the one-to-one pairing that measure a paired target too: same base
    unit, name score ≥ FURTHER_MIN_SCORE, not forbidden, at most 1.5 × the target, not the target's
    own figure in the clause of its best result. Each goes to the target it shares most words
    with; per target ranked 2, 3 … by name score, then position.
    Returns {target index: [(result index, pair)]}."""
    found: dict[int, list[tuple[float, int]]] = {}
    for j, a in enumerate(actuals):
        if j in used_a:
            continue
        best: tuple[float, int] | None = None
        for i, p in pairs.items():
            t = targets[i]
            if p.weak or t.base_unit != a.base_unit or _forbidden(t, a) or implausibility(t, a) > 0:
                continue
            if p.actual is not None and a.clause == p.actual.clause and a.base_value == t.base_value:
                continue  # the target restated beside its result: the whole, not a part done
            s = name_score(t.metric, a.metric)
            if s >= FURTHER_MIN_SCORE and (best is None or s > best[0]):
                best = (s, i)
        if best is not None:
            found.setdefault(best[1], []).append((best[0], j))
    return {
        i: [
            (j, Pair(targets[i], actuals[j], s, rank=k))
            for k, (s, j) in enumerate(sorted(cands, key=lambda c: (-c[0], c[1])), start=2)
        ]
        for i, cands in found.items()
    }


def incomparable(
    targets: list[Quantity], actuals: list[Quantity], pairs: list[Pair]
) -> list[tuple[Quantity, Quantity]]:
    """Unpaired targets whose best-named result has a unit that cannot be compared with theirs."""
    paired_a = {id(p.actual) for p in pairs if p.actual is not None and p.target is not None}
    out: list[tuple[Quantity, Quantity]] = []
    for p in pairs:
        if p.target is None or p.actual is not None:
            continue
        best = max(
            (a for a in actuals if id(a) not in paired_a and a.base_unit != p.target.base_unit),
            key=lambda a: name_score(p.target.metric, a.metric),  # type: ignore[union-attr]
            default=None,
        )
        if best is not None and name_score(p.target.metric, best.metric) >= 2:
            out.append((p.target, best))
    return out


def metric_rows(pairs: list[Pair]) -> list[dict[str, Any]]:
    """fct_task_metric rows (without keys) for paired and unpaired quantities."""
    rows = []
    for p in pairs:
        t, a = p.target, p.actual
        if t is not None and a is not None:
            rows.append(
                {
                    # a quantity without a name of its own has none here: never its classifier (个)
                    "metric": t.metric or a.metric,
                    "comparator": t.comparator,
                    "target_value": t.value,
                    "target_unit": t.unit,
                    "target_text": t.text,
                    "target_base_value": t.base_value,
                    "actual_value": a.value,
                    "actual_unit": a.unit,
                    "actual_text": a.text,
                    "actual_base_value": a.base_value,
                    "base_unit": t.base_unit,
                    "achievement_ratio": p.ratio,
                    "met": p.met,
                    "result_rank": p.rank,
                }
            )
            continue
        q = t or a
        assert q is not None
        rows.append(
            {
                "metric": q.metric,
                "comparator": t.comparator if t else None,
                "target_value": t.value if t else None,
                "target_unit": t.unit if t else None,
                "target_text": t.text if t else None,
                "target_base_value": t.base_value if t else None,
                "actual_value": a.value if a else None,
                "actual_unit": a.unit if a else None,
                "actual_text": a.text if a else None,
                "actual_base_value": a.base_value if a else None,
                "base_unit": q.base_unit,
                "achievement_ratio": None,
                "met": None,
                "result_rank": p.rank,
            }
        )
    return rows
