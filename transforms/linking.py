"""Task identity over time (pure): similarity, matching within a plan year, links across years,
crosswalk decisions and threads.

* Within a plan year every report restates the same breakdown: a report's task is matched to a known
  task of the year on (table, 序号) and confirmed by text similarity; a task found at another number
  (renumbered, reordered) is matched by text alone (:func:`match_within_year`).
* Across years tasks are reworded, merged, split, dropped and added: links are proposed by character
  n-gram similarity, auto-accepted above a threshold and kept pending below it
  (:func:`propose_links`); the committed crosswalk overrides both ways (:func:`apply_crosswalk`).
* A thread is a connected set of tasks joined by accepted links (:func:`threads`).

Thresholds live in schemas/linking.yaml, decisions in schemas/crosswalk.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import yaml

from transforms.grid import Finding
from transforms.layout import seq_label

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
LINKING_CONFIG = SCHEMAS / "linking.yaml"
CROSSWALK = SCHEMAS / "crosswalk.yaml"
CROSSWALK_NAME = "schemas/crosswalk.yaml"

PUNCT = re.compile(r"[\W_]+")
NUMBER = re.compile(r"\d+")
DECISIONS = ("accept", "reject", "merge", "split")


@cache
def linking_config() -> dict[str, Any]:
    return yaml.safe_load(LINKING_CONFIG.read_text(encoding="utf-8")) or {}


# --------------------------------------------------------------------------- similarity


def normalize_text(text: str | None) -> str:
    """Text as compared: no spaces or punctuation, every number replaced by ``#``."""
    return NUMBER.sub("#", PUNCT.sub("", text or ""))


def ngrams(text: str | None, n: int | None = None) -> frozenset[str]:
    n = n or int(linking_config().get("ngram", 2))
    t = normalize_text(text)
    if len(t) < n:
        return frozenset([t]) if t else frozenset()
    return frozenset(t[i : i + n] for i in range(len(t) - n + 1))


def text_similarity(a: str | None, b: str | None) -> float:
    """Dice coefficient of the two texts' character n-gram sets (0 … 1)."""
    ga, gb = ngrams(a), ngrams(b)
    if not ga or not gb:
        return 0.0
    return 2 * len(ga & gb) / (len(ga) + len(gb))


@dataclass(frozen=True)
class SimilarityMatrix:
    """n-gram overlap of every pair of two text lists: dice[i, j], sizes and shared counts."""

    shared: np.ndarray
    size_a: np.ndarray
    size_b: np.ndarray

    @property
    def dice(self) -> np.ndarray:
        total = self.size_a[:, None] + self.size_b[None, :]
        return np.divide(2 * self.shared, total, out=np.zeros_like(self.shared), where=total > 0)

    def coverage_a(self) -> np.ndarray:
        """Share of a[i]'s n-grams found in b[j]."""
        s = self.size_a[:, None]
        return np.divide(self.shared, s, out=np.zeros_like(self.shared), where=s > 0)

    def coverage_b(self) -> np.ndarray:
        """Share of b[j]'s n-grams found in a[i]."""
        s = self.size_b[None, :]
        return np.divide(self.shared, s, out=np.zeros_like(self.shared), where=s > 0)


def similarity_matrix(a: Sequence[str], b: Sequence[str]) -> SimilarityMatrix:
    """All pairs at once: shared n-gram counts through an inverted index of a's n-grams."""
    grams_a = [ngrams(t) for t in a]
    grams_b = [ngrams(t) for t in b]
    postings: dict[str, list[int]] = {}
    for i, gs in enumerate(grams_a):
        for g in gs:
            postings.setdefault(g, []).append(i)
    shared = np.zeros((len(a), len(b)), dtype=np.float64)
    for j, gs in enumerate(grams_b):
        hits = [i for g in gs for i in postings.get(g, ())]
        if hits:
            shared[:, j] = np.bincount(hits, minlength=len(a))
    size_a = np.array([len(g) for g in grams_a], dtype=np.float64)
    size_b = np.array([len(g) for g in grams_b], dtype=np.float64)
    return SimilarityMatrix(shared, size_a, size_b)


