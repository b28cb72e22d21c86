"""A pattern tried only where a match can start finds finditer's matches (transforms/scan.py)."""

from __future__ import annotations

import re

import pytest

from tests.helpers import REFERENCE
from transforms.quantities import unit_rules
from transforms.scan import first_chars, matches, starts_before


def _texts() -> list[str]:
    texts = [t for line in REFERENCE.read_text(encoding="utf-8").splitlines() for t in line.split("|")]
    return texts + ["约5000个", "将近一万人", "大约3-5个", "近二十四万平方米", "１２个", "近约5个", "", "a-b]^c"]


@pytest.mark.parametrize(
    ("pattern", "first"),
    [
        (r"(?P<pre>约|近)?\d+个", r"[约近\d]"),
        (r"[0-9]+国道|[0-9]+省道|[0-9]+号", "[0-90-90-9]"),
        (r"(?<![a-z])(?:第)?[一二]季度", "[第一二]"),
        (r"[-\]^]x", r"[\-\]\^]"),
        (r"\s*月", r"[\s月]"),
        (r"a*", None),  # matches the empty string: every position
        (r".x", None),
        (r"[^x]y", None),
        (r"(?i)x", None),
    ],
)
def test_first_characters_of_a_pattern(pattern, first):
    got = first_chars(re.compile(pattern))
    assert (got.pattern if got else None) == first


def test_matches_are_finditers_for_the_quantity_and_exclusion_patterns():
    rules = unit_rules()
    patterns = [rules.pattern, rules.exclusions.combined, *rules.exclusions, re.compile(r"a*"), re.compile(r"[-\]]")]
    found = 0
    for p in patterns:
        first = first_chars(p)
        for text in _texts():
            want = [m.span() for m in p.finditer(text)]
            assert [m.span() for m in matches(p, first, text)] == want, (p.pattern, text)
            for before in (0, 3, len(text) // 2):
                assert [m.span() for m in matches(p, first, text, before)] == [s for s in want if s[0] < before]
                assert starts_before(p, first, text, before) == any(s[0] < before for s in want)
            assert starts_before(p, first, text) == bool(want)
            found += len(want)
    assert found > 500
