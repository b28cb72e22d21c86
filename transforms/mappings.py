"""Committed, reviewable mapping files (schemas/mappings/*.yaml), loaded once per process."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

MAPPINGS_DIR = Path(__file__).resolve().parent.parent / "schemas" / "mappings"


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


@cache
def any_of(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str]:
    """One regex that matches wherever any of ``patterns`` matches (none of them: never).

    A single scan tells whether (and where first) any rule applies, instead of one scan per rule.
    The rules are plain patterns without backreferences or inline global flags.
    """
    if not patterns:
        return re.compile("(?!)")
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns))


def first_match(patterns: tuple[re.Pattern[str], ...], text: str) -> re.Match[str] | None:
    """The earliest match of any pattern, the longest when several start there (the first such
    pattern in order when they are as long)."""
    hit = any_of(patterns).search(text)
    if hit is None:
        return None
    best: re.Match[str] | None = None
    for p in patterns:
        m = p.match(text, hit.start())
        if m is not None and (best is None or len(m.group(0)) > len(best.group(0))):
            best = m
    return best


@dataclass(frozen=True)
class HeaderMap:
    exact: dict[str, str]
    patterns: tuple[tuple[re.Pattern[str], str], ...]
    # readers ask for the role of every cell of every line; the same strings repeat across reports
    _memo: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)

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
        if not key:
            return None
        if key in self.exact:
            return self.exact[key]
        for pattern, role in self.patterns:
            if pattern.search(key):
                return role
        return None


@dataclass(frozen=True)
class UnitMap:
    aliases: dict[str, str]
    fragments: frozenset[str]
    split_prefixes: tuple[str, ...]
    suffixes: tuple[str, ...]
    types: tuple[tuple[re.Pattern[str], str], ...]


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
    return HeaderMap(exact=exact, patterns=patterns)


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
