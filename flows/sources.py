"""I/O edge for inputs: archiving raw bytes by sha256 and reading manifests."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from transforms.metadata import ReportMeta, meta_from_mapping
from warehouse.faults import fault_point

REPORT_SUFFIXES = {".txt", ".html", ".htm", ".docx", ".xlsx", ".csv", ".shtml", ""}
MANIFEST_NAMES = ("sources.yaml", "manifest.yaml")


@dataclass(frozen=True)
class ArchivedFile:
    source: str  # the path or URL it came from
    file_name: str
    sha256: str
    raw_path: str
    size: int


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def archive_bytes(data: bytes, source: str, raw_dir: Path) -> ArchivedFile:
    """Keep the raw bytes under raw_dir/<sha[:2]>/<sha><suffix>; never modified, written atomically."""
    digest = sha256_bytes(data)
    name = Path(source.split("?")[0].rstrip("/")).name or "report"
    suffix = Path(name).suffix.lower()[:8]
    target = raw_dir / digest[:2] / f"{digest}{suffix}"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            fault_point("archive")
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return ArchivedFile(source=source, file_name=name, sha256=digest, raw_path=str(target), size=len(data))


def expand_paths(paths: list[str]) -> list[Path]:
    """Files named, plus every report-looking file inside named folders (manifests excluded)."""
    out: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.name not in MANIFEST_NAMES and not child.name.startswith(".") and child.suffix.lower() in REPORT_SUFFIXES and child.suffix.lower() not in (".yaml", ".yml", ".md"):
                    out.append(child)
        else:
            out.append(path)
    return out


def load_manifest(path: Path) -> dict[str, dict[str, Any]]:
    """A manifest file → {file name or sha256 or url: entry}."""
    # the C loader (libyaml) when PyYAML has it: ~10x faster on manifests of thousands of entries
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}  # noqa: S506 (a safe loader)
    entries = data.get("reports", data if isinstance(data, list) else [])
    out: dict[str, dict[str, Any]] = {}
    for e in entries:
        for key in ("file", "sha256", "url"):
            if e.get(key):
                out[str(e[key])] = e
    return out


def manifest_meta(entry: dict[str, Any] | None) -> ReportMeta:
    if not entry:
        return ReportMeta()
    return meta_from_mapping(entry)


def find_manifest_entry(
    archived: ArchivedFile, manifests: list[dict[str, dict[str, Any]]]
) -> dict[str, Any] | None:
    for m in manifests:
        for key in (archived.sha256, archived.file_name, archived.source):
            if key in m:
                return m[key]
    return None


def manifests_for(paths: list[Path], explicit: str | None) -> list[dict[str, dict[str, Any]]]:
    """The explicit manifest first, then sources.yaml/manifest.yaml beside the inputs."""
    found: list[dict[str, dict[str, Any]]] = []
    seen: set[Path] = set()
    candidates = [Path(explicit)] if explicit else []
    for p in paths:
        for name in MANIFEST_NAMES:
            candidates.append(p.parent / name)
    for c in candidates:
        rc = c.resolve()
        if rc in seen or not c.is_file():
            continue
        seen.add(rc)
        found.append(load_manifest(c))
    return found
