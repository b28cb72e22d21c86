"""Remembered results of pure per-text functions, and one call that forgets them all.

A county repeats its task texts (and a stalled task its progress text) in every report of a year,
so the parse remembers what it read per text. ``remembered`` registers such a cache;
``forget_texts`` empties every registered one (quantities.forget_quantities calls it, so a
benchmark of an unseen report starts from nothing remembered).
"""

from __future__ import annotations

from typing import Protocol, TypeVar


class _Cache(Protocol):
    def cache_clear(self) -> None: ...


C = TypeVar("C", bound=_Cache)

_CACHES: list[_Cache] = []


def remembered(cache: C) -> C:
    """Register a cache (a functools.lru_cache of a pure per-text function) to be forgotten."""
    _CACHES.append(cache)
    return cache


def forget_texts() -> None:
    """Empty every registered per-text cache."""
    for cache in _CACHES:
        cache.cache_clear()
