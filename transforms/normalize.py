"""Normalization: leaders, units (aliases, fragments, run-together names) and the task record.

Every change made to the source text is returned as a ``repair.*`` finding so the quality report
can list it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Any

from transforms.cells import (
    is_verdict_cell,
    leader_from_heading,
    read_leader_cell,
    read_unit_cell,
    split_progress_parts,
)
from transforms.grid import Finding
from transforms.layout import RawTaskRow, seq_label
from transforms.mappings import leader_map, squash, unit_map


@dataclass
class TaskRecord:
    """One task of one report, normalized (the `extract --jsonl` record of DESIGN.md)."""

    table_no: int
    table_title: str | None
    part: str | None
    section: str | None
    seq: int
    project: str | None
    task_text: str
    target_text: str | None
    leaders: list[str]
    lead_units: list[str]
    units: list[str]
    co_units: list[str]
    deadline: str | None
    progress: list[dict[str, str]]
    status_raw: str | None
    issues: str | None
    note: str | None
    line_start: int
    line_end: int
    sub_seq: int = 0  # 0: the item's own row; 1, 2, …: a further target of item ``seq`` (a row without 序号)
    status: str = "unknown"
    status_evidence: str | None = None
    status_confidence: str = "low"
    expected_progress: float | None = None
    on_schedule: bool | None = None
    targets: list[dict[str, Any]] = field(default_factory=list)
    actuals: list[dict[str, Any]] = field(default_factory=list)
    metrics: list[dict[str, Any]] = field(default_factory=list)
    deadline_text: str | None = None  # the deadline phrase (完成时限 cell, else the task text's first)
    deadline_date: date | None = None  # the last day it allows; None for a standing duty or none stated
    deadline_basis: str | None = None  # deadline_column | task_text | standing_duty; None: none stated
    reported_pct: float | None = None  # the share of the task done by the report's account, 0–1+
    pct_gap: float | None = None  # reported_pct − expected_progress (below 0: behind 序时)
    lead_unit_heads: list[str] = field(
        default_factory=list
    )  # persons written beside a unit (`市民政局 刘伟`)

    def to_json(self) -> dict[str, Any]:
        """The record in the `extract --jsonl` format."""
        return {
            "table_no": self.table_no,
            "table_title": self.table_title,
            "part": self.part,
            "section": self.section,
            "seq": self.seq,
            "sub_seq": self.sub_seq,
            "project": self.project,
            "task_text": self.task_text,
            "target_text": self.target_text,
            "leaders": self.leaders,
            "lead_units": self.lead_units,
            "units": self.units,
            "co_units": self.co_units,
            "deadline": self.deadline,
            "progress": self.progress,
            "status": self.status,
            "status_evidence": self.status_evidence,
            "status_confidence": self.status_confidence,
            "expected_progress": self.expected_progress,
            "on_schedule": self.on_schedule,
            "deadline_text": self.deadline_text,
            "deadline_date": self.deadline_date.isoformat() if self.deadline_date else None,
            "deadline_basis": self.deadline_basis,
            "reported_pct": self.reported_pct,
            "pct_gap": self.pct_gap,
            "targets": self.targets,
            "actuals": self.actuals,
            "issues": self.issues,
            "note": self.note,
            "line_start": self.line_start,
            "line_end": self.line_end,
            # only where a cell names one: the records of every other report keep their keys
            **({"lead_unit_heads": self.lead_unit_heads} if self.lead_unit_heads else {}),
        }


def unit_type(name: str) -> str:
    """department | township | collective | enterprise | other, by the rules in units.yaml."""
    return unit_map().unit_type(name) or "other"


def _split_run_together(token: str) -> list[str]:
    """Split `县交通运输局各相关乡镇政府` into the units written together in it."""
    um = unit_map()
    parts: list[str] = []
    rest = token
    k = 2
    while k < len(rest) - 2:
        head, tail = rest[:k], rest[k:]
        if head.endswith(um.suffixes) and tail.startswith(um.split_prefixes) and len(tail) >= 3:
            # do not split a unit's own name such as 县委县政府办 only where head is a real unit
            if len(head) >= 3:
                parts.append(head)
                rest = tail
                k = 2
                continue
        k += 1
    parts.append(rest)
    return parts


def split_units(
    raw: str | None, seq: int | str | None = None, line: int | None = None, table_no: int | None = None
) -> tuple[list[str], list[Finding]]:
    """Split a unit cell into canonical unit names, with a finding for every repair."""
    if not raw or not raw.strip():
        return [], []
    # the same unit cells recur in every report of a county: split each distinct cell once
    names, repairs = _split_units_memo(raw)
    return list(names), _at(repairs, seq, line, table_no)


def _at(
    repairs: tuple[Finding, ...], seq: int | str | None, line: int | None, table_no: int | None = None
) -> list[Finding]:
    """Memoised repairs (made without a position) placed at a row's 序号 and line (and table)."""
    if not repairs:
        return []
    place = {"line_start": line, "line_end": line, "seq": str(seq) if seq is not None else None}
    # Finding(**fields) rather than dataclasses.replace: the same copy, a third of the time
    return [
        Finding(**{**vars(f), **place, "table_no": f.table_no if f.table_no is not None else table_no})
        for f in repairs
    ]