# --------------------------------------------------------------------------- tasks


@dataclass(frozen=True)
class TaskRef:
    """A task as linking sees it: its key, where it stands in its plan year, and its text."""

    task_key: int
    table_no: int
    seq: int
    text: str
    plan_year: int | None = None
    county: str | None = None
    sub_seq: int = 0  # 1, 2, …: a further target listed under item ``seq`` (a row without 序号)

    @property
    def ref(self) -> str:
        """The stable name used in the crosswalk: COUNTY:PLAN_YEAR:TABLE:SEQ (SEQ ``2.1`` for a sub-task)."""
        return task_ref(self.county or "", self.plan_year or 0, self.table_no, self.seq, self.sub_seq)


def task_ref(county: str, plan_year: int, table_no: int, seq: int, sub_seq: int = 0) -> str:
    return f"{county}:{plan_year}:{table_no}:{seq_label(seq, sub_seq)}"


SEQ_PART = re.compile(r"^-?\d+(?:\.\d+)?$")


def parse_ref(ref: str) -> tuple[str, int, int, int, int]:
    """COUNTY:PLAN_YEAR:TABLE:SEQ (SEQ ``2.1`` for a sub-task) → (county, plan year, table, seq,
    sub_seq); ValueError with the expected form otherwise."""
    parts = str(ref).strip().split(":")
    if (
        len(parts) != 4
        or not all(p.strip().lstrip("-").isdigit() for p in parts[1:3])
        or not SEQ_PART.match(parts[3].strip())
        or not parts[0].strip()
    ):
        raise ValueError(
            f"{ref!r} is not a task reference of the form COUNTY:PLAN_YEAR:TABLE:SEQ (e.g. 吉水县:2020:1:6)"
        )
    seq, _, sub = parts[3].strip().partition(".")
    return parts[0].strip(), int(parts[1]), int(parts[2]), int(seq), int(sub or 0)


def record_text(task_text: str | None, project: str | None = None) -> str:
    """The text a task is compared by: its project title (if any) and its task text."""
    return "".join(t for t in (project, task_text) if t)


# --------------------------------------------------------------------------- within a plan year


@dataclass(frozen=True)
class YearMatch:
    """Where one task row of a report belongs: a known task of the plan year, or a new one."""

    index: int  # position of the row in the report
    task_key: int | None  # None: a new task of the plan year
    method: str  # seq+text | text | seq | new
    score: float


