"""What a table cell holds once layout has found its row: units, persons, leaders, verdicts.

Pure functions over the text of one cell, driven by the mapping files (units.yaml, leaders.yaml,
surnames.yaml, status.yaml). transforms/normalize.py calls them and turns their notes into
``repair.*`` findings.

- A unit cell is split on 、 , ; / at the top level only (never inside brackets), a 、 before a
  catch-all word (`…等部门、单位`) and between stems that share the last name's suffix
  (`新桥、大桥、东桥街道社区卫生服务中心`) does not split, pieces broken by a line or a space
  (`市政` / `府办` / `公厅`) are rejoined until they end like a unit, a person written after a unit
  (`市民政局 刘伟`) is set aside as the unit's head, and a marked unit (`*市发改委`) is the lead.
- A leader cell keeps titles whole (`常务副市长`) and splits names run together or broken by
  spaces by the surnames they start with (`王 明李 华` → 王明, 李华).
- A heading that names its block's leader (`一、区长张建国牵头重点工作`) gives the leader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from transforms.mappings import _load, squash
from transforms.memo import remembered

OPEN = "(（[【〔〈《"
CLOSE = ")）]】〕〉》"
CJK_RUN = re.compile(r"^[\u4e00-\u9fff]+$")
HAS_CJK = re.compile(r"[\u4e00-\u9fff]")
SPACES = re.compile(r"[\s\u3000]+")
NUMERAL = re.compile(r"^[一二三四五六七八九十百零〇\d]+[、.．]?$")  # a heading marker, never part of a name


@dataclass(frozen=True)
class CellRules:
    separators: frozenset[str]
    endings: tuple[str, ...]  # unit suffixes and the endings of places and catch-alls
    fragments: frozenset[str]
    split_prefixes: tuple[str, ...]
    group_words: frozenset[str]
    empty_marks: frozenset[str]
    lead_marks: tuple[str, ...]
    aliases: frozenset[str]
    surnames: frozenset[str]
    compound_surnames: frozenset[str]
    surname_rank: dict[str, int]
    role_markers: tuple[str, ...]
    heading_leader: re.Pattern[str]


@cache
def cell_rules() -> CellRules:
    u = _load("units")
    ld = _load("leaders")
    sn = _load("surnames")
    single = str(sn.get("single") or "")
    compound = [str(c) for c in sn.get("compound") or []]
    rank = {c: i for i, c in enumerate(single)}
    rank.update({c: i for i, c in enumerate(compound)})
    endings = tuple(sorted({*(u.get("suffixes") or []), *(u.get("endings") or [])}, key=len, reverse=True))
    titles = "|".join(f"(?:{t})" for t in ld.get("heading_titles") or []) or "(?!)"
    verbs = "|".join(re.escape(v) for v in ld.get("heading_verbs") or []) or "(?!)"
    heading = re.compile(
        rf"^(?:[一二三四五六七八九十百]+[、.．]|[(（][一二三四五六七八九十]+[)）]|\d+[、.．])?\s*"
        rf"(?:{titles})(?P<name>[\u4e00-\u9fff]{{2,4}}?)(?:同志)?(?:{verbs})"
    )
    return CellRules(
        separators=frozenset(str(u.get("separators") or "、,，;；/／")),
        endings=endings,
        fragments=frozenset(u.get("fragments") or []),
        split_prefixes=tuple(sorted(u.get("split_prefixes") or [], key=len, reverse=True)),
        group_words=frozenset(u.get("group_words") or []),
        empty_marks=frozenset(squash(m) for m in u.get("empty_marks") or []),
        lead_marks=tuple(u.get("lead_marks") or []),
        aliases=frozenset(squash(k) for k in (u.get("aliases") or {})),
        surnames=frozenset(single),
        compound_surnames=frozenset(compound),
        surname_rank=rank,
        role_markers=tuple(ld.get("role_markers") or []),
        heading_leader=heading,
    )


# ---------------------------------------------------------------------------------------- helpers


def split_top_level(text: str, separators: frozenset[str]) -> list[str]:
    """Split on any of ``separators`` outside brackets (`各镇(街道、园区)` stays whole)."""
    out: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(text):
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and ch in separators:
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    return [p.strip() for p in out if p.strip()]


def _strip_brackets(name: str) -> str:
    """The name without a trailing bracketed part (`各镇(街道)` → `各镇`)."""
    while name and name[-1] in CLOSE:
        depth = 0
        for i in range(len(name) - 1, -1, -1):
            if name[i] in CLOSE:
                depth += 1
            elif name[i] in OPEN:
                depth -= 1
                if depth == 0:
                    name = name[:i].rstrip()
                    break
        else:
            return name
    return name


@remembered
@lru_cache(maxsize=32768)  # asked of every piece of every cell, the same pieces again and again
def is_unit_like(name: str) -> bool:
    """The text ends like a finished unit (`市政府办` yes, `市政` no) or is a known alias."""
    r = cell_rules()
    core = _strip_brackets(squash(name))
    if core in r.aliases:
        return True
    if len(core) >= 2 and core.startswith(("各", "相关", "有关")):
        return True
    return len(core) >= 3 and core.endswith(r.endings)


@remembered
@lru_cache(maxsize=32768)  # asked of every piece of every cell, the same pieces again and again
def is_person_name(token: str) -> bool:
    """A 2-4 character personal name: starts with a surname, ends unlike a unit, no title in it."""
    r = cell_rules()
    t = squash(token)
    if not CJK_RUN.match(t) or not 2 <= len(t) <= 4:
        return False
    if any(m in t for m in r.role_markers) or t.endswith(r.endings):
        return False
    if t[:2] in r.compound_surnames:
        return 3 <= len(t) <= 4
    return t[0] in r.surnames and len(t) <= 3


# ------------------------------------------------------------------------------------------ units


@dataclass(frozen=True)
class UnitCell:
    """A unit cell read: the unit names in order, which of them are marked as lead, the persons
    written beside them, and notes on every repair (kind, message)."""

    names: tuple[str, ...]
    marked: tuple[str, ...]
    heads: tuple[str, ...]
    notes: tuple[tuple[str, str], ...]


def _rejoin_broken(tokens: list[str], notes: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """Whitespace-separated pieces of one list item → unit names and persons."""
    r = cell_rules()
    units: list[str] = []
    heads: list[str] = []
    acc = ""
    pieces: list[str] = []
    for tok in tokens:
        if not acc:
            acc, pieces = tok, [tok]
            continue
        if is_unit_like(acc) and is_person_name(tok):
            units.append(acc)
            acc, pieces = "", []
            heads.append(tok)
            notes.append(
                ("unit_head", f"{units[-1]!r} {tok!r}: {tok!r} is a person beside the unit, not a unit")
            )
            continue
        # a full name (3 characters) or two names in a row: people, not pieces of one unit
        people = is_person_name(acc) and (len(acc) >= 3 or len(tok) >= 2 and is_person_name(tok))
        broken = (
            HAS_CJK.search(tok) is not None
            and not people
            and (
                (not is_unit_like(acc) and not (is_unit_like(tok) and tok.startswith(r.split_prefixes)))
                or tok in r.fragments
                or tok[0] in "(（[【〔"
                or (
                    len(tok) <= 2
                    and not is_unit_like(tok)
                    and not tok.startswith(r.split_prefixes)
                    and not NUMERAL.match(tok)
                )
            )
        )
        if broken:
            acc += tok
            pieces.append(tok)
        else:
            if len(pieces) > 1:
                notes.append(("unit_rejoined", f"{' '.join(pieces)!r} → {acc!r}"))
            units.append(acc)
            acc, pieces = tok, [tok]
    if acc:
        if len(pieces) > 1:
            notes.append(("unit_rejoined", f"{' '.join(pieces)!r} → {acc!r}"))
        if units and not heads and is_person_name(acc) and is_unit_like(units[-1]):
            heads.append(acc)
            notes.append(("unit_head", f"{acc!r} is a person beside the unit, not a unit"))
        else:
            units.append(acc)
    return units, heads


def _split_on_he(item: str) -> list[str]:
    """`青山区和市直相关单位` → two units; `区住房和城乡建设局` stays whole."""
    if "和" not in item:
        return [item]
    depth = 0
    for i, ch in enumerate(item):
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth = max(0, depth - 1)
        elif ch == "和" and depth == 0 and 3 <= i < len(item) - 2:
            left, right = item[:i], item[i + 1 :]
            if is_unit_like(left) and (
                is_unit_like(right) or right.startswith(("市直", "区直", "县直", "各", "相关", "有关"))
            ):
                return [left, *_split_on_he(right)]
    return [item]


@lru_cache(maxsize=32768)
def read_unit_cell(raw: str) -> UnitCell:
    """Split one unit cell (see the module docstring); pure and memoised."""
    r = cell_rules()
    notes: list[tuple[str, str]] = []
    text = raw.strip()
    if not text or squash(text) in r.empty_marks:
        return UnitCell((), (), (), ())
    items = split_top_level(text, r.separators)
    # a catch-all word after 、 (`…等部门、单位`) and stems sharing the next name's suffix stay whole
    merged: list[str] = []
    i = 0
    while i < len(items):
        it = items[i]
        if merged and squash(it) in r.group_words and "等" in merged[-1]:
            notes.append(("unit_rejoined", f"{merged[-1]!r}、{it!r} → one catch-all"))
            merged[-1] = f"{merged[-1]}、{it}"
            i += 1
            continue
        j = i
        while j + 1 < len(items) and _is_stem(items[j]):
            j += 1
        if j > i and is_unit_like(items[j]) and not _is_stem(items[j]):
            whole = "、".join(items[i : j + 1])
            notes.append(("unit_shared_suffix", f"{whole!r}: the stems share the last name's suffix"))
            merged.append(whole)
            i = j + 1
            continue
        merged.append(it)
        i += 1
    names: list[str] = []
    marked: list[str] = []
    heads: list[str] = []
    for it in merged:
        mark = any(it.startswith(m) or it.endswith(m) for m in r.lead_marks)
        clean = it
        for m in r.lead_marks:
            clean = clean.strip(m).strip()
        tokens = [t for t in SPACES.split(clean) if t and squash(t) not in r.empty_marks]
        if not tokens:
            continue
        found, persons = _rejoin_broken(tokens, notes)
        heads += persons
        for f in found:
            parts = _split_on_he(f)
            if len(parts) > 1:
                notes.append(("unit_split", f"{f!r} → {' | '.join(parts)}"))
            for part in parts:
                names.append(part)
                if mark:
                    marked.append(part)
    return UnitCell(tuple(names), tuple(marked), tuple(heads), tuple(notes))


def _is_stem(item: str) -> bool:
    """A short place stem that is no unit of its own (`新桥` in `新桥、大桥、东桥街道…`)."""
    r = cell_rules()
    t = squash(item)
    return (
        bool(CJK_RUN.match(t))
        and 1 < len(t) <= 3
        and not is_unit_like(t)
        and not t.startswith(r.split_prefixes)
        and not t.endswith(r.endings)
        and not is_person_name(t)
        and t not in r.group_words
    )


# ---------------------------------------------------------------------------------------- leaders


def _segmentations(s: str) -> list[list[str]]:
    """Every way to cut ``s`` into names of 2-3 characters (3-4 with a compound surname), each
    starting with a surname."""
    r = cell_rules()
    if not s:
        return [[]]
    out: list[list[str]] = []
    lengths = (3, 4) if s[:2] in r.compound_surnames else ()
    if s[0] in r.surnames:
        lengths = (*lengths, 2, 3)
    for n in lengths:
        if n <= len(s):
            for rest in _segmentations(s[n:]):
                out.append([s[:n], *rest])
    return out


def split_names(run: str) -> list[str] | None:
    """`王明李华` → [王明, 李华] by surnames; None when no cut gives names or two cuts tie."""
    cuts = _segmentations(run)
    if not cuts:
        return None
    r = cell_rules()

    def cost(cut: list[str]) -> tuple[int, int]:
        ranks = [
            r.surname_rank.get(n[:2], r.surname_rank.get(n[0], 999))
            if n[:2] in r.compound_surnames
            else r.surname_rank.get(n[0], 999)
            for n in cut
        ]
        return (sum(ranks), -len(cut))

    cuts.sort(key=cost)
    if len(cuts) > 1 and cost(cuts[0]) == cost(cuts[1]):
        return None
    return cuts[0]


def _is_role(token: str) -> bool:
    return any(m in token for m in cell_rules().role_markers)


def _names_of_run(run: list[str], notes: list[tuple[str, str]]) -> list[str]:
    """Short untitled tokens in a row (`陆`, `明俞`, `悦`) → the names they spell."""
    joined = "".join(run)
    spaced = len(run) > 1
    if spaced and all(len(t) >= 2 and is_person_name(t) for t in run):
        return list(run)  # spaces between whole names: they are the separators
    # single characters spaced out (`吴 诚` beside `厉有明`): join each stretch of them
    pieces: list[str] = []
    spacing: list[tuple[str, str]] = []
    singles: list[str] = []
    for t in [*run, ""]:
        if len(t) == 1:
            singles.append(t)
            continue
        if singles:
            pieces.append("".join(singles))
            if len(singles) > 1:
                spacing.append(("leader_spacing", f"{' '.join(singles)!r} → {pieces[-1]!r}"))
            singles = []
        if t:
            pieces.append(t)
    if spaced and len(pieces) > 1 and all(is_person_name(p) for p in pieces):
        notes.extend(spacing)
        return pieces
    if len(joined) <= 3:
        if spaced:
            notes.append(("leader_spacing", f"{' '.join(run)!r} → {joined!r}"))
        return [joined]
    cut = split_names(joined)
    if cut is not None:
        if cut != [joined] or spaced:
            notes.append(("leader_names_split", f"{' '.join(run)!r} → {' | '.join(cut)} (by surnames)"))
        return cut
    if spaced and all(len(t) >= 2 for t in run):
        return list(run)
    return [joined]


@lru_cache(maxsize=32768)
def read_leader_cell(raw: str) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """A leader cell → names and titles, with notes on every repair (kind, message)."""
    r = cell_rules()
    notes: list[tuple[str, str]] = []
    text = raw.strip()
    if not text or squash(text) in r.empty_marks:
        return (), ()
    names: list[str] = []
    for item in _one_person_many_titles(split_top_level(text, r.separators), notes):
        run: list[str] = []
        for t in SPACES.split(item):
            if not t:
                continue
            if CJK_RUN.match(t) and len(t) <= 6 and not _is_role(t):
                run.append(t)
                continue
            if run:
                names += _names_of_run(run, notes)
                run = []
            names.append(t)
        if run:
            names += _names_of_run(run, notes)
    out: list[str] = []
    for n in names:
        if n not in out:
            out.append(n)
    return tuple(out), tuple(notes)


def _name_after_title(item: str) -> str | None:
    """`某市委书记赵国强` → 赵国强 (the name after the last title word); `某省副省长` → ''; no title → None."""
    t = squash(item)
    ends = [t.rfind(m) + len(m) for m in cell_rules().role_markers if m in t]
    if not ends:
        return None
    return t[max(ends) :]


def _one_person_many_titles(items: list[str], notes: list[tuple[str, str]]) -> list[str]:
    """`某省副省长、某市委书记赵国强` is one person with two titles: a bare title before a title
    with a name stays with it."""
    out: list[str] = []
    pending: list[str] = []
    for it in items:
        after = _name_after_title(it)
        if after == "":
            pending.append(it)
            continue
        if pending and after and is_person_name(after):
            whole = "、".join([*pending, it])
            notes.append(("leader_titles_joined", f"{whole!r}: one person with {len(pending) + 1} titles"))
            out.append(whole)
        else:
            out.extend(pending)
            out.append(it)
        pending = []
    out.extend(pending)
    return out


def leader_from_heading(heading: str | None) -> str | None:
    """The leader a block heading names (`一、区长张建国牵头重点工作` → 张建国), or None."""
    if not heading:
        return None
    m = cell_rules().heading_leader.match(squash(heading))
    if m is None:
        return None
    name = m.group("name")
    return name if is_person_name(name) else None


# -------------------------------------------------------------------------------- progress parts


@cache
def _progress_labels() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(a progress label at the start, the first issues/plan label) as regexes."""
    d = _load("status").get("progress_labels") or {}

    def alt(words: list[str]) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) or "(?!)"

    opener = re.compile(rf"^\s*(?:{alt(d.get('progress') or [])})\s*[:：]\s*")
    rest = re.compile(
        rf"(?:^|(?<=[\s。；;，,]))(?:(?P<issues>{alt(d.get('issues') or [])})|(?P<plan>{alt(d.get('plan') or [])}))\s*[:：]\s*"
    )
    return opener, rest


