"""Manifests (sources.yaml): one model of what a manifest entry or the command line says about a
report, and one loader that checks a manifest entry by entry.

A manifest is a list of entries under `reports:` (or a bare list). Each entry names its report by
`file`, `sha256` or `url` and gives any of county, province, prefecture, plan_year, as_of
(`as_of_date` is accepted too), period_type, title and source_url. A bad entry — a value of the wrong
kind, an impossible or implausible date or year, an unknown field, a YAML alias — carries an error
naming the manifest and the entry, and blocks only the report it names; the other entries load. A
manifest that cannot be read at all blocks only the reports it would describe: those in its folder
and below (every report of the run when it was named explicitly) that no readable manifest names.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from transforms.metadata import PERIOD_TYPES, ReportMeta

if TYPE_CHECKING:
    from sources import ArchivedFile

MANIFEST_NAMES = ("sources.yaml", "manifest.yaml")
MAX_MANIFEST_BYTES = 32 * 1024 * 1024
FIRST_PLAN_YEAR = 1949  # the earliest plan year and as-of year a report can have
KEY_FIELDS = ("file", "sha256", "url")
TEXT_LIMITS = {
    "county": 64,
    "province": 64,
    "prefecture": 64,
    "title": 500,
    "source_url": 2048,
    "file": 1024,
    "url": 2048,
}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
SHA256 = re.compile(r"[0-9a-f]{64}")


class ManifestError(ValueError):
    """Metadata that cannot be used: the message names where it came from and what is wrong."""


@dataclass(frozen=True)
class ManifestEntry:
    """What a manifest entry (or the command line) says about one report.

    `where` names the entry (`samples/sources.yaml, entry 3 (x.txt)`); `error`, when set, says why
    the entry cannot be used: the report it names is then not loaded."""

    where: str = ""
    file: str | None = None
    sha256: str | None = None
    url: str | None = None
    county: str | None = None
    province: str | None = None
    prefecture: str | None = None
    plan_year: int | None = None
    as_of: date | None = None
    period_type: str | None = None
    title: str | None = None
    source_url: str | None = None
    error: str | None = None

    def keys(self) -> list[str]:
        """The names it is found by: its file, sha256 and url."""
        return [v for v in (self.file, self.sha256, self.url) if v]

    def meta(self) -> ReportMeta:
        return ReportMeta(
            county=self.county,
            province=self.province,
            prefecture=self.prefecture,
            plan_year=self.plan_year,
            as_of=self.as_of,
            period_type=self.period_type,
            title=self.title,
            source_url=self.source_url or self.url,
        )

    def same_report(self, other: ManifestEntry) -> bool:
        """Do both say the same about the report (apart from where they were written)?"""
        return all(
            getattr(self, f.name) == getattr(other, f.name)
            for f in fields(self)
            if f.name not in ("where", "error")
        )


ENTRY_FIELDS = tuple(f.name for f in fields(ManifestEntry) if f.name not in ("where", "error"))
ALIASES = {"as_of_date": "as_of"}


def last_plan_year(today: date | None = None) -> int:
    """The latest plausible plan year: the year after next (a plan is published ahead)."""
    return (today or date.today()).year + 2


def last_as_of(today: date | None = None) -> date:
    """The latest plausible as-of date: the end of next year (a report is dated when it is written)."""
    return date((today or date.today()).year + 1, 12, 31)


def _text(name: str, value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"{name} must be text, got {type(value).__name__}")
    text = str(value).strip()
    if any(ch in text for ch in "\r\n\x00"):
        raise ValueError(f"{name} must be one line of text")
    if len(text) > TEXT_LIMITS.get(name, 200):
        raise ValueError(f"{name} is longer than {TEXT_LIMITS.get(name, 200)} characters")
    return text or None


def _plan_year(value: Any, today: date | None) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not (
        isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit())
    ):
        raise ValueError(f"plan_year must be a year such as 2024, got {value!r}")
    year = int(value)
    if not FIRST_PLAN_YEAR <= year <= last_plan_year(today):
        raise ValueError(f"plan_year {year} is out of range ({FIRST_PLAN_YEAR}..{last_plan_year(today)})")
    return year


def _as_of(value: Any, today: date | None) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        day = value
    elif isinstance(value, str) and ISO_DATE.fullmatch(value.strip()):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError as exc:
            raise ValueError(f"as_of {value} is not a date: {exc}") from exc
    else:
        raise ValueError(f"as_of must be a date YYYY-MM-DD, got {value!r}")
    first, last = date(FIRST_PLAN_YEAR, 1, 1), last_as_of(today)
    if not first <= day <= last:
        raise ValueError(f"as_of {day} is out of range ({first}..{last})")
    return day


def _period_type(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if value not in PERIOD_TYPES:
        raise ValueError(f"period_type must be one of {', '.join(PERIOD_TYPES)}, got {value!r}")
    return str(value)


def _sha256(value: Any) -> str | None:
    text = _text("sha256", value)
    if text is not None and not SHA256.fullmatch(text.lower()):
        raise ValueError(f"sha256 must be 64 hexadecimal digits, got {text[:80]!r}")
    return text.lower() if text else None


def parse_entry(raw: Any, where: str, today: date | None = None, need_key: bool = True) -> ManifestEntry:
    """One entry (a mapping of field → value) as a ManifestEntry, every field checked.

    Never raises for bad content: the problems go into `error`, with `where` in front. The names
    the entry is found by (file, sha256, url) are kept when they are readable, so the report it
    names can be blocked."""
    if not isinstance(raw, dict):
        return ManifestEntry(
            where=where,
            error=f"{where}: an entry is a mapping (file: …, county: …), not {type(raw).__name__}",
        )
    values: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in raw.items():
        name = ALIASES.get(str(key), str(key))
        if name not in ENTRY_FIELDS:
            problems.append(f"unknown field {str(key)[:40]!r} (known: {', '.join(ENTRY_FIELDS)})")
        elif name in values and values[name] != value:
            problems.append(f"{key} contradicts an earlier field")
        else:
            values[name] = value
    checks = {
        "file": lambda v: _text("file", v),
        "sha256": _sha256,
        "url": lambda v: _text("url", v),
        "county": lambda v: _text("county", v),
        "province": lambda v: _text("province", v),
        "prefecture": lambda v: _text("prefecture", v),
        "plan_year": lambda v: _plan_year(v, today),
        "as_of": lambda v: _as_of(v, today),
        "period_type": _period_type,
        "title": lambda v: _text("title", v),
        "source_url": lambda v: _text("source_url", v),
    }
    checked: dict[str, Any] = {}
    for name, value in values.items():
        try:
            checked[name] = checks[name](value)
        except ValueError as exc:
            problems.append(str(exc))
    entry = ManifestEntry(where=where, **checked)
    if need_key and not entry.keys() and not problems:
        problems.append("names no report (give file, sha256 or url)")
    if problems:
        return replace(entry, error=f"{where}: {'; '.join(problems)}")
    return entry


def overrides_entry(overrides: dict[str, Any], where: str = "the command line") -> ManifestEntry:
    """Metadata given on the command line (or as flow parameters), checked like a manifest entry;
    ManifestError when any of it is impossible."""
    entry = parse_entry({k: v for k, v in overrides.items() if v not in (None, "")}, where, need_key=False)
    if entry.error:
        raise ManifestError(entry.error)
    return entry


# ---------------------------------------------------------------------------------------- loading


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader (libyaml's when PyYAML has it) with dates kept as text: an impossible date
    (2021-02-30) is then the error of its entry, not of the whole file."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


@dataclass
class Manifest:
    """One manifest file: its entries in file order, found by file name, sha256 or url.

    `error` is set when the file cannot be read at all; `explicit` when it was named (--manifest or
    the inbox's own manifest), so it describes every report of the run, not only those below it."""

    path: str
    entries: list[ManifestEntry] = field(default_factory=list)
    error: str | None = None
    explicit: bool = False
    by_key: dict[str, ManifestEntry] = field(default_factory=dict)

    def find(self, keys: list[str]) -> ManifestEntry | None:
        for key in keys:
            if key in self.by_key:
                return self.by_key[key]
        return None

    def covers(self, source: str) -> bool:
        """Would this manifest describe the report read from `source` (a path or URL)?"""
        if self.explicit:
            return True
        try:
            Path(source).resolve().relative_to(Path(self.path).resolve().parent)
        except (ValueError, OSError):
            return False
        return True

    def problems(self) -> list[str]:
        """Errors that block no report: the whole file's, and those of entries that name none."""
        if self.error:
            return [self.error]
        return [e.error for e in self.entries if e.error and not e.keys()]


def _entry_label(path: Path, index: int, raw: Any) -> str:
    name = ""
    if isinstance(raw, dict):
        for key in KEY_FIELDS:
            value = raw.get(key)
            if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
                name = f" ({str(value).strip()[:120]})"
                break
    return f"{path}, entry {index}{name}"


def _walk_uses_alias(node: Node, seen: set[int]) -> bool:
    """Walk a node graph once; True when a node is reached a second time (a YAML alias). Linear in
    the size of the text, however an alias would expand (a "billion laughs" stays small)."""
    stack = [node]
    hit = False
    while stack:
        n = stack.pop()
        if id(n) in seen:
            hit = True
            continue
        seen.add(id(n))
        if isinstance(n, MappingNode):
            for k, v in n.value:
                stack += [k, v]
        elif isinstance(n, SequenceNode):
            stack.extend(n.value)
    return hit


def _duplicate_keys(node: MappingNode) -> list[str]:
    names = [k.value for k, _ in node.value if isinstance(k, ScalarNode)]
    return sorted({n for n in names if names.count(n) > 1})


def load_manifest(path: Path, explicit: bool = False, today: date | None = None) -> Manifest:
    """Read and check a manifest; never raises for its content (see Manifest.error and each entry's error)."""
    manifest = Manifest(path=str(path), explicit=explicit)
    try:
        size = path.stat().st_size
        if size > MAX_MANIFEST_BYTES:
            raise ManifestError(f"larger than {MAX_MANIFEST_BYTES // (1024 * 1024)} MB")
        stream = io.StringIO(path.read_text(encoding="utf-8"))
        stream.name = path.name  # what YAML's messages call the file
        loader = _Loader(stream)
        try:
            root = loader.get_single_node()
            entry_nodes = _entry_nodes(root)
            seen: set[int] = set()
            if isinstance(root, MappingNode):
                # what surrounds the entries first: an anchor there, used in an entry, is an alias of that entry
                seen.add(id(root))
                skipped = False
                for k, v in root.value:
                    _walk_uses_alias(k, seen)
                    if not skipped and isinstance(k, ScalarNode) and k.value == "reports":
                        skipped = True
                        continue
                    _walk_uses_alias(v, seen)
            if entry_nodes is not None:
                if id(entry_nodes) in seen:
                    raise ManifestError(
                        "the list under `reports:` is reached through a YAML alias (*name); write it out once"
                    )
                seen.add(id(entry_nodes))
            for index, node in enumerate(entry_nodes.value if entry_nodes is not None else [], start=1):
                manifest.entries.append(_entry(loader, path, index, node, seen, today))
        finally:
            loader.dispose()
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ManifestError, RecursionError) as exc:
        detail = "nested too deeply" if isinstance(exc, RecursionError) else " ".join(str(exc).split())
        manifest.error = f"{path}: the manifest cannot be read: {detail}"
        manifest.entries = []
        return manifest
    for entry in manifest.entries:
        for key in entry.keys():
            first = manifest.by_key.get(key)
            if first is None:
                manifest.by_key[key] = entry
            elif first.error is None and entry.error is None and not first.same_report(entry):
                manifest.by_key[key] = replace(
                    first, error=f"{first.where} and {entry.where} both describe {key} and disagree"
                )
            elif entry.error and not first.error:
                manifest.by_key[key] = entry  # a bad entry for the same report blocks it too
    return manifest