def match_within_year(
    known: Sequence[TaskRef],
    rows: Sequence[tuple[int, int, str] | tuple[int, int, str, int]],
    config: dict[str, Any] | None = None,
) -> tuple[list[YearMatch], list[Finding]]:
    """Match a report's rows ``(table_no, seq, text[, sub_seq])`` to the plan year's known tasks.
    A task's number is (table, 序号, sub_seq): the further targets listed under one 序号 (sub_seq
    1, 2, …) are tasks of their own and match the known task at the same place.

    1. same (table, 序号) and similarity ≥ ``confirm`` → that task;
    2. otherwise the most similar unmatched known task with similarity ≥ ``renumbered`` → that task
       (renumbered or reordered; reported);
    3. otherwise the known task at the same (table, 序号), if still unmatched and similarity ≥
       ``reworded`` (reported as a text change);
    4. otherwise a new task of the plan year (reported when the year already had tasks).
    Known tasks absent from the report are reported too.
    """
    cfg = {**(linking_config().get("within_year") or {}), **(config or {})}
    confirm, renumbered, reworded = float(cfg["confirm"]), float(cfg["renumbered"]), float(cfg["reworded"])
    matches: dict[int, YearMatch] = {}
    findings: list[Finding] = []
    if not known:
        return [YearMatch(i, None, "new", 0.0) for i in range(len(rows))], []
    at = {(k.table_no, k.seq, k.sub_seq): j for j, k in enumerate(known)}
    # each row's number (table, 序号, sub_seq) and its 序号 as findings name it
    place = [(r[0], r[1], r[3] if len(r) > 3 else 0) for r in rows]
    label = [seq_label(p[1], p[2]) for p in place]
    used: set[int] = set()
    # 0. same number, same text (numbers aside): similarity 1, no need to compare with the others.
    # Most rows of a monthly report are their task's row of the previous month.
    for i, text in enumerate(r[2] for r in rows):
        j = at.get(place[i])
        if j is not None and (t := normalize_text(text)) and t == normalize_text(known[j].text):
            matches[i] = YearMatch(i, known[j].task_key, "seq+text", 1.0)
            used.add(j)
    # the similarity of every other row to every other known task
    rest_rows = [i for i in range(len(rows)) if i not in matches]
    rest_known = [j for j in range(len(known)) if j not in used]
    ri = {i: n for n, i in enumerate(rest_rows)}
    rj = {j: n for n, j in enumerate(rest_known)}
    dice = similarity_matrix([rows[i][2] for i in rest_rows], [known[j].text for j in rest_known]).dice

    class _Sim:
        def __getitem__(self, ij: tuple[int, int]) -> float:
            return float(dice[ri[ij[0]], rj[ij[1]]])

    sim = _Sim()
    # 1. number and text agree
    for i in rest_rows:
        j = at.get(place[i])
        if j is not None and j not in used and sim[i, j] >= confirm:
            matches[i] = YearMatch(i, known[j].task_key, "seq+text", round(float(sim[i, j]), 4))
            used.add(j)
    # 2. renumbered / reordered: best text match among the rest, most similar pairs first
    pairs = sorted(
        (
            (float(sim[i, j]), i, j)
            for i in range(len(rows))
            if i not in matches
            for j in range(len(known))
            if j not in used
        ),
        key=lambda p: (-p[0], p[1], p[2]),
    )
    for score, i, j in pairs:
        if score < renumbered:
            break
        if i in matches or j in used:
            continue
        matches[i] = YearMatch(i, known[j].task_key, "text", round(score, 4))
        used.add(j)
        table_no, seq = place[i][0], label[i]
        findings.append(
            Finding(
                "link.renumbered",
                "info",
                f"table {table_no} 序号 {seq} is the plan year's task {known[j].table_no}/{seq_label(known[j].seq, known[j].sub_seq)} "
                f"(renumbered or reordered; text similarity {score:.2f})",
                seq=seq,
                table_no=table_no,
                mapping_file="schemas/linking.yaml",
            )
        )
    # 3. same number, text changed; 4. new
    for i in range(len(rows)):
        if i in matches:
            continue
        table_no, seq = place[i][0], label[i]
        j = at.get(place[i])
        if j is not None and j not in used and sim[i, j] >= reworded:
            matches[i] = YearMatch(i, known[j].task_key, "seq", round(float(sim[i, j]), 4))
            used.add(j)
            findings.append(
                Finding(
                    "link.text_changed",
                    "warning",
                    f"table {table_no} 序号 {seq}: the task text differs from earlier reports of the plan year "
                    f"(similarity {sim[i, j]:.2f}); kept as the same task",
                    seq=seq,
                    table_no=table_no,
                    mapping_file="schemas/linking.yaml",
                )
            )
            continue
        matches[i] = YearMatch(i, None, "new", 0.0)
        findings.append(
            Finding(
                "link.new_task",
                "warning",
                f"table {table_no} 序号 {seq} matches no task of earlier reports of the plan year; added as a new task",
                seq=seq,
                table_no=table_no,
                mapping_file="schemas/linking.yaml",
            )
        )
    for j, k in enumerate(known):
        if j not in used:
            findings.append(
                Finding(
                    "link.task_absent",
                    "info",
                    f"the plan year's task {k.table_no}/{seq_label(k.seq, k.sub_seq)} is not in this report",
                    seq=seq_label(k.seq, k.sub_seq),
                    table_no=k.table_no,
                )
            )
    return [matches[i] for i in range(len(rows))], findings


# --------------------------------------------------------------------------- across years


