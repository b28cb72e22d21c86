"""The codes of schemas/vocabulary.yaml: status codes with their labels, confidences, deadline bases,
roles, report period types and unit types. Every other list of these codes is built from here (or tested against it)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

VOCABULARY_FILE = Path(__file__).resolve().parent / "vocabulary.yaml"


@dataclass(frozen=True)
class Status:
    code: str
    label_zh: str
    label_en: str
    sort_order: int
    is_final: bool


@cache
def _vocabulary() -> dict[str, Any]:
    return yaml.safe_load(VOCABULARY_FILE.read_text(encoding="utf-8"))


def _codes(key: str) -> list[str]:
    return [e["code"] if isinstance(e, dict) else str(e) for e in _vocabulary()[key]]


@cache
def statuses() -> tuple[Status, ...]:
    """The status codes in display order (sort_order 1, 2, …)."""
    return tuple(
        Status(e["code"], e["zh"], e["en"], i, bool(e.get("final", False)))
        for i, e in enumerate(_vocabulary()["status"], start=1)
    )


def labels(key: str) -> dict[str, str]:
    """code → its Chinese word, for `unit_type` and `period_type`."""
    return {e["code"]: e["zh"] for e in _vocabulary()[key]}


STATUS_CODES: list[str] = [s.code for s in statuses()]
CONFIDENCES: list[str] = _codes("confidence")
DEADLINE_BASES: list[str] = _codes("deadline_basis")
ROLES: list[str] = _codes("role")
UNIT_TYPES: list[str] = _codes("unit_type")
PERIOD_TYPES: list[str] = _codes("period_type")


def check_lists() -> dict[str, list[str]]:
    """The vocabulary's lists by name: what a warehouse check binds (`$status_codes` …) and what a
    Great Expectations suite names as its value set (`"value_set": "$status_codes"`)."""
    return {
        "status_codes": STATUS_CODES,
        "confidences": CONFIDENCES,
        "deadline_bases": DEADLINE_BASES,
        "unit_types": UNIT_TYPES,
        "roles": ROLES,
        "period_types": PERIOD_TYPES,
    }


def fill_value_sets(suite: dict[str, Any]) -> dict[str, Any]:
    """A Great Expectations suite (as JSON) with every `"value_set": "$name"` replaced by that
    vocabulary list, so the suites never hold a copy of the codes. An unknown name is an error."""
    lists = check_lists()
    out = copy.deepcopy(suite)
    for exp in out.get("expectations", []):
        value = exp.get("kwargs", {}).get("value_set")
        if isinstance(value, str) and value.startswith("$"):
            if value[1:] not in lists:
                raise KeyError(
                    f"value_set {value}: no such list in schemas/vocabulary.yaml ({', '.join(lists)})"
                )
            exp["kwargs"]["value_set"] = list(lists[value[1:]])
    return out