def _entry_nodes(root: Node | None) -> SequenceNode | None:
    """The list of entries: `reports:` of a mapping, or the document itself when it is a list."""
    if root is None:
        return None
    if isinstance(root, SequenceNode):
        return root
    if isinstance(root, MappingNode):
        for k, v in root.value:
            if isinstance(k, ScalarNode) and k.value == "reports":
                if isinstance(v, ScalarNode) and v.tag.endswith(":null"):
                    return None
                if not isinstance(v, SequenceNode):
                    raise ManifestError(
                        "`reports:` must hold a list of entries (- file: …), see samples/sources.yaml"
                    )
                return v
        if not root.value:
            return None
        raise ManifestError("a manifest is a list of entries under `reports:` (see samples/sources.yaml)")
    if isinstance(root, ScalarNode) and root.tag.endswith(":null"):
        return None
    raise ManifestError(
        "a manifest is a list of entries under `reports:` (see samples/sources.yaml), not a single value"
    )


def _names(node: Node) -> dict[str, str]:
    """file / sha256 / url of an entry, read from its plain text values without building it."""
    if not isinstance(node, MappingNode):
        return {}
    return {
        k.value: v.value
        for k, v in node.value
        if isinstance(k, ScalarNode)
        and k.value in KEY_FIELDS
        and isinstance(v, ScalarNode)
        and v.value.strip()
    }