@dataclass(frozen=True)
class Link:
    """A proposed or decided identity link from a task of one plan year to one of a later year."""

    from_key: int
    to_key: int
    link_type: str  # continues | merge | split
    method: str  # ngram | crosswalk
    score: float | None
    decision: str  # accepted | pending | rejected


def propose_links(
    prev: Sequence[TaskRef], nxt: Sequence[TaskRef], config: dict[str, Any] | None = None
) -> list[Link]:
    """Links from the tasks of one plan year to the next by character n-gram similarity.

    One-to-one continuations are assigned greedily, most similar pair first (Dice ≥ ``propose``;
    accepted at ``accept``). A task of year Y covered by one task of Y+1 together with other tasks
    of Y is a merge; a task of Y+1 covered by one task of Y together with other tasks of Y+1 is a
    split (coverage ≥ ``part_propose``; accepted at ``part_accept``).
    """
    cfg = {**(linking_config().get("across_years") or {}), **(config or {})}
    if not prev or not nxt:
        return []
    m = similarity_matrix([t.text for t in prev], [t.text for t in nxt])
    dice, cov_prev, cov_next = m.dice, m.coverage_a(), m.coverage_b()
    propose, accept = float(cfg["propose"]), float(cfg["accept"])
    part_propose, part_accept = float(cfg["part_propose"]), float(cfg["part_accept"])
    min_grams, ratio = int(cfg["part_min_ngrams"]), float(cfg["part_length_ratio"])

    # one-to-one, greedy
    one: dict[int, int] = {}
    one_back: dict[int, int] = {}
    idx = np.argwhere(dice >= propose)
    for i, j in sorted(((int(i), int(j)) for i, j in idx), key=lambda p: (-dice[p], p[0], p[1])):
        if i in one or j in one_back:
            continue
        one[i], one_back[j] = j, i

    links: dict[tuple[int, int], Link] = {}
    n_prev, n_next = len(prev), len(nxt)
    one_arr = np.full(n_prev, -1)
    for i, j in one.items():
        one_arr[i] = j
    back_arr = np.full(n_next, -1)
    for j, i in one_back.items():
        back_arr[j] = i
    cols, rows_ = np.arange(n_next)[None, :], np.arange(n_prev)[:, None]
    # merges: several tasks of Y inside one task of Y+1
    merge_mask = (
        (cov_prev >= part_propose)
        & (m.size_a[:, None] >= min_grams)
        & (m.size_b[None, :] >= ratio * m.size_a[:, None])
        & ((one_arr[:, None] == -1) | (one_arr[:, None] == cols))
    )
    merged_into: dict[int, list[int]] = {
        int(j): [int(i) for i in np.flatnonzero(merge_mask[:, j])]
        for j in np.flatnonzero(merge_mask.sum(axis=0) >= 2)
    }
    # splits: several tasks of Y+1 inside one task of Y
    split_mask = (
        (cov_next >= part_propose)
        & (m.size_b[None, :] >= min_grams)
        & (m.size_a[:, None] >= ratio * m.size_b[None, :])
        & ((back_arr[None, :] == -1) | (back_arr[None, :] == rows_))
    )
    if merged_into:
        split_mask[:, list(merged_into)] = False
    split_from: dict[int, list[int]] = {
        int(i): [int(j) for j in np.flatnonzero(split_mask[i, :])]
        for i in np.flatnonzero(split_mask.sum(axis=1) >= 2)
    }
    for j, parts in merged_into.items():
        for i in parts:
            if i in one and one[i] != j:
                continue
            score = round(float(cov_prev[i, j]), 4)
            links[(i, j)] = Link(
                prev[i].task_key,
                nxt[j].task_key,
                "merge",
                "ngram",
                score,
                "accepted" if score >= part_accept else "pending",
            )
    for i, parts in split_from.items():
        for j in parts:
            if (i, j) in links:
                continue
            score = round(float(cov_next[i, j]), 4)
            links[(i, j)] = Link(
                prev[i].task_key,
                nxt[j].task_key,
                "split",
                "ngram",
                score,
                "accepted" if score >= part_accept else "pending",
            )
    in_group = {i for ps in merged_into.values() for i in ps} | set(split_from)
    in_group_next = set(merged_into) | {j for js in split_from.values() for j in js}
    for i, j in one.items():
        if (i, j) in links or i in in_group or j in in_group_next:
            continue
        score = round(float(dice[i, j]), 4)
        links[(i, j)] = Link(
            prev[i].task_key,
            nxt[j].task_key,
            "continues",
            "ngram",
            score,
            "accepted" if score >= accept else "pending",
        )
    return sorted(links.values(), key=lambda lk: (lk.from_key, lk.to_key))


