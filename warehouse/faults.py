"""Fault injection for the crash-safety tests (`make chaos`): a no-op unless LUOSHI_FAULT says otherwise.

`fault_point("mid-load")` kills the running process with SIGKILL (no cleanup, no `finally`, no
atexit) when the environment variable ``LUOSHI_FAULT`` names that point. ``LUOSHI_FAULT`` holds
one or more comma-separated points, each optionally followed by ``@N`` to fire at the N-th time
the point is reached in this process (default: the first), e.g. ``LUOSHI_FAULT=mid-load@2``.

Named points: ``archive`` (raw bytes written, not yet renamed into the archive), ``mid-load``
(inside a load's transaction, facts inserted, before the checks and COMMIT; every load, a batch of
one report or of many, see warehouse.loader.load_reports), ``mid-batch`` (the same, reached only
by a batch of more than one report), ``checks`` (inside
the warehouse checks, after each check file), ``before-finish`` (every report handled, the run
not yet recorded as finished), ``quality`` (the quality flow's findings written, not yet committed),
``after-load`` (every report of the run loaded; nothing linked, checked, reported or published yet),
``quality-checks`` (inside the quality step's warehouse checks, after each check file) and ``publish``
(the copy of the warehouse written beside the published copy, not yet renamed over it).
"""

from __future__ import annotations

import os
import signal
from collections import Counter

ENV = "LUOSHI_FAULT"
POINTS = (
    "archive",
    "mid-load",
    "mid-batch",
    "checks",
    "before-finish",
    "quality",
    "after-load",
    "quality-checks",
    "publish",
)

_hits: Counter[str] = Counter()


def _wanted(name: str, spec: str) -> int | None:
    """The hit number at which `name` should fire according to `spec`, or None."""
    for item in spec.split(","):
        point, _, nth = item.strip().partition("@")
        if point == name:
            return int(nth) if nth.isdigit() else 1
    return None


def fault_point(name: str) -> None:
    """Kill this process with SIGKILL here if LUOSHI_FAULT names this point (and hit count)."""
    spec = os.environ.get(ENV)
    if not spec:
        return
    nth = _wanted(name, spec)
    if nth is None:
        return
    _hits[name] += 1
    if _hits[name] == nth:
        os.kill(os.getpid(), signal.SIGKILL)