@lru_cache(maxsize=32768)
def _split_units_memo(raw: str) -> tuple[tuple[str, ...], tuple[Finding, ...]]:
    names, _, _, repairs = _read_units(raw)
    return names, repairs


@lru_cache(maxsize=32768)
def _read_units(raw: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[Finding, ...]]:
    """A unit cell → (canonical names, the names marked as lead, persons beside them, repairs)."""
    names, marked, heads, repairs = _split_units(raw, None, None)
    return tuple(names), tuple(marked), tuple(heads), tuple(repairs)


def _split_units(
    raw: str, seq: int | None, line: int | None
) -> tuple[list[str], list[str], list[str], list[Finding]]:
    um = unit_map()
    repairs: list[Finding] = []
    seq_s = str(seq) if seq is not None else None
    # 1. top-level list items, pieces broken by a line rejoined, persons and lead marks set aside
    cell = read_unit_cell(raw)
    for kind, message in cell.notes:
        repairs.append(Finding(f"repair.{kind}", "info", message, line, line, seq=seq_s))
    if cell.heads:
        repairs.append(
            Finding(
                "repair.unit_head_set_aside",
                "info",
                f"person(s) {' | '.join(cell.heads)} written beside the unit(s) "
                f"{' | '.join(cell.names)!s} are not units",
                line,
                line,
                seq=seq_s,
            )
        )
    # 2. split units written together (县交通运输局各相关乡镇政府)
    split: list[str] = []
    marked_split: set[str] = set()
    for t in cell.names:
        pieces = _split_run_together(t)
        if len(pieces) > 1:
            repairs.append(
                Finding("repair.unit_split", "info", f"{t!r} → {' | '.join(pieces)}", line, line, seq=seq_s)
            )
        split.extend(pieces)
        if t in cell.marked:
            marked_split.update(pieces)
    # 3. aliases and typos
    out: list[str] = []
    marked: list[str] = []
    for t in split:
        key = squash(t)
        canon = um.aliases.get(key, key)
        if canon != key:
            repairs.append(
                Finding(
                    "repair.unit_canonicalized",
                    "info",
                    f"{key!r} → {canon!r} (schemas/mappings/units.yaml)",
                    line,
                    line,
                    seq=seq_s,
                )
            )
        if canon not in out:
            out.append(canon)
        if t in marked_split and canon not in marked:
            marked.append(canon)
    return out, marked, list(cell.heads), repairs


def split_leaders(
    raw: str | None, seq: int | str | None = None, line: int | None = None, table_no: int | None = None
) -> tuple[list[str], list[Finding]]:
    """Split a leader cell into names; `吴 诚` → `吴诚`; a role (国防科工局挂职领导) stays whole."""
    if not raw or not raw.strip():
        return [], []
    names, repairs = _split_leaders_memo(raw)
    return list(names), _at(repairs, seq, line, table_no)


@lru_cache(maxsize=32768)
def _split_leaders_memo(raw: str) -> tuple[tuple[str, ...], tuple[Finding, ...]]:
    names, repairs = _split_leaders(raw, None, None)
    return tuple(names), tuple(repairs)


def _split_leaders(raw: str, seq: int | None, line: int | None) -> tuple[list[str], list[Finding]]:
    lm = leader_map()
    repairs: list[Finding] = []
    seq_s = str(seq) if seq is not None else None
    names, notes = read_leader_cell(raw)
    for kind, message in notes:
        repairs.append(Finding(f"repair.{kind}", "info", message, line, line, seq=seq_s))
    out: list[str] = []
    for n in names:
        canon = lm.aliases.get(n, n)
        if canon != n:
            repairs.append(
                Finding("repair.leader_canonicalized", "info", f"{n!r} → {canon!r}", line, line, seq=seq_s)
            )
        if canon not in out:
            out.append(canon)
    return out, repairs


def _clean_text(text: str | None) -> str | None:
    if text is None:
        return None
    if "\n" not in text:
        return text.strip() or None  # nothing for the pattern below to join
    t = re.sub(r"[ \t\u3000]*\n[ \t\u3000]*", "\n", text).strip()
    return t or None


UNIT_FIELDS = ("lead_unit_raw", "units_raw", "co_units_raw")  # the unit columns of a raw row