# --------------------------------------------------------------------------- crosswalk


@dataclass(frozen=True)
class CrosswalkEntry:
    """One reviewed decision: accept or reject the link from one task to another."""

    decision: str  # accept | reject
    from_ref: str
    to_ref: str
    position: int  # entry number in the file (1-based); later entries win


def parse_crosswalk(text: str, source: str = CROSSWALK_NAME) -> list[CrosswalkEntry]:
    """The crosswalk file's decisions, merges and splits expanded to single accept/reject pairs.

    Raises ValueError naming the file and the entry when an entry is malformed.
    """
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"{source}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError(f"{source}: expected a mapping with a `decisions:` list")
    entries = data.get("decisions") or []
    if not isinstance(entries, list):
        raise ValueError(f"{source}: `decisions` must be a list")
    out: list[CrosswalkEntry] = []
    for n, e in enumerate(entries, start=1):
        where = f"{source}: decision {n}"
        if not isinstance(e, dict) or e.get("decision") not in DECISIONS:
            raise ValueError(f"{where}: needs `decision:` one of {', '.join(DECISIONS)} (got {e!r})")
        src, dst = e.get("from"), e.get("to")
        srcs = src if isinstance(src, list) else [src]
        dsts = dst if isinstance(dst, list) else [dst]
        kind = e["decision"]
        if kind == "merge" and (len(srcs) < 2 or len(dsts) != 1):
            raise ValueError(f"{where}: a merge needs `from:` two or more tasks and `to:` one task")
        if kind == "split" and (len(srcs) != 1 or len(dsts) < 2):
            raise ValueError(f"{where}: a split needs `from:` one task and `to:` two or more tasks")
        if kind in ("accept", "reject") and (len(srcs) != 1 or len(dsts) != 1):
            raise ValueError(f"{where}: `{kind}` takes one `from:` task and one `to:` task")
        for ref in (*srcs, *dsts):
            try:
                parse_ref(str(ref))
            except ValueError as exc:
                raise ValueError(f"{where}: {exc}") from exc
        decision = "reject" if kind == "reject" else "accept"
        for s in srcs:
            for d in dsts:
                out.append(CrosswalkEntry(decision, str(s).strip(), str(d).strip(), n))
    return out


def apply_crosswalk(
    proposals: Sequence[Link], entries: Sequence[CrosswalkEntry], tasks: dict[str, TaskRef]
) -> tuple[list[Link], list[Finding]]:
    """Proposals overridden by the crosswalk (later entries win); structural link types recomputed.

    ``tasks`` maps crosswalk references to the tasks in the warehouse; an entry naming a task that
    is not there is reported (it may belong to a county or year not loaded yet).
    """
    by_pair: dict[tuple[int, int], Link] = {(lk.from_key, lk.to_key): lk for lk in proposals}
    findings: list[Finding] = []
    for e in entries:
        a, b = tasks.get(e.from_ref), tasks.get(e.to_ref)
        if a is None or b is None:
            missing = [r for r, t in ((e.from_ref, a), (e.to_ref, b)) if t is None]
            findings.append(
                Finding(
                    "link.crosswalk_unknown_task",
                    "info",
                    f"crosswalk decision {e.position} ({e.decision} {e.from_ref} → {e.to_ref}) names "
                    f"{', '.join(missing)}, not in the warehouse; not applied",
                    mapping_file=CROSSWALK_NAME,
                )
            )
            continue
        if (a.plan_year or 0) >= (b.plan_year or 0):
            findings.append(
                Finding(
                    "link.crosswalk_bad_direction",
                    "warning",
                    f"crosswalk decision {e.position}: {e.from_ref} → {e.to_ref} must go from an earlier "
                    "plan year to a later one; not applied",
                    mapping_file=CROSSWALK_NAME,
                )
            )
            continue
        old = by_pair.get((a.task_key, b.task_key))
        score = old.score if old else round(text_similarity(a.text, b.text), 4)
        by_pair[(a.task_key, b.task_key)] = Link(
            a.task_key,
            b.task_key,
            old.link_type if old else "continues",
            "crosswalk",
            score,
            "accepted" if e.decision == "accept" else "rejected",
        )
    return with_structural_types(list(by_pair.values())), findings


