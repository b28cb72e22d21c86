"""Find a regex's matches by trying it only where a match can start.

sre tries a pattern at every position of a text unless the pattern opens with a literal or a
character class; the quantity and exclusion patterns open with an optional prefix or a repeat
(``(?P<pre>约)?\\d+…``, ``[0-9]+号``), so a scan costs one attempt per character. ``first_chars``
reads from the parsed pattern the characters a match can start with, as one character class
(sre scans for it in C), and ``matches`` tries the pattern only there: the same matches as
``finditer``, for a text of 50 characters with 4 such characters 4 attempts instead of 50.
"""

from __future__ import annotations

import re
import re._constants as sre_c  # the parsed form of a pattern (the stdlib's own parser)
import re._parser as sre_parse
from typing import Any

_CATEGORY = {
    sre_c.CATEGORY_DIGIT: r"\d",
    sre_c.CATEGORY_NOT_DIGIT: r"\D",
    sre_c.CATEGORY_SPACE: r"\s",
    sre_c.CATEGORY_NOT_SPACE: r"\S",
    sre_c.CATEGORY_WORD: r"\w",
    sre_c.CATEGORY_NOT_WORD: r"\W",
}
_REPEATS = (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, sre_c.POSSESSIVE_REPEAT)
_ZERO_WIDTH = (sre_c.AT, sre_c.ASSERT, sre_c.ASSERT_NOT)


def _char(code: int) -> str:
    return re.escape(chr(code))


def _class_parts(items: list[tuple[Any, Any]]) -> list[str] | None:
    """A character class's items as class text, or None (a negated class: any character)."""
    parts: list[str] = []
    for op, av in items:
        if op is sre_c.LITERAL:
            parts.append(_char(av))
        elif op is sre_c.RANGE:
            parts.append(f"{_char(av[0])}-{_char(av[1])}")
        elif op is sre_c.CATEGORY and av in _CATEGORY:
            parts.append(_CATEGORY[av])
        else:
            return None
    return parts


def _first(items: Any) -> tuple[list[str] | None, bool]:
    """(class text of the characters a match of the sequence ``items`` can start with — None: any
    character —, whether the sequence can match the empty string)."""
    parts: list[str] = []
    for op, av in items:
        if op is sre_c.LITERAL:
            return [*parts, _char(av)], False
        if op is sre_c.IN:
            sub = _class_parts(av)
            return (None if sub is None else [*parts, *sub]), False
        if op in _ZERO_WIDTH:
            continue  # consumes nothing: the next item starts the match (a superset is safe)
        if op is sre_c.BRANCH:
            alternatives: list[Any] = av[1]
        elif op is sre_c.SUBPATTERN:
            alternatives = [av[3]]
        elif op in _REPEATS:
            alternatives = [av[2]]
        elif op is sre_c.ATOMIC_GROUP:
            alternatives = [av]
        else:
            return None, False  # any character, a back reference …: no class
        empty = False
        for alt in alternatives:
            sub, alt_empty = _first(alt)
            if sub is None:
                return None, False
            parts += sub
            empty = empty or alt_empty
        if op in _REPEATS and av[0] == 0:
            empty = True
        if not empty:
            return parts, False
    return parts, True


def first_chars(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """A one-character class of every character a match of ``pattern`` can start with, or None
    when that is not known (the pattern can match the empty string, opens with ``.``, a negated
    class, a back reference, or ignores case). Derive it once, with the pattern."""
    if pattern.flags & (re.IGNORECASE | re.VERBOSE):
        return None
    parts, empty = _first(sre_parse.parse(pattern.pattern, pattern.flags))
    if parts is None or empty:
        return None
    if not parts:
        return re.compile("(?!)")  # nothing can start a match
    return re.compile(f"[{''.join(parts)}]")


def matches(
    pattern: re.Pattern[str], first: re.Pattern[str] | None, text: str, before: int | None = None
) -> list[re.Match[str]]:
    """``list(pattern.finditer(text))`` (with ``before``: its matches that start before it), the
    pattern tried only at the characters of ``first`` (``first_chars(pattern)``)."""
    if first is None:
        out = []
        for hit in pattern.finditer(text):
            if before is not None and hit.start() >= before:
                break
            out.append(hit)
        return out
    stop = len(text) if before is None else min(before, len(text))
    found: list[re.Match[str]] = []
    match = pattern.match
    pos = 0
    for c in first.finditer(text, 0, stop):
        q = c.start()
        if q >= pos:
            m = match(text, q)
            if m is not None:
                found.append(m)
                pos = m.end()  # never q: the pattern cannot match the empty string
    return found


def starts_before(
    pattern: re.Pattern[str], first: re.Pattern[str] | None, text: str, before: int | None = None
) -> bool:
    """Does a match of ``pattern`` start in ``text`` (before ``before``)? ``pattern.search``, tried
    only at the characters of ``first`` (``first_chars(pattern)``)."""
    if first is None:
        found = pattern.search(text)
        return found is not None and (before is None or found.start() < before)
    stop = len(text) if before is None else min(before, len(text))
    match = pattern.match
    return any(match(text, c.start()) for c in first.finditer(text, 0, stop))