def split_progress_parts(text: str) -> tuple[str, str | None, str | None] | None:
    """`进展情况:… 下步打算:…` → (progress, issues, plan); None when the cell has no labelled parts."""
    if ":" not in text and "：" not in text:
        return None  # every label ends with a colon
    opener, rest = _progress_labels()
    head = opener.match(text)
    start = head.end() if head else 0
    parts = list(rest.finditer(text, start))
    if head is None and not parts:
        return None
    end = parts[0].start() if parts else len(text)
    progress = text[start:end].strip()
    issues: list[str] = []
    plan: list[str] = []
    for k, m in enumerate(parts):
        stop = parts[k + 1].start() if k + 1 < len(parts) else len(text)
        body = text[m.end() : stop].strip()
        if body:
            (issues if m.group("issues") else plan).append(body)
    return progress, "\n".join(issues) or None, "\n".join(plan) or None


# ---------------------------------------------------------------------------------------- verdicts


@cache
def _verdict_pattern() -> re.Pattern[str]:
    """The anchored status words of status.yaml (`^(已完成|…)$`) as one regex: a cell that opens with
    one is a verdict."""
    anchored = [
        str(e["pattern"]) for e in _load("status").get("explicit") or [] if str(e["pattern"]).startswith("^")
    ]
    return re.compile("|".join(f"(?:{p})" for p in anchored) or "(?!)")


VERDICT_END = re.compile(r"[。；;，,：:\s]")


@lru_cache(maxsize=32768)
def is_verdict_cell(raw: str | None) -> bool:
    """The cell opens with a status word (`已完成。 从2020年…`, `顺利推进`): a verdict, never a unit."""
    if not raw or not raw.strip():
        return False
    first = VERDICT_END.split(raw.strip(), maxsplit=1)[0]
    return bool(first) and _verdict_pattern().search(first) is not None