def with_structural_types(links: Iterable[Link]) -> list[Link]:
    """Accepted links typed by the accepted graph: a task of Y with several accepted successors was
    split, a task of Y+1 with several accepted predecessors is a merge, otherwise it continues."""
    links = list(links)
    acc = [lk for lk in links if lk.decision == "accepted"]
    out_deg: dict[int, int] = {}
    in_deg: dict[int, int] = {}
    for lk in acc:
        out_deg[lk.from_key] = out_deg.get(lk.from_key, 0) + 1
        in_deg[lk.to_key] = in_deg.get(lk.to_key, 0) + 1
    typed: list[Link] = []
    for lk in links:
        if lk.decision == "accepted":
            kind = (
                "merge" if in_deg[lk.to_key] > 1 else ("split" if out_deg[lk.from_key] > 1 else "continues")
            )
            lk = replace(lk, link_type=kind)
        typed.append(lk)
    return sorted(typed, key=lambda lk: (lk.from_key, lk.to_key))


def crosswalk_with_decision(
    text: str, decision: str, from_ref: str, to_ref: str, note: str | None = None
) -> str:
    """The crosswalk file's text with one accept/reject decision added (replacing any earlier
    single decision on the same pair). Comment lines before ``decisions:`` are kept."""
    if decision not in ("accept", "reject"):
        raise ValueError(f"decision must be accept or reject, got {decision!r}")
    parse_ref(from_ref)
    parse_ref(to_ref)
    parse_crosswalk(text)  # refuse to rewrite a file that is already broken
    data = yaml.safe_load(text) or {}
    entries = [
        e
        for e in (data.get("decisions") or [])
        if not (
            e.get("decision") in ("accept", "reject")
            and str(e.get("from")) == from_ref
            and str(e.get("to")) == to_ref
        )
    ]
    new: dict[str, Any] = {"decision": decision, "from": from_ref, "to": to_ref}
    if note:
        new["note"] = note
    entries.append(new)
    header: list[str] = []
    for line in text.splitlines():
        if line.startswith("decisions:"):
            break
        header.append(line)
    while header and not header[-1].strip():
        header.pop()
    body = ["decisions:"] + [
        "  - "
        + yaml.safe_dump(
            e, default_flow_style=True, allow_unicode=True, sort_keys=False, width=10_000
        ).strip()
        for e in entries
    ]
    return "\n".join([*header, *body]) + "\n"


# --------------------------------------------------------------------------- threads


K = TypeVar("K", int, str)  # what components() joins: task keys, county names


def threads(task_keys: Iterable[int], links: Iterable[Link]) -> dict[int, int]:
    """Thread key of every task: the smallest task key of its set of tasks joined by accepted links."""
    return components(task_keys, ((lk.from_key, lk.to_key) for lk in links if lk.decision == "accepted"))


def components(keys: Iterable[K], pairs: Iterable[tuple[K, K]]) -> dict[K, K]:
    """Union-find: each key's component, named by its smallest key; pairs naming a key not in
    ``keys`` are ignored."""
    parent: dict[K, K] = {k: k for k in keys}

    def find(x: K) -> K:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        if a in parent and b in parent and (ra := find(a)) != (rb := find(b)):
            parent[max(ra, rb)] = min(ra, rb)
    return {k: find(k) for k in parent}