def normalize_row(row: RawTaskRow) -> tuple[TaskRecord, list[Finding]]:
    """A raw task row → a task record plus the repairs made on the way."""
    findings: list[Finding] = []
    seq_s = seq_label(row.seq, row.sub_seq)
    if row.physical_lines > 1:
        findings.append(
            Finding(
                "repair.split_row_rejoined",
                "info",
                f"table {row.table_no} row {seq_s} was split over {row.physical_lines} lines "
                f"({row.line_start}-{row.line_end}) and was rejoined",
                row.line_start,
                row.line_end,
                seq=seq_s,
                table_no=row.table_no,
            )
        )
    if row.sub_rows:
        findings.append(
            Finding(
                "repair.sub_rows_attached",
                "info",
                f"table {row.table_no} row {seq_s}: {row.sub_rows} sub-row(s) without 序号 attached",
                row.line_start,
                row.line_end,
                seq=seq_s,
                table_no=row.table_no,
            )
        )
    leaders, f = split_leaders(row.leader_raw, seq_s, row.line_start, row.table_no)
    findings += f
    if not leaders:
        leaders, f = _leader_of_block(row)
        findings += f
    status_raw = row.status_raw
    for field_name in UNIT_FIELDS:
        raw = getattr(row, field_name)
        if raw and is_verdict_cell(raw):
            # a verdict that landed in a unit column (a shifted row) is the row's status, never a unit
            findings.append(
                Finding(
                    "repair.verdict_not_unit",
                    "warning",
                    f"table {row.table_no} row {seq_s}: {str(raw)[:40]!r} "
                    f"in the {field_name.removesuffix('_raw')} column is a verdict, not a unit",
                    row.line_start,
                    row.line_end,
                    seq=seq_s,
                )
            )
            if not (status_raw or "").strip():
                status_raw = raw
            cleared: dict[str, Any] = {field_name: None}  # one of the three str | None unit columns
            row = replace(row, **cleared)
    lead_units, f = split_units(row.lead_unit_raw, seq_s, row.line_start, row.table_no)
    findings += f
    units, f = split_units(row.units_raw, seq_s, row.line_start, row.table_no)
    findings += f
    co_units, f = split_units(row.co_units_raw, seq_s, row.line_start, row.table_no)
    findings += f
    heads: list[str] = []
    marked: list[str] = []
    for raw in (row.lead_unit_raw, row.units_raw, row.co_units_raw):
        if raw and raw.strip():
            _, mk, hd, _ = _read_units(raw)
            if hd:
                heads += [h for h in hd if h not in heads]
            if mk:
                marked += [m for m in mk if m not in marked]
    if marked and not lead_units:
        # `*` marks the lead among the responsible units: the others stay where they were
        lead_units = marked
        units = [u for u in units if u not in marked]
        co_units = [u for u in co_units if u not in marked]
        findings.append(
            Finding(
                "repair.lead_unit_marked",
                "info",
                f"table {row.table_no} row {seq_s}: the marked unit(s) {' | '.join(marked)} are the lead",
                row.line_start,
                row.line_start,
                seq=seq_s,
            )
        )
    if findings:
        findings = [replace(fd, table_no=row.table_no) if fd.table_no is None else fd for fd in findings]
    progress, issues, plan = _progress_parts(row)
    record = TaskRecord(
        table_no=row.table_no,
        table_title=row.table_title,
        part=row.part,
        section=row.section,
        seq=row.seq,
        sub_seq=row.sub_seq,
        project=_clean_text(row.project),
        task_text=_clean_text(row.task_text) or "",
        target_text=_clean_text(row.target),
        leaders=leaders,
        lead_units=lead_units,
        units=units,
        co_units=co_units,
        deadline=_clean_text(row.deadline),
        progress=progress,
        status_raw=_clean_text(status_raw),
        issues=issues,
        note=plan,
        line_start=row.line_start,
        line_end=row.line_end,
        lead_unit_heads=heads,
    )
    return record, findings


def _leader_of_block(row: RawTaskRow) -> tuple[list[str], list[Finding]]:
    """No leader cell: the leader a block heading names (`一、区长张建国牵头重点工作`), if one does."""
    for heading in (row.section, row.part, row.table_title):
        name = leader_from_heading(heading)
        if name:
            return [name], [
                Finding(
                    "repair.leader_from_heading",
                    "info",
                    f"table {row.table_no} row {seq_label(row.seq, row.sub_seq)}: leader {name!r} "
                    f"taken from the heading {heading!r}",
                    row.line_start,
                    row.line_start,
                    seq=seq_label(row.seq, row.sub_seq),
                )
            ]
    return [], []


def _progress_parts(row: RawTaskRow) -> tuple[list[dict[str, str]], str | None, str | None]:
    """The progress cells, each cut to its progress part where it is labelled (`进展情况:… 下步打算:…`);
    the issues and plan parts go to issues and note (after what those columns hold)."""
    issues = _clean_text(row.issues)
    note = _clean_text(row.note)
    progress: list[dict[str, str]] = []
    for p in row.progress:
        text = _clean_text(p["text"]) or ""
        parts = split_progress_parts(text) if text else None
        if parts is not None:
            text, iss, plan = parts
            if iss:
                issues = f"{issues}\n{iss}" if issues else iss
            if plan:
                note = f"{note}\n{plan}" if note else plan
        progress.append({"label": p["label"], "text": text})
    return progress, issues, note