def _refused(where: str, node: Node, problem: str, today: date | None) -> ManifestEntry:
    """An entry that cannot be used; it keeps the names it is found by, so the report it names is blocked."""
    keyed = parse_entry(_names(node), where, today, need_key=False)
    return replace(keyed if not keyed.error else ManifestEntry(where=where), error=f"{where}: {problem}")


STR_TAGS = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp")


def _flat_entry(loader: Any, node: Node, seen: set[int]) -> dict[str, Any] | None:
    """The common entry (one level of plain `key: value`) built directly, several times faster than
    the generic constructor; None when the entry is anything else (or reaches a node twice)."""
    if not isinstance(node, MappingNode) or id(node) in seen:
        return None
    pairs = node.value
    if not all(
        isinstance(k, ScalarNode) and isinstance(v, ScalarNode) and id(k) not in seen and id(v) not in seen
        for k, v in pairs
    ):
        return None
    names = [k.value for k, _ in pairs]
    if len(set(names)) != len(names) or "<<" in names:
        return None
    seen.add(id(node))
    out: dict[str, Any] = {}
    for k, v in pairs:
        seen.add(id(k))
        seen.add(id(v))
        out[k.value] = v.value if v.tag in STR_TAGS else loader.construct_object(v)
    return out


def _entry(
    loader: Any, path: Path, index: int, node: Node, seen: set[int], today: date | None
) -> ManifestEntry:
    where = _entry_label(path, index, _names(node))
    try:
        raw = _flat_entry(loader, node, seen)
    except (yaml.YAMLError, ValueError, TypeError) as exc:  # an unknown tag (!thing) and the like
        return _refused(where, node, " ".join(str(exc).split()) or type(exc).__name__, today)
    if raw is not None:
        return parse_entry(raw, where, today)
    if _walk_uses_alias(node, seen):
        return _refused(where, node, "uses a YAML alias (*name); write the values out in each entry", today)
    if isinstance(node, MappingNode):
        dups = _duplicate_keys(node)
        if dups:
            return _refused(where, node, f"{', '.join(dups)} given twice", today)
    try:
        raw = loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        return _refused(where, node, " ".join(str(exc).split()) or type(exc).__name__, today)
    entry = parse_entry(raw, where, today)
    if entry.error and not entry.keys():
        entry = _refused(where, node, entry.error.removeprefix(f"{where}: "), today)
    return entry


