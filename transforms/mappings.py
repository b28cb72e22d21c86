"""Committed, reviewable mapping files (schemas/mappings/*.yaml), loaded once per process."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

MAPPINGS_DIR = Path(__file__).resolve().parent.parent / "schemas" / "mappings"
HEADERS_FILE = "schemas/mappings/headers.yaml"  # as findings name it


def mapping_path(name: str) -> Path:
    """Path of a mapping file by its stem, e.g. ``units`` → schemas/mappings/units.yaml."""
    return MAPPINGS_DIR / f"{name}.yaml"


def _load(name: str) -> dict[str, Any]:
    with mapping_path(name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def squash(text: str) -> str:
    """Remove every kind of white space (including the ideographic space) from text."""
    # str.split() splits on exactly the characters `\s` matches (U+3000 included), ~5x faster than re.sub
    return "".join(text.split())


class RuleSet(tuple[re.Pattern[str], ...]):
    """Compiled rules in their order (a tuple) that carry their joined regexes, built once
    (looking one up in any_of's cache hashes every rule's compiled code, a microsecond a call)."""

    combined: re.Pattern[str]  # any_of(rules)
    _tails: dict[int, tuple[re.Pattern[str], dict[int, int]]]  # _tail(start), built on first use

    def __new__(cls, patterns: Iterable[re.Pattern[str]]) -> RuleSet:
        self = super().__new__(cls, patterns)
        self.combined = _join(self)
        self._tails = {}
        return self

    def first(self, text: str) -> re.Match[str] | None:
        """first_match(self, text): each rule that matches where the first match starts is found
        by one regex call (the rules from the last one found on, each in a group of its own)."""
        found = self.combined.search(text)  # where: the fast scan (literal-led rules need no groups)
        if found is None:
            return None
        pos = found.start()
        tail, rule_of = self._tail(0)
        hit = tail.match(text, pos)
        best, best_len = -1, -1
        while hit is not None:
            k = rule_of[hit.lastindex]  # type: ignore[index]
            if hit.end() - pos > best_len:
                best, best_len = k, hit.end() - pos
            if k + 1 == len(self):
                break
            tail, rule_of = self._tail(k + 1)
            hit = tail.match(text, pos)
        return self[best].match(text, pos)

    def _tail(self, start: int) -> tuple[re.Pattern[str], dict[int, int]]:
        """Rules start.. as one regex of one group per rule, and group number → rule index."""
        if start not in self._tails:
            parts: list[str] = []
            rule_of: dict[int, int] = {}
            group = 1
            for k in range(start, len(self)):
                rule_of[group] = k
                parts.append(f"({self[k].pattern})")
                group += 1 + self[k].groups
            self._tails[start] = (re.compile("|".join(parts) or "(?!)"), rule_of)
        return self._tails[start]


class FirstRule:
    """Rules where the first one in list order that occurs anywhere in a text wins (a status word,
    a header pattern), as one regex: ``index(text)`` is that rule's position in the list, or None.

    Each rule becomes a lookahead ``(?=[\\s\\S]*?(?:rule))`` followed by an empty group of its own,
    and the alternatives are tried in list order at the text's start, so one ``match`` call finds
    the first rule that a search of each in turn would find; the group that closed last names it.
    A scan of the rules joined (``combined``) answers texts that no rule occurs in first. The rules
    are plain patterns without backreferences or inline global flags (as for any_of)."""

    __slots__ = ("rules", "combined", "_ordered", "_rule_of")

    def __init__(self, patterns: Iterable[re.Pattern[str]]) -> None:
        self.rules: tuple[re.Pattern[str], ...] = tuple(patterns)
        self.combined = _join(self.rules)
        parts: list[str] = []
        self._rule_of: dict[int, int] = {}
        group = 1
        for k, rule in enumerate(self.rules):
            parts.append(f"(?=[\\s\\S]*?(?:{rule.pattern}))()")
            group += rule.groups
            self._rule_of[group] = k
            group += 1
        self._ordered = re.compile("|".join(parts) or "(?!)")

    def index(self, text: str) -> int | None:
        """The position in the list of the first rule that occurs in ``text`` (None: none does)."""
        if self.combined.search(text) is None:
            return None
        m = self._ordered.match(text)
        return None if m is None else self._rule_of[m.lastindex]  # type: ignore[index]


def any_of(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str]:
    """One regex that matches wherever any of ``patterns`` matches (none of them: never).

    A single scan tells whether (and where first) any rule applies, instead of one scan per rule.
    The rules are plain patterns without backreferences or inline global flags.
    """
    if isinstance(patterns, RuleSet):
        return patterns.combined
    return _join_cached(patterns)


def _join(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str]:
    if not patterns:
        return re.compile("(?!)")
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns))


_join_cached = cache(_join)


def alternation(words: Iterable[str]) -> re.Pattern[str]:
    """The words as one regex, tried in their order (none: never matches): ``.search`` tells
    whether any is in a text, ``.match`` which one (the first in order) a text starts with."""
    return re.compile("|".join(re.escape(w) for w in words) or "(?!)")


def first_match(patterns: tuple[re.Pattern[str], ...], text: str) -> re.Match[str] | None:
    """The earliest match of any pattern, the longest when several start there (the first such
    pattern in order when they are as long)."""
    rules = patterns if isinstance(patterns, RuleSet) else _rule_set(patterns)
    return rules.first(text)


@cache
def _rule_set(patterns: tuple[re.Pattern[str], ...]) -> RuleSet:
    return RuleSet(patterns)


LABEL_STOP = re.compile(r"[。，,；;！!？?:：\x00-\x1f]")  # a sentence, a label:value pair, damaged text
KEYWORD_MAX = 16
LABEL_NUMBERED = re.compile(
    r"^\d+[.、．]|\d+[月日号年]?$"
)  # `14.改扩建…` is a row, `推进情况1-10月` half a header


@dataclass(frozen=True)
class HeaderMap:
    exact: dict[str, str]
    patterns: tuple[tuple[re.Pattern[str], str], ...]
    keywords: tuple[tuple[re.Pattern[str], str], ...] = ()
    # readers ask for the role of every cell of every line; the same strings repeat across reports
    _memo: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)
    # the pattern lists as one matcher each (the first rule in order that occurs), built from them
    _listed: FirstRule = field(init=False, compare=False, repr=False)
    _keyworded: FirstRule = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_listed", FirstRule(p for p, _ in self.patterns))
        object.__setattr__(self, "_keyworded", FirstRule(p for p, _ in self.keywords))

    def role(self, header: str) -> str | None:
        """The role of a header cell, or None when the mapping does not know it."""
        try:
            return self._memo[header]
        except KeyError:
            pass
        role = self._role(header)
        if len(header) <= 64 and len(self._memo) < 50_000:  # header-sized strings only, bounded
            self._memo[header] = role
        return role

    def _role(self, header: str) -> str | None:
        key = squash(header).strip(":：")
        return self.listed_role(key) or self.keyword_role(key)

    def listed_role(self, header: str) -> str | None:
        """The role of a header the lists (or the dated progress patterns) name, without keywords."""
        key = squash(header).strip(":：")
        if not key:
            return None
        if key in self.exact:
            return self.exact[key]
        k = self._listed.index(key)
        return None if k is None else self.patterns[k][1]

    def best_label(self, candidates: list[str]) -> str | None:
        """Of several readings of one header cell (a two-level header's child, parent + child, …),
        the first one the lists name, else the first one a keyword rule reads, else None."""
        for cand in candidates:
            if self.listed_role(cand):
                return cand
        return next((c for c in candidates if self.role(c)), None)

    def keyword_role(self, key: str) -> str | None:
        """The role of a header the lists do not name, by the keyword rules of headers.yaml; only
        label-sized text without sentence punctuation, a leading item number or a trailing date is asked."""
        if len(key) > KEYWORD_MAX or LABEL_STOP.search(key) or LABEL_NUMBERED.search(key):
            return None
        k = self._keyworded.index(key)
        return None if k is None else self.keywords[k][1]


@dataclass(frozen=True)
class UnitMap:
    aliases: dict[str, str]
    fragments: frozenset[str]
    split_prefixes: tuple[str, ...]
    suffixes: tuple[str, ...]
    types: tuple[tuple[re.Pattern[str], str], ...]
    _typed: FirstRule = field(init=False, compare=False, repr=False)  # the type patterns as one matcher

    def __post_init__(self) -> None:
        object.__setattr__(self, "_typed", FirstRule(p for p, _ in self.types))

    def unit_type(self, name: str) -> str | None:
        """The type of the first rule of units.yaml ``types`` that occurs in a unit name, or None."""
        k = self._typed.index(name)
        return None if k is None else self.types[k][1]


@dataclass(frozen=True)
class LeaderMap:
    aliases: dict[str, str]
    role_markers: tuple[str, ...]


@cache
def header_map() -> HeaderMap:
    data = _load("headers")
    exact: dict[str, str] = {}
    for role, headers in data["roles"].items():
        for h in headers:
            exact[squash(h)] = role
    patterns = tuple((re.compile(p), "progress") for p in data.get("progress_patterns", []))
    keywords = tuple((re.compile(p), role) for p, role in data.get("keyword_rules") or [])
    return HeaderMap(exact=exact, patterns=patterns, keywords=keywords)


@cache
def unit_map() -> UnitMap:
    data = _load("units")
    return UnitMap(
        aliases={squash(k): v for k, v in (data.get("aliases") or {}).items()},
        fragments=frozenset(data.get("fragments") or []),
        split_prefixes=tuple(sorted(data.get("split_prefixes") or [], key=len, reverse=True)),
        suffixes=tuple(sorted(data.get("suffixes") or [], key=len, reverse=True)),
        types=tuple((re.compile(t["pattern"]), t["type"]) for t in data.get("types") or []),
    )


@cache
def leader_map() -> LeaderMap:
    data = _load("leaders")
    return LeaderMap(
        aliases={squash(k): v for k, v in (data.get("aliases") or {}).items()},
        role_markers=tuple(data.get("role_markers") or []),
    )
