"""The rule matching helpers of transforms/mappings.py: first_match over a RuleSet gives what
trying every rule at the earliest match gives (the status phrase rules on every sample line)."""

from __future__ import annotations

import re

from tests.helpers import EXCERPTS, REFERENCE
from transforms.mappings import FirstRule, RuleSet, alternation, any_of, first_match
from transforms.status import status_rules


def _first_by_every_rule(patterns: tuple[re.Pattern[str], ...], text: str) -> tuple[str, int, int] | None:
    """The definition: the earliest match of any rule, the longest there, the first rule of those."""
    hits = [m for p in patterns if (m := p.search(text))]
    if not hits:
        return None
    start = min(m.start() for m in hits)
    best = None
    for p in patterns:
        m = p.match(text, start)
        if m is not None and (best is None or len(m.group(0)) > len(best.group(0))):
            best = m
    assert best is not None
    return best.re.pattern, best.start(), best.end()


def _key(m: re.Match[str] | None) -> tuple[str, int, int] | None:
    return None if m is None else (m.re.pattern, m.start(), m.end())


def test_first_match_longest_then_first_in_order():
    rules = RuleSet(re.compile(p) for p in ["完成", "已完成", "已完成建设", "已完"])
    # earliest position wins over a longer later match; the longest there; order breaks ties
    assert _key(first_match(rules, "项目已完成建设，全部完成")) == ("已完成建设", 2, 7)
    assert _key(first_match(rules, "全部完成")) == ("完成", 2, 4)
    assert _key(first_match(RuleSet(re.compile(p) for p in ["a.", "ab", "a"]), "xab")) == ("a.", 1, 3)
    assert first_match(rules, "尚未开工") is None
    assert first_match(RuleSet([]), "任何文字") is None
    # a plain tuple and a RuleSet of the same rules agree
    assert _key(first_match(tuple(rules), "项目已完成建设")) == _key(first_match(rules, "项目已完成建设"))
    assert any_of(rules).pattern == any_of(tuple(rules)).pattern


def test_first_match_agrees_with_every_rule_on_all_sample_lines():
    r = status_rules()
    rule_sets = [*r.phrases.values(), r.paper_only, r.paper_building, r.start_progress, r.progress_percent]
    assert all(isinstance(rs, RuleSet) for rs in rule_sets)
    lines = REFERENCE.read_text(encoding="utf-8").splitlines()
    lines += [ln for p in sorted(EXCERPTS.glob("*.txt")) for ln in p.read_text(encoding="utf-8").splitlines()]
    checked = hits = 0
    for line in lines:
        for cell in line.split("|"):
            for rules in rule_sets:
                expected = _first_by_every_rule(tuple(rules), cell)
                assert _key(first_match(rules, cell)) == expected, (cell, rules.combined.pattern[:40])
                checked += 1
                hits += expected is not None
    assert checked > 5000 and hits > 200


def test_alternation_tells_which_word_a_text_starts_with():
    words = alternation(["坚持", "坚持不懈", "持续", "a.b"])
    assert words.match("坚持不懈推进").group(0) == "坚持"  # the first word in order, as startswith would
    assert words.match("a.b 以外") and not words.match("axb")  # words are literal
    assert words.search("要持续推进") and not words.search("推进")
    assert alternation([]).search("任何文字") is None


def _first_rule_by_loop(patterns: tuple[re.Pattern[str], ...], text: str) -> int | None:
    """The definition: the first rule in list order that a search finds."""
    return next((k for k, p in enumerate(patterns) if p.search(text)), None)


def test_first_rule_is_the_first_in_list_order_not_the_leftmost():
    rules = FirstRule(re.compile(p) for p in ["推进", "滞后|未达序", "^(已完成|完成)$", "(a)(b)?"])
    assert rules.index("进度滞后，仍在推进") == 0  # 推进 is later in the text but first in the list
    assert rules.index("进度滞后") == 1
    assert rules.index("已完成") == 2 and rules.index("已完成了") is None
    assert rules.index("xab") == 3  # the rules' own groups do not confuse which rule it was
    assert FirstRule([]).index("任何文字") is None


def test_first_rule_agrees_with_a_loop_on_all_sample_cells():
    from transforms.mappings import header_map, unit_map

    hm, um, r = header_map(), unit_map(), status_rules()
    lists = [
        (r.explicit_first, tuple(p for p, _ in r.explicit)),
        (hm._listed, tuple(p for p, _ in hm.patterns)),
        (hm._keyworded, tuple(p for p, _ in hm.keywords)),
        (um._typed, tuple(p for p, _ in um.types)),
    ]
    lines = REFERENCE.read_text(encoding="utf-8").splitlines()
    lines += [ln for p in sorted(EXCERPTS.glob("*.txt")) for ln in p.read_text(encoding="utf-8").splitlines()]
    cells = {c.strip() for ln in lines for c in ln.split("|")}
    cells |= {w for c in list(cells) for w in c.split()}  # single words: unit names, status words
    checked = hits = 0
    for cell in sorted(cells):
        for matcher, patterns in lists:
            expected = _first_rule_by_loop(patterns, cell)
            assert matcher.index(cell) == expected, (cell, matcher.combined.pattern[:40])
            checked += 1
            hits += expected is not None
    assert checked > 2000 and hits > 200


def test_percent_sign_shortcut_changes_no_stated_share():
    """progress_percent skips texts without a percent sign only because every rule needs one: on
    every sample cell it gives what trying every rule gives."""
    from transforms.status import progress_percent

    r = status_rules()
    assert r.percent_signs == ("%", "％")  # every progress_percent rule of status.yaml ends in one
    lines = REFERENCE.read_text(encoding="utf-8").splitlines()
    lines += [ln for p in sorted(EXCERPTS.glob("*.txt")) for ln in p.read_text(encoding="utf-8").splitlines()]
    stated = 0
    for cell in {c.strip() for ln in lines for c in ln.split("|")}:
        hits = [
            (float(m.group(1)), m.start(), m.group(0)) for p in r.progress_percent for m in p.finditer(cell)
        ]
        expected = (min(hits)[0] / 100.0, min(hits)[2]) if hits else None
        assert progress_percent(cell) == expected, cell
        stated += expected is not None
    assert stated >= 15