# ---------------------------------------------------------------------------------------- lookup


def manifests_for(paths: list[Path], explicit: str | None) -> list[Manifest]:
    """The explicit manifest first, then sources.yaml/manifest.yaml beside the inputs.

    An explicit manifest that does not exist is an error (FileNotFoundError naming it)."""
    found: list[Manifest] = []
    seen: set[Path] = set()
    if explicit:
        if not Path(explicit).is_file():
            raise FileNotFoundError(f"{explicit}: no such manifest")
        seen.add(Path(explicit).resolve())
        found.append(load_manifest(Path(explicit), explicit=True))
    for p in paths:
        for name in MANIFEST_NAMES:
            c = p.parent / name
            rc = c.resolve()
            if rc in seen or not c.is_file():
                continue
            seen.add(rc)
            found.append(load_manifest(c))
    return found


def find_manifest_entry(archived: ArchivedFile, manifests: list[Manifest]) -> ManifestEntry | None:
    """The entry describing a report (by sha256, file name or source), first manifest first.

    A report no readable manifest names is blocked (an entry with an error) when a manifest that
    would describe it cannot be read; otherwise None (its metadata is inferred from the text)."""
    keys = [archived.sha256, archived.file_name, archived.source]
    for m in manifests:
        entry = m.find(keys)
        if entry is not None:
            return entry
    for m in manifests:
        if m.error and m.covers(archived.source):
            return ManifestEntry(where=m.path, error=f"{archived.file_name}: not loaded: {m.error}")
    return None