def consecutive_years(years: Iterable[int]) -> list[tuple[int, int]]:
    """Pairs of consecutive plan years present (a missing year is bridged: 2020 → 2022)."""
    ys = sorted(set(years))
    return list(zip(ys, ys[1:], strict=False))


@dataclass
class LinkPlan:
    """Everything the link step decided: links (all decisions), thread key per task, findings."""

    links: list[Link]
    thread_of: dict[int, int]
    findings: list[Finding]

    def counts(self) -> dict[str, int]:
        out = {"accepted": 0, "pending": 0, "rejected": 0}
        for lk in self.links:
            out[lk.decision] += 1
        sizes: dict[int, int] = {}
        for t in self.thread_of.values():
            sizes[t] = sizes.get(t, 0) + 1
        out["threads"] = sum(1 for n in sizes.values() if n > 1)  # threads of two or more tasks
        return out


def plan_links(
    tasks: Sequence[TaskRef], crosswalk: Sequence[CrosswalkEntry], config: dict[str, Any] | None = None
) -> LinkPlan:
    """Propose links between consecutive plan years of every county, apply the crosswalk, form threads."""
    by_county_year: dict[tuple[str, int], list[TaskRef]] = {}
    for t in tasks:
        by_county_year.setdefault((t.county or "", t.plan_year or 0), []).append(t)
    proposals: list[Link] = []
    for county in sorted({c for c, _ in by_county_year}):
        years = [y for c, y in by_county_year if c == county]
        for y0, y1 in consecutive_years(years):
            proposals += propose_links(by_county_year[(county, y0)], by_county_year[(county, y1)], config)
    refs = {t.ref: t for t in tasks}
    links, findings = apply_crosswalk(proposals, crosswalk, refs)
    return LinkPlan(links, threads([t.task_key for t in tasks], links), findings)


# --------------------------------------------------------------------------- county by county


def link_chunks(
    county_tasks: Sequence[tuple[str, int]], crosswalk: Sequence[CrosswalkEntry], max_tasks: int
) -> list[list[str]]:
    """The counties (name, task count; in order) in chunks of about ``max_tasks`` tasks, to link one
    chunk at a time. Links never cross counties except through the crosswalk, so counties named by
    one crosswalk entry stay in one chunk; a chunk holds at least one group of counties however many
    tasks it has. No counties: one empty chunk (the crosswalk's findings are still reported)."""
    group_of = components(
        (c for c, _ in county_tasks), ((parse_ref(e.from_ref)[0], parse_ref(e.to_ref)[0]) for e in crosswalk)
    )
    groups: dict[str, list[str]] = {}
    size: dict[str, int] = {}
    for c, n in county_tasks:  # groups in the order of their first county
        r = group_of[c]
        groups.setdefault(r, []).append(c)
        size[r] = size.get(r, 0) + int(n)
    chunks: list[list[str]] = []
    held = 0
    for r, counties in groups.items():
        if not chunks or (held and held + size[r] > max_tasks):
            chunks.append([])
            held = 0
        chunks[-1] += counties
        held += size[r]
    return chunks or [[]]


def crosswalk_of_chunks(
    crosswalk: Sequence[CrosswalkEntry], chunks: Sequence[Sequence[str]]
) -> list[list[CrosswalkEntry]]:
    """Each chunk's crosswalk entries (in file order): an entry goes to the chunk holding the county
    of its from-task, else of its to-task, else to the first chunk, so each is applied (or reported
    as naming a task not in the warehouse) exactly once."""
    where = {c: n for n, counties in enumerate(chunks) for c in counties}
    out: list[list[CrosswalkEntry]] = [[] for _ in chunks]
    for e in crosswalk:
        a, b = parse_ref(e.from_ref)[0], parse_ref(e.to_ref)[0]
        out[where.get(a, where.get(b, 0))].append(e)
    return out
